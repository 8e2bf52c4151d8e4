//! `/settings`: which API to call, and the API key (kept in memory unless the user asks to
//! remember it for this tab).

use leptos::prelude::*;

use crate::api::key::ApiKey;
use crate::rules::eligibility::RoleKnowledge;
use crate::state::Connection;
use crate::state::roles::Roles;
use crate::state::settings::{normalize_base_url, refused_by_host};

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1>"Settings"</h1>
        <ApiKeySettings />
        <BaseUrlSettings />
    }
}

#[component]
fn ApiKeySettings() -> impl IntoView {
    let conn = Connection::get();
    let draft = RwSignal::new(String::new());
    let remember = RwSignal::new(conn.remember.get_untracked());
    let error = RwSignal::new(None::<&'static str>);
    let status = RwSignal::new(String::new());

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match ApiKey::parse(&draft.get()) {
            Ok(key) => {
                let keep = remember.get();
                conn.set_key(key, keep);
                draft.set(String::new());
                error.set(None);
                status.set(if keep { "API key saved for this tab.".into() } else { "API key saved in memory.".into() });
            }
            Err(msg) => error.set(Some(msg)),
        }
    };
    let forget = move |_| {
        conn.forget_key();
        status.set("API key forgotten.".into());
    };

    view! {
        <section class="card" aria-labelledby="key-heading">
            <h2 id="key-heading">"API key"</h2>
            <Show
                when=move || !conn.server_holds_key()
                fallback=|| {
                    view! {
                        <p>
                            "The server that hosts this console adds the API key itself: there is nothing to enter \
                            here."
                        </p>
                    }
                }
            >
                <p class="muted">
                    "The key is kept in this tab's memory and is gone when you close or reload it, unless you ask "
                    "to remember it for this tab. It is never stored beyond the tab."
                </p>
                <p class="key-state">
                    {move || match conn.key.get() {
                        Some(k) => {
                            let role = use_context::<Roles>().map_or(RoleKnowledge::Unknown, |r| r.of(k.fingerprint()));
                            let learned = match role {
                                RoleKnowledge::Allowed => " Its role may create backups (the API accepted one).",
                                RoleKnowledge::Denied => " Its role may not create backups (the API refused one).",
                                RoleKnowledge::Unknown => "",
                            };
                            format!(
                                "A key ending in {} is in use{}.{learned}",
                                k.hint(),
                                if conn.remember.get() { ", remembered for this tab" } else { ", kept in memory" },
                            )
                        }
                        None => "No API key is set.".to_owned(),
                    }}
                </p>
                <form class="stack" on:submit=save>
                    <label for="api-key">"API key"</label>
                    <input
                        id="api-key"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby="api-key-error"
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || draft.get()
                        on:input:target=move |ev| draft.set(ev.target().value())
                    />
                    <p id="api-key-error" class="field-error">
                        {move || error.get()}
                    </p>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            prop:checked=move || remember.get()
                            on:change:target=move |ev| remember.set(ev.target().checked())
                        />
                        "Remember for this tab (sessionStorage)"
                    </label>
                    <div class="buttons">
                        <button type="submit" class="primary">
                            "Save key"
                        </button>
                        <button type="button" on:click=forget disabled=move || conn.key.with(Option::is_none)>
                            "Forget key"
                        </button>
                    </div>
                </form>
            </Show>
            <p role="status" class="status-line">
                {move || status.get()}
            </p>
        </section>
    }
}

#[component]
fn BaseUrlSettings() -> impl IntoView {
    let conn = Connection::get();
    let draft = RwSignal::new(conn.user_base_url.get_untracked().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = normalize_base_url(&draft.get()).and_then(|url| {
            let connect = conn.deploy.with_untracked(|d| d.as_ref().and_then(|d| d.connect_origins.clone()));
            match url.as_deref().and_then(|u| refused_by_host(u, &conn.origin(), connect.as_deref())) {
                Some(why) => Err(why),
                None => Ok(url),
            }
        });
        match checked {
            Ok(url) => {
                draft.set(url.clone().unwrap_or_default());
                conn.set_base_url(url);
                error.set(None);
                status.set(format!("Requests now go to {}.", conn.base_url()));
            }
            Err(msg) => error.set(Some(msg)),
        }
    };

    view! {
        <section class="card" aria-labelledby="url-heading">
            <h2 id="url-heading">"API endpoint"</h2>
            <form class="stack" on:submit=save>
                <label for="api-base-url">"API base URL"</label>
                <input
                    id="api-base-url"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder=move || conn.default_base_url()
                    aria-describedby="api-base-url-help api-base-url-error"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || draft.get()
                    on:input:target=move |ev| draft.set(ev.target().value())
                />
                <p id="api-base-url-help" class="muted">
                    "Leave empty to use the default: "
                    <code>{move || conn.default_base_url()}</code>
                    ". Paths such as /v2/clusters are added to it."
                </p>
                <p id="api-base-url-error" class="field-error" role="alert">
                    {move || error.get()}
                </p>
                <div class="buttons">
                    <button type="submit" class="primary">
                        "Save endpoint"
                    </button>
                </div>
            </form>
            <p role="status" class="status-line">
                {move || status.get()}
            </p>
        </section>
    }
}

// The page as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    settings,
    pub fn chunk() {
        view! { <SettingsPage /> }.into_any()
    }
);
