//! One async function per endpoint. Base URL, key, time-out and retries are applied here;
//! decoding and error mapping are `api_types::decode_response`.
//!
//! GETs retry on their own (network errors, time-outs, 429 and 5xx) with jittered exponential
//! backoff that honours `Retry-After`. POST and DELETE never retry on their own: a repeated
//! create could make a second backup.

use api_types::*;
use gloo_net::http::Method;
use serde::de::DeserializeOwned;

use std::cell::RefCell;
use std::time::Duration;

use super::key::ApiKey;
use super::transport::{self, Answer};
use crate::browser;
use crate::rules::{backoff, rate_limit::RateLimiter};

const TIMEOUT_MS: u32 = 15_000;
const GET_ATTEMPTS: u32 = 3;
const PAGE_SIZE: u64 = 100;
/// Enough for 10,000 clusters; a protection against a server that never ends its paging.
const MAX_PAGES: u64 = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct ApiClient {
    base: String,
    key: Option<ApiKey>,
    timeout_ms: u32,
    /// Gateway mode: data-plane calls go through the server (`/dataplane/{clusterId}`), which
    /// resolves the cluster's address itself, instead of straight to `connectAddress`.
    data_plane_via_server: bool,
}

thread_local! {
    // One budget per browser tab, shared by every client value (they are cheap clones).
    static LIMITER: RefCell<RateLimiter> = RefCell::new(RateLimiter::default());
}

/// Waits until the endpoint's per-second budget has room.
async fn throttle(endpoint: &'static str) {
    loop {
        match LIMITER.with(|l| l.borrow_mut().acquire(endpoint, browser::now_ms())) {
            Ok(()) => return,
            Err(wait_ms) => browser::sleep(Duration::from_millis(wait_ms.min(1_000))).await,
        }
    }
}

/// A successful answer and where its data is: the envelope is read once, on the request path.
struct Checked {
    answer: Answer,
    data: DataSpan,
}

/// Types a checked answer's data: the only per-endpoint (generic) step.
fn decode<T: DeserializeOwned>(c: Checked) -> Result<T, ApiError> {
    decode_data(c.answer.status, &c.answer.body, &c.data)
}

/// Percent-encodes a path segment or query value.
fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

impl ApiClient {
    pub fn new(base: String, key: Option<ApiKey>) -> Self {
        ApiClient {
            base: base.trim_end_matches('/').to_owned(),
            key,
            timeout_ms: TIMEOUT_MS,
            data_plane_via_server: false,
        }
    }

    pub fn with_data_plane_via_server(mut self, yes: bool) -> Self {
        self.data_plane_via_server = yes;
        self
    }

    /// Where a cluster's data-plane API is: its `connectAddress`, or the gateway's route to it.
    pub fn data_plane_url(&self, cluster: &Cluster) -> String {
        if self.data_plane_via_server || cluster.connect_address.is_empty() {
            format!("{}/dataplane/{}", self.base, enc(&cluster.cluster_id))
        } else {
            cluster.connect_address.trim_end_matches('/').to_owned()
        }
    }

    pub fn with_timeout(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// The base and a path whose segments the caller has encoded ([`enc`]); a query is added
    /// by the transport (gloo-net's `query`, URLSearchParams).
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// One exchange, checked: the answer if it is a success, its error otherwise. Not generic,
    /// so one copy of the request path serves every endpoint; [`decode`] types the data after.
    async fn once(
        &self,
        endpoint: &'static str,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<String>,
    ) -> Result<Checked, ApiError> {
        throttle(endpoint).await;
        let answer = transport::send(method, url, query, self.key.as_ref(), body, self.timeout_ms).await?;
        let data = check_response(answer.status, answer.retry_after.as_deref(), &answer.body)?;
        Ok(Checked { answer, data })
    }

    /// `endpoint` names the route ("GET /v2/jobs/{id}") for the rate limit.
    async fn get_answer(
        &self,
        endpoint: &'static str,
        url: String,
        query: &[(&str, String)],
    ) -> Result<Checked, ApiError> {
        let mut attempt = 0;
        loop {
            match self.once(endpoint, Method::GET, &url, query, None).await {
                Err(e) if e.is_retryable() && attempt + 1 < GET_ATTEMPTS => {
                    let wait = backoff::delay_ms(attempt, 500, 10_000, e.retry_after_secs, js_sys::Math::random());
                    browser::sleep(Duration::from_millis(wait)).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        decode(self.get_answer(endpoint, self.url(path), query).await?)
    }

    async fn post<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        url: String,
        body: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let json = serde_json::to_string(body).map_err(|e| ApiError::new(ErrorKind::BadShape, e.to_string()))?;
        decode(self.once(endpoint, Method::POST, &url, &[], Some(json)).await?)
    }

    // --- Projects and clusters (docs/api-contract.md §4) ---

    pub async fn list_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.get("GET /v2/projects", "/v2/projects", &[]).await
    }

    /// Every cluster, following the pages.
    pub async fn list_clusters(&self) -> Result<Vec<Cluster>, ApiError> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let list: ClusterList = self
                .get(
                    "GET /v2/clusters",
                    "/v2/clusters",
                    &[("pageSize", PAGE_SIZE.to_string()), ("currentPage", page.to_string())],
                )
                .await?;
            let page: ClusterPage = list.into();
            let got = page.clusters.len() as u64;
            all.extend(page.clusters);
            let total = page.count.unwrap_or(0);
            if got == 0 || got < PAGE_SIZE || all.len() as u64 >= total {
                break;
            }
        }
        Ok(all)
    }

    pub async fn describe_project(&self, project_id: &str) -> Result<Project, ApiError> {
        self.get("GET /v2/projects/{id}", &format!("/v2/projects/{}", enc(project_id)), &[]).await
    }

    pub async fn describe_cluster(&self, cluster_id: &str) -> Result<Cluster, ApiError> {
        self.get("GET /v2/clusters/{id}", &format!("/v2/clusters/{}", enc(cluster_id)), &[]).await
    }

    // --- Data plane (docs/api-contract.md §5): the cluster's own endpoint ---

    pub async fn list_databases(&self, connect_address: &str) -> Result<Vec<String>, ApiError> {
        let url = format!("{}/v2/vectordb/databases/list", connect_address.trim_end_matches('/'));
        self.post("POST /v2/vectordb/databases/list", url, &DbName { db_name: None }).await
    }

    pub async fn list_collections(&self, connect_address: &str, db_name: &str) -> Result<Vec<String>, ApiError> {
        let url = format!("{}/v2/vectordb/collections/list", connect_address.trim_end_matches('/'));
        self.post("POST /v2/vectordb/collections/list", url, &DbName { db_name: Some(db_name) }).await
    }

    // --- Backups (docs/api-contract.md §2) ---

    pub async fn list_backups(&self, filter: &BackupFilter) -> Result<BackupPage, ApiError> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(v) = &filter.project_id {
            q.push(("projectId", v.clone()));
        }
        if let Some(v) = &filter.cluster_id {
            q.push(("clusterId", v.clone()));
        }
        if let Some(v) = &filter.creation_method {
            q.push(("creationMethod", v.as_str().to_owned()));
        }
        if let Some(v) = &filter.backup_type {
            q.push(("backupType", v.as_str().to_owned()));
        }
        if let Some(v) = &filter.start_time {
            q.push(("startTime", v.clone()));
        }
        if let Some(v) = &filter.end_time {
            q.push(("endTime", v.clone()));
        }
        q.push(("pageSize", filter.page_size.clamp(1, 100).to_string()));
        q.push(("currentPage", filter.current_page.max(1).to_string()));
        self.get("GET /v2/backups", "/v2/backups", &q).await
    }

    pub async fn describe_backup(&self, cluster_id: &str, backup_id: &str) -> Result<BackupDetail, ApiError> {
        self.get(
            "GET /v2/clusters/{id}/backups/{id}",
            &format!("/v2/clusters/{}/backups/{}", enc(cluster_id), enc(backup_id)),
            &[],
        )
        .await
    }

    pub async fn create_backup(
        &self,
        cluster_id: &str,
        req: &CreateBackupRequest,
    ) -> Result<CreateBackupResponse, ApiError> {
        self.post(
            "POST /v2/clusters/{id}/backups/create",
            self.url(&format!("/v2/clusters/{}/backups/create", enc(cluster_id))),
            req,
        )
        .await
    }

    pub async fn delete_backup(&self, cluster_id: &str, backup_id: &str) -> Result<DeletedBackup, ApiError> {
        let url = self.url(&format!("/v2/clusters/{}/backups/{}", enc(cluster_id), enc(backup_id)));
        decode(self.once("DELETE /v2/clusters/{id}/backups/{id}", Method::DELETE, &url, &[], None).await?)
    }

    pub async fn restore_cluster(
        &self,
        cluster_id: &str,
        backup_id: &str,
        req: &RestoreClusterRequest,
    ) -> Result<RestoreClusterResponse, ApiError> {
        let url = self.url(&format!("/v2/clusters/{}/backups/{}/restoreCluster", enc(cluster_id), enc(backup_id)));
        self.post("POST /v2/clusters/{id}/backups/{id}/restoreCluster", url, req).await
    }

    pub async fn restore_collection(
        &self,
        cluster_id: &str,
        backup_id: &str,
        req: &RestoreCollectionRequest,
    ) -> Result<JobStarted, ApiError> {
        let url = self.url(&format!("/v2/clusters/{}/backups/{}/restoreCollection", enc(cluster_id), enc(backup_id)));
        self.post("POST /v2/clusters/{id}/backups/{id}/restoreCollection", url, req).await
    }

    pub async fn set_backup_policy(
        &self,
        cluster_id: &str,
        req: &SetPolicyRequest,
    ) -> Result<SetPolicyResponse, ApiError> {
        let url = self.url(&format!("/v2/clusters/{}/backups/policy", enc(cluster_id)));
        self.post("POST /v2/clusters/{id}/backups/policy", url, req).await
    }

    // --- Jobs (docs/api-contract.md §3) ---

    /// One request, no retries of its own: its one caller, the job poller, has its own schedule
    /// and backoff, and a retry here would multiply its requests behind the budget's back.
    pub async fn describe_job(&self, job_id: &str) -> Result<Job, ApiError> {
        let url = self.url(&format!("/v2/jobs/{}", enc(job_id)));
        decode(self.once("GET /v2/jobs/{id}", Method::GET, &url, &[], None).await?)
    }

    /// A cluster's newest jobs (`GET /v2/jobs`: in the service but not documented, docs/api-contract.md §3.2), to
    /// find the job of a backup whose Create answer was lost. Callers must cope with its absence.
    pub async fn list_jobs(&self, cluster_id: &str) -> Result<JobPage, ApiError> {
        self.get(
            "GET /v2/jobs",
            "/v2/jobs",
            &[("clusterId", cluster_id.to_owned()), ("pageSize", "20".to_owned()), ("currentPage", "1".to_owned())],
        )
        .await
    }

    pub async fn get_backup_policy(&self, cluster_id: &str) -> Result<BackupPolicy, ApiError> {
        self.get(
            "GET /v2/clusters/{id}/backups/policy",
            &format!("/v2/clusters/{}/backups/policy", enc(cluster_id)),
            &[],
        )
        .await
    }
}

/// The data-plane list bodies: `{}` or `{"dbName": …}`.
#[derive(serde::Serialize)]
struct DbName<'a> {
    #[serde(rename = "dbName", skip_serializing_if = "Option::is_none")]
    db_name: Option<&'a str>,
}

/// List Backups query. `None` means "no filter".
#[derive(Debug, Clone, PartialEq)]
pub struct BackupFilter {
    pub project_id: Option<String>,
    pub cluster_id: Option<String>,
    pub creation_method: Option<CreationMethod>,
    pub backup_type: Option<BackupType>,
    /// ISO-8601 UTC bounds of the creation time, both included.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub page_size: u64,
    pub current_page: u64,
}

impl Default for BackupFilter {
    fn default() -> Self {
        BackupFilter {
            project_id: None,
            cluster_id: None,
            creation_method: None,
            backup_type: None,
            start_time: None,
            end_time: None,
            page_size: 100,
            current_page: 1,
        }
    }
}

/// Reads `config.json` (resolved against the document's base URL, so a sub-path deployment
/// works). Any failure, from a 404 to a malformed file, yields the defaults: the console then
/// calls the origin that served it.
pub async fn load_deploy_config() -> DeployConfig {
    let Ok(answer) = transport::send(Method::GET, "config.json", &[], None, None, 5_000).await else {
        return DeployConfig::default();
    };
    if answer.status != 200 {
        return DeployConfig::default();
    }
    // As text, like every API answer (one serde_json reader type in the wasm).
    std::str::from_utf8(&answer.body).ok().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}
