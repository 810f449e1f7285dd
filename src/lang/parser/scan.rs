//! A rough tokenizer that runs before pest.
//!
//! It does four jobs the grammar cannot do well:
//! - bound nesting depth *before* the recursive-descent parser runs, so that
//!   10,000 nested brackets are a syntax error instead of a stack overflow;
//! - report unterminated strings, names and comments at their opening quote
//!   (pest would only report "unexpected end of input");
//! - split a script at `;` while respecting strings and comments, and name
//!   the tokens around a syntax error for messages;
//! - find the comments, which are blanked out before pest sees the text
//!   (see [`Scanned::pest_input`]).
//!
//! It knows just enough of the lexical syntax to do that; it never decides
//! whether a query is valid.

use super::syntax_error;
use crate::error::QueryError;
use std::borrow::Cow;

/// The deepest nesting of brackets (`(`, `[`, `{`) and `CASE ... END` the
/// parser accepts: far beyond anything written by hand. The tree builder
/// recurses once per level; unoptimised builds spend about 7 KiB of stack
/// per level there, so 128 levels need under 1 MiB, half of the 2 MiB stack
/// Rust gives a spawned thread (and what `cargo test` runs in).
pub const MAX_NESTING: usize = 128;

/// What kind of token the tokenizer saw. Only what messages and checks need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// An identifier or keyword.
    Word,
    /// Something starting with a digit (or `.` and a digit).
    Number,
    /// A quoted string.
    Str,
    /// A back-quoted name.
    Quoted,
    /// `$name`
    Param,
    /// Operators and punctuation.
    Punct,
}

/// A token: its kind and byte range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }

    fn is(self, text: &str, s: &str) -> bool {
        self.kind == Kind::Punct && self.text(text) == s
    }
}

/// What the scanner found in a text.
#[derive(Debug)]
pub(super) struct Scanned {
    /// The tokens, in order.
    pub tokens: Vec<Token>,
    /// The byte ranges of the comments.
    pub comments: Vec<(usize, usize)>,
}

impl Scanned {
    /// `text` with every comment replaced by spaces of the same byte
    /// length, which is what pest parses.
    ///
    /// Handling comments here rather than in the grammar is for speed: pest
    /// tries to skip whitespace between every two elements of every
    /// alternative it attempts, and each comment alternative in that skip
    /// is a counted call (stack check included), even when no comment is
    /// there; it was a third of the parse time. Blanking keeps every byte
    /// offset unchanged, so positions and spans still refer to `text`.
    pub fn pest_input<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.comments.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for &(start, end) in &self.comments {
            out.push_str(text.get(last..start).unwrap_or(""));
            out.extend(std::iter::repeat_n(' ', end - start));
            last = end;
        }
        out.push_str(text.get(last..).unwrap_or(""));
        Cow::Owned(out)
    }
}

/// Two-character operators, so messages show `<>` rather than `<`.
const PAIRS: [&str; 8] = ["<>", "<=", ">=", "=~", "!=", "+=", "..", "->"];

/// Splits `text` into tokens, skipping whitespace and noting comments, and
/// checks that strings, back-quoted names and block comments are closed and
/// that nesting stays within [`MAX_NESTING`] (counted per `;`-separated
/// statement).
pub(super) fn tokenize(text: &str) -> Result<Scanned, QueryError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 3);
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            comments.push((start, i));
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            match text[i + 2..].find("*/") {
                Some(n) => {
                    i += 2 + n + 2;
                    comments.push((start, i));
                }
                None => {
                    return Err(syntax_error(
                        text,
                        start,
                        "UnexpectedSyntax",
                        "unterminated comment: this `/*` is never closed with `*/`".into(),
                    ));
                }
            }
            continue;
        }
        let kind = match b {
            b'\'' | b'"' => {
                i = closing_quote(bytes, i, b).ok_or_else(|| {
                    syntax_error(
                        text,
                        start,
                        "UnexpectedSyntax",
                        format!(
                            "unterminated string: the quote {} opened here is never closed",
                            if b == b'\'' { "`'`" } else { "`\"`" }
                        ),
                    )
                })?;
                Kind::Str
            }
            b'`' => {
                i = closing_backquote(bytes, i).ok_or_else(|| {
                    syntax_error(
                        text,
                        start,
                        "UnexpectedSyntax",
                        "unterminated name: the back-quote opened here is never closed".into(),
                    )
                })?;
                Kind::Quoted
            }
            b'$' => {
                i += 1;
                if bytes.get(i) == Some(&b'`') {
                    i = closing_backquote(bytes, i).unwrap_or(bytes.len());
                } else {
                    i = word_end(text, i);
                }
                Kind::Param
            }
            b'0'..=b'9' => {
                i = number_end(text, i);
                Kind::Number
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(text, i);
                Kind::Number
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                if c.is_alphabetic() || c == '_' {
                    i = word_end(text, i);
                    Kind::Word
                } else if c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                } else {
                    let two = text.get(i..i + 2).unwrap_or("");
                    i += if PAIRS.contains(&two) { 2 } else { c.len_utf8() };
                    Kind::Punct
                }
            }
        };
        tokens.push(Token { kind, start, end: i });
    }
    check_nesting(text, &tokens)?;
    Ok(Scanned { tokens, comments })
}

/// The offset just past the quote closing the string opened at `open`.
pub(crate) fn closing_quote(bytes: &[u8], open: usize, quote: u8) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the back-quote closing the name opened at `open`;
/// a doubled back-quote inside the name stands for one.
pub(crate) fn closing_backquote(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            if bytes.get(i + 1) == Some(&b'`') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn word_end(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(text.len(), |(n, _)| start + n)
}

/// Numbers: digits and letters (hex, exponents, invalid junk that the
/// builder will name), one fraction, and a sign right after an exponent.
fn number_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut seen_dot = false;
    while i < bytes.len() {
        let b = bytes[i];
        let after_exponent = i > start && matches!(bytes[i - 1], b'e' | b'E');
        let next_is_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        let continues = b.is_ascii_alphanumeric()
            || b == b'_'
            || (b == b'.' && next_is_digit && !seen_dot)
            || ((b == b'+' || b == b'-')
                && after_exponent
                && next_is_digit
                && !text[start..i].starts_with("0x"));
        if !continues {
            break;
        }
        seen_dot |= b == b'.';
        i += 1;
    }
    i
}

/// Rejects nesting deeper than [`MAX_NESTING`], pointing at the first
/// bracket (or `CASE`) beyond the limit.
fn check_nesting(text: &str, tokens: &[Token]) -> Result<(), QueryError> {
    let mut depth = 0usize;
    // Openers not closed yet in this statement, by start offset.
    let mut open: Vec<usize> = Vec::new();
    for (n, t) in tokens.iter().enumerate() {
        if t.kind == Kind::Punct && t.is(text, ";") {
            check_unclosed(text, &open)?;
            open.clear();
        }
        let opens = match t.kind {
            Kind::Punct => match t.text(text) {
                "(" | "[" | "{" => Some(true),
                ")" | "]" | "}" => Some(false),
                ";" => {
                    // Brackets never span statements; an unclosed one is the
                    // parser's to report, not a reason to misjudge the next
                    // statement's depth.
                    depth = 0;
                    None
                }
                _ => None,
            },
            Kind::Word if is_case_keyword(text, tokens, n) => Some(t.text(text).eq_ignore_ascii_case("case")),
            _ => None,
        };
        match opens {
            Some(true) => {
                depth += 1;
                open.push(t.start);
                if depth > MAX_NESTING {
                    return Err(syntax_error(
                        text,
                        t.start,
                        "NestingTooDeep",
                        format!(
                            "the query is nested too deeply: more than {MAX_NESTING} levels \
                             of brackets or CASE expressions"
                        ),
                    ));
                }
            }
            Some(false) => {
                depth = depth.saturating_sub(1);
                open.pop();
            }
            None => {}
        }
    }
    check_unclosed(text, &open)
}

/// A statement may leave this many brackets unclosed and still go to the
/// parser, whose message says what it expected at the first one.
pub const MAX_UNCLOSED: usize = 8;

/// Rejects a statement that leaves more than [`MAX_UNCLOSED`] brackets
/// open. pest backtracks through every way of reading each unclosed
/// bracket (list, list comprehension, pattern comprehension, subscript …),
/// which multiplies with each one: `RETURN [x IN a` and twenty `[` took
/// pest's whole call budget (11 s in a debug build), a finding of the
/// query_parser fuzz target. Counting them first costs nothing.
fn check_unclosed(text: &str, open: &[usize]) -> Result<(), QueryError> {
    if open.len() <= MAX_UNCLOSED {
        return Ok(());
    }
    let first = open[0];
    let bracket = text[first..].chars().next().unwrap_or('(');
    Err(syntax_error(
        text,
        first,
        "UnexpectedSyntax",
        format!(
            "this `{bracket}` is never closed, nor are {} brackets after it",
            open.len() - 1
        ),
    ))
}

/// True if token `n` is `CASE` or `END` used as a keyword, not as a property
/// key (`n.end`), label (`:Case`) or map key (`{end: 1}`).
fn is_case_keyword(text: &str, tokens: &[Token], n: usize) -> bool {
    let word = tokens[n].text(text);
    if !(word.eq_ignore_ascii_case("case") || word.eq_ignore_ascii_case("end")) {
        return false;
    }
    let before = n.checked_sub(1).map(|p| tokens[p]);
    let after = tokens.get(n + 1);
    !before.is_some_and(|t| t.is(text, ".") || t.is(text, ":")) && !after.is_some_and(|t| t.is(text, ":"))
}

/// The byte ranges of the statements in a tokenized script: the tokens
/// between `;`s, from the first token's start to the last one's end, so a
/// statement's span excludes surrounding comments. Empty statements are
/// skipped.
pub(super) fn split_statements(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut first: Option<Token> = None;
    let mut last: Option<Token> = None;
    for &t in tokens {
        if t.is(text, ";") {
            if let (Some(f), Some(l)) = (first.take(), last.take()) {
                out.push((f.start, l.end));
            }
        } else {
            first.get_or_insert(t);
            last = Some(t);
        }
    }
    if let (Some(f), Some(l)) = (first, last) {
        out.push((f.start, l.end));
    }
    out
}

/// The token at or after `offset`, if any.
pub(super) fn token_at(tokens: &[Token], offset: usize) -> Option<Token> {
    let i = tokens.partition_point(|t| t.end <= offset);
    tokens.get(i).copied()
}

/// The last token that ends at or before `offset`, if any.
pub(super) fn token_before(tokens: &[Token], offset: usize) -> Option<Token> {
    let i = tokens.partition_point(|t| t.end <= offset);
    i.checked_sub(1).and_then(|i| tokens.get(i)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        tokenize(text)
            .unwrap()
            .tokens
            .iter()
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn skips_comments_and_keeps_operators_whole() {
        assert_eq!(
            texts("MATCH (n) // c\n WHERE n.x <> 1.5e-3 /* x */ RETURN $p"),
            [
                "MATCH", "(", "n", ")", "WHERE", "n", ".", "x", "<>", "1.5e-3", "RETURN", "$p"
            ]
        );
        assert_eq!(
            texts("'a\\'b' `x``y` [1..2]"),
            ["'a\\'b'", "`x``y`", "[", "1", "..", "2", "]"]
        );
        // One fraction per number; a sign continues only an exponent.
        assert_eq!(
            texts("1.5.3 .5e-3 0x1e-2"),
            ["1.5", ".3", ".5e-3", "0x1e", "-", "2"]
        );
    }

    #[test]
    fn reports_unterminated_things_at_their_start() {
        let e = tokenize("RETURN 'abc").unwrap_err();
        assert_eq!(e.position.map(|p| p.column), Some(8));
        let e = tokenize("RETURN 1 /* x").unwrap_err();
        assert_eq!(e.position.map(|p| p.column), Some(10));
        let e = tokenize("RETURN `abc").unwrap_err();
        assert_eq!(e.position.map(|p| p.column), Some(8));
    }

    #[test]
    fn blanks_comments_keeping_offsets() {
        let text = "RETURN 1 /* é\n */ + 2 // ü\n";
        let scanned = tokenize(text).unwrap();
        let input = scanned.pest_input(text);
        assert_eq!(input.len(), text.len());
        assert_eq!(
            input,
            format!("RETURN 1 {} + 2 {}\n", " ".repeat(9), " ".repeat(5))
        );
        assert!(matches!(
            tokenize("RETURN 1").unwrap().pest_input("RETURN 1"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bounds_nesting_including_case() {
        let ok = "(".repeat(MAX_NESTING) + &")".repeat(MAX_NESTING);
        assert!(tokenize(&ok).is_ok());
        let deep = "[".repeat(MAX_NESTING + 1);
        let e = tokenize(&deep).unwrap_err();
        assert_eq!(e.detail.as_deref(), Some("NestingTooDeep"));
        assert_eq!(e.position.map(|p| p.column), Some(MAX_NESTING as u32 + 1));
        let cases = "CASE WHEN true THEN ".repeat(MAX_NESTING + 1);
        assert!(tokenize(&cases).is_err());
        // Property keys and map keys named like the keywords do not count.
        let keys = "n.case {case: 1} ".repeat(MAX_NESTING + 1);
        assert!(tokenize(&keys).is_ok());
    }

    #[test]
    fn many_unclosed_brackets_are_refused_before_the_parser() {
        let few = format!("RETURN [x IN a{}", "[".repeat(MAX_UNCLOSED - 1));
        assert!(tokenize(&few).is_ok());
        let many = format!("RETURN [x IN a{}; RETURN 1", "[".repeat(MAX_UNCLOSED));
        let e = tokenize(&many).unwrap_err();
        assert_eq!(e.position.map(|p| p.column), Some(8));
        assert!(e.message.contains("never closed"), "{e}");
        // Counted per statement.
        let split = format!("RETURN [[[[[1; {}", "RETURN [[[[[1; ".repeat(3));
        assert!(tokenize(&split).is_ok());
    }

    #[test]
    fn splits_scripts_outside_strings_and_comments() {
        let text = "CREATE ({v: ';'}); // ;\n ; /* ; */ RETURN 1 ;";
        let tokens = tokenize(text).unwrap().tokens;
        let parts: Vec<&str> = split_statements(text, &tokens)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(parts, ["CREATE ({v: ';'})", "RETURN 1"]);
    }
}
