//! What may be done with one backup, and why not: the gates of the backup details page's
//! actions (Restore cluster, Restore collections, Delete). A refused action stays visible,
//! disabled, with its reason beside it (docs/api-contract.md §2.4–§2.6, §7).

use api_types::{
    BackupDetail, BackupStatus, BackupType, Cluster, ClusterStatus, CreationMethod, Plan, RestoreCollection,
    RestoreCollectionRequest, RestoreDb, Tier,
};

use super::eligibility::RoleKnowledge;
use super::time;

/// Restoring to the backup's own Milvus version is offered only for backups younger than this
/// (docs/api-contract.md §2.5: "changeable only for backups < 30 days old").
pub const ORIGINAL_VERSION_DAYS: u64 = 30;

/// Said when the API has refused this key a change before: no endpoint tells a role in advance.
pub const ROLE_REFUSED: &str = "This API key's role may only view backups: the API refused a change earlier. \
    A Project Admin or the Organization Owner can do this.";

/// What a restore does not bring back (docs/api-contract.md §2: excluded from backups).
pub const NOT_RESTORED: &str = "Not brought back: collection TTL settings, the db_admin password (a new one is made), \
    and dynamic or scheduled scaling settings. Shards may be fewer if the new cluster has fewer CUs.";

/// The CU sizes Restore Cluster accepts (docs/api-contract.md §2.5), and a Standard project's cap.
pub const CU_MAX: u64 = 256;
pub const STANDARD_CU_MAX: u64 = 32;

/// The default name of a cluster restored from `source`: `<source>-restored`, kept to the
/// 64-character limit and to letters, digits and hyphens (other characters become hyphens).
pub fn restored_name(source: &str) -> String {
    const SUFFIX: &str = "-restored";
    let base: String = source
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .take(64 - SUFFIX.len())
        .collect();
    let base = base.trim_matches('-');
    if base.is_empty() { "restored".to_owned() } else { format!("{base}{SUFFIX}") }
}

/// What is wrong with the typed CU size, if anything, for a project of `plan` (`None`: not known).
pub fn cu_size_problem(typed: &str, plan: Option<&Plan>) -> Option<String> {
    let Ok(n) = typed.trim().parse::<u64>() else {
        return Some(format!("Enter a whole number of CUs from 1 to {CU_MAX}."));
    };
    if !(1..=CU_MAX).contains(&n) {
        return Some(format!("Enter a whole number of CUs from 1 to {CU_MAX}."));
    }
    if plan == Some(&Plan::Standard) && n > STANDARD_CU_MAX {
        return Some(format!("A Standard project's clusters have at most {STANDARD_CU_MAX} CUs."));
    }
    None
}

/// One collection to restore: where it comes from and what it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRestore {
    pub db_name: String,
    pub collection_name: String,
    /// Empty: the same database as the source.
    pub dest_db_name: String,
    pub dest_collection_name: String,
    pub loaded: bool,
}

impl CollectionRestore {
    /// The request that restores this one collection: the API takes one per request
    /// (docs/api-contract.md §2.6), with the current field names (§9.3).
    pub fn request(&self, dest_cluster_id: &str) -> RestoreCollectionRequest {
        let dest_db = if self.dest_db_name.trim().is_empty() { &self.db_name } else { self.dest_db_name.trim() };
        RestoreCollectionRequest {
            dest_cluster_id: dest_cluster_id.to_owned(),
            db_collections: vec![RestoreDb {
                db_name: self.db_name.clone(),
                dest_db_name: dest_db.to_owned(),
                collections: vec![RestoreCollection {
                    collection_name: self.collection_name.clone(),
                    dest_collection_name: self.dest_collection_name.trim().to_owned(),
                    dest_collection_status: if self.loaded { "LOADED" } else { "UNLOADED" }.to_owned(),
                }],
            }],
        }
    }
}

/// Where collections of a backup in `region_id` may be restored: Dedicated, running clusters
/// of the same region (docs/api-contract.md §2.6). The second value counts the others, so the
/// dialog can say why a cluster is missing.
pub fn restore_targets(clusters: &[Cluster], region_id: &str) -> (Vec<Cluster>, usize) {
    let (ok, other): (Vec<&Cluster>, Vec<&Cluster>) = clusters.iter().partition(|c| {
        c.tier() == Tier::Dedicated && c.status == ClusterStatus::Running && c.region_id.eq_ignore_ascii_case(region_id)
    });
    (ok.into_iter().cloned().collect(), other.len())
}

/// Two restores into one place would collide: the first duplicate target (database,
/// collection), if any.
pub fn duplicate_target(items: &[CollectionRestore]) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    items.iter().find_map(|i| {
        let db = if i.dest_db_name.trim().is_empty() { i.db_name.as_str() } else { i.dest_db_name.trim() };
        let key = (db.to_owned(), i.dest_collection_name.trim().to_owned());
        (!seen.insert(key))
            .then(|| format!("Two collections would be restored as {}.{}.", db, i.dest_collection_name.trim()))
    })
}

/// Why restoring a whole cluster from `b` is not possible now, if it is not.
pub fn restore_cluster_blocked(b: &BackupDetail, role: RoleKnowledge) -> Option<String> {
    if role == RoleKnowledge::Denied {
        return Some(ROLE_REFUSED.to_owned());
    }
    if b.backup.backup_type != BackupType::Cluster {
        return Some(
            "Only a cluster backup can restore a whole cluster; use Restore collections for this one.".to_owned(),
        );
    }
    not_available(&b.backup.status, "restored")
}

/// Why restoring collections from `b` is not possible now, if it is not.
pub fn restore_collections_blocked(b: &BackupDetail, role: RoleKnowledge) -> Option<String> {
    if role == RoleKnowledge::Denied {
        return Some(ROLE_REFUSED.to_owned());
    }
    if let Some(reason) = not_available(&b.backup.status, "restored") {
        return Some(reason);
    }
    b.databases()
        .iter()
        .all(|d| d.collections.is_empty())
        .then(|| "This backup lists no collections to restore.".to_owned())
}

/// Why `b` cannot be deleted now, if it cannot.
pub fn delete_blocked(b: &BackupDetail, role: RoleKnowledge) -> Option<String> {
    if role == RoleKnowledge::Denied {
        return Some(ROLE_REFUSED.to_owned());
    }
    match &b.backup.status {
        BackupStatus::Creating => {
            Some("It is still being made; it can be deleted once it is Available (or cancel its job).".to_owned())
        }
        BackupStatus::Deleting => Some("It is already being deleted.".to_owned()),
        _ => None,
    }
}

fn not_available(status: &BackupStatus, what: &str) -> Option<String> {
    match status {
        BackupStatus::Available => None,
        BackupStatus::Creating => Some(format!("It is still being made; it can be {what} once it is Available.")),
        other => Some(format!("It is {}; only an Available backup can be {what}.", other.label().to_lowercase())),
    }
}

/// A manual backup is the one copy kept forever: deleting it asks for its name to be typed.
pub fn delete_needs_typed_name(b: &BackupDetail) -> bool {
    b.backup.creation_method != CreationMethod::Auto
}

/// What must be typed to delete `b`: its name, or its id when the API gave no name.
pub fn confirmation_text(b: &BackupDetail) -> &str {
    if b.backup.backup_name.trim().is_empty() { &b.backup.backup_id } else { &b.backup.backup_name }
}

/// Whether the typed confirmation matches (surrounding spaces forgiven, case not).
pub fn confirms(typed: &str, name: &str) -> bool {
    !name.is_empty() && typed.trim() == name
}

/// Whether the new cluster may keep the backup's own Milvus version (`ORIGINAL`): only for a
/// backup younger than 30 days. An unreadable creation time offers only the default (LATEST).
pub fn original_version_allowed(create_time: &str, now_ms: u64) -> bool {
    time::parse_iso8601_utc_ms(create_time)
        .is_some_and(|t| now_ms.saturating_sub(t) < ORIGINAL_VERSION_DAYS * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(json: &str) -> BackupDetail {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn restore_cluster_needs_an_available_cluster_backup() {
        let ok = detail(r#"{"backupId":"b","backupType":"CLUSTER","status":"AVAILABLE"}"#);
        assert_eq!(restore_cluster_blocked(&ok, RoleKnowledge::Unknown), None);
        assert_eq!(restore_cluster_blocked(&ok, RoleKnowledge::Allowed), None);
        assert_eq!(restore_cluster_blocked(&ok, RoleKnowledge::Denied).as_deref(), Some(ROLE_REFUSED));
        let coll = detail(r#"{"backupId":"b","backupType":"COLLECTION","status":"AVAILABLE"}"#);
        assert!(restore_cluster_blocked(&coll, RoleKnowledge::Unknown).unwrap().contains("Restore collections"));
        let making = detail(r#"{"backupId":"b","backupType":"CLUSTER","status":"CREATING"}"#);
        assert!(restore_cluster_blocked(&making, RoleKnowledge::Unknown).unwrap().contains("still being made"));
        let odd = detail(r#"{"backupId":"b","backupType":"CLUSTER","status":"COPYING"}"#);
        assert_eq!(
            restore_cluster_blocked(&odd, RoleKnowledge::Unknown).as_deref(),
            Some("It is copying; only an Available backup can be restored.")
        );
    }

    #[test]
    fn restore_collections_needs_collections() {
        let none = detail(r#"{"backupId":"b","backupType":"CLUSTER","status":"AVAILABLE","collections":[]}"#);
        assert!(restore_collections_blocked(&none, RoleKnowledge::Unknown).unwrap().contains("no collections"));
        let some = detail(
            r#"{"backupId":"b","status":"AVAILABLE","dbCollections":[{"dbName":"db1","collections":[{"collectionName":"c"}]}]}"#,
        );
        assert_eq!(restore_collections_blocked(&some, RoleKnowledge::Unknown), None);
        assert!(restore_collections_blocked(&some, RoleKnowledge::Denied).is_some());
    }

    #[test]
    fn delete_gates() {
        let manual = detail(r#"{"backupId":"b","creationMethod":"MANUAL","status":"AVAILABLE"}"#);
        assert_eq!(delete_blocked(&manual, RoleKnowledge::Unknown), None);
        assert!(delete_needs_typed_name(&manual));
        let auto = detail(r#"{"backupId":"b","creationMethod":"AUTO","status":"AVAILABLE"}"#);
        assert!(!delete_needs_typed_name(&auto));
        let making = detail(r#"{"backupId":"b","status":"CREATING"}"#);
        assert!(delete_blocked(&making, RoleKnowledge::Unknown).unwrap().contains("once it is Available"));
        assert!(delete_blocked(&manual, RoleKnowledge::Denied).is_some());
        // An unknown method is treated as manual: the safer confirmation.
        let unknown = detail(r#"{"backupId":"b","creationMethod":"SCHEDULED"}"#);
        assert!(delete_needs_typed_name(&unknown));
    }

    #[test]
    fn restored_names_are_valid_cluster_names() {
        assert_eq!(restored_name("Dedicated-01"), "Dedicated-01-restored");
        assert_eq!(restored_name("prod db_01"), "prod-db-01-restored");
        assert_eq!(restored_name("__"), "restored");
        let long = restored_name(&"a".repeat(100));
        assert_eq!(long.len(), 64);
        assert!(long.ends_with("-restored"));
        for n in [restored_name("Dedicated-01"), restored_name("été"), long] {
            assert!(crate::rules::names::check_cluster_name(&n).is_ok(), "{n}");
        }
    }

    #[test]
    fn cu_sizes() {
        assert_eq!(cu_size_problem("2", None), None);
        assert_eq!(cu_size_problem(" 256 ", Some(&Plan::Enterprise)), None);
        assert!(cu_size_problem("0", None).is_some());
        assert!(cu_size_problem("257", None).is_some());
        assert!(cu_size_problem("1.5", None).is_some());
        assert!(cu_size_problem("", None).is_some());
        assert_eq!(cu_size_problem("32", Some(&Plan::Standard)), None);
        assert!(cu_size_problem("33", Some(&Plan::Standard)).unwrap().contains("Standard"));
    }

    #[test]
    fn one_request_per_collection() {
        let item = CollectionRestore {
            db_name: "db1".into(),
            collection_name: "articles".into(),
            dest_db_name: " ".into(),
            dest_collection_name: " restore_articles ".into(),
            loaded: false,
        };
        assert_eq!(
            serde_json::to_value(item.request("in01-b")).unwrap(),
            serde_json::json!({"destClusterId":"in01-b","dbCollections":[{"dbName":"db1","destDbName":"db1",
                "collections":[{"collectionName":"articles","destCollectionName":"restore_articles","destCollectionStatus":"UNLOADED"}]}]})
        );
        let into_other = CollectionRestore { dest_db_name: "archive".into(), loaded: true, ..item.clone() };
        let req = into_other.request("in01-b");
        assert_eq!(req.db_collections[0].dest_db_name, "archive");
        assert_eq!(req.db_collections[0].collections[0].dest_collection_status, "LOADED");
        assert_eq!(duplicate_target(&[item.clone(), into_other.clone()]), None);
        let twice = CollectionRestore { dest_db_name: "db1".into(), ..item.clone() };
        assert_eq!(
            duplicate_target(&[item, twice]).as_deref(),
            Some("Two collections would be restored as db1.restore_articles.")
        );
    }

    #[test]
    fn restore_targets_are_running_dedicated_clusters_of_the_region() {
        let c = |id: &str, region: &str, status: &str| -> Cluster {
            serde_json::from_value(serde_json::json!({"clusterId": id, "plan": "Enterprise", "cuSize": 1, "cuType": "Performance-optimized", "regionId": region, "status": status})).unwrap()
        };
        let all = [
            c("in01-a", "aws-us-west-2", "RUNNING"),
            c("in01-b", "aws-us-east-1", "RUNNING"),
            c("in01-c", "aws-us-west-2", "SUSPENDED"),
            c("in03-d", "aws-us-west-2", "RUNNING"),
        ];
        let (ok, others) = restore_targets(&all, "aws-us-west-2");
        assert_eq!(ok.iter().map(|c| c.cluster_id.as_str()).collect::<Vec<_>>(), ["in01-a"]);
        assert_eq!(others, 3);
    }

    #[test]
    fn typed_confirmation() {
        assert!(confirms(" Dedicated-01_backup2 ", "Dedicated-01_backup2"));
        assert!(!confirms("dedicated-01_backup2", "Dedicated-01_backup2"));
        assert!(!confirms("", ""));
        assert!(!confirms("Dedicated-01_backup", "Dedicated-01_backup2"));
        let unnamed: BackupDetail = serde_json::from_str(r#"{"backupId":"backup1_x","backupName":" "}"#).unwrap();
        assert_eq!(confirmation_text(&unnamed), "backup1_x");
    }

    #[test]
    fn original_version_within_thirty_days() {
        let made = time::parse_iso8601_utc_ms("2026-11-10T00:00:00Z").unwrap();
        let day = 86_400_000;
        assert!(original_version_allowed("2026-11-10T00:00:00Z", made + 29 * day));
        assert!(!original_version_allowed("2026-11-10T00:00:00Z", made + 30 * day));
        assert!(!original_version_allowed("", made));
        assert!(!original_version_allowed("last week", made));
    }
}
