//! The Jobs poll scheduler: which job to ask about, and when.
//!
//! No timers and no clock inside: every call takes `now_ms`, so the behaviour is tested natively
//! with a fake clock. The caller (the Jobs page) keeps one `setTimeout` for `next_wake`, sends
//! `due()` requests, and reports each outcome (`on_answer` / `on_error` / `on_abort`).
//!
//! `now_ms` must be wall-clock milliseconds (`Date.now()`), the same clock as the register's
//! `added_ms`, because a job's age (and so its interval) spans reloads.
//!
//! The usual practice of pollers (as in the official Zilliz CLIs' job waiters): `setTimeout` chains (the next poll
//! is scheduled from the answer, so a slow answer never overlaps the next request), one request
//! per job at a time, nothing while the page is hidden, an immediate refresh when it shows again,
//! and nothing at all (no timer, no request) when no job is left to follow.

use std::collections::BTreeMap;

use api_types::{Job, JobStatus};

use super::backoff;

/// After an error, never retry sooner than this: with full jitter `random` may be ~0, and a
/// network that fails instantly must not be hit in a tight loop.
pub const MIN_RETRY_MS: u64 = 250;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollPolicy {
    /// Interval right after the console learned of a job.
    pub fast_ms: u64,
    /// Longest interval between polls of a healthy job (also used for unknown statuses).
    pub slow_ms: u64,
    /// The interval doubles every `ramp_after_ms` of the job's age, from `fast_ms` to `slow_ms`.
    pub ramp_after_ms: u64,
    /// Error backoff: full jitter under `error_base_ms · 2^(errors-1)`, capped at `error_cap_ms`.
    pub error_base_ms: u64,
    pub error_cap_ms: u64,
    /// A job whose status and progress have not changed for this long is "stalled"; 0 disables.
    pub stall_after_ms: u64,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            fast_ms: 1_000,
            slow_ms: 10_000,
            ramp_after_ms: 15_000,
            error_base_ms: 1_000,
            error_cap_ms: 60_000,
            stall_after_ms: 120_000,
        }
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
}

#[derive(Debug, Clone)]
struct Tracked {
    added_ms: u64,
    status: Option<JobStatus>,
    progress: Option<u8>,
    terminal: bool,
    next_due_ms: u64,
    in_flight_since: Option<u64>,
    errors: u32,
    last_error_ms: u64,
    last_answer_ms: Option<u64>,
    /// When status or progress last changed, as observed in this session (set by the first
    /// answer: what happened while the console was closed is unknown, so no stall is inferred).
    last_change_ms: Option<u64>,
    stalled: bool,
}

impl Tracked {
    fn active(&self) -> bool {
        !self.terminal
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
    last_success_ms: Option<u64>,
}

impl Scheduler {
    /// Starts visible; the page reports the real state with `set_visible` when it mounts.
    pub fn new(policy: PollPolicy) -> Self {
        Scheduler { policy, jobs: BTreeMap::new(), visible: true, hold_until_ms: 0, last_success_ms: None }
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
                next_due_ms: 0,
                in_flight_since: None,
                errors: 0,
                last_error_ms: 0,
                last_answer_ms: None,
                last_change_ms: None,
                stalled: false,
            },
        );
    }

    /// Jobs to request now: not terminal, not in flight, due, and the page is visible (and no
    /// `Retry-After` hold is running). Most overdue first. Marks nothing.
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        if !self.visible || now_ms < self.hold_until_ms {
            return Vec::new();
        }
        let mut due: Vec<(u64, &String)> = self
            .jobs
            .iter()
            .filter(|(_, t)| t.active() && t.in_flight_since.is_none() && t.next_due_ms <= now_ms)
            .map(|(id, t)| (t.next_due_ms, id))
            .collect();
        due.sort();
        due.into_iter().map(|(_, id)| id.clone()).collect()
    }

    /// Mark a request as sent. A job already in flight (or unknown, or terminal) is left alone,
    /// so two requests for one job are never both expected.
    pub fn sent(&mut self, job_id: &str, now_ms: u64) {
        if let Some(t) = self.jobs.get_mut(job_id)
            && t.active()
            && t.in_flight_since.is_none()
        {
            t.in_flight_since = Some(now_ms);
        }
    }

    pub fn in_flight(&self, job_id: &str) -> bool {
        self.jobs.get(job_id).is_some_and(|t| t.in_flight_since.is_some())
    }

    /// A good answer: records status/progress, clears the error count, schedules the next poll
    /// one interval after `now_ms` (the answer, not the request). Returns `Resumed` when a
    /// stalled job moved, `Finished` (once) when it reached a terminal status. An answer for a
    /// job no longer tracked is ignored.
    pub fn on_answer(&mut self, job_id: &str, job: &Job, now_ms: u64) -> Vec<Transition> {
        let mut out = Vec::new();
        let Some(t) = self.jobs.get_mut(job_id) else {
            return out;
        };
        t.in_flight_since = None;
        t.errors = 0;
        t.last_answer_ms = Some(now_ms);
        self.last_success_ms = Some(self.last_success_ms.map_or(now_ms, |s| s.max(now_ms)));
        if t.terminal {
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
        t.next_due_ms = now_ms.saturating_add(interval(&self.policy, t, now_ms));
        out
    }

    /// A failed request: the next try is after `error_base_ms · 2^(n-1)` with full jitter
    /// (`random` in [0,1)), at least `MIN_RETRY_MS`, capped at `error_cap_ms`; a `Retry-After`
    /// is a floor (even above the cap: the server asked) and also holds every other job. The
    /// last good status/progress are kept. A "job not found" is retried like any other error.
    pub fn on_error(&mut self, job_id: &str, retry_after_secs: Option<u64>, random: f64, now_ms: u64) {
        if let Some(secs) = retry_after_secs {
            self.hold_until_ms = self.hold_until_ms.max(now_ms.saturating_add(secs.saturating_mul(1_000)));
        }
        let p = &self.policy;
        let Some(t) = self.jobs.get_mut(job_id) else {
            return;
        };
        t.in_flight_since = None;
        if t.terminal {
            return;
        }
        t.errors = t.errors.saturating_add(1);
        t.last_error_ms = now_ms;
        let delay = backoff::delay_ms(t.errors - 1, p.error_base_ms, p.error_cap_ms, retry_after_secs, random);
        t.next_due_ms = now_ms.saturating_add(delay.max(MIN_RETRY_MS));
    }

    /// Request aborted (page left): clear in-flight without counting an error. The job stays
    /// due, so a page that comes back asks at once.
    pub fn on_abort(&mut self, job_id: &str) {
        if let Some(t) = self.jobs.get_mut(job_id) {
            t.in_flight_since = None;
        }
    }

    /// Page Visibility. Hidden pauses everything; becoming visible (from hidden) makes every
    /// active job due at once, error backoff included (a `Retry-After` hold still applies).
    /// Repeated "visible" events do not cause extra requests.
    pub fn set_visible(&mut self, visible: bool, now_ms: u64) {
        if visible && !self.visible {
            self.refresh(now_ms);
        }
        self.visible = visible;
    }

    /// The manual refresh button: every active job not in flight is due now.
    pub fn refresh(&mut self, now_ms: u64) {
        for t in self.jobs.values_mut().filter(|t| t.active()) {
            t.next_due_ms = t.next_due_ms.min(now_ms);
        }
    }

    /// When the caller should wake next (never earlier than `now_ms`): the earliest due time
    /// among active jobs not in flight, or the end of a `Retry-After` hold. `None` when hidden,
    /// when nothing is active (idle: zero timers) or when every active job is in flight (its
    /// answer is the next event).
    pub fn next_wake(&self, now_ms: u64) -> Option<u64> {
        if !self.visible {
            return None;
        }
        let earliest =
            self.jobs.values().filter(|t| t.active() && t.in_flight_since.is_none()).map(|t| t.next_due_ms).min()?;
        Some(earliest.max(self.hold_until_ms).max(now_ms))
    }

    /// When this job will next be asked about (for "next update in …"); `None` when it is not
    /// followed, terminal or in flight.
    pub fn next_due(&self, job_id: &str) -> Option<u64> {
        let t = self.jobs.get(job_id)?;
        (t.active() && t.in_flight_since.is_none()).then_some(t.next_due_ms.max(self.hold_until_ms))
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

    /// Tracked and not terminal.
    pub fn active_count(&self) -> usize {
        self.jobs.values().filter(|t| t.active()).count()
    }

    pub fn in_flight_count(&self) -> usize {
        self.jobs.values().filter(|t| t.in_flight_since.is_some()).count()
    }

    /// The latest good answer for any job ("Live, updated N s ago").
    pub fn last_success_ms(&self) -> Option<u64> {
        self.last_success_ms
    }
}

/// The healthy interval: `fast_ms` doubled for every `ramp_after_ms` of age, at most `slow_ms`;
/// an unknown status (a value this console cannot judge) gets `slow_ms` straight away.
fn interval(p: &PollPolicy, t: &Tracked, now_ms: u64) -> u64 {
    if matches!(t.status, Some(JobStatus::Unknown(_))) || p.ramp_after_ms == 0 {
        return p.slow_ms.max(1);
    }
    let steps = (now_ms.saturating_sub(t.added_ms) / p.ramp_after_ms).min(30) as u32;
    p.fast_ms.saturating_mul(1u64 << steps).min(p.slow_ms).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::job;

    fn sched() -> Scheduler {
        Scheduler::new(PollPolicy::default())
    }

    /// Sends whatever is due and answers each at once with `status`/`progress`.
    fn poll_round(s: &mut Scheduler, now: u64, status: &str, progress: Option<u8>) -> Vec<String> {
        let due = s.due(now);
        for id in &due {
            s.sent(id, now);
            s.on_answer(id, &job(id, status, progress), now);
        }
        due
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
    fn interval_ramps_from_fast_to_slow() {
        let mut s = sched();
        s.track("a", None, 0);
        let mut gaps = Vec::new();
        let mut now = 0;
        while now < 120_000 {
            let next = s.next_wake(now).unwrap();
            gaps.push(next - now);
            now = next;
            assert_eq!(poll_round(&mut s, now, "IN_PROGRESS", Some(10)), vec!["a".to_string()]);
        }
        // First poll at once, then 1 s until 15 s of age, 2 s, 4 s, 8 s, then 10 s.
        assert_eq!(gaps[0], 0);
        assert!(gaps[1..16].iter().all(|&g| g == 1_000), "{gaps:?}");
        for w in gaps[1..].windows(2) {
            assert!(w[1] >= w[0], "never speeds up: {gaps:?}");
        }
        assert!(gaps.contains(&2_000) && gaps.contains(&4_000) && gaps.contains(&8_000), "{gaps:?}");
        assert_eq!(*gaps.last().unwrap(), 10_000);
        assert!(gaps.iter().all(|&g| g <= 10_000));
    }

    #[test]
    fn unknown_status_is_polled_slowly() {
        let mut s = sched();
        s.track("a", None, 0);
        poll_round(&mut s, 0, "PAUSED_FOR_REASONS", None);
        assert_eq!(s.active_count(), 1);
        assert_eq!(s.next_wake(0), Some(10_000));
        // An empty/absent status is unknown too.
        poll_round(&mut s, 10_000, "", None);
        assert_eq!(s.next_wake(10_000), Some(20_000));
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
    fn next_poll_is_scheduled_after_the_answer() {
        let mut s = sched();
        s.track("a", None, 0);
        s.sent("a", 0);
        // A slow answer (3 s): the next poll is one interval after it, not after sending.
        s.on_answer("a", &job("a", "PENDING", None), 3_000);
        assert_eq!(s.next_wake(3_000), Some(4_000));
        assert!(s.due(3_999).is_empty());
        assert_eq!(s.due(4_000), vec!["a".to_string()]);
        assert_eq!(s.last_success_ms(), Some(3_000));
    }

    #[test]
    fn error_backoff_grows_with_jitter_bounds_and_cap() {
        let p = PollPolicy::default();
        let mut s = sched();
        s.track("a", None, 0);
        let mut now = 0;
        for n in 1..=12u32 {
            // Upper bound (random → 1): base·2^(n-1), capped at 60 s.
            let ceiling = (1_000u64 << (n - 1)).min(p.error_cap_ms);
            s.sent("a", now);
            s.on_error("a", None, 0.999_999, now);
            let hi = s.next_due("a").unwrap() - now;
            assert!(hi <= ceiling && hi + 1 >= ceiling, "n={n} hi={hi} ceiling={ceiling}");
            assert_eq!(s.last_error("a"), Some((now, n)));
            // Lower bound (random = 0) is the small floor, never a tight loop.
            let mut t = s.clone();
            t.on_error("a", None, 0.0, now);
            assert_eq!(t.next_due("a").unwrap() - now, MIN_RETRY_MS);
            now += hi;
        }
        // Capped at a minute.
        s.on_error("a", None, 0.999_999, now);
        assert!(s.next_due("a").unwrap() - now <= 60_000);
        // Mid jitter is mid range.
        let mut t = sched();
        t.track("b", None, 0);
        for _ in 0..4 {
            t.on_error("b", None, 0.5, 0);
        }
        assert_eq!(t.next_due("b"), Some(4_000));
    }

    #[test]
    fn retry_after_is_a_floor_and_holds_every_job() {
        let mut s = sched();
        s.track("a", None, 0);
        s.track("b", None, 0);
        s.sent("a", 0);
        s.on_error("a", Some(7), 0.0, 0);
        assert_eq!(s.next_due("a"), Some(7_000));
        // b was due, but the rate limit is per key: it waits too.
        assert!(s.due(6_999).is_empty());
        assert_eq!(s.next_wake(0), Some(7_000));
        assert_eq!(s.due(7_000).len(), 2);
        // Above the cap, the server's word wins.
        s.on_error("b", Some(90), 0.9, 7_000);
        assert_eq!(s.next_due("b"), Some(97_000));
    }

    #[test]
    fn success_resets_the_backoff_and_keeps_last_good_data() {
        let mut s = sched();
        s.track("a", Some(&job("a", "IN_PROGRESS", Some(40))), 0);
        for _ in 0..5 {
            s.on_error("a", None, 0.999, 0);
        }
        assert_eq!(s.last_error("a").map(|e| e.1), Some(5));
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(41)), 20_000);
        assert_eq!(s.last_error("a"), None);
        // Back to the healthy interval (age 20 s → 2 s), not the backoff.
        assert_eq!(s.next_due("a"), Some(22_000));
        s.on_error("a", None, 0.999, 22_000);
        assert_eq!(s.last_error("a"), Some((22_000, 1)));
        assert!(s.next_due("a").unwrap() - 22_000 < 1_000);
    }

    #[test]
    fn hidden_pauses_and_visible_polls_everything_at_once() {
        let mut s = sched();
        for id in ["a", "b", "c"] {
            s.track(id, None, 0);
        }
        poll_round(&mut s, 0, "IN_PROGRESS", Some(1));
        s.on_error("c", None, 0.999, 0);
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
        // The first answer at or after 120 s flagged it, not later than one slow interval.
        let mut t = s.clone();
        assert!(t.check_stalls(u64::MAX).is_empty(), "once per stall");

        let due = s.next_wake(now).unwrap();
        s.sent("a", due);
        assert_eq!(
            s.on_answer("a", &job("a", "IN_PROGRESS", Some(31)), due),
            vec![Transition::Resumed { job_id: "a".into() }]
        );
        assert_eq!(s.stalled_since("a"), None);
        assert!(s.check_stalls(due + 1).is_empty());
        // A new stall can be flagged later, from the new change time.
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(31)), due + 120_000);
        assert_eq!(s.check_stalls(due + 120_000), vec![Transition::Stalled { job_id: "a".into(), since_ms: due }]);
    }

    #[test]
    fn no_stall_without_fresh_evidence() {
        let mut s = sched();
        s.track("a", Some(&job("a", "IN_PROGRESS", Some(5))), 0);
        // Never answered: unknown, not stalled.
        assert!(s.check_stalls(1_000_000).is_empty());
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(5)), 1_000);
        // Failing requests for ten minutes: an error, not a stall.
        s.on_error("a", None, 0.5, 2_000);
        assert!(s.check_stalls(600_000).is_empty());
        // A status change counts as movement.
        let mut t = sched();
        t.track("b", None, 0);
        t.on_answer("b", &job("b", "PENDING", None), 0);
        t.on_answer("b", &job("b", "IN_PROGRESS", None), 100_000);
        t.on_answer("b", &job("b", "IN_PROGRESS", None), 200_000);
        assert!(t.check_stalls(200_000).is_empty());
        // Disabled with 0.
        let mut u = Scheduler::new(PollPolicy { stall_after_ms: 0, ..PollPolicy::default() });
        u.track("c", None, 0);
        u.on_answer("c", &job("c", "PENDING", None), 0);
        u.on_answer("c", &job("c", "PENDING", None), 10_000_000);
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
            let tr = s.on_answer("a", &j, 1_000);
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
            assert!(s.on_answer("a", &j, 2_000).is_empty());
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
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(1)), 0);
        s.on_answer("a", &job("a", "IN_PROGRESS", Some(1)), 130_000);
        assert_eq!(s.check_stalls(130_000).len(), 1);
        let tr = s.on_answer("a", &job("a", "FAILED", Some(1)), 131_000);
        assert!(matches!(tr.as_slice(), [Transition::Finished { .. }]), "{tr:?}");
        assert_eq!(s.stalled_since("a"), None);
    }

    #[test]
    fn answers_for_untracked_jobs_are_ignored() {
        let mut s = sched();
        assert!(s.on_answer("x", &job("x", "SUCCESSFUL", None), 0).is_empty());
        s.on_error("x", None, 0.5, 0);
        s.on_abort("x");
        s.sent("x", 0);
        assert_eq!(s.active_count(), 0);
        assert_eq!(s.next_wake(0), None);
    }

    /// Event-driven run: the caller only wakes at `next_wake` or when an answer arrives
    /// (`latency_ms` after sending). Returns (requests, wake-ups).
    fn simulate(jobs: usize, minutes: u64, latency_ms: u64) -> (usize, usize) {
        let mut s = sched();
        for i in 0..jobs {
            s.track(&format!("job-{i}"), None, 0);
        }
        let end = minutes * 60_000;
        let mut pending: Vec<(u64, String)> = Vec::new();
        let (mut requests, mut wakes) = (0, 0);
        let mut now = 0;
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
            wakes += 1;
            let (arrived, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|p| p.0 <= now);
            pending = rest;
            for (_, id) in arrived {
                s.on_answer(&id, &job(&id, "IN_PROGRESS", Some(10)), now);
            }
            for id in s.due(now) {
                s.sent(&id, now);
                requests += 1;
                pending.push((now + latency_ms, id));
            }
            s.check_stalls(now);
        }
        (requests, wakes)
    }

    #[test]
    fn simulation_counts_requests_per_minute() {
        // Upper bound per job in the first minute: 1 + 15 s/1 s + 15/2 + 15/4 + 15/8 < 30.
        let (r10, _) = simulate(10, 1, 0);
        assert!(r10 <= 10 * 30, "{r10}");
        assert!(r10 >= 10 * 25, "ramp is not slower than specified: {r10}");
        // With 200 ms answers, fewer (the interval counts from the answer).
        let (r10_slow, _) = simulate(10, 1, 200);
        assert!(r10_slow < r10 && r10_slow >= 10 * 20, "{r10_slow}");
        let (r1, _) = simulate(1, 1, 200);
        assert!((20..=30).contains(&r1), "{r1}");
        // Idle: not one request, not one wake-up.
        assert_eq!(simulate(0, 1, 200), (0, 0));
        // Steady state after the ramp: at most one request per job per 10 s.
        let (r_long, _) = simulate(10, 11, 0);
        // Figures for the benchmark note (`--nocapture`).
        println!(
            "requests in the first minute: 0 jobs 0, 1 job {r1}, 10 jobs {r10_slow} (200 ms answers), {r10} (instant)"
        );
        assert!(r_long - r10 <= 10 * 61, "{}", r_long - r10);
    }
}
