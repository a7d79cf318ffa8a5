//! One JSON value of an export, read with serde into what scoring needs and nothing more: the
//! score, the touchpoint, `answered_at`, the comment, and the responses of an `nps.batch/1`
//! body. Other keys (`id`, `properties`…) are skipped without being stored.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A value of the input.
#[derive(Debug)]
pub(super) enum Item<'a> {
    /// An object: a response (or, with `responses` and no `score`, a batch).
    Object(Object<'a>),
    /// Anything else: not a response.
    Other,
}

/// The keys of an object that scoring reads.
#[derive(Debug, Default)]
pub(super) struct Object<'a> {
    /// `None`: no `score` key; `Some(None)`: a score that is not an integer 0..=10.
    pub(super) score: Option<Option<u8>>,
    /// `None`: no such key. A string as it is, `null` as empty, anything else as its JSON.
    pub(super) touchpoint: Option<Cow<'a, str>>,
    pub(super) answered_at: Option<Cow<'a, str>>,
    /// The comment (a string; anything else as its JSON), for sinks that keep comments.
    pub(super) comment: Option<Cow<'a, str>>,
    /// The `responses` array, when there is one.
    pub(super) responses: Option<Vec<Item<'a>>>,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Score,
    Touchpoint,
    AnsweredAt,
    Comment,
    Responses,
    #[serde(other)]
    Other,
}

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item<'de>, A::Error> {
        let mut o = Object::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Score => o.score = Some(map.next_value::<ScoreValue>()?.0),
                Key::Touchpoint => o.touchpoint = Some(map.next_value::<Text>()?.0),
                Key::AnsweredAt => o.answered_at = Some(map.next_value::<Text>()?.0),
                Key::Comment => o.comment = Some(map.next_value::<Text>()?.0),
                Key::Responses => o.responses = map.next_value::<Responses>()?.0,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Item::Object(o))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Item::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
    fn visit_unit<E>(self) -> Result<Item<'de>, E> {
        Ok(Item::Other)
    }
}

/// A score: an integer number 0..=10, or a string [`crate::parse_score`] reads; else `None`.
struct ScoreValue(Option<u8>);

impl<'de> Deserialize<'de> for ScoreValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScoreValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a score")
            }
            fn visit_u64<E>(self, v: u64) -> Result<ScoreValue, E> {
                Ok(ScoreValue((v <= 10).then_some(v as u8)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ScoreValue, E> {
                Ok(ScoreValue(
                    u64::try_from(v).ok().filter(|&v| v <= 10).map(|v| v as u8),
                ))
            }
            fn visit_f64<E>(self, _: f64) -> Result<ScoreValue, E> {
                Ok(ScoreValue(None))
            }
            fn visit_str<E>(self, v: &str) -> Result<ScoreValue, E> {
                Ok(ScoreValue(crate::parse_score(v).ok()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<ScoreValue, E> {
                Ok(ScoreValue(None))
            }
            fn visit_unit<E>(self) -> Result<ScoreValue, E> {
                Ok(ScoreValue(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ScoreValue, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ScoreValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ScoreValue, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ScoreValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A touchpoint or `answered_at`: a string as it is (borrowed when it has no escapes), `null`
/// as empty, any other value as its compact JSON (`5`, `true`, `{"a":1}`).
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_unit<E>(self) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed("")))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(Value::from(v).to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(Value::from(v).to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(Value::from(v).to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(Value::from(v).to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
                let v = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'de>, A::Error> {
                let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// The value of `responses`: its items when it is an array.
struct Responses<'a>(Option<Vec<Item<'a>>>);

impl<'de> Deserialize<'de> for Responses<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Responses<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Responses<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Item<'de>>()? {
                    items.push(item);
                }
                Ok(Responses(Some(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Responses<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Responses(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
            fn visit_unit<E>(self) -> Result<Responses<'de>, E> {
                Ok(Responses(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(s: &str) -> Item<'_> {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn reads_what_scoring_needs() {
        let Item::Object(o) = item(
            r#"{"id": "x", "score": 9, "comment": "a \"b\"", "touchpoint": "check\u006fut",
                "properties": {"k": [1, 2]}, "answered_at": null}"#,
        ) else {
            panic!("an object")
        };
        assert_eq!(o.score, Some(Some(9)));
        assert_eq!(o.touchpoint.as_deref(), Some("checkout"));
        assert_eq!(o.answered_at.as_deref(), Some(""));
        assert!(o.responses.is_none());
    }

    #[test]
    fn scores_and_texts_of_every_kind() {
        let score = |v: &str| match item(&format!(r#"{{"score": {v}}}"#)) {
            Item::Object(o) => o.score,
            Item::Other => panic!("an object"),
        };
        assert_eq!(score("10"), Some(Some(10)));
        assert_eq!(score("\" 7 \""), Some(Some(7)));
        for bad in [
            "11",
            "-1",
            "9.0",
            "1e1",
            "null",
            "true",
            "[9]",
            "{\"v\": 9}",
            "\"x\"",
        ] {
            assert_eq!(score(bad), Some(None), "{bad}");
        }
        assert!(matches!(
            item("{}"),
            Item::Object(Object { score: None, .. })
        ));
        let text = |v: &str| match item(&format!(r#"{{"touchpoint": {v}}}"#)) {
            Item::Object(o) => o.touchpoint.map(Cow::into_owned),
            Item::Other => panic!("an object"),
        };
        assert_eq!(text("5").as_deref(), Some("5"));
        assert_eq!(text("5.0").as_deref(), Some("5.0"));
        assert_eq!(text("-2").as_deref(), Some("-2"));
        assert_eq!(text("true").as_deref(), Some("true"));
        assert_eq!(text("[1, {\"a\": 2}]").as_deref(), Some("[1,{\"a\":2}]"));
        for other in ["7", "\"s\"", "[1, [2]]", "null", "true"] {
            assert!(matches!(item(other), Item::Other), "{other}");
        }
    }

    #[test]
    fn batch_responses() {
        let Item::Object(o) = item(r#"{"schema": "nps.batch/1", "responses": [{"score": 1}, 7]}"#)
        else {
            panic!("an object")
        };
        let r = o.responses.unwrap();
        assert!(matches!(
            r[0],
            Item::Object(Object {
                score: Some(Some(1)),
                ..
            })
        ));
        assert!(matches!(r[1], Item::Other));
        let Item::Object(o) = item(r#"{"responses": {"score": 1}}"#) else {
            panic!("an object")
        };
        assert!(o.responses.is_none());
    }
}
