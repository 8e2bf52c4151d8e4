//! The eligibility checklist of the Create Backup dialog: every rule that can block a manual
//! backup, as a line with its state, a visible explanation and a fix (the rules:
//! https://docs.zilliz.com/docs/create-backup and docs/api-contract.md §2.1, §7).

use api_types::{ApiError, Backup, BackupStatus, Cluster, ClusterStatus, CreationMethod, Tier};

pub const MIGRATE_DOCS_URL: &str = "https://docs.zilliz.com/docs/migrate-between-clusters";
/// Where the built-in project roles are explained.
pub const ROLES_DOCS_URL: &str = "https://docs.zilliz.com/docs/project-users";
pub const RESUME_DOCS_URL: &str = "https://docs.zilliz.com/docs/manage-cluster";
/// Upgrading a Free cluster, where the Zilliz docs' "Upgrade" link points.
pub const UPGRADE_DOCS_URL: &str = "https://docs.zilliz.com/docs/manage-cluster#upgrade-plan";

/// Whether the API key's role may create backups. No endpoint tells it in advance (docs/api-contract.md
/// §7), so it is learned from answers and remembered per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RoleKnowledge {
    #[default]
    Unknown,
    Allowed,
    Denied,
}

impl RoleKnowledge {
    /// What a Create Backup answer teaches: a permission error → Denied, success → Allowed;
    /// any other error says nothing about the role.
    pub fn learn(self, outcome: Result<(), &ApiError>) -> Self {
        match outcome {
            Ok(()) => Self::Allowed,
            Err(e) if e.is_permission() => Self::Denied,
            Err(_) => self,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineState {
    Pass,
    Fail,
    /// Can't tell; does not block (the server enforces the rule anyway).
    Unknown,
    /// Still loading what decides it; blocks until known.
    Checking,
}

impl LineState {
    /// Visible text for the state, so colour or an icon is never the only signal.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "OK",
            Self::Fail => "Blocked",
            Self::Unknown => "Not known",
            Self::Checking => "Checking…",
        }
    }

    pub fn blocks(self) -> bool {
        matches!(self, Self::Fail | Self::Checking)
    }
}

/// What a blocked line offers to do about it: an intent, which the view turns into a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fix {
    /// Follow the job of the backup that blocks.
    ViewJob(String),
    ViewBackups,
    /// The cluster page's notes on upgrading a Free cluster.
    UpgradeCluster(String),
    /// Public documentation: the link's text and address.
    Docs {
        label: &'static str,
        url: &'static str,
    },
}

impl Fix {
    pub fn label(&self) -> &'static str {
        match self {
            Fix::ViewJob(_) => "View job",
            Fix::ViewBackups => "View backups",
            Fix::UpgradeCluster(_) => "Upgrade",
            Fix::Docs { label, .. } => label,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckLine {
    /// "tier" | "role" | "manual" | "auto" | "status"
    pub id: &'static str,
    /// The rule, e.g. "Dedicated cluster".
    pub label: String,
    pub state: LineState,
    /// Visible explanation of the state.
    pub detail: String,
    pub fix: Option<Fix>,
}

#[derive(Debug, Clone, Copy)]
pub struct EligibilityInput<'a> {
    pub cluster: &'a Cluster,
    pub role: RoleKnowledge,
    /// This cluster's backups from List Backups; `None` while loading. Backups of other
    /// clusters, if any slip in, are ignored.
    pub backups: Option<&'a [Backup]>,
    pub backups_error: bool,
    /// (job id, backup name) of a manual backup job of this cluster that the console's own job
    /// register has pending or running; an empty job id means "not known".
    pub register_active_manual: Option<(&'a str, &'a str)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Always the five lines, in the order tier, role, manual, auto, status.
    pub lines: Vec<CheckLine>,
    pub can_create: bool,
    /// Why "Create" is disabled: the first failing line's detail, else the first still checking.
    pub blocking_reason: Option<String>,
}

pub const ALLOWED_ROLES: &str = "Organization Owner, Project Admin or a custom role with backup privilege";

fn line(id: &'static str, label: &str, state: LineState, detail: String, fix: Option<Fix>) -> CheckLine {
    CheckLine { id, label: label.into(), state, detail, fix }
}

fn tier_line(c: &Cluster) -> CheckLine {
    const LABEL: &str = "Dedicated cluster";
    match c.tier() {
        Tier::Dedicated => line("tier", LABEL, LineState::Pass, "Dedicated clusters can be backed up.".into(), None),
        Tier::Free => line(
            "tier",
            LABEL,
            LineState::Fail,
            "Free clusters cannot be backed up. Upgrade to a Dedicated cluster to create backups.".into(),
            Some(Fix::UpgradeCluster(c.cluster_id.clone())),
        ),
        Tier::Serverless => line(
            "tier",
            LABEL,
            LineState::Fail,
            "Serverless clusters cannot be backed up. Migrate the data to a Dedicated cluster to create backups."
                .into(),
            Some(Fix::Docs { label: "Migrate to a Dedicated cluster", url: MIGRATE_DOCS_URL }),
        ),
    }
}

fn role_line(role: RoleKnowledge) -> CheckLine {
    const LABEL: &str = "Role allowed to create backups";
    match role {
        RoleKnowledge::Unknown => line(
            "role",
            LABEL,
            LineState::Unknown,
            format!(
                "Creating a backup needs {ALLOWED_ROLES}. The console cannot tell your key's role until the API \
                answers."
            ),
            None,
        ),
        RoleKnowledge::Allowed => line(
            "role",
            LABEL,
            LineState::Pass,
            "This API key has created a backup, so its role allows it.".into(),
            None,
        ),
        RoleKnowledge::Denied => line(
            "role",
            LABEL,
            LineState::Fail,
            format!(
                "This API key's role may not create backups. Only {ALLOWED_ROLES} can; ask one of them, or use a key \
                with such a role."
            ),
            Some(Fix::Docs { label: "About project roles", url: ROLES_DOCS_URL }),
        ),
    }
}

fn name_of(b: &Backup) -> &str {
    if b.backup_name.is_empty() { &b.backup_id } else { &b.backup_name }
}

fn creating<'a>(input: &EligibilityInput<'a>, method: CreationMethod) -> Option<&'a Backup> {
    // The list is requested for this cluster, so an item without a cluster id counts as its own.
    input.backups?.iter().find(|b| {
        (b.cluster_id.is_empty() || b.cluster_id == input.cluster.cluster_id)
            && b.creation_method == method
            && b.status == BackupStatus::Creating
    })
}

/// Lines that read the backup list: Checking while it loads, Unknown when it failed.
fn list_state(input: &EligibilityInput, id: &'static str, label: &str, what: &str) -> Option<CheckLine> {
    if input.cluster.tier() != Tier::Dedicated {
        // Such clusters have no backups; a list that will never load must not spin forever.
        return Some(line(
            id,
            label,
            LineState::Unknown,
            "Not checked: only Dedicated clusters have backups.".into(),
            None,
        ));
    }
    if input.backups_error {
        return Some(line(
            id,
            label,
            LineState::Unknown,
            format!(
                "The backup list could not be loaded, so the console cannot tell whether {what}. The service still \
                enforces this rule."
            ),
            None,
        ));
    }
    if input.backups.is_none() {
        return Some(line(id, label, LineState::Checking, format!("Checking whether {what}…"), None));
    }
    None
}

fn manual_line(input: &EligibilityInput) -> CheckLine {
    const LABEL: &str = "One manual backup at a time";
    let what = "a manual backup of this cluster is already being made";
    let blocked = |name: &str, job: Option<&str>| {
        let fix = match job {
            Some(j) => Some(Fix::ViewJob(j.to_owned())),
            None => Some(Fix::ViewBackups),
        };
        line(
            "manual",
            LABEL,
            LineState::Fail,
            format!(
                "A manual backup of this cluster is still being made: {name}. Only one may be in progress at a time; \
                Create is enabled when it finishes."
            ),
            fix,
        )
    };
    // The console's own register knows the job id, so it is preferred for the link; it also
    // covers the moment before List Backups shows the new backup.
    if let Some((job, name)) = input.register_active_manual {
        let job = Some(job).filter(|j| !j.is_empty());
        let name = if name.is_empty() { job.unwrap_or("an earlier backup") } else { name };
        return blocked(name, job);
    }
    if let Some(l) = list_state(input, "manual", LABEL, what) {
        return l;
    }
    match creating(input, CreationMethod::Manual) {
        Some(b) => blocked(name_of(b), None),
        None => {
            line("manual", LABEL, LineState::Pass, "No other manual backup of this cluster is being made.".into(), None)
        }
    }
}

fn auto_line(input: &EligibilityInput) -> CheckLine {
    const LABEL: &str = "No automatic backup running";
    if let Some(l) = list_state(input, "auto", LABEL, "an automatic backup is being made") {
        return l;
    }
    match creating(input, CreationMethod::Auto) {
        Some(b) => line(
            "auto",
            LABEL,
            LineState::Fail,
            format!(
                "An automatic backup of this cluster is being made: {}. A manual backup cannot start until it \
                finishes.",
                name_of(b)
            ),
            Some(Fix::ViewBackups),
        ),
        None => line("auto", LABEL, LineState::Pass, "No automatic backup of this cluster is being made.".into(), None),
    }
}

fn status_line(c: &Cluster) -> CheckLine {
    const LABEL: &str = "Cluster running";
    // Lower case mid-sentence ("The cluster is creating."); the badge keeps the label.
    let status = c.status.label().to_lowercase();
    let (detail, fix) = match &c.status {
        ClusterStatus::Running => {
            return line("status", LABEL, LineState::Pass, "The cluster is running.".into(), None);
        }
        ClusterStatus::Creating
        | ClusterStatus::Initializing
        | ClusterStatus::Resuming
        | ClusterStatus::Modifying
        | ClusterStatus::Restoring => (format!("The cluster is {status}. Wait until it is running."), None),
        ClusterStatus::Stopped => (
            format!("The cluster is {status}. Resume the cluster first."),
            Some(Fix::Docs { label: "How to resume a cluster", url: RESUME_DOCS_URL }),
        ),
        ClusterStatus::Stopping => {
            (format!("The cluster is {status}. Wait until it has stopped, then resume it."), None)
        }
        ClusterStatus::Deleting | ClusterStatus::Deleted => {
            (format!("The cluster is {status} and cannot be backed up."), None)
        }
        ClusterStatus::Unknown(_) => (format!("The cluster is {status}. Backups need a running cluster."), None),
    };
    line("status", LABEL, LineState::Fail, detail, fix)
}

pub fn evaluate(input: &EligibilityInput) -> Eligibility {
    let lines = vec![
        tier_line(input.cluster),
        role_line(input.role),
        manual_line(input),
        auto_line(input),
        status_line(input.cluster),
    ];
    let first = |s: LineState| lines.iter().find(|l| l.state == s).map(|l| l.detail.clone());
    let blocking_reason = first(LineState::Fail).or_else(|| first(LineState::Checking));
    Eligibility { can_create: !lines.iter().any(|l| l.state.blocks()), blocking_reason, lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_types::ErrorKind;
    use serde_json::json;

    const ID: &str = "in01-0123456789abcde";

    fn cluster(id: &str, plan: &str, region: &str, status: &str) -> Cluster {
        serde_json::from_value(
            json!({"clusterId": id, "clusterName": "prod", "plan": plan, "regionId": region, "status": status}),
        )
        .unwrap()
    }

    fn backup(cluster: &str, method: &str, status: &str, name: &str) -> Backup {
        serde_json::from_value(json!({"backupId": format!("b-{name}"), "backupName": name, "clusterId": cluster,
            "creationMethod": method, "status": status}))
        .unwrap()
    }

    fn input<'a>(c: &'a Cluster, role: RoleKnowledge, backups: Option<&'a [Backup]>) -> EligibilityInput<'a> {
        EligibilityInput { cluster: c, role, backups, backups_error: false, register_active_manual: None }
    }

    fn get<'e>(e: &'e Eligibility, id: &str) -> &'e CheckLine {
        e.lines.iter().find(|l| l.id == id).unwrap()
    }

    /// The job situations that matter, each with whether it blocks.
    #[derive(Debug, Clone, Copy)]
    enum Jobs {
        None,
        ManualCreatingListed,
        ManualAvailable,
        ManualCreatingOtherCluster,
        ManualFailed,
        RegisterWithJob,
        RegisterWithoutJob,
        AutoCreating,
        AutoAvailable,
        Loading,
        ListError,
    }

    const ALL_JOBS: [Jobs; 11] = [
        Jobs::None,
        Jobs::ManualCreatingListed,
        Jobs::ManualAvailable,
        Jobs::ManualCreatingOtherCluster,
        Jobs::ManualFailed,
        Jobs::RegisterWithJob,
        Jobs::RegisterWithoutJob,
        Jobs::AutoCreating,
        Jobs::AutoAvailable,
        Jobs::Loading,
        Jobs::ListError,
    ];

    fn backups_for(j: Jobs, cluster_id: &str) -> Vec<Backup> {
        match j {
            Jobs::ManualCreatingListed => vec![backup(cluster_id, "MANUAL", "CREATING", "prod_backup3")],
            Jobs::ManualAvailable => vec![backup(cluster_id, "MANUAL", "AVAILABLE", "prod_backup2")],
            Jobs::ManualCreatingOtherCluster => vec![backup("in01-other", "MANUAL", "CREATING", "other_backup1")],
            Jobs::ManualFailed => vec![backup(cluster_id, "MANUAL", "FAILED", "prod_backup1")],
            Jobs::AutoCreating => vec![backup(cluster_id, "AUTO", "CREATING", "prod_auto9")],
            Jobs::AutoAvailable => vec![backup(cluster_id, "AUTO", "AVAILABLE", "prod_auto8")],
            _ => vec![],
        }
    }

    fn blocks(j: Jobs) -> bool {
        matches!(
            j,
            Jobs::ManualCreatingListed
                | Jobs::RegisterWithJob
                | Jobs::RegisterWithoutJob
                | Jobs::AutoCreating
                | Jobs::Loading
        )
    }

    #[test]
    fn every_tier_plan_cloud_role_job_and_status() {
        // (id, plan, dedicated?)
        let tiers = [
            ("in03-0123456789abcde", "Serverless", false), // Free, reported as Serverless (§9.7)
            ("in03-0123456789abcde", "Free", false),
            ("in05-0123456789abcde", "Serverless", false),
            (ID, "Standard", true),
            (ID, "Enterprise", true),
            (ID, "BusinessCritical", true),
        ];
        let clouds = ["aws-us-east-1", "gcp-us-west1", "az-eastus"];
        let roles = [RoleKnowledge::Unknown, RoleKnowledge::Allowed, RoleKnowledge::Denied];
        let statuses =
            ["RUNNING", "CREATING", "RESUMING", "STOPPED", "SUSPENDING", "MODIFYING", "DELETING", "HIBERNATING"];
        let mut cases = 0;
        for (id, plan, dedicated) in tiers {
            for region in clouds {
                for role in roles {
                    for jobs in ALL_JOBS {
                        for status in statuses {
                            let c = cluster(id, plan, region, status);
                            let list = backups_for(jobs, id);
                            let mut inp = input(&c, role, Some(&list));
                            match jobs {
                                Jobs::Loading => inp.backups = None,
                                Jobs::ListError => {
                                    inp.backups = None;
                                    inp.backups_error = true;
                                }
                                Jobs::RegisterWithJob => inp.register_active_manual = Some(("job-abc", "prod_backup4")),
                                Jobs::RegisterWithoutJob => inp.register_active_manual = Some(("", "prod_backup4")),
                                _ => {}
                            }
                            let e = evaluate(&inp);
                            let ctx = format!("{id} {plan} {region} {role:?} {jobs:?} {status}");
                            // Non-Dedicated clusters skip the list lines, except the register,
                            // which is the console's own knowledge.
                            let job_blocks = if dedicated {
                                blocks(jobs)
                            } else {
                                matches!(jobs, Jobs::RegisterWithJob | Jobs::RegisterWithoutJob)
                            };
                            let want = dedicated && role != RoleKnowledge::Denied && !job_blocks && status == "RUNNING";
                            assert_eq!(e.can_create, want, "{ctx}: {e:#?}");
                            assert_eq!(e.blocking_reason.is_none(), want, "{ctx}");
                            assert_eq!(
                                e.lines.iter().map(|l| l.id).collect::<Vec<_>>(),
                                ["tier", "role", "manual", "auto", "status"]
                            );
                            assert!(e.lines.iter().all(|l| !l.detail.is_empty() && !l.label.is_empty()), "{ctx}");
                            // The reason shown is the first failing line, else the first checking one.
                            if let Some(reason) = &e.blocking_reason {
                                let first_fail = e.lines.iter().find(|l| l.state == LineState::Fail);
                                let first =
                                    first_fail.or_else(|| e.lines.iter().find(|l| l.state == LineState::Checking));
                                assert_eq!(Some(reason), first.map(|l| &l.detail), "{ctx}");
                            }
                            // Cloud never matters for eligibility.
                            let other = cluster(id, plan, "gcp-europe-west3", status);
                            assert_eq!(
                                evaluate(&EligibilityInput { cluster: &other, ..inp }).can_create,
                                want,
                                "{ctx}"
                            );
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 6 * 3 * 3 * 11 * 8);
    }

    #[test]
    fn free_cluster_links_to_upgrade() {
        let c = cluster("in03-0123456789abcde", "Serverless", "gcp-us-west1", "RUNNING");
        let e = evaluate(&input(&c, RoleKnowledge::Allowed, None));
        let tier = get(&e, "tier");
        assert_eq!(tier.state, LineState::Fail);
        assert_eq!(tier.label, "Dedicated cluster");
        assert!(tier.detail.starts_with("Free clusters cannot be backed up."), "{}", tier.detail);
        assert_eq!(tier.fix, Some(Fix::UpgradeCluster("in03-0123456789abcde".into())));
        assert_eq!(e.blocking_reason.as_deref(), Some(tier.detail.as_str()));
        // The list lines do not spin for a cluster that has no backups.
        assert_eq!(get(&e, "manual").state, LineState::Unknown);
        assert_eq!(get(&e, "auto").state, LineState::Unknown);
    }

    #[test]
    fn serverless_cluster_links_to_migration() {
        let c = cluster("in05-0123456789abcde", "Serverless", "gcp-us-west1", "RUNNING");
        let e = evaluate(&input(&c, RoleKnowledge::Unknown, Some(&[])));
        let tier = get(&e, "tier");
        assert_eq!(tier.state, LineState::Fail);
        assert!(tier.detail.starts_with("Serverless clusters cannot be backed up."));
        assert_eq!(
            tier.fix,
            Some(Fix::Docs {
                label: "Migrate to a Dedicated cluster",
                url: "https://docs.zilliz.com/docs/migrate-between-clusters"
            })
        );
    }

    #[test]
    fn dedicated_running_cluster_with_unknown_role_can_create() {
        let c = cluster(ID, "Standard", "aws-us-east-1", "RUNNING");
        let e = evaluate(&input(&c, RoleKnowledge::Unknown, Some(&[])));
        assert!(e.can_create);
        assert_eq!(e.blocking_reason, None);
        let role = get(&e, "role");
        assert_eq!(role.state, LineState::Unknown);
        assert_eq!(
            role.detail,
            "Creating a backup needs Organization Owner, Project Admin or a custom role with backup privilege. \
             The console cannot tell your key's role until the API answers."
        );
        assert!(e.lines.iter().filter(|l| l.id != "role").all(|l| l.state == LineState::Pass));
    }

    #[test]
    fn denied_role_names_the_roles_that_may_create() {
        let c = cluster(ID, "Enterprise", "aws-us-east-1", "RUNNING");
        let e = evaluate(&input(&c, RoleKnowledge::Denied, Some(&[])));
        let role = get(&e, "role");
        assert_eq!(role.state, LineState::Fail);
        for r in ["Organization Owner", "Project Admin", "custom role with backup privilege"] {
            assert!(role.detail.contains(r), "{}", role.detail);
        }
        assert!(role.fix.is_some());
        assert!(!e.can_create);
        assert_eq!(get(&evaluate(&input(&c, RoleKnowledge::Allowed, Some(&[]))), "role").state, LineState::Pass);
    }

    #[test]
    fn role_is_learned_from_answers() {
        let perm = ApiError::new(ErrorKind::Permission, "no");
        let other = ApiError::new(ErrorKind::Rejected, "busy");
        assert_eq!(RoleKnowledge::Unknown.learn(Err(&perm)), RoleKnowledge::Denied);
        assert_eq!(RoleKnowledge::Unknown.learn(Ok(())), RoleKnowledge::Allowed);
        assert_eq!(RoleKnowledge::Unknown.learn(Err(&other)), RoleKnowledge::Unknown);
        assert_eq!(RoleKnowledge::Allowed.learn(Err(&other)), RoleKnowledge::Allowed);
        assert_eq!(RoleKnowledge::Allowed.learn(Err(&perm)), RoleKnowledge::Denied);
        assert_eq!(RoleKnowledge::default(), RoleKnowledge::Unknown);
    }

    #[test]
    fn running_manual_backup_blocks_and_links() {
        let c = cluster(ID, "Enterprise", "aws-us-east-1", "RUNNING");
        // From the list: no job id, so the link goes to the backups list.
        let list = [backup(ID, "MANUAL", "CREATING", "prod_backup3")];
        let e = evaluate(&input(&c, RoleKnowledge::Allowed, Some(&list)));
        let m = get(&e, "manual");
        assert_eq!(m.state, LineState::Fail);
        assert!(m.detail.contains("prod_backup3"), "{}", m.detail);
        assert_eq!(m.fix, Some(Fix::ViewBackups));
        assert_eq!(e.blocking_reason.as_deref(), Some(m.detail.as_str()));
        // From the register: its job, even before the list shows it (and while it loads).
        let mut inp = input(&c, RoleKnowledge::Allowed, None);
        inp.register_active_manual = Some(("job-031a8e3587ba7zqkad/x", "prod_backup4"));
        let e = evaluate(&inp);
        let m = get(&e, "manual");
        assert_eq!(m.state, LineState::Fail);
        assert!(m.detail.contains("prod_backup4"));
        assert_eq!(m.fix, Some(Fix::ViewJob("job-031a8e3587ba7zqkad/x".into())));
        // An item without a cluster id still counts (the list was asked for this cluster).
        let anonymous = [backup("", "MANUAL", "CREATING", "prod_backup5")];
        assert_eq!(
            get(&evaluate(&input(&c, RoleKnowledge::Allowed, Some(&anonymous))), "manual").state,
            LineState::Fail
        );
        // Finished: enabled again.
        let done = [backup(ID, "MANUAL", "AVAILABLE", "prod_backup3")];
        assert!(evaluate(&input(&c, RoleKnowledge::Allowed, Some(&done))).can_create);
    }

    #[test]
    fn running_automatic_backup_blocks() {
        let c = cluster(ID, "Standard", "gcp-us-west1", "RUNNING");
        let list = [backup(ID, "AUTO", "CREATING", "prod_auto9"), backup(ID, "MANUAL", "AVAILABLE", "m")];
        let e = evaluate(&input(&c, RoleKnowledge::Unknown, Some(&list)));
        let a = get(&e, "auto");
        assert_eq!(a.state, LineState::Fail);
        assert!(a.detail.contains("prod_auto9") && a.detail.contains("cannot start"), "{}", a.detail);
        assert_eq!(a.fix, Some(Fix::ViewBackups));
        assert_eq!(get(&e, "manual").state, LineState::Pass);
        assert!(!e.can_create);
    }

    #[test]
    fn loading_list_checks_and_blocks_error_does_not() {
        let c = cluster(ID, "Enterprise", "aws-us-east-1", "RUNNING");
        let e = evaluate(&input(&c, RoleKnowledge::Allowed, None));
        assert_eq!(get(&e, "manual").state, LineState::Checking);
        assert_eq!(get(&e, "auto").state, LineState::Checking);
        assert!(!e.can_create);
        assert_eq!(e.blocking_reason.as_deref(), Some(get(&e, "manual").detail.as_str()));
        let mut inp = input(&c, RoleKnowledge::Allowed, None);
        inp.backups_error = true;
        let e = evaluate(&inp);
        for id in ["manual", "auto"] {
            let l = get(&e, id);
            assert_eq!(l.state, LineState::Unknown);
            assert!(l.detail.contains("could not be loaded"), "{}", l.detail);
        }
        assert!(e.can_create);
    }

    #[test]
    fn fail_is_the_reason_before_checking() {
        let c = cluster(ID, "Enterprise", "aws-us-east-1", "STOPPED");
        let e = evaluate(&input(&c, RoleKnowledge::Unknown, None));
        assert_eq!(e.blocking_reason.as_deref(), Some(get(&e, "status").detail.as_str()));
    }

    #[test]
    fn cluster_status_texts() {
        let cases = [
            ("CREATING", "The cluster is creating. Wait until it is running.", false),
            ("RESUMING", "The cluster is resuming. Wait until it is running.", false),
            ("STOPPED", "The cluster is suspended. Resume the cluster first.", true),
            ("SUSPENDED", "The cluster is suspended. Resume the cluster first.", true),
            ("STOPPING", "The cluster is suspending. Wait until it has stopped, then resume it.", false),
            ("DELETING", "The cluster is deleting and cannot be backed up.", false),
            ("HIBERNATING", "The cluster is hibernating. Backups need a running cluster.", false),
        ];
        for (status, detail, has_fix) in cases {
            let c = cluster(ID, "Standard", "aws-us-east-1", status);
            let e = evaluate(&input(&c, RoleKnowledge::Allowed, Some(&[])));
            let s = get(&e, "status");
            assert_eq!(s.state, LineState::Fail, "{status}");
            assert_eq!(s.detail, detail);
            assert_eq!(s.fix.is_some(), has_fix, "{status}");
            assert_eq!(e.blocking_reason.as_deref(), Some(detail));
        }
        let c: Cluster = serde_json::from_value(json!({"clusterId": ID, "plan": "Standard"})).unwrap();
        let s = evaluate(&input(&c, RoleKnowledge::Allowed, Some(&[]))).lines.remove(4);
        assert_eq!(s.detail, "The cluster is unknown. Backups need a running cluster.");
    }
}
