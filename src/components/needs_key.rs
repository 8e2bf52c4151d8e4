//! Shown instead of data while the console has no API key to call the API with.

use leptos::prelude::*;

use crate::route::Route;
use crate::state::Connection;

#[component]
pub fn NeedsKey() -> impl IntoView {
    let conn = Connection::get();
    view! {
        {move || {
            if conn.deploy.with(Option::is_none) {
                view! {
                    <p class="loading" role="status">
                        "Loading settings…"
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <div class="notice">
                        <p>"The console needs an API key to talk to the API."</p>
                        <p>
                            <a class="button-link" href=Route::Settings.href()>
                                "Enter your API key in Settings"
                            </a>
                        </p>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}
