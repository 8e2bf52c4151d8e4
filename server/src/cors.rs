//! CORS for the origins the server was told to trust (`--allow-origin`: a console hosted on
//! another origin, the browser tests' runner). Only those get CORS headers, and only when the
//! browser brings its own key: a server that holds the key sends none at all (`start` refuses
//! the combination). The server's own pages are same-origin and need none.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn layer(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        // `Authorization` is never covered by a wildcard: list it.
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("request-timeout"),
        ])
        // So that a page on an allowed origin can honour the server's wait after a 429.
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("requestid")])
        .max_age(Duration::from_secs(600))
}
