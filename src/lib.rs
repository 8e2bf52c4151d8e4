//! The backup console: providers, the router and the page layout.
//!
//! Layout of the crate: `api/` talks to the API, `rules/` holds plain-Rust decisions,
//! `state/` the app-wide context, `components/` reusable view pieces, `pages/` one file per route.

pub mod api;
pub mod browser;
pub mod components;
pub mod pages;
pub mod route;
pub mod rules;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{ParamSegment, StaticSegment};

use components::create_backup::{CreateBackupHost, CreateBackupTarget};
use components::header::Header;
use components::toasts::ToastRegion;
use pages::{
    backups::BackupsPage, cluster::ClusterPage, clusters::ClustersPage, jobs::JobsPage, not_found::NotFound,
    settings::SettingsPage,
};
use state::{Connection, jobs::Jobs, roles::Roles, toasts::Toasts};

#[component]
pub fn App() -> impl IntoView {
    let conn = Connection::provide();
    let toasts = Toasts::provide();
    Roles::provide();
    Jobs::provide(conn, toasts);
    CreateBackupTarget::provide();
    // Deploy-time settings next to index.html; missing or unreadable means "defaults".
    let config = LocalResource::new(api::client::load_deploy_config);
    Effect::new(move |_| {
        if let Some(cfg) = config.get() {
            conn.deploy.set(Some(cfg));
        }
    });

    view! {
        <Router>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=|| view! { <Redirect path=route::Route::Clusters.href() /> } />
                    <Route path=StaticSegment(route::CLUSTERS) view=ClustersPage />
                    <Route path=(StaticSegment(route::CLUSTERS), ParamSegment(route::ID)) view=ClusterPage />
                    <Route path=StaticSegment(route::BACKUPS) view=BackupsPage />
                    <Route path=StaticSegment(route::JOBS) view=JobsPage />
                    <Route path=(StaticSegment(route::JOBS), ParamSegment(route::ID)) view=JobsPage />
                    <Route path=StaticSegment(route::SETTINGS) view=SettingsPage />
                </Routes>
            </main>
            <CreateBackupHost />
            <ToastRegion />
        </Router>
    }
}
