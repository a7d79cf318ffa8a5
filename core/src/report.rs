//! What scoring an export gives (docs/contract.md §5, §6): a [`Report`] with the totals, the
//! rows that did not count, and — with a [`GroupBy`] — one [`Group`] per touchpoint, UTC day,
//! ISO week or month, each time group with its [`Change`] against the period before it.
//!
//! The rows come from `nps_core::reader` (CSV, JSON, NDJSON); this module only counts them.
//! [`Report::json`] is the one JSON shape of `nps score --json`, `GET /v1/summary` and the
//! client-side scorer; `Report::to_json` (feature `reader`) writes it.
//!
//! # Example
//!
//! ```
//! use nps_core::report::{GroupBy, ReportBuilder};
//!
//! let mut b = ReportBuilder::new(Some(GroupBy::Month));
//! b.row(Some(10), b"checkout", b"2026-10-31T23:00:00Z", || 2);
//! b.row(Some(0), b"checkout", b"2026-11-01T08:00:00+01:00", || 3);
//! b.row(None, b"checkout", b"2026-11-02", || 4);
//! let report = b.finish();
//! assert_eq!(report.total.tally.n(), 2);
//! assert_eq!(report.total.invalid_lines, [4]);
//! let keys: Vec<&str> = report.groups.iter().map(|g| g.key.as_str()).collect();
//! // 08:00+01:00 is 07:00Z: November.
//! assert_eq!(keys, ["2026-10", "2026-11"]);
//! let change = report.groups[1].change.unwrap();
//! assert_eq!(change.diff, Some(-200.0));
//! assert_eq!((change.z, change.p), (None, None)); // both periods have se = 0
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::scoring::{compare, Tally};
use crate::time;

/// How many invalid line numbers are kept, for the total and for each group.
pub const MAX_INVALID_LINES: usize = 10;

/// The group of rows without a value (no touchpoint, no `answered_at`).
pub const NONE_KEY: &str = "(none)";

/// The group of rows whose `answered_at` is neither an RFC 3339 time nor a date.
pub const BAD_DATE_KEY: &str = "(invalid date)";

/// How rows are grouped (`nps score --by`, `GET /v1/summary?by=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// By the `touchpoint` value.
    Touchpoint,
    /// By the UTC day of `answered_at`: `2026-11-22`.
    Day,
    /// By the ISO week of `answered_at` in UTC: `2026-W47`.
    Week,
    /// By the UTC month of `answered_at`: `2026-11`.
    Month,
}

impl GroupBy {
    /// Every grouping, in the order they are listed to users.
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Touchpoint,
        GroupBy::Day,
        GroupBy::Week,
        GroupBy::Month,
    ];

    /// The name in `--by NAME` and `by=NAME`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(nps_core::report::GroupBy::Week.as_str(), "week");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Touchpoint => "touchpoint",
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
        }
    }

    /// The grouping of that name (exactly as [`GroupBy::as_str`] writes it).
    ///
    /// # Errors
    ///
    /// [`GroupByError`], naming the input and the accepted names.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::report::GroupBy;
    /// assert_eq!(GroupBy::parse("month"), Ok(GroupBy::Month));
    /// assert_eq!(
    ///     GroupBy::parse("year").unwrap_err().to_string(),
    ///     r#"by must be one of touchpoint, day, week, month; got "year""#
    /// );
    /// ```
    pub fn parse(name: &str) -> Result<GroupBy, GroupByError> {
        GroupBy::ALL
            .into_iter()
            .find(|g| g.as_str() == name)
            .ok_or_else(|| GroupByError {
                input: name.to_owned(),
            })
    }

    /// The column (CSV) or key (JSON) the grouping reads.
    pub fn column(self) -> &'static str {
        match self {
            GroupBy::Touchpoint => "touchpoint",
            _ => "answered_at",
        }
    }

    /// The key of the period `day` (days since 1970-01-01) falls in: `2026-11-22` by day,
    /// `2026-W47` by (ISO) week, `2026-11` by month; by touchpoint, the day.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::report::GroupBy;
    /// let day = nps_core::time::days_from_civil(2026, 11, 22);
    /// assert_eq!(GroupBy::Week.key_of_day(day), "2026-W47");
    /// assert_eq!(GroupBy::Month.key_of_day(day), "2026-11");
    /// ```
    pub fn key_of_day(self, day: i64) -> String {
        match self {
            GroupBy::Week => time::format_week(day),
            GroupBy::Month => time::format_month(day),
            GroupBy::Day | GroupBy::Touchpoint => time::format_day(day),
        }
    }

    /// Whether the groups are periods of time (and so have a [`Change`]).
    pub fn is_time(self) -> bool {
        self != GroupBy::Touchpoint
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A grouping name that is not one of [`GroupBy::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupByError {
    /// The rejected name, as given.
    pub input: String,
}

impl fmt::Display for GroupByError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("by must be one of ")?;
        for (i, g) in GroupBy::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(g.as_str())?;
        }
        write!(f, "; got \"{}\"", self.input)
    }
}

impl std::error::Error for GroupByError {}

/// The counts of the whole input or of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// The valid scores.
    pub tally: Tally,
    /// Rows whose score is not an integer 0..=10: not counted, never skipped silently.
    pub invalid: u64,
    /// The physical line numbers (1-based) where the first [`MAX_INVALID_LINES`] invalid rows
    /// start.
    pub invalid_lines: Vec<u64>,
}

impl Stats {
    /// Counts a valid score, or an invalid row starting at `line()`.
    #[inline]
    pub fn add(&mut self, score: Option<u8>, line: impl FnOnce() -> u64) {
        match score {
            Some(s) if self.tally.add(s).is_ok() => {}
            _ => self.add_invalid(line()),
        }
    }

    fn add_invalid(&mut self, line: u64) {
        self.invalid += 1;
        if self.invalid_lines.len() < MAX_INVALID_LINES {
            self.invalid_lines.push(line);
        }
    }

    /// Adds `later`'s counts, its line numbers moved down by `lines` (rows after those of
    /// `self`: the first [`MAX_INVALID_LINES`] stay the first).
    fn merge_after(&mut self, mut later: Stats, lines: u64) {
        for line in &mut later.invalid_lines {
            *line = line.saturating_add(lines);
        }
        self.merge(later);
    }

    fn merge(&mut self, other: Stats) {
        self.tally.merge(&other.tally);
        self.invalid += other.invalid;
        self.invalid_lines.extend(other.invalid_lines);
        self.invalid_lines.sort_unstable();
        self.invalid_lines.truncate(MAX_INVALID_LINES);
    }
}

/// The change of a time group against the group just before it (docs/contract.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Change {
    /// `npsThis − npsPrev`; `None` when either period has no valid answer.
    pub diff: Option<f64>,
    /// The two-period z statistic; `None` when either period has n = 0 or seA² + seB² = 0.
    pub z: Option<f64>,
    /// Its two-sided p-value; `None` exactly when `z` is.
    pub p: Option<f64>,
}

impl Change {
    /// The change from `prev` to `this`.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::{report::Change, Tally};
    /// let prev: Tally = [10, 10, 0, 8].into_iter().collect();
    /// let this: Tally = [10, 9, 9, 3].into_iter().collect();
    /// let c = Change::between(&prev, &this);
    /// assert_eq!(c.diff, Some(25.0));
    /// assert!(c.z.unwrap() > 0.0 && c.p.unwrap() < 1.0);
    /// ```
    pub fn between(prev: &Tally, this: &Tally) -> Change {
        let diff = match (this.nps(), prev.nps()) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        let test = compare(this, prev);
        Change {
            diff,
            z: test.map(|c| c.z),
            p: test.map(|c| c.p_value),
        }
    }
}

/// One group of a [`Report`].
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The touchpoint, `2026-11-22`, `2026-W47`, `2026-11`, [`NONE_KEY`] or [`BAD_DATE_KEY`].
    pub key: String,
    /// Its counts.
    pub stats: Stats,
    /// Time groups but the earliest: the change against the group just before it.
    pub change: Option<Change>,
}

/// The result of scoring one input.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Every row.
    pub total: Stats,
    /// The grouping asked for.
    pub by: Option<GroupBy>,
    /// In display order: touchpoints by their bytes, periods in time order; [`NONE_KEY`] and
    /// [`BAD_DATE_KEY`] last. Empty without `by`.
    pub groups: Vec<Group>,
}

/// A `YYYY-MM-DD` and the period (day number) it falls in.
type DatePeriod = ([u8; 10], i64);

/// The columns of one row a reader passes on, as written (not trimmed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Row<'a> {
    /// The `touchpoint` cell or key (empty when absent).
    pub touchpoint: &'a [u8],
    /// The `answered_at` cell or key (empty when absent).
    pub answered_at: &'a [u8],
    /// The `comment` cell or key (empty when absent).
    pub comment: &'a [u8],
}

/// Where a reader of [`crate::reader`] puts the rows it reads: a [`ReportBuilder`], or a sink
/// that also keeps what a report does not (the scorer page keeps tallies by touchpoint and day,
/// and the comments).
pub trait Sink {
    /// The grouping the rows are read for: a reader checks that its column is there.
    fn by(&self) -> Option<GroupBy>;

    /// Whether every column of every row is wanted. When false, a reader passes the touchpoint
    /// and `answered_at` only when grouping by them, and never the comment.
    fn wants_every_column(&self) -> bool {
        false
    }

    /// One row: its score (`None`: not an integer 0..=10), its columns, and the line where it
    /// starts (only asked for an invalid row).
    fn row(&mut self, score: Option<u8>, row: Row<'_>, line: impl FnOnce() -> u64);
}

impl Sink for ReportBuilder {
    fn by(&self) -> Option<GroupBy> {
        self.by
    }

    #[inline]
    fn row(&mut self, score: Option<u8>, row: Row<'_>, line: impl FnOnce() -> u64) {
        ReportBuilder::row(self, score, row.touchpoint, row.answered_at, line);
    }
}

/// What a [`ReportBuilder`] has counted ([`ReportBuilder::counted`]), with serde.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    total: Stats,
    text: Vec<(Vec<u8>, Stats)>,
    time: Vec<(i64, Stats)>,
    none: Stats,
    bad_date: Stats,
}

/// Counts rows into a [`Report`]: what the readers of `nps_core::reader` feed.
///
/// Time groups are keyed by a day number (the day, the Monday of its ISO week, the first of
/// its month), so a row costs one map lookup and allocates nothing.
#[derive(Debug)]
pub struct ReportBuilder {
    total: Stats,
    by: Option<GroupBy>,
    text: BTreeMap<Box<[u8]>, Stats>,
    time: BTreeMap<i64, Stats>,
    none: Stats,
    bad_date: Stats,
    /// Recent `YYYY-MM-DD`s of `…Z` times and their periods, by day and month digits: rows
    /// repeat a few days, in any order.
    dates: Box<[Option<DatePeriod>; 64]>,
}

impl ReportBuilder {
    /// An empty report, grouped `by` that.
    pub fn new(by: Option<GroupBy>) -> ReportBuilder {
        ReportBuilder {
            total: Stats::default(),
            by,
            text: BTreeMap::new(),
            time: BTreeMap::new(),
            none: Stats::default(),
            bad_date: Stats::default(),
            dates: Box::new([None; 64]),
        }
    }

    /// The period of a trimmed, non-empty `answered_at` (its day, the Monday of its week, the
    /// first of its month: [`time::day_of`], then the grouping), without parsing a date again
    /// when a UTC time repeats a recent day. `None`: not a date.
    #[inline]
    fn period(&mut self, by: GroupBy, raw: &[u8]) -> Option<i64> {
        let key = |day: i64| match by {
            GroupBy::Week => time::monday_of(day),
            GroupBy::Month => time::first_of_month(day),
            _ => day,
        };
        let Some(date) = time::zulu_date(raw) else {
            return core::str::from_utf8(raw)
                .ok()
                .and_then(time::day_of)
                .map(key);
        };
        let slot =
            (usize::from(date[6]) * 31 + usize::from(date[8]) * 10 + usize::from(date[9])) % 64;
        if let Some((cached, period)) = &self.dates[slot] {
            if date == cached {
                return Some(*period);
            }
        }
        // A time before 1970 is not one (`time::unix_ms_from_rfc3339`).
        let day = core::str::from_utf8(date)
            .ok()
            .and_then(time::parse_date)
            .filter(|&d| d >= 0)?;
        let mut bytes = [0; 10];
        bytes.copy_from_slice(date);
        self.dates[slot] = Some((bytes, key(day)));
        Some(key(day))
    }

    /// The grouping.
    pub fn by(&self) -> Option<GroupBy> {
        self.by
    }

    /// Counts one row: its score (`None`: not an integer 0..=10), its touchpoint and
    /// `answered_at` as written (only read when grouping by them), and the line where it starts
    /// (only asked for an invalid row).
    #[inline]
    pub fn row(
        &mut self,
        score: Option<u8>,
        touchpoint: &[u8],
        answered_at: &[u8],
        line: impl FnOnce() -> u64,
    ) {
        let Some(by) = self.by else {
            self.total.add(score, line);
            return;
        };
        let slot = match by {
            GroupBy::Touchpoint => {
                let key = touchpoint.trim_ascii();
                if key.is_empty() {
                    &mut self.none
                } else {
                    if !self.text.contains_key(key) {
                        self.text.insert(Box::from(key), Stats::default());
                    }
                    match self.text.get_mut(key) {
                        Some(s) => s,
                        None => return, // inserted just above
                    }
                }
            }
            _ => {
                let raw = answered_at.trim_ascii();
                if raw.is_empty() {
                    &mut self.none
                } else {
                    match self.period(by, raw) {
                        None => &mut self.bad_date,
                        Some(key) => self.time.entry(key).or_default(),
                    }
                }
            }
        };
        match score {
            Some(s) if s <= 10 => {
                let _ = self.total.tally.add(s);
                let _ = slot.tally.add(s);
            }
            _ => {
                let line = line();
                self.total.add_invalid(line);
                slot.add_invalid(line);
            }
        }
    }

    /// Adds the rows of `later`, which were counted after every row of `self` with their line
    /// numbers counted `lines` lines further on (a reader that started on line `lines + 1`):
    /// the builder is then the one that counting every row of both in turn makes, so it
    /// finishes into the same [`Report`] (`nps_core::reader::split`).
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::report::{GroupBy, ReportBuilder};
    ///
    /// let rows = [(Some(9), "a"), (None, "b"), (Some(3), "a"), (None, "a")];
    /// let mut whole = ReportBuilder::new(Some(GroupBy::Touchpoint));
    /// let mut parts = [ReportBuilder::new(Some(GroupBy::Touchpoint)), ReportBuilder::new(Some(GroupBy::Touchpoint))];
    /// for (i, (score, tp)) in rows.into_iter().enumerate() {
    ///     let line = i as u64 + 2;
    ///     whole.row(score, tp.as_bytes(), b"", || line);
    ///     // The second builder counts lines from 1 at line 4.
    ///     let (part, line) = if line < 4 { (0, line) } else { (1, line - 3) };
    ///     parts[part].row(score, tp.as_bytes(), b"", || line);
    /// }
    /// let [mut first, second] = parts;
    /// first.merge(second, 3);
    /// let (merged, whole) = (first.finish(), whole.finish());
    /// assert_eq!(merged, whole);
    /// assert_eq!(merged.total.invalid_lines, [3, 5]);
    /// ```
    pub fn merge(&mut self, later: ReportBuilder, lines: u64) {
        debug_assert_eq!(self.by, later.by, "builders of one grouping");
        self.total.merge_after(later.total, lines);
        for (key, stats) in later.text {
            self.text.entry(key).or_default().merge_after(stats, lines);
        }
        for (key, stats) in later.time {
            self.time.entry(key).or_default().merge_after(stats, lines);
        }
        self.none.merge_after(later.none, lines);
        self.bad_date.merge_after(later.bad_date, lines);
    }

    /// What this builder has counted, to carry where memory is not shared (the scorer page
    /// reads a large file's second half in a Web Worker of its own); [`ReportBuilder::merge`]
    /// takes it back through [`ReportBuilder::from_counted`].
    pub fn counted(self) -> Counted {
        Counted {
            total: self.total,
            text: self
                .text
                .into_iter()
                .map(|(k, s)| (k.into_vec(), s))
                .collect(),
            time: self.time.into_iter().collect(),
            none: self.none,
            bad_date: self.bad_date,
        }
    }

    /// A builder grouping `by` that, holding what [`ReportBuilder::counted`] gave.
    pub fn from_counted(by: Option<GroupBy>, counted: Counted) -> ReportBuilder {
        ReportBuilder {
            total: counted.total,
            text: counted
                .text
                .into_iter()
                .map(|(k, s)| (k.into_boxed_slice(), s))
                .collect(),
            time: counted.time.into_iter().collect(),
            none: counted.none,
            bad_date: counted.bad_date,
            ..ReportBuilder::new(by)
        }
    }

    /// The report: groups in display order, with the change of each time group.
    pub fn finish(self) -> Report {
        let mut groups = Vec::new();
        let mut none = self.none;
        match self.by {
            None => {}
            Some(GroupBy::Touchpoint) => {
                for (key, stats) in self.text {
                    let key = String::from_utf8_lossy(&key).into_owned();
                    if key == NONE_KEY {
                        // A touchpoint literally named "(none)" shares the key of the rows
                        // without one: one entry, not two.
                        none.merge(stats);
                        continue;
                    }
                    groups.push(Group {
                        key,
                        stats,
                        change: None,
                    });
                }
            }
            Some(by) => {
                let mut prev: Option<Tally> = None;
                for (day, stats) in self.time {
                    let key = by.key_of_day(day);
                    let change = prev.map(|p| Change::between(&p, &stats.tally));
                    prev = Some(stats.tally);
                    groups.push(Group { key, stats, change });
                }
            }
        }
        for (key, stats) in [(NONE_KEY, none), (BAD_DATE_KEY, self.bad_date)] {
            if stats.tally.n() > 0 || stats.invalid > 0 {
                groups.push(Group {
                    key: key.to_owned(),
                    stats,
                    change: None,
                });
            }
        }
        Report {
            total: self.total,
            by: self.by,
            groups,
        }
    }
}

/// The JSON shape of a report (docs/contract.md §6), in key order: `n, promoters, passives,
/// detractors, nps, se, ci95, invalid`, then `groups` (with a grouping) or `change` (a time
/// group but the earliest). The invalid rows' line numbers are not part of it.
#[derive(Serialize)]
pub struct ReportJson<'a> {
    n: u64,
    promoters: u64,
    passives: u64,
    detractors: u64,
    nps: Option<f64>,
    se: Option<f64>,
    ci95: Option<[f64; 2]>,
    invalid: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'a Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<GroupsJson<'a>>,
}

impl<'a> ReportJson<'a> {
    fn of(stats: &'a Stats, change: Option<&'a Change>) -> ReportJson<'a> {
        let t = &stats.tally;
        ReportJson {
            n: t.n(),
            promoters: t.promoters(),
            passives: t.passives(),
            detractors: t.detractors(),
            nps: t.nps(),
            se: t.se(),
            ci95: t.ci95(),
            invalid: stats.invalid,
            change,
            groups: None,
        }
    }
}

/// The groups as one JSON object, in display order.
pub struct GroupsJson<'a>(&'a [Group]);

impl Serialize for GroupsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for g in self.0 {
            map.serialize_entry(&g.key, &ReportJson::of(&g.stats, g.change.as_ref()))?;
        }
        map.end()
    }
}

impl Report {
    /// The report as the value `nps score --json` prints (serialise it with serde).
    pub fn json(&self) -> ReportJson<'_> {
        let mut top = ReportJson::of(&self.total, None);
        if self.by.is_some() {
            top.groups = Some(GroupsJson(&self.groups));
        }
        top
    }

    /// The exact bytes of `nps score --json` (and of `GET /v1/summary`, which adds `band`):
    /// [`Report::json`] pretty-printed by serde_json, with a final newline.
    #[cfg(feature = "reader")]
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.json()).unwrap_or_default();
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(by: Option<GroupBy>, rows: &[(Option<u8>, &str, &str)]) -> Report {
        let mut b = ReportBuilder::new(by);
        for (i, (score, tp, at)) in rows.iter().enumerate() {
            b.row(*score, tp.as_bytes(), at.as_bytes(), || i as u64 + 2);
        }
        b.finish()
    }

    #[test]
    fn only_first_ten_invalid_lines_kept() {
        let rows = vec![(None, "", ""); 25];
        let r = build(None, &rows);
        assert_eq!(r.total.invalid, 25);
        assert_eq!(r.total.invalid_lines, (2..=11).collect::<Vec<u64>>());
    }

    #[test]
    fn groups_by_period_and_special_keys() {
        let rows = [
            (Some(10), "", "2026-11-22T09:00:00Z"),
            (Some(0), "", "2026-11-23T09:00:00Z"),
            (Some(9), "", "2026-11-22"),
            (Some(8), "", ""),
            (Some(7), "", "not a date"),
            (None, "", "2026-12-01T00:00:00+01:00"),
        ];
        let names = |by| {
            build(Some(by), &rows)
                .groups
                .into_iter()
                .map(|g| (g.key, g.stats.tally.n(), g.stats.invalid))
                .collect::<Vec<_>>()
        };
        let s = |k: &str, n, i| (k.to_string(), n, i);
        assert_eq!(
            names(GroupBy::Day),
            [
                s("2026-11-22", 2, 0),
                s("2026-11-23", 1, 0),
                s("2026-11-30", 0, 1),
                s("(none)", 1, 0),
                s("(invalid date)", 1, 0),
            ]
        );
        assert_eq!(
            names(GroupBy::Week)[..3],
            [
                s("2026-W47", 2, 0),
                s("2026-W48", 1, 0),
                s("2026-W49", 0, 1)
            ]
        );
        assert_eq!(names(GroupBy::Month)[0], s("2026-11", 3, 1));
    }

    #[test]
    fn change_only_on_time_groups_after_the_first() {
        let rows = [
            (Some(10), "a", "2026-11-22"),
            (Some(0), "b", "2026-11-23"),
            (None, "b", "2026-11-24"),
            (Some(9), "", ""),
        ];
        let day = build(Some(GroupBy::Day), &rows);
        let changes: Vec<Option<Change>> = day.groups.iter().map(|g| g.change).collect();
        let none = Change {
            diff: None,
            z: None,
            p: None,
        };
        assert_eq!(
            changes,
            [
                None,
                Some(Change {
                    diff: Some(-200.0),
                    z: None,
                    p: None
                }),
                Some(none), // the 24th has no valid answer
                None,       // (none) is not a period
            ]
        );
        let tp = build(Some(GroupBy::Touchpoint), &rows);
        assert!(tp.groups.iter().all(|g| g.change.is_none()));
        let keys: Vec<&str> = tp.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "(none)"]);
    }

    #[test]
    fn a_time_of_no_date_is_an_invalid_date() {
        let rows = [
            (Some(9), "", "\0\0\0\0\0\0\0\0\0\0T10:00:00Z"),
            (Some(9), "", "2026-11-22T10:00:00Z"),
            (Some(9), "", "2026-11-22T10:00:00Zx"),
        ];
        let keys: Vec<String> = build(Some(GroupBy::Day), &rows)
            .groups
            .into_iter()
            .map(|g| g.key)
            .collect();
        assert_eq!(keys, ["2026-11-22", BAD_DATE_KEY]);
    }

    #[test]
    fn a_touchpoint_named_none_shares_the_none_group() {
        let rows = [
            (Some(10), "(none)", ""),
            (Some(0), " ", ""),
            (None, "(none)", ""),
        ];
        let r = build(Some(GroupBy::Touchpoint), &rows);
        assert_eq!(r.groups.len(), 1);
        assert_eq!(r.groups[0].key, NONE_KEY);
        assert_eq!(r.groups[0].stats.tally.n(), 2);
        assert_eq!(r.groups[0].stats.invalid_lines, [4]);
    }

    #[test]
    fn group_by_names() {
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::parse(g.as_str()), Ok(g));
        }
        assert!(GroupBy::parse("Week").is_err());
        assert_eq!(
            GroupBy::parse("").unwrap_err().to_string(),
            "by must be one of touchpoint, day, week, month; got \"\""
        );
    }
}
