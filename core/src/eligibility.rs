//! Whether this browser should be asked now: recontact and dismiss windows, and sampling.

use crate::options::Options;
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
/// asks, `0` never does). A window of 0 days never blocks.
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
    if within(history.answered_at_ms, opts.recontact_days, now_ms) {
        return Err(Ineligible::RecentlyAnswered);
    }
    if within(history.dismissed_at_ms, opts.dismiss_days, now_ms) {
        return Err(Ineligible::RecentlyDismissed);
    }
    let sampled = opts.sample >= 1.0 || history.sample_draw < opts.sample;
    if !sampled {
        return Err(Ineligible::NotSampled);
    }
    Ok(())
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
}
