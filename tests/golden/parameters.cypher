// Parameters ($name): values of every type, in patterns, and missing ones.
// A `// params: {JSON}` comment gives the next statement its parameters.

// params: {"i": 1, "f": 1.0, "s": "Russia", "b": true, "n": null, "l": [1, "a"], "m": {"k": "v"}}
RETURN $i AS i, $f AS f, $s AS s, $b AS b, $n AS n, $l AS l, $m AS m;

// params: {"x": {"$float": "NaN"}, "y": {"$float": "-Infinity"}}
RETURN $x AS x, $y AS y;

// params: {"name": "Russia", "kind": "country"}
CREATE (a:Actor {name: $name, kind: $kind}) RETURN a;

// params: {"props": {"name": "Syria", "kind": "country"}}
CREATE (a:Actor $props) RETURN a.name;

// params: {"name": "Russia"}
MATCH (a:Actor {name: $name}) RETURN a.kind;

// params: {"names": ["Syria", "Russia", "Jordan"]}
MATCH (a:Actor) WHERE a.name IN $names RETURN a.name ORDER BY a.name;

// params: {"day": "2016-06-16"}
RETURN date($day) + 2 AS later;

RETURN $missing AS x;

// params: {"other": 1}
MATCH (a:Actor {name: $name}) RETURN a;
