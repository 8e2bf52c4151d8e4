//! The list of backups with its filters and pages, on the Backups page and on each cluster's
//! page. What it shows is the URL query (`rules::backup_query`), so a filtered view can be
//! shared and survives a reload; a control changes the URL, and the list follows it.

use api_types::{ApiError, BackupPage, BackupType, Cluster, CreationMethod, Project};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::client::BackupFilter;
use crate::browser;
use crate::components::choice::id_options;
use crate::components::{backup_table::BackupTable, error_panel::ErrorPanel};
use crate::rules::backup_query::{BackupQuery, Date, PAGE_SIZES};
use crate::state::Connection;
use crate::state::jobs::Jobs;

/// The API filter for a view of the list.
fn api_filter(q: &BackupQuery, fixed_cluster: Option<&str>) -> BackupFilter {
    let (start_time, end_time) = q.time_range(|d: Date| browser::local_midnight_ms(d.year, d.month, d.day));
    BackupFilter {
        project_id: if fixed_cluster.is_some() { None } else { q.project.clone() },
        cluster_id: fixed_cluster.map(str::to_owned).or_else(|| q.cluster.clone()),
        creation_method: q.created_by.clone(),
        backup_type: q.kind.clone(),
        start_time,
        end_time,
        page_size: q.page_size,
        current_page: q.page,
    }
}

#[component]
pub fn BackupList(
    /// On a cluster's page: the cluster, whose filter is then not offered.
    #[prop(optional, into)]
    fixed_cluster: Option<String>,
) -> impl IntoView {
    let conn = Connection::get();
    let jobs = Jobs::get();
    let query_map = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let query = Memo::new(move |_| {
        query_map.with(|m| BackupQuery::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))))
    });
    let fixed = StoredValue::new(fixed_cluster.clone());
    let on_cluster_page = fixed_cluster.is_some();

    let page = conn.load(move |client| {
        // A backup or restore job finishing refreshes the list once.
        jobs.finished.track();
        let filter = api_filter(&query.get(), fixed.get_value().as_deref());
        async move { client.list_backups(&filter).await }
    });
    // The projects and clusters offered as filters (the Backups page only). A failure leaves
    // the list usable: the filter then offers what the URL holds.
    let choices = conn.load(move |client| async move {
        if on_cluster_page {
            return Ok((Vec::new(), Vec::new()));
        }
        let projects = client.list_projects().await?;
        let clusters = client.list_clusters().await?;
        Ok::<(Vec<Project>, Vec<Cluster>), ApiError>((projects, clusters))
    });

    let go = move |q: BackupQuery| {
        // The address bar's path already holds the base: not resolved against it again.
        let url = format!("{}{}", location.pathname.get_untracked(), q.to_query_string());
        navigate(&url, NavigateOptions { replace: true, scroll: false, resolve: false, ..Default::default() });
    };
    // The router's navigate is not Send: kept in this list's arena.
    let go = StoredValue::new_local(go);
    // A filter changed: the same view on page 1.
    let set = move |f: fn(&mut BackupQuery, String)| {
        move |value: String| {
            let mut q = query.get_untracked();
            f(&mut q, value);
            go.with_value(|go| go(q.first_page()));
        }
    };

    let projects = move || choices.get().flatten().and_then(Result::ok).map(|c| c.0).unwrap_or_default();
    let clusters = move || {
        let project = query.with(|q| q.project.clone());
        choices
            .get()
            .flatten()
            .and_then(Result::ok)
            .map(|c| c.1)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| project.as_ref().is_none_or(|p| &c.project_id == p))
            .collect::<Vec<_>>()
    };

    let filters = view! {
        <div class="toolbar filters" role="group" aria-label="Filter backups">
            {(!on_cluster_page)
                .then(|| {
                    view! {
                        <div class="inline-field">
                            <label for="filter-project">"Project"</label>
                            <select
                                id="filter-project"
                                on:change:target=move |ev| {
                                    set(|q, v| {
                                        q.project = (!v.is_empty()).then_some(v);
                                        q.cluster = None;
                                    })(ev.target().value())
                                }
                            >
                                <option value="" selected=move || query.with(|q| q.project.is_none())>
                                    "All projects"
                                </option>
                                {move || {
                                    let list = projects().into_iter().map(|p| (p.project_id, p.project_name)).collect();
                                    id_options(list, query.with(|q| q.project.clone()))
                                }}
                            </select>
                        </div>
                        <div class="inline-field">
                            <label for="filter-cluster">"Cluster"</label>
                            <select
                                id="filter-cluster"
                                on:change:target=move |ev| {
                                    set(|q, v| q.cluster = (!v.is_empty()).then_some(v))(ev.target().value())
                                }
                            >
                                <option value="" selected=move || query.with(|q| q.cluster.is_none())>
                                    "All clusters"
                                </option>
                                {move || {
                                    let list = clusters().into_iter().map(|c| (c.cluster_id, c.cluster_name)).collect();
                                    id_options(list, query.with(|q| q.cluster.clone()))
                                }}
                            </select>
                        </div>
                    }
                })}
            <div class="inline-field">
                <label for="filter-by">"Created by"</label>
                <select
                    id="filter-by"
                    on:change:target=move |ev| {
                        set(|q, v| {
                            q.created_by = (!v.is_empty()).then(|| CreationMethod::parse(&v));
                        })(ev.target().value())
                    }
                >
                    {options_with_all(
                        "Anyone",
                        vec![("MANUAL", "Manual"), ("AUTO", "Automatic")],
                        move || query.with(|q| q.created_by.as_ref().map(|m| m.as_str().to_owned())),
                    )}
                </select>
            </div>
            <div class="inline-field">
                <label for="filter-type">"Type"</label>
                <select
                    id="filter-type"
                    on:change:target=move |ev| {
                        set(|q, v| q.kind = (!v.is_empty()).then(|| BackupType::parse(&v)))(ev.target().value())
                    }
                >
                    {options_with_all(
                        "All types",
                        vec![("CLUSTER", "Cluster"), ("COLLECTION", "Collection")],
                        move || query.with(|q| q.kind.as_ref().map(|m| m.as_str().to_owned())),
                    )}
                </select>
            </div>
            <div class="inline-field">
                <label for="filter-from">"Created from"</label>
                <input
                    id="filter-from"
                    type="date"
                    prop:value=move || query.with(|q| q.from.map(|d| d.to_string()).unwrap_or_default())
                    on:change:target=move |ev| set(|q, v| q.from = Date::parse(&v))(ev.target().value())
                />
            </div>
            <div class="inline-field">
                <label for="filter-to">"Created to"</label>
                <input
                    id="filter-to"
                    type="date"
                    prop:value=move || query.with(|q| q.to.map(|d| d.to_string()).unwrap_or_default())
                    on:change:target=move |ev| set(|q, v| q.to = Date::parse(&v))(ev.target().value())
                />
            </div>
            <div class="inline-field">
                <label for="filter-size">"Per page"</label>
                <select
                    id="filter-size"
                    on:change:target=move |ev| {
                        set(|q, v| q.page_size = v.parse().unwrap_or(q.page_size))(ev.target().value())
                    }
                >
                    {PAGE_SIZES
                        .iter()
                        .map(|n| {
                            let n = *n;
                            view! {
                                <option value=n.to_string() selected=move || query.with(|q| q.page_size == n)>
                                    {n.to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {move || {
                query
                    .with(|q| q.is_filtered() && !(on_cluster_page && only_cluster(q)))
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                on:click=move |_| {
                                    let size = query.get_untracked().page_size;
                                    go.with_value(|go| go(BackupQuery {
                                        page_size: size,
                                        ..BackupQuery::default()
                                    }));
                                }
                            >
                                "Clear filters"
                            </button>
                        }
                    })
            }}
        </div>
    };

    view! {
        {filters}
        // One live region, outside the table (which is rebuilt on each load), says what is shown.
        <p class="status-line" role="status">
            {move || match page.get().flatten() {
                Some(Ok(p)) => {
                    let q = query.get_untracked();
                    let total = p.count.unwrap_or(p.backups.len() as u64);
                    format!("{} · page {} of {}", q.range_text(total, p.backups.len()), q.page, q.page_count(total))
                }
                _ => String::new(),
            }}
        </p>
        <Transition fallback=|| {
            view! {
                <p class="loading" role="status">
                    "Loading backups…"
                </p>
            }
        }>
            {move || Suspend::new(async move {
                let result: Option<Result<BackupPage, ApiError>> = page.await;
                match result {
                    Some(Ok(p)) => {
                        let q = query.get_untracked();
                        let mut backups = p.backups;
                        backups.sort_by(|a, b| b.create_time.cmp(&a.create_time));
                        let total = p.count.unwrap_or(backups.len() as u64);
                        let filtered = q.is_filtered();
                        // Newest first on the page, whatever order it came in (the simulator
                        // and the CLIs' paging are newest first across pages).
                        view! {
                            <BackupTable backups show_cluster=!on_cluster_page filtered />
                            <Pager query=q total go=Callback::new(move |q| go.with_value(|go| go(q))) />
                        }
                            .into_any()
                    }
                    Some(Err(error)) => {
                        view! { <ErrorPanel error retry=Callback::new(move |_| page.refetch()) /> }.into_any()
                    }
                    None => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// On a cluster's page, a `cluster` in the URL is not a filter the user set.
fn only_cluster(q: &BackupQuery) -> bool {
    q.created_by.is_none() && q.kind.is_none() && q.from.is_none() && q.to.is_none() && q.project.is_none()
}

fn options_with_all(
    all: &'static str,
    list: Vec<(&'static str, &'static str)>,
    chosen: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <option value="" selected=move || chosen().is_none()>
            {all}
        </option>
        {list
            .into_iter()
            .map(|(value, label)| {
                view! {
                    <option value=value selected=move || chosen().as_deref() == Some(value)>
                        {label}
                    </option>
                }
            })
            .collect_view()}
    }
}

/// The Previous / Next page buttons.
#[component]
fn Pager(query: BackupQuery, total: u64, go: Callback<BackupQuery>) -> impl IntoView {
    let pages = query.page_count(total);
    let page = query.page;
    // Past the end (a shared link after deletions): Previous goes to the last page.
    let (prev, next) = (query.with_page(page.saturating_sub(1).min(pages)), query.with_page(page + 1));
    let (first, last) = (page <= 1, page >= pages);
    view! {
        <nav class="pager" aria-label="Pages of backups">
            <button type="button" disabled=first on:click=move |_| go.run(prev.clone())>
                "Previous page"
            </button>
            <button type="button" disabled=last on:click=move |_| go.run(next.clone())>
                "Next page"
            </button>
        </nav>
    }
}
