//! Time helpers without a clock: RFC 3339 formatting and parsing, UUIDv7 ids, and the
//! calendar of the report's time groups (UTC days, ISO weeks, months; docs/contract.md §6).
//!
//! The crate never reads the clock itself. Callers pass Unix time in milliseconds
//! (`Date.now()` in the browser, `SystemTime` natively), which keeps every function here
//! deterministic and testable.

const MS_PER_SEC: u64 = 1000;
const SECS_PER_DAY: u64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian civil date (Howard Hinnant's
/// `days_from_civil`); negative before 1970. `month` is 1..=12, `day` 1..=31.
///
/// # Example
///
/// ```
/// use nps_core::time::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2000, 3, 1), 11_017);
/// assert_eq!(days_from_civil(1969, 12, 31), -1);
/// ```
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Shift the year so that it starts in March: the leap day is then the last day.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    // 719_468 = days from 0000-03-01 to 1970-01-01.
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1..=12, day 1..=31) of a day count since 1970-01-01.
///
/// # Example
///
/// ```
/// use nps_core::time::civil_from_days;
/// assert_eq!(civil_from_days(0), (1970, 1, 1));
/// assert_eq!(civil_from_days(-1), (1969, 12, 31));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
///
/// # Example
///
/// ```
/// assert!(nps_core::time::is_leap_year(2024) && !nps_core::time::is_leap_year(1900));
/// ```
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1..=12) of `year`.
///
/// # Example
///
/// ```
/// assert_eq!(nps_core::time::days_in_month(2024, 2), 29);
/// ```
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix milliseconds of a UTC civil date-time (year >= 1970, fields already validated).
pub(crate) fn unix_ms_from_parts(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> u64 {
    let days = days_from_civil(i64::from(year), month, day).max(0) as u64;
    let secs =
        days * SECS_PER_DAY + u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    secs * MS_PER_SEC
}

fn push_digits(out: &mut String, value: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut v = value;
    let mut i = buf.len();
    while v > 0 {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(char::from(b));
    }
}

/// Formats Unix milliseconds as an RFC 3339 UTC timestamp with whole seconds.
///
/// Milliseconds are truncated, so the result parses back to `ms - ms % 1000`.
///
/// # Example
///
/// ```
/// use nps_core::time::rfc3339_from_unix_ms;
/// assert_eq!(rfc3339_from_unix_ms(1_795_341_600_000), "2026-11-22T10:00:00Z");
/// assert_eq!(rfc3339_from_unix_ms(0), "1970-01-01T00:00:00Z");
/// ```
pub fn rfc3339_from_unix_ms(ms: u64) -> String {
    let secs = ms / MS_PER_SEC;
    let (year, month, day) = civil_from_days((secs / SECS_PER_DAY) as i64);
    let rem = secs % SECS_PER_DAY;
    let mut out = String::with_capacity(20);
    push_digits(&mut out, year.max(0) as u64, 4);
    out.push('-');
    push_digits(&mut out, u64::from(month), 2);
    out.push('-');
    push_digits(&mut out, u64::from(day), 2);
    out.push('T');
    push_digits(&mut out, rem / 3600, 2);
    out.push(':');
    push_digits(&mut out, rem % 3600 / 60, 2);
    out.push(':');
    push_digits(&mut out, rem % 60, 2);
    out.push('Z');
    out
}

/// A cursor over ASCII bytes used by the small hand-written parsers of this module.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn eat_any(&mut self, a: u8, b: u8) -> Option<()> {
        self.eat(a).or_else(|| self.eat(b))
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let b = self.peek()?;
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        Some(v)
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Parses an RFC 3339 timestamp into Unix milliseconds.
///
/// Accepts `YYYY-MM-DDTHH:MM:SS`, optional fractional seconds (any number of digits,
/// truncated to milliseconds), and `Z` or a `±hh:mm` offset. `T` and `Z` may be lowercase,
/// as RFC 3339 allows. Leap seconds (`:60`) are not accepted, matching JavaScript's `Date`.
///
/// # Errors
///
/// Returns `None` for anything that is not a valid RFC 3339 date-time (bad field, impossible
/// date such as `2025-02-29`, missing offset) or that lies before 1970-01-01T00:00:00Z.
///
/// # Example
///
/// ```
/// use nps_core::time::unix_ms_from_rfc3339;
/// assert_eq!(unix_ms_from_rfc3339("2026-11-22T10:00:00Z"), Some(1_795_341_600_000));
/// assert_eq!(unix_ms_from_rfc3339("2026-11-22T13:00:00.250+03:00"), Some(1_795_341_600_250));
/// assert_eq!(unix_ms_from_rfc3339("2026-11-22 10:00"), None);
/// ```
pub fn unix_ms_from_rfc3339(s: &str) -> Option<u64> {
    let mut c = Cursor::new(s);
    let year = c.digits(4)?;
    c.eat(b'-')?;
    let month = c.digits(2)?;
    c.eat(b'-')?;
    let day = c.digits(2)?;
    c.eat_any(b'T', b't')?;
    let hour = c.digits(2)?;
    c.eat(b':')?;
    let minute = c.digits(2)?;
    c.eat(b':')?;
    let second = c.digits(2)?;
    if year < 1970
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(i64::from(year), month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut millis = 0u64;
    if c.eat(b'.').is_some() {
        let mut count = 0;
        while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
            if count < 3 {
                millis = millis * 10 + u64::from(b - b'0');
            }
            count += 1;
            c.pos += 1;
        }
        if count == 0 {
            return None;
        }
        for _ in count..3 {
            millis *= 10;
        }
    }
    let local = unix_ms_from_parts(year, month, day, hour, minute, second) + millis;
    if c.eat_any(b'Z', b'z').is_some() {
        return c.done().then_some(local);
    }
    let sign = c.peek()?;
    if sign != b'+' && sign != b'-' {
        return None;
    }
    c.pos += 1;
    let off_h = c.digits(2)?;
    c.eat(b':')?;
    let off_m = c.digits(2)?;
    if off_h > 23 || off_m > 59 || !c.done() {
        return None;
    }
    let offset = (u64::from(off_h) * 3600 + u64::from(off_m) * 60) * MS_PER_SEC;
    // local = utc + offset for "+hh:mm", so utc = local - offset.
    if sign == b'+' {
        local.checked_sub(offset)
    } else {
        Some(local + offset)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Builds an RFC 9562 version 7 UUID from a Unix millisecond timestamp and 10 random bytes.
///
/// Layout: 48 bits of big-endian milliseconds, the version nibble `7`, 12 random bits, the
/// variant bits `10`, 62 random bits. Ids made in later milliseconds sort after earlier ones,
/// both as bytes and as the lowercase hyphenated strings this returns. Only the low 48 bits of
/// `unix_ms` are used (enough until the year 10889).
///
/// # Example
///
/// ```
/// use nps_core::time::uuid_v7;
/// let id = uuid_v7(1_795_341_600_000, [0xff; 10]);
/// assert_eq!(id, "01a202b2-c500-7fff-bfff-ffffffffffff");
/// assert_eq!(id.len(), 36);
/// ```
pub fn uuid_v7(unix_ms: u64, random: [u8; 10]) -> String {
    let mut bytes = [0u8; 16];
    let ms = unix_ms.to_be_bytes();
    bytes[..6].copy_from_slice(&ms[2..]);
    bytes[6] = 0x70 | (random[0] & 0x0f);
    bytes[7] = random[1];
    bytes[8] = 0x80 | (random[2] & 0x3f);
    bytes[9..].copy_from_slice(&random[3..]);
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

// ---------- calendar days (the time groups of a report) ----------

/// Milliseconds in a day.
pub const MS_PER_DAY: u64 = SECS_PER_DAY * MS_PER_SEC;

/// Parses exactly `YYYY-MM-DD` (a real calendar date) into its day number (days since
/// 1970-01-01).
///
/// # Example
///
/// ```
/// use nps_core::time::parse_date;
/// assert_eq!(parse_date("1970-01-02"), Some(1));
/// assert_eq!(parse_date("2026-02-29"), None);
/// ```
pub fn parse_date(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s);
    let y = c.digits(4)?;
    c.eat(b'-')?;
    let m = c.digits(2)?;
    c.eat(b'-')?;
    let d = c.digits(2)?;
    let y = i64::from(y);
    if !c.done() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// The UTC day number of an `answered_at` value: an RFC 3339 time (any offset, converted to
/// UTC) or a bare `YYYY-MM-DD`; surrounding spaces are ignored.
///
/// # Example
///
/// ```
/// use nps_core::time::{day_of, format_day};
/// let day = day_of("2026-11-22T23:30:00-05:00").unwrap();
/// assert_eq!(format_day(day), "2026-11-23");
/// assert_eq!(day_of("yesterday"), None);
/// ```
pub fn day_of(answered_at: &str) -> Option<i64> {
    let s = answered_at.trim();
    if s.len() == 10 {
        return parse_date(s);
    }
    let ms = unix_ms_from_rfc3339(s)?;
    i64::try_from(ms / MS_PER_DAY).ok()
}

/// The date part of a UTC time written `YYYY-MM-DDTHH:MM:SS[.fraction]Z` whose time of day is
/// valid: its UTC day is that date (see [`parse_date`]; before 1970, [`day_of`] says `None`).
/// `None` for any other form, which [`day_of`] reads in full. Lets a reader that sees many
/// times of one day parse that day once.
///
/// # Example
///
/// ```
/// use nps_core::time::zulu_date;
/// assert_eq!(zulu_date(b"2026-11-22T09:59:41.5Z"), Some(&b"2026-11-22"[..]));
/// assert_eq!(zulu_date(b"2026-11-22T24:00:00Z"), None);
/// assert_eq!(zulu_date(b"2026-11-22T09:59:41+01:00"), None);
/// ```
#[inline]
pub fn zulu_date(s: &[u8]) -> Option<&[u8]> {
    if s.len() < 20 {
        return None;
    }
    let (date, t) = s.split_at(10);
    let two = |i: usize| -> Option<u32> {
        match (t[i], t[i + 1]) {
            (a @ b'0'..=b'9', b @ b'0'..=b'9') => {
                Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => None,
        }
    };
    if !matches!(t[0], b'T' | b't') || t[3] != b':' || t[6] != b':' {
        return None;
    }
    if two(1)? > 23 || two(4)? > 59 || two(7)? > 59 {
        return None;
    }
    let rest = match t[9..].split_first() {
        Some((b'.', fraction)) => {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            &fraction[digits..]
        }
        _ => &t[9..],
    };
    matches!(rest, b"Z" | b"z").then_some(date)
}

/// Unix milliseconds of the start (00:00:00Z) of a day number; `None` before 1970.
///
/// # Example
///
/// ```
/// assert_eq!(nps_core::time::ms_of_day(1), Some(86_400_000));
/// assert_eq!(nps_core::time::ms_of_day(-1), None);
/// ```
pub fn ms_of_day(day: i64) -> Option<u64> {
    u64::try_from(day).ok()?.checked_mul(MS_PER_DAY)
}

/// The Monday that starts the ISO 8601 week of a day number.
///
/// # Example
///
/// ```
/// use nps_core::time::{monday_of, parse_date};
/// let sunday = parse_date("2026-11-22").unwrap();
/// assert_eq!(monday_of(sunday), parse_date("2026-11-16").unwrap());
/// ```
pub fn monday_of(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    day - (day + 3).rem_euclid(7)
}

/// The first day of the month of a day number.
///
/// # Example
///
/// ```
/// use nps_core::time::{first_of_month, parse_date};
/// let day = parse_date("2026-11-22").unwrap();
/// assert_eq!(first_of_month(day), parse_date("2026-11-01").unwrap());
/// ```
pub fn first_of_month(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    days_from_civil(y, m, 1)
}

/// ISO 8601 week-numbering (year, week 1..=53) of a day number.
///
/// # Example
///
/// ```
/// use nps_core::time::{iso_week, parse_date};
/// assert_eq!(iso_week(parse_date("2021-01-03").unwrap()), (2020, 53));
/// ```
pub fn iso_week(day: i64) -> (i64, u32) {
    let thursday = monday_of(day) + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// `2026-11-22`
///
/// # Example
///
/// ```
/// assert_eq!(nps_core::time::format_day(0), "1970-01-01");
/// ```
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    let mut out = String::with_capacity(10);
    push_digits(&mut out, y.max(0) as u64, 4);
    out.push('-');
    push_digits(&mut out, u64::from(m), 2);
    out.push('-');
    push_digits(&mut out, u64::from(d), 2);
    out
}

/// `2026-W47`: the ISO week of a day number.
///
/// # Example
///
/// ```
/// use nps_core::time::{format_week, parse_date};
/// assert_eq!(format_week(parse_date("2026-11-22").unwrap()), "2026-W47");
/// ```
pub fn format_week(day: i64) -> String {
    let (y, w) = iso_week(day);
    let mut out = String::with_capacity(8);
    push_digits(&mut out, y.max(0) as u64, 4);
    out.push_str("-W");
    push_digits(&mut out, u64::from(w), 2);
    out
}

/// `2026-11`: the month of a day number.
///
/// # Example
///
/// ```
/// use nps_core::time::{format_month, parse_date};
/// assert_eq!(format_month(parse_date("2026-11-22").unwrap()), "2026-11");
/// ```
pub fn format_month(day: i64) -> String {
    let (y, m, _) = civil_from_days(day);
    let mut out = String::with_capacity(7);
    push_digits(&mut out, y.max(0) as u64, 4);
    out.push('-');
    push_digits(&mut out, u64::from(m), 2);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_22_2026_10H: u64 = 1_795_341_600_000;

    #[test]
    fn known_dates_format() {
        assert_eq!(rfc3339_from_unix_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339_from_unix_ms(NOV_22_2026_10H),
            "2026-11-22T10:00:00Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(NOV_22_2026_10H - 19_000 - 1),
            "2026-11-22T09:59:40Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(951_782_400_000),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(253_402_300_799_000),
            "9999-12-31T23:59:59Z"
        );
    }

    #[test]
    fn known_dates_parse() {
        assert_eq!(unix_ms_from_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            unix_ms_from_rfc3339("2026-11-22T10:00:00Z"),
            Some(NOV_22_2026_10H)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-11-22t10:00:00z"),
            Some(NOV_22_2026_10H)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-11-22T05:00:00-05:00"),
            Some(NOV_22_2026_10H)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-11-22T10:00:00.5Z"),
            Some(NOV_22_2026_10H + 500)
        );
        assert_eq!(
            unix_ms_from_rfc3339("2026-11-22T10:00:00.123456789Z"),
            Some(NOV_22_2026_10H + 123)
        );
        assert_eq!(unix_ms_from_rfc3339("1970-01-01T00:30:00+01:00"), None);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2026));
        assert!(unix_ms_from_rfc3339("2024-02-29T00:00:00Z").is_some());
        assert!(unix_ms_from_rfc3339("2000-02-29T00:00:00Z").is_some());
        assert_eq!(unix_ms_from_rfc3339("2026-02-29T00:00:00Z"), None);
        assert_eq!(unix_ms_from_rfc3339("2100-02-29T00:00:00Z"), None);
        // 2024-02-28 + 1 day is the 29th, + 2 days is March 1st.
        let feb28 = unix_ms_from_rfc3339("2024-02-28T12:00:00Z").unwrap_or(0);
        assert_eq!(
            rfc3339_from_unix_ms(feb28 + 86_400_000),
            "2024-02-29T12:00:00Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(feb28 + 2 * 86_400_000),
            "2024-03-01T12:00:00Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(unix_ms_from_rfc3339("2023-12-31T23:59:59Z").unwrap_or(0) + 1000),
            "2024-01-01T00:00:00Z"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22T10:00:00",
            "2026-11-22T10:00Z",
            "2026-11-22 10:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T10:60:00Z",
            "2026-11-22T10:00:60Z",
            "2026-11-22T10:00:00.Z",
            "2026-11-22T10:00:00+0300",
            "2026-11-22T10:00:00+24:00",
            "2026-11-22T10:00:00Zjunk",
            "1969-12-31T23:59:59Z",
            "+2026-11-22T10:00:00Z",
            "２026-11-22T10:00:00Z",
        ] {
            assert_eq!(unix_ms_from_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn uuid_layout() {
        let id = uuid_v7(NOV_22_2026_10H, [0; 10]);
        assert_eq!(id, "01a202b2-c500-7000-8000-000000000000");
        let id = uuid_v7(0x0123_4567_89ab, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(id, "01234567-89ab-7102-8304-05060708090a");
    }

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
        assert_eq!(
            ms_of_day(parse_date("2026-11-22").unwrap()),
            Some(1_795_305_600_000)
        );
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
            "2026-11-22T",
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
        // Every day of a week has the week of its Monday.
        let monday = parse_date("2026-12-28").unwrap();
        for d in monday..monday + 7 {
            assert_eq!(monday_of(d), monday);
            assert_eq!(format_week(d), "2026-W53");
        }
    }

    #[test]
    fn zulu_date_agrees_with_the_full_parser() {
        let dates = [
            "2026-11-22",
            "1970-01-01",
            "1969-12-31",
            "2024-02-29",
            "2026-02-29",
            "2026-1-22x",
        ];
        let times = [
            "T09:59:41Z",
            "t23:59:59.999999z",
            "T00:00:00.Z",
            "T24:00:00Z",
            "T10:60:00Z",
            "T10:00:60Z",
            "T10:00:00",
            "T10:00:00+01:00",
            "T10:00:00-05:00",
            "T1:00:00Z",
            "T10:00:00.5Zjunk",
            "T10:00:00ZZ",
            " 10:00:00Z",
            "T10:0a:00Z",
        ];
        for d in dates {
            for t in times {
                let s = format!("{d}{t}");
                let full = day_of(&s);
                let fast = zulu_date(s.as_bytes()).map(|date| {
                    core::str::from_utf8(date)
                        .ok()
                        .and_then(parse_date)
                        .filter(|&d| d >= 0)
                });
                if let Some(fast) = fast {
                    assert_eq!(fast, full, "{s}");
                } else {
                    assert!(!t.ends_with(['Z', 'z']) || full.is_none(), "{s}");
                }
            }
        }
    }

    #[test]
    fn day_of_answered_at_is_utc() {
        let d = |s: &str| day_of(s).map(format_day);
        assert_eq!(d("2026-11-22T09:59:41Z").as_deref(), Some("2026-11-22"));
        assert_eq!(d(" 2026-11-22 ").as_deref(), Some("2026-11-22"));
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
        assert_eq!(
            format_day(first_of_month(parse_date("2024-02-29").unwrap())),
            "2024-02-01"
        );
    }
}
