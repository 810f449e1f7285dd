//! The parser's contract: what it accepts, the trees it builds, and the
//! errors (class, detail, position, message) it gives for what it rejects.

use attest::ErrorClass;
use attest::lang::ast::*;
use attest::lang::{MAX_EXPRESSION_DEPTH, MAX_NESTING, parse, parse_expression, parse_script};
use attest::model::{Direction, Value};
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

fn ok(q: &str) -> Statement {
    match parse(q) {
        Ok(s) => s,
        Err(e) => panic!("{q:?} should parse, got {e}"),
    }
}

fn query(q: &str) -> Query {
    match ok(q) {
        Statement::Query(query) => query,
        other => panic!("{q:?} is not a query: {other:?}"),
    }
}

fn clauses(q: &str) -> Vec<ClauseKind> {
    let mut query = query(q);
    assert_eq!(query.parts.len(), 1, "{q:?}");
    query
        .parts
        .remove(0)
        .clauses
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

fn projection(q: &str) -> Projection {
    match clauses(q).pop() {
        Some(ClauseKind::Return(p)) => p,
        other => panic!("{q:?} does not end with RETURN: {other:?}"),
    }
}

/// The expression `e`, as an S-expression.
fn sx(e: &str) -> String {
    match parse_expression(e) {
        Ok(expr) => render(&expr),
        Err(err) => panic!("{e:?} should parse, got {err}"),
    }
}

/// A compact rendering that makes the tree's shape visible in assertions.
fn render(e: &Expr) -> String {
    let opt = |e: &Option<Box<Expr>>| e.as_ref().map_or("_".to_string(), |e| render(e));
    let all = |es: &[Expr]| es.iter().map(render).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::Literal(v) => v.to_string(),
        ExprKind::Parameter(p) => format!("${p}"),
        ExprKind::Variable(v) => v.clone(),
        ExprKind::List(items) => format!("[{}]", all(items)),
        ExprKind::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", k.name, render(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        ExprKind::Property { expr, key } => format!("(. {} {})", render(expr), key.name),
        ExprKind::Index { expr, index } => format!("([] {} {})", render(expr), render(index)),
        ExprKind::Slice { expr, from, to } => {
            format!("([..] {} {} {})", render(expr), opt(from), opt(to))
        }
        ExprKind::HasLabels { expr, labels } => {
            let labels: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
            format!("(: {} {})", render(expr), labels.join(" "))
        }
        ExprKind::Unary { op, expr } => {
            format!("({} {})", format!("{op:?}").to_lowercase(), render(expr))
        }
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", op.symbol(), render(lhs), render(rhs))
        }
        ExprKind::IsNull { expr, negated } => format!(
            "({} {})",
            if *negated { "is-not-null" } else { "is-null" },
            render(expr)
        ),
        ExprKind::FunctionCall { name, distinct, args } => format!(
            "(call {}{} {})",
            name.name,
            if *distinct { " distinct" } else { "" },
            all(args)
        ),
        ExprKind::CountStar => "count(*)".into(),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            let whens: Vec<String> = whens
                .iter()
                .map(|(w, t)| format!("(when {} {})", render(w), render(t)))
                .collect();
            format!("(case {} {} {})", opt(operand), whens.join(" "), opt(else_))
        }
        ExprKind::ListComprehension {
            var,
            list,
            filter,
            map,
        } => format!(
            "(list {} {} {} {})",
            var.name,
            render(list),
            opt(filter),
            opt(map)
        ),
        ExprKind::PatternComprehension { pattern, filter, map } => format!(
            "(pattern-list {} {} {})",
            pattern_shape(pattern),
            opt(filter),
            render(map)
        ),
        ExprKind::Quantifier {
            kind,
            var,
            list,
            predicate,
        } => format!(
            "({} {} {} {})",
            format!("{kind:?}").to_lowercase(),
            var.name,
            render(list),
            render(predicate)
        ),
        ExprKind::Exists(p) => format!("(exists {})", pattern_shape(p)),
        ExprKind::PatternExpr(p) => format!("(pattern {})", pattern_shape(p)),
    }
}

/// A pattern redrawn in Cypher-like syntax, normalised.
fn pattern_shape(p: &Pattern) -> String {
    fn node(n: &NodePattern) -> String {
        let mut s = n.var.as_ref().map_or(String::new(), |v| v.name.clone());
        for l in &n.labels {
            s.push(':');
            s.push_str(&l.name);
        }
        if let Some(props) = &n.properties {
            s.push(' ');
            s.push_str(&render(props));
        }
        format!("({s})")
    }
    let mut s = String::new();
    if let Some(v) = &p.path_var {
        s.push_str(&format!("{} = ", v.name));
    }
    match p.kind {
        PatternKind::Plain => {}
        PatternKind::Shortest => s.push_str("shortest "),
        PatternKind::AllShortest => s.push_str("allShortest "),
    }
    s.push_str(&node(&p.start));
    for (r, n) in &p.steps {
        let mut inner = r.var.as_ref().map_or(String::new(), |v| v.name.clone());
        let types: Vec<&str> = r.types.iter().map(|t| t.name.as_str()).collect();
        if !types.is_empty() {
            inner.push(':');
            inner.push_str(&types.join("|"));
        }
        if let Some(len) = r.length {
            inner.push('*');
            let b = |x: Option<u64>| x.map_or(String::new(), |x| x.to_string());
            inner.push_str(&format!("{}..{}", b(len.min), b(len.max)));
        }
        if let Some(props) = &r.properties {
            inner.push(' ');
            inner.push_str(&render(props));
        }
        let (left, right) = match r.direction {
            Direction::Outgoing => ("-", "->"),
            Direction::Incoming => ("<-", "-"),
            Direction::Both => ("-", "-"),
        };
        s.push_str(&format!("{left}[{inner}]{right}{}", node(n)));
    }
    s
}

fn patterns_of(q: &str) -> Vec<String> {
    match clauses(q).remove(0) {
        ClauseKind::Match { patterns, .. } | ClauseKind::Create { patterns } => {
            patterns.iter().map(pattern_shape).collect()
        }
        ClauseKind::Merge { pattern, .. } => vec![pattern_shape(&pattern)],
        other => panic!("no patterns in {other:?}"),
    }
}

// ---------------------------------------------------------------- valid input

/// Every form the language has, in several spellings. Shapes are asserted
/// for a representative subset below; this table makes sure none of them is
/// rejected.
const VALID: &[&str] = &[
    // MATCH and patterns
    "MATCH (n) RETURN n",
    "MATCH (n:Person) RETURN n",
    "MATCH (n:Person:Actor {name: 'Tom', born: 1956}) RETURN n",
    "MATCH (n $props) RETURN n",
    "MATCH (), (a), (:A) RETURN a",
    "MATCH (a)-[r:KNOWS]->(b) RETURN a, r, b",
    "MATCH (a)<-[r]-(b) RETURN r",
    "MATCH (a)-[r]-(b) RETURN r",
    "MATCH (a)-->(b)<--(c)--(d) RETURN d",
    "MATCH (a)<-->(b) RETURN b",
    "MATCH (a)-[:T|U|:V]->(b) RETURN b",
    "MATCH (a)-[r:T {since: 2020}]->(b) RETURN r",
    "MATCH (a)-[r $p]->(b) RETURN r",
    "MATCH (a)-[*]->(b) RETURN b",
    "MATCH (a)-[*2]->(b) RETURN b",
    "MATCH (a)-[*1..3]->(b) RETURN b",
    "MATCH (a)-[*..3]->(b) RETURN b",
    "MATCH (a)-[*2..]->(b) RETURN b",
    "MATCH (a)-[r:T*1..3 {k: 1}]->(b) RETURN r",
    "MATCH (a)-[* SHORTEST 1..8]-(b) RETURN b",
    "MATCH (a)-[:T* ALL SHORTEST 1..8]-(b) RETURN b",
    "MATCH p = (a)-->(b) RETURN p",
    "MATCH p = shortestPath((a)-[*..8]-(b)) RETURN p",
    "MATCH p = allShortestPaths((a:A)-[:T*]->(b:B)) RETURN p",
    "MATCH (a)-->(b), (b)-->(c) WHERE a <> c RETURN a, c",
    "OPTIONAL MATCH (n) RETURN n",
    "MATCH (a) OPTIONAL MATCH (a)-->(b) WHERE b.x > 1 RETURN a, b",
    // projections
    "RETURN 1",
    "RETURN *",
    "MATCH (n) RETURN *, n.x AS x",
    "MATCH (n) RETURN DISTINCT n.name AS name",
    "MATCH (n) RETURN n ORDER BY n.name",
    "MATCH (n) RETURN n ORDER BY n.name ASC, n.age DESC",
    "MATCH (n) RETURN n ORDER BY n.name ASCENDING, n.age DESCENDING SKIP 1 LIMIT 10",
    "MATCH (n) RETURN n SKIP $s LIMIT $l",
    "MATCH (n) WITH n RETURN n",
    "MATCH (n) WITH n, n.x AS x WHERE x > 1 RETURN n",
    "MATCH (n) WITH DISTINCT n ORDER BY n.x DESC SKIP 1 LIMIT 1 WHERE n.y RETURN n",
    "MATCH (n) WITH * RETURN n",
    "UNWIND [1, 2, 3] AS x RETURN x",
    "UNWIND $list AS x WITH x WHERE x > 1 RETURN x",
    "RETURN 1 AS x UNION RETURN 2 AS x",
    "RETURN 1 AS x UNION ALL RETURN 2 AS x UNION ALL RETURN 3 AS x",
    // updating clauses
    "CREATE (n)",
    "CREATE (n:Person {name: 'Ann'})",
    "CREATE (a)-[:KNOWS {since: 1}]->(b), (b)<-[:LIKES]-(c)",
    "CREATE p = (a)-[:T]->(b) RETURN p",
    "MERGE (n:Person {name: 'Ann'})",
    "MERGE (n:A) ON CREATE SET n.created = 1 ON MATCH SET n.seen = 2",
    "MERGE (a)-[r:T]-(b) ON MATCH SET r.x = 1 ON CREATE SET r.y = 2, r += {z: 3}",
    "MATCH (n) SET n.k = 1",
    "MATCH (n) SET n = {a: 1}, n += {b: 2}, n:A:B, n.c = n.a + 1",
    "MATCH (n) SET (n).k = 1",
    "MATCH (n) REMOVE n.k, n:A:B",
    "MATCH (n) DELETE n",
    "MATCH (n)-[r]->() DELETE r, n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) WITH n LIMIT 1 DELETE n RETURN count(*)",
    // expressions
    "RETURN 1 + 2 * 3 - 4 / 5 % 6 ^ 7",
    "RETURN -1, +1, - 1.5, -.5, 1e10, 1.5E-3, 0x1F, 0o17, 017, 0",
    "RETURN 'single', \"double\", 'it\\'s', \"say \\\"hi\\\"\", '\\n\\t\\\\\\u00e9\\U0001F600'",
    "RETURN true, FALSE, Null, TRUE AND false",
    "RETURN $param, $0, $`odd name`",
    "RETURN [1, 'a', [2], {k: 3}], [], {}",
    "RETURN {a: 1, `b c`: 2, match: 3}",
    "MATCH (n) RETURN n.name, n.`odd key`, n.end, n.return",
    "MATCH (n) RETURN n['name'], [1, 2, 3][0], [1, 2, 3][1..2], [1, 2][..1], [1, 2][1..]",
    "MATCH (n) WHERE n:Person AND n:A:B RETURN n",
    "MATCH (n) WHERE n.name STARTS WITH 'A' OR n.name ENDS WITH 'z' RETURN n",
    "MATCH (n) WHERE n.name CONTAINS 'x' AND n.name =~ 'A.*' RETURN n",
    "MATCH (n) WHERE n.x IN [1, 2] AND n.y IS NULL AND n.z IS NOT NULL RETURN n",
    "MATCH (n) WHERE NOT n.x = 1 XOR n.y <> 2 RETURN n",
    "MATCH (n) WHERE 1 < n.x <= 10 AND n.y >= 2 AND n.y > 1 RETURN n",
    "RETURN count(*), count(n), count(DISTINCT n), sum(n.x), collect(n)",
    "RETURN toUpper('a'), db.labels(), a.b.c(1, 2)",
    "RETURN CASE WHEN 1 = 1 THEN 'a' WHEN 2 = 2 THEN 'b' ELSE 'c' END",
    "RETURN CASE 1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END",
    "RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 2], [x IN [1, 2]], [x IN [1] | x], [x IN [1] WHERE x]",
    "MATCH (a) RETURN [(a)-->(b) | b.name], [p = (a)-[:T]->(b:B) WHERE b.x | p]",
    "MATCH (a) WHERE exists((a)-->()) AND exists(a.name) RETURN a",
    "MATCH (a), (b) WHERE (a)-[:KNOWS]->(b) AND NOT (a)<--(b) RETURN a",
    "RETURN any(x IN [1] WHERE x = 1), all(x IN [] WHERE true), none(x IN [1] WHERE false), single(x IN [1] WHERE x > 0)",
    "RETURN ((1 + 2)) * (3)",
    "RETURN -9223372036854775808, 9223372036854775807, -0x8000000000000000",
    // statements
    "EXPLAIN MATCH (n) RETURN n",
    "PROFILE MATCH (n) RETURN n",
    "EXPLAIN SHOW LABELS",
    "SHOW SCHEMA",
    "SHOW LABELS",
    "SHOW RELATIONSHIP TYPES",
    "SHOW PROPERTY KEYS",
    "RETURN 1;",
    "RETURN 1 ; ",
    "RETURN 1;;",
    // keyword case, spacing, back-quotes, comments
    "match (n) where n.x = 1 return n order by n.x desc skip 1 limit 2",
    "Match (n) Optional Match (n)-->(m) With n, m Return n, m",
    "MATCH(n)RETURN(n)",
    "MATCH (n)\n\tWHERE n.x = 1\r\n RETURN n",
    "MATCH (`my node`:`My Label` {`my key`: 1}) RETURN `my node`",
    "MATCH (`a``b`) RETURN `a``b`",
    "MATCH (`match`) RETURN `match`",
    "MATCH (ascii), (orders), (ends_x), (asc1), (nothing) RETURN ascii",
    "// leading comment\nMATCH (n) // trailing\nRETURN /* inline */ n /* end */",
    "/* a\n multi-line\n comment */ RETURN 1",
    "RETURN 1 // no newline at the end",
    "MATCH (n:Ünïcödé {ключ: 'значение'}) RETURN n.ключ",
];

#[test]
fn accepts_every_valid_form() {
    for q in VALID {
        if let Err(e) = parse(q) {
            panic!("{q:?} should parse, got {e}");
        }
    }
}

// ---------------------------------------------------------------- expressions

#[test]
fn operator_precedence() {
    let cases = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("NOT a = b", "(not (= a b))"),
        ("NOT a AND b", "(AND (not a) b)"),
        ("a OR b AND c", "(OR a (AND b c))"),
        ("a AND b OR c", "(OR (AND a b) c)"),
        ("a XOR b OR c AND d", "(OR (XOR a b) (AND c d))"),
        ("-2 ^ 2", "(^ -2 2)"),
        ("-x ^ 2", "(^ (neg x) 2)"),
        ("2 ^ 3 ^ 2", "(^ (^ 2 3) 2)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b * c % d", "(% (* (/ a b) c) d)"),
        ("1 + 2 IN [3]", "(IN (+ 1 2) [3])"),
        ("a + b IS NULL", "(is-null (+ a b))"),
        (
            "n.k IS NOT NULL AND x IN [1]",
            "(AND (is-not-null (. n k)) (IN x [1]))",
        ),
        ("a = b IS NULL", "(= a (is-null b))"),
        ("-n.x", "(neg (. n x))"),
        ("+n.x", "(plus (. n x))"),
        ("n.a.b", "(. (. n a) b)"),
        ("n:A:B AND n.x", "(AND (: n A B) (. n x))"),
        ("x[1][2]", "([] ([] x 1) 2)"),
        ("x[1..2]", "([..] x 1 2)"),
        ("x[..2]", "([..] x _ 2)"),
        ("x[1..]", "([..] x 1 _)"),
        ("x[0].k", "(. ([] x 0) k)"),
        (
            "s STARTS WITH 'a' OR s ENDS WITH 'b' AND s CONTAINS 'c'",
            "(OR (STARTS WITH s 'a') (AND (ENDS WITH s 'b') (CONTAINS s 'c')))",
        ),
        ("s =~ 'a.*' = true", "(= (=~ s 'a.*') true)"),
        ("a <> b", "(<> a b)"),
        ("NOT NOT a", "(not (not a))"),
        ("- - 1", "1"),
        ("1 - -1", "(- 1 -1)"),
    ];
    for (input, expected) in cases {
        assert_eq!(sx(input), expected, "{input}");
    }
}

#[test]
fn comparison_chains_become_conjunctions() {
    assert_eq!(sx("a < b < c"), "(AND (< a b) (< b c))");
    assert_eq!(sx("a = b <> c >= d"), "(AND (AND (= a b) (<> b c)) (>= c d))");
    assert_eq!(sx("1 < x + 1 <= 10"), "(AND (< 1 (+ x 1)) (<= (+ x 1) 10))");
    // Parentheses end a chain.
    assert_eq!(sx("(a < b) < c"), "(< (< a b) c)");
    // A chain inside NOT is still one chain.
    assert_eq!(sx("NOT a < b < c"), "(not (AND (< a b) (< b c)))");
    // AND between chains is an ordinary AND.
    assert_eq!(sx("a < b AND b < c"), "(AND (< a b) (< b c))");
}

#[test]
fn literals() {
    let cases = [
        ("1", Value::Int(1)),
        ("-1", Value::Int(-1)),
        ("0x1F", Value::Int(31)),
        ("0X1f", Value::Int(31)),
        ("0o17", Value::Int(15)),
        ("017", Value::Int(15)),
        ("0", Value::Int(0)),
        ("9223372036854775807", Value::Int(i64::MAX)),
        ("-9223372036854775808", Value::Int(i64::MIN)),
        ("-0x8000000000000000", Value::Int(i64::MIN)),
        ("1.5", Value::Float(1.5)),
        (".5", Value::Float(0.5)),
        ("1e10", Value::Float(1e10)),
        ("1.5E-3", Value::Float(1.5e-3)),
        ("-2.5", Value::Float(-2.5)),
        ("'it\\'s'", Value::from("it's")),
        ("\"a\\\"b\"", Value::from("a\"b")),
        ("'\\n\\t\\r\\b\\f\\\\'", Value::from("\n\t\r\u{8}\u{c}\\")),
        ("'\\u00e9\\U0001F600'", Value::from("é😀")),
        ("'don''t'", Value::Null), // placeholder, replaced below
        ("true", Value::Bool(true)),
        ("False", Value::Bool(false)),
        ("NULL", Value::Null),
    ];
    for (input, expected) in cases {
        if input == "'don''t'" {
            // Two adjacent strings are not one string: a syntax error.
            assert!(parse_expression(input).is_err());
            continue;
        }
        let e = parse_expression(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(e.kind, ExprKind::Literal(expected), "{input}");
    }
    let p = parse_expression("$name").unwrap();
    assert_eq!(p.kind, ExprKind::Parameter("name".into()));
    let p = parse_expression("$0").unwrap();
    assert_eq!(p.kind, ExprKind::Parameter("0".into()));
    let p = parse_expression("$`a b`").unwrap();
    assert_eq!(p.kind, ExprKind::Parameter("a b".into()));
}

#[test]
fn compound_expressions() {
    let cases = [
        ("[1, 'a', null]", "[1 'a' null]"),
        ("{a: 1, `b c`: [2]}", "{a: 1, b c: [2]}"),
        ("count(*)", "count(*)"),
        ("count(DISTINCT n.x)", "(call count distinct (. n x))"),
        ("toUpper('a')", "(call toUpper 'a')"),
        ("a.b.c(1, 2)", "(call a.b.c 1 2)"),
        ("db.`odd fn`()", "(call db.odd fn )"),
        (
            "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END",
            "(case _ (when a 1) (when b 2) 3)",
        ),
        ("CASE x WHEN 1 THEN 'one' END", "(case x (when 1 'one') _)"),
        ("[x IN list WHERE x > 1 | x * 2]", "(list x list (> x 1) (* x 2))"),
        ("[x IN list]", "(list x list _ _)"),
        ("[x IN [1, 2], 3]", "[(IN x [1 2]) 3]"),
        (
            "[p = (a)-[:T]->(b) WHERE b.x | p]",
            "(pattern-list p = (a)-[:T]->(b) (. b x) p)",
        ),
        ("[(a)-->(b) | b]", "(pattern-list (a)-[]->(b) _ b)"),
        ("any(x IN l WHERE x = 1)", "(any x l (= x 1))"),
        ("all(x IN l WHERE x)", "(all x l x)"),
        ("none(x IN l WHERE x)", "(none x l x)"),
        ("single(x IN l WHERE x)", "(single x l x)"),
        ("exists((a)-[:T]->(:B))", "(exists (a)-[:T]->(:B))"),
        ("exists(n.name)", "(call exists (. n name))"),
        ("(a)<-[:T]-(b)", "(pattern (a)<-[:T]-(b))"),
        ("NOT (a)-->()", "(not (pattern (a)-[]->()))"),
        ("(a)", "a"),
        ("(a) - (b)", "(- a b)"),
        ("count", "count"),
        ("[x IN somewhere]", "(list x somewhere _ _)"),
        ("[x IN 'a,b]' WHERE x]", "(list x 'a,b]' x _)"),
        ("[x IN f(1, 2) | x]", "(list x (call f 1 2) _ x)"),
        ("[x IN [y IN l WHERE y] | x]", "(list x (list y l y _) _ x)"),
        ("[x IN l, y IN m]", "[(IN x l) (IN y m)]"),
        ("[(a)-->(b), 1]", "[(pattern (a)-[]->(b)) 1]"),
        ("all(x IN f(1, 2) WHERE x)", "(all x (call f 1 2) x)"),
        ("all(x)", "(call all x)"),
        ("any(x IN l)", "(call any (IN x l))"),
        (
            "exists((a)-->() OR true)",
            "(call exists (OR (pattern (a)-[]->()) true))",
        ),
        ("`weird name`", "weird name"),
        ("`a``b`", "a`b"),
    ];
    for (input, expected) in cases {
        assert_eq!(sx(input), expected, "{input}");
    }
}

// ---------------------------------------------------------------- clauses and patterns

#[test]
fn patterns() {
    assert_eq!(
        patterns_of("MATCH (a:A:B {k: 1})-[r:T|U *1..3 {w: 2}]->(b), (c)<-[*2]-(d)-[*]-(e) RETURN a"),
        [
            "(a:A:B {k: 1})-[r:T|U*1..3 {w: 2}]->(b)",
            "(c)<-[*2..2]-(d)-[*..]-(e)",
        ]
    );
    assert_eq!(
        patterns_of("MATCH (a)-->(b)<--(c)--(d)<-->(e) RETURN a"),
        ["(a)-[]->(b)<-[]-(c)-[]-(d)-[]-(e)"]
    );
    assert_eq!(
        patterns_of("MATCH (a)-[*..3]->(b)-[*2..]->(c) RETURN a"),
        ["(a)-[*..3]->(b)-[*2..]->(c)"]
    );
    assert_eq!(
        patterns_of("MATCH p = shortestPath((a)-[*..8]-(b)) RETURN p"),
        ["p = shortest (a)-[*..8]-(b)"]
    );
    assert_eq!(
        patterns_of("MATCH p = allShortestPaths((a)-[:T*]->(b)) RETURN p"),
        ["p = allShortest (a)-[:T*..]->(b)"]
    );
    assert_eq!(
        patterns_of("MATCH (a)-[* SHORTEST 1..8]-(b) RETURN a"),
        ["shortest (a)-[*1..8]-(b)"]
    );
    assert_eq!(
        patterns_of("MATCH (a)-[:T* ALL SHORTEST 1..8]-(b) RETURN a"),
        ["allShortest (a)-[:T*1..8]-(b)"]
    );
    assert_eq!(patterns_of("MATCH (n $props) RETURN n"), ["(n $props)"]);
}

#[test]
fn clause_shapes() {
    let cs = clauses(
        "OPTIONAL MATCH (n:Person) WHERE n.age > 30 \
         WITH n, n.name AS name ORDER BY name DESC SKIP 1 LIMIT 5 WHERE name <> 'x' \
         UNWIND [1, 2] AS i \
         RETURN DISTINCT name, i",
    );
    let ClauseKind::Match {
        optional: true,
        patterns,
        where_: Some(w),
    } = &cs[0]
    else {
        panic!("{:?}", cs[0])
    };
    assert_eq!(patterns.len(), 1);
    assert_eq!(render(w), "(> (. n age) 30)");
    let ClauseKind::With(with) = &cs[1] else {
        panic!("{:?}", cs[1])
    };
    assert_eq!(with.items.len(), 2);
    assert_eq!(with.items[1].name(), "name");
    assert!(with.order_by[0].descending);
    assert_eq!(with.skip.as_ref().map(render).as_deref(), Some("1"));
    assert_eq!(with.limit.as_ref().map(render).as_deref(), Some("5"));
    assert_eq!(with.where_.as_ref().map(render).as_deref(), Some("(<> name 'x')"));
    let ClauseKind::Unwind { expr, var } = &cs[2] else {
        panic!("{:?}", cs[2])
    };
    assert_eq!((render(expr).as_str(), var.name.as_str()), ("[1 2]", "i"));
    let ClauseKind::Return(ret) = &cs[3] else {
        panic!("{:?}", cs[3])
    };
    assert!(ret.distinct && !ret.star && ret.where_.is_none());

    let cs = clauses(
        "MERGE (n:A {k: 1}) ON CREATE SET n.c = 1 ON MATCH SET n += {m: 2} \
         ON CREATE SET n:B SET n = {}, (n).x = 3 REMOVE n.k, n:A:B DETACH DELETE n",
    );
    let ClauseKind::Merge {
        on_create, on_match, ..
    } = &cs[0]
    else {
        panic!("{:?}", cs[0])
    };
    assert!(
        matches!(&on_create[..], [SetItem::Property { key, .. }, SetItem::Labels { labels, .. }]
        if key.name == "c" && labels[0].name == "B")
    );
    assert!(matches!(&on_match[..], [SetItem::Merge { var, .. }] if var.name == "n"));
    let ClauseKind::Set { items } = &cs[1] else {
        panic!("{:?}", cs[1])
    };
    assert!(matches!(&items[0], SetItem::Replace { var, .. } if var.name == "n"));
    assert!(matches!(&items[1], SetItem::Property { target, key, value }
            if render(target) == "n" && key.name == "x" && render(value) == "3"));
    let ClauseKind::Remove { items } = &cs[2] else {
        panic!("{:?}", cs[2])
    };
    assert!(matches!(&items[0], RemoveItem::Property { key, .. } if key.name == "k"));
    assert!(matches!(&items[1], RemoveItem::Labels { labels, .. } if labels.len() == 2));
    assert!(matches!(&cs[3], ClauseKind::Delete { detach: true, exprs } if exprs.len() == 1));
}

#[test]
fn statements_and_unions() {
    assert!(
        matches!(ok("EXPLAIN MATCH (n) RETURN n"), Statement::Explain(s) if matches!(*s, Statement::Query(_)))
    );
    assert!(matches!(ok("profile RETURN 1"), Statement::Profile(_)));
    assert_eq!(ok("SHOW SCHEMA"), Statement::Show(ShowKind::Schema));
    assert_eq!(ok("show labels;"), Statement::Show(ShowKind::Labels));
    assert_eq!(
        ok("SHOW RELATIONSHIP TYPES"),
        Statement::Show(ShowKind::RelationshipTypes)
    );
    assert_eq!(ok("Show Property Keys"), Statement::Show(ShowKind::PropertyKeys));
    let q = query("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION ALL RETURN 3 AS x");
    assert_eq!((q.parts.len(), q.union_all), (3, vec![true, true]));
    let q = query("RETURN 1 AS x UNION RETURN 2 AS x");
    assert_eq!(q.union_all, [false]);
}

#[test]
fn column_names_are_the_text_as_written() {
    let p = projection("MATCH (n) RETURN n.name, count(*), n.x  +  1 // why\n, n.y AS y, toUpper( n.z )");
    let names: Vec<&str> = p.items.iter().map(ProjectionItem::name).collect();
    assert_eq!(names, ["n.name", "count(*)", "n.x  +  1", "y", "toUpper( n.z )"]);
    assert!(projection("RETURN *").star);
}

#[test]
fn spans_locate_names_and_clauses() {
    let text = "MATCH (person:Person)\nWHERE person.age > 30\nRETURN frobnicate(person.name) AS n";
    let q = query(text);
    let clauses = &q.parts[0].clauses;
    let at = |span: Span| {
        let p = span.position(text);
        (p.line, p.column, span.slice(text).to_string())
    };
    assert_eq!(
        at(clauses[0].span),
        (1, 1, "MATCH (person:Person)\nWHERE person.age > 30".into())
    );
    assert_eq!(at(clauses[1].span).0, 3);
    let ClauseKind::Match { patterns, where_, .. } = &clauses[0].kind else {
        panic!()
    };
    let node = &patterns[0].start;
    assert_eq!(at(node.var.as_ref().unwrap().span), (1, 8, "person".into()));
    assert_eq!(at(node.labels[0].span), (1, 15, "Person".into()));
    let ExprKind::Binary { lhs, .. } = &where_.as_ref().unwrap().kind else {
        panic!()
    };
    let ExprKind::Property { expr, key } = &lhs.kind else {
        panic!()
    };
    assert_eq!(at(expr.span), (2, 7, "person".into()));
    assert_eq!(at(key.span), (2, 14, "age".into()));
    let ClauseKind::Return(ret) = &clauses[1].kind else {
        panic!()
    };
    let ExprKind::FunctionCall { name, .. } = &ret.items[0].expr.kind else {
        panic!()
    };
    assert_eq!(at(name.span), (3, 8, "frobnicate".into()));
    assert_eq!(
        at(ret.items[0].expr.span),
        (3, 8, "frobnicate(person.name)".into())
    );
    assert_eq!(at(ret.items[0].alias.as_ref().unwrap().span), (3, 35, "n".into()));
}

#[test]
fn walk_visits_every_subexpression() {
    let e = parse_expression("f(a, [b, {k: c}], CASE d WHEN e THEN g END) + h[i..j]").unwrap();
    let mut vars = Vec::new();
    e.walk(&mut |x| {
        if let ExprKind::Variable(v) = &x.kind {
            vars.push(v.clone());
        }
    });
    assert_eq!(vars, ["a", "b", "c", "d", "e", "g", "h", "i", "j"]);
}

// ---------------------------------------------------------------- scripts

#[test]
fn scripts_split_on_semicolons_and_keep_spans() {
    let text = "// setup\nCREATE (:A {v: ';'});\n\n;  /* nothing */ ;\nMATCH (a:A)\nRETURN a.v; // done\n";
    let statements = parse_script(text).unwrap();
    assert_eq!(statements.len(), 2);
    let (first, span) = &statements[0];
    assert!(matches!(first, Statement::Query(_)));
    assert_eq!(span.slice(text), "CREATE (:A {v: ';'})");
    assert_eq!((span.position(text).line, span.position(text).column), (2, 1));
    let (second, span) = &statements[1];
    assert_eq!(span.slice(text), "MATCH (a:A)\nRETURN a.v");
    assert_eq!(span.position(text).line, 5);
    // Spans inside a later statement are offsets into the whole script.
    let Statement::Query(q) = second else { panic!() };
    let ClauseKind::Return(ret) = &q.parts[0].clauses[1].kind else {
        panic!()
    };
    let p = ret.items[0].expr.span.position(text);
    assert_eq!((p.line, p.column), (6, 8));
    assert_eq!(ret.items[0].text, "a.v");

    assert_eq!(parse_script("").unwrap().len(), 0);
    assert_eq!(parse_script(" ;; // x\n /* y */ ;").unwrap().len(), 0);
}

#[test]
fn script_errors_point_into_the_script() {
    let text = "RETURN 1;\nRETURN 2;\nMATCH (n\nRETURN n;";
    let e = parse_script(text).unwrap_err();
    assert_eq!(e.class, ErrorClass::SyntaxError);
    let p = e.position.unwrap();
    assert_eq!((p.line, p.column), (4, 1), "{e}");
    assert!(e.message.contains("expected `)`"), "{e}");
    assert!(e.in_file("q.cypher").to_string().ends_with("(at q.cypher:4:1)"));
}

// ---------------------------------------------------------------- invalid input

/// (input, line, column, detail, words the message must contain)
const INVALID: &[(&str, u32, u32, &str, &str)] = &[
    ("", 1, 1, "UnexpectedSyntax", "the query is empty"),
    ("  \n  ", 2, 3, "UnexpectedSyntax", "the query is empty"),
    (
        "// just a comment",
        1,
        18,
        "UnexpectedSyntax",
        "the query is empty",
    ),
    (";", 1, 2, "UnexpectedSyntax", "the query is empty"),
    (
        "MATCH (n RETURN n",
        1,
        10,
        "UnexpectedSyntax",
        "expected `)`, a parameter (`$name`), `:` or `{` after `n`, found `RETURN`",
    ),
    (
        "MATCH (n) WHERE RETURN n",
        1,
        17,
        "UnexpectedSyntax",
        "expected an expression after `WHERE`, found `RETURN`",
    ),
    (
        "MATCH (n) RETURN n garbage",
        1,
        20,
        "UnexpectedSyntax",
        "or end of input after `n`, found `garbage`",
    ),
    (
        "RETURN 1)",
        1,
        9,
        "UnexpectedSyntax",
        "found `)` (this `)` has no `(` to close)",
    ),
    (
        "MATCH (n) SET n.k += 1",
        1,
        19,
        "UnexpectedSyntax",
        "expected `.` or `=` after `k`, found `+=`",
    ),
    (
        "MATCH (n) xyz",
        1,
        11,
        "UnexpectedSyntax",
        "a clause (MATCH, CREATE, RETURN, ...)",
    ),
    (
        "RETURN count(n,",
        1,
        16,
        "UnexpectedSyntax",
        "expected an expression after `,`, found end of input",
    ),
    (
        "MATCH (n)\nRETURN n,\n",
        3,
        1,
        "UnexpectedSyntax",
        "expected an expression after `,`, found end of input",
    ),
    (
        "MATCH (n)\nWHERE n.x = 1\nRETURN n.x +\n",
        4,
        1,
        "UnexpectedSyntax",
        "expected an expression after `+`",
    ),
    ("RETURN [1, 2", 1, 13, "UnexpectedSyntax", "expected `]`"),
    ("RETURN {a: 1", 1, 13, "UnexpectedSyntax", "expected `}`"),
    (
        "RETURN [, ]",
        1,
        9,
        "UnexpectedSyntax",
        "expected `]` or an expression after `[`, found `,`",
    ),
    ("RETURN CASE WHEN true THEN 1", 1, 29, "UnexpectedSyntax", "`END`"),
    (
        "MATCH (n) WHERE n.name STARTS 'x' RETURN n",
        1,
        31,
        "UnexpectedSyntax",
        "expected `WITH` after `STARTS`",
    ),
    (
        "MATCH (n) RETURN n ORDER n",
        1,
        26,
        "UnexpectedSyntax",
        "expected `BY` after `ORDER`",
    ),
    (
        "MATCH (n) RETURN n SKIP",
        1,
        24,
        "UnexpectedSyntax",
        "expected an expression after `SKIP`, found end of input",
    ),
    (
        "UNWIND [1] x RETURN x",
        1,
        12,
        "UnexpectedSyntax",
        "expected `AS`",
    ),
    (
        "MATCH (n:) RETURN n",
        1,
        10,
        "UnexpectedSyntax",
        "a label name after `:`",
    ),
    (
        "MATCH (a)-[r:KNOWS->(b) RETURN a",
        1,
        19,
        "UnexpectedSyntax",
        "expected `]`",
    ),
    (
        "MERGE (n) ON FOO SET n.x = 1",
        1,
        14,
        "UnexpectedSyntax",
        "expected `CREATE` or `MATCH` after `ON`, found `FOO`",
    ),
    (
        "RETURN 1 AS return",
        1,
        13,
        "UnexpectedSyntax",
        "a variable name after `AS`, found `return`",
    ),
    (
        "MATCH (n) RETRUN n",
        1,
        11,
        "UnexpectedSyntax",
        "(did you mean `RETURN`?)",
    ),
    ("RETRUN 1", 1, 1, "UnexpectedSyntax", "expected a statement"),
    ("EXPLAIN", 1, 8, "UnexpectedSyntax", "found end of input"),
    (
        "RETURN 1; RETURN 2",
        1,
        11,
        "UnexpectedSyntax",
        "only one statement is allowed here",
    ),
    (
        "RETURN 1 +* 2",
        1,
        11,
        "UnexpectedSyntax",
        "expected an expression after `+`, found `*`",
    ),
    ("RETURN 'abc", 1, 8, "UnexpectedSyntax", "unterminated string"),
    (
        "RETURN \"abc\nMATCH (n)",
        1,
        8,
        "UnexpectedSyntax",
        "unterminated string",
    ),
    (
        "RETURN 1 /* never closed",
        1,
        10,
        "UnexpectedSyntax",
        "unterminated comment",
    ),
    (
        "MATCH (`unclosed) RETURN 1",
        1,
        8,
        "UnexpectedSyntax",
        "unterminated name",
    ),
    ("RETURN ``", 1, 8, "UnexpectedSyntax", "cannot be empty"),
    (
        "RETURN 'a\\qb'",
        1,
        10,
        "UnexpectedSyntax",
        "invalid escape `\\q`",
    ),
    (
        "RETURN 'ok',\n  'bad \\x'",
        2,
        8,
        "UnexpectedSyntax",
        "invalid escape `\\x`",
    ),
    (
        "RETURN '\\u12'",
        1,
        9,
        "InvalidUnicodeLiteral",
        "`\\u` must be followed by 4 hexadecimal digits",
    ),
    (
        "RETURN '\\uD800'",
        1,
        9,
        "InvalidUnicodeLiteral",
        "invalid unicode escape",
    ),
    (
        "RETURN 9223372036854775808",
        1,
        8,
        "IntegerOverflow",
        "does not fit in 64 bits",
    ),
    (
        "RETURN -9223372036854775809",
        1,
        9,
        "IntegerOverflow",
        "`9223372036854775809`",
    ),
    (
        "RETURN 9223372036854775808 + 1",
        1,
        8,
        "IntegerOverflow",
        "does not fit",
    ),
    (
        "RETURN 0x8000000000000000",
        1,
        8,
        "IntegerOverflow",
        "does not fit",
    ),
    (
        "RETURN -0x8000000000000001",
        1,
        9,
        "IntegerOverflow",
        "does not fit",
    ),
    (
        "RETURN 01000000000000000000000",
        1,
        8,
        "IntegerOverflow",
        "does not fit",
    ),
    (
        "RETURN 99999999999999999999999999",
        1,
        8,
        "IntegerOverflow",
        "does not fit",
    ),
    (
        "MATCH (a)-[*99999999999999999999]->(b) RETURN a",
        1,
        13,
        "IntegerOverflow",
        "too large",
    ),
    (
        "RETURN 9223372h54775808",
        1,
        8,
        "InvalidNumberLiteral",
        "invalid number `9223372h54775808`",
    ),
    (
        "RETURN 9223372#54775808",
        1,
        8,
        "InvalidNumberLiteral",
        "invalid number `9223372#54775808`",
    ),
    ("RETURN 0x", 1, 8, "InvalidNumberLiteral", "invalid number `0x`"),
    (
        "RETURN 0x1A2b3j4D5E6f7",
        1,
        8,
        "InvalidNumberLiteral",
        "invalid number",
    ),
    ("RETURN 09", 1, 8, "InvalidNumberLiteral", "invalid number `09`"),
    ("RETURN 1e", 1, 8, "InvalidNumberLiteral", "invalid number `1e`"),
    ("RETURN 1e400", 1, 8, "FloatingPointOverflow", "too large"),
    ("RETURN 1 != 2", 1, 10, "UnexpectedSyntax", "write `<>`"),
    (
        "CREATE (a)-[:T]-(b)",
        1,
        11,
        "RequiresDirectedRelationship",
        "needs a direction",
    ),
    (
        "CREATE (a)-[:T|U]->(b)",
        1,
        11,
        "NoSingleRelationshipType",
        "exactly one type",
    ),
    (
        "CREATE (a)-->(b)",
        1,
        11,
        "NoSingleRelationshipType",
        "exactly one type",
    ),
    (
        "MERGE (a)-[:T*2]->(b)",
        1,
        10,
        "CreatingVarLength",
        "variable-length",
    ),
    (
        "CREATE p = shortestPath((a)-[:T]->(b))",
        1,
        8,
        "UnexpectedSyntax",
        "shortest-path",
    ),
    (
        "MATCH p = shortestPath((a)-->(b)-->(c)) RETURN p",
        1,
        7,
        "UnexpectedSyntax",
        "exactly one relationship, this one has 2",
    ),
    (
        "MATCH (n) WITH n.x RETURN 1",
        1,
        16,
        "NoExpressionAlias",
        "`n.x` in WITH must be given a name",
    ),
    ("WITH count(*) RETURN 1", 1, 6, "NoExpressionAlias", "`count(*)`"),
    (
        "RETURN 1.5.3",
        1,
        12,
        "UnexpectedSyntax",
        "expected a property name after `.`, found `3`",
    ),
    (
        "RETURN 1 AS a, 2 AS a",
        1,
        21,
        "ColumnNameConflict",
        "`a` is used twice",
    ),
    (
        "MATCH (n) RETURN n.x, n.x",
        1,
        23,
        "ColumnNameConflict",
        "`n.x` is used twice",
    ),
    (
        "RETURN 1 AS x UNION RETURN 2 AS x UNION ALL RETURN 3 AS x",
        1,
        35,
        "InvalidClauseComposition",
        "cannot be mixed",
    ),
    (
        "RETURN 1 MATCH (n) RETURN n",
        1,
        10,
        "InvalidClauseComposition",
        "MATCH cannot follow RETURN",
    ),
    (
        "MATCH (n)",
        1,
        1,
        "InvalidClauseComposition",
        "cannot end with MATCH",
    ),
    (
        "MATCH (n)\nWITH n",
        2,
        1,
        "InvalidClauseComposition",
        "cannot end with WITH",
    ),
    (
        "CREATE (n) UNION RETURN 1 AS x",
        1,
        1,
        "InvalidClauseComposition",
        "must end with RETURN",
    ),
];

#[test]
fn rejects_invalid_input_with_position_and_message() {
    assert!(INVALID.len() >= 30);
    for &(input, line, column, detail, words) in INVALID {
        let e = match parse(input) {
            Ok(s) => panic!("{input:?} should fail, parsed as {s:?}"),
            Err(e) => e,
        };
        let shown = e.to_string();
        assert_eq!(e.class, ErrorClass::SyntaxError, "{input:?}: {shown}");
        assert_eq!(e.detail.as_deref(), Some(detail), "{input:?}: {shown}");
        let p = e
            .position
            .unwrap_or_else(|| panic!("{input:?} has no position: {shown}"));
        assert_eq!((p.line, p.column), (line, column), "{input:?}: {shown}");
        assert!(e.message.contains(words), "{input:?}: {shown}");
        // Messages speak the user's language, not the grammar's: no pest
        // words and no rule names (`snake_case` words the user did not type).
        for word in e.message.split(|c: char| c.is_whitespace() || ",`()".contains(c)) {
            let rule_like = word.len() > 2
                && word.contains('_')
                && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !input.contains(word);
            assert!(
                !rule_like && !["EOI", "SOI", "Rule", "pest"].contains(&word),
                "{input:?} leaks {word:?}: {shown}"
            );
        }
    }
}

// ---------------------------------------------------------------- limits

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = 10_000;
    let inputs = [
        format!("RETURN {}1{}", "(".repeat(deep), ")".repeat(deep)),
        format!("RETURN {}1{}", "[".repeat(deep), "]".repeat(deep)),
        format!("RETURN {}", "{a: ".repeat(deep)),
        format!("RETURN {}1", "CASE WHEN true THEN ".repeat(deep)),
        format!("RETURN {}1", "(".repeat(deep)),
        format!("MATCH (n) RETURN {}n", "NOT ".repeat(deep)),
        format!("RETURN {}1", "- ".repeat(deep)),
        format!("RETURN {}1", "-".repeat(deep)),
        format!("RETURN {}", "f(".repeat(deep)),
        format!("RETURN x{}", "[0".repeat(deep)),
        // Not nested, but as deep once folded: a left-deep tree.
        format!("RETURN {}", vec!["1"; deep].join(" + ")),
        format!("RETURN x{}", "[0]".repeat(deep)),
        format!("RETURN n{}", ".k".repeat(deep)),
    ];
    for input in &inputs {
        let e = parse(input).expect_err("deep nesting must be rejected");
        assert_eq!(e.class, ErrorClass::SyntaxError);
        assert_eq!(e.detail.as_deref(), Some("NestingTooDeep"), "{e}");
    }
    // The limit points at the first bracket beyond it.
    let e = parse(&inputs[0]).unwrap_err();
    assert_eq!(e.position.map(|p| p.column), Some(8 + MAX_NESTING as u32));
}

#[test]
fn nesting_up_to_the_limit_parses() {
    // The deepest accepted nesting, in the 2 MiB stack of a test thread in
    // a debug build: the limit leaves the recursive parser ample room.
    let n = MAX_NESTING;
    let parens = format!("RETURN {}1{}", "(".repeat(n - 1), ")".repeat(n - 1));
    assert!(parse(&parens).is_ok());
    let lists = format!("RETURN {}1{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&lists).is_ok());
    let mixed: String = (0..n / 4).map(|_| "[x IN {a: (f(").collect();
    let closing: String = (0..n / 4).map(|_| "))}]").collect();
    let q = format!("RETURN {mixed}1{closing}");
    match parse(&q) {
        Ok(_) => {}
        // `[x IN {..}]` is a valid comprehension shape; if not, the error
        // must still be a syntax error, not a crash.
        Err(e) => assert_eq!(e.class, ErrorClass::SyntaxError),
    }
    let nots = format!("MATCH (n) RETURN {}n", "NOT ".repeat(MAX_NESTING));
    assert!(parse(&nots).is_ok());
}

#[test]
fn ambiguous_nested_forms_parse_in_linear_time() {
    // Each of these is decided without backtracking over its contents;
    // when it was not, 20 levels took seconds and 40 ran out the call
    // budget.
    let depth = 40;
    let forms = [
        ("[x IN [", "], 1]"),
        ("[x IN [", "] WHERE x]"),
        ("[(a {k: ", "})-->(), 1]"),
        ("[(a {k: ", "})-->() | 1]"),
        ("exists((a {k: ", "})-->() OR true)"),
        ("any(x IN f(", ") WHERE true)"),
    ];
    for (open, close) in forms {
        let q = format!("RETURN {}1{}", open.repeat(depth), close.repeat(depth));
        if let Err(e) = parse(&q) {
            panic!("{open}...{close}: {e}");
        }
        // Broken at the innermost level: an ordinary syntax error.
        let q = format!("RETURN {}1 +{}", open.repeat(depth), close.repeat(depth));
        let e = parse(&q).unwrap_err();
        assert_eq!(
            e.detail.as_deref(),
            Some("UnexpectedSyntax"),
            "{open}...{close}: {e}"
        );
    }
}

/// The call budget, end to end. Slow by nature (it spends tens of millions
/// of parser steps), so it is ignored by default; run it with
/// `cargo test --release --test parser -- --ignored`.
#[test]
#[ignore = "slow: spends the whole call budget"]
fn the_call_budget_stops_oversized_statements() {
    let huge = format!("RETURN [{}]", vec!["1"; 1_000_000].join(", "));
    let e = parse(&huge).unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("QueryTooComplex"), "{e}");
    // The budget is per statement: the same items split up are fine.
    let script = format!("RETURN [{}];\n", vec!["1"; 100_000].join(", ")).repeat(10);
    assert_eq!(parse_script(&script).unwrap().len(), 10);
}

#[test]
fn long_flat_inputs_parse() {
    // Length alone is not nesting: long lists and chains are fine.
    let list = format!("RETURN [{}]", vec!["1"; 20_000].join(", "));
    assert!(parse(&list).is_ok());
    let sum = format!("RETURN {}", vec!["1"; MAX_EXPRESSION_DEPTH - 100].join(" + "));
    assert!(parse(&sum).is_ok());
    let ors = format!("MATCH (x) WHERE {} RETURN x", vec!["x = 1"; 400].join(" OR "));
    assert!(parse(&ors).is_ok());
    let chain = format!("MATCH (a){} RETURN a", "-[:T]->()".repeat(2_000));
    assert!(parse(&chain).is_ok());
    let script = "CREATE (:A {v: 1});\n".repeat(2_000);
    assert_eq!(parse_script(&script).unwrap().len(), 2_000);
}

// ---------------------------------------------------------------- robustness

/// Valid queries to mutate.
const SEEDS: &[&str] = &[
    "MATCH (a:A {k: 1})-[r:T*1..3]->(b) WHERE a.x > 1 AND b.y IN [1, 2] RETURN a.x AS x, count(*) ORDER BY x DESC LIMIT 3",
    "MERGE (n:A {k: $k}) ON CREATE SET n.c = 1 ON MATCH SET n += {m: 'x'} RETURN n",
    "MATCH p = shortestPath((a)-[*..8]-(b)) RETURN [x IN nodes(p) WHERE x:L | x.name]",
    "RETURN CASE WHEN 1 < 2 < 3 THEN 'a\\n' ELSE \"b\" END, -0x1F, 1.5e3, [1,2][0..1]",
    "UNWIND $xs AS x WITH x WHERE x IS NOT NULL RETURN any(y IN [x] WHERE y = 1) UNION RETURN 1",
    "// c\nEXPLAIN MATCH (`a b`)<-[:`T`]-() /* c */ DETACH DELETE `a b`",
];

/// An edit of a seed query: delete, insert or replace at a position.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop::sample::select(vec![
        '(', ')', '[', ']', '{', '}', '\'', '"', '`', '\\', '$', '.', ':', ',', ';', '-', '>', '<', '*', '/',
        '|', '=', ' ', '\n', '0', '9', 'x', 'é', '\u{0}', '😀',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), interesting.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), interesting).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<usize>(), 1usize..12).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match *e {
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % chars.len());
            }
            Edit::Delete(_) => {}
            Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Edit::Replace(i, c) => {
                if !chars.is_empty() {
                    let i = i % len;
                    chars[i] = c;
                }
            }
            Edit::Duplicate(i, n) => {
                let i = i % len;
                let piece: Vec<char> = chars.iter().skip(i).take(n).copied().collect();
                let at = (i + n).min(chars.len());
                chars.splice(at..at, piece);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_strings_never_panic(s in ".{0,200}") {
        let _ = parse(&s);
        let _ = parse_script(&s);
        let _ = parse_expression(&s);
    }

    #[test]
    fn random_token_soup_never_panics(words in prop::collection::vec(prop::sample::select(vec![
        "MATCH", "RETURN", "WHERE", "WITH", "(", ")", "[", "]", "{", "}", "-", "->", "<-", "*",
        "..", ":", ",", "n", "x", "1", "'s'", "AND", "NOT", "IN", "CASE", "WHEN", "THEN", "END",
        "=", "<", "+", "$p", "|", "UNION", "CREATE", "SET", "DELETE", ".", "count", "ALL", ";",
    ]), 0..40)) {
        let q = words.join(" ");
        let _ = parse(&q);
        let _ = parse_script(&q);
    }

    #[test]
    fn mutated_queries_never_panic(
        seed in prop::sample::select(SEEDS.to_vec()),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let q = apply(seed, &edits);
        if let Err(e) = parse(&q) {
            // Whatever is wrong, the error is a positioned syntax error.
            prop_assert_eq!(e.class, ErrorClass::SyntaxError);
            prop_assert!(e.position.is_some());
        }
        let _ = parse_script(&q);
    }
}

// ---------------------------------------------------------------- speed

/// Not a timed test (timings vary by machine): prints how long a typical
/// query takes to parse. Run with
/// `cargo test --release --test parser -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_parse_timing() {
    let q = "MATCH (p:Person {name: $name})-[:KNOWS*1..3]->(f:Person)\n\
             WHERE f.age > 30 AND f.city IN ['Paris', 'Lyon']\n\
             RETURN f.name AS friend, count(*) AS paths ORDER BY paths DESC LIMIT 10";
    for _ in 0..1_000 {
        parse(q).unwrap();
    }
    // The best of several batches: on a shared machine the mean mostly
    // measures the neighbours.
    let runs = 2_000;
    let best = (0..10)
        .map(|_| {
            let start = std::time::Instant::now();
            for _ in 0..runs {
                std::hint::black_box(parse(std::hint::black_box(q)).unwrap());
            }
            start.elapsed() / runs
        })
        .min()
        .unwrap_or_default();
    println!("parse of a typical 3-line query: {best:?} (best of 10 batches of {runs})");
}
