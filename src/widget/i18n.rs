//! The prompt's text in each supported language, and locale negotiation.

use nps_core::options::negotiate_locale;
use nps_core::scoring::Category;

/// Locales with a catalog, in negotiation order (the first is the fallback).
pub const SUPPORTED: &[&str] = &["en", "ru"];

/// Every string the prompt shows, for one language.
#[derive(Debug, PartialEq, Eq)]
pub struct Strings {
    /// The locale tag of this catalog ("en", "ru").
    pub locale: &'static str,
    /// Question around the company name: `before` + company + `after`.
    pub question_before: &'static str,
    pub question_after: &'static str,
    /// Question when no company is configured.
    pub question_generic: &'static str,
    pub not_likely: &'static str,
    pub very_likely: &'static str,
    pub follow_detractor: &'static str,
    pub follow_passive: &'static str,
    pub follow_promoter: &'static str,
    pub send: &'static str,
    pub close: &'static str,
    pub thanks: &'static str,
    /// Title of the live NPS preview panel.
    pub preview: &'static str,
}

pub static EN: Strings = Strings {
    locale: "en",
    question_before: "How likely are you to recommend ",
    question_after: " to a friend or colleague?",
    question_generic: "How likely are you to recommend us to a friend or colleague?",
    not_likely: "Not at all likely",
    very_likely: "Extremely likely",
    follow_detractor: "What disappointed you, and what should we fix first?",
    follow_passive: "What should we do to earn a 10?",
    follow_promoter: "What did you like most?",
    send: "Send",
    close: "Close",
    thanks: "Thank you for your feedback!",
    preview: "NPS in this browser",
};

pub static RU: Strings = Strings {
    locale: "ru",
    question_before: "Насколько вероятно, что вы порекомендуете ",
    question_after: " другу или коллеге?",
    question_generic: "Насколько вероятно, что вы порекомендуете нас другу или коллеге?",
    not_likely: "Совсем маловероятно",
    very_likely: "Очень вероятно",
    follow_detractor: "Что вас разочаровало и что нам исправить в первую очередь?",
    follow_passive: "Что нам сделать, чтобы заслужить 10?",
    follow_promoter: "Что вам понравилось больше всего?",
    send: "Отправить",
    close: "Закрыть",
    thanks: "Спасибо за ваш отзыв!",
    preview: "NPS в этом браузере",
};

/// The catalog for a requested BCP 47 tag: exact, then language, then English.
pub fn strings_for(requested: &str) -> &'static Strings {
    match negotiate_locale(requested, SUPPORTED) {
        "ru" => &RU,
        _ => &EN,
    }
}

impl Strings {
    /// The question, with the company name when one is configured.
    pub fn question(&self, company: Option<&str>) -> String {
        match company.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => {
                let mut q = String::with_capacity(
                    self.question_before.len() + c.len() + self.question_after.len(),
                );
                q.push_str(self.question_before);
                q.push_str(c);
                q.push_str(self.question_after);
                q
            }
            None => self.question_generic.to_owned(),
        }
    }

    /// The follow-up question for a category.
    pub fn follow_up(&self, category: Category) -> &'static str {
        match category {
            Category::Detractor => self.follow_detractor,
            Category::Passive => self.follow_passive,
            Category::Promoter => self.follow_promoter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_question_with_and_without_company() {
        assert_eq!(
            EN.question(Some("Acme")),
            "How likely are you to recommend Acme to a friend or colleague?"
        );
        assert_eq!(
            EN.question(None),
            "How likely are you to recommend us to a friend or colleague?"
        );
        assert_eq!(EN.question(Some("  ")), EN.question_generic);
    }

    #[test]
    fn russian_question() {
        assert_eq!(
            RU.question(Some("Acme")),
            "Насколько вероятно, что вы порекомендуете Acme другу или коллеге?"
        );
    }

    #[test]
    fn negotiation_picks_nearest_then_english() {
        assert_eq!(strings_for("ru").locale, "ru");
        assert_eq!(strings_for("ru-RU").locale, "ru");
        assert_eq!(strings_for("RU").locale, "ru");
        assert_eq!(strings_for("en-GB").locale, "en");
        assert_eq!(strings_for("de-DE").locale, "en");
        assert_eq!(strings_for("").locale, "en");
    }

    #[test]
    fn follow_up_depends_on_category() {
        assert_eq!(
            EN.follow_up(Category::Detractor),
            "What disappointed you, and what should we fix first?"
        );
        assert_eq!(
            EN.follow_up(Category::Passive),
            "What should we do to earn a 10?"
        );
        assert_eq!(EN.follow_up(Category::Promoter), "What did you like most?");
        assert_ne!(
            RU.follow_up(Category::Passive),
            EN.follow_up(Category::Passive)
        );
    }
}
