//! Tab completion: what may come at the cursor, from the text before it.
//!
//! The decision is purely textual (see [`complete`]) so that it can be
//! tested without a terminal; the names it offers come from a
//! [`Vocabulary`] read out of the open store.

use super::lexer::{Kind, Open, Token, scan};
use crate::graph::GraphIndex;
use crate::lang::Params;
use crate::schema::Schema;
use std::collections::BTreeSet;

/// Clause and operator keywords offered for a word being typed. Phrases
/// complete whole, so `ORD<TAB>` gives `ORDER BY`.
pub const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL MATCH",
    "WHERE",
    "RETURN",
    "WITH",
    "UNWIND",
    "CREATE",
    "MERGE",
    "ON CREATE SET",
    "ON MATCH SET",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH DELETE",
    "ORDER BY",
    "SKIP",
    "LIMIT",
    "UNION",
    "UNION ALL",
    "EXPLAIN",
    "PROFILE",
    "SHOW SCHEMA",
    "SHOW LABELS",
    "SHOW RELATIONSHIP TYPES",
    "SHOW PROPERTY KEYS",
    "AS",
    "DISTINCT",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS NULL",
    "IS NOT NULL",
    "STARTS WITH",
    "ENDS WITH",
    "CONTAINS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "ASC",
    "DESC",
    "ASCENDING",
    "DESCENDING",
    "EXISTS",
    "TRUE",
    "FALSE",
    "NULL",
    "shortestPath(",
    "allShortestPaths(",
];

/// Every word the highlighter shows as a keyword (upper case).
pub const HIGHLIGHTED: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CASE",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "IN",
    "IS",
    "KEYS",
    "LABELS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NONE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "PROPERTY",
    "RELATIONSHIP",
    "REMOVE",
    "RETURN",
    "SCHEMA",
    "SET",
    "SHOW",
    "SINGLE",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "TYPES",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
];

/// The REPL's own commands, for completion after `:`.
pub const META_COMMANDS: &[&str] = &[
    ":help",
    ":schema",
    ":stats",
    ":format",
    ":dot",
    ":param",
    ":params",
    ":begin",
    ":commit",
    ":rollback",
    ":timing",
    ":evidence",
    ":source",
    ":rows",
    ":quit",
    ":exit",
];

/// Names read from the store (and the session) that completion offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Labels in use in the store or declared by its schema.
    pub labels: BTreeSet<String>,
    /// Relationship types in use or declared by the schema.
    pub relationship_types: BTreeSet<String>,
    /// Property keys in use (on nodes and relationships) or declared by the
    /// schema.
    pub property_keys: BTreeSet<String>,
    /// Values of the `name` property of nodes (at most the first 20,000
    /// nodes' names are read).
    pub names: BTreeSet<String>,
    /// The session's parameter names (without `$`).
    pub params: BTreeSet<String>,
}

/// Reading every name of a huge store at each refresh would make the
/// prompt sluggish; past this many names the rest are simply not offered.
const MAX_NAMES: usize = 20_000;

impl Vocabulary {
    /// The labels, types and keys in use or declared by the schema, the
    /// `name`s of nodes, and the parameter names.
    pub fn read(index: &GraphIndex, schema: Option<&Schema>, params: &Params) -> Vocabulary {
        let mut v = Vocabulary {
            labels: index.label_counts().map(|(l, _)| l.to_string()).collect(),
            relationship_types: index
                .relationship_type_counts()
                .map(|(t, _)| t.to_string())
                .collect(),
            property_keys: index.property_keys().into_iter().map(str::to_string).collect(),
            names: index
                .nodes()
                .filter_map(|n| n.property("name").as_str().map(str::to_string))
                .take(MAX_NAMES)
                .collect(),
            params: params.keys().cloned().collect(),
        };
        if let Some(schema) = schema {
            v.labels.extend(schema.labels.keys().cloned());
            v.relationship_types.extend(schema.relationships.keys().cloned());
            for def in schema.labels.values() {
                v.property_keys.extend(def.properties.keys().cloned());
            }
            for def in schema.relationships.values() {
                v.property_keys.extend(def.properties.keys().cloned());
            }
        }
        v
    }
}

/// One completion: what the list shows and what replaces the typed part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The text shown in the list of completions.
    pub display: String,
    /// The text put in place of the typed part (e.g. with the closing
    /// quote, or escaped).
    pub replacement: String,
}

impl Candidate {
    fn same(text: &str) -> Candidate {
        Candidate {
            display: text.to_string(),
            replacement: text.to_string(),
        }
    }
}

/// What the completer should do at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// Replace `line[start..pos]` with one of the candidates.
    Candidates {
        /// Byte offset in the line where the replaced part starts.
        start: usize,
        /// The completions, in the order offered; empty when there are
        /// none.
        candidates: Vec<Candidate>,
    },
    /// Complete a file name (the argument of `:source`).
    FileName,
}

impl Completion {
    fn none(pos: usize) -> Completion {
        Completion::Candidates {
            start: pos,
            candidates: Vec::new(),
        }
    }
}

/// What completes the text `line[..pos]`.
///
/// * a meta command (`:he`), or its argument (`:format j`, `:timing o`);
/// * inside a string: a node `name`, closing the string;
/// * after `:` — a label, or a relationship type inside `-[ ]`; inside a
///   map (`{name: `) a quoted node `name`;
/// * after `|` inside `-[ ]`: a relationship type;
/// * after `.`: a property key; after `$`: a parameter;
/// * a word: keywords and function names that start with it.
pub fn complete(line: &str, pos: usize, vocabulary: &Vocabulary) -> Completion {
    let Some(before) = line.get(..pos) else {
        return Completion::none(pos);
    };
    let trimmed = before.trim_start();
    if trimmed.starts_with(':') {
        return complete_meta(before, pos, vocabulary);
    }
    let (tokens, open) = scan(before);
    match open {
        Open::Str { quote, start } => return complete_in_string(before, start + 1, quote, pos, vocabulary),
        Open::Comment | Open::Quoted => return Completion::none(pos),
        Open::Nothing => {}
    }
    // The word being typed, possibly empty.
    let (word_start, word) = match tokens.last() {
        Some(t) if t.end == pos && t.kind == Kind::Word => (t.start, t.text(before)),
        Some(t) if t.end == pos && matches!(t.kind, Kind::Comment | Kind::Number | Kind::Param) => {
            // `$na`: parameter names; inside a `//` comment or a number: nothing.
            if t.kind == Kind::Param {
                return prefixed(t.start + 1, &t.text(before)[1..], vocabulary.params.iter());
            }
            return Completion::none(pos);
        }
        _ => (pos, ""),
    };
    let earlier = &tokens[..tokens.len() - usize::from(!word.is_empty())];
    let previous = earlier.last().copied();
    let adjacent = previous.is_some_and(|t| t.end == word_start);
    let previous_text = previous.map_or("", |t| t.text(before));
    match previous_text {
        "$" if adjacent => prefixed(word_start, word, vocabulary.params.iter()),
        "." if adjacent && !follows_number(earlier) => {
            prefixed(word_start, word, vocabulary.property_keys.iter())
        }
        ":" => match enclosing(before, &earlier[..earlier.len() - 1]) {
            Some(Bracket::Relationship) => prefixed(word_start, word, vocabulary.relationship_types.iter()),
            Some(Bracket::Map) => quoted_names(word_start, word, vocabulary),
            _ => prefixed(word_start, word, vocabulary.labels.iter()),
        },
        "|" if enclosing(before, &earlier[..earlier.len() - 1]) == Some(Bracket::Relationship) => {
            prefixed(word_start, word, vocabulary.relationship_types.iter())
        }
        _ => {
            if let Some(previous) = previous.filter(|t| t.kind == Kind::Word) {
                let follow = followers(previous.text(before));
                if !follow.is_empty() {
                    return prefixed(word_start, word, follow.iter());
                }
            }
            if word.is_empty() {
                // Offering every keyword and function at a blank is noise.
                return Completion::none(pos);
            }
            let keywords = KEYWORDS.iter().map(|k| Candidate::same(k));
            let functions = crate::lang::functions::names()
                .iter()
                .map(|f| Candidate::same(&format!("{f}(")));
            let candidates = keywords
                .chain(functions)
                .filter(|c| starts_with_ignoring_case(&c.replacement, word));
            Completion::Candidates {
                start: word_start,
                candidates: dedup(candidates),
            }
        }
    }
}

/// The words that may follow the first word of a keyword phrase.
fn followers(word: &str) -> &'static [&'static str] {
    match word.to_ascii_uppercase().as_str() {
        "SHOW" => &["SCHEMA", "LABELS", "RELATIONSHIP TYPES", "PROPERTY KEYS"],
        "ORDER" => &["BY"],
        "OPTIONAL" => &["MATCH"],
        "DETACH" => &["DELETE"],
        "RELATIONSHIP" => &["TYPES"],
        "PROPERTY" => &["KEYS"],
        "STARTS" | "ENDS" => &["WITH"],
        "IS" => &["NULL", "NOT NULL"],
        "UNION" => &["ALL"],
        "ON" => &["CREATE SET", "MATCH SET"],
        _ => &[],
    }
}

/// What an open bracket at the cursor belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bracket {
    Paren,
    Map,
    /// `-[ … ]` or `<-[ … ]`: a relationship pattern.
    Relationship,
    /// Any other `[`: a list or list comprehension.
    List,
}

/// The innermost bracket still open after `tokens`.
fn enclosing(text: &str, tokens: &[Token]) -> Option<Bracket> {
    let mut stack = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.text(text) {
            "(" => stack.push(Bracket::Paren),
            "{" => stack.push(Bracket::Map),
            "[" => {
                let after_dash = i
                    .checked_sub(1)
                    .and_then(|j| tokens.get(j))
                    .is_some_and(|p| p.text(text) == "-");
                stack.push(if after_dash {
                    Bracket::Relationship
                } else {
                    Bracket::List
                });
            }
            ")" | "}" | "]" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// True when the `.` ending `tokens` follows a number (`1.` is a float
/// being typed, not a property access).
fn follows_number(tokens: &[Token]) -> bool {
    tokens.len() >= 2 && tokens[tokens.len() - 2].kind == Kind::Number
}

fn complete_meta(before: &str, pos: usize, vocabulary: &Vocabulary) -> Completion {
    let offset = before.len() - before.trim_start().len();
    let text = &before[offset..];
    let Some(space) = text.find(char::is_whitespace) else {
        return prefixed(offset, text, META_COMMANDS.iter());
    };
    let command = &text[..space];
    let argument = text[space..].trim_start();
    let start = pos - argument.len();
    // Only the first argument completes; past it there is nothing to offer.
    if argument.contains(char::is_whitespace) && command != ":source" {
        return Completion::none(pos);
    }
    match command {
        ":format" => prefixed(
            start,
            argument,
            ["table", "json", "csv", "markdown", "dot", "graphml"].iter(),
        ),
        ":timing" | ":evidence" => prefixed(start, argument, ["on", "off"].iter()),
        ":param" => prefixed(start, argument, vocabulary.params.iter()),
        ":params" => prefixed(start, argument, ["clear"].iter()),
        ":rows" => prefixed(start, argument, ["all"].iter()),
        ":source" | ":dot" => Completion::FileName,
        _ => Completion::none(pos),
    }
}

/// Names for a string opened at byte `start - 1` with `quote`: the
/// replacement closes the string.
fn complete_in_string(
    before: &str,
    start: usize,
    quote: char,
    pos: usize,
    vocabulary: &Vocabulary,
) -> Completion {
    let typed = before.get(start..pos).unwrap_or("");
    let candidates = vocabulary
        .names
        .iter()
        .filter(|n| starts_with_ignoring_case(n, typed))
        .map(|n| Candidate {
            display: n.clone(),
            replacement: format!("{}{quote}", escape(n, quote)),
        });
    Completion::Candidates {
        start,
        candidates: candidates.collect(),
    }
}

/// Node names as string literals, for a map value (`{name: <TAB>`).
fn quoted_names(start: usize, word: &str, vocabulary: &Vocabulary) -> Completion {
    let candidates = vocabulary
        .names
        .iter()
        .filter(|n| starts_with_ignoring_case(n, word))
        .map(|n| Candidate {
            display: n.clone(),
            replacement: format!("'{}'", escape(n, '\'')),
        });
    Completion::Candidates {
        start,
        candidates: candidates.collect(),
    }
}

/// A name inside a string literal quoted with `quote`.
fn escape(name: &str, quote: char) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == '\\' || c == quote {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn prefixed<'a, S: AsRef<str> + 'a>(
    start: usize,
    word: &str,
    items: impl Iterator<Item = &'a S>,
) -> Completion {
    let candidates = items
        .map(|s| s.as_ref())
        .filter(|s| starts_with_ignoring_case(s, word))
        .map(Candidate::same);
    Completion::Candidates {
        start,
        candidates: dedup(candidates),
    }
}

fn dedup(candidates: impl Iterator<Item = Candidate>) -> Vec<Candidate> {
    let mut seen = BTreeSet::new();
    candidates
        .filter(|c| seen.insert(c.replacement.clone()))
        .collect()
}

/// Case-insensitive prefix test (labels are case-sensitive in queries,
/// but `n:ac<TAB>` finding `Actor` is what a user wants).
fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    let mut chars = text.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|p| chars.next() == Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        Vocabulary {
            labels: set(&["Actor", "Agreement", "Event"]),
            relationship_types: set(&["AGENT", "AT", "TARGET"]),
            property_keys: set(&["name", "kind", "when"]),
            names: set(&["Ash Carter", "Russia", "O'Brien"]),
            params: set(&["who", "limit"]),
        }
    }

    /// The replacements offered at the end of `line`, and where they start.
    fn at_end(line: &str) -> (usize, Vec<String>) {
        match complete(line, line.len(), &vocabulary()) {
            Completion::Candidates { start, candidates } => {
                (start, candidates.into_iter().map(|c| c.replacement).collect())
            }
            Completion::FileName => (usize::MAX, vec!["<file>".into()]),
        }
    }

    fn offered(line: &str) -> Vec<String> {
        at_end(line).1
    }

    #[test]
    fn labels_after_a_colon_in_a_node_pattern() {
        assert_eq!(at_end("MATCH (n:Ac"), (9, vec!["Actor".to_string()]));
        assert_eq!(offered("MATCH (n:a"), ["Actor", "Agreement"]);
        assert_eq!(offered("MATCH (n) WHERE n:E"), ["Event"]);
        assert_eq!(offered("MATCH (n:"), ["Actor", "Agreement", "Event"]);
    }

    #[test]
    fn relationship_types_inside_a_relationship_pattern() {
        assert_eq!(offered("MATCH (a)-[:A"), ["AGENT", "AT"]);
        assert_eq!(offered("MATCH (a)<-[r:T"), ["TARGET"]);
        assert_eq!(offered("MATCH (a)-[:AGENT|T"), ["TARGET"]);
        assert_eq!(offered("MATCH (a)-[:AGENT|:T"), ["TARGET"]);
        // A list comprehension's `|` is not a type alternative.
        assert!(offered("RETURN [x IN xs | T").iter().all(|c| c != "TARGET"));
    }

    #[test]
    fn property_keys_parameters_and_names() {
        assert_eq!(offered("MATCH (n) RETURN n.na"), ["name"]);
        assert_eq!(offered("MATCH (n) RETURN n."), ["kind", "name", "when"]);
        assert!(offered("RETURN 1.").is_empty());
        assert_eq!(offered("RETURN $w"), ["who"]);
        assert_eq!(
            at_end("MATCH (n {name: 'As"),
            (17, vec!["Ash Carter'".to_string()])
        );
        assert_eq!(offered("MATCH (n) WHERE n.name = \"o"), ["O'Brien\""]);
        assert_eq!(offered("MATCH (n) WHERE n.name = 'O"), ["O\\'Brien'"]);
        assert_eq!(offered("MATCH (n {name: R"), ["'Russia'"]);
    }

    #[test]
    fn keywords_and_functions_for_a_word() {
        assert_eq!(offered("MATCH (n) ret"), ["RETURN"]);
        assert_eq!(offered("MATCH (n) RETURN n ORD"), ["ORDER BY"]);
        assert_eq!(
            offered("SHOW "),
            ["SCHEMA", "LABELS", "RELATIONSHIP TYPES", "PROPERTY KEYS"]
        );
        assert_eq!(offered("MATCH (n) RETURN n ORDER "), ["BY"]);
        assert!(offered("RETURN toU").contains(&"toUpper(".to_string()));
        assert!(offered("MATCH (n) RETURN ").is_empty());
        assert!(offered("RETURN 'abc' // ret").is_empty());
    }

    #[test]
    fn meta_commands_and_their_arguments() {
        assert_eq!(at_end(":fo"), (0, vec![":format".to_string()]));
        assert_eq!(offered(":p"), [":param", ":params"]);
        assert_eq!(at_end(":format j"), (8, vec!["json".to_string()]));
        assert_eq!(offered(":timing "), ["on", "off"]);
        assert_eq!(offered(":param w"), ["who"]);
        assert_eq!(offered(":source da"), ["<file>"]);
    }

    #[test]
    fn prefix_tests_ignore_case_and_survive_odd_positions() {
        assert!(starts_with_ignoring_case("Actor", "aC"));
        assert!(!starts_with_ignoring_case("Act", "Actor"));
        // A cursor inside a multi-byte character offers nothing, quietly.
        assert_eq!(complete("é", 1, &vocabulary()), Completion::none(1));
    }
}
