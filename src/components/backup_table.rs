//! A table of backups (the Backups page, and each cluster's page): each name opens the backup's
//! details; a backup being made whose job the console follows links to that job.

use api_types::{Backup, BackupStatus, CreationMethod};
use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::local_time::LocalTime;
use crate::components::status_badge::{StatusBadge, Tone};
use crate::route::Route;
use crate::rules::format;
use crate::rules::job_register::JobKind;
use crate::state::jobs::Jobs;

pub fn backup_tone(s: &BackupStatus) -> Tone {
    match s {
        BackupStatus::Available => Tone::Ok,
        BackupStatus::Creating => Tone::Busy,
        BackupStatus::Deleting | BackupStatus::Cancelling | BackupStatus::Cancelled => Tone::Muted,
        BackupStatus::Failed => Tone::Bad,
        BackupStatus::Unknown(_) => Tone::Muted,
    }
}

/// The job this console follows that makes `backup_id` (a backup, or a policy's first backup).
pub fn creating_job(jobs: Jobs, backup_id: &str) -> Option<String> {
    jobs.register.with(|r| {
        r.entries()
            .iter()
            .find(|e| e.backup_id == backup_id && matches!(e.kind, JobKind::Backup | JobKind::PolicyBackup))
            .map(|e| e.job_id.clone())
    })
}

#[component]
pub fn BackupTable(
    backups: Vec<Backup>,
    /// The Cluster column (not on a cluster's own page).
    #[prop(default = true)]
    show_cluster: bool,
    /// Filters are set: an empty list says so.
    #[prop(optional)]
    filtered: bool,
) -> impl IntoView {
    if backups.is_empty() {
        let text = if filtered { "No backup matches these filters." } else { "No backups yet." };
        return view! { <p class="notice">{text}</p> }.into_any();
    }
    let jobs = Jobs::get();
    let mut columns = vec!["Name", "Cluster", "Type", "Created by", "Status", "Size", "Created", "Expires"];
    if !show_cluster {
        columns.remove(1);
    }
    view! {
        <DataTable label="Backups" columns>
            {backups
                .into_iter()
                .map(|b| {
                    let details = Route::Backup(b.cluster_id.clone(), b.backup_id.clone()).href();
                    let job = (b.status == BackupStatus::Creating).then(|| creating_job(jobs, &b.backup_id)).flatten();
                    let cluster_label = if b.cluster_name.is_empty() {
                        b.cluster_id.clone()
                    } else {
                        b.cluster_name.clone()
                    };
                    view! {
                        <tr role="row">
                            <th scope="row" role="rowheader">
                                <a href=details>{b.backup_name.clone()}</a>
                            </th>
                            {show_cluster
                                .then(|| {
                                    view! {
                                        <td role="cell" data-label="Cluster">
                                            <a href=Route::Cluster(b.cluster_id.clone()).href()>{cluster_label}</a>
                                        </td>
                                    }
                                })}
                            <td role="cell" data-label="Type">
                                {b.backup_type.label().to_owned()}
                            </td>
                            <td role="cell" data-label="Created by">
                                {b.creation_method.label().to_owned()}
                            </td>
                            <td role="cell" data-label="Status">
                                <StatusBadge label=b.status.label().to_owned() tone=backup_tone(&b.status) />
                                {job
                                    .map(|id| {
                                        view! {
                                            " "
                                            <a href=Route::Job(id).href() class="job-link">
                                                "View job"
                                            </a>
                                        }
                                    })}
                            </td>
                            <td role="cell" data-label="Size">
                                {b.size.map(format::bytes).unwrap_or_else(|| "—".into())}
                            </td>
                            <td role="cell" data-label="Created">
                                <LocalTime iso=b.create_time.clone() />
                            </td>
                            <td role="cell" data-label="Expires">
                                {expires(&b)}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}

/// A manual backup never expires (docs/api-contract.md §2): "Never", whatever the API sent. An
/// automatic one always does: its time, or "—" when the API did not say.
pub fn expires(b: &Backup) -> AnyView {
    if b.creation_method == CreationMethod::Manual {
        return view! { "Never" }.into_any();
    }
    view! { <LocalTime iso=b.expire_time.clone() /> }.into_any()
}
