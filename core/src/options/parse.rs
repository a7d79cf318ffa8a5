//! Reading options: key spellings, the value parsers the option table names, and the errors.

use core::fmt;

use super::locale::is_language_tag;
use super::model::{Headers, OptionName, Options};
use super::url::endpoint_allowed;
use crate::decimal::parse_decimal;
use crate::wire::{Properties, PropertyValue, MAX_TOUCHPOINT_CHARS};

/// One option's value as given: text (a `data-` attribute, or an `init()` value turned into
/// text), or properties already read from a JavaScript object (the widget reads objects, and
/// `data-properties` text through the browser's `JSON.parse`, at its boundary).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// Text; trimmed before it is parsed.
    Text(&'a str),
    /// Properties read from an object.
    Properties(&'a Properties),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Value<'a> {
        Value::Text(text)
    }
}

impl<'a> From<&'a Properties> for Value<'a> {
    fn from(p: &'a Properties) -> Value<'a> {
        Value::Properties(p)
    }
}

impl<'a> Value<'a> {
    /// The text, or `None` for properties.
    fn text(self) -> Option<&'a str> {
        match self {
            Value::Text(t) => Some(t),
            Value::Properties(_) => None,
        }
    }
}

/// `{subject} must be {expected}, got "{given}"`: the one shape of every refusal of an option or
/// of a value handed to the JavaScript API, built without `core::fmt` (the widget logs it; fmt
/// would cost its wasm several KB).
///
/// # Example
///
/// ```
/// use nps_core::options::must_be;
/// assert_eq!(
///     must_be("data-sample", "a number between 0 and 1", "abc"),
///     r#"data-sample must be a number between 0 and 1, got "abc""#
/// );
/// ```
pub fn must_be(subject: &str, expected: &str, given: &str) -> String {
    let mut m = String::with_capacity(24 + subject.len() + expected.len() + given.len());
    m.push_str(subject);
    m.push_str(" must be ");
    m.push_str(expected);
    m.push_str(", got \"");
    m.push_str(given);
    m.push('"');
    m
}

/// One rejected option.
///
/// Displays as `{option} must be {expected}, got "{value}"`, e.g.
/// `data-sample must be a number between 0 and 1, got "abc"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// Attribute name, e.g. `"data-sample"` (`"option name"` for an unknown key).
    pub option: &'static str,
    /// The value given (the key itself for an unknown key).
    pub value: String,
    /// What would have been accepted.
    pub expected: &'static str,
    /// `true` when the widget must stay inactive (endpoint errors, inline without target).
    pub fatal: bool,
}

impl OptionError {
    /// The `Display` text (see [`must_be`]).
    pub fn text(&self) -> String {
        must_be(self.option, self.expected, &self.value)
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for OptionError {}

/// Result of [`parse_options`]: the options (defaults where a value was rejected) and every
/// error, in input order.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The options to use.
    pub options: Options,
    /// Every rejected option.
    pub errors: Vec<OptionError>,
}

impl Parsed {
    /// `true` unless an error is fatal.
    pub fn active(&self) -> bool {
        !self.errors.iter().any(|e| e.fatal)
    }
}

impl OptionName {
    /// The option a key names, in any spelling: `data-delay-ms`, `DATA-DELAY-MS`, `delay-ms`,
    /// `delay_ms` or `delayMs`.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::options::OptionName;
    /// assert_eq!(OptionName::from_key("data-batch-size"), Some(OptionName::BatchSize));
    /// assert_eq!(OptionName::from_key("batchSize"), Some(OptionName::BatchSize));
    /// assert_eq!(OptionName::from_key("colour"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<OptionName> {
        let key = canonical_key(key);
        OptionName::ALL.iter().copied().find(|o| o.key() == key)
    }
}

/// Normalises `data-delay-ms`, `DATA-DELAY-MS`, `delay-ms`, `delay_ms` and `delayMs` to
/// `delay-ms`.
fn canonical_key(key: &str) -> String {
    let key = key.trim();
    let key = match key.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("data-") => key.get(5..).unwrap_or(""),
        _ => key,
    };
    let mut out = String::with_capacity(key.len() + 4);
    if crate::find_ascii(key, b'-').is_some() {
        // Attribute spelling: case-insensitive, as HTML attribute names are.
        out.extend(key.chars().map(|c| c.to_ascii_lowercase()));
        return out;
    }
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses widget options from `(key, value)` pairs.
///
/// Keys may be given as attributes (`data-delay-ms`), bare (`delay-ms`) or in camelCase
/// (`delayMs`). Text values are trimmed. Booleans are `true`/`false` (an empty value, as from a
/// bare HTML attribute, means `true`). Later keys override earlier ones. Unknown keys are
/// reported (non-fatal) and ignored. Values are text (`&str`) or, for `properties`, a
/// [`Properties`] read from an object ([`Value`]).
///
/// # Errors
///
/// Never fails as a whole: each rejected option is an [`OptionError`] in
/// [`Parsed::errors`] and keeps its default. Fatal errors (a bad or empty `data-endpoint`,
/// `data-mode="inline"` without `data-target`) make [`Parsed::active`] `false`.
///
/// # Example
///
/// ```
/// use nps_core::parse_options;
/// let parsed = parse_options([
///     ("data-endpoint", "https://api.example.com/v1/responses"),
///     ("data-sample", "abc"),
///     ("batchSize", "10"),
/// ]);
/// assert!(parsed.active());
/// assert_eq!(parsed.options.batch_size, 10);
/// assert_eq!(parsed.options.sample, 1.0);
/// assert_eq!(
///     parsed.errors[0].to_string(),
///     r#"data-sample must be a number between 0 and 1, got "abc""#
/// );
/// assert!(!parse_options([("endpoint", "javascript:alert(1)")]).active());
/// ```
pub fn parse_options<'a, V: Into<Value<'a>>>(
    items: impl IntoIterator<Item = (&'a str, V)>,
) -> Parsed {
    let mut options = Options::default();
    let mut errors = Vec::new();
    for (key, value) in items {
        let given = value.into();
        let value = match given {
            Value::Text(t) => Value::Text(t.trim()),
            v => v,
        };
        let Some(name) = OptionName::from_key(key) else {
            errors.push(OptionError {
                option: "option name",
                value: key.to_owned(),
                expected: OptionName::KEYS,
                fatal: false,
            });
            continue;
        };
        if !name.apply(&mut options, value) {
            errors.push(OptionError {
                option: name.attribute(),
                value: given.text().unwrap_or_default().to_owned(),
                expected: name.expected(),
                fatal: name.fatal(),
            });
        }
    }
    if options.mode == super::Mode::Inline && options.target.is_none() {
        let name = OptionName::Target;
        errors.push(OptionError {
            option: name.attribute(),
            value: String::new(),
            expected: name.expected(),
            fatal: true,
        });
    }
    Parsed { options, errors }
}

// ---------- the value parsers the option table names ----------

pub(super) const EXPECT_MS: &str = "a whole number of milliseconds from 0 to 4294967295";
pub(super) const EXPECT_DAYS: &str = "a whole number of days from 0 to 4294967295";
pub(super) const EXPECT_BOOL: &str = "true or false";

/// Longest company name accepted.
pub const MAX_COMPANY_CHARS: usize = 100;

/// A keyword enum ([`super::Mode`], [`super::Trigger`], [`super::Theme`]).
pub(super) trait Keyword: Sized {
    fn from_name(text: &str) -> Option<Self>;
}

pub(super) fn keyword<K: Keyword>(v: Value<'_>) -> Option<K> {
    K::from_name(v.text()?)
}

pub(super) fn endpoint(v: Value<'_>) -> Option<Option<String>> {
    let v = v.text()?;
    endpoint_allowed(v).then(|| Some(v.to_owned()))
}

pub(super) fn touchpoint(v: Value<'_>) -> Option<String> {
    let v = v.text()?;
    (1..=MAX_TOUCHPOINT_CHARS)
        .contains(&crate::char_count(v))
        .then(|| v.to_owned())
}

/// Empty text is "not given".
pub(super) fn optional_text(v: Value<'_>) -> Option<Option<String>> {
    let v = v.text()?;
    Some((!v.is_empty()).then(|| v.to_owned()))
}

pub(super) fn locale(v: Value<'_>) -> Option<Option<String>> {
    let t = v.text()?;
    if t.is_empty() || is_language_tag(t) {
        optional_text(v)
    } else {
        None
    }
}

pub(super) fn company(v: Value<'_>) -> Option<Option<String>> {
    if crate::char_count(v.text()?) <= MAX_COMPANY_CHARS {
        optional_text(v)
    } else {
        None
    }
}

pub(super) fn whole(v: Value<'_>) -> Option<u32> {
    u32::try_from(crate::parse_digits(v.text()?)?).ok()
}

pub(super) fn percent(v: Value<'_>) -> Option<u8> {
    whole(v).filter(|n| *n <= 100).map(|n| n as u8)
}

pub(super) fn batch_size(v: Value<'_>) -> Option<u8> {
    whole(v)
        .filter(|n| (1..=crate::wire::MAX_RESPONSES as u32).contains(n))
        .map(|n| n as u8)
}

pub(super) fn boolean(v: Value<'_>) -> Option<bool> {
    let v = v.text()?;
    if v.is_empty() || v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(super) fn fraction(v: Value<'_>) -> Option<f64> {
    parse_decimal(v.text()?)
        .ok()
        .filter(|x| (0.0..=1.0).contains(x))
}

/// Properties read from an object, validated ([`Properties::check`]); as text only the empty
/// value (no properties): the widget hands `data-properties` text to the browser's `JSON.parse`
/// first, and passes it on as text only when that fails.
pub(super) fn properties(v: Value<'_>) -> Option<Properties> {
    match v {
        Value::Properties(p) => p.check().ok().map(|()| p.clone()),
        Value::Text("") => Some(Properties::new()),
        Value::Text(_) => None,
    }
}

pub(super) const EXPECT_HEADERS: &str =
    "a JSON object of string header values, e.g. {\"apikey\": \"…\"}";

/// An HTTP token (RFC 9110 `tchar`s): a header name, a media type's type or subtype.
#[allow(clippy::manual_contains)]
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            // A plain loop over the punctuation, not `[u8]::contains` (its generic search
            // costs the widget's wasm 354 B).
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".iter().any(|&t| t == b))
}

/// A header value `fetch` accepts: visible characters and spaces, no line break or NUL.
fn is_header_value(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\t')
}

/// A media type, `type/subtype` with optional `; parameters`; empty is "not given".
pub(super) fn content_type(v: Value<'_>) -> Option<Option<String>> {
    let t = v.text()?;
    if t.is_empty() {
        return Some(None);
    }
    // Bytes and `get`, not `str::split` or indexing: the char searcher, and the formatted
    // panic of a slice off a char boundary, would cost the widget's wasm 268 B and 2.8 KB.
    let end = crate::find_ascii(t, b';').unwrap_or(t.len());
    let essence = t.get(..end)?.trim_end();
    let slash = crate::find_ascii(essence, b'/')?;
    let (ty, sub) = (essence.get(..slash)?, essence.get(slash + 1..)?);
    (is_token(ty) && is_token(sub) && is_header_value(t)).then(|| Some(t.to_owned()))
}

/// Headers read from an object like `properties` (the widget hands `data-headers` text to the
/// browser's `JSON.parse`): every value a string, every name a token, not `Content-Type`
/// (`data-content-type` sets it); as text only the empty value (no headers).
pub(super) fn headers(v: Value<'_>) -> Option<Headers> {
    let p = match v {
        Value::Properties(p) => p,
        Value::Text("") => return Some(Headers::new()),
        Value::Text(_) => return None,
    };
    let mut headers = Headers::new();
    for (name, value) in p.iter() {
        match value {
            PropertyValue::String(s)
                if is_token(name)
                    && !name.eq_ignore_ascii_case("content-type")
                    && is_header_value(s) =>
            {
                headers.push((name.clone(), s.clone()));
            }
            _ => return None,
        }
    }
    Some(headers)
}
