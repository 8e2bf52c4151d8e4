//! Form pieces the pages and dialogs share: the options of a picker of ids, and a choice
//! between two.

use leptos::prelude::*;

/// `<option>`s of (id, name), the chosen one selected. A chosen id the list lacks (from a URL,
/// or a default the list has not loaded yet) is offered too, under its id, so the control never
/// shows something other than what is in force.
pub fn id_options(mut list: Vec<(String, String)>, chosen: Option<String>) -> impl IntoView {
    if let Some(c) = &chosen
        && !list.iter().any(|(id, _)| id == c)
    {
        list.insert(0, (c.clone(), c.clone()));
    }
    list.into_iter()
        .map(|(id, name)| {
            let selected = chosen.as_deref() == Some(id.as_str());
            let name = if name.is_empty() { id.clone() } else { name };
            view! {
                <option value=id selected=selected>
                    {name}
                </option>
            }
        })
        .collect_view()
}

/// A fieldset of two radio buttons for a yes/no setting: `yes` sets `value` to true.
#[component]
pub fn BoolChoice(
    legend: &'static str,
    /// The radio group's name (unique in the page).
    name: &'static str,
    value: RwSignal<bool>,
    yes: &'static str,
    no: &'static str,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{legend}</legend>
            <label class="radio">
                <input type="radio" name=name prop:checked=move || value.get() on:change=move |_| value.set(true) />
                {yes}
            </label>
            <label class="radio">
                <input type="radio" name=name prop:checked=move || !value.get() on:change=move |_| value.set(false) />
                {no}
            </label>
        </fieldset>
    }
}
