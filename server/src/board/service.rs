//! Reading the board and reordering cards.

use crate::accounts::store::user;
use crate::cases::service::{self as cases, name_of, summary};
use crate::cases::store::{case, event, user_setting, wip_limit};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
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
    /// Only cases with this mark (黄牌/红牌).
    pub mark: Option<shared::supervision::Mark>,
    pub q: Option<String>,
}

fn running_stages() -> Vec<String> {
    Stage::ALL
        .into_iter()
        .filter(|s| s.clock_runs())
        .map(name_of)
        .collect()
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
    let overdue = Condition::all()
        .add(case::Column::DeadlineAt.lt(now))
        .add(case::Column::Stage.is_in(running_stages()));
    if f.overdue {
        c = c.add(overdue.clone());
    }
    if let Some(mark) = f.mark {
        c = c.add(crate::supervision::marks::condition(
            mark,
            case::Column::Id,
            overdue,
        ));
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

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`: how many rows meet `cond`, counted in the same
/// pass as other such sums. The 32-bit literals keep PostgreSQL's SUM a bigint, not numeric.
fn count_where(cond: Condition) -> Expr {
    let case: Expr = Expr::case(cond, 1i32).finally(0i32).into();
    case.sum()
}

/// The header figures' counts, each a sum over one pass of the filtered cases.
#[derive(Debug, FromQueryResult)]
struct CaseSums {
    open: Option<i64>,
    overdue: Option<i64>,
    due: Option<i64>,
    postponed: Option<i64>,
    closed: Option<i64>,
    closed_on_time: Option<i64>,
}

fn count_of(sum: Option<i64>) -> u64 {
    sum.map_or(0, |n| u64::try_from(n).unwrap_or(0))
}

/// The header figures: two queries, one over the cases in the filter and one over their
/// verifications (each figure once counted on its own took eight).
async fn figures(
    conn: &impl ConnectionTrait,
    base: &Condition,
    now: OffsetDateTime,
) -> AppResult<Counts> {
    let open_stages: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(name_of)
        .collect();
    let closed = name_of(Stage::Closed);
    let due = Condition::any()
        .add(case::Column::DeadlineAt.lte(now))
        .add(case::Column::Stage.eq(closed.clone()));
    let sums =
        case::Entity::find()
            .select_only()
            .column_as(
                count_where(Condition::all().add(case::Column::Stage.is_in(open_stages))),
                "open",
            )
            .column_as(
                count_where(
                    Condition::all()
                        .add(case::Column::DeadlineAt.lt(now))
                        .add(case::Column::Stage.is_in(running_stages())),
                ),
                "overdue",
            )
            .column_as(
                count_where(
                    Condition::all()
                        .add(due.clone())
                        .add(case::Column::Stage.is_not_in([
                            name_of(Stage::Refused),
                            name_of(Stage::Voided),
                            name_of(Stage::Withdrawn),
                        ])),
                ),
                "due",
            )
            .column_as(
                count_where(
                    Condition::all()
                        .add(due)
                        .add(case::Column::Stage.eq(name_of(Stage::Postponed))),
                ),
                "postponed",
            )
            .column_as(
                count_where(Condition::all().add(case::Column::Stage.eq(closed.clone()))),
                "closed",
            )
            .column_as(
                count_where(Condition::all().add(case::Column::Stage.eq(closed)).add(
                    Expr::col(case::Column::ClosedAt).lte(Expr::col(case::Column::DeadlineAt)),
                )),
                "closed_on_time",
            )
            .filter(base.clone())
            .into_model::<CaseSums>()
            .one(conn)
            .await?;
    let in_scope = Query::select()
        .column(case::Column::Id)
        .from(case::Entity)
        .cond_where(base.clone())
        .to_owned();
    let (verifications, failed): (Option<i64>, Option<i64>) = event::Entity::find()
        .select_only()
        .column_as(
            count_where(
                Condition::all().add(event::Column::Action.is_in(["verify_pass", "verify_fail"])),
            ),
            "verifications",
        )
        .column_as(
            count_where(Condition::all().add(event::Column::Action.eq("verify_fail"))),
            "failed",
        )
        .filter(event::Column::Action.is_in(["verify_pass", "verify_fail"]))
        .filter(event::Column::CaseId.in_subquery(in_scope))
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or_default();
    let sums = sums.unwrap_or(CaseSums {
        open: None,
        overdue: None,
        due: None,
        postponed: None,
        closed: None,
        closed_on_time: None,
    });
    Ok(Counts {
        open: count_of(sums.open),
        overdue: count_of(sums.overdue),
        due: count_of(sums.due),
        postponed: count_of(sums.postponed),
        closed: count_of(sums.closed),
        closed_on_time: count_of(sums.closed_on_time),
        verifications: count_of(verifications),
        verifications_failed: count_of(failed),
    })
}

pub async fn board(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: &BoardFilter,
) -> AppResult<Board> {
    let now = OffsetDateTime::now_utc();
    // The cursor first: a change committed while we read is then replayed, never lost.
    let cursor = crate::db::largest::<event::Entity>(conn, event::Column::Id).await?;
    let base = condition(me, f, now)?;
    // Every column's total in one grouped count.
    let totals: HashMap<String, i64> = case::Entity::find()
        .select_only()
        .column(case::Column::Stage)
        .column_as(Expr::col(case::Column::Id).count(), "total")
        .filter(base.clone())
        .filter(case::Column::Stage.is_in(Stage::BOARD.map(name_of)))
        .group_by(case::Column::Stage)
        .into_tuple::<(String, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut columns = Vec::new();
    let mut assignees = Vec::new();
    for stage in Stage::BOARD {
        let total = count_of(totals.get(&name_of(stage)).copied());
        if total == 0 {
            columns.push((stage, 0, Vec::new()));
            continue;
        }
        let c = base.clone().add(case::Column::Stage.eq(name_of(stage)));
        let rows = case::Entity::find().filter(c);
        // The work columns are in the order people set; the closed column is the record of
        // what got done, newest first (after a year it would otherwise open with last year's).
        let rows = if stage == Stage::Closed {
            rows.order_by_desc(case::Column::ClosedAt)
                .order_by_desc(case::Column::Id)
        } else {
            rows.order_by_asc(case::Column::BoardRank)
                .order_by_asc(case::Column::Id)
        };
        let rows = rows.limit(SHOWN_PER_COLUMN).all(conn).await?;
        assignees.extend(rows.iter().filter_map(|r| r.assignee_id));
        columns.push((stage, total, rows));
    }
    assignees.sort();
    assignees.dedup();
    let shown: Vec<i64> = columns
        .iter()
        .flat_map(|(_, _, rows)| rows.iter().map(|r| r.id))
        .collect();
    let photos = crate::cases::photos::first_photos(conn, shown).await?;
    let names: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(assignees))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let limits: HashMap<String, wip_limit::Model> = wip_limit::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.stage.clone(), l))
        .collect();
    let mut columns: Vec<Column> = columns
        .into_iter()
        .map(|(stage, total, rows)| Column {
            stage,
            total,
            soft_limit: limits
                .get(&name_of(stage))
                .and_then(|l| l.soft)
                .and_then(|v| u32::try_from(v).ok()),
            hard_limit: limits
                .get(&name_of(stage))
                .and_then(|l| l.hard)
                .and_then(|v| u32::try_from(v).ok()),
            cards: rows
                .iter()
                .map(|r| Card {
                    case: summary(r, now),
                    rank: r.board_rank.clone(),
                    assignee_name: r.assignee_id.and_then(|a| names.get(&a).cloned()),
                    photo_id: photos.get(&r.id).copied(),
                    legal_actions: shared::cases::legal_actions(
                        stage,
                        me,
                        cases::relation(me, r, now),
                    ),
                })
                .collect(),
        })
        .collect();
    let mut shown: Vec<&mut shared::cases::CaseSummary> = Vec::new();
    for col in columns.iter_mut() {
        for card in col.cards.iter_mut() {
            shown.push(&mut card.case);
        }
    }
    crate::supervision::marks::apply(conn, shown).await?;
    Ok(Board {
        columns,
        figures: figures(conn, &base, now).await?.figures(),
        cursor: cursor.unwrap_or(0),
    })
}

/// Move a card within its column: one row written, with a version check.
pub async fn reorder(state: &AppState, me: &Principal, id: i64, r: Reorder) -> AppResult<Card> {
    let txn = state.db.begin_write().await?;
    let c = cases::find_visible(&*txn, me, id).await?;
    // Ordering is the office's and the grid's workers' tool, not the reporter's.
    if !(me.has_role(shared::accounts::Role::Staff)
        || me.has_role(shared::accounts::Role::Admin)
        || c.grid_id.is_some_and(|g| me.grid_ids.contains(&g)))
    {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let now = OffsetDateTime::now_utc();
    let stage = cases::stage_of(&c);
    let card_of = |c: &case::Model| Card {
        case: summary(c, now),
        rank: c.board_rank.clone(),
        assignee_name: None,
        photo_id: None,
        legal_actions: shared::cases::legal_actions(
            cases::stage_of(c),
            me,
            cases::relation(me, c, now),
        ),
    };
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
    let updated = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&card_of(&updated)));
    }
    let event_id = cases::append(
        &*txn,
        id,
        me,
        shared::cases::CaseEventKind::Reorder,
        Some(stage),
        Some(stage),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    state.live.publish(crate::cases::live::Change::of(
        event_id, "reorder", &updated,
    ));
    let mut card = card_of(&updated);
    crate::supervision::marks::apply(&state.db.conn, [&mut card.case]).await?;
    Ok(card)
}

/// Set the work-in-progress limits (admin). Columns not named keep theirs.
pub async fn set_limits(
    state: &AppState,
    limits: &[shared::board::WipLimit],
) -> AppResult<Vec<shared::board::WipLimit>> {
    use sea_orm::{ActiveModelTrait, Set};
    let mut errs = shared::error::FieldErrors::new();
    for (i, l) in limits.iter().enumerate() {
        if let Err(code) = l.validate() {
            errs.add(format!("{i}/hard"), code);
        }
    }
    errs.into_result()?;
    let txn = state.db.begin_write().await?;
    for l in limits {
        wip_limit::Entity::delete_by_id(name_of(l.stage))
            .exec(&*txn)
            .await?;
        if l.soft.is_some() || l.hard.is_some() {
            wip_limit::ActiveModel {
                stage: Set(name_of(l.stage)),
                soft: Set(l.soft.map(|v| Ord::min(v, i32::MAX as u32) as i32)),
                hard: Set(l.hard.map(|v| Ord::min(v, i32::MAX as u32) as i32)),
            }
            .insert(&*txn)
            .await?;
        }
    }
    let out = wip_limit::Entity::find()
        .all(&*txn)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(shared::board::WipLimit {
                stage: cases::parse(&l.stage)?,
                soft: l.soft.and_then(|v| u32::try_from(v).ok()),
                hard: l.hard.and_then(|v| u32::try_from(v).ok()),
            })
        })
        .collect();
    txn.commit().await?;
    Ok(out)
}

/// Only the settings the app has (`shared::board::SETTING_KEYS`); any other key names nothing.
fn setting_key(key: &str) -> AppResult<String> {
    if shared::board::SETTING_KEYS.contains(&key) {
        Ok(key.to_string())
    } else {
        Err(AppError::Code(ErrorCode::NotFound))
    }
}

/// One of the user's saved settings (for example the board's filters), or null.
pub async fn get_setting(
    conn: &impl ConnectionTrait,
    me: &Principal,
    key: &str,
) -> AppResult<serde_json::Value> {
    let key = setting_key(key)?;
    Ok(user_setting::Entity::find_by_id((me.user_id, key))
        .one(conn)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or(serde_json::Value::Null))
}

/// Save one of the user's settings (at most 8 KB of JSON).
pub async fn put_setting(
    state: &AppState,
    me: &Principal,
    key: &str,
    value: serde_json::Value,
) -> AppResult<serde_json::Value> {
    use sea_orm::{ActiveModelTrait, Set};
    let key = setting_key(key)?;
    let text = value.to_string();
    if text.len() > shared::board::SETTING_MAX_BYTES {
        return Err(AppError::Code(ErrorCode::PayloadTooLarge));
    }
    let txn = state.db.begin_write().await?;
    user_setting::Entity::delete_by_id((me.user_id, key.clone()))
        .exec(&*txn)
        .await?;
    user_setting::ActiveModel {
        user_id: Set(me.user_id),
        key: Set(key),
        value: Set(text),
        updated_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(value)
}
