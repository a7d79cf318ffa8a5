//! The wire format an endpoint receives (docs/contract.md §4): a [`Batch`] of [`Response`]s.
//!
//! The types derive serde so the server and tests can use `serde_json`; the crate itself never
//! depends on a JSON library. [`Response::json_len`] computes the compact-JSON size (exact, or
//! an upper bound where a property holds a fractional number) without serialising, so the queue can keep bodies under [`MAX_BODY_BYTES`] cheaply.

use core::fmt;
use serde::{Deserialize, Serialize};

pub use crate::keymap::KeyMap;

/// The `schema` value of every batch of this format version.
pub const SCHEMA: &str = "nps.batch/1";
/// Most responses in one batch.
pub const MAX_RESPONSES: usize = 50;
/// Largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest comment, in Unicode scalar values (Rust `char`s).
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Longest response id, in chars.
pub const MAX_ID_CHARS: usize = 64;
/// Longest touchpoint, in chars.
pub const MAX_TOUCHPOINT_CHARS: usize = 100;
/// Bytes of a body kept free for the batch envelope (`schema`, `batch_id`, `sent_at`).
pub const ENVELOPE_RESERVE_BYTES: usize = 200;

/// A property value: a string, a number or a boolean (JSON `null`, arrays and objects are not
/// allowed).
///
/// A whole number of at most 2^53 in magnitude serialises as an integer (`100`, not `100.0`),
/// as `JSON.stringify` writes it: the browser's bodies and `serde_json`'s are then the same
/// bytes for every such number and every fraction.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PropertyValue {
    /// `true` / `false`.
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// A string.
    String(String),
}

/// Largest magnitude below which every whole `f64` is exact, 2^53.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

impl Serialize for PropertyValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PropertyValue::Bool(b) => serializer.serialize_bool(*b),
            PropertyValue::String(s) => serializer.serialize_str(s),
            PropertyValue::Number(x) if x.fract() == 0.0 && x.abs() <= EXACT_INTEGERS => {
                serializer.serialize_i64(*x as i64)
            }
            PropertyValue::Number(x) => serializer.serialize_f64(*x),
        }
    }
}

/// Extra properties of a response (order id…): a [`KeyMap`] of [`PropertyValue`]s, serialised
/// as a JSON object.
///
/// ```
/// use nps_core::{Properties, PropertyValue};
/// let mut p = Properties::new();
/// p.insert("b".into(), PropertyValue::Bool(true));
/// p.insert("a".into(), PropertyValue::Number(1.0));
/// assert_eq!(p.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(p.get("a"), Some(&PropertyValue::Number(1.0)));
/// ```
pub type Properties = KeyMap<PropertyValue>;

impl KeyMap<PropertyValue> {
    /// Checks what the types cannot: every number is finite (JSON has no NaN or infinity).
    ///
    /// # Errors
    ///
    /// [`WireError`] on the field `properties`, naming the key.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::{Properties, PropertyValue};
    /// let mut p = Properties::new();
    /// p.insert("total".into(), PropertyValue::Number(0.1 + 0.2));
    /// assert!(p.check().is_ok());
    /// p.insert("bad".into(), PropertyValue::Number(f64::NAN));
    /// assert_eq!(
    ///     p.check().unwrap_err().to_string(),
    ///     r#"properties: "bad" must be a finite number, got NaN"#
    /// );
    /// ```
    pub fn check(&self) -> Result<(), WireError> {
        for (key, value) in self {
            if let PropertyValue::Number(x) = value {
                if !x.is_finite() {
                    let mut m = String::new();
                    push_quoted(&mut m, key);
                    m.push_str(" must be a finite number, got ");
                    m.push_str(if x.is_nan() { "NaN" } else { "an infinity" });
                    return Err(WireError::new("properties", m));
                }
            }
        }
        Ok(())
    }
}

/// What `properties` accept, wherever they are given (`data-properties`, `init`, `show`,
/// `record`): the end of the message that refuses anything else.
pub const EXPECT_PROPERTIES: &str = "a JSON object whose values are strings, numbers or booleans";

/// One answer as sent to the endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// UUID made once, when the answer is given; kept through every retry (dedupe key).
    pub id: String,
    /// 0..=10.
    pub score: u8,
    /// Free-text follow-up, at most [`MAX_COMMENT_CHARS`] chars; absent when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Journey step (`checkout`, `delivery`…).
    pub touchpoint: String,
    /// Locale the prompt was shown in.
    #[serde(default)]
    pub locale: String,
    /// RFC 3339 UTC, e.g. `"2026-11-22T09:59:41Z"`.
    pub answered_at: String,
    /// URL of the page the answer was given on.
    #[serde(default)]
    pub page: String,
    /// Extra properties (order id…).
    #[serde(default)]
    pub properties: Properties,
}

/// A request body: up to [`MAX_RESPONSES`] responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Always [`SCHEMA`] for this version.
    pub schema: String,
    /// UUID of this delivery attempt.
    pub batch_id: String,
    /// RFC 3339 UTC time of sending.
    pub sent_at: String,
    /// The responses.
    pub responses: Vec<Response>,
}

/// A field of a response or batch that breaks the wire format.
///
/// `field` is a path such as `responses[3].score` (empty for the response as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    /// Path of the offending field.
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl WireError {
    fn new(field: &str, message: String) -> WireError {
        WireError {
            field: field.to_owned(),
            message,
        }
    }

    fn within(mut self, prefix: &str) -> WireError {
        self.field = if self.field.is_empty() {
            prefix.to_owned()
        } else {
            let mut f = String::with_capacity(prefix.len() + 1 + self.field.len());
            f.push_str(prefix);
            f.push('.');
            f.push_str(&self.field);
            f
        };
        self
    }
}

impl WireError {
    /// The `Display` text, `field: message`, built without `core::fmt` (whose machinery would
    /// cost the widget's wasm several KB).
    pub fn text(&self) -> String {
        let mut m = String::with_capacity(self.field.len() + 2 + self.message.len());
        if !self.field.is_empty() {
            m.push_str(&self.field);
            m.push_str(": ");
        }
        m.push_str(&self.message);
        m
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for WireError {}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), WireError> {
    if value.is_empty() {
        return Err(WireError::new(field, "must not be empty".to_owned()));
    }
    let chars = crate::char_count(value);
    if chars > max {
        return Err(WireError::new(field, too_long(max, chars)));
    }
    Ok(())
}

// Messages are built with `push_str` rather than `format!`: the widget's wasm
// then carries no formatting machinery for them.

/// `must be at most {max} characters, got {chars}`.
fn too_long(max: usize, chars: usize) -> String {
    let mut m = String::from("must be at most ");
    crate::push_u64(&mut m, max as u64);
    m.push_str(" characters, got ");
    crate::push_u64(&mut m, chars as u64);
    m
}

/// `"text"` (quotes around; the text as is).
fn push_quoted(m: &mut String, text: &str) {
    m.push('"');
    m.push_str(text);
    m.push('"');
}

impl Response {
    /// Checks the response against the wire format.
    ///
    /// # Errors
    ///
    /// [`WireError`] naming the first offending field: `score` outside 0..=10; `id` empty or
    /// longer than 64 chars; `touchpoint` empty or longer than 100 chars; `comment` longer than
    /// 2000 chars; `answered_at` not RFC 3339; a property number that is not finite; or the
    /// whole response longer than `MAX_BODY_BYTES - 200` bytes of JSON.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Response;
    /// let mut r = Response {
    ///     id: "0193a5c4-0000-7000-8000-000000000000".into(),
    ///     score: 9,
    ///     comment: None,
    ///     touchpoint: "checkout".into(),
    ///     locale: "en".into(),
    ///     answered_at: "2026-11-22T09:59:41Z".into(),
    ///     page: String::new(),
    ///     properties: Default::default(),
    /// };
    /// assert!(r.validate().is_ok());
    /// r.score = 11;
    /// assert_eq!(
    ///     r.validate().unwrap_err().to_string(),
    ///     "score: must be an integer from 0 to 10, got 11"
    /// );
    /// ```
    pub fn validate(&self) -> Result<(), WireError> {
        self.check(true)
    }

    /// [`Response::validate`] without the `answered_at` check, for a response whose
    /// `answered_at` was just written by [`crate::time::rfc3339_from_unix_ms`] (the widget's
    /// clock), which always writes RFC 3339: the embed leaves the date parser out of its wasm
    /// (986 B before wasm-opt).
    ///
    /// # Errors
    ///
    /// As [`Response::validate`], `answered_at` aside.
    pub fn validate_recorded(&self) -> Result<(), WireError> {
        self.check(false)
    }

    #[inline(always)]
    fn check(&self, answered_at: bool) -> Result<(), WireError> {
        if self.score > 10 {
            let mut m = String::from("must be an integer from 0 to 10, got ");
            crate::push_u64(&mut m, u64::from(self.score));
            return Err(WireError::new("score", m));
        }
        check_text("id", &self.id, MAX_ID_CHARS)?;
        check_text("touchpoint", &self.touchpoint, MAX_TOUCHPOINT_CHARS)?;
        if let Some(c) = &self.comment {
            let chars = crate::char_count(c);
            if chars > MAX_COMMENT_CHARS {
                return Err(WireError::new(
                    "comment",
                    too_long(MAX_COMMENT_CHARS, chars),
                ));
            }
        }
        if answered_at && crate::time::unix_ms_from_rfc3339(&self.answered_at).is_none() {
            let mut m =
                String::from("must be an RFC 3339 date-time such as 2026-11-22T09:59:41Z, got ");
            push_quoted(&mut m, &self.answered_at);
            return Err(WireError::new("answered_at", m));
        }
        self.properties.check()?;
        let len = self.json_len();
        let max = MAX_BODY_BYTES - ENVELOPE_RESERVE_BYTES;
        if len > max {
            let mut m = String::from("response is ");
            crate::push_u64(&mut m, len as u64);
            m.push_str(" bytes of JSON, at most ");
            crate::push_u64(&mut m, max as u64);
            m.push_str(" fit in a batch; shorten the comment or the properties");
            return Err(WireError::new("", m));
        }
        Ok(())
    }

    /// Byte length of this response serialised as compact JSON, as `serde_json` writes it
    /// (strings escaped the same way, non-finite numbers as `null`). Exact, except that a
    /// property number with a fraction or of 1e16 and above counts as 24 bytes, the most any
    /// number takes: an upper bound, so a batch sized with it always fits. `JSON.stringify`
    /// escapes strings identically and writes integral numbers without `.0`, so the body the
    /// browser sends is never longer than this predicts.
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::Response;
    /// let r = Response {
    ///     id: "a".into(), score: 10, comment: Some("\"ok\"".into()),
    ///     touchpoint: "t".into(), locale: String::new(),
    ///     answered_at: "2026-11-22T09:59:41Z".into(), page: String::new(),
    ///     properties: Default::default(),
    /// };
    /// let json = r#"{"id":"a","score":10,"comment":"\"ok\"","touchpoint":"t","locale":"","answered_at":"2026-11-22T09:59:41Z","page":"","properties":{}}"#;
    /// assert_eq!(r.json_len(), json.len());
    /// ```
    pub fn json_len(&self) -> usize {
        // {"id":…,"score":…,"touchpoint":…,"locale":…,"answered_at":…,"page":…,"properties":…}
        const FIXED: usize =
            r#"{"id":,"score":,"touchpoint":,"locale":,"answered_at":,"page":,"properties":}"#
                .len();
        let mut len = FIXED
            + json_str_len(&self.id)
            + decimal_len(u64::from(self.score))
            + json_str_len(&self.touchpoint)
            + json_str_len(&self.locale)
            + json_str_len(&self.answered_at)
            + json_str_len(&self.page)
            + properties_json_len(&self.properties);
        if let Some(c) = &self.comment {
            len += r#","comment":"#.len() + json_str_len(c);
        }
        len
    }
}

impl Batch {
    /// A batch of the current [`SCHEMA`].
    ///
    /// # Example
    ///
    /// ```
    /// let b = nps_core::Batch::new("id".into(), "2026-11-22T10:00:00Z".into(), Vec::new());
    /// assert_eq!(b.schema, "nps.batch/1");
    /// ```
    pub fn new(batch_id: String, sent_at: String, responses: Vec<Response>) -> Batch {
        Batch {
            schema: SCHEMA.to_owned(),
            batch_id,
            sent_at,
            responses,
        }
    }

    /// Checks the batch: `schema` is [`SCHEMA`], it holds 1..=50 responses, each valid.
    ///
    /// # Errors
    ///
    /// [`WireError`] naming the first offending field, with a path such as
    /// `responses[3].score`.
    ///
    /// # Example
    ///
    /// ```
    /// let b = nps_core::Batch::new("id".into(), "2026-11-22T10:00:00Z".into(), Vec::new());
    /// assert_eq!(
    ///     b.validate().unwrap_err().to_string(),
    ///     "responses: must hold 1 to 50 responses, got 0"
    /// );
    /// ```
    pub fn validate(&self) -> Result<(), WireError> {
        if self.schema != SCHEMA {
            return Err(WireError::new(
                "schema",
                format!("must be {SCHEMA:?}, got {:?}", self.schema),
            ));
        }
        let n = self.responses.len();
        if n == 0 || n > MAX_RESPONSES {
            return Err(WireError::new(
                "responses",
                format!("must hold 1 to {MAX_RESPONSES} responses, got {n}"),
            ));
        }
        for (i, r) in self.responses.iter().enumerate() {
            r.validate()
                .map_err(|e| e.within(&format!("responses[{i}]")))?;
        }
        Ok(())
    }
}

/// Bytes of `s` as a JSON string literal, quotes included, escaped as `serde_json` does:
/// `\"`, `\\`, `\b \t \n \f \r`, other control characters as `\u00XX`, everything else raw.
pub(crate) fn json_str_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x09 | 0x0a | 0x0c | 0x0d => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

fn decimal_len(mut v: u64) -> usize {
    let mut len = 1;
    while v >= 10 {
        v /= 10;
        len += 1;
    }
    len
}

fn properties_json_len(props: &Properties) -> usize {
    let mut len = 2; // {}
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            len += 1; // ,
        }
        len += json_str_len(k) + 1; // "k":
        len += match v {
            PropertyValue::Bool(true) => 4,
            PropertyValue::Bool(false) => 5,
            PropertyValue::Number(x) => f64_json_len(*x),
            PropertyValue::String(s) => json_str_len(s),
        };
    }
    len
}

/// The longest number `serde_json` or `JSON.stringify` writes: `-1.2345678901234567e-308`.
pub(crate) const MAX_NUMBER_JSON_LEN: usize = 24;

/// Bytes `serde_json` writes for the property number `x` ([`PropertyValue`]'s `Serialize`),
/// without formatting it (float formatting would cost the widget's wasm ~8 KB): exact for
/// `null` (not finite) and for integral values below 1e16 (`-12`, or `12345678901234568.0`
/// above 2^53); [`MAX_NUMBER_JSON_LEN`], an upper bound, for any other number.
pub(crate) fn f64_json_len(x: f64) -> usize {
    if !x.is_finite() {
        return 4; // null
    }
    let a = x.abs();
    if a <= EXACT_INTEGERS && a.fract() == 0.0 {
        return usize::from(x < 0.0) + decimal_len(a as u64); // -12
    }
    let sign = usize::from(x.is_sign_negative());
    if a < 1e16 && a.fract() == 0.0 {
        sign + decimal_len(a as u64) + 2 // 12.0
    } else {
        MAX_NUMBER_JSON_LEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn response(id: &str, score: u8) -> Response {
        Response {
            id: id.to_owned(),
            score,
            comment: None,
            touchpoint: "checkout".to_owned(),
            locale: "en".to_owned(),
            answered_at: "2026-11-22T09:59:41Z".to_owned(),
            page: "https://shop.example.com/orders/17".to_owned(),
            properties: Properties::new(),
        }
    }

    fn err(r: &Response) -> String {
        r.validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn valid_response_passes() {
        let mut r = response("0193a5c4-0000-7000-8000-000000000000", 9);
        r.comment = Some("Fast delivery".into());
        r.properties
            .insert("order_id".into(), PropertyValue::String("A-17".into()));
        assert_eq!(r.validate(), Ok(()));
        r.comment = Some("ж".repeat(MAX_COMMENT_CHARS));
        assert_eq!(r.validate(), Ok(()));
        r.comment = Some(String::new());
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn response_error_messages() {
        assert_eq!(
            err(&response("a", 11)),
            "score: must be an integer from 0 to 10, got 11"
        );
        assert_eq!(err(&response("", 1)), "id: must not be empty");
        assert_eq!(
            err(&response(&"x".repeat(65), 1)),
            "id: must be at most 64 characters, got 65"
        );
        let mut r = response("a", 1);
        r.touchpoint = String::new();
        assert_eq!(err(&r), "touchpoint: must not be empty");
        r.touchpoint = "t".repeat(101);
        assert_eq!(
            err(&r),
            "touchpoint: must be at most 100 characters, got 101"
        );
        r.touchpoint = "t".repeat(100);
        assert_eq!(err(&r), "");
        r.comment = Some("😀".repeat(2001));
        assert_eq!(
            err(&r),
            "comment: must be at most 2000 characters, got 2001"
        );
        r.comment = None;
        r.answered_at = "yesterday".into();
        assert_eq!(
            err(&r),
            "answered_at: must be an RFC 3339 date-time such as 2026-11-22T09:59:41Z, got \"yesterday\""
        );
        r.answered_at = "2026-11-22T09:59:41Z".into();
        r.properties
            .insert("x".into(), PropertyValue::Number(f64::NAN));
        assert_eq!(
            err(&r),
            "properties: \"x\" must be a finite number, got NaN"
        );
        r.properties.clear();
        r.page = "p".repeat(MAX_BODY_BYTES);
        let len = r.json_len();
        assert_eq!(
            err(&r),
            format!(
                "response is {len} bytes of JSON, at most 65336 fit in a batch; \
                 shorten the comment or the properties"
            )
        );
    }

    /// `validate_recorded` is `validate` minus the `answered_at` check: the same verdict on
    /// every other field.
    #[test]
    fn validate_recorded_skips_only_answered_at() {
        let mut r = response("a", 1);
        r.answered_at = "yesterday".into();
        assert!(r.validate().is_err());
        assert_eq!(r.validate_recorded(), Ok(()));
        let mut bad = vec![response("a", 11), response("", 1)];
        let mut r = response("a", 1);
        r.comment = Some("😀".repeat(MAX_COMMENT_CHARS + 1));
        bad.push(r);
        let mut r = response("a", 1);
        r.properties
            .insert("x".into(), PropertyValue::Number(f64::INFINITY));
        bad.push(r);
        let mut r = response("a", 1);
        r.page = "p".repeat(MAX_BODY_BYTES);
        bad.push(r);
        for r in bad {
            assert!(r.validate().is_err());
            assert_eq!(r.validate_recorded(), r.validate());
        }
    }

    #[test]
    fn batch_validation() {
        let mut b = Batch::new(
            "b".into(),
            "2026-11-22T10:00:00Z".into(),
            vec![response("a", 1); 3],
        );
        assert_eq!(b.validate(), Ok(()));
        b.responses[2].score = 11;
        assert_eq!(
            b.validate()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            "responses[2].score: must be an integer from 0 to 10, got 11"
        );
        let e = b.validate().err();
        assert_eq!(e.map(|e| e.field), Some("responses[2].score".to_owned()));
        b.responses[2].score = 1;
        b.responses[1].page = "p".repeat(MAX_BODY_BYTES);
        assert_eq!(
            b.validate().err().map(|e| e.field),
            Some("responses[1]".to_owned())
        );
        b.responses = vec![response("a", 1); 51];
        assert_eq!(
            b.validate()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            "responses: must hold 1 to 50 responses, got 51"
        );
        b.responses.truncate(50);
        assert_eq!(b.validate(), Ok(()));
        b.schema = "nps.batch/2".into();
        assert_eq!(
            b.validate()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            "schema: must be \"nps.batch/1\", got \"nps.batch/2\""
        );
    }

    #[test]
    fn serde_shape_matches_contract() {
        let mut r = response("0193a5c4", 9);
        r.comment = Some("Fast delivery".into());
        r.locale = "ru".into();
        r.properties
            .insert("order_id".into(), PropertyValue::String("A-17".into()));
        r.properties.insert("n".into(), PropertyValue::Number(2.0));
        r.properties.insert("vip".into(), PropertyValue::Bool(true));
        let b = Batch::new("0193a5c4-b".into(), "2026-11-22T10:00:00Z".into(), vec![r]);
        let json = serde_json::to_string(&b).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"schema":"nps.batch/1","batch_id":"0193a5c4-b","sent_at":"2026-11-22T10:00:00Z","responses":[{"id":"0193a5c4","score":9,"comment":"Fast delivery","touchpoint":"checkout","locale":"ru","answered_at":"2026-11-22T09:59:41Z","page":"https://shop.example.com/orders/17","properties":{"n":2,"order_id":"A-17","vip":true}}]}"#
        );
        let back: Result<Batch, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(b));
        // Optional fields may be absent.
        let minimal =
            r#"{"id":"x","score":0,"touchpoint":"t","answered_at":"2026-11-22T09:59:41Z"}"#;
        let r: Result<Response, _> = serde_json::from_str(minimal);
        let r = r.ok();
        assert_eq!(r.as_ref().map(|r| r.comment.is_none()), Some(true));
        assert_eq!(r.as_ref().map(|r| r.properties.len()), Some(0));
        // null and nested values are not property values.
        for bad in [r#"{"a":null}"#, r#"{"a":[1]}"#, r#"{"a":{"b":1}}"#] {
            let p: Result<Properties, _> = serde_json::from_str(bad);
            assert!(p.is_err(), "{bad}");
        }
    }

    #[test]
    fn json_len_matches_serde_json_examples() {
        let mut r = response("id-\"\\\u{1}\u{1f}\u{7f}", 10);
        r.comment = Some("line\nbreak\ttab\r\u{8}\u{c} ж 😀 \u{2028}".into());
        for (i, x) in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1e15,
            1e16,
            1e17,
            1.5e16,
            123_456_789_012_345_680.0,
            1e21,
            1e-5,
            1e-6,
            1.234e-7,
            0.000_123_4,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
        ]
        .into_iter()
        .enumerate()
        {
            r.properties
                .insert(format!("k{i}"), PropertyValue::Number(x));
        }
        r.properties.insert("b".into(), PropertyValue::Bool(false));
        assert!(r.json_len() >= serde_json::to_string(&r).unwrap_or_default().len());
        r.properties.retain(
            |_, v| !matches!(v, PropertyValue::Number(x) if x.fract() != 0.0 || x.abs() >= 1e16),
        );
        assert_eq!(
            r.json_len(),
            serde_json::to_string(&r).unwrap_or_default().len()
        );
        for x in [
            1.0,
            -1.0,
            0.0,
            -0.0,
            9_999_999_999_999_998.0,
            123.0,
            -1e15,
            f64::NAN,
        ] {
            assert_eq!(
                f64_json_len(x),
                serde_json::to_string(&PropertyValue::Number(x))
                    .unwrap_or_default()
                    .len(),
                "{x}"
            );
        }
        for x in [0.1, 1e16, 1e21, -1e300, 1.234e-7, f64::MIN_POSITIVE, 5e-324] {
            let written = serde_json::to_string(&x).unwrap_or_default().len();
            assert!(f64_json_len(x) >= written, "{x}");
            assert_eq!(f64_json_len(x), MAX_NUMBER_JSON_LEN, "{x}");
        }
    }
}
