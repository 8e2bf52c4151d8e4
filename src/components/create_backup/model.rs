//! The Create Backup dialog's model: what it loads (the cluster, its backups, the data plane's
//! databases and collections), what it derives (the checklist, the estimate), and its one
//! action, Create, with the check after a lost answer. The view (`dialog.rs`) only shows it.

use std::time::Duration;

use api_types::{ApiError, Backup, BackupStatus, Cluster, CreateBackupResponse};
use leptos::prelude::*;

use crate::api::ApiClient;
use crate::api::client::BackupFilter;
use crate::browser::{Ticker, now_ms};
use crate::route::Route;
use crate::rules::backup_form::{BackupForm, CollectionInfo, Scope};
use crate::rules::cost::{self, CostInput, Estimate, OneOffLine};
use crate::rules::eligibility::{Eligibility, EligibilityInput, evaluate};
use crate::rules::reconcile::{self, BeforeCreate};
use crate::state::Connection;
use crate::state::jobs::Jobs;
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

/// How often the dialog re-reads the cluster's backups while one of them blocks "Create".
const FOLLOW_MS: u64 = 2_000;

type Loaded<T> = Option<Result<T, ApiError>>;

#[derive(Clone, Copy)]
pub struct CreateBackupModel {
    pub cluster_now: Signal<Cluster>,
    pub backups_now: Signal<Loaded<Vec<Backup>>>,
    backups: LocalResource<Result<Vec<Backup>, ApiError>>,
    pub form: RwSignal<BackupForm>,
    pub eligibility: Memo<Eligibility>,
    pub databases_now: Signal<Loaded<Vec<String>>>,
    pub collections_now: Signal<Loaded<Vec<CollectionInfo>>>,
    databases: LocalResource<Loaded<Vec<String>>>,
    collections: LocalResource<Loaded<Vec<CollectionInfo>>>,
    pub estimate: Signal<Estimate>,
    pub transfers: Signal<Vec<OneOffLine>>,
    pub assumed: Signal<Vec<String>>,
    pub scope_note: Signal<Option<String>>,
    pub phase: RwSignal<Phase>,
    pub outcome: RwSignal<Option<Outcome>>,
    pub form_error: RwSignal<Option<String>>,
    key_id: Signal<u64>,
    // The app's contexts, taken once while the dialog is built: the async part of Create runs
    // outside any reactive owner, where contexts cannot be looked up.
    conn: Connection,
    jobs: Jobs,
    roles: Roles,
    toasts: Toasts,
    /// Called once a backup is being made and followed: the view closes itself.
    on_made: Callback<()>,
}

impl CreateBackupModel {
    pub fn new(cluster: &Cluster, initial: BackupForm, on_made: Callback<()>) -> Self {
        let conn = Connection::get();
        let jobs = Jobs::get();
        let roles = Roles::get();
        let toasts = Toasts::get();

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

        let form = RwSignal::new(initial);
        let key_id = Signal::derive(move || conn.key.with(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0)));
        let role = Signal::derive(move || roles.of(key_id.get()));

        let eligibility = Memo::new(move |_| {
            let c = cluster_now.get();
            let loaded = backups_now.get();
            let list: Option<Vec<Backup>> = loaded.as_ref().and_then(|r| r.as_ref().ok().cloned());
            let register = jobs.register.get();
            let active =
                register.active_manual_backup(&c.cluster_id).map(|e| (e.job_id.clone(), e.backup_name.clone()));
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
        // Kept in the dialog's arena: it stops when the dialog goes away.
        StoredValue::new_local(Ticker::every(Duration::from_millis(FOLLOW_MS), move || {
            if blocked_by_backup() {
                backups.refetch();
            }
        }));

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

        CreateBackupModel {
            cluster_now,
            backups_now,
            backups,
            form,
            eligibility,
            databases_now,
            collections_now,
            databases,
            collections,
            estimate,
            transfers,
            assumed,
            scope_note,
            phase: RwSignal::new(Phase::Idle),
            outcome: RwSignal::new(None),
            form_error: RwSignal::new(None),
            key_id,
            conn,
            jobs,
            roles,
            toasts,
            on_made,
        }
    }

    /// Loads the data plane's lists again (their error panels' "Try again").
    pub fn retry_data_plane(self) {
        self.databases.refetch();
        self.collections.refetch();
    }

    /// A request is on its way, or the console is checking what a lost one did.
    pub fn busy(self) -> bool {
        self.phase.get() != Phase::Idle
    }

    pub fn can_submit(self) -> bool {
        self.eligibility.with(|e| e.can_create) && self.form.with(|f| f.payload().is_ok()) && !self.busy()
    }

    /// Why Create does nothing now, in a few words: the checklist has the whole reason.
    pub fn disabled_reason(self) -> Option<String> {
        self.eligibility
            .with(|e| {
                e.lines
                    .iter()
                    .find(|l| l.state.blocks())
                    .map(|l| format!("Create is unavailable: see “{}” above.", l.label))
            })
            .or_else(|| self.form.with(|f| f.payload().err()))
    }

    /// Create: one click, one request. An answer that was lost is looked for, never retried.
    pub fn submit(self) {
        // Guard before anything async: a double click dispatches once.
        if self.phase.get_untracked() != Phase::Idle || !self.eligibility.with_untracked(|e| e.can_create) {
            return;
        }
        let cluster = self.cluster_now.get_untracked();
        let req = match self.form.with_untracked(|f| f.payload_for(&cluster)) {
            Ok(req) => req,
            Err(msg) => return self.form_error.set(Some(msg)),
        };
        let (conn, jobs, roles) = (self.conn, self.jobs, self.roles);
        let before = BeforeCreate {
            backup_ids: self.backups_now.with_untracked(|b| {
                b.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.iter().map(|b| b.backup_id.clone()).collect())
            }),
            sent_ms: now_ms(),
        };
        let known: Vec<String> =
            jobs.register.with_untracked(|r| r.entries().iter().map(|e| e.job_id.clone()).collect());
        let key = self.key_id.get_untracked();
        let (client, role_now) = (conn.client(), roles.of(key));
        self.phase.set(Phase::Sending);
        self.form_error.set(None);
        self.outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = client.create_backup(&cluster.cluster_id, &req).await;
            roles.learn(key, role_now.learn(result.as_ref().map(|_| ())));
            match result {
                Ok(CreateBackupResponse { backup_id, backup_name, job_id }) => {
                    self.adopt(&cluster, job_id, backup_id, backup_name, false)
                }
                Err(error) if reconcile::outcome_unknown(&error) => {
                    self.phase.set(Phase::Checking);
                    match look_for_created(&client, &cluster.cluster_id, &before, &known).await {
                        Ok(Some((b, Some(job_id)))) => self.adopt(&cluster, job_id, b.backup_id, b.backup_name, true),
                        Ok(Some((b, None))) => {
                            self.outcome.set(Some(Outcome::FoundWithoutJob { backup_name: b.backup_name }));
                            self.backups.refetch();
                        }
                        Ok(None) => self.outcome.set(Some(Outcome::NotCreated(error))),
                        Err(_) => self.outcome.set(Some(Outcome::CouldNotCheck(error))),
                    }
                }
                // The role line of the checklist says it once, with its fix.
                Err(error) if error.is_permission() => self.outcome.set(Some(Outcome::RoleRefused)),
                Err(error) => self.outcome.set(Some(Outcome::Failed(error))),
            }
            self.phase.set(Phase::Idle);
        });
    }

    /// Follows and announces the job even if the dialog was closed meanwhile: the backup exists
    /// either way.
    fn adopt(self, cluster: &Cluster, job_id: String, backup_id: String, backup_name: String, found: bool) {
        self.jobs.track_backup(cluster, job_id.clone(), backup_id, backup_name.clone());
        let text = if found {
            format!("The answer to Create was lost, but backup {backup_name} was made and is being followed.")
        } else {
            format!("Backup {backup_name} is being created.")
        };
        self.toasts.push(text, Some(("View job".to_owned(), Route::Job(job_id).href())), ToastTone::Success);
        self.on_made.run(());
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Idle,
    Sending,
    /// The answer was lost: looking for what the request may have made.
    Checking,
}

/// What the last Create came to, when it did not end in a followed job.
#[derive(Clone, Debug)]
pub enum Outcome {
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

/// After a Create whose answer was lost: the backup it made (a new manual backup of the
/// cluster) and that backup's job, if List Jobs finds it. An error means "could not look".
async fn look_for_created(
    client: &ApiClient,
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
