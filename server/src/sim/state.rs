//! The simulator's whole world, as one serialisable value. Everything that must survive a
//! restart lives here; the state file is this struct as JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::time_util::iso;

/// Bumped whenever the layout changes: a file of another layout is refused at start (`--reset`
/// sets it aside and starts from the seed).
pub const SCHEMA_VERSION: u32 = 1;

/// The largest counter, size or time a state file may hold: JSON's safe integers, so that no
/// sum or increment of them overflows.
pub const MAX_NUMBER: u64 = (1 << 53) - 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimState {
    pub schema_version: u32,
    pub projects: Vec<Project>,
    pub clusters: Vec<Cluster>,
    pub backups: Vec<Backup>,
    /// clusterId → policy; a cluster without an entry has the policy disabled.
    pub policies: BTreeMap<String, Policy>,
    pub jobs: Vec<Job>,
    /// Numbers the `backupN_` prefix of backup ids.
    pub next_backup_seq: u64,
}

impl SimState {
    /// Numbers read from a file are bounded before anything adds to them.
    pub fn check(&self) -> Result<(), String> {
        let too_big = |what: &str, v: u64| (v > MAX_NUMBER).then(|| format!("{what} is {v}, above {MAX_NUMBER}"));
        let mut problems = vec![too_big("nextBackupSeq", self.next_backup_seq)];
        for c in &self.clusters {
            problems.push(too_big(&format!("backupCounter of {}", c.cluster_id), c.backup_counter));
            for col in c.databases.iter().flat_map(|d| &d.collections) {
                problems.push(too_big(&format!("sizeBytes of {}", col.name), col.size_bytes));
                problems.push(too_big(&format!("rowCount of {}", col.name), col.row_count));
            }
        }
        match problems.into_iter().flatten().next() {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub project_id: String,
    pub project_name: String,
    pub plan: String,
    pub create_time: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    Free,
    Serverless,
    Dedicated,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub cluster_id: String,
    pub cluster_name: String,
    pub project_id: String,
    pub description: String,
    pub region_id: String,
    pub tier: Tier,
    /// As the API reports it: a Free cluster says "Serverless" (docs/api-contract.md §4.3, §9.7).
    pub plan: String,
    pub cu_type: String,
    pub cu_size: u32,
    pub replica: u32,
    pub status: String,
    pub create_time: u64,
    /// Used only while CREATING without a restore job (a seeded cluster stays where it is).
    pub create_progress: u8,
    pub databases: Vec<Database>,
    /// Numbers the `{clusterName}_backupN` names.
    pub backup_counter: u64,
    /// Set by Restore Cluster (the only time the API reveals it): the data plane then also
    /// accepts `Bearer db_admin:<password>` for this cluster (docs/api-contract.md §5).
    #[serde(default)]
    pub db_admin_password: Option<String>,
}

impl Cluster {
    pub fn size_bytes(&self) -> u64 {
        self.databases.iter().flat_map(|d| d.collections.iter()).fold(0, |a, c| a.saturating_add(c.size_bytes))
    }

    pub fn database(&self, name: &str) -> Option<&Database> {
        let name = canonical_db(name);
        self.databases.iter().find(|d| d.name == name)
    }

    pub fn cloud(&self) -> &str {
        self.region_id.split('-').next().unwrap_or("")
    }
}

/// `_default` (a list-collections example) and `default` (list-databases, CLIs) name the same
/// database (docs/api-contract.md §5, §9.12).
pub fn canonical_db(name: &str) -> &str {
    match name.trim() {
        "" | "_default" => "default",
        other => other,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Database {
    pub name: String,
    pub collections: Vec<Collection>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub name: String,
    pub description: String,
    pub size_bytes: u64,
    pub row_count: u64,
    pub loaded: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    pub backup_id: String,
    pub backup_name: String,
    pub cluster_id: String,
    pub cluster_name: String,
    pub project_id: String,
    pub region_id: String,
    pub backup_type: String,
    pub creation_method: String,
    /// CREATING → AVAILABLE, or FAILED (then hidden from List Backups, which lists only
    /// "AVAILABLE or CREATING backups").
    pub status: String,
    pub size: u64,
    pub create_time: u64,
    pub expire_time: Option<u64>,
    pub db_collections: Vec<BackupDb>,
    pub job_id: String,
    pub copies: Vec<BackupCopy>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupDb {
    pub db_name: String,
    pub collections: Vec<BackupCollection>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupCollection {
    pub collection_name: String,
    pub description: String,
    /// `LOADED` or `UNLOADED`: the load state when the backup was taken.
    pub status: String,
    pub size_bytes: u64,
    pub row_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupCopy {
    pub region_id: String,
    pub retention_days: Option<u32>,
    pub job_id: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub enabled: bool,
    pub frequency: String,
    pub start_time: String,
    pub retention_days: u32,
    pub cross_region_copies: Vec<PolicyCopy>,
    pub enabled_at: u64,
    /// Start of the last schedule slot that produced a backup (so a slot runs once).
    pub last_slot: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCopy {
    pub region_id: String,
    pub retention_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    InProgress,
    Successful,
    Failed,
    Canceled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::InProgress => "IN_PROGRESS",
            Self::Successful => "SUCCESSFUL",
            Self::Failed => "FAILED",
            Self::Canceled => "CANCELED",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Successful | Self::Failed | Self::Canceled)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum JobKind {
    Backup { backup_id: String, method: String },
    BackupCopy { backup_id: String, region_id: String },
    RestoreCluster { backup_id: String, new_cluster_id: String },
    RestoreCollection { backup_id: String, dest_cluster_id: String, items: Vec<RestoreItem> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreItem {
    pub src_db: String,
    pub src_collection: String,
    pub dest_db: String,
    pub dest_collection: String,
    pub loaded: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    /// API `type`: BACKUP or RESTORE (the reference's unofficial list; §3.1).
    pub job_type: String,
    pub kind: JobKind,
    pub cluster_id: String,
    pub project_id: String,
    pub status: JobStatus,
    /// Work in milliseconds at speed 1: first the queue wait, then the run proper.
    pub pending_ms: f64,
    pub run_ms: f64,
    pub work_done_ms: f64,
    /// Wall-clock instant up to which `work_done_ms` is accounted (advancing is lazy).
    pub advanced_at: u64,
    pub create_time: u64,
    pub start_time: Option<u64>,
    pub end_time: Option<u64>,
    /// Share of the run after which this job fails (decided at creation from --fail-rate).
    pub fail_at: Option<f64>,
    pub reason: String,
    /// A cross-region copy waits for its backup's main job.
    pub after: Option<String>,
    /// Progress frozen at the end (100 on success, where it stopped on failure).
    pub final_progress: u8,
}

impl Job {
    pub fn progress(&self) -> u8 {
        match self.status {
            JobStatus::Pending => 0,
            JobStatus::InProgress => {
                let run = (self.work_done_ms - self.pending_ms).max(0.0);
                let pct = if self.run_ms > 0.0 { (run / self.run_ms * 100.0).floor() } else { 99.0 };
                pct.clamp(0.0, 99.0) as u8
            }
            _ => self.final_progress,
        }
    }

    /// Describe Job `data`; every field a string, as documented (§3.1, §9.5).
    pub fn to_api(&self) -> Value {
        json!({
            "jobId": self.job_id,
            "type": self.job_type,
            "status": self.status.as_str(),
            "progress": self.progress().to_string(),
            "startTime": iso(self.start_time.unwrap_or(self.create_time)),
            "endTime": self.end_time.map(iso).unwrap_or_default(),
            "reason": self.reason,
        })
    }

    pub fn is_backup_of(&self, cluster_id: &str, method: &str) -> bool {
        matches!(&self.kind, JobKind::Backup { method: m, .. } if m == method) && self.cluster_id == cluster_id
    }
}

impl Backup {
    /// List Backups item: exactly the documented field set (§2.2: no regionId, no collections).
    pub fn to_list_item(&self) -> Value {
        json!({
            "projectId": self.project_id,
            "backupId": self.backup_id,
            "backupName": self.backup_name,
            "backupType": self.backup_type,
            "creationMethod": self.creation_method,
            "status": self.status,
            "size": self.size,
            "expireTime": self.expire_time.map(iso),
            "clusterId": self.cluster_id,
            "clusterName": self.cluster_name,
            "createTime": iso(self.create_time),
        })
    }

    /// Describe Backup `data` in the newest documented form (`dbCollections`, §2.3).
    pub fn to_describe(&self) -> Value {
        let db_collections: Vec<Value> = self
            .db_collections
            .iter()
            .map(|d| {
                json!({
                    "dbName": d.db_name,
                    "collections": d.collections.iter().map(|c| json!({
                        "collectionName": c.collection_name,
                        "description": c.description,
                        "status": c.status,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "clusterId": self.cluster_id,
            "clusterName": self.cluster_name,
            "projectId": self.project_id,
            "backupId": self.backup_id,
            "backupName": self.backup_name,
            "backupType": self.backup_type,
            "creationMethod": self.creation_method,
            "status": self.status,
            "size": self.size,
            "regionId": self.region_id,
            "expireTime": self.expire_time.map(iso),
            "dbCollections": db_collections,
            "createTime": iso(self.create_time),
        })
    }
}

impl SimState {
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.cluster_id == id)
    }

    pub fn cluster_mut(&mut self, id: &str) -> Option<&mut Cluster> {
        self.clusters.iter_mut().find(|c| c.cluster_id == id)
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.project_id == id)
    }

    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.job_id == id)
    }

    pub fn backup(&self, id: &str) -> Option<&Backup> {
        self.backups.iter().find(|b| b.backup_id == id)
    }

    pub fn backup_mut(&mut self, id: &str) -> Option<&mut Backup> {
        self.backups.iter_mut().find(|b| b.backup_id == id)
    }
}
