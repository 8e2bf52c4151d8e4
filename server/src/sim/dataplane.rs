//! The cluster endpoints behind each `connectAddress` (docs/api-contract.md §5): list databases and
//! collections. Errors are Milvus-style, not the control plane's 96xxx codes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::SimApp;
use super::state::{Cluster, SimState, canonical_db};
use crate::api::{ApiError, ApiResult, JsonBody, ok, str_field};
use crate::auth::{bearer_token, caller_for};

/// A demo API key, or `db_admin:<password>` of a restored cluster (either works on a real
/// cluster endpoint, §5).
fn authenticate(c: &Cluster, headers: &HeaderMap) -> Result<(), ApiError> {
    if caller_for(headers).is_some() {
        return Ok(());
    }
    let user_ok = bearer_token(headers)
        .and_then(|t| t.split_once(':'))
        .zip(c.db_admin_password.as_deref())
        .is_some_and(|((user, pw), want)| user == "db_admin" && pw == want);
    if user_ok {
        Ok(())
    } else {
        Err(ApiError::http(
            StatusCode::UNAUTHORIZED,
            1800,
            "user hasn't authenticated: the token is not valid for this cluster",
        ))
    }
}

fn reachable<'a>(st: &'a SimState, cluster_id: &str, headers: &HeaderMap) -> Result<&'a Cluster, ApiError> {
    let c = st.cluster(cluster_id).ok_or_else(|| {
        ApiError::http(StatusCode::NOT_FOUND, 404, format!("No cluster {cluster_id} behind this endpoint."))
    })?;
    authenticate(c, headers)?;
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
    headers: HeaderMap,
    _body: JsonBody,
) -> ApiResult {
    let st = app.sim.lock();
    let c = reachable(&st, &cluster_id, &headers)?;
    ok(Value::from(c.databases.iter().map(|d| d.name.clone()).collect::<Vec<_>>()))
}

pub async fn list_collections(
    State(app): State<SimApp>,
    Path(cluster_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let st = app.sim.lock();
    let c = reachable(&st, &cluster_id, &headers)?;
    let db_name = canonical_db(str_field(&body, &["dbName"]).unwrap_or("default"));
    let db =
        c.database(db_name).ok_or_else(|| ApiError::biz(800, format!("database not found[database={db_name}]")))?;
    ok(Value::from(db.collections.iter().map(|x| x.name.clone()).collect::<Vec<_>>()))
}
