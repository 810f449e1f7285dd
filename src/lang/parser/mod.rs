//! Text to [`ast`](crate::lang::ast): a pest grammar behind three functions.
//!
//! Parsing runs in four steps:
//! 1. [`scan`] tokenizes roughly, rejecting unterminated strings and comments
//!    and nesting deeper than [`scan::MAX_NESTING`] before any recursion
//!    happens, blanks comments out, and (for scripts) splits statements at
//!    `;`.
//! 2. pest parses each statement against `grammar/cypher.pest` under a call
//!    budget ([`CALL_LIMIT`]), so no input can make it run away.
//! 3. [`build`] turns pest's pairs into the AST, folding operators by
//!    precedence and decoding literals.
//! 4. [`check`] rejects the structural mistakes the TCK counts as syntax
//!    errors (clause order, unaliased WITH items, undirected CREATE).
//!
//! Every failure is a [`QueryError`] of class `SyntaxError` with a detail
//! code, a position, and a message naming what was found and expected.

mod build;
mod check;
mod errors;
mod grammar;
mod scan;

// The REPL's forgiving lexer skips strings and quoted names the same way.
pub(crate) use scan::{closing_backquote, closing_quote};

pub use build::MAX_EXPRESSION_DEPTH;
pub use scan::MAX_NESTING;

use crate::error::{ErrorClass, Position, QueryError};
use crate::lang::ast::{Expr, Span, Statement};
use grammar::{CypherParser, Rule};
use pest::Parser;
use std::num::NonZeroUsize;

/// The most parser steps (pest rule and combinator calls) one statement may
/// take. A hand-written query takes a few thousand; a single statement
/// creating some 200,000 nodes fits. What the budget stops is input that
/// makes the backtracking parser work without end, within a few seconds.
///
/// pest's limit is process-wide, and the fact-file parser sets it too: both
/// use this same value, so neither changes the other's budget.
pub const CALL_LIMIT: usize = 50_000_000;

/// Sets pest's call limit. Every parse does, rather than once, so that a
/// different limit set elsewhere in the process cannot leak into queries.
fn init() {
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
}

/// A syntax error at byte `offset` of `text`.
fn syntax_error(text: &str, offset: usize, detail: &str, message: String) -> QueryError {
    QueryError::new(ErrorClass::SyntaxError, message)
        .with_detail(detail)
        .at(Position::of_offset(text, offset))
}

/// Parses one statement. A trailing `;` is allowed; a second statement is
/// not (use [`parse_script`]).
///
/// # Errors
/// A `SyntaxError` [`QueryError`] with the position of the problem.
///
/// # Example
/// ```
/// use attest::lang::ast::{ClauseKind, Statement};
/// use attest::lang::parse;
///
/// match parse("MATCH (e:Event)-[:AGENT]->(a:Actor) RETURN a.name AS name, e.kind")? {
///     Statement::Query(query) => {
///         let clauses = &query.parts[0].clauses;
///         assert!(matches!(&clauses[0].kind, ClauseKind::Match { optional: false, patterns, .. }
///             if patterns[0].steps.len() == 1));
///         let ClauseKind::Return(projection) = &clauses[1].kind else {
///             panic!("the last clause is RETURN");
///         };
///         let columns: Vec<&str> = projection.items.iter().map(|item| item.name()).collect();
///         assert_eq!(columns, ["name", "e.kind"]);
///     }
///     other => panic!("not a query: {other:?}"),
/// }
///
/// let err = parse("MATCH (a:Actor RETURN a").unwrap_err();
/// assert_eq!(err.class, attest::ErrorClass::SyntaxError);
/// assert_eq!(err.position.map(|p| p.line), Some(1));
/// # Ok::<(), attest::QueryError>(())
/// ```
pub fn parse(text: &str) -> Result<Statement, QueryError> {
    init();
    let scanned = scan::tokenize(text)?;
    let statements = scan::split_statements(text, &scanned.tokens);
    let Some(&(start, _)) = statements.first() else {
        return Err(syntax_error(
            text,
            text.len(),
            "UnexpectedSyntax",
            "the query is empty: expected a statement such as `MATCH (n) RETURN n`".into(),
        ));
    };
    // Only the first statement goes to pest. Handing it the whole text made
    // pest backtrack through everything after the first `;` before failing:
    // a 536-byte input of unclosed brackets after a `;` (found by the
    // query_parser fuzz target) took 0.2 s, against 0.1 ms for the first
    // statement alone.
    // pest still sees the `;` and what follows up to the second statement,
    // so errors and positions are those of a lone statement.
    let end = statements.get(1).map_or(text.len(), |&(second, _)| second);
    let input = scanned.pest_input(text);
    let statement = parse_statement(text, &input, start, end, &scanned.tokens)?;
    match statements.get(1) {
        Some(&(second, _)) => Err(syntax_error(
            text,
            second,
            "UnexpectedSyntax",
            "a second statement starts here: only one statement is allowed here (a script may hold several)"
                .into(),
        )),
        None => Ok(statement),
    }
}

/// Parses a script: statements separated by `;`, with comments anywhere and
/// empty statements skipped. Each statement comes with its span in `text`
/// (from its first token to its last), and every span inside the statements
/// is an offset into `text` too, so positions refer to the script.
///
/// ```
/// use attest::lang::parse_script;
///
/// let script = "CREATE (:Actor {name: 'Russia'});\n// a comment\nMATCH (a) RETURN a;;";
/// let statements = parse_script(script)?;
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[1].1.slice(script), "MATCH (a) RETURN a");
///
/// let err = parse_script("RETURN 1;\nRETURN (2;").unwrap_err();
/// assert_eq!(err.position.map(|p| p.line), Some(2));
/// # Ok::<(), attest::QueryError>(())
/// ```
///
/// # Errors
/// The first statement's syntax error, positioned in `text`.
pub fn parse_script(text: &str) -> Result<Vec<(Statement, Span)>, QueryError> {
    init();
    let scanned = scan::tokenize(text)?;
    let input = scanned.pest_input(text);
    scan::split_statements(text, &scanned.tokens)
        .into_iter()
        .map(|(start, end)| {
            let statement = parse_statement(text, &input, start, end, &scanned.tokens)?;
            Ok((statement, Span::new(start, end)))
        })
        .collect()
}

/// Parses a lone expression, such as `n.age > 30 AND n:Person`.
///
/// # Errors
/// A `SyntaxError` [`QueryError`] with the position of the problem.
pub fn parse_expression(text: &str) -> Result<Expr, QueryError> {
    init();
    let scanned = scan::tokenize(text)?;
    let input = scanned.pest_input(text);
    let pairs = CypherParser::parse(Rule::expression_input, &input)
        .map_err(|e| errors::from_pest(text, 0, &scanned.tokens, e))?;
    build::Builder::new(text, 0, &scanned.tokens).expression_input(pairs)
}

/// Parses the statement in `text[start..end]`; `input` is `text` with its
/// comments blanked, which is what pest sees.
fn parse_statement(
    text: &str,
    input: &str,
    start: usize,
    end: usize,
    tokens: &[scan::Token],
) -> Result<Statement, QueryError> {
    let slice = input.get(start..end).unwrap_or("");
    let pairs = CypherParser::parse(Rule::statement_input, slice)
        .map_err(|e| errors::from_pest(text, start, tokens, e))?;
    let statement = build::Builder::new(text, start, tokens).statement_input(pairs)?;
    check::statement(text, &statement)?;
    Ok(statement)
}

/// A script scanned once, whose statements are parsed one at a time: a
/// runner parses and runs each in turn, so the statements before a broken
/// one still run, and a long script is scanned only once.
pub struct Script<'t> {
    text: &'t str,
    scanned: scan::Scanned,
    input: std::borrow::Cow<'t, str>,
}

impl<'t> Script<'t> {
    /// Scans `text`.
    ///
    /// # Errors
    /// An unterminated string or comment, or nesting too deep, anywhere in
    /// `text`.
    pub fn new(text: &'t str) -> Result<Script<'t>, QueryError> {
        init();
        let scanned = scan::tokenize(text)?;
        let input = scanned.pest_input(text);
        Ok(Script { text, scanned, input })
    }

    /// The spans of the statements (split at `;`, comments and empty
    /// statements skipped).
    pub fn statements(&self) -> Vec<Span> {
        scan::split_statements(self.text, &self.scanned.tokens)
            .into_iter()
            .map(|(s, e)| Span::new(s, e))
            .collect()
    }

    /// Parses the statement at `span`; positions refer to the whole script.
    ///
    /// # Errors
    /// A `SyntaxError` [`QueryError`] with its position in the script.
    pub fn parse(&self, span: Span) -> Result<Statement, QueryError> {
        init();
        parse_statement(self.text, &self.input, span.start, span.end, &self.scanned.tokens)
    }
}
