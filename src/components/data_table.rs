//! The frame every table of the console shares: a focusable scroll region named like the table
//! (so a keyboard can scroll a wide table), a caption for screen readers, and a header row of
//! column names. The rows are the caller's: each `<td>` names its column in `data-label`, shown
//! above the value when a narrow screen turns the rows into cards.

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
            // Explicit roles: below 30rem the rows become cards (display: block), which would
            // otherwise drop the table's semantics in some browsers.
            <table class=table_class role="table">
                <caption class="visually-hidden">{label}</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        {columns
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <th scope="col" role="columnheader">
                                        {c}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody role="rowgroup">{children()}</tbody>
            </table>
        </div>
    }
}
