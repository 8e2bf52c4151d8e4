//! Browser tests of real components, in headless Chromium (wasm-bindgen-test).
//! Elements are found the way a user finds them: by label, role, button text.
#![cfg(target_arch = "wasm32")]

use api_types::{Cluster, DeployConfig, Project};
use backup_console::components::cluster_table::ClusterTable;
use backup_console::pages::clusters::{Overview, OverviewView};
use backup_console::pages::settings::SettingsPage;
use backup_console::state::Connection;
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen_test::*;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clusters() -> Vec<Cluster> {
    serde_json::from_str(
        r#"[
        {"clusterId":"in01-aaaaaaaaaaaaaaa","clusterName":"orders-prod","projectId":"proj-1","regionId":"aws-us-east-1","plan":"Enterprise","cuType":"Performance-optimized","cuSize":2,"status":"RUNNING"},
        {"clusterId":"in03-bbbbbbbbbbbbbbb","clusterName":"playground","projectId":"proj-1","regionId":"gcp-us-west1","plan":"Serverless","cuSize":0,"cuType":"","status":"STOPPED"},
        {"clusterId":"in05-ccccccccccccccc","clusterName":"events","projectId":"proj-1","regionId":"aws-us-west-2","plan":"Serverless","status":"HIBERNATING"}
    ]"#,
    )
    .unwrap()
}

#[wasm_bindgen_test]
async fn cluster_table_shows_name_id_tier_status_and_region() {
    let host = Host::new();
    let handle =
        mount_to(host.el(), || view! { <ClusterTable clusters=clusters() caption="Clusters of Production" /> });
    tick().await;

    let table = host.by_role_name("table", "Clusters of Production");
    let rows = row_texts(&table);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], ["orders-prod", "in01-aaaaaaaaaaaaaaa", "Dedicated (Enterprise)", "Running", "aws-us-east-1"]);
    // A Free cluster reported with plan "Serverless" is shown as Free; STOPPED reads "Suspended".
    assert_eq!(rows[1][2..4], ["Free", "Suspended"]);
    // An unknown status is shown as its raw text, not hidden.
    assert_eq!(rows[2][2..4], ["Serverless", "HIBERNATING"]);
    drop(handle);
}

#[wasm_bindgen_test]
async fn overview_groups_clusters_under_their_project() {
    let host = Host::new();
    let projects = vec![
        Project { project_id: "proj-1".into(), project_name: "Production".into(), ..Default::default() },
        Project { project_id: "proj-2".into(), project_name: "Staging".into(), ..Default::default() },
    ];
    let overview = Overview::new(projects, clusters());
    let handle = mount_to(host.el(), move || view! { <OverviewView overview /> });
    tick().await;

    assert_eq!(host.text_of(".summary"), "2 projects, 3 clusters");
    let headings = host.all_texts("h2");
    assert_eq!(headings, ["Production", "Staging"]);
    assert!(host.text().contains("No clusters in this project."));
    drop(handle);
}

/// Mounts the Settings page with a loaded deploy config.
fn mount_settings(host: &Host, deploy: DeployConfig) -> leptos::mount::UnmountHandle<impl Mountable> {
    mount_to(host.el(), move || {
        let conn = Connection::provide();
        conn.deploy.set(Some(deploy.clone()));
        view! { <SettingsPage /> }
    })
}

#[wasm_bindgen_test]
async fn settings_keeps_the_key_in_memory_unless_asked_to_remember() {
    clear_storage();
    let host = Host::new();
    let handle = mount_settings(&host, DeployConfig::default());
    tick().await;

    assert!(host.text().contains("No API key is set."));
    let input = host.by_label("API key");
    type_into(&input, "  Bearer demo-owner-key ");
    host.button("Save key").click();
    tick().await;

    assert!(host.text().contains("A key ending in …-key is in use, kept in memory."), "{}", host.text());
    assert_eq!(input.value(), "", "the field is emptied after saving");
    assert_eq!(session_item("zbc.apiKey"), None);
    assert_eq!(local_item("zbc.apiKey"), None);

    // Opt in to "remember for this tab": sessionStorage, never localStorage.
    type_into(&input, "demo-admin-key");
    host.checkbox("Remember for this tab (sessionStorage)").click();
    host.button("Save key").click();
    tick().await;
    assert_eq!(session_item("zbc.apiKey").as_deref(), Some("demo-admin-key"));
    assert_eq!(local_item("zbc.apiKey"), None);

    host.button("Forget key").click();
    tick().await;
    assert!(host.text().contains("No API key is set."));
    assert_eq!(session_item("zbc.apiKey"), None);
    drop(handle);
}

#[wasm_bindgen_test]
async fn settings_refuses_a_bad_key_and_a_bad_url_and_keeps_the_input() {
    clear_storage();
    let host = Host::new();
    let handle = mount_settings(&host, DeployConfig::default());
    tick().await;

    let key = host.by_label("API key");
    type_into(&key, "two words");
    host.button("Save key").click();
    tick().await;
    assert_eq!(key.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(host.text().contains("An API key has no spaces"));
    assert_eq!(key.value(), "two words", "the user's input is kept");

    let url = host.by_label("API base URL");
    type_into(&url, "https://user:pw@example.com");
    host.button("Save endpoint").click();
    tick().await;
    assert!(host.text().contains("Do not put credentials in the URL"));
    assert_eq!(local_item("zbc.apiBaseUrl"), None);

    type_into(&url, "https://api.cloud.zilliz.com/v2/");
    host.button("Save endpoint").click();
    tick().await;
    assert_eq!(local_item("zbc.apiBaseUrl").as_deref(), Some("https://api.cloud.zilliz.com"));
    assert!(host.text().contains("Requests now go to https://api.cloud.zilliz.com."));
    drop(handle);
    clear_storage();
}

#[wasm_bindgen_test]
async fn settings_asks_for_no_key_when_the_server_holds_it() {
    clear_storage();
    let host = Host::new();
    let handle = mount_settings(&host, DeployConfig { server_holds_key: true, ..Default::default() });
    tick().await;
    assert!(host.text().contains("adds the API key itself"));
    assert!(host.try_by_label("API key").is_none());
    drop(handle);
}

/// A page or dialog from a chunk: a loading line, then on a failed fetch what happened with
/// Retry (the rest untouched), and the content once a retry succeeds.
#[wasm_bindgen_test]
async fn a_lazy_part_that_fails_to_load_offers_retry_and_then_shows() {
    use backup_console::components::lazy_view::{LazyView, Loader};
    use backup_console::split::ChunkFailed;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let load = Loader::new(move || {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        async move {
            gloo_timers::future::sleep(std::time::Duration::from_millis(100)).await;
            if n == 0 { Err(ChunkFailed) } else { Ok(view! { <h2>"The part"</h2> }.into_any()) }
        }
    });
    let host = Host::new();
    let handle = mount_to(host.el(), move || view! { <LazyView load what="the test part" /> });
    assert_eq!(host.text_of("[role=status]"), "Loading the test part…");
    until("the failure", || host.text().contains("This part of the console could not be loaded")).await;
    assert!(host.text_of("[role=alert]").contains("(the test part)"), "{}", host.text());
    assert!(host.text_of("[role=status]").is_empty(), "no loading line once it failed");
    host.button("Retry").click();
    // The failure goes while the retry loads (no stale Retry to press twice); the loading
    // line is back until the part is in.
    until("the failure goes", || !host.text().contains("could not be loaded")).await;
    assert_eq!(host.text_of("[role=status]"), "Loading the test part…");
    assert!(host.text_of("h2").is_empty(), "the part came before the failure went");
    until("the part", || host.text_of("h2") == "The part").await;
    assert!(!host.text().contains("could not be loaded"), "{}", host.text());
    assert_eq!(calls.load(Ordering::SeqCst), 2, "Retry loads again, once");
    drop(handle);
}

/// A dialog's chunk that fails: a modal of its own, named, whose Close dismisses the dialog.
#[wasm_bindgen_test]
async fn a_lazy_dialog_that_fails_says_so_in_a_named_modal() {
    use backup_console::components::lazy_view::{LazyView, Loader};
    use backup_console::split::ChunkFailed;

    let dismissed = RwSignal::new(false);
    let load = Loader::new(|| async { Err::<AnyView, _>(ChunkFailed) });
    let host = Host::new();
    let handle = mount_to(host.el(), move || {
        view! { <LazyView load what="the Create Backup dialog" on_dismiss=Callback::new(move |_| dismissed.set(true)) /> }
    });
    until("the modal", || host.el().query_selector("dialog[open]").ok().flatten().is_some()).await;
    let modal = host.el().query_selector("dialog[open]").unwrap().unwrap();
    assert_eq!(modal.get_attribute("aria-label").as_deref(), Some("the Create Backup dialog"));
    assert!(modal.text_content().unwrap_or_default().contains("could not be loaded"));
    host.button("Close").click();
    until("dismissed", || dismissed.get_untracked()).await;
    drop(handle);
}
