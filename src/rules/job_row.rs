//! What one row of the Jobs table says, computed once per answer (not once per cell and
//! render): the table shows these strings and nothing else. Local times are left as epoch ms
//! for the view, which formats them in the reader's locale.

use api_types::JobStatus;

use super::job_register::JobEntry;
use super::time::{format_duration_ms, job_duration_ms, parse_iso8601_utc_ms};

/// How a status reads at a glance (a badge's colour, `components::status_badge`; the text
/// carries the meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Busy,
    Warn,
    Bad,
    Muted,
}

pub fn tone(status: Option<&JobStatus>) -> Tone {
    match status {
        Some(JobStatus::Successful) => Tone::Ok,
        Some(JobStatus::InProgress | JobStatus::Pending) => Tone::Busy,
        Some(JobStatus::Failed) => Tone::Bad,
        Some(JobStatus::Canceling | JobStatus::Canceled) => Tone::Warn,
        Some(JobStatus::Unknown(_)) | None => Tone::Muted,
    }
}

/// A time as the API sent it: its instant when it is one, else the text (shown as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    None,
    At { ms: u64, iso: String },
    Text(String),
}

impl When {
    fn of(iso: &str) -> When {
        match parse_iso8601_utc_ms(iso) {
            Some(ms) => When::At { ms, iso: iso.to_owned() },
            None if iso.trim().is_empty() => When::None,
            None => When::Text(iso.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowText {
    pub id: String,
    pub kind: &'static str,
    /// The cluster's name, else its id.
    pub cluster: String,
    /// The backup the job makes or restores from: its name, else its id.
    pub backup: String,
    pub status: String,
    pub tone: Tone,
    /// The API's reason (a failure's cause), or why the job is no longer followed.
    pub reason: Option<String>,
    pub failed: bool,
    pub progress: Option<u8>,
    pub started: When,
    pub ended: When,
    /// End − start, or now − start while running; "—" when unknown.
    pub duration: String,
    /// Nothing more will change (terminal, or gone from the API): the row can be static.
    pub over: bool,
}

impl RowText {
    pub fn of(e: &JobEntry, now_ms: u64) -> RowText {
        let last = e.last.as_ref();
        let status = last.map(|j| &j.status);
        let gone = e.gone_ms.is_some() && !e.is_terminal();
        let or = |name: &str, id: &str| if name.is_empty() { id.to_owned() } else { name.to_owned() };
        RowText {
            id: e.job_id.clone(),
            kind: e.kind.label(),
            cluster: or(&e.cluster_name, &e.cluster_id),
            backup: or(&e.backup_name, &e.backup_id),
            status: if gone {
                "Not found".to_owned()
            } else {
                status.map_or("Waiting for first answer", |s| s.label()).to_owned()
            },
            tone: if gone { Tone::Muted } else { tone(status) },
            reason: if gone {
                Some("The API does not know this job: it is no longer followed.".to_owned())
            } else {
                last.map(|j| j.reason.clone()).filter(|r| !r.trim().is_empty())
            },
            failed: matches!(status, Some(JobStatus::Failed)),
            progress: last.and_then(|j| j.progress),
            started: last.map_or(When::None, |j| When::of(&j.start_time)),
            ended: last.map_or(When::None, |j| When::of(&j.end_time)),
            duration: RowText::duration(e, now_ms),
            over: e.is_over(),
        }
    }

    /// The Duration column alone: the one cell of a running row that moves with the clock.
    pub fn duration(e: &JobEntry, now_ms: u64) -> String {
        // A job no longer followed has no "now": its duration is unknown, not growing.
        let now = if e.is_over() && e.gone_ms.is_some() { None } else { Some(now_ms) };
        e.last
            .as_ref()
            .zip(now)
            .and_then(|(j, now)| job_duration_ms(&j.start_time, &j.end_time, now))
            .map_or_else(|| "—".to_owned(), format_duration_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::job;
    use crate::rules::job_register::JobKind;

    fn entry(status: Option<&str>) -> JobEntry {
        JobEntry {
            job_id: "job-1".into(),
            kind: JobKind::Backup,
            cluster_id: "in01-a".into(),
            backup_id: "backup-1".into(),
            backup_name: "nightly".into(),
            last: status.map(|s| {
                let mut j = job("job-1", s, Some(40));
                j.start_time = "2026-12-07T10:00:00Z".into();
                j
            }),
            ..JobEntry::default()
        }
    }

    const T10: u64 = 1_796_637_600_000; // 2026-12-07T10:00:00Z

    #[test]
    fn a_running_job() {
        let r = RowText::of(&entry(Some("IN_PROGRESS")), T10 + 65_000);
        assert_eq!(r.kind, "Backup");
        assert_eq!(r.cluster, "in01-a", "no name: the id");
        assert_eq!(r.backup, "nightly");
        assert_eq!((r.status.as_str(), r.tone, r.failed, r.over), ("In progress", Tone::Busy, false, false));
        assert_eq!(r.progress, Some(40));
        assert_eq!(r.started, When::At { ms: T10, iso: "2026-12-07T10:00:00Z".into() });
        assert_eq!(r.ended, When::None);
        assert_eq!(r.duration, "1 min 5 s");
        assert_eq!(r.reason, None);
    }

    #[test]
    fn a_failed_job_keeps_its_reason_and_is_static() {
        let mut e = entry(Some("FAILED"));
        if let Some(j) = e.last.as_mut() {
            j.end_time = "2026-12-07T10:03:00Z".into();
            j.reason = "disk full".into();
        }
        let r = RowText::of(&e, u64::MAX);
        assert_eq!((r.status.as_str(), r.tone, r.failed, r.over), ("Failed", Tone::Bad, true, true));
        assert_eq!(r.reason.as_deref(), Some("disk full"));
        assert_eq!(r.duration, "3 min", "end − start, not the clock");
    }

    #[test]
    fn before_the_first_answer() {
        let r = RowText::of(&entry(None), T10);
        assert_eq!((r.status.as_str(), r.tone, r.over), ("Waiting for first answer", Tone::Muted, false));
        assert_eq!((r.started, r.ended, r.duration.as_str()), (When::None, When::None, "—"));
    }

    #[test]
    fn a_job_the_api_no_longer_knows() {
        let mut e = entry(Some("IN_PROGRESS"));
        e.gone_ms = Some(T10 + 1_000);
        let r = RowText::of(&e, T10 + 999_000);
        assert_eq!((r.status.as_str(), r.tone, r.over), ("Not found", Tone::Muted, true));
        assert!(r.reason.as_deref().is_some_and(|s| s.contains("no longer followed")));
        assert_eq!(r.duration, "—", "not growing for ever");
    }

    #[test]
    fn times_that_are_not_times_are_shown_as_sent() {
        let mut e = entry(Some("SUCCESSFUL"));
        if let Some(j) = e.last.as_mut() {
            j.end_time = "yesterday".into();
        }
        assert_eq!(RowText::of(&e, T10).ended, When::Text("yesterday".into()));
        assert_eq!(tone(Some(&JobStatus::Canceled)), Tone::Warn);
        assert_eq!(tone(Some(&JobStatus::parse("NEW_THING"))), Tone::Muted);
    }
}
