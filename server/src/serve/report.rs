//! The read side of the receiver: `GET /v1/summary` (the docs/contract.md §6 numbers plus
//! `band`) and `GET /v1/responses.csv` (RFC 4180 CSV that `nps score` reads), both filtered by
//! `?touchpoint=&from=&to=`.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use nps_core::{Band, Summary};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::state::AppState;
use crate::cal;
use crate::db::Filter;

/// The query string of both routes; empty values count as absent.
#[derive(Deserialize, Default)]
pub struct FilterQuery {
    touchpoint: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl TryFrom<FilterQuery> for Filter {
    type Error = AppError;

    fn try_from(q: FilterQuery) -> Result<Filter, AppError> {
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
}

/// A `from`/`to` bound in Unix ms. `from` is inclusive; `to` is inclusive too and is returned
/// as the exclusive end of the window: a date `to=2026-11-30` covers that whole day.
///
/// # Errors
/// A 400 naming `name` when `value` is neither an RFC 3339 time nor a date.
pub fn parse_bound(name: &str, value: &str, is_end: bool) -> Result<u64, AppError> {
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
        AppError::bad_request(
            name,
            format!(
                "{name} must be an RFC 3339 time (2026-11-22T10:00:00Z) or a date (2026-11-22), \
                 got \"{value}\""
            ),
        )
    })
}

/// The body of `GET /v1/summary`.
#[derive(Serialize)]
pub struct SummaryBody {
    #[serde(flatten)]
    summary: Summary,
    band: Option<&'static str>,
}

/// `GET /v1/summary?touchpoint=&from=&to=`.
pub async fn summary(
    State(state): State<Arc<AppState>>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<Json<SummaryBody>, AppError> {
    let filter = Filter::try_from(query?.0)?;
    let tally = state.with_db(move |db| db.tally(&filter)).await?;
    let summary = tally.summary();
    let band = summary.nps.map(|nps| Band::of(nps).as_str());
    Ok(Json(SummaryBody { summary, band }))
}

/// `GET /v1/responses.csv`, with the same optional filters as the summary.
pub async fn export_csv(
    State(state): State<Arc<AppState>>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let filter = Filter::try_from(query?.0)?;
    let bytes = state
        .with_db(move |db| db.export_csv(&filter, Vec::new()))
        .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let Err(AppError::BadRequest { error, field }) = parse_bound("from", "yesterday", false)
        else {
            panic!("expected a 400")
        };
        assert_eq!(field, "from");
        assert_eq!(
            error,
            "from must be an RFC 3339 time (2026-11-22T10:00:00Z) or a date (2026-11-22), got \"yesterday\""
        );
    }
}
