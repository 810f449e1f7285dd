"""Load an `attest export --format turtle` file into pyoxigraph and count.

    python oxigraph_counts.py FILE.ttl|FILE.nt

Prints JSON: {"classes": {IRI: n}, "predicates": {IRI: n}, "reified":
{IRI: n}, "triples": n} where `classes` counts ?s per rdf:type, `predicates`
counts triples per predicate, and `reified` counts the resources that
rdf:reifies a triple term, per the term's predicate (one per Attest
relationship, even where two relationships assert the same triple).
"""
import json
import sys

import pyoxigraph as ox


def rows(store, query):
    return [[t.value for t in solution] for solution in store.query(query)]


def main():
    store = ox.Store()
    fmt = ox.RdfFormat.N_TRIPLES if sys.argv[1].endswith(".nt") else ox.RdfFormat.TURTLE
    with open(sys.argv[1], "rb") as f:
        store.load(f, format=fmt)
    classes = rows(store, "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    predicates = rows(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    reified = rows(
        store,
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT ?p (COUNT(?r) AS ?n) WHERE { ?r rdf:reifies <<( ?s ?p ?o )>> } GROUP BY ?p",
    )
    print(json.dumps({
        "classes": {c: int(n) for c, n in classes},
        "predicates": {p: int(n) for p, n in predicates},
        "reified": {p: int(n) for p, n in reified},
        "triples": len(store),
    }))


if __name__ == "__main__":
    main()
