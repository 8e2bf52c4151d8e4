//! The "Restore cluster" dialog: a new Dedicated cluster from a cluster backup. The person
//! chooses the project, name, CU size, load state and Milvus version, sees a preflight summary
//! (what will be made, what a restore does not bring back, what its storage costs), and sends one
//! request. The answer's db_admin password is shown once, with Copy, and kept nowhere else.

use api_types::{ApiError, BackupDetail, Cluster, Plan, Project, RestoreClusterRequest, RestoreClusterResponse};
use leptos::html;
use leptos::prelude::*;

use crate::browser::{self, now_ms};
use crate::components::choice::{BoolChoice, id_options};
use crate::components::error_panel::{ErrorPanel, LostAnswer};
use crate::components::modal::{Modal, close};
use crate::route::Route;
use crate::rules::backup_actions::{NOT_RESTORED, cu_size_problem, original_version_allowed, restored_name};
use crate::rules::cost::{self, CostInput, Estimate};
use crate::rules::format;
use crate::rules::job_register::{JobEntry, JobKind};
use crate::rules::names::{CLUSTER_NAME_RULE, check_cluster_name};
use crate::rules::reconcile;
use crate::state::Connection;
use crate::state::jobs::Jobs;
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Sending,
    /// The answer was lost: looking for the cluster it may have made.
    Checking,
    /// Refused, or lost and nothing was made: the form may be sent again.
    Failed(ApiError),
    /// Lost, and whether a cluster was made is not known: not sent again from here.
    Unknown(ApiError),
    /// Lost, but the cluster was made (its password was in the lost answer).
    MadeUnseen(String),
    /// Made: the answer, password included, lives only here until the dialog closes.
    Done(RestoreClusterResponse),
}

impl Phase {
    /// Whether Restore may be pressed now.
    fn may_send(&self) -> bool {
        matches!(self, Phase::Idle | Phase::Failed(_))
    }

    fn busy(&self) -> bool {
        matches!(self, Phase::Sending | Phase::Checking)
    }
}

#[component]
pub fn RestoreClusterDialog(
    detail: BackupDetail,
    /// The source cluster (its CU size is the default), when known.
    cluster: Option<Cluster>,
    on_closed: Callback<()>,
) -> impl IntoView {
    let conn = Connection::get();
    let roles = Roles::get();
    let jobs = Jobs::get();
    let toasts = Toasts::get();
    let dialog = NodeRef::<html::Dialog>::new();
    let b = detail.backup.clone();

    let projects = conn.load(move |client| async move { client.list_projects().await });
    let project = RwSignal::new(b.project_id.clone());
    let source_name = cluster.as_ref().map(|c| c.cluster_name.clone()).unwrap_or_else(|| b.cluster_name.clone());
    let name = RwSignal::new(restored_name(&source_name));
    let cu = RwSignal::new(cluster.as_ref().and_then(|c| c.cu_size).filter(|n| *n > 0).unwrap_or(1).to_string());
    let keep = RwSignal::new(true);
    let original_ok = original_version_allowed(&b.create_time, now_ms());
    let original = RwSignal::new(false);
    let phase = RwSignal::new(Phase::Idle);

    let plan_of = move |id: &str| -> Option<Plan> {
        projects.get().flatten().and_then(Result::ok)?.into_iter().find(|p| p.project_id == id).and_then(|p| p.plan)
    };
    let name_error = Signal::derive(move || name.with(|n| check_cluster_name(n.trim()).err().map(|e| e.to_string())));
    let cu_error = Signal::derive(move || cu_size_problem(&cu.get(), project.with(|p| plan_of(p)).as_ref()));
    let valid = move || name_error.with(Option::is_none) && cu_error.with(Option::is_none);

    // The preflight: what will be made, and its storage cost (texts kept in the arena, read by
    // the form each time it is shown).
    let dbs = detail.databases();
    let collection_count: usize = dbs.iter().map(|d| d.collections.len()).sum();
    let collections_text = match collection_count {
        0 => "every collection of the backup".to_owned(),
        n => format!(
            "{} in {}",
            format::count(n, "collection", "collections"),
            format::count(dbs.iter().filter(|d| !d.collections.is_empty()).count(), "database", "databases")
        ),
    };
    let size_text = b.size.map(format::bytes).unwrap_or_else(|| "an unknown size".into());
    let monthly =
        match cost::estimate(&CostInput { region_id: &detail.region_id, size_bytes: b.size, copy_regions: &[] }) {
            Estimate::Known { monthly_micro_usd, .. } => Some(cost::format_usd(monthly_micro_usd)),
            _ => None,
        };
    let texts = StoredValue::new((detail.region_id.clone(), collections_text, size_text, monthly));
    let made_text = move || {
        texts.with_value(|(region, collections, size, _)| {
            format!(
                "A new Dedicated cluster {} in {region} with {} CU, from {collections} ({size}).",
                name.get().trim(),
                cu.get().trim()
            )
        })
    };
    let cost_text = move || {
        let cu = cu.get();
        texts.with_value(|(_, _, size, monthly)| match monthly {
            Some(m) => format!(
                "Storage for {size}: about {m} a month at the storage list price the backup estimates use; its {} CU \
                 are billed by the hour on top. Your invoice is authoritative.",
                cu.trim()
            ),
            None => format!(
                "Storage for {size}; its price in this region is not known. Its {} CU are billed by the hour.",
                cu.trim()
            ),
        })
    };
    let backup_sv = StoredValue::new((b.cluster_id.clone(), b.backup_id.clone(), b.backup_name.clone()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !phase.with_untracked(Phase::may_send) || !valid() {
            return;
        }
        let Ok(cu_size) = cu.get_untracked().trim().parse::<u64>() else { return };
        let req = RestoreClusterRequest {
            project_id: project.get_untracked(),
            cluster_name: name.get_untracked().trim().to_owned(),
            cu_size,
            collection_status: if keep.get_untracked() { "KEEP" } else { "RELEASE" }.to_owned(),
            restore_version_policy: Some(
                if original.get_untracked() && original_ok { "ORIGINAL" } else { "LATEST" }.to_owned(),
            ),
        };
        phase.set(Phase::Sending);
        let client = conn.client();
        let key = conn.key.with_untracked(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0));
        let (cluster_id, backup_id, backup_name) = backup_sv.get_value();
        leptos::task::spawn_local(async move {
            let result = client.restore_cluster(&cluster_id, &backup_id, &req).await;
            roles.learn_from(key, &result);
            match result {
                Ok(answer) => {
                    jobs.add(JobEntry {
                        job_id: answer.job_id.clone(),
                        kind: JobKind::Restore,
                        cluster_id: answer.cluster_id.clone(),
                        cluster_name: req.cluster_name.clone(),
                        backup_id,
                        backup_name,
                        added_ms: now_ms(),
                        ..Default::default()
                    });
                    toasts.push(
                        format!("Cluster {} is being restored.", req.cluster_name),
                        Some(("View job".to_owned(), Route::Job(answer.job_id.clone()).href())),
                        ToastTone::Success,
                    );
                    let _ = phase.try_set(Phase::Done(answer));
                }
                // The request may have made the cluster: look for it before inviting a second try.
                Err(e) if reconcile::outcome_unknown(&e) => {
                    let _ = phase.try_set(Phase::Checking);
                    let found = client.list_clusters().await.map(|all| {
                        all.into_iter()
                            .find(|c| c.project_id == req.project_id && c.cluster_name == req.cluster_name)
                            .map(|c| c.cluster_id)
                    });
                    let _ = phase.try_set(match found {
                        Ok(Some(id)) => Phase::MadeUnseen(id),
                        Ok(None) => Phase::Failed(e),
                        Err(_) => Phase::Unknown(e),
                    });
                }
                Err(e) => {
                    let _ = phase.try_set(Phase::Failed(e));
                }
            }
        });
    };

    let form = move || {
        view! {
            <div class="modal-scroll">
                <label for="restore-project">"Target project"</label>
                <select id="restore-project" on:change:target=move |ev| project.set(ev.target().value())>
                    {move || {
                        let list: Vec<Project> = projects.get().flatten().and_then(Result::ok).unwrap_or_default();
                        id_options(
                            list.into_iter().map(|p| (p.project_id, p.project_name)).collect(),
                            Some(project.get()),
                        )
                    }}
                </select>
                <label for="restore-name">"New cluster name"</label>
                <input
                    id="restore-name"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="restore-name-rule restore-name-error"
                    aria-invalid=move || name_error.with(Option::is_some).then_some("true")
                    prop:value=move || name.get()
                    on:input:target=move |ev| name.set(ev.target().value())
                />
                <p id="restore-name-rule" class="muted">
                    {CLUSTER_NAME_RULE}
                </p>
                <p id="restore-name-error" class="field-error">
                    {move || name_error.get()}
                </p>
                <label for="restore-cu">"CU size"</label>
                <input
                    id="restore-cu"
                    type="number"
                    min="1"
                    max="256"
                    inputmode="numeric"
                    aria-describedby="restore-cu-error"
                    aria-invalid=move || cu_error.with(Option::is_some).then_some("true")
                    prop:value=move || cu.get()
                    on:input:target=move |ev| cu.set(ev.target().value())
                />
                <p id="restore-cu-error" class="field-error">
                    {move || cu_error.get()}
                </p>
                <BoolChoice
                    legend="Collections after the restore"
                    name="restore-load"
                    value=keep
                    yes="Keep each collection's load state"
                    no="Release every collection (load them later)"
                />
                <fieldset>
                    <legend>"Milvus version"</legend>
                    <label class="radio">
                        <input
                            type="radio"
                            name="restore-version"
                            prop:checked=move || !original.get()
                            on:change=move |_| original.set(false)
                        />
                        "Latest"
                    </label>
                    {if original_ok {
                        view! {
                            <label class="radio">
                                <input
                                    type="radio"
                                    name="restore-version"
                                    prop:checked=move || original.get()
                                    on:change=move |_| original.set(true)
                                />
                                "Original (the backup's own version)"
                            </label>
                        }
                            .into_any()
                    } else {
                        view! {
                            <p class="muted">
                                "The backup's own version is offered only for backups less than 30 days old: the new \
                                cluster runs the latest version."
                            </p>
                        }
                            .into_any()
                    }}
                </fieldset>
                <section class="preflight" aria-labelledby="restore-preflight">
                    <h3 id="restore-preflight">"Before you restore"</h3>
                    <ul>
                        <li>{made_text}</li>
                        <li>{cost_text}</li>
                        <li>{NOT_RESTORED}</li>
                        <li>"A new db_admin password is made and shown here once."</li>
                    </ul>
                </section>
            </div>
        }
    };

    view! {
        <Modal
            dialog
            labelled_by="restore-cluster-title"
            on_closed
            busy=Signal::derive(move || phase.with(Phase::busy))
        >
            <form class="modal-body" on:submit=submit novalidate>
                <header class="modal-header">
                    <h2 id="restore-cluster-title">"Restore cluster"</h2>
                    <p class="muted">{format!("From backup {} of {}", b.backup_name, b.cluster_name)}</p>
                </header>
                // The form stays mounted while it is sent (focus stays on Restore); only the
                // answer replaces it.
                <Show
                    when=move || !phase.with(|p| matches!(p, Phase::Done(_)))
                    fallback=move || {
                        phase
                            .with(|p| match p {
                                Phase::Done(answer) => Some(view! { <Password answer=answer.clone() /> }),
                                _ => None,
                            })
                    }
                >
                    {form()}
                </Show>
                <footer class="modal-footer">
                    <div class="create-outcome">
                        {move || match phase.get() {
                            Phase::Failed(error) => view! { <ErrorPanel error /> }.into_any(),
                            Phase::Unknown(error) => {
                                view! {
                                    <LostAnswer
                                        error
                                        unchecked="the cluster was made"
                                        look="Look for it on the Clusters page"
                                    />
                                }
                                    .into_any()
                            }
                            Phase::MadeUnseen(id) => {
                                view! {
                                    <p class="outcome-line" role="alert">
                                        {format!(
                                            "The answer was lost, but the cluster was made ({id}). Its db_admin password \
                                            was in that answer: reset it in the Zilliz console. ",
                                        )}
                                        <a href=Route::Cluster(id.clone()).href()>"Open the new cluster"</a>
                                    </p>
                                }
                                    .into_any()
                            }
                            _ => ().into_any(),
                        }} <p class="outcome-line" role="status">
                            {move || match phase.get() {
                                Phase::Sending => "Starting the restore…",
                                Phase::Checking => "The answer was lost; checking whether the cluster was made…",
                                _ => "",
                            }}
                        </p>
                    </div>
                    <div class="footer-buttons">
                        <Show
                            when=move || phase.with(Phase::may_send) || phase.with(Phase::busy)
                            fallback=move || {
                                view! {
                                    <button type="button" class="primary" on:click=move |_| close(dialog)>
                                        "Close"
                                    </button>
                                }
                            }
                        >
                            // Nothing closes the dialog while a request is out: its answer
                            // (the password) must be seen.
                            <button
                                type="button"
                                aria-disabled=move || phase.with(Phase::busy).then_some("true")
                                on:click=move |_| {
                                    if !phase.with_untracked(Phase::busy) {
                                        close(dialog)
                                    }
                                }
                            >
                                "Cancel"
                            </button>
                            <button
                                type="submit"
                                class="primary"
                                aria-disabled=move || phase.with(Phase::busy).then_some("true")
                            >
                                {move || if phase.with(Phase::busy) { "Restoring…" } else { "Restore" }}
                            </button>
                        </Show>
                    </div>
                </footer>
            </form>
        </Modal>
    }
}

/// The new cluster's credentials, shown once.
#[component]
fn Password(answer: RestoreClusterResponse) -> impl IntoView {
    let copied = RwSignal::new(false);
    let password = StoredValue::new(answer.password.clone());
    view! {
        <div class="modal-scroll">
            <div class="password-once" role="alert">
                <p>
                    <strong>"Save this password now: it will not be shown again."</strong>
                    " The console does not keep it; if it is lost, reset it in the Zilliz console."
                </p>
            </div>
            <dl class="facts">
                <div>
                    <dt>"New cluster"</dt>
                    <dd>
                        <code>{answer.cluster_id.clone()}</code>
                    </dd>
                </div>
                <div>
                    <dt>"User"</dt>
                    <dd>
                        <code>{answer.username.clone()}</code>
                    </dd>
                </div>
                <div>
                    <dt>"Password"</dt>
                    <dd>
                        <code class="secret">{answer.password.clone()}</code>
                    </dd>
                </div>
            </dl>
            <p class="buttons">
                <button
                    type="button"
                    on:click=move |_| {
                        password.with_value(|p| browser::copy_text(p));
                        copied.set(true);
                    }
                >
                    "Copy password"
                </button>
                <span role="status">{move || copied.get().then_some("Copied.")}</span>
                <a href=Route::Job(answer.job_id.clone()).href()>"View the restore job"</a>
            </p>
        </div>
    }
}

// The dialog as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    restore_cluster,
    pub fn chunk(detail: BackupDetail, cluster: Option<Cluster>, on_closed: Callback<()>) {
        view! { <RestoreClusterDialog detail cluster on_closed /> }.into_any()
    }
);
