//! The jobs table, windowed: however many jobs the register holds, only the rows in view (and a
//! few either side) are in the document, between two spacer rows that keep the scroll height
//! true. Screen readers still get the whole count (`aria-rowcount`, and each row's
//! `aria-rowindex`); the keyboard scrolls the focusable region, and Tab moves from row to row
//! (a focused row scrolls into view, which moves the window along).
//!
//! Rows have one fixed height (one line per cell, long text clipped with its full value in
//! `title` and on the job's own page), measured from the first row drawn. A finished row is
//! static text (no effects); a running row has a few reactive cells, fed by a `RowText` computed
//! once per answer. One delegated listener serves every Copy button.

use leptos::html;
use leptos::prelude::*;

use crate::browser::{self, Listener};
use crate::route::Route;
use crate::rules::job_register::JobEntry;
use crate::rules::job_row::{RowText, When};
use crate::rules::time;
use crate::state::jobs::Jobs;

use super::status_badge::StatusBadge;

const COLUMNS: [&str; 9] =
    ["Job ID", "Type", "Cluster", "Backup", "Status", "Progress", "Started", "Ended", "Duration"];
/// Rows drawn above and below the visible ones: Tab and short scrolls find them ready.
const OVERSCAN: usize = 8;
/// Until the first row is measured (the CSS gives rows about this height).
const ROW_PX: f64 = 56.0;

#[component]
pub fn JobTable(
    /// The ids to show, in order (already filtered).
    #[prop(into)]
    ids: Signal<Vec<String>>,
    /// The job to highlight (`/jobs/:id`).
    #[prop(into)]
    selected: Signal<Option<String>>,
) -> impl IntoView {
    let jobs = Jobs::get();
    let region = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(720.0_f64);
    let row_px = RwSignal::new(ROW_PX);
    let count = Memo::new(move |_| ids.with(Vec::len));
    let range = Memo::new(move |_| {
        let (h, n) = (row_px.get().max(1.0), count.get());
        let top = scroll_top.get();
        let first = ((top / h).floor() as usize).saturating_sub(OVERSCAN).min(n);
        let last = (((top + viewport.get()) / h).ceil() as usize).saturating_add(OVERSCAN).min(n);
        (first, last.max(first))
    });

    // Sizes from the page as drawn: the region's height and one row's (on resize too).
    let measure = move || {
        let Some(r) = region.get_untracked() else { return };
        // What can be seen: the region, and never more than the window.
        let height = f64::from(r.client_height()).min(browser::window_height().unwrap_or(f64::MAX));
        if height > 0.0 {
            viewport.set(height);
        }
        if let Some(h) = browser::first_row_height(&r, "tr.job-row") {
            row_px.set(h);
        }
    };
    let resize = StoredValue::new_local(None::<Listener>);
    resize.set_value(browser::on_resize(measure));
    browser::next_frame(move || {
        // For `make bench`: the first frame with the first rows in the document.
        browser::mark("jobs:rendered");
        measure();
        // A job opened by link (`/jobs/:id`) is scrolled into view.
        let at = selected
            .with_untracked(|s| s.as_ref().and_then(|id| ids.with_untracked(|v| v.iter().position(|x| x == id))));
        if let (Some(i), Some(r)) = (at, region.get_untracked()) {
            let y = (i as f64 * row_px.get_untracked() - viewport.get_untracked() / 3.0).max(0.0);
            r.set_scroll_top(y as i32);
            scroll_top.set(y);
        }
    });

    let on_scroll = move |_| {
        let Some(r) = region.get_untracked() else { return };
        scroll_top.set(f64::from(r.scroll_top()));
        // A focused row that left the window would take the focus with it: the region keeps it.
        let (first, last) = range.get_untracked();
        if let Some(i) = browser::focused_row_index(&r)
            && (i < first + 2 || i >= last + 2)
        {
            browser::focus_quietly(&r);
        }
    };

    // The rows of the window, keyed by what makes a row differ: its place, its job, whether it
    // is over (a finished row is built once, static) and whether it is the one selected.
    let rows = move || {
        jobs.register.track();
        let (first, last) = range.get();
        let sel = selected.get();
        ids.with(|v| {
            v.get(first..last)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(k, id)| {
                    let over = jobs.register.with_untracked(|r| r.get(id).is_some_and(JobEntry::is_over));
                    (first + k, id.clone(), over, sel.as_deref() == Some(id.as_str()))
                })
                .collect::<Vec<_>>()
        })
    };
    let spacer = move |px: f64| format!("{px:.0}px");
    let above = move || spacer(range.with(|r| r.0) as f64 * row_px.get());
    let below = move || spacer(range.with(|r| count.get() - r.1) as f64 * row_px.get());

    view! {
        <p class="table-count" role="status">
            {move || match count.get() {
                1 => "1 job".to_owned(),
                n => format!("{n} jobs"),
            }}
        </p>
        <div
            class="table-scroll jobs-scroll"
            role="region"
            aria-label="Jobs"
            tabindex="0"
            node_ref=region
            on:scroll=on_scroll
        >
            <table class="data-table jobs-table" role="table" aria-rowcount=move || count.get() + 1>
                <caption class="visually-hidden">"Jobs"</caption>
                <thead role="rowgroup">
                    <tr role="row" aria-rowindex="1">
                        {COLUMNS
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <th scope="col" role="columnheader">
                                        {c}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody role="rowgroup" on:click=|ev| browser::copy_from_click(&ev)>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="9" style:height=above></td>
                    </tr>
                    <For each=rows key=|row| row.clone() let:row>
                        {
                            let (i, id, over, is_selected) = row;
                            if over {
                                let text = jobs.row(&id).with_untracked(|e| RowText::of(e, browser::now_ms()));
                                view! { <FinishedRow text index=i + 2 selected=is_selected /> }.into_any()
                            } else {
                                view! { <LiveRow id index=i + 2 selected=is_selected /> }.into_any()
                            }
                        }
                    </For>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="9" style:height=below></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

/// The job id cell: a link to the job's page and a Copy button (served by the table's one
/// delegated listener).
fn id_cell(id: &str) -> impl IntoView + use<> {
    view! {
        <th scope="row" role="rowheader">
            <a href=Route::Job(id.to_owned()).href()>
                <code class="job-id">{id.to_owned()}</code>
            </a>
            <button type="button" class="icon-button" data-copy=id.to_owned() aria-label=format!("Copy job ID {id}")>
                "Copy"
            </button>
        </th>
    }
}

/// Text in a one-line cell: clipped with an ellipsis, whole in `title`.
fn line(text: String) -> impl IntoView + use<> {
    let title = text.clone();
    view! {
        <span class="cell-line" title=title>
            {text}
        </span>
    }
}

fn when(w: &When) -> AnyView {
    match w {
        When::At { ms, iso } => view! {
            <time datetime=iso.clone() title=time::format_utc(*ms)>
                {browser::local_time_cached(*ms)}
            </time>
        }
        .into_any(),
        When::Text(t) => line(t.clone()).into_any(),
        When::None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

fn status(t: &RowText, stalled_since: Option<u64>) -> impl IntoView + use<> {
    let reason = t.reason.clone();
    let reason_class = if t.failed { "cell-line reason reason-failed" } else { "cell-line reason" };
    view! {
        <StatusBadge label=t.status.clone() tone=t.tone />
        {stalled_since
            .map(|since| {
                view! {
                    <span class="cell-line stalled">
                        "Stalled since " <time title=time::format_utc(since)>{browser::local_time_cached(since)}</time>
                    </span>
                }
            })}
        {reason
            .map(|r| {
                let title = r.clone();
                view! {
                    <span class=reason_class title=title>
                        {r}
                    </span>
                }
            })}
    }
}

fn progress(t: &RowText) -> AnyView {
    // A failed job's bar stops at its last value in the failure colour, not the running blue.
    let class = if t.failed { "progress progress-failed" } else { "progress" };
    match t.progress {
        // A native <progress>: role progressbar with its value, and no inline style (the CSP
        // forbids style attributes).
        Some(p) => view! {
            <progress class=class max="100" value=p.to_string() aria-label=format!("Progress of job {}", t.id)>
                {format!("{p}%")}
            </progress>
            <span class="progress-text">{format!("{p}%")}</span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// A job that will not change: plain text, built once.
#[component]
fn FinishedRow(text: RowText, index: usize, selected: bool) -> impl IntoView {
    view! {
        <tr
            role="row"
            class="job-row"
            class:selected=selected
            aria-current=selected.then_some("true")
            aria-rowindex=index
        >
            {id_cell(&text.id)}
            <td role="cell" data-label="Type">
                {text.kind}
            </td>
            <td role="cell" data-label="Cluster">
                {line(text.cluster.clone())}
            </td>
            <td role="cell" data-label="Backup">
                {line(text.backup.clone())}
            </td>
            <td role="cell" data-label="Status">
                {status(&text, None)}
            </td>
            <td role="cell" data-label="Progress">
                {progress(&text)}
            </td>
            <td role="cell" data-label="Started">
                {when(&text.started)}
            </td>
            <td role="cell" data-label="Ended">
                {when(&text.ended)}
            </td>
            <td role="cell" data-label="Duration">
                {text.duration.clone()}
            </td>
        </tr>
    }
}

/// A job still running: its text is computed once per answer that changed it, and only the
/// cells that move (status, progress, end, duration) are reactive.
#[component]
fn LiveRow(id: String, index: usize, selected: bool) -> impl IntoView {
    let jobs = Jobs::get();
    let entry = jobs.row(&id);
    let text = Memo::new({
        let entry = entry.clone();
        move |_| entry.with(|e| RowText::of(e, browser::now_ms()))
    });
    let stalled = {
        let id = id.clone();
        move || jobs.stalled_since(&id)
    };
    let duration = move || {
        jobs.clock.track();
        entry.with(|e| RowText::duration(e, browser::now_ms()))
    };
    view! {
        <tr
            role="row"
            class="job-row"
            class:selected=selected
            aria-current=selected.then_some("true")
            aria-rowindex=index
        >
            {id_cell(&id)}
            <td role="cell" data-label="Type">
                {move || text.with(|t| t.kind)}
            </td>
            <td role="cell" data-label="Cluster">
                {move || text.with(|t| line(t.cluster.clone()))}
            </td>
            <td role="cell" data-label="Backup">
                {move || text.with(|t| line(t.backup.clone()))}
            </td>
            <td role="cell" data-label="Status">
                {move || text.with(|t| status(t, stalled()))}
            </td>
            <td role="cell" data-label="Progress">
                {move || text.with(progress)}
            </td>
            <td role="cell" data-label="Started">
                {move || text.with(|t| when(&t.started))}
            </td>
            <td role="cell" data-label="Ended">
                {move || text.with(|t| when(&t.ended))}
            </td>
            <td role="cell" data-label="Duration">
                {duration}
            </td>
        </tr>
    }
}
