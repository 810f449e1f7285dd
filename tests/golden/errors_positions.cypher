// golden: carets
// Errors raised while a statement runs point at the part that failed: the
// item, conjunct, pattern or argument, else the clause. Each failing
// statement shows the error's first line, then the offending line with a
// caret under the position (as the CLI and the REPL print it).

// A RETURN item on the second line.
UNWIND [1] AS n
RETURN n, n / 0 AS x;

WITH 1 AS one
RETURN one, toUpper(one) AS x;

CREATE (:P {name: 'a', n: 0}), (:P {name: 'b', n: 2});

// The WHERE conjunct that failed, not the MATCH.
MATCH (p:P)
WHERE p.name = 'a' AND 10 / p.n > 1
RETURN p.name;

// WITH … WHERE.
UNWIND [0] AS z
WITH z WHERE 1 / z > 0
RETURN z;

// The SET item that failed.
MATCH (p:P {name: 'a'})
SET p.seen = true, p.ratio = 1 / p.n;

// The UNWIND expression.
WITH 0 AS z
UNWIND range(1, 3, z) AS i
RETURN i;

// The CREATE pattern that failed.
UNWIND [0] AS z
CREATE (:Q {v: 1}), (:Q {v: 1 / z});

// An aggregate fed by a MATCH (one streamed pass), and by UNWIND.
MATCH (p:P)
RETURN p.name AS name, sum(p.name) AS s;

UNWIND ['x'] AS v
RETURN count(*) AS c, sum(v) AS s;

// An aggregating item's expression, evaluated per group.
MATCH (p:P)
RETURN count(*) / 0 AS x;

// ORDER BY and LIMIT.
UNWIND [1, 0] AS x
RETURN x ORDER BY 1 / x;

// params: {"k": -1}
UNWIND [1, 2] AS x
RETURN x
LIMIT $k;

// DELETE takes nodes, relationships or paths.
MATCH (p:P)
DETACH DELETE p.name;

// Nothing was written by the failing statements.
MATCH (n) RETURN count(n) AS nodes;
