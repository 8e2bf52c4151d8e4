//! The server as a front door to the real cloud: no other site may use it (Origin, Host,
//! simple requests), the gateway forwards only documented routes, connections cannot be held
//! open, unauthenticated bodies cost nothing, and the state file is never lost or shared.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::Uri;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A stand-in for the real control plane: answers everything with an empty success and counts
/// what reached it (method and path).
struct FakeUpstream {
    url: String,
    hits: Arc<std::sync::Mutex<Vec<String>>>,
}

async fn fake_upstream() -> FakeUpstream {
    let hits = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = hits.clone();
    let app = Router::new().fallback(move |method: axum::http::Method, uri: Uri| {
        let seen = seen.clone();
        async move {
            seen.lock().expect("lock").push(format!("{method} {}", uri.path()));
            axum::Json(json!({"code": 0, "data": []}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    FakeUpstream { url, hits }
}

impl FakeUpstream {
    fn hits(&self) -> Vec<String> {
        self.hits.lock().expect("lock").clone()
    }
}

fn addr_of(s: &TestServer) -> SocketAddr {
    s.server.as_ref().expect("running").addr
}

/// One raw HTTP/1.1 exchange, exactly as written (reqwest would normalise `..` and `%2e%2e`
/// away before sending). Returns the status line and the whole answer.
async fn raw(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// A gateway to a fake upstream that holds its own API key: what a page elsewhere must not use.
async fn key_holding_gateway() -> (FakeUpstream, TestServer) {
    let upstream = fake_upstream().await;
    let up = upstream.url.clone();
    let gw = start_with(move |o| {
        o.upstream = Some(up);
        o.api_key = Some("the-real-key".into());
    })
    .await;
    (upstream, gw)
}

#[tokio::test]
async fn no_other_page_may_spend_the_server_held_key() {
    let (upstream, gw) = key_holding_gateway().await;
    let evil = "https://evil.example";
    // What a page on another site can send: a CORS GET, a DELETE (preflighted), a text/plain
    // POST and a form POST (neither preflighted), and a no-cors GET that carries no Origin.
    let attempts = [
        gw.client.get(format!("{}/v2/clusters", gw.url)).header("origin", evil),
        gw.client.delete(format!("{}/v2/clusters/{PROD_SEARCH}/backups/backup1_x", gw.url)).header("origin", evil),
        gw.client
            .post(format!("{}/v2/clusters/{PROD_SEARCH}/backups/create", gw.url))
            .header("origin", evil)
            .header("content-type", "text/plain")
            .body(r#"{"backupType":"CLUSTER"}"#),
        gw.client
            .post(format!("{}/v2/clusters/{PROD_SEARCH}/backups/create", gw.url))
            .header("origin", evil)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("backupType=CLUSTER"),
        gw.client.get(format!("{}/v2/clusters", gw.url)).header("sec-fetch-site", "cross-site"),
        gw.client.get(format!("{}/v2/clusters", gw.url)).header("origin", "null"),
    ];
    for attempt in attempts {
        let r = attempt.send().await.expect("send");
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.headers().get("access-control-allow-origin").is_none());
    }
    let preflight = gw
        .client
        .request(Method::OPTIONS, format!("{}/v2/clusters", gw.url))
        .header("origin", evil)
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .expect("send");
    assert!(preflight.headers().get("access-control-allow-origin").is_none());
    assert!(upstream.hits().is_empty(), "nothing reached the upstream: {:?}", upstream.hits());

    // Its own pages (same origin: an Origin naming this server, or none) still work, without
    // any CORS header.
    let own = format!("http://{}", addr_of(&gw));
    let r = gw
        .client
        .post(format!("{}/v2/clusters/{PROD_SEARCH}/backups/create", gw.url))
        .header("origin", &own)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    gw.send(Method::GET, "/v2/clusters", None, None).await.ok();
    assert_eq!(upstream.hits(), [format!("POST /v2/clusters/{PROD_SEARCH}/backups/create"), "GET /v2/clusters".into()]);

    // And the combination that would open it is refused at start.
    let dir = tempfile::tempdir().expect("t");
    let mut o = backup_server::Options::for_tests(dir.path());
    o.upstream = Some(upstream.url.clone());
    o.api_key = Some("k".into());
    o.allow_origins = vec!["https://console.example".into()];
    let err = backup_server::start(o).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("--allow-origin") && err.contains("--api-key-file"), "{err}");
}

#[tokio::test]
async fn a_rebinding_host_is_refused_everywhere() {
    let (upstream, gw) = key_holding_gateway().await;
    let addr = addr_of(&gw);
    for (path, host) in [
        ("/v2/clusters", "evil.example"),
        ("/v2/clusters", "evil.example:8080"),
        ("/", "rebind.attacker.test"),
        ("/config.json", "127.0.0.1.nip.io"),
        ("/v2/clusters", ""),
    ] {
        let (status, text) =
            raw(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).await;
        assert_eq!(status, 421, "{host}{path}: {text}");
    }
    let (status, _) = raw(addr, "GET /v2/clusters HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    assert_eq!(upstream.hits(), ["GET /v2/clusters"]);

    // The simulator's test controls, which show restored clusters' passwords: the same rules.
    let s = start_sim().await;
    let sim_addr = addr_of(&s);
    let (status, _) =
        raw(sim_addr, "GET /__sim/state HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 421);
    let (status, _) = raw(
        sim_addr,
        "POST /__sim/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = raw(
        sim_addr,
        "POST /__sim/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn only_documented_routes_reach_the_upstream() {
    let upstream = fake_upstream().await;
    let up = upstream.url.clone();
    let gw = start_with(move |o| o.upstream = Some(up)).await;
    let addr = addr_of(&gw);
    let bad = [
        "GET /v2/../secret",
        "GET /v2/%2e%2e/%2e%2e/etc/passwd",
        "GET /v2/clusters/../../admin",
        "GET /v2/clusters/%2e%2e",
        "GET /v2/clusters/in01-3f9a1c7e5b2d401%2f..%2f..%2fadmin",
        "GET /v2/clusters/in01-3f9a1c7e5b2d401/backups/..%5c..%5cx",
        "GET /v2//clusters",
        "GET /v2/secret",
        "PUT /v2/clusters/in01-3f9a1c7e5b2d401",
        "PATCH /v2/projects",
        "TRACE /v2/clusters",
        "PROPFIND /v2/clusters",
        "DELETE /v2/clusters/in01-3f9a1c7e5b2d401",
        "POST /v2/jobs/job-1",
        "GET /dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/entities/query",
        "POST /dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/../../v2/projects",
        "POST /dataplane/evil.example/v2/vectordb/databases/list",
    ];
    for line in bad {
        let (method, path) = line.split_once(' ').expect("line");
        let body = if method == "GET" { "" } else { "{}" };
        let (status, text) = raw(
            addr,
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {OWNER}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
        .await;
        assert!((400..500).contains(&status), "{line}: {text}");
    }
    assert!(upstream.hits().is_empty(), "reached the upstream: {:?}", upstream.hits());
    // The documented ones do.
    gw.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/backup1_abc"), OWNER).await.ok();
    assert_eq!(upstream.hits(), [format!("GET /v2/clusters/{PROD_SEARCH}/backups/backup1_abc")]);
}

#[tokio::test]
async fn every_forwarded_route_is_one_the_simulator_answers() {
    let s = start_sim().await;
    for (method, pattern) in backup_server::gateway::ROUTES {
        let path = pattern.replacen("{}", PROD_SEARCH, 1).replace("{}", "backup1_nothere");
        let path = if path.starts_with("/v2/jobs/") { "/v2/jobs/job-nothere".to_owned() } else { path };
        let path = if path.starts_with("/v2/projects/") { format!("/v2/projects/{PROJECT_PROD}") } else { path };
        let r = s.send(method.clone(), &path, Some(OWNER), None).await;
        assert!(
            r.status != StatusCode::NOT_FOUND && r.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {}",
            r.text
        );
    }
}

#[tokio::test]
async fn the_data_plane_goes_only_to_https_hosts_of_the_upstream() {
    // The simulator names its clusters' addresses on itself (http://127.0.0.1:…).
    let upstream = start_sim().await;
    let up = upstream.url.clone();
    let gw = start_with(move |o| o.upstream = Some(up)).await;
    let r = gw.post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/databases/list"), OWNER, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.text);
    assert!(r.message().contains("--dataplane-domain"), "{}", r.text);
    let up = upstream.url.clone();
    let allowed = start_with(move |o| {
        o.upstream = Some(up);
        o.data_plane.allow_http = true;
    })
    .await;
    allowed.post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/databases/list"), OWNER, json!({})).await.ok();
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed() {
    let s = start_with(|o| {
        o.limits.header_read = Duration::from_millis(800);
        o.limits.body_read = Duration::from_millis(800);
    })
    .await;
    let addr = addr_of(&s);
    let mut idle = Vec::new();
    for i in 0..60 {
        let mut c = TcpStream::connect(addr).await.expect("connect");
        match i % 3 {
            0 => {}
            1 => c.write_all(b"GET /v2/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.expect("write"),
            _ => c
                .write_all(
                    b"POST /__sim/job-speed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sp",
                )
                .await
                .expect("write"),
        }
        idle.push((i % 3, c));
    }
    let started = Instant::now();
    for (kind, mut c) in idle {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "connection of kind {kind} still open after 5 s");
        if kind == 2 {
            // The half-sent body is answered (408) before the connection closes.
            let text = String::from_utf8_lossy(&buf);
            assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        }
    }
    assert!(started.elapsed() < Duration::from_secs(4));
    // The server still answers.
    s.get("/v2/projects", OWNER).await.ok();
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let s = start_with(|o| {
        o.limits.max_connections = 4;
        o.limits.header_read = Duration::from_secs(2);
    })
    .await;
    let addr = addr_of(&s);
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(addr).await.expect("connect"));
    }
    // A fifth is not served while four are held...
    let fifth = tokio::spawn(async move {
        let t = Instant::now();
        let (status, _) =
            raw(addr, &format!("GET /v2/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {OWNER}\r\nConnection: close\r\n\r\n")).await;
        (status, t.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(held.pop());
    // ...and is once one of them closes.
    let (status, waited) = fifth.await.expect("join");
    assert_eq!(status, 200);
    assert!(waited >= Duration::from_millis(400), "served after {waited:?}");
}

#[tokio::test]
async fn unauthenticated_bodies_are_never_kept() {
    let s = start_sim().await;
    let big = vec![b'x'; 900 * 1024];
    for _ in 0..8 {
        let r = s
            .client
            .post(format!("{}/v2/clusters/{PROD_SEARCH}/backups/create", s.url))
            .bearer_auth("wrong-key")
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let paths = s.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(paths.ok()["paths"], json!([]), "nothing recorded");
    // Authenticated ones are, within the recorder's total.
    for _ in 0..12 {
        s.client
            .post(format!("{}/v2/clusters/{PROD_SEARCH}/backups/policy", s.url))
            .bearer_auth(OWNER)
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .expect("send");
    }
    let kept =
        s.admin(Method::GET, &format!("/__sim/requests?path=/v2/clusters/{PROD_SEARCH}/backups/policy"), None).await;
    let kept = kept.ok().as_array().expect("list").clone();
    assert_eq!(kept.len(), 12);
    assert!(kept.iter().all(|e| e["body"]["notKept"] == "921600 bytes"), "big bodies are noted, not kept");
}

/// Resident memory of a process, from /proc (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test]
async fn memory_stays_flat_under_oversized_unauthenticated_bodies() {
    let dir = tempfile::tempdir().expect("t");
    let (mut child, url) = spawn_server(&dir.path().join("s.json")).await;
    let pid = child.id().expect("pid");
    let Some(before) = rss_kib(pid) else {
        eprintln!("no /proc here: skipped");
        return;
    };
    backup_server::install_tls_provider();
    let client = reqwest::Client::new();
    let body = vec![b'x'; 3_900 * 1024];
    let mut statuses = Vec::new();
    for i in 0..24 {
        let key = if i % 2 == 0 { "wrong-key" } else { OWNER };
        let r = client
            .post(format!("{url}/v2/clusters/{PROD_SEARCH}/backups/create"))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        statuses.push(r.map(|r| r.status().as_u16()).unwrap_or(0));
    }
    let after = rss_kib(pid).expect("rss");
    eprintln!(
        "memory: {before} KiB before, {after} KiB after 24 bodies of 3.9 MiB (half without a key); statuses {statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 401 || *s == 413 || *s == 0), "{statuses:?}");
    assert!(after < before + 32 * 1024, "grew from {before} to {after} KiB");
    let _ = child.kill().await;
}

#[tokio::test]
async fn a_second_server_on_the_same_state_file_stops() {
    let first = start_sim().await;
    let state = first.state_path();
    let dir = tempfile::tempdir().expect("t");
    let mut o = backup_server::Options::for_tests(dir.path());
    o.state = state.clone();
    let err = backup_server::start(o).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("another server is using the state file"), "{err}");
    // The binary says so and exits with an error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_backup-server"))
        .args(["--port", "0", "--state"])
        .arg(&state)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another server"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Once the first stops, the file is free.
    let mut first = first;
    first.stop().await;
    drop(first.server.take());
    let mut o = backup_server::Options::for_tests(dir.path());
    o.state = state;
    backup_server::start(o).await.expect("free again").shutdown().await;
}

#[tokio::test]
async fn a_state_file_of_another_layout_is_refused_then_kept_aside() {
    for (content, says) in
        [("{}", "no schemaVersion"), ("[]", "not an object"), (r#"{"schemaVersion": 99}"#, "schemaVersion 99")]
    {
        let dir = tempfile::tempdir().expect("t");
        let path = dir.path().join("state.json");
        std::fs::write(&path, content).expect("write");
        let err = backup_server::start(backup_server::Options::for_tests(dir.path()))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(says) && err.contains("--reset"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), content, "not overwritten");
        let mut o = backup_server::Options::for_tests(dir.path());
        o.reset = true;
        backup_server::start(o).await.expect("reset starts").shutdown().await;
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("state.json.replaced-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(std::fs::read_to_string(kept[0].path()).expect("read"), content, "the copy is the old file");
    }
}

#[tokio::test]
async fn crafted_counters_are_refused_not_overflowed() {
    let s = start_sim().await;
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(s.state_path()).expect("read")).expect("json");
    let dir = tempfile::tempdir().expect("t");
    state["nextBackupSeq"] = json!(u64::MAX);
    std::fs::write(dir.path().join("state.json"), state.to_string()).expect("write");
    let err = backup_server::start(backup_server::Options::for_tests(dir.path()))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("nextBackupSeq"), "{err}");
}

#[tokio::test]
async fn a_restore_whose_backup_is_deleted_fails_with_a_reason() {
    let s = start_with(|o| o.job_speed = 1.0).await;
    let backups = s.get(&format!("/v2/backups?clusterId={PROD_SEARCH}&pageSize=100"), OWNER).await;
    let backup_id = backups.ok()["backups"]
        .as_array()
        .expect("backups")
        .iter()
        .find(|b| b["status"] == "AVAILABLE")
        .and_then(|b| b["backupId"].as_str())
        .expect("an available backup in the seed")
        .to_owned();
    let described = s.get(&format!("/v2/clusters/{PROD_SEARCH}/backups/{backup_id}"), OWNER).await;
    let first = described.ok()["dbCollections"][0].clone();
    let restore = s
        .post(
            &format!("/v2/clusters/{PROD_SEARCH}/backups/{backup_id}/restoreCollection"),
            OWNER,
            json!({
                "destClusterId": PROD_SEARCH,
                "dbCollections": [{
                    "dbName": first["dbName"],
                    "destDbName": "restored",
                    "collections": [{
                        "collectionName": first["collections"][0]["collectionName"],
                        "destCollectionName": "restored_copy",
                    }],
                }],
            }),
        )
        .await;
    let job = restore.ok()["jobId"].as_str().expect("job").to_owned();
    s.delete(&format!("/v2/clusters/{PROD_SEARCH}/backups/{backup_id}"), OWNER).await.ok();
    let ended = s.wait_job(&job).await;
    assert_eq!(ended["status"], "FAILED");
    assert!(ended["reason"].as_str().is_some_and(|r| r.contains("deleted")), "{ended}");
    let colls = s
        .post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/collections/list"), OWNER, json!({"dbName": "restored"}))
        .await;
    assert!(!colls.text.contains("restored_copy"), "nothing was restored: {}", colls.text);
}
