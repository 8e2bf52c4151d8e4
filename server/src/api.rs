//! The v2 envelope: `{"code":0,"data":…}` on success, `{"code":N,"message":"…"}` on error.
//! Business errors travel with HTTP 200 like the real service (reference §1.3).

use axum::Json;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

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

/// A string field that may be spelled several ways (reference §9): the first present wins.
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
