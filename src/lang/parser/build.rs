//! Builds the [`ast`](crate::lang::ast) from pest's pairs.
//!
//! The grammar has already checked the shape of the input, so most of this is
//! plumbing. What happens here and nowhere else: operator precedence (pest's
//! Pratt parser over the flat operand/operator sequence the grammar yields),
//! comparison chains, literal decoding (numbers with their overflow rules,
//! string escapes, back-quoted names), and the bound on recursion depth.
//!
//! Nothing here panics on a grammar surprise: a pair that is not where the
//! grammar promised becomes an "internal parser error" syntax error.

use super::grammar::Rule;
use super::scan::{self, Token};
use super::syntax_error;
use crate::error::QueryError;
use crate::lang::ast::*;
use crate::model::{Direction, Value};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::cell::Cell;
use std::sync::LazyLock;

type Result<T> = std::result::Result<T, QueryError>;

/// The bound on how deep an expression tree may get, counted in operators
/// along the deepest path plus one per nested expression (brackets, CASE,
/// comprehensions). The scanner bounds brackets to
/// [`super::scan::MAX_NESTING`]; this also bounds what brackets do not show:
/// `NOT NOT NOT ... x` (which the Pratt parser folds recursively) and long
/// operator chains such as `1 + 1 + ... + 1`, whose left-deep trees would
/// otherwise be deep enough to overflow the stack of whoever walks them
/// recursively, starting with `Drop`.
pub const MAX_EXPRESSION_DEPTH: usize = 1000;

/// openCypher's precedence, loosest first. Unary minus binds tighter than
/// `^`, so `-2 ^ 2` is `(-2) ^ 2`; `NOT` is looser than comparisons, so
/// `NOT a = b` is `NOT (a = b)`.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_xor, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_regex, Assoc::Left)
            | Op::infix(Rule::op_starts_with, Assoc::Left)
            | Op::infix(Rule::op_ends_with, Assoc::Left)
            | Op::infix(Rule::op_contains, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::postfix(Rule::op_is_null)
            | Op::postfix(Rule::op_is_not_null))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left)
            | Op::infix(Rule::op_div, Assoc::Left)
            | Op::infix(Rule::op_mod, Assoc::Left))
        .op(Op::infix(Rule::op_pow, Assoc::Left))
        .op(Op::prefix(Rule::op_neg) | Op::prefix(Rule::op_pos))
        .op(Op::postfix(Rule::property_lookup) | Op::postfix(Rule::subscript) | Op::postfix(Rule::label_test))
});

/// True for the operator rules of the flat expression sequence; everything
/// else in it is an operand.
fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_not
            | Rule::op_neg
            | Rule::op_pos
            | Rule::op_or
            | Rule::op_xor
            | Rule::op_and
            | Rule::op_regex
            | Rule::op_ne
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_eq
            | Rule::op_starts_with
            | Rule::op_ends_with
            | Rule::op_contains
            | Rule::op_in
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::op_mod
            | Rule::op_pow
            | Rule::op_is_not_null
            | Rule::op_is_null
            | Rule::property_lookup
            | Rule::subscript
            | Rule::label_test
    )
}

/// A partly built expression inside the Pratt fold.
struct Operand {
    expr: Expr,
    /// The expression is a comparison (or a chain of them) at this level,
    /// so a further comparison extends the chain: `a < b < c`.
    chained: bool,
    /// The literal 9223372036854775808, which is only valid right after a
    /// unary minus (as the smallest 64-bit integer).
    min_int: bool,
}

impl Operand {
    fn plain(expr: Expr) -> Operand {
        Operand {
            expr,
            chained: false,
            min_int: false,
        }
    }
}

/// Gives back the depth units taken by [`Builder::enter`].
struct DepthGuard<'b> {
    depth: &'b Cell<usize>,
    units: usize,
}

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.depth.set(self.depth.get().saturating_sub(self.units));
    }
}

/// Builds AST nodes from the pairs of one parse of `text[base..]`.
pub(super) struct Builder<'t> {
    /// The whole text (a script, for `parse_script`), for positions.
    text: &'t str,
    /// Where the parsed slice starts in `text`; added to pest's offsets so
    /// that spans are positions in the whole text.
    base: usize,
    /// The scanner's tokens of `text`, to trim spans (see [`Builder::span`]).
    tokens: &'t [Token],
    depth: Cell<usize>,
}

/// The first child of `pair` produced by `rule`.
fn child<'i>(pair: &Pair<'i, Rule>, rule: Rule) -> Option<Pair<'i, Rule>> {
    pair.clone().into_inner().find(|p| p.as_rule() == rule)
}

/// The children of `pair` produced by `rule`.
fn children<'i>(pair: &Pair<'i, Rule>, rule: Rule) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.clone().into_inner().filter(move |p| p.as_rule() == rule)
}

fn has(pair: &Pair<'_, Rule>, rule: Rule) -> bool {
    child(pair, rule).is_some()
}

impl<'t> Builder<'t> {
    pub(super) fn new(text: &'t str, base: usize, tokens: &'t [Token]) -> Builder<'t> {
        Builder {
            text,
            base,
            tokens,
            depth: Cell::new(0),
        }
    }

    /// The span of `pair` in the whole text, ending at its last token.
    ///
    /// pest skips whitespace and comments before trying an optional or
    /// repeated element and keeps them when the element is absent, so a
    /// rule's span can end with trailing blanks and comments. Trimming to
    /// the last token keeps spans, and the column names taken from them,
    /// to what the user wrote.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let start = self.base + s.start();
        let end = self.base + s.end();
        let end = scan::token_before(self.tokens, end).map_or(end, |t| t.end.clamp(start, end));
        Span::new(start, end)
    }

    fn error(&self, offset: usize, detail: &str, message: String) -> QueryError {
        syntax_error(self.text, offset, detail, message)
    }

    /// The grammar promised something that is not there. Reported, not
    /// panicked on, so that a grammar bug cannot crash a caller.
    fn internal(&self, pair: &Pair<'_, Rule>, what: &str) -> QueryError {
        self.error(
            self.span(pair).start,
            "UnexpectedSyntax",
            format!("internal parser error: expected {what} in {:?}", pair.as_rule()),
        )
    }

    fn required<'i>(&self, pair: &Pair<'i, Rule>, rule: Rule) -> Result<Pair<'i, Rule>> {
        child(pair, rule).ok_or_else(|| self.internal(pair, &format!("{rule:?}")))
    }

    fn enter(&self, units: usize, offset: usize) -> Result<DepthGuard<'_>> {
        let depth = self.depth.get() + units;
        if depth > MAX_EXPRESSION_DEPTH {
            return Err(self.error(
                offset,
                "NestingTooDeep",
                format!(
                    "the expression is too deep: nested brackets and chained operators \
                     add up to more than {MAX_EXPRESSION_DEPTH} levels (split it up; a long \
                     `x = 1 OR x = 2 OR ...` can be written `x IN [1, 2, ...]`)"
                ),
            ));
        }
        self.depth.set(depth);
        Ok(DepthGuard {
            depth: &self.depth,
            units,
        })
    }

    // ------------------------------------------------------------ statements

    /// The statement inside a `statement_input` parse.
    pub(super) fn statement_input(&self, mut pairs: Pairs<'_, Rule>) -> Result<Statement> {
        let Some(input) = pairs.next() else {
            return Err(self.error(self.base, "UnexpectedSyntax", "empty parse".into()));
        };
        self.statement(self.required(&input, Rule::statement)?)
    }

    /// The expression inside an `expression_input` parse.
    pub(super) fn expression_input(&self, mut pairs: Pairs<'_, Rule>) -> Result<Expr> {
        let Some(input) = pairs.next() else {
            return Err(self.error(self.base, "UnexpectedSyntax", "empty parse".into()));
        };
        self.expr(self.required(&input, Rule::expression)?)
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Result<Statement> {
        let mut wrapper: Option<fn(Box<Statement>) -> Statement> = None;
        let mut body = None;
        for c in pair.clone().into_inner() {
            match c.as_rule() {
                Rule::kw_explain => wrapper = Some(Statement::Explain),
                Rule::kw_profile => wrapper = Some(Statement::Profile),
                Rule::show_statement => body = Some(Statement::Show(show_kind(&c))),
                Rule::query => body = Some(Statement::Query(self.query(c)?)),
                _ => {}
            }
        }
        let body = body.ok_or_else(|| self.internal(&pair, "a query"))?;
        Ok(match wrapper {
            Some(wrap) => wrap(Box::new(body)),
            None => body,
        })
    }

    fn query(&self, pair: Pair<'_, Rule>) -> Result<Query> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        let mut union_all: Vec<bool> = Vec::new();
        for c in pair.into_inner() {
            match c.as_rule() {
                Rule::single_query => parts.push(self.single_query(c)?),
                Rule::union => {
                    let all = has(&c, Rule::kw_all);
                    if union_all.first().is_some_and(|&first| first != all) {
                        return Err(self.error(
                            self.span(&c).start,
                            "InvalidClauseComposition",
                            "UNION and UNION ALL cannot be mixed in one query".into(),
                        ));
                    }
                    union_all.push(all);
                }
                _ => {}
            }
        }
        Ok(Query {
            parts,
            union_all,
            span,
        })
    }

    fn single_query(&self, pair: Pair<'_, Rule>) -> Result<SingleQuery> {
        let span = self.span(&pair);
        let clauses = pair.into_inner().map(|c| self.clause(c)).collect::<Result<_>>()?;
        Ok(SingleQuery { clauses, span })
    }

    // ------------------------------------------------------------ clauses

    fn clause(&self, pair: Pair<'_, Rule>) -> Result<Clause> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::match_clause => ClauseKind::Match {
                optional: has(&pair, Rule::kw_optional),
                patterns: self.pattern_list(self.required(&pair, Rule::pattern_list)?)?,
                where_: self.where_clause(&pair)?,
            },
            Rule::unwind_clause => ClauseKind::Unwind {
                expr: self.expr(self.required(&pair, Rule::expression)?)?,
                var: self.ident(&self.required(&pair, Rule::variable)?)?,
            },
            Rule::with_clause => {
                let mut projection = self.projection(self.required(&pair, Rule::projection)?)?;
                projection.where_ = self.where_clause(&pair)?;
                ClauseKind::With(projection)
            }
            Rule::return_clause => {
                ClauseKind::Return(self.projection(self.required(&pair, Rule::projection)?)?)
            }
            Rule::create_clause => ClauseKind::Create {
                patterns: self.pattern_list(self.required(&pair, Rule::pattern_list)?)?,
            },
            Rule::merge_clause => {
                let pattern = self.pattern_part(self.required(&pair, Rule::pattern_part)?)?;
                let mut on_create = Vec::new();
                let mut on_match = Vec::new();
                for action in children(&pair, Rule::merge_action) {
                    let items = self.set_items(&self.required(&action, Rule::set_clause)?)?;
                    if has(&action, Rule::kw_create) {
                        on_create.extend(items);
                    } else {
                        on_match.extend(items);
                    }
                }
                ClauseKind::Merge {
                    pattern,
                    on_create,
                    on_match,
                }
            }
            Rule::set_clause => ClauseKind::Set {
                items: self.set_items(&pair)?,
            },
            Rule::remove_clause => ClauseKind::Remove {
                items: pair
                    .clone()
                    .into_inner()
                    .filter(|c| matches!(c.as_rule(), Rule::remove_labels | Rule::remove_property))
                    .map(|c| self.remove_item(c))
                    .collect::<Result<_>>()?,
            },
            Rule::delete_clause => ClauseKind::Delete {
                detach: has(&pair, Rule::kw_detach),
                exprs: self.exprs(&pair)?,
            },
            _ => return Err(self.internal(&pair, "a clause")),
        };
        Ok(Clause { kind, span })
    }

    fn where_clause(&self, pair: &Pair<'_, Rule>) -> Result<Option<Expr>> {
        child(pair, Rule::where_clause)
            .map(|w| self.expr(self.required(&w, Rule::expression)?))
            .transpose()
    }

    fn projection(&self, pair: Pair<'_, Rule>) -> Result<Projection> {
        let mut p = Projection {
            distinct: false,
            star: false,
            items: Vec::new(),
            order_by: Vec::new(),
            skip: None,
            limit: None,
            where_: None,
        };
        for c in pair.into_inner() {
            match c.as_rule() {
                Rule::kw_distinct => p.distinct = true,
                Rule::projection_items => {
                    for item in c.into_inner() {
                        match item.as_rule() {
                            Rule::star => p.star = true,
                            Rule::projection_item => p.items.push(self.projection_item(item)?),
                            _ => {}
                        }
                    }
                }
                Rule::order_by => {
                    for s in children(&c, Rule::sort_item) {
                        p.order_by.push(SortItem {
                            expr: self.expr(self.required(&s, Rule::expression)?)?,
                            descending: has(&s, Rule::kw_desc) || has(&s, Rule::kw_descending),
                        });
                    }
                }
                Rule::skip => p.skip = Some(self.expr(self.required(&c, Rule::expression)?)?),
                Rule::limit => p.limit = Some(self.expr(self.required(&c, Rule::expression)?)?),
                _ => {}
            }
        }
        Ok(p)
    }

    fn projection_item(&self, pair: Pair<'_, Rule>) -> Result<ProjectionItem> {
        let e = self.required(&pair, Rule::expression)?;
        let text = self.span(&e).slice(self.text).to_string();
        Ok(ProjectionItem {
            expr: self.expr(e)?,
            alias: child(&pair, Rule::variable).map(|v| self.ident(&v)).transpose()?,
            text,
        })
    }

    fn set_items(&self, set_clause: &Pair<'_, Rule>) -> Result<Vec<SetItem>> {
        set_clause
            .clone()
            .into_inner()
            .filter(|c| c.as_rule() != Rule::kw_set && c.as_rule() != Rule::comma)
            .map(|c| self.set_item(c))
            .collect()
    }

    fn set_item(&self, pair: Pair<'_, Rule>) -> Result<SetItem> {
        let value = || self.expr(self.required(&pair, Rule::expression)?);
        let var = || self.ident(&self.required(&pair, Rule::variable)?);
        Ok(match pair.as_rule() {
            Rule::set_property => {
                let (target, key) = self.property_target(self.required(&pair, Rule::property_target)?)?;
                SetItem::Property {
                    target,
                    key,
                    value: value()?,
                }
            }
            Rule::set_merge => SetItem::Merge {
                var: var()?,
                value: value()?,
            },
            Rule::set_replace => SetItem::Replace {
                var: var()?,
                value: value()?,
            },
            Rule::set_labels => SetItem::Labels {
                var: var()?,
                labels: self.labels(&self.required(&pair, Rule::node_labels)?)?,
            },
            _ => return Err(self.internal(&pair, "a SET item")),
        })
    }

    fn remove_item(&self, pair: Pair<'_, Rule>) -> Result<RemoveItem> {
        Ok(match pair.as_rule() {
            Rule::remove_labels => RemoveItem::Labels {
                var: self.ident(&self.required(&pair, Rule::variable)?)?,
                labels: self.labels(&self.required(&pair, Rule::node_labels)?)?,
            },
            _ => {
                let (target, key) = self.property_target(self.required(&pair, Rule::property_target)?)?;
                RemoveItem::Property { target, key }
            }
        })
    }

    /// `atom.a.b.key`: the atom with all lookups but the last, and the last
    /// key.
    fn property_target(&self, pair: Pair<'_, Rule>) -> Result<(Expr, Ident)> {
        let mut inner = pair.clone().into_inner();
        let atom = inner.next().ok_or_else(|| self.internal(&pair, "an atom"))?;
        let primary = self.primary(atom)?;
        let mut target = self.settle(primary)?;
        let lookups: Vec<Pair<'_, Rule>> = inner.collect();
        let Some((last, init)) = lookups.split_last() else {
            return Err(self.internal(&pair, "a property lookup"));
        };
        for lookup in init {
            let key = self.ident(&self.required(lookup, Rule::property_key)?)?;
            let span = target.span.to(key.span);
            target = Expr::new(
                ExprKind::Property {
                    expr: Box::new(target),
                    key,
                },
                span,
            );
        }
        let key = self.ident(&self.required(last, Rule::property_key)?)?;
        Ok((target, key))
    }

    // ------------------------------------------------------------ patterns

    fn pattern_list(&self, pair: Pair<'_, Rule>) -> Result<Vec<Pattern>> {
        children(&pair, Rule::pattern_part)
            .map(|p| self.pattern_part(p))
            .collect()
    }

    fn pattern_part(&self, pair: Pair<'_, Rule>) -> Result<Pattern> {
        let span = self.span(&pair);
        let path_var = child(&pair, Rule::variable).map(|v| self.ident(&v)).transpose()?;
        let mut pattern = if let Some(sp) = child(&pair, Rule::shortest_path) {
            let kind = if has(&sp, Rule::kw_all_shortest_paths) {
                PatternKind::AllShortest
            } else {
                PatternKind::Shortest
            };
            self.chain(self.required(&sp, Rule::pattern_chain)?, kind)?
        } else {
            self.chain(self.required(&pair, Rule::pattern_chain)?, PatternKind::Plain)?
        };
        pattern.path_var = path_var;
        pattern.span = span;
        Ok(pattern)
    }

    /// A `pattern_chain` or `rel_chain`.
    fn chain(&self, pair: Pair<'_, Rule>, mut kind: PatternKind) -> Result<Pattern> {
        let span = self.span(&pair);
        let mut start = None;
        let mut steps = Vec::new();
        let mut pending_rel = None;
        for c in pair.clone().into_inner() {
            match c.as_rule() {
                Rule::node_pattern => {
                    let node = self.node_pattern(c)?;
                    match pending_rel.take() {
                        Some(rel) => steps.push((rel, node)),
                        None => start = Some(node),
                    }
                }
                Rule::rel_pattern => {
                    let (rel, shortest) = self.rel_pattern(c)?;
                    if let Some(k) = shortest {
                        kind = k;
                    }
                    pending_rel = Some(rel);
                }
                _ => {}
            }
        }
        let start = start.ok_or_else(|| self.internal(&pair, "a node pattern"))?;
        Ok(Pattern {
            path_var: None,
            kind,
            start,
            steps,
            span,
        })
    }

    fn node_pattern(&self, pair: Pair<'_, Rule>) -> Result<NodePattern> {
        let span = self.span(&pair);
        let mut node = NodePattern {
            var: None,
            labels: Vec::new(),
            properties: None,
            span,
        };
        for c in pair.into_inner() {
            match c.as_rule() {
                Rule::variable => node.var = Some(self.ident(&c)?),
                Rule::node_labels => node.labels = self.labels(&c)?,
                Rule::map_literal | Rule::parameter => {
                    node.properties = Some(self.properties(c)?);
                }
                _ => {}
            }
        }
        Ok(node)
    }

    /// A relationship pattern, and the shortest-path kind if it used Kuzu's
    /// `* SHORTEST` spelling.
    fn rel_pattern(&self, pair: Pair<'_, Rule>) -> Result<(RelPattern, Option<PatternKind>)> {
        let span = self.span(&pair);
        let direction = match (has(&pair, Rule::arrow_left), has(&pair, Rule::arrow_right)) {
            (false, true) => Direction::Outgoing,
            (true, false) => Direction::Incoming,
            _ => Direction::Both,
        };
        let mut rel = RelPattern {
            var: None,
            types: Vec::new(),
            direction,
            length: None,
            properties: None,
            span,
        };
        let mut shortest = None;
        if let Some(detail) = child(&pair, Rule::rel_detail) {
            for c in detail.into_inner() {
                match c.as_rule() {
                    Rule::variable => rel.var = Some(self.ident(&c)?),
                    Rule::rel_types => {
                        rel.types = children(&c, Rule::rel_type_name)
                            .map(|t| self.ident(&t))
                            .collect::<Result<_>>()?;
                    }
                    Rule::var_length => {
                        let (length, kind) = self.var_length(c)?;
                        rel.length = Some(length);
                        shortest = kind;
                    }
                    Rule::map_literal | Rule::parameter => {
                        rel.properties = Some(self.properties(c)?);
                    }
                    _ => {}
                }
            }
        }
        Ok((rel, shortest))
    }

    fn var_length(&self, pair: Pair<'_, Rule>) -> Result<(VarLength, Option<PatternKind>)> {
        let mut length = VarLength { min: None, max: None };
        let mut kind = None;
        for c in pair.into_inner() {
            match c.as_rule() {
                Rule::shortest_mode => {
                    kind = Some(if has(&c, Rule::kw_all) {
                        PatternKind::AllShortest
                    } else {
                        PatternKind::Shortest
                    });
                }
                Rule::range_exact => {
                    let n = self.bound(&c)?;
                    length.min = Some(n);
                    length.max = Some(n);
                }
                Rule::range_lo => length.min = Some(self.bound(&c)?),
                Rule::range_hi => length.max = Some(self.bound(&c)?),
                _ => {}
            }
        }
        Ok((length, kind))
    }

    fn bound(&self, pair: &Pair<'_, Rule>) -> Result<u64> {
        pair.as_str().parse().map_err(|_| {
            self.error(
                self.span(pair).start,
                "IntegerOverflow",
                format!("the length bound `{}` is too large", pair.as_str()),
            )
        })
    }

    fn properties(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        match pair.as_rule() {
            Rule::map_literal => self.map_literal(pair),
            _ => Ok(Expr::new(
                ExprKind::Parameter(self.parameter_name(&pair)?),
                self.span(&pair),
            )),
        }
    }

    fn labels(&self, node_labels: &Pair<'_, Rule>) -> Result<Vec<Ident>> {
        children(node_labels, Rule::label_name)
            .map(|l| self.ident(&l))
            .collect()
    }

    // ------------------------------------------------------------ expressions

    /// An `expression` pair: the Pratt fold over its flat sequence.
    pub(super) fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        // Each operator can add a level to the tree (and each prefix
        // operator a recursive call of the Pratt parser), so operators count
        // against the depth budget like nesting does. Checked before
        // folding, so that nothing deep is ever built.
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| is_operator(p.as_rule()))
            .count();
        let _guard = self.enter(1 + operators, span.start)?;
        let operand = PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| self.prefix(op, rhs?))
            .map_postfix(|lhs, op| self.postfix(lhs?, op))
            .map_infix(|lhs, op, rhs| self.infix(lhs?, op, rhs?))
            .parse(pair.into_inner())?;
        self.settle(operand)
    }

    /// The finished expression of an operand; fails for a lone
    /// 9223372036854775808, which only a unary minus makes valid.
    fn settle(&self, operand: Operand) -> Result<Expr> {
        if operand.min_int {
            return Err(self.overflow(operand.expr.span));
        }
        Ok(operand.expr)
    }

    fn overflow(&self, span: Span) -> QueryError {
        self.error(
            span.start,
            "IntegerOverflow",
            format!(
                "the integer `{}` does not fit in 64 bits (integers range from \
                 -9223372036854775808 to 9223372036854775807)",
                span.slice(self.text)
            ),
        )
    }

    fn prefix(&self, op: Pair<'_, Rule>, rhs: Operand) -> Result<Operand> {
        let span = self.span(&op).to(rhs.expr.span);
        let unary = |op, expr: Expr| {
            Ok(Operand::plain(Expr::new(
                ExprKind::Unary {
                    op,
                    expr: Box::new(expr),
                },
                span,
            )))
        };
        match op.as_rule() {
            Rule::op_neg if rhs.min_int => Ok(Operand::plain(Expr::new(
                ExprKind::Literal(Value::Int(i64::MIN)),
                span,
            ))),
            Rule::op_neg => {
                // Negative literals are folded so that `-1` is a constant,
                // like `1`, for whoever looks at the tree next.
                let folded = match &rhs.expr.kind {
                    ExprKind::Literal(Value::Int(i)) => i.checked_neg().map(Value::Int),
                    ExprKind::Literal(Value::Float(f)) => Some(Value::Float(-f)),
                    _ => None,
                };
                match folded {
                    Some(v) => Ok(Operand::plain(Expr::new(ExprKind::Literal(v), span))),
                    None => unary(UnaryOp::Neg, rhs.expr),
                }
            }
            Rule::op_pos => unary(UnaryOp::Plus, self.settle(rhs)?),
            Rule::op_not => unary(UnaryOp::Not, self.settle(rhs)?),
            _ => Err(self.internal(&op, "a prefix operator")),
        }
    }

    fn postfix(&self, lhs: Operand, op: Pair<'_, Rule>) -> Result<Operand> {
        let lhs = Box::new(self.settle(lhs)?);
        let span = lhs.span.to(self.span(&op));
        let kind = match op.as_rule() {
            Rule::op_is_null => ExprKind::IsNull {
                expr: lhs,
                negated: false,
            },
            Rule::op_is_not_null => ExprKind::IsNull {
                expr: lhs,
                negated: true,
            },
            Rule::property_lookup => ExprKind::Property {
                expr: lhs,
                key: self.ident(&self.required(&op, Rule::property_key)?)?,
            },
            Rule::subscript => {
                let lo = child(&op, Rule::subscript_lo)
                    .map(|p| self.boxed_expr(&p))
                    .transpose()?;
                let hi = child(&op, Rule::subscript_hi)
                    .map(|p| self.boxed_expr(&p))
                    .transpose()?;
                match (has(&op, Rule::range_dots), lo) {
                    (true, from) => ExprKind::Slice {
                        expr: lhs,
                        from,
                        to: hi,
                    },
                    (false, Some(index)) => ExprKind::Index { expr: lhs, index },
                    (false, None) => return Err(self.internal(&op, "an index")),
                }
            }
            Rule::label_test => ExprKind::HasLabels {
                expr: lhs,
                labels: self.labels(&self.required(&op, Rule::node_labels)?)?,
            },
            _ => return Err(self.internal(&op, "a postfix operator")),
        };
        Ok(Operand::plain(Expr::new(kind, span)))
    }

    /// The expression inside a wrapper rule such as `subscript_lo`.
    fn boxed_expr(&self, wrapper: &Pair<'_, Rule>) -> Result<Box<Expr>> {
        Ok(Box::new(self.expr(self.required(wrapper, Rule::expression)?)?))
    }

    fn infix(&self, lhs: Operand, op: Pair<'_, Rule>, rhs: Operand) -> Result<Operand> {
        let chained = lhs.chained;
        let lhs = self.settle(lhs)?;
        let rhs = self.settle(rhs)?;
        let bop = match op.as_rule() {
            Rule::op_or => BinaryOp::Or,
            Rule::op_xor => BinaryOp::Xor,
            Rule::op_and => BinaryOp::And,
            Rule::op_eq => BinaryOp::Eq,
            Rule::op_ne if op.as_str() == "!=" => {
                return Err(self.error(
                    self.span(&op).start,
                    "UnexpectedSyntax",
                    "`!=` is not a Cypher operator; write `<>` for \"not equal\"".into(),
                ));
            }
            Rule::op_ne => BinaryOp::Ne,
            Rule::op_lt => BinaryOp::Lt,
            Rule::op_gt => BinaryOp::Gt,
            Rule::op_le => BinaryOp::Le,
            Rule::op_ge => BinaryOp::Ge,
            Rule::op_regex => BinaryOp::RegexMatch,
            Rule::op_starts_with => BinaryOp::StartsWith,
            Rule::op_ends_with => BinaryOp::EndsWith,
            Rule::op_contains => BinaryOp::Contains,
            Rule::op_in => BinaryOp::In,
            Rule::op_add => BinaryOp::Add,
            Rule::op_sub => BinaryOp::Sub,
            Rule::op_mul => BinaryOp::Mul,
            Rule::op_div => BinaryOp::Div,
            Rule::op_mod => BinaryOp::Mod,
            Rule::op_pow => BinaryOp::Pow,
            _ => return Err(self.internal(&op, "an operator")),
        };
        let span = lhs.span.to(rhs.span);
        let binary = |op, lhs: Expr, rhs: Expr, span| {
            Expr::new(
                ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            )
        };
        if !bop.is_comparison() {
            return Ok(Operand::plain(binary(bop, lhs, rhs, span)));
        }
        // `a < b < c` means `a < b AND b < c`: the new comparison starts from
        // the right operand of the previous one.
        let previous = if chained {
            last_comparison_operand(&lhs).cloned()
        } else {
            None
        };
        let expr = match previous {
            Some(middle) => {
                let link_span = middle.span.to(rhs.span);
                let link = binary(bop, middle, rhs, link_span);
                binary(BinaryOp::And, lhs, link, span)
            }
            None => binary(bop, lhs, rhs, span),
        };
        Ok(Operand {
            expr,
            chained: true,
            min_int: false,
        })
    }

    /// An operand of the Pratt fold.
    ///
    /// Only a dispatcher: each form is built by its own function. Nested
    /// expressions recurse through here, and in unoptimised builds a
    /// function's frame holds the locals of all its match arms at once; one
    /// big match here cost ~20 KiB of stack per nesting level.
    fn primary(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        match pair.as_rule() {
            Rule::number => self.number(&pair),
            Rule::map_literal => Ok(Operand::plain(self.map_literal(pair)?)),
            Rule::paren_expr => self.paren_expr(pair),
            Rule::list_literal => self.list_literal(pair),
            Rule::case_expr => self.case_expr(pair),
            Rule::list_comprehension => self.list_comprehension(pair),
            Rule::pattern_comprehension => self.pattern_comprehension(pair),
            Rule::quantifier => self.quantifier(pair),
            Rule::exists_expr => self.exists_expr(pair),
            Rule::function_call => self.function_call(pair),
            Rule::pattern_expr => self.pattern_expr(pair),
            Rule::date_literal => self.date_literal(pair),
            _ => self.simple_primary(pair),
        }
    }

    fn operand(&self, kind: ExprKind, pair: &Pair<'_, Rule>) -> Result<Operand> {
        Ok(Operand::plain(Expr::new(kind, self.span(pair))))
    }

    /// Operands without sub-expressions.
    fn simple_primary(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let kind = match pair.as_rule() {
            Rule::string => ExprKind::Literal(Value::from(self.string(&pair)?)),
            Rule::parameter => ExprKind::Parameter(self.parameter_name(&pair)?),
            Rule::kw_true => ExprKind::Literal(Value::Bool(true)),
            Rule::kw_false => ExprKind::Literal(Value::Bool(false)),
            Rule::kw_null => ExprKind::Literal(Value::Null),
            Rule::count_star => ExprKind::CountStar,
            Rule::variable => ExprKind::Variable(self.ident(&pair)?.name),
            _ => return Err(self.internal(&pair, "an operand")),
        };
        self.operand(kind, &pair)
    }

    fn paren_expr(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        // The span grows to include the parentheses: it is where the user
        // wrote this operand.
        let inner = self.expr(self.required(&pair, Rule::expression)?)?;
        self.operand(inner.kind, &pair)
    }

    fn list_literal(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let items = self.exprs(&pair)?;
        self.operand(ExprKind::List(items), &pair)
    }

    /// The `expression` children of `pair`. A plain loop rather than
    /// iterator adapters: this is on the recursion path of nested
    /// expressions, and each adapter is a stack frame in debug builds.
    fn exprs(&self, pair: &Pair<'_, Rule>) -> Result<Vec<Expr>> {
        let mut out = Vec::new();
        for c in pair.clone().into_inner() {
            if c.as_rule() == Rule::expression {
                out.push(self.expr(c)?);
            }
        }
        Ok(out)
    }

    fn list_comprehension(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let kind = ExprKind::ListComprehension {
            var: self.ident(&self.required(&pair, Rule::variable)?)?,
            list: Box::new(self.expr(self.required(&pair, Rule::expression)?)?),
            filter: self.comprehension_part(&pair, Rule::comp_where)?,
            map: self.comprehension_part(&pair, Rule::comp_map)?,
        };
        self.operand(kind, &pair)
    }

    fn pattern_comprehension(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let mut pattern = self.chain(self.required(&pair, Rule::rel_chain)?, PatternKind::Plain)?;
        if let Some(v) = child(&pair, Rule::variable) {
            let var = self.ident(&v)?;
            pattern.span = var.span.to(pattern.span);
            pattern.path_var = Some(var);
        }
        let kind = ExprKind::PatternComprehension {
            pattern: Box::new(pattern),
            filter: self.comprehension_part(&pair, Rule::comp_where)?,
            map: self
                .comprehension_part(&pair, Rule::comp_map)?
                .ok_or_else(|| self.internal(&pair, "`|`"))?,
        };
        self.operand(kind, &pair)
    }

    fn quantifier(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let kind_pair = self.required(&pair, Rule::quantifier_kind)?;
        let kind = if has(&kind_pair, Rule::kw_all) {
            Quantifier::All
        } else if has(&kind_pair, Rule::kw_any) {
            Quantifier::Any
        } else if has(&kind_pair, Rule::kw_none) {
            Quantifier::None
        } else {
            Quantifier::Single
        };
        let kind = ExprKind::Quantifier {
            kind,
            var: self.ident(&self.required(&pair, Rule::variable)?)?,
            list: Box::new(self.expr(self.required(&pair, Rule::expression)?)?),
            predicate: self
                .comprehension_part(&pair, Rule::comp_where)?
                .ok_or_else(|| self.internal(&pair, "WHERE"))?,
        };
        self.operand(kind, &pair)
    }

    /// `exists(pattern)`, or the older `exists(n.prop)`, which is a function
    /// call like any other.
    fn exists_expr(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let arg = self.expr(self.required(&pair, Rule::expression)?)?;
        let kind = match arg.kind {
            ExprKind::PatternExpr(pattern) => ExprKind::Exists(pattern),
            kind => {
                let keyword = self.required(&pair, Rule::kw_exists)?;
                ExprKind::FunctionCall {
                    name: Ident {
                        name: keyword.as_str().to_string(),
                        span: self.span(&keyword),
                    },
                    distinct: false,
                    args: vec![Expr::new(kind, arg.span)],
                }
            }
        };
        self.operand(kind, &pair)
    }

    fn function_call(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let name = self.required(&pair, Rule::function_name)?;
        let kind = ExprKind::FunctionCall {
            name: Ident {
                name: self.dotted_name(&name)?,
                span: self.span(&name),
            },
            distinct: has(&pair, Rule::kw_distinct),
            args: self.exprs(&pair)?,
        };
        self.operand(kind, &pair)
    }

    fn pattern_expr(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let chain = self.chain(self.required(&pair, Rule::rel_chain)?, PatternKind::Plain)?;
        self.operand(ExprKind::PatternExpr(Box::new(chain)), &pair)
    }

    /// The expression of an optional `WHERE` or `| map` part of a
    /// comprehension or quantifier.
    fn comprehension_part(&self, pair: &Pair<'_, Rule>, rule: Rule) -> Result<Option<Box<Expr>>> {
        child(pair, rule).map(|p| self.boxed_expr(&p)).transpose()
    }

    fn case_expr(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let mut operand = None;
        let mut whens = Vec::new();
        let mut else_ = None;
        for c in pair.clone().into_inner() {
            match c.as_rule() {
                Rule::case_operand => operand = Some(self.boxed_expr(&c)?),
                Rule::case_else => else_ = Some(self.boxed_expr(&c)?),
                Rule::case_when => {
                    let mut exprs = children(&c, Rule::expression);
                    match (exprs.next(), exprs.next()) {
                        (Some(w), Some(t)) => whens.push((self.expr(w)?, self.expr(t)?)),
                        _ => return Err(self.internal(&c, "WHEN ... THEN ...")),
                    }
                }
                _ => {}
            }
        }
        self.operand(
            ExprKind::Case {
                operand,
                whens,
                else_,
            },
            &pair,
        )
    }

    fn map_literal(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        for e in children(&pair, Rule::map_entry) {
            let key = self.ident(&self.required(&e, Rule::property_key)?)?;
            let value = self.expr(self.required(&e, Rule::expression)?)?;
            entries.push((key, value));
        }
        Ok(Expr::new(ExprKind::Map(entries), span))
    }

    // ------------------------------------------------------------ literals

    /// `DATE '2016-06-16'`: the string must be an existing calendar date.
    fn date_literal(&self, pair: Pair<'_, Rule>) -> Result<Operand> {
        let span = self.span(&pair);
        let Some(text) = pair.into_inner().find(|p| p.as_rule() == Rule::string) else {
            return Err(self.error(
                span.start,
                "UnexpectedSyntax",
                "expected a date string after DATE".into(),
            ));
        };
        let written = self.string(&text)?;
        match crate::model::Date::parse(&written) {
            Some(date) => Ok(Operand::plain(Expr::new(
                ExprKind::Literal(Value::Date(date)),
                span,
            ))),
            None => Err(self.error(
                self.span(&text).start,
                "InvalidDateLiteral",
                format!("'{written}' is not a calendar date written YYYY-MM-DD"),
            )),
        }
    }

    fn number(&self, pair: &Pair<'_, Rule>) -> Result<Operand> {
        let span = self.span(pair);
        let raw = pair.as_str();
        let lower = raw.to_ascii_lowercase();
        let invalid = || {
            self.error(
                span.start,
                "InvalidNumberLiteral",
                format!("invalid number `{raw}`"),
            )
        };
        let literal = |v| Ok(Operand::plain(Expr::new(ExprKind::Literal(v), span)));
        let integer = |digits: &str, radix: u32| {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return Err(invalid());
            }
            match u64::from_str_radix(digits, radix) {
                Ok(v) => match i64::try_from(v) {
                    Ok(i) => literal(Value::Int(i)),
                    Err(_) if v == 1 << 63 => Ok(Operand {
                        expr: Expr::new(ExprKind::Literal(Value::Int(i64::MAX)), span),
                        chained: false,
                        min_int: true,
                    }),
                    Err(_) => Err(self.overflow(span)),
                },
                // The digits are valid, so the only failure is size.
                Err(_) => Err(self.overflow(span)),
            }
        };
        if let Some(hex) = lower.strip_prefix("0x") {
            integer(hex, 16)
        } else if let Some(oct) = lower.strip_prefix("0o") {
            integer(oct, 8)
        } else if lower.contains(['.', 'e']) {
            let f: f64 = lower.parse().map_err(|_| invalid())?;
            if f.is_infinite() {
                return Err(self.error(
                    span.start,
                    "FloatingPointOverflow",
                    format!("the number `{raw}` is too large for a 64-bit float"),
                ));
            }
            literal(Value::Float(f))
        } else if lower.len() > 1 && lower.starts_with('0') {
            // A leading zero marks an octal literal (the older spelling of 0o).
            integer(&lower[1..], 8)
        } else {
            integer(&lower, 10)
        }
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> Result<String> {
        let raw = pair.as_str();
        let start = self.span(pair).start;
        let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            // +1 for the opening quote.
            let at = start + 1 + i;
            let Some((_, e)) = chars.next() else {
                return Err(self.error(
                    at,
                    "UnexpectedSyntax",
                    "a string cannot end with a lone `\\`".into(),
                ));
            };
            out.push(match e {
                'n' | 'N' => '\n',
                't' | 'T' => '\t',
                'r' | 'R' => '\r',
                'b' | 'B' => '\u{8}',
                'f' | 'F' => '\u{c}',
                '\\' | '\'' | '"' => e,
                'u' | 'U' => {
                    let len = if e == 'u' { 4 } else { 8 };
                    let hex: String = chars.by_ref().take(len).map(|(_, c)| c).collect();
                    let code = (hex.chars().count() == len && hex.chars().all(|c| c.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(&hex, 16).ok())
                        .flatten();
                    match code.and_then(char::from_u32) {
                        Some(ch) => ch,
                        None => {
                            return Err(self.error(
                                at,
                                "InvalidUnicodeLiteral",
                                format!(
                                    "invalid unicode escape `\\{e}{hex}`: `\\{e}` must be \
                                     followed by {len} hexadecimal digits naming a character"
                                ),
                            ));
                        }
                    }
                }
                other => {
                    return Err(self.error(
                        at,
                        "UnexpectedSyntax",
                        format!(
                            "invalid escape `\\{other}` in a string; the escapes are \\n \\t \
                             \\r \\b \\f \\' \\\" \\\\ and \\uXXXX (write `\\\\` for a backslash)"
                        ),
                    ));
                }
            });
        }
        Ok(out)
    }

    /// A name pair (`variable`, `label_name`, ...) as an [`Ident`], with
    /// back-quotes removed.
    fn ident(&self, pair: &Pair<'_, Rule>) -> Result<Ident> {
        let span = self.span(pair);
        Ok(Ident {
            name: self.unquote(pair.as_str(), span.start)?,
            span,
        })
    }

    fn unquote(&self, raw: &str, offset: usize) -> Result<String> {
        match raw.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
            Some("") => Err(self.error(
                offset,
                "UnexpectedSyntax",
                "a back-quoted name cannot be empty".into(),
            )),
            Some(inner) => Ok(inner.replace("``", "`")),
            None => Ok(raw.to_string()),
        }
    }

    fn parameter_name(&self, pair: &Pair<'_, Rule>) -> Result<String> {
        let raw = pair.as_str();
        self.unquote(raw.get(1..).unwrap_or(""), self.span(pair).start + 1)
    }

    /// A function name such as `toUpper` or `` db.`my fn` ``: segments are
    /// unquoted one by one and joined with dots.
    fn dotted_name(&self, pair: &Pair<'_, Rule>) -> Result<String> {
        let raw = pair.as_str();
        if !raw.contains('`') {
            return Ok(raw.to_string());
        }
        let start = self.span(pair).start;
        let mut out = String::new();
        let mut rest = raw;
        let mut offset = start;
        loop {
            // A segment ends at the first dot outside back-quotes.
            let mut quoted = false;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    if c == '`' {
                        quoted = !quoted;
                    }
                    c == '.' && !quoted
                })
                .map_or(rest.len(), |(i, _)| i);
            out.push_str(&self.unquote(&rest[..end], offset)?);
            if end == rest.len() {
                return Ok(out);
            }
            out.push('.');
            offset += end + 1;
            rest = &rest[end + 1..];
        }
    }
}

/// The right operand of the last comparison in a chain: `b` in `a < b`, `c`
/// in `a < b AND b < c`.
fn last_comparison_operand(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            rhs,
            ..
        } => match &rhs.kind {
            ExprKind::Binary { op, rhs, .. } if op.is_comparison() => Some(rhs),
            _ => None,
        },
        ExprKind::Binary { op, rhs, .. } if op.is_comparison() => Some(rhs),
        _ => None,
    }
}

fn show_kind(pair: &Pair<'_, Rule>) -> ShowKind {
    if has(pair, Rule::kw_schema) {
        ShowKind::Schema
    } else if has(pair, Rule::kw_labels) {
        ShowKind::Labels
    } else if has(pair, Rule::kw_relationship) {
        ShowKind::RelationshipTypes
    } else {
        ShowKind::PropertyKeys
    }
}
