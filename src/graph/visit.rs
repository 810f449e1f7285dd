//! petgraph's graph algorithms over the index, without copying it.
//!
//! The index implements petgraph's visit traits, so `petgraph::algo`
//! (Dijkstra, A*, strongly connected components, reachability, …) and the
//! walkers of `petgraph::visit` (`Bfs`, `Dfs`, `DfsPostOrder`, …) run
//! straight over Attest's adjacency. A node is named by its [`NodeId`], a
//! relationship by its [`RelId`] (an edge's weight, to look its type and
//! properties up with [`GraphIndex::relationship`]). The graph is directed:
//! `neighbors` and `edges` follow outgoing relationships, and the
//! `_directed` forms either way. A visit map is a hash set of ids, since
//! slots are not identities and never leave this module.
//!
//! ```
//! use attest::db::Graph;
//! use attest::petgraph::algo::dijkstra;
//!
//! let graph = Graph::in_memory();
//! graph.query("CREATE (:Actor {name: 'a'})-[:MEMBER_OF]->(:Actor {name: 'b'})-[:MEMBER_OF]->(:Actor {name: 'c'})")?;
//! let snapshot = graph.read();
//! let index = snapshot.index();
//! let by_name = |name: &str| index.nodes().find(|n| n.property("name").as_str() == Some(name)).map(|n| n.id);
//! let (a, c) = (by_name("a").unwrap(), by_name("c").unwrap());
//! let hops = dijkstra(index, a, Some(c), |_| 1u32);
//! assert_eq!(hops.get(&c), Some(&2));
//! # Ok::<(), attest::Error>(())
//! ```

use super::GraphIndex;
use super::adjacency::AdjEntry;
use crate::model::{NodeId, RelId};
use petgraph::Direction;
use petgraph::visit::{
    Data, EdgeRef, GraphBase, IntoEdgeReferences, IntoEdges, IntoEdgesDirected, IntoNeighbors,
    IntoNeighborsDirected, IntoNodeIdentifiers, NodeCount, Visitable,
};
use std::collections::HashSet;

/// One relationship as petgraph's algorithms see it: its id (also its
/// weight) and its start and end nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelRef {
    /// The relationship.
    pub rel: RelId,
    /// Its start node.
    pub start: NodeId,
    /// Its end node.
    pub end: NodeId,
}

impl EdgeRef for RelRef {
    type NodeId = NodeId;
    type EdgeId = RelId;
    type Weight = RelId;

    fn source(&self) -> NodeId {
        self.start
    }

    fn target(&self) -> NodeId {
        self.end
    }

    fn weight(&self) -> &RelId {
        &self.rel
    }

    fn id(&self) -> RelId {
        self.rel
    }
}

/// The relationships of one node in one direction, as [`RelRef`]s.
pub struct Edges<'a> {
    index: &'a GraphIndex,
    node: NodeId,
    incoming: bool,
    entries: std::slice::Iter<'a, AdjEntry>,
}

impl Iterator for Edges<'_> {
    type Item = RelRef;

    fn next(&mut self) -> Option<RelRef> {
        let other = self.index.neighbour(self.entries.next()?);
        let (start, end) = if self.incoming {
            (other.node, self.node)
        } else {
            (self.node, other.node)
        };
        Some(RelRef {
            rel: other.rel,
            start,
            end,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

/// The nodes at the other end of one node's relationships in one
/// direction.
pub struct Neighbors<'a>(Edges<'a>);

impl Iterator for Neighbors<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let edge = self.0.next()?;
        Some(if self.0.incoming { edge.start } else { edge.end })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl GraphIndex {
    /// `node`'s relationships in one direction, of every type (none for a
    /// node that is not in the index).
    fn edges_of(&self, node: NodeId, incoming: bool) -> Edges<'_> {
        let entries = match self.nodes.slot(node) {
            Some(slot) => self.adjacency.direction(slot, incoming),
            None => &[],
        };
        Edges {
            index: self,
            node,
            incoming,
            entries: entries.iter(),
        }
    }
}

impl GraphBase for GraphIndex {
    type NodeId = NodeId;
    type EdgeId = RelId;
}

impl Data for GraphIndex {
    /// A node's record is [`GraphIndex::node`]'s to give.
    type NodeWeight = ();
    type EdgeWeight = RelId;
}

impl NodeCount for GraphIndex {
    fn node_count(&self) -> usize {
        GraphIndex::node_count(self)
    }
}

impl Visitable for GraphIndex {
    /// Ids are small integers the store hands out: the Fx hash, as in the
    /// index's own maps.
    type Map = HashSet<NodeId, rustc_hash::FxBuildHasher>;

    fn visit_map(&self) -> Self::Map {
        HashSet::default()
    }

    fn reset_map(&self, map: &mut Self::Map) {
        map.clear();
    }
}

impl<'a> IntoNeighbors for &'a GraphIndex {
    type Neighbors = Neighbors<'a>;

    fn neighbors(self, node: NodeId) -> Neighbors<'a> {
        Neighbors(self.edges_of(node, false))
    }
}

impl<'a> IntoNeighborsDirected for &'a GraphIndex {
    type NeighborsDirected = Neighbors<'a>;

    fn neighbors_directed(self, node: NodeId, direction: Direction) -> Neighbors<'a> {
        Neighbors(self.edges_of(node, direction == Direction::Incoming))
    }
}

impl<'a> IntoEdgeReferences for &'a GraphIndex {
    type EdgeRef = RelRef;
    type EdgeReferences = Box<dyn Iterator<Item = RelRef> + 'a>;

    fn edge_references(self) -> Self::EdgeReferences {
        Box::new(self.relationships().map(|r| RelRef {
            rel: r.id,
            start: r.start,
            end: r.end,
        }))
    }
}

impl<'a> IntoEdges for &'a GraphIndex {
    type Edges = Edges<'a>;

    fn edges(self, node: NodeId) -> Edges<'a> {
        self.edges_of(node, false)
    }
}

impl<'a> IntoEdgesDirected for &'a GraphIndex {
    type EdgesDirected = Edges<'a>;

    fn edges_directed(self, node: NodeId, direction: Direction) -> Edges<'a> {
        self.edges_of(node, direction == Direction::Incoming)
    }
}

impl<'a> IntoNodeIdentifiers for &'a GraphIndex {
    type NodeIdentifiers = Box<dyn Iterator<Item = NodeId> + 'a>;

    fn node_identifiers(self) -> Self::NodeIdentifiers {
        Box::new(self.nodes().map(|n| n.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::paths::tests::{chain, twenty_nodes};
    use petgraph::algo::{dijkstra, has_path_connecting, kosaraju_scc};
    use petgraph::visit::{Bfs, Walker};

    fn ends(edges: impl Iterator<Item = RelRef>) -> Vec<(u64, u64, u64)> {
        let mut listed: Vec<_> = edges.map(|e| (e.rel.0, e.start.0, e.end.0)).collect();
        listed.sort_unstable();
        listed
    }

    #[test]
    fn dijkstra_agrees_with_the_shortest_path_search() {
        let g = twenty_nodes();
        let search = g.shortest_paths(crate::model::Direction::Outgoing, &[], 20);
        for a in 1..=20 {
            let hops = dijkstra(&g, NodeId(a), None, |_| 1usize);
            for b in 1..=20 {
                let found = search.one(NodeId(a), NodeId(b)).map(|p| p.len());
                assert_eq!(hops.get(&NodeId(b)).copied(), found, "{a}->{b}");
            }
        }
    }

    #[test]
    fn strongly_connected_components_follow_the_directions() {
        let g = chain(&[(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 4), (5, 6)]);
        let mut components: Vec<Vec<u64>> = kosaraju_scc(&g)
            .into_iter()
            .map(|c| {
                let mut ids: Vec<u64> = c.into_iter().map(|n| n.0).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        components.sort_unstable();
        assert_eq!(components, [vec![1, 2, 3], vec![4, 5], vec![6]]);
    }

    #[test]
    fn edges_carry_their_own_ends_whichever_way_they_are_walked() {
        let g = chain(&[(1, 2), (3, 1), (1, 1)]);
        let one = NodeId(1);
        assert_eq!(ends(g.edges(one)), [(100, 1, 2), (102, 1, 1)]);
        assert_eq!(
            ends(g.edges_directed(one, Direction::Incoming)),
            [(101, 3, 1), (102, 1, 1)]
        );
        let mut out: Vec<u64> = g.neighbors(one).map(|n| n.0).collect();
        out.sort_unstable();
        assert_eq!(out, [1, 2]);
        let mut into: Vec<u64> = g
            .neighbors_directed(one, Direction::Incoming)
            .map(|n| n.0)
            .collect();
        into.sort_unstable();
        assert_eq!(into, [1, 3]);
        assert_eq!(ends(g.edge_references()), [(100, 1, 2), (101, 3, 1), (102, 1, 1)]);
        for e in g.edge_references() {
            let rel = g.relationship(*e.weight()).map(|r| (r.start, r.end));
            assert_eq!(rel, Some((e.source(), e.target())));
        }
        // A node the index does not hold has no neighbours.
        assert_eq!(g.neighbors(NodeId(99)).count(), 0);
        assert_eq!(g.edges_directed(NodeId(99), Direction::Incoming).count(), 0);
    }

    #[test]
    fn walkers_reach_what_is_reachable_after_changes() {
        let mut g = chain(&[(1, 2), (2, 3), (4, 3), (5, 6)]);
        g.remove_relationship(RelId(101));
        let reached: Vec<u64> = Bfs::new(&g, NodeId(1)).iter(&g).map(|n| n.0).collect();
        assert_eq!(reached, [1, 2]);
        assert!(!has_path_connecting(&g, NodeId(1), NodeId(3), None));
        assert!(has_path_connecting(&g, NodeId(4), NodeId(3), None));
        let mut all: Vec<u64> = g.node_identifiers().map(|n| n.0).collect();
        all.sort_unstable();
        assert_eq!(all, [1, 2, 3, 4, 5, 6]);
        assert_eq!(NodeCount::node_count(&g), 6);
    }
}
