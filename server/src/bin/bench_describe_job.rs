//! Measures Describe Job throughput: starts the server in-process (rate limit off) on
//! loopback and hammers `GET /v2/jobs/{id}` from N concurrent clients for a few seconds.
//! `cargo run --release -p backup-server --bin bench-describe-job -- [seconds] [concurrency]`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use backup_server::{Options, start};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secs: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let conc: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(32);
    let dir = std::env::temp_dir().join(format!("bench-describe-job-{}", std::process::id()));
    let mut opts = Options::for_tests(&dir);
    opts.rate_limit = 0;
    let server = match start(opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return;
        }
    };
    let url = format!("{}/v2/jobs/job-seed000000000000000001", server.url());
    backup_server::install_tls_provider();
    let client = reqwest::Client::builder().pool_max_idle_per_host(conc).build().unwrap_or_default();
    let count = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, url, count, errors) = (client.clone(), url.clone(), count.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let ok = client
                    .get(&url)
                    .bearer_auth("demo-readonly-key")
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                if ok {
                    let _ = count.fetch_add(1, Ordering::Relaxed);
                } else {
                    let _ = errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let n = count.load(Ordering::Relaxed);
    println!(
        "Describe Job: {n} requests in {secs} s with {conc} connections = {:.0} req/s ({} errors)",
        n as f64 / secs as f64,
        errors.load(Ordering::Relaxed)
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
