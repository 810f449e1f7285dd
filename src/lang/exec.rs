//! The executor: runs a [`Plan`] over the graph, row by row.
//!
//! Each operator turns the rows of the previous one into new rows (slots as
//! the planner assigned them). Matches run depth-first over their steps,
//! checking relationship uniqueness and pushed-down filters as soon as the
//! slots they read are bound. Writing operators go through the transaction,
//! so later clauses — and later rows of the same clause — see earlier
//! changes. Calls `plan`, `values`, `functions`, the graph index and the
//! transaction API.

use super::Params;
use super::ast::{BinaryOp, Quantifier};
use super::functions;
use super::plan::*;
use super::result::{NodeValue, RelValue, ResultValue};
use super::values::{self, Aggregator, GroupKey};
use crate::db::{Origin, Transaction, evidence_in};
use crate::error::{ErrorClass, Position, QueryError};
use crate::graph::{GraphIndex, LabelTest, Neighbour, ReadAhead, TypeSet};
use crate::model::{Direction, ElementId, NodeId, Path, Properties, RelId, Value};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

type EResult<T> = Result<T, QueryError>;
pub type Row = Vec<Value>;

/// Read-only or read-write access to the graph.
pub enum Access<'t, 'g> {
    Read(&'t GraphIndex),
    Write(&'t mut Transaction<'g>),
}

impl<'g> Access<'_, 'g> {
    pub fn index(&self) -> &GraphIndex {
        match self {
            Access::Read(index) => index,
            Access::Write(tx) => tx.index(),
        }
    }

    /// Attributes the following changes to the clause or item written at
    /// `at`, so that errors the transaction finds at commit (a required
    /// property missing, a unique key taken) point there too.
    fn attribute(&mut self, at: Option<Position>) {
        if let Access::Write(tx) = self {
            tx.set_origin(at.map(|position| Origin {
                file: None,
                position: Some(position),
            }));
        }
    }

    fn tx(&mut self) -> EResult<&mut Transaction<'g>> {
        match self {
            Access::Write(tx) => Ok(tx),
            Access::Read(_) => Err(QueryError::new(
                ErrorClass::SemanticError,
                "this statement cannot write here",
            )),
        }
    }
}

/// Limits that stop a runaway query with a clear error.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Most rows any operator may produce. The default (10 million rows of
    /// a few slots, on the order of a gigabyte) stops a runaway pattern
    /// long before memory runs out.
    pub max_rows: usize,
    /// Longest variable-length path explored.
    pub max_path_depth: u64,
    /// Most memory the rows produced by one step may hold (estimated).
    pub max_memory_bytes: usize,
    /// Wall-clock deadline.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_rows: 10_000_000,
            max_path_depth: 64,
            max_memory_bytes: 1 << 30,
            deadline: None,
        }
    }
}

/// Rows and time per operator, for `PROFILE`.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub operators: Vec<(String, usize, Duration)>,
}

/// Runs a plan; returns the rows of its `RETURN` (empty without one).
pub struct Executor<'p> {
    pub params: &'p Params,
    pub limits: Limits,
    pub profile: Option<Profile>,
    /// Set by a cancel handle; checked between rows.
    pub cancelled: Option<&'p std::sync::atomic::AtomicBool>,
    /// Estimated bytes held by the rows of the step running now.
    pub held_bytes: std::cell::Cell<usize>,
    /// Partial paths a variable-length pattern has explored from the
    /// current start node. Counted against `max_rows` too: a pattern such
    /// as `(a)-[*30..]-(b)` on a dense graph can explore exponentially many
    /// paths without producing a row, and would otherwise run unbounded.
    pub explored: std::cell::Cell<usize>,
}

impl Executor<'_> {
    pub fn run(&mut self, plan: &Plan, access: &mut Access<'_, '_>) -> EResult<Vec<Row>> {
        let mut all = Vec::new();
        for pipeline in &plan.parts {
            let rows = self.pipeline(pipeline, access);
            // Changes made after this statement are not its own.
            access.attribute(None);
            all.extend(rows?);
        }
        if plan.parts.len() > 1 && !plan.union_all {
            let mut seen = HashSet::default();
            all.retain(|row| seen.insert(GroupKey::new(Value::List(row.clone().into()))));
        }
        Ok(all)
    }

    fn pipeline(&mut self, pipeline: &Pipeline, access: &mut Access<'_, '_>) -> EResult<Vec<Row>> {
        let mut rows: Vec<Row> = vec![Vec::new()];
        let mut k = 0;
        while let Some(op) = pipeline.ops.get(k) {
            let started = Instant::now();
            self.held_bytes.set(0);
            // A match feeding an aggregation streams its rows into the
            // groups: a million matched rows never exist at once.
            if let (
                Op::Match {
                    plan,
                    optional: false,
                },
                Some(next @ Op::Project(p)),
            ) = (op, pipeline.ops.get(k + 1))
                && !p.aggregates.is_empty()
            {
                // Errors of the projection's items and aggregates carry
                // their own positions; the rest belong to the MATCH (while
                // matching) or to the projection's clause (after).
                let mut groups = Grouper::new(p);
                for row in rows {
                    self.match_row_in(plan, row, access.index(), &mut groups, true)
                        .map_err(|e| locate(e, pipeline.at[k]))?;
                }
                self.record(op, groups.rows, started);
                let started = Instant::now();
                rows = groups
                    .finish(self, access.index(), needs_extended(p))
                    .and_then(|produced| self.finish_projection(p, produced, access.index()))
                    .map_err(|e| locate(e, pipeline.at[k + 1]))?;
                self.record(next, rows.len(), started);
                k += 2;
                continue;
            }
            rows = self.op(op, rows, access).map_err(|e| locate(e, pipeline.at[k]))?;
            self.record(op, rows.len(), started);
            k += 1;
        }
        if pipeline.columns.is_empty() {
            rows.clear();
        }
        Ok(rows)
    }

    /// Notes an operator's rows and time for `PROFILE`.
    fn record(&mut self, op: &Op, rows: usize, started: Instant) {
        if let Some(profile) = &mut self.profile {
            profile.operators.push((describe_op(op), rows, started.elapsed()));
        }
    }

    /// Counts a produced row towards the memory limit.
    fn hold(&self, row: &[Value]) -> EResult<()> {
        let bytes = self.held_bytes.get() + row_bytes(row);
        self.held_bytes.set(bytes);
        if bytes > self.limits.max_memory_bytes {
            let message = format!(
                "the query's rows would take more than {} MiB (limit max_memory)",
                self.limits.max_memory_bytes >> 20
            );
            return Err(QueryError::new(ErrorClass::LimitExceeded, message));
        }
        Ok(())
    }

    fn check_limits(&self, produced: usize) -> EResult<()> {
        if produced > self.limits.max_rows {
            let message = format!(
                "the query produced more than {} rows (limit max_rows)",
                self.limits.max_rows
            );
            return Err(QueryError::new(ErrorClass::LimitExceeded, message));
        }
        if let Some(deadline) = self.limits.deadline
            && Instant::now() > deadline
        {
            return Err(QueryError::new(
                ErrorClass::LimitExceeded,
                "the query ran past its time limit (limit timeout)",
            ));
        }
        if self
            .cancelled
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Err(QueryError::new(ErrorClass::Cancelled, "the query was cancelled"));
        }
        Ok(())
    }

    fn op(&mut self, op: &Op, rows: Vec<Row>, access: &mut Access<'_, '_>) -> EResult<Vec<Row>> {
        match op {
            Op::Match { plan, optional } => {
                let mut out = Vec::new();
                for row in rows {
                    let before = out.len();
                    self.match_row(plan, row.clone(), access.index(), &mut out)?;
                    if *optional && out.len() == before {
                        let mut row = row;
                        row.resize(plan.width, Value::Null);
                        for slot in &plan.binds {
                            row[*slot] = Value::Null;
                        }
                        out.push(row);
                    }
                }
                Ok(out)
            }
            Op::Unwind { expr, slot, at } => {
                let mut out = Vec::new();
                for row in rows {
                    let value = self
                        .eval(expr, &row, access.index())
                        .map_err(|e| locate(e, *at))?;
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new().into(),
                        other => vec![other].into(),
                    };
                    for item in items {
                        let mut r = row.clone();
                        r.resize(slot + 1, Value::Null);
                        r[*slot] = item;
                        self.hold(&r)?;
                        out.push(r);
                        self.check_limits(out.produced())?;
                    }
                }
                Ok(out)
            }
            Op::Project(p) => self.project(p, rows, access.index()),
            Op::Create(patterns) => {
                let mut out = Vec::with_capacity(rows.len());
                for mut row in rows {
                    for pattern in patterns {
                        access.attribute(Some(pattern.at));
                        self.create(pattern, &mut row, access)
                            .map_err(|e| locate(e, pattern.at))?;
                    }
                    out.push(row);
                }
                Ok(out)
            }
            Op::Merge {
                plan,
                create,
                on_create,
                on_match,
            } => {
                let mut out = Vec::new();
                for row in rows {
                    let mut matches = Vec::new();
                    self.match_row(plan, row.clone(), access.index(), &mut matches)?;
                    if matches.is_empty() {
                        let mut row = row;
                        row.resize(plan.width, Value::Null);
                        access.attribute(Some(create.at));
                        self.check_merge_properties(create, &row, access.index())
                            .and_then(|()| self.create(create, &mut row, access))
                            .map_err(|e| locate(e, create.at))?;
                        self.set(on_create, &row, access)?;
                        out.push(row);
                    } else {
                        for m in matches {
                            self.set(on_match, &m, access)?;
                            out.push(m);
                        }
                    }
                }
                Ok(out)
            }
            Op::Set(items) => {
                for row in &rows {
                    self.set(items, row, access)?;
                }
                Ok(rows)
            }
            Op::Remove(items) => {
                for row in &rows {
                    for (item, at) in items {
                        access.attribute(Some(*at));
                        self.remove(item, row, access).map_err(|e| locate(e, *at))?;
                    }
                }
                Ok(rows)
            }
            Op::Delete { detach, exprs } => {
                let mut nodes = Vec::new();
                let mut rels = Vec::new();
                // Each element with where the expression naming it was written.
                for row in &rows {
                    for (e, at) in exprs {
                        match self.eval(e, row, access.index()).map_err(|e| locate(e, *at))? {
                            Value::Null => {}
                            Value::Node(n) => nodes.push((n, *at)),
                            Value::Relationship(r) => rels.push((r, *at)),
                            Value::Path(p) => {
                                nodes.extend(p.nodes.into_iter().map(|n| (n, *at)));
                                rels.extend(p.rels.into_iter().map(|r| (r, *at)));
                            }
                            other => {
                                let message = format!(
                                    "DELETE takes nodes, relationships or paths, not {}",
                                    other.type_name()
                                );
                                return Err(QueryError::new(ErrorClass::TypeError, message)
                                    .with_detail("InvalidArgumentType")
                                    .at(*at));
                            }
                        }
                    }
                }
                let tx = access.tx()?;
                for (r, at) in rels {
                    tx.set_origin(Some(Origin {
                        file: None,
                        position: Some(at),
                    }));
                    if tx.index().relationship(r).is_some() {
                        tx.delete_relationship(r)
                            .map_err(|e| locate(query_error(e), at))?;
                    }
                }
                for (n, at) in nodes {
                    tx.set_origin(Some(Origin {
                        file: None,
                        position: Some(at),
                    }));
                    if tx.index().node(n).is_some() {
                        tx.delete_node(n, *detach)
                            .map_err(|e| locate(query_error(e), at))?;
                    }
                }
                Ok(rows)
            }
        }
    }

    // ----- matching -----

    /// Appends every match of `plan` extending `row` to `out`.
    pub fn match_row(
        &self,
        plan: &MatchPlan,
        row: Row,
        index: &GraphIndex,
        out: &mut dyn RowSink,
    ) -> EResult<()> {
        self.match_row_in(plan, row, index, out, false)
    }

    /// [`Executor::match_row`], taking the rows of expansions that go on
    /// from the previous one's node in batches when `batched` is set. The
    /// matches are the same; the order they reach `out` in is not, so only
    /// a sink that does not show that order (an aggregation) asks for it.
    fn match_row_in(
        &self,
        plan: &MatchPlan,
        mut row: Row,
        index: &GraphIndex,
        out: &mut dyn RowSink,
        batched: bool,
    ) -> EResult<()> {
        row.resize(plan.width.max(row.len()), Value::Null);
        if !self.filters_pass(plan, 0, &row, index)? {
            return Ok(());
        }
        let matching = Matching::new(plan, index, out, batched);
        self.step(&matching, 0, &mut row, index, out)?;
        // Rows still waiting in batches; a batch sends its rows on only to
        // later steps, so one pass in step order empties them all.
        for i in 0..plan.steps.len() {
            self.flush(&matching, i, index, out)?;
        }
        Ok(())
    }

    /// Runs step `i` for every row waiting in its batch (if it has one),
    /// reading ahead what each row's expansion will read first: a few rows
    /// on, the start node's slot; nearer, its adjacency head; nearer still,
    /// its first entries. Rows of different starts are independent, so
    /// their waits on memory overlap, where one start's short list (an
    /// event's one or two assertions) leaves nothing to overlap.
    fn flush(&self, m: &Matching<'_>, i: usize, index: &GraphIndex, out: &mut dyn RowSink) -> EResult<()> {
        let (Some(Some(cell)), Some(step @ Step::Expand { from, direction, .. }), Some(Some(expansion))) =
            (m.batches.get(i), m.plan.steps.get(i), m.expansions.get(i))
        else {
            return Ok(());
        };
        // Label bits are worth reading ahead when the step checks them.
        let checks_labels = !matches!(expansion.labels, LabelTest::Bits(0));
        // The batch is taken out while its rows run: they go on to later
        // steps only, never back to this one.
        let mut batch = cell.take();
        let waiting = batch.len.min(batch.rows.len());
        let rows = &mut batch.rows[..waiting];
        let start = |rows: &[Row], at: usize| match rows.get(at).and_then(|row| row.get(*from)) {
            Some(Value::Node(id)) => Some(*id),
            _ => None,
        };
        for at in 0..rows.len() {
            for (ahead, stage) in BATCH_READ_AHEAD {
                if let Some(id) = start(rows, at + ahead) {
                    index.read_ahead(id, stage);
                }
            }
            if checks_labels && let Some(id) = start(rows, at + BATCH_LABELS_AHEAD) {
                index.read_ahead_neighbour_labels(id, *direction, &expansion.types);
            }
            self.step_now(m, i, step, &mut rows[at], index, out)?;
        }
        batch.len = 0;
        cell.set(batch);
        Ok(())
    }

    /// True when the filters run after step `i - 1` all hold. An error
    /// points at the `WHERE` conjunct it comes from.
    fn filters_pass(&self, plan: &MatchPlan, i: usize, row: &[Value], index: &GraphIndex) -> EResult<bool> {
        for (j, f) in plan.filters[i].iter().enumerate() {
            let holds = self
                .eval(f, row, index)
                .and_then(|v| values::truthiness(&v))
                .map_err(|e| match plan.filter_at.get(i).and_then(|at| at.get(j)) {
                    Some(Some(at)) => locate(e, *at),
                    _ => e,
                })?;
            if !holds {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn step(
        &self,
        m: &Matching<'_>,
        i: usize,
        row: &mut Row,
        index: &GraphIndex,
        out: &mut dyn RowSink,
    ) -> EResult<()> {
        let Some(step) = m.plan.steps.get(i) else {
            return out.accept(self, row, index);
        };
        if let Some(Some(batch)) = m.batches.get(i) {
            let mut queued = batch.take();
            let waiting = queued.push(row);
            batch.set(queued);
            if waiting >= BATCH_ROWS {
                self.flush(m, i, index, out)?;
            }
            return Ok(());
        }
        self.step_now(m, i, step, row, index, out)
    }

    /// Runs step `i` (which is `step`) for `row`, now.
    fn step_now(
        &self,
        m: &Matching<'_>,
        i: usize,
        step: &Step,
        row: &mut Row,
        index: &GraphIndex,
        out: &mut dyn RowSink,
    ) -> EResult<()> {
        let plan = m.plan;
        let next = |this: &Self, row: &mut Row, out: &mut dyn RowSink| -> EResult<()> {
            if this.filters_pass(plan, i + 1, row, index)? {
                this.step(m, i + 1, row, index, out)?;
            }
            Ok(())
        };
        match step {
            Step::Nodes { slot, source, check } => {
                let candidates: Vec<NodeId> = match source {
                    NodeSource::All => index.node_ids(),
                    NodeSource::Label(l) => index.nodes_with_label(l).collect(),
                    NodeSource::Unique {
                        label,
                        property,
                        value,
                    } => {
                        let value = self.eval(value, row, index)?;
                        if value.is_null() {
                            Vec::new()
                        } else {
                            // A float key finds an integer-valued node and vice versa.
                            let mut found = index.find_unique(label, property, &value).unwrap_or_default();
                            if let Some(alt) = numeric_twin(&value) {
                                found.extend(index.find_unique(label, property, &alt).unwrap_or_default());
                            }
                            found
                        }
                    }
                };
                // Nodes from a label scan carry that label: when it is all
                // the check asks, their records need no lookup.
                let scanned_label_only = check.properties.is_none()
                    && match source {
                        NodeSource::Label(l) => check.labels.iter().all(|c| c == l),
                        _ => false,
                    };
                for id in candidates {
                    if scanned_label_only || self.node_ok(id, check, row, index)? {
                        row[*slot].replace_with(Value::Node(id));
                        next(self, row, out)?;
                    }
                }
                row[*slot].replace_with(Value::Null);
            }
            Step::Expand {
                from,
                rel,
                rel_bound,
                to,
                to_bound,
                direction,
                types: _,
                rel_properties,
                check,
            } => {
                let Value::Node(start) = row[*from] else {
                    return Ok(());
                };
                let Some(Expansion {
                    types,
                    labels,
                    only_counted,
                    expanded_further,
                }) = m.expansions.get(i).and_then(Option::as_ref)
                else {
                    return Ok(());
                };
                let (types, labels) = (types, *labels);
                if *only_counted {
                    let copies = index.count_neighbours(start, *direction, types);
                    return if copies == 0 {
                        Ok(())
                    } else {
                        out.accept_copies(self, row, index, copies)
                    };
                }
                let visit = |n: Neighbour| {
                    if *rel_bound {
                        if row[*rel] != Value::Relationship(n.rel) {
                            return Ok(());
                        }
                    } else if rel_in_use(row, &plan.rel_slots, *rel, n.rel) {
                        return Ok(());
                    }
                    if *to_bound {
                        if row[*to] != Value::Node(n.node) {
                            return Ok(());
                        }
                    } else if !self.neighbour_ok(&n, labels, check, row, index)? {
                        return Ok(());
                    }
                    if !self.rel_ok(n.rel, rel_properties.as_ref(), row, index)? {
                        return Ok(());
                    }
                    let old_rel = std::mem::replace(&mut row[*rel], Value::Relationship(n.rel));
                    let old_to = std::mem::replace(&mut row[*to], Value::Node(n.node));
                    next(self, row, out)?;
                    row[*rel].replace_with(old_rel);
                    row[*to].replace_with(old_to);
                    Ok(())
                };
                index.try_for_each_neighbour_reading_ahead(
                    start,
                    *direction,
                    types,
                    *expanded_further,
                    visit,
                )?;
            }
            Step::VarExpand {
                from,
                rels,
                rels_bound,
                to,
                to_bound,
                direction,
                types,
                min,
                max,
                rel_properties,
                check,
                reversed,
            } => {
                let Value::Node(start) = row[*from] else {
                    return Ok(());
                };
                let max = max.unwrap_or(self.limits.max_path_depth);
                if max > self.limits.max_path_depth {
                    let message = format!(
                        "variable-length pattern up to {max} hops exceeds the limit of {} (limit max_path_depth)",
                        self.limits.max_path_depth
                    );
                    return Err(QueryError::new(ErrorClass::LimitExceeded, message));
                }
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                let bound_list = if *rels_bound {
                    Some(row[*rels].clone())
                } else {
                    None
                };
                let mut path: Vec<RelId> = Vec::new();
                self.explored.set(0);
                let spec = VarSpec {
                    rels: *rels,
                    to: *to,
                    to_bound: *to_bound,
                    direction: *direction,
                    min: *min,
                    max,
                    check,
                    rel_properties: rel_properties.as_ref(),
                    reversed: *reversed,
                };
                self.var_expand(
                    m,
                    i,
                    &spec,
                    &types,
                    start,
                    &mut path,
                    bound_list.as_ref(),
                    row,
                    index,
                    out,
                )?;
            }
            Step::Shortest {
                from,
                to,
                path,
                rels,
                direction,
                types,
                min,
                max,
                all,
            } => {
                let (Value::Node(a), Value::Node(b)) = (&row[*from], &row[*to]) else {
                    return Ok(());
                };
                let (a, b) = (*a, *b);
                let max = max.unwrap_or(self.limits.max_path_depth) as usize;
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                let bind = |row: &mut Row, p: Path| {
                    if let Some(r) = rels {
                        row[*r] = Value::List(p.rels.iter().map(|r| Value::Relationship(*r)).collect());
                    }
                    row[*path] = Value::Path(Box::new(p));
                };
                if plan.filters[i + 1].is_empty() {
                    let search = index.shortest_paths(*direction, &types, max);
                    let found: Vec<Path> = if *all {
                        search.all(a, b)
                    } else {
                        search.one(a, b).into_iter().collect()
                    };
                    for p in found.into_iter().filter(|p| p.len() as u64 >= *min) {
                        bind(row, p);
                        next(self, row, out)?;
                    }
                } else {
                    // A WHERE on the path restricts the search, as in Neo4j:
                    // the shortest paths that satisfy it, found by trying
                    // lengths in increasing order.
                    let search = PathSearch {
                        index,
                        direction: *direction,
                        types: &types,
                    };
                    let passing = search.shortest_satisfying(a, b, *min as usize, max, *all, &mut |p| {
                        self.check_limits(0)?;
                        bind(row, p.clone());
                        self.filters_pass(plan, i + 1, row, index)
                    })?;
                    for p in passing {
                        bind(row, p);
                        self.step(m, i + 1, row, index, out)?;
                    }
                }
                row[*path] = Value::Null;
            }
            Step::BuildPath {
                slot,
                start,
                segments,
            } => {
                let Value::Node(first) = row[*start] else {
                    return Ok(());
                };
                let mut p = Path::single(first);
                let mut at = first;
                for segment in segments {
                    match segment {
                        PathSegment::Rel { rel, node } => {
                            let (Value::Relationship(r), Value::Node(n)) = (&row[*rel], &row[*node]) else {
                                return Ok(());
                            };
                            p.rels.push(*r);
                            p.nodes.push(*n);
                            at = *n;
                        }
                        PathSegment::RelList { rels, node } => {
                            let Value::List(list) = &row[*rels] else {
                                return Ok(());
                            };
                            for item in list {
                                let Value::Relationship(r) = item else { continue };
                                let Some(record) = index.relationship(*r) else {
                                    continue;
                                };
                                at = record.other(at);
                                p.rels.push(*r);
                                p.nodes.push(at);
                            }
                            if let Value::Node(n) = row[*node] {
                                at = n;
                            }
                        }
                    }
                }
                row[*slot] = Value::Path(Box::new(p));
                next(self, row, out)?;
                row[*slot] = Value::Null;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn var_expand(
        &self,
        m: &Matching<'_>,
        i: usize,
        spec: &VarSpec<'_>,
        types: &[&str],
        at: NodeId,
        path: &mut Vec<RelId>,
        bound_list: Option<&Value>,
        row: &mut Row,
        index: &GraphIndex,
        out: &mut dyn RowSink,
    ) -> EResult<()> {
        let plan = m.plan;
        let depth = path.len() as u64;
        if depth >= spec.min {
            let mut rels: Vec<Value> = path.iter().map(|r| Value::Relationship(*r)).collect();
            if spec.reversed {
                rels.reverse();
            }
            let list = Value::List(rels.into());
            let end_ok = if spec.to_bound {
                row[spec.to] == Value::Node(at)
            } else {
                self.node_ok(at, spec.check, row, index)?
            };
            let list_ok = bound_list.is_none_or(|b| *b == list);
            if end_ok && list_ok {
                let (old_rels, old_to) = (row[spec.rels].clone(), row[spec.to].clone());
                row[spec.rels] = list;
                row[spec.to] = Value::Node(at);
                if self.filters_pass(plan, i + 1, row, index)? {
                    self.step(m, i + 1, row, index, out)?;
                }
                row[spec.rels] = old_rels;
                row[spec.to] = old_to;
            }
        }
        if depth >= spec.max {
            return Ok(());
        }
        let explored = self.explored.get() + 1;
        self.explored.set(explored);
        if explored > self.limits.max_rows {
            let message = format!(
                "a variable-length pattern explored more than {} paths from one node (limit max_rows)",
                self.limits.max_rows
            );
            return Err(QueryError::new(ErrorClass::LimitExceeded, message));
        }
        self.check_limits(out.produced())?;
        for (rid, other) in index.relationships_of(at, spec.direction, types) {
            if path.contains(&rid) || rel_in_use(row, &plan.rel_slots, spec.rels, rid) {
                continue;
            }
            if !self.rel_ok(rid, spec.rel_properties, row, index)? {
                continue;
            }
            path.push(rid);
            self.var_expand(m, i, spec, types, other, path, bound_list, row, index, out)?;
            path.pop();
        }
        Ok(())
    }

    /// [`Executor::node_ok`] for a neighbour met by an expansion: a check
    /// of labels alone reads only the neighbour's label bits, and nothing
    /// at all when the schema implies the labels (see
    /// [`expansion_label_test`]).
    fn neighbour_ok(
        &self,
        neighbour: &Neighbour,
        labels: LabelTest,
        check: &NodeCheck,
        row: &[Value],
        index: &GraphIndex,
    ) -> EResult<bool> {
        let passes = match labels {
            LabelTest::Bits(0) => Some(true),
            other => other.passes(index.neighbour_labels(neighbour)),
        };
        match (passes, &check.properties) {
            (Some(false), _) => Ok(false),
            (Some(true), None) => Ok(true),
            _ => self.node_ok(neighbour.node, check, row, index),
        }
    }

    fn node_ok(&self, id: NodeId, check: &NodeCheck, row: &[Value], index: &GraphIndex) -> EResult<bool> {
        let Some(node) = index.node(id) else {
            return Ok(false);
        };
        if !check.labels.iter().all(|l| node.has_label(l)) {
            return Ok(false);
        }
        match &check.properties {
            None => Ok(true),
            Some(p) => {
                let wanted = self.eval(p, row, index)?;
                Ok(properties_equal(&node.properties(), &wanted))
            }
        }
    }

    fn rel_ok(
        &self,
        id: RelId,
        properties: Option<&CExpr>,
        row: &[Value],
        index: &GraphIndex,
    ) -> EResult<bool> {
        let Some(p) = properties else { return Ok(true) };
        let Some(rel) = index.relationship(id) else {
            return Ok(false);
        };
        let wanted = self.eval(p, row, index)?;
        Ok(properties_equal(rel.properties, &wanted))
    }

    // ----- projection -----

    fn project(&self, p: &Projection, rows: Vec<Row>, index: &GraphIndex) -> EResult<Vec<Row>> {
        let needs_extended = needs_extended(p);
        let produced: Vec<Produced> = if p.aggregates.is_empty() {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let values = p
                    .items
                    .iter()
                    .map(|item| self.eval(&item.expr, &row, index).map_err(|e| locate(e, item.at)))
                    .collect::<EResult<Row>>()?;
                let extended = if needs_extended {
                    extend(row, p.input_width, &values)
                } else {
                    Vec::new()
                };
                out.push(Produced {
                    values,
                    extended,
                    aggregates: Vec::new(),
                });
            }
            out
        } else {
            let mut groups = Grouper::new(p);
            for row in &rows {
                groups.accept(self, row, index)?;
            }
            groups.finish(self, index, needs_extended)?
        };
        self.finish_projection(p, produced, index)
    }

    /// DISTINCT, ORDER BY, SKIP, LIMIT and WHERE over a projection's rows.
    fn finish_projection(
        &self,
        p: &Projection,
        mut produced: Vec<Produced>,
        index: &GraphIndex,
    ) -> EResult<Vec<Row>> {
        if p.distinct {
            let mut seen = HashSet::default();
            produced.retain(|item| seen.insert(GroupKey::new(Value::List(item.values.clone().into()))));
        }
        // Sort keys: read in place when every ORDER BY item is a projected
        // column (`ORDER BY n DESC, speaker`), evaluated otherwise.
        let in_place: Option<Vec<usize>> = p.order.iter().map(|(e, _)| projected_column(p, e)).collect();
        let evaluated = match (&in_place, p.order.is_empty()) {
            (None, false) => Some(self.order_keys(p, &produced, index)?),
            _ => None,
        };
        let skip = match &p.skip {
            Some(skip) => Some(
                self.count_argument(skip, "SKIP", index)
                    .map_err(|e| locate_opt(e, p.skip_at))?,
            ),
            None => None,
        };
        let limit = match &p.limit {
            Some(limit) => Some(
                self.count_argument(limit, "LIMIT", index)
                    .map_err(|e| locate_opt(e, p.limit_at))?,
            ),
            None => None,
        };
        if !p.order.is_empty() {
            let key = |row: usize, i: usize| -> &Value {
                match (&in_place, &evaluated) {
                    (Some(columns), _) => produced[row].values.get(columns[i]).unwrap_or(&Value::Null),
                    (None, Some(keys)) => &keys[row][i],
                    (None, None) => &Value::Null,
                }
            };
            let wanted = limit.map(|limit| limit.saturating_add(skip.unwrap_or(0)));
            let sorted = sorted_rows(produced.len(), wanted, |a, b| {
                for (i, (_, descending)) in p.order.iter().enumerate() {
                    let ord = values::order_key_cmp(key(a, i), key(b, i));
                    let ord = if *descending { ord.reverse() } else { ord };
                    if ord != std::cmp::Ordering::Equal {
                        return ord;
                    }
                }
                std::cmp::Ordering::Equal
            });
            let mut taken: Vec<Option<Produced>> = produced.into_iter().map(Some).collect();
            produced = sorted.into_iter().filter_map(|row| taken[row].take()).collect();
        }
        if let Some(n) = skip {
            produced.drain(..n.min(produced.len()));
        }
        if let Some(n) = limit {
            produced.truncate(n);
        }
        let mut out = Vec::with_capacity(produced.len());
        for item in produced {
            if let Some(w) = &p.where_ {
                let ctx = EvalCtx {
                    index,
                    params: self.params,
                    aggregates: &item.aggregates,
                };
                let holds = eval(w, &item.extended, &ctx, self)
                    .and_then(|v| values::truthiness(&v))
                    .map_err(|e| locate_opt(e, p.where_at))?;
                if !holds {
                    continue;
                }
            }
            out.push(item.values);
        }
        Ok(out)
    }

    /// The ORDER BY values of each produced row, evaluated.
    fn order_keys(
        &self,
        p: &Projection,
        produced: &[Produced],
        index: &GraphIndex,
    ) -> EResult<Vec<Vec<Value>>> {
        produced
            .iter()
            .map(|item| {
                let ctx = EvalCtx {
                    index,
                    params: self.params,
                    aggregates: &item.aggregates,
                };
                p.order
                    .iter()
                    .zip(&p.order_at)
                    .map(|((e, _), at)| eval(e, &item.extended, &ctx, self).map_err(|e| locate(e, *at)))
                    .collect()
            })
            .collect()
    }

    fn count_argument(&self, e: &CExpr, clause: &str, index: &GraphIndex) -> EResult<usize> {
        match self.eval(e, &[], index)? {
            Value::Int(n) if n >= 0 => Ok(n as usize),
            Value::Int(n) => {
                let message = format!("{clause} takes a non-negative integer, got {n}");
                Err(QueryError::new(ErrorClass::SyntaxError, message).with_detail("NegativeIntegerArgument"))
            }
            other => {
                let message = format!("{clause} takes an integer, got {}", other.type_name());
                Err(QueryError::new(ErrorClass::SyntaxError, message).with_detail("InvalidArgumentType"))
            }
        }
    }

    // ----- writing -----

    fn create(&self, pattern: &CreatePattern, row: &mut Row, access: &mut Access<'_, '_>) -> EResult<()> {
        let width = pattern
            .nodes
            .iter()
            .map(|n| n.slot)
            .chain(pattern.rels.iter().map(|r| r.slot))
            .max()
            .unwrap_or(0)
            + 1;
        let width = pattern.path.as_ref().map_or(width, |(s, _, _)| width.max(s + 1));
        if row.len() < width {
            row.resize(width, Value::Null);
        }
        for node in &pattern.nodes {
            if !node.create {
                if !matches!(row[node.slot], Value::Node(_)) {
                    return Err(QueryError::new(
                        ErrorClass::SemanticError,
                        "cannot create a relationship to a missing (null) node",
                    ));
                }
                continue;
            }
            let properties = self.property_map(node.properties.as_ref(), row, access.index())?;
            let id = access
                .tx()?
                .create_node(node.labels.clone(), properties, Vec::new())
                .map_err(query_error)?;
            row[node.slot] = Value::Node(id);
        }
        for rel in &pattern.rels {
            let (Value::Node(from), Value::Node(to)) = (&row[rel.from], &row[rel.to]) else {
                return Err(QueryError::new(
                    ErrorClass::SemanticError,
                    "cannot create a relationship to a missing (null) node",
                ));
            };
            let (from, to) = (*from, *to);
            let properties = self.property_map(rel.properties.as_ref(), row, access.index())?;
            let id = access
                .tx()?
                .create_relationship(&rel.rel_type, from, to, properties, Vec::new())
                .map_err(query_error)?;
            row[rel.slot] = Value::Relationship(id);
        }
        if let Some((slot, start, segments)) = &pattern.path {
            let Value::Node(first) = row[*start] else {
                return Ok(());
            };
            let mut p = Path::single(first);
            for segment in segments {
                if let PathSegment::Rel { rel, node } = segment
                    && let (Value::Relationship(r), Value::Node(n)) = (&row[*rel], &row[*node])
                {
                    p.rels.push(*r);
                    p.nodes.push(*n);
                }
            }
            row[*slot] = Value::Path(Box::new(p));
        }
        Ok(())
    }

    /// MERGE cannot create an element with a null property: it could never
    /// match it again (openCypher's `MergeReadOwnWrites`).
    fn check_merge_properties(
        &self,
        pattern: &CreatePattern,
        row: &[Value],
        index: &GraphIndex,
    ) -> EResult<()> {
        let maps = pattern
            .nodes
            .iter()
            .filter(|n| n.create)
            .map(|n| n.properties.as_ref())
            .chain(pattern.rels.iter().map(|r| r.properties.as_ref()));
        for e in maps.flatten() {
            if let Value::Map(m) = self.eval(e, row, index)?
                && let Some((k, _)) = m.iter().find(|(_, v)| v.is_null())
            {
                let message = format!("MERGE cannot use a null value for property `{k}`");
                return Err(
                    QueryError::new(ErrorClass::SemanticError, message).with_detail("MergeReadOwnWrites")
                );
            }
        }
        Ok(())
    }

    fn property_map(&self, e: Option<&CExpr>, row: &[Value], index: &GraphIndex) -> EResult<Properties> {
        let Some(e) = e else { return Ok(Properties::new()) };
        match self.eval(e, row, index)? {
            Value::Map(m) => Ok(m.into_iter().collect()),
            Value::Null => Ok(Properties::new()),
            other => Err(QueryError::new(
                ErrorClass::TypeError,
                format!("expected a map of properties, got {}", other.type_name()),
            )),
        }
    }

    /// Runs the `SET` items on one row; an error points at its item.
    fn set(&self, items: &[(SetOp, Position)], row: &[Value], access: &mut Access<'_, '_>) -> EResult<()> {
        for (item, at) in items {
            access.attribute(Some(*at));
            self.set_item(item, row, access).map_err(|e| locate(e, *at))?;
        }
        Ok(())
    }

    fn remove(&self, item: &RemoveOp, row: &[Value], access: &mut Access<'_, '_>) -> EResult<()> {
        match item {
            RemoveOp::Property { target, key } => {
                let target = self.eval(target, row, access.index())?;
                set_property(access, &target, key, Value::Null)?;
            }
            RemoveOp::Labels { slot, labels } => {
                if let Value::Node(id) = row[*slot] {
                    for label in labels {
                        access.tx()?.remove_label(id, label).map_err(query_error)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn set_item(&self, item: &SetOp, row: &[Value], access: &mut Access<'_, '_>) -> EResult<()> {
        match item {
            SetOp::Property { target, key, value } => {
                let target = self.eval(target, row, access.index())?;
                let value = self.eval(value, row, access.index())?;
                set_property(access, &target, key, value)?;
            }
            SetOp::Replace { slot, value } | SetOp::Merge { slot, value } => {
                let replace = matches!(item, SetOp::Replace { .. });
                let value = self.eval(value, row, access.index())?;
                let map: Properties = match value {
                    Value::Map(m) => (*m).into(),
                    Value::Node(n) => access.index().node(n).map(|n| n.properties()).unwrap_or_default(),
                    Value::Relationship(r) => access
                        .index()
                        .relationship(r)
                        .map(|r| r.properties.clone())
                        .unwrap_or_default(),
                    Value::Null if replace => Properties::new(),
                    other => {
                        let message = format!("SET with = or += takes a map, got {}", other.type_name());
                        return Err(QueryError::new(ErrorClass::TypeError, message)
                            .with_detail("InvalidArgumentType"));
                    }
                };
                let target = row.get(*slot).cloned().unwrap_or(Value::Null);
                let tx = access.tx()?;
                match target {
                    Value::Node(id) if replace => tx.replace_node_properties(id, map).map_err(query_error)?,
                    Value::Relationship(id) if replace => {
                        tx.replace_relationship_properties(id, map).map_err(query_error)?
                    }
                    Value::Node(_) | Value::Relationship(_) => {
                        for (k, v) in map {
                            set_property(access, &target, &k, v)?;
                        }
                    }
                    Value::Null => {}
                    other => {
                        let message = format!("SET needs a node or relationship, got {}", other.type_name());
                        return Err(QueryError::new(ErrorClass::TypeError, message)
                            .with_detail("InvalidArgumentType"));
                    }
                }
            }
            SetOp::Labels { slot, labels } => {
                if let Some(Value::Node(id)) = row.get(*slot) {
                    let id = *id;
                    for label in labels {
                        access.tx()?.add_label(id, label).map_err(query_error)?;
                    }
                }
            }
        }
        Ok(())
    }

    // ----- expressions -----

    pub fn eval(&self, e: &CExpr, row: &[Value], index: &GraphIndex) -> EResult<Value> {
        let ctx = EvalCtx {
            index,
            params: self.params,
            aggregates: &[],
        };
        eval(e, row, &ctx, self)
    }
}

/// A rough size of a row in memory: the value slots plus what strings and
/// lists hold on the heap. Enough to stop a runaway query, not an audit.
fn row_bytes(row: &[Value]) -> usize {
    fn value_bytes(v: &Value) -> usize {
        std::mem::size_of::<Value>()
            + match v {
                Value::String(s) => s.len(),
                Value::List(items) => items.iter().map(value_bytes).sum(),
                Value::Map(m) => m.iter().map(|(k, v)| k.len() + value_bytes(v)).sum(),
                Value::Path(p) => 8 * (p.nodes.len() + p.rels.len()),
                _ => 0,
            }
    }
    24 + row.iter().map(value_bytes).sum::<usize>()
}

/// Paths between two nodes by increasing length, for shortest paths with
/// conditions on the path.
struct PathSearch<'a> {
    index: &'a GraphIndex,
    direction: Direction,
    types: &'a [&'a str],
}

impl PathSearch<'_> {
    /// The paths of the smallest length in `min..=max` from `a` to `b` (no
    /// node twice) for which `accept` holds: all of them, or the first.
    fn shortest_satisfying(
        &self,
        a: NodeId,
        b: NodeId,
        min: usize,
        max: usize,
        all: bool,
        accept: &mut dyn FnMut(&Path) -> EResult<bool>,
    ) -> EResult<Vec<Path>> {
        // Hops from every node to `b` (searching backwards), to prune
        // branches that cannot reach `b` within the length being tried.
        let reverse = match self.direction {
            Direction::Outgoing => Direction::Incoming,
            Direction::Incoming => Direction::Outgoing,
            Direction::Both => Direction::Both,
        };
        let mut distance: HashMap<NodeId, usize> = HashMap::from_iter([(b, 0)]);
        let mut frontier = vec![b];
        for hops in 1..=max {
            let mut next = Vec::new();
            for node in frontier {
                for (_, other) in self.index.relationships_of(node, reverse, self.types) {
                    if let std::collections::hash_map::Entry::Vacant(e) = distance.entry(other) {
                        e.insert(hops);
                        next.push(other);
                    }
                }
            }
            frontier = next;
        }
        let Some(&shortest) = distance.get(&a) else {
            return Ok(Vec::new());
        };
        for length in shortest.max(min)..=max {
            let mut found = Vec::new();
            let mut current = Path::single(a);
            self.extend(b, length, &distance, &mut current, all, accept, &mut found)?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Ok(Vec::new())
    }

    #[allow(clippy::too_many_arguments)]
    fn extend(
        &self,
        b: NodeId,
        length: usize,
        distance: &HashMap<NodeId, usize>,
        current: &mut Path,
        all: bool,
        accept: &mut dyn FnMut(&Path) -> EResult<bool>,
        found: &mut Vec<Path>,
    ) -> EResult<bool> {
        let at = *current.nodes.last().unwrap_or(&b);
        if current.len() == length {
            if at == b && accept(current)? {
                found.push(current.clone());
                return Ok(!all);
            }
            return Ok(false);
        }
        for (rel, other) in self.index.relationships_of(at, self.direction, self.types) {
            let reachable = distance
                .get(&other)
                .is_some_and(|d| current.len() + 1 + d <= length);
            if !reachable || current.nodes.contains(&other) {
                continue;
            }
            current.rels.push(rel);
            current.nodes.push(other);
            let done = self.extend(b, length, distance, current, all, accept, found)?;
            current.rels.pop();
            current.nodes.pop();
            if done {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// One output row of a projection, with the extended row (input slots then
/// outputs) that ORDER BY and WHERE read, and the group's aggregates.
struct Produced {
    values: Row,
    extended: Row,
    aggregates: Vec<Value>,
}

/// A match plan with what its expansions resolve against the index once
/// per match rather than once per row.
pub struct Matching<'p> {
    plan: &'p MatchPlan,
    /// By step: `None` for steps other than a single-hop expansion, and for
    /// one whose types do not exist (it matches nothing).
    expansions: Vec<Option<Expansion>>,
    /// By step: the rows waiting for it, for a step that takes its rows in
    /// batches (see [`Executor::flush`]).
    batches: Vec<Option<Cell<Batch>>>,
}

/// Rows a batched step holds before it runs them.
const BATCH_ROWS: usize = 256;

/// How far ahead of the row it runs a batched step reads, and what: the
/// stages of [`GraphIndex::read_ahead`], farthest first.
const BATCH_READ_AHEAD: [(usize, ReadAhead); 3] = [
    (12, ReadAhead::Slot),
    (8, ReadAhead::Head),
    (4, ReadAhead::Entries),
];

/// How far ahead of the row it runs a batched step that checks its
/// neighbours' labels asks for their label bits (after the entries that
/// name them, [`BATCH_READ_AHEAD`]'s last stage).
const BATCH_LABELS_AHEAD: usize = 2;

/// Rows waiting at a batched step. Their vectors are kept from one batch
/// to the next, so a queued row is copied into memory already allocated.
#[derive(Default)]
struct Batch {
    rows: Vec<Row>,
    /// How many of `rows` are waiting (the rest are spare).
    len: usize,
}

impl Batch {
    /// Queues a copy of `row`; returns how many rows are waiting.
    fn push(&mut self, row: &[Value]) -> usize {
        match self.rows.get_mut(self.len) {
            Some(spare) if spare.len() == row.len() => {
                for (to, from) in spare.iter_mut().zip(row) {
                    to.replace_with(from.copy_of());
                }
            }
            Some(spare) => {
                spare.clear();
                spare.extend(row.iter().map(Value::copy_of));
            }
            None => self.rows.push(row.iter().map(Value::copy_of).collect()),
        }
        self.len += 1;
        self.len
    }
}

/// A single-hop expansion, resolved.
struct Expansion {
    types: TypeSet,
    labels: LabelTest,
    /// The last step, when nothing reads what it binds (`count(*)` grouped
    /// by the start's properties): the rows differ only in slots nobody
    /// reads, so their number is all that matters, and the adjacency gives
    /// it without listing them.
    only_counted: bool,
    /// The next step expands from the node this one binds.
    expanded_further: bool,
}

impl<'p> Matching<'p> {
    fn new(plan: &'p MatchPlan, index: &GraphIndex, out: &dyn RowSink, batched: bool) -> Matching<'p> {
        let expansions: Vec<Option<Expansion>> = plan
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let Step::Expand {
                    rel,
                    rel_bound,
                    to,
                    to_bound,
                    direction,
                    types,
                    rel_properties,
                    check,
                    ..
                } = step
                else {
                    return None;
                };
                let types = index.type_set(types)?;
                let labels = expansion_label_test(index, &check.labels, *direction, &types);
                let only_counted = i + 1 == plan.steps.len()
                    && !*rel_bound
                    && !*to_bound
                    && rel_properties.is_none()
                    && check.properties.is_none()
                    && labels == LabelTest::Bits(0)
                    && plan.rel_slots.iter().all(|s| s == rel)
                    && plan.filters.get(i + 1).is_none_or(Vec::is_empty)
                    && out.takes_copies(&[*rel, *to]);
                let expanded_further = match plan.steps.get(i + 1) {
                    Some(Step::Expand { from, .. } | Step::VarExpand { from, .. }) => from == to,
                    _ => false,
                };
                Some(Expansion {
                    types,
                    labels,
                    only_counted,
                    expanded_further,
                })
            })
            .collect();
        // A step is batched when it expands from the node the step before
        // bound: one batch gathers the rows of many starts.
        let batches = (0..plan.steps.len())
            .map(|i| {
                let follows_expansion = i
                    .checked_sub(1)
                    .and_then(|before| expansions[before].as_ref())
                    .is_some_and(|e| e.expanded_further);
                (batched && follows_expansion && matches!(plan.steps[i], Step::Expand { .. }))
                    .then(|| Cell::new(Batch::default()))
            })
            .collect();
        Matching {
            plan,
            expansions,
            batches,
        }
    }
}

/// The positions `0..len` in the order `cmp` gives, ties in position
/// order (as a stable sort leaves them); only the first `wanted` when
/// given. With `ORDER BY … LIMIT k`, the first k are selected before they
/// are sorted, so a top 10 of thousands of groups sorts ten.
fn sorted_rows(
    len: usize,
    wanted: Option<usize>,
    cmp: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..len).collect();
    let by_key_then_position = |a: &usize, b: &usize| cmp(*a, *b).then(a.cmp(b));
    if let Some(wanted) = wanted.filter(|w| *w < len) {
        if wanted == 0 {
            return Vec::new();
        }
        rows.select_nth_unstable_by(wanted - 1, by_key_then_position);
        rows.truncate(wanted);
    }
    rows.sort_unstable_by(by_key_then_position);
    rows
}

/// Up to this many groups, a single grouping key is compared in place
/// rather than hashed.
const FEW_GROUPS: usize = 16;

/// The value of a variable or a property of one (a grouping key, an
/// operand) read where it is stored: `None` when it has to be evaluated
/// (or reading it fails, which evaluating then reports).
fn key_in_place<'a>(e: &CExpr, row: &'a [Value], index: &'a GraphIndex) -> Option<Cow<'a, Value>> {
    if let CExpr::Slot(slot) = e {
        return row.get(*slot).map(Cow::Borrowed);
    }
    let (slot, key) = variable_property(e)?;
    match row.get(slot)? {
        // A node's property is read out of its packed record.
        Value::Node(id) => Some(Cow::Owned(index.node(*id)?.property(key))),
        Value::Relationship(id) => Some(Cow::Borrowed(index.relationship(*id)?.property(key))),
        _ => None,
    }
}

/// The variable's slot and the key, when `e` is a property of a variable
/// (`sp.name`).
fn variable_property(e: &CExpr) -> Option<(usize, &str)> {
    match e {
        CExpr::Prop(target, key) => match target.as_ref() {
            CExpr::Slot(slot) => Some((*slot, key.as_str())),
            _ => None,
        },
        _ => None,
    }
}

/// True when ORDER BY or WHERE needs each produced row extended with the
/// input it came from. An ORDER BY of projected columns alone
/// (`ORDER BY n DESC, speaker`) reads them from the row's values.
fn needs_extended(p: &Projection) -> bool {
    p.where_.is_some() || p.order.iter().any(|(e, _)| projected_column(p, e).is_none())
}

/// The projected column an ORDER BY item reads, when it is just that.
fn projected_column(p: &Projection, e: &CExpr) -> Option<usize> {
    match e {
        CExpr::Slot(slot) => slot.checked_sub(p.input_width),
        _ => None,
    }
}

/// Receives the complete rows of a match, one at a time.
pub trait RowSink {
    /// Takes one row (the sink copies what it keeps).
    fn accept(&mut self, exec: &Executor<'_>, row: &[Value], index: &GraphIndex) -> EResult<()>;

    /// Rows held so far, counted against `max_rows`.
    fn produced(&self) -> usize;

    /// True when the sink reads none of `slots`, so that rows differing
    /// only there may come as one row and a count
    /// ([`RowSink::accept_copies`]).
    fn takes_copies(&self, _slots: &[usize]) -> bool {
        false
    }

    /// Takes `copies` rows equal to `row` except in slots
    /// [`RowSink::takes_copies`] agreed to ignore.
    fn accept_copies(
        &mut self,
        exec: &Executor<'_>,
        row: &[Value],
        index: &GraphIndex,
        copies: usize,
    ) -> EResult<()> {
        for _ in 0..copies {
            self.accept(exec, row, index)?;
        }
        Ok(())
    }
}

impl RowSink for Vec<Row> {
    fn accept(&mut self, exec: &Executor<'_>, row: &[Value], _index: &GraphIndex) -> EResult<()> {
        exec.hold(row)?;
        self.push(row.to_vec());
        exec.check_limits(self.len())
    }

    fn produced(&self) -> usize {
        self.len()
    }
}

/// Slots the projection reads in the items `which` selects, its ORDER BY
/// and its WHERE.
fn slots_read(p: &Projection, which: impl Fn(&ProjectItem) -> bool) -> BTreeSet<usize> {
    let mut reads = BTreeSet::new();
    p.items
        .iter()
        .filter(|item| which(item))
        .for_each(|item| item.expr.slots(&mut reads));
    p.order.iter().for_each(|(e, _)| e.slots(&mut reads));
    p.where_.iter().for_each(|e| e.slots(&mut reads));
    reads
}

/// The groups whose keys share one hash: nearly always one.
enum SameHash {
    One(usize),
    Many(Vec<usize>),
}

impl SameHash {
    fn add(&mut self, group: usize) {
        match self {
            SameHash::One(earlier) => *self = SameHash::Many(vec![*earlier, group]),
            SameHash::Many(groups) => groups.push(group),
        }
    }

    /// The first of these groups that `same` accepts.
    fn find(&self, same: impl Fn(usize) -> bool) -> Option<usize> {
        match self {
            SameHash::One(group) => Some(*group).filter(|g| same(*g)),
            SameHash::Many(groups) => groups.iter().copied().find(|g| same(*g)),
        }
    }
}

/// The groups of an aggregating projection, filled one row at a time.
struct Grouper<'p> {
    p: &'p Projection,
    /// Items that are grouping keys.
    grouping: Vec<usize>,
    /// Groups by the hash of their key values ([`values::hash_key`]); the
    /// values themselves are kept once, in `order`, and compared there.
    groups: HashMap<u64, SameHash>,
    /// Per group, in order of first appearance: its key values, its first
    /// row (empty when nothing after grouping reads the input), its
    /// accumulators.
    order: Vec<(Vec<Value>, Row, Vec<Aggregator>)>,
    /// True when the projection reads input variables after grouping (an
    /// aggregating item such as `n.x + count(*)`, or ORDER BY / WHERE over
    /// them), so each group keeps the first row it saw.
    keeps_first_row: bool,
    /// Input slots the projection reads, when every aggregate is
    /// `count(*)` (then rows differing elsewhere only add to counts).
    reads: Option<BTreeSet<usize>>,
    /// Rows taken.
    rows: usize,
    /// When the one grouping key is a node's property: the group of each
    /// node met so far.
    by_node: HashMap<NodeId, usize>,
}

/// The node whose property `e` reads, when `e` is a property of a
/// variable holding a node.
fn node_of_property(e: &CExpr, row: &[Value]) -> Option<NodeId> {
    let (slot, _) = variable_property(e)?;
    match row.get(slot)? {
        Value::Node(id) => Some(*id),
        _ => None,
    }
}

impl<'p> Grouper<'p> {
    fn new(p: &'p Projection) -> Grouper<'p> {
        let counts_only = p
            .aggregates
            .iter()
            .all(|(kind, _, _, _)| *kind == super::values::AggregateKind::CountStar);
        let reads = counts_only.then(|| slots_read(p, |_| true));
        // What the finished groups still read: aggregating items, ORDER
        // BY and WHERE (the grouping keys are kept as values).
        let read_after = slots_read(p, |item| item.aggregating);
        Grouper {
            p,
            grouping: (0..p.items.len()).filter(|i| !p.items[*i].aggregating).collect(),
            groups: HashMap::default(),
            order: Vec::new(),
            keeps_first_row: read_after.iter().any(|slot| *slot < p.input_width),
            reads,
            rows: 0,
            by_node: HashMap::default(),
        }
    }

    fn fresh(&self) -> Vec<Aggregator> {
        self.p
            .aggregates
            .iter()
            .map(|(kind, distinct, _, _)| Aggregator::new(*kind, *distinct))
            .collect()
    }

    /// The group `row` belongs to, created when new.
    fn group_of(&mut self, exec: &Executor<'_>, row: &[Value], index: &GraphIndex) -> EResult<usize> {
        if self.grouping.is_empty() && !self.order.is_empty() {
            // Nothing groups: every row is in the one group.
            return Ok(0);
        }
        if let [item] = self.grouping[..] {
            let expr = &self.p.items[item].expr;
            // A node's property has one value while rows are grouped
            // (nothing writes meanwhile), so the group a node's first row
            // found is remembered by the node's id: its later rows skip
            // reading, hashing and comparing the value (`sp.name` of a
            // speaker met in many rows).
            let node = node_of_property(expr, row);
            if let Some(id) = node
                && let Some(group) = self.by_node.get(&id)
            {
                return Ok(*group);
            }
            if let Some(value) = key_in_place(expr, row, index) {
                let group = self.group_in_place(&value, row);
                if let Some(id) = node {
                    self.by_node.insert(id, group);
                }
                return Ok(group);
            }
        }
        let key = self
            .grouping
            .iter()
            .map(|i| {
                let item = &self.p.items[*i];
                exec.eval(&item.expr, row, index).map_err(|e| locate(e, item.at))
            })
            .collect::<EResult<Vec<_>>>()?;
        let hash = values::hash_key(&key);
        Ok(self
            .find_group(&key, hash)
            .unwrap_or_else(|| self.new_group(key, hash, row)))
    }

    /// The group of a row whose one grouping key is `value`, read where
    /// it is stored and copied only for a new group: with few groups
    /// (`RETURN a.kind, count(*)`) compared against each group's key, else
    /// found by hash.
    fn group_in_place(&mut self, value: &Value, row: &[Value]) -> usize {
        if self.order.len() <= FEW_GROUPS
            && let Some(group) = self
                .order
                .iter()
                .position(|(key, _, _)| values::order_key_cmp(&key[0], value) == std::cmp::Ordering::Equal)
        {
            return group;
        }
        let key = std::slice::from_ref(value);
        let hash = values::hash_key(key);
        self.find_group(key, hash)
            .unwrap_or_else(|| self.new_group(key.to_vec(), hash, row))
    }

    /// The group whose key values equal `key` (which hashes to `hash`).
    fn find_group(&self, key: &[Value], hash: u64) -> Option<usize> {
        let same = |group: usize| {
            let stored = &self.order[group].0;
            stored.len() == key.len()
                && stored
                    .iter()
                    .zip(key)
                    .all(|(a, b)| values::order_key_cmp(a, b) == std::cmp::Ordering::Equal)
        };
        self.groups.get(&hash)?.find(same)
    }

    /// Adds a group for `key` (which hashes to `hash`), first seen in `row`.
    fn new_group(&mut self, key: Vec<Value>, hash: u64, row: &[Value]) -> usize {
        let group = self.order.len();
        self.groups
            .entry(hash)
            .and_modify(|same| same.add(group))
            .or_insert(SameHash::One(group));
        let first_row = if self.keeps_first_row {
            row.to_vec()
        } else {
            Vec::new()
        };
        let fresh = self.fresh();
        self.order.push((key, first_row, fresh));
        group
    }

    /// Counts rows against `max_rows` (streamed rows count as produced,
    /// though none is held); checks the deadline and cancellation every
    /// thousand rows or so.
    fn count_rows(&mut self, exec: &Executor<'_>, rows: usize) -> EResult<()> {
        let before = self.rows;
        self.rows = self.rows.saturating_add(rows);
        if self.rows > exec.limits.max_rows || before / 1024 != self.rows / 1024 {
            exec.check_limits(self.rows)?;
        }
        Ok(())
    }

    /// The projection's rows: one per group (one for no group at all when
    /// nothing groups).
    fn finish(
        mut self,
        exec: &Executor<'_>,
        index: &GraphIndex,
        needs_extended: bool,
    ) -> EResult<Vec<Produced>> {
        if self.order.is_empty() && self.grouping.is_empty() {
            let fresh = self.fresh();
            self.order.push((Vec::new(), Vec::new(), fresh));
        }
        let p = self.p;
        let mut out = Vec::with_capacity(self.order.len());
        for (key_values, first_row, aggregators) in self.order {
            let finished: Vec<Value> = aggregators.into_iter().map(Aggregator::finish).collect();
            let mut first = first_row;
            first.resize(p.input_width, Value::Null);
            let ctx = EvalCtx {
                index,
                params: exec.params,
                aggregates: &finished,
            };
            let mut keys = key_values.into_iter();
            let mut values = Vec::with_capacity(p.items.len());
            for item in &p.items {
                if item.aggregating {
                    values.push(eval(&item.expr, &first, &ctx, exec).map_err(|e| locate(e, item.at))?);
                } else {
                    values.push(keys.next().unwrap_or(Value::Null));
                }
            }
            let extended = if needs_extended {
                extend(first, p.input_width, &values)
            } else {
                Vec::new()
            };
            out.push(Produced {
                values,
                extended,
                aggregates: finished,
            });
        }
        Ok(out)
    }
}

impl RowSink for Grouper<'_> {
    fn accept(&mut self, exec: &Executor<'_>, row: &[Value], index: &GraphIndex) -> EResult<()> {
        let group = self.group_of(exec, row, index)?;
        for (agg_index, (_, _, arg, at)) in self.p.aggregates.iter().enumerate() {
            let aggregator = &mut self.order[group].2[agg_index];
            let updated = match arg {
                // A variable's value is read where it is, not copied.
                Some(CExpr::Slot(slot)) => aggregator.update_ref(row.get(*slot).unwrap_or(&Value::Null)),
                Some(e) => exec
                    .eval(e, row, index)
                    .and_then(|value| aggregator.update(value)),
                None => aggregator.update(Value::Int(1)),
            };
            updated.map_err(|e| locate(e, *at))?;
        }
        self.count_rows(exec, 1)
    }

    fn produced(&self) -> usize {
        self.order.len()
    }

    fn takes_copies(&self, slots: &[usize]) -> bool {
        self.reads
            .as_ref()
            .is_some_and(|reads| slots.iter().all(|s| !reads.contains(s)))
    }

    fn accept_copies(
        &mut self,
        exec: &Executor<'_>,
        row: &[Value],
        index: &GraphIndex,
        copies: usize,
    ) -> EResult<()> {
        let group = self.group_of(exec, row, index)?;
        for aggregator in &mut self.order[group].2 {
            aggregator.add_rows(copies);
        }
        self.count_rows(exec, copies)
    }
}

fn extend(mut row: Row, width: usize, values: &[Value]) -> Row {
    row.resize(width, Value::Null);
    row.extend(values.iter().cloned());
    row
}

struct VarSpec<'a> {
    rels: usize,
    to: usize,
    to_bound: bool,
    direction: Direction,
    min: u64,
    max: u64,
    check: &'a NodeCheck,
    rel_properties: Option<&'a CExpr>,
    reversed: bool,
}

struct EvalCtx<'a> {
    index: &'a GraphIndex,
    params: &'a Params,
    aggregates: &'a [Value],
}

/// Gives an error raised at run time the position of the part of the query
/// that raised it, unless it has a more precise one already. A cancelled
/// query has no place in the text.
fn locate(e: QueryError, at: Position) -> QueryError {
    if e.class == ErrorClass::Cancelled {
        e
    } else {
        e.at(at)
    }
}

fn locate_opt(e: QueryError, at: Option<Position>) -> QueryError {
    match at {
        Some(at) => locate(e, at),
        None => e,
    }
}

fn query_error(e: crate::error::Error) -> QueryError {
    match e {
        crate::error::Error::Query(q) => q,
        other => QueryError::new(ErrorClass::SemanticError, other.to_string()),
    }
}

fn numeric_twin(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(Value::Float(*i as f64)),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(Value::Int(*f as i64)),
        _ => None,
    }
}

/// The label test for the nodes an expansion meets: the labels the
/// pattern asks for, minus those the schema's joins already guarantee at
/// that end of those relationship types (`(e:Event)-[:AGENT]->(a:Actor)`
/// in the news schema checks neither label).
fn expansion_label_test(
    index: &GraphIndex,
    labels: &[String],
    direction: Direction,
    types: &TypeSet,
) -> LabelTest {
    match index.label_test(labels) {
        LabelTest::Bits(wanted) if wanted != 0 => {
            LabelTest::Bits(wanted & !index.implied_labels(direction, types))
        }
        other => other,
    }
}

fn rel_in_use(row: &[Value], rel_slots: &[usize], except: usize, rid: RelId) -> bool {
    rel_slots
        .iter()
        .filter(|s| **s != except)
        .any(|s| match row.get(*s) {
            Some(Value::Relationship(r)) => *r == rid,
            Some(Value::List(items)) => items.contains(&Value::Relationship(rid)),
            _ => false,
        })
}

/// True when every entry of `wanted` (a map) equals the element's property.
fn properties_equal(properties: &Properties, wanted: &Value) -> bool {
    match wanted {
        Value::Map(m) => m.iter().all(|(k, v)| {
            properties
                .get(k)
                .is_some_and(|actual| values::equals(actual, v) == Value::Bool(true))
        }),
        Value::Null => true,
        _ => false,
    }
}

fn set_property(access: &mut Access<'_, '_>, target: &Value, key: &str, value: Value) -> EResult<()> {
    match target {
        Value::Node(id) => access
            .tx()?
            .set_node_property(*id, key, value)
            .map_err(query_error),
        Value::Relationship(id) => access
            .tx()?
            .set_relationship_property(*id, key, value)
            .map_err(query_error),
        Value::Null => Ok(()),
        other => {
            let message = format!("cannot set a property on {}", other.type_name());
            Err(QueryError::new(ErrorClass::TypeError, message).with_detail("InvalidArgumentType"))
        }
    }
}

fn eval(e: &CExpr, row: &[Value], ctx: &EvalCtx<'_>, exec: &Executor<'_>) -> EResult<Value> {
    let ev = |x: &CExpr| eval(x, row, ctx, exec);
    Ok(match e {
        CExpr::Lit(v) => v.clone(),
        CExpr::Param(name) => match ctx.params.get(name) {
            Some(v) => v.clone(),
            None => {
                let message = format!("parameter `${name}` was not given");
                return Err(
                    QueryError::new(ErrorClass::ParameterMissing, message).with_detail("MissingParameter")
                );
            }
        },
        CExpr::Slot(s) => row.get(*s).cloned().unwrap_or(Value::Null),
        CExpr::List(items) => Value::List(items.iter().map(ev).collect::<EResult<_>>()?),
        CExpr::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                map.insert(k.clone(), ev(v)?);
            }
            Value::Map(Box::new(map))
        }
        CExpr::Prop(target, key) => property(&ev(target)?, key, ctx.index)?,
        CExpr::Index(target, idx) => {
            let target = ev(target)?;
            let idx = ev(idx)?;
            match (&target, &idx) {
                (Value::Node(_) | Value::Relationship(_), Value::String(k)) => {
                    property(&target, k, ctx.index)?
                }
                _ => values::index(&target, &idx)?,
            }
        }
        CExpr::Slice(target, from, to) => {
            let from = from.as_ref().map(|f| ev(f)).transpose()?;
            let to = to.as_ref().map(|t| ev(t)).transpose()?;
            values::slice(&ev(target)?, from.as_ref(), to.as_ref())?
        }
        CExpr::HasLabels(target, labels) => match ev(target)? {
            Value::Node(id) => Value::Bool(
                ctx.index
                    .node(id)
                    .is_some_and(|n| labels.iter().all(|l| n.has_label(l))),
            ),
            Value::Null => Value::Null,
            other => {
                let message = format!("label test on {}", other.type_name());
                return Err(
                    QueryError::new(ErrorClass::TypeError, message).with_detail("InvalidArgumentType")
                );
            }
        },
        CExpr::Not(x) => values::not(&ev(x)?)?,
        CExpr::Neg(x) => values::negate(&ev(x)?)?,
        CExpr::Binary(op, a, b) => binary(*op, a, b, row, ctx, exec)?,
        CExpr::IsNull(x, negated) => Value::Bool(ev(x)?.is_null() != *negated),
        CExpr::Aggregate(i) => ctx.aggregates.get(*i).cloned().unwrap_or(Value::Null),
        // Most calls take one or two arguments: those stay on the stack
        // (a filter such as `id(o) <> id(x)` runs once per matched row).
        CExpr::Call(name, args) => match args.as_slice() {
            [] => call(name, &[], ctx)?,
            [a] => call(name, &[ev(a)?], ctx)?,
            [a, b] => call(name, &[ev(a)?, ev(b)?], ctx)?,
            _ => {
                let args = args.iter().map(ev).collect::<EResult<Vec<_>>>()?;
                call(name, &args, ctx)?
            }
        },
        CExpr::Case {
            operand,
            whens,
            else_,
        } => {
            let operand = operand.as_ref().map(|o| ev(o)).transpose()?;
            for (when, then) in whens {
                let hit = match &operand {
                    Some(v) => values::equals(v, &ev(when)?) == Value::Bool(true),
                    None => ev(when)? == Value::Bool(true),
                };
                if hit {
                    return ev(then);
                }
            }
            match else_ {
                Some(x) => ev(x)?,
                None => Value::Null,
            }
        }
        CExpr::ListComprehension {
            slot,
            list,
            filter,
            map,
        } => {
            let items = match ev(list)? {
                Value::List(items) => items,
                Value::Null => return Ok(Value::Null),
                other => {
                    let message = format!("a list comprehension needs a list, got {}", other.type_name());
                    return Err(
                        QueryError::new(ErrorClass::TypeError, message).with_detail("InvalidArgumentType")
                    );
                }
            };
            let mut inner = row.to_vec();
            inner.resize(inner.len().max(slot + 1), Value::Null);
            let mut out = Vec::new();
            for item in items {
                inner[*slot] = item.clone();
                if let Some(f) = filter
                    && eval(f, &inner, ctx, exec)? != Value::Bool(true)
                {
                    continue;
                }
                out.push(match map {
                    Some(m) => eval(m, &inner, ctx, exec)?,
                    None => item,
                });
            }
            Value::List(out.into())
        }
        CExpr::Quantifier {
            kind,
            slot,
            list,
            predicate,
        } => {
            let items = match ev(list)? {
                Value::List(items) => items,
                Value::Null => return Ok(Value::Null),
                other => {
                    let message = format!("a list predicate needs a list, got {}", other.type_name());
                    return Err(
                        QueryError::new(ErrorClass::TypeError, message).with_detail("InvalidArgumentType")
                    );
                }
            };
            let mut inner = row.to_vec();
            inner.resize(inner.len().max(slot + 1), Value::Null);
            let (mut trues, mut nulls) = (0usize, 0usize);
            for item in &items {
                inner[*slot] = item.clone();
                match eval(predicate, &inner, ctx, exec)? {
                    Value::Bool(true) => trues += 1,
                    Value::Null => nulls += 1,
                    _ => {}
                }
            }
            let falses = items.len() - trues - nulls;
            let known = |b: bool| if nulls > 0 { Value::Null } else { Value::Bool(b) };
            match kind {
                Quantifier::All if falses > 0 => Value::Bool(false),
                Quantifier::All => known(true),
                Quantifier::Any if trues > 0 => Value::Bool(true),
                Quantifier::Any => known(false),
                Quantifier::None if trues > 0 => Value::Bool(false),
                Quantifier::None => known(true),
                Quantifier::Single if trues > 1 => Value::Bool(false),
                Quantifier::Single if nulls > 0 => Value::Null,
                Quantifier::Single => Value::Bool(trues == 1),
            }
        }
        CExpr::Exists(plan) => {
            let mut matches = Vec::new();
            exec.match_row(plan, row.to_vec(), ctx.index, &mut matches)?;
            Value::Bool(!matches.is_empty())
        }
        CExpr::PatternComprehension { plan, filter, map } => {
            let mut matches = Vec::new();
            exec.match_row(plan, row.to_vec(), ctx.index, &mut matches)?;
            let mut out = Vec::new();
            for m in matches {
                if let Some(f) = filter
                    && eval(f, &m, ctx, exec)? != Value::Bool(true)
                {
                    continue;
                }
                out.push(eval(map, &m, ctx, exec)?);
            }
            Value::List(out.into())
        }
    })
}

fn binary(
    op: BinaryOp,
    a: &CExpr,
    b: &CExpr,
    row: &[Value],
    ctx: &EvalCtx<'_>,
    exec: &Executor<'_>,
) -> EResult<Value> {
    // Both operands already stored (`e.date >= $d1`): read in place.
    // Otherwise both are evaluated, which also reports what reading in
    // place could not (a missing parameter, a deleted element).
    if let Some(left) = stored(a, row, ctx)
        && let Some(right) = stored(b, row, ctx)
    {
        return match short_circuit(op, &left) {
            Some(decided) => Ok(decided),
            None => apply(op, &left, &right),
        };
    }
    // `id(o) <> id(x)`: the ids of two bound elements, compared without
    // evaluating either call (such a filter runs once per matched row).
    if let Some(left) = id_in_place(a, row)
        && let Some(right) = id_in_place(b, row)
    {
        return Ok(Value::Bool(match op {
            BinaryOp::Eq => left == right,
            BinaryOp::Ne => left != right,
            BinaryOp::Lt => left < right,
            BinaryOp::Gt => left > right,
            BinaryOp::Le => left <= right,
            BinaryOp::Ge => left >= right,
            _ => return apply(op, &Value::Int(left), &Value::Int(right)),
        }));
    }
    let left = eval(a, row, ctx, exec)?;
    if let Some(decided) = short_circuit(op, &left) {
        return Ok(decided);
    }
    let right = eval(b, row, ctx, exec)?;
    apply(op, &left, &right)
}

/// AND / OR decided by the left operand alone, as openCypher allows: the
/// right one is then not evaluated.
fn short_circuit(op: BinaryOp, left: &Value) -> Option<Value> {
    match (op, left) {
        (BinaryOp::And, Value::Bool(false)) => Some(Value::Bool(false)),
        (BinaryOp::Or, Value::Bool(true)) => Some(Value::Bool(true)),
        _ => None,
    }
}

fn apply(op: BinaryOp, left: &Value, right: &Value) -> EResult<Value> {
    use values::CompareOp;
    Ok(match op {
        BinaryOp::Or => values::or(left, right)?,
        BinaryOp::Xor => values::xor(left, right)?,
        BinaryOp::And => values::and(left, right)?,
        BinaryOp::Eq => values::comparison(CompareOp::Eq, left, right),
        BinaryOp::Ne => values::comparison(CompareOp::Ne, left, right),
        BinaryOp::Lt => values::comparison(CompareOp::Lt, left, right),
        BinaryOp::Gt => values::comparison(CompareOp::Gt, left, right),
        BinaryOp::Le => values::comparison(CompareOp::Le, left, right),
        BinaryOp::Ge => values::comparison(CompareOp::Ge, left, right),
        BinaryOp::RegexMatch => values::regex_match(left, right)?,
        BinaryOp::StartsWith => values::starts_with(left, right),
        BinaryOp::EndsWith => values::ends_with(left, right),
        BinaryOp::Contains => values::contains(left, right),
        BinaryOp::In => values::in_list(left, right)?,
        BinaryOp::Add => values::add(left, right)?,
        BinaryOp::Sub => values::subtract(left, right)?,
        BinaryOp::Mul => values::multiply(left, right)?,
        BinaryOp::Div => values::divide(left, right)?,
        BinaryOp::Mod => values::modulo(left, right)?,
        BinaryOp::Pow => values::power(left, right)?,
    })
}

/// `id(x)` where `x` is a node or relationship bound in `row`, read in
/// place; `None` for any other expression, and for an id `id()` would
/// refuse (evaluated as usual, so `functions::call` reports it).
fn id_in_place(e: &CExpr, row: &[Value]) -> Option<i64> {
    let CExpr::Call(name, args) = e else { return None };
    let [CExpr::Slot(slot)] = args.as_slice() else {
        return None;
    };
    if name != "id" {
        return None;
    }
    let id = match row.get(*slot)? {
        Value::Node(id) => id.0,
        Value::Relationship(id) => id.0,
        _ => return None,
    };
    i64::try_from(id).ok()
}

/// An operand's value where it is already stored, when it is a literal, a
/// parameter, a variable or a property of one: `None` when it has to be
/// evaluated. A `WHERE` comparison such as `e.date >= $d1` runs once per
/// candidate row: copying both sides to compare them (a string property
/// is a heap copy) used to cost more than the comparison.
fn stored<'v>(e: &'v CExpr, row: &'v [Value], ctx: &EvalCtx<'v>) -> Option<Cow<'v, Value>> {
    match e {
        CExpr::Lit(v) => Some(Cow::Borrowed(v)),
        CExpr::Param(name) => ctx.params.get(name).map(Cow::Borrowed),
        CExpr::Slot(_) | CExpr::Prop(..) => key_in_place(e, row, ctx.index),
        _ => None,
    }
}

/// `x.key` for graph elements, maps and dates.
fn property(target: &Value, key: &str, index: &GraphIndex) -> EResult<Value> {
    Ok(match target {
        Value::Node(id) => index
            .node(*id)
            .ok_or_else(|| deleted(&target.to_string()))?
            .property(key),
        Value::Relationship(id) => index
            .relationship(*id)
            .ok_or_else(|| deleted(&target.to_string()))?
            .property(key)
            .clone(),
        other => values::property(other, key)?,
    })
}

/// Reading an element this statement deleted.
fn deleted(what: &str) -> QueryError {
    QueryError::new(
        ErrorClass::EntityNotFound,
        format!("{what} was deleted by this statement"),
    )
    .with_detail("DeletedEntityAccess")
}

/// Functions that need the graph; the rest go to `functions::call`.
fn call(name: &str, args: &[Value], ctx: &EvalCtx<'_>) -> EResult<Value> {
    let index = ctx.index;
    let arg = args.first().unwrap_or(&Value::Null);
    let type_error = |what: &str| {
        QueryError::new(
            ErrorClass::TypeError,
            format!("{name}() needs {what}, got {}", arg.type_name()),
        )
        .with_detail("InvalidArgumentValue")
    };
    Ok(match name {
        " properties_match" => {
            let props = match arg {
                Value::Node(id) => index.node(*id).map(|n| Cow::Owned(n.properties())),
                Value::Relationship(id) => index.relationship(*id).map(|r| Cow::Borrowed(r.properties)),
                _ => None,
            };
            Value::Bool(props.is_some_and(|p| properties_equal(&p, args.get(1).unwrap_or(&Value::Null))))
        }
        "labels" => match arg {
            Value::Node(id) => {
                let node = index.node(*id).ok_or_else(|| deleted(&arg.to_string()))?;
                Value::List(node.labels.iter().map(|l| Value::from(l.clone())).collect())
            }
            Value::Null => Value::Null,
            _ => return Err(type_error("a node")),
        },
        "type" => match arg {
            Value::Relationship(id) => match index.relationship(*id) {
                Some(r) => Value::from(r.rel_type.to_string()),
                None => index
                    .deleted_relationship_type(*id)
                    .map_or(Value::Null, |t| Value::from(t.to_string())),
            },
            Value::Null => Value::Null,
            _ => return Err(type_error("a relationship")),
        },
        "keys" | "properties" => {
            let props = match arg {
                Value::Node(id) => index.node(*id).map(|n| n.properties()),
                Value::Relationship(id) => index.relationship(*id).map(|r| r.properties.clone()),
                _ => return functions::call(name, args),
            };
            let props = props.unwrap_or_default();
            if name == "keys" {
                Value::List(props.keys().map(|k| Value::from(k.clone())).collect())
            } else {
                Value::Map(Box::new(props.into()))
            }
        }
        "startnode" | "endnode" => match arg {
            Value::Relationship(id) => index.relationship(*id).map_or(Value::Null, |r| {
                Value::Node(if name == "startnode" { r.start } else { r.end })
            }),
            Value::Null => Value::Null,
            _ => return Err(type_error("a relationship")),
        },
        "timeline" => Value::List(timeline(index).into_iter().map(Value::Node).collect()),
        "evidence" => {
            let id = match arg {
                Value::Node(id) => ElementId::Node(*id),
                Value::Relationship(id) => ElementId::Rel(*id),
                Value::Null => return Ok(Value::Null),
                _ => return Err(type_error("a node or relationship")),
            };
            let evidence = evidence_in(index, id).map_err(query_error)?;
            Value::List(evidence.into_iter().map(evidence_value).collect())
        }
        _ => functions::call(name, args)?,
    })
}

/// Every `Event` node in time order: by `date` where events have one, with
/// `BEFORE` links deciding between events of the same date and placing
/// undated events (an undated event follows its latest predecessor). A
/// topological order of the BEFORE links (Kahn's algorithm) whose ready
/// set is taken earliest-date first; if the links contradict the dates (or
/// form a cycle), the earliest remaining event is taken anyway, so every
/// event appears exactly once.
pub fn timeline(index: &GraphIndex) -> Vec<NodeId> {
    use std::collections::BTreeSet;
    let events: Vec<NodeId> = index.nodes_with_label("Event").collect();
    let date = |id: NodeId| match index.node(id).map(|n| n.property("date")) {
        Some(Value::Date(d)) => Some(d.days()),
        _ => None,
    };
    let mut waiting: HashMap<NodeId, usize> = HashMap::default();
    for &e in &events {
        let preds = index.relationships_of(e, Direction::Incoming, &["BEFORE"]);
        waiting.insert(
            e,
            preds
                .iter()
                .filter(|(_, p)| index.node(*p).is_some_and(|n| n.has_label("Event")))
                .count(),
        );
    }
    // Effective time: the event's date; for an undated event, the earliest
    // date among the events it must precede (transitively), else the
    // latest date of its predecessors once they are placed, else the end.
    let mut bound: HashMap<NodeId, Option<i64>> = HashMap::default();
    for &e in &events {
        successor_bound(index, e, &date, &mut bound, &mut HashSet::default());
    }
    let mut effective: HashMap<NodeId, i64> = events
        .iter()
        .map(|e| {
            (
                *e,
                date(*e)
                    .map(i64::from)
                    .or(bound.get(e).copied().flatten())
                    .unwrap_or(i64::MAX),
            )
        })
        .collect();
    let mut ready: BTreeSet<(i64, NodeId)> = events
        .iter()
        .filter(|e| waiting[*e] == 0)
        .map(|e| (effective[e], *e))
        .collect();
    let mut placed: HashSet<NodeId> = HashSet::default();
    let mut order = Vec::with_capacity(events.len());
    while order.len() < events.len() {
        let next = match ready.pop_first() {
            Some((_, e)) => e,
            // A cycle or contradiction: take the earliest event not yet placed.
            None => match events
                .iter()
                .filter(|e| !placed.contains(*e))
                .min_by_key(|e| (effective[*e], **e))
            {
                Some(e) => *e,
                None => break,
            },
        };
        if !placed.insert(next) {
            continue;
        }
        order.push(next);
        for (_, succ) in index.relationships_of(next, Direction::Outgoing, &["BEFORE"]) {
            let Some(left) = waiting.get_mut(&succ) else {
                continue;
            };
            *left = left.saturating_sub(1);
            if date(succ).is_none() && bound.get(&succ).copied().flatten().is_none() {
                let inherited = effective[&next];
                if let Some(e) = effective.get_mut(&succ) {
                    *e = if *e == i64::MAX {
                        inherited
                    } else {
                        (*e).max(inherited)
                    };
                }
            }
            if *left == 0 && !placed.contains(&succ) {
                ready.insert((effective[&succ], succ));
            }
        }
    }
    order
}

/// The earliest date among the events `e` must precede through BEFORE
/// links (memoised; `visiting` breaks cycles).
fn successor_bound(
    index: &GraphIndex,
    e: NodeId,
    date: &dyn Fn(NodeId) -> Option<i32>,
    memo: &mut HashMap<NodeId, Option<i64>>,
    visiting: &mut HashSet<NodeId>,
) -> Option<i64> {
    if let Some(known) = memo.get(&e) {
        return *known;
    }
    if !visiting.insert(e) {
        return None;
    }
    let mut best: Option<i64> = None;
    for (_, succ) in index.relationships_of(e, Direction::Outgoing, &["BEFORE"]) {
        let candidate = date(succ)
            .map(i64::from)
            .or_else(|| successor_bound(index, succ, date, memo, visiting));
        best = match (best, candidate) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    memo.insert(e, best);
    best
}

/// One piece of evidence as a map: `{source, document, sentence, text}`.
fn evidence_value(e: crate::db::Evidence) -> Value {
    let mut map = BTreeMap::new();
    map.insert("source".to_string(), Value::from(e.source.to_string()));
    match &e.source {
        crate::model::Source::Sentence { document, index, .. } => {
            map.insert("document".to_string(), Value::from(document.clone()));
            map.insert("sentence".to_string(), Value::Int((*index).into()));
        }
        crate::model::Source::External { note } => {
            map.insert("external".to_string(), Value::from(note.clone()));
        }
    }
    if let Some(title) = e.document {
        map.insert("title".to_string(), Value::from(title));
    }
    if let Some(text) = e.text {
        map.insert("text".to_string(), Value::from(text));
    }
    Value::Map(Box::new(map))
}

/// Resolves graph references into self-contained result values.
pub fn to_result(value: &Value, index: &GraphIndex) -> ResultValue {
    match value {
        Value::Node(id) => ResultValue::Node(node_value(*id, index)),
        Value::Relationship(id) => ResultValue::Relationship(rel_value(*id, index)),
        Value::Path(p) => ResultValue::Path {
            nodes: p.nodes.iter().map(|n| node_value(*n, index)).collect(),
            rels: p.rels.iter().map(|r| rel_value(*r, index)).collect(),
        },
        Value::List(items) => ResultValue::List(items.iter().map(|v| to_result(v, index)).collect()),
        Value::Map(m) => ResultValue::Map(m.iter().map(|(k, v)| (k.clone(), to_result(v, index))).collect()),
        other => ResultValue::from_plain(other),
    }
}

fn node_value(id: NodeId, index: &GraphIndex) -> NodeValue {
    match index.node(id) {
        Some(n) => NodeValue {
            id,
            labels: n.labels.to_vec(),
            properties: n.properties(),
        },
        None => NodeValue {
            id,
            labels: Vec::new(),
            properties: Properties::new(),
        },
    }
}

fn rel_value(id: RelId, index: &GraphIndex) -> RelValue {
    match index.relationship(id) {
        Some(r) => RelValue {
            id,
            rel_type: r.rel_type.to_string(),
            start: r.start,
            end: r.end,
            properties: r.properties.clone(),
        },
        None => RelValue {
            id,
            rel_type: String::new(),
            start: NodeId(0),
            end: NodeId(0),
            properties: Properties::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{SameHash, sorted_rows};
    use proptest::prelude::*;

    /// Keys that collide in their hash each keep their group, and each is
    /// found by its own key.
    #[test]
    fn groups_sharing_a_hash_are_all_kept_and_found() {
        let mut same = SameHash::One(3);
        assert_eq!(same.find(|g| g == 3), Some(3));
        assert_eq!(same.find(|g| g == 7), None);
        same.add(7);
        same.add(9);
        assert!(matches!(same, SameHash::Many(ref groups) if groups == &[3, 7, 9]));
        for group in [3, 7, 9] {
            assert_eq!(same.find(|g| g == group), Some(group));
        }
        assert_eq!(same.find(|g| g == 4), None);
    }

    proptest! {
        /// Selecting the first k and sorting them gives what a stable sort
        /// of all rows, cut to k, gives: ties stay in their order.
        #[test]
        fn sorted_rows_are_a_stable_sort_cut_short(
            keys in proptest::collection::vec(0u8..6, 0..60),
            wanted in proptest::option::of(0usize..70),
        ) {
            let mut expected: Vec<usize> = (0..keys.len()).collect();
            expected.sort_by_key(|row| keys[*row]);
            if let Some(wanted) = wanted {
                expected.truncate(wanted);
            }
            let got = sorted_rows(keys.len(), wanted, |a, b| keys[a].cmp(&keys[b]));
            prop_assert_eq!(got, expected);
        }
    }
}
