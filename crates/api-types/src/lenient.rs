//! Field decoders that accept the shapes the real service is documented to send.
//!
//! They read one [`Loose`] scalar instead of a `serde_json::Value`: a `Value` would pull a
//! second deserializer, a map type and their drop code into the browser's wasm for every model
//! (this crate is the console's largest generic user of serde).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Any JSON value, reduced to what a lenient field needs; arrays and objects are skipped.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Array,
    Object,
}

impl Loose {
    /// What the value is, for error messages ("expected a string, found an array").
    pub fn kind(&self) -> &'static str {
        match self {
            Loose::Null => "null",
            Loose::Bool(_) => "a boolean",
            Loose::U64(_) | Loose::I64(_) | Loose::F64(_) => "a number",
            Loose::Str(_) => "a string",
            Loose::Array => "an array",
            Loose::Object => "an object",
        }
    }

    /// A scalar's text as JSON would write it (`None` for null, arrays and objects).
    pub fn text(&self) -> Option<String> {
        Some(match self {
            Loose::Bool(b) => b.to_string(),
            Loose::U64(n) => n.to_string(),
            Loose::I64(n) => n.to_string(),
            Loose::F64(f) => f.to_string(),
            Loose::Str(s) => s.clone(),
            Loose::Null | Loose::Array | Loose::Object => return None,
        })
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Loose::U64(n) => Some(*n as f64),
            Loose::I64(n) => Some(*n as f64),
            Loose::F64(f) => Some(*f),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::U64(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::I64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Object)
    }
}

/// `null` or a missing field becomes `T::default()`... only for `null`; a wrong type is still
/// an error, so a broken payload is reported, not hidden.
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
    Ok(match Loose::deserialize(d)? {
        Loose::U64(n) => Some(n),
        Loose::F64(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Some(f as u64),
        Loose::Str(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Job progress: documented as a string ("100"), parsed as a number by one official client.
/// Clamped to 0..=100; anything else is "unknown" (`None`).
pub fn progress<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let v = Loose::deserialize(d)?;
    let f = match &v {
        Loose::Str(s) => s.trim().trim_end_matches('%').parse::<f64>().ok(),
        other => other.as_f64(),
    };
    Ok(f.filter(|f| f.is_finite()).map(|f| f.clamp(0.0, 100.0).floor() as u8))
}

/// A string field that may be `null` or absent: empty string means "not given".
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Loose::deserialize(d)? {
        Loose::Null => Ok(String::new()),
        v => v.text().ok_or_else(|| de::Error::custom(format!("expected a string, found {}", v.kind()))),
    }
}
