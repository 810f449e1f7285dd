//! The `attest` binary end to end: store selection, seeding, scripts,
//! formats, parameters, errors and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn attest(dir: &std::path::Path, args: &[&str]) -> Output {
    spawn(dir, args, false)
        .wait_with_output()
        .expect("the binary runs")
}

/// Starts the binary in `dir` with standard output and error piped, and
/// standard input piped when `stdin` says so (else empty).
fn spawn(dir: &std::path::Path, args: &[&str], stdin: bool) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .current_dir(dir)
        .env_remove("ATTEST_DB")
        .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn stats_on_a_fresh_directory_seeds_the_default_store_with_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest(dir.path(), &["stats"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(":Actor") && stdout.contains(":Assertion") && stdout.contains("[:SAID_BY]"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("loaded the bundled article"));
    assert!(dir.path().join("attest.db").is_dir());
    // Second run: the store exists, nothing is loaded again.
    let again = attest(dir.path(), &["stats"]);
    assert_eq!(text(&again.stdout), stdout);
    assert!(!text(&again.stderr).contains("loaded"));
}

#[test]
fn a_new_named_store_is_empty_and_typed_until_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest(dir.path(), &["--db", "news.db", "stats"]);
    assert!(text(&out.stdout).starts_with("0 nodes"), "{}", text(&out.stdout));
    let schema = attest(dir.path(), &["--db", "news.db", "schema"]);
    assert!(
        text(&schema.stdout).contains("[labels.Assertion"),
        "{}",
        text(&schema.stdout)
    );
    let bad = attest(
        dir.path(),
        &["--db", "news.db", "query", "CREATE (:Actr {name: 'x'})"],
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("did you mean `Actor`"),
        "{}",
        text(&bad.stderr)
    );
    let load = attest(dir.path(), &["--db", "news.db", "load", "article"]);
    assert!(load.status.success(), "{}", text(&load.stderr));
    let open = attest(dir.path(), &["--db", "open.db", "--schemaless", "schema"]);
    assert!(text(&open.stdout).contains("schemaless"));
}

#[test]
fn scripts_run_in_order_and_stop_at_the_first_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.cypher"),
        "// setup\nCREATE (:A {x: 1});\n/* query */ MATCH (a:A) RETURN a.x AS x;\nMATCH (a) RETURN b;\nRETURN 'never';\n",
    )
    .unwrap();
    let out = attest(dir.path(), &["--memory", "run", "--format", "json", "s.cypher"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].contains(r#""rows":[[1]]"#), "{}", lines[1]);
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("SyntaxError[UndefinedVariable]: variable `b` is not defined"),
        "{stderr}"
    );
    assert!(first.contains("s.cypher:4:18"), "{stderr}");
    assert!(
        stderr.contains("  MATCH (a) RETURN b;\n                   ^"),
        "{stderr}"
    );
}

#[test]
fn runtime_errors_in_scripts_point_at_the_failing_part_of_the_statement() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.cypher"),
        "CREATE (:A {n: 0});\nMATCH (a:A)\nSET a.seen = true, a.r = 1 / a.n;\n",
    )
    .unwrap();
    let out = attest(dir.path(), &["--memory", "run", "r.cypher"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("ArithmeticError[DivisionByZero]"), "{stderr}");
    assert!(first.contains("r.cypher:3:20"), "{stderr}");
    assert!(
        stderr.contains("  SET a.seen = true, a.r = 1 / a.n;\n                     ^"),
        "{stderr}"
    );
}

#[test]
fn formats_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.json"),
        r#"{"names": ["Jordan", "Russia"], "f": {"$float": "Infinity"}}"#,
    )
    .unwrap();
    let query = "UNWIND $names AS n RETURN n AS name, size(n) AS len, $f AS f";
    let csv = attest(
        dir.path(),
        &[
            "--memory", "query", query, "--format", "csv", "--params", "p.json",
        ],
    );
    assert_eq!(
        text(&csv.stdout),
        "name,len,f\nJordan,6,Infinity\nRussia,6,Infinity\n",
        "{}",
        text(&csv.stderr)
    );
    let json = attest(
        dir.path(),
        &[
            "--memory", "query", query, "--format", "json", "--params", "p.json",
        ],
    );
    assert!(
        text(&json.stdout).contains(r#"["Jordan",6,{"$float":"Infinity"}]"#),
        "{}",
        text(&json.stdout)
    );
    let table = attest(dir.path(), &["--memory", "query", "RETURN 1 AS one"]);
    assert!(text(&table.stdout).contains("| one |") && text(&table.stdout).contains("1 row"));
    let missing = attest(dir.path(), &["--memory", "query", "RETURN $nope"]);
    assert!(
        text(&missing.stderr).starts_with("ParameterMissing"),
        "{}",
        text(&missing.stderr)
    );
    let bad_json = std::fs::write(dir.path().join("bad.json"), "{\"a\": }");
    assert!(bad_json.is_ok());
    let bad = attest(
        dir.path(),
        &["--memory", "query", "RETURN 1", "--params", "bad.json"],
    );
    assert!(
        !bad.status.success() && text(&bad.stderr).contains("bad.json:1:"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn statements_from_standard_input_when_it_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn(dir.path(), &["--memory"], true);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"CREATE (:A {n: 1}), (:A {n: 2});\nMATCH (a:A) RETURN sum(a.n) AS total;\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("| 3     |"), "{}", text(&out.stdout));
}

#[test]
fn a_store_in_use_is_reported_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut holder = spawn(dir.path(), &["--db", "held.db", "--schemaless"], true);
    // The first process holds the store open while it waits for standard input.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = attest(dir.path(), &["--db", "held.db", "stats"]);
    drop(holder.stdin.take());
    let _ = holder.wait();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("held.db"), "{}", text(&out.stderr));
}

#[test]
fn unknown_names_in_an_open_store_are_warned_about_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("w.cypher"),
        "CREATE (:Actor)-[:AGENT]->(:Event);\nMATCH (n:Actr)<-[:AGNET]-() RETURN n;\n\
         CREATE (a:Fresh)-[:NEW]->(b) WITH a MATCH (a)-[:NEW]->(c:Fresh) RETURN count(*) AS n;\n",
    )
    .unwrap();
    let out = attest(dir.path(), &["--memory", "run", "w.cypher"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    // Names the statement itself writes are not unknown.
    assert!(!stderr.contains("Fresh") && !stderr.contains("NEW"), "{stderr}");
    assert!(
        stderr.contains("warning: label `Actr` is not in the graph (at 2:10); did you mean `Actor`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("relationship type `AGNET` is not in the graph (at 2:19); did you mean `AGENT`?"),
        "{stderr}"
    );
}

#[test]
fn import_prints_a_summary_and_points_at_bad_rows_with_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    std::fs::create_dir(&csv).unwrap();
    std::fs::write(
        csv.join("Actor.csv"),
        "id,name,kind\n1,Russia,country\n2,Syria,country\n",
    )
    .unwrap();
    std::fs::write(csv.join("MEMBER_OF.csv"), "from,to\n1,2\n").unwrap();
    let out = attest(dir.path(), &["--db", "s.db", "import", "--csv", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("imported csv: 2 nodes and 1 relationships from 2 file(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("MEMBER_OF.csv  [:MEMBER_OF]"), "{stdout}");
    // No progress bar when standard error is not a terminal.
    assert_eq!(text(&out.stderr), "");
    let history = attest(dir.path(), &["--db", "s.db", "history"]);
    assert!(text(&history.stdout).contains("+2n -0n +1r -0r  import csv"));

    std::fs::write(csv.join("Actor.csv"), "id,name,kind\n3,Jordan,kingdom\n").unwrap();
    std::fs::write(csv.join("MEMBER_OF.csv"), "from,to\n3,1\n").unwrap();
    let out = attest(dir.path(), &["--db", "s.db", "import", "--csv", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("'kingdom' is not in vocabulary `actor_kind`"),
        "{stderr}"
    );
    assert!(stderr.contains("csv/Actor.csv:2:10"), "{stderr}");
    assert!(stderr.contains("  3,Jordan,kingdom\n           ^\n"), "{stderr}");
    let stats = attest(dir.path(), &["--db", "s.db", "stats"]);
    assert!(text(&stats.stdout).starts_with("2 nodes, 1 relationships"));
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn(
        dir.path(),
        &["--memory", "query", "UNWIND range(1, 200000) AS x RETURN x"],
        false,
    );
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed now, as `attest … | head -1` closes it.
    let out = child.wait_with_output().unwrap();
    assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
    // A reader gone before the first byte: the store's own commands too.
    for args in [["--memory", "schema"], ["--memory", "stats"]] {
        let mut child = spawn(dir.path(), &args, false);
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            !text(&out.stderr).contains("panicked"),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}");
    }
}

/// Runs the binary in `dir` with `ATTEST_DB` set to `db`.
fn attest_env(dir: &std::path::Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .current_dir(dir)
        .env("ATTEST_DB", db)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

#[test]
fn stats_prints_the_article_counts_per_label_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let out = attest(dir.path(), &["stats"]);
    let stdout = text(&out.stdout);
    for line in [
        "71 nodes, 146 relationships",
        ":Actor               23",
        ":Assertion           10",
        ":Event               11",
        ":Place                6",
        ":Sentence            15",
        "[:BEFORE]             6",
        "[:SAID_BY]           10",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim() == line.trim()),
            "{line:?} in\n{stdout}"
        );
    }
}

#[test]
fn attest_db_memory_schema_and_schemaless_select_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let schema = "format = 1\nname = \"other\"\n[labels.Thing.properties]\nname = { type = \"string\" }\n";
    std::fs::write(dir.path().join("other.toml"), schema).unwrap();

    // ATTEST_DB names the store: new, empty, news schema, not seeded.
    let out = attest_env(dir.path(), "env.db", &["stats"]);
    assert!(text(&out.stdout).starts_with("0 nodes"), "{}", text(&out.stderr));
    assert!(dir.path().join("env.db").is_dir());
    assert!(!dir.path().join("attest.db").exists());
    let load = attest_env(dir.path(), "env.db", &["load", "article"]);
    assert!(load.status.success(), "{}", text(&load.stderr));
    let stats = attest_env(dir.path(), "env.db", &["stats"]);
    assert!(
        text(&stats.stdout).starts_with("71 nodes"),
        "{}",
        text(&stats.stdout)
    );

    // --memory overrides ATTEST_DB: empty, open, gone at exit.
    let memory = attest_env(
        dir.path(),
        "env.db",
        &["--memory", "query", "CREATE (:Anything {x: 1}) RETURN 1"],
    );
    assert!(memory.status.success(), "{}", text(&memory.stderr));
    let memory = attest_env(dir.path(), "env.db", &["--memory", "stats"]);
    assert!(
        text(&memory.stdout).starts_with("0 nodes"),
        "{}",
        text(&memory.stderr)
    );
    // … but not an explicit --db.
    let both = attest(dir.path(), &["--db", "x.db", "--memory", "stats"]);
    assert!(!both.status.success());
    assert!(
        text(&both.stderr).contains("cannot be used with"),
        "{}",
        text(&both.stderr)
    );

    // --memory --schema FILE: typed by that schema.
    let typed = attest(
        dir.path(),
        &[
            "--memory",
            "--schema",
            "other.toml",
            "query",
            "CREATE (:Actor {name: 'x'})",
        ],
    );
    assert!(!typed.status.success());
    assert!(
        text(&typed.stderr).contains("not in schema `other`"),
        "{}",
        text(&typed.stderr)
    );

    // --db PATH --schema FILE: a new store of another domain keeps it.
    let other = attest(
        dir.path(),
        &["--db", "other.db", "--schema", "other.toml", "schema"],
    );
    assert!(
        text(&other.stdout).contains("name = \"other\""),
        "{}",
        text(&other.stdout)
    );
    let again = attest(dir.path(), &["--db", "other.db", "schema"]);
    assert!(
        text(&again.stdout).contains("name = \"other\""),
        "{}",
        text(&again.stdout)
    );

    // --schemaless: any label.
    let open = attest(
        dir.path(),
        &["--db", "open.db", "--schemaless", "query", "CREATE (:Whatever)"],
    );
    assert!(open.status.success(), "{}", text(&open.stderr));

    // Nothing but the named stores was created.
    let mut entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    entries.sort();
    assert_eq!(entries, ["env.db", "open.db", "other.db", "other.toml"]);
}
