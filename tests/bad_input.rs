//! Malformed input, table-driven, through the `attest` binary: queries,
//! fact files, CSV directories, parameter files and damaged stores. Each
//! case must end with a non-zero exit, an error message on standard error
//! (and no panic), and leave the store exactly as it was: the same dump of
//! records and log for a healthy store, the same bytes for a damaged one.

use attest::db::Graph;
use attest::storage::{Engine, SledEngine, WriteBatch};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One malformed input: what to write into the working directory, the
/// arguments after `--db s.db`, and a word the error must contain.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    says: &'static str,
}

fn case(name: &'static str, files: &[(&'static str, &[u8])], args: &[&str], says: &'static str) -> Case {
    Case {
        name,
        files: files.iter().map(|(p, b)| (*p, b.to_vec())).collect(),
        args: args.iter().map(|s| s.to_string()).collect(),
        says,
    }
}

fn query(name: &'static str, text: &str, says: &'static str) -> Case {
    Case {
        name,
        files: vec![],
        args: vec!["query".into(), text.into()],
        says,
    }
}

fn facts(name: &'static str, text: &[u8], says: &'static str) -> Case {
    case(
        name,
        &[("bad.facts", text), ("doc.txt", b"Doc\n\nOne sentence.")],
        &["load", "bad.facts"],
        says,
    )
}

fn csv(name: &'static str, files: &[(&'static str, &[u8])], says: &'static str) -> Case {
    case(name, files, &["import", "--csv", "csv"], says)
}

fn params(name: &'static str, json: &[u8], says: &'static str) -> Case {
    case(
        name,
        &[("p.json", json), ("s.cypher", b"RETURN $x AS x;")],
        &["run", "--params", "p.json", "s.cypher"],
        says,
    )
}

fn cases() -> Vec<Case> {
    let deep = format!("RETURN {}1{}", "(".repeat(5000), ")".repeat(5000));
    let deep_json = format!("{{\"x\": {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    vec![
        // Queries.
        query("unclosed node", "MATCH (n RETURN n", "SyntaxError"),
        query("dangling operator", "RETURN 1 +", "SyntaxError"),
        query("unterminated string", "RETURN 'abc", "SyntaxError"),
        query("unknown variable", "MATCH (n) RETURN m", "SyntaxError"),
        query("unknown label", "CREATE (:Nope {name: 'x'})", "not in schema"),
        query("missing required", "CREATE (:Actor {name: 'Nobody'})", "ConstraintVerificationFailed"),
        query("outside vocabulary", "MATCH (a:Actor {name: 'Russia'}) SET a.kind = 'alien'", "vocabulary"),
        query("wrong property type", "MATCH (a:Actor {name: 'Russia'}) SET a.anonymous = 3", "Constraint"),
        query(
            "unique twice in one statement",
            "CREATE (:Actor {name: 'Twin', kind: 'person'}), (:Actor {name: 'Twin', kind: 'person'})",
            "Constraint",
        ),
        query("unique against the store", "CREATE (:Actor {name: 'Russia', kind: 'country'})", "Constraint"),
        query("delete with relationships", "MATCH (a:Actor {name: 'Russia'}) DELETE a", "Constraint"),
        query("division by zero", "RETURN 1 / 0", "ArithmeticError"),
        query("integer overflow", "RETURN 9223372036854775807 + 1", "ArithmeticError"),
        query("missing parameter", "RETURN $nothing", "ParameterMissing"),
        query("type error", "RETURN 'a' - 1", "InvalidArgumentType"),
        query("negative limit", "MATCH (n) RETURN n LIMIT -1", "Error"),
        case("nul byte", &[("s.cypher", b"RETURN 1\0;")], &["run", "s.cypher"], "Error"),
        query("deep nesting", &deep, "SyntaxError"),
        query(
            "write then fail in one statement",
            "CREATE (:Actor {name: 'Half', kind: 'person'}) WITH 1 AS x RETURN 1 / 0",
            "ArithmeticError",
        ),
        query("invalid regex", "RETURN 'a' =~ '('", "Error"),
        // Fact files.
        facts("fact: unterminated string", b"(a:Actor {name: \"x}) external \"n\"", "SyntaxError"),
        facts("fact: no citation", b"(a:Actor {name: \"A\", kind: \"person\"})", "citation"),
        facts("fact: unknown label", b"(a:Martian {name: \"A\"}) external \"n\"", "Martian"),
        facts(
            "fact: unknown key in relationship",
            b"(a:Actor {name: \"A\", kind: \"person\"}) external \"n\"\n(a)-[:MEMBER_OF]->(ghost) external \"n\"",
            "ghost",
        ),
        facts(
            "fact: key used twice",
            b"(a:Actor {name: \"A\", kind: \"person\"}) external \"n\"\n(a:Actor {name: \"B\", kind: \"person\"}) external \"n\"",
            "Error",
        ),
        facts("fact: vocabulary", b"(a:Actor {name: \"A\", kind: \"alien\"}) external \"n\"", "vocabulary"),
        facts("fact: invalid UTF-8", b"(a:Actor {name: \"\xff\xfe\", kind: \"person\"}) external \"n\"", "UTF-8"),
        facts("fact: missing document text", b"document d {title: 'T'} text 'missing.txt'", "missing.txt"),
        facts(
            "fact: cites beyond the document",
            b"document d {title: 'T'} text 'doc.txt'\n(a:Actor {name: \"A\", kind: \"person\"}) cites 99",
            "99",
        ),
        facts("fact: empty property value", b"(a:Actor {name: }) external \"n\"", "SyntaxError"),
        facts(
            "fact: schema join",
            b"(a:Actor {name: \"A\", kind: \"person\"}) external \"n\"\n(p:Place {name: \"P\"}) external \"n\"\n(p)-[:MEMBER_OF]->(a) external \"n\"",
            "Constraint",
        ),
        case("fact: file missing", &[], &["load", "nowhere.facts"], "nowhere.facts"),
        // CSV directories.
        csv("csv: no id column", &[("csv/Actor.csv", b"name,kind\nA,person\n")], "Error"),
        csv(
            "csv: wrong type",
            &[("csv/Event.csv", b"id,kind,date\n900,attack,not-a-date\n")],
            "date",
        ),
        csv(
            "csv: dangling relationship end",
            &[
                ("csv/Actor.csv", b"id,name,kind\n900,A,person\n"),
                ("csv/MEMBER_OF.csv", b"from,to\n900,12345\n"),
            ],
            "12345",
        ),
        csv(
            "csv: duplicate id",
            &[("csv/Actor.csv", b"id,name,kind\n900,A,person\n900,B,person\n")],
            "900",
        ),
        csv("csv: Latin-1 bytes", &[("csv/Actor.csv", b"id,name,kind\n900,Andr\xe9,person\n")], "UTF-8"),
        csv("csv: row too long", &[("csv/Actor.csv", b"id,name,kind\n900,A,person,extra\n")], "fields"),
        csv("csv: empty file", &[("csv/Actor.csv", b"")], "empty"),
        csv("csv: unknown label", &[("csv/Martian.csv", b"id,name\n900,A\n")], "Martian"),
        csv("csv: unknown column", &[("csv/Actor.csv", b"id,name,kind,shoe\n900,A,person,42\n")], "shoe"),
        csv("csv: bad manifest JSON", &[("csv/manifest.json", b"{\"files\": ")], "manifest"),
        csv(
            "csv: manifest names a missing file",
            &[("csv/manifest.json", br#"{"files": {"Gone.csv": {"kind": "node", "label": "Actor"}}}"#)],
            "Gone.csv",
        ),
        csv(
            "csv: manifest count disagrees",
            &[
                ("csv/manifest.json", br#"{"files": {"Actor.csv": {"kind": "node", "label": "Actor", "count": 5}}}"#),
                ("csv/Actor.csv", b"id,name,kind\n900,A,person\n"),
            ],
            "Error",
        ),
        csv(
            "csv: a bad row after good ones",
            &[("csv/Actor.csv", b"id,name,kind\n900,A,person\n901,B,person\n902,C,alien\n")],
            "vocabulary",
        ),
        csv("csv: not a directory", &[("csv", b"just a file")], "csv"),
        // Parameter files.
        params("params: invalid JSON", b"{\"x\": ", "p.json"),
        params("params: not an object", b"[1, 2]", "p.json"),
        params("params: trailing garbage", b"{\"x\": 1} x", "p.json"),
        params("params: invalid UTF-8", b"{\"x\": \"\xff\"}", "p.json"),
        params("params: deep nesting", deep_json.as_bytes(), "p.json"),
        case("params: file missing", &[("s.cypher", b"RETURN 1;")], &["run", "--params", "none.json", "s.cypher"], "none.json"),
        // A script that writes, then fails: the first statement stays
        // (statements commit one by one), so it is not here; a failing
        // statement inside one is.
        case(
            "script: bad second statement writes nothing of itself",
            &[("s.cypher", b"MATCH (n) RETURN count(n);\nCREATE (:Actor {name: 'Z', kind: 'person'}) WITH 1 AS x RETURN x / 0;")],
            &["run", "s.cypher"],
            "ArithmeticError",
        ),
    ]
}

fn attest(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("attest runs")
}

/// Every record and the log of the store, in a comparable form.
fn dump(path: &Path) -> String {
    let graph = Graph::open(path).unwrap();
    let snap = graph.read();
    let mut nodes: Vec<String> = snap.index().nodes().map(|n| format!("{n:?}")).collect();
    let mut rels: Vec<String> = snap.index().relationships().map(|r| format!("{r:?}")).collect();
    nodes.sort();
    rels.sort();
    let log: Vec<String> = graph
        .history()
        .unwrap()
        .iter()
        .map(|t| format!("{t:?}"))
        .collect();
    format!("{nodes:#?}\n{rels:#?}\n{log:#?}")
}

/// What is wrong with how a case failed, if anything.
fn failure_problem(name: &str, out: &std::process::Output, says: &str) -> Option<String> {
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(1) {
        Some(format!("{name}: exit {:?}, stderr {err}", out.status))
    } else if err.contains("panicked") || !err.contains(says) {
        Some(format!("{name}: expected {says:?} in {err}"))
    } else {
        None
    }
}

#[test]
fn malformed_inputs_fail_cleanly_and_change_nothing() {
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let graph = Graph::open(&db).unwrap();
        attest::facts::load_article(&graph).unwrap();
    }
    let before = dump(&db);
    let mut problems = Vec::new();
    for case in &cases {
        let work = dir.path().join("work");
        let _ = fs::remove_dir_all(&work);
        fs::create_dir(&work).unwrap();
        for (path, bytes) in &case.files {
            let path = work.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        let mut args = vec!["--db".to_string(), db.display().to_string()];
        args.extend(case.args.iter().cloned());
        let out = attest(&work, &args);
        problems.extend(failure_problem(case.name, &out, case.says));
        if dump(&db) != before {
            problems.push(format!("{}: the store changed", case.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.clone(), fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// What a store holds: every key and value when sled can open it (sled
/// rewrites its own files on open, so bytes are not the measure), else
/// the bytes of every file.
fn contents(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    if path.is_file() {
        return vec![(path.to_path_buf(), fs::read(path).unwrap())];
    }
    match SledEngine::open(path) {
        Ok(engine) => engine
            .scan_prefix(b"")
            .map(|kv| {
                let (k, v) = kv.unwrap();
                (PathBuf::from(format!("{k:?}")), v)
            })
            .collect(),
        Err(_) => files(path),
    }
}

fn with_engine(path: &Path, f: impl FnOnce(&SledEngine)) {
    let engine = SledEngine::open(path).unwrap();
    f(&engine);
    engine.flush().unwrap();
}

fn put(engine: &SledEngine, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(key.to_vec(), value.to_vec());
    engine.apply(batch).unwrap();
}

#[test]
fn damaged_stores_are_refused_and_left_alone() {
    type Damage = Box<dyn Fn(&Path)>;
    let damages: Vec<(&str, Damage, &str)> = vec![
        (
            "unknown format version",
            Box::new(|p| with_engine(p, |e| put(e, b"Mformat", &99u32.to_be_bytes()))),
            "store format 99 is not supported",
        ),
        (
            "damaged format version",
            Box::new(|p| with_engine(p, |e| put(e, b"Mformat", b"\x01"))),
            "damaged format version",
        ),
        (
            "damaged node page",
            Box::new(|p| {
                with_engine(p, |e| {
                    let key = e.scan_prefix(b"N").next().unwrap().unwrap().0;
                    put(e, &key, b"\xff\xff\xff\xff garbage");
                })
            }),
            "damaged node page",
        ),
        (
            "missing id counter",
            Box::new(|p| {
                with_engine(p, |e| {
                    let mut batch = WriteBatch::new();
                    batch.delete(b"Mnext_rel".to_vec());
                    e.apply(batch).unwrap();
                })
            }),
            "missing id counter",
        ),
        (
            "truncated db file",
            Box::new(|p| {
                let db = p.join("db");
                let len = fs::metadata(&db).unwrap().len();
                let file = fs::OpenOptions::new().write(true).open(&db).unwrap();
                file.set_len(len / 10).unwrap();
            }),
            "",
        ),
        (
            "random bytes over the db file",
            Box::new(|p| {
                let db = p.join("db");
                let len = fs::metadata(&db).unwrap().len() as usize;
                let mut state = 0x9e3779b97f4a7c15u64;
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state as u8
                    })
                    .collect();
                fs::write(db, bytes).unwrap();
            }),
            "holding no Attest data",
        ),
        (
            "random bytes in conf",
            Box::new(|p| fs::write(p.join("conf"), b"\x13\x37 not a sled config at all").unwrap()),
            "",
        ),
        (
            "a file where the store should be",
            Box::new(|p| {
                fs::remove_dir_all(p).unwrap();
                fs::write(p, b"not a store").unwrap();
            }),
            "is a file",
        ),
        (
            "a foreign directory",
            Box::new(|p| {
                fs::remove_dir_all(p).unwrap();
                fs::create_dir(p).unwrap();
                fs::write(p.join("notes.md"), b"mine").unwrap();
            }),
            "not an Attest store",
        ),
    ];
    for (name, damage, says) in damages {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        {
            let graph = Graph::open(&db).unwrap();
            attest::facts::load_article(&graph).unwrap();
        }
        damage(&db);
        let before = contents(&db);
        let out = attest(dir.path(), &["--db".into(), "s.db".into(), "stats".into()]);
        // sled recovers the longest intact prefix of its log (a cut-off
        // file looks like a crash): the store may open in an older state.
        // What must never happen is a panic, a store whose indexes disagree
        // with its records, or an emptied store taken for a new one.
        if out.status.success() {
            assert!(says.is_empty(), "{name}: opened a store it should refuse");
            eprintln!("{name}: sled recovered the store; the check agrees with it");
            let check = attest(dir.path(), &["--db".into(), "s.db".into(), "check".into()]);
            assert!(
                check.status.success(),
                "{name}: opened but inconsistent: {}",
                String::from_utf8_lossy(&check.stdout)
            );
            continue;
        }
        if let Some(problem) = failure_problem(name, &out, says) {
            panic!("{problem}");
        }
        assert!(before == contents(&db), "{name}: the refused store was modified");
    }
}
