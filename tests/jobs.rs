//! The Jobs view against the running simulator: a backup job followed from PENDING to
//! SUCCESSFUL with rising progress and then no more requests; a failed job's reason on screen;
//! the register kept in localStorage and followed again by a fresh app. (A real page reload is
//! in the end-to-end suite.)
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use api_types::{BackupType, CreateBackupRequest, DbCollections, DeployConfig};
use backup_console::api::ApiClient;
use backup_console::api::key::ApiKey;
use backup_console::browser::now_ms;
use backup_console::components::job_table::JobTable;
use backup_console::rules::job_register::{JobEntry, JobKind};
use backup_console::state::Connection;
use backup_console::state::jobs::Jobs;
use backup_console::state::toasts::Toasts;
use leptos::mount::mount_to;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";

async fn polls_of(job_id: &str) -> usize {
    sim(&format!("/__sim/requests?path=/v2/jobs/{job_id}"), None).await.as_array().map_or(0, Vec::len)
}

/// Starts a small collection backup on staging-main and returns (job id, backup name).
async fn start_backup() -> (String, String) {
    let client = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-admin-key").unwrap()));
    let req = CreateBackupRequest {
        backup_type: BackupType::Collection,
        db_collections: vec![DbCollections { db_name: "qa".into(), collection_names: vec!["golden_queries".into()] }],
        cross_region_copies: vec![],
    };
    let r = client.create_backup(STAGING_MAIN, &req).await.unwrap();
    (r.job_id, r.backup_name)
}

/// The connection to the simulator (read-only key) and the job follower, as the app provides them.
fn provide_jobs() -> Jobs {
    let conn = Connection::provide();
    conn.deploy.set(Some(DeployConfig::default()));
    conn.user_base_url.set(Some(SIM_URL.to_owned()));
    conn.key.set(Some(ApiKey::parse("demo-readonly-key").unwrap()));
    Jobs::provide(conn, Toasts::provide())
}

fn mount_jobs(host: &Host) -> (leptos::mount::UnmountHandle<impl Mountable>, Jobs) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || {
        let jobs = provide_jobs();
        out.set(Some(jobs));
        let ids = Signal::derive(move || {
            jobs.register.with(|r| r.entries().iter().map(|e| e.job_id.clone()).collect::<Vec<_>>())
        });
        let selected: Signal<Option<String>> = Signal::derive(|| None);
        view! { <JobTable ids selected /> }
    });
    (handle, slot.get().unwrap())
}

fn follow(jobs: Jobs, job_id: &str, backup_name: &str) {
    jobs.add(JobEntry {
        job_id: job_id.into(),
        kind: JobKind::Backup,
        cluster_id: STAGING_MAIN.into(),
        cluster_name: "staging-main".into(),
        backup_name: backup_name.into(),
        added_ms: now_ms(),
        ..Default::default()
    });
}

fn status_and_progress(host: &Host) -> (String, Option<u8>) {
    let status = host.text_of("tbody .badge");
    let progress = host
        .el()
        .query_selector("tbody [role=progressbar], tbody progress")
        .unwrap()
        .and_then(|p| p.get_attribute("value").or_else(|| p.get_attribute("aria-valuenow")))
        .and_then(|v| v.parse().ok());
    (status, progress)
}

#[wasm_bindgen_test]
async fn a_job_is_followed_to_successful_then_polling_stops() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 2}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    let host = Host::new();
    let (handle, jobs) = mount_jobs(&host);
    follow(jobs, &job_id, &name);

    let mut seen: Vec<(String, Option<u8>)> = Vec::new();
    for _ in 0..300 {
        let now = status_and_progress(&host);
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now.0 == "Successful" {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(statuses.last(), Some(&"Successful"), "{seen:?}");
    assert!(statuses.contains(&"In progress"), "the row went through IN_PROGRESS: {seen:?}");
    let progress: Vec<u8> = seen.iter().filter_map(|(_, p)| *p).collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "progress never goes back: {progress:?}");
    assert!(progress.iter().any(|p| (1..100).contains(p)), "progress rose through the middle: {progress:?}");
    assert_eq!(progress.last(), Some(&100));

    // Finished: nothing is polled any more.
    assert_eq!(jobs.active_count(), 0);
    let before = polls_of(&job_id).await;
    gloo_timers::future::TimeoutFuture::new(3_000).await;
    assert_eq!(polls_of(&job_id).await, before, "no request after the job finished");
    assert!(host.text().contains("staging-main"));
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_failed_job_shows_its_reason() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.001}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    let host = Host::new();
    let (handle, jobs) = mount_jobs(&host);
    follow(jobs, &job_id, &name);
    until("the first answer", || status_and_progress(&host).0 == "Pending").await;

    sim(
        &format!("/__sim/jobs/{job_id}/finish"),
        Some(json!({"status": "FAILED", "reason": "Object storage quota exceeded."})),
    )
    .await;
    jobs.refresh_now();
    until("the failure", || status_and_progress(&host).0 == "Failed").await;
    assert!(host.text().contains("Object storage quota exceeded."), "the reason is visible: {}", host.text());
    drop(handle);
}

#[wasm_bindgen_test]
async fn the_register_survives_a_new_app_and_polling_resumes() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.001}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    {
        let host = Host::new();
        let (handle, jobs) = mount_jobs(&host);
        follow(jobs, &job_id, &name);
        until("the first answer", || status_and_progress(&host).0 == "Pending").await;
        drop(handle);
    }
    let stored = local_item(&format!("zbc.jobs.{SIM_URL}")).expect("the register is in localStorage");
    assert!(stored.contains(&job_id));
    assert!(!stored.contains("demo-"), "no key in storage");

    // A fresh app (as after a reload) reads the register and polls the job again.
    let before = polls_of(&job_id).await;
    let host = Host::new();
    let (handle, _jobs) = mount_jobs(&host);
    until("the row is back", || host.text().contains(&job_id)).await;
    for _ in 0..100 {
        if polls_of(&job_id).await > before {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(100).await;
    }
    assert!(polls_of(&job_id).await > before, "polling resumed");
    drop(handle);
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
}

/// Mounts only the app's providers (no page): what runs before any page asks for the jobs.
fn mount_providers(host: &Host) -> (leptos::mount::UnmountHandle<impl Mountable>, Jobs) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || out.set(Some(provide_jobs())));
    (handle, slot.get().unwrap())
}

fn stored_register(job_ids: &[&str]) -> String {
    let jobs: Vec<_> = job_ids
        .iter()
        .map(|id| json!({"job_id": id, "kind": "Backup", "cluster_id": STAGING_MAIN, "cluster_name": "staging-main", "added_ms": now_ms()}))
        .collect();
    json!({"version": 1, "jobs": jobs}).to_string()
}

fn ids(jobs: Jobs) -> Vec<String> {
    jobs.register.with_untracked(|r| r.entries().iter().map(|e| e.job_id.clone()).collect())
}

/// The follower (a chunk of the release build) starts only when there is something to follow:
/// with no register in this browser nothing is read or polled, and the first use (a job added)
/// reads the stored register before adding to it, so nothing stored is lost.
#[wasm_bindgen_test]
async fn the_follower_waits_for_something_to_follow_and_reads_before_it_adds() {
    clear_storage();
    let key = backup_console::rules::job_register::storage_key(SIM_URL);
    let host = Host::new();
    let (handle, jobs) = mount_providers(&host);
    // The app has looked for a register (its effects run after mounting) and found none.
    gloo_timers::future::sleep(std::time::Duration::from_millis(200)).await;
    // Written behind the app's back (a same-tab write fires no storage event): not read yet.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(&key, &stored_register(&["job-stored00000001"]))
        .unwrap();
    gloo_timers::future::sleep(std::time::Duration::from_millis(300)).await;
    assert!(ids(jobs).is_empty(), "nothing to follow at start: the follower did not start");

    follow(jobs, "job-added000000001", "staging-main_backup_added");
    let mut now = ids(jobs);
    now.sort();
    assert_eq!(now, vec!["job-added000000001".to_owned(), "job-stored00000001".to_owned()]);
    let saved = local_item(&key).unwrap_or_default();
    assert!(saved.contains("job-stored00000001") && saved.contains("job-added000000001"), "{saved}");
    drop(handle);
    clear_storage();
}

/// A register left by an earlier visit starts the follower at once, with no page open.
#[wasm_bindgen_test]
async fn a_stored_register_starts_the_follower_on_its_own() {
    clear_storage();
    let key = backup_console::rules::job_register::storage_key(SIM_URL);
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(&key, &stored_register(&["job-earlier0000001"]))
        .unwrap();
    let host = Host::new();
    let (handle, jobs) = mount_providers(&host);
    until("the stored register is read", || ids(jobs) == vec!["job-earlier0000001".to_owned()]).await;
    drop(handle);
    clear_storage();
}
