//! How long a running job has left, said only when it can be said honestly, and where the
//! figure comes from: the job's own progress once it has moved (a robust rate over its recent
//! readings), before that this cluster's past jobs of the same kind and scope ("usually about
//! 6 min on this cluster"). No figure at all rather than a wrong one: progress that stopped
//! moving, or nothing to go on. Also "slower than usual" when a job runs well past its usual
//! time.

/// One progress reading: when it was taken (ms) and how far the job was (0 to 100).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at_ms: u64,
    pub percent: f64,
}

/// A finished job the register remembers, as the history of the jobs like it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Past<'a> {
    pub cluster_id: &'a str,
    /// "backup", "restore", … (`JobKind::as_str`).
    pub kind: &'a str,
    /// "cluster" or "collections": a whole cluster takes longer than a few collections.
    pub scope: &'a str,
    pub duration_ms: u64,
}

/// What this cluster's jobs of one kind and scope usually take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usual {
    /// The median duration of the last `jobs` of them.
    pub duration_ms: u64,
    pub jobs: usize,
}

/// Where an estimate comes from, said beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The job's own progress rate.
    Progress,
    /// This cluster's past jobs of the same kind and scope.
    Usual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    pub remaining_ms: u64,
    pub basis: Basis,
}

/// Why no estimate is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoEstimate {
    /// Progress has not moved for `STALLED_MS` (or went backwards): any figure would be a guess.
    NotMoving,
    /// The job has not moved yet and no job like it finished here before.
    NoHistory,
    /// It has run past its usual time without progress to go on.
    PastUsual,
}

/// What the row says about time left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outlook {
    pub estimate: Result<Estimate, NoEstimate>,
    /// The usual duration, when this cluster has one for jobs like this.
    pub usual: Option<Usual>,
    /// Running well past the usual duration (`is_slower_than_usual`).
    pub slower_than_usual: bool,
}

/// The readings the rate is taken from: the most recent ones.
pub const WINDOW: usize = 8;
/// Progress that has not changed for this long is not moving.
pub const STALLED_MS: u64 = 120_000;
/// The history taken into account: the most recent jobs like this one.
pub const HISTORY: usize = 10;
/// Fewer past jobs than this is not a "usual".
pub const MIN_HISTORY: usize = 2;

/// The usual duration of `cluster_id`'s finished jobs of `kind` and `scope` (the most recent
/// `HISTORY` of them, `past` oldest first): their median, so one odd run does not move it.
pub fn usual(past: &[Past<'_>], cluster_id: &str, kind: &str, scope: &str) -> Option<Usual> {
    let mut durations: Vec<u64> = past
        .iter()
        .rev()
        .filter(|p| p.cluster_id == cluster_id && p.kind == kind && p.scope == scope && p.duration_ms > 0)
        .take(HISTORY)
        .map(|p| p.duration_ms)
        .collect();
    if durations.len() < MIN_HISTORY {
        return None;
    }
    durations.sort_unstable();
    let mid = durations.len() / 2;
    let median =
        if durations.len().is_multiple_of(2) { (durations[mid - 1] + durations[mid]) / 2 } else { durations[mid] };
    Some(Usual { duration_ms: median, jobs: durations.len() })
}

/// Slower than usual: past the usual duration by half again and by at least two minutes (a
/// short job a minute late is not news; a long one an hour late is).
pub fn is_slower_than_usual(elapsed_ms: u64, usual: Usual) -> bool {
    elapsed_ms > usual.duration_ms + (usual.duration_ms / 2).max(120_000)
}

/// The progress rate in percent per ms over the recent readings: the median of the slopes
/// between every pair of them (Theil–Sen), so one late or jumpy reading does not swing it.
/// `None` with fewer than three readings at different times.
pub fn rate(samples: &[Sample]) -> Option<f64> {
    let recent = &samples[samples.len().saturating_sub(WINDOW)..];
    let mut slopes = Vec::new();
    for (i, a) in recent.iter().enumerate() {
        for b in &recent[i + 1..] {
            if b.at_ms > a.at_ms {
                slopes.push((b.percent - a.percent) / (b.at_ms - a.at_ms) as f64);
            }
        }
    }
    if recent.len() < 3 || slopes.is_empty() {
        return None;
    }
    slopes.sort_by(f64::total_cmp);
    let mid = slopes.len() / 2;
    Some(if slopes.len().is_multiple_of(2) { (slopes[mid - 1] + slopes[mid]) / 2.0 } else { slopes[mid] })
}

/// What to say about time left for a job that started at `started_ms`, with its progress
/// readings `samples` (oldest first) and the `usual` duration of jobs like it.
pub fn outlook(samples: &[Sample], started_ms: u64, now_ms: u64, usual: Option<Usual>) -> Outlook {
    let elapsed = now_ms.saturating_sub(started_ms);
    let slower_than_usual = usual.is_some_and(|u| is_slower_than_usual(elapsed, u));
    let estimate = estimate(samples, elapsed, now_ms, usual);
    Outlook { estimate, usual, slower_than_usual }
}

fn estimate(samples: &[Sample], elapsed: u64, now_ms: u64, usual: Option<Usual>) -> Result<Estimate, NoEstimate> {
    let moved = samples.windows(2).any(|w| w[1].percent > w[0].percent);
    if !moved {
        // Nothing from the job itself yet: what jobs like it took, if any finished here.
        let usual = usual.ok_or(NoEstimate::NoHistory)?;
        let left = usual.duration_ms.checked_sub(elapsed).filter(|&ms| ms > 0).ok_or(NoEstimate::PastUsual)?;
        return Ok(Estimate { remaining_ms: left, basis: Basis::Usual });
    }
    let last = samples.last().copied().ok_or(NoEstimate::NotMoving)?;
    // Stalled: no change in the last STALLED_MS of readings (the newest reading counts as now).
    let since = last.at_ms.max(now_ms).saturating_sub(STALLED_MS);
    let changed_lately = samples.windows(2).any(|w| w[1].at_ms > since && w[1].percent != w[0].percent);
    let still_since_last = now_ms.saturating_sub(last.at_ms) >= STALLED_MS;
    if !changed_lately || still_since_last {
        return Err(NoEstimate::NotMoving);
    }
    let per_ms = rate(samples).filter(|r| *r > 0.0).ok_or(NoEstimate::NotMoving)?;
    let at_last = (100.0 - last.percent.clamp(0.0, 100.0)) / per_ms;
    let left = (at_last - now_ms.saturating_sub(last.at_ms) as f64).max(0.0);
    Ok(Estimate { remaining_ms: left.round() as u64, basis: Basis::Progress })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000;
    const MIN: u64 = 60 * S;

    /// Readings every `step` ms from `t0` with the given percentages.
    fn series(t0: u64, step: u64, percents: &[f64]) -> Vec<Sample> {
        percents.iter().enumerate().map(|(i, &p)| Sample { at_ms: t0 + i as u64 * step, percent: p }).collect()
    }

    fn past<'a>(cluster_id: &'a str, kind: &'a str, scope: &'a str, minutes: u64) -> Past<'a> {
        Past { cluster_id, kind, scope, duration_ms: minutes * MIN }
    }

    #[test]
    fn a_steady_job_is_estimated_from_its_own_rate() {
        // 1 % every 10 s: 40 % at 400 s, so 600 s left.
        let samples = series(0, 10 * S, &(0..=40).map(f64::from).collect::<Vec<_>>());
        let o = outlook(&samples, 0, 400 * S, None);
        let e = o.estimate.unwrap();
        assert_eq!(e.basis, Basis::Progress);
        assert!((e.remaining_ms as i64 - 600_000).abs() < 1_000, "{e:?}");
        // Asked 5 s after the last reading: 5 s less.
        let later = outlook(&samples, 0, 405 * S, None).estimate.unwrap();
        assert!((later.remaining_ms as i64 - 595_000).abs() < 1_000, "{later:?}");
    }

    #[test]
    fn one_jumpy_reading_does_not_swing_the_rate() {
        // Steady 1 %/10 s, but one reading says 80 % (a glitch) before going back to the line.
        let mut p: Vec<f64> = (0..=20).map(f64::from).collect();
        p[17] = 80.0;
        let samples = series(0, 10 * S, &p);
        let e = outlook(&samples, 0, 200 * S, None).estimate.unwrap();
        // 20 % at 200 s: 800 s left on the line; the last two readings' slope alone would say
        // the job is going backwards.
        assert!((700_000..=900_000).contains(&e.remaining_ms), "{e:?}");
    }

    #[test]
    fn an_accelerating_job_is_estimated_from_its_recent_pace() {
        // Slow at first (1 % a minute for 10 min), then 1 % every 10 s.
        let mut samples = series(0, MIN, &(0..=10).map(f64::from).collect::<Vec<_>>());
        samples.extend(series(10 * MIN + 10 * S, 10 * S, &(11..=30).map(f64::from).collect::<Vec<_>>()));
        let now = samples.last().unwrap().at_ms;
        let e = outlook(&samples, 0, now, None).estimate.unwrap();
        // 70 % left at the new pace is 700 s; the whole run's average would say 35 min.
        assert!((600_000..=800_000).contains(&e.remaining_ms), "{e:?}");
    }

    #[test]
    fn a_stalled_job_gets_no_estimate() {
        // Moved to 40 %, then the same 40 % for 3 minutes of readings.
        let mut p: Vec<f64> = (0..=40).map(f64::from).collect();
        p.extend(std::iter::repeat_n(40.0, 18));
        let samples = series(0, 10 * S, &p);
        let now = samples.last().unwrap().at_ms;
        assert_eq!(outlook(&samples, 0, now, None).estimate, Err(NoEstimate::NotMoving));
        // No reading at all for two minutes is the same.
        let moving = series(0, 10 * S, &(0..=40).map(f64::from).collect::<Vec<_>>());
        assert_eq!(outlook(&moving, 0, 400 * S + STALLED_MS, None).estimate, Err(NoEstimate::NotMoving));
        // Going backwards is not progress either.
        let back = series(0, 10 * S, &[10.0, 20.0, 30.0, 25.0, 20.0, 15.0, 10.0, 5.0, 0.0]);
        assert_eq!(outlook(&back, 0, 80 * S, None).estimate, Err(NoEstimate::NotMoving));
    }

    #[test]
    fn before_it_moves_the_usual_duration_speaks_else_nothing() {
        let history = [
            past("in01-a", "backup", "cluster", 6),
            past("in01-a", "backup", "cluster", 5),
            past("in01-a", "backup", "cluster", 7),
        ];
        let usual = usual(&history, "in01-a", "backup", "cluster");
        assert_eq!(usual, Some(Usual { duration_ms: 6 * MIN, jobs: 3 }));
        let waiting = series(0, 10 * S, &[0.0, 0.0, 0.0]);
        let o = outlook(&waiting, 0, 2 * MIN, usual);
        assert_eq!(o.estimate, Ok(Estimate { remaining_ms: 4 * MIN, basis: Basis::Usual }));
        assert!(!o.slower_than_usual);
        // No history: nothing.
        assert_eq!(outlook(&waiting, 0, 2 * MIN, None).estimate, Err(NoEstimate::NoHistory));
        // Past the usual time with nothing to go on: nothing, and at 9 min (6 + 3) it is late.
        let late = outlook(&waiting, 0, 7 * MIN, usual);
        assert_eq!(late.estimate, Err(NoEstimate::PastUsual));
        assert!(!late.slower_than_usual);
        assert!(outlook(&waiting, 0, 9 * MIN + S, usual).slower_than_usual);
    }

    #[test]
    fn history_of_another_scope_kind_or_cluster_is_ignored() {
        let history = [
            past("in01-a", "backup", "collections", 1),
            past("in01-a", "backup", "collections", 1),
            past("in01-a", "restore", "cluster", 30),
            past("in01-a", "restore", "cluster", 30),
            past("in01-b", "backup", "cluster", 60),
            past("in01-b", "backup", "cluster", 60),
            past("in01-a", "backup", "cluster", 10),
        ];
        // One backup of the whole cluster is not a "usual".
        assert_eq!(usual(&history, "in01-a", "backup", "cluster"), None);
        assert_eq!(usual(&history, "in01-a", "backup", "collections"), Some(Usual { duration_ms: MIN, jobs: 2 }));
        assert_eq!(usual(&history, "in01-b", "backup", "cluster").map(|u| u.duration_ms), Some(60 * MIN));
    }

    #[test]
    fn the_usual_is_the_median_of_the_most_recent_jobs() {
        // Twelve jobs: the two oldest (very long) fall out; one odd recent run does not move it.
        let mut history = vec![past("c", "backup", "cluster", 100), past("c", "backup", "cluster", 100)];
        history.extend((0..9).map(|_| past("c", "backup", "cluster", 6)));
        history.push(past("c", "backup", "cluster", 40));
        assert_eq!(usual(&history, "c", "backup", "cluster"), Some(Usual { duration_ms: 6 * MIN, jobs: HISTORY }));
    }

    #[test]
    fn slower_than_usual_needs_half_again_and_two_minutes() {
        let short = Usual { duration_ms: 2 * MIN, jobs: 3 };
        assert!(!is_slower_than_usual(3 * MIN, short)); // 1.5x, but only a minute late
        assert!(is_slower_than_usual(4 * MIN + S, short));
        let long = Usual { duration_ms: 60 * MIN, jobs: 3 };
        assert!(!is_slower_than_usual(89 * MIN, long));
        assert!(is_slower_than_usual(91 * MIN, long));
        // A job with progress can be both estimated and late.
        let samples = series(0, 10 * S, &(0..=40).map(f64::from).collect::<Vec<_>>());
        let o = outlook(&samples, 0, 400 * S, Some(Usual { duration_ms: 3 * MIN, jobs: 2 }));
        assert_eq!(o.estimate.map(|e| e.basis), Ok(Basis::Progress));
        assert!(o.slower_than_usual);
    }

    #[test]
    fn too_few_readings_give_no_rate() {
        assert_eq!(rate(&[]), None);
        assert_eq!(rate(&series(0, S, &[1.0, 2.0])), None);
        assert_eq!(rate(&[Sample { at_ms: 5, percent: 1.0 }; 4]), None);
        assert!(rate(&series(0, S, &[1.0, 2.0, 3.0])).is_some_and(|r| (r - 0.001).abs() < 1e-12));
    }
}
