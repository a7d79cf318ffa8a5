//! Timers. (Page events — online, page hide, scroll depth, exit intent — are
//! watched by the shell, `shell.js`.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: u32, f: impl FnOnce() + 'static) {
    let f = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
    }
}

/// Runs `f` after the current task (lets an event handler finish before the
/// view it belongs to is torn down).
pub fn defer(f: impl FnOnce() + 'static) {
    after(0, f);
}
