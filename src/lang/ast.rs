//! The syntax tree [`parse`](super::parse) produces.
//!
//! The tree is deliberately close to what the user wrote: names are not yet
//! resolved, no variable scoping has been checked, functions are not looked
//! up. It is typed enough that a planner can `match` its way through it without
//! re-parsing anything: operators are enums, literals are
//! [`Value`]s, patterns are node/relationship lists.
//!
//! Every node that a later error may need to point at carries a [`Span`]:
//! expressions, clauses, patterns, and every name (variables, labels,
//! relationship types, property keys, functions) through [`Ident`]. Spans are
//! byte offsets into the text given to the parser (for a script, the whole
//! script), so `span.position(text)` gives the line and column to report.
//!
//! Depth is bounded: the parser rejects expressions whose tree would be more
//! than [`MAX_EXPRESSION_DEPTH`](super::MAX_EXPRESSION_DEPTH) levels deep
//! (nesting and operator chains both count), so recursive walks over an
//! [`Expr`] need no guard of their own. [`Expr::walk`] does not recurse at all.

use crate::error::Position;
use crate::model::{Direction, Value};

/// A byte range `[start, end)` of the parsed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `[start, end)`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The 1-based line and column where the span starts in `text`.
    pub fn position(self, text: &str) -> Position {
        Position::of_offset(text, self.start)
    }

    /// The text the span covers, or `""` if it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A name as written (back-quotes removed, doubled back-quotes undone) and
/// where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name itself, without back-quotes.
    pub name: String,
    /// Where the name was written, back-quotes included.
    pub span: Span,
}

/// One statement: a query, or one of Attest's own commands.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// A Cypher query (reading, writing, or both).
    Query(Query),
    /// `EXPLAIN <statement>`: show the plan without running it.
    Explain(Box<Statement>),
    /// `PROFILE <statement>`: run it and show the plan with row counts.
    Profile(Box<Statement>),
    /// `SHOW ...`: describe the store.
    Show(ShowKind),
}

/// What a `SHOW` statement lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShowKind {
    /// `SHOW SCHEMA`
    Schema,
    /// `SHOW LABELS`
    Labels,
    /// `SHOW RELATIONSHIP TYPES`
    RelationshipTypes,
    /// `SHOW PROPERTY KEYS`
    PropertyKeys,
}

/// Single queries joined by `UNION` or `UNION ALL`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// At least one part; more than one only with `UNION`.
    pub parts: Vec<SingleQuery>,
    /// One entry per `UNION` (so `parts.len() - 1` entries): `true` for
    /// `UNION ALL`. The parser rejects mixing the two forms, so the entries
    /// are all equal.
    pub union_all: Vec<bool>,
    /// The query as written.
    pub span: Span,
}

/// A sequence of clauses. The parser guarantees that `RETURN`, if present, is
/// the last clause, and that the last clause is `RETURN` or an updating clause.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleQuery {
    /// The clauses in the order written; never empty.
    pub clauses: Vec<Clause>,
    /// This part as written (without `UNION`).
    pub span: Span,
}

/// A clause and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// Which clause, with its parts.
    pub kind: ClauseKind,
    /// The clause as written.
    pub span: Span,
}

/// The clauses of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum ClauseKind {
    /// `[OPTIONAL] MATCH pattern, ... [WHERE expr]`
    Match {
        /// `OPTIONAL MATCH`: rows without a match are kept, with nulls.
        optional: bool,
        /// The comma-separated patterns; at least one.
        patterns: Vec<Pattern>,
        /// The `WHERE` condition, if any.
        where_: Option<Expr>,
    },
    /// `UNWIND expr AS var`
    Unwind {
        /// The list to unwind (a non-list value gives one row, null none).
        expr: Expr,
        /// The variable bound to each element.
        var: Ident,
    },
    /// `WITH ...`; its `WHERE` is [`Projection::where_`].
    With(Projection),
    /// `RETURN ...`
    Return(Projection),
    /// `CREATE pattern, ...`. Every relationship is directed, has exactly one
    /// type and no variable length (checked by the parser).
    Create {
        /// The patterns to create, left to right; at least one.
        patterns: Vec<Pattern>,
    },
    /// `MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`; several `ON`
    /// actions of the same kind are concatenated in order.
    Merge {
        /// The single pattern matched, or created when it has no match.
        pattern: Pattern,
        /// `ON CREATE SET` items, applied when the pattern was created;
        /// empty when there are none.
        on_create: Vec<SetItem>,
        /// `ON MATCH SET` items, applied when the pattern matched; empty
        /// when there are none.
        on_match: Vec<SetItem>,
    },
    /// `SET item, ...`
    Set {
        /// The items, applied left to right; at least one.
        items: Vec<SetItem>,
    },
    /// `REMOVE item, ...`
    Remove {
        /// The items, applied left to right; at least one.
        items: Vec<RemoveItem>,
    },
    /// `[DETACH] DELETE expr, ...`
    Delete {
        /// `DETACH DELETE`: a node's relationships are deleted with it
        /// (without it, deleting a node that still has relationships fails).
        detach: bool,
        /// The nodes, relationships or paths to delete; at least one.
        exprs: Vec<Expr>,
    },
}

impl ClauseKind {
    /// The clause's keyword as users know it (`"OPTIONAL MATCH"`, `"WITH"`),
    /// for messages.
    pub fn name(&self) -> &'static str {
        match self {
            ClauseKind::Match { optional: true, .. } => "OPTIONAL MATCH",
            ClauseKind::Match { .. } => "MATCH",
            ClauseKind::Unwind { .. } => "UNWIND",
            ClauseKind::With(_) => "WITH",
            ClauseKind::Return(_) => "RETURN",
            ClauseKind::Create { .. } => "CREATE",
            ClauseKind::Merge { .. } => "MERGE",
            ClauseKind::Set { .. } => "SET",
            ClauseKind::Remove { .. } => "REMOVE",
            ClauseKind::Delete { detach: true, .. } => "DETACH DELETE",
            ClauseKind::Delete { .. } => "DELETE",
        }
    }

    /// True for the clauses that change the graph.
    pub fn is_updating(&self) -> bool {
        matches!(
            self,
            ClauseKind::Create { .. }
                | ClauseKind::Merge { .. }
                | ClauseKind::Set { .. }
                | ClauseKind::Remove { .. }
                | ClauseKind::Delete { .. }
        )
    }
}

/// The body shared by `WITH` and `RETURN`.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// `WITH DISTINCT` / `RETURN DISTINCT`: duplicate rows are dropped.
    pub distinct: bool,
    /// `*`: every variable in scope, before the explicit `items`.
    pub star: bool,
    /// The explicit columns, in the order written; empty for a bare `*`.
    pub items: Vec<ProjectionItem>,
    /// The `ORDER BY` keys, most significant first; empty without
    /// `ORDER BY`.
    pub order_by: Vec<SortItem>,
    /// The `SKIP` expression (a row count), if any.
    pub skip: Option<Expr>,
    /// The `LIMIT` expression (a row count), if any.
    pub limit: Option<Expr>,
    /// `WITH ... WHERE expr`; always `None` for `RETURN`.
    pub where_: Option<Expr>,
}

/// One column of a projection: `expr [AS alias]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionItem {
    /// The expression computing the column.
    pub expr: Expr,
    /// The name after `AS`, if any.
    pub alias: Option<Ident>,
    /// The expression exactly as written (trimmed; comments inside kept),
    /// which names the column when there is no alias: `n.name`, `count(*)`.
    pub text: String,
}

impl ProjectionItem {
    /// The column name: the alias if there is one, otherwise the text.
    pub fn name(&self) -> &str {
        self.alias.as_ref().map_or(&self.text, |a| &a.name)
    }
}

/// One key of `ORDER BY`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortItem {
    /// The expression rows are sorted by.
    pub expr: Expr,
    /// `DESC` / `DESCENDING`; ascending otherwise.
    pub descending: bool,
}

/// One item of `SET`.
#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    /// `target.key = value`; `target` is usually a variable, but may be any
    /// expression that yields a node or relationship (`(n).k`, `n.a.k`).
    Property {
        /// The node or relationship whose property is set.
        target: Expr,
        /// The property key.
        key: Ident,
        /// The new value; null removes the property.
        value: Expr,
    },
    /// `var = map`: replace all properties.
    Replace {
        /// The node or relationship variable.
        var: Ident,
        /// The new properties: a map, or a node or relationship whose
        /// properties are copied.
        value: Expr,
    },
    /// `var += map`: add or overwrite the map's properties.
    Merge {
        /// The node or relationship variable.
        var: Ident,
        /// The properties to add: a map, or a node or relationship whose
        /// properties are copied.
        value: Expr,
    },
    /// `var:Label:Other`
    Labels {
        /// The node variable.
        var: Ident,
        /// The labels to add, in the order written.
        labels: Vec<Ident>,
    },
}

/// One item of `REMOVE`.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoveItem {
    /// `target.key`
    Property {
        /// The node or relationship whose property is removed.
        target: Expr,
        /// The property key.
        key: Ident,
    },
    /// `var:Label:Other`
    Labels {
        /// The node variable.
        var: Ident,
        /// The labels to remove, in the order written.
        labels: Vec<Ident>,
    },
}

/// A path pattern: `[p =] (a)-[r]->(b)...`, possibly wrapped in
/// `shortestPath(...)`/`allShortestPaths(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// `p` in `p = (a)-->(b)`.
    pub path_var: Option<Ident>,
    /// Every match, or only the shortest ones.
    pub kind: PatternKind,
    /// The leftmost node.
    pub start: NodePattern,
    /// Each relationship with the node it leads to, left to right; empty for
    /// a single-node pattern.
    pub steps: Vec<(RelPattern, NodePattern)>,
    /// The pattern as written, with its `p =` and `shortestPath(...)` if any.
    pub span: Span,
}

impl Pattern {
    /// The node patterns, left to right.
    pub fn nodes(&self) -> impl Iterator<Item = &NodePattern> {
        std::iter::once(&self.start).chain(self.steps.iter().map(|(_, n)| n))
    }

    /// The relationship patterns, left to right.
    pub fn rels(&self) -> impl Iterator<Item = &RelPattern> {
        self.steps.iter().map(|(r, _)| r)
    }
}

/// How a pattern's matches are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// Every match.
    Plain,
    /// `shortestPath(...)` or Kuzu's `-[* SHORTEST ..]-`: one shortest match.
    /// The pattern has exactly one relationship (checked by the parser).
    Shortest,
    /// `allShortestPaths(...)` or `-[* ALL SHORTEST ..]-`: every shortest
    /// match. Exactly one relationship, like [`PatternKind::Shortest`].
    AllShortest,
}

/// `(var:Label:Other {props})`
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    /// The node variable; `None` for an anonymous node `()`.
    pub var: Option<Ident>,
    /// Labels the node must all have; empty means any node.
    pub labels: Vec<Ident>,
    /// Always an [`ExprKind::Map`] or an [`ExprKind::Parameter`].
    pub properties: Option<Expr>,
    /// The node pattern as written, parentheses included.
    pub span: Span,
}

/// `-[var:T|U *min..max {props}]->` and its other directions.
#[derive(Clone, Debug, PartialEq)]
pub struct RelPattern {
    /// The relationship variable; `None` when the relationship is
    /// anonymous (`-->` or `-[:T]->`). Bound to a list of relationships
    /// for a variable-length relationship.
    pub var: Option<Ident>,
    /// Alternatives: a relationship matches if it has any of these types;
    /// empty means any type.
    pub types: Vec<Ident>,
    /// Relative to the node on the left: `-->` is `Outgoing`, `<--` is
    /// `Incoming`, `--` (and `<-->`) is `Both`.
    pub direction: Direction,
    /// `Some` for variable-length relationships (`*`, `*2`, `*1..3`, ...).
    pub length: Option<VarLength>,
    /// Always an [`ExprKind::Map`] or an [`ExprKind::Parameter`].
    pub properties: Option<Expr>,
    /// The relationship pattern as written, arrow heads included.
    pub span: Span,
}

/// The bounds of a variable-length relationship, as written. `*` is
/// `{None, None}`, `*2` is `{Some(2), Some(2)}`, `*..3` is `{None, Some(3)}`.
/// Defaults (1 and unbounded, in openCypher) are the planner's to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarLength {
    /// The fewest relationships, if written.
    pub min: Option<u64>,
    /// The most relationships, if written.
    pub max: Option<u64>,
}

/// An expression and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// The expression as written.
    pub span: Span,
}

/// The forms of expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `1`, `-2` (negative literals are folded), `1.5`, `'s'`, `true`, `null`:
    /// always a `Null`, `Bool`, `Int`, `Float` or `String` value.
    Literal(Value),
    /// `$name` or `$0`: the name without `$`.
    Parameter(String),
    /// A variable reference.
    Variable(String),
    /// `[a, b, ...]`
    List(Vec<Expr>),
    /// `{k: v, ...}` in the order written (duplicate keys kept; the last one
    /// wins when evaluated).
    Map(Vec<(Ident, Expr)>),
    /// `expr.key`
    Property {
        /// The node, relationship or map whose property is read.
        expr: Box<Expr>,
        /// The property key.
        key: Ident,
    },
    /// `expr[index]`
    Index {
        /// The list (or map) indexed.
        expr: Box<Expr>,
        /// The index: an integer for a list (negative counts from the
        /// end), a string key for a map.
        index: Box<Expr>,
    },
    /// `expr[from..to]`, either bound optional.
    Slice {
        /// The list sliced.
        expr: Box<Expr>,
        /// The first index included; `None` means from the start.
        from: Option<Box<Expr>>,
        /// The first index excluded; `None` means to the end.
        to: Option<Box<Expr>>,
    },
    /// `expr:Label:Other`: true if the node has all the labels.
    HasLabels {
        /// The node tested.
        expr: Box<Expr>,
        /// The labels, in the order written; at least one.
        labels: Vec<Ident>,
    },
    /// `NOT e`, `-e`, `+e`.
    Unary {
        /// Which prefix operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// Binary operators. A comparison chain `a < b < c` arrives as
    /// `a < b AND b < c` (with `b` cloned).
    Binary {
        /// Which infix operator.
        op: BinaryOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `e IS NULL` (`negated: false`) or `e IS NOT NULL` (`negated: true`).
    IsNull {
        /// The operand.
        expr: Box<Expr>,
        /// True for `IS NOT NULL`.
        negated: bool,
    },
    /// `name(args)` or `name(DISTINCT args)`. The name is as written,
    /// namespaces included (`db.labels`); match it case-insensitively.
    FunctionCall {
        /// The function's name as written.
        name: Ident,
        /// `DISTINCT` before the arguments: an aggregate sees each distinct
        /// value once.
        distinct: bool,
        /// The arguments, left to right; may be empty.
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `CASE [operand] WHEN w THEN t ... [ELSE e] END`. With an operand, each
    /// `w` is a value compared to it; without, each `w` is a condition.
    Case {
        /// The value each `WHEN` is compared to; `None` for the searched
        /// form, where each `WHEN` is a condition.
        operand: Option<Box<Expr>>,
        /// `(w, t)` for each `WHEN w THEN t`, in order; at least one.
        whens: Vec<(Expr, Expr)>,
        /// The `ELSE` result; `None` means null.
        else_: Option<Box<Expr>>,
    },
    /// `[var IN list WHERE filter | map]`
    ListComprehension {
        /// The variable bound to each element, scoped to the comprehension.
        var: Ident,
        /// The list iterated.
        list: Box<Expr>,
        /// Keeps the elements for which it is true; `None` keeps all.
        filter: Option<Box<Expr>>,
        /// What each kept element becomes; `None` keeps the element.
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE filter | map]`; the path variable is
    /// `pattern.path_var`.
    PatternComprehension {
        /// The pattern matched for each row.
        pattern: Box<Pattern>,
        /// Keeps the matches for which it is true; `None` keeps all.
        filter: Option<Box<Expr>>,
        /// What each kept match becomes.
        map: Box<Expr>,
    },
    /// `all(var IN list WHERE predicate)` and its siblings.
    Quantifier {
        /// Which of `all`, `any`, `none`, `single`.
        kind: Quantifier,
        /// The variable bound to each element, scoped to the predicate.
        var: Ident,
        /// The list tested.
        list: Box<Expr>,
        /// The condition tested on each element.
        predicate: Box<Expr>,
    },
    /// `exists((a)-->(b))`: true if the pattern has a match.
    /// (`exists(n.prop)` is a [`ExprKind::FunctionCall`] named `exists`.)
    Exists(Box<Pattern>),
    /// A bare relationship pattern used as an expression, `WHERE (a)-->(b)`.
    /// In a boolean context it means the same as [`ExprKind::Exists`].
    PatternExpr(Box<Pattern>),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `NOT`: logical negation (three-valued: `NOT null` is null).
    Not,
    /// `-`: arithmetic negation.
    Neg,
    /// `+`: the number unchanged.
    Plus,
}

/// Infix operators, loosest-binding first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `AND`
    And,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `=~`: the string matches the whole regular expression.
    RegexMatch,
    /// `STARTS WITH`
    StartsWith,
    /// `ENDS WITH`
    EndsWith,
    /// `CONTAINS`
    Contains,
    /// `IN`: list membership.
    In,
    /// `+`: addition, string and list concatenation, a date moved by days.
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`: exponentiation.
    Pow,
}

impl BinaryOp {
    /// The operator as written in a query, for messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::RegexMatch => "=~",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::In => "IN",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
        }
    }

    /// True for `=`, `<>`, `<`, `>`, `<=`, `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Le | BinaryOp::Ge
        )
    }
}

/// The list predicates `all`, `any`, `none`, `single`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `all(...)`: the predicate holds for every element.
    All,
    /// `any(...)`: it holds for at least one element.
    Any,
    /// `none(...)`: it holds for no element.
    None,
    /// `single(...)`: it holds for exactly one element.
    Single,
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Calls `f` on each direct sub-expression, left to right, including
    /// the property maps of patterns inside the expression.
    pub fn for_each_child<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Parameter(_) | ExprKind::Variable(_) | ExprKind::CountStar => {}
            ExprKind::List(items) => items.iter().for_each(f),
            ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
            ExprKind::Property { expr, .. }
            | ExprKind::HasLabels { expr, .. }
            | ExprKind::Unary { expr, .. }
            | ExprKind::IsNull { expr, .. } => f(expr),
            ExprKind::Index { expr, index } => {
                f(expr);
                f(index);
            }
            ExprKind::Slice { expr, from, to } => {
                f(expr);
                from.iter().for_each(|e| f(e));
                to.iter().for_each(|e| f(e));
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::FunctionCall { args, .. } => args.iter().for_each(f),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                operand.iter().for_each(|e| f(e));
                for (w, t) in whens {
                    f(w);
                    f(t);
                }
                else_.iter().for_each(|e| f(e));
            }
            ExprKind::ListComprehension {
                list, filter, map, ..
            } => {
                f(list);
                filter.iter().for_each(|e| f(e));
                map.iter().for_each(|e| f(e));
            }
            ExprKind::PatternComprehension { pattern, filter, map } => {
                pattern.for_each_expr(f);
                filter.iter().for_each(|e| f(e));
                f(map);
            }
            ExprKind::Quantifier { list, predicate, .. } => {
                f(list);
                f(predicate);
            }
            ExprKind::Exists(pattern) | ExprKind::PatternExpr(pattern) => pattern.for_each_expr(f),
        }
    }

    /// Calls `f` on this expression and every expression inside it,
    /// parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        // An explicit stack instead of recursion: the tree's depth is bounded
        // by the parser, but a walk should not depend on that.
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            let mut children = Vec::new();
            e.for_each_child(&mut |c| children.push(c));
            stack.extend(children.into_iter().rev());
        }
    }
}

impl Pattern {
    /// Calls `f` on the property-map expressions of the pattern's nodes and
    /// relationships, left to right.
    pub fn for_each_expr<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        if let Some(p) = &self.start.properties {
            f(p);
        }
        for (rel, node) in &self.steps {
            if let Some(p) = &rel.properties {
                f(p);
            }
            if let Some(p) = &node.properties {
                f(p);
            }
        }
    }
}
