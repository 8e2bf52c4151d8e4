//! The built console from `dist/`: files with their content types, client routes fall back to
//! index.html, hashed assets are cached for a year, index.html is revalidated every time.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::api::ApiError;

pub struct StaticFiles {
    pub dist: PathBuf,
}

impl StaticFiles {
    pub fn new(dist: PathBuf) -> Arc<Self> {
        Arc::new(Self { dist })
    }

    fn present(&self) -> bool {
        self.dist.join("index.html").is_file()
    }
}

/// Paths that belong to the API side: never answered with the console.
pub fn is_api_path(path: &str) -> bool {
    ["/v2", "/__sim", "/dataplane"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Trunk names assets `name-<16 hex>.ext` or `name-<hex>_bg.wasm`: such a file never changes.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split('-').skip(1).any(|seg| {
        let hex = seg.bytes().take_while(u8::is_ascii_hexdigit).count();
        hex >= 8 && matches!(seg.as_bytes().get(hex), None | Some(b'.') | Some(b'_'))
    })
}

const NOT_BUILT: &str = "The console is not built yet, but the API is up.\n\
Build it with `make run` (or `trunk build --release --offline`), then reload this page.\n\
The simulator answers under /v2/ with the demo keys printed at start-up.\n";

pub async fn handler(State(sf): State<Arc<StaticFiles>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if is_api_path(&path) {
        return ApiError::http(StatusCode::NOT_FOUND, 404, format!("No such endpoint: {} {path}", req.method()))
            .into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    if !sf.present() {
        let status = if path == "/" { StatusCode::OK } else { StatusCode::NOT_FOUND };
        return (status, [(header::CACHE_CONTROL, "no-cache")], NOT_BUILT).into_response();
    }
    let headers = req.headers().clone();
    let served = ServeDir::new(&sf.dist).precompressed_br().precompressed_gzip().oneshot(req).await;
    let mut resp = match served {
        Ok(r) => r.map(Body::new),
        Err(e) => match e {},
    };
    let last = path.rsplit('/').next().unwrap_or("");
    let mut is_index = path.ends_with('/') || last == "index.html";
    if resp.status() == StatusCode::NOT_FOUND && !last.contains('.') {
        // A client route (`/backups`, `/clusters/in01-…`): the app handles it.
        let mut index_req = Request::new(Body::empty());
        *index_req.headers_mut() = headers;
        resp = match ServeFile::new(sf.dist.join("index.html")).oneshot(index_req).await {
            Ok(r) => r.map(Body::new),
            Err(e) => match e {},
        };
        is_index = true;
    }
    if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
        let cache =
            if !is_index && is_hashed_asset(&path) { "public, max-age=31536000, immutable" } else { "no-cache" };
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed_asset("/backup-console-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/backup-console-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.ico"));
        assert!(!is_hashed_asset("/backup-console.js"));
        assert!(is_api_path("/v2/clusters"));
        assert!(!is_api_path("/v2x"));
    }
}
