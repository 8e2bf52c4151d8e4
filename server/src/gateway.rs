//! Gateway mode: `/v2/...` goes to a real control plane (`--upstream`), with the caller's
//! Authorization header untouched, or with the server's own key (`--api-key-file`) so the
//! browser never holds one. Data-plane calls go through `/dataplane/{clusterId}/v2/vectordb/…`,
//! which asks the upstream for that cluster's `connectAddress`: the only hosts this server
//! ever calls are the upstream and the clusters the upstream names, over https, in the
//! upstream's own domains. Never an open proxy: only the documented routes below, with their
//! methods, on paths made of plain id segments (no `..`, no percent-escapes), and answers of
//! bounded size.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api::{ApiError, MAX_BODY, read_body};

/// The largest answer passed back (the biggest real one, a page of 100 backups, is ~100 KiB).
const MAX_RESPONSE: usize = 8 * 1024 * 1024;

/// The control-plane routes forwarded, with their methods: those of the reference (§2 to §4)
/// that the console uses, the same ones the simulator answers. `{}` is one id segment.
pub const ROUTES: &[(Method, &str)] = &[
    (Method::GET, "/v2/projects"),
    (Method::GET, "/v2/projects/{}"),
    (Method::GET, "/v2/clusters"),
    (Method::GET, "/v2/clusters/{}"),
    (Method::POST, "/v2/clusters/{}/backups/create"),
    (Method::GET, "/v2/clusters/{}/backups/policy"),
    (Method::POST, "/v2/clusters/{}/backups/policy"),
    (Method::GET, "/v2/clusters/{}/backups/{}"),
    (Method::DELETE, "/v2/clusters/{}/backups/{}"),
    (Method::POST, "/v2/clusters/{}/backups/{}/restoreCluster"),
    (Method::POST, "/v2/clusters/{}/backups/{}/restoreCollection"),
    (Method::GET, "/v2/backups"),
    (Method::GET, "/v2/jobs"),
    (Method::GET, "/v2/jobs/{}"),
];

/// The data-plane calls forwarded (docs/api-contract.md §5): the two lists the console reads.
const DATA_PLANE_PATHS: &[&str] = &["v2/vectordb/databases/list", "v2/vectordb/collections/list"];
/// Request headers passed on. Cookies and the like never leave this server.
const FORWARD_REQUEST: &[HeaderName] =
    &[header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE];
const FORWARD_RESPONSE: &[HeaderName] = &[header::CONTENT_TYPE, header::RETRY_AFTER];

pub struct Gateway {
    upstream: String,
    client: reqwest::Client,
    api_key: Option<String>,
    /// Cluster addresses the data plane may reach: these hosts and their subdomains.
    cluster_domains: Vec<String>,
    /// Plain-http cluster addresses too (local tests only: a real key never travels in clear).
    cluster_http: bool,
}

/// Where the data plane may go, by the upstream's host name.
#[derive(Debug, Clone, Default)]
pub struct DataPlaneRules {
    /// Extra domains (`--dataplane-domain`), added to the upstream's own.
    pub extra_domains: Vec<String>,
    /// `--dataplane-allow-http`.
    pub allow_http: bool,
}

/// The upstream's own domains: its registrable domain (the last two labels, three under a
/// two-label public suffix such as `com.cn`) and, for Zilliz Cloud's API, the domain its
/// clusters' endpoints live in (`*.vectordb.zillizcloud.com`, docs/api-contract.md §4). An IP address or
/// a single-label host stands for itself.
pub fn upstream_domains(upstream_host: &str) -> Vec<String> {
    let host = upstream_host.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') || labels.len() < 2 {
        return vec![host];
    }
    let two_label_suffix = matches!(labels[labels.len() - 2..], ["com" | "net" | "org" | "co", "cn" | "uk" | "jp"]);
    let keep = if two_label_suffix { 3 } else { 2 };
    let domain = labels[labels.len().saturating_sub(keep)..].join(".");
    let mut out = vec![domain.clone()];
    match domain.as_str() {
        "zilliz.com" => out.push("zillizcloud.com".into()),
        "zilliz.com.cn" => out.push("zillizcloud.com.cn".into()),
        _ => {}
    }
    out
}

/// The host of `scheme://host[:port]...` (brackets kept for IPv6), lower case.
fn host_of(url: &str) -> Option<String> {
    let origin = origin_of(url)?;
    crate::access::canonical_host(origin.split_once("://")?.1)
}

/// The route a request path is (`None`: not a forwarded route), checking every segment.
pub fn route_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    let plain = |s: &str| {
        !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    ROUTES.iter().map(|(_, pattern)| *pattern).find(|pattern| {
        let want: Vec<&str> = pattern.split('/').collect();
        want.len() == segments.len()
            && want.iter().zip(&segments).all(|(w, s)| if *w == "{}" { plain(s) } else { w == s })
    })
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
    pub fn new(upstream: &str, api_key: Option<String>, rules: &DataPlaneRules) -> Result<Arc<Self>, GatewayError> {
        let Some(host) = host_of(upstream).filter(|_| !upstream.contains('?') && !upstream.contains('#')) else {
            return Err(GatewayError::BadUpstream(upstream.to_string()));
        };
        let mut cluster_domains = upstream_domains(&host);
        cluster_domains.extend(rules.extra_domains.iter().map(|d| d.trim().trim_matches('.').to_ascii_lowercase()));
        cluster_domains.retain(|d| !d.is_empty());
        crate::install_tls_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Arc::new(Self {
            upstream: upstream.trim_end_matches('/').to_string(),
            client,
            api_key,
            cluster_domains,
            cluster_http: rules.allow_http,
        }))
    }

    pub fn cluster_domains(&self) -> &[String] {
        &self.cluster_domains
    }

    /// Whether a cluster address the upstream named may receive the caller's (or the
    /// server's) key: https, and a host in the upstream's domains.
    fn cluster_address_allowed(&self, address: &str) -> bool {
        let secure = address.starts_with("https://") || (self.cluster_http && address.starts_with("http://"));
        let in_domain = host_of(address).is_some_and(|h| {
            self.cluster_domains.iter().any(|d| h == *d || h.strip_suffix(d.as_str()).is_some_and(|p| p.ends_with('.')))
        });
        secure && in_domain && !address.contains(['?', '#', '@'])
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
        let mut resp = resp;
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_RESPONSE => body.extend_from_slice(&chunk),
                Ok(Some(_)) => {
                    return ApiError::http(
                        StatusCode::BAD_GATEWAY,
                        502,
                        format!("The upstream's answer is larger than {} MiB; not passed on.", MAX_RESPONSE >> 20),
                    )
                    .into_response();
                }
                Ok(None) => return (status, headers, Bytes::from(body)).into_response(),
                Err(_) => {
                    return ApiError::http(StatusCode::BAD_GATEWAY, 502, "The upstream response was cut off.")
                        .into_response();
                }
            }
        }
    }
}

/// `/v2/...` → `{upstream}/v2/...` with the same method, query and body, for the documented
/// routes only.
pub async fn forward_v2(State(gw): State<Arc<Gateway>>, req: Request) -> Response {
    let path = req.uri().path();
    let Some(route) = route_of(path) else {
        return ApiError::http(StatusCode::NOT_FOUND, 404, format!("No such endpoint: {} {path}", req.method()))
            .into_response();
    };
    let allowed: Vec<&str> = ROUTES.iter().filter(|(_, p)| *p == route).map(|(m, _)| m.as_str()).collect();
    if !allowed.contains(&req.method().as_str()) {
        let allow = allowed.join(", ");
        let err = ApiError::http(StatusCode::METHOD_NOT_ALLOWED, 405, format!("{path} answers {allow} only."));
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, allow)], err).into_response();
    }
    let (parts, body) = req.into_parts();
    let body = match read_body(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
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

fn valid_dataplane_path(rest: &str) -> bool {
    DATA_PLANE_PATHS.contains(&rest)
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
    let body = match read_body(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let headers = gw.outgoing_headers(&parts.headers);
    // Ask the upstream, with the caller's credentials, where this cluster lives.
    let describe =
        gw.send(Method::GET, &format!("{}/v2/clusters/{cluster_id}", gw.upstream), headers.clone(), Bytes::new()).await;
    let (dparts, dbody) = describe.into_parts();
    let Ok(dbytes) = to_bytes(dbody, MAX_RESPONSE).await else {
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
    if !gw.cluster_address_allowed(&address) {
        let domains = gw.cluster_domains.join(", ");
        return ApiError::http(
            StatusCode::BAD_GATEWAY,
            502,
            format!(
                "The upstream gave this cluster an address outside https://*.{{{domains}}}; the key is not sent there. \
                 Start the server with --dataplane-domain to allow another domain."
            ),
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
        assert!(!valid_dataplane_path("v2/vectordb/entities/insert"));
        assert!(!valid_dataplane_path("admin/x"));
        assert!(valid_cluster_id("in01-3f9a1c7e5b2d401"));
        assert!(!valid_cluster_id("in01"));
        assert!(!valid_cluster_id("evil.com"));
    }

    #[test]
    fn only_documented_routes_of_plain_segments() {
        assert_eq!(route_of("/v2/clusters"), Some("/v2/clusters"));
        assert_eq!(
            route_of("/v2/clusters/in01-3f9a1c7e5b2d401/backups/backup3_x1"),
            Some("/v2/clusters/{}/backups/{}")
        );
        assert_eq!(route_of("/v2/jobs/job-0123456789abcdefghijkl"), Some("/v2/jobs/{}"));
        for path in [
            "/v2/../secret",
            "/v2/%2e%2e/%2e%2e/etc/passwd",
            "/v2/clusters/..",
            "/v2/clusters/%2e%2e",
            "/v2/clusters/in01-x/backups/..%2f..%2fadmin",
            "/v2/clusters//backups/create",
            "/v2/clusters/a.b",
            "/v2/secret",
            "/v2/clusters/x/y/z/w/v",
            "/v2",
            "/v2/",
        ] {
            assert_eq!(route_of(path), None, "{path}");
        }
    }

    #[test]
    fn cluster_addresses_stay_in_the_upstream_domains() {
        assert_eq!(upstream_domains("api.cloud.zilliz.com"), ["zilliz.com", "zillizcloud.com"]);
        assert_eq!(upstream_domains("api.cloud.zilliz.com.cn"), ["zilliz.com.cn", "zillizcloud.com.cn"]);
        assert_eq!(upstream_domains("127.0.0.1"), ["127.0.0.1"]);
        assert_eq!(upstream_domains("gateway.example.org"), ["example.org"]);
        let gw = Gateway::new("https://api.cloud.zilliz.com", None, &DataPlaneRules::default()).expect("gw");
        assert!(gw.cluster_address_allowed("https://in01-abc.aws-us-west-2.vectordb.zillizcloud.com:19530"));
        assert!(gw.cluster_address_allowed("https://in03-abc.serverless.gcp-us-west1.cloud.zilliz.com"));
        for bad in [
            "http://in01-abc.aws-us-west-2.vectordb.zillizcloud.com:19530",
            "https://evil.example",
            "https://zillizcloud.com.evil.example",
            "https://evilzillizcloud.com",
            "https://user@in01.vectordb.zillizcloud.com",
            "https://127.0.0.1:19530",
        ] {
            assert!(!gw.cluster_address_allowed(bad), "{bad}");
        }
        let rules = DataPlaneRules { extra_domains: vec!["clusters.internal".into()], allow_http: true };
        let test = Gateway::new("http://127.0.0.1:9", None, &rules).expect("gw");
        assert!(test.cluster_address_allowed("http://127.0.0.1:9/dataplane/in01-x"));
        assert!(test.cluster_address_allowed("https://a.clusters.internal"));
        assert!(!test.cluster_address_allowed("http://127.0.0.2:9"));
    }
}
