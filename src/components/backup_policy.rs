//! "Automatic backup" on a Dedicated cluster's page: the policy (Get/Set Backup Policy) read,
//! summarised in plain words with its next runs, and edited in the reader's local time while
//! the API gets UTC (`rules::policy`). Enabling starts a first backup at once, which the console
//! finds and follows; disabling asks once.

use api_types::{ApiError, BackupPolicy, Cluster, CreationMethod, PolicyRegionCopy, SetPolicyRequest};
use leptos::prelude::*;

use crate::api::client::BackupFilter;
use crate::browser::{self, local_time, now_ms};
use crate::components::error_panel::ErrorPanel;
use crate::route::Route;
use crate::rules::backup_actions::ROLE_REFUSED;
use crate::rules::backup_form::{CopyAvailability, copy_options};
use crate::rules::eligibility::RoleKnowledge;
use crate::rules::job_register::{JobEntry, JobKind};
use crate::rules::policy::{
    self, DEFAULT_RETENTION_DAYS, Policy, PolicyCopy, SetPolicy, Weekdays, parse_retention, start_options, weekday_name,
};
use crate::rules::reconcile::{self, BeforeCreate};
use crate::rules::{format, regions};
use crate::state::Connection;
use crate::state::jobs::Jobs;
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

fn decode(p: &BackupPolicy) -> Result<Policy, String> {
    let copies: Vec<(String, Option<u64>)> =
        p.cross_region_copies.iter().map(|c| (c.region_id.clone(), c.retention_days)).collect();
    Policy::from_api(p.status.as_str(), &p.frequency, &p.start_time, p.retention_days, &copies)
        .map_err(|e| format!("The API's policy could not be read: {e}"))
}

fn request(p: &Policy) -> Result<SetPolicyRequest, String> {
    match p.to_request().map_err(|e| e.to_string())? {
        SetPolicy::Disable => Ok(SetPolicyRequest {
            enabled: false,
            frequency: None,
            start_time: None,
            retention_days: None,
            cross_region_copies: Vec::new(),
        }),
        SetPolicy::Enable { frequency, start_time, retention_days, copies } => Ok(SetPolicyRequest {
            enabled: true,
            frequency: Some(frequency),
            start_time: Some(start_time),
            retention_days: Some(u64::from(retention_days)),
            cross_region_copies: copies
                .into_iter()
                .map(|(region_id, days)| PolicyRegionCopy { region_id, retention_days: Some(u64::from(days)) })
                .collect(),
        }),
    }
}

/// The summary with each cross-region copy and how long it is kept ("; a copy in Oregon, kept
/// 7 days").
fn with_copies(summary: String, p: &Policy) -> String {
    if !p.enabled || p.copies.is_empty() {
        return summary;
    }
    let copies: Vec<String> = p
        .copies
        .iter()
        .map(|c| {
            let place = regions::region_label(&c.region_id);
            format!("a copy in {place}, kept {}", format::count(usize::from(c.retention_days), "day", "days"))
        })
        .collect();
    format!("{summary}; {}", copies.join("; "))
}

#[component]
pub fn BackupPolicySection(cluster: Cluster) -> impl IntoView {
    let conn = Connection::get();
    let id = cluster.cluster_id.clone();
    let policy = conn.load(move |client| {
        let id = id.clone();
        async move { client.get_backup_policy(&id).await }
    });
    view! {
        <section class="card policy" aria-labelledby="policy-heading">
            <h2 id="policy-heading">"Automatic backup"</h2>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading the backup policy…"
                    </p>
                }
            }>
                {
                    let cluster = cluster.clone();
                    move || {
                        let cluster = cluster.clone();
                        Suspend::new(async move {
                            let loaded: Option<Result<BackupPolicy, ApiError>> = policy.await;
                            match loaded {
                                Some(Ok(p)) => {
                                    match decode(&p) {
                                        Ok(current) => {
                                            view! {
                                                <PolicyForm
                                                    cluster
                                                    current
                                                    saved=Callback::new(move |_| policy.refetch())
                                                />
                                            }
                                                .into_any()
                                        }
                                        Err(msg) => {
                                            view! {
                                                <p class="error-panel" role="alert">
                                                    {msg}
                                                </p>
                                            }
                                                .into_any()
                                        }
                                    }
                                }
                                Some(Err(error)) => {
                                    view! { <ErrorPanel error retry=Callback::new(move |_| policy.refetch()) /> }
                                        .into_any()
                                }
                                None => ().into_any(),
                            }
                        })
                    }
                }
            </Transition>
        </section>
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    /// Disabling waits for a second "Disable" press.
    ConfirmDisable,
    Sending,
    Failed(ApiError),
}

#[component]
fn PolicyForm(cluster: Cluster, current: Policy, saved: Callback<()>) -> impl IntoView {
    let conn = Connection::get();
    let roles = Roles::get();
    let jobs = Jobs::get();
    let toasts = Toasts::get();
    let offset = browser::utc_offset_minutes();
    let was_enabled = current.enabled;
    let form = RwSignal::new(current.clone());
    let retention = RwSignal::new(current.retention_days.to_string());
    let phase = RwSignal::new(Phase::Idle);
    let form_error = RwSignal::new(None::<String>);
    let current = StoredValue::new(current);
    let cluster_sv = StoredValue::new(cluster.clone());

    let key = conn.key.with_untracked(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0));
    let refused = move || roles.of(key) == RoleKnowledge::Denied;
    let local = move || form.with(|p| p.local(offset));
    let daily = move || form.with(|p| p.days_utc.is_daily());
    let set_local_days = move |days: Weekdays| {
        let start = local().start_min;
        form.update(|p| {
            let _ = p.set_local(days, start, offset);
        });
    };
    let copies = StoredValue::new(copy_options(&cluster));

    // What is saved, in words, and when it runs next (local times).
    let summary = move || current.with_value(|p| with_copies(policy::summary(p, offset), p));
    let next = move || {
        current.with_value(|p| policy::next_runs(p, now_ms(), 3)).into_iter().map(local_time).collect::<Vec<_>>()
    };
    // The retention as typed; a value that is not 1 to 30 is said under the field, and Save
    // then says why it will not send (never a silent revert to the saved value).
    let retention_error = move || parse_retention(&retention.get()).err().map(|e| e.to_string());
    let draft = move || {
        let mut p = form.get();
        if let Ok(r) = parse_retention(&retention.get()) {
            p.retention_days = r;
        }
        p
    };
    let changed =
        move || (form.with(|p| p.enabled) && retention_error().is_some()) || current.with_value(|c| *c != draft());

    let send = move || {
        let mut p = form.get_untracked();
        if p.enabled {
            match parse_retention(&retention.get_untracked()) {
                Ok(r) => p.retention_days = r,
                Err(e) => return form_error.set(Some(e.to_string())),
            }
        }
        let req = match request(&p) {
            Ok(r) => r,
            Err(e) => return form_error.set(Some(e)),
        };
        form_error.set(None);
        phase.set(Phase::Sending);
        let client = conn.client();
        let key = conn.key.with_untracked(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0));
        let cluster = cluster_sv.get_value();
        let first_backup = p.enabled && !was_enabled;
        let before = BeforeCreate { backup_ids: None, sent_ms: now_ms() };
        let known: Vec<String> =
            jobs.register.with_untracked(|r| r.entries().iter().map(|e| e.job_id.clone()).collect());
        leptos::task::spawn_local(async move {
            let result = client.set_backup_policy(&cluster.cluster_id, &req).await;
            roles.learn_from(key, &result);
            match result {
                Ok(_) if first_backup => {
                    // The API answers without the first backup's job: find it (List Jobs is not
                    // documented, so its absence only means it is not followed here).
                    let job = match client.list_jobs(&cluster.cluster_id).await {
                        Ok(page) => {
                            reconcile::find_job(&before, &cluster.cluster_id, &page.jobs, &known).map(str::to_owned)
                        }
                        Err(_) => None,
                    };
                    // And the backup it makes, so that the backup's History names its job.
                    let filter = BackupFilter {
                        cluster_id: Some(cluster.cluster_id.clone()),
                        creation_method: Some(CreationMethod::Auto),
                        ..Default::default()
                    };
                    let made = match client.list_backups(&filter).await {
                        Ok(page) => {
                            reconcile::find_first_automatic(&before, &cluster.cluster_id, &page.backups).cloned()
                        }
                        Err(_) => None,
                    };
                    match job {
                        Some(job_id) => {
                            let (backup_id, backup_name) =
                                made.map(|b| (b.backup_id, b.backup_name)).unwrap_or_default();
                            jobs.add(JobEntry {
                                job_id: job_id.clone(),
                                kind: JobKind::PolicyBackup,
                                cluster_id: cluster.cluster_id.clone(),
                                cluster_name: cluster.cluster_name.clone(),
                                backup_id,
                                backup_name,
                                added_ms: now_ms(),
                                ..Default::default()
                            });
                            toasts.push(
                                "Automatic backup is on; its first backup has started.",
                                Some(("View job".to_owned(), Route::Job(job_id).href())),
                                ToastTone::Success,
                            );
                        }
                        None => toasts.push(
                            "Automatic backup is on; its first backup has started (see Backups).",
                            None,
                            ToastTone::Success,
                        ),
                    }
                    let _ = phase.try_set(Phase::Idle);
                    saved.run(());
                }
                Ok(_) => {
                    let text = if req.enabled { "The backup policy was saved." } else { "Automatic backup is off." };
                    toasts.push(text, None, ToastTone::Success);
                    let _ = phase.try_set(Phase::Idle);
                    saved.run(());
                }
                Err(e) => {
                    let _ = phase.try_set(Phase::Failed(e));
                }
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if refused() || !changed() {
            return;
        }
        match phase.get_untracked() {
            Phase::Sending => {}
            // Turning it off asks once.
            Phase::Idle | Phase::Failed(_) if was_enabled && !form.with_untracked(|p| p.enabled) => {
                phase.set(Phase::ConfirmDisable)
            }
            _ => send(),
        }
    };

    view! {
        <p class="policy-summary" role="status">
            {summary}
        </p>
        {move || {
            let runs = next();
            (!runs.is_empty())
                .then(|| {
                    view! {
                        <p class="muted">"Next runs (your time):"</p>
                        <ol class="next-runs">{runs.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
                    }
                })
        }}
        <form class="policy-form" on:submit=submit novalidate>
            <label class="checkbox switch">
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=move || form.with(|p| p.enabled)
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        form.update(|p| p.enabled = on);
                        if phase.get_untracked() == Phase::ConfirmDisable {
                            phase.set(Phase::Idle);
                        }
                    }
                />
                "Enable automatic backup"
            </label>
            <Show when=move || {
                form.with(|p| p.enabled)
            }>
                {(!was_enabled)
                    .then(|| {
                        view! {
                            <p class="notice">"Saving starts a first backup at once; then it follows the schedule."</p>
                        }
                    })} <fieldset>
                    <legend>"Frequency"</legend>
                    <label class="radio">
                        <input
                            type="radio"
                            name="policy-frequency"
                            prop:checked=daily
                            on:change=move |_| set_local_days(Weekdays::DAILY)
                        />
                        "Every day"
                    </label>
                    <label class="radio">
                        <input
                            type="radio"
                            name="policy-frequency"
                            prop:checked=move || !daily()
                            on:change=move |_| {
                                if daily() {
                                    set_local_days(Weekdays::WEEKDAYS)
                                }
                            }
                        />
                        "On chosen days"
                    </label>
                    <div class="days" role="group" aria-label="Days (your time)">
                        {(1..=7u8)
                            .map(|d| {
                                view! {
                                    <label class="checkbox">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || local().days.contains(d)
                                            on:change:target=move |ev| {
                                                let mut days = local().days;
                                                if ev.target().checked() {
                                                    days.insert(d);
                                                } else {
                                                    days.remove(d);
                                                }
                                                set_local_days(days);
                                            }
                                        />
                                        {weekday_name(d).unwrap_or_default()}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset> <label for="policy-start">"Start window (your time)"</label>
                <select
                    id="policy-start"
                    aria-describedby="policy-start-utc"
                    on:change:target=move |ev| {
                        if let Ok(start) = ev.target().value().parse::<u16>() {
                            let days = local().days;
                            form.update(|p| {
                                let _ = p.set_local(days, start, offset);
                            });
                        }
                    }
                >
                    {start_options(offset)
                        .into_iter()
                        .map(|o| {
                            let hour = o.utc_hour;
                            view! {
                                <option
                                    value=o.local_start_min.to_string()
                                    selected=move || form.with(|p| p.window.start_hour_utc() == hour)
                                >
                                    {o.label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select> <p id="policy-start-utc" class="muted">
                    {move || form.with(|p| format!("Sent to the API as {} UTC.", p.window.to_api()))}
                </p> <label for="policy-retention">"Keep each backup (days, 1 to 30)"</label>
                <input
                    id="policy-retention"
                    type="number"
                    min="1"
                    max="30"
                    inputmode="numeric"
                    prop:value=move || retention.get()
                    on:input:target=move |ev| retention.set(ev.target().value())
                /> <p id="policy-retention-error" class="field-error">
                    {retention_error}
                </p>
                {match copies.get_value() {
                    CopyAvailability::Unavailable(reason) => {
                        view! { <p class="muted">"Cross-region copies: " {reason}</p> }.into_any()
                    }
                    CopyAvailability::Available(options) => {
                        view! {
                            <fieldset>
                                <legend>"Cross-region copies"</legend>
                                <ul class="option-list">
                                    {options
                                        .into_iter()
                                        .map(|o| view! { <CopyRow region=o.region_id label=o.label form /> })
                                        .collect_view()}
                                </ul>
                            </fieldset>
                        }
                            .into_any()
                    }
                }} <p class="policy-draft" aria-live="polite">
                    {move || {
                        let d = draft();
                        format!("Will be: {}", with_copies(policy::summary(&d, offset), &d))
                    }}
                </p>
            </Show>
            <div class="create-outcome">
                {move || match phase.get() {
                    Phase::Failed(error) => view! { <ErrorPanel error /> }.into_any(),
                    Phase::ConfirmDisable => {
                        view! {
                            <p class="outcome-line" role="alert">
                                "Disable automatic backup? No new automatic backups are made; those made are kept \
                                until they expire. Press Disable again to confirm."
                            </p>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }} <p class="field-error" role="status">
                    {move || form_error.get()}
                </p>
            </div>
            <div class="buttons">
                <button
                    type="submit"
                    class="primary"
                    aria-disabled=move || (refused() || !changed() || phase.get() == Phase::Sending).then_some("true")
                    aria-describedby="policy-reason"
                >
                    {move || match (phase.get(), form.with(|p| p.enabled)) {
                        (Phase::Sending, _) => "Saving…",
                        (_, false) if was_enabled => "Disable",
                        _ => "Save policy",
                    }}
                </button>
                <span id="policy-reason" class="disabled-reason">
                    {move || {
                        if refused() {
                            Some(ROLE_REFUSED)
                        } else if !changed() {
                            Some("Nothing to save: the form is as saved.")
                        } else {
                            None
                        }
                    }}
                </span>
            </div>
        </form>
    }
}

/// One region's copy: on or off, and how long it is kept.
fn days_untracked(form: RwSignal<Policy>, region: StoredValue<String>) -> Option<u8> {
    form.with_untracked(|p| {
        region.with_value(|id| p.copies.iter().find(|c| &c.region_id == id).map(|c| c.retention_days))
    })
}

#[component]
fn CopyRow(region: String, label: String, form: RwSignal<Policy>) -> impl IntoView {
    let r = StoredValue::new(region);
    let days = move || {
        form.with(|p| r.with_value(|id| p.copies.iter().find(|c| &c.region_id == id).map(|c| c.retention_days)))
    };
    let label_days = format!("Days to keep the copy in {label}");
    // The days as typed (the form holds 0 for a value out of range, which Save refuses).
    let text = RwSignal::new(days_untracked(form, r).unwrap_or(DEFAULT_RETENTION_DAYS).to_string());
    view! {
        <li class="copy-row">
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=move || days().is_some()
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        form.update(|p| {
                            let id = r.get_value();
                            p.copies.retain(|c| c.region_id != id);
                            if on {
                                let days = parse_retention(&text.get_untracked()).unwrap_or(0);
                                p.copies
                                    .push(PolicyCopy {
                                        region_id: id,
                                        retention_days: days,
                                    });
                            }
                        });
                    }
                />
                {label}
            </label>
            <input
                type="number"
                min="1"
                max="30"
                aria-label=label_days
                prop:disabled=move || days().is_none()
                prop:value=move || text.get()
                on:input:target=move |ev| {
                    let v = ev.target().value();
                    let n = parse_retention(&v).unwrap_or(0);
                    text.set(v);
                    form.update(|p| {
                        let id = r.get_value();
                        if let Some(c) = p.copies.iter_mut().find(|c| c.region_id == id) {
                            c.retention_days = n;
                        }
                    });
                }
            />
            <span aria-hidden="true">"days"</span>
        </li>
    }
}
