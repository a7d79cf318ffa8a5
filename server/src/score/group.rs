//! Grouping for `nps score --by`: per-group [`Stats`], keyed by touchpoint or by a UTC day,
//! ISO week or month, and the [`Report`] that collects them in display order.

use std::collections::HashMap;

use nps_core::Tally;

use crate::cal;
use crate::cli::GroupBy;

/// How many invalid line numbers are kept (per total and per group).
pub const MAX_INVALID_LINES: usize = 10;

const NONE_KEY: &str = "(none)";
const BAD_DATE_KEY: &str = "(invalid date)";

/// Counts of one group (or of the whole file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub tally: Tally,
    pub invalid: u64,
    pub invalid_lines: Vec<u64>,
    /// CSV only, until [`fix_csv_lines`](super::fix_csv_lines) runs: byte offsets where the csv reader says each kept
    /// invalid record starts (see there).
    pub(super) csv_starts: Vec<u64>,
}

impl Stats {
    pub(super) fn add(&mut self, score: Option<u8>, line: u64, csv_start: Option<u64>) {
        match score {
            Some(s) if self.tally.add(s).is_ok() => {}
            _ => {
                self.invalid += 1;
                if self.invalid_lines.len() < MAX_INVALID_LINES {
                    self.invalid_lines.push(line);
                    if let Some(b) = csv_start {
                        self.csv_starts.push(b);
                    }
                }
            }
        }
    }
}

/// Per-group accumulator. Time groups are keyed by a canonical day (the day itself, the Monday
/// of the ISO week, the first of the month) so a row costs one hash lookup and no allocation.
pub(super) struct Groups {
    by: GroupBy,
    text: HashMap<Box<[u8]>, Stats>,
    time: HashMap<i64, Stats>,
    none: Stats,
    bad_date: Stats,
}

impl Groups {
    fn new(by: GroupBy) -> Groups {
        Groups {
            by,
            text: HashMap::new(),
            time: HashMap::new(),
            none: Stats::default(),
            bad_date: Stats::default(),
        }
    }

    fn slot(&mut self, touchpoint: &[u8], answered_at: &[u8]) -> &mut Stats {
        if self.by == GroupBy::Touchpoint {
            let key = touchpoint.trim_ascii();
            if key.is_empty() {
                return &mut self.none;
            }
            if !self.text.contains_key(key) {
                self.text.insert(Box::from(key), Stats::default());
            }
            return self
                .text
                .get_mut(key)
                .expect("the group was inserted just above");
        }
        let raw = answered_at.trim_ascii();
        if raw.is_empty() {
            return &mut self.none;
        }
        let Some(day) = std::str::from_utf8(raw).ok().and_then(cal::day_of) else {
            return &mut self.bad_date;
        };
        let key = match self.by {
            GroupBy::Week => {
                let weekday = (day + 3).rem_euclid(7); // Monday = 0
                day - weekday
            }
            GroupBy::Month => {
                let (y, m, _) = cal::civil_from_days(day);
                cal::days_from_civil(y, m, 1)
            }
            _ => day,
        };
        self.time.entry(key).or_default()
    }

    fn finish(self) -> Vec<(String, Stats)> {
        let by = self.by;
        let mut out: Vec<(String, Stats)> = Vec::new();
        if by == GroupBy::Touchpoint {
            out.extend(
                self.text
                    .into_iter()
                    .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), v)),
            );
        } else {
            let mut time: Vec<(i64, Stats)> = self.time.into_iter().collect();
            time.sort_by_key(|(k, _)| *k);
            out.extend(time.into_iter().map(|(day, v)| {
                let name = match by {
                    GroupBy::Week => cal::format_week(day),
                    GroupBy::Month => cal::format_month(day),
                    _ => cal::format_day(day),
                };
                (name, v)
            }));
        }
        if by == GroupBy::Touchpoint {
            out.sort_by(|a, b| a.0.cmp(&b.0));
        }
        for (name, stats) in [(NONE_KEY, self.none), (BAD_DATE_KEY, self.bad_date)] {
            if stats.tally.n() > 0 || stats.invalid > 0 {
                out.push((name.to_string(), stats));
            }
        }
        out
    }
}

/// The result of scoring one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub file: String,
    pub total: Stats,
    pub by: Option<GroupBy>,
    /// In display order: touchpoints alphabetically, periods chronologically; `(none)` (no
    /// value) and `(invalid date)` last.
    pub groups: Vec<(String, Stats)>,
}

pub(super) struct Accumulator {
    pub(super) total: Stats,
    groups: Option<Groups>,
}

impl Accumulator {
    pub(super) fn new(by: Option<GroupBy>) -> Accumulator {
        Accumulator {
            total: Stats::default(),
            groups: by.map(Groups::new),
        }
    }

    pub(super) fn row(
        &mut self,
        score: Option<u8>,
        touchpoint: &[u8],
        answered_at: &[u8],
        line: u64,
        csv_start: Option<u64>,
    ) {
        self.total.add(score, line, csv_start);
        if let Some(g) = &mut self.groups {
            g.slot(touchpoint, answered_at).add(score, line, csv_start);
        }
    }

    pub(super) fn finish(self, file: &str, by: Option<GroupBy>) -> Report {
        Report {
            file: file.to_string(),
            total: self.total,
            by,
            groups: self.groups.map(Groups::finish).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::tests::csv;

    #[test]
    fn only_first_ten_invalid_lines_kept() {
        let mut data = String::from("score\n");
        for _ in 0..25 {
            data.push_str("bad\n");
        }
        let r = csv(&data, None);
        assert_eq!(r.total.invalid, 25);
        assert_eq!(r.total.invalid_lines, (2..=11).collect::<Vec<u64>>());
        assert!(r
            .to_text()
            .contains("lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 (first 10)"));
    }

    #[test]
    fn groups_by_period_and_special_keys() {
        let data = "score,answered_at\n\
                    10,2026-11-22T09:00:00Z\n\
                    0,2026-11-23T09:00:00Z\n\
                    9,2026-11-22\n\
                    8,\n\
                    7,not a date\n\
                    x,2026-12-01T00:00:00+01:00\n";
        let names = |by| {
            csv(data, Some(by))
                .groups
                .into_iter()
                .map(|(k, s)| (k, s.tally.n(), s.invalid))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(GroupBy::Day),
            vec![
                ("2026-11-22".to_string(), 2, 0),
                ("2026-11-23".to_string(), 1, 0),
                ("2026-11-30".to_string(), 0, 1),
                ("(none)".to_string(), 1, 0),
                ("(invalid date)".to_string(), 1, 0),
            ]
        );
        assert_eq!(
            names(GroupBy::Week)[..3],
            [
                ("2026-W47".to_string(), 2, 0),
                ("2026-W48".to_string(), 1, 0),
                ("2026-W49".to_string(), 0, 1)
            ]
        );
        assert_eq!(names(GroupBy::Month)[0], ("2026-11".to_string(), 3, 1));
    }
}
