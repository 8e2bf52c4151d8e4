//! What a release build costs the reader: the first load as Chromium fetches it (Resource
//! Timing: every request that started before the page marked itself interactive), each file of
//! it also as gzip -9 and brotli -q 11 from `dist/`, and the chunks fetched later. One
//! measurement for both `make bench` and the size check of `make test`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::{Browser, Error};

/// The budget for the first load, gzip -9 (bytes), and the goal beyond it.
pub const BUDGET_GZIP: u64 = 200_000;
pub const GOAL_GZIP: u64 = 100_000;

/// The performance mark the console sets once it is mounted (src/browser.rs).
pub const CONSOLE_INTERACTIVE: &str = "(performance.getEntriesByName('console:interactive')[0] || {}).startTime";

/// One file's bytes: as stored, and compressed as a server or CDN would send it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

fn compressed(cmd: &str, args: &[&str], file: &Path) -> Result<u64, Error> {
    let out = Command::new(cmd).args(args).arg(file).output().map_err(|e| format!("{cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd} failed on {}", file.display()).into());
    }
    Ok(out.stdout.len() as u64)
}

pub fn file_size(path: &Path) -> Result<FileSize, Error> {
    Ok(FileSize {
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        raw: std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len(),
        gzip: compressed("gzip", &["-9", "-c"], path)?,
        brotli: compressed("brotli", &["-q", "11", "-c"], path)?,
    })
}

/// The sum of some files, named `name`.
pub fn total<'a>(name: &str, files: impl IntoIterator<Item = &'a FileSize>) -> FileSize {
    files.into_iter().fold(FileSize { name: name.into(), raw: 0, gzip: 0, brotli: 0 }, |t, f| FileSize {
        raw: t.raw + f.raw,
        gzip: t.gzip + f.gzip,
        brotli: t.brotli + f.brotli,
        ..t
    })
}

/// The wasm chunks of a split build (`split_<part>-<hash>.wasm`, `chunk_<n>-<hash>.wasm`),
/// largest first.
pub fn chunks(dist: &Path) -> Result<Vec<FileSize>, Error> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm") {
            out.push(file_size(&path)?);
        }
    }
    out.sort_by(|a, b| b.gzip.cmp(&a.gzip).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// One request of the first load, as Chromium's Resource Timing saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    /// Bytes on the wire (headers and the body as the server encoded it).
    pub transfer: u64,
    /// The body as sent (compressed, if the server compressed it).
    pub encoded: u64,
    /// The same file in `dist/`, measured.
    pub file: FileSize,
}

/// The first load of one page.
#[derive(Debug, Clone)]
pub struct FirstLoad {
    pub requests: Vec<Request>,
    /// ms from navigation start to interactive.
    pub interactive_ms: f64,
}

impl FirstLoad {
    pub fn files(&self) -> FileSize {
        total("first load", self.requests.iter().map(|r| &r.file))
    }
    pub fn transfer(&self) -> u64 {
        self.requests.iter().map(|r| r.transfer).sum()
    }
    pub fn encoded(&self) -> u64 {
        self.requests.iter().map(|r| r.encoded).sum()
    }
}

/// Loads `url` in a fresh page and waits until `interactive` (a JS expression giving the time,
/// in ms since navigation start, or nothing yet) has a value; the first load is every request
/// (the document included) that started before that time. Each is matched to its file in
/// `dist` (`/` and client routes are index.html).
pub async fn first_load(browser: &Browser, url: &str, interactive: &str, dist: &Path) -> Result<FirstLoad, Error> {
    let c = &browser.client;
    c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(None, None, Some(Duration::from_secs(60)))).await?;
    c.goto(url).await?;
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const check = () => {{
           const t = {interactive};
           if (typeof t !== 'number') {{ requestAnimationFrame(check); return; }}
           const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
           done({{ t, entries: all.filter(e => e.startTime <= t).map(e => ({{
             name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize }})) }});
         }};
         check();"
    );
    let v = c.execute_async(&script, vec![]).await?;
    let interactive_ms = v["t"].as_f64().ok_or_else(|| format!("no interactive time: {v}"))?;
    let mut requests = Vec::new();
    for e in v["entries"].as_array().ok_or_else(|| format!("no entries: {v}"))? {
        let name = e["name"].as_str().unwrap_or_default();
        let path = url::Url::parse(name).map(|u| u.path().to_owned()).map_err(|e| format!("{name}: {e}"))?;
        let file = dist_file(dist, &path);
        if !file.is_file() {
            return Err(format!("the first load fetched {path}, which is not a file of {}", dist.display()).into());
        }
        requests.push(Request {
            path,
            transfer: as_u64(&e["transfer"]),
            encoded: as_u64(&e["encoded"]),
            file: file_size(&file)?,
        });
    }
    if requests.is_empty() {
        return Err("Resource Timing listed no requests".into());
    }
    Ok(FirstLoad { requests, interactive_ms })
}

fn dist_file(dist: &Path, path: &str) -> PathBuf {
    let name = path.trim_start_matches('/');
    let candidate = dist.join(name);
    if name.is_empty() || !name.contains('.') { dist.join("index.html") } else { candidate }
}

/// Reads a number out of a JSON value (Resource Timing gives floats).
pub fn as_u64(v: &Value) -> u64 {
    v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)).unwrap_or(0)
}
