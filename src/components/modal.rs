//! The frame of every dialog after Create Backup: a native modal `<dialog>` (focus moves in and
//! is kept there, the page behind is inert, Escape closes), named by its heading.

use leptos::html;
use leptos::prelude::*;

/// Closes the dialog (Cancel, Close, or after success); `on_closed` then runs.
pub fn close(dialog: NodeRef<html::Dialog>) {
    if let Some(d) = dialog.try_get_untracked().flatten() {
        d.close();
    }
}

#[component]
pub fn Modal(
    /// The dialog's element, for [`close`].
    dialog: NodeRef<html::Dialog>,
    /// Id of the heading that names the dialog.
    labelled_by: &'static str,
    /// Extra class (besides `modal`).
    #[prop(optional)]
    class: &'static str,
    /// Called after the dialog closed, however it closed.
    on_closed: Callback<()>,
    /// While true, Escape does not close it: a request is out whose answer must be seen.
    #[prop(optional, into)]
    busy: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    // Shown as a modal once mounted.
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            crate::browser::show_modal(d);
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {class}")
            aria-labelledby=labelled_by
            on:close=move |_| on_closed.run(())
            on:cancel=move |ev: leptos::ev::Event| {
                if busy.is_some_and(|b| b.get_untracked()) {
                    ev.prevent_default();
                }
            }
        >
            {children()}
        </dialog>
    }
}
