//! [`Properties`]: the property map of a node or relationship.
//!
//! A record has a handful of properties, read far more often than written.
//! A `BTreeMap` spends a whole B-tree leaf (room for eleven keys and eleven
//! values, about 900 bytes with Attest's `Value`) on every non-empty map;
//! on a store of two million nodes that was the largest single cost of
//! holding the graph in memory. A vector of entries kept sorted by key holds
//! the same map in the bytes of its entries, looks a key up by binary search,
//! and iterates in the same key order, so the map's behaviour (and its
//! encoding: serde sees a map) is unchanged.

use super::Value;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Properties of a node or relationship, in key order. A missing key and a
/// null value mean the same thing; null is never stored.
///
/// The API follows `BTreeMap<String, Value>`'s, which it replaced:
///
/// ```
/// use attest::model::{Properties, Value};
///
/// let mut props = Properties::from([("name".to_string(), Value::from("Russia"))]);
/// props.insert("kind".to_string(), Value::from("country"));
/// assert_eq!(props.get("name"), Some(&Value::from("Russia")));
/// let keys: Vec<&String> = props.keys().collect();
/// assert_eq!(keys, ["kind", "name"]);
/// assert_eq!(props.remove("kind"), Some(Value::from("country")));
/// assert_eq!(props.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties {
    /// Sorted by key; no key twice.
    entries: Vec<(String, Value)>,
}

impl Properties {
    /// An empty map (allocates nothing).
    pub const fn new() -> Properties {
        Properties { entries: Vec::new() }
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value under `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.position(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// True when `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self.position(key) {
            Ok(i) => Some(self.entries.remove(i).1),
            Err(_) => None,
        }
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// The entries in key order, values changeable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Frees the room a map built by insertion keeps for growth: stored
    /// records are many and rarely grow.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// Builds the map from entries that may be in any order; a later entry
    /// for the same key wins, as with repeated inserts.
    fn from_entries(mut entries: Vec<(String, Value)>) -> Properties {
        let sorted = entries.windows(2).all(|w| w[0].0 < w[1].0);
        if !sorted {
            // A stable sort keeps equal keys in arrival order; the dedup
            // below then keeps the last of each run.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut deduped: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            entries = deduped;
        }
        entries.shrink_to_fit();
        Properties { entries }
    }
}

/// Iterator over `(&key, &value)` in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, (String, Value)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Properties {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(String, Value)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Properties {
        Properties::from_entries(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Properties {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert(key, value);
        }
    }
}

impl<const N: usize> From<[(String, Value); N]> for Properties {
    fn from(entries: [(String, Value); N]) -> Properties {
        Properties::from_entries(Vec::from(entries))
    }
}

impl From<BTreeMap<String, Value>> for Properties {
    fn from(map: BTreeMap<String, Value>) -> Properties {
        // Already in key order and unique.
        let mut entries: Vec<(String, Value)> = map.into_iter().collect();
        entries.shrink_to_fit();
        Properties { entries }
    }
}

impl From<Properties> for BTreeMap<String, Value> {
    fn from(props: Properties) -> BTreeMap<String, Value> {
        props.entries.into_iter().collect()
    }
}

impl Serialize for Properties {
    /// Encoded as a map, exactly as the `BTreeMap` it replaced, so stores
    /// written before read the same.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Properties, D::Error> {
        struct PropertiesVisitor;

        impl<'de> Visitor<'de> for PropertiesVisitor {
            type Value = Properties;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of property names to values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Properties, A::Error> {
                // The size hint comes from the input: cap it so that a
                // damaged length cannot ask for a huge allocation.
                let hint = access.size_hint().unwrap_or(0).min(64);
                let mut entries = Vec::with_capacity(hint);
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    entries.push((key, value));
                }
                Ok(Properties::from_entries(entries))
            }
        }

        deserializer.deserialize_map(PropertiesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(entries: &[(&str, i64)]) -> Properties {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Int(*v)))
            .collect()
    }

    #[test]
    fn collecting_sorts_and_the_last_duplicate_wins() {
        let p = props(&[("b", 1), ("a", 2), ("b", 3)]);
        let entries: Vec<(&String, &Value)> = p.iter().collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0], (&"a".to_string(), &Value::Int(2)));
        assert_eq!(entries[1], (&"b".to_string(), &Value::Int(3)));
    }

    #[test]
    fn behaves_as_the_btreemap_it_replaced() {
        let mut ours = Properties::new();
        let mut theirs = BTreeMap::new();
        let keys = ["kind", "name", "date", "aliases", "kind", "a", "zz", "name"];
        for (i, key) in keys.iter().enumerate() {
            let value = Value::Int(i as i64);
            assert_eq!(
                ours.insert(key.to_string(), value.clone()),
                theirs.insert(key.to_string(), value)
            );
            if i % 3 == 2 {
                assert_eq!(ours.remove("date"), theirs.remove("date"));
            }
            let expected: Vec<_> = theirs.iter().collect();
            assert_eq!(ours.iter().collect::<Vec<_>>(), expected);
        }
        assert_eq!(BTreeMap::from(ours.clone()), theirs);
        assert_eq!(Properties::from(theirs), ours);
    }

    #[test]
    fn encodes_exactly_as_a_btreemap() {
        let ours = props(&[("name", 1), ("kind", 2)]);
        let theirs: BTreeMap<String, Value> = ours.clone().into();
        let a = postcard::to_allocvec(&ours).expect("encode");
        let b = postcard::to_allocvec(&theirs).expect("encode");
        assert_eq!(a, b);
        let back: Properties = postcard::from_bytes(&b).expect("decode");
        assert_eq!(back, ours);
        let json = serde_json::to_string(&ours).expect("json");
        assert_eq!(json, serde_json::to_string(&theirs).expect("json"));
    }
}
