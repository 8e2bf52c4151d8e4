//! "Backup scope": the whole cluster, or chosen collections of one database.

use api_types::ApiError;
use leptos::prelude::*;

use crate::components::error_panel::ErrorPanel;
use crate::rules::backup_form::{BackupForm, CollectionInfo, Scope};
use crate::rules::format;

/// Something loaded for the picker: `None` while loading.
pub type Loaded<T> = Option<Result<T, ApiError>>;

#[component]
pub fn ScopePicker(
    form: RwSignal<BackupForm>,
    #[prop(into)] databases: Signal<Loaded<Vec<String>>>,
    #[prop(into)] collections: Signal<Loaded<Vec<CollectionInfo>>>,
    /// Reloads the databases or collections after an error.
    retry: Callback<()>,
) -> impl IntoView {
    let scope = move || form.with(|f| f.scope);
    let cleared = RwSignal::new(String::new());

    view! {
        <fieldset class="scope">
            <legend>"Backup scope"</legend>
            <label class="radio">
                <input
                    type="radio"
                    name="backup-scope"
                    value="cluster"
                    prop:checked=move || scope() == Scope::Cluster
                    on:change=move |_| form.update(|f| f.scope = Scope::Cluster)
                />
                "Cluster"
            </label>
            <label class="radio">
                <input
                    type="radio"
                    name="backup-scope"
                    value="collection"
                    prop:checked=move || scope() == Scope::Collection
                    on:change=move |_| form.update(|f| f.scope = Scope::Collection)
                />
                "Collection"
            </label>
            <p class="muted">
                {move || match scope() {
                    Scope::Cluster => "Every database and collection of the cluster.",
                    Scope::Collection => "Chosen collections of one database.",
                }}
            </p>
        </fieldset>
        <Show when=move || scope() == Scope::Collection>
            <div class="collection-picker">
                {move || match databases.get() {
                    None => {
                        view! {
                            <p class="loading" role="status">
                                "Loading databases…"
                            </p>
                        }
                            .into_any()
                    }
                    Some(Err(error)) => view! { <ErrorPanel error retry /> }.into_any(),
                    Some(Ok(dbs)) => view! { <DatabaseSelect dbs form cleared /> }.into_any(),
                }} <p class="status-line" role="status">
                    {move || cleared.get()}
                </p>
                <Show when=move || {
                    form.with(|f| f.database.is_some())
                }>
                    {move || match collections.get() {
                        None => {
                            view! {
                                <p class="loading" role="status">
                                    "Loading collections…"
                                </p>
                            }
                                .into_any()
                        }
                        Some(Err(error)) => view! { <ErrorPanel error retry /> }.into_any(),
                        Some(Ok(all)) => view! { <CollectionList all form /> }.into_any(),
                    }}
                </Show>
            </div>
        </Show>
    }
}

#[component]
fn DatabaseSelect(dbs: Vec<String>, form: RwSignal<BackupForm>, cleared: RwSignal<String>) -> impl IntoView {
    view! {
        <label for="backup-database">"Database"</label>
        <select
            id="backup-database"
            on:change:target=move |ev| {
                let v = ev.target().value();
                let n = form.try_update(|f| f.set_database((!v.is_empty()).then_some(v))).unwrap_or(0);
                cleared
                    .set(
                        if n > 0 {
                            format!(
                                "The database changed: {} cleared.",
                                format::count(n, "selected collection was", "selected collections were"),
                            )
                        } else {
                            String::new()
                        },
                    );
            }
        >
            <option value="" selected=move || form.with(|f| f.database.is_none())>
                "Choose a database"
            </option>
            {dbs
                .into_iter()
                .map(|db| {
                    let selected = {
                        let db = db.clone();
                        move || form.with(|f| f.database.as_deref() == Some(db.as_str()))
                    };
                    view! {
                        <option value=db.clone() selected=selected>
                            {db.clone()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn CollectionList(all: Vec<CollectionInfo>, form: RwSignal<BackupForm>) -> impl IntoView {
    let all = StoredValue::new(all);
    let filtered = move || all.with_value(|a| form.with(|f| f.filtered(a).into_iter().cloned().collect::<Vec<_>>()));
    let total = all.with_value(Vec::len);
    view! {
        <label for="collection-search">"Search collections"</label>
        <input
            id="collection-search"
            type="search"
            autocomplete="off"
            prop:value=move || form.with(|f| f.search.clone())
            on:input:target=move |ev| form.update(|f| f.search = ev.target().value())
        />
        <label class="checkbox select-all">
            <input
                type="checkbox"
                prop:checked=move || all.with_value(|a| form.with(|f| f.all_filtered_selected(a)))
                on:change:target=move |ev| {
                    let on = ev.target().checked();
                    all.with_value(|a| {
                        form.update(|f| if on { f.select_all_filtered(a) } else { f.clear_filtered(a) })
                    });
                }
            />
            {move || format!("Select all shown ({})", filtered().len())}
        </label>
        <ul class="option-list collections" aria-label="Collections">
            <For each=filtered key=|c| c.name.clone() let:c>
                {
                    let name = c.name.clone();
                    let toggle_name = name.clone();
                    let checked = move || form.with(|f| f.selected.contains(&name));
                    view! {
                        <li>
                            <label class="checkbox">
                                <input
                                    type="checkbox"
                                    prop:checked=checked
                                    on:change=move |_| form.update(|f| f.toggle(&toggle_name))
                                />
                                <span>{c.name.clone()}</span>
                                {c.size_bytes.map(|b| view! { <span class="muted size">{format::bytes(b)}</span> })}
                            </label>
                        </li>
                    }
                }
            </For>
        </ul>
        {move || filtered().is_empty().then(|| view! { <p class="muted">"No collection matches the search."</p> })}
        <p class="selection-count" aria-live="polite">
            {move || {
                format!(
                    "{} of {} selected",
                    form.with(|f| f.selected.len()),
                    format::count(total, "collection", "collections"),
                )
            }}
        </p>
    }
}
