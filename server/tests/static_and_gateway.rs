//! Serving the console (content types, caching, fallback, CSP, compression) and gateway mode
//! (one server forwarding to another).

mod common;

use base64::Engine;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const LOADER: &str = "\nimport init, * as bindings from '/backup-console-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/backup-console-0123456789abcdef_bg.wasm' });\nwindow.wasmBindings = bindings;\n";

fn write_dist(dir: &std::path::Path) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    let index = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Backups</title>\
         <link rel=\"stylesheet\" href=\"/style-89abcdef01234567.css\">\
         <script type=\"module\">{LOADER}</script></head><body></body></html>"
    );
    std::fs::write(dist.join("index.html"), index).expect("index");
    // Big enough to be worth compressing.
    std::fs::write(dist.join("backup-console-0123456789abcdef_bg.wasm"), [0u8, 97, 115, 109, 1, 0, 0, 0].repeat(512))
        .expect("wasm");
    std::fs::write(dist.join("backup-console-0123456789abcdef.js"), "export default function init() {}\n".repeat(64))
        .expect("js");
    std::fs::write(dist.join("style-89abcdef01234567.css"), "body { color: black; }\n".repeat(64)).expect("css");
    std::fs::write(dist.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").expect("svg");
    std::fs::write(dist.join("config.json"), "{\"apiBaseUrl\": \"https://stale.example\"}").expect("config");
}

async fn raw_get(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = s.client.get(format!("{}{path}", s.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("send")
}

#[tokio::test]
async fn serves_the_console_with_types_cache_and_fallback() {
    let dir = tempfile::tempdir().expect("t");
    write_dist(dir.path());
    let d = dir.path().to_path_buf();
    let s = start_with(move |o| o.dist = d.join("dist")).await;
    let index = raw_get(&s, "/", &[]).await;
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(index.headers()["content-type"].to_str().expect("ct").starts_with("text/html"));
    let csp = index.headers()["content-security-policy"].to_str().expect("csp").to_string();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()));
    assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'")), "{csp}");
    for part in [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self';",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing in {csp}");
    }
    assert_eq!(index.headers()["x-content-type-options"], "nosniff");
    assert_eq!(index.headers()["referrer-policy"], "no-referrer");

    let wasm = raw_get(&s, "/backup-console-0123456789abcdef_bg.wasm", &[]).await;
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    let js = raw_get(&s, "/backup-console-0123456789abcdef.js", &[]).await;
    assert!(js.headers()["content-type"].to_str().expect("ct").contains("javascript"));
    assert_eq!(js.headers()["cache-control"], "public, max-age=31536000, immutable");
    let icon = raw_get(&s, "/favicon.svg", &[]).await;
    assert_eq!(icon.headers()["cache-control"], "no-cache");

    // Client routes get the app; missing files and API paths do not.
    for route in ["/backups", "/clusters/in01-3f9a1c7e5b2d401", "/jobs/job-x"] {
        let r = raw_get(&s, route, &[]).await;
        assert_eq!(r.status(), StatusCode::OK, "{route}");
        assert_eq!(r.headers()["cache-control"], "no-cache");
        assert!(r.text().await.expect("t").contains("<title>Backups</title>"));
    }
    assert_eq!(raw_get(&s, "/missing-0123456789abcdef.js", &[]).await.status(), StatusCode::NOT_FOUND);
    let api404 = raw_get(&s, "/v2/unknown", &[]).await;
    assert_eq!(api404.status(), StatusCode::NOT_FOUND);
    assert!(api404.headers()["content-type"].to_str().expect("ct").contains("json"));
    assert_eq!(raw_get(&s, "/dataplane/in01-3f9a1c7e5b2d401/other", &[]).await.status(), StatusCode::NOT_FOUND);

    // Compression, as the browser asks for it.
    let br = raw_get(&s, "/backup-console-0123456789abcdef_bg.wasm", &[("accept-encoding", "br")]).await;
    assert_eq!(br.headers()["content-encoding"], "br");
    let gz = raw_get(&s, "/backup-console-0123456789abcdef.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");

    // The server's config.json wins over the file in dist/.
    let cfg = raw_get(&s, "/config.json", &[]).await;
    assert_eq!(cfg.headers()["cache-control"], "no-cache");
    let v: Value = serde_json::from_str(&cfg.text().await.expect("t")).expect("json");
    assert_eq!(v, json!({"apiBaseUrl": null, "serverHoldsKey": false, "mode": "simulator", "connectOrigins": []}));
    assert_eq!(
        s.client.post(format!("{}/backups", s.url)).send().await.expect("s").status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn without_dist_the_api_still_works() {
    let s = start_sim().await;
    let r = raw_get(&s, "/", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("t").contains("not built"));
    s.get("/v2/projects", OWNER).await.ok();
}

#[tokio::test]
async fn gateway_forwards_to_an_upstream_simulator() {
    let upstream = start_sim().await;
    let up = upstream.url.clone();
    // The upstream simulator names plain-http loopback addresses for its clusters' data plane.
    let gw = start_with(move |o| {
        o.upstream = Some(up);
        o.data_plane.allow_http = true;
    })
    .await;
    // Same answers, Authorization passed through untouched.
    let via = gw.get("/v2/clusters?pageSize=100", READONLY).await;
    let direct = upstream.get("/v2/clusters?pageSize=100", READONLY).await;
    assert_eq!(via.ok()["count"], 8);
    assert_eq!(via.json, direct.json, "the gateway changes nothing");
    let denied = gw.get("/v2/clusters", "nobody").await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    assert_eq!(denied.code(), 21119);
    // Business errors and POST bodies travel both ways.
    gw.post(&format!("/v2/clusters/{SANDBOX_FREE}/backups/create"), OWNER, json!({"backupType": "CLUSTER"}))
        .await
        .biz_error(96021);
    let created =
        gw.post(&format!("/v2/clusters/{STAGING_MAIN}/backups/create"), OWNER, json!({"backupType": "CLUSTER"})).await;
    let job = created.ok()["jobId"].as_str().expect("job").to_string();
    assert_eq!(gw.wait_job(&job).await["status"], "SUCCESSFUL");
    let rec = upstream
        .admin(Method::GET, &format!("/__sim/requests?path=/v2/clusters/{STAGING_MAIN}/backups/create"), None)
        .await;
    assert_eq!(rec.ok()[0]["body"], json!({"backupType": "CLUSTER"}));
    // Data plane through the gateway: resolved from the upstream's Describe Cluster.
    let dbs = gw.post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/databases/list"), READONLY, json!({})).await;
    assert_eq!(dbs.ok().clone(), json!(["default", "catalog", "support"]));
    let colls = gw
        .post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/collections/list"), READONLY, json!({"dbName": "support"}))
        .await;
    assert_eq!(colls.ok().clone(), json!(["tickets", "kb_articles"]));
    let unknown = gw.post("/dataplane/in01-000000000000000/v2/vectordb/databases/list", READONLY, json!({})).await;
    unknown.biz_error(96018);
    let bad_key = gw.post(&format!("/dataplane/{PROD_SEARCH}/v2/vectordb/databases/list"), "nobody", json!({})).await;
    assert_eq!(bad_key.status, StatusCode::UNAUTHORIZED);
    // Never an open proxy: only v2/vectordb/ paths of well-formed cluster ids.
    for path in [
        "/dataplane/in01-3f9a1c7e5b2d401/admin",
        "/dataplane/evil.example/v2/vectordb/databases/list",
        "/dataplane/in01-3f9a1c7e5b2d401/v2/vectordb/../../v2/projects",
    ] {
        let r = gw.post(path, OWNER, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
    // No simulator controls in gateway mode; the config says gateway; CSP names the upstream.
    assert_eq!(gw.admin(Method::GET, "/__sim/faults", None).await.status, StatusCode::NOT_FOUND);
    let cfg = raw_get(&gw, "/config.json", &[]).await;
    let csp = cfg.headers()["content-security-policy"].to_str().expect("csp").to_string();
    assert!(csp.contains(&format!("connect-src 'self' {}", upstream.url)), "{csp}");
    let v: Value = serde_json::from_str(&cfg.text().await.expect("t")).expect("json");
    // The upstream is in the CSP's connect-src, so config.json lists it for Settings.
    assert_eq!(
        v,
        json!({"apiBaseUrl": null, "serverHoldsKey": false, "mode": "gateway", "connectOrigins": [upstream.url.clone()]})
    );
    // Upstream throttling reaches the browser with its Retry-After.
    upstream.admin(Method::POST, "/__sim/faults", Some(json!({"rateLimitRate": 1.0, "remaining": 1}))).await.ok();
    let r = gw.get("/v2/projects", OWNER).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers["retry-after"], "1");
}

#[tokio::test]
async fn a_console_hosted_elsewhere_is_allowed_by_name() {
    let upstream = start_sim().await;
    let up = upstream.url.clone();
    let gw = start_with(move |o| {
        o.upstream = Some(up);
        o.allow_origins = vec!["https://console.example".into()];
    })
    .await;
    let from = |origin: &'static str| {
        gw.client.get(format!("{}/v2/projects", gw.url)).bearer_auth(OWNER).header("origin", origin).send()
    };
    // The allowed origin gets CORS, and can read Retry-After on a 429.
    upstream.admin(Method::POST, "/__sim/faults", Some(json!({"rateLimitRate": 1.0, "remaining": 1}))).await.ok();
    let r = from("https://console.example").await.expect("s");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["access-control-allow-origin"], "https://console.example");
    assert!(r.headers()["access-control-expose-headers"].to_str().expect("h").contains("retry-after"));
    assert_eq!(from("https://console.example").await.expect("s").status(), StatusCode::OK);
    // Its preflight is answered; anyone else's is refused.
    let preflight = |origin: &'static str| {
        gw.client
            .request(Method::OPTIONS, format!("{}/v2/clusters/{PROD_SEARCH}/backups/create", gw.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let ok = preflight("https://console.example").await.expect("s");
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://console.example");
    let other = preflight("https://evil.example").await.expect("s");
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert!(other.headers().get("access-control-allow-origin").is_none());
    assert_eq!(from("https://evil.example").await.expect("s").status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn gateway_with_a_server_held_key() {
    let upstream = start_sim().await;
    let up = upstream.url.clone();
    let gw = start_with(move |o| {
        o.upstream = Some(up);
        o.api_key = Some(ADMIN.into());
        o.data_plane.allow_http = true;
    })
    .await;
    let v: Value =
        serde_json::from_str(&raw_get(&gw, "/config.json", &[]).await.text().await.expect("t")).expect("json");
    assert_eq!(v["serverHoldsKey"], true);
    // The browser sends no key (or a wrong one): the server's key is used.
    let r = gw.send(Method::GET, "/v2/projects", None, None).await;
    assert_eq!(r.ok().as_array().map(Vec::len), Some(2));
    gw.get("/v2/projects", "whatever").await.ok();
    // Its role applies: Project Admin may create.
    gw.send(
        Method::POST,
        &format!("/v2/clusters/{PROD_SEARCH}/backups/create"),
        None,
        Some(json!({"backupType": "CLUSTER"})),
    )
    .await
    .ok();
    let dbs = gw
        .send(Method::POST, &format!("/dataplane/{STAGING_MAIN}/v2/vectordb/databases/list"), None, Some(json!({})))
        .await;
    assert_eq!(dbs.ok().clone(), json!(["default", "qa"]));
}

#[tokio::test]
async fn gateway_reports_an_unreachable_upstream() {
    // A port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let gw = start_with(move |o| o.upstream = Some(format!("http://127.0.0.1:{port}"))).await;
    let r = gw.get("/v2/projects", OWNER).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.code(), 502);
    assert!(!r.text.contains(OWNER));
}

#[tokio::test]
async fn bad_options_are_refused() {
    backup_server::install_tls_provider();
    let dir = tempfile::tempdir().expect("t");
    let mut o = backup_server::Options::for_tests(dir.path());
    o.upstream = Some("ftp://example".into());
    assert!(backup_server::start(o).await.is_err());
    let mut o = backup_server::Options::for_tests(dir.path());
    o.job_speed = 0.0;
    assert!(backup_server::start(o).await.is_err());
}

/// The address of this machine's outward interface, if it has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let sock = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    sock.connect("192.0.2.1:9").ok()?;
    let ip = sock.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn admin_routes_answer_only_loopback_peers() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!("no non-loopback interface here: skipped");
        return;
    };
    let s = start_with(move |o| {
        o.addr = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        o.allow_hosts = vec![ip.to_string()];
    })
    .await;
    let port = s.server.as_ref().map(|x| x.addr.port()).expect("port");
    let outside = format!("http://{ip}:{port}");
    let r = s.client.get(format!("{outside}/__sim/faults")).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s
        .client
        .post(format!("{outside}/__sim/reset"))
        .header("content-type", "application/json")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The API itself answers everyone; loopback still reaches the controls.
    let r = s.client.get(format!("{outside}/v2/projects")).bearer_auth(OWNER).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let local = format!("http://127.0.0.1:{port}/__sim/faults");
    assert_eq!(s.client.get(local).send().await.expect("send").status(), StatusCode::OK);
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_with_a_hint() {
    let dir = tempfile::tempdir().expect("t");
    std::fs::write(dir.path().join("state.json"), "{ not json").expect("write");
    let err = backup_server::start(backup_server::Options::for_tests(dir.path()))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("--reset"), "{err}");
    let mut o = backup_server::Options::for_tests(dir.path());
    o.reset = true;
    let s = backup_server::start(o).await.expect("reset starts");
    s.shutdown().await;
}

/// The real binary: first line `listening on http://ADDR:PORT`, then the keys; stops on SIGTERM.
#[tokio::test]
async fn the_binary_prints_where_it_listens_first() {
    use std::io::{BufRead, BufReader};
    backup_server::install_tls_provider();
    let dir = tempfile::tempdir().expect("t");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_backup-server"))
        .args(["--port", "0", "--job-speed", "100"])
        .arg("--state")
        .arg(dir.path().join("s.json"))
        .arg("--dist")
        .arg(dir.path().join("no-dist"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("line");
    let url = first.trim().strip_prefix("listening on ").expect("first line").to_string();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{first}");
    let mut banner = String::new();
    for _ in 0..12 {
        out.read_line(&mut banner).expect("line");
    }
    for key in [OWNER, ADMIN, READWRITE, READONLY] {
        assert!(banner.contains(key), "{banner}");
    }
    let r = reqwest::Client::new().get(format!("{url}/v2/projects")).bearer_auth(OWNER).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let _ = std::process::Command::new("kill").arg(child.id().to_string()).status();
    let status = child.wait().expect("wait");
    assert!(status.success(), "SIGTERM is a clean stop: {status}");
}
