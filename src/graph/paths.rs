//! Shortest paths over the in-memory index.
//!
//! `shortestPath` uses a bidirectional breadth-first search: it grows the
//! smaller of the two frontiers each round, so on hub-heavy news graphs it
//! touches far fewer nodes than a one-sided search. `allShortestPaths` runs a
//! one-sided BFS that keeps every parent on a shortest layer, then walks the
//! parents back.

use super::{GraphIndex, TypeSet};
use crate::model::{Direction, NodeId, Path, RelId};
use std::collections::HashMap;

/// Shortest-path searches bound to one index, one direction and a set of
/// relationship types.
pub struct ShortestPaths<'g> {
    pub(super) graph: &'g GraphIndex,
    pub(super) direction: Direction,
    pub(super) types: Vec<&'g str>,
    /// Longest path accepted, in relationships.
    pub(super) max_hops: usize,
}

fn reverse(direction: Direction) -> Direction {
    match direction {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    }
}

impl GraphIndex {
    /// A search in `direction` over relationships of `types` (all when
    /// empty), accepting paths of at most `max_hops` relationships.
    pub fn shortest_paths<'g>(
        &'g self,
        direction: Direction,
        types: &[&'g str],
        max_hops: usize,
    ) -> ShortestPaths<'g> {
        ShortestPaths {
            graph: self,
            direction,
            types: types.to_vec(),
            max_hops,
        }
    }
}

/// Per side of the search, by node slot: the relationship and the slot a
/// node was reached through; the side's start maps to `None`. Slots, not
/// ids: the search then never looks an id up, neither to expand a node nor
/// to name a neighbour.
type Parents = super::IdMap<usize, Option<(RelId, usize)>>;

impl ShortestPaths<'_> {
    /// One shortest path from `from` to `to`, or `None` when `to` is not
    /// reachable within the hop limit. A path from a node to itself has
    /// length 0.
    pub fn one(&self, from: NodeId, to: NodeId) -> Option<Path> {
        let (from_slot, to_slot) = (self.graph.nodes.slot(from)?, self.graph.nodes.slot(to)?);
        if from == to {
            return Some(Path::single(from));
        }
        let types = self.graph.type_set(&self.types)?;
        let mut forward: Parents = Parents::from_iter([(from_slot, None)]);
        let mut backward: Parents = Parents::from_iter([(to_slot, None)]);
        let mut forward_frontier = vec![from_slot];
        let mut backward_frontier = vec![to_slot];
        let mut hops = 0;
        while hops < self.max_hops && !forward_frontier.is_empty() && !backward_frontier.is_empty() {
            hops += 1;
            let grow_forward = forward_frontier.len() <= backward_frontier.len();
            let meeting = if grow_forward {
                self.expand(
                    &mut forward_frontier,
                    &mut forward,
                    &backward,
                    self.direction,
                    &types,
                )
            } else {
                let reverse = reverse(self.direction);
                self.expand(&mut backward_frontier, &mut backward, &forward, reverse, &types)
            };
            if let Some(meet) = meeting {
                return Some(self.join(&forward, &backward, meet));
            }
        }
        None
    }

    /// Grows one frontier by a layer; returns a node also reached by the
    /// other side, if any.
    fn expand(
        &self,
        frontier: &mut Vec<usize>,
        mine: &mut Parents,
        other: &Parents,
        dir: Direction,
        types: &TypeSet,
    ) -> Option<usize> {
        let mut next = Vec::new();
        let mut meeting = None;
        for &node in frontier.iter() {
            self.graph
                .for_each_neighbour_slot(node, dir, types, |rel, neighbour| {
                    if meeting.is_some() || mine.contains_key(&neighbour) {
                        return;
                    }
                    mine.insert(neighbour, Some((rel, node)));
                    if other.contains_key(&neighbour) {
                        meeting = Some(neighbour);
                    }
                    next.push(neighbour);
                });
            if meeting.is_some() {
                break;
            }
        }
        *frontier = next;
        meeting
    }

    /// Stitches the two half-paths that meet at `meet`, naming nodes by id.
    fn join(&self, forward: &Parents, backward: &Parents, meet: usize) -> Path {
        let mut slots = vec![meet];
        let mut rels = Vec::new();
        let mut at = meet;
        while let Some(Some((rel, prev))) = forward.get(&at) {
            rels.push(*rel);
            slots.push(*prev);
            at = *prev;
        }
        slots.reverse();
        rels.reverse();
        let mut at = meet;
        while let Some(Some((rel, next))) = backward.get(&at) {
            rels.push(*rel);
            slots.push(*next);
            at = *next;
        }
        let nodes = slots
            .into_iter()
            .map(|slot| self.graph.nodes.live_id_at(slot))
            .collect();
        Path { nodes, rels }
    }

    /// Every shortest path from `from` to `to` within the hop limit, in a
    /// deterministic order.
    pub fn all(&self, from: NodeId, to: NodeId) -> Vec<Path> {
        if self.graph.node(from).is_none() || self.graph.node(to).is_none() {
            return Vec::new();
        }
        if from == to {
            return vec![Path::single(from)];
        }
        let mut depth: HashMap<NodeId, usize> = HashMap::from([(from, 0)]);
        let mut parents: HashMap<NodeId, Vec<(RelId, NodeId)>> = HashMap::new();
        let mut frontier = vec![from];
        let mut hops = 0;
        while hops < self.max_hops && !frontier.is_empty() && !depth.contains_key(&to) {
            hops += 1;
            let mut next = Vec::new();
            for &node in &frontier {
                self.graph
                    .for_each_relationship(node, self.direction, &self.types, |rel, neighbour| {
                        match depth.get(&neighbour) {
                            None => {
                                depth.insert(neighbour, hops);
                                parents.entry(neighbour).or_default().push((rel, node));
                                next.push(neighbour);
                            }
                            Some(&d) if d == hops => parents.entry(neighbour).or_default().push((rel, node)),
                            Some(_) => {}
                        }
                    });
            }
            frontier = next;
        }
        if !depth.contains_key(&to) {
            return Vec::new();
        }
        let mut paths = Vec::new();
        let mut suffix = (vec![to], Vec::new());
        collect_back(&parents, from, to, &mut suffix, &mut paths);
        paths.sort_by(|a: &Path, b: &Path| (&a.rels, &a.nodes).cmp(&(&b.rels, &b.nodes)));
        paths
    }
}

fn collect_back(
    parents: &HashMap<NodeId, Vec<(RelId, NodeId)>>,
    from: NodeId,
    at: NodeId,
    suffix: &mut (Vec<NodeId>, Vec<RelId>),
    out: &mut Vec<Path>,
) {
    if at == from {
        let mut nodes = suffix.0.clone();
        let mut rels = suffix.1.clone();
        nodes.reverse();
        rels.reverse();
        out.push(Path { nodes, rels });
        return;
    }
    for &(rel, prev) in parents.get(&at).into_iter().flatten() {
        suffix.0.push(prev);
        suffix.1.push(rel);
        collect_back(parents, from, prev, suffix, out);
        suffix.0.pop();
        suffix.1.pop();
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{Node, Properties, Relationship};

    /// An index of `N` nodes joined by `R` relationships with ids from 100.
    pub(in crate::graph) fn chain(edges: &[(u64, u64)]) -> GraphIndex {
        let mut g = GraphIndex::new(&[]);
        let mut ids: Vec<u64> = edges.iter().flat_map(|(a, b)| [*a, *b]).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let node = Node {
                id: NodeId(id),
                labels: ["N"].into(),
                properties: Properties::new(),
                sources: Default::default(),
                key: None,
            };
            g.insert_node(node);
        }
        for (i, (a, b)) in edges.iter().enumerate() {
            let rel = Relationship {
                id: RelId(100 + i as u64),
                rel_type: "R".into(),
                start: NodeId(*a),
                end: NodeId(*b),
                properties: Properties::new(),
                sources: vec![],
                key: None,
            };
            g.insert_relationship(rel);
        }
        g
    }

    #[test]
    fn finds_shortest_in_both_directions_with_limit() {
        let g = chain(&[(1, 2), (2, 3), (3, 4), (1, 5), (5, 4)]);
        let sp = g.shortest_paths(Direction::Outgoing, &[], 8);
        let p = sp.one(NodeId(1), NodeId(4)).unwrap();
        assert_eq!(p.nodes, vec![NodeId(1), NodeId(5), NodeId(4)]);
        assert!(sp.one(NodeId(4), NodeId(1)).is_none(), "directed");
        let undirected = g.shortest_paths(Direction::Both, &[], 8);
        assert_eq!(undirected.one(NodeId(4), NodeId(1)).unwrap().len(), 2);
        assert!(
            g.shortest_paths(Direction::Both, &[], 1)
                .one(NodeId(1), NodeId(4))
                .is_none()
        );
        assert_eq!(sp.one(NodeId(3), NodeId(3)).unwrap().len(), 0);
    }

    #[test]
    fn all_shortest_lists_every_path_of_minimal_length() {
        let g = chain(&[(1, 2), (2, 4), (1, 3), (3, 4), (1, 6), (6, 7), (7, 4)]);
        let all = g
            .shortest_paths(Direction::Outgoing, &[], 8)
            .all(NodeId(1), NodeId(4));
        assert_eq!(all.len(), 2);
        assert!(
            all.iter()
                .all(|p| p.len() == 2 && p.nodes[0] == NodeId(1) && p.nodes[2] == NodeId(4))
        );
    }

    #[test]
    fn paths_name_nodes_by_id_whatever_their_width() {
        // Ids past 32 bits are kept only in their records, not in the
        // vector of ids by slot that the search reads its nodes' ids from.
        let (a, b, c) = (1u64 << 40, 7, u64::MAX - 1);
        let g = chain(&[(a, b), (b, c), (c, 3)]);
        let p = g
            .shortest_paths(Direction::Outgoing, &[], 8)
            .one(NodeId(a), NodeId(3))
            .unwrap();
        assert_eq!(p.nodes, [a, b, c, 3].map(NodeId));
        assert_eq!(p.rels, [100, 101, 102].map(RelId));
        let back = g
            .shortest_paths(Direction::Incoming, &["R"], 8)
            .one(NodeId(3), NodeId(a))
            .unwrap();
        assert_eq!(back.nodes, [3, c, b, a].map(NodeId));
        assert!(
            g.shortest_paths(Direction::Outgoing, &["S"], 8)
                .one(NodeId(a), NodeId(3))
                .is_none()
        );
    }

    /// A small grid-like graph of 20 nodes, two relationships out of each.
    pub(in crate::graph) fn twenty_nodes() -> GraphIndex {
        let edges: Vec<(u64, u64)> = (1..=20u64)
            .flat_map(|i| [(i, (i * 7) % 20 + 1), (i, (i * 3) % 20 + 1)])
            .collect();
        chain(&edges)
    }

    #[test]
    fn bidirectional_search_agrees_with_brute_force_lengths() {
        // Every pair's length must match the one-sided BFS used by `all`.
        let g = twenty_nodes();
        let sp = g.shortest_paths(Direction::Both, &[], 20);
        for a in 1..=20 {
            for b in 1..=20 {
                let one = sp.one(NodeId(a), NodeId(b)).map(|p| p.len());
                let all = sp.all(NodeId(a), NodeId(b)).first().map(|p| p.len());
                assert_eq!(one, all, "{a}->{b}");
            }
        }
    }
}
