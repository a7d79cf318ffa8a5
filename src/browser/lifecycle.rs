//! Timers and page events: online, page hide / visibility, scroll depth,
//! exit intent.

use std::time::Duration;

use leptos::leptos_dom::helpers::{
    set_timeout_with_handle, window_event_listener_untyped, TimeoutHandle, WindowListenerHandle,
};
use wasm_bindgen::JsCast;

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: u64, f: impl FnOnce() + 'static) -> Option<TimeoutHandle> {
    set_timeout_with_handle(f, Duration::from_millis(ms)).ok()
}

/// Sleeps in async code (a `setTimeout` promise).
pub async fn sleep(ms: u32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Listens to a window event (also receives document events that bubble, such
/// as `visibilitychange`).
pub fn on(event: &str, f: impl Fn(web_sys::Event) + 'static) -> WindowListenerHandle {
    window_event_listener_untyped(event, f)
}

/// Whether the page is hidden now (`document.visibilityState == "hidden"`).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
        .unwrap_or(false)
}

/// How much of the page has been seen, in percent: the bottom of the
/// viewport over the document height.
pub fn scrolled_percent() -> f64 {
    let Some(w) = web_sys::window() else {
        return 0.0;
    };
    let Some(root) = w.document().and_then(|d| d.document_element()) else {
        return 0.0;
    };
    let height = root.scroll_height() as f64;
    let seen = w.scroll_y().unwrap_or(0.0)
        + w.inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
    if height <= 0.0 {
        return 100.0;
    }
    (seen / height * 100.0).min(100.0)
}

/// True for a `mouseout` that leaves the document through its top edge
/// (toward the tabs and address bar).
pub fn is_exit_intent(ev: &web_sys::Event) -> bool {
    match ev.dyn_ref::<web_sys::MouseEvent>() {
        Some(m) => m.related_target().is_none() && m.client_y() <= 0,
        None => false,
    }
}

/// Resolves after the current task (lets a Leptos handler finish before the
/// view it belongs to is torn down).
pub fn defer(f: impl FnOnce() + 'static) {
    let _ = after(0, f);
}
