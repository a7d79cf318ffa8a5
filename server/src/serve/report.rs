//! The read side of the receiver: `GET /v1/summary` (the JSON of `nps score --json`, plus
//! `band`) and `GET /v1/responses.csv` (RFC 4180 CSV that `nps score` reads), both filtered by
//! `?touchpoint=&from=&to=`; the summary also takes `by=touchpoint|day|week|month`.
//!
//! The summary scores the stored responses the way `nps score` scores their export: the export
//! is streamed into nps-core's reader, so the two cannot disagree.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use nps_core::report::{ReportBuilder, ReportJson};
use nps_core::{Band, GroupBy, Report};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::state::AppState;
use crate::db::{Db, Filter};

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
    let parsed = match nps_core::time::parse_date(value) {
        Some(day) => nps_core::time::ms_of_day(if is_end { day + 1 } else { day }),
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

/// The query string of the summary: the filters and `by`; empty values count as absent.
#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    touchpoint: Option<String>,
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
}

impl SummaryQuery {
    /// The filter and the grouping.
    ///
    /// # Errors
    /// A 400 naming `from`, `to` or `by`.
    pub fn parse(self) -> Result<(Filter, Option<GroupBy>), AppError> {
        let by = self
            .by
            .filter(|v| !v.trim().is_empty())
            .map(|v| {
                GroupBy::parse(v.trim()).map_err(|e| AppError::bad_request("by", e.to_string()))
            })
            .transpose()?;
        let filter = Filter::try_from(FilterQuery {
            touchpoint: self.touchpoint,
            from: self.from,
            to: self.to,
        })?;
        Ok((filter, by))
    }
}

/// The body of `GET /v1/summary`: the report's JSON (docs/contract.md §6) and the band of its
/// NPS, last.
#[derive(Serialize)]
pub struct SummaryBody<'a> {
    #[serde(flatten)]
    report: ReportJson<'a>,
    band: Option<&'static str>,
}

impl SummaryBody<'_> {
    /// The bytes of the answer: `nps score --json` of the same responses, with `"band"` added
    /// before the closing brace.
    pub fn of(report: &Report) -> String {
        let band = report.total.tally.nps().map(|nps| Band::of(nps).as_str());
        let body = SummaryBody {
            report: report.json(),
            band,
        };
        let mut out = serde_json::to_string_pretty(&body).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// Scores the stored responses that `filter` selects, grouped `by` that: each row straight
/// into nps-core's report (the one `nps score` and the scorer page print), no CSV between.
///
/// # Errors
/// The database error, as a 500.
pub fn score_stored(db: &mut Db, filter: &Filter, by: Option<GroupBy>) -> Result<Report, AppError> {
    let mut report = ReportBuilder::new(by);
    db.each_score(filter, |score, touchpoint, answered_at| {
        report.row(
            Some(score),
            touchpoint.as_bytes(),
            answered_at.as_bytes(),
            || 0,
        );
    })?;
    Ok(report.finish())
}

/// `GET /v1/summary?touchpoint=&from=&to=&by=`.
pub async fn summary(
    State(state): State<Arc<AppState>>,
    query: Result<Query<SummaryQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let (filter, by) = query?.0.parse()?;
    let report = state
        .with_db(move |db| score_stored(db, &filter, by))
        .await?;
    Ok((
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "no-store"),
        ],
        SummaryBody::of(&report),
    )
        .into_response())
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
    fn by_is_checked() {
        let q = |by: &str| SummaryQuery {
            by: Some(by.into()),
            ..SummaryQuery::default()
        };
        assert_eq!(q("week").parse().unwrap().1, Some(GroupBy::Week));
        assert_eq!(q(" ").parse().unwrap().1, None);
        let Err(AppError::BadRequest { error, field }) = q("year").parse() else {
            panic!("expected a 400")
        };
        assert_eq!(field, "by");
        assert_eq!(
            error,
            "by must be one of touchpoint, day, week, month; got \"year\""
        );
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
