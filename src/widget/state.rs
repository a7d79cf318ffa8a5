//! The survey's logic as a plain value: no signals, no DOM. The view keeps one
//! `SurveyState` in a signal and calls these methods; everything here is tested
//! natively with `cargo test`.

use nps_core::scoring::Category;
use nps_core::wire::MAX_COMMENT_CHARS;

/// Where a person is in the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The 0–10 question is shown, nothing chosen yet.
    Asking,
    /// A score is chosen; the follow-up question and comment box are shown.
    FollowUp,
    /// The answer was submitted; the thank-you message is shown.
    Thanks,
    /// Closed by the person (× or Escape) before submitting.
    Dismissed,
}

/// What a key press in the prompt means: [`KeyAction::of`] is the one place
/// where key names are read (the page-level listener of the shell forwards
/// keys to the prompt instead of matching them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Move the roving focus to this score (0..=10).
    Focus(u8),
    /// Choose this score (the focused radio's).
    Choose(u8),
    /// Close the prompt.
    Dismiss,
}

impl KeyAction {
    /// Interprets a key (`KeyboardEvent.key`) pressed while the radio of score
    /// `on` has focus, or anywhere else in the prompt (`None`: only closing
    /// applies there; Enter and Space keep their own meaning).
    /// In a right-to-left prompt the scale runs from the right, so ← and → swap.
    pub fn of(key: &str, on: Option<u8>, rtl: bool) -> Option<KeyAction> {
        if matches!(key, "Escape" | "Esc") {
            return Some(KeyAction::Dismiss);
        }
        let from = on?.min(10);
        let key = match (rtl, key) {
            (true, "ArrowRight") => "ArrowLeft",
            (true, "ArrowLeft") => "ArrowRight",
            _ => key,
        };
        Some(match key {
            "ArrowRight" | "ArrowDown" => KeyAction::Focus(if from == 10 { 0 } else { from + 1 }),
            "ArrowLeft" | "ArrowUp" => KeyAction::Focus(if from == 0 { 10 } else { from - 1 }),
            "Home" => KeyAction::Focus(0),
            "End" => KeyAction::Focus(10),
            "Enter" | " " | "Spacebar" => KeyAction::Choose(from),
            _ => return None,
        })
    }
}

/// A submitted answer: the score and the trimmed comment (None when blank).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub score: u8,
    pub comment: Option<String>,
}

/// The state of one prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyState {
    score: Option<u8>,
    focus: u8,
    comment: String,
    chars: usize,
    phase: Phase,
}

impl Default for SurveyState {
    fn default() -> Self {
        Self::new()
    }
}

impl SurveyState {
    /// A fresh prompt: nothing chosen, roving focus on 0.
    pub const fn new() -> Self {
        SurveyState {
            score: None,
            focus: 0,
            comment: String::new(),
            chars: 0,
            phase: Phase::Asking,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn score(&self) -> Option<u8> {
        self.score
    }

    /// The category of the chosen score.
    pub fn category(&self) -> Option<Category> {
        self.score.and_then(|s| Category::of(s).ok())
    }

    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// The number of characters (Unicode scalar values) in the comment.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The radio that holds the single Tab stop: the chosen one, else the focused one.
    pub fn tab_stop(&self) -> u8 {
        self.score.unwrap_or(self.focus)
    }

    pub fn is_checked(&self, score: u8) -> bool {
        self.score == Some(score)
    }

    /// Chooses a score. Returns false (no change) for an invalid score or
    /// after the prompt is finished.
    pub fn choose(&mut self, score: u8) -> bool {
        if score > 10 || matches!(self.phase, Phase::Thanks | Phase::Dismissed) {
            return false;
        }
        self.score = Some(score);
        self.focus = score;
        self.phase = Phase::FollowUp;
        true
    }

    /// Sets the comment, cut to `MAX_COMMENT_CHARS` characters.
    pub fn set_comment(&mut self, text: &str) {
        let kept = nps_core::char_prefix(text, MAX_COMMENT_CHARS);
        self.comment = kept.to_owned();
        self.chars = nps_core::char_count(kept);
    }

    /// Moves the roving focus (used for the Tab stop before anything is chosen).
    pub fn set_focus(&mut self, score: u8) {
        if score <= 10 {
            self.focus = score;
        }
    }

    /// Submits: returns the answer and moves to `Thanks`, or None when no
    /// score is chosen or the prompt is already finished.
    pub fn submit(&mut self) -> Option<Answer> {
        if self.phase != Phase::FollowUp {
            return None;
        }
        let score = self.score?;
        self.phase = Phase::Thanks;
        let trimmed = self.comment.trim();
        let comment = if trimmed.is_empty() {
            None
        } else {
            Some(trimmed.to_owned())
        };
        Some(Answer { score, comment })
    }

    /// Closes the prompt (×, Escape, `hide()`, page hide). A chosen score is an answer: after
    /// a choice, closing gives it with the comment typed so far. Before any choice it is a
    /// dismiss; after the thank-you (or a second time), nothing.
    pub fn close(&mut self) -> Closed {
        let closed = match self.phase {
            Phase::Asking => Closed::Dismissed,
            Phase::FollowUp => self.submit().map_or(Closed::Nothing, Closed::Answered),
            Phase::Thanks | Phase::Dismissed => Closed::Nothing,
        };
        self.phase = Phase::Dismissed;
        closed
    }
}

/// What closing a prompt amounts to ([`SurveyState::close`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    /// Closed before any choice: a dismiss (it counts for `data-dismiss-days`).
    Dismissed,
    /// Closed after a choice, without Send: the answer, with the comment typed so far.
    Answered(Answer),
    /// Closed after the thank-you, or already closed.
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_prompt_asks_with_tab_stop_on_zero() {
        let s = SurveyState::new();
        assert_eq!(s.phase(), Phase::Asking);
        assert_eq!(s.score(), None);
        assert_eq!(s.category(), None);
        assert_eq!(s.tab_stop(), 0);
        assert_eq!(
            crate::widget::i18n::EN.counter(s.chars(), MAX_COMMENT_CHARS),
            "0 / 2000"
        );
    }

    #[test]
    fn choosing_sets_category_and_follow_up() {
        for (score, cat) in [
            (0, Category::Detractor),
            (6, Category::Detractor),
            (7, Category::Passive),
            (8, Category::Passive),
            (9, Category::Promoter),
            (10, Category::Promoter),
        ] {
            let mut s = SurveyState::new();
            assert!(s.choose(score));
            assert_eq!(s.phase(), Phase::FollowUp);
            assert_eq!(s.category(), Some(cat));
            assert!(s.is_checked(score));
            assert_eq!(s.tab_stop(), score);
        }
    }

    #[test]
    fn invalid_score_is_refused() {
        let mut s = SurveyState::new();
        assert!(!s.choose(11));
        assert_eq!(s.phase(), Phase::Asking);
    }

    #[test]
    fn rechoosing_changes_the_score() {
        let mut s = SurveyState::new();
        s.choose(3);
        s.choose(9);
        assert_eq!(s.score(), Some(9));
        assert!(!s.is_checked(3));
        assert_eq!(s.category(), Some(Category::Promoter));
    }

    #[test]
    fn comment_is_cut_at_2000_chars_and_counted_in_chars() {
        let mut s = SurveyState::new();
        s.set_comment("héllo");
        assert_eq!(s.chars(), 5);
        assert_eq!(
            crate::widget::i18n::EN.counter(s.chars(), MAX_COMMENT_CHARS),
            "5 / 2000"
        );
        let long: String = "ж".repeat(2500);
        s.set_comment(&long);
        assert_eq!(s.chars(), 2000);
        assert_eq!(s.comment().chars().count(), 2000);
        assert_eq!(
            crate::widget::i18n::EN.counter(s.chars(), MAX_COMMENT_CHARS),
            "2000 / 2000"
        );
    }

    #[test]
    fn arrow_keys_wrap_and_home_end_jump() {
        let key = |k, on| KeyAction::of(k, Some(on), false);
        assert_eq!(key("ArrowRight", 0), Some(KeyAction::Focus(1)));
        assert_eq!(key("ArrowDown", 10), Some(KeyAction::Focus(0)));
        assert_eq!(key("ArrowLeft", 0), Some(KeyAction::Focus(10)));
        assert_eq!(key("ArrowUp", 5), Some(KeyAction::Focus(4)));
        assert_eq!(key("Home", 7), Some(KeyAction::Focus(0)));
        assert_eq!(key("End", 2), Some(KeyAction::Focus(10)));
        assert_eq!(key("Enter", 2), Some(KeyAction::Choose(2)));
        assert_eq!(key(" ", 2), Some(KeyAction::Choose(2)));
        assert_eq!(key("Spacebar", 2), Some(KeyAction::Choose(2)));
        assert_eq!(key("Escape", 2), Some(KeyAction::Dismiss));
        assert_eq!(key("a", 2), None);
    }

    #[test]
    fn right_to_left_swaps_the_horizontal_arrows_only() {
        let key = |k, on| KeyAction::of(k, Some(on), true);
        assert_eq!(key("ArrowLeft", 3), Some(KeyAction::Focus(4)));
        assert_eq!(key("ArrowRight", 3), Some(KeyAction::Focus(2)));
        assert_eq!(key("ArrowDown", 3), Some(KeyAction::Focus(4)));
        assert_eq!(key("ArrowUp", 3), Some(KeyAction::Focus(2)));
        assert_eq!(key("Home", 3), Some(KeyAction::Focus(0)));
    }

    /// The whole key table: on a radio and anywhere else in the prompt (the
    /// comment box, the buttons, or the prompt itself when the shell forwards
    /// a key pressed with nothing focused on the page).
    #[test]
    fn key_table() {
        for on in [None, Some(0), Some(7), Some(10)] {
            assert_eq!(KeyAction::of("Escape", on, false), Some(KeyAction::Dismiss));
            assert_eq!(KeyAction::of("Esc", on, false), Some(KeyAction::Dismiss));
            for other in ["a", "Tab", "Shift", "escape", "Backspace", ""] {
                assert_eq!(KeyAction::of(other, on, false), None, "{other:?} on {on:?}");
            }
        }
        for k in ["ArrowRight", "ArrowUp", "Home", "End", "Enter", " "] {
            assert_eq!(KeyAction::of(k, None, false), None, "{k:?} off the radios");
            assert!(
                KeyAction::of(k, Some(4), false).is_some(),
                "{k:?} on a radio"
            );
        }
        let choose_ten = Some(KeyAction::Choose(10));
        assert_eq!(KeyAction::of("Enter", Some(42), false), choose_ten);
    }

    #[test]
    fn submit_trims_comment_and_blank_is_none() {
        let mut s = SurveyState::new();
        assert_eq!(s.submit(), None, "nothing chosen yet");
        s.choose(7);
        s.set_comment("  faster shipping \n");
        assert_eq!(
            s.submit(),
            Some(Answer {
                score: 7,
                comment: Some("faster shipping".into())
            })
        );
        assert_eq!(s.phase(), Phase::Thanks);
        assert_eq!(s.submit(), None, "a second submit records nothing");
        assert!(!s.choose(3), "finished prompt ignores choices");

        let mut s = SurveyState::new();
        s.choose(10);
        s.set_comment("   ");
        assert_eq!(s.submit().and_then(|a| a.comment), None);
    }

    #[test]
    fn closing_is_a_dismiss_before_a_choice_and_an_answer_after_one() {
        let mut s = SurveyState::new();
        assert_eq!(s.close(), Closed::Dismissed);
        assert_eq!(s.phase(), Phase::Dismissed);
        assert_eq!(s.close(), Closed::Nothing, "closing twice is nothing");

        let mut s = SurveyState::new();
        s.choose(9);
        s.set_comment(" fast delivery ");
        assert_eq!(
            s.close(),
            Closed::Answered(Answer {
                score: 9,
                comment: Some("fast delivery".into())
            })
        );
        assert_eq!(s.phase(), Phase::Dismissed);
        assert_eq!(s.close(), Closed::Nothing, "recorded once");
        assert_eq!(s.submit(), None, "and not again by Send");

        let mut s = SurveyState::new();
        s.choose(4);
        s.submit();
        assert_eq!(
            s.close(),
            Closed::Nothing,
            "closing the thank-you is nothing"
        );
    }

    #[test]
    fn push_uint_writes_digits() {
        for n in [0u64, 7, 10, 2000, 123456789, 1_795_341_600_000] {
            let mut s = String::new();
            nps_core::push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
