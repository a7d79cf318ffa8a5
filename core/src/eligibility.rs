//! Whether this browser should be asked now: recontact and dismiss windows, and sampling.

use crate::options::{Mode, Options, Trigger};
use core::fmt;

const MS_PER_DAY: u64 = 86_400_000;

/// What this browser remembers about earlier prompts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct History {
    /// When this browser last answered (Unix ms).
    pub answered_at_ms: Option<u64>,
    /// When this browser last dismissed the prompt (Unix ms).
    pub dismissed_at_ms: Option<u64>,
    /// Uniform draw in `[0, 1)`, made once per browser and kept, so sampling is stable.
    pub sample_draw: f64,
}

/// Why the prompt is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ineligible {
    /// Answered less than `recontact_days` ago.
    RecentlyAnswered,
    /// Dismissed less than `dismiss_days` ago.
    RecentlyDismissed,
    /// Outside the sampled fraction of visitors.
    NotSampled,
}

impl Ineligible {
    /// `"recently-answered"`, `"recently-dismissed"` or `"not-sampled"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ineligible::RecentlyAnswered => "recently-answered",
            Ineligible::RecentlyDismissed => "recently-dismissed",
            Ineligible::NotSampled => "not-sampled",
        }
    }
}

impl fmt::Display for Ineligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ineligible::RecentlyAnswered => {
                "this browser answered within data-recontact-days; pass {force: true} to show() to ask anyway"
            }
            Ineligible::RecentlyDismissed => {
                "this browser dismissed the prompt within data-dismiss-days; pass {force: true} to show() to ask anyway"
            }
            Ineligible::NotSampled => {
                "this browser is outside the data-sample fraction; pass {force: true} to show() to ask anyway"
            }
        })
    }
}

impl std::error::Error for Ineligible {}

fn within(at: Option<u64>, days: u32, now_ms: u64) -> bool {
    match at {
        // A timestamp in the future (clock moved back) counts as just now.
        Some(t) if days > 0 => now_ms.saturating_sub(t) < u64::from(days) * MS_PER_DAY,
        _ => false,
    }
}

/// Decides whether to ask now. Checks, in order: the recontact window after an answer, the
/// dismiss window after a dismiss, then sampling (`sample_draw < sample`; `sample = 1` always
/// asks, `0` never does). A window of 0 days never blocks. A kiosk ([`Mode::Kiosk`]) asks
/// every visitor: none of these apply.
///
/// # Errors
///
/// The first [`Ineligible`] reason that applies.
///
/// # Example
///
/// ```
/// use nps_core::{eligible, History, Ineligible, Options};
/// let day = 86_400_000;
/// let opts = Options::default(); // recontact 90 days, dismiss 7 days, sample 1
/// let mut h = History { answered_at_ms: Some(0), dismissed_at_ms: None, sample_draw: 0.5 };
/// assert_eq!(eligible(&opts, &h, 89 * day), Err(Ineligible::RecentlyAnswered));
/// assert_eq!(eligible(&opts, &h, 90 * day), Ok(()));
/// h.sample_draw = 0.7;
/// let half = Options { sample: 0.5, ..Options::default() };
/// assert_eq!(eligible(&half, &h, 90 * day), Err(Ineligible::NotSampled));
/// ```
pub fn eligible(opts: &Options, history: &History, now_ms: u64) -> Result<(), Ineligible> {
    if opts.mode == Mode::Kiosk {
        return Ok(());
    }
    if within(history.answered_at_ms, opts.recontact_days, now_ms) {
        return Err(Ineligible::RecentlyAnswered);
    }
    if within(history.dismissed_at_ms, opts.dismiss_days, now_ms) {
        return Err(Ineligible::RecentlyDismissed);
    }
    if !sampled(opts, history) {
        return Err(Ineligible::NotSampled);
    }
    Ok(())
}

/// From when (Unix ms) the script-tag loader must load the whole widget on a page configured by
/// `opts`, so that a visitor who will not be asked downloads the loader only (contract §1,
/// "politeness costs nothing"). The widget stores the answer in the browser; the loader compares.
///
/// - `Some(0)`: on every page (the preview panel is on, a kiosk, or the prompt may open by
///   itself now);
/// - `Some(t)`: from `t`, the end of the recontact or dismiss window (the later one);
/// - `None`: not under these options (sampled out, or trigger `manual`: only the page's own
///   `show()` asks, and any call of the API loads the widget).
///
/// Answers waiting in the queue are the loader's other reason to load; they are not decided here.
///
/// # Example
///
/// ```
/// use nps_core::{load_at, History, Options};
/// let day = 86_400_000;
/// let h = History { answered_at_ms: Some(day), dismissed_at_ms: None, sample_draw: 0.5 };
/// assert_eq!(load_at(&Options::default(), &h), Some(91 * day)); // recontact 90 days
/// let tenth = Options { sample: 0.1, ..Options::default() };
/// assert_eq!(load_at(&tenth, &h), None);
/// ```
pub fn load_at(opts: &Options, history: &History) -> Option<u64> {
    if opts.preview || opts.mode == Mode::Kiosk {
        return Some(0);
    }
    if opts.trigger == Trigger::Manual || !sampled(opts, history) {
        return None;
    }
    let end = |at: Option<u64>, days: u32| {
        at.map_or(0, |t| t.saturating_add(u64::from(days) * MS_PER_DAY))
    };
    Some(
        end(history.answered_at_ms, opts.recontact_days)
            .max(end(history.dismissed_at_ms, opts.dismiss_days)),
    )
}

fn sampled(opts: &Options, history: &History) -> bool {
    opts.sample >= 1.0 || history.sample_draw < opts.sample
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = MS_PER_DAY;
    const NOW: u64 = 1_795_341_600_000;

    fn fresh() -> History {
        History {
            answered_at_ms: None,
            dismissed_at_ms: None,
            sample_draw: 0.3,
        }
    }

    /// A kiosk asks every customer: an answer a minute ago, a dismiss, a sample of 0 and a
    /// manual trigger neither stop it nor keep the loader from loading.
    #[test]
    fn kiosk_asks_everyone() {
        let kiosk = Options {
            mode: Mode::Kiosk,
            sample: 0.0,
            trigger: Trigger::Manual,
            ..Options::default()
        };
        let h = History {
            answered_at_ms: Some(NOW - 60_000),
            dismissed_at_ms: Some(NOW - 1),
            sample_draw: 0.99,
        };
        assert_eq!(eligible(&kiosk, &h, NOW), Ok(()));
        assert_eq!(load_at(&kiosk, &h), Some(0));
        let popup = Options {
            mode: Mode::Popup,
            ..kiosk
        };
        assert_eq!(eligible(&popup, &h, NOW), Err(Ineligible::RecentlyAnswered));
        assert_eq!(load_at(&popup, &h), None);
    }

    #[test]
    fn new_browser_is_eligible() {
        assert_eq!(eligible(&Options::default(), &fresh(), NOW), Ok(()));
    }

    #[test]
    fn recontact_window() {
        let opts = Options::default();
        let h = History {
            answered_at_ms: Some(NOW - 90 * DAY + 1),
            ..fresh()
        };
        assert_eq!(eligible(&opts, &h, NOW), Err(Ineligible::RecentlyAnswered));
        let h = History {
            answered_at_ms: Some(NOW - 90 * DAY),
            ..fresh()
        };
        assert_eq!(eligible(&opts, &h, NOW), Ok(()));
        // Clock moved backwards: treat as just answered.
        let h = History {
            answered_at_ms: Some(NOW + DAY),
            ..fresh()
        };
        assert_eq!(eligible(&opts, &h, NOW), Err(Ineligible::RecentlyAnswered));
        let zero = Options {
            recontact_days: 0,
            ..Options::default()
        };
        let h = History {
            answered_at_ms: Some(NOW),
            ..fresh()
        };
        assert_eq!(eligible(&zero, &h, NOW), Ok(()));
    }

    #[test]
    fn dismiss_window() {
        let opts = Options::default();
        let h = History {
            dismissed_at_ms: Some(NOW - 6 * DAY),
            ..fresh()
        };
        assert_eq!(eligible(&opts, &h, NOW), Err(Ineligible::RecentlyDismissed));
        assert_eq!(eligible(&opts, &h, NOW + DAY), Ok(()));
    }

    #[test]
    fn answered_is_checked_before_dismissed() {
        let h = History {
            answered_at_ms: Some(NOW),
            dismissed_at_ms: Some(NOW),
            sample_draw: 0.99,
        };
        let opts = Options {
            sample: 0.0,
            ..Options::default()
        };
        assert_eq!(eligible(&opts, &h, NOW), Err(Ineligible::RecentlyAnswered));
    }

    #[test]
    fn sampling() {
        let opts = |sample| Options {
            sample,
            ..Options::default()
        };
        let h = |sample_draw| History {
            sample_draw,
            ..fresh()
        };
        assert_eq!(eligible(&opts(0.5), &h(0.49), NOW), Ok(()));
        assert_eq!(
            eligible(&opts(0.5), &h(0.5), NOW),
            Err(Ineligible::NotSampled)
        );
        assert_eq!(
            eligible(&opts(0.0), &h(0.0), NOW),
            Err(Ineligible::NotSampled)
        );
        assert_eq!(eligible(&opts(1.0), &h(1.0), NOW), Ok(()));
    }

    #[test]
    fn messages() {
        assert_eq!(
            Ineligible::NotSampled.to_string(),
            "this browser is outside the data-sample fraction; pass {force: true} to show() to ask anyway"
        );
        assert_eq!(Ineligible::RecentlyAnswered.as_str(), "recently-answered");
        assert_eq!(Ineligible::RecentlyDismissed.as_str(), "recently-dismissed");
    }

    /// The loader loads exactly when an automatic prompt may open: over a grid of options,
    /// histories and times, `load_at(..) <= now` agrees with `eligible`.
    #[test]
    fn load_at_agrees_with_eligible() {
        let times = [
            None,
            Some(NOW - 100 * DAY),
            Some(NOW - 8 * DAY),
            Some(NOW - DAY),
            Some(NOW),
        ];
        let mut checked = 0;
        for mode in [Mode::Popup, Mode::Kiosk] {
            for recontact_days in [0, 1, 90] {
                for dismiss_days in [0, 7] {
                    for sample in [0.0, 0.25, 1.0] {
                        let opts = Options {
                            mode,
                            recontact_days,
                            dismiss_days,
                            sample,
                            ..Options::default()
                        };
                        for answered_at_ms in times {
                            for dismissed_at_ms in times {
                                for sample_draw in [0.0, 0.3, 0.99] {
                                    let h = History {
                                        answered_at_ms,
                                        dismissed_at_ms,
                                        sample_draw,
                                    };
                                    for now in [NOW, NOW + 2 * DAY, NOW + 200 * DAY] {
                                        let loads = load_at(&opts, &h).is_some_and(|t| t <= now);
                                        assert_eq!(
                                            loads,
                                            eligible(&opts, &h, now).is_ok(),
                                            "{opts:?} {h:?} {now}"
                                        );
                                        checked += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 3 * 2 * 3 * 5 * 5 * 3 * 3);
    }

    #[test]
    fn load_at_manual_and_preview() {
        let manual = Options {
            trigger: Trigger::Manual,
            ..Options::default()
        };
        assert_eq!(load_at(&manual, &fresh()), None);
        // The preview panel shows on every page, whatever the history.
        let preview = Options {
            trigger: Trigger::Manual,
            preview: true,
            sample: 0.0,
            ..Options::default()
        };
        let h = History {
            answered_at_ms: Some(NOW),
            ..fresh()
        };
        assert_eq!(load_at(&preview, &h), Some(0));
        // The later of the two windows.
        let h = History {
            answered_at_ms: Some(NOW - 89 * DAY),
            dismissed_at_ms: Some(NOW),
            ..fresh()
        };
        assert_eq!(load_at(&Options::default(), &h), Some(NOW + 7 * DAY));
    }
}
