//! 20 requests per second per API key per endpoint (docs/api-contract.md §1.4), as a token bucket per
//! (key, method + route template). Beyond it: HTTP 429 with Retry-After.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::auth::Caller;

pub struct RateLimiter {
    /// Requests per second; 0 turns the limit off.
    limit: AtomicU32,
    buckets: Mutex<HashMap<(&'static str, String), Bucket>>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub fn new(limit: u32) -> Arc<Self> {
        Arc::new(Self { limit: AtomicU32::new(limit), buckets: Mutex::new(HashMap::new()) })
    }

    pub fn limit(&self) -> u32 {
        self.limit.load(Ordering::Relaxed)
    }

    pub fn set_limit(&self, limit: u32) {
        self.limit.store(limit, Ordering::Relaxed);
        self.buckets.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// `Ok(())` to go on, `Err(seconds to wait)` when the bucket is empty.
    pub fn check(&self, key_id: &'static str, endpoint: String) -> Result<(), u64> {
        let limit = self.limit();
        if limit == 0 {
            return Ok(());
        }
        let rate = f64::from(limit);
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.duration_since(b.last) < Duration::from_secs(10));
        }
        let b = buckets.entry((key_id, endpoint)).or_insert(Bucket { tokens: rate, last: now });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

pub fn too_many_requests(retry_after: u64, message: String) -> Response {
    let mut resp = ApiError::http(StatusCode::TOO_MANY_REQUESTS, 429, message).into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Runs after authentication (it needs the caller) and routing (it needs the route template).
pub async fn limit_requests(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Caller>().copied() else {
        return next.run(req).await;
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let endpoint = format!("{} {route}", req.method());
    match limiter.check(caller.key_id, endpoint.clone()) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many_requests(
            wait,
            format!(
                "Too many requests: at most {} requests per second per API key per endpoint ({endpoint}). Retry after {wait} s.",
                limiter.limit()
            ),
        ),
    }
}
