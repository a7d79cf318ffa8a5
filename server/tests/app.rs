//! The router in-process (`tower::ServiceExt::oneshot`): no port, no child process. The real
//! binary is tested in `tests/serve.rs`; here each route's answers, down to the JSON bodies.
//!
//! Every test that stores or reads responses runs on both backends (`sqlite::NAME`,
//! `postgres::NAME`: [`on_both_backends!`], at the end); CORS, static files and the read rule
//! without data run on SQLite only.

mod common;
#[path = "../../testdata/golden/golden.rs"]
mod golden;

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, MockConnectInfo};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use common::{batch, on_both_backends, Backend};
use golden::Expected;
use http_body_util::BodyExt;
use nps_server::cli::{ReadToken, ServeArgs};
use nps_server::db::{Db, DbLocation};
use nps_server::serve::error::INTERNAL_ERROR_MESSAGE;
use nps_server::serve::{app, AppState, MAX_REQUEST_BYTES};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The peer of requests sent without [`TestApp::send_from`]: a local client.
const LOOPBACK_PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 50_000);

/// A router over a fresh database (SQLite: inside its static folder, as with
/// `cd site && nps serve`; PostgreSQL: a new database of the test cluster); requests come from
/// [`LOOPBACK_PEER`] unless sent with [`TestApp::send_from`].
struct TestApp {
    dir: tempfile::TempDir,
    /// The database as `--db` takes it.
    db: OsString,
    router: Router,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    fn new(backend: Backend) -> TestApp {
        TestApp::with(backend, |_| {})
    }

    fn with(backend: Backend, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<title>demo</title>").unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/config"), "secret").unwrap();
        let mut args = ServeArgs {
            addr: "127.0.0.1:0".parse().unwrap(),
            db: DbLocation::from_arg(&backend.fresh_db(dir.path())).unwrap(),
            static_dir: dir.path().to_path_buf(),
            allow_origins: Vec::new(),
            allow_any_origin: false,
            read_token: None,
            rate_limit: None,
        };
        configure(&mut args);
        let db = common::pg::off_runtime(|| Db::open(&args.db)).unwrap();
        let router =
            app(AppState::new(db), &args).layer(MockConnectInfo(SocketAddr::from(LOOPBACK_PEER)));
        let db = match &args.db {
            DbLocation::Sqlite(path) => path.clone().into_os_string(),
            DbLocation::Postgres(url) => url.expose().into(),
        };
        TestApp { db, dir, router }
    }

    async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends `req` as if it came over TCP from `peer`.
    async fn send_from(&self, peer: &str, mut req: Request<Body>) -> Answer {
        let peer: SocketAddr = peer.parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        self.send(req).await
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&self, body: impl Into<Body>) -> Answer {
        let req = Request::post("/v1/responses")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap();
        self.send(req).await
    }
}

fn sample() -> String {
    batch(
        "b-1",
        &[
            ("r1", 10, "checkout", "2026-11-22T09:00:00Z"),
            ("r2", 3, "delivery", "2026-11-23T09:00:00Z"),
            ("r1", 10, "checkout", "2026-11-22T09:00:00Z"),
        ],
    )
}

async fn post_accepts_then_counts_duplicates(backend: Backend) {
    let app = TestApp::new(backend);
    let first = app.post(sample()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.json(), json!({"accepted": 2, "duplicates": 1}));
    let again = app.post(sample()).await;
    assert_eq!(again.json(), json!({"accepted": 0, "duplicates": 3}));
}

async fn malformed_body_is_400_naming_the_field(backend: Backend) {
    let app = TestApp::new(backend);
    let bad = sample().replace("\"score\":3", "\"score\":11");
    let r = app.post(bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/json")));
    assert_eq!(
        r.json(),
        json!({
            "error": "responses[1].score: must be an integer from 0 to 10, got 11",
            "field": "responses[1].score"
        })
    );
    let r = app.post("not json at all").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "body");

    let form = Request::post("/v1/responses")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .body(Body::from(sample()))
        .unwrap();
    let r = app.send(form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "Content-Type");
}

async fn body_over_the_limit_is_413(backend: Backend) {
    let app = TestApp::new(backend);
    let r = app.post(vec![b' '; MAX_REQUEST_BYTES + 1]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let v = r.json();
    assert_eq!(v["field"], "body");
    assert!(v["error"].as_str().unwrap().contains("1048576"), "{v}");
}

#[tokio::test]
async fn cors_preflight_for_an_allowed_origin_only() {
    let app = TestApp::with(Backend::Sqlite, |a| {
        a.allow_origins = vec!["https://shop.example.com".into()]
    });
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/v1/responses")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let ok = app.send(preflight("https://shop.example.com")).await;
    assert!(ok.status.is_success(), "{}", ok.status);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    assert!(ok
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));
    assert!(ok
        .header("access-control-allow-headers")
        .is_some_and(|h| h.to_ascii_lowercase().contains("content-type")));

    let other = app.send(preflight("https://evil.example.net")).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
}

async fn summary_with_filters(backend: Backend) {
    let app = TestApp::new(backend);
    assert_eq!(app.post(sample()).await.status, StatusCode::OK);
    let all = app.get("/v1/summary").await;
    assert_eq!(all.status, StatusCode::OK);
    let v = all.json();
    assert_eq!(
        [
            &v["n"],
            &v["promoters"],
            &v["detractors"],
            &v["nps"],
            &v["band"]
        ],
        [
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(0.0),
            &json!("critical")
        ]
    );
    let v = app.get("/v1/summary?touchpoint=checkout").await.json();
    assert_eq!((&v["n"], &v["band"]), (&json!(1), &json!("excellent")));
    let v = app.get("/v1/summary?from=2026-11-23&to=").await.json();
    assert_eq!(v["n"], 1);
    let bad = app.get("/v1/summary?to=2026-02-30").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "to");
}

async fn csv_export(backend: Backend) {
    let app = TestApp::new(backend);
    app.post(sample()).await;
    let r = app.get("/v1/responses.csv?touchpoint=checkout").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(
        r.text(),
        "id,score,comment,touchpoint,locale,answered_at,page,properties\r\n\
         r1,10,,checkout,en,2026-11-22T09:00:00Z,https://shop.example.com/checkout,\
         \"{\"\"items\"\":2,\"\"order_id\"\":\"\"A-r1\"\",\"\"vip\"\":false}\"\r\n"
    );
}

#[tokio::test]
async fn static_files_but_never_the_database_or_dotfiles() {
    let app = TestApp::new(Backend::Sqlite);
    let index = app.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.text(), "<title>demo</title>");
    assert_eq!(app.get("/healthz").await.text(), "ok");
    assert!(
        Path::new(&app.db).starts_with(app.dir.path()),
        "the db is inside --static"
    );
    for hidden in [
        "/nps.sqlite",
        "/%6eps.sqlite",
        "/./nps.sqlite",
        "/.git/config",
        "/missing.js",
    ] {
        assert_eq!(
            app.get(hidden).await.status,
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    assert_eq!(
        app.get("/v1/responses").await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn the_scorer_page_is_also_at_slash_score() {
    let app = TestApp::new(Backend::Sqlite);
    let page = "<title>NPS scorer</title>";
    std::fs::create_dir_all(app.dir.path().join("www")).unwrap();
    std::fs::write(app.dir.path().join("www/score.html"), page).unwrap();
    serves_html(&app, &["/score", "/www/score.html"], page).await;
}

/// Each of `uris` answers 200 with `page`, as HTML.
async fn serves_html(app: &TestApp, uris: &[&str], page: &str) {
    for uri in uris {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(r.text(), page, "{uri}");
        assert!(
            r.header("content-type").unwrap().starts_with("text/html"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_kiosk_page_is_also_at_slash_kiosk_and_its_worker_at_the_root() {
    let app = TestApp::new(Backend::Sqlite);
    let page = "<title>NPS kiosk</title>";
    let worker = "'use strict'; // kiosk worker";
    std::fs::create_dir_all(app.dir.path().join("www")).unwrap();
    std::fs::write(app.dir.path().join("www/kiosk.html"), page).unwrap();
    std::fs::write(app.dir.path().join("www/kiosk-sw.js"), worker).unwrap();
    serves_html(
        &app,
        &[
            "/kiosk",
            "/www/kiosk.html",
            "/kiosk?endpoint=/v1/responses&locale=de",
        ],
        page,
    )
    .await;
    // A service worker must come with a JavaScript type, or the browser refuses to register it;
    // no-cache at both addresses.
    for uri in ["/kiosk-sw.js", "/www/kiosk-sw.js"] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(r.text(), worker, "{uri}");
        let ty = r.header("content-type").unwrap();
        assert!(
            ty.starts_with("text/javascript") || ty.starts_with("application/javascript"),
            "{uri}: {ty}"
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{uri}");
    }
    // Other static files keep the default headers.
    assert_eq!(app.get("/index.html").await.header("cache-control"), None);
    assert_eq!(app.get("/kiosk/x").await.status, StatusCode::NOT_FOUND);
}

/// A `MakeWriter` that keeps what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn database_failure_is_a_generic_500_and_the_details_go_to_the_log(backend: Backend) {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime is single-threaded: the handlers log on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new(backend);
    common::db_execute(&app.db, "DROP TABLE responses");
    for answer in [
        app.post(sample()).await,
        app.get("/v1/summary").await,
        app.get("/v1/responses.csv").await,
    ] {
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(answer.json(), json!({"error": INTERNAL_ERROR_MESSAGE}));
        assert!(!answer.text().contains("responses"), "{}", answer.text());
    }
    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let cause = match backend {
        Backend::Sqlite => "no such table: responses",
        Backend::Postgres => "relation \"responses\" does not exist",
    };
    assert!(log.contains(cause), "{log}");
}

/// The deliverable golden cases (testdata/golden/) posted, then summarised: the body of
/// `GET /v1/summary?by=…` is `nps score --json --by …` of the same file, byte for byte, plus
/// `band` (of the total NPS, docs/contract.md §6).
async fn summary_answers_the_golden_outputs(backend: Backend) {
    let mut tested = 0;
    for case in golden::cases()
        .into_iter()
        .filter(golden::Case::deliverable)
    {
        let app = TestApp::new(backend);
        let input: Value = serde_json::from_slice(&case.bytes()).unwrap();
        let body = if input.is_array() {
            json!({"schema": "nps.batch/1", "batch_id": "golden", "sent_at": "2026-12-31T00:00:00Z",
                   "responses": input})
        } else {
            input
        };
        let n = body["responses"].as_array().map_or(0, Vec::len);
        let posted = app.post(body.to_string()).await;
        assert_eq!(
            posted.json(),
            json!({"accepted": n, "duplicates": 0}),
            "{}",
            case.name
        );
        for (mode, by, want) in case.modes() {
            let Expected::Json(want) = want else {
                panic!("{}/{mode}: a deliverable case has no error", case.name)
            };
            let uri = match by {
                Some(by) => format!("/v1/summary?by={by}"),
                None => "/v1/summary".to_string(),
            };
            let r = app.get(&uri).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{}/{mode}: {}",
                case.name,
                r.text()
            );
            assert_eq!(r.header("content-type"), Some("application/json"));
            let text = r.text();
            let v = r.json();
            let band = match v["nps"].as_f64() {
                None => Value::Null,
                Some(x) if x < 5.0 => json!("critical"),
                Some(x) if x <= 30.0 => json!("needs-work"),
                Some(x) if x < 50.0 => json!("fair"),
                Some(x) if x < 80.0 => json!("good"),
                Some(_) => json!("excellent"),
            };
            assert_eq!(v["band"], band, "{}/{mode}", case.name);
            let band_line = format!(",\n  \"band\": {band}\n}}\n");
            let without_band = text
                .strip_suffix(&band_line)
                .map(|head| format!("{head}\n}}\n"))
                .unwrap_or_else(|| panic!("{}/{mode}: band is not last: {text}", case.name));
            assert_eq!(without_band, want, "{}/{mode}", case.name);
            tested += 1;
        }
    }
    assert!(tested >= 10, "only {tested} summaries compared");
}

async fn summary_filters_apply_to_groups_and_a_bad_by_is_400(backend: Backend) {
    let app = TestApp::new(backend);
    app.post(sample()).await;
    let v = app
        .get("/v1/summary?by=day&touchpoint=checkout")
        .await
        .json();
    let days: Vec<&String> = v["groups"].as_object().unwrap().keys().collect();
    assert_eq!(days, ["2026-11-22"]);
    let v = app.get("/v1/summary?by=week&from=2026-11-23").await.json();
    assert_eq!(v["n"], 1);
    assert_eq!(v["groups"]["2026-W48"]["detractors"], 1);
    let v = app.get("/v1/summary?by=").await.json();
    assert!(v.get("groups").is_none(), "an empty by is no grouping: {v}");

    for bad in ["year", "Week", "touchpoint,day"] {
        let r = app.get(&format!("/v1/summary?by={bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            r.json(),
            json!({
                "error": format!("by must be one of touchpoint, day, week, month; got \"{bad}\""),
                "field": "by"
            })
        );
    }
}

// ---- Private reads (docs/contract.md §5) ----

const REMOTE_PEER: &str = "203.0.113.9:40000";
const READS: [&str; 2] = ["/v1/summary", "/v1/responses.csv"];

fn get_req(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::empty()).unwrap()
}

fn post_req(body: String) -> Request<Body> {
    Request::post("/v1/responses")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// A JSON error body whose `error` mentions `needle`.
fn assert_json_error(r: &Answer, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    let error = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {v}"));
    assert!(error.contains(needle), "{needle:?} in {error}");
}

async fn without_a_read_token_reads_answer_loopback_clients_only(backend: Backend) {
    let app = TestApp::new(backend);
    app.post(sample()).await;
    for uri in READS {
        assert_eq!(app.get(uri).await.status, StatusCode::OK, "{uri}");
        for local in [
            "127.0.0.1:1",
            "127.1.2.3:2",
            "[::1]:3",
            "[::ffff:127.0.0.1]:4",
        ] {
            let r = app.send_from(local, get_req(uri, &[])).await;
            assert_eq!(r.status, StatusCode::OK, "{uri} from {local}");
        }
        let r = app.send_from(REMOTE_PEER, get_req(uri, &[])).await;
        assert_json_error(
            &r,
            StatusCode::FORBIDDEN,
            "set --read-token (or NPS_READ_TOKEN) and send Authorization: Bearer <token>",
        );
        assert!(r.text().contains("203.0.113.9"), "{}", r.text());
        // Nothing of the data leaks into a refusal.
        assert!(!r.text().contains("checkout"), "{}", r.text());
    }
}

async fn with_a_read_token_reads_need_bearer(backend: Backend) {
    let app = TestApp::with(backend, |a| {
        a.read_token = Some(ReadToken::new("s3cret").unwrap())
    });
    app.post(sample()).await;
    for uri in READS {
        for peer in ["127.0.0.1:1", REMOTE_PEER] {
            // 401 without the header, with WWW-Authenticate.
            let r = app.send_from(peer, get_req(uri, &[])).await;
            assert_json_error(
                &r,
                StatusCode::UNAUTHORIZED,
                "Authorization: Bearer <token>",
            );
            assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{uri}");
            // 401 for another scheme.
            let basic = [("authorization", "Basic czNjcmV0Og==")];
            let r = app.send_from(peer, get_req(uri, &basic)).await;
            assert_json_error(&r, StatusCode::UNAUTHORIZED, "Bearer scheme");
            assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{uri}");
            // 403 for a wrong token.
            for wrong in ["Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET"] {
                let r = app
                    .send_from(peer, get_req(uri, &[("authorization", wrong)]))
                    .await;
                assert_json_error(&r, StatusCode::FORBIDDEN, "read token is wrong");
                assert_eq!(r.header("www-authenticate"), None);
            }
            // 200 with the right one, from anywhere.
            let r = app
                .send_from(peer, get_req(uri, &[("authorization", "Bearer s3cret")]))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{uri} from {peer}: {}", r.text());
            assert!(
                r.text().contains('2') || r.text().contains("r1"),
                "{}",
                r.text()
            );
        }
    }
    let v = app
        .send(get_req(
            "/v1/summary",
            &[("authorization", "bearer s3cret")],
        ))
        .await
        .json();
    assert_eq!(v["n"], 2, "the scheme is case-insensitive");
}

#[tokio::test]
async fn the_forwarded_address_counts_only_from_a_loopback_proxy() {
    let app = &TestApp::new(Backend::Sqlite);
    let from = |peer: &'static str, name: &'static str, value: &'static str| async move {
        app.send_from(peer, get_req("/v1/summary", &[(name, value)]))
            .await
    };
    // A proxy on this host forwards a remote client: the client is remote.
    for (name, value) in [
        ("x-forwarded-for", "198.51.100.7"),
        ("x-forwarded-for", "127.0.0.1, 198.51.100.7"),
        ("forwarded", "for=198.51.100.7;proto=https"),
        ("forwarded", "for=\"[2001:db8::7]:4711\""),
        ("x-forwarded-for", "unknown"),
    ] {
        let r = from("127.0.0.1:5000", name, value).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let r = from("127.0.0.1:5000", "x-forwarded-for", "198.51.100.7").await;
    assert!(r.text().contains("198.51.100.7"), "{}", r.text());
    // The proxy forwards a client on this host.
    for (name, value) in [
        ("x-forwarded-for", "127.0.0.1"),
        ("x-forwarded-for", "198.51.100.7, ::1"),
        ("forwarded", "for=127.0.0.1"),
    ] {
        let r = from("[::1]:5000", name, value).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {value}");
    }
    // A remote peer cannot spoof its way to loopback.
    for (name, value) in [
        ("x-forwarded-for", "127.0.0.1"),
        ("x-forwarded-for", "::1"),
        ("forwarded", "for=127.0.0.1"),
        ("x-real-ip", "127.0.0.1"),
    ] {
        let r = from(REMOTE_PEER, name, value).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(r.text().contains("203.0.113.9"), "{}", r.text());
    }
}

async fn posting_static_files_and_healthz_stay_open(backend: Backend) {
    for token in [None, Some("s3cret")] {
        let app = TestApp::with(backend, |a| {
            a.read_token = token.map(|t| ReadToken::new(t).unwrap())
        });
        for (i, peer) in ["127.0.0.1:1", REMOTE_PEER].into_iter().enumerate() {
            let body = batch(
                &format!("b-{i}"),
                &[(&format!("r{i}"), 9, "checkout", "2026-11-22T09:00:00Z")],
            );
            let r = app.send_from(peer, post_req(body)).await;
            assert_eq!(r.status, StatusCode::OK, "{token:?} {peer}: {}", r.text());
            assert_eq!(r.json(), json!({"accepted": 1, "duplicates": 0}));
            for uri in ["/", "/index.html", "/healthz"] {
                let r = app.send_from(peer, get_req(uri, &[])).await;
                assert_eq!(r.status, StatusCode::OK, "{token:?} {peer} {uri}");
            }
        }
    }
}

// ---- Rate limit ----

async fn over_the_rate_limit_a_client_gets_429_with_retry_after_and_others_do_not(
    backend: Backend,
) {
    let app = TestApp::with(backend, |a| {
        a.rate_limit = Some("2/min".parse().unwrap());
        a.allow_origins = vec!["https://shop.example.com".into()];
    });
    let post = |peer: &'static str, n: usize| {
        let body = batch(
            &format!("{peer}-{n}"),
            &[(
                &format!("{peer}-{n}"),
                9,
                "checkout",
                "2026-11-22T09:00:00Z",
            )],
        );
        let mut req = post_req(body);
        req.headers_mut()
            .insert(header::ORIGIN, "https://shop.example.com".parse().unwrap());
        app.send_from(peer, req)
    };
    for n in 0..2 {
        assert_eq!(
            post(REMOTE_PEER, n).await.status,
            StatusCode::OK,
            "post {n}"
        );
    }
    let r = post(REMOTE_PEER, 2).await;
    assert_json_error(&r, StatusCode::TOO_MANY_REQUESTS, "--rate-limit 2/min");
    let retry_after: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("whole seconds");
    // 2 a minute: one more every 30 s.
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    // The widget on the shop's origin can read the answer and its Retry-After.
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    assert!(
        r.header("access-control-expose-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("retry-after")),
        "{:?}",
        r.headers
    );
    // Another client (on the same port range, another address) is still welcome…
    assert_eq!(post("198.51.100.8:1", 0).await.status, StatusCode::OK);
    // …and the refused posts were not stored.
    let v = app.get("/v1/summary").await.json();
    assert_eq!(v["n"], 3);
    // Reads are not counted.
    for _ in 0..5 {
        assert_eq!(app.get("/v1/summary").await.status, StatusCode::OK);
    }
}

async fn the_rate_limit_keys_on_the_forwarded_client_behind_a_local_proxy(backend: Backend) {
    let app = TestApp::with(backend, |a| a.rate_limit = Some("1/min".parse().unwrap()));
    let via_proxy = |client: &'static str, id: &'static str| {
        let mut req = post_req(batch(id, &[(id, 9, "checkout", "2026-11-22T09:00:00Z")]));
        req.headers_mut()
            .insert("x-forwarded-for", client.parse().unwrap());
        app.send_from("127.0.0.1:8000", req)
    };
    assert_eq!(via_proxy("198.51.100.7", "a").await.status, StatusCode::OK);
    let r = via_proxy("198.51.100.7", "b").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    // Other clients behind the same proxy have their own allowance.
    assert_eq!(via_proxy("198.51.100.8", "c").await.status, StatusCode::OK);
    assert_eq!(via_proxy("2001:db8::1", "d").await.status, StatusCode::OK);
}

async fn no_rate_limit_unless_given(backend: Backend) {
    let app = TestApp::new(backend);
    for n in 0..30 {
        let id = format!("r{n}");
        let body = batch(&id, &[(&id, 9, "checkout", "2026-11-22T09:00:00Z")]);
        let r = app.send_from(REMOTE_PEER, post_req(body)).await;
        assert_eq!(r.status, StatusCode::OK, "post {n}");
    }
}

// ---- Static files never include the database or anything outside the served folder ----

#[tokio::test]
async fn static_files_stay_inside_the_served_folder() {
    // site/ is served; the database and a secret sit next to it, outside.
    let app = TestApp::with(Backend::Sqlite, |a| {
        let root = a.static_dir.clone();
        let site = root.join("site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("index.html"), "<title>site</title>").unwrap();
        std::fs::write(site.join("pkg/app.js"), "console.log(1)").unwrap();
        std::fs::write(site.join(".env"), "SECRET=hidden-env").unwrap();
        std::fs::write(root.join("secret.txt"), "outside-secret").unwrap();
        a.static_dir = site;
    });
    let root = app.dir.path();
    let secret = root.join("secret.txt");
    assert!(!Path::new(&app.db).starts_with(root.join("site")));
    // Some SQLite content exists to leak.
    app.post(sample()).await;

    let r = app.get("/index.html").await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (StatusCode::OK, "<title>site</title>")
    );
    assert_eq!(app.get("/pkg/app.js").await.text(), "console.log(1)");

    let absolute = secret.to_str().unwrap().to_string();
    let encoded = absolute.replace('/', "%2F");
    let mut attempts: Vec<String> = [
        "/../secret.txt",
        "/../nps.sqlite",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/nps.sqlite",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/.%2e/secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/.env",
        "/%2eenv",
        "/pkg/../.env",
    ]
    .map(String::from)
    .to_vec();
    attempts.push(format!("/{absolute}"));
    attempts.push(format!("/{encoded}"));
    attempts.push(format!("/{}", encoded.trim_start_matches("%2F")));
    for uri in &attempts {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text());
        let text = r.text();
        assert!(
            !text.contains("outside-secret") && !text.contains("hidden-env"),
            "{uri}: {text}"
        );
        assert!(!r.body.starts_with(b"SQLite format 3"), "{uri}");
    }
}

on_both_backends!(async:
    post_accepts_then_counts_duplicates,
    malformed_body_is_400_naming_the_field,
    body_over_the_limit_is_413,
    summary_with_filters,
    csv_export,
    database_failure_is_a_generic_500_and_the_details_go_to_the_log,
    summary_answers_the_golden_outputs,
    summary_filters_apply_to_groups_and_a_bad_by_is_400,
    without_a_read_token_reads_answer_loopback_clients_only,
    with_a_read_token_reads_need_bearer,
    posting_static_files_and_healthz_stay_open,
    over_the_rate_limit_a_client_gets_429_with_retry_after_and_others_do_not,
    the_rate_limit_keys_on_the_forwarded_client_behind_a_local_proxy,
    no_rate_limit_unless_given,
);
