//! Rendering a [`Report`]: the text summary and table of `nps score`, the JSON of
//! `nps score --json` (docs/contract.md §6) and the notice of invalid rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use nps_core::Band;
use serde::Serialize;

use super::group::{Report, Stats};

/// The JSON shape of `nps score --json` (docs/contract.md §6), per total and per group.
#[derive(Serialize)]
struct JsonStats<'a> {
    n: u64,
    promoters: u64,
    passives: u64,
    detractors: u64,
    nps: Option<f64>,
    se: Option<f64>,
    ci95: Option<[f64; 2]>,
    invalid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<BTreeMap<&'a str, JsonStats<'a>>>,
}

impl<'a> JsonStats<'a> {
    fn of(s: &'a Stats) -> JsonStats<'a> {
        let t = &s.tally;
        JsonStats {
            n: t.n(),
            promoters: t.promoters(),
            passives: t.passives(),
            detractors: t.detractors(),
            nps: t.nps(),
            se: t.se(),
            ci95: t.ci95(),
            invalid: s.invalid,
            groups: None,
        }
    }
}

fn pct(part: u64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * part as f64 / n as f64
    }
}

fn lines_text(s: &Stats) -> String {
    let list: Vec<String> = s.invalid_lines.iter().map(u64::to_string).collect();
    let more = if s.invalid > s.invalid_lines.len() as u64 {
        format!(" (first {})", s.invalid_lines.len())
    } else {
        String::new()
    };
    format!(
        "line{} {}{more}",
        if list.len() == 1 { "" } else { "s" },
        list.join(", ")
    )
}

impl Report {
    /// `{n, promoters, passives, detractors, nps, se, ci95, invalid, groups?}`, exactly the
    /// keys of docs/contract.md §6; the invalid rows' line numbers go to [`Report::invalid_notice`].
    pub fn to_json(&self) -> String {
        let mut top = JsonStats::of(&self.total);
        if self.by.is_some() {
            top.groups = Some(
                self.groups
                    .iter()
                    .map(|(k, s)| (k.as_str(), JsonStats::of(s)))
                    .collect(),
            );
        }
        let mut out = serde_json::to_string_pretty(&top).unwrap_or_default();
        out.push('\n');
        out
    }

    /// `invalid: 3 rows not counted (score not an integer 0..10), lines 4, 9, 12`, or None
    /// when every row counted: invalid rows are reported, never silently skipped.
    pub fn invalid_notice(&self) -> Option<String> {
        (self.total.invalid > 0).then(|| {
            format!(
                "invalid: {} row{} not counted (score not an integer 0..10), {}",
                self.total.invalid,
                if self.total.invalid == 1 { "" } else { "s" },
                lines_text(&self.total)
            )
        })
    }

    /// Human-readable summary and, with `--by`, one table row per group.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let t = &self.total.tally;
        let n = t.n();
        let _ = writeln!(
            out,
            "{}: {n} response{} scored",
            self.file,
            if n == 1 { "" } else { "s" }
        );
        if let Some(notice) = self.invalid_notice() {
            let _ = writeln!(out, "{notice}");
        }
        for (label, count) in [
            ("promoters (9-10)", t.promoters()),
            ("passives (7-8)", t.passives()),
            ("detractors (0-6)", t.detractors()),
        ] {
            let _ = writeln!(out, "  {label:<17} {count:>10}  {:>5.1}%", pct(count, n));
        }
        match (t.nps(), t.ci95(), t.se()) {
            (Some(nps), Some([lo, hi]), Some(se)) => {
                let _ = writeln!(
                    out,
                    "NPS {nps:+.1}  (95% CI {lo:+.1} to {hi:+.1}, SE {se:.1})  band: {}",
                    Band::of(nps).as_str()
                );
            }
            _ => {
                let _ = writeln!(out, "NPS n/a (no valid scores)");
            }
        }
        if let Some(by) = self.by {
            let width = self
                .groups
                .iter()
                .map(|(k, _)| k.chars().count())
                .chain([by.as_str().len()])
                .max()
                .unwrap_or(0);
            let _ = writeln!(out, "\nby {}:", by.as_str());
            let _ = writeln!(
                out,
                "  {:<width$} {:>9} {:>9} {:>9} {:>10}  {:>6}  {:<15} {:<10} {:>7}",
                by.as_str(),
                "n",
                "promoters",
                "passives",
                "detractors",
                "NPS",
                "95% CI",
                "band",
                "invalid"
            );
            for (name, s) in &self.groups {
                let t = &s.tally;
                let (nps, ci, band) = match (t.nps(), t.ci95()) {
                    (Some(nps), Some([lo, hi])) => (
                        format!("{nps:+.1}"),
                        format!("[{lo:+.1}, {hi:+.1}]"),
                        Band::of(nps).as_str(),
                    ),
                    _ => ("n/a".to_string(), String::new(), ""),
                };
                let _ = writeln!(
                    out,
                    "  {name:<width$} {:>9} {:>9} {:>9} {:>10}  {nps:>6}  {ci:<15} {band:<10} {:>7}",
                    t.n(),
                    t.promoters(),
                    t.passives(),
                    t.detractors(),
                    s.invalid
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::GroupBy;
    use crate::score::tests::csv;
    use serde_json::Value;

    #[test]
    fn json_output_shape() {
        let r = csv(
            "score,touchpoint\n10,a\n0,b\nx,a\n",
            Some(GroupBy::Touchpoint),
        );
        let v: Value = serde_json::from_str(&r.to_json()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = vec![
            "ci95",
            "detractors",
            "groups",
            "invalid",
            "n",
            "nps",
            "passives",
            "promoters",
            "se",
        ];
        want.sort_unstable();
        assert_eq!(keys, want);
        assert_eq!(v["nps"], 0.0);
        assert_eq!(
            r.invalid_notice().as_deref(),
            Some("invalid: 1 row not counted (score not an integer 0..10), line 4")
        );
        assert_eq!(v["groups"]["a"]["nps"], 100.0);
        assert_eq!(v["groups"]["a"]["invalid"], 1);
        assert!(v["groups"]["a"].get("groups").is_none());
        let empty: Value = serde_json::from_str(&csv("score\n", None).to_json()).unwrap();
        assert_eq!(empty["nps"], Value::Null);
        assert_eq!(empty["ci95"], Value::Null);
        assert!(empty.get("groups").is_none());
    }
}
