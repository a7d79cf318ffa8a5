//! Language tags: the syntax check of `data-locale` and the negotiation of the nearest supported
//! locale.

/// Whether `s` looks like a BCP 47 tag: 1–8 alphanumerics per subtag, `-` (or `_`) between,
/// the first subtag 2–8 letters (or `i`/`x` for private/irregular tags).
pub(crate) fn is_language_tag(s: &str) -> bool {
    // Subtags as bytes (`[u8]::split`): no `char` searcher in the widget's wasm.
    let mut parts = s.as_bytes().split(|b| matches!(b, b'-' | b'_'));
    let first = parts.next().unwrap_or_default();
    let first_ok = ((2..=8).contains(&first.len()) && first.iter().all(u8::is_ascii_alphabetic))
        || first.eq_ignore_ascii_case(b"x")
        || first.eq_ignore_ascii_case(b"i");
    first_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphanumeric))
}

/// Picks the supported locale nearest to `requested`.
///
/// Exact match (case-insensitive, `_` same as `-`) first; then a supported tag equal to the
/// requested language subtag (`ru-RU` → `ru`); then a supported tag with the same language
/// (`pt` → `pt-BR`); else `supported[0]` (`"en"` when `supported` is empty).
///
/// # Example
///
/// ```
/// use nps_core::negotiate_locale;
/// let supported = ["en", "ru", "de", "pt-BR"];
/// assert_eq!(negotiate_locale("RU-ru", &supported), "ru");
/// assert_eq!(negotiate_locale("pt", &supported), "pt-BR");
/// assert_eq!(negotiate_locale("ja-JP", &supported), "en");
/// ```
pub fn negotiate_locale(requested: &str, supported: &[&'static str]) -> &'static str {
    let requested = requested.trim();
    let same = |a: &str, b: &str| {
        a.len() == b.len()
            && a.bytes().zip(b.bytes()).all(|(x, y)| {
                let norm = |c: u8| {
                    if c == b'_' {
                        b'-'
                    } else {
                        c.to_ascii_lowercase()
                    }
                };
                norm(x) == norm(y)
            })
    };
    let language = |tag: &'static str| -> &'static str { language_subtag(tag) };
    let req_lang = language_subtag(requested);
    supported
        .iter()
        .find(|s| same(s, requested))
        .or_else(|| supported.iter().find(|s| same(s, req_lang)))
        .or_else(|| {
            supported
                .iter()
                .find(|s| !req_lang.is_empty() && same(language(s), req_lang))
        })
        .or_else(|| supported.first())
        .copied()
        .unwrap_or("en")
}

/// The language subtag of a tag: what comes before the first `-` or `_` (by bytes).
fn language_subtag(tag: &str) -> &str {
    let end = crate::find_byte(tag, |b| matches!(b, b'-' | b'_')).unwrap_or(tag.len());
    tag.get(..end).unwrap_or(tag)
}
