//! A forgiving scanner for the text being typed at the prompt.
//!
//! The query parser's scanner rejects unfinished input, but the prompt is
//! unfinished most of the time: highlighting, completion and the "is this
//! statement complete yet?" check all need to know what the text *so far*
//! looks like, including a string or comment that is still open. This
//! scanner never fails; it reports what is left open at the end instead.

use crate::lang::{closing_backquote, closing_quote};

/// What a piece of the input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name or keyword: letters, digits and `_`, not starting with a digit.
    Word,
    /// A back-quoted name, `` `like this` ``.
    Quoted,
    /// A string literal in `'` or `"`.
    Str,
    /// A number literal.
    Number,
    /// `$name` or `$0`.
    Param,
    /// `// …` or `/* … */`.
    Comment,
    /// Any other character that is not white space.
    Punct,
}

/// One piece of the input: `text[start..end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// What is still open where the input ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    /// Nothing: the input ends between tokens (or inside a `//` comment,
    /// which the end of the line closes).
    Nothing,
    /// A string opened with `quote` at byte `start`.
    Str { quote: char, start: usize },
    /// A `/* …` comment.
    Comment,
    /// A back-quoted name.
    Quoted,
}

/// The tokens of `text` and what is left open at its end.
pub fn scan(text: &str) -> (Vec<Token>, Open) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let (kind, end, open) = match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                (Kind::Comment, end, Open::Nothing)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => (Kind::Comment, i + 2 + n + 2, Open::Nothing),
                None => (Kind::Comment, bytes.len(), Open::Comment),
            },
            b'\'' | b'"' => match closing_quote(bytes, i, b) {
                Some(end) => (Kind::Str, end, Open::Nothing),
                None => (
                    Kind::Str,
                    bytes.len(),
                    Open::Str {
                        quote: b as char,
                        start,
                    },
                ),
            },
            b'`' => match closing_backquote(bytes, i) {
                Some(end) => (Kind::Quoted, end, Open::Nothing),
                None => (Kind::Quoted, bytes.len(), Open::Quoted),
            },
            b'$' => {
                let end = word_end(bytes, i + 1);
                (
                    if end > i + 1 { Kind::Param } else { Kind::Punct },
                    end.max(i + 1),
                    Open::Nothing,
                )
            }
            b'0'..=b'9' => (Kind::Number, number_end(bytes, i), Open::Nothing),
            _ if is_word_start(b) => (Kind::Word, word_end(bytes, i), Open::Nothing),
            _ => {
                // One character, whole: multi-byte characters stay intact so
                // that slices of `text` remain valid.
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                (Kind::Punct, i + len, Open::Nothing)
            }
        };
        tokens.push(Token { kind, start, end });
        if open != Open::Nothing {
            return (tokens, open);
        }
        i = end;
    }
    (tokens, Open::Nothing)
}

/// True when the input should run on Enter: it ends with `;` outside
/// strings and comments. (Meta commands are decided by the caller.)
pub fn ends_statement(text: &str) -> bool {
    let (tokens, open) = scan(text);
    open == Open::Nothing
        && tokens
            .iter()
            .rev()
            .find(|t| t.kind != Kind::Comment)
            .is_some_and(|t| t.text(text) == ";")
}

/// Letters (including non-ASCII ones: Cypher names may use them) and `_`.
fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80) {
        i += 1;
    }
    i
}

/// Digits, an optional fraction and exponent, or a hex/octal literal; a
/// `..` range stays outside (`*1..3`).
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |bytes: &[u8], mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        i
    };
    i = digits(bytes, i);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(bytes, i + 1);
    }
    // An exponent sign: `1e-3` (the letters were taken by `digits`).
    if matches!(bytes.get(i), Some(b'+' | b'-'))
        && matches!(bytes.get(i.wrapping_sub(1)), Some(b'e' | b'E'))
        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        i = digits(bytes, i + 1);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        scan(text).0.iter().map(|t| (t.kind, t.text(text))).collect()
    }

    #[test]
    fn scans_the_pieces_of_a_statement() {
        assert_eq!(
            kinds("MATCH (n:Actor {name: 'Ash'}) WHERE n.x > 1.5e-3 RETURN $p // end"),
            vec![
                (Kind::Word, "MATCH"),
                (Kind::Punct, "("),
                (Kind::Word, "n"),
                (Kind::Punct, ":"),
                (Kind::Word, "Actor"),
                (Kind::Punct, "{"),
                (Kind::Word, "name"),
                (Kind::Punct, ":"),
                (Kind::Str, "'Ash'"),
                (Kind::Punct, "}"),
                (Kind::Punct, ")"),
                (Kind::Word, "WHERE"),
                (Kind::Word, "n"),
                (Kind::Punct, "."),
                (Kind::Word, "x"),
                (Kind::Punct, ">"),
                (Kind::Number, "1.5e-3"),
                (Kind::Word, "RETURN"),
                (Kind::Param, "$p"),
                (Kind::Comment, "// end"),
            ]
        );
        assert_eq!(
            kinds("[*1..3]")[2..5],
            [(Kind::Number, "1"), (Kind::Punct, "."), (Kind::Punct, ".")]
        );
        assert_eq!(
            kinds("'it\\'s' `a``b` é"),
            vec![
                (Kind::Str, "'it\\'s'"),
                (Kind::Quoted, "`a``b`"),
                (Kind::Word, "é")
            ]
        );
    }

    #[test]
    fn reports_what_is_left_open() {
        assert_eq!(
            scan("RETURN 'abc").1,
            Open::Str {
                quote: '\'',
                start: 7
            }
        );
        assert_eq!(scan("RETURN \"a'").1, Open::Str { quote: '"', start: 7 });
        assert_eq!(scan("RETURN 1 /* ;").1, Open::Comment);
        assert_eq!(scan("MATCH (`a").1, Open::Quoted);
        assert_eq!(scan("RETURN 1 // ;").1, Open::Nothing);
    }

    #[test]
    fn a_statement_ends_with_a_semicolon_outside_strings_and_comments() {
        assert!(ends_statement("RETURN 1;"));
        assert!(ends_statement("MATCH (n)\nRETURN n ;  // done\n"));
        assert!(ends_statement("RETURN 1; RETURN 2;"));
        assert!(!ends_statement("MATCH (n)\nRETURN n"));
        assert!(!ends_statement("RETURN 'a;"));
        assert!(!ends_statement("RETURN 1 // ;"));
        assert!(!ends_statement("RETURN 1 /* ; */"));
        assert!(!ends_statement("RETURN 1; RETURN 2"));
        assert!(!ends_statement(""));
    }
}
