//! Projects and clusters (docs/api-contract.md §4), plus the checks every cluster-scoped call shares.

use std::collections::{BTreeSet, HashMap};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::state::{Cluster, JobKind, Project, SimState, Tier};
use super::{SimApp, request_origin};
use crate::api::{ApiError, ApiResult, ok};
use crate::time_util::iso;

pub type QueryMap = Result<Query<HashMap<String, String>>, QueryRejection>;

pub fn query_map(q: QueryMap) -> HashMap<String, String> {
    q.map(|Query(m)| m).unwrap_or_default()
}

/// `pageSize` 1–100 (96008, default 10) and `currentPage` ≥ 1 (96009, default 1).
pub fn paging(q: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let param = |name: &str| q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let page_size = match param("pageSize") {
        None => 10,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::biz(96008, "Invalid pageSize. The value should be between 1 and 100."))?,
    };
    let current_page = match param("currentPage") {
        None => 1,
        Some(s) => s.parse::<i64>().ok().filter(|n| (1..=i64::from(i32::MAX)).contains(n)).ok_or_else(|| {
            ApiError::biz(96009, "Invalid currentPage. The value should be between 1 and 2147483647.")
        })?,
    };
    Ok((page_size as usize, current_page as usize))
}

pub fn page<T: Clone>(items: &[T], page_size: usize, current_page: usize) -> Vec<T> {
    items.iter().skip(page_size.saturating_mul(current_page - 1)).take(page_size).cloned().collect()
}

/// Cluster ids look like `in01-<hex>`; anything else is 96036 (empty: 96025).
pub fn check_cluster_id(id: &str) -> Result<(), ApiError> {
    if id.trim().is_empty() {
        return Err(ApiError::biz(96025, "The clusterId is empty."));
    }
    let valid = id.len() <= 64
        && id.starts_with("in")
        && id.as_bytes().get(2..4).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && id.as_bytes().get(4) == Some(&b'-')
        && id.len() > 5
        && id[5..].bytes().all(|b| b.is_ascii_alphanumeric());
    if valid { Ok(()) } else { Err(ApiError::biz(96036, format!("Invalid clusterId: {id}."))) }
}

pub fn find_cluster<'a>(st: &'a SimState, id: &str) -> Result<&'a Cluster, ApiError> {
    check_cluster_id(id)?;
    st.cluster(id).ok_or_else(|| {
        ApiError::biz(96018, format!("Cluster {id} not found. Please use List Clusters to check the clusterId."))
    })
}

/// Backups and policies exist only on Dedicated clusters (96021 Free, 96022 Serverless).
pub fn require_dedicated(c: &Cluster) -> Result<(), ApiError> {
    match c.tier {
        Tier::Dedicated => Ok(()),
        Tier::Free => Err(ApiError::biz(
            96021,
            format!(
                "Free cluster does not support this operation: backups need a Dedicated cluster ({} is Free).",
                c.cluster_id
            ),
        )),
        Tier::Serverless => Err(ApiError::biz(
            96022,
            format!(
                "Serverless cluster does not support this operation: backups need a Dedicated cluster ({} is Serverless).",
                c.cluster_id
            ),
        )),
    }
}

pub fn connect_address(origin: &str, cluster_id: &str) -> String {
    format!("{origin}/dataplane/{cluster_id}")
}

fn project_json(st: &SimState, p: &Project) -> Value {
    let in_project = st.clusters.iter().filter(|c| c.project_id == p.project_id);
    let regions: BTreeSet<&str> = in_project.clone().map(|c| c.region_id.as_str()).collect();
    json!({
        "projectId": p.project_id,
        "projectName": p.project_name,
        "regionIds": regions,
        "instanceCount": in_project.count(),
        "createTime": iso(p.create_time),
        "plan": p.plan,
        "orgType": "SAAS",
    })
}

/// List Clusters item: the documented list fields (§4.2).
fn cluster_list_item(c: &Cluster, host: &str) -> Value {
    json!({
        "clusterId": c.cluster_id,
        "clusterName": c.cluster_name,
        "description": c.description,
        "regionId": c.region_id,
        "plan": c.plan,
        "cuType": c.cu_type,
        "cuSize": c.cu_size,
        "status": c.status,
        "connectAddress": connect_address(host, &c.cluster_id),
        "privateLinkAddress": "",
        "projectId": c.project_id,
        "createTime": iso(c.create_time),
    })
}

/// Describe Cluster `data` (§4.3).
fn cluster_describe(st: &SimState, c: &Cluster, host: &str) -> Value {
    let mut v = cluster_list_item(c, host);
    let create_progress = if c.status == "CREATING" {
        st.jobs
            .iter()
            .find(|j| matches!(&j.kind, JobKind::RestoreCluster { new_cluster_id, .. } if *new_cluster_id == c.cluster_id))
            .map(|j| j.progress())
            .unwrap_or(c.create_progress)
    } else {
        100
    };
    let snapshots = st.backups.iter().filter(|b| b.cluster_id == c.cluster_id && b.status != "FAILED").count();
    if let Some(o) = v.as_object_mut() {
        o.insert("replica".into(), json!(c.replica));
        o.insert("storageSize".into(), json!(c.size_bytes()));
        o.insert("snapshotNumber".into(), json!(snapshots));
        o.insert("createProgress".into(), json!(create_progress));
    }
    v
}

pub async fn list_projects(State(app): State<SimApp>) -> ApiResult {
    let st = app.sim.lock();
    ok(Value::Array(st.projects.iter().map(|p| project_json(&st, p)).collect()))
}

pub async fn describe_project(State(app): State<SimApp>, Path(project_id): Path<String>) -> ApiResult {
    if !project_id.starts_with("proj-") {
        return Err(ApiError::biz(96005, format!("Invalid projectId: {project_id}. A project id looks like proj-….")));
    }
    let st = app.sim.lock();
    let p = st.project(&project_id).ok_or_else(|| {
        ApiError::biz(
            96012,
            format!("No permission on project {project_id}: it does not exist in this API key's organization."),
        )
    })?;
    ok(project_json(&st, p))
}

pub async fn list_clusters(State(app): State<SimApp>, headers: HeaderMap, q: QueryMap) -> ApiResult {
    let q = query_map(q);
    let (page_size, current_page) = paging(&q)?;
    let host = request_origin(&headers, &app.bound);
    let st = app.sim.lock();
    // Undocumented but harmless: a projectId filter (the console may send one).
    let mut clusters: Vec<&Cluster> =
        st.clusters.iter().filter(|c| q.get("projectId").is_none_or(|p| p.is_empty() || *p == c.project_id)).collect();
    clusters.sort_by_key(|c| c.create_time);
    let items: Vec<Value> = clusters.iter().map(|c| cluster_list_item(c, &host)).collect();
    ok(json!({
        "count": items.len(),
        "currentPage": current_page,
        "pageSize": page_size,
        "clusters": page(&items, page_size, current_page),
    }))
}

pub async fn describe_cluster(
    State(app): State<SimApp>,
    headers: HeaderMap,
    Path(cluster_id): Path<String>,
) -> ApiResult {
    let host = request_origin(&headers, &app.bound);
    let st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?;
    ok(cluster_describe(&st, c, &host))
}
