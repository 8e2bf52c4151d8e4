//! The v2 envelope: `{"code":0,"data":…}` on success, `{"code":N,"message":"…"}` on error.
//! Business errors travel with HTTP 200 like the real service (docs/api-contract.md §1.3).

use axum::Json;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The largest request body any route reads. The API's bodies are a few kilobytes (a list of
/// collection names at most); a larger one is refused before it is buffered whole.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub message: String,
}

impl ApiError {
    /// A business error: HTTP 200 with a non-zero code.
    pub fn biz(code: i64, message: impl Into<String>) -> Self {
        Self { status: StatusCode::OK, code, message: message.into() }
    }

    pub fn http(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "code": self.code, "message": self.message }))).into_response()
    }
}

pub type ApiResult = Result<Response, ApiError>;

pub fn ok(data: Value) -> ApiResult {
    Ok(Json(json!({ "code": 0, "data": data })).into_response())
}

/// Reads a whole request body, at most `limit` bytes. A body that is too large, too slow
/// (the server's body deadline) or cut off is the JSON error, as everywhere else.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    to_bytes(body, limit).await.map_err(|e| {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            if c.is::<http_body_util::LengthLimitError>() {
                return ApiError::http(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    413,
                    format!("The request body is larger than {} KiB.", limit / 1024),
                );
            }
            if c.is::<tower_http::timeout::TimeoutError>() {
                return ApiError::http(StatusCode::REQUEST_TIMEOUT, 408, "The request body did not arrive in time.");
            }
            cause = c.source();
        }
        ApiError::http(StatusCode::BAD_REQUEST, 400, "The request body could not be read.")
    })
}

/// A handler's JSON body: an object (an empty body counts as `{}`), read with [`MAX_BODY`].
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = read_body(req.into_body(), MAX_BODY).await?;
        parse_body(&bytes).map(JsonBody)
    }
}

/// Parses a JSON request body; an empty body counts as `{}` (the CLIs send `{}` for
/// body-less POSTs, browsers may send nothing).
pub fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::http(StatusCode::BAD_REQUEST, 400, format!("The request body is not valid JSON: {e}"))
    })?;
    if !v.is_object() {
        return Err(ApiError::http(StatusCode::BAD_REQUEST, 400, "The request body must be a JSON object."));
    }
    Ok(v)
}

/// A string field that may be spelled several ways (docs/api-contract.md §9): the first present wins.
pub fn str_field<'a>(v: &'a Value, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| v.get(*n).and_then(Value::as_str))
}

/// A field present under any of `names` (any JSON type, null counts as absent).
pub fn field<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| v.get(*n).filter(|x| !x.is_null()))
}

/// An integer that may arrive as a JSON number or a numeric string (docs type many numbers as
/// strings, clients send numbers: §9.10).
pub fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
