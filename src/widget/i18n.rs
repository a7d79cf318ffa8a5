//! The prompt's text: one catalog per locale, as data (`locales/<tag>.json`, copied to
//! `pkg/locales/`). English is built in (the fallback, and no download for English visitors);
//! any other catalog is fetched by the shell when the visitor's locale needs it, so a visitor
//! downloads only their own language. Adding a locale is adding its file and its tag to
//! [`LOCALES`].

use nps_core::options::negotiate_locale;
use nps_core::scoring::Category;

/// The locales with a catalog, in negotiation order (the first is the fallback).
pub const LOCALES: [&str; 20] = [
    "en", "ru", "uk", "de", "fr", "es", "it", "pt", "pl", "nl", "sv", "tr", "ja", "zh", "ko", "hi",
    "id", "ar", "he", "fa",
];

/// The keys of a catalog, in file order (`locale` and `dir` first).
pub const KEYS: [&str; 14] = [
    "locale",
    "dir",
    "question",
    "question_generic",
    "not_likely",
    "very_likely",
    "follow_detractor",
    "follow_passive",
    "follow_promoter",
    "send",
    "close",
    "counter",
    "thanks",
    "preview",
];

/// Every string the prompt shows, for one language.
#[derive(Debug, PartialEq, Eq)]
pub struct Strings {
    /// The locale tag of this catalog ("en", "ar").
    pub locale: &'static str,
    /// Right-to-left (ar, he, fa).
    pub rtl: bool,
    /// The question with `{company}` where the company name goes.
    pub question: &'static str,
    /// The question when no company is configured.
    pub question_generic: &'static str,
    pub not_likely: &'static str,
    pub very_likely: &'static str,
    pub follow_detractor: &'static str,
    pub follow_passive: &'static str,
    pub follow_promoter: &'static str,
    pub send: &'static str,
    pub close: &'static str,
    /// The comment counter, with `{count}` and `{max}`.
    pub counter: &'static str,
    pub thanks: &'static str,
    /// Title of the live NPS preview panel.
    pub preview: &'static str,
}

/// English, built in: `locales/en.json` (a test holds the two equal).
pub static EN: Strings = Strings {
    locale: "en",
    rtl: false,
    question: "How likely are you to recommend {company} to a friend or colleague?",
    question_generic: "How likely are you to recommend us to a friend or colleague?",
    not_likely: "Not at all likely",
    very_likely: "Extremely likely",
    follow_detractor: "What disappointed you, and what should we fix first?",
    follow_passive: "What should we do to earn a 10?",
    follow_promoter: "What did you like most?",
    send: "Send",
    close: "Close",
    counter: "{count} / {max}",
    thanks: "Thank you for your feedback!",
    preview: "NPS in this browser",
};

/// The supported locale for a requested BCP 47 tag: exact, then its language, then English.
pub fn negotiate(requested: &str) -> &'static str {
    negotiate_locale(requested, &LOCALES)
}

/// A catalog that is wrong: the key, and what is wrong with it ("is missing or empty", "must
/// hold {company} exactly once", "must be ltr or rtl").
#[derive(Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub key: &'static str,
    pub problem: &'static str,
}

impl Strings {
    /// The catalog of `locale` from its keys' values (`get(key)`), checked: every key present
    /// and non-empty, `dir` `ltr` or `rtl`, the placeholders in place. The strings live as long
    /// as the page (one catalog per page, at most one per locale).
    ///
    /// # Errors
    /// The first key that is missing or wrong.
    pub fn from_catalog(
        locale: &'static str,
        mut get: impl FnMut(&str) -> Option<String>,
    ) -> Result<&'static Strings, CatalogError> {
        let get: &mut dyn FnMut(&str) -> Option<String> = &mut get;
        // Every key but `locale` (given), in KEYS order; one loop, one call site in the wasm.
        let mut v = [""; KEYS.len()];
        for i in 1..KEYS.len() {
            let key = KEYS[i];
            let needs: &'static [&'static str] = match key {
                "question" => &["{company}"],
                "counter" => &["{count}", "{max}"],
                _ => &[],
            };
            v[i] = text(get, key, needs)?;
        }
        let rtl = match v[1] {
            "rtl" => true,
            "ltr" => false,
            _ => {
                return Err(CatalogError {
                    key: "dir",
                    problem: "must be ltr or rtl",
                })
            }
        };
        let strings = Strings {
            locale,
            rtl,
            question: v[2],
            question_generic: v[3],
            not_likely: v[4],
            very_likely: v[5],
            follow_detractor: v[6],
            follow_passive: v[7],
            follow_promoter: v[8],
            send: v[9],
            close: v[10],
            counter: v[11],
            thanks: v[12],
            preview: v[13],
        };
        Ok(Box::leak(Box::new(strings)))
    }

    /// The question, with the company name when one is configured.
    pub fn question(&self, company: Option<&str>) -> String {
        match company.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => fill(self.question, "{company}", c),
            None => self.question_generic.to_owned(),
        }
    }

    /// The comment counter: "12 / 2000".
    pub fn counter(&self, count: usize, max: usize) -> String {
        let mut n = String::new();
        nps_core::push_u64(&mut n, count as u64);
        let mut m = String::new();
        nps_core::push_u64(&mut m, max as u64);
        fill(&fill(self.counter, "{count}", &n), "{max}", &m)
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

/// One value of a catalog, checked: present, not blank, each of `needs` in it exactly once.
/// It lives as long as the page. (Not a closure: one copy in the wasm, not one per key.)
#[inline(never)]
fn text(
    get: &mut dyn FnMut(&str) -> Option<String>,
    key: &'static str,
    needs: &'static [&'static str],
) -> Result<&'static str, CatalogError> {
    let error = |problem| CatalogError { key, problem };
    let value = get(key).filter(|v| !v.trim().is_empty());
    let value = value.ok_or(error("is missing or empty"))?;
    for placeholder in needs {
        let once = split(&value, placeholder)
            .is_some_and(|(_, after)| split(after, placeholder).is_none());
        if !once {
            return Err(error(match *placeholder {
                "{company}" => "must hold {company} exactly once",
                "{count}" => "must hold {count} exactly once",
                _ => "must hold {max} exactly once",
            }));
        }
    }
    Ok(value.leak())
}

/// `parts` end to end (not `[..].concat()`, whose generic joiner weighs a kilobyte of wasm).
pub fn cat(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `text` around the first `placeholder`. A byte loop, not `str::find`: the embed's wasm avoids
/// the generic substring searcher (it weighs kilobytes).
fn split<'a>(text: &'a str, placeholder: &str) -> Option<(&'a str, &'a str)> {
    let (t, p) = (text.as_bytes(), placeholder.as_bytes());
    let mut at = 0;
    while t.get(at..at + p.len())? != p {
        at += 1;
    }
    // `placeholder` is ASCII, so both ends are char boundaries.
    Some((text.get(..at)?, text.get(at + p.len()..)?))
}

/// `text` with its first `placeholder` replaced by `value`.
fn fill(text: &str, placeholder: &str, value: &str) -> String {
    match split(text, placeholder) {
        Some((before, after)) => cat(&[before, value, after]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every catalog of `locales/`, parsed as the browser would.
    fn catalogs() -> Vec<(String, serde_json::Map<String, serde_json::Value>)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let tag = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{tag}: {e}"));
            out.push((tag, map));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn load(tag: &str, map: &serde_json::Map<String, serde_json::Value>) -> &'static Strings {
        let locale: &'static str = LOCALES.iter().find(|l| **l == tag).unwrap();
        Strings::from_catalog(locale, |k| map.get(k)?.as_str().map(str::to_owned))
            .unwrap_or_else(|e| panic!("{tag}: {} {}", e.key, e.problem))
    }

    #[test]
    fn every_locale_has_a_complete_catalog_and_every_catalog_a_locale() {
        let catalogs = catalogs();
        let tags: Vec<&str> = catalogs.iter().map(|(t, _)| t.as_str()).collect();
        let mut want = LOCALES.to_vec();
        want.sort_unstable();
        assert_eq!(tags, want);
        for (tag, map) in &catalogs {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let mut sorted_keys = KEYS.to_vec();
            sorted_keys.sort_unstable();
            let mut got = keys.clone();
            got.sort_unstable();
            assert_eq!(got, sorted_keys, "{tag}: keys");
            assert_eq!(map["locale"], *tag, "{tag}: locale");
            let s = load(tag, map);
            assert_eq!(
                s.rtl,
                ["ar", "he", "fa"].contains(&tag.as_str()),
                "{tag}: dir"
            );
            // The company name survives, once, wherever the language puts it.
            let q = s.question(Some("Acme & Co"));
            assert_eq!(q.matches("Acme & Co").count(), 1, "{tag}: {q}");
            assert!(!q.contains('{') && !s.question(None).contains('{'), "{tag}");
            let c = s.counter(12, 2000);
            assert!(
                c.contains("12") && c.contains("2000") && !c.contains('{'),
                "{tag}: {c}"
            );
        }
    }

    #[test]
    fn english_is_built_in_as_its_catalog_says() {
        let catalogs = catalogs();
        let en = &catalogs.iter().find(|(t, _)| t == "en").unwrap().1;
        assert_eq!(load("en", en), &EN);
    }

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
        assert_eq!(EN.counter(12, 2000), "12 / 2000");
    }

    #[test]
    fn negotiation_picks_nearest_then_english() {
        assert_eq!(negotiate("ru"), "ru");
        assert_eq!(negotiate("ru-RU"), "ru");
        assert_eq!(negotiate("RU"), "ru");
        assert_eq!(negotiate("pt-BR"), "pt");
        assert_eq!(negotiate("zh-Hant-TW"), "zh");
        assert_eq!(negotiate("ar-EG"), "ar");
        assert_eq!(negotiate("en-GB"), "en");
        assert_eq!(negotiate("xx-YY"), "en");
        assert_eq!(negotiate(""), "en");
    }

    #[test]
    fn a_catalog_with_a_hole_or_a_lost_placeholder_is_refused() {
        let en = catalogs().into_iter().find(|(t, _)| t == "en").unwrap().1;
        let without = |key: &str| {
            let mut m = en.clone();
            m.remove(key);
            Strings::from_catalog("en", |k| m.get(k)?.as_str().map(str::to_owned))
        };
        let problem = |e: CatalogError| [e.key, " ", e.problem].concat();
        assert_eq!(
            problem(without("thanks").unwrap_err()),
            "thanks is missing or empty"
        );
        let mut m = en.clone();
        m.insert(
            "question".into(),
            "How likely are you to recommend us?".into(),
        );
        let e = Strings::from_catalog("en", |k| m.get(k)?.as_str().map(str::to_owned));
        assert_eq!(
            problem(e.unwrap_err()),
            "question must hold {company} exactly once"
        );
        let mut m = en;
        m.insert("dir".into(), "down".into());
        let e = Strings::from_catalog("en", |k| m.get(k)?.as_str().map(str::to_owned));
        assert_eq!(problem(e.unwrap_err()), "dir must be ltr or rtl");
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
    }
}
