//! The prompt's Leptos view, and [`Events`], which turns the DOM events inside
//! it into [`SurveyState`] calls. The view only renders the state: one native
//! listener on the prompt's root serves every click, key and keystroke (events
//! bubble up inside the shadow root), which is several kilobytes of wasm less
//! than a Leptos `on:` handler per element, and keeps the logic in plain methods.

use leptos::prelude::*;
use nps_core::scoring::{Category, Tally};
use nps_core::wire::MAX_COMMENT_CHARS;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlTextAreaElement, KeyboardEvent};

use super::i18n::Strings;
use super::state::{Answer, Closed, KeyAction, Phase, SurveyState};

const LABELS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/// The events [`Events::handle`] is registered for.
pub const EVENTS: [&str; 3] = ["click", "keydown", "input"];

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
    /// The prompt's state, changed by [`Events`].
    state: ArcRwSignal<SurveyState>,
    /// Live NPS of this browser, shown under the prompt when set (preview mode).
    preview: Option<ArcRwSignal<Tally>>,
) -> impl IntoView {
    let state = RwSignal::from(state);

    // Nothing is created or removed after the first render: the follow-up
    // part is always there and toggled with `hidden` (fewer view types, no
    // memo; typing changes `state` but rebuilds nothing).
    let phase = move || state.with(|s| s.phase());
    let buttons = (0..=10u8)
        .map(|i| {
            view! {
                <button
                    role="radio"
                    aria-describedby=match i {
                        0 => Some("nps-lo"),
                        10 => Some("nps-hi"),
                        _ => None,
                    }
                    aria-checked=move || if state.with(|s| s.is_checked(i)) { "true" } else { "false" }
                    tabindex=move || if state.with(|s| s.tab_stop() == i) { "0" } else { "-1" }
                >
                    {LABELS[i as usize]}
                </button>
            }
        })
        .collect_view();

    // The three follow-up questions stacked in one cell, the chosen category's visible
    // (widget.css): the label is as tall as the tallest from the start, so the prompt does not
    // grow on a choice (an inline prompt moves nothing below it).
    let chosen = move || {
        state.with(|s| match s.category() {
            Some(Category::Detractor) => "d",
            Some(Category::Passive) => "p",
            Some(Category::Promoter) => "r",
            None => "",
        })
    };
    let preview_panel = preview.map(|tally| {
        // A handle owned by this view; the shared value outlives the prompt.
        let tally = RwSignal::from(tally);
        // One text node, so one reactive closure: " NPS 42 · 95% CI 12 to 63 · good · n 17".
        let figures = move || tally.with(|t| crate::widget::preview_text(&t.summary()));
        // The 0–10 distribution as 11 block characters (▁…█, a space for none) in three text
        // nodes coloured by category: far lighter in the wasm than 11 reactive SVG bars.
        let bars = move |scores: std::ops::RangeInclusive<u8>| {
            move || tally.with(|t| crate::widget::bars(&t.counts(), scores.clone()))
        };
        let bars = view! {
            <span class="bars" aria-hidden="true">
                <span class="d">{bars(0..=6)}</span>
                <span class="p">{bars(7..=8)}</span>
                <span class="r">{bars(9..=10)}</span>
            </span>
        };
        view! {
            <div class="pv" aria-label=strings.preview role="note">
                <b>{strings.preview}</b>
                {figures}
                {bars}
            </div>
        }
    });

    view! {
        <div
            class=class
            role=role
            aria-modal=modal.then_some("true")
            aria-labelledby="nps-q"
        >
            <button class="x" aria-label=strings.close>
                "×"
            </button>
            <p id="nps-q" class="q">{question}</p>
            <div class="body" hidden=move || phase() == Phase::Thanks>
                <div role="radiogroup" class="sc" aria-labelledby="nps-q">
                    {buttons}
                </div>
                <div class="ends">
                    <span id="nps-lo">{strings.not_likely}</span>
                    <span id="nps-hi">{strings.very_likely}</span>
                </div>
                <div class="fu-part" hidden=move || phase() != Phase::FollowUp>
                    <label for="nps-c" class="fu" data-c=chosen>
                        <span class="d">{strings.follow_up(Category::Detractor)}</span>
                        <span class="p">{strings.follow_up(Category::Passive)}</span>
                        <span class="r">{strings.follow_up(Category::Promoter)}</span>
                    </label>
                    <textarea
                        id="nps-c"
                        maxlength="2000"
                        rows="3"
                    ></textarea>
                    <div class="row">
                        <span class="cnt">{move || state.with(|s| strings.counter(s.chars(), MAX_COMMENT_CHARS))}</span>
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

/// What happens on the DOM events of one prompt: every decision is a
/// [`SurveyState`] method; this only reads the event and moves focus.
pub struct Events {
    pub state: ArcRwSignal<SurveyState>,
    /// Called once with the answer when the person presses Send.
    pub on_submit: Box<dyn Fn(Answer)>,
    /// Called when the prompt closes (× or Escape), with what that amounts to.
    pub on_close: Box<dyn Fn(Closed)>,
    /// Right-to-left: ← and → swap on the scale.
    pub rtl: bool,
}

impl Events {
    /// One of [`EVENTS`], from anywhere inside the prompt.
    pub fn handle(&self, ev: &Event) {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        match ev.type_().as_str() {
            "click" => self.click(&target),
            "keydown" => {
                if let Some(key) = ev.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key) {
                    if self.key(&key, target) {
                        ev.prevent_default();
                    }
                }
            }
            "input" => {
                if let Some(ta) = target.dyn_ref::<HtmlTextAreaElement>() {
                    let v = ta.value();
                    let mut s = self.state.write();
                    s.set_comment(&v);
                    if s.comment().len() != v.len() {
                        ta.set_value(s.comment());
                    }
                }
            }
            _ => {}
        }
    }

    fn click(&self, target: &Element) {
        let Some(button) = target.closest("button").ok().flatten() else {
            return;
        };
        if let Some(score) = radio_score(&button) {
            self.choose(score, button);
        } else if button.class_name() == "x" {
            self.close();
        } else if button.class_name() == "send" {
            let answer = self.state.write().submit();
            if let Some(answer) = answer {
                (self.on_submit)(answer);
            }
        }
    }

    /// Whether the key did something (its default action is then prevented).
    /// What it means is [`KeyAction::of`]'s to say.
    fn key(&self, key: &str, target: Element) -> bool {
        match KeyAction::of(key, radio_score(&target), self.rtl) {
            Some(KeyAction::Focus(to)) => {
                self.state.write().set_focus(to);
                let mut selector = String::from("[role=radio]:nth-child(");
                nps_core::push_u64(&mut selector, u64::from(to) + 1);
                selector.push(')');
                focus_in(&target, &selector);
            }
            Some(KeyAction::Choose(score)) => self.choose(score, target),
            Some(KeyAction::Dismiss) => self.close(),
            None => return false,
        }
        true
    }

    fn choose(&self, score: u8, from: Element) {
        if self.state.write().choose(score) {
            // The comment box shows on the next render: focus it after that.
            crate::browser::lifecycle::defer(move || focus_in(&from, "textarea"));
        }
    }

    fn close(&self) {
        let closed = self.state.write().close();
        (self.on_close)(closed);
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
