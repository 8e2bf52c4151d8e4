//! The frame every table of the console shares: a focusable scroll region named like the table
//! (so a keyboard can scroll a wide table at 375 px), a caption for screen readers, and a header
//! row of column names. The rows are the caller's.

use leptos::prelude::*;

#[component]
pub fn DataTable(
    /// The table's accessible name: its caption and the scroll region's label.
    #[prop(into)]
    label: String,
    /// Column names, in order.
    columns: Vec<&'static str>,
    /// Extra class on the `<table>` (besides `data-table`).
    #[prop(optional)]
    class: &'static str,
    /// The `<tr>` rows.
    children: Children,
) -> impl IntoView {
    let region_label = label.clone();
    let table_class = if class.is_empty() { "data-table".to_owned() } else { format!("data-table {class}") };
    view! {
        <div class="table-scroll" role="region" aria-label=region_label tabindex="0">
            <table class=table_class>
                <caption class="visually-hidden">{label}</caption>
                <thead>
                    <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
