// Errors found while running: types, arguments, arithmetic, deleted or
// missing entities.
RETURN 'a' - 1 AS x;

RETURN toUpper(1) AS x;

RETURN [1, 2][1.5] AS x;

RETURN {a: 1}[1] AS x;

RETURN date('2016-02-30') AS d;

RETURN date('2016-06-16').nonsense AS x;

RETURN date('2016-06-16') + date('2016-06-16') AS x;

RETURN substring('abc', -1) AS x;

RETURN range(1, 10, 0) AS x;

RETURN 9223372036854775807 + 1 AS x;

RETURN 1 / 0 AS x;

RETURN 1 % 0 AS x;

RETURN -9223372036854775808 / -1 AS x;

UNWIND [1, 0] AS d RETURN 10 / d AS x;

CREATE (:Gone {name: 'x'});

// Attest's own class: a configured limit stops the query.
MATCH (a)-[*..100]->(b) RETURN count(*) AS paths;

// Writing to a deleted node, or asking for its evidence.
MATCH (g:Gone) DELETE g SET g.name = 'y';

MATCH (g:Gone) DELETE g RETURN evidence(g) AS e;

MATCH (g:Gone) RETURN count(g) AS gone;

CREATE (:Linked)-[:R]->(:Linked);

MATCH (l:Linked)-[:R]->() DELETE l;

MATCH (n) RETURN count(n) AS nodes;
