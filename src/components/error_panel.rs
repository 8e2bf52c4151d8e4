//! How an API error is shown: what happened, what to do, and the raw details behind a toggle.
//!
//! The message never promises what the console will not do: after a 429 the "Try again"
//! button counts down the wait the API asked for (`Retry-After`), and nothing retries by itself.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::{ApiError, ErrorKind};
use crate::browser::Ticker;
use crate::route::Route;

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
    let wait = if error.kind == ErrorKind::RateLimited { error.retry_after_secs.unwrap_or(0) } else { 0 };
    let remaining = RwSignal::new(wait);
    if wait > 0 && retry.is_some() {
        // Kept in the panel's arena: it stops when the panel goes away, or at zero.
        let ticker = StoredValue::new_local(None::<Ticker>);
        ticker.set_value(Some(Ticker::every(Duration::from_secs(1), move || {
            remaining.update(|r| *r = r.saturating_sub(1));
            if remaining.get_untracked() == 0 {
                ticker.set_value(None);
            }
        })));
    }
    view! {
        <div class="error-panel">
            // Only what happened and what to do is announced; the countdown below is not, or
            // a screen reader would hear every second.
            <div role="alert">
                <p class="error-title">{error.title()}</p>
                <p class="error-action">{error.action()}</p>
            </div>
            <div class="error-buttons">
                {retry
                    .map(|r| {
                        view! {
                            // aria-disabled, not disabled: the button keeps focus while it waits.
                            <button
                                type="button"
                                aria-disabled=move || (remaining.get() > 0).then_some("true")
                                on:click=move |_| {
                                    if remaining.get_untracked() == 0 {
                                        r.run(())
                                    }
                                }
                            >
                                {move || match remaining.get() {
                                    0 => "Try again".to_owned(),
                                    s => format!("Try again in {s} s"),
                                }}
                            </button>
                        }
                    })}
                {to_settings
                    .then(|| {
                        view! {
                            <a class="button-link" href=Route::Settings.href()>
                                "Open Settings"
                            </a>
                        }
                    })}
            </div>
            {(!details.is_empty())
                .then(|| {
                    view! {
                        <details class="error-details">
                            <summary>"Details"</summary>
                            <code>{details}</code>
                        </details>
                    }
                })}
        </div>
    }
}

/// After a request whose answer was lost, when the console could not check what it did: what
/// happened, and where to look before trying again, so as not to do it twice.
#[component]
pub fn LostAnswer(
    error: ApiError,
    /// What could not be checked: "a backup was made".
    unchecked: &'static str,
    /// Where to look: "Look at the cluster's backups".
    look: &'static str,
) -> impl IntoView {
    let title = format!(
        "The answer was lost ({}), and the console could not check whether {unchecked}.",
        crate::rules::format::lower_first(&error.title()).trim_end_matches('.')
    );
    view! {
        <div class="error-panel" role="alert">
            <p class="error-title">{title}</p>
            <p class="error-action">{format!("{look} before you try again, so as not to make two.")}</p>
        </div>
    }
}
