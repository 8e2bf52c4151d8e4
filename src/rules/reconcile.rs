//! A Create Backup whose answer was lost may still have made a backup. Before the console
//! invites a second try it finds out: it looks for a manual backup of that cluster that was
//! not there before the request, then for that backup's job. Nothing the person asked for is
//! lost (the backup is followed) or doubled (no second request while one may be running).

use api_types::{ApiError, Backup, CreationMethod, ErrorKind, JobListItem};

use super::time::parse_iso8601_utc_ms;

/// How far the API's clock may be from the browser's.
pub const CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

/// Did the request perhaps reach the API and make a backup, though no answer says so? A
/// time-out, a lost connection, a 5xx or an unreadable answer after sending: yes. A refusal the
/// API explained (a rule, a role, the rate limit, a bad key): no, nothing was made.
pub fn outcome_unknown(e: &ApiError) -> bool {
    matches!(
        e.kind,
        ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Server | ErrorKind::NotJson | ErrorKind::BadShape
    )
}

/// Does this answer to Describe Backup say the backup does not exist (any more)? The API has no
/// documented "backup not found" code (docs/api-contract.md §2.3), so a not-found kind or a
/// rejection that says "not found" counts; a failure to ask (network, 5xx) does not.
pub fn says_gone(e: &ApiError) -> bool {
    e.kind == ErrorKind::NotFound
        || (e.kind == ErrorKind::Rejected && e.message.to_ascii_lowercase().contains("not found"))
}

/// What the console knew just before it sent the request.
#[derive(Debug, Clone, PartialEq)]
pub struct BeforeCreate {
    /// The cluster's backups as last listed (`None`: the list had not loaded).
    pub backup_ids: Option<Vec<String>>,
    /// When the request was sent (browser clock, ms since the epoch).
    pub sent_ms: u64,
}

impl BeforeCreate {
    fn is_new(&self, b: &Backup) -> bool {
        let unseen = self.backup_ids.as_ref().is_none_or(|ids| !ids.contains(&b.backup_id));
        // Unreadable times do not rule a backup out: the id is the stronger evidence.
        let recent = parse_iso8601_utc_ms(&b.create_time).is_none_or(|t| t + CLOCK_SKEW_MS >= self.sent_ms);
        unseen && recent
    }
}

/// The backup the lost request made, if any: a manual backup of the cluster that is new since
/// the request was sent (the newest, should there be several).
pub fn find_created<'a>(before: &BeforeCreate, cluster_id: &str, backups: &'a [Backup]) -> Option<&'a Backup> {
    find_new(before, cluster_id, backups, CreationMethod::Manual)
}

/// The first backup a policy just enabled started: an automatic backup of the cluster that is new
/// since the request was sent (the API's answer names neither it nor its job).
pub fn find_first_automatic<'a>(before: &BeforeCreate, cluster_id: &str, backups: &'a [Backup]) -> Option<&'a Backup> {
    find_new(before, cluster_id, backups, CreationMethod::Auto)
}

fn find_new<'a>(
    before: &BeforeCreate,
    cluster_id: &str,
    backups: &'a [Backup],
    method: CreationMethod,
) -> Option<&'a Backup> {
    backups
        .iter()
        .filter(|b| b.cluster_id == cluster_id || b.cluster_id.is_empty())
        .filter(|b| b.creation_method == method && before.is_new(b))
        .max_by_key(|b| parse_iso8601_utc_ms(&b.create_time).unwrap_or(0))
}

/// That backup's job among the cluster's jobs (List Jobs, which names no backup): the oldest
/// BACKUP job submitted since the request was sent, so an automatic backup started later is
/// not taken for it. `known` are jobs the console already follows.
pub fn find_job<'a>(
    before: &BeforeCreate,
    cluster_id: &str,
    jobs: &'a [JobListItem],
    known: &[String],
) -> Option<&'a str> {
    jobs.iter()
        .filter(|j| j.cluster_id.is_empty() || j.cluster_id == cluster_id)
        .filter(|j| j.job_type.eq_ignore_ascii_case("BACKUP") && !known.contains(&j.job_id))
        .filter_map(|j| parse_iso8601_utc_ms(&j.start_time).map(|t| (t, j)))
        .filter(|(t, _)| t + CLOCK_SKEW_MS >= before.sent_ms)
        .min_by_key(|(t, _)| *t)
        .map(|(_, j)| j.job_id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_types::BackupStatus;

    const SENT: u64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

    #[test]
    fn a_backup_is_gone_only_when_the_api_says_so() {
        let mut e = ApiError::new(ErrorKind::Rejected, "Backup backup1_x not found in cluster in01-a.");
        assert!(says_gone(&e));
        e.message = "Backup backup1_x is still being created.".into();
        assert!(!says_gone(&e));
        assert!(says_gone(&ApiError::new(ErrorKind::NotFound, "Cluster in01-a not found.")));
        assert!(!says_gone(&ApiError::network("not found")));
        assert!(!says_gone(&ApiError::new(ErrorKind::Server, "not found")));
    }

    /// `2026-05-28T20:26:40Z`, as the API writes times.
    fn iso(ms: u64) -> String {
        let utc = super::super::time::format_utc(ms);
        format!("{}T{}Z", &utc[..10], &utc[11..19])
    }

    fn backup(id: &str, method: CreationMethod, created_ms: u64) -> Backup {
        Backup {
            backup_id: id.into(),
            backup_name: format!("{id}-name"),
            cluster_id: "in01-a".into(),
            creation_method: method,
            status: BackupStatus::Creating,
            create_time: iso(created_ms),
            ..Backup::default()
        }
    }

    fn job(id: &str, kind: &str, started_ms: u64) -> JobListItem {
        JobListItem {
            job_id: id.into(),
            job_type: kind.into(),
            cluster_id: "in01-a".into(),
            start_time: iso(started_ms),
            ..JobListItem::default()
        }
    }

    #[test]
    fn which_errors_leave_the_outcome_unknown() {
        for kind in [ErrorKind::Timeout, ErrorKind::Network, ErrorKind::Server, ErrorKind::NotJson, ErrorKind::BadShape]
        {
            assert!(outcome_unknown(&ApiError::new(kind, "")), "{kind:?}");
        }
        for kind in [
            ErrorKind::Rejected,
            ErrorKind::Permission,
            ErrorKind::Unauthorized,
            ErrorKind::RateLimited,
            ErrorKind::NotFound,
            ErrorKind::Http,
            ErrorKind::Aborted,
        ] {
            assert!(!outcome_unknown(&ApiError::new(kind, "")), "{kind:?}");
        }
    }

    #[test]
    fn the_new_manual_backup_is_found() {
        let before = BeforeCreate { backup_ids: Some(vec!["old".into()]), sent_ms: SENT };
        let list = vec![
            backup("old", CreationMethod::Manual, SENT - 86_400_000),
            backup("auto", CreationMethod::Auto, SENT + 1_000),
            backup("mine", CreationMethod::Manual, SENT + 400),
        ];
        assert_eq!(find_created(&before, "in01-a", &list).map(|b| b.backup_id.as_str()), Some("mine"));
        // Nothing new: nothing was created.
        assert_eq!(find_created(&before, "in01-a", &list[..2]), None);
        // Another cluster's backup is not ours.
        assert_eq!(find_created(&before, "in01-b", &list), None);
        // A policy's first backup is the new automatic one.
        assert_eq!(find_first_automatic(&before, "in01-a", &list).map(|b| b.backup_id.as_str()), Some("auto"));
        assert_eq!(find_first_automatic(&before, "in01-a", &list[..1]), None);
    }

    #[test]
    fn without_the_earlier_list_the_time_decides() {
        let before = BeforeCreate { backup_ids: None, sent_ms: SENT };
        let old = backup("old", CreationMethod::Manual, SENT - CLOCK_SKEW_MS - 1);
        let skewed = backup("skewed", CreationMethod::Manual, SENT - CLOCK_SKEW_MS + 1);
        assert_eq!(find_created(&before, "in01-a", std::slice::from_ref(&old)), None);
        assert_eq!(find_created(&before, "in01-a", &[old, skewed]).map(|b| b.backup_id.as_str()), Some("skewed"));
    }

    #[test]
    fn its_job_is_the_first_backup_job_since_the_request() {
        let before = BeforeCreate { backup_ids: None, sent_ms: SENT };
        let jobs = vec![
            job("later-auto", "BACKUP", SENT + 60_000),
            job("restore", "RESTORE", SENT + 100),
            job("mine", "BACKUP", SENT + 200),
            job("yesterday", "BACKUP", SENT - 86_400_000),
        ];
        assert_eq!(find_job(&before, "in01-a", &jobs, &[]), Some("mine"));
        // A job the console already follows is not taken again.
        assert_eq!(find_job(&before, "in01-a", &jobs, &["mine".into()]), Some("later-auto"));
        assert_eq!(find_job(&before, "in01-b", &jobs, &[]), None);
        assert_eq!(find_job(&before, "in01-a", &jobs[3..], &[]), None);
    }
}
