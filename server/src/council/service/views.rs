//! Reading items: the list with its summaries, and one item's full view (facts, decision,
//! supports, comments, ballots, photos).

use super::ballots::{ballot_view, outcome_of};
use super::records::{find_item, relation, stage_of, tier_of};
use super::settings::settings;
use super::voters::may_support;
use crate::accounts::residents::resident_id_of;
use crate::cases::store::{case, party};
use crate::council::store::{ballot, comment, event, item, meeting, support};
use crate::error::{AppResult, Or404};
use crate::places::store::place;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::Page;
use shared::accounts::Principal;
use shared::cases::Stage;
use shared::council::*;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// Summaries for a page of items, with the few lookups batched.
pub(super) async fn summaries(
    conn: &impl ConnectionTrait,
    me: &Principal,
    items: Vec<item::Model>,
) -> AppResult<Vec<ItemSummary>> {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let threshold = settings(conn).await?.support_threshold;
    let scope_ids: HashSet<i64> = items.iter().map(|i| i.scope_place_id).collect();
    let names: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Id.is_in(scope_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    // Support is per resident: an account sees the support its resident gave.
    let who = match resident_id_of(conn, me.user_id).await? {
        Some(resident_id) => support::Column::ResidentId.eq(resident_id),
        None => support::Column::UserId.eq(me.user_id),
    };
    let mine: HashMap<i64, support::Model> = support::Entity::find()
        .filter(support::Column::ItemId.is_in(ids.clone()))
        .filter(who)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.item_id, s))
        .collect();
    let now = crate::clock::now();
    let mut ballots: HashMap<i64, BallotState> = HashMap::new();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.is_in(ids.clone()))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?
    {
        ballots.insert(
            b.item_id,
            ballot_state(now, b.opens_at, b.closes_at, b.frozen),
        );
    }
    let meeting_ids: HashSet<i64> = items.iter().filter_map(|i| i.meeting_id).collect();
    let meetings: HashMap<i64, OffsetDateTime> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m.starts_at))
        .collect();
    let comments: HashMap<i64, i64> = comment::Entity::find()
        .select_only()
        .column(comment::Column::ItemId)
        .column_as(comment::Column::Id.count(), "n")
        .filter(comment::Column::ItemId.is_in(ids))
        .group_by(comment::Column::ItemId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let today = crate::clock::today();
    Ok(items
        .into_iter()
        .map(|i| {
            let stage = stage_of(&i);
            let due = if stage.is_accountable() {
                i.decision_deadline
            } else {
                i.due
            };
            let overdue = match (stage, due) {
                (s, Some(d)) if s.is_undecided() => today > d,
                (s, Some(d)) => decision_overdue(s, d, today),
                _ => false,
            };
            ItemSummary {
                id: i.id,
                title: i.title,
                stage,
                tier: i.tier.as_deref().and_then(Tier::parse),
                scope_place_id: i.scope_place_id,
                scope_name: names.get(&i.scope_place_id).cloned().unwrap_or_default(),
                grid_id: i.grid_id,
                support_count: i.support_count.max(0) as u64,
                support_threshold: threshold,
                supported: mine.contains_key(&i.id),
                support_withdraw_until: mine.get(&i.id).and_then(|s| {
                    support_withdraw_until(stage, s.proxy_action_id.is_none(), s.created_at, now)
                }),
                ballot_state: ballots.get(&i.id).copied(),
                meeting_id: i.meeting_id,
                meeting_at: i.meeting_id.and_then(|m| meetings.get(&m).copied()),
                due,
                overdue,
                case_id: i.case_id,
                comment_count: comments.get(&i.id).copied().unwrap_or(0).max(0) as u64,
                version: i.version,
                created_at: i.created_at,
            }
        })
        .collect())
}

pub struct ItemFilter {
    pub stage: Option<ItemStage>,
    pub scope_place_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub mine: bool,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// Items are public deliberation: every signed-in user sees them.
pub async fn list_items(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: ItemFilter,
) -> AppResult<Page<ItemSummary>> {
    let (offset, limit) = shared::clamp_paging(f.offset, f.limit);
    let mut q = item::Entity::find();
    if let Some(s) = f.stage {
        q = q.filter(item::Column::Stage.eq(s.as_str()));
    }
    if let Some(p) = f.scope_place_id {
        q = q.filter(item::Column::ScopePlaceId.eq(p));
    }
    if let Some(g) = f.grid_id {
        q = q.filter(item::Column::GridId.eq(g));
    }
    if f.mine {
        q = q.filter(item::Column::RaisedBy.eq(me.user_id));
    }
    let total = q.clone().count(conn).await?;
    let items = q
        .order_by_desc(item::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(Page {
        items: summaries(conn, me, items).await?,
        total,
        offset,
        limit,
    })
}

pub(super) async fn facts(conn: &impl ConnectionTrait, m: &item::Model) -> AppResult<ItemFacts> {
    let now = crate::clock::now();
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?;
    let ballot_open = ballots
        .iter()
        .any(|b| ballot_state(now, b.opens_at, b.closes_at, b.frozen) != BallotState::Closed);
    let mut last_ballot_passed = None;
    for b in ballots.iter().rev() {
        if let Some(o) = outcome_of(conn, b).await?.and_then(|o| o.passed) {
            last_ballot_passed = Some(o);
            break;
        }
    }
    let case_closed = match m.case_id {
        Some(c) => Some(
            case::Entity::find_by_id(c)
                .one(conn)
                .await?
                .is_none_or(|c| c.stage == crate::cases::service::name_of(Stage::Closed)),
        ),
        None => None,
    };
    Ok(ItemFacts {
        stage: stage_of(m),
        tier: tier_of(m),
        ballot_open,
        last_ballot_passed,
        case_closed,
    })
}

pub(super) async fn decision_of(
    conn: &impl ConnectionTrait,
    m: &item::Model,
) -> AppResult<Option<DecisionView>> {
    let (Some(text), Some(party_id), Some(deadline)) =
        (m.decision_text.clone(), m.party_id, m.decision_deadline)
    else {
        return Ok(None);
    };
    let (party, party_en) = party::Entity::find_by_id(party_id)
        .one(conn)
        .await?
        .map(|p| (p.name_zh, p.name_en))
        .unwrap_or_default();
    let c = match m.case_id {
        Some(id) => case::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(Some(DecisionView {
        text,
        responsible_party_id: party_id,
        responsible_party: party,
        responsible_party_en: party_en,
        deadline,
        case_id: m.case_id,
        case_number: c.as_ref().map(|c| c.number.clone()),
        case_stage: c.as_ref().map(crate::cases::service::stage_of),
    }))
}

pub async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: item::Model,
) -> AppResult<ItemView> {
    let f = facts(conn, &m).await?;
    let rel = relation(me, m.grid_id);
    let history = event::Entity::find()
        .filter(event::Column::ItemId.eq(m.id))
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter(|e| !SUPPORT_ACTIONS.contains(&e.action.as_str()))
        .map(|e| ItemEvent {
            id: e.id,
            at: e.at,
            actor_name: e.actor_name,
            action: e.action,
            from_stage: e.from_stage.as_deref().and_then(ItemStage::parse),
            to_stage: e.to_stage.as_deref().and_then(ItemStage::parse),
            detail: e
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default(),
            note: e.note,
            meeting_id: e.meeting_id,
        })
        .collect();
    let mut ballots = Vec::new();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?
    {
        ballots.push(ballot_view(conn, me, &m, b).await?);
    }
    let may_support = f.stage == ItemStage::Gathering && may_support(conn, me, &m).await?;
    let decision = decision_of(conn, &m).await?;
    let photos = crate::council::photos::of_item(conn, m.id).await?;
    let may_add_photo = crate::council::photos::may_add(me, &m);
    let description = m.description.clone();
    let (category_id, lon, lat, raised_by_name, reason) = (
        m.category_id,
        m.lon,
        m.lat,
        m.raised_by_name.clone(),
        m.reason.clone(),
    );
    let summary = summaries(conn, me, vec![m]).await?.pop().or_404()?;
    Ok(ItemView {
        summary,
        description,
        category_id,
        lon,
        lat,
        raised_by_name,
        decision,
        reason,
        history,
        ballots,
        legal_actions: legal_item_actions(f, me, rel),
        may_support,
        may_manage: may_manage(me, rel),
        photos,
        may_add_photo,
    })
}

pub async fn get_item(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppResult<ItemView> {
    let m = find_item(conn, id).await?;
    view(conn, me, m).await
}
