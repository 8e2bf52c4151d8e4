//! The control-plane and data-plane simulator. One mutex guards the whole world, so every rule
//! (one manual backup per cluster, and so on) is checked and applied atomically. It is written
//! from the documented contract; section numbers (§) in its comments are those of
//! docs/api-contract.md.

pub mod backups;
pub mod clusters;
pub mod dataplane;
pub mod jobs;
pub mod policy;
pub mod seed;
pub mod state;

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::HeaderMap;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::persistence::{self, LoadError};
use crate::rate_limit::{RateLimiter, limit_requests};
use crate::time_util::now_ms;
use state::SimState;

pub struct Sim {
    state: Mutex<SimState>,
    state_path: PathBuf,
    speed_bits: AtomicU64,
    fail_rate_bits: AtomicU64,
    /// Numbers each changed state; the writer keeps the number of the last one on disk.
    generation: AtomicU64,
    written: Mutex<u64>,
    _lock: persistence::StateLock,
}

/// The locked state, advanced to "now" on acquisition; saved on drop if anything changed.
pub struct Guard<'a> {
    /// Always `Some` until drop, which releases the lock before writing the file.
    state: Option<MutexGuard<'a, SimState>>,
    sim: &'a Sim,
    pub now: u64,
    dirty: bool,
}

impl Guard<'_> {
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }
    pub fn speed(&self) -> f64 {
        self.sim.speed()
    }
    pub fn fail_rate(&self) -> f64 {
        self.sim.fail_rate()
    }
}

impl Deref for Guard<'_> {
    type Target = SimState;
    fn deref(&self) -> &SimState {
        self.state.as_ref().expect("present until drop")
    }
}

impl DerefMut for Guard<'_> {
    fn deref_mut(&mut self) -> &mut SimState {
        self.state.as_mut().expect("present until drop")
    }
}

impl Drop for Guard<'_> {
    /// A change is on disk before the request that made it is answered, but the file is written
    /// after the state's lock is released: under it only a copy is taken, so other requests
    /// wait for a clone, not for the disk. Writers go one at a time, and a copy older than
    /// the one on disk is skipped (the newer one holds its change too).
    fn drop(&mut self) {
        let Some(state) = self.state.take() else { return };
        if !self.dirty {
            return;
        }
        let generation = self.sim.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let copy = state.clone();
        drop(state);
        let mut written = self.sim.written.lock().unwrap_or_else(|e| e.into_inner());
        if *written >= generation {
            return;
        }
        match persistence::encode(&copy).and_then(|json| persistence::save(&self.sim.state_path, &json)) {
            Ok(()) => *written = generation,
            Err(e) => eprintln!("warning: cannot save the state to {}: {e}", self.sim.state_path.display()),
        }
    }
}

impl Sim {
    /// Loads the state file, or seeds (and saves) a fresh world when there is none or on reset.
    /// Takes the state file's lock first: a second server on the same file stops here.
    pub fn open(state_path: PathBuf, reset: bool, speed: f64, fail_rate: f64) -> Result<Arc<Self>, LoadError> {
        let lock = persistence::lock(&state_path)?;
        let now = now_ms();
        let loaded = if reset {
            if let Some(kept) = persistence::set_aside(&state_path, now / 1000)? {
                eprintln!("--reset: the previous state is kept as {}", kept.display());
            }
            None
        } else {
            persistence::load(&state_path)?
        };
        let fresh = loaded.is_none();
        let state = loaded.unwrap_or_else(|| seed::seed(now));
        let sim = Arc::new(Self {
            state: Mutex::new(state),
            state_path,
            speed_bits: AtomicU64::new(speed.to_bits()),
            fail_rate_bits: AtomicU64::new(fail_rate.to_bits()),
            generation: AtomicU64::new(0),
            written: Mutex::new(0),
            _lock: lock,
        });
        {
            let mut g = sim.lock();
            if fresh {
                g.mark_dirty();
            }
        }
        Ok(sim)
    }

    pub fn speed(&self) -> f64 {
        f64::from_bits(self.speed_bits.load(Ordering::Relaxed))
    }

    pub fn fail_rate(&self) -> f64 {
        f64::from_bits(self.fail_rate_bits.load(Ordering::Relaxed))
    }

    /// Accounts the work done at the old speed first, so the new one applies from now on.
    pub fn set_speed(&self, speed: f64) {
        let _g = self.lock();
        self.speed_bits.store(speed.to_bits(), Ordering::Relaxed);
    }

    pub fn set_fail_rate(&self, rate: f64) {
        self.fail_rate_bits.store(rate.to_bits(), Ordering::Relaxed);
    }

    pub fn lock(&self) -> Guard<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_ms();
        let dirty = state.advance(now, self.speed());
        Guard { state: Some(state), sim: self, now, dirty }
    }

    /// The background beat: jobs, expiry, schedules (reads also advance jobs on their own).
    pub fn tick(&self) {
        let mut g = self.lock();
        let (now, speed, fail_rate) = (g.now, g.speed(), g.fail_rate());
        if g.tick(now, speed, fail_rate) {
            g.mark_dirty();
        }
    }

    pub fn reset(&self) {
        let mut g = self.lock();
        *g = seed::seed(g.now);
        g.mark_dirty();
    }

    pub fn snapshot(&self) -> SimState {
        self.lock().clone()
    }
}

/// The origin a request came in on (`Host`, and `X-Forwarded-Proto: https` behind a TLS
/// proxy), for `connectAddress` values that point back at this server; anything odd in `Host`
/// falls back to the bound address.
pub fn request_origin(headers: &HeaderMap, fallback: &str) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
        })
        .unwrap_or(fallback);
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

#[derive(Clone)]
pub struct SimApp {
    pub sim: Arc<Sim>,
    /// `host:port` this server is bound to (fallback for `connectAddress`).
    pub bound: String,
}

/// `/v2/...`: authenticated, rate-limited.
pub fn control_plane(app: SimApp, limiter: Arc<RateLimiter>) -> Router {
    Router::new()
        .route("/v2/projects", get(clusters::list_projects))
        .route("/v2/projects/{project_id}", get(clusters::describe_project))
        .route("/v2/clusters", get(clusters::list_clusters))
        .route("/v2/clusters/{cluster_id}", get(clusters::describe_cluster))
        .route("/v2/clusters/{cluster_id}/backups/create", post(backups::create))
        .route("/v2/clusters/{cluster_id}/backups/policy", get(policy::get_policy).post(policy::set_policy))
        .route("/v2/clusters/{cluster_id}/backups/{backup_id}", get(backups::describe).delete(backups::delete))
        .route("/v2/clusters/{cluster_id}/backups/{backup_id}/restoreCluster", post(backups::restore_cluster))
        .route("/v2/clusters/{cluster_id}/backups/{backup_id}/restoreCollection", post(backups::restore_collection))
        .route("/v2/backups", get(backups::list))
        .route("/v2/jobs", get(jobs::list_jobs))
        .route("/v2/jobs/{job_id}", get(jobs::describe_job))
        .route_layer(from_fn_with_state(limiter, limit_requests))
        .route_layer(from_fn(crate::auth::require_api_key))
        .with_state(app)
}

/// `/dataplane/{clusterId}/v2/vectordb/...`: what each cluster's `connectAddress` points at.
pub fn data_plane(app: SimApp) -> Router {
    Router::new()
        .route("/dataplane/{cluster_id}/v2/vectordb/databases/list", post(dataplane::list_databases))
        .route("/dataplane/{cluster_id}/v2/vectordb/collections/list", post(dataplane::list_collections))
        .with_state(app)
}
