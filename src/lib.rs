//! nps-widget: an embeddable Net Promoter Score survey compiled to
//! WebAssembly.
//!
//! A site adds one script tag (docs/contract.md §1); the loader `nps-widget.js` loads
//! this crate's wasm and calls [`embed::init`] with the tag's `data-*`
//! attributes. The prompt renders inside an open shadow root; answers are
//! written to `localStorage` before any network attempt and delivered in
//! batches (`nps_core::queue`) to the configured endpoint.
//!
//! ```no_run
//! // Mount a prompt into an element (what the browser tests do):
//! use nps_widget::widget::{mount_prompt, PromptConfig, i18n};
//! use nps_core::options::{Mode, Theme};
//! # fn demo(parent: &web_sys::Element) {
//! let config = PromptConfig {
//!     strings: &i18n::EN, company: Some("Acme".into()),
//!     mode: Mode::Inline, theme: Theme::Auto, preview: None, reset_ms: None,
//! };
//! let mounted = mount_prompt(parent, config, |answer| { let _ = answer.score; }, |_dismissed| {});
//! let _shadow = mounted.root();
//! # }
//! ```
//!
//! Design notes:
//! - [`widget::state::SurveyState`] holds the prompt's logic as a plain value
//!   (tested natively); the view ([`widget::view::View`]) only renders it,
//!   after each change an event makes.
//! - [`browser`] is the only module that touches web-sys; storage falls back to
//!   memory when `localStorage` throws, and nothing here panics on the embed path.
//! - The I/O that is far smaller in JavaScript than as wasm closures — timers,
//!   `fetch`, page events, `on()` handlers — lives in `shell.js` (shared by the
//!   loader and the ES module); it calls back into [`embed`], where every
//!   decision is made (queue, backoff, retry or dead letter, eligibility).
//! - [`embed`] is the wasm-bindgen façade (`window.NpsWidget`): it never throws
//!   into the host page except the documented `TypeError` of `record()`.

pub mod browser;
pub mod embed;
pub mod widget;

/// The allocator: talc, 2 044 B of brotli lighter than Rust's default dlmalloc in pkg/ (see
/// Cargo.toml); the heap grows with `memory.grow` as dlmalloc's did.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
