//! Splitting a news article into numbered sentences.
//!
//! Fact files cite sentences by number, so the numbering must be stable and
//! easy to predict by eye. The rules are deliberately simple:
//!
//! 1. The first non-empty line is the **title** and is sentence 0, whatever
//!    punctuation it has (headlines usually have none).
//! 2. The rest of the text is cut into **paragraphs** at blank lines (lines
//!    holding only whitespace). A paragraph's end always ends a sentence, so
//!    page furniture such as "Related Content" becomes a sentence of its own
//!    and the numbers after it never shift.
//! 3. Inside a paragraph, a sentence ends after `.`, `?` or `!`, optionally
//!    followed by closing quotes (`”` `"` `’` `'`), when what follows is
//!    whitespace and then an uppercase letter or an opening quote
//!    (`“` `"` `‘` `'`; straight quotes count as both opening and closing).
//! 4. A `.` never ends a sentence when the word before it is a known
//!    abbreviation (see [`ABBREVIATIONS`]: titles such as `Lt`, `Gen`, `Dr`,
//!    months such as `Sept`, and `U.S`, `U.N`, …) or is made only of single
//!    letters joined by dots (an initial such as `J.`, or `U.S.A.`).
//!    The price is that a sentence really ending in such a word, mid-paragraph,
//!    runs on into the next one; news copy rarely does this, and a paragraph
//!    end still closes it.
//!
//! Each sentence keeps its exact text (a slice of the document, trimmed of
//! surrounding whitespace) and the byte offset where it starts, so
//! `&document[s.start..s.start + s.text.len()] == s.text` always holds.

/// Words that, followed by `.`, never end a sentence. Compared exactly (case
/// matters: `No.` is an abbreviation, `no.` ends a sentence).
pub const ABBREVIATIONS: &[&str] = &[
    // Ranks, offices and forms of address.
    "Lt", "Gen", "Gens", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Cpl", "Pvt", "Mr", "Mrs", "Ms", "Dr",
    "Prof", "Rev", "Hon", "Sen", "Sens", "Rep", "Reps", "Gov", "Pres", "St", "Jr",
    "Sr", // Countries and bodies written with dots.
    "U.S", "U.N", "U.K", "E.U", // Months.
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    // Companies.
    "Inc", "Ltd", "Co", "Corp", // Others.
    "No", "vs", "etc", "approx", "a.m", "p.m", "e.g", "i.e",
];

/// One sentence of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceText {
    /// Position in the document: 0 is the title.
    pub index: u32,
    /// The sentence exactly as written, without surrounding whitespace.
    pub text: String,
    /// Byte offset of the sentence's first character in the document.
    pub start: usize,
}

/// Splits `text` into sentences following the rules in the module
/// documentation. An empty or blank text has no sentences.
///
/// ```
/// use attest::facts::split_sentences;
/// let s = split_sentences("Headline\n\nLt. Gen. Smith spoke. “Yes,” he said.\n");
/// let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
/// assert_eq!(texts, ["Headline", "Lt. Gen. Smith spoke.", "“Yes,” he said."]);
///
/// // Sentence 0 is the title; `start` is a byte offset into the text.
/// assert_eq!(s[2].index, 2);
/// assert_eq!(s[2].start, 32);
/// ```
pub fn split_sentences(text: &str) -> Vec<SentenceText> {
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize| {
        // Trim here so every caller can pass rough ranges.
        let slice = &text[start..end];
        let trimmed = slice.trim_start();
        let start = start + (slice.len() - trimmed.len());
        let trimmed = trimmed.trim_end();
        if !trimmed.is_empty() {
            // More than four billion sentences cannot occur in a document we
            // can hold in memory as text; saturate rather than panic anyway.
            let index = u32::try_from(out.len()).unwrap_or(u32::MAX);
            out.push(SentenceText {
                index,
                text: trimmed.to_string(),
                start,
            });
        }
    };

    let mut lines = lines_with_offsets(text);
    // Rule 1: the title is the first line with any content.
    for (start, line) in lines.by_ref() {
        if !line.trim().is_empty() {
            push(start, start + line.len());
            break;
        }
    }
    // Rule 2: paragraphs are runs of non-blank lines.
    let mut paragraph: Option<(usize, usize)> = None;
    for (start, line) in lines {
        if line.trim().is_empty() {
            if let Some((a, b)) = paragraph.take() {
                split_paragraph(text, a, b, &mut push);
            }
        } else {
            let end = start + line.len();
            paragraph = Some(paragraph.map_or((start, end), |(a, _)| (a, end)));
        }
    }
    if let Some((a, b)) = paragraph {
        split_paragraph(text, a, b, &mut push);
    }
    out
}

/// The lines of `text` with the byte offset each starts at; the line
/// terminator (`\n`, and a `\r` before it) is not part of the line.
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |raw| {
        let start = offset;
        offset += raw.len() + 1;
        (start, raw.strip_suffix('\r').unwrap_or(raw))
    })
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '"' | '’' | '\'')
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '\'')
}

/// Rule 3 and 4 inside the paragraph `text[start..end]`; `push` receives
/// the byte range of each sentence.
fn split_paragraph(text: &str, start: usize, end: usize, push: &mut impl FnMut(usize, usize)) {
    let para = &text[start..end];
    let mut sentence_start = 0;
    let mut chars = para.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        // Closing quotes stay with the sentence they close.
        let mut stop = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if !is_closing_quote(q) {
                break;
            }
            stop = j + q.len_utf8();
            chars.next();
        }
        let rest = &para[stop..];
        let after_space = rest.trim_start();
        if after_space.len() == rest.len() {
            continue; // no whitespace: "U.S.-backed", "3.5", "…”,"
        }
        let Some(next) = after_space.chars().next() else {
            continue; // only whitespace left: the paragraph end closes it
        };
        if !(next.is_uppercase() || is_opening_quote(next)) {
            continue;
        }
        if c == '.' && is_abbreviation(word_before(&para[..i])) {
            continue;
        }
        push(start + sentence_start, start + stop);
        sentence_start = stop;
    }
    push(start + sentence_start, end);
}

/// The word ending at the end of `before` (the text up to a `.`), without
/// opening brackets or quotes in front of it.
fn word_before(before: &str) -> &str {
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    before[word_start..].trim_start_matches(|c: char| matches!(c, '(' | '[') || is_opening_quote(c))
}

fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    // Initials: "J", "U.S.A", "J.R.R" — every dot-separated part one letter.
    word.split('.').all(|part| {
        let mut chars = part.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
    }) && word.starts_with(|c: char| c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_sentences(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn title_is_the_first_non_empty_line() {
        assert_eq!(
            texts("\n  \n  Title here  \nBody. More.\n"),
            ["Title here", "Body.", "More."]
        );
        assert!(texts("").is_empty());
        assert!(texts(" \n\t\n").is_empty());
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            texts("T\n\nLt. Gen. Kenneth McKenzie met J. Smith of the U.S. Army. Then he left."),
            [
                "T",
                "Lt. Gen. Kenneth McKenzie met J. Smith of the U.S. Army.",
                "Then he left."
            ]
        );
        assert_eq!(
            texts("T\n\nIt was late, etc. Now go."),
            ["T", "It was late, etc. Now go."]
        );
    }

    #[test]
    fn quotes_and_question_marks() {
        assert_eq!(
            texts("T\n\n“Why?” he asked. “Because.” 'Fine!' She left! \"Yes.\""),
            [
                "T",
                "“Why?” he asked.",
                "“Because.”",
                "'Fine!'",
                "She left!",
                "\"Yes.\""
            ]
        );
        // Lowercase after the stop: no break.
        assert_eq!(
            texts("T\n\nHe said no. and left."),
            ["T", "He said no. and left."]
        );
    }

    #[test]
    fn offsets_point_at_the_text() {
        let doc = "Title\r\n\r\nOne ça. Two.\r\nStill two. \r\n\r\n  Three";
        let sentences = split_sentences(doc);
        assert_eq!(sentences.len(), 5);
        for s in &sentences {
            assert_eq!(&doc[s.start..s.start + s.text.len()], s.text);
        }
        assert_eq!(sentences[3].text, "Still two.");
        assert_eq!(sentences[4].index, 4);
    }
}
