// ORDER BY, SKIP, LIMIT.
UNWIND [3, null, 1, 2.5, -1] AS x RETURN x ORDER BY x;

UNWIND [3, null, 1, 2.5, -1] AS x RETURN x ORDER BY x DESC;

// Strings sort by code point: upper case before lower case.
UNWIND ['b', 'B', 'a', 'Ä', 'ab'] AS s RETURN s ORDER BY s;

// Values of different types sort in openCypher's global order.
UNWIND [1, 'a', true, null, [1], {k: 1}, date('2016-06-16')] AS v RETURN v ORDER BY v;

UNWIND [1.0, 0.0 / 0.0, -1.0] AS x RETURN x ORDER BY x;

UNWIND [[2], [1, 2], [1], []] AS l RETURN l ORDER BY l;

UNWIND range(1, 10) AS x RETURN x ORDER BY x SKIP 2 LIMIT 3;

UNWIND range(1, 10) AS x RETURN x ORDER BY x DESC LIMIT 2;

UNWIND range(1, 3) AS x RETURN x ORDER BY x LIMIT 0;

UNWIND range(1, 3) AS x RETURN x ORDER BY x SKIP 5;

UNWIND range(1, 10) AS x RETURN x ORDER BY x LIMIT 1 + 1;

// params: {"n": 2}
UNWIND range(1, 10) AS x RETURN x ORDER BY x SKIP $n LIMIT $n;

CREATE (:P {name: 'c', age: 30}), (:P {name: 'a', age: 30}), (:P {name: 'b', age: 20});

// Several keys, and a key that is not returned.
MATCH (p:P) RETURN p.name ORDER BY p.age DESC, p.name;

MATCH (p:P) RETURN p.name AS name ORDER BY name DESC;

MATCH (p:P) RETURN DISTINCT p.age AS age ORDER BY age;

UNWIND ['a', 'b', 'a'] AS k RETURN k, count(*) AS n ORDER BY n DESC, k;
