//! Several processes on one store, and which files inputs may read.
//!
//! sled lets one process open a store at a time; a second gets a clear
//! error naming the store, at once. `--read-only` opens share a store by
//! reading a snapshot copy (docs/reliability.md), and refuse writes.

use attest::db::Graph;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn attest(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("attest runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn store_with_article(dir: &Path) -> String {
    let out = attest(dir, &["--db", "s.db", "load", "article"]);
    assert!(out.status.success(), "{}", stderr(&out));
    "s.db".into()
}

#[test]
fn a_second_process_gets_a_clear_error_naming_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_article(dir.path());
    let writer = Graph::open(dir.path().join(&db)).unwrap();
    let started = Instant::now();
    for args in [
        vec!["--db", &db, "stats"],
        vec!["--db", &db, "--read-only", "stats"],
    ] {
        let out = attest(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("s.db") && err.contains("already open for writing"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it waited instead of failing"
    );
    // The holder's store is intact and still writable.
    writer
        .query("CREATE (:Actor {name: 'Begin', kind: 'person'})")
        .unwrap();
    assert!(writer.check_integrity().unwrap().is_ok());
}

#[test]
fn read_only_processes_share_a_store_and_refuse_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_article(dir.path());
    let query = "MATCH (a:Actor) RETURN count(a) AS n";
    let expected = attest(dir.path(), &["--db", &db, "query", query, "--format", "csv"]);
    assert!(expected.status.success());
    let readers: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_attest"))
                .current_dir(dir.path())
                .args(["--db", &db, "--read-only", "query", query, "--format", "csv"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for reader in readers {
        let out = reader.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, expected.stdout);
    }

    let before = attest(dir.path(), &["--db", &db, "--read-only", "stats"]);
    let write = attest(
        dir.path(),
        &[
            "--db",
            &db,
            "--read-only",
            "query",
            "CREATE (:Actor {name: 'X', kind: 'person'})",
        ],
    );
    assert_eq!(write.status.code(), Some(1));
    assert!(stderr(&write).contains("read-only"), "{}", stderr(&write));
    let load = attest(dir.path(), &["--db", &db, "--read-only", "load", "article"]);
    assert_eq!(load.status.code(), Some(1));
    assert!(stderr(&load).contains("read-only"), "{}", stderr(&load));
    let after = attest(dir.path(), &["--db", &db, "stats"]);
    assert_eq!(before.stdout, after.stdout);
}

#[test]
fn a_read_only_open_never_creates_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest(dir.path(), &["--db", "missing.db", "--read-only", "stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.db"), "{}", stderr(&out));
    assert!(!dir.path().join("missing.db").exists());
}

#[test]
fn fact_files_read_document_texts_only_where_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(work.join("facts")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("secret.txt"), "Secret\n\nThe key is 42.").unwrap();
    std::fs::write(work.join("facts/here.txt"), "Here\n\nAll is well.").unwrap();
    let fact = |text: &str| format!("document d {{title: 'T'}} text '{text}'\n");
    std::fs::write(work.join("facts/near.facts"), fact("here.txt")).unwrap();
    std::fs::write(work.join("facts/far.facts"), fact("../../elsewhere/secret.txt")).unwrap();
    let absolute = elsewhere.join("secret.txt");
    std::fs::write(
        work.join("facts/abs.facts"),
        fact(&absolute.display().to_string()),
    )
    .unwrap();

    let near = attest(&work, &["--memory", "load", "facts/near.facts"]);
    assert!(near.status.success(), "{}", stderr(&near));
    for file in ["facts/far.facts", "facts/abs.facts"] {
        let out = attest(&work, &["--db", "s.db", "load", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(
            stderr(&out).contains("outside the allowed directories"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("--allow-dir"), "{}", stderr(&out));
    }
    // Nothing of the refused loads was written.
    let stats = attest(&work, &["--db", "s.db", "stats"]);
    assert!(String::from_utf8_lossy(&stats.stdout).starts_with("0 nodes"));
    let allowed = attest(
        &work,
        &[
            "--db",
            "s.db",
            "--allow-dir",
            elsewhere.to_str().unwrap(),
            "load",
            "facts/far.facts",
        ],
    );
    assert!(allowed.status.success(), "{}", stderr(&allowed));
}

#[test]
fn an_import_manifest_names_only_files_of_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    std::fs::create_dir(&csv).unwrap();
    std::fs::write(dir.path().join("outside.csv"), "id:ID,name\n1,x\n").unwrap();
    std::fs::write(
        csv.join("manifest.json"),
        r#"{"files": {"../outside.csv": {"kind": "node", "label": "Actor"}}}"#,
    )
    .unwrap();
    let out = attest(
        dir.path(),
        &["--db", "s.db", "--schemaless", "import", "--csv", "csv"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("only files of its own directory"),
        "{}",
        stderr(&out)
    );
}
