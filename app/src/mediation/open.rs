//! Opening a mediation file: the dispute, where it is, the parties (applicant, respondent,
//! more) with their contacts and accounts, the mediators, and the risk flag (Art. 25).
//! The form checks itself with `CreateFile::validate` before sending; the server decides.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::accounts::{Person, Work};
use shared::error::FieldError;
use shared::mediation::{CreateFile, DisputeType, Origin, PartyInput, Side};
use shared::places::PlaceRefWithPath;

use crate::accounts::PeoplePicker;
use crate::api;
use crate::cases::PlacePicker;
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{FieldErrorList, FormError, TextField, errors_for, focus_first_invalid};

/// One party's row in the form.
#[derive(Clone, Copy)]
struct PartyRow {
    key: u32,
    side: RwSignal<Side>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    id_number: RwSignal<String>,
    address: RwSignal<String>,
    representative: RwSignal<String>,
    username: RwSignal<String>,
}

impl PartyRow {
    fn new(key: u32, side: Side) -> PartyRow {
        PartyRow {
            key,
            side: RwSignal::new(side),
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            id_number: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            representative: RwSignal::new(String::new()),
            username: RwSignal::new(String::new()),
        }
    }

    fn input(&self) -> PartyInput {
        let opt = |s: RwSignal<String>| {
            let v = s.get_untracked().trim().to_string();
            (!v.is_empty()).then_some(v)
        };
        PartyInput {
            side: self.side.get_untracked(),
            name: self.name.get_untracked().trim().to_string(),
            phone: opt(self.phone),
            representative: opt(self.representative),
            user_id: None,
            username: opt(self.username),
            id_number: opt(self.id_number),
            address: opt(self.address),
        }
    }
}

const SIDES: [Side; 3] = [Side::Applicant, Side::Respondent, Side::Other];

#[component]
pub fn OpenFileForm(on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // The origins this user may choose (a resident applies for themselves only): the rule the
    // server enforces.
    let origins: Vec<Origin> = crate::accounts::use_session()
        .principal()
        .map(|p| {
            Origin::ALL
                .into_iter()
                .filter(|o| o.may_choose(&p))
                .collect()
        })
        .unwrap_or_else(|| vec![Origin::Application]);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let dispute_type = RwSignal::new(DisputeType::Neighbour);
    let origin = RwSignal::new(Origin::Application);
    let source_case = RwSignal::new(String::new());
    let place = RwSignal::new(None::<PlaceRefWithPath>);
    let rows = RwSignal::new(vec![
        PartyRow::new(0, Side::Applicant),
        PartyRow::new(1, Side::Respondent),
    ]);
    let next_key = StoredValue::new(2u32);
    let chosen = RwSignal::new(Vec::<Person>::new());
    let chosen_by_parties = RwSignal::new(false);
    let risk = RwSignal::new(false);
    // The new file opens, ready for consent and the notices.
    let send = Submit::new(move |input: CreateFile| {
        let navigate = navigate.clone();
        async move {
            let v = api::create_file(&input).await?;
            navigate(&format!("/mediation/{}", v.summary.id), Default::default());
            Ok(())
        }
    })
    .focusing_invalid();
    let (error, errors, busy) = (send.error, send.errors, send.pending());

    request_animation_frame(|| crate::cases::focus_by_id("med-title"));

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = CreateFile {
            title: title.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            dispute_type: dispute_type.get_untracked(),
            origin: origin.get_untracked(),
            source_case_id: source_case.get_untracked().trim().parse().ok(),
            place_id: place.with_untracked(|p| p.as_ref().map(|p| p.place.id).unwrap_or(0)),
            parties: rows.with_untracked(|r| r.iter().map(PartyRow::input).collect()),
            mediator_ids: chosen.with_untracked(|c| c.iter().map(|p| p.user_id).collect()),
            chosen_by_parties: chosen_by_parties.get_untracked(),
            risk: risk.get_untracked(),
        };
        let mut local: Vec<FieldError> = match input.validate() {
            Ok(()) => Vec::new(),
            Err(errs) => errs
                .0
                .into_iter()
                .map(|(field, code)| FieldError {
                    field,
                    code,
                    message: String::new(),
                })
                .collect(),
        };
        if input.place_id == 0 {
            local.push(FieldError {
                field: "place_id".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            });
        }
        if !local.is_empty() {
            error.set(None);
            errors.set(local);
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };

    let invalid = move |f: String| errors.with(|e| e.iter().any(|x| x.field == f));
    let party_view = move |row: PartyRow| {
        let k = row.key;
        // The row's place in the list now: the API names its fields `parties[i].name`.
        let index = move || rows.with(|r| r.iter().position(|x| x.key == k).unwrap_or(0));
        let f = move |name: &str| format!("parties[{}].{name}", index());
        let err_text = move |name: &'static str| {
            move || {
                let field = f(name);
                let mine = errors.with(|e| errors_for(e, &field));
                (!mine.is_empty()).then(|| {
                    let text = mine
                        .iter()
                        .map(|e| e.code.message(i18n.get()))
                        .collect::<Vec<_>>()
                        .join(" ");
                    view! { <p class="field-error" data-testid=format!("error-party-{name}")>{text}</p> }
                })
            }
        };
        let id = move |name: &str| format!("med-party-{k}-{name}");
        view! {
            <fieldset class="med-party-row" data-testid="med-party-row">
                <legend>{move || i18n.fmt(Key::MedPartyN, &[("n", &(index() + 1).to_string())])}</legend>
                <div class="form-grid">
                    <div class="field">
                        <label for=id("side")>{move || i18n.t(Key::MedSide)}</label>
                        <select id=id("side") data-testid="med-party-side"
                            on:change=move |ev| if let Some(s) = Side::parse(&event_target_value(&ev)) { row.side.set(s) }>
                            {SIDES.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=move || row.side.get() == s>{move || i18n.text(s.text())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("name"))>
                        <label for=id("name")>{move || i18n.t(Key::MedPartyName)}</label>
                        <input id=id("name") data-testid="med-party-name" autocomplete="off" maxlength="64"
                            aria-invalid=move || invalid(f("name")).to_string() bind:value=row.name/>
                        {err_text("name")}
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("phone"))>
                        <label for=id("phone")>{move || i18n.t(Key::MedPartyPhone)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=id("phone") type="tel" inputmode="tel" data-testid="med-party-phone" autocomplete="off"
                            aria-invalid=move || invalid(f("phone")).to_string() bind:value=row.phone/>
                        {err_text("phone")}
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("id_number"))>
                        <label for=id("idno")>{move || i18n.t(Key::MedPartyIdNumber)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=id("idno") data-testid="med-party-id-number" autocomplete="off" maxlength="30" autocapitalize="characters"
                            aria-invalid=move || invalid(f("id_number")).to_string() bind:value=row.id_number/>
                        {err_text("id_number")}
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("address"))>
                        <label for=id("address")>{move || i18n.t(Key::MedPartyAddress)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=id("address") data-testid="med-party-address" autocomplete="off" maxlength="200"
                            aria-invalid=move || invalid(f("address")).to_string() bind:value=row.address/>
                        {err_text("address")}
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("representative"))>
                        <label for=id("rep")>{move || i18n.t(Key::MedRepresentative)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=id("rep") data-testid="med-party-representative" autocomplete="off" maxlength="64"
                            aria-invalid=move || invalid(f("representative")).to_string() bind:value=row.representative/>
                        {err_text("representative")}
                    </div>
                    <div class="field" class:field-invalid=move || invalid(f("username"))>
                        <label for=id("account")>{move || i18n.t(Key::MedAccount)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=id("account") data-testid="med-party-username" autocomplete="off" autocapitalize="none"
                            aria-invalid=move || invalid(f("username")).to_string() aria-describedby="med-account-hint" bind:value=row.username/>
                        {err_text("username")}
                    </div>
                </div>
                {move || (rows.with(Vec::len) > 2).then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="med-party-remove"
                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != k))>
                        {i18n.t(Key::MedRemoveParty)}
                    </button>
                })}
            </fieldset>
        }
    };

    view! {
        <form class="card form med-open-form" id="med-open-form" data-testid="med-open-form" on:submit=submit novalidate>
            <h2>{move || i18n.t(Key::MedOpenFile)}</h2>
            <p class="hint">{move || i18n.t(Key::MedOpenFileIntro)}</p>
            <FormError error fields=errors testid="med-open-error"/>
            <TextField id="med-title" label=Key::MedFileTitle value=title errors field="title" required=true hint=Key::MedFileTitleHint/>
            <div class="form-grid">
                <div class="field">
                    <label for="med-type">{move || i18n.t(Key::MedDisputeType)}</label>
                    <select id="med-type" data-testid="med-type"
                        on:change=move |ev| if let Some(t) = DisputeType::parse(&event_target_value(&ev)) { dispute_type.set(t) }>
                        {DisputeType::ALL.into_iter().map(|t| view! {
                            <option value=t.as_str() selected=move || dispute_type.get() == t>{move || i18n.text(t.text())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="med-origin">{move || i18n.t(Key::MedOrigin)}</label>
                    <select id="med-origin" data-testid="med-origin"
                        on:change=move |ev| if let Some(o) = Origin::parse(&event_target_value(&ev)) { origin.set(o) }>
                        {origins.iter().copied().map(|o| view! {
                            <option value=o.as_str() selected=move || origin.get() == o>{move || i18n.text(o.text())}</option>
                        }).collect_view()}
                    </select>
                </div>
                {move || (origin.get() == Origin::Referral).then(|| view! {
                    <TextField id="med-source-case" label=Key::MedSourceCase value=source_case errors field="source_case_id" required=true inputmode="numeric"/>
                })}
            </div>
            <div class="field">
                <label for="med-description">{move || i18n.t(Key::MedDescription)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                <textarea id="med-description" rows="4" maxlength="4000" data-testid="med-description" bind:value=description></textarea>
            </div>
            <fieldset class="field where" class:field-invalid=move || invalid("place_id".into())>
                <legend>{move || i18n.t(Key::MedWhere)}</legend>
                <PlacePicker place errors/>
            </fieldset>
            <fieldset class="field med-parties" class:field-invalid=move || invalid("parties".into())>
                <legend>{move || i18n.t(Key::MedParties)}</legend>
                <p class="hint">{move || i18n.t(Key::MedPartiesHint)}</p>
                <p class="hint" id="med-account-hint">{move || i18n.t(Key::MedAccountHint)}</p>
                <FieldErrorList errors field="parties" id="med-parties-error".to_string()/>
                <For each=move || rows.get() key=|r| r.key let:row>
                    {party_view(row)}
                </For>
                <button type="button" class="button button-secondary" data-testid="med-party-add"
                    on:click=move |_| {
                        let k = next_key.get_value();
                        next_key.set_value(k + 1);
                        rows.update(|r| r.push(PartyRow::new(k, Side::Other)));
                    }>
                    {move || i18n.t(Key::MedAddParty)}
                </button>
            </fieldset>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::MedMediators)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></legend>
                <PeoplePicker id="med-mediators" testid="med-mediators-picker" add_testid="med-mediator-add" label=Key::MedMediators
                    chosen errors field="mediator_ids" work=Work::Mediator/>
                <label class="choice">
                    <input type="checkbox" data-testid="med-chosen-by-parties" bind:checked=chosen_by_parties/>
                    {move || i18n.t(Key::MedChosenByParties)}
                </label>
            </fieldset>
            <div class="med-risk-field" class:is-on=move || risk.get()>
                <label class="choice">
                    <input type="checkbox" data-testid="med-risk" aria-describedby="med-risk-hint" bind:checked=risk/>
                    <strong>{move || i18n.t(Key::MedRiskLabel)}</strong>
                </label>
                <p class="hint" id="med-risk-hint">{move || i18n.t(Key::MedRiskHint)}</p>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="med-open-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Sending) } else { i18n.t(Key::MedCreate) }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
