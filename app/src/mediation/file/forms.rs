//! The file's forms for those who run it: a session record, the agreement with its terms, an
//! extension of the time limit, and the mediators.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::*;

/// One party's words in a session form.
#[derive(Clone, Copy)]
struct EntryRow {
    party_id: i64,
    statement: RwSignal<String>,
    position: RwSignal<String>,
    interests: RwSignal<String>,
    proposal: RwSignal<String>,
    /// Set by the mediator; until then the session mode's default (`shared_by_default`).
    shareable: RwSignal<Option<bool>>,
}

/// The mediator's session record (调解笔录): mode, who is present, when and where, why this
/// mode, and per party what they said, want, need and propose, and what may be shared.
#[component]
pub(super) fn SessionForm(
    file_id: i64,
    parties: Vec<PartyView>,
    last_mode: Option<SessionMode>,
    page: Page,
) -> impl IntoView {
    let i18n = use_i18n();
    let mode = RwSignal::new(last_mode.unwrap_or(SessionMode::Joint));
    let present = RwSignal::new(None::<i64>);
    let held_at = RwSignal::new(format_local_input(crate::clock::now()));
    let venue = RwSignal::new(String::new());
    let strategy = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let send = page.change(
        error,
        Some(errors),
        move || Said::new(Key::MedSessionSaved),
        move |s: NewSession| async move { api::add_session(file_id, &s).await },
    );
    let rows: Vec<(PartyView, EntryRow)> = parties
        .iter()
        .map(|p| {
            (
                p.clone(),
                EntryRow {
                    party_id: p.id,
                    statement: RwSignal::new(String::new()),
                    position: RwSignal::new(String::new()),
                    interests: RwSignal::new(String::new()),
                    proposal: RwSignal::new(String::new()),
                    shareable: RwSignal::new(None),
                },
            )
        })
        .collect();
    let all_rows: Vec<EntryRow> = rows.iter().map(|(_, r)| *r).collect();
    // Art. 23–24: those this session is held with who have not been told of their rights.
    let untold_here = {
        let parties = parties.clone();
        move || {
            let ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
            let here = shared::mediation::present_at(mode.get(), present.get(), &ids);
            shared::mediation::untold(&parties, &here)
                .into_iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        }
    };
    let speaks = move |pid: i64| match mode.get() {
        SessionMode::Joint => true,
        SessionMode::BackToBack => present.get() == Some(pid),
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let m = mode.get_untracked();
        let party_id = (m == SessionMode::BackToBack)
            .then(|| present.get_untracked())
            .flatten();
        let entries: Vec<EntryInput> = all_rows
            .iter()
            .filter(|r| m == SessionMode::Joint || Some(r.party_id) == party_id)
            .map(|r| EntryInput {
                party_id: r.party_id,
                statement: r.statement.get_untracked().trim().to_string(),
                position: r.position.get_untracked().trim().to_string(),
                interests: r.interests.get_untracked().trim().to_string(),
                proposal: r.proposal.get_untracked().trim().to_string(),
                // Untouched: the server applies the mode's default (the same rule as shown).
                shareable: r.shareable.get_untracked(),
            })
            .filter(|e| {
                !(e.statement.is_empty()
                    && e.position.is_empty()
                    && e.interests.is_empty()
                    && e.proposal.is_empty())
            })
            .collect();
        let Some(at) = parse_local_input(&held_at.get_untracked()) else {
            errors.set(vec![FieldError {
                field: "held_at".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            }]);
            crate::ui::focus_first_invalid();
            return;
        };
        let s = NewSession {
            mode: m,
            party_id,
            held_at: at,
            venue: venue.get_untracked().trim().to_string(),
            strategy_note: strategy.get_untracked().trim().to_string(),
            entries,
        };
        send.dispatch(s);
    };
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    view! {
        <form class="med-session-form" data-testid="med-session-form" on:submit=submit novalidate>
            <h3>{move || i18n.t(Key::MedNewSession)}</h3>
            <FormError error fields=errors testid="med-session-error"/>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::MedMode)}</legend>
                <div class="choices choices-row">
                    {[SessionMode::Joint, SessionMode::BackToBack].into_iter().map(|m| view! {
                        <label class="choice choice-large">
                            <input type="radio" name="med-mode" data-testid=format!("med-mode-{}", m.as_str())
                                prop:checked=move || mode.get() == m on:change=move |_| mode.set(m)/>
                            {move || i18n.text(m.text())}
                        </label>
                    }).collect_view()}
                </div>
                {move || (last_mode.is_some_and(|l| l != mode.get())).then(|| view! {
                    <p class="alert alert-info med-switch-hint" data-testid="med-switch-hint">{i18n.fmt(Key::MedStrategySwitch, &[("from", i18n.text(last_mode.unwrap_or(SessionMode::Joint).text())), ("to", i18n.text(mode.get().text()))])}</p>
                })}
            </fieldset>
            {move || (mode.get() == SessionMode::BackToBack).then(|| view! {
                <div class="field" class:field-invalid=invalid("party_id")>
                    <label for="med-session-party">{i18n.t(Key::MedPartyPresent)}</label>
                    <select id="med-session-party" data-testid="med-session-party" aria-invalid=move || invalid("party_id")().to_string()
                        on:change=move |ev| present.set(event_target_value(&ev).parse().ok())>
                        <option value="">{i18n.t(Key::ChooseOne)}</option>
                        {parties.iter().map(|p| { let pid = p.id; view! {
                            <option value=pid.to_string() selected=move || present.get() == Some(pid)>{format!("{} {}", i18n.text(p.side.text()), p.name)}</option>
                        } }).collect_view()}
                    </select>
                    <FieldErrorList errors field="party_id" id="med-session-party-error".to_string()/>
                </div>
            })}
            <div class="form-grid">
                <div class="field" class:field-invalid=invalid("held_at")>
                    <label for="med-session-at">{move || i18n.t(Key::MedHeldAt)}</label>
                    <input id="med-session-at" type="datetime-local" data-testid="med-session-at" bind:value=held_at/>
                    <FieldErrorList errors field="held_at" id="med-session-at-error".to_string()/>
                </div>
                <div class="field" class:field-invalid=invalid("venue")>
                    <label for="med-session-venue">{move || i18n.t(Key::MedVenue)}</label>
                    <input id="med-session-venue" data-testid="med-session-venue" autocomplete="off" maxlength="200"
                        aria-invalid=move || invalid("venue")().to_string() bind:value=venue/>
                    <FieldErrorList errors field="venue" id="med-session-venue-error".to_string()/>
                </div>
            </div>
            <div class="field">
                <label for="med-session-strategy">{move || i18n.t(Key::MedStrategyNote)}{optional(i18n)}</label>
                <p class="hint">{move || i18n.t(Key::MedStrategyHint)}</p>
                <textarea id="med-session-strategy" rows="2" maxlength="4000" data-testid="med-session-strategy" bind:value=strategy></textarea>
            </div>
            {rows.into_iter().map(|(p, r)| {
                let pid = p.id;
                let area = move |key: Key, sig: RwSignal<String>, name: &'static str| view! {
                    <div class="field">
                        <label for=format!("med-e-{pid}-{name}")>{move || i18n.t(key)}</label>
                        <textarea id=format!("med-e-{pid}-{name}") rows="3" maxlength="4000" data-testid=format!("med-entry-{name}") bind:value=sig></textarea>
                    </div>
                };
                view! {
                    <fieldset class="med-entry-form" data-testid="med-entry-form" data-party-id=pid class:is-hidden=move || !speaks(pid) hidden=move || !speaks(pid)>
                        <legend>{move || i18n.fmt(Key::MedEntryFor, &[("side", i18n.text(p.side.text())), ("name", &p.name)])}</legend>
                        {area(Key::MedStatement, r.statement, "statement")}
                        {area(Key::MedPosition, r.position, "position")}
                        {area(Key::MedInterests, r.interests, "interests")}
                        {area(Key::MedProposal, r.proposal, "proposal")}
                        <label class="choice choice-large">
                            <input type="checkbox" data-testid="med-entry-shareable"
                                prop:checked=move || r.shareable.get().unwrap_or(mode.get().shared_by_default())
                                on:change=move |ev| r.shareable.set(Some(event_target_checked(&ev)))/>
                            {move || i18n.t(Key::MedShareableLabel)}
                        </label>
                    </fieldset>
                }
            }).collect_view()}
            {move || {
                let names = untold_here();
                (!names.is_empty()).then(|| view! {
                    <p class="alert alert-warn" role="alert" data-testid="med-untold-warning">
                        {i18n.fmt(Key::MedUntoldSession, &[("names", &names.join("、"))])}
                    </p>
                })
            }}
            <div class="actions"><button type="submit" class="button button-primary button-block" data-testid="med-session-submit">{move || i18n.t(Key::MedSaveSession)}</button></div>
        </form>
    }
}

/// One term in the agreement editor.
#[derive(Clone, Copy)]
struct TermRow {
    key: u32,
    text: RwSignal<String>,
    due: RwSignal<String>,
}

/// The agreement (调解协议书): facts and responsibility, terms with due dates, or an oral
/// agreement recorded instead.
#[component]
pub(super) fn AgreementForm(
    file_id: i64,
    version: i64,
    agreement: Option<shared::mediation::AgreementView>,
    parties: Vec<PartyView>,
    page: Page,
) -> impl IntoView {
    let i18n = use_i18n();
    // Art. 23–24: no agreement before every party has been told of their rights; the form
    // says who is missing instead of offering a save the server refuses.
    let ids: Vec<i64> = parties.iter().map(|p| p.id).collect();
    let untold: Vec<String> = shared::mediation::untold(&parties, &ids)
        .into_iter()
        .map(|p| p.name.clone())
        .collect();
    let blocked = !untold.is_empty();
    let facts = RwSignal::new(
        agreement
            .as_ref()
            .map(|a| a.facts.clone())
            .unwrap_or_default(),
    );
    let oral = RwSignal::new(agreement.as_ref().is_some_and(|a| a.oral));
    let initial: Vec<TermRow> = agreement
        .as_ref()
        .map(|a| {
            a.terms
                .iter()
                .enumerate()
                .map(|(i, t)| TermRow {
                    key: i as u32,
                    text: RwSignal::new(t.text.clone()),
                    due: RwSignal::new(format_day(t.due)),
                })
                .collect()
        })
        .unwrap_or_default();
    let next = StoredValue::new(initial.len() as u32 + 1);
    let terms = RwSignal::new(if initial.is_empty() {
        vec![TermRow {
            key: 0,
            text: RwSignal::new(String::new()),
            due: RwSignal::new(String::new()),
        }]
    } else {
        initial
    });
    let open = RwSignal::new(agreement.is_none());
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let send = page.change(
        error,
        Some(errors),
        move || Said::new(Key::MedAgreementSaved),
        move |a: AgreementInput| async move { api::set_agreement(file_id, &a).await },
    );
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut local = Vec::new();
        let list: Vec<TermInput> = terms.with_untracked(|t| {
            t.iter()
                .enumerate()
                .filter_map(|(i, r)| match parse_day(&r.due.get_untracked()) {
                    Some(due) => Some(TermInput {
                        text: r.text.get_untracked().trim().to_string(),
                        due,
                    }),
                    None => {
                        local.push(FieldError {
                            field: format!("terms[{i}].due"),
                            code: shared::error::FieldErrorCode::Required,
                            message: String::new(),
                        });
                        None
                    }
                })
                .collect()
        });
        if !local.is_empty() {
            errors.set(local);
            crate::ui::focus_first_invalid();
            return;
        }
        let a = AgreementInput {
            facts: facts.get_untracked().trim().to_string(),
            terms: list,
            oral: oral.get_untracked(),
            version,
        };
        send.dispatch(a);
    };
    let field_invalid = move |f: String| errors.with(|e| e.iter().any(|x| x.field == f));
    let field_text = move |f: String| {
        errors.with(|e| {
            e.iter()
                .filter(|x| x.field == f)
                .map(|x| x.code.message(i18n.get()))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let term_row = move |row: TermRow| {
        let k = row.key;
        let index = move || terms.with(|t| t.iter().position(|x| x.key == k).unwrap_or(0));
        let text_f = move || format!("terms[{}].text", index());
        let due_f = move || format!("terms[{}].due", index());
        view! {
            <div class="med-term-row" data-testid="med-term-row">
                <div class="field" class:field-invalid=move || field_invalid(text_f())>
                    <label for=format!("med-term-{k}-text")>{move || format!("{} {}", i18n.t(Key::MedTermText), index() + 1)}</label>
                    <textarea id=format!("med-term-{k}-text") rows="2" maxlength="1000" data-testid="med-term-text"
                        aria-invalid=move || field_invalid(text_f()).to_string() bind:value=row.text></textarea>
                    <p class="field-error">{move || field_text(text_f())}</p>
                </div>
                <div class="field" class:field-invalid=move || field_invalid(due_f())>
                    <label for=format!("med-term-{k}-due")>{move || i18n.t(Key::MedTermDue)}</label>
                    <input id=format!("med-term-{k}-due") type="date" data-testid="med-term-due"
                        aria-invalid=move || field_invalid(due_f()).to_string() bind:value=row.due/>
                    <p class="field-error">{move || field_text(due_f())}</p>
                </div>
                {move || (terms.with(Vec::len) > 1).then(|| view! {
                    <button type="button" class="button button-quiet" on:click=move |_| terms.update(|t| t.retain(|x| x.key != k))>{i18n.t(Key::MedRemoveTerm)}</button>
                })}
            </div>
        }
    };
    view! {
        {move || (!open.get()).then(|| view! {
            <p><button type="button" class="button button-secondary" data-testid="med-agreement-edit" on:click=move |_| open.set(true)>{i18n.t(Key::MedEditAgreement)}</button></p>
        })}
        <form class="med-agreement-form" data-testid="med-agreement-form" on:submit=submit novalidate hidden=move || !open.get()>
            <h3>{move || i18n.t(Key::MedEditAgreement)}</h3>
            <FormError error fields=errors testid="med-agreement-error"/>
            <div class="field" class:field-invalid=move || field_invalid("facts".into())>
                <label for="med-agreement-facts">{move || i18n.t(Key::MedAgreementFacts)}</label>
                <textarea id="med-agreement-facts" rows="5" maxlength="4000" data-testid="med-agreement-facts"
                    aria-invalid=move || field_invalid("facts".into()).to_string() bind:value=facts></textarea>
                <FieldErrorList errors field="facts" id="med-agreement-facts-error".to_string()/>
            </div>
            <fieldset class="field" class:field-invalid=move || field_invalid("terms".into())>
                <legend>{move || i18n.t(Key::MedTerms)}</legend>
                <FieldErrorList errors field="terms" id="med-terms-error".to_string()/>
                <For each=move || terms.get() key=|t| t.key let:row>
                    {term_row(row)}
                </For>
                <button type="button" class="button button-secondary" data-testid="med-term-add" on:click=move |_| {
                    let k = next.get_value();
                    next.set_value(k + 1);
                    terms.update(|t| t.push(TermRow { key: k, text: RwSignal::new(String::new()), due: RwSignal::new(String::new()) }));
                }>{move || i18n.t(Key::MedAddTerm)}</button>
            </fieldset>
            <label class="choice choice-large">
                <input type="checkbox" data-testid="med-agreement-oral" bind:checked=oral/>
                {move || i18n.t(Key::MedOral)}
            </label>
            {blocked.then(|| view! {
                <p class="alert alert-warn" role="alert" data-testid="med-agreement-untold">
                    {move || i18n.fmt(Key::MedUntoldAgreement, &[("names", &untold.join("、"))])}
                </p>
            })}
            <div class="actions"><button type="submit" class="button button-primary" data-testid="med-agreement-submit" disabled=blocked>{move || i18n.t(Key::MedSaveAgreement)}</button></div>
        </form>
    }
}

/// Extending the time limit: a new date, and every party's consent (recorded by the mediator).
#[component]
pub(super) fn ExtensionForm(
    file_id: i64,
    version: i64,
    deadline: Option<time::Date>,
    parties: Vec<PartyView>,
    page: Page,
) -> impl IntoView {
    let i18n = use_i18n();
    let date = RwSignal::new(deadline.map(format_day).unwrap_or_default());
    let consenting = RwSignal::new(Vec::<i64>::new());
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let send = page.change(
        error,
        Some(errors),
        move || Said::new(Key::Saved),
        move |x: Extension| async move { api::extend_file(file_id, &x).await },
    );
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(d) = parse_day(&date.get_untracked()) else {
            errors.set(vec![FieldError {
                field: "deadline".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            }]);
            return;
        };
        let x = Extension {
            deadline: d,
            consenting_party_ids: consenting.get_untracked(),
            version,
        };
        send.dispatch(x);
    };
    view! {
        <section class="card" aria-labelledby="med-extension-title">
            <h2 id="med-extension-title">{move || i18n.t(Key::MedExtension)}</h2>
            <p class="hint">{move || i18n.t(Key::MedExtensionHint)}</p>
            {move || (!open.get()).then(|| view! {
                <button type="button" class="button button-secondary" data-testid="med-extension-open" on:click=move |_| open.set(true)>{i18n.t(Key::MedExtension)}</button>
            })}
            <form class="med-inline-form" data-testid="med-extension-form" on:submit=submit novalidate hidden=move || !open.get()>
                <FormError error fields=errors testid="med-extension-error"/>
                <div class="field">
                    <label for="med-extension-date">{move || i18n.t(Key::MedNewDeadline)}</label>
                    <input id="med-extension-date" type="date" data-testid="med-extension-date" bind:value=date/>
                    <FieldErrorList errors field="deadline" id="med-extension-date-error".to_string()/>
                </div>
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::MedConsent)}</legend>
                    <div class="choices choices-stacked">
                        {parties.into_iter().map(|p| { let pid = p.id; view! {
                            <label class="choice choice-large">
                                <input type="checkbox" data-testid="med-extension-party"
                                    prop:checked=move || consenting.with(|c| c.contains(&pid))
                                    on:change=move |ev| { let on = event_target_checked(&ev); consenting.update(|c| { c.retain(|x| *x != pid); if on { c.push(pid) } }); }/>
                                {move || i18n.fmt_with_data(Key::MedPartyConsents, &[("name", &p.name)])}
                            </label>
                        } }).collect_view()}
                    </div>
                </fieldset>
                <div class="actions"><button type="submit" class="button button-primary" data-testid="med-extension-submit">{move || i18n.t(Key::MedExtend)}</button></div>
            </form>
        </section>
    }
}

/// Reassign the file's mediators: the office, from the users with the mediator role; whether
/// the parties chose them (Art. 19) is recorded with the change.
#[component]
pub(super) fn MediatorsForm(
    file_id: i64,
    version: i64,
    current: Vec<i64>,
    chosen: bool,
    page: Page,
) -> impl IntoView {
    let i18n = use_i18n();
    // The current mediators as people (name, role) from the list of those who may mediate.
    let picked = RwSignal::new(Vec::<Person>::new());
    let mediators = LocalResource::new(|| api::people("", None, Some((Work::Mediator, None))));
    // Filled once the list has come (the picker then belongs to the user).
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match mediators.get() {
            Some(Ok(all)) => {
                picked.set(
                    all.into_iter()
                        .filter(|p| current.contains(&p.user_id))
                        .collect(),
                );
                true
            }
            _ => false,
        }
    });
    let by_parties = RwSignal::new(chosen);
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let send = page.change(
        error,
        Some(errors),
        move || Said::new(Key::MedMediatorsSaved),
        move |req: Mediators| async move { api::set_file_mediators(file_id, &req).await },
    );
    let open = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let user_ids: Vec<i64> = picked.with_untracked(|c| c.iter().map(|p| p.user_id).collect());
        if user_ids.is_empty() {
            errors.set(vec![FieldError {
                field: "user_ids".into(),
                code: shared::error::FieldErrorCode::Required,
                message: i18n.t(Key::MedReassignNeedOne).to_string(),
            }]);
            return;
        }
        let req = Mediators {
            user_ids,
            chosen_by_parties: by_parties.get_untracked(),
            version,
        };
        send.dispatch(req);
    };
    view! {
        <section class="card" aria-labelledby="med-reassign-title" data-testid="med-reassign">
            <h2 id="med-reassign-title">{move || i18n.t(Key::MedReassign)}</h2>
            <button type="button" class="button button-secondary" data-testid="med-reassign-toggle"
                aria-expanded=move || open.get().to_string() aria-controls="med-reassign-form"
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || i18n.t(Key::MedReassign)}
            </button>
            {move || open.get().then(|| view! {
                <form id="med-reassign-form" class="med-inline-form" on:submit=submit novalidate>
                    <FormError error fields=errors testid="med-reassign-error"/>
                    <div class="field">
                        <PeoplePicker id="med-reassign" testid="med-reassign-picker" add_testid="med-reassign-add" label=Key::MedMediators
                            chosen=picked errors field="user_ids" work=Work::Mediator/>
                    </div>
                    <label class="choice">
                        <input type="checkbox" data-testid="med-reassign-by-parties" bind:checked=by_parties/>
                        {move || i18n.t(Key::MedChosenByParties)}
                    </label>
                    <div class="actions">
                        <button type="submit" class="button button-primary" data-testid="med-reassign-save">{move || i18n.t(Key::MedReassignSave)}</button>
                        <button type="button" class="button button-quiet" on:click=move |_| open.set(false)>{move || i18n.t(Key::Cancel)}</button>
                    </div>
                </form>
            })}
        </section>
    }
}
