//! Starts a server in-process on a random loopback port, with its own state file and dist/,
//! and talks to it over real HTTP.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use backup_server::{Options, Server, start};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const OWNER: &str = "demo-owner-key";
pub const ADMIN: &str = "demo-admin-key";
pub const READWRITE: &str = "demo-readwrite-key";
pub const READONLY: &str = "demo-readonly-key";

pub const PROJECT_PROD: &str = "proj-5d0a1f3c9e7b2a6d4c8e01";
pub const PROJECT_STAGING: &str = "proj-7e2b9c4a1d6f3e8b5a0c92";
pub const PROD_SEARCH: &str = "in01-3f9a1c7e5b2d401";
pub const PROD_RECOMMEND: &str = "in01-7c2e9b4a1d6f802";
pub const PROD_ARCHIVE: &str = "in01-b5d8e2f1a4c7903";
pub const PROD_AZURE: &str = "in01-5e1a7d3c9f2b604";
pub const STAGING_MAIN: &str = "in01-9d4c2b7e1a5f305";
pub const STAGING_NEXT: &str = "in01-2a6f8c1d4e9b706";
pub const STAGING_SERVERLESS: &str = "in05-4c8e1a3f7b2d907";
pub const SANDBOX_FREE: &str = "in03-6b1d9e4a2c7f008";

pub struct TestServer {
    pub server: Option<Server>,
    pub url: String,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn code(&self) -> i64 {
        self.json.get("code").and_then(Value::as_i64).unwrap_or(-1)
    }
    pub fn data(&self) -> &Value {
        &self.json["data"]
    }
    pub fn message(&self) -> &str {
        self.json.get("message").and_then(Value::as_str).unwrap_or("")
    }
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.code(), 0, "{}", self.text);
        self.data()
    }
    #[track_caller]
    pub fn biz_error(&self, code: i64) -> &str {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.code(), code, "{}", self.text);
        assert!(!self.message().is_empty(), "{}", self.text);
        self.message()
    }
}

pub async fn start_with(tweak: impl FnOnce(&mut Options)) -> TestServer {
    backup_server::install_tls_provider();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = Options::for_tests(dir.path());
    tweak(&mut opts);
    let server = start(opts).await.expect("server starts");
    TestServer {
        url: server.url(),
        server: Some(server),
        client: reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client"),
        dir,
    }
}

pub async fn start_sim() -> TestServer {
    start_with(|_| {}).await
}

impl TestServer {
    pub fn state_path(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, key: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.client.request(method.clone(), format!("{}{path}", self.url));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        // As the CLIs do: every POST carries a JSON body, `{}` when there is nothing to say.
        let body = body.or_else(|| (method == reqwest::Method::POST).then(|| serde_json::json!({})));
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(serde_json::to_vec(&b).expect("json"));
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, text, json }
    }

    pub async fn get(&self, path: &str, key: &str) -> Reply {
        self.send(reqwest::Method::GET, path, Some(key), None).await
    }
    pub async fn post(&self, path: &str, key: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(key), Some(body)).await
    }
    pub async fn delete(&self, path: &str, key: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, Some(key), None).await
    }
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        self.send(method, path, None, body).await
    }

    /// Polls Describe Job until it ends (the tests run jobs at high speed). Stays under the
    /// rate limit, and waits as told if it hits it anyway.
    pub async fn wait_job(&self, job_id: &str) -> Value {
        for _ in 0..300 {
            let r = self.get(&format!("/v2/jobs/{job_id}"), OWNER).await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            let d = r.ok().clone();
            if matches!(d["status"].as_str(), Some("SUCCESSFUL" | "FAILED" | "CANCELED")) {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        panic!("job {job_id} did not end");
    }

    pub async fn set_speed(&self, speed: f64) {
        self.admin(reqwest::Method::POST, "/__sim/job-speed", Some(serde_json::json!({ "speed": speed }))).await.ok();
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
    }
}

/// Spawns the real binary on `state` (fast jobs, no rate limit), returns it and its URL; its
/// output after the first line is drained so it never blocks on a full pipe.
pub async fn spawn_server(state: &std::path::Path) -> (tokio::process::Child, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_backup-server"))
        .args(["--port", "0", "--job-speed", "1000", "--rate-limit", "0", "--dist", "no-dist"])
        .arg("--state")
        .arg(state)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut out = tokio::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut out, &mut first).await.expect("line");
    let url = first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("no address: {first:?}")).to_owned();
    tokio::spawn(async move {
        let mut sink = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut out, &mut sink).await;
    });
    (child, url)
}
