//! Timers. (Page events — online, page hide, scroll depth, exit intent — are
//! watched by the shell, `shell.js`.)

use std::time::Duration;

use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: u64, f: impl FnOnce() + 'static) -> Option<TimeoutHandle> {
    set_timeout_with_handle(f, Duration::from_millis(ms)).ok()
}

/// Runs `f` after the current task (lets a Leptos handler finish before the
/// view it belongs to is torn down).
pub fn defer(f: impl FnOnce() + 'static) {
    let _ = after(0, f);
}
