//! Reads are private (docs/contract.md §5): `GET /v1/summary` and `GET /v1/responses.csv`
//! answer only `Authorization: Bearer <token>` when a read token is set (`--read-token` or
//! `NPS_READ_TOKEN`), and only loopback clients ([`client`](super::client)) when it is not.
//! Posting, static files and `/healthz` are not behind this rule.
//!
//! - token set, no `Authorization` or another scheme: `401` with `WWW-Authenticate: Bearer`;
//! - token set, wrong token: `403`;
//! - no token set, a client that is not loopback: `403` naming the fix.
//!
//! Tokens are compared in constant time ([`subtle`]).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::client::{is_loopback, ClientIp};
use super::error::AppError;

/// The secret that reads must present. Its `Debug` does not show it.
#[derive(Clone, Eq)]
pub struct ReadToken(String);

impl ReadToken {
    /// A token as given on the command line or in `NPS_READ_TOKEN`.
    ///
    /// # Errors
    /// What is wrong, for clap to print after the flag: an empty token, or one that cannot
    /// travel in an `Authorization` header (surrounding spaces, control characters).
    pub fn new(token: &str) -> Result<ReadToken, String> {
        if token.is_empty() {
            return Err(
                "the read token is empty; give a non-empty secret such as the output \
                        of `openssl rand -hex 32`, or leave --read-token and NPS_READ_TOKEN \
                        unset to allow loopback reads only"
                    .to_string(),
            );
        }
        if token.trim() != token || token.chars().any(char::is_control) {
            return Err(
                "the read token has surrounding spaces or control characters (a \
                        trailing newline?), which an Authorization header cannot carry; \
                        remove them"
                    .to_string(),
            );
        }
        Ok(ReadToken(token.to_string()))
    }

    /// True when `candidate` is this token; the time taken does not depend on where they
    /// differ.
    pub fn matches(&self, candidate: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(candidate).into()
    }
}

impl PartialEq for ReadToken {
    fn eq(&self, other: &ReadToken) -> bool {
        self.matches(other.0.as_bytes())
    }
}

impl fmt::Debug for ReadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadToken(<redacted>)")
    }
}

/// The read rule of one server.
#[derive(Debug, Clone)]
pub struct ReadAccess {
    token: Option<ReadToken>,
}

/// What a refused reader should do, in every 401/403 message.
pub const READ_FIX: &str =
    "set --read-token (or NPS_READ_TOKEN) and send Authorization: Bearer <token>";

impl ReadAccess {
    /// With `token`, reads need it; without, reads come from loopback clients only.
    pub fn new(token: Option<ReadToken>) -> ReadAccess {
        ReadAccess { token }
    }

    /// Whether `client` with this `Authorization` header may read.
    ///
    /// # Errors
    /// [`AppError::Unauthorized`] or [`AppError::Forbidden`] (see the module docs).
    pub fn check(
        &self,
        client: IpAddr,
        authorization: Option<&HeaderValue>,
    ) -> Result<(), AppError> {
        let Some(token) = &self.token else {
            if is_loopback(client) {
                return Ok(());
            }
            return Err(AppError::Forbidden(format!(
                "the summary and the export answer only loopback clients while no read token \
                 is set (this request came from {client}); to read from elsewhere, {READ_FIX}"
            )));
        };
        let Some(authorization) = authorization else {
            return Err(AppError::Unauthorized(
                "this server needs a read token for the summary and the export; send \
                 Authorization: Bearer <token> with the --read-token (or NPS_READ_TOKEN) it was \
                 started with"
                    .to_string(),
            ));
        };
        let Some(candidate) = bearer_credentials(authorization) else {
            return Err(AppError::Unauthorized(
                "the Authorization header must use the Bearer scheme: send Authorization: \
                 Bearer <token>"
                    .to_string(),
            ));
        };
        if token.matches(candidate) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "the read token is wrong; send the --read-token (or NPS_READ_TOKEN) this server \
                 was started with as Authorization: Bearer <token>"
                    .to_string(),
            ))
        }
    }
}

/// The token of `Bearer <token>` (the scheme in any case, RFC 9110 §11.1); `None` for
/// another scheme or an empty token.
fn bearer_credentials(value: &HeaderValue) -> Option<&[u8]> {
    let bytes = value.as_bytes();
    let space = bytes.iter().position(|&b| b == b' ')?;
    let (scheme, rest) = bytes.split_at(space);
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

/// Middleware on the read routes: [`ReadAccess::check`], then the handler.
pub async fn require_read_access(
    State(access): State<Arc<ReadAccess>>,
    ClientIp(client): ClientIp,
    req: Request,
    next: Next,
) -> Response {
    match access.check(client, req.headers().get(AUTHORIZATION)) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn status(r: Result<(), AppError>) -> StatusCode {
        r.map_or_else(|e| e.status(), |()| StatusCode::OK)
    }

    #[test]
    fn tokens_that_cannot_work_are_refused() {
        assert!(ReadToken::new("").unwrap_err().contains("empty"));
        for bad in ["s3cret\n", " s3cret", "s3cret ", "a\tb"] {
            assert!(ReadToken::new(bad).is_err(), "{bad:?}");
        }
        assert!(ReadToken::new("s3 cret").is_ok());
        assert_eq!(
            format!("{:?}", ReadToken::new("s3cret").unwrap()),
            "ReadToken(<redacted>)"
        );
    }

    #[test]
    fn without_a_token_only_loopback_reads() {
        let open = ReadAccess::new(None);
        for local in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(
                status(open.check(ip(local), None)),
                StatusCode::OK,
                "{local}"
            );
        }
        let e = open.check(ip("192.168.1.20"), None).unwrap_err();
        assert_eq!(e.status(), StatusCode::FORBIDDEN);
        let AppError::Forbidden(message) = e else {
            unreachable!()
        };
        assert!(
            message.contains("192.168.1.20") && message.contains(READ_FIX),
            "{message}"
        );
        assert_eq!(
            status(open.check(super::super::client::UNKNOWN_CLIENT, None)),
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn with_a_token_every_client_needs_it() {
        let closed = ReadAccess::new(Some(ReadToken::new("s3cret").unwrap()));
        let h = HeaderValue::from_static;
        for client in [ip("127.0.0.1"), ip("203.0.113.9")] {
            assert_eq!(status(closed.check(client, None)), StatusCode::UNAUTHORIZED);
            for (value, want) in [
                ("Bearer s3cret", StatusCode::OK),
                ("bearer  s3cret", StatusCode::OK),
                ("Basic czNjcmV0", StatusCode::UNAUTHORIZED),
                ("Bearer", StatusCode::UNAUTHORIZED),
                ("Bearer ", StatusCode::UNAUTHORIZED),
                ("s3cret", StatusCode::UNAUTHORIZED),
                ("Bearer s3cre", StatusCode::FORBIDDEN),
                ("Bearer s3cret2", StatusCode::FORBIDDEN),
                ("Bearer S3CRET", StatusCode::FORBIDDEN),
            ] {
                assert_eq!(
                    status(closed.check(client, Some(&h(value)))),
                    want,
                    "{value}"
                );
            }
        }
    }
}
