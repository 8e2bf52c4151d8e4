//! The simulator over real HTTP: every endpoint, rule and error code it emits. Section numbers
//! (§) are those of docs/api-contract.md.

mod common;

use std::time::Duration;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn create_path(cluster: &str) -> String {
    format!("/v2/clusters/{cluster}/backups/create")
}

async fn backup_ids(s: &TestServer, query: &str) -> Vec<String> {
    let r = s.get(&format!("/v2/backups?pageSize=100&{query}"), OWNER).await;
    r.ok()["backups"]
        .as_array()
        .expect("backups")
        .iter()
        .map(|b| b["backupId"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn unknown_or_missing_key_gets_401_with_21119() {
    let s = start_sim().await;
    for key in [None, Some("wrong-key")] {
        let r = s.send(Method::GET, "/v2/clusters", key, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json, json!({"code": 21119, "message": "The apikey is illegal"}));
    }
    let r = s
        .client
        .get(format!("{}/v2/projects", s.url))
        .header("authorization", "Basic demo-owner-key")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn projects_are_listed_and_described() {
    let s = start_sim().await;
    let r = s.get("/v2/projects", READONLY).await;
    let projects = r.ok().as_array().expect("array").clone();
    assert_eq!(projects.len(), 2);
    let prod = &projects[0];
    assert_eq!(prod["projectId"], PROJECT_PROD);
    assert_eq!(prod["projectName"], "Production");
    assert_eq!(prod["plan"], "Enterprise");
    assert_eq!(prod["orgType"], "SAAS");
    assert!(prod["instanceCount"].is_u64(), "instanceCount is a number in real responses");
    assert_eq!(projects[1]["plan"], "Standard");
    let one = s.get(&format!("/v2/projects/{PROJECT_STAGING}"), READONLY).await;
    assert_eq!(one.ok()["projectName"], "Staging");
    s.get("/v2/projects/proj-000000000000000000000", OWNER).await.biz_error(96012);
    s.get("/v2/projects/nonsense", OWNER).await.biz_error(96005);
}

#[tokio::test]
async fn clusters_page_with_limits() {
    let s = start_sim().await;
    let all = s.get("/v2/clusters?pageSize=100", READONLY).await;
    let d = all.ok();
    assert_eq!(d["count"], 8);
    assert_eq!(d["clusters"].as_array().map(Vec::len), Some(8));
    let p3 = s.get("/v2/clusters?pageSize=3&currentPage=3", READONLY).await;
    let d3 = p3.ok();
    assert_eq!(
        (d3["count"].as_u64(), d3["currentPage"].as_u64(), d3["pageSize"].as_u64()),
        (Some(8), Some(3), Some(3))
    );
    assert_eq!(d3["clusters"].as_array().map(Vec::len), Some(2));
    let beyond = s.get("/v2/clusters?pageSize=10&currentPage=9", READONLY).await;
    assert_eq!(beyond.ok()["clusters"], json!([]));
    let default = s.get("/v2/clusters", READONLY).await;
    assert_eq!(default.ok()["pageSize"], 10);
    for bad in ["0", "101", "ten", "-1"] {
        s.get(&format!("/v2/clusters?pageSize={bad}"), OWNER).await.biz_error(96008);
    }
    for bad in ["0", "x"] {
        s.get(&format!("/v2/clusters?currentPage={bad}"), OWNER).await.biz_error(96009);
    }
    // Every tier and the statuses the console must show.
    let clusters = d["clusters"].as_array().expect("clusters");
    let by_id = |id: &str| clusters.iter().find(|c| c["clusterId"] == id).cloned().expect(id);
    assert_eq!(by_id(PROD_ARCHIVE)["status"], "STOPPED");
    assert_eq!(by_id(STAGING_NEXT)["status"], "CREATING");
    assert_eq!(by_id(PROD_RECOMMEND)["plan"], "BusinessCritical");
    assert_eq!(by_id(STAGING_MAIN)["plan"], "Standard");
    assert_eq!(by_id(PROD_AZURE)["regionId"], "az-eastus");
    let serverless = by_id(STAGING_SERVERLESS);
    assert_eq!(
        (serverless["plan"].as_str(), serverless["cuSize"].as_u64(), serverless["cuType"].as_str()),
        (Some("Serverless"), Some(0), Some(""))
    );
    // A Free cluster is reported with plan Serverless, like the real API (docs/api-contract.md §9.7).
    assert_eq!(by_id(SANDBOX_FREE)["plan"], "Serverless");
}

#[tokio::test]
async fn describe_cluster_points_connect_address_back_here() {
    let s = start_with(|o| o.allow_hosts = vec!["console.example".to_owned()]).await;
    let r = s.get(&format!("/v2/clusters/{PROD_SEARCH}"), READONLY).await;
    let d = r.ok();
    assert_eq!(d["connectAddress"], format!("{}/dataplane/{PROD_SEARCH}", s.url));
    assert_eq!(d["cuType"], "Performance-optimized");
    assert_eq!(d["snapshotNumber"], 5);
    assert_eq!(d["createProgress"], 100);
    // The Host header decides, at response time.
    let other = s
        .client
        .get(format!("{}/v2/clusters/{PROD_SEARCH}", s.url))
        .bearer_auth(OWNER)
        .header("host", "console.example:9999")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("send");
    let v: Value = serde_json::from_str(&other.text().await.expect("text")).expect("json");
    assert_eq!(v["data"]["connectAddress"], format!("https://console.example:9999/dataplane/{PROD_SEARCH}"));
    s.get("/v2/clusters/in01-000000000000000", OWNER).await.biz_error(96018);
    s.get("/v2/clusters/not-a-cluster", OWNER).await.biz_error(96036);
}

#[tokio::test]
async fn data_plane_lists_databases_and_collections() {
    let s = start_sim().await;
    let d = s.get(&format!("/v2/clusters/{PROD_SEARCH}"), OWNER).await.ok().clone();
    let base = d["connectAddress"].as_str().expect("address").to_string();
    let post = |path: String, key: &'static str, body: Value| {
        let client = s.client.clone();
        async move {
            let r = client.post(path).bearer_auth(key).json_body(body).send().await.expect("send");
            let status = r.status();
            (status, serde_json::from_str::<Value>(&r.text().await.expect("text")).unwrap_or(Value::Null))
        }
    };
    let (st, dbs) = post(format!("{base}/v2/vectordb/databases/list"), READONLY, json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(dbs, json!({"code": 0, "data": ["default", "catalog", "support"]}));
    let (_, colls) = post(format!("{base}/v2/vectordb/collections/list"), READONLY, json!({"dbName": "catalog"})).await;
    assert_eq!(colls["data"], json!(["products", "product_images", "sku_embeddings"]));
    // `_default` and `default` are the same database (§9.12); no body means default.
    let (_, a) = post(format!("{base}/v2/vectordb/collections/list"), READONLY, json!({"dbName": "_default"})).await;
    let (_, b) = post(format!("{base}/v2/vectordb/collections/list"), READONLY, json!({})).await;
    assert_eq!(a, b);
    assert_eq!(a["data"].as_array().map(Vec::len), Some(4));
    let (_, missing) = post(format!("{base}/v2/vectordb/collections/list"), READONLY, json!({"dbName": "nope"})).await;
    assert_eq!(missing["code"], 800);
    let (st, body) = post(format!("{base}/v2/vectordb/databases/list"), "bad-key", json!({})).await;
    assert_eq!((st, body["code"].as_i64()), (StatusCode::UNAUTHORIZED, Some(1800)));
    let (st, _) =
        post(format!("{}/dataplane/{PROD_ARCHIVE}/v2/vectordb/databases/list", s.url), OWNER, json!({})).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "a STOPPED cluster's endpoint does not answer");
    let (_, free) =
        post(format!("{}/dataplane/{SANDBOX_FREE}/v2/vectordb/collections/list", s.url), OWNER, json!({})).await;
    assert_eq!(free["data"], json!(["quick_setup"]));
}

trait JsonBody {
    fn json_body(self, v: Value) -> Self;
}
impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, v: Value) -> Self {
        self.header("content-type", "application/json").body(v.to_string())
    }
}

#[tokio::test]
async fn cluster_backup_job_runs_to_available() {
    // About 25 s of work at speed 1: half a second here, long enough to watch every phase.
    let s = start_with(|o| o.job_speed = 50.0).await;
    let size = s.get(&format!("/v2/clusters/{STAGING_MAIN}"), OWNER).await.ok()["storageSize"].as_u64().expect("size");
    let r = s.post(&create_path(STAGING_MAIN), ADMIN, json!({"backupType": "CLUSTER"})).await;
    let d = r.ok().clone();
    let (backup_id, job_id) =
        (d["backupId"].as_str().expect("id").to_string(), d["jobId"].as_str().expect("job").to_string());
    assert!(backup_id.starts_with("backup9_"), "{backup_id}");
    assert_eq!(d["backupName"], "staging-main_backup2");
    assert!(job_id.starts_with("job-") && job_id.len() == 26, "{job_id}");
    let desc = s.get(&format!("/v2/clusters/{STAGING_MAIN}/backups/{backup_id}"), READONLY).await;
    let b = desc.ok();
    assert_eq!(b["status"], "CREATING");
    assert_eq!(b["size"].as_u64(), Some(size), "a CLUSTER backup is as big as all its collections");
    assert_eq!(b["creationMethod"], "MANUAL");
    assert_eq!(b["expireTime"], Value::Null, "manual backups never expire");
    assert_eq!(b["regionId"], "aws-us-east-1");
    assert_eq!(b["dbCollections"][1]["dbName"], "qa");
    // Progress is a string that never goes back; statuses in order.
    let mut seen = Vec::new();
    let mut last = 0u64;
    loop {
        let j = s.get(&format!("/v2/jobs/{job_id}"), READONLY).await.ok().clone();
        let p: u64 = j["progress"].as_str().expect("progress is a string").parse().expect("number");
        assert!(p >= last && p <= 100);
        last = p;
        let status = j["status"].as_str().expect("status").to_string();
        assert_eq!(j["type"], "BACKUP");
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "SUCCESSFUL" {
            assert_eq!(j["progress"], "100");
            assert!(!j["endTime"].as_str().unwrap_or_default().is_empty());
            assert_eq!(j["reason"], "");
            break;
        }
        // Under 20 polls per second: the rate limit applies to tests too.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    assert_eq!(seen.last().map(String::as_str), Some("SUCCESSFUL"));
    assert!(seen.iter().all(|x| ["PENDING", "IN_PROGRESS", "SUCCESSFUL"].contains(&x.as_str())), "{seen:?}");
    let after = s.get(&format!("/v2/clusters/{STAGING_MAIN}/backups/{backup_id}"), READONLY).await;
    assert_eq!(after.ok()["status"], "AVAILABLE");
}

#[tokio::test]
async fn job_duration_grows_with_size_and_speed_applies_at_run_time() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    // 4 MiB collection vs a 39 GB cluster, at speed 1: both still early.
    let small = s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "COLLECTION", "dbCollections": [{"dbName": "qa", "collectionNames": ["golden_queries"]}]})).await;
    let big = s.post(&create_path(PROD_SEARCH), OWNER, json!({"backupType": "CLUSTER"})).await;
    let (small_job, big_job) =
        (small.ok()["jobId"].as_str().expect("j").to_string(), big.ok()["jobId"].as_str().expect("j").to_string());
    s.set_speed(1.0).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(s.get(&format!("/v2/jobs/{small_job}"), OWNER).await.ok()["status"], "PENDING");
    // 3 s queue + 10 s base + 6 s/GiB: the small one takes ~13 s, the big one ~233 s.
    s.set_speed(20.0).await;
    let small_done = s.wait_job(&small_job).await;
    assert_eq!(small_done["status"], "SUCCESSFUL");
    let big_now = s.get(&format!("/v2/jobs/{big_job}"), OWNER).await.ok().clone();
    let p: u64 = big_now["progress"].as_str().and_then(|p| p.parse().ok()).expect("progress");
    assert!(p < 20, "the big backup is far from done: {big_now}");
    s.set_speed(5000.0).await;
    assert_eq!(s.wait_job(&big_job).await["status"], "SUCCESSFUL");
}

#[tokio::test]
async fn collection_backup_validates_its_collections() {
    let s = start_sim().await;
    let p = create_path(PROD_SEARCH);
    s.post(&p, OWNER, json!({})).await.biz_error(96029);
    s.post(&p, OWNER, json!({"backupType": "SNAPSHOT"})).await.biz_error(96029);
    let m = s.post(&p, OWNER, json!({"backupType": "COLLECTION"})).await.biz_error(96038).to_string();
    assert!(m.contains("dbCollections"), "{m}");
    let m = s
        .post(
            &p,
            OWNER,
            json!({"backupType": "COLLECTION", "dbCollections": [
        {"dbName": "default", "collectionNames": ["articles_en"]},
        {"dbName": "catalog", "collectionNames": ["products"]}]}),
        )
        .await
        .biz_error(96038)
        .to_string();
    assert!(m.contains("same database"), "{m}");
    let m = s
        .post(&p, OWNER, json!({"backupType": "COLLECTION", "dbCollections": [{"collectionNames": ["nope"]}]}))
        .await
        .biz_error(96038)
        .to_string();
    assert!(m.contains("nope"), "{m}");
    // Without dbName the default database is meant; the size is that of the chosen ones.
    let r = s
        .post(
            &p,
            OWNER,
            json!({"backupType": "collection", "dbCollections": [{"collectionNames": ["articles_de", "query_log"]}]}),
        )
        .await;
    let id = r.ok()["backupId"].as_str().expect("id").to_string();
    let b = s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/{id}"), OWNER).await.ok().clone();
    assert_eq!(b["backupType"], "COLLECTION");
    assert_eq!(b["size"].as_u64(), Some((3_170 + 450) * 1024 * 1024));
    assert_eq!(
        b["dbCollections"],
        json!([{"dbName": "default", "collections": [
        {"collectionName": "articles_de", "description": "German news articles", "status": "LOADED"},
        {"collectionName": "query_log", "description": "Search queries of the last 90 days", "status": "UNLOADED"}]}])
    );
}

#[tokio::test]
async fn free_and_serverless_clusters_have_no_backups() {
    let s = start_sim().await;
    for (cluster, code) in [(SANDBOX_FREE, 96021), (STAGING_SERVERLESS, 96022)] {
        s.post(&create_path(cluster), OWNER, json!({"backupType": "CLUSTER"})).await.biz_error(code);
        s.get(&format!("/v2/clusters/{cluster}/backups/policy"), OWNER).await.biz_error(code);
        s.post(&format!("/v2/clusters/{cluster}/backups/policy"), OWNER, json!({"enabled": false}))
            .await
            .biz_error(code);
        s.get(&format!("/v2/clusters/{cluster}/backups/backup1_x"), OWNER).await.biz_error(code);
    }
}

#[tokio::test]
async fn only_running_clusters_are_backed_up() {
    let s = start_sim().await;
    for cluster in [PROD_ARCHIVE, STAGING_NEXT] {
        let m =
            s.post(&create_path(cluster), OWNER, json!({"backupType": "CLUSTER"})).await.biz_error(96038).to_string();
        assert!(m.contains("RUNNING"), "{m}");
    }
}

#[tokio::test]
async fn cross_region_copies_follow_the_rules() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let copies = |r: &str| json!({"backupType": "CLUSTER", "crossRegionCopies": [{"regionId": r}]});
    s.post(&create_path(STAGING_MAIN), OWNER, copies("aws-us-west-2")).await.biz_error(96028);
    let m = s.post(&create_path(PROD_AZURE), OWNER, copies("az-westeurope")).await.biz_error(96038).to_string();
    assert!(m.contains("Azure"), "{m}");
    s.post(&create_path(PROD_SEARCH), OWNER, copies("gcp-us-west1")).await.biz_error(96001);
    s.post(&create_path(PROD_SEARCH), OWNER, copies("aws-us-east-1")).await.biz_error(96001);
    s.post(&create_path(PROD_SEARCH), OWNER, copies("aws-nowhere-1")).await.biz_error(96001);
    let r = s.post(&create_path(PROD_RECOMMEND), OWNER, copies("gcp-europe-west3")).await;
    let main_job = r.ok()["jobId"].as_str().expect("job").to_string();
    // The copy is its own job, hidden from List Jobs until the main one has finished.
    let listed = s.get(&format!("/v2/jobs?clusterId={PROD_RECOMMEND}&pageSize=100"), OWNER).await.ok().clone();
    let active: Vec<&Value> =
        listed["jobs"].as_array().expect("jobs").iter().filter(|j| j["status"] != "SUCCESSFUL").collect();
    assert_eq!(active.len(), 1, "{listed}");
    assert_eq!(active[0]["jobId"], main_job.as_str());
    let state = s.admin(Method::GET, "/__sim/state", None).await.json;
    let copy_job = state["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["after"] == main_job.as_str())
        .expect("copy job")["jobId"]
        .as_str()
        .expect("id")
        .to_string();
    s.set_speed(3000.0).await;
    s.wait_job(&main_job).await;
    let copy = s.wait_job(&copy_job).await;
    assert_eq!(copy["status"], "SUCCESSFUL");
    let main = s.get(&format!("/v2/jobs/{main_job}"), OWNER).await.ok().clone();
    assert!(copy["startTime"].as_str() >= main["endTime"].as_str(), "copy {copy} starts after main {main}");
}

#[tokio::test]
async fn one_manual_backup_at_a_time_per_cluster() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let first = s.post(&create_path(PROD_SEARCH), OWNER, json!({"backupType": "CLUSTER"})).await;
    let job = first.ok()["jobId"].as_str().expect("job").to_string();
    let m = s
        .post(
            &create_path(PROD_SEARCH),
            ADMIN,
            json!({"backupType": "COLLECTION", "dbCollections": [{"collectionNames": ["articles_en"]}]}),
        )
        .await
        .biz_error(96038)
        .to_string();
    assert!(m.contains("already in progress") && m.contains(&job), "{m}");
    // Another cluster is not affected.
    s.post(&create_path(PROD_RECOMMEND), OWNER, json!({"backupType": "CLUSTER"})).await.ok();
    let done = s.admin(Method::POST, &format!("/__sim/jobs/{job}/finish"), Some(json!({}))).await;
    assert_eq!(done.ok()["status"], "SUCCESSFUL");
    s.post(&create_path(PROD_SEARCH), OWNER, json!({"backupType": "CLUSTER"})).await.ok();
}

#[tokio::test]
async fn fifty_concurrent_creates_give_exactly_one_success() {
    let s = start_with(|o| {
        o.job_speed = 1.0;
        o.rate_limit = 0;
    })
    .await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (client, url) = (s.client.clone(), format!("{}{}", s.url, create_path(PROD_SEARCH)));
        set.spawn(async move {
            let key = if i % 2 == 0 { OWNER } else { ADMIN };
            let r = client
                .post(url)
                .bearer_auth(key)
                .json_body(json!({"backupType": "CLUSTER"}))
                .send()
                .await
                .expect("send");
            serde_json::from_str::<Value>(&r.text().await.expect("text")).expect("json")["code"].as_i64()
        });
    }
    let mut codes = Vec::new();
    while let Some(r) = set.join_next().await {
        codes.push(r.expect("task").expect("code"));
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 96038).count(), 49, "{codes:?}");
    let creating = s.get(&format!("/v2/backups?clusterId={PROD_SEARCH}&creationMethod=MANUAL"), OWNER).await;
    let n = creating.ok()["backups"].as_array().expect("b").iter().filter(|b| b["status"] == "CREATING").count();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn policy_enable_runs_auto_backup_and_blocks_manual_meanwhile() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let path = format!("/v2/clusters/{PROD_RECOMMEND}/backups/policy");
    let before = s.get(&path, READONLY).await;
    assert_eq!(
        before.ok().clone(),
        json!({"clusterId": PROD_RECOMMEND, "status": "DISABLED", "startTime": null, "frequency": null, "retentionDays": 0, "crossRegionCopies": []})
    );
    let set = s.post(&path, OWNER, json!({"enabled": true, "frequency": "5,1,3", "startTime": "02:00-04:00", "retentionDays": 7, "crossRegionCopies": [{"regionId": "gcp-us-east4", "retentionDays": 3}]})).await;
    assert_eq!(set.ok().clone(), json!({"clusterId": PROD_RECOMMEND, "status": "ENABLED"}));
    let got = s.get(&path, READWRITE).await;
    assert_eq!(
        got.ok().clone(),
        json!({"clusterId": PROD_RECOMMEND, "status": "ENABLED", "startTime": "02:00-04:00", "frequency": "1,3,5", "retentionDays": 7, "crossRegionCopies": [{"regionId": "gcp-us-east4", "retentionDays": 3}]})
    );
    // The first AUTO backup starts at once, and expires after retentionDays.
    let autos = s.get(&format!("/v2/backups?clusterId={PROD_RECOMMEND}&creationMethod=auto"), OWNER).await;
    let list = autos.ok()["backups"].as_array().expect("b").clone();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "CREATING");
    let (created, expires) = (list[0]["createTime"].as_str().expect("c"), list[0]["expireTime"].as_str().expect("e"));
    assert!(expires > created);
    let m = s
        .post(&create_path(PROD_RECOMMEND), OWNER, json!({"backupType": "CLUSTER"}))
        .await
        .biz_error(96038)
        .to_string();
    assert!(m.contains("automatic"), "{m}");
    // Updating an enabled policy does not start another backup.
    s.post(
        &path,
        OWNER,
        json!({"enabled": true, "frequency": "1,2,3,4,5,6,7", "startTime": "02:00", "retentionDays": 30}),
    )
    .await
    .ok();
    assert_eq!(backup_ids(&s, &format!("clusterId={PROD_RECOMMEND}&creationMethod=AUTO")).await.len(), 1);
    let off = s.post(&path, ADMIN, json!({"enabled": false})).await;
    assert_eq!(off.ok()["status"], "DISABLED");
    assert_eq!(s.get(&path, OWNER).await.ok()["frequency"], Value::Null);
}

#[tokio::test]
async fn policy_validation_codes() {
    let s = start_sim().await;
    let path = format!("/v2/clusters/{PROD_RECOMMEND}/backups/policy");
    let good = json!({"enabled": true, "frequency": "1", "startTime": "02:00-04:00", "retentionDays": 7});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    s.post(&path, OWNER, json!({})).await.biz_error(96032);
    s.post(&path, OWNER, with("frequency", json!("0,8"))).await.biz_error(96032);
    s.post(&path, OWNER, with("startTime", json!("02:30-04:30"))).await.biz_error(96033);
    s.post(&path, OWNER, with("startTime", json!("02:00-06:00"))).await.biz_error(96033);
    s.post(&path, OWNER, with("retentionDays", json!(0))).await.biz_error(96034);
    s.post(&path, OWNER, with("retentionDays", json!(31))).await.biz_error(96034);
    let std_path = format!("/v2/clusters/{STAGING_MAIN}/backups/policy");
    s.post(&std_path, OWNER, with("crossRegionCopies", json!([{"regionId": "aws-us-west-2", "retentionDays": 7}])))
        .await
        .biz_error(96028);
    let az_path = format!("/v2/clusters/{PROD_AZURE}/backups/policy");
    s.post(&az_path, OWNER, with("crossRegionCopies", json!([{"regionId": "az-westeurope", "retentionDays": 7}])))
        .await
        .biz_error(96001);
    // null copies are fine (clients send [] or nothing).
    s.post(&std_path, OWNER, with("crossRegionCopies", Value::Null)).await.ok();
    // The seeded policy of prod-search.
    let seeded = s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/policy"), READONLY).await;
    assert_eq!(seeded.ok()["status"], "ENABLED");
}

#[tokio::test]
async fn roles_limit_who_may_change_things() {
    let s = start_sim().await;
    for key in [READWRITE, READONLY] {
        let m =
            s.post(&create_path(PROD_SEARCH), key, json!({"backupType": "CLUSTER"})).await.biz_error(96015).to_string();
        assert!(m.contains("PermissionDenied"), "{m}");
        s.delete(&format!("/v2/clusters/{PROD_SEARCH}/backups/backup1_a1b2c3d4e5f6071"), key).await.biz_error(96015);
        s.post(&format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182/restoreCluster"), key, json!({}))
            .await
            .biz_error(96015);
        s.post(
            &format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182/restoreCollection"),
            key,
            json!({}),
        )
        .await
        .biz_error(96015);
        s.post(&format!("/v2/clusters/{PROD_SEARCH}/backups/policy"), key, json!({"enabled": false}))
            .await
            .biz_error(96015);
        // Reading is allowed.
        s.get("/v2/backups", key).await.ok();
        s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182"), key).await.ok();
        s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/policy"), key).await.ok();
        s.get("/v2/jobs/job-seed000000000000000001", key).await.ok();
    }
    s.post(&create_path(PROD_SEARCH), ADMIN, json!({"backupType": "CLUSTER"})).await.ok();
}

#[tokio::test]
async fn list_backups_filters_and_limits() {
    let s = start_sim().await;
    let all = backup_ids(&s, "").await;
    assert_eq!(all.len(), 8);
    assert_eq!(backup_ids(&s, &format!("projectId={PROJECT_STAGING}")).await, vec!["backup7_0718293041526a7"]);
    assert_eq!(backup_ids(&s, &format!("clusterId={PROD_SEARCH}")).await.len(), 5);
    assert_eq!(backup_ids(&s, "creationMethod=AUTO").await.len(), 3);
    assert_eq!(backup_ids(&s, "creationMethod=manual").await.len(), 5);
    assert_eq!(
        backup_ids(&s, "backupType=COLLECTION").await,
        vec!["backup7_0718293041526a7", "backup4_d4e5f6071829304"]
    );
    assert_eq!(
        backup_ids(&s, &format!("clusterId={PROD_SEARCH}&creationMethod=MANUAL&backupType=CLUSTER")).await,
        vec!["backup2_b2c3d4e5f607182"]
    );
    // A time window: the last 10 days hold all but the two oldest manual ones.
    let ten_days_ago = backup_server::time_util::iso(backup_server::time_util::now_ms() - 10 * 86_400_000);
    assert_eq!(backup_ids(&s, &format!("startTime={ten_days_ago}")).await.len(), 6);
    assert_eq!(backup_ids(&s, &format!("endTime={ten_days_ago}")).await.len(), 2);
    let page = s.get("/v2/backups?pageSize=3&currentPage=3", OWNER).await;
    let d = page.ok();
    assert_eq!((d["count"].as_u64(), d["backups"].as_array().map(Vec::len)), (Some(8), Some(2)));
    let items = d["backups"].as_array().expect("b");
    let keys: Vec<&str> = items[0].as_object().expect("o").keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 11, "exactly the documented list fields: {keys:?}");
    for (q, code) in [
        ("projectId=abc", 96005),
        ("clusterId=bogus", 96036),
        ("creationMethod=SOMETIMES", 96030),
        ("backupType=DISK", 96029),
        ("startTime=yesterday", 96007),
        ("startTime=2026-01-02T00:00:00Z&endTime=2026-01-01T00:00:00Z", 96035),
        ("pageSize=0", 96008),
        ("pageSize=101", 96008),
        ("currentPage=0", 96009),
    ] {
        s.get(&format!("/v2/backups?{q}"), OWNER).await.biz_error(code);
    }
}

#[tokio::test]
async fn describe_and_delete_backup() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let path = format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182");
    let d = s.get(&path, READONLY).await.ok().clone();
    assert_eq!(d["backupName"], "prod-search_backup1");
    assert_eq!(d["dbCollections"].as_array().map(Vec::len), Some(3));
    // By name too (some reference pages show names in the BACKUP_ID slot, §9.11).
    let by_name = s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/prod-search_backup1"), READONLY).await;
    assert_eq!(by_name.ok()["backupId"], "backup2_b2c3d4e5f607182");
    s.get(&format!("/v2/clusters/{PROD_RECOMMEND}/backups/backup2_b2c3d4e5f607182"), OWNER).await.biz_error(96041);
    s.get("/v2/clusters/in01-000000000000000/backups/x", OWNER).await.biz_error(96018);
    let del = s.delete(&path, ADMIN).await;
    assert_eq!(del.ok().clone(), json!({"backupId": "backup2_b2c3d4e5f607182", "backupName": "prod-search_backup1"}));
    s.get(&path, OWNER).await.biz_error(96041);
    s.delete(&path, OWNER).await.biz_error(96041);
    assert!(!backup_ids(&s, "").await.contains(&"backup2_b2c3d4e5f607182".to_string()));
    // A backup still being created cannot be deleted yet.
    let r = s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await;
    let id = r.ok()["backupId"].as_str().expect("id").to_string();
    s.delete(&format!("/v2/clusters/{STAGING_MAIN}/backups/{id}"), OWNER).await.biz_error(96042);
}

#[tokio::test]
async fn restore_cluster_creates_a_new_cluster() {
    let s = start_sim().await;
    let path = format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182/restoreCluster");
    let good = json!({"projectId": PROJECT_PROD, "clusterName": "prod-search-restored", "cuSize": 4, "collectionStatus": "KEEP"});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    s.post(&path, OWNER, with("projectId", json!("nope"))).await.biz_error(96005);
    s.post(&path, OWNER, with("clusterName", json!("bad name!"))).await.biz_error(96010);
    s.post(&path, OWNER, with("clusterName", json!("prod-search"))).await.biz_error(96017);
    s.post(&path, OWNER, with("cuSize", json!(0))).await.biz_error(96002);
    s.post(&path, OWNER, with("cuSize", json!(300))).await.biz_error(96002);
    s.post(&path, OWNER, with("collectionStatus", json!("MAYBE"))).await.biz_error(96031);
    s.post(&path, OWNER, with("restoreVersionPolicy", json!("NEWEST"))).await.biz_error(96040);
    let coll_backup = format!("/v2/clusters/{PROD_SEARCH}/backups/backup4_d4e5f6071829304/restoreCluster");
    s.post(&coll_backup, OWNER, good.clone()).await.biz_error(96040);
    // The guides' `targetProjectId` and the CLIs' `NOT_LOADED` are accepted (§9.1, §9.2).
    let body = json!({"targetProjectId": PROJECT_STAGING, "clusterName": "from-prod", "cuSize": 2, "collectionStatus": "NOT_LOADED", "restoreVersionPolicy": "LATEST"});
    let r = s.post(&path, ADMIN, body).await;
    let d = r.ok().clone();
    assert_eq!(d["username"], "db_admin");
    assert!(d["password"].as_str().is_some_and(|p| p.len() >= 12));
    let new_id = d["clusterId"].as_str().expect("id").to_string();
    assert!(new_id.starts_with("in01-") && new_id.len() == 20);
    let c = s.get(&format!("/v2/clusters/{new_id}"), OWNER).await.ok().clone();
    assert_eq!(
        (c["status"].as_str(), c["projectId"].as_str(), c["plan"].as_str()),
        (Some("CREATING"), Some(PROJECT_STAGING), Some("Standard"))
    );
    let job = s.wait_job(d["jobId"].as_str().expect("job")).await;
    assert_eq!((job["type"].as_str(), job["status"].as_str()), (Some("RESTORE"), Some("SUCCESSFUL")));
    let c = s.get(&format!("/v2/clusters/{new_id}"), OWNER).await.ok().clone();
    assert_eq!(c["status"], "RUNNING");
    assert_eq!(c["regionId"], "aws-us-east-1");
    assert_eq!(
        c["storageSize"].as_u64(),
        s.get(&format!("/v2/clusters/{PROD_SEARCH}"), OWNER).await.ok()["storageSize"].as_u64()
    );
    let dbs = s.post(&format!("/dataplane/{new_id}/v2/vectordb/databases/list"), OWNER, json!({})).await;
    assert_eq!(dbs.ok().clone(), json!(["default", "catalog", "support"]));
    // The one-time db_admin password works on that cluster's endpoint, and only there.
    let token = format!("db_admin:{}", d["password"].as_str().expect("pw"));
    let own = s.post(&format!("/dataplane/{new_id}/v2/vectordb/databases/list"), &token, json!({})).await;
    assert_eq!(own.ok().as_array().map(Vec::len), Some(3));
    let other = s.post(&format!("/dataplane/{STAGING_MAIN}/v2/vectordb/databases/list"), &token, json!({})).await;
    assert_eq!((other.status, other.code()), (StatusCode::UNAUTHORIZED, 1800));
    // Standard projects cap a cluster at 32 CUs.
    s.post(
        &path,
        OWNER,
        json!({"projectId": PROJECT_STAGING, "clusterName": "too-big", "cuSize": 64, "collectionStatus": "KEEP"}),
    )
    .await
    .biz_error(96023);
}

#[tokio::test]
async fn restore_collection_into_an_existing_cluster() {
    let s = start_sim().await;
    let path = format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182/restoreCollection");
    let body = |dest: &str, name: &str, status: &str| json!({"destClusterId": dest, "dbCollections": [{"dbName": "default", "destDbName": "default", "collections": [{"collectionName": "articles_fr", "destCollectionName": name, "destCollectionStatus": status}]}]});
    s.post(&path, OWNER, json!({})).await.biz_error(96025);
    s.post(&path, OWNER, body("in01-000000000000000", "x", "LOADED")).await.biz_error(96018);
    s.post(&path, OWNER, body("elsewhere", "x", "LOADED")).await.biz_error(96036);
    s.post(&path, OWNER, body(SANDBOX_FREE, "x", "LOADED")).await.biz_error(96021);
    s.post(&path, OWNER, body(PROD_ARCHIVE, "x", "LOADED")).await.biz_error(96039);
    s.post(&path, OWNER, body(STAGING_MAIN, "x", "HALF")).await.biz_error(96037);
    s.post(&path, OWNER, body(STAGING_MAIN, "articles_en_sample", "LOADED")).await.biz_error(96039);
    s.post(&path, OWNER, body(STAGING_MAIN, "9lives", "LOADED")).await.biz_error(96039);
    let two = json!({"destClusterId": STAGING_MAIN, "dbCollections": [{"collections": [{"collectionName": "articles_fr"}, {"collectionName": "articles_de"}]}]});
    let m = s.post(&path, OWNER, two).await.biz_error(96039).to_string();
    assert!(m.contains("one collection"), "{m}");
    let r = s.post(&path, ADMIN, body(STAGING_MAIN, "articles_fr_restored", "LOADED")).await;
    let job = r.ok()["jobId"].as_str().expect("job").to_string();
    // The name is taken while the restore runs.
    s.post(&path, OWNER, body(STAGING_MAIN, "articles_fr_restored", "LOADED")).await.biz_error(96039);
    assert_eq!(s.wait_job(&job).await["status"], "SUCCESSFUL");
    let colls = s
        .post(&format!("/dataplane/{STAGING_MAIN}/v2/vectordb/collections/list"), OWNER, json!({"dbName": "default"}))
        .await;
    assert!(colls.ok().as_array().expect("a").contains(&json!("articles_fr_restored")));
    // Older spellings (§9.3): targetClusterId / targetDbName / targetCollectionName / targetCollectionStatus.
    let old = json!({"targetClusterId": STAGING_MAIN, "dbCollections": [{"dbName": "_default", "targetDbName": "restored", "collections": [{"collectionName": "articles_fr", "targetCollectionName": "fr_old_style", "targetCollectionStatus": "UNLOADED"}]}]});
    let job = s.post(&path, OWNER, old).await.ok()["jobId"].as_str().expect("job").to_string();
    s.wait_job(&job).await;
    let colls = s
        .post(&format!("/dataplane/{STAGING_MAIN}/v2/vectordb/collections/list"), OWNER, json!({"dbName": "restored"}))
        .await;
    assert_eq!(colls.ok().clone(), json!(["fr_old_style"]));
    // Without collections: everything in the backup, unloaded, under the same names.
    let coll_backup = format!("/v2/clusters/{STAGING_MAIN}/backups/backup7_0718293041526a7/restoreCollection");
    let job = s.post(&coll_backup, OWNER, json!({"destClusterId": PROD_SEARCH})).await.ok()["jobId"]
        .as_str()
        .expect("j")
        .to_string();
    s.wait_job(&job).await;
    let colls =
        s.post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/collections/list"), OWNER, json!({"dbName": "qa"})).await;
    assert_eq!(colls.ok().clone(), json!(["regression_set", "golden_queries"]));
}

#[tokio::test]
async fn fail_rate_makes_jobs_fail_with_a_reason() {
    let s = start_with(|o| o.fail_rate = 1.0).await;
    let r = s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await;
    let d = r.ok().clone();
    let job = s.wait_job(d["jobId"].as_str().expect("job")).await;
    assert_eq!(job["status"], "FAILED");
    assert!(job["reason"].as_str().is_some_and(|r| r.contains("fail-rate")), "{job}");
    let p: u64 = job["progress"].as_str().and_then(|p| p.parse().ok()).expect("progress");
    assert!(p < 100);
    // A failed backup is no longer listed ("AVAILABLE or CREATING" only) but can be described.
    let id = d["backupId"].as_str().expect("id");
    assert!(!backup_ids(&s, "").await.contains(&id.to_string()));
    assert_eq!(s.get(&format!("/v2/clusters/{STAGING_MAIN}/backups/{id}"), OWNER).await.ok()["status"], "FAILED");
    // A failed job frees the cluster for the next manual backup.
    s.admin(Method::POST, "/__sim/fail-rate", Some(json!({"failRate": 0.0}))).await.ok();
    s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await.ok();
}

#[tokio::test]
async fn jobs_describe_list_and_test_hooks() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    s.get("/v2/jobs/job-doesnotexist", OWNER).await.biz_error(96026);
    let seeded = s.get("/v2/jobs/job-seed000000000000000001", READONLY).await;
    let d = seeded.ok();
    assert_eq!(
        (d["status"].as_str(), d["progress"].as_str(), d["type"].as_str()),
        (Some("SUCCESSFUL"), Some("100"), Some("BACKUP"))
    );
    let failed = s.get("/v2/jobs?status=FAILED", READONLY).await;
    let f = failed.ok()["jobs"].as_array().expect("jobs").clone();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["type"], "RESTORE");
    assert!(!f[0]["reason"].as_str().unwrap_or_default().is_empty());
    let r = s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await;
    let job = r.ok()["jobId"].as_str().expect("j").to_string();
    let hook = s
        .admin(
            Method::POST,
            &format!("/__sim/jobs/{job}/finish"),
            Some(json!({"status": "FAILED", "reason": "disk on fire"})),
        )
        .await;
    assert_eq!((hook.ok()["status"].as_str(), hook.ok()["reason"].as_str()), (Some("FAILED"), Some("disk on fire")));
    let again = s.admin(Method::POST, &format!("/__sim/jobs/{job}/finish"), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let s = start_sim().await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..60 {
        let r = s.get("/v2/projects", READONLY).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = r.headers.get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
            assert!(r.message().contains("20 requests per second"), "{}", r.text);
        }
        statuses.push(r.status.as_u16());
    }
    assert!(statuses.iter().take(20).all(|s| *s == 200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let wait: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!(wait >= 1);
    // Per key and per endpoint: the others are untouched.
    s.get("/v2/projects", OWNER).await.ok();
    s.get("/v2/clusters", READONLY).await.ok();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    s.get("/v2/projects", READONLY).await.ok();
}

#[tokio::test]
async fn cors_only_for_the_origins_it_was_told_to_trust() {
    let trusted = "http://localhost:5173";
    let s = start_with(|o| o.allow_origins = vec![trusted.to_owned()]).await;
    let r = s
        .client
        .request(Method::OPTIONS, format!("{}{}", s.url, create_path(PROD_SEARCH)))
        .header("origin", trusted)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("send");
    assert!(r.status().is_success(), "{}", r.status());
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], trusted);
    let allowed = h["access-control-allow-headers"].to_str().expect("s").to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
    assert!(h["access-control-allow-methods"].to_str().expect("s").contains("POST"));
    let r = s.client.get(format!("{}/v2/clusters", s.url)).header("origin", trusted).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["access-control-allow-origin"], trusted);
    assert!(
        r.headers()["access-control-expose-headers"].to_str().expect("s").to_ascii_lowercase().contains("retry-after")
    );
    // config.json and the test controls too (the browser tests run on another origin).
    for path in ["/config.json", "/__sim/faults"] {
        let r = s.client.get(format!("{}{path}", s.url)).header("origin", trusted).send().await.expect("send");
        assert_eq!(r.headers()["access-control-allow-origin"], trusted, "{path}");
    }
    // Any other origin: refused before any handler, and no CORS header to read the refusal by.
    for path in ["/v2/clusters", "/config.json", "/__sim/state"] {
        let r = s
            .client
            .get(format!("{}{path}", s.url))
            .bearer_auth(OWNER)
            .header("origin", "https://evil.example")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(r.headers().get("access-control-allow-origin").is_none(), "{path}");
    }
}

#[tokio::test]
async fn faults_can_be_switched_on_and_off() {
    let s = start_sim().await;
    let faults = |b: Value| s.admin(Method::POST, "/__sim/faults", Some(b));
    faults(json!({"htmlErrorRate": 1.0, "endpoints": ["GET /v2/clusters"]})).await.ok();
    let r = s.get("/v2/clusters", OWNER).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert!(r.headers["content-type"].to_str().expect("ct").starts_with("text/html"));
    assert!(r.text.contains("<html>"));
    // Other endpoints are untouched.
    s.get("/v2/projects", OWNER).await.ok();
    faults(json!({"htmlErrorRate": 0.0, "errorRate": 1.0})).await.ok();
    assert_eq!(s.get("/v2/clusters", OWNER).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    faults(json!({"errorRate": 0.0, "rateLimitRate": 1.0})).await.ok();
    let r = s.get("/v2/clusters", OWNER).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers["retry-after"], "1");
    faults(json!({"rateLimitRate": 0.0, "malformedRate": 1.0, "endpoints": []})).await.ok();
    let r = s.get("/v2/projects", OWNER).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&r.text).is_err(), "malformed: {}", r.text);
    // `remaining` breaks exactly N requests, then the faults switch themselves off.
    faults(json!({"malformedRate": 0.0, "errorRate": 1.0, "remaining": 2})).await.ok();
    assert_eq!(s.get("/v2/projects", OWNER).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(s.get("/v2/projects", OWNER).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    s.get("/v2/projects", OWNER).await.ok();
    faults(json!({"latencyMs": 300})).await.ok();
    let t = std::time::Instant::now();
    s.get("/v2/projects", OWNER).await.ok();
    assert!(t.elapsed() >= Duration::from_millis(300));
    let with_speed = faults(json!({"jobSpeed": 42.0})).await;
    assert_eq!(with_speed.ok()["jobSpeed"], 42.0);
    assert_eq!(s.admin(Method::GET, "/__sim/job-speed", None).await.ok()["speed"], 42.0);
    let cleared = s.admin(Method::DELETE, "/__sim/faults", None).await;
    assert_eq!(cleared.ok()["latencyMs"], 0);
    let bad = faults(json!({"errorRate": 2.0})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn fault_flags_apply_from_start() {
    let s = start_with(|o| {
        o.faults.error_rate = 1.0;
        o.faults.endpoints = vec!["/v2/jobs".into()];
    })
    .await;
    assert_eq!(s.get("/v2/jobs/job-seed000000000000000001", OWNER).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    s.get("/v2/projects", OWNER).await.ok();
}

#[tokio::test]
async fn recorded_request_bodies_are_visible_to_tests() {
    let s = start_sim().await;
    let body =
        json!({"backupType": "COLLECTION", "dbCollections": [{"dbName": "qa", "collectionNames": ["golden_queries"]}]});
    s.post(&create_path(STAGING_MAIN), OWNER, body.clone()).await.ok();
    let path = create_path(STAGING_MAIN);
    let r = s.admin(Method::GET, &format!("/__sim/requests?path={path}"), None).await;
    let entries = r.ok().as_array().expect("a").clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["body"], body);
    assert_eq!(entries[0]["method"], "POST");
    assert!(!r.text.contains("demo-owner-key"), "keys are never recorded");
    s.admin(Method::DELETE, "/__sim/requests", None).await.ok();
    let r = s.admin(Method::GET, &format!("/__sim/requests?path={path}"), None).await;
    assert_eq!(r.ok().clone(), json!([]));
}

#[tokio::test]
async fn request_stats_count_whole_windows_and_the_refused() {
    let s = start_sim().await;
    s.admin(Method::DELETE, "/__sim/requests", None).await.ok();
    s.admin(Method::POST, "/__sim/rate-limit", Some(json!({"perSecond": 2}))).await.ok();
    for _ in 0..5 {
        s.get("/v2/projects", OWNER).await;
    }
    s.get("/v2/clusters", OWNER).await;
    let r = s.admin(Method::GET, "/__sim/requests/stats?prefix=/v2/projects", None).await;
    let stats = r.ok().clone();
    assert_eq!(stats["count"], 5, "{stats}");
    // Two a second pass: five in a row cannot all pass, even across a second's boundary. (The
    // unit tests in recorder.rs check the window arithmetic exactly.)
    let refused = stats["status429"].as_u64().unwrap();
    assert!((1..=3).contains(&refused), "{stats}");
    assert!((1..=5).contains(&stats["maxInAnySecond"].as_u64().unwrap()), "{stats}");
    // A window that ends before anything was sent counts nothing.
    let r = s.admin(Method::GET, "/__sim/requests/stats?prefix=/v2/&until=1", None).await;
    assert_eq!(r.ok()["count"], 0);
    let r = s.admin(Method::GET, "/__sim/requests/stats?prefix=/v2/", None).await;
    assert_eq!(r.ok()["count"], 6);
}

#[tokio::test]
async fn state_survives_a_restart_and_reset_restores_the_seed() {
    let mut s = start_with(|o| o.job_speed = 1.0).await;
    let r = s.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await;
    let id = r.ok()["backupId"].as_str().expect("id").to_string();
    let job = r.ok()["jobId"].as_str().expect("job").to_string();
    s.delete(&format!("/v2/clusters/{PROD_SEARCH}/backups/backup2_b2c3d4e5f607182"), OWNER).await.ok();
    s.stop().await;
    let state = s.state_path();
    let text = std::fs::read_to_string(&state).expect("state file");
    serde_json::from_str::<Value>(&text).expect("valid JSON");
    assert!(!state.with_extension("json.tmp").exists(), "no temporary file left behind");
    let dir = s.dir.path().to_path_buf();
    let restarted = |reset: bool| {
        let dir = dir.clone();
        async move {
            let mut opts = backup_server::Options::for_tests(&dir);
            opts.reset = reset;
            opts.job_speed = 1.0;
            backup_server::start(opts).await.expect("restart")
        }
    };
    let again = restarted(false).await;
    let s2 = TestServer {
        url: again.url(),
        server: Some(again),
        client: s.client.clone(),
        dir: tempfile::tempdir().expect("t"),
    };
    let ids = backup_ids(&s2, "").await;
    assert!(ids.contains(&id) && !ids.contains(&"backup2_b2c3d4e5f607182".to_string()), "{ids:?}");
    // The job kept running across the restart and still blocks a second manual backup.
    assert_ne!(s2.get(&format!("/v2/jobs/{job}"), OWNER).await.ok()["status"], "FAILED");
    s2.post(&create_path(STAGING_MAIN), OWNER, json!({"backupType": "CLUSTER"})).await.biz_error(96038);
    let mut s2 = s2;
    s2.stop().await;
    let fresh = restarted(true).await;
    let s3 = TestServer {
        url: fresh.url(),
        server: Some(fresh),
        client: s.client.clone(),
        dir: tempfile::tempdir().expect("t"),
    };
    let ids = backup_ids(&s3, "").await;
    assert_eq!(ids.len(), 8);
    assert!(!ids.contains(&id));
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let s = start_sim().await;
    let r = s.get("/v2/nothing-here", OWNER).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), 404);
    let post = |body: Vec<u8>, content_type: Option<&'static str>| {
        let mut req = s.client.post(format!("{}{}", s.url, create_path(PROD_SEARCH))).bearer_auth(OWNER).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.send()
    };
    let bad_json = post(b"{not json".to_vec(), Some("application/json")).await.expect("send");
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    // A body a browser could send cross-origin without asking (text/plain, a form) is refused.
    for ct in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let r = post(br#"{"backupType":"CLUSTER"}"#.to_vec(), ct).await.expect("send");
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        let v: Value = serde_json::from_str(&r.text().await.expect("body")).expect("json");
        assert_eq!(v["code"], 415);
    }
    let huge = post(vec![b' '; 5 * 1024 * 1024], Some("application/json")).await.expect("send");
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = serde_json::from_str(&huge.text().await.expect("body")).expect("the 413 is the JSON envelope too");
    assert_eq!(v["code"], 413);
}

#[tokio::test]
async fn deleting_a_backup_cancels_its_pending_copies() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let r = s
        .post(
            &create_path(PROD_SEARCH),
            OWNER,
            json!({"backupType": "CLUSTER", "crossRegionCopies": [{"regionId": "aws-eu-central-1"}]}),
        )
        .await;
    let d = r.ok().clone();
    let (id, job) = (d["backupId"].as_str().expect("id"), d["jobId"].as_str().expect("job"));
    s.admin(Method::POST, &format!("/__sim/jobs/{job}/finish"), None).await.ok();
    let state = s.admin(Method::GET, "/__sim/state", None).await.json;
    let copy = state["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["after"] == job)
        .and_then(|j| j["jobId"].as_str())
        .expect("copy job")
        .to_string();
    assert_ne!(s.get(&format!("/v2/jobs/{copy}"), OWNER).await.ok()["status"], "SUCCESSFUL");
    s.delete(&format!("/v2/clusters/{PROD_SEARCH}/backups/{id}"), OWNER).await.ok();
    let c = s.get(&format!("/v2/jobs/{copy}"), OWNER).await.ok().clone();
    assert_eq!(c["status"], "CANCELED");
    assert!(c["reason"].as_str().is_some_and(|r| r.contains("deleted")));
}

#[tokio::test]
async fn connect_origins_reach_the_csp_and_config_json() {
    let s = start_with(|o| o.connect_origins = vec!["https://API.example.com/".to_owned()]).await;
    let r = s.client.get(format!("{}/config.json", s.url)).send().await.expect("send");
    let csp = r.headers()["content-security-policy"].to_str().expect("csp").to_owned();
    assert!(csp.contains("connect-src 'self' https://api.example.com;"), "{csp}");
    let v: Value = serde_json::from_str(&r.text().await.expect("text")).expect("json");
    assert_eq!(v["connectOrigins"], json!(["https://api.example.com"]));
    // Without the flag the list is there and empty: Settings then allows only this origin.
    let plain = start_sim().await;
    let v: Value = serde_json::from_str(
        &plain.client.get(format!("{}/config.json", plain.url)).send().await.expect("s").text().await.expect("t"),
    )
    .expect("json");
    assert_eq!(v["connectOrigins"], json!([]));
}
