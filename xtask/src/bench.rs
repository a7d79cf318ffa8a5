//! Benchmarks that print figures (never timed tests): the weight (bytes per file for a visitor
//! who is asked and one who is not, beside the peers; the wasm by crate and function), the time
//! from loader start to an interactive prompt in headless Chromium, cold and cached, with the
//! long tasks and layout shifts of a load and of an answer and the memory after 1 000 answers
//! (`www/bench/load.mjs`), `record()` as the queue grows, the receiver under load, `nps score`
//! rows per second, the scorers in the browser (wasm, plain JS, PapaParse:
//! `www/bench/score.mjs`) and `nps score` against DuckDB on the same file.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::sys::{cmd, output, root, run, Failed};

const SCORE_ROWS: u64 = 1_000_000;

/// Timed runs per figure (the median is printed), after one warm-up run.
const RUNS: usize = 5;

/// The DuckDB command-line shell, from PyPI (a wheel with the native binary), installed for the
/// bench only, into target/bench/duckdb-cli/.
const DUCKDB_CLI: &str = "duckdb-cli==1.5.6";

pub fn run_all() -> Result<(), Failed> {
    crate::build_pkg(crate::Build::Release)?;
    crate::build_scorer()?;
    crate::size::report()?;
    crate::weight::report()?;
    let nps = crate::build_server()?;
    crate::ensure_chromium()?;
    run(cmd("node")
        .arg("bench/load.mjs")
        .env("NPS_BIN", &nps)
        .current_dir(root().join("www")))?;
    // record() with an endpoint as the queue grows (1 000, 10 000, 50 000 answers waiting).
    run(cmd("node")
        .arg("bench/queue.mjs")
        .env("NPS_BIN", &nps)
        .current_dir(root().join("www")))?;
    // The receiver under load: SQLite, then PostgreSQL in a private cluster.
    crate::ensure_postgresql()?;
    run(cmd("node")
        .arg("bench/receiver.mjs")
        .env("NPS_BIN", &nps)
        .env("RUST_LOG", "warn")
        .current_dir(root().join("www")))?;
    let csv = score_bench(&nps)?;
    // The browser's scorers, then the native comparison even if the browser step failed.
    let browser = run(cmd("node")
        .arg("bench/score.mjs")
        .arg(&csv)
        .current_dir(root().join("www")));
    let native = duckdb_bench(&nps, &csv);
    browser.and(native)
}

/// `cargo xtask bench --weight`: the weight table of the current pkg/ and the wasm by crate and
/// function, without building (run `cargo xtask build` first) or a browser.
pub fn run_weight() -> Result<(), Failed> {
    crate::size::report()?;
    crate::weight::report()
}

/// `cargo xtask bench --native`: `nps score` on the 1M-row file, then against DuckDB.
pub fn run_native() -> Result<(), Failed> {
    let nps = crate::build_server()?;
    let csv = score_bench(&nps)?;
    duckdb_bench(&nps, &csv)
}

/// A deterministic generator (xorshift64*), so every run scores the same file.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn write_csv(path: &Path, rows: u64) -> Result<(), Failed> {
    let err = |e: std::io::Error| Failed(format!("cannot write {}: {e}", path.display()));
    let mut w = BufWriter::new(File::create(path).map_err(err)?);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let touchpoints = ["checkout", "delivery", "support"];
    let comments = [
        "",
        "Fast delivery",
        "\"Great\", thanks",
        "Доставка долгая",
        "ok 👍",
    ];
    writeln!(w, "id,score,comment,touchpoint,answered_at").map_err(err)?;
    for i in 0..rows {
        let r = rng.next();
        let score = r % 11;
        let tp = touchpoints[(r >> 8) as usize % touchpoints.len()];
        let c = comments[(r >> 16) as usize % comments.len()].replace('"', "\"\"");
        let day = 1 + (r >> 24) % 28;
        writeln!(w, "r{i},{score},\"{c}\",{tp},2026-10-{day:02}T12:00:00Z").map_err(err)?;
    }
    w.flush().map_err(err)
}

/// `nps score` on 1M generated rows (target/bench/responses-1m.csv, written once); returns the
/// file, which the browser and DuckDB benches score too.
fn score_bench(nps: &Path) -> Result<PathBuf, Failed> {
    let dir = root().join("target/bench");
    fs::create_dir_all(&dir)
        .map_err(|e| Failed(format!("cannot create {}: {e}", dir.display())))?;
    let csv = dir.join("responses-1m.csv");
    if !csv.exists() {
        write_csv(&csv, SCORE_ROWS)?;
    }
    let mb = fs::metadata(&csv).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "\nnps score on {} ({SCORE_ROWS} rows, {mb:.1} MB)",
        csv.display()
    );
    for by in [None, Some("touchpoint"), Some("day")] {
        let mut secs = Vec::new();
        let mut last = String::new();
        for _ in 0..5 {
            let mut c = cmd(nps);
            c.arg("score").arg(&csv).arg("--json");
            if let Some(by) = by {
                c.args(["--by", by]);
            }
            let t = Instant::now();
            last = output(&mut c)?;
            secs.push(t.elapsed().as_secs_f64());
        }
        secs.sort_by(f64::total_cmp);
        let median = secs[secs.len() / 2];
        println!(
            "  --by {:<10} median of 5: {:.3} s = {:.2} M rows/s ({:.0} MB/s)",
            by.unwrap_or("(none)"),
            median,
            SCORE_ROWS as f64 / median / 1e6,
            mb / median
        );
        if by.is_none() {
            let head: String = last.chars().take(200).collect();
            println!("  output: {head}");
        }
    }
    Ok(csv)
}

/// `nps score FILE --json` against DuckDB's shell counting the same file: wall clock of the whole
/// process (start-up included for both), median of [`RUNS`] after a warm-up, peak RSS and CPU
/// time of one more run each. Also `nps score - --json < FILE`: stdin is read in chunks by one
/// reader on one thread, where a large file is mapped and read on one thread per core. DuckDB
/// that cannot be installed is reported, not a failure.
fn duckdb_bench(nps: &Path, csv: &Path) -> Result<(), Failed> {
    let mb = fs::metadata(csv).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("\nnps score vs DuckDB on {} ({mb:.1} MB)", csv.display());
    let duckdb = match duckdb_bin() {
        Ok(bin) => bin,
        Err(why) => {
            println!("  DuckDB not measured: {why}");
            return Ok(());
        }
    };
    let version = Command::new(&duckdb)
        .arg("-version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let path = csv.to_string_lossy().replace('\'', "''");
    let sql = format!(
        "SELECT count(*), count(*) FILTER (WHERE score>=9), count(*) FILTER (WHERE score<=6) \
         FROM read_csv('{path}')"
    );
    let nps_cmd = || {
        let mut c = cmd(nps);
        c.arg("score").arg(csv).arg("--json");
        c
    };
    let stdin = || File::open(csv).map_or_else(|_| Stdio::null(), Stdio::from);
    let one_cmd = || {
        let mut c = cmd(nps);
        c.args(["score", "-", "--json"]).stdin(stdin());
        c
    };
    let duck_cmd = |sql: &str| {
        let mut c = cmd(&duckdb);
        c.args(["-noheader", "-csv", "-c", sql]);
        c
    };

    // Warm-up (page cache for the file and DuckDB's 60 MB binary), then the runs in turn.
    let mut nps_out = output(&mut nps_cmd())?;
    let mut one_out = output(&mut one_cmd())?;
    let mut duck_out = match output(&mut duck_cmd(&sql)) {
        Ok(out) => out,
        Err(Failed(why)) => {
            println!("  DuckDB not measured: {why}");
            return Ok(());
        }
    };
    let (mut nps_secs, mut duck_secs, mut start_secs) = (Vec::new(), Vec::new(), Vec::new());
    let mut one_secs = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        nps_out = output(&mut nps_cmd())?;
        nps_secs.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        one_out = output(&mut one_cmd())?;
        one_secs.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        duck_out = output(&mut duck_cmd(&sql))?;
        duck_secs.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        output(&mut duck_cmd("SELECT 1"))?;
        start_secs.push(t.elapsed().as_secs_f64());
    }
    let nps_mem = peak_rss(nps_cmd(), None);
    let one_mem = peak_rss(one_cmd(), Some(csv));
    let duck_mem = peak_rss(duck_cmd(&sql), None);

    println!(
        "  wall clock of the whole process, median of {RUNS} after 1 warm-up; DuckDB {version}: {}",
        sql.replace(&path, "FILE")
    );
    println!(
        "  {:<34} {:>8} {:>8} {:>8} {:>8} {:>9} {:>18}",
        "", "median s", "min s", "max s", "MB/s", "M rows/s", "peak RSS"
    );
    let nps_median = median(&mut nps_secs);
    let one_median = median(&mut one_secs);
    let duck_median = median(&mut duck_secs);
    for (name, secs, median, mem) in [
        ("nps score FILE --json", &nps_secs, nps_median, &nps_mem),
        (
            "nps score (1 thread: - < FILE)",
            &one_secs,
            one_median,
            &one_mem,
        ),
        ("duckdb -c SELECT …", &duck_secs, duck_median, &duck_mem),
    ] {
        println!(
            "  {:<34} {:>8.3} {:>8.3} {:>8.3} {:>8.0} {:>9.2} {:>18}",
            name,
            median,
            secs[0],
            secs[secs.len() - 1],
            mb / median,
            SCORE_ROWS as f64 / median / 1e6,
            mem.as_ref().map_or("n/a".into(), |m| m.describe())
        );
    }
    println!(
        "  nps score is {:.2}x DuckDB's speed (DuckDB's median / nps's; on 1 thread {:.2}x); \
         DuckDB's start-up alone (SELECT 1): {:.3} s",
        duck_median / nps_median,
        duck_median / one_median,
        median(&mut start_secs)
    );
    // CPU time is known where GNU time measured the run (not when RSS was sampled from /proc).
    let cpu = |u: &Option<Usage>| u.as_ref().map(|u| u.cpu_secs).filter(|s| s.is_finite());
    if let (Some(n), Some(o), Some(d)) = (cpu(&nps_mem), cpu(&one_mem), cpu(&duck_mem)) {
        println!(
            "  CPU time (user + sys) of the measured run: nps {n:.2} s (1 thread {o:.2} s), \
             DuckDB {d:.2} s ({} cores)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
    }
    let nps_counts = ["n", "promoters", "detractors"].map(|k| json_int(&nps_out, k));
    let duck_counts: Vec<Option<u64>> = duck_out
        .trim()
        .split(',')
        .map(|v| v.trim().parse().ok())
        .collect();
    let show = |v: &[Option<u64>]| {
        v.iter()
            .map(|x| x.map_or("?".into(), |x| x.to_string()))
            .collect::<Vec<_>>()
            .join("/")
    };
    let agree = nps_counts.iter().all(Option::is_some)
        && duck_counts[..] == nps_counts[..]
        && one_out == nps_out;
    println!(
        "  check n/promoters/detractors: nps {}, duckdb {}; nps on 1 thread prints the same \
         JSON → {}",
        show(&nps_counts),
        show(&duck_counts),
        if agree { "agree" } else { "DISAGREE" }
    );
    Ok(())
}

/// `$NPS_BENCH_DUCKDB`, else the shell from [`DUCKDB_CLI`] in target/bench/duckdb-cli/,
/// installed with pip on first use; the error says why there is none.
fn duckdb_bin() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("NPS_BENCH_DUCKDB") {
        return Ok(bin.into());
    }
    let dir = root().join("target/bench/duckdb-cli");
    let bin = dir.join("duckdb_cli/duckdb");
    if bin.exists() {
        return Ok(bin);
    }
    println!(
        "$ python3 -m pip install --quiet --upgrade --target {} {DUCKDB_CLI}",
        dir.display()
    );
    let out = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--upgrade", "--target"])
        .arg(&dir)
        .arg(DUCKDB_CLI)
        .output()
        .map_err(|e| format!("cannot run python3 -m pip to install {DUCKDB_CLI} from PyPI: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(format!(
            "`pip install {DUCKDB_CLI}` failed ({}): {last}",
            out.status
        ));
    }
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "{DUCKDB_CLI} installed but {} is not there (no binary for this platform?)",
            bin.display()
        ))
    }
}

struct Usage {
    peak_rss_kb: u64,
    cpu_secs: f64,
    how: &'static str,
}

impl Usage {
    fn describe(&self) -> String {
        format!(
            "{:.1} MB{}",
            self.peak_rss_kb as f64 * 1024.0 / 1e6,
            self.how
        )
    }
}

/// Peak RSS and CPU time of one run (its stdin read from `stdin`, if given): GNU time's
/// `%M %U %S` where /usr/bin/time exists, else VmHWM sampled from /proc every 2 ms while the
/// process runs (CPU time then unknown).
fn peak_rss(mut c: Command, stdin: Option<&Path>) -> Option<Usage> {
    let input = || match stdin {
        Some(path) => File::open(path).map(Stdio::from).ok(),
        None => Some(Stdio::null()),
    };
    c.stdout(Stdio::null());
    let time = Path::new("/usr/bin/time");
    if time.exists() {
        let report = root().join("target/bench/time.txt");
        let mut t = Command::new(time);
        t.arg("-f")
            .arg("%M %U %S")
            .arg("-o")
            .arg(&report)
            .arg(c.get_program())
            .args(c.get_args())
            .stdin(input()?)
            .stdout(Stdio::null());
        if let Some(dir) = c.get_current_dir() {
            t.current_dir(dir);
        }
        if !t.status().ok()?.success() {
            return None;
        }
        let text = fs::read_to_string(&report).ok()?;
        let _ = fs::remove_file(&report);
        let mut f = text.split_whitespace().rev().take(3);
        let (sys, user, kb) = (f.next()?, f.next()?, f.next()?);
        return Some(Usage {
            peak_rss_kb: kb.parse().ok()?,
            cpu_secs: user.parse::<f64>().ok()? + sys.parse::<f64>().ok()?,
            how: "",
        });
    }
    let mut child = c.stdin(input()?).spawn().ok()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().ok()?.is_none() {
        let hwm = fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        });
        peak = peak.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(2));
    }
    (peak > 0).then_some(Usage {
        peak_rss_kb: peak,
        cpu_secs: f64::NAN,
        how: " (sampled)",
    })
}

/// Sorts `secs` and returns its median.
fn median(secs: &mut [f64]) -> f64 {
    secs.sort_by(f64::total_cmp);
    secs[secs.len() / 2]
}

/// The first `"key": <integer>` in `json` (the top level comes first in `nps score --json`).
fn json_int(json: &str, key: &str) -> Option<u64> {
    let at = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    let digits: String = json[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}
