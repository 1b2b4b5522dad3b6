//! Grid deliberation (网格议事): the agenda board, one item with its support, ballots,
//! comments and moves, deliberation days, and the public accountability page. Which moves an
//! item may make, who may support or vote and who may manage come from `shared::council` and
//! the server's views (`legal_actions`, `may_support`, `may_vote`, `may_manage`), never from here.

mod accountability;
mod board;
mod item;
mod meetings;
mod photos;

pub use accountability::AccountabilityPage;
pub use board::CouncilPage;
pub(crate) use item::BallotCard;
pub use item::ItemPage;
pub use meetings::{MeetingPage, MeetingsPage};

use leptos::prelude::*;
use shared::accounts::Principal;
use shared::council::{BallotState, ItemStage, ItemSummary, Tier, may_manage};
use shared::i18n::Lang;

use crate::i18n::{Key, use_i18n};

use shared::calendar::{format_day, format_moment};

/// May this user manage items of `grid` (staff anywhere, grid workers in their grids)?
/// The one rule is `shared::council::may_manage`; this only supplies the relation.
pub fn manages(p: &Principal, grid: Option<i64>) -> bool {
    may_manage(
        p,
        shared::council::ItemRelation {
            in_own_grid: grid.is_some_and(|g| p.grid_ids.contains(&g)),
        },
    )
}

/// Does the user manage anything at all (so forms for scheduling meetings make sense)?
pub fn manages_any(p: &Principal) -> bool {
    p.is_office() || p.grid_ids.iter().any(|g| manages(p, Some(*g)))
}

/// A field the user changes loses its old error marks.
pub fn clear_on_change<T: Send + Sync + 'static>(
    value: RwSignal<T>,
    errors: RwSignal<Vec<shared::error::FieldError>>,
    fields: &'static [&'static str],
) {
    Effect::new(move |first: Option<()>| {
        value.track();
        if first.is_some() {
            errors.update(|e| e.retain(|x| !fields.contains(&x.field.as_str())));
        }
    });
}

pub fn tier_slug(t: Tier) -> &'static str {
    t.as_str()
}

pub fn stage_slug(s: ItemStage) -> &'static str {
    s.as_str()
}

/// The name of a ballot state.
pub fn ballot_state_key(s: BallotState) -> Key {
    match s {
        BallotState::NotYetOpen => Key::CouncilBallotNotYetOpen,
        BallotState::Open => Key::CouncilBallotOpen,
        BallotState::Closed => Key::CouncilBallotClosed,
    }
}

/// The label of a history entry's action (`accept`, `raised`, `ballot_opened` …).
pub fn event_label(action: &str, lang: Lang) -> String {
    let key = match action {
        "raised" => Some(Key::CouncilEventRaised),
        "scheduled_by_support" => Some(Key::CouncilEventScheduledBySupport),
        "ballot_opened" => Some(Key::CouncilEventBallotOpened),
        "ballot_closed" => Some(Key::CouncilEventBallotClosed),
        "minutes" => Some(Key::CouncilEventMinutes),
        _ => None,
    };
    if let Some(k) = key {
        return k.text().get(lang).to_string();
    }
    shared::council::ItemAction::ALL
        .into_iter()
        .find(|a| a.as_str() == action)
        .map(|a| a.text().get(lang).to_string())
        .unwrap_or_else(|| action.to_string())
}

#[component]
pub fn ItemStageBadge(stage: ItemStage) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge item-stage item-stage-{}", stage_slug(stage)) data-testid="item-stage" data-stage=stage_slug(stage)>
            {move || i18n.text(stage.text())}
        </span>
    }
}

#[component]
pub fn TierBadge(tier: Option<Tier>) -> impl IntoView {
    let i18n = use_i18n();
    match tier {
        Some(t) => view! {
            <span class=format!("badge tier tier-{}", tier_slug(t)) data-testid="item-tier" data-tier=tier_slug(t)>{move || i18n.text(t.text())}</span>
        }
        .into_any(),
        None => view! { <span class="badge tier tier-none" data-testid="item-tier">{move || i18n.t(Key::CouncilNoTier)}</span> }.into_any(),
    }
}

/// Supports against the threshold, as a bar with the numbers in words.
#[component]
pub fn SupportBar(count: u64, threshold: u32) -> impl IntoView {
    let i18n = use_i18n();
    let max = u64::from(threshold.max(1));
    // A native progress element: no inline style (the content security policy forbids it).
    view! {
        <div class="support">
            <progress class="support-bar" max=max.to_string() value=count.min(max).to_string()
                aria-label=move || i18n.t(Key::CouncilSupports)>
            </progress>
            <span class="support-text" data-testid="support-count">
                {move || i18n.fmt(Key::CouncilSupportOf, &[("n", &count.to_string()), ("of", &threshold.to_string())])}
            </span>
        </div>
    }
}

/// One item as a card on the agenda board and in lists.
#[component]
pub fn ItemCard(item: ItemSummary) -> impl IntoView {
    let i18n = use_i18n();
    let s = item;
    // Support matters while an item gathers it, and stays shown until it is decided.
    let show_support = matches!(s.stage, ItemStage::Proposed | ItemStage::Gathering)
        || (s.stage.is_undecided() && s.support_count > 0);
    view! {
        <li class="council-card" class:is-overdue=s.overdue data-testid="council-card" data-title=s.title.clone() data-stage=stage_slug(s.stage)>
            <a class="council-card-title" href=format!("/council/items/{}", s.id) data-user-text>{s.title.clone()}</a>
            <p class="council-card-badges">
                <TierBadge tier=s.tier/>
                <span class="council-card-scope" data-user-text>{s.scope_name.clone()}</span>
            </p>
            {show_support.then(|| view! { <SupportBar count=s.support_count threshold=s.support_threshold/> })}
            <p class="council-card-meta">
                {s.ballot_state.map(|b| view! {
                    <span class=format!("badge ballot-state ballot-{}", match b { BallotState::Open => "open", BallotState::Closed => "closed", BallotState::NotYetOpen => "pending" })
                        data-testid="card-ballot">{move || i18n.t(ballot_state_key(b))}</span>
                })}
                {s.meeting_at.map(|t| view! {
                    <span data-testid="card-meeting">{move || i18n.fmt(Key::CouncilMeetingAt, &[("t", &format_moment(t))])}</span>
                })}
                {s.due.map(|d| view! {
                    <span class:is-late=s.overdue data-testid="card-due">{move || i18n.fmt(Key::CouncilDueOn, &[("d", &format_day(d))])}</span>
                })}
                {s.overdue.then(|| view! { <span class="badge badge-danger" data-testid="card-overdue">{move || i18n.t(Key::Overdue)}</span> })}
                {(s.comment_count > 0).then(|| view! {
                    <span>{move || i18n.fmt(Key::CouncilCommentCount, &[("n", &s.comment_count.to_string())])}</span>
                })}
            </p>
        </li>
    }
}

/// Sub-navigation between the council's pages.
#[component]
pub fn CouncilTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tab = move |href: &'static str, key: Key, testid: &'static str| {
        view! {
            <li><a href=href class="council-tab" data-testid=testid aria-current=(href == current).then_some("page")>{move || i18n.t(key)}</a></li>
        }
    };
    view! {
        <nav class="council-tabs" aria-label=move || i18n.t(Key::CouncilSections)>
            <ul>
                {tab("/council", Key::CouncilBoardTab, "council-tab-board")}
                {tab("/council/meetings", Key::CouncilMeetingsTab, "council-tab-meetings")}
                {tab("/council/accountability", Key::CouncilAccountabilityTab, "council-tab-accountability")}
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_history_action_has_a_label() {
        for a in shared::council::ItemAction::ALL {
            assert_ne!(event_label(a.as_str(), Lang::ZhCn), a.as_str());
        }
        assert_eq!(event_label("raised", Lang::ZhCn), "提出议题");
    }
}
