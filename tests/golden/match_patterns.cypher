// MATCH: node and relationship patterns, directions, types, properties,
// several patterns sharing variables, pattern predicates.
CREATE (c:Actor {name: 'Ash Carter', kind: 'person'}),
       (p:Actor {name: 'Pentagon', kind: 'organization'}),
       (r:Actor {name: 'Russia', kind: 'country'}),
       (s:Event {kind: 'airstrike', day: 16}),
       (m:Event {kind: 'meeting', day: 18}),
       (c)-[:MEMBER_OF {role: 'Defense Secretary'}]->(p),
       (s)-[:AGENT]->(r),
       (m)-[:PARTICIPANT]->(c),
       (m)-[:PARTICIPANT]->(r),
       (s)-[:BEFORE]->(m);

MATCH (n) RETURN count(n) AS nodes;

MATCH (a:Actor) RETURN a.name ORDER BY a.name;

MATCH (a:Actor {kind: 'country'}) RETURN a.name;

// Whole nodes and relationships render as Cypher.
MATCH (a:Actor {name: 'Russia'}) RETURN a;

MATCH ()-[r:MEMBER_OF]->() RETURN r;

MATCH (e:Event)-[:AGENT]->(a) RETURN e.kind, a.name;

// The same relationship, written from its other end.
MATCH (a)<-[:AGENT]-(e) RETURN a.name, e.kind;

MATCH (m:Event {kind: 'meeting'})-[r]->(x) RETURN type(r) AS type, x.name ORDER BY x.name;

// An undirected pattern matches each relationship once from each end.
MATCH (a:Actor)-[r:MEMBER_OF|AGENT]-(b)
RETURN a.name, type(r) AS type, coalesce(b.name, b.kind) AS other
ORDER BY a.name;

MATCH (x)-->(y) RETURN count(*) AS directed;

MATCH (x)--(y) RETURN count(*) AS undirected;

// Two patterns sharing a variable.
MATCH (m:Event)-[:PARTICIPANT]->(a), (s:Event)-[:AGENT]->(a)
RETURN m.kind, a.name, s.kind;

// One relationship is never used twice in one match.
MATCH (a)<-[:PARTICIPANT]-(m)-[:PARTICIPANT]->(b)
RETURN a.name, b.name
ORDER BY a.name;

MATCH ()-[:MEMBER_OF {role: 'Defense Secretary'}]->(org) RETURN org.name;

MATCH (n) WHERE n:Event RETURN count(*) AS events;

// Pattern predicates.
MATCH (a:Actor) WHERE (a)<-[:PARTICIPANT]-() RETURN a.name ORDER BY a.name;

MATCH (a:Actor) WHERE NOT (a)<-[:PARTICIPANT]-() RETURN a.name;

MATCH (a:Actor) WHERE exists((a)-[:MEMBER_OF]->()) RETURN a.name;

MATCH (m:Event {kind: 'meeting'}) RETURN size([(m)-[:PARTICIPANT]->(x) | x.name]) AS participants;

MATCH (a:Actor {name: 'Pentagon'}) RETURN *;

MATCH (a:Actor {name: 'Nobody'}) RETURN a.name;

MATCH (a)-[:BEFORE]->(a) RETURN count(*) AS loops;

// Events with a larger day than some other event.
MATCH (a:Event), (b:Event) WHERE a.day > b.day RETURN a.kind, b.kind;
