//! `/jobs` and `/jobs/:id`: every job the console follows, live. Filters live in the URL query
//! (`?status=FAILED&type=backup&cluster=in01-…`), so a view can be shared.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::browser::now_ms;
use crate::components::error_panel::ErrorPanel;
use crate::components::job_table::JobTable;
use crate::route::{self, Route};
use crate::rules::job_register::{JobKind, normalize_job_id};
use crate::rules::time;
use crate::state::jobs::Jobs;

const STATUSES: &[(&str, &str)] = &[
    ("PENDING", "Pending"),
    ("IN_PROGRESS", "In progress"),
    ("SUCCESSFUL", "Successful"),
    ("FAILED", "Failed"),
    ("CANCELING", "Canceling"),
    ("CANCELED", "Canceled"),
    ("unknown", "Unknown"),
];

#[component]
pub fn JobsPage() -> impl IntoView {
    let jobs = Jobs::get();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();

    let selected = Signal::derive(move || params.with(|p| p.get(route::ID)).and_then(|id| normalize_job_id(&id)));
    // A job opened by link is followed from then on.
    Effect::new(move |_| {
        if let Some(id) = selected.get() {
            jobs.follow(&id);
        }
    });

    let filter = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    // Re-run only when statuses or the set of jobs change (the register tells no more).
    let ids = Memo::new(move |_| {
        let (status, kind, cluster) = (filter("status"), filter("type"), filter("cluster"));
        jobs.register.with(|r| {
            r.filtered(status.as_deref(), kind.as_deref(), cluster.as_deref())
                .into_iter()
                .map(|e| e.job_id.clone())
                .collect::<Vec<_>>()
        })
    });
    let clusters = Memo::new(move |_| {
        let mut v: Vec<(String, String)> = jobs.register.with(|r| {
            r.entries()
                .iter()
                .filter(|e| !e.cluster_id.is_empty())
                .map(|e| (e.cluster_id.clone(), e.cluster_name.clone()))
                .collect()
        });
        v.sort();
        v.dedup_by(|a, b| a.0 == b.0);
        v
    });

    let set_filter = {
        let navigate = navigate.clone();
        move |name: &'static str, value: String| {
            // The current query with this one filter changed; the router writes the string.
            let mut q = query.get_untracked();
            q.remove(name);
            if !value.is_empty() {
                q.insert(name, value);
            }
            let path = selected.get_untracked().map_or(Route::Jobs, Route::Job).path();
            let url = format!("{path}{}", q.to_query_string());
            navigate(&url, NavigateOptions { replace: true, ..Default::default() });
        }
    };
    let set_status = {
        let f = set_filter.clone();
        move |v| f("status", v)
    };
    let set_type = {
        let f = set_filter.clone();
        move |v| f("type", v)
    };
    let set_cluster = move |v| set_filter("cluster", v);

    // "Follow a job" by id.
    let draft = RwSignal::new(String::new());
    let follow_error = RwSignal::new(None::<&'static str>);
    let follow = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            match normalize_job_id(&draft.get()) {
                Some(id) => {
                    follow_error.set(None);
                    draft.set(String::new());
                    jobs.follow(&id);
                    navigate(&Route::Job(id).path(), NavigateOptions::default());
                }
                None => follow_error.set(Some("A job id looks like job-0123abcd…: letters, digits, - and _ only.")),
            }
        }
    };

    let live = move || {
        jobs.clock.track();
        if jobs.halted.with(Option::is_some) {
            return "Stopped: the API refused this key, nothing is being polled.".to_owned();
        }
        let active = jobs.active_count();
        let ago = jobs.last_update_ms.get().map(|t| now_ms().saturating_sub(t) / 1000);
        let plural = if active == 1 { "" } else { "s" };
        let mut line = match (active, ago) {
            (0, _) => "Idle: every job has finished, nothing is being polled.".to_owned(),
            (n, Some(s)) => format!("Live, updated {s} s ago · following {n} unfinished job{plural}"),
            (n, None) => format!("Live · following {n} unfinished job{plural}"),
        };
        match jobs.paused_count() {
            0 => {}
            n => line.push_str(&format!(" · {n} paused after repeated failures: press Refresh")),
        }
        line
    };

    view! {
        <div class="page-head">
            <h1>"Jobs"</h1>
            <div class="live">
                <span class="live-text">{live}</span>
                <button type="button" on:click=move |_| jobs.refresh_now()>
                    "Refresh"
                </button>
            </div>
        </div>
        {move || {
            jobs.halted
                .get()
                .map(|error| {
                    view! {
                        <div class="stale-note">
                            <p>
                                "Jobs are not being updated: the API refused the key this console uses. The table shows \
                                the last good data. Nothing is asked again until the key changes or you try again."
                            </p>
                            <ErrorPanel error retry=Callback::new(move |()| jobs.resume()) />
                        </div>
                    }
                })
        }}
        {move || {
            jobs.last_error
                .get()
                .map(|(at, error)| {
                    view! {
                        <div class="stale-note">
                            <p>
                                "The last update failed at " {time::format_utc(at)}
                                ". The table shows the last good data; the console tries again, less often after each failure."
                            </p>
                            <ErrorPanel error />
                        </div>
                    }
                })
        }}
        <div class="toolbar">
            <label class="inline">
                "Status" <select on:change:target=move |ev| set_status(ev.target().value())>
                    <option value="" selected=move || filter("status").is_none()>
                        "All"
                    </option>
                    {STATUSES
                        .iter()
                        .map(|(v, l)| {
                            view! {
                                <option value=*v selected=move || filter("status").as_deref() == Some(*v)>
                                    {*l}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="inline">
                "Type" <select on:change:target=move |ev| set_type(ev.target().value())>
                    <option value="" selected=move || filter("type").is_none()>
                        "All"
                    </option>
                    // Only kinds this register holds (and the one in the URL): no filter that
                    // can never match.
                    {move || {
                        let chosen = filter("type");
                        JobKind::ALL
                            .iter()
                            .filter(|k| {
                                chosen.as_deref() == Some(k.as_str())
                                    || jobs.register.with(|r| r.entries().iter().any(|e| e.kind == **k))
                            })
                            .map(|k| {
                                view! {
                                    <option
                                        value=k.as_str()
                                        selected=move || filter("type").as_deref() == Some(k.as_str())
                                    >
                                        {k.label()}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label class="inline">
                "Cluster" <select on:change:target=move |ev| set_cluster(ev.target().value())>
                    <option value="" selected=move || filter("cluster").is_none()>
                        "All"
                    </option>
                    <For each=move || clusters.get() key=|c| c.0.clone() let:c>
                        {
                            let id = c.0.clone();
                            let label = if c.1.is_empty() { c.0.clone() } else { c.1.clone() };
                            view! {
                                <option
                                    value=c.0.clone()
                                    selected=move || filter("cluster").as_deref() == Some(id.as_str())
                                >
                                    {label}
                                </option>
                            }
                        }
                    </For>
                </select>
            </label>
            <form class="follow" on:submit=follow>
                <label for="follow-job">"Job ID"</label>
                <input
                    id="follow-job"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="job-…"
                    aria-describedby="follow-job-error"
                    prop:value=move || draft.get()
                    on:input:target=move |ev| draft.set(ev.target().value())
                />
                <button type="submit">"Follow job"</button>
                <span id="follow-job-error" class="field-error">
                    {move || follow_error.get()}
                </span>
            </form>
        </div>
        <Show
            when=move || !ids.with(Vec::is_empty)
            fallback=move || {
                view! {
                    <p class="notice">
                        {move || {
                            if jobs.register.with(|r| r.is_empty()) {
                                "No jobs yet. Backups and restores started from this console appear here, and so does \
                                any job id you follow."
                            } else {
                                "No job matches these filters."
                            }
                        }}
                    </p>
                }
            }
        >
            <JobTable ids selected />
        </Show>
    }
}

// The page as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    jobs,
    pub fn chunk() {
        view! { <JobsPage /> }.into_any()
    }
);
