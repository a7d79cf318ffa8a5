//! Calendar helpers (proleptic Gregorian, UTC): days since 1970-01-01, ISO weeks, date parsing.

const MS_PER_DAY: u64 = 86_400_000;

pub use nps_core::time::{civil_from_days, days_from_civil, days_in_month};

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        b.iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0')),
    )
}

/// Parses exactly `YYYY-MM-DD` (a real calendar date) into its day number.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = i64::from(digits(&b[0..4])?);
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// The UTC day number of an `answered_at` value: RFC 3339 (any offset) or a bare `YYYY-MM-DD`.
pub fn day_of(answered_at: &str) -> Option<i64> {
    let s = answered_at.trim();
    if s.len() == 10 {
        return parse_date(s);
    }
    let ms = nps_core::time::unix_ms_from_rfc3339(s)?;
    i64::try_from(ms / MS_PER_DAY).ok()
}

/// Unix milliseconds of the start (00:00:00Z) of a day number; None before 1970.
pub fn ms_of_day(day: i64) -> Option<u64> {
    u64::try_from(day).ok()?.checked_mul(MS_PER_DAY)
}

/// ISO 8601 week-numbering (year, week 1..=53) of a day number.
pub fn iso_week(day: i64) -> (i64, u32) {
    // 1970-01-01 was a Thursday; ISO weekday Monday = 1 .. Sunday = 7.
    let weekday = (day + 3).rem_euclid(7) + 1;
    let thursday = day - (weekday - 1) + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// `2026-11-22`
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-W47`
pub fn format_week(day: i64) -> String {
    let (y, w) = iso_week(day);
    format!("{y:04}-W{w:02}")
}

/// `2026-11`
pub fn format_month(day: i64) -> String {
    let (y, m, _) = civil_from_days(day);
    format!("{y:04}-{m:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_four_centuries() {
        let start = days_from_civil(1900, 1, 1);
        let end = days_from_civil(2300, 12, 31);
        let mut prev = civil_from_days(start - 1);
        for day in start..=end {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
            assert!(d >= 1 && d <= days_in_month(y, m));
            // consecutive days are consecutive dates
            if d == 1 {
                assert!(prev.2 == days_in_month(prev.0, prev.1));
            } else {
                assert_eq!((prev.0, prev.1, prev.2 + 1), (y, m, d));
            }
            prev = (y, m, d);
        }
    }

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(format_day(parse_date("2026-11-22").unwrap()), "2026-11-22");
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
    }

    #[test]
    fn parse_date_rejects_non_dates() {
        for s in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-11-31",
            "2026-1-22",
            "20261122",
            "2026/11/22",
            "2026-11-2x",
            "",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn iso_weeks_at_year_boundaries() {
        let w = |s: &str| format_week(parse_date(s).unwrap());
        assert_eq!(w("2026-11-22"), "2026-W47"); // Sunday
        assert_eq!(w("2026-11-23"), "2026-W48"); // Monday
        assert_eq!(w("2021-01-03"), "2020-W53");
        assert_eq!(w("2021-01-04"), "2021-W01");
        assert_eq!(w("2024-12-30"), "2025-W01");
        assert_eq!(w("2026-01-01"), "2026-W01"); // Thursday
        assert_eq!(w("2027-01-01"), "2026-W53"); // Friday, 2026 has 53 weeks
        assert_eq!(w("1970-01-01"), "1970-W01");
    }

    #[test]
    fn day_of_answered_at_is_utc() {
        let d = |s: &str| day_of(s).map(format_day);
        assert_eq!(d("2026-11-22T09:59:41Z").as_deref(), Some("2026-11-22"));
        assert_eq!(d("2026-11-22").as_deref(), Some("2026-11-22"));
        assert_eq!(
            d("2026-11-22T23:30:00-05:00").as_deref(),
            Some("2026-11-23")
        );
        assert_eq!(
            d("2026-11-22T00:30:00+02:00").as_deref(),
            Some("2026-11-21")
        );
        assert_eq!(d("yesterday"), None);
        assert_eq!(d(""), None);
        assert_eq!(format_month(parse_date("2026-11-22").unwrap()), "2026-11");
    }
}
