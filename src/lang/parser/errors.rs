//! Turns pest's failures into messages in the user's terms.
//!
//! pest reports the furthest position it reached and the rules it tried
//! there. The grammar names every keyword and punctuation mark as a rule, so
//! each tried rule maps to something a user recognises: "`)`", "`WHERE`",
//! "an expression". Related expectations are then merged (twenty ways to
//! start an expression become "an expression"; a dozen operators become "an
//! operator") and the message names the token found and the one before it.

use super::grammar::Rule;
use super::scan::{self, Kind, Token};
use super::syntax_error;
use crate::error::{QueryError, nearest};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What the parser wanted at the error position, with an ordering rank so
/// that messages list the likeliest fixes (closing brackets) first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    Closer(&'static str),
    Statement,
    Expression,
    /// One way of starting an expression; several of them merge into
    /// [`Expect::Expression`], a lone one is named.
    Primary(&'static str),
    Thing(&'static str),
    Keyword(&'static str),
    Token(&'static str),
    Operator,
    Clause,
    Union,
    Semicolon,
    End,
}

impl Expect {
    fn describe(self) -> String {
        match self {
            Expect::Closer(t) | Expect::Token(t) => format!("`{t}`"),
            Expect::Keyword(k) => format!("`{k}`"),
            Expect::Statement => "a statement (a query, EXPLAIN, PROFILE or SHOW)".into(),
            Expect::Expression => "an expression".into(),
            Expect::Primary(s) | Expect::Thing(s) => s.into(),
            Expect::Operator => "an operator".into(),
            Expect::Clause => "a clause (MATCH, CREATE, RETURN, ...)".into(),
            Expect::Union => "`UNION`".into(),
            Expect::Semicolon => "`;`".into(),
            Expect::End => "end of input".into(),
        }
    }
}

/// Keywords that begin a clause: when several are expected they merge into
/// "a clause".
const CLAUSE_KEYWORDS: [&str; 11] = [
    "OPTIONAL", "MATCH", "UNWIND", "WITH", "RETURN", "CREATE", "MERGE", "SET", "REMOVE", "DETACH", "DELETE",
];

fn expect(rule: Rule) -> Option<Expect> {
    use Expect::*;
    Some(match rule {
        Rule::EOI => End,
        Rule::statement => Statement,
        Rule::show_statement | Rule::kw_show => Keyword("SHOW"),
        Rule::query
        | Rule::clause_expected
        | Rule::single_query
        | Rule::match_clause
        | Rule::unwind_clause
        | Rule::with_clause
        | Rule::return_clause
        | Rule::create_clause
        | Rule::merge_clause
        | Rule::remove_clause
        | Rule::delete_clause => Clause,
        Rule::set_clause | Rule::kw_set => Keyword("SET"),
        Rule::union | Rule::kw_union => Union,
        Rule::where_clause | Rule::comp_where | Rule::kw_where => Keyword("WHERE"),
        Rule::projection | Rule::projection_items => Thing("`*` or an expression"),
        Rule::order_by | Rule::kw_order => Keyword("ORDER BY"),
        Rule::skip | Rule::kw_skip => Keyword("SKIP"),
        Rule::limit | Rule::kw_limit => Keyword("LIMIT"),
        Rule::merge_action | Rule::kw_on => Keyword("ON"),
        Rule::set_property | Rule::set_merge | Rule::set_replace | Rule::set_labels => {
            Thing("something to set (`n.key = value`, `n = map`, `n += map` or `n:Label`)")
        }
        Rule::property_target | Rule::remove_property | Rule::remove_labels => {
            Thing("a property (`n.key`) or labels (`n:Label`)")
        }
        Rule::pattern_list
        | Rule::pattern_part
        | Rule::pattern_chain
        | Rule::rel_chain
        | Rule::shortest_path => Thing("a pattern"),
        Rule::node_pattern => Thing("a node pattern `(...)`"),
        Rule::rel_pattern => Thing("a relationship pattern (`-->`, `<--`, `--`)"),
        Rule::rel_detail => Token("["),
        Rule::node_labels | Rule::label_test => Thing("a label (`:Label`)"),
        Rule::rel_types => Thing("a relationship type (`:TYPE`)"),
        Rule::var_length => Token("*"),
        Rule::shortest_mode | Rule::kw_shortest => Keyword("SHORTEST"),
        Rule::range_lo | Rule::range_hi | Rule::range_exact => Thing("a number"),
        Rule::expression
        | Rule::subscript_lo
        | Rule::subscript_hi
        | Rule::case_operand
        | Rule::projection_item
        | Rule::sort_item => Expression,
        Rule::number => Primary("a number"),
        Rule::string => Primary("a string"),
        Rule::parameter => Primary("a parameter (`$name`)"),
        Rule::variable => Primary("a variable name"),
        Rule::kw_true
        | Rule::kw_false
        | Rule::kw_null
        | Rule::case_expr
        | Rule::count_star
        | Rule::list_comprehension
        | Rule::pattern_comprehension
        | Rule::quantifier
        | Rule::exists_expr
        | Rule::date_literal
        | Rule::function_call
        | Rule::function_name
        | Rule::pattern_expr
        | Rule::paren_expr
        | Rule::op_not
        | Rule::op_neg
        | Rule::op_pos => Primary("an expression"),
        Rule::list_literal => Primary("a list `[...]`"),
        Rule::map_literal => Primary("a map `{...}`"),
        Rule::op_or
        | Rule::op_xor
        | Rule::op_and
        | Rule::op_regex
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_eq
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_mod
        | Rule::op_pow
        | Rule::op_starts_with
        | Rule::op_ends_with
        | Rule::op_contains
        | Rule::op_in
        | Rule::op_is_null
        | Rule::op_is_not_null
        | Rule::property_lookup
        | Rule::subscript
        | Rule::kw_starts
        | Rule::kw_ends
        | Rule::kw_is => Operator,
        Rule::case_when | Rule::kw_when => Keyword("WHEN"),
        Rule::case_else | Rule::kw_else => Keyword("ELSE"),
        Rule::comp_map | Rule::pipe => Token("|"),
        Rule::map_entry | Rule::property_key => Thing("a property name"),
        Rule::label_name => Thing("a label name"),
        Rule::rel_type_name => Thing("a relationship type name"),
        Rule::rparen => Closer(")"),
        Rule::rbracket => Closer("]"),
        Rule::rbrace => Closer("}"),
        Rule::lparen => Token("("),
        Rule::lbracket => Token("["),
        Rule::lbrace => Token("{"),
        Rule::comma => Token(","),
        Rule::colon => Token(":"),
        Rule::dot => Token("."),
        Rule::star => Token("*"),
        Rule::eq_sign => Token("="),
        Rule::plus_eq => Token("+="),
        Rule::dash => Token("-"),
        Rule::arrow_left => Token("<"),
        Rule::arrow_right => Token(">"),
        Rule::range_dots => Token(".."),
        Rule::semicolon => Semicolon,
        // Keywords that start an expression; `ALL` also follows UNION.
        Rule::kw_all => Primary("`ALL`"),
        Rule::kw_any | Rule::kw_none | Rule::kw_single | Rule::quantifier_kind => Primary("an expression"),
        Rule::kw_as => Keyword("AS"),
        Rule::kw_asc => Keyword("ASC"),
        Rule::kw_ascending => Keyword("ASCENDING"),
        Rule::kw_all_shortest_paths => Keyword("allShortestPaths"),
        Rule::kw_by => Keyword("BY"),
        Rule::kw_case | Rule::kw_count | Rule::kw_exists | Rule::kw_date => Primary("an expression"),
        Rule::kw_create => Keyword("CREATE"),
        Rule::kw_delete => Keyword("DELETE"),
        Rule::kw_desc => Keyword("DESC"),
        Rule::kw_descending => Keyword("DESCENDING"),
        Rule::kw_detach => Keyword("DETACH"),
        Rule::kw_distinct => Keyword("DISTINCT"),
        Rule::kw_end => Keyword("END"),
        Rule::kw_explain => Keyword("EXPLAIN"),
        Rule::kw_in => Keyword("IN"),
        Rule::kw_keys => Keyword("KEYS"),
        Rule::kw_labels => Keyword("LABELS"),
        Rule::kw_match => Keyword("MATCH"),
        Rule::kw_merge => Keyword("MERGE"),
        Rule::kw_not => Keyword("NOT"),
        Rule::kw_optional => Keyword("OPTIONAL"),
        Rule::kw_profile => Keyword("PROFILE"),
        Rule::kw_property => Keyword("PROPERTY"),
        Rule::kw_relationship => Keyword("RELATIONSHIP"),
        Rule::kw_remove => Keyword("REMOVE"),
        Rule::kw_return => Keyword("RETURN"),
        Rule::kw_schema => Keyword("SCHEMA"),
        Rule::kw_shortest_path => Keyword("shortestPath"),
        Rule::kw_then => Keyword("THEN"),
        Rule::kw_types => Keyword("TYPES"),
        Rule::kw_unwind => Keyword("UNWIND"),
        Rule::kw_with => Keyword("WITH"),
        // Entry points and silent rules: never reported by pest.
        Rule::statement_input
        | Rule::expression_input
        | Rule::WHITESPACE
        | Rule::clause
        | Rule::set_item
        | Rule::remove_item
        | Rule::pattern_properties
        | Rule::prefix_op
        | Rule::infix_op
        | Rule::postfix_op
        | Rule::primary
        | Rule::exponent
        | Rule::ident_char
        | Rule::unescaped_name
        | Rule::escaped_name
        | Rule::name_body
        | Rule::reserved
        | Rule::comprehension_shape
        | Rule::quantifier_shape
        | Rule::pattern_comprehension_shape
        | Rule::shape_body
        | Rule::shape_stop
        | Rule::shape_item
        | Rule::shape_group => return None,
    })
}

/// Converts a pest failure on `text[base..]` into a syntax error positioned
/// in `text`. `tokens` are the tokens of the whole `text`.
pub(super) fn from_pest(text: &str, base: usize, tokens: &[Token], e: Error<Rule>) -> QueryError {
    let offset = base
        + match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let positives = match e.variant {
        ErrorVariant::CustomError { message } => return limit_error(text, offset, &message),
        ErrorVariant::ParsingError { positives, .. } => positives,
    };
    let mut found = scan::token_at(tokens, offset);
    let mut before = scan::token_before(tokens, offset);
    if let Some(f) = found
        && f.start < offset
    {
        // The parser stopped inside what the scanner saw as one token
        // (`1.5.x`): split it there, so both halves read right.
        before = Some(Token {
            kind: Kind::Punct,
            end: offset,
            ..f
        });
        found = Some(Token { start: offset, ..f });
    }

    if let (Some(b), Some(f)) = (before, found)
        && b.kind == Kind::Number
        && b.end == f.start
        && !is_language_punct(f.text(text))
    {
        // `123#4`: the number runs into a character no token can start
        // with. Show the whole run up to the next space or bracket.
        let run = &text[b.start..];
        let len = run
            .find(|c: char| c.is_whitespace() || "()[]{},;".contains(c))
            .unwrap_or(run.len());
        return syntax_error(
            text,
            b.start,
            "InvalidNumberLiteral",
            format!("invalid number `{}`", clip(&run[..len])),
        );
    }

    let expected = merge(positives.into_iter().filter_map(expect).collect());
    let found_text = match found {
        Some(t) => format!("`{}`", clip(t.text(text))),
        None => "end of input".to_string(),
    };
    let mut message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        let list: Vec<String> = expected.iter().map(|e| e.describe()).collect();
        format!("expected {}", join_or(&list))
    };
    if let Some(b) = before {
        let b = b.text(text);
        if b.chars().count() <= 24 {
            message.push_str(&format!(" after `{b}`"));
        }
    }
    if !expected.is_empty() {
        message.push_str(&format!(", found {found_text}"));
    }
    let only_ends = expected
        .iter()
        .all(|e| matches!(e, Expect::Semicolon | Expect::End));
    if only_ends && !expected.is_empty() && before.is_some_and(|b| b.text(text) == ";") {
        message.push_str(": only one statement is allowed here (a script may hold several)");
    }
    if let Some(f) = found
        && let Some(open) = unmatched_closer(text, tokens, base, f)
    {
        message.push_str(&format!(" (this `{}` has no `{open}` to close)", f.text(text)));
    }
    if let Some(f) = found.filter(|t| t.kind == Kind::Word)
        && let Some(s) = suggestion(f.text(text), &expected)
    {
        message.push_str(&format!(" (did you mean `{s}`?)"));
    }
    syntax_error(text, offset, "UnexpectedSyntax", message)
}

/// The opening bracket that `found` would need, if `found` is a closing
/// bracket with nothing open before it in the statement starting at `base`.
fn unmatched_closer(text: &str, tokens: &[Token], base: usize, found: Token) -> Option<&'static str> {
    let open = match found.text(text) {
        ")" => "(",
        "]" => "[",
        "}" => "{",
        _ => return None,
    };
    let mut depth = 0i64;
    for t in tokens.iter().filter(|t| t.start >= base && t.start < found.start) {
        match t.text(text) {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
    }
    (depth <= 0).then_some(open)
}

/// pest's own limits: the call budget and the native-stack guard.
fn limit_error(text: &str, offset: usize, message: &str) -> QueryError {
    if message.contains("stack") {
        syntax_error(
            text,
            offset,
            "NestingTooDeep",
            "the query is nested too deeply to parse".into(),
        )
    } else {
        syntax_error(
            text,
            offset,
            "QueryTooComplex",
            "the query is too complex to parse (the parser's step budget ran out); \
             split it into smaller statements"
                .into(),
        )
    }
}

/// Dedups expectations, merges the ways of starting an expression and the
/// clause keywords, and sorts the rest.
fn merge(mut expected: Vec<Expect>) -> Vec<Expect> {
    let primaries = expected
        .iter()
        .filter(|e| matches!(e, Expect::Primary(_)))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if primaries > 1 || expected.contains(&Expect::Expression) {
        expected.retain(|e| !matches!(e, Expect::Primary(_)));
        expected.push(Expect::Expression);
    }
    let clause_keywords = expected
        .iter()
        .filter(|e| matches!(e, Expect::Keyword(k) if CLAUSE_KEYWORDS.contains(k)))
        .count();
    if clause_keywords > 2 || expected.contains(&Expect::Clause) {
        expected.retain(|e| !matches!(e, Expect::Keyword(k) if CLAUSE_KEYWORDS.contains(k)));
        expected.push(Expect::Clause);
    }
    if expected.contains(&Expect::Operator) {
        // After a complete operand, `.`, `:`, `[` and `(` are ways of
        // continuing it; "an operator" already says so, and listing them
        // buries the useful alternatives.
        expected.retain(|e| !matches!(e, Expect::Token("." | ":" | "[" | "(")));
    }
    if expected.contains(&Expect::Expression) {
        // Brackets that open a list, map or parenthesised expression (or a
        // pattern comprehension) are ways of starting an expression.
        expected.retain(|e| !matches!(e, Expect::Token("(" | "[" | "{")));
    }
    expected.sort();
    expected.dedup();
    expected
}

/// "a", "a or b", "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A keyword close to `word` that the parser would have accepted, for typos
/// such as `RETRUN`.
fn suggestion(word: &str, expected: &[Expect]) -> Option<&'static str> {
    let mut candidates: Vec<&'static str> = expected
        .iter()
        .filter_map(|e| match e {
            Expect::Keyword(k) => Some(*k),
            Expect::Union => Some("UNION"),
            _ => None,
        })
        .collect();
    if expected.contains(&Expect::Clause) {
        candidates.extend(CLAUSE_KEYWORDS);
    }
    if expected.contains(&Expect::Operator) {
        candidates.extend(["AND", "OR", "XOR", "IN", "CONTAINS", "STARTS", "ENDS", "IS"]);
    }
    if expected.contains(&Expect::Statement) {
        candidates.extend(CLAUSE_KEYWORDS);
        candidates.extend(["EXPLAIN", "PROFILE", "SHOW"]);
    }
    let s = nearest(word, candidates.iter().copied())?;
    // Typos rarely hit the first letter, and without this rule short
    // keywords attract unrelated words (`foo` is two edits from `OR`).
    let same_start = s.chars().next().map(|c| c.to_ascii_lowercase())
        == word.chars().next().map(|c| c.to_ascii_lowercase());
    (same_start && !s.eq_ignore_ascii_case(word)).then_some(s)
}

/// Characters the language uses as punctuation; anything else stuck to a
/// number makes the number invalid.
fn is_language_punct(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_whitespace() || "()[]{},;:.+-*/%^=<>|$'\"`!".contains(c))
}

/// Shortens long tokens (strings, mostly) for messages.
fn clip(s: &str) -> String {
    const MAX: usize = 30;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pest's limit errors carry no rule names, only a message; both must
    /// come out as positioned syntax errors of their own kind.
    #[test]
    fn maps_pest_limits() {
        let text = "RETURN 1";
        let tokens = scan::tokenize(text).unwrap().tokens;
        for (message, detail) in [
            ("call limit reached", "QueryTooComplex"),
            ("stack limit reached", "NestingTooDeep"),
        ] {
            let variant = ErrorVariant::CustomError {
                message: message.into(),
            };
            let at = pest::Position::new(text, 7).unwrap();
            let e = from_pest(text, 0, &tokens, Error::new_from_pos(variant, at));
            assert_eq!(e.detail.as_deref(), Some(detail));
            assert_eq!(e.position.map(|p| (p.line, p.column)), Some((1, 8)));
        }
    }

    #[test]
    fn lists_read_naturally() {
        let items = |xs: &[&str]| join_or(&xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(items(&["a"]), "a");
        assert_eq!(items(&["a", "b"]), "a or b");
        assert_eq!(items(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn suggests_keywords_sharing_the_first_letter() {
        assert_eq!(suggestion("RETRUN", &[Expect::Clause]), Some("RETURN"));
        assert_eq!(suggestion("wehre", &[Expect::Keyword("WHERE")]), Some("WHERE"));
        assert_eq!(suggestion("foo", &[Expect::Operator]), None);
        assert_eq!(suggestion("RETURN", &[Expect::Clause]), None);
    }
}
