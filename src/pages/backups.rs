//! `/backups`: every backup the key can see (List Backups).

use api_types::{ApiError, BackupPage};
use leptos::prelude::*;

use crate::api::client::BackupFilter;
use crate::components::{backup_table::BackupTable, error_panel::ErrorPanel, needs_key::NeedsKey};
use crate::state::Connection;
use crate::state::jobs::Jobs;

#[component]
pub fn BackupsPage() -> impl IntoView {
    let conn = Connection::get();
    let jobs = Jobs::get();
    let data = conn.load(move |client| {
        // A backup or restore job finishing refreshes the list once.
        jobs.finished.track();
        async move { client.list_backups(&BackupFilter::default()).await }
    });
    view! {
        <h1>"Backups"</h1>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading backups…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    let result: Option<Result<BackupPage, ApiError>> = data.await;
                    match result {
                        Some(Ok(page)) => view! { <BackupTable backups=page.backups /> }.into_any(),
                        Some(Err(error)) => {
                            view! { <ErrorPanel error retry=Callback::new(move |_| data.refetch()) /> }.into_any()
                        }
                        None => ().into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

// The page as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    backups,
    pub fn chunk() {
        view! { <BackupsPage /> }.into_any()
    }
);
