//! One case: its facts, its history as a timeline, the moves the user may make now (exactly
//! the server's `legal_actions`), the small form a move needs, and the reporter's rating.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::{Person, Work};
use shared::cases::{
    Action, CaseOrigin, CaseView, MoveCase, Needs, Rating, RefusalReason, ResponsibleParty,
    validate_move,
};
use shared::error::{ErrorCode, FieldError};
use shared::i18n::Lang;
use time::OffsetDateTime;

use super::{REFUSAL_REASONS, StageBadge, case_deadline_text, category_label, refusal_text};
use crate::accounts::PersonPicker;
use crate::api::{self, ApiError};
use crate::clock::now;
use crate::i18n::{Key, set_title, use_i18n};
use crate::offline::outbox::{self, Item, Sent};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, When};

/// The API's name of an action (`verify_fail`), for test ids and messages.
pub fn action_slug(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `YYYY-MM-DD` (a date input) → the end of that working day in Beijing, 18:00 +08:00.
pub fn parse_day(s: &str) -> Option<OffsetDateTime> {
    let date = shared::calendar::parse_day(s)?;
    let t = time::Time::from_hms(18, 0, 0).ok()?;
    Some(date.with_time(t).assume_offset(shared::calendar::SHANGHAI))
}

/// A move made on the case's page, where a grid worker may stand in a basement: through the
/// outbox, kept there without signal (and behind a move of the same case still waiting).
/// `label`: the case's number and title, for the outbox page.
async fn send_move(
    case_id: i64,
    m: &MoveCase,
    label: String,
    photos: Vec<web_sys::File>,
) -> api::ApiResult<Sent<CaseView>> {
    outbox::send(Item::case_move(case_id, m, label), photos).await
}

/// How a move dialog sends: on the case's page through the outbox (`label` names the case
/// there, `on_kept` hears that the move waits); without it (the board), online only.
#[derive(Clone)]
pub struct KeptMove {
    pub label: String,
    pub on_kept: Callback<()>,
}

#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = crate::ui::use_id_param();
    let id = Memo::new(move |_| id.get().unwrap_or(0));
    // Another case in the address is read afresh; a move's answer is the case as it is now
    // and is shown without reading it again.
    let case = LocalResource::new(move || api::case(id.get()));
    let reload = Callback::new(move |_: ()| case.refetch());
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if query.read().get("photo_failed").is_some() {
            notice.set(Some(i18n.t(Key::PhotoUploadFailed).to_string()));
        } else if query.read().get("filed").is_some() {
            notice.set(Some(i18n.t(Key::ReportFiled).to_string()));
        }
    });
    Effect::new(move |_| {
        let title = case.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .map(|c| c.summary.title.clone())
        });
        set_title(
            &title.unwrap_or_else(|| i18n.t(Key::CaseTitle).to_string()),
            i18n.get(),
        );
    });
    view! {
        <p class="back"><a href="/cases" data-testid="back-to-reports">{move || format!("‹ {}", i18n.t(Key::MyReportsTitle))}</a></p>
        <Notice message=notice/>
        {move || match case.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=reload/> }.into_any(),
            Some(Ok(c)) => view! { <CaseDetail case=c on_change=Callback::new(move |v: CaseView| case.set(Some(Ok(v)))) reload notice/> }.into_any(),
        }}
    }
}

#[component]
fn CaseDetail(
    case: CaseView,
    on_change: Callback<CaseView>,
    /// Read the case again.
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let meta = LocalResource::new(api::case_meta);
    let open = RwSignal::new(None::<Action>);
    let error = RwSignal::new(None::<ApiError>);
    let undo_version = RwSignal::new(None::<i64>);
    let s = case.summary.clone();
    let id = s.id;
    let version = s.version;
    let stage = s.stage;
    let label = format!("{} {}", s.number, s.title);
    // A move of this case waits in the outbox: no other move until it is sent (it would be
    // made on a stage the case is not in yet); then the case is read again.
    let outbox_items = outbox::use_outbox().items;
    let record = format!("case:{id}");
    let waiting = Memo::new(move |_| {
        outbox_items.with(|items| items.iter().any(|i| i.unsent() && i.record == record))
    });
    Effect::new(move |was: Option<bool>| {
        let now = waiting.get();
        if was == Some(true) && !now {
            reload.run(());
        }
        now
    });
    let on_kept = Callback::new(move |_| {
        open.set(None);
        error.set(None);
    });
    let kept_move = KeptMove {
        label: label.clone(),
        on_kept,
    };
    let label = StoredValue::new(label);

    let done = Callback::new(move |(action, v): (Action, CaseView)| {
        open.set(None);
        error.set(None);
        undo_version.set(Some(v.summary.version));
        let lang = i18n.lang.get_untracked();
        notice.set(Some(i18n.fmt(
            Key::MoveDone,
            &[
                ("action", action.text().get(lang)),
                ("stage", v.summary.stage.text().get(lang)),
            ],
        )));
        on_change.run(v);
    });
    let failed = Callback::new(move |e: ApiError| {
        if e.is(ErrorCode::VersionConflict) {
            if let Some(current) = e.current::<CaseView>() {
                open.set(None);
                notice.set(Some(i18n.t(Key::CaseChangedReloaded).to_string()));
                on_change.run(current);
                return;
            }
        }
        error.set(Some(e));
    });
    // A move that needs no form goes straight out (through the outbox, as the dialog's).
    let move_now = Submit::reporting_to(error, RwSignal::new(Vec::new()), move |action: Action| {
        let label = label.get_value();
        async move {
            let m = MoveCase::new(action, version);
            match send_move(id, &m, label, Vec::new()).await {
                Ok(Sent::Now(v)) => done.run((action, v)),
                Ok(Sent::Kept) => on_kept.run(()),
                Err(e) => failed.run(e),
            }
            Ok(())
        }
    });
    let run = move |action: Action| {
        if action.needs() != Needs::Nothing {
            open.set(Some(action));
            return;
        }
        move_now.dispatch(action);
    };
    let undo_move =
        Submit::reporting_to(error, RwSignal::new(Vec::new()), move |v: i64| async move {
            let view = api::undo_case(id, v).await?;
            undo_version.set(None);
            notice.set(Some(i18n.t(Key::Undone).to_string()));
            on_change.run(view);
            Ok(())
        });
    let undo = move |_| {
        if let Some(v) = undo_version.get_untracked() {
            undo_move.dispatch(v);
        }
    };

    // The reporter may take the report back while nobody acted on it (撤回).
    let withdraw_report = Submit::new(move |()| async move {
        match api::withdraw_case(id, version).await {
            Ok(view) => {
                notice.set(Some(i18n.t(Key::UndoReportWithdrawn).to_string()));
                on_change.run(view);
            }
            Err(e) => failed.run(e),
        }
        Ok(())
    });
    let withdrawing = withdraw_report.pending();
    let withdraw = move |_| withdraw_report.dispatch(());
    let withdraw_until = case.withdraw_until;
    let can_rate = case.may_rate;
    let actions = case.legal_actions.clone();
    let history = case.history.clone();
    let dups = case.possible_duplicates.clone();
    let rating = case.rating.clone();
    let rated = case.rating.clone();
    let description = case.description.clone();
    let origin = case.origin.clone();
    let place_path = case
        .place_path
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(" / ");
    let reporter = case.reporter_name.clone();
    let reporter_named = reporter.is_some().then_some("");

    view! {
        <article class="case" data-testid="case-detail" data-stage=super::stage_slug(stage) data-version=version>
            <header class="page-head case-head">
                <p class="case-number mono" data-testid="case-number">{s.number.clone()}</p>
                <h1 data-testid="case-title-text" data-user-text>{s.title.clone()}</h1>
                <div class="badges">
                    <StageBadge stage/>
                    <span class="badge">{move || i18n.text(s.urgency.text())}</span>
                    {s.overdue.then(|| view! { <span class="badge badge-danger" data-testid="overdue">{move || i18n.t(Key::Overdue)}</span> })}
                    {s.mark.map(crate::supervision::mark_badge)}
                    {(s.rework_count > 0).then(|| view! { <span class="badge badge-warn">{move || i18n.fmt(Key::ReworkCount, &[("n", &s.rework_count.to_string())])}</span> })}
                </div>
                {(case.also_reported > 0).then(|| { let n = case.also_reported.to_string(); view! {
                    <p class="case-also-reported" data-testid="case-also-reported">{move || i18n.fmt(Key::CaseAlsoReported, &[("n", &n)])}</p>
                } })}
            </header>
            <FormError error testid="move-error"/>
            {withdraw_until.map(|until| view! {
                <crate::undo::UndoButton until label=Key::UndoWithdrawReport testid="case-withdraw"
                    busy=withdrawing on_undo=Callback::new(withdraw)/>
            })}
            {move || undo_version.get().map(|_| view! {
                <p><button type="button" class="button button-quiet" data-testid="undo" on:click=undo>{i18n.t(Key::UndoMove)}</button></p>
            })}
            <section class="card" aria-labelledby="case-actions-title">
                <h2 id="case-actions-title">{move || i18n.t(Key::WhatNext)}</h2>
                <div class="notice-slot" aria-live="polite" aria-atomic="true">
                    {move || waiting.get().then(|| view! {
                        <p class="alert alert-info" role="status" data-testid="case-move-waiting">
                            {i18n.t(Key::MoveKept)}" "<a href="/outbox">{i18n.t(Key::OutboxOpen)}</a>
                        </p>
                    })}
                </div>
                {move || if waiting.get() {
                    ().into_any()
                } else if actions.is_empty() {
                    view! { <p class="muted" data-testid="no-actions">{move || i18n.t(Key::NoActions)}</p> }.into_any()
                } else {
                    view! {
                        <div class="actions" data-testid="case-actions">
                            {actions.iter().map(|a| {
                                let a = *a;
                                view! {
                                    <button type="button" class=if a.needs() == Needs::Nothing { "button button-primary" } else { "button button-secondary" }
                                        data-testid=format!("action-{}", action_slug(a))
                                        aria-expanded=move || (a.needs() != Needs::Nothing).then(|| (open.get() == Some(a)).to_string())
                                        on:click=move |_| run(a)>
                                        {move || i18n.text(a.text())}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
                {move || open.get().map(|a| view! {
                    <MoveDialog case_id=id version action=a modal=false kept=kept_move.clone()
                        parties=meta.get().and_then(Result::ok).map(|m| m.parties).unwrap_or_default()
                        grid_id=s.grid_id
                        on_done=Callback::new(move |v| done.run((a, v)))
                        on_cancel=Callback::new(move |_| open.set(None))
                        on_error=failed/>
                })}
            </section>
            <super::requests::RequestsPanel case=case.clone() on_change notice/>
            <crate::directives::CaseDirectives case_id=id grid_id=s.grid_id open_case=stage.is_open()/>
            <section class="card">
                <dl class="facts">
                    <div><dt>{move || i18n.t(Key::Category)}</dt>
                        <dd data-testid="case-category-text">{move || category_label(meta.get().and_then(Result::ok).as_ref(), s.category_id, i18n.get())}</dd></div>
                    {(!place_path.is_empty()).then(|| view! {
                        <div><dt>{move || i18n.t(Key::CasePlace)}</dt><dd data-testid="case-place" data-user-text>{place_path.clone()}</dd></div>
                    })}
                    <div><dt>{move || i18n.t(Key::CaseSource)}</dt><dd>{move || i18n.text(s.source.text())}</dd></div>
                    {origin.map(|o| {
                        let words = o.clone();
                        let text = move || words.text(i18n.get());
                        view! {
                            <div><dt>{move || i18n.t(Key::CaseOrigin)}</dt>
                                <dd data-testid="case-origin">{match o {
                                    // Council items are public to the community: the decision is one tap away.
                                    CaseOrigin::Council { item_id } => view! {
                                        <a class="fact-link" href=format!("/council/items/{item_id}")>{text}</a>
                                    }.into_any(),
                                    _ => text.into_any(),
                                }}</dd></div>
                        }
                    })}
                    <div><dt>{move || i18n.t(Key::Reporter)}</dt>
                        <dd data-user-text=reporter_named>{move || reporter.clone().unwrap_or_else(|| i18n.t(Key::ReporterHidden).to_string())}</dd></div>
                    <div><dt>{move || i18n.t(Key::ReportedAt)}</dt><dd><When at=s.created_at/></dd></div>
                    {s.deadline_at.map(|d| view! {
                        <div><dt>{move || i18n.t(Key::Deadline)}</dt>
                            <dd data-testid="case-deadline"><When at=d/>" · "{move || case_deadline_text(s.stage, s.stage_entered_at, d, now(), i18n.get())}</dd></div>
                    })}
                    {(!description.is_empty()).then(|| view! {
                        <div><dt>{move || i18n.t(Key::CaseDescription)}</dt><dd class="case-description" data-user-text>{description.clone()}</dd></div>
                    })}
                </dl>
            </section>
            <super::photos::Gallery case_id=id may_add=stage.is_open()/>
            {(!dups.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="dups-title">
                    <h2 id="dups-title">{move || i18n.t(Key::PossibleDuplicates)}</h2>
                    <ul class="case-list">
                        {dups.into_iter().map(|c| view! {
                            <li><a class="case-link" href=format!("/cases/{}", c.id)><span class="mono">{c.number.clone()}</span>" "<span data-user-text>{c.title.clone()}</span>" "<StageBadge stage=c.stage/></a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {rating.map(|r| view! {
                <section class="card" data-testid="rating-shown">
                    <h2>{move || i18n.t(Key::Satisfaction)}</h2>
                    <p><span class="stars" aria-hidden="true">{"★".repeat(r.score as usize)}{"☆".repeat(5 - r.score as usize)}</span>
                        " "{move || i18n.fmt(Key::ScoreOf, &[("n", &r.score.to_string())])}</p>
                    {r.note.clone().map(|n| view! { <p data-user-text>{n}</p> })}
                </section>
            })}
            // Once rated, the rating shows and may be changed on request (the form is not
            // asked again as if nothing had been given).
            {can_rate.then(|| {
                let changing = RwSignal::new(rated.is_none());
                view! {
                    <Show when=move || changing.get()
                        fallback=move || view! {
                            <p><button type="button" class="button button-secondary" data-testid="rate-change"
                                on:click=move |_| changing.set(true)>{move || i18n.t(Key::RateChange)}</button></p>
                        }>
                        <RateForm case_id=id on_done=on_change initial=rated.clone()/>
                    </Show>
                }
            })}
            <section aria-labelledby="history-title">
                <h2 id="history-title">{move || i18n.t(Key::History)}</h2>
                <ol class="timeline" data-testid="timeline">
                    {history.into_iter().map(|e| {
                        let kind = e.action;
                        let who = e.actor_name.clone();
                        view! {
                        <li class="timeline-item" data-testid="timeline-item" data-action=kind.as_str()>
                            <p class="timeline-head">
                                <strong>{move || i18n.text(kind.text())}</strong>
                            </p>
                            // Who did what, from which stage to which: "王书记 将事件从 上报 移至 立案".
                            <p class="timeline-what" data-testid="timeline-what">
                                {move || crate::ui::sentence_naming(kind.describe(who.as_deref(), e.from_stage, e.to_stage, i18n.get()), who.as_deref())}
                            </p>
                            <p class="timeline-meta muted">
                                <When at=e.at/>
                            </p>
                            {e.note.clone().map(|n| view! { <p class="timeline-note">{n}</p> })}
                        </li>
                    }}).collect_view()}
                </ol>
            </section>
        </article>
    }
}

#[component]
fn RateForm(case_id: i64, on_done: Callback<CaseView>, initial: Option<Rating>) -> impl IntoView {
    let i18n = use_i18n();
    let score = RwSignal::new(initial.as_ref().map_or(0, |r| r.score));
    let note = RwSignal::new(initial.and_then(|r| r.note).unwrap_or_default());
    let rate = Submit::new(move |rating: Rating| async move {
        on_done.run(api::rate_case(case_id, &rating).await?);
        Ok(())
    });
    let (error, errors) = (rate.error, rate.errors);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let s = score.get_untracked();
        if s == 0 {
            errors.set(vec![FieldError {
                field: "score".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            }]);
            return;
        }
        let n = note.get_untracked().trim().to_string();
        rate.dispatch(Rating {
            score: s,
            note: (!n.is_empty()).then_some(n),
        });
    };
    view! {
        <form class="card form" on:submit=submit data-testid="rate-form">
            <h2>{move || i18n.t(Key::RateTitle)}</h2>
            <FormError error fields=errors/>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Satisfaction)}</legend>
                <div class="choices choices-row">
                    {(1u8..=5).map(|n| view! {
                        <label class="choice">
                            <input type="radio" name="score" data-testid=format!("score-{n}") prop:checked=move || score.get() == n on:change=move |_| score.set(n)/>
                            {move || i18n.fmt(Key::ScoreOf, &[("n", &n.to_string())])}
                        </label>
                    }).collect_view()}
                </div>
                <FieldErrorList errors field="score" id="score-error".to_string()/>
            </fieldset>
            <div class="field">
                <label for="rate-note">{move || i18n.t(Key::Note)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                <textarea id="rate-note" rows="3" maxlength="500" bind:value=note></textarea>
            </div>
            <div class="actions"><button type="submit" class="button button-primary" data-testid="rate-submit">{move || i18n.t(Key::Submit)}</button></div>
        </form>
    }
}

/// The small form a move needs (`Action::needs`): a refusal reason, an assignment, a
/// postponement, what was done, or a note. On the board it is a modal dialog.
#[component]
pub fn MoveDialog(
    case_id: i64,
    version: i64,
    action: Action,
    #[prop(optional)] modal: bool,
    /// The case it moves, (number, title), named in the dialog's heading.
    #[prop(optional)]
    subject: Option<(String, String)>,
    parties: Vec<ResponsibleParty>,
    /// The case's grid: the people offered to take it work there (or in the office).
    #[prop(optional_no_strip)]
    grid_id: Option<i64>,
    #[prop(optional_no_strip)] after_id: Option<i64>,
    #[prop(optional_no_strip)] before_id: Option<i64>,
    on_done: Callback<CaseView>,
    on_cancel: Callback<()>,
    #[prop(optional)] on_error: Option<Callback<ApiError>>,
    /// Sent through the outbox (the case's page); none: online only (the board).
    #[prop(optional)]
    kept: Option<KeptMove>,
) -> impl IntoView {
    let i18n = use_i18n();
    let needs = action.needs();
    let note = RwSignal::new(String::new());
    let reason = RwSignal::new(None::<RefusalReason>);
    let party = RwSignal::new(None::<i64>);
    let assignee = RwSignal::new(None::<Person>);
    let until = RwSignal::new(String::new());
    let photo = RwSignal::new_local(Vec::<super::photos::Picked>::new());
    // Someone told of refusals (the board shows a 409 its own way) hears them too.
    let refused = move |e: ApiError| {
        if let Some(cb) = on_error {
            cb.run(e.clone());
        }
        Err(e)
    };
    let send = Submit::new(move |m: MoveCase| {
        let picked = photo.get_untracked();
        let kept = kept.clone();
        async move {
            if let Some(KeptMove { label, on_kept }) = kept {
                // Through the outbox: the photos go up first there, with the move's key.
                let files = picked.iter().map(|p| p.file.clone()).collect();
                let sent = match send_move(case_id, &m, label, files).await {
                    Ok(sent) => sent,
                    Err(e) => return refused(e),
                };
                super::photos::release(&picked);
                photo.set(Vec::new());
                match sent {
                    Sent::Now(v) => on_done.run(v),
                    Sent::Kept => on_kept.run(()),
                }
                return Ok(());
            }
            // The result photo goes up first; a refused photo stops the move.
            if !picked.is_empty() {
                super::photos::upload_all(
                    case_id,
                    shared::cases::PhotoKind::Feedback,
                    picked.clone(),
                )
                .await?;
                super::photos::release(&picked);
                photo.set(Vec::new());
            }
            match api::move_case(case_id, &m).await {
                Ok(v) => on_done.run(v),
                Err(e) => return refused(e),
            }
            Ok(())
        }
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    let note_required = matches!(needs, Needs::PostponeReason | Needs::Feedback | Needs::Note);
    // Start in the form: the first field takes the focus (a modal dialog does this itself).
    request_animation_frame(move || {
        if modal {
            return;
        }
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-testid='move-dialog'] select, [data-testid='move-dialog'] input, [data-testid='move-dialog'] textarea").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let n = note.get_untracked().trim().to_string();
        let m = MoveCase {
            action,
            version,
            note: (!n.is_empty()).then_some(n),
            refusal_reason: reason.get_untracked(),
            responsible_party_id: party.get_untracked(),
            assignee_id: assignee.with_untracked(|a| a.as_ref().map(|p| p.user_id)),
            postpone_until: parse_day(&until.get_untracked()),
            after_id,
            before_id,
        };
        if let Err(errs) = validate_move(&m) {
            errors.set(
                errs.0
                    .into_iter()
                    .map(|(field, code)| FieldError {
                        field,
                        code,
                        message: String::new(),
                    })
                    .collect(),
            );
            crate::ui::focus_first_invalid();
            return;
        }
        send.dispatch(m);
    };
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    let lang = move || i18n.get();
    let name_of = move |p: &ResponsibleParty| {
        if lang() == Lang::En {
            p.name_en.clone()
        } else {
            p.name_zh.clone()
        }
    };

    let form = view! {
        <div class="card move-dialog" data-testid="move-dialog" data-action=action_slug(action)
            on:keydown=move |ev| if !modal && ev.key() == "Escape" { ev.stop_propagation(); on_cancel.run(()); }>
            <h2 id="move-title">
                {move || i18n.text(action.text())}
                {subject.map(|(number, title)| view! {
                    <span class="dialog-subject" data-testid="move-subject">{number}" "<span data-user-text>{title}</span></span>
                })}
            </h2>
            <form on:submit=submit novalidate>
                <FormError error fields=errors testid="move-form-error"/>
                {(needs == Needs::RefusalReason).then(|| view! {
                    <fieldset class="field" class:field-invalid=move || invalid("refusal_reason")() == "true">
                        <legend>{move || i18n.t(Key::RefusalReason)}</legend>
                        <div class="choices choices-stacked">
                            {REFUSAL_REASONS.into_iter().map(|r| view! {
                                <label class="choice">
                                    <input type="radio" name="refusal" data-testid=format!("refusal-{}", serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
                                        aria-invalid=invalid("refusal_reason")
                                        prop:checked=move || reason.get() == Some(r) on:change=move |_| reason.set(Some(r))/>
                                    {move || i18n.text(refusal_text(r))}
                                </label>
                            }).collect_view()}
                        </div>
                        <FieldErrorList errors field="refusal_reason" id="refusal-error".to_string()/>
                    </fieldset>
                })}
                {(needs == Needs::Assignment).then(|| {
                    let parties = parties.clone();
                    view! {
                        <div class="field" class:field-invalid=move || invalid("responsible_party_id")() == "true">
                            <label for="move-party">{move || i18n.t(Key::ResponsibleParty)}</label>
                            <select id="move-party" data-testid="move-party" aria-invalid=invalid("responsible_party_id")
                                on:change=move |ev| party.set(event_target_value(&ev).parse().ok())>
                                <option value="">{move || i18n.t(Key::ChooseOne)}</option>
                                {parties.into_iter().map(|p| { let id = p.id; view! { <option value=id.to_string()>{move || name_of(&p)}</option> } }).collect_view()}
                            </select>
                            <FieldErrorList errors field="responsible_party_id" id="party-error".to_string()/>
                        </div>
                        // Who takes it: found by name among those the server accepts for this
                        // case (the office, the grid's workers), listed at once.
                        <PersonPicker id="move-assignee" testid="move-assignee" label=Key::Assignee chosen=assignee errors
                            field="assignee_id" hint=Key::DeadlineFromSla work=Work::CaseAssignee work_grid=grid_id
                            browse=true/>
                    }
                })}
                {(needs == Needs::PostponeReason).then(|| view! {
                    <div class="field" class:field-invalid=move || invalid("postpone_until")() == "true">
                        <label for="move-until">{move || i18n.t(Key::PostponeUntil)}</label>
                        <input id="move-until" type="date" data-testid="move-until" aria-invalid=invalid("postpone_until") bind:value=until/>
                        <FieldErrorList errors field="postpone_until" id="until-error".to_string()/>
                    </div>
                })}
                <div class="field" class:field-invalid=move || invalid("note")() == "true">
                    <label for="move-note">
                        {move || i18n.t(match needs { Needs::Feedback => Key::WhatWasDone, Needs::PostponeReason => Key::PostponeReason, _ => Key::Note })}
                        {(!note_required).then(|| view! { <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span> })}
                    </label>
                    {(needs == Needs::Feedback).then(|| view! { <p class="hint">{move || i18n.t(Key::PhotoLater)}</p> })}
                    <textarea id="move-note" rows="3" maxlength="1000" data-testid="move-note" aria-invalid=invalid("note") bind:value=note></textarea>
                    <FieldErrorList errors field="note" id="note-error".to_string()/>
                </div>
                {(needs == Needs::Feedback).then(|| view! {
                    <div class="field">
                        <p class="label">{move || i18n.t(Key::AddPhoto)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></p>
                        <super::photos::PhotoPicker picked=photo id="feedback-photo-input"/>
                        <FieldErrorList errors field="photo" id="photo-error".to_string()/>
                    </div>
                })}
                <div class="actions">
                    <button type="submit" class="button button-primary" data-testid="move-submit" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t(Key::Sending).to_string() } else { i18n.text(action.text()).to_string() }}
                    </button>
                    <button type="button" class="button button-quiet" data-testid="move-cancel" on:click=move |_| on_cancel.run(())>
                        {move || i18n.t(Key::Cancel)}
                    </button>
                </div>
            </form>
        </div>
    };
    if modal {
        view! { <crate::ui::Dialog labelledby="move-title" on_close=on_cancel>{form}</crate::ui::Dialog> }.into_any()
    } else {
        form.into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_end_at_six_in_beijing() {
        let t = parse_day("2026-03-02").unwrap();
        assert_eq!(t.to_offset(time::UtcOffset::UTC).hour(), 10);
        assert!(parse_day("2026-13-01").is_none());
        assert!(parse_day("").is_none());
        assert_eq!(action_slug(Action::VerifyFail), "verify_fail");
    }
}
