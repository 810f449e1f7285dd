// UNION removes duplicate rows, UNION ALL keeps them.
RETURN 1 AS x UNION RETURN 1 AS x;

RETURN 1 AS x UNION ALL RETURN 1 AS x;

UNWIND [1, 2] AS x RETURN x UNION UNWIND [2, 3] AS x RETURN x;

UNWIND [1, 2] AS x RETURN x UNION ALL UNWIND [2, 3] AS x RETURN x;

RETURN 1 AS x UNION RETURN '1' AS x;

RETURN null AS x UNION RETURN null AS x;

RETURN 1 AS a, 2 AS b UNION RETURN 1 AS a, 3 AS b;

CREATE (:Actor {name: 'Russia'}), (:Place {name: 'Syria'}), (:Place {name: 'Russia'});

MATCH (a:Actor) RETURN a.name AS name UNION MATCH (p:Place) RETURN p.name AS name;

MATCH (a:Actor) RETURN a.name AS name UNION ALL MATCH (p:Place) RETURN p.name AS name;
