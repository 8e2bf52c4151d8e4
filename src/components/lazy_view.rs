//! Pages and dialogs that load on first use: `LazyView` renders a `split_view!` function
//! (src/split.rs), a chunk of the split release build. Until the chunk is in it shows a loading
//! line; if the chunk cannot be fetched it says so with a Retry that fetches it again.

use std::future::Future;
use std::pin::Pin;

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;

use crate::browser;
use crate::split::ChunkFailed;

/// How a `LazyView` gets its content: a `split_view!` function with its arguments bound, boxed
/// so that every page and dialog shares one `LazyView` (one copy of its code in the wasm).
#[derive(Clone)]
pub struct Loader(std::sync::Arc<dyn Fn() -> ViewFuture + Send + Sync>);

type ViewFuture = Pin<Box<dyn Future<Output = Result<AnyView, ChunkFailed>>>>;

impl Loader {
    pub fn new<Fut>(load: impl Fn() -> Fut + Send + Sync + 'static) -> Self
    where
        Fut: Future<Output = Result<AnyView, ChunkFailed>> + 'static,
    {
        Loader(std::sync::Arc::new(move || Box::pin(load())))
    }
}

/// Renders what `load` returns once its chunk is in; until then a loading line, and on a failed
/// fetch an alert with Retry. `what` names the part for the messages ("the Jobs page"). A
/// dialog passes `on_dismiss`: its failure shows in a modal of its own, with Close.
#[component]
pub fn LazyView(load: Loader, what: &'static str, #[prop(optional)] on_dismiss: Option<Callback<()>>) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let loading = RwSignal::new(true);
    let failed = RwSignal::new(false);
    // Made once, outside the views it is shown in: a Retry pressed twice finds it still there.
    let retry = Callback::new(move |_| {
        failed.set(false);
        loading.set(true);
        attempt.update(|n| *n += 1);
    });
    let loading_class = if on_dismiss.is_some() { "loading loading-dialog" } else { "loading" };
    let loading_text = format!("Loading {what}…");
    // The loading line and the failure live outside the `Suspend`, so a retry removes the
    // failure at once. A bare `Suspend`, not a `<Suspense>`: a suspense mounts its children,
    // then its fallback, then the children again, and a dialog shown as a modal in between
    // would lose its focus. The chunk's future holds browser objects (!Send): it runs on this
    // one thread, wrapped.
    view! {
        {move || {
            loading
                .get()
                .then(|| {
                    view! {
                        <p class=loading_class role="status">
                            {loading_text.clone()}
                        </p>
                    }
                })
        }}
        {move || {
            failed
                .get()
                .then(|| match on_dismiss {
                    None => view! { <ChunkError what retry /> }.into_any(),
                    Some(on_dismiss) => view! { <ChunkErrorModal what retry on_dismiss /> }.into_any(),
                })
        }}
        {move || {
            attempt.track();
            let load = load.0.clone();
            Suspend::new(
                SendWrapper::new(async move {
                    let result = load().await;
                    let _ = loading.try_set(false);
                    match result {
                        Ok(view) => view,
                        Err(ChunkFailed) => {
                            let _ = failed.try_set(true);
                            ().into_any()
                        }
                    }
                }),
            )
        }}
    }
}

#[component]
fn ChunkError(what: &'static str, retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="error-panel chunk-error" role="alert">
            <p>
                <strong>"This part of the console could not be loaded"</strong>
                {format!(" ({what}). The connection may be down, or the console was updated since this tab opened.")}
            </p>
            <p>"Retry when you are back online; if it keeps failing, reload the page to get the new version."</p>
            <button type="button" on:click=move |_| retry.run(())>
                "Retry"
            </button>
        </div>
    }
}

/// The failure of a dialog's chunk, as a modal (the page behind stays as it was).
#[component]
fn ChunkErrorModal(what: &'static str, retry: Callback<()>, on_dismiss: Callback<()>) -> impl IntoView {
    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog_ref.get() {
            browser::show_modal(d);
        }
    });
    view! {
        <dialog node_ref=dialog_ref class="modal" aria-label=what on:close=move |_| on_dismiss.run(())>
            <div class="modal-body">
                <ChunkError what retry />
                <button
                    type="button"
                    on:click=move |_| {
                        if let Some(d) = dialog_ref.try_get_untracked().flatten() {
                            d.close();
                        }
                    }
                >
                    "Close"
                </button>
            </div>
        </dialog>
    }
}
