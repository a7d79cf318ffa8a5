//! Plain JS values ↔ the core's types. The shape of every object — on the wire, in storage,
//! in what the API returns — is the serde derive of its type in `nps-core` (one truth);
//! `serde-wasm-bindgen` converts without a JSON library in the wasm (`JSON.stringify` and
//! `JSON.parse` of the browser turn the objects into text and back).
//!
//! Maps (properties, tallies) are converted to plain objects with `Object.fromEntries`, which
//! defines own properties whatever the key: serde-wasm-bindgen's own object output assigns
//! (`obj[key] = v`), and a `"__proto__"` key would then change the prototype instead of
//! becoming a property (`JSON.stringify` would drop it).

use js_sys::{Array, Map, Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// `value` as a plain JS value: objects for structs and maps, arrays, `null` for `None`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map(plain)
        .unwrap_or(JsValue::NULL)
}

/// Replaces every `Map` inside `v` by a plain object with the same own properties.
fn plain(v: JsValue) -> JsValue {
    if let Some(map) = v.dyn_ref::<Map>() {
        let entries = Array::new();
        map.for_each(&mut |value, key| {
            entries.push(&Array::of2(&key, &plain(value)));
        });
        return Object::from_entries(&entries).map_or(JsValue::NULL, JsValue::from);
    }
    if Array::is_array(&v) {
        let a: &Array = v.unchecked_ref();
        for i in 0..a.length() {
            a.set(i, plain(a.get(i)));
        }
    } else if v.is_object() {
        // A struct: its keys are field names, so assigning back is safe.
        for entry in Object::entries(v.unchecked_ref()).iter() {
            let entry: &Array = entry.unchecked_ref();
            let _ = Reflect::set(&v, &entry.get(0), &plain(entry.get(1)));
        }
    }
    v
}

/// A `T` read from a plain JS value; `None` when its shape is not `T`'s.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value).ok()
}

/// `JSON.stringify(value)`.
pub fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
}

/// `JSON.parse(text)`.
pub fn parse(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

/// `v[key]`, or undefined when `v` is not an object.
pub fn get(v: &JsValue, key: &str) -> JsValue {
    if v.is_object() {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}
