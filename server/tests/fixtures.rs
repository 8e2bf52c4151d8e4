//! Every endpoint against the documented example payloads in tests/fixtures/ (each names its
//! source section in docs/api-contract.md): documented requests are accepted, and responses have the
//! documented shape, the same field names at every level with the same JSON types.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).expect("fixture is JSON");
    assert!(v["_source"].as_str().is_some_and(|s| s.contains('§')), "{name} names its source section");
    v
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Same keys at every level, same types; a documented string may be null where the simulator
/// has no value (expireTime of a manual backup) and the other way round.
fn same_shape(doc: &Value, got: &Value, at: &str, errors: &mut Vec<String>) {
    match (doc, got) {
        (Value::Object(d), Value::Object(g)) => {
            for k in d.keys().filter(|k| !g.contains_key(*k)) {
                errors.push(format!("{at}.{k}: documented but missing"));
            }
            for k in g.keys().filter(|k| !d.contains_key(*k)) {
                errors.push(format!("{at}.{k}: not documented"));
            }
            for (k, dv) in d {
                if let Some(gv) = g.get(k) {
                    same_shape(dv, gv, &format!("{at}.{k}"), errors);
                }
            }
        }
        (Value::Array(d), Value::Array(g)) => {
            if let Some(first) = d.first() {
                for (i, gv) in g.iter().enumerate() {
                    same_shape(first, gv, &format!("{at}[{i}]"), errors);
                }
            }
        }
        (Value::Null, Value::String(_)) | (Value::String(_), Value::Null) => {}
        (d, g) if kind(d) == kind(g) => {}
        (d, g) => errors.push(format!("{at}: documented {} but got {} ({g})", kind(d), kind(g))),
    }
}

async fn check(s: &TestServer, name: &str, method: Method, path: &str, key: &str) -> Value {
    let f = fixture(name);
    let body = f.get("request").cloned();
    let r = s.send(method, path, Some(key), body).await;
    let want_status = f["status"].as_u64().unwrap_or(200);
    assert_eq!(u64::from(r.status.as_u16()), want_status, "{name}: {}", r.text);
    let mut errors = Vec::new();
    same_shape(&f["response"], &r.json, "", &mut errors);
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{}", r.text);
    r.json
}

#[tokio::test]
async fn every_endpoint_matches_its_documented_example() {
    let s = start_sim().await;
    let names: Vec<String> = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
        .collect();
    let cluster = |id: &str, rest: &str| format!("/v2/clusters/{id}{rest}");
    let cases: Vec<(&str, Method, String, &str)> = vec![
        ("list_projects", Method::GET, "/v2/projects".into(), READONLY),
        ("describe_project", Method::GET, format!("/v2/projects/{PROJECT_PROD}"), READONLY),
        ("list_clusters", Method::GET, "/v2/clusters?pageSize=100".into(), READONLY),
        ("describe_cluster", Method::GET, cluster(PROD_SEARCH, ""), READONLY),
        ("create_backup", Method::POST, cluster(PROD_SEARCH, "/backups/create"), OWNER),
        ("list_backups", Method::GET, "/v2/backups?pageSize=100".into(), READONLY),
        ("describe_backup", Method::GET, cluster(PROD_SEARCH, "/backups/backup5_e5f607182930415"), READONLY),
        ("describe_backup", Method::GET, cluster(PROD_SEARCH, "/backups/backup4_d4e5f6071829304"), READONLY),
        ("delete_backup", Method::DELETE, cluster(PROD_ARCHIVE, "/backups/backup1_a1b2c3d4e5f6071"), ADMIN),
        (
            "restore_cluster",
            Method::POST,
            cluster(PROD_SEARCH, "/backups/backup2_b2c3d4e5f607182/restoreCluster"),
            OWNER,
        ),
        (
            "restore_cluster_guide_spelling",
            Method::POST,
            cluster(PROD_SEARCH, "/backups/backup2_b2c3d4e5f607182/restoreCluster"),
            OWNER,
        ),
        (
            "restore_collection",
            Method::POST,
            cluster(PROD_SEARCH, "/backups/backup4_d4e5f6071829304/restoreCollection"),
            OWNER,
        ),
        (
            "restore_collection_old_spelling",
            Method::POST,
            cluster(PROD_SEARCH, "/backups/backup4_d4e5f6071829304/restoreCollection"),
            ADMIN,
        ),
        ("get_policy", Method::GET, cluster(PROD_SEARCH, "/backups/policy"), READONLY),
        ("get_policy_disabled", Method::GET, cluster(PROD_RECOMMEND, "/backups/policy"), READONLY),
        ("set_policy", Method::POST, cluster(PROD_RECOMMEND, "/backups/policy"), OWNER),
        ("set_policy_disable", Method::POST, cluster(PROD_SEARCH, "/backups/policy"), OWNER),
        ("describe_job", Method::GET, "/v2/jobs/job-seed000000000000000001".into(), READONLY),
        ("list_databases", Method::POST, format!("/dataplane/{PROD_SEARCH}/v2/vectordb/databases/list"), READONLY),
        ("list_collections", Method::POST, format!("/dataplane/{PROD_SEARCH}/v2/vectordb/collections/list"), READONLY),
        ("error_bad_key", Method::GET, "/v2/projects".into(), "not-a-key"),
        ("error_business", Method::POST, cluster(SANDBOX_FREE, "/backups/create"), OWNER),
    ];
    for name in &names {
        assert!(cases.iter().any(|c| c.0 == name), "fixture {name} is not exercised");
    }
    for (name, method, path, key) in cases {
        let got = check(&s, name, method, &path, key).await;
        if name == "error_bad_key" {
            assert_eq!(got, fixture(name)["response"], "the exact documented body");
        }
    }
    // The jobs started above (creates, restores, the policy's first AUTO backup) also have
    // the documented Describe Job shape while running and when done.
    let state = s.admin(Method::GET, "/__sim/state", None).await.json;
    let jobs: Vec<String> = state["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|j| j["jobId"].as_str().map(str::to_string))
        .collect();
    for id in jobs.iter().rev().take(6) {
        check(&s, "describe_job", Method::GET, &format!("/v2/jobs/{id}"), READONLY).await;
        s.wait_job(id).await;
        check(&s, "describe_job", Method::GET, &format!("/v2/jobs/{id}"), READONLY).await;
    }
    assert_eq!(s.get("/v2/projects", "x").await.status, StatusCode::UNAUTHORIZED);
}
