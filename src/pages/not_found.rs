//! Any URL the router does not know.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"There is no page at this address."</p>
        <p><a href="/clusters">"Go to Clusters"</a></p>
    }
}
