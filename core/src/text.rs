//! Text by bytes: digits in and out, ASCII separators and character counts, without
//! `core::fmt`, `str::parse` or the standard library's `char` searchers, whose code would weigh
//! on the widget's wasm (each helper says what it saved). The results are the standard
//! library's: the tests below hold each helper to the call it stands in for. `str::trim` stays:
//! a byte-level Unicode trim measured 594 B of wasm more than the standard library's.

/// Appends the decimal digits of `v` without going through `core::fmt` (whose machinery would
/// cost the widget's wasm several KB).
///
/// # Example
///
/// ```
/// let mut s = String::from("n = ");
/// nps_core::push_u64(&mut s, 2000);
/// assert_eq!(s, "n = 2000");
/// ```
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// The number written as ASCII digits only (no sign, no space), `None` when it is empty, holds
/// anything else, or does not fit: `str::parse::<u64>` without its generic code (230 B of the
/// widget's wasm, measured).
///
/// ```
/// assert_eq!(nps_core::parse_digits("0042"), Some(42));
/// assert_eq!(nps_core::parse_digits("+1"), None);
/// assert_eq!(nps_core::parse_digits(""), None);
/// assert_eq!(nps_core::parse_digits("18446744073709551616"), None);
/// ```
pub fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(n)
}

/// The text before and after the first `sep`, an ASCII byte: `s.split_once(':')` by bytes.
/// These helpers stand in for `split_once`, `find`, `starts_with` and `split` on `char`
/// patterns and for `char_indices().nth()`: the standard library's `char` searchers cost the
/// widget's wasm 1 684 B raw, 660 B brotli (measured, issue 11).
///
/// ```
/// assert_eq!(nps_core::split_ascii("tab-1 1700", b' '), Some(("tab-1", "1700")));
/// assert_eq!(nps_core::split_ascii("Привет", b' '), None);
/// ```
pub fn split_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = find_ascii(s, sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// The byte offset of the first `b` (an ASCII byte) in `s`: `s.find(':')` by bytes (see
/// [`split_ascii`]).
///
/// ```
/// assert_eq!(nps_core::find_ascii("[::1]:8080", b']'), Some(4));
/// assert_eq!(nps_core::find_ascii("host", b':'), None);
/// ```
pub fn find_ascii(s: &str, b: u8) -> Option<usize> {
    find_byte(s, |c| c == b)
}

/// The byte offset of the first byte of `s` that `is` accepts. A plain loop: the standard
/// library's `position` is unrolled at `opt-level = "z"` too (`find_ascii` went from 199 B
/// of wasm to 135).
pub fn find_byte(s: &str, is: impl Fn(u8) -> bool) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is(bytes[i]) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The first `n` characters of `s` (all of it when it is shorter), found by bytes like
/// [`char_count`]: `char_indices().nth(n)` without the standard library's `CharIndices`.
///
/// ```
/// assert_eq!(nps_core::char_prefix("Привет", 2), "Пр");
/// assert_eq!(nps_core::char_prefix("ok", 5), "ok");
/// ```
pub fn char_prefix(s: &str, n: usize) -> &str {
    let mut starts = 0;
    for (i, b) in s.bytes().enumerate() {
        // A byte that starts a character (not a UTF-8 continuation byte).
        if (b as i8) >= -0x40 {
            if starts == n {
                return s.get(..i).unwrap_or(s);
            }
            starts += 1;
        }
    }
    s
}

/// The number of Unicode scalar values in `s` (what `s.chars().count()` returns), counted as
/// the bytes that do not continue a UTF-8 sequence: a few bytes of wasm instead of the
/// standard library's unrolled counter.
///
/// ```
/// assert_eq!(nps_core::char_count("Привет 👋"), 8);
/// assert_eq!(nps_core::char_count(""), 0);
/// ```
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| (*b as i8) >= -0x40).count()
}

/// The byte-level text helpers above against the standard library calls they stand in for.
/// Native only: proptest does not build for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn split_and_find_agree_with_std(s in "[a :\\-_/é🙂]{0,12}", sep in prop::sample::select(vec![b' ', b':', b'-', b'/'])) {
            let c = char::from(sep);
            prop_assert_eq!(super::split_ascii(&s, sep), s.split_once(c));
            prop_assert_eq!(super::find_ascii(&s, sep), s.find(c));
            prop_assert_eq!(super::find_byte(&s, |b| b == b'-' || b == b'_'), s.find(['-', '_']));
        }

        #[test]
        fn char_prefix_agrees_with_char_indices(s in "[aé🙂Ж ]{0,12}", n in 0usize..14) {
            let want = match s.char_indices().nth(n) {
                Some((cut, _)) => &s[..cut],
                None => s.as_str(),
            };
            prop_assert_eq!(super::char_prefix(&s, n), want);
        }

        #[test]
        fn parse_digits_agrees_with_parse(s in "[0-9+ a]{0,22}") {
            let want = if s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u64>().ok() } else { None };
            prop_assert_eq!(super::parse_digits(&s), want);
        }
    }
}
