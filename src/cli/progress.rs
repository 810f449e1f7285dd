//! The progress bar of long imports: indicatif on standard error, reading
//! the rows (with rows per second), then writing them. Hidden when standard
//! error is not a terminal, so logs and pipes get the summary alone.

use crate::import::{ImportPhase, ImportProgress, ProgressFn};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A progress bar and the callback that drives it; the bar is cleared by
/// [`ImportBar::finish`].
pub struct ImportBar {
    bar: ProgressBar,
    /// The callback to put in `ImportOptions::progress`.
    pub callback: ProgressFn,
}

impl ImportBar {
    /// A bar on standard error, or a hidden one when that is no terminal.
    pub fn new() -> ImportBar {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        // The template is a constant; should indicatif ever refuse it, the
        // default style still shows progress.
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>9} [{bar:32}] {percent:>3}% {msg} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        let shown = bar.clone();
        // Which phase is being shown and when it started, for rows/s.
        let current: Mutex<Option<(ImportPhase, Instant)>> = Mutex::new(None);
        let callback: ProgressFn = Arc::new(move |p: &ImportProgress| {
            let mut current = current.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let started = match *current {
                Some((phase, started)) if phase == p.phase => started,
                _ => {
                    let now = Instant::now();
                    *current = Some((p.phase, now));
                    shown.reset();
                    shown.set_length(p.total_bytes.max(1));
                    shown.set_prefix(match p.phase {
                        ImportPhase::Reading => "reading",
                        ImportPhase::Writing => "writing",
                    });
                    if p.phase == ImportPhase::Writing {
                        // No more reports until the end: keep the clock
                        // moving so the bar does not look stuck.
                        shown.enable_steady_tick(Duration::from_millis(250));
                    }
                    now
                }
            };
            if p.phase == ImportPhase::Writing {
                shown.set_position(p.total_bytes);
                shown.set_message(format!("{} rows read, writing them to disk", p.rows));
                return;
            }
            let seconds = started.elapsed().as_secs_f64().max(1e-3);
            shown.set_position(p.bytes);
            shown.set_message(format!(
                "{} rows, {:.0} rows/s, {}",
                p.rows,
                p.rows as f64 / seconds,
                p.file
            ));
        });
        ImportBar { bar, callback }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Default for ImportBar {
    fn default() -> ImportBar {
        ImportBar::new()
    }
}
