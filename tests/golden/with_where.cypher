// WITH: projection, filtering, scoping, chaining.
UNWIND range(1, 10) AS x WITH x WHERE x % 3 = 0 RETURN x ORDER BY x;

WITH 1 AS a, 2 AS b RETURN a + b AS sum;

WITH 1 AS a WITH *, 2 AS b RETURN a, b;

WITH 1 AS x WITH x + 1 AS x RETURN x;

UNWIND [1, 1, 2, null, null] AS x WITH DISTINCT x RETURN x ORDER BY x;

UNWIND [5, 3, 8, 1] AS x WITH x ORDER BY x DESC LIMIT 2 RETURN collect(x) AS top;

// WITH ... WHERE on an aggregate is SQL's HAVING.
UNWIND ['a', 'b', 'a', 'c', 'a', 'b'] AS k
WITH k, count(*) AS n WHERE n > 1
RETURN k, n ORDER BY k;

CREATE (:Actor {name: 'Ash Carter', born: 1954}), (:Actor {name: 'Elissa Slotkin', born: 1976}), (:Actor {name: 'Peter Cook'});

MATCH (a:Actor) WITH a.name AS name, 2016 - a.born AS age WHERE age < 50 RETURN name, age;

MATCH (a:Actor) WITH a WHERE a.born IS NULL RETURN a.name;

MATCH (a:Actor) WITH a ORDER BY a.born DESC SKIP 1 LIMIT 1 RETURN a.name;

MATCH (a:Actor) WITH count(a) AS actors MATCH (b:Actor) WHERE b.born IS NOT NULL RETURN actors, count(b) AS with_birth_year;
