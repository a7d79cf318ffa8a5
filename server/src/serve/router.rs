//! The router of `nps serve`: the API routes, static files, compression, CORS and request
//! tracing, around an [`AppState`]; the read rule ([`access`](super::access)) on the summary
//! and the export, the rate limit ([`rate_limit`](super::rate_limit)) on posts.
//!
//! Both rules need the peer address: serve the router with
//! `into_make_service_with_connect_info::<SocketAddr>()` (tests: axum's `MockConnectInfo`).

use std::sync::Arc;
use std::time::Duration;

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::access::{require_read_access, ReadAccess};
use super::rate_limit::{limit_posts, PostLimiter};
use super::state::AppState;
use super::{ingest, report, static_files};
use crate::cli::ServeArgs;

/// Builds the router (routes, read rule, rate limit, static files, compression, CORS, tracing)
/// around `state`; `args` gives the static directory, the SQLite file (never served), the
/// allowed origins, the read token and the rate limit.
pub fn app(state: AppState, args: &ServeArgs) -> Router {
    let reads = Router::new()
        .route("/v1/summary", get(report::summary))
        .route("/v1/responses.csv", get(report::export_csv))
        .route_layer(from_fn_with_state(
            Arc::new(ReadAccess::new(args.read_token.clone())),
            require_read_access,
        ));
    let mut post_responses = post(ingest::post_responses);
    if let Some(limit) = args.rate_limit {
        post_responses = post_responses.route_layer(from_fn_with_state(
            Arc::new(PostLimiter::new(limit)),
            limit_posts,
        ));
    }
    let api = Router::new()
        .route("/v1/responses", post_responses)
        .merge(reads)
        .route("/healthz", get(|| async { "ok" }))
        .with_state(Arc::new(state));
    let router = static_files::with_static_files(api, &args.static_dir, args.db.sqlite_path())
        // brotli / gzip when the client asks: the wasm goes out at a third of its size.
        .layer(CompressionLayer::new());
    let router = match cors_layer(args) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    // Outermost: one line per request with the status the client got (5xx at error level).
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// CORS for the configured origins only (or any origin with `--allow-any-origin`, which echoes
/// the request's origin). No credentials: the widget posts with `fetch` (keepalive) without
/// cookies. Private-network preflights (a public page posting to a receiver on localhost) are
/// answered for the allowed origins. `Retry-After` is exposed, so that the widget on another
/// origin can read it on a 429 or 503; `Authorization` is allowed, so that a dashboard on an
/// allowed origin can read with the token.
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
            .allow_headers([CONTENT_TYPE, AUTHORIZATION])
            .expose_headers([RETRY_AFTER])
            .allow_private_network(true)
            .max_age(Duration::from_secs(600)),
    )
}
