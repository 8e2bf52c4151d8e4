//! `GET /config.json`: tells the console where the API is and whether it needs a key. Served
//! by the server itself, so it overrides any `config.json` in dist/.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Simulator,
    Gateway,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Simulator => "simulator",
            Self::Gateway => "gateway",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    pub mode: Mode,
    /// True only in gateway mode with --api-key-file: the browser then sends no key.
    pub server_holds_key: bool,
    /// Origins besides this one that the CSP lets the console call (`--connect-origin`).
    pub connect_origins: std::sync::Arc<Vec<String>>,
}

pub async fn handler(State(cfg): State<ConsoleConfig>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        Json(json!({
            // null = the origin that served the console (this server).
            "apiBaseUrl": null,
            "serverHoldsKey": cfg.server_holds_key,
            "mode": cfg.mode.as_str(),
            // Any other base URL would be blocked by this server's Content-Security-Policy.
            "connectOrigins": *cfg.connect_origins,
        })),
    )
}
