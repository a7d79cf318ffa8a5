//! The prompt: plain state ([`state`]), texts ([`i18n`]), its view
//! ([`view`](mod@view)), and mounting into an open shadow root styled by a
//! constructable stylesheet (CSP-safe: no `style` attributes).

pub mod i18n;
pub mod state;
pub mod view;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use nps_core::options::{Mode, Theme};
use nps_core::scoring::{Summary, Tally};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, ShadowRoot};

use crate::browser::dom;

use i18n::Strings;
use state::{Answer, Closed, SurveyState};
use view::View;

/// The live tally of the preview panel: shared by the embed, which recounts it, and the
/// prompt on screen, whose panel [`LiveTally::set`] renders again.
#[derive(Clone, Default)]
pub struct LiveTally(Rc<Live>);

#[derive(Default)]
struct Live {
    tally: Cell<Tally>,
    shown_in: RefCell<Weak<View>>,
}

impl LiveTally {
    pub fn new(tally: Tally) -> LiveTally {
        let live = LiveTally::default();
        live.0.tally.set(tally);
        live
    }

    pub fn get(&self) -> Tally {
        self.0.tally.get()
    }

    /// Sets the tally, and shows it in the panel of the prompt on screen.
    pub fn set(&self, tally: Tally) {
        self.0.tally.set(tally);
        if let Some(view) = self.0.shown_in.borrow().upgrade() {
            view.render_preview(&tally);
        }
    }

    fn show_in(&self, view: &Rc<View>) {
        *self.0.shown_in.borrow_mut() = Rc::downgrade(view);
        view.render_preview(&self.get());
    }
}

/// How to render one prompt.
pub struct PromptConfig {
    pub strings: &'static Strings,
    pub company: Option<String>,
    pub mode: Mode,
    pub theme: Theme,
    /// Live NPS shown under the prompt (preview mode).
    pub preview: Option<LiveTally>,
    /// A kiosk: the prompt starts over this long after the last touch or key in it (the
    /// embed's shell keeps the timer; the view does not read it).
    pub reset_ms: Option<u32>,
}

/// A mounted prompt. Dropping it unmounts the view, removes its event
/// listener and the host element.
pub struct Mounted {
    host: Element,
    root: ShadowRoot,
    /// The element in the shadow root the view is mounted in; it holds the listener.
    mount: HtmlElement,
    listener: Closure<dyn Fn(Event)>,
    state: Rc<RefCell<SurveyState>>,
}

impl Mounted {
    /// The host element (`<div data-nps-widget="popup|modal|inline">`).
    pub fn host(&self) -> &Element {
        &self.host
    }
    /// The element in the shadow root that the prompt is built in.
    pub fn mount(&self) -> &HtmlElement {
        &self.mount
    }
    /// The open shadow root holding the prompt.
    pub fn root(&self) -> &ShadowRoot {
        &self.root
    }
    /// Closes the prompt's state as its × would ([`SurveyState::close`]): after a choice, the
    /// answer with the comment typed so far.
    pub fn close(&self) -> Closed {
        self.state.borrow_mut().close()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        dom::listen(&self.mount, self.listener.as_ref(), false);
        self.host.remove();
    }
}

pub const CSS: &str = include_str!("widget/widget.css");

/// Appends a host element to `parent`, attaches an open shadow root with the
/// widget's stylesheet, and mounts the prompt in it.
pub fn mount_prompt(
    parent: &Element,
    config: PromptConfig,
    on_submit: impl Fn(Answer) + 'static,
    on_close: impl Fn(Closed) + 'static,
) -> Mounted {
    let mode = config.mode.as_str();
    let mut attrs = String::from("data-nps-widget=");
    attrs.push_str(mode);
    let host = dom::add(parent, "div", &attrs, "");
    let root = dom::shadow(&host, CSS);
    if !dom::styled() {
        crate::browser::console::error(
            "constructable stylesheets are not supported; the prompt is unstyled",
        );
    }
    // The language and direction of the prompt.
    let mut attrs = String::from("lang=");
    attrs.push_str(config.strings.locale);
    attrs.push_str(if config.strings.rtl {
        " dir=rtl"
    } else {
        " dir=ltr"
    });
    let mount: HtmlElement = dom::add(&root, "div", &attrs, "").unchecked_into();

    let mut class = String::with_capacity(24);
    class.push_str("box ");
    class.push_str(mode);
    class.push(' ');
    class.push_str(config.theme.as_str());
    let (role, modal) = match config.mode {
        Mode::Popup => ("dialog", false),
        Mode::Modal => ("dialog", true),
        Mode::Inline | Mode::Kiosk => ("group", false),
    };
    let texts = view::Texts {
        strings: config.strings,
        question: config.strings.question(config.company.as_deref()),
        class,
        role,
        modal,
        preview: config.preview.is_some(),
    };
    let view = Rc::new(View::build(&mount, texts));
    if let Some(live) = &config.preview {
        live.show_in(&view);
    }
    let state = Rc::new(RefCell::new(SurveyState::new()));
    let events = view::Events {
        state: state.clone(),
        view,
        on_submit: Box::new(on_submit),
        on_close: Box::new(on_close),
        rtl: config.strings.rtl,
    };
    let listener = Closure::<dyn Fn(Event)>::new(move |ev: Event| events.handle(&ev));
    dom::listen(&mount, listener.as_ref(), true);
    Mounted {
        host,
        root,
        mount,
        listener,
        state,
    }
}

/// "42", "-12.5", "–" for undefined.
/// The preview panel's figures: " NPS 42 · 95% CI 12 to 63 · good · n 17" (band and interval
/// once there are answers).
pub fn preview_text(s: &Summary) -> String {
    let mut t = String::from(" NPS ");
    t.push_str(&fmt_nps(s.nps));
    if let Some([lo, hi]) = s.ci95 {
        t.push_str(" · 95% CI ");
        t.push_str(&fmt_nps(Some(lo)));
        t.push_str(" to ");
        t.push_str(&fmt_nps(Some(hi)));
    }
    if let Some(band) = s.band() {
        t.push_str(" · ");
        t.push_str(band.as_str());
    }
    t.push_str(" · n ");
    nps_core::push_u64(&mut t, s.n);
    t
}

/// The counts of `scores` as block characters, the tallest (█) for the most frequent score of
/// all 11, a space for a score nobody gave.
pub fn bars(counts: &[u64; 11], scores: core::ops::RangeInclusive<u8>) -> String {
    const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let mut bars = String::new();
    for s in scores {
        bars.push(LEVELS[(counts[usize::from(s)] * 8).div_ceil(most) as usize]);
    }
    bars
}

pub fn fmt_nps(nps: Option<f64>) -> String {
    match nps {
        None => "–".to_owned(),
        Some(v) => {
            let tenths = (v * 10.0).round() as i64;
            let mut s = String::new();
            if tenths < 0 {
                s.push('-');
            }
            let a = tenths.unsigned_abs();
            nps_core::push_u64(&mut s, a / 10);
            if !a.is_multiple_of(10) {
                s.push('.');
                nps_core::push_u64(&mut s, a % 10);
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fmt_nps_rounds_to_tenths() {
        assert_eq!(super::fmt_nps(None), "–");
        assert_eq!(super::fmt_nps(Some(42.0)), "42");
        assert_eq!(super::fmt_nps(Some(-12.5)), "-12.5");
        assert_eq!(super::fmt_nps(Some(33.333)), "33.3");
        assert_eq!(super::fmt_nps(Some(-0.04)), "0");
    }

    #[test]
    fn bars_scale_to_the_most_frequent_score() {
        let counts = [0, 1, 0, 0, 0, 0, 0, 4, 0, 0, 8];
        assert_eq!(super::bars(&counts, 0..=6), " ▁     ");
        assert_eq!(super::bars(&counts, 7..=8), "▄ ");
        assert_eq!(super::bars(&counts, 9..=10), " █");
        assert_eq!(super::bars(&[0; 11], 0..=10), " ".repeat(11));
    }

    #[test]
    fn preview_text_has_interval_and_band_once_there_are_answers() {
        use nps_core::scoring::Tally;
        assert_eq!(super::preview_text(&Tally::new().summary()), " NPS – · n 0");
        let t: Tally = [10u8, 9, 3].into_iter().collect();
        let s = t.summary();
        let [lo, hi] = s.ci95.unwrap();
        assert_eq!(
            super::preview_text(&s),
            format!(
                " NPS 33.3 · 95% CI {} to {} · fair · n 3",
                super::fmt_nps(Some(lo)),
                super::fmt_nps(Some(hi))
            )
        );
    }
}
