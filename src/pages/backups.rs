//! `/backups`: every backup the key can see (List Backups).

use api_types::{ApiError, Backup, BackupPage, BackupStatus};
use leptos::prelude::*;

use crate::components::data_table::DataTable;

use crate::api::client::BackupFilter;
use crate::components::{
    error_panel::ErrorPanel,
    needs_key::NeedsKey,
    status_badge::{StatusBadge, Tone},
};
use crate::rules::format;
use crate::state::Connection;
use crate::state::jobs::Jobs;

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
pub fn BackupsPage() -> impl IntoView {
    let conn = Connection::get();
    let jobs = Jobs::get();
    let data = LocalResource::new(move || {
        // A backup or restore job finishing refreshes the list once.
        jobs.finished.track();
        let ready = conn.ready();
        let client = conn.client();
        async move {
            if !ready {
                return None;
            }
            Some(client.list_backups(&BackupFilter::default()).await)
        }
    });
    view! {
        <h1>"Backups"</h1>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading backups…"</p> }>
                {move || Suspend::new(async move {
                    let result: Option<Result<BackupPage, ApiError>> = data.await;
                    match result {
                        Some(Ok(page)) => view! { <BackupTable backups=page.backups/> }.into_any(),
                        Some(Err(error)) => view! { <ErrorPanel error retry=Callback::new(move |_| data.refetch())/> }.into_any(),
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

#[component]
pub fn BackupTable(backups: Vec<Backup>) -> impl IntoView {
    if backups.is_empty() {
        return view! { <p class="notice">"No backups yet."</p> }.into_any();
    }
    view! {
        <DataTable label="Backups" columns=vec!["Name", "Cluster", "Type", "Created by", "Status", "Size", "Created", "Expires"]>
            {backups.into_iter().map(|b| view! {
                <tr role="row">
                    <th scope="row" role="rowheader">{b.backup_name.clone()}</th>
                    <td role="cell" data-label="Cluster">{b.cluster_name.clone()}</td>
                    <td role="cell" data-label="Type">{b.backup_type.label().to_owned()}</td>
                    <td role="cell" data-label="Created by">{b.creation_method.label().to_owned()}</td>
                    <td role="cell" data-label="Status"><StatusBadge label=b.status.label().to_owned() tone=backup_tone(&b.status)/></td>
                    <td role="cell" data-label="Size">{b.size.map(format::bytes).unwrap_or_else(|| "—".into())}</td>
                    <td role="cell" data-label="Created"><time datetime=b.create_time.clone()>{b.create_time.clone()}</time></td>
                    <td role="cell" data-label="Expires">{if b.expire_time.is_empty() { "Never".to_owned() } else { b.expire_time.clone() }}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }.into_any()
}
