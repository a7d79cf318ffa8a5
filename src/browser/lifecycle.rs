//! Timers. (Page events — online, page hide, scroll depth, exit intent — are
//! watched by the shell, `shell.js`.)

use std::cell::Cell;

use wasm_bindgen::closure::Closure;

/// Runs `f` once after `ms` milliseconds. An `Fn` closure that runs `f` the first time, not
/// `Closure::once_into_js`: the glue then needs no code for `FnMut` closures (measured: the
/// embed 41 127 → 40 722 B brotli, the glue 47 B less and the wasm 358 B).
pub fn after(ms: u32, f: impl FnOnce() + 'static) {
    let f = Cell::new(Some(f));
    let run = Closure::<dyn Fn()>::new(move || {
        if let Some(f) = f.take() {
            f();
        }
    });
    super::after(ms, &run.into_js_value());
}

/// Runs `f` after the current task (lets an event handler finish before the
/// view it belongs to is torn down).
pub fn defer(f: impl FnOnce() + 'static) {
    after(0, f);
}
