//! Remembers the last request bodies per path, so a test can check exactly what the console
//! sent (`GET /__sim/requests?path=…`). Headers are not kept: they carry the API key.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::time_util::{iso, now_ms};

const PER_PATH: usize = 50;
const MAX_PATHS: usize = 1000;
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Default)]
pub struct Recorder {
    by_path: Mutex<HashMap<String, VecDeque<Value>>>,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn get(&self, path: &str, limit: usize) -> Vec<Value> {
        let map = self.by_path.lock().unwrap_or_else(|e| e.into_inner());
        map.get(path).map(|q| q.iter().skip(q.len().saturating_sub(limit)).cloned().collect()).unwrap_or_default()
    }

    pub fn paths(&self) -> Vec<String> {
        let map = self.by_path.lock().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<String> = map.keys().cloned().collect();
        v.sort();
        v
    }

    pub fn clear(&self) {
        self.by_path.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn push(&self, path: String, entry: Value) {
        let mut map = self.by_path.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_PATHS && !map.contains_key(&path) {
            return;
        }
        let q = map.entry(path).or_default();
        if q.len() == PER_PATH {
            q.pop_front();
        }
        q.push_back(entry);
    }
}

pub async fn record(State(rec): State<Arc<Recorder>>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::OPTIONS {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return crate::api::ApiError::http(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            413,
            "The request body is too large.",
        )
        .into_response();
    };
    let body_value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    rec.push(
        parts.uri.path().to_string(),
        json!({
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "query": parts.uri.query().unwrap_or(""),
            "body": body_value,
            "time": iso(now_ms()),
        }),
    );
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
