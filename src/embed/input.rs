//! What the page passes in, read once at the wasm boundary: option pairs for the option table
//! (`init`, the script tag, `<nps-survey>`), `properties` (the same reading for `init`, `show`
//! and `record`) and `record()`'s fields. Nothing here holds state.

use js_sys::{Array, Object};
use nps_core::options::{must_be, parse_options, OptionName, Parsed, Value};
use nps_core::wire::{Properties, EXPECT_PROPERTIES};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::browser::js::{self, get};
use crate::browser::{console, js_string};

/// One option value as read from JavaScript, owned (kept for `<nps-survey>` layering).
#[derive(Clone, Debug)]
pub(super) enum Input {
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

/// Option pairs as given: `(key, value)`.
pub(super) type Pairs = Vec<(String, Input)>;

/// `init(options)` object (or a script tag's / element's attributes) → (key, value) pairs for
/// `parse_options`; an element given as `target` is returned separately. `properties` and
/// `headers` are read here, once ([`read_properties`]; text through the browser's `JSON.parse`),
/// and passed on as text only when they cannot be read, for the option table to refuse.
pub(super) fn option_pairs(options: &JsValue) -> (Pairs, Option<Element>) {
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
        let input = if matches!(
            OptionName::from_key(&key),
            Some(OptionName::Properties | OptionName::Headers)
        ) {
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

/// The one instantiation of the (generic) option parser in the wasm.
pub(super) fn parse(pairs: &[(String, Input)]) -> Parsed {
    parse_options(pairs.iter().map(|(k, v)| (k.as_str(), v.value())))
}

/// `value` as a message shows it: JSON where it has a JSON form, else `String(value)`.
fn given(value: &JsValue) -> String {
    match js::stringify(value) {
        Some(json) if !value.is_string() => json,
        _ => js_string(value),
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

/// Properties given to `call` (`show(properties)`, `record({properties})`), or their refusal:
/// the same sentence `data-properties` gets.
pub(super) fn properties(call: &str, value: &JsValue) -> Result<Properties, String> {
    read_properties(value).map_err(|given| must_be(call, EXPECT_PROPERTIES, &given))
}

/// `record({score, comment?, touchpoint?, properties?})`, read and checked field by field.
pub(super) struct RecordInput {
    pub(super) score: u8,
    pub(super) comment: Option<String>,
    pub(super) touchpoint: Option<String>,
    pub(super) properties: Properties,
}

impl RecordInput {
    /// `Err` is the message of the `TypeError` `record()` throws.
    pub(super) fn read(input: &JsValue) -> Result<RecordInput, String> {
        let score_js = get(input, "score");
        let score = score_js
            .as_f64()
            .filter(|s| s.fract() == 0.0 && (0.0..=10.0).contains(s));
        let Some(score) = score else {
            let mut m = String::from("score must be an integer from 0 to 10, got ");
            m.push_str(&if score_js.is_string() {
                js::stringify(&score_js).unwrap_or_default()
            } else {
                js_string(&score_js)
            });
            return Err(m);
        };
        Ok(RecordInput {
            score: score as u8,
            comment: optional_string(input, "comment", "comment must be a string")?,
            touchpoint: optional_string(
                input,
                "touchpoint",
                "touchpoint must be a string, e.g. \"checkout\"",
            )?,
            properties: properties("record({properties})", &get(input, "properties"))?,
        })
    }
}

/// `input[key]` as an optional string: absent or null → None, a string → Some, else `message`.
fn optional_string(input: &JsValue, key: &str, message: &str) -> Result<Option<String>, String> {
    let v = get(input, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| message.to_owned())
}
