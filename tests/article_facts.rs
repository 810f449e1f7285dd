//! The article's facts: complete, cited, idempotent; bad fact files write
//! nothing and point at the offending fact.

use attest::db::{Graph, OpenOptions};
use attest::error::ErrorClass;
use attest::facts::{load_article, load_text};
use attest::model::{Direction, ElementId, Source};
use std::collections::BTreeMap;

fn news() -> Graph {
    Graph::in_memory_with(OpenOptions::default())
}

fn label_counts(graph: &Graph) -> BTreeMap<String, usize> {
    graph.stats().labels.into_iter().collect()
}

#[test]
fn the_article_loads_complete_and_cited() {
    let graph = news();
    let report = load_article(&graph).unwrap();
    assert_eq!(report.sentences, 15);
    let counts = label_counts(&graph);
    assert_eq!(counts["Document"], 1);
    assert_eq!(counts["Sentence"], 15);
    assert!(counts["Actor"] >= 20, "{counts:?}");
    assert!(counts["Place"] >= 5, "{counts:?}");
    assert!(counts["Event"] >= 10, "{counts:?}");
    assert!(counts["Assertion"] >= 10, "{counts:?}");
    assert!(counts["Equipment"] >= 1 && counts["Agreement"] >= 1, "{counts:?}");
    // Every fact outside the document skeleton cites at least one source,
    // and every sentence citation resolves to text.
    let snap = graph.read();
    for node in snap.index().nodes() {
        assert!(!node.sources().is_empty(), "{:?} has no source", node.key());
        for evidence in snap.evidence(ElementId::Node(node.id)).unwrap() {
            if let Source::Sentence { .. } = evidence.source {
                assert!(evidence.text.is_some_and(|t| !t.is_empty()), "{:?}", node.key());
            }
        }
    }
    for rel in snap.index().relationships() {
        assert!(!rel.sources.is_empty(), "relationship {} has no source", rel.id);
    }
    drop(snap);
    graph.verify().unwrap();
}

#[test]
fn provenance_of_a_fact_is_its_sentence_text() {
    let graph = news();
    load_article(&graph).unwrap();
    let carter = graph.node_by_key("carter").unwrap();
    assert_eq!(carter.property("name").as_str(), Some("Ash Carter"));
    let evidence = graph.evidence(ElementId::Node(carter.id)).unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e.text.as_deref().is_some_and(|t| t.contains("Ash Carter"))),
        "{evidence:?}"
    );
    // Cook's full name comes from outside the article and says so.
    let cook = graph.node_by_key("cook").unwrap();
    assert!(cook.sources.iter().any(|s| matches!(s, Source::External { .. })));
    // The strike has an agent, and the renewed strike follows the hotline calls.
    let strike = graph.node_by_key("strike1").unwrap();
    let agents = graph.neighbours(strike.id, Some("AGENT"), Direction::Outgoing);
    assert!(!agents.is_empty());
    let calls = graph.node_by_key("hotline_calls").unwrap();
    let after = graph.neighbours(calls.id, Some("BEFORE"), Direction::Outgoing);
    assert!(
        after.iter().any(|(_, n)| n.key.as_deref() == Some("strike2")),
        "{after:?}"
    );
}

#[test]
fn loading_twice_equals_loading_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let first = {
        let graph = Graph::open(&path).unwrap();
        let report = load_article(&graph).unwrap();
        assert!(report.txn.is_some());
        (graph.stats(), graph.history().unwrap().len())
    };
    let graph = Graph::open(&path).unwrap();
    let again = load_article(&graph).unwrap();
    assert_eq!(again.txn, None, "{again}");
    assert_eq!(
        again.nodes_created + again.relationships_created + again.elements_updated,
        0
    );
    assert_eq!(graph.stats(), first.0);
    assert_eq!(graph.history().unwrap().len(), first.1);
    graph.verify().unwrap();
}

fn load(graph: &Graph, text: &str) -> attest::Result<attest::facts::LoadReport> {
    load_text(graph, text, "test.facts", &|_| {
        Ok("A title\n\nRussia struck. Jordan watched.\n".to_string())
    })
}

const DOC: &str = "document d {title: \"T\"} text \"d.txt\"\n";

#[test]
fn a_schema_violation_names_the_fact_and_writes_nothing() {
    let graph = news();
    load_article(&graph).unwrap();
    let before = graph.stats();
    let text = format!(
        "{DOC}(x:Actor {{name: \"X\", kind: \"person\"}}) cites 1\n(y:Actor {{name: \"Y\",\n  kind: \"robot\"}}) cites 2\n"
    );
    let err = load(&graph, &text).unwrap_err();
    let attest::Error::Query(q) = &err else {
        panic!("{err}")
    };
    assert_eq!(q.class, ErrorClass::ConstraintVerificationFailed);
    assert_eq!(q.file.as_deref(), Some("test.facts"));
    assert_eq!(q.position.map(|p| (p.line, p.column)), Some((4, 3)), "{err}");
    assert!(q.message.contains("robot"), "{err}");
    assert_eq!(graph.stats(), before, "nothing of the batch may be written");
}

#[test]
fn unknown_keys_sentences_and_labels_are_reported_with_positions() {
    let graph = news();
    let cases = [
        (
            format!(
                "{DOC}(x:Actor {{name: \"X\", kind: \"person\"}}) cites 1\n(x)-[:MEMBER_OF]->(xx) cites 1\n"
            ),
            ErrorClass::EntityNotFound,
            (3, 20),
            "did you mean `x`",
        ),
        (
            format!("{DOC}(x:Actor {{name: \"X\", kind: \"person\"}}) cites 9\n"),
            ErrorClass::EntityNotFound,
            (2, 45),
            "no sentence 9",
        ),
        (
            format!("{DOC}(x:Actor {{name: \"X\", kind: \"person\"}}) cites 1[0..99]\n"),
            ErrorClass::ArgumentError,
            (2, 45),
            "does not fit",
        ),
        (
            format!("{DOC}(x:Actr {{name: \"X\"}}) cites 1\n"),
            ErrorClass::ConstraintVerificationFailed,
            (2, 1),
            "did you mean `Actor`",
        ),
        (
            format!("{DOC}(x:Actor {{name: \"X\", kind: \"person\", nmae: 1}}) cites 1\n"),
            ErrorClass::ConstraintVerificationFailed,
            (2, 38),
            "did you mean `name`",
        ),
    ];
    for (text, class, (line, column), needle) in cases {
        let err = load(&graph, &text).unwrap_err();
        let attest::Error::Query(q) = &err else {
            panic!("{err}")
        };
        assert_eq!(q.class, class, "{err}");
        assert_eq!(
            q.position.map(|p| (p.line, p.column)),
            Some((line, column)),
            "{err}"
        );
        assert!(q.message.contains(needle), "{err}");
        assert_eq!(graph.stats().nodes, 0, "{err}");
    }
}

#[test]
fn a_fact_file_for_another_document_in_an_open_store() {
    let graph = Graph::in_memory();
    let text = format!(
        "{DOC}(r:Country {{name: \"Russia\"}}) cites 1[0..6]\n(j:Country {{name: \"Jordan\"}}) cites 2\n(r)-[:NEAR]->(j) external \"a map\"\n"
    );
    let report = load(&graph, &text).unwrap();
    assert_eq!(
        (
            report.sentences,
            report.nodes_created,
            report.relationships_created
        ),
        (3, 1 + 3 + 2, 3 + 1)
    );
    let r = graph.node_by_key("r").unwrap();
    let evidence = graph.evidence(ElementId::Node(r.id)).unwrap();
    assert_eq!(evidence[0].text.as_deref(), Some("Russia"));
    assert_eq!(evidence[0].document.as_deref(), Some("T"));
}

#[test]
fn the_events_are_ordered_strike_calls_renewed_strike_conference_statement() {
    let graph = news();
    load_article(&graph).unwrap();
    let chain = [
        "strike1",
        "hotline_calls",
        "strike2",
        "video_conference",
        "statement",
    ];
    for pair in chain.windows(2) {
        let from = graph.node_by_key(pair[0]).unwrap();
        let after = graph.neighbours(from.id, Some("BEFORE"), Direction::Outgoing);
        assert!(
            after.iter().any(|(_, n)| n.key.as_deref() == Some(pair[1])),
            "{} -[:BEFORE]-> {}: {after:?}",
            pair[0],
            pair[1]
        );
        // Each link of the order cites the article.
        let (rel, _) = after
            .iter()
            .find(|(_, n)| n.key.as_deref() == Some(pair[1]))
            .unwrap();
        assert!(
            rel.sources.iter().any(|s| matches!(s, Source::Sentence { .. })),
            "{pair:?}"
        );
    }
    // And the order is a strict one: no BEFORE cycle back to the first strike.
    let first = graph.node_by_key("strike1").unwrap().id;
    let mut frontier = vec![first];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(id) = frontier.pop() {
        for (_, next) in graph.neighbours(id, Some("BEFORE"), Direction::Outgoing) {
            assert_ne!(next.id, first, "BEFORE cycles back to strike1");
            if seen.insert(next.id) {
                frontier.push(next.id);
            }
        }
    }
}

#[test]
fn quoted_claims_are_verbatim_and_their_spans_select_them() {
    let graph = news();
    load_article(&graph).unwrap();
    let snap = graph.read();
    let mut quoted = 0;
    for node in snap.index().nodes() {
        if !node.labels.iter().any(|l| l == "Assertion") {
            continue;
        }
        let text = node.property("text").as_str().unwrap().to_string();
        let evidence = snap.evidence(ElementId::Node(node.id)).unwrap();
        // Every claim cites at least one sentence with a span, and the
        // span selects a passage the claim's text is taken from.
        let spans: Vec<_> = evidence
            .iter()
            .filter(|e| matches!(e.source, Source::Sentence { span: Some(_), .. }))
            .collect();
        assert!(!spans.is_empty(), "{:?} cites no span", node.key());
        if node.property("quoted") == attest::model::Value::Bool(true) {
            quoted += 1;
            assert!(
                spans.iter().any(|e| e.text.as_deref() == Some(text.as_str())),
                "{:?}: the span does not select the quote {text:?}: {spans:?}",
                node.key()
            );
        }
    }
    assert!(quoted >= 5, "{quoted} quoted claims");
}

/// Dates carry their precision (issue 2, section 2): every label or
/// relationship type of the news schema with a date property also declares
/// `date_precision` over the one vocabulary, and in the article graph every
/// dated node has a precision that fits its date.
#[test]
fn every_date_carries_its_precision() {
    use attest::model::Value;
    use attest::schema::{PropertyType, Schema};

    let schema = Schema::news();
    let vocabulary = &schema.vocabularies["date_precision"];
    assert_eq!(vocabulary, &["day", "week", "month", "year", "unknown"]);
    let declared = schema
        .labels
        .iter()
        .map(|(name, def)| (format!(":{name}"), &def.properties))
        .chain(
            schema
                .relationships
                .iter()
                .map(|(name, def)| (format!("[:{name}]"), &def.properties)),
        );
    let mut dated_labels = Vec::new();
    for (name, properties) in declared {
        if !properties.values().any(|p| p.value_type == PropertyType::Date) {
            continue;
        }
        let precision = properties
            .get("date_precision")
            .unwrap_or_else(|| panic!("{name} has a date but no date_precision"));
        assert_eq!(precision.value_type, PropertyType::String, "{name}");
        assert_eq!(precision.vocabulary.as_deref(), Some("date_precision"), "{name}");
        assert!(!precision.required, "{name}: optional, bulk data has none");
        dated_labels.push(name);
    }
    assert_eq!(dated_labels, [":Assertion", ":Document", ":Event"]);

    let graph = news();
    load_article(&graph).unwrap();
    let snap = graph.read();
    let mut dated = 0;
    for node in snap.index().nodes() {
        let has_date = node.properties().values().any(|v| matches!(v, Value::Date(_)));
        let precision = node.property("date_precision");
        let precision = precision.as_str();
        if has_date {
            dated += 1;
            let precision =
                precision.unwrap_or_else(|| panic!("{:?} has a date but no precision", node.key()));
            assert!(
                vocabulary.iter().any(|w| w == precision),
                "{:?}: {precision}",
                node.key()
            );
            assert_ne!(
                precision,
                "unknown",
                "{:?} has a date, so its precision is known",
                node.key()
            );
        } else if let Some(precision) = precision {
            assert_eq!(
                precision,
                "unknown",
                "{:?} has a precision but no date",
                node.key()
            );
        }
        // The fact file gives every event and claim a precision, "unknown"
        // when the article gives no time.
        if node.has_label("Event") || node.has_label("Assertion") {
            assert!(precision.is_some(), "{:?} has no date_precision", node.key());
        }
    }
    for rel in snap.index().relationships() {
        let has_date = rel.properties.values().any(|v| matches!(v, Value::Date(_)));
        assert!(
            !has_date || !rel.property("date_precision").is_null(),
            "relationship {}",
            rel.id
        );
    }
    // The document, six events and seven claims are dated.
    assert_eq!(dated, 14);
    let article = snap.index().nodes().find(|n| n.has_label("Document")).unwrap();
    assert_eq!(article.property("date_precision").as_str(), Some("day"));
}
