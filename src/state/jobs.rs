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
use crate::browser::{self, Channel, Listener, LockRequest, Timer, now_ms};
use crate::route::Route;
use crate::rules::job_register::Change;
use crate::rules::job_register::{self, JobEntry, JobKind, JobRegister};
use crate::rules::poll_share::{self, Inbox, Message, Role, Shared};
use crate::rules::polling::{Outcome, PollPolicy, Scheduler, Transition, round_notice};
use crate::rules::store::Store;

const SAVE_DELAY_MS: u64 = 2_000;
/// Answers of one round wait for the round's last answer, or this long after the first.
const ROUND_WAIT_MS: u64 = 1_000;

/// One poll answer, received and not yet applied.
type Answer = (String, Result<Job, ApiError>);

/// What only a started follower needs.
#[derive(Default)]
struct Follower {
    /// The poll schedule (`rules::polling`).
    scheduler: Scheduler,
    /// One signal per job for the rows: an answer notifies only its own row, not all 1,000.
    rows: HashMap<String, ArcRwSignal<JobEntry>>,
    share: Option<Share>,
    /// Requests sent and not answered, and the answers waiting to be applied as one round.
    outstanding: usize,
    round: Vec<Answer>,
    round_timer: Option<Timer>,
    /// A refused write (storage full) was told.
    full_told: bool,
}

/// This tab's part in the one poller all tabs share (`rules::poll_share`).
struct Share {
    role: Role,
    /// Held (or queued for) while this tab may lead; dropping it lets go.
    lock: Option<LockRequest>,
    channel: Option<Channel>,
    inbox: Inbox,
    /// This tab's name in messages, and the number of its last round sent.
    tab: String,
    seq: u64,
}

#[derive(Clone, Copy)]
pub struct Jobs {
    pub register: RwSignal<JobRegister>,
    /// The one wake-up timer; replacing or dropping it cancels it.
    timer: StoredValue<Option<Timer>, LocalStorage>,
    /// The base URL the register belongs to (one register per API).
    base: StoredValue<String>,
    /// When the last good answer arrived, for "Live, updated N s ago".
    pub last_update_ms: RwSignal<Option<u64>>,
    /// The last failed poll, kept beside the last good data.
    pub last_error: RwSignal<Option<(u64, ApiError)>>,
    /// 401/403: nothing is polled until the key or the API changes, or the user asks again.
    pub halted: RwSignal<Option<ApiError>>,
    /// Notified when a backup or restore job finishes: lists of backups refetch once.
    pub finished: Trigger,
    /// A clock for views that show ages ("updated 3 s ago", stalls): ticks each second while
    /// something is active.
    pub clock: Trigger,
    /// A write of the register is scheduled (see `save_soon`).
    save_due: StoredValue<bool>,

    save_timer: StoredValue<Option<Timer>, LocalStorage>,
    /// The follower's own state (`Follower`), built when it starts: a `dyn Any`, so that its
    /// code (drop glue included) stays in the follower's chunk, out of the first load.
    follower: StoredValue<Option<Box<dyn std::any::Any>>, LocalStorage>,
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
            timer: StoredValue::new_local(None),
            base: StoredValue::new(String::new()),
            last_update_ms: RwSignal::new(None),
            last_error: RwSignal::new(None),
            halted: RwSignal::new(None),
            follower: StoredValue::new_local(None),
            finished: Trigger::new(),
            clock: Trigger::new(),
            save_due: StoredValue::new(false),
            save_timer: StoredValue::new_local(None),
            listeners: StoredValue::new_local(Vec::new()),
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
        // A new key, too: a poller halted by a 401/403 asks again with it.
        Effect::new(move |_| {
            let base = conn.base_url();
            conn.key.track();
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
        self.follower.set_value(Some(Box::new(Follower::default())));
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
        let now = now_ms();
        let register = JobRegister::load(&WebStore::local(), base, now);
        let visible = browser::is_visible();
        self.sched(|s| {
            *s = Scheduler::new(PollPolicy::default());
            s.set_visible(visible, now);
            for e in register.entries().iter().filter(|e| e.gone_ms.is_none()) {
                s.track(&e.job_id, e.last.as_ref(), e.added_ms);
            }
        });
        // Rows made so far follow the new register; the others are made when drawn (`row`).
        self.with(|f| {
            f.rows.retain(|id, sig| match register.get(id) {
                Some(e) => {
                    sig.set(e.clone());
                    true
                }
                None => false,
            })
        });
        self.register.set(register);
        self.halted.set(None);
        self.with(|f| {
            f.round.clear();
            f.outstanding = 0;
        });
        self.share_api(base);
        self.clock.notify();
        self.kick();
    }

    /// Joins the tabs that follow this API: one channel, and a claim on the poller's lock.
    fn share_api(self, base: &str) {
        let tab = format!("tab-{:x}", (js_sys::Math::random() * 1e15) as u64);
        let channel = Channel::open(&poll_share::channel_name(base), move |text| {
            if self.alive() {
                self.on_message(&text);
            }
        });
        // The old API's lock and channel go with the old value.
        self.with(|f| {
            f.share = Some(Share { role: Role::Alone, lock: None, channel, inbox: Inbox::default(), tab, seq: 0 })
        });
        self.campaign();
    }

    /// The schedule, once started (before, what it answers is the default: nothing).
    fn sched<R: Default>(self, f: impl FnOnce(&mut Scheduler) -> R) -> R {
        self.with(|fl| f(&mut fl.scheduler)).unwrap_or_default()
    }

    /// The follower's own state, once started.
    fn with<R>(self, f: impl FnOnce(&mut Follower) -> R) -> Option<R> {
        self.follower.try_update_value(|b| b.as_mut()?.downcast_mut::<Follower>().map(f)).flatten()
    }

    fn role(self) -> Role {
        self.with(|f| f.share.as_ref().map_or(Role::Alone, |s| s.role)).unwrap_or(Role::Alone)
    }

    fn tab(self) -> String {
        self.with(|f| f.share.as_ref().map(|s| s.tab.clone())).flatten().unwrap_or_default()
    }

    /// Asks for the poller's lock while this tab could poll (visible, with a key, not halted),
    /// lets go of it otherwise, so that a tab someone looks at does the polling.
    fn campaign(self) {
        if !self.alive() {
            return;
        }
        let keyed = untrack(|| self.conn.key.with(Option::is_some) || self.conn.server_holds_key());
        let halted = self.halted.with_untracked(Option::is_some);
        let wants = poll_share::wants_lead(self.started.get_value(), browser::is_visible(), keyed, halted);
        let held = self.with(|f| f.share.as_ref().map(|s| s.lock.is_some())).flatten();
        match (wants, held) {
            (true, Some(false)) => {
                let lock = LockRequest::ask(&poll_share::lock_name(&self.base.get_value()), move || self.lead());
                self.with(|f| {
                    if let Some(s) = &mut f.share {
                        // No Web Locks: this tab polls on its own, as every tab then does.
                        s.role = if lock.is_some() { Role::Follower } else { Role::Alone };
                        s.lock = lock;
                    }
                });
            }
            (false, Some(true)) => {
                // Taken out first: letting go runs JavaScript, outside the borrow.
                let _released = self.with(|f| {
                    f.share.as_mut().and_then(|s| {
                        s.role = Role::Follower;
                        s.lock.take()
                    })
                });
            }
            _ => {}
        }
        self.kick();
    }

    /// This tab holds the lock: it polls now, starting with everything due (spread over time
    /// by the request budget).
    fn lead(self) {
        if !self.alive() {
            return;
        }
        self.with(|f| {
            if let Some(s) = &mut f.share {
                s.role = Role::Leader;
            }
        });
        let now = now_ms();
        self.sched(|s| s.refresh(now));
        self.kick();
    }

    /// Whether this tab is the one that polls for every tab (or polls alone).
    pub fn polls(self) -> bool {
        self.role().polls()
    }

    fn post(self, m: &Message) {
        self.with(|f| {
            if let Some(c) = f.share.as_ref().and_then(|s| s.channel.as_ref()) {
                c.post(&poll_share::encode(m));
            }
        });
    }

    /// A message from another tab: the leader's round (applied as if this tab had asked), or
    /// a follower's Refresh (the leader asks now).
    fn on_message(self, text: &str) {
        let Some(m) = poll_share::decode(text) else { return };
        match m {
            Message::Round { from, seq, answers, .. } => {
                let me = self.tab();
                let fresh = self.with(|f| f.share.as_mut().is_some_and(|s| s.inbox.accept(&me, &from, seq)));
                if fresh == Some(true) && self.role() != Role::Leader {
                    self.apply_answers(answers.into_iter().filter_map(Shared::answer).collect());
                }
            }
            Message::Refresh { .. } if self.polls() => self.refresh_now(),
            Message::Added { entry, .. } if self.polls() => self.take_in(*entry),
            Message::Refresh { .. } | Message::Added { .. } => {}
        }
    }

    /// The signal of one job's entry, for its table row.
    pub fn row(self, job_id: &str) -> ArcRwSignal<JobEntry> {
        let current = self.register.with_untracked(|r| r.get(job_id).cloned()).unwrap_or_default();
        self.with(|f| f.rows.entry(job_id.to_owned()).or_insert_with(|| ArcRwSignal::new(current.clone())).clone())
            .unwrap_or_else(|| ArcRwSignal::new(JobEntry::default()))
    }

    /// Copies one job's entry from the register to its row signal, if the row was ever drawn.
    fn sync_row(self, job_id: &str) {
        let Some(sig) = self.with(|f| f.rows.get(job_id).cloned()).flatten() else { return };
        if let Some(entry) = self.register.with_untracked(|r| r.get(job_id).cloned()) {
            sig.set(entry);
        }
    }

    /// Writes the register now (used when the tab is being hidden, and for new jobs). A write
    /// the browser refuses (storage full) is told once; the jobs stay in memory, and every
    /// later save tries again.
    fn save(self) {
        self.save_due.set_value(false);
        let base = self.base.get_value();
        let saved = self.register.try_update_untracked(|r| r.save(&WebStore::local(), &base));
        if matches!(saved, Some(Err(_))) && self.with(|f| !std::mem::replace(&mut f.full_told, true)) == Some(true) {
            self.toasts.push(
                "This browser's storage for the console is full: jobs are followed in this tab, but a reload \
                 would forget the newest. Free some space (other sites' data) to keep them.",
                None,
                ToastTone::Error,
            );
        }
    }

    /// Poll answers are written at most once per `SAVE_DELAY_MS`, and only the unfinished jobs'
    /// part: a register of 10,000 jobs is not serialised for every answer.
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
            gone_ms: None,
        });
    }

    /// Follows a job the console just started (or one opened by link). When another tab
    /// polls, it is told at once.
    pub fn add(self, entry: JobEntry) {
        // The register must be read before it is added to and written.
        self.start();
        if !self.polls() {
            let from = self.tab();
            self.post(&Message::Added { v: poll_share::VERSION, from, entry: Box::new(entry.clone()) });
        }
        self.take_in(entry);
        self.save();
    }

    /// A job to follow, from this tab or another.
    fn take_in(self, entry: JobEntry) {
        let now = now_ms();
        self.sched(|s| s.track(&entry.job_id, entry.last.as_ref(), now));
        let id = entry.job_id.clone();
        self.register.update(|r| r.add(entry));
        self.sync_row(&id);
        self.save_soon();
        self.kick();
    }

    /// Polls every active job now (the manual refresh button), those paused by failures too.
    pub fn refresh_now(self) {
        let now = now_ms();
        self.sched(|s| s.refresh(now));
        if !self.polls() {
            let from = self.tab();
            self.post(&Message::Refresh { v: poll_share::VERSION, from });
        }
        self.kick();
    }

    /// After a 401/403: ask again (the user's "Try again", or a new key).
    pub fn resume(self) {
        if !self.alive() {
            return;
        }
        let now = now_ms();
        self.sched(|s| s.resume(now));
        if self.halted.with_untracked(Option::is_some) {
            self.halted.set(None);
        }
        self.campaign();
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
        self.sched(|s| s.active_count())
    }

    /// Unfinished jobs waiting for Refresh after repeated failures.
    pub fn paused_count(self) -> usize {
        self.clock.track();
        self.sched(|s| s.paused_count())
    }

    pub fn stalled_since(self, job_id: &str) -> Option<u64> {
        self.clock.track();
        self.sched(|s| s.stalled_since(job_id))
    }

    /// False once the owning app was disposed; callbacks then do nothing.
    fn alive(self) -> bool {
        self.follower.try_with_value(|_| ()).is_some()
    }

    /// Arms the one timer for the scheduler's next wake-up, or none when idle or hidden.
    fn kick(self) {
        if !self.alive() {
            return;
        }
        let now = now_ms();
        // A follower asks nothing: it wakes only for the clock.
        let wake = if self.polls() { self.sched(|s| s.next_wake(now)) } else { None };
        // While something is active, views showing ages need a clock; it stops with the jobs.
        let wake = match (wake, self.sched(|s| s.active_count()) > 0) {
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
        for t in self.sched(|s| s.check_stalls(now)) {
            self.announce(&t);
        }
        // Only what the budget allows (in flight, per second); the rest stays due.
        let due = if self.polls() { self.sched(|s| s.take_due(now)) } else { Vec::new() };
        if !due.is_empty() {
            let client = untrack(|| self.conn.client());
            self.with(|f| f.outstanding += due.len());
            for job_id in due {
                let client = client.clone();
                spawn_local(async move {
                    let result = client.describe_job(&job_id).await;
                    self.answer(job_id, result);
                });
            }
        }
        self.kick();
    }

    /// Keeps an answer for its round: the round is applied when its last answer is in, or
    /// `ROUND_WAIT_MS` after its first (a slow request does not hold the others back).
    fn answer(self, job_id: String, result: Result<Job, ApiError>) {
        if !self.alive() {
            return;
        }
        let (left, timed) = self
            .with(|f| {
                f.outstanding = f.outstanding.saturating_sub(1);
                f.round.push((job_id, result));
                (f.outstanding, f.round_timer.is_some())
            })
            .unwrap_or((0, true));
        if left == 0 {
            self.apply_round();
        } else if !timed {
            let timer = Timer::after(Duration::from_millis(ROUND_WAIT_MS), move || {
                if self.alive() {
                    self.apply_round();
                }
            });
            self.with(|f| f.round_timer = Some(timer));
        }
    }

    /// Applies the answers of one round in one update: the scheduler learns each, the register
    /// changes once (and notifies its readers only when a status changed), only changed rows
    /// re-render, and one notice says what finished.
    fn apply_round(self) {
        let answers = self
            .with(|f| {
                f.round_timer = None;
                std::mem::take(&mut f.round)
            })
            .unwrap_or_default();
        if answers.is_empty() {
            return;
        }
        // The other tabs apply the same answers (they ask nothing themselves).
        if self.role() == Role::Leader {
            let (from, seq) = self
                .with(|f| {
                    f.share.as_mut().map(|s| {
                        s.seq += 1;
                        (s.tab.clone(), s.seq)
                    })
                })
                .flatten()
                .unwrap_or_default();
            let shared = answers.iter().map(|(id, r)| Shared::of(id, r)).collect();
            self.post(&Message::Round { v: poll_share::VERSION, from, seq, answers: shared });
        }
        self.apply_answers(answers);
    }

    /// Applies the answers of one round (this tab's, or the leader's).
    fn apply_answers(self, answers: Vec<Answer>) {
        if answers.is_empty() {
            return;
        }
        let now = now_ms();
        let mut transitions = Vec::new();
        let (mut ok, mut error) = (false, None);
        self.sched(|s| {
            for (id, result) in &answers {
                let random = js_sys::Math::random();
                match result {
                    Ok(job) => {
                        ok = true;
                        transitions.extend(s.on_answer(id, job, random, now));
                    }
                    Err(e) if e.kind == ErrorKind::Aborted => s.on_abort(id),
                    Err(e) => {
                        transitions.extend(s.on_error(id, e.kind, e.retry_after_secs, random, now));
                        error = Some(e.clone());
                    }
                }
            }
        });

        // The register changes in place, untracked; its readers are told once, and only when
        // what they read (statuses, the set of jobs) changed: progress is the rows' business.
        let gone: Vec<&str> = transitions
            .iter()
            .filter_map(|t| match t {
                Transition::Gone { job_id } => Some(job_id.as_str()),
                _ => None,
            })
            .collect();
        let mut changed_rows = Vec::new();
        let mut statuses_changed = !gone.is_empty();
        self.register.update_untracked(|r| {
            for (id, result) in &answers {
                if let Ok(job) = result {
                    match r.update_for(id, job, now) {
                        Change::None => {}
                        Change::Progress => changed_rows.push(id.clone()),
                        Change::Status => {
                            statuses_changed = true;
                            changed_rows.push(id.clone());
                        }
                    }
                }
            }
            for id in &gone {
                r.mark_gone(id, now);
            }
        });
        changed_rows.extend(gone.iter().map(|id| (*id).to_owned()));
        if statuses_changed {
            self.register.notify();
        }
        for id in &changed_rows {
            self.sync_row(id);
        }
        if !changed_rows.is_empty() {
            self.save_soon();
        }

        // The page's live line and error note: set once per round, and only when they change.
        if ok {
            self.last_update_ms.set(Some(now));
        }
        match &error {
            Some(e) if e.kind != ErrorKind::Unauthorized && e.kind != ErrorKind::Permission => {
                self.last_error.set(Some((now, e.clone())))
            }
            _ if ok && self.last_error.with_untracked(Option::is_some) => self.last_error.set(None),
            _ => {}
        }
        self.announce_round(&transitions, error);
        self.clock.notify();
        self.kick();
    }

    /// One toast for the jobs that finished in a round; the rest of the news one by one (it
    /// is rare: a stall, a job gone, a job paused, a halt).
    fn announce_round(self, transitions: &[Transition], error: Option<ApiError>) {
        let finished: Vec<(String, JobStatus, String)> = transitions
            .iter()
            .filter_map(|t| match t {
                Transition::Finished { job_id, status, reason } => {
                    Some((job_id.clone(), status.clone(), reason.clone()))
                }
                _ => None,
            })
            .collect();
        if let Some((text, outcome)) = round_notice(&finished, |id| self.describe(id)) {
            self.finished.notify();
            // One job: its page; several: the jobs that just finished are at the top of Jobs.
            let link = match finished.as_slice() {
                [(id, ..)] => Some(("View job".to_owned(), Route::Job(id.clone()).href())),
                _ => Some(("Open Jobs".to_owned(), Route::Jobs.href())),
            };
            let tone = match outcome {
                Outcome::Good => ToastTone::Success,
                Outcome::Bad => ToastTone::Error,
                Outcome::Neutral => ToastTone::Info,
            };
            self.toasts.push(text, link, tone);
        }
        for t in transitions {
            match t {
                Transition::Halted { .. } => {
                    if let Some(e) = error.clone() {
                        self.halted.set(Some(e));
                    }
                    // A halted tab does not hold the poller: another tab (another key) may.
                    self.campaign();
                    self.toasts.push(
                        "Jobs are no longer being updated: the API refused this key. Open Jobs to see why.",
                        Some(("Open Jobs".into(), Route::Jobs.href())),
                        ToastTone::Error,
                    );
                }
                Transition::Finished { .. } => {}
                other => self.announce(other),
            }
        }
    }

    fn announce(self, t: &Transition) {
        let link = |job_id: &str| Some(("View job".to_owned(), Route::Job(job_id.to_owned()).href()));
        match t {
            Transition::Stalled { job_id, .. } => {
                let name = self.describe(job_id);
                self.toasts.push(format!("{name} has made no progress for a while."), link(job_id), ToastTone::Info);
            }
            Transition::Gone { job_id } => {
                let name = self.describe(job_id);
                self.toasts.push(
                    format!("{name} was not found by the API: it is no longer followed."),
                    link(job_id),
                    ToastTone::Info,
                );
            }
            Transition::Paused { job_id } => {
                let name = self.describe(job_id);
                self.toasts.push(
                    format!("{name}: updates paused after 10 failed requests. Press Refresh in Jobs to try again."),
                    link(job_id),
                    ToastTone::Error,
                );
            }
            Transition::Finished { .. } | Transition::Resumed { .. } | Transition::Halted { .. } => {}
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
            self.sched(|s| s.set_visible(visible, now_ms()));
            // Hidden: let a visible tab poll; shown: claim (or queue for) the poller.
            self.campaign();
        })
    }

    /// Another tab wrote the register: take in its new jobs and newer answers, so both tabs
    /// follow the same jobs. Only changed rows re-render, and nothing is asked again.
    fn watch_other_tabs(self) -> Option<Listener> {
        browser::on_storage_change(move |key| {
            let base = self.base.get_value();
            let ours = key.filter(|k| *k == job_register::storage_key(&base) || *k == job_register::active_key(&base));
            let Some(key) = ours.filter(|_| self.alive()) else { return };
            let now = now_ms();
            // Only the part that changed: mostly the small one of unfinished jobs.
            let theirs = JobRegister::load_parts(&WebStore::local(), &[key], now);
            let (changed, statuses) = self.register.try_update_untracked(|r| r.merge_from(theirs)).unwrap_or_default();
            if changed.is_empty() {
                return;
            }
            // New jobs are followed here too; a job the other tab saw finish is not asked
            // about (nor announced) again.
            self.register.with_untracked(|r| {
                self.sched(|s| {
                    for e in changed.iter().filter_map(|id| r.get(id)) {
                        s.track(&e.job_id, e.last.as_ref(), e.added_ms);
                        s.learn(&e.job_id, e.last.as_ref(), e.gone_ms.is_some());
                    }
                })
            });
            if statuses {
                self.register.notify();
            }
            for id in &changed {
                self.sync_row(id);
            }
            self.kick();
        })
    }
}

// The follower as a chunk of the split build (src/split.rs).
crate::split_fn!(
    jobs_follower,
    fn follow(jobs: Jobs) -> () {
        jobs.start();
        jobs.follow_current_api();
        // Called again when the key changes: a poller halted by a 401/403 asks with the new one.
        if jobs.halted.with_untracked(Option::is_some) {
            jobs.resume();
        }
    }
);
