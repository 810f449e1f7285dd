//! The pure value semantics of openCypher over [`Value`]: the operators the
//! query executor evaluates, without any access to the graph.
//!
//! Every operator here follows openCypher's null rules: `null` stands for an
//! unknown value, so an operation on it is usually unknown too (`null`).
//! Operators on values of the wrong type fail with a [`QueryError`] of class
//! [`ErrorClass::TypeError`]; integer overflow and integer division by zero
//! fail with [`ErrorClass::ArithmeticError`]. Nothing here panics.
//!
//! Three relations between values exist, and they differ on purpose:
//!
//! - **Equality** ([`equals`]) answers `=`: `1 = 1.0` is true, `NaN = NaN` is
//!   false, and anything compared with null is null.
//! - **Comparison** ([`compare`], [`comparison`]) answers `<`, `<=`, `>`,
//!   `>=`: only values of the same kind are comparable; others give null.
//! - **Orderability** ([`order_key_cmp`]) is a total order over every value,
//!   used by `ORDER BY`, `min`/`max` and grouping ([`GroupKey`]).
//!
//! Attest extensions (not in openCypher) are marked as such where they occur:
//! day arithmetic on dates is the main one.

use crate::error::{ErrorClass, QueryError};
use crate::model::{Date, Value};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// The result type of this module: a value or a classified query error.
pub type Result<T, E = QueryError> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A type error for an operator applied to operands it does not accept. The
/// TCK reports these as `TypeError[InvalidArgumentType]`.
pub(crate) fn type_error(message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorClass::TypeError, message).with_detail("InvalidArgumentType")
}

fn operand_error(op: &str, a: &Value, b: &Value) -> QueryError {
    type_error(format!(
        "cannot apply `{op}` to {} and {}",
        a.type_name(),
        b.type_name()
    ))
}

fn overflow(expression: String) -> QueryError {
    QueryError::new(
        ErrorClass::ArithmeticError,
        format!("integer overflow: {expression} does not fit in a 64-bit INTEGER"),
    )
    .with_detail("IntegerOverflow")
}

fn division_by_zero() -> QueryError {
    QueryError::new(ErrorClass::ArithmeticError, "/ by zero").with_detail("DivisionByZero")
}

// ---------------------------------------------------------------------------
// Three-valued logic
// ---------------------------------------------------------------------------

/// Reads an operand of a logical operator: `Some(bool)`, or `None` for null.
fn logic_operand(op: &str, v: &Value) -> Result<Option<bool>> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(type_error(format!(
            "`{op}` takes BOOLEAN operands, not {}",
            other.type_name()
        ))),
    }
}

fn from_tristate(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

/// `a AND b`: false wins over null (`false AND null` is false).
pub fn and(a: &Value, b: &Value) -> Result<Value> {
    // Both operands are checked before deciding, so a type error is reported
    // even when the other side alone would settle the result.
    let (a, b) = (logic_operand("AND", a)?, logic_operand("AND", b)?);
    Ok(from_tristate(match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }))
}

/// `a OR b`: true wins over null (`true OR null` is true).
pub fn or(a: &Value, b: &Value) -> Result<Value> {
    let (a, b) = (logic_operand("OR", a)?, logic_operand("OR", b)?);
    Ok(from_tristate(match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }))
}

/// `a XOR b`: null when either side is null.
pub fn xor(a: &Value, b: &Value) -> Result<Value> {
    let (a, b) = (logic_operand("XOR", a)?, logic_operand("XOR", b)?);
    Ok(from_tristate(match (a, b) {
        (Some(x), Some(y)) => Some(x != y),
        _ => None,
    }))
}

/// `NOT a`: null stays null.
pub fn not(a: &Value) -> Result<Value> {
    Ok(from_tristate(logic_operand("NOT", a)?.map(|b| !b)))
}

// ---------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------

/// Compares an integer with a float exactly (no rounding of the integer to a
/// float, which would make 2^53 + 1 equal 2^53). `None` when `f` is NaN.
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    // 2^63 is exactly representable; every float at or above it exceeds every
    // i64, and every float below -2^63 is below every i64.
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // In range and integral, so the conversion is exact.
    let whole_int = whole as i64;
    Some(match i.cmp(&whole_int) {
        Ordering::Equal => {
            // Same integer part: the fraction decides.
            if f > whole {
                Ordering::Less
            } else if f < whole {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        other => other,
    })
}

/// Numeric comparison across Int and Float; `None` when a NaN is involved.
fn cmp_numbers(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Float(y)) => cmp_int_float(*x, *y),
        (Value::Float(x), Value::Int(y)) => cmp_int_float(*y, *x).map(Ordering::reverse),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        _ => return None,
    })
}

/// Three-valued equality used by `=`, `IN` and simple `CASE`.
///
/// Returns `Value::Bool` or `Value::Null`:
/// - null compared with anything is null;
/// - integers and floats compare numerically (`1 = 1.0` is true), and NaN
///   equals nothing, not even itself;
/// - lists are equal when they have the same length and equal elements; a
///   null element (or a null deeper inside) makes the answer null unless some
///   other pair already differs;
/// - maps are equal when they have the same keys and equal values (nulls in
///   values behave as in lists);
/// - nodes and relationships are equal when their ids are; paths when their
///   node and relationship sequences are;
/// - values of different kinds are never equal (`1 = '1'` is false).
pub fn equals(a: &Value, b: &Value) -> Value {
    from_tristate(eq3(a, b))
}

/// `a <> b`: the negation of [`equals`], with null staying null.
pub fn not_equals(a: &Value, b: &Value) -> Value {
    from_tristate(eq3(a, b).map(|e| !e))
}

/// Equality as `Some(bool)`, or `None` for unknown.
fn eq3(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        _ => {
            if let Some(ordering) = cmp_numbers(a, b) {
                return Some(ordering == Some(Ordering::Equal));
            }
            Some(match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                (Value::Date(x), Value::Date(y)) => x == y,
                (Value::Node(x), Value::Node(y)) => x == y,
                (Value::Relationship(x), Value::Relationship(y)) => x == y,
                (Value::Path(x), Value::Path(y)) => x == y,
                _ => false,
            })
        }
    }
}

/// Conjunction of pairwise equalities: false if any pair differs, otherwise
/// unknown if any pair is unknown, otherwise true.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match eq3(x, y) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(true) }
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// The outcome of comparing two values with `<`, `<=`, `>`, `>=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparability {
    /// The values are comparable and ordered so.
    Ordered(Ordering),
    /// Numbers where one is NaN: every ordering comparison is false (not
    /// null), as in IEEE 754 and openCypher.
    Unordered,
    /// A null is involved or the kinds are not comparable (`1 < 'a'`,
    /// maps, nodes): the comparison is null.
    Unknown,
}

/// Compares two values for `<`, `<=`, `>`, `>=`.
///
/// Comparable pairs: numbers with numbers (Int and Float mixed, exactly),
/// strings with strings (by Unicode code point), booleans with booleans
/// (`false < true`), dates with dates, and lists with lists
/// (lexicographically: the first pair of elements that is not equal decides,
/// and a shorter list that is a prefix of the other comes first). Everything
/// else, including maps, nodes, relationships and paths, is not comparable.
pub fn compare(a: &Value, b: &Value) -> Comparability {
    if let Some(ordering) = cmp_numbers(a, b) {
        return ordering.map_or(Comparability::Unordered, Comparability::Ordered);
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => Comparability::Ordered(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Comparability::Ordered(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Comparability::Ordered(x.cmp(y)),
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q) {
                    Comparability::Ordered(Ordering::Equal) => {}
                    decided => return decided,
                }
            }
            Comparability::Ordered(x.len().cmp(&y.len()))
        }
        _ => Comparability::Unknown,
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Evaluates `a op b` to `Value::Bool` or `Value::Null` (see [`equals`] and
/// [`compare`]). Comparisons never fail: incomparable values give null.
pub fn comparison(op: CompareOp, a: &Value, b: &Value) -> Value {
    let holds = |test: fn(Ordering) -> bool| match compare(a, b) {
        Comparability::Ordered(o) => Value::Bool(test(o)),
        Comparability::Unordered => Value::Bool(false),
        Comparability::Unknown => Value::Null,
    };
    match op {
        CompareOp::Eq => equals(a, b),
        CompareOp::Ne => not_equals(a, b),
        CompareOp::Lt => holds(Ordering::is_lt),
        CompareOp::Le => holds(Ordering::is_le),
        CompareOp::Gt => holds(Ordering::is_gt),
        CompareOp::Ge => holds(Ordering::is_ge),
    }
}

// ---------------------------------------------------------------------------
// Orderability and grouping
// ---------------------------------------------------------------------------

/// Rank of a value's kind in the global sort order.
fn order_rank(v: &Value) -> u8 {
    match v {
        Value::Map(_) => 0,
        Value::Node(_) => 1,
        Value::Relationship(_) => 2,
        Value::List(_) => 3,
        Value::Path(_) => 4,
        Value::Date(_) => 5,
        Value::String(_) => 6,
        Value::Bool(_) => 7,
        Value::Int(_) | Value::Float(_) => 8,
        Value::Null => 9,
    }
}

/// The total order used by `ORDER BY`, `min`/`max` and grouping.
///
/// Kinds sort as openCypher's orderability prescribes:
/// MAP < NODE < RELATIONSHIP < LIST < PATH < DATE < STRING < BOOLEAN <
/// NUMBER < NULL, so nulls come last in ascending order. Within a kind:
/// numbers compare numerically across Int and Float (so `1` and `1.0` are
/// *equal* here) with NaN above every other number and equal to itself;
/// strings by code point; `false < true`; dates chronologically; lists
/// element by element with a prefix first; maps entry by entry in key order
/// (key first, then value) with a prefix first; nodes and relationships by
/// id; paths by their alternating id sequence.
///
/// Because `1` and `1.0` compare equal, a stable sort keeps their input
/// order; callers that need a strict tie-break must add their own.
pub fn order_key_cmp(a: &Value, b: &Value) -> Ordering {
    let by_rank = order_rank(a).cmp(&order_rank(b));
    if by_rank != Ordering::Equal {
        return by_rank;
    }
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            for ((kx, vx), (ky, vy)) in x.iter().zip(y.iter()) {
                let o = kx.cmp(ky).then_with(|| order_key_cmp(vx, vy));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Node(x), Value::Node(y)) => x.cmp(y),
        (Value::Relationship(x), Value::Relationship(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = order_key_cmp(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Path(x), Value::Path(y)) => path_sequence(x).cmp(path_sequence(y)),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => match cmp_numbers(a, b) {
            Some(Some(o)) => o,
            // A NaN is involved: NaN sorts above every other number.
            Some(None) => is_nan(a).cmp(&is_nan(b)),
            // Only nulls are left, and nulls are all alike.
            None => Ordering::Equal,
        },
    }
}

fn is_nan(v: &Value) -> bool {
    matches!(v, Value::Float(f) if f.is_nan())
}

/// A path as the sequence node, rel, node, …, so paths sort by their walk.
fn path_sequence(p: &crate::model::Path) -> impl Iterator<Item = u64> + '_ {
    let mut rels = p.rels.iter();
    p.nodes
        .iter()
        .flat_map(move |n| std::iter::once(n.0).chain(rels.next().map(|r| r.0)))
}

/// A value used as a key for `DISTINCT`, grouping and `count(DISTINCT …)`.
///
/// Two keys are equal when [`order_key_cmp`] says so. That choice makes
/// nulls one group (`DISTINCT` keeps a single null), makes `1` and `1.0` one
/// group (as openCypher's equivalence does), and makes every NaN one group
/// (unlike `=`, under which NaN is not even equal to itself). The value kept
/// for a group is the first one seen. To group by several expressions, wrap
/// them in a [`Value::List`]. `Ord` is the same total order as
/// [`order_key_cmp`], so keys can also live in a `BTreeMap`.
#[derive(Clone, Debug)]
pub struct GroupKey(pub Value);

impl GroupKey {
    /// Wraps a value.
    pub fn new(value: Value) -> GroupKey {
        GroupKey(value)
    }

    /// The wrapped value.
    pub fn into_inner(self) -> Value {
        self.0
    }
}

impl From<Value> for GroupKey {
    fn from(value: Value) -> GroupKey {
        GroupKey(value)
    }
}

impl PartialEq for GroupKey {
    fn eq(&self, other: &GroupKey) -> bool {
        order_key_cmp(&self.0, &other.0) == Ordering::Equal
    }
}

impl Eq for GroupKey {}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &GroupKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupKey {
    fn cmp(&self, other: &GroupKey) -> Ordering {
        order_key_cmp(&self.0, &other.0)
    }
}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state);
    }
}

/// A hash of grouping key values, consistent with [`order_key_cmp`]
/// equality of each value: keys equal value by value hash alike.
pub fn hash_key<'a>(values: impl IntoIterator<Item = &'a Value>) -> u64 {
    let mut state = rustc_hash::FxHasher::default();
    for value in values {
        hash_value(value, &mut state);
    }
    state.finish()
}

/// Hashes a value consistently with [`order_key_cmp`] equality: every value
/// equal under it hashes alike. Numbers share one tag, and a float holding
/// an integer hashes as that integer.
fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    order_rank(v).hash(state);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(state),
        Value::Int(i) => hash_int(*i, state),
        Value::Float(f) => {
            if f.is_nan() {
                // All NaNs are one group; the tag alone identifies them.
                2u8.hash(state);
            } else if let Some(i) = float_as_exact_int(*f) {
                hash_int(i, state);
            } else {
                1u8.hash(state);
                f.to_bits().hash(state);
            }
        }
        Value::String(s) => s.hash(state),
        Value::Date(d) => d.hash(state),
        Value::List(items) => {
            items.len().hash(state);
            items.iter().for_each(|item| hash_value(item, state));
        }
        Value::Map(entries) => {
            entries.len().hash(state);
            for (k, item) in entries.iter() {
                k.hash(state);
                hash_value(item, state);
            }
        }
        Value::Node(id) => id.hash(state),
        Value::Relationship(id) => id.hash(state),
        Value::Path(p) => p.hash(state),
    }
}

fn hash_int<H: Hasher>(i: i64, state: &mut H) {
    0u8.hash(state);
    i.hash(state);
}

/// The integer a float holds exactly, if it holds one that fits an i64.
/// (-0.0 gives 0, so it groups with 0 and 0.0.)
fn float_as_exact_int(f: f64) -> Option<i64> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    (f.is_finite() && f.trunc() == f && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
}

impl ArithOp {
    /// The operator as written in a query.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
            ArithOp::Pow => "^",
        }
    }
}

/// Evaluates `a op b`; see [`add`], [`subtract`], [`multiply`], [`divide`],
/// [`modulo`] and [`power`] for each operator's rules.
pub fn arithmetic(op: ArithOp, a: &Value, b: &Value) -> Result<Value> {
    match op {
        ArithOp::Add => add(a, b),
        ArithOp::Sub => subtract(a, b),
        ArithOp::Mul => multiply(a, b),
        ArithOp::Div => divide(a, b),
        ArithOp::Mod => modulo(a, b),
        ArithOp::Pow => power(a, b),
    }
}

/// Both operands as floats, when both are numbers and at least one is a float.
fn float_pair(a: &Value, b: &Value) -> Option<(f64, f64)> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => Some((*x, *y)),
        (Value::Int(x), Value::Float(y)) => Some((*x as f64, *y)),
        (Value::Float(x), Value::Int(y)) => Some((*x, *y as f64)),
        _ => None,
    }
}

/// `a + b`.
///
/// - null with anything is null;
/// - INTEGER + INTEGER is a checked INTEGER (overflow is an ArithmeticError);
///   a FLOAT on either side makes the result a FLOAT;
/// - STRING + STRING concatenates; STRING + number and number + STRING
///   concatenate the number's text (as Neo4j does, with floats written as
///   `toString` writes them, e.g. `'v' + 1.0` is `'v1.0'`);
/// - LIST + LIST concatenates, LIST + x appends x, x + LIST prepends x;
/// - DATE + INTEGER and INTEGER + DATE move the date by that many days
///   (an Attest extension: openCypher adds durations to dates, and Attest has
///   no duration type).
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => {
            Value::Int(x.checked_add(*y).ok_or_else(|| overflow(format!("{x} + {y}")))?)
        }
        (Value::String(x), Value::String(y)) => Value::from(format!("{x}{y}")),
        (Value::String(x), Value::Int(y)) => Value::from(format!("{x}{y}")),
        (Value::String(x), Value::Float(y)) => Value::from(format!("{x}{}", format_float(*y))),
        (Value::Int(x), Value::String(y)) => Value::from(format!("{x}{y}")),
        (Value::Float(x), Value::String(y)) => Value::from(format!("{}{y}", format_float(*x))),
        (Value::List(x), Value::List(y)) => Value::List(x.iter().chain(y).cloned().collect()),
        (Value::List(x), item) => {
            let mut out = Vec::with_capacity(x.len() + 1);
            out.extend(x.iter().cloned());
            out.push(item.clone());
            Value::List(out.into())
        }
        (item, Value::List(y)) => {
            let mut out = Vec::with_capacity(y.len() + 1);
            out.push(item.clone());
            out.extend(y.iter().cloned());
            Value::List(out.into())
        }
        (Value::Date(d), Value::Int(n)) | (Value::Int(n), Value::Date(d)) => {
            Value::Date(shift_date(*d, *n as i128)?)
        }
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x + y),
            None => return Err(operand_error("+", a, b)),
        },
    })
}

/// `a - b`: numbers as for [`add`]. Attest extensions: DATE − INTEGER moves
/// the date back by that many days, and DATE − DATE is the INTEGER number of
/// days between them (positive when `a` is later).
pub fn subtract(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => {
            Value::Int(x.checked_sub(*y).ok_or_else(|| overflow(format!("{x} - {y}")))?)
        }
        (Value::Date(d), Value::Int(n)) => Value::Date(shift_date(*d, -(*n as i128))?),
        (Value::Date(x), Value::Date(y)) => Value::Int(x.days() as i64 - y.days() as i64),
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x - y),
            None => return Err(operand_error("-", a, b)),
        },
    })
}

/// `a * b`: numbers only; integer products are checked.
pub fn multiply(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => {
            Value::Int(x.checked_mul(*y).ok_or_else(|| overflow(format!("{x} * {y}")))?)
        }
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x * y),
            None => return Err(operand_error("*", a, b)),
        },
    })
}

/// `a / b`: INTEGER / INTEGER is integer division truncating toward zero
/// (`-7 / 2` is `-3`), dividing an integer by zero is an ArithmeticError
/// (`/ by zero`), and `i64::MIN / -1` overflows. With a FLOAT on either side
/// the division is IEEE 754: `1 / 0.0` is `Infinity`, `0 / 0.0` is `NaN`.
pub fn divide(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(_), Value::Int(0)) => return Err(division_by_zero()),
        (Value::Int(x), Value::Int(y)) => {
            Value::Int(x.checked_div(*y).ok_or_else(|| overflow(format!("{x} / {y}")))?)
        }
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x / y),
            None => return Err(operand_error("/", a, b)),
        },
    })
}

/// `a % b`: the remainder of truncating division, with the sign of `a`
/// (`-7 % 2` is `-1`). An integer remainder by zero is an ArithmeticError;
/// with a FLOAT on either side it is IEEE 754 `fmod` (`x % 0.0` is NaN).
pub fn modulo(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(_), Value::Int(0)) => return Err(division_by_zero()),
        // i64::MIN % -1 is mathematically 0; only the quotient overflows.
        (Value::Int(x), Value::Int(y)) => Value::Int(x.wrapping_rem(*y)),
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x % y),
            None => return Err(operand_error("%", a, b)),
        },
    })
}

/// `a ^ b`: always a FLOAT, even for two integers (`2 ^ 3` is `8.0`).
pub fn power(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => Value::Float((*x as f64).powf(*y as f64)),
        _ => match float_pair(a, b) {
            Some((x, y)) => Value::Float(x.powf(y)),
            None => return Err(operand_error("^", a, b)),
        },
    })
}

/// Unary `-a`: negating `i64::MIN` overflows.
pub fn negate(a: &Value) -> Result<Value> {
    Ok(match a {
        Value::Null => Value::Null,
        Value::Int(x) => Value::Int(x.checked_neg().ok_or_else(|| overflow(format!("-({x})")))?),
        Value::Float(x) => Value::Float(-x),
        other => {
            return Err(type_error(format!(
                "cannot apply unary `-` to {}",
                other.type_name()
            )));
        }
    })
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// Day numbers of -9999-01-01 and 9999-12-31, the range [`Date`] supports.
pub(crate) const MIN_DATE_DAYS: i32 = -4_371_587;
pub(crate) const MAX_DATE_DAYS: i32 = 2_932_896;

fn date_range_error(what: String) -> QueryError {
    QueryError::new(
        ErrorClass::ArgumentError,
        format!("{what} is outside the supported dates (-9999-01-01 to 9999-12-31)"),
    )
}

/// Checks that a date lies in the supported range before its calendar view
/// is computed: a `Date` built from an arbitrary day number could otherwise
/// make the calendar arithmetic overflow.
pub(crate) fn checked_date(d: Date) -> Result<Date> {
    if (MIN_DATE_DAYS..=MAX_DATE_DAYS).contains(&d.days()) {
        Ok(d)
    } else {
        Err(date_range_error(format!("day number {}", d.days())))
    }
}

/// The date `n` days after `d`, checked against the supported range.
fn shift_date(d: Date, n: i128) -> Result<Date> {
    let target = d.days() as i128 + n;
    if target < MIN_DATE_DAYS as i128 || target > MAX_DATE_DAYS as i128 {
        return Err(date_range_error(format!(
            "the date {n} days from day {}",
            d.days()
        )));
    }
    // In range, so it fits an i32 and the calendar view is safe.
    Ok(Date::from_days(target as i32))
}

// ---------------------------------------------------------------------------
// String predicates, regular expressions, IN
// ---------------------------------------------------------------------------

fn string_predicate(a: &Value, b: &Value, test: fn(&str, &str) -> bool) -> Value {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Value::Bool(test(x, y)),
        // openCypher answers null, not an error, for non-string operands.
        _ => Value::Null,
    }
}

/// `a STARTS WITH b`: null unless both are strings.
pub fn starts_with(a: &Value, b: &Value) -> Value {
    string_predicate(a, b, |x, y| x.starts_with(y))
}

/// `a ENDS WITH b`: null unless both are strings.
pub fn ends_with(a: &Value, b: &Value) -> Value {
    string_predicate(a, b, |x, y| x.ends_with(y))
}

/// `a CONTAINS b`: null unless both are strings.
pub fn contains(a: &Value, b: &Value) -> Value {
    string_predicate(a, b, |x, y| x.contains(y))
}

/// How many compiled patterns each thread keeps; queries reuse a handful of
/// patterns per row, so a small cache removes nearly all recompilation.
const REGEX_CACHE_SIZE: usize = 64;

/// Compiled-size ceiling for one pattern, so a pathological pattern fails
/// with an ArgumentError instead of taking a lot of memory.
const REGEX_SIZE_LIMIT: usize = 1 << 22;

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::default());
}

fn compile_regex(pattern: &str) -> Result<regex::Regex> {
    let invalid = |e: regex::Error| {
        QueryError::new(
            ErrorClass::ArgumentError,
            format!("invalid regular expression {pattern:?}: {e}"),
        )
        .with_detail("InvalidArgumentValue")
    };
    let build = |text: &str| {
        regex::RegexBuilder::new(text)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
    };
    // The pattern is validated on its own first: wrapped, an unbalanced one
    // such as `a)(b` would turn into a valid but different expression.
    build(pattern).map_err(invalid)?;
    // Anchoring makes `=~` a whole-string match; the group keeps an
    // alternation in the pattern from escaping the anchors.
    build(&format!("^(?:{pattern})$")).map_err(invalid)
}

fn cached_regex(pattern: &str) -> Result<regex::Regex> {
    let hit = REGEX_CACHE.with(|cache| cache.try_borrow().ok().and_then(|c| c.get(pattern).cloned()));
    if let Some(re) = hit {
        return Ok(re);
    }
    let re = compile_regex(pattern)?;
    REGEX_CACHE.with(|cache| {
        if let Ok(mut c) = cache.try_borrow_mut() {
            if c.len() >= REGEX_CACHE_SIZE {
                c.clear();
            }
            c.insert(pattern.to_string(), re.clone());
        }
    });
    Ok(re)
}

/// `text =~ pattern`: true when the regular expression matches the *whole*
/// string. Null unless both are strings. The syntax is that of the `regex`
/// crate (Perl-like, no look-around or back-references); an invalid
/// pattern is an ArgumentError.
pub fn regex_match(text: &Value, pattern: &Value) -> Result<Value> {
    match (text, pattern) {
        (Value::String(t), Value::String(p)) => Ok(Value::Bool(cached_regex(p)?.is_match(t))),
        _ => Ok(Value::Null),
    }
}

/// `x IN list`: true if some element equals `x` (see [`equals`]); otherwise
/// null if some comparison was null (`4 IN [1, null]`), otherwise false.
/// `x IN null` is null; a right side that is not a list is a TypeError.
pub fn in_list(x: &Value, list: &Value) -> Result<Value> {
    let items = match list {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => {
            return Err(type_error(format!(
                "`IN` needs a LIST on its right, not {}",
                other.type_name()
            )));
        }
    };
    let mut unknown = false;
    for item in items {
        match eq3(x, item) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    Ok(if unknown { Value::Null } else { Value::Bool(false) })
}

// ---------------------------------------------------------------------------
// Element access
// ---------------------------------------------------------------------------

/// Resolves a possibly negative list index; `None` when out of range.
fn resolve_index(len: usize, index: i64) -> Option<usize> {
    let len = len as i128;
    let i = index as i128;
    let i = if i < 0 { len + i } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

/// `container[index]`.
///
/// - LIST with INTEGER: the element; negative indices count from the end
///   (`-1` is the last); out of range is null;
/// - MAP with STRING: the value under that key, null when absent;
/// - a null container or a null index gives null;
/// - anything else is a TypeError, including indexing a string (openCypher
///   has no string indexing; use `substring`) and indexing a list with a
///   non-integer. Node and relationship properties need the graph and are
///   resolved by the executor, not here.
pub fn index(container: &Value, idx: &Value) -> Result<Value> {
    match (container, idx) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(items), Value::Int(i)) => Ok(resolve_index(items.len(), *i)
            .and_then(|i| items.get(i).cloned())
            .unwrap_or(Value::Null)),
        (Value::List(_), other) => Err(type_error(format!(
            "a LIST index must be an INTEGER, not {}",
            other.type_name()
        ))),
        (Value::Map(entries), Value::String(key)) => {
            Ok(entries.get(key.as_str()).cloned().unwrap_or(Value::Null))
        }
        (Value::Map(_), other) => Err(type_error(format!(
            "a MAP key must be a STRING, not {}",
            other.type_name()
        ))),
        (other, _) => Err(type_error(format!(
            "cannot index into {} with `[]`; only LIST and MAP values can be indexed",
            other.type_name()
        ))),
    }
}

/// Reads an optional slice bound: `Ok(None)` for an omitted bound,
/// `Ok(Some(None))` for a null one.
fn slice_bound(bound: Option<&Value>) -> Result<Option<Option<i64>>> {
    match bound {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::Int(i)) => Ok(Some(Some(*i))),
        Some(other) => Err(type_error(format!(
            "a LIST slice bound must be an INTEGER, not {}",
            other.type_name()
        ))),
    }
}

/// `list[from..to]`, with either bound omitted (`None`).
///
/// Bounds are half-open (`[1, 2, 3][0..2]` is `[1, 2]`); negative bounds
/// count from the end; out-of-range bounds are clamped; an empty or inverted
/// range gives `[]`. A null list or a null bound gives null. Slicing anything
/// but a list is a TypeError.
pub fn slice(list: &Value, from: Option<&Value>, to: Option<&Value>) -> Result<Value> {
    let items = match list {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => {
            return Err(type_error(format!(
                "cannot slice {}; only LIST values can be sliced",
                other.type_name()
            )));
        }
    };
    let (from, to) = (slice_bound(from)?, slice_bound(to)?);
    let len = items.len() as i128;
    // Negative bounds count from the end; then both are clamped to the list.
    let resolve = |bound: i64| {
        let b = bound as i128;
        (if b < 0 { len + b } else { b }).clamp(0, len)
    };
    let start = match from {
        None => 0,
        Some(None) => return Ok(Value::Null),
        Some(Some(b)) => resolve(b),
    };
    let end = match to {
        None => len,
        Some(None) => return Ok(Value::Null),
        Some(Some(b)) => resolve(b),
    };
    if start >= end {
        return Ok(Value::List(Vec::new().into()));
    }
    Ok(Value::List(
        items
            .iter()
            .skip(start as usize)
            .take((end - start) as usize)
            .cloned()
            .collect(),
    ))
}

/// `container.key` for values that carry their properties: a MAP (null when
/// the key is absent) or a DATE (see
/// [`property_of_date`](crate::lang::functions::property_of_date)).
/// A null container gives null. Nodes and relationships need the graph and
/// are resolved by the executor; here, as for other types, they are a
/// TypeError.
pub fn property(container: &Value, key: &str) -> Result<Value> {
    match container {
        Value::Null => Ok(Value::Null),
        Value::Map(entries) => Ok(entries.get(key).cloned().unwrap_or(Value::Null)),
        Value::Date(d) => crate::lang::functions::property_of_date(*d, key),
        other => Err(type_error(format!(
            "cannot read property `{key}` of {}",
            other.type_name()
        ))),
    }
}

// ---------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------

/// Interprets the value of a `WHERE` (or other filtering) predicate: only
/// `true` keeps the row; `false` and null drop it. Any other value is a
/// TypeError, so a predicate that is not boolean is reported rather than
/// silently dropping every row.
pub fn truthiness(v: &Value) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => Ok(false),
        other => Err(type_error(format!(
            "a predicate must be BOOLEAN, not {}",
            other.type_name()
        ))),
    }
}

/// True only for `Value::Bool(true)`: the lenient form of [`truthiness`].
pub fn is_true(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

// ---------------------------------------------------------------------------
// Text forms
// ---------------------------------------------------------------------------

/// Writes a float the way `toString` does: always recognisable as a float.
///
/// Whole numbers keep a `.0` (`1.0`, `-0.0`); very large or very small
/// magnitudes use an exponent with a fractional mantissa (`1.0e20`,
/// `1.5e-7`); NaN and the infinities are `NaN`, `Infinity`, `-Infinity`.
/// Otherwise the shortest text that reads back as the same float.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let magnitude = x.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let text = format!("{x:e}");
        // `{:e}` writes `1e20`; a bare mantissa would read as an integer.
        return match text.split_once('e') {
            Some((mantissa, exponent)) if !mantissa.contains('.') => {
                format!("{mantissa}.0e{exponent}")
            }
            _ => text,
        };
    }
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

// ---------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------

/// Which aggregate function an [`Aggregator`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateKind {
    /// `count(expr)`: the number of non-null values.
    Count,
    /// `count(*)`: the number of rows, nulls included.
    CountStar,
    /// `sum(expr)`: 0 over no values.
    Sum,
    /// `avg(expr)`: a FLOAT, null over no values.
    Avg,
    /// `min(expr)` under [`order_key_cmp`]; null over no values.
    Min,
    /// `max(expr)` under [`order_key_cmp`]; null over no values.
    Max,
    /// `collect(expr)`: the non-null values in arrival order.
    Collect,
}

impl AggregateKind {
    /// The aggregate a function name denotes (case-insensitive), if any.
    /// `count` gives [`AggregateKind::Count`]; the parser maps `count(*)` to
    /// [`AggregateKind::CountStar`] itself.
    pub fn from_name(name: &str) -> Option<AggregateKind> {
        const KINDS: [(&str, AggregateKind); 6] = [
            ("count", AggregateKind::Count),
            ("sum", AggregateKind::Sum),
            ("avg", AggregateKind::Avg),
            ("min", AggregateKind::Min),
            ("max", AggregateKind::Max),
            ("collect", AggregateKind::Collect),
        ];
        KINDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, k)| *k)
    }
}

/// Running state of one aggregate.
#[derive(Clone, Debug)]
enum AggState {
    Count(i64),
    /// An integer sum until the first float arrives, then a float sum.
    SumInt(i64),
    SumFloat(f64),
    /// Integers summed exactly in an i128; floats separately, so a mean of
    /// large integers loses nothing before the final division.
    Avg {
        ints: i128,
        floats: f64,
        count: u64,
    },
    Extreme(Option<Value>),
    Collect(Vec<Value>),
}

/// A set of element ids for DISTINCT: the first few held in place, then a
/// hash set, then, when the ids are not too large, a bit per id (the
/// store's ids are dense, so a million distinct nodes take a few hundred
/// kilobytes and an insert is a bit test). Most groups of a grouped
/// DISTINCT count see a handful of ids (Q4 of the benchmark: 2,386 groups
/// for 5,357 rows), and for those the set allocates nothing.
#[derive(Clone, Debug)]
enum IdSet {
    Few { ids: [u64; FEW_IDS], len: usize },
    Hashed(HashSet<u64>),
    Bits(Vec<u64>),
}

/// Ids an [`IdSet`] holds in place before it hashes.
const FEW_IDS: usize = 4;

impl Default for IdSet {
    fn default() -> IdSet {
        IdSet::Few {
            ids: [0; FEW_IDS],
            len: 0,
        }
    }
}

/// Ids below this may go in the bit set (a bit set of them takes 32 MiB).
const ID_BITS_LIMIT: u64 = 1 << 28;
/// A hash set this large moves to bits when its ids allow (checked as it
/// doubles, so the check costs nothing per insert).
const ID_BITS_FROM: usize = 64;

impl IdSet {
    /// Adds `id`; true when it was not there.
    fn insert(&mut self, id: u64) -> bool {
        match self {
            IdSet::Few { ids, len } => {
                if ids[..*len].contains(&id) {
                    return false;
                }
                if *len < FEW_IDS {
                    ids[*len] = id;
                    *len += 1;
                } else {
                    let mut set: HashSet<u64> = ids.iter().copied().collect();
                    set.insert(id);
                    *self = IdSet::Hashed(set);
                }
                true
            }
            IdSet::Hashed(set) => {
                let new = set.insert(id);
                // Bits pay once the set is not tiny and the words they
                // take stay within 64 per id held (512 bytes).
                if set.len() >= ID_BITS_FROM
                    && set.len().is_power_of_two()
                    && let Some(max) = set.iter().max()
                    && *max < ID_BITS_LIMIT
                    && *max / 64 <= 64 * set.len() as u64
                {
                    let mut bits = Vec::new();
                    for i in set.iter() {
                        set_bit(&mut bits, *i);
                    }
                    *self = IdSet::Bits(bits);
                }
                new
            }
            IdSet::Bits(bits) if id < ID_BITS_LIMIT => set_bit(bits, id),
            IdSet::Bits(bits) => {
                // A huge id: back to hashing, for good.
                let mut set: HashSet<u64> = HashSet::default();
                for (w, word) in bits.iter().enumerate() {
                    for b in 0..64 {
                        if word & (1 << b) != 0 {
                            set.insert(w as u64 * 64 + b);
                        }
                    }
                }
                let new = set.insert(id);
                *self = IdSet::Hashed(set);
                new
            }
        }
    }
}

/// Sets bit `id`, growing `bits`; true when it was clear.
fn set_bit(bits: &mut Vec<u64>, id: u64) -> bool {
    let (word, bit) = ((id / 64) as usize, id % 64);
    if bits.len() <= word {
        bits.resize((word + 1).next_power_of_two(), 0);
    }
    let new = bits[word] & (1 << bit) == 0;
    bits[word] |= 1 << bit;
    new
}

/// An accumulator for one aggregate function over one group.
///
/// Feed it each row's argument with [`update`](Aggregator::update), then take
/// the result with [`finish`](Aggregator::finish). Following openCypher,
/// null arguments are ignored by every aggregate except `count(*)`; with
/// `distinct`, a value equal (as a [`GroupKey`]) to one already seen is
/// ignored too, so `count(DISTINCT x)` counts `1` and `1.0` once.
///
/// ```
/// use attest::lang::values::{AggregateKind, Aggregator};
/// use attest::model::Value;
/// let mut sum = Aggregator::new(AggregateKind::Sum, false);
/// for v in [Value::Int(1), Value::Null, Value::Float(2.5)] {
///     sum.update(v).unwrap();
/// }
/// assert_eq!(sum.finish(), Value::Float(3.5));
/// ```
#[derive(Clone, Debug)]
pub struct Aggregator {
    kind: AggregateKind,
    /// Values already seen, when the aggregate is DISTINCT (nodes and
    /// relationships in the two sets of ids below).
    seen: Option<HashSet<GroupKey>>,
    seen_nodes: IdSet,
    seen_rels: IdSet,
    state: AggState,
}

impl Aggregator {
    /// A fresh accumulator. `distinct` is ignored for `count(*)`, which
    /// counts rows rather than values.
    pub fn new(kind: AggregateKind, distinct: bool) -> Aggregator {
        let state = match kind {
            AggregateKind::Count | AggregateKind::CountStar => AggState::Count(0),
            AggregateKind::Sum => AggState::SumInt(0),
            AggregateKind::Avg => AggState::Avg {
                ints: 0,
                floats: 0.0,
                count: 0,
            },
            AggregateKind::Min | AggregateKind::Max => AggState::Extreme(None),
            AggregateKind::Collect => AggState::Collect(Vec::new()),
        };
        let distinct = distinct && kind != AggregateKind::CountStar;
        Aggregator {
            kind,
            seen: distinct.then(HashSet::default),
            seen_nodes: IdSet::default(),
            seen_rels: IdSet::default(),
            state,
        }
    }

    /// The aggregate this accumulator computes.
    pub fn kind(&self) -> AggregateKind {
        self.kind
    }

    /// [`Aggregator::update`] with a borrowed value: `count` of a node or
    /// relationship then touches only its id.
    pub fn update_ref(&mut self, v: &Value) -> Result<()> {
        if self.kind == AggregateKind::Count && matches!(v, Value::Node(_) | Value::Relationship(_)) {
            if self.first_sighting(v)
                && let AggState::Count(n) = &mut self.state
            {
                *n = n.saturating_add(1);
            }
            return Ok(());
        }
        self.update(v.clone())
    }

    /// Records `v` as seen; true unless the aggregate is DISTINCT and saw
    /// an equal value before. Nodes and relationships are told apart by id
    /// alone: a set of integers is much cheaper than hashing values.
    fn first_sighting(&mut self, v: &Value) -> bool {
        let Some(seen) = &mut self.seen else {
            return true;
        };
        match v {
            Value::Node(id) => self.seen_nodes.insert(id.0),
            Value::Relationship(id) => self.seen_rels.insert(id.0),
            _ => seen.insert(GroupKey(v.clone())),
        }
    }

    /// Counts `rows` more rows at once; only `count(*)` counts rows, so
    /// any other aggregate is left as it was.
    pub fn add_rows(&mut self, rows: usize) {
        if self.kind == AggregateKind::CountStar
            && let AggState::Count(n) = &mut self.state
        {
            *n = n.saturating_add(i64::try_from(rows).unwrap_or(i64::MAX));
        }
    }

    /// Adds one row's argument. `sum` and `avg` of a non-number are a
    /// TypeError, and an integer `sum` that overflows is an ArithmeticError.
    pub fn update(&mut self, v: Value) -> Result<()> {
        if self.kind == AggregateKind::CountStar {
            if let AggState::Count(n) = &mut self.state {
                *n = n.saturating_add(1);
            }
            return Ok(());
        }
        if v.is_null() {
            return Ok(());
        }
        // Type-check before recording the value as seen, so a rejected value
        // leaves the accumulator as it was.
        if matches!(self.kind, AggregateKind::Sum | AggregateKind::Avg)
            && !matches!(v, Value::Int(_) | Value::Float(_))
        {
            let name = if self.kind == AggregateKind::Sum {
                "sum"
            } else {
                "avg"
            };
            return Err(type_error(format!(
                "{name}() takes numbers, not {}",
                v.type_name()
            )));
        }
        if !self.first_sighting(&v) {
            return Ok(());
        }
        match (&mut self.state, v) {
            (AggState::Count(n), _) => *n = n.saturating_add(1),
            (AggState::SumInt(total), Value::Int(i)) => {
                *total = total
                    .checked_add(i)
                    .ok_or_else(|| overflow(format!("sum() reaching {total} + {i}")))?;
            }
            (AggState::SumInt(total), Value::Float(f)) => {
                self.state = AggState::SumFloat(*total as f64 + f);
            }
            (AggState::SumFloat(total), Value::Int(i)) => *total += i as f64,
            (AggState::SumFloat(total), Value::Float(f)) => *total += f,
            (AggState::Avg { ints, floats, count }, v) => {
                // Saturation is out of reach in practice (2^64 maximal
                // integers), but keeps the accumulator panic-free regardless.
                match v {
                    Value::Int(i) => *ints = ints.saturating_add(i.into()),
                    Value::Float(f) => *floats += f,
                    _ => {}
                }
                *count = count.saturating_add(1);
            }
            (AggState::Extreme(best), v) => {
                let wanted = if self.kind == AggregateKind::Min {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                // Ties keep the first value seen (so `max` of 1 and 1.0 is 1).
                let replace = best.as_ref().is_none_or(|b| order_key_cmp(&v, b) == wanted);
                if replace {
                    *best = Some(v);
                }
            }
            (AggState::Collect(items), v) => items.push(v),
            // Sum states only ever see numbers: non-numbers were rejected above.
            (AggState::SumInt(_) | AggState::SumFloat(_), _) => {}
        }
        Ok(())
    }

    /// The aggregate's value over everything fed so far.
    pub fn finish(self) -> Value {
        match self.state {
            AggState::Count(n) => Value::Int(n),
            AggState::SumInt(total) => Value::Int(total),
            AggState::SumFloat(total) => Value::Float(total),
            AggState::Avg { ints, floats, count } => {
                if count == 0 {
                    Value::Null
                } else {
                    Value::Float((ints as f64 + floats) / count as f64)
                }
            }
            AggState::Extreme(best) => best.unwrap_or(Value::Null),
            AggState::Collect(items) => Value::List(items.into()),
        }
    }
}

/// Builds a map value; a convenience for callers assembling results.
pub fn map_of<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
    Value::Map(Box::new(
        entries
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<BTreeMap<_, _>>(),
    ))
}

#[cfg(test)]
mod tests {

    #[test]
    fn id_sets_move_to_bits_and_back_without_losing_an_id() {
        let mut set = IdSet::default();
        let mut reference = std::collections::BTreeSet::new();
        let ids = (0..5000u64)
            .map(|i| (i * 7919) % 3001)
            .chain([ID_BITS_LIMIT + 5, 3, ID_BITS_LIMIT + 5]);
        for id in ids {
            assert_eq!(set.insert(id), reference.insert(id), "{id}");
        }
        assert!(matches!(set, IdSet::Hashed(_)));
        let mut set = IdSet::default();
        for id in 0..3000u64 {
            assert!(set.insert(id * 3));
            assert!(!set.insert(id * 3));
        }
        assert!(matches!(set, IdSet::Bits(_)));
    }

    #[test]
    fn a_few_ids_stay_in_place_until_one_more_comes() {
        let mut set = IdSet::default();
        for id in [9, 4, 9, 7, 4, 2] {
            set.insert(id);
        }
        assert!(matches!(set, IdSet::Few { len: 4, .. }));
        assert!(!set.insert(2));
        assert!(set.insert(3));
        assert!(matches!(set, IdSet::Hashed(_)));
        for id in [9, 4, 7, 2, 3] {
            assert!(!set.insert(id), "{id} was held before the move");
        }
    }

    #[test]
    fn distinct_counts_tell_nodes_relationships_and_numbers_apart() {
        let mut count = Aggregator::new(AggregateKind::Count, true);
        for v in [
            Value::Node(NodeId(1)),
            Value::Relationship(RelId(1)),
            Value::Node(NodeId(1)),
            Value::Int(1),
            Value::Relationship(RelId(1)),
            Value::Node(NodeId(2)),
            Value::Null,
        ] {
            count.update(v).unwrap();
        }
        assert_eq!(count.finish(), Value::Int(4));
        let mut collect = Aggregator::new(AggregateKind::Collect, true);
        for id in [3, 1, 3, 2, 1] {
            collect.update(Value::Node(NodeId(id))).unwrap();
        }
        assert_eq!(
            collect.finish(),
            Value::List([3, 1, 2].map(|id| Value::Node(NodeId(id))).to_vec().into())
        );
    }

    use super::*;
    use crate::model::{NodeId, Path, RelId};
    use std::collections::hash_map::DefaultHasher;

    fn hash_of(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        GroupKey(v.clone()).hash(&mut h);
        h.finish()
    }

    #[test]
    fn date_range_constants_match_the_calendar() {
        assert_eq!(Date::from_ymd(-9999, 1, 1).map(Date::days), Some(MIN_DATE_DAYS));
        assert_eq!(Date::from_ymd(9999, 12, 31).map(Date::days), Some(MAX_DATE_DAYS));
    }

    #[test]
    fn int_float_comparison_is_exact() {
        let big = 1i64 << 53;
        assert_eq!(cmp_int_float(big + 1, big as f64), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(big, big as f64), Some(Ordering::Equal));
        assert_eq!(
            cmp_int_float(i64::MAX, i64::MAX as f64), /* 2^63 */
            Some(Ordering::Less)
        );
        assert_eq!(cmp_int_float(i64::MIN, i64::MIN as f64), Some(Ordering::Equal));
        assert_eq!(cmp_int_float(-1, -1.5), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(-2, -1.5), Some(Ordering::Less));
        assert_eq!(cmp_int_float(0, f64::NAN), None);
        assert_eq!(cmp_int_float(0, f64::INFINITY), Some(Ordering::Less));
    }

    #[test]
    fn group_key_hash_agrees_with_equality() {
        let pairs = [
            (Value::Int(1), Value::Float(1.0)),
            (Value::Int(0), Value::Float(-0.0)),
            (Value::Float(f64::NAN), Value::Float(-f64::NAN)),
            (
                Value::from(vec![Value::Int(2), Value::Null]),
                Value::from(vec![Value::Float(2.0), Value::Null]),
            ),
            (map_of([("a", Value::Int(3))]), map_of([("a", Value::Float(3.0))])),
        ];
        for (a, b) in pairs {
            assert_eq!(GroupKey(a.clone()), GroupKey(b.clone()), "{a:?} vs {b:?}");
            assert_eq!(hash_of(&a), hash_of(&b), "{a:?} vs {b:?}");
        }
        assert_ne!(GroupKey(Value::Int(1)), GroupKey(Value::Float(1.5)));
        assert_ne!(GroupKey(Value::Int(1)), GroupKey(Value::from("1")));
    }

    #[test]
    fn paths_sort_by_their_walk() {
        let short = Value::Path(Box::new(Path::single(NodeId(1))));
        let long = Value::Path(Box::new(Path {
            nodes: vec![NodeId(1), NodeId(2)],
            rels: vec![RelId(7)],
        }));
        assert_eq!(order_key_cmp(&short, &long), Ordering::Less);
        let walk = Path {
            nodes: vec![NodeId(1), NodeId(2)],
            rels: vec![RelId(7)],
        };
        assert_eq!(path_sequence(&walk).collect::<Vec<_>>(), vec![1, 7, 2]);
    }

    #[test]
    fn floats_read_as_floats() {
        for (x, text) in [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (2.5, "2.5"),
            (0.1, "0.1"),
            (1e20, "1.0e20"),
            (1.5e-7, "1.5e-7"),
            (123456.789, "123456.789"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(format_float(x), text);
        }
    }

    #[test]
    fn regex_cache_returns_the_same_answers() {
        for _ in 0..3 {
            assert_eq!(
                regex_match(&Value::from("abc"), &Value::from("a.c")),
                Ok(Value::Bool(true))
            );
        }
        assert_eq!(
            regex_match(&Value::from("xabc"), &Value::from("a|xabc")),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            regex_match(&Value::from("ab"), &Value::from("a|b")),
            Ok(Value::Bool(false))
        );
    }
}
