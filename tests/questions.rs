//! The article question set: questions a reader asks of `data/article.txt`,
//! as Attest queries over the article graph, each with the answer a careful
//! reader expects.
//!
//! The questions and their answers live in `tests/questions/article.cypher`
//! (its header describes the format). Each question is its own test below,
//! so a failure names the question; `every_question_has_a_test` keeps the
//! list here and the file in step. A question whose answer is wrong because
//! of an engine bug keeps its correct answer and is marked
//! `#[ignore = "engine bug: …"]` until the engine is fixed.
//!
//! The file also checks the things a question file cannot say: the shape of
//! `evidence(x)`, `EXPLAIN` and `PROFILE`, the command line (`attest run`,
//! `attest query --params`) and the examples of `docs/language.md`.

use attest::db::{Graph, OpenOptions};
use attest::lang::{QueryResult, ResultValue};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const QUESTIONS: &str = include_str!("questions/article.cypher");
const QUESTIONS_PATH: &str = "tests/questions/article.cypher";

/// One question of the file.
#[derive(Debug)]
struct Question {
    id: String,
    question: String,
    /// 1-based line of the `// Q` line.
    line: usize,
    query: String,
    columns: Vec<String>,
    rows: Vec<String>,
    unordered: bool,
}

/// Splits the question file into questions (see its header for the format).
fn parse_questions(text: &str) -> Vec<Question> {
    let mut questions: Vec<Question> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(head) = trimmed.strip_prefix("// Q ") {
            let (id, question) = head
                .split_once(':')
                .unwrap_or_else(|| panic!("line {}: `// Q id: question`", i + 1));
            questions.push(Question {
                id: id.trim().to_string(),
                question: question.trim().to_string(),
                line: i + 1,
                query: String::new(),
                columns: Vec::new(),
                rows: Vec::new(),
                unordered: false,
            });
            continue;
        }
        let Some(q) = questions.last_mut() else { continue };
        if let Some(expected) = trimmed.strip_prefix("// =>") {
            let expected = expected.trim().to_string();
            if q.columns.is_empty() {
                q.columns = expected.split(" | ").map(str::to_string).collect();
            } else {
                q.rows.push(expected);
            }
        } else if trimmed == "// unordered" {
            q.unordered = true;
        } else if trimmed.starts_with("//") || trimmed.is_empty() {
            // Commentary, or the blank line between questions.
        } else {
            assert!(
                q.columns.is_empty(),
                "line {}: query text after the expected answer of `{}`",
                i + 1,
                q.id
            );
            q.query.push_str(line);
            q.query.push('\n');
        }
    }
    for q in &mut questions {
        let query = q.query.trim_end().trim_end_matches(';').trim_end().to_string();
        assert!(
            !query.is_empty(),
            "question `{}` (line {}) has no query",
            q.id,
            q.line
        );
        assert!(
            !q.columns.is_empty(),
            "question `{}` (line {}) has no expected answer",
            q.id,
            q.line
        );
        q.query = query;
    }
    questions
}

/// A value as a Cypher literal, the notation of the expected answers.
/// Written here rather than borrowed from the engine, so that a rendering
/// bug cannot hide a wrong answer.
fn literal(value: &ResultValue) -> String {
    match value {
        ResultValue::Null => "null".into(),
        ResultValue::Bool(b) => b.to_string(),
        ResultValue::Int(i) => i.to_string(),
        ResultValue::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 => format!("{x:.1}"),
        ResultValue::Float(x) if x.is_nan() => "NaN".into(),
        ResultValue::Float(x) if x.is_infinite() => (if *x > 0.0 { "Infinity" } else { "-Infinity" }).into(),
        ResultValue::Float(x) => x.to_string(),
        ResultValue::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        ResultValue::Date(d) => {
            let (y, m, day) = d.ymd();
            format!("{y:04}-{m:02}-{day:02}")
        }
        ResultValue::List(items) => format!("[{}]", items.iter().map(literal).collect::<Vec<_>>().join(", ")),
        ResultValue::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        ResultValue::Node(n) => {
            let labels: String = n.labels.iter().map(|l| format!(":{l}")).collect();
            let props: Vec<String> = n
                .properties
                .iter()
                .map(|(k, v)| format!("{k}: {}", literal(&ResultValue::from_plain(v))))
                .collect();
            format!("({labels} {{{}}})", props.join(", "))
        }
        ResultValue::Relationship(r) => format!("[:{}]", r.rel_type),
        ResultValue::Path { nodes, .. } => format!("<path of {} nodes>", nodes.len()),
    }
}

fn render_row(row: &[ResultValue]) -> String {
    row.iter().map(literal).collect::<Vec<_>>().join(" | ")
}

/// A fresh store with the news schema and the article loaded.
fn article() -> Graph {
    let graph = Graph::in_memory_with(OpenOptions::default());
    attest::facts::load_article(&graph).expect("the bundled article loads");
    graph
}

fn find(id: &str) -> Question {
    parse_questions(QUESTIONS)
        .into_iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no question `{id}` in {QUESTIONS_PATH}"))
}

/// Asks question `id` of a fresh article store and compares the answer.
fn ask(id: &str) {
    let q = find(id);
    let graph = article();
    let result: QueryResult = match graph.query(&q.query) {
        Ok(r) => r,
        Err(e) => panic!(
            "question `{}` ({QUESTIONS_PATH}:{}): {}\n{}\nfailed: {e}",
            q.id, q.line, q.question, q.query
        ),
    };
    let mut actual: Vec<String> = result.rows.iter().map(|r| render_row(r)).collect();
    let mut expected = q.rows.clone();
    if q.unordered {
        actual.sort();
        expected.sort();
    }
    if result.columns != q.columns || actual != expected {
        panic!(
            "question `{}` ({QUESTIONS_PATH}:{}): {}\n{}\n\nexpected:\n  {}\n  {}\ngot:\n  {}\n  {}\n",
            q.id,
            q.line,
            q.question,
            q.query,
            q.columns.join(" | "),
            expected.join("\n  "),
            result.columns.join(" | "),
            actual.join("\n  "),
        );
    }
}

/// One test per question; questions the engine answers wrongly today keep
/// their correct answer and are ignored with the reason.
macro_rules! questions {
    (
        answered: [$($id:ident),* $(,)?],
        engine_bugs: [$(($bug:ident, $reason:literal)),* $(,)?] $(,)?
    ) => {
        $(
            #[test]
            fn $id() {
                ask(stringify!($id));
            }
        )*
        $(
            #[test]
            #[ignore = $reason]
            fn $bug() {
                ask(stringify!($bug));
            }
        )*
        const IDS: &[&str] = &[$(stringify!($id),)* $(stringify!($bug)),*];
        /// Questions whose answer is wrong today because of an engine bug.
        const ENGINE_BUGS: &[&str] = &[$(stringify!($bug)),*];
    };
}

questions! {
    answered: [
        video_conference_participants,
        participants_and_their_organizations,
        persons_and_organizations,
        pentagon_members,
        pentagon_direct_members,
        coalition_members_by_depth,
        attacked_forces_and_subgroups,
        aliases_of_the_backed_forces,
        aircraft_at_the_staging_area,
        what_russia_did,
        actions_against_russia,
        after_the_hotline_call,
        everything_after_the_hotline_call,
        hotline_recipient,
        where_the_strikes_happened,
        where_the_first_strike_happened,
        places_around_the_first_strike,
        syria_events_and_agreements,
        conference_agreement,
        safety_of_flight_parties,
        events_without_agent,
        saturday_events,
        thursday_from_publication_date,
        weekday_words_match_dates,
        timeline,
        timeline_function,
        before_chain,
        anonymous_claims,
        on_and_off_the_record,
        two_explanations,
        claims_per_speaker,
        channels_per_speaker,
        pentagon_claims,
        claims_about_the_second_strike,
        claims_per_event,
        negative_claims,
        quoted_claims,
        quotes_are_verbatim,
        su34_evidence,
        claim_span_evidence,
        cook_outside_knowledge,
        first_strike_sentences,
        facts_from_sentence_9,
        links_from_sentence_9,
        outside_knowledge_by_label,
        publisher,
        sentence_9,
        carter_to_russia,
        carter_to_russia_all_routes,
        carter_to_russia_through_memberships,
        actors_by_kind,
        label_counts,
        relationship_type_counts,
        carter_to_russia_without_events,
    ],
    engine_bugs: [],
}

#[test]
fn every_question_has_a_test() {
    let questions = parse_questions(QUESTIONS);
    let mut seen = BTreeSet::new();
    for q in &questions {
        assert!(seen.insert(q.id.as_str()), "question `{}` appears twice", q.id);
        assert!(!q.question.is_empty(), "question `{}` has no wording", q.id);
    }
    let tested: BTreeSet<&str> = IDS.iter().copied().collect();
    assert_eq!(
        seen, tested,
        "the questions of {QUESTIONS_PATH} and the tests of tests/questions.rs differ"
    );
    assert!(questions.len() >= 25, "only {} questions", questions.len());
}

#[test]
fn the_answer_notation_is_unambiguous() {
    use attest::model::Date;
    use std::collections::BTreeMap;
    let date = Date::from_ymd(2016, 6, 16).unwrap();
    let row = [
        ResultValue::String("Russia’s 'call'".into()),
        ResultValue::Int(1),
        ResultValue::Float(1.0),
        ResultValue::String("1".into()),
        ResultValue::Null,
        ResultValue::String("null".into()),
        ResultValue::Date(date),
        ResultValue::String("2016-06-16".into()),
        ResultValue::List(vec![ResultValue::Int(1), ResultValue::Null]),
        ResultValue::Map(BTreeMap::from([
            ("b".into(), ResultValue::Bool(true)),
            ("a".into(), ResultValue::Float(0.5)),
        ])),
    ];
    assert_eq!(
        render_row(&row),
        "'Russia’s \\'call\\'' | 1 | 1.0 | '1' | null | 'null' | 2016-06-16 | '2016-06-16' | [1, null] | {a: 0.5, b: true}"
    );
}

// ---------------------------------------------------------------------------
// evidence(x)
// ---------------------------------------------------------------------------

fn map_keys(value: &ResultValue) -> Vec<&str> {
    match value {
        ResultValue::Map(m) => m.keys().map(String::as_str).collect(),
        other => panic!("expected a map, got {other:?}"),
    }
}

#[test]
fn evidence_is_a_list_of_maps_with_the_documented_fields() {
    let graph = article();
    let result = graph
        .query("MATCH (x:Equipment) WHERE x.name STARTS WITH 'Su-34' RETURN evidence(x) AS evidence")
        .unwrap();
    assert_eq!(result.rows.len(), 1);
    let ResultValue::List(items) = &result.rows[0][0] else {
        panic!("evidence() is not a list: {:?}", result.rows)
    };
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(
        map_keys(&items[0]),
        ["document", "sentence", "source", "text", "title"]
    );

    // An outside addition has a source and the note, nothing from a document.
    let result = graph
        .query("MATCH (c:Actor {name: 'Peter Cook'}) UNWIND evidence(c) AS ev RETURN ev ORDER BY ev.source")
        .unwrap();
    let keys: Vec<Vec<&str>> = result.rows.iter().map(|r| map_keys(&r[0])).collect();
    assert_eq!(
        keys,
        [
            vec!["document", "sentence", "source", "text", "title"],
            vec!["external", "source"]
        ]
    );
    assert_eq!(
        literal(&result.rows[1][0]).split(", ").next(),
        Some("{external: 'full name and title: Peter Cook")
    );

    // Relationships have evidence too: the Su-34s' use in the strike cites sentence 6.
    let result = graph
        .query(
            "MATCH (:Event)-[u:USED]->(x:Equipment) WHERE x.name STARTS WITH 'Su-34' \
             RETURN [ev IN evidence(u) | ev.source] AS sources",
        )
        .unwrap();
    assert_eq!(render_row(&result.rows[0]), "['article#6']");

    // evidence(null) is null; evidence of anything else is a type error.
    let result = graph
        .query("OPTIONAL MATCH (n:Actor {name: 'nobody'}) RETURN evidence(n) AS e")
        .unwrap();
    assert_eq!(render_row(&result.rows[0]), "null");
    let error = graph.query("RETURN evidence('Russia') AS e").unwrap_err();
    assert_eq!(error.class(), Some(attest::ErrorClass::TypeError), "{error}");
}

// ---------------------------------------------------------------------------
// EXPLAIN and PROFILE
// ---------------------------------------------------------------------------

#[test]
fn explain_shows_the_plan_without_running_the_query() {
    let graph = article();
    let result = graph
        .query("EXPLAIN MATCH (e:Event {kind: 'airstrike'})-[:AT]->(site:Place) RETURN site.name ORDER BY site.name")
        .unwrap();
    assert_eq!(result.columns, ["plan"]);
    assert!(!result.rows.is_empty());
    let plan: Vec<&str> = result
        .rows
        .iter()
        .map(|r| match r.as_slice() {
            [ResultValue::String(line)] => line.as_str(),
            other => panic!("a plan row is one string, got {other:?}"),
        })
        .collect();
    let text = plan.join("\n");
    assert!(
        text.contains("Event") || text.contains("Place"),
        "the plan does not mention a label it scans:\n{text}"
    );
    assert!(
        text.contains("[:AT]"),
        "the plan does not mention the relationship it expands:\n{text}"
    );
    assert_eq!(result.plan.as_deref().map(str::trim_end), Some(text.as_str()));

    // EXPLAIN of a write writes nothing.
    let before = graph.stats();
    let result = graph
        .query("EXPLAIN CREATE (:Actor {name: 'Nobody', kind: 'person'})")
        .unwrap();
    assert_eq!(result.columns, ["plan"]);
    assert_eq!(result.stats, Default::default());
    assert_eq!(graph.stats(), before);
}

/// A plan should show every condition it checks: here the label of the
/// node it expands to and the property map of the one it scans.
#[test]
fn explain_shows_every_condition_it_checks() {
    let graph = article();
    let result = graph
        .query("EXPLAIN MATCH (e:Event {kind: 'airstrike'})-[:AT]->(site:Place) RETURN site.name")
        .unwrap();
    let text = result.plan.unwrap_or_default();
    assert!(
        text.contains("Event") && text.contains("Place"),
        "a label check is missing:\n{text}"
    );
    assert!(
        text.contains("kind") || text.contains("filter"),
        "the property map is missing:\n{text}"
    );
}

#[test]
fn profile_runs_the_query_and_counts_rows() {
    let graph = article();
    let result = graph
        .query("PROFILE MATCH (e:Event {kind: 'airstrike'})-[:AT]->(site:Place) RETURN site.name AS site ORDER BY site")
        .unwrap();
    assert_eq!(result.columns, ["site"]);
    assert_eq!(
        result.rows.iter().map(|r| render_row(r)).collect::<Vec<_>>(),
        [
            "'At-Tanf garrison'",
            "'staging area of the anti-Islamic State forces at At-Tanf'"
        ]
    );
    let plan = result.plan.expect("PROFILE returns the plan");
    assert!(plan.contains("rows: 2"), "{plan}");
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn attest(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--db")
        .arg(dir.join("store"))
        .args(args)
        .output()
        .expect("the attest binary runs")
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "attest failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_question_file_runs_as_a_script() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&attest(dir.path(), &["load", "article"]));
    let out = stdout(&attest(dir.path(), &["run", QUESTIONS_PATH, "--format", "json"]));
    let questions = parse_questions(QUESTIONS);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        questions.len(),
        "one JSON line per statement:\n{out}"
    );
    for (q, line) in questions.iter().zip(lines) {
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        let columns: Vec<&str> = json["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(columns, q.columns, "question `{}`", q.id);
        if !ENGINE_BUGS.contains(&q.id.as_str()) {
            assert_eq!(
                json["rows"].as_array().map(Vec::len),
                Some(q.rows.len()),
                "question `{}`",
                q.id
            );
        }
    }
}

#[test]
fn the_command_line_formats_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&attest(dir.path(), &["load", "article"]));
    let query = "MATCH (a:Assertion {text: $text})-[:SAID_BY]->(s:Actor) RETURN s.name AS speaker, a.quoted AS quoted";
    let params = dir.path().join("params.json");
    std::fs::write(&params, r#"{"text": "There are only two explanations"}"#).unwrap();
    let params = params.display().to_string();

    let csv = stdout(&attest(
        dir.path(),
        &["query", query, "--params", &params, "--format", "csv"],
    ));
    assert_eq!(
        csv,
        "speaker,quoted\n\"senior official (anonymous, Washington Examiner)\",true\n"
    );

    let json = stdout(&attest(
        dir.path(),
        &["query", query, "--params", &params, "--format", "json"],
    ));
    let json: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(
        json["rows"],
        serde_json::json!([["senior official (anonymous, Washington Examiner)", true]])
    );

    let table = stdout(&attest(dir.path(), &["query", query, "--params", &params]));
    assert!(
        table.contains("| senior official (anonymous, Washington Examiner) | true   |"),
        "{table}"
    );
    assert!(table.contains("1 row"), "{table}");

    // A missing parameter is an error with its position, and exit code 1.
    let output = attest(dir.path(), &["query", query]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("ParameterMissing"), "{stderr}");
}

// ---------------------------------------------------------------------------
// docs/language.md
// ---------------------------------------------------------------------------

/// The ```cypher blocks of the language reference; statements end with `;`
/// at the end of a line.
fn doc_examples(text: &str) -> Vec<(usize, String)> {
    let mut examples = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim() == "```cypher" => current = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim() == "```" => {
                if let Some((start, statement)) = current.take()
                    && !statement.trim().is_empty()
                {
                    examples.push((start, statement));
                }
            }
            Some((start, statement)) => {
                if statement.is_empty() {
                    *start = i + 1;
                }
                statement.push_str(line);
                statement.push('\n');
                if line.trim_end().ends_with(';') {
                    examples.push((*start, std::mem::take(statement)));
                }
            }
        }
    }
    examples
}

#[test]
fn the_examples_of_the_language_reference_run() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md")).unwrap();
    let examples = doc_examples(&text);
    assert!(examples.len() >= 20, "only {} examples", examples.len());
    let mut failures = Vec::new();
    for (line, statement) in &examples {
        let graph = article();
        let statement = statement.trim().trim_end_matches(';');
        if let Err(e) = graph.query(statement) {
            failures.push(format!("docs/language.md:{line}: {e}\n{statement}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} example(s) fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
