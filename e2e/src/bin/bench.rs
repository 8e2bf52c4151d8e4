//! `make bench`: size and speed of the release build, each beside a baseline built in the same
//! run (a minimal Leptos counter, `bench/counter`), as ratios. Not a test: nothing here fails on
//! a slow figure. Prints one table and writes it to bench/out/report.md.
//!
//! Figures:
//! - the first load of both builds as Chromium fetches it (every request before the page is
//!   interactive; bytes transferred, and the same files raw, gzip -9 and brotli -q 11), each
//!   chunk of the console's split build and their total;
//! - with the browser cache off (every load a first visit): navigation start → Clusters page
//!   showing the simulator's clusters, and → the Create Backup dialog usable, its chunk fetched
//!   (median of BENCH_LOADS loads), beside the counter's first render; and click → usable;
//! - Jobs view with 1,000 jobs in the register: navigation start → all rows rendered, and one
//!   poll update that changes 10 rows (finish → every changed row shows it);
//! - Describe Job requests the console sends in one minute with 0, 1 and 10 active jobs.

use std::time::Duration;

use e2e::size::{CONSOLE_INTERACTIVE, FileSize, chunks, first_load, total};
use e2e::{Browser, Cdp, Error, Server, find, http, sim, workspace_root};
use fantoccini::Locator;
use serde_json::{Value, json};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() { f64::NAN } else { v[v.len() / 2] }
}

/// Waits in the page until `condition` (a JS expression) holds, then returns performance.now()
/// (milliseconds since navigation start).
async fn page_time_when(b: &Browser, condition: &str) -> Result<f64, Error> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const check = () => {{ if ({condition}) done(performance.now()); else requestAnimationFrame(check); }};
         check();"
    );
    b.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(None, None, Some(Duration::from_secs(60))))
        .await?;
    let v = b.client.execute_async(&script, vec![]).await?;
    v.as_f64().ok_or_else(|| format!("no time from the page: {v}").into())
}

/// Starts `n` restore-collection jobs (they have no one-at-a-time rule) and returns their ids.
async fn start_jobs(server: &Server, n: usize) -> Result<Vec<String>, Error> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut ids = Vec::new();
    for _ in 0..n {
        let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = json!({
            "destClusterId": "in01-9d4c2b7e1a5f305",
            "dbCollections": [{"dbName": "qa", "destDbName": "qa", "collections": [
                {"collectionName": "golden_queries", "destCollectionName": format!("bench_{i}_{}", std::process::id()), "destCollectionStatus": "LOADED"}
            ]}]
        });
        let path = "/v2/clusters/in01-9d4c2b7e1a5f305/backups/backup7_0718293041526a7/restoreCollection";
        let (_, out) = http(server, "POST", path, Some("demo-owner-key"), Some(&body)).await?;
        let id = out["data"]["jobId"].as_str().ok_or_else(|| format!("restore refused: {out}"))?;
        ids.push(id.to_owned());
    }
    Ok(ids)
}

/// A register document as the console stores it: `active` real job ids (not yet answered) and
/// `filler` finished ones.
fn register_doc(active: &[String], filler: usize) -> String {
    // Active jobs were just started, as after a create: the poller starts at its fast interval.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let mut jobs = Vec::new();
    for id in active {
        jobs.push(json!({"job_id": id, "kind": "Restore", "cluster_id": "in01-9d4c2b7e1a5f305", "cluster_name": "staging-main", "added_ms": now}));
    }
    for i in 0..filler {
        jobs.push(json!({
            "job_id": format!("job-bench{i:016}"), "kind": "Backup", "cluster_id": "in01-3f9a1c7e5b2d401",
            "cluster_name": "prod-search", "backup_name": format!("prod-search_backup{i}"), "added_ms": 1_600_000_000_000u64 - i as u64,
            "last": {"jobId": format!("job-bench{i:016}"), "type": "BACKUP", "status": "SUCCESSFUL", "progress": "100",
                     "startTime": "2026-11-01T10:00:00Z", "endTime": "2026-11-01T10:05:00Z", "reason": ""}
        }));
    }
    json!({"version": 1, "jobs": jobs}).to_string()
}

/// Loads /jobs with `doc` as the register; returns ms from navigation start to `rows` rows.
async fn load_jobs(b: &Browser, server: &Server, doc: &str, rows: usize) -> Result<f64, Error> {
    let key = format!("zbc.jobs.{}", server.url);
    b.client.goto(&format!("{}/settings", server.url)).await?;
    b.client.execute("localStorage.setItem(arguments[0], arguments[1]);", vec![json!(key), json!(doc)]).await?;
    b.client.goto(&format!("{}/jobs", server.url)).await?;
    page_time_when(b, &format!("document.querySelectorAll('tbody tr').length >= {rows}")).await
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let root = workspace_root();
    let loads = env_u64("BENCH_LOADS", 10) as usize;
    let minute = env_u64("BENCH_MINUTE_SECS", 60);
    let console_dist = root.join("dist");
    let counter_dist = root.join("bench/counter/dist");

    let server = Server::start(&["--job-speed", "0.001", "--rate-limit", "0"]).await?;
    let counter_server = Server::start_with_dist(&counter_dist, &[]).await?;

    // --- Sizes: the first load as a fresh browser fetches it, and the chunks ---
    let fresh = Browser::start().await?;
    let console_load =
        first_load(&fresh, &format!("{}/clusters", server.url), CONSOLE_INTERACTIVE, &console_dist).await?;
    let counter_interactive = "document.querySelector('main button') ? performance.now() : undefined";
    let counter_load =
        first_load(&fresh, &format!("{}/", counter_server.url), counter_interactive, &counter_dist).await?;
    fresh.close().await?;
    let lazy = chunks(&console_dist)?;

    // --- Start-up, every load a first visit ---
    let b = Browser::start().await?;
    b.client.issue_cmd(Cdp { cmd: "Network.enable", params: json!({}) }).await?;
    b.client.issue_cmd(Cdp { cmd: "Network.setCacheDisabled", params: json!({ "cacheDisabled": true }) }).await?;
    b.sign_in(&server, "demo-owner-key", true).await?;
    let (mut clusters_ms, mut dialog_ms, mut click_ms, mut counter_ms) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    eprintln!("bench: start-up, {loads} loads");
    for _ in 0..loads {
        b.client.goto(&format!("{}/clusters", server.url)).await?;
        clusters_ms.push(page_time_when(&b, "document.querySelectorAll('tbody tr').length >= 8").await?);
        b.client.goto(&format!("{}/clusters", server.url)).await?;
        let button = b.wait_for(Locator::XPath("//button[normalize-space()='Create Backup for staging-main']")).await?;
        let clicked = b.client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
        button.click().await?;
        let usable = page_time_when(&b, "(() => { const c = document.querySelector('dialog[open] footer button[type=submit]'); return c && c.getAttribute('aria-disabled') !== 'true'; })()").await?;
        dialog_ms.push(usable);
        click_ms.push(usable - clicked);
        b.client.goto(&format!("{}/", counter_server.url)).await?;
        counter_ms.push(page_time_when(&b, "!!document.querySelector('main button')").await?);
    }

    // --- Jobs view: 1,000 jobs, 10 of them running ---
    eprintln!("bench: jobs view with 1,000 jobs");
    let active = start_jobs(&server, 10).await?;
    let doc = register_doc(&active, 990);
    let mut first_render = Vec::new();
    for _ in 0..loads {
        first_render.push(load_jobs(&b, &server, &doc, 1000).await?);
    }
    b.wait_for(Locator::XPath(&find::heading("Jobs"))).await?;
    page_time_when(&b, "document.querySelectorAll('tbody .badge-busy').length >= 10").await?;
    // One poll that changes 10 rows: finish the jobs, ask for a refresh, time until all show it.
    for id in &active {
        sim(&server, "POST", &format!("/__sim/jobs/{id}/finish"), Some(&json!({}))).await?;
    }
    eprintln!("bench: one poll changing 10 rows");
    let t0 = b.client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    b.client.find(Locator::XPath(&find::button("Refresh"))).await?.click().await?;
    let t1 = page_time_when(&b, "document.querySelectorAll('tbody .badge-busy').length === 0").await?;
    let poll_update_ms = t1 - t0;

    // --- Requests per minute with 0, 1 and 10 active jobs ---
    eprintln!("bench: requests per {minute} s");
    let mut per_minute = Vec::new();
    for n in [0usize, 1, 10] {
        let ids = start_jobs(&server, n).await?;
        // With nothing active, five finished jobs stand in the table (and must cost nothing).
        let filler = if n == 0 { 5 } else { 0 };
        load_jobs(&b, &server, &register_doc(&ids, filler), n + filler).await?;
        sim(&server, "DELETE", "/__sim/requests", None).await?;
        tokio::time::sleep(Duration::from_secs(minute)).await;
        let paths = sim(&server, "GET", "/__sim/requests", None).await?;
        let mut count = 0;
        for p in paths["paths"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|p| p.starts_with("/v2/jobs/"))
        {
            count += sim(&server, "GET", &format!("/__sim/requests?path={p}&limit=1000"), None)
                .await?
                .as_array()
                .map_or(0, Vec::len);
        }
        per_minute.push((n, count));
    }
    b.close().await?;

    // --- Report ---
    let mut out = String::new();
    out.push_str("| Figure | Console | Baseline (counter) | Ratio |\n|---|---:|---:|---:|\n");
    let ratio = |a: u64, c: u64| if c > 0 { format!("{:.1}×", a as f64 / c as f64) } else { "–".into() };
    let (a, c) = (console_load.files(), counter_load.files());
    out.push_str(&format!(
        "| first load, requests before interactive | {} | {} | – |\n",
        console_load.requests.len(),
        counter_load.requests.len()
    ));
    for (label, a, c) in [
        ("transferred", console_load.transfer(), counter_load.transfer()),
        ("raw", a.raw, c.raw),
        ("gzip -9", a.gzip, c.gzip),
        ("brotli -q 11", a.brotli, c.brotli),
    ] {
        out.push_str(&format!("| first load, {label} (bytes) | {a} | {c} | {} |\n", ratio(a, c)));
    }
    let chunk_row =
        |f: &FileSize| format!("| {}, gzip -9 / brotli -q 11 (bytes) | {} / {} | – | – |\n", f.name, f.gzip, f.brotli);
    for f in &lazy {
        out.push_str(&chunk_row(f));
    }
    let all_chunks = total("all chunks", &lazy);
    out.push_str(&chunk_row(&all_chunks));
    out.push_str(&chunk_row(&total("everything (first load and all chunks)", [&a, &all_chunks])));
    let c = median(counter_ms.clone());
    for (label, v) in [
        ("navigation → Clusters listed, cold cache (ms, median)", median(clusters_ms)),
        ("navigation → Create Backup usable, chunk fetched, cold cache (ms, median)", median(dialog_ms)),
    ] {
        out.push_str(&format!("| {label} | {v:.0} | {c:.0} | {:.1}× |\n", v / c));
    }
    out.push_str(&format!("| click Create Backup → usable (ms, median) | {:.0} | – | – |\n", median(click_ms)));
    let fr = median(first_render);
    out.push_str(&format!(
        "| Jobs, 1,000 rows: navigation → rendered (ms, median) | {fr:.0} | {c:.0} | {:.1}× |\n",
        fr / c
    ));
    out.push_str(&format!(
        "| Jobs, one poll changing 10 rows: refresh → rows updated (ms) | {poll_update_ms:.0} | – | – |\n"
    ));
    for (n, count) in per_minute {
        out.push_str(&format!("| Describe Job requests in {minute} s with {n} active jobs | {count} | – | – |\n"));
    }
    let report = format!(
        "# Benchmark\n\nRelease build served by the local server (simulator), headless Chromium on this machine; \
         {loads} loads per start-up figure. Baseline: `bench/counter`, built in the same run with the same profile and tools.\n\n{out}"
    );
    println!("{report}");
    let dir = root.join("bench/out");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.md"), &report)?;
    Ok(())
}
