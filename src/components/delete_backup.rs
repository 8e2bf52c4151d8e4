//! The "Delete backup" dialog: names the backup, says deletion cannot be undone and what it
//! frees, asks for the name of a manual backup to be typed, and sends one Delete. The backup
//! is gone from the console only when the API confirms; a failure keeps the dialog open with
//! the reason.

use api_types::{ApiError, BackupDetail};
use leptos::html;
use leptos::prelude::*;

use crate::components::error_panel::ErrorPanel;
use crate::components::modal::{Modal, close};
use crate::rules::backup_actions::{confirmation_text, confirms, delete_needs_typed_name};
use crate::rules::cost::{self, CostInput, Estimate};
use crate::rules::{format, reconcile};
use crate::state::Connection;
use crate::state::roles::Roles;
use crate::state::toasts::{ToastTone, Toasts};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Sending,
    /// The answer was lost: reading the backup again to learn whether it went.
    Checking,
    Failed(ApiError),
}

#[component]
pub fn DeleteBackupDialog(
    detail: BackupDetail,
    on_closed: Callback<()>,
    /// After the API confirmed the deletion (the dialog has closed).
    on_deleted: Callback<()>,
) -> impl IntoView {
    let conn = Connection::get();
    let roles = Roles::get();
    let toasts = Toasts::get();
    let dialog = NodeRef::<html::Dialog>::new();
    let b = detail.backup.clone();
    let typed_name = delete_needs_typed_name(&detail);
    let typed = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Idle);
    let name = StoredValue::new(confirmation_text(&detail).to_owned());
    let ready = move || !typed_name || name.with_value(|n| confirms(&typed.get(), n));

    let frees = match (
        b.size,
        cost::estimate(&CostInput { region_id: &detail.region_id, size_bytes: b.size, copy_regions: &[] }),
    ) {
        (Some(size), Estimate::Known { monthly_micro_usd, .. }) => format!(
            "It frees {} of backup storage, about {} a month.",
            format::bytes(size),
            cost::format_usd(monthly_micro_usd)
        ),
        (Some(size), _) => format!("It frees {} of backup storage.", format::bytes(size)),
        (None, _) => "Its size is not known.".to_owned(),
    };

    let (cluster_id, backup_id) = (b.cluster_id.clone(), b.backup_id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // One click, one request: nothing is sent while a request is out.
        if matches!(phase.get_untracked(), Phase::Sending | Phase::Checking) || !ready() {
            return;
        }
        phase.set(Phase::Sending);
        let client = conn.client();
        let key = conn.key.with_untracked(|k| k.as_ref().map(|k| k.fingerprint()).unwrap_or(0));
        let (cluster_id, backup_id, name) = (cluster_id.clone(), backup_id.clone(), name.get_value());
        leptos::task::spawn_local(async move {
            let result = client.delete_backup(&cluster_id, &backup_id).await.map(|_| ());
            roles.learn_from(key, &result);
            let result = match result {
                Err(e) if reconcile::outcome_unknown(&e) => {
                    let _ = phase.try_set(Phase::Checking);
                    // Gone now means the lost answer was a success.
                    match client.describe_backup(&cluster_id, &backup_id).await {
                        Err(again) if reconcile::says_gone(&again) => Ok(()),
                        _ => Err(e),
                    }
                }
                other => other,
            };
            match result {
                Ok(()) => {
                    toasts.push(format!("Backup {name} was deleted."), None, ToastTone::Success);
                    close(dialog);
                    on_deleted.run(());
                }
                Err(e) => {
                    let _ = phase.try_set(Phase::Failed(e));
                }
            }
        });
    };

    view! {
        <Modal dialog labelled_by="delete-backup-title" class="narrow" on_closed>
            <form class="modal-body" on:submit=submit novalidate>
                <header class="modal-header">
                    <h2 id="delete-backup-title">"Delete backup"</h2>
                    <p class="muted">{b.backup_name.clone()} " · " {b.cluster_name.clone()}</p>
                </header>
                <div class="modal-scroll">
                    <p>
                        <strong>{format!("Delete backup {}?", b.backup_name)}</strong>
                        " Deletion cannot be undone: its data cannot be restored afterwards."
                    </p>
                    <p>{frees}</p>
                    {typed_name
                        .then(|| {
                            view! {
                                <p>
                                    "This is a manual backup: it is kept until deleted, and it may be the last copy of \
                                    this data."
                                </p>
                                <label for="delete-confirm">
                                    {format!("Type the backup's name, {}, to confirm", name.get_value())}
                                </label>
                                <input
                                    id="delete-confirm"
                                    type="text"
                                    autocomplete="off"
                                    spellcheck="false"
                                    prop:value=move || typed.get()
                                    on:input:target=move |ev| typed.set(ev.target().value())
                                />
                            }
                        })}
                </div>
                <footer class="modal-footer">
                    <div class="create-outcome">
                        {move || match phase.get() {
                            Phase::Failed(error) => view! { <ErrorPanel error /> }.into_any(),
                            _ => ().into_any(),
                        }} <p class="outcome-line" role="status">
                            {move || match phase.get() {
                                Phase::Sending => "Deleting…",
                                Phase::Checking => "The answer was lost; checking whether the backup is gone…",
                                _ => "",
                            }}
                        </p>
                    </div>
                    <p id="delete-reason" class="disabled-reason" aria-live="polite">
                        {move || (!ready()).then_some("Type the backup's name exactly to delete it.")}
                    </p>
                    <div class="footer-buttons">
                        <button type="button" on:click=move |_| close(dialog)>
                            "Cancel"
                        </button>
                        <button
                            type="submit"
                            class="danger"
                            aria-disabled=move || {
                                (!ready() || matches!(phase.get(), Phase::Sending | Phase::Checking)).then_some("true")
                            }
                            aria-describedby="delete-reason"
                        >
                            {move || match phase.get() {
                                Phase::Sending | Phase::Checking => "Deleting…",
                                _ => "Delete backup",
                            }}
                        </button>
                    </div>
                </footer>
            </form>
        </Modal>
    }
}

// The dialog as a chunk of the split release build (src/components/lazy_view.rs).
crate::split_view!(
    delete_backup,
    pub fn chunk(detail: BackupDetail, on_closed: Callback<()>, on_deleted: Callback<()>) {
        view! { <DeleteBackupDialog detail on_closed on_deleted /> }.into_any()
    }
);
