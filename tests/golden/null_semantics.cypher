// null: three-valued logic, propagation, absent properties.
RETURN null = null AS eq, null <> null AS ne, null IS NULL AS is_null, null IS NOT NULL AS not_null, 1 + null AS sum, 'a' + null AS concat;

RETURN true AND null AS a, false AND null AS b, true OR null AS c, false OR null AS d, NOT null AS e, null XOR true AS f;

RETURN null IN [1] AS a, [1, null] = [1, null] AS b, [1, null] = [2, null] AS c, size(null) AS d, toUpper(null) AS e, null[0] AS f;

RETURN CASE WHEN null THEN 'yes' ELSE 'no' END AS when_null, CASE null WHEN null THEN 'matched' ELSE 'not matched' END AS null_operand;

UNWIND [null, null, 1] AS x RETURN DISTINCT x ORDER BY x;

UNWIND [null, null] AS x RETURN count(x) AS values, count(*) AS rows, collect(x) AS collected, sum(x) AS sum, max(x) AS max;

CREATE (:P {name: 'a'}), (:P {name: 'b', age: 3});

MATCH (p:P) WHERE p.age > 1 RETURN p.name;

MATCH (p:P) WHERE NOT p.age > 1 RETURN p.name;

MATCH (p:P) WHERE p.age IS NULL RETURN p.name;

MATCH (p:P) RETURN p.name, p.age ORDER BY p.name;

// Setting a property to null removes it.
MATCH (p:P {name: 'b'}) SET p.age = null RETURN keys(p) AS keys;

MATCH (p:P {age: null}) RETURN count(p) AS matched;
