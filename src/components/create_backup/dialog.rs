//! The dialog itself: loads what the rules need, shows the checklist and the form, and sends
//! exactly one Create Backup request per intent.

use std::time::Duration;

use api_types::{ApiError, Backup, BackupStatus, Cluster, CreateBackupRequest, CreateBackupResponse};
use leptos::html;
use leptos::leptos_dom::helpers::set_interval_with_handle;
use leptos::prelude::*;

use super::checklist::Checklist;
use super::copies::Copies;
use super::cost_notice::CostNotice;
use super::scope::ScopePicker;
use crate::api::client::BackupFilter;
use crate::components::error_panel::ErrorPanel;
use crate::rules::backup_form::{BackupForm, CollectionInfo, Scope, copy_options};
use crate::rules::cost::{self, CostInput};
use crate::rules::eligibility::{EligibilityInput, evaluate};
use crate::rules::job_register::{JobEntry, JobKind};
use crate::state::Connection;
use crate::state::jobs::{Jobs, now_ms};
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

/// Which cluster the dialog is open for (`None`: closed). Provided by `App`.
#[derive(Clone, Copy)]
pub struct CreateBackupTarget(pub RwSignal<Option<Cluster>>);

impl CreateBackupTarget {
    pub fn provide() -> Self {
        let t = CreateBackupTarget(RwSignal::new(None));
        provide_context(t);
        t
    }

    pub fn get() -> Self {
        expect_context::<CreateBackupTarget>()
    }

    pub fn open(&self, cluster: Cluster) {
        self.0.set(Some(cluster));
    }
}

/// Placed once in the layout: renders the dialog while a target is set.
#[component]
pub fn CreateBackupHost() -> impl IntoView {
    let target = CreateBackupTarget::get();
    move || {
        target
            .0
            .get()
            .map(|cluster| view! { <CreateBackupDialog cluster on_closed=Callback::new(move |_| target.0.set(None))/> })
    }
}

/// How often the dialog re-reads the cluster's backups while one of them blocks "Create".
const FOLLOW_MS: u64 = 2_000;

#[component]
pub fn CreateBackupDialog(
    cluster: Cluster,
    /// Called after the dialog closed (Escape, Cancel, or success).
    on_closed: Callback<()>,
) -> impl IntoView {
    let conn = Connection::get();
    let jobs = Jobs::get();
    let roles = Roles::get();
    let toasts = Toasts::get();
    let dialog_ref = NodeRef::<html::Dialog>::new();

    let cluster_id = cluster.cluster_id.clone();
    let cluster_sv = StoredValue::new(cluster.clone());
    // The freshest view of the cluster (status, storage size), falling back to what we have.
    let fresh = LocalResource::new({
        let id = cluster_id.clone();
        move || {
            let client = conn.client();
            let id = id.clone();
            async move { client.describe_cluster(&id).await.ok() }
        }
    });
    let cluster_now = Signal::derive(move || fresh.get().flatten().unwrap_or_else(|| cluster_sv.get_value()));

    // This cluster's backups decide the one-at-a-time rules; they refetch when a job finishes.
    let backups = LocalResource::new({
        let id = cluster_id.clone();
        move || {
            jobs.finished.track();
            let client = conn.client();
            let filter = BackupFilter { cluster_id: Some(id.clone()), ..Default::default() };
            async move { client.list_backups(&filter).await.map(|p| p.backups) }
        }
    });
    let backups_now = Signal::derive(move || backups.get());

    let form = RwSignal::new(BackupForm::new());
    let key_id = Signal::derive(move || conn.key.with(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0)));
    let role = Signal::derive(move || roles.of(key_id.get()));

    let eligibility = Memo::new(move |_| {
        let c = cluster_now.get();
        let loaded = backups_now.get();
        let list: Option<Vec<Backup>> = loaded.as_ref().and_then(|r| r.as_ref().ok().cloned());
        let register = jobs.register.get();
        let active = register.active_manual_backup(&c.cluster_id).map(|e| (e.job_id.clone(), e.backup_name.clone()));
        evaluate(&EligibilityInput {
            cluster: &c,
            role: role.get(),
            backups: list.as_deref(),
            backups_error: matches!(loaded, Some(Err(_))),
            register_active_manual: active.as_ref().map(|(j, b)| (j.as_str(), b.as_str())),
        })
    });

    // Follow a blocking backup live: re-read the list while one is being made.
    let blocked_by_backup = move || {
        backups_now.with(|b| matches!(b, Some(Ok(list)) if list.iter().any(|b| b.status == BackupStatus::Creating)))
    };
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if blocked_by_backup() {
                backups.refetch();
            }
        },
        Duration::from_millis(FOLLOW_MS),
    ) {
        on_cleanup(move || handle.clear());
    }

    // Data plane: databases, then the chosen database's collections. The sources are memos, so
    // a change elsewhere in the form (a checkbox) does not refetch them.
    let want_databases = Memo::new(move |_| form.with(|f| f.scope == Scope::Collection));
    let chosen_db =
        Memo::new(move |_| form.with(|f| (f.scope == Scope::Collection).then(|| f.database.clone()).flatten()));
    let data_plane = Memo::new(move |_| {
        let c = cluster_now.get();
        (c.cluster_id, c.connect_address)
    });
    let data_plane_url = move |client: &crate::api::ApiClient| {
        let (cluster_id, connect_address) = data_plane.get();
        client.data_plane_url(&Cluster { cluster_id, connect_address, ..Default::default() })
    };
    let databases = LocalResource::new(move || {
        let want = want_databases.get();
        let client = conn.client();
        let url = data_plane_url(&client);
        async move {
            if !want {
                return None;
            }
            Some(client.list_databases(&url).await)
        }
    });
    let collections = LocalResource::new(move || {
        let db = chosen_db.get();
        let client = conn.client();
        let url = data_plane_url(&client);
        async move {
            let db = db?;
            Some(client.list_collections(&url, &db).await.map(|names| {
                names.into_iter().map(|name| CollectionInfo { name, size_bytes: None }).collect::<Vec<_>>()
            }))
        }
    });
    let databases_now = Signal::derive(move || databases.get().flatten());
    let collections_now = Signal::derive(move || collections.get().flatten());
    // A reloaded collection list may have lost collections: drop them from the choice.
    Effect::new(move |_| {
        if let Some(Ok(all)) = collections_now.get() {
            form.update(|f| {
                f.retain_existing(&all);
            });
        }
    });

    let estimate = Signal::derive(move || {
        let c = cluster_now.get();
        let f = form.get();
        let all = collections_now.get().and_then(Result::ok);
        let size = cost::scope_size(f.scope, c.storage_size, all.as_deref(), &f.selected);
        let copies: Vec<String> = f.copy_regions.iter().cloned().collect();
        cost::estimate(&CostInput { region_id: &c.region_id, size_bytes: size, copy_regions: &copies })
    });
    let scope_note = Signal::derive(move || {
        let c = cluster_now.get();
        form.with(|f| match (f.scope, c.storage_size) {
            (Scope::Collection, Some(total)) => Some(format!(
                "Collection sizes are not reported by the API; the whole cluster ({}) is the upper bound.",
                cost::format_gb(total)
            )),
            _ => None,
        })
    });

    // --- Submit: one click, one request ---
    let create = Action::new_local(move |req: &CreateBackupRequest| {
        let client = conn.client();
        let id = cluster_sv.with_value(|c| c.cluster_id.clone());
        let req = req.clone();
        async move { client.create_backup(&id, &req).await }
    });
    let in_flight = StoredValue::new(false);
    let form_error = RwSignal::new(None::<String>);
    let api_error = RwSignal::new(None::<ApiError>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Guard before anything async: a double click dispatches once.
        if in_flight.get_value() || !eligibility.with_untracked(|e| e.can_create) {
            return;
        }
        let payload = form.with_untracked(|f| f.payload_for(&cluster_now.get_untracked()));
        match payload {
            Ok(req) => {
                in_flight.set_value(true);
                form_error.set(None);
                api_error.set(None);
                create.dispatch(req);
            }
            Err(msg) => form_error.set(Some(msg)),
        }
    };

    let close = move || {
        if let Some(d) = dialog_ref.get_untracked() {
            d.close();
        }
    };

    Effect::new(move |_| {
        let Some(result) = create.value().get() else { return };
        in_flight.set_value(false);
        let outcome: Result<(), &ApiError> = result.as_ref().map(|_| ());
        roles.learn(key_id.get_untracked(), role.get_untracked().learn(outcome));
        match result {
            Ok(CreateBackupResponse { backup_id, backup_name, job_id }) => {
                let c = cluster_now.get_untracked();
                jobs.add(JobEntry {
                    job_id: job_id.clone(),
                    kind: JobKind::Backup,
                    cluster_id: c.cluster_id.clone(),
                    cluster_name: c.cluster_name.clone(),
                    backup_id,
                    backup_name: backup_name.clone(),
                    added_ms: now_ms(),
                    last: None,
                    last_seen_ms: None,
                });
                toasts.push(
                    format!("Backup {backup_name} is being created."),
                    Some(("View job".to_owned(), format!("/jobs/{job_id}"))),
                    ToastTone::Success,
                );
                close();
            }
            Err(e) => api_error.set(Some(e)),
        }
    });

    let pending = create.pending();
    let form_ready = move || form.with(|f| f.payload().is_ok());
    let disabled_reason =
        move || eligibility.with(|e| e.blocking_reason.clone()).or_else(|| form.with(|f| f.payload().err()));
    let can_submit = move || eligibility.with(|e| e.can_create) && form_ready() && !pending.get();

    // Open as a modal once mounted: focus moves in, the page behind becomes inert.
    Effect::new(move |_| {
        if let Some(d) = dialog_ref.get()
            && !d.open()
        {
            let _ = d.show_modal();
        }
    });

    let copy_availability = copy_options(&cluster);
    let retry_dataplane = Callback::new(move |_| {
        databases.refetch();
        collections.refetch();
    });

    view! {
        <dialog node_ref=dialog_ref class="modal create-backup" aria-labelledby="create-backup-title" on:close=move |_| on_closed.run(())>
            <form class="modal-body" on:submit=submit novalidate>
                <header class="modal-header">
                    <h2 id="create-backup-title">"Create Backup"</h2>
                    <p class="muted">
                        {cluster.cluster_name.clone()} " · " <code>{cluster.cluster_id.clone()}</code> " · " {cluster.region_id.clone()}
                    </p>
                </header>
                <div class="modal-scroll">
                <Checklist lines=Signal::derive(move || eligibility.with(|e| e.lines.clone()))/>
                {move || backups_now.with(|b| matches!(b, Some(Err(_)))).then(|| view! {
                    <p class="muted">"The cluster's backups could not be loaded; the API still enforces the rules when you create."</p>
                })}

                <ScopePicker form databases=databases_now collections=collections_now retry=retry_dataplane/>
                <Copies availability=copy_availability form/>
                <CostNotice estimate scope_note/>

                {move || api_error.get().map(|error| view! { <ErrorPanel error/> })}
                <p id="create-backup-reason" class="disabled-reason" aria-live="polite">
                    {move || if can_submit() { String::new() } else { form_error.get().or_else(disabled_reason).unwrap_or_default() }}
                </p>
                </div>
                <footer class="modal-footer">
                    <button type="button" on:click=move |_| close()>"Cancel"</button>
                    <button
                        type="submit"
                        class="primary"
                        disabled=move || !can_submit()
                        aria-describedby="create-backup-reason"
                    >
                        {move || if pending.get() { "Creating…" } else { "Create" }}
                    </button>
                </footer>
            </form>
        </dialog>
    }
}
