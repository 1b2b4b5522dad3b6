//! The form that creates or changes a place: code, name, address and the level's leaders.
//! The place's shape (geometry) is kept as it is; the map editor owns shapes.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::error::ErrorCode;
use shared::places::{
    CreatePlace, Leader, LeaderTitle, PlaceKind, PlaceView, UpdatePlace, validate_place,
};

use crate::api;
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{FieldErrorList, FormError, TextField, in_sentence};

#[derive(Clone, Copy)]
struct LeaderRow {
    key: u32,
    title: RwSignal<LeaderTitle>,
    name: RwSignal<String>,
    user_id: Option<i64>,
}

#[component]
pub fn PlaceForm(
    kind: PlaceKind,
    parent_id: Option<i64>,
    existing: Option<PlaceView>,
    on_saved: Callback<PlaceView>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = existing.is_some();
    let prefix = if editing { "edit-place" } else { "new-place" };
    let code = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.code.clone())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
    );
    let address = RwSignal::new(
        existing
            .as_ref()
            .and_then(|p| p.address.clone())
            .unwrap_or_default(),
    );
    let titles: Vec<LeaderTitle> = LeaderTitle::ALL
        .into_iter()
        .filter(|t| t.fits(kind))
        .collect();
    let next_key = StoredValue::new(0u32);
    let new_row = move |title: LeaderTitle, who: String, user_id: Option<i64>| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        LeaderRow {
            key,
            title: RwSignal::new(title),
            name: RwSignal::new(who),
            user_id,
        }
    };
    let leaders = RwSignal::new(
        existing
            .as_ref()
            .map(|p| {
                p.leaders
                    .iter()
                    .map(|l| new_row(l.title, l.name.clone(), l.user_id))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let version = StoredValue::new(existing.as_ref().map(|p| p.version).unwrap_or(0));
    let geometry = StoredValue::new(existing.as_ref().and_then(|p| p.geometry.clone()));
    let place_id = existing.as_ref().map(|p| p.id);
    // The checked leaders and address; code and name are read as they are when sent.
    let save = Submit::new(move |(leaders, address): (Vec<Leader>, Option<String>)| {
        let code = code.get_untracked().trim().to_string();
        let name = name.get_untracked().trim().to_string();
        async move {
            let saved = match place_id {
                Some(id) => {
                    let input = UpdatePlace {
                        code,
                        name,
                        address,
                        geometry: geometry.get_value(),
                        leaders,
                        version: version.get_value(),
                    };
                    api::update_place(id, &input).await
                }
                None => {
                    let input = CreatePlace {
                        kind,
                        parent_id,
                        code,
                        name,
                        address,
                        geometry: None,
                        leaders,
                    };
                    api::create_place(&input).await
                }
            };
            match saved {
                Ok(p) => {
                    on_saved.run(p);
                    Ok(())
                }
                Err(e) => {
                    if e.is(ErrorCode::VersionConflict)
                        && let Some(now) = e.current::<PlaceView>()
                    {
                        version.set_value(now.version);
                    }
                    Err(e)
                }
            }
        }
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let list: Vec<Leader> = leaders
            .get_untracked()
            .iter()
            .map(|r| Leader {
                title: r.title.get_untracked(),
                name: r.name.get_untracked(),
                user_id: r.user_id,
            })
            .collect();
        let addr = address.get_untracked();
        let addr = if addr.trim().is_empty() {
            None
        } else {
            Some(addr.trim().to_string())
        };
        // The same checks the server runs (the parent's level is the server's to check).
        let parent_kind = if editing {
            kind.parent()
        } else {
            kind.parent().filter(|_| parent_id.is_some())
        };
        let checked = validate_place(
            kind,
            parent_kind,
            &code.get_untracked(),
            &name.get_untracked(),
            addr.as_deref(),
            None,
            &list,
        );
        match checked {
            Err(errs) => save.refuse(errs.to_field_errors(i18n.lang.get_untracked())),
            Ok(_) => save.dispatch((list, addr)),
        }
    };

    let heading = move || {
        let k = in_sentence(i18n.text(kind.text()));
        if editing {
            i18n.fmt(Key::EditPlace, &[("kind", &k)])
        } else {
            i18n.fmt(Key::AddChild, &[("kind", &k)])
        }
    };
    let has_titles = !titles.is_empty();
    let first_title = titles.first().copied();
    let titles = StoredValue::new(titles);

    view! {
        <form class="card form" on:submit=submit novalidate data-testid="place-form" aria-labelledby=format!("{prefix}-title")>
            <h2 id=format!("{prefix}-title")>{heading}</h2>
            <FormError error fields=field_errors/>
            <div class="form-grid">
                <TextField id=if editing { "edit-place-name" } else { "new-place-name" } label=Key::Name value=name
                    errors=field_errors field="name" required=true testid="place-name"/>
                <TextField id=if editing { "edit-place-code" } else { "new-place-code" } label=Key::Code value=code
                    errors=field_errors field="code" required=true testid="place-code-input"/>
            </div>
            <TextField id=if editing { "edit-place-address" } else { "new-place-address" } label=Key::Address value=address
                errors=field_errors field="address" testid="place-address-input"/>
            <FieldErrorList errors=field_errors field="parent_id" id=format!("{prefix}-parent-error")/>
            {has_titles.then(|| view! {
                <fieldset class="field leaders-editor">
                    <legend>{move || i18n.t(Key::Leaders)}</legend>
                    <For each=move || leaders.get() key=|r| r.key let:row>
                        {
                            let index = move || leaders.with(|v| v.iter().position(|r| r.key == row.key).unwrap_or(0));
                            let title_id = format!("{prefix}-leader-{}-title", row.key);
                            let name_id = format!("{prefix}-leader-{}-name", row.key);
                            let name_errors = move || field_errors.with(|errs| {
                                let i = index();
                                errs.iter()
                                    .filter(|e| e.field == format!("leaders/{i}/name") || e.field == format!("leaders/{i}/title"))
                                    .map(|e| e.code.message(i18n.get()))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            });
                            view! {
                                <div class="leader-row">
                                    <div class="field">
                                        <label for=title_id.clone()>{move || i18n.t(Key::LeaderTitle)}</label>
                                        <select id=title_id
                                            on:change=move |ev| {
                                                let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                                                if let Some(t) = LeaderTitle::ALL.get(i) { row.title.set(*t); }
                                            }>
                                            {titles.get_value().into_iter().map(|t| {
                                                let i = LeaderTitle::ALL.iter().position(|x| *x == t).unwrap_or(0);
                                                view! {
                                                    <option value=i.to_string() selected=move || row.title.get() == t>
                                                        {move || i18n.text(t.text())}
                                                    </option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for=name_id.clone()>{move || i18n.t(Key::LeaderName)}</label>
                                        <input id=name_id type="text" bind:value=row.name
                                            aria-invalid=move || (!name_errors().is_empty()).to_string()/>
                                        {move || { let m = name_errors(); (!m.is_empty()).then(|| view! { <p class="field-error">{m}</p> }) }}
                                    </div>
                                    <button type="button" class="button button-quiet leader-remove"
                                        on:click=move |_| leaders.update(|v| v.retain(|r| r.key != row.key))>
                                        {move || i18n.t(Key::RemoveLeader)}
                                    </button>
                                </div>
                            }
                        }
                    </For>
                    <button type="button" class="button button-secondary"
                        on:click=move |_| if let Some(t) = first_title { leaders.update(|v| v.push(new_row(t, String::new(), None))) }>
                        {move || i18n.t(Key::AddLeader)}
                    </button>
                </fieldset>
            })}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="place-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}
