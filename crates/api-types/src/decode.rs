//! Turning an HTTP answer into a typed value or an [`ApiError`]. This is the only place where
//! bytes from the network become data; it never panics, whatever it is given.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{ApiError, ErrorKind, code_kind};
use crate::lenient::Loose;

/// How much of an unreadable body to keep for the "details" toggle.
const SNIPPET: usize = 200;

/// The top level of an answer: the envelope's three fields, or what else it was. `data` stays
/// raw text and is decoded once, straight into the caller's type (no intermediate tree).
enum Top<'a> {
    Envelope { code: Option<Loose>, message: Option<Loose>, data: Option<&'a RawValue> },
    Other(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Top<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor(std::marker::PhantomData))
    }
}

struct TopVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TopVisitor<'a> {
    type Value = Top<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'a>, A::Error> {
        let (mut code, mut message, mut data) = (None, None, None);
        // A repeated key keeps its last value, as a JSON object read into a map would.
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "code" => code = Some(map.next_value::<Loose>()?),
                "message" => message = Some(map.next_value::<Loose>()?),
                "data" => data = Some(map.next_value::<&'a RawValue>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Top::Envelope { code, message, data })
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other("an array"))
    }
    fn visit_unit<E>(self) -> Result<Top<'a>, E> {
        Ok(Top::Other("null"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Top<'a>, E> {
        Ok(Top::Other("a boolean"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top<'a>, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top<'a>, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top<'a>, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Top<'a>, E> {
        Ok(Top::Other("a string"))
    }
}

/// Decodes an answer of the `{code, data}` / `{code, message}` envelope (docs/api-contract.md §1.2).
///
/// `code` 0 or 200 means success (200 is the v1 success code that clients also accept). A
/// non-zero code is an error even with HTTP 200, as the real service sends business errors.
pub fn decode_response<T: DeserializeOwned>(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<T, ApiError> {
    let data = check_response(status, retry_after, body)?;
    decode_data(status, body, &data)
}

/// Where a successful answer's `data` is in its body; absent `data` reads as `null`. A range,
/// not a borrowed `&str`, so a caller can keep it beside the body it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSpan(Option<Range<usize>>);

impl DataSpan {
    fn text<'a>(&self, body: &'a [u8]) -> &'a str {
        self.0.clone().and_then(|r| body.get(r)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("null")
    }
}

/// The second half of [`decode_response`]: types the data [`check_response`] found.
pub fn decode_data<T: DeserializeOwned>(status: u16, body: &[u8], data: &DataSpan) -> Result<T, ApiError> {
    serde_json::from_str(data.text(body)).map_err(|e| {
        ApiError::new(ErrorKind::BadShape, format!("unexpected data: {e}"))
            .with_status(status)
            .with_detail(snippet(body))
    })
}

/// Everything of [`decode_response`] but the typed decoding: the error an answer stands for, or
/// where its `data` is. Not generic, so the one copy of this logic serves every endpoint.
pub fn check_response(status: u16, retry_after: Option<&str>, body: &[u8]) -> Result<DataSpan, ApiError> {
    // Read as text, like `decode_data`: `from_slice` would build serde_json's whole deserializer
    // a second time (for a byte reader) into the wasm. A body that is not UTF-8 is not JSON.
    let parsed: Result<Top, String> = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text).map_err(|e| e.to_string()),
        Err(_) => Err("the answer is not UTF-8 text".to_owned()),
    };
    let retry_after_secs = retry_after.and_then(parse_retry_after);

    let top = match parsed {
        Ok(top) => top,
        Err(e) => {
            // Not JSON: the status is all we know.
            let kind = match status_kind(status) {
                Some(k) => k,
                None if body.iter().all(u8::is_ascii_whitespace) => {
                    return Err(ApiError::new(ErrorKind::NotJson, "the answer was empty").with_status(status));
                }
                None => ErrorKind::NotJson,
            };
            let message = if kind == ErrorKind::NotJson && looks_like_json(body) {
                format!("malformed JSON: {e}")
            } else if looks_like_html(body) {
                "an HTML page instead of JSON".to_owned()
            } else {
                "a body that is not JSON".to_owned()
            };
            let mut err = ApiError::new(kind, message).with_status(status).with_detail(snippet(body));
            err.retry_after_secs = retry_after_secs;
            err.error_page = !looks_like_json(body);
            return Err(err);
        }
    };

    let (code, message, data) = match top {
        Top::Envelope { code, message, data } => (code, message, data),
        Top::Other(found) => {
            let mut err = ApiError::new(
                status_kind(status).unwrap_or(ErrorKind::BadShape),
                format!("expected an object, found {found}"),
            )
            .with_status(status)
            .with_detail(snippet(body));
            err.retry_after_secs = retry_after_secs;
            return Err(err);
        }
    };

    let code = code.and_then(|c| match c {
        Loose::U64(n) => i64::try_from(n).ok(),
        Loose::I64(n) => Some(n),
        Loose::Str(s) => s.trim().parse().ok(),
        _ => None,
    });
    let message = match message {
        Some(Loose::Str(s)) => s.chars().take(500).collect(),
        _ => String::new(),
    };

    // An HTTP error status wins over whatever the body says, but keeps the body's code/message.
    if let Some(kind) = status_kind(status) {
        let kind = match (kind, code.map(code_kind)) {
            (ErrorKind::Http, Some(k @ (ErrorKind::Unauthorized | ErrorKind::Permission | ErrorKind::NotFound))) => k,
            (k, _) => k,
        };
        return Err(ApiError {
            kind,
            status: Some(status),
            code,
            message,
            retry_after_secs,
            detail: String::new(),
            error_page: false,
        });
    }

    match code {
        // `data` borrows from `body`, so its place in it is a plain offset.
        Some(0 | 200) => Ok(DataSpan(data.and_then(|raw| {
            let start = (raw.get().as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
            Some(start..start + raw.get().len())
        }))),
        Some(code) => Err(ApiError {
            kind: code_kind(code),
            status: Some(status),
            code: Some(code),
            message,
            retry_after_secs,
            detail: String::new(),
            error_page: false,
        }),
        None => Err(ApiError::new(ErrorKind::BadShape, "the answer has no numeric \"code\"")
            .with_status(status)
            .with_detail(snippet(body))),
    }
}

/// The kind an HTTP status stands for on its own; `None` for 2xx.
fn status_kind(status: u16) -> Option<ErrorKind> {
    match status {
        200..=299 => None,
        401 => Some(ErrorKind::Unauthorized),
        403 => Some(ErrorKind::Permission),
        404 => Some(ErrorKind::NotFound),
        408 => Some(ErrorKind::Timeout),
        429 => Some(ErrorKind::RateLimited),
        500..=599 => Some(ErrorKind::Server),
        _ => Some(ErrorKind::Http),
    }
}

/// `Retry-After` as delta-seconds (RFC 9110 §10.2.3). The HTTP-date form needs a clock, so it
/// yields `None` here and the caller falls back to its own backoff. Capped at one hour.
pub fn parse_retry_after(v: &str) -> Option<u64> {
    v.trim().parse::<u64>().ok().map(|s| s.min(3600))
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET * 4)]);
    let mut s: String = text.chars().filter(|c| !c.is_control() || *c == ' ').take(SNIPPET).collect();
    if text.chars().count() > SNIPPET {
        s.push('…');
    }
    s
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with('<')
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
}
