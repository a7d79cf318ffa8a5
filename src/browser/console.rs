//! `console.error` with the widget's prefix.

use wasm_bindgen::JsValue;

/// Logs `nps-widget: <message>` with `console.error`.
pub fn error(message: &str) {
    let mut s = String::with_capacity(12 + message.len());
    s.push_str("nps-widget: ");
    s.push_str(message);
    web_sys::console::error_1(&JsValue::from_str(&s));
}
