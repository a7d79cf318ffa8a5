//! Static files: everything that is not an API route is served from `--static DIR`, except
//! what must never be published — the SQLite database itself (with the defaults `--static .`
//! and `--db nps.sqlite` it sits inside the served folder) and hidden files and folders (`.git/`,
//! `.env`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{map_response, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// Serves `static_dir` for every request no route of `router` matched, with [`guard_static`]
/// in front (it sees the API routes too, and lets them pass: none is hidden or the database).
pub fn with_static_files(router: Router, static_dir: &Path, db: Option<&Path>) -> Router {
    router
        // The scorer page (docs/contract.md §7) at a short address as well.
        .route_service("/score", ServeFile::new(static_dir.join(SCORER_PAGE)))
        // The kiosk page (§8) too, with its service worker beside it: a worker's scope must lie
        // inside its script's folder, so the worker of `/kiosk` (scope `/kiosk`) is served from
        // the root. At both addresses with `no-cache`: no HTTP cache between a kiosk and a new
        // version of its worker.
        .route_service("/kiosk", ServeFile::new(static_dir.join(KIOSK_PAGE)))
        .merge(
            Router::new()
                .route_service(
                    "/kiosk-sw.js",
                    ServeFile::new(static_dir.join(KIOSK_WORKER)),
                )
                .route_service(
                    &format!("/{KIOSK_WORKER}"),
                    ServeFile::new(static_dir.join(KIOSK_WORKER)),
                )
                .route_layer(map_response(no_cache)),
        )
        .fallback_service(ServeDir::new(static_dir))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(Guard::new(static_dir, db)),
            guard_static,
        ))
}

/// The scorer page, relative to the static directory; also served at `/score`.
pub const SCORER_PAGE: &str = "www/score.html";

/// The kiosk page, relative to the static directory; also served at `/kiosk`.
pub const KIOSK_PAGE: &str = "www/kiosk.html";

/// The kiosk page's service worker, relative to the static directory; also served at
/// `/kiosk-sw.js` (with `Cache-Control: no-cache`).
pub const KIOSK_WORKER: &str = "www/kiosk-sw.js";

/// `Cache-Control: no-cache` on a response.
async fn no_cache(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// What the static server must refuse.
#[derive(Debug)]
pub struct Guard {
    static_dir: PathBuf,
    db: Option<PathBuf>,
}

impl Guard {
    /// `static_dir` and `db` (the SQLite file; none for PostgreSQL) are canonicalised now (both
    /// exist once the database is open).
    pub fn new(static_dir: &Path, db: Option<&Path>) -> Guard {
        Guard {
            static_dir: std::fs::canonicalize(static_dir).unwrap_or_else(|_| static_dir.into()),
            db: db.and_then(|db| std::fs::canonicalize(db).ok()),
        }
    }

    /// True for a request path that names a hidden file or folder, or the database file (or
    /// its `-journal` / `-wal` / `-shm` companions) however it is spelled or linked.
    pub fn refuses(&self, uri_path: &str) -> bool {
        let decoded = percent_decode(uri_path);
        let rel = decoded.trim_start_matches('/');
        if rel.split(['/', '\\']).any(|seg| seg.starts_with('.')) {
            return true;
        }
        let Some(db) = &self.db else {
            return false;
        };
        let candidate = self.static_dir.join(rel);
        let resolved = std::fs::canonicalize(&candidate).unwrap_or(candidate);
        if resolved == *db {
            return true;
        }
        let same_dir = resolved.parent() == db.parent();
        let (Some(name), Some(db_name)) = (resolved.file_name(), db.file_name()) else {
            return false;
        };
        same_dir
            && ["-journal", "-wal", "-shm"].iter().any(|suffix| {
                let mut companion = db_name.to_os_string();
                companion.push(suffix);
                companion == name
            })
    }
}

/// `%XX` decoding (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Middleware: 404 for what [`Guard::refuses`].
pub async fn guard_static(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    if guard.refuses(req.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("/%6Eps.sqlite"), "/nps.sqlite");
        assert_eq!(percent_decode("/%zz%4"), "/%zz%4");
        assert_eq!(percent_decode("%2e"), ".");
    }

    #[test]
    fn refuses_db_companions_and_hidden_paths() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("nps.sqlite");
        std::fs::write(&db, b"x").unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        let g = Guard::new(dir.path(), Some(&db));
        for bad in [
            "/nps.sqlite",
            "/%6Eps.sqlite",
            "/pkg/../nps.sqlite",
            "/nps.sqlite-journal",
            "/nps.sqlite-wal",
            "/.git/config",
            "/pkg/.env",
            "/%2egit/HEAD",
        ] {
            assert!(g.refuses(bad), "{bad}");
        }
        for ok in [
            "/",
            "/index.html",
            "/pkg/nps-widget.js",
            "/v1/summary",
            "/nps.sqlite.html",
        ] {
            assert!(!g.refuses(ok), "{ok}");
        }
    }
}
