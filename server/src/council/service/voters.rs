//! Scopes and voters: the places items and meetings are scoped to, who lives within them,
//! how many may vote there, who may support an item, and a user's standing as a voter.

use super::records::relation;
use crate::accounts::residents::resident_of;
use crate::council::store::item;
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::places::store::{place, resident};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use shared::accounts::{Principal, Role};
use shared::council::*;
use shared::error::FieldErrorCode;
use shared::places::PlaceKind;

/// A place items and meetings may be scoped to: the community, a grid or a micro-grid.
pub(super) async fn scope_place(
    conn: &impl ConnectionTrait,
    id: i64,
    field: &str,
) -> AppResult<place::Model> {
    let p = place::Entity::find_by_id(id).one(conn).await?;
    match p {
        Some(p)
            if matches!(
                PlaceKind::parse(&p.kind),
                Some(PlaceKind::Community | PlaceKind::Grid | PlaceKind::MicroGrid)
            ) =>
        {
            Ok(p)
        }
        Some(_) => Err(AppError::field(field, FieldErrorCode::InvalidParent)),
        None => Err(AppError::field(field, FieldErrorCode::UnknownReference)),
    }
}

/// The ids of a place and everything above it.
pub(super) async fn lineage(conn: &impl ConnectionTrait, id: i64) -> AppResult<Vec<i64>> {
    let mut out = vec![id];
    let mut next = place::Entity::find_by_id(id)
        .one(conn)
        .await?
        .and_then(|p| p.parent_id);
    while let Some(p) = next {
        if out.contains(&p) || out.len() > 8 {
            break;
        }
        out.push(p);
        next = place::Entity::find_by_id(p)
            .one(conn)
            .await?
            .and_then(|p| p.parent_id);
    }
    Ok(out)
}

/// Does a resident live within `scope` (their household lies below it)?
pub(crate) async fn lives_in(
    conn: &impl ConnectionTrait,
    r: &resident::Model,
    scope: &place::Model,
) -> AppResult<bool> {
    if scope.id == r.grid_id {
        return Ok(true);
    }
    Ok(lineage(conn, r.household_id).await?.contains(&scope.id))
}

/// Residents (or households) registered within a scope: the quorum's denominator.
pub(super) async fn eligible_count(
    conn: &impl ConnectionTrait,
    scope: &place::Model,
    per_household: bool,
) -> AppResult<u64> {
    let mut q = resident::Entity::find();
    q = match PlaceKind::parse(&scope.kind) {
        Some(PlaceKind::Grid) => q.filter(resident::Column::GridId.eq(scope.id)),
        Some(PlaceKind::Community) => q.filter(
            resident::Column::GridId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(place::Column::Id)
                    .from(place::Entity)
                    .and_where(place::Column::ParentId.eq(scope.id))
                    .to_owned(),
            ),
        ),
        _ => {
            // A micro-grid: households in its buildings (or directly below it).
            let below: Vec<i64> = place::Entity::find()
                .select_only()
                .column(place::Column::Id)
                .filter(place::Column::ParentId.eq(scope.id))
                .into_tuple()
                .all(conn)
                .await?;
            q.filter(
                resident::Column::HouseholdId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(place::Column::Id)
                        .from(place::Entity)
                        .and_where(sea_orm::sea_query::ExprTrait::or(
                            place::Column::ParentId.is_in(below.clone()),
                            place::Column::Id.is_in(below),
                        ))
                        .to_owned(),
                ),
            )
        }
    };
    if per_household {
        let n: Option<i64> = q
            .select_only()
            .column_as(
                sea_orm::sea_query::ExprTrait::count_distinct(Expr::col(
                    resident::Column::HouseholdId,
                )),
                "n",
            )
            .into_tuple()
            .one(conn)
            .await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    } else {
        Ok(q.count(conn).await?)
    }
}

/// The asking user's standing as a voter.
pub async fn voter_status(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<VoterStatus> {
    let r = resident_of(conn, me.user_id).await?;
    let mut micro_grid_id = None;
    if let Some(r) = &r {
        let above = lineage(conn, r.household_id).await?;
        micro_grid_id = place::Entity::find()
            .filter(place::Column::Id.is_in(above))
            .filter(place::Column::Kind.eq(PlaceKind::MicroGrid.as_str()))
            .one(conn)
            .await?
            .map(|p| p.id);
    }
    Ok(VoterStatus {
        verified: r.is_some(),
        grid_id: r.as_ref().map(|r| r.grid_id),
        household_id: r.as_ref().map(|r| r.household_id),
        micro_grid_id,
    })
}

/// Verify a user account as a registered resident (or remove the link); answers the account's
/// standing as a voter.
pub async fn link_resident(
    state: &AppState,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    user_id: i64,
    req: LinkResident,
) -> AppResult<VoterStatus> {
    let txn = state.db.begin_write().await?;
    crate::accounts::residents::link(&txn, me, ctx, user_id, req.resident_id).await?;
    let me_as = Principal {
        user_id,
        ..me.clone()
    };
    let out = voter_status(&*txn, &me_as).await?;
    txn.commit().await?;
    Ok(out)
}

/// May `me` raise an item in `scope`? The office anywhere; grid workers in their grids;
/// residents where they live (verified).
pub(super) async fn may_raise(
    conn: &impl ConnectionTrait,
    me: &Principal,
    scope: &place::Model,
) -> AppResult<bool> {
    let lives_here = match resident_of(conn, me.user_id).await? {
        Some(r) if me.has_role(Role::Resident) => lives_in(conn, &r, scope).await?,
        _ => false,
    };
    Ok(shared::council::may_raise(
        me,
        relation(me, scope.grid_id),
        lives_here,
    ))
}

pub(super) async fn may_support(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: &item::Model,
) -> AppResult<bool> {
    let Some(r) = resident_of(conn, me.user_id).await? else {
        return Ok(false);
    };
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(conn)
        .await?;
    lives_in(conn, &r, &scope).await
}
