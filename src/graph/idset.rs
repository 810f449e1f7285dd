//! Sets of node ids, ascending: the label index.
//!
//! A label's nodes were a `BTreeSet<NodeId>`: about 16 bytes a member, and
//! a descent through the tree for every node a store load adds (a twentieth
//! of opening the million-event store). Ids the store hands out are dense,
//! and a label usually holds a fair share of them, so a set switches to a
//! bitmap over ids once the bitmap is no bigger than the tree would be
//! (its largest id at most [`BITS_PER_MEMBER`] times its size). A set of a
//! few members among large ids stays a tree.

use crate::model::NodeId;
use std::collections::BTreeSet;

/// A bitmap is chosen when it spends at most this many bits per member:
/// about what a tree of ids costs (16 bytes a member).
const BITS_PER_MEMBER: u64 = 128;

/// Smaller sets stay trees: a bitmap from id 0 would not pay yet.
const MIN_DENSE: usize = 64;

#[derive(Clone, Debug)]
enum Repr {
    Sparse(BTreeSet<u64>),
    /// Bit `id % 64` of word `id / 64` is set when `id` is a member.
    Dense(Vec<u64>),
}

/// A set of node ids, iterated in ascending order.
#[derive(Clone, Debug)]
pub(super) struct IdSet {
    repr: Repr,
    len: usize,
}

impl Default for IdSet {
    fn default() -> IdSet {
        IdSet {
            repr: Repr::Sparse(BTreeSet::new()),
            len: 0,
        }
    }
}

impl IdSet {
    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when `id` is a member.
    pub fn contains(&self, id: NodeId) -> bool {
        match &self.repr {
            Repr::Sparse(set) => set.contains(&id.0),
            Repr::Dense(words) => word_and_bit(id.0)
                .and_then(|(word, bit)| words.get(word).map(|w| w & bit != 0))
                .unwrap_or(false),
        }
    }

    /// Adds `id`; false when it was a member already.
    pub fn insert(&mut self, id: NodeId) -> bool {
        let added = match &mut self.repr {
            Repr::Sparse(set) => set.insert(id.0),
            Repr::Dense(words) => match word_and_bit(id.0) {
                // Within the bitmap, or growing it while it still pays.
                Some((word, bit))
                    if word < words.len() || id.0 <= BITS_PER_MEMBER * (self.len as u64 + 1) =>
                {
                    if words.len() <= word {
                        words.resize(word + 1, 0);
                    }
                    let added = words[word] & bit == 0;
                    words[word] |= bit;
                    added
                }
                // Far beyond the members: the bitmap would not pay.
                _ => {
                    let mut set: BTreeSet<u64> = self.iter().map(|id| id.0).collect();
                    let added = set.insert(id.0);
                    self.repr = Repr::Sparse(set);
                    added
                }
            },
        };
        if added {
            self.len += 1;
            self.densify_if_it_pays();
        }
        added
    }

    /// Takes `id` out; false when it was not a member.
    pub fn remove(&mut self, id: NodeId) -> bool {
        let removed = match &mut self.repr {
            Repr::Sparse(set) => set.remove(&id.0),
            Repr::Dense(words) => match word_and_bit(id.0) {
                Some((word, bit)) if words.get(word).is_some_and(|w| w & bit != 0) => {
                    words[word] &= !bit;
                    true
                }
                _ => false,
            },
        };
        if removed {
            self.len -= 1;
        }
        removed
    }

    /// The members, ascending.
    pub fn iter(&self) -> IdSetIter<'_> {
        match &self.repr {
            Repr::Sparse(set) => IdSetIter::Sparse(set.iter()),
            Repr::Dense(words) => IdSetIter::Dense {
                words,
                next_word: 0,
                current: 0,
                base: 0,
            },
        }
    }

    fn densify_if_it_pays(&mut self) {
        let Repr::Sparse(set) = &self.repr else {
            return;
        };
        let max = set.last().copied().unwrap_or(0);
        if self.len < MIN_DENSE || max > BITS_PER_MEMBER * self.len as u64 {
            return;
        }
        let Some((last_word, _)) = word_and_bit(max) else {
            return;
        };
        let mut words = vec![0u64; last_word + 1];
        for id in set {
            if let Some((word, bit)) = word_and_bit(*id) {
                words[word] |= bit;
            }
        }
        self.repr = Repr::Dense(words);
    }
}

/// The word and the bit of `id` in a bitmap (none for ids beyond memory).
fn word_and_bit(id: u64) -> Option<(usize, u64)> {
    Some((usize::try_from(id / 64).ok()?, 1 << (id % 64)))
}

/// The iterator of [`IdSet::iter`].
pub(super) enum IdSetIter<'a> {
    Sparse(std::collections::btree_set::Iter<'a, u64>),
    Dense {
        words: &'a [u64],
        /// The next word to load.
        next_word: usize,
        /// The bits of the current word not yet yielded.
        current: u64,
        /// The id of bit 0 of the current word.
        base: u64,
    },
}

impl Iterator for IdSetIter<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        match self {
            IdSetIter::Sparse(iter) => iter.next().map(|id| NodeId(*id)),
            IdSetIter::Dense {
                words,
                next_word,
                current,
                base,
            } => {
                while *current == 0 {
                    *current = *words.get(*next_word)?;
                    *base = *next_word as u64 * 64;
                    *next_word += 1;
                }
                let bit = current.trailing_zeros();
                *current &= *current - 1;
                Some(NodeId(*base + u64::from(bit)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(set: &IdSet) -> Vec<u64> {
        set.iter().map(|id| id.0).collect()
    }

    #[test]
    fn a_dense_run_becomes_a_bitmap_and_a_far_id_a_tree_again() {
        let mut set = IdSet::default();
        for id in 1..=1000 {
            assert!(set.insert(NodeId(id)));
        }
        assert!(matches!(set.repr, Repr::Dense(_)));
        assert!(!set.insert(NodeId(500)));
        assert!(set.contains(NodeId(1000)) && !set.contains(NodeId(1001)) && !set.contains(NodeId(0)));
        assert_eq!(set.len(), 1000);
        // An id far past the members would make the bitmap mostly holes.
        assert!(set.insert(NodeId(1 << 40)));
        assert!(matches!(set.repr, Repr::Sparse(_)));
        assert_eq!(set.len(), 1001);
        assert_eq!(ids(&set).last(), Some(&(1 << 40)));
        assert!(set.remove(NodeId(1 << 40)));
        assert!(!set.remove(NodeId(1 << 40)));
        assert_eq!(ids(&set), (1..=1000).collect::<Vec<_>>());
    }

    #[test]
    fn a_few_members_among_large_ids_stay_a_tree() {
        let mut set = IdSet::default();
        for id in 0..100 {
            set.insert(NodeId(1_000_000 + id * 1000));
        }
        assert!(matches!(set.repr, Repr::Sparse(_)));
        assert_eq!(set.len(), 100);
        assert!(set.contains(NodeId(1_099_000)));
    }

    #[test]
    fn the_largest_ids_do_not_overflow() {
        let mut set = IdSet::default();
        for id in (u64::MAX - 200)..=u64::MAX {
            set.insert(NodeId(id));
        }
        assert_eq!(set.len(), 201);
        assert!(set.contains(NodeId(u64::MAX)));
        assert_eq!(ids(&set).first(), Some(&(u64::MAX - 200)));
    }

    proptest! {
        /// Any sequence of inserts and removes leaves the set, its length
        /// and its order as a `BTreeSet`'s.
        #[test]
        fn behaves_like_a_btree_set(
            ops in proptest::collection::vec((any::<bool>(), 0u64..5000, 0u8..8), 0..600),
        ) {
            let mut set = IdSet::default();
            let mut reference = BTreeSet::new();
            for (insert, id, scale) in ops {
                // Mostly small ids, now and then a far one.
                let id = if scale == 0 { id << 20 } else { id };
                if insert {
                    prop_assert_eq!(set.insert(NodeId(id)), reference.insert(id));
                } else {
                    prop_assert_eq!(set.remove(NodeId(id)), reference.remove(&id));
                }
                prop_assert_eq!(set.len(), reference.len());
                prop_assert_eq!(set.contains(NodeId(id)), reference.contains(&id));
            }
            prop_assert_eq!(ids(&set), reference.into_iter().collect::<Vec<_>>());
        }
    }
}
