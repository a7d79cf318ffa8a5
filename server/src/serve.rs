//! `nps serve`: the reference receiver (docs/contract.md §4, §5).
//!
//! Routes:
//! - `POST /v1/responses` — an `nps.batch/1` body; `200 {"accepted": n, "duplicates": m}`,
//!   `400 {"error", "field"}` for a malformed body (or a form/multipart content type), `413`
//!   over 1 MiB ([`ingest`]).
//!   With `--rate-limit N/min`, a client's post over N a minute gets `429` with `Retry-After`
//!   ([`rate_limit`]).
//! - `GET /v1/summary?touchpoint=&from=&to=` — the docs/contract.md §6 numbers plus `band`
//!   ([`report`]).
//! - `GET /v1/responses.csv?touchpoint=&from=&to=` — the stored responses (all by default),
//!   RFC 4180 CSV readable by `nps score` ([`report`]).
//! - The summary and the export are private ([`access`]): with `--read-token` /
//!   `NPS_READ_TOKEN` they need `Authorization: Bearer <token>` (`401` without it, `403` for a
//!   wrong one); without a token they answer loopback clients only (`403` otherwise).
//! - `GET /healthz` — `ok`.
//! - everything else: files from `--static DIR` (never the SQLite file, never hidden files;
//!   [`static_files`]).
//!
//! The client of a request is the peer address, or the address a reverse proxy on loopback
//! forwarded ([`client`]). Errors are one [`AppError`] ([`error`]); the router is [`app`]
//! ([`router`]); this module starts the server: database, listener (with the peer address of
//! each connection), ready line, graceful shutdown.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

pub mod access;
pub mod client;
pub mod error;
pub mod ingest;
pub mod rate_limit;
pub mod report;
pub mod router;
pub mod state;
pub mod static_files;

pub use error::AppError;
pub use ingest::MAX_REQUEST_BYTES;
pub use router::app;
pub use state::AppState;

use crate::cli::ServeArgs;
use crate::db::{Db, DbError};

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
        let router = app(AppState::new(db), args);
        match &args.read_token {
            Some(_) => tracing::info!("reads: summary and export need the read token"),
            None => tracing::info!(
                "reads: summary and export answer loopback clients only (no --read-token)"
            ),
        }
        if let Some(limit) = args.rate_limit {
            tracing::info!("posts: at most {limit} per client");
        }
        // The database as given: a path, or the URL without its password.
        println!("nps serve: listening on http://{local} (db: {})", args.db);
        {
            use std::io::Write as _;
            let _ = io::stdout().flush();
        }
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        // The peer address of each connection: who the client is (read rule, rate limit).
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(listener, service).with_graceful_shutdown(async move {
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
