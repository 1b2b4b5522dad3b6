//! The person picker: choose who gets the work (a case's assignee, a meal's deliverer, a
//! pairing's helper, a file's mediators, a volunteer's account) by typing part of their name,
//! narrowed to a grid, from the people the server says the user may name for that work
//! (`GET /people?work=…`, the rule `shared::accounts::may_name_for` the server's writes check
//! too). Each person shows name, role and grid; the list is buttons (Tab and Enter, or a tap),
//! the choice a card with 更换.

use leptos::prelude::*;
use shared::accounts::{Person, Work};
use shared::error::FieldError;

use crate::api;
use crate::i18n::{Key, use_i18n};
use crate::ui::FieldErrorList;

/// Name · roles · grids, as the picker and its choice show a person.
fn person_line(p: &Person, lang: shared::i18n::Lang) -> (String, String) {
    let roles = p
        .roles
        .iter()
        .map(|r| r.label(lang))
        .collect::<Vec<_>>()
        .join("、");
    let grids = p
        .grids
        .iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let detail = [roles, grids]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    (p.display_name.clone(), detail)
}

/// One person field. `chosen` holds the choice; `field` is the API's name for it, so the
/// server's error lands here (`deliverer_user_id`, `helper_user_id`, `user_id`).
#[component]
pub fn PersonPicker(
    /// The element id prefix, unique on the page.
    #[prop(into)]
    id: String,
    /// The test id prefix (`{testid}-q`, `{testid}-option`, `{testid}-chosen` …).
    testid: &'static str,
    label: Key,
    chosen: RwSignal<Option<Person>>,
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] required: bool,
    /// Only people the server accepts for this work.
    #[prop(optional)]
    work: Option<Work>,
    /// With `work`: the grid of the record the work is for (a case's grid).
    #[prop(optional_no_strip)]
    work_grid: Option<i64>,
    /// List the people at once, before anything is typed (a short list: a case's takers).
    #[prop(optional)]
    browse: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let grid = RwSignal::new(None::<i64>);
    let grids = LocalResource::new(api::grids);
    // What was last searched for (none: no list shown). The answer follows it: answers that
    // come back out of order never show an older search.
    let asked = RwSignal::new(None::<(String, Option<i64>)>);
    let results = LocalResource::new(move || {
        let asked = asked.get();
        async move {
            match asked {
                Some((text, g)) => Some(api::people(&text, g, work.map(|w| (w, work_grid))).await),
                None => None,
            }
        }
    });
    let search = move || asked.set(Some((q.get_untracked(), grid.get_untracked())));
    if browse && chosen.get_untracked().is_none() {
        search();
    }
    let invalid = move || errors.with(|e| e.iter().any(|x| x.field == field));
    let input_id = format!("{id}-q");
    let grid_id = format!("{id}-grid");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let err_list_id = err_id.clone();
    let change_id = StoredValue::new(format!("{id}-change"));
    let pick = move |p: Person| {
        chosen.set(Some(p));
        asked.set(None);
        errors.update(|e| e.retain(|x| x.field != field));
        // The search box is gone: the focus goes to the choice's 更换, not to the page.
        request_animation_frame(move || change_id.with_value(|c| super::login::focus(c)));
    };
    let change = {
        let input_id = input_id.clone();
        move |_| {
            chosen.set(None);
            search();
            let input_id = input_id.clone();
            request_animation_frame(move || super::login::focus(&input_id));
        }
    };
    view! {
        <fieldset class="field person-picker" class:field-invalid=invalid data-testid=testid>
            <legend>
                {move || i18n.t(label)}
                {(!required).then(|| view! { <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span> })}
            </legend>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
            {move || match chosen.get() {
                Some(p) => {
                    let (name, detail) = person_line(&p, i18n.get());
                    view! {
                        <div class="person-chosen" data-testid=format!("{testid}-chosen")>
                            <span><strong>{name}</strong>" "<span class="muted">{detail}</span></span>
                            <button type="button" id=change_id.get_value() class="button button-quiet" data-testid=format!("{testid}-change") on:click=change.clone()>
                                {i18n.t(Key::PersonChange)}
                            </button>
                        </div>
                    }.into_any()
                }
                None => view! {
                    <div class="person-search">
                        <div class="form-grid">
                            <div>
                                <label for=input_id.clone()>{i18n.t(Key::PersonSearch)}</label>
                                <input id=input_id.clone() type="search" autocomplete="off" enterkeyhint="search"
                                    data-testid=format!("{testid}-q") aria-invalid=move || invalid().to_string()
                                    aria-describedby={
                                        let err_id = err_id.clone();
                                        move || invalid().then(|| err_id.clone())
                                    }
                                    bind:value=q
                                    on:input=move |_| search()
                                    on:keydown=move |ev| if ev.key() == "Enter" {
                                        // Enter searches, and picks the only match; it never sends the form.
                                        ev.prevent_default();
                                        match results.get_untracked().flatten() {
                                            Some(Ok(list)) if list.len() == 1 => pick(list[0].clone()),
                                            _ => search(),
                                        }
                                    }/>
                            </div>
                            <div>
                                <label for=grid_id.clone()>{i18n.t(Key::PersonGrid)}</label>
                                <select id=grid_id.clone() data-testid=format!("{testid}-grid")
                                    on:change=move |ev| { grid.set(event_target_value(&ev).parse().ok()); search(); }>
                                    <option value="">{i18n.t(Key::PersonAnyGrid)}</option>
                                    {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                                        let gid = g.place.id;
                                        view! { <option value=gid.to_string() selected=move || grid.get() == Some(gid)>{g.place.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        </div>
                        {move || results.get().flatten().map(|r| match r {
                            Err(e) => view! { <p class="field-error" role="alert">{e.message(i18n.get())}</p> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p class="empty" role="status" data-testid=format!("{testid}-none")>{i18n.t(Key::PersonNoneFound)}</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="choice-list" aria-label=i18n.t(Key::PersonResults)>
                                    {list.into_iter().map(|p| {
                                        let (name, detail) = person_line(&p, i18n.get());
                                        view! {
                                            <li>
                                                <button type="button" class="button button-quiet choice-button" data-testid=format!("{testid}-option")
                                                    data-username=p.username.clone() on:click=move |_| pick(p.clone())>
                                                    <strong>{name}</strong>
                                                    <span class="muted">{detail}</span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        })}
                    </div>
                }.into_any(),
            }}
            <FieldErrorList errors field id=err_list_id/>
        </fieldset>
    }
}

/// Several people for one piece of work (a dispute file's mediators): those chosen, each with
/// 移除, and the person picker to add one more. `field` names the list in the server's errors
/// (`mediator_ids`, `user_ids`).
#[component]
pub fn PeoplePicker(
    /// The element id prefix, unique on the page.
    #[prop(into)]
    id: String,
    /// The test id prefix (`{testid}-chosen`, `{testid}-remove`; the adding picker's
    /// `{testid}-add-q`, `{testid}-add-option` …).
    testid: &'static str,
    /// The adding picker's test id, `{testid}-add` (a `&'static str` like every test id).
    add_testid: &'static str,
    label: Key,
    chosen: RwSignal<Vec<Person>>,
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
    /// Only people the server accepts for this work.
    work: Work,
) -> impl IntoView {
    let i18n = use_i18n();
    let adding = RwSignal::new(None::<Person>);
    let input_id = format!("{id}-add-q");
    // A pick joins the list and the picker is ready for the next one, the focus back in its
    // search box (a keyboard user goes on typing).
    Effect::new(move |_| {
        if let Some(p) = adding.get() {
            chosen.update(|c| {
                if !c.iter().any(|x| x.user_id == p.user_id) {
                    c.push(p)
                }
            });
            adding.set(None);
            let input_id = input_id.clone();
            request_animation_frame(move || super::login::focus(&input_id));
        }
    });
    view! {
        <div class="people-picker" data-testid=testid>
            <p class="people-picker-label" id=format!("{id}-label")><strong>{move || i18n.t(label)}</strong></p>
            <ul class="people-chosen" aria-labelledby=format!("{id}-label")>
                {move || chosen.get().is_empty().then(|| view! { <li class="muted">{i18n.t(Key::PersonNoneChosen)}</li> })}
                <For each=move || chosen.get() key=|p| p.user_id let:p>
                    {
                        let (name, detail) = person_line(&p, i18n.get());
                        let uid = p.user_id;
                        let remove_label = format!("{} {}", i18n.t(Key::PersonRemove), name);
                        view! {
                            <li class="person-chosen" data-testid=format!("{testid}-chosen") data-name=name.clone()>
                                <span><strong data-user-text>{name.clone()}</strong>" "<span class="muted">{detail}</span></span>
                                <button type="button" class="button button-quiet" data-testid=format!("{testid}-remove") aria-label=remove_label
                                    on:click=move |_| chosen.update(|c| c.retain(|x| x.user_id != uid))>
                                    {move || i18n.t(Key::PersonRemove)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <PersonPicker id=format!("{id}-add") testid=add_testid label=Key::PersonAddOne chosen=adding errors field work browse=true/>
        </div>
    }
}
