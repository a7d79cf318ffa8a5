//! The prompt on screen (one at a time) and the automatic triggers (delay, scroll depth, exit
//! intent) gated by eligibility.

use nps_core::eligible;
use nps_core::options::{Mode, Options};
use nps_core::wire::Properties;
use web_sys::Element;

use super::records::visitor_history;
use crate::browser::host::Shell;
use crate::browser::{console, dom};
use crate::widget::state::{Answer, Closed};
use crate::widget::{mount_prompt, Mounted, PromptConfig};

/// The prompt on screen, if any, and how many have been shown (so a late timer closes only
/// its own prompt).
pub(super) struct Prompt {
    mounted: Option<Mounted>,
    shown: u32,
    /// The properties of the prompt on screen (`show(properties)`), for its answer.
    props: Properties,
}

impl Prompt {
    pub(super) const fn new() -> Prompt {
        Prompt {
            mounted: None,
            shown: 0,
            props: Properties::new(),
        }
    }

    pub(super) fn is_open(&self) -> bool {
        self.mounted.is_some()
    }

    /// Which prompt is (or was last) on screen.
    pub(super) fn shown(&self) -> u32 {
        self.shown
    }

    /// Mounts a prompt in `parent` (a modal takes focus and makes the rest of the page inert; a
    /// popup or modal gets the page's keys through the shell; a kiosk's is reset
    /// [`PromptConfig::reset_ms`] after the last touch or key). The one on screen must have been
    /// closed.
    pub(super) fn open(
        &mut self,
        shell: &Shell,
        parent: &Element,
        config: PromptConfig,
        props: Properties,
        on_submit: impl Fn(Answer) + 'static,
        on_close: impl Fn(Closed) + 'static,
    ) {
        let (mode, reset_ms) = (config.mode, config.reset_ms);
        let m = mount_prompt(parent, config, on_submit, on_close);
        // Before the modal takes the focus: the shell notes where it was.
        if mode != Mode::Inline {
            shell.keys(Some(m.host().clone()), mode == Mode::Modal, reset_ms);
        }
        // A modal, and a kiosk (the whole screen), start with the focus on the scale.
        if matches!(mode, Mode::Modal | Mode::Kiosk) {
            dom::focus_in(m.mount(), "[tabindex=\"0\"]");
        }
        self.mounted = Some(m);
        self.props = props;
        self.shown = self.shown.wrapping_add(1);
    }

    /// The properties the prompt on screen was shown with.
    pub(super) fn props(&self) -> &Properties {
        &self.props
    }

    /// Removes the prompt; returns what closing it amounts to (after a choice: the answer,
    /// which the caller records). The view is dropped after the current task: this may run
    /// inside one of its own event handlers (an `on('response')` handler calling `hide()`), and
    /// a view must not be torn down under its own feet.
    pub(super) fn close(&mut self, shell: &Shell) -> Closed {
        let Some(m) = self.mounted.take() else {
            return Closed::Nothing;
        };
        let closed = m.close();
        shell.keys(None, false, None);
        // Off the page now (a fresh prompt may follow at once); dropped later.
        m.host().remove();
        crate::browser::lifecycle::defer(move || drop(m));
        closed
    }
}

/// Where the prompt goes: the element given (`init({target})`, `<nps-survey>`) or the one
/// `data-target` selects for `inline`; the body for a popup or modal.
pub(super) fn parent(opts: &Options, target: Option<&Element>) -> Option<Element> {
    if opts.mode != Mode::Inline {
        return dom::body();
    }
    if let Some(el) = target {
        return Some(el.clone());
    }
    let sel = opts.target.as_deref().unwrap_or("");
    let found = dom::find(sel);
    if found.is_none() {
        let mut m = String::from("data-target \"");
        m.push_str(sel);
        m.push_str("\" matches no element on the page; the prompt was not shown");
        console::error(&m);
    }
    found
}

/// Whether this visitor may be asked now (recontact, dismiss and sampling rules).
pub(super) fn may_ask(opts: &Options) -> bool {
    eligible(opts, &visitor_history(), crate::browser::now_ms()).is_ok()
}

/// Arms the automatic triggers (run by the shell) when this visitor is eligible. A kiosk asks at
/// once.
pub(super) fn arm_triggers(opts: &Options, shell: &Shell) {
    if may_ask(opts) {
        let kiosk = opts.mode == Mode::Kiosk;
        shell.arm(
            if kiosk { 0 } else { opts.delay_ms },
            opts.scroll_percent,
            opts.exit_intent,
        );
    }
}
