//! Which files inputs may make Attest read.
//!
//! A fact file names the document texts it cites (`text 'article.txt'`), an
//! import manifest names CSV files, and the REPL's `:source` names scripts.
//! None of them should be able to read, say, `~/.ssh/id_rsa` just because
//! someone handed the user a crafted file. [`FileAccess`] is the list of
//! directories such references may resolve into; a path is checked after
//! `..` and symbolic links are resolved, so neither escapes. Calls only
//! `error`.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Directories under which referenced files may be read.
///
/// ```
/// use attest::access::FileAccess;
/// use attest::Error;
///
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("notes.txt"), "kept").unwrap();
/// let access = FileAccess::only([dir.path()])?;
/// assert_eq!(access.read_to_string(&dir.path().join("notes.txt"))?, "kept");
///
/// let outside = dir.path().join("../../etc/hostname");
/// let err = access.read_to_string(&outside).unwrap_err();
/// assert!(matches!(err, Error::NotAllowed { .. } | Error::Io { .. }), "{err}");
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileAccess {
    /// Canonical directories.
    dirs: Vec<PathBuf>,
}

impl FileAccess {
    /// Access to files under each of `dirs` (which must exist).
    pub fn only<P: AsRef<Path>>(dirs: impl IntoIterator<Item = P>) -> Result<FileAccess> {
        let mut access = FileAccess::default();
        for dir in dirs {
            access.allow(dir.as_ref())?;
        }
        Ok(access)
    }

    /// Access to files under the working directory: the command line's default.
    pub fn working_directory() -> Result<FileAccess> {
        FileAccess::only([Path::new(".")])
    }

    /// Adds `dir` (which must exist) to the allowed directories.
    pub fn allow(&mut self, dir: &Path) -> Result<()> {
        let canonical = dir.canonicalize().map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        if !self.dirs.contains(&canonical) {
            self.dirs.push(canonical);
        }
        Ok(())
    }

    /// This access with `dir` allowed too.
    pub fn with(&self, dir: &Path) -> Result<FileAccess> {
        let mut wider = self.clone();
        wider.allow(dir)?;
        Ok(wider)
    }

    /// The file `path` resolves to, when it lies under an allowed directory.
    ///
    /// # Errors
    /// [`Error::Io`] when the file does not exist (it cannot be resolved),
    /// [`Error::NotAllowed`] when it lies outside every allowed directory.
    pub fn check(&self, path: &Path) -> Result<PathBuf> {
        let canonical = path.canonicalize().map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        if self.dirs.iter().any(|dir| canonical.starts_with(dir)) {
            Ok(canonical)
        } else {
            Err(Error::NotAllowed {
                path: path.display().to_string(),
                allowed: self.describe(),
            })
        }
    }

    /// Reads the file at `path` after [`FileAccess::check`]ing it.
    pub fn read_to_string(&self, path: &Path) -> Result<String> {
        let canonical = self.check(path)?;
        std::fs::read_to_string(canonical).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
    }

    fn describe(&self) -> String {
        if self.dirs.is_empty() {
            return "none".into();
        }
        self.dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
