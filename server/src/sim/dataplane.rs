//! The cluster endpoints behind each `connectAddress` (reference §5): list databases and
//! collections. Errors are Milvus-style, not the control plane's 96xxx codes.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use super::SimApp;
use super::state::{Cluster, SimState, canonical_db};
use crate::api::{ApiError, ApiResult, ok, parse_body, str_field};

fn reachable<'a>(st: &'a SimState, cluster_id: &str) -> Result<&'a Cluster, ApiError> {
    let c = st.cluster(cluster_id).ok_or_else(|| {
        ApiError::http(
            StatusCode::NOT_FOUND,
            404,
            format!("No cluster {cluster_id} behind this endpoint."),
        )
    })?;
    if c.status != "RUNNING" {
        // A stopped or still-creating cluster's endpoint does not serve requests.
        return Err(ApiError::http(
            StatusCode::SERVICE_UNAVAILABLE,
            503,
            format!(
                "Cluster {} is {}; its endpoint serves requests only while it is RUNNING.",
                c.cluster_name, c.status
            ),
        ));
    }
    Ok(c)
}

pub async fn list_databases(
    State(app): State<SimApp>,
    Path(cluster_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    parse_body(&body)?;
    let st = app.sim.lock();
    let c = reachable(&st, &cluster_id)?;
    ok(Value::from(
        c.databases
            .iter()
            .map(|d| d.name.clone())
            .collect::<Vec<_>>(),
    ))
}

pub async fn list_collections(
    State(app): State<SimApp>,
    Path(cluster_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = parse_body(&body)?;
    let st = app.sim.lock();
    let c = reachable(&st, &cluster_id)?;
    let db_name = canonical_db(str_field(&body, &["dbName"]).unwrap_or("default"));
    let db = c
        .database(db_name)
        .ok_or_else(|| ApiError::biz(800, format!("database not found[database={db_name}]")))?;
    ok(Value::from(
        db.collections
            .iter()
            .map(|x| x.name.clone())
            .collect::<Vec<_>>(),
    ))
}
