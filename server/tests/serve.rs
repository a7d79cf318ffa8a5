//! `nps serve` end to end: the real binary on a free port, a temp SQLite file or a database of
//! the test PostgreSQL cluster, real HTTP.
//!
//! The tests that store responses run on both backends (`sqlite::NAME`, `postgres::NAME`:
//! [`on_both_backends!`], at the end); PostgreSQL's own (several processes on one database,
//! startup errors, the password never shown) are at the end too.

mod common;

use common::{
    assert_close, assert_summary, batch, db_count, expected_numbers, nps, on_both_backends, pg,
    request, Backend, Server, SUMMARY_KEYS,
};
use serde_json::Value;

#[test]
fn ready_line_names_address_and_db() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nps.sqlite");
    let server = Server::start(&db, &[]);
    assert_eq!(
        server.ready_line,
        format!(
            "nps serve: listening on http://{} (db: {})",
            server.addr,
            db.display()
        )
    );
    let health = server.get("/healthz");
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
}

fn accepts_batch_and_counts_duplicates_stored_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = backend.fresh_db(dir.path());
    let server = Server::start(&db, &[]);
    let body = batch(
        "b-1",
        &[
            ("r1", 9, "checkout", "2026-11-22T09:59:41Z"),
            ("r2", 3, "checkout", "2026-11-22T09:59:42Z"),
            ("r1", 9, "checkout", "2026-11-22T09:59:41Z"),
        ],
    );
    let first = server.post_json("/v1/responses", &body);
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(
        first.json(),
        serde_json::json!({"accepted": 2, "duplicates": 1})
    );

    // The same batch again (a retry): nothing new is stored.
    let again = server.post_json("/v1/responses", &body);
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json(),
        serde_json::json!({"accepted": 0, "duplicates": 3})
    );

    // Check the database with a second reader while the server runs (SQLite: rollback
    // journal, no WAL).
    assert_eq!(db_count(&db), 2);
    assert!(!dir.path().join("nps.sqlite-wal").exists());
    let row = common::db_row(
        &db,
        "SELECT score, comment, touchpoint, properties, batch_id, received_at \
         FROM responses WHERE id = 'r1'",
    );
    let [score, comment, touchpoint, props, batch_id, received_at] = &row[..] else {
        panic!("{row:?}")
    };
    let text = |v: &Option<String>| v.clone().expect("not NULL");
    let (props, batch_id, received_at) = (text(props), text(batch_id), text(received_at));
    assert_eq!(
        (score.as_deref(), comment, touchpoint.as_deref()),
        (Some("9"), &None, Some("checkout"))
    );
    assert_eq!(
        serde_json::from_str::<Value>(&props).unwrap(),
        serde_json::json!({"order_id": "A-r1", "items": 2, "vip": false})
    );
    assert_eq!(props, r#"{"items":2,"order_id":"A-r1","vip":false}"#);
    assert_eq!(batch_id, "b-1");
    assert!(
        nps_core::time::unix_ms_from_rfc3339(&received_at).is_some(),
        "received_at {received_at:?} is RFC 3339"
    );
}

fn concurrent_retries_store_each_response_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = backend.fresh_db(dir.path());
    let server = Server::start(&db, &[]);
    let ids: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let rows: Vec<(&str, u8, &str, &str)> = ids
        .iter()
        .map(|id| (id.as_str(), 10, "checkout", "2026-11-22T09:00:00Z"))
        .collect();
    let body = batch("b-c", &rows);
    let accepted: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let r = server.post_json("/v1/responses", &body);
                    assert_eq!(r.status, 200, "{}", r.text());
                    let v = r.json();
                    assert_eq!(
                        v["accepted"].as_u64().unwrap() + v["duplicates"].as_u64().unwrap(),
                        20
                    );
                    v["accepted"].as_u64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(accepted, 20);
    assert_eq!(db_count(&db), 20);
}

fn assert_400(server: &Server, body: &str, field: &str) {
    let r = server.post_json("/v1/responses", body);
    assert_eq!(r.status, 400, "{body} -> {}", r.text());
    assert!(r
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("application/json")));
    let v = r.json();
    assert_eq!(v["field"], field, "{body} -> {v}");
    let msg = v["error"].as_str().unwrap();
    assert!(!msg.is_empty());
}

fn malformed_bodies_get_400_naming_the_field(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = backend.fresh_db(dir.path());
    let server = Server::start(&db, &[]);
    let good = batch("b", &[("r1", 9, "checkout", "2026-11-22T09:59:41Z")]);

    let edits = [
        ("nps.batch/1", "nps.batch/2", "schema"),
        ("\"score\":9", "\"score\":11", "responses[0].score"),
        ("\"score\":9", "\"score\":-1", "responses[0].score"),
        ("\"id\":\"r1\",", "", "responses[0].id"),
        ("\"id\":\"r1\"", "\"id\":\"\"", "responses[0].id"),
        (
            "2026-11-22T09:59:41Z",
            "yesterday",
            "responses[0].answered_at",
        ),
    ];
    assert_400(&server, "{\"schema\": \"nps.batch/1\", ", "body");
    assert_400(&server, "not json at all", "body");
    for (from, to, field) in edits {
        assert!(good.contains(from), "{from} is in the good batch");
        assert_400(&server, &good.replace(from, to), field);
    }
    assert_400(
        &server,
        r#"{"schema":"nps.batch/1","batch_id":"b","sent_at":"2026-11-22T10:00:00Z","responses":[]}"#,
        "responses",
    );

    let r = server.post_json(
        "/v1/responses",
        &good.replace("\"score\":9", "\"score\":11"),
    );
    assert_eq!(
        r.json()["error"],
        "responses[0].score: must be an integer from 0 to 10, got 11"
    );

    // A form content type: 400 naming Content-Type (the contract's statuses are 200/400/413).
    let r = server.post_responses(
        &[("Content-Type", "application/x-www-form-urlencoded")],
        good.as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["field"], "Content-Type");
    assert_eq!(
        r.json()["error"],
        "Content-Type must be application/json (or text/plain), got \"application/x-www-form-urlencoded\""
    );

    assert_eq!(db_count(&db), 0, "nothing of a refused body is stored");

    // text/plain is what sendBeacon sends: read as JSON and stored.
    let r = server.post_responses(
        &[("Content-Type", "text/plain;charset=UTF-8")],
        good.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["accepted"], 1);
    assert_eq!(db_count(&db), 1);
}

fn body_over_one_mib_gets_413_json(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(backend.fresh_db(dir.path()), &[]);
    let mut body = batch("b", &[("r1", 9, "checkout", "2026-11-22T09:59:41Z")]).into_bytes();
    body.pop(); // drop the final `}`
    body.extend(std::iter::repeat_n(b' ', 1024 * 1024));
    body.push(b'}');
    let r = server.post_responses(&[("Content-Type", "application/json")], &body);
    assert_eq!(r.status, 413, "{}", r.text());
    let err = r.json()["error"].as_str().unwrap().to_string();
    assert!(err.contains("1048576"), "{err}");

    // Just under the limit is read and parsed (then accepted: whitespace is valid JSON).
    let mut body = batch("b", &[("r1", 9, "checkout", "2026-11-22T09:59:41Z")]).into_bytes();
    let pad = 1024 * 1024 - body.len();
    body.splice(1..1, std::iter::repeat_n(b' ', pad));
    assert_eq!(body.len(), 1024 * 1024);
    let r = server.post_responses(&[("Content-Type", "application/json")], &body);
    assert_eq!(r.status, 200, "{}", r.text());
}

fn preflight(server: &Server, origin: &str) -> common::HttpResponse {
    request(
        &server.addr,
        "OPTIONS",
        "/v1/responses",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    )
}

#[test]
fn cors_only_for_configured_origins() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path().join("nps.sqlite"),
        &["--allow-origin", "https://shop.example.com"],
    );
    let ok = preflight(&server, "https://shop.example.com");
    assert!((200..300).contains(&ok.status), "{ok:?}");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
    let methods = ok.header("access-control-allow-methods").unwrap_or("");
    assert!(methods.contains("POST"), "{methods}");
    let allowed = ok
        .header("access-control-allow-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(allowed.contains("content-type"), "{allowed}");

    let evil = preflight(&server, "https://evil.example.net");
    assert_eq!(evil.header("access-control-allow-origin"), None);

    // The actual POST from the allowed origin carries the header too.
    let body = batch("b", &[("r1", 9, "checkout", "2026-11-22T09:59:41Z")]);
    let r = server.post_responses(
        &[
            ("Content-Type", "application/json"),
            ("Origin", "https://shop.example.com"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example.com")
    );
}

#[test]
fn cors_off_by_default_and_any_origin_for_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let closed = Server::start(dir.path().join("a.sqlite"), &[]);
    let r = preflight(&closed, "https://shop.example.com");
    assert_eq!(r.header("access-control-allow-origin"), None);

    let open = Server::start(dir.path().join("b.sqlite"), &["--allow-any-origin"]);
    for origin in ["https://anything.example", "http://localhost:5173"] {
        let r = preflight(&open, origin);
        assert!((200..300).contains(&r.status), "{r:?}");
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    }
}

fn summary_numbers_filters_and_errors(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(backend.fresh_db(dir.path()), &[]);
    let empty = server.get("/v1/summary").json();
    assert_eq!(empty["n"], 0);
    assert_eq!(empty["nps"], Value::Null);
    assert_eq!(empty["ci95"], Value::Null);
    assert_eq!(empty["band"], Value::Null);

    let body = batch(
        "b",
        &[
            ("1", 10, "checkout", "2026-11-20T10:00:00Z"),
            ("2", 10, "checkout", "2026-11-21T10:00:00Z"),
            ("3", 9, "checkout", "2026-11-22T10:00:00Z"),
            ("4", 8, "checkout", "2026-11-22T23:59:59Z"),
            ("5", 7, "delivery", "2026-11-22T10:00:00Z"),
            ("6", 6, "delivery", "2026-11-23T00:00:00Z"),
            ("7", 0, "delivery", "2026-11-23T10:00:00Z"),
            ("8", 3, "checkout", "2026-11-24T10:00:00+05:00"),
        ],
    );
    assert_eq!(server.post_json("/v1/responses", &body).status, 200);

    let all = server.get("/v1/summary").json();
    assert_summary(&all, [8, 3, 2, 3]);
    assert_eq!(all["band"], "critical");

    let checkout = server.get("/v1/summary?touchpoint=checkout").json();
    assert_eq!(checkout["n"], 5);
    let (nps, _, _) = expected_numbers(3.0, 1.0, 5.0);
    assert_close(&checkout["nps"], nps, "checkout nps");
    assert_eq!(checkout["band"], "fair"); // 40

    // Dates: `to` covers its whole day; timestamps are instants (offsets honoured).
    for (query, n) in [
        ("from=2026-11-22&to=2026-11-22", 3),
        ("from=2026-11-21T10:00:00Z&to=2026-11-23T00:00:00Z", 5),
        // 10:00+05:00 is 05:00Z.
        ("from=2026-11-24T05:00:00Z&to=2026-11-24T05:00:00Z", 1),
        ("touchpoint=delivery&from=2026-11-23&to=", 2),
    ] {
        let v = server.get(&format!("/v1/summary?{query}")).json();
        assert_eq!(v["n"], n, "{query}: {v}");
    }

    let bad = server.get("/v1/summary?from=last-week");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["field"], "from");
    let bad = server.get("/v1/summary?to=2026-02-30");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["field"], "to");
}

fn csv_export_round_trips_through_nps_score(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(backend.fresh_db(dir.path()), &[]);
    let mut body: Value = serde_json::from_str(&batch(
        "b",
        &[
            ("1", 10, "checkout", "2026-11-20T10:00:00Z"),
            ("2", 2, "check,out \"quoted\"", "2026-11-21T10:00:00Z"),
            ("3", 8, "checkout", "2026-11-22T10:00:00Z"),
            ("4", 9, "delivery", "2026-11-22T11:00:00Z"),
        ],
    ))
    .unwrap();
    body["responses"][0]["comment"] = "Fast, friendly \"service\"\nwould buy again".into();
    body["responses"][1]["comment"] = "Слишком долго\r\n, очень".into();
    body["responses"][2]["comment"] = "".into();
    let r = server.post_json("/v1/responses", &body.to_string());
    assert_eq!(r.json()["accepted"], 4);

    let csv = server.get("/v1/responses.csv");
    assert_eq!(csv.status, 200);
    assert!(csv
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("text/csv")));
    let text = csv.text();
    assert!(text.starts_with("id,score,comment,touchpoint,locale,answered_at,page,properties\r\n"));

    // Every field survives: read it back with a CSV parser.
    let mut rdr = csv::Reader::from_reader(csv.body.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][2], "Fast, friendly \"service\"\nwould buy again");
    assert_eq!(&rows[1][2], "Слишком долго\r\n, очень");
    assert_eq!(&rows[1][3], "check,out \"quoted\"");
    assert_eq!(&rows[3][7], r#"{"items":2,"order_id":"A-4","vip":false}"#);

    let file = dir.path().join("export.csv");
    std::fs::write(&file, &csv.body).unwrap();
    let out = nps(&[
        "score",
        file.to_str().unwrap(),
        "--json",
        "--by",
        "touchpoint",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scored: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = server.get("/v1/summary").json();
    for key in SUMMARY_KEYS {
        assert_eq!(scored[key], summary[key], "{key}");
    }
    assert_eq!(scored["invalid"], 0);
    assert_eq!(scored["groups"]["checkout"]["n"], 2);
    assert_eq!(scored["groups"]["check,out \"quoted\""]["n"], 1);
    assert_eq!(scored["groups"]["delivery"]["n"], 1);

    // The export takes the summary's filters.
    let some = server.get("/v1/responses.csv?touchpoint=checkout&from=2026-11-21");
    assert_eq!(some.status, 200);
    let mut rdr = csv::Reader::from_reader(some.body.as_slice());
    let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(ids, ["3"]);
    assert_eq!(server.get("/v1/responses.csv?to=soon").status, 400);
}

fn restart_keeps_data_and_sigterm_exits_cleanly(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = backend.fresh_db(dir.path());
    let body = batch(
        "b",
        &[
            ("1", 10, "checkout", "2026-11-20T10:00:00Z"),
            ("2", 4, "checkout", "2026-11-21T10:00:00Z"),
        ],
    );
    let first = Server::start(&db, &[]);
    assert_eq!(
        first.post_json("/v1/responses", &body).json()["accepted"],
        2
    );
    let before = first.get("/v1/summary").json();
    let status = first.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status}");

    let second = Server::start(&db, &[]);
    assert_eq!(second.get("/v1/summary").json(), before);
    let again = second.post_json("/v1/responses", &body).json();
    assert_eq!(again, serde_json::json!({"accepted": 0, "duplicates": 2}));
}

#[test]
fn serves_static_files_with_wasm_and_js_types() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>demo</title>",
    )
    .unwrap();
    std::fs::write(site.join("pkg/nps_widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(site.join("pkg/nps-widget.js"), "export {};").unwrap();
    let server = Server::start(
        dir.path().join("nps.sqlite"),
        &["--static", site.to_str().unwrap()],
    );

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("<title>demo</title>"));
    assert!(index
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    let wasm = server.get("/pkg/nps_widget_bg.wasm");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.body, b"\0asm\x01\0\0\0");

    let js = server.get("/pkg/nps-widget.js");
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().contains("javascript"));

    assert_eq!(server.get("/pkg/missing.js").status, 404);
    assert_eq!(server.get("/v1/responses").status, 405);
}

#[test]
fn compresses_static_files_when_the_client_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let text = "nps-widget compresses well. ".repeat(400);
    std::fs::write(site.join("glue.js"), &text).unwrap();
    let server = Server::start(
        dir.path().join("nps.sqlite"),
        &["--static", site.to_str().unwrap()],
    );
    for encoding in ["br", "gzip"] {
        let r = request(
            &server.addr,
            "GET",
            "/glue.js",
            &[("Accept-Encoding", encoding)],
            b"",
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some(encoding));
        assert!(
            r.body.len() < text.len() / 10,
            "{encoding}: {} B",
            r.body.len()
        );
    }
    let plain = server.get("/glue.js");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), text);
}

#[test]
fn default_static_dir_does_not_publish_the_database_or_dotfiles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "demo").unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/config"), "secret").unwrap();
    // Like `cd site && nps serve`: --static . and the db inside it.
    let mut child = std::process::Command::new(common::NPS)
        .current_dir(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(line.ends_with("(db: nps.sqlite)\n"), "{line}");
    let get = |p: &str| request(&addr, "GET", p, &[], b"").status;
    let statuses = [
        get("/"),
        get("/nps.sqlite"),
        get("/%6eps.sqlite"),
        get("/.git/config"),
    ];
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(statuses, [200, 404, 404, 404]);
    assert!(dir.path().join("nps.sqlite").exists());
}

/// Runs `nps serve --addr ADDR --db DB EXTRA…`, which must fail to start with exit 1; its stderr.
fn serve_fails(addr: &str, db: impl AsRef<std::ffi::OsStr>, extra: &[&str]) -> String {
    let db = db.as_ref().to_str().unwrap();
    let out = nps(&[&["serve", "--addr", addr, "--db", db], extra].concat());
    assert_eq!(out.status.code(), Some(1), "nps serve --db {db} {extra:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn startup_errors_name_the_input_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nps.sqlite");

    // Port in use: occupy one with a plain listener.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let err = serve_fails(&addr, &db, &[]);
    assert!(
        err.starts_with(&format!(
            "nps serve: cannot listen on {addr}: the address is already in use"
        )),
        "{err}"
    );
    assert!(err.contains("--addr"), "{err}");

    // Database in a directory that does not exist.
    let bad_db = dir.path().join("no-such-dir").join("nps.sqlite");
    let err = serve_fails("127.0.0.1:0", &bad_db, &[]);
    assert!(err.starts_with("nps serve: cannot open database "), "{err}");
    assert!(err.contains("no-such-dir"), "{err}");
    assert!(err.contains("--db PATH"), "{err}");

    // The database path is a directory.
    let err = serve_fails("127.0.0.1:0", dir.path(), &[]);
    assert!(err.contains("--db PATH"), "{err}");

    // Static directory missing.
    let err = serve_fails("127.0.0.1:0", &db, &["--static", "/definitely/not/here"]);
    assert!(
        err.contains("/definitely/not/here") && err.contains("--static DIR"),
        "{err}"
    );

    // Usage error: exit 2.
    let out = nps(&["serve", "--port", "80"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn read_token_from_the_environment_closes_the_summary_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_env(
        dir.path().join("nps.sqlite"),
        &[],
        &[("NPS_READ_TOKEN", "s3cret")],
    );
    let body = batch("b", &[("1", 9, "checkout", "2026-11-20T10:00:00Z")]);
    // Posting stays open.
    assert_eq!(server.post_json("/v1/responses", &body).status, 200);
    for path in ["/v1/summary", "/v1/responses.csv"] {
        let r = server.get(path);
        assert_eq!(r.status, 401, "{path}: {}", r.text());
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        assert!(r.json()["error"].as_str().unwrap().contains("Bearer"));
        let get = |auth: &str| request(&server.addr, "GET", path, &[("Authorization", auth)], b"");
        assert_eq!(get("Bearer wrong").status, 403, "{path}");
        let ok = get("Bearer s3cret");
        assert_eq!(ok.status, 200, "{path}: {}", ok.text());
    }
    let ok = request(
        &server.addr,
        "GET",
        "/v1/summary",
        &[("Authorization", "Bearer s3cret")],
        b"",
    );
    assert_eq!(ok.json()["n"], 1);
    // The flag wins over the environment.
    let dir2 = tempfile::tempdir().unwrap();
    let flagged = Server::start_with_env(
        dir2.path().join("nps.sqlite"),
        &["--read-token", "from-flag"],
        &[("NPS_READ_TOKEN", "from-env")],
    );
    let get = |auth: &str| {
        request(
            &flagged.addr,
            "GET",
            "/v1/summary",
            &[("Authorization", auth)],
            b"",
        )
        .status
    };
    assert_eq!(
        (get("Bearer from-flag"), get("Bearer from-env")),
        (200, 403)
    );
}

#[test]
fn without_a_token_a_client_forwarded_by_a_local_proxy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path().join("nps.sqlite"), &[]);
    // This test talks over loopback: as a local client, then as a proxy on this host.
    assert_eq!(server.get("/v1/summary").status, 200);
    let proxied = |xff: &str| {
        request(
            &server.addr,
            "GET",
            "/v1/responses.csv",
            &[("X-Forwarded-For", xff)],
            b"",
        )
    };
    let r = proxied("198.51.100.7");
    assert_eq!(r.status, 403, "{}", r.text());
    let error = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("198.51.100.7") && error.contains("--read-token (or NPS_READ_TOKEN)"),
        "{error}"
    );
    assert_eq!(proxied("198.51.100.7, 127.0.0.1").status, 200);
}

fn rate_limit_answers_429_with_retry_after(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = backend.fresh_db(dir.path());
    let server = Server::start(&db, &["--rate-limit", "2/min"]);
    let post = |id: &str| {
        server.post_json(
            "/v1/responses",
            &batch(id, &[(id, 9, "checkout", "2026-11-20T10:00:00Z")]),
        )
    };
    assert_eq!(post("1").status, 200);
    assert_eq!(post("2").status, 200);
    let r = post("3");
    assert_eq!(r.status, 429, "{}", r.text());
    let secs: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    assert!(r.json()["error"].as_str().unwrap().contains("2/min"));
    assert_eq!(db_count(&db), 2);
    // Reads are not limited.
    for _ in 0..3 {
        assert_eq!(server.get("/v1/summary").status, 200);
    }
}

// ---- PostgreSQL only ----

/// Two `nps serve` processes on one PostgreSQL database (as behind a load balancer) receive
/// the same batches at the same time: each response is stored once, and what they answer adds
/// up — every id accepted exactly once in all, each answer covering its whole batch.
#[test]
fn two_processes_on_one_postgresql_database_store_each_response_once() {
    const IDS: usize = 80;
    const BATCHES: usize = 16;
    const SIZE: usize = 20;
    let db = pg::database();
    let quiet = [("RUST_LOG", "warn")];
    let servers = [
        Server::start_with_env(&db, &[], &quiet),
        Server::start_with_env(&db, &[], &quiet),
    ];
    assert_ne!(servers[0].pid(), servers[1].pid());
    // Batch k holds ids 5k … 5k+19 (mod 80): each shares ids with its neighbours, and every
    // other one lists them backwards, so that concurrent transactions meet the same ids in
    // opposite orders.
    let ids: Vec<String> = (0..IDS).map(|i| format!("lb-{i:02}")).collect();
    let bodies: Vec<String> = (0..BATCHES)
        .map(|k| {
            let mut rows: Vec<(&str, u8, &str, &str)> = (0..SIZE)
                .map(|j| {
                    let i = (k * 5 + j) % IDS;
                    let touchpoint = if i.is_multiple_of(2) {
                        "checkout"
                    } else {
                        "delivery"
                    };
                    (
                        ids[i].as_str(),
                        (i % 11) as u8,
                        touchpoint,
                        "2026-11-22T09:00:00Z",
                    )
                })
                .collect();
            if k % 2 == 1 {
                rows.reverse();
            }
            batch(&format!("b-{k}"), &rows)
        })
        .collect();
    // Four clients, two on each process, released together for each round: in round r, one
    // client of each process posts batch r, the other batch 15 − r.
    let barrier = std::sync::Barrier::new(4);
    let answers: Vec<(u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|client| {
                let (server, bodies, barrier) = (&servers[client % 2], &bodies, &barrier);
                s.spawn(move || {
                    (0..BATCHES)
                        .map(|round| {
                            let k = if client < 2 {
                                round
                            } else {
                                BATCHES - 1 - round
                            };
                            barrier.wait();
                            let r = server.post_json("/v1/responses", &bodies[k]);
                            assert_eq!(r.status, 200, "batch {k}: {}", r.text());
                            let v = r.json();
                            (
                                v["accepted"].as_u64().unwrap(),
                                v["duplicates"].as_u64().unwrap(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(answers.len(), 4 * BATCHES);
    for (accepted, duplicates) in &answers {
        assert_eq!(accepted + duplicates, SIZE as u64, "{answers:?}");
    }
    let accepted: u64 = answers.iter().map(|(a, _)| a).sum();
    let duplicates: u64 = answers.iter().map(|(_, d)| d).sum();
    assert_eq!(accepted, IDS as u64, "each id accepted once: {answers:?}");
    assert_eq!(accepted + duplicates, (4 * BATCHES * SIZE) as u64);
    let db = std::ffi::OsString::from(&db);
    assert_eq!(db_count(&db), IDS as i64);
    assert_eq!(
        common::db_i64(&db, "SELECT COUNT(DISTINCT id) FROM responses"),
        IDS as i64
    );
    // Both processes read the same data.
    let summaries = servers.each_ref().map(|s| s.get("/v1/summary").json());
    assert_eq!(summaries[0], summaries[1]);
    assert_eq!(summaries[0]["n"], IDS);
    let exports = servers.each_ref().map(|s| s.get("/v1/responses.csv").body);
    assert_eq!(exports[0], exports[1]);
    let mut rdr = csv::Reader::from_reader(exports[0].as_slice());
    let mut exported: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
    exported.sort();
    assert_eq!(exported, ids);
}

/// The ready line names the PostgreSQL URL without its password; the password may also come
/// from `PGPASSWORD`.
#[test]
fn postgresql_url_is_shown_without_its_password_and_pgpassword_works() {
    let url = pg::database();
    let password = &pg::cluster().password;
    let shown = url.replace(&format!(":{password}@"), "@");
    assert_ne!(shown, url);
    let server = Server::start(&url, &[]);
    assert_eq!(
        server.ready_line,
        format!(
            "nps serve: listening on http://{} (db: {shown})",
            server.addr
        )
    );
    let body = batch("b", &[("1", 9, "checkout", "2026-11-20T10:00:00Z")]);
    assert_eq!(
        server.post_json("/v1/responses", &body).json()["accepted"],
        1
    );
    drop(server);

    let from_env = Server::start_with_env(&shown, &[], &[("PGPASSWORD", password)]);
    assert!(!from_env.ready_line.contains(password.as_str()));
    assert_eq!(
        from_env.post_json("/v1/responses", &body).json(),
        serde_json::json!({"accepted": 0, "duplicates": 1})
    );
}

#[test]
fn postgresql_startup_errors_name_the_url_without_password_and_the_fix() {
    let cluster = pg::cluster();
    let port = cluster.port;
    let start = |url: &str| {
        let err = serve_fails("127.0.0.1:0", url, &[]);
        assert!(
            !err.contains("s3cret") && !err.contains(&cluster.password),
            "{err}"
        );
        err
    };

    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = start(&format!("postgres://nps:s3cret@127.0.0.1:{closed}/nps"));
    assert!(
        err.starts_with(&format!(
            "nps serve: cannot use PostgreSQL database postgres://nps@127.0.0.1:{closed}/nps: \
             error connecting to server: "
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "check that PostgreSQL is running and accepts connections at 127.0.0.1:{closed}"
        )) && err.contains("--db PATH"),
        "{err}"
    );

    // A wrong password.
    let err = start(&format!(
        "postgresql://postgres:s3cret@127.0.0.1:{port}/postgres"
    ));
    assert!(
        err.contains(&format!(
            "postgresql://postgres@127.0.0.1:{port}/postgres: "
        )) && err.contains("password authentication failed")
            && err.contains("check the user and the password (in the URL, or PGPASSWORD)"),
        "{err}"
    );

    // A database that does not exist.
    let url = cluster.url("no_such_db");
    let err = start(&url);
    assert!(
        err.contains("database \"no_such_db\" does not exist")
            && err.contains("create the database first (createdb")
            && err.contains("no_such_db)"),
        "{err}"
    );

    // TLS required.
    let err = start(&format!("{}?sslmode=require", cluster.url("postgres")));
    assert!(
        err.contains("sslmode=require asks for TLS, which nps serve does not speak"),
        "{err}"
    );

    // Not a usable URL: a usage error (exit 2) naming --db, without the password.
    for (url, why) in [
        ("postgres://db.example.com/nps", "names no user"),
        (
            "postgres://nps:s3cret@db.example.com:port/nps",
            "is not a valid PostgreSQL URL",
        ),
    ] {
        let out = nps(&["serve", "--db", url]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--db <PATH|URL>") && err.contains(why),
            "{err}"
        );
        assert!(!err.contains("s3cret"), "{err}");
    }
}

on_both_backends!(
    accepts_batch_and_counts_duplicates_stored_once,
    concurrent_retries_store_each_response_once,
    malformed_bodies_get_400_naming_the_field,
    body_over_one_mib_gets_413_json,
    summary_numbers_filters_and_errors,
    csv_export_round_trips_through_nps_score,
    restart_keeps_data_and_sigterm_exits_cleanly,
    rate_limit_answers_429_with_retry_after,
);
