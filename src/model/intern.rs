//! Interned lists of names, shared by every holder of an equal list: a
//! node's labels ([`Labels`](super::Labels)) and the sorted keys of a
//! property map ([`Properties`](super::Properties)).
//!
//! A store holds a few distinct lists and millions of holders (every one of
//! a million events is labelled `Event` and has the keys `date`, `kind`,
//! `summary`), so each list is made once and held by pointer. Lookups go
//! first to a small per-thread cache of recently used lists (loading a
//! store meets the same few lists millions of times in a row and takes no
//! lock for them), then to a process-wide table behind a lock. The table
//! holds lists weakly: a list nobody holds any more is freed with its last
//! holder, and dead entries are swept out as the table grows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex, Weak};

/// An interned, immutable list of names, in the order it was made with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Names(Box<[String]>);

impl Deref for Names {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl Names {
    fn is<'n>(&self, names: impl ExactSizeIterator<Item = &'n str>) -> bool {
        self.0.len() == names.len() && self.0.iter().zip(names).all(|(a, b)| a == b)
    }
}

/// How many recently used lists each thread remembers.
const RECENT_LISTS: usize = 8;

thread_local! {
    /// Lists this thread used last, tried before the shared table.
    static RECENT: RefCell<Recent> = const { RefCell::new(Recent { lists: Vec::new(), next: 0 }) };
}

struct Recent {
    lists: Vec<Arc<Names>>,
    /// The entry the next new list replaces once the cache is full.
    next: usize,
}

/// Every list alive, by the hash of its names, held weakly.
struct Table {
    by_hash: HashMap<u64, Vec<Weak<Names>>>,
    /// Sweep out dead entries once the table holds this many hashes.
    sweep_at: usize,
}

static TABLE: LazyLock<Mutex<Table>> = LazyLock::new(|| {
    Mutex::new(Table {
        by_hash: HashMap::new(),
        sweep_at: 1024,
    })
});

/// The one list equal to `names`, made if no holder has it.
pub(crate) fn intern_names<'n, I>(names: I) -> Arc<Names>
where
    I: ExactSizeIterator<Item = &'n str> + Clone,
{
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some(list) = recent.lists.iter().find(|l| l.is(names.clone())) {
            return Arc::clone(list);
        }
        let list = shared(names);
        if recent.lists.len() < RECENT_LISTS {
            recent.lists.push(Arc::clone(&list));
        } else {
            let at = recent.next;
            recent.lists[at] = Arc::clone(&list);
            recent.next = (at + 1) % RECENT_LISTS;
        }
        list
    })
}

/// `names`' list from the process-wide table, added if new.
fn shared<'n, I>(names: I) -> Arc<Names>
where
    I: ExactSizeIterator<Item = &'n str> + Clone,
{
    let mut hasher = DefaultHasher::new();
    for name in names.clone() {
        name.hash(&mut hasher);
    }
    let hash = hasher.finish();
    // A panic elsewhere while the lock was held cannot leave the table
    // inconsistent (every change is one push or one retain), so a poisoned
    // lock is used as it is.
    let mut table = TABLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let bucket = table.by_hash.entry(hash).or_default();
    bucket.retain(|weak| weak.strong_count() > 0);
    if let Some(list) = bucket
        .iter()
        .filter_map(Weak::upgrade)
        .find(|l| l.is(names.clone()))
    {
        return list;
    }
    let list = Arc::new(Names(names.map(str::to_owned).collect()));
    bucket.push(Arc::downgrade(&list));
    if table.by_hash.len() >= table.sweep_at {
        table.by_hash.retain(|_, bucket| {
            bucket.retain(|weak| weak.strong_count() > 0);
            !bucket.is_empty()
        });
        table.sweep_at = (2 * table.by_hash.len()).max(1024);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&'static str]) -> Arc<Names> {
        intern_names(names.iter().copied())
    }

    #[test]
    fn equal_lists_are_one_across_threads_and_order_counts() {
        let a = list(&["Event", "Protest"]);
        let b = std::thread::spawn(|| list(&["Event", "Protest"]))
            .join()
            .expect("thread");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &list(&["Protest", "Event"])));
        assert!(!Arc::ptr_eq(&a, &list(&["Event"])));
        assert_eq!(&a[..], ["Event", "Protest"]);
    }

    #[test]
    fn a_list_nobody_holds_is_freed() {
        // The thread's recent lists hold a strong reference; they end with
        // the thread.
        let weak = std::thread::spawn(|| Arc::downgrade(&list(&["intern-freed-test-name"])))
            .join()
            .expect("thread");
        assert_eq!(weak.strong_count(), 0);
    }
}
