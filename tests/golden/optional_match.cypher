// OPTIONAL MATCH: missing parts become null, rows are never lost.
CREATE (:Person {name: 'Ann'})-[:KNOWS]->(:Person {name: 'Bob'}), (:Person {name: 'Cid'});

MATCH (p:Person) OPTIONAL MATCH (p)-[:KNOWS]->(f) RETURN p.name, f.name ORDER BY p.name;

OPTIONAL MATCH (x:Nobody) RETURN x;

OPTIONAL MATCH (x:Nobody) RETURN count(x) AS xs, count(*) AS rows;

OPTIONAL MATCH (x:Nobody) RETURN x.name, labels(x);

// The WHERE belongs to the OPTIONAL MATCH: it nulls the match, not the row.
MATCH (p:Person)
OPTIONAL MATCH (p)-[r:KNOWS]->(f) WHERE f.name = 'Zed'
RETURN p.name, r, f
ORDER BY p.name;

MATCH (p:Person)
OPTIONAL MATCH (p)-[:KNOWS]->(f)
WITH p, f WHERE f IS NULL
RETURN p.name ORDER BY p.name;

// The whole optional pattern matches, or none of it.
MATCH (a:Person {name: 'Ann'})
OPTIONAL MATCH (a)-[:KNOWS]->(b)-[:KNOWS]->(c)
RETURN a.name, b.name, c.name;

// A later MATCH on a null variable matches nothing.
MATCH (p:Person {name: 'Cid'})
OPTIONAL MATCH (p)-[:KNOWS]->(f)
MATCH (f)-[:KNOWS]->(g)
RETURN g;

MATCH (p:Person)
OPTIONAL MATCH (p)<-[:KNOWS]-(fan)
RETURN p.name, count(fan) AS fans
ORDER BY p.name;
