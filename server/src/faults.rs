//! Fault injection for tests: added latency, and a share of HTTP 500s, 429s, HTML 502 pages
//! (what a CDN or WAF sends) and malformed JSON, on every API route or only chosen ones.
//! Set by flags at start-up; changed at run time through `/__sim/faults`.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::rate_limit::too_many_requests;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
/// Unknown fields are refused, so a misspelt fault name is an error, not a silent no-op.
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added to every matching request.
    pub latency_ms: u64,
    /// Shares (0..1) of matching requests answered with each fault; checked in this order.
    pub error_rate: f64,
    pub rate_limit_rate: f64,
    pub html_error_rate: f64,
    pub malformed_rate: f64,
    /// Which requests: empty = every API route. A pattern is an optional method, then a path
    /// prefix in which `*` stands for one segment: `POST /v2/clusters/*/backups/create`,
    /// `/v2/jobs`.
    pub endpoints: Vec<String>,
    /// If set, only this many more faults are injected, then all shares drop to 0 (latency
    /// stays). Lets a test break exactly N requests.
    pub remaining: Option<u64>,
    /// Run the handler first, then add the latency and the fault: the request takes effect
    /// (a backup is made) but its answer is late or lost, as after a time-out or a 5xx from a
    /// proxy.
    pub after_handler: bool,
    /// The wait an injected 429 asks for (`Retry-After`); 0 means 1 s.
    pub retry_after_secs: u64,
}

impl FaultConfig {
    pub fn is_active(&self) -> bool {
        self.latency_ms > 0
            || self.error_rate > 0.0
            || self.rate_limit_rate > 0.0
            || self.html_error_rate > 0.0
            || self.malformed_rate > 0.0
    }

    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("errorRate", self.error_rate),
            ("rateLimitRate", self.rate_limit_rate),
            ("htmlErrorRate", self.html_error_rate),
            ("malformedRate", self.malformed_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} must be between 0 and 1, got {v}"));
            }
        }
        if self.retry_after_secs > 3_600 {
            return Err("retryAfterSecs must be at most 3600".into());
        }
        if self.latency_ms > 600_000 {
            return Err("latencyMs must be at most 600000".into());
        }
        Ok(())
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.endpoints.is_empty() || self.endpoints.iter().any(|p| pattern_matches(p, method, path))
    }
}

fn pattern_matches(pattern: &str, method: &str, path: &str) -> bool {
    let pattern = pattern.trim();
    let (want_method, prefix) = match pattern.split_once(' ') {
        Some((m, p)) => (Some(m.trim()), p.trim()),
        None => (None, pattern),
    };
    if want_method.is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
        return false;
    }
    let mut path_segs = path.trim_matches('/').split('/');
    prefix
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .all(|want| path_segs.next().is_some_and(|got| want == "*" || want == got))
}

pub type SharedFaults = Arc<RwLock<FaultConfig>>;

enum Fault {
    Error,
    RateLimit,
    Html,
    Malformed,
}

/// Picks the fault for one request, and counts it against `remaining`.
/// What to do to one request: latency, the fault, whether after the handler, the 429 wait.
type Roll = (u64, Option<Fault>, bool, u64);

fn roll(faults: &SharedFaults, method: &str, path: &str) -> Option<Roll> {
    let mut cfg = faults.write().unwrap_or_else(|e| e.into_inner());
    if !cfg.is_active() || !cfg.matches(method, path) {
        return None;
    }
    let r = fastrand::f64();
    let mut edge = 0.0;
    let mut pick = None;
    for (share, fault) in [
        (cfg.error_rate, Fault::Error),
        (cfg.rate_limit_rate, Fault::RateLimit),
        (cfg.html_error_rate, Fault::Html),
        (cfg.malformed_rate, Fault::Malformed),
    ] {
        edge += share;
        if share > 0.0 && r < edge {
            pick = Some(fault);
            break;
        }
    }
    if pick.is_some()
        && let Some(n) = cfg.remaining.as_mut()
    {
        *n = n.saturating_sub(1);
        if *n == 0 {
            cfg.remaining = None;
            cfg.error_rate = 0.0;
            cfg.rate_limit_rate = 0.0;
            cfg.html_error_rate = 0.0;
            cfg.malformed_rate = 0.0;
        }
    }
    Some((cfg.latency_ms, pick, cfg.after_handler, cfg.retry_after_secs.max(1)))
}

pub async fn inject(State(faults): State<SharedFaults>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    // Preflights are answered by the CORS layer outside; never break them here.
    let Some((latency, fault, after_handler, wait_secs)) = roll(&faults, &method, &path) else {
        return next.run(req).await;
    };
    // After the handler: the request has taken effect; only its answer is late or replaced.
    let (done, pending) = if after_handler { (Some(next.run(req).await), None) } else { (None, Some((next, req))) };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let next_or_done = async move {
        match (done, pending) {
            (Some(response), _) => response,
            (None, Some((next, req))) => next.run(req).await,
            (None, None) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
    match fault {
        None => next_or_done.await,
        Some(Fault::Error) => ApiError::http(
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal server error (injected fault). Please retry.",
        )
        .into_response(),
        Some(Fault::RateLimit) => {
            too_many_requests(wait_secs, format!("Too many requests (injected fault). Retry after {wait_secs} s."))
        }
        Some(Fault::Html) => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        )
            .into_response(),
        Some(Fault::Malformed) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"code\":0,\"data\":{\"jobId\":\"job-",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches("/v2/jobs", "GET", "/v2/jobs/job-1"));
        assert!(pattern_matches("POST /v2/clusters/*/backups/create", "POST", "/v2/clusters/in01-x/backups/create"));
        assert!(!pattern_matches("POST /v2/clusters/*/backups/create", "GET", "/v2/clusters/in01-x/backups/create"));
        assert!(!pattern_matches("/v2/jobs", "GET", "/v2/clusters"));
        assert!(pattern_matches("/", "GET", "/v2/clusters"));
    }
}
