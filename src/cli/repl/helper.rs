//! The line editor's helper: completion, history hints, highlighting and
//! the "run on Enter?" check, glued to rustyline's traits.

use super::complete::{self, Completion, HIGHLIGHTED, Vocabulary};
use super::lexer::{Kind, ends_statement, scan};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const PARAM: &str = "\x1b[35m";
const COMMENT: &str = "\x1b[90m";
const META: &str = "\x1b[1;36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Everything the editor asks of the REPL while a line is being typed.
pub struct ReplHelper {
    /// Names offered by completion; replaced after writes.
    pub vocabulary: Vocabulary,
    files: FilenameCompleter,
    hints: HistoryHinter,
}

impl ReplHelper {
    /// A helper offering the names in `vocabulary`.
    pub fn new(vocabulary: Vocabulary) -> ReplHelper {
        ReplHelper {
            vocabulary,
            files: FilenameCompleter::new(),
            hints: HistoryHinter::new(),
        }
    }
}

impl Helper for ReplHelper {}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete::complete(line, pos, &self.vocabulary) {
            Completion::Candidates { start, candidates } => Ok((
                start,
                candidates
                    .into_iter()
                    .map(|c| Pair {
                        display: c.display,
                        replacement: c.replacement,
                    })
                    .collect(),
            )),
            Completion::FileName => self.files.complete(line, pos, ctx),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hints.hint(line, pos, ctx)
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if entry_is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// True when Enter should hand the input over: a blank line, a meta
/// command (`:…`, one line), or statements ending with `;`.
pub fn entry_is_complete(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.is_empty() || trimmed.starts_with(':') || ends_statement(input)
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        Cow::Owned(highlight(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Any typed character can open or close a string and so change the
        // colours of everything after it: repaint on every edit.
        kind == CmdKind::Other
    }
}

/// `line` with ANSI colours: keywords, strings, numbers, parameters and
/// comments; a meta command's name. Only called by the editor when the
/// terminal takes colours (rustyline checks the terminal and `NO_COLOR`).
pub fn highlight(line: &str) -> String {
    if line.trim_start().starts_with(':') {
        let start = line.len() - line.trim_start().len();
        let end = line[start..]
            .find(char::is_whitespace)
            .map_or(line.len(), |n| start + n);
        return format!(
            "{}{META}{}{RESET}{}",
            &line[..start],
            &line[start..end],
            &line[end..]
        );
    }
    let (tokens, _) = scan(line);
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for t in tokens {
        let colour = match t.kind {
            Kind::Word if is_keyword(t.text(line)) => KEYWORD,
            Kind::Str => STRING,
            Kind::Number => NUMBER,
            Kind::Param => PARAM,
            Kind::Comment => COMMENT,
            _ => continue,
        };
        out.push_str(&line[at..t.start]);
        out.push_str(colour);
        out.push_str(t.text(line));
        out.push_str(RESET);
        at = t.end;
    }
    out.push_str(&line[at..]);
    out
}

fn is_keyword(word: &str) -> bool {
    HIGHLIGHTED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_only_adds_colours() {
        let line = "MATCH (n {name: 'Ash'}) WHERE n.x > 2 RETURN $p // c";
        let coloured = highlight(line);
        assert!(coloured.contains(&format!("{KEYWORD}MATCH{RESET}")));
        assert!(coloured.contains(&format!("{STRING}'Ash'{RESET}")));
        assert!(coloured.contains(&format!("{NUMBER}2{RESET}")));
        assert!(coloured.contains(&format!("{PARAM}$p{RESET}")));
        let plain = regex::Regex::new("\x1b\\[[0-9;]*m").map(|r| r.replace_all(&coloured, "").into_owned());
        assert_eq!(plain.ok().as_deref(), Some(line));
        assert_eq!(
            highlight("RETURN 'open"),
            format!("{KEYWORD}RETURN{RESET} {STRING}'open{RESET}")
        );
        assert_eq!(
            highlight("  :format json"),
            format!("  {META}:format{RESET} json")
        );
    }

    #[test]
    fn enter_runs_meta_commands_blank_lines_and_finished_statements() {
        assert!(entry_is_complete(":stats"));
        assert!(entry_is_complete("   "));
        assert!(entry_is_complete("MATCH (n)\nRETURN n;"));
        assert!(!entry_is_complete("MATCH (n)"));
        assert!(!entry_is_complete("RETURN ';"));
    }
}
