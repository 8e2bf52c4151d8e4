//! Plain-Rust rules (no web-sys, no Leptos): decisions the views only render.
pub mod backoff;
pub mod backup_actions;
pub mod backup_form;
pub mod backup_query;
pub mod cost;
pub mod eligibility;
pub mod eta;
pub mod format;
pub mod job_register;
pub mod job_row;
pub mod names;
pub mod policy;
pub mod poll_share;
pub mod polling;
pub mod rate_limit;
pub mod reconcile;
pub mod regions;
pub mod store;
pub mod time;

/// Fixtures the rules' tests share.
#[cfg(test)]
pub(crate) mod fixtures {
    use api_types::{Job, JobStatus};

    /// A backup job as Describe Job answers it.
    pub fn job(id: &str, status: &str, progress: Option<u8>) -> Job {
        Job {
            job_id: id.into(),
            job_type: "BACKUP".into(),
            status: JobStatus::parse(status),
            progress,
            ..Job::default()
        }
    }
}
