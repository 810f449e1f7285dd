//! `attest crash-writer`, the writing half of the crash harness
//! (`tests/crash.rs`, `scripts/crash-run.sh`). Hidden from `--help`.
//!
//! It commits transactions of the three kinds the store has — a fact-file
//! load, a query-language write, a bulk import — in an order drawn from
//! its seed, forever, and prints `ack KIND SEQ` after each commit has
//! returned (and so, by the store's contract, is on disk). The harness
//! kills it with SIGKILL at random moments and checks the store against
//! the acknowledgements. Every transaction writes a *group* of elements
//! carrying one sequence number `seq`, so that a partial transaction shows
//! as an incomplete group:
//!
//! - `facts`: Items `f{seq}a`, `f{seq}b` and a LINK between them;
//! - `query`: Items `q{seq}a`, `q{seq}b`, a LINK, and the Counter's
//!   `value` incremented in the same statement (so the counter equals the
//!   number of query groups);
//! - `bulk`: `size` (20 to 99) Items `b{seq}-{i}` (each carrying `size`) chained by
//!   `size - 1` LINKs.
//!
//! The store needs the harness's schema (Item, Counter, LINK).

use crate::db::{BulkElement, BulkRejection, BulkSource, Graph};
use crate::error::{Error, Result};
use crate::facts;
use crate::model::{Labels, NodeId, Properties, Value};
use std::io::Write;

/// Commits groups until killed (or until a write fails, which ends the
/// writer with that error).
pub fn writer(graph: &Graph, seed: u64) -> Result<()> {
    if graph.query("MATCH (c:Counter) RETURN count(c)")?.rows[0][0] != crate::lang::ResultValue::Int(1) {
        graph.query("CREATE (:Counter {name: 'counter', value: 0})")?;
    }
    let next = graph.query("MATCH (i:Item) RETURN max(i.seq)")?;
    let mut seq = match &next.rows[0][0] {
        crate::lang::ResultValue::Int(n) => n + 1,
        _ => 1,
    };
    let mut rng = seed.max(1);
    let stdout = std::io::stdout();
    loop {
        let draw = xorshift(&mut rng);
        let kind = match draw % 3 {
            0 => {
                let text = format!(
                    "(f{seq}a:Item {{name: \"f{seq}a\", seq: {seq}, group: \"facts\"}}) external \"crash\"\n\
                     (f{seq}b:Item {{name: \"f{seq}b\", seq: {seq}, group: \"facts\"}}) external \"crash\"\n\
                     (f{seq}a)-[:LINK {{seq: {seq}}}]->(f{seq}b) external \"crash\"\n"
                );
                facts::load_text(graph, &text, &format!("group{seq}.facts"), &|p| {
                    Err(Error::Format(format!("no document texts here ({p})")))
                })?;
                "facts"
            }
            1 => {
                graph.query(&format!(
                    "MATCH (c:Counter {{name: 'counter'}}) SET c.value = c.value + 1 \
                     CREATE (:Item {{name: 'q{seq}a', seq: {seq}, group: 'query'}})\
                     -[:LINK {{seq: {seq}}}]->(:Item {{name: 'q{seq}b', seq: {seq}, group: 'query'}})"
                ))?;
                "query"
            }
            _ => {
                let size = 20 + (draw >> 8) % 80;
                let mut source = Chain { seq, size, first: 0 };
                graph.bulk_insert(&format!("crash bulk {seq}"), &mut source)?;
                "bulk"
            }
        };
        let mut out = stdout.lock();
        // The harness reads this line only once the commit has returned.
        if writeln!(out, "ack {kind} {seq}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(());
        }
        seq += 1;
    }
}

/// A bulk source of `size` Items chained by LINKs.
struct Chain {
    seq: i64,
    size: u64,
    first: u64,
}

impl BulkSource for Chain {
    fn begin(&mut self, first_free_node: NodeId) {
        self.first = first_free_node.0;
    }

    fn elements(&mut self, sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>) -> Result<()> {
        let rejected = |r: BulkRejection| r.error;
        for i in 0..self.size {
            let properties = Properties::from([
                ("name".to_string(), Value::from(format!("b{}-{i}", self.seq))),
                ("seq".to_string(), Value::Int(self.seq)),
                ("group".to_string(), Value::from("bulk")),
                ("size".to_string(), Value::Int(self.size as i64)),
            ]);
            sink(BulkElement::Node {
                id: NodeId(self.first + i),
                labels: Labels::from(["Item"]),
                properties,
                sources: Vec::new(),
                key: None,
            })
            .map_err(rejected)?;
        }
        for i in 1..self.size {
            sink(BulkElement::Relationship {
                id: None,
                rel_type: "LINK".into(),
                start: NodeId(self.first + i - 1),
                end: NodeId(self.first + i),
                properties: Properties::from([("seq".to_string(), Value::Int(self.seq))]),
                sources: Vec::new(),
                key: None,
            })
            .map_err(rejected)?;
        }
        Ok(())
    }
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
