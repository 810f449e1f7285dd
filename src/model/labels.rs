//! A node's labels as one shared, interned list.

use super::intern::{Names, intern_names};
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A node's labels, in the order they were added: an immutable list that
/// every node with the same labels shares.
///
/// A store holds a few distinct label lists and millions of nodes: on the
/// million-event set, 2.1 million nodes, nearly all with one label
/// (`Event`, `Actor`, …). As a `Vec<String>` each node paid a 24-byte
/// vector plus two heap blocks (the vector's buffer and the label's string,
/// about 64 bytes with the allocator's overhead), and opening the store
/// made those two allocations per node. Here a node holds one pointer (8
/// bytes; `Node` went from 104 to 88 bytes) to a list interned by
/// `model::intern` (shared with every equal list, freed with the last node
/// holding it), and decoding a node compares its labels with the last list
/// read instead of allocating. Opening the store (`attest stats`, peak RSS):
/// 2362 → 2198 MB at a million events, 245 → 229 MB at 100k; the 100k open
/// runs 2.54G → 2.34G instructions.
///
/// It derefs to `[String]`, so it reads as a slice (`iter`, `contains`,
/// `len`, indexing, `first`); the few edits (`push`, `retain`, `insert`,
/// `remove`, `clear`) build the new list and intern it, leaving other nodes
/// that shared the old one as they were. The empty list allocates nothing.
/// It serializes exactly as `Vec<String>` does (a sequence of strings), so
/// stores read and write the same bytes as before.
///
/// ```
/// use attest::model::Labels;
///
/// let mut a = Labels::from(vec!["Event".to_string()]);
/// let b: Labels = ["Event".to_string()].into_iter().collect();
/// assert_eq!(a, b);
/// assert!(a.contains(&"Event".to_string()));
/// a.push("Protest".into());
/// assert_eq!(a, ["Event", "Protest"]);
/// assert_eq!(b.len(), 1);
/// ```
#[derive(Clone, Default)]
pub struct Labels(Option<Arc<Names>>);

thread_local! {
    /// The list this thread made or read last: consecutive nodes nearly
    /// always carry the same labels, and a hit here takes no lock and no
    /// hash.
    static LAST: RefCell<Labels> = const { RefCell::new(Labels::new()) };
}

impl Labels {
    /// No labels.
    pub const fn new() -> Labels {
        Labels(None)
    }

    /// The labels as a slice.
    pub fn as_slice(&self) -> &[String] {
        match &self.0 {
            Some(list) => list,
            None => &[],
        }
    }

    /// A number that is the same for every list of the same labels in
    /// the same order (they are interned) while one of them lives, and 0
    /// for no labels.
    pub(crate) fn identity(&self) -> usize {
        self.0.as_ref().map_or(0, |names| Arc::as_ptr(names) as usize)
    }

    /// True if `self` and `other` are the same interned list (equal lists
    /// always are, except that the empty list is no allocation at all).
    pub fn ptr_eq(&self, other: &Labels) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// Adds `label` at the end (no check that it is new, as with a vector).
    pub fn push(&mut self, label: String) {
        self.edit(|names| names.push(label));
    }

    /// Keeps only the labels `keep` accepts, in order; asks it once per
    /// label, and copies nothing when it keeps them all.
    pub fn retain(&mut self, mut keep: impl FnMut(&String) -> bool) {
        let Some(drop) = self.iter().position(|l| !keep(l)) else {
            return;
        };
        let names = self[..drop]
            .iter()
            .chain(self[drop + 1..].iter().filter(|l| keep(l)));
        *self = Labels::from(names.cloned().collect::<Vec<String>>());
    }

    /// Inserts `label` at `index`, shifting the ones after it.
    ///
    /// # Panics
    /// If `index > len`, as `Vec::insert` does.
    pub fn insert(&mut self, index: usize, label: String) {
        self.edit(|names| names.insert(index, label));
    }

    /// Removes and returns the label at `index`.
    ///
    /// # Panics
    /// If `index` is out of bounds, as `Vec::remove` does.
    pub fn remove(&mut self, index: usize) -> String {
        let mut removed = String::new();
        self.edit(|names| removed = names.remove(index));
        removed
    }

    /// Removes every label.
    pub fn clear(&mut self) {
        self.0 = None;
    }

    /// Applies `change` to a copy of the list and interns the result.
    fn edit(&mut self, change: impl FnOnce(&mut Vec<String>)) {
        let mut names = self.to_vec();
        change(&mut names);
        *self = Labels::from(names);
    }

    /// The interned list equal to `names`: the last one this thread used
    /// if it matches, else the one `model::intern` keeps, made if new.
    fn intern<S: AsRef<str>>(names: &[S]) -> Labels {
        if names.is_empty() {
            return Labels::new();
        }
        let same =
            |last: &Labels| last.len() == names.len() && last.iter().zip(names).all(|(a, b)| a == b.as_ref());
        if let Some(last) = LAST.with_borrow(|last| same(last).then(|| last.clone())) {
            return last;
        }
        let labels = Labels(Some(intern_names(names.iter().map(AsRef::as_ref))));
        LAST.set(labels.clone());
        labels
    }
}

impl Deref for Labels {
    type Target = [String];

    fn deref(&self) -> &[String] {
        self.as_slice()
    }
}

impl AsRef<[String]> for Labels {
    fn as_ref(&self) -> &[String] {
        self.as_slice()
    }
}

impl Borrow<[String]> for Labels {
    fn borrow(&self) -> &[String] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl From<Vec<String>> for Labels {
    fn from(names: Vec<String>) -> Labels {
        Labels::intern(&names)
    }
}

impl From<&[String]> for Labels {
    fn from(names: &[String]) -> Labels {
        Labels::intern(names)
    }
}

impl From<&[&str]> for Labels {
    fn from(names: &[&str]) -> Labels {
        Labels::intern(names)
    }
}

impl<const N: usize> From<[&str; N]> for Labels {
    fn from(names: [&str; N]) -> Labels {
        Labels::intern(&names)
    }
}

impl From<Labels> for Vec<String> {
    fn from(labels: Labels) -> Vec<String> {
        labels.to_vec()
    }
}

impl FromIterator<String> for Labels {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Labels {
        Labels::intern(&names.into_iter().collect::<Vec<_>>())
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Labels) -> bool {
        self.ptr_eq(other) || self.as_slice() == other.as_slice()
    }
}

impl Eq for Labels {}

impl Hash for Labels {
    /// Hashes as the slice does, so that maps keyed by labels can be asked
    /// by slice (see the `Borrow<[String]>` impl).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl PartialEq<[String]> for Labels {
    fn eq(&self, other: &[String]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<Vec<String>> for Labels {
    fn eq(&self, other: &Vec<String>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Labels> for Vec<String> {
    fn eq(&self, other: &Labels) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Labels> for [String] {
    fn eq(&self, other: &Labels) -> bool {
        self == other.as_slice()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Labels {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Exactly as `Vec<String>` serializes.
        self.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Labels, D::Error> {
        deserializer.deserialize_seq(LabelsVisitor)
    }
}

/// The most room a decoded list reserves ahead on the word of its input.
const MAX_LABELS_HINT: usize = 16;

struct LabelsVisitor;

impl<'de> Visitor<'de> for LabelsVisitor {
    type Value = Labels;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of label names")
    }

    /// Reads the names, comparing each with the same place in the list this
    /// thread used last, and allocates only from the first that differs:
    /// reading a page of nodes with the same labels allocates nothing.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Labels, A::Error> {
        let last = LAST.with_borrow(Labels::clone);
        let expected = last.as_slice();
        let mut matched = 0;
        let mut names: Option<Vec<String>> = None;
        loop {
            match &mut names {
                None => match seq.next_element_seed(Name(expected.get(matched).map(String::as_str)))? {
                    None => break,
                    Some(NameRead::Same) => matched += 1,
                    Some(NameRead::New(name)) => {
                        // The hint comes from the input: capped, so that a damaged
                        // length cannot ask for a huge allocation.
                        let more = seq.size_hint().unwrap_or(0).min(MAX_LABELS_HINT);
                        let mut v = Vec::with_capacity(matched + 1 + more);
                        v.extend_from_slice(&expected[..matched]);
                        v.push(name);
                        names = Some(v);
                    }
                },
                Some(v) => match seq.next_element::<String>()? {
                    None => break,
                    Some(name) => v.push(name),
                },
            }
        }
        Ok(match names {
            Some(names) => Labels::intern(&names),
            None if matched == expected.len() => last,
            None => Labels::intern(&expected[..matched]),
        })
    }
}

/// One name, compared with the one expected there.
struct Name<'a>(Option<&'a str>);

/// A name read: the one expected, or another.
enum NameRead {
    Same,
    New(String),
}

impl<'de> DeserializeSeed<'de> for Name<'_> {
    type Value = NameRead;

    /// Asks for bytes: a name equal to the expected one needs no UTF-8
    /// check. (Postcard writes a string and a byte string alike;
    /// self-describing formats hand a string's bytes to `visit_bytes`.)
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<NameRead, D::Error> {
        deserializer.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for Name<'_> {
    type Value = NameRead;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label name")
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<NameRead, E> {
        if self.0.is_some_and(|expected| expected.as_bytes() == name) {
            return Ok(NameRead::Same);
        }
        match std::str::from_utf8(name) {
            Ok(name) => Ok(NameRead::New(name.to_string())),
            Err(_) => Err(E::custom("a label name is not UTF-8")),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<NameRead, E> {
        self.visit_str(name)
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<NameRead, E> {
        Ok(if self.0 == Some(name) {
            NameRead::Same
        } else {
            NameRead::New(name.to_string())
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<NameRead, E> {
        Ok(if self.0 == Some(name.as_str()) {
            NameRead::Same
        } else {
            NameRead::New(name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_name_that_is_not_utf8_is_refused() {
        for first in ["Actor", "Place"] {
            // Decoded once, the first name becomes the expected one.
            let bytes = postcard::to_allocvec(&Labels::from([first, "Event"])).unwrap();
            let back: Labels = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.as_slice(), names(&[first, "Event"]));
            let mut broken = bytes.clone();
            let last = broken.len() - 1;
            broken[last] = 0xff;
            assert!(postcard::from_bytes::<Labels>(&broken).is_err());
        }
    }

    /// Yields one name but claims, as a damaged length would, to hold
    /// half the address space.
    struct Claims(Option<&'static str>);

    impl Iterator for Claims {
        type Item = &'static str;
        fn next(&mut self) -> Option<&'static str> {
            self.0.take()
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (usize::MAX / 2, Some(usize::MAX / 2))
        }
    }

    #[test]
    fn a_claimed_length_does_not_size_the_allocation() {
        use serde::de::value::{Error, SeqDeserializer};
        let input = SeqDeserializer::<_, Error>::new(Claims(Some("Zzz-not-the-last-list")));
        // The iterator ends early, which the deserializer reports; what
        // matters is that no allocation of the claimed size was tried.
        let read = Labels::deserialize(input);
        assert!(read.is_err() || read.is_ok_and(|l| l == ["Zzz-not-the-last-list"]));
    }

    #[test]
    fn encodes_exactly_as_a_vector_of_strings() {
        for list in [&[][..], &["Event"], &["Actor", "Person", "Événement"]] {
            let vec = names(list);
            let labels = Labels::from(vec.clone());
            let bytes = postcard::to_allocvec(&labels).unwrap();
            assert_eq!(bytes, postcard::to_allocvec(&vec).unwrap());
            assert_eq!(postcard::from_bytes::<Labels>(&bytes).unwrap(), vec);
            let json = serde_json::to_string(&labels).unwrap();
            assert_eq!(json, serde_json::to_string(&vec).unwrap());
            assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), vec);
            // Owned strings too (a reader the input cannot be borrowed from).
            let from_reader: Labels = serde_json::from_reader(json.as_bytes()).unwrap();
            assert_eq!(from_reader, vec);
        }
        // Not a sequence of strings: refused as a vector would refuse it.
        assert!(serde_json::from_str::<Labels>(r#"["A", 1]"#).is_err());
        assert!(serde_json::from_str::<Labels>(r#"["A", "B", 1]"#).is_err());
    }

    /// A node record as format 2 wrote it, labels a plain vector.
    #[derive(Serialize, Deserialize)]
    struct VecNode {
        id: crate::model::NodeId,
        labels: Vec<String>,
        properties: crate::model::Properties,
        sources: Vec<crate::model::Source>,
        key: Option<String>,
    }

    #[test]
    fn nodes_encode_as_they_did_with_a_vector() {
        let old = VecNode {
            id: crate::model::NodeId(9),
            labels: names(&["Event", "Protest"]),
            properties: [("kind".to_string(), crate::model::Value::from("march"))]
                .into_iter()
                .collect(),
            sources: vec![crate::model::Source::sentence("doc", 1)],
            key: Some("k".into()),
        };
        let bytes = postcard::to_allocvec(&vec![&old, &old]).unwrap();
        let nodes: Vec<crate::model::Node> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(nodes[0].labels, old.labels);
        assert!(nodes[0].labels.ptr_eq(&nodes[1].labels));
        assert_eq!(
            postcard::to_allocvec(&nodes.iter().collect::<Vec<_>>()).unwrap(),
            bytes
        );
    }

    #[test]
    fn equal_lists_share_one_allocation() {
        let a = Labels::from(names(&["Shared", "Twice"]));
        // From another thread, past its empty caches, from the shared table.
        let b = std::thread::spawn(|| Labels::from(names(&["Shared", "Twice"])))
            .join()
            .unwrap();
        assert!(a.ptr_eq(&b));
        assert!(Arc::ptr_eq(a.0.as_ref().unwrap(), b.0.as_ref().unwrap()));
        // Read from bytes, with another list read in between.
        let bytes = postcard::to_allocvec(&a).unwrap();
        let _other = Labels::from(names(&["Other"]));
        let c: Labels = postcard::from_bytes(&bytes).unwrap();
        let d: Labels = postcard::from_bytes(&bytes).unwrap();
        assert!(c.ptr_eq(&a) && d.ptr_eq(&a));
        // A prefix of the last list, and a list longer than it.
        let prefix: Labels =
            postcard::from_bytes(&postcard::to_allocvec(&names(&["Shared"])).unwrap()).unwrap();
        assert_eq!(prefix, ["Shared"]);
        let longer = names(&["Shared", "Twice", "Thrice"]);
        let e: Labels = postcard::from_bytes(&postcard::to_allocvec(&longer).unwrap()).unwrap();
        assert_eq!(e, longer);
        assert!(e.ptr_eq(&Labels::from(longer)));
        assert!(Labels::new().ptr_eq(&Labels::from(Vec::new())));
    }

    #[test]
    fn is_one_thin_pointer() {
        assert_eq!(std::mem::size_of::<Labels>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn edits_copy_and_keep_order() {
        let shared = Labels::from(names(&["A", "B"]));
        let mut l = shared.clone();
        l.push("C".into());
        assert_eq!(l, ["A", "B", "C"]);
        assert_eq!(shared, ["A", "B"]);
        l.retain(|x| x != "B");
        assert_eq!(l, ["A", "C"]);
        l.insert(1, "B".into());
        assert_eq!(l, ["A", "B", "C"]);
        assert!(l.ptr_eq(&Labels::from(names(&["A", "B", "C"]))));
        assert_eq!(l.remove(0), "A");
        assert_eq!(l, ["B", "C"]);
        let before = l.clone();
        l.retain(|_| true);
        assert!(l.ptr_eq(&before));
        l.clear();
        assert!(l.is_empty() && l == Labels::new());
        assert_eq!(format!("{:?}", shared), format!("{:?}", names(&["A", "B"])));
        let collected: Labels = names(&["A", "B"]).into_iter().collect();
        assert_eq!(collected, shared);
        let mut seen = Vec::new();
        for label in &shared {
            seen.push(label.as_str());
        }
        assert_eq!(seen, ["A", "B"]);
        assert_eq!(shared.first().map(String::as_str), Some("A"));
        assert_eq!(&shared[1], "B");
    }
}
