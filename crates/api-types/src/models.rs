//! Request and response bodies of the endpoints the console uses (docs/api-contract.md §2–§5).
//! Times are kept as the API's ISO-8601 UTC text; the console converts them at display.

use serde::{Deserialize, Serialize};

use crate::enums::*;
use crate::lenient;

/// `GET /v2/projects` item (docs/api-contract.md §4.1). `data` is an array.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(deserialize_with = "lenient::string")]
    pub project_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub project_name: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub region_ids: Vec<String>,
    /// Documented as a string, sent as a number (§9.10).
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub instance_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub create_time: String,
    #[serde(default)]
    pub plan: Option<Plan>,
    #[serde(default)]
    pub org_type: Option<OrgType>,
}

/// A cluster from List Clusters or Describe Cluster (docs/api-contract.md §4.2, §4.3).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    #[serde(deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub project_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub region_id: String,
    #[serde(default)]
    pub plan: Plan,
    #[serde(default, deserialize_with = "lenient::string")]
    pub cu_type: String,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub cu_size: Option<u64>,
    #[serde(default)]
    pub status: ClusterStatus,
    #[serde(default, deserialize_with = "lenient::string")]
    pub connect_address: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub create_time: String,
    /// Newer docs: Free / Serverless / Dedicated (docs/api-contract.md §9.15).
    #[serde(default, deserialize_with = "lenient::string")]
    pub deployment_option: String,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub storage_size: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub snapshot_number: Option<u64>,
}

/// The three deployment tiers the console gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    Free,
    Serverless,
    Dedicated,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Free => "Free",
            Tier::Serverless => "Serverless",
            Tier::Dedicated => "Dedicated",
        }
    }
}

/// The cloud a region belongs to, from the region id's prefix (`aws-`, `gcp-`, `az-`/`azure-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cloud {
    Aws,
    Gcp,
    Azure,
    Other,
}

impl Cloud {
    pub fn of_region(region_id: &str) -> Cloud {
        let r = region_id.to_ascii_lowercase();
        if r.starts_with("aws-") {
            Cloud::Aws
        } else if r.starts_with("gcp-") {
            Cloud::Gcp
        } else if r.starts_with("az-") || r.starts_with("azure-") {
            Cloud::Azure
        } else {
            Cloud::Other
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cloud::Aws => "AWS",
            Cloud::Gcp => "Google Cloud",
            Cloud::Azure => "Azure",
            Cloud::Other => "Unknown cloud",
        }
    }
}

impl Cluster {
    /// Free, Serverless or Dedicated. The API's `plan` alone is not enough: a Free cluster has
    /// been seen reported as "Serverless", so the id prefix (`in03-` Free, `in05-` Serverless)
    /// and `deploymentOption` are consulted first, as the official clients do (§4.3, §9.7).
    pub fn tier(&self) -> Tier {
        match self.deployment_option.to_ascii_lowercase().as_str() {
            "free" => return Tier::Free,
            "serverless" => return Tier::Serverless,
            "dedicated" => return Tier::Dedicated,
            _ => {}
        }
        if self.cluster_id.starts_with("in03-") {
            return Tier::Free;
        }
        match self.plan {
            Plan::Free => Tier::Free,
            Plan::Serverless => Tier::Serverless,
            Plan::Standard | Plan::Enterprise | Plan::BusinessCritical => Tier::Dedicated,
            // An unknown plan with dedicated compute is still dedicated.
            Plan::Unknown(_) if self.cu_size.unwrap_or(0) > 0 && !self.cu_type.is_empty() => Tier::Dedicated,
            Plan::Unknown(_) if self.cluster_id.starts_with("in05-") => Tier::Serverless,
            Plan::Unknown(_) => Tier::Serverless,
        }
    }

    pub fn cloud(&self) -> Cloud {
        Cloud::of_region(&self.region_id)
    }
}

/// `data` of a paged list: `{count, currentPage, pageSize, <items>}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClusterPage {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub current_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub page_size: Option<u64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub clusters: Vec<Cluster>,
}

/// List Clusters' `data`: documented as an array in one schema, a paged object everywhere
/// else (§9.6). Both decode to a page.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterList {
    Array(Vec<Cluster>),
    Page(ClusterPage),
}

// By hand rather than `#[serde(untagged)]`: untagged buffers the whole value and decodes it
// twice, through a second deserializer the browser would have to carry.
impl<'de> Deserialize<'de> for ClusterList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> serde::de::Visitor<'de> for ListVisitor {
            type Value = ClusterList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of clusters or a page of clusters")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ClusterList, A::Error> {
                let mut clusters = Vec::new();
                while let Some(c) = seq.next_element()? {
                    clusters.push(c);
                }
                Ok(ClusterList::Array(clusters))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ClusterList, A::Error> {
                ClusterPage::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(ClusterList::Page)
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

impl From<ClusterList> for ClusterPage {
    fn from(l: ClusterList) -> Self {
        match l {
            ClusterList::Page(p) => p,
            ClusterList::Array(clusters) => {
                ClusterPage { count: Some(clusters.len() as u64), clusters, ..Default::default() }
            }
        }
    }
}

/// A backup in List Backups (docs/api-contract.md §2.2).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    #[serde(deserialize_with = "lenient::string")]
    pub backup_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub backup_name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub project_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_name: String,
    #[serde(default)]
    pub backup_type: BackupType,
    #[serde(default)]
    pub creation_method: CreationMethod,
    #[serde(default)]
    pub status: BackupStatus,
    /// Bytes.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub size: Option<u64>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub create_time: String,
    /// Empty for manual backups, which never expire.
    #[serde(default, deserialize_with = "lenient::string")]
    pub expire_time: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupPage {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub current_page: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub page_size: Option<u64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub backups: Vec<Backup>,
}

/// A collection inside a backup.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupCollection {
    #[serde(deserialize_with = "lenient::string")]
    pub collection_name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupDb {
    #[serde(default, deserialize_with = "lenient::string")]
    pub db_name: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub collections: Vec<BackupCollection>,
}

/// Describe Backup (docs/api-contract.md §2.3). Newer docs nest collections under `dbCollections`, older
/// ones and every guide use a flat `collections` (§9.4): [`BackupDetail::databases`] merges both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupDetail {
    #[serde(flatten)]
    pub backup: Backup,
    #[serde(default, deserialize_with = "lenient::string")]
    pub region_id: String,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub db_collections: Vec<BackupDb>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub collections: Vec<BackupCollection>,
}

impl BackupDetail {
    pub fn databases(&self) -> Vec<BackupDb> {
        let mut dbs = self.db_collections.clone();
        if !self.collections.is_empty() {
            dbs.push(BackupDb { db_name: "default".into(), collections: self.collections.clone() });
        }
        dbs
    }
}

/// Create Backup request body (docs/api-contract.md §2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBackupRequest {
    pub backup_type: BackupType,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub db_collections: Vec<DbCollections>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cross_region_copies: Vec<RegionCopy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbCollections {
    pub db_name: String,
    pub collection_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionCopy {
    pub region_id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CreateBackupResponse {
    #[serde(deserialize_with = "lenient::string")]
    pub backup_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub backup_name: String,
    #[serde(deserialize_with = "lenient::string")]
    pub job_id: String,
}

/// Describe Job (docs/api-contract.md §3.1).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    #[serde(deserialize_with = "lenient::string")]
    pub job_id: String,
    /// Only MIGRATION is documented; BACKUP, RESTORE, … are kept as text.
    #[serde(default, deserialize_with = "lenient::string", rename = "type")]
    pub job_type: String,
    #[serde(default)]
    pub status: JobStatus,
    /// 0..=100, `None` when the service sent something that is not a percentage.
    #[serde(default, deserialize_with = "lenient::progress")]
    pub progress: Option<u8>,
    #[serde(default, deserialize_with = "lenient::string")]
    pub start_time: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub end_time: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub reason: String,
}

/// An item of List Jobs (`GET /v2/jobs`: in the service, not in the reference pages, docs/api-contract.md §3.2): Describe
/// Job's fields and, where the service adds it, the cluster. Used only to find the job of a
/// backup whose Create answer was lost.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct JobListItem {
    #[serde(deserialize_with = "lenient::string")]
    pub job_id: String,
    #[serde(default, deserialize_with = "lenient::string", rename = "type")]
    pub job_type: String,
    #[serde(default)]
    pub status: JobStatus,
    #[serde(default, deserialize_with = "lenient::string")]
    pub start_time: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct JobPage {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub jobs: Vec<JobListItem>,
}

/// Get Backup Policy (docs/api-contract.md §2.8).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackupPolicy {
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(default)]
    pub status: PolicyStatus,
    #[serde(default, deserialize_with = "lenient::string")]
    pub start_time: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub frequency: String,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub retention_days: Option<u64>,
    #[serde(default, deserialize_with = "lenient::null_as_default")]
    pub cross_region_copies: Vec<PolicyRegionCopy>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRegionCopy {
    #[serde(deserialize_with = "lenient::string")]
    pub region_id: String,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub retention_days: Option<u64>,
}

/// Delete Backup's `data` (docs/api-contract.md §2.4).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeletedBackup {
    #[serde(default, deserialize_with = "lenient::string")]
    pub backup_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub backup_name: String,
}

/// Restore Cluster Backup request (docs/api-contract.md §2.5). Sends `projectId`, the documented name
/// (guides say `targetProjectId`, §9.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreClusterRequest {
    pub project_id: String,
    pub cluster_name: String,
    pub cu_size: u64,
    /// KEEP or RELEASE (§9.2).
    pub collection_status: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub restore_version_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RestoreClusterResponse {
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
    /// Shown once; never stored or logged.
    #[serde(default, deserialize_with = "lenient::string")]
    pub password: String,
    #[serde(deserialize_with = "lenient::string")]
    pub job_id: String,
}

/// Restore Collection Backup request (docs/api-contract.md §2.6), current field names (§9.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreCollectionRequest {
    pub dest_cluster_id: String,
    pub db_collections: Vec<RestoreDb>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreDb {
    pub db_name: String,
    pub dest_db_name: String,
    pub collections: Vec<RestoreCollection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreCollection {
    pub collection_name: String,
    pub dest_collection_name: String,
    /// LOADED or UNLOADED.
    pub dest_collection_status: String,
}

/// `data` of endpoints that only start a job.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct JobStarted {
    #[serde(deserialize_with = "lenient::string")]
    pub job_id: String,
}

/// Set Backup Policy request (docs/api-contract.md §2.9). `crossRegionCopies` is always sent, `[]` when
/// empty, as both official clients do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetPolicyRequest {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retention_days: Option<u64>,
    #[serde(default)]
    pub cross_region_copies: Vec<PolicyRegionCopy>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SetPolicyResponse {
    #[serde(default, deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(default)]
    pub status: PolicyStatus,
}

/// The project's server's two modes, as `config.json` names them. Another value (a future
/// mode, another host) reads as `Other` rather than failing the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeployMode {
    /// The built-in simulator answers.
    Simulator,
    /// Requests are forwarded to a real upstream.
    Gateway,
    #[serde(other)]
    Other,
}

impl DeployMode {
    /// The header's badge text; `None` for a mode the console does not know.
    pub fn label(self) -> Option<&'static str> {
        match self {
            DeployMode::Simulator => Some("simulator"),
            DeployMode::Gateway => Some("gateway"),
            DeployMode::Other => None,
        }
    }
}

/// `config.json` next to `index.html`: deploy-time settings, so one build serves any
/// environment. Every field is optional; an unreadable file means "no deploy-time config".
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeployConfig {
    /// Default API base URL; `None` means "the origin that served the console".
    #[serde(default)]
    pub api_base_url: Option<String>,
    /// The server adds the API key itself: the console must not ask for one.
    #[serde(default)]
    pub server_holds_key: bool,
    /// Which kind of server answers the API, shown in the header when present.
    #[serde(default)]
    pub mode: Option<DeployMode>,
    /// Origins besides its own that the host's Content-Security-Policy lets the console call;
    /// `None` when the host does not say (a static host), so nothing can be checked.
    #[serde(default)]
    pub connect_origins: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str, plan: &str) -> Cluster {
        serde_json::from_value(serde_json::json!({"clusterId": id, "plan": plan})).unwrap()
    }

    #[test]
    fn deploy_config_is_the_contract_both_sides_use() {
        let c: DeployConfig = serde_json::from_str(
            r#"{"apiBaseUrl":null,"serverHoldsKey":true,"mode":"gateway","connectOrigins":["https://api.example.com"]}"#,
        )
        .unwrap();
        assert_eq!(c.mode, Some(DeployMode::Gateway));
        assert_eq!(c.connect_origins.as_deref(), Some(&["https://api.example.com".to_owned()][..]));
        // Written back, it reads the same (the server writes with this type).
        let again: DeployConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(again, c);
        // A mode this console does not know is not an error, and gets no badge.
        let odd: DeployConfig = serde_json::from_str(r#"{"mode":"hybrid"}"#).unwrap();
        assert_eq!(odd.mode, Some(DeployMode::Other));
        assert_eq!(DeployMode::Other.label(), None);
        assert_eq!(DeployMode::Simulator.label(), Some("simulator"));
    }

    #[test]
    fn tier_follows_prefix_then_plan() {
        // §9.7: a Free cluster reported as Serverless.
        assert_eq!(cluster("in03-0123456789abcde", "Serverless").tier(), Tier::Free);
        assert_eq!(cluster("in05-0123456789abcde", "Serverless").tier(), Tier::Serverless);
        for plan in ["Standard", "Enterprise", "BusinessCritical"] {
            assert_eq!(cluster("in01-0123456789abcde", plan).tier(), Tier::Dedicated, "{plan}");
        }
        let mut c = cluster("in01-x", "Serverless");
        c.deployment_option = "Dedicated".into();
        assert_eq!(c.tier(), Tier::Dedicated);
    }

    #[test]
    fn clouds_from_region_ids() {
        assert_eq!(Cloud::of_region("aws-us-west-2"), Cloud::Aws);
        assert_eq!(Cloud::of_region("gcp-us-west1"), Cloud::Gcp);
        assert_eq!(Cloud::of_region("az-eastus"), Cloud::Azure);
        assert_eq!(Cloud::of_region("ali-cn-hangzhou"), Cloud::Other);
    }

    #[test]
    fn backup_detail_merges_both_collection_shapes() {
        let old: BackupDetail =
            serde_json::from_str(r#"{"backupId":"b","collections":[{"collectionName":"a","status":"LOADED"}]}"#)
                .unwrap();
        assert_eq!(old.databases()[0].collections[0].collection_name, "a");
        let new: BackupDetail = serde_json::from_str(
            r#"{"backupId":"b","dbCollections":[{"dbName":"db1","collections":[{"collectionName":"c"}]}]}"#,
        )
        .unwrap();
        assert_eq!(new.databases()[0].db_name, "db1");
    }

    #[test]
    fn create_request_serialises_as_documented() {
        let req = CreateBackupRequest {
            backup_type: BackupType::Collection,
            db_collections: vec![DbCollections {
                db_name: "default".into(),
                collection_names: vec!["a".into(), "b".into()],
            }],
            cross_region_copies: vec![],
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"backupType":"COLLECTION","dbCollections":[{"dbName":"default","collectionNames":["a","b"]}]})
        );
    }
}
