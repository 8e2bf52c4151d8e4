//! `backup-server`: serves the console and the simulated (or forwarded) Zilliz Cloud API.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use backup_server::auth::DEMO_KEYS;
use backup_server::config::Mode;
use backup_server::faults::FaultConfig;
use backup_server::gateway::DataPlaneRules;
use backup_server::{Limits, Options, start};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Local server for the Zilliz Cloud backup console: serves dist/ and \
simulates the control-plane API v2 (or forwards it to --upstream)."
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    addr: IpAddr,
    /// Port to listen on; 0 picks a free one (the first output line tells which).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    port: u16,
    /// The built console (Trunk's output).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Simulator state file, rewritten atomically after every change.
    #[arg(long, default_value = ".sim/state.json")]
    state: PathBuf,
    /// Start from the seed data again, discarding the state file.
    #[arg(long)]
    reset: bool,
    /// How fast jobs run: 1 = demo pace (tens of seconds), 100 = almost instant.
    #[arg(long, default_value_t = 1.0)]
    job_speed: f64,
    /// Share of jobs (0..1) that fail with a reason.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Requests per second per API key per endpoint before HTTP 429; 0 = no limit.
    #[arg(long, default_value_t = 20)]
    rate_limit: u32,
    /// Fault injection: latency added to API requests, in milliseconds.
    #[arg(long, default_value_t = 0)]
    fault_latency_ms: u64,
    /// Fault injection: share (0..1) of API requests answered with HTTP 500.
    #[arg(long, default_value_t = 0.0)]
    fault_error_rate: f64,
    /// Fault injection: share (0..1) answered with HTTP 429 and Retry-After.
    #[arg(long, default_value_t = 0.0)]
    fault_429_rate: f64,
    /// Fault injection: share (0..1) answered with an HTML 502 page.
    #[arg(long, default_value_t = 0.0)]
    fault_html_rate: f64,
    /// Fault injection: share (0..1) answered with malformed JSON.
    #[arg(long, default_value_t = 0.0)]
    fault_malformed_rate: f64,
    /// Fault injection: only these endpoints (comma-separated, e.g.
    /// "POST /v2/clusters/*/backups/create,/v2/jobs"); default all API routes.
    #[arg(long, value_delimiter = ',')]
    fault_endpoints: Vec<String>,
    /// Gateway mode: forward /v2/... to this control plane (e.g. https://api.cloud.zilliz.com).
    #[arg(long)]
    upstream: Option<String>,
    /// Gateway mode: a file holding the API key the server adds to forwarded requests.
    #[arg(long, requires = "upstream")]
    api_key_file: Option<PathBuf>,
    /// Print one line per request (method, path, status, time; never headers).
    #[arg(long)]
    log_requests: bool,
    /// A browser origin besides the server's own that may call its API, e.g. a console hosted
    /// elsewhere (`https://console.example.com`); repeat or separate with commas. Not with
    /// --api-key-file: no other site may spend the server's key.
    #[arg(long, value_delimiter = ',')]
    allow_origin: Vec<String>,
    /// A host name browsers may use to reach this server, besides localhost, 127.0.0.1, [::1]
    /// and the --addr given (a name under which others reach it, behind a proxy or on a LAN);
    /// repeat or separate with commas. Other names are refused (DNS rebinding).
    #[arg(long, value_delimiter = ',')]
    allow_host: Vec<String>,
    /// An API origin besides this server that the console it serves may call, when a person
    /// points Settings at another API (which must then allow this origin by CORS): added to the
    /// Content-Security-Policy's connect-src and listed in config.json; repeatable.
    #[arg(long, value_delimiter = ',')]
    connect_origin: Vec<String>,
    /// Gateway: a domain whose hosts the data plane may call besides the upstream's own (for
    /// https://api.cloud.zilliz.com: zilliz.com and zillizcloud.com); repeatable.
    #[arg(long, value_delimiter = ',', requires = "upstream")]
    dataplane_domain: Vec<String>,
    /// Gateway: let the data plane call plain-http cluster addresses (local tests only).
    #[arg(long, requires = "upstream")]
    dataplane_allow_http: bool,
    /// Seconds a connection may take to send a request head, or idle between requests.
    #[arg(long, default_value_t = 10)]
    header_timeout_secs: u64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let api_key = match &cli.api_key_file {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(k) if !k.trim().is_empty() => Some(k.trim().to_string()),
            Ok(_) => {
                eprintln!("error: {} is empty", path.display());
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
    };
    let opts = Options {
        addr: cli.addr,
        port: cli.port,
        dist: cli.dist.clone(),
        state: cli.state.clone(),
        reset: cli.reset,
        job_speed: cli.job_speed,
        fail_rate: cli.fail_rate,
        rate_limit: cli.rate_limit,
        faults: FaultConfig {
            latency_ms: cli.fault_latency_ms,
            error_rate: cli.fault_error_rate,
            rate_limit_rate: cli.fault_429_rate,
            html_error_rate: cli.fault_html_rate,
            malformed_rate: cli.fault_malformed_rate,
            endpoints: cli.fault_endpoints.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            remaining: None,
            ..FaultConfig::default()
        },
        upstream: cli.upstream.clone(),
        api_key,
        log_requests: cli.log_requests,
        allow_origins: cli.allow_origin.clone(),
        allow_hosts: cli.allow_host.clone(),
        connect_origins: cli.connect_origin.clone(),
        data_plane: DataPlaneRules {
            extra_domains: cli.dataplane_domain.clone(),
            allow_http: cli.dataplane_allow_http,
        },
        limits: Limits {
            header_read: Duration::from_secs(cli.header_timeout_secs.max(1)),
            max_connections: cli.max_connections.max(1),
            ..Limits::default()
        },
    };
    let server = match start(opts).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Tests parse this first line: keep it exactly so.
    println!("listening on http://{}", server.addr);
    let url = server.url();
    println!();
    println!("  Backup console:  {url}/");
    if !cli.dist.join("index.html").is_file() {
        println!("                   (not built: {} has no index.html; the API works)", cli.dist.display());
    }
    match server.mode {
        Mode::Simulator => {
            println!("  API (simulated): {url}/v2/   state: {}", cli.state.display());
            println!("  Job speed: {}x   fail rate: {}", cli.job_speed, cli.fail_rate);
            println!();
            println!("  Demo API keys (paste one into Settings):");
            for (key, _, role) in DEMO_KEYS {
                println!("    {key:<20} {}", role.label());
            }
            println!();
            println!("  Test controls (loopback only): {url}/__sim/faults, /__sim/job-speed, /__sim/requests");
        }
        Mode::Gateway => {
            println!("  API (gateway):   {url}/v2/ -> {}", cli.upstream.as_deref().unwrap_or(""));
            if server.server_holds_key {
                println!("  The server adds its own API key; the console asks for none.");
            } else {
                println!("  Requests carry the console user's own API key.");
            }
            println!("  Data plane: https hosts in {}", server.cluster_domains.join(", "));
        }
    }
    println!("  Answers to host names: {} (add with --allow-host)", server.access.hosts().join(", "));
    if server.access.origins().is_empty() {
        println!("  Browser pages allowed: its own only (add with --allow-origin)");
    } else {
        println!("  Browser pages allowed: its own, and {}", server.access.origins().join(", "));
    }
    if cli.addr.is_unspecified() {
        println!("  Listening on every interface: add the name or address others use with --allow-host.");
    }
    println!();
    wait_for_stop_signal().await;
    println!("shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl-C, or SIGTERM (what `kill` and test harnesses send). The state is saved at every
/// change, so even a hard kill loses nothing; this just closes connections politely.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
