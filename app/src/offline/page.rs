//! "待发送 / Outbox": every write kept on this device with its state — waiting, sending, sent,
//! refused with the server's reason, or in conflict with the record as the server has it now —
//! and what the user may do with it (retry, discard; apply again or drop a conflicting step).
//! Also the note a form shows when its write was kept ("已保存到待发送").

use leptos::prelude::*;
use shared::care::ErrandView;
use shared::cases::CaseView;

use super::outbox::{self, Item, Kind, State, use_outbox};
use crate::i18n::{Key, set_title, use_i18n};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::OutboxTitle), i18n.get()));
    let outbox = use_outbox();
    let online = super::use_offline().online;
    let unsent = outbox.unsent();
    let any_sent = move || outbox.items.with(|i| i.iter().any(|i| !i.unsent()));
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::OutboxTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::OutboxIntro)}</p>
        </div>
        <p class="outbox-count" data-testid="outbox-count" aria-live="polite">
            {move || i18n.fmt(Key::OutboxCount, &[("n", &unsent.get().to_string())])}
        </p>
        <div class="actions">
            <button type="button" class="button button-primary" data-testid="outbox-send-now"
                disabled=move || unsent.get() == 0 || !online.get()
                on:click=move |_| leptos::task::spawn_local(outbox::drain(true))>
                {move || i18n.t(Key::OutboxSendNow)}
            </button>
            <Show when=any_sent>
                <button type="button" class="button button-secondary" data-testid="outbox-clear-sent"
                    on:click=move |_| outbox::clear_sent(outbox.items.get_untracked())>
                    {move || i18n.t(Key::OutboxClearSent)}
                </button>
            </Show>
        </div>
        {move || {
            let items = outbox.items.get();
            if items.is_empty() {
                view! { <p class="empty card" data-testid="outbox-empty">{i18n.t(Key::OutboxEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards outbox-items" data-testid="outbox-items">
                        {items.into_iter().map(|item| view! { <li><OutboxEntry item/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

/// What an item does, in words: a case move says which move.
fn kind_text(kind: Kind) -> shared::i18n::Text {
    let key = match kind {
        Kind::Report => Key::OutboxKindReport,
        Kind::Visit => Key::OutboxKindVisit,
        Kind::ErrandStep => Key::OutboxKindErrand,
        Kind::MealDelivered => Key::OutboxKindMeal,
        Kind::PatrolStart => Key::OutboxKindPatrolStart,
        Kind::PatrolPoints => Key::OutboxKindPatrolPoints,
        Kind::PatrolEnd => Key::OutboxKindPatrolEnd,
        Kind::CaseMove(action) => return action.text(),
    };
    key.text()
}

fn state_key(state: &State) -> Key {
    match state {
        State::Waiting => Key::OutboxWaiting,
        State::Sending => Key::OutboxSending,
        State::Sent { .. } => Key::OutboxSent,
        State::Refused { .. } => Key::OutboxRefused,
        State::Conflict { .. } => Key::OutboxConflict,
    }
}

/// The record as the server has it now, in words, where the outbox knows how to read it.
fn current_state(kind: Kind, current: &serde_json::Value) -> Option<shared::i18n::Text> {
    match kind {
        Kind::ErrandStep => serde_json::from_value::<ErrandView>(current.clone())
            .ok()
            .map(|e| e.status.text()),
        Kind::CaseMove(_) => serde_json::from_value::<CaseView>(current.clone())
            .ok()
            .map(|c| c.summary.stage.text()),
        _ => None,
    }
}

#[component]
fn OutboxEntry(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let kind = item.kind;
    let state = item.state.clone();
    let photos = item.photos;
    let points = item.points;
    let label = item.label.clone();
    let detail = match &state {
        State::Refused { reason } => Some(view! {
            <p class="outbox-reason" data-testid="outbox-reason">{reason.clone()}</p>
        }.into_any()),
        State::Conflict { reason, current } => {
            let now = current_state(kind, current);
            Some(view! {
                <p class="outbox-reason" data-testid="outbox-reason">{reason.clone()}</p>
                {now.map(|t| view! {
                    <p class="outbox-current" data-testid="outbox-current">
                        {move || i18n.fmt(Key::OutboxCurrent, &[("state", i18n.text(t))])}
                    </p>
                })}
            }.into_any())
        }
        State::Sent { href: Some(href) } => Some(view! {
            <p><a href=href.clone() data-testid="outbox-result">{move || i18n.t(Key::OutboxViewResult)}</a></p>
        }.into_any()),
        _ => None,
    };
    let actions = match &state {
        State::Refused { .. } => {
            let (a, b) = (item.clone(), item.clone());
            Some(view! {
                <div class="actions">
                    <button type="button" class="button button-primary" data-testid="outbox-retry"
                        on:click=move |_| outbox::retry(a.clone())>{move || i18n.t(Key::OutboxRetry)}</button>
                    <button type="button" class="button button-quiet" data-testid="outbox-discard"
                        on:click=move |_| discard_asking(b.clone())>{move || i18n.t(Key::OutboxDiscard)}</button>
                </div>
            }.into_any())
        }
        State::Conflict { .. } => {
            let (a, b) = (item.clone(), item.clone());
            Some(view! {
                <div class="actions">
                    <button type="button" class="button button-primary" data-testid="outbox-reapply"
                        on:click=move |_| outbox::reapply(a.clone())>{move || i18n.t(Key::OutboxReapply)}</button>
                    <button type="button" class="button button-quiet" data-testid="outbox-drop"
                        on:click=move |_| discard_asking(b.clone())>{move || i18n.t(Key::OutboxDrop)}</button>
                </div>
            }.into_any())
        }
        // A batch still being gathered belongs to the patrol under way: it ends with it.
        State::Waiting if item.open => None,
        State::Waiting => {
            let b = item.clone();
            Some(view! {
                <div class="actions">
                    <button type="button" class="button button-quiet" data-testid="outbox-discard"
                        on:click=move |_| discard_asking(b.clone())>{move || i18n.t(Key::OutboxDiscard)}</button>
                </div>
            }.into_any())
        }
        _ => None,
    };
    // A patrol's batch still being gathered: not waiting yet.
    let slug = if item.open { "recording" } else { state.slug() };
    let open = item.open;
    view! {
        <article class="card outbox-item" data-testid="outbox-item" data-state=slug>
            <div class="outbox-head">
                <h2 class="outbox-title">
                    {move || i18n.text(kind_text(kind))}" · "<span data-user-text>{label.clone()}</span>
                </h2>
                <span class=format!("badge outbox-state state-{slug}") data-testid="outbox-state">
                    {move || i18n.t(if open { Key::OutboxRecording } else { state_key(&state) })}
                </span>
            </div>
            {(photos > 0).then(|| view! {
                <p class="muted">{move || i18n.fmt(Key::OutboxPhotos, &[("n", &photos.to_string())])}</p>
            })}
            {(points > 0).then(|| view! {
                <p class="muted">{move || i18n.fmt(Key::OutboxPoints, &[("n", &points.to_string())])}</p>
            })}
            {detail}
            {actions}
        </article>
    }
}

/// Discard an unsent item after the user's yes: what it holds is then lost.
fn discard_asking(item: Item) {
    let question = Key::OutboxDiscardQuestion
        .text()
        .get(crate::api::language());
    let sure = web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false);
    if sure {
        outbox::discard(item);
    }
}

/// A form's note that its write was kept on this device, with the way to the outbox.
#[component]
pub fn KeptNotice(kept: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice-slot" aria-live="polite" aria-atomic="true">
            <Show when=move || kept.get()>
                <div class="alert alert-success" role="status" data-testid="outbox-kept">
                    <p>{move || i18n.t(Key::OutboxKept)}" "<a href="/outbox">{move || i18n.t(Key::OutboxOpen)}</a></p>
                </div>
            </Show>
        </div>
    }
}
