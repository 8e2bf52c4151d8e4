//! Any URL the router does not know.

use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"There is no page at this address."</p>
        <p>
            <a href=Route::Clusters.href()>"Go to Clusters"</a>
        </p>
    }
}
