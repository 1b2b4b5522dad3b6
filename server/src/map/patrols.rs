//! Patrols (巡查): a grid worker walks a grid with a phone, which sends the track in batches.
//! Who may patrol and who may see a patrol are `shared::map::may_patrol` / `may_see_patrol`;
//! a track's points are checked by `shared::map::validate_track`.

use crate::audit::{self, Record};
use crate::error::{AppError, AppResult, Or404};
use crate::http::RequestCtx;
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::accounts::Principal;
use shared::error::{ErrorCode, FieldErrorCode};
use shared::geo::BBox;
use shared::map::{
    AddTrackPoints, EndPatrol, Patrol, StartPatrol, TrackPoint, may_patrol, may_see_patrol,
    patrol_area, patrol_started_at, validate_track,
};
use shared::places::PlaceKind;
use std::collections::HashMap;
use time::OffsetDateTime;

entity!(patrol, "patrols", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub worker_name: String,
    pub grid_id: i64,
    pub started_at: TimeDateTimeWithTimeZone,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    pub version: i64,
});

entity!(point, "patrol_points", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub patrol_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub at: TimeDateTimeWithTimeZone,
});

async fn grid(conn: &impl ConnectionTrait, id: i64) -> AppResult<place::Model> {
    place::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|p| p.kind == PlaceKind::Grid.as_str())
        .ok_or_else(|| AppError::field("grid_id", FieldErrorCode::UnknownReference))
}

fn grid_box(g: &place::Model) -> Option<BBox> {
    Some(BBox {
        min_lon: g.min_lon?,
        min_lat: g.min_lat?,
        max_lon: g.max_lon?,
        max_lat: g.max_lat?,
    })
}

async fn points_of(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, Vec<TrackPoint>>> {
    let mut out: HashMap<i64, Vec<TrackPoint>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in point::Entity::find()
            .filter(point::Column::PatrolId.is_in(chunk.to_vec()))
            .order_by_asc(point::Column::Id)
            .all(conn)
            .await?
        {
            out.entry(p.patrol_id).or_default().push(TrackPoint {
                lon: p.lon,
                lat: p.lat,
                at: p.at,
            });
        }
    }
    Ok(out)
}

fn to_view(p: patrol::Model, grid_name: String, points: Vec<TrackPoint>) -> Patrol {
    Patrol {
        id: p.id,
        user_id: p.user_id,
        worker_name: p.worker_name,
        grid_id: p.grid_id,
        grid_name,
        started_at: p.started_at,
        ended_at: p.ended_at,
        points,
        version: p.version,
    }
}

async fn view(conn: &impl ConnectionTrait, p: patrol::Model) -> AppResult<Patrol> {
    let name = place::Entity::find_by_id(p.grid_id)
        .one(conn)
        .await?
        .map(|g| g.name)
        .unwrap_or_default();
    let points = points_of(conn, &[p.id])
        .await?
        .remove(&p.id)
        .unwrap_or_default();
    Ok(to_view(p, name, points))
}

/// A patrol its reader may see, or 404.
async fn find_visible(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<patrol::Model> {
    patrol::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|p| may_see_patrol(me, p.user_id, p.grid_id))
        .or_404()
}

/// Begin a patrol of a grid (grid workers in their grids; the office anywhere).
pub async fn start(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: StartPatrol,
) -> AppResult<Patrol> {
    crate::accounts::require(me, shared::accounts::Permission::Patrol)?;
    let txn = state.db.begin_write().await?;
    let g = grid(&*txn, req.grid_id).await?;
    if !may_patrol(me, g.id) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let started_at = patrol_started_at(&req, crate::clock::now())?;
    let m = patrol::ActiveModel {
        user_id: Set(me.user_id),
        worker_name: Set(me.display_name.clone()),
        grid_id: Set(g.id),
        // Stored in UTC: SQLite orders times as text.
        started_at: Set(started_at.to_offset(time::UtcOffset::UTC)),
        ended_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PatrolStart, "patrol", m.id).about(
            shared::audit::AuditDetail::Name {
                name: g.code.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(to_view(m, g.name, Vec::new()))
}

/// The patrol's walker adds a batch of points while it is under way.
pub async fn add_points(
    state: &AppState,
    me: &Principal,
    id: i64,
    req: AddTrackPoints,
) -> AppResult<Patrol> {
    let txn = state.db.begin_write().await?;
    let p = find_visible(&*txn, me, id).await?;
    if p.user_id != me.user_id {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if p.ended_at.is_some() {
        return Err(AppError::field("ended_at", FieldErrorCode::NotAllowed));
    }
    let g = grid(&*txn, p.grid_id).await?;
    let area = grid_box(&g)
        .map(patrol_area)
        .ok_or_else(|| AppError::field("grid_id", FieldErrorCode::InvalidGeometry))?;
    let last = point::Entity::find()
        .filter(point::Column::PatrolId.eq(id))
        .order_by_desc(point::Column::At)
        .one(&*txn)
        .await?
        .map(|l| l.at)
        .unwrap_or(p.started_at);
    // The phone's clock may run a little behind the server's: allow its first point to be a
    // minute before the start the server wrote.
    let after = if last == p.started_at {
        last - time::Duration::seconds(60)
    } else {
        last
    };
    validate_track(&req.points, area, after, crate::clock::now())?;
    point::Entity::insert_many(req.points.iter().map(|t| point::ActiveModel {
        patrol_id: Set(id),
        lon: Set(t.lon),
        lat: Set(t.lat),
        // Stored in UTC: SQLite orders times as text.
        at: Set(t.at.to_offset(time::UtcOffset::UTC)),
        ..Default::default()
    }))
    .exec(&*txn)
    .await?;
    let out = view(&*txn, p).await?;
    txn.commit().await?;
    Ok(out)
}

/// The walker ends the patrol (versioned: a stale version gets 409 with the patrol).
pub async fn end(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: EndPatrol,
) -> AppResult<Patrol> {
    let txn = state.db.begin_write().await?;
    let p = find_visible(&*txn, me, id).await?;
    if p.user_id != me.user_id {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if p.version != req.version {
        return Err(AppError::conflict(&view(&*txn, p).await?));
    }
    if p.ended_at.is_some() {
        return Err(AppError::field("ended_at", FieldErrorCode::NotAllowed));
    }
    let res = patrol::Entity::update_many()
        .col_expr(
            patrol::Column::EndedAt,
            Expr::value(Some(crate::clock::now())),
        )
        .col_expr(
            patrol::Column::Version,
            crate::db::next_version(patrol::Column::Version),
        )
        .filter(patrol::Column::Id.eq(id))
        .filter(patrol::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        let now = find_visible(&*txn, me, id).await?;
        return Err(AppError::conflict(&view(&*txn, now).await?));
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PatrolEnd, "patrol", id),
    )
    .await?;
    let out = view(&*txn, find_visible(&*txn, me, id).await?).await?;
    txn.commit().await?;
    Ok(out)
}

/// Patrols started on one day (Asia/Shanghai) that the reader may see: the office all, a grid
/// worker those of their grids and their own. Others may see none (403).
pub async fn of_day(
    conn: &impl ConnectionTrait,
    me: &Principal,
    from: OffsetDateTime,
    grid_id: Option<i64>,
) -> AppResult<Vec<Patrol>> {
    crate::accounts::require(me, shared::accounts::Permission::Patrol)?;
    let mut q = patrol::Entity::find()
        .filter(patrol::Column::StartedAt.gte(from))
        .filter(patrol::Column::StartedAt.lt(from + time::Duration::days(1)));
    if let Some(g) = grid_id {
        q = q.filter(patrol::Column::GridId.eq(g));
    }
    if !me.is_office() {
        q = q.filter(
            sea_orm::Condition::any()
                .add(patrol::Column::UserId.eq(me.user_id))
                .add(patrol::Column::GridId.is_in(me.grid_ids.clone())),
        );
    }
    let rows: Vec<patrol::Model> = q
        .order_by_asc(patrol::Column::StartedAt)
        .all(conn)
        .await?
        .into_iter()
        .filter(|p| may_see_patrol(me, p.user_id, p.grid_id))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut points = points_of(conn, &ids).await?;
    let grid_ids: Vec<i64> = rows.iter().map(|p| p.grid_id).collect();
    let names: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Id.is_in(grid_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let name = names.get(&p.grid_id).cloned().unwrap_or_default();
            let pts = points.remove(&p.id).unwrap_or_default();
            to_view(p, name, pts)
        })
        .collect())
}
