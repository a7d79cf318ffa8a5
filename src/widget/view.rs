//! The prompt's view, and [`Events`], which turns the DOM events inside it into
//! [`SurveyState`] calls. The view is built once with plain DOM calls and only
//! renders the state ([`View::render`], after each change): nothing is created
//! or removed after the first render. One native listener on the prompt's root
//! serves every click, key and keystroke (events bubble up inside the shadow
//! root), and the logic stays in plain methods.
//!
//! It was a Leptos view: the reactive runtime, its generic view code and its
//! hash sets came to about 12 KB brotli of the embed (README, "Weight"), for
//! eleven radios, two `hidden` toggles, a counter and a live region.

use std::cell::RefCell;
use std::rc::Rc;

use nps_core::scoring::{Category, Tally};
use nps_core::wire::MAX_COMMENT_CHARS;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlTextAreaElement, KeyboardEvent};

use super::i18n::Strings;
use super::state::{Answer, Closed, KeyAction, Phase, SurveyState};
use crate::browser::dom::{self, add};

const LABELS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

/// What the prompt is built from.
pub struct Texts {
    /// Texts in the negotiated language.
    pub strings: &'static Strings,
    /// The question, already including the company name.
    pub question: String,
    /// Container class list: mode and theme ("box popup auto").
    pub class: String,
    /// `dialog` (popup, modal) or `group` (inline, kiosk).
    pub role: &'static str,
    /// Adds `aria-modal="true"` (modal mode).
    pub modal: bool,
    /// Adds the preview panel (the live NPS of this browser).
    pub preview: bool,
}

/// The NPS prompt: question, 0–10 radio group, follow-up with comment box, send and close
/// buttons, thank-you live region, and the preview panel when asked for. It holds the nodes
/// that change.
pub struct View {
    strings: &'static Strings,
    radios: Vec<Element>,
    body: Element,
    follow_up: Element,
    label: Element,
    counter: Element,
    thanks: Element,
    /// The preview's figures (a span after its title) and its three bars.
    preview: Option<(web_sys::Node, [Element; 3])>,
}

impl View {
    /// Builds the prompt in `mount`, rendered for a fresh state.
    pub fn build(mount: &Element, t: Texts) -> View {
        let s = t.strings;
        let root = add(mount, "div", "aria-labelledby=nps-q", "");
        dom::set(&root, "class", &t.class);
        dom::set(&root, "role", t.role);
        if t.modal {
            dom::set(&root, "aria-modal", "true");
        }
        dom::set(&add(&root, "button", "class=x", "×"), "aria-label", s.close);
        add(&root, "p", "id=nps-q class=q", &t.question);
        let body = add(&root, "div", "class=body", "");
        let group = "role=radiogroup class=sc aria-labelledby=nps-q";
        let group = add(&body, "div", group, "");
        let mut radios = Vec::with_capacity(11);
        for (i, label) in LABELS.iter().enumerate() {
            let attrs = match i {
                0 => "role=radio aria-describedby=nps-lo",
                10 => "role=radio aria-describedby=nps-hi",
                _ => "role=radio",
            };
            radios.push(add(&group, "button", attrs, label));
        }
        let ends = add(&body, "div", "class=ends", "");
        add(&ends, "span", "id=nps-lo", s.not_likely);
        add(&ends, "span", "id=nps-hi", s.very_likely);
        let follow_up = add(&body, "div", "class=fu-part", "");
        // The three follow-up questions stacked in one cell, the chosen category's visible
        // (widget.css): the label is as tall as the tallest from the start, so the prompt does
        // not grow on a choice (an inline prompt moves nothing below it).
        let label = add(&follow_up, "label", "for=nps-c class=fu", "");
        for (class, category) in [
            ("class=d", Category::Detractor),
            ("class=p", Category::Passive),
            ("class=r", Category::Promoter),
        ] {
            add(&label, "span", class, s.follow_up(category));
        }
        let area = "id=nps-c maxlength=2000 rows=3";
        add(&follow_up, "textarea", area, "");
        let row = add(&follow_up, "div", "class=row", "");
        let counter = add(&row, "span", "class=cnt", "");
        add(&row, "button", "class=send", s.send);
        let thanks = add(&root, "div", "role=status class=ty", "");
        let preview = if t.preview {
            let panel = add(&root, "div", "class=pv role=note", "");
            dom::set(&panel, "aria-label", s.preview);
            add(&panel, "b", "", s.preview);
            // One text node: " NPS 42 · 95% CI 12 to 63 · good · n 17". The 0–10 distribution
            // as 11 block characters (▁…█, a space for none) in three spans coloured by
            // category.
            let figures: web_sys::Node = add(&panel, "span", "", "").into();
            let bars = add(&panel, "span", "class=bars aria-hidden=true", "");
            let bar = |class| add(&bars, "span", class, "");
            Some((figures, [bar("class=d"), bar("class=p"), bar("class=r")]))
        } else {
            None
        };
        let view = View {
            strings: s,
            radios,
            body,
            follow_up,
            label,
            counter,
            thanks,
            preview,
        };
        view.render(&SurveyState::new());
        view
    }

    /// Shows `state`.
    pub fn render(&self, state: &SurveyState) {
        for (i, radio) in (0u8..).zip(&self.radios) {
            let checked = if state.is_checked(i) { "true" } else { "false" };
            dom::set(radio, "aria-checked", checked);
            let tab = if state.tab_stop() == i { "0" } else { "-1" };
            dom::set(radio, "tabindex", tab);
        }
        let phase = state.phase();
        dom::toggle(&self.body, "hidden", phase == Phase::Thanks);
        dom::toggle(&self.follow_up, "hidden", phase != Phase::FollowUp);
        let chosen = match state.category() {
            Some(Category::Detractor) => "d",
            Some(Category::Passive) => "p",
            Some(Category::Promoter) => "r",
            None => "",
        };
        dom::set(&self.label, "data-c", chosen);
        let count = self.strings.counter(state.chars(), MAX_COMMENT_CHARS);
        self.counter.set_text_content(Some(&count));
        let thanks = if phase == Phase::Thanks {
            self.strings.thanks
        } else {
            ""
        };
        self.thanks.set_text_content(Some(thanks));
    }

    /// Shows `tally` in the preview panel, when there is one.
    pub fn render_preview(&self, tally: &Tally) {
        let Some((figures, bars)) = &self.preview else {
            return;
        };
        figures.set_text_content(Some(&crate::widget::preview_text(&tally.summary())));
        let counts = tally.counts();
        for (bar, scores) in bars.iter().zip([0..=6, 7..=8, 9..=10]) {
            bar.set_text_content(Some(&crate::widget::bars(&counts, scores)));
        }
    }
}

/// What happens on the DOM events of one prompt: every decision is a
/// [`SurveyState`] method; this only reads the event and moves focus.
pub struct Events {
    pub state: Rc<RefCell<SurveyState>>,
    /// Rendered after each change of `state`.
    pub view: Rc<View>,
    /// Called once with the answer when the person presses Send.
    pub on_submit: Box<dyn Fn(Answer)>,
    /// Called when the prompt closes (× or Escape), with what that amounts to.
    pub on_close: Box<dyn Fn(Closed)>,
    /// Right-to-left: ← and → swap on the scale.
    pub rtl: bool,
}

impl Events {
    /// A `click`, `keydown` or `input` event ([`dom::listen`]), from anywhere inside the prompt.
    ///
    /// The event's types are taken as the listener's event names say, unchecked (each check is
    /// an import and code in the wasm): inside the prompt's shadow root a click, key or input
    /// targets an element, a `keydown` is a `KeyboardEvent` (the shell forwards the page's keys
    /// as one), and the text area is the one element that fires `input`.
    pub fn handle(&self, ev: &Event) {
        let Some(target) = ev.target() else {
            return;
        };
        let target: Element = target.unchecked_into();
        match ev.type_().as_str() {
            "click" => self.click(&target),
            "keydown" => {
                let key = ev.unchecked_ref::<KeyboardEvent>().key();
                if self.key(&key, target) {
                    ev.prevent_default();
                }
            }
            "input" => {
                let ta = target.unchecked_ref::<HtmlTextAreaElement>();
                let v = ta.value();
                let mut s = self.state.borrow_mut();
                s.set_comment(&v);
                if s.comment().len() != v.len() {
                    ta.set_value(s.comment());
                }
                self.view.render(&s);
            }
            _ => {}
        }
    }

    fn click(&self, target: &Element) {
        let Some(button) = dom::closest(target, "button") else {
            return;
        };
        if let Some(score) = radio_score(&button) {
            self.choose(score, button);
        } else if button.class_name() == "x" {
            self.close();
        } else if button.class_name() == "send" {
            let answer = self.change(SurveyState::submit);
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
                self.change(|s| s.set_focus(to));
                let mut selector = String::from("[role=radio]:nth-child(");
                nps_core::push_u64(&mut selector, u64::from(to) + 1);
                selector.push(')');
                dom::focus_in(&target, &selector);
            }
            Some(KeyAction::Choose(score)) => self.choose(score, target),
            Some(KeyAction::Dismiss) => self.close(),
            None => return false,
        }
        true
    }

    fn choose(&self, score: u8, from: Element) {
        if self.change(|s| s.choose(score)) {
            dom::focus_in(&from, "textarea");
        }
    }

    fn close(&self) {
        let closed = self.change(SurveyState::close);
        (self.on_close)(closed);
    }

    /// Changes the state, renders it, and returns what the change did (no borrow is held
    /// after: the callbacks that follow may close the prompt).
    fn change<T>(&self, f: impl FnOnce(&mut SurveyState) -> T) -> T {
        let mut state = self.state.borrow_mut();
        let done = f(&mut state);
        self.view.render(&state);
        done
    }
}

/// The score of a radio button (its label), None for any other element.
fn radio_score(el: &Element) -> Option<u8> {
    u8::try_from(dom::radio_score(el)).ok().filter(|s| *s <= 10)
}
