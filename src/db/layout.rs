//! The on-disk layout: how nodes, relationships, indexes and metadata map to
//! keys and values in the single ordered keyspace of a storage engine.
//!
//! Every key starts with one keyspace byte. Integers are big-endian so that
//! byte order is numeric order; names are followed by a 0x00 separator (names
//! may not contain NUL, checked on write). Values are postcard-encoded serde
//! records. `docs/ARCHITECTURE.md` has the table.

use crate::error::{Error, Result};
use crate::model::{ElementId, Node, NodeId, RelId, Relationship};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// The store format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

pub const NODE: u8 = b'N';
pub const REL: u8 = b'R';
pub const LABEL: u8 = b'L';
pub const UNIQUE: u8 = b'U';
pub const OUT: u8 = b'O';
pub const IN: u8 = b'I';
pub const FACT_KEY: u8 = b'K';
pub const TXN: u8 = b'T';

pub const META_FORMAT: &[u8] = b"Mformat";
pub const META_SCHEMA: &[u8] = b"Mschema";
pub const META_NEXT_NODE: &[u8] = b"Mnext_node";
pub const META_NEXT_REL: &[u8] = b"Mnext_rel";
pub const META_NEXT_TXN: &[u8] = b"Mnext_txn";
/// Present only while a bulk import is being written; see [`ImportMarker`].
pub const META_IMPORT: &[u8] = b"Mimport";

/// The end of keyspace `space` for range scans: every key starting with
/// `space` sorts below it.
pub fn space_end(space: u8) -> [u8; 1] {
    [space + 1]
}

pub fn node_key(id: NodeId) -> Vec<u8> {
    with_prefix(NODE, &id.0.to_be_bytes())
}

pub fn rel_key(id: RelId) -> Vec<u8> {
    with_prefix(REL, &id.0.to_be_bytes())
}

pub fn label_key(label: &str, id: NodeId) -> Vec<u8> {
    let mut key = name_prefix(LABEL, label);
    key.extend(id.0.to_be_bytes());
    key
}

pub fn unique_key(label: &str, property: &str, value_key: &[u8]) -> Vec<u8> {
    let mut key = name_prefix(UNIQUE, label);
    key.extend(property.as_bytes());
    key.push(0);
    key.extend(value_key);
    key
}

/// Adjacency key: `O|start|type|0|rel` (value: end id) or `I|end|type|0|rel`
/// (value: start id), so "relationships of type T at node n" is one prefix
/// scan in either direction.
pub fn adjacency_key(space: u8, node: NodeId, rel_type: &str, rel: RelId) -> Vec<u8> {
    let mut key = with_prefix(space, &node.0.to_be_bytes());
    key.extend(rel_type.as_bytes());
    key.push(0);
    key.extend(rel.0.to_be_bytes());
    key
}

pub fn fact_key(key: &str) -> Vec<u8> {
    with_prefix(FACT_KEY, key.as_bytes())
}

pub fn txn_key(txn: u64) -> Vec<u8> {
    with_prefix(TXN, &txn.to_be_bytes())
}

fn with_prefix(space: u8, rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(rest.len() + 1);
    key.push(space);
    key.extend(rest);
    key
}

fn name_prefix(space: u8, name: &str) -> Vec<u8> {
    let mut key = with_prefix(space, name.as_bytes());
    key.push(0);
    key
}

/// One committed transaction, as kept in the store's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnRecord {
    /// Transaction number, from 1, in commit order.
    pub txn: u64,
    /// Commit time, milliseconds since the Unix epoch.
    pub unix_ms: u64,
    /// What ran: a query's text, `load FILE`, `import DIR`, ….
    pub description: String,
    /// Nodes created or changed (and not deleted again).
    pub nodes_written: u64,
    /// Nodes deleted (that existed before the transaction).
    pub nodes_deleted: u64,
    /// Relationships created or changed (and not deleted again).
    pub relationships_written: u64,
    /// Relationships deleted (that existed before the transaction).
    pub relationships_deleted: u64,
}

/// Written (and flushed) before the first batch of a bulk import and removed
/// by its last batch. A store opened with the marker present holds part of
/// an import that never finished; every element it wrote has an id at or
/// above the counters recorded here (ids are handed out in increasing order
/// and the import holds the write lock throughout), so opening removes
/// exactly those.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportMarker {
    /// `Mnext_node` when the import started: its nodes have ids >= this.
    pub next_node: u64,
    /// `Mnext_rel` when the import started: its relationships have ids >= this.
    pub next_rel: u64,
    /// What was being imported, for the message after recovery.
    pub description: String,
    /// When the import started, milliseconds since the Unix epoch.
    pub unix_ms: u64,
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| Error::Storage(format!("cannot encode a record: {e}")))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    postcard::from_bytes(bytes).map_err(|e| Error::Format(format!("damaged {what} record: {e}")))
}

pub fn decode_u64(bytes: &[u8], what: &str) -> Result<u64> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| Error::Format(format!("damaged {what}")))?;
    Ok(u64::from_be_bytes(array))
}

/// Element ids are stored under fact keys.
pub fn encode_element(id: ElementId) -> Result<Vec<u8>> {
    encode(&id)
}

/// Decodes a node record and checks it is stored under its own id.
pub fn decode_node(key: &[u8], bytes: &[u8]) -> Result<Node> {
    let node: Node = decode(bytes, "node")?;
    if node_key(node.id) != key {
        return Err(Error::Format(format!(
            "node record {} is stored under another key",
            node.id
        )));
    }
    Ok(node)
}

/// Decodes a relationship record and checks it is stored under its own id.
pub fn decode_rel(key: &[u8], bytes: &[u8]) -> Result<Relationship> {
    let rel: Relationship = decode(bytes, "relationship")?;
    if rel_key(rel.id) != key {
        return Err(Error::Format(format!(
            "relationship record {} is stored under another key",
            rel.id
        )));
    }
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_sort_numerically() {
        assert!(node_key(NodeId(2)) < node_key(NodeId(256)));
        assert!(txn_key(9) < txn_key(10));
    }

    #[test]
    fn adjacency_keys_group_by_node_then_type() {
        let a = adjacency_key(OUT, NodeId(1), "AT", RelId(9));
        let b = adjacency_key(OUT, NodeId(1), "ATTACK", RelId(1));
        let prefix = adjacency_key(OUT, NodeId(1), "AT", RelId(0));
        assert!(a.starts_with(&prefix[..prefix.len() - 8]));
        assert!(!b.starts_with(&prefix[..prefix.len() - 8]));
    }
}
