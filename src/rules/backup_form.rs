//! The choices of the Create Backup dialog (scope, database, collections, copy regions) and the
//! request they become (docs/api-contract.md §2.1).

use std::collections::BTreeSet;

use api_types::{BackupDetail, BackupType, Cloud, Cluster, CreateBackupRequest, DbCollections, Plan, RegionCopy, Tier};

use super::regions;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// The whole cluster.
    #[default]
    Cluster,
    /// Some collections of one database.
    Collection,
}

/// A collection of the chosen database, as the picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CollectionInfo {
    pub name: String,
    /// Bytes, where the data plane told us.
    pub size_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupForm {
    pub scope: Scope,
    pub database: Option<String>,
    /// Collection names of `database`; the API takes collections of one database only.
    pub selected: BTreeSet<String>,
    pub search: String,
    /// Target region ids of cross-region copies.
    pub copy_regions: BTreeSet<String>,
}

impl BackupForm {
    /// Cluster scope, nothing chosen.
    pub fn new() -> Self {
        Self::default()
    }

    /// What makes a backup like `b` ("Create backup like this"): `None` for a cluster backup
    /// (the whole cluster), else its first database with collections and their names (a request
    /// names one database only; the second value says how many databases were left out, for the
    /// view to tell). Cross-region copies are not part of Describe Backup, so none are chosen.
    pub fn like(b: &BackupDetail) -> (Option<(String, Vec<String>)>, usize) {
        if b.backup.backup_type != BackupType::Collection {
            return (None, 0);
        }
        let dbs: Vec<_> = b.databases().into_iter().filter(|d| !d.collections.is_empty()).collect();
        let Some(first) = dbs.first() else {
            return (None, 0);
        };
        let names = first.collections.iter().map(|c| c.collection_name.clone()).collect();
        (Some((first.db_name.clone(), names)), dbs.len() - 1)
    }

    /// A collection-scope form with `db`'s `names` chosen.
    pub fn with_collections((db, names): (String, Vec<String>)) -> BackupForm {
        BackupForm {
            scope: Scope::Collection,
            database: Some(db),
            selected: names.into_iter().collect(),
            ..BackupForm::new()
        }
    }

    /// Changing the database clears the selection, since a request may only name collections of
    /// one database. Returns how many were cleared (the UI announces "2 selected collections
    /// were cleared"); choosing the same database again clears nothing.
    pub fn set_database(&mut self, db: Option<String>) -> usize {
        if db == self.database {
            return 0;
        }
        self.database = db;
        let cleared = self.selected.len();
        self.selected.clear();
        cleared
    }

    pub fn toggle(&mut self, name: &str) {
        if !self.selected.remove(name) {
            self.selected.insert(name.to_owned());
        }
    }

    fn matches(&self, name: &str) -> bool {
        // Collection names are ASCII (letters, digits, `_`), so ASCII case folding is enough, and
        // it keeps core's Unicode case tables out of the wasm.
        let needle = self.search.trim().to_ascii_lowercase();
        needle.is_empty() || name.to_ascii_lowercase().contains(&needle)
    }

    /// Visible collections for the search text (case-insensitive substring), in the given order.
    pub fn filtered<'a>(&self, all: &'a [CollectionInfo]) -> Vec<&'a CollectionInfo> {
        all.iter().filter(|c| self.matches(&c.name)).collect()
    }

    /// Selects every visible collection; hidden ones keep their state.
    pub fn select_all_filtered(&mut self, all: &[CollectionInfo]) {
        for c in self.filtered(all) {
            self.selected.insert(c.name.clone());
        }
    }

    /// Clears every visible collection; hidden ones keep their state.
    pub fn clear_filtered(&mut self, all: &[CollectionInfo]) {
        for c in self.filtered(all) {
            self.selected.remove(&c.name);
        }
    }

    /// For the select-all checkbox: true only when something is visible and all of it is chosen.
    pub fn all_filtered_selected(&self, all: &[CollectionInfo]) -> bool {
        let visible = self.filtered(all);
        !visible.is_empty() && visible.iter().all(|c| self.selected.contains(&c.name))
    }

    /// How many chosen collections are not in the visible list (hidden by the search, or no
    /// longer listed), so the count can say "3 chosen, 1 not shown".
    pub fn hidden_selected(&self, all: &[CollectionInfo]) -> usize {
        let visible: BTreeSet<&str> = self.filtered(all).into_iter().map(|c| c.name.as_str()).collect();
        self.selected.iter().filter(|n| !visible.contains(n.as_str())).count()
    }

    /// Drops chosen names that the (re)loaded list no longer has; returns how many.
    pub fn retain_existing(&mut self, all: &[CollectionInfo]) -> usize {
        let before = self.selected.len();
        self.selected.retain(|n| all.iter().any(|c| &c.name == n));
        before - self.selected.len()
    }

    /// Drops copy regions the cluster cannot copy to (after the cluster changed); returns how many.
    pub fn retain_allowed_copies(&mut self, cluster: &Cluster) -> usize {
        let allowed: BTreeSet<String> = match copy_options(cluster) {
            CopyAvailability::Available(opts) => opts.into_iter().map(|o| o.region_id).collect(),
            CopyAvailability::Unavailable(_) => BTreeSet::new(),
        };
        let before = self.copy_regions.len();
        self.copy_regions.retain(|r| allowed.contains(r));
        before - self.copy_regions.len()
    }

    /// The request body. Collection scope needs a database and at least one collection; the
    /// error is the visible reason. Names are sent in sorted order.
    pub fn payload(&self) -> Result<CreateBackupRequest, String> {
        let cross_region_copies = self.copy_regions.iter().map(|r| RegionCopy { region_id: r.clone() }).collect();
        match self.scope {
            Scope::Cluster => Ok(CreateBackupRequest {
                backup_type: BackupType::Cluster,
                db_collections: vec![],
                cross_region_copies,
            }),
            Scope::Collection => {
                let Some(db) = self.database.as_deref().filter(|d| !d.trim().is_empty()) else {
                    return Err("Choose a database.".into());
                };
                if self.selected.is_empty() {
                    return Err("Choose at least one collection.".into());
                }
                Ok(CreateBackupRequest {
                    backup_type: BackupType::Collection,
                    db_collections: vec![DbCollections {
                        db_name: db.to_owned(),
                        collection_names: self.selected.iter().cloned().collect(),
                    }],
                    cross_region_copies,
                })
            }
        }
    }

    /// [`Self::payload`], also refusing copy regions this cluster may not copy to, so the
    /// request never carries a choice the dialog would have shown as unavailable.
    pub fn payload_for(&self, cluster: &Cluster) -> Result<CreateBackupRequest, String> {
        let req = self.payload()?;
        if req.cross_region_copies.is_empty() {
            return Ok(req);
        }
        match copy_options(cluster) {
            CopyAvailability::Unavailable(reason) => Err(reason),
            CopyAvailability::Available(opts) => {
                match req.cross_region_copies.iter().find(|c| !opts.iter().any(|o| o.region_id == c.region_id)) {
                    Some(bad) => Err(format!(
                        "A backup of this cluster cannot be copied to {}.",
                        regions::region_label(&bad.region_id)
                    )),
                    None => Ok(req),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionOption {
    pub region_id: String,
    /// "AWS us-west-2 (Oregon)".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyAvailability {
    Available(Vec<RegionOption>),
    /// The control is shown disabled with this text.
    Unavailable(String),
}

/// Cross-region copies: only Enterprise and BusinessCritical plans, never Azure, same cloud
/// provider, never the cluster's own region (docs/api-contract.md §2.1; https://docs.zilliz.com/docs/create-backup). Options are in the
/// price table's order: the table is the console's list of regions.
pub fn copy_options(cluster: &Cluster) -> CopyAvailability {
    let cloud = cluster.cloud();
    if cluster.tier() != Tier::Dedicated {
        return CopyAvailability::Unavailable(format!(
            "Cross-region copies need a Dedicated cluster; this is a {} cluster.",
            cluster.tier().label()
        ));
    }
    if cloud == Cloud::Azure {
        return CopyAvailability::Unavailable("Cross-region copies are not available for clusters on Azure.".into());
    }
    if !matches!(cluster.plan, Plan::Enterprise | Plan::BusinessCritical) {
        let plan = match &cluster.plan {
            Plan::Unknown(s) if s.is_empty() => "an unknown plan".to_owned(),
            p => format!("the {} plan", p.label()),
        };
        return CopyAvailability::Unavailable(format!(
            "Cross-region copies need the Enterprise or Business Critical plan; this cluster is on {plan}."
        ));
    }
    if cloud == Cloud::Other {
        return CopyAvailability::Unavailable(format!(
            "The console does not know which other regions the cloud of {} offers.",
            cluster.region_id
        ));
    }
    let options: Vec<RegionOption> = regions::price_table()
        .regions
        .iter()
        .filter(|r| r.cloud == cloud && !r.region_id.eq_ignore_ascii_case(&cluster.region_id))
        .map(|r| RegionOption { region_id: r.region_id.to_owned(), label: r.label() })
        .collect();
    if options.is_empty() {
        return CopyAvailability::Unavailable(format!(
            "No other {} regions are known to the console.",
            regions::cloud_short(cloud)
        ));
    }
    CopyAvailability::Available(options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn colls(names: &[&str]) -> Vec<CollectionInfo> {
        names.iter().map(|n| CollectionInfo { name: (*n).into(), size_bytes: Some(1) }).collect()
    }

    fn cluster(id: &str, plan: &str, region: &str) -> Cluster {
        serde_json::from_value(
            json!({"clusterId": id, "clusterName": "c", "plan": plan, "regionId": region, "status": "RUNNING"}),
        )
        .unwrap()
    }

    fn names(v: &[&CollectionInfo]) -> Vec<String> {
        v.iter().map(|c| c.name.clone()).collect()
    }

    #[test]
    fn new_form_is_cluster_scope_with_nothing_chosen() {
        let f = BackupForm::new();
        assert_eq!(f.scope, Scope::Cluster);
        assert!(f.database.is_none() && f.selected.is_empty() && f.copy_regions.is_empty() && f.search.is_empty());
    }

    #[test]
    fn cluster_scope_payload() {
        let f = BackupForm::new();
        assert_eq!(serde_json::to_value(f.payload().unwrap()).unwrap(), json!({"backupType": "CLUSTER"}));
        let mut f = BackupForm::new();
        // A selection left over from Collection scope is not sent.
        f.database = Some("default".into());
        f.toggle("a");
        f.copy_regions.insert("aws-us-west-2".into());
        f.copy_regions.insert("aws-eu-central-1".into());
        assert_eq!(
            serde_json::to_value(f.payload().unwrap()).unwrap(),
            json!({"backupType": "CLUSTER", "crossRegionCopies": [{"regionId": "aws-eu-central-1"}, {"regionId": "aws-us-west-2"}]})
        );
    }

    #[test]
    fn collection_scope_payload() {
        let mut f = BackupForm { scope: Scope::Collection, ..BackupForm::new() };
        assert_eq!(f.payload(), Err("Choose a database.".into()));
        f.set_database(Some("  ".into()));
        assert_eq!(f.payload(), Err("Choose a database.".into()));
        f.set_database(Some("sales".into()));
        assert_eq!(f.payload(), Err("Choose at least one collection.".into()));
        f.toggle("orders");
        f.toggle("customers");
        assert_eq!(
            serde_json::to_value(f.payload().unwrap()).unwrap(),
            json!({"backupType": "COLLECTION", "dbCollections": [{"dbName": "sales", "collectionNames": ["customers", "orders"]}]})
        );
        f.copy_regions.insert("gcp-us-east4".into());
        let req = f.payload().unwrap();
        // All chosen collections come from one database: exactly one dbCollections item.
        assert_eq!(req.db_collections.len(), 1);
        assert_eq!(
            serde_json::to_value(req).unwrap(),
            json!({
                "backupType": "COLLECTION",
                "dbCollections": [{"dbName": "sales", "collectionNames": ["customers", "orders"]}],
                "crossRegionCopies": [{"regionId": "gcp-us-east4"}]
            })
        );
    }

    #[test]
    fn database_switch_clears_the_selection() {
        let mut f = BackupForm { scope: Scope::Collection, ..BackupForm::new() };
        assert_eq!(f.set_database(Some("default".into())), 0);
        f.toggle("a");
        f.toggle("b");
        assert_eq!(f.set_database(Some("default".into())), 0, "same database keeps the choice");
        assert_eq!(f.selected.len(), 2);
        assert_eq!(f.set_database(Some("analytics".into())), 2);
        assert!(f.selected.is_empty());
        assert_eq!(f.database.as_deref(), Some("analytics"));
        f.toggle("x");
        assert_eq!(f.set_database(None), 1);
        assert_eq!(f.payload(), Err("Choose a database.".into()));
    }

    #[test]
    fn toggle_adds_and_removes() {
        let mut f = BackupForm::new();
        f.toggle("a");
        assert!(f.selected.contains("a"));
        f.toggle("a");
        assert!(f.selected.is_empty());
    }

    #[test]
    fn search_and_select_all_act_on_the_filtered_list() {
        let all = colls(&["Articles_EN", "articles_de", "query_log", "users"]);
        let mut f = BackupForm { scope: Scope::Collection, database: Some("default".into()), ..BackupForm::new() };
        assert_eq!(names(&f.filtered(&all)).len(), 4);
        f.search = " ARTICLES ".into();
        assert_eq!(names(&f.filtered(&all)), ["Articles_EN", "articles_de"]);
        assert!(!f.all_filtered_selected(&all));
        f.toggle("users"); // hidden by the search
        f.select_all_filtered(&all);
        assert!(f.all_filtered_selected(&all));
        assert_eq!(f.selected.iter().cloned().collect::<Vec<_>>(), ["Articles_EN", "articles_de", "users"]);
        assert_eq!(f.hidden_selected(&all), 1);
        f.clear_filtered(&all);
        assert_eq!(f.selected.iter().cloned().collect::<Vec<_>>(), ["users"], "hidden choices survive clear-all");
        f.search = "nothing matches".into();
        assert!(f.filtered(&all).is_empty());
        assert!(!f.all_filtered_selected(&all), "an empty list is not 'all selected'");
        f.select_all_filtered(&all);
        assert_eq!(f.selected.len(), 1);
        f.search.clear();
        assert_eq!(f.filtered(&all).len(), 4);
        assert_eq!(f.hidden_selected(&all), 0);
    }

    #[test]
    fn stale_choices_are_dropped_on_reload() {
        let mut f = BackupForm::new();
        f.toggle("a");
        f.toggle("gone");
        assert_eq!(f.hidden_selected(&colls(&["a"])), 1);
        assert_eq!(f.retain_existing(&colls(&["a", "b"])), 1);
        assert_eq!(f.selected.iter().cloned().collect::<Vec<_>>(), ["a"]);
    }

    #[test]
    fn copy_options_for_every_plan_and_cloud() {
        let plans = ["Free", "Serverless", "Standard", "Enterprise", "BusinessCritical", "Mystery", ""];
        let regions = ["aws-us-east-1", "gcp-us-west1", "az-eastus", "ali-cn-hangzhou"];
        for plan in plans {
            for region in regions {
                let id = if plan == "Free" { "in03-0000000000000aa" } else { "in01-0000000000000aa" };
                let mut c = cluster(id, plan, region);
                if plan == "Mystery" || plan.is_empty() {
                    // An unknown plan with dedicated compute is still a Dedicated cluster.
                    c.cu_size = Some(2);
                    c.cu_type = "Performance-optimized".into();
                }
                let got = copy_options(&c);
                let allowed = matches!(plan, "Enterprise" | "BusinessCritical")
                    && matches!(region, "aws-us-east-1" | "gcp-us-west1");
                match (&got, allowed) {
                    (CopyAvailability::Available(opts), true) => {
                        let cloud = Cloud::of_region(region);
                        assert!(!opts.is_empty());
                        assert!(
                            opts.iter().all(|o| Cloud::of_region(&o.region_id) == cloud),
                            "{plan} {region}: {opts:?}"
                        );
                        assert!(opts.iter().all(|o| o.region_id != region), "never the own region");
                    }
                    (CopyAvailability::Unavailable(reason), false) => {
                        let want = match (plan, region) {
                            ("Free" | "Serverless", _) => "need a Dedicated cluster",
                            (_, "az-eastus") => "not available for clusters on Azure",
                            ("Standard", _) => "this cluster is on the Standard plan",
                            ("Mystery", _) => "this cluster is on the Mystery plan",
                            ("", _) => "this cluster is on an unknown plan",
                            _ => "does not know which other regions",
                        };
                        assert!(reason.contains(want), "{plan} {region}: {reason}");
                    }
                    _ => panic!("{plan} {region}: {got:?}"),
                }
            }
        }
    }

    #[test]
    fn copy_options_list_same_cloud_regions_with_labels() {
        let CopyAvailability::Available(opts) = copy_options(&cluster("in01-a", "Enterprise", "aws-us-east-1")) else {
            panic!()
        };
        let ids: Vec<&str> = opts.iter().map(|o| o.region_id.as_str()).collect();
        assert_eq!(ids, ["aws-us-west-2", "aws-eu-central-1", "aws-ap-southeast-1", "aws-ap-northeast-1"]);
        assert_eq!(opts[0].label, "AWS us-west-2 (Oregon)");
        let CopyAvailability::Available(opts) = copy_options(&cluster("in01-a", "BusinessCritical", "gcp-us-west1"))
        else {
            panic!()
        };
        assert!(opts.iter().any(|o| o.region_id == "gcp-europe-west3" && o.label == "GCP europe-west3 (Frankfurt)"));
        assert!(!opts.iter().any(|o| o.region_id == "gcp-us-west1"));
    }

    #[test]
    fn payload_for_refuses_copies_the_cluster_cannot_make() {
        let mut f = BackupForm::new();
        f.copy_regions.insert("aws-us-west-2".into());
        assert!(f.payload_for(&cluster("in01-a", "Enterprise", "aws-us-east-1")).is_ok());
        let err = f.payload_for(&cluster("in01-a", "Standard", "aws-us-east-1")).unwrap_err();
        assert!(err.contains("Standard"), "{err}");
        let err = f.payload_for(&cluster("in01-a", "Enterprise", "gcp-us-west1")).unwrap_err();
        assert_eq!(err, "A backup of this cluster cannot be copied to AWS us-west-2 (Oregon).");
        // The cluster's own region is not a copy target.
        let err = f.payload_for(&cluster("in01-a", "Enterprise", "aws-us-west-2")).unwrap_err();
        assert!(err.contains("us-west-2"), "{err}");
        assert!(
            BackupForm::new().payload_for(&cluster("in01-a", "Standard", "az-eastus")).is_ok(),
            "no copies, no check"
        );
        // Switching to a Standard cluster drops the copies.
        assert_eq!(f.retain_allowed_copies(&cluster("in01-a", "Standard", "aws-us-east-1")), 1);
        assert!(f.copy_regions.is_empty());
    }

    #[test]
    fn a_form_like_a_backup() {
        let cluster_backup: BackupDetail =
            serde_json::from_str(r#"{"backupId":"b","backupType":"CLUSTER","collections":[{"collectionName":"a"}]}"#)
                .unwrap();
        assert_eq!(BackupForm::like(&cluster_backup), (None, 0));
        let grouped: BackupDetail = serde_json::from_str(
            r#"{"backupId":"b","backupType":"COLLECTION","dbCollections":[
                {"dbName":"empty","collections":[]},
                {"dbName":"db1","collections":[{"collectionName":"a"},{"collectionName":"b"}]},
                {"dbName":"db2","collections":[{"collectionName":"c"}]}]}"#,
        )
        .unwrap();
        let (like, left_out) = BackupForm::like(&grouped);
        let form = BackupForm::with_collections(like.unwrap());
        assert_eq!(form.scope, Scope::Collection);
        assert_eq!(form.database.as_deref(), Some("db1"));
        assert_eq!(form.selected.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(left_out, 1);
        // The flat shape of older docs is the default database.
        let flat: BackupDetail = serde_json::from_str(
            r#"{"backupId":"b","backupType":"COLLECTION","collections":[{"collectionName":"x"}]}"#,
        )
        .unwrap();
        let (like, left_out) = BackupForm::like(&flat);
        let form = BackupForm::with_collections(like.unwrap());
        assert_eq!(form.database.as_deref(), Some("default"));
        assert_eq!(left_out, 0);
        assert_eq!(form.payload().unwrap().db_collections[0].collection_names, ["x"]);
    }
}
