//! `attest bench`: runs the news-event benchmark (`crate::bench`), writes
//! its JSON and prints a short table.

use super::progress::ImportBar;
use crate::bench::{self, BenchOptions};
use crate::error::{Error, Result};
use serde_json::Value as Json;
use std::path::PathBuf;
use std::time::Duration;

/// Runs the benchmark on `data`, writes the result document to `json_out`
/// and prints the table.
pub fn run(
    data: PathBuf,
    json_out: PathBuf,
    store: Option<PathBuf>,
    repeat: usize,
    query_budget: f64,
    peers: Option<PathBuf>,
) -> Result<()> {
    let bar = ImportBar::new();
    let options = BenchOptions {
        data,
        store,
        repeat,
        query_budget: Duration::from_secs_f64(query_budget.max(0.0)),
        peers,
        progress: Some(bar.callback.clone()),
    };
    let document = bench::run(&options);
    bar.finish();
    let document = document?;
    let text = serde_json::to_string_pretty(&document).map_err(|e| Error::Format(e.to_string()))?;
    std::fs::write(&json_out, text + "\n").map_err(|source| Error::Io {
        path: json_out.display().to_string(),
        source,
    })?;
    print!("{}", table(&document));
    println!("results written to {}", json_out.display());
    Ok(())
}

/// A JSON number or string as a table cell (JSON's own Display ignores
/// widths).
fn cell(value: &Json) -> String {
    match value {
        Json::Null => "-".to_string(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The summary table of a result document.
pub fn table(document: &Json) -> String {
    let d = &document["dataset"];
    let a = &document["engines"]["attest"];
    let load = &a["load"];
    let mb = |v: &Json| {
        v.as_f64()
            .map_or("-".to_string(), |b| format!("{:.1}", b / 1_048_576.0))
    };
    let mut out = format!(
        "dataset: {} events (seed {}), {} nodes, {} relationships\n",
        d["events"], d["seed"], d["nodes"], d["relationships"]
    );
    out.push_str(&format!(
        "load {} s (check {} s, write {} s), store {} MB, reopen {} s, peak RSS {} MB\n",
        load["seconds"],
        load["steps_s"]["check"],
        load["steps_s"]["write"],
        mb(&load["store_bytes"]),
        a["reopen_s"],
        a["peak_rss_mb"]
    ));
    out.push_str(&format!(
        "{:<5} {:>10} {:>12} {:>5}  {}\n",
        "query", "cold ms", "warm ms", "runs", "result"
    ));
    for (name, q) in a["queries"].as_object().into_iter().flatten() {
        if let Some(error) = q.get("error") {
            out.push_str(&format!("{name:<5} error: {error}\n"));
            continue;
        }
        let mut result = q["result"].to_string();
        if result.len() > 60 {
            let cut = (0..=60).rev().find(|i| result.is_char_boundary(*i)).unwrap_or(0);
            result.truncate(cut);
            result.push('…');
        }
        let agreement = match document["agreement"][name.as_str()]["agree"].as_bool() {
            Some(true) => "  (agrees with the peers)",
            Some(false) => "  !!! DISAGREES with the peers",
            None => "",
        };
        out.push_str(&format!(
            "{name:<5} {:>10} {:>12} {:>5}  {result}{agreement}\n",
            cell(&q["cold_ms"]),
            cell(&q["warm_median_ms"]),
            cell(&q["warm_runs"])
        ));
    }
    out.push_str("(warm ms = median of the warm runs)\n");
    out
}
