//! Harness for the end-to-end journeys: starts the real server (simulator mode, fresh state file,
//! free port) and Debian's chromedriver, and hands out a headless Chromium session.
//!
//! Both child processes are killed when their handles drop, so a failing test leaves nothing
//! running.

pub mod nginx;
pub mod size;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The local server, in simulator mode, serving the release build in `dist/`.
pub struct Server {
    _child: Child,
    pub url: String,
    _state_dir: TempDir,
}

impl Server {
    pub async fn start(extra_args: &[&str]) -> Result<Server, Error> {
        Self::start_with_dist(&workspace_root().join("dist"), extra_args).await
    }

    /// The server serving another build (the benchmark's baseline).
    pub async fn start_with_dist(dist: &Path, extra_args: &[&str]) -> Result<Server, Error> {
        let root = workspace_root();
        let bin = std::env::var("E2E_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root.join("target/debug/backup-server"));
        let dist = dist.to_path_buf();
        if !dist.join("index.html").exists() {
            return Err(format!("{} has no index.html: build the console first (make dist)", dist.display()).into());
        }
        let state_dir = TempDir::new("e2e-state")?;
        let mut child = Command::new(&bin)
            .arg("--port")
            .arg("0")
            .arg("--dist")
            .arg(&dist)
            .arg("--state")
            .arg(state_dir.0.join("state.json"))
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("listening on ") {
                    return Ok::<_, std::io::Error>(Some(url.trim().trim_end_matches('/').to_owned()));
                }
            }
            Ok(None)
        })
        .await
        .map_err(|_| "the server did not say where it listens within 20 s")??
        .ok_or("the server exited before listening")?;
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { _child: child, url, _state_dir: state_dir })
    }
}

/// Debian's chromedriver on a free port, and a headless Chromium session through it.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Result<Browser, Error> {
        let port = free_port()?;
        // Chromium keeps its profile and scoped dirs (about 150 MB) under here, removed on drop:
        // left in /tmp they filled a CI machine's disk.
        let profile = TempDir::new("e2e-profile")?;
        let scratch = profile.0.join("tmp");
        std::fs::create_dir_all(&scratch)?;
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()))
            .arg(format!("--port={port}"))
            .env("TMPDIR", &scratch)
            // Its own process group, with the Chromium it starts: a test that fails drops the
            // session without closing it, and the whole group is killed then (`Drop`).
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.0.join("user").display()),
                ]
            },
            "goog:loggingPrefs": { "browser": "ALL" }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::rustls()?.capabilities(caps.clone()).connect(&url).await {
                Ok(client) => return Ok(Browser { client, _driver: driver, _profile: profile }),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(format!("chromedriver did not accept a session: {last:?}").into())
    }

    /// Waits for an element found the way a user would (by text, label or role).
    pub async fn wait_for(&self, locator: Locator<'_>) -> Result<fantoccini::elements::Element, Error> {
        Ok(self.client.wait().at_most(Duration::from_secs(20)).for_element(locator).await?)
    }

    /// Severe messages in the browser console since the last call (errors, wasm panics, failed
    /// loads). Chromedriver's log endpoint drains the buffer, so each call sees new entries only.
    pub async fn console_errors(&self) -> Result<Vec<String>, Error> {
        let logs = self.client.issue_cmd(GetBrowserLog).await?;
        Ok(logs
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    pub async fn close(self) -> Result<(), Error> {
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromedriver and the browser it started (which killing the driver alone orphans).
        if let Some(pid) = self._driver.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Chromedriver's `se/log` endpoint: the browser console, as enabled by `goog:loggingPrefs`.
#[derive(Debug)]
struct GetBrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for GetBrowserLog {
    fn endpoint(&self, base: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// Chromedriver's CDP bridge, for what WebDriver lacks (e.g. emulating a dark colour scheme).
#[derive(Debug)]
pub struct Cdp {
    pub cmd: &'static str,
    pub params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs axe-core (npm, installed by scripts/setup.sh) on the current page for the WCAG 2.1
    /// A and AA rules and returns one line per violation. axe skips what is hidden, so call it
    /// in each state (dialog open, errors shown, …). axe does not check a native <dialog>'s
    /// name: the dialog tests assert it themselves.
    pub async fn axe_violations(&self) -> Result<Vec<String>, Error> {
        let source = std::fs::read_to_string(workspace_root().join("node_modules/axe-core/axe.min.js"))
            .map_err(|e| format!("axe-core is missing (run scripts/setup.sh): {e}"))?;
        self.client.execute(&source, vec![]).await?;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));";
        let v = self.client.execute_async(script, vec![]).await?;
        Ok(v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_owned)).collect())
    }

    /// Fails with the list of violations, naming the page state.
    pub async fn assert_accessible(&self, state: &str) -> Result<(), Error> {
        let v = self.axe_violations().await?;
        if v.is_empty() {
            Ok(())
        } else {
            Err(format!("axe found {} violation(s) in {state}:\n{}", v.len(), v.join("\n")).into())
        }
    }

    /// Ends a journey: on failure, saves a screenshot of its last step to
    /// `e2e/screenshots/<name>.png`; on success, fails if the browser console logged an error.
    /// Closes the session either way.
    pub async fn finish(self, name: &str, outcome: Result<(), Error>) -> Result<(), Error> {
        self.finish_inner(name, outcome, false).await
    }

    /// As `finish`, for journeys that inject HTTP faults: the browser's own "Failed to load
    /// resource: … status of 500" lines are expected there; anything else (a panic, a script
    /// error) still fails the journey.
    pub async fn finish_with_faults(self, name: &str, outcome: Result<(), Error>) -> Result<(), Error> {
        self.finish_inner(name, outcome, true).await
    }

    async fn finish_inner(self, name: &str, outcome: Result<(), Error>, faults: bool) -> Result<(), Error> {
        let outcome = match outcome {
            Ok(()) => match self.console_errors().await {
                Ok(mut errors) => {
                    if faults {
                        errors
                            .retain(|e| !e.contains("Failed to load resource: the server responded with a status of"));
                    }
                    if errors.is_empty() { Ok(()) } else { Err(format!("browser console errors: {errors:#?}").into()) }
                }
                Err(e) => Err(e),
            },
            Err(e) => {
                let path = workspace_root().join(format!("e2e/screenshots/{name}.png"));
                match self.screenshot(&path).await {
                    Ok(()) => eprintln!("{name} failed; screenshot: {}", path.display()),
                    Err(s) => eprintln!("{name} failed; no screenshot: {s}"),
                }
                Err(e)
            }
        };
        let _ = self.client.clone().close().await;
        outcome
    }

    /// Emulates `prefers-color-scheme` (light or dark) for screenshots.
    pub async fn color_scheme(&self, scheme: &str) -> Result<(), Error> {
        let params =
            serde_json::json!({ "media": "", "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
        self.client.issue_cmd(Cdp { cmd: "Emulation.setEmulatedMedia", params }).await?;
        Ok(())
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) -> Result<(), Error> {
        let png = self.client.screenshot().await?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Types an API key into Settings, as a user would. With `remember`, the key survives a
    /// reload of this tab (sessionStorage); without, a reload forgets it.
    pub async fn sign_in(&self, server: &Server, key: &str, remember: bool) -> Result<(), Error> {
        self.sign_in_at(&server.url, key, remember).await
    }

    /// From the Clusters page: Create Backup for `cluster` (the whole cluster), Create, then the
    /// notice's "View job"; returns the job page's address once its row shows the job running.
    pub async fn create_cluster_backup_and_open_its_job(&self, cluster: &str) -> Result<url::Url, Error> {
        self.wait_for(Locator::XPath(&find::button(&format!("Create Backup for {cluster}")))).await?.click().await?;
        let create = self
            .wait_for(Locator::XPath("//dialog[@open]//button[normalize-space()='Create' and not(@aria-disabled)]"))
            .await?;
        create.click().await?;
        self.wait_for(Locator::XPath("//*[contains(@class,'toast')]//a[normalize-space()='View job']"))
            .await?
            .click()
            .await?;
        self.wait_for(Locator::XPath("//tbody//*[normalize-space()='Pending' or normalize-space()='In progress']"))
            .await?;
        Ok(self.client.current_url().await?)
    }

    /// Ends `job_id` on the simulator and waits (up to 30 s, the poller's pace) until the page
    /// shows it Successful without any user action.
    pub async fn finish_job_and_see_it(&self, server: &Server, job_id: &str) -> Result<(), Error> {
        sim(server, "POST", &format!("/__sim/jobs/{job_id}/finish"), Some(&serde_json::json!({}))).await?;
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath("//tbody//*[normalize-space()='Successful']"))
            .await?;
        Ok(())
    }

    /// `sign_in` on a console served at `console_url` (nginx, under a sub-path).
    pub async fn sign_in_at(&self, console_url: &str, key: &str, remember: bool) -> Result<(), Error> {
        self.client.goto(&format!("{console_url}/settings")).await?;
        self.wait_for(Locator::XPath(&find::labelled("API key"))).await?.send_keys(key).await?;
        if remember {
            self.client
                .find(Locator::XPath(&find::labelled("Remember for this tab (sessionStorage)")))
                .await?
                .click()
                .await?;
        }
        self.client.find(Locator::XPath(&find::button("Save key"))).await?.click().await?;
        self.wait_for(Locator::XPath("//*[contains(text(), 'is in use')]")).await?;
        Ok(())
    }
}

fn free_port() -> Result<u16, Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<TempDir, Error> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A browser that is still closing (its driver was killed) may write into it for a
        // moment: try again for up to 2 s.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A plain HTTP/1.0 request to the local server on loopback (the admin routes, or the API with
/// a demo key), so tests can set the simulator up without a browser. Returns the status and
/// the JSON body (`null` if the body is not JSON).
pub async fn http(
    server: &Server,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&serde_json::Value>,
) -> Result<(u16, serde_json::Value), Error> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = server.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = key.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null)))
}

/// An admin route of the simulator (`/__sim/...`): its `data`, or an error naming the status.
pub async fn sim(
    server: &Server,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Result<serde_json::Value, Error> {
    let (status, json) = http(server, method, path, None, body).await?;
    if status != 200 {
        return Err(format!("{method} {path}: HTTP {status} {json}").into());
    }
    Ok(json.get("data").cloned().unwrap_or(serde_json::Value::Null))
}

/// XPath finders that match what a user sees: label text, button text, link text, headings.
pub mod find {
    /// Quotes a string for XPath (no string in these tests contains both quote kinds).
    fn q(s: &str) -> String {
        if s.contains('\'') { format!("\"{s}\"") } else { format!("'{s}'") }
    }

    /// The form control labelled `text` (by `for=` or a wrapping label).
    pub fn labelled(text: &str) -> String {
        let t = q(text);
        format!("//*[@id=//label[normalize-space()={t}]/@for] | //label[normalize-space()={t}]//input")
    }

    pub fn button(text: &str) -> String {
        format!("//button[normalize-space()={}]", q(text))
    }

    pub fn link(text: &str) -> String {
        format!("//a[normalize-space()={}]", q(text))
    }

    pub fn heading(text: &str) -> String {
        format!("//*[self::h1 or self::h2][normalize-space()={}]", q(text))
    }

    /// A table row whose header cell reads `text`.
    pub fn row(text: &str) -> String {
        format!("//tr[th[normalize-space()={}]]", q(text))
    }
}
