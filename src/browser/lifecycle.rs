//! Timers. (Page events — online, page hide, scroll depth, exit intent — are
//! watched by the shell, `shell.js`.)

use wasm_bindgen::closure::Closure;

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: u32, f: impl FnOnce() + 'static) {
    super::after(ms, &Closure::once_into_js(f));
}

/// Runs `f` after the current task (lets an event handler finish before the
/// view it belongs to is torn down).
pub fn defer(f: impl FnOnce() + 'static) {
    after(0, f);
}
