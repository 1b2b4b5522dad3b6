//! One mediation file (卷宗) as the server gives it to this reader: the parties with their
//! consent and notices, site checks and other records, the sessions as a timeline (with the
//! switches between joint and back-to-back), the agreement with its terms and confirmations,
//! the time limit, the moves the reader may make (`legal_actions`) and the history.
//! Forms appear only for those who run the file (`may_run`) or are its mediators (`access`),
//! and only in the stages where the change is possible (`Change::allowed_in`).

use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::accounts::{Person, Principal, Work};
use shared::error::{ErrorCode, FieldError};
use shared::mediation::{
    Access, AgreementInput, Change, Confirm, ConfirmMethod, Consent, EntryInput, Extension,
    FileRelation, FileView, MediationAction, MediationStage, Mediators, MoveFile, NewRecord,
    NewSession, PartyView, Performed, RecordKind, SessionMode, SessionView, TermInput,
    may_assign_mediators, may_run,
};

use super::MediationStageBadge;
use crate::accounts::{PeoplePicker, use_session};
use crate::api::{self, ApiError, ApiResult};
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{Day, ErrorBox, FieldErrorList, FormError, Loading, Notice, When};
use shared::calendar::format_local_input;
use shared::calendar::parse_day;
use shared::calendar::parse_local_input;
use shared::calendar::{format_day, format_moment};

const RECORD_KINDS: [RecordKind; 5] = [
    RecordKind::SiteCheck,
    RecordKind::Invitation,
    RecordKind::PoliceNotice,
    RecordKind::FollowUp,
    RecordKind::Note,
];

#[component]
pub fn MediationFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let file = RwSignal::new(None::<Result<FileView, ApiError>>);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        let id = id.get_untracked();
        spawn_local(async move { file.set(Some(api::mediation_file(id).await)) });
    };
    Effect::new(move |_| {
        id.track();
        file.set(None);
        load();
    });
    Effect::new(move |_| {
        let title = file.with(|f| {
            f.as_ref()
                .and_then(|f| f.as_ref().ok())
                .map(|f| f.summary.title.clone())
        });
        set_title(
            &title.unwrap_or_else(|| i18n.t(Key::MedBoardTitle).to_string()),
            i18n.get(),
        );
    });
    let photo_failed = RwSignal::new(None::<(i64, ApiError)>);
    let page = Page {
        file,
        notice,
        i18n,
        photo_failed,
    };
    // Someone else changed this file: say so and offer the new version, rather than redraw
    // the page under a form being typed in. Our own changes come back with their version.
    let newest = RwSignal::new(0_i64);
    let shown_version = move || {
        file.with(|f| {
            f.as_ref()
                .and_then(|f| f.as_ref().ok())
                .map_or(0, |v| v.summary.version)
        })
    };
    let changed_elsewhere = move || newest.get() > shown_version() && shown_version() > 0;
    let live = crate::live::page_stream();
    live.set_value(crate::live::LiveEvents::open(
        &api::mediation_live_url(None),
        "file",
        move |c: shared::mediation::LiveFileChange| {
            if c.file_id == id.get_untracked() {
                newest.update(|n| *n = (*n).max(c.version));
            }
        },
        move || newest.update(|n| *n = n.saturating_add(1).max(shown_version() + 1)),
    ));
    view! {
        <p class="back"><a href="/mediation" data-testid="med-back">{move || format!("‹ {}", i18n.t(Key::MedBoardTitle))}</a></p>
        <Notice message=notice/>
        <Show when=changed_elsewhere>
            <div class="alert alert-info med-file-changed" role="status" data-testid="med-file-changed">
                <span>{move || i18n.t(Key::MedFileChangedElsewhere)}</span>
                <button type="button" class="button button-secondary" data-testid="med-file-refresh"
                    on:click=move |_| page.reload(id.get_untracked())>{move || i18n.t(Key::MedFileShowLatest)}</button>
            </div>
        </Show>
        {move || match (file.get(), session.principal()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorBox error=e retry=Callback::new(move |_| load())/> }.into_any(),
            (Some(Ok(v)), Some(me)) => view! { <FileDetail v me page/> }.into_any(),
        }}
    }
}

/// Where every change on the page lands: the file as the server now has it, and a message.
#[derive(Clone, Copy)]
struct Page {
    file: RwSignal<Option<Result<FileView, ApiError>>>,
    notice: RwSignal<Option<String>>,
    i18n: crate::i18n::I18n,
    /// The last refused photo upload, by record (kept while the file is read again).
    photo_failed: RwSignal<Option<(i64, ApiError)>>,
}

impl Page {
    /// Read the file again (after a change made outside `send`, e.g. a photo upload).
    fn reload(self, id: i64) {
        spawn_local(async move {
            if let Ok(v) = api::mediation_file(id).await {
                self.file.set(Some(Ok(v)));
            }
        });
    }
}

impl Page {
    /// Send a change. Done: show the new file and say so. A stale version: show the file as it
    /// is now and say that. Anything else: the form shows the server's reason.
    fn send(
        self,
        call: impl Future<Output = ApiResult<FileView>> + 'static,
        error: RwSignal<Option<ApiError>>,
        errors: Option<RwSignal<Vec<FieldError>>>,
        done: String,
    ) {
        let i18n = self.i18n;
        error.set(None);
        if let Some(e) = errors {
            e.set(Vec::new());
        }
        spawn_local(async move {
            match call.await {
                Ok(v) => {
                    self.notice.set(Some(done));
                    self.file.set(Some(Ok(v)));
                }
                Err(e) if e.is(ErrorCode::VersionConflict) && e.current::<FileView>().is_some() => {
                    self.notice
                        .set(Some(i18n.t(Key::MedChangedReloaded).to_string()));
                    self.file.set(e.current::<FileView>().map(Ok));
                }
                Err(e) => {
                    if let Some(errs) = errors {
                        errs.set(e.field_errors());
                    }
                    error.set(Some(e));
                    crate::ui::focus_first_invalid();
                }
            }
        });
    }
}

fn optional(i18n: crate::i18n::I18n) -> impl IntoView {
    view! { <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span> }
}

#[component]
fn FileDetail(v: FileView, me: Principal, page: Page) -> impl IntoView {
    let i18n = use_i18n();
    let s = v.summary.clone();
    let id = s.id;
    let stage = s.stage;
    let version = s.version;
    let access = v.access;
    let is_mediator = access == Access::Mediator;
    // Those who run the file: its mediators and the office (the shared rule).
    let runs = may_run(
        &me,
        FileRelation {
            mediator: is_mediator,
            ..FileRelation::default()
        },
    );
    let parties = v.parties.clone();
    let saved = move || i18n.t(Key::Saved).to_string();

    // ---- moves ----
    let move_error = RwSignal::new(None::<ApiError>);
    let open_move = RwSignal::new(None::<MediationAction>);
    let move_note = RwSignal::new(String::new());
    let run_move = move |action: MediationAction, note: Option<String>| {
        let lang = i18n.lang.get_untracked();
        let done = i18n.fmt(
            Key::MoveDone,
            &[
                ("action", action.text().get(lang)),
                ("stage", action.to().text().get(lang)),
            ],
        );
        page.send(
            async move {
                api::move_file(
                    id,
                    &MoveFile {
                        action,
                        version,
                        note,
                    },
                )
                .await
            },
            move_error,
            None,
            done,
        );
    };
    let actions_view = {
        let actions = v.legal_actions.clone();
        view! {
            <section class="card" aria-labelledby="med-actions-title">
                <h2 id="med-actions-title">{move || i18n.t(Key::WhatNext)}</h2>
                <FormError error=move_error testid="med-move-error"/>
                {if actions.is_empty() {
                    view! { <p class="muted" data-testid="med-no-actions">{move || i18n.t(Key::MedNoActions)}</p> }.into_any()
                } else {
                    view! {
                        <div class="actions" data-testid="med-actions">
                            {actions.into_iter().map(|a| view! {
                                <button type="button" class=if a.needs_note() { "button button-secondary" } else { "button button-primary" }
                                    data-testid=format!("med-action-{}", a.as_str())
                                    aria-expanded=move || a.needs_note().then(|| (open_move.get() == Some(a)).to_string())
                                    on:click=move |_| if a.needs_note() { move_note.set(String::new()); open_move.set(Some(a)) } else { run_move(a, None) }>
                                    {move || i18n.text(a.text())}
                                </button>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
                {move || open_move.get().map(|a| view! {
                    <form class="med-inline-form" data-testid="med-move-form" on:submit=move |ev: SubmitEvent| {
                        ev.prevent_default();
                        let n = move_note.get_untracked().trim().to_string();
                        if !n.is_empty() { open_move.set(None); run_move(a, Some(n)); }
                    }>
                        <div class="field">
                            <label for="med-action-note">{i18n.t(Key::MedMoveNote)}</label>
                            <textarea id="med-action-note" rows="3" required maxlength="1000" data-testid="med-action-note" bind:value=move_note></textarea>
                        </div>
                        <div class="actions">
                            <button type="submit" class="button button-primary" data-testid="med-action-submit">{i18n.text(a.text())}</button>
                            <button type="button" class="button button-quiet" on:click=move |_| open_move.set(None)>{i18n.t(Key::Cancel)}</button>
                        </div>
                    </form>
                })}
            </section>
        }
    };

    // ---- header and facts ----
    let deadline = s.deadline.map(format_day);
    let head = view! {
        <header class="page-head case-head">
            <p class="case-number mono" data-testid="med-number" data-user-text>{s.number.clone()}</p>
            <h1 data-testid="med-title-text" data-user-text>{s.title.clone()}</h1>
            <div class="badges">
                <MediationStageBadge stage/>
                <span class="badge">{move || i18n.text(s.dispute_type.text())}</span>
                {s.risk.then(|| view! { <span class="badge badge-danger" data-testid="med-risk-badge">{move || i18n.t(Key::MedRisk)}</span> })}
                {s.overdue.then(|| view! { <span class="badge badge-danger" data-testid="med-overdue">{move || i18n.t(Key::Overdue)}</span> })}
            </div>
            <p class="med-print">
                {v.agreement.is_some().then(|| view! {
                    <a class="button button-secondary" href=api::agreement_html(id) target="_blank" rel="noopener" data-testid="med-print-agreement">
                        {move || i18n.t(Key::MedPrintAgreement)}
                    </a>
                    <a class="button button-quiet" href=api::agreement_pdf(id) target="_blank" rel="noopener" type="application/pdf" data-testid="med-agreement-pdf">
                        {move || i18n.t(Key::MedPrintAgreementPdf)}
                    </a>
                })}
                <a class="button button-quiet" href=api::dossier_html(id) target="_blank" rel="noopener" data-testid="med-print-dossier">
                    {move || i18n.t(Key::MedPrintDossier)}
                </a>
            </p>
        </header>
    };
    let reader_note = match access {
        Access::Party => Some(view! { <div class="alert alert-info" role="note" data-testid="med-party-note"><p>{move || i18n.t(Key::MedPartyView)}</p></div> }.into_any()),
        Access::Office => Some(view! { <div class="alert alert-info" role="note" data-testid="med-office-note"><p>{move || i18n.t(Key::MedOfficeView)}</p></div> }.into_any()),
        _ => None,
    };
    let risk_alert = (s.risk && stage.is_open()).then(|| view! {
        <div class="alert alert-error med-risk-alert" role="note" data-testid="med-risk-alert"><p>{move || i18n.t(Key::MedRiskAlert)}</p></div>
    });
    let mediator_names = if s.mediator_names.is_empty() {
        None
    } else {
        Some(s.mediator_names.join("、"))
    };
    let description = v.description.clone();
    // How a file that ended without agreement ended: the history entry that ended it in the
    // reader's words ("孙国强 refused mediation", the other routes told), and the reason or
    // note as typed.
    let outcome = v.outcome_note.clone().map(|note| {
        let ended = v
            .history
            .iter()
            .rev()
            .find(|e| {
                matches!(
                    e.action,
                    shared::mediation::MediationEvent::Refused
                        | shared::mediation::MediationEvent::Fail
                )
            })
            .cloned();
        view! {
            {ended.map(|e| view! {
                <span>{move || {
                    let lang = i18n.get();
                    crate::ui::sentence_naming(e.action.describe(&e.detail, lang).unwrap_or_default(), e.detail.names(lang).as_deref())
                }}{move || i18n.t(Key::MedColon)}</span>
            })}
            <span data-user-text>{note}</span>
        }
    });
    let origin = v.origin;
    let chosen = v.chosen_by_parties;
    let place_id = v.place_id;
    let source_case = v.source_case_id;
    let facts = view! {
        <section class="card" aria-labelledby="med-facts-title">
            <h2 id="med-facts-title">{move || i18n.t(Key::MedFacts)}</h2>
            <dl class="facts">
                <div><dt>{move || i18n.t(Key::MedOrigin)}</dt><dd>{move || i18n.text(origin.text())}
                    {source_case.map(|c| view! { " · "<a href=format!("/cases/{c}")>{move || i18n.t(Key::MedSourceCaseLink)}</a> })}</dd></div>
                <div><dt>{move || i18n.t(Key::MedWhere)}</dt><dd><a href=format!("/places/{place_id}") data-testid="med-place">{move || i18n.t(Key::MedPlaceLink)}</a></dd></div>
                <div><dt>{move || i18n.t(Key::MedMediators)}</dt>
                    <dd data-testid="med-mediators" data-user-text>{move || mediator_names.clone().unwrap_or_else(|| i18n.t(Key::MedNoMediator).to_string())}
                        {chosen.then(|| view! { " · "{move || i18n.t(Key::MedChosenByParties)} })}</dd></div>
                <div><dt>{move || i18n.t(Key::MedTimeLimit)}</dt>
                    <dd data-testid="med-deadline">{move || deadline.clone().unwrap_or_else(|| i18n.t(Key::MedNoDeadline).to_string())}</dd></div>
                {(!description.is_empty()).then(|| view! {
                    <div><dt>{move || i18n.t(Key::MedDescription)}</dt><dd class="case-description" data-user-text>{description.clone()}</dd></div>
                })}
                {outcome.map(|o| view! {
                    <div><dt>{move || i18n.t(Key::MedOutcome)}</dt><dd data-testid="med-outcome">{o}</dd></div>
                })}
            </dl>
        </section>
    };

    // ---- mediators (the office reassigns them; Art. 19) ----
    let assigns = may_assign_mediators(
        &me,
        FileRelation {
            mediator: is_mediator,
            party: access == Access::Party,
            in_own_grid: false,
        },
    ) && stage.is_open();
    let mediators_view = assigns.then(|| {
        view! { <MediatorsForm file_id=id version current=v.mediator_ids.clone() chosen page/> }
    });

    // ---- parties ----
    let party_view = move |p: PartyView| {
        let pid = p.id;
        let revealed = RwSignal::new(None::<String>);
        let reveal_error = RwSignal::new(None::<ApiError>);
        let refusing = RwSignal::new(false);
        let refuse_note = RwSignal::new(String::new());
        let consent_error = RwSignal::new(None::<ApiError>);
        let consent_errors = RwSignal::new(Vec::<FieldError>::new());
        let reveal = move |_| {
            spawn_local(async move {
                match api::party_contact(pid).await {
                    Ok(c) => revealed.set(Some(c.phone.unwrap_or_default())),
                    Err(e) => reveal_error.set(Some(e)),
                }
            })
        };
        let agree = move |_| {
            page.send(
                async move {
                    api::set_consent(
                        pid,
                        &Consent {
                            agreed: true,
                            note: None,
                        },
                    )
                    .await
                },
                consent_error,
                Some(consent_errors),
                saved(),
            )
        };
        let refuse = move |ev: SubmitEvent| {
            ev.prevent_default();
            let note = refuse_note.get_untracked().trim().to_string();
            page.send(
                async move {
                    api::set_consent(
                        pid,
                        &Consent {
                            agreed: false,
                            note: Some(note),
                        },
                    )
                    .await
                },
                consent_error,
                Some(consent_errors),
                saved(),
            )
        };
        let give_notice = move |_| {
            page.send(
                async move { api::notify_party(pid).await },
                consent_error,
                None,
                saved(),
            )
        };
        let confirm = move |method: ConfirmMethod| {
            page.send(
                async move { api::confirm_agreement(pid, &Confirm { method }).await },
                consent_error,
                None,
                saved(),
            )
        };
        let consent_text = match (p.consent, p.consent_note.clone()) {
            (Some(true), _) => view! { <span class="badge badge-ok">{move || i18n.t(Key::MedConsentYes)}</span> }.into_any(),
            (Some(false), note) => view! { <span class="badge badge-danger">{move || i18n.fmt(Key::MedConsentNo, &[("note", note.as_deref().unwrap_or(""))])}</span> }.into_any(),
            (None, _) => view! { <span class="muted">{move || i18n.t(Key::MedConsentPending)}</span> }.into_any(),
        };
        let may_consent = runs && p.consent.is_none() && Change::Consent.allowed_in(stage);
        let may_notify = runs && p.notified_at.is_none() && stage.is_open();
        let may_confirm =
            is_mediator && p.confirmed_by.is_none() && Change::Confirm.allowed_in(stage);
        let masked = p.phone.clone();
        let id_masked = p.id_number.clone();
        let address = p.address.clone();
        view! {
            <li class="med-party" data-testid="med-party" data-party-id=pid data-side=p.side.as_str()>
                <p class="med-party-head">
                    <span class="badge">{move || i18n.text(p.side.text())}</span>
                    " "<strong data-testid="med-party-name-text" data-user-text>{p.name.clone()}</strong>
                    {p.representative.clone().map(|r| view! { <span class="muted">" · "{move || i18n.t(Key::MedRepresentative)}{move || i18n.t(Key::MedColon)}{r.clone()}</span> })}
                    {p.has_account.then(|| view! { <span class="muted">" · "{move || i18n.t(Key::MedHasAccount)}</span> })}
                </p>
                <dl class="facts med-party-facts">
                    {masked.map(|m| view! {
                        <div><dt>{move || i18n.t(Key::MedPartyPhone)}</dt>
                            <dd>
                                <span class="mono" data-testid="med-party-phone-text">{move || revealed.get().unwrap_or_else(|| m.clone())}</span>
                                {(access >= Access::Office).then(|| view! {
                                    {move || revealed.with(Option::is_none).then(|| view! {
                                        " "<button type="button" class="button button-quiet" data-testid="med-reveal" title=i18n.t(Key::RevealNote) on:click=reveal>{i18n.t(Key::MedReveal)}</button>
                                    })}
                                })}
                                {move || reveal_error.get().map(|e| view! { <span class="field-error">{e.message(i18n.get())}</span> })}
                            </dd></div>
                    })}
                    {id_masked.map(|n| view! {
                        <div><dt>{move || i18n.t(Key::MedPartyIdNumber)}</dt><dd class="mono" data-testid="med-party-id-number-text">{n}</dd></div>
                    })}
                    {address.map(|a| view! {
                        <div><dt>{move || i18n.t(Key::MedPartyAddress)}</dt><dd data-testid="med-party-address-text">{a}</dd></div>
                    })}
                    <div><dt>{move || i18n.t(Key::MedConsent)}</dt><dd data-testid="med-consent">{consent_text}
                        {p.consent_at.map(|t| view! { <span class="muted">" "<When at=t/></span> })}</dd></div>
                    <div><dt>{move || i18n.t(Key::MedNotice)}</dt><dd data-testid="med-notice">
                        {match p.notified_at {
                            Some(t) => view! { <span>{move || i18n.fmt(Key::MedNoticeGiven, &[("time", &format_moment(t))])}</span> }.into_any(),
                            None => view! { <span class="muted">{move || i18n.t(Key::MedNoticeNotYet)}</span> }.into_any(),
                        }}</dd></div>
                    {p.confirmed_by.map(|m| view! {
                        <div><dt>{move || i18n.t(Key::MedConfirmation)}</dt><dd data-testid="med-confirmed">
                            {move || i18n.text(m.text())}{p.confirmed_at.map(|t| format!(" {}", format_moment(t)))}</dd></div>
                    })}
                </dl>
                <FormError error=consent_error fields=consent_errors testid="med-party-error"/>
                {(may_consent || may_notify || may_confirm).then(|| view! {
                    <div class="actions">
                        {may_consent.then(|| view! {
                            <button type="button" class="button button-primary" data-testid="med-consent-agree" on:click=agree>{move || i18n.t(Key::MedAgree)}</button>
                            <button type="button" class="button button-secondary" data-testid="med-consent-refuse"
                                aria-expanded=move || refusing.get().to_string() on:click=move |_| refusing.update(|r| *r = !*r)>{move || i18n.t(Key::MedRefuse)}</button>
                        })}
                        {may_notify.then(|| view! {
                            <button type="button" class="button button-secondary" data-testid="med-give-notice" on:click=give_notice>{move || i18n.t(Key::MedGiveNotice)}</button>
                        })}
                        {may_confirm.then(|| view! {
                            {[ConfirmMethod::Signature, ConfirmMethod::Thumbprint].into_iter().map(|m| view! {
                                <button type="button" class="button button-primary" data-testid=format!("med-confirm-{}", m.as_str())
                                    on:click=move |_| confirm(m)>
                                    {move || i18n.fmt(Key::MedConfirmBy, &[("method", i18n.text(m.text()))])}
                                </button>
                            }).collect_view()}
                        })}
                    </div>
                })}
                {move || refusing.get().then(|| view! {
                    <form class="med-inline-form" data-testid="med-refuse-form" on:submit=refuse>
                        <p class="hint">{i18n.t(Key::MedRefuseWarn)}</p>
                        <div class="field">
                            <label for=format!("med-refuse-{pid}")>{i18n.t(Key::MedRefuseReason)}</label>
                            <textarea id=format!("med-refuse-{pid}") rows="3" maxlength="1000" data-testid="med-refuse-note" bind:value=refuse_note></textarea>
                            <FieldErrorList errors=consent_errors field="note" id=format!("med-refuse-{pid}-error")/>
                        </div>
                        <div class="actions"><button type="submit" class="button button-primary" data-testid="med-refuse-submit">{i18n.t(Key::MedRefuse)}</button></div>
                    </form>
                })}
            </li>
        }
    };
    let parties_view = view! {
        <section class="card" aria-labelledby="med-parties-title">
            <h2 id="med-parties-title">{move || i18n.t(Key::MedParties)}</h2>
            <ul class="med-parties-list" data-testid="med-parties">
                {parties.clone().into_iter().map(party_view).collect_view()}
            </ul>
        </section>
    };

    // ---- records ----
    let record_kind = RwSignal::new(if stage == MediationStage::Performance {
        RecordKind::FollowUp
    } else {
        RecordKind::SiteCheck
    });
    let record_text = RwSignal::new(String::new());
    let record_consent = RwSignal::new(false);
    let record_error = RwSignal::new(None::<ApiError>);
    let record_errors = RwSignal::new(Vec::<FieldError>::new());
    let kinds: Vec<RecordKind> = RECORD_KINDS
        .into_iter()
        .filter(|k| Change::Record(*k).allowed_in(stage))
        .collect();
    if !kinds.contains(&record_kind.get_untracked()) {
        if let Some(k) = kinds.first() {
            record_kind.set(*k);
        }
    }
    let add_record = move |ev: SubmitEvent| {
        ev.prevent_default();
        let r = NewRecord {
            kind: record_kind.get_untracked(),
            text: record_text.get_untracked(),
            parties_consented: record_consent.get_untracked(),
        };
        page.send(
            async move { api::add_record(id, &r).await },
            record_error,
            Some(record_errors),
            saved(),
        );
    };
    let records = v.records.clone();
    let records_view = view! {
        <section class="card" aria-labelledby="med-records-title">
            <h2 id="med-records-title">{move || i18n.t(Key::MedRecords)}</h2>
            {risk_alert}
            {if records.is_empty() {
                view! { <p class="muted">{move || i18n.t(Key::MedNoRecords)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline" data-testid="med-records">
                        {records.into_iter().map(|r| view! {
                            <li class="timeline-item" data-testid="med-record" data-kind=r.kind.as_str() data-record-id=r.id>
                                <p class="timeline-head"><strong>{move || i18n.text(r.kind.text())}</strong></p>
                                <p class="timeline-note" data-user-text>{r.text.clone()}</p>
                                <p class="timeline-meta muted"><When at=r.at/>" · "<span data-user-text>{r.author_name.clone()}</span></p>
                                <super::photos::RecordPhotos record_id=r.id kind=r.kind photos=r.photos.clone() may_add=r.may_add_photo
                                    failed=page.photo_failed notice=page.notice reload=Callback::new(move |_| page.reload(id))/>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(runs && !kinds.is_empty()).then(|| view! {
                <form class="med-inline-form" data-testid="med-record-form" on:submit=add_record novalidate>
                    <h3>{move || i18n.t(Key::MedAddRecord)}</h3>
                    <FormError error=record_error fields=record_errors testid="med-record-error"/>
                    <div class="field">
                        <label for="med-record-kind">{move || i18n.t(Key::MedRecordKind)}</label>
                        <select id="med-record-kind" data-testid="med-record-kind"
                            on:change=move |ev| if let Some(k) = RecordKind::parse(&event_target_value(&ev)) { record_kind.set(k) }>
                            {kinds.iter().map(|k| { let k = *k; view! {
                                <option value=k.as_str() selected=move || record_kind.get() == k>{move || i18n.text(k.text())}</option>
                            } }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:field-invalid=move || record_errors.with(|e| e.iter().any(|x| x.field == "text"))>
                        <label for="med-record-text">{move || i18n.t(Key::MedRecordText)}</label>
                        <textarea id="med-record-text" rows="4" maxlength="4000" data-testid="med-record-text" bind:value=record_text></textarea>
                        <FieldErrorList errors=record_errors field="text" id="med-record-text-error".to_string()/>
                    </div>
                    {move || (record_kind.get() == RecordKind::Invitation).then(|| view! {
                        <div class="field" class:field-invalid=move || record_errors.with(|e| e.iter().any(|x| x.field == "parties_consented"))>
                            <label class="choice">
                                <input type="checkbox" data-testid="med-record-consent" bind:checked=record_consent/>
                                {i18n.t(Key::MedRecordConsent)}
                            </label>
                            <FieldErrorList errors=record_errors field="parties_consented" id="med-record-consent-error".to_string()/>
                        </div>
                    })}
                    <div class="actions"><button type="submit" class="button button-primary" data-testid="med-record-submit">{move || i18n.t(Key::MedAddRecord)}</button></div>
                </form>
            })}
        </section>
    };

    // ---- sessions ----
    let sessions = v.sessions.clone();
    let name_of = {
        let parties = parties.clone();
        move |pid: Option<i64>| -> String {
            pid.and_then(|pid| parties.iter().find(|p| p.id == pid))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        }
    };
    let session_view = {
        let name_of = name_of.clone();
        move |(i, s, prev): (usize, SessionView, Option<SessionMode>)| {
            let switched = prev.filter(|m| *m != s.mode);
            let present = name_of(s.party_id);
            let withheld = s.withheld;
            let empty = s.entries.is_empty();
            view! {
                {switched.map(|from| view! {
                    <li class="med-switch" data-testid="med-strategy-switch" role="separator">
                        <span>{move || i18n.fmt(Key::MedStrategySwitch, &[("from", i18n.text(from.text())), ("to", i18n.text(s.mode.text()))])}</span>
                    </li>
                })}
                <li class="timeline-item med-session" class:is-b2b={s.mode == SessionMode::BackToBack} data-testid="med-session" data-mode=s.mode.as_str() data-index=i>
                    <p class="timeline-head">
                        <strong>{move || i18n.text(s.mode.text())}</strong>
                        {(!present.is_empty()).then(|| view! { <span>" · "{move || i18n.fmt(Key::MedSessionWith, &[("party", &present)])}</span> })}
                    </p>
                    <p class="timeline-meta muted"><When at=s.held_at/>" · "<span data-user-text>{s.venue.clone()}</span>" · "<span data-user-text>{s.mediator_name.clone()}</span>
                        " · "<a href=api::session_record_html(s.id) target="_blank" rel="noopener" data-testid="med-session-print">{move || i18n.t(Key::MedPrintSessionRecord)}</a></p>
                    {s.strategy_note.clone().filter(|n| !n.is_empty()).map(|n| view! {
                        <p class="med-strategy" data-testid="med-strategy-note"><strong>{move || i18n.t(Key::MedStrategyNote)}{move || i18n.t(Key::MedColon)}</strong>{n}</p>
                    })}
                    {s.entries.into_iter().map(|e| {
                        let fields = [
                            (Key::MedStatement, e.statement),
                            (Key::MedPosition, e.position),
                            (Key::MedInterests, e.interests),
                            (Key::MedProposal, e.proposal),
                        ];
                        view! {
                            <div class="med-entry" data-testid="med-entry" data-party-id=e.party_id>
                                <p class="med-entry-head"><strong data-user-text>{e.party_name.clone()}</strong>" "
                                    {if e.shareable {
                                        view! { <span class="badge badge-ok">{move || i18n.t(Key::MedShareable)}</span> }.into_any()
                                    } else {
                                        // A party sees only their own unshared words: for them they are
                                        // theirs and the mediators', not "mediators only".
                                        let key = if access == Access::Party { Key::MedNotSharedOwn } else { Key::MedNotShareable };
                                        view! { <span class="badge badge-warn" data-testid="med-entry-private">{move || i18n.t(key)}</span> }.into_any()
                                    }}</p>
                                <dl class="med-entry-fields">
                                    {fields.into_iter().filter(|(_, t)| !t.trim().is_empty()).map(|(k, t)| view! {
                                        <div><dt>{move || i18n.t(k)}</dt><dd>{t}</dd></div>
                                    }).collect_view()}
                                </dl>
                            </div>
                        }
                    }).collect_view()}
                    {(withheld > 0).then(|| view! {
                        <p class="muted" data-testid="med-withheld">{move || if empty && access == Access::Office {
                            i18n.t(Key::MedContentHidden).to_string()
                        } else {
                            i18n.fmt(Key::MedWithheld, &[("n", &withheld.to_string())])
                        }}</p>
                    })}
                </li>
            }
        }
    };
    let mut prev = None;
    let items: Vec<(usize, SessionView, Option<SessionMode>)> = sessions
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let p = prev;
            prev = Some(s.mode);
            (i, s, p)
        })
        .collect();
    let last_mode = prev;
    let sessions_view = view! {
        <section class="card" aria-labelledby="med-sessions-title">
            <h2 id="med-sessions-title">{move || i18n.t(Key::MedSessions)}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{move || i18n.t(Key::MedNoSessions)}</p> }.into_any()
            } else {
                view! { <ol class="timeline med-sessions" data-testid="med-sessions">{items.into_iter().map(session_view).collect_view()}</ol> }.into_any()
            }}
            {(is_mediator && Change::Session.allowed_in(stage)).then(|| view! {
                <SessionForm file_id=id parties=parties.clone() last_mode page/>
            })}
        </section>
    };

    // ---- agreement ----
    let agreement = v.agreement.clone();
    let agreement_view = {
        let agreement = agreement.clone();
        view! {
            <section class="card" aria-labelledby="med-agreement-title">
                <h2 id="med-agreement-title">{move || i18n.t(Key::MedAgreement)}</h2>
                {match agreement.clone() {
                    None => view! { <p class="muted">{move || i18n.t(Key::MedNoAgreement)}</p> }.into_any(),
                    Some(a) => {
                        let may_perform = runs && Change::Performed.allowed_in(stage);
                        view! {
                            <div data-testid="med-agreement">
                                {a.oral.then(|| view! { <p><span class="badge">{move || i18n.t(Key::MedOralAgreement)}</span></p> })}
                                <h3>{move || i18n.t(Key::MedAgreementFacts)}</h3>
                                <p class="case-description" data-testid="med-agreement-facts-text">{a.facts.clone()}</p>
                                <h3>{move || i18n.t(Key::MedTerms)}</h3>
                                <ol class="med-terms">
                                    {a.terms.into_iter().map(|t| {
                                        let tid = t.id;
                                        let proof = RwSignal::new(String::new());
                                        let err = RwSignal::new(None::<ApiError>);
                                        let errs = RwSignal::new(Vec::<FieldError>::new());
                                        let performed = t.performed_at;
                                        let mark = move |ev: SubmitEvent| {
                                            ev.prevent_default();
                                            let p = Performed { proof: proof.get_untracked() };
                                            page.send(async move { api::term_performed(tid, &p).await }, err, Some(errs), saved());
                                        };
                                        view! {
                                            <li class="med-term" class:is-overdue=t.overdue data-testid="med-term">
                                                <p><strong data-user-text>{t.text.clone()}</strong></p>
                                                <p class="muted">{move || i18n.t(Key::MedTermDue)}{move || i18n.t(Key::MedColon)}<Day day=t.due/>
                                                    {t.overdue.then(|| view! { " "<span class="badge badge-danger">{move || i18n.t(Key::Overdue)}</span> })}</p>
                                                {match performed {
                                                    Some(at) => view! { <p data-testid="med-term-done">{move || i18n.fmt(Key::MedTermPerformed, &[("time", &format_moment(at)), ("proof", t.proof.as_deref().unwrap_or(""))])}</p> }.into_any(),
                                                    None => view! { <p class="muted">{move || i18n.t(Key::MedTermOpen)}</p> }.into_any(),
                                                }}
                                                {(may_perform && performed.is_none()).then(|| view! {
                                                    <form class="med-inline-form" data-testid="med-term-form" on:submit=mark novalidate>
                                                        <FormError error=err fields=errs testid="med-term-error"/>
                                                        <div class="field">
                                                            <label for=format!("med-proof-{tid}")>{move || i18n.t(Key::MedProof)}</label>
                                                            <input id=format!("med-proof-{tid}") data-testid="med-term-proof" autocomplete="off" bind:value=proof/>
                                                            <FieldErrorList errors=errs field="proof" id=format!("med-proof-{tid}-error")/>
                                                        </div>
                                                        <div class="actions"><button type="submit" class="button button-primary" data-testid="med-term-performed">{move || i18n.t(Key::MedMarkPerformed)}</button></div>
                                                    </form>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                {a.effective_at.map(|t| view! { <p><strong>{move || i18n.t(Key::MedEffective)}{move || i18n.t(Key::MedColon)}</strong><When at=t/></p> })}
                                {a.judicial_confirmation_until.map(|d| view! {
                                    <p class="alert alert-info" data-testid="med-judicial">{move || i18n.fmt(Key::MedJudicial, &[("date", &format_day(d))])}</p>
                                })}
                            </div>
                        }.into_any()
                    }
                }}
                {(is_mediator && Change::Agreement.allowed_in(stage)).then(|| view! {
                    <AgreementForm file_id=id version agreement=agreement.clone() parties=parties.clone() page/>
                })}
            </section>
        }
    };

    // ---- extension ----
    let extension_view = (runs && Change::Extension.allowed_in(stage) && s.deadline.is_some())
        .then(|| view! { <ExtensionForm file_id=id version deadline=s.deadline parties=parties.clone() page/> });

    // ---- history ----
    let history = v.history.clone();
    let history_view = view! {
        <section aria-labelledby="med-history-title">
            <h2 id="med-history-title">{move || i18n.t(Key::History)}</h2>
            <ol class="timeline" data-testid="med-history">
                {history.into_iter().map(|e| {
                    let kind = e.action;
                    view! {
                        <li class="timeline-item" data-testid="med-history-item" data-action=kind.as_str()
                            class:is-warning=kind == shared::mediation::MediationEvent::NoticeMissing>
                            <p class="timeline-head">
                                <strong>{move || i18n.text(kind.text())}</strong>
                                {e.to_stage.map(|to| view! { " → "<MediationStageBadge stage=to/> })}
                            </p>
                            <p class="timeline-meta muted"><When at=e.at/>" · "<span data-user-text>{e.actor_name.clone()}</span></p>
                            // The entry's facts in the reader's language ("刘建华 agreed to
                            // mediation"), the names in it marked as user data; then what was typed.
                            {kind.describe(&e.detail, i18n.get()).is_some().then(|| {
                                let detail = e.detail.clone();
                                view! { <p class="timeline-what" data-testid="med-history-what">{move || {
                                    let lang = i18n.get();
                                    crate::ui::sentence_naming(kind.describe(&detail, lang).unwrap_or_default(), detail.names(lang).as_deref())
                                }}</p> }
                            })}
                            {e.note.clone().map(|n| view! { <p class="timeline-note" data-user-text>{n}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    };

    view! {
        <article class="case med-file" data-testid="med-file" data-stage=stage.as_str() data-access={format!("{access:?}").to_lowercase()} data-version=version>
            {head}
            {reader_note}
            {actions_view}
            {facts}
            {mediators_view}
            {parties_view}
            {records_view}
            {sessions_view}
            {agreement_view}
            {extension_view}
            {history_view}
        </article>
    }
}

/// One party's words in a session form.
#[derive(Clone, Copy)]
struct EntryRow {
    party_id: i64,
    statement: RwSignal<String>,
    position: RwSignal<String>,
    interests: RwSignal<String>,
    proposal: RwSignal<String>,
    shareable: RwSignal<bool>,
}

/// The mediator's session record (调解笔录): mode, who is present, when and where, why this
/// mode, and per party what they said, want, need and propose, and what may be shared.
#[component]
fn SessionForm(
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
                    shareable: RwSignal::new(false),
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
        page.send(
            async move { api::add_session(file_id, &s).await },
            error,
            Some(errors),
            i18n.t(Key::MedSessionSaved).to_string(),
        );
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
                            <input type="checkbox" data-testid="med-entry-shareable" bind:checked=r.shareable/>
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
fn AgreementForm(
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
        page.send(
            async move { api::set_agreement(file_id, &a).await },
            error,
            Some(errors),
            i18n.t(Key::MedAgreementSaved).to_string(),
        );
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
fn ExtensionForm(
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
        page.send(
            async move { api::extend_file(file_id, &x).await },
            error,
            Some(errors),
            i18n.t(Key::Saved).to_string(),
        );
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
fn MediatorsForm(
    file_id: i64,
    version: i64,
    current: Vec<i64>,
    chosen: bool,
    page: Page,
) -> impl IntoView {
    let i18n = use_i18n();
    // The current mediators as people (name, role) from the list of those who may mediate.
    let picked = RwSignal::new(Vec::<Person>::new());
    spawn_local(async move {
        if let Ok(all) = api::people("", None, Some((Work::Mediator, None))).await {
            picked.set(
                all.into_iter()
                    .filter(|p| current.contains(&p.user_id))
                    .collect(),
            );
        }
    });
    let by_parties = RwSignal::new(chosen);
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
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
        page.send(
            async move { api::set_file_mediators(file_id, &req).await },
            error,
            Some(errors),
            i18n.t(Key::MedMediatorsSaved).to_string(),
        );
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
