// Syntax errors, with the line and column (counted from the start of the
// statement) of the problem.
MATCH (n RETURN n;

RETURN 1 +;

MATCH (n)
RETRUN n;

RETURN 0x;

RETURN 'a\qb';

MATCH (n)-[r]-(m) CREATE (n)-[:T]-(m);

CREATE (n)-[:T*2]->(m);

WITH 1 + 1 RETURN 1;

RETURN 1 AS x UNION ALL RETURN 1 AS x UNION RETURN 1 AS x;

MATCH (n);

RETURN count(1, 2);

MATCH (n) RETURN n LIMIT -1;

RETURN 9223372036854775808;

MATCH (n:Actor {name: 'x'}) RETURN n.name AS name, n.kind AS name;

CREATE (a:A) CREATE (a:B);

RETURN count(count(*));

MATCH (n) WHERE count(n) > 1 RETURN n;

RETURN foo(1);

MATCH (a)-[a]->(b) RETURN a;

// An unterminated string swallows the rest of the script, so it comes last.
RETURN 'unterminated;
