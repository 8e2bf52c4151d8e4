//! Gateway mode: `/v2/...` goes to a real control plane (`--upstream`), with the caller's
//! Authorization header untouched, or with the server's own key (`--api-key-file`) so the
//! browser never holds one. Data-plane calls go through `/dataplane/{clusterId}/v2/vectordb/…`,
//! which asks the upstream for that cluster's `connectAddress`: the only hosts this server
//! ever calls are the upstream and the clusters the upstream names. Never an open proxy.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api::ApiError;

const MAX_BODY: usize = 8 * 1024 * 1024;
/// Request headers passed on. Cookies and the like never leave this server.
const FORWARD_REQUEST: &[HeaderName] =
    &[header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE];
const FORWARD_RESPONSE: &[HeaderName] = &[header::CONTENT_TYPE, header::RETRY_AFTER];

pub struct Gateway {
    upstream: String,
    client: reqwest::Client,
    api_key: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("--upstream must be an http:// or https:// URL without query, got {0}")]
    BadUpstream(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// `scheme://host[:port]` of a URL (for the CSP's connect-src).
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

impl Gateway {
    pub fn new(upstream: &str, api_key: Option<String>) -> Result<Arc<Self>, GatewayError> {
        if origin_of(upstream).is_none() || upstream.contains('?') || upstream.contains('#') {
            return Err(GatewayError::BadUpstream(upstream.to_string()));
        }
        crate::install_tls_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Arc::new(Self { upstream: upstream.trim_end_matches('/').to_string(), client, api_key }))
    }

    pub fn holds_key(&self) -> bool {
        self.api_key.is_some()
    }

    fn outgoing_headers(&self, incoming: &HeaderMap) -> reqwest::header::HeaderMap {
        let mut out = reqwest::header::HeaderMap::new();
        for name in FORWARD_REQUEST {
            if let Some(v) = incoming.get(name) {
                out.insert(name.clone(), v.clone());
            }
        }
        if let Some(v) = incoming.get("request-timeout") {
            out.insert(HeaderName::from_static("request-timeout"), v.clone());
        }
        if let Some(key) = &self.api_key
            && let Ok(v) = HeaderValue::from_str(&format!("Bearer {key}"))
        {
            out.insert(header::AUTHORIZATION, v);
        }
        out
    }

    async fn send(&self, method: Method, url: &str, headers: reqwest::header::HeaderMap, body: Bytes) -> Response {
        let resp = self.client.request(method, url).headers(headers).body(body).send().await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                // The URL holds no secret (keys travel in headers), but keep the message short.
                let what = if e.is_timeout() { "timed out" } else { "could not be reached" };
                return ApiError::http(
                    StatusCode::BAD_GATEWAY,
                    502,
                    format!("The upstream {what}: {}", origin_of(url).unwrap_or_default()),
                )
                .into_response();
            }
        };
        let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut headers = HeaderMap::new();
        for name in FORWARD_RESPONSE {
            if let Some(v) = resp.headers().get(name) {
                headers.insert(name.clone(), v.clone());
            }
        }
        if let Some(v) = resp.headers().get("requestid") {
            headers.insert(HeaderName::from_static("requestid"), v.clone());
        }
        match resp.bytes().await {
            Ok(bytes) => (status, headers, bytes).into_response(),
            Err(_) => {
                ApiError::http(StatusCode::BAD_GATEWAY, 502, "The upstream response was cut off.").into_response()
            }
        }
    }
}

/// `/v2/...` → `{upstream}/v2/...` with the same method, query and body.
pub async fn forward_v2(State(gw): State<Arc<Gateway>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return ApiError::http(StatusCode::PAYLOAD_TOO_LARGE, 413, "The request body is too large.").into_response();
    };
    let path_and_query = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = format!("{}{path_and_query}", gw.upstream);
    gw.send(parts.method, &url, gw.outgoing_headers(&parts.headers), body).await
}

fn valid_cluster_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with("in")
        && id.len() > 5
        && id.as_bytes()[4] == b'-'
        && id[2..4].bytes().all(|b| b.is_ascii_digit())
        && id[5..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Only the Milvus REST API under `v2/vectordb/`, plain path characters, no `..`.
fn valid_dataplane_path(rest: &str) -> bool {
    rest.starts_with("v2/vectordb/")
        && !rest.contains("..")
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
}

pub async fn dataplane(
    State(gw): State<Arc<Gateway>>,
    Path((cluster_id, rest)): Path<(String, String)>,
    req: Request,
) -> Response {
    if req.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")]).into_response();
    }
    if !valid_cluster_id(&cluster_id) || !valid_dataplane_path(&rest) {
        return ApiError::http(
            StatusCode::NOT_FOUND,
            404,
            "Only POST /dataplane/{clusterId}/v2/vectordb/… is forwarded.",
        )
        .into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return ApiError::http(StatusCode::PAYLOAD_TOO_LARGE, 413, "The request body is too large.").into_response();
    };
    let headers = gw.outgoing_headers(&parts.headers);
    // Ask the upstream, with the caller's credentials, where this cluster lives.
    let describe =
        gw.send(Method::GET, &format!("{}/v2/clusters/{cluster_id}", gw.upstream), headers.clone(), Bytes::new()).await;
    let (dparts, dbody) = describe.into_parts();
    let Ok(dbytes) = to_bytes(dbody, MAX_BODY).await else {
        return ApiError::http(StatusCode::BAD_GATEWAY, 502, "The upstream response was cut off.").into_response();
    };
    let parsed: Option<Value> = serde_json::from_slice(&dbytes).ok();
    let address = parsed
        .as_ref()
        .filter(|v| v.get("code").and_then(Value::as_i64) == Some(0))
        .and_then(|v| v.pointer("/data/connectAddress"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(address) = address else {
        // The upstream's own error (bad key, unknown cluster…) goes back as it came.
        return Response::from_parts(dparts, Body::from(dbytes));
    };
    if origin_of(&address).is_none() || address.contains('?') || address.contains('#') {
        return ApiError::http(
            StatusCode::BAD_GATEWAY,
            502,
            "The upstream gave this cluster no usable connectAddress.",
        )
        .into_response();
    }
    let url = format!("{}/{rest}", address.trim_end_matches('/'));
    gw.send(Method::POST, &url, headers, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_paths() {
        assert_eq!(origin_of("https://api.cloud.zilliz.com/").as_deref(), Some("https://api.cloud.zilliz.com"));
        assert_eq!(origin_of("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("http://user@evil"), None);
        assert!(valid_dataplane_path("v2/vectordb/collections/list"));
        assert!(!valid_dataplane_path("v2/vectordb/../../etc"));
        assert!(!valid_dataplane_path("admin/x"));
        assert!(valid_cluster_id("in01-3f9a1c7e5b2d401"));
        assert!(!valid_cluster_id("in01"));
        assert!(!valid_cluster_id("evil.com"));
    }
}
