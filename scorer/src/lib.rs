//! nps-scorer: the client-side scorer page (`www/score.html`, docs/contract.md §7) — its own
//! wasm bundle (pkg/score/), so the embed's weight does not pay for it.
//!
//! - [`analysis`]: what the page keeps of a scored file (a tally per touchpoint and day, the
//!   comments), built row by row from nps-core's reader — the reader of `nps score`;
//! - [`model`]: the sentences, chart scales and exports, as plain values;
//! - `app` (wasm only): the Leptos views;
//! - `bindings` (wasm only): `Session` (the Web Worker's streaming reader), `scoreText`,
//!   `mount`.
//!
//! The report `NpsScorer` returns is [`nps_core::report::Report`]'s JSON: the bytes
//! `nps score --json` prints for the same input.

pub mod analysis;
pub mod model;
pub mod scan;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod bindings;

use nps_core::scoring::Summary;
use serde::Serialize;

use analysis::{Analysis, Filter, Period};

/// The summary export as JSON: all answers, each touchpoint, each month.
pub fn summary_json(a: &Analysis) -> String {
    #[derive(Serialize)]
    struct Export<'a> {
        all: Summary,
        touchpoints: Vec<(&'a str, Summary)>,
        months: Vec<(String, Summary)>,
        invalid: u64,
        invalid_lines: &'a [u64],
    }
    let groups = a.by_touchpoint();
    let export = Export {
        all: a.overall(&Filter::default()).summary(),
        touchpoints: groups
            .iter()
            .map(|g| (g.key.as_str(), g.tally.summary()))
            .collect(),
        months: a
            .trend(Period::Month, &Filter::default())
            .into_iter()
            .map(|p| (p.key, p.tally.summary()))
            .collect(),
        invalid: a.invalid,
        invalid_lines: &a.invalid_lines,
    };
    serde_json::to_string_pretty(&export).unwrap_or_default()
}
