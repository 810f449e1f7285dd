//! Golden tests, in the spirit of toyDB's goldenscripts: each
//! `tests/golden/NAME.cypher` holds statements separated by `;`, and
//! `tests/golden/NAME.out` holds, for each statement, the statement itself
//! (every line prefixed with `> `) followed by its output: the table
//! rendering of `attest::cli::render::render(&result, Format::Table, None)`
//! with timings stripped, or the first line of the error for a failing
//! statement. A blank line separates statements.
//!
//! Every script runs against a fresh in-memory store: an open (schemaless)
//! store, or one typed with the news schema (`data/schema.toml`) when the
//! file name starts with `news_`. A failing statement does not stop the
//! script. Error positions (`at LINE:COLUMN`) count from the start of the
//! statement as echoed.
//!
//! A comment `// params: {JSON}` before a statement gives that statement
//! parameters, in the JSON encoding of `attest run --params`. In a script
//! with a line `// golden: carets`, a failing statement's output also has
//! the offending line with a caret under the error's position, as the CLI
//! and the REPL print it.
//!
//! To create or rewrite the expected outputs after a deliberate change, run
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --test golden
//! ```
//!
//! and then read every changed `.out` file before committing it: the files
//! are the specification, so an output is only right if openCypher (or
//! `docs/language.md`, for Attest's extensions) says so. Files whose name
//! starts with `bug_` hold the correct output of statements the engine gets
//! wrong today; their tests are ignored and UPDATE_GOLDEN does not rewrite
//! them.

use attest::Error;
use attest::cli::caret_snippet;
use attest::cli::json::params_from_json;
use attest::cli::render::{Format, render};
use attest::db::{Graph, OpenOptions};
use attest::lang::Params;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// One statement of a script, with the parameters its comment gave.
#[derive(Debug, PartialEq)]
struct Statement {
    text: String,
    params: Option<String>,
}

/// Splits a script at `;` outside strings, back-quoted names and comments.
/// Each statement starts at its first token (comments before it are not
/// part of it) and ends before its `;`; empty statements are dropped.
fn split_statements(script: &str) -> Vec<Statement> {
    let chars: Vec<(usize, char)> = script.char_indices().collect();
    let mut statements = Vec::new();
    let mut start: Option<usize> = None;
    let mut params: Option<String> = None;
    let mut i = 0;
    let mut finish = |start: &mut Option<usize>, params: &mut Option<String>, end: usize| {
        if let Some(s) = start.take() {
            let text = script[s..end].trim().to_string();
            if !text.is_empty() {
                statements.push(Statement {
                    text,
                    params: params.take(),
                });
            }
        }
    };
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        match (c, next) {
            ('/', Some('/')) => {
                let end = chars[i..]
                    .iter()
                    .position(|&(_, c)| c == '\n')
                    .map_or(chars.len(), |n| i + n);
                let comment = script[at + 2..chars.get(end).map_or(script.len(), |&(b, _)| b)].trim();
                if start.is_none()
                    && let Some(json) = comment.strip_prefix("params:")
                {
                    params = Some(json.trim().to_string());
                }
                i = end;
            }
            ('/', Some('*')) => {
                let mut j = i + 2;
                while j < chars.len()
                    && !(chars[j].1 == '*' && chars.get(j + 1).map(|&(_, c)| c) == Some('/'))
                {
                    j += 1;
                }
                i = j + 2;
            }
            (';', _) => {
                finish(&mut start, &mut params, at);
                i += 1;
            }
            (q @ ('\'' | '"' | '`'), _) => {
                start.get_or_insert(at);
                let mut j = i + 1;
                while j < chars.len() && chars[j].1 != q {
                    j += if chars[j].1 == '\\' && q != '`' { 2 } else { 1 };
                }
                i = j + 1;
            }
            (c, _) if c.is_whitespace() => i += 1,
            _ => {
                start.get_or_insert(at);
                i += 1;
            }
        }
    }
    finish(&mut start, &mut params, script.len());
    statements
}

/// Removes what changes from run to run: the timing of the summary line
/// and of each PROFILE operator.
fn strip_timings(text: &str) -> String {
    let summary = Regex::new(r" \(\d+\.\d+ ms\)$").expect("valid regex");
    let profile = Regex::new(r", time: \d+\.\d+ ms$").expect("valid regex");
    text.lines()
        .map(|line| profile.replace(&summary.replace(line, ""), "").into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a script and returns its golden output.
fn run_script(name: &str, script: &str) -> String {
    let graph = if name.starts_with("news_") {
        Graph::in_memory_with(OpenOptions::default())
    } else {
        Graph::in_memory()
    };
    let carets = script.lines().any(|l| l.trim() == "// golden: carets");
    let mut out = String::new();
    for statement in split_statements(script) {
        for line in statement.text.lines() {
            out.push_str(format!("> {line}").trim_end());
            out.push('\n');
        }
        let params = match &statement.params {
            Some(json) => match params_from_json(json, "params") {
                Ok(p) => p,
                Err(e) => panic!("{name}: bad `// params:` before `{}`: {e}", statement.text),
            },
            None => Params::new(),
        };
        let output = match graph.query_with(&statement.text, &params) {
            Ok(result) => strip_timings(&render(&result, Format::Table, None)),
            Err(e) => {
                let mut output = e.to_string().lines().next().unwrap_or_default().to_string();
                if let (true, Error::Query(q)) = (carets, &e)
                    && let Some(snippet) = caret_snippet(q, &statement.text)
                {
                    output.push('\n');
                    output.push_str(&snippet);
                }
                output
            }
        };
        out.push_str(output.trim_end());
        out.push_str("\n\n");
    }
    out
}

/// Runs `tests/golden/NAME.cypher` and compares with (or, with
/// UPDATE_GOLDEN=1, writes) `NAME.out`.
fn golden(name: &str) {
    let dir = golden_dir();
    let script_path = dir.join(format!("{name}.cypher"));
    let out_path = dir.join(format!("{name}.out"));
    let script =
        std::fs::read_to_string(&script_path).unwrap_or_else(|e| panic!("{}: {e}", script_path.display()));
    let actual = run_script(name, &script);
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    if update && !name.starts_with("bug_") {
        std::fs::write(&out_path, &actual).unwrap_or_else(|e| panic!("{}: {e}", out_path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&out_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run UPDATE_GOLDEN=1 cargo test --test golden)",
            out_path.display()
        )
    });
    if !matches(&actual, &expected) {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| !line_matches(a, e))
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        let context = |text: &str| {
            text.lines()
                .skip(first.saturating_sub(6))
                .take(14)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{name}: the output differs from {} from line {}\n--- expected ---\n{}\n--- got ---\n{}\n\n\
             (if the new output is right, run UPDATE_GOLDEN=1 cargo test --test golden and review the diff)",
            out_path.display(),
            first + 1,
            context(&expected),
            context(&actual)
        );
    }
}

/// An expected line ending in ` ...` (written by hand in a `bug_` file,
/// where the engine's future message is not known) matches any line with
/// that beginning; every other line must be equal.
fn line_matches(actual: &str, expected: &str) -> bool {
    match expected.strip_suffix(" ...") {
        Some(prefix) => actual.starts_with(prefix),
        None => actual == expected,
    }
}

fn matches(actual: &str, expected: &str) -> bool {
    actual.lines().count() == expected.lines().count()
        && actual
            .lines()
            .zip(expected.lines())
            .all(|(a, e)| line_matches(a, e))
}

macro_rules! golden {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                golden(stringify!($name));
            }
        )*
        const SCRIPTS: &[&str] = &[$(stringify!($name)),*];
    };
}

golden! {
    match_patterns,
    match_var_length,
    match_paths,
    optional_match,
    with_where,
    aggregation,
    order_skip_limit,
    unwind,
    union,
    expressions,
    null_semantics,
    dates,
    create,
    merge,
    set_remove,
    delete,
    explain_profile,
    show,
    news_show,
    news_schema,
    errors_syntax,
    errors_semantic,
    errors_runtime,
    errors_positions,
    parameters,
    merge_null,
    deleted_entity_access,
    news_unknown_names,
    timeline,
}

#[test]
fn every_script_has_a_test_and_an_output() {
    let mut scripts = BTreeSet::new();
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("cypher") => {
                assert!(
                    path.with_extension("out").exists(),
                    "{name}.cypher has no {name}.out"
                );
                scripts.insert(name);
            }
            Some("out") => assert!(
                path.with_extension("cypher").exists(),
                "{name}.out has no {name}.cypher"
            ),
            _ => panic!("unexpected file {} in tests/golden", path.display()),
        }
    }
    let tested: BTreeSet<String> = SCRIPTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        scripts, tested,
        "the scripts of tests/golden and the tests of tests/golden.rs differ"
    );
}

#[test]
fn scripts_split_at_semicolons_outside_strings_and_comments() {
    let script = "// params: {\"a\": 1}\nRETURN $a; /* ; */ RETURN 'x;y' AS `a;b` // ;\n;\n;RETURN \"\\\";\"";
    let statements = split_statements(script);
    assert_eq!(
        statements,
        [
            Statement {
                text: "RETURN $a".into(),
                params: Some("{\"a\": 1}".into())
            },
            Statement {
                text: "RETURN 'x;y' AS `a;b` // ;".into(),
                params: None
            },
            Statement {
                text: "RETURN \"\\\";\"".into(),
                params: None
            },
        ]
    );
}

#[test]
fn hand_written_error_lines_match_by_prefix() {
    assert!(line_matches(
        "SemanticError[MergeReadOwnWrites]: cannot merge",
        "SemanticError[MergeReadOwnWrites]: ..."
    ));
    assert!(!line_matches(
        "0 rows, 1 nodes created",
        "SemanticError[MergeReadOwnWrites]: ..."
    ));
    assert!(!line_matches("1 row", "1 rows"));
    assert!(!matches("a\nb\n", "a\n"));
}

#[test]
fn timings_are_stripped() {
    assert_eq!(
        strip_timings("1 row, 2 nodes created (0.25 ms)\n    rows: 2, time: 0.216 ms"),
        "1 row, 2 nodes created\n    rows: 2"
    );
}
