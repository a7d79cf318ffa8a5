//! What the scorer page keeps of a scored export: a tally per (touchpoint, day) — the cube
//! every view is summed from (overall, by touchpoint, the trend by day / week / month, two
//! periods compared) — and the comments, by category. Pure: no browser; the Web Worker builds
//! it from the file's rows and hands it to the page as JSON.

use rustc_hash::FxHashMap as HashMap;

use nps_core::report::{Change, GroupBy};
use nps_core::scoring::{Category, Tally};
use nps_core::time;
use serde::{Deserialize, Serialize};

/// Comments kept per category (the rest are counted): enough to read, bounded in memory.
pub const MAX_COMMENTS: usize = 2_000;

/// A time grouping of the trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Day, Period::Week, Period::Month];

    /// The report's grouping of the same name.
    pub fn by(self) -> GroupBy {
        match self {
            Period::Day => GroupBy::Day,
            Period::Week => GroupBy::Week,
            Period::Month => GroupBy::Month,
        }
    }

    /// The `by` value of this grouping (`day`, `week`, `month`).
    pub fn as_str(self) -> &'static str {
        self.by().as_str()
    }

    pub fn from_name(name: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The group key of `day` (days since 1970-01-01): `2026-11-22`, `2026-W47`, `2026-11`.
    pub fn key(self, day: i64) -> String {
        self.by().key_of_day(day)
    }

    /// How a sentence names the group `key`: "2026-11-22", "week 47 of 2026", "October 2026".
    pub fn label(self, key: &str) -> String {
        match self {
            Period::Day => key.to_owned(),
            Period::Week => match key.split_once("-W") {
                Some((year, week)) => format!("week {} of {year}", week.trim_start_matches('0')),
                None => key.to_owned(),
            },
            Period::Month => {
                let month = key.get(5..7).and_then(|m| m.parse::<usize>().ok());
                match month.and_then(|m| MONTHS.get(m.wrapping_sub(1))) {
                    Some(name) => format!("{name} {}", &key[..4]),
                    None => key.to_owned(),
                }
            }
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One comment as the page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub score: u8,
    pub touchpoint: String,
    /// Days since 1970-01-01 of `answered_at`, when it had one.
    pub day: Option<i64>,
    pub text: String,
}

impl Comment {
    pub fn category(&self) -> Category {
        Category::of(self.score).unwrap_or(Category::Detractor)
    }
}

/// One cell of the cube.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Cell {
    touchpoint: u32,
    day: Option<i64>,
    counts: [u64; 11],
}

/// A scored export (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    touchpoints: Vec<String>,
    cells: Vec<Cell>,
    /// Kept comments, at most [`MAX_COMMENTS`] per category, in file order.
    pub comments: Vec<Comment>,
    /// Comments seen per category (detractor, passive, promoter), kept or not.
    pub comments_seen: [u64; 3],
    /// Rows not counted, and the first of their line numbers.
    pub invalid: u64,
    pub invalid_lines: Vec<u64>,
}

fn category_index(c: Category) -> usize {
    match c {
        Category::Detractor => 0,
        Category::Passive => 1,
        Category::Promoter => 2,
    }
}

/// A cell's touchpoint id and day.
type CellKey = (u32, Option<i64>);

/// Builds an [`Analysis`] row by row. A row costs no allocation unless it brings a new
/// touchpoint or a comment that is kept, and most rows one lookup in a small table: the cell of
/// a row is found by its touchpoint and date as written (its `RowKey`) among the recent ones;
/// only a row that misses there looks its touchpoint, its day and its cell up in turn (and
/// parses a date once per date).
pub struct Builder {
    analysis: Analysis,
    touchpoint_ids: HashMap<Vec<u8>, u32>,
    /// Each cell's key (touchpoint id, day) and its counts by score (a [`Tally`]'s, counted
    /// here in place).
    cells: Vec<(CellKey, [u64; 11])>,
    cell_ids: HashMap<CellKey, usize>,
    /// The day of each `YYYY-MM-DD` of a UTC time seen.
    dates: HashMap<[u8; 10], i64>,
    /// Recent row keys and the index of their cell in `cells`, two in each set (the last
    /// found first), the set at [`RowKey::set`]: exports repeat a few touchpoints and days, in
    /// any order, so nearly every row is found here.
    recent: Box<[[(RowKey, u32); 2]; SETS]>,
}

/// The sets of [`Builder::recent`] (a power of two): room for a few hundred (touchpoint, day)
/// pairs, few of them sharing a set with two others, in 24 KiB.
const SETS: usize = 256;

/// A row's touchpoint and `answered_at` (trimmed) as bytes, when they are of the common
/// shapes: a touchpoint of at most 24 bytes, and no `answered_at` or a UTC time
/// (`…Z`, [`time::zulu_date`]), of which the date alone is kept: the day of such a time, or
/// that it has none (`2026-02-30`, before 1970), is the date's. Rows with equal keys fall in
/// the same cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RowKey([u64; 5]);

impl RowKey {
    /// Never a row's: its kind byte is 0.
    const NONE: RowKey = RowKey([0; 5]);

    /// The key of a row (touchpoint and `answered_at` trimmed); `None` for other shapes.
    #[inline]
    fn of(touchpoint: &[u8], answered_at: &[u8]) -> Option<RowKey> {
        if touchpoint.len() > 24 {
            return None;
        }
        // Bytes 0..24: the touchpoint; 24..34: the date; 38: the touchpoint's length; 39: the
        // kind (1: no `answered_at`, 2: a UTC time), so that no two rows of different cells
        // share a key.
        let mut b = [0u8; 40];
        if !answered_at.is_empty() {
            b[24..34].copy_from_slice(zulu_date(answered_at)?);
            b[39] = 2;
        } else {
            b[39] = 1;
        }
        b[..touchpoint.len()].copy_from_slice(touchpoint);
        b[38] = touchpoint.len() as u8;
        let mut words = [0u64; 5];
        for (w, bytes) in words.iter_mut().zip(b.chunks_exact(8)) {
            *w = u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        }
        Some(RowKey(words))
    }

    /// The set of [`Builder::recent`] the key goes in (FxHash's mix of its words).
    #[inline]
    fn set(&self) -> usize {
        let h = self.0.iter().fold(0u64, |h, &w| {
            (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
        });
        (h >> (64 - SETS.trailing_zeros())) as usize
    }
}

/// [`time::zulu_date`]: its most common shape, `YYYY-MM-DDTHH:MM:SSZ`, checked here in a few
/// instructions (a row of an export has one), any other left to it.
#[inline]
fn zulu_date(at: &[u8]) -> Option<&[u8]> {
    if let (Some(b), 20) = (at.first_chunk::<20>(), at.len()) {
        let digit = |i: usize| b[i].wrapping_sub(b'0');
        let digits = [11, 12, 14, 15, 17, 18].map(digit);
        if b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z'
            && digits.iter().all(|&d| d <= 9)
            && digits[0] * 10 + digits[1] <= 23
            && digits[2] <= 5
            && digits[4] <= 5
        {
            return Some(&at[..10]);
        }
    }
    time::zulu_date(at)
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            analysis: Analysis::default(),
            touchpoint_ids: HashMap::default(),
            cells: Vec::new(),
            cell_ids: HashMap::default(),
            dates: HashMap::default(),
            recent: Box::new([[(RowKey::NONE, 0); 2]; SETS]),
        }
    }
}

impl Builder {
    /// Counts one valid row, its columns as written. `answered_at` is RFC 3339 (rows without
    /// one, or with one that does not parse, count everywhere but in the trend); an empty
    /// touchpoint counts under `none_key`.
    #[inline]
    pub fn add(
        &mut self,
        score: u8,
        touchpoint: &[u8],
        answered_at: &[u8],
        comment: &[u8],
        none_key: &str,
    ) {
        let touchpoint = touchpoint.trim_ascii();
        let answered_at = answered_at.trim_ascii();
        let at = match RowKey::of(touchpoint, answered_at) {
            Some(key) => {
                let set = key.set();
                let [first, second] = self.recent[set];
                if first.0 == key {
                    first.1 as usize
                } else if second.0 == key {
                    self.recent[set] = [second, first];
                    second.1 as usize
                } else {
                    let at = self.find_cell(touchpoint, answered_at, none_key);
                    self.recent[set] = [(key, at as u32), first];
                    at
                }
            }
            None => self.find_cell(touchpoint, answered_at, none_key),
        };
        let ((id, day), counts) = &mut self.cells[at];
        // As `Tally::add` counts (a score above 10 is not one), inlined.
        if let Some(c) = counts.get_mut(usize::from(score)) {
            *c = c.saturating_add(1);
        }
        let comment = comment.trim_ascii();
        if !comment.is_empty() {
            if let Ok(category) = Category::of(score) {
                let seen = &mut self.analysis.comments_seen[category_index(category)];
                *seen += 1;
                if *seen <= MAX_COMMENTS as u64 {
                    self.analysis.comments.push(Comment {
                        score,
                        touchpoint: self.analysis.touchpoints[*id as usize].clone(),
                        day: *day,
                        text: String::from_utf8_lossy(comment).trim().to_owned(),
                    });
                }
            }
        }
    }

    /// The index in `cells` of the cell of a row (touchpoint and `answered_at` trimmed), made
    /// on its first row: its touchpoint's id, then its day, then the cell, each looked up.
    #[inline(never)]
    fn find_cell(&mut self, touchpoint: &[u8], answered_at: &[u8], none_key: &str) -> usize {
        let touchpoint = match touchpoint {
            [] => none_key.as_bytes(),
            t => t,
        };
        let id = self.touchpoint_id(touchpoint);
        let day = self.day(answered_at);
        self.cell((id, day))
    }

    /// The id of a touchpoint (trimmed, not empty), given on its first row.
    fn touchpoint_id(&mut self, touchpoint: &[u8]) -> u32 {
        if let Some(id) = self.touchpoint_ids.get(touchpoint) {
            return *id;
        }
        let id = self.analysis.touchpoints.len() as u32;
        let name = String::from_utf8_lossy(touchpoint).into_owned();
        self.analysis.touchpoints.push(name);
        self.touchpoint_ids.insert(touchpoint.to_vec(), id);
        id
    }

    /// The index in `cells` of a (touchpoint, day) cell, made on its first row.
    fn cell(&mut self, key: CellKey) -> usize {
        if let Some(at) = self.cell_ids.get(&key) {
            return *at;
        }
        self.cells.push((key, [0; 11]));
        self.cell_ids.insert(key, self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// Adds what a builder of a later part of the same file counted (its finished analysis):
    /// then this builder holds what one reading both parts in order would. The invalid rows are
    /// set apart, from the merged report ([`Builder::invalid`]).
    pub fn merge(&mut self, later: Analysis) {
        let ids: Vec<u32> = later
            .touchpoints
            .iter()
            .map(|name| self.touchpoint_id(name.as_bytes()))
            .collect();
        for cell in &later.cells {
            let at = self.cell((ids[cell.touchpoint as usize], cell.day));
            let counts = &mut self.cells[at].1;
            for (c, later) in counts.iter_mut().zip(cell.counts) {
                *c = c.saturating_add(later);
            }
        }
        // The first comments of each category are kept, in file order: this part's, then as
        // many of the later part's (its first, in order) as there is room for.
        let mut kept = self
            .analysis
            .comments_seen
            .map(|n| n.min(MAX_COMMENTS as u64));
        for comment in later.comments {
            let Ok(category) = Category::of(comment.score) else {
                continue;
            };
            let kept = &mut kept[category_index(category)];
            if *kept < MAX_COMMENTS as u64 {
                *kept += 1;
                self.analysis.comments.push(comment);
            }
        }
        for (seen, later) in self
            .analysis
            .comments_seen
            .iter_mut()
            .zip(later.comments_seen)
        {
            *seen += later;
        }
    }

    /// The day of `answered_at`, parsed once per UTC date.
    fn day(&mut self, answered_at: &[u8]) -> Option<i64> {
        if answered_at.is_empty() {
            return None;
        }
        let Some(date) = time::zulu_date(answered_at) else {
            return core::str::from_utf8(answered_at)
                .ok()
                .and_then(time::day_of);
        };
        let mut bytes = [0; 10];
        bytes.copy_from_slice(date);
        if let Some(day) = self.dates.get(&bytes) {
            return Some(*day);
        }
        let day = core::str::from_utf8(answered_at)
            .ok()
            .and_then(time::day_of)?;
        self.dates.insert(bytes, day);
        Some(day)
    }

    /// The rows that were not counted, and the first of their line numbers.
    pub fn invalid(&mut self, invalid: u64, lines: &[u64]) {
        self.analysis.invalid = invalid;
        self.analysis.invalid_lines = lines.to_vec();
    }

    pub fn finish(mut self) -> Analysis {
        let mut cells: Vec<Cell> = self
            .cells
            .into_iter()
            .map(|((touchpoint, day), counts)| Cell {
                touchpoint,
                day,
                counts,
            })
            .collect();
        cells.sort_by_key(|c| (c.day, c.touchpoint));
        self.analysis.cells = cells;
        self.analysis
    }
}

/// Which answers a view counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// One touchpoint, or all.
    pub touchpoint: Option<String>,
}

/// One group of a grouping: its key and tally.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub key: String,
    pub tally: Tally,
}

/// One period of the trend and its change against the one before.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPoint {
    pub key: String,
    pub tally: Tally,
    /// The change against the period before (the report's `change`); None for the first.
    pub change: Option<Change>,
}

impl Analysis {
    fn tally(counts: &[u64; 11]) -> Tally {
        Tally::from_counts(*counts)
    }

    fn cells<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Cell> + 'a {
        let want = filter
            .touchpoint
            .as_deref()
            .map(|t| self.touchpoints.iter().position(|x| x == t));
        self.cells.iter().filter(move |c| match want {
            None => true,
            Some(id) => id == Some(c.touchpoint as usize),
        })
    }

    /// Every answer the filter lets through.
    pub fn overall(&self, filter: &Filter) -> Tally {
        let mut all = Tally::new();
        for c in self.cells(filter) {
            all.merge(&Self::tally(&c.counts));
        }
        all
    }

    /// The touchpoints, in order of first appearance.
    pub fn touchpoint_names(&self) -> &[String] {
        &self.touchpoints
    }

    /// One group per touchpoint, in order of first appearance.
    pub fn by_touchpoint(&self) -> Vec<Group> {
        let mut tallies = vec![Tally::new(); self.touchpoints.len()];
        for c in &self.cells {
            tallies[c.touchpoint as usize].merge(&Self::tally(&c.counts));
        }
        self.touchpoints
            .iter()
            .cloned()
            .zip(tallies)
            .map(|(key, tally)| Group { key, tally })
            .collect()
    }

    /// The dated answers grouped by `period`, oldest first, each with its change against the
    /// period before (periods without answers do not appear).
    pub fn trend(&self, period: Period, filter: &Filter) -> Vec<TrendPoint> {
        let mut groups: Vec<(String, Tally)> = Vec::new();
        // Cells are sorted by day, so keys come in time order.
        for c in self.cells(filter) {
            let Some(day) = c.day else { continue };
            let key = period.key(day);
            match groups.last_mut() {
                Some((k, t)) if *k == key => t.merge(&Self::tally(&c.counts)),
                _ => groups.push((key, Self::tally(&c.counts))),
            }
        }
        let mut out: Vec<TrendPoint> = Vec::with_capacity(groups.len());
        for (key, tally) in groups {
            let change = out.last().map(|prev| Change::between(&prev.tally, &tally));
            out.push(TrendPoint { key, tally, change });
        }
        out
    }

    /// The answers of one period (a key of [`Analysis::trend`]).
    pub fn period(&self, period: Period, key: &str, filter: &Filter) -> Tally {
        let mut t = Tally::new();
        for c in self.cells(filter) {
            if c.day.is_some_and(|d| period.key(d) == key) {
                t.merge(&Self::tally(&c.counts));
            }
        }
        t
    }

    /// Rows counted without a usable `answered_at` (in every view but the trend).
    pub fn undated(&self, filter: &Filter) -> u64 {
        self.cells(filter)
            .filter(|c| c.day.is_none())
            .map(|c| c.counts.iter().sum::<u64>())
            .sum()
    }

    /// The kept comments of `category` (all when None) and touchpoint (all when None).
    pub fn comments<'a>(
        &'a self,
        category: Option<Category>,
        touchpoint: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Comment> + 'a {
        self.comments.iter().filter(move |c| {
            category.is_none_or(|want| c.category() == want)
                && touchpoint.is_none_or(|t| c.touchpoint == t)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Analysis {
        let mut b = Builder::default();
        for (score, tp, at, comment) in [
            (10, "checkout", Some("2026-10-05T10:00:00Z"), "great"),
            (9, "checkout", Some("2026-10-20T10:00:00Z"), ""),
            (3, "delivery", Some("2026-10-21T10:00:00Z"), "late"),
            (8, "delivery", Some("2026-11-02T10:00:00Z"), " "),
            (2, "checkout", Some("2026-11-03T10:00:00Z"), "broken"),
            (10, "checkout", None, "undated"),
        ] {
            b.add(
                score,
                tp.as_bytes(),
                at.unwrap_or("").as_bytes(),
                comment.as_bytes(),
                "(none)",
            );
        }
        b.finish()
    }

    #[test]
    fn overall_and_by_touchpoint_sum_the_cells() {
        let a = sample();
        let all = a.overall(&Filter::default());
        assert_eq!((all.n(), all.promoters(), all.detractors()), (6, 3, 2));
        let checkout = a.overall(&Filter {
            touchpoint: Some("checkout".into()),
        });
        assert_eq!((checkout.n(), checkout.nps()), (4, Some(50.0)));
        let groups = a.by_touchpoint();
        assert_eq!(
            groups
                .iter()
                .map(|g| (g.key.as_str(), g.tally.n()))
                .collect::<Vec<_>>(),
            [("checkout", 4), ("delivery", 2)]
        );
        assert_eq!(a.undated(&Filter::default()), 1);
    }

    #[test]
    fn trend_by_month_has_changes_between_consecutive_months() {
        let a = sample();
        let t = a.trend(Period::Month, &Filter::default());
        assert_eq!(
            t.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
            ["2026-10", "2026-11"]
        );
        // October: 10, 9, 3 → NPS 33.3; November: 8, 2 → NPS −50.
        assert!(t[0].change.is_none());
        let change = t[1].change.unwrap();
        assert!((change.diff.unwrap() - (-50.0 - 100.0 / 3.0)).abs() < 1e-9);
        assert!(change.z.is_some());
        assert_eq!(
            a.period(Period::Month, "2026-10", &Filter::default()).n(),
            3
        );
    }

    #[test]
    fn comments_by_category_and_touchpoint() {
        let a = sample();
        let detractors: Vec<_> = a
            .comments(Some(Category::Detractor), None)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(detractors, ["late", "broken"]);
        assert_eq!(a.comments(None, Some("checkout")).count(), 3);
        assert_eq!(a.comments_seen, [2, 0, 2]);
    }

    #[test]
    fn labels_name_periods_in_words() {
        assert_eq!(Period::Month.label("2026-10"), "October 2026");
        assert_eq!(Period::Week.label("2026-W07"), "week 7 of 2026");
        assert_eq!(Period::Day.label("2026-10-05"), "2026-10-05");
    }

    /// The cells as counting each row by its touchpoint's name and `time::day_of` of its
    /// `answered_at` gives them, with no table in between.
    fn plain_cells(rows: &[(u8, String, String)]) -> (Vec<String>, Vec<Cell>) {
        let mut names: Vec<String> = Vec::new();
        let mut cells: Vec<Cell> = Vec::new();
        for (score, tp, at) in rows {
            let name = match tp.trim_ascii() {
                "" => NONE_KEY.to_owned(),
                t => t.to_owned(),
            };
            let id = match names.iter().position(|n| *n == name) {
                Some(id) => id as u32,
                None => {
                    names.push(name);
                    names.len() as u32 - 1
                }
            };
            let at = at.trim_ascii();
            let day = if at.is_empty() {
                None
            } else {
                time::day_of(at)
            };
            match cells
                .iter_mut()
                .find(|c| (c.touchpoint, c.day) == (id, day))
            {
                Some(c) => c.counts[usize::from(*score)] += 1,
                None => {
                    let mut counts = [0; 11];
                    counts[usize::from(*score)] = 1;
                    cells.push(Cell {
                        touchpoint: id,
                        day,
                        counts,
                    });
                }
            }
        }
        cells.sort_by_key(|c| (c.day, c.touchpoint));
        (names, cells)
    }

    const NONE_KEY: &str = "(none)";

    #[test]
    fn the_quick_utc_date_is_time_zulu_date() {
        let base = b"2026-10-01T23:59:59Z";
        let bytes = b"0123456789:-TtZz. \x00\xff/";
        let mut checked = 0;
        // Every byte of the common shape changed to each of `bytes`, and two at once (hour,
        // minute, second digits against their bounds).
        for i in 0..base.len() {
            for &x in bytes {
                for j in i..base.len() {
                    for &y in if j == i { &b"0"[..] } else { &bytes[..] } {
                        let mut s = *base;
                        s[i] = x;
                        if j > i {
                            s[j] = y;
                        }
                        assert_eq!(zulu_date(&s), time::zulu_date(&s), "{:?}", s.escape_ascii());
                        checked += 1;
                    }
                }
            }
        }
        for s in [
            &b"2026-10-01T12:00:00.5Z"[..],
            b"2026-10-01T12:00:00z",
            b"2026-10-01t12:00:00Z",
            b"2026-10-01T12:00:00+01:00",
            b"2026-10-01T12:00:00Z ",
            b"2026-10-01T12:00:0Z",
            b"",
        ] {
            assert_eq!(zulu_date(s), time::zulu_date(s), "{:?}", s.escape_ascii());
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn rows_found_in_the_recent_table_count_as_rows_looked_up() {
        // More (touchpoint, day) pairs than the table has slots, so that many share one, and
        // every shape a row key must tell apart or leave to the lookups.
        let touchpoints = [
            "checkout",
            " checkout ",
            "checkout2",
            "",
            "  ",
            NONE_KEY,
            "touchpoint-of-exactly-24",
            "a touchpoint longer than twenty-four bytes",
            "twenty-five bytes long!!!",
            "twenty-five bytes long!!",
            "checkout\0",
            "\u{e9}t\u{e9}",
        ];
        let times = [
            "",
            " ",
            "2026-10-01T12:00:00Z",
            "2026-10-01T23:59:59.999z",
            "2026-10-01",
            "2026-10-01T12:00:00+02:00",
            "2026-10-01T00:30:00+01:00",
            "2026-02-30T10:00:00Z",
            "1969-12-31T10:00:00Z",
            "\0\0\0\0\0\0\0\0\0\0T10:00:00Z",
            "not a date",
        ];
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut rows = Vec::new();
        for _ in 0..20_000 {
            let r = next();
            let tp = touchpoints[(r % touchpoints.len() as u64) as usize];
            let at = match (r >> 8) % 3 {
                // Many days, so that the table is full.
                0 => format!(
                    "20{:02}-{:02}-{:02}T08:00:00Z",
                    20 + (r >> 16) % 10,
                    1 + (r >> 24) % 12,
                    1 + (r >> 32) % 28
                ),
                _ => times[((r >> 40) % times.len() as u64) as usize].to_owned(),
            };
            rows.push(((r >> 48) as u8 % 11, tp.to_owned(), at));
        }
        let mut b = Builder::default();
        for (score, tp, at) in &rows {
            b.add(*score, tp.as_bytes(), at.as_bytes(), b"", NONE_KEY);
        }
        let a = b.finish();
        let (names, cells) = plain_cells(&rows);
        assert_eq!(a.touchpoints, names);
        assert_eq!(a.cells, cells);
    }

    #[test]
    fn round_trips_through_json_for_the_worker() {
        let a = sample();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Analysis>(&json).unwrap(), a);
    }
}
