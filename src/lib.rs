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
pub mod split;
pub mod state;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{ParamSegment, PossibleRouteMatch, StaticSegment};

use components::create_backup::{CreateBackupHost, CreateBackupTarget};
use components::header::Header;
use components::lazy_view::{LazyView, Loader};
use components::toasts::ToastRegion;
use pages::{clusters::ClustersPage, not_found::NotFound};
use state::{Connection, jobs::Jobs, roles::Roles, toasts::Toasts};

/// Every route's path as one type. The router's matching code is generic over the path's type,
/// so each shape of path (one segment, two, four) would be compiled again into the first load;
/// behind one `dyn` it is compiled once.
type Path = Arc<dyn PossibleRouteMatch + Send + Sync>;

fn p(segments: impl PossibleRouteMatch + Send + Sync + 'static) -> Path {
    Arc::new(segments)
}

#[component]
pub fn App() -> impl IntoView {
    // Under a sub-path, every link and route carries the `<base href>` the operator set.
    route::set_base(&browser::base_uri());
    let conn = Connection::provide();
    let toasts = Toasts::provide();
    Roles::provide();
    Jobs::provide(conn, toasts);
    CreateBackupTarget::provide();
    // Deploy-time settings next to index.html, read once; missing or unreadable means
    // "defaults". (A task, not a resource: nothing ever reads it again.)
    leptos::task::spawn_local(async move {
        let cfg = api::client::load_deploy_config().await;
        // The app may be gone by then (an unmount in tests).
        let _ = conn.deploy.try_set(Some(cfg));
    });

    view! {
        <Router base=route::base()>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route
                        path=p(StaticSegment(""))
                        view=|| view! { <Redirect path=route::Route::Clusters.path() /> }
                    />
                    // The landing page is in the first load; every other page is a chunk of the
                    // split release build, fetched on first visit.
                    <Route path=p(StaticSegment(route::CLUSTERS)) view=ClustersPage />
                    <Route
                        path=p((StaticSegment(route::CLUSTERS), ParamSegment(route::ID)))
                        view=|| view! { <LazyView load=Loader::new(pages::cluster::chunk) what="the cluster's page" /> }
                    />
                    <Route
                        path=p((
                            StaticSegment(route::CLUSTERS),
                            ParamSegment(route::ID),
                            StaticSegment(route::BACKUPS),
                            ParamSegment(route::BACKUP_ID),
                        ))
                        view=|| view! { <LazyView load=Loader::new(pages::backup::chunk) what="the backup's page" /> }
                    />
                    <Route
                        path=p(StaticSegment(route::BACKUPS))
                        view=|| view! { <LazyView load=Loader::new(pages::backups::chunk) what="the Backups page" /> }
                    />
                    <Route
                        path=p(StaticSegment(route::JOBS))
                        view=|| view! { <LazyView load=Loader::new(pages::jobs::chunk) what="the Jobs page" /> }
                    />
                    <Route
                        path=p((StaticSegment(route::JOBS), ParamSegment(route::ID)))
                        view=|| view! { <LazyView load=Loader::new(pages::jobs::chunk) what="the Jobs page" /> }
                    />
                    <Route
                        path=p(StaticSegment(route::SETTINGS))
                        view=|| view! { <LazyView load=Loader::new(pages::settings::chunk) what="the Settings page" /> }
                    />
                </Routes>
            </main>
            <CreateBackupHost />
            <ToastRegion />
        </Router>
    }
}
