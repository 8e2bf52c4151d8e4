//! The Jobs poll scheduler: which job to ask about, and when.
//!
//! No timers and no clock inside: every call takes `now_ms`, so the behaviour is tested natively
//! with a fake clock. The caller (the job follower) keeps one `setTimeout` for `next_wake`, sends
//! what `take_due` hands it, and reports each outcome (`on_answer` / `on_error` / `on_abort`).
//!
//! `now_ms` must be wall-clock milliseconds (`Date.now()`), the same clock as the register's
//! `added_ms`, because a job's age (and so its interval) spans reloads.
//!
//! A polite poller, as the official Zilliz CLIs (a 5 s wait loop) and what a shared API
//! deserves:
//! - fast only while a job is new (its first answer at once, then 2 s and 3 s), then every 5 s,
//!   slower for long jobs (10 s after 2 min, 20 s after 10 min, 30 s after an hour);
//! - each interval is its floor plus up to 25 % jitter, so tabs and jobs do not poll in
//!   lock-step; the floor is never undercut (a jitter below it would break the request budget);
//! - at most `max_in_flight` requests out and `per_second` sent in any second, however many jobs
//!   are active (half the documented 20 requests per second: the rest of the console shares the
//!   key);
//! - `setTimeout` chains (the next poll counts from the answer, so a slow answer never overlaps
//!   the next request), nothing while the page is hidden, nothing at all when no job is left;
//! - a job the API says is not found stops being polled (after a few tries while it is new: a
//!   job may be visible a moment after its id is returned); 401/403 stop everything until the
//!   key changes or the user asks again; ten failures in a row pause a job until Refresh.

use std::collections::{BTreeMap, VecDeque};

use api_types::{ErrorKind, Job, JobStatus};

use super::backoff;

/// After an error, never retry sooner than this: with full jitter `random` may be ~0, and a
/// network that fails instantly must not be hit in a tight loop.
pub const MIN_RETRY_MS: u64 = 250;

#[derive(Debug, Clone, PartialEq)]
pub struct PollPolicy {
    /// The healthy interval's floor by the job's age at the answer: `(age below, floor)`,
    /// ascending; `slowest_ms` beyond the last (and for a status this console cannot judge).
    pub floors: &'static [(u64, u64)],
    pub slowest_ms: u64,
    /// The interval is `floor · (1 + jitter · random)`.
    pub jitter: f64,
    /// Error backoff: full jitter under `error_base_ms · 2^(errors-1)`, capped at `error_cap_ms`.
    pub error_base_ms: u64,
    pub error_cap_ms: u64,
    /// A job whose status and progress have not changed for this long is "stalled"; 0 disables.
    pub stall_after_ms: u64,
    /// Requests out at once, and sent in any one second, over all jobs.
    pub max_in_flight: usize,
    pub per_second: usize,
    /// "Job not found" is believed at once for a job older than `not_found_grace_ms`; a newer
    /// one is asked again up to `not_found_retries` times.
    pub not_found_grace_ms: u64,
    pub not_found_retries: u32,
    /// Consecutive failures after which a job waits for Refresh (or the tab shown again).
    pub pause_after_errors: u32,
}

/// Age below → floor: 2 s, 3 s, 5 s until 2 min, 10 s until 10 min, 20 s until an hour.
pub const FLOORS: &[(u64, u64)] =
    &[(2_000, 2_000), (5_000, 3_000), (120_000, 5_000), (600_000, 10_000), (3_600_000, 20_000)];

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            floors: FLOORS,
            slowest_ms: 30_000,
            jitter: 0.25,
            error_base_ms: 1_000,
            error_cap_ms: 60_000,
            stall_after_ms: 120_000,
            max_in_flight: 6,
            per_second: 10,
            not_found_grace_ms: 60_000,
            not_found_retries: 3,
            pause_after_errors: 10,
        }
    }
}

impl PollPolicy {
    /// The floor of the healthy interval for a job of this age.
    pub fn floor_ms(&self, age_ms: u64) -> u64 {
        self.floors.iter().find(|(below, _)| age_ms < *below).map_or(self.slowest_ms, |(_, f)| *f).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// The job reached a terminal status (emitted once per job).
    Finished { job_id: String, status: JobStatus, reason: String },
    /// Status and progress have not moved since `since_ms` (emitted once per stall).
    Stalled { job_id: String, since_ms: u64 },
    /// A stalled job moved again.
    Resumed { job_id: String },
    /// The API says the job does not exist: it is no longer polled.
    Gone { job_id: String },
    /// Ten failures in a row: the job waits for Refresh.
    Paused { job_id: String },
    /// 401 or 403: nothing is polled until the key changes or the user asks again.
    Halted { kind: ErrorKind },
}

#[derive(Debug, Clone)]
struct Tracked {
    added_ms: u64,
    status: Option<JobStatus>,
    progress: Option<u8>,
    terminal: bool,
    gone: bool,
    paused: bool,
    next_due_ms: u64,
    in_flight_since: Option<u64>,
    errors: u32,
    not_found: u32,
    last_error_ms: u64,
    last_answer_ms: Option<u64>,
    /// When status or progress last changed, as observed in this session (set by the first
    /// answer: what happened while the console was closed is unknown, so no stall is inferred).
    last_change_ms: Option<u64>,
    stalled: bool,
}

impl Tracked {
    fn active(&self) -> bool {
        !self.terminal && !self.gone
    }

    fn waiting(&self) -> bool {
        self.active() && !self.paused && self.in_flight_since.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Scheduler {
    policy: PollPolicy,
    jobs: BTreeMap<String, Tracked>,
    visible: bool,
    /// A `Retry-After` applies to the whole poller, not only to the job that got it: the rate
    /// limit is per key (docs/api-contract.md §1.4).
    hold_until_ms: u64,
    /// 401/403: the key may not read jobs; nothing is sent until `resume`.
    halted: Option<ErrorKind>,
    /// When the requests of the last second were sent (the per-second budget).
    recent_sends: VecDeque<u64>,
    last_success_ms: Option<u64>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler::new(PollPolicy::default())
    }
}

impl Scheduler {
    /// Starts visible; the page reports the real state with `set_visible` when it mounts.
    pub fn new(policy: PollPolicy) -> Self {
        Scheduler {
            policy,
            jobs: BTreeMap::new(),
            visible: true,
            hold_until_ms: 0,
            halted: None,
            recent_sends: VecDeque::new(),
            last_success_ms: None,
        }
    }

    pub fn policy(&self) -> &PollPolicy {
        &self.policy
    }

    /// Start following a job (idempotent: a second call changes nothing). A job already known to
    /// be terminal is remembered but never polled and never announced. Otherwise it is due at
    /// once, since `last` may be arbitrarily old.
    pub fn track(&mut self, job_id: &str, last: Option<&Job>, added_ms: u64) {
        if job_id.is_empty() || self.jobs.contains_key(job_id) {
            return;
        }
        let status = last.map(|j| j.status.clone());
        let terminal = status.as_ref().is_some_and(JobStatus::is_terminal);
        self.jobs.insert(
            job_id.to_owned(),
            Tracked {
                added_ms,
                status,
                progress: last.and_then(|j| j.progress),
                terminal,
                gone: false,
                paused: false,
                next_due_ms: 0,
                in_flight_since: None,
                errors: 0,
                not_found: 0,
                last_error_ms: 0,
                last_answer_ms: None,
                last_change_ms: None,
                stalled: false,
            },
        );
    }

    /// What another tab learned (its stored answer): a job it saw finish, or found gone, is no
    /// longer polled here, and not announced a second time.
    pub fn learn(&mut self, job_id: &str, last: Option<&Job>, gone: bool) {
        if let Some(t) = self.jobs.get_mut(job_id) {
            t.terminal |= last.is_some_and(|j| j.status.is_terminal());
            t.gone |= gone;
        }
    }

    /// Jobs due now: active, not paused, not in flight, due, the page visible, no hold and no
    /// halt. Most overdue first. Marks nothing and ignores the request budget (see `take_due`).
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        if !self.visible || now_ms < self.hold_until_ms || self.halted.is_some() {
            return Vec::new();
        }
        let mut due: Vec<(u64, &String)> = self
            .jobs
            .iter()
            .filter(|(_, t)| t.waiting() && t.next_due_ms <= now_ms)
            .map(|(id, t)| (t.next_due_ms, id))
            .collect();
        due.sort();
        due.into_iter().map(|(_, id)| id.clone()).collect()
    }

    /// The due jobs the budget allows now (in flight, and sent in the last second), marked as
    /// sent: the caller sends exactly these.
    pub fn take_due(&mut self, now_ms: u64) -> Vec<String> {
        let room = self.room(now_ms);
        let mut due = self.due(now_ms);
        due.truncate(room);
        for id in &due {
            self.sent(id, now_ms);
        }
        due
    }

    /// How many more requests the budget allows at `now_ms`.
    fn room(&mut self, now_ms: u64) -> usize {
        while self.recent_sends.front().is_some_and(|&t| t + 1_000 <= now_ms) {
            self.recent_sends.pop_front();
        }
        let p = &self.policy;
        p.max_in_flight.saturating_sub(self.in_flight_count()).min(p.per_second.saturating_sub(self.recent_sends.len()))
    }

    /// Mark a request as sent. A job already in flight (or unknown, or terminal) is left alone,
    /// so two requests for one job are never both expected.
    pub fn sent(&mut self, job_id: &str, now_ms: u64) {
        if let Some(t) = self.jobs.get_mut(job_id)
            && t.active()
            && t.in_flight_since.is_none()
        {
            t.in_flight_since = Some(now_ms);
            self.recent_sends.push_back(now_ms);
        }
    }

    pub fn in_flight(&self, job_id: &str) -> bool {
        self.jobs.get(job_id).is_some_and(|t| t.in_flight_since.is_some())
    }

    /// A good answer: records status/progress, clears the error count, schedules the next poll
    /// one interval after `now_ms` (the answer, not the request; `random` in [0,1) places it in
    /// the jitter band). Returns `Resumed` when a stalled job moved, `Finished` (once) when it
    /// reached a terminal status. An answer for a job no longer tracked is ignored.
    pub fn on_answer(&mut self, job_id: &str, job: &Job, random: f64, now_ms: u64) -> Vec<Transition> {
        let mut out = Vec::new();
        let Some(t) = self.jobs.get_mut(job_id) else {
            return out;
        };
        t.in_flight_since = None;
        t.errors = 0;
        t.not_found = 0;
        t.last_answer_ms = Some(now_ms);
        self.last_success_ms = Some(self.last_success_ms.map_or(now_ms, |s| s.max(now_ms)));
        if !t.active() {
            // Already announced; terminal is final, a late or manual answer changes nothing.
            return out;
        }

        let changed = t.status.as_ref() != Some(&job.status) || t.progress != job.progress;
        if changed || t.last_change_ms.is_none() {
            t.last_change_ms = Some(now_ms);
        }
        t.status = Some(job.status.clone());
        t.progress = job.progress;

        if job.status.is_terminal() {
            // Finished supersedes a stall: no Resumed before it.
            t.terminal = true;
            t.stalled = false;
            out.push(Transition::Finished {
                job_id: job_id.to_owned(),
                status: job.status.clone(),
                reason: job.reason.clone(),
            });
            return out;
        }
        if changed && t.stalled {
            t.stalled = false;
            out.push(Transition::Resumed { job_id: job_id.to_owned() });
        }
        t.next_due_ms = now_ms.saturating_add(interval(&self.policy, t, random, now_ms));
        out
    }

    /// A failed request of kind `kind`. 401/403 halt the poller (`Halted`). "Not found" ends the
    /// job's polling (`Gone`), at once for a job older than the grace, else after the allowed
    /// retries. Anything else: the next try after `error_base_ms · 2^(n-1)` with full jitter
    /// (`random` in [0,1)), at least `MIN_RETRY_MS`, capped at `error_cap_ms`, and after
    /// `pause_after_errors` in a row the job waits for Refresh (`Paused`). A `Retry-After` is a
    /// floor (even above the cap: the server asked) and also holds every other job. The last
    /// good status/progress are kept.
    pub fn on_error(
        &mut self,
        job_id: &str,
        kind: ErrorKind,
        retry_after_secs: Option<u64>,
        random: f64,
        now_ms: u64,
    ) -> Vec<Transition> {
        if let Some(secs) = retry_after_secs {
            self.hold_until_ms = self.hold_until_ms.max(now_ms.saturating_add(secs.saturating_mul(1_000)));
        }
        let p = &self.policy;
        let Some(t) = self.jobs.get_mut(job_id) else {
            return Vec::new();
        };
        t.in_flight_since = None;
        if !t.active() {
            return Vec::new();
        }
        if matches!(kind, ErrorKind::Unauthorized | ErrorKind::Permission) {
            // Asking again with the same key gets the same answer; say it once.
            let first = self.halted.is_none();
            self.halted = Some(kind);
            return if first { vec![Transition::Halted { kind }] } else { Vec::new() };
        }
        t.errors = t.errors.saturating_add(1);
        t.last_error_ms = now_ms;
        if kind == ErrorKind::NotFound {
            t.not_found += 1;
            if now_ms.saturating_sub(t.added_ms) >= p.not_found_grace_ms || t.not_found > p.not_found_retries {
                t.gone = true;
                t.stalled = false;
                return vec![Transition::Gone { job_id: job_id.to_owned() }];
            }
        }
        let delay = backoff::delay_ms(t.errors - 1, p.error_base_ms, p.error_cap_ms, retry_after_secs, random);
        t.next_due_ms = now_ms.saturating_add(delay.max(MIN_RETRY_MS));
        if t.errors >= p.pause_after_errors && !t.paused {
            t.paused = true;
            return vec![Transition::Paused { job_id: job_id.to_owned() }];
        }
        Vec::new()
    }

    /// Request aborted (page left): clear in-flight without counting an error. The job stays
    /// due, so a page that comes back asks at once.
    pub fn on_abort(&mut self, job_id: &str) {
        if let Some(t) = self.jobs.get_mut(job_id) {
            t.in_flight_since = None;
        }
    }

    /// Page Visibility. Hidden pauses everything; becoming visible (from hidden) makes every
    /// active job due at once, error backoff and pauses included (a `Retry-After` hold and a
    /// halt still apply). Repeated "visible" events do not cause extra requests.
    pub fn set_visible(&mut self, visible: bool, now_ms: u64) {
        if visible && !self.visible {
            self.refresh(now_ms);
        }
        self.visible = visible;
    }

    /// The manual refresh button: every active job not in flight is due now, paused ones too.
    /// A halt is lifted only by `resume` (the user's explicit "try again").
    pub fn refresh(&mut self, now_ms: u64) {
        for t in self.jobs.values_mut().filter(|t| t.active()) {
            t.next_due_ms = t.next_due_ms.min(now_ms);
            t.paused = false;
            if t.errors >= self.policy.pause_after_errors {
                t.errors = 0;
            }
        }
    }

    /// After a halt: the user asks again (a new key, or Retry): everything is due now.
    pub fn resume(&mut self, now_ms: u64) {
        self.halted = None;
        self.refresh(now_ms);
    }

    /// Why nothing is being polled, after a 401/403.
    pub fn halted(&self) -> Option<&ErrorKind> {
        self.halted.as_ref()
    }

    /// When the caller should wake next (never earlier than `now_ms`): the earliest due time
    /// among waiting jobs, or the end of a `Retry-After` hold, or when the per-second budget
    /// frees a slot. `None` when hidden, halted, when nothing waits (idle: zero timers), or when
    /// every slot is in flight (an answer is the next event).
    pub fn next_wake(&self, now_ms: u64) -> Option<u64> {
        if !self.visible || self.halted.is_some() || self.in_flight_count() >= self.policy.max_in_flight {
            return None;
        }
        let earliest = self.jobs.values().filter(|t| t.waiting()).map(|t| t.next_due_ms).min()?;
        let mut at = earliest.max(self.hold_until_ms).max(now_ms);
        let sent_last_second: Vec<u64> = self.recent_sends.iter().copied().filter(|&s| s + 1_000 > at).collect();
        if sent_last_second.len() >= self.policy.per_second {
            // The slot of the oldest send in the window frees first.
            let k = sent_last_second.len() + 1 - self.policy.per_second;
            at = at.max(sent_last_second[k - 1] + 1_000);
        }
        Some(at)
    }

    /// When this job will next be asked about (for "next update in …"); `None` when it is not
    /// followed, terminal, paused or in flight.
    pub fn next_due(&self, job_id: &str) -> Option<u64> {
        let t = self.jobs.get(job_id)?;
        t.waiting().then_some(t.next_due_ms.max(self.hold_until_ms))
    }

    /// Stall detection: a job whose status and progress have not changed for `stall_after_ms`
    /// is flagged once. Measured up to the latest good answer rather than to `now_ms`: a job
    /// the console cannot reach (errors, hidden page) is shown as an error or stale, not as
    /// stalled, and a tab shown after an hour is not flagged before its fresh answer arrives.
    /// With a healthy poller the answer lags `now_ms` by at most one interval.
    pub fn check_stalls(&mut self, now_ms: u64) -> Vec<Transition> {
        let after = self.policy.stall_after_ms;
        if after == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (id, t) in self.jobs.iter_mut().filter(|(_, t)| t.active() && !t.stalled) {
            let (Some(changed), Some(answer)) = (t.last_change_ms, t.last_answer_ms) else {
                continue;
            };
            if answer.min(now_ms).saturating_sub(changed) >= after {
                t.stalled = true;
                out.push(Transition::Stalled { job_id: id.clone(), since_ms: changed });
            }
        }
        out
    }

    /// The time of the last progress change, if the job is flagged stalled.
    pub fn stalled_since(&self, job_id: &str) -> Option<u64> {
        let t = self.jobs.get(job_id)?;
        if t.stalled { t.last_change_ms } else { None }
    }

    /// The time of the latest failure and the number of consecutive failures; `None` once an
    /// answer succeeded.
    pub fn last_error(&self, job_id: &str) -> Option<(u64, u32)> {
        let t = self.jobs.get(job_id)?;
        (t.errors > 0).then_some((t.last_error_ms, t.errors))
    }

    /// Waiting for Refresh after repeated failures.
    pub fn is_paused(&self, job_id: &str) -> bool {
        self.jobs.get(job_id).is_some_and(|t| t.paused && t.active())
    }

    /// Tracked, not terminal and not gone.
    pub fn active_count(&self) -> usize {
        self.jobs.values().filter(|t| t.active()).count()
    }

    /// Active jobs waiting for Refresh after repeated failures.
    pub fn paused_count(&self) -> usize {
        self.jobs.values().filter(|t| t.paused && t.active()).count()
    }

    pub fn in_flight_count(&self) -> usize {
        self.jobs.values().filter(|t| t.in_flight_since.is_some()).count()
    }

    /// The latest good answer for any job ("Live, updated N s ago").
    pub fn last_success_ms(&self) -> Option<u64> {
        self.last_success_ms
    }
}

/// The healthy interval: the floor for the job's age, plus up to `jitter` of it; an unknown
/// status (a value this console cannot judge) gets the slowest floor straight away.
fn interval(p: &PollPolicy, t: &Tracked, random: f64, now_ms: u64) -> u64 {
    let floor = if matches!(t.status, Some(JobStatus::Unknown(_))) {
        p.slowest_ms.max(1)
    } else {
        p.floor_ms(now_ms.saturating_sub(t.added_ms))
    };
    floor + (floor as f64 * p.jitter.max(0.0) * random.clamp(0.0, 1.0)) as u64
}

/// One notice for the jobs that finished in one poll round (not one toast each): the job's
/// own sentence when one finished, else a count. `names` gives "Backup prod_1" for a job id.
pub fn round_notice(
    finished: &[(String, JobStatus, String)],
    names: impl Fn(&str) -> String,
) -> Option<(String, Outcome)> {
    match finished {
        [] => None,
        [(id, status, reason)] => {
            let name = names(id);
            Some(match status {
                JobStatus::Successful => (format!("{name} finished successfully."), Outcome::Good),
                JobStatus::Failed if !reason.is_empty() => (format!("{name} failed: {reason}"), Outcome::Bad),
                JobStatus::Failed => (format!("{name} failed."), Outcome::Bad),
                other => (format!("{name} ended: {}.", other.label()), Outcome::Neutral),
            })
        }
        many => {
            let count = |f: fn(&JobStatus) -> bool| many.iter().filter(|(_, s, _)| f(s)).count();
            let (ok, failed) = (count(|s| *s == JobStatus::Successful), count(|s| *s == JobStatus::Failed));
            let other = many.len() - ok - failed;
            let mut parts = Vec::new();
            if ok > 0 {
                parts.push(format!("{ok} successful"));
            }
            if failed > 0 {
                parts.push(format!("{failed} failed"));
            }
            if other > 0 {
                parts.push(format!("{other} canceled"));
            }
            let tone = if failed > 0 {
                Outcome::Bad
            } else if other > 0 {
                Outcome::Neutral
            } else {
                Outcome::Good
            };
            Some((format!("{} jobs finished: {}.", many.len(), parts.join(", ")), tone))
        }
    }
}

/// How a notice reads: all good, something failed, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Good,
    Bad,
    Neutral,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::job;

    fn sched() -> Scheduler {
        Scheduler::new(PollPolicy::default())
    }

    /// Sends whatever the budget allows and answers each at once with `status`/`progress`,
    /// at the bottom of the jitter band.
    fn poll_round(s: &mut Scheduler, now: u64, status: &str, progress: Option<u8>) -> Vec<String> {
        let due = s.take_due(now);
        for id in &due {
            s.on_answer(id, &job(id, status, progress), 0.0, now);
        }
        due
    }

    fn err(s: &mut Scheduler, id: &str, kind: ErrorKind, random: f64, now: u64) -> Vec<Transition> {
        s.on_error(id, kind, None, random, now)
    }

    #[test]
    fn idle_when_nothing_is_tracked() {
        let s = sched();
        assert!(s.due(0).is_empty());
        assert_eq!(s.next_wake(0), None);
        assert_eq!(s.active_count(), 0);
        assert_eq!(s.last_success_ms(), None);
    }

    #[test]
    fn idle_when_everything_is_terminal() {
        let mut s = sched();
        s.track("a", Some(&job("a", "SUCCESSFUL", Some(100))), 0);
        s.track("b", Some(&job("b", "FAILED", None)), 0);
        s.track("c", Some(&job("c", "CANCELED", None)), 0);
        assert_eq!(s.active_count(), 0);
        for now in [0, 1_000, 1_000_000] {
            assert!(s.due(now).is_empty());
            assert_eq!(s.next_wake(now), None);
        }
        // Known-terminal jobs are never announced either.
        assert!(s.check_stalls(10_000_000).is_empty());
    }

    #[test]
    fn track_is_idempotent_and_due_at_once() {
        let mut s = sched();
        s.track("a", None, 5_000);
        s.track("a", Some(&job("a", "SUCCESSFUL", Some(100))), 9_000);
        s.track("", None, 0);
        assert_eq!(s.active_count(), 1);
        assert_eq!(s.due(5_000), vec!["a".to_string()]);
        assert_eq!(s.next_wake(5_000), Some(5_000));
    }

    #[test]
    fn floors_by_age() {
        let p = PollPolicy::default();
        let floors: Vec<u64> =
            [0, 1_999, 2_000, 4_999, 5_000, 119_999, 120_000, 599_999, 600_000, 3_599_999, 3_600_000, u64::MAX]
                .iter()
                .map(|&age| p.floor_ms(age))
                .collect();
        assert_eq!(floors, [2_000, 2_000, 3_000, 3_000, 5_000, 5_000, 10_000, 10_000, 20_000, 20_000, 30_000, 30_000]);
    }

    /// The gaps between polls of one job answered at once, with `random` always `r`.
    fn gaps(r: f64, until: u64) -> Vec<u64> {
        let mut s = sched();
        s.track("a", None, 0);
        let mut gaps = Vec::new();
        let mut now = 0;
        while now < until {
            let next = s.next_wake(now).unwrap();
            gaps.push(next - now);
            now = next;
            assert_eq!(s.take_due(now), vec!["a".to_string()]);
            s.on_answer("a", &job("a", "IN_PROGRESS", Some(10)), r, now);
        }
        gaps
    }

    #[test]
    fn fast_only_at_first_then_five_seconds_then_slower() {
        let g = gaps(0.0, 4 * 3_600_000);
        // At once, 2 s, 3 s, then 5 s until two minutes, 10 s, 20 s, and 30 s after an hour.
        assert_eq!(&g[..4], &[0, 2_000, 3_000, 5_000]);
        for w in g[1..].windows(2) {
            assert!(w[1] >= w[0], "never speeds up: {g:?}");
        }
        for floor in [10_000, 20_000, 30_000] {
            assert!(g.contains(&floor), "{floor} missing");
        }
        assert_eq!(*g.last().unwrap(), 30_000);
        assert!(g.iter().all(|&x| x <= 30_000));
    }

    #[test]
    fn jitter_stays_inside_its_band_and_never_under_the_floor() {
        let p = PollPolicy::default();
        for r in [0.0, 0.3, 0.5, 0.999_999, 1.0, -1.0, 7.0] {
            for age in [0, 3_000, 60_000, 300_000, 1_800_000, 10_000_000] {
                let mut s = sched();
                s.track("a", None, 0);
                s.take_due(age);
                s.on_answer("a", &job("a", "IN_PROGRESS", None), r, age);
                let gap = s.next_due("a").unwrap() - age;
                let floor = p.floor_ms(age);
                assert!(gap >= floor && gap <= floor + floor / 4, "r={r} age={age} gap={gap} floor={floor}");
            }
        }
        // Mid random is mid band: 5 s · (1 + 0.25 · 0.5).
        let mut s = sched();
        s.track("a", None, 0);
        s.take_due(60_000);
        s.on_answer("a", &job("a", "IN_PROGRESS", None), 0.5, 60_000);
        assert_eq!(s.next_due("a"), Some(65_625));
    }

    /// Requests for one job answered at once, counted in [from, to), worst case (r = 0) and
    /// best case (r ≈ 1).
    fn requests_between(r: f64, from: u64, to: u64) -> usize {
        let mut s = sched();
        s.track("a", None, 0);
        let mut now = 0;
        let mut count = 0;
        while let Some(next) = s.next_wake(now) {
            if next >= to {
                break;
            }
            now = next;
            for id in s.take_due(now) {
                count += usize::from(now >= from);
                s.on_answer(&id, &job(&id, "IN_PROGRESS", Some(10)), r, now);
            }
        }
        count
    }

    #[test]
    fn one_job_costs_at_most_fourteen_requests_in_its_first_minute_and_twelve_after() {
        assert_eq!(requests_between(0.0, 0, 60_000), 13);
        assert!(requests_between(0.999, 0, 60_000) <= 13);
        assert!(requests_between(0.999, 0, 60_000) >= 10);
        assert_eq!(requests_between(0.0, 60_000, 120_000), 12);
        assert!(requests_between(0.999, 60_000, 120_000) <= 12);
        // Then fewer: 10 s until ten minutes, 20 s until an hour, 30 s after.
        assert_eq!(requests_between(0.0, 180_000, 240_000), 6);
        assert_eq!(requests_between(0.0, 1_200_000, 1_260_000), 3);
        assert_eq!(requests_between(0.0, 7_200_000, 7_260_000), 2);
    }

    #[test]
    fn unknown_status_is_polled_slowly() {
        let mut s = sched();
        s.track("a", None, 0);
        poll_round(&mut s, 0, "PAUSED_FOR_REASONS", None);
        assert_eq!(s.active_count(), 1);
        assert_eq!(s.next_wake(0), Some(30_000));
        // An empty/absent status is unknown too.
        poll_round(&mut s, 30_000, "", None);
        assert_eq!(s.next_wake(30_000), Some(60_000));
    }

    #[test]
    fn never_two_in_flight() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("b", None, 0);
        assert_eq!(s.due(0).len(), 2);
        s.sent("a", 0);
        s.sent("a", 10);
        assert!(s.in_flight("a"));
        // Minutes later, a is still in flight: never due again until it answers.
        assert_eq!(s.due(600_000), vec!["b".to_string()]);
        s.sent("b", 0);
        assert!(s.due(600_000).is_empty());
        assert_eq!(s.next_wake(600_000), None, "every active job in flight: the answers wake us");
        assert_eq!(s.in_flight_count(), 2);
    }

    #[test]
    fn the_budget_caps_requests_in_flight_and_per_second() {
        let p = PollPolicy::default();
        let mut s = sched();
        for i in 0..100 {
            s.track(&format!("job-{i:03}"), None, 0);
        }
        // Six out at once, however many are due.
        let first = s.take_due(0);
        assert_eq!(first.len(), p.max_in_flight);
        assert!(s.take_due(0).is_empty());
        assert_eq!(s.next_wake(0), None, "all slots in flight: an answer is the next event");
        // Answers free slots, but no more than ten are sent in any second.
        for id in &first {
            s.on_answer(id, &job(id, "IN_PROGRESS", None), 0.0, 10);
        }
        let second = s.take_due(10);
        assert_eq!(second.len(), 4, "10 per second: 6 already sent in this second");
        for id in &second {
            s.on_answer(id, &job(id, "IN_PROGRESS", None), 0.0, 20);
        }
        assert!(s.take_due(20).is_empty());
        // The next slot frees one second after the first send.
        assert_eq!(s.next_wake(20), Some(1_000));
        assert_eq!(s.take_due(1_000).len(), 6);
    }

    #[test]
    fn a_hundred_jobs_never_exceed_ten_a_second() {
        let (requests, per_second_max) = simulate(100, 3, 80);
        assert!(per_second_max <= 10, "{per_second_max}");
        // And the budget is used: over three minutes, close to its 10/s where jobs are due.
        assert!(requests > 1_000, "{requests}");
    }

    #[test]
    fn next_poll_is_scheduled_after_the_answer() {
        let mut s = sched();
        s.track("a", None, 0);
        s.sent("a", 0);
        // A slow answer (3 s): the next poll is one interval after it, not after sending.
        s.on_answer("a", &job("a", "PENDING", None), 0.0, 3_000);
        assert_eq!(s.next_wake(3_000), Some(6_000));
        assert!(s.due(5_999).is_empty());
        assert_eq!(s.due(6_000), vec!["a".to_string()]);
        assert_eq!(s.last_success_ms(), Some(3_000));
    }

    #[test]
    fn error_backoff_grows_with_jitter_bounds_and_cap() {
        let p = PollPolicy { pause_after_errors: 100, ..PollPolicy::default() };
        let mut s = Scheduler::new(p.clone());
        s.track("a", None, 0);
        let mut now = 0;
        for n in 1..=12u32 {
            // Upper bound (random → 1): base·2^(n-1), capped at 60 s.
            let ceiling = (1_000u64 << (n - 1)).min(p.error_cap_ms);
            s.sent("a", now);
            s.on_error("a", ErrorKind::Server, None, 0.999_999, now);
            let hi = s.next_due("a").unwrap() - now;
            assert!(hi <= ceiling && hi + 1 >= ceiling, "n={n} hi={hi} ceiling={ceiling}");
            assert_eq!(s.last_error("a"), Some((now, n)));
            // Lower bound (random = 0) is the small floor, never a tight loop.
            let mut t = s.clone();
            t.on_error("a", ErrorKind::Network, None, 0.0, now);
            assert_eq!(t.next_due("a").unwrap() - now, MIN_RETRY_MS);
            now += hi;
        }
        // Mid jitter is mid range.
        let mut t = sched();
        t.track("b", None, 0);
        for _ in 0..4 {
            err(&mut t, "b", ErrorKind::Timeout, 0.5, 0);
        }
        assert_eq!(t.next_due("b"), Some(4_000));
    }

    #[test]
    fn ten_failures_in_a_row_pause_the_job_until_refresh() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("b", None, 0);
        let mut out = Vec::new();
        for n in 0..10 {
            out = err(&mut s, "a", ErrorKind::Server, 0.5, n * 1_000);
            if n < 9 {
                assert!(out.is_empty());
            }
        }
        assert_eq!(out, vec![Transition::Paused { job_id: "a".into() }]);
        assert!(s.is_paused("a"));
        assert_eq!(s.paused_count(), 1);
        assert_eq!(s.due(u64::MAX / 2), vec!["b".to_string()], "a waits, b does not");
        assert_eq!(s.active_count(), 2, "paused is still unfinished");
        s.refresh(20_000);
        assert!(!s.is_paused("a"));
        assert_eq!(s.due(20_000).len(), 2);
        // Its next failure starts a fresh count: not paused again at once.
        assert!(err(&mut s, "a", ErrorKind::Server, 0.5, 20_000).is_empty());
    }

    #[test]
    fn not_found_stops_an_old_job_at_once() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("b", None, 0);
        s.sent("a", 60_000);
        let out = err(&mut s, "a", ErrorKind::NotFound, 0.5, 60_000);
        assert_eq!(out, vec![Transition::Gone { job_id: "a".into() }]);
        assert_eq!(s.active_count(), 1);
        assert_eq!(s.due(u64::MAX / 2), vec!["b".to_string()]);
        // Nothing brings it back: not refresh, not a late answer.
        s.refresh(70_000);
        s.set_visible(false, 70_000);
        s.set_visible(true, 71_000);
        assert_eq!(s.due(71_000), vec!["b".to_string()]);
        assert!(s.on_answer("a", &job("a", "IN_PROGRESS", None), 0.0, 72_000).is_empty());
        assert!(err(&mut s, "a", ErrorKind::NotFound, 0.5, 72_000).is_empty(), "told once");
    }

    #[test]
    fn not_found_for_a_new_job_is_asked_again_three_times() {
        let mut s = sched();
        s.track("a", None, 1_000);
        let mut now = 1_000;
        for _ in 0..3 {
            s.sent("a", now);
            assert!(err(&mut s, "a", ErrorKind::NotFound, 0.5, now).is_empty());
            now = s.next_due("a").unwrap();
        }
        s.sent("a", now);
        assert_eq!(err(&mut s, "a", ErrorKind::NotFound, 0.5, now), vec![Transition::Gone { job_id: "a".into() }]);
        // An answer between not-founds clears the count.
        let mut t = sched();
        t.track("b", None, 0);
        for _ in 0..3 {
            err(&mut t, "b", ErrorKind::NotFound, 0.5, 100);
        }
        t.on_answer("b", &job("b", "PENDING", None), 0.0, 200);
        for _ in 0..3 {
            assert!(err(&mut t, "b", ErrorKind::NotFound, 0.5, 300).is_empty());
        }
    }

    #[test]
    fn unauthorized_or_forbidden_halts_everything_until_resumed() {
        for kind in [ErrorKind::Unauthorized, ErrorKind::Permission] {
            let mut s = sched();
            s.track("a", None, 0);
            s.track("b", None, 0);
            let sent = s.take_due(0);
            assert_eq!(sent.len(), 2);
            assert_eq!(err(&mut s, "a", kind, 0.5, 10), vec![Transition::Halted { kind }]);
            // The other answer of the same round says the same: told once.
            assert!(err(&mut s, "b", kind, 0.5, 11).is_empty());
            assert_eq!(s.halted(), Some(&kind));
            for now in [11, 60_000, 10_000_000] {
                assert!(s.due(now).is_empty());
                assert_eq!(s.next_wake(now), None, "no timer while halted");
            }
            // Neither a refresh nor the tab shown again asks with the same key.
            s.refresh(20);
            s.set_visible(false, 20);
            s.set_visible(true, 30);
            assert!(s.take_due(30).is_empty());
            s.resume(40);
            assert_eq!(s.halted(), None);
            assert_eq!(s.take_due(40).len(), 2);
        }
    }

    #[test]
    fn retry_after_is_a_floor_and_holds_every_job() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("b", None, 0);
        s.sent("a", 0);
        s.on_error("a", ErrorKind::RateLimited, Some(7), 0.0, 0);
        assert_eq!(s.next_due("a"), Some(7_000));
        // b was due, but the rate limit is per key: it waits too.
        assert!(s.due(6_999).is_empty());
        assert_eq!(s.next_wake(0), Some(7_000));
        assert_eq!(s.due(7_000).len(), 2);
        // Above the cap, the server's word wins.
        s.on_error("b", ErrorKind::RateLimited, Some(90), 0.9, 7_000);
        assert_eq!(s.next_due("b"), Some(97_000));
    }

    #[test]
    fn success_resets_the_backoff_and_keeps_last_good_data() {
        let mut s = sched();
        s.track("a", Some(&job("a", "IN_PROGRESS", Some(40))), 0);
        for _ in 0..5 {
            err(&mut s, "a", ErrorKind::Server, 0.999, 0);
        }
        assert_eq!(s.last_error("a").map(|e| e.1), Some(5));
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(41)), 0.0, 20_000);
        assert_eq!(s.last_error("a"), None);
        // Back to the healthy interval (age 20 s → 5 s), not the backoff.
        assert_eq!(s.next_due("a"), Some(25_000));
        err(&mut s, "a", ErrorKind::Server, 0.999, 25_000);
        assert_eq!(s.last_error("a"), Some((25_000, 1)));
        assert!(s.next_due("a").unwrap() - 25_000 < 1_000);
    }

    #[test]
    fn hidden_pauses_and_visible_polls_everything_at_once() {
        let mut s = sched();
        for id in ["a", "b", "c"] {
            s.track(id, None, 0);
        }
        poll_round(&mut s, 0, "IN_PROGRESS", Some(1));
        err(&mut s, "c", ErrorKind::Server, 0.999, 0);
        s.set_visible(false, 100);
        for now in [100, 2_000, 600_000] {
            assert!(s.due(now).is_empty());
            assert_eq!(s.next_wake(now), None);
        }
        s.set_visible(true, 600_000);
        assert_eq!(s.due(600_000).len(), 3);
        assert_eq!(s.next_wake(600_000), Some(600_000));
        // A second "visible" event adds nothing.
        poll_round(&mut s, 600_000, "IN_PROGRESS", Some(2));
        s.set_visible(true, 600_001);
        assert!(s.due(600_001).is_empty());
    }

    #[test]
    fn abort_clears_in_flight_without_an_error() {
        let mut s = sched();
        s.track("a", None, 0);
        s.sent("a", 0);
        s.on_abort("a");
        assert!(!s.in_flight("a"));
        assert_eq!(s.last_error("a"), None);
        assert_eq!(s.due(0), vec!["a".to_string()]);
    }

    #[test]
    fn manual_refresh_makes_active_jobs_due() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("z", Some(&job("z", "SUCCESSFUL", Some(100))), 0);
        poll_round(&mut s, 0, "IN_PROGRESS", None);
        assert!(s.due(500).is_empty());
        s.refresh(500);
        assert_eq!(s.due(500), vec!["a".to_string()]);
    }

    #[test]
    fn stall_is_flagged_once_and_cleared_with_resumed() {
        let mut s = sched();
        s.track("a", None, 0);
        let mut now = 0;
        let mut stalls = Vec::new();
        // Progress stuck at 30 % from the first answer on.
        while now <= 200_000 {
            if let Some(w) = s.next_wake(now) {
                now = w;
            }
            poll_round(&mut s, now, "IN_PROGRESS", Some(30));
            stalls.extend(s.check_stalls(now));
            now += 1;
        }
        assert_eq!(stalls, vec![Transition::Stalled { job_id: "a".into(), since_ms: 0 }]);
        assert_eq!(s.stalled_since("a"), Some(0));
        let mut t = s.clone();
        assert!(t.check_stalls(u64::MAX).is_empty(), "once per stall");

        let due = s.next_wake(now).unwrap();
        s.sent("a", due);
        assert_eq!(
            s.on_answer("a", &job("a", "IN_PROGRESS", Some(31)), 0.0, due),
            vec![Transition::Resumed { job_id: "a".into() }]
        );
        assert_eq!(s.stalled_since("a"), None);
        assert!(s.check_stalls(due + 1).is_empty());
        // A new stall can be flagged later, from the new change time.
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(31)), 0.0, due + 120_000);
        assert_eq!(s.check_stalls(due + 120_000), vec![Transition::Stalled { job_id: "a".into(), since_ms: due }]);
    }

    #[test]
    fn no_stall_without_fresh_evidence() {
        let mut s = sched();
        s.track("a", Some(&job("a", "IN_PROGRESS", Some(5))), 0);
        // Never answered: unknown, not stalled.
        assert!(s.check_stalls(1_000_000).is_empty());
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(5)), 0.0, 1_000);
        // Failing requests for ten minutes: an error, not a stall.
        err(&mut s, "a", ErrorKind::Network, 0.5, 2_000);
        assert!(s.check_stalls(600_000).is_empty());
        // A status change counts as movement.
        let mut t = sched();
        t.track("b", None, 0);
        t.on_answer("b", &job("b", "PENDING", None), 0.0, 0);
        t.on_answer("b", &job("b", "IN_PROGRESS", None), 0.0, 100_000);
        t.on_answer("b", &job("b", "IN_PROGRESS", None), 0.0, 200_000);
        assert!(t.check_stalls(200_000).is_empty());
        // Disabled with 0.
        let mut u = Scheduler::new(PollPolicy { stall_after_ms: 0, ..PollPolicy::default() });
        u.track("c", None, 0);
        u.on_answer("c", &job("c", "PENDING", None), 0.0, 0);
        u.on_answer("c", &job("c", "PENDING", None), 0.0, 10_000_000);
        assert!(u.check_stalls(10_000_000).is_empty());
    }

    #[test]
    fn terminal_stops_polling_and_finishes_once() {
        for (status, reason) in [("SUCCESSFUL", ""), ("FAILED", "disk full"), ("CANCELED", "")] {
            let mut s = sched();
            s.track("a", None, 0);
            poll_round(&mut s, 0, "IN_PROGRESS", Some(50));
            s.sent("a", 1_000);
            let mut j = job("a", status, Some(100));
            j.reason = reason.into();
            let tr = s.on_answer("a", &j, 0.0, 1_000);
            assert_eq!(
                tr,
                vec![Transition::Finished {
                    job_id: "a".into(),
                    status: JobStatus::parse(status),
                    reason: reason.into()
                }]
            );
            assert_eq!(s.active_count(), 0);
            assert_eq!(s.next_wake(1_000), None);
            assert!(s.due(u64::MAX).is_empty());
            // A late duplicate answer, a refresh, a visibility flip: nothing more.
            assert!(s.on_answer("a", &j, 0.0, 2_000).is_empty());
            s.refresh(3_000);
            s.set_visible(false, 3_000);
            s.set_visible(true, 4_000);
            assert!(s.due(4_000).is_empty());
            s.sent("a", 4_000);
            assert!(!s.in_flight("a"));
        }
    }

    #[test]
    fn finishing_while_stalled_emits_only_finished() {
        let mut s = sched();
        s.track("a", None, 0);
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(1)), 0.0, 0);
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(1)), 0.0, 130_000);
        assert_eq!(s.check_stalls(130_000).len(), 1);
        let tr = s.on_answer("a", &job("a", "FAILED", Some(1)), 0.0, 131_000);
        assert!(matches!(tr.as_slice(), [Transition::Finished { .. }]), "{tr:?}");
        assert_eq!(s.stalled_since("a"), None);
    }

    #[test]
    fn answers_for_untracked_jobs_are_ignored() {
        let mut s = sched();
        assert!(s.on_answer("x", &job("x", "SUCCESSFUL", None), 0.0, 0).is_empty());
        assert!(err(&mut s, "x", ErrorKind::Unauthorized, 0.5, 0).is_empty());
        s.on_abort("x");
        s.sent("x", 0);
        assert_eq!(s.active_count(), 0);
        assert_eq!(s.next_wake(0), None);
        assert_eq!(s.halted(), None);
    }

    #[test]
    fn one_notice_per_round() {
        let names = |id: &str| format!("Backup {id}");
        let f = |id: &str, st: &str, reason: &str| (id.to_owned(), JobStatus::parse(st), reason.to_owned());
        assert_eq!(round_notice(&[], names), None);
        assert_eq!(
            round_notice(&[f("b1", "SUCCESSFUL", "")], names),
            Some(("Backup b1 finished successfully.".into(), Outcome::Good))
        );
        assert_eq!(
            round_notice(&[f("b1", "FAILED", "disk full")], names),
            Some(("Backup b1 failed: disk full".into(), Outcome::Bad))
        );
        assert_eq!(round_notice(&[f("b1", "FAILED", "")], names), Some(("Backup b1 failed.".into(), Outcome::Bad)));
        assert_eq!(
            round_notice(&[f("b1", "CANCELED", "")], names),
            Some(("Backup b1 ended: Canceled.".into(), Outcome::Neutral))
        );
        let many: Vec<_> =
            (0..9).map(|i| f(&format!("b{i}"), "SUCCESSFUL", "")).chain([f("x", "FAILED", "")]).collect();
        assert_eq!(
            round_notice(&many, names),
            Some(("10 jobs finished: 9 successful, 1 failed.".into(), Outcome::Bad))
        );
        assert_eq!(
            round_notice(&[f("a", "SUCCESSFUL", ""), f("b", "SUCCESSFUL", "")], names),
            Some(("2 jobs finished: 2 successful.".into(), Outcome::Good))
        );
        assert_eq!(
            round_notice(&[f("a", "SUCCESSFUL", ""), f("b", "CANCELED", "")], names),
            Some(("2 jobs finished: 1 successful, 1 canceled.".into(), Outcome::Neutral))
        );
    }

    /// Event-driven run: the caller only wakes at `next_wake` or when an answer arrives
    /// (`latency_ms` after sending). Returns (requests, the most sent in any one second).
    fn simulate(jobs: usize, minutes: u64, latency_ms: u64) -> (usize, usize) {
        let mut s = sched();
        for i in 0..jobs {
            s.track(&format!("job-{i}"), None, 0);
        }
        let end = minutes * 60_000;
        let mut pending: Vec<(u64, String)> = Vec::new();
        let mut sends: Vec<u64> = Vec::new();
        let mut now = 0;
        let mut r = 0.37_f64;
        loop {
            let next_answer = pending.iter().map(|p| p.0).min();
            let next = match (s.next_wake(now), next_answer) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => break,
                },
            };
            if next >= end {
                break;
            }
            now = next;
            let (arrived, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|p| p.0 <= now);
            pending = rest;
            for (_, id) in arrived {
                r = (r * 7.31 + 0.113).fract();
                s.on_answer(&id, &job(&id, "IN_PROGRESS", Some(10)), r, now);
            }
            for id in s.take_due(now) {
                sends.push(now);
                pending.push((now + latency_ms, id));
            }
            s.check_stalls(now);
        }
        let most = sends.iter().map(|&t| sends.iter().filter(|&&u| u >= t && u < t + 1_000).count()).max().unwrap_or(0);
        (sends.len(), most)
    }

    #[test]
    fn simulation_counts_requests_per_minute() {
        let (r1, _) = simulate(1, 1, 200);
        let (r10, most10) = simulate(10, 1, 200);
        // Idle: not one request.
        assert_eq!(simulate(0, 1, 200), (0, 0));
        assert!((10..=13).contains(&r1), "{r1}");
        assert!(r10 <= 10 * 13 && most10 <= 10, "{r10} {most10}");
        // Figures for the benchmark note (`--nocapture`).
        println!(
            "requests in the first minute (200 ms answers): 1 job {r1}, 10 jobs {r10} (most in a second {most10})"
        );
    }
}
