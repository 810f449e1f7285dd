//! GraphML for Gephi, yEd and NetworkX: one `<key>` per property name (per
//! element kind) typed `long`, `double`, `boolean` or `string` from the
//! values it holds (a name holding several types, dates, lists and maps
//! are written as strings: dates as `YYYY-MM-DD`, lists and maps in the
//! JSON encoding of the JSONL export); node labels as `:labels`
//! (`:Actor:Person`), relationship types as `:type`, ids as `n1` / `e1`.
//! Characters XML 1.0 cannot hold (control characters other than tab and
//! line breaks) are written as U+FFFD.

use super::View;
use super::jsonl::value_json;
use crate::model::{Properties, Value};
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub(crate) fn write(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    // A node's properties are decoded from its packed record for the key
    // scan and again when written, rather than all held at once.
    let node_keys = keys(view.nodes.iter().map(|n| n.properties()));
    let edge_keys = keys(view.relationships.iter().map(|r| r.properties));
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        out,
        r#"  <key id="labels" for="node" attr.name=":labels" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="type" for="edge" attr.name=":type" attr.type="string"/>"#
    )?;
    for (kind, prefix, keys) in [("node", "n", &node_keys), ("edge", "e", &edge_keys)] {
        for (i, (name, ty)) in keys.iter().enumerate() {
            writeln!(
                out,
                r#"  <key id="{prefix}{i}" for="{kind}" attr.name="{}" attr.type="{ty}"/>"#,
                xml(name)
            )?;
        }
    }
    writeln!(out, r#"  <graph id="attest" edgedefault="directed">"#)?;
    for node in &view.nodes {
        writeln!(out, r#"    <node id="n{}">"#, node.id.0)?;
        let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
        writeln!(out, r#"      <data key="labels">{}</data>"#, xml(&labels))?;
        data(out, &node.properties(), &node_keys, "n")?;
        writeln!(out, "    </node>")?;
    }
    for rel in &view.relationships {
        writeln!(
            out,
            r#"    <edge id="e{}" source="n{}" target="n{}">"#,
            rel.id.0, rel.start.0, rel.end.0
        )?;
        writeln!(out, r#"      <data key="type">{}</data>"#, xml(rel.rel_type))?;
        data(out, rel.properties, &edge_keys, "e")?;
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

/// Property names in use, with the GraphML type that holds all their values.
fn keys(all: impl Iterator<Item = impl Borrow<Properties>>) -> BTreeMap<String, &'static str> {
    let mut keys: BTreeMap<String, &'static str> = BTreeMap::new();
    for props in all {
        for (name, value) in props.borrow() {
            let ty = graphml_type(value);
            match keys.get_mut(name) {
                Some(t) if *t != ty => *t = "string",
                Some(_) => {}
                None => {
                    keys.insert(name.clone(), ty);
                }
            }
        }
    }
    keys
}

fn graphml_type(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "long",
        Value::Float(_) => "double",
        Value::Bool(_) => "boolean",
        _ => "string",
    }
}

fn data(
    out: &mut dyn Write,
    props: &Properties,
    keys: &BTreeMap<String, &'static str>,
    prefix: &str,
) -> io::Result<()> {
    for (i, (name, ty)) in keys.iter().enumerate() {
        let Some(value) = props.get(name) else { continue };
        let text = match (value, *ty) {
            (Value::String(s), _) => s.to_string(),
            (Value::Date(d), _) => d.to_string(),
            (Value::Float(f), "double") if f.is_nan() => "NaN".into(),
            (Value::Float(f), "double") if f.is_infinite() => if *f > 0.0 { "INF" } else { "-INF" }.into(),
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), _) => value_json(value).to_string(),
            _ => value_json(value).to_string(),
        };
        writeln!(out, r#"      <data key="{prefix}{i}">{}</data>"#, xml(&text))?;
    }
    Ok(())
}

/// Text or attribute content for XML 1.0.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            xml("a<b & \"c\"\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}"
        );
    }

    #[test]
    fn a_name_with_two_types_is_a_string() {
        let a: Properties = [("x".to_string(), Value::Int(1))].into();
        let b: Properties = [("x".to_string(), Value::Float(1.5))].into();
        assert_eq!(keys([&a].into_iter()).get("x"), Some(&"long"));
        assert_eq!(keys([&a, &b].into_iter()).get("x"), Some(&"string"));
    }
}
