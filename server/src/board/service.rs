//! Reading the board and reordering cards.

use crate::AppState;
use crate::accounts::store::user;
use crate::cases::service::{self as cases, name_of, summary};
use crate::cases::store::{case, event};
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::accounts::Principal;
use shared::board::{Board, Card, Column, Counts};
use shared::cases::{Reorder, Source, Stage};
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Cards sent per column; the column's total says how many there are.
pub const SHOWN_PER_COLUMN: u64 = 200;

#[derive(Debug, Default, Clone)]
pub struct BoardFilter {
    pub grid_id: Option<i64>,
    pub category_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub source: Option<Source>,
    pub overdue: bool,
    pub q: Option<String>,
}

fn running_stages() -> Vec<String> {
    Stage::ALL.into_iter().filter(|s| s.clock_runs()).map(name_of).collect()
}

fn condition(me: &Principal, f: &BoardFilter, now: OffsetDateTime) -> AppResult<Condition> {
    let mut c = Condition::all().add(cases::visible(me));
    if let Some(g) = f.grid_id {
        c = c.add(case::Column::GridId.eq(g));
    }
    if let Some(cat) = f.category_id {
        c = c.add(case::Column::CategoryId.eq(cat));
    }
    if let Some(a) = f.assignee_id {
        c = c.add(case::Column::AssigneeId.eq(a));
    }
    if let Some(s) = f.source {
        c = c.add(case::Column::Source.eq(s.as_str()));
    }
    if f.overdue {
        c = c.add(case::Column::DeadlineAt.lt(now)).add(case::Column::Stage.is_in(running_stages()));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 64 {
            return Err(AppError::field("q", FieldErrorCode::TooLong));
        }
        let like = LikeExpr::new(crate::places::service::like_pattern(q)).escape('\\');
        c = c.add(
            Condition::any()
                .add(Expr::col((case::Entity, case::Column::Title)).like(like.clone()))
                .add(Expr::col((case::Entity, case::Column::Number)).like(like)),
        );
    }
    Ok(c)
}

async fn count(conn: &impl ConnectionTrait, c: Condition) -> AppResult<u64> {
    Ok(case::Entity::find().filter(c).count(conn).await?)
}

async fn figures(conn: &impl ConnectionTrait, base: &Condition, now: OffsetDateTime) -> AppResult<Counts> {
    let open_stages: Vec<String> = Stage::ALL.into_iter().filter(|s| s.is_open()).map(name_of).collect();
    let closed = name_of(Stage::Closed);
    let due = Condition::any().add(case::Column::DeadlineAt.lte(now)).add(case::Column::Stage.eq(closed.clone()));
    let in_scope = Query::select().column(case::Column::Id).from(case::Entity).cond_where(base.clone()).to_owned();
    let verifications = |actions: Vec<&str>| {
        event::Entity::find()
            .filter(event::Column::Action.is_in(actions))
            .filter(event::Column::CaseId.in_subquery(in_scope.clone()))
            .count(conn)
    };
    Ok(Counts {
        open: count(conn, base.clone().add(case::Column::Stage.is_in(open_stages))).await?,
        overdue: count(conn, base.clone().add(case::Column::DeadlineAt.lt(now)).add(case::Column::Stage.is_in(running_stages()))).await?,
        due: count(conn, base.clone().add(due.clone()).add(case::Column::Stage.ne(name_of(Stage::Refused)))).await?,
        postponed: count(conn, base.clone().add(due).add(case::Column::Stage.eq(name_of(Stage::Postponed)))).await?,
        closed: count(conn, base.clone().add(case::Column::Stage.eq(closed.clone()))).await?,
        closed_on_time: count(
            conn,
            base.clone()
                .add(case::Column::Stage.eq(closed))
                .add(Expr::col(case::Column::ClosedAt).lte(Expr::col(case::Column::DeadlineAt))),
        )
        .await?,
        verifications: verifications(vec!["verify_pass", "verify_fail"]).await?,
        verifications_failed: verifications(vec!["verify_fail"]).await?,
    })
}

pub async fn board(conn: &impl ConnectionTrait, me: &Principal, f: &BoardFilter) -> AppResult<Board> {
    let now = OffsetDateTime::now_utc();
    // The cursor first: a change committed while we read is then replayed, never lost.
    let cursor: Option<i64> = event::Entity::find().select_only().column_as(event::Column::Id.max(), "m").into_tuple().one(conn).await?.flatten();
    let base = condition(me, f, now)?;
    let mut columns = Vec::new();
    let mut assignees = Vec::new();
    for stage in Stage::BOARD {
        let c = base.clone().add(case::Column::Stage.eq(name_of(stage)));
        let total = count(conn, c.clone()).await?;
        let rows = case::Entity::find()
            .filter(c)
            .order_by_asc(case::Column::BoardRank)
            .order_by_asc(case::Column::Id)
            .limit(SHOWN_PER_COLUMN)
            .all(conn)
            .await?;
        assignees.extend(rows.iter().filter_map(|r| r.assignee_id));
        columns.push((stage, total, rows));
    }
    assignees.sort();
    assignees.dedup();
    let names: HashMap<i64, String> =
        user::Entity::find().filter(user::Column::Id.is_in(assignees)).all(conn).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let columns = columns
        .into_iter()
        .map(|(stage, total, rows)| Column {
            stage,
            total,
            cards: rows
                .iter()
                .map(|r| Card { case: summary(r, now), rank: r.board_rank.clone(), assignee_name: r.assignee_id.and_then(|a| names.get(&a).cloned()) })
                .collect(),
        })
        .collect();
    Ok(Board { columns, figures: figures(conn, &base, now).await?.figures(), cursor: cursor.unwrap_or(0) })
}

/// Move a card within its column: one row written, with a version check.
pub async fn reorder(state: &AppState, me: &Principal, id: i64, r: Reorder) -> AppResult<Card> {
    let txn = state.db.begin_write().await?;
    let c = match case::Entity::find_by_id(id).one(&*txn).await? {
        Some(c) if cases::may_see_parts(me, c.grid_id, c.reporter_id, c.assignee_id) => c,
        _ => return Err(AppError::Code(ErrorCode::NotFound)),
    };
    // Ordering is the office's and the grid's workers' tool, not the reporter's.
    if !(me.has_role(shared::accounts::Role::Staff)
        || me.has_role(shared::accounts::Role::Admin)
        || c.grid_id.is_some_and(|g| me.grid_ids.contains(&g)))
    {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let now = OffsetDateTime::now_utc();
    let stage = cases::stage_of(&c);
    let card_of = |c: &case::Model| Card { case: summary(c, now), rank: c.board_rank.clone(), assignee_name: None };
    if c.version != r.version {
        return Err(AppError::conflict(&card_of(&c)));
    }
    let rank = cases::placed_rank(&*txn, stage, r.after_id, r.before_id, now).await?;
    let res = case::Entity::update_many()
        .col_expr(case::Column::BoardRank, Expr::value(rank))
        .col_expr(case::Column::Version, Expr::value(c.version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(r.version))
        .exec(&*txn)
        .await?;
    let updated = case::Entity::find_by_id(id).one(&*txn).await?.ok_or(AppError::Code(ErrorCode::NotFound))?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&card_of(&updated)));
    }
    let event_id = cases::append(&*txn, id, me, "reorder", Some(stage), Some(stage), None).await?;
    txn.commit().await?;
    state.live.publish(crate::events::Change::of(event_id, "reorder", &updated));
    Ok(card_of(&updated))
}
