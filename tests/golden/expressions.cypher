// Expressions: arithmetic, strings, lists, maps, CASE, comprehensions,
// quantifiers, functions.
RETURN 1 + 2 * 3 AS a, (1 + 2) * 3 AS b, 7 / 2 AS c, 7 % 3 AS d, 2 ^ 3 AS e, -7 / 2 AS f, -7 % 3 AS g, 7.0 / 2 AS h;

RETURN 1.0 / 0 AS inf, -1.0 / 0 AS neg_inf, 0.0 / 0.0 AS nan, 0.1 + 0.2 AS sum;

RETURN 'Ash' + ' ' + 'Carter' AS name, 'Su-' + 34 AS mixed, 'x' + 1.5 AS float_text, 1 + 'a' AS number_first;

RETURN [1, 2] + [3] AS a, [1, 2] + 3 AS b, 0 + [1] AS c;

RETURN 'Fullback' STARTS WITH 'Full' AS s, 'Fullback' ENDS WITH 'back' AS e, 'Fullback' CONTAINS 'llb' AS c, 'Su-34' =~ 'Su-[0-9]+' AS r, 'Su-34' =~ 'Su' AS partial;

RETURN toUpper('at-tanf') AS up, toLower('ISIL') AS low, trim('  x  ') AS t, ltrim('  x') AS l, rtrim('x  ') AS r;

RETURN substring('Fullback', 4) AS a, substring('Fullback', 0, 4) AS b, replace('U.S.', '.', '') AS c, split('a,b,c', ',') AS d, size('Su-34') AS e, reverse('abc') AS f, left('Syria', 3) AS g, right('Syria', 2) AS h;

RETURN toString(42) AS a, toString(1.5) AS b, toString(true) AS c, toInteger('42') AS d, toInteger(3.9) AS e, toFloat('2.5') AS f, toBoolean('true') AS g, toInteger('x') AS h;

RETURN abs(-3) AS a, sign(-2.5) AS b, round(2.5) AS c, round(2.4) AS d, floor(2.7) AS e, ceil(2.1) AS f, sqrt(16) AS g, round(3.14159, 2) AS h;

RETURN [1, 2, 3][0] AS a, [1, 2, 3][-1] AS b, [1, 2, 3][1..] AS c, [1, 2, 3][..-1] AS d, [1, 2, 3][5] AS e, [1, 2, 3][1..2] AS f;

RETURN range(1, 5) AS a, range(5, 1, -2) AS b, size([1, 2, 3]) AS c, head([1, 2]) AS d, last([1, 2]) AS e, tail([1, 2, 3]) AS f, reverse([1, 2]) AS g, 2 IN [1, 2, 3] AS h;

RETURN {a: 1, b: 'x'}.b AS a, keys({b: 2, a: 1}) AS b, {a: {c: 3}}.a.c AS c, {b: 1, a: [1, 'x']} AS d, {a: 1}['a'] AS e;

RETURN CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END AS simple,
       CASE WHEN 1 > 2 THEN 'yes' END AS no_else,
       CASE WHEN 1 < 2 THEN 'first' WHEN 2 < 3 THEN 'second' END AS first_true;

RETURN [x IN range(1, 6) WHERE x % 2 = 0 | x * 10] AS evens, [x IN [1, 2, 3] | x + 1] AS plus_one, [x IN [1, 2, 3] WHERE x > 1] AS big;

RETURN all(x IN [1, 2] WHERE x > 0) AS all_, any(x IN [1, 2] WHERE x > 1) AS any_, none(x IN [1, 2] WHERE x > 2) AS none_, single(x IN [1, 2] WHERE x > 1) AS single_;

RETURN 1 < 2 < 3 AS chain, 1 < 3 < 2 AS broken, 1 = 1.0 AS int_float, 'a' < 'b' AS text, [1, 2] = [1, 2] AS lists, true XOR false AS exclusive;

RETURN coalesce(null, null, 'x') AS c, 1 IN [null, 1] AS found, 2 IN [null, 1] AS unknown, null IN [] AS empty;

RETURN 2 + 3 * 4 - 1 AS precedence, -2 ^ 2 AS neg_pow, NOT true = false AS not_eq, 1 + 2 < 4 AND 'a' <> 'b' AS logic;

RETURN 9223372036854775807 AS max_int, -9223372036854775808 AS min_int, 1e3 AS exp, .5 AS leading_dot, 0x1F AS hex, 0o17 AS octal;

RETURN 'it\'s' AS escaped, "double \"quoted\"" AS dq, 'tab\there' AS tab, '\u00e9' AS unicode;
