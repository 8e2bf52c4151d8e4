//! Helpers for browser tests: a fresh host element per test, and finders that work the way a
//! user does (label text, role and accessible name, button text).
#![allow(dead_code, unused_imports)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

pub use leptos::task::tick;

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A `<section>` appended to `<body>` for one test, removed when dropped.
pub struct Host(HtmlElement);

impl Host {
    pub fn new() -> Host {
        let el: HtmlElement = document().create_element("section").unwrap().unchecked_into();
        document().body().unwrap().append_child(&el).unwrap();
        Host(el)
    }

    pub fn el(&self) -> HtmlElement {
        self.0.clone()
    }

    pub fn text(&self) -> String {
        self.0.text_content().unwrap_or_default()
    }

    pub fn text_of(&self, selector: &str) -> String {
        self.0.query_selector(selector).unwrap().map(|e| e.text_content().unwrap_or_default()).unwrap_or_default()
    }

    pub fn all_texts(&self, selector: &str) -> Vec<String> {
        let list = self.0.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| n.text_content().unwrap_or_default().trim().to_owned())
            .collect()
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.0.query_selector_all(selector).unwrap();
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
    }

    /// The form control whose `<label>` reads `text` (for= or wrapping label).
    pub fn try_by_label(&self, text: &str) -> Option<HtmlInputElement> {
        for label in self.all("label") {
            if label.text_content().unwrap_or_default().trim() != text {
                continue;
            }
            if let Some(id) = label.get_attribute("for") {
                return self.0.query_selector(&format!("#{id}")).ok().flatten().map(|e| e.unchecked_into());
            }
            return label.query_selector("input, select, textarea").ok().flatten().map(|e| e.unchecked_into());
        }
        None
    }

    pub fn by_label(&self, text: &str) -> HtmlInputElement {
        self.try_by_label(text).unwrap_or_else(|| panic!("no control labelled {text:?} in: {}", self.text()))
    }

    pub fn checkbox(&self, label: &str) -> HtmlInputElement {
        self.by_label(label)
    }

    /// A `<button>` by its visible text.
    pub fn button(&self, text: &str) -> HtmlElement {
        self.all("button")
            .into_iter()
            .find(|b| b.text_content().unwrap_or_default().trim() == text)
            .unwrap_or_else(|| panic!("no button {text:?} in: {}", self.text()))
            .unchecked_into()
    }

    /// An element by role and accessible name: `table` named by its caption, or any element
    /// with that explicit role and `aria-label`.
    pub fn by_role_name(&self, role: &str, name: &str) -> Element {
        let candidates = self.all(&format!("{role}, [role=\"{role}\"]"));
        candidates
            .into_iter()
            .find(|e| {
                let label = e.get_attribute("aria-label").unwrap_or_default();
                let caption =
                    e.query_selector("caption").ok().flatten().and_then(|c| c.text_content()).unwrap_or_default();
                label == name || caption.trim() == name
            })
            .unwrap_or_else(|| panic!("no {role} named {name:?}"))
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.0.remove();
    }
}

/// The text of each body row's cells (th and td).
pub fn row_texts(table: &Element) -> Vec<Vec<String>> {
    let rows = table.query_selector_all("tbody tr").unwrap();
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .map(|row| {
            let row: Element = row.unchecked_into();
            let cells = row.query_selector_all("th, td").unwrap();
            (0..cells.length())
                .filter_map(|i| cells.item(i))
                .map(|c| c.text_content().unwrap_or_default().trim().to_owned())
                .collect()
        })
        .collect()
}

/// Types into an input as a user would: sets the value and fires `input`.
pub fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let ev = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    input.dispatch_event(&ev).unwrap();
}

pub fn session_item(key: &str) -> Option<String> {
    web_sys::window().unwrap().session_storage().unwrap().unwrap().get_item(key).unwrap()
}

pub fn local_item(key: &str) -> Option<String> {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item(key).unwrap()
}

pub fn clear_storage() {
    let w = web_sys::window().unwrap();
    w.session_storage().unwrap().unwrap().clear().unwrap();
    w.local_storage().unwrap().unwrap().clear().unwrap();
}

/// Waits (up to 15 s) until `ok` holds, re-checking every 50 ms.
pub async fn until(what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..300 {
        if ok() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// Chooses an option of a `<select>` as a user would: sets the value and fires `change`.
pub fn choose(select: &web_sys::HtmlSelectElement, value: &str) {
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

/// The local server the browser tests talk to (`make test-browser` starts it).
pub const SIM_URL: &str = match option_env!("SIM_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:18181",
};

/// Calls one of the simulator's admin routes: GET without a body, POST with one. Returns the
/// envelope's `data`.
pub async fn sim(path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let url = format!("{SIM_URL}{path}");
    let resp = match body {
        None => gloo_net::http::Request::get(&url).send().await,
        Some(b) => gloo_net::http::Request::post(&url).json(&b).unwrap().send().await,
    }
    .expect("the simulator's admin route answers");
    resp.json::<serde_json::Value>().await.unwrap().get("data").cloned().unwrap_or(serde_json::Value::Null)
}

/// The console's providers as `App` sets them up, pointed at the simulator with `key`: the
/// connection, toasts, roles, the job register and the Create Backup target. Call it inside
/// the mount closure.
pub fn provide_console(
    key: &str,
) -> (backup_console::components::create_backup::CreateBackupTarget, backup_console::state::jobs::Jobs) {
    use backup_console::api::key::ApiKey;
    use backup_console::state::{Connection, jobs::Jobs, roles::Roles, toasts::Toasts};
    use leptos::prelude::Set;
    let conn = Connection::provide();
    conn.deploy.set(Some(api_types::DeployConfig::default()));
    conn.user_base_url.set(Some(SIM_URL.to_owned()));
    conn.key.set(Some(ApiKey::parse(key).expect("a demo key")));
    let toasts = Toasts::provide();
    Roles::provide();
    let jobs = Jobs::provide(conn, toasts);
    (backup_console::components::create_backup::CreateBackupTarget::provide(), jobs)
}

/// Puts the test page at `path` (the router reads it), and back where it was when dropped.
pub struct At(String);

impl At {
    pub fn go(path: &str) -> At {
        let w = web_sys::window().unwrap();
        let was = w.location().href().unwrap();
        w.history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path)).unwrap();
        At(was)
    }
}

impl Drop for At {
    fn drop(&mut self) {
        let h = web_sys::window().unwrap().history().unwrap();
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&self.0));
    }
}
