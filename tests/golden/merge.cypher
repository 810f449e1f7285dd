// MERGE: match or create the whole pattern; ON CREATE / ON MATCH.
MERGE (a:Actor {name: 'Russia'})
  ON CREATE SET a.created = true
  ON MATCH SET a.matched = true
RETURN a.created, a.matched;

MERGE (a:Actor {name: 'Russia'})
  ON CREATE SET a.created = true
  ON MATCH SET a.matched = true
RETURN a.created, a.matched;

// The whole pattern does not exist, so all of it is created: a second Russia.
MERGE (:Actor {name: 'Russia'})-[:MEMBER_OF]->(:Actor {name: 'Coalition'});

MATCH (a:Actor {name: 'Russia'}) RETURN count(a) AS russias;

// With bound ends, only the relationship is merged.
MATCH (r:Actor {name: 'Russia', created: true}), (c:Actor {name: 'Coalition'})
MERGE (r)-[m:PARTY]->(c)
RETURN type(m) AS type;

MATCH (r:Actor {name: 'Russia', created: true}), (c:Actor {name: 'Coalition'})
MERGE (r)-[m:PARTY]->(c)
RETURN type(m) AS type;

// Later rows see what earlier rows created.
UNWIND ['x', 'y', 'x'] AS name MERGE (t:Tag {name: name}) RETURN t.name;

MATCH (t:Tag) RETURN count(t) AS tags;

MERGE (t:Tag {name: 'z'}) ON CREATE SET t += {n: 1, m: 2} RETURN t.n, t.m;

MERGE (t:Tag {name: 'z'}) ON MATCH SET t.n = t.n + 1 RETURN t.n;

MATCH (a:Actor {name: 'Coalition'}) MERGE (a)<-[:MEMBER_OF]-(m:Actor {name: 'United States'}) RETURN m.name;
