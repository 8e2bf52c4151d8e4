//! A coloured status label. The text always carries the meaning; colour only repeats it.

use leptos::prelude::*;

/// The tone of a badge (decided by the rules: `rules::job_row::Tone`), mapped to a CSS class.
pub use crate::rules::job_row::Tone;

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "badge badge-ok",
            Tone::Busy => "badge badge-busy",
            Tone::Warn => "badge badge-warn",
            Tone::Bad => "badge badge-bad",
            Tone::Muted => "badge badge-muted",
        }
    }
}

#[component]
pub fn StatusBadge(
    /// The text shown.
    #[prop(into)]
    label: String,
    tone: Tone,
) -> impl IntoView {
    view! { <span class=tone.class()>{label}</span> }
}
