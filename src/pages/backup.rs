//! `/clusters/:id/backups/:backup`: one backup (Describe Backup), what keeping it costs, its
//! history in this console, and what can be done with it: restore a cluster or collections,
//! delete it, or make another like it. Each action's dialog is a chunk of its own.

use api_types::{ApiError, BackupDetail, Cluster};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::components::create_backup::CreateBackupTarget;
use crate::components::lazy_view::{LazyView, Loader};
use crate::components::local_time::LocalTime;
use crate::components::status_badge::StatusBadge;
use crate::components::{backup_table, delete_backup, error_panel::ErrorPanel, needs_key::NeedsKey};
use crate::components::{restore_cluster, restore_collections};
use crate::route::{self, Route};
use crate::rules::backup_actions::{delete_blocked, restore_cluster_blocked, restore_collections_blocked};
use crate::rules::backup_form::BackupForm;
use crate::rules::cost::{self, CostInput, Estimate};
use crate::rules::eligibility::RoleKnowledge;
use crate::rules::format;
use crate::rules::job_register::{JobEntry, JobKind};
use crate::rules::job_row;
use crate::state::Connection;
use crate::state::jobs::Jobs;
use crate::state::roles::Roles;

/// The dialog open on a backup's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RestoreCluster,
    RestoreCollections,
    Delete,
}

#[component]
pub fn BackupPage() -> impl IntoView {
    let conn = Connection::get();
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| (p.get(route::ID).unwrap_or_default(), p.get(route::BACKUP_ID).unwrap_or_default()))
    });
    let jobs = Jobs::get();
    let backup = conn.load(move |client| {
        // A job finishing (the backup made, a restore done) reads it again.
        jobs.finished.track();
        let (cluster, backup) = ids.get();
        async move { client.describe_backup(&cluster, &backup).await }
    });
    // The source cluster, for "Create backup like this" and the restore dialogs' defaults; the
    // page works without it.
    let cluster = conn.load(move |client| {
        let (cluster, _) = ids.get();
        async move { client.describe_cluster(&cluster).await }
    });
    // None while loading, Some(None) when it could not be read.
    let cluster_now = Signal::derive(move || cluster.get().flatten().map(Result::ok));
    // The dialog lives here, outside the details: reading the backup again (a job finished)
    // rebuilds the details but leaves an open dialog and what was typed in it alone.
    let open = RwSignal::new(None::<Action>);
    let on_closed = Callback::new(move |_| open.set(None));
    let navigate = use_navigate();
    let on_deleted = Callback::new(move |_| {
        let (cluster_id, _) = ids.get_untracked();
        navigate(&Route::Cluster(cluster_id).path(), Default::default())
    });
    let dialog = move || {
        let action = open.get()?;
        let d = backup.get_untracked().flatten().and_then(Result::ok)?;
        let c = cluster_now.get_untracked().flatten();
        Some(match action {
            Action::Delete => {
                let load = Loader::new(move || delete_backup::chunk(d.clone(), on_closed, on_deleted));
                view! { <LazyView load what="the Delete backup dialog" on_dismiss=on_closed /> }.into_any()
            }
            Action::RestoreCluster => {
                let load = Loader::new(move || restore_cluster::chunk(d.clone(), c.clone(), on_closed));
                view! { <LazyView load what="the Restore cluster dialog" on_dismiss=on_closed /> }.into_any()
            }
            Action::RestoreCollections => {
                let load = Loader::new(move || restore_collections::chunk(d.clone(), c.clone(), on_closed));
                view! { <LazyView load what="the Restore collections dialog" on_dismiss=on_closed /> }.into_any()
            }
        })
    };

    view! {
        <p class="breadcrumb">
            <a href=Route::Backups.href()>"Backups"</a>
            " / "
            <a href=move || {
                Route::Cluster(ids.get().0).href()
            }>{move || cluster_now.get().flatten().map(|c| c.cluster_name).unwrap_or_else(|| ids.get().0)}</a>
            " / "
            {move || ids.get().1}
        </p>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading the backup…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    let result: Option<Result<BackupDetail, ApiError>> = backup.await;
                    match result {
                        Some(Ok(detail)) => view! { <BackupDetails detail cluster=cluster_now open /> }.into_any(),
                        Some(Err(error)) => {
                            view! {
                                <h1>"Backup"</h1>
                                <ErrorPanel error retry=Callback::new(move |_| backup.refetch()) />
                            }
                                .into_any()
                        }
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </Show>
        {dialog}
    }
}

/// The details of one backup, as Describe Backup gave them (both documented collection shapes).
#[component]
pub fn BackupDetails(
    detail: BackupDetail,
    /// The source cluster: `None` while loading, `Some(None)` if it could not be read.
    #[prop(into)]
    cluster: Signal<Option<Option<Cluster>>>,
    /// Which action's dialog is open (the page renders it).
    #[prop(optional)]
    open: Option<RwSignal<Option<Action>>>,
) -> impl IntoView {
    let conn = Connection::get();
    let roles = Roles::get();
    let jobs = Jobs::get();
    let target = CreateBackupTarget::get();
    let role = Signal::derive(move || roles.of(conn.key.with(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0))));
    let open = open.unwrap_or_else(|| RwSignal::new(None));
    let detail_sv = StoredValue::new(detail.clone());
    let b = detail.backup.clone();

    let monthly =
        match cost::estimate(&CostInput { region_id: &detail.region_id, size_bytes: b.size, copy_regions: &[] }) {
            Estimate::Known { monthly_micro_usd, .. } => {
                format!("about {} a month", cost::format_usd(monthly_micro_usd))
            }
            _ => "not known for this region or size".to_owned(),
        };
    let databases = detail.databases();
    let grouped = !detail.db_collections.is_empty();

    let restore_cluster_reason =
        Signal::derive(move || detail_sv.with_value(|d| restore_cluster_blocked(d, role.get())));
    let restore_collections_reason =
        Signal::derive(move || detail_sv.with_value(|d| restore_collections_blocked(d, role.get())));
    let delete_reason = Signal::derive(move || detail_sv.with_value(|d| delete_blocked(d, role.get())));
    let create_like = move |_| {
        if let Some(Some(c)) = cluster.get_untracked() {
            let (like, _) = detail_sv.with_value(BackupForm::like);
            target.open_like(c, like);
        }
    };
    let like_reason = Signal::derive(move || {
        if role.get() == RoleKnowledge::Denied {
            Some(crate::rules::backup_actions::ROLE_REFUSED.to_owned())
        } else {
            match cluster.get() {
                None => Some("Reading the source cluster…".to_owned()),
                Some(None) => Some("The source cluster could not be read: reload the page to try again.".to_owned()),
                Some(Some(_)) => None,
            }
        }
    });

    let backup_id = b.backup_id.clone();
    let history = Memo::new(move |_| {
        jobs.register.with(|r| r.entries().iter().filter(|e| e.backup_id == backup_id).cloned().collect::<Vec<_>>())
    });

    view! {
        <div class="page-head">
            <h1>{b.backup_name.clone()}</h1>
        </div>
        <div class="actions" role="group" aria-label="Backup actions">
            <ActionButton
                label="Restore cluster"
                id="restore-cluster"
                reason=restore_cluster_reason
                on_press=Callback::new(move |_| open.set(Some(Action::RestoreCluster)))
            />
            <ActionButton
                label="Restore collections"
                id="restore-collections"
                reason=restore_collections_reason
                on_press=Callback::new(move |_| open.set(Some(Action::RestoreCollections)))
            />
            <ActionButton
                label="Create backup like this"
                id="create-like"
                reason=like_reason
                on_press=Callback::new(create_like)
            />
            <ActionButton
                label="Delete backup"
                id="delete-backup"
                reason=delete_reason
                danger=true
                on_press=Callback::new(move |_| open.set(Some(Action::Delete)))
            />
        </div>
        <dl class="facts">
            <div>
                <dt>"Backup ID"</dt>
                <dd>
                    <code>{b.backup_id.clone()}</code>
                </dd>
            </div>
            <div>
                <dt>"Cluster"</dt>
                <dd>
                    <a href=Route::Cluster(b.cluster_id.clone())
                        .href()>
                        {if b.cluster_name.is_empty() { b.cluster_id.clone() } else { b.cluster_name.clone() }}
                    </a>
                </dd>
            </div>
            <div>
                <dt>"Project"</dt>
                <dd>
                    <code>{b.project_id.clone()}</code>
                </dd>
            </div>
            <div>
                <dt>"Type"</dt>
                <dd>{b.backup_type.label().to_owned()}</dd>
            </div>
            <div>
                <dt>"Created by"</dt>
                <dd>{b.creation_method.label().to_owned()}</dd>
            </div>
            <div>
                <dt>"Status"</dt>
                <dd>
                    <StatusBadge label=b.status.label().to_owned() tone=backup_table::backup_tone(&b.status) />
                </dd>
            </div>
            <div>
                <dt>"Region"</dt>
                <dd>{if detail.region_id.is_empty() { "—".to_owned() } else { detail.region_id.clone() }}</dd>
            </div>
            <div>
                <dt>"Size"</dt>
                <dd>{b.size.map(format::bytes).unwrap_or_else(|| "—".into())}</dd>
            </div>
            <div>
                <dt>"Storage cost"</dt>
                <dd>{monthly}</dd>
            </div>
            <div>
                <dt>"Created"</dt>
                <dd>
                    <LocalTime iso=b.create_time.clone() />
                </dd>
            </div>
            <div>
                <dt>"Expires"</dt>
                <dd>{backup_table::expires(&b)}</dd>
            </div>
        </dl>
        <section class="card" aria-labelledby="backup-collections">
            <h2 id="backup-collections">"Collections"</h2>
            <CollectionsView databases grouped />
        </section>
        <section class="card" aria-labelledby="backup-history">
            <h2 id="backup-history">"History"</h2>
            {move || view! { <History entries=history.get() /> }}
        </section>
    }
}

/// An action's button and, when it cannot be used, why: visible beside it and its description.
#[component]
fn ActionButton(
    label: &'static str,
    id: &'static str,
    reason: Signal<Option<String>>,
    #[prop(optional)] danger: bool,
    on_press: Callback<()>,
) -> impl IntoView {
    let reason_id = format!("{id}-reason");
    view! {
        <div class="action">
            // aria-disabled, not disabled: a keyboard user can still reach it and hear why.
            <button
                type="button"
                class=if danger { "danger" } else { "" }
                aria-disabled=move || reason.with(Option::is_some).then_some("true")
                aria-describedby=reason_id.clone()
                on:click=move |_| {
                    if reason.with_untracked(Option::is_none) {
                        on_press.run(())
                    }
                }
            >
                {label}
            </button>
            <span id=reason_id class="disabled-reason">
                {move || reason.get()}
            </span>
        </div>
    }
}

#[component]
fn CollectionsView(databases: Vec<api_types::BackupDb>, grouped: bool) -> impl IntoView {
    if databases.iter().all(|d| d.collections.is_empty()) {
        return view! { <p class="notice">"This backup lists no collections."</p> }.into_any();
    }
    let note = (!grouped).then(|| {
        view! { <p class="muted">"The API listed the collections without their database: they are shown in \"default\"."</p> }
    });
    view! {
        {note}
        {databases
            .into_iter()
            .filter(|d| !d.collections.is_empty())
            .map(|db| {
                let label = format!("Collections of database {}", db.db_name);
                view! {
                    <h3>{format!("Database {}", db.db_name)}</h3>
                    <crate::components::data_table::DataTable
                        label
                        columns=vec!["Collection", "Description", "Load status"]
                    >
                        {db
                            .collections
                            .into_iter()
                            .map(|c| {
                                let status = load_status(&c.status);
                                view! {
                                    <tr role="row">
                                        <th scope="row" role="rowheader">
                                            {c.collection_name}
                                        </th>
                                        <td role="cell" data-label="Description">
                                            {if c.description.is_empty() { "—".to_owned() } else { c.description }}
                                        </td>
                                        <td role="cell" data-label="Load status">
                                            {status}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </crate::components::data_table::DataTable>
                }
            })
            .collect_view()}
    }
    .into_any()
}

/// "Loaded", "Not loaded", or the API's own text.
fn load_status(s: &str) -> String {
    match s.to_ascii_uppercase().as_str() {
        "LOADED" => "Loaded".into(),
        "UNLOADED" | "NOT_LOADED" | "RELEASED" => "Not loaded".into(),
        "" => "—".into(),
        _ => s.to_owned(),
    }
}

/// The job that made this backup and every restore this console started from it.
#[component]
fn History(entries: Vec<JobEntry>) -> impl IntoView {
    let made = entries.iter().any(|e| matches!(e.kind, JobKind::Backup | JobKind::PolicyBackup));
    let items = entries
        .into_iter()
        .map(|e| {
            let what = match e.kind {
                JobKind::Backup => "Made by a backup job".to_owned(),
                JobKind::PolicyBackup => "Made by the automatic backup policy's first job".to_owned(),
                JobKind::Restore => {
                    let into = if e.cluster_name.is_empty() { e.cluster_id.clone() } else { e.cluster_name.clone() };
                    format!("Restored into {into}")
                }
                JobKind::Opened => "A job followed by link".to_owned(),
            };
            let status = e.status().cloned();
            let label = status.as_ref().map(|s| s.label().to_owned()).unwrap_or_else(|| "Not checked yet".into());
            let tone = job_row::tone(status.as_ref());
            view! {
                <li>
                    {what} " · " <a href=Route::Job(e.job_id.clone()).href()>{e.job_id.clone()}</a> " "
                    <StatusBadge label tone />
                </li>
            }
        })
        .collect_view();
    view! {
        {(!made)
            .then(|| {
                view! {
                    <p class="muted">
                        "The job that made this backup is not known to this console: it was made elsewhere, or \
                        before this browser followed it."
                    </p>
                }
            })}
        <ul class="history">{items}</ul>
    }
}

// The page as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    backup,
    pub fn chunk() {
        view! { <BackupPage /> }.into_any()
    }
);
