//! The Create Backup dialog in headless Chromium, against the running simulator (real fetch):
//! scopes, gating, the one-manual-backup rule followed live, the role line, one click one
//! request, and errors that keep the form. `make test-browser` starts the server (SIM_URL).
//! Escape and focus return need real key presses: they are in the end-to-end suite.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use api_types::Cluster;
use backup_console::api::ApiClient;
use backup_console::api::key::ApiKey;
use backup_console::components::create_backup::{CreateBackupHost, CreateBackupTarget};
use backup_console::components::toasts::ToastRegion;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_router::components::Router;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";
const PROD_SEARCH: &str = "in01-3f9a1c7e5b2d401";
const FREE: &str = "in03-6b1d9e4a2c7f008";
const SERVERLESS: &str = "in05-4c8e1a3f7b2d907";

async fn reset() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 20}))).await;
    clear_storage();
}

async fn create_requests(cluster_id: &str) -> Vec<Value> {
    let v = sim(&format!("/__sim/requests?path=/v2/clusters/{cluster_id}/backups/create"), None).await;
    v.as_array().cloned().unwrap_or_default()
}

async fn cluster(id: &str) -> Cluster {
    ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap())).describe_cluster(id).await.unwrap()
}

/// The console's providers, pointed at the simulator with `key`, and the dialog host.
fn mount_console(host: &Host, key: &'static str) -> (leptos::mount::UnmountHandle<impl Mountable>, CreateBackupTarget) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || {
        out.set(Some(provide_console(key).0));
        // The host closes the dialog on navigation, so it lives in a router, as in the app.
        view! {
            <Router>
                <CreateBackupHost />
                <ToastRegion />
            </Router>
        }
    });
    (handle, slot.get().unwrap())
}

fn dialog(host: &Host) -> Option<web_sys::HtmlDialogElement> {
    host.el().query_selector("dialog").unwrap().map(|d| d.unchecked_into())
}

/// The checklist line whose rule reads `label`: (state, detail text, fix link href).
fn line(host: &Host, label: &str) -> (String, String, Option<String>) {
    let items = host.el().query_selector_all(".checklist li").unwrap();
    for i in 0..items.length() {
        let li: web_sys::Element = items.item(i).unwrap().unchecked_into();
        let text = |sel: &str| li.query_selector(sel).unwrap().and_then(|e| e.text_content()).unwrap_or_default();
        if text(".check-label") == label {
            let href = li.query_selector("a").unwrap().and_then(|a| a.get_attribute("href"));
            return (text(".check-state"), text(".check-detail"), href);
        }
    }
    panic!("no checklist line {label:?} in: {}", host.text());
}

fn create_button(host: &Host) -> web_sys::HtmlButtonElement {
    host.el().query_selector("dialog footer button[type=submit]").unwrap().expect("the Create button").unchecked_into()
}

/// Create does nothing now (aria-disabled: it stays focusable, so focus is never lost).
fn blocked(host: &Host) -> bool {
    create_button(host).get_attribute("aria-disabled").as_deref() == Some("true")
}

async fn open(host: &Host, target: CreateBackupTarget, id: &str) {
    target.open(cluster(id).await);
    until("the dialog opens", || dialog(host).is_some_and(|d| d.open())).await;
}

#[wasm_bindgen_test]
async fn cluster_scope_on_a_dedicated_cluster_creates_one_backup() {
    reset().await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, STAGING_MAIN).await;

    let d = dialog(&host).unwrap();
    assert_eq!(d.get_attribute("aria-labelledby").as_deref(), Some("create-backup-title"));
    assert_eq!(host.text_of("#create-backup-title"), "Create Backup");
    until("the checks pass", || !blocked(&host)).await;
    assert_eq!(line(&host, "Dedicated cluster").0, "OK");
    assert_eq!(line(&host, "Role allowed to create backups").0, "Not known");
    assert!(host.by_label("Cluster").checked(), "cluster scope is the default");
    assert!(host.text().contains("Backups incur storage charges, billed daily with a one-day minimum."));
    assert!(host.text().contains("per month"), "an estimate is shown: {}", host.text());

    create_button(&host).click();
    until("the dialog closes", || dialog(&host).is_none()).await;
    let sent = create_requests(STAGING_MAIN).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["body"], json!({"backupType": "CLUSTER"}));
    until("a toast with View job", || host.text().contains("is being created.")).await;
    let link = host.el().query_selector(".toast-link").unwrap().unwrap();
    assert_eq!(link.text_content().unwrap(), "View job");
    assert!(link.get_attribute("href").unwrap().starts_with("/jobs/job-"));
    drop(handle);
}

#[wasm_bindgen_test]
async fn collection_scope_with_a_database_switch_and_search() {
    reset().await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, PROD_SEARCH).await;

    host.by_label("Collection").click();
    until("the databases load", || host.try_by_label("Database").is_some()).await;
    let db: web_sys::HtmlSelectElement = host.by_label("Database").unchecked_into();
    choose(&db, "default");
    until("the collections load", || host.try_by_label("Search collections").is_some()).await;
    until("four collections", || host.text().contains("0 of 4 collections selected")).await;

    type_into(&host.by_label("Search collections"), "ARTICLES");
    tick().await;
    host.by_label("Select all shown (3)").click();
    tick().await;
    assert!(host.text().contains("3 of 4 collections selected"), "{}", host.text());
    assert!(host.try_by_label("query_log").is_none(), "the filtered-out collection is hidden");

    choose(&db, "catalog");
    until("the catalog collections", || host.text().contains("0 of 3 collections selected")).await;
    assert!(host.text().contains("The database changed: 3 selected collections were cleared."));
    assert!(blocked(&host), "nothing chosen yet");

    type_into(&host.by_label("Search collections"), "");
    tick().await;
    host.by_label("products").click();
    host.by_label("sku_embeddings").click();
    tick().await;
    until("enabled", || !blocked(&host)).await;
    create_button(&host).click();
    until("the dialog closes", || dialog(&host).is_none()).await;
    let sent = create_requests(PROD_SEARCH).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["body"],
        json!({"backupType": "COLLECTION", "dbCollections": [{"dbName": "catalog", "collectionNames": ["products", "sku_embeddings"]}]})
    );
    drop(handle);
}

#[wasm_bindgen_test]
async fn free_and_serverless_clusters_are_gated_with_their_fixes() {
    reset().await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");

    open(&host, target, FREE).await;
    let (state, detail, fix) = line(&host, "Dedicated cluster");
    assert_eq!(state, "Blocked");
    assert!(detail.contains("Free"), "{detail}");
    assert!(fix.unwrap().contains(FREE), "the Upgrade link names the cluster");
    assert!(host.el().query_selector(".checklist a").unwrap().unwrap().text_content().unwrap().contains("Upgrade"));
    assert!(blocked(&host));
    // The reason is said once, in the checklist; beside the button, a pointer to it.
    assert_eq!(host.text_of("#create-backup-reason"), "Create is unavailable: see “Dedicated cluster” above.");
    assert!(detail.contains("Free clusters cannot be backed up"), "{detail}");
    // Nothing to choose or pay for a cluster that cannot be backed up.
    assert!(host.try_by_label("Collection").is_none(), "no scope picker");
    assert!(!host.text().contains("per month"), "no estimate: {}", host.text());
    host.button("Cancel").click();
    until("closed", || dialog(&host).is_none()).await;

    open(&host, target, SERVERLESS).await;
    let (state, _, fix) = line(&host, "Dedicated cluster");
    assert_eq!(state, "Blocked");
    assert!(fix.unwrap().contains("migrate"));
    assert!(host.text().contains("Migrate to a Dedicated cluster"));
    assert!(blocked(&host));
    assert!(create_requests(SERVERLESS).await.is_empty());
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_running_manual_backup_blocks_until_it_finishes() {
    reset().await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.001}))).await;
    let client = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-admin-key").unwrap()));
    let req = api_types::CreateBackupRequest {
        backup_type: api_types::BackupType::Cluster,
        db_collections: vec![],
        cross_region_copies: vec![],
    };
    let started = client.create_backup(STAGING_MAIN, &req).await.unwrap();

    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, STAGING_MAIN).await;
    until("the manual line blocks", || line(&host, "One manual backup at a time").0 == "Blocked").await;
    let (_, detail, _) = line(&host, "One manual backup at a time");
    assert!(detail.contains(&started.backup_name), "{detail}");
    assert!(blocked(&host));

    sim(&format!("/__sim/jobs/{}/finish", started.job_id), Some(json!({}))).await;
    until("the dialog follows it and enables Create", || !blocked(&host)).await;
    assert_eq!(line(&host, "One manual backup at a time").0, "OK");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_permission_error_makes_the_role_line_definite() {
    reset().await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-readonly-key");
    open(&host, target, STAGING_MAIN).await;
    until("enabled", || !blocked(&host)).await;
    assert_eq!(line(&host, "Role allowed to create backups").0, "Not known");

    create_button(&host).click();
    until("the error", || host.el().query_selector("dialog [role=alert]").unwrap().is_some()).await;
    assert!(dialog(&host).unwrap().open(), "the dialog stays open");
    let (state, detail, _) = line(&host, "Role allowed to create backups");
    assert_eq!(state, "Blocked");
    assert!(detail.contains("Organization Owner") && detail.contains("Project Admin"), "{detail}");
    assert!(blocked(&host));
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_double_click_sends_one_request() {
    reset().await;
    sim("/__sim/faults", Some(json!({"latencyMs": 400, "endpoints": ["POST /v2/clusters/*/backups/create"]}))).await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, STAGING_MAIN).await;
    until("enabled", || !blocked(&host)).await;

    let button = create_button(&host);
    button.click();
    button.click();
    tick().await;
    button.click();
    assert_eq!(button.text_content().unwrap(), "Creating…");
    until("the dialog closes", || dialog(&host).is_none()).await;
    assert_eq!(create_requests(STAGING_MAIN).await.len(), 1);
    sim("/__sim/faults", Some(json!({"latencyMs": 0, "endpoints": []}))).await;
    drop(handle);
}

#[wasm_bindgen_test]
async fn an_api_error_keeps_the_form() {
    reset().await;
    sim(
        "/__sim/faults",
        Some(json!({"errorRate": 1.0, "remaining": 1, "endpoints": ["POST /v2/clusters/*/backups/create"]})),
    )
    .await;
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, STAGING_MAIN).await;
    host.by_label("Collection").click();
    until("the databases load", || host.try_by_label("Database").is_some()).await;
    choose(&host.by_label("Database").unchecked_into(), "qa");
    until("the collections load", || host.try_by_label("golden_queries").is_some()).await;
    host.by_label("golden_queries").click();
    tick().await;
    until("enabled", || !blocked(&host)).await;

    create_button(&host).click();
    until("the error", || host.el().query_selector("dialog [role=alert]").unwrap().is_some()).await;
    // A 5xx leaves the outcome unknown: the console looked, found nothing new, and says so.
    until("the check", || host.text().contains("No backup was made")).await;
    assert!(host.text().contains("internal error"), "{}", host.text());
    assert!(dialog(&host).unwrap().open());
    assert!(host.by_label("Collection").checked());
    assert!(host.by_label("golden_queries").checked(), "the choice is kept");
    // The fault is gone: the same click now works.
    until("enabled again", || !blocked(&host)).await;
    create_button(&host).click();
    until("the dialog closes", || dialog(&host).is_none()).await;
    assert_eq!(create_requests(STAGING_MAIN).await.len(), 2);
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_cross_region_copy_shows_its_transfer_and_is_sent() {
    reset().await;
    const PROD_RECOMMEND: &str = "in01-7c2e9b4a1d6f802";
    let host = Host::new();
    let (handle, target) = mount_console(&host, "demo-owner-key");
    open(&host, target, PROD_RECOMMEND).await;
    until("the checks pass", || !blocked(&host)).await;
    assert!(host.text().contains("Deleted within a day, it still costs"), "the one-day minimum: {}", host.text());
    assert!(!host.text().contains("Transfer to"), "no copy, no transfer");

    let copy: web_sys::HtmlInputElement = host
        .el()
        .query_selector("fieldset.copies input[type=checkbox]")
        .unwrap()
        .expect("a copy region")
        .unchecked_into();
    copy.click();
    until("the transfer line", || host.text().contains("Transfer to")).await;
    let lines = host.all_texts(".estimate-lines li");
    assert!(lines.iter().any(|l| l.starts_with("Transfer to") && l.ends_with(" once")), "{lines:?}");
    assert!(host.text_of(".footer-estimate").contains("once for copying"), "{}", host.text_of(".footer-estimate"));

    create_button(&host).click();
    until("the dialog closes", || dialog(&host).is_none()).await;
    let sent = create_requests(PROD_RECOMMEND).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["body"]["crossRegionCopies"].as_array().map(Vec::len), Some(1), "{}", sent[0]["body"]);
    drop(handle);
}
