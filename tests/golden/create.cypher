// CREATE: nodes, relationships, properties, per-row creation.
CREATE (n);

CREATE (:Actor {name: 'Russia', kind: 'country'});

CREATE (a:A {x: 1})-[r:R {w: 2}]->(b:B) RETURN a.x, type(r) AS type, r.w, b;

CREATE (a:X), (b:X), (a)-[:T]->(b) RETURN count(*) AS rows;

MATCH (a:A), (b:B) CREATE (b)-[r:BACK]->(a) RETURN type(r) AS type;

CREATE (l:L {tags: ['a', 'b'], nested: {k: 1}}) RETURN l.tags, l.nested;

// A null property is not stored.
CREATE (n:N {a: null, b: 1}) RETURN keys(n) AS keys;

UNWIND [1, 2, 3] AS i CREATE (:Num {i: i});

MATCH (n:Num) RETURN n.i ORDER BY n.i;

CREATE (a:Loop)-[:SELF]->(a);

MATCH (a:Loop)-[r:SELF]->(b) RETURN a = b AS same;

CREATE (:Two:Labels {x: 1}) RETURN 1 AS done;

MATCH (n) RETURN count(n) AS nodes;

MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type;
