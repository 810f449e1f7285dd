//! The layering rule of docs/ARCHITECTURE.md that the compiler cannot check:
//! nothing above the storage layer names the on-disk engine. Code outside
//! `src/storage/` reaches it only through `storage::open_on_disk`,
//! `storage::open_read_snapshot` and the `Engine` trait, so the engine can
//! change behind the trait.

use std::fs;
use std::path::{Path, PathBuf};

/// Names that only the storage layer may use.
const ENGINE_NAMES: &[&str] = &["SledEngine", "SledOptions", "sled::", "sled_engine"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_above_storage_names_the_engine() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let storage = src.join("storage");
    let mut files = Vec::new();
    rust_files(&src, &mut files);

    // The scan sees the engine's own file, so the names it looks for are right.
    let engine_file = fs::read_to_string(storage.join("sled_engine.rs")).unwrap();
    assert!(engine_file.contains("SledEngine") && engine_file.contains("sled::"));

    let above: Vec<_> = files.iter().filter(|p| !p.starts_with(&storage)).collect();
    assert!(above.len() > 20, "too few source files found: {}", above.len());
    let mut found = Vec::new();
    for path in above {
        let text = fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for name in ENGINE_NAMES {
                if line.contains(name) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "code above the storage layer names the on-disk engine (use the storage \
         layer's functions and the Engine trait instead):\n{}",
        found.join("\n")
    );
}
