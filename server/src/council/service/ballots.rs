//! Ballots and votes: counting, freezing a result, one person (or household) one vote.

use super::records::{append, find_item, internal, relation, stage_of};
use super::voters::{eligible_count, lives_in, may_support};
use crate::accounts::residents::resident_of;
use crate::council::store::{attendee, ballot, item, tally, vote};
use crate::db::{OnUnique, OneOr404, WriteTxn};
use crate::error::{AppError, AppResult, Or404};
use crate::places::store::{place, resident};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};
use shared::accounts::Principal;
use shared::council::*;
use shared::error::{ErrorCode, FieldErrorCode};

fn kind_of(b: &ballot::Model) -> AppResult<BallotKind> {
    serde_json::from_str(&b.kind).map_err(internal)
}

fn rules_of(b: &ballot::Model) -> AppResult<BallotRules> {
    serde_json::from_str(&b.rules).map_err(internal)
}

/// Votes counted so far: from the votes themselves, or from the counters of an anonymous
/// ballot. Returns (turnout, counts).
async fn count_votes(conn: &impl ConnectionTrait, b: &ballot::Model) -> AppResult<(u64, Counts)> {
    let kind = kind_of(b)?;
    let rules = rules_of(b)?;
    let mut counts = Counts::empty(&kind);
    let turnout = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .count(conn)
        .await?;
    if rules.anonymous {
        for t in tally::Entity::find()
            .filter(tally::Column::BallotId.eq(b.id))
            .all(conn)
            .await?
        {
            counts.add(&t.key, t.count.max(0) as u64);
        }
    } else {
        let rows: Vec<(Option<String>, i64)> = vote::Entity::find()
            .select_only()
            .column(vote::Column::Answer)
            .column_as(vote::Column::Id.count(), "n")
            .filter(vote::Column::BallotId.eq(b.id))
            .group_by(vote::Column::Answer)
            .into_tuple()
            .all(conn)
            .await?;
        for (answer, n) in rows {
            for key in answer.unwrap_or_default().split(',') {
                counts.add(key, n.max(0) as u64);
            }
        }
    }
    Ok((turnout, counts))
}

/// The result of a closed ballot: frozen, or counted now when its time ran out.
pub(super) async fn outcome_of(
    conn: &impl ConnectionTrait,
    b: &ballot::Model,
) -> AppResult<Option<Outcome>> {
    let now = crate::clock::now();
    if ballot_state(now, b.opens_at, b.closes_at, b.frozen) != BallotState::Closed {
        return Ok(None);
    }
    let (kind, rules) = (kind_of(b)?, rules_of(b)?);
    let (eligible, turnout, counts) = frozen_or_live(conn, b).await?;
    Ok(Some(tally(&kind, &rules, eligible, turnout, &counts)))
}

async fn frozen_or_live(
    conn: &impl ConnectionTrait,
    b: &ballot::Model,
) -> AppResult<(u64, u64, Counts)> {
    if b.frozen
        && let (Some(e), Some(t), Some(c)) = (b.eligible, b.turnout, b.counts.as_deref())
    {
        let counts: Counts = serde_json::from_str(c).map_err(internal)?;
        return Ok((e.max(0) as u64, t.max(0) as u64, counts));
    }
    let eligible = match b.eligible {
        Some(e) => e.max(0) as u64,
        None => {
            let m = find_item(conn, b.item_id).await?;
            let scope = place::Entity::find_by_id(m.scope_place_id)
                .one_or_404(conn)
                .await?;
            eligible_count(conn, &scope, rules_of(b)?.per_household).await?
        }
    };
    let (turnout, counts) = count_votes(conn, b).await?;
    Ok((eligible, turnout, counts))
}

/// Freeze a ballot's result: eligible, turnout and counts stored, no vote after this.
async fn freeze(conn: &impl ConnectionTrait, b: &ballot::Model) -> AppResult<()> {
    let (eligible, turnout, counts) = frozen_or_live(conn, b).await?;
    let now = crate::clock::now();
    ballot::Entity::update_many()
        .col_expr(ballot::Column::Frozen, Expr::value(true))
        .col_expr(ballot::Column::Eligible, Expr::value(eligible as i64))
        .col_expr(ballot::Column::Turnout, Expr::value(turnout as i64))
        .col_expr(
            ballot::Column::Counts,
            Expr::value(serde_json::to_string(&counts).map_err(internal)?),
        )
        .col_expr(ballot::Column::ClosesAt, Expr::value(b.closes_at.min(now)))
        .col_expr(ballot::Column::Version, Expr::value(b.version + 1))
        .filter(ballot::Column::Id.eq(b.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ballots whose time ran out are frozen when the item moves on.
pub(super) async fn freeze_due_ballots(
    conn: &impl ConnectionTrait,
    m: &item::Model,
) -> AppResult<()> {
    let now = crate::clock::now();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .filter(ballot::Column::Frozen.eq(false))
        .all(conn)
        .await?
    {
        if b.closes_at <= now {
            freeze(conn, &b).await?;
        }
    }
    Ok(())
}

pub(super) async fn ballot_view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: &item::Model,
    b: ballot::Model,
) -> AppResult<BallotView> {
    let (kind, rules) = (kind_of(&b)?, rules_of(&b)?);
    let now = crate::clock::now();
    let state = ballot_state(now, b.opens_at, b.closes_at, b.frozen);
    let (counts, outcome) = if results_visible(&rules, state) {
        let (eligible, turnout, counts) = frozen_or_live(conn, &b).await?;
        let outcome = (state == BallotState::Closed)
            .then(|| tally(&kind, &rules, eligible, turnout, &counts));
        (Some(counts), outcome)
    } else {
        (None, None)
    };
    let me_resident = resident_of(conn, me.user_id).await?;
    let mut my_answer = None;
    let mut i_voted = false;
    let mut may_vote = false;
    let mut voted_by_proxy = false;
    let mut withdraw_until = None;
    if let Some(r) = &me_resident {
        let key = voter_key(&rules, r.id, r.household_id);
        if let Some(v) = vote::Entity::find()
            .filter(vote::Column::BallotId.eq(b.id))
            .filter(vote::Column::VoterKey.eq(key))
            .one(conn)
            .await?
        {
            i_voted = v.resident_id == r.id;
            let way = way_of(&v);
            voted_by_proxy = i_voted && way == VoteWay::Proxy;
            if i_voted && !rules.anonymous {
                my_answer = v.answer.as_deref().and_then(|a| Answer::decode(a, &kind));
                withdraw_until =
                    vote_withdraw_until(&rules, state, way, v.updated_at, b.closes_at, now);
            }
            may_vote = state == BallotState::Open
                && v.resident_id == r.id
                && !rules.anonymous
                && way != VoteWay::Proxy;
        } else {
            may_vote = state == BallotState::Open && may_support(conn, me, m).await?;
        }
    }
    Ok(BallotView {
        id: b.id,
        item_id: b.item_id,
        question: b.question,
        kind,
        rules,
        opens_at: b.opens_at,
        closes_at: b.closes_at,
        state,
        frozen: b.frozen,
        counts,
        outcome,
        my_answer,
        i_voted,
        may_vote,
        voted_by_proxy,
        withdraw_until,
        version: b.version,
    })
}

pub async fn create_ballot(
    state: &AppState,
    me: &Principal,
    item_id: i64,
    req: CreateBallot,
) -> AppResult<BallotView> {
    let question = req.validate()?;
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if !stage_of(&m).is_undecided() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let now = crate::clock::now();
    if req.closes_at <= now {
        return Err(AppError::field("closes_at", FieldErrorCode::OutOfRange));
    }
    let kind = match req.kind {
        BallotKind::Poll {
            options,
            max_choices,
        } => BallotKind::Poll {
            options: options.into_iter().map(|o| o.trim().to_string()).collect(),
            max_choices,
        },
        k => k,
    };
    // The quorum's denominator is the register when the ballot opens: nobody can move it
    // afterwards by editing residents.
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&*txn)
        .await?;
    let eligible = eligible_count(&*txn, &scope, req.rules.per_household).await?;
    let b = ballot::ActiveModel {
        item_id: Set(item_id),
        eligible: Set(Some(eligible as i64)),
        question: Set(question.clone()),
        kind: Set(serde_json::to_string(&kind).map_err(internal)?),
        rules: Set(serde_json::to_string(&req.rules).map_err(internal)?),
        opens_at: Set(req.opens_at),
        closes_at: Set(req.closes_at),
        frozen: Set(false),
        created_by: Set(Some(me.user_id)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    append(
        &*txn,
        item_id,
        Some(me),
        "ballot_opened",
        None,
        None,
        ItemEventDetail::default(),
        Some(question),
        m.meeting_id,
    )
    .await?;
    let out = ballot_view(&*txn, me, &m, b).await?;
    txn.commit().await?;
    Ok(out)
}

/// How a stored vote came to be cast.
fn way_of(v: &vote::Model) -> VoteWay {
    match (v.proxy_action_id, v.recorded_by) {
        (Some(_), _) => VoteWay::Proxy,
        (None, Some(_)) => VoteWay::ShowOfHands,
        (None, None) => VoteWay::Own,
    }
}

/// Whose vote is cast, and how.
pub enum Voter {
    /// The signed-in resident's own.
    Own,
    /// An attendee's, recorded by the office from a show of hands at the meeting.
    ShowOfHands(i64),
    /// A resident's, cast on their behalf in their presence (代办): the act recorded.
    Proxy { resident_id: i64, action_id: i64 },
}

/// Cast or change a vote. The ballot row is locked for the count, and the unique
/// (ballot, voter) index is the last word on one person one vote.
pub async fn cast_vote(
    state: &AppState,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    ballot_id: i64,
    req: CastVote,
) -> AppResult<BallotView> {
    let voter = match req.resident_id {
        None => Voter::Own,
        Some(rid) => Voter::ShowOfHands(rid),
    };
    let txn = state.db.begin_write().await?;
    let (item, b) = cast_in(&txn, me, ctx, ballot_id, &req.answer, voter).await?;
    txn.commit().await?;
    // The voter's view (with the live count where the rules show it) is read after the
    // commit, off the writer: on SQLite the next vote need not wait for this vote's count.
    ballot_view(&state.db.conn, me, &item, b).await
}

/// The lock a vote on `ballot` by `voter_key` holds, so one voter's votes pass one by one.
fn voter_lock(ballot: i64, voter_key: &str) -> String {
    format!("vote:{ballot}:{voter_key}")
}

/// Cast a vote inside the caller's transaction; gives the ballot's item and the ballot (a vote
/// leaves the ballot's row as it was).
///
/// Votes on one ballot run side by side: each shares the ballot row (closing it waits for
/// them, and they for the close) and holds a lock named after its voter, so only the same
/// voter's (or household's) votes pass one by one — a second vote then sees the first and
/// changes it, or is refused as the rules say.
pub(crate) async fn cast_in(
    txn: &WriteTxn,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    ballot_id: i64,
    answer: &Answer,
    voter: Voter,
) -> AppResult<(item::Model, ballot::Model)> {
    let b = txn.share::<ballot::Entity>(ballot_id).await?.or_404()?;
    let (kind, rules) = (kind_of(&b)?, rules_of(&b)?);
    let answer = answer
        .check(&kind)
        .map_err(|c| AppError::field("answer", c))?;
    let m = find_item(&**txn, b.item_id).await?;
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&**txn)
        .await?;
    // Whose vote: one's own, an attendee's recorded by the office (show of hands), or one
    // cast on a resident's behalf (its act already checked and recorded by the caller).
    let (resident, way, recorded_by, proxy_action_id) = match voter {
        Voter::Own => (
            resident_of(&**txn, me.user_id).await?,
            VoteWay::Own,
            None,
            None,
        ),
        Voter::ShowOfHands(rid) => {
            if !may_record_votes(me, relation(me, m.grid_id)) {
                return Err(AppError::Code(ErrorCode::Forbidden));
            }
            if rules.anonymous {
                return Err(AppError::field("resident_id", FieldErrorCode::NotAllowed));
            }
            let r = resident::Entity::find_by_id(rid).one(&**txn).await?;
            if r.is_none() {
                return Err(AppError::field(
                    "resident_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
            // A show of hands is recorded only for those present at the item's meeting.
            let present = match m.meeting_id {
                Some(mt) => attendee::Entity::find()
                    .filter(attendee::Column::MeetingId.eq(mt))
                    .filter(attendee::Column::ResidentId.eq(rid))
                    .one(&**txn)
                    .await?
                    .is_some(),
                None => false,
            };
            if !present {
                return Err(AppError::field("resident_id", FieldErrorCode::NotAllowed));
            }
            (r, VoteWay::ShowOfHands, Some(me.user_id), None)
        }
        Voter::Proxy {
            resident_id,
            action_id,
        } => (
            resident::Entity::find_by_id(resident_id)
                .one(&**txn)
                .await?,
            VoteWay::Proxy,
            Some(me.user_id),
            Some(action_id),
        ),
    };
    let now = crate::clock::now();
    let state_now = ballot_state(now, b.opens_at, b.closes_at, b.frozen);
    let eligible = match &resident {
        Some(r) => lives_in(&**txn, r, &scope).await?,
        None => false,
    };
    let (rid, hid) = resident.as_ref().map_or((0, 0), |r| (r.id, r.household_id));
    let key = voter_key(&rules, rid, hid);
    txn.hold(&voter_lock(b.id, &key)).await?;
    let previous = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .filter(vote::Column::VoterKey.eq(key.clone()))
        .one(&**txn)
        .await?;
    match check_vote(
        state_now,
        &rules,
        eligible,
        rid,
        way,
        previous.as_ref().map(|p| PreviousVote {
            resident_id: p.resident_id,
            way: way_of(p),
        }),
    ) {
        Ok(()) => {}
        Err(VoteRefusal::NotOpen) => return Err(AppError::Code(ErrorCode::BallotClosed)),
        Err(VoteRefusal::NotEligible) => return Err(AppError::Code(ErrorCode::NotEligible)),
        Err(VoteRefusal::AlreadyVoted) => return Err(AppError::Code(ErrorCode::AlreadyVoted)),
        Err(VoteRefusal::CastByOther) => {
            return Err(AppError::Code(ErrorCode::VoteCastByOther));
        }
        Err(VoteRefusal::ProxyNotAllowed) => {
            return Err(AppError::Code(ErrorCode::ProxyNotAllowed));
        }
    }
    let stored = (!rules.anonymous).then(|| answer.encode());
    match previous {
        Some(p) => {
            vote::Entity::update_many()
                .col_expr(vote::Column::Answer, Expr::value(stored))
                .col_expr(vote::Column::RecordedBy, Expr::value(recorded_by))
                .col_expr(vote::Column::UpdatedAt, Expr::value(now))
                .filter(vote::Column::Id.eq(p.id))
                .exec(&**txn)
                .await?;
        }
        None => {
            vote::ActiveModel {
                ballot_id: Set(b.id),
                voter_key: Set(key),
                resident_id: Set(rid),
                household_id: Set(Some(hid)),
                user_id: Set((way == VoteWay::Own).then_some(me.user_id)),
                recorded_by: Set(recorded_by),
                answer: Set(stored),
                updated_at: Set(now),
                proxy_action_id: Set(proxy_action_id),
                ..Default::default()
            }
            .insert(&**txn)
            .await
            // Two at once for the same voter: whoever comes second is refused as the rule
            // says (the other way's vote, or another of the household).
            .on_unique(AppError::Code(if way == VoteWay::Proxy {
                ErrorCode::VoteCastByOther
            } else {
                ErrorCode::AlreadyVoted
            }))?;
            if rules.anonymous {
                for k in answer.keys() {
                    tally::Entity::insert(tally::ActiveModel {
                        ballot_id: Set(b.id),
                        key: Set(k),
                        count: Set(1),
                    })
                    .on_conflict(
                        OnConflict::columns([tally::Column::BallotId, tally::Column::Key])
                            .value(
                                tally::Column::Count,
                                sea_orm::sea_query::ExprTrait::add(
                                    Expr::col((tally::Entity, tally::Column::Count)),
                                    1,
                                ),
                            )
                            .to_owned(),
                    )
                    .exec_without_returning(&**txn)
                    .await?;
                }
            }
        }
    }
    if way == VoteWay::ShowOfHands {
        crate::audit::record(
            &**txn,
            Some(me),
            ctx,
            crate::audit::Record {
                action: shared::audit::AuditAction::CouncilVoteRecord,
                entity: Some("ballot"),
                entity_id: Some(ballot_id),
                resident_id: Some(rid),
                detail: Some(shared::audit::AuditDetail::VoteFor { resident_id: rid }.to_json()),
            },
        )
        .await?;
    }
    Ok((m, b))
}

/// Take back one's own vote within the undo window, before the ballot closes. The vote is
/// no longer counted; the audit log keeps that it was cast and taken back.
pub async fn withdraw_vote(
    state: &AppState,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    ballot_id: i64,
) -> AppResult<BallotView> {
    let txn = state.db.begin_write().await?;
    let b = txn.share::<ballot::Entity>(ballot_id).await?.or_404()?;
    let rules = rules_of(&b)?;
    let m = find_item(&*txn, b.item_id).await?;
    let r = resident_of(&*txn, me.user_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotEligible))?;
    let now = crate::clock::now();
    let state_now = ballot_state(now, b.opens_at, b.closes_at, b.frozen);
    let key = voter_key(&rules, r.id, r.household_id);
    txn.hold(&voter_lock(b.id, &key)).await?;
    let v = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .filter(vote::Column::VoterKey.eq(key))
        .filter(vote::Column::ResidentId.eq(r.id))
        .one(&*txn)
        .await?
        .ok_or(AppError::Code(ErrorCode::CannotWithdraw))?;
    if vote_withdraw_until(
        &rules,
        state_now,
        way_of(&v),
        v.updated_at,
        b.closes_at,
        now,
    )
    .is_none()
    {
        return Err(AppError::Code(ErrorCode::CannotWithdraw));
    }
    vote::Entity::delete_by_id(v.id).exec(&*txn).await?;
    crate::audit::record(
        &*txn,
        Some(me),
        ctx,
        crate::audit::Record {
            action: shared::audit::AuditAction::CouncilVoteWithdraw,
            entity: Some("ballot"),
            entity_id: Some(ballot_id),
            resident_id: Some(r.id),
            detail: None,
        },
    )
    .await?;
    txn.commit().await?;
    ballot_view(&state.db.conn, me, &m, b).await
}

pub async fn close_ballot(
    state: &AppState,
    me: &Principal,
    ballot_id: i64,
) -> AppResult<BallotView> {
    let txn = state.db.begin_write().await?;
    let b = ballot::Entity::find_by_id(ballot_id)
        .lock_exclusive()
        .one_or_404(&*txn)
        .await?;
    let m = find_item(&*txn, b.item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if b.frozen {
        return Err(AppError::Code(ErrorCode::BallotClosed));
    }
    freeze(&*txn, &b).await?;
    let b = ballot::Entity::find_by_id(ballot_id)
        .one_or_404(&*txn)
        .await?;
    let out = ballot_view(&*txn, me, &m, b).await?;
    // The count as numbers; whether a decision passed as a fact the reader's app words.
    let summary = match &out.outcome {
        Some(o) => format!("{} / {}", o.turnout, o.eligible),
        None => String::new(),
    };
    let detail = ItemEventDetail {
        passed: match (&out.outcome, &out.kind) {
            (Some(o), BallotKind::Decision) => Some(o.passed == Some(true)),
            _ => None,
        },
        ..Default::default()
    };
    append(
        &*txn,
        m.id,
        Some(me),
        "ballot_closed",
        None,
        None,
        detail,
        Some(summary),
        m.meeting_id,
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}
