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
//! - Jobs view with 100, 1,000 and 10,000 jobs in the register (BENCH_JOB_COUNTS): navigation
//!   start → the `jobs:rendered` mark (the frame after the table's first rows), beside the
//!   counter's `counter:rendered`, both timed in the page, warm and cold cache;
//! - one poll round changing 10 of 1,000 rows: the main-thread task time (CDP Performance
//!   domain, `TaskDuration`) from Refresh to the rows drawn;
//! - Describe Job requests with 0, 1, 10 and 100 active jobs over two windows of
//!   BENCH_MINUTE_SECS, counted by the server (its recorder's statistics) with the documented
//!   rate limit (20/s) on.

use std::time::Duration;

use e2e::size::{CONSOLE_INTERACTIVE, FileSize, chunks, first_load, total};
use e2e::{Browser, Cdp, Error, Server, http, sim, workspace_root};
use fantoccini::Locator;
use serde_json::json;

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

/// Loads `url` and returns the time of the User Timing mark `name` (ms from navigation start).
async fn mark_time(b: &Browser, url: &str, name: &str) -> Result<f64, Error> {
    b.client.goto(url).await?;
    page_time_when(b, &format!("performance.getEntriesByName('{name}').length > 0")).await?;
    let v = b.client.execute(&format!("return performance.getEntriesByName('{name}')[0].startTime;"), vec![]).await?;
    v.as_f64().ok_or_else(|| format!("no mark {name}: {v}").into())
}

/// Main-thread busy time so far (CDP Performance.getMetrics `TaskDuration`, seconds).
async fn task_seconds(b: &Browser) -> Result<f64, Error> {
    let v = b.client.issue_cmd(Cdp { cmd: "Performance.getMetrics", params: json!({}) }).await?;
    v["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["name"] == "TaskDuration")
        .and_then(|m| m["value"].as_f64())
        .ok_or_else(|| format!("no TaskDuration: {v}").into())
}

/// Every CDP Performance metric now (for BENCH_TRACE: where a round's time goes).
async fn metrics(b: &Browser) -> Result<std::collections::HashMap<String, f64>, Error> {
    let v = b.client.issue_cmd(Cdp { cmd: "Performance.getMetrics", params: json!({}) }).await?;
    Ok(v["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m["name"].as_str()?.to_owned(), m["value"].as_f64()?)))
        .collect())
}

fn epoch_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
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

/// A register document as the console stores it (format 2: short keys, as
/// `src/rules/job_register.rs` writes them): `active` real job ids (not yet answered) and
/// `filler` finished ones, one a minute before now (recent: none is old enough to be pruned).
fn register_doc(active: &[String], filler: usize) -> String {
    // Active jobs were just started, as after a create: the poller starts at its fast interval.
    let now = epoch_ms();
    let mut jobs = Vec::new();
    for id in active {
        jobs.push(json!({"i": id, "k": "Restore", "c": "in01-9d4c2b7e1a5f305", "n": "staging-main", "a": now}));
    }
    for i in 0..filler as u64 {
        let started = now - (i + 1) * 60_000;
        jobs.push(json!({
            "i": format!("job-bench{i:016}"), "k": "Backup", "c": "in01-3f9a1c7e5b2d401", "n": "prod-search",
            "m": format!("prod-search_backup{i}"), "a": started, "w": started + 45_000,
            "l": {"t": "BACKUP", "s": "SUCCESSFUL", "p": 100, "t0": iso8601(started), "t1": iso8601(started + 45_000)}
        }));
    }
    json!({"version": 2, "jobs": jobs}).to_string()
}

/// `2026-12-07T21:30:00Z` for epoch ms (days to civil date: Howard Hinnant's algorithm).
fn iso8601(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Writes `doc` as this server's register, from a page of its origin that runs no console.
async fn set_register(b: &Browser, server: &Server, doc: &str) -> Result<(), Error> {
    let key = format!("zbc.jobs.{}", server.url);
    b.client.goto(&format!("{}/config.json", server.url)).await?;
    b.client.execute("localStorage.setItem(arguments[0], arguments[1]);", vec![json!(key), json!(doc)]).await?;
    Ok(())
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

    // --- Jobs view at 100, 1,000 and 10,000 jobs: timed in the page, warm and cold cache ---
    // A register of many jobs belongs to a returning user, whose browser has the console's
    // (immutable, hashed) files cached: the warm figure is the one to judge; the cold one adds
    // the fetch of the page's chunks.
    let counts: Vec<usize> = std::env::var("BENCH_JOB_COUNTS")
        .unwrap_or_else(|_| "100,1000,10000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let mut render = Vec::new();
    let mut counter_warm = Vec::new();
    for cache_off in [false, true] {
        b.client
            .issue_cmd(Cdp { cmd: "Network.setCacheDisabled", params: json!({ "cacheDisabled": cache_off }) })
            .await?;
        if !cache_off {
            for _ in 0..loads {
                counter_warm.push(mark_time(&b, &format!("{}/", counter_server.url), "counter:rendered").await?);
            }
        }
        for &n in &counts {
            eprintln!("bench: jobs view with {n} jobs, cache {}", if cache_off { "off" } else { "on" });
            let doc = register_doc(&[], n);
            let (mut times, mut mounted) = (Vec::new(), Vec::new());
            for _ in 0..loads {
                set_register(&b, &server, &doc).await?;
                times.push(mark_time(&b, &format!("{}/jobs", server.url), "jobs:rendered").await?);
                let v = b
                    .client
                    .execute("return performance.getEntriesByName('console:interactive')[0].startTime;", vec![])
                    .await?;
                mounted.push(v.as_f64().unwrap_or(f64::NAN));
                if std::env::var_os("BENCH_TRACE").is_some() {
                    // Where the time goes: the page's marks and its files, in page time (ms).
                    let trace = b
                        .client
                        .execute(
                            "return performance.getEntries().filter(e => e.entryType == 'mark' || \
                             e.entryType == 'resource').map(e => `${e.name.split('/').pop()} \
                             ${e.startTime.toFixed(1)}..${(e.responseEnd || e.startTime).toFixed(1)}`).join('\\n');",
                            vec![],
                        )
                        .await?;
                    eprintln!("bench: trace\n{}", trace.as_str().unwrap_or_default());
                }
            }
            eprintln!(
                "bench: {n} jobs: console mounted at {:.0} ms, rows drawn at {:.0} ms (medians)",
                median(mounted),
                median(times.clone())
            );
            render.push((n, cache_off, median(times)));
        }
    }
    b.client.issue_cmd(Cdp { cmd: "Network.setCacheDisabled", params: json!({ "cacheDisabled": false }) }).await?;

    // --- One poll round that changes 10 rows of 1,000: main-thread time (CDP TaskDuration) ---
    eprintln!("bench: poll rounds changing 10 rows");
    b.client.issue_cmd(Cdp { cmd: "Performance.enable", params: json!({}) }).await?;
    let mut round_task_ms = Vec::new();
    let mut attempts = 0;
    while round_task_ms.len() < loads && attempts < loads * 3 {
        attempts += 1;
        let active = start_jobs(&server, 10).await?;
        set_register(&b, &server, &register_doc(&active, 990)).await?;
        mark_time(&b, &format!("{}/jobs", server.url), "jobs:rendered").await?;
        page_time_when(&b, "document.querySelectorAll('tbody .badge-busy').length >= 10").await?;
        for id in &active {
            sim(&server, "POST", &format!("/__sim/jobs/{id}/finish"), Some(&json!({}))).await?;
        }
        let trace = std::env::var_os("BENCH_TRACE").is_some();
        if trace {
            b.client.issue_cmd(Cdp { cmd: "Profiler.enable", params: json!({}) }).await?;
            b.client.issue_cmd(Cdp { cmd: "Profiler.setSamplingInterval", params: json!({ "interval": 100 }) }).await?;
            b.client.issue_cmd(Cdp { cmd: "Profiler.start", params: json!({}) }).await?;
        }
        let metrics_before = if trace { metrics(&b).await? } else { Default::default() };
        let before = task_seconds(&b).await?;
        // In the page: still 10 running (no poll took the change first), click Refresh, and be
        // told by a MutationObserver when no row is running, then wait one more frame. Nothing
        // of the harness runs per frame: what the page does is what is counted.
        let script = "const done = arguments[arguments.length - 1];
            const busy = () => document.querySelectorAll('tbody .badge-busy').length;
            if (busy() < 10) { done(false); return; }
            const t0 = performance.now();
            const seen = new MutationObserver(() => {
              if (busy() > 0) return;
              seen.disconnect();
              requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
            });
            seen.observe(document.querySelector('tbody'), { subtree: true, childList: true, attributes: true, characterData: true });
            [...document.querySelectorAll('button')].find(x => x.textContent.trim() === 'Refresh').click();";
        let wall = b.client.execute_async(script, vec![]).await?;
        let Some(wall_ms) = wall.as_f64() else {
            if trace {
                b.client.issue_cmd(Cdp { cmd: "Profiler.stop", params: json!({}) }).await?;
            }
            continue;
        };
        let after = task_seconds(&b).await?;
        round_task_ms.push((after - before) * 1000.0);
        if trace {
            let metrics_after = metrics(&b).await?;
            for name in [
                "TaskDuration",
                "ScriptDuration",
                "RecalcStyleDuration",
                "LayoutDuration",
                "LayoutCount",
                "RecalcStyleCount",
            ] {
                let d =
                    metrics_after.get(name).copied().unwrap_or(0.0) - metrics_before.get(name).copied().unwrap_or(0.0);
                eprintln!("bench: metric {name} {:.1}", if name.ends_with("Count") { d } else { d * 1000.0 });
            }
            let profile = b.client.issue_cmd(Cdp { cmd: "Profiler.stop", params: json!({}) }).await?;
            let nodes = profile["profile"]["nodes"].as_array().cloned().unwrap_or_default();
            let samples = profile["profile"]["samples"].as_array().map_or(0, Vec::len).max(1);
            let (start, end) = (
                profile["profile"]["startTime"].as_f64().unwrap_or(0.0),
                profile["profile"]["endTime"].as_f64().unwrap_or(0.0),
            );
            let per_sample_ms = (end - start) / 1000.0 / samples as f64;
            let mut by_name: std::collections::HashMap<String, u64> = Default::default();
            for n in &nodes {
                let name = n["callFrame"]["functionName"].as_str().unwrap_or("").to_owned();
                *by_name.entry(name).or_default() += n["hitCount"].as_u64().unwrap_or(0);
            }
            let mut top: Vec<_> = by_name.into_iter().collect();
            top.sort_by_key(|t| std::cmp::Reverse(t.1));
            for (name, hits) in top.iter().take(40) {
                eprintln!("bench: profile {:7.2} ms {}", *hits as f64 * per_sample_ms, &name[..name.len().min(160)]);
            }
        }
        if std::env::var_os("BENCH_TRACE").is_some() {
            // The same wait with nothing to do: what the page costs anyway (its clock).
            let idle_before = task_seconds(&b).await?;
            b.client
                .execute_async(
                    &format!(
                        "const done = arguments[arguments.length - 1]; setTimeout(() => done(true), {wall_ms:.0});"
                    ),
                    vec![],
                )
                .await?;
            let idle_after = task_seconds(&b).await?;
            eprintln!(
                "bench: round {:.1} ms in {wall_ms:.0} ms, idle as long {:.1} ms",
                (after - before) * 1000.0,
                (idle_after - idle_before) * 1000.0
            );
        }
    }

    // --- Describe Job requests per minute, counted by the server, with the documented limit ---
    eprintln!("bench: requests per {minute} s, two windows each");
    let mut per_minute = Vec::new();
    for n in [0usize, 1, 10, 100] {
        sim(&server, "POST", "/__sim/rate-limit", Some(&json!({ "perSecond": 0 }))).await?;
        let ids = start_jobs(&server, n).await?;
        // With nothing active, five finished jobs stand in the table (and must cost nothing).
        let filler = if n == 0 { 5 } else { 0 };
        set_register(&b, &server, &register_doc(&ids, filler)).await?;
        sim(&server, "POST", "/__sim/rate-limit", Some(&json!({ "perSecond": 20 }))).await?;
        let t0 = epoch_ms();
        b.client.goto(&format!("{}/jobs", server.url)).await?;
        let mut windows = Vec::new();
        for w in 0..2u64 {
            let (since, until) = (t0 + w * minute * 1000, t0 + (w + 1) * minute * 1000);
            tokio::time::sleep(Duration::from_millis(until.saturating_sub(epoch_ms()))).await;
            let stats = sim(
                &server,
                "GET",
                &format!("/__sim/requests/stats?prefix=/v2/jobs/&since={since}&until={until}"),
                None,
            )
            .await?;
            windows.push(stats);
        }
        per_minute.push((n, windows));
    }
    sim(&server, "POST", "/__sim/rate-limit", Some(&json!({ "perSecond": 0 }))).await?;
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
    let cw = median(counter_warm);
    for (n, cache_off, ms) in &render {
        let (base, cache) = if *cache_off { (c, "cold cache") } else { (cw, "warm cache") };
        out.push_str(&format!(
            "| Jobs, {n} rows: navigation → first rows drawn, {cache} (ms, median; baseline = counter, {cache}) | {ms:.0} | {base:.0} | +{:.0} ms |\n",
            ms - base
        ));
    }
    out.push_str(&format!(
        "| Jobs, one poll round changing 10 of 1,000 rows: main-thread task time, Refresh → rows drawn (ms, median of {}) | {:.1} | – | – |\n",
        round_task_ms.len(),
        median(round_task_ms)
    ));
    for (n, windows) in per_minute {
        for (w, st) in windows.iter().enumerate() {
            out.push_str(&format!(
                "| Describe Job requests, {n} active jobs, second {} to {} (count · most in one second · 429s; limit 20/s) | {} · {} · {} | – | – |\n",
                w as u64 * minute,
                (w as u64 + 1) * minute,
                st["count"],
                st["maxInAnySecond"],
                st["status429"]
            ));
        }
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
