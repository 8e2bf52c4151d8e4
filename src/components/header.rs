//! The app header: product name, main navigation, and which API the console is talking to.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::route::Route;
use crate::state::Connection;

#[component]
pub fn Header() -> impl IntoView {
    let conn = Connection::get();
    let mode = move || conn.deploy.with(|d| d.as_ref().and_then(|d| d.mode).and_then(|m| m.label()));
    view! {
        <header class="app-header">
            <a class="brand" href=Route::Clusters.href()>
                <span class="brand-mark" aria-hidden="true">
                    "◆"
                </span>
                "Backup Console"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li>
                        <A href=Route::Clusters.href()>"Clusters"</A>
                    </li>
                    <li>
                        <A href=Route::Backups.href()>"Backups"</A>
                    </li>
                    <li>
                        <A href=Route::Jobs.href()>"Jobs"</A>
                    </li>
                    <li>
                        <A href=Route::Settings.href()>"Settings"</A>
                    </li>
                </ul>
            </nav>
            <p class="conn-state">
                {move || {
                    mode()
                        .map(|m| {
                            view! {
                                <span class="badge badge-muted">{m}</span>
                                " "
                            }
                        })
                }} <span class="conn-url">{move || conn.base_url()}</span>
            </p>
        </header>
    }
}
