// UNWIND: lists to rows.
UNWIND [1, 2, 3] AS x RETURN x;

UNWIND [] AS x RETURN x;

UNWIND null AS x RETURN x;

UNWIND [[1, 2], [3]] AS inner UNWIND inner AS x RETURN x;

UNWIND [3, 1, 2] AS x WITH x ORDER BY x RETURN collect(x) AS sorted;

UNWIND range(0, 10, 5) AS x RETURN x;

UNWIND [{k: 1}, {k: 2}] AS m RETURN m.k AS k;

UNWIND [1, 1] AS x RETURN count(*) AS rows;

WITH [1, 2] AS xs UNWIND xs AS x RETURN xs, x;

UNWIND ['Russia', 'Syria'] AS name CREATE (:Country {name: name});

MATCH (c:Country) RETURN c.name ORDER BY c.name;

UNWIND [1, null, 2] AS x RETURN x;
