// EXPLAIN shows the plan without running the statement; PROFILE runs it and
// adds row counts (timings are stripped here).
CREATE (:Actor {name: 'Russia'})<-[:AGENT]-(:Event {kind: 'airstrike'});

EXPLAIN MATCH (e:Event)-[:AGENT]->(a:Actor) RETURN a.name;

PROFILE MATCH (e:Event)-[:AGENT]->(a:Actor) RETURN a.name;

EXPLAIN MATCH (a:Actor) WHERE a.name STARTS WITH 'R' RETURN a.name ORDER BY a.name;

EXPLAIN MATCH (a)-[:AGENT*1..3]-(b) RETURN count(*) AS n;

EXPLAIN CREATE (:X);

MATCH (x:X) RETURN count(x) AS xs;

PROFILE CREATE (:X);

MATCH (x:X) RETURN count(x) AS xs;

EXPLAIN RETURN 1 AS x UNION RETURN 2 AS x;

EXPLAIN SHOW LABELS;

PROFILE SHOW LABELS;
