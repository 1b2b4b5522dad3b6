//! Time limits: the SLA table per category and urgency, and the office calendar it counts on.

use crate::cases::store::{calendar_day, category, sla_rule};
use crate::error::AppResult;
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::calendar::{Limit, WorkCalendar};
use shared::cases::Urgency;
use shared::error::FieldErrorCode;

/// The office calendar: weekdays 9:00–17:00 plus the configured holidays and 调休 days.
pub async fn calendar(conn: &impl ConnectionTrait) -> AppResult<WorkCalendar> {
    let mut cal = WorkCalendar::default();
    for d in calendar_day::Entity::find().all(conn).await? {
        if d.kind == "workday" {
            cal.adjusted_workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok(cal)
}

pub(super) async fn limit_for(
    conn: &impl ConnectionTrait,
    category_id: i64,
    urgency: &str,
) -> AppResult<Option<Limit>> {
    let rule = sla_rule::Entity::find()
        .filter(sla_rule::Column::CategoryId.eq(category_id))
        .filter(sla_rule::Column::Urgency.eq(urgency))
        .one(conn)
        .await?;
    Ok(rule.and_then(|r| {
        let amount = u32::try_from(r.amount).ok()?;
        let limit = match r.unit.as_str() {
            "working_hours" => Limit::WorkingHours(amount),
            "working_days" => Limit::WorkingDays(amount),
            _ => return None,
        };
        limit.is_valid().then_some(limit)
    }))
}

/// The SLA table.
pub async fn sla_rules(conn: &impl ConnectionTrait) -> AppResult<Vec<shared::cases::SlaRule>> {
    Ok(sla_rule::Entity::find()
        .order_by_asc(sla_rule::Column::CategoryId)
        .order_by_asc(sla_rule::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| {
            let amount = u32::try_from(r.amount).ok()?;
            let limit = match r.unit.as_str() {
                "working_hours" => Limit::WorkingHours(amount),
                "working_days" => Limit::WorkingDays(amount),
                _ => return None,
            };
            Some(shared::cases::SlaRule {
                category_id: r.category_id,
                urgency: Urgency::parse(&r.urgency)?,
                limit,
            })
        })
        .collect())
}

/// Set time limits (admin): each given rule replaces the one for its category and urgency.
pub async fn set_sla_rules(
    state: &AppState,
    rules: &[shared::cases::SlaRule],
) -> AppResult<Vec<shared::cases::SlaRule>> {
    let mut errs = shared::error::FieldErrors::new();
    let txn = state.db.begin_write().await?;
    for (i, r) in rules.iter().enumerate() {
        if !r.limit.is_valid() {
            errs.add(format!("{i}/limit"), FieldErrorCode::OutOfRange);
        }
        let leaf = category::Entity::find_by_id(r.category_id)
            .one(&*txn)
            .await?
            .is_some_and(|c| c.parent_id.is_some());
        if !leaf {
            errs.add(format!("{i}/category_id"), FieldErrorCode::UnknownReference);
        }
    }
    errs.into_result()?;
    for r in rules {
        let (unit, amount) = match r.limit {
            Limit::WorkingHours(h) => ("working_hours", h),
            Limit::WorkingDays(d) => ("working_days", d),
        };
        sla_rule::Entity::delete_many()
            .filter(sla_rule::Column::CategoryId.eq(r.category_id))
            .filter(sla_rule::Column::Urgency.eq(r.urgency.as_str()))
            .exec(&*txn)
            .await?;
        sla_rule::ActiveModel {
            category_id: Set(r.category_id),
            urgency: Set(r.urgency.as_str().to_string()),
            unit: Set(unit.to_string()),
            amount: Set(amount as i32),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let out = sla_rules(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn calendar_days(
    conn: &impl ConnectionTrait,
) -> AppResult<Vec<shared::cases::CalendarDay>> {
    Ok(calendar_day::Entity::find()
        .order_by_asc(calendar_day::Column::Day)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| shared::cases::CalendarDay {
            day: d.day,
            kind: if d.kind == "workday" {
                shared::cases::DayKind::Workday
            } else {
                shared::cases::DayKind::Holiday
            },
            name: d.name,
        })
        .collect())
}

/// Mark days as holidays or adjusted working days (admin); `None` kind removes nothing —
/// to restore a normal day, use `clear_calendar_day`.
pub async fn set_calendar_days(
    state: &AppState,
    days: &[shared::cases::CalendarDay],
) -> AppResult<Vec<shared::cases::CalendarDay>> {
    let mut errs = shared::error::FieldErrors::new();
    for (i, d) in days.iter().enumerate() {
        if shared::validate::optional_text(d.name.as_deref(), 64).is_err() {
            errs.add(format!("{i}/name"), FieldErrorCode::TooLong);
        }
    }
    errs.into_result()?;
    let txn = state.db.begin_write().await?;
    for d in days {
        calendar_day::Entity::delete_by_id(d.day)
            .exec(&*txn)
            .await?;
        calendar_day::ActiveModel {
            day: Set(d.day),
            kind: Set(match d.kind {
                shared::cases::DayKind::Holiday => "holiday".into(),
                shared::cases::DayKind::Workday => "workday".into(),
            }),
            name: Set(shared::validate::optional_text(d.name.as_deref(), 64)
                .ok()
                .flatten()),
        }
        .insert(&*txn)
        .await?;
    }
    let out = calendar_days(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn clear_calendar_day(state: &AppState, day: time::Date) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    calendar_day::Entity::delete_by_id(day).exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}
