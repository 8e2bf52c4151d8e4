//! A table of backups (the Backups page, and each cluster's page).

use api_types::{Backup, BackupStatus};
use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::status_badge::{StatusBadge, Tone};
use crate::rules::format;

fn backup_tone(s: &BackupStatus) -> Tone {
    match s {
        BackupStatus::Available => Tone::Ok,
        BackupStatus::Creating => Tone::Busy,
        BackupStatus::Deleting | BackupStatus::Cancelling | BackupStatus::Cancelled => Tone::Muted,
        BackupStatus::Failed => Tone::Bad,
        BackupStatus::Unknown(_) => Tone::Muted,
    }
}

#[component]
pub fn BackupTable(backups: Vec<Backup>) -> impl IntoView {
    if backups.is_empty() {
        return view! { <p class="notice">"No backups yet."</p> }.into_any();
    }
    view! {
        <DataTable
            label="Backups"
            columns=vec!["Name", "Cluster", "Type", "Created by", "Status", "Size", "Created", "Expires"]
        >
            {backups
                .into_iter()
                .map(|b| {
                    view! {
                        <tr role="row">
                            <th scope="row" role="rowheader">
                                {b.backup_name.clone()}
                            </th>
                            <td role="cell" data-label="Cluster">
                                {b.cluster_name.clone()}
                            </td>
                            <td role="cell" data-label="Type">
                                {b.backup_type.label().to_owned()}
                            </td>
                            <td role="cell" data-label="Created by">
                                {b.creation_method.label().to_owned()}
                            </td>
                            <td role="cell" data-label="Status">
                                <StatusBadge label=b.status.label().to_owned() tone=backup_tone(&b.status) />
                            </td>
                            <td role="cell" data-label="Size">
                                {b.size.map(format::bytes).unwrap_or_else(|| "—".into())}
                            </td>
                            <td role="cell" data-label="Created">
                                <time datetime=b.create_time.clone()>{b.create_time.clone()}</time>
                            </td>
                            <td role="cell" data-label="Expires">
                                {if b.expire_time.is_empty() { "Never".to_owned() } else { b.expire_time.clone() }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}
