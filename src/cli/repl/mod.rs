//! The interactive shell: `attest` with no command, on a terminal.
//!
//! The parts, from the outside in:
//!
//! * [`run`] sets up the terminal: the line editor (rustyline) with
//!   history in a private file, the Ctrl-C handler that cancels a running
//!   query, and the banner.
//! * [`drive`] is the loop. It takes entries from an [`EntrySource`] — the
//!   line editor, or any reader through [`LineSource`] — and hands them to
//!   the [`Session`].
//! * [`Session`] does the work: meta commands, statements, transactions,
//!   printing. It knows nothing of terminals, so it is tested with buffers.
//! * `helper`, `complete` and `lexer` serve the editor while a line is
//!   typed: completion, highlighting, hints and "is this entry complete?".
//!
//! Ctrl-C: while the editor reads a line the terminal is in raw mode, so
//! Ctrl-C arrives as a key and rustyline reports it (we clear the line).
//! While a statement runs the terminal is back in its normal mode, Ctrl-C
//! raises SIGINT, and the handler sets the session's [`CancelHandle`]; the
//! executor checks it between rows and fails the statement with
//! `Cancelled`, and the REPL carries on.

mod complete;
mod helper;
mod history;
mod lexer;
mod session;

pub use complete::Vocabulary;
pub use helper::entry_is_complete;
pub use history::{HISTORY_VAR, history_path};
pub use session::{DEFAULT_ROWS, Flow, HELP, Session, Settings, Sink};

use crate::db::Graph;
use crate::error::Error;
use crate::lang::CancelHandle;
use helper::ReplHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{CompletionType, Config, Editor};
use std::io::{self, BufRead};
use std::path::PathBuf;

/// Where the loop gets its entries.
pub trait EntrySource {
    /// The next complete entry (a meta command, or statements ending with
    /// `;`), read after showing `prompt`; `None` when the input ends.
    ///
    /// # Errors
    /// The input could not be read.
    fn next_entry(&mut self, prompt: &str) -> io::Result<Option<String>>;

    /// The names completion should offer from now on (after writes).
    fn set_vocabulary(&mut self, vocabulary: Vocabulary) {
        let _ = vocabulary;
    }
}

/// The REPL loop: runs entries from `source` in `session` until the input
/// ends or `:quit`, then closes the session (rolling back an open
/// transaction).
///
/// # Errors
/// Reading the input failed.
pub fn drive(session: &mut Session<'_>, source: &mut dyn EntrySource, sink: &mut Sink<'_>) -> io::Result<()> {
    let outcome = loop {
        let entry = match source.next_entry(session.prompt()) {
            Ok(Some(entry)) => entry,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        let flow = session.execute(&entry, sink);
        if session.take_changed() {
            source.set_vocabulary(session.vocabulary());
        }
        if flow == Flow::Quit {
            break Ok(());
        }
    };
    session.close(sink);
    outcome
}

/// Entries from any reader: lines are gathered until they make a complete
/// entry, as Enter does at the prompt. At the end of the input, an
/// unfinished statement runs as it is (like the last statement of a
/// script).
pub struct LineSource<R> {
    lines: io::Lines<R>,
}

impl<R: BufRead> LineSource<R> {
    /// Entries from `reader`.
    pub fn new(reader: R) -> LineSource<R> {
        LineSource {
            lines: reader.lines(),
        }
    }
}

impl<R: BufRead> EntrySource for LineSource<R> {
    fn next_entry(&mut self, _prompt: &str) -> io::Result<Option<String>> {
        let mut entry = String::new();
        for line in self.lines.by_ref() {
            let line = line?;
            if line.trim().is_empty() && entry.is_empty() {
                continue;
            }
            if !entry.is_empty() {
                entry.push('\n');
            }
            entry.push_str(&line);
            if entry_is_complete(&entry) {
                return Ok(Some(entry));
            }
        }
        Ok((!entry.trim().is_empty()).then_some(entry))
    }
}

/// The line editor as an entry source, saving history as it goes.
struct Terminal {
    editor: Editor<ReplHelper, DefaultHistory>,
    history: Option<PathBuf>,
}

impl EntrySource for Terminal {
    fn next_entry(&mut self, prompt: &str) -> io::Result<Option<String>> {
        loop {
            match self.editor.readline(prompt) {
                Ok(entry) if entry.trim().is_empty() => continue,
                Ok(entry) => {
                    self.remember(&entry);
                    return Ok(Some(entry));
                }
                // Ctrl-C at the prompt: the input is dropped, ask again.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => return Ok(None),
                Err(ReadlineError::Io(e)) => return Err(e),
                Err(other) => return Err(io::Error::other(other.to_string())),
            }
        }
    }

    fn set_vocabulary(&mut self, vocabulary: Vocabulary) {
        if let Some(helper) = self.editor.helper_mut() {
            helper.vocabulary = vocabulary;
        }
    }
}

impl Terminal {
    /// Adds an entry to the history and appends it to the file at once, so
    /// a REPL that is killed still keeps what was typed.
    fn remember(&mut self, entry: &str) {
        // Entries that begin with a space stay out of history (a shell
        // habit for secrets); rustyline drops them when told to.
        let _ = self.editor.add_history_entry(entry);
        if let Some(path) = &self.history
            && let Err(e) = self.editor.append_history(path)
        {
            eprintln!(
                "history not saved to {}: {e} (history is off for this session)",
                path.display()
            );
            self.history = None;
        }
    }
}

/// Runs the interactive shell on `graph` until `:quit` or Ctrl-D.
///
/// # Errors
/// The terminal could not be set up or read.
pub fn run(graph: &Graph) -> Result<(), Error> {
    let terminal_error = |e: io::Error| Error::Io {
        path: "the terminal".into(),
        source: e,
    };
    let cancel = CancelHandle::new();
    let handler = cancel.clone();
    // One handler per process; a second REPL in the same process (tests)
    // keeps the first handler, which would cancel the wrong session, so
    // say that Ctrl-C will not work rather than pretend.
    let interrupts = ctrlc::set_handler(move || handler.cancel()).is_ok();
    let mut session = Session::new(graph, cancel);

    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .max_history_size(5000)
        .and_then(|c| c.history_ignore_dups(true))
        .map_err(|e| terminal_error(io::Error::other(e.to_string())))?
        .build();
    let memory = DefaultHistory::with_config(&config);
    let mut editor: Editor<ReplHelper, DefaultHistory> =
        Editor::with_history(config, memory).map_err(|e| terminal_error(io::Error::other(e.to_string())))?;
    editor.set_helper(Some(ReplHelper::new(session.vocabulary())));

    let history = history_path().filter(|path| match history::prepare(path) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("history is off: cannot create {}: {e}", path.display());
            false
        }
    });
    if let Some(path) = &history
        && let Err(e) = editor.history_mut().load(path)
    {
        eprintln!("could not read the history in {}: {e}", path.display());
    }

    let mut out = io::stdout();
    let mut err = io::stderr();
    let mut sink = Sink {
        out: &mut out,
        err: &mut err,
    };
    print!("{}", session.banner());
    if !interrupts {
        eprintln!("Ctrl-C cannot cancel queries in this process (a handler is already installed)");
    }
    let mut terminal = Terminal { editor, history };
    drive(&mut session, &mut terminal, &mut sink).map_err(terminal_error)
}
