//! Connection settings: which API to call and with which key.
//!
//! The rules are plain Rust (tested natively): where the base URL comes from, what a valid one
//! looks like, and where the key may be kept. The key is a secret: it lives in memory, goes to
//! sessionStorage only when the user opts in to "remember for this tab", and is never written to
//! localStorage, never put in a URL and never printed (its `Debug` is redacted).

use crate::api::key::ApiKey;
use crate::rules::store::Store;

/// Storage keys. The base URL is not a secret and may persist; the key only per tab.
pub const BASE_URL_KEY: &str = "zbc.apiBaseUrl";
pub const API_KEY_KEY: &str = "zbc.apiKey";

/// Checks a base URL typed by the user or read from `config.json`, and normalises it:
/// `http(s)://host[:port][/path]` without credentials, query or fragment, no trailing slash and
/// no trailing `/v2` (the client adds `/v2/...` itself). Empty input means "use the default".
pub fn normalize_base_url(input: &str) -> Result<Option<String>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        r
    } else {
        return Err("The API base URL must start with https:// (or http:// for a local server).".into());
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The API base URL must not contain spaces.".into());
    }
    if s.contains(['?', '#']) {
        return Err("The API base URL must not have a query (?) or fragment (#).".into());
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return Err("Do not put credentials in the URL: enter the API key in its own field.".into());
    }
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() { h } else { authority }
    });
    if host.is_empty() || host.starts_with('.') || host.ends_with('.') && host.len() == 1 {
        return Err("The API base URL has no host name.".into());
    }
    let mut url = s.trim_end_matches('/').to_owned();
    if let Some(stripped) = url.strip_suffix("/v2") {
        url = stripped.to_owned();
    }
    Ok(Some(url))
}

/// Where requests go: the user's choice, else the deploy-time default from `config.json`, else
/// where the console itself is served, `home` (origin and base path: the local server, or a
/// same-origin reverse proxy at the root or beside the console under its sub-path).
pub fn resolve_base_url(user: Option<&str>, deploy: Option<&str>, home: &str) -> String {
    let pick = |v: Option<&str>| v.and_then(|s| normalize_base_url(s).ok().flatten());
    pick(user).or_else(|| pick(deploy)).unwrap_or_else(|| home.trim_end_matches('/').to_owned())
}

/// `scheme://host[:port]` of a normalised base URL, lower case.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split('/').next().unwrap_or("");
    format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase())
}

/// Whether the page may call `url` at all, before it is saved: the host that served the console
/// lists in `config.json` the origins its Content-Security-Policy lets it call (`connect`;
/// `None` when it does not say, as on a static host, and then nothing can be checked). The
/// refusal says why and what to do instead of letting every page fail later.
pub fn refused_by_host(url: &str, own_origin: &str, connect: Option<&[String]>) -> Option<String> {
    let connect = connect?;
    let wanted = origin_of(url);
    let own = own_origin.trim_end_matches('/').to_ascii_lowercase();
    if wanted == own || connect.iter().any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(&wanted)) {
        return None;
    }
    let allowed =
        std::iter::once(own.as_str()).chain(connect.iter().map(String::as_str)).collect::<Vec<_>>().join(", ");
    Some(format!(
        "The server that hosts this console lets it call only {allowed}: its Content-Security-Policy would block \
         {wanted}. Start that server with --connect-origin {wanted} (that API must also allow this page's origin), \
         or leave this empty and let the server reach the API for you (its gateway, --upstream)."
    ))
}

/// What was saved from an earlier visit. Unreadable saved values are ignored, never fatal.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Saved {
    pub base_url: Option<String>,
    /// Present only if the user opted in to "remember for this tab".
    pub key: Option<ApiKey>,
}

pub fn load(session: &dyn Store, local: &dyn Store) -> Saved {
    // A key someone (an older build, a script) left in localStorage is removed, not used.
    local.remove(API_KEY_KEY);
    Saved {
        base_url: local.get(BASE_URL_KEY).and_then(|u| normalize_base_url(&u).ok().flatten()),
        key: session.get(API_KEY_KEY).and_then(|k| ApiKey::parse(&k).ok()),
    }
}

/// Saves the key where the user allowed: sessionStorage when `remember`, nowhere otherwise.
pub fn save_key(session: &dyn Store, key: &ApiKey, remember: bool) {
    if remember {
        session.set(API_KEY_KEY, key.as_stored());
    } else {
        session.remove(API_KEY_KEY);
    }
}

pub fn forget_key(session: &dyn Store) {
    session.remove(API_KEY_KEY);
}

pub fn save_base_url(local: &dyn Store, url: Option<&str>) {
    match url {
        Some(u) => local.set(BASE_URL_KEY, u),
        None => local.remove(BASE_URL_KEY),
    }
}

/// The browser's storages. A storage that is missing or throws (private mode, quota, disabled
/// cookies) behaves as empty: settings then live in memory only.
pub mod web {
    use super::Store;
    use crate::rules::store::StoreFull;

    pub struct WebStore(Option<web_sys::Storage>);

    impl WebStore {
        pub fn session() -> Self {
            WebStore(web_sys::window().and_then(|w| w.session_storage().ok().flatten()))
        }
        pub fn local() -> Self {
            WebStore(web_sys::window().and_then(|w| w.local_storage().ok().flatten()))
        }
    }

    impl Store for WebStore {
        fn get(&self, key: &str) -> Option<String> {
            self.0.as_ref()?.get_item(key).ok().flatten()
        }
        fn set(&self, key: &str, value: &str) {
            if let Some(s) = &self.0 {
                let _ = s.set_item(key, value);
            }
        }
        fn remove(&self, key: &str) {
            if let Some(s) = &self.0 {
                let _ = s.remove_item(key);
            }
        }
        fn try_set(&self, key: &str, value: &str) -> Result<(), StoreFull> {
            self.0.as_ref().ok_or(StoreFull)?.set_item(key, value).map_err(|_| StoreFull)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::store::memory::MemStore as Mem;

    #[test]
    fn a_base_url_the_host_would_block_is_refused_before_saving() {
        let own = "http://127.0.0.1:8080";
        // Own origin, any path: fine. A listed origin: fine, whatever the case.
        assert_eq!(refused_by_host("http://127.0.0.1:8080/api", own, Some(&[])), None);
        let listed = vec!["https://api.cloud.zilliz.com".to_owned()];
        assert_eq!(refused_by_host("https://API.cloud.zilliz.com", own, Some(&listed)), None);
        // Another origin (another port is another origin): refused, saying what to do.
        let why = refused_by_host("http://127.0.0.1:9000", own, Some(&listed)).expect("refused");
        assert!(why.contains("--connect-origin http://127.0.0.1:9000"), "{why}");
        assert!(why.contains("only http://127.0.0.1:8080, https://api.cloud.zilliz.com"), "{why}");
        // A host that does not say (a static host): nothing to check.
        assert_eq!(refused_by_host("https://elsewhere.example", own, None), None);
    }

    #[test]
    fn base_url_normalisation() {
        assert_eq!(
            normalize_base_url("  https://api.cloud.zilliz.com/ "),
            Ok(Some("https://api.cloud.zilliz.com".into()))
        );
        assert_eq!(
            normalize_base_url("https://api.cloud.zilliz.com/v2/"),
            Ok(Some("https://api.cloud.zilliz.com".into()))
        );
        assert_eq!(normalize_base_url("http://127.0.0.1:8080/proxy"), Ok(Some("http://127.0.0.1:8080/proxy".into())));
        assert_eq!(normalize_base_url(""), Ok(None));
        for bad in [
            "api.cloud.zilliz.com",
            "ftp://x",
            "https://",
            "https://user:pw@host",
            "https://h/?k=1",
            "https://h/#x",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn base_url_precedence_user_then_deploy_then_origin() {
        let origin = "http://127.0.0.1:8080";
        assert_eq!(resolve_base_url(None, None, origin), origin);
        assert_eq!(resolve_base_url(None, Some("https://gw.example/"), origin), "https://gw.example");
        assert_eq!(
            resolve_base_url(Some("https://mine.example"), Some("https://gw.example"), origin),
            "https://mine.example"
        );
        // An invalid saved value falls through to the next source instead of breaking the app.
        assert_eq!(resolve_base_url(Some("nonsense"), Some("also bad"), origin), origin);
        // Under a sub-path the API is looked for beside the console.
        let home = "https://ops.example.com/backup-console/";
        assert_eq!(resolve_base_url(None, None, home), "https://ops.example.com/backup-console");
    }

    #[test]
    fn key_is_kept_per_tab_only_when_asked_and_never_in_local_storage() {
        let (session, local) = (Mem::default(), Mem::default());
        let key = ApiKey::parse("secret-1").unwrap();
        save_key(&session, &key, false);
        assert_eq!(session.get(API_KEY_KEY), None);
        save_key(&session, &key, true);
        assert_eq!(session.get(API_KEY_KEY).as_deref(), Some("secret-1"));
        assert!(local.0.borrow().is_empty());
        assert_eq!(load(&session, &local).key, Some(key.clone()));
        forget_key(&session);
        assert_eq!(load(&session, &local).key, None);
    }

    #[test]
    fn load_ignores_bad_values_and_purges_a_key_in_local_storage() {
        let (session, local) = (Mem::default(), Mem::default());
        local.set(API_KEY_KEY, "leaked");
        local.set(BASE_URL_KEY, "not a url");
        session.set(API_KEY_KEY, "has space");
        let saved = load(&session, &local);
        assert_eq!(saved, Saved::default());
        assert_eq!(local.get(API_KEY_KEY), None);
        save_base_url(&local, Some("https://x.example"));
        assert_eq!(load(&session, &local).base_url.as_deref(), Some("https://x.example"));
        save_base_url(&local, None);
        assert_eq!(load(&session, &local).base_url, None);
    }
}
