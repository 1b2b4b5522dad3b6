//! One mediation file (卷宗) as the server gives it to this reader: the parties with their
//! consent and notices, site checks and other records, the sessions as a timeline (with the
//! switches between joint and back-to-back), the agreement with its terms and confirmations,
//! the time limit, the moves the reader may make (`legal_actions`) and the history.
//! Forms appear only for those who run the file (`may_run`) or are its mediators (`access`),
//! and only in the stages where the change is possible (`Change::allowed_in`).

use std::future::Future;

mod forms;
mod party;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::{Person, Principal, Work};
use shared::error::{ErrorCode, FieldError};
use shared::mediation::{
    Access, AgreementInput, Change, EntryInput, Extension, FileRelation, FileView, MediationAction,
    MediationStage, Mediators, MoveFile, NewRecord, NewSession, PartyView, Performed, RecordKind,
    SessionMode, SessionView, TermInput, may_assign_mediators, may_run,
};

use super::MediationStageBadge;
use crate::accounts::{PeoplePicker, use_session};
use crate::api::{self, ApiError, ApiResult};
use crate::i18n::{Key, Said, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    Day, ErrorBox, FieldErrorList, FormError, Loading, SaidNotice, When, use_id_param,
};
use forms::{AgreementForm, ExtensionForm, MediatorsForm, SessionForm};
use party::PartyCard;
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
    let id = use_id_param();
    let id = Memo::new(move |_| id.get().unwrap_or(0));
    // Another file is another page: loading afresh.
    move || {
        let id = id.get();
        view! { <FilePage id/> }
    }
}

#[component]
fn FilePage(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let file = LocalResource::new(move || api::mediation_file(id));
    let notice = RwSignal::new(None::<Said>);
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
    let writing = RwSignal::new(0_u32);
    let reading = Action::new_unsync(move |id: &i64| {
        let id = *id;
        async move {
            // A failed reading leaves the page as it was.
            if let Ok(v) = api::mediation_file(id).await {
                show_newer(file, v);
            }
            // The page may be gone by now: then there is nothing to count.
            let _ = writing.try_update(|n| *n = n.saturating_sub(1));
        }
    });
    let page = Page {
        file,
        notice,
        photo_failed,
        writing,
        reading,
    };

    // Someone else changed this file: say so and offer the new version, rather than redraw
    // the page under a form being typed in. The stream tells of our own changes too, often
    // before their answer arrives: while a change of ours is under way its version is not
    // news, and once the answers are in, a version the page already holds is not either. Only
    // a version newer than every answer we got is someone else's.
    let newest = RwSignal::new(0_i64);
    let shown_version = move || {
        file.with(|f| {
            f.as_ref()
                .and_then(|f| f.as_ref().ok())
                .map_or(0, |v| v.summary.version)
        })
    };
    let changed_elsewhere =
        move || writing.get() == 0 && newest.get() > shown_version() && shown_version() > 0;
    let live = crate::live::page_stream();
    live.set_value(crate::live::LiveEvents::open(
        &api::mediation_live_url(None),
        "file",
        move |c: shared::mediation::LiveFileChange| {
            if c.file_id == id {
                newest.update(|n| *n = (*n).max(c.version));
            }
        },
        move || newest.update(|n| *n = n.saturating_add(1).max(shown_version() + 1)),
    ));
    view! {
        <p class="back"><a href="/mediation" data-testid="med-back">{move || format!("‹ {}", i18n.t(Key::MedBoardTitle))}</a></p>
        <SaidNotice message=notice/>
        <Show when=changed_elsewhere>
            <div class="alert alert-info med-file-changed" role="status" data-testid="med-file-changed">
                <span>{move || i18n.t(Key::MedFileChangedElsewhere)}</span>
                <button type="button" class="button button-secondary" data-testid="med-file-refresh"
                    on:click=move |_| page.reload(id)>{move || i18n.t(Key::MedFileShowLatest)}</button>
            </div>
        </Show>
        {move || match (file.get(), session.principal()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorBox error=e retry=Callback::new(move |_| file.refetch())/> }.into_any(),
            (Some(Ok(v)), Some(me)) => view! { <FileDetail v me page/> }.into_any(),
        }}
    }
}

/// Where every change on the page lands: the file as the server now has it, and a message.
#[derive(Clone, Copy)]
struct Page {
    file: LocalResource<Result<FileView, ApiError>>,
    notice: RwSignal<Option<Said>>,
    /// The last refused photo upload, by record (kept while the file is read again).
    photo_failed: RwSignal<Option<(i64, ApiError)>>,
    /// How many of this page's own changes (and readings after them) are under way.
    writing: RwSignal<u32>,
    /// Reading the file again (`Page::reload`); the answer lands through `Page::show`.
    reading: Action<i64, ()>,
}

impl Page {
    /// Read the file again (after a change made outside `send`, e.g. a photo upload).
    fn reload(self, id: i64) {
        self.begin_write();
        self.reading.dispatch(id);
    }

    /// One of our own changes starts: what the live stream says meanwhile is likely its echo.
    fn begin_write(self) {
        self.writing.update(|n| *n += 1);
    }

    fn end_write(self) {
        // The page may be gone by now: then there is nothing to count.
        let _ = self.writing.try_update(|n| *n = n.saturating_sub(1));
    }

    /// Show the file as an answer gave it (`show_newer`).
    fn show(self, v: FileView) {
        show_newer(self.file, v);
    }
}

/// Show the file as an answer gave it, unless the page already holds a newer version (two
/// quick changes whose answers arrive in the other order).
fn show_newer(file: LocalResource<Result<FileView, ApiError>>, v: FileView) {
    let older = file.with_untracked(|f| {
        f.as_ref()
            .and_then(|f| f.as_ref().ok())
            .is_some_and(|shown| shown.summary.version > v.summary.version)
    });
    if !older {
        file.set(Some(Ok(v)));
    }
}

impl Page {
    /// A change to the file, sent through `Submit`. Done: show the new file and say `done`. A
    /// stale version: show the file as it is now and say that. Anything else: the form shows
    /// the server's reason in `error` (and the fields it marks in `errors`, when given).
    fn change<I, F, Fu>(
        self,
        error: RwSignal<Option<ApiError>>,
        errors: Option<RwSignal<Vec<FieldError>>>,
        done: impl Fn() -> Said + 'static,
        call: F,
    ) -> Submit<I>
    where
        I: Clone + Send + Sync + 'static,
        F: Fn(I) -> Fu + 'static,
        Fu: Future<Output = ApiResult<FileView>> + 'static,
    {
        let errors = errors.unwrap_or_else(|| RwSignal::new(Vec::new()));
        Submit::reporting_to(error, errors, move |input: I| {
            self.begin_write();
            let sent = call(input);
            let done = done();
            async move {
                let answer = sent.await;
                let out = match answer {
                    Ok(v) => {
                        self.notice.set(Some(done));
                        self.show(v);
                        Ok(())
                    }
                    Err(e)
                        if e.is(ErrorCode::VersionConflict)
                            && e.current::<FileView>().is_some() =>
                    {
                        self.notice.set(Some(Said::new(Key::MedChangedReloaded)));
                        if let Some(v) = e.current::<FileView>() {
                            self.show(v);
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
                self.end_write();
                out
            }
        })
        .focusing_invalid()
    }
}

/// What the parts of a file's page share: the stage, the reader's standing, and where
/// changes go.
#[derive(Clone, Copy)]
struct FileCtx {
    access: Access,
    stage: MediationStage,
    /// The reader runs the file (its mediators and the office: `may_run`).
    runs: bool,
    is_mediator: bool,
    page: Page,
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
    let saved = move || Said::new(Key::Saved);
    let file = FileCtx {
        access,
        stage,
        runs,
        is_mediator,
        page,
    };

    // ---- moves ----
    let move_error = RwSignal::new(None::<ApiError>);
    let open_move = RwSignal::new(None::<MediationAction>);
    let move_note = RwSignal::new(String::new());
    // The notice names the move just made.
    let last_move = StoredValue::new(None::<MediationAction>);
    let make_move = page.change(
        move_error,
        None,
        move || {
            last_move
                .get_value()
                .map(|action| {
                    Said::new(Key::MoveDone)
                        .text("action", action.text())
                        .text("stage", action.to().text())
                })
                .unwrap_or(Said::new(Key::Saved))
        },
        move |(action, note): (MediationAction, Option<String>)| async move {
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
    );
    let run_move = move |action: MediationAction, note: Option<String>| {
        last_move.set_value(Some(action));
        make_move.dispatch((action, note));
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
    let parties_view = view! {
        <section class="card" aria-labelledby="med-parties-title">
            <h2 id="med-parties-title">{move || i18n.t(Key::MedParties)}</h2>
            <ul class="med-parties-list" data-testid="med-parties">
                {parties.clone().into_iter().map(|p| view! { <PartyCard p file/> }).collect_view()}
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
    let record = page.change(
        record_error,
        Some(record_errors),
        saved,
        move |r: NewRecord| async move { api::add_record(id, &r).await },
    );
    let add_record = move |ev: SubmitEvent| {
        ev.prevent_default();
        record.dispatch(NewRecord {
            kind: record_kind.get_untracked(),
            text: record_text.get_untracked(),
            parties_consented: record_consent.get_untracked(),
        });
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
                                    failed=page.photo_failed notice=page.notice writing=page.writing reload=Callback::new(move |_| page.reload(id))/>
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
    let file_grid = s.grid_id;
    let agreement_view = {
        let agreement = agreement.clone();
        view! {
            <section class="card" aria-labelledby="med-agreement-title">
                <h2 id="med-agreement-title">{move || i18n.t(Key::MedAgreement)}</h2>
                {match agreement.clone() {
                    None => view! { <p class="muted">{move || i18n.t(Key::MedNoAgreement)}</p> }.into_any(),
                    Some(a) => {
                        let may_perform = runs && Change::Performed.allowed_in(stage);
                        let open_terms: Vec<(i64, String)> = a.terms.iter()
                            .filter(|t| t.performed_at.is_none())
                            .map(|t| (t.id, t.text.clone()))
                            .collect();
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
                                        let performed_now = page.change(err, Some(errs), saved,
                                            move |p: Performed| async move { api::term_performed(tid, &p).await });
                                        let mark = move |ev: SubmitEvent| {
                                            ev.prevent_default();
                                            performed_now.dispatch(Performed { proof: proof.get_untracked() });
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
                                                            <input id=format!("med-proof-{tid}") data-testid="med-term-proof" autocomplete="off" maxlength=shared::mediation::Performed::PROOF_MAX bind:value=proof/>
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
                                <crate::directives::AgreementDirectives file_id=id grid_id=file_grid open_terms/>
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
