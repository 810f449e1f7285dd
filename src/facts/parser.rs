//! Parsing fact files: pest grammar (`grammar/facts.pest`) → [`FactFile`].
//!
//! Parsing runs in three steps:
//!
//! 1. a quick lexical pass finds unterminated strings and comments and
//!    excessive nesting, which pest alone would report at an unhelpful spot
//!    (an unterminated string swallows the rest of its line and the error
//!    surfaces on the next one);
//! 2. pest parses the whole input against the grammar;
//! 3. the parse tree is turned into the AST, checking what a grammar cannot:
//!    dates exist, escapes are known, numbers fit, keys are unique, every
//!    fact has a citation and every sentence citation has a document.
//!
//! Every error is a [`QueryError`] of class `SyntaxError` with the 1-based
//! line and column of the problem and a message in plain words.

use super::ast::{Citation, DocumentDecl, FactFile, Item, Name, NodeFact, Property, RelFact};
use crate::error::{ErrorClass, Position, QueryError};
use crate::model::{Date, Source, Value};
use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/facts.pest"]
struct FactsGrammar;

/// Upper bound on pest's counted calls for one parse. The grammar is nearly
/// linear (a fact costs a few hundred calls), so this allows fact files of
/// several megabytes while stopping pathological inputs. pest's setting is
/// process-wide; it is set on every call so that it is in force here even if
/// another parser changed it.
const CALL_LIMIT: usize = 50_000_000;

/// Deepest nesting of brackets, braces and parentheses accepted. Real fact
/// files need three or four levels; the bound keeps the recursive AST
/// building (and pest's own recursion) far from the stack's end.
const MAX_NESTING: usize = 32;

/// Parses a fact file.
///
/// # Errors
/// A `SyntaxError` [`QueryError`] at the line and column of the first
/// problem.
///
/// # Example
/// ```
/// use attest::facts::{parse_facts, Item};
/// let file = parse_facts(
///     "document d {title: 'T'} text 'd.txt'\n\
///      (x:Actor {name: 'X'}) cites 1\n\
///      (e:Event {kind: 'meeting', date: 2016-06-18}) cites 1[0..12]\n\
///      (e)-[:PARTICIPANT]->(x) cites 1",
/// )
/// .unwrap();
/// assert_eq!(file.items.len(), 4);
/// assert!(matches!(&file.items[3], Item::Rel(r) if r.from.name == "e"));
///
/// // A bare sentence number cites the current document; a span counts
/// // characters inside the sentence.
/// let event = file.node("e").unwrap();
/// assert_eq!(event.citations[0].source.to_string(), "d#1[0..12]");
/// assert_eq!(event.citations[0].pos.line, 3);
///
/// // Every fact needs a citation.
/// let err = parse_facts("document d {title: 'T'} text 'd.txt'\n(x:Actor {name: 'X'})").unwrap_err();
/// assert!(err.message.contains("has no citation"), "{err}");
/// assert_eq!(err.position.map(|p| (p.line, p.column)), Some((2, 1)));
/// ```
pub fn parse_facts(text: &str) -> Result<FactFile, QueryError> {
    let lines = LineIndex::new(text);
    let lexical = lexical_problem(text);
    if let Some(problem) = &lexical
        && problem.fatal
    {
        return Err(syntax_error(&lines, problem.offset, problem.message.clone()));
    }
    pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
    let parsed = FactsGrammar::parse(Rule::file, text);
    let pairs = match (parsed, lexical) {
        // The lexical problem is reported unless pest found an earlier one.
        (Err(e), Some(problem)) if error_offset(&e) < problem.offset => {
            return Err(translate_pest_error(text, &lines, e));
        }
        (_, Some(problem)) => return Err(syntax_error(&lines, problem.offset, problem.message)),
        (Err(e), None) => return Err(translate_pest_error(text, &lines, e)),
        (Ok(pairs), None) => pairs,
    };
    Builder::new(lines).file(pairs)
}

fn syntax_error(lines: &LineIndex, offset: usize, message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorClass::SyntaxError, message).at(lines.position(offset))
}

// ---------------------------------------------------------------------------
// Positions

/// Byte offset → line:column, in O(log lines) per lookup (positions are
/// computed for every property, so a linear scan per lookup would make large
/// files quadratic).
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.text.get(start..offset).map_or(0, |s| s.chars().count());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

// ---------------------------------------------------------------------------
// Step 1: lexical pass

struct LexicalProblem {
    offset: usize,
    message: String,
    /// Reported without running pest at all (too deep to parse safely).
    fatal: bool,
}

/// The first unterminated string or comment, or over-deep nesting, skipping
/// the contents of strings and comments exactly as the grammar does. Works
/// on bytes: every byte it looks for is ASCII, which never occurs inside a
/// multi-byte UTF-8 character.
fn lexical_problem(text: &str) -> Option<LexicalProblem> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => i += n + 4,
                None => {
                    return Some(LexicalProblem {
                        offset: i,
                        message: "unterminated comment: this `/*` has no closing `*/`".into(),
                        fatal: false,
                    });
                }
            },
            quote @ (b'"' | b'\'') => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        Some(&c) if c == quote => break,
                        Some(b'\\') if !matches!(bytes.get(j + 1), None | Some(b'\n')) => j += 2,
                        None | Some(b'\n') | Some(b'\\') => {
                            let q = quote as char;
                            return Some(LexicalProblem {
                                offset: i,
                                message: format!(
                                    "unterminated string: the {q} here is not closed on the same \
                                     line (strings cannot span lines; write \\n for a line break)"
                                ),
                                fatal: false,
                            });
                        }
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(LexicalProblem {
                        offset: i,
                        message: format!(
                            "brackets nest more than {MAX_NESTING} levels deep here; \
                             a fact file never needs that many"
                        ),
                        fatal: true,
                    });
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Step 2: pest errors in plain words

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    }
}

fn translate_pest_error(text: &str, lines: &LineIndex, e: pest::error::Error<Rule>) -> QueryError {
    let offset = error_offset(&e);
    match &e.variant {
        ErrorVariant::CustomError { message } => {
            // pest's only custom errors are its resource limits.
            let why = if message.contains("stack") {
                "it nests too deeply"
            } else {
                "it is too large or too convoluted"
            };
            QueryError::new(
                ErrorClass::LimitExceeded,
                format!("the fact file cannot be parsed: {why}; split it into smaller files"),
            )
            .at(lines.position(offset))
        }
        ErrorVariant::ParsingError { positives, .. } => {
            let found = describe_found(text, offset);
            let expected = describe_expected(positives);
            let mut message = match expected {
                Some(expected) => format!("expected {expected}, found {found}"),
                None => format!("unexpected {found}"),
            };
            let rest = text.get(offset..).unwrap_or("");
            let citation_expected =
                positives.contains(&Rule::cites_clause) || positives.contains(&Rule::kw_cites);
            // Inside a relationship's end only `)` may follow the key.
            let labelled_end = positives.as_slice() == [Rule::close_paren];
            if labelled_end || (citation_expected && (rest.starts_with('-') || rest.starts_with("<-"))) {
                message.push_str(
                    "; the ends of a relationship are bare node keys, as in \
                     (a)-[:TYPE]->(b), with the nodes declared in facts of their own",
                );
            }
            if positives.as_slice() == [Rule::arrow_head] || positives.as_slice() == [Rule::dash] {
                message.push_str("; a relationship has a direction: (a)-[…]->(b) or (b)<-[…]-(a)");
            }
            syntax_error(lines, offset, message)
        }
    }
}

/// What stands at `offset`, quoted for a message.
fn describe_found(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    if rest.is_empty() {
        return "the end of the file".into();
    }
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        return "the end of the line".into();
    }
    let token: String = rest.chars().take_while(|c| !c.is_whitespace()).take(16).collect();
    let more = rest
        .chars()
        .nth(token.chars().count())
        .is_some_and(|c| !c.is_whitespace());
    format!("`{token}{}`", if more { "…" } else { "" })
}

/// The rules pest expected, as one phrase ("`)`, `:` or a value").
fn describe_expected(positives: &[Rule]) -> Option<String> {
    const VALUE_RULES: [Rule; 8] = [
        Rule::string,
        Rule::date,
        Rule::float,
        Rule::int,
        Rule::boolean,
        Rule::null,
        Rule::list,
        Rule::map,
    ];
    let value_expected = positives
        .iter()
        .any(|r| VALUE_RULES.contains(r) && *r != Rule::map && *r != Rule::string)
        || (positives.contains(&Rule::string) && positives.contains(&Rule::list));
    let starts_item = positives.contains(&Rule::EOI);
    let mut ranked: Vec<(u8, &str)> = Vec::new();
    for &rule in positives {
        let phrase = if value_expected && VALUE_RULES.contains(&rule) {
            "a value (a string, number, date, true, false, null, list or map)"
        } else if starts_item && rule == Rule::node_ref {
            // Where a new item may start, `(` opens a fact, not a reference.
            describe_rule(Rule::node_fact)
        } else {
            describe_rule(rule)
        };
        if !ranked.iter().any(|(_, p)| *p == phrase) {
            ranked.push((rank(rule), phrase));
        }
    }
    // What continues the current fact first, what starts another one last.
    ranked.sort_by_key(|(r, _)| *r);
    let phrases: Vec<&str> = ranked.into_iter().map(|(_, p)| p).collect();
    let (last, init) = phrases.split_last()?;
    Some(if init.is_empty() {
        (*last).to_string()
    } else {
        format!("{} or {last}", init.join(", "))
    })
}

/// Order of phrases in "expected …" lists.
fn rank(rule: Rule) -> u8 {
    match rule {
        Rule::text_clause | Rule::kw_text => 2,
        Rule::cites_clause | Rule::kw_cites => 3,
        Rule::external_clause | Rule::kw_external => 4,
        Rule::node_fact | Rule::rel_fact | Rule::node_ref => 5,
        Rule::document_decl | Rule::kw_document => 6,
        Rule::EOI => 7,
        _ => 1,
    }
}

fn describe_rule(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::file => "a fact file",
        Rule::document_decl | Rule::kw_document => "`document`",
        Rule::node_fact | Rule::rel_fact => "a new fact `(key …)`",
        Rule::text_clause | Rule::kw_text => "`text \"file\"`",
        Rule::cites_clause | Rule::kw_cites => "`cites N`",
        Rule::external_clause | Rule::kw_external => "`external \"note\"`",
        Rule::label => "a label `:Label`",
        Rule::node_ref => "a node key in parentheses, as in `(carter)`",
        Rule::right_arrow => "`-[`",
        Rule::left_arrow => "`<-[`",
        Rule::rel_type => "a relationship type `:TYPE`",
        Rule::key => "a key (a name for the fact, such as `carter`)",
        Rule::name => "a name (letters, digits and `_`, such as `Actor`)",
        Rule::sentence_ref | Rule::doc_ref => "a sentence number (such as `3`, `3[0..10]` or `article#3`)",
        Rule::span => "a character span `[start..end]`",
        Rule::number => "a whole number",
        Rule::map => "a property map `{…}`",
        Rule::property => "a property `name: value`",
        Rule::prop_key => "a property name",
        Rule::list => "a list `[…]`",
        Rule::string | Rule::dq_text | Rule::sq_text => "a quoted string",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::float | Rule::int => "a number",
        Rule::boolean => "true or false",
        Rule::null => "null",
        Rule::close_paren => "`)`",
        Rule::open_bracket => "`[`",
        Rule::close_bracket => "`]`",
        Rule::close_brace => "`}`",
        Rule::arrow_head => "`->`",
        Rule::dash => "`-`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::dotdot => "`..`",
        // Silent rules never reach error messages; named for completeness.
        Rule::WHITESPACE | Rule::COMMENT => "a space",
        Rule::rel_body => "a relationship type `:TYPE`",
        Rule::identifier | Rule::ident_char => "a name",
        Rule::value => "a value",
        Rule::exponent => "an exponent",
    }
}

// ---------------------------------------------------------------------------
// Step 3: parse tree → AST

struct Builder<'t> {
    lines: LineIndex<'t>,
    /// The document bare sentence numbers refer to.
    current_document: Option<String>,
    /// Documents declared so far, for `doc#N` citations.
    documents: Vec<String>,
    /// Every fact key (documents, nodes, relationships) and where it is.
    keys: HashMap<String, Position>,
    /// Unkeyed relationships by (from, type, to), for duplicate detection.
    unkeyed: HashMap<(String, String, String), Position>,
}

type Built<T> = Result<T, QueryError>;

impl<'t> Builder<'t> {
    fn new(lines: LineIndex<'t>) -> Self {
        Builder {
            lines,
            current_document: None,
            documents: Vec::new(),
            keys: HashMap::new(),
            unkeyed: HashMap::new(),
        }
    }

    fn pos(&self, pair: &Pair<Rule>) -> Position {
        self.lines.position(pair.as_span().start())
    }

    fn error(&self, pair: &Pair<Rule>, message: impl Into<String>) -> QueryError {
        QueryError::new(ErrorClass::SyntaxError, message).at(self.pos(pair))
    }

    fn file(mut self, mut pairs: Pairs<Rule>) -> Built<FactFile> {
        let mut file = FactFile::default();
        let Some(root) = pairs.next() else {
            return Ok(file);
        };
        for pair in root.into_inner() {
            let item = match pair.as_rule() {
                Rule::document_decl => Item::Document(self.document(pair)?),
                Rule::node_fact => Item::Node(self.node(pair)?),
                Rule::rel_fact => Item::Rel(self.rel(pair)?),
                _ => continue, // EOI
            };
            file.items.push(item);
        }
        Ok(file)
    }

    /// Records a fact key, refusing a second use of it.
    fn claim_key(&mut self, key: &str, pos: Position) -> Built<()> {
        if let Some(first) = self.keys.get(key) {
            return Err(QueryError::new(
                ErrorClass::SyntaxError,
                format!(
                    "duplicate key `{key}`: it is defined at {first} and again at {pos}; \
                     a key names exactly one fact in a file"
                ),
            )
            .at(pos));
        }
        self.keys.insert(key.to_string(), pos);
        Ok(())
    }

    fn document(&mut self, pair: Pair<Rule>) -> Built<DocumentDecl> {
        let pos = self.pos(&pair);
        let mut decl = DocumentDecl {
            key: String::new(),
            properties: Vec::new(),
            text_path: None,
            sources: Vec::new(),
            pos,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::key => {
                    decl.key = part.as_str().to_string();
                    self.claim_key(&decl.key, pos)?;
                    // Citations inside the declaration refer to the document
                    // itself (e.g. `cites 0` for the title).
                    self.current_document = Some(decl.key.clone());
                    self.documents.push(decl.key.clone());
                }
                Rule::map => decl.properties = self.properties(part)?,
                Rule::text_clause => {
                    if decl.text_path.is_some() {
                        return Err(self.error(
                            &part,
                            format!(
                                "the document `{}` already has a `text` clause; give one file",
                                decl.key
                            ),
                        ));
                    }
                    let string = last_inner(&part, self)?;
                    decl.text_path = Some(self.string(string)?);
                }
                Rule::cites_clause | Rule::external_clause => {
                    self.citations(part, &mut decl.sources)?;
                }
                _ => {}
            }
        }
        Ok(decl)
    }

    fn node(&mut self, pair: Pair<Rule>) -> Built<NodeFact> {
        let pos = self.pos(&pair);
        let mut fact = NodeFact {
            key: String::new(),
            labels: Vec::new(),
            properties: Vec::new(),
            citations: Vec::new(),
            pos,
        };
        let mut label_expected_at = pos;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::key => {
                    fact.key = part.as_str().to_string();
                    label_expected_at = self.lines.position(part.as_span().end());
                    self.claim_key(&fact.key, pos)?;
                }
                Rule::label => {
                    let name = last_inner(&part, self)?;
                    fact.labels.push(Name {
                        name: name.as_str().to_string(),
                        pos: self.pos(&part),
                    });
                }
                Rule::map => fact.properties = self.properties(part)?,
                Rule::cites_clause | Rule::external_clause => {
                    self.citations(part, &mut fact.citations)?;
                }
                _ => {}
            }
        }
        if fact.labels.is_empty() {
            return Err(QueryError::new(
                ErrorClass::SyntaxError,
                format!(
                    "the node `{0}` has no label; write it as ({0}:Label …), \
                     or use it inside a relationship to refer to a node declared elsewhere",
                    fact.key
                ),
            )
            .at(label_expected_at));
        }
        if fact.citations.is_empty() {
            return Err(missing_citation(&format!("node `{}`", fact.key), pos));
        }
        Ok(fact)
    }

    fn rel(&mut self, pair: Pair<Rule>) -> Built<RelFact> {
        let pos = self.pos(&pair);
        let mut ends: Vec<Name> = Vec::new();
        let mut key = None;
        let mut rel_type = None;
        let mut properties = Vec::new();
        let mut citations = Vec::new();
        let mut leftward = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::node_ref => {
                    let key = first_inner(&part, self)?;
                    ends.push(Name {
                        name: key.as_str().to_string(),
                        pos: self.pos(&key),
                    });
                }
                Rule::right_arrow | Rule::left_arrow => {
                    leftward = part.as_rule() == Rule::left_arrow;
                    for inner in part.into_inner() {
                        match inner.as_rule() {
                            Rule::key => {
                                let k = inner.as_str().to_string();
                                self.claim_key(&k, self.pos(&inner))?;
                                key = Some(k);
                            }
                            Rule::rel_type => {
                                let name = last_inner(&inner, self)?;
                                rel_type = Some(Name {
                                    name: name.as_str().to_string(),
                                    pos: self.pos(&inner),
                                });
                            }
                            Rule::map => properties = self.properties(inner)?,
                            _ => {}
                        }
                    }
                }
                Rule::cites_clause | Rule::external_clause => {
                    self.citations(part, &mut citations)?;
                }
                _ => {}
            }
        }
        let (Some(rel_type), Some(to), Some(from)) = (rel_type, ends.pop(), ends.pop()) else {
            return Err(QueryError::new(
                ErrorClass::SyntaxError,
                "this relationship is incomplete: write (a)-[:TYPE]->(b)",
            )
            .at(pos));
        };
        // A left arrow is stored with `from` as the start node.
        let (from, to) = if leftward { (to, from) } else { (from, to) };
        let shape = format!("({})-[:{}]->({})", from.name, rel_type.name, to.name);
        if citations.is_empty() {
            return Err(missing_citation(&format!("relationship {shape}"), pos));
        }
        if key.is_none() {
            let identity = (from.name.clone(), rel_type.name.clone(), to.name.clone());
            if let Some(first) = self.unkeyed.insert(identity, pos) {
                return Err(QueryError::new(
                    ErrorClass::SyntaxError,
                    format!(
                        "the relationship {shape} is stated at {first} and again at {pos}; \
                         put all its citations on one fact, or give each a key \
                         (-[k:{}]->) if they are different relationships",
                        rel_type.name
                    ),
                )
                .at(pos));
            }
        }
        Ok(RelFact {
            key,
            rel_type,
            from,
            to,
            properties,
            citations,
            pos,
        })
    }

    fn citations(&self, clause: Pair<Rule>, out: &mut Vec<Citation>) -> Built<()> {
        if clause.as_rule() == Rule::external_clause {
            let pos = self.pos(&clause);
            let string = last_inner(&clause, self)?;
            let note = self.string(string)?;
            if note.trim().is_empty() {
                return Err(self.error(
                    &clause,
                    "an `external` citation needs a note saying what was added and from where",
                ));
            }
            out.push(Citation {
                source: Source::External { note },
                pos,
            });
            return Ok(());
        }
        for sentence in clause.into_inner() {
            if sentence.as_rule() == Rule::sentence_ref {
                out.push(self.sentence_ref(sentence)?);
            }
        }
        Ok(())
    }

    fn sentence_ref(&self, pair: Pair<Rule>) -> Built<Citation> {
        let pos = self.pos(&pair);
        let mut document = None;
        let mut index = None;
        let mut span = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::doc_ref => {
                    let name = part.as_str();
                    if !self.documents.iter().any(|d| d == name) {
                        return Err(self.error(
                            &part,
                            format!(
                                "no document `{name}` is declared before this citation; \
                                 declare it with `document {name} …` first"
                            ),
                        ));
                    }
                    document = Some(name.to_string());
                }
                Rule::number => index = Some(self.u32(&part, "sentence number")?),
                Rule::span => {
                    let mut numbers = part.clone().into_inner().filter(|p| p.as_rule() == Rule::number);
                    let (Some(a), Some(b)) = (numbers.next(), numbers.next()) else {
                        return Err(self.error(&part, "a span is written [start..end]"));
                    };
                    let (start, end) = (self.u32(&a, "span start")?, self.u32(&b, "span end")?);
                    if start >= end {
                        return Err(self.error(
                            &part,
                            format!(
                                "the span [{start}..{end}] is empty: it counts characters \
                                 from `start` up to but not including `end`"
                            ),
                        ));
                    }
                    span = Some((start, end));
                }
                _ => {}
            }
        }
        let Some(index) = index else {
            return Err(self.error(&pair, "a citation needs a sentence number"));
        };
        let Some(document) = document.or_else(|| self.current_document.clone()) else {
            return Err(self.error(
                &pair,
                format!(
                    "sentence {index} is cited before any `document` declaration, so it is \
                     not known which document it belongs to; declare the document first"
                ),
            ));
        };
        Ok(Citation {
            source: Source::Sentence {
                document,
                index,
                span,
            },
            pos,
        })
    }

    fn u32(&self, pair: &Pair<Rule>, what: &str) -> Built<u32> {
        pair.as_str()
            .parse()
            .map_err(|_| self.error(pair, format!("{what} {} is too large", pair.as_str())))
    }

    /// Properties of a map, refusing a key given twice.
    fn properties(&self, map: Pair<Rule>) -> Built<Vec<Property>> {
        let mut out: Vec<Property> = Vec::new();
        for property in map.into_inner().filter(|p| p.as_rule() == Rule::property) {
            let pos = self.pos(&property);
            let mut parts = property.into_inner().filter(|p| p.as_rule() != Rule::colon);
            let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
                return Err(
                    QueryError::new(ErrorClass::SyntaxError, "a property is written `name: value`").at(pos),
                );
            };
            let key = key.as_str().to_string();
            if let Some(first) = out.iter().find(|p| p.key == key) {
                return Err(QueryError::new(
                    ErrorClass::SyntaxError,
                    format!(
                        "the property `{key}` is given twice in one map, at {} and at {pos}",
                        first.pos
                    ),
                )
                .at(pos));
            }
            let value_pos = self.pos(&value);
            out.push(Property {
                key,
                value: self.value(value)?,
                pos,
                value_pos,
            });
        }
        Ok(out)
    }

    fn value(&self, pair: Pair<Rule>) -> Built<Value> {
        let text = pair.as_str();
        match pair.as_rule() {
            Rule::string => Ok(Value::from(self.string(pair)?)),
            Rule::date => Date::parse(text).map(Value::Date).ok_or_else(|| {
                self.error(
                    &pair,
                    format!("`{text}` is not a calendar date; dates are written YYYY-MM-DD and must exist"),
                )
            }),
            Rule::int => text
                .parse()
                .map(Value::Int)
                .map_err(|_| self.error(&pair, format!("the integer {text} does not fit in 64 bits"))),
            Rule::float => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Value::Float(x)),
                _ => Err(self.error(&pair, format!("the number {text} is too large"))),
            },
            Rule::boolean => Ok(Value::Bool(text.eq_ignore_ascii_case("true"))),
            Rule::null => Ok(Value::Null),
            Rule::list => pair
                .into_inner()
                .filter(|p| !matches!(p.as_rule(), Rule::comma | Rule::close_bracket))
                .map(|p| self.value(p))
                .collect::<Built<Vec<_>>>()
                .map(|items| Value::List(items.into())),
            Rule::map => {
                let mut entries = BTreeMap::new();
                for property in self.properties(pair)? {
                    entries.insert(property.key, property.value);
                }
                Ok(Value::Map(Box::new(entries)))
            }
            _ => Err(self.error(&pair, "expected a value here")),
        }
    }

    /// The contents of a string literal with its escapes applied.
    fn string(&self, pair: Pair<Rule>) -> Built<String> {
        let Some(body) = pair.into_inner().next() else {
            return Ok(String::new());
        };
        let base = body.as_span().start();
        let raw = body.as_str();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let at = |message: String| {
                QueryError::new(ErrorClass::SyntaxError, message).at(self.lines.position(base + i))
            };
            let Some((_, e)) = chars.next() else {
                return Err(at("a string cannot end with a lone backslash".into()));
            };
            let plain = match e {
                'n' => Some('\n'),
                't' => Some('\t'),
                'r' => Some('\r'),
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                '0' => Some('\0'),
                '\\' | '\'' | '"' | '/' => Some(e),
                'u' => None,
                other => {
                    return Err(at(format!(
                        "unknown escape `\\{other}` in a string; the escapes are \\n \\t \\r \
                         \\b \\f \\0 \\\\ \\' \\\" \\/ \\uXXXX and \\u{{X…}} (write \\\\ for a \
                         backslash)"
                    )));
                }
            };
            if let Some(c) = plain {
                out.push(c);
                continue;
            }
            let code = unicode_escape(&mut chars).ok_or_else(|| {
                at("a \\u escape needs four hex digits (\\u00e9) or braces (\\u{1F600})".into())
            })?;
            let c = match code {
                // A UTF-16 surrogate pair written as two escapes, as JSON does.
                0xD800..=0xDBFF => {
                    let low = (chars.next().map(|(_, c)| c) == Some('\\')
                        && chars.next().map(|(_, c)| c) == Some('u'))
                    .then(|| unicode_escape(&mut chars))
                    .flatten()
                    .filter(|low| (0xDC00..=0xDFFF).contains(low));
                    low.and_then(|low| char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                }
                _ => char::from_u32(code),
            };
            let Some(c) = c else {
                return Err(at(format!(
                    "\\u escape {code:X} is not a Unicode character (an unpaired surrogate or \
                     beyond 10FFFF)"
                )));
            };
            out.push(c);
        }
        Ok(out)
    }
}

/// The code of a `\u` escape after the `u`: `XXXX` or `{X…}` (1–6 digits).
fn unicode_escape(chars: &mut std::iter::Peekable<std::str::CharIndices>) -> Option<u32> {
    let mut digits = String::new();
    if chars.peek().map(|&(_, c)| c) == Some('{') {
        chars.next();
        loop {
            let (_, c) = chars.next()?;
            if c == '}' {
                break;
            }
            digits.push(c);
        }
        if digits.is_empty() || digits.len() > 6 {
            return None;
        }
    } else {
        for _ in 0..4 {
            digits.push(chars.next()?.1);
        }
    }
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(&digits, 16).ok()
}

fn missing_citation(what: &str, pos: Position) -> QueryError {
    QueryError::new(
        ErrorClass::SyntaxError,
        format!(
            "the {what} starting at {pos} has no citation; every fact needs `cites N` \
             (sentences of the current document) or `external \"note\"`"
        ),
    )
    .at(pos)
}

fn first_inner<'i>(pair: &Pair<'i, Rule>, b: &Builder) -> Built<Pair<'i, Rule>> {
    pair.clone()
        .into_inner()
        .next()
        .ok_or_else(|| b.error(pair, "this part of the fact is incomplete"))
}

fn last_inner<'i>(pair: &Pair<'i, Rule>, b: &Builder) -> Built<Pair<'i, Rule>> {
    pair.clone()
        .into_inner()
        .last()
        .ok_or_else(|| b.error(pair, "this part of the fact is incomplete"))
}
