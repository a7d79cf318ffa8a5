//! Times the scorer page's pass (report + analysis) over a file natively, against nps-core's
//! reader alone: `cargo run --release -p nps-scorer --example scan_file -- FILE`.
//! (`cargo xtask bench` measures the page itself in Chromium.)

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: scan_file FILE");
    let data = std::fs::read(&path).expect("cannot read the file");
    for _ in 0..3 {
        let t = Instant::now();
        let mut scan = nps_scorer::scan::Scan::new(None, Some(&path));
        for chunk in data.chunks(4 << 20) {
            scan.push(chunk).expect("not an export");
        }
        let (report, analysis) = scan.finish().expect("not an export");
        let page = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let alone = nps_core::reader::score(&data, None, None).expect("not an export");
        let core = t.elapsed().as_secs_f64();
        println!(
            "page pass {page:.3} s ({:.0} MB/s), reader alone {core:.3} s; n {}, report {} B, {} comments kept",
            data.len() as f64 / page / 1e6,
            alone.total.tally.n(),
            report.len(),
            analysis.comments.len()
        );
    }
}
