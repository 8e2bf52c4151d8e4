//! Remembers the last request bodies per path, so a test can check exactly what the console
//! sent (`GET /__sim/requests?path=…`). Headers are not kept: they carry the API key.
//!
//! Only requests with a valid key are recorded, and the recorder holds at most
//! [`MAX_TOTAL_BYTES`] of bodies: the oldest entries go first. An unauthenticated client
//! cannot make the server keep anything.
//!
//! Bodies are kept for the last 50 requests a path; every request's time, path and status is
//! also logged (the last [`MAX_LOG`]), so a benchmark can count a poller's requests over whole
//! minutes (`GET /__sim/requests/stats?prefix=/v2/jobs/&since=…&until=…`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::api::{MAX_BODY, read_body};
use crate::auth::caller_for;
use crate::time_util::{iso, now_ms};

const PER_PATH: usize = 50;
const MAX_PATHS: usize = 1000;
/// Bodies beyond this are kept as a note of their size only.
const MAX_KEPT_BODY: usize = 64 * 1024;
pub const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;
/// Requests kept in the time log (about 100 a second for half an hour).
pub const MAX_LOG: usize = 200_000;

/// One request in the time log.
struct Hit {
    ms: u64,
    path: String,
    status: u16,
}

/// Requests whose path starts with a prefix, in a time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub count: usize,
    /// The most that started within any one second (a sliding window, not clock seconds).
    pub max_in_any_second: usize,
    /// How many were refused with 429.
    pub status429: usize,
}

#[derive(Default)]
struct Entries {
    by_path: HashMap<String, VecDeque<Entry>>,
    /// Every entry's (sequence, path), oldest first: what to drop when the total is over.
    order: VecDeque<(u64, String)>,
    next_seq: u64,
    total_bytes: usize,
}

struct Entry {
    seq: u64,
    bytes: usize,
    value: Value,
}

#[derive(Default)]
pub struct Recorder {
    entries: Mutex<Entries>,
    log: Mutex<VecDeque<Hit>>,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, path: &str, limit: usize) -> Vec<Value> {
        let e = self.lock();
        e.by_path
            .get(path)
            .map(|q| q.iter().skip(q.len().saturating_sub(limit)).map(|x| x.value.clone()).collect())
            .unwrap_or_default()
    }

    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self.lock().by_path.keys().cloned().collect();
        v.sort();
        v
    }

    /// Bytes of bodies held now (never above [`MAX_TOTAL_BYTES`]).
    pub fn total_bytes(&self) -> usize {
        self.lock().total_bytes
    }

    pub fn clear(&self) {
        *self.lock() = Entries::default();
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn log_hit(&self, ms: u64, path: &str, status: u16) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() == MAX_LOG {
            log.pop_front();
        }
        log.push_back(Hit { ms, path: path.to_owned(), status });
    }

    /// The requests whose path starts with `prefix` that started in `[since, until)` (ms since
    /// the epoch; `None`: unbounded).
    pub fn stats(&self, prefix: &str, since: Option<u64>, until: Option<u64>) -> Stats {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let hits: Vec<&Hit> = log
            .iter()
            .filter(|h| h.path.starts_with(prefix))
            .filter(|h| since.is_none_or(|s| h.ms >= s) && until.is_none_or(|u| h.ms < u))
            .collect();
        let mut times: Vec<u64> = hits.iter().map(|h| h.ms).collect();
        times.sort_unstable();
        // Two pointers: the most starts within any 1,000 ms.
        let (mut first, mut most) = (0, 0);
        for (last, t) in times.iter().enumerate() {
            while times[first] + 1_000 <= *t {
                first += 1;
            }
            most = most.max(last + 1 - first);
        }
        Stats { count: hits.len(), max_in_any_second: most, status429: hits.iter().filter(|h| h.status == 429).count() }
    }

    fn push(&self, path: String, bytes: usize, value: Value) {
        let mut e = self.lock();
        if e.by_path.len() >= MAX_PATHS && !e.by_path.contains_key(&path) {
            return;
        }
        let seq = e.next_seq;
        e.next_seq += 1;
        let q = e.by_path.entry(path.clone()).or_default();
        let mut freed = 0;
        if q.len() == PER_PATH {
            freed = q.pop_front().map_or(0, |old| old.bytes);
        }
        q.push_back(Entry { seq, bytes, value });
        e.total_bytes = e.total_bytes - freed + bytes;
        e.order.push_back((seq, path));
        while e.total_bytes > MAX_TOTAL_BYTES {
            let Some((old_seq, old_path)) = e.order.pop_front() else { break };
            let Some(q) = e.by_path.get_mut(&old_path) else { continue };
            // Already dropped by the per-path limit when its front is newer.
            if q.front().is_some_and(|x| x.seq == old_seq) {
                let gone = q.pop_front().map_or(0, |x| x.bytes);
                if q.is_empty() {
                    e.by_path.remove(&old_path);
                }
                e.total_bytes -= gone;
            }
        }
        // The order queue may hold entries the per-path limit already dropped: keep it bounded.
        if e.order.len() > 2 * MAX_PATHS * PER_PATH {
            let live: std::collections::HashSet<u64> = e.by_path.values().flatten().map(|x| x.seq).collect();
            e.order.retain(|(s, _)| live.contains(s));
        }
    }
}

pub async fn record(State(rec): State<Arc<Recorder>>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::OPTIONS {
        return next.run(req).await;
    }
    // A request without a known key (a refused one) is counted, but its body is not kept.
    if caller_for(req.headers()).is_none() {
        let (started, path) = (now_ms(), req.uri().path().to_string());
        let response = next.run(req).await;
        rec.log_hit(started, &path, response.status().as_u16());
        return response;
    }
    let (parts, body) = req.into_parts();
    let bytes = match read_body(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let body_value = if bytes.is_empty() {
        Value::Null
    } else if bytes.len() > MAX_KEPT_BODY {
        json!({ "notKept": format!("{} bytes", bytes.len()) })
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    rec.push(
        parts.uri.path().to_string(),
        bytes.len().min(MAX_KEPT_BODY),
        json!({
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "query": parts.uri.query().unwrap_or(""),
            "body": body_value,
            "time": iso(now_ms()),
        }),
    );
    let started = now_ms();
    let path = parts.uri.path().to_string();
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    rec.log_hit(started, &path, response.status().as_u16());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_capped_oldest_first() {
        let r = Recorder::default();
        for i in 0..200 {
            r.push(format!("/p{}", i % 3), MAX_KEPT_BODY, json!(i));
        }
        assert!(r.total_bytes() <= MAX_TOTAL_BYTES);
        assert_eq!(r.total_bytes(), MAX_TOTAL_BYTES, "full, not emptied");
        // The newest survive, the oldest are gone.
        assert_eq!(r.get("/p2", 1), vec![json!(197)]);
        assert!(!r.get("/p0", 1000).contains(&json!(0)));
        r.clear();
        assert_eq!(r.total_bytes(), 0);
    }

    #[test]
    fn stats_count_a_prefix_in_a_window() {
        let r = Recorder::default();
        // Five polls of two jobs 400 ms apart, one of them refused, and a list in between.
        for (i, t) in [0u64, 400, 800, 1_200, 1_600].into_iter().enumerate() {
            r.log_hit(10_000 + t, "/v2/jobs/job-a", if i == 2 { 429 } else { 200 });
            r.log_hit(10_000 + t + 1, "/v2/jobs/job-b", 200);
        }
        r.log_hit(10_500, "/v2/clusters", 200);
        let all = r.stats("/v2/jobs/", None, None);
        assert_eq!(all, Stats { count: 10, max_in_any_second: 6, status429: 1 });
        // A window is [since, until).
        assert_eq!(r.stats("/v2/jobs/job-a", Some(10_400), Some(11_200)).count, 2);
        assert_eq!(r.stats("/v2/clusters", None, None).count, 1);
        assert_eq!(r.stats("/v2/none", None, None), Stats { count: 0, max_in_any_second: 0, status429: 0 });
        r.clear();
        assert_eq!(r.stats("/", None, None).count, 0);
    }

    #[test]
    fn the_log_keeps_the_newest() {
        let r = Recorder::default();
        for i in 0..(MAX_LOG as u64 + 10) {
            r.log_hit(i, "/p", 200);
        }
        assert_eq!(r.stats("/p", None, None).count, MAX_LOG);
        assert_eq!(r.stats("/p", None, Some(10)).count, 0, "the ten oldest are gone");
    }

    #[test]
    fn per_path_limit_and_accounting_agree() {
        let r = Recorder::default();
        for i in 0..(PER_PATH * 3) {
            r.push("/same".into(), 10, json!(i));
        }
        assert_eq!(r.get("/same", 1000).len(), PER_PATH);
        assert_eq!(r.total_bytes(), PER_PATH * 10);
    }
}
