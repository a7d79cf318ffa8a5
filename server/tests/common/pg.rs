//! A private PostgreSQL cluster for the tests of this process: `initdb` into a temp dir and
//! `pg_ctl start` on a free loopback port, its unix socket in that dir too; one database per
//! test ([`database`]).
//!
//! - The binaries are `initdb` and `pg_ctl` on PATH, else in the newest
//!   `/usr/lib/postgresql/*/bin` (Debian). Missing, every PostgreSQL test fails with a message
//!   naming `apt-get install -y postgresql`: none is skipped.
//! - As root (initdb refuses root), they run as the `postgres` user (`runuser -u postgres --`),
//!   and the temp dir belongs to that user.
//! - The cluster starts with the first test that needs it and is stopped when this process
//!   ends, however it ends (tests failed, panicked, aborted or killed): a watchdog (`sh`) reads
//!   a pipe whose writing end only this process holds; at end of file it runs `pg_ctl stop` and
//!   removes the temp dir. It ignores Ctrl-C, which would otherwise end it before this process.
//! - Authentication is SCRAM with a password (in the URLs the tests use), so that the tests
//!   also see that no password is ever printed. Durability is off (`fsync=off`…): the data
//!   lives as long as the process. Deadlocks are detected after 100 ms (not 1 s).

use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The superuser of the cluster.
pub const USER: &str = "postgres";

/// The running cluster of this process.
pub struct Cluster {
    /// Loopback TCP port.
    pub port: u16,
    /// The superuser's password.
    pub password: String,
    /// Holds the temp dir: `data/`, the socket, `server.log`.
    pub dir: PathBuf,
    /// The major version of the binaries (`PG_VERSION` of the data directory).
    pub version: u32,
    bin: PathBuf,
    /// Whether the binaries run as the `postgres` user (this process is root).
    as_postgres: bool,
    /// Its reading end is the watchdog's stdin: closed (by the end of this process), the
    /// watchdog stops the cluster.
    _watchdog: Mutex<ChildStdin>,
    admin: Mutex<Option<postgres::Client>>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The cluster, started on first use. Panics (the test fails) when it cannot start, saying
/// why and what to install.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(|| off_runtime(Cluster::start)) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// A fresh, empty database of the cluster: its `postgres://` URL, with the password.
///
/// From PostgreSQL 15 on, the database is copied file by file (`STRATEGY = FILE_COPY`, a
/// third of the time of the default, which writes the template through the WAL).
pub fn database() -> String {
    let cluster = cluster();
    let name = format!("nps_test_{}", NEXT_DB.fetch_add(1, Ordering::Relaxed));
    let strategy = if cluster.version >= 15 {
        " STRATEGY = FILE_COPY"
    } else {
        ""
    };
    off_runtime(|| cluster.admin(&format!("CREATE DATABASE {name}{strategy}")))
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    cluster.url(&name)
}

/// Runs `f` on a thread of its own: the synchronous `postgres` client starts a runtime, which
/// cannot happen on a thread that runs async code (a `#[tokio::test]`).
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

impl Cluster {
    /// The URL of database `db` for the superuser, with the password.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{USER}:{}@127.0.0.1:{}/{db}",
            self.password, self.port
        )
    }

    /// Runs `sql` as the superuser on the `postgres` database.
    pub fn admin(&self, sql: &str) -> Result<(), String> {
        let mut admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        if admin.as_ref().is_none_or(postgres::Client::is_closed) {
            let client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
                .map_err(|e| format!("connect as {USER}: {e:?}"))?;
            *admin = Some(client);
        }
        let client = admin.as_mut().ok_or("no admin connection")?;
        client.batch_execute(sql).map_err(|e| format!("{e:?}"))
    }

    /// Runs `sql` as the superuser on database `db` and returns the rows, each as text columns.
    pub fn query(&self, db: &str, sql: &str) -> Vec<Vec<Option<String>>> {
        off_runtime(|| {
            let mut client = postgres::Client::connect(&self.url(db), postgres::NoTls)
                .unwrap_or_else(|e| panic!("connect to {db}: {e:?}"));
            let rows = client
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
            rows.into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .collect()
        })
    }

    /// The tail of the server's log (for failure messages).
    pub fn log_tail(&self) -> String {
        log_tail(&self.dir)
    }

    fn start() -> Result<Cluster, String> {
        let started = Instant::now();
        let bin = find_binaries()?;
        let dir = tempfile::Builder::new()
            .prefix("nps-pg-")
            .tempdir()
            .map_err(|e| format!("cannot make a temp dir for PostgreSQL: {e}"))?
            .keep();
        let as_postgres = std::fs::metadata(&dir).map_err(|e| e.to_string())?.uid() == 0;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let password = format!("pw{}x{nanos:x}", std::process::id());
        let pwfile = dir.join("pwfile");
        std::fs::write(&pwfile, &password).map_err(|e| e.to_string())?;
        if as_postgres {
            let (uid, gid) = postgres_user()?;
            for path in [&dir, &pwfile] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(|e| format!("chown {} to postgres: {e}", path.display()))?;
            }
        }
        let data = dir.join("data");
        let cmd = |tool: &str| {
            let mut c = if as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", USER, "--"]).arg(bin.join(tool));
                c
            } else {
                Command::new(bin.join(tool))
            };
            c.current_dir(&dir).stdin(Stdio::null());
            c
        };
        let mut initdb = cmd("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-A", "scram-sha-256", "-E", "UTF8"])
            .args(["--no-locale", "--no-sync"])
            .arg(format!("--pwfile={}", pwfile.display()));
        run(&mut initdb)?;
        let version = std::fs::read_to_string(data.join("PG_VERSION"))
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);

        // The watchdog first: from now on, whatever happens, the cluster is stopped at exit.
        let mut stop = cmd("pg_ctl");
        stop.arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"]);
        let script =
            "trap '' INT HUP; cat >/dev/null; \"$@\" >/dev/null 2>&1; rm -rf \"$NPS_PG_DIR\"";
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("nps-pg-watchdog")
            .arg(stop.get_program())
            .args(stop.get_args())
            .env("NPS_PG_DIR", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the watchdog (sh): {e}"))?
            .stdin
            .take()
            .ok_or("no watchdog stdin")?;

        let mut last = String::new();
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free loopback port: {e}"))?
                .port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
                 -c deadlock_timeout=100ms",
                dir.display()
            );
            let mut start = cmd("pg_ctl");
            start
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("server.log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]);
            match run(&mut start) {
                Ok(()) => {
                    eprintln!(
                        "PostgreSQL test cluster ({}) on 127.0.0.1:{port} in {}, started in {:.1} s",
                        bin.display(),
                        dir.display(),
                        started.elapsed().as_secs_f64()
                    );
                    return Ok(Cluster {
                        port,
                        password,
                        dir,
                        version,
                        bin,
                        as_postgres,
                        _watchdog: Mutex::new(watchdog),
                        admin: Mutex::new(None),
                    });
                }
                // Most likely the port was taken meanwhile: another one.
                Err(e) => last = format!("{e}\n{}", log_tail(&dir)),
            }
        }
        Err(format!("PostgreSQL did not start: {last}"))
    }

    /// Where `initdb` and `pg_ctl` were found; whether they run as `postgres`.
    pub fn describe(&self) -> String {
        format!(
            "{} (as {})",
            self.bin.display(),
            if self.as_postgres { USER } else { "this user" }
        )
    }
}

/// `initdb` and `pg_ctl`: on PATH, else in the newest `/usr/lib/postgresql/*/bin`.
fn find_binaries() -> Result<PathBuf, String> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_both(dir))
    {
        return Ok(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_both(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL server binaries not found: initdb and pg_ctl are neither on PATH nor in \
         /usr/lib/postgresql/*/bin. The server tests run every storage test against PostgreSQL \
         as well as SQLite and start a private cluster for it: install PostgreSQL with \
         `apt-get install -y postgresql` (Debian; with sudo when not root), or put a \
         PostgreSQL bin directory on PATH, then run the tests again."
            .to_string()
    })
}

/// The uid and gid of the `postgres` user.
fn postgres_user() -> Result<(u32, u32), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, USER])
            .output()
            .map_err(|e| format!("id {flag} {USER}: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| {
                format!(
                    "running as root, the tests run PostgreSQL as the user {USER}, which does not \
                 exist: install PostgreSQL with `apt-get install -y postgresql` (it creates \
                 the user), or run the tests as another user"
                )
            })
    };
    Ok((id("-u")?, id("-g")?))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        return Ok(());
    }
    let mut msg = format!("{:?} failed ({})", cmd, out.status);
    for text in [&out.stdout, &out.stderr] {
        let _ = write!(msg, "\n{}", String::from_utf8_lossy(text).trim_end());
    }
    Err(msg)
}

fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
