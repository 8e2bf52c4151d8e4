//! Who may use this server. In gateway mode it may spend a real API key, so no other web page
//! may reach its API: requests must name one of its own host names (no DNS rebinding), browser
//! requests to the API side must come from its own origin or one it was told to trust
//! (`--allow-origin`), and POSTs there must carry JSON (a form or `text/plain` POST, which a
//! browser sends cross-origin without asking first, never reaches a handler).

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::static_files::is_api_path;

/// Host names every server answers to, besides the address it listens on.
const DEFAULT_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

pub struct Access {
    /// Canonical host names (lower case, no port, IPv6 in brackets).
    hosts: Vec<String>,
    /// Origins besides the server's own (`scheme://host[:port]`, lower case).
    origins: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownHost(String),
    ForeignOrigin(String),
    CrossSite,
    NotJson,
}

impl Refusal {
    fn into_response(self, hosts: &[String], api: bool) -> Response {
        let (status, code, message) = match self {
            Refusal::UnknownHost(host) => (
                StatusCode::MISDIRECTED_REQUEST,
                421,
                format!(
                    "This server does not answer to the host name '{host}'; it answers to {}. \
                     Start it with --allow-host to add one.",
                    hosts.join(", ")
                ),
            ),
            Refusal::ForeignOrigin(origin) => (
                StatusCode::FORBIDDEN,
                403,
                format!(
                    "This server answers browser requests only from its own pages, not from {origin}. \
                     Start it with --allow-origin {origin} to let a console hosted there use it."
                ),
            ),
            Refusal::CrossSite => {
                (StatusCode::FORBIDDEN, 403, "This server answers browser requests only from its own pages.".to_owned())
            }
            Refusal::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                415,
                "Send the request body as JSON, with Content-Type: application/json.".to_owned(),
            ),
        };
        if api { ApiError::http(status, code, message).into_response() } else { (status, message).into_response() }
    }
}

/// `host[:port]` → canonical host: lower case, no trailing dot, IPv6 in brackets, no port.
pub(crate) fn canonical_host(authority: &str) -> Option<String> {
    let authority = authority.trim();
    let host = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))) {
            return None;
        }
        let ip: std::net::Ipv6Addr = inside.parse().ok()?;
        return Some(format!("[{ip}]"));
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            Some(_) => return None,
            None => authority,
        }
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    valid.then_some(host)
}

/// `scheme://host[:port]` with nothing after, lower case; `None` for anything else.
pub fn canonical_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/');
    let (scheme, authority) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !(scheme == "http" || scheme == "https") || authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return None;
    }
    canonical_host(authority)?;
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

impl Access {
    /// `listen` joins the defaults unless it is the unspecified address (0.0.0.0 or ::), which
    /// no browser names; `extra_hosts` are `--allow-host`, `extra_origins` are `--allow-origin`.
    pub fn new(listen: IpAddr, extra_hosts: &[String], extra_origins: &[String]) -> Result<Arc<Self>, String> {
        let mut hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|h| (*h).to_owned()).collect();
        if !listen.is_unspecified() {
            hosts.push(match listen {
                IpAddr::V4(ip) => ip.to_string(),
                IpAddr::V6(ip) => format!("[{ip}]"),
            });
        }
        for h in extra_hosts {
            let bracketed = if h.contains(':') && !h.starts_with('[') { format!("[{h}]") } else { h.clone() };
            hosts.push(canonical_host(&bracketed).ok_or_else(|| format!("--allow-host {h} is not a host name"))?);
        }
        hosts.dedup();
        let origins = extra_origins
            .iter()
            .map(|o| {
                canonical_origin(o)
                    .ok_or_else(|| format!("--allow-origin {o} is not an origin (scheme://host[:port], no path)"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(Self { hosts, origins }))
    }

    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// The rules, on a request's method, path and headers.
    pub fn check(&self, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), Refusal> {
        let authority = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let host = canonical_host(authority);
        if !host.as_ref().is_some_and(|h| self.hosts.contains(h)) {
            return Err(Refusal::UnknownHost(host.unwrap_or_else(|| authority.chars().take(64).collect())));
        }
        if !is_api_side(path) {
            return Ok(());
        }
        match headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("null")) {
            Some(origin) => {
                let own = canonical_origin(origin).is_some_and(|o| {
                    o.split_once("://").is_some_and(|(_, a)| a.eq_ignore_ascii_case(authority.trim()))
                        || self.origins.contains(&o)
                });
                if !own {
                    return Err(Refusal::ForeignOrigin(origin.chars().take(100).collect()));
                }
            }
            // No Origin: a same-origin GET, or not a browser. A browser's cross-site request
            // without one (an <img>, a no-cors fetch) still says where it comes from.
            None => {
                let site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok()).unwrap_or("");
                if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
                    return Err(Refusal::CrossSite);
                }
            }
        }
        if *method == Method::POST || *method == Method::PUT || *method == Method::PATCH {
            let json = headers
                .get(header::CONTENT_TYPE)
                .and_then(|c| c.to_str().ok())
                .and_then(|c| c.split(';').next())
                .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
            if !json {
                return Err(Refusal::NotJson);
            }
        }
        Ok(())
    }
}

/// The routes a browser page must not reach from elsewhere: the API, the data plane, the
/// test controls and the console's configuration.
fn is_api_side(path: &str) -> bool {
    is_api_path(path) || path == "/config.json"
}

pub async fn enforce(State(access): State<Arc<Access>>, req: Request, next: Next) -> Response {
    // A CORS preflight from an allowed origin carries no content type: let the CORS layer answer.
    let preflight =
        req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let method = if preflight { &Method::GET } else { req.method() };
    // An absolute-form target (`GET http://host/path`) names its host there, and that one wins
    // over the Host header (RFC 9112 3.2.2): it must be one of ours too.
    if let Some(authority) = req.uri().authority()
        && !canonical_host(authority.as_str()).is_some_and(|h| access.hosts.contains(&h))
    {
        let named = authority.as_str().chars().take(64).collect();
        return Refusal::UnknownHost(named).into_response(&access.hosts, is_api_side(req.uri().path()));
    }
    match access.check(method, req.uri().path(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal.into_response(&access.hosts, is_api_side(req.uri().path())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::net::Ipv4Addr;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn access() -> Arc<Access> {
        Access::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &["console.internal".into()], &["https://ops.example".into()])
            .expect("valid")
    }

    #[test]
    fn host_names() {
        assert_eq!(canonical_host("LocalHost:8080").as_deref(), Some("localhost"));
        assert_eq!(canonical_host("[::1]:8080").as_deref(), Some("[::1]"));
        assert_eq!(canonical_host("example.com.").as_deref(), Some("example.com"));
        assert_eq!(canonical_host("a b"), None);
        assert_eq!(canonical_host("host:port"), None);
        assert_eq!(canonical_host(""), None);
        assert_eq!(canonical_origin("HTTPS://Ops.Example/").as_deref(), Some("https://ops.example"));
        assert_eq!(canonical_origin("https://ops.example/path"), None);
        assert_eq!(canonical_origin("null"), None);
        assert_eq!(canonical_origin("ftp://x"), None);
    }

    #[test]
    fn rebinding_hosts_are_refused_everywhere() {
        let a = access();
        for host in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "console.internal"] {
            assert_eq!(a.check(&Method::GET, "/", &headers(&[("host", host)])), Ok(()), "{host}");
        }
        for (host, path) in [("evil.example:8080", "/v2/clusters"), ("evil.example", "/"), ("", "/v2/projects")] {
            assert!(matches!(a.check(&Method::GET, path, &headers(&[("host", host)])), Err(Refusal::UnknownHost(_))));
        }
        let any = Access::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), &[], &[]).expect("valid");
        assert!(!any.hosts().contains(&"0.0.0.0".to_owned()));
    }

    #[test]
    fn browser_requests_from_other_origins_are_refused() {
        let a = access();
        let own = headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")]);
        assert_eq!(a.check(&Method::GET, "/v2/clusters", &own), Ok(()));
        let listed = headers(&[("host", "127.0.0.1:8080"), ("origin", "https://ops.example")]);
        assert_eq!(a.check(&Method::GET, "/v2/clusters", &listed), Ok(()));
        for origin in ["https://evil.example", "http://127.0.0.1:9999", "null", "http://localhost:8080"] {
            let h = headers(&[("host", "127.0.0.1:8080"), ("origin", origin)]);
            assert!(matches!(a.check(&Method::GET, "/v2/clusters", &h), Err(Refusal::ForeignOrigin(_))), "{origin}");
            assert!(a.check(&Method::GET, "/__sim/state", &h).is_err());
            assert!(a.check(&Method::GET, "/config.json", &h).is_err());
            // The console's own files may be embedded anywhere: only the API side is closed.
            assert_eq!(a.check(&Method::GET, "/index.html", &h), Ok(()));
        }
        let no_origin = headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]);
        assert_eq!(a.check(&Method::GET, "/v2/clusters", &no_origin), Err(Refusal::CrossSite));
        let typed = headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "none")]);
        assert_eq!(a.check(&Method::GET, "/v2/clusters", &typed), Ok(()));
    }

    #[test]
    fn posts_must_be_json() {
        let a = access();
        let path = "/v2/clusters/in01-3f9a1c7e5b2d401/backups/create";
        for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            let h = headers(&[("host", "localhost"), ("content-type", ct)]);
            assert_eq!(a.check(&Method::POST, path, &h), Err(Refusal::NotJson), "{ct}");
        }
        assert_eq!(a.check(&Method::POST, path, &headers(&[("host", "localhost")])), Err(Refusal::NotJson));
        let json = headers(&[("host", "localhost"), ("content-type", "application/json; charset=utf-8")]);
        assert_eq!(a.check(&Method::POST, path, &json), Ok(()));
        assert_eq!(a.check(&Method::DELETE, "/v2/clusters/x/backups/y", &headers(&[("host", "localhost")])), Ok(()));
    }

    #[test]
    fn bad_flags_are_refused() {
        let any = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(Access::new(any, &["not a host".into()], &[]).is_err());
        assert!(Access::new(any, &[], &["https://ops.example/console".into()]).is_err());
        assert!(Access::new(any, &["::1".into()], &["http://10.0.0.5:8080".into()]).is_ok());
    }
}
