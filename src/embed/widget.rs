//! [`Widget`]: everything the embed holds between calls — the configuration, the shell
//! (timers, `fetch`, listeners), the prompt on screen, delivery and the preview — and what
//! each call does with it. The modules beside this one take the parts they need as arguments.

use nps_core::options::{Mode, Options, Trigger};
use nps_core::wire::{Properties, Response};
use wasm_bindgen::JsValue;
use web_sys::Element;

use super::catalogs::Catalogs;
use super::delivery::{Delivery, Post};
use super::input::{parse, Pairs};
use super::prompt::{self, Prompt};
use super::records::{self, Preview};
use super::with_widget;
use crate::browser::host::Shell;
use crate::browser::js;
use crate::browser::{console, lifecycle};
use crate::widget::i18n::{self, Strings, EN};
use crate::widget::state::{Answer, Closed};
use crate::widget::PromptConfig;

/// How long the thank-you stays before a popup or modal closes.
const THANKS_MS: u32 = 4000;

/// A configuration in force.
struct Live {
    opts: Options,
    /// The visitor's locale, negotiated ([`i18n::negotiate`]): the responses carry it.
    locale: &'static str,
    /// Its catalog, once this page has it.
    strings: Option<&'static Strings>,
    /// Container given as an element (`init({target: el})`, `<nps-survey>`).
    target: Option<Element>,
    /// The option pairs this configuration was parsed from: a `<nps-survey>`
    /// layers its attributes on top of them.
    pairs: Pairs,
}

// One value per page: boxing `Live` would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Status {
    /// Not configured yet: the first use runs with the defaults (local-only, manual trigger).
    Fresh,
    Active(Live),
    /// A fatal option error: every call does nothing.
    Inactive,
}

impl Status {
    /// The configuration in force (the defaults before `init()`); None when inactive.
    fn live(&mut self) -> Option<&mut Live> {
        if matches!(self, Status::Fresh) {
            *self = Status::Active(Live {
                opts: Options {
                    trigger: Trigger::Manual,
                    ..Options::default()
                },
                locale: i18n::negotiate(&crate::browser::navigator_language()),
                strings: None,
                target: None,
                pairs: Pairs::new(),
            });
        }
        match self {
            Status::Active(live) => Some(live),
            _ => None,
        }
    }
}

/// The embed's one value (see the module docs).
pub(super) struct Widget {
    status: Status,
    pub(super) shell: Shell,
    prompt: Prompt,
    delivery: Delivery,
    preview: Preview,
    catalogs: Catalogs,
    /// A `show(properties, force)` waiting for the visitor's catalog.
    waiting: Option<(Properties, bool)>,
    /// What `init()` was given, for the loader's record ([`Widget::save_gate`]).
    gate: JsValue,
}

impl Widget {
    /// The widget before its first call: a constant, so that the embed's one value needs no
    /// lazy initialisation in the wasm.
    pub(super) const fn new() -> Widget {
        Widget {
            status: Status::Fresh,
            shell: Shell::new(),
            prompt: Prompt::new(),
            delivery: Delivery::new(),
            preview: Preview::new(),
            catalogs: Catalogs::new(),
            waiting: None,
            gate: JsValue::UNDEFINED,
        }
    }

    /// Parses options (one console.error per rejected option) and (re)starts the widget.
    /// The first `global` pairs (script tag / `init()`, not a `<nps-survey>`'s own
    /// attributes) are kept, minus rejected ones, for elements mounted later.
    pub(super) fn configure(
        &mut self,
        mut pairs: Pairs,
        global: usize,
        mut target: Option<Element>,
        force_inline: Option<Element>,
    ) -> bool {
        let parsed = parse(&pairs);
        for e in &parsed.errors {
            console::error(&e.text());
        }
        self.teardown();
        let active = parsed.active();
        let mut opts = parsed.options;
        if let Some(el) = force_inline {
            opts.mode = Mode::Inline;
            opts.trigger = Trigger::Manual;
            target = Some(el);
        }
        if !active {
            self.status = Status::Inactive;
            return false;
        }
        let requested = opts
            .locale
            .clone()
            .unwrap_or_else(crate::browser::navigator_language);
        let locale = i18n::negotiate(&requested);
        // Fetched now, so that a prompt shown later does not wait for it.
        let strings = self.catalogs.get(locale);
        if strings.is_none() {
            self.catalogs.request(locale, &self.shell);
        }
        pairs.truncate(global);
        pairs.retain(|p| parse(std::slice::from_ref(p)).errors.is_empty());
        self.preview.refresh(&opts);
        if opts.endpoint.is_some() {
            self.shell.schedule(0);
        }
        if opts.trigger == Trigger::Auto {
            prompt::arm_triggers(&opts, &self.shell);
        }
        self.status = Status::Active(Live {
            locale,
            strings,
            opts,
            target,
            pairs,
        });
        true
    }

    /// Keeps what `init()` was given (`options`) and writes the loader's record for it.
    pub(super) fn keep_gate(&mut self, options: JsValue) {
        self.gate = options;
        self.delivery.queued = records::pending();
        self.save_gate(self.delivery.queued);
    }

    /// Rewrites the loader's record ([`records::save_gate`]) where it changes: a configuration,
    /// an answer, a dismiss, a delivery; `queued` as counted by the caller. Not for a prompt in an
    /// element of the page's (`init({target})`, `<nps-survey>`): the loader loads for those anyway.
    fn save_gate(&self, queued: usize) {
        if let Status::Active(live) = &self.status {
            if live.target.is_none() {
                records::save_gate(&live.opts, &self.gate, queued);
            }
        }
    }

    /// The option pairs in force, for a `<nps-survey>` to layer its own on.
    pub(super) fn pairs(&self) -> Pairs {
        match &self.status {
            Status::Active(live) => live.pairs.clone(),
            _ => Pairs::new(),
        }
    }

    /// Removes the prompt and the auto-show triggers (not the queue or listeners).
    fn teardown(&mut self) {
        self.shell.disarm();
        self.close();
    }

    /// Shows a prompt. One is on screen at a time: without `force` a second call
    /// does nothing; with `force` the one on screen (even its thank-you) is
    /// replaced by a fresh prompt.
    // Called from several exports (show, mountSurvey, catalogLoaded, reset): one copy.
    #[inline(never)]
    pub(super) fn show(&mut self, props: Properties, force: bool) {
        if self.prompt.is_open() {
            if !force {
                return;
            }
            self.close();
        }
        let Some(live) = self.status.live() else {
            return;
        };
        let opts = &live.opts;
        if !force && !prompt::may_ask(opts) {
            return;
        }
        let strings = match live.strings.or_else(|| self.catalogs.get(live.locale)) {
            Some(s) => s,
            // Asked for (or now): shown when it arrives.
            None if self.catalogs.request(live.locale, &self.shell) => {
                self.waiting = Some((props, force));
                return;
            }
            // No shell to fetch it (or it failed): English.
            None => &EN,
        };
        live.strings = Some(strings);
        let opts = &live.opts;
        let Some(parent) = prompt::parent(opts, live.target.as_ref()) else {
            return;
        };
        let config = PromptConfig {
            strings,
            company: opts.company.clone(),
            mode: opts.mode,
            theme: opts.theme,
            preview: opts.preview.then(|| self.preview.live()),
            reset_ms: (opts.mode == Mode::Kiosk).then_some(opts.kiosk_reset_ms),
        };
        let mode = opts.mode;
        self.prompt.open(
            &self.shell,
            &parent,
            config,
            props,
            move |answer| {
                with_widget(|w| w.answered(answer, mode));
            },
            move |closed| {
                with_widget(|w| w.closed(closed, mode));
            },
        );
        self.shell.disarm();
        let detail = js::obj();
        js::set_str(&detail, "touchpoint", &opts.touchpoint);
        js::set_str(&detail, "mode", mode.as_str());
        self.shell.emit("shown", detail.into());
    }

    /// `hide()`, the end of a thank-you, a page hide, another prompt: the prompt leaves the
    /// page. A score chosen on it is an answer: recorded, with the comment typed so far.
    pub(super) fn close(&mut self) {
        let props = self.prompt.props().clone();
        if let Closed::Answered(answer) = self.prompt.close(&self.shell) {
            self.record_answer(answer, &props);
        }
    }

    fn record_answer(&mut self, answer: Answer, props: &Properties) {
        if let Err(m) = self.record(answer.score, answer.comment, None, props) {
            console::error(&m);
        }
    }

    /// A kiosk's prompt starts over for the next customer (`kioskReset()`, the shell's timer
    /// after the last touch, or × / Escape): the one on screen closes, a score chosen on it is
    /// recorded, and a fresh prompt replaces it, with nothing of the last answer in the DOM.
    pub(super) fn reset(&mut self) {
        let props = self.prompt.props().clone();
        self.close();
        self.show(props, true);
    }

    /// The prompt's send: the answer is recorded; a popup or modal closes after its thank-you
    /// (a kiosk's thank-you stays until its reset).
    fn answered(&mut self, answer: Answer, mode: Mode) {
        let props = self.prompt.props().clone();
        self.record_answer(answer, &props);
        if !matches!(mode, Mode::Inline | Mode::Kiosk) {
            let shown = self.prompt.shown();
            lifecycle::after(THANKS_MS, move || {
                with_widget(|w| {
                    if w.prompt.shown() == shown {
                        w.close();
                    }
                });
            });
        }
    }

    /// The prompt's close button or Escape: before a choice a dismiss (remembered for
    /// `data-dismiss-days`), after one an answer. A kiosk then starts over.
    fn closed(&mut self, closed: Closed, mode: Mode) {
        match closed {
            Closed::Dismissed => {
                records::dismissed();
                self.delivery.queued = records::pending();
                self.save_gate(self.delivery.queued);
                let touchpoint = self.status.live().map(|l| l.opts.touchpoint.as_str());
                let detail = js::obj();
                js::set_str(&detail, "touchpoint", touchpoint.unwrap_or_default());
                self.shell.emit("dismissed", detail.into());
            }
            Closed::Answered(answer) => {
                let props = self.prompt.props().clone();
                self.record_answer(answer, &props);
            }
            Closed::Nothing => {}
        }
        if mode == Mode::Kiosk {
            self.reset();
        } else {
            self.close();
        }
    }

    /// Builds, validates and durably stores a response before any network attempt
    /// ([`records::record_answer`]), then updates the preview, queues the `response` event
    /// and schedules a flush. `Ok(None)` when the widget is inactive.
    pub(super) fn record(
        &mut self,
        score: u8,
        comment: Option<String>,
        touchpoint: Option<String>,
        extra: &Properties,
    ) -> Result<Option<Response>, String> {
        let Some(live) = self.status.live() else {
            return Ok(None);
        };
        let opts = &live.opts;
        let records::Recorded {
            response: r,
            pending,
            shed,
        } = records::record_answer(
            opts,
            live.locale,
            score,
            comment,
            touchpoint,
            extra,
            self.delivery.queued,
        )?;
        self.delivery.queued = pending;
        self.preview.refresh(opts);
        let batch_size = opts.batch_size as usize;
        let flush_ms = u64::from(opts.flush_ms);
        let endpoint = opts.endpoint.is_some();
        self.save_gate(pending);
        self.shell.emit("response", js::response_to_js(&r));
        if !shed.is_empty() {
            self.shell.emit("error", super::delivery::queue_full(&shed));
        }
        if endpoint {
            self.shell
                .schedule(if pending >= batch_size { 0 } else { flush_ms });
        }
        Ok(Some(r))
    }

    /// The shell's answer to a catalog request ([`Catalogs::arrived`]); a prompt waiting for it
    /// is shown (in English if it could not be had).
    pub(super) fn catalog_loaded(&mut self, tag: &str, text: Option<&str>, why: Option<&str>) {
        let strings = self.catalogs.arrived(tag, text, why).unwrap_or_else(|m| {
            console::error(&m);
            &EN
        });
        if let Some(live) = self.status.live() {
            if live.locale == tag && live.strings.is_none() {
                live.strings = Some(strings);
            }
        }
        if let Some((props, force)) = self.waiting.take() {
            self.show(props, force);
        }
    }

    /// Responses queued and not yet acknowledged (none without an endpoint).
    pub(super) fn pending(&mut self) -> usize {
        match self.status.live() {
            Some(live) if live.opts.endpoint.is_some() => records::pending(),
            _ => 0,
        }
    }

    /// The next batch to POST ([`Delivery::take_batch`]).
    pub(super) fn take_batch(
        &mut self,
        force: bool,
        keepalive: bool,
        locked: bool,
        first: bool,
    ) -> Option<Post> {
        let live = self.status.live()?;
        self.delivery
            .take_batch(&live.opts, &self.shell, force, keepalive || locked, first)
    }

    /// The endpoint's answer to the batch on the wire ([`Delivery::batch_done`]).
    pub(super) fn batch_done(
        &mut self,
        status: Option<u16>,
        retry_after: Option<&str>,
        body: &str,
    ) -> i32 {
        let n = self
            .delivery
            .batch_done(&mut self.shell, status, retry_after, body);
        self.save_gate(self.delivery.queued);
        n
    }
}
