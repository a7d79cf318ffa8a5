//! Widget options (docs/contract.md §1): parsing and validation of the script tag's `data-`
//! attributes and of `NpsWidget.init({...})`.
//!
//! Every value arrives as a string (the JS side stringifies numbers and booleans and
//! `JSON.stringify`-s the properties object). A bad cosmetic option is reported and its
//! default kept; a bad endpoint, or `inline` mode without a target, is *fatal*: the widget then
//! stays inactive. Parsing never fails as a whole, so the host page never breaks.

use crate::decimal::{parse_decimal, DecimalError};
use crate::wire::{Properties, PropertyValue, MAX_TOUCHPOINT_CHARS};
use core::fmt;

/// Where the prompt appears.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A card in a corner of the page.
    #[default]
    Popup,
    /// A centred dialog over the page.
    Modal,
    /// Inside the element named by `data-target`.
    Inline,
}

/// When the prompt opens by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// After the delay / scroll depth / exit intent configured.
    #[default]
    Auto,
    /// Only when `show()` is called.
    Manual,
}

/// Colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
}

impl Mode {
    /// `"popup"`, `"modal"` or `"inline"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Popup => "popup",
            Mode::Modal => "modal",
            Mode::Inline => "inline",
        }
    }
}

impl Trigger {
    /// `"auto"` or `"manual"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Auto => "auto",
            Trigger::Manual => "manual",
        }
    }
}

impl Theme {
    /// `"light"`, `"dark"` or `"auto"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// The validated configuration of one widget.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// URL receiving batches; `None` = local-only mode (nothing is sent).
    pub endpoint: Option<String>,
    /// Journey step the answers belong to.
    pub touchpoint: String,
    /// Requested BCP 47 tag; `None` = use `navigator.language`.
    pub locale: Option<String>,
    /// Company name used in the question; `None` = generic wording.
    pub company: Option<String>,
    /// Where the prompt appears.
    pub mode: Mode,
    /// CSS selector of the container for [`Mode::Inline`].
    pub target: Option<String>,
    /// When the prompt opens by itself.
    pub trigger: Trigger,
    /// Wait before an automatic show, in ms.
    pub delay_ms: u32,
    /// Show once this percentage of the page is scrolled (0 = off).
    pub scroll_percent: u8,
    /// Show when the pointer leaves toward the browser chrome.
    pub exit_intent: bool,
    /// Days not to ask again after an answer.
    pub recontact_days: u32,
    /// Days not to ask again after a dismiss.
    pub dismiss_days: u32,
    /// Fraction 0..=1 of eligible visitors who are asked.
    pub sample: f64,
    /// Responses per POST, 1..=50.
    pub batch_size: u8,
    /// Longest wait of a response before a flush is attempted, in ms.
    pub flush_ms: u32,
    /// Show the live NPS panel of this browser's responses.
    pub preview: bool,
    /// Colour scheme.
    pub theme: Theme,
    /// Extra properties attached to every response.
    pub properties: Properties,
}

impl Default for Options {
    /// The defaults of docs/contract.md §1.
    fn default() -> Options {
        Options {
            endpoint: None,
            touchpoint: "default".to_owned(),
            locale: None,
            company: None,
            mode: Mode::Popup,
            target: None,
            trigger: Trigger::Auto,
            delay_ms: 3000,
            scroll_percent: 0,
            exit_intent: false,
            recontact_days: 90,
            dismiss_days: 7,
            sample: 1.0,
            batch_size: 20,
            flush_ms: 5000,
            preview: false,
            theme: Theme::Auto,
            properties: Properties::new(),
        }
    }
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
    /// The `Display` text, `data-sample must be a number between 0 and 1, got "abc"`, built
    /// without `core::fmt` (the widget logs it; fmt would cost its wasm several KB).
    pub fn text(&self) -> String {
        let mut m = String::with_capacity(24 + self.option.len() + self.expected.len());
        m.push_str(self.option);
        m.push_str(" must be ");
        m.push_str(self.expected);
        m.push_str(", got \"");
        m.push_str(&self.value);
        m.push('"');
        m
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

const EXPECT_ENDPOINT: &str =
    "an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]), e.g. https://api.example.com/v1/responses";
const EXPECT_TOUCHPOINT: &str = "a name of 1 to 100 characters, e.g. checkout";
const EXPECT_LOCALE: &str = "a BCP 47 language tag, e.g. en or pt-BR";
const EXPECT_COMPANY: &str = "a name of at most 100 characters";
const EXPECT_MODE: &str = "popup, modal or inline";
const EXPECT_TARGET: &str = "a CSS selector of the container when data-mode is inline";
const EXPECT_TRIGGER: &str = "auto or manual";
const EXPECT_MS: &str = "a whole number of milliseconds from 0 to 4294967295";
const EXPECT_PERCENT: &str = "a whole number from 0 to 100";
const EXPECT_BOOL: &str = "true or false";
const EXPECT_DAYS: &str = "a whole number of days from 0 to 4294967295";
const EXPECT_SAMPLE: &str = "a number between 0 and 1";
const EXPECT_BATCH: &str = "a whole number from 1 to 50";
const EXPECT_THEME: &str = "light, dark or auto";
const EXPECT_PROPERTIES: &str = "a JSON object whose values are strings, numbers or booleans";
const EXPECT_PROPERTY_NUMBERS: &str = "a JSON object whose numbers have at most 15 significant \
     digits and a power of ten within ±22 (pass other numbers as strings, e.g. \"1234567890123456789\")";
const EXPECT_KEY: &str = "one of endpoint, touchpoint, locale, company, mode, target, trigger, \
     delay-ms, scroll-percent, exit-intent, recontact-days, dismiss-days, sample, batch-size, \
     flush-ms, preview, theme, properties (with or without data-, or in camelCase)";

/// Longest company name accepted.
pub const MAX_COMPANY_CHARS: usize = 100;

/// Normalises `data-delay-ms`, `DATA-DELAY-MS`, `delay-ms`, `delay_ms` and `delayMs` to
/// `delay-ms`.
fn canonical_key(key: &str) -> String {
    let key = key.trim();
    let key = match key.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("data-") => key.get(5..).unwrap_or(""),
        _ => key,
    };
    let mut out = String::with_capacity(key.len() + 4);
    if key.contains('-') {
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

fn parse_u32(v: &str) -> Option<u32> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

fn parse_bool(v: &str) -> Option<bool> {
    if v.is_empty() || v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn one_of<T: Copy>(v: &str, choices: &[(&str, T)]) -> Option<T> {
    choices
        .iter()
        .find(|(name, _)| v.eq_ignore_ascii_case(name))
        .map(|(_, t)| *t)
}

/// Whether `s` looks like a BCP 47 tag: 1–8 alphanumerics per subtag, `-` (or `_`) between,
/// the first subtag 2–8 letters (or `i`/`x` for private/irregular tags).
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split(['-', '_']);
    let first = parts.next().unwrap_or("");
    let first_ok = ((2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic()))
        || first.eq_ignore_ascii_case("x")
        || first.eq_ignore_ascii_case("i");
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `url` is an acceptable endpoint: `https://host[:port][/path…]`, or `http://` to
/// `localhost`, `127.0.0.1` or `[::1]`. No credentials, no whitespace, no relative URLs.
///
/// # Example
///
/// ```
/// use nps_core::options::endpoint_allowed;
/// assert!(endpoint_allowed("https://api.example.com/v1/responses"));
/// assert!(endpoint_allowed("http://localhost:8080/v1/responses"));
/// assert!(!endpoint_allowed("http://api.example.com/v1/responses"));
/// assert!(!endpoint_allowed("javascript:alert(1)"));
/// assert!(!endpoint_allowed("/v1/responses"));
/// ```
pub fn endpoint_allowed(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let (rest, secure) = if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        (url.get(8..).unwrap_or(""), true)
    } else if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        (url.get(7..).unwrap_or(""), false)
    } else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    // `get` rather than indexing, here and below: no slicing panic (and its
    // formatting code) in the widget's wasm.
    let authority = rest.get(..end).unwrap_or(rest);
    if authority.contains('@') {
        return false;
    }
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => match authority.split_at_checked(i + 1) {
                Some(parts) => parts,
                None => return false,
            },
            None => return false,
        }
    } else {
        match authority.find(':') {
            Some(i) => authority.split_at_checked(i).unwrap_or((authority, "")),
            None => (authority, ""),
        }
    };
    let port_ok = port.is_empty()
        || (port.len() >= 2
            && port.len() <= 6
            && port.starts_with(':')
            && port.bytes().skip(1).all(|b| b.is_ascii_digit()));
    if host.is_empty() || !port_ok {
        return false;
    }
    let host_ok = if host.starts_with('[') {
        host.len() > 2
            && host
                .bytes()
                .skip(1)
                .take(host.len() - 2)
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        host.chars()
            .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            && !host.starts_with('.')
    };
    if !host_ok {
        return false;
    }
    secure || host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "[::1]"
}

/// Parses widget options from `(key, value)` pairs.
///
/// Keys may be given as attributes (`data-delay-ms`), bare (`delay-ms`) or in camelCase
/// (`delayMs`). Values are trimmed. Booleans are `true`/`false` (an empty value, as from a bare
/// HTML attribute, means `true`). Later keys override earlier ones. Unknown keys are reported
/// (non-fatal) and ignored.
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
pub fn parse_options<'a>(attrs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Parsed {
    let mut o = Options::default();
    let mut errors = Vec::new();
    for (raw_key, raw_value) in attrs {
        let key = canonical_key(raw_key);
        let v = raw_value.trim();
        // One loop over the table, not one match arm per option: the wasm keeps
        // a single error path and the key lookup is a data scan.
        let Some(i) = OPTIONS
            .iter()
            .position(|(name, _)| name.get(5..) == Some(&key))
        else {
            errors.push(OptionError {
                option: "option name",
                value: raw_key.to_owned(),
                expected: EXPECT_KEY,
                fatal: false,
            });
            continue;
        };
        let (option, mut expected) = OPTIONS[i];
        let n = parse_u32(v);
        let b = parse_bool(v);
        let owned = || (!v.is_empty()).then(|| v.to_owned());
        let ok = match i {
            0 => {
                o.endpoint = endpoint_allowed(v).then(|| v.to_owned());
                o.endpoint.is_some()
            }
            1 => {
                let ok = (1..=MAX_TOUCHPOINT_CHARS).contains(&crate::char_count(v));
                if ok {
                    o.touchpoint = v.to_owned();
                }
                ok
            }
            2 => {
                let ok = v.is_empty() || is_language_tag(v);
                if ok {
                    o.locale = owned();
                }
                ok
            }
            3 => {
                let ok = crate::char_count(v) <= MAX_COMPANY_CHARS;
                if ok {
                    o.company = owned();
                }
                ok
            }
            4 => set(&mut o.mode, one_of(v, &MODES)),
            5 => {
                o.target = owned();
                true
            }
            6 => set(&mut o.trigger, one_of(v, &TRIGGERS)),
            7 => set(&mut o.delay_ms, n),
            8 => set(
                &mut o.scroll_percent,
                n.filter(|n| *n <= 100).map(|n| n as u8),
            ),
            9 => set(&mut o.exit_intent, b),
            10 => set(&mut o.recontact_days, n),
            11 => set(&mut o.dismiss_days, n),
            12 => set(
                &mut o.sample,
                parse_decimal(v, false)
                    .ok()
                    .filter(|x| (0.0..=1.0).contains(x)),
            ),
            13 => set(
                &mut o.batch_size,
                n.filter(|n| (1..=50).contains(n)).map(|n| n as u8),
            ),
            14 => set(&mut o.flush_ms, n),
            15 => set(&mut o.preview, b),
            16 => set(&mut o.theme, one_of(v, &THEMES)),
            _ => match properties(v) {
                Ok(p) => set(&mut o.properties, Some(p)),
                Err(Inexact(inexact)) => {
                    if inexact {
                        expected = EXPECT_PROPERTY_NUMBERS;
                    }
                    false
                }
            },
        };
        if !ok {
            errors.push(OptionError {
                option,
                value: raw_value.to_owned(),
                expected,
                fatal: i == 0,
            });
        }
    }
    if o.mode == Mode::Inline && o.target.is_none() {
        errors.push(OptionError {
            option: "data-target",
            value: String::new(),
            expected: EXPECT_TARGET,
            fatal: true,
        });
    }
    Parsed { options: o, errors }
}

/// Every option: its attribute name and what it accepts. `parse_options`
/// matches on the index, so the order here is the order of its arms (the
/// tests `every_option_happy_path` and `error_messages_name_option_and_value`
/// exercise each index, so a reordering fails them).
const OPTIONS: [(&str, &str); 18] = [
    ("data-endpoint", EXPECT_ENDPOINT),
    ("data-touchpoint", EXPECT_TOUCHPOINT),
    ("data-locale", EXPECT_LOCALE),
    ("data-company", EXPECT_COMPANY),
    ("data-mode", EXPECT_MODE),
    ("data-target", EXPECT_TARGET),
    ("data-trigger", EXPECT_TRIGGER),
    ("data-delay-ms", EXPECT_MS),
    ("data-scroll-percent", EXPECT_PERCENT),
    ("data-exit-intent", EXPECT_BOOL),
    ("data-recontact-days", EXPECT_DAYS),
    ("data-dismiss-days", EXPECT_DAYS),
    ("data-sample", EXPECT_SAMPLE),
    ("data-batch-size", EXPECT_BATCH),
    ("data-flush-ms", EXPECT_MS),
    ("data-preview", EXPECT_BOOL),
    ("data-theme", EXPECT_THEME),
    ("data-properties", EXPECT_PROPERTIES),
];

const MODES: [(&str, Mode); 3] = [
    ("popup", Mode::Popup),
    ("modal", Mode::Modal),
    ("inline", Mode::Inline),
];
const TRIGGERS: [(&str, Trigger); 2] = [("auto", Trigger::Auto), ("manual", Trigger::Manual)];
const THEMES: [(&str, Theme); 3] = [
    ("light", Theme::Light),
    ("dark", Theme::Dark),
    ("auto", Theme::Auto),
];

/// Stores `value` when there is one; whether there was.
fn set<T>(field: &mut T, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            *field = v;
            true
        }
        None => false,
    }
}

/// Parses a flat JSON object whose values are strings, numbers or booleans.
///
/// An empty string is the empty object. Duplicate keys: the last wins (as `JSON.parse`).
/// Lone UTF-16 surrogates in `\u` escapes become U+FFFD. `null`, arrays, nested objects,
/// non-finite numbers and anything after the closing brace are rejected.
///
/// # Errors
///
/// `None` when `s` is not such an object.
///
/// # Example
///
/// ```
/// use nps_core::{options::parse_properties, PropertyValue};
/// let p = parse_properties(r#"{"order_id":"A-17","total":12.5,"vip":true}"#).unwrap();
/// assert_eq!(p["total"], PropertyValue::Number(12.5));
/// assert!(parse_properties(r#"{"a":{"b":1}}"#).is_none());
/// ```
pub fn parse_properties(s: &str) -> Option<Properties> {
    properties(s).ok()
}

/// Why [`properties`] failed: `Inexact(true)` when a number is outside the
/// exactly convertible domain of [`parse_decimal`].
struct Inexact(bool);

fn properties(s: &str) -> Result<Properties, Inexact> {
    let mut p = JsonParser {
        text: s,
        bytes: s.as_bytes(),
        pos: 0,
        inexact: false,
    };
    parse_object(&mut p).ok_or(Inexact(p.inexact))
}

fn parse_object(p: &mut JsonParser<'_>) -> Option<Properties> {
    let mut out = Properties::new();
    p.ws();
    if p.pos == p.bytes.len() {
        return Some(out);
    }
    p.expect(b'{')?;
    p.ws();
    if p.peek() == Some(b'}') {
        p.pos += 1;
    } else {
        loop {
            p.ws();
            let key = p.string()?;
            p.ws();
            p.expect(b':')?;
            p.ws();
            let value = p.value()?;
            out.insert(key, value);
            p.ws();
            match p.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.pos == p.bytes.len()).then_some(out)
}

struct JsonParser<'a> {
    /// The input; runs are cut from it with `str::get` (no UTF-8 re-validation).
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// A number was valid JSON but not exactly convertible.
    inexact: bool,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    fn value(&mut self) -> Option<PropertyValue> {
        match self.peek()? {
            b'"' => self.string().map(PropertyValue::String),
            b't' => self.literal(b"true").map(|()| PropertyValue::Bool(true)),
            b'f' => self.literal(b"false").map(|()| PropertyValue::Bool(false)),
            b'-' | b'0'..=b'9' => self.number().map(PropertyValue::Number),
            _ => None, // null, arrays and nested objects are not property values
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let text = self.text.get(start..self.pos)?;
        match parse_decimal(text, true) {
            Ok(x) => Some(x),
            Err(e) => {
                self.inexact = e == DecimalError::Inexact;
                None
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let d = char::from(self.next()?).to_digit(16)?;
            v = v * 16 + d;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            // Copy the run of plain bytes at once: it ends before an ASCII byte (or at
            // the end), so it is whole characters of the input.
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos)?);
            match self.next()? {
                b'"' => return Some(out),
                b'\\' => {}
                _ => return None, // raw control character
            }
            let c = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return None,
            };
            out.push(c);
        }
    }

    /// The char of a `\uXXXX` escape (after `\u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            let save = self.pos;
            if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                self.pos += 2;
                let second = self.hex4()?;
                if (0xDC00..0xE000).contains(&second) {
                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    return char::from_u32(c);
                }
            }
            self.pos = save;
            return Some(char::REPLACEMENT_CHARACTER);
        }
        Some(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER))
    }
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
    let language =
        |tag: &'static str| -> &'static str { tag.split(['-', '_']).next().unwrap_or(tag) };
    let req_lang = requested.split(['-', '_']).next().unwrap_or(requested);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Parsed {
        parse_options(pairs.iter().copied())
    }

    /// Parses one option and returns its error message ("" when accepted).
    fn message(key: &str, value: &str) -> String {
        parse(&[(key, value)])
            .errors
            .first()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn defaults_match_contract() {
        let p = parse(&[]);
        assert!(p.active());
        assert!(p.errors.is_empty());
        let o = p.options;
        assert_eq!(o, Options::default());
        assert_eq!(o.endpoint, None);
        assert_eq!(o.touchpoint, "default");
        assert_eq!((o.locale, o.company, o.target), (None, None, None));
        assert_eq!(
            (o.mode, o.trigger, o.theme),
            (Mode::Popup, Trigger::Auto, Theme::Auto)
        );
        assert_eq!(
            (o.delay_ms, o.scroll_percent, o.exit_intent),
            (3000, 0, false)
        );
        assert_eq!((o.recontact_days, o.dismiss_days), (90, 7));
        assert_eq!(
            (o.sample, o.batch_size, o.flush_ms, o.preview),
            (1.0, 20, 5000, false)
        );
        assert!(o.properties.is_empty());
    }

    #[test]
    fn every_option_happy_path() {
        let p = parse(&[
            ("data-endpoint", " https://api.example.com/v1/responses "),
            ("data-touchpoint", "delivery"),
            ("data-locale", "pt-BR"),
            ("data-company", "Acme"),
            ("data-mode", "INLINE"),
            ("data-target", "#survey"),
            ("data-trigger", "manual"),
            ("data-delay-ms", "0"),
            ("data-scroll-percent", "100"),
            ("data-exit-intent", "true"),
            ("data-recontact-days", "30"),
            ("data-dismiss-days", "0"),
            ("data-sample", "0.25"),
            ("data-batch-size", "50"),
            ("data-flush-ms", "1000"),
            ("data-preview", "TRUE"),
            ("data-theme", "dark"),
            (
                "data-properties",
                r#"{"order_id":"A-17","total":12.5,"vip":true}"#,
            ),
        ]);
        assert_eq!(p.errors, []);
        assert!(p.active());
        let o = p.options;
        assert_eq!(
            o.endpoint.as_deref(),
            Some("https://api.example.com/v1/responses")
        );
        assert_eq!(o.touchpoint, "delivery");
        assert_eq!(o.locale.as_deref(), Some("pt-BR"));
        assert_eq!(o.company.as_deref(), Some("Acme"));
        assert_eq!(o.mode, Mode::Inline);
        assert_eq!(o.target.as_deref(), Some("#survey"));
        assert_eq!(o.trigger, Trigger::Manual);
        assert_eq!(
            (o.delay_ms, o.scroll_percent, o.exit_intent),
            (0, 100, true)
        );
        assert_eq!((o.recontact_days, o.dismiss_days), (30, 0));
        assert_eq!(
            (o.sample, o.batch_size, o.flush_ms, o.preview),
            (0.25, 50, 1000, true)
        );
        assert_eq!(o.theme, Theme::Dark);
        assert_eq!(o.properties.len(), 3);
        assert_eq!(o.properties["total"], PropertyValue::Number(12.5));
        assert_eq!(o.properties["vip"], PropertyValue::Bool(true));
        assert_eq!(
            o.properties["order_id"],
            PropertyValue::String("A-17".into())
        );
    }

    #[test]
    fn key_spellings() {
        for (key, want) in [
            ("delay-ms", 1),
            ("data-delay-ms", 2),
            ("delayMs", 3),
            ("DATA-delay-ms", 4),
            ("delay_ms", 5),
            ("DATA-DELAY-MS", 6),
        ] {
            let v = want.to_string();
            let p = parse(&[(key, v.as_str())]);
            assert_eq!(p.errors, [], "{key}");
            assert_eq!(p.options.delay_ms, want, "{key}");
        }
        let p = parse(&[
            ("scrollPercent", "50"),
            ("exitIntent", "true"),
            ("recontactDays", "1"),
            ("dismissDays", "2"),
            ("batchSize", "3"),
            ("flushMs", "4"),
        ]);
        assert_eq!(p.errors, []);
        let o = p.options;
        assert_eq!(
            (
                o.scroll_percent,
                o.exit_intent,
                o.recontact_days,
                o.dismiss_days,
                o.batch_size,
                o.flush_ms
            ),
            (50, true, 1, 2, 3, 4)
        );
    }

    #[test]
    fn later_keys_override_earlier() {
        let p = parse(&[("theme", "dark"), ("data-theme", "light")]);
        assert_eq!(p.options.theme, Theme::Light);
    }

    #[test]
    fn error_messages_name_option_and_value() {
        let cases = [
            (
                "data-sample",
                "abc",
                r#"data-sample must be a number between 0 and 1, got "abc""#,
            ),
            (
                "sample",
                "1.5",
                r#"data-sample must be a number between 0 and 1, got "1.5""#,
            ),
            (
                "sample",
                "-0.1",
                r#"data-sample must be a number between 0 and 1, got "-0.1""#,
            ),
            (
                "sample",
                "NaN",
                r#"data-sample must be a number between 0 and 1, got "NaN""#,
            ),
            (
                "sample",
                "inf",
                r#"data-sample must be a number between 0 and 1, got "inf""#,
            ),
            (
                "sample",
                "",
                r#"data-sample must be a number between 0 and 1, got """#,
            ),
            (
                "batchSize",
                "0",
                r#"data-batch-size must be a whole number from 1 to 50, got "0""#,
            ),
            (
                "batch-size",
                "51",
                r#"data-batch-size must be a whole number from 1 to 50, got "51""#,
            ),
            (
                "batch-size",
                "2.5",
                r#"data-batch-size must be a whole number from 1 to 50, got "2.5""#,
            ),
            (
                "delay-ms",
                "-1",
                r#"data-delay-ms must be a whole number of milliseconds from 0 to 4294967295, got "-1""#,
            ),
            (
                "delay-ms",
                "4294967296",
                r#"data-delay-ms must be a whole number of milliseconds from 0 to 4294967295, got "4294967296""#,
            ),
            (
                "flush-ms",
                "soon",
                r#"data-flush-ms must be a whole number of milliseconds from 0 to 4294967295, got "soon""#,
            ),
            (
                "scroll-percent",
                "101",
                r#"data-scroll-percent must be a whole number from 0 to 100, got "101""#,
            ),
            (
                "exit-intent",
                "yes",
                r#"data-exit-intent must be true or false, got "yes""#,
            ),
            (
                "preview",
                "1",
                r#"data-preview must be true or false, got "1""#,
            ),
            (
                "recontact-days",
                "ninety",
                r#"data-recontact-days must be a whole number of days from 0 to 4294967295, got "ninety""#,
            ),
            (
                "dismiss-days",
                "-7",
                r#"data-dismiss-days must be a whole number of days from 0 to 4294967295, got "-7""#,
            ),
            (
                "mode",
                "sidebar",
                r#"data-mode must be popup, modal or inline, got "sidebar""#,
            ),
            (
                "trigger",
                "scroll",
                r#"data-trigger must be auto or manual, got "scroll""#,
            ),
            (
                "theme",
                "blue",
                r#"data-theme must be light, dark or auto, got "blue""#,
            ),
            (
                "touchpoint",
                "  ",
                r#"data-touchpoint must be a name of 1 to 100 characters, e.g. checkout, got "  ""#,
            ),
            (
                "locale",
                "r",
                r#"data-locale must be a BCP 47 language tag, e.g. en or pt-BR, got "r""#,
            ),
            (
                "locale",
                "ru!",
                r#"data-locale must be a BCP 47 language tag, e.g. en or pt-BR, got "ru!""#,
            ),
            (
                "properties",
                "[1]",
                r#"data-properties must be a JSON object whose values are strings, numbers or booleans, got "[1]""#,
            ),
        ];
        for (key, value, want) in cases {
            assert_eq!(message(key, value), want);
            let p = parse(&[(key, value)]);
            assert!(p.active(), "{key}={value} must not be fatal");
            // A bad value keeps the default.
            assert_eq!(p.options, Options::default(), "{key}={value}");
        }
        assert_eq!(
            message("touchpoint", &"t".repeat(101)),
            format!(
                "data-touchpoint must be a name of 1 to 100 characters, e.g. checkout, got \"{}\"",
                "t".repeat(101)
            )
        );
        assert_eq!(message("touchpoint", &"ж".repeat(100)), "");
        assert!(message("company", &"c".repeat(101))
            .starts_with("data-company must be a name of at most 100 characters"));
    }

    #[test]
    fn option_error_fields() {
        let p = parse(&[("data-sample", "abc")]);
        assert_eq!(
            p.errors,
            [OptionError {
                option: "data-sample",
                value: "abc".into(),
                expected: "a number between 0 and 1",
                fatal: false,
            }]
        );
    }

    #[test]
    fn unknown_key_is_reported_not_fatal() {
        let p = parse(&[("colour", "red"), ("touchpoint", "support")]);
        assert!(p.active());
        assert_eq!(p.options.touchpoint, "support");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].option, "option name");
        assert_eq!(p.errors[0].value, "colour");
        assert!(p.errors[0]
            .to_string()
            .starts_with("option name must be one of endpoint, touchpoint, locale,"));
        assert!(p.errors[0].to_string().ends_with("got \"colour\""));
    }

    #[test]
    fn empty_optional_values_mean_absent() {
        let p = parse(&[("locale", ""), ("company", " "), ("target", "")]);
        assert_eq!(p.errors, []);
        assert_eq!(
            (p.options.locale, p.options.company, p.options.target),
            (None, None, None)
        );
        // A bare boolean attribute (`data-preview`) means true.
        let p = parse(&[("data-preview", ""), ("data-exit-intent", "False")]);
        assert_eq!(p.errors, []);
        assert!(p.options.preview);
        assert!(!p.options.exit_intent);
        for tag in ["ru", "en-US", "zh_Hant_TW", "x-private", "sr-Latn-RS"] {
            assert_eq!(message("locale", tag), "", "{tag}");
        }
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://api.example.com/v1/responses",
            "HTTPS://API.EXAMPLE.COM",
            "https://example.com:8443/x?y=1#z",
            "https://xn--80ak6aa92e.com/",
            "https://пример.рф/nps",
            "https://[2001:db8::1]/v1",
            "http://localhost:8080/v1/responses",
            "HTTP://LOCALHOST/",
            "http://127.0.0.1/x",
            "http://127.0.0.1:9",
            "http://[::1]:3000/",
        ] {
            let p = parse(&[("data-endpoint", ok)]);
            assert_eq!(p.errors, [], "{ok}");
            assert_eq!(p.options.endpoint.as_deref(), Some(ok));
        }
        for bad in [
            "",
            "   ",
            "http://example.com/v1",
            "http://192.168.1.10/",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "ftp://example.com/x",
            "data:text/html,hi",
            "/v1/responses",
            "v1/responses",
            "//example.com/v1",
            "https://",
            "https:///v1",
            "https://:443/",
            "https://.example.com/",
            "https://exa mple.com/",
            "https://user:pw@example.com/",
            "http://localhost@evil.com/",
            "http://localhost.evil.com/",
            "http://127.0.0.1.nip.io/",
            "https://example.com:abc/",
            "https://example.com:/",
            "https://[::1/",
            "https://ex<ample.com",
            "ｈttps://example.com",
        ] {
            let p = parse(&[("endpoint", bad)]);
            assert!(!p.active(), "{bad:?} must be fatal");
            assert_eq!(p.options.endpoint, None);
            assert_eq!(p.errors.len(), 1);
            assert_eq!(p.errors[0].option, "data-endpoint");
            assert!(p.errors[0].fatal);
        }
        assert_eq!(
            message("data-endpoint", "javascript:alert(1)"),
            "data-endpoint must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1]), \
             e.g. https://api.example.com/v1/responses, got \"javascript:alert(1)\""
        );
    }

    #[test]
    fn inline_needs_a_target() {
        let p = parse(&[("mode", "inline")]);
        assert!(!p.active());
        assert_eq!(
            p.errors[0].to_string(),
            "data-target must be a CSS selector of the container when data-mode is inline, got \"\""
        );
        // Order does not matter.
        let p = parse(&[("target", "#nps"), ("mode", "inline")]);
        assert!(p.active());
        assert_eq!(p.options.target.as_deref(), Some("#nps"));
        // A target without inline mode is harmless.
        assert!(parse(&[("target", "#nps")]).active());
    }

    fn props(s: &str) -> Option<Vec<(String, PropertyValue)>> {
        parse_properties(s).map(|p| p.into_iter().collect())
    }

    fn string(k: &str, v: &str) -> Option<Vec<(String, PropertyValue)>> {
        Some(vec![(k.to_owned(), PropertyValue::String(v.to_owned()))])
    }

    #[test]
    fn properties_valid() {
        assert_eq!(props(""), Some(vec![]));
        assert_eq!(props("{}"), Some(vec![]));
        assert_eq!(props(" \n{ \t}\r\n "), Some(vec![]));
        assert_eq!(
            props(r#"{"a":-0.5e+3,"b":false,"c":"","d":0,"e":1E2}"#),
            Some(vec![
                ("a".into(), PropertyValue::Number(-500.0)),
                ("b".into(), PropertyValue::Bool(false)),
                ("c".into(), PropertyValue::String(String::new())),
                ("d".into(), PropertyValue::Number(0.0)),
                ("e".into(), PropertyValue::Number(100.0)),
            ])
        );
        assert_eq!(props(r#"{"a":"1","a":"2"}"#), string("a", "2"));
        assert_eq!(props(r#"{"":"empty key"}"#), string("", "empty key"));
    }

    #[test]
    fn properties_escapes() {
        assert_eq!(
            props(r#"{"a":"q\"b\\s\/\b\f\n\r\t"}"#),
            string("a", "q\"b\\s/\u{8}\u{c}\n\r\t")
        );
        assert_eq!(props(r#"{"e":"\u00e9\u0416\u00E9"}"#), string("e", "éЖé"));
        assert_eq!(props(r#"{"k\u0041":"v"}"#), string("kA", "v"));
        assert_eq!(props(r#"{"e":"\ud83d\ude00"}"#), string("e", "😀"));
        assert_eq!(props(r#"{"e":"\uD83D\uDE00!"}"#), string("e", "😀!"));
        assert_eq!(props("{\"e\":\"raw 😀 ж\"}"), string("e", "raw 😀 ж"));
        // Lone surrogates (legal in JS strings, not in Rust) become U+FFFD.
        assert_eq!(props(r#"{"e":"\ud83d"}"#), string("e", "\u{fffd}"));
        assert_eq!(props(r#"{"e":"\ude00x"}"#), string("e", "\u{fffd}x"));
        assert_eq!(props(r#"{"e":"\ud83d\u0041"}"#), string("e", "\u{fffd}A"));
        assert_eq!(props(r#"{"e":"\u0000"}"#), string("e", "\u{0}"));
    }

    #[test]
    fn numbers_outside_the_exact_domain_are_refused_with_the_fix() {
        assert_eq!(
            message("data-properties", r#"{"id":12345678901234567890123}"#),
            "data-properties must be a JSON object whose numbers have at most 15 significant \
             digits and a power of ten within ±22 (pass other numbers as strings, e.g. \
             \"1234567890123456789\"), got \"{\"id\":12345678901234567890123}\""
        );
        let o = parse(&[("data-properties", r#"{"id":"12345678901234567890123"}"#)]).options;
        assert_eq!(
            o.properties.get("id"),
            Some(&PropertyValue::String("12345678901234567890123".into()))
        );
        // data-sample takes plain decimals only.
        assert_eq!(parse(&[("data-sample", "0.125")]).options.sample, 0.125);
        assert_eq!(
            message("data-sample", "1e-1"),
            r#"data-sample must be a number between 0 and 1, got "1e-1""#
        );
    }

    #[test]
    fn properties_invalid() {
        for bad in [
            r#"{"a":{"b":1}}"#,
            r#"{"a":[1]}"#,
            r#"{"a":null}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}}"#,
            r#"{"a":1}{}"#,
            "[1]",
            r#""str""#,
            "42",
            "null",
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":+1}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":1e400}"#,
            r#"{"a":NaN}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            r#"{"a":"\u12g4"}"#,
            r#"{'a':1}"#,
            r#"{a:1}"#,
            r#"{"a":1,}"#,
            "{,}",
            r#"{"a" 1}"#,
            r#"{"a":tru}"#,
            r#"{"a":truex}"#,
            "{\"a\":\"raw\nnewline\"}",
            r#"{"a":"unterminated}"#,
            "{",
            r#"{"a":1"#,
        ] {
            assert_eq!(parse_properties(bad), None, "{bad}");
        }
    }

    #[test]
    fn locale_negotiation() {
        let supported = ["en", "ru", "de", "pt-BR"];
        assert_eq!(negotiate_locale("ru", &supported), "ru");
        assert_eq!(negotiate_locale("ru-RU", &supported), "ru");
        assert_eq!(negotiate_locale("RU_ru", &supported), "ru");
        assert_eq!(negotiate_locale("pt-br", &supported), "pt-BR");
        assert_eq!(negotiate_locale("pt-PT", &supported), "pt-BR");
        assert_eq!(negotiate_locale("de-AT", &supported), "de");
        assert_eq!(negotiate_locale("fr-FR", &supported), "en");
        assert_eq!(negotiate_locale("", &supported), "en");
        assert_eq!(negotiate_locale("r", &supported), "en");
        assert_eq!(negotiate_locale("de", &["fr", "de"]), "de");
        assert_eq!(negotiate_locale("ja", &["fr", "de"]), "fr");
        assert_eq!(negotiate_locale("ja", &[]), "en");
    }

    #[test]
    fn mode_trigger_theme_names() {
        assert_eq!(Mode::Modal.as_str(), "modal");
        assert_eq!(Mode::Inline.as_str(), "inline");
        assert_eq!(Mode::Popup.as_str(), "popup");
        assert_eq!(Trigger::Manual.as_str(), "manual");
        assert_eq!(Trigger::Auto.as_str(), "auto");
        assert_eq!(Theme::Light.as_str(), "light");
        assert_eq!(Theme::Dark.as_str(), "dark");
        assert_eq!(Theme::Auto.as_str(), "auto");
    }
}
