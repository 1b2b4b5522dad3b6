//! Volunteer teams (e.g. the 幸福大姐 service team), their members, service activities, hours,
//! and the time bank: points earned per hour of service, redeemable; balances are ledger sums.

use super::store::{activity, ledger, team, time_bank_rules, volunteer};
use crate::audit::{self, Record};
use crate::db::{OnUnique, OneOr404};
use crate::error::{AppError, AppResult, Or404};
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::accounts::Principal;
use shared::care::*;
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::HashMap;

pub async fn rules(conn: &impl ConnectionTrait) -> AppResult<TimeBankRules> {
    let r = time_bank_rules::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal("time bank rules missing".into()))?;
    Ok(TimeBankRules {
        points_per_hour: r.points_per_hour.max(0) as u32,
        volunteers_redeem: r.volunteers_redeem,
        version: r.version,
    })
}

pub async fn set_rules(state: &AppState, new: TimeBankRules) -> AppResult<TimeBankRules> {
    if !(1..=1000).contains(&new.points_per_hour) {
        return Err(AppError::field(
            "points_per_hour",
            FieldErrorCode::OutOfRange,
        ));
    }
    let txn = state.db.begin_write().await?;
    let res = time_bank_rules::Entity::update_many()
        .col_expr(
            time_bank_rules::Column::PointsPerHour,
            Expr::value(new.points_per_hour as i32),
        )
        .col_expr(
            time_bank_rules::Column::VolunteersRedeem,
            Expr::value(new.volunteers_redeem),
        )
        .col_expr(
            time_bank_rules::Column::Version,
            crate::db::next_version(time_bank_rules::Column::Version),
        )
        .filter(time_bank_rules::Column::Id.eq(1))
        .filter(time_bank_rules::Column::Version.eq(new.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&rules(&*txn).await?));
    }
    let out = rules(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

fn sum_as_bigint(col: ledger::Column) -> sea_orm::sea_query::SimpleExpr {
    sea_orm::sea_query::Func::cast_as(
        sea_orm::sea_query::Func::sum(Expr::col(col)),
        sea_orm::sea_query::Alias::new("bigint"),
    )
    .into()
}

/// Minutes served and points balance per volunteer.
async fn totals(conn: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<HashMap<i64, (i64, i64)>> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = ledger::Entity::find()
        .select_only()
        .column(ledger::Column::VolunteerId)
        // PostgreSQL sums bigints as numeric: cast back so both engines give integers.
        .column_as(sum_as_bigint(ledger::Column::Minutes), "minutes")
        .column_as(sum_as_bigint(ledger::Column::Points), "points")
        .filter(ledger::Column::VolunteerId.is_in(ids))
        .group_by(ledger::Column::VolunteerId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(v, m, p)| (v, (m.unwrap_or(0), p.unwrap_or(0))))
        .collect())
}

async fn summaries(
    conn: &impl ConnectionTrait,
    me: &Principal,
    rows: Vec<volunteer::Model>,
) -> AppResult<Vec<VolunteerSummary>> {
    let t = totals(conn, rows.iter().map(|v| v.id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|v| {
            let (minutes, points) = t.get(&v.id).copied().unwrap_or((0, 0));
            VolunteerSummary {
                id: v.id,
                team_id: v.team_id,
                name: v.name,
                has_account: v.user_id.is_some(),
                minutes_total: Some(minutes.max(0) as u64),
                points_balance: Some(points),
                mine: v.user_id == Some(me.user_id),
            }
        })
        .collect())
}

pub async fn create_team(state: &AppState, me: &Principal, req: TeamInput) -> AppResult<TeamView> {
    if !me.is_office() {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let name = req.name.trim().to_string();
    match name.chars().count() {
        0 => return Err(AppError::field("name", FieldErrorCode::Required)),
        n if n > 100 => return Err(AppError::field("name", FieldErrorCode::TooLong)),
        _ => {}
    }
    let txn = state.db.begin_write().await?;
    let t = team::ActiveModel {
        name: Set(name),
        description: Set(req.description.trim().chars().take(1000).collect()),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .on_unique(AppError::field("name", FieldErrorCode::Duplicate))?;
    txn.commit().await?;
    Ok(TeamView {
        id: t.id,
        name: t.name,
        description: t.description,
        members: Vec::new(),
    })
}

/// Teams and their members (every signed-in user); hours and points only for the office and
/// for each volunteer's own line. The office's reading (everyone's hours and points) is
/// audit-logged.
pub async fn teams(state: &AppState, me: &Principal, ctx: &RequestCtx) -> AppResult<Vec<TeamView>> {
    let out = teams_of(&state.db.conn, me).await?;
    if me.is_office() {
        let n: usize = out.iter().map(|t| t.members.len()).sum();
        audit::record_now(
            state,
            Some(me),
            ctx,
            Record::global(
                shared::audit::AuditAction::CareTimebankRead,
                shared::audit::AuditDetail::count(n, shared::audit::Counted::Volunteers),
            ),
        )
        .await?;
    }
    Ok(out)
}

async fn teams_of(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<TeamView>> {
    let teams = team::Entity::find()
        .order_by_asc(team::Column::Id)
        .limit(100)
        .all(conn)
        .await?;
    let rows = volunteer::Entity::find()
        .filter(volunteer::Column::TeamId.is_in(teams.iter().map(|t| t.id).collect::<Vec<_>>()))
        .order_by_asc(volunteer::Column::Id)
        .limit(LIST_LIMIT * 4)
        .all(conn)
        .await?;
    let own: Vec<i64> = rows
        .iter()
        .filter(|v| v.user_id == Some(me.user_id))
        .map(|v| v.id)
        .collect();
    let mut members = summaries(conn, me, rows).await?;
    if !me.is_office() {
        for m in members.iter_mut().filter(|m| !own.contains(&m.id)) {
            m.minutes_total = None;
            m.points_balance = None;
        }
    }
    Ok(teams
        .into_iter()
        .map(|t| TeamView {
            members: members
                .iter()
                .filter(|m| m.team_id == t.id)
                .cloned()
                .collect(),
            id: t.id,
            name: t.name,
            description: t.description,
        })
        .collect())
}

pub async fn add_member(
    state: &AppState,
    me: &Principal,
    team_id: i64,
    req: MemberInput,
) -> AppResult<VolunteerSummary> {
    if !me.is_office() {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let name = req.name.trim().to_string();
    match name.chars().count() {
        0 => return Err(AppError::field("name", FieldErrorCode::Required)),
        n if n > 64 => return Err(AppError::field("name", FieldErrorCode::TooLong)),
        _ => {}
    }
    let mut req = req;
    let txn = state.db.begin_write().await?;
    team::Entity::find_by_id(team_id).one_or_404(&*txn).await?;
    if let Some(id) =
        super::service::account_by_username(&*txn, req.username.as_deref(), "username").await?
    {
        req.user_id = Some(id);
    }
    if let Some(u) = req.user_id {
        // The one rule for naming a person (an enabled account the office may name).
        crate::accounts::service::check_named_person(
            &*txn,
            me,
            shared::accounts::Work::Volunteer,
            u,
            None,
            "user_id",
        )
        .await?;
    }
    let v = volunteer::ActiveModel {
        team_id: Set(team_id),
        user_id: Set(req.user_id),
        name: Set(name),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let out = summaries(&*txn, me, vec![v]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

/// Record an activity: each participant's minutes earn points at the time bank's rate, in one
/// transaction.
pub async fn record_activity(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: ActivityInput,
) -> AppResult<Vec<VolunteerSummary>> {
    // Points are money's worth: only the office credits them, and it is audited.
    if !me.is_office() {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let title = req.validate(
        crate::clock::now()
            .to_offset(shared::calendar::SHANGHAI)
            .date(),
    )?;
    let txn = state.db.begin_write().await?;
    team::Entity::find_by_id(req.team_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::field("team_id", FieldErrorCode::UnknownReference))?;
    let members: Vec<i64> = volunteer::Entity::find()
        .filter(volunteer::Column::TeamId.eq(req.team_id))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    for (i, p) in req.participants.iter().enumerate() {
        if !members.contains(&p.volunteer_id) {
            return Err(AppError::field(
                &format!("participants[{i}].volunteer_id"),
                FieldErrorCode::UnknownReference,
            ));
        }
    }
    let rate = rules(&*txn).await?.points_per_hour;
    let now = crate::clock::now();
    let a = activity::ActiveModel {
        team_id: Set(req.team_id),
        title: Set(title.clone()),
        day: Set(req.day),
        created_by: Set(Some(me.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for p in &req.participants {
        ledger::ActiveModel {
            volunteer_id: Set(p.volunteer_id),
            activity_id: Set(Some(a.id)),
            at: Set(now),
            minutes: Set(p.minutes as i32),
            points: Set(points_for(p.minutes, rate) as i64),
            reason: Set(format!("{} {}", req.day, title)),
            recorded_by: Set(Some(me.user_id)),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record {
            action: shared::audit::AuditAction::CareTimebankCredit,
            entity: Some("volunteer_activity"),
            entity_id: Some(a.id),
            resident_id: None,
            detail: Some(
                shared::audit::AuditDetail::count(
                    req.participants.len(),
                    shared::audit::Counted::Volunteers,
                )
                .to_json(),
            ),
        },
    )
    .await?;
    let rows = volunteer::Entity::find()
        .filter(
            volunteer::Column::Id.is_in(
                req.participants
                    .iter()
                    .map(|p| p.volunteer_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(&*txn)
        .await?;
    let out = summaries(&*txn, me, rows).await?;
    txn.commit().await?;
    Ok(out)
}

/// A volunteer's hours, balance and ledger: the volunteer themself and the office (anyone
/// else: 404). The caller audit-logs the office's reading of someone else's (`summary.mine`).
pub async fn volunteer(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<VolunteerView> {
    let v = volunteer::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|v| may_read_volunteer(me.is_office(), v.user_id == Some(me.user_id)))
        .or_404()?;
    let ledger = ledger::Entity::find()
        .filter(ledger::Column::VolunteerId.eq(id))
        .order_by_desc(ledger::Column::Id)
        .limit(LIST_LIMIT)
        .all(conn)
        .await?
        .into_iter()
        .map(|l| LedgerEntry {
            at: l.at,
            points: l.points,
            minutes: l.minutes.max(0) as u32,
            reason: l.reason,
        })
        .collect();
    Ok(VolunteerView {
        summary: summaries(conn, me, vec![v]).await?.remove(0),
        ledger,
    })
}

/// The asking user's own volunteer records (one per team they serve in), with their ledgers.
pub async fn mine(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<VolunteerView>> {
    let ids: Vec<i64> = volunteer::Entity::find()
        .filter(volunteer::Column::UserId.eq(me.user_id))
        .order_by_asc(volunteer::Column::Id)
        .limit(20)
        .all(conn)
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(volunteer(conn, me, id).await?);
    }
    Ok(out)
}

/// Redeem points: the office, or the volunteer themself when the rules allow it. The
/// volunteer's row is locked so two redemptions cannot both spend the same balance.
pub async fn redeem(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: Redemption,
) -> AppResult<VolunteerView> {
    let reason = req.reason.trim().to_string();
    let txn = state.db.begin_write().await?;
    let v = volunteer::Entity::find_by_id(id)
        .lock_exclusive()
        .one_or_404(&*txn)
        .await?;
    let own = v.user_id == Some(me.user_id);
    if !may_read_volunteer(me.is_office(), own) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    if !may_redeem_for(me.is_office(), own, &rules(&*txn).await?) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::field("reason", FieldErrorCode::Required));
    }
    let balance = totals(&*txn, vec![id])
        .await?
        .get(&id)
        .map(|t| t.1)
        .unwrap_or(0);
    if !may_redeem(balance, req.points) {
        return Err(AppError::field("points", FieldErrorCode::OutOfRange));
    }
    ledger::ActiveModel {
        volunteer_id: Set(id),
        activity_id: Set(None),
        at: Set(crate::clock::now()),
        minutes: Set(0),
        points: Set(-req.points),
        reason: Set(reason),
        recorded_by: Set(Some(me.user_id)),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record {
            action: shared::audit::AuditAction::CareTimebankRedeem,
            entity: Some("volunteer"),
            entity_id: Some(id),
            resident_id: None,
            detail: Some(
                shared::audit::AuditDetail::Count {
                    n: req.points as u64,
                    of: shared::audit::Counted::Points,
                }
                .to_json(),
            ),
        },
    )
    .await?;
    let out = volunteer(&*txn, me, id).await?;
    txn.commit().await?;
    Ok(out)
}
