//! The wasm-bindgen façade: `window.NpsWidget` (docs/contract.md §2). Every export is
//! harmless when the widget is inactive (fatal option error) or disabled (a
//! panic): it never throws into the host page, except the documented
//! `TypeError` of `record()` for a bad score.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use js_sys::{Array, Object};
use leptos::prelude::*;
use nps_core::options::{must_be, parse_options, Mode, OptionName, Options, Trigger, Value};
use nps_core::queue::{classify, transact, Outcome, QueueStore};
use nps_core::scoring::{Summary, Tally};
use nps_core::time::rfc3339_from_unix_ms;
use nps_core::wire::{Batch, Properties, Response, EXPECT_PROPERTIES};
use nps_core::{eligible, History};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::browser::js::{self, get, obj, set};
use crate::browser::storage::{self, LocalQueueStore, HISTORY_KEY, TALLIES_KEY, VISITOR_KEY};
use crate::browser::{console, host, lifecycle};
use crate::widget::i18n::{strings_for, Strings};
use crate::widget::{mount_prompt, Mounted, PromptConfig};

mod delivery;
mod prompt;
mod records;

use delivery::schedule_flush;
use prompt::{arm_triggers, close_prompt, disarm_triggers, show_prompt};
use records::{record_answer, refresh_preview, summary};

static DISABLED: AtomicBool = AtomicBool::new(false);

struct Live {
    /// Shared, not copied: readers take a reference count.
    opts: Rc<Options>,
    strings: &'static Strings,
    /// Container given as an element (`init({target: el})`, `<nps-survey>`).
    target: Option<Element>,
    /// The option pairs this configuration was parsed from: a `<nps-survey>`
    /// layers its attributes on top of them.
    pairs: Rc<Vec<(String, Input)>>,
}

enum Status {
    Fresh,
    Active(Live),
    Inactive,
}

thread_local! {
    static STATUS: RefCell<Status> = const { RefCell::new(Status::Fresh) };
}

fn disabled() -> bool {
    DISABLED.load(Ordering::Relaxed)
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if !INSTALLED.swap(true, Ordering::Relaxed) {
        // Not chained: `take_hook` would link std's default hook (and its
        // thread-name and formatting code) into the wasm.
        std::panic::set_hook(Box::new(panicked));
    }
}

fn panicked(_info: &std::panic::PanicHookInfo<'_>) {
    DISABLED.store(true, Ordering::Relaxed);
    console::error("internal error; the widget is disabled on this page");
}

/// Runs `f` with the live configuration; a widget used before `init()` runs
/// with the defaults (local-only, manual trigger). None when inactive.
fn with_live<R>(f: impl FnOnce(&Live) -> R) -> Option<R> {
    if disabled() {
        return None;
    }
    STATUS.with(|s| {
        let mut s = s.borrow_mut();
        if matches!(*s, Status::Fresh) {
            install_panic_hook();
            let opts = Options {
                trigger: Trigger::Manual,
                ..Options::default()
            };
            *s = Status::Active(Live {
                strings: strings_for(&crate::browser::navigator_language()),
                opts: Rc::new(opts),
                target: None,
                pairs: Rc::default(),
            });
        }
        match &*s {
            Status::Active(live) => Some(f(live)),
            _ => None,
        }
    })
}

// ---------- options ----------

/// One option value as read from JavaScript, owned (kept for `<nps-survey>` layering).
#[derive(Clone, Debug)]
enum Input {
    Text(String),
    Properties(Properties),
}

impl Input {
    fn value(&self) -> Value<'_> {
        match self {
            Input::Text(t) => Value::Text(t),
            Input::Properties(p) => Value::Properties(p),
        }
    }
}

/// `init(options)` object (or a script tag's / element's attributes) → (key, value) pairs for
/// `parse_options`; an element given as `target` is returned separately. `properties` are read
/// here, once ([`read_properties`]; text through the browser's `JSON.parse`), and passed on as
/// text only when they cannot be read, for the option table to refuse.
fn option_pairs(options: &JsValue) -> (Vec<(String, Input)>, Option<Element>) {
    let mut pairs = Vec::new();
    let mut target = None;
    if options.is_undefined() || options.is_null() {
        return (pairs, target);
    }
    if !options.is_object() {
        console::error("init(options): options must be an object, e.g. {touchpoint: \"checkout\"}");
        return (pairs, target);
    }
    for entry in Object::entries(options.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let Some(key) = entry.get(0).as_string() else {
            continue;
        };
        let value = entry.get(1);
        if value.is_undefined() || value.is_null() {
            continue;
        }
        if let Some(el) = value.dyn_ref::<Element>() {
            target = Some(el.clone());
            pairs.push((key, Input::Text(":scope".to_owned())));
            continue;
        }
        let input = if OptionName::from_key(&key) == Some(OptionName::Properties) {
            let object = match value.as_string() {
                Some(text) if text.trim().is_empty() => JsValue::UNDEFINED,
                Some(text) => js::parse(&text).unwrap_or(value),
                None => value,
            };
            read_properties(&object).map_or_else(Input::Text, Input::Properties)
        } else {
            Input::Text(value.as_string().unwrap_or_else(|| given(&value)))
        };
        pairs.push((key, input));
    }
    (pairs, target)
}

/// `value` as a message shows it: JSON where it has a JSON form, else `String(value)`.
fn given(value: &JsValue) -> String {
    match js::stringify(value) {
        Some(json) if !value.is_string() => json,
        _ => crate::browser::js_string(value),
    }
}

/// The one reading of properties from JavaScript, for `init`, `show` and `record` alike:
/// undefined or null are none; an object is read ([`js::properties_from_js`]) and checked by
/// the core ([`Properties::check`]). `Err` holds the value as the refusal shows it.
fn read_properties(value: &JsValue) -> Result<Properties, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(Properties::new());
    }
    let read = if value.is_object() && !Array::is_array(value) {
        js::properties_from_js(value).filter(|p| p.check().is_ok())
    } else {
        None
    };
    read.ok_or_else(|| given(value))
}

/// The refusal of properties given to `call` (`show(properties)`, `record({properties})`):
/// the same sentence `data-properties` gets.
fn properties_refused(call: &str, given: &str) -> String {
    must_be(call, EXPECT_PROPERTIES, given)
}

/// The one instantiation of the (generic) option parser in the wasm.
fn parse(pairs: &[(String, Input)]) -> nps_core::options::Parsed {
    parse_options(pairs.iter().map(|(k, v)| (k.as_str(), v.value())))
}

/// Parses options (one console.error per rejected option) and (re)starts the widget.
/// The first `global` pairs (script tag / `init()`, not a `<nps-survey>`'s own
/// attributes) are kept, minus rejected ones, for elements mounted later.
fn configure(
    mut pairs: Vec<(String, Input)>,
    global: usize,
    mut target: Option<Element>,
    force_inline: Option<Element>,
) -> bool {
    install_panic_hook();
    let parsed = parse(&pairs);
    for e in &parsed.errors {
        console::error(&e.text());
    }
    teardown();
    let active = parsed.active();
    let mut opts = parsed.options;
    if let Some(el) = force_inline {
        opts.mode = Mode::Inline;
        opts.trigger = Trigger::Manual;
        target = Some(el);
    }
    if !active {
        STATUS.with(|s| *s.borrow_mut() = Status::Inactive);
        return false;
    }
    let locale = opts
        .locale
        .clone()
        .unwrap_or_else(crate::browser::navigator_language);
    let auto = opts.trigger == Trigger::Auto;
    let has_endpoint = opts.endpoint.is_some();
    pairs.truncate(global);
    pairs.retain(|p| parse(std::slice::from_ref(p)).errors.is_empty());
    STATUS.with(|s| {
        *s.borrow_mut() = Status::Active(Live {
            strings: strings_for(&locale),
            opts: Rc::new(opts),
            target,
            pairs: Rc::new(pairs),
        })
    });
    refresh_preview();
    if has_endpoint {
        schedule_flush(0);
    }
    if auto {
        arm_triggers();
    }
    true
}

/// Removes the prompt and the auto-show triggers (not the queue or listeners).
fn teardown() {
    disarm_triggers();
    close_prompt();
}

// ---------- exports ----------

/// `init(options)`: configure and start. Options are the camelCase names of
/// docs/contract.md §1 (or the `data-*` attribute names); values may be strings,
/// numbers, booleans, and an object for `properties`.
#[wasm_bindgen(js_name = init)]
pub fn init(options: JsValue) {
    if !disabled() {
        let (pairs, target) = option_pairs(&options);
        let global = pairs.len();
        configure(pairs, global, target, None);
    }
}

/// `show(properties?, {force}?)`: open the prompt now.
#[wasm_bindgen(js_name = show)]
pub fn show(properties: JsValue, options: JsValue) {
    if disabled() {
        return;
    }
    let force = get(&options, "force").is_truthy();
    match read_properties(&properties) {
        Ok(props) => show_prompt(props, force),
        Err(given) => console::error(&properties_refused("show(properties)", &given)),
    }
}

/// `hide()`: close the prompt without recording a dismiss.
#[wasm_bindgen(js_name = hide)]
pub fn hide() {
    close_prompt();
}

/// `record({score, comment?, touchpoint?, properties?})`: record a response
/// without the UI, durably (localStorage is synchronous). Returns the
/// recorded response, undefined when the widget is inactive, or a
/// `TypeError` (for a score that is not an integer 0..10 or an invalid field)
/// that the shell throws; the shell wraps the rest in a resolved Promise.
#[wasm_bindgen(js_name = record)]
pub fn record(input: JsValue) -> JsValue {
    match record_input(&input) {
        Ok(v) => v,
        Err(e) => e,
    }
}

/// `input[key]` as an optional string: absent or null → None, a string → Some, else the
/// `TypeError` with `message`.
fn optional_string(input: &JsValue, key: &str, message: &str) -> Result<Option<String>, JsValue> {
    let v = get(input, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| type_error(message))
}

fn record_input(input: &JsValue) -> Result<JsValue, JsValue> {
    if disabled() {
        return Ok(JsValue::UNDEFINED);
    }
    let score_js = get(input, "score");
    let score = score_js
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (0.0..=10.0).contains(s));
    let Some(score) = score else {
        let mut m = String::from("score must be an integer from 0 to 10, got ");
        m.push_str(&if score_js.is_string() {
            js_sys::JSON::stringify(&score_js)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        } else {
            crate::browser::js_string(&score_js)
        });
        return Err(type_error(&m));
    };
    let comment = optional_string(input, "comment", "comment must be a string")?;
    let touchpoint = optional_string(
        input,
        "touchpoint",
        "touchpoint must be a string, e.g. \"checkout\"",
    )?;
    let props = read_properties(&get(input, "properties"))
        .map_err(|given| type_error(&properties_refused("record({properties})", &given)))?;
    match record_answer(score as u8, comment, touchpoint, &props) {
        Ok(r) => Ok(r
            .map(|r| js::response_to_js(&r))
            .unwrap_or(JsValue::UNDEFINED)),
        Err(m) => Err(type_error(&m)),
    }
}

/// `connect(shell)`: called once by `shell.js` before `init()`; the shell
/// runs timers, `fetch`, page events and the `on()` handlers.
#[wasm_bindgen(js_name = connect)]
pub fn connect(shell: host::Host) {
    host::connect(shell);
}

/// `pending()`: responses queued and not yet acknowledged.
#[wasm_bindgen(js_name = pending)]
pub fn pending() -> u32 {
    match with_live(|l| l.opts.endpoint.is_some()) {
        Some(true) => LocalQueueStore::default()
            .load()
            .map(|q| q.pending() as u32)
            .unwrap_or(0),
        _ => 0,
    }
}

/// `stats(filter?)`: `{n, promoters, passives, detractors, nps, se, ci95}` over
/// the responses recorded in this browser. `filter` is a touchpoint name or
/// `{touchpoint}`.
#[wasm_bindgen(js_name = stats)]
pub fn stats(filter: JsValue) -> JsValue {
    if disabled() {
        return js::summary_to_js(&Tally::new().summary());
    }
    let touchpoint = match filter.as_string() {
        Some(t) => Some(t),
        None => get(&filter, "touchpoint").as_string(),
    };
    js::summary_to_js(&summary(touchpoint.as_deref()))
}

/// `deadLetters()`: responses the endpoint refused permanently, with status and reason.
#[wasm_bindgen(js_name = deadLetters)]
pub fn dead_letters() -> JsValue {
    if disabled() {
        return Array::new().into();
    }
    let q = LocalQueueStore::default().load().unwrap_or_default();
    js::dead_letters_to_js(&q.dead_letters)
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
    let mut pairs = STATUS.with(|s| match &*s.borrow() {
        Status::Active(live) => live.pairs.as_ref().clone(),
        _ => Vec::new(),
    });
    let global = pairs.len();
    pairs.extend(option_pairs(&options).0);
    if configure(pairs, global, None, Some(element)) {
        show_prompt(Properties::new(), true);
    }
}

fn type_error(message: &str) -> JsValue {
    let mut m = String::from("nps-widget: ");
    m.push_str(message);
    js_sys::TypeError::new(&m).into()
}

// ---------- events ----------

/// Calls the `on(event)` handlers (kept by the shell).
fn emit(event: &str, detail: &JsValue) {
    host::emit(event, detail);
}
