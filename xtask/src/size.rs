//! The weight report: raw, gzip -9 and brotli -q 11 bytes of every file a visitor downloads, for a
//! visitor who is asked and for one who is not, beside the peers' figures; measured on pkg/ after
//! wasm-opt (never on target/). `cargo xtask build`, `size` and `test` fail above either budget.

use std::fs;

use crate::sys::{cmd, output, root, Failed};

/// What a visitor who is asked downloads to see the prompt in English (built into the wasm), in
/// load order: the loader, the module (glue and I/O shell), the wasm.
pub const VISITOR_FILES: [&str; 3] = ["nps-widget.js", "nps_widget.js", "nps_widget_bg.wasm"];

/// What a visitor who is not asked downloads: the loader alone. It reads the widget's record
/// (`localStorage["nps-widget:gate"]`) and imports the rest of pkg/ only when this visitor may be
/// asked now, answers wait, or the page calls the API (runtime/loader.js).
const NOT_ASKED_FILES: [&str; 1] = [VISITOR_FILES[0]];

/// The catalogs a visitor asked in another language may download as well (one of them), fetched
/// by the I/O shell once the wasm asks for it (runtime/shell.js `catalog`).
const CATALOGS: &str = "locales";

/// English is built into the wasm: its file in pkg/locales/ is never fetched by the widget.
const BUILT_IN_CATALOG: &str = "en.json";

/// The catalog the table adds for a visitor asked in another language; the line under the table
/// gives the range of all of them.
const CATALOG_SHOWN: &str = "ru.json";

/// Bytes a visitor downloads to see a survey of each peer: brotli -q 11 of every file it needs,
/// measured the same way as ours, as issue 11 gives them (not measured by this report).
const PEERS: [(&str, u64); 3] = [
    ("PostHog 1.449 (array.js + surveys.js)", 145_257),
    ("Formbricks 5.1 (loader + core + surveys)", 233_545),
    ("Sentry 11.12 feedback form (not NPS)", 44_490),
];

/// The budget for the brotli total a visitor who is asked downloads: [`VISITOR_FILES`], and the
/// same with the heaviest catalog of another language (the visitor's locale). 64 KiB since issue
/// 2; 50 000 B since the prompt's view left Leptos (49 690 B then); 46 500 B since the standard
/// library is built with the embed (46 184 B then); 40 000 B, issue 11's goal, since the browser
/// calls are small JavaScript functions that cannot throw (39 573 B in English, 39 970 B with
/// the heaviest catalog, then).
pub const BUDGET_BROTLI: u64 = 40_000;

/// The budget for the brotli total a visitor who is not asked downloads: the loader (issue 11).
pub const BUDGET_NOT_ASKED_BROTLI: u64 = 2_000;

pub struct Row {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
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
    println!("\nthe scorer page's bundle, pkg/score/ (not budgeted)");
    print_header("file");
    Ok(print_rows("", &rows))
}

/// Compresses `files` (relative to `dir`) with Node's zlib (gzip level 9, brotli quality 11, the
/// settings a CDN uses), one `node` for all of them.
fn measure_in(dir: &str, files: &[&str]) -> Result<Vec<Row>, Failed> {
    let dir = root().join(dir);
    let mut node = cmd("node");
    node.arg(root().join("xtask/size.mjs"));
    for f in files {
        let path = dir.join(f);
        if !path.exists() {
            return Err(Failed(format!(
                "{} is missing: run `cargo xtask build` first",
                path.display()
            )));
        }
        node.arg(path);
    }
    let out = output(&mut node)?;
    let rows: Vec<Row> = files
        .iter()
        .zip(out.lines())
        .filter_map(|(f, line)| {
            let nums: Vec<u64> = line
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            let [raw, gzip, brotli] = nums[..] else {
                return None;
            };
            Some(Row {
                file: f.to_string(),
                raw,
                gzip,
                brotli,
            })
        })
        .collect();
    if rows.len() != files.len() {
        return Err(Failed(format!(
            "unexpected output of xtask/size.mjs for {} files: {out:?}",
            files.len()
        )));
    }
    Ok(rows)
}

/// The brotli totals the budgets are about.
pub struct Weight {
    pub asked: u64,
    /// Asked in the language whose catalog is the heaviest.
    pub asked_heaviest: u64,
    pub not_asked: u64,
}

/// Prints the weight table (asked, asked in another language, not asked, the peers) and the
/// budgets' state; returns the totals.
pub fn report() -> Result<Weight, Failed> {
    let dir = root().join("pkg").join(CATALOGS);
    let mut catalogs: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| {
            Failed(format!(
                "cannot list {}: {e}; run `cargo xtask build` first",
                dir.display()
            ))
        })?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && name != BUILT_IN_CATALOG)
        .map(|name| format!("{CATALOGS}/{name}"))
        .collect();
    catalogs.sort();
    let mut files: Vec<&str> = VISITOR_FILES.to_vec();
    files.extend(catalogs.iter().map(String::as_str));
    let rows = measure_in("pkg", &files)?;
    let (visitor, catalogs) = rows.split_at(VISITOR_FILES.len());
    let shown = format!("{CATALOGS}/{CATALOG_SHOWN}");
    let catalog = catalogs.iter().find(|r| r.file == shown).ok_or_else(|| {
        Failed(format!(
            "pkg/{shown} is missing: run `cargo xtask build` first"
        ))
    })?;
    let not_asked: Vec<&Row> = visitor
        .iter()
        .filter(|r| NOT_ASKED_FILES.contains(&r.file.as_str()))
        .collect();

    println!("\nweight: bytes a visitor downloads (pkg/, after wasm-opt)");
    print_header("visitor / file");
    let asked = print_rows("asked, in English (built into the wasm)", visitor);
    println!("asked, in another language: the same + its catalog");
    print_row(catalog);
    let asked_other = asked + catalog.brotli;
    print_row(&Row {
        file: "total".into(),
        raw: visitor.iter().map(|r| r.raw).sum::<u64>() + catalog.raw,
        gzip: visitor.iter().map(|r| r.gzip).sum::<u64>() + catalog.gzip,
        brotli: asked_other,
    });
    let not_asked = print_rows(
        "not asked (recontact or dismiss window, sampled out, a manual page)",
        not_asked,
    );
    println!(
        "peers, to see a survey (brotli 11 of every file needed; from issue 11, not measured here)"
    );
    for (peer, brotli) in PEERS {
        println!(
            "  {peer:<50} {:>9} {:>9} {brotli:>9}   ours asked in another language: {:.0} % of it",
            "",
            "",
            100.0 * asked_other as f64 / brotli as f64
        );
    }
    if let (Some(min), Some(max)) = (
        catalogs.iter().min_by_key(|r| r.brotli),
        catalogs.iter().max_by_key(|r| r.brotli),
    ) {
        println!(
            "catalogs: {} in pkg/{CATALOGS}/ besides English, brotli 11: {} B ({}) to {} B ({})",
            catalogs.len(),
            min.brotli,
            min.file,
            max.brotli,
            max.file
        );
    }
    budget_line(
        "asked, brotli total of loader + module + wasm",
        asked,
        BUDGET_BROTLI,
    );
    let heaviest = catalogs.iter().max_by_key(|r| r.brotli);
    let asked_heaviest = asked + heaviest.map_or(0, |r| r.brotli);
    budget_line(
        &format!(
            "asked, the same + the heaviest catalog ({})",
            heaviest.map_or("none", |r| r.file.as_str())
        ),
        asked_heaviest,
        BUDGET_BROTLI,
    );
    budget_line(
        "not asked, brotli total of the loader",
        not_asked,
        BUDGET_NOT_ASKED_BROTLI,
    );
    println!();
    Ok(Weight {
        asked,
        asked_heaviest,
        not_asked,
    })
}

fn budget_line(what: &str, brotli: u64, budget: u64) {
    if brotli <= budget {
        println!(
            "budget: {what} <= {budget} B: met, {} B to spare",
            budget - brotli
        );
    } else {
        println!(
            "budget: {what} <= {budget} B: NOT met, {} B over",
            brotli - budget
        );
    }
}

fn print_header(first: &str) {
    println!(
        "{first:<52} {:>9} {:>9} {:>9}",
        "raw", "gzip -9", "brotli 11"
    );
}

/// Prints `rows` under `title` (none when empty) with their total; returns the brotli total.
fn print_rows<'a>(title: &str, rows: impl IntoIterator<Item = &'a Row>) -> u64 {
    if !title.is_empty() {
        println!("{title}");
    }
    let mut total = Row {
        file: "total".into(),
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for r in rows {
        print_row(r);
        total.raw += r.raw;
        total.gzip += r.gzip;
        total.brotli += r.brotli;
    }
    print_row(&total);
    total.brotli
}

fn print_row(r: &Row) {
    println!(
        "  {:<50} {:>9} {:>9} {:>9}",
        r.file, r.raw, r.gzip, r.brotli
    );
}

/// The report, and a failure when a brotli total is over its budget.
pub fn report_and_check() -> Result<(), Failed> {
    let weight = report()?;
    let mut over = Vec::new();
    if weight.asked > BUDGET_BROTLI {
        over.push(format!(
            "a visitor who is asked: brotli total {} B > {BUDGET_BROTLI} B",
            weight.asked
        ));
    }
    if weight.asked_heaviest > BUDGET_BROTLI {
        over.push(format!(
            "a visitor who is asked in the language of the heaviest catalog: brotli total {} B > {BUDGET_BROTLI} B",
            weight.asked_heaviest
        ));
    }
    if weight.not_asked > BUDGET_NOT_ASKED_BROTLI {
        over.push(format!(
            "a visitor who is not asked (the loader): brotli total {} B > {BUDGET_NOT_ASKED_BROTLI} B",
            weight.not_asked
        ));
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(Failed(format!(
            "size budget exceeded: {}; see the report above for the file that grew",
            over.join("; ")
        )))
    }
}
