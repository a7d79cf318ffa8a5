//! The only place that touches browser APIs (web-sys, and small JavaScript functions that
//! cannot throw where a fallible web-sys import weighs more). One module per API; `JsValue`
//! errors are turned into plain outcomes at this boundary.

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

// The page's globals as JavaScript that cannot throw: through web-sys, `window()` and each
// getter after it (`crypto`, `location.href`, `navigator.language`, `setTimeout`) are imports
// and checks the wasm carries. Measured (with `dom::body` and `dom::find`): wasm 91 238 →
// 88 938 B raw, the embed 42 536 → 41 664 B brotli.
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "
export function random32() {
  try { return crypto.getRandomValues(new Uint32Array(1))[0]; } catch (e) { return Math.random() * 2 ** 32; }
}
export function pageUrl() { try { return location.href; } catch (e) { return ''; } }
export function language() { try { return navigator.language || 'en'; } catch (e) { return 'en'; } }
export function after(ms, f) { setTimeout(f, ms); }
export function str(v) { try { return String(v); } catch (e) { return '?'; } }
")]
extern "C" {
    /// 32 random bits from `crypto.getRandomValues`, else from `Math.random`.
    fn random32() -> u32;
    #[wasm_bindgen(js_name = pageUrl)]
    fn js_page_url() -> String;
    #[wasm_bindgen(js_name = language)]
    fn js_language() -> String;
    /// `setTimeout(f, ms)`.
    pub(crate) fn after(ms: u32, f: &JsValue);
    #[wasm_bindgen(js_name = str)]
    fn js_string_of(value: &JsValue) -> String;
}

/// Ten random bytes from `crypto.getRandomValues`, falling back to `Math.random`.
pub fn random_bytes() -> [u8; 10] {
    let words = [random32(), random32(), random32()];
    let mut bytes = [0u8; 10];
    for (i, b) in (0..).zip(bytes.iter_mut()) {
        *b = (words[i / 4] >> (8 * (i % 4))) as u8;
    }
    bytes
}

/// A fresh UUID v7 made now.
pub fn new_id() -> String {
    nps_core::time::uuid_v7(now_ms(), random_bytes())
}

/// `location.href`, or "" when unavailable.
pub fn page_url() -> String {
    js_page_url()
}

/// `navigator.language`, or "en".
pub fn navigator_language() -> String {
    js_language()
}

/// `String(value)` for any JS value (for messages); "?" when even that throws.
pub fn js_string(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => s,
        None => js_string_of(value),
    }
}
