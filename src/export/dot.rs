//! Graphviz DOT: nodes as rounded boxes coloured by label, captioned with
//! their name (or title, summary, text) and labels; relationships as arrows
//! named by type. For pictures (`dot -Tsvg`), not for reading back.

use super::{View, caption};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Fill colours, given to the labels in sorted order (light enough for
/// black text).
const PALETTE: [&str; 10] = [
    "#cfe2f3", "#fce5cd", "#d9ead3", "#f4cccc", "#ead1dc", "#fff2cc", "#d0e0e3", "#e6e6fa", "#f0e68c",
    "#dddddd",
];

pub(crate) fn write(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let labels: BTreeMap<&str, &str> = {
        let mut names: Vec<&str> = view
            .nodes
            .iter()
            .filter_map(|n| n.labels.first().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, PALETTE[i % PALETTE.len()]))
            .collect()
    };
    writeln!(out, "digraph attest {{")?;
    writeln!(out, "  graph [rankdir=LR, fontname=\"Helvetica\"];")?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];"
    )?;
    writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];"
    )?;
    for node in &view.nodes {
        let tags: String = node.labels.iter().map(|l| format!(":{l}")).collect();
        let text = if tags.is_empty() {
            caption(&node.to_node())
        } else {
            format!("{}\n{tags}", caption(&node.to_node()))
        };
        let fill = node
            .labels
            .first()
            .and_then(|l| labels.get(l.as_str()))
            .map(|c| format!(", fillcolor=\"{c}\""))
            .unwrap_or_default();
        writeln!(out, "  n{} [label=\"{}\"{fill}];", node.id.0, escape(&text))?;
    }
    for rel in &view.relationships {
        writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            rel.start.0,
            rel.end.0,
            escape(rel.rel_type)
        )?;
    }
    writeln!(out, "}}")
}

/// A DOT double-quoted string's contents.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeId, RelId, Relationship, Value};

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let node = Node {
            id: NodeId(1),
            labels: ["Quote"].into(),
            properties: [("text".to_string(), Value::from(r#"He said "no" \ twice"#))].into(),
            sources: Default::default(),
            key: None,
        };
        let rel = Relationship {
            id: RelId(1),
            rel_type: "SAID_BY".into(),
            start: NodeId(1),
            end: NodeId(1),
            properties: Default::default(),
            sources: vec![],
            key: None,
        };
        let view = View {
            nodes: vec![crate::graph::NodeView::of(&node)],
            relationships: vec![rel.as_view()],
        };
        let mut out = Vec::new();
        write(&view, &mut out).unwrap();
        let dot = String::from_utf8(out).unwrap();
        assert!(
            dot.contains(r##"n1 [label="He said \"no\" \\ twice\n:Quote", fillcolor="#cfe2f3"];"##),
            "{dot}"
        );
        assert!(dot.contains("n1 -> n1 [label=\"SAID_BY\"];"), "{dot}");
    }
}
