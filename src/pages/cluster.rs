//! `/clusters/:id`: one cluster, its "Create Backup" button, its automatic backup policy (a
//! Dedicated cluster) and its backups.

use api_types::{Cluster, Tier};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::backup_policy::BackupPolicySection;
use crate::components::cluster_table::{cluster_status_tone, tier_label};
use crate::components::create_backup::CreateBackupTarget;
use crate::components::status_badge::StatusBadge;
use crate::components::{backup_list::BackupList, error_panel::ErrorPanel, needs_key::NeedsKey};
use crate::route::{self, Route};
use crate::rules::eligibility::{MIGRATE_DOCS_URL, UPGRADE_DOCS_URL};
use crate::rules::format;
use crate::state::Connection;

#[component]
pub fn ClusterPage() -> impl IntoView {
    let conn = Connection::get();
    let params = use_params_map();
    let id = move || params.with(|p| p.get(route::ID).unwrap_or_default());

    let cluster = conn.load(move |client| {
        let id = id();
        async move { client.describe_cluster(&id).await }
    });
    view! {
        <p class="breadcrumb">
            <a href=Route::Clusters.href()>"Clusters"</a>
            " / "
            {id}
        </p>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading the cluster…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match cluster.await {
                        Some(Ok(c)) => view! { <ClusterSummary cluster=c /> }.into_any(),
                        Some(Err(error)) => {
                            view! {
                                <h1>"Cluster"</h1>
                                <ErrorPanel error retry=Callback::new(move |_| cluster.refetch()) />
                            }
                                .into_any()
                        }
                        None => ().into_any(),
                    }
                })}
            </Transition>
            <section class="card" aria-labelledby="cluster-backups">
                <h2 id="cluster-backups">"Backups"</h2>
                {move || view! { <BackupList fixed_cluster=id() /> }}
            </section>
        </Show>
    }
}

#[component]
fn ClusterSummary(cluster: Cluster) -> impl IntoView {
    let target = CreateBackupTarget::get();
    let for_dialog = cluster.clone();
    let tone = cluster_status_tone(&cluster.status);
    view! {
        <div class="page-head">
            <h1>{cluster.cluster_name.clone()}</h1>
            <button
                type="button"
                class="primary"
                on:click=move |_| target.open(for_dialog.clone())
                on:pointerenter=move |_| target.prefetch()
                on:focus=move |_| target.prefetch()
            >
                "Create Backup"
            </button>
        </div>
        <dl class="facts">
            <div>
                <dt>"Cluster ID"</dt>
                <dd>
                    <code>{cluster.cluster_id.clone()}</code>
                </dd>
            </div>
            <div>
                <dt>"Tier"</dt>
                <dd>{tier_label(&cluster)}</dd>
            </div>
            <div>
                <dt>"Status"</dt>
                <dd>
                    <StatusBadge label=cluster.status.label().to_owned() tone />
                </dd>
            </div>
            <div>
                <dt>"Region"</dt>
                <dd>{cluster.region_id.clone()}</dd>
            </div>
            <div>
                <dt>"CU"</dt>
                <dd>{cu_text(&cluster)}</dd>
            </div>
            <div>
                <dt>"Storage"</dt>
                <dd>{cluster.storage_size.map(format::bytes).unwrap_or_else(|| "—".into())}</dd>
            </div>
        </dl>
        {(cluster.tier() != Tier::Dedicated).then(|| view! { <UpgradeNotes tier=cluster.tier() /> })}
        {(cluster.tier() == Tier::Dedicated).then(|| view! { <BackupPolicySection cluster=cluster.clone() /> })}
    }
}

/// "2 × Performance-optimized"; a dash when the API gives no size (Free, Serverless).
fn cu_text(c: &Cluster) -> String {
    match (c.cu_size.filter(|n| *n > 0), c.cu_type.is_empty()) {
        (Some(n), false) => format!("{n} × {}", c.cu_type),
        (Some(n), true) => n.to_string(),
        (None, _) => "—".into(),
    }
}

/// Where the Create Backup dialog's "Upgrade" fix lands (`#upgrade`): why this cluster has no
/// backups and the documented ways to a Dedicated cluster. Focused when arrived at, so a
/// keyboard or screen-reader user is where the link promised.
#[component]
fn UpgradeNotes(tier: Tier) -> impl IntoView {
    let section = NodeRef::<leptos::html::Section>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if location.hash.get().trim_start_matches('#') == route::UPGRADE_SECTION
            && let Some(el) = section.get()
        {
            // On the next frame: inside a Transition the section is built before it is in the
            // document, and a detached element cannot take focus.
            crate::browser::next_frame(move || {
                el.scroll_into_view();
                let _ = el.focus();
            });
        }
    });
    let (what, how) = match tier {
        Tier::Free => (
            "Free clusters cannot be backed up.",
            "Upgrade it to a Dedicated cluster (the Free cluster keeps running while the new one is made), or move the \
            data to a Dedicated cluster you have.",
        ),
        _ => (
            "Serverless clusters cannot be backed up.",
            "Migrate the data to a Dedicated cluster to create backups of it.",
        ),
    };
    view! {
        <section
            id=route::UPGRADE_SECTION
            class="card notes"
            tabindex="-1"
            node_ref=section
            aria-labelledby="upgrade-heading"
        >
            <h2 id="upgrade-heading">"Backups need a Dedicated cluster"</h2>
            <p>{what} " " {how}</p>
            <ul>
                {(tier == Tier::Free)
                    .then(|| {
                        view! {
                            <li>
                                <a href=UPGRADE_DOCS_URL target="_blank" rel="noopener">
                                    "How to upgrade a Free cluster"
                                </a>
                            </li>
                        }
                    })} <li>
                    <a href=MIGRATE_DOCS_URL target="_blank" rel="noopener">
                        "How to migrate between clusters"
                    </a>
                </li>
            </ul>
        </section>
    }
}

// The page as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    cluster,
    pub fn chunk() {
        view! { <ClusterPage /> }.into_any()
    }
);
