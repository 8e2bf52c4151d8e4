//! The real gloo-net path against the running local server, with fault injection: time-out,
//! 429 with Retry-After, HTML 502, malformed JSON. Each ends in the right error, and a request
//! after the fault clears succeeds. `make test-browser` starts the server and sets SIM_URL.
#![cfg(target_arch = "wasm32")]

use backup_console::api::key::ApiKey;
use backup_console::api::{ApiClient, ErrorKind};
use gloo_net::http::Request;
use wasm_bindgen_test::*;

mod support;
use support::SIM_URL;

wasm_bindgen_test_configure!(run_in_browser);

fn client(key: &str) -> ApiClient {
    ApiClient::new(SIM_URL.to_owned(), Some(ApiKey::parse(key).unwrap()))
}

/// Sets the simulator's faults (partial update), or clears them with `None`.
async fn faults(patch: Option<serde_json::Value>) {
    let url = format!("{SIM_URL}/__sim/faults");
    let resp = match patch {
        Some(p) => Request::post(&url).json(&p).unwrap().send().await,
        None => Request::delete(&url).send().await,
    }
    .expect("the simulator's admin route answers");
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn time_out_then_recovery() {
    faults(None).await;
    faults(Some(serde_json::json!({"latencyMs": 1500, "endpoints": ["GET /v2/projects"]}))).await;
    let err = client("demo-readonly-key").with_timeout(300).list_projects().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err:?}");
    assert_eq!(err.title(), "The API did not answer in time.");

    faults(None).await;
    let projects = client("demo-readonly-key").with_timeout(300).list_projects().await.unwrap();
    assert_eq!(projects.len(), 2);
}

#[wasm_bindgen_test]
async fn rate_limited_get_waits_for_retry_after_then_succeeds() {
    faults(None).await;
    faults(Some(serde_json::json!({"rateLimitRate": 1.0, "remaining": 1, "endpoints": ["GET /v2/projects"]}))).await;
    let started = now_ms();
    let projects = client("demo-readonly-key").list_projects().await.unwrap();
    let waited = now_ms() - started;
    assert_eq!(projects.len(), 2);
    assert!(waited >= 900.0, "the retry honoured Retry-After (waited {waited} ms)");
}

#[wasm_bindgen_test]
async fn rate_limited_post_is_not_retried_and_says_when() {
    faults(None).await;
    faults(Some(
        serde_json::json!({"rateLimitRate": 1.0, "remaining": 1, "endpoints": ["POST /v2/clusters/*/backups/create"]}),
    ))
    .await;
    let req = api_types::CreateBackupRequest {
        backup_type: api_types::BackupType::Cluster,
        db_collections: vec![],
        cross_region_copies: vec![],
    };
    let err = client("demo-owner-key").create_backup("in01-9d4c2b7e1a5f305", &req).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited, "{err:?}");
    let secs = err.retry_after_secs.expect("Retry-After is readable cross-origin");
    assert!(err.action().contains(&format!("{secs} s")));
    faults(None).await;
}

#[wasm_bindgen_test]
async fn html_502_then_recovery() {
    faults(None).await;
    // More faults than the GET's attempts: the error surfaces.
    faults(Some(serde_json::json!({"htmlErrorRate": 1.0, "remaining": 3, "endpoints": ["GET /v2/clusters"]}))).await;
    let err = client("demo-readonly-key").list_clusters().await.unwrap_err();
    assert_eq!((err.kind, err.status), (ErrorKind::Server, Some(502)), "{err:?}");
    assert_eq!(err.message, "an HTML page instead of JSON");

    let clusters = client("demo-readonly-key").list_clusters().await.unwrap();
    assert_eq!(clusters.len(), 8);
}

#[wasm_bindgen_test]
async fn a_single_502_is_retried_transparently() {
    faults(None).await;
    faults(Some(serde_json::json!({"htmlErrorRate": 1.0, "remaining": 1, "endpoints": ["GET /v2/clusters"]}))).await;
    assert_eq!(client("demo-readonly-key").list_clusters().await.unwrap().len(), 8);
}

#[wasm_bindgen_test]
async fn malformed_json_then_recovery() {
    faults(None).await;
    faults(Some(serde_json::json!({"malformedRate": 1.0, "remaining": 1, "endpoints": ["GET /v2/projects"]}))).await;
    let err = client("demo-readonly-key").list_projects().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotJson, "{err:?}");
    assert!(err.message.starts_with("malformed JSON"), "{}", err.message);
    assert_eq!(client("demo-readonly-key").list_projects().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn unknown_key_is_unauthorized() {
    faults(None).await;
    let err = client("not-a-real-key").list_projects().await.unwrap_err();
    assert_eq!((err.kind, err.status, err.code), (ErrorKind::Unauthorized, Some(401), Some(21119)));
    assert_eq!(err.action(), "Open Settings and enter a valid API key.");
}
