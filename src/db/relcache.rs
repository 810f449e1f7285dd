//! The relationship cache file beside an on-disk store: when it is
//! written, how it is named and stamped, and when an open may use it.
//!
//! Closing a writable store of at least [`MIN_RELS`] relationships writes
//! the index's relationship table and adjacency to the file
//! ([`crate::graph`] owns its layout), unless the file there is current
//! ([`refresh`], called by `Graph`'s `Drop`): once per session, however
//! many imports and commits it made, and after the large import that
//! `attest import` or `attest bench` ends with. The file is stamped with
//! the store's meta keys as they stand; every commit and import changes
//! those keys (the transaction counter, an import's marker), so an open
//! uses the file only while the store is exactly as it was written, and
//! otherwise loads the relationship pages and deletes the stale file. The file is a cache, never the truth: a
//! missing, stale or damaged one costs only time, and no error about it
//! reaches the caller.

use super::layout;
use crate::error::{Error, Result};
use crate::graph::{GraphIndex, RelCache};
use crate::storage::Engine;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name in the store's directory.
pub(super) const FILE: &str = "relationships.cache";

/// Stores of fewer relationships get no cache: their pages load in well
/// under a tenth of a second.
pub(super) const MIN_RELS: usize = 100_000;

/// The store's meta keys and values, which name its state.
pub(super) fn stamp(engine: &dyn Engine) -> Result<Vec<u8>> {
    let mut stamp = Vec::new();
    for item in engine.scan_prefix(&[layout::META]) {
        let (key, value) = item?;
        for part in [&key, &value] {
            stamp.extend((part.len() as u32).to_le_bytes());
            stamp.extend_from_slice(part);
        }
    }
    Ok(stamp)
}

/// Writes the cache of `index` beside the store, if the engine has a
/// directory and the index has at least `min_rels` relationships that
/// can be cached; otherwise removes any cache there. Written to a
/// temporary file, synced, then renamed over the old one, so that a crash
/// leaves the old file or the new one whole. Returns whether a cache was
/// written.
pub(super) fn write(engine: &dyn Engine, index: &GraphIndex, min_rels: usize) -> Result<bool> {
    let Some(path) = engine.side_file(FILE) else {
        return Ok(false);
    };
    let temporary = path.with_extension("tmp");
    let io = |e: std::io::Error| Error::Storage(format!("writing the relationship cache: {e}"));
    let written = (|| -> Result<bool> {
        if index.relationship_count() < min_rels || !index.cacheable() {
            return Ok(false);
        }
        let stamp = stamp(engine)?;
        let mut file = File::create(&temporary).map_err(io)?;
        if !index.write_cache(&stamp, &mut file).map_err(io)? {
            return Ok(false);
        }
        file.flush().map_err(io)?;
        file.sync_all().map_err(io)?;
        fs::rename(&temporary, &path).map_err(io)?;
        Ok(true)
    })();
    if !matches!(written, Ok(true)) {
        let _ = fs::remove_file(&temporary);
        let _ = fs::remove_file(&path);
    }
    written
}

/// Writes the cache as [`write`] does, unless the file beside the store
/// already carries the store's current stamp (nothing changed since it
/// was written or read). For closing a store: a store changed after its
/// import then opens from the cache next time too. Returns whether a
/// cache was written.
pub(super) fn refresh(engine: &dyn Engine, index: &GraphIndex, min_rels: usize) -> Result<bool> {
    if let Some((path, stamp)) = find(engine)?
        && File::open(&path).is_ok_and(|file| RelCache::carries(file, &stamp))
    {
        return Ok(false);
    }
    write(engine, index, min_rels)
}

/// The cache beside the store and the stamp it must carry to be used,
/// if there is a file.
pub(super) fn find(engine: &dyn Engine) -> Result<Option<(PathBuf, Vec<u8>)>> {
    let Some(path) = engine.side_file(FILE) else {
        return Ok(None);
    };
    // A write cut short by a crash leaves its temporary file.
    let _ = fs::remove_file(path.with_extension("tmp"));
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some((path, stamp(engine)?)))
}

/// Deletes the cache at `path` (the next close writes a new one).
pub(super) fn discard(path: &Path) {
    let _ = fs::remove_file(path);
}

/// Reads the cache at `path` if it carries `stamp` and is whole; deletes
/// the file otherwise (it can never be used again).
pub(super) fn read(path: &Path, stamp: &[u8]) -> Option<RelCache> {
    let read = File::open(path).map_err(|e| e.to_string()).and_then(|file| {
        let len = file.metadata().map_err(|e| e.to_string())?.len();
        RelCache::read(file, len, stamp).map_err(|e| e.0)
    });
    if read.is_err() {
        discard(path);
    }
    read.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Graph;
    use crate::storage::WriteBatch;

    fn relationships(graph: &Graph) -> Vec<String> {
        let snapshot = graph.read();
        snapshot.index().verify().unwrap();
        let mut seen: Vec<String> = snapshot
            .index()
            .relationships()
            .map(|r| format!("{} {} {} {}", r.id, r.rel_type, r.start, r.end))
            .collect();
        seen.sort();
        seen
    }

    fn write_cache(graph: &Graph) -> bool {
        let state = graph.state.read().unwrap();
        write(graph.engine.as_ref(), &state.index, 0).unwrap()
    }

    /// A new store in a temporary directory with `events` events, each
    /// with an agent; the path its cache would have.
    fn store_with_events(events: usize) -> (tempfile::TempDir, PathBuf, Graph) {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join(FILE);
        let graph = Graph::open(dir.path()).unwrap();
        let create = format!(
            "UNWIND range(1, {events}) AS i \
             CREATE (:Event {{kind: 'attack'}})-[:AGENT]->(:Actor {{name: 'actor ' + toString(i), kind: 'person'}})"
        );
        graph.query(&create).unwrap();
        (dir, cache, graph)
    }

    /// Deletes every page of the given keyspaces behind the meta keys'
    /// back (a test of what the stamp cannot see).
    fn delete_pages(graph: &Graph, spaces: &[u8]) {
        let mut batch = WriteBatch::new();
        for space in spaces {
            for item in graph.engine.scan_prefix(&[*space]) {
                batch.delete(item.unwrap().0);
            }
        }
        graph.engine.apply(batch).unwrap();
        graph.engine.flush().unwrap();
    }

    #[test]
    fn an_open_uses_a_current_cache_and_deletes_a_stale_one() {
        let (dir, cache, graph) = store_with_events(30);
        graph
            .query("MATCH (a:Actor {name: 'actor 3'}) DETACH DELETE a")
            .unwrap();
        let before = relationships(&graph);
        assert_eq!(before.len(), 29);
        assert!(write_cache(&graph));
        drop(graph);

        // Current: used, and kept.
        let graph = Graph::open(dir.path()).unwrap();
        assert_eq!(relationships(&graph), before);
        assert!(cache.is_file());

        // A commit makes it stale: the next open reads the pages and
        // deletes it.
        graph
            .query(
                "MATCH (e:Event) WITH e LIMIT 1 CREATE (e)-[:AGENT]->(:Actor {name: 'late', kind: 'person'})",
            )
            .unwrap();
        let after = relationships(&graph);
        assert_eq!(after.len(), 30);
        drop(graph);
        let graph = Graph::open(dir.path()).unwrap();
        assert_eq!(relationships(&graph), after);
        assert!(!cache.exists(), "a stale cache is deleted");

        // Proof that a current cache stands in for the pages: with the
        // relationship pages gone behind its back (the meta keys
        // untouched), the relationships still load, from the cache.
        assert!(write_cache(&graph));
        delete_pages(&graph, &[layout::REL]);
        drop(graph);
        let graph = Graph::open(dir.path()).unwrap();
        assert_eq!(relationships(&graph), after);
        drop(graph);

        // A damaged cache is deleted, and the pages (now gone) are read.
        let mut bytes = fs::read(&cache).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&cache, bytes).unwrap();
        let graph = Graph::open(dir.path()).unwrap();
        assert!(relationships(&graph).is_empty());
        assert!(!cache.exists());
    }

    #[test]
    fn a_cache_for_other_nodes_is_deleted() {
        let (dir, cache, graph) = store_with_events(5);
        assert!(write_cache(&graph));
        // The stamp still matches, the nodes do not.
        delete_pages(&graph, &[layout::NODE, layout::REL]);
        drop(graph);
        let graph = Graph::open(dir.path()).unwrap();
        assert!(relationships(&graph).is_empty());
        assert_eq!(graph.read().index().node_count(), 0);
        assert!(!cache.exists(), "not installed, so deleted");
    }

    #[test]
    fn closing_a_changed_store_refreshes_its_cache() {
        let (dir, cache, mut graph) = store_with_events(5);
        graph.cache_min_rels = 1;
        let open = || {
            let mut graph = Graph::open(dir.path()).unwrap();
            graph.cache_min_rels = 1;
            graph
        };
        drop(graph);
        assert!(cache.is_file(), "written at close");
        let graph = open();
        let first = relationships(&graph);
        {
            let state = graph.state.read().unwrap();
            assert!(
                !refresh(graph.engine.as_ref(), &state.index, 1).unwrap(),
                "current: not written again"
            );
        }
        graph
            .query("MATCH (e:Event) WITH e LIMIT 1 CREATE (e)-[:AGENT]->(:Actor {name: 'b', kind: 'person'})")
            .unwrap();
        let changed = relationships(&graph);
        assert_eq!(changed.len(), first.len() + 1);
        drop(graph);
        // Written again at close: the next open finds it current (and
        // keeps it), and loads what the pages hold.
        let graph = open();
        assert_eq!(relationships(&graph), changed);
        assert!(cache.is_file());
        drop(graph);
        // A read-only open never writes.
        fs::remove_file(&cache).unwrap();
        let reader = Graph::open_read_only(dir.path()).unwrap();
        assert_eq!(relationships(&reader), changed);
        drop(reader);
        assert!(!cache.exists());
    }

    #[test]
    fn small_or_uncacheable_graphs_leave_no_cache() {
        let (_dir, cache, graph) = store_with_events(1);
        assert!(write_cache(&graph));
        let state = graph.state.read().unwrap();
        assert!(
            !write(graph.engine.as_ref(), &state.index, 2).unwrap(),
            "below the minimum"
        );
        assert!(!cache.exists(), "the old cache is removed");
        assert!(!cache.with_extension("tmp").exists());
        drop(state);
        let memory = Graph::in_memory();
        let state = memory.state.read().unwrap();
        assert!(
            !write(memory.engine.as_ref(), &state.index, 0).unwrap(),
            "no directory"
        );
    }
}
