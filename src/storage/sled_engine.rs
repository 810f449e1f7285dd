//! The durable engine, on sled 0.34. The only file in the crate that uses the
//! sled crate: everything sled-specific (its configuration, its errors, its lock)
//! is translated here.

use super::{BatchOp, Engine, KeyValue, MemoryEngine, WriteBatch, is_empty_range};
use crate::error::{Error, Result};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Tuning for [`SledEngine::open_with`].
///
/// ```
/// use attest::storage::SledOptions;
///
/// let small = SledOptions { cache_capacity_bytes: 1 << 20, ..SledOptions::default() };
/// assert!(small.cache_capacity_bytes < SledOptions::default().cache_capacity_bytes);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SledOptions {
    /// The bound on sled's page cache, in bytes; 8 MiB by default.
    ///
    /// Why it is set at all: sled's own default is 1 GiB, and sled counts the
    /// cache in the *on-disk* size of the pages it holds, while their
    /// in-memory form is several times larger. Left at sled's default, a
    /// store of a few hundred megabytes makes the process's resident memory
    /// grow into gigabytes. The figure is therefore a knob, not a promise of
    /// resident size. Why it is small: Attest reads its pages once, when
    /// the store opens (every query runs on the in-memory index), so sled's
    /// cache mostly holds pages just written; at 8 MiB a million-event
    /// import peaked about 50 MB lower than at 64 MiB, no slower
    /// (docs/performance.md, change 50).
    pub cache_capacity_bytes: u64,
}

impl Default for SledOptions {
    fn default() -> SledOptions {
        SledOptions {
            cache_capacity_bytes: 8 << 20,
        }
    }
}

/// An [`Engine`] storing everything in one sled database directory.
///
/// All keys live in sled's default tree, so that one sled batch covers every
/// key a [`WriteBatch`] touches, whatever keyspace prefix the graph layer gave
/// it; sled batches are atomic across crashes.
///
/// Only one [`SledEngine`] may have a directory open at a time, in this
/// process or another: sled takes an exclusive lock on its `db` file, and a
/// second open fails with [`Error::Locked`].
///
/// ```
/// use attest::storage::{Engine, SledEngine, WriteBatch};
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("store");
/// {
///     let engine = SledEngine::open(&path)?;
///     let mut batch = WriteBatch::new();
///     batch.put(*b"node/1", *b"Carter");
///     engine.apply(batch)?;
///     engine.flush()?; // durable from here on
/// }
/// let engine = SledEngine::open(&path)?;
/// assert_eq!(engine.get(b"node/1")?, Some(b"Carter".to_vec()));
/// assert!(engine.size_on_disk()? > 0);
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Debug)]
pub struct SledEngine {
    /// `None` only after [`Engine::release_cache`] closed the database and
    /// could not open it again: every operation then fails.
    db: Option<sled::Db>,
    path: PathBuf,
    options: SledOptions,
}

impl SledEngine {
    /// Opens the store in directory `path` with default [`SledOptions`],
    /// creating it (and missing parents) if it does not exist.
    ///
    /// Fails with [`Error::Locked`] if the store is already open,
    /// [`Error::Format`] if `path` is a file, a non-empty directory that is
    /// not a sled store, or a store sled cannot read, and [`Error::Io`] if
    /// the file system refuses.
    pub fn open(path: &Path) -> Result<SledEngine> {
        SledEngine::open_with(path, SledOptions::default())
    }

    /// Opens the store in directory `path` with `options`; see
    /// [`SledEngine::open`].
    ///
    /// ```
    /// use attest::storage::{SledEngine, SledOptions};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SledOptions { cache_capacity_bytes: 4 << 20 };
    /// let engine = SledEngine::open_with(dir.path(), options)?;
    /// assert_eq!(engine.path(), dir.path());
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn open_with(path: &Path, options: SledOptions) -> Result<SledEngine> {
        check_store_dir(path)?;
        let open = || {
            sled::Config::new()
                .path(path)
                .cache_capacity(options.cache_capacity_bytes)
                .open()
        };
        // sled releases its file lock from a background thread shortly after
        // the last handle is dropped, so a store this process just closed can
        // look locked for a few milliseconds: retry briefly before reporting
        // it in use. Another process's lock still fails within half a second.
        let mut attempt = 0;
        let db = loop {
            match open().map_err(|e| open_error(path, e)) {
                Err(Error::Locked { .. }) if attempt < 10 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        Ok(SledEngine {
            db: Some(db),
            path: path.to_path_buf(),
            options,
        })
    }

    /// Reads the whole store at `path` into a [`MemoryEngine`] without
    /// keeping it open: the read-only open.
    ///
    /// sled 0.34 has no read-only mode: opening always takes an exclusive
    /// lock on the `db` file and may write (recovery, a new snapshot). Two
    /// processes can therefore never have one store open in sled at once.
    /// What several readers can share is a *copy*: this takes a shared lock
    /// on the same `db` file (so it fails with [`Error::Locked`] while a
    /// writer has the store open, and a writer cannot open it during the
    /// copy), copies the directory into a private scratch directory, opens
    /// the copy with sled (which recovers it as after a crash, if need be),
    /// reads every pair, and removes the copy. The lock is held only while
    /// copying; the result is a consistent snapshot as of the open.
    ///
    /// ```
    /// use attest::storage::{Engine, SledEngine, WriteBatch};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// {
    ///     let engine = SledEngine::open(dir.path())?;
    ///     let mut batch = WriteBatch::new();
    ///     batch.put(*b"k", *b"v");
    ///     engine.apply(batch)?;
    ///     engine.flush()?;
    /// }
    /// let first = SledEngine::read_snapshot(dir.path())?;
    /// let second = SledEngine::read_snapshot(dir.path())?; // readers share
    /// assert_eq!(first.get(b"k")?, Some(b"v".to_vec()));
    /// assert_eq!(second.get(b"k")?, Some(b"v".to_vec()));
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn read_snapshot(path: &Path) -> Result<MemoryEngine> {
        let shown = path.display().to_string();
        if !path.join("conf").is_file() || !path.join("db").is_file() {
            return Err(Error::Format(format!(
                "{shown} is not an Attest store (a read-only open never creates one)"
            )));
        }
        let io_error = |source| Error::Io {
            path: shown.clone(),
            source,
        };
        let lock = fs::File::open(path.join("db")).map_err(io_error)?;
        let mut attempt = 0;
        loop {
            match lock.try_lock_shared() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if attempt < 10 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(Error::Locked { path: shown }),
                Err(fs::TryLockError::Error(e)) => return Err(io_error(e)),
            }
        }
        let scratch = Scratch::new()?;
        copy_dir(path, &scratch.0)?;
        drop(lock);
        let copy = SledEngine::open_with(&scratch.0, SledOptions::default())?;
        let memory = MemoryEngine::new();
        let mut batch = WriteBatch::new();
        for pair in copy.scan_prefix(&[]) {
            let (key, value) = pair?;
            batch.put(key, value);
        }
        memory.apply(batch)?;
        Ok(memory)
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn storage_error(&self, e: sled::Error) -> Error {
        Error::Storage(format!("sled store {}: {e}", self.path.display()))
    }

    /// The open database.
    fn db(&self) -> Result<&sled::Db> {
        self.db.as_ref().ok_or_else(|| {
            Error::Storage(format!(
                "sled store {} was closed to release its cache and could not be opened again",
                self.path.display()
            ))
        })
    }

    /// The pairs `scan` finds in the open database.
    fn scan<'a>(
        &'a self,
        scan: impl FnOnce(&sled::Db) -> sled::Iter,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        match self.db() {
            Ok(db) => self.pairs(scan(db)),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    fn pairs<'a>(&'a self, iter: sled::Iter) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        Box::new(iter.map(move |pair| {
            pair.map(|(k, v)| (k.to_vec(), v.to_vec()))
                .map_err(|e| self.storage_error(e))
        }))
    }
}

impl Engine for SledEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let value = self.db()?.get(key).map_err(|e| self.storage_error(e))?;
        Ok(value.map(|v| v.to_vec()))
    }

    fn scan_prefix<'a>(&'a self, prefix: &[u8]) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.scan(|db| db.scan_prefix(prefix))
    }

    fn scan_range<'a>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        match end {
            _ if is_empty_range(start, end) => Box::new(std::iter::empty()),
            Some(end) => self.scan(|db| db.range(start..end)),
            None => self.scan(|db| db.range(start..)),
        }
    }

    fn apply(&self, batch: WriteBatch) -> Result<()> {
        // sled's batch keeps the last operation per key, matching ours.
        let mut sled_batch = sled::Batch::default();
        for op in batch {
            match op {
                BatchOp::Put { key, value } => sled_batch.insert(key, value),
                BatchOp::Delete { key } => sled_batch.remove(key),
            }
        }
        self.db()?
            .apply_batch(sled_batch)
            .map_err(|e| self.storage_error(e))
    }

    fn flush(&self) -> Result<()> {
        // sled's flush writes every dirty buffer and fsyncs before returning.
        self.db()?.flush().map_err(|e| self.storage_error(e))?;
        Ok(())
    }

    fn size_on_disk(&self) -> Result<u64> {
        dir_size(&self.path)
    }

    fn name(&self) -> &'static str {
        "sled"
    }

    fn side_file(&self, name: &str) -> Option<PathBuf> {
        Some(self.path.join(name))
    }

    fn release_cache(&mut self) -> Result<()> {
        // sled allows one open handle per store, and frees its pages only
        // when the last one is dropped: close first, then open again (a
        // few milliseconds; `open_with` waits out the file lock that sled
        // releases from a background thread).
        if let Some(db) = self.db.take() {
            db.flush().map_err(|e| self.storage_error(e))?;
        }
        // Opening creates a store where there is none: if this one's files
        // went away meanwhile, that would carry on over an empty store.
        if !self.path.join("conf").is_file() {
            return Err(Error::Storage(format!(
                "sled store {} disappeared while it was open",
                self.path.display()
            )));
        }
        let reopened = SledEngine::open_with(&self.path, self.options.clone())?;
        self.db = reopened.db;
        Ok(())
    }
}

/// Refuses paths sled would misuse: sled happily creates its files inside any
/// directory, so opening a mistyped path such as a home directory would
/// scatter them among the user's files. A store path must be missing, an
/// empty directory, or a directory holding sled's `conf` file.
fn check_store_dir(path: &Path) -> Result<()> {
    let not_a_store = |why: &str| Error::Format(format!("{} is not an Attest store: {why}", path.display()));
    let io_error = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(e)),
        Ok(meta) if !meta.is_dir() => Err(not_a_store("it is a file, and a store is a directory")),
        Ok(_) if path.join("conf").is_file() => Ok(()),
        Ok(_) => match fs::read_dir(path).map_err(io_error)?.next() {
            None => Ok(()),
            Some(_) => Err(not_a_store(
                "the directory is not empty and holds no sled `conf` file",
            )),
        },
    }
}

/// A private directory under the system's temporary directory, removed
/// (with everything in it) on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for n in 0..100u32 {
            let dir = std::env::temp_dir().join(format!("attest-ro-{}-{nanos}-{n}", std::process::id()));
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(Scratch(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(source) => {
                    return Err(Error::Io {
                        path: dir.display().to_string(),
                        source,
                    });
                }
            }
        }
        Err(Error::Storage(
            "cannot make a scratch directory for a read-only open".into(),
        ))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies the files of directory `from` (recursively) into `to`, which exists.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let io_error = |path: &Path, source: io::Error| Error::Io {
        path: path.display().to_string(),
        source,
    };
    for entry in fs::read_dir(from).map_err(|e| io_error(from, e))? {
        let entry = entry.map_err(|e| io_error(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| io_error(&source, e))?;
        if kind.is_dir() {
            fs::create_dir(&target).map_err(|e| io_error(&target, e))?;
            copy_dir(&source, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target).map_err(|e| io_error(&source, e))?;
        }
    }
    Ok(())
}

/// Translates an error from opening a sled store.
fn open_error(path: &Path, e: sled::Error) -> Error {
    let shown = path.display();
    match e {
        // sled 0.34 reports a failed `try_lock_exclusive` on its `db` file only
        // as an `Other` I/O error whose message starts with this text (see
        // `Config::try_lock` in sled's config.rs); the tests pin it.
        sled::Error::Io(e)
            if e.kind() == io::ErrorKind::Other && e.to_string().starts_with("could not acquire lock") =>
        {
            Error::Locked {
                path: shown.to_string(),
            }
        }
        sled::Error::Io(source) => Error::Io {
            path: shown.to_string(),
            source,
        },
        sled::Error::Unsupported(why) => Error::Format(format!("{shown}: {why}")),
        sled::Error::Corruption { .. } => Error::Format(format!("{shown}: the sled store is damaged ({e})")),
        other => Error::Storage(format!("sled store {shown}: {other}")),
    }
}

/// The summed length of every file under `dir`. Files sled removes while we
/// walk (old snapshots) are skipped rather than reported.
fn dir_size(dir: &Path) -> Result<u64> {
    let io_error = |path: &Path, source: io::Error| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let mut total = 0;
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let path = entry.path();
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&path, e)),
        };
        total += if meta.is_dir() {
            dir_size(&path)?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("facts.txt");
        fs::write(&file, "not a store").unwrap();
        let err = SledEngine::open(&file).unwrap_err();
        assert!(matches!(err, Error::Format(_)), "{err:?}");
        assert!(err.to_string().contains("is a file"), "{err}");
    }

    #[test]
    fn a_foreign_directory_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.md"), "mine").unwrap();
        let err = SledEngine::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Format(_)), "{err:?}");
        // Nothing was written into the user's directory.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn garbage_sled_files_give_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("conf"), vec![0xA5; 64]).unwrap();
        fs::write(dir.path().join("db"), vec![0x5A; 4096]).unwrap();
        let err = SledEngine::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Format(_)), "{err:?}");
    }

    #[test]
    fn a_second_open_in_the_same_process_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let _first = SledEngine::open(dir.path()).unwrap();
        let err = SledEngine::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    }
}
