//! Requests for approval on a case (回退/作废/延期 — 缓办 is the move `request_postpone`): the
//! requests the reader may make now (the server's `legal_requests`), the request waiting for a
//! decision with the office's approve/reject, and the ledger page `/approvals` with its
//! filters and CSV/XLSX export.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::Permission;
use shared::cases::{
    CaseRequest, CaseView, DecideCaseRequest, NewCaseRequest, RequestKind, RequestState,
    may_decide_requests,
};
use shared::error::{ErrorCode, FieldError};
use shared::stats::ExportFormat;

use super::detail::parse_day;
use crate::accounts::{RequirePermission, use_session};
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, When};

fn field_errors(errs: shared::error::FieldErrors) -> Vec<FieldError> {
    errs.0
        .into_iter()
        .map(|(field, code)| FieldError {
            field,
            code,
            message: String::new(),
        })
        .collect()
}

/// The requests section of a case page.
#[component]
pub fn RequestsPanel(
    case: CaseView,
    on_change: Callback<CaseView>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_decide = session.principal().is_some_and(|p| may_decide_requests(&p));
    let kinds = case.legal_requests.clone();
    let pending = case.pending_request.clone();
    if kinds.is_empty() && pending.is_none() {
        return None;
    }
    let id = case.summary.id;
    let version = case.summary.version;
    let open = RwSignal::new(None::<RequestKind>);
    let reason = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let reload = move |e: &ApiError| {
        let current = e
            .is(ErrorCode::VersionConflict)
            .then(|| e.current::<CaseView>())
            .flatten();
        let reloaded = current.is_some();
        if let Some(current) = current {
            notice.set(Some(i18n.t(Key::CaseChangedReloaded).to_string()));
            on_change.run(current);
        }
        reloaded
    };
    // Asking and deciding report to the one error line of the section. Someone else's change
    // (409 with the case as it is now) shows that case instead.
    let ask = Submit::reporting_to(error, errors, move |input: NewCaseRequest| async move {
        match api::request_on_case(id, &input).await {
            Ok(v) => {
                notice.set(Some(i18n.t(Key::RequestSent).to_string()));
                on_change.run(v);
                Ok(())
            }
            Err(e) if reload(&e) => Ok(()),
            Err(e) => Err(e),
        }
    });
    let decide_one = Submit::reporting_to(
        error,
        errors,
        move |(request_id, input): (i64, DecideCaseRequest)| async move {
            api::decide_case_request(request_id, &input).await?;
            notice.set(Some(i18n.t(Key::RequestDecided).to_string()));
            if let Ok(v) = api::case(id).await {
                on_change.run(v);
            }
            Ok(())
        },
    );
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(kind) = open.get_untracked() else {
            return;
        };
        let input = NewCaseRequest {
            kind,
            reason: reason.get_untracked(),
            new_deadline: parse_day(&day.get_untracked()),
            version,
        };
        if let Err(errs) = input.validate() {
            errors.set(field_errors(errs));
            crate::ui::focus_first_invalid();
            return;
        }
        ask.dispatch(input);
    };
    let decision_note = RwSignal::new(String::new());
    let decide = move |req: CaseRequest, approve: bool| {
        let n = decision_note.get_untracked().trim().to_string();
        let input = DecideCaseRequest {
            approve,
            note: (!n.is_empty()).then_some(n),
            version: req.version,
        };
        if let Err(errs) = input.validate() {
            errors.set(field_errors(errs));
            crate::ui::focus_first_invalid();
            return;
        }
        decide_one.dispatch((req.id, input));
    };
    let busy = Signal::derive(move || ask.pending().get() || decide_one.pending().get());
    Some(view! {
        <section class="card" aria-labelledby="case-requests-title" data-testid="case-requests">
            <h2 id="case-requests-title">{move || i18n.t(Key::RequestsTitle)}</h2>
            {pending.clone().map(|r| {
                let kind = r.kind;
                let by = r.requested_by_name.clone();
                let why = r.reason.clone();
                let req = r.clone();
                let req2 = r.clone();
                view! {
                    <div class="pending-request" data-testid="pending-request" data-kind=kind.as_str()>
                        <p><strong>{move || i18n.fmt(Key::RequestPending, &[("kind", kind.text().get(i18n.get()))])}</strong></p>
                        <p data-user-text>{move || i18n.fmt(Key::RequestBy, &[("name", &by), ("reason", &why)])}</p>
                        {r.new_deadline.map(|d| view! { <p>{move || i18n.t(Key::RequestNewDeadline)}": "<When at=d/></p> })}
                        {may_decide.then(|| view! {
                            <div class="field">
                                <label for="decision-note">{move || i18n.t(Key::RequestDecisionNote)}</label>
                                <textarea id="decision-note" data-testid="decision-note" rows="2" bind:value=decision_note></textarea>
                                <FieldErrorList errors field="note" id="decision-note-error".to_string()/>
                            </div>
                            <div class="actions">
                                <button type="button" class="button button-primary" data-testid="request-approve" disabled=move || busy.get()
                                    on:click=move |_| decide(req.clone(), true)>{move || i18n.t(Key::RequestApprove)}</button>
                                <button type="button" class="button button-secondary" data-testid="request-reject" disabled=move || busy.get()
                                    on:click=move |_| decide(req2.clone(), false)>{move || i18n.t(Key::RequestReject)}</button>
                            </div>
                        })}
                    </div>
                }
            })}
            {(!kinds.is_empty()).then(|| view! {
                <div class="actions" data-testid="request-kinds">
                    {kinds.iter().map(|k| {
                        let k = *k;
                        view! {
                            <button type="button" class="button button-secondary" data-testid=format!("request-{}", k.as_str())
                                aria-expanded=move || (open.get() == Some(k)).to_string()
                                on:click=move |_| { errors.set(Vec::new()); open.set(Some(k)) }>
                                {move || i18n.fmt(Key::RequestKindAsk, &[("kind", k.text().get(i18n.get()))])}
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
            {move || open.get().map(|k| view! {
                <form class="stack" data-testid="request-form" on:submit=submit novalidate>
                    {k.needs_deadline().then(|| view! {
                        <div class="field">
                            <label for="request-deadline">{move || i18n.t(Key::RequestNewDeadline)}</label>
                            <input id="request-deadline" type="date" data-testid="request-deadline" bind:value=day/>
                            <FieldErrorList errors field="new_deadline" id="request-deadline-error".to_string()/>
                        </div>
                    })}
                    <div class="field">
                        <label for="request-reason">{move || i18n.t(Key::RequestReason)}</label>
                        <textarea id="request-reason" data-testid="request-reason" rows="2" bind:value=reason></textarea>
                        <FieldErrorList errors field="reason" id="request-reason-error".to_string()/>
                    </div>
                    <button type="submit" class="button button-primary" data-testid="request-submit" disabled=move || busy.get()>{move || i18n.t(Key::RequestSubmit)}</button>
                </form>
            })}
            <FormError error testid="request-error"/>
        </section>
    })
}

/// The approvals ledger `/approvals` (the office).
#[component]
pub fn LedgerPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::LedgerTitle), i18n.get()));
    view! {
        <RequirePermission permission=Permission::DecideCaseRequests>
            <Ledger/>
        </RequirePermission>
    }
}

#[component]
fn Ledger() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(None::<RequestKind>);
    let state = RwSignal::new(None::<RequestState>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let query = Memo::new(move |_| {
        let mut q = Vec::new();
        if let Some(k) = kind.get() {
            q.push(format!("kind={}", k.as_str()));
        }
        if let Some(s) = state.get() {
            q.push(format!("state={}", s.as_str()));
        }
        if !from.get().is_empty() {
            q.push(format!("from={}", from.get()));
        }
        if !to.get().is_empty() {
            q.push(format!("to={}", to.get()));
        }
        q.join("&")
    });
    let list = LocalResource::new(move || {
        let q = query.get();
        async move { api::case_requests(&format!("{q}&limit=200")).await }
    });
    let export = move |f: ExportFormat| {
        format!(
            "/api/v1/case-requests/export?format={}&{}",
            f.as_str(),
            query.get()
        )
    };
    view! {
        <div class="page-head section-head">
            <h1>{move || i18n.t(Key::LedgerTitle)}</h1>
            <div class="actions">
                <a class="button button-secondary" href=move || export(ExportFormat::Csv) download="" data-testid="ledger-csv">{move || i18n.t(Key::StatsExportCsv)}</a>
                <a class="button button-secondary" href=move || export(ExportFormat::Xlsx) download="" data-testid="ledger-xlsx">{move || i18n.t(Key::StatsExportXlsx)}</a>
            </div>
        </div>
        <div class="filters" role="group" aria-label=move || i18n.t(Key::LedgerTitle)>
            <label class="field-inline">{move || i18n.t(Key::LedgerKind)}" "
                <select data-testid="ledger-kind" on:change=move |ev| kind.set(RequestKind::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t(Key::AnyOption)}</option>
                    {RequestKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || i18n.text(k.text())}</option> }).collect_view()}
                </select>
            </label>
            <label class="field-inline">{move || i18n.t(Key::LedgerState)}" "
                <select data-testid="ledger-state" on:change=move |ev| state.set(RequestState::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t(Key::AnyOption)}</option>
                    {RequestState::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || i18n.text(s.text())}</option> }).collect_view()}
                </select>
            </label>
            <label class="field-inline">{move || i18n.t(Key::LedgerFrom)}" "
                <input type="date" data-testid="ledger-from" bind:value=from/></label>
            <label class="field-inline">{move || i18n.t(Key::LedgerTo)}" "
                <input type="date" data-testid="ledger-to" bind:value=to/></label>
        </div>
        <Transition fallback=|| view! { <Loading/> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <p class="empty" data-testid="ledger-empty">{move || i18n.t(Key::LedgerNone)}</p> }.into_any(),
                Ok(page) => {
                    let total = page.total.to_string();
                    view! {
                        <p class="muted" data-testid="ledger-total">{move || i18n.fmt(Key::LedgerTotal, &[("n", &total)])}</p>
                        <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::LedgerTitle)>
                            <table class="report-table ledger" data-testid="ledger">
                                <thead><tr>
                                    <th scope="col">{move || i18n.t(Key::LedgerCase)}</th>
                                    <th scope="col">{move || i18n.t(Key::LedgerKind)}</th>
                                    <th scope="col">{move || i18n.t(Key::LedgerRequested)}</th>
                                    <th scope="col">{move || i18n.t(Key::LedgerState)}</th>
                                    <th scope="col">{move || i18n.t(Key::LedgerDecided)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|r| view! {
                                        <tr data-testid="ledger-row" data-kind=r.kind.as_str() data-state=r.state.as_str()>
                                            <td><a href=format!("/cases/{}", r.case_id)><span class="mono">{r.case_number.clone()}</span></a><br/><span data-user-text>{r.case_title.clone()}</span></td>
                                            <td>{move || i18n.text(r.kind.text())}
                                                {r.new_deadline.map(|d| view! { <br/><span class="muted">{move || i18n.t(Key::RequestNewDeadline)}" "<When at=d/></span> })}</td>
                                            <td><span data-user-text>{r.requested_by_name.clone()}</span>" · "<When at=r.requested_at/><br/><span data-user-text>{r.reason.clone()}</span></td>
                                            <td>{move || i18n.text(r.state.text())}</td>
                                            <td>{r.decided_by_name.clone().map(|n| view! { <span data-user-text>{n}</span> })}
                                                {r.decided_at.map(|d| view! { " · "<When at=d/> })}
                                                {r.decision_note.clone().map(|n| view! { <br/><span data-user-text>{n}</span> })}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
