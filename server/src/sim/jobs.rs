//! The job engine. Jobs advance lazily: each one keeps the work done so far (in milliseconds
//! at speed 1) and the wall-clock instant it was last accounted; reading the state first
//! credits `elapsed × speed` to every unfinished job. No timers per job, restart-safe (the
//! time the server was down counts as elapsed), and a speed change applies from that moment.

use super::state::{
    Backup, BackupCopy, BackupDb, Collection, Database, Job, JobKind, JobStatus, SimState, canonical_db,
};
use crate::time_util::{DAY, HOUR, SECOND, day_start, weekday};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Keep the state file bounded: beyond this many jobs the oldest finished ones go.
const MAX_JOBS: usize = 2000;

/// Durations at speed 1, so a demo shows every phase: queue wait, then a base time plus a
/// time per GiB of data (the backed-up size drives the duration).
pub fn backup_durations(size: u64) -> (f64, f64) {
    (3.0 * SECOND as f64, 10.0 * SECOND as f64 + 6.0 * SECOND as f64 * size as f64 / GIB)
}
pub fn copy_durations(size: u64) -> (f64, f64) {
    (2.0 * SECOND as f64, 8.0 * SECOND as f64 + 4.0 * SECOND as f64 * size as f64 / GIB)
}
pub fn restore_cluster_durations(size: u64) -> (f64, f64) {
    (5.0 * SECOND as f64, 30.0 * SECOND as f64 + 8.0 * SECOND as f64 * size as f64 / GIB)
}
pub fn restore_collection_durations(size: u64) -> (f64, f64) {
    (3.0 * SECOND as f64, 8.0 * SECOND as f64 + 6.0 * SECOND as f64 * size as f64 / GIB)
}

pub fn random_id(alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| char::from(alphabet[fastrand::usize(..alphabet.len())])).collect()
}
const HEX: &[u8] = b"0123456789abcdef";
const ALNUM_LOWER: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `job-` + 22 lower-case alphanumerics, like `job-031a8e3587ba7zqkadxxxx` (§2).
pub fn new_job_id() -> String {
    format!("job-{}", random_id(ALNUM_LOWER, 22))
}
/// `in01-` + 15 hex (dedicated clusters).
pub fn new_cluster_id() -> String {
    format!("in01-{}", random_id(HEX, 15))
}
pub fn new_password() -> String {
    random_id(b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20)
}

pub struct NewJob {
    pub job_type: &'static str,
    pub kind: JobKind,
    pub cluster_id: String,
    pub project_id: String,
    pub durations: (f64, f64),
    pub after: Option<String>,
}

/// What a new backup should hold; shared by manual creates, the policy and the schedule.
pub struct BackupSpec {
    pub cluster_id: String,
    pub method: &'static str,
    pub backup_type: &'static str,
    pub db_collections: Vec<BackupDb>,
    /// (regionId, retentionDays: None = kept forever)
    pub copies: Vec<(String, Option<u32>)>,
    pub retention_days: Option<u32>,
}

pub struct Started {
    pub backup_id: String,
    pub backup_name: String,
    pub job_id: String,
}

const FAILURE_REASONS: &[&str] = &[
    "Simulated failure (--fail-rate): uploading a segment to object storage timed out. Please retry.",
    "Simulated failure (--fail-rate): the data node restarted while the job was running. Please retry.",
    "Simulated failure (--fail-rate): not enough temporary storage in the region. Please retry later.",
];

impl SimState {
    pub fn push_job(&mut self, nj: NewJob, now: u64, fail_rate: f64) -> String {
        let job_id = new_job_id();
        let fail_at = (fail_rate > 0.0 && fastrand::f64() < fail_rate).then(|| 0.2 + fastrand::f64() * 0.7);
        self.jobs.push(Job {
            job_id: job_id.clone(),
            job_type: nj.job_type.to_string(),
            kind: nj.kind,
            cluster_id: nj.cluster_id,
            project_id: nj.project_id,
            status: JobStatus::Pending,
            pending_ms: nj.durations.0,
            run_ms: nj.durations.1,
            work_done_ms: 0.0,
            advanced_at: now,
            create_time: now,
            start_time: None,
            end_time: None,
            fail_at,
            reason: String::new(),
            after: nj.after,
            final_progress: 0,
        });
        self.prune_jobs();
        job_id
    }

    fn prune_jobs(&mut self) {
        if self.jobs.len() <= MAX_JOBS {
            return;
        }
        let mut excess = self.jobs.len() - MAX_JOBS;
        self.jobs.retain(|j| {
            if excess > 0 && j.status.is_terminal() {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }

    /// Creates the backup record (CREATING), its job and one job per cross-region copy, which
    /// waits for the main job. The caller has checked every rule.
    pub fn start_backup(&mut self, spec: BackupSpec, now: u64, fail_rate: f64) -> Option<Started> {
        // Checked: the counters come from the state file (which `SimState::check` bounds).
        let seq = self.next_backup_seq.checked_add(1)?;
        let cluster = self.cluster_mut(&spec.cluster_id)?;
        cluster.backup_counter = cluster.backup_counter.checked_add(1)?;
        let backup_name = format!("{}_backup{}", cluster.cluster_name, cluster.backup_counter);
        let (project_id, cluster_name, region_id) =
            (cluster.project_id.clone(), cluster.cluster_name.clone(), cluster.region_id.clone());
        self.next_backup_seq = seq;
        let backup_id = format!("backup{seq}_{}", random_id(HEX, 15));
        let size = spec
            .db_collections
            .iter()
            .flat_map(|d| d.collections.iter())
            .fold(0u64, |a, c| a.saturating_add(c.size_bytes));
        let job_id = self.push_job(
            NewJob {
                job_type: "BACKUP",
                kind: JobKind::Backup { backup_id: backup_id.clone(), method: spec.method.to_string() },
                cluster_id: spec.cluster_id.clone(),
                project_id: project_id.clone(),
                durations: backup_durations(size),
                after: None,
            },
            now,
            fail_rate,
        );
        let mut copies = Vec::new();
        for (region, retention) in spec.copies {
            let copy_job = self.push_job(
                NewJob {
                    job_type: "BACKUP",
                    kind: JobKind::BackupCopy { backup_id: backup_id.clone(), region_id: region.clone() },
                    cluster_id: spec.cluster_id.clone(),
                    project_id: project_id.clone(),
                    durations: copy_durations(size),
                    after: Some(job_id.clone()),
                },
                now,
                fail_rate,
            );
            copies.push(BackupCopy {
                region_id: region,
                retention_days: retention,
                job_id: copy_job,
                status: "PENDING".into(),
            });
        }
        self.backups.push(Backup {
            backup_id: backup_id.clone(),
            backup_name: backup_name.clone(),
            cluster_id: spec.cluster_id,
            cluster_name,
            project_id,
            region_id,
            backup_type: spec.backup_type.to_string(),
            creation_method: spec.method.to_string(),
            status: "CREATING".into(),
            size,
            create_time: now,
            expire_time: spec.retention_days.map(|d| now + u64::from(d) * DAY),
            db_collections: spec.db_collections,
            job_id: job_id.clone(),
            copies,
        });
        Some(Started { backup_id, backup_name, job_id })
    }

    /// Credits elapsed time to every unfinished job and applies the effects of jobs that
    /// finished. Returns whether anything visible changed (then the state is saved).
    pub fn advance(&mut self, now: u64, speed: f64) -> bool {
        let mut outcomes: Vec<(usize, bool)> = Vec::new();
        for i in 0..self.jobs.len() {
            if self.jobs[i].status.is_terminal() {
                continue;
            }
            let mut dt = now.saturating_sub(self.jobs[i].advanced_at) as f64;
            if let Some(after) = self.jobs[i].after.clone() {
                // The predecessor is older, hence earlier in the list: already advanced.
                let pred = self.jobs[..i].iter().find(|j| j.job_id == after).map(|j| (j.status, j.end_time));
                match pred {
                    Some((JobStatus::Successful, end)) => {
                        // Only the time since the predecessor ended counts.
                        dt = dt.min(now.saturating_sub(end.unwrap_or(now)) as f64);
                    }
                    Some((JobStatus::Failed | JobStatus::Canceled, _)) | None => {
                        let job = &mut self.jobs[i];
                        job.status = JobStatus::Failed;
                        job.end_time = Some(now);
                        job.reason =
                            format!("The backup job {after} did not succeed, so this cross-region copy was not made.");
                        job.advanced_at = now;
                        outcomes.push((i, false));
                        continue;
                    }
                    Some(_) => {
                        self.jobs[i].advanced_at = now;
                        continue;
                    }
                }
            }
            let job = &mut self.jobs[i];
            job.advanced_at = now;
            job.work_done_ms += dt * speed;
            // Instant (wall clock) at which the job crossed `mark`, given it is past it now.
            let crossed_at = |job: &Job, mark: f64| -> u64 {
                let over = ((job.work_done_ms - mark) / speed.max(1e-9)).max(0.0);
                now.saturating_sub(over as u64)
            };
            if job.status == JobStatus::Pending && job.work_done_ms >= job.pending_ms {
                job.status = JobStatus::InProgress;
                job.start_time = Some(crossed_at(job, job.pending_ms).max(job.create_time));
            }
            if job.status == JobStatus::InProgress {
                if let Some(f) = job.fail_at {
                    let mark = job.pending_ms + f * job.run_ms;
                    if job.work_done_ms >= mark {
                        job.status = JobStatus::Failed;
                        job.end_time = Some(crossed_at(job, mark));
                        job.final_progress = (f * 100.0).floor().clamp(0.0, 99.0) as u8;
                        if job.reason.is_empty() {
                            job.reason = FAILURE_REASONS[fastrand::usize(..FAILURE_REASONS.len())].to_string();
                        }
                        outcomes.push((i, false));
                        continue;
                    }
                }
                let total = job.pending_ms + job.run_ms;
                if job.work_done_ms >= total {
                    job.status = JobStatus::Successful;
                    job.end_time = Some(crossed_at(job, total));
                    job.final_progress = 100;
                    outcomes.push((i, true));
                }
            }
        }
        let changed = !outcomes.is_empty();
        for (i, success) in outcomes {
            self.apply_outcome(i, success);
        }
        changed
    }

    /// Restores still running from a backup that is being deleted end FAILED, with their
    /// effects undone as for any failed restore (a cluster that never came up is removed).
    pub fn fail_restores_from(&mut self, deleted_backup_id: &str, now: u64) {
        let running: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| {
                let j = &self.jobs[i];
                !j.status.is_terminal()
                    && matches!(&j.kind, JobKind::RestoreCluster { backup_id, .. }
                        | JobKind::RestoreCollection { backup_id, .. } if backup_id == deleted_backup_id)
            })
            .collect();
        for i in running {
            let job = &mut self.jobs[i];
            job.final_progress = job.progress();
            job.status = JobStatus::Failed;
            job.end_time = Some(now);
            job.advanced_at = now;
            job.reason = format!("The backup {deleted_backup_id} was deleted while it was being restored.");
            self.apply_outcome(i, false);
        }
    }

    fn apply_outcome(&mut self, i: usize, success: bool) {
        let kind = self.jobs[i].kind.clone();
        match kind {
            JobKind::Backup { backup_id, .. } => {
                if let Some(b) = self.backup_mut(&backup_id) {
                    b.status = if success { "AVAILABLE" } else { "FAILED" }.into();
                }
            }
            JobKind::BackupCopy { backup_id, region_id } => {
                if let Some(b) = self.backup_mut(&backup_id)
                    && let Some(c) = b.copies.iter_mut().find(|c| c.region_id == region_id)
                {
                    c.status = if success { "AVAILABLE" } else { "FAILED" }.into();
                }
            }
            JobKind::RestoreCluster { new_cluster_id, .. } => {
                if success {
                    if let Some(c) = self.cluster_mut(&new_cluster_id) {
                        c.status = "RUNNING".into();
                        c.create_progress = 100;
                    }
                } else {
                    // A cluster that never came up is gone, as after a failed creation.
                    self.clusters.retain(|c| c.cluster_id != new_cluster_id);
                }
            }
            JobKind::RestoreCollection { backup_id, dest_cluster_id, items } => {
                if !success {
                    return;
                }
                let Some(backup) = self.backup(&backup_id).cloned() else {
                    return;
                };
                let Some(dest) = self.cluster_mut(&dest_cluster_id) else {
                    return;
                };
                for item in items {
                    let Some(src) = backup
                        .db_collections
                        .iter()
                        .filter(|d| canonical_db(&d.db_name) == canonical_db(&item.src_db))
                        .flat_map(|d| d.collections.iter())
                        .find(|c| c.collection_name == item.src_collection)
                    else {
                        continue;
                    };
                    let db_name = canonical_db(&item.dest_db).to_string();
                    let db = match dest.databases.iter().position(|d| d.name == db_name) {
                        Some(p) => &mut dest.databases[p],
                        None => {
                            dest.databases.push(Database { name: db_name, collections: Vec::new() });
                            let last = dest.databases.len() - 1;
                            &mut dest.databases[last]
                        }
                    };
                    if db.collections.iter().any(|c| c.name == item.dest_collection) {
                        continue;
                    }
                    db.collections.push(Collection {
                        name: item.dest_collection,
                        description: src.description.clone(),
                        size_bytes: src.size_bytes,
                        row_count: src.row_count,
                        loaded: item.loaded,
                    });
                }
            }
        }
    }

    /// Test hook: ends a job now, successfully or with a reason.
    pub fn finish_job(
        &mut self,
        job_id: &str,
        success: bool,
        reason: Option<String>,
        now: u64,
        speed: f64,
    ) -> Result<(), String> {
        self.advance(now, speed);
        let Some(i) = self.jobs.iter().position(|j| j.job_id == job_id) else {
            return Err(format!("Job {job_id} not found."));
        };
        {
            let job = &mut self.jobs[i];
            if job.status.is_terminal() {
                return Err(format!("Job {job_id} has already ended ({}).", job.status.as_str()));
            }
            job.after = None;
            job.advanced_at = now;
            if success {
                job.fail_at = None;
                job.work_done_ms = job.pending_ms + job.run_ms;
            } else {
                let frac = ((job.work_done_ms - job.pending_ms) / job.run_ms.max(1.0)).clamp(0.0, 0.99);
                job.fail_at = Some(frac);
                job.work_done_ms = job.pending_ms + frac * job.run_ms;
                job.reason = reason.unwrap_or_else(|| "Failed on request (POST /__sim/jobs/{id}/finish).".into());
            }
        }
        self.advance(now, speed);
        Ok(())
    }

    /// The periodic part of the simulation: job progress, expiry of AUTO backups, and the
    /// backup policy's schedule. Returns whether the state changed.
    pub fn tick(&mut self, now: u64, speed: f64, fail_rate: f64) -> bool {
        let mut changed = self.advance(now, speed);
        let before = self.backups.len();
        // AUTO backups expire after retentionDays; manual ones are kept forever (§2).
        self.backups.retain(|b| {
            !(b.creation_method == "AUTO" && b.status == "AVAILABLE" && b.expire_time.is_some_and(|t| t <= now))
        });
        changed |= self.backups.len() != before;
        changed |= self.run_schedules(now, fail_rate);
        changed
    }

    fn run_schedules(&mut self, now: u64, fail_rate: f64) -> bool {
        let mut due = Vec::new();
        for (cluster_id, p) in &self.policies {
            if !p.enabled {
                continue;
            }
            let Some(slot) = latest_slot(&p.frequency, &p.start_time, now) else {
                continue;
            };
            // Run a slot once, only inside its two-hour window, and never for a slot that
            // began before the policy was enabled (enabling already ran a backup).
            if slot > p.last_slot && slot >= p.enabled_at && now < slot + 2 * HOUR {
                due.push((cluster_id.clone(), slot));
            }
        }
        let mut changed = false;
        for (cluster_id, slot) in due {
            let running = self.cluster(&cluster_id).is_some_and(|c| c.status == "RUNNING");
            if let Some(p) = self.policies.get_mut(&cluster_id) {
                p.last_slot = slot;
                changed = true;
            }
            if running {
                self.start_auto_backup(&cluster_id, now, fail_rate);
            }
        }
        changed
    }

    /// An AUTO backup of the whole cluster with the policy's retention and copies.
    pub fn start_auto_backup(&mut self, cluster_id: &str, now: u64, fail_rate: f64) -> Option<Started> {
        let policy = self.policies.get(cluster_id)?.clone();
        let cluster = self.cluster(cluster_id)?;
        let db_collections = snapshot_all(cluster);
        self.start_backup(
            BackupSpec {
                cluster_id: cluster_id.to_string(),
                method: "AUTO",
                backup_type: "CLUSTER",
                db_collections,
                copies: policy
                    .cross_region_copies
                    .iter()
                    .map(|c| (c.region_id.clone(), Some(c.retention_days)))
                    .collect(),
                retention_days: Some(policy.retention_days),
            },
            now,
            fail_rate,
        )
    }
}

/// Every database and collection of a cluster, as a backup records them.
pub fn snapshot_all(cluster: &super::state::Cluster) -> Vec<BackupDb> {
    cluster
        .databases
        .iter()
        .map(|d| BackupDb {
            db_name: d.name.clone(),
            collections: d.collections.iter().map(snapshot_collection).collect(),
        })
        .collect()
}

pub fn snapshot_collection(c: &Collection) -> super::state::BackupCollection {
    super::state::BackupCollection {
        collection_name: c.name.clone(),
        description: c.description.clone(),
        status: if c.loaded { "LOADED" } else { "UNLOADED" }.into(),
        size_bytes: c.size_bytes,
        row_count: c.row_count,
    }
}

/// The start of the most recent schedule slot at or before `now` (within a week).
fn latest_slot(frequency: &str, start_time: &str, now: u64) -> Option<u64> {
    let hour: u64 = start_time.get(0..2)?.parse().ok()?;
    let days: Vec<u8> = frequency.split(',').filter_map(|d| d.trim().parse().ok()).collect();
    (0..8u64)
        .filter_map(|back| {
            let day = day_start(now).checked_sub(back * DAY)?;
            let slot = day + hour * HOUR;
            (slot <= now && days.contains(&weekday(day))).then_some(slot)
        })
        .max()
}

// ---- HTTP: Describe Job (§3.1) and the undocumented List Jobs (§3.2, §9.13) ----

use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::SimApp;
use super::clusters::{QueryMap, page, paging, query_map};
use crate::api::{ApiError, ApiResult, ok};

pub async fn describe_job(State(app): State<SimApp>, Path(job_id): Path<String>) -> ApiResult {
    let st = app.sim.lock();
    st.job(&job_id)
        .map(Job::to_api)
        .ok_or_else(|| ApiError::biz(96026, "Job not found. Please check your request parameter."))
        .and_then(ok)
}

/// Newest first; optional `projectId`, `clusterId`, `status` filters. A cross-region copy
/// appears only once the backup job it waits for has finished (§2.1).
pub async fn list_jobs(State(app): State<SimApp>, q: QueryMap) -> ApiResult {
    let q = query_map(q);
    let (page_size, current_page) = paging(&q)?;
    let param = |n: &str| q.get(n).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (project, cluster, status) = (param("projectId"), param("clusterId"), param("status"));
    let st = app.sim.lock();
    let waiting = |j: &Job| j.after.as_ref().is_some_and(|a| st.job(a).is_none_or(|p| !p.status.is_terminal()));
    let mut jobs: Vec<&Job> = st
        .jobs
        .iter()
        .filter(|j| !waiting(j))
        .filter(|j| project.as_ref().is_none_or(|p| j.project_id == *p))
        .filter(|j| cluster.as_ref().is_none_or(|c| j.cluster_id == *c))
        .filter(|j| status.as_ref().is_none_or(|s| j.status.as_str().eq_ignore_ascii_case(s)))
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.create_time));
    let items: Vec<Value> = jobs
        .iter()
        .map(|j| {
            let mut v = j.to_api();
            if let Some(o) = v.as_object_mut() {
                o.insert("clusterId".into(), json!(j.cluster_id));
                o.insert("projectId".into(), json!(j.project_id));
            }
            v
        })
        .collect();
    ok(json!({
        "count": items.len(),
        "currentPage": current_page,
        "pageSize": page_size,
        "jobs": page(&items, page_size, current_page),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_is_found_on_a_matching_weekday() {
        // 1970-01-05 was a Monday.
        let monday = 4 * DAY + 70 * 7 * DAY;
        assert_eq!(latest_slot("1", "02:00-04:00", monday + 3 * HOUR), Some(monday + 2 * HOUR));
        assert_eq!(latest_slot("1", "02:00-04:00", monday + HOUR), Some(monday + 2 * HOUR - 7 * DAY));
        assert_eq!(latest_slot("", "02:00-04:00", monday), None);
    }

    #[test]
    fn auto_backups_expire_and_each_slot_runs_once() {
        let now = 20_000 * DAY + 13 * HOUR;
        let mut st = super::super::seed::seed(now);
        let autos = |st: &SimState| {
            st.backups.iter().filter(|b| b.creation_method == "AUTO").map(|b| b.status.clone()).collect::<Vec<_>>()
        };
        assert_eq!(autos(&st), ["AVAILABLE"; 3]);
        // Nothing is due right after seeding.
        assert!(!st.tick(now + 1000, 1.0, 0.0));
        assert_eq!(autos(&st).len(), 3);
        // Eight days on, inside the 02:00-04:00 window: the old ones are gone, one new one runs.
        let later = day_start(now) + 8 * DAY + 2 * HOUR + 30 * 60_000;
        assert!(st.tick(later, 1.0, 0.0));
        assert_eq!(autos(&st), ["CREATING"]);
        st.tick(later + HOUR, 1.0, 0.0);
        assert_eq!(autos(&st).len(), 1, "a slot runs once");
        // A window that passed while nobody was looking is skipped, the next one runs.
        st.tick(later + DAY + 6 * HOUR, 1.0, 0.0);
        assert_eq!(autos(&st).len(), 1);
        st.tick(later + 2 * DAY, 1.0, 0.0);
        assert_eq!(autos(&st).len(), 2);
        assert!(autos(&st).contains(&"AVAILABLE".to_string()));
        // Each AUTO backup of prod-search carries the policy's cross-region copy job.
        let copies = st.jobs.iter().filter(|j| matches!(j.kind, JobKind::BackupCopy { .. })).count();
        assert_eq!(copies, 3 + 2);
    }

    #[test]
    fn lazy_progress_follows_elapsed_time_and_speed() {
        let now = 20_000 * DAY;
        let mut st = super::super::seed::seed(now);
        let Some(started) = st.start_backup(
            BackupSpec {
                cluster_id: super::super::seed::STAGING_MAIN.into(),
                method: "MANUAL",
                backup_type: "CLUSTER",
                db_collections: Vec::new(),
                copies: Vec::new(),
                retention_days: None,
            },
            now,
            0.0,
        ) else {
            panic!("cluster exists");
        };
        let job = |st: &SimState| st.job(&started.job_id).cloned().expect("job");
        // Empty backup: 3 s queue + 10 s run at speed 1.
        st.advance(now + 2_000, 1.0);
        assert_eq!(job(&st).status, JobStatus::Pending);
        st.advance(now + 8_000, 1.0);
        assert_eq!((job(&st).status, job(&st).progress()), (JobStatus::InProgress, 50));
        // Ten times faster from here: the remaining 5 s of work take 0.5 s.
        st.advance(now + 8_400, 10.0);
        assert_eq!(job(&st).progress(), 90);
        assert!(st.advance(now + 8_600, 10.0));
        assert_eq!(job(&st).status, JobStatus::Successful);
        assert_eq!(job(&st).end_time, Some(now + 8_500));
        assert_eq!(st.backup(&started.backup_id).map(|b| b.status.as_str()), Some("AVAILABLE"));
    }
}
