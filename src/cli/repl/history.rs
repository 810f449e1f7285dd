//! Where the REPL keeps its history, and creating that file privately.
//!
//! Queries typed at the prompt can hold names and values the user would
//! not want other accounts on the machine to read, so the file is created
//! readable by its owner only (0600) in a directory only the owner can list
//! (0700), and an existing file is tightened to 0600.

use std::ffi::OsString;
use std::fs::{DirBuilder, OpenOptions};
use std::io;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The environment variable that names the history file; set but empty,
/// it turns history off.
pub const HISTORY_VAR: &str = "ATTEST_HISTORY";

/// The history file: `$ATTEST_HISTORY`, else
/// `$XDG_DATA_HOME/attest/history`, else `~/.local/share/attest/history`.
/// `None` when history is turned off or no home directory is known.
pub fn history_path() -> Option<PathBuf> {
    path_from(|name| std::env::var_os(name))
}

/// [`history_path`] with the environment given as a function (for tests).
pub fn path_from(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(path) = var(HISTORY_VAR) {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be
    // ignored.
    let data = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let data = data.or_else(|| {
        let home = var("HOME").map(PathBuf::from).filter(|p| p.is_absolute())?;
        Some(home.join(".local").join("share"))
    })?;
    Some(data.join("attest").join("history"))
}

/// Makes sure the history file exists with mode 0600 (creating missing
/// directories with 0700). Elsewhere than Unix the system's defaults apply.
pub fn prepare(path: &Path) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o700);
        builder.create(parent)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(path)?;
    // `mode` applies only when the file is created; an older file may be
    // more open than it should be.
    #[cfg(unix)]
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    drop(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn path_with(vars: &[(&str, &str)]) -> Option<PathBuf> {
        let env: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        path_from(|name| env.get(name).cloned())
    }

    #[test]
    fn the_override_then_xdg_then_home() {
        let all = [
            ("ATTEST_HISTORY", "/tmp/h"),
            ("XDG_DATA_HOME", "/data"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(path_with(&all), Some(PathBuf::from("/tmp/h")));
        assert_eq!(path_with(&all[1..]), Some(PathBuf::from("/data/attest/history")));
        assert_eq!(
            path_with(&all[2..]),
            Some(PathBuf::from("/home/u/.local/share/attest/history"))
        );
        assert_eq!(
            path_with(&[("XDG_DATA_HOME", "relative"), ("HOME", "/home/u")]),
            Some(PathBuf::from("/home/u/.local/share/attest/history"))
        );
        assert_eq!(path_with(&[("ATTEST_HISTORY", ""), ("HOME", "/home/u")]), None);
        assert_eq!(path_with(&[]), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() -> io::Result<()> {
        use std::fs::Permissions;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("new").join("history");
        prepare(&path)?;
        assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(dir.path().join("new"))?.permissions().mode() & 0o777,
            0o700
        );
        std::fs::set_permissions(&path, Permissions::from_mode(0o644))?;
        prepare(&path)?;
        assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        Ok(())
    }
}
