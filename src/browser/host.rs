//! The page-side shell (`shell.js`, shared by the loader and the ES module):
//! it owns the I/O that is far smaller written in JavaScript than as wasm
//! closures — timers, `fetch`, page events, event listeners — and calls back
//! into the wasm, where the decisions are made (queue, backoff, eligibility).
//! Without a shell (browser unit tests), these calls do nothing.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen]
extern "C" {
    /// The object `shell.js` passes to `connect()`.
    #[derive(Clone)]
    pub type Host;
    /// Run a flush (`takeBatch` / `batchDone` loop) in `ms` milliseconds,
    /// unless one is already due sooner.
    #[wasm_bindgen(method)]
    fn schedule(this: &Host, ms: f64);
    /// Call the `on(event)` handlers with `detail`.
    #[wasm_bindgen(method)]
    fn emit(this: &Host, event: &str, detail: &JsValue);
    /// Auto-show triggers: call `autoShow()` after `delay_ms`, or when the
    /// page is scrolled to `scroll_percent` (> 0), or on exit intent.
    #[wasm_bindgen(method)]
    fn arm(this: &Host, delay_ms: f64, scroll_percent: f64, exit_intent: bool);
    /// Remove the auto-show triggers.
    #[wasm_bindgen(method)]
    fn disarm(this: &Host);
    /// Page-level keys for the open popup/modal (its host element): pressed
    /// with nothing on the page focused, they are passed on to the prompt,
    /// whose handler reads them; none (`undefined`) once it closes.
    #[wasm_bindgen(method)]
    fn keys(this: &Host, prompt: Option<Element>);
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

/// Registers the shell (called once by `shell.js`).
pub fn connect(host: Host) {
    HOST.with(|h| *h.borrow_mut() = Some(host));
}

fn with(f: impl FnOnce(&Host)) {
    if let Some(h) = HOST.with(|h| h.borrow().clone()) {
        f(&h);
    }
}

/// Asks the shell to run a flush within `ms` (unless one is due sooner).
pub fn schedule(ms: u64) {
    with(|h| h.schedule(ms as f64));
}

/// Calls the `on(event)` handlers with `detail`.
pub fn emit(event: &str, detail: &JsValue) {
    with(|h| h.emit(event, detail));
}

/// Arms the auto-show triggers: a delay, or scroll depth / exit intent.
pub fn arm(delay_ms: u32, scroll_percent: u8, exit_intent: bool) {
    with(|h| h.arm(f64::from(delay_ms), f64::from(scroll_percent), exit_intent));
}

/// Removes the auto-show triggers.
pub fn disarm() {
    with(|h| h.disarm());
}

/// While a popup or modal is open (`Some(its host element)`), the shell passes
/// a key pressed when nothing on the page has focus on to the prompt (so
/// Escape closes it: [`crate::widget::state::KeyAction::of`] decides);
/// `None` removes that listener.
pub fn keys(prompt: Option<Element>) {
    with(|h| h.keys(prompt));
}
