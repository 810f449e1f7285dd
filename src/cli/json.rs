//! Parameter files: JSON in the value encoding of the conformance contract.

use crate::error::{ErrorClass, QueryError};
use crate::lang::Params;
use crate::model::Value;
use serde_json::Value as Json;

/// Decodes one JSON value: numbers with a `.` or exponent are floats,
/// `{"$float": "NaN"}` and friends are special floats, `{"$map": {…}}`
/// wraps a map whose keys start with `$`.
pub fn value_from_json(json: &Json) -> Result<Value, QueryError> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) if !n.to_string().contains(['.', 'e', 'E']) => Value::Int(i),
            _ => Value::Float(
                n.as_f64()
                    .ok_or_else(|| bad(&format!("number {n} is out of range")))?,
            ),
        },
        Json::String(s) => Value::from(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(value_from_json).collect::<Result<_, _>>()?),
        Json::Object(map) => {
            if map.len() == 1 {
                if let Some(f) = map.get("$float") {
                    return special_float(f);
                }
                if let Some(Json::Object(inner)) = map.get("$map") {
                    return object(inner);
                }
            }
            object(map)?
        }
    })
}

fn object(map: &serde_json::Map<String, Json>) -> Result<Value, QueryError> {
    Ok(Value::Map(Box::new(
        map.iter()
            .map(|(k, v)| Ok((k.clone(), value_from_json(v)?)))
            .collect::<Result<_, QueryError>>()?,
    )))
}

fn special_float(f: &Json) -> Result<Value, QueryError> {
    let x = match f {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" | "Inf" | "+Infinity" => Some(f64::INFINITY),
            "-Infinity" | "-Inf" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        },
        _ => None,
    };
    x.map(Value::Float)
        .ok_or_else(|| bad(&format!("{f} is not a float")))
}

fn bad(message: &str) -> QueryError {
    QueryError::new(ErrorClass::ArgumentError, format!("parameters: {message}"))
}

/// Reads a parameters file: one JSON object of name → value.
pub fn params_from_json(text: &str, file: &str) -> Result<Params, QueryError> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        let position = crate::error::Position::of_json_error(&e);
        QueryError::new(
            ErrorClass::ArgumentError,
            format!("parameters file is not valid JSON: {e}"),
        )
        .at(position)
        .in_file(file)
    })?;
    let Json::Object(map) = json else {
        return Err(bad("the file must hold one JSON object of name: value").in_file(file));
    };
    map.iter()
        .map(|(k, v)| Ok((k.clone(), value_from_json(v).map_err(|e| e.in_file(file))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_contract_encoding() {
        let params = params_from_json(
            r#"{"i": 1, "f": 1.0, "n": {"$float": "NaN"}, "m": {"$map": {"$k": [1, "a"]}}}"#,
            "p",
        )
        .unwrap();
        assert_eq!(params["i"], Value::Int(1));
        assert_eq!(params["f"], Value::Float(1.0));
        assert!(matches!(params["n"], Value::Float(x) if x.is_nan()));
        assert!(matches!(&params["m"], Value::Map(m) if m.contains_key("$k")));
        assert!(params_from_json("[1]", "p").is_err());
        let err = params_from_json("{\n  \"a\": }", "p.json").unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(2));
    }
}
