//! What a person sees when the API misbehaves, in headless Chromium against the simulator with
//! its faults on: a refused list that offers a counted-down "Try again" and keeps its word, a
//! refused Create that says how long to wait, a Create whose answer is lost but whose backup is
//! found and followed (exactly one request), errors beside the button with focus kept, a fix
//! link that lands on something real and closes the dialog, a Settings URL the host would
//! block, and a proxy's error page named as such.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use api_types::DeployConfig;
use backup_console::api::ApiClient;
use backup_console::api::client::BackupFilter;
use backup_console::api::key::ApiKey;
use backup_console::components::create_backup::{CreateBackupHost, CreateBackupTarget};
use backup_console::components::toasts::ToastRegion;
use backup_console::pages::{cluster::ClusterPage, clusters::ClustersPage, settings::SettingsPage};
use backup_console::state::Connection;
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

const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";
const FREE: &str = "in03-6b1d9e4a2c7f008";
const CREATE: &str = "POST /v2/clusters/*/backups/create";

async fn reset() {
    sim("/__sim/reset", Some(json!({}))).await;
    sim("/__sim/job-speed", Some(json!({"speed": 0.01}))).await;
    clear_storage();
}

async fn faults(v: Value) {
    sim("/__sim/faults", Some(v)).await;
}

async fn no_faults() {
    gloo_net::http::Request::delete(&format!("{SIM_URL}/__sim/faults")).send().await.expect("faults cleared");
}

async fn requests(path: &str) -> usize {
    sim(&format!("/__sim/requests?path={path}&limit=1000"), None).await.as_array().map_or(0, Vec::len)
}

/// The console as the app builds it: providers, a router with the pages these tests visit,
/// the dialog host and the toasts. Returns the dialog target and the job register.
fn mount_app(
    host: &Host,
    key: &'static str,
) -> (leptos::mount::UnmountHandle<impl Mountable>, CreateBackupTarget, Jobs) {
    let slot = Rc::new(Cell::new(None));
    let out = slot.clone();
    let handle = mount_to(host.el(), move || {
        out.set(Some(provide_console(key)));
        view! {
            <Router>
                <Routes fallback=|| view! { <p>"elsewhere"</p> }>
                    <Route path=path!("/clusters") view=ClustersPage />
                    <Route path=path!("/clusters/:id") view=ClusterPage />
                </Routes>
                <CreateBackupHost />
                <ToastRegion />
            </Router>
        }
    });
    let (target, jobs) = slot.get().unwrap();
    (handle, target, jobs)
}

fn dialog(host: &Host) -> Option<web_sys::HtmlDialogElement> {
    host.el().query_selector("dialog").unwrap().map(|d| d.unchecked_into())
}

fn create_button(host: &Host) -> web_sys::HtmlButtonElement {
    host.el().query_selector("dialog footer button[type=submit]").unwrap().expect("the Create button").unchecked_into()
}

fn blocked(host: &Host) -> bool {
    create_button(host).get_attribute("aria-disabled").as_deref() == Some("true")
}

/// The first `tag` whose visible text passes `ok`, as a person would pick it.
fn find(host: &Host, tag: &str, ok: impl Fn(&str) -> bool) -> web_sys::HtmlElement {
    let all = host.el().query_selector_all(tag).unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::HtmlElement>())
        .find(|e| ok(e.text_content().unwrap_or_default().trim()))
        .unwrap_or_else(|| panic!("no {tag} with that text in: {}", host.text()))
}

fn focused() -> Option<web_sys::Element> {
    web_sys::window().unwrap().document().unwrap().active_element()
}

async fn open_dialog(host: &Host, target: CreateBackupTarget, id: &str) {
    let c = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap())).describe_cluster(id).await;
    target.open(c.unwrap());
    until("the dialog opens", || dialog(host).is_some_and(|d| d.open())).await;
    until("the checks pass", || !blocked(host)).await;
}

/// Clicks Create as a person does: focus on the button, then the click.
fn press_create(host: &Host) {
    let b = create_button(host);
    b.focus().unwrap();
    b.click();
}

fn sleep(ms: u32) -> gloo_timers::future::TimeoutFuture {
    gloo_timers::future::TimeoutFuture::new(ms)
}

#[wasm_bindgen_test]
async fn a_list_refused_with_429_counts_down_then_tries_again_when_asked() {
    reset().await;
    // Three 429s: the GET's own attempts are used up and the error reaches the page.
    faults(json!({"rateLimitRate": 1.0, "remaining": 3, "retryAfterSecs": 2, "endpoints": ["GET /v2/clusters"]})).await;
    let _at = At::go("/clusters");
    let host = Host::new();
    let (handle, _, _) = mount_app(&host, "demo-owner-key");

    until("the error", || host.text().contains("Too many requests")).await;
    let text = host.text();
    assert!(text.contains("Wait 2 s, then try again."), "{text}");
    assert!(!text.contains("will retry"), "no promise the console does not keep: {text}");
    let button = find(&host, "button", |t| t.starts_with("Try again in "));
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"), "{:?}", button.text_content());
    let tried = requests("/v2/clusters").await;
    assert_eq!(tried, 3, "three attempts, then it stopped");

    // A click during the wait does nothing; nothing is sent on its own either.
    button.click();
    until("the countdown ends", || host.text().contains("Try again") && !host.text().contains("Try again in")).await;
    sleep(600).await;
    assert_eq!(requests("/v2/clusters").await, 3, "no silent retry");
    assert_eq!(button.get_attribute("aria-disabled"), None);

    host.button("Try again").click();
    until("the clusters", || host.text().contains("staging-main")).await;
    assert_eq!(requests("/v2/clusters").await, 4, "one request per click");
    no_faults().await;
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_create_refused_with_429_says_how_long_to_wait_beside_the_button() {
    reset().await;
    faults(json!({"rateLimitRate": 1.0, "remaining": 1, "retryAfterSecs": 3, "endpoints": [CREATE]})).await;
    let host = Host::new();
    let (handle, target, _) = mount_app(&host, "demo-owner-key");
    open_dialog(&host, target, STAGING_MAIN).await;

    press_create(&host);
    until("the error", || host.el().query_selector("dialog footer [role=alert]").unwrap().is_some()).await;
    let footer = host.text_of("dialog footer");
    assert!(footer.contains("Wait 3 s, then try again."), "{footer}");
    assert!(!footer.contains("will retry"), "{footer}");
    // Focus stayed on Create: the person is where the answer is.
    assert_eq!(focused(), Some(create_button(&host).unchecked_into()));
    sleep(1_000).await;
    assert_eq!(requests(&format!("/v2/clusters/{STAGING_MAIN}/backups/create")).await, 1, "a POST is never retried");
    no_faults().await;
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_create_whose_answer_times_out_is_found_and_followed() {
    reset().await;
    // The backup is made, but the answer comes after the console's 15 s time-out.
    faults(json!({"latencyMs": 16_000, "afterHandler": true, "endpoints": [CREATE]})).await;
    let host = Host::new();
    let (handle, target, jobs) = mount_app(&host, "demo-owner-key");
    open_dialog(&host, target, STAGING_MAIN).await;

    press_create(&host);
    for _ in 0..340 {
        if host.text().contains("Checking whether the backup was created") || dialog(&host).is_none() {
            break;
        }
        sleep(50).await;
    }
    until("the dialog closes on the found backup", || dialog(&host).is_none()).await;
    until("the toast", || host.text().contains("was made and is being followed")).await;
    no_faults().await;

    let create_path = format!("/v2/clusters/{STAGING_MAIN}/backups/create");
    assert_eq!(requests(&create_path).await, 1, "exactly one create");
    let owner = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap()));
    let filter = BackupFilter { cluster_id: Some(STAGING_MAIN.into()), ..Default::default() };
    let made = owner.list_backups(&filter).await.unwrap().backups;
    let creating: Vec<_> = made.iter().filter(|b| b.status == api_types::BackupStatus::Creating).collect();
    assert_eq!(creating.len(), 1, "one backup was made: {made:?}");
    let job_id =
        jobs.register.with_untracked(|r| r.entries().first().map(|e| e.job_id.clone())).expect("a job is followed");
    assert!(job_id.starts_with("job-"), "{job_id}");
    let followed = jobs.register.with_untracked(|r| r.entries().first().map(|e| e.backup_id.clone()));
    assert_eq!(followed.as_deref(), Some(creating[0].backup_id.as_str()), "the job followed is that backup's");
    // The adopted job is the one the API runs: Describe Job answers for it.
    let job = owner.describe_job(&job_id).await;
    assert!(job.is_ok(), "{job:?}");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_create_answered_5xx_after_it_took_effect_is_adopted_not_repeated() {
    reset().await;
    faults(json!({"errorRate": 1.0, "remaining": 1, "afterHandler": true, "endpoints": [CREATE]})).await;
    let host = Host::new();
    let (handle, target, jobs) = mount_app(&host, "demo-owner-key");
    open_dialog(&host, target, STAGING_MAIN).await;

    press_create(&host);
    until("the dialog closes on the found backup", || dialog(&host).is_none()).await;
    assert!(host.text().contains("was made and is being followed"), "{}", host.text());
    assert_eq!(requests(&format!("/v2/clusters/{STAGING_MAIN}/backups/create")).await, 1);
    assert_eq!(jobs.register.with_untracked(|r| r.len()), 1);
    // Reopened, the dialog knows a manual backup is running: no second one.
    open_dialog_blocked(&host, target, STAGING_MAIN).await;
    drop(handle);
}

async fn open_dialog_blocked(host: &Host, target: CreateBackupTarget, id: &str) {
    let c = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap())).describe_cluster(id).await;
    target.open(c.unwrap());
    until("the dialog opens", || dialog(host).is_some_and(|d| d.open())).await;
    until("the one-manual-backup rule blocks", || {
        blocked(host) && host.text_of("#create-backup-reason").contains("One manual backup at a time")
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_upgrade_fix_lands_on_the_cluster_page_and_closes_the_dialog() {
    reset().await;
    let _at = At::go("/clusters");
    let host = Host::new();
    let (handle, target, _) = mount_app(&host, "demo-owner-key");
    let c = ApiClient::new(SIM_URL.into(), Some(ApiKey::parse("demo-owner-key").unwrap())).describe_cluster(FREE).await;
    target.open(c.unwrap());
    until("the dialog opens", || dialog(&host).is_some_and(|d| d.open())).await;

    let fix = find(&host, "a", |t| t == "Upgrade");
    assert_eq!(fix.get_attribute("href"), Some(format!("/clusters/{FREE}#upgrade")));
    fix.click();
    until("the dialog closes", || dialog(&host).is_none()).await;
    until("the cluster page explains", || host.text().contains("Backups need a Dedicated cluster")).await;
    let section = host.el().query_selector("#upgrade").unwrap().expect("the #upgrade target exists");
    assert!(section.text_content().unwrap().contains("Free clusters cannot be backed up"));
    let docs: Vec<String> = (0..section.query_selector_all("a").unwrap().length())
        .filter_map(|i| section.query_selector_all("a").unwrap().item(i))
        .filter_map(|a| a.unchecked_into::<web_sys::Element>().get_attribute("href"))
        .collect();
    assert!(docs.iter().any(|h| h.contains("manage-cluster#upgrade-plan")), "{docs:?}");
    assert!(docs.iter().any(|h| h.contains("migrate-between-clusters")), "{docs:?}");
    for _ in 0..40 {
        if focused().is_some_and(|f| f.id() == "upgrade") {
            break;
        }
        sleep(50).await;
    }
    let f = focused().map(|f| (f.tag_name(), f.id(), f.class_name()));
    let hash = web_sys::window().unwrap().location().href().unwrap();
    assert!(focused().is_some_and(|f| f.id() == "upgrade"), "focus on {f:?} at {hash}");
    // No more "CU 0 × —" for a cluster without CUs.
    assert!(!host.text().contains("0 ×"), "{}", host.text());
    drop(handle);
}

#[wasm_bindgen_test]
async fn settings_refuses_an_api_the_host_would_block_before_saving() {
    clear_storage();
    let host = Host::new();
    let handle = mount_to(host.el(), move || {
        let conn = Connection::provide();
        conn.deploy.set(Some(DeployConfig {
            connect_origins: Some(vec!["https://api.cloud.zilliz.com".into()]),
            ..DeployConfig::default()
        }));
        view! { <SettingsPage /> }
    });
    tick().await;
    let input = host.by_label("API base URL");
    type_into(&input, "http://127.0.0.1:9");
    host.button("Save endpoint").click();
    tick().await;
    let error = host.text_of("#api-base-url-error");
    assert!(error.contains("--connect-origin http://127.0.0.1:9"), "{error}");
    assert!(error.contains("Content-Security-Policy"), "{error}");
    assert_eq!(input.value(), "http://127.0.0.1:9", "the input is kept");
    assert!(!host.text().contains("Requests now go to"), "nothing was saved");
    assert_eq!(local_item("zbc.apiBaseUrl"), None);

    // A listed origin is accepted.
    type_into(&input, "https://api.cloud.zilliz.com");
    host.button("Save endpoint").click();
    tick().await;
    assert!(host.text().contains("Requests now go to https://api.cloud.zilliz.com."), "{}", host.text());
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_proxys_error_page_is_named_as_such() {
    reset().await;
    faults(json!({"htmlErrorRate": 1.0, "remaining": 3, "endpoints": ["GET /v2/clusters"]})).await;
    let _at = At::go("/clusters");
    let host = Host::new();
    let (handle, _, _) = mount_app(&host, "demo-owner-key");
    until("the error", || host.el().query_selector("[role=alert]").unwrap().is_some()).await;
    let text = host.text();
    assert!(
        text.contains("A proxy or gateway between the console and the API answered with an error page (HTTP 502)."),
        "{text}"
    );
    assert!(!text.contains("internal error"), "{text}");
    no_faults().await;
    drop(handle);
}
