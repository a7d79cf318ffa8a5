//! The only place that touches browser APIs (web-sys). One module per API;
//! `JsValue` errors are turned into plain outcomes at this boundary.

pub mod console;
pub mod dom;
pub mod host;
pub mod js;
pub mod lifecycle;
pub mod storage;

use wasm_bindgen::JsValue;

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

/// A uniform random number in [0, 1) (`Math.random()`).
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Ten random bytes from `crypto.getRandomValues`, falling back to `Math.random`.
pub fn random_bytes() -> [u8; 10] {
    let mut bytes = [0u8; 10];
    let ok = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !ok {
        for b in &mut bytes {
            *b = (random() * 256.0) as u8;
        }
    }
    bytes
}

/// A fresh UUID v7 made now.
pub fn new_id() -> String {
    nps_core::time::uuid_v7(now_ms(), random_bytes())
}

/// `location.href`, or "" when unavailable.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// `navigator.language`, or "en".
pub fn navigator_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `String` function.
    #[wasm_bindgen(js_name = String, catch)]
    fn js_string_of(value: &JsValue) -> Result<String, JsValue>;
}

/// `String(value)` for any JS value (for messages); "?" when even that throws.
pub fn js_string(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => s,
        None => js_string_of(value).unwrap_or_else(|_| "?".to_owned()),
    }
}
