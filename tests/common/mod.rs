//! Helpers shared by integration tests that need the shared benchmark
//! directory (`../shared/bench`, or `ATTEST_SHARED`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared directory, or `None` (after saying so loudly) when its
/// generator is missing on a developer's machine. Under CI a missing
/// directory fails the test instead.
pub fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("ATTEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join("bench/gen_dataset.py").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: the shared benchmark directory is missing at {} (set ATTEST_SHARED)",
        dir.display()
    );
    eprintln!(
        "\n!!! SKIPPED: no benchmark generator at {}/bench/gen_dataset.py; set ATTEST_SHARED to run this test !!!\n",
        dir.display()
    );
    None
}

/// Generates the 10k-event data set (seed 42) into `out`.
pub fn generate_10k(shared: &Path, out: &Path) {
    let output = Command::new("python3")
        .arg(shared.join("bench/gen_dataset.py"))
        .args(["--events", "10000", "--seed", "42", "--out"])
        .arg(out)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "gen_dataset.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
