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
pub mod text;
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
pub use text::{
    char_count, char_prefix, find_ascii, find_byte, parse_digits, push_u64, split_ascii,
};
pub use time::{rfc3339_from_unix_ms, unix_ms_from_rfc3339, uuid_v7};
pub use wire::{
    Batch, Properties, PropertyValue, Response, WireError, MAX_BODY_BYTES, MAX_COMMENT_CHARS,
    MAX_RESPONSES, SCHEMA,
};
