//! The Create Backup dialog's view: a native modal `<dialog>` showing the model
//! (`model.rs`): the checklist, the scope, copies and cost for a Dedicated cluster, and Create
//! with its outcome beside it.

use api_types::{Cluster, Tier};
use leptos::html;
use leptos::prelude::*;

use super::checklist::Checklist;
use super::copies::Copies;
use super::cost_notice::CostNotice;
use super::model::{CreateBackupModel, Outcome, Phase};
use super::scope::ScopePicker;
use crate::browser;
use crate::components::error_panel::{ErrorPanel, LostAnswer};
use crate::route::Route;
use crate::rules::backup_form::{BackupForm, copy_options};
use crate::rules::cost;
use crate::rules::format::lower_first;

#[component]
pub fn CreateBackupDialog(
    cluster: Cluster,
    /// What the form starts with (a backup "like this" one).
    #[prop(optional)]
    form: BackupForm,
    /// Called after the dialog closed (Escape, Cancel, or success).
    on_closed: Callback<()>,
) -> impl IntoView {
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let close = move || {
        if let Some(d) = dialog_ref.try_get_untracked().flatten() {
            d.close();
        }
    };
    let model = CreateBackupModel::new(&cluster, form, Callback::new(move |_| close()));
    let dedicated = cluster.tier() == Tier::Dedicated;
    let copy_availability = copy_options(&cluster);

    // Open as a modal once mounted: focus moves in, the page behind becomes inert.
    Effect::new(move |_| {
        if let Some(d) = dialog_ref.get() {
            browser::show_modal(d);
        }
    });

    view! {
        <dialog
            node_ref=dialog_ref
            class="modal create-backup"
            aria-labelledby="create-backup-title"
            on:close=move |_| on_closed.run(())
        >
            <form
                class="modal-body"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    model.submit();
                }
                novalidate
            >
                <header class="modal-header">
                    <h2 id="create-backup-title">"Create Backup"</h2>
                    <p class="muted">
                        {cluster.cluster_name.clone()} " · " <code>{cluster.cluster_id.clone()}</code> " · "
                        {cluster.region_id.clone()}
                    </p>
                </header>
                <div class="modal-scroll">
                    <Checklist lines=Signal::derive(move || model.eligibility.with(|e| e.lines.clone())) />
                    {move || {
                        model
                            .backups_now
                            .with(|b| matches!(b, Some(Err(_))))
                            .then(|| {
                                view! {
                                    <p class="muted">
                                        "The cluster's backups could not be loaded; the API still enforces the rules \
                                        when you create."
                                    </p>
                                }
                            })
                    }}
                    // Free and Serverless clusters cannot be backed up: nothing to choose or pay.
                    {dedicated
                        .then(|| {
                            view! {
                                <ScopePicker
                                    form=model.form
                                    databases=model.databases_now
                                    collections=model.collections_now
                                    retry=Callback::new(move |_| model.retry_data_plane())
                                />
                                <Copies availability=copy_availability form=model.form />
                                <CostNotice
                                    estimate=model.estimate
                                    transfers=model.transfers
                                    assumed=model.assumed
                                    scope_note=model.scope_note
                                />
                            }
                        })}
                </div>
                <footer class="modal-footer">
                    // Where the eye is when Create is pressed: the outcome, announced.
                    <div class="create-outcome">
                        {move || match model.outcome.get() {
                            None => ().into_any(),
                            Some(Outcome::Failed(error)) => view! { <ErrorPanel error /> }.into_any(),
                            Some(Outcome::RoleRefused) => {
                                view! {
                                    <p class="outcome-line" role="alert">
                                        "The API refused: this key's role may not create backups (see the checklist)."
                                    </p>
                                }
                                    .into_any()
                            }
                            Some(Outcome::NotCreated(error)) => {
                                view! {
                                    <div class="error-panel" role="alert">
                                        <p class="error-title">
                                            {format!("No backup was made: {}", lower_first(&error.title()))}
                                        </p>
                                        <p class="error-action">
                                            "The console checked the cluster's backups and found none new. You can try \
                                            again."
                                        </p>
                                    </div>
                                }
                                    .into_any()
                            }
                            Some(Outcome::CouldNotCheck(error)) => {
                                view! {
                                    <LostAnswer
                                        error
                                        unchecked="a backup was made"
                                        look="Look at the cluster's backups"
                                    />
                                }
                                    .into_any()
                            }
                            Some(Outcome::FoundWithoutJob { backup_name }) => {
                                view! {
                                    <p class="outcome-line" role="alert">
                                        {format!(
                                            "The answer to Create was lost, but backup {backup_name} was made. Its job \
                                            could not be found, so it is not followed here; ",
                                        )}
                                        <a href=Route::Backups.href()>"see Backups"</a>
                                        "."
                                    </p>
                                }
                                    .into_any()
                            }
                        }} <p class="outcome-line" role="status">
                            {move || match model.phase.get() {
                                Phase::Checking => "Checking whether the backup was created…",
                                _ => "",
                            }}
                        </p>
                    </div>
                    {dedicated
                        .then(|| {
                            view! {
                                <p class="footer-estimate" aria-live="polite">
                                    {move || cost::summary(&model.estimate.get())}
                                </p>
                            }
                        })}
                    <p id="create-backup-reason" class="disabled-reason" aria-live="polite">
                        {move || {
                            if model.can_submit() || model.busy() {
                                String::new()
                            } else {
                                model.form_error.get().or_else(|| model.disabled_reason()).unwrap_or_default()
                            }
                        }}
                    </p>
                    <div class="footer-buttons">
                        <button type="button" on:click=move |_| close()>
                            "Cancel"
                        </button>
                        // aria-disabled rather than disabled: focus stays on the button after a
                        // click, so what happens next is heard where the person is.
                        <button
                            type="submit"
                            class="primary"
                            aria-disabled=move || (!model.can_submit()).then_some("true")
                            aria-describedby="create-backup-reason"
                        >
                            {move || match model.phase.get() {
                                Phase::Sending => "Creating…",
                                Phase::Checking => "Checking…",
                                Phase::Idle => "Create",
                            }}
                        </button>
                    </div>
                </footer>
            </form>
        </dialog>
    }
}
