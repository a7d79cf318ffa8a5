//! The loader of the golden cases in testdata/golden/ (the naming is in README.md there).
//!
//! One file, included by the tests of nps-core and of nps-server with
//! `#[path = "../../testdata/golden/golden.rs"] mod golden;`, so every test reads the cases
//! the same way. It depends on `serde_json` only (a dev-dependency of both crates), not on the
//! code under test: [`check_numbers`] recomputes the docs/contract.md §6 figures of an expected
//! output from its counts with its own formulas.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The outputs a case may have: the file stem and the `--by` value.
pub const MODES: [(&str, Option<&str>); 5] = [
    ("score", None),
    ("by-touchpoint", Some("touchpoint")),
    ("by-day", Some("day")),
    ("by-week", Some("week")),
    ("by-month", Some("month")),
];

/// Set this environment variable to (re)write the expected files from the code under test
/// (`NPS_GOLDEN_WRITE=1 cargo test -p nps-core --test golden`); then read every changed file
/// before committing it.
pub const WRITE_ENV: &str = "NPS_GOLDEN_WRITE";

/// What a case should give in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The exact bytes of `nps score --json`.
    Json(String),
    /// The error message, naming the input by its file name (`input.csv`).
    Error(String),
}

/// One folder of testdata/golden/.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    /// The `input.*` file.
    pub input: PathBuf,
}

/// testdata/golden/, from a crate folder one level below the repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/golden")
}

/// Every case, sorted by name.
pub fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(root())
        .expect("testdata/golden/ exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let dir = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let input = std::fs::read_dir(&dir)
                .expect("case folder")
                .filter_map(Result::ok)
                .map(|f| f.path())
                .find(|p| p.file_stem().is_some_and(|s| s == "input"))
                .unwrap_or_else(|| panic!("testdata/golden/{name}/ has no input.* file"));
            Case { name, dir, input }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= 10, "golden cases missing: {cases:?}");
    cases
}

/// The case of that name.
pub fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no golden case {name}"))
}

impl Case {
    /// `input.csv`, `input.json`…: how the errors name the input.
    pub fn input_name(&self) -> String {
        self.input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.input).expect("read golden input")
    }

    /// What the case should give in `mode` (a stem of [`MODES`]), if it says.
    pub fn expected(&self, mode: &str) -> Option<Expected> {
        let read = |ext: &str| std::fs::read_to_string(self.dir.join(format!("{mode}.{ext}"))).ok();
        match (read("json"), read("error.txt")) {
            (Some(json), None) => Some(Expected::Json(json)),
            (None, Some(error)) => Some(Expected::Error(error.trim_end().to_string())),
            (None, None) => None,
            (Some(_), Some(_)) => panic!("{}: both {mode}.json and {mode}.error.txt", self.name),
        }
    }

    /// Every mode the case has an expected output for, with its `--by` value.
    pub fn modes(&self) -> Vec<(&'static str, Option<&'static str>, Expected)> {
        MODES
            .iter()
            .filter_map(|&(mode, by)| self.expected(mode).map(|e| (mode, by, e)))
            .collect()
    }

    /// The line numbers of the first ten invalid rows (`invalid-lines.txt`); empty if none.
    pub fn invalid_lines(&self) -> Vec<u64> {
        std::fs::read_to_string(self.dir.join("invalid-lines.txt"))
            .unwrap_or_default()
            .split_whitespace()
            .map(|n| n.parse().expect("a line number"))
            .collect()
    }

    /// A complete delivery (`deliverable`): POSTed to /v1/responses by the summary's tests.
    pub fn deliverable(&self) -> bool {
        self.dir.join("deliverable").exists()
    }

    /// Writes what the code gave as the expected output of `mode` (see [`WRITE_ENV`]).
    pub fn write(&self, mode: &str, got: &Expected) {
        let (ext, other, text) = match got {
            Expected::Json(j) => ("json", "error.txt", j.clone()),
            Expected::Error(e) => ("error.txt", "json", format!("{e}\n")),
        };
        let _ = std::fs::remove_file(self.dir.join(format!("{mode}.{other}")));
        std::fs::write(self.dir.join(format!("{mode}.{ext}")), text).expect("write golden");
    }

    pub fn write_invalid_lines(&self, lines: &[u64]) {
        let path = self.dir.join("invalid-lines.txt");
        if lines.is_empty() {
            let _ = std::fs::remove_file(path);
        } else {
            let text: Vec<String> = lines.iter().map(u64::to_string).collect();
            std::fs::write(path, format!("{}\n", text.join(" "))).expect("write golden");
        }
    }
}

/// Whether the expected files are to be rewritten ([`WRITE_ENV`]).
pub fn writing() -> bool {
    std::env::var_os(WRITE_ENV).is_some()
}

/// Counts `[n, promoters, passives, detractors, invalid]` of a summary object.
pub fn counts(v: &Value) -> [u64; 5] {
    ["n", "promoters", "passives", "detractors", "invalid"]
        .map(|k| v[k].as_u64().unwrap_or_else(|| panic!("{k} of {v}")))
}

/// Checks every figure of an expected output (and of each group) against docs/contract.md §6,
/// recomputed here from the counts: nps, se, ci95, and (`by` a period) each `change` from the
/// period before.
pub fn check_numbers(v: &Value, by: Option<&str>) {
    let time = matches!(by, Some("day" | "week" | "month"));
    check_one(v);
    let Some(groups) = v.get("groups") else {
        return;
    };
    let groups = groups.as_object().expect("groups is an object");
    let mut prev: Option<&Value> = None;
    for (key, g) in groups {
        check_one(g);
        assert!(g.get("groups").is_none(), "{key}: nested groups");
        let is_period = time && !key.starts_with('(');
        match (g.get("change"), prev) {
            (Some(change), Some(p)) => check_change(key, change, p, g),
            (None, Some(_)) => assert!(!is_period, "{key}: a later period without change"),
            (Some(_), None) => panic!("{key}: change on the first group"),
            (None, None) => {}
        }
        if is_period {
            prev = Some(g);
        }
    }
}

fn close(got: &Value, want: Option<f64>, what: &str) {
    match want {
        None => assert!(got.is_null(), "{what}: got {got}, want null"),
        Some(w) => {
            let g = got
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: {got} is not a number"));
            assert!((g - w).abs() < 1e-9, "{what}: got {g}, want {w}");
        }
    }
}

fn check_one(v: &Value) {
    let [n, p, pas, d, _] = counts(v);
    assert_eq!(
        n,
        p + pas + d,
        "n = promoters + passives + detractors in {v}"
    );
    if n == 0 {
        for k in ["nps", "se", "ci95"] {
            assert!(v[k].is_null(), "{k} is null without answers: {v}");
        }
        return;
    }
    let (nf, pf, df) = (n as f64, p as f64 / n as f64, d as f64 / n as f64);
    close(&v["nps"], Some(100.0 * (pf - df)), "nps");
    close(
        &v["se"],
        Some(100.0 * ((pf + df - (pf - df).powi(2)) / nf).sqrt()),
        "se",
    );
    let n2 = nf + 3.0;
    let (p2, d2) = ((p as f64 + 0.75) / n2, (d as f64 + 0.75) / n2);
    let centre = 100.0 * (p2 - d2);
    let half = 1.96 * 100.0 * ((p2 + d2 - (p2 - d2).powi(2)) / n2).sqrt();
    close(&v["ci95"][0], Some((centre - half).max(-100.0)), "ci95[0]");
    close(&v["ci95"][1], Some((centre + half).min(100.0)), "ci95[1]");
}

fn check_change(key: &str, change: &Value, prev: &Value, this: &Value) {
    let keys: Vec<&String> = change.as_object().expect("change object").keys().collect();
    assert_eq!(keys, ["diff", "p", "z"], "{key}: change keys");
    let (a, b) = (this["nps"].as_f64(), prev["nps"].as_f64());
    let diff = a.zip(b).map(|(a, b)| a - b);
    close(&change["diff"], diff, &format!("{key}: diff"));
    let var = this["se"]
        .as_f64()
        .zip(prev["se"].as_f64())
        .map(|(x, y)| x * x + y * y);
    let z = match (diff, var) {
        (Some(d), Some(var)) if var > 0.0 => Some(d / var.sqrt()),
        _ => None,
    };
    close(&change["z"], z, &format!("{key}: z"));
    let p = z.map(|z| 2.0 * (1.0 - normal_cdf(z.abs())));
    match (&change["p"], p) {
        (got, Some(w)) => {
            let g = got.as_f64().expect("p is a number");
            // An independent approximation of the normal tail: agreement to 1e-6.
            assert!((g - w).abs() < 1e-6, "{key}: p got {g}, want {w}");
        }
        (got, None) => assert!(got.is_null(), "{key}: p should be null"),
    }
}

/// Φ(x) by Simpson's rule on the density (x ≥ 0): slow, simple and independent of erfc.
fn normal_cdf(x: f64) -> f64 {
    let steps = 20_000;
    let h = x / steps as f64;
    let f = |t: f64| (-t * t / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut sum = f(0.0) + f(x);
    for i in 1..steps {
        sum += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    0.5 + sum * h / 3.0
}
