//! Storage: an ordered key-value engine behind a small trait.
//!
//! This layer owns bytes on disk and nothing else: it knows keys and values,
//! not nodes, labels or queries. Two engines implement [`Engine`]: sled (the
//! durable store) and an in-memory B-tree (for `--memory`, tests and
//! conformance runs). Both pass one shared test suite. Nothing above this
//! layer names sled. It calls only `crate::error`.
//!
//! # Contract
//! - [`Engine::apply`] applies a [`WriteBatch`] atomically: after a crash,
//!   either every operation of the batch is visible or none is.
//! - A batch is *durable* once [`Engine::flush`] has returned after it; the
//!   graph layer flushes on every commit (bulk import may defer, documented).
//! - Scans return keys in ascending byte order.
//! - A scan is not a snapshot: it may or may not see batches applied while it
//!   runs, but it never sees half of one batch's effect on a single key, and
//!   applying a batch while a scan is open never deadlocks.
//! - Engines never panic on what they are given: errors come back as
//!   [`Error::Storage`](crate::Error::Storage) (the engine failed),
//!   [`Error::Io`](crate::Error::Io) (a file could not be read or written),
//!   [`Error::Format`](crate::Error::Format) (the path is not a store) or
//!   [`Error::Locked`](crate::Error::Locked) (another process has it open).
//!
//! # Example
//! ```
//! use attest::storage::{Engine, MemoryEngine, WriteBatch};
//!
//! let engine = MemoryEngine::new();
//! let mut batch = WriteBatch::new();
//! batch.put(b"node/1".to_vec(), b"Carter".to_vec());
//! batch.put(b"node/2".to_vec(), b"Begin".to_vec());
//! batch.put(b"rel/1".to_vec(), b"met".to_vec());
//! engine.apply(batch)?;
//! engine.flush()?;
//!
//! let nodes: Vec<_> = engine.scan_prefix(b"node/").collect::<Result<_, _>>()?;
//! assert_eq!(nodes.len(), 2);
//! assert_eq!(engine.get(b"rel/1")?, Some(b"met".to_vec()));
//! # Ok::<(), attest::Error>(())
//! ```

mod memory;
mod sled_engine;

pub use memory::MemoryEngine;
pub use sled_engine::{SledEngine, SledOptions};

/// Opens (or creates) the durable store at `path` with default options.
/// Layers above storage call this rather than naming the engine, so the
/// on-disk engine can change behind the trait.
pub fn open_on_disk(path: &std::path::Path) -> Result<Box<dyn Engine>> {
    Ok(Box::new(SledEngine::open(path)?))
}

/// Opens the existing durable store at `path` for reading only: a
/// consistent in-memory copy of the whole store as of this moment, taken
/// without keeping the files open, so that several read-only opens (in this
/// process or others) can share one store. Later writes to the store are not
/// seen. Layers above storage call this rather than naming the engine.
///
/// # Errors
/// [`Error::Locked`](crate::Error::Locked) while a writer has the store
/// open; [`Error::Format`](crate::Error::Format) or
/// [`Error::Io`](crate::Error::Io) when `path` holds no readable store.
///
/// ```
/// use attest::storage::{open_on_disk, open_read_snapshot, WriteBatch};
///
/// let dir = tempfile::tempdir().unwrap();
/// {
///     let engine = open_on_disk(dir.path())?;
///     let mut batch = WriteBatch::new();
///     batch.put(*b"k", *b"v");
///     engine.apply(batch)?;
///     engine.flush()?;
/// }
/// let first = open_read_snapshot(dir.path())?;
/// let second = open_read_snapshot(dir.path())?; // readers share
/// assert_eq!(first.get(b"k")?, Some(b"v".to_vec()));
/// assert_eq!(second.get(b"k")?, Some(b"v".to_vec()));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn open_read_snapshot(path: &std::path::Path) -> Result<Box<dyn Engine>> {
    Ok(Box::new(SledEngine::read_snapshot(path)?))
}

use crate::error::Result;

/// One `(key, value)` pair as scans yield it.
pub type KeyValue = (Vec<u8>, Vec<u8>);

/// An ordered key-value store with atomic batches: what the graph layer
/// needs from disk, and nothing more.
///
/// Keys and values are arbitrary bytes; keys sort as byte strings. Writes go
/// through [`WriteBatch`] only, so every write the graph layer makes is
/// all-or-nothing.
///
/// ```
/// use attest::storage::{Engine, MemoryEngine, WriteBatch};
///
/// // Code above the storage layer holds a `dyn Engine` and never knows which.
/// fn count(engine: &dyn Engine, prefix: &[u8]) -> attest::Result<usize> {
///     engine.scan_prefix(prefix).try_fold(0, |n, pair| pair.map(|_| n + 1))
/// }
///
/// let engine = MemoryEngine::new();
/// let mut batch = WriteBatch::new();
/// batch.put(*b"a1", *b"x");
/// batch.put(*b"a2", *b"y");
/// batch.put(*b"b1", *b"z");
/// engine.apply(batch)?;
/// assert_eq!(count(&engine, b"a")?, 2);
/// assert_eq!(engine.name(), "memory");
/// # Ok::<(), attest::Error>(())
/// ```
pub trait Engine: Send + Sync {
    /// Value stored under key.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>>;

    /// All (key, value) pairs whose key starts with prefix, ascending by key.
    /// The empty prefix scans the whole store.
    fn scan_prefix<'a>(&'a self, prefix: &[u8]) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a>;

    /// Pairs with start <= key < end (end None = unbounded), ascending.
    /// An `end` at or before `start` gives an empty scan.
    fn scan_range<'a>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a>;

    /// Applies every operation of the batch atomically (all or nothing, also across a crash).
    fn apply(&self, batch: WriteBatch) -> Result<()>;

    /// Makes every applied batch durable (fsync). Returns when it is on disk.
    fn flush(&self) -> Result<()>;

    /// Bytes used on disk (apparent size of the store's files); 0 for memory.
    fn size_on_disk(&self) -> Result<u64>;

    /// A short name for messages: "sled" or "memory".
    fn name(&self) -> &'static str;

    /// Drops what the engine keeps in memory of what it has read, by
    /// closing and reopening it if need be; nothing on disk changes. sled
    /// keeps every page a scan reads until the database is closed, whatever
    /// its cache capacity: opening a million-event store left about 200 MB
    /// of them resident. A store being loaded calls this between stretches
    /// of its scan, so that what it builds reuses that memory. Taking
    /// `&mut self` ensures no scan is in flight. The default does nothing.
    fn release_cache(&mut self) -> Result<()> {
        Ok(())
    }

    /// Where the layers above may keep a file of their own beside the
    /// store (a cache they can rebuild from it): `None`, the default,
    /// when the store has no directory of its own.
    fn side_file(&self, name: &str) -> Option<std::path::PathBuf> {
        let _ = name;
        None
    }
}

/// One operation of a [`WriteBatch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchOp {
    /// Store `value` under `key`, replacing any previous value.
    Put {
        /// The key written.
        key: Vec<u8>,
        /// The bytes stored under it.
        value: Vec<u8>,
    },
    /// Remove `key`; deleting a missing key is not an error.
    Delete {
        /// The key removed.
        key: Vec<u8>,
    },
}

/// An ordered list of puts and deletes that an [`Engine`] applies as one
/// atomic unit. When several operations touch the same key, the last one wins.
///
/// ```
/// use attest::storage::{Engine, MemoryEngine, WriteBatch};
///
/// let mut batch = WriteBatch::new();
/// batch.put(*b"k", *b"first");
/// batch.delete(*b"k");
/// batch.put(*b"k", *b"last");
/// assert_eq!(batch.len(), 3);
///
/// let engine = MemoryEngine::new();
/// engine.apply(batch)?;
/// assert_eq!(engine.get(b"k")?, Some(b"last".to_vec()));
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<BatchOp>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> WriteBatch {
        WriteBatch::default()
    }

    /// Appends: store `value` under `key`.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push(BatchOp::Put {
            key: key.into(),
            value: value.into(),
        });
    }

    /// Appends: remove `key`.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) {
        self.ops.push(BatchOp::Delete { key: key.into() });
    }

    /// The number of operations (not of distinct keys).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True if the batch holds no operation.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Appends every operation of `other` after this batch's own, so that
    /// `other` wins where both touch a key.
    ///
    /// ```
    /// use attest::storage::WriteBatch;
    ///
    /// let mut a = WriteBatch::new();
    /// a.put(*b"k", *b"old");
    /// let mut b = WriteBatch::new();
    /// b.put(*b"k", *b"new");
    /// a.merge(b);
    /// assert_eq!(a.len(), 2);
    /// ```
    pub fn merge(&mut self, other: WriteBatch) {
        self.ops.extend(other.ops);
    }
}

impl IntoIterator for WriteBatch {
    type Item = BatchOp;
    type IntoIter = std::vec::IntoIter<BatchOp>;

    /// The operations, in the order they were added.
    fn into_iter(self) -> Self::IntoIter {
        self.ops.into_iter()
    }
}

/// The smallest key greater than every key starting with `prefix`, or `None`
/// when no such key exists (the prefix is empty or all `0xFF`), in which case
/// a prefix scan runs to the end of the store.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    // Trailing 0xFF bytes cannot be incremented: `ab\xFF` is followed by `ac`.
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// True if the half-open range `[start, end)` holds no key, which scans
/// check first because `BTreeMap::range` panics on a reversed range.
fn is_empty_range(start: &[u8], end: Option<&[u8]>) -> bool {
    end.is_some_and(|end| end <= start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_skips_trailing_ff() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xFF, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None);
        assert_eq!(prefix_end(b""), None);
    }

    #[test]
    fn merge_keeps_order_so_the_other_batch_wins() {
        let mut a = WriteBatch::new();
        a.put(*b"k", *b"1");
        let mut b = WriteBatch::new();
        b.delete(*b"k");
        a.merge(b);
        let ops: Vec<_> = a.into_iter().collect();
        assert_eq!(
            ops,
            vec![
                BatchOp::Put {
                    key: b"k".to_vec(),
                    value: b"1".to_vec()
                },
                BatchOp::Delete { key: b"k".to_vec() },
            ]
        );
    }

    #[test]
    fn reversed_and_empty_ranges_are_empty() {
        assert!(is_empty_range(b"b", Some(b"a")));
        assert!(is_empty_range(b"a", Some(b"a")));
        assert!(!is_empty_range(b"a", Some(b"b")));
        assert!(!is_empty_range(b"a", None));
    }
}
