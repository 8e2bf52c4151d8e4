//! The toast stack. It is an aria-live region that exists from page load, so screen readers
//! announce each new toast (WCAG 4.1.3).

use leptos::prelude::*;

use crate::state::toasts::{ToastTone, Toasts};

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::get();
    view! {
        <div class="toasts" role="status" aria-live="polite" aria-label="Notifications">
            <For each=move || toasts.items.get() key=|t| t.id let:t>
                <div class=match t.tone {
                    ToastTone::Success => "toast toast-success",
                    ToastTone::Error => "toast toast-error",
                    ToastTone::Info => "toast",
                }>
                    <span class="toast-text">{t.text.clone()}</span>
                    {t
                        .link
                        .clone()
                        .map(|(label, href)| {
                            view! {
                                <a class="toast-link" href=href>
                                    {label}
                                </a>
                            }
                        })}
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss notification"
                        on:click=move |_| toasts.dismiss(t.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
