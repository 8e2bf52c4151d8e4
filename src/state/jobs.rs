//! The app-wide job follower: the console's register of jobs (the API has no List Jobs) and one
//! poller that keeps every unfinished job up to date while the tab is visible.
//!
//! The decisions (what to poll when, backoff, stalls) are `rules::polling::Scheduler`; this
//! file only wires it to timers, fetches, the Page Visibility API and localStorage. A single
//! timeout is armed for the scheduler's next wake-up; when nothing is active, none is.
//!
//! The follower (the register, the poller, its listeners) is a chunk of the split release
//! build (src/split.rs), started only when there is something to follow: a register in this
//! browser for the current API, one another tab writes, or a page or dialog that asks for
//! `Jobs::get` (they start it). A first visit never fetches it.

use std::collections::HashMap;
use std::time::Duration;

use api_types::{ApiError, Cluster, ErrorKind, Job, JobStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Connection;
use super::settings::web::WebStore;
use super::toasts::{ToastTone, Toasts};
use crate::browser::{self, Listener, Timer, now_ms};
use crate::route::Route;
use crate::rules::job_register::{self, JobEntry, JobKind, JobRegister};
use crate::rules::polling::{PollPolicy, Scheduler, Transition};
use crate::rules::store::Store;

const SAVE_DELAY_MS: u64 = 1_000;

#[derive(Clone, Copy)]
pub struct Jobs {
    pub register: RwSignal<JobRegister>,
    scheduler: StoredValue<Scheduler>,
    /// The one wake-up timer; replacing or dropping it cancels it.
    timer: StoredValue<Option<Timer>, LocalStorage>,
    /// The base URL the register belongs to (one register per API).
    base: StoredValue<String>,
    /// When the last good answer arrived, for "Live, updated N s ago".
    pub last_update_ms: RwSignal<Option<u64>>,
    /// The last failed poll, kept beside the last good data.
    pub last_error: RwSignal<Option<(u64, ApiError)>>,
    /// Notified when a backup or restore job finishes: lists of backups refetch once.
    pub finished: Trigger,
    /// A clock for views that show ages ("updated 3 s ago", stalls): ticks each second while
    /// something is active.
    pub clock: Trigger,
    /// One signal per job for the rows: an answer notifies only its own row, not all 1,000.
    rows: StoredValue<HashMap<String, ArcRwSignal<JobEntry>>>,
    /// A write of the register is scheduled (see `save_soon`).
    save_due: StoredValue<bool>,
    save_timer: StoredValue<Option<Timer>, LocalStorage>,
    /// The visibility and storage listeners: removed when the app is disposed.
    listeners: StoredValue<Vec<Listener>, LocalStorage>,
    /// The follower has started (`start`); it starts once.
    started: StoredValue<bool>,
    /// Its chunk is being fetched (one fetch at a time), and whether a failed fetch was told.
    starting: StoredValue<bool>,
    warned: StoredValue<bool>,
    // Captured at creation: timer callbacks run outside the component tree, without context.
    conn: Connection,
    toasts: Toasts,
}

impl Jobs {
    pub fn provide(conn: Connection, toasts: Toasts) -> Jobs {
        let jobs = Jobs {
            register: RwSignal::new(JobRegister::default()),
            scheduler: StoredValue::new(Scheduler::new(PollPolicy::default())),
            timer: StoredValue::new_local(None),
            base: StoredValue::new(String::new()),
            last_update_ms: RwSignal::new(None),
            last_error: RwSignal::new(None),
            finished: Trigger::new(),
            clock: Trigger::new(),
            save_due: StoredValue::new(false),
            save_timer: StoredValue::new_local(None),
            listeners: StoredValue::new_local(Vec::new()),
            rows: StoredValue::new(HashMap::new()),
            started: StoredValue::new(false),
            starting: StoredValue::new(false),
            warned: StoredValue::new(false),
            conn,
            toasts,
        };
        provide_context(jobs);

        // Start following once there is a register for the current API (now, or when
        // config.json changes the API), and follow the new API's register once started. The
        // follower's code is in its chunk: this effect (in the first load) only calls it.
        Effect::new(move |_| {
            let base = conn.base_url();
            if jobs.started.get_value() || WebStore::local().get(&job_register::storage_key(&base)).is_some() {
                jobs.start_in_background();
            }
        });
        // Another tab wrote this API's register: start following it too.
        let other_tabs = browser::on_storage_change(move |key| {
            if jobs.alive()
                && !jobs.started.get_value()
                && key.is_some_and(|k| k == job_register::storage_key(&untrack(|| conn.base_url())))
            {
                jobs.start_in_background();
            }
        });
        jobs.listeners.set_value(other_tabs.into_iter().collect());
        jobs
    }

    /// The follower, started: for pages and dialogs, which show or add jobs.
    pub fn get() -> Jobs {
        let jobs = expect_context::<Jobs>();
        jobs.start();
        jobs
    }

    /// Fetches the follower's chunk (once at a time) and starts it, or follows a new API.
    fn start_in_background(self) {
        if self.starting.get_value() {
            return;
        }
        self.starting.set_value(true);
        spawn_local(async move {
            let outcome = follow(self).await;
            if !self.alive() {
                return;
            }
            self.starting.set_value(false);
            // Told once; not at all if a page started the follower meanwhile.
            if outcome.is_err() && !self.started.get_value() && !self.warned.get_value() {
                self.warned.set_value(true);
                self.toasts.push(
                    "Jobs are not being followed: this part of the console could not be loaded. Open Jobs to try again.",
                    Some(("Open Jobs".into(), Route::Jobs.href())),
                    ToastTone::Error,
                );
            }
        });
    }

    /// Starts following (once): reads the register of the current API and watches the tab's
    /// visibility and the other tabs.
    fn start(self) {
        if !self.alive() || self.started.get_value() {
            return;
        }
        self.started.set_value(true);
        self.load(&untrack(|| self.conn.base_url()));
        // Kept in the app's arena: when the app goes away (in tests, an unmount) they are
        // dropped, so no timer fires and no listener runs on disposed state.
        let more = [self.watch_visibility(), self.watch_other_tabs()];
        self.listeners.update_value(|l| l.extend(more.into_iter().flatten()));
    }

    /// The API changed (config.json arrived, or Settings): follow its register instead. Jobs
    /// added meanwhile were written to the old API's register and are never overwritten.
    fn follow_current_api(self) {
        let base = untrack(|| self.conn.base_url());
        if self.alive() && self.base.get_value() != base {
            self.load(&base);
        }
    }

    fn load(self, base: &str) {
        self.base.set_value(base.to_owned());
        let register = JobRegister::load(&WebStore::local(), base);
        let now = now_ms();
        let visible = browser::is_visible();
        self.scheduler.update_value(|s| {
            *s = Scheduler::new(PollPolicy::default());
            s.set_visible(visible, now);
            for e in register.entries() {
                s.track(&e.job_id, e.last.as_ref(), e.added_ms);
            }
        });
        self.rows.update_value(|rows| {
            rows.retain(|id, _| register.get(id).is_some());
            for e in register.entries() {
                match rows.get(&e.job_id) {
                    Some(sig) => sig.set(e.clone()),
                    None => {
                        rows.insert(e.job_id.clone(), ArcRwSignal::new(e.clone()));
                    }
                }
            }
        });
        self.register.set(register);
        self.clock.notify();
        self.kick();
    }

    /// The signal of one job's entry, for its table row.
    pub fn row(self, job_id: &str) -> ArcRwSignal<JobEntry> {
        let current = self.register.with_untracked(|r| r.get(job_id).cloned()).unwrap_or_default();
        self.rows
            .try_update_value(|rows| rows.entry(job_id.to_owned()).or_insert_with(|| ArcRwSignal::new(current)).clone())
            .unwrap_or_else(|| ArcRwSignal::new(JobEntry::default()))
    }

    /// Copies one job's entry from the register to its row signal.
    fn sync_row(self, job_id: &str) {
        let Some(entry) = self.register.with_untracked(|r| r.get(job_id).cloned()) else { return };
        self.rows.update_value(|rows| match rows.get(job_id) {
            Some(sig) => sig.set(entry),
            None => {
                rows.insert(job_id.to_owned(), ArcRwSignal::new(entry));
            }
        });
    }

    /// Writes the register now (used when the tab is being hidden, and for new jobs).
    fn save(self) {
        self.save_due.set_value(false);
        let base = self.base.get_value();
        self.register.with_untracked(|r| r.save(&WebStore::local(), &base));
    }

    /// Poll answers are written at most once per `SAVE_DELAY_MS`: serialising a register of
    /// 1,000 jobs for every answer would cost more than the answers themselves.
    fn save_soon(self) {
        if self.save_due.get_value() {
            return;
        }
        self.save_due.set_value(true);
        let timer = Timer::after(Duration::from_millis(SAVE_DELAY_MS), move || {
            if self.alive() && self.save_due.try_get_value().unwrap_or(false) {
                self.save();
            }
        });
        self.save_timer.set_value(Some(timer));
    }

    /// Follows the job of a backup the console started (or found after a lost answer).
    pub fn track_backup(self, cluster: &Cluster, job_id: String, backup_id: String, backup_name: String) {
        self.add(JobEntry {
            job_id,
            kind: JobKind::Backup,
            cluster_id: cluster.cluster_id.clone(),
            cluster_name: cluster.cluster_name.clone(),
            backup_id,
            backup_name,
            added_ms: now_ms(),
            last: None,
            last_seen_ms: None,
        });
    }

    /// Follows a job the console just started (or one opened by link).
    pub fn add(self, entry: JobEntry) {
        // The register must be read before it is added to and written.
        self.start();
        let now = now_ms();
        self.scheduler.update_value(|s| s.track(&entry.job_id, entry.last.as_ref(), now));
        let id = entry.job_id.clone();
        self.register.update(|r| r.add(entry));
        self.sync_row(&id);
        self.save();
        self.kick();
    }

    /// Polls every active job now (the manual refresh button).
    pub fn refresh_now(self) {
        let now = now_ms();
        self.scheduler.update_value(|s| s.refresh(now));
        self.kick();
    }

    /// Follows a job id a user opened by link or pasted (kept as "Opened by link").
    pub fn follow(self, job_id: &str) {
        if self.register.with_untracked(|r| r.get(job_id).is_none()) {
            self.add(JobEntry {
                job_id: job_id.to_owned(),
                kind: JobKind::Opened,
                added_ms: now_ms(),
                ..Default::default()
            });
        }
    }

    pub fn active_count(self) -> usize {
        self.clock.track();
        self.scheduler.with_value(|s| s.active_count())
    }

    pub fn stalled_since(self, job_id: &str) -> Option<u64> {
        self.clock.track();
        self.scheduler.with_value(|s| s.stalled_since(job_id))
    }

    /// False once the owning app was disposed; callbacks then do nothing.
    fn alive(self) -> bool {
        self.scheduler.try_with_value(|_| ()).is_some()
    }

    /// Arms the one timer for the scheduler's next wake-up, or none when idle or hidden.
    fn kick(self) {
        if !self.alive() {
            return;
        }
        let now = now_ms();
        let wake = self.scheduler.with_value(|s| s.next_wake(now));
        // While something is active, views showing ages need a clock; it stops with the jobs.
        let wake = match (wake, self.scheduler.with_value(|s| s.active_count()) > 0) {
            (Some(at), true) => Some(at.min(now + 1_000)),
            (w, _) => w,
        };
        // Replacing the timer cancels the one before.
        let timer = wake.map(|at| Timer::after(Duration::from_millis(at.saturating_sub(now)), move || self.tick()));
        self.timer.set_value(timer);
    }

    fn tick(self) {
        if !self.alive() {
            return;
        }
        let now = now_ms();
        self.clock.notify();
        for t in self.scheduler.try_update_value(|s| s.check_stalls(now)).unwrap_or_default() {
            self.announce(&t);
        }
        let due = self.scheduler.with_value(|s| s.due(now));
        for job_id in due {
            self.scheduler.update_value(|s| s.sent(&job_id, now));
            let client = untrack(|| self.conn.client());
            spawn_local(async move {
                let result = client.describe_job(&job_id).await;
                self.answer(&job_id, result);
            });
        }
        self.kick();
    }

    fn answer(self, job_id: &str, result: Result<Job, ApiError>) {
        if !self.alive() {
            return;
        }
        let now = now_ms();
        match result {
            Ok(job) => {
                let transitions =
                    self.scheduler.try_update_value(|s| s.on_answer(job_id, &job, now)).unwrap_or_default();
                let changed = self.register.try_update(|r| r.update_for(job_id, &job, now)).unwrap_or(false);
                if changed {
                    self.sync_row(job_id);
                    self.save_soon();
                }
                self.last_update_ms.set(Some(now));
                self.last_error.set(None);
                for t in &transitions {
                    self.announce(t);
                }
            }
            Err(e) if e.kind == ErrorKind::Aborted => self.scheduler.update_value(|s| s.on_abort(job_id)),
            Err(e) => {
                self.scheduler.update_value(|s| s.on_error(job_id, e.retry_after_secs, js_sys::Math::random(), now));
                self.last_error.set(Some((now, e)));
            }
        }
        self.kick();
    }

    fn announce(self, t: &Transition) {
        let toasts = self.toasts;
        match t {
            Transition::Finished { job_id, status, reason } => {
                self.finished.notify();
                let name = self.describe(job_id);
                let link = Some(("View job".to_owned(), Route::Job(job_id.clone()).href()));
                match status {
                    JobStatus::Successful => {
                        toasts.push(format!("{name} finished successfully."), link, ToastTone::Success)
                    }
                    JobStatus::Failed if !reason.is_empty() => {
                        toasts.push(format!("{name} failed: {reason}"), link, ToastTone::Error)
                    }
                    JobStatus::Failed => toasts.push(format!("{name} failed."), link, ToastTone::Error),
                    other => toasts.push(format!("{name} ended: {}.", other.label()), link, ToastTone::Info),
                }
            }
            Transition::Stalled { job_id, .. } => {
                let name = self.describe(job_id);
                toasts.push(
                    format!("{name} has made no progress for a while."),
                    Some(("View job".into(), Route::Job(job_id.clone()).href())),
                    ToastTone::Info,
                );
            }
            Transition::Resumed { .. } => {}
        }
    }

    /// "Backup prod-search_backup3" or "Job job-…" for messages.
    fn describe(self, job_id: &str) -> String {
        self.register.with_untracked(|r| match r.get(job_id) {
            Some(e) if !e.backup_name.is_empty() => format!("{} {}", e.kind.label(), e.backup_name),
            Some(e) => format!("{} job {job_id}", e.kind.label()),
            None => format!("Job {job_id}"),
        })
    }

    /// Page Visibility API: no polling while the tab is hidden; everything at once on return.
    fn watch_visibility(self) -> Option<Listener> {
        browser::on_visibility_change(move |visible| {
            if !self.alive() {
                return;
            }
            // Leaving the tab (or closing it) may be the last chance to write pending answers.
            if !visible && self.save_due.get_value() {
                self.save();
            }
            self.scheduler.update_value(|s| s.set_visible(visible, now_ms()));
            self.kick();
        })
    }

    /// Another tab wrote the register: read it again, so both tabs follow the same jobs.
    fn watch_other_tabs(self) -> Option<Listener> {
        browser::on_storage_change(move |key| {
            if self.alive() && key.is_some_and(|k| k.starts_with("zbc.jobs.")) {
                let base = self.base.get_value();
                self.load(&base);
            }
        })
    }
}

// The follower as a chunk of the split build (src/split.rs).
crate::split_fn!(
    jobs_follower,
    fn follow(jobs: Jobs) -> () {
        jobs.start();
        jobs.follow_current_api();
    }
);
