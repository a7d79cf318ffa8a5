//! What the scorer page shows, as plain values: the sentences, the chart geometry and the
//! summary exports. Pure (tested natively); the views (`app`, wasm only) only wire them.

use std::fmt::Write as _;

use nps_core::scoring::{Category, Tally};

use nps_core::report::Change;

use crate::analysis::{Analysis, Filter, Group, Period};

/// `value` with one decimal, a true minus sign kept as `-` for CSV friendliness.
pub fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// A p-value as people write it: `p < 0.001`, `p = 0.004`, `p = 0.21`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

/// "up 6.2 points since October 2026; not statistically significant at 95 %, p = 0.21"; None
/// when either period has no answers (no `diff`).
pub fn change_sentence(change: &Change, since: &str) -> Option<String> {
    let diff = change.diff?;
    let mut s = if diff.abs() < 0.05 {
        format!("unchanged since {since}")
    } else {
        let way = if diff > 0.0 { "up" } else { "down" };
        format!("{way} {:.1} points since {since}", diff.abs())
    };
    match change.p {
        Some(p) => {
            let not = if p < 0.05 { "" } else { "not " };
            let _ = write!(s, "; {not}statistically significant at 95 %, {}", p_text(p));
        }
        None => s.push_str("; too little variation to test"),
    }
    Some(s)
}

/// The comparison of two chosen periods, `a` against `b`, in a sentence; None without answers
/// in either.
pub fn compare_sentence(period: Period, a: (&str, &Tally), b: (&str, &Tally)) -> Option<String> {
    let change = Change::between(b.1, a.1);
    let sentence = change_sentence(&change, &period.label(b.0))?;
    let mut s = period.label(a.0);
    s.push_str(": ");
    s.push_str(&sentence);
    Some(s)
}

/// The category of each score bar, for its colour.
pub fn category_of(score: usize) -> Category {
    Category::of(score as u8).unwrap_or(Category::Detractor)
}

/// How the touchpoint table is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Answers,
    Nps,
}

/// Touchpoint groups sorted by `by` (descending for numbers, ascending for names).
pub fn sorted(mut groups: Vec<Group>, by: SortBy) -> Vec<Group> {
    match by {
        SortBy::Name => groups.sort_by(|a, b| a.key.cmp(&b.key)),
        SortBy::Answers => groups.sort_by_key(|g| std::cmp::Reverse(g.tally.n())),
        SortBy::Nps => groups.sort_by(|a, b| {
            let (x, y) = (
                a.tally.nps().unwrap_or(f64::MIN),
                b.tally.nps().unwrap_or(f64::MIN),
            );
            y.total_cmp(&x)
        }),
    }
    groups
}

/// A chart's x or y position of an NPS value in [−100, 100] on an axis `len` long.
pub fn scale(nps: f64, len: f64) -> f64 {
    (nps.clamp(-100.0, 100.0) + 100.0) / 200.0 * len
}

fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn csv_row(out: &mut String, group: &str, key: &str, t: &Tally) {
    let s = t.summary();
    let num = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    csv_field(out, group);
    out.push(',');
    csv_field(out, key);
    let _ = writeln!(
        out,
        ",{},{},{},{},{},{},{},{}",
        s.n,
        s.promoters,
        s.passives,
        s.detractors,
        num(s.nps),
        num(s.se),
        num(s.ci95.map(|c| c[0])),
        num(s.ci95.map(|c| c[1])),
    );
}

/// The summary as CSV: all answers, each touchpoint, each period of `period`.
pub fn summary_csv(a: &Analysis, period: Period) -> String {
    let mut out =
        String::from("group,key,n,promoters,passives,detractors,nps,se,ci95_low,ci95_high\n");
    csv_row(&mut out, "all", "", &a.overall(&Filter::default()));
    for g in a.by_touchpoint() {
        csv_row(&mut out, "touchpoint", &g.key, &g.tally);
    }
    for p in a.trend(period, &Filter::default()) {
        csv_row(&mut out, period.as_str(), &p.key, &p.tally);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_say_direction_size_and_significance() {
        let c = Change {
            diff: Some(6.2),
            z: Some(1.25),
            p: Some(0.2113),
        };
        assert_eq!(
            change_sentence(&c, "October 2026").unwrap(),
            "up 6.2 points since October 2026; not statistically significant at 95 %, p = 0.21"
        );
        let c = Change {
            diff: Some(-12.04),
            z: Some(-3.4),
            p: Some(0.0007),
        };
        assert_eq!(
            change_sentence(&c, "week 3 of 2026").unwrap(),
            "down 12.0 points since week 3 of 2026; statistically significant at 95 %, p < 0.001"
        );
        let c = Change {
            diff: Some(0.0),
            z: None,
            p: None,
        };
        assert_eq!(
            change_sentence(&c, "2026-01-02").unwrap(),
            "unchanged since 2026-01-02; too little variation to test"
        );
    }

    #[test]
    fn compare_two_periods_in_words() {
        let a = Tally::from_counts([0, 0, 0, 0, 0, 0, 20, 30, 0, 0, 50]);
        let b = Tally::from_counts([0, 0, 0, 0, 0, 0, 40, 30, 0, 0, 30]);
        let s = compare_sentence(Period::Month, ("2026-11", &a), ("2026-10", &b)).unwrap();
        assert!(
            s.starts_with(
                "November 2026: up 40.0 points since October 2026; statistically significant"
            ),
            "{s}"
        );
        assert_eq!(
            compare_sentence(Period::Month, ("2026-11", &a), ("2026-10", &Tally::new())),
            None
        );
    }

    #[test]
    fn scale_maps_the_nps_range_onto_the_axis() {
        assert_eq!(scale(-100.0, 200.0), 0.0);
        assert_eq!(scale(0.0, 200.0), 100.0);
        assert_eq!(scale(250.0, 200.0), 200.0);
    }

    #[test]
    fn csv_quotes_touchpoints_that_need_it() {
        let mut out = String::new();
        csv_row(
            &mut out,
            "touchpoint",
            "a,\"b\"",
            &Tally::from_counts([0; 11]),
        );
        assert_eq!(out, "touchpoint,\"a,\"\"b\"\"\",0,0,0,0,,,,\n");
    }

    #[test]
    fn sorting_touchpoints() {
        let g = |k: &str, counts: [u64; 11]| Group {
            key: k.into(),
            tally: Tally::from_counts(counts),
        };
        let groups = vec![
            g("b", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            g("a", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]),
        ];
        let names = |v: Vec<Group>| v.into_iter().map(|g| g.key).collect::<Vec<_>>();
        assert_eq!(names(sorted(groups.clone(), SortBy::Name)), ["a", "b"]);
        assert_eq!(names(sorted(groups.clone(), SortBy::Answers)), ["a", "b"]);
        assert_eq!(names(sorted(groups, SortBy::Nps)), ["b", "a"]);
    }
}
