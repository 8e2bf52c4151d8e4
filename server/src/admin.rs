//! `/__sim/...`: test and demo controls. Only in simulator mode, only for loopback peers, and
//! (like the API, `access.rs`) only from the server's own pages or an origin allowed by name:
//! the browser tests' runner, started with `--allow-origin`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{ApiError, ApiResult, JsonBody, ok};
use crate::faults::{FaultConfig, SharedFaults};
use crate::rate_limit::RateLimiter;
use crate::recorder::Recorder;
use crate::sim::Sim;

#[derive(Clone)]
pub struct Admin {
    pub sim: Arc<Sim>,
    pub faults: SharedFaults,
    pub recorder: Arc<Recorder>,
    pub limiter: Arc<RateLimiter>,
}

pub fn router(admin: Admin) -> Router {
    Router::new()
        .route("/__sim/faults", get(get_faults).post(set_faults).delete(clear_faults))
        .route("/__sim/job-speed", get(get_speed).post(set_speed))
        .route("/__sim/fail-rate", post(set_fail_rate))
        .route("/__sim/rate-limit", post(set_rate_limit))
        .route("/__sim/requests", get(get_requests).delete(clear_requests))
        .route("/__sim/requests/stats", get(request_stats))
        .route("/__sim/jobs/{job_id}/finish", post(finish_job))
        .route("/__sim/reset", post(reset))
        .route("/__sim/state", get(state))
        .layer(from_fn(loopback_only))
        .with_state(admin)
}

/// Anyone else gets a plain 404, as if the route did not exist.
async fn loopback_only(req: Request, next: Next) -> Response {
    let peer_is_loopback =
        req.extensions().get::<ConnectInfo<SocketAddr>>().is_some_and(|ConnectInfo(a)| a.ip().is_loopback());
    if peer_is_loopback { next.run(req).await } else { StatusCode::NOT_FOUND.into_response() }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::http(StatusCode::BAD_REQUEST, 400, msg)
}

/// The fault settings plus the job speed (the issue wants one route for both).
fn faults_view(a: &Admin, cfg: &FaultConfig) -> Value {
    let mut v = serde_json::to_value(cfg).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("jobSpeed".into(), json!(a.sim.speed()));
    }
    v
}

async fn get_faults(State(a): State<Admin>) -> ApiResult {
    let cfg = a.faults.read().unwrap_or_else(|e| e.into_inner()).clone();
    ok(faults_view(&a, &cfg))
}

/// Partial update: only the fields sent change. `jobSpeed` may ride along.
async fn set_faults(State(a): State<Admin>, JsonBody(mut patch): JsonBody) -> ApiResult {
    if let Some(speed) = patch.as_object_mut().and_then(|o| o.remove("jobSpeed")) {
        let speed = speed
            .as_f64()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1e6)
            .ok_or_else(|| bad("jobSpeed must be a number above 0."))?;
        a.sim.set_speed(speed);
    }
    let next = {
        let mut cfg = a.faults.write().unwrap_or_else(|e| e.into_inner());
        let mut merged = serde_json::to_value(cfg.clone()).unwrap_or_default();
        if let (Some(m), Some(p)) = (merged.as_object_mut(), patch.as_object()) {
            for (k, v) in p {
                m.insert(k.clone(), v.clone());
            }
        }
        let next: FaultConfig =
            serde_json::from_value(merged).map_err(|e| bad(format!("Invalid fault settings: {e}")))?;
        next.validate().map_err(bad)?;
        *cfg = next.clone();
        next
    };
    ok(faults_view(&a, &next))
}

async fn clear_faults(State(a): State<Admin>) -> ApiResult {
    *a.faults.write().unwrap_or_else(|e| e.into_inner()) = FaultConfig::default();
    ok(serde_json::to_value(FaultConfig::default()).unwrap_or_default())
}

async fn get_speed(State(a): State<Admin>) -> ApiResult {
    ok(json!({ "speed": a.sim.speed() }))
}

async fn set_speed(State(a): State<Admin>, JsonBody(body): JsonBody) -> ApiResult {
    let speed = body
        .get("speed")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1e6)
        .ok_or_else(|| bad("Send {\"speed\": <number > 0>}."))?;
    a.sim.set_speed(speed);
    ok(json!({ "speed": speed }))
}

async fn set_fail_rate(State(a): State<Admin>, JsonBody(body): JsonBody) -> ApiResult {
    let rate = body
        .get("failRate")
        .and_then(Value::as_f64)
        .filter(|r| (0.0..=1.0).contains(r))
        .ok_or_else(|| bad("Send {\"failRate\": <number 0..1>}."))?;
    a.sim.set_fail_rate(rate);
    ok(json!({ "failRate": rate }))
}

async fn set_rate_limit(State(a): State<Admin>, JsonBody(body): JsonBody) -> ApiResult {
    let limit = body
        .get("perSecond")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad("Send {\"perSecond\": <integer, 0 = off>}."))?;
    a.limiter.set_limit(limit);
    ok(json!({ "perSecond": limit }))
}

#[derive(Deserialize)]
struct RequestsQuery {
    path: Option<String>,
    limit: Option<usize>,
}

async fn get_requests(State(a): State<Admin>, Query(q): Query<RequestsQuery>) -> ApiResult {
    match q.path {
        Some(path) => ok(Value::from(a.recorder.get(&path, q.limit.unwrap_or(50)))),
        None => ok(json!({ "paths": a.recorder.paths() })),
    }
}

#[derive(Deserialize)]
struct StatsQuery {
    prefix: Option<String>,
    since: Option<u64>,
    until: Option<u64>,
}

/// How many requests under a path prefix, the most in any second, and the 429s, in a window.
async fn request_stats(State(a): State<Admin>, Query(q): Query<StatsQuery>) -> ApiResult {
    let stats = a.recorder.stats(q.prefix.as_deref().unwrap_or("/"), q.since, q.until);
    ok(serde_json::to_value(stats).unwrap_or_default())
}

async fn clear_requests(State(a): State<Admin>) -> ApiResult {
    a.recorder.clear();
    ok(json!({}))
}

async fn finish_job(State(a): State<Admin>, Path(job_id): Path<String>, JsonBody(body): JsonBody) -> ApiResult {
    let success = match body.get("status").and_then(Value::as_str) {
        None | Some("SUCCESSFUL") => true,
        Some("FAILED") => false,
        Some(other) => {
            return Err(bad(format!("status must be SUCCESSFUL or FAILED, got {other}")));
        }
    };
    let reason = body.get("reason").and_then(Value::as_str).map(str::to_string);
    let mut st = a.sim.lock();
    let (now, speed) = (st.now, st.speed());
    st.finish_job(&job_id, success, reason, now, speed).map_err(|m| ApiError::http(StatusCode::NOT_FOUND, 404, m))?;
    st.mark_dirty();
    let job = st.job(&job_id).map(|j| j.to_api()).unwrap_or_default();
    ok(job)
}

async fn reset(State(a): State<Admin>) -> ApiResult {
    a.sim.reset();
    *a.faults.write().unwrap_or_else(|e| e.into_inner()) = FaultConfig::default();
    a.recorder.clear();
    ok(json!({ "reset": true }))
}

async fn state(State(a): State<Admin>) -> Response {
    Json(a.sim.snapshot()).into_response()
}
