//! A resident's care record (关爱档案): pairings with their helpers and visit schedule (staff
//! and the grid's workers add pairings), the visits, and the errands with their status. The
//! server shows it only to those who care for the resident and audit-logs every read.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::{Permission, Work};
use shared::care::{
    CareRecord, HelperKind, PairingInput, PairingUpdate, PairingView, RiskLevel, VisitView,
};

use super::errands::ErrandCard;
use super::{RiskBadge, clear_on_change, local_errors};
use crate::accounts::{PersonPicker, use_session};
use crate::api;
use crate::clock::today;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, When, focus_first_invalid,
    use_id_param,
};

#[component]
pub fn CareRecordPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <RecordLoader id/> }.into_any(),
        None => view! { <crate::shell::NotFound/> }.into_any(),
    }
}

#[component]
fn RecordLoader(id: i64) -> impl IntoView {
    let record = LocalResource::new(move || api::care_record(id));
    let notice = RwSignal::new(None::<String>);
    move || match record.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! { <crate::shell::NotFound/> }.into_any(),
        Some(Err(e)) => {
            view! { <ErrorBox error=e retry=Callback::new(move |_| record.refetch())/> }.into_any()
        }
        Some(Ok(r)) => {
            view! { <RecordBody record=r notice reload=Callback::new(move |_| record.refetch())/> }
                .into_any()
        }
    }
}

#[component]
fn RecordBody(
    record: CareRecord,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let r = record;
    {
        let name = r.resident_name.clone();
        Effect::new(move |_| set_title(&name, i18n.get()));
    }
    let grid = Some(r.grid_id);
    let may_pair = move || session.may_in_grid(Permission::EditPeople, grid);
    let may_view_resident = move || session.may_in_grid(Permission::ViewPeople, grid);
    let adding = RwSignal::new(false);
    let resident_id = r.resident_id;
    let visit_href = format!("/care/residents/{resident_id}/visit");
    let pairings = r.pairings.clone();
    let visits = r.visits.clone();
    let errands = r.errands.clone();

    view! {
        <p class="back"><a href="/care">{move || format!("‹ {}", i18n.t(Key::CareDueTitle))}</a></p>
        <div class="page-head record-head">
            <h1 data-testid="record-name" data-user-text>{r.resident_name.clone()}</h1>
            <p class="lead">{move || i18n.t(Key::CareRecordTitle)}</p>
            <p class="muted record-audit">{move || i18n.t(Key::CareRecordAudited)}</p>
            <div class="actions">
                <a class="button button-primary" href=visit_href data-testid="record-visit">{move || i18n.t(Key::CareRecordVisit)}</a>
                <Show when=may_view_resident>
                    <a class="button button-quiet" href=format!("/residents/{resident_id}")>{move || i18n.t(Key::ResidentTitle)}</a>
                </Show>
            </div>
        </div>
        <Notice message=notice/>

        <section aria-labelledby="pairings-title" data-testid="record-pairings">
            <div class="section-head">
                <h2 id="pairings-title">{move || i18n.t(Key::CarePairings)}</h2>
                <Show when=may_pair>
                    <button type="button" class="button button-secondary" data-testid="add-pairing"
                        aria-expanded=move || adding.get().to_string()
                        on:click=move |_| { notice.set(None); adding.update(|a| *a = !*a); }>
                        {move || i18n.t(Key::CareAddPairing)}
                    </button>
                </Show>
            </div>
            {move || adding.get().then(|| view! {
                <PairingForm resident_id
                    on_saved=Callback::new(move |p: PairingView| {
                        adding.set(false);
                        notice.set(Some(i18n.fmt(Key::CarePairingSaved, &[("name", &p.helper_name)])));
                        reload.run(());
                    })
                    on_cancel=Callback::new(move |_| adding.set(false))/>
            })}
            {if pairings.is_empty() {
                view! { <p class="empty" data-testid="no-pairings">{move || i18n.t(Key::CareNoPairings)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards pairing-cards">
                        {pairings.into_iter().map(|p| view! { <li><PairingCard pairing=p may_edit=may_pair() notice reload/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section aria-labelledby="visits-title" data-testid="record-visits">
            <h2 id="visits-title">{move || i18n.t(Key::CareVisits)}</h2>
            {if visits.is_empty() {
                view! { <p class="empty">{move || i18n.t(Key::CareNoVisits)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline care-timeline">
                        {visits.into_iter().map(|v| view! { <VisitItem visit=v/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>

        <section aria-labelledby="errands-title" data-testid="record-errands">
            <h2 id="errands-title">{move || i18n.t(Key::CareErrandsTitle)}</h2>
            {if errands.is_empty() {
                view! { <p class="empty">{move || i18n.t(Key::CareErrandsEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards errand-cards">
                        {errands.into_iter().map(|e| view! { <li><ErrandCard errand=e/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn PairingCard(
    pairing: PairingView,
    may_edit: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let p = pairing;
    let kind = p.helper_kind;
    let last = p.last_visit.map(|d| d.to_string());
    let editing = RwSignal::new(None::<PairingEdit>);
    let edit_view = p.clone();
    let ended = p.ended_on.map(|d| d.to_string());
    let end_reason = p.end_reason.clone();
    view! {
        <article class="card pairing-card" class:pairing-ended=!p.active data-testid="pairing">
            <div class="due-head">
                <h3 class="pairing-helper"><span data-user-text>{p.helper_name.clone()}</span><span class="muted">{move || i18n.fmt(Key::CareHelperKindAside, &[("kind", i18n.text(kind.text()))])}</span></h3>
                {p.overdue.then(|| view! { <span class="badge badge-danger overdue-mark">{move || i18n.t(Key::CareOverdue)}</span> })}
                {(!p.active).then(|| view! { <span class="badge">{move || i18n.t(Key::CarePairingEnded)}</span> })}
            </div>
            <p class="badges"><RiskBadge risk=p.risk/></p>
            <dl class="facts">
                <div><dt>{move || i18n.t(Key::CarePurpose)}</dt><dd data-user-text>{p.purpose.clone()}</dd></div>
                {(!p.contact_schedule.is_empty()).then(|| view! {
                    <div><dt>{move || i18n.t(Key::CareContactSchedule)}</dt><dd data-user-text>{p.contact_schedule.clone()}</dd></div>
                })}
                <div><dt>{move || i18n.t(Key::CareStartsOn)}</dt><dd>{p.starts_on.to_string()}</dd></div>
                <div><dt>{move || i18n.t(Key::CareLastVisit)}</dt>
                    <dd>{move || last.clone().unwrap_or_else(|| i18n.t(Key::CareNeverVisited).to_string())}</dd></div>
                {p.active.then(|| view! {
                    <div><dt>{move || i18n.t(Key::CareNextDue)}</dt><dd class:due-late=p.overdue data-testid="pairing-next-due">{p.next_due.to_string()}</dd></div>
                })}
                {ended.map(|d| view! {
                    <div><dt>{move || i18n.t(Key::CareEndedOn)}</dt><dd data-testid="pairing-ended-on">{d}</dd></div>
                })}
                {end_reason.map(|r| view! {
                    <div><dt>{move || i18n.t(Key::CareEndReason)}</dt><dd data-testid="pairing-end-reason">{r}</dd></div>
                })}
            </dl>
            {(may_edit && p.active).then(|| view! {
                <div class="actions pairing-actions">
                    <button type="button" class="button button-secondary" data-testid="pairing-risk-open"
                        aria-expanded=move || (editing.get() == Some(PairingEdit::Risk)).to_string()
                        on:click=move |_| editing.update(|e| *e = if *e == Some(PairingEdit::Risk) { None } else { Some(PairingEdit::Risk) })>
                        {move || i18n.t(Key::CareChangeRisk)}
                    </button>
                    <button type="button" class="button button-quiet" data-testid="pairing-end-open"
                        aria-expanded=move || (editing.get() == Some(PairingEdit::End)).to_string()
                        on:click=move |_| editing.update(|e| *e = if *e == Some(PairingEdit::End) { None } else { Some(PairingEdit::End) })>
                        {move || i18n.t(Key::CareEndPairing)}
                    </button>
                </div>
                {move || editing.get().map(|mode| view! {
                    <PairingEditForm pairing=edit_view.clone() mode
                        on_saved=Callback::new(move |p: PairingView| {
                            editing.set(None);
                            notice.set(Some(if p.active {
                                i18n.fmt(Key::CareRiskChanged, &[("due", &p.next_due.to_string())])
                            } else {
                                i18n.fmt(Key::CarePairingEndedNotice, &[("name", &p.helper_name)])
                            }));
                            reload.run(());
                        })
                        on_stale=Callback::new(move |_| {
                            editing.set(None);
                            notice.set(Some(i18n.t(Key::CarePairingStale).to_string()));
                            reload.run(());
                        })
                        on_cancel=Callback::new(move |_| editing.set(None))/>
                })}
            })}
        </article>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PairingEdit {
    Risk,
    End,
}

/// Change the risk level (the next due date follows) or end the pairing with reason and day.
/// The write names the version read; a stale one (someone else changed it) reloads the record.
#[component]
fn PairingEditForm(
    pairing: PairingView,
    mode: PairingEdit,
    on_saved: Callback<PairingView>,
    on_stale: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let p = pairing;
    let risk = RwSignal::new(p.risk);
    let reason = RwSignal::new(String::new());
    let ended_on = RwSignal::new(today().to_string());
    let (id, version, starts_on) = (p.id, p.version, p.starts_on);
    // Someone else changed the pairing (409): the record is read again instead.
    let send = Submit::new(move |input: PairingUpdate| async move {
        match api::update_pairing(id, &input).await {
            Ok(p) => on_saved.run(p),
            Err(e) if e.status() == Some(409) => on_stale.run(()),
            Err(e) => return Err(e),
        }
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    clear_on_change(reason, errors, "end_reason");
    clear_on_change(ended_on, errors, "ended_on");
    let pid = p.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let input = match mode {
            PairingEdit::Risk => PairingUpdate {
                active: true,
                risk: risk.get_untracked(),
                version,
                end_reason: None,
                ended_on: None,
            },
            PairingEdit::End => {
                let Ok(d) = time::Date::parse(
                    ended_on.get_untracked().trim(),
                    time::macros::format_description!("[year]-[month]-[day]"),
                ) else {
                    errors.set(vec![crate::ui::local_error(
                        "ended_on",
                        shared::error::FieldErrorCode::InvalidFormat,
                    )]);
                    focus_first_invalid();
                    return;
                };
                PairingUpdate {
                    active: false,
                    risk: risk.get_untracked(),
                    version,
                    end_reason: Some(reason.get_untracked()),
                    ended_on: Some(d),
                }
            }
        };
        if let Err(errs) = input.validate(true, starts_on, today()) {
            errors.set(local_errors(errs));
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };
    let reason_id = format!("pairing-end-reason-{pid}");
    let date_id = format!("pairing-ended-on-{pid}");
    view! {
        <form class="form pairing-edit-form" on:submit=submit novalidate data-testid="pairing-edit-form">
            <FormError error fields=errors/>
            {match mode {
                PairingEdit::Risk => view! {
                    <fieldset class="field">
                        <legend>{move || i18n.t(Key::CareRisk)}</legend>
                        <p class="hint">{move || i18n.t(Key::CareRiskHint)}</p>
                        <div class="choices">
                            {RiskLevel::ALL.into_iter().map(|r| view! {
                                <label class="choice">
                                    <input type="radio" name=format!("pairing-risk-{pid}") value=r.as_str()
                                        data-testid=format!("edit-risk-{}", r.as_str())
                                        prop:checked=move || risk.get() == r on:change=move |_| risk.set(r)/>
                                    {move || i18n.text(r.text())}
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                }.into_any(),
                PairingEdit::End => view! {
                    <div class="field" class:field-invalid=invalid("end_reason")>
                        <label for=reason_id.clone()>{move || i18n.t(Key::CareEndReason)}</label>
                        <p class="hint">{move || i18n.t(Key::CareEndReasonHint)}</p>
                        <textarea id=reason_id.clone() rows="2" maxlength="500" data-testid="pairing-end-reason-input"
                            aria-invalid=move || invalid("end_reason")().to_string() bind:value=reason></textarea>
                        <FieldErrorList errors field="end_reason" id=format!("{reason_id}-error")/>
                    </div>
                    <div class="field" class:field-invalid=invalid("ended_on")>
                        <label for=date_id.clone()>{move || i18n.t(Key::CareEndedOn)}</label>
                        <input id=date_id.clone() type="date" data-testid="pairing-ended-on-input" bind:value=ended_on
                            min=starts_on.min(today()).to_string() max=today().to_string()
                            aria-invalid=move || invalid("ended_on")().to_string()/>
                        <FieldErrorList errors field="ended_on" id=format!("{date_id}-error")/>
                    </div>
                }.into_any(),
            }}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="pairing-edit-submit" disabled=move || saving.get()>
                    {move || if saving.get() { i18n.t(Key::Saving) } else if mode == PairingEdit::End { i18n.t(Key::CareEndPairing) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

#[component]
fn VisitItem(visit: VisitView) -> impl IntoView {
    let i18n = use_i18n();
    let v = visit;
    let method = v.method;
    view! {
        <li class="timeline-item" data-testid="visit-item">
            <p class="timeline-meta">
                <strong><When at=v.visited_at/></strong>" · "
                {move || i18n.text(method.text())}" · "
                <span data-user-text>{v.visitor_name.clone()}</span>
            </p>
            {(!v.needs.is_empty()).then(|| view! {
                <p class="timeline-note"><span class="muted">{move || i18n.t(Key::VisitNeeds)}": "</span><span data-user-text>{v.needs.clone()}</span></p>
            })}
            {(!v.observations.is_empty()).then(|| view! {
                <p class="timeline-note"><span class="muted">{move || i18n.t(Key::VisitObservations)}": "</span><span data-user-text>{v.observations.clone()}</span></p>
            })}
            {v.errand_id.map(|id| view! {
                <p><a class="case-link" href=format!("#errand-{id}")>{move || i18n.fmt(Key::VisitErrandMade, &[("n", &id.to_string())])}</a></p>
            })}
            {v.case_id.map(|id| view! {
                <p><a class="case-link" href=format!("/cases/{id}")>{move || i18n.fmt(Key::VisitCaseMade, &[("n", &id.to_string())])}</a></p>
            })}
        </li>
    }
}

#[component]
fn PairingForm(
    resident_id: i64,
    on_saved: Callback<PairingView>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let helper_name = RwSignal::new(String::new());
    let helper = RwSignal::new(None::<shared::accounts::Person>);
    let kind = RwSignal::new(HelperKind::Volunteer);
    let risk = RwSignal::new(RiskLevel::Key);
    let purpose = RwSignal::new(String::new());
    let schedule = RwSignal::new(String::new());
    let starts = RwSignal::new(today().to_string());
    let send = Submit::new(move |input: PairingInput| async move {
        on_saved.run(api::create_pairing(&input).await?);
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    clear_on_change(helper_name, errors, "helper_name");
    // Choosing the helper's account names the helper, unless a name is typed already.
    Effect::new(move |_| {
        if let Some(p) = helper.get()
            && helper_name.get_untracked().trim().is_empty()
        {
            helper_name.set(p.display_name);
        }
    });
    clear_on_change(purpose, errors, "purpose");
    clear_on_change(starts, errors, "starts_on");

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let starts_on = match time::Date::parse(
            starts.get_untracked().trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(d) => d,
            Err(_) => {
                errors.set(vec![crate::ui::local_error(
                    "starts_on",
                    shared::error::FieldErrorCode::InvalidFormat,
                )]);
                focus_first_invalid();
                return;
            }
        };
        let input = PairingInput {
            resident_id,
            helper_user_id: helper.with_untracked(|h| h.as_ref().map(|h| h.user_id)),
            helper_username: None,
            helper_name: helper_name.get_untracked().trim().to_string(),
            helper_kind: kind.get_untracked(),
            risk: risk.get_untracked(),
            purpose: purpose.get_untracked().trim().to_string(),
            contact_schedule: schedule.get_untracked().trim().to_string(),
            starts_on,
        };
        if let Err(errs) = input.validate(today()) {
            errors.set(local_errors(errs));
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };

    view! {
        <form class="card form pairing-form" on:submit=submit novalidate data-testid="pairing-form">
            <h3>{move || i18n.t(Key::CareAddPairing)}</h3>
            <FormError error fields=errors/>
            <PersonPicker id="pairing-helper" testid="pairing-helper" label=Key::CareHelperAccount chosen=helper errors field="helper_user_id"
                work=Work::PairingHelper
                hint=Key::CareHelperAccountHint/>
            <TextField id="pairing-helper-name" label=Key::CareHelperName value=helper_name errors field="helper_name" required=true/>
            <div class="form-grid">
                <div class="field">
                    <label for="pairing-kind">{move || i18n.t(Key::CareHelperKind)}</label>
                    <select id="pairing-kind" data-testid="pairing-kind"
                        on:change=move |ev| if let Some(k) = HelperKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                        {HelperKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k>{move || i18n.text(k.text())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field" class:field-invalid=invalid("starts_on")>
                    <label for="pairing-starts">{move || i18n.t(Key::CareStartsOn)}</label>
                    <input id="pairing-starts" type="date" data-testid="pairing-starts" bind:value=starts
                        aria-invalid=move || invalid("starts_on")().to_string()/>
                    <FieldErrorList errors field="starts_on" id="pairing-starts-error".to_string()/>
                </div>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::CareRisk)}</legend>
                <div class="choices">
                    {RiskLevel::ALL.into_iter().map(|r| view! {
                        <label class="choice">
                            <input type="radio" name="pairing-risk" value=r.as_str() data-testid=format!("risk-{}", r.as_str())
                                prop:checked=move || risk.get() == r on:change=move |_| risk.set(r)/>
                            {move || i18n.text(r.text())}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field" class:field-invalid=invalid("purpose")>
                <label for="pairing-purpose">{move || i18n.t(Key::CarePurpose)}</label>
                <p class="hint">{move || i18n.t(Key::CarePurposeHint)}</p>
                <textarea id="pairing-purpose" rows="2" maxlength="500" data-testid="pairing-purpose"
                    aria-invalid=move || invalid("purpose")().to_string() bind:value=purpose></textarea>
                <FieldErrorList errors field="purpose" id="pairing-purpose-error".to_string()/>
            </div>
            <TextField id="pairing-schedule" label=Key::CareContactSchedule value=schedule errors field="contact_schedule"
                hint=Key::CareContactScheduleHint/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="pairing-submit" disabled=move || saving.get()>
                    {move || if saving.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
