//! Running statements: the language layer's public entry points.
//!
//! `Graph::query` parses a statement, plans it against the graph it will
//! run on, and executes it: reading statements under a shared snapshot,
//! writing ones in a transaction that commits when the statement succeeds
//! and rolls back when it fails, so every statement is atomic. Prepared
//! statements skip the parse, and a reading one keeps its plan while the
//! graph stays in the state it was planned for (`PlanCache`). `EXPLAIN`,
//! `PROFILE` and `SHOW` are handled here too.

use super::ast::{ShowKind, Statement};
use super::exec::{Access, Executor, Limits, Profile, to_result};
use super::parse;
use super::plan::{self, Plan};
use super::result::{QueryResult, ResultValue};
use crate::db::{Graph, Transaction};
use crate::error::{Error, Result};
use crate::graph::GraphIndex;
use crate::model::Value;
use crate::schema::Schema;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Query parameters: `$name` → value.
pub type Params = BTreeMap<String, Value>;

/// Lets another thread cancel a running query (Ctrl-C in the REPL).
#[derive(Clone, Debug, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    /// A handle that is not cancelled.
    pub fn new() -> CancelHandle {
        CancelHandle::default()
    }

    /// Asks the query using this handle to stop; it fails with `Cancelled`.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Makes the handle usable again for the next query.
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// True once [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Limits and cancellation for one query.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// Most rows any step may produce, and most paths a variable-length
    /// pattern may explore from one start node (rows it considers).
    pub max_rows: usize,
    /// Longest variable-length pattern explored (`*` means up to this).
    pub max_path_depth: u64,
    /// Most memory the rows of one step may hold, estimated from their
    /// values.
    pub max_memory_bytes: usize,
    /// Wall-clock limit.
    pub timeout: Option<Duration>,
    /// A handle through which another thread can stop the query; `None`
    /// when it cannot be cancelled.
    pub cancel: Option<CancelHandle>,
}

impl Default for QueryOptions {
    fn default() -> QueryOptions {
        let limits = Limits::default();
        QueryOptions {
            max_rows: limits.max_rows,
            max_path_depth: limits.max_path_depth,
            max_memory_bytes: limits.max_memory_bytes,
            timeout: None,
            cancel: None,
        }
    }
}

/// A parsed statement that can run many times with different parameters.
///
/// ```
/// use attest::db::Graph;
/// use attest::lang::Params;
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Russia'}), (:Actor {name: 'Jordan'})").unwrap();
/// let lookup = graph.prepare("MATCH (a:Actor {name: $name}) RETURN a.name AS name").unwrap();
/// for name in ["Russia", "Jordan"] {
///     let params = Params::from([("name".to_string(), name.into())]);
///     let result = lookup.run(&graph, &params).unwrap();
///     assert_eq!(result.rows[0][0].as_str(), Some(name));
/// }
/// ```
#[derive(Clone, Debug)]
pub struct PreparedQuery {
    statement: Statement,
    /// The text the statement's spans point into; shared, because every
    /// statement of a script points into the same script.
    text: Arc<str>,
    /// The plan of the last read-only run, for the next ones.
    plans: PlanCache,
}

/// The plan a reading statement got, with the graph state it was made for
/// ([`Snapshot::version`](crate::db::Snapshot::version)).
///
/// A plan depends on the statement, the schema (names, unique keys) and
/// the graph (label counts choose where matching starts; an open store's
/// warnings name what exists), never on parameter values. A state's number
/// changes with every write and differs between graphs, so a plan is reused
/// exactly while all of that is as it was. One entry: a prepared statement
/// usually runs against one graph.
#[derive(Default)]
struct PlanCache(Mutex<Option<(u64, Arc<Plan>)>>);

impl PlanCache {
    /// The plan for the state numbered `version`: the kept one when it was
    /// made for that state, else a new one from `make`, kept for next time.
    fn plan_for(&self, version: u64, make: impl FnOnce() -> Result<Plan>) -> Result<Arc<Plan>> {
        if let Some(plan) = self.kept(version) {
            return Ok(plan);
        }
        let plan = Arc::new(make()?);
        // A poisoned lock only means another thread panicked while holding
        // it; the slot is overwritten whole, so it is still sound to use.
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((version, plan.clone()));
        Ok(plan)
    }

    fn kept(&self, version: u64) -> Option<Arc<Plan>> {
        let slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match slot.as_ref() {
            Some((kept, plan)) if *kept == version => Some(plan.clone()),
            _ => None,
        }
    }
}

impl Clone for PlanCache {
    fn clone(&self) -> PlanCache {
        let slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        PlanCache(Mutex::new(slot.clone()))
    }
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f.debug_struct("PlanCache")
            .field("version", &slot.as_ref().map(|(version, _)| *version))
            .finish()
    }
}

impl PreparedQuery {
    /// Parses `text` once.
    pub fn new(text: &str) -> Result<PreparedQuery> {
        Ok(PreparedQuery {
            statement: parse(text)?,
            text: text.into(),
            plans: PlanCache::default(),
        })
    }

    /// A statement already parsed out of `text` (e.g. one statement of a
    /// script; its spans are offsets into `text`).
    pub fn from_parsed(statement: Statement, text: Arc<str>) -> PreparedQuery {
        PreparedQuery {
            statement,
            text,
            plans: PlanCache::default(),
        }
    }

    /// The parsed statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// The statement's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Runs the statement on `graph`.
    pub fn run(&self, graph: &Graph, params: &Params) -> Result<QueryResult> {
        self.run_with(graph, params, &QueryOptions::default())
    }

    /// Runs the statement with limits and a cancel handle.
    pub fn run_with(&self, graph: &Graph, params: &Params, options: &QueryOptions) -> Result<QueryResult> {
        execute_planned(
            graph,
            &self.statement,
            &self.text,
            params,
            options,
            Some(&self.plans),
        )
    }

    /// Runs the statement inside an open transaction (the REPL's
    /// `:begin` … `:commit`).
    pub fn run_in(
        &self,
        tx: &mut Transaction<'_>,
        params: &Params,
        options: &QueryOptions,
    ) -> Result<QueryResult> {
        execute_in(tx, &self.statement, &self.text, params, options)
    }
}

impl Graph {
    /// Runs one statement.
    ///
    /// ```
    /// use attest::db::Graph;
    /// let graph = Graph::in_memory();
    /// graph.query("CREATE (:Event {kind: 'airstrike'})-[:AGENT]->(:Actor {name: 'Russia'})").unwrap();
    /// let result = graph.query("MATCH (e:Event)-[:AGENT]->(a) RETURN a.name, e.kind").unwrap();
    /// assert_eq!(result.columns, ["a.name", "e.kind"]);
    /// assert_eq!(result.rows[0][0].as_str(), Some("Russia"));
    /// ```
    pub fn query(&self, text: &str) -> Result<QueryResult> {
        self.query_with(text, &Params::new())
    }

    /// Runs one statement with parameters.
    pub fn query_with(&self, text: &str, params: &Params) -> Result<QueryResult> {
        PreparedQuery::new(text)?.run(self, params)
    }

    /// Parses a statement for repeated runs.
    pub fn prepare(&self, text: &str) -> Result<PreparedQuery> {
        PreparedQuery::new(text)
    }
}

/// Runs a parsed statement on `graph`: reads under a snapshot, writes in a
/// transaction of their own.
pub fn execute(
    graph: &Graph,
    statement: &Statement,
    text: &str,
    params: &Params,
    options: &QueryOptions,
) -> Result<QueryResult> {
    execute_planned(graph, statement, text, params, options, None)
}

/// [`execute`], reusing the plan in `plans` for a reading query when it
/// was made for the state the snapshot reads.
fn execute_planned(
    graph: &Graph,
    statement: &Statement,
    text: &str,
    params: &Params,
    options: &QueryOptions,
    plans: Option<&PlanCache>,
) -> Result<QueryResult> {
    let started = Instant::now();
    let mut result = if writes(statement) {
        graph.check_writable()?;
        let mut tx = graph.begin();
        let result = execute_in(&mut tx, statement, text, params, options)?;
        let info = tx.commit(own_text(statement, text))?;
        QueryResult {
            stats: info.stats,
            ..result
        }
    } else {
        let snapshot = graph.read();
        let (index, schema) = (snapshot.index(), snapshot.schema());
        match (statement, plans) {
            (Statement::Query(query), Some(plans)) => {
                let plan = plans.plan_for(snapshot.version(), || {
                    plan::plan_query(query, text, index, schema).map_err(Error::from)
                })?;
                run_plan(&plan, params, options, &mut Access::Read(index), None)?
            }
            _ => run_statement(statement, text, params, options, &mut Access::Read(index), schema)?,
        }
    };
    result.elapsed = started.elapsed();
    Ok(result)
}

/// Runs a parsed statement inside `tx` (which the caller commits).
pub fn execute_in(
    tx: &mut Transaction<'_>,
    statement: &Statement,
    text: &str,
    params: &Params,
    options: &QueryOptions,
) -> Result<QueryResult> {
    let started = Instant::now();
    let schema = tx.schema().cloned();
    let before = tx.stats();
    let mut result = run_statement(
        statement,
        text,
        params,
        options,
        &mut Access::Write(tx),
        schema.as_ref(),
    )?;
    result.stats = stats_difference(before, tx.stats());
    result.elapsed = started.elapsed();
    Ok(result)
}

/// The statement's own text within `text` (a script may hold many), for
/// the transaction log.
fn own_text<'t>(statement: &Statement, text: &'t str) -> &'t str {
    match statement {
        Statement::Query(q) => q.span.slice(text).trim(),
        Statement::Profile(inner) | Statement::Explain(inner) => own_text(inner, text),
        Statement::Show(_) => text.trim(),
    }
}

/// True when running the statement may change the graph.
fn writes(statement: &Statement) -> bool {
    match statement {
        Statement::Query(q) => q
            .parts
            .iter()
            .any(|p| p.clauses.iter().any(|c| c.kind.is_updating())),
        Statement::Profile(inner) => writes(inner),
        Statement::Explain(_) | Statement::Show(_) => false,
    }
}

fn stats_difference(before: crate::db::ChangeStats, after: crate::db::ChangeStats) -> crate::db::ChangeStats {
    crate::db::ChangeStats {
        nodes_created: after.nodes_created.saturating_sub(before.nodes_created),
        nodes_deleted: after.nodes_deleted.saturating_sub(before.nodes_deleted),
        relationships_created: after
            .relationships_created
            .saturating_sub(before.relationships_created),
        relationships_deleted: after
            .relationships_deleted
            .saturating_sub(before.relationships_deleted),
        properties_set: after.properties_set.saturating_sub(before.properties_set),
        properties_removed: after.properties_removed.saturating_sub(before.properties_removed),
        labels_added: after.labels_added.saturating_sub(before.labels_added),
        labels_removed: after.labels_removed.saturating_sub(before.labels_removed),
    }
}

fn run_statement(
    statement: &Statement,
    text: &str,
    params: &Params,
    options: &QueryOptions,
    access: &mut Access<'_, '_>,
    schema: Option<&Schema>,
) -> Result<QueryResult> {
    match statement {
        Statement::Show(kind) => Ok(show(*kind, access.index(), schema)),
        Statement::Explain(inner) => {
            let described = match inner.as_ref() {
                Statement::Query(query) => {
                    plan::describe(&plan::plan_query(query, text, access.index(), schema)?)
                }
                // A SHOW statement is one operator that reads the catalog.
                Statement::Show(kind) => format!("Show{kind:?}\n"),
                // The grammar puts only a query or SHOW after EXPLAIN.
                Statement::Explain(_) | Statement::Profile(_) => "Explain\n".to_string(),
            };
            Ok(QueryResult {
                columns: vec!["plan".into()],
                rows: described
                    .lines()
                    .map(|l| vec![ResultValue::String(l.to_string())])
                    .collect(),
                plan: Some(described),
                ..QueryResult::default()
            })
        }
        Statement::Profile(inner) => {
            let Statement::Query(query) = inner.as_ref() else {
                return run_statement(inner, text, params, options, access, schema);
            };
            let plan = plan::plan_query(query, text, access.index(), schema)?;
            let mut profile = Profile::default();
            let mut result = run_plan(&plan, params, options, access, Some(&mut profile))?;
            let mut described = String::new();
            for (op, rows, time) in &profile.operators {
                described.push_str(&format!(
                    "{op}\n    rows: {rows}, time: {:.3} ms\n",
                    time.as_secs_f64() * 1000.0
                ));
            }
            result.plan = Some(described);
            Ok(result)
        }
        Statement::Query(query) => {
            let plan = plan::plan_query(query, text, access.index(), schema)?;
            run_plan(&plan, params, options, access, None)
        }
    }
}

fn run_plan(
    plan: &Plan,
    params: &Params,
    options: &QueryOptions,
    access: &mut Access<'_, '_>,
    profile: Option<&mut Profile>,
) -> Result<QueryResult> {
    let limits = Limits {
        max_rows: options.max_rows,
        max_path_depth: options.max_path_depth,
        max_memory_bytes: options.max_memory_bytes,
        deadline: options.timeout.map(|t| Instant::now() + t),
    };
    let cancelled = options.cancel.as_ref().map(|c| c.0.as_ref());
    let mut executor = Executor {
        params,
        limits,
        profile: profile.as_ref().map(|_| Profile::default()),
        cancelled,
        held_bytes: std::cell::Cell::new(0),
        explored: std::cell::Cell::new(0),
    };
    let rows = executor.run(plan, access).map_err(Error::Query)?;
    if let (Some(out), Some(p)) = (profile, executor.profile.take()) {
        *out = p;
    }
    let index = access.index();
    let rows = rows
        .iter()
        .map(|row| {
            row.iter()
                .take(plan.columns.len())
                .map(|v| to_result(v, index))
                .collect()
        })
        .collect();
    Ok(QueryResult {
        columns: plan.columns.clone(),
        rows,
        warnings: plan.warnings.clone(),
        ..QueryResult::default()
    })
}

fn show(kind: ShowKind, index: &GraphIndex, schema: Option<&Schema>) -> QueryResult {
    let string = |s: &str| ResultValue::String(s.to_string());
    let (columns, rows): (Vec<&str>, Vec<Vec<ResultValue>>) = match kind {
        ShowKind::Labels => {
            let declared = schema.iter().flat_map(|s| s.labels.keys());
            (
                vec!["label", "count"],
                counted_names(index.label_counts(), declared),
            )
        }
        ShowKind::RelationshipTypes => {
            let declared = schema.iter().flat_map(|s| s.relationships.keys());
            (
                vec!["relationshipType", "count"],
                counted_names(index.relationship_type_counts(), declared),
            )
        }
        ShowKind::PropertyKeys => {
            let keys = index.property_keys();
            (
                vec!["propertyKey"],
                keys.into_iter().map(|k| vec![string(k)]).collect(),
            )
        }
        ShowKind::Schema => match schema {
            None => (
                vec!["element", "name", "property", "type", "constraints"],
                Vec::new(),
            ),
            Some(schema) => (
                vec!["element", "name", "property", "type", "constraints"],
                schema_rows(schema),
            ),
        },
    };
    QueryResult {
        columns: columns.into_iter().map(String::from).collect(),
        rows,
        ..QueryResult::default()
    }
}

/// Rows of (name, count) for the names in use, plus the names the schema
/// declares that nothing uses yet (count 0), by name.
fn counted_names<'a>(
    in_use: impl Iterator<Item = (&'a str, usize)>,
    declared: impl Iterator<Item = &'a String>,
) -> Vec<Vec<ResultValue>> {
    let mut counts: BTreeMap<&str, usize> = in_use.collect();
    for name in declared {
        counts.entry(name.as_str()).or_insert(0);
    }
    counts
        .into_iter()
        .map(|(name, n)| vec![ResultValue::String(name.to_string()), ResultValue::Int(n as i64)])
        .collect()
}

fn schema_rows(schema: &Schema) -> Vec<Vec<ResultValue>> {
    let s = |x: &str| ResultValue::String(x.to_string());
    let mut rows = Vec::new();
    let describe = |p: &crate::schema::PropertyDef| {
        let mut parts = Vec::new();
        if p.required {
            parts.push("required".to_string());
        }
        if p.unique {
            parts.push("unique".to_string());
        }
        if let Some(v) = &p.vocabulary {
            let words = schema
                .vocabularies
                .get(v)
                .map(|w| w.join("|"))
                .unwrap_or_default();
            parts.push(format!("one of {words}"));
        }
        parts.join(", ")
    };
    // One row for the label or type itself, then one per property.
    let mut element =
        |kind: &str, name: &str, about: String, properties: &BTreeMap<String, crate::schema::PropertyDef>| {
            rows.push(vec![
                s(kind),
                s(name),
                ResultValue::Null,
                ResultValue::Null,
                s(&about),
            ]);
            for (key, p) in properties {
                rows.push(vec![
                    s(kind),
                    s(name),
                    s(key),
                    s(&p.value_type.to_string()),
                    s(&describe(p)),
                ]);
            }
        };
    for (label, def) in &schema.labels {
        element("label", label, def.doc.clone(), &def.properties);
    }
    for (name, def) in &schema.relationships {
        let joins: Vec<String> = def.joins.iter().map(|(a, b)| format!("(:{a})->(:{b})")).collect();
        element("relationship", name, joins.join(", "), &def.properties);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn empty_plan() -> Plan {
        Plan {
            parts: Vec::new(),
            union_all: false,
            columns: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_plan_is_kept_for_its_state_only() {
        let cache = PlanCache::default();
        let made = Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok(empty_plan())
        };
        let first = cache.plan_for(7, make).unwrap();
        let again = cache.plan_for(7, make).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(made.get(), 1);
        let other = cache.plan_for(8, make).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(made.get(), 2);
        // A failed plan is not kept, and leaves no stale one behind.
        let failed = cache.plan_for(9, || Err(Error::Format("no plan".into())));
        assert!(failed.is_err());
        assert!(cache.kept(9).is_none());
    }

    #[test]
    fn runs_reuse_the_plan_until_a_write() {
        let graph = Graph::in_memory();
        graph.query("CREATE (:A {x: 1})").unwrap();
        let query = graph.prepare("MATCH (a:A) RETURN a.x").unwrap();
        query.run(&graph, &Params::new()).unwrap();
        let kept = query
            .plans
            .kept(graph.read().version())
            .expect("kept after a run");
        query.run(&graph, &Params::new()).unwrap();
        let still = query.plans.kept(graph.read().version()).expect("still kept");
        assert!(Arc::ptr_eq(&kept, &still), "planned again without a write");
        graph.query("CREATE (:A {x: 2})").unwrap();
        assert!(query.plans.kept(graph.read().version()).is_none());
        assert_eq!(query.run(&graph, &Params::new()).unwrap().rows.len(), 2);
    }

    #[test]
    fn writing_statements_keep_no_plan() {
        let graph = Graph::in_memory();
        let create = graph.prepare("CREATE (:A)").unwrap();
        create.run(&graph, &Params::new()).unwrap();
        assert!(create.plans.0.lock().unwrap().is_none());
    }
}
