//! CORS for the API routes: any browser origin may call them with a Bearer key (no cookies are
//! involved, so a wildcard origin is safe), and may read Retry-After on a 429.

use std::time::Duration;

use axum::http::{HeaderName, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        // `Authorization` is never covered by a wildcard: list it.
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("request-timeout"),
        ])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("requestid")])
        .max_age(Duration::from_secs(600))
}
