//! Meal delivery (幸福餐桌): enrolment of eligible residents, daily menus, orders for eating in
//! or home delivery, each deliverer's route, delivery confirmation, counts per day and month.

use super::store::{enrolment, menu, order};
use crate::accounts::store::user;
use crate::db::{OnUnique, OneOr404};
use crate::error::{AppError, AppResult, Or404};
use crate::places::store::{place, resident, resident_group};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::accounts::{Permission, Principal, Scope, Work};
use shared::care::*;
use shared::error::{ErrorCode, FieldErrorCode};
use shared::places::SpecialGroup;
use std::collections::HashMap;
use time::Date;

/// A day outside the window is a field error: no menus for 2099, no orders a year back.
fn check_day(field: &str, day: Date, past_days: i64, ahead_days: i64) -> AppResult<()> {
    if day_in_window(day, crate::clock::today(), past_days, ahead_days) {
        Ok(())
    } else {
        Err(AppError::field(field, FieldErrorCode::OutOfRange))
    }
}

/// The grids whose meal service `me` runs: all for the office, their own for grid workers.
fn scope_condition(me: &Principal, grid_col: impl ColumnTrait) -> Option<Condition> {
    match me.scope(Permission::RevealSensitive) {
        Scope::All => Some(Condition::all()),
        Scope::Grids(g) => Some(Condition::all().add(grid_col.is_in(g))),
        Scope::None => None,
    }
}

async fn names(
    conn: &impl ConnectionTrait,
    resident_ids: Vec<i64>,
) -> AppResult<HashMap<i64, resident::Model>> {
    Ok(resident::Entity::find()
        .filter(resident::Column::Id.is_in(resident_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

async fn user_names(conn: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<HashMap<i64, String>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn enrolment_views(
    conn: &impl ConnectionTrait,
    rows: Vec<enrolment::Model>,
) -> AppResult<Vec<EnrolmentView>> {
    let people = names(conn, rows.iter().map(|e| e.resident_id).collect()).await?;
    let deliverers = user_names(
        conn,
        rows.iter().filter_map(|e| e.deliverer_user_id).collect(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| EnrolmentView {
            id: e.id,
            resident_id: e.resident_id,
            resident_name: people
                .get(&e.resident_id)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            grid_id: e.grid_id,
            mode: MealMode::parse(&e.mode).unwrap_or(MealMode::EatIn),
            deliverer_user_id: e.deliverer_user_id,
            deliverer_name: e
                .deliverer_user_id
                .and_then(|u| deliverers.get(&u).cloned()),
            notes: e.notes,
            active: e.active,
        })
        .collect())
}

/// Enrol an eligible resident (失独, 残疾, 空巢, 高龄, 独居).
pub async fn enrol(
    state: &AppState,
    me: &Principal,
    mut req: EnrolInput,
) -> AppResult<EnrolmentView> {
    if req.notes.chars().count() > 500 {
        return Err(AppError::field("notes", FieldErrorCode::TooLong));
    }
    let txn = state.db.begin_write().await?;
    let r = resident::Entity::find_by_id(req.resident_id)
        .one(&*txn)
        .await?
        .filter(|r| me.may_in_grid(Permission::EditPeople, Some(r.grid_id)))
        .ok_or_else(|| AppError::field("resident_id", FieldErrorCode::UnknownReference))?;
    // Only for a resident the caller may enrol (see `create_pairing`).
    if let Some(id) = super::service::account_by_username(
        &*txn,
        req.deliverer_username.as_deref(),
        "deliverer_username",
    )
    .await?
    {
        req.deliverer_user_id = Some(id);
    }
    let groups: Vec<SpecialGroup> = resident_group::Entity::find()
        .filter(resident_group::Column::ResidentId.eq(r.id))
        .all(&*txn)
        .await?
        .into_iter()
        .filter_map(|g| serde_json::from_value(serde_json::Value::String(g.group_name)).ok())
        .collect();
    if !meal_eligible(&groups) {
        return Err(AppError::field("resident_id", FieldErrorCode::NotAllowed));
    }
    if enrolment::Entity::find()
        .filter(enrolment::Column::ResidentId.eq(r.id))
        .filter(enrolment::Column::Active.eq(true))
        .one(&*txn)
        .await?
        .is_some()
    {
        return Err(AppError::field("resident_id", FieldErrorCode::Duplicate));
    }
    if req.mode == MealMode::Delivery && req.deliverer_user_id.is_none() {
        return Err(AppError::field(
            "deliverer_user_id",
            FieldErrorCode::Required,
        ));
    }
    if let Some(u) = req.deliverer_user_id {
        crate::accounts::service::check_named_person(
            &*txn,
            me,
            Work::MealDeliverer,
            u,
            Some(r.grid_id),
            "deliverer_user_id",
        )
        .await?;
    }
    // The check above sees committed enrolments only; two enrolments racing past it meet the
    // unique index `uq_meal_enrolments_one_active` (one active enrolment per resident).
    let e = enrolment::ActiveModel {
        resident_id: Set(r.id),
        grid_id: Set(r.grid_id),
        mode: Set(req.mode.as_str().into()),
        deliverer_user_id: Set(req.deliverer_user_id),
        notes: Set(req.notes.trim().to_string()),
        active: Set(true),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .on_unique(AppError::field("resident_id", FieldErrorCode::Duplicate))?;
    let out = enrolment_views(&*txn, vec![e]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

pub async fn enrolments(
    conn: &impl ConnectionTrait,
    me: &Principal,
) -> AppResult<Vec<EnrolmentView>> {
    let Some(cond) = scope_condition(me, enrolment::Column::GridId) else {
        return Err(AppError::Code(ErrorCode::Forbidden));
    };
    let rows = enrolment::Entity::find()
        .filter(cond)
        .filter(enrolment::Column::Active.eq(true))
        .order_by_asc(enrolment::Column::Id)
        .limit(LIST_LIMIT)
        .all(conn)
        .await?;
    enrolment_views(conn, rows).await
}

/// Set the menu of a day (the office).
pub async fn set_menu(state: &AppState, me: &Principal, req: MenuInput) -> AppResult<MenuView> {
    if !me.is_office() {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    check_day("day", req.day, MEAL_PAST_DAYS, MENU_AHEAD_DAYS)?;
    let dishes = req.dishes.trim().to_string();
    match dishes.chars().count() {
        0 => return Err(AppError::field("dishes", FieldErrorCode::Required)),
        n if n > 1000 => return Err(AppError::field("dishes", FieldErrorCode::TooLong)),
        _ => {}
    }
    let txn = state.db.begin_write().await?;
    menu::Entity::insert(menu::ActiveModel {
        day: Set(req.day),
        dishes: Set(dishes.clone()),
    })
    .on_conflict(
        OnConflict::column(menu::Column::Day)
            .update_column(menu::Column::Dishes)
            .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
    txn.commit().await?;
    Ok(MenuView {
        day: req.day,
        dishes,
    })
}

/// Menus of a period, for everyone (residents choose by them).
pub async fn menus(conn: &impl ConnectionTrait, from: Date, to: Date) -> AppResult<Vec<MenuView>> {
    check_day("from", from, MEAL_PAST_DAYS, MENU_AHEAD_DAYS)?;
    if to < from || to - from > time::Duration::days(62) {
        return Err(AppError::field("to", FieldErrorCode::OutOfRange));
    }
    Ok(menu::Entity::find()
        .filter(menu::Column::Day.between(from, to))
        .order_by_asc(menu::Column::Day)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| MenuView {
            day: m.day,
            dishes: m.dishes,
        })
        .collect())
}

/// Place the day's orders: one per enrolled resident (idempotent per day).
pub async fn place_orders(
    state: &AppState,
    me: &Principal,
    req: OrderInput,
) -> AppResult<Vec<OrderView>> {
    let Some(cond) = scope_condition(me, enrolment::Column::GridId) else {
        return Err(AppError::Code(ErrorCode::Forbidden));
    };
    check_day("day", req.day, ORDER_PAST_DAYS, ORDER_AHEAD_DAYS)?;
    if req.enrolment_ids.len() > 1000 {
        return Err(AppError::field("enrolment_ids", FieldErrorCode::OutOfRange));
    }
    let txn = state.db.begin_write().await?;
    let mut q = enrolment::Entity::find()
        .filter(cond)
        .filter(enrolment::Column::Active.eq(true));
    if !req.enrolment_ids.is_empty() {
        q = q.filter(enrolment::Column::Id.is_in(req.enrolment_ids.clone()));
    }
    let now = crate::clock::now();
    for e in q.all(&*txn).await? {
        order::Entity::insert(order::ActiveModel {
            day: Set(req.day),
            enrolment_id: Set(e.id),
            resident_id: Set(e.resident_id),
            grid_id: Set(e.grid_id),
            mode: Set(e.mode.clone()),
            deliverer_user_id: Set(e.deliverer_user_id),
            status: Set(MealStatus::Ordered.as_str().into()),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([order::Column::Day, order::Column::EnrolmentId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&*txn)
        .await?;
    }
    let out = orders_of_day(&*txn, me, req.day, false).await?;
    txn.commit().await?;
    Ok(out)
}

/// The orders of a day: a deliverer's route (their deliveries, by address) or, for those who
/// run the service, all of their grids'.
pub async fn orders_of_day(
    conn: &impl ConnectionTrait,
    me: &Principal,
    day: Date,
    mine: bool,
) -> AppResult<Vec<OrderView>> {
    let mut cond = Condition::any().add(order::Column::DelivererUserId.eq(me.user_id));
    if !mine && let Some(scope) = scope_condition(me, order::Column::GridId) {
        cond = cond.add(scope);
    }
    check_day("day", day, MEAL_PAST_DAYS, ORDER_AHEAD_DAYS)?;
    let rows = order::Entity::find()
        .filter(order::Column::Day.eq(day))
        .filter(cond)
        .order_by_asc(order::Column::Id)
        .limit(LIST_LIMIT)
        .all(conn)
        .await?;
    let people = names(conn, rows.iter().map(|o| o.resident_id).collect()).await?;
    let homes: HashMap<i64, place::Model> = place::Entity::find()
        .filter(
            place::Column::Id.is_in(people.values().map(|r| r.household_id).collect::<Vec<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let deliverers = user_names(
        conn,
        rows.iter().filter_map(|o| o.deliverer_user_id).collect(),
    )
    .await?;
    let mut out: Vec<(String, OrderView)> = rows
        .into_iter()
        .map(|o| {
            let r = people.get(&o.resident_id);
            let home = r.and_then(|r| homes.get(&r.household_id));
            let code = home.map(|h| h.code.clone()).unwrap_or_default();
            let address = home
                .map(|h| h.address.clone().unwrap_or_else(|| h.name.clone()))
                .unwrap_or_default();
            (
                code,
                OrderView {
                    id: o.id,
                    day: o.day,
                    resident_id: o.resident_id,
                    resident_name: r.map(|r| r.name.clone()).unwrap_or_default(),
                    address,
                    mode: MealMode::parse(&o.mode).unwrap_or(MealMode::EatIn),
                    deliverer_name: o
                        .deliverer_user_id
                        .and_then(|u| deliverers.get(&u).cloned()),
                    status: MealStatus::parse(&o.status).unwrap_or(MealStatus::Ordered),
                    delivered_at: o.delivered_at,
                    delivered_by: o.delivered_by,
                },
            )
        })
        .collect();
    // A route walks building by building: household codes sort that way.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, o)| o).collect())
}

/// Confirm a meal delivered (at the door or at the table).
pub async fn deliver(state: &AppState, me: &Principal, id: i64) -> AppResult<OrderView> {
    let txn = state.db.begin_write().await?;
    let o = order::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let mine = o.deliverer_user_id == Some(me.user_id);
    if !mine && !me.may_in_grid(Permission::RevealSensitive, Some(o.grid_id)) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    if o.status != MealStatus::Ordered.as_str() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let day = o.day;
    let res = order::Entity::update_many()
        .col_expr(
            order::Column::Status,
            Expr::value(MealStatus::Delivered.as_str()),
        )
        .col_expr(order::Column::DeliveredAt, Expr::value(crate::clock::now()))
        .col_expr(
            order::Column::DeliveredBy,
            Expr::value(me.display_name.clone()),
        )
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(MealStatus::Ordered.as_str()))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let out = orders_of_day(&*txn, me, day, false)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .or_404()?;
    txn.commit().await?;
    Ok(out)
}

/// Meals per day of a month and the month's totals, for those who run the service.
pub async fn counts(
    conn: &impl ConnectionTrait,
    me: &Principal,
    month: &str,
) -> AppResult<MealCounts> {
    let Some(cond) = scope_condition(me, order::Column::GridId) else {
        return Err(AppError::Code(ErrorCode::Forbidden));
    };
    let first = Date::parse(
        &format!("{month}-01"),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::field("month", FieldErrorCode::InvalidFormat))?;
    check_day("month", first, 366 * 10, 31)?;
    let last = Date::from_calendar_date(
        first.year(),
        first.month(),
        time::util::days_in_month(first.month(), first.year()),
    )
    .map_err(|_| AppError::field("month", FieldErrorCode::InvalidFormat))?;
    let rows = order::Entity::find()
        .filter(cond)
        .filter(order::Column::Day.between(first, last))
        .filter(order::Column::Status.ne(MealStatus::Cancelled.as_str()))
        .all(conn)
        .await?;
    let mut days: std::collections::BTreeMap<Date, MealDayCount> = Default::default();
    for o in &rows {
        let d = days.entry(o.day).or_insert(MealDayCount {
            day: o.day,
            ordered: 0,
            delivered: 0,
            eat_in: 0,
            home_delivery: 0,
        });
        d.ordered += 1;
        if o.status == MealStatus::Delivered.as_str() {
            d.delivered += 1;
        }
        if o.mode == MealMode::Delivery.as_str() {
            d.home_delivery += 1;
        } else {
            d.eat_in += 1;
        }
    }
    let days: Vec<MealDayCount> = days.into_values().collect();
    Ok(MealCounts {
        month_ordered: days.iter().map(|d| d.ordered).sum(),
        month_delivered: days.iter().map(|d| d.delivered).sum(),
        days,
    })
}
