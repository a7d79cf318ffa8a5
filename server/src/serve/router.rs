//! The router of `nps serve`: the API routes, static files, compression, CORS and request
//! tracing, around an [`AppState`].

use std::sync::Arc;
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::state::AppState;
use super::{ingest, report, static_files};
use crate::cli::ServeArgs;

/// Builds the router (routes, static files, compression, CORS, tracing) around `state`; `args`
/// gives the static directory, the database file (never served) and the allowed origins.
pub fn app(state: AppState, args: &ServeArgs) -> Router {
    let api = Router::new()
        .route("/v1/responses", post(ingest::post_responses))
        .route("/v1/summary", get(report::summary))
        .route("/v1/responses.csv", get(report::export_csv))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(Arc::new(state));
    let router = static_files::with_static_files(api, &args.static_dir, &args.db)
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
