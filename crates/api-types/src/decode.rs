//! Turning an HTTP answer into a typed value or an [`ApiError`]. This is the only place where
//! bytes from the network become data; it never panics, whatever it is given.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{code_kind, ApiError, ErrorKind};
use crate::lenient::kind;

/// How much of an unreadable body to keep for the "details" toggle.
const SNIPPET: usize = 200;

/// Decodes an answer of the `{code, data}` / `{code, message}` envelope (reference §1.2).
///
/// `code` 0 or 200 means success (200 is the v1 success code that clients also accept). A
/// non-zero code is an error even with HTTP 200, as the real service sends business errors.
pub fn decode_response<T: DeserializeOwned>(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<T, ApiError> {
    let parsed: Result<Value, _> = serde_json::from_slice(body);
    let retry_after_secs = retry_after.and_then(parse_retry_after);

    let Ok(value) = parsed else {
        // Not JSON: the status is all we know.
        let snippet = snippet(body);
        let kind = match status_kind(status) {
            Some(k) => k,
            None if body.iter().all(u8::is_ascii_whitespace) => {
                return Err(ApiError::new(ErrorKind::NotJson, "the answer was empty").with_status(status));
            }
            None => ErrorKind::NotJson,
        };
        let message = match serde_json::from_slice::<Value>(body) {
            Err(e) if kind == ErrorKind::NotJson && looks_like_json(body) => format!("malformed JSON: {e}"),
            _ if looks_like_html(body) => "an HTML page instead of JSON".to_owned(),
            _ => "a body that is not JSON".to_owned(),
        };
        let mut err = ApiError::new(kind, message).with_status(status).with_detail(snippet);
        err.retry_after_secs = retry_after_secs;
        return Err(err);
    };

    let Value::Object(mut map) = value else {
        let mut err = ApiError::new(status_kind(status).unwrap_or(ErrorKind::BadShape), format!("expected an object, found {}", kind(&value)))
            .with_status(status)
            .with_detail(snippet(body));
        err.retry_after_secs = retry_after_secs;
        return Err(err);
    };

    let code = map.get("code").and_then(|c| match c {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let message = match map.get("message") {
        Some(Value::String(s)) => s.chars().take(500).collect(),
        _ => String::new(),
    };

    // An HTTP error status wins over whatever the body says, but keeps the body's code/message.
    if let Some(kind) = status_kind(status) {
        let kind = match (kind, code.map(code_kind)) {
            (ErrorKind::Http, Some(k @ (ErrorKind::Unauthorized | ErrorKind::Permission | ErrorKind::NotFound))) => k,
            (k, _) => k,
        };
        return Err(ApiError { kind, status: Some(status), code, message, retry_after_secs, detail: String::new() });
    }

    match code {
        Some(0 | 200) => {
            let data = map.remove("data").unwrap_or(Value::Null);
            serde_json::from_value(data).map_err(|e| {
                ApiError::new(ErrorKind::BadShape, format!("unexpected data: {e}")).with_status(status).with_detail(snippet(body))
            })
        }
        Some(code) => Err(ApiError { kind: code_kind(code), status: Some(status), code: Some(code), message, retry_after_secs, detail: String::new() }),
        None => Err(ApiError::new(ErrorKind::BadShape, "the answer has no numeric \"code\"").with_status(status).with_detail(snippet(body))),
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
