//! `/backups`: every backup the key can see (List Backups), filtered and paged by the URL query
//! (`components/backup_list.rs`).

use leptos::prelude::*;

use crate::components::{backup_list::BackupList, needs_key::NeedsKey};
use crate::state::Connection;

#[component]
pub fn BackupsPage() -> impl IntoView {
    let conn = Connection::get();
    view! {
        <h1>"Backups"</h1>
        <Show when=move || conn.ready() fallback=NeedsKey>
            <BackupList />
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
