//! Loading fact files into a graph, in one transaction.
//!
//! Each fact is identified by its readable key (a node's key, a keyed
//! relationship's key, or an unkeyed relationship's `(from, TYPE, to)`), so
//! loading a file again finds every element already there and changes
//! nothing: loading twice equals loading once. A file that breaks the schema
//! anywhere writes nothing; the error names the fact and its file:line:column.
//! Calls `db` and the fact parser; knows nothing of the query language.

use super::ast::{Citation, DocumentDecl, FactFile, Name, NodeFact, Property, RelFact};
use super::{parse_facts, split_sentences};
use crate::access::FileAccess;
use crate::db::{Graph, Origin, Transaction, sentence_key};
use crate::error::{Error, ErrorClass, Position, QueryError, Result, nearest};
use crate::model::{ElementId, NodeId, Properties, Source, Value};
use std::fmt;
use std::path::Path;

/// The bundled article and its facts, so the default store can be seeded
/// from any working directory.
const ARTICLE_FACTS: &str = include_str!("../../data/article.facts");
const ARTICLE_TEXT: &str = include_str!("../../data/article.txt");

/// What a load changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadReport {
    /// The file loaded, as named.
    pub file: String,
    /// Document declarations read, whether their nodes were new or not.
    pub documents: usize,
    /// Sentences of the declared documents' texts, new or not.
    pub sentences: usize,
    /// New nodes, `Document` and `Sentence` nodes included.
    pub nodes_created: usize,
    /// New relationships, the sentences' `IN` relationships included.
    pub relationships_created: usize,
    /// Existing elements that gained labels, properties or citations.
    pub elements_updated: usize,
    /// The transaction number, or `None` when nothing changed.
    pub txn: Option<u64>,
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} document(s), {} sentence(s); {} node(s) and {} relationship(s) created, {} element(s) updated",
            self.file,
            self.documents,
            self.sentences,
            self.nodes_created,
            self.relationships_created,
            self.elements_updated
        )?;
        match self.txn {
            Some(t) => write!(f, " (transaction {t})"),
            None => write!(f, " (nothing new)"),
        }
    }
}

/// Loads the bundled article (`data/article.facts` with `data/article.txt`).
///
/// ```
/// use attest::db::{Graph, OpenOptions};
/// let graph = Graph::in_memory_with(OpenOptions::default()); // the news schema
/// let first = attest::facts::load_article(&graph).unwrap();
/// assert!(first.nodes_created > 30);
/// let again = attest::facts::load_article(&graph).unwrap();
/// assert_eq!(again.txn, None); // idempotent
/// ```
pub fn load_article(graph: &Graph) -> Result<LoadReport> {
    load_text(graph, ARTICLE_FACTS, "data/article.facts", &|path| {
        if path == "article.txt" {
            Ok(ARTICLE_TEXT.to_string())
        } else {
            Err(Error::Io {
                path: path.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not bundled with the article"),
            })
        }
    })
}

/// Loads a fact file; document texts are read relative to its directory
/// and only from under it (see [`load_file_with`] to allow more).
pub fn load_file(graph: &Graph, path: &Path) -> Result<LoadReport> {
    load_file_with(graph, path, &FileAccess::default())
}

/// Loads a fact file; document texts are read relative to its directory,
/// and only from under that directory or one `access` allows: a fact file
/// naming `text '../../etc/passwd'` gets [`Error::NotAllowed`].
///
/// ```
/// use attest::access::FileAccess;
/// use attest::db::Graph;
/// use attest::facts::load_file_with;
///
/// let dir = tempfile::tempdir().unwrap();
/// let facts = dir.path().join("facts");
/// std::fs::create_dir(&facts).unwrap();
/// std::fs::write(dir.path().join("secret.txt"), "Title\n\nA secret.").unwrap();
/// std::fs::write(facts.join("f.facts"), "document d {title: 'T'} text '../secret.txt'").unwrap();
///
/// let graph = Graph::in_memory();
/// let err = load_file_with(&graph, &facts.join("f.facts"), &FileAccess::default()).unwrap_err();
/// assert!(matches!(err, attest::Error::NotAllowed { .. }), "{err}");
/// let allowed = FileAccess::only([dir.path()])?;
/// assert_eq!(load_file_with(&graph, &facts.join("f.facts"), &allowed)?.sentences, 2); // title and one
/// # Ok::<(), attest::Error>(())
/// ```
pub fn load_file_with(graph: &Graph, path: &Path, access: &FileAccess) -> Result<LoadReport> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let access = access.with(dir)?;
    load_text(graph, &text, &name, &|relative| {
        access.read_to_string(&dir.join(relative))
    })
}

/// Loads fact-file `text` (named `file` in messages); `read_text` returns a
/// document's text given the path the file wrote.
///
/// ```
/// use attest::db::{Graph, OpenOptions};
/// use attest::facts::load_text;
///
/// let graph = Graph::in_memory_with(OpenOptions::default()); // the news schema
/// let read = |_: &str| -> attest::Result<String> { Ok("Memo\n\nThe Pentagon protested.".into()) };
/// let facts = "document memo {title: 'Memo'} text 'memo.txt'\n\
///              (pentagon:Actor {name: 'Pentagon', kind: 'organization'}) cites 1";
/// let report = load_text(&graph, facts, "memo.facts", &read)?;
/// // The document, its two sentences, and the Pentagon.
/// assert_eq!((report.documents, report.sentences, report.nodes_created), (1, 2, 4));
///
/// // A fact that breaks the schema loads nothing, and the error says where.
/// // (Sentence 1 of `memo` is in the store now, so a declaration without
/// // `text` is enough to cite it.)
/// let bad = "document memo {title: 'Memo'}\n\
///            (army:Actor {name: 'Army', kind: 'army'}) cites 1";
/// let err = load_text(&graph, bad, "bad.facts", &read).unwrap_err();
/// assert_eq!(err.class(), Some(attest::ErrorClass::ConstraintVerificationFailed));
/// assert!(err.to_string().contains("not in vocabulary"), "{err}");
/// assert!(err.to_string().contains("(at bad.facts:2:"), "{err}");
/// assert!(graph.node_by_key("army").is_none());
/// # Ok::<(), attest::Error>(())
/// ```
pub fn load_text(
    graph: &Graph,
    text: &str,
    file: &str,
    read_text: &dyn Fn(&str) -> Result<String>,
) -> Result<LoadReport> {
    let facts = parse_facts(text).map_err(|e| e.in_file(file))?;
    let mut tx = graph.begin();
    let mut loader = Loader {
        tx: &mut tx,
        file,
        report: LoadReport {
            file: file.to_string(),
            ..LoadReport::default()
        },
    };
    loader.load(&facts, read_text)?;
    let mut report = loader.report;
    report.txn = tx.commit(&format!("load {file}"))?.txn;
    Ok(report)
}

struct Loader<'t, 'g> {
    tx: &'t mut Transaction<'g>,
    file: &'t str,
    report: LoadReport,
}

/// Checks that every sentence a citation names exists and that its span
/// fits inside the sentence, so no fact cites text that is not there.
fn check_citations(tx: &Transaction<'_>, file: &str, citations: &[Citation]) -> Result<()> {
    for citation in citations {
        let Source::Sentence {
            document,
            index,
            span,
        } = &citation.source
        else {
            continue;
        };
        let key = sentence_key(document, *index);
        let text = match tx.index().element_by_key(&key) {
            Some(ElementId::Node(id)) => tx
                .index()
                .node(id)
                .and_then(|n| n.property("text").as_str().map(str::to_string)),
            _ => None,
        };
        let Some(text) = text else {
            let message = format!("document `{document}` has no sentence {index}");
            return Err(QueryError::new(ErrorClass::EntityNotFound, message)
                .at(citation.pos)
                .in_file(file)
                .into());
        };
        if let Some((start, end)) = span {
            let length = text.chars().count() as u32;
            if *end > length || start >= end {
                let message = format!(
                    "span {start}..{end} does not fit sentence {index} of `{document}` ({length} characters)"
                );
                return Err(QueryError::new(ErrorClass::ArgumentError, message)
                    .at(citation.pos)
                    .in_file(file)
                    .into());
            }
        }
    }
    Ok(())
}

impl Loader<'_, '_> {
    fn load(&mut self, facts: &FactFile, read_text: &dyn Fn(&str) -> Result<String>) -> Result<()> {
        for document in facts.documents() {
            self.document(document, read_text)?;
        }
        for node in facts.nodes() {
            self.node(node)?;
        }
        let known: Vec<&str> = facts
            .nodes()
            .map(|n| n.key.as_str())
            .chain(facts.documents().map(|d| d.key.as_str()))
            .collect();
        for rel in facts.rels() {
            self.relationship(rel, &known)?;
        }
        self.tx.set_origin(None);
        Ok(())
    }

    fn document(&mut self, decl: &DocumentDecl, read_text: &dyn Fn(&str) -> Result<String>) -> Result<()> {
        self.at(decl.pos);
        let sources: Vec<Source> = decl.sources.iter().map(|c| c.source.clone()).collect();
        let doc = self.upsert_node(&decl.key, &["Document".to_string()], &decl.properties, &sources)?;
        self.report.documents += 1;
        let Some(path) = &decl.text_path else {
            return Ok(());
        };
        let text = read_text(path)?;
        for sentence in split_sentences(&text) {
            self.at(decl.pos);
            let key = sentence_key(&decl.key, sentence.index);
            let properties = [
                plain_property("index", Value::Int(sentence.index.into()), decl.pos),
                plain_property("text", Value::from(sentence.text.clone()), decl.pos),
            ];
            let cites_itself = [Source::sentence(&decl.key, sentence.index)];
            let node = self.upsert_node(&key, &["Sentence".to_string()], &properties, &cites_itself)?;
            self.upsert_relationship(None, "IN", node, doc, &[], &cites_itself)?;
            self.report.sentences += 1;
        }
        Ok(())
    }

    fn node(&mut self, fact: &NodeFact) -> Result<()> {
        self.at(fact.pos);
        check_citations(self.tx, self.file, &fact.citations)?;
        let labels: Vec<String> = fact.labels.iter().map(|l| l.name.clone()).collect();
        self.upsert_node(&fact.key, &labels, &fact.properties, &fact.sources())
            .map(|_| ())
    }

    fn relationship(&mut self, fact: &RelFact, known: &[&str]) -> Result<()> {
        self.at(fact.pos);
        check_citations(self.tx, self.file, &fact.citations)?;
        let from = self.resolve(&fact.from, known)?;
        let to = self.resolve(&fact.to, known)?;
        self.upsert_relationship(
            fact.key.as_deref(),
            &fact.rel_type.name,
            from,
            to,
            &fact.properties,
            &fact.sources(),
        )
    }

    /// Creates the node with `key`, or brings the existing one up to date
    /// (adding labels, properties and citations it lacks).
    fn upsert_node(
        &mut self,
        key: &str,
        labels: &[String],
        properties: &[Property],
        sources: &[Source],
    ) -> Result<NodeId> {
        let existing = match self.tx.index().element_by_key(key) {
            Some(ElementId::Node(id)) => Some(id),
            Some(ElementId::Rel(_)) => {
                let message = format!("key `{key}` already names a relationship");
                return Err(self.error(ErrorClass::ConstraintVerificationFailed, message));
            }
            None => None,
        };
        let id = match existing {
            Some(id) => {
                let untouched = !self.tx.has_changed(ElementId::Node(id));
                for label in labels {
                    self.tx.add_label(id, label)?;
                }
                self.set_properties(ElementId::Node(id), properties)?;
                self.tx.add_sources(ElementId::Node(id), sources)?;
                if untouched && self.tx.has_changed(ElementId::Node(id)) {
                    self.report.elements_updated += 1;
                }
                id
            }
            None => {
                // Properties are set one by one so a schema error points at
                // the property that broke it.
                let id = self
                    .tx
                    .create_node(labels.to_vec(), Properties::new(), sources.to_vec())?;
                self.tx.set_key(ElementId::Node(id), key)?;
                self.set_properties(ElementId::Node(id), properties)?;
                self.report.nodes_created += 1;
                id
            }
        };
        Ok(id)
    }

    fn upsert_relationship(
        &mut self,
        key: Option<&str>,
        rel_type: &str,
        from: NodeId,
        to: NodeId,
        properties: &[Property],
        sources: &[Source],
    ) -> Result<()> {
        let index = self.tx.index();
        let existing = match key {
            Some(k) => match index.element_by_key(k) {
                Some(ElementId::Rel(id)) => Some(id),
                Some(ElementId::Node(_)) => {
                    let message = format!("key `{k}` already names a node");
                    return Err(self.error(ErrorClass::ConstraintVerificationFailed, message));
                }
                None => None,
            },
            None => index.find_relationship(from, rel_type, to),
        };
        match existing {
            Some(id) => {
                let rel = ElementId::Rel(id);
                let untouched = !self.tx.has_changed(rel);
                self.set_properties(rel, properties)?;
                self.tx.add_sources(rel, sources)?;
                if untouched && self.tx.has_changed(rel) {
                    self.report.elements_updated += 1;
                }
            }
            None => {
                let id =
                    self.tx
                        .create_relationship(rel_type, from, to, Properties::new(), sources.to_vec())?;
                if let Some(k) = key {
                    self.tx.set_key(ElementId::Rel(id), k)?;
                }
                self.set_properties(ElementId::Rel(id), properties)?;
                self.report.relationships_created += 1;
            }
        }
        Ok(())
    }

    fn set_properties(&mut self, id: ElementId, properties: &[Property]) -> Result<()> {
        for p in properties {
            self.at(p.pos);
            match id {
                ElementId::Node(n) => self.tx.set_node_property(n, &p.key, p.value.clone())?,
                ElementId::Rel(r) => self.tx.set_relationship_property(r, &p.key, p.value.clone())?,
            }
        }
        Ok(())
    }

    fn resolve(&self, name: &Name, known: &[&str]) -> Result<NodeId> {
        match self.tx.index().element_by_key(&name.name) {
            Some(ElementId::Node(id)) => Ok(id),
            _ => {
                let mut message = format!("no node has the key `{}`", name.name);
                if let Some(near) = nearest(&name.name, known.iter().copied()) {
                    message.push_str(&format!("; did you mean `{near}`?"));
                }
                Err(QueryError::new(ErrorClass::EntityNotFound, message)
                    .at(name.pos)
                    .in_file(self.file)
                    .into())
            }
        }
    }

    fn at(&mut self, position: Position) {
        self.tx.set_origin(Some(Origin {
            file: Some(self.file.to_string()),
            position: Some(position),
        }));
    }

    fn error(&self, class: ErrorClass, message: String) -> Error {
        QueryError::new(class, message).in_file(self.file).into()
    }
}

fn plain_property(key: &str, value: Value, pos: Position) -> Property {
    Property {
        key: key.to_string(),
        value,
        pos,
        value_pos: pos,
    }
}
