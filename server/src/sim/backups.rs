//! Create, list, describe and delete backups; restore a cluster or a collection (docs/api-contract.md §2).

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::SimApp;
use super::clusters::{QueryMap, check_cluster_id, find_cluster, page, paging, query_map, require_dedicated};
use super::jobs::{
    BackupSpec, NewJob, new_cluster_id, new_password, restore_cluster_durations, restore_collection_durations,
    snapshot_all, snapshot_collection,
};
use super::state::{
    Backup, BackupDb, Cluster, Collection, Database, JobKind, RestoreItem, SimState, Tier, canonical_db,
};
use crate::api::{ApiError, ApiResult, JsonBody, field, int_value, ok, str_field};
use crate::auth::{Caller, require_manage};
use crate::time_util::parse_iso;

/// Regions the simulator knows (a copy must go to one of these, on the source's cloud).
pub const REGIONS: &[&str] = &[
    "aws-us-east-1",
    "aws-us-west-2",
    "aws-eu-central-1",
    "aws-ap-southeast-1",
    "aws-ap-northeast-1",
    "gcp-us-west1",
    "gcp-us-east4",
    "gcp-us-central1",
    "gcp-europe-west3",
    "gcp-asia-southeast1",
    "az-eastus",
    "az-westus3",
    "az-westeurope",
];

const BACKUP_NOT_FOUND: i64 = 96041;
const BACKUP_NOT_READY: i64 = 96042;

fn create_error(msg: impl AsRef<str>) -> ApiError {
    ApiError::biz(96038, format!("Failed to create backup. {}", msg.as_ref()))
}

/// Cross-region copies need an Enterprise-or-better plan (96028), a cloud other than Azure,
/// and known regions on the source's cloud other than its own (96001).
pub fn check_copy_regions(
    c: &Cluster,
    regions: &[String],
    azure_error: impl Fn(String) -> ApiError,
) -> Result<(), ApiError> {
    if regions.is_empty() {
        return Ok(());
    }
    if c.plan == "Standard" {
        return Err(ApiError::biz(
            96028,
            format!(
                "Feature only supported for enterprise plan clusters: cross-region backup copies need the Enterprise or BusinessCritical plan, and {} is on Standard.",
                c.cluster_name
            ),
        ));
    }
    if c.cloud() == "az" {
        return Err(azure_error(format!(
            "Cross-region backup is not supported for Azure clusters ({} is in {}).",
            c.cluster_name, c.region_id
        )));
    }
    for r in regions {
        if !REGIONS.contains(&r.as_str()) {
            return Err(ApiError::biz(96001, format!("Invalid regionId: {r}.")));
        }
        if r.split('-').next() != Some(c.cloud()) {
            return Err(ApiError::biz(
                96001,
                format!(
                    "Invalid regionId: {r}. A backup can only be copied to another region of the same cloud provider ({}).",
                    c.cloud()
                ),
            ));
        }
        if *r == c.region_id {
            return Err(ApiError::biz(
                96001,
                format!(
                    "Invalid regionId: {r}. Backups are always stored in the cluster's own region; choose another one."
                ),
            ));
        }
    }
    Ok(())
}

/// `[{regionId}]` (null or absent = none), duplicates dropped.
fn parse_copies(body: &Value) -> Result<Vec<String>, ApiError> {
    let Some(v) = field(body, &["crossRegionCopies"]) else {
        return Ok(Vec::new());
    };
    let items = v.as_array().ok_or_else(|| create_error("crossRegionCopies must be an array of {\"regionId\": …}."))?;
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let r = item
            .get("regionId")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::biz(96001, "Invalid regionId: every crossRegionCopies item needs a regionId."))?;
        if !out.iter().any(|x| x == r) {
            out.push(r.to_string());
        }
    }
    Ok(out)
}

/// COLLECTION backups: every listed collection must exist and sit in one database.
fn parse_db_collections(c: &Cluster, body: &Value) -> Result<Vec<BackupDb>, ApiError> {
    let items = field(body, &["dbCollections"])
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| create_error("dbCollections is required when backupType is COLLECTION."))?;
    let mut db_name: Option<String> = None;
    let mut names: Vec<String> = Vec::new();
    for item in items {
        let db = canonical_db(item.get("dbName").and_then(Value::as_str).unwrap_or("default")).to_string();
        match &db_name {
            None => db_name = Some(db.clone()),
            Some(first) if *first != db => {
                return Err(create_error(format!(
                    "All collections of a COLLECTION backup must be in the same database; got {first} and {db}."
                )));
            }
            Some(_) => {}
        }
        let list = item
            .get("collectionNames")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| create_error("Each dbCollections item needs a non-empty collectionNames array."))?;
        for n in list {
            let n = n.as_str().ok_or_else(|| create_error("collectionNames must hold strings."))?;
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
    }
    let db_name = db_name.unwrap_or_else(|| "default".into());
    let db = c
        .database(&db_name)
        .ok_or_else(|| create_error(format!("Database {db_name} not found in cluster {}.", c.cluster_name)))?;
    let mut collections = Vec::new();
    for n in &names {
        let coll = db
            .collections
            .iter()
            .find(|x| x.name == *n)
            .ok_or_else(|| create_error(format!("Collection {n} not found in database {db_name}.")))?;
        collections.push(snapshot_collection(coll));
    }
    Ok(vec![BackupDb { db_name, collections }])
}

pub async fn create(
    State(app): State<SimApp>,
    Extension(caller): Extension<Caller>,
    Path(cluster_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?.clone();
    require_manage(&caller, &cluster_id)?;
    require_dedicated(&c)?;
    let backup_type = match str_field(&body, &["backupType"]).map(str::to_ascii_uppercase).as_deref() {
        Some("CLUSTER") => "CLUSTER",
        Some("COLLECTION") => "COLLECTION",
        _ => {
            return Err(ApiError::biz(96029, "Invalid backupType. The value should be CLUSTER or COLLECTION."));
        }
    };
    if c.status != "RUNNING" {
        return Err(create_error(format!(
            "Cluster {} is {}; only a RUNNING cluster can be backed up.",
            c.cluster_name, c.status
        )));
    }
    let db_collections = if backup_type == "COLLECTION" { parse_db_collections(&c, &body)? } else { snapshot_all(&c) };
    let copies = parse_copies(&body)?;
    check_copy_regions(&c, &copies, create_error)?;
    // The concurrency rules (§2): checked and applied under the same lock as the insert.
    if let Some(j) = st.jobs.iter().find(|j| !j.status.is_terminal() && j.is_backup_of(&cluster_id, "MANUAL")) {
        return Err(create_error(format!(
            "A manual backup of cluster {} is already in progress (job {}); only one manual backup can be pending or in progress per cluster. Try again when it has finished.",
            c.cluster_name, j.job_id
        )));
    }
    if let Some(j) = st.jobs.iter().find(|j| !j.status.is_terminal() && j.is_backup_of(&cluster_id, "AUTO")) {
        return Err(create_error(format!(
            "An automatic backup of cluster {} is in progress (job {}); a manual backup cannot start until it has finished.",
            c.cluster_name, j.job_id
        )));
    }
    let (now, fail_rate) = (st.now, st.fail_rate());
    let started = st
        .start_backup(
            BackupSpec {
                cluster_id: cluster_id.clone(),
                method: "MANUAL",
                backup_type,
                db_collections,
                copies: copies.into_iter().map(|r| (r, None)).collect(),
                retention_days: None,
            },
            now,
            fail_rate,
        )
        .ok_or_else(|| create_error("The cluster disappeared."))?;
    st.mark_dirty();
    ok(json!({
        "backupId": started.backup_id,
        "backupName": started.backup_name,
        "jobId": started.job_id,
    }))
}

fn upper_param(q: &HashMap<String, String>, name: &str) -> Option<String> {
    q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_ascii_uppercase)
}

pub async fn list(State(app): State<SimApp>, q: QueryMap) -> ApiResult {
    let q = query_map(q);
    let (page_size, current_page) = paging(&q)?;
    let project = q.get("projectId").map(|s| s.trim()).filter(|s| !s.is_empty());
    if let Some(p) = project
        && !p.starts_with("proj-")
    {
        return Err(ApiError::biz(96005, format!("Invalid projectId: {p}.")));
    }
    let cluster = q.get("clusterId").map(|s| s.trim()).filter(|s| !s.is_empty());
    if let Some(c) = cluster {
        check_cluster_id(c)?;
    }
    // Upper-case is the API's spelling; the CLI docs write lower-case (§2.2): accept both.
    let method = upper_param(&q, "creationMethod");
    if method.as_deref().is_some_and(|m| m != "MANUAL" && m != "AUTO") {
        return Err(ApiError::biz(96030, "Invalid creationMethod. The value should be MANUAL or AUTO."));
    }
    let btype = upper_param(&q, "backupType");
    if btype.as_deref().is_some_and(|t| t != "CLUSTER" && t != "COLLECTION") {
        return Err(ApiError::biz(96029, "Invalid backupType. The value should be CLUSTER or COLLECTION."));
    }
    let time_param = |name: &str| -> Result<Option<u64>, ApiError> {
        match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => parse_iso(s).map(Some).ok_or_else(|| {
                ApiError::biz(
                    96007,
                    format!("Invalid {name}: {s}. Use an ISO-8601 UTC timestamp such as 2024-07-30T16:49:50Z."),
                )
            }),
        }
    };
    let start = time_param("startTime")?;
    let end = time_param("endTime")?;
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        return Err(ApiError::biz(96035, "Invalid time range: startTime must not be after endTime."));
    }
    let st = app.sim.lock();
    let mut backups: Vec<&Backup> = st
        .backups
        .iter()
        .filter(|b| b.status == "AVAILABLE" || b.status == "CREATING")
        .filter(|b| project.is_none_or(|p| b.project_id == p))
        .filter(|b| cluster.is_none_or(|c| b.cluster_id == c))
        .filter(|b| method.as_deref().is_none_or(|m| b.creation_method == m))
        .filter(|b| btype.as_deref().is_none_or(|t| b.backup_type == t))
        .filter(|b| start.is_none_or(|s| b.create_time >= s))
        .filter(|b| end.is_none_or(|e| b.create_time <= e))
        .collect();
    backups.sort_by(|a, b| b.create_time.cmp(&a.create_time).then_with(|| b.backup_id.cmp(&a.backup_id)));
    let items: Vec<Value> = backups.iter().map(|b| b.to_list_item()).collect();
    ok(json!({
        "count": items.len(),
        "currentPage": current_page,
        "pageSize": page_size,
        "backups": page(&items, page_size, current_page),
    }))
}

/// Finds a backup of a cluster by id, or by name (some reference pages show names in the
/// BACKUP_ID slot, §9.11).
fn find_backup<'a>(st: &'a SimState, cluster_id: &str, backup_id: &str) -> Result<&'a Backup, ApiError> {
    st.backups
        .iter()
        .filter(|b| b.cluster_id == cluster_id)
        .find(|b| b.backup_id == backup_id)
        .or_else(|| {
            st.backups
                .iter()
                .filter(|b| b.cluster_id == cluster_id)
                .find(|b| b.backup_name == backup_id)
        })
        .ok_or_else(|| {
            ApiError::biz(
                BACKUP_NOT_FOUND,
                format!("Backup {backup_id} not found in cluster {cluster_id}. Please use List Backups to check the backupId."),
            )
        })
}

pub async fn describe(State(app): State<SimApp>, Path((cluster_id, backup_id)): Path<(String, String)>) -> ApiResult {
    let st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?;
    require_dedicated(c)?;
    ok(find_backup(&st, &cluster_id, &backup_id)?.to_describe())
}

pub async fn delete(
    State(app): State<SimApp>,
    Extension(caller): Extension<Caller>,
    Path((cluster_id, backup_id)): Path<(String, String)>,
) -> ApiResult {
    let mut st = app.sim.lock();
    let c = find_cluster(&st, &cluster_id)?;
    require_manage(&caller, &cluster_id)?;
    require_dedicated(c)?;
    let b = find_backup(&st, &cluster_id, &backup_id)?.clone();
    if b.status == "CREATING" {
        return Err(ApiError::biz(
            BACKUP_NOT_READY,
            format!(
                "Backup {} is still being created (job {}); it can be deleted once it is AVAILABLE.",
                b.backup_name, b.job_id
            ),
        ));
    }
    let now = st.now;
    // Copies still waiting or running have nothing left to copy.
    for j in st.jobs.iter_mut() {
        if !j.status.is_terminal()
            && matches!(&j.kind, JobKind::BackupCopy { backup_id, .. } if *backup_id == b.backup_id)
        {
            j.status = super::state::JobStatus::Canceled;
            j.end_time = Some(now);
            j.final_progress = j.progress();
            j.reason = "The source backup was deleted.".into();
        }
    }
    st.fail_restores_from(&b.backup_id, now);
    st.backups.retain(|x| x.backup_id != b.backup_id);
    st.mark_dirty();
    ok(json!({ "backupId": b.backup_id, "backupName": b.backup_name }))
}

fn restore_cluster_error(msg: impl AsRef<str>) -> ApiError {
    ApiError::biz(96040, format!("Failed to restore cluster backup. {}", msg.as_ref()))
}

fn restore_collection_error(msg: impl AsRef<str>) -> ApiError {
    ApiError::biz(96039, format!("Failed to restore collection backup. {}", msg.as_ref()))
}

fn valid_cluster_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn valid_collection_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.len() <= 255
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub async fn restore_cluster(
    State(app): State<SimApp>,
    Extension(caller): Extension<Caller>,
    Path((cluster_id, backup_id)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut st = app.sim.lock();
    let source = find_cluster(&st, &cluster_id)?.clone();
    require_manage(&caller, &cluster_id)?;
    require_dedicated(&source)?;
    let backup = find_backup(&st, &cluster_id, &backup_id)?.clone();
    if backup.backup_type != "CLUSTER" {
        return Err(restore_cluster_error(format!(
            "Backup {} is a COLLECTION backup; only a CLUSTER backup can restore a cluster. Use Restore Collection instead.",
            backup.backup_name
        )));
    }
    if backup.status != "AVAILABLE" {
        return Err(restore_cluster_error(format!(
            "Backup {} is {}; only an AVAILABLE backup can be restored.",
            backup.backup_name, backup.status
        )));
    }
    // `projectId` (reference, CLIs) or `targetProjectId` (guides): §9.1.
    let project_id = str_field(&body, &["projectId", "targetProjectId"]).unwrap_or("").trim().to_string();
    if !project_id.starts_with("proj-") {
        return Err(ApiError::biz(
            96005,
            format!("Invalid projectId: '{project_id}'. projectId is required and looks like proj-…."),
        ));
    }
    let project = st
        .project(&project_id)
        .ok_or_else(|| {
            ApiError::biz(
                96012,
                format!("No permission on project {project_id}: it does not exist in this API key's organization."),
            )
        })?
        .clone();
    let name = str_field(&body, &["clusterName"]).unwrap_or("").trim().to_string();
    if !valid_cluster_name(&name) {
        return Err(ApiError::biz(
            96010,
            format!("Invalid clusterName: '{name}'. Use letters, digits and hyphens only (at most 64)."),
        ));
    }
    if st.clusters.iter().any(|c| c.project_id == project_id && c.cluster_name == name) {
        return Err(ApiError::biz(
            96017,
            format!("The cluster name {name} already exists in project {}.", project.project_name),
        ));
    }
    let cu_size = field(&body, &["cuSize"]).and_then(int_value).unwrap_or(0);
    if !(1..=256).contains(&cu_size) {
        return Err(ApiError::biz(96002, "Invalid cuSize. The value should be an integer between 1 and 256."));
    }
    if project.plan == "Standard" && cu_size > 32 {
        return Err(ApiError::biz(
            96023,
            format!(
                "The combination of cuType, cuSize and plan does not exist: a Standard project allows at most 32 CUs per cluster, got {cu_size}."
            ),
        ));
    }
    // KEEP/RELEASE is canonical; the CLIs offer LOADED/NOT_LOADED (§9.2).
    let keep = match str_field(&body, &["collectionStatus"]).map(str::to_ascii_uppercase).as_deref() {
        Some("KEEP" | "LOADED") => true,
        Some("RELEASE" | "NOT_LOADED" | "UNLOADED") => false,
        _ => {
            return Err(ApiError::biz(96031, "Invalid collectionStatus. The value should be KEEP or RELEASE."));
        }
    };
    if let Some(p) = str_field(&body, &["restoreVersionPolicy"])
        && !matches!(p.to_ascii_uppercase().as_str(), "ORIGINAL" | "LATEST")
    {
        return Err(restore_cluster_error("Invalid restoreVersionPolicy. The value should be ORIGINAL or LATEST."));
    }
    let new_id = new_cluster_id();
    let password = new_password();
    let now = st.now;
    let databases = backup
        .db_collections
        .iter()
        .map(|d| Database {
            name: d.db_name.clone(),
            collections: d
                .collections
                .iter()
                .map(|c| Collection {
                    name: c.collection_name.clone(),
                    description: c.description.clone(),
                    size_bytes: c.size_bytes,
                    row_count: c.row_count,
                    loaded: keep && c.status == "LOADED",
                })
                .collect(),
        })
        .collect();
    st.clusters.push(Cluster {
        cluster_id: new_id.clone(),
        cluster_name: name,
        project_id: project_id.clone(),
        description: format!("Restored from backup {}", backup.backup_name),
        region_id: source.region_id.clone(),
        tier: Tier::Dedicated,
        plan: project.plan.clone(),
        cu_type: source.cu_type.clone(),
        cu_size: u32::try_from(cu_size).unwrap_or(1),
        replica: 1,
        status: "CREATING".into(),
        create_time: now,
        create_progress: 0,
        databases,
        backup_counter: 0,
        db_admin_password: Some(password.clone()),
    });
    let fail_rate = st.fail_rate();
    let job_id = st.push_job(
        NewJob {
            job_type: "RESTORE",
            kind: JobKind::RestoreCluster { backup_id: backup.backup_id.clone(), new_cluster_id: new_id.clone() },
            cluster_id: new_id.clone(),
            project_id,
            durations: restore_cluster_durations(backup.size),
            after: None,
        },
        now,
        fail_rate,
    );
    st.mark_dirty();
    ok(json!({ "clusterId": new_id, "username": "db_admin", "password": password, "jobId": job_id }))
}

pub async fn restore_collection(
    State(app): State<SimApp>,
    Extension(caller): Extension<Caller>,
    Path((cluster_id, backup_id)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut st = app.sim.lock();
    let source = find_cluster(&st, &cluster_id)?.clone();
    require_manage(&caller, &cluster_id)?;
    require_dedicated(&source)?;
    let backup = find_backup(&st, &cluster_id, &backup_id)?.clone();
    if backup.status != "AVAILABLE" {
        return Err(restore_collection_error(format!(
            "Backup {} is {}; only an AVAILABLE backup can be restored.",
            backup.backup_name, backup.status
        )));
    }
    // `destClusterId` (current) or `targetClusterId` (oldest guide): §9.3.
    let dest_id = str_field(&body, &["destClusterId", "targetClusterId"]).unwrap_or("").trim().to_string();
    if dest_id.is_empty() {
        return Err(ApiError::biz(96025, "The clusterId is empty: destClusterId is required."));
    }
    let dest = find_cluster(&st, &dest_id)?.clone();
    require_manage(&caller, &dest_id)?;
    require_dedicated(&dest)?;
    if dest.status != "RUNNING" {
        return Err(restore_collection_error(format!(
            "The destination cluster {} is {}; it must be RUNNING.",
            dest.cluster_name, dest.status
        )));
    }
    let items = parse_restore_items(&backup, &body)?;
    // Names must be free in the destination, also against restores still running.
    for item in &items {
        let taken_now =
            dest.database(&item.dest_db).is_some_and(|d| d.collections.iter().any(|c| c.name == item.dest_collection));
        let taken_soon = st.jobs.iter().any(|j| {
            !j.status.is_terminal()
                && matches!(&j.kind, JobKind::RestoreCollection { dest_cluster_id, items, .. }
                    if *dest_cluster_id == dest_id
                        && items.iter().any(|i| canonical_db(&i.dest_db) == canonical_db(&item.dest_db) && i.dest_collection == item.dest_collection))
        });
        if taken_now || taken_soon {
            return Err(restore_collection_error(format!(
                "A collection named {} already exists (or is being restored) in database {} of cluster {}. Choose another destCollectionName.",
                item.dest_collection,
                canonical_db(&item.dest_db),
                dest.cluster_name
            )));
        }
    }
    let size: u64 = items
        .iter()
        .filter_map(|i| {
            backup
                .db_collections
                .iter()
                .filter(|d| canonical_db(&d.db_name) == canonical_db(&i.src_db))
                .flat_map(|d| d.collections.iter())
                .find(|c| c.collection_name == i.src_collection)
                .map(|c| c.size_bytes)
        })
        .fold(0u64, u64::saturating_add);
    let (now, fail_rate) = (st.now, st.fail_rate());
    let job_id = st.push_job(
        NewJob {
            job_type: "RESTORE",
            kind: JobKind::RestoreCollection {
                backup_id: backup.backup_id.clone(),
                dest_cluster_id: dest_id.clone(),
                items,
            },
            cluster_id: dest_id,
            project_id: dest.project_id.clone(),
            durations: restore_collection_durations(size),
            after: None,
        },
        now,
        fail_rate,
    );
    st.mark_dirty();
    ok(json!({ "jobId": job_id }))
}

/// `dbCollections[{dbName, destDbName, collections[{collectionName, destCollectionName,
/// destCollectionStatus}]}]`, also in the older `target…` spellings (§2.6, §9.3). Without
/// `collections` (or without `dbCollections`), every collection is restored unloaded.
fn parse_restore_items(backup: &Backup, body: &Value) -> Result<Vec<RestoreItem>, ApiError> {
    let all_of = |db: &BackupDb, dest_db: &str| -> Vec<RestoreItem> {
        db.collections
            .iter()
            .map(|c| RestoreItem {
                src_db: db.db_name.clone(),
                src_collection: c.collection_name.clone(),
                dest_db: dest_db.to_string(),
                dest_collection: c.collection_name.clone(),
                loaded: false,
            })
            .collect()
    };
    let Some(groups) = field(body, &["dbCollections"]).and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        return Ok(backup.db_collections.iter().flat_map(|d| all_of(d, &d.db_name)).collect());
    };
    let mut out = Vec::new();
    let mut explicit = 0usize;
    for g in groups {
        let src_db = canonical_db(str_field(g, &["dbName"]).unwrap_or("default")).to_string();
        let dest_db = canonical_db(str_field(g, &["destDbName", "targetDbName"]).unwrap_or(&src_db)).to_string();
        let Some(db) = backup.db_collections.iter().find(|d| canonical_db(&d.db_name) == src_db) else {
            return Err(restore_collection_error(format!(
                "Database {src_db} is not in backup {}.",
                backup.backup_name
            )));
        };
        let Some(colls) = field(g, &["collections"]).and_then(Value::as_array).filter(|a| !a.is_empty()) else {
            out.extend(all_of(db, &dest_db));
            continue;
        };
        for c in colls {
            explicit += 1;
            let name = str_field(c, &["collectionName"]).unwrap_or("").to_string();
            if !db.collections.iter().any(|x| x.collection_name == name) {
                return Err(restore_collection_error(format!(
                    "Collection '{name}' is not in backup {} (database {src_db}).",
                    backup.backup_name
                )));
            }
            let dest_name =
                str_field(c, &["destCollectionName", "targetCollectionName"]).unwrap_or(&name).trim().to_string();
            if !valid_collection_name(&dest_name) {
                return Err(restore_collection_error(format!(
                    "Invalid destCollectionName '{dest_name}': use letters, digits and underscores, starting with a letter or underscore."
                )));
            }
            let loaded = match str_field(c, &["destCollectionStatus", "targetCollectionStatus"])
                .map(str::to_ascii_uppercase)
                .as_deref()
            {
                None | Some("UNLOADED") => false,
                Some("LOADED") => true,
                Some(_) => {
                    return Err(ApiError::biz(
                        96037,
                        "Invalid targetCollectionStatus. The value should be LOADED or UNLOADED.",
                    ));
                }
            };
            out.push(RestoreItem {
                src_db: src_db.clone(),
                src_collection: name,
                dest_db: dest_db.clone(),
                dest_collection: dest_name,
                loaded,
            });
        }
    }
    if explicit > 1 {
        return Err(restore_collection_error(format!(
            "Only one collection can be restored per request; got {explicit}."
        )));
    }
    Ok(out)
}
