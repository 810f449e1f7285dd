//! The graph store: opening stores, reading, and writing through transactions.
//!
//! This layer owns a store's life: it opens a storage engine, checks the
//! format version, reads the schema kept inside, rebuilds the in-memory
//! [`GraphIndex`] from the records (or, for the relationships, from the
//! cache beside the store while it is current: `relcache.rs`), and hands
//! out read access and write
//! [`Transaction`]s. It is the only place where writes are checked against
//! the schema and turned into storage batches (`txn.rs`), with the key
//! layout in `layout.rs`. It calls `storage`, `graph`, `schema` and `model`;
//! it never sees query-language types.
//!
//! Large imports go through [`Graph::bulk_insert`] instead (`bulk.rs`):
//! checked the same way as they stream in, written only once all were
//! accepted, with no before-image per element, and made atomic across
//! crashes by an import marker.
//!
//! **Concurrency:** one `RwLock` guards the in-memory graph. Readers share
//! it; a transaction takes it exclusively at [`Graph::begin`] (waiting for
//! readers and any other writer to finish) and holds it until it commits or
//! rolls back (dropping it unfinished rolls back), so readers see a
//! statement either entirely or not at all (serializable isolation, one
//! writer at a time).

mod bulk;
mod check;
mod layout;
mod relcache;
mod txn;
mod version;

pub use bulk::{BulkElement, BulkField, BulkInfo, BulkRejection, BulkSizeHint, BulkSource, RecoveredImport};
pub use check::IntegrityReport;
pub use layout::TxnRecord;
pub use txn::{ChangeStats, CommitInfo, Origin, Transaction};

use crate::error::{Error, ErrorClass, Result};
use crate::graph::{GraphIndex, NodeView};
use crate::model::{Direction, ElementId, Node, NodeId, RelId, RelView, Relationship, Source};
use crate::schema::Schema;
use crate::storage::{self, Engine, KeyValue, MemoryEngine, WriteBatch};
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock, RwLockReadGuard};

/// Which schema a *new* store gets. An existing store keeps the schema it
/// was created with.
#[derive(Clone, Debug, Default)]
pub enum SchemaChoice {
    /// The news ontology (`data/schema.toml`).
    #[default]
    News,
    /// A schema of the user's own domain.
    Custom(Schema),
    /// An open store: any label, relationship type and property.
    Schemaless,
}

/// How to open a store.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// The schema a new store is created with (ignored when the store
    /// exists).
    pub schema: SchemaChoice,
}

/// The mutable state behind the lock.
pub(crate) struct State {
    pub(crate) index: GraphIndex,
    pub(crate) schema: Option<Schema>,
    pub(crate) next_node: u64,
    pub(crate) next_rel: u64,
    pub(crate) next_txn: u64,
}

/// A handle on one graph store. `Send + Sync`: share it between threads
/// behind an `Arc`; many readers and one writer at a time.
///
/// ```
/// use attest::db::Graph;
/// use attest::model::{Properties, Source};
///
/// let graph = Graph::in_memory();
/// let mut tx = graph.begin();
/// let mut props = Properties::new();
/// props.insert("name".into(), "Ash Carter".into());
/// let carter = tx.create_node(vec!["Actor".into()], props, vec![Source::sentence("article", 2)]).unwrap();
/// tx.commit("add Carter").unwrap();
/// assert_eq!(graph.node(carter).unwrap().property("name").as_str(), Some("Ash Carter"));
/// ```
pub struct Graph {
    engine: Box<dyn Engine>,
    state: RwLock<State>,
    path: Option<PathBuf>,
    created: bool,
    /// An unfinished import this open removed.
    recovered: Option<RecoveredImport>,
    /// Set when a failed bulk write could not be cleaned up: the handle
    /// refuses further writes, which the next open's recovery would take
    /// for part of the import.
    broken: OnceLock<String>,
    /// Opened by [`Graph::open_read_only`]: every write is refused.
    read_only: bool,
    /// Names the current state, for caches of query plans
    /// ([`Snapshot::version`]).
    version: version::StateVersion,
    /// Closing a writable store of at least this many relationships
    /// writes its relationship cache if the one on disk is not current
    /// (`relcache::refresh`); tests lower it.
    cache_min_rels: usize,
}

impl Drop for Graph {
    /// Closing a writable store refreshes its relationship cache (see
    /// `relcache.rs`): a store changed since its import then opens from
    /// the cache next time. A cache is only a speed-up, so a failure here
    /// is ignored; the next open reads the pages.
    fn drop(&mut self) {
        if self.read_only || self.broken.get().is_some() || std::thread::panicking() {
            return;
        }
        // A poisoned lock: a writer panicked, and the index is not to be
        // trusted for a cache (the pages are).
        let Ok(state) = self.state.get_mut() else {
            return;
        };
        if state.index.relationship_count() >= self.cache_min_rels {
            let _ = relcache::refresh(self.engine.as_ref(), &state.index, self.cache_min_rels);
        }
    }
}

impl Graph {
    /// Opens (or creates) the store at `path` with default options: a new
    /// store gets the news schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Graph> {
        Graph::open_with(path, OpenOptions::default())
    }

    /// Opens (or creates) the store at `path`.
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Graph> {
        let path = path.as_ref();
        // The on-disk engine recovers a store whose files were cut short or
        // overwritten by keeping what it can read — possibly nothing. A store that was
        // initialised once and comes back empty must not be taken for a new
        // one and initialised over: that would hide the loss. A store whose
        // creation was interrupted (no mark yet) is simply created again.
        let mark = path.join(INITIALISED_MARK);
        let marked = mark.is_file();
        let engine = storage::open_on_disk(path)?;
        refuse_lost_store(engine.as_ref(), marked, path)?;
        let mut graph = Graph::with_engine(engine, options)?;
        graph.path = Some(path.to_path_buf());
        if !marked {
            // Written only once the format key is flushed (with_engine).
            std::fs::write(&mark, "an Attest store; see docs/reliability.md\n").map_err(|source| {
                Error::Io {
                    path: mark.display().to_string(),
                    source,
                }
            })?;
        }
        Ok(graph)
    }

    /// Opens the existing store at `path` for reading only, sharing it with
    /// other read-only opens (in this process or others).
    ///
    /// The on-disk engine lets one process at a time open a store, even to
    /// read, so this reads a consistent copy of the whole store into memory
    /// as of this moment and lets go of the files (see
    /// [`storage::open_read_snapshot`](crate::storage::open_read_snapshot)).
    /// Later commits by a writer are not seen; reopen to see them. Every
    /// write through this handle fails with [`Error::ReadOnly`].
    ///
    /// # Errors
    /// [`Error::Locked`] while another handle has the store open for
    /// writing; [`Error::Format`] when `path` holds no store (a read-only
    /// open never creates one).
    ///
    /// ```
    /// use attest::db::Graph;
    /// use attest::Error;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("store");
    /// Graph::open(&path)?.query("CREATE (:Actor {name: 'Ash Carter', kind: 'person'})")?;
    ///
    /// let first = Graph::open_read_only(&path)?;
    /// let second = Graph::open_read_only(&path)?;
    /// assert_eq!(first.stats().nodes, 1);
    /// assert_eq!(second.stats().nodes, 1);
    /// let err = first.query("CREATE (:Actor {name: 'Begin', kind: 'person'})").unwrap_err();
    /// assert!(matches!(err, Error::ReadOnly { .. }), "{err}");
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Graph> {
        let path = path.as_ref();
        let engine = storage::open_read_snapshot(path)?;
        refuse_lost_store(engine.as_ref(), path.join(INITIALISED_MARK).is_file(), path)?;
        if engine.get(layout::META_FORMAT)?.is_none() {
            return Err(Error::Format(format!(
                "{} holds no Attest store yet (its creation never finished)",
                path.display()
            )));
        }
        let mut graph = Graph::with_engine(engine, OpenOptions::default())?;
        graph.path = Some(path.to_path_buf());
        graph.read_only = true;
        Ok(graph)
    }

    /// True when this handle was opened with [`Graph::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// An empty, open (schemaless) store in memory; it vanishes on drop.
    pub fn in_memory() -> Graph {
        Graph::in_memory_with(OpenOptions {
            schema: SchemaChoice::Schemaless,
        })
    }

    /// An empty in-memory store with the given options.
    pub fn in_memory_with(options: OpenOptions) -> Graph {
        // A fresh memory engine holds nothing that could fail to decode, so
        // opening cannot fail; fall back to a bare state all the same.
        Graph::with_engine(Box::new(MemoryEngine::new()), options).unwrap_or_else(|_| Graph {
            engine: Box::new(MemoryEngine::new()),
            state: RwLock::new(State {
                index: GraphIndex::new(&[]),
                schema: None,
                next_node: 1,
                next_rel: 1,
                next_txn: 1,
            }),
            path: None,
            created: true,
            recovered: None,
            broken: OnceLock::new(),
            read_only: false,
            version: version::StateVersion::new(),
            cache_min_rels: relcache::MIN_RELS,
        })
    }

    /// Opens a store on any engine: initialises an empty one, or checks
    /// the format and loads an existing one, first removing an import that
    /// never finished (see [`Graph::recovered_import`]). While it loads,
    /// it has the engine drop its cache between stretches of 32 MB of
    /// pages ([`Engine::release_cache`]), and fails if the store's meta
    /// keys changed across a release (another process wrote to it).
    pub fn with_engine(mut engine: Box<dyn Engine>, options: OpenOptions) -> Result<Graph> {
        let created = engine.get(layout::META_FORMAT)?.is_none();
        if created {
            initialise(engine.as_ref(), &options)?;
        }
        let format = check_format(engine.as_ref())?;
        // An older store is marked as of this format before anything is
        // written to it: before removing an unfinished import if there is
        // one, else once it has loaded (a store that fails to load is left
        // as it was).
        let mut older = format < layout::FORMAT_VERSION;
        if older && engine.get(layout::META_IMPORT)?.is_some() {
            mark_format_current(engine.as_ref())?;
            older = false;
        }
        let recovered = bulk::recover(engine.as_ref())?;
        let state = load_owned_state(engine.as_mut())?;
        if older {
            mark_format_current(engine.as_ref())?;
        }
        Ok(Graph {
            engine,
            state: RwLock::new(state),
            path: None,
            created,
            recovered,
            broken: OnceLock::new(),
            read_only: false,
            version: version::StateVersion::new(),
            cache_min_rels: relcache::MIN_RELS,
        })
    }

    /// The unfinished bulk import (left by a crash) that opening this store
    /// removed, if there was one; the CLI warns about it.
    pub fn recovered_import(&self) -> Option<&RecoveredImport> {
        self.recovered.as_ref()
    }

    /// Fails when this handle may not write: opened read-only, or see `broken`.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::ReadOnly {
                path: self
                    .path
                    .as_ref()
                    .map_or("(memory)".into(), |p| p.display().to_string()),
            });
        }
        match self.broken.get() {
            Some(why) => Err(Error::Storage(why.clone())),
            None => Ok(()),
        }
    }

    fn set_broken(&self, why: String) {
        let _ = self.broken.set(why);
    }

    /// True when this open created the store (it was empty): the CLI seeds
    /// the default store with the article then.
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// The store's directory, for a store on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Starts a write transaction, waiting for the current writer (and
    /// readers) to finish.
    pub fn begin(&self) -> Transaction<'_> {
        let state = self
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.version.bump();
        Transaction::new(self, state)
    }

    /// Runs `f` in a transaction and commits it when `f` succeeds; rolls it
    /// back when `f` or the commit fails. `description` goes into the
    /// transaction log ([`Graph::history`]).
    ///
    /// ```
    /// use attest::db::Graph;
    /// use attest::model::{Properties, Source};
    /// use attest::{Error, ErrorClass};
    ///
    /// let graph = Graph::in_memory();
    /// let (carter, info) = graph.write("add Carter", |tx| {
    ///     let props = Properties::from([("name".to_string(), "Ash Carter".into())]);
    ///     tx.create_node(vec!["Actor".into()], props, vec![Source::sentence("article", 2)])
    /// })?;
    /// assert_eq!(info.txn, Some(1));
    /// assert_eq!(info.stats.nodes_created, 1);
    /// assert!(graph.node(carter).is_some());
    ///
    /// // An error inside `f` rolls back everything `f` did.
    /// let failed = graph.write("half a change", |tx| {
    ///     tx.create_node(vec!["Actor".into()], Properties::new(), vec![])?;
    ///     Err::<(), _>(Error::query(ErrorClass::ArgumentError, "changed my mind"))
    /// });
    /// assert!(failed.is_err());
    /// assert_eq!(graph.stats().nodes, 1);
    /// assert_eq!(graph.history()?.len(), 1);
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn write<T>(
        &self,
        description: &str,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<(T, CommitInfo)> {
        let mut tx = self.begin();
        let value = f(&mut tx)?;
        let info = tx.commit(description)?;
        Ok((value, info))
    }

    /// Shared read access to the graph and schema.
    pub fn read(&self) -> Snapshot<'_> {
        let state = self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Read under the lock: no writer can change it until it is released.
        let version = self.version.get();
        Snapshot { state, version }
    }

    /// Makes every committed transaction durable.
    pub fn flush(&self) -> Result<()> {
        self.engine.flush()
    }

    /// Bytes the store takes on disk (0 in memory).
    pub fn size_on_disk(&self) -> Result<u64> {
        self.engine.size_on_disk()
    }

    /// The schema, when the store is typed.
    pub fn schema(&self) -> Option<Schema> {
        self.read().schema().cloned()
    }

    /// A copy of a node.
    pub fn node(&self, id: NodeId) -> Option<Node> {
        self.read().index().node(id).map(|n| n.to_node())
    }

    /// A copy of a relationship.
    pub fn relationship(&self, id: RelId) -> Option<Relationship> {
        self.read().index().relationship(id).map(|r| r.to_relationship())
    }

    /// The node with `label` whose unique `property` equals `value`.
    pub fn node_by_unique(&self, label: &str, property: &str, value: &crate::model::Value) -> Option<Node> {
        let snap = self.read();
        let ids = snap.index().find_unique(label, property, value)?;
        ids.first()
            .and_then(|id| snap.index().node(*id).map(|n| n.to_node()))
    }

    /// The node a fact file called `key` (e.g. `"carter"`).
    pub fn node_by_key(&self, key: &str) -> Option<Node> {
        let snap = self.read();
        match snap.index().element_by_key(key)? {
            ElementId::Node(id) => snap.index().node(id).map(|n| n.to_node()),
            ElementId::Rel(_) => None,
        }
    }

    /// Neighbours of a node through relationships of `rel_type` (any when
    /// `None`) in `direction`, as (relationship, node) pairs by relationship id.
    pub fn neighbours(
        &self,
        id: NodeId,
        rel_type: Option<&str>,
        direction: Direction,
    ) -> Vec<(Relationship, Node)> {
        let snap = self.read();
        let index = snap.index();
        let types: Vec<&str> = rel_type.into_iter().collect();
        let mut out: Vec<(Relationship, Node)> = index
            .relationships_of(id, direction, &types)
            .into_iter()
            .filter_map(|(r, n)| Some((index.relationship(r)?.to_relationship(), index.node(n)?.to_node())))
            .collect();
        out.sort_by_key(|(r, _)| r.id);
        out
    }

    /// The evidence for an element: each of its sources with the sentence
    /// text it cites, in the order the sources were added.
    ///
    /// # Errors
    /// `EntityNotFound` when the element does not exist.
    ///
    /// # Example
    /// Sentence texts come from the `Sentence` nodes a fact file's
    /// `document` declaration creates, keyed `document#index`:
    ///
    /// ```
    /// use attest::db::Graph;
    /// use attest::facts::load_text;
    /// use attest::model::{ElementId, Properties, Source};
    ///
    /// let graph = Graph::in_memory();
    /// let facts = "document article {title: 'Carter meets the press'} text 'article.txt'\n\
    ///              (carter:Actor {name: 'Ash Carter'}) cites 1";
    /// let text = "Carter meets the press\n\nAsh Carter spoke on Friday. He was angry.";
    /// load_text(&graph, facts, "carter.facts", &|_path| Ok(text.to_string()))?;
    ///
    /// let (quote, _) = graph.write("add a quote", |tx| {
    ///     let props = Properties::from([("claim".to_string(), "He was angry.".into())]);
    ///     let sources = vec![
    ///         Source::sentence("article", 2),
    ///         Source::External { note: "the reporter's notes".into() },
    ///     ];
    ///     tx.create_node(vec!["Quote".into()], props, sources)
    /// })?;
    ///
    /// let evidence = graph.evidence(ElementId::Node(quote))?;
    /// assert_eq!(evidence[0].source.to_string(), "article#2");
    /// assert_eq!(evidence[0].text.as_deref(), Some("He was angry."));
    /// assert_eq!(evidence[0].document.as_deref(), Some("Carter meets the press"));
    /// assert_eq!(evidence[1].text, None); // external: no sentence to show
    ///
    /// let carter = graph.node_by_key("carter").unwrap();
    /// let evidence = graph.evidence(ElementId::Node(carter.id))?;
    /// assert_eq!(evidence[0].text.as_deref(), Some("Ash Carter spoke on Friday."));
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn evidence(&self, id: ElementId) -> Result<Vec<Evidence>> {
        let snap = self.read();
        snap.evidence(id)
    }

    /// Counts per label and per relationship type.
    pub fn stats(&self) -> GraphStats {
        GraphStats::of(self.read().index())
    }

    /// The log of committed transactions, oldest first.
    pub fn history(&self) -> Result<Vec<TxnRecord>> {
        self.engine
            .scan_prefix(&[layout::TXN])
            .map(|item| item.and_then(|(_, v)| layout::decode(&v, "transaction log")))
            .collect()
    }
}

/// Read access to the graph; holds the read lock until dropped.
pub struct Snapshot<'g> {
    state: RwLockReadGuard<'g, State>,
    version: u64,
}

impl Snapshot<'_> {
    /// A number naming the state this snapshot reads: another snapshot
    /// with the same number reads the same graph (not a copy) in the same
    /// state, with the same schema. Any write — even one rolled back —
    /// and any other graph give other numbers.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The in-memory graph.
    pub fn index(&self) -> &GraphIndex {
        &self.state.index
    }

    /// The schema, when the store is typed.
    pub fn schema(&self) -> Option<&Schema> {
        self.state.schema.as_ref()
    }

    /// See [`Graph::evidence`].
    pub fn evidence(&self, id: ElementId) -> Result<Vec<Evidence>> {
        evidence_in(self.index(), id)
    }
}

/// One source of a fact, with the text it cites.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// The citation, as stored on the element.
    pub source: Source,
    /// The cited sentence (or the part the span selects), when the source
    /// is a sentence of a loaded document; `None` for an external source or
    /// a sentence the store does not hold.
    pub text: Option<String>,
    /// The title of the cited document; `None` for an external source or
    /// when the document (or its title) is not in the store.
    pub document: Option<String>,
}

/// The fact key of sentence `index` of `document`: `article#3`.
pub fn sentence_key(document: &str, index: u32) -> String {
    format!("{document}#{index}")
}

/// Evidence lookup over any view of the graph (a snapshot or a transaction).
pub fn evidence_in(index: &GraphIndex, id: ElementId) -> Result<Vec<Evidence>> {
    let sources = match id {
        ElementId::Node(n) => index.node(n).map(|n| n.sources().to_vec()),
        ElementId::Rel(r) => index.relationship(r).map(|r| r.sources.to_vec()),
    };
    let sources =
        sources.ok_or_else(|| Error::query(ErrorClass::EntityNotFound, format!("{id} does not exist")))?;
    let node_by_key = |key: &str| match index.element_by_key(key) {
        Some(ElementId::Node(n)) => index.node(n),
        _ => None,
    };
    Ok(sources
        .into_iter()
        .map(|source| {
            let (text, document) = match &source {
                Source::Sentence {
                    document,
                    index: i,
                    span,
                } => {
                    let sentence = node_by_key(&sentence_key(document, *i)).map(|n| n.property("text"));
                    let sentence = sentence.as_ref().and_then(crate::model::Value::as_str);
                    let text = sentence.map(|t| match span {
                        Some((a, b)) => t
                            .chars()
                            .skip(*a as usize)
                            .take(b.saturating_sub(*a) as usize)
                            .collect(),
                        None => t.to_string(),
                    });
                    let title =
                        node_by_key(document).and_then(|d| d.property("title").as_str().map(str::to_string));
                    (text, title)
                }
                Source::External { .. } => (None, None),
            };
            Evidence {
                source,
                text,
                document,
            }
        })
        .collect())
}

/// Element counts of a graph.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GraphStats {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of relationships.
    pub relationships: usize,
    /// Nodes per label, sorted by label; labels no node carries are left
    /// out.
    /// A node with two labels counts under both.
    pub labels: Vec<(String, usize)>,
    /// Relationships per type, sorted by type; unused types are left out.
    pub relationship_types: Vec<(String, usize)>,
}

impl GraphStats {
    /// The counts of a graph view (a snapshot's or a transaction's).
    pub fn of(index: &GraphIndex) -> GraphStats {
        GraphStats {
            nodes: index.node_count(),
            relationships: index.relationship_count(),
            labels: index.label_counts().map(|(l, n)| (l.to_string(), n)).collect(),
            relationship_types: index
                .relationship_type_counts()
                .map(|(t, n)| (t.to_string(), n))
                .collect(),
        }
    }
}

/// A file in a store's directory, written once the store's format key is
/// on disk: from then on, a store without the key has lost its data.
const INITIALISED_MARK: &str = "attest-store";

/// Fails when a store that was initialised holds no Attest format key.
/// Refuses a relationship of a new type once the graph has as many
/// types as it can tell apart ([`crate::graph::MAX_REL_TYPES`]), before
/// anything is written.
fn check_type_room(index: &GraphIndex, rel_type: &str) -> Result<()> {
    if index.type_fits(rel_type) {
        return Ok(());
    }
    Err(Error::query(
        ErrorClass::ConstraintVerificationFailed,
        format!(
            "relationship type `{rel_type}` would be one type too many: a store holds at most {} relationship types",
            crate::graph::MAX_REL_TYPES
        ),
    ))
}

fn refuse_lost_store(engine: &dyn Engine, initialised: bool, path: &Path) -> Result<()> {
    if initialised && engine.get(layout::META_FORMAT)?.is_none() {
        return Err(Error::Format(format!(
            "{} is a store holding no Attest data: its files are damaged or were \
             cut short, and the storage engine could recover nothing; refusing to create a new \
             store over it",
            path.display()
        )));
    }
    Ok(())
}

fn initialise(engine: &dyn Engine, options: &OpenOptions) -> Result<()> {
    // An existing store always has the format key; anything else in a
    // store without it is not an Attest store.
    if engine.scan_prefix(&[]).next().is_some() {
        return Err(Error::Format(
            "the store holds data but no Attest format version".into(),
        ));
    }
    let schema = match &options.schema {
        SchemaChoice::News => Some(Schema::news()),
        SchemaChoice::Custom(s) => Some(s.clone()),
        SchemaChoice::Schemaless => None,
    };
    let mut batch = WriteBatch::new();
    batch.put(layout::META_FORMAT, layout::FORMAT_VERSION.to_be_bytes().to_vec());
    if let Some(schema) = schema {
        batch.put(layout::META_SCHEMA, layout::encode(&schema)?);
    }
    for key in [
        layout::META_NEXT_NODE,
        layout::META_NEXT_REL,
        layout::META_NEXT_TXN,
    ] {
        batch.put(key, 1u64.to_be_bytes().to_vec());
    }
    engine.apply(batch)?;
    engine.flush()
}

/// The store's format, when this build reads it.
fn check_format(engine: &dyn Engine) -> Result<u32> {
    let format = engine
        .get(layout::META_FORMAT)?
        .ok_or_else(|| Error::Format("no format version".into()))?;
    let version = u32::from_be_bytes(
        format
            .as_slice()
            .try_into()
            .map_err(|_| Error::Format("damaged format version".into()))?,
    );
    if !(layout::OLDEST_READ_FORMAT..=layout::FORMAT_VERSION).contains(&version) {
        return Err(Error::Format(format!(
            "store format {version} is not supported (this Attest reads formats {} to {})",
            layout::OLDEST_READ_FORMAT,
            layout::FORMAT_VERSION
        )));
    }
    Ok(version)
}

/// Marks an older store as of this build's format (see
/// `layout::OLDEST_READ_FORMAT`), before anything is written to it in the
/// newer encoding.
fn mark_format_current(engine: &dyn Engine) -> Result<()> {
    let mut batch = WriteBatch::new();
    batch.put(layout::META_FORMAT, layout::FORMAT_VERSION.to_be_bytes().to_vec());
    engine.apply(batch)?;
    engine.flush()
}

/// Page bytes a load reads before the engine drops its cache
/// ([`Engine::release_cache`]): sled keeps every page a scan reads until it
/// is closed. The load's own records then reuse the memory of the pages
/// read before them, instead of adding to it. Closing and reopening sled
/// takes 9-17 ms at a million events; smaller stretches saved a little
/// more memory for more of that time (docs/performance.md, change 41).
const STRETCH_BYTES: usize = 32 << 20;

/// The engine a load reads, and whether the load may have it drop its
/// cache between stretches of pages.
enum LoadFrom<'a> {
    /// The engine of a store being opened, which the load holds alone.
    Owned(&'a mut dyn Engine),
    /// The engine of an open store, shared (an integrity check's reload).
    Shared(&'a dyn Engine),
}

impl LoadFrom<'_> {
    fn engine(&self) -> &dyn Engine {
        match self {
            LoadFrom::Owned(engine) => &**engine,
            LoadFrom::Shared(engine) => *engine,
        }
    }

    /// Reads every page under `prefix` in stretches: `stretch` reads from
    /// a key to the prefix's end and returns the key it stopped before
    /// (`None`: at the end). Between stretches an owned engine drops its
    /// cache.
    fn in_stretches(
        &mut self,
        prefix: u8,
        mut stretch: impl FnMut(&dyn Engine, (&[u8], &[u8])) -> Result<Option<Vec<u8>>>,
    ) -> Result<()> {
        let end = [prefix.saturating_add(1)];
        let mut from = vec![prefix];
        while let Some(next) = stretch(self.engine(), (&from, &end))? {
            if let LoadFrom::Owned(engine) = self {
                release_unchanged(&mut **engine)?;
            }
            from = next;
        }
        Ok(())
    }
}

/// Has `engine` drop its cache, and checks that the store did not change
/// meanwhile. sled lets go of its file lock between closing and opening
/// again (a few milliseconds), and another process may open the store in
/// that gap; if it wrote, the pages already loaded would not match the
/// rest. Every commit and every import changes the meta keys (the
/// transaction counter, an import's marker), so comparing them tells.
fn release_unchanged(engine: &mut dyn Engine) -> Result<()> {
    let meta =
        |engine: &dyn Engine| -> Result<Vec<KeyValue>> { engine.scan_prefix(&[layout::META]).collect() };
    let before = meta(engine)?;
    engine.release_cache()?;
    if meta(engine)? != before {
        return Err(Error::Storage(
            "the store changed while it was being opened (another process wrote to it); open it again".into(),
        ));
    }
    Ok(())
}

/// The first key after `key` in byte order: where a scan that stopped
/// after `key` goes on.
fn key_after(mut key: Vec<u8>) -> Vec<u8> {
    key.push(0);
    key
}

/// Decoded pages a reading thread may hold before the loading thread takes
/// them (a page is at most [`layout::PAGE_RECORDS`] records).
const PAGES_IN_FLIGHT: usize = 64;

/// Scans the pages from `from` to `end` on a second thread, while this one
/// `consume`s them in key order, so that reading and inserting overlap on
/// two cores. The second thread decodes every other page and hands the
/// rest over as read, for this one to decode: inserting a relationship
/// costs less than reading and decoding it, and decoding all of them on
/// the reading thread left this one waiting (docs/performance.md, change
/// 42). Stops after `stretch` bytes of pages and returns the key to go on
/// from (`None`: the scan reached `end`). The first error (reading,
/// decoding or consuming) ends both; without a second thread the pages
/// are read and consumed on this one.
///
/// Opening a store uses it for relationship pages, whose decoded form is
/// small and short-lived. Node pages are decoded where they are indexed:
/// their records would live on in the reading thread's malloc arena, and
/// decoding them on a second thread doubled the open's system time (page
/// faults in that arena) for no gain in wall time.
fn pipelined_pages<T: Send>(
    engine: &dyn Engine,
    (from, end): (&[u8], &[u8]),
    stretch: usize,
    decode: impl Fn(&[u8], &[u8]) -> Result<T> + Send + Copy,
    mut consume: impl FnMut(T) -> Result<()>,
) -> Result<Option<Vec<u8>>> {
    // Reads pages into `send` until the stretch is full; returns where the
    // next stretch starts. Every other page is handed over as read, for the
    // loading thread to decode.
    let read = move |send: &mut dyn FnMut(Result<Page<T>>) -> bool, split: bool| -> Option<Vec<u8>> {
        let mut read = 0;
        for (at, item) in engine.scan_range(from, Some(end)).enumerate() {
            let page = item.and_then(|(key, value)| {
                read += value.len();
                let page = if split && at % 2 == 1 {
                    Page::Read(key.clone(), value)
                } else {
                    Page::Decoded(decode(&key, &value)?)
                };
                Ok((key, page))
            });
            match page {
                Ok((key, page)) => {
                    if !send(Ok(page)) {
                        return None;
                    }
                    if read >= stretch {
                        return Some(key_after(key));
                    }
                }
                Err(e) => {
                    send(Err(e));
                    return None;
                }
            }
        }
        None
    };
    let mut take = |page: Page<T>| match page {
        Page::Decoded(page) => consume(page),
        Page::Read(key, value) => consume(decode(&key, &value)?),
    };
    std::thread::scope(|scope| {
        let (sender, pages) = std::sync::mpsc::sync_channel::<Result<Page<T>>>(PAGES_IN_FLIGHT);
        let reader = std::thread::Builder::new()
            .name("attest-open".into())
            .spawn_scoped(scope, move || {
                // A closed channel means the loading thread stopped.
                read(&mut |page| sender.send(page).is_ok(), true)
            });
        let Ok(reader) = reader else {
            // No second thread to be had: read on this one.
            let mut failed = None;
            let next = read(
                &mut |page| match page.and_then(&mut take) {
                    Ok(()) => true,
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                },
                false,
            );
            return failed.map_or(Ok(next), Err);
        };
        for page in pages {
            take(page?)?;
        }
        // The reader ended without an error (else one came through the
        // channel above); a panic in it is a bug, reported as one.
        reader
            .join()
            .map_err(|_| Error::Storage("the thread reading the store's pages panicked".into()))
    })
}

/// A page as the reading thread hands it over: decoded, or as read, for
/// the loading thread to decode.
enum Page<T> {
    Decoded(T),
    Read(Vec<u8>, Vec<u8>),
}

/// Puts into `batch` every listed page as the in-memory `index` has it now:
/// the page's live records, or a delete when none is left.
fn write_pages(
    index: &GraphIndex,
    node_pages: impl IntoIterator<Item = u64>,
    rel_pages: impl IntoIterator<Item = u64>,
    batch: &mut WriteBatch,
) -> Result<()> {
    put_node_pages(|id| index.node(id), node_pages, batch)?;
    for page in rel_pages {
        let rels: Vec<RelView> = layout::page_ids(page)
            .filter_map(|id| index.relationship(RelId(id)))
            .collect();
        put_page(batch, layout::rel_page_key(page), &rels, layout::encode_rel_page)?;
    }
    Ok(())
}

/// Puts into `batch` every listed node page with the live records `node`
/// finds: [`write_pages`]'s node half, for callers that hold the records
/// without their index (a bulk import's page writer).
fn put_node_pages<'a>(
    node: impl Fn(NodeId) -> Option<NodeView<'a>>,
    pages: impl IntoIterator<Item = u64>,
    batch: &mut WriteBatch,
) -> Result<()> {
    for page in pages {
        let nodes: Vec<NodeView> = layout::page_ids(page).filter_map(|id| node(NodeId(id))).collect();
        put_page(
            batch,
            layout::node_page_key(page),
            &nodes,
            layout::encode_node_page,
        )?;
    }
    Ok(())
}

/// Puts a page with these records under `key`, encoded by `encode`, or
/// deletes it when none.
fn put_page<T>(
    batch: &mut WriteBatch,
    key: Vec<u8>,
    records: &[T],
    encode: impl FnOnce(&[T]) -> Result<Vec<u8>>,
) -> Result<()> {
    if records.is_empty() {
        batch.delete(key);
    } else {
        batch.put(key, encode(records)?);
    }
    Ok(())
}

fn load_state(engine: &dyn Engine) -> Result<State> {
    load_state_from(LoadFrom::Shared(engine), STRETCH_BYTES)
}

/// Loads the store an opening handle holds alone: as [`load_state`], and
/// the engine drops its cache between stretches of pages.
fn load_owned_state(engine: &mut dyn Engine) -> Result<State> {
    load_state_from(LoadFrom::Owned(engine), STRETCH_BYTES)
}

/// Loads the index from `from`, reading `stretch` bytes of pages between
/// the times an owned engine drops its cache.
fn load_state_from(mut from: LoadFrom<'_>, stretch: usize) -> Result<State> {
    let engine = from.engine();
    check_format(engine)?;
    let schema: Option<Schema> = match engine.get(layout::META_SCHEMA)? {
        Some(bytes) => Some(layout::decode(&bytes, "schema")?),
        None => None,
    };
    let counter = |key: &[u8]| -> Result<u64> {
        let bytes = engine
            .get(key)?
            .ok_or_else(|| Error::Format("missing id counter".into()))?;
        layout::decode_u64(&bytes, "id counter")
    };
    let unique = schema.as_ref().map(Schema::unique_keys).unwrap_or_default();
    let mut index = GraphIndex::new(&unique);
    if let Some(schema) = &schema {
        index.set_join_labels(schema.join_labels());
    }
    // Sized once, so the maps do not grow step by step while loading. The
    // id counters bound the counts, but ids may be sparse (an import keeps
    // the ids it is given, 10^9 say); no record takes fewer than
    // MIN_RECORD_BYTES on disk, so the store's size bounds them too.
    const MIN_RECORD_BYTES: u64 = 8;
    // A hint only: a size that cannot be read (the engine's files may change
    // while it opens) reserves nothing rather than failing the open.
    let by_size = engine.size_on_disk().unwrap_or(0) / MIN_RECORD_BYTES;
    let (next_node, next_rel) = (counter(layout::META_NEXT_NODE)?, counter(layout::META_NEXT_REL)?);
    let next_txn = counter(layout::META_NEXT_TXN)?;
    index.reserve(
        usize::try_from(next_node.min(by_size)).unwrap_or(0),
        usize::try_from(next_rel.min(by_size)).unwrap_or(0),
    );
    // A relationship cache of exactly this state is read on a second
    // thread while this one loads the nodes; it takes the place of the
    // relationship pages (see `relcache.rs`). An integrity check reads
    // the pages.
    let cached = match &from {
        LoadFrom::Owned(engine) => relcache::find(&**engine)?,
        LoadFrom::Shared(_) => None,
    };
    let cache = std::thread::scope(|scope| -> Result<Option<crate::graph::RelCache>> {
        let reader = cached.as_ref().map(|(path, stamp)| {
            std::thread::Builder::new()
                .name("attest-open-cache".into())
                .spawn_scoped(scope, move || relcache::read(path, stamp))
        });
        from.in_stretches(layout::NODE, |engine, (from, end)| {
            let mut read = 0;
            for item in engine.scan_range(from, Some(end)) {
                let (key, value) = item?;
                // Values go from the page into the index's packed records
                // without becoming `Value`s; a page of format 2 is decoded
                // into nodes first.
                match layout::decode_node_page_packed(&key, &value)? {
                    Some(nodes) => nodes.into_iter().for_each(|node| index.insert_packed_node(node)),
                    None => {
                        for node in layout::decode_node_page(&key, &value)? {
                            index.insert_node(node);
                        }
                    }
                }
                read += value.len();
                if read >= stretch {
                    return Ok(Some(key_after(key)));
                }
            }
            Ok(None)
        })?;
        // No thread to be had, or a panic in it: the pages are read.
        Ok(match reader {
            Some(Ok(thread)) => thread.join().ok().flatten(),
            _ => None,
        })
    })?;
    let installed = cache.is_some_and(|cache| index.install_cache(cache));
    if !installed {
        if let Some((path, _)) = &cached {
            // Read but not for these nodes, or not read at all: it would
            // be found current again at close and never replaced.
            relcache::discard(path);
        }
        load_relationship_pages(&mut from, &mut index, stretch)?;
    }
    Ok(State {
        index,
        schema,
        next_node,
        next_rel,
        next_txn,
    })
}

/// The relationship phase of a load from the pages: every relationship
/// page, read on a second thread (`pipelined_pages`), then the adjacency
/// built in one go.
fn load_relationship_pages(from: &mut LoadFrom<'_>, index: &mut GraphIndex, stretch: usize) -> Result<()> {
    index.begin_load();
    let decode = layout::decode_rel_page_for_load;
    from.in_stretches(layout::REL, |engine, range| {
        pipelined_pages(engine, range, stretch, decode, |page| {
            for rel in page.rels {
                let (id, inserted) = match rel {
                    layout::LoadedRel::Plain {
                        id,
                        rel_type,
                        start,
                        end,
                    } => {
                        // `decode_rel_page_for_load` names only types it listed.
                        let Some(rel_type) = page.types.get(rel_type) else {
                            return Err(Error::Format(format!(
                                "relationship {id} lost its type while loading"
                            )));
                        };
                        (id, index.insert_plain_relationship(id, rel_type, start, end))
                    }
                    layout::LoadedRel::Full(rel) => (rel.id, index.insert_relationship(*rel)),
                };
                if !inserted {
                    return Err(Error::Format(format!(
                        "relationship {id} joins a node that does not exist"
                    )));
                }
            }
            Ok(())
        })
    })?;
    index.finish_load();
    Ok(())
}

#[cfg(test)]
mod format_tests {
    use super::*;

    /// Rewrites a store written by this build as format 2 wrote it: the
    /// format key 2, and every page in postcard's encoding of its records.
    fn make_format_2(path: &Path) {
        let engine = storage::open_on_disk(path).unwrap();
        let mut batch = WriteBatch::new();
        batch.put(layout::META_FORMAT, 2u32.to_be_bytes().to_vec());
        for item in engine.scan_prefix(&[layout::NODE]) {
            let (key, value) = item.unwrap();
            let nodes = layout::decode_node_page(&key, &value).unwrap();
            assert_eq!(value.first(), Some(&0xff), "written packed");
            batch.put(
                key,
                layout::encode_page(&nodes.iter().collect::<Vec<_>>()).unwrap(),
            );
        }
        for item in engine.scan_prefix(&[layout::REL]) {
            let (key, value) = item.unwrap();
            let rels = layout::decode_rel_page(&key, &value).unwrap();
            let views: Vec<RelView> = rels.iter().map(Relationship::as_view).collect();
            assert_eq!(value.first(), Some(&0xff), "written packed");
            batch.put(key, layout::encode_page(&views).unwrap());
        }
        engine.apply(batch).unwrap();
        engine.flush().unwrap();
    }

    fn format_of(path: &Path) -> u32 {
        let engine = storage::open_on_disk(path).unwrap();
        let bytes = engine.get(layout::META_FORMAT).unwrap().unwrap();
        u32::from_be_bytes(bytes.as_slice().try_into().unwrap())
    }

    fn contents(graph: &Graph) -> String {
        let nodes = graph
            .query("MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)")
            .unwrap();
        let rels = graph
            .query("MATCH (a)-[r]->(b) RETURN id(r), type(r), id(a), id(b), properties(r) ORDER BY id(r)")
            .unwrap();
        format!("{:?}\n{:?}", nodes.rows, rels.rows)
    }

    #[test]
    fn a_format_2_store_is_read_marked_current_and_written_packed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let before = {
            let graph = Graph::open_with(
                &path,
                OpenOptions {
                    schema: SchemaChoice::Schemaless,
                },
            )
            .unwrap();
            graph
                .query("CREATE (a:A {x: 1})-[:R]->(b:B:C {s: 'b'}), (b)-[:S {w: 2}]->(a), (a)-[:R]->(a)")
                .unwrap();
            contents(&graph)
        };
        make_format_2(&path);
        assert_eq!(format_of(&path), 2);
        {
            let graph = Graph::open(&path).unwrap();
            assert_eq!(contents(&graph), before);
            graph.verify().unwrap();
        }
        assert_eq!(format_of(&path), layout::FORMAT_VERSION);
        // A write rewrites its page packed; the others stay as they were,
        // and both read.
        let after = {
            let graph = Graph::open(&path).unwrap();
            graph.query("MATCH (a:A) CREATE (a)-[:T]->(:C)").unwrap();
            contents(&graph)
        };
        let graph = Graph::open(&path).unwrap();
        assert_eq!(contents(&graph), after);
        assert_eq!(
            graph.query("MATCH ()-[r]->() RETURN count(r)").unwrap().rows[0][0].as_int(),
            Some(4)
        );
    }

    #[test]
    fn a_format_2_store_that_fails_to_load_is_left_as_format_2() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        Graph::open(&path)
            .unwrap()
            .query("CREATE (:Actor {name: 'A', kind: 'person'})")
            .unwrap();
        make_format_2(&path);
        {
            let engine = storage::open_on_disk(&path).unwrap();
            let mut batch = WriteBatch::new();
            batch.put(layout::node_page_key(0), b"\xff\xff garbage".to_vec());
            engine.apply(batch).unwrap();
            engine.flush().unwrap();
        }
        assert!(Graph::open(&path).is_err());
        assert_eq!(format_of(&path), 2);
    }
}

#[cfg(test)]
mod load_tests {
    use super::*;

    /// An engine that counts how often a load had it drop its cache, and
    /// can play another process that commits while it is closed.
    struct Counting {
        inner: Box<dyn Engine>,
        releases: usize,
        commit_on_release: bool,
    }

    impl Engine for Counting {
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
            self.inner.apply(batch)
        }
        fn flush(&self) -> Result<()> {
            self.inner.flush()
        }
        fn size_on_disk(&self) -> Result<u64> {
            self.inner.size_on_disk()
        }
        fn name(&self) -> &'static str {
            self.inner.name()
        }
        fn release_cache(&mut self) -> Result<()> {
            self.releases += 1;
            self.inner.release_cache()?;
            if self.commit_on_release {
                let mut batch = WriteBatch::new();
                batch.put(layout::META_NEXT_TXN, 1_000u64.to_be_bytes().to_vec());
                self.inner.apply(batch)?;
            }
            Ok(())
        }
    }

    /// Every node and relationship of a loaded index, in id order.
    fn records(state: &State) -> (Vec<Node>, Vec<Relationship>) {
        let index = &state.index;
        let nodes = index
            .node_ids()
            .into_iter()
            .filter_map(|id| index.node(id).map(|n| n.to_node()));
        let mut rels: Vec<Relationship> = index.relationships().map(|r| r.to_relationship()).collect();
        rels.sort_by_key(|r| r.id);
        (nodes.collect(), rels)
    }

    #[test]
    fn pages_decoded_on_either_thread_arrive_in_key_order() {
        let engine = MemoryEngine::new();
        let mut batch = WriteBatch::new();
        for page in 0..9u8 {
            batch.put(vec![layout::REL, page], vec![page; 3]);
        }
        engine.apply(batch).unwrap();
        let range: (&[u8], &[u8]) = (&[layout::REL], &[layout::REL + 1]);
        // Decoding checks the page against its key, on whichever thread.
        let decode = |key: &[u8], value: &[u8]| -> Result<u8> {
            match (key, value) {
                ([_, page], [a, ..]) if page == a && *page != 7 => Ok(*page),
                _ => Err(Error::Format(format!("page {key:?} is damaged"))),
            }
        };
        let mut seen = Vec::new();
        let err = pipelined_pages(&engine, range, usize::MAX, decode, |page| {
            seen.push(page);
            Ok(())
        })
        .unwrap_err();
        // Page 7, an odd one (handed over as read), fails where it is
        // decoded, after every page before it arrived in order.
        assert!(err.to_string().contains("[82, 7]"), "{err}");
        assert_eq!(seen, [0, 1, 2, 3, 4, 5, 6]);
        let mut seen = Vec::new();
        let next = pipelined_pages(
            &engine,
            range,
            7,
            |_, value| Ok(value[0]),
            |page| {
                seen.push(page);
                Ok(())
            },
        )
        .unwrap();
        // Three bytes a page: the stretch of 7 bytes ends after the third.
        assert_eq!(seen, [0, 1, 2]);
        assert_eq!(next, Some(vec![layout::REL, 2, 0]));
    }

    #[test]
    fn the_key_after_a_key_sorts_between_it_and_every_later_one() {
        let key = layout::rel_page_key(5);
        let after = key_after(key.clone());
        assert!(key < after && after < layout::rel_page_key(6));
        assert!(after < vec![layout::REL, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]);
    }

    #[test]
    fn a_load_in_stretches_of_one_page_equals_a_load_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        {
            let schemaless = OpenOptions {
                schema: SchemaChoice::Schemaless,
            };
            let graph = Graph::open_with(&path, schemaless).unwrap();
            // Several pages of each kind (a page holds 128 ids), some
            // relationships with properties.
            graph
                .query("UNWIND range(1, 700) AS i CREATE (:N {i: i, s: 'node ' + toString(i)})")
                .unwrap();
            let ring = "MATCH (a:N) WITH a ORDER BY a.i WITH collect(a) AS ns \
                        UNWIND range(0, size(ns) - 1) AS k \
                        WITH ns[k] AS a, ns[(k + 1) % size(ns)] AS b, k";
            graph.query(&format!("{ring} CREATE (a)-[:NEXT]->(b)")).unwrap();
            graph
                .query(&format!(
                    "{ring} WHERE k % 2 = 0 CREATE (b)-[:BACK {{k: k}}]->(a)"
                ))
                .unwrap();
        }
        let engine = storage::open_on_disk(&path).unwrap();
        let whole = load_state(engine.as_ref()).unwrap();
        let mut counting = Counting {
            inner: engine,
            releases: 0,
            commit_on_release: false,
        };
        let stretched = load_state_from(LoadFrom::Owned(&mut counting), 1).unwrap();
        // A stretch of one byte ends after every page, the last of each
        // kind included (the stretch after it finds nothing): one release
        // per page.
        let pages =
            counting.scan_prefix(&[layout::NODE]).count() + counting.scan_prefix(&[layout::REL]).count();
        assert!(pages >= 12, "{pages} pages");
        assert_eq!(counting.releases, pages);
        let (nodes, rels) = records(&stretched);
        assert_eq!((nodes.len(), rels.len()), (700, 1050));
        assert_eq!((nodes, rels), records(&whole));
        stretched.index.verify().unwrap();
        // A shared engine is never asked to release.
        let shared = Counting {
            inner: counting.inner,
            releases: 0,
            commit_on_release: false,
        };
        let again = load_state_from(LoadFrom::Shared(&shared), 1).unwrap();
        assert_eq!(records(&again), records(&whole));
        assert_eq!(shared.releases, 0);
        // A commit by another process while the store is closed between
        // stretches fails the load instead of mixing pages from before
        // and after it.
        let mut raced = Counting {
            commit_on_release: true,
            ..shared
        };
        let Err(err) = load_state_from(LoadFrom::Owned(&mut raced), 1) else {
            panic!("a load across another process's commit succeeded");
        };
        assert!(
            err.to_string().contains("changed while it was being opened"),
            "{err}"
        );
        assert_eq!(raced.releases, 1);
    }
}
