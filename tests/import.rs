//! Bulk CSV import: a hand-written directory into a typed store, malformed
//! inputs (each a clear FILE:LINE:COLUMN error that leaves the store exactly
//! as it was, byte for byte), failing disks, and a process that dies in
//! the middle of writing.

use attest::db::{BulkElement, BulkRejection, BulkSource, Graph, OpenOptions, SchemaChoice};
use attest::error::{Error, Result};
use attest::import::{IdMode, ImportOptions, import_csv};
use attest::model::{Labels, NodeId, Properties, Value};
use attest::storage::{Engine, KeyValue, MemoryEngine, SledEngine, WriteBatch};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const ACTOR: &str = "id,name,kind\n10,Rao Qupeyan,person\n11,Migorek Movement,group\n12,Kaven,country\n";
const PLACE: &str = "id,name,country\n20,Elka Province,Kaven\n";
const EVENT: &str = "id,kind,date,summary\n\
30,attack,2016-05-01,\"Rao attacked Kaven, again\"\n\
31,meeting,2017-01-02,\n\
32,statement,,\"said \"\"no\"\"\nthen left\"\n";
const AGENT: &str = "from,to\n30,10\n31,10\n32,11\n";
const TARGET: &str = "from,to\n30,12\n";
const AT: &str = "from,to\n30,20\n31,20\n";

/// The hand-written directory, with `changes` replacing (or, with `None`,
/// removing) files.
fn write_dir(dir: &Path, changes: &[(&str, Option<&[u8]>)]) {
    let base: [(&str, &str); 6] = [
        ("Actor.csv", ACTOR),
        ("Place.csv", PLACE),
        ("Event.csv", EVENT),
        ("AGENT.csv", AGENT),
        ("TARGET.csv", TARGET),
        ("AT.csv", AT),
    ];
    for (name, text) in base {
        std::fs::write(dir.join(name), text).unwrap();
    }
    for (name, content) in changes {
        match content {
            Some(bytes) => std::fs::write(dir.join(name), bytes).unwrap(),
            None => std::fs::remove_file(dir.join(name)).unwrap(),
        }
    }
}

/// A memory engine that can be shared with the test (to read the raw
/// store, and to open it again after the graph is dropped) and that fails
/// on demand, as a disk would.
#[derive(Clone, Default)]
struct SharedEngine {
    inner: Arc<MemoryEngine>,
    applies: Arc<AtomicUsize>,
    /// Fail the apply with this number (1-based); 0 never.
    fail_at: Arc<AtomicUsize>,
    /// Keep failing every apply and flush after the first failure.
    permanent: Arc<AtomicBool>,
}

impl SharedEngine {
    fn dump(&self) -> Vec<KeyValue> {
        self.inner.scan_prefix(&[]).collect::<Result<_>>().unwrap()
    }

    fn failing(&self) -> bool {
        let at = self.fail_at.load(Ordering::SeqCst);
        at != 0 && self.permanent.load(Ordering::SeqCst) && self.applies.load(Ordering::SeqCst) >= at
    }

    fn heal(&self) {
        self.fail_at.store(0, Ordering::SeqCst);
    }
}

impl Engine for SharedEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn scan_prefix<'a>(&'a self, prefix: &[u8]) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.inner.scan_prefix(prefix)
    }
    fn scan_range<'a>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.inner.scan_range(start, end)
    }
    fn apply(&self, batch: WriteBatch) -> Result<()> {
        let n = self.applies.fetch_add(1, Ordering::SeqCst) + 1;
        let at = self.fail_at.load(Ordering::SeqCst);
        if at != 0 && (n == at || (n > at && self.permanent.load(Ordering::SeqCst))) {
            return Err(Error::Storage("simulated disk failure".into()));
        }
        self.inner.apply(batch)
    }
    fn flush(&self) -> Result<()> {
        if self.failing() {
            return Err(Error::Storage("simulated disk failure".into()));
        }
        self.inner.flush()
    }
    fn size_on_disk(&self) -> Result<u64> {
        Ok(0)
    }
    fn name(&self) -> &'static str {
        "shared memory"
    }
}

fn schemaless() -> OpenOptions {
    OpenOptions {
        schema: SchemaChoice::Schemaless,
    }
}

fn news() -> OpenOptions {
    OpenOptions {
        schema: SchemaChoice::News,
    }
}

/// A typed store holding one actor (node 1), on a shared engine.
fn base_store() -> (Graph, SharedEngine) {
    let engine = SharedEngine::default();
    let graph = Graph::with_engine(Box::new(engine.clone()), news()).unwrap();
    graph
        .query("CREATE (:Actor {name: 'Existing', kind: 'person'})")
        .unwrap();
    (graph, engine)
}

/// Everything a reader can see: nodes and relationships with ids, labels,
/// types and properties.
fn contents(graph: &Graph) -> String {
    let nodes = graph
        .query("MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)")
        .unwrap();
    let rels = graph
        .query("MATCH (a)-[r]->(b) RETURN id(r), type(r), id(a), id(b), properties(r) ORDER BY id(r)")
        .unwrap();
    format!("{:?}\n{:?}", nodes.rows, rels.rows)
}

fn int(graph: &Graph, query: &str) -> Option<i64> {
    let result = graph.query(query).unwrap();
    result.rows.first().and_then(|r| r[0].as_int())
}

#[test]
fn a_hand_written_directory_imports_into_a_typed_store() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[]);
    let (graph, _) = base_store();
    let report = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!((report.nodes, report.relationships), (7, 6));
    assert_eq!(report.txn, Some(2));
    assert_eq!(report.files.len(), 6);
    assert_eq!(report.files[0].file, "Actor.csv", "node files first");
    // CSV ids are node ids.
    assert_eq!(
        int(&graph, "MATCH (a:Actor {name: 'Rao Qupeyan'}) RETURN id(a)"),
        Some(10)
    );
    assert_eq!(
        int(
            &graph,
            "MATCH (e:Event)-[:AGENT]->(:Actor {name: 'Rao Qupeyan'}) RETURN count(DISTINCT e)"
        ),
        Some(2)
    );
    // Event.date is a date (from the schema): it compares with DATE values.
    assert_eq!(
        int(
            &graph,
            "MATCH (e:Event) WHERE e.date >= DATE '2017-01-01' RETURN id(e)"
        ),
        Some(31)
    );
    // An empty field is an absent property; quoted fields keep commas,
    // doubled quotes and line breaks.
    let summaries = graph
        .query("MATCH (e:Event) RETURN e.summary ORDER BY id(e)")
        .unwrap();
    assert_eq!(summaries.rows[0][0].as_str(), Some("Rao attacked Kaven, again"));
    assert!(matches!(summaries.rows[1][0], attest::lang::ResultValue::Null));
    assert_eq!(summaries.rows[2][0].as_str(), Some("said \"no\"\nthen left"));
    assert_eq!(
        int(
            &graph,
            "MATCH (e:Event)-[:AT]->(p:Place {name: 'Elka Province'}) RETURN count(*)"
        ),
        Some(2)
    );
    // One entry in the log; new writes continue after the largest id.
    let history = graph.history().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].description, format!("import {}", dir.path().display()));
    assert_eq!(
        (history[1].nodes_written, history[1].relationships_written),
        (7, 6)
    );
    assert_eq!(
        int(
            &graph,
            "CREATE (a:Actor {name: 'Later', kind: 'person'}) RETURN id(a)"
        ),
        Some(33)
    );
    graph.verify().unwrap();
}

#[test]
fn reopening_after_an_import_gives_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[]);
    let store = dir.path().join("store");
    let before = {
        let graph = Graph::open_with(&store, news()).unwrap();
        import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
        graph.verify().unwrap();
        contents(&graph)
    };
    let graph = Graph::open(&store).unwrap();
    assert!(graph.recovered_import().is_none());
    graph.verify().unwrap();
    assert_eq!(contents(&graph), before);
    assert_eq!(graph.stats().nodes, 7);
    assert_eq!(graph.history().unwrap().len(), 1);
}

/// The raw store of a closed sled store, every key and value.
fn sled_dump(path: &Path) -> Vec<KeyValue> {
    let engine = SledEngine::open(path).unwrap();
    engine.scan_prefix(&[]).collect::<Result<_>>().unwrap()
}

#[test]
fn node_files_with_high_ids_before_low_ones_import_and_link() {
    // Files import in name order, so the high ids of Late.csv come before
    // the low ids of Main.csv (as the benchmark's Assertion.csv comes
    // before Event.csv): the import sizes its id map up front.
    let dir = tempfile::tempdir().unwrap();
    let mut late = String::from("id,name\n");
    for id in 70_001..=70_003 {
        late.push_str(&format!("{id},late {id}\n"));
    }
    let mut main = String::from("id,name\n");
    for id in 1..=70_000 {
        main.push_str(&format!("{id},main {id}\n"));
    }
    std::fs::write(dir.path().join("Late.csv"), late).unwrap();
    std::fs::write(dir.path().join("Main.csv"), main).unwrap();
    std::fs::write(
        dir.path().join("LINK.csv"),
        "from,to\n70001,1\n2,70002\n70000,70003\n",
    )
    .unwrap();
    let store = dir.path().join("store");
    let shown = {
        let graph = Graph::open_with(&store, schemaless()).unwrap();
        let report = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
        assert_eq!((report.nodes, report.relationships), (70_003, 3));
        graph.verify().unwrap();
        let ends = graph
            .query("MATCH (a)-[:LINK]->(b) RETURN id(a), b.name ORDER BY id(a)")
            .unwrap();
        let ends: Vec<(Option<i64>, Option<&str>)> =
            ends.rows.iter().map(|r| (r[0].as_int(), r[1].as_str())).collect();
        assert_eq!(
            ends,
            [
                (Some(2), Some("late 70002")),
                (Some(70_000), Some("late 70003")),
                (Some(70_001), Some("main 1")),
            ]
        );
        assert_eq!(
            int(&graph, "MATCH (n:Main {name: 'main 69999'}) RETURN id(n)"),
            Some(69_999)
        );
        contents(&graph)
    };
    let graph = Graph::open(&store).unwrap();
    assert_eq!(contents(&graph), shown);
}

#[test]
fn importing_the_same_ids_again_fails_and_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[]);
    let store = dir.path().join("store");
    {
        let graph = Graph::open_with(&store, news()).unwrap();
        import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    }
    let before = sled_dump(&store);
    {
        let graph = Graph::open(&store).unwrap();
        let shown = contents(&graph);
        let err = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Actor.csv:2:1"), "{text}");
        assert!(text.contains("node id 10 is already taken"), "{text}");
        assert_eq!(contents(&graph), shown);
        graph.verify().unwrap();
    }
    assert_eq!(sled_dump(&store), before, "the failed import wrote nothing");
}

#[test]
fn remapped_ids_import_next_to_existing_nodes() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[]);
    let (graph, _) = base_store();
    import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    // The same names would break Actor.name's uniqueness, so rename them.
    let renamed = ACTOR
        .replace("Rao", "Rau")
        .replace("Migorek", "Migorak")
        .replace("Kaven", "Kavan");
    let place = PLACE.replace("Elka", "Elko");
    write_dir(
        dir.path(),
        &[
            ("Actor.csv", Some(renamed.as_bytes())),
            ("Place.csv", Some(place.as_bytes())),
        ],
    );
    let options = ImportOptions {
        ids: IdMode::Remap,
        ..ImportOptions::default()
    };
    let report = import_csv(&graph, dir.path(), &options).unwrap();
    assert_eq!(report.nodes, 7);
    // New ids after the largest one (32), in file order: Actor.csv first.
    assert_eq!(
        int(&graph, "MATCH (a:Actor {name: 'Rau Qupeyan'}) RETURN id(a)"),
        Some(33)
    );
    assert_eq!(
        int(
            &graph,
            "MATCH (e:Event)-[:AGENT]->(:Actor {name: 'Rau Qupeyan'}) RETURN count(e)"
        ),
        Some(2)
    );
    graph.verify().unwrap();
}

#[test]
fn typed_headers_give_types_in_an_open_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Item.csv"),
        "id,name,weight:float,count:int,ok:bool,seen:date\n1,a,1.5,3,true,2020-02-29\n2,b,,,,\n",
    )
    .unwrap();
    // Without a manifest the type is the file name up to its first `.`.
    std::fs::write(dir.path().join("NEXT.first.csv"), "from,to,note\n1,2,x\n").unwrap();
    let graph = Graph::in_memory();
    import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    let result = graph
        .query("MATCH (i:Item {name: 'a'})-[r:NEXT]->() RETURN i.weight * 2, i.count + 1, i.ok, i.seen.year, r.note")
        .unwrap();
    assert_eq!(
        format!("{:?}", result.rows[0]),
        "[Float(3.0), Int(4), Bool(true), Int(2020), String(\"x\")]"
    );
    assert_eq!(
        int(&graph, "MATCH (i:Item {name: 'b'}) RETURN size(keys(i))"),
        Some(1)
    );
}

#[test]
fn a_manifest_names_labels_and_types_and_promises_row_counts() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(
        dir.path(),
        &[
            ("AGENT.csv", None),
            ("AGENT_main.csv", Some(AGENT.as_bytes())),
            ("notes.csv", Some(b"anything\n")),
        ],
    );
    let manifest = |agent_count: u32| {
        format!(
            r#"{{"files": {{
                "Actor.csv": {{"kind": "node", "label": "Actor", "columns": ["id", "name", "kind"], "count": 3}},
                "Place.csv": {{"kind": "node", "label": "Place"}},
                "Event.csv": {{"kind": "node", "label": "Event"}},
                "AGENT_main.csv": {{"kind": "rel", "type": "AGENT", "from": "Event", "to": "Actor", "columns": ["from", "to"], "count": {agent_count}}},
                "TARGET.csv": {{"kind": "rel", "type": "TARGET"}},
                "AT.csv": {{"kind": "rel", "type": "AT"}}
            }}, "params": {{"x_name": "Rao Qupeyan"}}}}"#
        )
    };
    std::fs::write(dir.path().join("manifest.json"), manifest(4)).unwrap();
    let (graph, engine) = base_store();
    let before = engine.dump();
    let err = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("has 3 data rows, but manifest.json says 4"),
        "{err}"
    );
    assert!(err.to_string().contains("AGENT_main.csv"), "{err}");
    assert_eq!(engine.dump(), before);

    std::fs::write(dir.path().join("manifest.json"), manifest(3)).unwrap();
    let report = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!(report.skipped, ["notes.csv"]);
    assert_eq!(report.relationships, 6);
    assert_eq!(int(&graph, "MATCH ()-[r:AGENT]->() RETURN count(r)"), Some(3));
}

/// Imports the hand-written directory with `changes` into the base store
/// and expects an error containing `location` and `words`, with the store
/// unchanged: the same raw contents, the same graph, consistent, and the
/// next node still gets id 2.
fn rejects(changes: &[(&str, Option<&[u8]>)], location: &str, words: &str) {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), changes);
    let (graph, engine) = base_store();
    let before = (engine.dump(), contents(&graph));
    let err = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(location), "expected {location} in: {text}");
    assert!(text.contains(words), "expected `{words}` in: {text}");
    assert_eq!((engine.dump(), contents(&graph)), before, "{text}");
    graph.verify().unwrap();
    assert_eq!(
        int(
            &graph,
            "CREATE (a:Actor {name: 'Next', kind: 'person'}) RETURN id(a)"
        ),
        Some(2)
    );
}

#[test]
fn list_columns_split_on_semicolons_and_check_each_element() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Item.csv"),
        "id,tags:string[],sizes:int[],days:date[]\n1,a;b c,1;-2,2020-02-29\n2,,,\n",
    )
    .unwrap();
    let graph = Graph::in_memory();
    import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    let result = graph
        .query("MATCH (i:Item) WHERE id(i) = 1 RETURN i.tags, i.sizes, i.days[0].year")
        .unwrap();
    assert_eq!(
        format!("{:?}", result.rows[0]),
        "[List([String(\"a\"), String(\"b c\")]), List([Int(1), Int(-2)]), Int(2020)]"
    );
    assert_eq!(
        int(&graph, "MATCH (i:Item) WHERE id(i) = 2 RETURN size(keys(i))"),
        Some(0)
    );
}

#[test]
fn a_list_column_with_a_bad_element() {
    // Actor.aliases is list<string> in the news schema: `aliases` reads as
    // a list without a typed header, and may repeat the type.
    let actor = b"id,name,kind,aliases:string[]\n10,Rao Qupeyan,person,Rao;;Q\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:2:23",
        "column `aliases` (string[]): `` is not an element",
    );
    let actor = b"id,name,kind,aliases:int[]\n10,Rao Qupeyan,person,1\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:1:",
        "the schema says :Actor.aliases is string[]",
    );
}

#[test]
fn a_header_with_an_empty_column_name() {
    let actor = b"id,name,,kind\n10,Rao,,person\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:1:9",
        "column 3 has no name",
    );
}

#[test]
fn a_node_file_without_an_id_column() {
    let actor = b"name,kind\nRao Qupeyan,person\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:1:1",
        "a node file's header starts with `id`",
    );
}

#[test]
fn a_value_of_the_wrong_type_for_a_typed_column() {
    let event = EVENT.replace("2017-01-02", "2017-13-02");
    rejects(
        &[("Event.csv", Some(event.as_bytes()))],
        "Event.csv:3:12",
        "column `date` (date): `2017-13-02` is not a date",
    );
}

#[test]
fn a_relationship_to_a_node_that_does_not_exist() {
    let agent = format!("{AGENT}31,99\n");
    rejects(
        &[("AGENT.csv", Some(agent.as_bytes()))],
        "AGENT.csv:5:4",
        "column `to`: node 99 does not exist",
    );
}

#[test]
fn a_duplicate_id() {
    let actor = format!("{ACTOR}10,Someone Else,person\n");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:5:1",
        "node id 10 appears twice in this import",
    );
}

#[test]
fn a_row_with_too_many_fields() {
    let actor = ACTOR.replace("group", "group,extra");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:3:27",
        "this row has 4 fields, but the header has 3 columns",
    );
}

#[test]
fn a_row_with_too_few_fields() {
    let actor = ACTOR.replace("12,Kaven,country", "12,Kaven");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:4:9",
        "this row has 2 fields",
    );
}

#[test]
fn invalid_utf8() {
    let actor = ACTOR.replace("Kaven", "Kav\u{1}en").into_bytes();
    let actor: Vec<u8> = actor.into_iter().map(|b| if b == 1 { 0xFF } else { b }).collect();
    rejects(
        &[("Actor.csv", Some(&actor))],
        "Actor.csv:4:4",
        "column `name`: the field is not valid UTF-8",
    );
}

#[test]
fn an_unknown_label_in_a_typed_store() {
    rejects(
        &[("Place.csv", None), ("Plaice.csv", Some(PLACE.as_bytes()))],
        "Plaice.csv:1:1",
        "label `Plaice` is not in schema `news`; did you mean `Place`?",
    );
}

#[test]
fn an_empty_file() {
    rejects(&[("Place.csv", Some(b""))], "Place.csv:1:1", "the file is empty");
}

#[test]
fn a_word_outside_the_vocabulary() {
    let actor = ACTOR.replace("person", "persn");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:2:16",
        "did you mean 'person'?",
    );
}

#[test]
fn a_repeated_unique_name() {
    let actor = ACTOR.replace("Kaven", "Rao Qupeyan");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:4:4",
        "Actor.name must be unique; an earlier node of this import already has it",
    );
}

#[test]
fn a_name_the_store_already_has() {
    let actor = ACTOR.replace("Kaven", "Existing");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:4:4",
        "Actor.name must be unique; a node in the store already has it",
    );
}

#[test]
fn an_id_the_store_already_has() {
    let actor = ACTOR.replace("10,Rao", "1,Rao");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:2:1",
        "node id 1 is already taken: a node in the store has it (new ids start at 2); import into a new store, or give the nodes new ids",
    );
}

#[test]
fn a_column_the_schema_does_not_declare() {
    let actor = b"id,name,kind,nick\n10,Rao,person,R\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:1:14",
        "property `nick` is not declared for :Actor",
    );
}

#[test]
fn a_required_column_missing_from_the_header() {
    let actor = b"id,name\n10,Rao\n";
    rejects(
        &[("Actor.csv", Some(actor))],
        "Actor.csv:1:1",
        "Actor.kind is required, and the header has no `kind` column",
    );
}

#[test]
fn a_relationship_joining_the_wrong_labels() {
    let agent = format!("{AGENT}10,12\n");
    rejects(
        &[("AGENT.csv", Some(agent.as_bytes()))],
        "AGENT.csv:5:1",
        "`AGENT` may not join (:Actor)->(:Actor)",
    );
}

#[test]
fn an_id_that_is_not_a_number() {
    let agent = format!("{AGENT}x3,10\n");
    rejects(
        &[("AGENT.csv", Some(agent.as_bytes()))],
        "AGENT.csv:5:1",
        "column `from`: `x3` is not a node id",
    );
}

#[test]
fn a_relationship_type_the_schema_lacks() {
    rejects(
        &[("REPORTED_IN_Event.csv", Some(b"from,to\n30,20\n"))],
        "REPORTED_IN_Event.csv:1:1",
        "relationship type `REPORTED_IN_Event` is not in schema `news`",
    );
}

#[test]
fn a_manifest_that_is_not_json() {
    rejects(
        &[("manifest.json", Some(b"{\"files\": {\n  \"Actor.csv\": [}\n}"))],
        "manifest.json:2:",
        "not a valid import manifest",
    );
}

#[test]
fn a_header_that_contradicts_the_schema() {
    let event = EVENT.replace("id,kind,date,summary", "id,kind,date:int,summary");
    rejects(
        &[("Event.csv", Some(event.as_bytes()))],
        "Event.csv:1:9",
        "the schema says :Event.date is date",
    );
}

/// Writes one small node per id; the ranges used below are tens of
/// thousands of ids, so the write phase applies several batches of pages
/// and failures can strike between batches.
struct ManyNodes {
    ids: std::ops::Range<u64>,
}

impl BulkSource for ManyNodes {
    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> std::result::Result<(), BulkRejection>,
    ) -> Result<()> {
        for id in self.ids.clone() {
            sink(numbered_node(id)).map_err(|r| r.error)?;
        }
        Ok(())
    }
}

fn numbered_node(id: u64) -> BulkElement {
    let properties = Properties::from([("blob".to_string(), Value::from(format!("node {id}")))]);
    BulkElement::Node {
        id: NodeId(id),
        labels: Labels::from(["Blob"]),
        properties,
        sources: vec![],
        key: None,
    }
}

/// Nodes, then a relationship from each node to the next, then `late`
/// nodes (ids after the first ones, so the first of them shares a page
/// with the last early node), then, if `dangling`, a relationship to a
/// node that does not exist. With tens of thousands of nodes first, the
/// import writes their pages while it reads the relationships.
struct NodesThenRelationships {
    ids: std::ops::Range<u64>,
    late: std::ops::Range<u64>,
    dangling: bool,
    /// Checked after the first late node is accepted: by then the early
    /// node pages must be on disk (the late node waits for their writer).
    engine: Option<SharedEngine>,
}

impl NodesThenRelationships {
    fn new(ids: std::ops::Range<u64>) -> NodesThenRelationships {
        NodesThenRelationships {
            ids,
            late: 0..0,
            dangling: false,
            engine: None,
        }
    }
}

/// Node pages (keys starting with `N`) in the raw store.
fn node_pages(engine: &SharedEngine) -> usize {
    engine
        .dump()
        .iter()
        .filter(|(key, _)| key.first() == Some(&b'N'))
        .count()
}

impl BulkSource for NodesThenRelationships {
    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> std::result::Result<(), BulkRejection>,
    ) -> Result<()> {
        ManyNodes {
            ids: self.ids.clone(),
        }
        .elements(sink)?;
        for id in self.ids.start..self.ids.end - 1 {
            sink(link(id, id + 1, None)).map_err(|r| r.error)?;
        }
        for id in self.late.clone() {
            sink(numbered_node(id)).map_err(|r| r.error)?;
            if let (Some(engine), true) = (&self.engine, id == self.late.start) {
                let early = (self.ids.end - self.ids.start) as usize / 128;
                let written = node_pages(engine);
                assert!(written >= early, "{written} node pages on disk, {early} expected");
            }
        }
        if self.dangling {
            sink(link(self.ids.start, 10_000_000, None)).map_err(|r| r.error)?;
        }
        Ok(())
    }
}

#[test]
fn node_pages_written_while_relationships_are_read_reopen_whole() {
    let engine = SharedEngine::default();
    let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
    let mut source = NodesThenRelationships::new(100..40_100);
    // Node 40_099 opens page 313 (ids 40_064..40_192); 40_150 joins it late.
    source.late = 40_150..40_160;
    source.engine = Some(engine.clone());
    let info = graph.bulk_insert("early pages", &mut source).unwrap();
    assert_eq!((info.nodes, info.relationships), (40_010, 39_999));
    let imported = contents(&graph);
    graph.verify().unwrap();
    drop(graph);
    let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
    assert_eq!(contents(&graph), imported);
    assert_eq!(
        int(&graph, "MATCH (n:Blob) WHERE id(n) >= 40099 RETURN count(n)"),
        Some(11)
    );
    assert_eq!(
        int(&graph, "MATCH (:Blob)-[r:LINK]->(:Blob) RETURN count(r)"),
        Some(39_999)
    );
    graph.verify().unwrap();
    assert!(graph.recovered_import().is_none());
}

#[test]
fn a_refusal_after_node_pages_were_written_leaves_the_store_as_it_was() {
    let (graph, engine) = base_store_schemaless();
    let before = (engine.dump(), contents(&graph));
    let mut source = NodesThenRelationships::new(100..40_100);
    source.dangling = true;
    let err = graph.bulk_insert("refused", &mut source).unwrap_err();
    assert!(err.to_string().contains("10000000"), "{err}");
    assert_eq!((engine.dump(), contents(&graph)), before);
    graph.verify().unwrap();
    // The handle goes on writing, with the ids it would have had.
    assert_eq!(int(&graph, "CREATE (n:Actor {name: 'B'}) RETURN id(n)"), Some(2));
}

#[test]
fn a_disk_failure_while_node_pages_are_written_early_is_undone() {
    let (graph, engine) = base_store_schemaless();
    let before = (engine.dump(), contents(&graph));
    // Apply 1 is the marker, 2 the first batch of node pages; 3 fails.
    engine
        .fail_at
        .store(engine.applies.load(Ordering::SeqCst) + 3, Ordering::SeqCst);
    let err = graph
        .bulk_insert("big", &mut NodesThenRelationships::new(100..40_100))
        .unwrap_err();
    assert!(err.to_string().contains("simulated disk failure"), "{err}");
    assert_eq!((engine.dump(), contents(&graph)), before);
    graph.verify().unwrap();
}

/// An open store holding one actor (node 1), on a shared engine.
fn base_store_schemaless() -> (Graph, SharedEngine) {
    let engine = SharedEngine::default();
    let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
    graph.query("CREATE (:Actor {name: 'Existing'})").unwrap();
    (graph, engine)
}

#[test]
fn a_disk_failure_between_batches_is_undone_at_once() {
    let engine = SharedEngine::default();
    let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
    graph
        .query("CREATE (:Actor {name: 'Existing', kind: 'person'})")
        .unwrap();
    let before = (engine.dump(), contents(&graph));
    // Apply 1 is the marker, 2 and 3 batches of nodes; 4 fails.
    engine
        .fail_at
        .store(engine.applies.load(Ordering::SeqCst) + 4, Ordering::SeqCst);
    let err = graph
        .bulk_insert("big", &mut ManyNodes { ids: 100..40_000 })
        .unwrap_err();
    assert!(err.to_string().contains("simulated disk failure"), "{err}");
    assert_eq!((engine.dump(), contents(&graph)), before);
    graph.verify().unwrap();
    // The handle goes on working.
    assert_eq!(
        int(
            &graph,
            "CREATE (n:Actor {name: 'B', kind: 'person'}) RETURN id(n)"
        ),
        Some(2)
    );
}

#[test]
fn a_dead_disk_leaves_the_import_for_the_next_open_to_remove() {
    let engine = SharedEngine::default();
    let before = {
        let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
        graph
            .query("CREATE (:Actor {name: 'Existing', kind: 'person'})")
            .unwrap();
        let before = (engine.dump(), contents(&graph));
        engine.permanent.store(true, Ordering::SeqCst);
        engine
            .fail_at
            .store(engine.applies.load(Ordering::SeqCst) + 4, Ordering::SeqCst);
        graph
            .bulk_insert("big", &mut ManyNodes { ids: 100..40_000 })
            .unwrap_err();
        // Memory was restored, but the batches written stay on disk, so
        // this handle refuses further writes.
        assert_eq!(contents(&graph), before.1);
        let err = graph
            .query("CREATE (:Actor {name: 'C', kind: 'person'})")
            .unwrap_err();
        assert!(err.to_string().contains("reopen the store"), "{err}");
        before
    };
    assert_ne!(engine.dump(), before.0, "the partial import is on the dead disk");
    engine.heal();
    let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
    let recovered = graph
        .recovered_import()
        .expect("the open removed the partial import");
    assert_eq!(recovered.description, "big");
    assert!(recovered.nodes >= 100, "{recovered:?}");
    assert_eq!((engine.dump(), contents(&graph)), before);
    graph.verify().unwrap();
}

/// Set in the child process of the crash test: the store to write to.
const CRASH_CHILD: &str = "ATTEST_IMPORT_CRASH_CHILD";

/// The store of the child process: applies and flushes batches until the
/// `exit_at`th, then ends the process before applying it (in the middle of
/// an import's write phase, when that is the fourth).
struct DiesWhileWriting {
    inner: SledEngine,
    applies: AtomicUsize,
    exit_at: usize,
}

impl Engine for DiesWhileWriting {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn scan_prefix<'a>(&'a self, prefix: &[u8]) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.inner.scan_prefix(prefix)
    }
    fn scan_range<'a>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<KeyValue>> + 'a> {
        self.inner.scan_range(start, end)
    }
    fn apply(&self, batch: WriteBatch) -> Result<()> {
        if self.applies.fetch_add(1, Ordering::SeqCst) + 1 == self.exit_at {
            std::process::exit(42);
        }
        self.inner.apply(batch)?;
        // What was applied reaches the disk before the process dies.
        self.inner.flush()
    }
    fn flush(&self) -> Result<()> {
        self.inner.flush()
    }
    fn size_on_disk(&self) -> Result<u64> {
        self.inner.size_on_disk()
    }
    fn name(&self) -> &'static str {
        "sled, dying"
    }
}

/// Not a test of its own: the body of the crash test's child process.
#[test]
fn crash_child() {
    let Ok(store) = std::env::var(CRASH_CHILD) else {
        return;
    };
    let engine = DiesWhileWriting {
        inner: SledEngine::open(std::path::Path::new(&store)).unwrap(),
        applies: AtomicUsize::new(0),
        // The marker, then three batches of pages; the fifth apply dies.
        exit_at: 5,
    };
    let graph = Graph::with_engine(Box::new(engine), schemaless()).unwrap();
    let _ = graph.bulk_insert("dies", &mut ManyNodes { ids: 100..40_000 });
    unreachable!("the store ends the process");
}

#[test]
fn a_crash_in_the_middle_of_an_import_is_undone_when_the_store_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    {
        let graph = Graph::open_with(&store, schemaless()).unwrap();
        graph
            .query("CREATE (:Actor {name: 'Existing', kind: 'person'})")
            .unwrap();
    }
    let before = sled_dump(&store);
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CRASH_CHILD, &store)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(42), "the child died where it should");
    let crashed = sled_dump(&store);
    assert!(
        crashed.len() > before.len() + 100,
        "batches of the import reached the disk ({} keys before, {} after)",
        before.len(),
        crashed.len()
    );
    {
        let graph = Graph::open(&store).unwrap();
        let recovered = graph.recovered_import().expect("the partial import was found");
        assert_eq!(recovered.description, "dies");
        assert!(recovered.nodes >= 8_000, "{recovered:?}");
        graph.verify().unwrap();
        assert_eq!(graph.stats().nodes, 1);
        assert_eq!(graph.history().unwrap().len(), 1);
    }
    assert_eq!(sled_dump(&store), before, "the store is as it was");
    // And the same import now goes through.
    let graph = Graph::open(&store).unwrap();
    let info = graph
        .bulk_insert("again", &mut ManyNodes { ids: 100..200 })
        .unwrap();
    assert_eq!(info.nodes, 100);
    graph.verify().unwrap();
}

/// An actor file of `rows` good rows (ids from 100), with `bad` put in as
/// row `at` (1-based, so on line `at + 1`).
fn long_actor_file(rows: usize, at: usize, bad: &str) -> String {
    let mut text = String::from("id,name,kind\n");
    for row in 1..=rows {
        if row == at {
            text.push_str(bad);
        } else {
            text.push_str(&format!("{},Actor {row},person", 99 + row));
        }
        text.push('\n');
    }
    text
}

#[test]
fn errors_far_into_a_file_name_their_line_and_stop_the_import_whole() {
    // Thousands of good rows before the bad one: the check pass has
    // counted them and the error must still name the bad row (a
    // vocabulary the schema enforces), a broken record must fail the
    // import, and nothing may be left behind.
    let actor = long_actor_file(9000, 7001, "7100,Actor 7001,persn");
    rejects(
        &[("Actor.csv", Some(actor.as_bytes()))],
        "Actor.csv:7002:17",
        "is not in vocabulary",
    );
    let actor = long_actor_file(9000, 2500, "2599,\"unclosed,person");
    let err_dir = tempfile::tempdir().unwrap();
    write_dir(err_dir.path(), &[("Actor.csv", Some(actor.as_bytes()))]);
    let (graph, engine) = base_store();
    let before = engine.dump();
    assert!(import_csv(&graph, err_dir.path(), &ImportOptions::default()).is_err());
    assert_eq!(engine.dump(), before);
    // A dangling end far into a relationship file, after whole batches of
    // good rows have been checked (and, in the write pass, written).
    let mut agent = String::from(AGENT);
    for _ in 0..5000 {
        agent.push_str("30,10\n");
    }
    agent.push_str("31,99\n");
    rejects(
        &[("AGENT.csv", Some(agent.as_bytes()))],
        "AGENT.csv:5005:4",
        "column `to`: node 99 does not exist",
    );
}

#[test]
fn a_join_the_schema_refuses_is_found_after_many_it_accepts() {
    // The check remembers the last accepted (type, start labels, end
    // labels) of relationships without properties; a row with other ends
    // must still be asked about. Node 10 is an Actor: AGENT must start at
    // an Event.
    let mut agent = String::from(AGENT);
    for _ in 0..100 {
        agent.push_str("30,10\n");
    }
    agent.push_str("10,11\n");
    rejects(
        &[("AGENT.csv", Some(agent.as_bytes()))],
        "AGENT.csv:105:1",
        "`AGENT` may not join (:Actor)->(:Actor)",
    );
}

/// Yields the elements it holds, counting how often it is read and told
/// that reading is done.
struct Scripted {
    elements: Vec<BulkElement>,
    reads: usize,
    done: usize,
}

impl Scripted {
    fn new(elements: Vec<BulkElement>) -> Scripted {
        Scripted {
            elements,
            reads: 0,
            done: 0,
        }
    }
}

impl BulkSource for Scripted {
    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> std::result::Result<(), BulkRejection>,
    ) -> Result<()> {
        self.reads += 1;
        for element in &self.elements {
            sink(element.clone()).map_err(|r| r.error)?;
        }
        Ok(())
    }

    fn reading_done(&mut self) {
        self.done += 1;
    }
}

fn link(from: u64, to: u64, id: Option<u64>) -> BulkElement {
    BulkElement::Relationship {
        id: id.map(attest::model::RelId),
        rel_type: "LINK".into(),
        start: NodeId(from),
        end: NodeId(to),
        properties: Properties::new(),
        sources: vec![],
        key: None,
    }
}

/// Nodes `first..first + n`, each linked to the one before it.
fn chain(first: u64, n: u64) -> Vec<BulkElement> {
    let nodes = (first..first + n).map(numbered_node);
    let links = (first + 1..first + n).map(|id| link(id - 1, id, None));
    nodes.chain(links).collect()
}

#[test]
fn the_source_is_read_once_and_told_when_reading_is_done() {
    let graph = Graph::in_memory();
    let mut source = Scripted::new(chain(1, 1000));
    let info = graph.bulk_insert("chain", &mut source).unwrap();
    assert_eq!((info.nodes, info.relationships), (1000, 999));
    assert_eq!((source.reads, source.done), (1, 1));
    // A refused element ends the read before anything is written.
    let mut elements = chain(2000, 1000);
    elements.push(link(2000, 999_999, None));
    let mut source = Scripted::new(elements);
    let err = graph.bulk_insert("dangling", &mut source).unwrap_err();
    assert!(err.to_string().contains("node 999999 does not exist"), "{err}");
    assert_eq!((source.reads, source.done), (1, 0));
    assert_eq!((graph.stats().nodes, graph.stats().relationships), (1000, 999));
    graph.verify().unwrap();
}

#[test]
fn a_failed_import_into_an_empty_store_leaves_it_empty_and_usable() {
    let graph = Graph::in_memory();
    let mut elements = chain(1, 5000);
    // Fails on the last element, when everything before it is in memory.
    elements.push(numbered_node(1));
    let err = graph
        .bulk_insert("chain", &mut Scripted::new(elements))
        .unwrap_err();
    assert!(err.to_string().contains("node id 1 appears twice"), "{err}");
    assert_eq!((graph.stats().nodes, graph.stats().relationships), (0, 0));
    graph.verify().unwrap();
    assert!(graph.history().unwrap().is_empty());
    // The same import then goes through, and its paths can be walked.
    graph
        .bulk_insert("chain", &mut Scripted::new(chain(1, 5000)))
        .unwrap();
    graph.verify().unwrap();
    assert_eq!(
        int(
            &graph,
            "MATCH p = (a)-[:LINK*1..3]->(b) WHERE id(a) = 1 RETURN count(p)"
        ),
        Some(3)
    );
}

#[test]
fn a_fresh_relationship_id_taken_again_by_a_chosen_one_is_refused() {
    let graph = Graph::in_memory();
    let mut elements = chain(1, 3);
    // The chain's two links got the fresh ids 1 and 2.
    elements.push(link(1, 3, Some(2)));
    let err = graph
        .bulk_insert("mixed", &mut Scripted::new(elements))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("relationship id 2 appears twice in this import"),
        "{err}"
    );
    assert_eq!(graph.stats().nodes, 0);
    // Chosen first, a fresh id comes after it.
    let elements = vec![
        numbered_node(1),
        numbered_node(2),
        link(1, 2, Some(7)),
        link(2, 1, None),
    ];
    graph.bulk_insert("mixed", &mut Scripted::new(elements)).unwrap();
    assert!(graph.relationship(attest::model::RelId(8)).is_some());
}

#[test]
fn a_disk_failure_writing_either_kind_of_page_is_undone_at_once() {
    // Node pages, then relationship pages, while the adjacency is built on
    // another thread: a failure at any batch, of either kind, must leave
    // the store as it was.
    for fail_at in 2..=8 {
        let engine = SharedEngine::default();
        let graph = Graph::with_engine(Box::new(engine.clone()), schemaless()).unwrap();
        graph
            .query("CREATE (:Actor {name: 'Existing', kind: 'person'})")
            .unwrap();
        let before = (engine.dump(), contents(&graph));
        engine
            .fail_at
            .store(engine.applies.load(Ordering::SeqCst) + fail_at, Ordering::SeqCst);
        let err = graph
            .bulk_insert("big", &mut Scripted::new(chain(100, 20_000)))
            .unwrap_err();
        assert!(err.to_string().contains("simulated disk failure"), "{err}");
        assert_eq!(
            (engine.dump(), contents(&graph)),
            before,
            "failing apply {fail_at}"
        );
        graph.verify().unwrap();
        graph
            .bulk_insert("again", &mut Scripted::new(chain(100, 20_000)))
            .unwrap();
        graph.verify().unwrap();
        assert_eq!(graph.stats().relationships, 19_999);
    }
}

#[test]
fn progress_reports_the_rows_read_then_the_write() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &[]);
    let (graph, _engine) = base_store();
    let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&reports);
    let options = ImportOptions {
        progress: Some(Arc::new(move |p: &attest::import::ImportProgress| {
            seen.lock().unwrap().push(p.clone());
        })),
        ..ImportOptions::default()
    };
    let report = import_csv(&graph, dir.path(), &options).unwrap();
    let reports = reports.lock().unwrap();
    let (last, reading) = reports.split_last().unwrap();
    use attest::import::ImportPhase;
    assert_eq!(last.phase, ImportPhase::Writing);
    assert!(reading.iter().all(|p| p.phase == ImportPhase::Reading));
    assert!(reading.windows(2).all(|w| w[0].rows <= w[1].rows));
    // One report at the end of each file; the last one counts every row.
    assert_eq!(reading.len(), report.files.len());
    let rows: u64 = report.files.iter().map(|f| f.rows).sum();
    assert_eq!((last.rows, last.bytes), (rows, last.total_bytes));
    assert!(report.read_seconds > 0.0 && report.write_seconds > 0.0);
}

/// A refusal far into a long file is the first error in file order and
/// points at its own line and column (checked when records were read in
/// batches on a second thread, a change measured and reverted: the test
/// stays for whatever reads records next).
#[test]
fn a_refusal_far_into_a_long_file_names_its_own_line() {
    let mut place = String::from("id,name,country\n");
    for i in 0..2500 {
        place.push_str(&format!("{},Place {i},Kaven\n", 100 + i));
    }
    // Line 2102 holds the 2101st data row (the header is line 1).
    let mut at = String::from("from,to\n");
    for i in 0..2500u64 {
        let place_id = if i == 2100 { 99_999 } else { 100 + i };
        at.push_str(&format!("30,{place_id}\n"));
    }
    rejects(
        &[
            ("Place.csv", Some(place.as_bytes())),
            ("AT.csv", Some(at.as_bytes())),
        ],
        "AT.csv:2102:4",
        "column `to`: node 99999 does not exist",
    );
}

/// Files of round sizes (2048 and 1024 rows) and an empty one: every row
/// of every file arrives, and the per-file counts add up.
#[test]
fn files_of_exactly_full_batches_and_no_rows_import_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut place = String::from("id,name,country\n");
    for i in 0..2048 {
        place.push_str(&format!("{},Place {i},Kaven\n", 100 + i));
    }
    let mut at = String::from("from,to\n");
    for i in 0..1024 {
        at.push_str(&format!("{},{}\n", 30 + i % 3, 100 + i));
    }
    write_dir(
        dir.path(),
        &[
            ("Place.csv", Some(place.as_bytes())),
            ("AT.csv", Some(at.as_bytes())),
            ("TARGET.csv", Some(b"from,to\n")),
        ],
    );
    let (graph, _engine) = base_store();
    let report = import_csv(&graph, dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!(report.nodes, 3 + 2048 + 3);
    assert_eq!(report.relationships, 3 + 1024);
    assert_eq!(int(&graph, "MATCH (p:Place) RETURN count(p)"), Some(2048));
    assert_eq!(
        int(&graph, "MATCH (:Event)-[r:AT]->(:Place) RETURN count(r)"),
        Some(1024)
    );
    assert_eq!(int(&graph, "MATCH ()-[r:TARGET]->() RETURN count(r)"), Some(0));
    // Actors, places, events, AGENT, an empty TARGET and AT.
    let rows: u64 = report.files.iter().map(|f| f.rows).sum();
    assert_eq!(rows, 3 + 2048 + 3 + 3 + 1024);
    graph.verify().unwrap();
}
