//! Hand-written conversions between the core's types and plain JS objects
//! (then `JSON.stringify` / `JSON.parse`). The shape of each object is the
//! serde derive of its type in `nps-core`: the browser test
//! `js_objects_serialise_byte_for_byte_as_serde_json` holds these functions to
//! `serde_json`'s bytes on fixtures (unicode, `"__proto__"` keys, large and
//! fractional numbers, empty and absent comments).
//!
//! Not `serde-wasm-bindgen`: measured in this crate, it cost +22.7 KB brotli
//! (total 62 711 → 85 462 B, over the 64 KiB budget; figures in
//! docs/build.md), and its objects assign keys, so a `"__proto__"` property
//! would be lost.

use js_sys::{Array, Object};
use nps_core::queue::{DeadLetter, QueueState};
use nps_core::scoring::Tally;
use nps_core::wire::{Batch, Properties, PropertyValue, Response};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// Property access and JSON as JavaScript that cannot throw, where `Reflect` and `JSON` through
// js-sys are fallible imports whose error path the wasm carries at every call site (measured:
// wasm 95 002 → 94 416 B raw, the embed 43 680 → 43 559 B brotli).
#[wasm_bindgen(inline_js = "
export function get(v, k) { try { return v !== null && typeof v === 'object' ? v[k] : undefined; } catch (e) {} }
export function put(o, k, v) { Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true }); }
export function stringify(v) { try { return JSON.stringify(v); } catch (e) {} }
export function parse(t) { try { return JSON.parse(t); } catch (e) {} }
")]
extern "C" {
    /// `v[key]`, or undefined when `v` is not an object or the getter throws.
    pub fn get(v: &JsValue, key: &str) -> JsValue;
    /// Gives `o` the own property `key`, whatever the key: defined, where an assignment with
    /// `"__proto__"` would change the prototype instead (and `JSON.stringify` would drop it).
    #[wasm_bindgen(js_name = put)]
    pub fn set(o: &Object, key: &str, value: &JsValue);
    #[wasm_bindgen(js_name = stringify)]
    fn js_stringify(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = parse)]
    fn js_parse(text: &str) -> JsValue;
}

/// A new empty object.
pub fn obj() -> Object {
    Object::new()
}

/// An object with these own properties ([`set`]): for objects whose keys come from the site
/// (properties, touchpoints, headers).
pub fn object_from<'a>(entries: impl Iterator<Item = (&'a str, JsValue)>) -> JsValue {
    let o = obj();
    for (k, v) in entries {
        set(&o, k, &v);
    }
    o.into()
}

pub fn set_str(o: &Object, key: &str, value: &str) {
    set(o, key, &JsValue::from_str(value));
}

pub fn set_num(o: &Object, key: &str, value: f64) {
    set(o, key, &JsValue::from_f64(value));
}

fn set_opt(o: &Object, key: &str, value: Option<f64>) {
    set(
        o,
        key,
        &value.map(JsValue::from_f64).unwrap_or(JsValue::NULL),
    );
}

/// `v[key]` if it is a string.
pub fn get_str(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// `v[key]` if it is a whole number from 0 to 2^53.
pub fn get_u64(v: &JsValue, key: &str) -> Option<u64> {
    as_u64(&get(v, key))
}

/// `v` if it is a whole number from 0 to 2^53.
pub fn as_u64(v: &JsValue) -> Option<u64> {
    v.as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_992.0)
        .map(|n| n as u64)
}

/// `JSON.stringify(value)`.
pub fn stringify(value: &JsValue) -> Option<String> {
    js_stringify(value)
}

/// `JSON.parse(text)`.
pub fn parse(text: &str) -> Option<JsValue> {
    // JSON has no `undefined`: it is what a failed parse answers.
    Some(js_parse(text)).filter(|v| !v.is_undefined())
}

/// `items` as a JS array of `f(item)`. `Array::push` in a loop, not `collect()`, whose
/// generic code weighs more in the embed's wasm.
pub fn array<T>(items: &[T], f: impl Fn(&T) -> JsValue) -> Array {
    let a = Array::new();
    for item in items {
        a.push(&f(item));
    }
    a
}

/// Properties as a plain object.
pub fn properties_to_js(p: &Properties) -> JsValue {
    object_from(p.iter().map(|(k, v)| {
        let v = match v {
            PropertyValue::Bool(b) => JsValue::from_bool(*b),
            PropertyValue::Number(n) => JsValue::from_f64(*n),
            PropertyValue::String(s) => JsValue::from_str(s),
        };
        (k.as_str(), v)
    }))
}

/// A plain object whose values are strings, finite numbers or booleans.
pub fn properties_from_js(v: &JsValue) -> Option<Properties> {
    if v.is_undefined() || v.is_null() {
        return Some(Properties::new());
    }
    if !v.is_object() || Array::is_array(v) {
        return None;
    }
    let mut p = Properties::new();
    for entry in Object::entries(v.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string()?;
        let value = entry.get(1);
        let value = if let Some(s) = value.as_string() {
            PropertyValue::String(s)
        } else if let Some(b) = value.as_bool() {
            PropertyValue::Bool(b)
        } else {
            PropertyValue::Number(value.as_f64().filter(|n| n.is_finite())?)
        };
        p.insert(key, value);
    }
    Some(p)
}

/// A response as the wire format's object (field order of docs/contract.md §4).
pub fn response_to_js(r: &Response) -> JsValue {
    let o = obj();
    set_str(&o, "id", &r.id);
    set_num(&o, "score", f64::from(r.score));
    if let Some(c) = &r.comment {
        set_str(&o, "comment", c);
    }
    set_str(&o, "touchpoint", &r.touchpoint);
    set_str(&o, "locale", &r.locale);
    set_str(&o, "answered_at", &r.answered_at);
    set_str(&o, "page", &r.page);
    set(&o, "properties", &properties_to_js(&r.properties));
    o.into()
}

/// A response read back from storage; None when a field is missing or mistyped.
pub fn response_from_js(v: &JsValue) -> Option<Response> {
    let score = get_u64(v, "score").filter(|s| *s <= 10)? as u8;
    let comment = get(v, "comment");
    let comment = if comment.is_undefined() || comment.is_null() {
        None
    } else {
        Some(comment.as_string()?)
    };
    Some(Response {
        id: get_str(v, "id")?,
        score,
        comment,
        touchpoint: get_str(v, "touchpoint")?,
        locale: get_str(v, "locale").unwrap_or_default(),
        answered_at: get_str(v, "answered_at")?,
        page: get_str(v, "page").unwrap_or_default(),
        properties: properties_from_js(&get(v, "properties"))?,
    })
}

/// A batch as the wire format's object.
/// Responses as an array (the `json-array` body).
pub fn responses_to_js(rs: &[Response]) -> JsValue {
    array(rs, response_to_js).into()
}

pub fn batch_to_js(b: &Batch) -> JsValue {
    let o = obj();
    set_str(&o, "schema", &b.schema);
    set_str(&o, "batch_id", &b.batch_id);
    set_str(&o, "sent_at", &b.sent_at);
    set(&o, "responses", &responses_to_js(&b.responses));
    o.into()
}

pub fn dead_letter_to_js(d: &DeadLetter) -> JsValue {
    let o = obj();
    set(&o, "response", &response_to_js(&d.response));
    set_num(&o, "status", f64::from(d.status));
    set_str(&o, "reason", &d.reason);
    set_str(&o, "failed_at", &d.failed_at);
    o.into()
}

pub fn dead_letter_from_js(v: &JsValue) -> Option<DeadLetter> {
    Some(DeadLetter {
        response: response_from_js(&get(v, "response"))?,
        status: u16::try_from(get_u64(v, "status")?).ok()?,
        reason: get_str(v, "reason").unwrap_or_default(),
        failed_at: get_str(v, "failed_at").unwrap_or_default(),
    })
}

/// Dead letters as an array of `{response, status, reason, failed_at}`.
pub fn dead_letters_to_js(d: &[DeadLetter]) -> JsValue {
    array(d, dead_letter_to_js).into()
}

/// The backoff part of the queue, stored under `nps-widget:queue` (the
/// entries have keys of their own: `LocalQueueStore`).
pub fn backoff_to_js(q: &QueueState) -> JsValue {
    let o = obj();
    set_num(&o, "attempts", f64::from(q.attempts));
    set_num(&o, "next_attempt_ms", q.next_attempt_ms as f64);
    o.into()
}

/// The backoff read back from storage (no entries: they have keys of their
/// own); None when it is not an object.
pub fn backoff_from_js(v: &JsValue) -> Option<QueueState> {
    // Answers listed here (an early development format) are not a backoff:
    // refusing them keeps them, under `…:corrupt`, instead of overwriting them.
    if !v.is_object() || !get(v, "pending").is_undefined() || !get(v, "dead_letters").is_undefined()
    {
        return None;
    }
    Some(QueueState {
        attempts: u32::try_from(get_u64(v, "attempts").unwrap_or(0)).unwrap_or(u32::MAX),
        next_attempt_ms: get_u64(v, "next_attempt_ms").unwrap_or(0),
        ..QueueState::default()
    })
}

/// `stats()`: `{n, promoters, passives, detractors, nps, se, ci95}` with null for undefined
/// values; with `details`, also `band` (the health band's name) and `distribution` (the 11
/// counts of the scores 0..10), docs/contract.md §2, §6.
pub fn stats_to_js(t: &Tally, details: bool) -> JsValue {
    let s = t.summary();
    let o = obj();
    set_num(&o, "n", s.n as f64);
    set_num(&o, "promoters", s.promoters as f64);
    set_num(&o, "passives", s.passives as f64);
    set_num(&o, "detractors", s.detractors as f64);
    set_opt(&o, "nps", s.nps);
    set_opt(&o, "se", s.se);
    let ci = match s.ci95 {
        Some([lo, hi]) => Array::of2(&JsValue::from_f64(lo), &JsValue::from_f64(hi)).into(),
        None => JsValue::NULL,
    };
    set(&o, "ci95", &ci);
    if !details {
        return o.into();
    }
    let band = s
        .band()
        .map_or(JsValue::NULL, |b| JsValue::from_str(b.as_str()));
    set(&o, "band", &band);
    set(
        &o,
        "distribution",
        &array(&t.counts(), |c| JsValue::from_f64(*c as f64)).into(),
    );
    o.into()
}
