//! Showing and closing the prompt; the automatic triggers (delay, scroll
//! depth, exit intent) gated by eligibility.

use super::records::{load_visitor, preview_signal, save_visitor, visitor_history};
use super::*;

/// How long the thank-you stays before a popup or modal closes.
const THANKS_MS: u64 = 4000;

thread_local! {
    static PROMPT: RefCell<Option<Mounted>> = const { RefCell::new(None) };
    /// Counts prompts shown, so a late timer closes only its own prompt.
    static SHOWN: Cell<u32> = const { Cell::new(0) };
}

/// Shows a prompt. One is on screen at a time: without `force` a second call
/// does nothing; with `force` the one on screen (even its thank-you) is
/// replaced by a fresh prompt.
pub(super) fn show_prompt(props: Properties, force: bool) {
    if PROMPT.with(|p| p.borrow().is_some()) {
        if !force {
            return;
        }
        close_prompt();
    }
    let Some((opts, strings, target)) =
        with_live(|l| (l.opts.clone(), l.strings, l.target.clone()))
    else {
        return;
    };
    if !force && eligible(&opts, &visitor_history(), crate::browser::now_ms()).is_err() {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parent: Option<Element> = match opts.mode {
        Mode::Inline => target.or_else(|| {
            let sel = opts.target.as_deref().unwrap_or("");
            let found = doc.query_selector(sel).ok().flatten();
            if found.is_none() {
                let mut m = String::from("data-target \"");
                m.push_str(sel);
                m.push_str("\" matches no element on the page; the prompt was not shown");
                console::error(&m);
            }
            found
        }),
        _ => doc.body().map(Into::into),
    };
    let Some(parent) = parent else {
        return;
    };
    let preview = opts.preview.then(preview_signal);
    let config = PromptConfig {
        strings,
        company: opts.company.clone(),
        mode: opts.mode,
        theme: opts.theme,
        preview: preview.flatten(),
    };
    let mode = opts.mode;
    let mounted = mount_prompt(
        &parent,
        config,
        move |answer| {
            if let Err(m) = record_answer(answer.score, answer.comment, None, &props) {
                console::error(&m);
            }
            if mode != Mode::Inline {
                let shown = SHOWN.with(|n| n.get());
                lifecycle::after(THANKS_MS, move || {
                    if SHOWN.with(|n| n.get()) == shown {
                        close_prompt();
                    }
                });
            }
        },
        |counted| {
            if counted {
                dismissed();
            }
            close_prompt();
        },
    );
    match mounted {
        Ok(m) => {
            if mode == Mode::Modal {
                if let Ok(Some(el)) = m.root().query_selector("[tabindex=\"0\"]") {
                    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
            if mode != Mode::Inline {
                host::keys(Some(m.host().clone()));
            }
            PROMPT.with(|p| *p.borrow_mut() = Some(m));
            SHOWN.with(|n| n.set(n.get().wrapping_add(1)));
            disarm_triggers();
            let detail = Object::new();
            set(&detail, "touchpoint", &JsValue::from_str(&opts.touchpoint));
            set(&detail, "mode", &JsValue::from_str(mode.as_str()));
            emit("shown", &detail);
        }
        Err(e) => {
            web_sys::console::error_2(
                &JsValue::from_str("nps-widget: could not show the prompt"),
                &e,
            );
        }
    }
}

/// Removes the prompt. The view is dropped after the current task: this may
/// run inside one of its own event handlers (an `on('response')` handler
/// calling `hide()`), and a view must not be torn down under its own feet.
pub(super) fn close_prompt() {
    if let Some(m) = PROMPT.with(|p| p.borrow_mut().take()) {
        host::keys(None);
        // Off the page now (a fresh prompt may follow at once); dropped later.
        m.host().remove();
        lifecycle::defer(move || drop(m));
    }
}

fn dismissed() {
    let mut v = load_visitor();
    v.dismissed_at_ms = Some(crate::browser::now_ms());
    save_visitor(&v);
    let touchpoint = with_live(|l| l.opts.touchpoint.clone()).unwrap_or_default();
    let detail = Object::new();
    set(&detail, "touchpoint", &JsValue::from_str(&touchpoint));
    emit("dismissed", &detail);
}

/// Arms the automatic triggers (run by the shell) when this visitor is eligible.
pub(super) fn arm_triggers() {
    let Some(opts) = with_live(|l| l.opts.clone()) else {
        return;
    };
    if eligible(&opts, &visitor_history(), crate::browser::now_ms()).is_err() {
        return;
    }
    host::arm(opts.delay_ms, opts.scroll_percent, opts.exit_intent);
}

pub(super) fn disarm_triggers() {
    host::disarm();
}

/// `autoShow()`: a trigger fired (called by the shell, which disarms first).
#[wasm_bindgen(js_name = autoShow)]
pub fn auto_show() {
    if !disabled() {
        show_prompt(Properties::new(), false);
    }
}
