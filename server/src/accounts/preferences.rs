//! One's own display preferences (elder mode, read aloud), the one-time elder-mode offer, and
//! one's home (the building to report at, the grid workers to call, 找网格员) — what the
//! resident's simple home needs about the account.

use super::residents::resident_of;
use super::store::{user, user_grid, user_preference, user_role};
use crate::db::OnUnique;
use crate::error::{AppError, AppResult};
use crate::places::service as places;
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::accounts::{
    GridWorkerContact, MyCare, MyMeal, MyVisit, Preferences, PreferencesView, Principal,
    ResidentHome, Role, UpdatePreferences, elder_mode_offered,
};
use shared::care::{MealMode, MealStatus, VisitMethod};
use shared::places::PlaceRefWithPath;

fn preferences_of(row: Option<&user_preference::Model>) -> Preferences {
    row.map_or_else(Preferences::default, |r| Preferences {
        elder_mode: r.elder_mode,
        read_aloud: r.read_aloud,
        channels: shared::supervision::ChannelPreferences {
            email: r.notify_email.clone(),
            phone: r.notify_phone.clone(),
            email_on: r.email_on,
            sms_on: r.sms_on,
            digest_on: r.digest_on,
        },
        version: r.version,
    })
}

async fn view(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<PreferencesView> {
    let row = user_preference::Entity::find_by_id(me.user_id)
        .one(conn)
        .await?;
    let preferences = preferences_of(row.as_ref());
    // Only a resident is asked, so only a resident's register record is read.
    let offer_elder_mode = if me.has_role(Role::Resident) {
        let birth_year = resident_of(conn, me.user_id)
            .await?
            .and_then(|r| r.birth_year);
        elder_mode_offered(
            &me.roles,
            birth_year,
            crate::clock::today(),
            &preferences,
            row.is_some_and(|r| r.elder_offer_answered),
        )
    } else {
        false
    };
    Ok(PreferencesView {
        preferences,
        offer_elder_mode,
    })
}

pub async fn get(state: &AppState, me: &Principal) -> AppResult<PreferencesView> {
    view(&state.db.conn, me).await
}

/// Save one's preferences at the version read; a stale version is a 409 with the current ones.
pub async fn update(
    state: &AppState,
    me: &Principal,
    req: UpdatePreferences,
) -> AppResult<PreferencesView> {
    let txn = state.db.begin_write().await?;
    let row = user_preference::Entity::find_by_id(me.user_id)
        .one(&*txn)
        .await?;
    let current = preferences_of(row.as_ref());
    if current.version != req.version {
        let current = view(&*txn, me).await?;
        return Err(AppError::conflict(&current));
    }
    let answered = req.offer_answered || row.as_ref().is_some_and(|r| r.elder_offer_answered);
    let channels = req.channels.unwrap_or_else(|| current.channels.clone());
    shared::supervision::validate_channels(&channels)?;
    let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let next = user_preference::ActiveModel {
        user_id: Set(me.user_id),
        elder_mode: Set(req.elder_mode),
        read_aloud: Set(req.read_aloud),
        elder_offer_answered: Set(answered),
        version: Set(current.version + 1),
        updated_at: Set(crate::clock::now()),
        notify_email: Set(blank(channels.email)),
        notify_phone: Set(blank(channels.phone)),
        email_on: Set(channels.email_on),
        sms_on: Set(channels.sms_on),
        digest_on: Set(channels.digest_on),
        unsubscribe_token: Set(row.as_ref().and_then(|r| r.unsubscribe_token.clone())),
    };
    // Two saves at once from two devices: the second finds the version moved (or the row
    // there) and gets a 409, never a silent overwrite.
    let stale = || {
        AppError::conflict(&PreferencesView {
            preferences: current.clone(),
            offer_elder_mode: false,
        })
    };
    if row.is_some() {
        let moved = user_preference::Entity::update_many()
            .set(next)
            .filter(user_preference::Column::UserId.eq(me.user_id))
            .filter(user_preference::Column::Version.eq(current.version))
            .exec(&*txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(stale());
        }
    } else {
        next.insert(&*txn).await.on_unique(stale())?;
    }
    let saved = view(&*txn, me).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Where the signed-in resident lives and whom to call: the building of their household (the
/// finest place they may name in a report) and the grid workers of their grid — enabled
/// accounts with the grid-worker role working there. Empty for an account not verified as a
/// registered resident.
pub async fn home(state: &AppState, me: &Principal) -> AppResult<ResidentHome> {
    let conn = &state.db.conn;
    let Some(resident) = resident_of(conn, me.user_id).await? else {
        return Ok(ResidentHome::default());
    };
    Ok(ResidentHome {
        place: home_place(conn, resident.household_id).await?,
        grid_workers: grid_workers(conn, resident.grid_id).await?,
    })
}

/// The place enclosing the household (its building), with its path: every place above a
/// household is one anyone signed in may see and name (`places::check_visible`).
async fn home_place(
    conn: &impl ConnectionTrait,
    household_id: i64,
) -> AppResult<Option<PlaceRefWithPath>> {
    let household = places::find(conn, household_id).await?;
    let mut path = places::path_of(conn, &household).await?;
    let Some(place) = path.pop() else {
        return Ok(None);
    };
    let location = path
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ");
    Ok(Some(PlaceRefWithPath { place, location }))
}

async fn grid_workers(
    conn: &impl ConnectionTrait,
    grid_id: i64,
) -> AppResult<Vec<GridWorkerContact>> {
    let Some(grid) = place::Entity::find_by_id(grid_id).one(conn).await? else {
        return Ok(Vec::new());
    };
    let in_grid: Vec<i64> = user_grid::Entity::find()
        .filter(user_grid::Column::GridId.eq(grid.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    let workers: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(in_grid))
        .filter(user_role::Column::Role.eq(Role::GridWorker.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let grid_ref = places::to_ref(&grid);
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(workers))
        .filter(user::Column::Disabled.eq(false))
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|u| GridWorkerContact {
            photo_url: u
                .photo_thumb
                .is_some()
                .then(|| shared::accounts::user_photo_url(u.id, u.version)),
            display_name: u.display_name,
            work_phone: u.work_phone,
            grid: grid_ref.clone(),
        })
        .collect())
}

/// How many meals and visits 我的事 lists, newest first: enough for the last weeks.
const MY_CARE_LIMIT: u64 = 10;

/// The signed-in resident's own meals and visits (我的事), by the register record their account
/// is verified as — never another resident's. What a visitor noted (needs, observations) stays
/// out: the resident is told who came and when. Empty for an account not verified as a
/// registered resident.
pub async fn care(state: &AppState, me: &Principal) -> AppResult<MyCare> {
    use crate::care::store::{order, visit};
    let conn = &state.db.conn;
    let Some(resident) = resident_of(conn, me.user_id).await? else {
        return Ok(MyCare::default());
    };
    let meals = order::Entity::find()
        .filter(order::Column::ResidentId.eq(resident.id))
        .filter(order::Column::Day.lte(crate::clock::today()))
        .order_by_desc(order::Column::Day)
        .order_by_desc(order::Column::Id)
        .limit(MY_CARE_LIMIT)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|o| {
            Some(MyMeal {
                day: o.day,
                mode: MealMode::parse(&o.mode)?,
                status: MealStatus::parse(&o.status)?,
            })
        })
        .collect();
    let visits = visit::Entity::find()
        .filter(visit::Column::ResidentId.eq(resident.id))
        .order_by_desc(visit::Column::VisitedAt)
        .order_by_desc(visit::Column::Id)
        .limit(MY_CARE_LIMIT)
        .all(conn)
        .await?;
    let visitors: Vec<i64> = visits.iter().filter_map(|v| v.visitor_id).collect();
    let grid_workers: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(visitors))
        .filter(user_role::Column::Role.eq(Role::GridWorker.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let visits = visits
        .into_iter()
        .filter_map(|v| {
            Some(MyVisit {
                visited_at: v.visited_at,
                by_grid_worker: v.visitor_id.is_some_and(|id| grid_workers.contains(&id)),
                method: VisitMethod::parse(&v.method)?,
                visitor_name: v.visitor_name,
            })
        })
        .collect();
    Ok(MyCare { meals, visits })
}
