//! The library behind the native `nps` binary of nps-widget: the reference receiver
//! ([`serve`], `nps serve`) and the scoring CLI ([`score`], `nps score`), with their command
//! line ([`cli`]) and store ([`db`]: SQLite, or PostgreSQL). Scoring, grouping and the calendar
//! are nps-core's.
//!
//! The router is [`serve::app`], so tests can drive it in-process (`tower::ServiceExt::oneshot`).

pub mod cli;
pub mod db;
pub mod score;
pub mod serve;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// What is logged when `RUST_LOG` is not set: this crate and the request lines at `info`,
/// everything else at `warn`.
pub const DEFAULT_LOG_FILTER: &str = "warn,nps_server=info,tower_http=info";

/// Sends `tracing` events to stderr (stdout carries the ready line of `nps serve`), filtered
/// by `RUST_LOG` (e.g. `RUST_LOG=debug`, `RUST_LOG=nps_server=warn`), else by
/// [`DEFAULT_LOG_FILTER`] (also when `RUST_LOG` is empty or invalid). Colours only on a terminal. A second call does nothing.
pub fn init_tracing() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_LOG_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
