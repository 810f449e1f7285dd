//! The in-memory engine: a `BTreeMap` behind a lock, for `--memory` stores,
//! tests and conformance runs. Nothing survives the process.

use super::{BatchOp, Engine, KeyValue, WriteBatch, is_empty_range, prefix_end};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{RwLock, RwLockReadGuard};

/// How many pairs a scan copies out per lock acquisition. Scans copy in
/// chunks instead of holding the read lock for their whole life, so a caller
/// may apply a batch in the middle of a scan without deadlocking, and a full
/// scan of a large store does not copy it all up front.
const SCAN_CHUNK: usize = 256;

/// An [`Engine`] keeping everything in memory. Batches are atomic because
/// each one is applied under a single write lock.
///
/// ```
/// use attest::storage::{Engine, MemoryEngine, WriteBatch};
///
/// let engine = MemoryEngine::new();
/// let mut batch = WriteBatch::new();
/// batch.put(*b"a", *b"1");
/// batch.put(*b"b", *b"2");
/// engine.apply(batch)?;
///
/// let pairs: Vec<_> = engine.scan_range(b"b", None).collect::<Result<_, _>>()?;
/// assert_eq!(pairs, vec![(b"b".to_vec(), b"2".to_vec())]);
/// assert_eq!(engine.size_on_disk()?, 0);
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryEngine {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryEngine {
    /// An empty store.
    pub fn new() -> MemoryEngine {
        MemoryEngine::default()
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>>> {
        // A poisoned lock means a writer panicked, possibly half-way through
        // a batch; serving the map would break atomicity, so report instead.
        self.map.read().map_err(|_| poisoned())
    }
}

fn poisoned() -> Error {
    Error::Storage("memory store is unusable: a writer panicked while holding its lock".into())
}

impl Engine for MemoryEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.read()?.get(key).cloned())
    }

    fn scan_prefix<'a>(&'a self, prefix: &[u8]) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.scan_range(prefix, prefix_end(prefix).as_deref())
    }

    fn scan_range<'a>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        Box::new(Scan {
            engine: self,
            from: Bound::Included(start.to_vec()),
            end: end.map(<[u8]>::to_vec),
            chunk: Vec::new().into_iter(),
            done: is_empty_range(start, end),
        })
    }

    fn apply(&self, batch: WriteBatch) -> Result<()> {
        let mut map = self.map.write().map_err(|_| poisoned())?;
        for op in batch {
            match op {
                BatchOp::Put { key, value } => {
                    map.insert(key, value);
                }
                BatchOp::Delete { key } => {
                    map.remove(&key);
                }
            }
        }
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        Ok(())
    }

    fn size_on_disk(&self) -> Result<u64> {
        Ok(0)
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

/// A range scan that copies [`SCAN_CHUNK`] pairs at a time and resumes after
/// the last key it returned.
struct Scan<'a> {
    engine: &'a MemoryEngine,
    /// Where the next chunk starts: the scan's start, then just past the last
    /// key copied.
    from: Bound<Vec<u8>>,
    end: Option<Vec<u8>>,
    chunk: std::vec::IntoIter<KeyValue>,
    /// Set once a chunk came back short (nothing left) or after an error.
    done: bool,
}

impl Scan<'_> {
    fn refill(&mut self) -> Result<()> {
        let map = self.engine.read()?;
        let end = self.end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        // `from` stays below `end`: it starts below it (checked at creation)
        // and later is a key the range returned, so `range` cannot panic.
        let chunk: Vec<KeyValue> = map
            .range::<[u8], _>((self.from.as_ref().map(Vec::as_slice), end))
            .take(SCAN_CHUNK)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.done = chunk.len() < SCAN_CHUNK;
        if let Some((last, _)) = chunk.last() {
            self.from = Bound::Excluded(last.clone());
        }
        self.chunk = chunk.into_iter();
        Ok(())
    }
}

impl Iterator for Scan<'_> {
    type Item = Result<KeyValue>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(pair) = self.chunk.next() {
            return Some(Ok(pair));
        }
        if self.done {
            return None;
        }
        if let Err(e) = self.refill() {
            self.done = true;
            return Some(Err(e));
        }
        self.chunk.next().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_span_several_chunks_in_order() {
        let engine = MemoryEngine::new();
        let mut batch = WriteBatch::new();
        let n = SCAN_CHUNK * 2 + 3;
        for i in 0..n as u32 {
            batch.put(i.to_be_bytes(), *b"v");
        }
        engine.apply(batch).unwrap();
        let keys: Vec<Vec<u8>> = engine.scan_prefix(b"").map(|pair| pair.unwrap().0).collect();
        let expected: Vec<Vec<u8>> = (0..n as u32).map(|i| i.to_be_bytes().to_vec()).collect();
        assert_eq!(keys, expected);
    }

    #[test]
    fn writing_during_a_scan_does_not_deadlock() {
        let engine = MemoryEngine::new();
        let mut batch = WriteBatch::new();
        batch.put(*b"a", *b"1");
        batch.put(*b"b", *b"2");
        engine.apply(batch).unwrap();
        let mut seen = Vec::new();
        for pair in engine.scan_prefix(b"") {
            let (key, _) = pair.unwrap();
            let mut delete = WriteBatch::new();
            delete.delete(key.clone());
            engine.apply(delete).unwrap();
            seen.push(key);
        }
        assert_eq!(seen, vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(engine.scan_prefix(b"").count(), 0);
    }
}
