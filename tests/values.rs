//! Tables of openCypher value semantics: logic, equality, comparison,
//! ordering, arithmetic, string and list operators, functions, aggregates.

use attest::ErrorClass;
use attest::QueryError;
use attest::lang::functions::{self, call, property_of_date};
use attest::lang::values::{self, *};
use attest::model::{Date, NodeId, Path, RelId, Value};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};

// ---------------------------------------------------------------------------
// Shorthands
// ---------------------------------------------------------------------------

const N: Value = Value::Null;
const T: Value = Value::Bool(true);
const F: Value = Value::Bool(false);

fn i(x: i64) -> Value {
    Value::Int(x)
}
fn fl(x: f64) -> Value {
    Value::Float(x)
}
fn s(x: &str) -> Value {
    Value::from(x)
}
fn l(items: &[Value]) -> Value {
    Value::List(items.to_vec().into())
}
fn m(entries: &[(&str, Value)]) -> Value {
    map_of(entries.iter().map(|(k, v)| (*k, v.clone())))
}
fn d(text: &str) -> Value {
    Value::Date(Date::parse(text).expect("test dates are valid"))
}
fn node(id: u64) -> Value {
    Value::Node(NodeId(id))
}
fn rel(id: u64) -> Value {
    Value::Relationship(RelId(id))
}
fn path(nodes: &[u64], rels: &[u64]) -> Value {
    Value::Path(Box::new(Path {
        nodes: nodes.iter().map(|n| NodeId(*n)).collect(),
        rels: rels.iter().map(|r| RelId(*r)).collect(),
    }))
}
fn nan() -> Value {
    fl(f64::NAN)
}

/// Equality that treats NaN as equal to NaN, for checking results.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => {
            (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits() || x == y
        }
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        _ => a == b,
    }
}

fn class(result: Result<Value, QueryError>) -> ErrorClass {
    match result {
        Err(e) => e.class,
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// What a table row expects.
enum Want {
    Is(Value),
    Fails(ErrorClass),
}
use Want::{Fails, Is};

fn check(label: &str, got: Result<Value, QueryError>, want: &Want) {
    match (want, &got) {
        (Is(w), Ok(g)) => assert!(same(g, w), "{label}: expected {w:?}, got {g:?}"),
        (Fails(c), Err(e)) => assert_eq!(e.class, *c, "{label}: wrong class in {e}"),
        (Is(w), Err(e)) => panic!("{label}: expected {w:?}, got error {e}"),
        (Fails(c), Ok(g)) => panic!("{label}: expected {c}, got {g:?}"),
    }
}

// ---------------------------------------------------------------------------
// Three-valued logic
// ---------------------------------------------------------------------------

#[test]
fn logic_truth_tables() {
    // (a, b, a AND b, a OR b, a XOR b)
    let rows = [
        (T, T, T, T, F),
        (T, F, F, T, T),
        (T, N, N, T, N),
        (F, T, F, T, T),
        (F, F, F, F, F),
        (F, N, F, N, N),
        (N, T, N, T, N),
        (N, F, F, N, N),
        (N, N, N, N, N),
    ];
    for (a, b, and_, or_, xor_) in rows {
        assert_eq!(and(&a, &b), Ok(and_), "{a:?} AND {b:?}");
        assert_eq!(or(&a, &b), Ok(or_), "{a:?} OR {b:?}");
        assert_eq!(xor(&a, &b), Ok(xor_), "{a:?} XOR {b:?}");
    }
    assert_eq!(not(&T), Ok(F));
    assert_eq!(not(&F), Ok(T));
    assert_eq!(not(&N), Ok(N));
}

#[test]
fn logic_rejects_non_booleans() {
    for v in [i(1), fl(0.0), s("true"), l(&[]), m(&[])] {
        assert_eq!(class(and(&v, &T)), ErrorClass::TypeError);
        // Even when the other side alone would decide the answer.
        assert_eq!(class(and(&F, &v)), ErrorClass::TypeError);
        assert_eq!(class(or(&T, &v)), ErrorClass::TypeError);
        assert_eq!(class(xor(&v, &N)), ErrorClass::TypeError);
        assert_eq!(class(not(&v)), ErrorClass::TypeError);
    }
    let message = and(&i(1), &T).unwrap_err().to_string();
    assert!(message.contains("INTEGER"), "{message}");
}

#[test]
fn where_passes_only_true() {
    assert_eq!(truthiness(&T), Ok(true));
    assert_eq!(truthiness(&F), Ok(false));
    assert_eq!(truthiness(&N), Ok(false));
    assert_eq!(truthiness(&i(1)).map_err(|e| e.class), Err(ErrorClass::TypeError));
    assert!(is_true(&T));
    assert!(!is_true(&N) && !is_true(&i(1)) && !is_true(&s("true")));
}

// ---------------------------------------------------------------------------
// Equality and comparison
// ---------------------------------------------------------------------------

#[test]
fn equality_table() {
    let big = 1i64 << 53;
    let rows = [
        (i(1), i(1), T),
        (i(1), fl(1.0), T),
        (fl(1.0), i(1), T),
        (i(1), i(2), F),
        (i(1), fl(1.5), F),
        (i(big + 1), fl(big as f64), F),
        (i(1), s("1"), F),
        (T, i(1), F),
        (s("a"), s("a"), T),
        (s("a"), s("A"), F),
        (T, T, T),
        (T, F, F),
        (N, N, N),
        (N, i(1), N),
        (s("a"), N, N),
        (nan(), nan(), F),
        (nan(), i(1), F),
        (fl(0.0), fl(-0.0), T),
        (d("2016-06-16"), d("2016-06-16"), T),
        (d("2016-06-16"), d("2016-06-17"), F),
        (d("1970-01-01"), i(0), F),
        (l(&[i(1), i(2)]), l(&[i(1), fl(2.0)]), T),
        (l(&[i(1)]), l(&[i(1), i(2)]), F),
        (l(&[i(1), N]), l(&[i(1), N]), N),
        (l(&[i(1), N]), l(&[i(2), N]), F),
        (l(&[N, i(2)]), l(&[i(1), i(3)]), F),
        (l(&[l(&[N])]), l(&[l(&[i(1)])]), N),
        (l(&[]), l(&[]), T),
        (l(&[]), m(&[]), F),
        (m(&[("a", i(1))]), m(&[("a", fl(1.0))]), T),
        (m(&[("a", i(1))]), m(&[("b", i(1))]), F),
        (m(&[("a", i(1))]), m(&[("a", i(1)), ("b", i(2))]), F),
        (m(&[("a", N)]), m(&[("a", N)]), N),
        (m(&[("a", N), ("b", i(1))]), m(&[("a", N), ("b", i(2))]), F),
        (node(1), node(1), T),
        (node(1), node(2), F),
        (node(1), rel(1), F),
        (rel(4), rel(4), T),
        (path(&[1, 2], &[3]), path(&[1, 2], &[3]), T),
        (path(&[1, 2], &[3]), path(&[1, 2], &[4]), F),
    ];
    for (a, b, want) in rows {
        assert_eq!(equals(&a, &b), want, "{a:?} = {b:?}");
        let negated = match &want {
            Value::Bool(x) => Value::Bool(!x),
            _ => N,
        };
        assert_eq!(not_equals(&a, &b), negated, "{a:?} <> {b:?}");
        assert_eq!(comparison(CompareOp::Eq, &a, &b), want);
        assert_eq!(comparison(CompareOp::Ne, &a, &b), negated);
    }
}

#[test]
fn comparison_table() {
    use CompareOp::{Ge, Gt, Le, Lt};
    // (a, b, a < b, a <= b, a > b, a >= b)
    let rows = [
        (i(1), i(2), T, T, F, F),
        (i(2), i(2), F, T, F, T),
        (i(1), fl(1.5), T, T, F, F),
        (fl(2.0), i(2), F, T, F, T),
        (i(i64::MAX), fl(9.3e18), T, T, F, F),
        (fl(f64::NEG_INFINITY), i(i64::MIN), T, T, F, F),
        (s("a"), s("b"), T, T, F, F),
        (s("B"), s("a"), T, T, F, F),
        (s("abc"), s("ab"), F, F, T, T),
        (s(""), s(""), F, T, F, T),
        (F, T, T, T, F, F),
        (d("2016-06-16"), d("2016-06-18"), T, T, F, F),
        (l(&[i(1), i(2)]), l(&[i(1), i(3)]), T, T, F, F),
        (l(&[i(1)]), l(&[i(1), i(2)]), T, T, F, F),
        (l(&[i(1), i(2)]), l(&[i(1), fl(2.0)]), F, T, F, T),
        (l(&[i(1), i(2)]), l(&[i(2), N]), T, T, F, F),
        (l(&[]), l(&[i(1)]), T, T, F, F),
        // Unknown: null operands, null elements that decide, mixed kinds.
        (N, i(1), N, N, N, N),
        (i(1), N, N, N, N, N),
        (N, N, N, N, N, N),
        (l(&[i(1), N]), l(&[i(1), i(2)]), N, N, N, N),
        (l(&[i(1), s("a")]), l(&[i(1), i(2)]), N, N, N, N),
        (i(1), s("1"), N, N, N, N),
        (T, i(1), N, N, N, N),
        (d("2016-06-16"), s("2016-06-16"), N, N, N, N),
        (m(&[("a", i(1))]), m(&[("a", i(2))]), N, N, N, N),
        (node(1), node(2), N, N, N, N),
        (rel(1), rel(2), N, N, N, N),
        (path(&[1], &[]), path(&[2], &[]), N, N, N, N),
        // NaN is unordered: every comparison is false, not null.
        (nan(), i(1), F, F, F, F),
        (fl(1.0), nan(), F, F, F, F),
        (nan(), nan(), F, F, F, F),
        (l(&[nan()]), l(&[i(1)]), F, F, F, F),
    ];
    for (a, b, lt, le, gt, ge) in rows {
        assert_eq!(comparison(Lt, &a, &b), lt, "{a:?} < {b:?}");
        assert_eq!(comparison(Le, &a, &b), le, "{a:?} <= {b:?}");
        assert_eq!(comparison(Gt, &a, &b), gt, "{a:?} > {b:?}");
        assert_eq!(comparison(Ge, &a, &b), ge, "{a:?} >= {b:?}");
    }
    assert_eq!(compare(&i(1), &fl(2.0)), Comparability::Ordered(Ordering::Less));
    assert_eq!(compare(&nan(), &i(1)), Comparability::Unordered);
    assert_eq!(compare(&s("a"), &i(1)), Comparability::Unknown);
}

// ---------------------------------------------------------------------------
// Orderability and grouping
// ---------------------------------------------------------------------------

#[test]
fn order_by_sorts_across_types() {
    let expected = vec![
        m(&[]),
        m(&[("a", i(1))]),
        m(&[("a", i(2))]),
        m(&[("b", i(0))]),
        node(1),
        node(2),
        rel(1),
        l(&[]),
        l(&[s("a")]),
        l(&[i(1)]),
        l(&[i(1), N]),
        l(&[i(2)]),
        path(&[1], &[]),
        path(&[1, 2], &[5]),
        d("1969-12-31"),
        d("2016-06-16"),
        s(""),
        s("B"),
        s("a"),
        s("ab"),
        F,
        T,
        fl(f64::NEG_INFINITY),
        i(i64::MIN),
        i(-1),
        fl(-0.5),
        i(0),
        fl(0.5),
        i(1),
        fl(1.5),
        i(i64::MAX),
        fl(f64::INFINITY),
        nan(),
        N,
    ];
    // Sort a scrambled copy and compare with the expected order.
    let mut scrambled = expected.clone();
    scrambled.reverse();
    scrambled.rotate_left(13);
    scrambled.sort_by(order_key_cmp);
    for (k, (got, want)) in scrambled.iter().zip(&expected).enumerate() {
        assert!(same(got, want), "position {k}: got {got:?}, want {want:?}");
    }
    // Adjacent expected elements are strictly ordered.
    for pair in expected.windows(2) {
        assert_eq!(order_key_cmp(&pair[0], &pair[1]), Ordering::Less, "{pair:?}");
        assert_eq!(order_key_cmp(&pair[1], &pair[0]), Ordering::Greater, "{pair:?}");
    }
}

#[test]
fn order_by_treats_equal_numbers_and_nulls_as_ties() {
    assert_eq!(order_key_cmp(&i(1), &fl(1.0)), Ordering::Equal);
    assert_eq!(order_key_cmp(&fl(-0.0), &i(0)), Ordering::Equal);
    assert_eq!(order_key_cmp(&nan(), &nan()), Ordering::Equal);
    assert_eq!(order_key_cmp(&N, &N), Ordering::Equal);
    assert_eq!(order_key_cmp(&l(&[N]), &l(&[N])), Ordering::Equal);
    // A stable sort keeps ties in input order.
    let mut rows = [(fl(1.0), "first"), (i(0), "zero"), (i(1), "second")];
    rows.sort_by(|a, b| order_key_cmp(&a.0, &b.0));
    let labels: Vec<_> = rows.iter().map(|r| r.1).collect();
    assert_eq!(labels, ["zero", "first", "second"]);
}

#[test]
fn group_keys_merge_equivalent_values() {
    let values = [
        i(1),
        fl(1.0),
        N,
        N,
        s("a"),
        s("a"),
        nan(),
        nan(),
        l(&[i(1), N]),
        l(&[fl(1.0), N]),
        m(&[("k", i(2))]),
        m(&[("k", fl(2.0))]),
        fl(-0.0),
        i(0),
        i(2),
        s("2"),
        node(2),
        rel(2),
    ];
    let hashed: HashSet<GroupKey> = values.iter().cloned().map(GroupKey::from).collect();
    // 1/1.0, null, 'a', NaN, [1, null], {k: 2}, 0/-0.0, 2, '2', node, rel.
    assert_eq!(hashed.len(), 11);
    let sorted: BTreeSet<GroupKey> = values.iter().cloned().map(GroupKey::new).collect();
    assert_eq!(sorted.len(), 11);
    // BTreeSet iterates in ORDER BY order: nulls last.
    assert_eq!(sorted.iter().last().map(|k| k.0.clone()), Some(N));
    assert_eq!(GroupKey::new(i(3)).into_inner(), i(3));
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

#[test]
fn arithmetic_table() {
    use ArithOp::*;
    use ErrorClass::{ArgumentError, ArithmeticError, TypeError};
    let rows = [
        (Add, i(1), i(2), Is(i(3))),
        (Add, i(1), fl(0.5), Is(fl(1.5))),
        (Add, fl(0.5), i(1), Is(fl(1.5))),
        (Add, i(i64::MAX), i(1), Fails(ArithmeticError)),
        (Add, i(i64::MIN), i(-1), Fails(ArithmeticError)),
        (Add, fl(f64::MAX), fl(f64::MAX), Is(fl(f64::INFINITY))),
        (Add, s("ab"), s("cd"), Is(s("abcd"))),
        (Add, s("v"), i(1), Is(s("v1"))),
        (Add, s("v"), fl(1.0), Is(s("v1.0"))),
        (Add, i(2), s("x"), Is(s("2x"))),
        (Add, fl(2.5), s("x"), Is(s("2.5x"))),
        (Add, l(&[i(1)]), l(&[i(2), i(3)]), Is(l(&[i(1), i(2), i(3)]))),
        (Add, l(&[i(1)]), i(2), Is(l(&[i(1), i(2)]))),
        (Add, i(0), l(&[i(1)]), Is(l(&[i(0), i(1)]))),
        (Add, l(&[i(1)]), l(&[l(&[])]), Is(l(&[i(1), l(&[])]))),
        (Add, s("a"), l(&[]), Is(l(&[s("a")]))),
        (Add, d("2016-06-16"), i(2), Is(d("2016-06-18"))),
        (Add, i(-16), d("2016-06-16"), Is(d("2016-05-31"))),
        (Add, d("2016-06-16"), i(i64::MAX), Fails(ArgumentError)),
        (Add, d("9999-12-31"), i(1), Fails(ArgumentError)),
        (Add, N, i(1), Is(N)),
        (Add, s("a"), N, Is(N)),
        (Add, l(&[i(1)]), N, Is(N)),
        (Add, T, i(1), Fails(TypeError)),
        (Add, s("a"), T, Fails(TypeError)),
        (Add, m(&[]), i(1), Fails(TypeError)),
        (Add, d("2016-06-16"), fl(1.0), Fails(TypeError)),
        (Add, d("2016-06-16"), d("2016-06-16"), Fails(TypeError)),
        (Add, node(1), i(1), Fails(TypeError)),
        (Sub, i(5), i(7), Is(i(-2))),
        (Sub, i(5), fl(0.5), Is(fl(4.5))),
        (Sub, i(i64::MIN), i(1), Fails(ArithmeticError)),
        (Sub, d("2016-06-16"), i(16), Is(d("2016-05-31"))),
        (Sub, d("2016-06-16"), i(i64::MIN), Fails(ArgumentError)),
        (Sub, d("2016-06-18"), d("2016-06-16"), Is(i(2))),
        (Sub, d("2016-06-16"), d("2016-06-18"), Is(i(-2))),
        (Sub, s("a"), i(1), Fails(TypeError)),
        (Sub, N, N, Is(N)),
        (Mul, i(6), i(7), Is(i(42))),
        (Mul, i(2), fl(1.5), Is(fl(3.0))),
        (Mul, i(i64::MAX), i(2), Fails(ArithmeticError)),
        (Mul, i(i64::MIN), i(-1), Fails(ArithmeticError)),
        (Mul, s("a"), i(3), Fails(TypeError)),
        (Mul, l(&[i(1)]), i(2), Fails(TypeError)),
        (Mul, N, s("x"), Is(N)),
        (Div, i(7), i(2), Is(i(3))),
        (Div, i(-7), i(2), Is(i(-3))),
        (Div, i(7), i(-2), Is(i(-3))),
        (Div, i(7), fl(2.0), Is(fl(3.5))),
        (Div, i(1), i(0), Fails(ArithmeticError)),
        (Div, i(0), i(0), Fails(ArithmeticError)),
        (Div, i(i64::MIN), i(-1), Fails(ArithmeticError)),
        (Div, i(1), fl(0.0), Is(fl(f64::INFINITY))),
        (Div, fl(-1.0), i(0), Is(fl(f64::NEG_INFINITY))),
        (Div, fl(0.0), fl(0.0), Is(nan())),
        (Div, s("a"), i(1), Fails(TypeError)),
        (Div, N, i(0), Is(N)),
        (Mod, i(7), i(3), Is(i(1))),
        (Mod, i(-7), i(2), Is(i(-1))),
        (Mod, i(7), i(-2), Is(i(1))),
        (Mod, i(i64::MIN), i(-1), Is(i(0))),
        (Mod, i(7), i(0), Fails(ArithmeticError)),
        (Mod, fl(7.5), i(2), Is(fl(1.5))),
        (Mod, fl(1.0), fl(0.0), Is(nan())),
        (Mod, T, i(2), Fails(TypeError)),
        (Pow, i(2), i(3), Is(fl(8.0))),
        (Pow, i(2), i(-1), Is(fl(0.5))),
        (Pow, fl(4.0), fl(0.5), Is(fl(2.0))),
        (Pow, i(10), i(400), Is(fl(f64::INFINITY))),
        (Pow, i(2), N, Is(N)),
        (Pow, s("2"), i(2), Fails(TypeError)),
    ];
    for (op, a, b, want) in rows {
        let label = format!("{a:?} {} {b:?}", op.symbol());
        check(&label, arithmetic(op, &a, &b), &want);
    }
}

#[test]
fn arithmetic_errors_name_the_problem() {
    let e = add(&i(i64::MAX), &i(1)).unwrap_err();
    assert_eq!(e.class, ErrorClass::ArithmeticError);
    assert!(e.message.contains("overflow"), "{e}");
    let e = divide(&i(1), &i(0)).unwrap_err();
    assert_eq!(e.message, "/ by zero");
    let e = add(&T, &i(1)).unwrap_err();
    assert!(
        e.message.contains("BOOLEAN") && e.message.contains("INTEGER"),
        "{e}"
    );
}

#[test]
fn unary_minus() {
    check("-5", negate(&i(5)), &Is(i(-5)));
    check("-1.5", negate(&fl(1.5)), &Is(fl(-1.5)));
    check("-null", negate(&N), &Is(N));
    check("-MIN", negate(&i(i64::MIN)), &Fails(ErrorClass::ArithmeticError));
    check("-'a'", negate(&s("a")), &Fails(ErrorClass::TypeError));
    check("-true", negate(&T), &Fails(ErrorClass::TypeError));
}

// ---------------------------------------------------------------------------
// String and list operators
// ---------------------------------------------------------------------------

#[test]
fn string_predicates() {
    let rows = [
        (s("abc"), s("ab"), T, F, T),
        (s("abc"), s("bc"), F, T, T),
        (s("abc"), s("b"), F, F, T),
        (s("abc"), s(""), T, T, T),
        (s(""), s("a"), F, F, F),
        (s("ABC"), s("abc"), F, F, F),
        (s("héllo"), s("hé"), T, F, T),
        (N, s("a"), N, N, N),
        (s("a"), N, N, N, N),
        (i(1), s("1"), N, N, N),
        (s("1"), i(1), N, N, N),
        (l(&[s("a")]), s("a"), N, N, N),
    ];
    for (a, b, sw, ew, c) in rows {
        assert_eq!(starts_with(&a, &b), sw, "{a:?} STARTS WITH {b:?}");
        assert_eq!(ends_with(&a, &b), ew, "{a:?} ENDS WITH {b:?}");
        assert_eq!(values::contains(&a, &b), c, "{a:?} CONTAINS {b:?}");
    }
}

#[test]
fn regex_matches_whole_strings() {
    let rows = [
        ("abc", "a.c", Is(T)),
        ("abc", "b", Is(F)),
        ("abc", ".*b.*", Is(T)),
        ("ABC", "(?i)abc", Is(T)),
        ("xab", "a|xab", Is(T)),
        ("ab", "a|b", Is(F)),
        ("line1\nline2", "line1.line2", Is(F)),
        ("line1\nline2", "(?s)line1.line2", Is(T)),
        ("Carter", "Car(ter|son)", Is(T)),
        ("", "", Is(T)),
        ("abc", "(", Fails(ErrorClass::ArgumentError)),
        ("abc", "[a-", Fails(ErrorClass::ArgumentError)),
        ("abc", "(?<=a)b", Fails(ErrorClass::ArgumentError)),
        // Invalid alone, valid once wrapped in `^(?:…)$`: must still fail.
        ("a)(b", "a)(b", Fails(ErrorClass::ArgumentError)),
    ];
    for (text, pattern, want) in rows {
        check(
            &format!("{text:?} =~ {pattern:?}"),
            regex_match(&s(text), &s(pattern)),
            &want,
        );
    }
    check("null =~ 'a'", regex_match(&N, &s("a")), &Is(N));
    check("'a' =~ null", regex_match(&s("a"), &N), &Is(N));
    check("1 =~ '1'", regex_match(&i(1), &s("1")), &Is(N));
}

#[test]
fn in_list_table() {
    let rows = [
        (i(3), l(&[i(1), i(2), i(3)]), Is(T)),
        (i(4), l(&[i(1), i(2), i(3)]), Is(F)),
        (i(1), l(&[fl(1.0)]), Is(T)),
        (i(1), l(&[s("1"), i(2)]), Is(F)),
        (i(3), l(&[i(1), N, i(3)]), Is(T)),
        (i(4), l(&[i(1), N, i(3)]), Is(N)),
        (N, l(&[N]), Is(N)),
        (N, l(&[i(1)]), Is(N)),
        (N, l(&[]), Is(F)),
        (i(1), l(&[]), Is(F)),
        (l(&[i(1), i(2)]), l(&[i(1), l(&[i(1), i(2)])]), Is(T)),
        (l(&[i(1), i(2)]), l(&[i(1), i(2)]), Is(F)),
        (l(&[i(1)]), l(&[l(&[i(1), N])]), Is(F)),
        (l(&[i(1), i(2)]), l(&[l(&[N, s("foo")])]), Is(F)),
        (l(&[i(1), i(2)]), l(&[l(&[N, i(2)])]), Is(N)),
        (l(&[i(1), i(2)]), l(&[l(&[N, i(2)]), l(&[i(1), i(2)])]), Is(T)),
        (l(&[]), l(&[l(&[])]), Is(T)),
        (l(&[]), l(&[]), Is(F)),
        (l(&[]), l(&[i(1), i(2), N]), Is(N)),
        (nan(), l(&[nan()]), Is(F)),
        (i(1), N, Is(N)),
        (i(1), i(1), Fails(ErrorClass::TypeError)),
        (i(1), s("1"), Fails(ErrorClass::TypeError)),
        (i(1), m(&[("x", l(&[]))]), Fails(ErrorClass::TypeError)),
    ];
    for (x, list, want) in rows {
        check(&format!("{x:?} IN {list:?}"), in_list(&x, &list), &want);
    }
}

#[test]
fn indexing_lists_and_maps() {
    use ErrorClass::TypeError;
    let list = l(&[i(10), i(20), i(30)]);
    let map = m(&[("name", s("Carter")), ("age", i(52))]);
    let rows = [
        (list.clone(), i(0), Is(i(10))),
        (list.clone(), i(2), Is(i(30))),
        (list.clone(), i(-1), Is(i(30))),
        (list.clone(), i(-3), Is(i(10))),
        (list.clone(), i(3), Is(N)),
        (list.clone(), i(-4), Is(N)),
        (list.clone(), i(i64::MIN), Is(N)),
        (list.clone(), i(i64::MAX), Is(N)),
        (list.clone(), N, Is(N)),
        (N, i(0), Is(N)),
        (list.clone(), fl(1.0), Fails(TypeError)),
        (list.clone(), s("1"), Fails(TypeError)),
        (list.clone(), T, Fails(TypeError)),
        (map.clone(), s("name"), Is(s("Carter"))),
        (map.clone(), s("missing"), Is(N)),
        (map.clone(), i(0), Fails(TypeError)),
        (s("abc"), i(0), Fails(TypeError)),
        (i(123), i(0), Fails(TypeError)),
        (fl(4.7), i(0), Fails(TypeError)),
        (T, i(0), Fails(TypeError)),
    ];
    for (container, idx, want) in rows {
        check(
            &format!("{container:?}[{idx:?}]"),
            values::index(&container, &idx),
            &want,
        );
    }
    let e = values::index(&s("abc"), &i(0)).unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("InvalidArgumentType"));
}

#[test]
fn slicing_lists() {
    let list = l(&[i(1), i(2), i(3)]);
    let five = l(&[i(1), i(2), i(3), i(4), i(5)]);
    let rows: Vec<(Value, Option<Value>, Option<Value>, Want)> = vec![
        (five.clone(), Some(i(1)), Some(i(3)), Is(l(&[i(2), i(3)]))),
        (list.clone(), Some(i(1)), None, Is(l(&[i(2), i(3)]))),
        (list.clone(), None, Some(i(2)), Is(l(&[i(1), i(2)]))),
        (list.clone(), None, None, Is(list.clone())),
        (list.clone(), Some(i(0)), Some(i(1)), Is(l(&[i(1)]))),
        (list.clone(), Some(i(0)), Some(i(0)), Is(l(&[]))),
        (list.clone(), Some(i(-3)), Some(i(-1)), Is(l(&[i(1), i(2)]))),
        (list.clone(), Some(i(3)), Some(i(1)), Is(l(&[]))),
        (list.clone(), Some(i(-5)), Some(i(5)), Is(list.clone())),
        (
            list.clone(),
            Some(i(i64::MIN)),
            Some(i(i64::MAX)),
            Is(list.clone()),
        ),
        (list.clone(), Some(N), Some(N), Is(N)),
        (list.clone(), Some(i(1)), Some(N), Is(N)),
        (list.clone(), Some(N), Some(i(3)), Is(N)),
        (list.clone(), None, Some(N), Is(N)),
        (list.clone(), Some(N), None, Is(N)),
        (N, Some(i(0)), Some(i(1)), Is(N)),
        (list.clone(), Some(fl(1.0)), None, Fails(ErrorClass::TypeError)),
        (s("abc"), Some(i(0)), Some(i(1)), Fails(ErrorClass::TypeError)),
    ];
    for (container, from, to, want) in rows {
        check(
            &format!("{container:?}[{from:?}..{to:?}]"),
            slice(&container, from.as_ref(), to.as_ref()),
            &want,
        );
    }
}

#[test]
fn property_access() {
    let map = m(&[("name", s("Carter"))]);
    assert_eq!(property(&map, "name"), Ok(s("Carter")));
    assert_eq!(property(&map, "age"), Ok(N));
    assert_eq!(property(&N, "name"), Ok(N));
    assert_eq!(property(&d("2016-06-16"), "month"), Ok(i(6)));
    for v in [i(1), s("x"), l(&[]), node(1), rel(1)] {
        assert_eq!(class(property(&v, "name")), ErrorClass::TypeError, "{v:?}");
    }
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

fn run_table(rows: &[(&str, Vec<Value>, Want)]) {
    for (name, args, want) in rows {
        check(&format!("{name}({args:?})"), call(name, args), want);
    }
}

#[test]
fn numeric_functions() {
    use ErrorClass::{ArithmeticError, TypeError};
    run_table(&[
        ("abs", vec![i(-3)], Is(i(3))),
        ("abs", vec![fl(-2.5)], Is(fl(2.5))),
        ("abs", vec![i(i64::MIN)], Fails(ArithmeticError)),
        ("abs", vec![N], Is(N)),
        ("abs", vec![s("-1")], Fails(TypeError)),
        ("sign", vec![i(-7)], Is(i(-1))),
        ("sign", vec![i(0)], Is(i(0))),
        ("sign", vec![fl(0.5)], Is(i(1))),
        ("sign", vec![fl(-0.5)], Is(i(-1))),
        ("sign", vec![nan()], Is(i(0))),
        ("sign", vec![N], Is(N)),
        ("sign", vec![T], Fails(TypeError)),
        ("round", vec![fl(3.5)], Is(fl(4.0))),
        ("round", vec![fl(2.5)], Is(fl(3.0))),
        ("round", vec![fl(-2.5)], Is(fl(-2.0))),
        ("round", vec![fl(-2.6)], Is(fl(-3.0))),
        ("round", vec![fl(3.4999)], Is(fl(3.0))),
        ("round", vec![i(3)], Is(fl(3.0))),
        ("round", vec![fl(f64::INFINITY)], Is(fl(f64::INFINITY))),
        ("round", vec![nan()], Is(nan())),
        ("round", vec![fl(1.23456), i(2)], Is(fl(1.23))),
        ("round", vec![fl(2.345), i(2)], Is(fl(2.35))),
        ("round", vec![fl(-2.345), i(2)], Is(fl(-2.35))),
        ("round", vec![fl(1234.5), i(-2)], Is(fl(1200.0))),
        ("round", vec![i(1250), i(-2)], Is(fl(1300.0))),
        ("round", vec![fl(3.5), N], Is(N)),
        ("round", vec![N], Is(N)),
        ("round", vec![fl(3.5), fl(1.0)], Fails(TypeError)),
        ("round", vec![s("3.5")], Fails(TypeError)),
        ("floor", vec![fl(0.9)], Is(fl(0.0))),
        ("floor", vec![fl(-0.1)], Is(fl(-1.0))),
        ("floor", vec![i(2)], Is(fl(2.0))),
        ("floor", vec![N], Is(N)),
        ("floor", vec![s("1")], Fails(TypeError)),
        ("ceil", vec![fl(0.1)], Is(fl(1.0))),
        ("ceil", vec![i(-2)], Is(fl(-2.0))),
        ("ceil", vec![N], Is(N)),
        ("ceil", vec![l(&[])], Fails(TypeError)),
        ("sqrt", vec![i(256)], Is(fl(16.0))),
        ("sqrt", vec![i(-1)], Is(nan())),
        ("sqrt", vec![N], Is(N)),
        ("sqrt", vec![s("4")], Fails(TypeError)),
        ("exp", vec![i(0)], Is(fl(1.0))),
        ("exp", vec![N], Is(N)),
        ("log", vec![i(1)], Is(fl(0.0))),
        ("log", vec![i(0)], Is(fl(f64::NEG_INFINITY))),
        ("log", vec![i(-1)], Is(nan())),
        ("log", vec![N], Is(N)),
        ("log", vec![T], Fails(TypeError)),
        ("log10", vec![i(1000)], Is(fl(3.0))),
        ("log10", vec![N], Is(N)),
        ("log10", vec![s("10")], Fails(TypeError)),
        ("isNaN", vec![nan()], Is(T)),
        ("isNaN", vec![i(1)], Is(F)),
        ("isNaN", vec![N], Is(N)),
        ("isNaN", vec![s("NaN")], Fails(TypeError)),
        ("pi", vec![], Is(fl(std::f64::consts::PI))),
        ("e", vec![], Is(fl(std::f64::consts::E))),
        ("sin", vec![i(0)], Is(fl(0.0))),
        ("cos", vec![i(0)], Is(fl(1.0))),
        ("tan", vec![i(0)], Is(fl(0.0))),
        ("asin", vec![i(2)], Is(nan())),
        ("acos", vec![i(1)], Is(fl(0.0))),
        ("atan", vec![i(0)], Is(fl(0.0))),
        ("atan2", vec![i(0), i(1)], Is(fl(0.0))),
        ("atan2", vec![N, i(1)], Is(N)),
        ("atan2", vec![i(1), s("1")], Fails(TypeError)),
        ("degrees", vec![fl(std::f64::consts::PI)], Is(fl(180.0))),
        ("radians", vec![i(180)], Is(fl(std::f64::consts::PI))),
        ("cot", vec![N], Is(N)),
        ("sin", vec![s("0")], Fails(TypeError)),
    ]);
}

#[test]
fn conversion_functions() {
    use ErrorClass::{ArithmeticError, TypeError};
    run_table(&[
        ("toString", vec![i(42)], Is(s("42"))),
        ("toString", vec![fl(1.0)], Is(s("1.0"))),
        ("toString", vec![fl(2.3)], Is(s("2.3"))),
        ("toString", vec![fl(-0.5)], Is(s("-0.5"))),
        ("toString", vec![fl(1e20)], Is(s("1.0e20"))),
        ("toString", vec![nan()], Is(s("NaN"))),
        ("toString", vec![fl(f64::INFINITY)], Is(s("Infinity"))),
        ("toString", vec![T], Is(s("true"))),
        ("toString", vec![s("apa")], Is(s("apa"))),
        ("toString", vec![d("2016-06-16")], Is(s("2016-06-16"))),
        ("toString", vec![N], Is(N)),
        ("toString", vec![l(&[])], Fails(TypeError)),
        ("toString", vec![m(&[])], Fails(TypeError)),
        ("toString", vec![node(1)], Fails(TypeError)),
        ("toString", vec![rel(1)], Fails(TypeError)),
        ("toString", vec![path(&[1], &[])], Fails(TypeError)),
        ("toStringOrNull", vec![fl(1.5)], Is(s("1.5"))),
        ("toStringOrNull", vec![l(&[])], Is(N)),
        ("toStringOrNull", vec![N], Is(N)),
        ("toInteger", vec![fl(82.9)], Is(i(82))),
        ("toInteger", vec![fl(-82.9)], Is(i(-82))),
        ("toInteger", vec![i(2)], Is(i(2))),
        ("toInteger", vec![s("42")], Is(i(42))),
        ("toInteger", vec![s("2.9")], Is(i(2))),
        ("toInteger", vec![s("1.7")], Is(i(1))),
        ("toInteger", vec![s("-12")], Is(i(-12))),
        ("toInteger", vec![s("1e3")], Is(i(1000))),
        ("toInteger", vec![s("foo")], Is(N)),
        ("toInteger", vec![s("")], Is(N)),
        ("toInteger", vec![s("NaN")], Is(N)),
        ("toInteger", vec![s("99999999999999999999")], Is(N)),
        ("toInteger", vec![T], Is(i(1))),
        ("toInteger", vec![F], Is(i(0))),
        ("toInteger", vec![fl(1e30)], Fails(ArithmeticError)),
        ("toInteger", vec![nan()], Fails(ArithmeticError)),
        ("toInteger", vec![N], Is(N)),
        ("toInteger", vec![l(&[])], Fails(TypeError)),
        ("toInteger", vec![m(&[])], Fails(TypeError)),
        ("toInteger", vec![node(1)], Fails(TypeError)),
        ("toInteger", vec![rel(1)], Fails(TypeError)),
        ("toInteger", vec![path(&[1], &[])], Fails(TypeError)),
        ("toInteger", vec![d("2016-06-16")], Fails(TypeError)),
        ("toIntegerOrNull", vec![s("7")], Is(i(7))),
        ("toIntegerOrNull", vec![fl(1e30)], Is(N)),
        ("toIntegerOrNull", vec![l(&[])], Is(N)),
        ("toFloat", vec![i(3)], Is(fl(3.0))),
        ("toFloat", vec![fl(3.4)], Is(fl(3.4))),
        ("toFloat", vec![s("5")], Is(fl(5.0))),
        ("toFloat", vec![s("-2.5e3")], Is(fl(-2500.0))),
        ("toFloat", vec![s("foo")], Is(N)),
        ("toFloat", vec![s("")], Is(N)),
        ("toFloat", vec![N], Is(N)),
        ("toFloat", vec![T], Fails(TypeError)),
        ("toFloat", vec![l(&[])], Fails(TypeError)),
        ("toFloat", vec![m(&[])], Fails(TypeError)),
        ("toFloat", vec![node(1)], Fails(TypeError)),
        ("toFloatOrNull", vec![T], Is(N)),
        ("toFloatOrNull", vec![s("1.5")], Is(fl(1.5))),
        ("toBoolean", vec![T], Is(T)),
        ("toBoolean", vec![F], Is(F)),
        ("toBoolean", vec![s("true")], Is(T)),
        ("toBoolean", vec![s("FALSE")], Is(F)),
        ("toBoolean", vec![s(" tru ")], Is(N)),
        ("toBoolean", vec![s("f alse")], Is(N)),
        ("toBoolean", vec![s("")], Is(N)),
        ("toBoolean", vec![i(0)], Is(F)),
        ("toBoolean", vec![i(5)], Is(T)),
        ("toBoolean", vec![N], Is(N)),
        ("toBoolean", vec![fl(1.0)], Fails(TypeError)),
        ("toBoolean", vec![l(&[])], Fails(TypeError)),
        ("toBoolean", vec![m(&[])], Fails(TypeError)),
        ("toBoolean", vec![node(1)], Fails(TypeError)),
        ("toBoolean", vec![rel(1)], Fails(TypeError)),
        ("toBoolean", vec![path(&[1], &[])], Fails(TypeError)),
        ("toBooleanOrNull", vec![fl(1.0)], Is(N)),
        ("toBooleanOrNull", vec![s("true")], Is(T)),
    ]);
    let e = call("toInteger", &[l(&[])]).unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("InvalidArgumentValue"));
}

#[test]
fn string_functions() {
    use ErrorClass::{ArgumentError, TypeError};
    run_table(&[
        ("toLower", vec![s("HeLLo")], Is(s("hello"))),
        ("toLower", vec![N], Is(N)),
        ("toLower", vec![i(1)], Fails(TypeError)),
        ("toUpper", vec![s("straße")], Is(s("STRASSE"))),
        ("toUpper", vec![N], Is(N)),
        ("toUpper", vec![l(&[])], Fails(TypeError)),
        ("trim", vec![s("  a b \n")], Is(s("a b"))),
        ("trim", vec![N], Is(N)),
        ("trim", vec![i(1)], Fails(TypeError)),
        ("ltrim", vec![s("  a ")], Is(s("a "))),
        ("ltrim", vec![N], Is(N)),
        ("ltrim", vec![T], Fails(TypeError)),
        ("rtrim", vec![s("  a ")], Is(s("  a"))),
        ("rtrim", vec![N], Is(N)),
        ("rtrim", vec![fl(1.0)], Fails(TypeError)),
        ("substring", vec![s("hello"), i(1), i(3)], Is(s("ell"))),
        ("substring", vec![s("hello"), i(2)], Is(s("llo"))),
        ("substring", vec![s("hello"), i(10)], Is(s(""))),
        ("substring", vec![s("hello"), i(3), i(10)], Is(s("lo"))),
        ("substring", vec![s("héllo"), i(1), i(2)], Is(s("él"))),
        ("substring", vec![s("hello"), i(0), i(0)], Is(s(""))),
        ("substring", vec![N, i(1)], Is(N)),
        ("substring", vec![s("hello"), N], Is(N)),
        ("substring", vec![s("hello"), i(-1)], Fails(ArgumentError)),
        ("substring", vec![s("hello"), i(1), i(-1)], Fails(ArgumentError)),
        ("substring", vec![s("hello"), fl(1.0)], Fails(TypeError)),
        ("substring", vec![i(5), i(1)], Fails(TypeError)),
        ("replace", vec![s("hello"), s("l"), s("w")], Is(s("hewwo"))),
        ("replace", vec![s("hello"), s("x"), s("y")], Is(s("hello"))),
        ("replace", vec![s("ab"), s(""), s("-")], Is(s("-a-b-"))),
        ("replace", vec![N, s("l"), s("w")], Is(N)),
        ("replace", vec![s("hello"), N, s("w")], Is(N)),
        ("replace", vec![s("hello"), s("l"), N], Is(N)),
        ("replace", vec![s("hello"), i(1), s("w")], Fails(TypeError)),
        ("split", vec![s("one,two"), s(",")], Is(l(&[s("one"), s("two")]))),
        (
            "split",
            vec![s("a,,b,"), s(",")],
            Is(l(&[s("a"), s(""), s("b"), s("")])),
        ),
        ("split", vec![s("abc"), s("")], Is(l(&[s("a"), s("b"), s("c")]))),
        ("split", vec![s(""), s(",")], Is(l(&[s("")]))),
        (
            "split",
            vec![s("a-b_c"), l(&[s("-"), s("_")])],
            Is(l(&[s("a"), s("b"), s("c")])),
        ),
        ("split", vec![s("a::b"), s("::")], Is(l(&[s("a"), s("b")]))),
        ("split", vec![s("é,ü"), s(",")], Is(l(&[s("é"), s("ü")]))),
        ("split", vec![N, s(",")], Is(N)),
        ("split", vec![s("a,b"), N], Is(N)),
        ("split", vec![s("a,b"), i(1)], Fails(TypeError)),
        ("split", vec![i(1), s(",")], Fails(TypeError)),
        ("left", vec![s("hello"), i(3)], Is(s("hel"))),
        ("left", vec![s("hello"), i(10)], Is(s("hello"))),
        ("left", vec![s("hello"), i(0)], Is(s(""))),
        ("left", vec![N, i(3)], Is(N)),
        ("left", vec![s("hello"), i(-1)], Fails(ArgumentError)),
        ("left", vec![i(1), i(1)], Fails(TypeError)),
        ("right", vec![s("hello"), i(3)], Is(s("llo"))),
        ("right", vec![s("hello"), i(10)], Is(s("hello"))),
        ("right", vec![s("héllo"), i(4)], Is(s("éllo"))),
        ("right", vec![N, i(3)], Is(N)),
        ("right", vec![s("hello"), i(-1)], Fails(ArgumentError)),
        ("right", vec![s("hello"), s("1")], Fails(TypeError)),
        ("reverse", vec![s("héllo")], Is(s("olléh"))),
        ("reverse", vec![l(&[i(1), s("a"), N])], Is(l(&[N, s("a"), i(1)]))),
        ("reverse", vec![N], Is(N)),
        ("reverse", vec![i(12)], Fails(TypeError)),
        ("size", vec![s("héllo")], Is(i(5))),
        ("size", vec![s("")], Is(i(0))),
        ("size", vec![l(&[i(1), N])], Is(i(2))),
        ("size", vec![N], Is(N)),
        ("size", vec![i(12)], Fails(TypeError)),
        ("size", vec![m(&[])], Fails(TypeError)),
        ("size", vec![path(&[1], &[])], Fails(TypeError)),
        ("char_length", vec![s("héllo")], Is(i(5))),
        ("character_length", vec![N], Is(N)),
        ("char_length", vec![l(&[])], Fails(TypeError)),
        ("isEmpty", vec![s("")], Is(T)),
        ("isEmpty", vec![l(&[i(1)])], Is(F)),
        ("isEmpty", vec![m(&[])], Is(T)),
        ("isEmpty", vec![N], Is(N)),
        ("isEmpty", vec![i(0)], Fails(TypeError)),
    ]);
}

#[test]
fn list_functions() {
    use ErrorClass::{ArgumentError, LimitExceeded, TypeError};
    let list = l(&[i(1), i(2), i(3)]);
    run_table(&[
        ("head", vec![list.clone()], Is(i(1))),
        ("head", vec![l(&[])], Is(N)),
        ("head", vec![N], Is(N)),
        ("head", vec![s("abc")], Fails(TypeError)),
        ("last", vec![list.clone()], Is(i(3))),
        ("last", vec![l(&[])], Is(N)),
        ("last", vec![N], Is(N)),
        ("last", vec![i(1)], Fails(TypeError)),
        ("tail", vec![list.clone()], Is(l(&[i(2), i(3)]))),
        ("tail", vec![l(&[])], Is(l(&[]))),
        ("tail", vec![N], Is(N)),
        ("tail", vec![m(&[])], Fails(TypeError)),
        ("range", vec![i(0), i(3)], Is(l(&[i(0), i(1), i(2), i(3)]))),
        (
            "range",
            vec![i(2), i(18), i(3)],
            Is(l(&[i(2), i(5), i(8), i(11), i(14), i(17)])),
        ),
        ("range", vec![i(3), i(0), i(-1)], Is(l(&[i(3), i(2), i(1), i(0)]))),
        ("range", vec![i(3), i(0)], Is(l(&[]))),
        ("range", vec![i(0), i(3), i(-1)], Is(l(&[]))),
        ("range", vec![i(5), i(5)], Is(l(&[i(5)]))),
        (
            "range",
            vec![i(i64::MAX - 1), i(i64::MAX)],
            Is(l(&[i(i64::MAX - 1), i(i64::MAX)])),
        ),
        (
            "range",
            vec![i(i64::MIN), i(i64::MAX), i(i64::MAX)],
            Is(l(&[i(i64::MIN), i(-1), i(i64::MAX - 1)])),
        ),
        ("range", vec![i(0), i(10), i(0)], Fails(ArgumentError)),
        ("range", vec![i(0), i(i64::MAX)], Fails(LimitExceeded)),
        ("range", vec![N, i(3)], Is(N)),
        ("range", vec![i(0), i(3), N], Is(N)),
        // openCypher classes a non-integer bound of range() as an argument error.
        ("range", vec![fl(0.0), i(3)], Fails(ArgumentError)),
        ("range", vec![i(0), s("3")], Fails(ArgumentError)),
        ("coalesce", vec![N, N, i(3), i(4)], Is(i(3))),
        ("coalesce", vec![N], Is(N)),
        ("coalesce", vec![s("a")], Is(s("a"))),
    ]);
}

#[test]
fn map_and_graph_value_functions() {
    use ErrorClass::{SemanticError, TypeError};
    let map = m(&[("b", i(2)), ("a", i(1))]);
    let p = path(&[1, 2, 3], &[10, 11]);
    run_table(&[
        ("keys", vec![map.clone()], Is(l(&[s("a"), s("b")]))),
        ("keys", vec![m(&[])], Is(l(&[]))),
        ("keys", vec![N], Is(N)),
        ("keys", vec![i(1)], Fails(TypeError)),
        ("keys", vec![node(1)], Fails(SemanticError)),
        ("properties", vec![map.clone()], Is(map.clone())),
        ("properties", vec![N], Is(N)),
        ("properties", vec![rel(1)], Fails(SemanticError)),
        ("properties", vec![s("x")], Fails(TypeError)),
        ("id", vec![node(7)], Is(i(7))),
        ("id", vec![rel(9)], Is(i(9))),
        ("id", vec![N], Is(N)),
        ("id", vec![i(7)], Fails(TypeError)),
        ("length", vec![p.clone()], Is(i(2))),
        ("length", vec![path(&[1], &[])], Is(i(0))),
        ("length", vec![N], Is(N)),
        ("length", vec![s("abc")], Fails(TypeError)),
        ("nodes", vec![p.clone()], Is(l(&[node(1), node(2), node(3)]))),
        ("nodes", vec![N], Is(N)),
        ("nodes", vec![node(1)], Fails(TypeError)),
        ("relationships", vec![p.clone()], Is(l(&[rel(10), rel(11)]))),
        ("relationships", vec![N], Is(N)),
        ("relationships", vec![l(&[])], Fails(TypeError)),
        ("exists", vec![N], Is(F)),
        ("exists", vec![i(0)], Is(T)),
        ("labels", vec![N], Is(N)),
        ("labels", vec![node(1)], Fails(SemanticError)),
        ("type", vec![rel(1)], Fails(SemanticError)),
        ("startNode", vec![rel(1)], Fails(SemanticError)),
        ("endNode", vec![N], Is(N)),
        ("evidence", vec![node(1)], Fails(SemanticError)),
    ]);
}

#[test]
fn date_function_and_properties() {
    use ErrorClass::{ArgumentError, TypeError};
    run_table(&[
        ("date", vec![s("2016-06-16")], Is(d("2016-06-16"))),
        ("date", vec![s("2016-02-30")], Fails(ArgumentError)),
        ("date", vec![s("16 June 2016")], Fails(ArgumentError)),
        ("date", vec![s("")], Fails(ArgumentError)),
        (
            "date",
            vec![m(&[("year", i(2016)), ("month", i(6)), ("day", i(16))])],
            Is(d("2016-06-16")),
        ),
        ("date", vec![m(&[("year", i(1984))])], Is(d("1984-01-01"))),
        (
            "date",
            vec![m(&[("year", i(1984)), ("month", i(10))])],
            Is(d("1984-10-01")),
        ),
        (
            "date",
            vec![m(&[("year", i(1984)), ("day", i(3))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("month", i(1)), ("day", i(3))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("year", i(2015)), ("month", i(2)), ("day", i(29))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("year", i(2015)), ("month", i(13))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("year", i(i64::MAX)), ("month", i(1))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("year", i(2015)), ("month", i(-1))])],
            Fails(ArgumentError),
        ),
        (
            "date",
            vec![m(&[("year", i(2015)), ("hour", i(1))])],
            Fails(ArgumentError),
        ),
        ("date", vec![m(&[("year", s("2015"))])], Fails(TypeError)),
        ("date", vec![d("2016-06-16")], Is(d("2016-06-16"))),
        ("date", vec![N], Is(N)),
        ("date", vec![i(20160616)], Fails(TypeError)),
    ]);
    // date() with no argument is today's UTC date: plausible and consistent.
    let today = call("date", &[]).expect("the clock is in range");
    let Value::Date(today) = today else {
        panic!("date() gave {today:?}")
    };
    assert!(today >= Date::parse("2024-01-01").expect("valid"));

    let thursday = Date::parse("2016-06-16").expect("valid");
    let rows = [
        ("year", i(2016)),
        ("month", i(6)),
        ("day", i(16)),
        ("quarter", i(2)),
        ("dayOfWeek", i(4)),
        ("weekday", i(4)),
        ("ordinalDay", i(168)),
        ("dayOfYear", i(168)),
        ("weekdayName", s("Thursday")),
    ];
    for (key, want) in rows {
        assert_eq!(property_of_date(thursday, key), Ok(want), "{key}");
    }
    assert_eq!(
        property_of_date(thursday, "hour").map_err(|e| e.class),
        Err(ErrorClass::ArgumentError)
    );
    // A date built from an out-of-range day number is refused, not a panic.
    let absurd = Date::from_days(i32::MAX);
    assert_eq!(
        property_of_date(absurd, "year").map_err(|e| e.class),
        Err(ErrorClass::ArgumentError)
    );
    assert_eq!(call("toStringOrNull", &[Value::Date(absurd)]), Ok(N));
    assert_eq!(
        call("toString", &[Value::Date(absurd)]).map_err(|e| e.class),
        Err(ErrorClass::ArgumentError)
    );
    assert_eq!(
        add(&Value::Date(absurd), &i(1)).map_err(|e| e.class),
        Err(ErrorClass::ArgumentError)
    );
}

#[test]
fn function_names_arity_and_errors() {
    // Case-insensitive lookup.
    assert_eq!(call("TOUPPER", &[s("a")]), Ok(s("A")));
    assert_eq!(call("toupper", &[s("a")]), Ok(s("A")));
    assert!(functions::is_known("ToInteger"));
    assert!(functions::is_known("COUNT"));
    assert!(functions::is_known("rand"));
    assert!(!functions::is_known("randomize"));
    assert_eq!(functions::canonical_name("tostring"), Some("toString"));
    assert_eq!(functions::arity("substring"), Some((2, Some(3))));
    assert_eq!(functions::arity("coalesce"), Some((1, None)));
    assert!(functions::is_aggregate("Collect"));
    assert!(!functions::is_aggregate("size"));
    assert!(functions::needs_graph("labels"));
    assert!(!functions::needs_graph("toUpper"));

    // The catalogue lists scalar, graph and aggregate names.
    let names = functions::names();
    for name in [
        "abs",
        "toString",
        "coalesce",
        "date",
        "id",
        "labels",
        "type",
        "keys",
        "properties",
        "length",
        "nodes",
        "relationships",
        "startNode",
        "endNode",
        "exists",
        "evidence",
        "shortestPath",
        "allShortestPaths",
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "collect",
    ] {
        assert!(names.contains(&name), "{name} missing from names()");
    }

    // Wrong argument counts.
    for (name, args) in [
        ("toUpper", vec![]),
        ("toUpper", vec![s("a"), s("b")]),
        ("substring", vec![s("a")]),
        ("range", vec![i(1), i(2), i(3), i(4)]),
        ("coalesce", vec![]),
        ("pi", vec![i(1)]),
        ("date", vec![s("2016-06-16"), s("x")]),
    ] {
        let e = call(name, &args).unwrap_err();
        assert_eq!(e.class, ErrorClass::SyntaxError, "{name}");
        assert_eq!(e.detail.as_deref(), Some("InvalidNumberOfArguments"), "{name}");
    }
    let e = call("toUpper", &[]).unwrap_err();
    assert!(e.message.contains("toUpper() takes 1 argument"), "{e}");
    assert!(functions::check_arity("left", 2).is_ok());

    // Unknown names, with a suggestion when one is close.
    let e = call("toUper", &[s("a")]).unwrap_err();
    assert_eq!(e.class, ErrorClass::SyntaxError);
    assert_eq!(e.detail.as_deref(), Some("UnknownFunction"));
    assert!(e.message.contains("toUpper"), "{e}");
    let e = call("frobnicate", &[]).unwrap_err();
    assert!(!e.message.contains("did you mean"), "{e}");

    // Aggregates are not scalar functions.
    let e = call("count", &[i(1)]).unwrap_err();
    assert_eq!(e.class, ErrorClass::SyntaxError);
    assert_eq!(e.detail.as_deref(), Some("InvalidAggregation"));
}

// ---------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------

fn aggregate(kind: AggregateKind, distinct: bool, input: &[Value]) -> Result<Value, QueryError> {
    let mut acc = Aggregator::new(kind, distinct);
    for v in input {
        acc.update(v.clone())?;
    }
    Ok(acc.finish())
}

#[test]
fn aggregate_table() {
    use AggregateKind::*;
    use ErrorClass::{ArithmeticError, TypeError};
    let mixed = [i(1), s("a"), N, l(&[i(1), i(2)]), fl(0.2), s("b")];
    let rows: Vec<(AggregateKind, bool, Vec<Value>, Want)> = vec![
        (Count, false, vec![i(1), N, i(1), s("a")], Is(i(3))),
        (Count, true, vec![i(1), N, fl(1.0), s("a"), s("a")], Is(i(2))),
        (Count, false, vec![], Is(i(0))),
        (CountStar, false, vec![i(1), N, N], Is(i(3))),
        (CountStar, true, vec![i(1), i(1), N], Is(i(3))),
        (Sum, false, vec![i(1), i(2), N, i(3)], Is(i(6))),
        (Sum, false, vec![i(1), fl(2.5)], Is(fl(3.5))),
        (Sum, false, vec![fl(0.5), i(1)], Is(fl(1.5))),
        (Sum, false, vec![], Is(i(0))),
        (Sum, false, vec![N, N], Is(i(0))),
        (Sum, true, vec![i(2), i(2), fl(2.0), i(3)], Is(i(5))),
        (Sum, false, vec![i(i64::MAX), i(1)], Fails(ArithmeticError)),
        (Sum, false, vec![i(i64::MAX), i(1), i(-5)], Fails(ArithmeticError)),
        (Sum, false, vec![i(1), s("2")], Fails(TypeError)),
        (Avg, false, vec![i(1), i(2), N], Is(fl(1.5))),
        (Avg, false, vec![i(1), fl(2.0), i(4)], Is(fl(7.0 / 3.0))),
        (
            Avg,
            false,
            vec![i(i64::MAX), i(i64::MAX)],
            Is(fl(i64::MAX as f64)),
        ),
        (Avg, false, vec![], Is(N)),
        (Avg, false, vec![N], Is(N)),
        (Avg, true, vec![i(1), i(1), i(4)], Is(fl(2.5))),
        (Avg, false, vec![T], Fails(TypeError)),
        (Min, false, vec![i(1), i(2), i(0), N, i(-1)], Is(i(-1))),
        (Max, false, vec![i(1), i(2), i(0), N, i(-1)], Is(i(2))),
        (
            Max,
            false,
            vec![i(1), fl(2.0), i(5), N, fl(3.2), fl(0.1)],
            Is(i(5)),
        ),
        (
            Min,
            false,
            vec![i(1), fl(2.0), i(5), N, fl(3.2), fl(0.1)],
            Is(fl(0.1)),
        ),
        (Max, false, vec![s("a"), s("b"), s("B"), N, s("abc")], Is(s("b"))),
        (Min, false, vec![s("a"), s("b"), s("B"), N, s("abc")], Is(s("B"))),
        (
            Max,
            false,
            vec![l(&[i(1)]), l(&[i(2)]), l(&[i(2), i(1)])],
            Is(l(&[i(2), i(1)])),
        ),
        (
            Min,
            false,
            vec![l(&[i(1)]), l(&[i(2)]), l(&[i(2), i(1)])],
            Is(l(&[i(1)])),
        ),
        (Max, false, mixed.to_vec(), Is(i(1))),
        (Min, false, mixed.to_vec(), Is(l(&[i(1), i(2)]))),
        (Max, false, vec![i(1), nan()], Is(nan())),
        (Max, false, vec![i(1), fl(1.0)], Is(i(1))),
        (Min, false, vec![], Is(N)),
        (Max, true, vec![N], Is(N)),
        (
            Collect,
            false,
            vec![i(1), N, s("a"), i(1)],
            Is(l(&[i(1), s("a"), i(1)])),
        ),
        (
            Collect,
            true,
            vec![i(1), N, fl(1.0), s("a"), i(1)],
            Is(l(&[i(1), s("a")])),
        ),
        (Collect, false, vec![], Is(l(&[]))),
        (Collect, false, vec![N], Is(l(&[]))),
    ];
    for (kind, distinct, input, want) in rows {
        let label = format!("{kind:?}(distinct={distinct}) over {input:?}");
        check(&label, aggregate(kind, distinct, &input), &want);
    }
}

#[test]
fn aggregate_names_and_rejected_values() {
    assert_eq!(AggregateKind::from_name("COUNT"), Some(AggregateKind::Count));
    assert_eq!(AggregateKind::from_name("collect"), Some(AggregateKind::Collect));
    assert_eq!(AggregateKind::from_name("size"), None);
    // A rejected value leaves the accumulator usable and unchanged.
    let mut sum = Aggregator::new(AggregateKind::Sum, true);
    assert!(sum.update(i(2)).is_ok());
    assert!(sum.update(s("x")).is_err());
    assert!(sum.update(i(3)).is_ok());
    assert_eq!(sum.kind(), AggregateKind::Sum);
    assert_eq!(sum.finish(), i(5));
}

// ---------------------------------------------------------------------------
// Properties over arbitrary values
// ---------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::hash::{DefaultHasher, Hash, Hasher};

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            prop_oneof![-50i64..50, Just(i64::MIN), Just(i64::MAX), any::<i64>()].prop_map(Value::Int),
            prop_oneof![
                -50.0f64..50.0,
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(-0.0),
                Just(9.223_372_036_854_776e18),
                any::<f64>()
            ]
            .prop_map(Value::Float),
            "[a-c,\\-]{0,4}".prop_map(Value::from),
            any::<i32>().prop_map(|d| Value::Date(Date::from_days(d))),
            (-20_000i32..20_000).prop_map(|d| Value::Date(Date::from_days(d))),
            (0u64..4).prop_map(|n| Value::Node(NodeId(n))),
            (0u64..4).prop_map(|r| Value::Relationship(RelId(r))),
            (0u64..3).prop_map(|n| Value::Path(Box::new(Path::single(NodeId(n))))),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|items| Value::List(items.into())),
                prop::collection::btree_map("[a-c]{1,2}", inner, 0..3)
                    .prop_map(|map| Value::Map(Box::new(map))),
            ]
        })
    }

    fn hash_of(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        GroupKey(v.clone()).hash(&mut h);
        h.finish()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn binary_operators_never_panic(a in value(), b in value()) {
            for op in [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div, ArithOp::Mod, ArithOp::Pow] {
                let _ = arithmetic(op, &a, &b);
            }
            for op in [CompareOp::Eq, CompareOp::Ne, CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge] {
                let r = comparison(op, &a, &b);
                prop_assert!(matches!(r, Value::Bool(_) | Value::Null));
            }
            let _ = (and(&a, &b), or(&a, &b), xor(&a, &b), not(&a), negate(&a));
            let _ = (starts_with(&a, &b), ends_with(&a, &b), values::contains(&a, &b));
            let _ = (regex_match(&a, &b), in_list(&a, &b), values::index(&a, &b));
            let _ = (slice(&a, Some(&b), None), slice(&a, None, Some(&b)), property(&a, "year"));
            let _ = truthiness(&a);
        }

        #[test]
        fn every_function_never_panics(a in value(), b in value(), c in value()) {
            let args = [a, b, c];
            for name in functions::names() {
                for n in 0..=3 {
                    let _ = call(name, &args[..n]);
                }
            }
        }

        #[test]
        fn ordering_is_a_consistent_total_order(a in value(), b in value(), c in value()) {
            let ab = order_key_cmp(&a, &b);
            prop_assert_eq!(ab, order_key_cmp(&b, &a).reverse());
            prop_assert_eq!(order_key_cmp(&a, &a), Ordering::Equal);
            if ab != Ordering::Greater && order_key_cmp(&b, &c) != Ordering::Greater {
                prop_assert_ne!(order_key_cmp(&a, &c), Ordering::Greater);
            }
            if ab == Ordering::Equal {
                prop_assert_eq!(hash_of(&a), hash_of(&b));
            }
            // `=` true implies the same group.
            if equals(&a, &b) == Value::Bool(true) {
                prop_assert_eq!(ab, Ordering::Equal);
            }
        }

        #[test]
        fn aggregates_never_panic(items in prop::collection::vec(value(), 0..8), distinct in any::<bool>()) {
            for kind in [
                AggregateKind::Count, AggregateKind::CountStar, AggregateKind::Sum,
                AggregateKind::Avg, AggregateKind::Min, AggregateKind::Max, AggregateKind::Collect,
            ] {
                let mut acc = Aggregator::new(kind, distinct);
                for v in &items {
                    let _ = acc.update(v.clone());
                }
                let _ = acc.finish();
            }
        }
    }
}
