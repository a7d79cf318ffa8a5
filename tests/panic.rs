//! A trap half-way through a call, in a test binary of its own (it disables the widget for the
//! rest of the page, so it must not share a wasm instance with the other browser tests).
//! A real `panic!` runs inside the widget's call, reached from JavaScript: the release wasm's
//! panic is a bare trap (`-Cpanic=immediate-abort`), this test build's is `abort` after
//! std's hook; either way the trap reaches the JS caller as an exception, as it would reach a
//! host page's event dispatch, and the widget's state is left half-changed. The next call must
//! notice, disable the widget with one console error, and answer harmlessly from then on. The
//! host page (here: this test) keeps running.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use nps_widget::embed;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
fn a_trap_inside_a_call_disables_the_widget_with_one_error_while_the_page_goes_on() {
    embed::init(object(&[("trigger", "manual".into())]));
    let before = embed::record(object(&[("score", 9.into())]));
    assert!(!before.is_undefined(), "the widget records before the trap");
    assert!(embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED).is_object());

    let bug = Closure::<dyn Fn()>::new(|| embed::run_inside(|| panic!("a bug in the widget")));
    let call: &js_sys::Function = bug.as_ref().unchecked_ref();
    let thrown = call.call0(&JsValue::NULL);
    assert!(
        thrown.is_err(),
        "the trap reaches the caller as an exception, not a hang"
    );

    // Capture console.error for the calls after the trap.
    let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original = js_sys::Reflect::get(&console, &"error".into()).unwrap();
    let logged: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = logged.clone();
    let capture = Closure::<dyn Fn(JsValue)>::new(move |m: JsValue| {
        sink.borrow_mut().push(m.as_string().unwrap_or_default());
    });
    js_sys::Reflect::set(&console, &"error".into(), capture.as_ref()).unwrap();
    // Disabled: the API answers harmlessly and records nothing more.
    let after = embed::record(object(&[("score", 7.into())]));
    let stats = embed::stats(JsValue::UNDEFINED, JsValue::UNDEFINED);
    js_sys::Reflect::set(&console, &"error".into(), &original).unwrap();

    assert!(after.is_undefined(), "a disabled widget records nothing");
    let n = js_sys::Reflect::get(&stats, &"n".into()).unwrap();
    assert_eq!(n.as_f64(), Some(0.0), "a disabled widget reports no stats");
    let logged = logged.borrow();
    assert_eq!(logged.len(), 1, "exactly one console.error: {logged:?}");
    assert!(
        logged[0].starts_with("nps-widget: ") && logged[0].contains("disabled"),
        "{}",
        logged[0]
    );
}
