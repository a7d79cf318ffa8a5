//! Showing and closing the prompt; the automatic triggers (delay, scroll
//! depth, exit intent) gated by eligibility.

use super::records::{load_visitor, preview_signal, save_visitor, visitor_history};
use super::*;

/// How long the thank-you stays before a popup or modal closes.
const THANKS_MS: u64 = 4000;

thread_local! {
    static PROMPT: RefCell<Option<Mounted>> = const { RefCell::new(None) };
    static TRIGGERS: RefCell<Vec<WindowListenerHandle>> = const { RefCell::new(Vec::new()) };
    static TRIGGER_TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    /// Counts prompts shown, so a late timer closes only its own prompt.
    static SHOWN: Cell<u32> = const { Cell::new(0) };
}

pub(super) fn show_prompt(props: Properties, force: bool) {
    if PROMPT.with(|p| p.borrow().is_some()) {
        return;
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

pub(super) fn arm_triggers() {
    let Some(opts) = with_live(|l| l.opts.clone()) else {
        return;
    };
    if eligible(&opts, &visitor_history(), crate::browser::now_ms()).is_err() {
        return;
    }
    let mut handles = Vec::new();
    if opts.scroll_percent > 0 {
        let p = f64::from(opts.scroll_percent);
        handles.push(lifecycle::on("scroll", move |_| {
            if lifecycle::scrolled_percent() >= p {
                lifecycle::defer(auto_show);
            }
        }));
    }
    if opts.exit_intent {
        handles.push(lifecycle::on("mouseout", |ev| {
            if lifecycle::is_exit_intent(&ev) {
                lifecycle::defer(auto_show);
            }
        }));
    }
    if handles.is_empty() {
        let t = lifecycle::after(u64::from(opts.delay_ms), auto_show);
        TRIGGER_TIMER.with(|s| *s.borrow_mut() = t);
    }
    TRIGGERS.with(|t| *t.borrow_mut() = handles);
}

pub(super) fn disarm_triggers() {
    let handles = TRIGGERS.with(|t| std::mem::take(&mut *t.borrow_mut()));
    for h in handles {
        h.remove();
    }
    if let Some(t) = TRIGGER_TIMER.with(|t| t.borrow_mut().take()) {
        t.clear();
    }
}

fn auto_show() {
    disarm_triggers();
    show_prompt(Properties::new(), false);
}
