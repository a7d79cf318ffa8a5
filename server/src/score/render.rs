//! The text of `nps score` (summary, and a table with `--by`) and the notice of invalid rows.
//! The JSON of `nps score --json` is nps-core's ([`nps_core::Report::to_json`]), shared with
//! `GET /v1/summary` and the client-side scorer.

use std::fmt::Write as _;

use nps_core::{Band, Report, Stats};

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

/// `invalid: 3 rows not counted (score not an integer 0..10), lines 4, 9, 12`, or None
/// when every row counted: invalid rows are reported, never silently skipped.
pub fn invalid_notice(report: &Report) -> Option<String> {
    let total = &report.total;
    (total.invalid > 0).then(|| {
        format!(
            "invalid: {} row{} not counted (score not an integer 0..10), {}",
            total.invalid,
            if total.invalid == 1 { "" } else { "s" },
            lines_text(total)
        )
    })
}

/// Human-readable summary of `file` and, with `--by`, one table row per group.
pub fn text(report: &Report, file: &str) -> String {
    let mut out = String::new();
    let t = &report.total.tally;
    let n = t.n();
    let _ = writeln!(
        out,
        "{file}: {n} response{} scored",
        if n == 1 { "" } else { "s" }
    );
    if let Some(notice) = invalid_notice(report) {
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
    let Some(by) = report.by else {
        return out;
    };
    let width = report
        .groups
        .iter()
        .map(|g| g.key.chars().count())
        .chain([by.as_str().len()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "\nby {}:", by.as_str());
    let header = format!(
        "  {:<width$} {:>9} {:>9} {:>9} {:>10}  {:>6}  {:<16} {:<10} {:>7}  {}",
        by.as_str(),
        "n",
        "promoters",
        "passives",
        "detractors",
        "NPS",
        "95% CI",
        "band",
        "invalid",
        if by.is_time() { "change (p)" } else { "" }
    );
    let _ = writeln!(out, "{}", header.trim_end());
    for g in &report.groups {
        let t = &g.stats.tally;
        let (nps, ci, band) = match (t.nps(), t.ci95()) {
            (Some(nps), Some([lo, hi])) => (
                format!("{nps:+.1}"),
                format!("[{lo:+.1}, {hi:+.1}]"),
                Band::of(nps).as_str(),
            ),
            _ => ("n/a".to_string(), String::new(), ""),
        };
        let change = match g.change {
            Some(c) => match (c.diff, c.p) {
                (Some(diff), Some(p)) => format!("{diff:+.1} (p {p:.3})"),
                (Some(diff), None) => format!("{diff:+.1}"),
                _ => "n/a".to_string(),
            },
            None => String::new(),
        };
        let line = format!(
            "  {:<width$} {:>9} {:>9} {:>9} {:>10}  {nps:>6}  {ci:<16} {band:<10} {:>7}  {change}",
            g.key,
            t.n(),
            t.promoters(),
            t.passives(),
            t.detractors(),
            g.stats.invalid
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::tests::csv;
    use nps_core::GroupBy;
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
            invalid_notice(&r).as_deref(),
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

    #[test]
    fn only_first_ten_invalid_lines_listed() {
        let mut data = String::from("score\n");
        for _ in 0..25 {
            data.push_str("bad\n");
        }
        let r = csv(&data, None);
        assert!(text(&r, "t.csv").contains("lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 (first 10)"));
    }

    #[test]
    fn time_table_shows_the_change() {
        let r = csv(
            "score,answered_at\n10,2026-11-01\n0,2026-11-01\n9,2026-12-01\n10,2026-12-02\n",
            Some(GroupBy::Month),
        );
        let t = text(&r, "t.csv");
        assert!(t.contains("change (p)"), "{t}");
        let dec = t
            .lines()
            .find(|l| l.trim_start().starts_with("2026-12"))
            .unwrap();
        assert!(dec.ends_with("+100.0 (p 0.157)"), "{t}");
        let nov = t
            .lines()
            .find(|l| l.trim_start().starts_with("2026-11"))
            .unwrap();
        assert!(nov.ends_with('0'), "no change on the first period: {t}");
        assert!(
            t.lines().all(|l| l == l.trim_end()),
            "no trailing spaces: {t:?}"
        );
    }
}
