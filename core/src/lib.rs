//! `nps-core`: the pure logic of the nps-widget Net Promoter Score survey — scoring, the wire
//! format, option parsing, eligibility, the durable delivery queue, and (feature `reader`) the
//! streaming scorer of exports. No browser, no I/O, no clock: the same code runs in the
//! WebAssembly widget, the `nps` server and the CLI, so the numbers are identical everywhere.
//!
//! # Example
//!
//! ```
//! use nps_core::{parse_options, parse_score, Band, Outcome, QueueState, Response, Tally};
//!
//! // Options from a script tag's data- attributes.
//! let parsed = parse_options([
//!     ("data-endpoint", "https://api.example.com/v1/responses"),
//!     ("data-touchpoint", "checkout"),
//! ]);
//! assert!(parsed.active());
//!
//! // Score a few answers.
//! let tally: Tally = ["10", "9", " 8 ", "3", "9.5"]
//!     .iter()
//!     .filter_map(|s| parse_score(s).ok())
//!     .collect();
//! let summary = tally.summary();
//! assert_eq!(summary.n, 4);
//! assert_eq!(summary.nps, Some(25.0));
//! assert_eq!(summary.band(), Some(Band::NeedsWork));
//!
//! // Queue an answer, send it, acknowledge it.
//! let mut queue = QueueState::default();
//! queue.enqueue(Response {
//!     id: nps_core::uuid_v7(1_795_341_581_000, [7; 10]),
//!     score: 9,
//!     comment: Some("Fast delivery".into()),
//!     touchpoint: parsed.options.touchpoint.clone(),
//!     locale: "en".into(),
//!     answered_at: nps_core::rfc3339_from_unix_ms(1_795_341_581_000),
//!     page: "https://shop.example.com/orders/17".into(),
//!     properties: Default::default(),
//! });
//! let batch = queue.next_batch(1_795_341_600_000, 20).unwrap();
//! let ids: Vec<String> = batch.iter().map(|r| r.id.clone()).collect();
//! let outcome = nps_core::classify(Some(200), None, "", 1_795_341_600_000);
//! assert_eq!(outcome, Outcome::Accepted);
//! queue.apply(&ids, &outcome, 1_795_341_600_000, 0.5);
//! assert_eq!(queue.pending(), 0);
//! ```
//!
//! # Design notes
//!
//! - **Pure and deterministic.** Nothing here reads the clock, randomness or storage: callers
//!   pass `now_ms`, jitter, random bytes and a [`QueueStore`]. Every behaviour is therefore
//!   testable with plain `cargo test`, and property tests drive the queue through arbitrary
//!   interleavings of sends, failures and restarts.
//! - **Small in WebAssembly.** The crate is compiled into a size-budgeted `.wasm`: by default
//!   its only dependency is `serde` (derive). JSON is not parsed or written there — the browser
//!   uses `JSON.stringify` and the server `serde_json` — except for the tiny flat-object parser
//!   of `data-properties`. [`Response::json_len`] sizes bodies without serialising them.
//! - **One scorer of exports, behind a feature.** `reader` (off by default) adds `csv-core` and
//!   `serde_json` and the module `reader`: bytes in, in chunks of any size, a [`Report`] out
//!   (totals, invalid rows with their lines, groups by touchpoint / day / ISO week / month, the
//!   change between periods), and `Report::to_json`, the one JSON of `nps score --json`,
//!   `GET /v1/summary` and the client-side scorer. The embed does not turn it on, so its wasm
//!   does not carry it; `report` and the calendar of `time` are plain code without new
//!   dependencies.
//! - **Errors name the input and the fix.** Each module has a small error type with a
//!   hand-written `Display`: `data-sample must be a number between 0 and 1, got "abc"`,
//!   `responses[0].score: must be an integer from 0 to 10, got 11`. Option parsing never fails
//!   as a whole; bad cosmetic options keep their defaults, only endpoint errors are fatal.
//! - **Statistics are undefined without data.** With no answers, `nps`, `se` and `ci95` are
//!   `None` (JSON `null`), never 0 or NaN. The interval is adjusted Wald (docs/contract.md §6).
//! - **At-least-once delivery.** A response keeps its UUIDv7 id through every retry; the queue
//!   never loses or duplicates an id, and permanent refusals are kept as dead letters.

// No unsafe code, but in the two SIMD mask functions of the CSV reader's fast path
// (reader/csv/index.rs), each an unaligned 16-byte load.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod decimal;
pub mod eligibility;
pub mod keymap;
pub mod options;
pub mod queue;
#[cfg(feature = "reader")]
pub mod reader;
pub mod report;
pub mod scoring;
pub mod time;
pub mod wire;

pub use eligibility::{eligible, load_at, History, Ineligible};
pub use options::{
    negotiate_locale, parse_options, Mode, OptionError, OptionName, Options, Parsed, Theme, Trigger,
};
pub use queue::{
    backoff_ms, classify, transact, DeadLetter, MemoryStore, Outcome, QueueState, QueueStore,
};
pub use report::{Change, Group, GroupBy, Report, Stats};
pub use scoring::{compare, parse_score, Band, Category, Comparison, ScoreError, Summary, Tally};
pub use time::{rfc3339_from_unix_ms, unix_ms_from_rfc3339, uuid_v7};
pub use wire::{
    Batch, Properties, PropertyValue, Response, WireError, MAX_BODY_BYTES, MAX_COMMENT_CHARS,
    MAX_RESPONSES, SCHEMA,
};

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
mod text_tests {
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
