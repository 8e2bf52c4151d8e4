//! The "Restore collections" dialog: collections of a backup into an existing cluster
//! (Dedicated, running, same region). The API restores one collection per request, so several
//! are sent one after another, in order, each outcome shown on its row; a row that was sent is
//! never sent again, and "Restore" after a failure sends only what has not been sent.

use api_types::{ApiError, BackupDetail, Cluster};
use leptos::html;
use leptos::prelude::*;

use crate::browser::now_ms;
use crate::components::choice::BoolChoice;
use crate::components::error_panel::ErrorPanel;
use crate::components::modal::{Modal, close};
use crate::route::Route;
use crate::rules::backup_actions::{CollectionRestore, duplicate_target, restore_targets};
use crate::rules::format::{self, lower_first};
use crate::rules::job_register::{JobEntry, JobKind};
use crate::rules::names::{COLLECTION_NAME_RULE, check_collection_name, default_restore_name};
use crate::rules::reconcile;
use crate::state::Connection;
use crate::state::jobs::Jobs;
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

/// One row: the collection, whether it is chosen, its new name, and what happened to it.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    db_name: String,
    collection_name: String,
    chosen: bool,
    dest_name: String,
    outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    NotSent,
    Sending,
    Started(String),
    /// Refused: may be sent again.
    Failed(ApiError),
    /// The answer was lost: the restore may have started, so it is not sent again from here.
    Unknown(ApiError),
}

impl Outcome {
    /// Sent, or perhaps sent: never sent again.
    fn settled(&self) -> bool {
        matches!(self, Outcome::Started(_) | Outcome::Unknown(_) | Outcome::Sending)
    }
}

#[component]
pub fn RestoreCollectionsDialog(
    detail: BackupDetail,
    /// The source cluster, the default target when it qualifies.
    cluster: Option<Cluster>,
    on_closed: Callback<()>,
) -> impl IntoView {
    let conn = Connection::get();
    let roles = Roles::get();
    let jobs = Jobs::get();
    let toasts = Toasts::get();
    let dialog = NodeRef::<html::Dialog>::new();
    let b = detail.backup.clone();
    let region = detail.region_id.clone();

    let rows = RwSignal::new(
        detail
            .databases()
            .into_iter()
            .flat_map(|d| {
                let db = d.db_name.clone();
                d.collections.into_iter().map(move |c| Row {
                    db_name: db.clone(),
                    dest_name: default_restore_name(&c.collection_name),
                    collection_name: c.collection_name,
                    chosen: false,
                    outcome: Outcome::NotSent,
                })
            })
            .collect::<Vec<_>>(),
    );
    let clusters = conn.load(move |client| async move { client.list_clusters().await });
    let targets =
        Memo::new(move |_| clusters.get().flatten().and_then(Result::ok).map(|all| restore_targets(&all, &region)));
    let target = RwSignal::new(cluster.as_ref().map(|c| c.cluster_id.clone()).unwrap_or_default());
    // The chosen target must be one of the offered ones: the first, when the default is not.
    Effect::new(move |_| {
        if let Some((list, _)) = targets.get()
            && !list.iter().any(|c| c.cluster_id == target.get_untracked())
        {
            target.set(list.first().map(|c| c.cluster_id.clone()).unwrap_or_default());
        }
    });
    let dest_db = RwSignal::new(String::new());
    let loaded = RwSignal::new(true);
    let busy = RwSignal::new(false);
    let tried = RwSignal::new(false);

    let plan = move || -> Vec<CollectionRestore> {
        rows.with(|rs| {
            rs.iter()
                .filter(|r| r.chosen && !r.outcome.settled())
                .map(|r| CollectionRestore {
                    db_name: r.db_name.clone(),
                    collection_name: r.collection_name.clone(),
                    dest_db_name: dest_db.get(),
                    dest_collection_name: r.dest_name.clone(),
                    loaded: loaded.get(),
                })
                .collect()
        })
    };
    let problem = Signal::derive(move || {
        let items = plan();
        if target.with(String::is_empty) {
            return Some("Choose a target cluster.".to_owned());
        }
        if items.is_empty() {
            return Some("Choose at least one collection to restore.".to_owned());
        }
        if let Some(bad) = items.iter().find_map(|i| check_collection_name(i.dest_collection_name.trim()).err()) {
            return Some(bad.to_string());
        }
        duplicate_target(&items)
    });

    let backup_sv = StoredValue::new((b.cluster_id.clone(), b.backup_id.clone(), b.backup_name.clone()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if busy.get_untracked() || problem.with_untracked(Option::is_some) {
            return;
        }
        let dest = target.get_untracked();
        let dest_name = targets
            .get_untracked()
            .and_then(|(l, _)| l.into_iter().find(|c| c.cluster_id == dest).map(|c| c.cluster_name))
            .unwrap_or_else(|| dest.clone());
        // The rows to send, fixed now: what the person sees is what goes, in this order.
        let work: Vec<(usize, CollectionRestore)> = rows.with_untracked(|rs| {
            rs.iter()
                .enumerate()
                .filter(|(_, r)| r.chosen && !r.outcome.settled())
                .map(|(i, r)| {
                    (
                        i,
                        CollectionRestore {
                            db_name: r.db_name.clone(),
                            collection_name: r.collection_name.clone(),
                            dest_db_name: dest_db.get_untracked(),
                            dest_collection_name: r.dest_name.clone(),
                            loaded: loaded.get_untracked(),
                        },
                    )
                })
                .collect()
        });
        busy.set(true);
        let client = conn.client();
        let key = conn.key.with_untracked(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0));
        let (cluster_id, backup_id, backup_name) = backup_sv.get_value();
        leptos::task::spawn_local(async move {
            let mut started = 0;
            for (i, item) in work {
                // The dialog cannot close while this runs (see `busy`); should it be gone all
                // the same, nothing more is sent.
                if rows.try_update(|rs| rs[i].outcome = Outcome::Sending).is_none() {
                    break;
                }
                let result = client.restore_collection(&cluster_id, &backup_id, &item.request(&dest)).await;
                roles.learn_from(key, &result);
                let outcome = match result {
                    Ok(answer) => {
                        started += 1;
                        jobs.add(JobEntry {
                            job_id: answer.job_id.clone(),
                            kind: JobKind::Restore,
                            cluster_id: dest.clone(),
                            cluster_name: dest_name.clone(),
                            backup_id: backup_id.clone(),
                            backup_name: backup_name.clone(),
                            added_ms: now_ms(),
                            ..Default::default()
                        });
                        Outcome::Started(answer.job_id)
                    }
                    Err(e) if reconcile::outcome_unknown(&e) => Outcome::Unknown(e),
                    Err(e) => Outcome::Failed(e),
                };
                let _ = rows.try_update(|rs| rs[i].outcome = outcome);
            }
            let _ = busy.try_set(false);
            if started > 0 {
                toasts.push(
                    format!(
                        "{} into {dest_name} started.",
                        if started == 1 {
                            "1 collection restore".to_owned()
                        } else {
                            format!("{started} collection restores")
                        }
                    ),
                    Some(("View jobs".to_owned(), Route::Jobs.href())),
                    ToastTone::Success,
                );
            }
        });
    };

    let count = rows.with_untracked(Vec::len);
    view! {
        <Modal dialog labelled_by="restore-collections-title" on_closed busy>
            <form class="modal-body" on:submit=submit novalidate>
                <header class="modal-header">
                    <h2 id="restore-collections-title">"Restore collections"</h2>
                    <p class="muted">{format!("From backup {} of {}", b.backup_name, b.cluster_name)}</p>
                </header>
                <div class="modal-scroll">
                    {move || match clusters.get().flatten() {
                        None => {
                            view! {
                                <p class="loading" role="status">
                                    "Loading clusters…"
                                </p>
                            }
                                .into_any()
                        }
                        Some(Err(error)) => {
                            view! { <ErrorPanel error retry=Callback::new(move |_| clusters.refetch()) /> }.into_any()
                        }
                        Some(Ok(_)) => {
                            let (list, others) = targets.get().unwrap_or_default();
                            view! {
                                <label for="restore-target">"Target cluster"</label>
                                <select id="restore-target" on:change:target=move |ev| target.set(ev.target().value())>
                                    {list
                                        .into_iter()
                                        .map(|c| {
                                            let selected = c.cluster_id == target.get_untracked();
                                            view! {
                                                <option value=c.cluster_id.clone() selected=selected>
                                                    {format!("{} ({})", c.cluster_name, c.cluster_id)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <p class="muted">
                                    {format!(
                                        "Only running Dedicated clusters in the backup's region are offered{}.",
                                        if others > 0 {
                                            format!(" ({others} other clusters are not)")
                                        } else {
                                            String::new()
                                        },
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                    }} <label for="restore-db">"Target database"</label>
                    <input
                        id="restore-db"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="the same as the source"
                        aria-describedby="restore-db-hint"
                        prop:value=move || dest_db.get()
                        on:input:target=move |ev| dest_db.set(ev.target().value())
                    /> <p id="restore-db-hint" class="muted">
                        "Leave empty to restore each collection into a database of the same name."
                    </p> <fieldset>
                        <legend>"Collections"</legend>
                        <p id="restore-name-rule" class="muted">
                            {COLLECTION_NAME_RULE}
                        </p>
                        <ul class="restore-rows">
                            {(0..count)
                                .map(|i| {
                                    let row = move || rows.with(|rs| rs[i].clone());
                                    let r = row();
                                    let source = format!("{}.{}", r.db_name, r.collection_name);
                                    let name_label = format!("New name for {}", r.collection_name);
                                    let name_error = move || {
                                        let r = row();
                                        (tried.get() && r.chosen)
                                            .then(|| {
                                                check_collection_name(r.dest_name.trim()).err().map(|e| e.to_string())
                                            })
                                            .flatten()
                                    };
                                    view! {
                                        <li>
                                            <label class="checkbox">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || row().chosen
                                                    prop:disabled=move || {
                                                        matches!(row().outcome, Outcome::Started(_) | Outcome::Sending)
                                                    }
                                                    on:change:target=move |ev| {
                                                        let on = ev.target().checked();
                                                        rows.update(|rs| rs[i].chosen = on)
                                                    }
                                                />
                                                {format!("Restore {source}")}
                                            </label>
                                            <input
                                                type="text"
                                                aria-label=name_label
                                                aria-describedby=format!("restore-name-rule restore-row-{i}")
                                                autocomplete="off"
                                                spellcheck="false"
                                                prop:value=move || row().dest_name
                                                prop:disabled=move || {
                                                    matches!(row().outcome, Outcome::Started(_) | Outcome::Sending)
                                                }
                                                aria-invalid=move || name_error().is_some().then_some("true")
                                                on:input:target=move |ev| {
                                                    let v = ev.target().value();
                                                    rows.update(|rs| rs[i].dest_name = v)
                                                }
                                            />
                                            <span id=format!("restore-row-{i}") class="field-error">
                                                {name_error}
                                            </span>
                                            <span class="row-outcome">
                                                {move || match row().outcome {
                                                    Outcome::NotSent => ().into_any(),
                                                    Outcome::Sending => view! { "Sending…" }.into_any(),
                                                    Outcome::Started(job) => {
                                                        view! {
                                                            "Started: "
                                                            <a href=Route::Job(job.clone()).href()>{job.clone()}</a>
                                                        }
                                                            .into_any()
                                                    }
                                                    Outcome::Failed(error) => view! { <ErrorPanel error /> }.into_any(),
                                                    Outcome::Unknown(error) => {
                                                        view! {
                                                            <span class="error-panel">
                                                                {format!(
                                                                    "The answer was lost ({}): it may have started. Look \
                                                                    in Jobs before you restore it again.",
                                                                    lower_first(&error.title()).trim_end_matches('.'),
                                                                )}
                                                            </span>
                                                        }
                                                            .into_any()
                                                    }
                                                }}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </fieldset>
                    <BoolChoice
                        legend="After the restore"
                        name="restore-collections-load"
                        value=loaded
                        yes="Loaded (ready to search)"
                        no="Not loaded"
                    />
                    <p class="muted">
                        "Each collection is one request and one job, sent in this order. TTL settings are not restored."
                    </p>
                </div>
                <footer class="modal-footer">
                    // One line announces how the sending goes; the rows show each outcome.
                    <p class="outcome-line" role="status">
                        {move || progress(&rows.get())}
                    </p>
                    <p id="restore-collections-reason" class="disabled-reason" aria-live="polite">
                        {move || tried.get().then(|| problem.get()).flatten()}
                    </p>
                    <div class="footer-buttons">
                        // Not while requests are out: each answer must be seen.
                        <button
                            type="button"
                            aria-disabled=move || busy.get().then_some("true")
                            on:click=move |_| {
                                if !busy.get_untracked() {
                                    close(dialog)
                                }
                            }
                        >
                            "Close"
                        </button>
                        <button
                            type="submit"
                            class="primary"
                            aria-disabled=move || (busy.get() || problem.with(Option::is_some)).then_some("true")
                            aria-describedby="restore-collections-reason"
                        >
                            {move || if busy.get() { "Restoring…" } else { "Restore" }}
                        </button>
                    </div>
                </footer>
            </form>
        </Modal>
    }
}

/// "Restoring 2 of 3…", then "2 restores started, 1 failed." ("" before anything is sent).
fn progress(rows: &[Row]) -> String {
    let count = |f: fn(&Outcome) -> bool| rows.iter().filter(|r| f(&r.outcome)).count();
    let sending = count(|o| matches!(o, Outcome::Sending));
    let started = count(|o| matches!(o, Outcome::Started(_)));
    let failed = count(|o| matches!(o, Outcome::Failed(_)));
    let unknown = count(|o| matches!(o, Outcome::Unknown(_)));
    let done = started + failed + unknown;
    if sending > 0 {
        let queued = rows.iter().filter(|r| r.chosen && r.outcome == Outcome::NotSent).count();
        return format!("Restoring {} of {}…", done + 1, done + sending + queued);
    }
    if done == 0 {
        return String::new();
    }
    let mut parts = vec![format::count(started, "restore started", "restores started")];
    if failed > 0 {
        parts.push(format!("{failed} refused"));
    }
    if unknown > 0 {
        parts.push(format!("{unknown} not known"));
    }
    format!("{}.", parts.join(", "))
}

// The dialog as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    restore_collections,
    pub fn chunk(detail: BackupDetail, cluster: Option<Cluster>, on_closed: Callback<()>) {
        view! { <RestoreCollectionsDialog detail cluster on_closed /> }.into_any()
    }
);
