//! `/clusters`: every project of the organization and its clusters.

use api_types::{ApiError, Cluster, Project};
use leptos::prelude::*;

use crate::api::ApiClient;
use crate::components::create_backup::CreateBackupTarget;
use crate::components::{cluster_table::ClusterTable, error_panel::ErrorPanel, needs_key::NeedsKey};
use crate::rules::format;
use crate::state::Connection;

/// Projects with their clusters; clusters of projects the key cannot list go last.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub groups: Vec<(Project, Vec<Cluster>)>,
    pub orphans: Vec<Cluster>,
}

impl Overview {
    pub fn new(projects: Vec<Project>, mut clusters: Vec<Cluster>) -> Self {
        let groups = projects
            .into_iter()
            .map(|p| {
                let (mine, rest) = clusters.drain(..).partition(|c| c.project_id == p.project_id);
                clusters = rest;
                (p, mine)
            })
            .collect();
        Overview { groups, orphans: clusters }
    }
}

async fn load(client: ApiClient) -> Result<Overview, ApiError> {
    let projects = client.list_projects().await?;
    let clusters = client.list_clusters().await?;
    Ok(Overview::new(projects, clusters))
}

#[component]
pub fn ClustersPage() -> impl IntoView {
    let conn = Connection::get();
    let data = conn.load(load);

    view! {
        <h1>"Clusters"</h1>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading clusters…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Some(Ok(overview)) => {
                            let target = CreateBackupTarget::get();
                            target.prefetch();
                            let on_create = Callback::new(move |c| target.open(c));
                            // Each cluster has a Create Backup button: fetch the dialog ahead.
                            view! { <OverviewView overview on_create /> }
                                .into_any()
                        }
                        Some(Err(error)) => {
                            view! { <ErrorPanel error retry=Callback::new(move |_| data.refetch()) /> }.into_any()
                        }
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

#[component]
pub fn OverviewView(
    overview: Overview,
    /// Offered as each cluster's "Create Backup" button.
    #[prop(optional)]
    on_create: Option<Callback<Cluster>>,
) -> impl IntoView {
    let total: usize = overview.groups.iter().map(|(_, c)| c.len()).sum::<usize>() + overview.orphans.len();
    let empty = total == 0;
    view! {
        <p class="summary">
            {format::count(overview.groups.len(), "project", "projects")} ", "
            {format::count(total, "cluster", "clusters")}
        </p>
        {empty.then(|| view! { <p class="notice">"This API key sees no clusters."</p> })}
        {overview
            .groups
            .into_iter()
            .map(|(project, clusters)| {
                let heading_id = format!("project-{}", project.project_id);
                let labelled_by = heading_id.clone();
                let plan = project.plan.as_ref().map(|p| format!("{} plan", p.label())).unwrap_or_default();
                let caption = format!("Clusters of {}", project.project_name);
                view! {
                    <section class="project" aria-labelledby=labelled_by>
                        <h2 id=heading_id>{project.project_name.clone()}</h2>
                        <p class="project-meta">
                            <code>{project.project_id.clone()}</code>
                            {(!plan.is_empty())
                                .then(|| {
                                    view! {
                                        " · "
                                        {plan}
                                    }
                                })}
                        </p>
                        {if clusters.is_empty() {
                            view! { <p class="muted">"No clusters in this project."</p> }.into_any()
                        } else {
                            view! {
                                <ClusterTable
                                    clusters
                                    caption
                                    on_create=on_create.unwrap_or_else(|| Callback::new(|_| ()))
                                />
                            }
                                .into_any()
                        }}
                    </section>
                }
            })
            .collect_view()}
        {(!overview.orphans.is_empty())
            .then(|| {
                view! {
                    <section class="project" aria-labelledby="project-other">
                        <h2 id="project-other">"Other clusters"</h2>
                        <ClusterTable
                            clusters=overview.orphans
                            caption="Clusters of other projects"
                            on_create=on_create.unwrap_or_else(|| Callback::new(|_| ()))
                        />
                    </section>
                }
            })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(id: &str) -> Project {
        Project { project_id: id.into(), project_name: id.into(), ..Default::default() }
    }
    fn cluster(id: &str, project: &str) -> Cluster {
        Cluster { cluster_id: id.into(), project_id: project.into(), ..Default::default() }
    }

    #[test]
    fn groups_clusters_by_project_and_keeps_orphans() {
        let o = Overview::new(
            vec![project("p1"), project("p2")],
            vec![cluster("a", "p2"), cluster("b", "p1"), cluster("c", "p9"), cluster("d", "p1")],
        );
        let ids: Vec<Vec<&str>> =
            o.groups.iter().map(|(_, cs)| cs.iter().map(|c| c.cluster_id.as_str()).collect()).collect();
        assert_eq!(ids, vec![vec!["b", "d"], vec!["a"]]);
        assert_eq!(o.orphans.len(), 1);
        assert_eq!(o.orphans[0].cluster_id, "c");
    }
}
