//! Where the dialog lives: `CreateBackupTarget` says which cluster it is open for, and
//! `CreateBackupHost` (placed once in the layout) renders it and closes it on navigation.

use api_types::Cluster;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::dialog::CreateBackupDialog;

/// Which cluster the dialog is open for (`None`: closed). Provided by `App`.
#[derive(Clone, Copy)]
pub struct CreateBackupTarget(pub RwSignal<Option<Cluster>>);

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
        self.0.set(Some(cluster));
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
    move || {
        target.0.get().map(
            |cluster| view! { <CreateBackupDialog cluster on_closed=Callback::new(move |_| target.0.set(None)) /> },
        )
    }
}
