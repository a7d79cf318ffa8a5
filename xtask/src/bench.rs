//! Benchmarks that print figures (never timed tests): the size report, the time from loader
//! start to an interactive prompt in headless Chromium, and `nps score` rows per second.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use crate::sys::{cmd, output, root, run, Failed};

const SCORE_ROWS: u64 = 1_000_000;

pub fn run_all() -> Result<(), Failed> {
    crate::build_pkg(crate::Build::Release)?;
    crate::size::report()?;
    let nps = crate::build_server()?;
    crate::ensure_chromium()?;
    run(cmd("node")
        .arg("bench/load.mjs")
        .env("NPS_BIN", &nps)
        .current_dir(root().join("www")))?;
    score_bench(&nps)
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

fn score_bench(nps: &Path) -> Result<(), Failed> {
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
    Ok(())
}
