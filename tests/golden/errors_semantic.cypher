// Errors found before anything runs: unknown variables, incompatible
// unions, and what openCypher reports as semantic errors.
RETURN x;

MATCH (a) WITH a.name AS name RETURN a;

RETURN 1 AS x UNION RETURN 2 AS y;

MATCH (n) RETURN DISTINCT n.name ORDER BY n.age;

// A relationship needs both its ends.
OPTIONAL MATCH (x:Nobody) CREATE (x)-[:R]->(:Y);

MATCH (n) RETURN count(n) AS nodes;
