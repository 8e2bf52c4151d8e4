//! The dialog itself: loads what the rules need, shows the checklist and the form, and sends
//! exactly one Create Backup request per intent.

use std::time::Duration;

use api_types::{ApiError, Backup, BackupStatus, Cluster, CreateBackupResponse, Tier};
use leptos::html;
use leptos::leptos_dom::helpers::set_interval_with_handle;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::checklist::Checklist;
use super::copies::Copies;
use super::cost_notice::CostNotice;
use super::scope::ScopePicker;
use crate::api::client::BackupFilter;
use crate::components::error_panel::ErrorPanel;
use crate::route::Route;
use crate::rules::backup_form::{BackupForm, CollectionInfo, Scope, copy_options};
use crate::rules::cost::{self, CostInput};
use crate::rules::eligibility::{EligibilityInput, evaluate};
use crate::rules::job_register::{JobEntry, JobKind};
use crate::rules::reconcile::{self, BeforeCreate};
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
    // A link followed from the dialog (a fix, "View job") leaves the dialog behind: close it
    // on any navigation, the fragment included (`#upgrade` on the cluster's own page).
    let location = use_location();
    Effect::new(move |previous: Option<(String, String)>| {
        let now = (location.pathname.get(), location.hash.get());
        if previous.is_some_and(|p| p != now) {
            target.0.set(None);
        }
        now
    });
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

    // What the estimate is computed from: the home region, the scope's size and the copies.
    let cost_basis = Memo::new(move |_| {
        let c = cluster_now.get();
        let f = form.get();
        let all = collections_now.get().and_then(Result::ok);
        let size = cost::scope_size(f.scope, c.storage_size, all.as_deref(), &f.selected);
        (c.region_id, size, f.copy_regions.iter().cloned().collect::<Vec<String>>())
    });
    let estimate = Signal::derive(move || {
        cost_basis.with(|(region, size, copies)| {
            cost::estimate(&CostInput { region_id: region, size_bytes: *size, copy_regions: copies })
        })
    });
    let transfers = Signal::derive(move || {
        cost_basis.with(|(region, size, copies)| {
            cost::transfer_lines(&CostInput { region_id: region, size_bytes: *size, copy_regions: copies })
        })
    });
    let assumed = Signal::derive(move || {
        cost_basis.with(|(region, size, copies)| {
            cost::assumed_prices(&CostInput { region_id: region, size_bytes: *size, copy_regions: copies })
        })
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

    // --- Submit: one click, one request; an answer that was lost is looked for, not retried ---
    let phase = RwSignal::new(Phase::Idle);
    let outcome = RwSignal::new(None::<Outcome>);
    let form_error = RwSignal::new(None::<String>);

    let close = move || {
        if let Some(d) = dialog_ref.try_get_untracked().flatten() {
            d.close();
        }
    };
    // The job is followed and announced even if the dialog was closed meanwhile: the backup
    // exists either way.
    let adopt = move |job_id: String, backup_id: String, backup_name: String, cluster: &Cluster, found: bool| {
        jobs.add(JobEntry {
            job_id: job_id.clone(),
            kind: JobKind::Backup,
            cluster_id: cluster.cluster_id.clone(),
            cluster_name: cluster.cluster_name.clone(),
            backup_id,
            backup_name: backup_name.clone(),
            added_ms: now_ms(),
            last: None,
            last_seen_ms: None,
        });
        let text = if found {
            format!("The answer to Create was lost, but backup {backup_name} was made and is being followed.")
        } else {
            format!("Backup {backup_name} is being created.")
        };
        toasts.push(text, Some(("View job".to_owned(), Route::Job(job_id).href())), ToastTone::Success);
        close();
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Guard before anything async: a double click dispatches once.
        if phase.get_untracked() != Phase::Idle || !eligibility.with_untracked(|e| e.can_create) {
            return;
        }
        let cluster = cluster_now.get_untracked();
        let req = match form.with_untracked(|f| f.payload_for(&cluster)) {
            Ok(req) => req,
            Err(msg) => return form_error.set(Some(msg)),
        };
        let before = BeforeCreate {
            backup_ids: backups_now.with_untracked(|b| {
                b.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.iter().map(|b| b.backup_id.clone()).collect())
            }),
            sent_ms: now_ms(),
        };
        let known: Vec<String> =
            jobs.register.with_untracked(|r| r.entries().iter().map(|e| e.job_id.clone()).collect());
        let (client, key, role_now) = (conn.client(), key_id.get_untracked(), role.get_untracked());
        phase.set(Phase::Sending);
        form_error.set(None);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = client.create_backup(&cluster.cluster_id, &req).await;
            roles.learn(key, role_now.learn(result.as_ref().map(|_| ())));
            match result {
                Ok(CreateBackupResponse { backup_id, backup_name, job_id }) => {
                    adopt(job_id, backup_id, backup_name, &cluster, false)
                }
                Err(error) if reconcile::outcome_unknown(&error) => {
                    phase.set(Phase::Checking);
                    match look_for_created(&client, &cluster.cluster_id, &before, &known).await {
                        Ok(Some((b, Some(job_id)))) => adopt(job_id, b.backup_id, b.backup_name, &cluster, true),
                        Ok(Some((b, None))) => {
                            outcome.set(Some(Outcome::FoundWithoutJob { backup_name: b.backup_name }));
                            backups.refetch();
                        }
                        Ok(None) => outcome.set(Some(Outcome::NotCreated(error))),
                        Err(_) => outcome.set(Some(Outcome::CouldNotCheck(error))),
                    }
                }
                // The role line of the checklist says it once, with its fix.
                Err(error) if error.is_permission() => outcome.set(Some(Outcome::RoleRefused)),
                Err(error) => outcome.set(Some(Outcome::Failed(error))),
            }
            phase.set(Phase::Idle);
        });
    };

    let busy = move || phase.get() != Phase::Idle;
    let form_ready = move || form.with(|f| f.payload().is_ok());
    // Why Create does nothing now, in a few words: the checklist above has the whole reason.
    let disabled_reason = move || {
        eligibility
            .with(|e| {
                e.lines
                    .iter()
                    .find(|l| l.state.blocks())
                    .map(|l| format!("Create is unavailable: see “{}” above.", l.label))
            })
            .or_else(|| form.with(|f| f.payload().err()))
    };
    let can_submit = move || eligibility.with(|e| e.can_create) && form_ready() && !busy();
    let dedicated = cluster.tier() == Tier::Dedicated;

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
                // Free and Serverless clusters cannot be backed up: nothing to choose or pay.
                {dedicated.then(|| view! {
                    <ScopePicker form databases=databases_now collections=collections_now retry=retry_dataplane/>
                    <Copies availability=copy_availability form/>
                    <CostNotice estimate transfers assumed scope_note/>
                })}
                </div>
                <footer class="modal-footer">
                    // Where the eye is when Create is pressed: the outcome, announced.
                    <div class="create-outcome">
                        {move || match outcome.get() {
                            None => ().into_any(),
                            Some(Outcome::Failed(error)) => view! { <ErrorPanel error/> }.into_any(),
                            Some(Outcome::RoleRefused) => view! {
                                <p class="outcome-line" role="alert">"The API refused: this key's role may not create backups (see the checklist)."</p>
                            }.into_any(),
                            Some(Outcome::NotCreated(error)) => view! {
                                <div class="error-panel" role="alert">
                                    <p class="error-title">{format!("No backup was made: {}", lower_first(&error.title()))}</p>
                                    <p class="error-action">"The console checked the cluster's backups and found none new. You can try again."</p>
                                </div>
                            }.into_any(),
                            Some(Outcome::CouldNotCheck(error)) => view! {
                                <div class="error-panel" role="alert">
                                    <p class="error-title">{format!("The answer was lost ({}), and the console could not check whether a backup was made.", lower_first(&error.title()).trim_end_matches('.'))}</p>
                                    <p class="error-action">"Look at the cluster's backups before you try again, so as not to make two."</p>
                                </div>
                            }.into_any(),
                            Some(Outcome::FoundWithoutJob { backup_name }) => view! {
                                <p class="outcome-line" role="alert">
                                    {format!("The answer to Create was lost, but backup {backup_name} was made. Its job could not be found, so it is not followed here; ")}
                                    <a href=Route::Backups.href()>"see Backups"</a>"."
                                </p>
                            }.into_any(),
                        }}
                        <p class="outcome-line" role="status">
                            {move || match phase.get() {
                                Phase::Checking => "Checking whether the backup was created…",
                                _ => "",
                            }}
                        </p>
                    </div>
                    {dedicated.then(|| view! { <p class="footer-estimate" aria-live="polite">{move || cost::summary(&estimate.get())}</p> })}
                    <p id="create-backup-reason" class="disabled-reason" aria-live="polite">
                        {move || if can_submit() || busy() { String::new() } else { form_error.get().or_else(disabled_reason).unwrap_or_default() }}
                    </p>
                    <div class="footer-buttons">
                        <button type="button" on:click=move |_| close()>"Cancel"</button>
                        // aria-disabled rather than disabled: focus stays on the button after a
                        // click, so what happens next is heard where the person is.
                        <button
                            type="submit"
                            class="primary"
                            aria-disabled=move || (!can_submit()).then_some("true")
                            aria-describedby="create-backup-reason"
                        >
                            {move || match phase.get() {
                                Phase::Sending => "Creating…",
                                Phase::Checking => "Checking…",
                                Phase::Idle => "Create",
                            }}
                        </button>
                    </div>
                </footer>
            </form>
        </dialog>
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Idle,
    Sending,
    /// The answer was lost: looking for what the request may have made.
    Checking,
}

/// What the last Create came to, when it did not end in a followed job.
#[derive(Clone, Debug)]
enum Outcome {
    /// The API answered with a refusal or an error: nothing was made.
    Failed(ApiError),
    RoleRefused,
    /// The answer was lost; the console looked and nothing was made.
    NotCreated(ApiError),
    /// The answer was lost and the backups could not be read either.
    CouldNotCheck(ApiError),
    /// A new backup was found, but not its job.
    FoundWithoutJob {
        backup_name: String,
    },
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

/// After a Create whose answer was lost: the backup it made (a new manual backup of the
/// cluster) and that backup's job, if List Jobs finds it. An error means "could not look".
async fn look_for_created(
    client: &crate::api::ApiClient,
    cluster_id: &str,
    before: &BeforeCreate,
    known: &[String],
) -> Result<Option<(Backup, Option<String>)>, ApiError> {
    let filter = BackupFilter { cluster_id: Some(cluster_id.to_owned()), ..Default::default() };
    let list = client.list_backups(&filter).await?.backups;
    let Some(made) = reconcile::find_created(before, cluster_id, &list).cloned() else { return Ok(None) };
    // List Jobs is not in the reference; without it the backup is still reported.
    let job = match client.list_jobs(cluster_id).await {
        Ok(page) => reconcile::find_job(before, cluster_id, &page.jobs, known).map(str::to_owned),
        Err(_) => None,
    };
    Ok(Some((made, job)))
}
