//! [`KeyMap`]: a small map from text keys to values, as JSON objects hold them.

use core::fmt;
use serde::{Deserialize, Serialize};

/// A map from text keys to values, kept sorted by key (a sorted `Vec`: a handful of entries,
/// and far less code than a `BTreeMap` in the widget's wasm). Serialises as a JSON object;
/// when deserialising, the last of duplicate keys wins. [`Properties`](crate::Properties)
/// are a `KeyMap<PropertyValue>`.
///
/// ```
/// use nps_core::{Properties, PropertyValue};
/// let mut p = Properties::new();
/// p.insert("b".into(), PropertyValue::Bool(true));
/// p.insert("a".into(), PropertyValue::Number(1.0));
/// assert_eq!(p.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(p.get("a"), Some(&PropertyValue::Number(1.0)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct KeyMap<V>(Vec<(String, V)>);

impl<V> Default for KeyMap<V> {
    fn default() -> KeyMap<V> {
        KeyMap::new()
    }
}

impl<V> KeyMap<V> {
    /// No entries.
    pub const fn new() -> KeyMap<V> {
        KeyMap(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value of `key`, inserted as `V::default()` when absent.
    ///
    /// ```
    /// let mut counts = nps_core::wire::KeyMap::<u32>::new();
    /// *counts.get_or_default("b") += 1;
    /// *counts.get_or_default("a") += 1;
    /// *counts.get_or_default("b") += 1;
    /// assert_eq!(counts.iter().collect::<Vec<_>>(), [(&"a".to_owned(), &1), (&"b".to_owned(), &2)]);
    /// ```
    pub fn get_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_owned(), V::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Keeps the entries for which `f` returns true.
    pub fn retain(&mut self, mut f: impl FnMut(&String, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| f(k, v));
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> Iter<'_, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V> core::ops::Index<&str> for KeyMap<V> {
    type Output = V;
    /// # Panics
    /// When `key` is absent (as `BTreeMap`'s index does).
    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry named {key}"),
        }
    }
}

impl<V> Extend<(String, V)> for KeyMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<V> FromIterator<(String, V)> for KeyMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> KeyMap<V> {
        let mut p = KeyMap::new();
        p.extend(iter);
        p
    }
}

/// Iterator over `(&key, &value)` of a [`KeyMap`], sorted by key.
pub type Iter<'a, V> =
    core::iter::Map<core::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

impl<'a, V> IntoIterator for &'a KeyMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

impl<V> IntoIterator for KeyMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<V: Serialize> Serialize for KeyMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for KeyMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<KeyMap<V>, D::Error> {
        struct Visit<V>(core::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = KeyMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyMap<V>, A::Error> {
                let mut p = KeyMap::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    p.insert(k, v);
                }
                Ok(p)
            }
        }
        deserializer.deserialize_map(Visit(core::marker::PhantomData))
    }
}
