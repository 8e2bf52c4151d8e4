//! A time from the API in the reader's locale and time zone; the exact UTC time is in the
//! `datetime` attribute and on hover.

use leptos::prelude::*;

use crate::browser::local_time;
use crate::rules::time;

/// `iso` is the API's ISO-8601 UTC text. An empty value shows `empty`; a value that is not a
/// time is shown as sent.
#[component]
pub fn LocalTime(#[prop(into)] iso: String, #[prop(default = "—")] empty: &'static str) -> impl IntoView {
    match time::parse_iso8601_utc_ms(&iso) {
        Some(ms) => view! {
            <time datetime=iso.clone() title=time::format_utc(ms)>
                {local_time(ms)}
            </time>
        }
        .into_any(),
        None if iso.is_empty() => view! { <span class="muted">{empty}</span> }.into_any(),
        None => view! { <span>{iso}</span> }.into_any(),
    }
}
