//! Debian's nginx serving the release `dist/` from the repo's own config (`deploy/nginx/`), on a
//! free loopback port, at the root or under a sub-path, with the API proxied to a project server
//! in simulator mode: the way an operator hosts the console (docs/hosting.md).

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::{Error, Server, TempDir, free_port, workspace_root};

/// A running nginx; stopped (master and workers) when dropped.
pub struct Nginx {
    _child: Child,
    dir: TempDir,
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    /// The console's address: the origin and the base path, without its last slash.
    pub url: String,
    pub port: u16,
}

/// Where the brotli module of Debian's `libnginx-mod-http-brotli-static` lives.
const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

impl Nginx {
    /// Serves `dist/` under `base` ("/" or "/backup-console/"), proxying the API to `upstream`.
    /// With `proxy_key`, nginx adds that key to every API call and config.json says
    /// `serverHoldsKey`; without, the key a user types is passed through.
    pub async fn start(upstream: &Server, base: &str, proxy_key: Option<&str>) -> Result<Nginx, Error> {
        assert!(base.starts_with('/') && base.ends_with('/'), "a base path has both slashes: {base}");
        let root = workspace_root();
        let dist = root.join("dist");
        let dir = TempDir::new("e2e-nginx")?;
        let conf = dir.0.join("conf");
        for sub in ["conf", "tmp", "www"] {
            std::fs::create_dir_all(dir.0.join(sub))?;
        }
        for file in ["headers.conf", "proxy-upstream-headers.conf"] {
            std::fs::copy(root.join("deploy/nginx").join(file), conf.join(file))?;
        }
        let key_line =
            proxy_key.map(|k| format!("proxy_set_header Authorization \"Bearer {k}\";\n")).unwrap_or_default();
        std::fs::write(conf.join("proxy-key.conf"), key_line)?;

        // The web root as an operator lays it out: dist/'s files under the base path (linked
        // here), and their own config.json.
        let site = dir.0.join("www").join(base.trim_matches('/'));
        std::fs::create_dir_all(&site)?;
        for entry in std::fs::read_dir(&dist)? {
            let entry = entry?;
            if entry.file_name() != "config.json" {
                std::os::unix::fs::symlink(entry.path(), site.join(entry.file_name()))?;
            }
        }
        let config = serde_json::json!({ "apiBaseUrl": null, "serverHoldsKey": proxy_key.is_some() });
        std::fs::write(site.join("config.json"), config.to_string())?;

        let port = free_port()?;
        let brotli = Path::new(BROTLI_MODULE).exists();
        let console = std::fs::read_to_string(root.join("deploy/nginx/console.conf"))?
            .replace("@LISTEN@", &format!("127.0.0.1:{port}"))
            .replace("@SERVER_NAME@", "127.0.0.1 localhost")
            .replace("@WEBROOT@", &dir.0.join("www").display().to_string())
            .replace("@BASE@", base)
            .replace("@UPSTREAM@", &upstream.url)
            .replace("@CONF@", &conf.display().to_string())
            .replace("@BROTLI@", if brotli { "brotli_static on;" } else { "" });
        assert!(!console.contains('@'), "a placeholder is left in console.conf:\n{console}");
        std::fs::write(conf.join("console.conf"), console)?;
        let d = dir.0.display();
        // Run by root (as in CI), the workers stay root so they can read the checkout wherever
        // it is; an operator's nginx runs them as www-data.
        let user = if std::fs::metadata("/proc/self")?.uid() == 0 { "user root;" } else { "" };
        let load = if brotli { format!("load_module {BROTLI_MODULE};") } else { String::new() };
        let main = format!(
            "{load}\n{user}\nworker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  \
             client_body_temp_path {d}/tmp/body;\n  proxy_temp_path {d}/tmp/proxy;\n  fastcgi_temp_path {d}/tmp/fastcgi;\n  \
             uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n  include {d}/conf/console.conf;\n}}\n"
        );
        std::fs::write(dir.0.join("nginx.conf"), main)?;

        let child = Command::new("nginx")
            .arg("-e")
            .arg(dir.0.join("error.log"))
            .arg("-p")
            .arg(&dir.0)
            .arg("-c")
            .arg(dir.0.join("nginx.conf"))
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start nginx (scripts/setup.sh installs it): {e}"))?;
        let origin = format!("http://127.0.0.1:{port}");
        let nginx = Nginx { _child: child, url: format!("{origin}{}", base.trim_end_matches('/')), origin, port, dir };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(nginx);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(nginx.dir.0.join("error.log")).unwrap_or_default();
        Err(format!("nginx did not listen on {port} within 10 s:\n{log}").into())
    }

    /// One HTTP/1.1 request to nginx (see `request`).
    pub async fn head(&self, method: &str, path: &str, extra: &[&str]) -> Result<Answer, Error> {
        request(self.port, None, method, path, extra).await
    }
}

/// One HTTP/1.1 request to 127.0.0.1:`port`, as `host` (default: that address): the status,
/// the headers (lower-case names) and the body. `extra` are header lines ("Accept-Encoding: br").
pub async fn request(port: u16, host: Option<&str>, method: &str, path: &str, extra: &[&str]) -> Result<Answer, Error> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let host = host.map_or_else(|| format!("127.0.0.1:{port}"), str::to_owned);
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for line in extra {
        req.push_str(line);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw)).await??;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or_default().parse()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer { status, headers, body: raw[split + 4..].to_vec() })
}

/// What nginx answered.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // The master stops its workers; killing it alone would leave them on the port.
        let _ = std::process::Command::new("nginx")
            .arg("-e")
            .arg(self.dir.0.join("error.log"))
            .arg("-p")
            .arg(&self.dir.0)
            .arg("-c")
            .arg(self.dir.0.join("nginx.conf"))
            .args(["-s", "stop"])
            .stderr(std::process::Stdio::null())
            .status();
        std::thread::sleep(Duration::from_millis(200));
    }
}
