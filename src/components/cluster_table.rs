//! The clusters of one project as a table: name, id, tier, status, region.

use api_types::{Cluster, ClusterStatus, Tier};
use leptos::prelude::*;

use crate::components::data_table::DataTable;

use super::status_badge::{StatusBadge, Tone};
use crate::route::Route;

pub fn cluster_status_tone(s: &ClusterStatus) -> Tone {
    match s {
        ClusterStatus::Running => Tone::Ok,
        ClusterStatus::Creating
        | ClusterStatus::Initializing
        | ClusterStatus::Resuming
        | ClusterStatus::Modifying
        | ClusterStatus::Restoring => Tone::Busy,
        ClusterStatus::Stopping | ClusterStatus::Stopped => Tone::Warn,
        ClusterStatus::Deleting | ClusterStatus::Deleted => Tone::Bad,
        ClusterStatus::Unknown(_) => Tone::Muted,
    }
}

/// "Dedicated (Enterprise)", "Serverless", "Free".
pub fn tier_label(c: &Cluster) -> String {
    match c.tier() {
        Tier::Dedicated => format!("Dedicated ({})", c.plan.label()),
        t => t.label().to_owned(),
    }
}

#[component]
pub fn ClusterTable(
    clusters: Vec<Cluster>,
    /// Accessible name of the table (its caption).
    #[prop(into)]
    caption: String,
    /// When given, each row has a "Create Backup" button that calls it.
    #[prop(optional)]
    on_create: Option<Callback<Cluster>>,
) -> impl IntoView {
    let mut columns = vec!["Name", "Cluster ID", "Tier", "Status", "Region"];
    if on_create.is_some() {
        columns.push("Actions");
    }
    view! {
        <DataTable label=caption columns>
            {clusters
                .into_iter()
                .map(|c| {
                    let tone = cluster_status_tone(&c.status);
                    let href = Route::Cluster(c.cluster_id.clone()).href();
                    let action = on_create
                        .map(|cb| {
                            let name = c.cluster_name.clone();
                            let target = c.clone();
                            view! {
                                <td role="cell">
                                    <button type="button" class="small" on:click=move |_| cb.run(target.clone())>
                                        "Create Backup"
                                        <span class="visually-hidden">" for " {name}</span>
                                    </button>
                                </td>
                            }
                        });
                    view! {
                        <tr role="row">
                            <th scope="row" role="rowheader">
                                <a href=href>{c.cluster_name.clone()}</a>
                            </th>
                            <td role="cell" data-label="Cluster ID">
                                <code>{c.cluster_id.clone()}</code>
                            </td>
                            <td role="cell" data-label="Tier">
                                {tier_label(&c)}
                            </td>
                            <td role="cell" data-label="Status">
                                <StatusBadge label=c.status.label().to_owned() tone=tone />
                            </td>
                            <td role="cell" data-label="Region">
                                {c.region_id.clone()}
                            </td>
                            {action}
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}
