//! `/jobs`: the jobs this console follows. (The job register and live polling come with the
//! Jobs issue; until then the page says what it will hold.)

use leptos::prelude::*;

#[component]
pub fn JobsPage() -> impl IntoView {
    view! {
        <h1>"Jobs"</h1>
        <p class="notice">"Backup and restore jobs started from this console will be listed here with their progress."</p>
    }
}
