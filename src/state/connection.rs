//! The reactive connection context: deploy-time config, the user's base URL and key, and the
//! API client built from them. Pages read it with `Connection::get()`.

use std::future::Future;

use api_types::{ApiError, DeployConfig, DeployMode};
use leptos::prelude::*;

use super::settings::{self, web::WebStore};
use crate::api::ApiClient;
use crate::api::key::ApiKey;

#[derive(Clone, Copy)]
pub struct Connection {
    /// `None` while `config.json` is loading.
    pub deploy: RwSignal<Option<DeployConfig>>,
    /// The user's own base URL (normalised), if they set one.
    pub user_base_url: RwSignal<Option<String>>,
    pub key: RwSignal<Option<ApiKey>>,
    /// "Remember for this tab" (sessionStorage) opt-in.
    pub remember: RwSignal<bool>,
    origin: StoredValue<String>,
    /// Where the console is served: the origin and the base path (`route::base`). The API is
    /// looked for there unless configured: a static host proxies `<base>/v2/`.
    home: StoredValue<String>,
}

impl Connection {
    /// Creates the context from what this tab saved earlier, and provides it.
    pub fn provide() -> Connection {
        let saved = settings::load(&WebStore::session(), &WebStore::local());
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let conn = Connection {
            deploy: RwSignal::new(None),
            user_base_url: RwSignal::new(saved.base_url),
            remember: RwSignal::new(saved.key.is_some()),
            key: RwSignal::new(saved.key),
            home: StoredValue::new(format!("{origin}{}", crate::route::base())),
            origin: StoredValue::new(origin),
        };
        provide_context(conn);
        conn
    }

    pub fn get() -> Connection {
        // Provided by `App` before any page renders; a missing context is a programming error
        // caught by every test that mounts a page.
        expect_context::<Connection>()
    }

    pub fn origin(&self) -> String {
        self.origin.get_value()
    }

    /// The deploy-time default, for the Settings page's placeholder.
    pub fn default_base_url(&self) -> String {
        let deploy = self.deploy.with(|d| d.as_ref().and_then(|d| d.api_base_url.clone()));
        settings::resolve_base_url(None, deploy.as_deref(), &self.home.get_value())
    }

    pub fn base_url(&self) -> String {
        let deploy = self.deploy.with(|d| d.as_ref().and_then(|d| d.api_base_url.clone()));
        settings::resolve_base_url(self.user_base_url.get().as_deref(), deploy.as_deref(), &self.home.get_value())
    }

    pub fn server_holds_key(&self) -> bool {
        self.deploy.with(|d| d.as_ref().is_some_and(|d| d.server_holds_key))
    }

    /// True once the console can call the API: config loaded and a key (or the server's).
    pub fn ready(&self) -> bool {
        self.deploy.with(Option::is_some) && (self.server_holds_key() || self.key.with(Option::is_some))
    }

    /// A client for the current settings; reading it inside a resource makes the resource
    /// refetch when the settings change.
    pub fn client(&self) -> ApiClient {
        let gateway = self.deploy.with(|d| d.as_ref().and_then(|d| d.mode) == Some(DeployMode::Gateway));
        ApiClient::new(self.base_url(), if self.server_holds_key() { None } else { self.key.get() })
            .with_data_plane_via_server(gateway)
    }

    /// A page's data: `None` until the console can call the API (config loaded and a key),
    /// then what `fetch` answers. Fetched again when the settings change, and when a signal
    /// that `fetch` reads before its first `.await` changes (a route parameter, a finished job).
    pub fn load<T, Fut>(self, fetch: impl Fn(ApiClient) -> Fut + 'static) -> LocalResource<Option<Result<T, ApiError>>>
    where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        LocalResource::new(move || {
            let pending = self.ready().then(|| fetch(self.client()));
            async move {
                match pending {
                    Some(answer) => Some(answer.await),
                    None => None,
                }
            }
        })
    }

    pub fn set_key(&self, key: ApiKey, remember: bool) {
        settings::save_key(&WebStore::session(), &key, remember);
        self.remember.set(remember);
        self.key.set(Some(key));
    }

    pub fn forget_key(&self) {
        settings::forget_key(&WebStore::session());
        self.remember.set(false);
        self.key.set(None);
    }

    pub fn set_base_url(&self, url: Option<String>) {
        settings::save_base_url(&WebStore::local(), url.as_deref());
        self.user_base_url.set(url);
    }
}
