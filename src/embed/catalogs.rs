//! The prompt's text on this page: English built in, the visitor's language fetched by the
//! shell once (`pkg/locales/<tag>.json`) and kept for the page's life.

use crate::browser::host::Shell;
use crate::browser::js;
use crate::widget::i18n::{cat, Strings, EN, LOCALES};

/// The catalogs this page has, and those asked for.
pub(super) struct Catalogs {
    loaded: Vec<&'static Strings>,
    asked: Vec<&'static str>,
    /// Asked for, and could not be had: English is shown instead.
    failed: Vec<&'static str>,
}

impl Catalogs {
    pub(super) const fn new() -> Catalogs {
        Catalogs {
            loaded: Vec::new(),
            asked: Vec::new(),
            failed: Vec::new(),
        }
    }
}

impl Catalogs {
    /// The catalog of `tag`, if this page has it (English always).
    pub(super) fn get(&self, tag: &str) -> Option<&'static Strings> {
        if tag == EN.locale {
            return Some(&EN);
        }
        self.loaded.iter().copied().find(|s| s.locale == tag)
    }

    /// Asks the shell for the catalog of `tag`, once. False when it cannot come (no shell,
    /// or it was asked for and failed).
    pub(super) fn request(&mut self, tag: &'static str, shell: &Shell) -> bool {
        if self.asked.contains(&tag) {
            return !self.failed.contains(&tag);
        }
        self.asked.push(tag);
        shell.catalog(tag)
    }

    /// The shell's answer for `tag`: the catalog's text, or why it could not be fetched. The
    /// catalog, or the console message saying why English is shown instead.
    pub(super) fn arrived(
        &mut self,
        tag: &str,
        text: Option<&str>,
        why: Option<&str>,
    ) -> Result<&'static Strings, String> {
        let Some(locale) = LOCALES.iter().copied().find(|l| *l == tag) else {
            return Err(cat(&["catalog for an unknown locale: ", tag]));
        };
        if let Some(s) = self.get(locale) {
            return Ok(s);
        }
        let parsed = text.and_then(js::parse).filter(|v| v.is_object());
        let result = match parsed {
            Some(obj) => Strings::from_catalog(locale, |k| js::get_str(&obj, k))
                .map_err(|e| cat(&["locales/", locale, ".json: ", e.key, " ", e.problem])),
            None => Err(cat(&[
                "could not load locales/",
                locale,
                ".json (",
                why.unwrap_or("not JSON"),
                ")",
            ])),
        };
        match result {
            Ok(s) => {
                self.loaded.push(s);
                Ok(s)
            }
            Err(m) => {
                self.failed.push(locale);
                Err(cat(&[&m, "; the prompt is shown in English"]))
            }
        }
    }
}
