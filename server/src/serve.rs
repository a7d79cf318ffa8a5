//! `nps serve`: the reference receiver (docs/contract.md §4, §5).
//!
//! Routes:
//! - `POST /v1/responses` — an `nps.batch/1` body; `200 {"accepted": n, "duplicates": m}`,
//!   `400 {"error", "field"}` for a malformed body (or a form/multipart content type), `413`
//!   over 1 MiB. `application/json` and `text/plain` (what `navigator.sendBeacon` sends, and a
//!   CORS-safelisted type: no preflight) are both read as JSON.
//! - `GET /v1/summary?touchpoint=&from=&to=` — the docs/contract.md §6 numbers plus `band`.
//! - `GET /v1/responses.csv?touchpoint=&from=&to=` — the stored responses (all by default),
//!   RFC 4180 CSV readable by `nps score`.
//! - `GET /healthz` — `ok`.
//! - everything else: files from `--static DIR` (never the database file, never hidden files).
//!
//! SQLite is used through one `Mutex<Connection>` on the blocking pool: correctness over
//! throughput.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::BodyExt;
use nps_core::{Band, Batch, Summary};
use serde::{Deserialize, Serialize};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

mod guard;

use crate::args::ServeArgs;
use crate::cal;
use crate::db::{Db, DbError, Filter};

/// Largest request body accepted by `POST /v1/responses` (the widget sends at most 64 KiB).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// An oversized body is read (and thrown away) up to this size before the 413 is sent, so the
/// client sees the answer instead of a reset connection.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Shared state of the handlers.
pub struct AppState {
    db: Mutex<Db>,
}

impl AppState {
    fn db(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock cannot leave a half-written batch (SQLite transaction).
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Why `nps serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    Db(DbError),
    StaticDir { dir: String },
    Bind { addr: SocketAddr, source: io::Error },
    Runtime(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Db(e) => e.fmt(f),
            ServeError::StaticDir { dir } => write!(
                f,
                "static directory {dir} does not exist or is not a directory; pass --static DIR \
                 with the folder that holds index.html and pkg/"
            ),
            ServeError::Bind { addr, source } => match source.kind() {
                io::ErrorKind::AddrInUse => write!(
                    f,
                    "cannot listen on {addr}: the address is already in use; stop the other \
                     server or pick another port, e.g. --addr {}:{}",
                    addr.ip(),
                    addr.port().wrapping_add(1).max(1024)
                ),
                io::ErrorKind::PermissionDenied => write!(
                    f,
                    "cannot listen on {addr}: permission denied; use a port above 1023, e.g. \
                     --addr {}:8080",
                    addr.ip()
                ),
                io::ErrorKind::AddrNotAvailable => write!(
                    f,
                    "cannot listen on {addr}: this machine has no such address; use \
                     --addr 127.0.0.1:{} (or 0.0.0.0:{} for all interfaces)",
                    addr.port(),
                    addr.port()
                ),
                _ => write!(
                    f,
                    "cannot listen on {addr}: {source}; pick another address with --addr"
                ),
            },
            ServeError::Runtime(e) => write!(f, "cannot start the async runtime: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// A JSON error answer: `{"error": "...", "field": "responses[0].score"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    field: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            field: field.map(str::to_string),
        }
    }

    fn internal(e: impl fmt::Display) -> ApiError {
        eprintln!("nps serve: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string(), None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.error,
            field: self.field.as_deref(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Builds the router (CORS and static files included) around an open database.
pub fn app(db: Db, args: &ServeArgs) -> Router {
    let state = Arc::new(AppState { db: Mutex::new(db) });
    let router = Router::new()
        .route("/v1/responses", post(post_responses))
        .route("/v1/summary", get(summary))
        .route("/v1/responses.csv", get(export_csv))
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(ServeDir::new(&args.static_dir))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(guard::Guard::new(&args.static_dir, &args.db)),
            guard::guard_static,
        ))
        // brotli / gzip when the client asks: the wasm goes out at a third of its size.
        .layer(CompressionLayer::new());
    match cors_layer(args) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// CORS for the configured origins only (or any origin with `--allow-any-origin`, which echoes
/// the request's origin). No credentials: the widget posts with `fetch` (keepalive) without
/// cookies. Private-network preflights (a public page posting to a receiver on localhost) are
/// answered for the allowed origins.
fn cors_layer(args: &ServeArgs) -> Option<CorsLayer> {
    let origin = if args.allow_any_origin {
        AllowOrigin::mirror_request()
    } else if args.allow_origins.is_empty() {
        return None;
    } else {
        AllowOrigin::list(
            args.allow_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([CONTENT_TYPE])
            .allow_private_network(true)
            .max_age(Duration::from_secs(600)),
    )
}

fn now_rfc3339() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    nps_core::time::rfc3339_from_unix_ms(ms)
}

/// `application/json` (any parameters), any `…/…+json`, or `text/plain` (beacons).
fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "request body is larger than {MAX_REQUEST_BYTES} bytes (1 MiB); send smaller batches \
             (at most {} responses, {} bytes)",
            nps_core::wire::MAX_RESPONSES,
            nps_core::wire::MAX_BODY_BYTES
        ),
        Some("body"),
    )
}

/// Reads the body up to [`MAX_REQUEST_BYTES`]; an oversized body is drained (up to a bound)
/// and answered with 413.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > DRAIN_LIMIT as u64) {
        return Err(too_large());
    }
    let mut body = body;
    let mut buf =
        Vec::with_capacity(declared.map_or(8 * 1024, |l| (l as usize).min(MAX_REQUEST_BYTES)));
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("could not read the request body: {e}"),
                Some("body"),
            )
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
        return Err(too_large());
    }
    Ok(buf)
}

/// Parses and validates a batch; errors name the offending field (`responses[0].score`).
pub fn parse_batch(bytes: &[u8]) -> Result<Batch, ApiError> {
    let bad = |msg: String, field: &str| ApiError::new(StatusCode::BAD_REQUEST, msg, Some(field));
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
            return Err(bad(msg, &field));
        }
    };
    if let Err(e) = de.end() {
        return Err(bad(format!("malformed JSON: {e}"), "body"));
    }
    batch.validate().map_err(|e| bad(e.to_string(), &e.field))?;
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

#[derive(Serialize)]
struct Accepted {
    accepted: u64,
    duplicates: u64,
}

/// `POST /v1/responses`; logs one line per request to stderr (the e2e tests attach it).
async fn post_responses(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Accepted>, ApiError> {
    let result = store_batch(state, &headers, body).await;
    match &result {
        Ok(Json(a)) => eprintln!(
            "nps serve: POST /v1/responses 200 accepted={} duplicates={}",
            a.accepted, a.duplicates
        ),
        Err(e) => eprintln!(
            "nps serve: POST /v1/responses {} {}",
            e.status.as_u16(),
            e.error
        ),
    }
    result
}

async fn store_batch(
    state: Arc<AppState>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<Accepted>, ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    match content_type.as_deref() {
        None => {}
        Some(ct) if is_json_content_type(ct) => {}
        Some(ct) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("Content-Type must be application/json (or text/plain), got \"{ct}\""),
                Some("Content-Type"),
            ))
        }
    }
    let bytes = read_body(headers, body).await?;
    let batch = parse_batch(&bytes)?;
    let received_at = now_rfc3339();
    let inserted =
        tokio::task::spawn_blocking(move || state.db().insert_batch(&batch, &received_at))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::internal(format!("could not store the batch: {e}")))?;
    Ok(Json(Accepted {
        accepted: inserted.accepted,
        duplicates: inserted.duplicates,
    }))
}

#[derive(Deserialize, Default)]
struct SummaryQuery {
    touchpoint: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct SummaryBody {
    #[serde(flatten)]
    summary: Summary,
    band: Option<&'static str>,
}

/// A `from`/`to` bound in Unix ms. `from` is inclusive; `to` is inclusive too and is returned
/// as the exclusive end of the window: a date `to=2026-11-30` covers that whole day.
pub fn parse_bound(name: &str, value: &str, is_end: bool) -> Result<u64, ApiError> {
    let value = value.trim();
    let parsed = match cal::parse_date(value) {
        Some(day) => cal::ms_of_day(if is_end { day + 1 } else { day }),
        None => nps_core::time::unix_ms_from_rfc3339(value).map(|ms| {
            if is_end {
                ms.saturating_add(1)
            } else {
                ms
            }
        }),
    };
    parsed.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{name} must be an RFC 3339 time (2026-11-22T10:00:00Z) or a date (2026-11-22), \
                 got \"{value}\""
            ),
            Some(name),
        )
    })
}

fn summary_filter(q: SummaryQuery) -> Result<Filter, ApiError> {
    let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    Ok(Filter {
        touchpoint: non_empty(q.touchpoint),
        from_ms: non_empty(q.from)
            .map(|v| parse_bound("from", &v, false))
            .transpose()?,
        to_ms: non_empty(q.to)
            .map(|v| parse_bound("to", &v, true))
            .transpose()?,
    })
}

fn query_filter(query: Result<Query<SummaryQuery>, QueryRejection>) -> Result<Filter, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {e}; use ?touchpoint=NAME&from=DATE&to=DATE"),
            Some("query"),
        )
    })?;
    summary_filter(q)
}

async fn summary(
    State(state): State<Arc<AppState>>,
    query: Result<Query<SummaryQuery>, QueryRejection>,
) -> Result<Json<SummaryBody>, ApiError> {
    let filter = query_filter(query)?;
    let tally = tokio::task::spawn_blocking(move || state.db().tally(&filter))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("could not read the summary: {e}")))?;
    let summary = tally.summary();
    let band = summary.nps.map(|nps| Band::of(nps).as_str());
    Ok(Json(SummaryBody { summary, band }))
}

/// `GET /v1/responses.csv`, with the same optional filters as the summary.
async fn export_csv(
    State(state): State<Arc<AppState>>,
    query: Result<Query<SummaryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = query_filter(query)?;
    let bytes = tokio::task::spawn_blocking(move || state.db().export_csv(&filter, Vec::new()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"responses.csv\"",
            ),
            (CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// Opens the database, binds, prints the ready line, serves until Ctrl-C / SIGTERM.
///
/// # Errors
/// See [`ServeError`]; each names the input and the fix.
pub fn run(args: &ServeArgs) -> Result<(), ServeError> {
    if !args.static_dir.is_dir() {
        return Err(ServeError::StaticDir {
            dir: args.static_dir.display().to_string(),
        });
    }
    let db = Db::open(&args.db).map_err(ServeError::Db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: args.addr,
                source,
            })?;
        let local = listener.local_addr().map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
        let router = app(db, args);
        println!(
            "nps serve: listening on http://{local} (db: {})",
            args.db.display()
        );
        {
            use std::io::Write as _;
            let _ = io::stdout().flush();
        }
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let server = axum::serve(listener, router).with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping_tx.send(());
        });
        // Graceful shutdown waits for requests in flight, but not for ever (a stalled upload).
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            r = server => r.map_err(ServeError::Runtime),
            () = deadline => Ok(()),
        }
    })
}

/// How long requests in flight may take to finish after SIGTERM / Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> (String, String) {
        let e = parse_batch(body.as_bytes()).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        (e.field.unwrap_or_default(), e.error)
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

    #[test]
    fn bounds() {
        let day = 1_795_305_600_000; // 2026-11-22T00:00:00Z
        assert_eq!(parse_bound("from", "2026-11-22", false).unwrap(), day);
        assert_eq!(
            parse_bound("to", "2026-11-22", true).unwrap(),
            day + 86_400_000
        );
        assert_eq!(
            parse_bound("to", "2026-11-22T00:00:00Z", true).unwrap(),
            day + 1
        );
        let e = parse_bound("from", "yesterday", false).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("from"));
        assert_eq!(
            e.error,
            "from must be an RFC 3339 time (2026-11-22T10:00:00Z) or a date (2026-11-22), got \"yesterday\""
        );
    }

    #[test]
    fn bind_error_names_address_and_fix() {
        let e = ServeError::Bind {
            addr: "127.0.0.1:8080".parse().unwrap(),
            source: io::Error::from(io::ErrorKind::AddrInUse),
        };
        assert_eq!(
            e.to_string(),
            "cannot listen on 127.0.0.1:8080: the address is already in use; stop the other \
             server or pick another port, e.g. --addr 127.0.0.1:8081"
        );
    }
}
