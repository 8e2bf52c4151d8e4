//! Where the dialog lives: `CreateBackupTarget` says which cluster it is open for, and
//! `CreateBackupHost` (placed once in the layout) renders it and closes it on navigation.

use api_types::Cluster;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::dialog::CreateBackupDialog;
use crate::components::lazy_view::{LazyView, Loader};
use crate::rules::backup_form::BackupForm;

// The dialog as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    create_backup,
    fn dialog_chunk(cluster: Cluster, like: Option<Like>, on_closed: Callback<()>) {
        let form = like.map(BackupForm::with_collections);
        view! { <CreateBackupDialog cluster form=form.unwrap_or_default() on_closed /> }.into_any()
    },
    preload prefetch_dialog
);

/// A collection backup to start from: a database and its collections.
pub type Like = (String, Vec<String>);

/// Which cluster the dialog is open for, and the collections it starts with (`None`: closed).
/// Provided by `App`. (Plain values, not the form: this type is in the first load.)
#[derive(Clone, Copy)]
pub struct CreateBackupTarget(RwSignal<Option<(Cluster, Option<Like>)>>);

impl CreateBackupTarget {
    pub fn provide() -> Self {
        let t = CreateBackupTarget(RwSignal::new(None));
        provide_context(t);
        t
    }

    pub fn get() -> Self {
        expect_context::<CreateBackupTarget>()
    }

    pub fn open(&self, cluster: Cluster) {
        self.0.set(Some((cluster, None)));
    }

    /// Opens the dialog filled in ("Create backup like this": `like` names a database and its
    /// collections, `None` is the whole cluster); the checklist and the cost are still seen
    /// before anything is sent.
    pub fn open_like(&self, cluster: Cluster, like: Option<Like>) {
        self.0.set(Some((cluster, like)));
    }

    /// Fetches the dialog's chunk ahead (a Create Backup button is in view, hovered or
    /// focused), so that opening it feels instant. Does nothing once it is in.
    pub fn prefetch(&self) {
        leptos::task::spawn_local(async {
            // A failure here is reported when the dialog is opened (with Retry).
            let _ = prefetch_dialog().await;
        });
    }
}

/// Placed once in the layout: renders the dialog while a target is set.
#[component]
pub fn CreateBackupHost() -> impl IntoView {
    let target = CreateBackupTarget::get();
    // A link followed from the dialog (a fix, "View job") leaves the dialog behind: close it
    // on any navigation, the fragment included (`#upgrade` on the cluster's own page).
    let location = use_location();
    Effect::new(move |previous: Option<(String, String)>| {
        let now = (location.pathname.get(), location.hash.get());
        if previous.is_some_and(|p| p != now) {
            target.0.set(None);
        }
        now
    });
    let on_closed = Callback::new(move |_| target.0.set(None));
    move || {
        target.0.get().map(|(cluster, like)| {
            let load = Loader::new(move || dialog_chunk(cluster.clone(), like.clone(), on_closed));
            view! { <LazyView load what="the Create Backup dialog" on_dismiss=on_closed /> }
        })
    }
}
