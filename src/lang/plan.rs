//! The planner: from the syntax tree to an executable plan.
//!
//! Planning resolves every variable to a slot in the row (reporting
//! undefined variables and type conflicts as openCypher's compile-time
//! errors), compiles expressions ([`CExpr`]), and turns each `MATCH` into a
//! sequence of [`Step`]s: it starts each pattern from its most selective node
//! (an already bound variable, then a unique-key seek, then the smallest
//! label) and pushes every `WHERE` conjunct down to the first step where all
//! its variables are bound. Calls `ast`, `functions`, the graph index (for
//! selectivity) and the model; knows nothing of execution.

use super::ast::*;
use super::functions;
use super::values::AggregateKind;
use crate::error::{ErrorClass, Position, QueryError, nearest};
use crate::graph::GraphIndex;
use crate::model::{Direction, Value};
use crate::schema::Schema;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

type PResult<T> = Result<T, QueryError>;

/// What kind of value a variable holds, as far as the planner knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Node,
    Rel,
    /// The list of relationships of a variable-length pattern.
    RelList,
    Path,
    /// A value known not to be a graph element (a literal, map,
    /// arithmetic result).
    Scalar,
    /// A list (which may hold relationships: a variable-length pattern may
    /// take it as its relationship list).
    List,
    Value,
}

impl VarKind {
    fn name(self) -> &'static str {
        match self {
            VarKind::Scalar => "a plain value",
            VarKind::List => "a list",
            VarKind::Node => "a node",
            VarKind::Rel => "a relationship",
            VarKind::RelList => "a list of relationships",
            VarKind::Path => "a path",
            VarKind::Value => "a value",
        }
    }
}

/// Variables in scope: name → slot, with kinds. Hidden variables (anonymous
/// pattern elements) have names starting with a space, which no query can
/// write.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    vars: Vec<(String, usize, VarKind)>,
    /// Number of slots a row of this scope has.
    pub width: usize,
}

impl Scope {
    fn lookup(&self, name: &str) -> Option<(usize, VarKind)> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, k)| (*s, *k))
    }

    fn declare(&mut self, name: &str, kind: VarKind) -> usize {
        let slot = self.width;
        self.width += 1;
        self.vars.push((name.to_string(), slot, kind));
        slot
    }

    fn hidden(&mut self, kind: VarKind) -> usize {
        let name = format!(" anon{}", self.width);
        self.declare(&name, kind)
    }

    /// Visible variables in the order they were declared.
    pub fn visible(&self) -> Vec<(String, usize)> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<(String, usize)> = Vec::new();
        for (name, slot, _) in self.vars.iter().rev() {
            if !name.starts_with(' ') && seen.insert(name.clone()) {
                out.push((name.clone(), *slot));
            }
        }
        out.reverse();
        out
    }

    fn names(&self) -> Vec<&str> {
        self.vars
            .iter()
            .filter(|(n, _, _)| !n.starts_with(' '))
            .map(|(n, _, _)| n.as_str())
            .collect()
    }
}

/// A compiled expression: variables are slots, functions are resolved.
#[derive(Clone, Debug)]
pub enum CExpr {
    Lit(Value),
    Param(String),
    Slot(usize),
    List(Vec<CExpr>),
    Map(Vec<(String, CExpr)>),
    Prop(Box<CExpr>, String),
    Index(Box<CExpr>, Box<CExpr>),
    Slice(Box<CExpr>, Option<Box<CExpr>>, Option<Box<CExpr>>),
    HasLabels(Box<CExpr>, Vec<String>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    Binary(BinaryOp, Box<CExpr>, Box<CExpr>),
    IsNull(Box<CExpr>, bool),
    /// A scalar function, by canonical lower-case name.
    Call(String, Vec<CExpr>),
    /// The result of aggregate number `n` of the enclosing projection.
    Aggregate(usize),
    Case {
        operand: Option<Box<CExpr>>,
        whens: Vec<(CExpr, CExpr)>,
        else_: Option<Box<CExpr>>,
    },
    ListComprehension {
        slot: usize,
        list: Box<CExpr>,
        filter: Option<Box<CExpr>>,
        map: Option<Box<CExpr>>,
    },
    Quantifier {
        kind: Quantifier,
        slot: usize,
        list: Box<CExpr>,
        predicate: Box<CExpr>,
    },
    /// True when the pattern has at least one match for the current row.
    Exists(Box<MatchPlan>),
    /// A list of `map` over the pattern's matches.
    PatternComprehension {
        plan: Box<MatchPlan>,
        filter: Option<Box<CExpr>>,
        map: Box<CExpr>,
    },
}

impl CExpr {
    /// Slots the expression reads (for pushing filters down).
    pub(crate) fn slots(&self, out: &mut BTreeSet<usize>) {
        match self {
            CExpr::Slot(s) => {
                out.insert(*s);
            }
            CExpr::Lit(_) | CExpr::Param(_) | CExpr::Aggregate(_) => {}
            CExpr::List(items) | CExpr::Call(_, items) => items.iter().for_each(|e| e.slots(out)),
            CExpr::Map(entries) => entries.iter().for_each(|(_, e)| e.slots(out)),
            CExpr::Prop(e, _)
            | CExpr::HasLabels(e, _)
            | CExpr::Not(e)
            | CExpr::Neg(e)
            | CExpr::IsNull(e, _) => e.slots(out),
            CExpr::Index(a, b) | CExpr::Binary(_, a, b) => {
                a.slots(out);
                b.slots(out);
            }
            CExpr::Slice(a, b, c) => {
                a.slots(out);
                b.iter().chain(c.iter()).for_each(|e| e.slots(out));
            }
            CExpr::Case {
                operand,
                whens,
                else_,
            } => {
                operand.iter().chain(else_.iter()).for_each(|e| e.slots(out));
                whens.iter().for_each(|(w, t)| {
                    w.slots(out);
                    t.slots(out);
                });
            }
            CExpr::ListComprehension {
                list, filter, map, ..
            } => {
                list.slots(out);
                filter.iter().chain(map.iter()).for_each(|e| e.slots(out));
            }
            CExpr::Quantifier { list, predicate, .. } => {
                list.slots(out);
                predicate.slots(out);
            }
            CExpr::Exists(plan) => out.extend(plan.reads.iter().copied()),
            CExpr::PatternComprehension { plan, filter, map } => {
                out.extend(plan.reads.iter().copied());
                filter.iter().for_each(|e| e.slots(out));
                map.slots(out);
            }
        }
    }
}

/// How a step finds the nodes a pattern starts from.
#[derive(Clone, Debug)]
pub enum NodeSource {
    /// Every node.
    All,
    /// Nodes with a label.
    Label(String),
    /// Nodes with `label` whose unique `property` equals a value.
    Unique {
        label: String,
        property: String,
        value: CExpr,
    },
}

/// Constraints on a node pattern beyond how it was found.
#[derive(Clone, Debug, Default)]
pub struct NodeCheck {
    pub labels: Vec<String>,
    pub properties: Option<CExpr>,
}

/// One step of a match.
#[derive(Clone, Debug)]
pub enum Step {
    /// Binds `slot` to each node from `source` passing `check`.
    Nodes {
        slot: usize,
        source: NodeSource,
        check: NodeCheck,
    },
    /// From the node in `from`, follows one relationship into `rel`,
    /// reaching the node in `to` (bound or to be bound).
    Expand {
        from: usize,
        rel: usize,
        rel_bound: bool,
        to: usize,
        to_bound: bool,
        direction: Direction,
        types: Vec<String>,
        rel_properties: Option<CExpr>,
        check: NodeCheck,
    },
    /// Variable-length expansion: binds `rels` to the list of relationships.
    VarExpand {
        from: usize,
        rels: usize,
        rels_bound: bool,
        to: usize,
        to_bound: bool,
        direction: Direction,
        types: Vec<String>,
        min: u64,
        max: Option<u64>,
        rel_properties: Option<CExpr>,
        check: NodeCheck,
        /// True when the step walks the pattern right to left: the list is
        /// then built backwards and must be reversed to read in pattern order.
        reversed: bool,
    },
    /// Shortest path(s) between two bound nodes into `path`.
    Shortest {
        from: usize,
        to: usize,
        path: usize,
        rels: Option<usize>,
        direction: Direction,
        types: Vec<String>,
        min: u64,
        max: Option<u64>,
        all: bool,
    },
    /// Builds the named path `slot` from pattern elements.
    BuildPath {
        slot: usize,
        start: usize,
        segments: Vec<PathSegment>,
    },
}

/// One hop of a named path, for [`Step::BuildPath`].
#[derive(Clone, Debug)]
pub enum PathSegment {
    /// A single relationship in a slot, then the node it reaches.
    Rel { rel: usize, node: usize },
    /// A list of relationships in a slot, then the node it reaches.
    RelList { rels: usize, node: usize },
}

/// A compiled `MATCH` (or pattern predicate): steps, with filters attached
/// after the step that binds their last variable.
#[derive(Clone, Debug, Default)]
pub struct MatchPlan {
    pub steps: Vec<Step>,
    /// `filters[i]` run after step `i - 1` (`filters[0]` before any step).
    pub filters: Vec<Vec<CExpr>>,
    /// Where each filter was written, parallel to `filters`: the `WHERE`
    /// conjunct it comes from (None for a pattern's own constraints), for
    /// errors raised while it runs.
    pub filter_at: Vec<Vec<Option<Position>>>,
    /// Relationship slots (single and lists) bound by this match: no two may
    /// hold the same relationship.
    pub rel_slots: Vec<usize>,
    /// Slots this match binds (set to null by OPTIONAL MATCH on no match).
    pub binds: Vec<usize>,
    /// Slots bound before the match that it reads.
    pub reads: BTreeSet<usize>,
    /// Row width the match needs.
    pub width: usize,
}

/// An item of a projection.
#[derive(Clone, Debug)]
pub struct ProjectItem {
    pub name: String,
    pub expr: CExpr,
    /// Where the item was written (the clause, for the items of `*`).
    pub at: Position,
    /// True when the expression contains an aggregate.
    pub aggregating: bool,
}

/// A compiled `WITH` / `RETURN`.
#[derive(Clone, Debug)]
pub struct Projection {
    pub items: Vec<ProjectItem>,
    /// The aggregates: kind, DISTINCT, argument, and where the call was written.
    pub aggregates: Vec<(AggregateKind, bool, Option<CExpr>, Position)>,
    pub distinct: bool,
    /// Sort keys over the extended row: input slots, then output slots at
    /// `input_width + i` (`where_` reads the same row).
    pub order: Vec<(CExpr, bool)>,
    pub skip: Option<CExpr>,
    pub limit: Option<CExpr>,
    pub where_: Option<CExpr>,
    pub input_width: usize,
    /// Where the sort keys, `WHERE`, `SKIP` and `LIMIT` were written
    /// (`order_at` parallel to `order`), for errors raised while they run.
    pub order_at: Vec<Position>,
    pub where_at: Option<Position>,
    pub skip_at: Option<Position>,
    pub limit_at: Option<Position>,
}

/// A node to create (`CREATE`/`MERGE`).
#[derive(Clone, Debug)]
pub struct CreateNode {
    pub slot: usize,
    /// False when the variable was bound before (then nothing is created).
    pub create: bool,
    pub labels: Vec<String>,
    pub properties: Option<CExpr>,
}

/// A relationship to create.
#[derive(Clone, Debug)]
pub struct CreateRel {
    pub slot: usize,
    pub rel_type: String,
    pub from: usize,
    pub to: usize,
    pub properties: Option<CExpr>,
}

/// One pattern of `CREATE`.
#[derive(Clone, Debug)]
pub struct CreatePattern {
    pub nodes: Vec<CreateNode>,
    pub rels: Vec<CreateRel>,
    pub path: Option<(usize, usize, Vec<PathSegment>)>,
    /// Where the pattern was written.
    pub at: Position,
}

/// A compiled `SET` item.
#[derive(Clone, Debug)]
pub enum SetOp {
    Property {
        target: CExpr,
        key: String,
        value: CExpr,
    },
    Replace {
        slot: usize,
        value: CExpr,
    },
    Merge {
        slot: usize,
        value: CExpr,
    },
    Labels {
        slot: usize,
        labels: Vec<String>,
    },
}

/// A compiled `REMOVE` item.
#[derive(Clone, Debug)]
pub enum RemoveOp {
    Property { target: CExpr, key: String },
    Labels { slot: usize, labels: Vec<String> },
}

/// One operator of a single query's pipeline.
#[derive(Clone, Debug)]
pub enum Op {
    Match {
        plan: MatchPlan,
        optional: bool,
    },
    Unwind {
        expr: CExpr,
        slot: usize,
        /// Where the expression was written.
        at: Position,
    },
    Project(Box<Projection>),
    Create(Vec<CreatePattern>),
    Merge {
        plan: MatchPlan,
        create: CreatePattern,
        on_create: Vec<(SetOp, Position)>,
        on_match: Vec<(SetOp, Position)>,
    },
    /// Each item with where it was written.
    Set(Vec<(SetOp, Position)>),
    Remove(Vec<(RemoveOp, Position)>),
    Delete {
        detach: bool,
        exprs: Vec<(CExpr, Position)>,
    },
}

impl Op {
    /// The operator's name in `EXPLAIN`.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Match { optional: true, .. } => "OptionalMatch",
            Op::Match { .. } => "Match",
            Op::Unwind { .. } => "Unwind",
            Op::Project(p) if !p.aggregates.is_empty() => "Aggregate",
            Op::Project(_) => "Project",
            Op::Create(_) => "Create",
            Op::Merge { .. } => "Merge",
            Op::Set(_) => "Set",
            Op::Remove(_) => "Remove",
            Op::Delete { .. } => "Delete",
        }
    }
}

/// A single query's pipeline.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub ops: Vec<Op>,
    /// Where each operator's clause starts (parallel to `ops`): errors
    /// raised while an operator runs point there unless they know a more
    /// precise place.
    pub at: Vec<Position>,
    /// The columns it returns (empty without `RETURN`).
    pub columns: Vec<String>,
}

/// A whole compiled query.
#[derive(Clone, Debug)]
pub struct Plan {
    pub parts: Vec<Pipeline>,
    /// `UNION ALL` keeps duplicates; `UNION` removes them.
    pub union_all: bool,
    pub columns: Vec<String>,
    /// Notices that did not stop the query (an unknown label in an open
    /// store, with the nearest known one).
    pub warnings: Vec<String>,
}

/// Plans a query against the graph it will run on (for selectivity).
pub fn plan_query(query: &Query, text: &str, graph: &GraphIndex, schema: Option<&Schema>) -> PResult<Plan> {
    let mut parts = Vec::new();
    let mut warnings = Vec::new();
    let written = written_names(query);
    let lines = crate::error::LineIndex::new(text);
    for part in &query.parts {
        let planner = Planner {
            text,
            lines: &lines,
            graph,
            schema,
            written: &written,
            predicate: Cell::new(false),
            substitutions: RefCell::new(Vec::new()),
            warnings: RefCell::new(Vec::new()),
        };
        parts.push(planner.single(part)?);
        warnings.extend(planner.warnings.take());
    }
    let columns = parts.first().map(|p| p.columns.clone()).unwrap_or_default();
    for (part, written) in parts.iter().zip(&query.parts).skip(1) {
        if part.columns != columns {
            let at = written.span.position(text);
            return Err(syntax(
                "DifferentColumnsInUnion",
                format!(
                    "all parts of a UNION must return the same columns: {:?} and {:?}",
                    columns, part.columns
                ),
            )
            .at(at));
        }
    }
    Ok(Plan {
        parts,
        union_all: query.union_all.first().copied().unwrap_or(false),
        columns,
        warnings,
    })
}

fn syntax(detail: &str, message: String) -> QueryError {
    QueryError::new(ErrorClass::SyntaxError, message).with_detail(detail)
}

/// The labels and relationship types a statement's `CREATE`, `MERGE` and
/// `SET` clauses write.
fn written_names(query: &Query) -> HashSet<&str> {
    fn from_pattern<'q>(pattern: &'q Pattern, names: &mut HashSet<&'q str>) {
        for node in pattern.nodes() {
            names.extend(node.labels.iter().map(|l| l.name.as_str()));
        }
        for (rel, _) in &pattern.steps {
            names.extend(rel.types.iter().map(|t| t.name.as_str()));
        }
    }
    fn from_items<'q>(items: &'q [SetItem], names: &mut HashSet<&'q str>) {
        for item in items {
            if let SetItem::Labels { labels, .. } = item {
                names.extend(labels.iter().map(|l| l.name.as_str()));
            }
        }
    }
    let mut names = HashSet::new();
    for clause in query.parts.iter().flat_map(|p| &p.clauses) {
        match &clause.kind {
            ClauseKind::Create { patterns } => {
                for pattern in patterns {
                    from_pattern(pattern, &mut names);
                }
            }
            ClauseKind::Merge {
                pattern,
                on_create,
                on_match,
            } => {
                from_pattern(pattern, &mut names);
                from_items(on_create, &mut names);
                from_items(on_match, &mut names);
            }
            ClauseKind::Set { items } => from_items(items, &mut names),
            _ => {}
        }
    }
    names
}

struct Planner<'a> {
    text: &'a str,
    /// Line starts of `text`, for positions.
    lines: &'a crate::error::LineIndex,
    graph: &'a GraphIndex,
    /// In a typed store, names the schema does not know are mistakes worth
    /// reporting (with a suggestion) rather than patterns that match nothing.
    schema: Option<&'a Schema>,
    /// Labels and relationship types the statement itself creates, merges
    /// or sets: not worth a "not in the graph" warning on an open store.
    written: &'a HashSet<&'a str>,
    /// True while compiling an expression in predicate position (a WHERE
    /// root or an operand of AND/OR/XOR/NOT there): the only place a bare
    /// pattern may stand.
    predicate: Cell<bool>,
    /// While compiling ORDER BY / WHERE after DISTINCT or aggregation:
    /// projected expressions by their text, with their output slot.
    substitutions: RefCell<Vec<(String, usize)>>,
    /// Notices for the user that do not stop the query.
    warnings: RefCell<Vec<String>>,
}

/// Where aggregates may appear while compiling an expression.
enum AggContext<'p> {
    Forbidden(&'static str),
    Collect(&'p mut Vec<(AggregateKind, bool, Option<CExpr>, Position)>),
}

impl Planner<'_> {
    /// Line and column of a span's start.
    fn pos(&self, span: Span) -> Position {
        self.lines.position(self.text, span.start)
    }

    fn at(&self, e: QueryError, span: Span) -> QueryError {
        e.at(self.pos(span))
    }

    fn single(&self, query: &SingleQuery) -> PResult<Pipeline> {
        let mut scope = Scope::default();
        let mut ops = Vec::new();
        let mut at = Vec::new();
        let mut columns = Vec::new();
        for clause in &query.clauses {
            let op = self.clause(clause, &mut scope, &mut columns).map_err(|e| {
                if e.position.is_none() {
                    self.at(e, clause.span)
                } else {
                    e
                }
            })?;
            ops.push(op);
            at.push(self.pos(clause.span));
        }
        Ok(Pipeline { ops, at, columns })
    }

    fn clause(&self, clause: &Clause, scope: &mut Scope, columns: &mut Vec<String>) -> PResult<Op> {
        match &clause.kind {
            ClauseKind::Match {
                optional,
                patterns,
                where_,
            } => {
                let plan = self.match_plan(patterns, where_.as_ref(), scope)?;
                Ok(Op::Match {
                    plan,
                    optional: *optional,
                })
            }
            ClauseKind::Unwind { expr, var } => {
                let expr_ast = expr;
                let expr = self.expr(expr, scope, &mut AggContext::Forbidden("UNWIND"))?;
                if scope.lookup(&var.name).is_some() {
                    return Err(self.at(already_bound(&var.name), var.span));
                }
                let slot = scope.declare(&var.name, VarKind::Value);
                let at = self.pos(expr_ast.span);
                Ok(Op::Unwind { expr, slot, at })
            }
            ClauseKind::With(p) => {
                let (projection, new_scope, _) = self.projection(p, scope, false, self.pos(clause.span))?;
                *scope = new_scope;
                Ok(Op::Project(Box::new(projection)))
            }
            ClauseKind::Return(p) => {
                let (projection, new_scope, names) =
                    self.projection(p, scope, true, self.pos(clause.span))?;
                *scope = new_scope;
                *columns = names;
                Ok(Op::Project(Box::new(projection)))
            }
            ClauseKind::Create { patterns } => {
                let mut out = Vec::new();
                for pattern in patterns {
                    out.push(self.create_pattern(pattern, scope, true)?);
                }
                Ok(Op::Create(out))
            }
            ClauseKind::Merge {
                pattern,
                on_create,
                on_match,
            } => {
                let before = scope.clone();
                let plan = self.match_plan(std::slice::from_ref(pattern), None, scope)?;
                // The create side binds the same slots as the match side.
                let mut create_scope = before;
                let create = self.create_pattern(pattern, &mut create_scope, false)?;
                let on_create = self.set_items(on_create, scope)?;
                let on_match = self.set_items(on_match, scope)?;
                Ok(Op::Merge {
                    plan,
                    create,
                    on_create,
                    on_match,
                })
            }
            ClauseKind::Set { items } => Ok(Op::Set(self.set_items(items, scope)?)),
            ClauseKind::Remove { items } => {
                let mut ops = Vec::new();
                for item in items {
                    let at = match item {
                        RemoveItem::Property { target, .. } => target.span,
                        RemoveItem::Labels { var, .. } => var.span,
                    };
                    let at = self.pos(at);
                    let op = match item {
                        RemoveItem::Property { target, key } => RemoveOp::Property {
                            target: self.expr(target, scope, &mut AggContext::Forbidden("REMOVE"))?,
                            key: key.name.clone(),
                        },
                        RemoveItem::Labels { var, labels } => RemoveOp::Labels {
                            slot: self.variable(var, scope)?.0,
                            labels: labels.iter().map(|l| l.name.clone()).collect(),
                        },
                    };
                    ops.push((op, at));
                }
                Ok(Op::Remove(ops))
            }
            ClauseKind::Delete { detach, exprs } => {
                let mut compiled = Vec::new();
                for e in exprs {
                    if matches!(
                        e.kind,
                        ExprKind::Literal(_)
                            | ExprKind::Binary { .. }
                            | ExprKind::List(_)
                            | ExprKind::HasLabels { .. }
                    ) {
                        return Err(self.at(
                            syntax(
                                "InvalidDelete",
                                "DELETE takes nodes, relationships or paths".into(),
                            ),
                            e.span,
                        ));
                    }
                    let expr = self.expr(e, scope, &mut AggContext::Forbidden("DELETE"))?;
                    compiled.push((expr, self.pos(e.span)));
                }
                Ok(Op::Delete {
                    detach: *detach,
                    exprs: compiled,
                })
            }
        }
    }

    fn set_items(&self, items: &[SetItem], scope: &mut Scope) -> PResult<Vec<(SetOp, Position)>> {
        let mut ops = Vec::new();
        for item in items {
            let mut no_agg = AggContext::Forbidden("SET");
            let at = match item {
                SetItem::Property { target, .. } => target.span,
                SetItem::Replace { var, .. } | SetItem::Merge { var, .. } | SetItem::Labels { var, .. } => {
                    var.span
                }
            };
            let at = self.pos(at);
            let op = match item {
                SetItem::Property { target, key, value } => SetOp::Property {
                    target: self.expr(target, scope, &mut no_agg)?,
                    key: key.name.clone(),
                    value: self.expr(value, scope, &mut no_agg)?,
                },
                SetItem::Replace { var, value } => SetOp::Replace {
                    slot: self.variable(var, scope)?.0,
                    value: self.expr(value, scope, &mut no_agg)?,
                },
                SetItem::Merge { var, value } => SetOp::Merge {
                    slot: self.variable(var, scope)?.0,
                    value: self.expr(value, scope, &mut no_agg)?,
                },
                SetItem::Labels { var, labels } => SetOp::Labels {
                    slot: self.variable(var, scope)?.0,
                    labels: labels.iter().map(|l| l.name.clone()).collect(),
                },
            };
            ops.push((op, at));
        }
        Ok(ops)
    }

    fn variable(&self, var: &Ident, scope: &Scope) -> PResult<(usize, VarKind)> {
        scope
            .lookup(&var.name)
            .ok_or_else(|| self.at(undefined(&var.name, scope), var.span))
    }

    // ----- patterns -----

    /// Declares (or checks) a pattern variable of `kind`; returns its slot
    /// and whether it was bound before.
    fn bind(
        &self,
        var: Option<&Ident>,
        kind: VarKind,
        scope: &mut Scope,
        fresh: &mut Vec<usize>,
    ) -> PResult<(usize, bool)> {
        let Some(var) = var else {
            let slot = scope.hidden(kind);
            fresh.push(slot);
            return Ok((slot, false));
        };
        match scope.lookup(&var.name) {
            Some((slot, existing)) => {
                let compatible = existing == kind
                    || existing == VarKind::Value && kind != VarKind::Path
                    || existing == VarKind::List && kind == VarKind::RelList;
                if !compatible {
                    let message = format!(
                        "variable `{}` is {}, it cannot also be {}",
                        var.name,
                        existing.name(),
                        kind.name()
                    );
                    return Err(self.at(syntax("VariableTypeConflict", message), var.span));
                }
                Ok((slot, !fresh.contains(&slot) || kind == VarKind::Node))
            }
            None => {
                let slot = scope.declare(&var.name, kind);
                fresh.push(slot);
                Ok((slot, false))
            }
        }
    }

    fn match_plan(
        &self,
        patterns: &[Pattern],
        where_: Option<&Expr>,
        scope: &mut Scope,
    ) -> PResult<MatchPlan> {
        let bound_before: BTreeSet<usize> = (0..scope.width).collect();
        let mut plan = MatchPlan::default();
        let mut fresh: Vec<usize> = Vec::new();
        let mut bound: BTreeSet<usize> = bound_before.clone();
        // Conjuncts of WHERE are compiled after the pattern variables are
        // declared; unique seeks may use them first.
        let mut steps: Vec<Step> = Vec::new();
        let mut rel_names_seen: Vec<String> = Vec::new();
        for pattern in patterns {
            for rel in pattern.rels() {
                if let Some(v) = &rel.var {
                    if rel_names_seen.contains(&v.name) {
                        let message =
                            format!("relationship variable `{}` is used twice in one pattern", v.name);
                        return Err(self.at(syntax("RelationshipUniquenessViolation", message), v.span));
                    }
                    rel_names_seen.push(v.name.clone());
                }
            }
        }
        // Declare every variable first so WHERE can be compiled.
        let mut declared = Vec::new();
        for pattern in patterns {
            declared.push(self.declare_pattern(pattern, scope, &mut fresh, &mut plan.rel_slots)?);
        }
        let (conjuncts, conjunct_at) = match where_ {
            Some(w) => {
                self.predicate.set(true);
                let compiled = self.expr(w, scope, &mut AggContext::Forbidden("WHERE"))?;
                let conjuncts = split_and(compiled);
                // Each conjunct's position, when the written conjuncts
                // line up with the compiled ones (else the whole WHERE's).
                let mut written = Vec::new();
                split_and_written(w, &mut written);
                let at: Vec<Position> = if written.len() == conjuncts.len() {
                    written.iter().map(|e| self.pos(e.span)).collect()
                } else {
                    vec![self.pos(w.span); conjuncts.len()]
                };
                (conjuncts, at)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut conjuncts: Vec<Option<CExpr>> = conjuncts.into_iter().map(Some).collect();
        for (pattern, slots) in patterns.iter().zip(&declared) {
            self.pattern_steps(pattern, slots, scope, &mut bound, &mut steps, &conjuncts)?;
        }
        // Attach filters.
        plan.filters = vec![Vec::new(); steps.len() + 1];
        plan.filter_at = vec![Vec::new(); steps.len() + 1];
        let mut bound_at: Vec<BTreeSet<usize>> = Vec::new();
        let mut running = bound_before.clone();
        bound_at.push(running.clone());
        for step in &steps {
            step_binds(step, &mut running);
            bound_at.push(running.clone());
        }
        let attach = |e: CExpr, written: Option<Position>, plan: &mut MatchPlan| {
            let mut used = BTreeSet::new();
            e.slots(&mut used);
            let at = bound_at
                .iter()
                .position(|b| used.is_subset(b))
                .unwrap_or(steps.len());
            plan.filters[at].push(e);
            plan.filter_at[at].push(written);
        };
        for slots in &declared {
            for (slot, check) in &slots.node_checks {
                // Node constraints on already-bound variables become filters.
                if bound_before.contains(slot) {
                    if !check.labels.is_empty() {
                        attach(
                            CExpr::HasLabels(Box::new(CExpr::Slot(*slot)), check.labels.clone()),
                            None,
                            &mut plan,
                        );
                    }
                    if let Some(p) = &check.properties {
                        attach(properties_match(*slot, p.clone()), None, &mut plan);
                    }
                }
            }
        }
        for (c, at) in conjuncts.iter_mut().zip(conjunct_at) {
            if let Some(e) = c.take() {
                attach(e, Some(at), &mut plan);
            }
        }
        let mut reads = BTreeSet::new();
        for step in &steps {
            step_reads(step, &mut reads);
        }
        for f in plan.filters.iter().flatten() {
            f.slots(&mut reads);
        }
        plan.reads = reads.intersection(&bound_before).copied().collect();
        plan.binds = fresh;
        plan.steps = steps;
        plan.width = scope.width;
        Ok(plan)
    }

    fn declare_pattern(
        &self,
        pattern: &Pattern,
        scope: &mut Scope,
        fresh: &mut Vec<usize>,
        rel_slots: &mut Vec<usize>,
    ) -> PResult<PatternSlots> {
        let mut slots = PatternSlots::default();
        let parameter_maps = pattern
            .nodes()
            .map(|n| n.properties.as_ref())
            .chain(pattern.rels().map(|r| r.properties.as_ref()))
            .flatten()
            .find(|p| matches!(p.kind, ExprKind::Parameter(_)));
        if let Some(p) = parameter_maps {
            let message = "a parameter cannot stand for the whole property map of a pattern to match; write {key: $param}".to_string();
            return Err(self.at(syntax("InvalidParameterUse", message), p.span));
        }
        for label in pattern.nodes().flat_map(|n| &n.labels) {
            self.check_known_label(label)?;
        }
        for rel_type in pattern.rels().flat_map(|r| &r.types) {
            self.check_known_type(rel_type)?;
        }
        for node in pattern.nodes() {
            let (slot, _) = self.bind(node.var.as_ref(), VarKind::Node, scope, fresh)?;
            let check = NodeCheck {
                labels: node.labels.iter().map(|l| l.name.clone()).collect(),
                properties: match &node.properties {
                    Some(p) => Some(self.expr(p, scope, &mut AggContext::Forbidden("a pattern"))?),
                    None => None,
                },
            };
            slots.nodes.push(slot);
            slots.node_checks.push((slot, check));
        }
        for rel in pattern.rels() {
            let kind = if rel.length.is_some() {
                VarKind::RelList
            } else {
                VarKind::Rel
            };
            if pattern.kind != PatternKind::Plain && rel.var.is_none() {
                slots.rels.push(scope.hidden(kind));
                continue;
            }
            let (slot, was_bound) = self.bind(rel.var.as_ref(), kind, scope, fresh)?;
            slots.rels.push(slot);
            slots.rel_bound.push(was_bound);
            rel_slots.push(slot);
        }
        if let Some(p) = &pattern.path_var {
            if scope.lookup(&p.name).is_some() {
                return Err(self.at(already_bound(&p.name), p.span));
            }
            let slot = scope.declare(&p.name, VarKind::Path);
            fresh.push(slot);
            slots.path = Some(slot);
        }
        Ok(slots)
    }

    fn rel_props(&self, rel: &RelPattern, scope: &Scope) -> PResult<Option<CExpr>> {
        match &rel.properties {
            Some(p) => Ok(Some(self.expr(
                p,
                scope,
                &mut AggContext::Forbidden("a pattern"),
            )?)),
            None => Ok(None),
        }
    }

    fn pattern_steps(
        &self,
        pattern: &Pattern,
        slots: &PatternSlots,
        scope: &Scope,
        bound: &mut BTreeSet<usize>,
        steps: &mut Vec<Step>,
        conjuncts: &[Option<CExpr>],
    ) -> PResult<()> {
        let checks: Vec<&NodeCheck> = slots.node_checks.iter().map(|(_, c)| c).collect();
        if pattern.kind != PatternKind::Plain {
            let (rel, _) = &pattern.steps[0];
            let from = slots.nodes[0];
            let to = slots.nodes[1];
            for (i, slot) in [from, to].into_iter().enumerate() {
                if !bound.contains(&slot) {
                    let source = self.node_source(slot, checks[i], conjuncts, bound);
                    steps.push(Step::Nodes {
                        slot,
                        source,
                        check: checks[i].clone(),
                    });
                    bound.insert(slot);
                }
            }
            let (min, max) = var_bounds(rel.length);
            let path = match slots.path {
                Some(p) => p,
                None => slots.rels[0], // reuse the hidden slot when no path variable
            };
            steps.push(Step::Shortest {
                from,
                to,
                path,
                rels: rel.var.as_ref().map(|_| slots.rels[0]),
                direction: rel.direction,
                types: rel.types.iter().map(|t| t.name.clone()).collect(),
                min,
                max,
                all: pattern.kind == PatternKind::AllShortest,
            });
            bound.insert(path);
            bound.insert(slots.rels[0]);
            return Ok(());
        }
        // Choose the anchor: a bound node, else the most selective.
        let anchor = (0..slots.nodes.len())
            .find(|i| bound.contains(&slots.nodes[*i]))
            .unwrap_or_else(|| self.most_selective(&slots.nodes, &checks, conjuncts, bound));
        let anchor_slot = slots.nodes[anchor];
        if !bound.contains(&anchor_slot) {
            let source = self.node_source(anchor_slot, checks[anchor], conjuncts, bound);
            steps.push(Step::Nodes {
                slot: anchor_slot,
                source,
                check: checks[anchor].clone(),
            });
            bound.insert(anchor_slot);
        }
        let rels: Vec<&RelPattern> = pattern.rels().collect();
        // Rightwards from the anchor, then leftwards.
        let order: Vec<(usize, bool)> = (anchor..rels.len())
            .map(|i| (i, true))
            .chain((0..anchor).rev().map(|i| (i, false)))
            .collect();
        for (i, rightwards) in order {
            let rel = rels[i];
            let (from_i, to_i) = if rightwards { (i, i + 1) } else { (i + 1, i) };
            let direction = if rightwards {
                rel.direction
            } else {
                reverse(rel.direction)
            };
            let to = slots.nodes[to_i];
            let to_bound = bound.contains(&to);
            let rel_slot = slots.rels[i];
            let rel_bound = bound.contains(&rel_slot);
            let types = rel.types.iter().map(|t| t.name.clone()).collect();
            let rel_properties = self.rel_props(rel, scope)?;
            let check = if to_bound {
                NodeCheck::default()
            } else {
                checks[to_i].clone()
            };
            let step = match rel.length {
                None => Step::Expand {
                    from: slots.nodes[from_i],
                    rel: rel_slot,
                    rel_bound,
                    to,
                    to_bound,
                    direction,
                    types,
                    rel_properties,
                    check,
                },
                Some(length) => {
                    let (min, max) = var_bounds(Some(length));
                    Step::VarExpand {
                        from: slots.nodes[from_i],
                        rels: rel_slot,
                        rels_bound: rel_bound,
                        to,
                        to_bound,
                        direction,
                        types,
                        min,
                        max,
                        rel_properties,
                        check,
                        reversed: !rightwards,
                    }
                }
            };
            steps.push(step);
            bound.insert(to);
            bound.insert(rel_slot);
        }
        if let Some(path) = slots.path {
            let segments = rels
                .iter()
                .enumerate()
                .map(|(i, r)| match r.length {
                    None => PathSegment::Rel {
                        rel: slots.rels[i],
                        node: slots.nodes[i + 1],
                    },
                    Some(_) => PathSegment::RelList {
                        rels: slots.rels[i],
                        node: slots.nodes[i + 1],
                    },
                })
                .collect();
            steps.push(Step::BuildPath {
                slot: path,
                start: slots.nodes[0],
                segments,
            });
            bound.insert(path);
        }
        Ok(())
    }

    /// Index of the node pattern to start from: one with a unique-key seek,
    /// else the one whose label has the fewest nodes.
    fn most_selective(
        &self,
        nodes: &[usize],
        checks: &[&NodeCheck],
        conjuncts: &[Option<CExpr>],
        bound: &BTreeSet<usize>,
    ) -> usize {
        let cost = |i: usize| -> usize {
            match self.node_source(nodes[i], checks[i], conjuncts, bound) {
                NodeSource::Unique { .. } => 1,
                NodeSource::Label(l) => 2 + self.graph.label_count(&l),
                _ => usize::MAX,
            }
        };
        (0..nodes.len()).min_by_key(|i| cost(*i)).unwrap_or(0)
    }

    fn node_source(
        &self,
        slot: usize,
        check: &NodeCheck,
        conjuncts: &[Option<CExpr>],
        bound: &BTreeSet<usize>,
    ) -> NodeSource {
        // Equalities from the inline map, then from WHERE.
        let mut equalities: Vec<(String, CExpr)> = Vec::new();
        if let Some(CExpr::Map(entries)) = &check.properties {
            for (k, v) in entries {
                if uses_only(v, bound) {
                    equalities.push((k.clone(), v.clone()));
                }
            }
        }
        for c in conjuncts.iter().flatten() {
            if let CExpr::Binary(BinaryOp::Eq, a, b) = c {
                for (side, other) in [(a, b), (b, a)] {
                    if let CExpr::Prop(target, key) = side.as_ref()
                        && matches!(target.as_ref(), CExpr::Slot(s) if *s == slot)
                        && uses_only(other, bound)
                    {
                        equalities.push((key.clone(), other.as_ref().clone()));
                    }
                }
            }
        }
        for label in &check.labels {
            for (key, value) in &equalities {
                if self.graph.has_unique_index(label, key) {
                    return NodeSource::Unique {
                        label: label.clone(),
                        property: key.clone(),
                        value: value.clone(),
                    };
                }
            }
        }
        match check.labels.iter().min_by_key(|l| self.graph.label_count(l)) {
            Some(l) => NodeSource::Label(l.clone()),
            None => NodeSource::All,
        }
    }

    fn create_pattern(&self, pattern: &Pattern, scope: &mut Scope, strict: bool) -> PResult<CreatePattern> {
        let mut nodes = Vec::new();
        let mut node_slots = Vec::new();
        for node in pattern.nodes() {
            let props = match &node.properties {
                Some(p) => Some(self.expr(p, scope, &mut AggContext::Forbidden("CREATE"))?),
                None => None,
            };
            let labels: Vec<String> = node.labels.iter().map(|l| l.name.clone()).collect();
            let existing = node
                .var
                .as_ref()
                .and_then(|v| scope.lookup(&v.name).map(|b| (v, b)));
            let (slot, create) = match existing {
                Some((var, (slot, kind))) => {
                    if kind != VarKind::Node && kind != VarKind::Value {
                        let message = format!("variable `{}` is {}, not a node", var.name, kind.name());
                        return Err(self.at(syntax("VariableTypeConflict", message), var.span));
                    }
                    let lonely = pattern.steps.is_empty();
                    if lonely || !labels.is_empty() || props.is_some() {
                        return Err(self.at(already_bound(&var.name), var.span));
                    }
                    (slot, false)
                }
                None if node_slots
                    .iter()
                    .any(|(n, _): &(String, usize)| Some(n) == node.var.as_ref().map(|v| &v.name)) =>
                {
                    let var = node.var.as_ref().map(|v| v.name.clone()).unwrap_or_default();
                    let slot = node_slots
                        .iter()
                        .find(|(n, _)| *n == var)
                        .map(|(_, s)| *s)
                        .unwrap_or(0);
                    (slot, false)
                }
                None => {
                    let slot = match &node.var {
                        Some(v) => scope.declare(&v.name, VarKind::Node),
                        None => scope.hidden(VarKind::Node),
                    };
                    if let Some(v) = &node.var {
                        node_slots.push((v.name.clone(), slot));
                    }
                    (slot, true)
                }
            };
            nodes.push(CreateNode {
                slot,
                create,
                labels,
                properties: props,
            });
        }
        let mut rels = Vec::new();
        for (i, (rel, _)) in pattern.steps.iter().enumerate() {
            if let Some(v) = &rel.var
                && scope.lookup(&v.name).is_some()
            {
                return Err(self.at(already_bound(&v.name), v.span));
            }
            if rel.types.len() != 1 {
                let message = "a relationship to create needs exactly one type".to_string();
                return Err(self.at(syntax("NoSingleRelationshipType", message), rel.span));
            }
            if rel.length.is_some() {
                return Err(self.at(
                    syntax(
                        "CreatingVarLength",
                        "cannot create a variable-length relationship".into(),
                    ),
                    rel.span,
                ));
            }
            let slot = match &rel.var {
                Some(v) => scope.declare(&v.name, VarKind::Rel),
                None => scope.hidden(VarKind::Rel),
            };
            let (from, to) = match rel.direction {
                Direction::Incoming => (nodes[i + 1].slot, nodes[i].slot),
                Direction::Outgoing => (nodes[i].slot, nodes[i + 1].slot),
                Direction::Both => {
                    if strict {
                        let message = "a relationship to create needs a direction".to_string();
                        return Err(self.at(syntax("RequiresDirectedRelationship", message), rel.span));
                    }
                    (nodes[i].slot, nodes[i + 1].slot)
                }
            };
            let properties = match &rel.properties {
                Some(p) => Some(self.expr(p, scope, &mut AggContext::Forbidden("CREATE"))?),
                None => None,
            };
            rels.push(CreateRel {
                slot,
                rel_type: rel.types[0].name.clone(),
                from,
                to,
                properties,
            });
        }
        let path = match &pattern.path_var {
            Some(p) => {
                if scope.lookup(&p.name).is_some() {
                    return Err(self.at(already_bound(&p.name), p.span));
                }
                let slot = scope.declare(&p.name, VarKind::Path);
                let segments = rels
                    .iter()
                    .enumerate()
                    .map(|(i, r)| PathSegment::Rel {
                        rel: r.slot,
                        node: nodes[i + 1].slot,
                    })
                    .collect();
                Some((slot, nodes[0].slot, segments))
            }
            None => None,
        };
        Ok(CreatePattern {
            nodes,
            rels,
            path,
            at: self.pos(pattern.span),
        })
    }

    // ----- projections -----

    fn projection(
        &self,
        p: &super::ast::Projection,
        scope: &Scope,
        is_return: bool,
        at: Position,
    ) -> PResult<(Projection, Scope, Vec<String>)> {
        let mut items: Vec<ProjectItem> = Vec::new();
        let mut aggregates = Vec::new();
        if p.star {
            let mut visible = scope.visible();
            // Like Neo4j, `*` lists the variables in name order.
            visible.sort();
            if visible.is_empty() && p.items.is_empty() && is_return {
                let message = "RETURN * needs at least one variable in scope".to_string();
                return Err(syntax("NoVariablesInScope", message));
            }
            for (name, slot) in visible {
                items.push(ProjectItem {
                    name,
                    expr: CExpr::Slot(slot),
                    at,
                    aggregating: false,
                });
            }
        }
        for item in &p.items {
            if !is_return && item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Variable(_)) {
                let message = format!("expression `{}` in WITH must be aliased (use AS)", item.text);
                return Err(self.at(syntax("NoExpressionAlias", message), item.expr.span));
            }
            let before = aggregates.len();
            let expr = self.expr(&item.expr, scope, &mut AggContext::Collect(&mut aggregates))?;
            items.push(ProjectItem {
                name: item.name().to_string(),
                expr,
                at: self.pos(item.expr.span),
                aggregating: aggregates.len() > before,
            });
        }
        let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(syntax(
                    "ColumnNameConflict",
                    format!("column `{n}` is returned twice"),
                ));
            }
        }
        // The scope after the projection.
        let mut out_scope = Scope::default();
        for item in &items {
            out_scope.declare(&item.name, kind_of(&item.expr, scope));
        }
        // ORDER BY and WITH … WHERE see the output columns and the input
        // variables: rows are extended with the outputs at `input_width + i`.
        // In an aggregating projection the input variables read the group's
        // first row, and ORDER BY may aggregate too.
        let mut extended = scope.clone();
        for (i, item) in items.iter().enumerate() {
            extended
                .vars
                .push((item.name.clone(), scope.width + i, out_scope.vars[i].2));
        }
        extended.width = scope.width + items.len();
        let aggregating = !aggregates.is_empty();
        // After DISTINCT or aggregation the input rows are gone: ORDER BY and
        // WHERE see only the output columns, and any expression written
        // exactly as a projected one (`ORDER BY count(*)`, `n.name`).
        let restricted = aggregating || p.distinct;
        let sees = if restricted {
            let mut only_outputs = Scope {
                vars: Vec::new(),
                width: extended.width,
            };
            only_outputs.vars = extended.vars[scope.vars.len()..].to_vec();
            *self.substitutions.borrow_mut() = p
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| (item.text.clone(), scope.width + i + (items.len() - p.items.len())))
                .collect();
            only_outputs
        } else {
            extended
        };
        let mut order = Vec::new();
        for sort in &p.order_by {
            let expr = self.expr(&sort.expr, &sees, &mut AggContext::Forbidden("ORDER BY"));
            order.push((expr, sort.descending));
        }
        let where_ = p.where_.as_ref().map(|w| {
            self.predicate.set(true);
            self.expr(w, &sees, &mut AggContext::Forbidden("WHERE"))
        });
        self.substitutions.borrow_mut().clear();
        let order = order
            .into_iter()
            .map(|(e, d)| e.map(|e| (e, d)))
            .collect::<PResult<Vec<_>>>()?;
        let where_ = where_.transpose()?;
        let skip = p
            .skip
            .as_ref()
            .map(|e| self.constant_count(e, "SKIP"))
            .transpose()?;
        let limit = p
            .limit
            .as_ref()
            .map(|e| self.constant_count(e, "LIMIT"))
            .transpose()?;
        let projection = Projection {
            items,
            aggregates,
            distinct: p.distinct,
            order,
            skip,
            limit,
            where_,
            input_width: scope.width,
            order_at: p.order_by.iter().map(|s| self.pos(s.expr.span)).collect(),
            where_at: p.where_.as_ref().map(|w| self.pos(w.span)),
            skip_at: p.skip.as_ref().map(|e| self.pos(e.span)),
            limit_at: p.limit.as_ref().map(|e| self.pos(e.span)),
        };
        Ok((projection, out_scope, names))
    }

    fn constant_count(&self, e: &Expr, clause: &str) -> PResult<CExpr> {
        let compiled = self
            .expr(
                e,
                &Scope::default(),
                &mut AggContext::Forbidden(if clause == "SKIP" { "SKIP" } else { "LIMIT" }),
            )
            .map_err(|err| {
                if err.detail.as_deref() == Some("UndefinedVariable") {
                    let message =
                        format!("{clause} takes a constant expression (literals and parameters only)");
                    self.at(syntax("NonConstantExpression", message), e.span)
                } else {
                    err
                }
            })?;
        // A literal count is checked now, with its position.
        match &compiled {
            CExpr::Lit(Value::Int(n)) if *n < 0 => {
                let message = format!("{clause} takes a non-negative integer, got {n}");
                Err(self.at(syntax("NegativeIntegerArgument", message), e.span))
            }
            CExpr::Lit(v @ (Value::Float(_) | Value::String(_) | Value::Bool(_))) => {
                let message = format!("{clause} takes an integer, got {}", v.type_name());
                Err(self.at(syntax("InvalidArgumentType", message), e.span))
            }
            _ => Ok(compiled),
        }
    }

    // ----- expressions -----

    fn expr(&self, e: &Expr, scope: &Scope, agg: &mut AggContext<'_>) -> PResult<CExpr> {
        let written = e.span.slice(self.text).trim();
        if let Some((_, slot)) = self
            .substitutions
            .borrow()
            .iter()
            .find(|(text, _)| text == written)
        {
            return Ok(CExpr::Slot(*slot));
        }
        let predicate = self.predicate.replace(false);
        let sub = |x: &Expr, agg: &mut AggContext<'_>| self.expr(x, scope, agg).map(Box::new);
        // Operands of the logical operators stay in predicate position.
        let logical = |x: &Expr, agg: &mut AggContext<'_>| {
            self.predicate.set(predicate);
            self.expr(x, scope, agg).map(Box::new)
        };
        Ok(match &e.kind {
            ExprKind::Literal(v) => CExpr::Lit(v.clone()),
            ExprKind::Parameter(name) => CExpr::Param(name.clone()),
            ExprKind::Variable(name) => match scope.lookup(name) {
                Some((slot, _)) => CExpr::Slot(slot),
                None => return Err(self.at(undefined(name, scope), e.span)),
            },
            ExprKind::List(items) => CExpr::List(
                items
                    .iter()
                    .map(|i| self.expr(i, scope, agg))
                    .collect::<PResult<_>>()?,
            ),
            ExprKind::Map(entries) => CExpr::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.name.clone(), self.expr(v, scope, agg)?)))
                    .collect::<PResult<_>>()?,
            ),
            ExprKind::Property { expr, key } => {
                match self.static_kind(expr, scope) {
                    Some(VarKind::Path) => {
                        let message = format!("a path has no properties (`.{}`)", key.name);
                        return Err(self.at(syntax("InvalidArgumentType", message), e.span));
                    }
                    Some(VarKind::Node | VarKind::Rel) => self.check_known_property(key)?,
                    _ => {}
                }
                CExpr::Prop(sub(expr, agg)?, key.name.clone())
            }
            ExprKind::Index { expr, index } => CExpr::Index(sub(expr, agg)?, sub(index, agg)?),
            ExprKind::Slice { expr, from, to } => CExpr::Slice(
                sub(expr, agg)?,
                from.as_ref().map(|f| sub(f, agg)).transpose()?,
                to.as_ref().map(|t| sub(t, agg)).transpose()?,
            ),
            ExprKind::HasLabels { expr, labels } => {
                if matches!(
                    self.static_kind(expr, scope),
                    Some(VarKind::Rel | VarKind::Path | VarKind::RelList)
                ) {
                    let message = "only nodes have labels".to_string();
                    return Err(self.at(syntax("InvalidArgumentType", message), e.span));
                }
                for label in labels {
                    self.check_known_label(label)?;
                }
                CExpr::HasLabels(sub(expr, agg)?, labels.iter().map(|l| l.name.clone()).collect())
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                expr,
            } => {
                let operand = logical(expr, agg)?;
                self.check_constant(&CExpr::Not(operand), e.span)?
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr,
            } => {
                let operand = sub(expr, agg)?;
                self.check_constant(&CExpr::Neg(operand), e.span)?
            }
            ExprKind::Unary {
                op: UnaryOp::Plus,
                expr,
            } => self.expr(expr, scope, agg)?,
            ExprKind::Binary { op, lhs, rhs } => {
                let compiled = if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
                    CExpr::Binary(*op, logical(lhs, agg)?, logical(rhs, agg)?)
                } else {
                    CExpr::Binary(*op, sub(lhs, agg)?, sub(rhs, agg)?)
                };
                self.check_constant(&compiled, e.span)?
            }
            ExprKind::IsNull { expr, negated } => CExpr::IsNull(sub(expr, agg)?, *negated),
            ExprKind::CountStar => self.aggregate(AggregateKind::CountStar, false, None, agg, e.span)?,
            ExprKind::FunctionCall { name, distinct, args } => {
                self.call(name, *distinct, args, scope, agg, e.span)?
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => CExpr::Case {
                operand: operand.as_ref().map(|o| sub(o, agg)).transpose()?,
                whens: whens
                    .iter()
                    .map(|(w, t)| Ok((self.expr(w, scope, agg)?, self.expr(t, scope, agg)?)))
                    .collect::<PResult<_>>()?,
                else_: else_.as_ref().map(|x| sub(x, agg)).transpose()?,
            },
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                let list = sub(list, agg)?;
                let mut inner = scope.clone();
                let slot = inner.declare(&var.name, VarKind::Value);
                let mut no_agg = AggContext::Forbidden("a list comprehension");
                CExpr::ListComprehension {
                    slot,
                    list,
                    filter: filter
                        .as_ref()
                        .map(|f| self.expr(f, &inner, &mut no_agg).map(Box::new))
                        .transpose()?,
                    map: map
                        .as_ref()
                        .map(|m| self.expr(m, &inner, &mut no_agg).map(Box::new))
                        .transpose()?,
                }
            }
            ExprKind::Quantifier {
                kind,
                var,
                list,
                predicate,
            } => {
                let list = sub(list, agg)?;
                let mut inner = scope.clone();
                let slot = inner.declare(&var.name, VarKind::Value);
                let predicate =
                    Box::new(self.expr(predicate, &inner, &mut AggContext::Forbidden("a quantifier"))?);
                // Over a literal list, a predicate that cannot apply to an
                // element is a compile-time type error.
                if let Some(Ok(Value::List(items))) = fold_constant(&list, &[]) {
                    for item in items {
                        if let Some(Err(error)) = fold_constant(&predicate, &[(slot, item)])
                            && error.class == ErrorClass::TypeError
                        {
                            return Err(self.at(syntax("InvalidArgumentType", error.message), e.span));
                        }
                    }
                }
                CExpr::Quantifier {
                    kind: *kind,
                    slot,
                    list,
                    predicate,
                }
            }
            ExprKind::PatternExpr(_) if !predicate => {
                let message = "a pattern can stand alone only as a WHERE predicate; use exists(…) or a pattern comprehension [p = … | p]".to_string();
                return Err(self.at(syntax("UnexpectedSyntax", message), e.span));
            }
            ExprKind::Exists(pattern) | ExprKind::PatternExpr(pattern) => {
                let mut inner = scope.clone();
                self.check_pattern_predicate(pattern, scope)?;
                let plan = self.match_plan(std::slice::from_ref(pattern.as_ref()), None, &mut inner)?;
                CExpr::Exists(Box::new(plan))
            }
            ExprKind::PatternComprehension { pattern, filter, map } => {
                let mut inner = scope.clone();
                let plan = self.match_plan(std::slice::from_ref(pattern.as_ref()), None, &mut inner)?;
                let mut no_agg = AggContext::Forbidden("a pattern comprehension");
                CExpr::PatternComprehension {
                    plan: Box::new(plan),
                    filter: filter
                        .as_ref()
                        .map(|f| self.expr(f, &inner, &mut no_agg).map(Box::new))
                        .transpose()?,
                    map: Box::new(self.expr(map, &inner, &mut no_agg)?),
                }
            }
        })
    }

    fn check_known_label(&self, label: &Ident) -> PResult<()> {
        let Some(schema) = self.schema else {
            // An open store accepts any label; one nobody uses is likely a
            // typo, so say so (as Neo4j's notifications do) without failing.
            if self.graph.label_count(&label.name) == 0 && !self.written.contains(label.name.as_str()) {
                let known: Vec<&str> = self.graph.label_counts().map(|(l, _)| l).collect();
                self.warn("label", &label.name, known.into_iter(), label.span);
            }
            return Ok(());
        };
        if schema.labels.contains_key(&label.name) {
            return Ok(());
        }
        let known = schema.labels.keys().map(String::as_str);
        Err(self.unknown_name("label", &label.name, known, label.span))
    }

    fn check_known_type(&self, rel_type: &Ident) -> PResult<()> {
        let Some(schema) = self.schema else {
            let mut types = self.graph.relationship_type_counts();
            if !self.written.contains(rel_type.name.as_str()) && !types.any(|(t, _)| t == rel_type.name) {
                let known: Vec<&str> = self.graph.relationship_type_counts().map(|(t, _)| t).collect();
                self.warn(
                    "relationship type",
                    &rel_type.name,
                    known.into_iter(),
                    rel_type.span,
                );
            }
            return Ok(());
        };
        if schema.relationships.contains_key(&rel_type.name) {
            return Ok(());
        }
        let known = schema.relationships.keys().map(String::as_str);
        Err(self.unknown_name("relationship type", &rel_type.name, known, rel_type.span))
    }

    fn check_known_property(&self, key: &Ident) -> PResult<()> {
        let Some(schema) = self.schema else { return Ok(()) };
        let mut known = schema
            .labels
            .values()
            .flat_map(|l| l.properties.keys())
            .chain(schema.relationships.values().flat_map(|r| r.properties.keys()));
        if known.any(|k| *k == key.name) {
            return Ok(());
        }
        let all: BTreeSet<&str> = schema
            .labels
            .values()
            .flat_map(|l| l.properties.keys())
            .chain(schema.relationships.values().flat_map(|r| r.properties.keys()))
            .map(String::as_str)
            .collect();
        Err(self.unknown_name("property", &key.name, all.into_iter(), key.span))
    }

    fn warn<'k>(&self, what: &str, name: &str, known: impl Iterator<Item = &'k str>, span: Span) {
        let mut message = format!("{what} `{name}` is not in the graph (at {})", self.pos(span));
        if let Some(near) = nearest(name, known) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.contains(&message) {
            warnings.push(message);
        }
    }

    fn unknown_name<'k>(
        &self,
        what: &str,
        name: &str,
        known: impl Iterator<Item = &'k str>,
        span: Span,
    ) -> QueryError {
        let schema = self.schema.map_or("", |s| s.name.as_str());
        let mut message = format!("{what} `{name}` is not in schema `{schema}`");
        if let Some(near) = nearest(name, known) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        let detail = match what {
            "label" => "UnknownLabel",
            "property" => "UnknownPropertyKey",
            _ => "UnknownRelationshipType",
        };
        self.at(
            QueryError::new(ErrorClass::SemanticError, message).with_detail(detail),
            span,
        )
    }

    /// What a variable expression is known to hold, if it is a variable.
    fn static_kind(&self, e: &Expr, scope: &Scope) -> Option<VarKind> {
        match &e.kind {
            ExprKind::Variable(name) => scope.lookup(name).map(|(_, k)| k),
            ExprKind::Literal(Value::Null) => None,
            ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Map(_) => Some(VarKind::Scalar),
            _ => None,
        }
    }

    /// An operator whose operands are all literals is evaluated now, so a
    /// type error in it is reported before anything runs, as openCypher's
    /// compile-time `InvalidArgumentType`.
    fn check_constant(&self, e: &CExpr, span: Span) -> PResult<CExpr> {
        if let Some(Err(error)) = fold_constant(e, &[])
            && error.class == ErrorClass::TypeError
        {
            return Err(self.at(syntax("InvalidArgumentType", error.message), span));
        }
        Ok(e.clone())
    }

    /// Pattern predicates may not introduce new named variables.
    fn check_pattern_predicate(&self, pattern: &Pattern, scope: &Scope) -> PResult<()> {
        let names = pattern
            .nodes()
            .filter_map(|n| n.var.as_ref())
            .chain(pattern.rels().filter_map(|r| r.var.as_ref()));
        for var in names {
            if scope.lookup(&var.name).is_none() {
                return Err(self.at(undefined(&var.name, scope), var.span));
            }
        }
        Ok(())
    }

    fn call(
        &self,
        name: &Ident,
        distinct: bool,
        args: &[Expr],
        scope: &Scope,
        agg: &mut AggContext<'_>,
        span: Span,
    ) -> PResult<CExpr> {
        let lower = name.name.to_lowercase();
        if let Some(kind) = AggregateKind::from_name(&lower) {
            if args.len() != 1 {
                let message = format!("{}() takes exactly one argument", name.name);
                return Err(self.at(syntax("InvalidNumberOfArguments", message), span));
            }
            let arg = self.expr(
                &args[0],
                scope,
                &mut AggContext::Forbidden("an aggregate function's argument"),
            )?;
            return self.aggregate(kind, distinct, Some(arg), agg, span);
        }
        if !functions::is_known(&lower) {
            return Err(self.at(functions::unknown_function(&name.name), name.span));
        }
        functions::check_arity(&lower, args.len()).map_err(|e| self.at(e, span))?;
        if let Some(first) = args.first() {
            let kind = self.static_kind(first, scope);
            let wrong = match lower.as_str() {
                "type" | "startnode" | "endnode" => {
                    matches!(kind, Some(VarKind::Node | VarKind::Path | VarKind::Scalar))
                }
                "labels" => matches!(
                    kind,
                    Some(VarKind::Rel | VarKind::Path | VarKind::RelList | VarKind::Scalar)
                ),
                "size" => {
                    matches!(kind, Some(VarKind::Node | VarKind::Rel | VarKind::Path))
                        || matches!(first.kind, ExprKind::PatternExpr(_))
                }
                "length" => matches!(kind, Some(VarKind::Node | VarKind::Rel)),
                _ => false,
            };
            if wrong {
                let message = format!(
                    "{}() cannot take {}",
                    name.name,
                    kind.map_or("a pattern", VarKind::name)
                );
                return Err(self.at(syntax("InvalidArgumentType", message), first.span));
            }
        }
        let args = args
            .iter()
            .map(|a| self.expr(a, scope, agg))
            .collect::<PResult<Vec<_>>>()?;
        let canonical = functions::canonical_name(&lower).map_or(lower.clone(), |c| c.to_lowercase());
        Ok(CExpr::Call(canonical, args))
    }

    fn aggregate(
        &self,
        kind: AggregateKind,
        distinct: bool,
        arg: Option<CExpr>,
        agg: &mut AggContext<'_>,
        span: Span,
    ) -> PResult<CExpr> {
        match agg {
            AggContext::Forbidden(place) => {
                let detail = if place.starts_with("an aggregate") {
                    "NestedAggregation"
                } else {
                    "InvalidAggregation"
                };
                let message = format!("aggregate functions are not allowed in {place}");
                Err(self.at(syntax(detail, message), span))
            }
            AggContext::Collect(list) => {
                list.push((kind, distinct, arg, self.pos(span)));
                Ok(CExpr::Aggregate(list.len() - 1))
            }
        }
    }
}

/// The value of an expression made only of literals and operators, if it
/// is one: `Some(Ok(v))`, `Some(Err(e))` when evaluating it fails, `None`
/// when it reads anything else.
fn fold_constant(e: &CExpr, env: &[(usize, Value)]) -> Option<Result<Value, QueryError>> {
    use super::values;
    let fold = |x: &CExpr| fold_constant(x, env);
    let logical = |op: &str, v: &Value| match v {
        Value::Bool(_) | Value::Null => Ok(()),
        other => Err(values::type_error(format!(
            "`{op}` takes BOOLEAN operands, not {}",
            other.type_name()
        ))),
    };
    match e {
        CExpr::Lit(v) => Some(Ok(v.clone())),
        CExpr::Slot(s) => env.iter().find(|(slot, _)| slot == s).map(|(_, v)| Ok(v.clone())),
        CExpr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match fold(item)? {
                    Ok(v) => out.push(v),
                    Err(e) => return Some(Err(e)),
                }
            }
            Some(Ok(Value::List(out.into())))
        }
        CExpr::Map(entries) => {
            let mut out = std::collections::BTreeMap::new();
            for (k, item) in entries {
                match fold(item)? {
                    Ok(v) => out.insert(k.clone(), v),
                    Err(e) => return Some(Err(e)),
                };
            }
            Some(Ok(Value::Map(Box::new(out))))
        }
        CExpr::Not(x) => Some(fold(x)?.and_then(|v| {
            logical("NOT", &v)?;
            values::not(&v)
        })),
        CExpr::Neg(x) => Some(fold(x)?.and_then(|v| values::negate(&v))),
        CExpr::Binary(op @ (BinaryOp::And | BinaryOp::Or | BinaryOp::Xor), a, b) => {
            // A constant operand that is not a boolean is wrong whatever the
            // other operand turns out to be.
            let (a, b) = (fold(a), fold(b));
            for side in [&a, &b].into_iter().flatten() {
                match side {
                    Ok(v) => {
                        if let Err(e) = logical(op.symbol(), v) {
                            return Some(Err(e));
                        }
                    }
                    Err(e) => return Some(Err(e.clone())),
                }
            }
            let (a, b) = (a?.ok()?, b?.ok()?);
            Some(match op {
                BinaryOp::And => values::and(&a, &b),
                BinaryOp::Or => values::or(&a, &b),
                _ => values::xor(&a, &b),
            })
        }
        CExpr::Binary(op, a, b) => {
            let (a, b) = match (fold(a)?, fold(b)?) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
            };
            Some(match op {
                BinaryOp::Add => values::add(&a, &b),
                BinaryOp::Sub => values::subtract(&a, &b),
                BinaryOp::Mul => values::multiply(&a, &b),
                BinaryOp::Div => values::divide(&a, &b),
                BinaryOp::Mod => values::modulo(&a, &b),
                BinaryOp::Pow => values::power(&a, &b),
                BinaryOp::Eq => Ok(values::equals(&a, &b)),
                _ => return None,
            })
        }
        _ => None,
    }
}

/// What a projected expression is known to hold.
fn kind_of(e: &CExpr, scope: &Scope) -> VarKind {
    match e {
        CExpr::Slot(s) => scope
            .vars
            .iter()
            .rev()
            .find(|(_, slot, _)| slot == s)
            .map_or(VarKind::Value, |v| v.2),
        CExpr::Lit(Value::Null) => VarKind::Value,
        CExpr::List(_) | CExpr::ListComprehension { .. } => VarKind::List,
        CExpr::Lit(_)
        | CExpr::Map(_)
        | CExpr::Binary(..)
        | CExpr::Not(_)
        | CExpr::Neg(_)
        | CExpr::IsNull(..)
        | CExpr::Quantifier { .. }
        | CExpr::Exists(_)
        | CExpr::PatternComprehension { .. }
        | CExpr::HasLabels(..) => VarKind::Scalar,
        _ => VarKind::Value,
    }
}

/// Slots a pattern declared, in pattern order.
#[derive(Default)]
struct PatternSlots {
    nodes: Vec<usize>,
    node_checks: Vec<(usize, NodeCheck)>,
    rels: Vec<usize>,
    rel_bound: Vec<bool>,
    path: Option<usize>,
}

fn var_bounds(length: Option<VarLength>) -> (u64, Option<u64>) {
    match length {
        None => (1, Some(1)),
        Some(l) => (l.min.unwrap_or(1), l.max),
    }
}

fn reverse(direction: Direction) -> Direction {
    match direction {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    }
}

fn uses_only(e: &CExpr, bound: &BTreeSet<usize>) -> bool {
    let mut used = BTreeSet::new();
    e.slots(&mut used);
    used.is_subset(bound) && !contains_aggregate(e)
}

fn contains_aggregate(e: &CExpr) -> bool {
    matches!(e, CExpr::Aggregate(_))
}

/// `n {k: v, …}` as a filter expression over the node in `slot`.
fn properties_match(slot: usize, properties: CExpr) -> CExpr {
    CExpr::Call(" properties_match".into(), vec![CExpr::Slot(slot), properties])
}

/// The conjuncts of a written `WHERE`, as [`split_and`] splits its
/// compiled form.
fn split_and_written<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } => {
            split_and_written(lhs, out);
            split_and_written(rhs, out);
        }
        _ => out.push(e),
    }
}

fn split_and(e: CExpr) -> Vec<CExpr> {
    match e {
        CExpr::Binary(BinaryOp::And, a, b) => {
            let mut out = split_and(*a);
            out.extend(split_and(*b));
            out
        }
        other => vec![other],
    }
}

fn step_binds(step: &Step, bound: &mut BTreeSet<usize>) {
    match step {
        Step::Nodes { slot, .. } | Step::BuildPath { slot, .. } => {
            bound.insert(*slot);
        }
        Step::Expand { rel, to, .. } => {
            bound.insert(*rel);
            bound.insert(*to);
        }
        Step::VarExpand { rels, to, .. } => {
            bound.insert(*rels);
            bound.insert(*to);
        }
        Step::Shortest { path, rels, .. } => {
            bound.insert(*path);
            bound.extend(rels.iter().copied());
        }
    }
}

fn step_reads(step: &Step, out: &mut BTreeSet<usize>) {
    let check = |c: &NodeCheck, out: &mut BTreeSet<usize>| {
        if let Some(p) = &c.properties {
            p.slots(out);
        }
    };
    match step {
        Step::Nodes { source, check: c, .. } => {
            if let NodeSource::Unique { value, .. } = source {
                value.slots(out);
            }
            check(c, out);
        }
        Step::Expand {
            from,
            rel,
            rel_bound,
            to,
            to_bound,
            rel_properties,
            check: c,
            ..
        }
        | Step::VarExpand {
            from,
            rels: rel,
            rels_bound: rel_bound,
            to,
            to_bound,
            rel_properties,
            check: c,
            ..
        } => {
            out.insert(*from);
            if *rel_bound {
                out.insert(*rel);
            }
            if *to_bound {
                out.insert(*to);
            }
            if let Some(p) = rel_properties {
                p.slots(out);
            }
            check(c, out);
        }
        Step::Shortest { from, to, .. } => {
            out.insert(*from);
            out.insert(*to);
        }
        Step::BuildPath { .. } => {}
    }
}

fn undefined(name: &str, scope: &Scope) -> QueryError {
    let mut message = format!("variable `{name}` is not defined");
    if let Some(near) = nearest(name, scope.names()) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    syntax("UndefinedVariable", message)
}

fn already_bound(name: &str) -> QueryError {
    syntax(
        "VariableAlreadyBound",
        format!("variable `{name}` is already bound"),
    )
}

/// The plan as `EXPLAIN` prints it, one operator per line.
pub fn describe(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, part) in plan.parts.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out, "{}", if plan.union_all { "UnionAll" } else { "Union" });
        }
        for op in &part.ops {
            let _ = writeln!(out, "{}", describe_op(op));
        }
    }
    out
}

/// One line per operator, with the steps of matches indented below it.
pub fn describe_op(op: &Op) -> String {
    let mut line = op.name().to_string();
    match op {
        Op::Match { plan, .. } | Op::Merge { plan, .. } => {
            for (i, step) in plan.steps.iter().enumerate() {
                let _ = write!(line, "\n  {}", describe_step(step));
                let filters = plan.filters.get(i + 1).map_or(0, Vec::len);
                if filters > 0 {
                    let _ = write!(line, "  + {filters} filter(s)");
                }
            }
        }
        Op::Project(p) => {
            let names: Vec<&str> = p.items.iter().map(|i| i.name.as_str()).collect();
            let _ = write!(line, " {}", names.join(", "));
            if p.distinct {
                line.push_str(" DISTINCT");
            }
            if !p.order.is_empty() {
                let _ = write!(line, " ORDER BY {} key(s)", p.order.len());
            }
        }
        _ => {}
    }
    line
}

fn describe_step(step: &Step) -> String {
    let types = |t: &[String]| {
        if t.is_empty() {
            String::new()
        } else {
            format!(":{}", t.join("|"))
        }
    };
    let arrow = |d: &Direction, inner: String| match d {
        Direction::Outgoing => format!("-[{inner}]->"),
        Direction::Incoming => format!("<-[{inner}]-"),
        Direction::Both => format!("-[{inner}]-"),
    };
    // What a step checks on the nodes it reaches: labels and a property map.
    let checks = |c: &NodeCheck| {
        let labels: String = c.labels.iter().map(|l| format!(":{l}")).collect();
        let props = match &c.properties {
            Some(CExpr::Map(entries)) => {
                let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
                format!(" {{{}}}", keys.join(", "))
            }
            Some(_) => " {…}".to_string(),
            None => String::new(),
        };
        if labels.is_empty() && props.is_empty() {
            String::new()
        } else {
            format!(" check({labels}{props})")
        }
    };
    match step {
        Step::Nodes { slot, source, check } => {
            let source = match source {
                NodeSource::All => format!("AllNodesScan #{slot}"),
                NodeSource::Label(l) => format!("NodeByLabelScan #{slot}:{l}"),
                NodeSource::Unique { label, property, .. } => {
                    format!("NodeUniqueSeek #{slot}:{label}({property})")
                }
            };
            format!("{source}{}", checks(check))
        }
        Step::Expand {
            from,
            to,
            direction,
            types: t,
            to_bound,
            rel_properties,
            check,
            ..
        } => {
            let into = if *to_bound { "Into" } else { "All" };
            let rel_props = if rel_properties.is_some() { " {…}" } else { "" };
            format!(
                "Expand({into}) #{from}{}#{to}{}",
                arrow(direction, format!("{}{rel_props}", types(t))),
                checks(check)
            )
        }
        Step::VarExpand {
            from,
            to,
            direction,
            types: t,
            min,
            max,
            check,
            ..
        } => {
            let max = max.map_or(String::new(), |m| m.to_string());
            let shape = arrow(direction, format!("{}*{min}..{max}", types(t)));
            format!("VarLengthExpand #{from}{shape}#{to}{}", checks(check))
        }
        Step::Shortest {
            from,
            to,
            all,
            direction,
            types: t,
            ..
        } => {
            let name = if *all { "AllShortestPaths" } else { "ShortestPath" };
            format!(
                "{name} #{from}{}#{to}",
                arrow(direction, format!("{}*", types(t)))
            )
        }
        Step::BuildPath { slot, .. } => format!("ProjectPath #{slot}"),
    }
}
