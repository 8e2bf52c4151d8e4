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

/// Every request the server logged for this job, refused ones (401) included.
async fn requests_for(job_id: &str) -> u64 {
    sim(&format!("/__sim/requests/stats?prefix=/v2/jobs/{job_id}"), None).await["count"].as_u64().unwrap_or(0)
}

/// The console's style sheet in the test page: the windowed table measures real rows.
fn load_css() {
    let doc = web_sys::window().unwrap().document().unwrap();
    if doc.get_element_by_id("console-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("console-css");
        style.set_text_content(Some(include_str!("../style/main.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
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
    let (handle, jobs, _, _) = mount_jobs_with(host, "demo-readonly-key");
    (handle, jobs)
}

/// The table with its follower, the connection (to change the key) and the toasts.
fn mount_jobs_with(
    host: &Host,
    key: &'static str,
) -> (leptos::mount::UnmountHandle<impl Mountable>, Jobs, Connection, Toasts) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || {
        let conn = Connection::provide();
        conn.deploy.set(Some(DeployConfig::default()));
        conn.user_base_url.set(Some(SIM_URL.to_owned()));
        conn.key.set(Some(ApiKey::parse(key).unwrap()));
        let toasts = Toasts::provide();
        let jobs = Jobs::provide(conn, toasts);
        out.set(Some((jobs, conn, toasts)));
        let ids = Signal::derive(move || {
            jobs.register.with(|r| r.entries().iter().map(|e| e.job_id.clone()).collect::<Vec<_>>())
        });
        let selected: Signal<Option<String>> = Signal::derive(|| None);
        view! { <JobTable ids selected /> }
    });
    let (jobs, conn, toasts) = slot.get().unwrap();
    (handle, jobs, conn, toasts)
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
    // Unfinished: in the register's active part (the finished part is there too, empty).
    assert!(local_item(&format!("zbc.jobs.{SIM_URL}")).is_some(), "the register is in localStorage");
    let stored = local_item(&format!("zbc.jobs-active.{SIM_URL}")).expect("its unfinished jobs too");
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
    let saved = local_item(&backup_console::rules::job_register::active_key(SIM_URL)).unwrap_or_default();
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

/// A stored register of `n` finished jobs (the newest first), each ended a minute apart.
fn finished_register(n: usize) -> String {
    let now = now_ms();
    let jobs: Vec<_> = (0..n)
        .map(|i| {
            let id = format!("job-many{i:010}");
            json!({"job_id": id, "kind": "Backup", "cluster_id": STAGING_MAIN, "cluster_name": "staging-main",
                   "backup_name": format!("staging-main_backup{i}"), "added_ms": now - 60_000 * (i as u64 + 1),
                   "last": {"jobId": id, "type": "BACKUP", "status": "SUCCESSFUL", "progress": "100",
                            "startTime": "2026-12-01T10:00:00Z", "endTime": "2099-12-01T10:05:00Z", "reason": ""}})
        })
        .collect();
    json!({"version": 1, "jobs": jobs}).to_string()
}

fn set_local(key: &str, value: &str) -> Result<(), wasm_bindgen::JsValue> {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().set_item(key, value)
}

fn rows(host: &Host) -> Vec<web_sys::Element> {
    let list = host.el().query_selector_all("tr.job-row").unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| wasm_bindgen::JsCast::dyn_into(n).ok()).collect()
}

fn row_index(row: &web_sys::Element) -> usize {
    row.get_attribute("aria-rowindex").and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// 1,000 jobs: the table says so (its count, announced, and `aria-rowcount`), draws only the
/// rows in view, and scrolling brings the rows of that place, each with its true index.
#[wasm_bindgen_test]
async fn a_thousand_jobs_are_drawn_as_a_window_and_counted_in_full() {
    clear_storage();
    load_css();
    set_local(&backup_console::rules::job_register::storage_key(SIM_URL), &finished_register(1_000)).unwrap();
    let host = Host::new();
    let (handle, _jobs) = mount_jobs(&host);
    until("the first rows", || !rows(&host).is_empty()).await;

    let status = host.el().query_selector("[role=status]").unwrap().expect("a status line");
    assert_eq!(status.text_content().unwrap_or_default().trim(), "1000 jobs");
    let table = host.el().query_selector("table").unwrap().unwrap();
    assert_eq!(table.get_attribute("aria-rowcount").as_deref(), Some("1001"), "the header row and 1,000 rows");
    let drawn = rows(&host);
    assert!(drawn.len() < 80, "only the window is drawn: {}", drawn.len());
    assert_eq!(row_index(&drawn[0]), 2, "the first job is the table's second row");
    assert!(drawn[0].text_content().unwrap_or_default().contains("job-many0000000000"));
    // Finished rows are static: no progress bar would ever move; the text is all there.
    assert!(drawn[0].text_content().unwrap_or_default().contains("Successful"));

    // Scroll to the middle: the rows there, with their place in the whole table.
    let region: web_sys::HtmlElement =
        wasm_bindgen::JsCast::dyn_into(host.el().query_selector("[role=region]").unwrap().unwrap()).unwrap();
    let row_px = drawn[0].get_bounding_client_rect().height();
    region.set_scroll_top((500.0 * row_px) as i32);
    until("the rows of the middle", || rows(&host).iter().any(|r| row_index(r) == 502)).await;
    let middle = rows(&host);
    assert!(middle.len() < 80, "{}", middle.len());
    let at_502 = middle.iter().find(|r| row_index(r) == 502).unwrap();
    assert!(at_502.text_content().unwrap_or_default().contains("job-many0000000500"), "row 502 is job 500");
    assert!(middle.windows(2).all(|w| row_index(&w[1]) == row_index(&w[0]) + 1), "consecutive indexes");
    // The spacers keep the scroll height of all 1,000 rows.
    let height = f64::from(region.scroll_height());
    assert!((height - 1_000.0 * row_px).abs() < 3.0 * row_px, "scroll height {height} for rows of {row_px}");

    // A focused row scrolled far away hands the focus to the region, not to the page.
    let link: web_sys::HtmlElement =
        wasm_bindgen::JsCast::dyn_into(at_502.query_selector("a").unwrap().unwrap()).unwrap();
    link.focus().unwrap();
    region.set_scroll_top(0);
    until("the first rows again", || rows(&host).iter().any(|r| row_index(r) == 2)).await;
    let active = web_sys::window().unwrap().document().unwrap().active_element().unwrap();
    assert!(active.is_same_node(Some(&region)), "focus kept in the table's region");
    drop(handle);
    clear_storage();
}

/// A running job's row is the same element from answer to answer: only its cells change.
#[wasm_bindgen_test]
async fn a_running_row_is_updated_in_place() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 1}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    let host = Host::new();
    let (handle, jobs) = mount_jobs(&host);
    follow(jobs, &job_id, &name);
    until("an answer with progress", || status_and_progress(&host).1.is_some()).await;
    let row = rows(&host).pop().unwrap();
    let first = status_and_progress(&host);
    until("the progress moves", || {
        jobs.refresh_now();
        let now = status_and_progress(&host);
        now != first && now.0 != "Successful"
    })
    .await;
    let same = rows(&host).pop().unwrap();
    assert!(row.is_same_node(Some(&same)), "the row was updated in place, not rebuilt");
    drop(handle);
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
}

/// "Job not found" for a job the console has known for a while: no longer polled, and said.
#[wasm_bindgen_test]
async fn a_job_the_api_does_not_know_stops_being_polled() {
    sim("/__sim/reset", Some(json!({}))).await;
    clear_storage();
    let host = Host::new();
    let (handle, jobs, _, toasts) = mount_jobs_with(&host, "demo-readonly-key");
    let id = "job-nosuchjob00000001";
    jobs.add(JobEntry { job_id: id.into(), kind: JobKind::Opened, added_ms: now_ms() - 120_000, ..Default::default() });
    until("the row says so", || host.text().contains("Not found")).await;
    assert!(host.text().contains("no longer followed"), "{}", host.text());
    // Added just now: asked again three times (a new job may show a moment late), then no more.
    assert_eq!(requests_for(id).await, 4, "asked once and three more times");
    assert_eq!(jobs.active_count(), 0);
    assert!(toasts.items.with_untracked(|t| t.iter().any(|t| t.text.contains("was not found by the API"))));
    gloo_timers::future::sleep(std::time::Duration::from_secs(3)).await;
    jobs.refresh_now();
    gloo_timers::future::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(requests_for(id).await, 4, "never asked again, not even on Refresh");
    let stored = local_item(&backup_console::rules::job_register::storage_key(SIM_URL)).unwrap_or_default();
    assert!(stored.contains(id) && stored.contains("\"g\":"), "remembered as gone: {stored}");
    drop(handle);
}

/// A key the API refuses (401) stops all polling with the reason; a new key starts it again.
#[wasm_bindgen_test]
async fn a_refused_key_halts_polling_until_the_key_changes() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.001}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    let host = Host::new();
    let (handle, jobs, conn, toasts) = mount_jobs_with(&host, "demo-revoked-key");
    follow(jobs, &job_id, &name);
    until("the halt", || jobs.halted.with_untracked(Option::is_some)).await;
    let kind = jobs.halted.with_untracked(|h| h.as_ref().map(|e| e.kind));
    assert_eq!(kind, Some(api_types::ErrorKind::Unauthorized));
    assert!(toasts.items.with_untracked(|t| t.iter().any(|t| t.text.contains("refused this key"))));
    let asked = requests_for(&job_id).await;
    assert_eq!(asked, 1, "one refusal is enough");
    gloo_timers::future::sleep(std::time::Duration::from_secs(3)).await;
    jobs.refresh_now();
    gloo_timers::future::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(requests_for(&job_id).await, asked, "nothing asked while halted, not even on Refresh");

    conn.key.set(Some(ApiKey::parse("demo-readonly-key").unwrap()));
    until("polling again with the new key", || jobs.halted.with_untracked(Option::is_none)).await;
    until("the first answer", || status_and_progress(&host).0 == "Pending").await;
    assert!(requests_for(&job_id).await > asked);
    drop(handle);
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
}

/// A browser storage with no room left: the jobs stay followed in memory, the user is told
/// once, and the register is written once there is room again.
#[wasm_bindgen_test]
async fn a_full_storage_is_told_once_and_loses_nothing() {
    clear_storage();
    // Fill this origin's localStorage until the browser refuses.
    let block = "x".repeat(512 * 1024);
    let mut i = 0;
    while set_local(&format!("zz.filler.{i}"), &block).is_ok() && i < 64 {
        i += 1;
    }
    // Then smaller and smaller blocks, to the last character the browser allows.
    let mut j = 0;
    for size in [65_536, 4_096, 256, 16, 1] {
        let block = "y".repeat(size);
        while set_local(&format!("zz.small.{j}"), &block).is_ok() && j < 2_000 {
            j += 1;
        }
    }
    let host = Host::new();
    let (handle, jobs, _, toasts) = mount_jobs_with(&host, "demo-readonly-key");
    for n in 0..3 {
        jobs.add(JobEntry {
            job_id: format!("job-full{n:012}"),
            kind: JobKind::Opened,
            backup_name: "z".repeat(200),
            added_ms: now_ms(),
            ..Default::default()
        });
    }
    let told = || toasts.items.with_untracked(|t| t.iter().filter(|t| t.text.contains("storage")).count());
    let probe = set_local("zz.probe", "x").is_err();
    assert_eq!(told(), 1, "told once, not once per write (fillers {i} + {j}, storage full: {probe})");
    assert_eq!(jobs.register.with_untracked(|r| r.len()), 3, "nothing lost in memory");
    until("three rows", || rows(&host).len() == 3).await;

    // Room again: the next save writes every job.
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    jobs.add(JobEntry {
        job_id: "job-full-after".into(),
        kind: JobKind::Opened,
        added_ms: now_ms(),
        ..Default::default()
    });
    let stored = local_item(&backup_console::rules::job_register::active_key(SIM_URL)).unwrap_or_default();
    assert!((0..3).all(|n| stored.contains(&format!("job-full{n:012}"))), "{stored}");
    assert_eq!(told(), 1);
    drop(handle);
    clear_storage();
}

/// Two tabs (two apps in one page: Web Locks and BroadcastChannel work the same between them):
/// one polls, the other shows the same answers without asking; a Refresh in the quiet one is
/// asked by the poller; when the poller goes away, the other takes over.
#[wasm_bindgen_test]
async fn two_tabs_share_one_poller() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.001}))).await;
    clear_storage();
    let (job_id, name) = start_backup().await;
    let host_a = Host::new();
    let (handle_a, a, _, _) = mount_jobs_with(&host_a, "demo-readonly-key");
    follow(a, &job_id, &name);
    until("the first tab polls", || a.polls()).await;
    until("its first answer", || status_and_progress(&host_a).0 == "Pending").await;

    let host_b = Host::new();
    let (handle_b, b, _, _) = mount_jobs_with(&host_b, "demo-readonly-key");
    until("the second tab follows the same job", || host_b.text().contains(&job_id)).await;
    assert!(!b.polls(), "one poller for both");

    // The job finishes: the poller's answer reaches the quiet tab too.
    sim(&format!("/__sim/jobs/{job_id}/finish"), Some(json!({}))).await;
    let before = requests_for(&job_id).await;
    b.refresh_now();
    until("the quiet tab's Refresh is asked by the poller", || status_and_progress(&host_a).0 == "Successful").await;
    until("and its answer shown in the quiet tab", || status_and_progress(&host_b).0 == "Successful").await;
    let after = requests_for(&job_id).await;
    assert_eq!(after - before, 1, "one request for both tabs");

    // Hand-over: the poller goes away; the other tab takes the lock and polls its own job.
    drop(handle_a);
    until("the second tab polls now", || b.polls()).await;
    let (second, second_name) = start_backup_on("in01-3f9a1c7e5b2d401").await;
    follow_on(b, &second, &second_name, "in01-3f9a1c7e5b2d401");
    until("its answer", || host_b.text().contains("Pending")).await;
    assert!(requests_for(&second).await >= 1);
    drop(handle_b);
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
}

/// As `start_backup`, on another cluster (one manual backup per cluster at a time).
async fn start_backup_on(cluster: &str) -> (String, String) {
    let client = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap()));
    let req =
        CreateBackupRequest { backup_type: BackupType::Cluster, db_collections: vec![], cross_region_copies: vec![] };
    let r = client.create_backup(cluster, &req).await.unwrap();
    (r.job_id, r.backup_name)
}

fn follow_on(jobs: Jobs, job_id: &str, backup_name: &str, cluster: &str) {
    jobs.add(JobEntry {
        job_id: job_id.into(),
        kind: JobKind::Backup,
        cluster_id: cluster.into(),
        backup_name: backup_name.into(),
        added_ms: now_ms(),
        ..Default::default()
    });
}
