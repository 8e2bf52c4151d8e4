//! The backup console's local server: serves the built console, simulates the Zilliz Cloud
//! control plane v2 and the clusters' data plane, or forwards to a real upstream (gateway).
//! `start` binds and serves in the background, so tests run it in-process on port 0.

pub mod access;
pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod cors;
pub mod faults;
pub mod gateway;
pub mod persistence;
pub mod rate_limit;
pub mod recorder;
pub mod security_headers;
pub mod sim;
pub mod static_files;
pub mod time_util;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{any, get};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::RequestBodyDeadlineLayer;

use config::{ConsoleConfig, Mode};
use sim::{Sim, SimApp};

/// reqwest is built without a default TLS provider (aws-lc is a slow C build): install ring
/// once before building any client. Harmless if one is already installed.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[derive(Debug, Clone)]
pub struct Options {
    pub addr: IpAddr,
    pub port: u16,
    pub dist: PathBuf,
    pub state: PathBuf,
    pub reset: bool,
    pub job_speed: f64,
    pub fail_rate: f64,
    /// Requests per second per key per endpoint; 0 = no limit.
    pub rate_limit: u32,
    pub faults: faults::FaultConfig,
    pub upstream: Option<String>,
    pub api_key: Option<String>,
    pub log_requests: bool,
    /// Browser origins besides the server's own that may call the API (`--allow-origin`).
    pub allow_origins: Vec<String>,
    /// Host names besides localhost, 127.0.0.1, [::1] and the listen address (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// API origins besides its own that the console it serves may call (`--connect-origin`):
    /// the CSP's `connect-src` and `config.json` list them, so Settings can refuse the others.
    pub connect_origins: Vec<String>,
    /// Gateway: where the data plane may go besides the upstream's own domains.
    pub data_plane: gateway::DataPlaneRules,
    pub limits: Limits,
}

/// What one client may hold: a connection that sends no complete request head within
/// `header_read`, or idles that long between requests, is closed; a request body must arrive
/// within `body_read`; beyond `max_connections` new connections wait to be accepted.
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_read: Duration,
    pub body_read: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { header_read: Duration::from_secs(10), body_read: Duration::from_secs(10), max_connections: 512 }
    }
}

impl Options {
    /// Loopback, a free port, fast jobs: what tests want.
    pub fn for_tests(dir: &std::path::Path) -> Self {
        Self {
            addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            dist: dir.join("dist"),
            state: dir.join("state.json"),
            reset: false,
            job_speed: 1000.0,
            fail_rate: 0.0,
            rate_limit: 20,
            faults: faults::FaultConfig::default(),
            upstream: None,
            api_key: None,
            log_requests: false,
            allow_origins: Vec::new(),
            allow_hosts: Vec::new(),
            connect_origins: Vec::new(),
            data_plane: gateway::DataPlaneRules::default(),
            limits: Limits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error(transparent)]
    State(#[from] persistence::LoadError),
    #[error(transparent)]
    Gateway(#[from] gateway::GatewayError),
    #[error("invalid option: {0}")]
    Invalid(String),
}

/// A running server. Dropping it does not stop it; call [`Server::shutdown`].
pub struct Server {
    pub addr: SocketAddr,
    pub mode: Mode,
    pub server_holds_key: bool,
    /// Who may call it (host names, extra origins), for the start-up banner.
    pub access: Arc<access::Access>,
    /// Gateway: the domains cluster addresses may be in.
    pub cluster_domains: Vec<String>,
    /// The simulator, for in-process tests (None in gateway mode).
    pub sim: Option<Arc<Sim>>,
    stop: Option<oneshot::Sender<()>>,
    serve: JoinHandle<()>,
    ticker: Option<JoinHandle<()>>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and stops the job ticker. The state
    /// is already on disk (it is saved at every change).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.serve).await;
        self.serve.abort();
    }
}

pub async fn start(opts: Options) -> Result<Server, StartError> {
    if !(opts.job_speed.is_finite() && opts.job_speed > 0.0) {
        return Err(StartError::Invalid("--job-speed must be a number above 0".into()));
    }
    if !(0.0..=1.0).contains(&opts.fail_rate) {
        return Err(StartError::Invalid("--fail-rate must be between 0 and 1".into()));
    }
    opts.faults.validate().map_err(StartError::Invalid)?;
    if opts.api_key.is_some() && !opts.allow_origins.is_empty() {
        return Err(StartError::Invalid(
            "--allow-origin cannot be combined with --api-key-file: no other site may spend the server's key \
             (host the console on this server, or let its users bring their own keys)"
                .into(),
        ));
    }
    let access = access::Access::new(opts.addr, &opts.allow_hosts, &opts.allow_origins).map_err(StartError::Invalid)?;
    // Other origins get CORS headers only when they were allowed by name (never with the
    // server's own key, refused above); the server's own pages need none.
    let cors = (!access.origins().is_empty()).then(|| cors::layer(access.origins()));
    let want = SocketAddr::new(opts.addr, opts.port);
    let listener = TcpListener::bind(want).await.map_err(|e| StartError::Bind(want, e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Bind(want, e))?;

    let index_html = std::fs::read_to_string(opts.dist.join("index.html")).ok();
    let hashes = index_html.as_deref().map(security_headers::inline_script_hashes).unwrap_or_default();

    let mut app = Router::new();
    let mut cluster_domains = Vec::new();
    let (mode, holds_key, sim, upstream_origin) = match &opts.upstream {
        Some(upstream) => {
            let gw = gateway::Gateway::new(upstream, opts.api_key.clone(), &opts.data_plane)?;
            cluster_domains = gw.cluster_domains().to_vec();
            let api = Router::new()
                .route("/v2/{*rest}", any(gateway::forward_v2))
                .route("/dataplane/{cluster_id}/{*rest}", any(gateway::dataplane))
                .with_state(gw.clone());
            app = app.merge(api);
            (Mode::Gateway, gw.holds_key(), None, gateway::origin_of(upstream))
        }
        None => {
            let sim = Sim::open(opts.state.clone(), opts.reset, opts.job_speed, opts.fail_rate)?;
            let limiter = rate_limit::RateLimiter::new(opts.rate_limit);
            let faults: faults::SharedFaults = Arc::new(RwLock::new(opts.faults.clone()));
            let recorder = recorder::Recorder::new();
            let sim_app = SimApp { sim: sim.clone(), bound: addr.to_string() };
            let api = sim::control_plane(sim_app.clone(), limiter.clone())
                .merge(sim::data_plane(sim_app))
                .layer(from_fn_with_state(faults.clone(), faults::inject))
                .layer(from_fn_with_state(recorder.clone(), recorder::record));
            let admin = admin::router(admin::Admin { sim: sim.clone(), faults, recorder, limiter });
            app = app.merge(api).merge(admin);
            (Mode::Simulator, false, Some(sim), None)
        }
    };
    let connect_origins = opts
        .connect_origins
        .iter()
        .map(|o| {
            access::canonical_origin(o)
                .ok_or_else(|| format!("--connect-origin {o} is not an origin (scheme://host[:port], no path)"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(StartError::Invalid)?;
    let mut csp_origins: Vec<String> = upstream_origin.into_iter().collect();
    csp_origins.extend(connect_origins.iter().cloned());
    let csp = security_headers::content_security_policy(&hashes, &csp_origins);
    let files = static_files::StaticFiles::new(opts.dist.clone());
    let console_config = ConsoleConfig { mode, server_holds_key: holds_key, connect_origins: Arc::new(csp_origins) };
    app = app.route("/config.json", get(config::handler).with_state(console_config)).fallback(move |req: Request| {
        let files = files.clone();
        async move { static_files::handler(axum::extract::State(files), req).await }
    });
    if let Some(cors) = cors {
        app = app.layer(cors);
    }
    app = app
        .layer(from_fn_with_state(access.clone(), access::enforce))
        .layer(RequestBodyDeadlineLayer::new(opts.limits.body_read))
        .layer(from_fn_with_state(security_headers::SecurityHeaders::new(&csp), security_headers::add))
        .layer(CompressionLayer::new().gzip(true).br(true));
    if opts.log_requests {
        app = app.layer(from_fn(log_request));
    }

    let ticker = sim.clone().map(|sim| {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(250));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                sim.tick();
            }
        })
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let serve = tokio::spawn(serve(listener, app, opts.limits.clone(), stopped));
    Ok(Server {
        addr,
        mode,
        server_holds_key: holds_key,
        access,
        cluster_domains,
        sim,
        stop: Some(stop),
        serve,
        ticker,
    })
}

/// Accepts connections and serves HTTP/1.1 on each (the browser speaks nothing else to a
/// plain-http server), with hyper's header read time-out (which also closes connections that
/// idle between requests) and at most `max_connections` at once. On stop: no new connections,
/// those open finish their requests, for at most 5 s.
async fn serve(listener: TcpListener, app: Router, limits: Limits, mut stopped: oneshot::Receiver<()>) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut stopped => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stopped => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// Method, path (no query: it may hold ids a user would rather not see in logs… and never a
/// key, which only travels in the Authorization header, never logged), status, time.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let t = Instant::now();
    let resp = next.run(req).await;
    println!("{method} {path} -> {} ({} ms)", resp.status().as_u16(), t.elapsed().as_millis());
    resp
}
