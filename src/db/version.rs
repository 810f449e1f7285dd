//! Names for states of a graph, so that what is derived from one state (a
//! query plan, chosen by label counts, unique keys and the schema) can be
//! kept and reused while that state lasts.
//!
//! Every graph takes a fresh number when it is opened and again whenever
//! a writer takes the write lock. Numbers come from one counter for the
//! whole process, so two graphs never share one either: a number names one
//! state of one graph.

use std::sync::atomic::{AtomicU64, Ordering};

/// The process-wide source of numbers.
static NEXT: AtomicU64 = AtomicU64::new(1);

fn fresh() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The current state's number of one graph.
///
/// Changed only while the write lock is held and read only while a lock is
/// held, so the lock orders every read after the change it should see;
/// the atomic merely lets it live outside the lock's data.
#[derive(Debug)]
pub(crate) struct StateVersion(AtomicU64);

impl StateVersion {
    pub(crate) fn new() -> StateVersion {
        StateVersion(AtomicU64::new(fresh()))
    }

    /// Gives the graph a new number: its state may change from here on.
    /// Called by every writer right after it takes the write lock, before
    /// anything changes, whether it then commits or rolls back.
    pub(crate) fn bump(&self) {
        self.0.store(fresh(), Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
