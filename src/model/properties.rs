//! [`Properties`]: the property map of a node or relationship.
//!
//! A record has a handful of properties, read far more often than written,
//! and records of one kind carry the same keys: every one of a million
//! events has `date`, `kind` and `summary`. So a map is split in two: its
//! sorted key list, its *shape*, interned and shared by every map with the
//! same keys; and its values, in key order, in one boxed slice of its own.
//!
//! A vector of `(String, Value)` entries, the layout before this one, cost
//! an event 168 bytes of entries plus a heap string per key, about 270 bytes
//! for three properties; the shaped map costs the 96 bytes of its values.
//! On the million-event store that was about 350 MB of a 2.3 GB open store,
//! and three allocations per node when the store is opened (see
//! `docs/performance.md`). Lookups binary-search the shared key list, which
//! stays in the caches, then read the value at the same position.
//!
//! Shapes are interned by `model::intern`, as label lists are: a small
//! per-thread cache of recent lists in front of a process-wide table that
//! holds them weakly, so the shape of keys nobody uses any more is freed
//! with its last map.
//!
//! The map's behaviour and its encoding (serde sees a map in key order) are
//! those of the `BTreeMap<String, Value>` it replaced.

use super::Value;
use super::intern::{Names, intern_names};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

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
#[derive(Clone, Default, PartialEq)]
pub struct Properties {
    /// `None` for the empty map, which allocates nothing.
    filled: Option<Filled>,
}

/// A non-empty map: its shape, and one value per key of the shape.
#[derive(Clone, PartialEq)]
struct Filled {
    /// The sorted, distinct keys, interned: shared by every map holding
    /// exactly these keys.
    shape: Arc<Names>,
    /// `values[i]` belongs to `shape[i]`; never empty.
    values: Box<[Value]>,
}

impl Properties {
    /// An empty map (allocates nothing).
    pub const fn new() -> Properties {
        Properties { filled: None }
    }

    /// The keys, sorted (a stored page lists each set of keys once).
    pub(crate) fn keys_slice(&self) -> &[String] {
        self.filled.as_ref().map_or(&[], |f| &f.shape)
    }

    fn values_slice(&self) -> &[Value] {
        self.filled.as_ref().map_or(&[], |f| &f.values)
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.keys_slice().binary_search_by(|k| k.as_str().cmp(key))
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.values_slice()[i])
    }

    /// The value under `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.position(key).ok()?;
        self.filled.as_mut().map(|f| &mut f.values[i])
    }

    /// True when `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.position(&key) {
            Ok(i) => self.get_mut_at(i).map(|old| std::mem::replace(old, value)),
            Err(i) => {
                let (mut keys, mut values) = self.take_parts();
                keys.insert(i, key);
                values.insert(i, value);
                *self = Properties::from_sorted(&keys, values);
                None
            }
        }
    }

    fn get_mut_at(&mut self, i: usize) -> Option<&mut Value> {
        self.filled.as_mut().and_then(|f| f.values.get_mut(i))
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key).ok()?;
        let (mut keys, mut values) = self.take_parts();
        keys.remove(i);
        let removed = values.remove(i);
        *self = Properties::from_sorted(&keys, values);
        Some(removed)
    }

    /// Keeps only the entries `keep` says yes to. A map that keeps every
    /// entry (the usual case: imports drop nulls, and rows rarely have
    /// any) is left as it is, with no allocation.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        let Some(filled) = self.filled.as_mut() else {
            return;
        };
        let keys = &filled.shape;
        let Some(first_dropped) = (0..keys.len()).find(|&i| !keep(&keys[i], &mut filled.values[i])) else {
            return;
        };
        // `keep` was asked about every entry up to the first it dropped;
        // ask it about the rest once each.
        let shape = Arc::clone(&filled.shape);
        let values = std::mem::take(&mut filled.values).into_vec();
        let mut kept_keys: Vec<&str> = Vec::with_capacity(values.len() - 1);
        let mut kept_values = Vec::with_capacity(values.len() - 1);
        for (i, mut value) in values.into_iter().enumerate() {
            let key = &shape[i];
            if i < first_dropped || (i > first_dropped && keep(key, &mut value)) {
                kept_keys.push(key);
                kept_values.push(value);
            }
        }
        *self = Properties::from_sorted(&kept_keys, kept_values);
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.filled = None;
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values_slice().len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.filled.is_none()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.keys_slice().iter().zip(self.values_slice()),
        }
    }

    /// The entries in key order, values changeable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.filled
            .iter_mut()
            .flat_map(|f| f.shape.iter().zip(f.values.iter_mut()))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.keys_slice().iter()
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.values_slice().iter()
    }

    /// Kept for callers that trimmed the entry vector this map once was:
    /// a shaped map never holds room to grow, so there is nothing to free.
    pub fn shrink_to_fit(&mut self) {}

    /// Takes the map apart into owned keys and values, leaving it empty.
    fn take_parts(&mut self) -> (Vec<String>, Vec<Value>) {
        match self.filled.take() {
            None => (Vec::new(), Vec::new()),
            Some(f) => (f.shape.to_vec(), f.values.into_vec()),
        }
    }

    /// The map of `keys` (sorted, distinct) to `values`, the same length.
    fn from_sorted<K: AsRef<str>>(keys: &[K], values: Vec<Value>) -> Properties {
        debug_assert_eq!(keys.len(), values.len());
        debug_assert!(keys.windows(2).all(|w| w[0].as_ref() < w[1].as_ref()));
        if values.is_empty() {
            return Properties::new();
        }
        Properties {
            filled: Some(Filled {
                shape: intern_names(keys.iter().map(AsRef::as_ref)),
                values: values.into_boxed_slice(),
            }),
        }
    }

    /// The map's keys as a [`Shape`].
    pub(crate) fn shape(&self) -> Shape {
        Shape(self.filled.as_ref().map(|f| Arc::clone(&f.shape)))
    }

    /// The map of `shape`'s keys to `values`, one each, in key order; `None`
    /// when the counts differ.
    pub(crate) fn with_shape(shape: &Shape, values: Vec<Value>) -> Option<Properties> {
        match &shape.0 {
            None => values.is_empty().then(Properties::new),
            Some(names) => (names.len() == values.len()).then(|| Properties {
                filled: Some(Filled {
                    shape: Arc::clone(names),
                    values: values.into_boxed_slice(),
                }),
            }),
        }
    }

    /// Builds the map from entries that may be in any order; a later entry
    /// for the same key wins, as with repeated inserts. Keys may be
    /// borrowed: a key already in a shape is not copied, and entries that
    /// arrive sorted (a stored page's, an import whose columns are sorted)
    /// cost one allocation, the values'.
    pub(crate) fn from_entries<K: AsRef<str>>(mut entries: Vec<(K, Value)>) -> Properties {
        let sorted = entries.windows(2).all(|w| w[0].0.as_ref() < w[1].0.as_ref());
        if !sorted {
            // A stable sort keeps equal keys in arrival order; reversed, the
            // last of each run comes first, which is the one dedup keeps.
            entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
            entries.reverse();
            entries.dedup_by(|later, kept| later.0.as_ref() == kept.0.as_ref());
            entries.reverse();
        }
        if entries.is_empty() {
            return Properties::new();
        }
        let shape = intern_names(entries.iter().map(|(k, _)| k.as_ref()));
        // Into a vector of its own, exactly sized: collecting would reuse
        // the entries' larger buffer in place and shrink it, which leaves a
        // freed sliver beside every map (60 MB of fragments at 1M events).
        let mut values = Vec::with_capacity(entries.len());
        values.extend(entries.into_iter().map(|(_, v)| v));
        let values = values.into_boxed_slice();
        Properties {
            filled: Some(Filled { shape, values }),
        }
    }
}

/// A set of property keys, interned, for building many maps of those keys
/// ([`Properties::with_shape`]): a stored page lists each set once.
#[derive(Clone, Debug)]
pub(crate) struct Shape(Option<Arc<Names>>);

impl Shape {
    /// The keys, sorted.
    pub(crate) fn keys(&self) -> &[String] {
        self.0.as_deref().map_or(&[], |names| names)
    }

    /// A number that is the same for every shape of the same keys (they
    /// are interned) while one of them lives, and 0 for no keys.
    pub(crate) fn identity(&self) -> usize {
        self.0.as_ref().map_or(0, |names| Arc::as_ptr(names) as usize)
    }

    /// The shape of these keys; `None` unless they are sorted and distinct,
    /// as a map's keys always are.
    pub(crate) fn of(keys: &[&str]) -> Option<Shape> {
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            return None;
        }
        Some(Shape(
            (!keys.is_empty()).then(|| intern_names(keys.iter().copied())),
        ))
    }

    /// How many keys.
    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |names| names.len())
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over `(&key, &value)` in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    inner: std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, Value>>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back()
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
    type IntoIter = std::iter::Zip<std::vec::IntoIter<String>, std::vec::IntoIter<Value>>;

    fn into_iter(mut self) -> Self::IntoIter {
        let (keys, values) = self.take_parts();
        keys.into_iter().zip(values)
    }
}

impl FromIterator<(String, Value)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Properties {
        Properties::from_entries(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Properties {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let (keys, values) = self.take_parts();
        let mut entries: Vec<(String, Value)> = keys.into_iter().zip(values).collect();
        entries.extend(iter);
        *self = Properties::from_entries(entries);
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
        let (keys, values): (Vec<String>, Vec<Value>) = map.into_iter().unzip();
        Properties::from_sorted(&keys, values)
    }
}

impl From<Properties> for BTreeMap<String, Value> {
    fn from(props: Properties) -> BTreeMap<String, Value> {
        props.into_iter().collect()
    }
}

impl Serialize for Properties {
    /// Encoded as a map, exactly as the `BTreeMap` it replaced, so stores
    /// written before read the same.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A key read by the decoder: borrowed from the input where the format
/// allows (postcard does), so a key already in a shape costs no
/// allocation.
struct DecodedKey<'de>(Cow<'de, str>);

impl AsRef<str> for DecodedKey<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DecodedKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DecodedKey<'de>, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = DecodedKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<DecodedKey<'de>, E> {
                Ok(DecodedKey(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> Result<DecodedKey<'de>, E> {
                Ok(DecodedKey(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E>(self, key: String) -> Result<DecodedKey<'de>, E> {
                Ok(DecodedKey(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

thread_local! {
    /// The shape this thread decoded last: a page of records of one kind
    /// repeats it, and a map whose keys match it takes it as it is.
    static LAST_SHAPE: RefCell<Option<Arc<Names>>> = const { RefCell::new(None) };
}

/// A key read against the key expected at its place (the last shape's).
struct ExpectedKey<'a>(Option<&'a str>);

/// A key read: the one expected, or another.
enum KeyRead<'de> {
    Same,
    New(DecodedKey<'de>),
}

impl<'de> DeserializeSeed<'de> for ExpectedKey<'_> {
    type Value = KeyRead<'de>;

    /// Asks for bytes: a key equal to the expected one needs no UTF-8
    /// check, which had been a tenth of decoding a node's properties.
    /// (Postcard writes a string and a byte string alike; self-describing
    /// formats hand a string's bytes to `visit_bytes`.)
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<KeyRead<'de>, D::Error> {
        deserializer.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for ExpectedKey<'_> {
    type Value = KeyRead<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_bytes<E: de::Error>(self, key: &'de [u8]) -> Result<KeyRead<'de>, E> {
        if self.0.is_some_and(|expected| expected.as_bytes() == key) {
            return Ok(KeyRead::Same);
        }
        let key = std::str::from_utf8(key).map_err(|_| E::custom("a property name is not UTF-8"))?;
        Ok(KeyRead::New(DecodedKey(Cow::Borrowed(key))))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<KeyRead<'de>, E> {
        if self.0.is_some_and(|expected| expected.as_bytes() == key) {
            return Ok(KeyRead::Same);
        }
        let key = std::str::from_utf8(key).map_err(|_| E::custom("a property name is not UTF-8"))?;
        Ok(KeyRead::New(DecodedKey(Cow::Owned(key.to_owned()))))
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<KeyRead<'de>, E> {
        self.visit_borrowed_bytes(key.as_bytes())
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<KeyRead<'de>, E> {
        self.visit_bytes(key.as_bytes())
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

            /// Reads the keys against the last shape decoded on this
            /// thread while they match it, collecting only the values;
            /// from the first key that differs, reads entries and interns
            /// their shape.
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Properties, A::Error> {
                let last = LAST_SHAPE.with_borrow(Clone::clone);
                let expected: &[String] = last.as_deref().map_or(&[], |names| names);
                // The size hint comes from the input: cap it so that a
                // damaged length cannot ask for a huge allocation.
                let hint = access.size_hint().unwrap_or(0).min(64);
                let mut values = Vec::with_capacity(hint);
                loop {
                    let expect = ExpectedKey(expected.get(values.len()).map(String::as_str));
                    match access.next_key_seed(expect)? {
                        None => break,
                        Some(KeyRead::Same) => values.push(access.next_value::<Value>()?),
                        Some(KeyRead::New(key)) => {
                            let mut entries: Vec<(DecodedKey<'de>, Value)> = expected
                                .iter()
                                .map(|k| DecodedKey(Cow::Owned(k.clone())))
                                .zip(values)
                                .collect();
                            entries.push((key, access.next_value()?));
                            while let Some(entry) = access.next_entry::<DecodedKey<'de>, Value>()? {
                                entries.push(entry);
                            }
                            return Ok(remember_shape(Properties::from_entries(entries)));
                        }
                    }
                }
                Ok(match last {
                    _ if values.is_empty() => Properties::new(),
                    Some(shape) if values.len() == shape.len() => Properties {
                        filled: Some(Filled {
                            shape,
                            values: values.into_boxed_slice(),
                        }),
                    },
                    // The first keys of the last shape, not all of them.
                    _ => {
                        let entries: Vec<(&str, Value)> =
                            expected.iter().map(String::as_str).zip(values).collect();
                        remember_shape(Properties::from_entries(entries))
                    }
                })
            }
        }

        deserializer.deserialize_map(PropertiesVisitor)
    }
}

/// Makes `props`' shape the one the next decoded map is read against.
fn remember_shape(props: Properties) -> Properties {
    if let Some(filled) = &props.filled {
        LAST_SHAPE.set(Some(Arc::clone(&filled.shape)));
    }
    props
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

    fn shape(p: &Properties) -> &Arc<Names> {
        &p.filled.as_ref().expect("a non-empty map").shape
    }

    #[test]
    fn maps_with_the_same_keys_share_one_shape() {
        let a = props(&[("kind", 1), ("date", 2)]);
        let b = props(&[("date", 3), ("kind", 4)]);
        assert!(Arc::ptr_eq(shape(&a), shape(&b)));
        // Decoded maps find the shape too, here by way of the shared table
        // from a thread whose recent shapes are empty.
        let bytes = postcard::to_allocvec(&a).expect("encode");
        let decoded = std::thread::spawn(move || postcard::from_bytes::<Properties>(&bytes).expect("decode"))
            .join()
            .expect("decoding thread");
        assert!(Arc::ptr_eq(shape(&a), shape(&decoded)));
        assert_eq!(decoded, a);
        // Another key set is another shape, and changing a map moves it.
        let mut c = props(&[("kind", 1)]);
        assert!(!Arc::ptr_eq(shape(&a), shape(&c)));
        c.insert("date".into(), Value::Int(9));
        assert!(Arc::ptr_eq(shape(&a), shape(&c)));
        assert_eq!(c.get("date"), Some(&Value::Int(9)));
    }

    #[test]
    fn emptied_maps_hold_no_shape_and_equal_the_empty_map() {
        let mut p = props(&[("a", 1), ("b", 2)]);
        p.retain(|k, _| k == "b");
        assert_eq!(p.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(p.remove("b"), Some(Value::Int(2)));
        assert!(p.is_empty());
        assert_eq!(p, Properties::new());
        assert_eq!(p.get("b"), None);
        assert_eq!(p.iter().count(), 0);
    }

    #[test]
    fn retain_asks_once_per_entry() {
        for drop_at in 0..4 {
            let mut p = props(&[("a", 0), ("b", 1), ("c", 2), ("d", 3)]);
            let mut asked = Vec::new();
            p.retain(|k, v| {
                asked.push(k.clone());
                *v != Value::Int(drop_at)
            });
            assert_eq!(asked, ["a", "b", "c", "d"]);
            assert_eq!(p.len(), 3);
            assert_eq!(p.get(["a", "b", "c", "d"][drop_at as usize]), None);
        }
    }

    #[test]
    fn a_shape_nobody_uses_is_freed() {
        // A key set no other test uses; the thread's recent shapes keep a
        // strong reference, so look at the table from a thread that ends.
        let weak = std::thread::spawn(|| {
            let p = props(&[("shape-freed-test-key", 1)]);
            Arc::downgrade(shape(&p))
        })
        .join()
        .expect("thread");
        assert_eq!(weak.strong_count(), 0);
    }

    #[test]
    fn values_change_in_place_and_extend_keeps_the_last_duplicate() {
        let mut p = props(&[("a", 1), ("b", 2)]);
        for (_, v) in p.iter_mut() {
            if let Value::Int(n) = v {
                *n *= 10;
            }
        }
        p.extend([("c".to_string(), Value::Int(3)), ("a".to_string(), Value::Int(4))]);
        let got: Vec<(String, Value)> = p.into_iter().collect();
        let want = [("a", 4), ("b", 20), ("c", 3)].map(|(k, v)| (k.to_string(), Value::Int(v)));
        assert_eq!(got, want);
    }

    proptest::proptest! {
        /// Any sequence of inserts, removals and retains leaves the shaped
        /// map equal to a `BTreeMap` given the same sequence, and encoded
        /// the same.
        #[test]
        fn any_edit_sequence_matches_a_btreemap(ops in proptest::collection::vec((0u8..3, 0u8..6, -3i64..3), 0..40)) {
            let mut ours = Properties::new();
            let mut theirs = BTreeMap::new();
            for (op, key, n) in ops {
                let key = format!("k{key}");
                match op {
                    0 => proptest::prop_assert_eq!(ours.insert(key.clone(), Value::Int(n)), theirs.insert(key, Value::Int(n))),
                    1 => proptest::prop_assert_eq!(ours.remove(&key), theirs.remove(&key)),
                    _ => {
                        ours.retain(|_, v| v != &Value::Int(n));
                        theirs.retain(|_, v| v != &Value::Int(n));
                    }
                }
                proptest::prop_assert_eq!(ours.iter().collect::<Vec<_>>(), theirs.iter().collect::<Vec<_>>());
                proptest::prop_assert_eq!(ours.is_empty(), theirs.is_empty());
            }
            let a = postcard::to_allocvec(&ours).expect("encode");
            proptest::prop_assert_eq!(&a, &postcard::to_allocvec(&theirs).expect("encode"));
            proptest::prop_assert_eq!(postcard::from_bytes::<Properties>(&a).expect("decode"), ours);
        }
    }

    proptest::proptest! {
        /// Maps decoded one after another, each read against the shape of
        /// the one before (the same keys, a prefix of them, others from
        /// some point on, none), come back as they were, in postcard and
        /// in JSON, and share a shape exactly when their keys are equal.
        #[test]
        fn a_run_of_decoded_maps_comes_back_whole(
            maps in proptest::collection::vec(proptest::collection::btree_map(0u8..5, -3i64..3, 0..5), 0..12),
        ) {
            let maps: Vec<Properties> = maps
                .into_iter()
                .map(|m| m.into_iter().map(|(k, v)| (format!("k{k}"), Value::Int(v))).collect())
                .collect();
            let mut decoded = Vec::new();
            for map in &maps {
                let bytes = postcard::to_allocvec(map).expect("encode");
                let back = postcard::from_bytes::<Properties>(&bytes).expect("decode");
                proptest::prop_assert_eq!(&back, map);
                let json = serde_json::to_string(map).expect("json");
                proptest::prop_assert_eq!(&serde_json::from_str::<Properties>(&json).expect("json"), map);
                decoded.push(back);
            }
            for pair in decoded.windows(2) {
                let same_keys = pair[0].keys().eq(pair[1].keys());
                let shared = match (&pair[0].filled, &pair[1].filled) {
                    (Some(a), Some(b)) => Arc::ptr_eq(&a.shape, &b.shape),
                    _ => same_keys,
                };
                proptest::prop_assert_eq!(shared, same_keys);
            }
        }
    }

    #[test]
    fn a_key_that_is_not_utf8_is_refused() {
        // {"k1": 1} then the key's second byte made invalid.
        let mut bytes = postcard::to_allocvec(&props(&[("k1", 1)])).expect("encode");
        assert_eq!(&bytes[..4], &[1, 2, b'k', b'1']);
        bytes[3] = 0xff;
        assert!(postcard::from_bytes::<Properties>(&bytes).is_err());
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
