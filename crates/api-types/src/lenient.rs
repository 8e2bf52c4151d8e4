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
            Loose::F64(f) => float_text(*f),
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

/// A float as text, for a number where text was expected: whole numbers as integers, others to
/// six decimals without trailing zeros. Written out because `f64`'s `Display` (core's shortest
/// round-trip formatting) would be the only user of several kilobytes of wasm, for a case that
/// only misbehaving answers reach.
fn float_text(f: f64) -> String {
    const SCALE: f64 = 1e6;
    if !f.is_finite() || f.abs() >= 1e15 {
        return "a number".to_owned();
    }
    let scaled = (f.abs() * SCALE).round() as u64;
    let (whole, micro) = (scaled / SCALE as u64, scaled % SCALE as u64);
    let sign = if f < 0.0 && scaled > 0 { "-" } else { "" };
    if micro == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{micro:06}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
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
    Ok(match Loose::deserialize(d)? {
        Loose::Str(s) => percent_text(&s),
        other => other.as_f64().filter(|f| f.is_finite()).map(|f| f.clamp(0.0, 100.0).floor() as u8),
    })
}

/// "42", "42.9", "42.9%", "-5": the whole percent, clamped to 0..=100. Read by hand rather than
/// with `str::parse::<f64>`, whose tables would be the only reason core's float parser is in the
/// wasm (serde_json reads numbers with its own).
fn percent_text(s: &str) -> Option<u8> {
    let s = s.trim().trim_end_matches('%');
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    if negative {
        return Some(0);
    }
    // Past 100 is 100 however many digits it has.
    let n = whole.trim_start_matches('0');
    Some(if n.len() > 3 { 100 } else { n.parse::<u16>().unwrap_or(0).min(100) as u8 })
}

/// A string field that may be `null` or absent: empty string means "not given".
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Loose::deserialize(d)? {
        Loose::Null => Ok(String::new()),
        v => v.text().ok_or_else(|| de::Error::custom(format!("expected a string, found {}", v.kind()))),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::enums::JobStatus;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Fields {
        #[serde(default, deserialize_with = "super::string")]
        s: String,
        #[serde(default, deserialize_with = "super::opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "super::progress")]
        p: Option<u8>,
        #[serde(default)]
        e: JobStatus,
    }

    fn read(json: &str) -> Result<Fields, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn strings_accept_scalars_and_name_what_they_refuse() {
        let cases = [
            (r#"{"s": 12}"#, "12"),
            (r#"{"s": -3}"#, "-3"),
            (r#"{"s": 1.5}"#, "1.5"),
            (r#"{"s": -0.25}"#, "-0.25"),
            (r#"{"s": 0.1}"#, "0.1"),
            (r#"{"s": 3.0}"#, "3"),
            (r#"{"s": 2.0000004}"#, "2"),
            (r#"{"s": 3.14159265}"#, "3.141593"),
            (r#"{"s": -0.0000001}"#, "0"),
            (r#"{"s": 1e300}"#, "a number"),
            (r#"{"s": true}"#, "true"),
            (r#"{"s": null}"#, ""),
            (r#"{}"#, ""),
        ];
        for (json, text) in cases {
            assert_eq!(read(json).map(|f| f.s).as_deref(), Ok(text), "{json}");
        }
        let e = read(r#"{"s": [1, {"a": 2}]}"#).unwrap_err();
        assert!(e.starts_with("expected a string, found an array"), "{e}");
        let e = read(r#"{"s": {"a": [1]}}"#).unwrap_err();
        assert!(e.starts_with("expected a string, found an object"), "{e}");
    }

    #[test]
    fn counts_take_whole_non_negative_numbers_in_either_type() {
        let n = |json: &str| read(json).unwrap().n;
        assert_eq!(n(r#"{"n": 7}"#), Some(7));
        assert_eq!(n(r#"{"n": "7"}"#), Some(7));
        assert_eq!(n(r#"{"n": " 7 "}"#), Some(7));
        assert_eq!(n(r#"{"n": 7.0}"#), Some(7));
        assert_eq!(n(r#"{"n": 7.5}"#), None);
        assert_eq!(n(r#"{"n": -1}"#), None);
        assert_eq!(n(r#"{"n": [7]}"#), None);
    }

    #[test]
    fn progress_is_clamped_and_read_from_text() {
        let p = |json: &str| read(json).unwrap().p;
        assert_eq!(p(r#"{"p": "42"}"#), Some(42));
        assert_eq!(p(r#"{"p": "42.9%"}"#), Some(42));
        assert_eq!(p(r#"{"p": 250}"#), Some(100));
        assert_eq!(p(r#"{"p": -5}"#), Some(0));
        assert_eq!(p(r#"{"p": "soon"}"#), None);
        assert_eq!(p(r#"{"p": " 7 "}"#), Some(7));
        assert_eq!(p(r#"{"p": ".5"}"#), Some(0));
        assert_eq!(p(r#"{"p": "100.0"}"#), Some(100));
        assert_eq!(p(r#"{"p": "000000000000000000000042"}"#), Some(42));
        assert_eq!(p(r#"{"p": "99999999999999999999999"}"#), Some(100));
        assert_eq!(p(r#"{"p": "-0.5"}"#), Some(0));
        for bad in ["", "%", ".", "-", "4.2.1", "1e2", "NaN", "inf", "4 2", "0x10"] {
            assert_eq!(p(&format!(r#"{{"p": "{bad}"}}"#)), None, "{bad:?}");
        }
        assert_eq!(p(r#"{"p": {"done": 1}}"#), None);
    }

    #[test]
    fn enums_keep_what_they_do_not_know() {
        let e = |json: &str| read(json).unwrap().e;
        assert_eq!(e(r#"{"e": "FAILED"}"#), JobStatus::Failed);
        assert_eq!(e(r#"{"e": "HIBERNATING"}"#), JobStatus::Unknown("HIBERNATING".into()));
        assert_eq!(e(r#"{"e": 3}"#), JobStatus::Unknown("3".into()));
        assert_eq!(e(r#"{"e": null}"#), JobStatus::Unknown(String::new()));
        assert_eq!(e(r#"{"e": [1]}"#), JobStatus::Unknown("an array".into()));
    }
}
