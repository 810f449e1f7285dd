//! The fact-file format end to end: the article's sentences, the article's
//! facts (parsed, cross-checked against the text and the news schema), the
//! syntax, and errors with exact positions.

use attest::facts::{FactFile, Item, parse_facts, split_sentences};
use attest::model::{Date, Source, Value};
use attest::{ErrorClass, Position, QueryError};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn article_facts() -> FactFile {
    parse_facts(&read("data/article.facts")).unwrap_or_else(|e| panic!("article.facts: {e}"))
}

// ---------------------------------------------------------------------------
// Sentences

#[test]
fn the_article_has_fifteen_pinned_sentences() {
    let text = read("data/article.txt");
    let sentences = split_sentences(&text);
    let expected_starts = [
        "U.S. protests Russian Syrian bombing",
        "The U.S. protested",
        "Defense Secretary Ash Carter",
        "“Department officials conveyed",
        "The video conference was conducted",
        "“Department officials expressed",
        "Pentagon sources said Friday",
        "The attack targeted",
        "After the initial strike",
        "But after the call",
        "“There are only two explanations,”",
        "“Either poor command and control",
        "The Pentagon statement said, “This extraordinary session",
        "The Pentagon demanded a response from Russia.",
        "Related Content",
    ];
    assert_eq!(sentences.len(), expected_starts.len());
    for (s, start) in sentences.iter().zip(expected_starts) {
        assert!(s.text.starts_with(start), "sentence {}: {:?}", s.index, s.text);
        assert_eq!(&text[s.start..s.start + s.text.len()], s.text);
    }
    let ends: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        ends[0],
        "U.S. protests Russian Syrian bombing in ‘extraordinary session’"
    );
    assert!(ends[1].ends_with("an “extraordinary session.”"));
    assert!(ends[2].ends_with("trained and equipped by the U.S."));
    assert!(ends[3].ends_with("a statement issued Saturday afternoon said."));
    assert!(ends[4].contains("Lt. Gen. Kenneth McKenzie"));
    assert!(ends[5].ends_with("Cook’s statement said."));
    assert!(ends[8].ends_with("stop bombing the U.S.-backed forces."));
    assert_eq!(
        ends[9],
        "But after the call, Russian planes bombed again, infuriating U.S. officials."
    );
    assert_eq!(
        ends[10],
        "“There are only two explanations,” senior official told the Washington Examiner."
    );
    assert_eq!(
        ends[11],
        "“Either poor command and control, or it was intentional.”"
    );
    assert!(ends[12].ends_with("in the air space over Syria.”"));
    let indices: Vec<u32> = sentences.iter().map(|s| s.index).collect();
    assert_eq!(indices, (0..15).collect::<Vec<u32>>());
}

// ---------------------------------------------------------------------------
// The article's facts

fn labels_of(file: &FactFile) -> HashMap<&str, &str> {
    let mut out: HashMap<&str, &str> = file
        .nodes()
        .map(|n| (n.key.as_str(), n.labels[0].name.as_str()))
        .collect();
    for d in file.documents() {
        out.insert(d.key.as_str(), "Document");
    }
    out
}

#[test]
fn the_article_facts_parse_with_the_expected_shape() {
    let file = article_facts();
    let labels = labels_of(&file);
    let count = |label: &str| labels.values().filter(|l| **l == label).count();
    assert_eq!(count("Document"), 1);
    assert_eq!(count("Actor"), 23);
    assert_eq!(count("Place"), 6);
    assert_eq!(count("Event"), 11);
    assert_eq!(count("Equipment"), 3);
    assert_eq!(count("Agreement"), 2);
    assert_eq!(count("Assertion"), 10);

    // Every relationship joins keys the file defines.
    for r in file.rels() {
        for end in [&r.from, &r.to] {
            assert!(
                labels.contains_key(end.name.as_str()),
                "{} at {}",
                end.name,
                end.pos
            );
        }
    }
    // Every event and assertion is tied to the document; every assertion has
    // a speaker.
    let has = |from: &str, ty: &str| file.rels().any(|r| r.from.name == from && r.rel_type.name == ty);
    for (key, label) in &labels {
        if *label == "Event" || *label == "Assertion" {
            assert!(has(key, "REPORTED_IN"), "{key} lacks REPORTED_IN");
        }
        if *label == "Assertion" {
            assert!(has(key, "SAID_BY"), "{key} lacks SAID_BY");
        }
    }
    // The BEFORE chain the text supports, in order.
    let before: HashSet<(&str, &str)> = file
        .rels()
        .filter(|r| r.rel_type.name == "BEFORE")
        .map(|r| (r.from.name.as_str(), r.to.name.as_str()))
        .collect();
    let chain = [
        "strike1",
        "hotline_calls",
        "strike2",
        "video_conference",
        "statement",
    ];
    for pair in chain.windows(2) {
        assert!(before.contains(&(pair[0], pair[1])), "{pair:?}");
    }
    // Dates of the Thursday strike and Cook's external name.
    let strike = file.node("strike1").expect("strike1");
    assert_eq!(strike.property("date"), Some(&Value::Date(date("2016-06-16"))));
    assert_eq!(strike.property("when"), Some(&Value::from("Thursday")));
    let cook = file.node("cook").expect("cook");
    assert!(
        cook.sources()
            .iter()
            .any(|s| matches!(s, Source::External { .. }))
    );
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("valid date")
}

#[test]
fn the_article_facts_cite_real_sentences_and_quote_verbatim() {
    let text = read("data/article.txt");
    let sentences: Vec<String> = split_sentences(&text).into_iter().map(|s| s.text).collect();
    let file = article_facts();
    let doc = file.documents().next().expect("a document");
    assert_eq!(doc.text_path.as_deref(), Some("article.txt"));
    assert_eq!(doc.property("date"), Some(&Value::Date(date("2016-06-18"))));

    let slice = |index: u32, span: Option<(u32, u32)>| -> String {
        let sentence = &sentences[index as usize];
        match span {
            None => sentence.clone(),
            Some((a, b)) => sentence.chars().skip(a as usize).take((b - a) as usize).collect(),
        }
    };
    let mut all = Vec::new();
    all.extend(doc.sources.iter());
    for item in &file.items {
        match item {
            Item::Node(n) => all.extend(n.citations.iter()),
            Item::Rel(r) => all.extend(r.citations.iter()),
            Item::Document(_) => {}
        }
    }
    for c in all {
        if let Source::Sentence {
            document,
            index,
            span,
        } = &c.source
        {
            assert_eq!(document, "article");
            // Sentence 14 is page furniture: no fact rests on it.
            assert!(*index < 14, "citation of sentence {index} at {}", c.pos);
            if let Some((a, b)) = span {
                let len = sentences[*index as usize].chars().count() as u32;
                assert!(
                    a < b && *b <= len,
                    "span {a}..{b} of sentence {index} at {}",
                    c.pos
                );
            }
        }
    }

    // A quoted assertion's text appears verbatim in what it cites; a span,
    // when given, is exactly the quote.
    for n in file.nodes().filter(|n| n.has_label("Assertion")) {
        if n.property("quoted") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(Value::String(quote)) = n.property("text") else {
            panic!("{} has no text", n.key);
        };
        let found = n.citations.iter().any(|c| match &c.source {
            Source::Sentence {
                index,
                span: Some(span),
                ..
            } => slice(*index, Some(*span)) == *quote,
            Source::Sentence {
                index, span: None, ..
            } => slice(*index, None).contains(quote.as_str()),
            Source::External { .. } => false,
        });
        assert!(found, "quote of {} not found verbatim: {quote}", n.key);
    }
}

/// A small stand-in for the schema checker: enough to prove that the news
/// schema is well formed and that the article's facts satisfy it.
#[test]
fn the_article_facts_satisfy_the_news_schema() {
    let schema: toml::Table = read("data/schema.toml").parse().expect("schema.toml is TOML");
    assert_eq!(schema["format"].as_integer(), Some(1));
    assert_eq!(schema["name"].as_str(), Some("news"));
    let vocabularies = schema["vocabularies"].as_table().expect("vocabularies");
    let labels = schema["labels"].as_table().expect("labels");
    let relationships = schema["relationships"].as_table().expect("relationships");
    let types = [
        "string",
        "int",
        "float",
        "bool",
        "date",
        "map",
        "any",
        "list<string>",
    ];

    // The schema itself: known types, known vocabularies, known join labels.
    let property_specs = labels
        .values()
        .chain(relationships.values())
        .filter_map(|l| l.get("properties").and_then(|p| p.as_table()))
        .flat_map(|p| p.values());
    for spec in property_specs {
        let ty = spec["type"].as_str().expect("type");
        assert!(types.contains(&ty), "unknown type {ty}");
        if let Some(v) = spec.get("vocabulary") {
            assert!(vocabularies.contains_key(v.as_str().expect("name")), "{v}");
        }
    }
    for (name, rel) in relationships {
        for pair in rel["joins"].as_array().expect("joins") {
            for label in pair.as_array().expect("pair") {
                let label = label.as_str().expect("label");
                assert!(label == "*" || labels.contains_key(label), "{name}: {label}");
            }
        }
    }
    for label in [
        "Document",
        "Sentence",
        "Actor",
        "Place",
        "Equipment",
        "Agreement",
        "Event",
        "Assertion",
    ] {
        assert!(labels.contains_key(label), "{label}");
    }

    let check = |owner: &str, table: &toml::Table, props: &[attest::facts::Property]| {
        let specs = table.get("properties").and_then(|p| p.as_table());
        for p in props {
            let spec = specs
                .and_then(|s| s.get(&p.key))
                .unwrap_or_else(|| panic!("{owner}: undeclared property {} at {}", p.key, p.pos));
            let ok = match (spec["type"].as_str(), &p.value) {
                (Some("string"), Value::String(_)) => true,
                (Some("int"), Value::Int(_)) => true,
                (Some("bool"), Value::Bool(_)) => true,
                (Some("date"), Value::Date(_)) => true,
                (Some("list<string>"), Value::List(items)) => items.iter().all(|v| v.as_str().is_some()),
                _ => false,
            };
            assert!(ok, "{owner}.{}: wrong type at {}", p.key, p.value_pos);
            if let (Some(vocabulary), Some(s)) = (spec.get("vocabulary"), p.value.as_str()) {
                let words = vocabularies[vocabulary.as_str().unwrap_or("")]
                    .as_array()
                    .expect("words");
                assert!(
                    words.iter().any(|w| w.as_str() == Some(s)),
                    "{owner}.{}: {s}",
                    p.key
                );
            }
        }
        for (key, spec) in specs.into_iter().flatten() {
            if spec.get("required").and_then(|r| r.as_bool()) == Some(true) {
                assert!(
                    props.iter().any(|p| &p.key == key),
                    "{owner}: required {key} missing"
                );
            }
        }
    };

    let file = article_facts();
    let node_labels = labels_of(&file);
    let mut unique: BTreeMap<(String, String), String> = BTreeMap::new();
    for d in file.documents() {
        check(
            "Document",
            labels["Document"].as_table().expect("table"),
            &d.properties,
        );
    }
    for n in file.nodes() {
        assert_eq!(n.labels.len(), 1, "{}", n.key);
        let label = n.labels[0].name.as_str();
        let table = labels
            .get(label)
            .and_then(|l| l.as_table())
            .unwrap_or_else(|| panic!("label {label}"));
        check(label, table, &n.properties);
        if let Some(Value::String(name)) = n.property("name") {
            let previous = unique.insert((label.to_string(), name.to_string()), n.key.clone());
            assert!(previous.is_none(), "{label} name {name} used twice");
        }
    }
    for r in file.rels() {
        let ty = r.rel_type.name.as_str();
        let table = relationships
            .get(ty)
            .and_then(|t| t.as_table())
            .unwrap_or_else(|| panic!("type {ty}"));
        check(ty, table, &r.properties);
        let (from, to) = (node_labels[r.from.name.as_str()], node_labels[r.to.name.as_str()]);
        let allowed = table["joins"].as_array().expect("joins").iter().any(|pair| {
            let pair = pair.as_array().expect("pair");
            let fits = |i: usize, label: &str| {
                matches!(pair[i].as_str(), Some("*")) || pair[i].as_str() == Some(label)
            };
            fits(0, from) && fits(1, to)
        });
        assert!(allowed, "({from})-[:{ty}]->({to}) at {}", r.pos);
    }
}

// ---------------------------------------------------------------------------
// Syntax

#[test]
fn the_syntax_covers_values_arrows_comments_and_documents() {
    let input = r#"
// line comment
/* block
   comment */ document a {title: 'A', n: 1}
document b {date: 2020-02-29} text "b.txt" cites 0 external 'from the archive'
(x:Actor:Person {
   name: "X \"the\" \u00e9 \u{1F600} \uD83D\uDE00",
   s: 'it\'s',
   i: -42, f: 2.5e3, g: -0.25,
   t: TRUE, u: false, z: null,
   l: [1, 'two', [3.0], 2016-06-16,],
   m: {k: {deep: [true]}},
}) cites 1, 2[3..7], a#4 external "note"
(y:Place {name: 'Y'}) cites a#1[0..1]
(y)<-[k:AT {since: 2019-01-01}]-(x) cites 1
(x)-[:KNOWS]->(y)
  cites 3
"#;
    let file = parse_facts(input).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.items.len(), 6);
    let x = file.node("x").expect("x");
    assert_eq!(x.pos, Position { line: 6, column: 1 });
    let names: Vec<&str> = x.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Actor", "Person"]);
    assert_eq!(x.property("name"), Some(&Value::from("X \"the\" é 😀 😀")));
    assert_eq!(x.property("s"), Some(&Value::from("it's")));
    assert_eq!(x.property("i"), Some(&Value::Int(-42)));
    assert_eq!(x.property("f"), Some(&Value::Float(2500.0)));
    assert_eq!(x.property("g"), Some(&Value::Float(-0.25)));
    assert_eq!(x.property("t"), Some(&Value::Bool(true)));
    assert_eq!(x.property("z"), Some(&Value::Null));
    let Some(Value::List(l)) = x.property("l") else {
        panic!("list")
    };
    assert_eq!(l.len(), 4);
    assert_eq!(l[3], Value::Date(date("2016-06-16")));
    let Some(Value::Map(m)) = x.property("m") else {
        panic!("map")
    };
    assert!(matches!(m.get("k"), Some(Value::Map(_))));
    let i = x.properties.iter().find(|p| p.key == "i").expect("i");
    assert_eq!(i.pos, Position { line: 9, column: 4 });
    assert_eq!(i.value_pos, Position { line: 9, column: 7 });
    // Nulls are kept in the AST but not in the stored property map.
    assert!(!attest::facts::to_properties(&x.properties).contains_key("z"));

    let sources = x.sources();
    assert_eq!(sources[0], Source::sentence("b", 1));
    assert_eq!(
        sources[1],
        Source::Sentence {
            document: "b".into(),
            index: 2,
            span: Some((3, 7))
        }
    );
    assert_eq!(sources[2], Source::sentence("a", 4));
    assert_eq!(sources[3], Source::External { note: "note".into() });
    assert_eq!(x.citations[1].pos, Position { line: 13, column: 13 });

    let docs: Vec<_> = file.documents().collect();
    assert_eq!(docs[0].pos, Position { line: 4, column: 15 });
    assert_eq!(docs[1].text_path.as_deref(), Some("b.txt"));
    assert_eq!(docs[1].sources[0].source, Source::sentence("b", 0));

    let rels: Vec<_> = file.rels().collect();
    // A left arrow is stored start → end.
    assert_eq!((rels[0].from.name.as_str(), rels[0].to.name.as_str()), ("x", "y"));
    assert_eq!(rels[0].key.as_deref(), Some("k"));
    assert_eq!(rels[0].rel_type.name, "AT");
    assert_eq!(rels[1].key, None);
    assert_eq!(rels[1].pos, Position { line: 16, column: 1 });
}

#[test]
fn empty_and_comment_only_files_have_no_items() {
    for input in ["", "  \n", "// nothing\n/* at all */", "\u{FEFF}"] {
        assert_eq!(parse_facts(input).map(|f| f.items.len()), Ok(0), "{input:?}");
    }
}

#[test]
fn parsing_the_article_twice_gives_the_same_ast() {
    assert_eq!(article_facts(), article_facts());
}

// ---------------------------------------------------------------------------
// Errors

fn error_of(input: &str) -> QueryError {
    match parse_facts(input) {
        Ok(_) => panic!("accepted: {input}"),
        Err(e) => e,
    }
}

/// `input` fails with a SyntaxError at `line:column` whose message contains
/// `words`.
fn fails_at(input: &str, line: u32, column: u32, words: &str) {
    let e = error_of(input);
    assert_eq!(e.class, ErrorClass::SyntaxError, "{e}");
    assert_eq!(e.position, Some(Position { line, column }), "{input:?}: {e}");
    assert!(e.message.contains(words), "{input:?}: {e}");
    // Messages speak of the format, never of grammar rule names.
    for rule in [
        "node_fact",
        "rel_fact",
        "cites_clause",
        "sentence_ref",
        "EOI",
        "prop_key",
        "close_paren",
    ] {
        assert!(!e.message.contains(rule), "{e}");
    }
}

const DOC: &str = "document d\n";

#[test]
fn a_fact_without_citation_is_an_error() {
    fails_at(
        &format!("{DOC}(a:Actor {{name: 'x'}})\n(b:Actor) cites 1"),
        2,
        1,
        "has no citation",
    );
    fails_at(
        &format!("{DOC}(a:Actor) cites 1\n(b:Actor) cites 1\n\n  (a)-[:R]->(b)"),
        5,
        3,
        "no citation",
    );
}

#[test]
fn unterminated_strings_and_comments_point_at_their_start() {
    fails_at(
        &format!("{DOC}(a:Actor {{name: \"x}}) cites 2\n(b:Actor) cites 1"),
        2,
        17,
        "unterminated string",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{name: 'x\\'}}) cites 2"),
        2,
        17,
        "unterminated string",
    );
    fails_at(
        &format!("{DOC}(a:Actor) cites 1 /* x\n"),
        2,
        19,
        "unterminated comment",
    );
    // An earlier syntax error wins over a later unterminated string.
    fails_at(
        &format!("{DOC}(a:Actor {{x 1}})\n(b:Actor {{n: 'oops}}) cites 1"),
        2,
        13,
        "expected `:`",
    );
}

#[test]
fn bad_values_are_reported_where_they_stand() {
    fails_at(
        &format!("{DOC}(a:Actor {{d: 2016-02-30}}) cites 1"),
        2,
        14,
        "not a calendar date",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: 2016-6-1}}) cites 1"),
        2,
        14,
        "YYYY-MM-DD",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: 'a\\qb'}}) cites 1"),
        2,
        16,
        "unknown escape `\\q`",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: 'ab\\uD800'}}) cites 1"),
        2,
        17,
        "not a Unicode character",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: '\\u12'}}) cites 1"),
        2,
        15,
        "four hex digits",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: 99999999999999999999}}) cites 1"),
        2,
        14,
        "64 bits",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: 1e999}}) cites 1"),
        2,
        14,
        "too large",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{d: Ash}}) cites 1"),
        2,
        14,
        "expected a value",
    );
    fails_at(
        &format!("{DOC}(a:Actor {{n: 'éé' k: 1}}) cites 1"),
        2,
        19,
        "expected `}` or `,`",
    );
    fails_at(&format!("{DOC}(a:Actor {{x: [1, 2}}) cites 1"), 2, 19, "`]`");
    fails_at(
        &format!("{DOC}(a:Actor {{n: 1, n: 2}}) cites 1"),
        2,
        17,
        "given twice",
    );
}

#[test]
fn malformed_relationships_are_explained() {
    fails_at(&format!("{DOC}(a)-["), 2, 6, "relationship type");
    fails_at(&format!("{DOC}(a)-[:X]-(b) cites 2"), 2, 9, "direction");
    fails_at(
        &format!("{DOC}(a)-[X]->(b) cites 2"),
        2,
        7,
        "relationship type `:TYPE`",
    );
    fails_at(
        &format!("{DOC}(a:Actor)-[:X]->(b) cites 1"),
        2,
        10,
        "bare node keys",
    );
    fails_at(
        &format!("{DOC}(a)-[:X]->(b {{n: 1}}) cites 1"),
        2,
        14,
        "bare node keys",
    );
    fails_at(
        &format!("{DOC}(a)-[:R]->(b) cites 1\n(a)-[:R]->(b) cites 2"),
        3,
        1,
        "stated at 2:1 and again at 3:1",
    );
}

#[test]
fn keys_labels_and_documents_are_checked() {
    fails_at(
        &format!("{DOC}(a:Actor) cites 1\n(a:Actor) cites 1"),
        3,
        1,
        "defined at 2:1 and again at 3:1",
    );
    fails_at(
        &format!("{DOC}(a:Actor) cites 1\n(a)-[a:R]->(a) cites 1"),
        3,
        6,
        "duplicate key `a`",
    );
    fails_at("document d\ndocument d", 2, 1, "duplicate key `d`");
    fails_at(&format!("{DOC}(a {{name: 'x'}}) cites 1"), 2, 3, "has no label");
    fails_at(&format!("{DOC}(:Actor) cites 1"), 2, 2, "a key");
    fails_at("(a:Actor {d: 1}) cites 1", 1, 24, "before any `document`");
    fails_at("(a:Actor) external 'x' cites 0", 1, 30, "before any `document`");
    fails_at(&format!("{DOC}(a:Actor) cites e#1"), 2, 17, "no document `e`");
    fails_at("document d text 'a' text 'b'", 1, 21, "already has a `text`");
}

#[test]
fn malformed_citations_are_explained() {
    fails_at(&format!("{DOC}(a:Actor) cite 2"), 2, 11, "expected `cites N`");
    fails_at(&format!("{DOC}(a:Actor) cites 1, "), 2, 20, "sentence number");
    fails_at(&format!("{DOC}(a:Actor) cites 1[5..5]"), 2, 18, "is empty");
    fails_at(&format!("{DOC}(a:Actor) cites 1[7..2]"), 2, 18, "is empty");
    fails_at(&format!("{DOC}(a:Actor) cites 1[7]"), 2, 20, "`..`");
    fails_at(&format!("{DOC}(a:Actor) cites 99999999999"), 2, 17, "too large");
    fails_at(&format!("{DOC}(a:Actor) external '  '"), 2, 11, "needs a note");
    fails_at(
        &format!("{DOC}(a:Actor) external cites 1"),
        2,
        20,
        "a quoted string",
    );
}

#[test]
fn positions_count_characters_and_survive_crlf() {
    fails_at(
        "document d\r\n// é\r\n(a:Actor {n: 'é' k: 1}) cites 1\r\n",
        3,
        18,
        "expected",
    );
    fails_at("\u{FEFF}document d (a:Actor)", 1, 13, "no citation");
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let input = format!(
        "{DOC}(a:Actor {{x: {}1{}}}) cites 1",
        "[".repeat(100),
        "]".repeat(100)
    );
    let e = error_of(&input);
    assert_eq!(e.class, ErrorClass::SyntaxError);
    assert!(e.message.contains("nest"), "{e}");
    // 32 levels are fine.
    let ok = format!(
        "{DOC}(a:Actor {{x: {}1{}}}) cites 1",
        "[".repeat(30),
        "]".repeat(30)
    );
    assert!(parse_facts(&ok).is_ok());
}

// ---------------------------------------------------------------------------
// No input panics

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("document d ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("a".to_string()),
        Just(":Actor".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("-[".to_string()),
        Just("]->".to_string()),
        Just("<-".to_string()),
        Just(", ".to_string()),
        Just("k: ".to_string()),
        Just("'s\\u{1F600}'".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\\".to_string()),
        Just("2016-02-29".to_string()),
        Just("-1.5e3".to_string()),
        Just(" cites 1[0..2]".to_string()),
        Just(" external 'n'".to_string()),
        Just("/*".to_string()),
        Just("*/".to_string()),
        Just("//".to_string()),
        Just("\n".to_string()),
        Just("é".to_string()),
        "[ -~]{0,3}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(input in "\\PC{0,200}") {
        let _ = parse_facts(&input);
        for s in split_sentences(&input) {
            prop_assert_eq!(&input[s.start..s.start + s.text.len()], s.text.as_str());
        }
    }

    #[test]
    fn random_fact_like_text_never_panics(tokens in prop::collection::vec(token(), 0..40)) {
        let input = tokens.concat();
        if let Err(e) = parse_facts(&input) {
            prop_assert!(e.position.is_some(), "{}", e);
            prop_assert!(!e.message.is_empty());
        }
    }
}
