//! Printing results: aligned tables, CSV, Markdown, JSON Lines, and the
//! nodes, relationships and paths of a result as a DOT or GraphML graph
//! (written by `export`).

use crate::lang::{QueryResult, ResultValue};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns with a row count (for people).
    Table,
    /// One JSON object per statement (the conformance contract).
    Json,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A Markdown table.
    Markdown,
    /// The result's nodes, relationships and paths as a Graphviz graph
    /// (`attest query '…' --format dot | dot -Tsvg > result.svg`).
    Dot,
    /// The result's nodes, relationships and paths as GraphML.
    Graphml,
}

/// A value as a table cell: strings without quotes, the rest as Cypher.
pub fn cell(value: &ResultValue) -> String {
    match value {
        ResultValue::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Renders a result; `max_rows` cuts long results with a notice.
pub fn render(result: &QueryResult, format: Format, max_rows: Option<usize>) -> String {
    match format {
        Format::Json => format!("{}\n", result.to_json_line()),
        Format::Csv => csv(result),
        Format::Markdown => markdown(result, max_rows),
        Format::Table => table(result, max_rows),
        Format::Dot => picture(result, crate::export::Format::Dot),
        Format::Graphml => picture(result, crate::export::Format::GraphMl),
    }
}

fn picture(result: &QueryResult, format: crate::export::Format) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only if the writer does, which a Vec does not.
    match crate::export::write_result(result, format, &mut out) {
        Ok(_) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{e}\n"),
    }
}

fn shown(result: &QueryResult, max_rows: Option<usize>) -> (&[Vec<ResultValue>], usize) {
    let n = max_rows.map_or(result.rows.len(), |m| m.min(result.rows.len()));
    (&result.rows[..n], result.rows.len() - n)
}

fn table(result: &QueryResult, max_rows: Option<usize>) -> String {
    table_with(result, max_rows, &|_| Vec::new(), &summary(result))
}

/// An aligned table ending with `footer`; `under_row` gives lines printed
/// under each row (the REPL's evidence mode).
pub fn table_with(
    result: &QueryResult,
    max_rows: Option<usize>,
    under_row: &dyn Fn(&[ResultValue]) -> Vec<String>,
    footer: &str,
) -> String {
    let mut out = String::new();
    if let Some(plan) = &result.plan
        && result.columns != ["plan"]
    {
        out.push_str(plan);
    }
    if !result.columns.is_empty() {
        let (rows, hidden) = shown(result, max_rows);
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
        let widths: Vec<usize> = (0..result.columns.len())
            .map(|i| {
                let header = result.columns[i].chars().count();
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .fold(header, usize::max)
            })
            .collect();
        let line = |values: &[String]| {
            let padded: Vec<String> = values
                .iter()
                .zip(&widths)
                .map(|(v, w)| format!("{v}{}", " ".repeat(w.saturating_sub(v.chars().count()))))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let rule = format!(
            "+{}+\n",
            widths
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("+")
        );
        out.push_str(&rule);
        out.push_str(&line(&result.columns));
        out.push_str(&rule);
        for (row, values) in rows.iter().zip(&cells) {
            out.push_str(&line(values));
            for note in under_row(row) {
                out.push_str(&note);
                out.push('\n');
            }
        }
        out.push_str(&rule);
        if hidden > 0 {
            out.push_str(&format!(
                "… {hidden} more row(s) not shown (raise the limit with :rows N)\n"
            ));
        }
    }
    out.push_str(footer);
    out
}

/// `3 rows, 0.42 ms` plus what a writing statement changed.
pub fn summary(result: &QueryResult) -> String {
    let n = result.rows.len();
    let mut parts = vec![format!("{n} row{}", if n == 1 { "" } else { "s" })];
    let changes = change_summary(&result.stats);
    if !changes.is_empty() {
        parts.push(changes);
    }
    format!(
        "{} ({:.2} ms)\n",
        parts.join(", "),
        result.elapsed.as_secs_f64() * 1000.0
    )
}

/// `2 nodes created, 1 property set`: the non-zero change counts.
pub fn change_summary(s: &crate::db::ChangeStats) -> String {
    let mut parts = Vec::new();
    for (count, one, many) in [
        (s.nodes_created, "node created", "nodes created"),
        (s.nodes_deleted, "node deleted", "nodes deleted"),
        (
            s.relationships_created,
            "relationship created",
            "relationships created",
        ),
        (
            s.relationships_deleted,
            "relationship deleted",
            "relationships deleted",
        ),
        (s.properties_set, "property set", "properties set"),
        (s.properties_removed, "property removed", "properties removed"),
        (s.labels_added, "label added", "labels added"),
        (s.labels_removed, "label removed", "labels removed"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {}", if count == 1 { one } else { many }));
        }
    }
    parts.join(", ")
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv(result: &QueryResult) -> String {
    let mut out = String::new();
    if result.columns.is_empty() {
        return out;
    }
    out.push_str(
        &result
            .columns
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for row in &result.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|v| match v {
                ResultValue::Null => String::new(),
                other => csv_field(&cell(other)),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

fn markdown(result: &QueryResult, max_rows: Option<usize>) -> String {
    if result.columns.is_empty() {
        return summary(result);
    }
    let escape = |s: String| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "| {} |\n",
        result
            .columns
            .iter()
            .map(|c| escape(c.clone()))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    out.push_str(&format!("|{}\n", " --- |".repeat(result.columns.len())));
    let (rows, hidden) = shown(result, max_rows);
    for row in rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter()
                .map(|v| escape(cell(v)))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    if hidden > 0 {
        out.push_str(&format!("\n… {hidden} more row(s) not shown\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> QueryResult {
        QueryResult {
            columns: vec!["name".into(), "n".into()],
            rows: vec![
                vec![ResultValue::String("Ash Carter".into()), ResultValue::Int(2)],
                vec![ResultValue::String("a, \"b\"".into()), ResultValue::Null],
            ],
            ..QueryResult::default()
        }
    }

    #[test]
    fn tables_align_and_count() {
        let text = render(&result(), Format::Table, None);
        assert!(text.contains("| Ash Carter | 2    |"), "{text}");
        assert!(text.contains("2 rows"), "{text}");
        let cut = render(&result(), Format::Table, Some(1));
        assert!(cut.contains("1 more row(s) not shown"), "{cut}");
    }

    #[test]
    fn csv_quotes_and_leaves_nulls_empty() {
        assert_eq!(
            render(&result(), Format::Csv, None),
            "name,n\nAsh Carter,2\n\"a, \"\"b\"\"\",\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes() {
        let mut r = result();
        r.rows[0][0] = ResultValue::String("a|b".into());
        assert!(render(&r, Format::Markdown, None).contains("a\\|b"));
    }
}
