//! The page-side shell (`shell.js`, shared by the loader and the ES module):
//! it owns the I/O that is far smaller written in JavaScript than as wasm
//! closures — timers, `fetch`, page events, event listeners — and calls back
//! into the wasm, where the decisions are made (queue, backoff, eligibility).
//! Without a shell (browser unit tests), these calls do nothing.

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
    /// Auto-show triggers: call `show()` after `delay_ms`, or when the
    /// page is scrolled to `scroll_percent` (> 0), or on exit intent.
    #[wasm_bindgen(method)]
    fn arm(this: &Host, delay_ms: f64, scroll_percent: f64, exit_intent: bool);
    /// Remove the auto-show triggers.
    #[wasm_bindgen(method)]
    fn disarm(this: &Host);
    /// Page-level keys for the open popup/modal (its host element): pressed
    /// with nothing on the page focused, they are passed on to the prompt,
    /// whose handler reads them; none (`undefined`) once it closes. `modal`: the
    /// rest of the page is made inert until then, and the focus goes back where it was.
    /// `reset_ms` ≥ 0 (a kiosk): `kioskReset()` is called that long after the last touch, key
    /// or input in the prompt.
    #[wasm_bindgen(method)]
    fn keys(this: &Host, prompt: Option<Element>, modal: bool, reset_ms: f64);
    /// Fetch the catalog of locale `tag` (`pkg/locales/<tag>.json`) and pass it to
    /// `catalogLoaded(tag, text)` (`text` undefined, and the reason, when it failed).
    #[wasm_bindgen(method)]
    fn catalog(this: &Host, tag: &str);
}

/// The shell as the embed holds it: `None` until `connect()` (and in browser unit tests,
/// where these calls do nothing). Events are queued, not emitted at once: an `on()` handler
/// may call back into the widget (`hide()`, `record()`…), so the embed emits them with
/// [`Shell::take_events`] once it no longer holds its own state.
#[derive(Default)]
pub struct Shell {
    host: Option<Host>,
    events: Vec<(&'static str, JsValue)>,
}

impl Shell {
    /// No shell connected yet.
    pub const fn new() -> Shell {
        Shell {
            host: None,
            events: Vec::new(),
        }
    }

    /// Registers the shell (called once by `shell.js`).
    pub fn connect(&mut self, host: Host) {
        self.host = Some(host);
    }

    /// Asks the shell to run a flush within `ms` (unless one is due sooner).
    pub fn schedule(&self, ms: u64) {
        if let Some(h) = &self.host {
            h.schedule(ms as f64);
        }
    }

    /// Asks the shell for the catalog of `tag`; false without a shell (it will not come).
    pub fn catalog(&self, tag: &str) -> bool {
        match &self.host {
            Some(h) => {
                h.catalog(tag);
                true
            }
            None => false,
        }
    }

    /// Queues a call of the `on(event)` handlers with `detail`.
    pub fn emit(&mut self, event: &'static str, detail: JsValue) {
        self.events.push((event, detail));
    }

    /// The queued events and the shell to emit them on.
    pub fn take_events(&mut self) -> Option<(Host, Vec<(&'static str, JsValue)>)> {
        if self.events.is_empty() {
            return None;
        }
        let events = std::mem::take(&mut self.events);
        self.host.clone().map(|h| (h, events))
    }

    /// Arms the auto-show triggers: a delay, or scroll depth / exit intent.
    pub fn arm(&self, delay_ms: u32, scroll_percent: u8, exit_intent: bool) {
        if let Some(h) = &self.host {
            h.arm(f64::from(delay_ms), f64::from(scroll_percent), exit_intent);
        }
    }

    /// Removes the auto-show triggers.
    pub fn disarm(&self) {
        if let Some(h) = &self.host {
            h.disarm();
        }
    }

    /// While a popup or modal is open (`Some(its host element)`), the shell passes
    /// a key pressed when nothing on the page has focus on to the prompt (so
    /// Escape closes it: [`crate::widget::state::KeyAction::of`] decides);
    /// `None` removes that listener. `modal`: the rest of the page is inert
    /// until then, and the focus goes back where it was. `reset_ms` (a kiosk): the prompt is
    /// reset (the export `kioskReset`) that long after the last touch or key in it.
    pub fn keys(&self, prompt: Option<Element>, modal: bool, reset_ms: Option<u32>) {
        if let Some(h) = &self.host {
            h.keys(prompt, modal, reset_ms.map_or(-1.0, f64::from));
        }
    }
}

/// Calls the `on(event)` handlers (kept by the shell) with each queued event.
pub fn emit_all(host: &Host, events: Vec<(&'static str, JsValue)>) {
    for (event, detail) in events {
        host.emit(event, &detail);
    }
}
