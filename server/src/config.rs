//! `GET /config.json`: tells the console where the API is and whether it needs a key. Served
//! by the server itself, so it overrides any `config.json` in dist/.

use api_types::{DeployConfig, DeployMode};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Simulator,
    Gateway,
}

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    pub mode: Mode,
    /// True only in gateway mode with --api-key-file: the browser then sends no key.
    pub server_holds_key: bool,
    /// Origins besides this one that the CSP lets the console call (`--connect-origin`).
    pub connect_origins: std::sync::Arc<Vec<String>>,
}

impl From<Mode> for DeployMode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::Simulator => DeployMode::Simulator,
            Mode::Gateway => DeployMode::Gateway,
        }
    }
}

/// The one type both sides use: the console reads what this writes.
pub async fn handler(State(cfg): State<ConsoleConfig>) -> impl IntoResponse {
    let config = DeployConfig {
        // None = the origin that served the console (this server).
        api_base_url: None,
        server_holds_key: cfg.server_holds_key,
        mode: Some(cfg.mode.into()),
        // Any other base URL would be blocked by this server's Content-Security-Policy.
        connect_origins: Some(cfg.connect_origins.to_vec()),
    };
    ([(header::CACHE_CONTROL, "no-cache")], Json(config))
}
