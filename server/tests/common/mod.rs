//! Helpers shared by the integration tests: run the real `nps` binary, talk real HTTP/1.1 to it;
//! run a storage test on both backends ([`Backend`], [`on_both_backends!`]) with a private
//! PostgreSQL cluster ([`pg`]).
#![allow(dead_code)] // each test file uses a different subset

pub mod pg;

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::Duration;

pub const NPS: &str = env!("CARGO_BIN_EXE_nps");

/// Runs `nps ARGS…` to completion.
pub fn nps(args: &[&str]) -> Output {
    Command::new(NPS).args(args).output().expect("run nps")
}

/// Runs `nps ARGS…` with `stdin` piped in.
pub fn nps_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(NPS)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nps");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait nps")
}

/// A running `nps serve` on a free port; killed on drop.
pub struct Server {
    child: Option<Child>,
    pub addr: String,
    pub ready_line: String,
}

impl Server {
    /// Starts `nps serve --addr 127.0.0.1:0 --db DB EXTRA…` and waits for the ready line.
    /// `NPS_READ_TOKEN` is not passed on: summary and export answer this (loopback) client.
    pub fn start(db: impl AsRef<OsStr>, extra: &[&str]) -> Server {
        Server::start_with_env(db, extra, &[])
    }

    /// [`Server::start`] with these environment variables.
    pub fn start_with_env(db: impl AsRef<OsStr>, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(NPS)
            .env_remove("NPS_READ_TOKEN")
            .envs(env.iter().copied())
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(db.as_ref())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn nps serve");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read ready line");
        if line.is_empty() {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            let _ = child.wait();
            panic!("nps serve exited before it was ready: {err}");
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"))
            .to_string();
        Server {
            child: Some(child),
            addr,
            ready_line: line.trim_end().to_string(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends SIGTERM to this server (by its pid) and waits for it to exit.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        for _ in 0..100 {
            if let Some(st) = child.try_wait().expect("try_wait") {
                return st;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("nps serve did not exit within 5 s of SIGTERM");
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        request(&self.addr, "GET", path, &[], b"")
    }

    /// POST /v1/responses with these headers and this body.
    pub fn post_responses(&self, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
        request(&self.addr, "POST", "/v1/responses", headers, body)
    }

    pub fn post_json(&self, path: &str, body: &str) -> HttpResponse {
        request(
            &self.addr,
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// A batch body with the given (id, score, touchpoint, answered_at) responses.
pub fn batch(batch_id: &str, responses: &[(&str, u8, &str, &str)]) -> String {
    let rs: Vec<serde_json::Value> = responses
        .iter()
        .map(|(id, score, touchpoint, answered_at)| {
            serde_json::json!({
                "id": id, "score": score, "touchpoint": touchpoint, "locale": "en",
                "answered_at": answered_at, "page": "https://shop.example.com/checkout",
                "properties": {"order_id": format!("A-{id}"), "items": 2, "vip": false}
            })
        })
        .collect();
    serde_json::json!({
        "schema": "nps.batch/1", "batch_id": batch_id,
        "sent_at": "2026-11-22T10:00:00Z", "responses": rs
    })
    .to_string()
}

pub fn temp_path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// docs/contract.md §6 computed here independently of nps-core: (nps, se, [lo, hi]).
pub fn expected_numbers(promoters: f64, detractors: f64, n: f64) -> (f64, f64, [f64; 2]) {
    let p = promoters / n;
    let d = detractors / n;
    let nps = 100.0 * (p - d);
    let se = 100.0 * ((p + d - (p - d).powi(2)) / n).sqrt();
    let n2 = n + 3.0;
    let p2 = (promoters + 0.75) / n2;
    let d2 = (detractors + 0.75) / n2;
    let centre = 100.0 * (p2 - d2);
    let half = 1.96 * 100.0 * ((p2 + d2 - (p2 - d2).powi(2)) / n2).sqrt();
    (
        nps,
        se,
        [(centre - half).max(-100.0), (centre + half).min(100.0)],
    )
}

pub fn assert_close(got: &serde_json::Value, want: f64, what: &str) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {got}"));
    assert!((g - want).abs() < 1e-9, "{what}: got {g}, want {want}");
}

/// The fields of a summary that `nps score --json` and `GET /v1/summary` share (docs/contract.md §6).
pub const SUMMARY_KEYS: [&str; 7] = [
    "n",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "se",
    "ci95",
];

/// A summary (`nps score --json`, `GET /v1/summary`) has these counts
/// `[n, promoters, passives, detractors]` and the docs/contract.md §6 numbers that follow from them.
pub fn assert_summary(v: &serde_json::Value, [n, promoters, passives, detractors]: [u32; 4]) {
    assert_eq!(
        ["n", "promoters", "passives", "detractors"].map(|k| v[k].as_u64()),
        [n, promoters, passives, detractors].map(|c| Some(u64::from(c))),
        "counts [n, promoters, passives, detractors] of {v}"
    );
    let (nps, se, ci) = expected_numbers(f64::from(promoters), f64::from(detractors), f64::from(n));
    assert_close(&v["nps"], nps, "nps");
    assert_close(&v["se"], se, "se");
    assert_close(&v["ci95"][0], ci[0], "ci95[0]");
    assert_close(&v["ci95"][1], ci[1], "ci95[1]");
}

/// The storage backends every storage test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// A fresh, empty database as `--db` takes it: `dir/nps.sqlite`, or a new database of this
    /// process's PostgreSQL cluster (a `postgres://` URL with the password).
    pub fn fresh_db(self, dir: &Path) -> OsString {
        match self {
            Backend::Sqlite => dir.join("nps.sqlite").into_os_string(),
            Backend::Postgres => pg::database().into(),
        }
    }
}

/// Runs `sql` (statements without results) on the database `db` names, beside the server.
pub fn db_execute(db: &OsStr, sql: &str) {
    match db.to_str().filter(|d| d.starts_with("postgres://")) {
        Some(url) => pg::off_runtime(|| {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            client
                .batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        }),
        None => rusqlite::Connection::open(db)
            .expect("open")
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// The integer that `sql` selects from the database `db` names (a second reader while the
/// server runs).
pub fn db_i64(db: &OsStr, sql: &str) -> i64 {
    match db.to_str().filter(|d| d.starts_with("postgres://")) {
        Some(url) => pg::off_runtime(|| {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            client
                .query_one(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
                .get(0)
        }),
        None => rusqlite::Connection::open(db)
            .expect("open")
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// The first row that `sql` selects from the database `db` names, each column as text (NULL:
/// `None`).
pub fn db_row(db: &OsStr, sql: &str) -> Vec<Option<String>> {
    match db.to_str().filter(|d| d.starts_with("postgres://")) {
        Some(url) => pg::off_runtime(|| {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
            let messages = client
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
            messages
                .into_iter()
                .find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| panic!("no row for {sql}"))
        }),
        None => {
            let conn = rusqlite::Connection::open(db).expect("open");
            conn.query_row(sql, [], |r| {
                (0..r.as_ref().column_count())
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => None,
                            rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                            rusqlite::types::ValueRef::Real(x) => Some(x.to_string()),
                            v => Some(String::from_utf8_lossy(v.as_bytes()?).into_owned()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    }
}

/// The number of stored responses.
pub fn db_count(db: &OsStr) -> i64 {
    db_i64(db, "SELECT COUNT(*) FROM responses")
}

/// `on_both_backends!(test_a, test_b)`: each function (sync, taking a [`Backend`]) becomes two
/// tests, `sqlite::test_a` and `postgres::test_a`; `on_both_backends!(async: …)` does the same
/// for async functions, as `#[tokio::test]`s.
#[allow(unused_macros)] // not every test file runs storage tests
macro_rules! on_both_backends {
    (async: $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::common::Backend::Sqlite).await;
            })+
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::common::Backend::Postgres).await;
            })+
        }
    };
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name($crate::common::Backend::Sqlite);
            })+
        }
        mod postgres {
            $(#[test]
            fn $name() {
                super::$name($crate::common::Backend::Postgres);
            })+
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_backends;
