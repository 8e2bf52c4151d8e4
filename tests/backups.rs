//! The backups workflow in headless Chromium against the simulator: the list with its filters
//! and pages kept in the URL, a backup's details in both documented collection shapes, Delete
//! with its typed confirmation (and a failed Delete that keeps the dialog open), Restore cluster
//! with its password shown once and its job followed to the end, Restore collections as one
//! request per collection, the automatic policy set, changed and disabled, and a Read-Only key
//! that sees everything and can change nothing. Each flow also meets the simulator's faults.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use api_types::{BackupDetail, JobStatus};
use backup_console::components::create_backup::CreateBackupHost;
use backup_console::components::toasts::ToastRegion;
use backup_console::pages::backup::{BackupDetails, BackupPage};
use backup_console::pages::{backups::BackupsPage, cluster::ClusterPage};
use backup_console::rules::backup_actions::ROLE_REFUSED;
use backup_console::rules::job_register::JobKind;
use backup_console::state::jobs::Jobs;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PROD_SEARCH: &str = "in01-3f9a1c7e5b2d401";
const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";
/// prod-search's manual cluster backup (20 days old) and its manual collection backup.
const CLUSTER_BACKUP: &str = "backup2_b2c3d4e5f607182";
const COLLECTION_BACKUP: &str = "backup4_d4e5f6071829304";

async fn reset() {
    no_faults().await;
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
    clear_storage();
}

async fn faults(v: Value) {
    sim("/__sim/faults", Some(v)).await;
}

async fn no_faults() {
    gloo_net::http::Request::delete(&format!("{SIM_URL}/__sim/faults")).send().await.expect("faults cleared");
}

/// The requests the simulator recorded on `path` (method and body included).
async fn requests(path: &str) -> Vec<Value> {
    sim(&format!("/__sim/requests?path={path}&limit=1000"), None).await.as_array().cloned().unwrap_or_default()
}

/// Waits until `ok` holds; on time-out, says what the page showed.
async fn wait(host: &Host, what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..300 {
        if ok() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}; the page shows: {}", host.text());
}

fn sleep(ms: u32) -> gloo_timers::future::TimeoutFuture {
    gloo_timers::future::TimeoutFuture::new(ms)
}

/// The console's pages for backups in a router, with the dialog host and the toasts.
fn mount_app(host: &Host, key: &'static str) -> (leptos::mount::UnmountHandle<impl Mountable>, Jobs) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || {
        out.set(Some(provide_console(key).1));
        view! {
            <Router>
                <Routes fallback=|| view! { <p>"elsewhere"</p> }>
                    <Route path=path!("/backups") view=BackupsPage />
                    <Route path=path!("/clusters/:id") view=ClusterPage />
                    <Route path=path!("/clusters/:id/backups/:backup") view=BackupPage />
                </Routes>
                <CreateBackupHost />
                <ToastRegion />
            </Router>
        }
    });
    (handle, slot.get().unwrap())
}

fn url() -> String {
    let l = web_sys::window().unwrap().location();
    format!("{}{}", l.pathname().unwrap(), l.search().unwrap())
}

fn dialog(host: &Host) -> Option<web_sys::HtmlDialogElement> {
    host.el().query_selector("dialog").unwrap().map(|d| d.unchecked_into())
}

fn dialog_named(host: &Host, name: &str) -> bool {
    dialog(host).is_some_and(|d| {
        d.open()
            && d.get_attribute("aria-labelledby")
                .and_then(|id| host.el().query_selector(&format!("#{id}")).ok().flatten())
                .and_then(|h| h.text_content())
                .as_deref()
                == Some(name)
    })
}

/// A button by its text, and whether it is (aria-)disabled.
fn disabled(b: &web_sys::HtmlElement) -> bool {
    b.get_attribute("aria-disabled").as_deref() == Some("true") || b.has_attribute("disabled")
}

fn table_rows(host: &Host) -> Vec<Vec<String>> {
    host.el().query_selector("table").unwrap().map(|t| row_texts(&t)).unwrap_or_default()
}

fn select(host: &Host, label: &str) -> web_sys::HtmlSelectElement {
    host.by_label(label).unchecked_into()
}

/// Makes a manual cluster backup of `cluster` and lets its job finish.
async fn make_backup(cluster: &str) {
    let resp = gloo_net::http::Request::post(&format!("{SIM_URL}/v2/clusters/{cluster}/backups/create"))
        .header("Authorization", "Bearer demo-owner-key")
        .json(&json!({"backupType": "CLUSTER"}))
        .unwrap()
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    let job = body["data"]["jobId"].as_str().expect("a job").to_owned();
    sim(&format!("/__sim/jobs/{job}/finish"), Some(json!({}))).await;
}

#[wasm_bindgen_test]
async fn the_list_filters_and_pages_by_the_url_and_a_reload_keeps_them() {
    reset().await;
    // 8 seeded + 3 = 11 backups: two pages of 10.
    for _ in 0..3 {
        make_backup(STAGING_MAIN).await;
    }
    let _at = At::go("/backups?size=10");
    let host = Host::new();
    let (handle, _) = mount_app(&host, "demo-owner-key");
    wait(&host, "the first page", || host.text().contains("Backups 1–10 of 11")).await;
    assert_eq!(table_rows(&host).len(), 10);
    // Newest first: the three just made lead.
    let created: Vec<String> = host
        .el()
        .query_selector_all("td[data-label=Created] time")
        .map(|l| {
            (0..l.length())
                .map(|i| l.item(i).unwrap().unchecked_into::<web_sys::Element>().get_attribute("datetime").unwrap())
                .collect()
        })
        .unwrap();
    let mut sorted = created.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted, "newest first");
    // The name links to the details page; the UTC time is on hover.
    let link = host.el().query_selector("tbody th a").unwrap().unwrap();
    assert!(link.get_attribute("href").unwrap().starts_with(&format!("/clusters/{STAGING_MAIN}/backups/")));
    let time = host.el().query_selector("td[data-label=Created] time").unwrap().unwrap();
    assert!(time.get_attribute("title").unwrap().ends_with(" UTC"));
    assert!(disabled(&host.button("Previous page")));

    host.button("Next page").click();
    wait(&host, "the second page", || host.text().contains("Backups 11–11 of 11")).await;
    assert_eq!(url(), "/backups?page=2&size=10");
    assert!(disabled(&host.button("Next page")));

    // A filter goes back to page 1 and is written in the URL.
    choose(&select(&host, "Created by"), "AUTO");
    wait(&host, "automatic backups only", || host.text().contains("Backups 1–3 of 3")).await;
    assert_eq!(url(), "/backups?by=auto&size=10");
    assert!(table_rows(&host).iter().all(|r| r[3] == "Automatic"), "{:?}", table_rows(&host));
    // Automatic backups expire; manual ones say Never.
    assert!(table_rows(&host).iter().all(|r| r[7] != "Never"));
    choose(&select(&host, "Cluster"), STAGING_MAIN);
    wait(&host, "no match", || host.text().contains("No backup matches these filters.")).await;
    assert_eq!(url(), format!("/backups?cluster={STAGING_MAIN}&by=auto&size=10"));

    // A reload: a new app on the same URL shows the same view.
    drop(handle);
    let (_handle, _) = mount_app(&host, "demo-owner-key");
    wait(&host, "the same filters", || host.text().contains("No backup matches these filters.")).await;
    assert_eq!(select(&host, "Created by").value(), "AUTO");
    assert_eq!(select(&host, "Cluster").value(), STAGING_MAIN);
    host.button("Clear filters").click();
    wait(&host, "everything again", || host.text().contains("Backups 1–10 of 11")).await;
    assert_eq!(url(), "/backups?size=10");
    let list = requests("/v2/backups").await;
    let last = list.last().unwrap()["query"].as_str().unwrap_or_default().to_owned();
    assert!(last.contains("pageSize=10") && last.contains("currentPage=1"), "{last}");
}

#[wasm_bindgen_test]
async fn the_list_survives_its_faults() {
    reset().await;
    let _at = At::go("/backups");
    let host = Host::new();
    for fault in [json!({"htmlErrorRate": 1.0}), json!({"malformedRate": 1.0}), json!({"errorRate": 1.0})] {
        let mut f = fault.clone();
        f["endpoints"] = json!(["GET /v2/backups"]);
        faults(f).await;
        let (handle, _) = mount_app(&host, "demo-owner-key");
        wait(&host, "an error with Try again", || host.text().contains("Try again")).await;
        no_faults().await;
        host.button("Try again").click();
        wait(&host, "the list after the fault", || host.text().contains("Backups 1–8 of 8")).await;
        drop(handle);
    }
    // Slow is only slow.
    faults(json!({"latencyMs": 800, "endpoints": ["GET /v2/backups"]})).await;
    let (_handle, _) = mount_app(&host, "demo-owner-key");
    wait(&host, "loading", || host.text().contains("Loading backups…")).await;
    wait(&host, "the list", || host.text().contains("Backups 1–8 of 8")).await;
    no_faults().await;
}

fn detail(json: &str) -> BackupDetail {
    serde_json::from_str(json).unwrap()
}

#[wasm_bindgen_test]
async fn details_show_both_documented_collection_shapes() {
    reset().await;
    let grouped = detail(
        r#"{"backupId":"backup9_x","backupName":"Dedicated-01_backup9","clusterId":"in01-a","clusterName":"Dedicated-01",
            "backupType":"COLLECTION","creationMethod":"MANUAL","status":"AVAILABLE","size":1500000000,"regionId":"aws-us-east-1",
            "createTime":"2026-11-30T10:00:00Z","dbCollections":[{"dbName":"db1","collections":[
            {"collectionName":"articles","description":"news","status":"LOADED"},{"collectionName":"drafts","status":"UNLOADED"}]}]}"#,
    );
    let flat = detail(
        r#"{"backupId":"backup1_0b9d","backupName":"Dedicated-01_backup3","clusterId":"in01-a","clusterName":"Dedicated-01",
            "backupType":"CLUSTER","creationMethod":"AUTO","status":"AVAILABLE","size":0,"regionId":"aws-us-west-2",
            "collections":[{"collectionName":"medium_articles","description":"","status":"LOADED"}],
            "createTime":"2024-08-26T02:27:51Z","expireTime":"2024-09-02T02:27:51Z"}"#,
    );
    for (d, db, rows, note) in [
        (grouped, "Database db1", vec![vec!["articles", "news", "Loaded"], vec!["drafts", "—", "Not loaded"]], false),
        (flat, "Database default", vec![vec!["medium_articles", "—", "Loaded"]], true),
    ] {
        let host = Host::new();
        let name = d.backup.backup_name.clone();
        let _handle = mount_to(host.el(), move || {
            provide_console("demo-owner-key");
            view! {
                <Router>
                    <BackupDetails detail=d cluster=Signal::derive(|| Some(None)) />
                </Router>
            }
        });
        wait(&host, "the details", || host.text().contains(db)).await;
        assert_eq!(host.text_of("h1"), name);
        let table = host.by_role_name("table", &format!("Collections of database {}", &db["Database ".len()..]));
        assert_eq!(row_texts(&table), rows);
        assert_eq!(host.text().contains("shown in \"default\""), note, "{}", host.text());
        assert!(host.text().contains("Storage cost"));
        // The history says plainly that the job is not known here.
        assert!(host.text().contains("is not known to this console"));
    }
}

/// Opens a backup's details page and waits for its heading.
async fn open_details(
    host: &Host,
    key: &'static str,
    backup: &str,
) -> (leptos::mount::UnmountHandle<impl Mountable>, Jobs, At) {
    let at = At::go(&format!("/clusters/{PROD_SEARCH}/backups/{backup}"));
    let (handle, jobs) = mount_app(host, key);
    wait(&host, "the details", || host.text().contains("History")).await;
    (handle, jobs, at)
}

#[wasm_bindgen_test]
async fn delete_asks_for_the_name_keeps_a_failure_open_and_leaves_on_success() {
    reset().await;
    let host = Host::new();
    let (_handle, _jobs, _at) = open_details(&host, "demo-owner-key", CLUSTER_BACKUP).await;
    let name = host.text_of("h1");
    host.button("Delete backup").click();
    wait(&host, "the Delete dialog", || dialog_named(&host, "Delete backup")).await;
    assert!(host.text().contains("Deletion cannot be undone"));
    assert!(host.text().contains("It frees"), "{}", host.text());
    let confirm = host.by_label(&format!("Type the backup's name, {name}, to confirm"));
    let delete = || {
        host.el()
            .query_selector("dialog button[type=submit]")
            .unwrap()
            .unwrap()
            .unchecked_into::<web_sys::HtmlElement>()
    };
    assert!(disabled(&delete()), "not before the name is typed");
    delete().click();
    sleep(200).await;
    assert!(
        requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}"))
            .await
            .iter()
            .all(|r| r["method"] != "DELETE")
    );
    type_into(&confirm, &name.to_uppercase());
    sleep(100).await;
    assert!(disabled(&delete()), "the name must match exactly");
    type_into(&confirm, &name);
    wait(&host, "Delete enabled", || !disabled(&delete())).await;

    // A refusal keeps the dialog open with the reason; nothing else happens.
    faults(json!({"htmlErrorRate": 1.0, "endpoints": ["DELETE /v2/clusters"], "remaining": 1})).await;
    delete().click();
    wait(&host, "the reason", || host.text().contains("error page")).await;
    assert!(dialog_named(&host, "Delete backup"));
    // Malformed JSON after the delete took effect: the console checks and finds it gone.
    faults(json!({"malformedRate": 1.0, "endpoints": ["DELETE /v2/clusters"], "remaining": 1, "afterHandler": true}))
        .await;
    delete().click();
    wait(&host, "the dialog closes", || dialog(&host).is_none()).await;
    wait(&host, "the toast", || host.text().contains(&format!("Backup {name} was deleted."))).await;
    // Back on the cluster's page, the backup is gone from its list.
    wait(&host, "the cluster's list", || host.text().contains("Automatic backup")).await;
    wait(&host, "its rows", || !table_rows(&host).is_empty()).await;
    assert!(table_rows(&host).iter().all(|r| r[0] != name));
    let deletes = requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}"))
        .await
        .into_iter()
        .filter(|r| r["method"] == "DELETE")
        .count();
    assert_eq!(deletes, 2, "one refused, one that took effect: never a third");
    no_faults().await;
}

#[wasm_bindgen_test]
async fn restore_cluster_shows_the_password_once_and_follows_its_job() {
    reset().await;
    let host = Host::new();
    let (_handle, jobs, _at) = open_details(&host, "demo-owner-key", CLUSTER_BACKUP).await;
    host.button("Restore cluster").click();
    wait(&host, "the Restore cluster dialog", || dialog_named(&host, "Restore cluster")).await;
    assert!(host.text().contains("Not brought back: collection TTL settings"));
    assert!(host.text().contains("Use 1 to 64 letters"));
    // The name is checked as the API does.
    let name = host.by_label("New cluster name");
    type_into(&name, "restored copy");
    host.button("Restore").click();
    wait(&host, "the name's error", || host.text().contains("has a space")).await;
    assert!(requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}/restoreCluster")).await.is_empty());
    type_into(&name, "prod-search-restored");
    wait(&host, "the preflight", || host.text().contains("A new Dedicated cluster prod-search-restored")).await;
    // A 500 keeps the form; a second press after it sends again.
    faults(json!({"errorRate": 1.0, "endpoints": ["POST /v2/clusters/*/backups/*/restoreCluster"], "remaining": 1}))
        .await;
    host.button("Restore").click();
    wait(&host, "the error", || host.el().query_selector("dialog .error-panel").unwrap().is_some()).await;
    assert_eq!(host.by_label("New cluster name").value(), "prod-search-restored", "the input is kept");
    faults(json!({"latencyMs": 300, "endpoints": ["POST /v2/clusters/*/backups/*/restoreCluster"]})).await;
    host.button("Restore").click();
    wait(&host, "the password", || host.text().contains("Save this password now: it will not be shown again.")).await;
    no_faults().await;
    let password = host.text_of("code.secret");
    assert!(password.len() >= 8, "{password:?}");
    host.button("Copy password").click();
    // Followed: a restore job in the register, which the console polls to the end.
    let entry = jobs
        .register
        .with_untracked(|r| r.entries().iter().find(|e| e.kind == JobKind::Restore).cloned())
        .expect("registered");
    assert_eq!(entry.backup_id, CLUSTER_BACKUP);
    assert_eq!(entry.cluster_name, "prod-search-restored");
    // Never stored: not in either storage.
    let w = web_sys::window().unwrap();
    for s in [w.local_storage().unwrap().unwrap(), w.session_storage().unwrap().unwrap()] {
        for i in 0..s.length().unwrap() {
            let k = s.key(i).unwrap().unwrap();
            assert!(!s.get_item(&k).unwrap().unwrap_or_default().contains(&password), "the password is in {k}");
        }
    }
    sim(&format!("/__sim/jobs/{}/finish", entry.job_id), Some(json!({}))).await;
    jobs.refresh_now();
    wait(&host, &format!("the job is followed to the end (this app polls: {})", jobs.polls()), || {
        jobs.register.with_untracked(|r| r.get(&entry.job_id).and_then(|e| e.status().cloned()))
            == Some(JobStatus::Successful)
    })
    .await;
    host.button("Close").click();
    wait(&host, "closed", || dialog(&host).is_none()).await;
    assert!(!host.text().contains(&password), "shown once: gone with the dialog");
    // The history lists the restore with its job.
    wait(&host, "history", || host.text().contains("Restored into prod-search-restored")).await;
    assert_eq!(requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}/restoreCluster")).await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_restore_whose_answer_is_lost_is_found_and_not_sent_again() {
    reset().await;
    let host = Host::new();
    let (_handle, _jobs, _at) = open_details(&host, "demo-owner-key", CLUSTER_BACKUP).await;
    host.button("Restore cluster").click();
    wait(&host, "the dialog", || dialog_named(&host, "Restore cluster")).await;
    type_into(&host.by_label("New cluster name"), "prod-search-lost");
    // HTML 502 after the cluster was made: the console looks for it before inviting a retry.
    faults(json!({"htmlErrorRate": 1.0, "remaining": 1, "afterHandler": true, "endpoints": ["POST /v2/clusters/*/backups/*/restoreCluster"]})).await;
    host.button("Restore").click();
    wait(&host, "found", || host.text().contains("The answer was lost, but the cluster was made")).await;
    no_faults().await;
    assert!(host.text().contains("reset it in the Zilliz console"));
    let link =
        host.el().query_selector("dialog a[href^='/clusters/in01-']").unwrap().expect("a link to the new cluster");
    assert_ne!(link.get_attribute("href").unwrap(), format!("/clusters/{PROD_SEARCH}"));
    // Nothing more can be sent from here: only Close is offered.
    assert!(host.el().query_selector("dialog button[type=submit]").unwrap().is_none());
    assert_eq!(requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}/restoreCluster")).await.len(), 1);
}

#[wasm_bindgen_test]
async fn create_backup_like_this_opens_the_dialog_filled_in() {
    reset().await;
    let host = Host::new();
    let (_handle, _jobs, _at) = open_details(&host, "demo-owner-key", COLLECTION_BACKUP).await;
    wait(&host, "the cluster read", || !disabled(&host.button("Create backup like this"))).await;
    host.button("Create backup like this").click();
    wait(&host, "the dialog", || dialog_named(&host, "Create Backup")).await;
    // The same scope and collections, seen (checklist and cost) before anything is sent.
    wait(&host, "the collections", || host.text().contains("2 of")).await;
    assert!(host.by_label("Collection").checked());
    assert!(host.checkbox("articles_en").checked());
    assert!(host.checkbox("articles_de").checked());
    assert!(!host.checkbox("articles_fr").checked());
    assert!(requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/create")).await.is_empty());
}

#[wasm_bindgen_test]
async fn restoring_two_collections_sends_two_requests_in_order_and_never_again() {
    reset().await;
    let host = Host::new();
    let (_handle, jobs, _at) = open_details(&host, "demo-owner-key", COLLECTION_BACKUP).await;
    assert!(disabled(&host.button("Restore cluster")), "a collection backup cannot restore a cluster");
    assert!(host.text().contains("Only a cluster backup can restore a whole cluster"));
    host.button("Restore collections").click();
    wait(&host, "the dialog", || dialog_named(&host, "Restore collections")).await;
    wait(&host, "the targets", || host.try_by_label("Target cluster").is_some()).await;
    host.checkbox("Restore default.articles_en").click();
    host.checkbox("Restore default.articles_de").click();
    let de = host.el().query_selector("input[aria-label='New name for articles_de']").unwrap().unwrap();
    type_into(&de.unchecked_into(), "articles_de_copy");
    // Slow answers: each row says it is being sent, in turn.
    let path = "POST /v2/clusters/*/backups/*/restoreCollection";
    faults(json!({"latencyMs": 300, "endpoints": [path]})).await;
    host.button("Restore").click();
    wait(&host, "the first is sending", || host.all_texts(".row-outcome").iter().any(|t| t == "Sending…")).await;
    wait(&host, "both sent", || {
        host.all_texts(".row-outcome").iter().filter(|t| t.starts_with("Started")).count() == 2
    })
    .await;
    no_faults().await;
    let sent = requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{COLLECTION_BACKUP}/restoreCollection")).await;
    assert_eq!(sent.len(), 2, "one request per collection");
    let names: Vec<&str> = sent
        .iter()
        .map(|r| r["body"]["dbCollections"][0]["collections"][0]["destCollectionName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["restore_articles_en", "articles_de_copy"], "in order");
    assert_eq!(jobs.register.with_untracked(|r| r.entries().iter().filter(|e| e.kind == JobKind::Restore).count()), 2);
    // Pressing again sends nothing: both are started.
    host.button("Restore").click();
    sleep(300).await;
    assert_eq!(
        requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{COLLECTION_BACKUP}/restoreCollection")).await.len(),
        2
    );
    assert!(host.text().contains("Choose at least one collection to restore."));
}

#[wasm_bindgen_test]
async fn a_refused_collection_restore_is_sent_again_alone_and_a_lost_one_never() {
    reset().await;
    let host = Host::new();
    let (_handle, _jobs, _at) = open_details(&host, "demo-owner-key", COLLECTION_BACKUP).await;
    host.button("Restore collections").click();
    wait(&host, "the targets", || host.try_by_label("Target cluster").is_some()).await;
    host.checkbox("Restore default.articles_en").click();
    host.checkbox("Restore default.articles_de").click();
    let path = "POST /v2/clusters/*/backups/*/restoreCollection";
    // The first is refused (429: nothing was done), the second starts.
    faults(json!({"rateLimitRate": 1.0, "remaining": 1, "endpoints": [path]})).await;
    host.button("Restore").click();
    wait(&host, "one started", || host.all_texts(".row-outcome").iter().any(|t| t.starts_with("Started"))).await;
    wait(&host, "one refused", || host.el().query_selector(".row-outcome .error-panel").unwrap().is_some()).await;
    wait(&host, "the tally", || host.text().contains("1 restore started, 1 refused.")).await;
    no_faults().await;
    // Once its wait is over, Restore sends the refused one only.
    sleep(1_100).await;
    host.button("Restore").click();
    wait(&host, "both started", || {
        host.all_texts(".row-outcome").iter().filter(|t| t.starts_with("Started")).count() == 2
    })
    .await;
    let sent = requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{COLLECTION_BACKUP}/restoreCollection")).await;
    let names: Vec<&str> = sent
        .iter()
        .map(|r| r["body"]["dbCollections"][0]["collections"][0]["collectionName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["articles_en", "articles_de", "articles_en"]);
    host.button("Close").click();
    wait(&host, "closed", || dialog(&host).is_none()).await;

    // An answer lost after the restore took effect (malformed JSON): said so, and never re-sent.
    host.button("Restore collections").click();
    wait(&host, "the targets", || host.try_by_label("Target cluster").is_some()).await;
    host.checkbox("Restore default.articles_de").click();
    let de = host.el().query_selector("input[aria-label='New name for articles_de']").unwrap().unwrap();
    type_into(&de.unchecked_into(), "articles_de_again");
    faults(json!({"malformedRate": 1.0, "remaining": 1, "afterHandler": true, "endpoints": [path]})).await;
    host.button("Restore").click();
    wait(&host, "the lost answer", || host.text().contains("it may have started. Look in Jobs")).await;
    no_faults().await;
    host.button("Restore").click();
    sleep(300).await;
    assert_eq!(
        requests(&format!("/v2/clusters/{PROD_SEARCH}/backups/{COLLECTION_BACKUP}/restoreCollection")).await.len(),
        4
    );
    assert!(host.text().contains("Choose at least one collection to restore."));
}

/// The policy section's switch, Save button and summary.
fn switch(host: &Host) -> web_sys::HtmlInputElement {
    host.el().query_selector("input[role=switch]").unwrap().expect("the switch").unchecked_into()
}

async fn policy_of(cluster: &str) -> Value {
    let resp = gloo_net::http::Request::get(&format!("{SIM_URL}/v2/clusters/{cluster}/backups/policy"))
        .header("Authorization", "Bearer demo-owner-key")
        .send()
        .await
        .unwrap();
    resp.json::<Value>().await.unwrap()["data"].clone()
}

#[wasm_bindgen_test]
async fn a_policy_is_set_changed_and_disabled() {
    reset().await;
    let _at = At::go(&format!("/clusters/{STAGING_MAIN}"));
    let host = Host::new();
    let (_handle, jobs) = mount_app(&host, "demo-owner-key");
    wait(&host, "the policy", || host.text().contains("Automatic backups are off.")).await;
    assert!(!switch(&host).checked());
    switch(&host).click();
    wait(&host, "the form", || host.text().contains("Saving starts a first backup at once")).await;
    // The default: daily, kept 7 days; the UTC window is said beside the local one.
    assert!(host.text().contains("Sent to the API as 00:00-02:00 UTC."), "{}", host.text());
    host.checkbox("Saturday").click();
    host.checkbox("Sunday").click();
    let retention = host.by_label("Keep each backup (days, 1 to 30)");
    type_into(&retention, "31");
    host.button("Save policy").click();
    wait(&host, "the retention error", || host.text().contains("1 to 30 days")).await;
    type_into(&retention, "14");
    // A slow answer is only slow.
    faults(json!({"latencyMs": 400, "endpoints": ["POST /v2/clusters/*/backups/policy"]})).await;
    host.button("Save policy").click();
    wait(&host, "saving", || host.text().contains("Saving…")).await;
    wait(&host, "the first backup is followed", || {
        jobs.register.with_untracked(|r| {
            r.entries().iter().any(|e| e.kind == JobKind::PolicyBackup && e.cluster_id == STAGING_MAIN)
        })
    })
    .await;
    no_faults().await;
    // The job and the backup it makes, so the backup's History can name its job.
    let first = jobs
        .register
        .with_untracked(|r| r.entries().iter().find(|e| e.kind == JobKind::PolicyBackup).cloned())
        .unwrap();
    assert!(first.backup_id.starts_with("backup"), "{first:?}");
    let p = policy_of(STAGING_MAIN).await;
    assert_eq!(p["status"], "ENABLED");
    assert_eq!(p["retentionDays"], 14);
    wait(&host, "the summary", || host.text_of(".policy-summary").contains("kept 14 days")).await;
    assert!(host.text().contains("Next runs (your time):"));
    assert_eq!(host.all_texts(".next-runs li").len(), 3);

    // Change: a 500 keeps the form and its values, then it saves.
    type_into(&host.by_label("Keep each backup (days, 1 to 30)"), "21");
    faults(json!({"errorRate": 1.0, "remaining": 1, "endpoints": ["POST /v2/clusters/*/backups/policy"]})).await;
    host.button("Save policy").click();
    wait(&host, "the error", || host.el().query_selector(".policy-form .error-panel").unwrap().is_some()).await;
    assert_eq!(host.by_label("Keep each backup (days, 1 to 30)").value(), "21");
    host.button("Save policy").click();
    wait(&host, "saved", || host.text_of(".policy-summary").contains("kept 21 days")).await;
    assert_eq!(policy_of(STAGING_MAIN).await["retentionDays"], 21);

    // Disable asks once.
    switch(&host).click();
    wait(&host, "Disable", || host.text().contains("Disable")).await;
    sleep(50).await;
    host.button("Disable").click();
    wait(&host, "the question", || host.text().contains("Press Disable again to confirm.")).await;
    assert_eq!(policy_of(STAGING_MAIN).await["status"], "ENABLED", "nothing sent before the confirmation");
    host.button("Disable").click();
    wait(&host, "off", || host.text().contains("Automatic backups are off.")).await;
    assert_eq!(policy_of(STAGING_MAIN).await["status"], "DISABLED");
    let posts = requests(&format!("/v2/clusters/{STAGING_MAIN}/backups/policy"))
        .await
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 4, "enable, a refused change, the change, disable");
}

#[wasm_bindgen_test]
async fn a_read_only_key_sees_everything_and_can_change_nothing() {
    reset().await;
    let host = Host::new();
    let (_handle, _jobs, _at) = open_details(&host, "demo-readonly-key", CLUSTER_BACKUP).await;
    // Everything is visible.
    assert!(host.text().contains("Storage cost"));
    assert!(host.by_role_name("table", "Collections of database default").is_connected());
    // No endpoint tells a role: the first refused change teaches it, and says why.
    host.button("Delete backup").click();
    wait(&host, "the dialog", || dialog_named(&host, "Delete backup")).await;
    let name = host.text_of("h1");
    type_into(&host.by_label(&format!("Type the backup's name, {name}, to confirm")), &name);
    host.el()
        .query_selector("dialog button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    wait(&host, "the refusal", || host.text().contains("role")).await;
    host.button("Cancel").click();
    wait(&host, "closed", || dialog(&host).is_none()).await;
    for action in ["Restore cluster", "Restore collections", "Delete backup", "Create backup like this"] {
        let b = host.button(action);
        assert!(disabled(&b), "{action} is disabled");
        let reason = host.text_of(&format!("#{}", b.get_attribute("aria-describedby").unwrap()));
        assert_eq!(reason, ROLE_REFUSED, "{action}");
    }
    // Pressing a disabled action opens nothing and sends nothing.
    host.button("Restore cluster").click();
    sleep(200).await;
    assert!(dialog(&host).is_none());
    // The cluster's policy: visible, its Save disabled with the same reason.
    drop(_at);
    let _at = At::go(&format!("/clusters/{PROD_SEARCH}"));
    let host2 = Host::new();
    let (_h2, _) = mount_app(&host2, "demo-readonly-key");
    wait(&host2, "the policy", || host2.text().contains("Every day, 02:00-04:00 UTC")).await;
    // A new app has learnt nothing yet: the first refusal teaches it here too.
    type_into(&host2.by_label("Keep each backup (days, 1 to 30)"), "9");
    host2.button("Save policy").click();
    wait(&host2, "refused", || host2.el().query_selector(".policy-form .error-panel").unwrap().is_some()).await;
    wait(&host2, "the reason", || host2.text().contains(ROLE_REFUSED)).await;
    assert!(disabled(&host2.button("Save policy")));
}

/// The four faults every flow meets: (what the fault is, its settings).
fn the_four_faults() -> Vec<(&'static str, Value)> {
    vec![
        ("latency", json!({"latencyMs": 700})),
        ("500", json!({"errorRate": 1.0, "remaining": 1})),
        ("HTML 502", json!({"htmlErrorRate": 1.0, "remaining": 1})),
        ("malformed JSON", json!({"malformedRate": 1.0, "remaining": 1})),
    ]
}

fn on(fault: &Value, endpoint: &str) -> Value {
    let mut f = fault.clone();
    f["endpoints"] = json!([endpoint]);
    f
}

#[wasm_bindgen_test]
async fn a_backups_page_and_its_policy_recover_from_each_fault() {
    reset().await;
    for (name, fault) in the_four_faults() {
        // The backup's page (Describe Backup).
        faults(on(&fault, "GET /v2/clusters/*/backups/backup2_b2c3d4e5f607182")).await;
        let host = Host::new();
        let at = At::go(&format!("/clusters/{PROD_SEARCH}/backups/{CLUSTER_BACKUP}"));
        let (handle, _) = mount_app(&host, "demo-owner-key");
        // A 5xx or a proxy's page is retried on its own; an answer that is not JSON is not (it
        // would be the same again) and says so with Try again; a slow answer is waited for.
        wait(&host, &format!("the details or Try again after {name}"), || {
            host.text().contains("History") || host.text().contains("Try again")
        })
        .await;
        if !host.text().contains("History") {
            assert_eq!(name, "malformed JSON", "only an unreadable answer waits for Try again");
            host.button("Try again").click();
        }
        wait(&host, &format!("the details after {name}"), || host.text().contains("History")).await;
        drop(handle);
        drop(at);
        no_faults().await;

        // The policy's Get and Set.
        faults(on(&fault, "GET /v2/clusters/*/backups/policy")).await;
        let at = At::go(&format!("/clusters/{STAGING_MAIN}"));
        let (handle, _) = mount_app(&host, "demo-owner-key");
        wait(&host, &format!("the policy or Try again after {name}"), || {
            host.text().contains("Automatic backups are off.") || host.text().contains("Try again")
        })
        .await;
        if !host.text().contains("Automatic backups are off.") {
            host.button("Try again").click();
        }
        wait(&host, &format!("the policy after {name}"), || host.text().contains("Automatic backups are off.")).await;
        switch(&host).click();
        wait(&host, "the form", || host.try_by_label("Keep each backup (days, 1 to 30)").is_some()).await;
        faults(on(&fault, "POST /v2/clusters/*/backups/policy")).await;
        host.button("Save policy").click();
        if name == "latency" {
            wait(&host, "saving", || host.text().contains("Saving…")).await;
        } else {
            wait(&host, &format!("the error after {name}"), || {
                host.el().query_selector(".policy-form .error-panel").unwrap().is_some()
            })
            .await;
            assert!(switch(&host).checked(), "the form is kept after {name}");
            no_faults().await;
            // Setting a policy is idempotent: the same Save again is safe.
            host.button("Save policy").click();
        }
        wait(&host, &format!("on after {name}"), || host.text_of(".policy-summary").starts_with("Every day")).await;
        no_faults().await;
        drop(handle);
        drop(at);
        sim("/__sim/reset", Some(json!({}))).await;
    }
}

#[wasm_bindgen_test]
async fn the_dialogs_meet_each_fault_and_never_send_twice_what_may_have_worked() {
    for (name, fault) in the_four_faults() {
        reset().await;
        let host = Host::new();
        let (_handle, _jobs, _at) = open_details(&host, "demo-owner-key", COLLECTION_BACKUP).await;
        let delete = format!("/v2/clusters/{PROD_SEARCH}/backups/{COLLECTION_BACKUP}");
        let restore = format!("{delete}/restoreCollection");

        // Restore collections: a lost answer is never re-sent; latency is only slow.
        host.button("Restore collections").click();
        wait(&host, "the targets", || host.try_by_label("Target cluster").is_some()).await;
        host.checkbox("Restore default.articles_en").click();
        faults(on(&fault, "POST /v2/clusters/*/backups/*/restoreCollection")).await;
        host.button("Restore").click();
        if name == "latency" {
            wait(&host, "sending", || host.text().contains("Restoring 1 of 1…")).await;
            wait(&host, "started", || host.all_texts(".row-outcome").iter().any(|t| t.starts_with("Started"))).await;
        } else {
            wait(&host, &format!("the lost answer after {name}"), || host.text().contains("it may have started")).await;
            no_faults().await;
            host.button("Restore").click();
            sleep(300).await;
        }
        no_faults().await;
        assert_eq!(requests(&restore).await.len(), 1, "one request after {name}");
        host.button("Close").click();
        wait(&host, "closed", || dialog(&host).is_none()).await;

        // Delete: a 5xx or an unreadable answer is checked by reading the backup again; it is
        // still there (the fault came before the API), so the dialog stays open with the reason.
        host.button("Delete backup").click();
        wait(&host, "the Delete dialog", || dialog_named(&host, "Delete backup")).await;
        let typed = host.text_of("h1");
        type_into(&host.by_label(&format!("Type the backup's name, {typed}, to confirm")), &typed);
        faults(on(&fault, "DELETE /v2/clusters")).await;
        let submit = || {
            host.el()
                .query_selector("dialog button[type=submit]")
                .unwrap()
                .unwrap()
                .unchecked_into::<web_sys::HtmlElement>()
        };
        wait(&host, "Delete enabled", || !disabled(&submit())).await;
        submit().click();
        if name == "latency" {
            wait(&host, "deleting", || host.text().contains("Deleting…")).await;
            wait(&host, "deleted", || host.text().contains("was deleted.")).await;
        } else {
            wait(&host, &format!("the reason after {name}"), || {
                host.el().query_selector("dialog .error-panel").unwrap().is_some()
            })
            .await;
            assert!(dialog_named(&host, "Delete backup"), "kept open after {name}");
        }
        no_faults().await;
        let deletes = requests(&delete).await.into_iter().filter(|r| r["method"] == "DELETE").count();
        assert_eq!(deletes, 1, "after {name}");
    }
}

#[wasm_bindgen_test]
async fn restore_cluster_meets_each_fault() {
    for (name, fault) in the_four_faults() {
        reset().await;
        let host = Host::new();
        let (_handle, jobs, _at) = open_details(&host, "demo-owner-key", CLUSTER_BACKUP).await;
        host.button("Restore cluster").click();
        wait(&host, "the dialog", || dialog_named(&host, "Restore cluster")).await;
        type_into(&host.by_label("New cluster name"), "prod-search-faulted");
        faults(on(&fault, "POST /v2/clusters/*/backups/*/restoreCluster")).await;
        host.button("Restore").click();
        if name == "latency" {
            wait(&host, "restoring", || host.text().contains("Starting the restore…")).await;
            // Escape cannot close it while the answer (the password) is out.
            let cancel = web_sys::Event::new_with_event_init_dict("cancel", &{
                let i = web_sys::EventInit::new();
                i.set_cancelable(true);
                i
            })
            .unwrap();
            assert!(!dialog(&host).unwrap().dispatch_event(&cancel).unwrap(), "the cancel is refused");
            wait(&host, "the password", || host.text().contains("Save this password now")).await;
            assert!(jobs.register.with_untracked(|r| r.entries().iter().any(|e| e.kind == JobKind::Restore)));
        } else {
            // The fault came before the API: nothing was made, the console looked and says so,
            // and the form is kept for a second try.
            wait(&host, &format!("the error after {name}"), || {
                host.el().query_selector("dialog .error-panel").unwrap().is_some()
            })
            .await;
            assert_eq!(host.by_label("New cluster name").value(), "prod-search-faulted");
            no_faults().await;
            host.button("Restore").click();
            wait(&host, "the password", || host.text().contains("Save this password now")).await;
        }
        no_faults().await;
    }
}
