//! [`AppError`]: the one error type of the request handlers, and the JSON bodies clients get
//! for it (docs/contract.md §4): `{"error": "...", "field": "responses[0].score"}`.
//!
//! Client errors (400, 413) say what to fix and name the field; refused reads (401, 403) and
//! too many posts (429) say what to do, with `WWW-Authenticate` / `Retry-After`. Internal
//! failures (SQLite, PostgreSQL, I/O, a panicked blocking task) are logged in full through
//! `tracing` and answered with a generic 500 that carries none of their text.

use axum::extract::rejection::QueryRejection;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::ingest::MAX_REQUEST_BYTES;
use crate::db::{DbError, ExportError};

/// What clients read in the body of a 500.
pub const INTERNAL_ERROR_MESSAGE: &str =
    "internal server error; the details are in the server's log";

/// Why a request failed.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed; `field` names what to fix (`responses[0].score`, `body`,
    /// `Content-Type`, `from`, `query`…).
    BadRequest { error: String, field: String },
    /// 401 with `WWW-Authenticate: Bearer`: a read without `Authorization: Bearer <token>`
    /// while a read token is set.
    Unauthorized(String),
    /// 403: a read with the wrong token, or from a client that is not loopback while no read
    /// token is set.
    Forbidden(String),
    /// 413: the body is larger than [`MAX_REQUEST_BYTES`].
    PayloadTooLarge,
    /// 429 with `Retry-After: retry_after_secs` (at least 1): the client is over
    /// `--rate-limit`.
    TooManyRequests {
        error: String,
        retry_after_secs: u64,
    },
    /// 500: the database or the runtime failed. Logged, never shown to the client.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// A 400 naming `field`.
    pub fn bad_request(field: &str, error: impl Into<String>) -> AppError {
        AppError::BadRequest {
            error: error.into(),
            field: field.to_string(),
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error` and `field` of the JSON body.
    fn body(&self) -> (String, Option<&str>) {
        match self {
            AppError::BadRequest { error, field } => (error.clone(), Some(field)),
            AppError::Unauthorized(error)
            | AppError::Forbidden(error)
            | AppError::TooManyRequests { error, .. } => (error.clone(), None),
            AppError::PayloadTooLarge => (
                format!(
                    "request body is larger than {MAX_REQUEST_BYTES} bytes (1 MiB); send smaller \
                     batches (at most {} responses, {} bytes)",
                    nps_core::wire::MAX_RESPONSES,
                    nps_core::wire::MAX_BODY_BYTES
                ),
                Some("body"),
            ),
            AppError::Internal(_) => (INTERNAL_ERROR_MESSAGE.to_string(), None),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (error, field) = self.body();
        match &self {
            AppError::Internal(source) => tracing::error!(error = %source, "internal error"),
            _ => tracing::info!(
                status = status.as_u16(),
                field = field.unwrap_or_default(),
                "refused: {error}"
            ),
        }
        let mut response = (
            status,
            Json(ErrorBody {
                error: &error,
                field,
            }),
        )
            .into_response();
        let headers = response.headers_mut();
        match &self {
            AppError::Unauthorized(_) => {
                headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => {
                headers.insert(RETRY_AFTER, HeaderValue::from((*retry_after_secs).max(1)));
            }
            _ => {}
        }
        response
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Internal(Box::new(e))
    }
}

/// A 400 for a response the database cannot store as it is, else a 500.
impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unstorable { field, error } => AppError::BadRequest { error, field },
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Db(e) => e.into(),
            csv @ ExportError::Csv(_) => AppError::Internal(Box::new(csv)),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(Box::new(e))
    }
}

impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> Self {
        AppError::bad_request(
            "query",
            format!("bad query string: {e}; use ?touchpoint=NAME&from=DATE&to=DATE"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn json_of(e: AppError) -> (StatusCode, serde_json::Value) {
        let r = e.into_response();
        let status = r.status();
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn bodies() {
        let (s, v) = json_of(AppError::bad_request("from", "from must be…")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(
            v,
            serde_json::json!({"error": "from must be…", "field": "from"})
        );

        let (s, v) = json_of(AppError::PayloadTooLarge).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(v["field"], "body");
        assert!(v["error"].as_str().unwrap().contains("1048576"), "{v}");

        let r = AppError::Unauthorized("send Authorization: Bearer <token>".into()).into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()[WWW_AUTHENTICATE], "Bearer");
        let (s, v) = json_of(AppError::Unauthorized("send it".into())).await;
        assert_eq!(
            (s, v),
            (
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"error": "send it"})
            )
        );

        let (s, v) = json_of(AppError::Forbidden("wrong token".into())).await;
        assert_eq!(
            (s, v),
            (
                StatusCode::FORBIDDEN,
                serde_json::json!({"error": "wrong token"})
            )
        );

        for (secs, header) in [(30, "30"), (0, "1")] {
            let e = AppError::TooManyRequests {
                error: "slow down".into(),
                retry_after_secs: secs,
            };
            let r = e.into_response();
            assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(r.headers()[RETRY_AFTER], header);
        }
        let e = AppError::TooManyRequests {
            error: "slow down".into(),
            retry_after_secs: 5,
        };
        assert_eq!(
            json_of(e).await.1,
            serde_json::json!({"error": "slow down"})
        );

        let sql = rusqlite::Error::InvalidColumnName("secret_column".into());
        let (s, v) = json_of(AppError::from(sql)).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(v, serde_json::json!({"error": INTERNAL_ERROR_MESSAGE}));
    }
}
