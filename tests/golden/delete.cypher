// DELETE and DETACH DELETE.
CREATE (a:A {n: 1})-[:R]->(b:B {n: 2}), (:C);

MATCH (c:C) DELETE c;

// A node with relationships cannot be deleted alone.
MATCH (a:A) DELETE a;

MATCH ()-[r:R]->() DELETE r;

MATCH (a:A) DELETE a;

MATCH (n) RETURN count(n) AS nodes;

CREATE (x:X)-[:R]->(:Y), (x)-[:R]->(:Y);

MATCH (x:X) DETACH DELETE x;

MATCH (n) RETURN labels(n) AS labels, count(*) AS n;

// Deleting null does nothing.
OPTIONAL MATCH (n:Nobody) DELETE n;

OPTIONAL MATCH (n:Nobody) DETACH DELETE n;

CREATE (:P)-[:R]->(:Q)-[:R]->(:P);

MATCH p = (:P)-[:R]->(:Q) DETACH DELETE p;

MATCH (n) RETURN count(n) AS nodes;

// Deleting a node and a relationship of it in one statement.
CREATE (:S)-[:R]->(:T);

MATCH (s:S)-[r:R]->(t:T) DELETE r, s, t;

MATCH (n) RETURN count(n) AS nodes;
