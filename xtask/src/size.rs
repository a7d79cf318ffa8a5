//! The size report: raw, gzip -9 and brotli -q 11 bytes of every file a visitor downloads to see
//! the prompt, measured on pkg/ after wasm-opt (never on target/).

use crate::sys::{cmd, output, root, Failed};

/// What a visitor downloads, in load order: the loader, the module (glue and I/O shell), the wasm.
pub const VISITOR_FILES: [&str; 3] = ["nps-widget.js", "nps_widget.js", "nps_widget_bg.wasm"];

pub struct Row {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Compress with Node's zlib (gzip level 9, brotli quality 11), the same settings a CDN uses.
pub fn measure() -> Result<Vec<Row>, Failed> {
    measure_in("pkg", &VISITOR_FILES)
}

/// The scorer page's bundle, in load order (the page's module, the glue, the wasm, the worker).
pub const SCORER_FILES: [&str; 4] = [
    "page.js",
    "nps_scorer.js",
    "nps_scorer_bg.wasm",
    "worker.js",
];

/// Prints the scorer page's download weight (reported, not budgeted: it is not the embed's).
pub fn report_scorer() -> Result<u64, Failed> {
    let rows = measure_in("pkg/score", &SCORER_FILES)?;
    Ok(print_table(
        "the scorer page's bundle, pkg/score/ (not budgeted)",
        &rows,
    ))
}

fn measure_in(dir: &str, files: &[&str]) -> Result<Vec<Row>, Failed> {
    let pkg = root().join(dir);
    let mut rows = Vec::new();
    for f in files {
        let path = pkg.join(f);
        if !path.exists() {
            return Err(Failed(format!(
                "{} is missing: run `cargo xtask build` first",
                path.display()
            )));
        }
        let out = output(cmd("node").arg(root().join("xtask/size.mjs")).arg(&path))?;
        let nums: Vec<u64> = out
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let [raw, gzip, brotli] = nums[..] else {
            return Err(Failed(format!(
                "unexpected output of xtask/size.mjs: {out:?}"
            )));
        };
        rows.push(Row {
            file: f.to_string(),
            raw,
            gzip,
            brotli,
        });
    }
    Ok(rows)
}

/// The budget for the brotli total a visitor downloads to see the prompt (issue 2): the test
/// command fails above it.
pub const BUDGET_BROTLI: u64 = 64 * 1024;

/// Prints the report and returns the brotli total.
pub fn report() -> Result<u64, Failed> {
    let br = print_table(
        "size report (bytes a visitor downloads to see the prompt)",
        &measure()?,
    );
    if br <= BUDGET_BROTLI {
        println!(
            "budget: brotli total <= {BUDGET_BROTLI} B: met, {} B to spare\n",
            BUDGET_BROTLI - br
        );
    } else {
        println!(
            "budget: brotli total <= {BUDGET_BROTLI} B: NOT met, {} B over\n",
            br - BUDGET_BROTLI
        );
    }
    Ok(br)
}

/// Prints `rows` under `title` with their total; returns the brotli total.
fn print_table(title: &str, rows: &[Row]) -> u64 {
    println!("\n{title}");
    println!(
        "{:<22} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for r in rows {
        println!("{:<22} {:>9} {:>9} {:>9}", r.file, r.raw, r.gzip, r.brotli);
        raw += r.raw;
        gz += r.gzip;
        br += r.brotli;
    }
    println!("{:<22} {:>9} {:>9} {:>9}", "total", raw, gz, br);
    br
}

/// The report, and a failure when the brotli total is over the budget.
pub fn report_and_check() -> Result<(), Failed> {
    let br = report()?;
    if br > BUDGET_BROTLI {
        return Err(Failed(format!(
            "size budget exceeded: brotli total {br} B > {BUDGET_BROTLI} B; see the report above for the file that grew"
        )));
    }
    Ok(())
}
