//! Residents: the list of a household, one resident's page with masked fields and the
//! explicit, audited "show full record", and the form that registers or changes a resident.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::accounts::Permission;
use shared::error::{ErrorCode, FieldError};
use shared::places::{
    GroupPurpose, PlaceKind, PlaceRefWithPath, PurposeKind, ResidentInput, ResidentSensitive,
    ResidentView, RevealPurpose, RevealRequest, SpecialGroup, SpecialGroupRecord,
    validate_resident, validate_reveal,
};

use crate::accounts::use_session;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, When};
use shared::calendar::format_moment;

#[component]
pub fn HouseholdResidents(household_id: i64, grid: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(move || api::household_residents(household_id));
    let adding = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let may_add = move || session.may_in_grid(Permission::EditPeople, grid);
    let may_view = move || session.may_in_grid(Permission::ViewPeople, grid);

    view! {
        <section aria-labelledby="residents-title">
            <div class="section-head">
                <h2 id="residents-title">{move || i18n.t(Key::ResidentsOfHousehold)}</h2>
                <Show when=may_add>
                    <button type="button" class="button button-primary" data-testid="add-resident"
                        aria-expanded=move || adding.get().to_string()
                        on:click=move |_| { notice.set(None); adding.update(|a| *a = !*a); }>
                        {move || i18n.t(Key::AddResident)}
                    </button>
                </Show>
            </div>
            <Notice message=notice/>
            {move || adding.get().then(|| view! {
                <ResidentForm household_id existing=None
                    on_saved=Callback::new(move |r: ResidentView| {
                        adding.set(false);
                        notice.set(Some(i18n.fmt(Key::ResidentCreated, &[("name", &r.name)])));
                        list.refetch();
                    })
                    on_cancel=Callback::new(move |_| adding.set(false))/>
            })}
            {move || if !may_view() {
                view! { <p class="alert alert-info" data-testid="people-hidden">{move || i18n.t(Key::PeopleHidden)}</p> }.into_any()
            } else {
                match list.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Err(e)) if e.status() == Some(403) => view! {
                        <p class="alert alert-info" data-testid="people-hidden">{move || i18n.t(Key::PeopleHidden)}</p>
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                    Some(Ok(items)) if items.is_empty() => view! {
                        <p class="empty" data-testid="no-residents">{move || i18n.t(Key::NoResidents)}</p>
                    }.into_any(),
                    Some(Ok(items)) => view! {
                        <ul class="cards resident-cards" data-testid="resident-list">
                            {items.into_iter().map(|r| view! { <li><ResidentCard resident=r/></li> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
}

/// One resident as a link card (masked fields only).
#[component]
pub fn ResidentCard(resident: ResidentView, #[prop(optional)] show_address: bool) -> impl IntoView {
    let r = resident;
    view! {
        <a class="card resident-card" href=format!("/residents/{}", r.id) data-testid="resident-item" data-name=r.name.clone()>
            <span class="resident-card-name" data-user-text>{r.name.clone()}</span>
            <span class="resident-card-meta">
                {r.phone_masked.clone().map(|p| view! { <span class="mono">{p}</span> })}
            </span>
            {show_address.then(|| view! { <span class="resident-card-address" data-user-text>{r.address.clone()}</span> })}
        </a>
    }
}

#[component]
pub fn ResidentPage() -> impl IntoView {
    let id = crate::ui::use_id_param();
    move || match id.get() {
        Some(id) => view! { <ResidentDetail id/> }.into_any(),
        None => view! { <crate::shell::NotFound/> }.into_any(),
    }
}

#[component]
fn ResidentDetail(id: i64) -> impl IntoView {
    let resident = LocalResource::new(move || api::resident(id));
    // Lives above the body, so "saved" survives the reload that follows a save.
    let notice = RwSignal::new(None::<String>);
    move || {
        match resident.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! { <crate::shell::NotFound/> }.into_any(),
        Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| resident.refetch())/> }.into_any(),
        Some(Ok(r)) => {
            view! { <ResidentBody resident=r notice reload=Callback::new(move |_| resident.refetch())/> }.into_any()
        }
    }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    View,
    Edit,
    Delete,
}

#[component]
fn ResidentBody(
    resident: ResidentView,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let grid = Some(resident.grid_id);
    let may_reveal = move || session.may_in_grid(Permission::RevealSensitive, grid);
    let may_edit = move || session.may_in_grid(Permission::EditPeople, grid);
    let sensitive = RwSignal::new(None::<ResidentSensitive>);
    // The purpose is asked first; the record is read only with one.
    let asking = RwSignal::new(false);
    let mode = RwSignal::new(Mode::View);
    let id = resident.id;
    let household = resident.household_id;
    let household_place = LocalResource::new(move || api::place(household));
    let address = resident.address.clone();
    {
        let name = resident.name.clone();
        Effect::new(move |_| set_title(&name, i18n.get()));
    }

    let reveal = Submit::new(move |req: RevealRequest| async move {
        sensitive.set(Some(api::reveal_resident(id, &req).await?));
        asking.set(false);
        Ok(())
    });
    let delete = {
        let version = resident.version;
        Submit::new(move |()| {
            let navigate = navigate.clone();
            async move {
                api::delete_resident(id, version).await?;
                navigate(
                    &format!("/places/{household}"),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
                Ok(())
            }
        })
    };

    // The care record (关爱档案) for whoever cares for the resident: where the first pairing,
    // visit or errand is made when there is none yet.
    let in_care = resident.in_care;
    let care_link = move || {
        session
            .principal()
            .is_some_and(|p| shared::care::may_care_for(&p, resident.grid_id, false))
    };
    let not_recorded = move || i18n.t(Key::NotRecorded).to_string();
    let id_masked = resident.id_number_masked.clone();
    let phone_masked = resident.phone_masked.clone();
    let edit_resident = resident.clone();
    let delete_name = resident.name.clone();

    view! {
        <nav class="breadcrumbs" aria-label=move || i18n.t(Key::Breadcrumbs) data-testid="breadcrumbs">
            <ol>
                <li><a href="/places">{move || i18n.t(Key::AllPlaces)}</a></li>
                // The household's own path once it is known; its address until then.
                {move || household_place.get().and_then(|r| r.ok()).map(|p| {
                    p.path.into_iter().map(|r| view! {
                        <li><a href=format!("/places/{}", r.id) data-user-text>{r.name}</a></li>
                    }).collect_view()
                })}
                <li><a href=format!("/places/{household}") data-testid="household-link" data-user-text>
                    {move || household_place.get().and_then(|r| r.ok()).map(|p| p.name).unwrap_or_else(|| address.clone())}
                </a></li>
                <li><span aria-current="page" data-user-text>{resident.name.clone()}</span></li>
            </ol>
        </nav>
        <div class="page-head">
            <p class="kind-label"><span class="badge">{move || i18n.t(Key::ResidentTitle)}</span></p>
            <h1 data-testid="resident-name" data-user-text>{resident.name.clone()}</h1>
        </div>
        <Notice message=notice/>
        <section class="card" aria-labelledby="resident-facts-title">
            <h2 id="resident-facts-title" class="visually-hidden">{move || i18n.t(Key::ResidentTitle)}</h2>
            <dl class="facts">
                <div><dt>{move || i18n.t(Key::Household)}</dt>
                    <dd><a href=format!("/places/{household}") data-user-text>{resident.address.clone()}</a></dd></div>
                <div><dt>{move || i18n.t(Key::IdNumber)}</dt>
                    <dd class="mono" data-testid="resident-id-masked">{let v = id_masked.clone(); move || v.clone().unwrap_or_else(not_recorded)}</dd></div>
                <div><dt>{move || i18n.t(Key::Phone)}</dt>
                    <dd class="mono" data-testid="resident-phone-masked">{let v = phone_masked.clone(); move || v.clone().unwrap_or_else(not_recorded)}</dd></div>
                <div><dt>{move || i18n.t(Key::UpdatedAt)}</dt><dd><When at=resident.updated_at/></dd></div>
            </dl>
            <p class="hint">{move || i18n.t(Key::MaskedNote)}</p>
            {move || care_link().then(|| view! {
                <p><a class="button button-secondary" href=format!("/care/residents/{id}") data-testid="care-record-link">
                    {move || i18n.t(if in_care { Key::CareOpenRecord } else { Key::CareStartRecord })}
                </a></p>
            })}
        </section>

        <Show when=may_reveal>
            <section class="card sensitive" aria-labelledby="sensitive-title">
                <h2 id="sensitive-title">{move || i18n.t(Key::SensitiveTitle)}</h2>
                {move || match sensitive.get() {
                    None if asking.get() => view! {
                        <RevealPurposeForm prefix="reveal" note_id="reveal-purpose-note" reveal
                            on_cancel=Callback::new(move |_| {
                                asking.set(false);
                                focus_by_id("reveal-button");
                            })/>
                    }.into_any(),
                    None => view! {
                        <p class="hint">{move || i18n.t(Key::RevealNote)}</p>
                        <button type="button" class="button button-secondary" id="reveal-button" data-testid="reveal-button"
                            on:click=move |_| {
                                reveal.error.set(None);
                                reveal.errors.set(Vec::new());
                                asking.set(true);
                                focus_by_id("reveal-purpose-care_recipient");
                            }>
                            {move || i18n.t(Key::Reveal)}
                        </button>
                    }.into_any(),
                    Some(s) => {
                        let records = s.group_records.clone();
                        view! {
                            <dl class="facts" data-testid="sensitive-panel">
                                <div><dt>{move || i18n.t(Key::BirthYear)}</dt>
                                    <dd>{s.birth_year.map(|y| y.to_string()).unwrap_or_else(not_recorded)}</dd></div>
                                <div><dt>{move || i18n.t(Key::IdNumber)}</dt>
                                    <dd class="mono" data-testid="sensitive-id-number">{s.id_number.clone().unwrap_or_else(not_recorded)}</dd></div>
                                <div><dt>{move || i18n.t(Key::Phone)}</dt>
                                    <dd class="mono" data-testid="sensitive-phone">{s.phone.clone().unwrap_or_else(not_recorded)}</dd></div>
                                <div><dt>{move || i18n.t(Key::SpecialGroups)}</dt>
                                    <dd data-testid="sensitive-groups">
                                        {if records.is_empty() {
                                            view! { {move || i18n.t(Key::NoSpecialGroups)} }.into_any()
                                        } else {
                                            view! {
                                                <ul class="group-records">
                                                    {records.into_iter().map(group_record).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </dd></div>
                            </dl>
                            <button type="button" class="button button-quiet" data-testid="hide-sensitive"
                                on:click=move |_| sensitive.set(None)>
                                {move || i18n.t(Key::HideSensitive)}
                            </button>
                        }.into_any()
                    }
                }}
            </section>
        </Show>

        <Show when=may_edit>
            <div class="toolbar" role="group">
                <button type="button" class="button button-secondary" data-testid="edit-resident"
                    aria-expanded=move || (mode.get() == Mode::Edit).to_string()
                    on:click=move |_| { notice.set(None); mode.update(|m| *m = if *m == Mode::Edit { Mode::View } else { Mode::Edit }); }>
                    {move || i18n.t(Key::EditResident)}
                </button>
                <button type="button" class="button button-danger-quiet" data-testid="delete-resident"
                    on:click=move |_| { notice.set(None); mode.set(Mode::Delete); }>
                    {move || i18n.t(Key::Delete)}
                </button>
            </div>
        </Show>
        {
            move || match mode.get() {
            Mode::View => ().into_any(),
            Mode::Edit => view! {
                <ResidentForm household_id=edit_resident.household_id existing=Some(edit_resident.clone())
                    known=sensitive.get_untracked()
                    on_saved=Callback::new(move |_r: ResidentView| {
                        mode.set(Mode::View);
                        sensitive.set(None);
                        notice.set(Some(i18n.t(Key::Saved).to_string()));
                        reload.run(());
                    })
                    on_cancel=Callback::new(move |_| mode.set(Mode::View))/>
            }.into_any(),
            Mode::Delete => {
                let name = delete_name.clone();
                view! {
                    <crate::ui::ConfirmDelete name error=delete.error
                        on_confirm=Callback::new(move |_| delete.dispatch(()))
                        on_cancel=Callback::new(move |_| mode.set(Mode::View))/>
                }.into_any()
            }
        }}
    }
}

/// One special-group tag with why it was set, by whom and when.
fn group_record(r: SpecialGroupRecord) -> impl IntoView {
    let i18n = use_i18n();
    let purpose = r.purpose.map(|p| shared::places::Purpose {
        kind: p,
        note: r.purpose_note.clone(),
    });
    let missing = purpose.is_none();
    let by = match (r.set_by_name.clone(), r.set_at) {
        (Some(who), Some(at)) => Some((who, format_moment(at))),
        _ => None,
    };
    view! {
        <li class="group-record" data-testid="group-record" data-group=r.group.as_str()>
            <strong>{move || i18n.text(r.group.text())}</strong>
            <span class="group-purpose" class:is-missing=missing data-testid="group-purpose">
                {move || match &purpose {
                    Some(p) => i18n.fmt(Key::GroupSetFor, &[("purpose", &p.describe(i18n.get()))]),
                    None => i18n.t(Key::GroupNoPurpose).to_string(),
                }}
            </span>
            {by.map(|(who, at)| view! {
                <span class="group-set-by">{move || i18n.fmt_with_data(Key::GroupSetBy, &[("who", &who), ("at", &at)])}</span>
            })}
        </li>
    }
}

/// A list of purposes as large radio rows, then the words (required with "other").
/// `fields` are the API's field names for the choice and the words.
fn purpose_fields<K>(
    prefix: &'static str,
    choices: &'static [K],
    choice: RwSignal<Option<K>>,
    note: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    fields: (&'static str, &'static str),
    note_id: &'static str,
) -> impl IntoView
where
    K: PurposeKind + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let (kind_field, note_field) = fields;
    let invalid = move || errors.with(|e| e.iter().any(|x| x.field == kind_field));
    let err_id = format!("{prefix}-purpose-error");
    let described = err_id.clone();
    view! {
        <div class="choices choices-stacked purpose-choices" data-testid=format!("{prefix}-purposes")>
            {choices.iter().copied().enumerate().map(|(i, k)| {
                let input_id = format!("{prefix}-purpose-{}", k.as_str());
                let for_id = input_id.clone();
                let described = described.clone();
                view! {
                    <label class="choice choice-large purpose-choice" for=for_id>
                        <input type="radio" name=format!("{prefix}-purpose") id=input_id.clone() data-testid=input_id
                            aria-invalid=move || (i == 0 && invalid()).then_some("true")
                            aria-describedby=move || invalid().then(|| described.clone())
                            prop:checked=move || choice.get() == Some(k)
                            on:change=move |_| choice.set(Some(k))/>
                        <span>{move || i18n.text(k.text())}</span>
                    </label>
                }
            }).collect_view()}
        </div>
        <FieldErrorList errors field=kind_field id=err_id/>
        <TextField id=note_id label=Key::PurposeNote value=note errors field=note_field hint=Key::PurposeNoteHint/>
    }
}

/// Asks why the full record is needed, then asks for it. Enter confirms from anywhere in the
/// group but the buttons; it is not a form of its own, as the resident form holds one.
#[component]
fn RevealPurposeForm(
    prefix: &'static str,
    note_id: &'static str,
    /// Reads the record with the purpose chosen here.
    reveal: Submit<RevealRequest>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (error, field_errors, busy) = (reveal.error, reveal.errors, reveal.pending());
    let choice = RwSignal::new(None::<RevealPurpose>);
    let note = RwSignal::new(String::new());
    let confirm = move || {
        let req = RevealRequest {
            purpose: choice.get_untracked(),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        match validate_reveal(&req) {
            Err(errs) => reveal.refuse(errs.to_field_errors(i18n.lang.get_untracked())),
            Ok(_) => reveal.dispatch(req),
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlButtonElement>().ok())
            .is_some();
        if ev.key() == "Enter" && !on_button {
            ev.prevent_default();
            confirm();
        }
    };
    view! {
        <fieldset class="field purpose-form" data-testid=format!("{prefix}-purpose-form") on:keydown=on_key>
            <legend>{move || i18n.t(Key::RevealPurposeLegend)}</legend>
            <p class="hint">{move || i18n.t(Key::RevealPurposeHint)}</p>
            <FormError error fields=field_errors/>
            {purpose_fields(prefix, &RevealPurpose::ALL, choice, note, field_errors, ("purpose", "note"), note_id)}
            <div class="actions">
                <button type="button" class="button button-primary" data-testid=format!("{prefix}-confirm")
                    disabled=move || busy.get() on:click=move |_| confirm()>
                    {move || if busy.get() { i18n.t(Key::Loading) } else { i18n.t(Key::RevealConfirm) }}
                </button>
                <button type="button" class="button button-secondary" data-testid=format!("{prefix}-cancel")
                    on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </fieldset>
    }
}

/// Registers a resident, or changes one. A plain change (name, household) needs no audited
/// read: the sensitive fields are sent only once the user has loaded the full record to change
/// them (absent fields stay as they are on the server).
#[component]
fn ResidentForm(
    household_id: i64,
    existing: Option<ResidentView>,
    /// The full record, when this page has read it already.
    #[prop(optional_no_strip)]
    known: Option<ResidentSensitive>,
    on_saved: Callback<ResidentView>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = existing.is_some();
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|v| v.name.clone())
            .unwrap_or_default(),
    );
    let id_number = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let groups = RwSignal::new(Vec::<SpecialGroup>::new());
    // The tags as stored: a change to them asks for the purpose of the processing.
    let stored_groups = RwSignal::new(Vec::<SpecialGroup>::new());
    let groups_purpose = RwSignal::new(None::<GroupPurpose>);
    let groups_note = RwSignal::new(String::new());
    let groups_changed = move || groups.with(|g| stored_groups.with(|s| g != s));
    // New residents have nothing to protect yet; existing ones start with the sensitive fields kept.
    let sensitive_open = RwSignal::new(!editing);
    let fill = move |s: &ResidentSensitive| {
        id_number.set(s.id_number.clone().unwrap_or_default());
        phone.set(s.phone.clone().unwrap_or_default());
        let mut g = s.special_groups.clone();
        g.sort();
        groups.set(g.clone());
        stored_groups.set(g);
        sensitive_open.set(true);
    };
    if let Some(s) = &known {
        fill(s);
    }
    let household = RwSignal::new(household_id);
    let household_label = RwSignal::new(
        existing
            .as_ref()
            .map(|v| v.address.clone())
            .unwrap_or_default(),
    );
    let original_household = (household_id, household_label.get_untracked());
    let version = StoredValue::new(existing.as_ref().map(|v| v.version));
    let resident_id = existing.as_ref().map(|v| v.id);
    let asking = RwSignal::new(false);

    let load_sensitive = Submit::new(move |req: RevealRequest| async move {
        // Only an existing resident's record is read (the button is offered only then).
        let Some(id) = resident_id else { return Ok(()) };
        fill(&api::reveal_resident(id, &req).await?);
        asking.set(false);
        focus_by_id("edit-resident-id");
        Ok(())
    });
    let save = Submit::new(move |input: ResidentInput| async move {
        let saved = match resident_id {
            Some(id) => api::update_resident(id, &input).await,
            None => api::create_resident(&input).await,
        };
        match saved {
            Ok(r) => {
                on_saved.run(r);
                Ok(())
            }
            Err(e) => {
                if e.is(ErrorCode::VersionConflict)
                    && let Some(now) = e.current::<ResidentView>()
                {
                    version.set_value(Some(now.version));
                }
                Err(e)
            }
        }
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // Sensitive fields travel only when shown: then an emptied field clears the value.
        let open = sensitive_open.get_untracked();
        // The purpose travels with a change of tags.
        let changed = open && groups_changed();
        let input = ResidentInput {
            household_id: household.get_untracked(),
            name: name.get_untracked().trim().to_string(),
            id_number: open.then(|| id_number.get_untracked().trim().to_string()),
            phone: open.then(|| phone.get_untracked().trim().to_string()),
            special_groups: open.then(|| groups.get_untracked()),
            groups_purpose: groups_purpose.get_untracked().filter(|_| changed),
            groups_purpose_note: changed
                .then(|| groups_note.get_untracked())
                .filter(|n| !n.trim().is_empty()),
            version: version.get_value(),
        };
        let errs = match validate_resident(&input) {
            Err(errs) => Some(errs),
            Ok(v) => stored_groups.with_untracked(|s| v.groups_change(s)).err(),
        };
        match errs {
            Some(errs) => save.refuse(errs.to_field_errors(i18n.lang.get_untracked())),
            None => save.dispatch(input),
        }
    };

    let prefix = if editing {
        "edit-resident"
    } else {
        "new-resident"
    };
    let sensitive_fields = move || {
        view! {
            <div class="form-grid">
                <TextField id=if editing { "edit-resident-id" } else { "new-resident-id" } label=Key::IdNumber value=id_number
                    errors=field_errors field="id_number" hint=Key::IdNumberHint testid="resident-id-input"/>
                <TextField id=if editing { "edit-resident-phone" } else { "new-resident-phone" } label=Key::Phone value=phone
                    errors=field_errors field="phone" kind="tel" inputmode="tel" hint=Key::PhoneHint testid="resident-phone-input"/>
            </div>
            <fieldset class="field choice-group">
                <legend>{move || i18n.t(Key::SpecialGroups)}</legend>
                <div class="choices">
                    {SpecialGroup::ALL.into_iter().map(|g| {
                        let input_id = format!("{prefix}-group-{}", g.as_str());
                        let for_id = input_id.clone();
                        view! {
                            <label class="choice choice-large" for=for_id>
                                <input type="checkbox" id=input_id data-testid=format!("resident-group-{}", g.as_str())
                                    prop:checked=move || groups.with(|v| v.contains(&g))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        groups.update(|v| { v.retain(|x| *x != g); if on { v.push(g); v.sort(); } });
                                    }/>
                                <span>{move || i18n.text(g.text())}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            {move || groups_changed().then(|| view! {
                <fieldset class="field choice-group groups-purpose" data-testid="groups-purpose">
                    <legend>{move || i18n.t(Key::GroupsPurposeLegend)}</legend>
                    <p class="hint">{move || i18n.t(Key::GroupsPurposeHint)}</p>
                    {purpose_fields("groups", &GroupPurpose::ALL, groups_purpose, groups_note, field_errors,
                        ("groups_purpose", "groups_purpose_note"), "groups-purpose-note")}
                </fieldset>
            })}
        }
    };

    view! {
        <form class="card form" on:submit=submit novalidate data-testid="resident-form" aria-labelledby=format!("{prefix}-title")>
            <h2 id=format!("{prefix}-title")>{move || if editing { i18n.t(Key::EditResident) } else { i18n.t(Key::AddResident) }}</h2>
            <FormError error fields=field_errors/>
            <TextField id=if editing { "edit-resident-name" } else { "new-resident-name" } label=Key::DisplayName value=name
                errors=field_errors field="name" required=true testid="resident-name-input"/>
            {editing.then(|| view! {
                <HouseholdChooser household household_label original=original_household.clone() errors=field_errors/>
            })}
            {move || if !editing {
                sensitive_fields().into_any()
            } else {
                view! {
                    <fieldset class="field sensitive-edit" data-testid="sensitive-edit">
                        <legend>{move || i18n.t(Key::EditSensitiveTitle)}</legend>
                        {move || if sensitive_open.get() {
                            view! {
                                <p class="hint" data-testid="sensitive-loaded">{move || i18n.t(Key::EditSensitiveLoaded)}</p>
                                {sensitive_fields()}
                            }.into_any()
                        } else {
                            view! {
                                <p class="hint" data-testid="sensitive-kept">{move || i18n.t(Key::EditSensitiveKept)}</p>
                                {move || if asking.get() {
                                    view! {
                                        <RevealPurposeForm prefix="load" note_id="load-purpose-note" reveal=load_sensitive
                                            on_cancel=Callback::new(move |_| {
                                                asking.set(false);
                                                focus_by_id("load-sensitive");
                                            })/>
                                    }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button button-secondary" id="load-sensitive" data-testid="load-sensitive"
                                            on:click=move |_| {
                                                load_sensitive.error.set(None);
                                                load_sensitive.errors.set(Vec::new());
                                                asking.set(true);
                                                focus_by_id("load-purpose-care_recipient");
                                            }>
                                            {move || i18n.t(Key::EditSensitiveLoad)}
                                        </button>
                                    }.into_any()
                                }}
                            }.into_any()
                        }}
                    </fieldset>
                }.into_any()
            }}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="resident-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

/// The resident's household, and a way to move them to another one found by search.
#[component]
fn HouseholdChooser(
    household: RwSignal<i64>,
    household_label: RwSignal<String>,
    original: (i64, String),
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let moving = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let original = StoredValue::new(original);
    // The households a search found, with the words searched for.
    let search = Action::new_unsync(|q: &String| {
        let q = q.clone();
        async move {
            let found = api::search(&q).await.map(|r| {
                r.places
                    .into_iter()
                    .filter(|p| p.place.kind == PlaceKind::Household)
                    .collect::<Vec<PlaceRefWithPath>>()
            });
            (q, found)
        }
    });
    let (searching, results) = (search.pending(), search.value());
    let run_search = move || {
        let q = query.get_untracked().trim().to_string();
        if !q.is_empty() && !searching.get_untracked() {
            search.dispatch(q);
        }
    };
    let toggle = move |_| {
        let now = !moving.get_untracked();
        moving.set(now);
        if now {
            focus_by_id("move-household-query");
        } else {
            let (id, label) = original.get_value();
            household.set(id);
            household_label.set(label);
            results.set(None);
        }
    };
    let changed = move || household.get() != original.with_value(|o| o.0);

    view! {
        <fieldset class="field household-chooser" data-testid="household-chooser">
            <legend>{move || i18n.t(Key::CurrentHousehold)}</legend>
            <p class="household-current" class:is-changed=changed data-testid="resident-household">{move || household_label.get()}</p>
            <FieldErrorList errors field="household_id" id="edit-resident-household-error".to_string()/>
            <button type="button" class="button button-quiet" data-testid="move-household"
                aria-expanded=move || moving.get().to_string() on:click=toggle>
                {move || if moving.get() { i18n.t(Key::MoveHouseholdCancel) } else { i18n.t(Key::MoveHousehold) }}
            </button>
            {move || moving.get().then(|| view! {
                <div class="move-household">
                    <label for="move-household-query">{move || i18n.t(Key::MoveHouseholdSearch)}</label>
                    <div class="search-row">
                        <input id="move-household-query" type="search" autocomplete="off" data-testid="move-household-query"
                            bind:value=query
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                // Enter searches here instead of submitting the whole form.
                                if ev.key() == "Enter" { ev.prevent_default(); run_search(); }
                            }/>
                        <button type="button" class="button button-secondary" data-testid="move-household-search"
                            disabled=move || searching.get() on:click=move |_| run_search()>
                            {move || i18n.t(Key::SearchButton)}
                        </button>
                    </div>
                    <div aria-live="polite">
                        {move || match results.get() {
                            None => ().into_any(),
                            Some((_, Err(e))) => view! { <ErrorBox error=e/> }.into_any(),
                            Some((q, Ok(list))) if list.is_empty() => {
                                view! { <p class="empty">{move || i18n.fmt(Key::MoveHouseholdNone, &[("q", &q)])}</p> }.into_any()
                            }
                            Some((_, Ok(list))) => view! {
                                <fieldset class="choice-group">
                                    <legend>{move || i18n.t(Key::MoveHouseholdPick)}</legend>
                                    <div class="choices choices-stacked">
                                        {list.into_iter().map(|p| {
                                            let pid = p.place.id;
                                            let input_id = format!("move-household-{pid}");
                                            let for_id = input_id.clone();
                                            let location = p.location.clone();
                                            view! {
                                                <label class="choice" for=for_id>
                                                    <input type="radio" name="move-household" id=input_id data-testid="household-choice"
                                                        prop:checked=move || household.get() == pid
                                                        on:change=move |_| { household.set(pid); household_label.set(location.clone()); }/>
                                                    <span>{p.location.clone()}</span>
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            }.into_any(),
                        }}
                    </div>
                </div>
            })}
        </fieldset>
    }
}

fn focus_by_id(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
