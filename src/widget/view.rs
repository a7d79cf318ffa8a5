//! Leptos components. They only wire signals to [`SurveyState`]; the logic
//! lives there.

use leptos::prelude::*;
use nps_core::scoring::Summary;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent};

use super::i18n::Strings;
use super::state::{Answer, KeyAction, Phase, SurveyState};

const LABELS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/// The NPS prompt: question, 0–10 radio group, follow-up with comment box,
/// send and close buttons, thank-you live region.
#[component]
pub fn Prompt(
    /// Texts in the negotiated language.
    strings: &'static Strings,
    /// The question, already including the company name.
    question: String,
    /// Container class list: mode and theme ("box popup auto").
    class: String,
    /// `dialog` (popup, modal) or `group` (inline).
    role: &'static str,
    /// Adds `aria-modal="true"` (modal mode).
    modal: bool,
    /// Called once with the answer when the person presses Send.
    #[prop(into)]
    on_submit: Callback<Answer>,
    /// Called when the prompt closes (× or Escape); `true` when that counts as a dismiss.
    #[prop(into)]
    on_close: Callback<bool>,
    /// Live NPS of this browser, shown under the prompt when set (preview mode).
    preview: Option<ArcRwSignal<Summary>>,
) -> impl IntoView {
    let state = RwSignal::new(SurveyState::new());

    let choose = move |score: u8, from: Option<Element>| {
        if state.write().choose(score) {
            // The comment box shows on the next render: focus it after that.
            set_timeout(
                move || {
                    if let Some(from) = from {
                        focus_in(&from, "textarea");
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    };
    let close = move || {
        let counted = state.write().dismiss();
        on_close.run(counted);
    };
    let submit = move || {
        let answer = state.write().submit();
        if let Some(answer) = answer {
            on_submit.run(answer);
        }
    };
    // Two handlers on the container serve every button and key (events
    // bubble up inside the shadow root): fewer closures in the wasm.
    let on_key = move |ev: KeyboardEvent| {
        let key = ev.key();
        let radio = target_element(&ev).and_then(|el| radio_score(&el).map(|s| (el, s)));
        let action = match &radio {
            Some((_, from)) => state.with_untracked(|s| s.key(&key, *from)),
            None if key == "Escape" || key == "Esc" => Some(KeyAction::Dismiss),
            None => None,
        };
        match (action, radio) {
            (Some(KeyAction::Focus(to)), Some((el, _))) => {
                ev.prevent_default();
                state.write().set_focus(to);
                let mut selector = String::from("[role=radio]:nth-child(");
                nps_core::push_u64(&mut selector, u64::from(to) + 1);
                selector.push(')');
                focus_in(&el, &selector);
            }
            (Some(KeyAction::Choose), Some((el, from))) => {
                ev.prevent_default();
                choose(from, Some(el));
            }
            (Some(KeyAction::Dismiss), _) => {
                ev.prevent_default();
                close();
            }
            _ => {}
        }
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(button) = target_element(&ev).and_then(|el| el.closest("button").ok().flatten())
        else {
            return;
        };
        if let Some(score) = radio_score(&button) {
            choose(score, Some(button));
        } else if button.class_name() == "x" {
            close();
        } else if button.class_name() == "send" {
            submit();
        }
    };

    // Nothing is created or removed after the first render: the follow-up
    // part is always there and toggled with `hidden` (fewer view types, no
    // memo; typing changes `state` but rebuilds nothing).
    let phase = move || state.with(|s| s.phase());
    let buttons = (0..=10u8)
        .map(|i| {
            view! {
                <button
                    role="radio"
                    aria-checked=move || if state.with(|s| s.is_checked(i)) { "true" } else { "false" }
                    tabindex=move || if state.with(|s| s.tab_stop() == i) { "0" } else { "-1" }
                >
                    {LABELS[i as usize]}
                </button>
            }
        })
        .collect_view();

    let follow_up =
        move || state.with(|s| s.category().map(|c| strings.follow_up(c)).unwrap_or(""));
    let preview_panel = preview.map(|summary| {
        // A handle owned by this view; the shared value outlives the prompt.
        let summary = RwSignal::from(summary);
        // One text node, so one reactive closure: " NPS 42 · n 17".
        let figures = move || {
            summary.with(|s| {
                let mut t = String::from(" NPS ");
                t.push_str(&crate::widget::fmt_nps(s.nps));
                t.push_str(" · n ");
                nps_core::push_u64(&mut t, s.n);
                t
            })
        };
        view! {
            <div class="pv" aria-label=strings.preview role="note">
                <b>{strings.preview}</b>
                {figures}
            </div>
        }
    });

    view! {
        <div
            class=class
            role=role
            aria-modal=modal.then_some("true")
            aria-labelledby="nps-q"
            on:keydown=on_key
            on:click=on_click
        >
            <button class="x" aria-label=strings.close>
                "×"
            </button>
            <p id="nps-q" class="q">{question}</p>
            <div class="body" hidden=move || phase() == Phase::Thanks>
                <div role="radiogroup" class="sc" aria-labelledby="nps-q" aria-describedby="nps-lo nps-hi">
                    {buttons}
                </div>
                <div class="ends">
                    <span id="nps-lo">{strings.not_likely}</span>
                    <span id="nps-hi">{strings.very_likely}</span>
                </div>
                <div class="fu-part" hidden=move || phase() != Phase::FollowUp>
                    <label for="nps-c" class="fu">{follow_up}</label>
                    <textarea
                        id="nps-c"
                        maxlength="2000"
                        rows="3"
                        on:input=move |ev| {
                            let ta = event_target::<HtmlTextAreaElement>(&ev);
                            let v = ta.value();
                            let mut s = state.write();
                            s.set_comment(&v);
                            if s.comment().len() != v.len() {
                                ta.set_value(s.comment());
                            }
                        }
                    ></textarea>
                    <div class="row">
                        <span class="cnt">{move || state.with(|s| s.counter())}</span>
                        <button class="send">
                            {strings.send}
                        </button>
                    </div>
                </div>
            </div>
            <div role="status" class="ty">
                {move || if phase() == Phase::Thanks { strings.thanks } else { "" }}
            </div>
            {preview_panel}
        </div>
    }
}

/// The score of a radio button (its label), None for any other element.
fn radio_score(el: &Element) -> Option<u8> {
    if el.get_attribute("role").as_deref() != Some("radio") {
        return None;
    }
    let label = el.text_content()?;
    LABELS.iter().position(|l| *l == label).map(|i| i as u8)
}

/// The element an event happened on (a radio button).
fn target_element(ev: &web_sys::Event) -> Option<Element> {
    ev.target().and_then(|t| t.dyn_into().ok())
}

/// Focuses the first match of `selector` in the prompt that holds `from`
/// (no node refs: plain DOM lookups are smaller in the wasm).
fn focus_in(from: &Element, selector: &str) {
    let el = from
        .closest(".box")
        .ok()
        .flatten()
        .and_then(|b| b.query_selector(selector).ok().flatten());
    if let Some(el) = el.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
