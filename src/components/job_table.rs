//! The jobs table. Rows are keyed by job id and each reads only its own entry, so a poll that
//! changes 10 jobs re-renders those 10 rows.

use api_types::JobStatus;
use leptos::prelude::*;

use crate::browser::{self, local_time};
use crate::components::data_table::DataTable;
use crate::components::local_time::LocalTime;

use super::status_badge::{StatusBadge, Tone};
use crate::route::Route;
use crate::rules::job_register::JobEntry;
use crate::rules::time;
use crate::state::jobs::Jobs;

pub fn job_tone(s: Option<&JobStatus>) -> Tone {
    match s {
        Some(JobStatus::Successful) => Tone::Ok,
        Some(JobStatus::InProgress | JobStatus::Pending) => Tone::Busy,
        Some(JobStatus::Failed) => Tone::Bad,
        Some(JobStatus::Canceling | JobStatus::Canceled) => Tone::Warn,
        Some(JobStatus::Unknown(_)) | None => Tone::Muted,
    }
}

#[component]
pub fn JobTable(
    /// The ids to show, in order (already filtered).
    #[prop(into)]
    ids: Signal<Vec<String>>,
    /// The job to highlight (`/jobs/:id`).
    #[prop(into)]
    selected: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <DataTable
            label="Jobs"
            class="jobs-table"
            columns=vec!["Job ID", "Type", "Cluster", "Backup", "Status", "Progress", "Started", "Ended", "Duration"]
        >
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <JobRow id selected />
            </For>
        </DataTable>
    }
}

#[component]
fn JobRow(id: String, selected: Signal<Option<String>>) -> impl IntoView {
    let jobs = Jobs::get();
    // This row's own signal: answers for other jobs do not touch it.
    let entry: Signal<JobEntry> = Signal::from(jobs.row(&id));
    let is_selected = Memo::new({
        let id = id.clone();
        move |_| selected.with(|s| s.as_deref() == Some(id.as_str()))
    });
    // Only unfinished rows follow the clock (durations, stalls): a page of 1,000 finished jobs
    // does no work per second.
    let running = Memo::new(move |_| entry.with(|e| !e.is_terminal()));
    let stalled = {
        let id = id.clone();
        move || if running.get() { jobs.stalled_since(&id) } else { None }
    };
    let copy = {
        let id = id.clone();
        move |_| browser::copy_text(&id)
    };
    view! {
        <tr
            role="row"
            class:selected=move || is_selected.get()
            aria-current=move || is_selected.get().then_some("true")
        >
            <th scope="row" role="rowheader">
                <a href=Route::Job(id.clone()).href()>
                    <code class="job-id">{id.clone()}</code>
                </a>
                <button type="button" class="icon-button" aria-label=format!("Copy job ID {id}") on:click=copy>
                    "Copy"
                </button>
            </th>
            <td role="cell" data-label="Type">
                {move || entry.with(|e| e.kind.label())}
            </td>
            <td role="cell" data-label="Cluster">
                {move || {
                    entry
                        .with(|e| if e.cluster_name.is_empty() { e.cluster_id.clone() } else { e.cluster_name.clone() })
                }}
            </td>
            // Which backup the job makes or restores from: the row names what it is about.
            <td role="cell" data-label="Backup">
                {move || {
                    entry.with(|e| if e.backup_name.is_empty() { e.backup_id.clone() } else { e.backup_name.clone() })
                }}
            </td>
            <td role="cell" data-label="Status">
                {move || entry.with(|e| view! { <StatusCell entry=e.clone() stalled_since=stalled() /> })}
            </td>
            <td role="cell" data-label="Progress">
                {move || entry.with(|e| view! { <ProgressCell entry=e.clone() /> })}
            </td>
            <td role="cell" data-label="Started">
                {move || entry.with(|e| e.last.as_ref().map(|j| view! { <LocalTime iso=j.start_time.clone() /> }))}
            </td>
            <td role="cell" data-label="Ended">
                {move || entry.with(|e| e.last.as_ref().map(|j| view! { <LocalTime iso=j.end_time.clone() /> }))}
            </td>
            <td role="cell" data-label="Duration">
                {move || {
                    if running.get() {
                        jobs.clock.track();
                    }
                    let now = browser::now_ms();
                    entry
                        .with(|e| e.last.as_ref().and_then(|j| time::job_duration_ms(&j.start_time, &j.end_time, now)))
                        .map(time::format_duration_ms)
                        .unwrap_or_else(|| "—".into())
                }}
            </td>
        </tr>
    }
}

#[component]
fn StatusCell(entry: JobEntry, stalled_since: Option<u64>) -> impl IntoView {
    let status = entry.last.as_ref().map(|j| j.status.clone());
    let label = status.as_ref().map_or("Waiting for first answer", |s| s.label()).to_owned();
    let reason = entry.last.as_ref().map(|j| j.reason.clone()).filter(|r| !r.is_empty());
    let failed = matches!(status, Some(JobStatus::Failed));
    view! {
        <StatusBadge label tone=job_tone(status.as_ref()) />
        {stalled_since
            .filter(|_| !entry.is_terminal())
            .map(|since| {
                view! {
                    <span class="stalled">
                        "Stalled: no progress since " <time title=time::format_utc(since)>{local_time(since)}</time>
                    </span>
                }
            })}
        {reason.map(|r| view! { <p class=if failed { "reason reason-failed" } else { "reason" }>{r}</p> })}
    }
}

#[component]
fn ProgressCell(entry: JobEntry) -> impl IntoView {
    let pct = entry.last.as_ref().and_then(|j| j.progress);
    // A failed job's bar stops at its last value in the failure colour, not the running blue.
    let class = match entry.last.as_ref().map(|j| &j.status) {
        Some(JobStatus::Failed) => "progress progress-failed",
        _ => "progress",
    };
    let label = format!("Progress of job {}", entry.job_id);
    match pct {
        // A native <progress>: role progressbar with its value, and no inline style (the CSP
        // forbids style attributes).
        Some(p) => view! {
            <progress class=class max="100" value=p.to_string() aria-label=label>
                {format!("{p}%")}
            </progress>
            <span class="progress-text">{format!("{p}%")}</span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
