//! The interactive shell.
//!
//! The first half drives a REPL session with text, through the same loop
//! the terminal uses ([`drive`] with a [`LineSource`]): meta commands,
//! transactions, parameters, output settings, evidence, scripts.
//!
//! The second half runs the real binary under a pseudo-terminal, to check
//! what only a terminal shows: statements running on `;`, tab completion,
//! Ctrl-C cancelling a query, and the history file. The pseudo-terminal
//! comes from util-linux's `script` command (`script -qfec CMD /dev/null`
//! runs CMD on a new pty and copies our pipes to and from it), which keeps
//! the tests free of unsafe code and of extra crates. Every wait has a
//! deadline, and the child is killed when a test ends, so nothing hangs.

use attest::cli::repl::{LineSource, Session, Sink, drive};
use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::lang::CancelHandle;

// ---------------------------------------------------------------------------
// Sessions driven by text
// ---------------------------------------------------------------------------

/// What a session printed: results, and errors and notices.
struct Printed {
    out: String,
    err: String,
}

/// Runs `input` as if typed at the prompt, entry by entry.
fn session_on(graph: &Graph, input: &str) -> Printed {
    let mut session = Session::new(graph, CancelHandle::new());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut sink = Sink {
        out: &mut out,
        err: &mut err,
    };
    drive(&mut session, &mut LineSource::new(input.as_bytes()), &mut sink).expect("reading from a string");
    Printed {
        out: String::from_utf8_lossy(&out).into_owned(),
        err: String::from_utf8_lossy(&err).into_owned(),
    }
}

fn count(graph: &Graph, query: &str) -> i64 {
    let result = graph.query(query).expect("the check query runs");
    result.rows[0][0].as_int().expect("an integer")
}

fn news_graph() -> Graph {
    let graph = Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::News,
    });
    attest::facts::load_article(&graph).expect("the bundled article loads");
    graph
}

#[test]
fn statements_run_when_their_semicolon_arrives_and_several_share_a_line() {
    let graph = Graph::in_memory();
    let p = session_on(
        &graph,
        "RETURN 1\n  + 41\n  AS answer;\nRETURN 'a' AS x; RETURN 'b' AS y;\n",
    );
    assert!(
        p.out.contains("| answer |") && p.out.contains("| 42     |"),
        "{}",
        p.out
    );
    assert!(p.out.find("| a |") < p.out.find("| b |"), "{}", p.out);
    assert!(p.err.is_empty(), "{}", p.err);
}

#[test]
fn errors_show_the_class_line_and_a_caret_under_the_column() {
    let graph = Graph::in_memory();
    let p = session_on(&graph, "RETURN 1;\nMATCH (n)\nRETURN n +;\nRETURN 2 AS after;\n");
    let mut lines = p.err.lines();
    let class = lines.next().unwrap_or_default();
    assert!(class.starts_with("SyntaxError"), "{}", p.err);
    assert!(class.contains("(at 2:11)"), "{}", p.err);
    assert_eq!(lines.next(), Some("  RETURN n +;"), "{}", p.err);
    assert_eq!(lines.next(), Some("            ^"), "{}", p.err);
    // The REPL carries on with the next entry.
    assert!(p.out.contains("| after |"), "{}", p.out);
}

#[test]
fn a_transaction_commits_all_its_statements_at_once() {
    let graph = Graph::in_memory();
    let p = session_on(
        &graph,
        ":begin\nCREATE (:Actor {name: 'A'});\nCREATE (:Actor {name: 'B'});\n\
         MATCH (n:Actor) RETURN count(n) AS inside;\n:stats\n:commit\n",
    );
    assert!(p.out.contains("transaction open"), "{}", p.out);
    assert!(
        p.out.contains("| 2      |"),
        "the second statement sees the first: {}",
        p.out
    );
    assert!(
        p.out.contains("(as seen inside the open transaction)"),
        "{}",
        p.out
    );
    assert!(p.out.contains("committed (transaction"), "{}", p.out);
    assert_eq!(count(&graph, "MATCH (n:Actor) RETURN count(n)"), 2);
}

#[test]
fn rollback_and_a_failing_statement_undo_the_whole_transaction() {
    let graph = Graph::in_memory();
    let p = session_on(&graph, ":begin\nCREATE (:A);\n:rollback\n");
    assert!(p.out.contains("rolled back (1 statement(s) undone)"), "{}", p.out);
    assert_eq!(count(&graph, "MATCH (n) RETURN count(n)"), 0);

    let p = session_on(
        &graph,
        ":begin\nCREATE (:A);\nCREATE (:B);\nRETURN 1 / 0;\n:commit\n",
    );
    assert!(p.err.contains("ArithmeticError"), "{}", p.err);
    assert!(
        p.err
            .contains("the transaction was rolled back: none of its 3 statement(s) took effect"),
        "{}",
        p.err
    );
    assert!(
        p.err.contains("no transaction is open"),
        "the :commit after it finds none: {}",
        p.err
    );
    assert_eq!(count(&graph, "MATCH (n) RETURN count(n)"), 0);

    // Leaving with a transaction open rolls it back, and says so.
    let p = session_on(&graph, ":begin\nCREATE (:A);\n:quit\nCREATE (:Never);\n");
    assert!(
        p.err.contains("the open transaction was rolled back"),
        "{}",
        p.err
    );
    assert_eq!(count(&graph, "MATCH (n) RETURN count(n)"), 0);
}

#[test]
fn transaction_commands_out_of_order_are_refused() {
    let graph = Graph::in_memory();
    let p = session_on(&graph, ":commit\n:rollback\n:begin\n:begin\n:rollback\n");
    assert_eq!(p.err.matches("no transaction is open").count(), 2, "{}", p.err);
    assert!(p.err.contains("a transaction is already open"), "{}", p.err);
}

#[test]
fn parameters_are_json_and_can_be_listed_and_removed() {
    let graph = Graph::in_memory();
    let p = session_on(
        &graph,
        ":param who \"Ash Carter\"\n:param $n 3\n:param xs [1, 2.5, {\"$float\": \"NaN\"}]\n:params\n\
         RETURN $who AS who, $n + 1 AS m;\n:param n\nRETURN $n;\n:param bad 'single'\n:params clear\n:params\n",
    );
    assert!(
        p.out
            .contains("$n = 3\n$who = 'Ash Carter'\n$xs = [1, 2.5, NaN]\n"),
        "{}",
        p.out
    );
    assert!(p.out.contains("| Ash Carter | 4 |"), "{}", p.out);
    assert!(p.out.contains("$n removed"), "{}", p.out);
    assert!(p.err.contains("ParameterMissing"), "{}", p.err);
    assert!(p.err.contains("$bad not set: the value is not JSON"), "{}", p.err);
    assert!(
        p.out
            .ends_with("no parameters (set one with :param NAME VALUE)\n"),
        "{}",
        p.out
    );
}

#[test]
fn output_settings_format_timing_and_row_cut_off() {
    let graph = Graph::in_memory();
    let p = session_on(
        &graph,
        ":format json\nRETURN 1 AS one;\n:format csv\nRETURN 1 AS a, 'x,y' AS b;\n",
    );
    assert!(p.out.contains(r#"{"columns":["one"],"rows":[[1]]"#), "{}", p.out);
    assert!(p.out.contains("a,b\n1,\"x,y\"\n"), "{}", p.out);

    let p = session_on(
        &graph,
        ":timing off\nRETURN 1 AS one;\n:timing on\nRETURN 1 AS one;\n",
    );
    assert!(p.out.contains("1 row\n"), "{}", p.out);
    assert!(p.out.contains("1 row ("), "{}", p.out);

    let p = session_on(&graph, "UNWIND range(1, 1000000) AS x RETURN x;\n");
    assert!(
        p.out.contains("| 100 |") && !p.out.contains("| 101 |"),
        "{}",
        p.out
    );
    assert!(p.out.contains("… 999900 more row(s) not shown"), "{}", p.out);
    assert!(p.out.contains("1000000 rows"), "{}", p.out);

    let p = session_on(
        &graph,
        ":rows 2\n:format json\nUNWIND range(1, 5) AS x RETURN x;\n:rows all\n:format table\nUNWIND range(1, 150) AS x RETURN x;\n",
    );
    assert!(
        p.out.contains(r#""rows":[[1],[2]]"#) && p.out.contains("… 3 more row(s)"),
        "{}",
        p.out
    );
    assert!(p.out.contains("| 150 |"), "{}", p.out);

    let p = session_on(&graph, ":format yaml\n:rows 0\n:timing maybe\n:settings\n");
    assert!(p.err.contains("unknown format `yaml`"), "{}", p.err);
    assert!(p.err.contains("`0` is not a row count"), "{}", p.err);
    assert!(p.err.contains("use :timing on or :timing off"), "{}", p.err);
    assert!(
        p.out
            .contains("format: table\ntiming: on\nevidence: off\nrows: 100\n"),
        "{}",
        p.out
    );
}

#[test]
fn evidence_is_printed_under_each_row() {
    let graph = news_graph();
    let p = session_on(
        &graph,
        ":evidence on\nMATCH (a:Actor {name: 'Ash Carter'}) RETURN a.name AS name, a;\n\
         RETURN 1 AS plain;\n",
    );
    let row = p.out.find("| Ash Carter |").expect("the row");
    let note = p.out.find("  ↳ a: ").expect("the evidence line");
    let sentence = p
        .out
        .find("article#2: \"Defense Secretary Ash Carter")
        .expect("the cited sentence");
    assert!(row < note && note < sentence, "{}", p.out);
    assert!(p.out.contains("| plain |"), "{}", p.out);

    // Other formats carry it after the rows; relationships and paths too.
    let p = session_on(
        &graph,
        ":evidence on\n:format csv\nMATCH p = (:Actor {name: 'Ash Carter'})-[r]-() RETURN p LIMIT 1;\n",
    );
    assert!(p.out.contains("evidence of row 1:"), "{}", p.out);
    assert!(
        p.out.matches("  ↳ p: ").count() >= 3,
        "both nodes and the relationship: {}",
        p.out
    );
}

#[test]
fn schema_stats_help_and_unknown_commands() {
    let graph = news_graph();
    let p = session_on(&graph, ":schema\n:stats\n:help\n:stast\n:stats now\n");
    assert!(
        p.out.contains("[labels.Actor]") || p.out.contains("Actor"),
        "{}",
        p.out
    );
    assert!(p.out.contains("71 nodes, 146 relationships"), "{}", p.out);
    assert!(p.out.contains(":begin"), "{}", p.out);
    assert!(
        p.err.contains("unknown command :stast (did you mean :stats?)"),
        "{}",
        p.err
    );
    assert!(p.err.contains(":stats takes no argument"), "{}", p.err);
    let p = session_on(&Graph::in_memory(), ":schema\n");
    assert!(p.out.contains("open (schemaless)"), "{}", p.out);
}

#[test]
fn source_runs_a_script_and_points_into_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let script = dir.path().join("script.cypher");
    std::fs::write(
        &script,
        "CREATE (:A);\n// a comment\nCREATE (:B);\nRETURN nope;\nCREATE (:C);\n",
    )
    .expect("the script is written");
    let graph = Graph::in_memory();
    let p = session_on(
        &graph,
        &format!(
            ":source {}\n:source {}/missing.cypher\n",
            script.display(),
            dir.path().display()
        ),
    );
    assert!(
        p.err.contains(&format!("(at {}:4:8)", script.display())),
        "{}",
        p.err
    );
    assert!(p.err.contains("  RETURN nope;\n         ^\n"), "{}", p.err);
    assert!(p.err.contains("missing.cypher"), "{}", p.err);
    // The statements before the error ran; the one after did not.
    assert_eq!(count(&graph, "MATCH (n) RETURN count(n)"), 2);
}

#[test]
fn dot_writes_the_last_result_as_a_graphviz_graph() {
    let graph = news_graph();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carter.dot");
    let before = session_on(&graph, &format!(":dot {}\n", file.display()));
    assert!(before.err.contains("nothing has run yet"), "{}", before.err);
    assert!(!file.exists());

    let p = session_on(
        &graph,
        &format!(
            "MATCH p = (a:Actor {{name: 'Pentagon'}})<-[:SAID_BY]-(s:Assertion) RETURN p;\n:dot '{}'\n",
            file.display()
        ),
    );
    assert!(p.err.is_empty(), "{}", p.err);
    let said = count(
        &graph,
        "MATCH (:Actor {name: 'Pentagon'})<-[r:SAID_BY]-(:Assertion) RETURN count(r)",
    );
    assert!(said > 0);
    assert!(
        p.out
            .contains(&format!("{} node(s), {said} relationship(s)", said + 1)),
        "{}",
        p.out
    );
    let dot = std::fs::read_to_string(&file).unwrap();
    assert!(dot.starts_with("digraph attest {"), "{dot}");
    assert_eq!(dot.matches("[label=\"SAID_BY\"]").count() as i64, said, "{dot}");
    assert!(dot.contains("Pentagon\\n:Actor"), "{dot}");

    let bad = session_on(&graph, "RETURN 1;\n:dot /no/such/dir/x.dot\n:dot\n");
    assert!(bad.err.contains("/no/such/dir/x.dot"), "{}", bad.err);
    assert!(bad.err.contains("usage: :dot FILE"), "{}", bad.err);
}

#[test]
fn a_cancelled_handle_fails_the_statement_and_the_next_entry_runs() {
    // The Ctrl-C handler sets the handle while a statement runs; here it is
    // set before, so the statement stops at its first row.
    let graph = Graph::in_memory();
    let cancel = CancelHandle::new();
    let mut session = Session::new(&graph, cancel.clone());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut sink = Sink {
        out: &mut out,
        err: &mut err,
    };
    session.execute("RETURN 1 AS one;", &mut sink);
    cancel.cancel();
    // `execute` resets the handle first: a Ctrl-C at the prompt is not
    // meant for the next entry.
    session.execute("RETURN 2 AS two;", &mut sink);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("| two |"), "{text}");
}

// ---------------------------------------------------------------------------
// The binary under a pseudo-terminal
// ---------------------------------------------------------------------------

/// `script` with these flags is util-linux's; BSD and macOS spell it
/// differently, so the terminal tests run on Linux.
#[cfg(target_os = "linux")]
mod pty {
    use std::io::{Read, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// How long any one expected output may take to appear.
    const WAIT: Duration = Duration::from_secs(10);

    /// `attest --memory` on a pseudo-terminal.
    struct Repl {
        child: Child,
        keys: ChildStdin,
        /// Everything the terminal showed, as it arrives.
        screen: Arc<Mutex<Vec<u8>>>,
        /// How much of the (cleaned) screen earlier expectations consumed.
        seen: usize,
    }

    impl Repl {
        /// Starts the binary with its history in `history`; `None` (and a note)
        /// when this system has no util-linux `script`.
        fn start(history: &Path) -> Option<Repl> {
            // `exec`: the REPL itself must be the pseudo-terminal's foreground
            // process. A shell left waiting in between (dash does not exec
            // the last command of `sh -c`, and `script` runs `sh` when SHELL
            // is unset, as in CI) would die of the Ctrl-C meant for the REPL.
            let command = format!(
                "exec '{}' --memory",
                env!("CARGO_BIN_EXE_attest").replace('\'', r"'\''")
            );
            let spawned = Command::new("script")
                .args(["-qfec", &command, "/dev/null"])
                .env("ATTEST_HISTORY", history)
                .env("TERM", "xterm")
                .env("NO_COLOR", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn();
            let mut child = match spawned {
                Ok(child) => child,
                // CI must exercise the terminal; a developer machine without
                // util-linux only gets a loud skip.
                Err(e) if std::env::var_os("CI").is_some() => {
                    panic!("cannot run util-linux `script` for a pseudo-terminal: {e}")
                }
                Err(e) => {
                    eprintln!("skipped: cannot run util-linux `script` for a pseudo-terminal: {e}");
                    return None;
                }
            };
            let (Some(keys), Some(mut output)) = (child.stdin.take(), child.stdout.take()) else {
                let _ = child.kill();
                panic!("script's pipes are missing");
            };
            let screen = Arc::new(Mutex::new(Vec::new()));
            let sink = Arc::clone(&screen);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = output.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .extend_from_slice(&buffer[..n]);
                }
            });
            let mut repl = Repl {
                child,
                keys,
                screen,
                seen: 0,
            };
            repl.prompt();
            Some(repl)
        }

        /// Types `keys` (no Enter unless they hold `\r`).
        fn send(&mut self, keys: &str) {
            self.keys
                .write_all(keys.as_bytes())
                .and_then(|()| self.keys.flush())
                .expect("the terminal takes keys");
        }

        /// Types a line and presses Enter.
        fn line(&mut self, text: &str) {
            self.send(&format!("{text}\r"));
        }

        /// What the terminal showed, without escape sequences and `\r`.
        fn screen(&self) -> String {
            let bytes = self.screen.lock().unwrap_or_else(|p| p.into_inner()).clone();
            strip_escapes(&String::from_utf8_lossy(&bytes))
        }

        /// Waits until `needle` appears after what earlier calls matched, and
        /// moves past it.
        fn expect(&mut self, needle: &str) {
            let deadline = Instant::now() + WAIT;
            loop {
                let screen = self.screen();
                if let Some(at) = screen.get(self.seen..).and_then(|rest| rest.find(needle)) {
                    self.seen += at + needle.len();
                    return;
                }
                if Instant::now() > deadline {
                    panic!(
                        "waited {WAIT:?} for {needle:?}; the terminal shows after the last match:\n{}",
                        &screen[self.seen.min(screen.len())..]
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        /// Waits for a fresh prompt: the screen ends with one and has been
        /// quiet for a moment (the editor repaints the prompt while a line is
        /// typed, so a prompt alone proves little). Keys sent before the prompt
        /// is ready can be lost: rustyline drops what it read ahead of the
        /// line it returns.
        fn prompt(&mut self) {
            let deadline = Instant::now() + WAIT;
            let mut last = String::new();
            loop {
                std::thread::sleep(Duration::from_millis(150));
                let screen = self.screen();
                let rest = screen.get(self.seen..).unwrap_or("");
                if screen == last && (rest.ends_with("attest> ") || rest.ends_with("attest(tx)> ")) {
                    self.seen = screen.len();
                    return;
                }
                if Instant::now() > deadline {
                    panic!("waited {WAIT:?} for a prompt; the terminal shows after the last match:\n{rest}");
                }
                last = screen;
            }
        }

        /// Waits for the process to end; its exit code.
        fn wait_exit(&mut self) -> Option<i32> {
            let deadline = Instant::now() + WAIT;
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return status.code();
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            panic!("the REPL did not exit; the terminal shows:\n{}", self.screen());
        }
    }

    impl Drop for Repl {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Drops ANSI escape sequences (CSI `ESC [ … letter`, OSC `ESC ] … BEL`,
    /// two-byte `ESC x`) and carriage returns, leaving the text a user sees.
    fn strip_escapes(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => match chars.next() {
                    Some('[') => {
                        for c in chars.by_ref() {
                            if ('\x40'..='\x7e').contains(&c) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        for c in chars.by_ref() {
                            if c == '\x07' {
                                break;
                            }
                        }
                    }
                    _ => {}
                },
                '\r' => {}
                c => out.push(c),
            }
        }
        out
    }

    fn history_file() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("state").join("history");
        (dir, path)
    }

    #[test]
    fn pty_a_statement_runs_only_when_its_semicolon_is_typed() {
        let (_dir, history) = history_file();
        let Some(mut repl) = Repl::start(&history) else {
            return;
        };
        repl.line("RETURN 1");
        repl.line("  + 41");
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !repl.screen().contains("answer"),
            "ran before the `;`:\n{}",
            repl.screen()
        );
        assert!(
            !repl.screen().contains("row"),
            "ran before the `;`:\n{}",
            repl.screen()
        );
        repl.line("  AS answer;");
        repl.expect("| answer |");
        repl.expect("| 42     |");
        repl.expect("1 row");
        repl.prompt();
        // Meta commands run on Enter, without `;`.
        repl.line(":stats");
        repl.expect("0 nodes, 0 relationships");
        repl.prompt();
        repl.line(":format json");
        repl.prompt();
        repl.line("RETURN 1 AS one;");
        repl.expect(r#"{"columns":["one"],"rows":[[1]]"#);
        repl.prompt();
        repl.send("\x04");
        assert_eq!(repl.wait_exit(), Some(0));
    }

    #[test]
    fn pty_tab_completes_a_label_from_the_store() {
        let (_dir, history) = history_file();
        let Some(mut repl) = Repl::start(&history) else {
            return;
        };
        repl.line("CREATE (:Actor {name: 'Ash Carter'});");
        repl.expect("1 node created");
        repl.prompt();
        repl.send("MATCH (n:Ac\t");
        repl.expect("MATCH (n:Actor");
        repl.send(") RETURN n.name AS who;\r");
        repl.expect("| Ash Carter |");
        repl.prompt();
        // Inside a string, node names complete and close the string.
        repl.send("MATCH (n {name: 'Ash\t");
        repl.expect("'Ash Carter'");
        repl.send("}) RETURN count(n) AS found;\r");
        repl.expect("| 1     |");
        repl.prompt();
        repl.line(":quit");
        assert_eq!(repl.wait_exit(), Some(0));
    }

    #[test]
    fn pty_ctrl_c_cancels_the_running_query_not_the_repl() {
        let (_dir, history) = history_file();
        let Some(mut repl) = Repl::start(&history) else {
            return;
        };
        repl.line("UNWIND range(1, 1000000) AS x UNWIND range(1, 1000000) AS y RETURN count(*);");
        // Ctrl-C must reach the query, not the line editor: give the REPL time
        // to leave the prompt, and repeat if it was still there (a Ctrl-C at
        // the prompt only clears the line).
        let deadline = Instant::now() + WAIT;
        loop {
            std::thread::sleep(Duration::from_millis(300));
            repl.send("\x03");
            std::thread::sleep(Duration::from_millis(200));
            if repl.screen()[repl.seen..].contains("Cancelled") || Instant::now() > deadline {
                break;
            }
        }
        repl.expect("Cancelled: the query was cancelled");
        repl.prompt();
        repl.line("RETURN 7 AS seven;");
        repl.expect("| 7     |");
        repl.prompt();
        // At the prompt, Ctrl-C clears the line being typed.
        repl.send("RETURN 'dropped'");
        repl.expect("RETURN 'dropped'");
        repl.send("\x03");
        repl.prompt();
        repl.line("RETURN 'kept' AS k;");
        repl.expect("| kept |");
        repl.prompt();
        assert!(!repl.screen().contains("| dropped"), "{}", repl.screen());
        repl.send("\x04");
        assert_eq!(repl.wait_exit(), Some(0));
    }

    #[test]
    fn pty_history_is_private_and_read_back_next_time() {
        let (_dir, history) = history_file();
        let Some(mut repl) = Repl::start(&history) else {
            return;
        };
        repl.line("RETURN 'remember me' AS m;");
        repl.expect("| remember me |");
        repl.prompt();
        repl.line(":quit");
        assert_eq!(repl.wait_exit(), Some(0));
        drop(repl);

        let metadata = std::fs::metadata(&history).expect("the history file exists");
        assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
        let text = std::fs::read_to_string(&history).expect("the history is text");
        assert!(text.contains("RETURN 'remember me' AS m;"), "{text}");

        // The next session finds it with the up arrow.
        let Some(mut repl) = Repl::start(&history) else {
            return;
        };
        repl.send("\x1b[A\x1b[A");
        repl.expect("RETURN 'remember me' AS m;");
        repl.send("\r");
        repl.expect("| remember me |");
        repl.prompt();
        repl.send("\x04");
        assert_eq!(repl.wait_exit(), Some(0));
    }
}
