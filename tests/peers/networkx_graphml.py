"""Read an `attest export --format graphml` file with networkx.

    python networkx_graphml.py FILE.graphml

Prints JSON: {"nodes": {id: attributes}, "edges": [[source, target,
attributes], ...], "multigraph": bool} exactly as networkx read them
(attribute values keep the Python types GraphML's key types gave them).
"""
import json
import sys

import networkx as nx


def main():
    g = nx.read_graphml(sys.argv[1])
    edges = [[u, v, d] for u, v, d in g.edges(data=True)]
    print(json.dumps({
        "nodes": {n: d for n, d in g.nodes(data=True)},
        "edges": edges,
        "multigraph": g.is_multigraph(),
    }))


if __name__ == "__main__":
    main()
