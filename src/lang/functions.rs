//! Built-in functions: the pure scalar ones evaluated here, and the catalogue
//! of every function name the language knows (for arity checks, "did you
//! mean" suggestions and REPL completion).
//!
//! [`call`] evaluates a scalar function over already evaluated arguments.
//! Names are case-insensitive (`toUpper`, `TOUPPER`). The rules that hold
//! across functions, unless a function's entry says otherwise:
//!
//! - a null argument gives a null result (`toUpper(null)` is null);
//! - a wrong number of arguments is `SyntaxError[InvalidNumberOfArguments]`,
//!   as openCypher reports it at compile time ([`check_arity`] lets the
//!   planner report it before running anything);
//! - an argument of the wrong type is `TypeError[InvalidArgumentValue]`;
//! - an argument of the right type but an unusable value (a negative
//!   `substring` start, a `range` step of 0, an invalid date) is an
//!   `ArgumentError`;
//! - integer overflow is an `ArithmeticError`.
//!
//! Some catalogued functions need the graph (`labels`, `type`, `startNode`,
//! …) or aggregate over rows (`count`, `sum`, …); the executor evaluates
//! those itself (see [`needs_graph`] and [`is_aggregate`]). Graph functions
//! whose answer lies in the value alone (`id`, `length`, `nodes`,
//! `relationships`, and `keys`/`properties` of a map) are evaluated here.

use crate::error::{ErrorClass, QueryError};
use crate::lang::values::{Result, checked_date, format_float};
use crate::model::{Date, Value};
use std::collections::BTreeMap;

/// The most elements `range()` may produce; larger ranges are refused with a
/// `LimitExceeded` error rather than exhausting memory.
pub const MAX_RANGE_LEN: usize = 1_000_000;

/// What evaluates a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Evaluated by [`call`] from its arguments alone.
    Scalar,
    /// Needs the graph for its main use; [`call`] answers only the cases the
    /// value alone decides (null arguments, maps, ids, paths).
    Graph,
    /// Aggregates over rows; see [`crate::lang::values::Aggregator`].
    Aggregate,
}

/// One catalogue entry: canonical name, argument count range, evaluator.
struct Spec {
    name: &'static str,
    min: usize,
    /// `usize::MAX` for variadic functions.
    max: usize,
    kind: Kind,
}

const fn spec(name: &'static str, min: usize, max: usize, kind: Kind) -> Spec {
    Spec { name, min, max, kind }
}

const VARIADIC: usize = usize::MAX;

use Kind::{Aggregate, Graph, Scalar};

/// Every function the language knows, with its canonical spelling.
const SPECS: &[Spec] = &[
    // Numeric.
    spec("abs", 1, 1, Scalar),
    spec("sign", 1, 1, Scalar),
    spec("round", 1, 2, Scalar),
    spec("floor", 1, 1, Scalar),
    spec("ceil", 1, 1, Scalar),
    spec("sqrt", 1, 1, Scalar),
    spec("exp", 1, 1, Scalar),
    spec("log", 1, 1, Scalar),
    spec("log10", 1, 1, Scalar),
    spec("isNaN", 1, 1, Scalar),
    spec("e", 0, 0, Scalar),
    spec("pi", 0, 0, Scalar),
    spec("sin", 1, 1, Scalar),
    spec("cos", 1, 1, Scalar),
    spec("tan", 1, 1, Scalar),
    spec("cot", 1, 1, Scalar),
    spec("asin", 1, 1, Scalar),
    spec("acos", 1, 1, Scalar),
    spec("atan", 1, 1, Scalar),
    spec("atan2", 2, 2, Scalar),
    spec("degrees", 1, 1, Scalar),
    spec("radians", 1, 1, Scalar),
    // Conversion.
    spec("toString", 1, 1, Scalar),
    spec("toInteger", 1, 1, Scalar),
    spec("toFloat", 1, 1, Scalar),
    spec("toBoolean", 1, 1, Scalar),
    spec("toStringOrNull", 1, 1, Scalar),
    spec("toIntegerOrNull", 1, 1, Scalar),
    spec("toFloatOrNull", 1, 1, Scalar),
    spec("toBooleanOrNull", 1, 1, Scalar),
    // Strings.
    spec("toLower", 1, 1, Scalar),
    spec("toUpper", 1, 1, Scalar),
    spec("trim", 1, 1, Scalar),
    spec("ltrim", 1, 1, Scalar),
    spec("rtrim", 1, 1, Scalar),
    spec("substring", 2, 3, Scalar),
    spec("replace", 3, 3, Scalar),
    spec("split", 2, 2, Scalar),
    spec("left", 2, 2, Scalar),
    spec("right", 2, 2, Scalar),
    spec("char_length", 1, 1, Scalar),
    spec("character_length", 1, 1, Scalar),
    // Strings and lists.
    spec("reverse", 1, 1, Scalar),
    spec("size", 1, 1, Scalar),
    spec("isEmpty", 1, 1, Scalar),
    // Lists.
    spec("head", 1, 1, Scalar),
    spec("last", 1, 1, Scalar),
    spec("tail", 1, 1, Scalar),
    spec("range", 2, 3, Scalar),
    spec("rand", 0, 0, Scalar),
    // Other scalars.
    spec("coalesce", 1, VARIADIC, Scalar),
    spec("date", 0, 1, Scalar),
    // Graph functions.
    spec("id", 1, 1, Graph),
    spec("labels", 1, 1, Graph),
    spec("type", 1, 1, Graph),
    spec("keys", 1, 1, Graph),
    spec("properties", 1, 1, Graph),
    spec("length", 1, 1, Graph),
    spec("nodes", 1, 1, Graph),
    spec("relationships", 1, 1, Graph),
    spec("startNode", 1, 1, Graph),
    spec("endNode", 1, 1, Graph),
    spec("exists", 1, 1, Graph),
    spec("evidence", 1, 1, Graph),
    spec("timeline", 0, 0, Graph),
    spec("shortestPath", 1, 1, Graph),
    spec("allShortestPaths", 1, 1, Graph),
    // Aggregates.
    spec("count", 1, 1, Aggregate),
    spec("sum", 1, 1, Aggregate),
    spec("avg", 1, 1, Aggregate),
    spec("min", 1, 1, Aggregate),
    spec("max", 1, 1, Aggregate),
    spec("collect", 1, 1, Aggregate),
];

const fn names_of<const N: usize>(specs: &[Spec]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = specs[i].name;
        i += 1;
    }
    out
}

static NAMES: [&str; SPECS.len()] = names_of(SPECS);

/// The canonical names of every function the language knows: scalar, graph
/// and aggregate. For "did you mean" suggestions and REPL completion.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

fn lookup(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// True when `name` (any case) is a known function.
pub fn is_known(name: &str) -> bool {
    lookup(name).is_some()
}

/// The canonical spelling of a known function name (`"TOUPPER"` →
/// `"toUpper"`), for column names and messages.
pub fn canonical_name(name: &str) -> Option<&'static str> {
    lookup(name).map(|s| s.name)
}

/// True for the aggregating functions (`count`, `sum`, `avg`, `min`, `max`,
/// `collect`).
pub fn is_aggregate(name: &str) -> bool {
    lookup(name).is_some_and(|s| s.kind == Aggregate)
}

/// True for the functions whose general case needs the graph, so the
/// executor must evaluate them: `labels`, `type`, `startNode`, `endNode`,
/// `evidence`, `shortestPath`, `allShortestPaths`, and `keys`/`properties`
/// of nodes and relationships. ([`call`] still answers `id`, `length`,
/// `nodes`, `relationships`, `exists` and `keys`/`properties` of maps.)
pub fn needs_graph(name: &str) -> bool {
    lookup(name).is_some_and(|s| s.kind == Graph)
}

/// The accepted argument counts of a known function: `(min, max)`, with
/// `max` `None` for variadic functions.
pub fn arity(name: &str) -> Option<(usize, Option<usize>)> {
    lookup(name).map(|s| (s.min, (s.max != VARIADIC).then_some(s.max)))
}

/// The error for a function name nobody knows, with a suggestion when one
/// is close: `SyntaxError[UnknownFunction]`.
pub fn unknown_function(name: &str) -> QueryError {
    let hint = crate::error::nearest(name, names().iter().copied())
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    QueryError::new(
        ErrorClass::SyntaxError,
        format!("unknown function `{name}`{hint}"),
    )
    .with_detail("UnknownFunction")
}

/// Checks that `name` exists and accepts `count` arguments: otherwise
/// `SyntaxError[UnknownFunction]` or `SyntaxError[InvalidNumberOfArguments]`.
pub fn check_arity(name: &str, count: usize) -> Result<()> {
    let spec = lookup(name).ok_or_else(|| unknown_function(name))?;
    if (spec.min..=spec.max).contains(&count) {
        return Ok(());
    }
    let expected = match (spec.min, spec.max) {
        (min, VARIADIC) => format!("at least {min} argument{}", plural(min)),
        (min, max) if min == max => format!("{min} argument{}", plural(min)),
        (min, max) => format!("{min} to {max} arguments"),
    };
    Err(QueryError::new(
        ErrorClass::SyntaxError,
        format!(
            "{}() takes {expected}, but {count} {} given",
            spec.name,
            if count == 1 { "was" } else { "were" }
        ),
    )
    .with_detail("InvalidNumberOfArguments"))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ---------------------------------------------------------------------------
// Errors and argument readers
// ---------------------------------------------------------------------------

/// `TypeError[InvalidArgumentValue]`: the TCK's class for a function handed
/// an argument of a type it does not take.
fn arg_type_error(function: &str, expected: &str, got: &Value) -> QueryError {
    QueryError::new(
        ErrorClass::TypeError,
        format!("{function}() takes {expected}, not {}", got.type_name()),
    )
    .with_detail("InvalidArgumentValue")
}

fn argument_error(message: impl Into<String>) -> QueryError {
    QueryError::new(ErrorClass::ArgumentError, message).with_detail("InvalidArgumentValue")
}

/// A numeric argument as a float; `None` for null.
fn float_arg(function: &str, v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i as f64)),
        Value::Float(f) => Ok(Some(*f)),
        other => Err(arg_type_error(function, "a number", other)),
    }
}

/// An integer argument; `None` for null.
fn int_arg(function: &str, v: &Value) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(arg_type_error(function, "an INTEGER", other)),
    }
}

/// A string argument; `None` for null.
fn str_arg<'a>(function: &str, v: &'a Value) -> Result<Option<&'a str>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        other => Err(arg_type_error(function, "a STRING", other)),
    }
}

/// A list argument; `None` for null.
fn list_arg<'a>(function: &str, v: &'a Value) -> Result<Option<&'a [Value]>> {
    match v {
        Value::Null => Ok(None),
        Value::List(items) => Ok(Some(items)),
        other => Err(arg_type_error(function, "a LIST", other)),
    }
}

/// A count of characters (a length or position), which must not be negative.
fn count_arg(function: &str, what: &str, v: &Value) -> Result<Option<usize>> {
    match int_arg(function, v)? {
        None => Ok(None),
        Some(n) if n < 0 => Err(argument_error(format!(
            "{function}() needs a {what} of at least 0, not {n}"
        ))),
        // A count beyond usize (only possible on 32-bit targets) is beyond
        // any string, so saturating keeps the meaning.
        Some(n) => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
    }
}

fn from_float(f: Option<f64>, op: impl FnOnce(f64) -> f64) -> Value {
    f.map_or(Value::Null, |x| Value::Float(op(x)))
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/// Evaluates the function `name` (any case) on evaluated arguments.
///
/// Fails with `SyntaxError[UnknownFunction]` for an unknown name,
/// `SyntaxError[InvalidNumberOfArguments]` for a wrong argument count, and
/// `SyntaxError[InvalidAggregation]` for an aggregate (aggregates run over
/// rows through [`crate::lang::values::Aggregator`], never per row). Graph
/// functions whose answer needs the graph (`labels(n)`, `type(r)`, …) fail
/// with a `SemanticError` saying the executor must evaluate them; their null
/// arguments still give null.
///
/// ```
/// use attest::lang::functions::call;
/// use attest::model::Value;
/// assert_eq!(call("toUpper", &["abc".into()]).unwrap(), Value::from("ABC"));
/// assert_eq!(call("coalesce", &[Value::Null, 2i64.into()]).unwrap(), Value::Int(2));
/// ```
pub fn call(name: &str, args: &[Value]) -> Result<Value> {
    check_arity(name, args.len())?;
    let spec = lookup(name).ok_or_else(|| unknown_function(name))?;
    let fname = spec.name;
    // Reads argument `i`; the arity check above guarantees it exists, and a
    // missing one would read as null rather than panic.
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    match fname {
        // Numeric.
        "abs" => match arg(0) {
            Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| {
                QueryError::new(
                    ErrorClass::ArithmeticError,
                    format!("integer overflow: abs({i}) does not fit in a 64-bit INTEGER"),
                )
                .with_detail("IntegerOverflow")
            }),
            other => Ok(from_float(float_arg(fname, other)?, f64::abs)),
        },
        "sign" => Ok(match arg(0) {
            Value::Int(i) => Value::Int(i.signum()),
            other => float_arg(fname, other)?.map_or(Value::Null, |f| {
                // NaN has no sign; like Neo4j, it gives 0.
                Value::Int(if f > 0.0 {
                    1
                } else if f < 0.0 {
                    -1
                } else {
                    0
                })
            }),
        }),
        "round" => round(args),
        "floor" => Ok(from_float(float_arg(fname, arg(0))?, f64::floor)),
        "ceil" => Ok(from_float(float_arg(fname, arg(0))?, f64::ceil)),
        "sqrt" => Ok(from_float(float_arg(fname, arg(0))?, f64::sqrt)),
        "exp" => Ok(from_float(float_arg(fname, arg(0))?, f64::exp)),
        "log" => Ok(from_float(float_arg(fname, arg(0))?, f64::ln)),
        "log10" => Ok(from_float(float_arg(fname, arg(0))?, f64::log10)),
        "sin" => Ok(from_float(float_arg(fname, arg(0))?, f64::sin)),
        "cos" => Ok(from_float(float_arg(fname, arg(0))?, f64::cos)),
        "tan" => Ok(from_float(float_arg(fname, arg(0))?, f64::tan)),
        "cot" => Ok(from_float(float_arg(fname, arg(0))?, |x| 1.0 / x.tan())),
        "asin" => Ok(from_float(float_arg(fname, arg(0))?, f64::asin)),
        "acos" => Ok(from_float(float_arg(fname, arg(0))?, f64::acos)),
        "atan" => Ok(from_float(float_arg(fname, arg(0))?, f64::atan)),
        "atan2" => {
            let (y, x) = (float_arg(fname, arg(0))?, float_arg(fname, arg(1))?);
            Ok(match (y, x) {
                (Some(y), Some(x)) => Value::Float(y.atan2(x)),
                _ => Value::Null,
            })
        }
        "degrees" => Ok(from_float(float_arg(fname, arg(0))?, f64::to_degrees)),
        "radians" => Ok(from_float(float_arg(fname, arg(0))?, f64::to_radians)),
        "isNaN" => Ok(float_arg(fname, arg(0))?.map_or(Value::Null, |f| Value::Bool(f.is_nan()))),
        "e" => Ok(Value::Float(std::f64::consts::E)),
        "pi" => Ok(Value::Float(std::f64::consts::PI)),

        // Conversion.
        "toString" => match arg(0) {
            Value::Null => Ok(Value::Null),
            // A date outside the calendar range reports that, not a type error.
            Value::Date(d) => checked_date(*d).map(|d| Value::from(d.to_string())),
            v => to_string(v)
                .map(Value::from)
                .ok_or_else(|| arg_type_error(fname, "a number, BOOLEAN, STRING or DATE", v)),
        },
        "toStringOrNull" => Ok(to_string(arg(0)).map_or(Value::Null, Value::from)),
        "toInteger" => to_integer(arg(0)),
        "toIntegerOrNull" => Ok(to_integer(arg(0)).unwrap_or(Value::Null)),
        "toFloat" => to_float(arg(0)),
        "toFloatOrNull" => Ok(to_float(arg(0)).unwrap_or(Value::Null)),
        "toBoolean" => to_boolean(arg(0)),
        "toBooleanOrNull" => Ok(to_boolean(arg(0)).unwrap_or(Value::Null)),

        // Strings.
        "toLower" => map_str(fname, arg(0), str::to_lowercase),
        "toUpper" => map_str(fname, arg(0), str::to_uppercase),
        "trim" => map_str(fname, arg(0), |s| s.trim().to_string()),
        "ltrim" => map_str(fname, arg(0), |s| s.trim_start().to_string()),
        "rtrim" => map_str(fname, arg(0), |s| s.trim_end().to_string()),
        "substring" => substring(args),
        "replace" => {
            let parts = (
                str_arg(fname, arg(0))?,
                str_arg(fname, arg(1))?,
                str_arg(fname, arg(2))?,
            );
            Ok(match parts {
                (Some(s), Some(search), Some(with)) => Value::from(s.replace(search, with)),
                _ => Value::Null,
            })
        }
        "split" => split(arg(0), arg(1)),
        "left" | "right" => {
            let (s, n) = (str_arg(fname, arg(0))?, count_arg(fname, "length", arg(1))?);
            Ok(match (s, n) {
                (Some(s), Some(n)) if fname == "left" => Value::String(s.chars().take(n).collect()),
                (Some(s), Some(n)) => {
                    let skip = s.chars().count().saturating_sub(n);
                    Value::String(s.chars().skip(skip).collect())
                }
                _ => Value::Null,
            })
        }
        "char_length" | "character_length" => {
            Ok(str_arg(fname, arg(0))?.map_or(Value::Null, |s| Value::Int(len_i64(s.chars().count()))))
        }

        // Strings and lists.
        "reverse" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::String(s) => Ok(Value::String(s.chars().rev().collect())),
            Value::List(items) => Ok(Value::List(items.iter().rev().cloned().collect())),
            other => Err(arg_type_error(fname, "a STRING or LIST", other)),
        },
        "size" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::String(s) => Ok(Value::Int(len_i64(s.chars().count()))),
            Value::List(items) => Ok(Value::Int(len_i64(items.len()))),
            Value::Path(_) => Err(QueryError::new(
                ErrorClass::TypeError,
                "size() takes a STRING or LIST, not PATH; use length() for the length of a path",
            )
            .with_detail("InvalidArgumentValue")),
            other => Err(arg_type_error(fname, "a STRING or LIST", other)),
        },
        "isEmpty" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::String(s) => Ok(Value::Bool(s.is_empty())),
            Value::List(items) => Ok(Value::Bool(items.is_empty())),
            Value::Map(entries) => Ok(Value::Bool(entries.is_empty())),
            other => Err(arg_type_error(fname, "a STRING, LIST or MAP", other)),
        },

        // Lists.
        "head" => {
            Ok(list_arg(fname, arg(0))?.map_or(Value::Null, |l| l.first().cloned().unwrap_or(Value::Null)))
        }
        "last" => {
            Ok(list_arg(fname, arg(0))?.map_or(Value::Null, |l| l.last().cloned().unwrap_or(Value::Null)))
        }
        "tail" => Ok(list_arg(fname, arg(0))?
            .map_or(Value::Null, |l| Value::List(l.iter().skip(1).cloned().collect()))),
        "range" => range(args).map_err(|e| {
            // openCypher classes a non-integer bound or step as an argument error.
            if e.class == ErrorClass::TypeError {
                QueryError {
                    class: ErrorClass::ArgumentError,
                    ..e
                }
            } else {
                e
            }
        }),
        "rand" => Ok(Value::Float(random_unit())),

        // Other scalars.
        "coalesce" => Ok(args.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null)),
        "date" => date(args.first()),

        // Graph functions answerable from the value alone.
        "id" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::Node(n) => id_value(n.0),
            Value::Relationship(r) => id_value(r.0),
            other => Err(arg_type_error(fname, "a NODE or RELATIONSHIP", other)),
        },
        "length" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::Path(p) => Ok(Value::Int(len_i64(p.len()))),
            Value::String(_) | Value::List(_) => Err(QueryError::new(
                ErrorClass::TypeError,
                format!(
                    "length() takes a PATH, not {}; use size() for strings and lists",
                    arg(0).type_name()
                ),
            )
            .with_detail("InvalidArgumentValue")),
            other => Err(arg_type_error(fname, "a PATH", other)),
        },
        "nodes" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::Path(p) => Ok(Value::List(p.nodes.iter().map(|n| Value::Node(*n)).collect())),
            other => Err(arg_type_error(fname, "a PATH", other)),
        },
        "relationships" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::Path(p) => Ok(Value::List(
                p.rels.iter().map(|r| Value::Relationship(*r)).collect(),
            )),
            other => Err(arg_type_error(fname, "a PATH", other)),
        },
        "keys" => match arg(0) {
            Value::Null => Ok(Value::Null),
            Value::Map(entries) => Ok(Value::List(
                entries.keys().map(|k| Value::from(k.clone())).collect(),
            )),
            v @ (Value::Node(_) | Value::Relationship(_)) => Err(needs_graph_error(fname, v)),
            other => Err(arg_type_error(fname, "a MAP, NODE or RELATIONSHIP", other)),
        },
        "properties" => match arg(0) {
            Value::Null => Ok(Value::Null),
            map @ Value::Map(_) => Ok(map.clone()),
            v @ (Value::Node(_) | Value::Relationship(_)) => Err(needs_graph_error(fname, v)),
            other => Err(arg_type_error(fname, "a MAP, NODE or RELATIONSHIP", other)),
        },
        // `exists(n.prop)` is `n.prop IS NOT NULL`; the pattern form
        // `exists((n)-->())` is planned by the executor.
        "exists" => Ok(Value::Bool(!arg(0).is_null())),

        _ => match spec.kind {
            Kind::Aggregate => Err(QueryError::new(
                ErrorClass::SyntaxError,
                format!("{fname}() is an aggregating function; it can only be used in RETURN or WITH"),
            )
            .with_detail("InvalidAggregation")),
            _ if args.iter().all(Value::is_null) => Ok(Value::Null),
            _ => Err(needs_graph_error(fname, arg(0))),
        },
    }
}

fn needs_graph_error(function: &str, v: &Value) -> QueryError {
    QueryError::new(
        ErrorClass::SemanticError,
        format!(
            "{function}() of a {} needs the graph; the query executor evaluates it",
            v.type_name()
        ),
    )
}

/// A length as an INTEGER (lengths of in-memory values always fit).
fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn id_value(id: u64) -> Result<Value> {
    i64::try_from(id).map(Value::Int).map_err(|_| {
        QueryError::new(
            ErrorClass::ArithmeticError,
            format!("id {id} does not fit in a 64-bit INTEGER"),
        )
    })
}

fn map_str(function: &str, v: &Value, op: impl FnOnce(&str) -> String) -> Result<Value> {
    Ok(str_arg(function, v)?.map_or(Value::Null, |s| Value::from(op(s))))
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

/// The text `toString` gives a value; `None` for types it does not convert
/// (lists, maps, graph elements) and for null.
fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format_float(*f)),
        Value::Bool(b) => Some(b.to_string()),
        Value::String(s) => Some(s.to_string()),
        Value::Date(d) => checked_date(*d).ok().map(|d| d.to_string()),
        _ => None,
    }
}

/// The integer a float truncates to, when it fits.
fn truncate_to_int(f: f64) -> Option<i64> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    let t = f.trunc();
    // NaN fails both comparisons, so it is refused with the out-of-range.
    (-TWO_POW_63..TWO_POW_63).contains(&t).then_some(t as i64)
}

/// Parses an integer from text: an integer literal, or a decimal number
/// truncated toward zero (`'2.9'` is 2, as openCypher's tests expect).
fn parse_int(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| {
        let f = parse_float(s)?;
        if f.is_finite() { truncate_to_int(f) } else { None }
    })
}

/// Parses a float from text. Rust's grammar is close to Java's, which Neo4j
/// uses: digits with an optional fraction and exponent, plus `NaN` and
/// `Infinity` spellings.
fn parse_float(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

/// `toInteger`: integers as they are; floats truncated toward zero
/// (ArithmeticError when out of range or NaN); booleans as 1 and 0 (as in
/// Neo4j 5; the TCK does not forbid it); strings parsed, null when they
/// are not numbers. Other types are a TypeError.
fn to_integer(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Int(*i),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::Float(f) => Value::Int(truncate_to_int(*f).ok_or_else(|| {
            QueryError::new(
                ErrorClass::ArithmeticError,
                format!(
                    "toInteger({}): the value does not fit in a 64-bit INTEGER",
                    format_float(*f)
                ),
            )
            .with_detail("IntegerOverflow")
        })?),
        Value::String(s) => parse_int(s).map_or(Value::Null, Value::Int),
        other => {
            return Err(arg_type_error("toInteger", "a number, BOOLEAN or STRING", other));
        }
    })
}

/// `toFloat`: numbers as floats; strings parsed, null when they are not
/// numbers. Booleans and other types are a TypeError (per the TCK).
fn to_float(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Float(*i as f64),
        Value::Float(f) => Value::Float(*f),
        Value::String(s) => parse_float(s).map_or(Value::Null, Value::Float),
        other => return Err(arg_type_error("toFloat", "a number or STRING", other)),
    })
}

/// `toBoolean`: booleans as they are; integers true unless 0 (as in Neo4j
/// 5); the strings `true`/`false` in any case, other strings null. Floats
/// and other types are a TypeError (per the TCK).
fn to_boolean(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        Value::Int(i) => Value::Bool(*i != 0),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        Value::String(_) => Value::Null,
        other => {
            return Err(arg_type_error("toBoolean", "a BOOLEAN, INTEGER or STRING", other));
        }
    })
}

// ---------------------------------------------------------------------------
// Rounding
// ---------------------------------------------------------------------------

/// `round(x)` and `round(x, precision)`; both give a FLOAT.
///
/// `round(x)` rounds to the nearest integer with ties toward positive
/// infinity (`round(2.5)` is 3.0, `round(-2.5)` is -2.0), as Neo4j
/// documents it. `round(x, precision)` rounds to `precision` decimal places
/// (negative: to tens, hundreds, …) with ties away from zero, judged on the
/// shortest decimal text of `x` (so `round(1.005, 2)` is 1.01, as a reader
/// of `1.005` expects) — again Neo4j's behaviour.
fn round(args: &[Value]) -> Result<Value> {
    let x = float_arg("round", args.first().unwrap_or(&Value::Null))?;
    let precision = match args.get(1) {
        None => None,
        Some(p) => match int_arg("round", p)? {
            None => return Ok(Value::Null),
            some => some,
        },
    };
    Ok(match (x, precision) {
        (None, _) => Value::Null,
        (Some(x), None) => Value::Float(round_half_up(x)),
        (Some(x), Some(p)) => Value::Float(round_decimal(x, p)),
    })
}

/// Nearest integer, ties toward +∞. `x - floor(x)` is exact for every
/// float except tiny negatives, whose rounding cannot cross one half.
fn round_half_up(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let floor = x.floor();
    if x - floor >= 0.5 { floor + 1.0 } else { floor }
}

/// Rounds to `precision` decimal places, ties away from zero, on the
/// shortest decimal text of `x`.
fn round_decimal(x: f64, precision: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // `{:e}` gives the shortest round-tripping digits: `d.ddd` `e` exponent.
    let text = format!("{:e}", x.abs());
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return x;
    };
    let Ok(exponent) = exponent.parse::<i64>() else {
        return x;
    };
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // The first digit stands at 10^exponent; keep those down to 10^-precision.
    let keep = exponent.saturating_add(1).saturating_add(precision);
    if keep >= digits.len() as i64 {
        return x;
    }
    let scaled = if keep < 0 {
        0
    } else {
        let kept = &digits[..keep as usize];
        let whole = kept.iter().fold(0u64, |n, d| n * 10 + u64::from(*d));
        let round_up = digits.get(keep as usize).is_some_and(|d| *d >= 5);
        whole + u64::from(round_up)
    };
    if scaled == 0 {
        return 0.0;
    }
    // Parsing `N e -precision` rounds correctly to the nearest float.
    let magnitude = format!("{scaled}e{}", -i128::from(precision))
        .parse::<f64>()
        .unwrap_or(x.abs());
    if x < 0.0 { -magnitude } else { magnitude }
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

/// `substring(s, start[, length])`, counting characters from 0. A start
/// beyond the end gives `''`; a negative start or length is an
/// ArgumentError.
fn substring(args: &[Value]) -> Result<Value> {
    let f = "substring";
    let s = str_arg(f, args.first().unwrap_or(&Value::Null))?;
    let start = count_arg(f, "start", args.get(1).unwrap_or(&Value::Null))?;
    let length = match args.get(2) {
        None => Some(usize::MAX),
        Some(v) => count_arg(f, "length", v)?,
    };
    Ok(match (s, start, length) {
        (Some(s), Some(start), Some(length)) => Value::String(s.chars().skip(start).take(length).collect()),
        _ => Value::Null,
    })
}

/// `split(s, delimiter)`: the delimiter is a STRING or a LIST of strings
/// (split at any of them). An empty delimiter splits into characters.
/// Empty pieces are kept: `split('a,,b,', ',')` is `['a', '', 'b', '']`.
fn split(s: &Value, delimiter: &Value) -> Result<Value> {
    let f = "split";
    let Some(s) = str_arg(f, s)? else {
        return Ok(Value::Null);
    };
    let delimiters: Vec<&str> = match delimiter {
        Value::Null => return Ok(Value::Null),
        Value::String(d) => vec![d.as_str()],
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(d) => out.push(d.as_str()),
                    Value::Null => return Ok(Value::Null),
                    other => return Err(arg_type_error(f, "STRING delimiters", other)),
                }
            }
            out
        }
        other => return Err(arg_type_error(f, "a STRING or LIST delimiter", other)),
    };
    let delimiters: Vec<&str> = delimiters.into_iter().filter(|d| !d.is_empty()).collect();
    if delimiters.is_empty() {
        return Ok(Value::List(
            s.chars().map(|c| Value::from(c.to_string())).collect(),
        ));
    }
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut at = 0;
    while at < s.len() {
        let rest = s.get(at..).unwrap_or("");
        // The first listed delimiter that matches here wins.
        if let Some(d) = delimiters.iter().find(|d| rest.starts_with(**d)) {
            pieces.push(Value::from(s.get(piece_start..at).unwrap_or("").to_string()));
            at += d.len();
            piece_start = at;
        } else {
            // Step one whole character so `at` stays on a char boundary.
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    pieces.push(Value::from(s.get(piece_start..).unwrap_or("").to_string()));
    Ok(Value::List(pieces.into()))
}

/// A pseudo-random float in [0, 1): xorshift64* seeded from the clock once
/// per thread. `rand()` needs no cryptographic quality, and this avoids a
/// dependency.
fn random_unit() -> f64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
                | 1,
        );
    }
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    })
}

// ---------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------

/// `range(start, end[, step])`: integers from `start` to `end` inclusive.
/// A step of 0 is an ArgumentError; a range longer than [`MAX_RANGE_LEN`]
/// is `LimitExceeded`. A null argument gives null.
fn range(args: &[Value]) -> Result<Value> {
    let f = "range";
    let null = Value::Null;
    let start = int_arg(f, args.first().unwrap_or(&null))?;
    let end = int_arg(f, args.get(1).unwrap_or(&null))?;
    let step = match args.get(2) {
        None => Some(1),
        Some(v) => int_arg(f, v)?,
    };
    let (Some(start), Some(end), Some(step)) = (start, end, step) else {
        return Ok(Value::Null);
    };
    if step == 0 {
        return Err(argument_error("range() needs a step other than 0"));
    }
    // i128 holds every difference of two i64 without overflow.
    let (start, end, step) = (start as i128, end as i128, step as i128);
    let count = if (step > 0 && start <= end) || (step < 0 && start >= end) {
        (end - start) / step + 1
    } else {
        0
    };
    if count > MAX_RANGE_LEN as i128 {
        return Err(QueryError::new(
            ErrorClass::LimitExceeded,
            format!("range() would produce {count} elements; the limit is {MAX_RANGE_LEN}"),
        ));
    }
    // Every produced element lies between start and end, so fits an i64.
    Ok(Value::List(
        (0..count)
            .map(|i| Value::Int((start + i * step) as i64))
            .collect(),
    ))
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// `date()`, `date('YYYY-MM-DD')`, `date({year, month, day})`, `date(d)`.
fn date(arg: Option<&Value>) -> Result<Value> {
    match arg {
        None => today().map(Value::Date),
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::Date(d)) => Ok(Value::Date(*d)),
        Some(Value::String(s)) => Date::parse(s).map(Value::Date).ok_or_else(|| {
            argument_error(format!(
                "date() cannot read {s:?}: expected a calendar date written YYYY-MM-DD"
            ))
        }),
        Some(Value::Map(fields)) => date_from_map(fields).map(Value::Date),
        Some(other) => Err(arg_type_error("date", "a STRING or MAP", other)),
    }
}

/// Today's date in UTC, from the system clock.
fn today() -> Result<Date> {
    use std::time::{SystemTime, UNIX_EPOCH};
    const SECONDS_PER_DAY: i128 = 86_400;
    let seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i128,
        // A clock before 1970: round the negative time down to whole seconds.
        Err(before) => {
            let d = before.duration();
            -(d.as_secs() as i128) - i128::from(d.subsec_nanos() > 0)
        }
    };
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    i32::try_from(days)
        .ok()
        .map(Date::from_days)
        .and_then(|d| checked_date(d).ok())
        .ok_or_else(|| argument_error("the system clock is outside the supported dates"))
}

/// A date from `{year, month, day}`; month and day default to 1, but a day
/// without a month is refused (as in Neo4j: units may not be skipped).
fn date_from_map(fields: &BTreeMap<String, Value>) -> Result<Date> {
    let mut parts = [None::<i64>; 3];
    for (key, value) in fields {
        let slot = match key.as_str() {
            "year" => 0,
            "month" => 1,
            "day" => 2,
            other => {
                return Err(argument_error(format!(
                    "date() does not know the field `{other}`; use year, month and day"
                )));
            }
        };
        parts[slot] = match value {
            Value::Int(i) => Some(*i),
            other => {
                return Err(arg_type_error("date", &format!("an INTEGER for `{key}`"), other));
            }
        };
    }
    let [year, month, day] = parts;
    let Some(year) = year else {
        return Err(argument_error("date() needs a `year` field"));
    };
    if day.is_some() && month.is_none() {
        return Err(argument_error("date() needs a `month` field when `day` is given"));
    }
    let (month, day) = (month.unwrap_or(1), day.unwrap_or(1));
    let date = match (i32::try_from(year), u32::try_from(month), u32::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => Date::from_ymd(y, m, d),
        _ => None,
    };
    date.ok_or_else(|| {
        argument_error(format!(
            "date() has no day {year}-{month}-{day}: the date does not exist or is outside \
             years -9999 to 9999"
        ))
    })
}

/// The value of `d.key` for a date: `year`, `month`, `day`, `quarter`,
/// `dayOfWeek` (ISO: Monday 1 … Sunday 7; `weekday` is an alias),
/// `ordinalDay` (day of the year from 1; `dayOfYear` is an alias), and the
/// Attest extension `weekdayName` (`'Thursday'`), which news text uses.
/// Any other key is an ArgumentError listing these.
pub fn property_of_date(d: Date, key: &str) -> Result<Value> {
    let d = checked_date(d)?;
    let (year, month, day) = d.ymd();
    Ok(match key {
        "year" => Value::Int(year.into()),
        "month" => Value::Int(month.into()),
        "day" => Value::Int(day.into()),
        "quarter" => Value::Int(((month - 1) / 3 + 1).into()),
        "dayOfWeek" | "weekday" => Value::Int(d.weekday().into()),
        "ordinalDay" | "dayOfYear" => {
            let first = Date::from_ymd(year, 1, 1).map_or(d.days(), Date::days);
            Value::Int(i64::from(d.days()) - i64::from(first) + 1)
        }
        "weekdayName" => Value::from(d.weekday_name().to_string()),
        other => {
            return Err(QueryError::new(
                ErrorClass::ArgumentError,
                format!(
                    "a DATE has no property `{other}`; it has year, month, day, quarter, \
                     dayOfWeek (weekday), ordinalDay (dayOfYear) and weekdayName"
                ),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_function_is_dispatched() {
        // A function in the catalogue but missing from `call` would fall to
        // the graph/aggregate arm; scalar ones must never get there.
        for spec in SPECS.iter().filter(|s| s.kind == Scalar) {
            let args = vec![Value::Null; spec.min];
            let result = call(spec.name, &args);
            assert!(
                !matches!(&result, Err(e) if e.class == ErrorClass::SemanticError),
                "{} is not dispatched",
                spec.name
            );
        }
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        for (i, a) in NAMES.iter().enumerate() {
            for b in &NAMES[i + 1..] {
                assert!(!a.eq_ignore_ascii_case(b), "{a} twice");
            }
        }
    }

    #[test]
    fn half_up_rounding_is_exact_near_halves() {
        assert_eq!(round_half_up(0.49999999999999994), 0.0);
        assert_eq!(round_half_up(-0.5000000000000001), -1.0);
        assert_eq!(round_half_up(-0.5), 0.0);
        assert_eq!(round_half_up(4503599627370497.0), 4503599627370497.0);
    }

    #[test]
    fn decimal_rounding_uses_the_written_digits() {
        assert_eq!(round_decimal(1.005, 2), 1.01);
        assert_eq!(round_decimal(-1.005, 2), -1.01);
        assert_eq!(round_decimal(1234.5, -2), 1200.0);
        assert_eq!(round_decimal(9.999, 2), 10.0);
        assert_eq!(round_decimal(0.0004, 3), 0.0);
        assert_eq!(round_decimal(0.0005, 3), 0.001);
        assert_eq!(round_decimal(1.23456, 400), 1.23456);
        assert_eq!(round_decimal(1.23456, i64::MIN), 0.0);
        assert_eq!(round_decimal(1.23456, i64::MAX), 1.23456);
    }
}
