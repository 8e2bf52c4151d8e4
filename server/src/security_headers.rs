//! Security headers on every response. The Content-Security-Policy allows the wasm module
//! (`'wasm-unsafe-eval'`) and exactly the inline loader script(s) Trunk writes into
//! index.html, by hash, computed at start-up.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// `'sha256-…'` for each inline `<script>` (one without `src`) in the page, in order.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(open) = lower[pos..].find("<script").map(|i| i + pos) {
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        let attrs = &lower[open + "<script".len()..tag_end];
        let has_src = attrs.split(|c: char| c.is_ascii_whitespace()).any(|a| a.starts_with("src="));
        if !has_src {
            // ASCII lower-casing keeps byte offsets, so they index the original text.
            let body = &html[tag_end + 1..close];
            let digest = Sha256::digest(body.as_bytes());
            out.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        pos = close;
    }
    out
}

pub fn content_security_policy(script_hashes: &[String], connect_origins: &[String]) -> String {
    let mut script_src = vec!["'self'".to_string(), "'wasm-unsafe-eval'".to_string()];
    script_src.extend(script_hashes.iter().cloned());
    let mut connect_src = vec!["'self'".to_string()];
    connect_src.extend(connect_origins.iter().cloned());
    format!(
        "default-src 'none'; script-src {}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         manifest-src 'self'; connect-src {}; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        script_src.join(" "),
        connect_src.join(" ")
    )
}

pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    pub fn new(csp: &str) -> Arc<Self> {
        Arc::new(Self {
            csp: HeaderValue::from_str(csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
        })
    }
}

pub async fn add(State(sh): State<Arc<SecurityHeaders>>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, sh.csp.clone());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<html><head><script src="/a.js"></script><SCRIPT type="module">import init from '/app.js';init();</SCRIPT></head></html>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"import init from '/app.js';init();"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        let csp = content_security_policy(&hashes, &["https://api.cloud.zilliz.com".to_owned()]);
        assert!(csp.contains("connect-src 'self' https://api.cloud.zilliz.com"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
    }
}
