//! The hierarchy's rules and transactions: browsing with scope, and admin edits with
//! versions. Households are people's data and follow the people permissions.

use super::store::{geometry_version, place, place_leader, resident};
use crate::accounts::{require, require_in_grid};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::accounts::{Permission, Principal};
use shared::error::{ErrorCode, FieldErrorCode, FieldErrors};
use shared::places::{
    CreatePlace, Leader, LeaderTitle, PlaceKind, PlaceRef, PlaceSummary, PlaceView, UpdatePlace,
    ValidPlace, validate_place,
};
use std::collections::HashMap;
use time::OffsetDateTime;

pub fn kind_of(m: &place::Model) -> PlaceKind {
    PlaceKind::parse(&m.kind).unwrap_or(PlaceKind::Household)
}

pub fn to_ref(m: &place::Model) -> PlaceRef {
    PlaceRef {
        id: m.id,
        kind: kind_of(m),
        code: m.code.clone(),
        name: m.name.clone(),
    }
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> AppResult<place::Model> {
    place::Entity::find_by_id(id).one_or_404(conn).await
}

/// Households are people's data: only users who may see people in that grid see them.
/// Outside their scope a household does not exist for them (404), so ids reveal nothing.
pub fn check_visible(me: &Principal, m: &place::Model) -> AppResult<()> {
    if kind_of(m).holds_people() {
        require(me, Permission::ViewPeople)?;
        if !me.may_in_grid(Permission::ViewPeople, m.grid_id) {
            return Err(AppError::Code(ErrorCode::NotFound));
        }
    }
    Ok(())
}

/// The ancestors of a place, from the street down to its parent.
pub async fn path_of(conn: &impl ConnectionTrait, m: &place::Model) -> AppResult<Vec<PlaceRef>> {
    let mut path = Vec::new();
    let mut next = m.parent_id;
    while let Some(id) = next {
        let p = find(conn, id).await?;
        path.push(to_ref(&p));
        next = p.parent_id;
    }
    path.reverse();
    Ok(path)
}

async fn leaders_of(conn: &impl ConnectionTrait, place_id: i64) -> AppResult<Vec<Leader>> {
    Ok(place_leader::Entity::find()
        .filter(place_leader::Column::PlaceId.eq(place_id))
        .order_by_asc(place_leader::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|l| {
            let title: LeaderTitle =
                serde_json::from_value(serde_json::Value::String(l.title)).ok()?;
            Some(Leader {
                title,
                name: l.name,
                user_id: l.user_id,
            })
        })
        .collect())
}

async fn child_counts(conn: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, u64>> {
    let rows: Vec<(Option<i64>, i64)> = place::Entity::find()
        .select_only()
        .column(place::Column::ParentId)
        .column_as(place::Column::Id.count(), "n")
        .filter(place::Column::ParentId.is_in(ids.to_vec()))
        .group_by(place::Column::ParentId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, n)| p.map(|p| (p, n as u64)))
        .collect())
}

async fn count_residents_by(
    conn: &impl ConnectionTrait,
    col: resident::Column,
    ids: Vec<i64>,
) -> AppResult<HashMap<i64, u64>> {
    let rows: Vec<(i64, i64)> = resident::Entity::find()
        .select_only()
        .column(col)
        .column_as(resident::Column::Id.count(), "n")
        .filter(col.is_in(ids))
        .group_by(col)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(k, n)| (k, n as u64)).collect())
}

/// Residents under each place, for the levels where this is cheap to count.
async fn resident_counts(
    conn: &impl ConnectionTrait,
    children: &[place::Model],
) -> AppResult<HashMap<i64, u64>> {
    let Some(kind) = children.first().map(kind_of) else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    match kind {
        PlaceKind::Grid => count_residents_by(conn, resident::Column::GridId, ids).await,
        PlaceKind::Household => count_residents_by(conn, resident::Column::HouseholdId, ids).await,
        PlaceKind::Building => {
            let households: Vec<(i64, Option<i64>)> = place::Entity::find()
                .select_only()
                .column(place::Column::Id)
                .column(place::Column::ParentId)
                .filter(place::Column::ParentId.is_in(ids))
                .into_tuple()
                .all(conn)
                .await?;
            let per_household = count_residents_by(
                conn,
                resident::Column::HouseholdId,
                households.iter().map(|h| h.0).collect(),
            )
            .await?;
            let mut out = HashMap::new();
            for (h, b) in households {
                if let Some(b) = b {
                    *out.entry(b).or_insert(0) += per_household.get(&h).copied().unwrap_or(0);
                }
            }
            Ok(out)
        }
        _ => Ok(HashMap::new()),
    }
}

async fn summaries(
    conn: &impl ConnectionTrait,
    me: &Principal,
    rows: Vec<place::Model>,
) -> AppResult<Vec<PlaceSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = child_counts(conn, &ids).await?;
    let residents = if me.may(Permission::ViewPeople) {
        resident_counts(conn, &rows).await?
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let visible = me.may_in_grid(Permission::ViewPeople, r.grid_id)
                && matches!(
                    kind_of(&r),
                    PlaceKind::Grid | PlaceKind::Building | PlaceKind::Household
                );
            PlaceSummary {
                id: r.id,
                kind: kind_of(&r),
                child_count: counts.get(&r.id).copied().unwrap_or(0),
                resident_count: visible.then(|| residents.get(&r.id).copied().unwrap_or(0)),
                code: r.code,
                name: r.name,
                address: r.address,
            }
        })
        .collect())
}

pub async fn roots(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<PlaceSummary>> {
    let rows = place::Entity::find()
        .filter(place::Column::ParentId.is_null())
        .order_by_asc(place::Column::Code)
        .all(conn)
        .await?;
    summaries(conn, me, rows).await
}

/// Every grid with where it is ("幸福街道 / 幸福社区 / 第一网格"), for pickers.
pub async fn grids(
    conn: &impl ConnectionTrait,
) -> AppResult<Vec<shared::places::PlaceRefWithPath>> {
    let grids = place::Entity::find()
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .order_by_asc(place::Column::Code)
        .all(conn)
        .await?;
    let mut upper_ids: Vec<i64> = grids.iter().filter_map(|g| g.parent_id).collect();
    let communities: HashMap<i64, place::Model> = place::Entity::find()
        .filter(place::Column::Id.is_in(upper_ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    upper_ids = communities.values().filter_map(|c| c.parent_id).collect();
    let streets: HashMap<i64, place::Model> = place::Entity::find()
        .filter(place::Column::Id.is_in(upper_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(grids
        .iter()
        .map(|g| {
            let community = g.parent_id.and_then(|c| communities.get(&c));
            let street = community
                .and_then(|c| c.parent_id)
                .and_then(|s| streets.get(&s));
            let location = [
                street.map(|s| s.name.as_str()),
                community.map(|c| c.name.as_str()),
                Some(g.name.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
            shared::places::PlaceRefWithPath {
                place: to_ref(g),
                location,
            }
        })
        .collect())
}

pub async fn children(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<Vec<PlaceSummary>> {
    let parent = find(conn, id).await?;
    check_visible(me, &parent)?;
    if kind_of(&parent)
        .child()
        .is_some_and(PlaceKind::holds_people)
        && !me.may_in_grid(Permission::ViewPeople, parent.grid_id)
    {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let rows = place::Entity::find()
        .filter(place::Column::ParentId.eq(id))
        .order_by_asc(place::Column::Code)
        .order_by_asc(place::Column::Id)
        .all(conn)
        .await?;
    summaries(conn, me, rows).await
}

pub async fn view(conn: &impl ConnectionTrait, m: place::Model) -> AppResult<PlaceView> {
    let path = path_of(conn, &m).await?;
    let leaders = leaders_of(conn, m.id).await?;
    let child_count = child_counts(conn, &[m.id])
        .await?
        .get(&m.id)
        .copied()
        .unwrap_or(0);
    Ok(PlaceView {
        id: m.id,
        kind: kind_of(&m),
        parent_id: m.parent_id,
        grid_id: m.grid_id,
        code: m.code,
        name: m.name,
        address: m.address,
        geometry: m
            .geometry
            .as_deref()
            .and_then(|g| serde_json::from_str(g).ok()),
        leaders,
        child_count,
        path,
        version: m.version,
    })
}

pub async fn get(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppResult<PlaceView> {
    let m = find(conn, id).await?;
    check_visible(me, &m)?;
    view(conn, m).await
}

/// Who may write a place: admins for the structure; people-editors of that grid for households.
fn require_edit(me: &Principal, kind: PlaceKind, grid_id: Option<i64>) -> AppResult<()> {
    if kind.holds_people() {
        require(me, Permission::EditPeople)?;
        require_in_grid(me, Permission::EditPeople, grid_id)
    } else {
        require(me, Permission::EditPlaces)
    }
}

async fn code_taken(
    conn: &impl ConnectionTrait,
    kind: PlaceKind,
    code: &str,
    except: Option<i64>,
) -> AppResult<bool> {
    let mut q = place::Entity::find()
        .filter(place::Column::Kind.eq(kind.as_str()))
        .filter(place::Column::Code.eq(code));
    if let Some(id) = except {
        q = q.filter(place::Column::Id.ne(id));
    }
    Ok(q.one(conn).await?.is_some())
}

/// Leaders may name an account; it must exist.
async fn check_leader_accounts(conn: &impl ConnectionTrait, leaders: &[Leader]) -> AppResult<()> {
    use crate::accounts::store::user;
    for (i, l) in leaders.iter().enumerate() {
        if let Some(uid) = l.user_id {
            if user::Entity::find_by_id(uid).one(conn).await?.is_none() {
                return Err(AppError::field(
                    &format!("leaders/{i}/user_id"),
                    FieldErrorCode::UnknownReference,
                ));
            }
        }
    }
    Ok(())
}

pub async fn replace_leaders(
    conn: &impl ConnectionTrait,
    place_id: i64,
    leaders: &[Leader],
) -> AppResult<()> {
    check_leader_accounts(conn, leaders).await?;
    place_leader::Entity::delete_many()
        .filter(place_leader::Column::PlaceId.eq(place_id))
        .exec(conn)
        .await?;
    for (i, l) in leaders.iter().enumerate() {
        place_leader::ActiveModel {
            place_id: Set(place_id),
            position: Set(i as i32),
            title: Set(serde_json::to_value(l.title)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()),
            name: Set(l.name.clone()),
            user_id: Set(l.user_id),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

pub fn geometry_columns(v: &ValidPlace) -> (Option<String>, [Option<f64>; 4]) {
    match &v.geometry {
        Some((json, checked)) => {
            let b = checked.bbox;
            // Only what a geometry is: other members a client sent are not stored.
            let clean =
                serde_json::json!({"type": json["type"], "coordinates": json["coordinates"]});
            (
                Some(clean.to_string()),
                [
                    Some(b.min_lon),
                    Some(b.min_lat),
                    Some(b.max_lon),
                    Some(b.max_lat),
                ],
            )
        }
        None => (None, [None; 4]),
    }
}

/// Insert a checked place under a parent without permission checks (service and seeding).
pub async fn insert(
    conn: &impl ConnectionTrait,
    kind: PlaceKind,
    parent: Option<&place::Model>,
    v: &ValidPlace,
) -> AppResult<place::Model> {
    let t = OffsetDateTime::now_utc();
    let (geometry, [min_lon, min_lat, max_lon, max_lat]) = geometry_columns(v);
    let m = place::ActiveModel {
        kind: Set(kind.as_str().to_string()),
        parent_id: Set(parent.map(|p| p.id)),
        code: Set(v.code.as_str().to_string()),
        name: Set(v.name.as_str().to_string()),
        address: Set(v.address.clone()),
        geometry: Set(geometry),
        min_lon: Set(min_lon),
        min_lat: Set(min_lat),
        max_lon: Set(max_lon),
        max_lat: Set(max_lat),
        grid_id: Set(parent.and_then(|p| p.grid_id)),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // A grid is its own grid: scope checks then need one column at every level below.
    let m = if kind == PlaceKind::Grid {
        let mut am: place::ActiveModel = m.into();
        am.grid_id = Set(Some(*am.id.as_ref()));
        am.update(conn).await?
    } else {
        m
    };
    replace_leaders(conn, m.id, &v.leaders).await?;
    Ok(m)
}

/// Topology of an area's shape among its neighbours (that it does not cross itself is
/// checked with its shape): it must not overlap a sibling of its level (sharing a border is fine), must lie inside its parent,
/// and (when changed) must still hold its children. Errors name the place in the way:
/// `geometry/overlaps/<code>`, `geometry/children/<code>`.
pub(crate) async fn check_topology(
    conn: &impl ConnectionTrait,
    kind: PlaceKind,
    parent: Option<&place::Model>,
    id: Option<i64>,
    v: &ValidPlace,
) -> AppResult<()> {
    let Some((g, checked)) = &v.geometry else {
        return Ok(());
    };
    if !matches!(kind, PlaceKind::Grid | PlaceKind::MicroGrid)
        || checked.kind == shared::geo::GeometryType::Point
    {
        return Ok(());
    }
    let mut errs = FieldErrors::new();
    let b = checked.bbox;
    let mut siblings = place::Entity::find()
        .filter(place::Column::Kind.eq(kind.as_str()))
        .filter(place::Column::MinLon.lte(b.max_lon))
        .filter(place::Column::MaxLon.gte(b.min_lon))
        .filter(place::Column::MinLat.lte(b.max_lat))
        .filter(place::Column::MaxLat.gte(b.min_lat));
    siblings = match parent {
        Some(p) => siblings.filter(place::Column::ParentId.eq(p.id)),
        None => siblings.filter(place::Column::ParentId.is_null()),
    };
    if let Some(id) = id {
        siblings = siblings.filter(place::Column::Id.ne(id));
    }
    for s in siblings.all(conn).await? {
        let other: Option<serde_json::Value> = s
            .geometry
            .as_deref()
            .and_then(|x| serde_json::from_str(x).ok());
        if other.is_some_and(|o| shared::geo::overlaps(g, &o)) {
            errs.add(
                format!("geometry/overlaps/{}", s.code),
                FieldErrorCode::Overlaps,
            );
        }
    }
    if let Some(pg) = parent
        .and_then(|p| p.geometry.as_deref())
        .and_then(|x| serde_json::from_str::<serde_json::Value>(x).ok())
    {
        if !shared::geo::covers(&pg, g) {
            errs.add("geometry", FieldErrorCode::OutsideParent);
        }
    }
    if let Some(id) = id {
        for c in place::Entity::find()
            .filter(place::Column::ParentId.eq(id))
            .all(conn)
            .await?
        {
            let cg: Option<serde_json::Value> = c
                .geometry
                .as_deref()
                .and_then(|x| serde_json::from_str(x).ok());
            if cg.is_some_and(|cg| {
                kind_of(&c) != PlaceKind::Building && !shared::geo::covers(g, &cg)
            }) {
                errs.add(
                    format!("geometry/children/{}", c.code),
                    FieldErrorCode::OutsideParent,
                );
            }
        }
    }
    Ok(errs.into_result()?)
}

pub async fn create(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: CreatePlace,
) -> AppResult<PlaceView> {
    let txn = state.db.begin_write().await?;
    let parent = match req.parent_id {
        Some(id) => Some(
            place::Entity::find_by_id(id)
                .one(&*txn)
                .await?
                .ok_or_else(|| AppError::field("parent_id", FieldErrorCode::UnknownReference))?,
        ),
        None => None,
    };
    require_edit(me, req.kind, parent.as_ref().and_then(|p| p.grid_id))?;
    let mut v = validate_place(
        req.kind,
        parent.as_ref().map(kind_of),
        &req.code,
        &req.name,
        req.address.as_deref(),
        req.geometry.as_ref(),
        &req.leaders,
    );
    if let Ok(ok) = &v {
        if code_taken(&*txn, req.kind, ok.code.as_str(), None).await? {
            let mut e = FieldErrors::new();
            e.add("code", FieldErrorCode::Duplicate);
            v = Err(e);
        }
    }
    let v = v?;
    check_topology(&*txn, req.kind, parent.as_ref(), None, &v).await?;
    let m = insert(&*txn, req.kind, parent.as_ref(), &v).await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::PlaceCreate,
            req.kind.as_str(),
            m.id,
        )
        .about(shared::audit::AuditDetail::Name {
            name: m.code.clone(),
        }),
    )
    .await?;
    let out = view(&*txn, m).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn update(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: UpdatePlace,
) -> AppResult<PlaceView> {
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, id).await?;
    let kind = kind_of(&current);
    check_visible(me, &current)?;
    require_edit(me, kind, current.grid_id)?;
    let parent = match current.parent_id {
        Some(p) => Some(find(&*txn, p).await?),
        None => None,
    };
    let parent_kind = parent.as_ref().map(kind_of);
    let mut v = validate_place(
        kind,
        parent_kind,
        &req.code,
        &req.name,
        req.address.as_deref(),
        req.geometry.as_ref(),
        &req.leaders,
    );
    if let Ok(ok) = &v {
        if code_taken(&*txn, kind, ok.code.as_str(), Some(id)).await? {
            let mut e = FieldErrors::new();
            e.add("code", FieldErrorCode::Duplicate);
            v = Err(e);
        }
    }
    let v = v?;
    if current.version != req.version {
        return Err(AppError::conflict(&view(&*txn, current).await?));
    }
    check_topology(&*txn, kind, parent.as_ref(), Some(id), &v).await?;
    let (geometry, [min_lon, min_lat, max_lon, max_lat]) = geometry_columns(&v);
    keep_geometry(&*txn, me, &current, geometry.as_deref()).await?;
    let res = place::Entity::update_many()
        .col_expr(place::Column::Code, Expr::value(v.code.as_str()))
        .col_expr(place::Column::Name, Expr::value(v.name.as_str()))
        .col_expr(place::Column::Address, Expr::value(v.address.clone()))
        .col_expr(place::Column::Geometry, Expr::value(geometry))
        .col_expr(place::Column::MinLon, Expr::value(min_lon))
        .col_expr(place::Column::MinLat, Expr::value(min_lat))
        .col_expr(place::Column::MaxLon, Expr::value(max_lon))
        .col_expr(place::Column::MaxLat, Expr::value(max_lat))
        .col_expr(
            place::Column::Version,
            crate::db::next_version(place::Column::Version),
        )
        .col_expr(
            place::Column::UpdatedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(place::Column::Id.eq(id))
        .filter(place::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        // Someone else's write landed between our read and our update: answer with theirs.
        return Err(AppError::conflict(
            &view(&*txn, find(&*txn, id).await?).await?,
        ));
    }
    replace_leaders(&*txn, id, &v.leaders).await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PlaceUpdate, kind.as_str(), id),
    )
    .await?;
    let out = view(&*txn, find(&*txn, id).await?).await?;
    txn.commit().await?;
    Ok(out)
}

/// Keep the outline an update replaces (grids and micro-grids), so it can be undone.
async fn keep_geometry(
    conn: &impl ConnectionTrait,
    me: &Principal,
    current: &place::Model,
    new: Option<&str>,
) -> AppResult<()> {
    let parse = |g: Option<&str>| g.and_then(|g| serde_json::from_str::<serde_json::Value>(g).ok());
    if !matches!(kind_of(current), PlaceKind::Grid | PlaceKind::MicroGrid)
        || parse(current.geometry.as_deref()) == parse(new)
    {
        return Ok(());
    }
    geometry_version::ActiveModel {
        place_id: Set(current.id),
        place_version: Set(current.version),
        geometry: Set(current.geometry.clone()),
        changed_by: Set(Some(me.user_id)),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Put back the outline a place had before its last saved change of shape. The restored
/// outline is checked like any other (the neighbours may have moved since), and the undone
/// one is not kept: undoing again goes one further back.
pub async fn undo_geometry(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    version: i64,
) -> AppResult<PlaceView> {
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, id).await?;
    let kind = kind_of(&current);
    check_visible(me, &current)?;
    require_edit(me, kind, current.grid_id)?;
    if current.version != version {
        return Err(AppError::conflict(&view(&*txn, current).await?));
    }
    let Some(previous) = geometry_version::Entity::find()
        .filter(geometry_version::Column::PlaceId.eq(id))
        .order_by_desc(geometry_version::Column::Id)
        .one(&*txn)
        .await?
    else {
        return Err(AppError::field("geometry", FieldErrorCode::NothingToUndo));
    };
    let parent = match current.parent_id {
        Some(p) => Some(find(&*txn, p).await?),
        None => None,
    };
    let geometry: Option<serde_json::Value> = previous
        .geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    let leaders = leaders_of(&*txn, id).await?;
    let v = validate_place(
        kind,
        parent.as_ref().map(kind_of),
        &current.code,
        &current.name,
        current.address.as_deref(),
        geometry.as_ref(),
        &leaders,
    )?;
    check_topology(&*txn, kind, parent.as_ref(), Some(id), &v).await?;
    let (geometry, [min_lon, min_lat, max_lon, max_lat]) = geometry_columns(&v);
    let res = place::Entity::update_many()
        .col_expr(place::Column::Geometry, Expr::value(geometry))
        .col_expr(place::Column::MinLon, Expr::value(min_lon))
        .col_expr(place::Column::MinLat, Expr::value(min_lat))
        .col_expr(place::Column::MaxLon, Expr::value(max_lon))
        .col_expr(place::Column::MaxLat, Expr::value(max_lat))
        .col_expr(
            place::Column::Version,
            crate::db::next_version(place::Column::Version),
        )
        .col_expr(
            place::Column::UpdatedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(place::Column::Id.eq(id))
        .filter(place::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            &view(&*txn, find(&*txn, id).await?).await?,
        ));
    }
    geometry_version::Entity::delete_by_id(previous.id)
        .exec(&*txn)
        .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::PlaceGeometryUndo,
            kind.as_str(),
            id,
        ),
    )
    .await?;
    let out = view(&*txn, find(&*txn, id).await?).await?;
    txn.commit().await?;
    Ok(out)
}

/// The outer ring of a micro-grid's Polygon, or a field error.
fn ring_of(m: &place::Model) -> AppResult<Vec<(f64, f64)>> {
    let g: Option<serde_json::Value> = m
        .geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    match g {
        Some(g)
            if g["type"] == "Polygon"
                && g["coordinates"].as_array().is_some_and(|r| r.len() == 1) =>
        {
            Ok(shared::geo::rings_of(&g).remove(0))
        }
        _ => Err(AppError::field("geometry", FieldErrorCode::NotAllowed)),
    }
}

/// Write a new outline for a place (its version moves on; the old outline is kept).
async fn set_outline(
    conn: &impl ConnectionTrait,
    me: &Principal,
    current: &place::Model,
    v: &ValidPlace,
) -> AppResult<()> {
    let (geometry, [min_lon, min_lat, max_lon, max_lat]) = geometry_columns(v);
    keep_geometry(conn, me, current, geometry.as_deref()).await?;
    let res = place::Entity::update_many()
        .col_expr(place::Column::Geometry, Expr::value(geometry))
        .col_expr(place::Column::MinLon, Expr::value(min_lon))
        .col_expr(place::Column::MinLat, Expr::value(min_lat))
        .col_expr(place::Column::MaxLon, Expr::value(max_lon))
        .col_expr(place::Column::MaxLat, Expr::value(max_lat))
        .col_expr(place::Column::Version, Expr::value(current.version + 1))
        .col_expr(
            place::Column::UpdatedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(place::Column::Id.eq(current.id))
        .filter(place::Column::Version.eq(current.version))
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            &view(conn, find(conn, current.id).await?).await?,
        ));
    }
    Ok(())
}

/// Micro-grids only: a grid's split or merge would move whole neighbourhoods of people and
/// cases between grids, which is a decision for the office, not a map gesture.
fn require_micro_grid(m: &place::Model) -> AppResult<()> {
    if kind_of(m) == PlaceKind::MicroGrid {
        Ok(())
    } else {
        Err(AppError::field("id", FieldErrorCode::NotAllowed))
    }
}

/// Cut a micro-grid in two along a line (one transaction): it keeps the part holding the
/// line's start side's first cut, the other part becomes a new sibling, and each building
/// goes with the part that holds it. Both parts are checked like any edit.
pub async fn split(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: shared::map::SplitPlace,
) -> AppResult<Vec<PlaceView>> {
    require(me, Permission::EditPlaces)?;
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, id).await?;
    require_micro_grid(&current)?;
    if current.version != req.version {
        return Err(AppError::conflict(&view(&*txn, current).await?));
    }
    let parent = match current.parent_id {
        Some(p) => Some(find(&*txn, p).await?),
        None => None,
    };
    let ring = ring_of(&current)?;
    let [[ax, ay], [bx, by]] = req.line;
    let (keep, other) = shared::geo::split_ring(&ring, (ax, ay), (bx, by))
        .ok_or_else(|| AppError::field("line", FieldErrorCode::InvalidGeometry))?;
    let leaders = leaders_of(&*txn, id).await?;
    let kept = validate_place(
        PlaceKind::MicroGrid,
        Some(PlaceKind::Grid),
        &current.code,
        &current.name,
        current.address.as_deref(),
        Some(&shared::geo::polygon_of(&keep)),
        &leaders,
    )?;
    let mut new_part = validate_place(
        PlaceKind::MicroGrid,
        Some(PlaceKind::Grid),
        &req.code,
        &req.name,
        None,
        Some(&shared::geo::polygon_of(&other)),
        &[],
    );
    if let Ok(ok) = &new_part {
        if code_taken(&*txn, PlaceKind::MicroGrid, ok.code.as_str(), None).await? {
            let mut e = FieldErrors::new();
            e.add("code", FieldErrorCode::Duplicate);
            new_part = Err(e);
        }
    }
    let new_part = new_part?;
    set_outline(&*txn, me, &current, &kept).await?;
    let created = insert(&*txn, PlaceKind::MicroGrid, parent.as_ref(), &new_part).await?;
    // Buildings follow the part their middle lies in.
    let other_shape = shared::geo::polygon_of(&other);
    for b in place::Entity::find()
        .filter(place::Column::ParentId.eq(id))
        .all(&*txn)
        .await?
    {
        let (Some(x0), Some(y0), Some(x1), Some(y1)) = (b.min_lon, b.min_lat, b.max_lon, b.max_lat)
        else {
            continue;
        };
        if shared::geo::contains(&other_shape, (x0 + x1) / 2.0, (y0 + y1) / 2.0) {
            place::Entity::update_many()
                .col_expr(place::Column::ParentId, Expr::value(created.id))
                .col_expr(place::Column::Version, Expr::value(b.version + 1))
                .filter(place::Column::Id.eq(b.id))
                .exec(&*txn)
                .await?;
        }
    }
    check_topology(
        &*txn,
        PlaceKind::MicroGrid,
        parent.as_ref(),
        Some(id),
        &kept,
    )
    .await?;
    check_topology(
        &*txn,
        PlaceKind::MicroGrid,
        parent.as_ref(),
        Some(created.id),
        &new_part,
    )
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PlaceSplit, "micro_grid", id),
    )
    .await?;
    let out = vec![
        view(&*txn, find(&*txn, id).await?).await?,
        view(&*txn, find(&*txn, created.id).await?).await?,
    ];
    txn.commit().await?;
    Ok(out)
}

/// Join a neighbouring sibling micro-grid into this one (one transaction): the outlines must
/// share an edge; the other's buildings and cases move here and it is deleted.
pub async fn merge(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: shared::map::MergePlaces,
) -> AppResult<PlaceView> {
    use crate::cases::store::case;
    require(me, Permission::EditPlaces)?;
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, id).await?;
    let other = find(&*txn, req.other_id).await?;
    require_micro_grid(&current)?;
    require_micro_grid(&other)?;
    if current.parent_id != other.parent_id || current.id == other.id {
        return Err(AppError::field("other_id", FieldErrorCode::NotAllowed));
    }
    if current.version != req.version {
        return Err(AppError::conflict(&view(&*txn, current).await?));
    }
    if other.version != req.other_version {
        return Err(AppError::conflict(&view(&*txn, other).await?));
    }
    let joined = shared::geo::merge_rings(&ring_of(&current)?, &ring_of(&other)?)
        .ok_or_else(|| AppError::field("other_id", FieldErrorCode::NotAllowed))?;
    let parent = match current.parent_id {
        Some(p) => Some(find(&*txn, p).await?),
        None => None,
    };
    let leaders = leaders_of(&*txn, id).await?;
    let v = validate_place(
        PlaceKind::MicroGrid,
        Some(PlaceKind::Grid),
        &current.code,
        &current.name,
        current.address.as_deref(),
        Some(&shared::geo::polygon_of(&joined)),
        &leaders,
    )?;
    place::Entity::update_many()
        .col_expr(place::Column::ParentId, Expr::value(id))
        .filter(place::Column::ParentId.eq(other.id))
        .exec(&*txn)
        .await?;
    case::Entity::update_many()
        .col_expr(case::Column::PlaceId, Expr::value(id))
        .filter(case::Column::PlaceId.eq(other.id))
        .exec(&*txn)
        .await?;
    place_leader::Entity::delete_many()
        .filter(place_leader::Column::PlaceId.eq(other.id))
        .exec(&*txn)
        .await?;
    geometry_version::Entity::delete_many()
        .filter(geometry_version::Column::PlaceId.eq(other.id))
        .exec(&*txn)
        .await?;
    place::Entity::delete_by_id(other.id).exec(&*txn).await?;
    set_outline(&*txn, me, &current, &v).await?;
    check_topology(&*txn, PlaceKind::MicroGrid, parent.as_ref(), Some(id), &v).await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PlaceMerge, "micro_grid", id),
    )
    .await?;
    let out = view(&*txn, find(&*txn, id).await?).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn delete(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    version: i64,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let current = find(&*txn, id).await?;
    let kind = kind_of(&current);
    check_visible(me, &current)?;
    require_edit(me, kind, current.grid_id)?;
    if current.version != version {
        return Err(AppError::conflict(&view(&*txn, current).await?));
    }
    let has_children = place::Entity::find()
        .filter(place::Column::ParentId.eq(id))
        .one(&*txn)
        .await?
        .is_some();
    let has_residents = resident::Entity::find()
        .filter(
            Condition::any()
                .add(resident::Column::HouseholdId.eq(id))
                .add(resident::Column::GridId.eq(id)),
        )
        .one(&*txn)
        .await?
        .is_some();
    if has_children || has_residents {
        return Err(AppError::Code(ErrorCode::InUse));
    }
    let res = place::Entity::delete_many()
        .filter(place::Column::Id.eq(id))
        .filter(place::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            &view(&*txn, find(&*txn, id).await?).await?,
        ));
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::PlaceDelete, kind.as_str(), id)
            .about(shared::audit::AuditDetail::Name { name: current.code }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Escape `%`, `_` and `\` so user text is matched literally inside LIKE.
pub fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The deepest micro-grid, or else grid, whose shape contains the point (WGS-84).
pub async fn locate(
    conn: &impl ConnectionTrait,
    lon: f64,
    lat: f64,
) -> AppResult<Option<place::Model>> {
    for kind in [PlaceKind::MicroGrid, PlaceKind::Grid] {
        if let Some(p) = containing(conn, kind, None, lon, lat).await? {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// The building of this grid whose footprint contains the point, if any.
pub async fn building_at(
    conn: &impl ConnectionTrait,
    grid_id: i64,
    lon: f64,
    lat: f64,
) -> AppResult<Option<place::Model>> {
    containing(conn, PlaceKind::Building, Some(grid_id), lon, lat).await
}

/// The first place of a kind (within a grid, when given) whose shape contains the point.
async fn containing(
    conn: &impl ConnectionTrait,
    kind: PlaceKind,
    grid_id: Option<i64>,
    lon: f64,
    lat: f64,
) -> AppResult<Option<place::Model>> {
    // The bounding-box columns narrow it down; the shape decides.
    let mut query = place::Entity::find().filter(place::Column::Kind.eq(kind.as_str()));
    if let Some(g) = grid_id {
        query = query.filter(place::Column::GridId.eq(g));
    }
    let candidates = query
        .filter(place::Column::MinLon.lte(lon))
        .filter(place::Column::MaxLon.gte(lon))
        .filter(place::Column::MinLat.lte(lat))
        .filter(place::Column::MaxLat.gte(lat))
        .order_by_asc(place::Column::Id)
        .all(conn)
        .await?;
    Ok(candidates.into_iter().find(|p| {
        p.geometry
            .as_deref()
            .and_then(|g| serde_json::from_str(g).ok())
            .is_some_and(|g| shared::geo::contains(&g, lon, lat))
    }))
}
