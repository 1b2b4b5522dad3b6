//! One agenda item: what it is about, its tier and route, support, ballots (vote, results,
//! open and close), the decision and its case, comments with moderation, the history of every
//! round, and exactly the moves the server lists in `legal_actions`, each with the small form
//! its `needs()` asks for.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::council::{
    Answer, BallotKind, BallotRules, BallotState, BallotView, CastVote, Choice, CreateBallot,
    Decision, HideComment, ItemAction, ItemNeeds, ItemView, MoveItem, NewComment, PassRule, Quorum,
    Tier, meeting_fits,
};
use shared::error::FieldError;
use shared::i18n::Lang;

use super::{ItemStageBadge, SupportBar, TierBadge, ballot_state_key, event_label};
use crate::api::{self, ApiError};
use crate::cases::{StageBadge, category_label};
use crate::clock::today;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{Day, ErrorBox, FieldErrorList, FormError, Loading, Notice, When, use_id_param};
use shared::calendar::format_local_input;
use shared::calendar::parse_day;
use shared::calendar::parse_local_input;
use shared::calendar::{format_day, format_moment};

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

#[component]
pub fn ItemPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = use_id_param();
    let id = Memo::new(move |_| id.get().unwrap_or(0));
    let notice = RwSignal::new(None::<String>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let said = if query.read().get("photo_failed").is_some() {
            Some(Key::CouncilPhotoFailed)
        } else if query.read().get("raised").is_some() {
            Some(Key::CouncilRaised)
        } else {
            None
        };
        if let Some(key) = said {
            notice.set(Some(i18n.t(key).to_string()));
            // Said once: the address loses the flag, so a reload or a shared link does not
            // announce it again.
            navigate(
                &format!("/council/items/{}", id.get_untracked()),
                leptos_router::NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <p class="back"><a href="/council" data-testid="back-to-council">{move || format!("‹ {}", i18n.t(Key::CouncilTitle))}</a></p>
        <Notice message=notice/>
        // Another item is another page: loading afresh.
        {move || {
            let id = id.get();
            view! { <ItemWithComments id notice/> }
        }}
    }
}

#[component]
fn ItemWithComments(id: i64, notice: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let reading = LocalResource::new(move || api::council_item(id));
    // The item as shown: each reading and each move's answer lands here. The page is built once
    // from the first; later ones redraw only the parts that differ, so what the user opened
    // meanwhile (a ballot being written while a move's answer was on its way) stays open.
    let item = RwSignal::new(None::<ItemView>);
    Effect::new(move |_| {
        if let Some(Ok(v)) = reading.get() {
            item.set(Some(v));
        }
    });
    let title = Memo::new(move |_| item.with(|v| v.as_ref().map(|v| v.summary.title.clone())));
    Effect::new(move |_| {
        set_title(
            &title
                .get()
                .unwrap_or_else(|| i18n.t(Key::CouncilItemPage).to_string()),
            i18n.get(),
        );
    });
    let loaded = Memo::new(move |_| item.with(Option::is_some));
    let may_manage =
        Signal::derive(move || item.with(|v| v.as_ref().is_some_and(|v| v.may_manage)));
    let reload = Callback::new(move |_: ()| reading.refetch());
    view! {
        {move || match reading.get() {
            Some(Err(e)) => view! { <ErrorBox error=e retry=reload/> }.into_any(),
            _ if !loaded.get() => view! { <Loading/> }.into_any(),
            _ => ().into_any(),
        }}
        {move || loaded.get().then(|| view! { <ItemDetail item reload notice/> })}
        {(id > 0).then(|| view! { <Comments item_id=id may_manage/> })}
    }
}

/// What the support card shows.
#[derive(Clone, PartialEq)]
struct SupportPart {
    count: u64,
    threshold: u32,
    may_support: bool,
    supported: bool,
    withdraw_until: Option<time::OffsetDateTime>,
}

#[component]
fn ItemDetail(
    item: RwSignal<Option<ItemView>>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Each part of the item is read through its own memo: an answer that leaves a part as it
    // was does not draw it again.
    fn part<T: Clone + PartialEq + Default + Send + Sync + 'static>(
        item: RwSignal<Option<ItemView>>,
        pick: impl Fn(&ItemView) -> T + Send + Sync + 'static,
    ) -> Memo<T> {
        Memo::new(move |_| item.with(|v| v.as_ref().map(&pick).unwrap_or_default()))
    }
    let id = item.with_untracked(|v| v.as_ref().map_or(0, |v| v.summary.id));
    let version = part(item, |v| v.summary.version);
    let stage = part(item, |v| Some(v.summary.stage));
    let tier = part(item, |v| v.summary.tier);
    let facts = part(item, |v| {
        Some((
            v.summary.clone(),
            v.description.clone(),
            v.raised_by_name.clone(),
        ))
    });
    let photos = part(item, |v| (v.photos.clone(), v.may_add_photo));
    let support = part(item, |v| {
        let s = &v.summary;
        let shown = matches!(
            s.stage,
            shared::council::ItemStage::Proposed | shared::council::ItemStage::Gathering
        ) || s.support_count > 0;
        shown.then(|| SupportPart {
            count: s.support_count,
            threshold: s.support_threshold,
            may_support: v.may_support,
            supported: s.supported,
            // Once given, a support is taken back only within the undo window (撤回).
            withdraw_until: s.support_withdraw_until,
        })
    });
    let decision = part(item, |v| v.decision.clone());
    // 落实督办 once there is a decision: (the item's grid, whether it is still being carried out).
    let follow_up = part(item, |v| {
        v.decision.is_some().then(|| {
            (
                v.summary.grid_id,
                matches!(
                    v.summary.stage,
                    shared::council::ItemStage::Decided | shared::council::ItemStage::CarryingOut
                ),
            )
        })
    });
    let reason = part(item, |v| v.reason.clone());
    let actions = part(item, |v| v.legal_actions.clone());
    let has_actions = Memo::new(move |_| actions.with(|a| !a.is_empty()));
    let may_manage = part(item, |v| v.may_manage);
    let may_open_ballot = part(item, |v| v.may_manage && v.summary.stage.is_undecided());
    let ballots = part(item, |v| v.ballots.clone());
    let has_ballots = Memo::new(move |_| ballots.with(|b| !b.is_empty()));
    let history = part(item, |v| v.history.clone());

    let open = RwSignal::new(None::<ItemAction>);
    let error = RwSignal::new(None::<ApiError>);
    let ballot_form = RwSignal::new(false);

    // 409: someone else changed it; show the latest. Others: the server's message.
    let failed = Callback::new(move |e: ApiError| {
        if e.status() == Some(409) {
            open.set(None);
            error.set(None);
            notice.set(Some(i18n.t(Key::CouncilChangedReloaded).to_string()));
            reload.run(());
        } else {
            error.set(Some(e));
        }
    });
    let done = Callback::new(move |(action, v): (ItemAction, ItemView)| {
        // The move's own form closes; another one opened meanwhile stays while still legal.
        open.update(|o| {
            if o.is_some_and(|a| a == action || !v.legal_actions.contains(&a)) {
                *o = None;
            }
        });
        error.set(None);
        let lang = i18n.lang.get_untracked();
        notice.set(Some(i18n.fmt(
            Key::CouncilMoveDone,
            &[
                ("action", action.text().get(lang)),
                ("stage", v.summary.stage.text().get(lang)),
            ],
        )));
        item.set(Some(v));
    });
    // A move that needs no form goes straight out.
    let move_now = Submit::new(move |action: ItemAction| async move {
        let m = MoveItem {
            action,
            version: version.get_untracked(),
            tier: None,
            meeting_id: None,
            note: None,
            decision: None,
        };
        match api::move_item(id, &m).await {
            Ok(v) => done.run((action, v)),
            Err(e) => failed.run(e),
        }
        Ok(())
    });
    let run = move |action: ItemAction| {
        if action.needs() != ItemNeeds::Nothing {
            open.set(if open.get_untracked() == Some(action) {
                None
            } else {
                Some(action)
            });
            return;
        }
        error.set(None);
        move_now.dispatch(action);
    };
    let support_send = Submit::new(move |on: bool| async move {
        match api::support_item(id, on).await {
            Ok(v) => {
                notice.set(Some(
                    i18n.t(if on {
                        Key::CouncilSupported
                    } else {
                        Key::CouncilSupportWithdrawn
                    })
                    .to_string(),
                ));
                item.set(Some(v));
            }
            Err(e) => failed.run(e),
        }
        Ok(())
    });
    let busy = support_send.pending();
    let toggle_support = move |on: bool| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        support_send.dispatch(on);
    };
    // A ballot's answer replaces that ballot in the item as it is now.
    let ballot_changed = Callback::new(move |nb: BallotView| {
        item.update(|v| {
            if let Some(x) = v
                .as_mut()
                .and_then(|v| v.ballots.iter_mut().find(|x| x.id == nb.id))
            {
                *x = nb;
            }
        });
    });

    view! {
        <article class="council-item" data-testid="item-detail"
            data-stage=move || stage.get().map(|s| s.as_str()) data-version=move || version.get()>
            {move || facts.get().map(|(s, _, _)| view! {
                <header class="page-head">
                    <h1 data-testid="item-title" data-user-text>{s.title.clone()}</h1>
                    <div class="badges">
                        <ItemStageBadge stage=s.stage/>
                        <TierBadge tier=s.tier/>
                        {s.overdue.then(|| view! { <span class="badge badge-danger" data-testid="item-overdue">{move || i18n.t(Key::Overdue)}</span> })}
                    </div>
                    {s.tier.map(|t| view! { <p class="tier-route" data-testid="tier-route">{move || i18n.text(t.route_text())}</p> })}
                </header>
            })}
            <FormError error testid="item-error"/>
            {move || facts.get().map(|(s, description, raised_by_name)| view! {
                <section class="card item-facts">
                    {(!description.is_empty()).then(|| view! { <p class="item-description" data-testid="item-description" data-user-text>{description.clone()}</p> })}
                    <dl class="facts">
                        <div><dt>{move || i18n.t(Key::CouncilScope)}</dt><dd data-testid="item-scope" data-user-text>{s.scope_name.clone()}</dd></div>
                        <div><dt>{move || i18n.t(Key::CouncilRaisedBy)}</dt><dd><span data-user-text>{raised_by_name}</span>" · "<When at=s.created_at/></dd></div>
                        {s.meeting_at.map(|t| {
                            let href = s.meeting_id.map(|m| format!("/council/meetings/{m}")).unwrap_or_default();
                            view! { <div><dt>{move || i18n.t(Key::CouncilMeeting)}</dt><dd><a href=href data-testid="item-meeting"><When at=t/></a></dd></div> }
                        })}
                        {s.due.map(|d| view! { <div><dt>{move || i18n.t(Key::Deadline)}</dt><dd class:is-late=s.overdue><Day day=d/></dd></div> })}
                    </dl>
                </section>
            })}
            {move || {
                let (photos, may_add) = photos.get();
                view! { <super::photos::ItemPhotos item_id=id photos may_add reload/> }
            }}

            {move || support.get().map(|p| view! {
                <section class="card support-card" aria-labelledby="support-title">
                    <h2 id="support-title">{move || i18n.t(Key::CouncilSupports)}</h2>
                    <SupportBar count=p.count threshold=p.threshold/>
                    {p.may_support.then(|| view! {
                        <button type="button" class="button support-toggle" class:button-primary=!p.supported class:button-secondary=p.supported
                            aria-pressed=p.supported.to_string() data-testid="support-toggle" disabled=move || busy.get() || p.supported
                            on:click=move |_| toggle_support(true)>
                            <span aria-hidden="true">{if p.supported { "✓ " } else { "👍 " }}</span>
                            {move || i18n.t(if p.supported { Key::ElderSupported } else { Key::CouncilSupport })}
                        </button>
                        {p.withdraw_until.map(|until| view! {
                            <crate::undo::UndoButton until label=Key::UndoWithdrawSupport testid="support-withdraw"
                                busy on_undo=Callback::new(move |_| toggle_support(false))/>
                        })}
                    })}
                </section>
            })}

            {move || decision.get().map(|d| {
                let party = d.clone();
                view! {
                    <section class="card decision-card" aria-labelledby="decision-title" data-testid="item-decision">
                        <h2 id="decision-title">{move || i18n.t(Key::CouncilDecision)}</h2>
                        <p class="decision-text" data-user-text>{d.text.clone()}</p>
                        <dl class="facts">
                            <div><dt>{move || i18n.t(Key::ResponsibleParty)}</dt><dd data-testid="decision-party">{move || party.party_name(i18n.get()).to_string()}</dd></div>
                            <div><dt>{move || i18n.t(Key::Deadline)}</dt><dd data-testid="decision-deadline"><Day day=d.deadline/></dd></div>
                            {d.case_id.map(|cid| view! {
                                <div><dt>{move || i18n.t(Key::CouncilCase)}</dt><dd>
                                    <a href=format!("/cases/{cid}") data-testid="decision-case">{d.case_number.clone().unwrap_or_else(|| format!("#{cid}"))}</a>
                                    " "{d.case_stage.map(|st| view! { <StageBadge stage=st/> })}
                                </dd></div>
                            })}
                        </dl>
                    </section>
                }
            })}
            {move || follow_up.get().map(|(grid_id, decided)| view! {
                <crate::directives::CouncilItemDirectives item_id=id grid_id decided/>
            })}
            {move || reason.get().map(|r| view! {
                <section class="card" data-testid="item-reason">
                    <h2>{move || i18n.t(Key::CouncilNotAdoptedReason)}</h2>
                    <p>{r}</p>
                </section>
            })}

            {move || has_actions.get().then(|| view! {
                <section class="card" aria-labelledby="item-actions-title">
                    <h2 id="item-actions-title">{move || i18n.t(Key::WhatNext)}</h2>
                    <div class="actions" data-testid="item-actions">
                        <For each=move || actions.get() key=|a| *a let:a>
                            <button type="button" class=if a.needs() == ItemNeeds::Nothing { "button button-primary" } else { "button button-secondary" }
                                data-testid=format!("item-action-{}", a.as_str())
                                aria-expanded=move || (a.needs() != ItemNeeds::Nothing).then(|| (open.get() == Some(a)).to_string())
                                on:click=move |_| run(a)>
                                {move || i18n.text(a.text())}
                            </button>
                        </For>
                    </div>
                    {move || open.get().map(|a| view! {
                        <ActionForm item_id=id version action=a tier=tier.get_untracked()
                            on_done=Callback::new(move |v| done.run((a, v)))
                            on_cancel=Callback::new(move |_| open.set(None))
                            on_error=failed/>
                    })}
                </section>
            })}

            <section class="card" aria-labelledby="ballots-title">
                <div class="section-head">
                    <h2 id="ballots-title">{move || i18n.t(Key::CouncilBallots)}</h2>
                    {move || may_open_ballot.get().then(|| view! {
                        <button type="button" class="button button-secondary" data-testid="ballot-new"
                            aria-expanded=move || ballot_form.get().to_string()
                            on:click=move |_| ballot_form.update(|b| *b = !*b)>{move || i18n.t(Key::CouncilOpenBallot)}</button>
                    })}
                </div>
                {move || (ballot_form.get() && may_open_ballot.get()).then(|| view! {
                    <BallotForm item_id=id
                        on_done=Callback::new(move |_| { ballot_form.set(false); notice.set(Some(i18n.t(Key::CouncilBallotOpened).to_string())); reload.run(()); })
                        on_cancel=Callback::new(move |_| ballot_form.set(false))/>
                })}
                {move || if has_ballots.get() {
                    view! {
                        <ul class="ballots">
                            // A ballot is drawn again when anything in it changed (its key is all
                            // of it); the others keep what the user was doing in them.
                            <For each=move || ballots.get() key=|b| (b.id, format!("{b:?}")) let:b>
                                <BallotCard ballot=b may_manage=may_manage.get_untracked()
                                    on_change=ballot_changed reload notice on_error=failed/>
                            </For>
                        </ul>
                    }.into_any()
                } else {
                    view! { <p class="muted" data-testid="no-ballots">{move || i18n.t(Key::CouncilNoBallots)}</p> }.into_any()
                }}
            </section>

            <section class="card" aria-labelledby="item-history-title">
                <h2 id="item-history-title">{move || i18n.t(Key::History)}</h2>
                <ol class="timeline" data-testid="item-history">
                    // An entry never changes once written: new ones are added below.
                    <For each=move || history.get() key=|e| e.id let:e>
                        <HistoryEntry e/>
                    </For>
                </ol>
            </section>
        </article>
    }
}

#[component]
fn HistoryEntry(e: shared::council::ItemEvent) -> impl IntoView {
    let i18n = use_i18n();
    let action = e.action.clone();
    view! {
        <li class="timeline-item" data-testid="item-event" data-action=e.action.clone()>
            <p><strong>{move || event_label(&action, i18n.get())}</strong>
                {e.to_stage.map(|st| view! { " → "{move || i18n.text(st.text())} })}</p>
            <p class="timeline-meta muted"><When at=e.at/>" · "{if e.actor_name.is_empty() {
                view! { <span>{move || i18n.t(Key::System)}</span> }.into_any()
            } else {
                view! { <span data-user-text>{e.actor_name.clone()}</span> }.into_any()
            }}</p>
            // The entry's facts in the reader's language (the tier, a ballot's
            // result), then what was typed.
            {e.detail.describe(i18n.get()).is_some().then(|| {
                let detail = e.detail.clone();
                view! { <p class="timeline-what" data-testid="item-event-what">{move || detail.describe(i18n.get())}</p> }
            })}
            {e.note.clone().map(|n| view! { <p class="timeline-note" data-user-text>{n}</p> })}
        </li>
    }
}

/// The form a move needs (`ItemAction::needs`): a tier, a meeting, a note or reason, or the
/// decision (text, responsible party, case category, deadline).
#[component]
fn ActionForm(
    item_id: i64,
    /// The item's version as it is now (read when sending).
    version: Memo<i64>,
    action: ItemAction,
    tier: Option<Tier>,
    on_done: Callback<ItemView>,
    on_cancel: Callback<()>,
    on_error: Callback<ApiError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let needs = action.needs();
    let chosen_tier = RwSignal::new(None::<Tier>);
    let meeting = RwSignal::new(None::<i64>);
    let note = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let party = RwSignal::new(None::<i64>);
    let category = RwSignal::new(None::<i64>);
    let deadline = RwSignal::new(String::new());
    // Someone else's change (409) is the item page's to show; other refusals are this form's.
    let send = Submit::new(move |m: MoveItem| async move {
        match api::move_item(item_id, &m).await {
            Ok(v) => on_done.run(v),
            Err(e) if e.status() == Some(409) => on_error.run(e),
            Err(e) => return Err(e),
        }
        Ok(())
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    super::clear_on_change(chosen_tier, errors, &["tier"]);
    super::clear_on_change(meeting, errors, &["meeting_id"]);
    super::clear_on_change(note, errors, &["note"]);
    super::clear_on_change(text, errors, &["decision.text", "decision"]);
    super::clear_on_change(party, errors, &["decision.responsible_party_id"]);
    super::clear_on_change(category, errors, &["decision.category_id"]);
    super::clear_on_change(deadline, errors, &["decision.deadline"]);
    let meetings = LocalResource::new(move || async move {
        if needs == ItemNeeds::Meeting {
            api::council_meetings(true).await.ok()
        } else {
            None
        }
    });
    let meta = LocalResource::new(move || async move {
        if needs == ItemNeeds::Decision {
            api::case_meta().await.ok()
        } else {
            None
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let n = note.get_untracked().trim().to_string();
        let decision = (needs == ItemNeeds::Decision).then(|| Decision {
            text: text.get_untracked().trim().to_string(),
            responsible_party_id: party.get_untracked().unwrap_or(0),
            category_id: category.get_untracked().unwrap_or(0),
            deadline: parse_day(&deadline.get_untracked()).unwrap_or(time::Date::MIN),
        });
        let m = MoveItem {
            action,
            version: version.get_untracked(),
            tier: chosen_tier.get_untracked(),
            meeting_id: meeting.get_untracked(),
            note: (!n.is_empty()).then_some(n),
            decision,
        };
        let mut local = match m.validate(today()) {
            Ok(_) => Vec::new(),
            Err(e) => field_errors(e),
        };
        if needs == ItemNeeds::Decision {
            let mut missing = Vec::new();
            if party.get_untracked().is_none() {
                missing.push("decision.responsible_party_id");
            }
            if category.get_untracked().is_none() {
                missing.push("decision.category_id");
            }
            if parse_day(&deadline.get_untracked()).is_none() {
                local.retain(|e| e.field != "decision.deadline");
                missing.push("decision.deadline");
            }
            for f in missing {
                local.push(FieldError {
                    field: f.into(),
                    code: shared::error::FieldErrorCode::Required,
                    message: String::new(),
                });
            }
        }
        if !local.is_empty() {
            errors.set(local);
            crate::ui::focus_first_invalid();
            return;
        }
        send.dispatch(m);
    };
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    let lang = move || i18n.get();

    view! {
        <form class="card move-dialog" on:submit=submit novalidate data-testid="action-form" data-action=action.as_str()>
            <h3>{move || i18n.text(action.text())}</h3>
            <FormError error fields=errors testid="action-form-error"/>
            {(needs == ItemNeeds::Tier).then(|| view! {
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::CouncilTier)}</legend>
                    <div class="choices choices-stacked">
                        {Tier::ALL.into_iter().map(|t| view! {
                            <label class="choice tier-choice">
                                <input type="radio" name="tier" data-testid=format!("tier-{}", t.as_str()) aria-invalid=invalid("tier")
                                    prop:checked=move || chosen_tier.get() == Some(t) on:change=move |_| chosen_tier.set(Some(t))/>
                                <span><strong>{move || i18n.text(t.text())}</strong>" — "{move || i18n.text(t.route_text())}</span>
                            </label>
                        }).collect_view()}
                    </div>
                    <FieldErrorList errors field="tier" id="tier-error".to_string()/>
                </fieldset>
            })}
            {(needs == ItemNeeds::Meeting).then(|| view! {
                <div class="field">
                    <label for="action-meeting">{move || i18n.t(Key::CouncilMeeting)}</label>
                    <select id="action-meeting" data-testid="action-meeting" aria-invalid=invalid("meeting_id")
                        on:change=move |ev| meeting.set(event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t(Key::ChooseOne)}</option>
                        {move || meetings.get().flatten().unwrap_or_default().into_iter()
                            .filter(|m| meeting_fits(tier, m.kind))
                            .map(|m| view! {
                                <option value=m.id.to_string()>{format!("{} · {} · {} · {}", format_moment(m.starts_at), m.title, m.venue, m.scope_name)}</option>
                            }).collect_view()}
                    </select>
                    <p class="hint">{move || i18n.t(Key::CouncilMeetingHint)}</p>
                    <FieldErrorList errors field="meeting_id" id="meeting-error".to_string()/>
                </div>
            })}
            {(needs == ItemNeeds::Decision).then(|| view! {
                <div class="field">
                    <label for="decision-text">{move || i18n.t(Key::CouncilDecisionText)}</label>
                    <textarea id="decision-text" rows="3" maxlength="2000" data-testid="decision-text" aria-invalid=invalid("decision.text") bind:value=text></textarea>
                    <FieldErrorList errors field="decision.text" id="decision-text-error".to_string()/>
                </div>
                <div class="field">
                    <label for="decision-party">{move || i18n.t(Key::ResponsibleParty)}</label>
                    <select id="decision-party" data-testid="decision-party-select" aria-invalid=invalid("decision.responsible_party_id")
                        on:change=move |ev| party.set(event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t(Key::ChooseOne)}</option>
                        {move || meta.get().flatten().map(|m| m.parties.into_iter().filter(|p| p.active).map(|p| {
                            let name = if lang() == Lang::En { p.name_en.clone() } else { p.name_zh.clone() };
                            view! { <option value=p.id.to_string()>{name}</option> }
                        }).collect_view())}
                    </select>
                    <FieldErrorList errors field="decision.responsible_party_id" id="decision-party-error".to_string()/>
                </div>
                <div class="field">
                    <label for="decision-category">{move || i18n.t(Key::Category)}</label>
                    <select id="decision-category" data-testid="decision-category" aria-invalid=invalid("decision.category_id")
                        on:change=move |ev| category.set(event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t(Key::ChooseOne)}</option>
                        {move || meta.get().flatten().map(|m| {
                            let lang = lang();
                            m.categories.iter().filter(|c| c.parent_id.is_some() && c.active).map(|c| {
                                let label = category_label(Some(&m), c.id, lang);
                                view! { <option value=c.id.to_string()>{label}</option> }
                            }).collect_view()
                        })}
                    </select>
                    <FieldErrorList errors field="decision.category_id" id="decision-category-error".to_string()/>
                </div>
                <div class="field">
                    <label for="decision-deadline">{move || i18n.t(Key::Deadline)}</label>
                    <input id="decision-deadline" type="date" data-testid="decision-deadline-input" aria-invalid=invalid("decision.deadline")
                        min=format_day(today()) bind:value=deadline/>
                    <FieldErrorList errors field="decision.deadline" id="decision-deadline-error".to_string()/>
                </div>
            })}
            {matches!(needs, ItemNeeds::Note | ItemNeeds::Reason | ItemNeeds::Tier | ItemNeeds::Meeting | ItemNeeds::Decision).then(|| {
                let required = matches!(needs, ItemNeeds::Note | ItemNeeds::Reason);
                view! {
                    <div class="field">
                        <label for="action-note">
                            {move || i18n.t(match needs { ItemNeeds::Reason => Key::CouncilNotAdoptedReason, ItemNeeds::Note => Key::CouncilRoundNote, _ => Key::Note })}
                            {(!required).then(|| view! { <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span> })}
                        </label>
                        <textarea id="action-note" rows="3" maxlength="4000" data-testid="action-note" aria-invalid=invalid("note") bind:value=note></textarea>
                        <FieldErrorList errors field="note" id="action-note-error".to_string()/>
                    </div>
                }
            })}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="action-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Sending).to_string() } else { i18n.text(action.text()).to_string() }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

fn quorum_text(q: Quorum, i18n: crate::i18n::I18n) -> String {
    match q {
        Quorum::None => i18n.t(Key::CouncilQuorumNone).to_string(),
        Quorum::MoreThanHalf => i18n.t(Key::CouncilQuorumHalf).to_string(),
        Quorum::AtLeastPercent { percent } => {
            i18n.fmt(Key::CouncilQuorumPercent, &[("n", &percent.to_string())])
        }
    }
}

fn pass_key(p: PassRule) -> Key {
    match p {
        PassRule::MajorityOfCast => Key::CouncilPassCast,
        PassRule::MajorityOfEligible => Key::CouncilPassEligible,
        PassRule::TwoThirdsOfCast => Key::CouncilPassTwoThirds,
    }
}

fn answer_text(a: &Answer, kind: &BallotKind, lang: Lang) -> String {
    match (a, kind) {
        (Answer::Decision { choice }, _) => choice.text().get(lang).to_string(),
        (Answer::Poll { options: picks }, BallotKind::Poll { options, .. }) => picks
            .iter()
            .filter_map(|i| options.get(usize::from(*i)).cloned())
            .collect::<Vec<_>>()
            .join("、"),
        _ => String::new(),
    }
}

/// One ballot: the question, its rules, the vote buttons for those who may vote, the user's
/// own answer, the results when visible, and closing for those who manage.
#[component]
pub(crate) fn BallotCard(
    ballot: BallotView,
    may_manage: bool,
    on_change: Callback<BallotView>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
    on_error: Callback<ApiError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let b = ballot;
    let bid = b.id;
    let rules = b.rules;
    let kind = b.kind.clone();
    let confirming = RwSignal::new(None::<Answer>);
    let picks = RwSignal::new(Vec::<u16>::new());
    let cast = Submit::new(move |answer: Answer| async move {
        let r = api::cast_vote(
            bid,
            &CastVote {
                answer,
                resident_id: None,
            },
        )
        .await;
        match r {
            Ok(v) => {
                notice.set(Some(i18n.t(Key::CouncilVoted).to_string()));
                on_change.run(v);
            }
            Err(e) if e.status() == Some(409) => {
                notice.set(Some(e.message(i18n.lang.get_untracked())));
                reload.run(());
            }
            Err(e) => return Err(e),
        }
        Ok(())
    });
    let (error, busy) = (cast.error, cast.pending());
    let vote = move |answer: Answer| {
        if busy.get_untracked() {
            return;
        }
        // An anonymous vote is final: ask first.
        if rules.anonymous && confirming.get_untracked().as_ref() != Some(&answer) {
            confirming.set(Some(answer));
            return;
        }
        confirming.set(None);
        cast.dispatch(answer);
    };
    let close_ballot = Submit::new(move |()| async move {
        match api::close_ballot(bid).await {
            Ok(_) => {
                notice.set(Some(i18n.t(Key::CouncilBallotClosedNotice).to_string()));
                reload.run(());
            }
            Err(e) => on_error.run(e),
        }
        Ok(())
    });
    let close = move |_| close_ballot.dispatch(());
    // Taking one's vote back (撤回) while the rule allows.
    let withdraw = Submit::new(move |()| async move {
        match api::withdraw_vote(bid).await {
            Ok(v) => {
                notice.set(Some(i18n.t(Key::UndoVoteWithdrawn).to_string()));
                on_change.run(v);
            }
            Err(e) if e.status() == Some(409) => {
                notice.set(Some(e.message(i18n.lang.get_untracked())));
                reload.run(());
            }
            Err(e) => return Err(e),
        }
        Ok(())
    });
    let withdraw_error = withdraw.error;
    let withdrawing = withdraw.pending();
    let withdraw_until = b.withdraw_until;
    let my = b.my_answer.clone();
    let my_choice = match &my {
        Some(Answer::Decision { choice }) => Some(*choice),
        _ => None,
    };
    let kind_for_my = kind.clone();
    let kind_for_confirm = kind.clone();
    let state = b.state;

    view! {
        <li class="ballot card" data-testid="ballot" data-state=match state { BallotState::Open => "open", BallotState::Closed => "closed", BallotState::NotYetOpen => "pending" }>
            <div class="ballot-head">
                <h3 class="ballot-question" data-testid="ballot-question">{b.question.clone()}</h3>
                <span class="badge" data-testid="ballot-state">{move || i18n.t(ballot_state_key(state))}</span>
            </div>
            <p class="ballot-rules muted">
                {move || {
                    let mut parts = vec![
                        i18n.fmt(Key::CouncilClosesAt, &[("t", &format_moment(b.closes_at))]),
                        quorum_text(rules.quorum, i18n),
                    ];
                    if matches!(kind_for_confirm, BallotKind::Decision) { parts.push(i18n.t(pass_key(rules.pass)).to_string()); }
                    if rules.per_household { parts.push(i18n.t(Key::CouncilPerHousehold).to_string()); }
                    if rules.hidden_until_close { parts.push(i18n.t(Key::CouncilHiddenUntilClose).to_string()); }
                    if rules.anonymous { parts.push(i18n.t(Key::CouncilAnonymous).to_string()); }
                    if !rules.proxy_allowed { parts.push(i18n.t(Key::CouncilNoProxy).to_string()); }
                    parts.join(" · ")
                }}
            </p>
            <FormError error testid="vote-error"/>
            {(rules.anonymous && b.may_vote && !b.i_voted).then(|| view! {
                <p class="alert alert-info" data-testid="anonymous-warning">{move || i18n.t(Key::CouncilAnonymousWarning)}</p>
            })}
            {b.may_vote.then(|| match kind.clone() {
                BallotKind::Decision => view! {
                    <div class="vote-buttons" role="group" aria-label=move || i18n.t(Key::CouncilYourVote)>
                        {Choice::ALL.into_iter().map(|c| view! {
                            <button type="button" class=format!("button vote-button vote-{}", c.as_str())
                                aria-pressed=(my_choice == Some(c)).to_string()
                                data-testid=format!("vote-{}", c.as_str()) disabled=move || busy.get()
                                on:click=move |_| vote(Answer::Decision { choice: c })>
                                {move || i18n.text(c.text())}
                            </button>
                        }).collect_view()}
                    </div>
                }.into_any(),
                BallotKind::Poll { options, max_choices } => view! {
                    <fieldset class="field poll">
                        <legend>{move || i18n.fmt(Key::CouncilPickUpTo, &[("n", &max_choices.to_string())])}</legend>
                        <div class="choices choices-stacked">
                            {options.into_iter().enumerate().map(|(i, o)| {
                                let i = i as u16;
                                view! {
                                    <label class="choice">
                                        <input type="checkbox" data-testid=format!("poll-option-{i}")
                                            prop:checked=move || picks.with(|p| p.contains(&i))
                                            disabled=move || picks.with(|p| !p.contains(&i) && p.len() >= usize::from(max_choices))
                                            on:change=move |_| picks.update(|p| if let Some(x) = p.iter().position(|x| *x == i) { p.remove(x); } else { p.push(i); })/>
                                        {o}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <button type="button" class="button button-primary" data-testid="poll-submit"
                            disabled=move || busy.get() || picks.with(Vec::is_empty)
                            on:click=move |_| vote(Answer::Poll { options: picks.get_untracked() })>{move || i18n.t(Key::CouncilCastVote)}</button>
                    </fieldset>
                }.into_any(),
            })}
            {move || confirming.get().map(|a| {
                let label = answer_text(&a, &kind_for_my, i18n.get());
                let a2 = a.clone();
                view! {
                    <crate::ui::Dialog labelledby="vote-confirm-question" alert=true testid="vote-confirm" on_close=Callback::new(move |_| confirming.set(None))>
                        <div class="card confirm">
                            <h2 id="vote-confirm-question" class="confirm-question">{i18n.fmt(Key::CouncilConfirmAnonymous, &[("choice", &label)])}</h2>
                            <div class="actions">
                                <button type="button" class="button button-primary" data-testid="vote-confirm-yes" on:click=move |_| vote(a2.clone())>{i18n.t(Key::CouncilConfirmVote)}</button>
                                <button type="button" class="button button-quiet" on:click=move |_| confirming.set(None)>{i18n.t(Key::Cancel)}</button>
                            </div>
                        </div>
                    </crate::ui::Dialog>
                }
            })}
            {b.voted_by_proxy.then(|| view! {
                <p class="alert alert-info" data-testid="voted-by-proxy">{move || i18n.t(Key::ProxyVotedForYou)}</p>
            })}
            <FormError error=withdraw_error testid="vote-withdraw-error"/>
            {withdraw_until.map(|until| view! {
                <crate::undo::UndoButton until label=Key::UndoWithdrawVote testid="vote-withdraw"
                    busy=withdrawing on_undo=Callback::new(move |_| withdraw.dispatch(()))/>
            })}
            {match (&my, b.i_voted) {
                (Some(a), _) => {
                    let kind = b.kind.clone();
                    let a = a.clone();
                    view! { <p class="my-vote" data-testid="my-vote">{move || i18n.fmt(Key::CouncilMyVote, &[("choice", &answer_text(&a, &kind, i18n.get()))])}</p> }.into_any()
                }
                (None, true) => view! { <p class="my-vote" data-testid="my-vote">{move || i18n.t(Key::CouncilVotedAnonymously)}</p> }.into_any(),
                _ => ().into_any(),
            }}
            {match (b.counts.clone(), b.outcome.clone()) {
                (Some(c), o) => {
                    let kind = b.kind.clone();
                    view! {
                        <div class="ballot-results" data-testid="ballot-results">
                            <h4>{move || i18n.t(Key::CouncilResults)}</h4>
                            <dl class="result-counts">
                                {match kind {
                                    BallotKind::Decision => Choice::ALL.into_iter().map(|ch| {
                                        let n = match ch { Choice::Agree => c.agree, Choice::Disagree => c.disagree, Choice::Abstain => c.abstain };
                                        view! { <div><dt>{move || i18n.text(ch.text())}</dt><dd data-testid=format!("count-{}", ch.as_str())>{n}</dd></div> }
                                    }).collect_view().into_any(),
                                    BallotKind::Poll { options, .. } => options.into_iter().enumerate().map(|(i, o)| {
                                        let n = c.options.get(i).copied().unwrap_or(0);
                                        view! { <div><dt>{o}</dt><dd data-testid=format!("count-o{i}")>{n}</dd></div> }
                                    }).collect_view().into_any(),
                                }}
                            </dl>
                            {o.map(|o| {
                                // Without a quorum there is nothing to say about one.
                                let quorum = rules.quorum.verdict(&o);
                                view! {
                                <p class="outcome" data-testid="ballot-outcome">
                                    {move || i18n.fmt(Key::CouncilTurnout, &[("n", &o.turnout.to_string()), ("of", &o.eligible.to_string())])}
                                    {quorum.map(|met| view! {
                                        " · "<span data-testid="ballot-quorum">{move || i18n.t(if met { Key::CouncilQuorumMet } else { Key::CouncilQuorumNotMet })}</span>
                                    })}
                                    {o.passed.map(|p| view! {
                                        " · "<strong class=if p { "passed" } else { "failed" } data-testid="ballot-passed">{move || i18n.t(if p { Key::CouncilPassed } else { Key::CouncilNotPassed })}</strong>
                                    })}
                                </p>
                            }})}
                        </div>
                    }.into_any()
                }
                (None, _) => (state != BallotState::Closed).then(|| view! {
                    <p class="muted" data-testid="results-hidden">{move || i18n.t(Key::CouncilResultsHidden)}</p>
                }).into_any(),
            }}
            {(may_manage && state != BallotState::Closed).then(|| view! {
                <div class="actions"><button type="button" class="button button-secondary" data-testid="ballot-close" on:click=close>{move || i18n.t(Key::CouncilCloseBallot)}</button></div>
            })}
        </li>
    }
}

/// Open a ballot: a decision or a poll, its rules and its closing time.
#[component]
fn BallotForm(item_id: i64, on_done: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let question = RwSignal::new(String::new());
    let poll = RwSignal::new(false);
    let options = RwSignal::new(String::new());
    let max_choices = RwSignal::new("1".to_string());
    let quorum = RwSignal::new("more_than_half".to_string());
    let percent = RwSignal::new("30".to_string());
    let pass = RwSignal::new(PassRule::MajorityOfCast);
    let per_household = RwSignal::new(false);
    let hidden = RwSignal::new(false);
    let anonymous = RwSignal::new(false);
    // The council rules' default (`shared::council::proxy_votes_by_default`).
    let proxy_allowed = RwSignal::new(shared::council::proxy_votes_by_default());
    let closes = RwSignal::new(format_local_input(
        crate::clock::now() + time::Duration::days(3),
    ));
    let send = Submit::new(move |input: CreateBallot| async move {
        api::open_ballot(item_id, &input).await?;
        on_done.run(());
        Ok(())
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    super::clear_on_change(question, errors, &["question"]);
    super::clear_on_change(options, errors, &["options", "max_choices"]);
    super::clear_on_change(max_choices, errors, &["max_choices"]);
    super::clear_on_change(percent, errors, &["rules.quorum"]);
    super::clear_on_change(closes, errors, &["closes_at"]);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let kind = if poll.get_untracked() {
            BallotKind::Poll {
                options: options
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                max_choices: max_choices.get_untracked().trim().parse().unwrap_or(0),
            }
        } else {
            BallotKind::Decision
        };
        let q = match quorum.get_untracked().as_str() {
            "none" => Quorum::None,
            "percent" => Quorum::AtLeastPercent {
                percent: percent.get_untracked().trim().parse().unwrap_or(0),
            },
            _ => Quorum::MoreThanHalf,
        };
        let now = crate::clock::now();
        let Some(closes_at) = parse_local_input(&closes.get_untracked()) else {
            errors.set(vec![FieldError {
                field: "closes_at".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            }]);
            return;
        };
        let input = CreateBallot {
            question: question.get_untracked(),
            kind,
            rules: BallotRules {
                quorum: q,
                pass: if poll.get_untracked() {
                    PassRule::MajorityOfCast
                } else {
                    pass.get_untracked()
                },
                per_household: per_household.get_untracked(),
                hidden_until_close: hidden.get_untracked(),
                anonymous: anonymous.get_untracked(),
                proxy_allowed: proxy_allowed.get_untracked(),
            },
            opens_at: now - time::Duration::seconds(5),
            closes_at,
        };
        if let Err(e) = input.validate() {
            errors.set(field_errors(e));
            crate::ui::focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    let check = move |sig: RwSignal<bool>, key: Key, testid: &'static str| {
        view! {
            <label class="choice">
                <input type="checkbox" data-testid=testid prop:checked=move || sig.get() on:change=move |ev| sig.set(event_target_checked(&ev))/>
                {move || i18n.t(key)}
            </label>
        }
    };
    view! {
        <form class="card move-dialog ballot-form" on:submit=submit novalidate data-testid="ballot-form">
            <h3>{move || i18n.t(Key::CouncilOpenBallot)}</h3>
            <FormError error fields=errors testid="ballot-form-error"/>
            <div class="field">
                <label for="ballot-question">{move || i18n.t(Key::CouncilQuestion)}</label>
                <input id="ballot-question" type="text" maxlength="200" data-testid="ballot-question-input" aria-invalid=invalid("question") bind:value=question/>
                <FieldErrorList errors field="question" id="ballot-question-error".to_string()/>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::CouncilBallotKind)}</legend>
                <div class="choices">
                    <label class="choice"><input type="radio" name="ballot-kind" data-testid="ballot-kind-decision" prop:checked=move || !poll.get() on:change=move |_| poll.set(false)/>{move || i18n.t(Key::CouncilKindDecision)}</label>
                    <label class="choice"><input type="radio" name="ballot-kind" data-testid="ballot-kind-poll" prop:checked=move || poll.get() on:change=move |_| poll.set(true)/>{move || i18n.t(Key::CouncilKindPoll)}</label>
                </div>
            </fieldset>
            <Show when=move || poll.get()>
                <div class="field">
                    <label for="ballot-options">{move || i18n.t(Key::CouncilPollOptions)}</label>
                    <p class="hint">{move || i18n.t(Key::CouncilPollOptionsHint)}</p>
                    <textarea id="ballot-options" rows="4" data-testid="ballot-options" aria-invalid=invalid("options") bind:value=options></textarea>
                    <FieldErrorList errors field="options" id="ballot-options-error".to_string()/>
                </div>
                <div class="field">
                    <label for="ballot-max">{move || i18n.t(Key::CouncilMaxChoices)}</label>
                    <input id="ballot-max" type="text" inputmode="numeric" data-testid="ballot-max" aria-invalid=invalid("max_choices") bind:value=max_choices/>
                    <FieldErrorList errors field="max_choices" id="ballot-max-error".to_string()/>
                </div>
            </Show>
            <div class="form-grid">
                <div class="field">
                    <label for="ballot-quorum">{move || i18n.t(Key::CouncilQuorum)}</label>
                    <select id="ballot-quorum" data-testid="ballot-quorum" on:change=move |ev| quorum.set(event_target_value(&ev))>
                        <option value="more_than_half" selected=move || quorum.get() == "more_than_half">{move || i18n.t(Key::CouncilQuorumHalf)}</option>
                        <option value="percent" selected=move || quorum.get() == "percent">{move || i18n.t(Key::CouncilQuorumSomePercent)}</option>
                        <option value="none" selected=move || quorum.get() == "none">{move || i18n.t(Key::CouncilQuorumNone)}</option>
                    </select>
                </div>
                <Show when=move || quorum.get() == "percent">
                    <div class="field">
                        <label for="ballot-percent">{move || i18n.t(Key::CouncilQuorumPercentLabel)}</label>
                        <input id="ballot-percent" type="text" inputmode="numeric" data-testid="ballot-percent" aria-invalid=invalid("rules.quorum") bind:value=percent/>
                        <FieldErrorList errors field="rules.quorum" id="ballot-percent-error".to_string()/>
                    </div>
                </Show>
                <Show when=move || !poll.get()>
                    <div class="field">
                        <label for="ballot-pass">{move || i18n.t(Key::CouncilPassRule)}</label>
                        <select id="ballot-pass" data-testid="ballot-pass" on:change=move |ev| pass.set(match event_target_value(&ev).as_str() {
                            "majority_of_eligible" => PassRule::MajorityOfEligible,
                            "two_thirds_of_cast" => PassRule::TwoThirdsOfCast,
                            _ => PassRule::MajorityOfCast,
                        })>
                            {[PassRule::MajorityOfCast, PassRule::MajorityOfEligible, PassRule::TwoThirdsOfCast].into_iter().map(|p| {
                                let v = match p { PassRule::MajorityOfCast => "majority_of_cast", PassRule::MajorityOfEligible => "majority_of_eligible", PassRule::TwoThirdsOfCast => "two_thirds_of_cast" };
                                view! { <option value=v selected=move || pass.get() == p>{move || i18n.t(pass_key(p))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <div class="field">
                    <label for="ballot-closes">{move || i18n.t(Key::CouncilClosesAtLabel)}</label>
                    <input id="ballot-closes" type="datetime-local" data-testid="ballot-closes" aria-invalid=invalid("closes_at") bind:value=closes/>
                    <FieldErrorList errors field="closes_at" id="ballot-closes-error".to_string()/>
                </div>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::CouncilBallotRules)}</legend>
                <div class="choices choices-stacked">
                    {check(hidden, Key::CouncilHiddenUntilClose, "ballot-hidden")}
                    {check(anonymous, Key::CouncilAnonymous, "ballot-anonymous")}
                    {check(per_household, Key::CouncilPerHousehold, "ballot-household")}
                    {check(proxy_allowed, Key::CouncilProxyAllowed, "ballot-proxy")}
                </div>
            </fieldset>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="ballot-submit" disabled=move || busy.get()>{move || i18n.t(Key::CouncilOpenBallot)}</button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

/// Comments under an item: the list (hidden ones keep their place with the reason), the form,
/// and hiding with a reason for those who manage the item.
#[component]
fn Comments(item_id: i64, may_manage: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let error = RwSignal::new(None::<ApiError>);
    let hiding = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    // Posting and hiding report to the one error line above the list.
    let post = Submit::reporting_to(error, errors, move |input: NewComment| async move {
        api::add_item_comment(item_id, &input).await?;
        body.set(String::new());
        Ok(())
    });
    let hide_one = Submit::reporting_to(error, errors, move |(cid, r): (i64, String)| async move {
        api::hide_item_comment(cid, &HideComment { reason: r }).await?;
        hiding.set(None);
        reason.set(String::new());
        Ok(())
    });
    // The list is read again after each post or hide.
    let list = LocalResource::new(move || {
        post.version().track();
        hide_one.version().track();
        api::item_comments(item_id)
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = NewComment {
            body: body.get_untracked(),
        };
        if let Err(e) = input.validate() {
            errors.set(field_errors(e));
            return;
        }
        post.dispatch(input);
    };
    let hide = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(cid) = hiding.get_untracked() else {
            return;
        };
        hide_one.dispatch((cid, reason.get_untracked().trim().to_string()));
    };
    view! {
        <section class="card comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{move || i18n.t(Key::CouncilComments)}</h2>
            <FormError error fields=errors testid="comment-error"/>
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(cs)) if cs.is_empty() => view! { <p class="muted" data-testid="no-comments">{i18n.t(Key::CouncilNoComments)}</p> }.into_any(),
                Some(Ok(cs)) => view! {
                    <ul class="comment-list">
                        {cs.into_iter().map(|c| {
                            let cid = c.id;
                            view! {
                                <li class="comment" class:is-hidden=c.hidden data-testid="comment">
                                    <p class="comment-meta muted"><strong data-user-text>{c.author_name.clone()}</strong>" · "<When at=c.created_at/></p>
                                    {c.hidden.then(|| view! {
                                        <p class="comment-hidden" data-testid="comment-hidden">{i18n.fmt(Key::CouncilCommentHidden, &[("reason", c.hidden_reason.as_deref().unwrap_or(""))])}</p>
                                    })}
                                    {(!c.body.is_empty()).then(|| view! { <p class="comment-body" data-testid="comment-body" data-user-text>{c.body.clone()}</p> })}
                                    {(may_manage.get() && !c.hidden).then(|| view! {
                                        {move || if hiding.get() == Some(cid) {
                                            view! {
                                                <form class="hide-form" on:submit=hide data-testid="hide-form">
                                                    <div class="field">
                                                        <label for=format!("hide-reason-{cid}")>{i18n.t(Key::CouncilHideReason)}</label>
                                                        <input id=format!("hide-reason-{cid}") type="text" maxlength=shared::council::HideComment::REASON_MAX data-testid="hide-reason" bind:value=reason/>
                                                    </div>
                                                    <div class="actions">
                                                        <button type="submit" class="button button-danger-quiet" data-testid="hide-submit">{i18n.t(Key::CouncilHide)}</button>
                                                        <button type="button" class="button button-quiet" on:click=move |_| hiding.set(None)>{i18n.t(Key::Cancel)}</button>
                                                    </div>
                                                </form>
                                            }.into_any()
                                        } else {
                                            view! { <button type="button" class="button button-quiet" data-testid="comment-hide" on:click=move |_| hiding.set(Some(cid))>{i18n.t(Key::CouncilHide)}</button> }.into_any()
                                        }}
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="comment-form" on:submit=submit novalidate data-testid="comment-form">
                <div class="field">
                    <label for="comment-body">{move || i18n.t(Key::CouncilAddComment)}</label>
                    <textarea id="comment-body" rows="3" maxlength="1000" data-testid="comment-input" aria-invalid=move || errors.with(|e| e.iter().any(|x| x.field == "body")).to_string() bind:value=body></textarea>
                    <FieldErrorList errors field="body" id="comment-body-error".to_string()/>
                </div>
                <div class="actions"><button type="submit" class="button button-primary" data-testid="comment-submit">{move || i18n.t(Key::CouncilPostComment)}</button></div>
            </form>
        </section>
    }
}
