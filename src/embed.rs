//! The wasm-bindgen façade: `window.NpsWidget` (docs/contract.md §2). Every export is
//! harmless when the widget is inactive (fatal option error) or disabled (a
//! trap, see `BUSY`): it never throws into the host page, except the documented
//! `TypeError` of `record()` for a bad score.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use js_sys::Array;
use nps_core::scoring::Tally;
use nps_core::wire::Properties;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::browser::js::{self, get};
use crate::browser::storage::{self, LocalQueueStore};
use crate::browser::{console, host};
use nps_core::queue::QueueStore;

mod catalogs;
mod delivery;
mod input;
mod prompt;
mod records;
mod widget;

use input::RecordInput;
use widget::Widget;

static DISABLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The embed's one value: everything it holds between calls.
    static WIDGET: RefCell<Widget> = const { RefCell::new(Widget::new()) };
}

fn disabled() -> bool {
    DISABLED.load(Ordering::Relaxed)
}

/// Set while the widget runs a call. The release wasm's panic is a bare trap
/// (`-Cpanic=immediate-abort`, docs/build.md): no hook runs and the call never returns, so
/// this stays set. The next call that finds it set knows the widget stopped half-way through
/// a change, disables it and says so once.
static BUSY: AtomicBool = AtomicBool::new(false);

fn trapped() {
    DISABLED.store(true, Ordering::Relaxed);
    console::error("internal error; the widget is disabled on this page");
}

/// Runs `f` on the widget, then emits the events it queued. They are emitted once the widget
/// is no longer borrowed, as an `on()` handler may call back in (`hide()`, `record()`…);
/// likewise every callback from the page (a timer, the prompt's buttons) enters here, never
/// while the widget is borrowed. None when the widget is disabled.
fn with_widget<R>(f: impl FnOnce(&mut Widget) -> R) -> Option<R> {
    let mut f = Some(f);
    let mut out = None;
    run_on_widget(&mut |w| out = f.take().map(|f| f(w)));
    out
}

/// Runs `f` where the widget runs a call: for the browser test of a trap half-way through one
/// (tests/panic.rs). Not exported to JavaScript; the linker drops it from the embed.
#[doc(hidden)]
pub fn run_inside(f: impl FnOnce()) {
    with_widget(|_| f());
}

/// [`with_widget`]'s work, once in the wasm (not once per caller).
#[inline(never)]
fn run_on_widget(f: &mut dyn FnMut(&mut Widget)) {
    if disabled() {
        return;
    }
    if BUSY.swap(true, Ordering::Relaxed) {
        // Nothing calls in while `f` runs (events and callbacks come after): the last call
        // trapped.
        trapped();
        return;
    }
    let events = WIDGET.with(|w| {
        let mut w = w.borrow_mut();
        f(&mut w);
        w.shell.take_events()
    });
    BUSY.store(false, Ordering::Relaxed);
    if let Some((host, events)) = events {
        host::emit_all(&host, events);
    }
}

// ---------- exports ----------

/// `init(options)`: configure and start. Options are the camelCase names of
/// docs/contract.md §1 (or the `data-*` attribute names); values may be strings,
/// numbers, booleans, and an object for `properties`.
#[wasm_bindgen(js_name = init)]
pub fn init(options: JsValue) {
    if !disabled() {
        let (pairs, target) = input::option_pairs(&options);
        let global = pairs.len();
        with_widget(|w| {
            if w.configure(pairs, global, target, None) {
                w.keep_gate(options);
            }
        });
    }
}

/// `show(properties?, {force}?)`: open the prompt now. The shell calls `show()` too when an
/// auto-show trigger fires (it disarms them first): the visitor's eligibility is checked.
#[wasm_bindgen(js_name = show)]
pub fn show(properties: JsValue, options: JsValue) {
    if disabled() {
        return;
    }
    let force = get(&options, "force").is_truthy();
    match input::properties("show(properties)", &properties) {
        Ok(props) => {
            with_widget(|w| w.show(props, force));
        }
        Err(message) => console::error(&message),
    }
}

/// `hide()`: close the prompt without recording a dismiss (a score chosen on it is an answer,
/// recorded with the comment typed so far). The shell calls it too when the page is going,
/// before its last flush.
#[wasm_bindgen(js_name = hide)]
pub fn hide() {
    with_widget(Widget::close);
}

/// `kioskReset()`: a kiosk was left alone for `data-kiosk-reset-ms` (called by the shell): the
/// prompt starts over for the next customer (`Widget::reset`).
#[wasm_bindgen(js_name = kioskReset)]
pub fn kiosk_reset() {
    with_widget(Widget::reset);
}

/// `catalogLoaded(tag, text, why)`: the shell's answer to a catalog request (`text` undefined
/// when it failed, `why` saying why).
#[wasm_bindgen(js_name = catalogLoaded)]
pub fn catalog_loaded(tag: &str, text: Option<String>, why: Option<String>) {
    with_widget(|w| w.catalog_loaded(tag, text.as_deref(), why.as_deref()));
}

/// `record({score, comment?, touchpoint?, properties?})`: record a response
/// without the UI, durably (localStorage is synchronous). Returns the
/// recorded response, undefined when the widget is inactive, or a
/// `TypeError` (for a score that is not an integer 0..10 or an invalid field)
/// that the shell throws; the shell wraps the rest in a resolved Promise.
#[wasm_bindgen(js_name = record)]
pub fn record(input: JsValue) -> JsValue {
    if disabled() {
        return JsValue::UNDEFINED;
    }
    let recorded = RecordInput::read(&input).and_then(|i| {
        with_widget(|w| w.record(i.score, i.comment, i.touchpoint, &i.properties))
            .unwrap_or(Ok(None))
    });
    match recorded {
        Ok(r) => r.map_or(JsValue::UNDEFINED, |r| js::response_to_js(&r)),
        Err(m) => type_error(&m),
    }
}

/// `connect(shell)`: called once by `shell.js` before `init()`; the shell
/// runs timers, `fetch`, page events and the `on()` handlers.
#[wasm_bindgen(js_name = connect)]
pub fn connect(shell: host::Host) {
    with_widget(|w| w.shell.connect(shell));
}

/// `pending()`: responses queued and not yet acknowledged.
#[wasm_bindgen(js_name = pending)]
pub fn pending() -> u32 {
    with_widget(Widget::pending).unwrap_or(0) as u32
}

/// `stats(filter?, {distribution}?)`: `{n, promoters, passives, detractors, nps, se, ci95}`
/// over the responses recorded in this browser; with `{distribution: true}` also the health
/// `band` and the 11 counts of the scores 0..10 (what the live previews show). `filter` is a
/// touchpoint name or `{touchpoint}`.
#[wasm_bindgen(js_name = stats)]
pub fn stats(filter: JsValue, options: JsValue) -> JsValue {
    let details = get(&options, "distribution").is_truthy();
    if disabled() {
        return js::stats_to_js(&Tally::new(), details);
    }
    let touchpoint = match filter.as_string() {
        Some(t) => Some(t),
        None => get(&filter, "touchpoint").as_string(),
    };
    js::stats_to_js(&records::tally(touchpoint.as_deref()), details)
}

/// `deadLetters()`: responses the endpoint refused permanently, with status and reason.
#[wasm_bindgen(js_name = deadLetters)]
pub fn dead_letters() -> JsValue {
    if disabled() {
        return Array::new().into();
    }
    let q = LocalQueueStore::default().load().unwrap_or_default();
    let list: Array = js::dead_letters_to_js(&q.dead_letters).unchecked_into();
    // What the widget found unreadable in its storage and kept aside (`<key>:corrupt`), byte
    // for byte: `{reason: "unreadable", key, stored}`.
    list.concat(&storage::set_aside("nps-widget:")).into()
}

/// Renders the prompt inline inside `element` (the `<nps-survey>` custom
/// element), configured by the current options (script tag / `init()`) with
/// `options` (its attributes) layered on top: an element without `endpoint`
/// delivers to the script tag's.
///
/// Limits: the widget holds one configuration and one prompt at a time, so
/// mounting an element makes its options the current ones (later `show()`
/// calls render into it), replaces a prompt open elsewhere and stops the
/// auto-show triggers.
#[wasm_bindgen(js_name = mountSurvey)]
pub fn mount_survey(element: Element, options: JsValue) {
    if disabled() {
        return;
    }
    let own = input::option_pairs(&options).0;
    with_widget(|w| {
        let mut pairs = w.pairs();
        let global = pairs.len();
        pairs.extend(own);
        if w.configure(pairs, global, None, Some(element)) {
            w.show(Properties::new(), true);
        }
    });
}

/// `takeBatch(force, keepalive, locked, first)`: the next POST as `[url, body, contentType,
/// headers]`, or undefined (see `Delivery::take_batch`). `locked`: the shell holds the site's
/// Web Lock, so the localStorage lease is not needed; `first`: the first call of a send loop
/// (the queue is read afresh).
#[wasm_bindgen(js_name = takeBatch)]
pub fn take_batch(force: bool, keepalive: bool, locked: bool, first: bool) -> JsValue {
    match with_widget(|w| w.take_batch(force, keepalive, locked, first)).flatten() {
        Some(p) => Array::of4(
            &p.url.into(),
            &p.body.into(),
            &p.content_type.into(),
            &p.headers,
        )
        .into(),
        None => JsValue::UNDEFINED,
    }
}

/// `batchDone(status, retryAfter, body)`: the endpoint's answer to the batch from
/// `takeBatch()` (`status` undefined: network error or timeout). Returns how many responses
/// were accepted, or -1 when the loop must stop (a retry is scheduled).
#[wasm_bindgen(js_name = batchDone)]
pub fn batch_done(status: Option<u16>, retry_after: Option<String>, body: &str) -> i32 {
    with_widget(|w| w.batch_done(status, retry_after.as_deref(), body)).unwrap_or(-1)
}

/// `flushResult(sent)`: `{sent, pending, deadLetters}`, what `flush()` resolves to.
#[wasm_bindgen(js_name = flushResult)]
pub fn flush_result(sent: u32) -> JsValue {
    delivery::flush_result(sent)
}

fn type_error(message: &str) -> JsValue {
    let mut m = String::from("nps-widget: ");
    m.push_str(message);
    js_sys::TypeError::new(&m).into()
}
