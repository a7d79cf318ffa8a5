//! Times the scorer page's pass (report + analysis) over a file natively, against nps-core's
//! reader alone (score column only) and the reader handing every column to a sink that counts
//! nothing (what the page's reading costs before its tally):
//! `cargo run --profile scorer -p nps-scorer --example scan_file -- FILE` (the scorer page's
//! wasm is built with that profile: opt-level 3, where `--release` is the embed's opt-level z).
//! `-- FILE page` (or `reader`, `columns`) runs that pass alone, once (for a profiler).
//! (`cargo xtask bench` measures the page itself in Chromium.)

use std::hint::black_box;
use std::time::Instant;

use nps_core::reader::Reader;
use nps_core::report::{GroupBy, Row, Sink};

/// Takes every column of every row and keeps nothing but a checksum of their lengths.
#[derive(Default)]
struct Columns(usize);

impl Sink for Columns {
    fn by(&self) -> Option<GroupBy> {
        None
    }
    fn wants_every_column(&self) -> bool {
        true
    }
    fn row(&mut self, score: Option<u8>, row: Row<'_>, _line: impl FnOnce() -> u64) {
        self.0 += usize::from(score.unwrap_or(0))
            + row.touchpoint.len()
            + row.answered_at.len()
            + row.comment.len();
    }
}

/// The page's pass: its report and analysis.
fn page(data: &[u8], path: &str) -> (String, nps_scorer::analysis::Analysis) {
    let mut scan = nps_scorer::scan::Scan::new(None, Some(path), true);
    for chunk in data.chunks(4 << 20) {
        scan.push(chunk).expect("not an export");
    }
    scan.finish().expect("not an export")
}

/// nps-core's reader alone (the score column).
fn reader(data: &[u8]) -> nps_core::report::Report {
    nps_core::reader::score(data, None, None).expect("not an export")
}

/// The reader handing every column to a sink that counts nothing.
fn columns(data: &[u8]) -> usize {
    let mut columns = Reader::with_sink(Columns::default(), None);
    for chunk in data.chunks(4 << 20) {
        columns.push(chunk).expect("not an export");
    }
    columns.into_sink().expect("not an export").0
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: scan_file FILE");
    let data = std::fs::read(&path).expect("cannot read the file");
    match std::env::args().nth(2).as_deref() {
        Some("page") => {
            black_box(page(&data, &path));
        }
        Some("reader") => {
            black_box(reader(&data));
        }
        Some("columns") => {
            black_box(columns(&data));
        }
        _ => timed(&data, &path),
    }
}

/// Each pass three times, timed.
fn timed(data: &[u8], path: &str) {
    for _ in 0..3 {
        let t = Instant::now();
        let (report, analysis) = page(data, path);
        let page = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let alone = reader(data);
        let core = t.elapsed().as_secs_f64();
        let t = Instant::now();
        black_box(columns(data));
        let every = t.elapsed().as_secs_f64();
        println!(
            "page pass {page:.3} s ({:.0} MB/s), reader alone {core:.3} s, reader of every column {every:.3} s; n {}, report {} B, {} comments kept",
            data.len() as f64 / page / 1e6,
            alone.total.tally.n(),
            report.len(),
            analysis.comments.len()
        );
    }
}
