// Variable-length relationships: bounds, types, directions, cycles.
CREATE (a:Step {name: 'a'})-[:NEXT]->(b:Step {name: 'b'})-[:NEXT]->(c:Step {name: 'c'})-[:NEXT]->(d:Step {name: 'd'}),
       (b)-[:SIDE]->(:Step {name: 'x'});

MATCH (:Step {name: 'a'})-[:NEXT*]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*2]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*1..2]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*..2]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*2..]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*0..]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT*0]->(n) RETURN n.name ORDER BY n.name;

// Any type, and a choice of types.
MATCH (:Step {name: 'a'})-[*]->(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'a'})-[:NEXT|SIDE*2]->(n) RETURN n.name ORDER BY n.name;

// The relationship variable of a variable-length pattern is a list.
MATCH (:Step {name: 'a'})-[r:NEXT*]->(:Step {name: 'd'}) RETURN size(r) AS hops, [x IN r | type(x)] AS types;

MATCH (:Step {name: 'd'})<-[:NEXT*]-(n) RETURN n.name ORDER BY n.name;

MATCH (:Step {name: 'c'})-[:NEXT*1..2]-(n) RETURN n.name ORDER BY n.name;

// An upper bound below the lower bound matches nothing.
MATCH (:Step {name: 'a'})-[:NEXT*3..1]->(n) RETURN n.name;

// Close the chain into a cycle: each path still uses a relationship once.
MATCH (d:Step {name: 'd'}), (a:Step {name: 'a'}) CREATE (d)-[:NEXT]->(a);

MATCH (:Step {name: 'a'})-[:NEXT*]->(n) RETURN n.name, count(*) AS paths ORDER BY n.name;

MATCH p = (:Step {name: 'a'})-[:NEXT*]->(:Step {name: 'a'}) RETURN length(p) AS length;

MATCH (:Step {name: 'x'})-[:NEXT*0..]->(n) RETURN n.name;
