//! Checks on the finished tree that need no knowledge of variables or the
//! store: clause order, UNION parts, aliases, and what CREATE and MERGE can
//! make. The openCypher TCK classes these as syntax errors, and each one is
//! cheaper to report here, with a position, than in the planner.
//!
//! Variable scoping (undefined or rebound variables) is the planner's job.

use super::syntax_error;
use crate::error::QueryError;
use crate::lang::ast::*;
use crate::model::Direction;
use std::collections::HashSet;

type Result<T = ()> = std::result::Result<T, QueryError>;

/// Checks one statement parsed from `text`.
pub(super) fn statement(text: &str, statement: &Statement) -> Result {
    match statement {
        Statement::Query(q) => query(text, q),
        Statement::Explain(inner) | Statement::Profile(inner) => self::statement(text, inner),
        Statement::Show(_) => Ok(()),
    }
}

fn error(text: &str, span: Span, detail: &str, message: String) -> QueryError {
    syntax_error(text, span.start, detail, message)
}

fn query(text: &str, q: &Query) -> Result {
    let union = q.parts.len() > 1;
    for part in &q.parts {
        clause_order(text, part, union)?;
        for clause in &part.clauses {
            self::clause(text, clause)?;
        }
    }
    Ok(())
}

/// RETURN comes last, and a query ends with RETURN or an updating clause
/// (a read-only query without RETURN would compute rows nobody sees).
fn clause_order(text: &str, part: &SingleQuery, union: bool) -> Result {
    let composition = "InvalidClauseComposition";
    for pair in part.clauses.windows(2) {
        if let ClauseKind::Return(_) = pair[0].kind {
            return Err(error(
                text,
                pair[1].span,
                composition,
                format!(
                    "{} cannot follow RETURN: RETURN ends a query (use WITH to pass rows on, \
                     or UNION to add another query)",
                    pair[1].kind.name()
                ),
            ));
        }
    }
    let Some(last) = part.clauses.last() else {
        return Ok(());
    };
    let returns = matches!(last.kind, ClauseKind::Return(_));
    if union && !returns {
        return Err(error(
            text,
            last.span,
            composition,
            "every query joined by UNION must end with RETURN".into(),
        ));
    }
    if !returns && !last.kind.is_updating() {
        return Err(error(
            text,
            last.span,
            composition,
            format!(
                "a query cannot end with {}: finish it with RETURN, or with a clause that \
                 changes the graph (CREATE, MERGE, SET, REMOVE, DELETE)",
                last.kind.name()
            ),
        ));
    }
    Ok(())
}

fn clause(text: &str, clause: &Clause) -> Result {
    match &clause.kind {
        ClauseKind::Match { patterns, .. } => patterns.iter().try_for_each(|p| shortest_shape(text, p)),
        ClauseKind::With(p) => projection(text, p, true),
        ClauseKind::Return(p) => projection(text, p, false),
        ClauseKind::Create { patterns } => patterns.iter().try_for_each(|p| creatable(text, p, "CREATE")),
        ClauseKind::Merge { pattern, .. } => creatable(text, pattern, "MERGE"),
        _ => Ok(()),
    }
}

/// `shortestPath` and friends find one path between two nodes, so their
/// pattern has exactly one relationship.
fn shortest_shape(text: &str, p: &Pattern) -> Result {
    if p.kind != PatternKind::Plain && p.steps.len() != 1 {
        return Err(error(
            text,
            p.span,
            "UnexpectedSyntax",
            format!(
                "a shortest-path pattern needs exactly one relationship, this one has {}",
                p.steps.len()
            ),
        ));
    }
    Ok(())
}

/// Unaliased expressions in WITH would leave columns nobody can name, and
/// two columns with one name are ambiguous.
fn projection(text: &str, p: &Projection, is_with: bool) -> Result {
    let mut names = HashSet::new();
    for item in &p.items {
        if is_with && item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Variable(_)) {
            return Err(error(
                text,
                item.expr.span,
                "NoExpressionAlias",
                format!(
                    "the expression `{}` in WITH must be given a name with AS",
                    item.text
                ),
            ));
        }
        if !names.insert(item.name()) {
            let span = item.alias.as_ref().map_or(item.expr.span, |a| a.span);
            return Err(error(
                text,
                span,
                "ColumnNameConflict",
                format!(
                    "the column name `{}` is used twice; give one of them another name with AS",
                    item.name()
                ),
            ));
        }
    }
    Ok(())
}

/// What CREATE and MERGE make must be definite: one type per relationship,
/// one length, and (for CREATE) one direction.
fn creatable(text: &str, p: &Pattern, clause: &str) -> Result {
    if p.kind != PatternKind::Plain {
        return Err(error(
            text,
            p.span,
            "UnexpectedSyntax",
            format!("{clause} cannot use a shortest-path pattern"),
        ));
    }
    for rel in p.rels() {
        if rel.types.len() != 1 {
            return Err(error(
                text,
                rel.span,
                "NoSingleRelationshipType",
                format!("a relationship in {clause} needs exactly one type, such as `-[:KNOWS]->`"),
            ));
        }
        if rel.length.is_some() {
            return Err(error(
                text,
                rel.span,
                "CreatingVarLength",
                format!("{clause} cannot make a variable-length relationship (`*`)"),
            ));
        }
        if clause == "CREATE" && rel.direction == Direction::Both {
            return Err(error(
                text,
                rel.span,
                "RequiresDirectedRelationship",
                "a relationship in CREATE needs a direction: `-[:T]->` or `<-[:T]-`".into(),
            ));
        }
    }
    Ok(())
}
