//! Field decoders that accept the shapes the real service is documented to send.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null`, a missing field or a value of the wrong type becomes `T::default()`... only for
/// `null`; a wrong type is still an error, so a broken payload is reported, not hidden.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A count or size that the docs type as a string but the service sends as a number (or the
/// other way round). Negative, fractional or unparsable values become `None`.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Job progress: documented as a string ("100"), parsed as a number by one official client.
/// Clamped to 0..=100; anything else is "unknown" (`None`).
pub fn progress<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let f = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches('%').parse::<f64>().ok(),
        _ => None,
    };
    Ok(f.filter(|f| f.is_finite()).map(|f| f.clamp(0.0, 100.0).floor() as u8))
}

/// A string field that may be `null` or absent: empty string means "not given".
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => return Err(serde::de::Error::custom(format!("expected a string, found {}", kind(&other)))),
    })
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
