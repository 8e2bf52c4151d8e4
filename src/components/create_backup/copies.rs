//! Cross-region copies: target regions of the same cloud, or the reason there are none.

use leptos::prelude::*;

use crate::rules::backup_form::{BackupForm, CopyAvailability};

#[component]
pub fn Copies(availability: CopyAvailability, form: RwSignal<BackupForm>) -> impl IntoView {
    match availability {
        CopyAvailability::Unavailable(reason) => view! {
            <fieldset class="copies" disabled>
                <legend>"Cross-region copies"</legend>
                <label class="checkbox">
                    <input type="checkbox" disabled aria-describedby="copies-reason" />
                    "Copy this backup to other regions"
                </label>
                <p id="copies-reason" class="muted">
                    {reason}
                </p>
            </fieldset>
        }
        .into_any(),
        CopyAvailability::Available(options) => view! {
            <fieldset class="copies">
                <legend>"Cross-region copies"</legend>
                <p class="muted">
                    "Optional. Each copy is kept until deleted and is billed in its region, plus a one-off transfer."
                </p>
                <ul class="option-list">
                    {options
                        .into_iter()
                        .map(|o| {
                            let id = o.region_id.clone();
                            let checked = {
                                let id = id.clone();
                                move || form.with(|f| f.copy_regions.contains(&id))
                            };
                            view! {
                                <li>
                                    <label class="checkbox">
                                        <input
                                            type="checkbox"
                                            prop:checked=checked
                                            on:change:target=move |ev| {
                                                let on = ev.target().checked();
                                                form.update(|f| {
                                                    if on {
                                                        f.copy_regions.insert(id.clone());
                                                    } else {
                                                        f.copy_regions.remove(&id);
                                                    }
                                                });
                                            }
                                        />
                                        {o.label}
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </fieldset>
        }
        .into_any(),
    }
}
