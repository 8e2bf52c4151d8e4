//! How an API error is shown: what happened, what to do, and the raw details behind a toggle.

use leptos::prelude::*;

use crate::api::{ApiError, ErrorKind};

#[component]
pub fn ErrorPanel(
    error: ApiError,
    /// Offered as a "Try again" button when given.
    #[prop(optional)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let to_settings =
        matches!(error.kind, ErrorKind::Unauthorized | ErrorKind::Network | ErrorKind::NotJson | ErrorKind::BadShape);
    let details = error.details();
    view! {
        <div class="error-panel" role="alert">
            <p class="error-title">{error.title()}</p>
            <p class="error-action">{error.action()}</p>
            <div class="error-buttons">
                {retry.map(|r| view! { <button type="button" on:click=move |_| r.run(())>"Try again"</button> })}
                {to_settings.then(|| view! { <a class="button-link" href="/settings">"Open Settings"</a> })}
            </div>
            {(!details.is_empty()).then(|| view! {
                <details class="error-details">
                    <summary>"Details"</summary>
                    <code>{details}</code>
                </details>
            })}
        </div>
    }
}
