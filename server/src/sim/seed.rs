//! The demo world a fresh (or `--reset`) simulator starts from. Ids are fixed so tests and the
//! README can name them; times are relative to the moment of seeding.

use std::collections::BTreeMap;

use super::jobs::{backup_durations, copy_durations, snapshot_all, snapshot_collection};
use super::state::{
    Backup, BackupCopy, BackupDb, Cluster, Collection, Database, Job, JobKind, JobStatus, Policy, PolicyCopy, Project,
    SCHEMA_VERSION, SimState, Tier,
};
use crate::time_util::{DAY, HOUR, day_start};

pub const PROJECT_PROD: &str = "proj-5d0a1f3c9e7b2a6d4c8e01";
pub const PROJECT_STAGING: &str = "proj-7e2b9c4a1d6f3e8b5a0c92";

pub const PROD_SEARCH: &str = "in01-3f9a1c7e5b2d401";
pub const PROD_RECOMMEND: &str = "in01-7c2e9b4a1d6f802";
pub const PROD_ARCHIVE: &str = "in01-b5d8e2f1a4c7903";
pub const PROD_AZURE: &str = "in01-5e1a7d3c9f2b604";
pub const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";
pub const STAGING_NEXT: &str = "in01-2a6f8c1d4e9b706";
pub const STAGING_SERVERLESS: &str = "in05-4c8e1a3f7b2d907";
pub const SANDBOX_FREE: &str = "in03-6b1d9e4a2c7f008";

const MIB: u64 = 1024 * 1024;

/// (cluster, method, type, Some((database, collections)) or None = whole cluster, created,
/// cross-region copies)
type SeedBackup = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static [&'static str])>,
    u64,
    &'static [&'static str],
);

/// (name, description, size in MiB, loaded)
type Coll = (&'static str, &'static str, u64, bool);

fn db(name: &str, colls: &[Coll]) -> Database {
    Database {
        name: name.into(),
        collections: colls
            .iter()
            .map(|&(n, d, mib, loaded)| Collection {
                name: n.into(),
                description: d.into(),
                size_bytes: mib * MIB,
                // About 3 KiB per row (768-dim float vectors plus scalars).
                row_count: mib * MIB / 3072,
                loaded,
            })
            .collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn cluster(
    id: &str,
    name: &str,
    project: &str,
    region: &str,
    tier: Tier,
    plan: &str,
    cu: (&str, u32),
    status: &str,
    created: u64,
    databases: Vec<Database>,
) -> Cluster {
    Cluster {
        cluster_id: id.into(),
        cluster_name: name.into(),
        project_id: project.into(),
        description: String::new(),
        region_id: region.into(),
        tier,
        plan: plan.into(),
        cu_type: cu.0.into(),
        cu_size: cu.1,
        replica: u32::from(tier == Tier::Dedicated),
        status: status.into(),
        create_time: created,
        create_progress: if status == "CREATING" { 40 } else { 100 },
        databases,
        backup_counter: 0,
        db_admin_password: None,
    }
}

pub fn seed(now: u64) -> SimState {
    let projects = vec![
        Project {
            project_id: PROJECT_PROD.into(),
            project_name: "Production".into(),
            plan: "Enterprise".into(),
            create_time: now - 400 * DAY,
        },
        Project {
            project_id: PROJECT_STAGING.into(),
            project_name: "Staging".into(),
            plan: "Standard".into(),
            create_time: now - 120 * DAY,
        },
    ];
    let ded = Tier::Dedicated;
    let mut clusters = vec![
        cluster(
            PROD_SEARCH,
            "prod-search",
            PROJECT_PROD,
            "aws-us-east-1",
            ded,
            "Enterprise",
            ("Performance-optimized", 4),
            "RUNNING",
            now - 300 * DAY,
            vec![
                db(
                    "default",
                    &[
                        ("articles_en", "English news articles, 768-d embeddings", 12_700, true),
                        ("articles_de", "German news articles", 3_170, true),
                        ("articles_fr", "French news articles", 2_250, true),
                        ("query_log", "Search queries of the last 90 days", 450, false),
                    ],
                ),
                db(
                    "catalog",
                    &[
                        ("products", "Product titles and descriptions", 6_960, true),
                        ("product_images", "CLIP image embeddings", 9_730, true),
                        ("sku_embeddings", "", 1_230, false),
                    ],
                ),
                db(
                    "support",
                    &[
                        ("tickets", "Support tickets, redacted", 820, true),
                        ("kb_articles", "Knowledge-base articles", 310, true),
                    ],
                ),
            ],
        ),
        cluster(
            PROD_RECOMMEND,
            "prod-recommend",
            PROJECT_PROD,
            "gcp-us-west1",
            ded,
            "BusinessCritical",
            ("Capacity-optimized", 8),
            "RUNNING",
            now - 210 * DAY,
            vec![
                db(
                    "default",
                    &[
                        ("user_embeddings", "One vector per active user", 28_670, true),
                        ("item_embeddings", "", 14_850, true),
                        ("session_vectors", "Rolling 7-day sessions", 3_380, true),
                    ],
                ),
                db(
                    "experiments",
                    &[("ab_test_2026q3", "A/B test cohort vectors", 640, false), ("cold_start", "", 120, false)],
                ),
            ],
        ),
        cluster(
            PROD_ARCHIVE,
            "prod-archive",
            PROJECT_PROD,
            "aws-us-west-2",
            ded,
            "Enterprise",
            ("Tiered-storage", 2),
            "STOPPED",
            now - 500 * DAY,
            vec![db(
                "default",
                &[
                    ("legal_docs_2019_2023", "Contracts and filings", 49_150, false),
                    ("email_archive", "", 21_500, false),
                ],
            )],
        ),
        cluster(
            PROD_AZURE,
            "prod-azure",
            PROJECT_PROD,
            "az-eastus",
            ded,
            "Enterprise",
            ("Performance-optimized", 2),
            "RUNNING",
            now - 90 * DAY,
            vec![db(
                "default",
                &[
                    ("faq_embeddings", "FAQ answers", 900, true),
                    ("chat_history", "Assistant conversations", 2_760, true),
                ],
            )],
        ),
        cluster(
            STAGING_MAIN,
            "staging-main",
            PROJECT_STAGING,
            "aws-us-east-1",
            ded,
            "Standard",
            ("Performance-optimized", 1),
            "RUNNING",
            now - 100 * DAY,
            vec![
                db(
                    "default",
                    &[
                        ("articles_en_sample", "10% sample of articles_en", 1_130, true),
                        ("products_sample", "", 640, true),
                        ("test_vectors", "Random vectors for load tests", 25, false),
                    ],
                ),
                db(
                    "qa",
                    &[("regression_set", "Queries with expected results", 180, true), ("golden_queries", "", 4, true)],
                ),
            ],
        ),
        cluster(
            STAGING_NEXT,
            "staging-next",
            PROJECT_STAGING,
            "gcp-us-west1",
            ded,
            "Standard",
            ("Performance-optimized", 1),
            "CREATING",
            now - HOUR,
            vec![db("default", &[])],
        ),
        cluster(
            STAGING_SERVERLESS,
            "staging-serverless",
            PROJECT_STAGING,
            "gcp-us-west1",
            Tier::Serverless,
            "Serverless",
            ("", 0),
            "RUNNING",
            now - 60 * DAY,
            vec![db("default", &[("demo_docs", "Docs for the demo chatbot", 75, true)])],
        ),
        // The real API reports a Free cluster with plan "Serverless" (§4.3, §9.7).
        cluster(
            SANDBOX_FREE,
            "sandbox-free",
            PROJECT_STAGING,
            "gcp-us-west1",
            Tier::Free,
            "Serverless",
            ("", 0),
            "RUNNING",
            now - 30 * DAY,
            vec![db("default", &[("quick_setup", "", 2, true)])],
        ),
    ];

    let mut st = SimState {
        schema_version: SCHEMA_VERSION,
        projects,
        clusters: Vec::new(),
        backups: Vec::new(),
        policies: BTreeMap::new(),
        jobs: Vec::new(),
        next_backup_seq: 0,
    };

    // The three latest daily 02:00 UTC slots that have passed (today's, if it has).
    let base = u64::from(day_start(now) + 2 * HOUR + 7 * 60_000 > now);
    let slot = |days_ago: u64| day_start(now) - (days_ago - 1 + base) * DAY + 2 * HOUR + 7 * 60_000;
    let specs: Vec<SeedBackup> = vec![
        (PROD_ARCHIVE, "MANUAL", "CLUSTER", None, now - 40 * DAY, &[]),
        (PROD_SEARCH, "MANUAL", "CLUSTER", None, now - 20 * DAY, &[]),
        (PROD_RECOMMEND, "MANUAL", "CLUSTER", None, now - 9 * DAY, &[]),
        (PROD_SEARCH, "MANUAL", "COLLECTION", Some(("default", &["articles_en", "articles_de"])), now - 6 * DAY, &[]),
        (PROD_SEARCH, "AUTO", "CLUSTER", None, slot(3), &["aws-us-west-2"]),
        (PROD_SEARCH, "AUTO", "CLUSTER", None, slot(2), &["aws-us-west-2"]),
        (STAGING_MAIN, "MANUAL", "COLLECTION", Some(("qa", &["regression_set", "golden_queries"])), now - 2 * DAY, &[]),
        (PROD_SEARCH, "AUTO", "CLUSTER", None, slot(1), &["aws-us-west-2"]),
    ];
    let ids = [
        "backup1_a1b2c3d4e5f6071",
        "backup2_b2c3d4e5f607182",
        "backup3_c3d4e5f60718293",
        "backup4_d4e5f6071829304",
        "backup5_e5f607182930415",
        "backup6_f60718293041526",
        "backup7_0718293041526a7",
        "backup8_18293041526a7b8",
    ];
    let mut job_no = 0u32;
    let mut next_job = || {
        job_no += 1;
        format!("job-seed{job_no:0>18}")
    };
    for (i, (cid, method, btype, colls, created, copies)) in specs.into_iter().enumerate() {
        let Some(c) = clusters.iter_mut().find(|c| c.cluster_id == cid) else {
            continue;
        };
        c.backup_counter += 1;
        let db_collections = match colls {
            None => snapshot_all(c),
            Some((dbn, names)) => vec![BackupDb {
                db_name: dbn.into(),
                collections: c
                    .databases
                    .iter()
                    .filter(|d| d.name == dbn)
                    .flat_map(|d| d.collections.iter())
                    .filter(|x| names.contains(&x.name.as_str()))
                    .map(snapshot_collection)
                    .collect(),
            }],
        };
        let size: u64 = db_collections.iter().flat_map(|d| d.collections.iter()).map(|x| x.size_bytes).sum();
        let backup_id = ids[i].to_string();
        let job_id = next_job();
        let (p, r) = backup_durations(size);
        st.jobs.push(done_job(
            &job_id,
            "BACKUP",
            JobKind::Backup { backup_id: backup_id.clone(), method: method.into() },
            c,
            created,
            p + r,
        ));
        let mut backup_copies = Vec::new();
        for region in copies {
            let copy_id = next_job();
            let (cp, cr) = copy_durations(size);
            let start = created + (p + r) as u64;
            st.jobs.push(done_job(
                &copy_id,
                "BACKUP",
                JobKind::BackupCopy { backup_id: backup_id.clone(), region_id: (*region).into() },
                c,
                start,
                cp + cr,
            ));
            backup_copies.push(BackupCopy {
                region_id: (*region).into(),
                retention_days: Some(7),
                job_id: copy_id,
                status: "AVAILABLE".into(),
            });
        }
        st.backups.push(Backup {
            backup_name: format!("{}_backup{}", c.cluster_name, c.backup_counter),
            backup_id,
            cluster_id: c.cluster_id.clone(),
            cluster_name: c.cluster_name.clone(),
            project_id: c.project_id.clone(),
            region_id: c.region_id.clone(),
            backup_type: btype.into(),
            creation_method: method.into(),
            status: "AVAILABLE".into(),
            size,
            create_time: created,
            expire_time: (method == "AUTO").then_some(created + 7 * DAY),
            db_collections,
            job_id,
            copies: backup_copies,
        });
    }
    st.next_backup_seq = ids.len() as u64;

    // A restore that failed yesterday, so the jobs view has a FAILED entry with a reason.
    if let Some(c) = clusters.iter().find(|c| c.cluster_id == PROD_SEARCH) {
        let mut failed = done_job(
            &next_job(),
            "RESTORE",
            JobKind::RestoreCluster { backup_id: ids[1].into(), new_cluster_id: "in01-0f0e0d0c0b0a091".into() },
            c,
            now - DAY,
            95_000.0,
        );
        failed.status = JobStatus::Failed;
        failed.final_progress = 35;
        failed.reason =
            "Restore failed: the Staging project has no CU quota left for a 4-CU cluster in aws-us-east-1.".into();
        st.jobs.push(failed);
    }

    // prod-search has a daily policy with a copy to aws-us-west-2; its last slot is marked done
    // so a fresh start never fires an extra backup.
    let today_slot = day_start(now) + 2 * HOUR;
    st.policies.insert(
        PROD_SEARCH.into(),
        Policy {
            enabled: true,
            frequency: "1,2,3,4,5,6,7".into(),
            start_time: "02:00-04:00".into(),
            retention_days: 7,
            cross_region_copies: vec![PolicyCopy { region_id: "aws-us-west-2".into(), retention_days: 7 }],
            enabled_at: now - 30 * DAY,
            last_slot: if today_slot <= now { today_slot } else { today_slot - DAY },
        },
    );
    st.clusters = std::mem::take(&mut clusters);
    st
}

fn done_job(id: &str, job_type: &str, kind: JobKind, c: &Cluster, start: u64, work: f64) -> Job {
    Job {
        job_id: id.into(),
        job_type: job_type.into(),
        kind,
        cluster_id: c.cluster_id.clone(),
        project_id: c.project_id.clone(),
        status: JobStatus::Successful,
        pending_ms: 0.0,
        run_ms: work,
        work_done_ms: work,
        advanced_at: start + work as u64,
        create_time: start,
        start_time: Some(start),
        end_time: Some(start + work as u64),
        fail_at: None,
        reason: String::new(),
        after: None,
        final_progress: 100,
    }
}
