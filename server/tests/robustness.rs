//! The server under pressure, bounded in count and time, on loopback only: concurrent creates
//! on one cluster, concurrent reads, malformed requests, and `kill -9` during writes. Each test
//! prints its figures (`cargo test -p backup-server --test robustness -- --nocapture`).

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CREATE: &str = "/v2/clusters/in01-3f9a1c7e5b2d401/backups/create";

#[tokio::test]
async fn concurrent_creates_on_one_cluster_make_exactly_one_job() {
    let s = start_with(|o| {
        o.rate_limit = 0;
        o.job_speed = 1.0;
    })
    .await;
    let rounds = 5;
    for round in 0..rounds {
        let started = Instant::now();
        let answers = join_all((0..50).map(|_| s.post(CREATE, OWNER, json!({"backupType": "CLUSTER"})))).await;
        let created: Vec<&Reply> = answers.iter().filter(|r| r.status == StatusCode::OK && r.code() == 0).collect();
        let refused = answers.iter().filter(|r| r.status == StatusCode::OK && r.code() == 96038).count();
        eprintln!(
            "creates, round {round}: 50 at once -> {} created, {refused} refused (96038) in {} ms",
            created.len(),
            started.elapsed().as_millis()
        );
        assert_eq!(created.len(), 1, "exactly one create wins");
        assert_eq!(refused, 49, "every other one is told why");
        let job = created[0].data()["jobId"].as_str().expect("job").to_owned();
        s.admin(Method::POST, &format!("/__sim/jobs/{job}/finish"), None).await.ok();
    }
}

#[tokio::test]
async fn concurrent_reads_answer_quickly_without_errors() {
    let s = start_with(|o| o.rate_limit = 0).await;
    let paths =
        ["/v2/projects", "/v2/clusters?pageSize=100", "/v2/backups?pageSize=100", "/v2/clusters/in01-3f9a1c7e5b2d401"];
    let s = &s;
    let started = Instant::now();
    let timed = join_all((0..200).map(|i| {
        let path = paths[i % paths.len()];
        async move {
            let t = Instant::now();
            let r = s.get(path, READONLY).await;
            (r.status, t.elapsed())
        }
    }))
    .await;
    let mut ms: Vec<u128> = timed.iter().map(|(_, d)| d.as_millis()).collect();
    ms.sort_unstable();
    let server_errors = timed.iter().filter(|(st, _)| st.is_server_error()).count();
    eprintln!(
        "reads: 200 at once in {} ms; p50 {} ms, p99 {} ms, max {} ms; {server_errors} 5xx",
        started.elapsed().as_millis(),
        ms[ms.len() / 2],
        ms[ms.len() * 99 / 100],
        ms[ms.len() - 1]
    );
    assert_eq!(server_errors, 0);
    assert!(timed.iter().all(|(st, _)| *st == StatusCode::OK));
}

/// One raw request; the status (0 when the server closed without an answer).
async fn raw_status(addr: std::net::SocketAddr, request: &[u8]) -> u16 {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else { return 0 };
    let _ = stream.write_all(request).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn malformed_requests_get_a_clear_4xx_and_the_server_stays_up() {
    let s = start_with(|o| o.rate_limit = 0).await;
    let addr = s.server.as_ref().expect("running").addr;
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    let request = |method: &str, path: &str, headers: &str, body: &[u8]| -> Vec<u8> {
        let mut r = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    let auth = format!("Authorization: Bearer {OWNER}\r\nContent-Type: application/json\r\n");
    let bodies: [&[u8]; 14] = [
        b"{",
        b"[]",
        b"null",
        b"42",
        b"\"text\"",
        b"{\"backupType\": 7}",
        b"{\"backupType\": \"NOPE\"}",
        b"{\"backupType\": \"COLLECTION\"}",
        b"{\"backupType\": \"COLLECTION\", \"dbCollections\": 5}",
        b"{\"backupType\": \"COLLECTION\", \"dbCollections\": [{\"collectionNames\": [1, 2]}]}",
        b"{\"backupType\": \"CLUSTER\", \"crossRegionCopies\": [{\"regionId\": \"mars-1\"}]}",
        b"\xff\xfe\xfd",
        b"{\"a\":",
        &[b'['; 10_000],
    ];
    for (i, body) in bodies.iter().enumerate() {
        cases.push((format!("create body #{i}"), request("POST", CREATE, &auth, body)));
    }
    let paths = [
        "/v2/../secret",
        "/v2/%2e%2e/etc/passwd",
        "/v2/clusters/%00",
        "/v2/clusters/../../etc/passwd",
        "/v2/clusters/in01-x/backups/%ff",
        "/v2/jobs/",
        "/v2/jobs/../../x",
        "/v2/backups?pageSize=-1",
        "/v2/backups?pageSize=abc",
        "/v2/backups?currentPage=0",
        "/v2/backups?pageSize=100000",
        "/v2/clusters?pageSize=1e9",
        "/v2/clusters/in99-000000000000000",
        "/__sim/../v2/projects",
        "/__sim/jobs/nope/finish",
        "/dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/../../x",
        "/dataplane/x/v2/vectordb/databases/list",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/v2/backups?clusterId=%27%20OR%201=1",
    ];
    for path in paths {
        cases.push((format!("GET {path}"), request("GET", path, &auth, b"")));
    }
    for method in ["PUT", "PATCH", "TRACE", "CONNECT", "PROPFIND", "FOO", "DELETE"] {
        cases.push((format!("{method} /v2/projects"), request(method, "/v2/projects", &auth, b"{}")));
    }
    let keys = [
        "Authorization: Bearer \r\n",
        "Authorization: Basic ZGVtbzpkZW1v\r\n",
        "Authorization: bearer demo-owner-key-x\r\n",
        "Authorization: Bearer demo-owner-key demo-owner-key\r\n",
        "Authorization: Bearer \u{00e9}t\u{00e9}\r\n",
        "Authorization: Token demo-owner-key\r\n",
        "Authorization: Bearer\r\n",
    ];
    for key in keys {
        cases.push((format!("key {key:?}"), request("GET", "/v2/projects", key, b"")));
    }
    let long_key = format!("Authorization: Bearer {}\r\n", "k".repeat(16 * 1024));
    cases.push(("a 16 KiB key".into(), request("GET", "/v2/projects", &long_key, b"")));
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    cases.push(("200 headers".into(), request("GET", "/v2/projects", &many_headers, b"")));
    cases.push(("2 MiB body".into(), request("POST", CREATE, &auth, &vec![b' '; 2 * 1024 * 1024])));
    cases.push(("HTTP/0.9".into(), b"GET /v2/projects\r\n\r\n".to_vec()));
    cases.push(("garbage".into(), b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n".to_vec()));
    cases.push(("no host".into(), b"GET /v2/projects HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec()));
    cases.push((
        "lying content-length".into(),
        format!(
            "POST {CREATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 10\r\nConnection: close\r\n\r\n{{}}"
        )
        .into_bytes(),
    ));
    cases.push((
        "chunked garbage".into(),
        format!("POST {CREATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n").into_bytes(),
    ));
    // Restore, policy and data-plane bodies of the wrong shape.
    let restore = "/v2/clusters/in01-3f9a1c7e5b2d401/backups/backup1_x/restoreCluster";
    let restore_coll = "/v2/clusters/in01-3f9a1c7e5b2d401/backups/backup1_x/restoreCollection";
    let policy = "/v2/clusters/in01-3f9a1c7e5b2d401/backups/policy";
    let shaped: [(&str, &[u8]); 16] = [
        (restore, b"{}"),
        (restore, b"{\"targetProjectId\": 5}"),
        (restore, b"{\"targetProjectId\": \"p\", \"clusterName\": \"\", \"cuSize\": -1}"),
        (restore, b"[1,2,3]"),
        (restore_coll, b"{\"destDbCollections\": \"all\"}"),
        (restore_coll, b"{\"destDbCollections\": [{\"collections\": [{}]}]}"),
        (restore_coll, b"{\"destDbCollections\": [null]}"),
        (policy, b"{\"autoBackup\": \"yes\"}"),
        (policy, b"{\"autoBackup\": true, \"frequency\": \"8,9\"}"),
        (policy, b"{\"autoBackup\": true, \"frequency\": \"1,2\", \"startTime\": \"25:99\"}"),
        (policy, b"{\"autoBackup\": true, \"retentionDays\": 1e308}"),
        (policy, b"{\"autoBackup\": true, \"retentionDays\": 18446744073709551616}"),
        ("/dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/collections/list", b"{\"dbName\": []}"),
        ("/dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/collections/list", b"nope"),
        ("/dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/databases/list", b"{\"a\":"),
        (CREATE, b"{\"backupType\": \"CLUSTER\", \"crossRegionCopies\": [{\"regionId\": \"aws-us-west-2\", \"retentionDays\": -5}]}"),
    ];
    for (path, body) in shaped {
        cases.push((format!("POST {path} {}", String::from_utf8_lossy(body)), request("POST", path, &auth, body)));
    }
    // Content types a browser sends cross-origin without asking, and odd ones.
    let owner = format!("Authorization: Bearer {OWNER}\r\n");
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json-patch+json",
        "application/jsonx",
        "",
        "application/json; charset=utf-16",
    ] {
        let headers = format!("{owner}Content-Type: {ct}\r\n");
        cases
            .push((format!("content type {ct:?}"), request("POST", CREATE, &headers, b"{\"backupType\":\"CLUSTER\"}")));
    }
    // Headers that lie or clash.
    cases.push((
        "two content lengths".into(),
        format!("POST {CREATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{{}}").into_bytes(),
    ));
    cases.push((
        "host of another site".into(),
        b"GET /v2/projects HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_vec(),
    ));
    cases.push((
        "two hosts".into(),
        b"GET /v2/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_vec(),
    ));
    cases.push((
        "origin of another site".into(),
        request("GET", "/v2/projects", &format!("{auth}Origin: https://evil.example\r\n"), b""),
    ));
    cases.push(("origin null".into(), request("GET", "/v2/projects", &format!("{auth}Origin: null\r\n"), b"")));
    cases.push((
        "a 100 KiB path".into(),
        request("GET", &format!("/v2/clusters/{}", "a".repeat(100 * 1024)), &auth, b""),
    ));
    cases.push(("a 10,000-segment path".into(), request("GET", &"/v2".repeat(10_000), &auth, b"")));
    cases.push(("absolute-form target".into(), request("GET", "http://evil.example/v2/projects", &auth, b"")));
    cases.push(("asterisk target".into(), request("OPTIONS", "*", &auth, b"")));
    let admin_json = "Content-Type: application/json\r\n";
    for body in [&b"{\"speed\": -1}"[..], b"{\"speed\": \"fast\"}", b"{\"errorRate\": 2}", b"{\"nope\": 1}"] {
        cases.push(("admin body".into(), request("POST", "/__sim/faults", admin_json, body)));
    }

    let started = Instant::now();
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for (name, bytes) in &cases {
        let status = raw_status(addr, bytes).await;
        *by_status.entry(status).or_default() += 1;
        // A documented business error (HTTP 200 + code), a 4xx, or a closed connection for
        // what is not HTTP at all; never a 5xx.
        assert!(status == 200 || (400..500).contains(&status) || status == 0, "{name}: HTTP {status}");
        if name.contains("another site") || name.contains("absolute-form") {
            assert!(status == 421 || status == 403 || status == 400, "{name}: HTTP {status}");
        }
        if status == 200 {
            // Only business errors may come back 200 here.
            let r = s.get("/v2/projects", OWNER).await;
            assert_eq!(r.status, StatusCode::OK);
        }
    }
    eprintln!(
        "bad input: {} malformed requests in {} ms, by status {by_status:?}",
        cases.len(),
        started.elapsed().as_millis()
    );
    assert!(cases.len() >= 85, "{} cases", cases.len());
    // Still up.
    s.get("/v2/projects", OWNER).await.ok();
}

#[tokio::test]
async fn kill_9_during_writes_loses_no_acknowledged_backup() {
    let dir = tempfile::tempdir().expect("t");
    let state = dir.path().join("state.json");
    let clusters = [PROD_SEARCH, PROD_RECOMMEND, PROD_ARCHIVE, STAGING_MAIN, STAGING_NEXT];
    backup_server::install_tls_provider();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("client");
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let kills = 30u64;
    let started = Instant::now();
    for round in 0..kills {
        let (mut child, url) = spawn_server(&state).await;
        // Creates on every cluster, as fast as they are accepted, until the kill.
        let writer = {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0.. {
                    let cluster = clusters[i % clusters.len()];
                    let r = client
                        .post(format!("{url}/v2/clusters/{cluster}/backups/create"))
                        .bearer_auth(OWNER)
                        .header("content-type", "application/json")
                        .body(r#"{"backupType":"CLUSTER"}"#)
                        .send()
                        .await;
                    let Ok(r) = r else { break };
                    let Ok(text) = r.text().await else { break };
                    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if v["code"] == 0
                        && let Some(id) = v["data"]["backupId"].as_str()
                    {
                        acked.push((cluster.to_owned(), id.to_owned()));
                    }
                }
                acked
            })
        };
        tokio::time::sleep(Duration::from_millis(150 + 37 * (round % 7))).await;
        child.start_kill().expect("kill -9");
        let _ = child.wait().await;
        acknowledged.extend(writer.await.expect("join"));
        // Whatever was on disk when it died must load.
        let text = std::fs::read_to_string(&state).expect("the state file is there");
        let _: Value = serde_json::from_str(&text).expect("and is whole JSON");
    }
    // One last start: every acknowledged backup is there.
    let (_child, url) = spawn_server(&state).await;
    let mut missing = Vec::new();
    for (cluster, id) in &acknowledged {
        let r = client
            .get(format!("{url}/v2/clusters/{cluster}/backups/{id}"))
            .bearer_auth(OWNER)
            .send()
            .await
            .expect("describe");
        let v: Value = serde_json::from_str(&r.text().await.expect("body")).expect("json");
        if v["code"] != 0 {
            missing.push(id.clone());
        }
    }
    eprintln!(
        "kill -9: {kills} kills during writes in {} s, {} acknowledged backups, {} lost",
        started.elapsed().as_secs(),
        acknowledged.len(),
        missing.len()
    );
    assert!(acknowledged.len() as u64 >= kills, "the writers got through: {}", acknowledged.len());
    assert!(missing.is_empty(), "lost: {missing:?}");
}
