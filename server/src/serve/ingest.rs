//! `POST /v1/responses` (docs/contract.md §4): an `nps.batch/1` body, read up to 1 MiB, parsed
//! and validated (errors name the field), stored with duplicates counted.
//!
//! `application/json` and `text/plain` (what `navigator.sendBeacon` sends, and a
//! CORS-safelisted type: no preflight) are both read as JSON; a form or multipart content type
//! is a 400 naming `Content-Type`.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::Json;
use http_body_util::BodyExt;
use nps_core::Batch;
use serde::Serialize;

use super::error::AppError;
use super::state::AppState;

/// Largest request body accepted by `POST /v1/responses` (the widget sends at most 64 KiB).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// An oversized body is read (and thrown away) up to this size before the 413 is sent, so the
/// client sees the answer instead of a reset connection.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// The answer to an accepted batch.
#[derive(Serialize)]
pub struct Accepted {
    accepted: u64,
    duplicates: u64,
}

/// `POST /v1/responses`: `200 {"accepted": n, "duplicates": m}`, 400 or 413 (see [`AppError`]).
pub async fn post_responses(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Accepted>, AppError> {
    check_content_type(&headers)?;
    let bytes = read_body(&headers, body).await?;
    let batch = parse_batch(&bytes)?;
    let received_at = now_rfc3339();
    // Logged where it is stored: a client that goes away mid-request drops this future, but the
    // insert it started still commits, and its log line with it.
    let inserted = state
        .with_db(move |db| {
            let inserted = db.insert_batch(&batch, &received_at)?;
            tracing::info!(
                accepted = inserted.accepted,
                duplicates = inserted.duplicates,
                "batch stored"
            );
            Ok::<_, crate::db::DbError>(inserted)
        })
        .await?;
    Ok(Json(Accepted {
        accepted: inserted.accepted,
        duplicates: inserted.duplicates,
    }))
}

fn now_rfc3339() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    nps_core::time::rfc3339_from_unix_ms(ms)
}

/// No `Content-Type`, or one [`is_json_content_type`] accepts.
fn check_content_type(headers: &HeaderMap) -> Result<(), AppError> {
    match headers.get(CONTENT_TYPE) {
        None => Ok(()),
        Some(v) => {
            let ct = String::from_utf8_lossy(v.as_bytes());
            if is_json_content_type(&ct) {
                Ok(())
            } else {
                Err(AppError::bad_request(
                    "Content-Type",
                    format!("Content-Type must be application/json (or text/plain), got \"{ct}\""),
                ))
            }
        }
    }
}

/// `application/json` (any parameters), any `…/…+json`, or `text/plain` (beacons).
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}

/// Reads the body up to [`MAX_REQUEST_BYTES`]; an oversized body is drained (up to a bound)
/// and answered with 413.
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, AppError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > DRAIN_LIMIT as u64) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut buf =
        Vec::with_capacity(declared.map_or(8 * 1024, |l| (l as usize).min(MAX_REQUEST_BYTES)));
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            AppError::bad_request("body", format!("could not read the request body: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total <= MAX_REQUEST_BYTES {
                buf.extend_from_slice(&data);
            } else if total > DRAIN_LIMIT {
                break;
            }
        }
    }
    if total > MAX_REQUEST_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    Ok(buf)
}

/// Parses and validates a batch; errors name the offending field (`responses[0].score`).
///
/// # Errors
/// [`AppError::BadRequest`] with the field and what is wrong with it.
pub fn parse_batch(bytes: &[u8]) -> Result<Batch, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let batch: Batch = match serde_path_to_error::deserialize(&mut de) {
        Ok(b) => b,
        Err(e) => {
            let mut field = field_path(e.path());
            let inner = e.into_inner();
            let msg = inner.to_string();
            if inner.is_data() {
                // "missing field `id`" is reported at the enclosing object: name the field itself.
                if let Some(name) = msg
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(name);
                }
            }
            if field.is_empty() {
                field.push_str("body");
            }
            let msg = if inner.is_data() {
                let msg = msg.replace("expected u8", "expected an integer from 0 to 10");
                format!("{field}: {msg}")
            } else {
                format!(
                    "malformed JSON: {msg}; the body must be an {} JSON object",
                    nps_core::wire::SCHEMA
                )
            };
            return Err(AppError::bad_request(&field, msg));
        }
    };
    if let Err(e) = de.end() {
        return Err(AppError::bad_request(
            "body",
            format!("malformed JSON: {e}"),
        ));
    }
    batch
        .validate()
        .map_err(|e| AppError::bad_request(&e.field, e.to_string()))?;
    Ok(batch)
}

/// `responses[0].score` from a serde path; stops at the first unknown segment.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Seq { index } => {
                let _ = fmt::Write::write_fmt(&mut out, format_args!("[{index}]"));
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> (String, String) {
        match parse_batch(body.as_bytes()) {
            Err(AppError::BadRequest { error, field }) => (field, error),
            other => panic!("expected a 400 for {body}, got {other:?}"),
        }
    }

    const OK: &str = r#"{"schema":"nps.batch/1","batch_id":"b","sent_at":"2026-11-22T10:00:00Z",
        "responses":[{"id":"r1","score":9,"touchpoint":"checkout","locale":"en",
        "answered_at":"2026-11-22T09:59:41Z","page":"","properties":{"n":1}}]}"#;

    #[test]
    fn parses_a_valid_batch() {
        let b = parse_batch(OK.as_bytes()).unwrap();
        assert_eq!(b.responses.len(), 1);
        assert_eq!(b.responses[0].score, 9);
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of("{not json").0, "body");
        assert_eq!(field_of("").0, "body");
        assert_eq!(field_of("[]").0, "body");
        for (from, to, field) in [
            ("nps.batch/1", "nps.batch/9", "schema"),
            ("\"score\":9", "\"score\":11", "responses[0].score"),
            ("\"score\":9", "\"score\":300", "responses[0].score"),
            ("\"score\":9", "\"score\":\"9\"", "responses[0].score"),
            ("\"id\":\"r1\",", "", "responses[0].id"),
            ("\"batch_id\":\"b\",", "", "batch_id"),
        ] {
            assert!(OK.contains(from), "{from} is in OK");
            assert_eq!(field_of(&OK.replace(from, to)).0, field, "{from} -> {to}");
        }
        assert_eq!(field_of(&format!("{OK} x")).0, "body");
        let (_, msg) = field_of(&OK.replace("\"score\":9", "\"score\":300"));
        assert!(
            msg.starts_with(
                "responses[0].score: invalid value: integer `300`, expected an integer from 0 to 10"
            ),
            "{msg}"
        );
        let (_, msg) = field_of("{\"schema\": ");
        assert!(
            msg.starts_with("malformed JSON: EOF while parsing"),
            "{msg}"
        );
        let (field, msg) = field_of(&OK.replace("\"score\":9", "\"score\":11"));
        assert_eq!(field, "responses[0].score");
        assert!(msg.starts_with("responses[0].score: "), "{msg}");
    }

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/vnd.nps+json",
            "text/plain;charset=UTF-8",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for bad in [
            "",
            "application/jsonx",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ] {
            assert!(!is_json_content_type(bad), "{bad}");
        }
    }
}
