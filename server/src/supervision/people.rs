//! Who a warning, an escalation or a reminder reaches: the lookups they share. Disabled
//! accounts are dropped by `enabled_only`.

use crate::accounts::store::{resident_account, user, user_grid, user_role};
use crate::error::AppResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::accounts::Role;
use std::collections::HashSet;

/// The grid workers of `grid`.
pub async fn grid_workers(conn: &impl ConnectionTrait, grid: Option<i64>) -> AppResult<Vec<i64>> {
    let in_grid: Vec<i64> = user_grid::Entity::find()
        .filter(user_grid::Column::GridId.eq(grid.unwrap_or(-1)))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    with_role(conn, in_grid, &[Role::GridWorker]).await
}

/// Those of `ids` who have one of `roles`.
async fn with_role(
    conn: &impl ConnectionTrait,
    ids: Vec<i64>,
    roles: &[Role],
) -> AppResult<Vec<i64>> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids))
        .filter(user_role::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect())
}

/// Everyone with one of `roles`.
pub async fn having_role(conn: &impl ConnectionTrait, roles: &[Role]) -> AppResult<Vec<i64>> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect())
}

/// The community office: staff and admins (the secretary).
pub async fn office(conn: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    having_role(conn, &[Role::Staff, Role::Admin]).await
}

/// The accounts verified as these registered residents.
pub async fn accounts_of_residents(
    conn: &impl ConnectionTrait,
    residents: Vec<i64>,
) -> AppResult<Vec<i64>> {
    Ok(resident_account::Entity::find()
        .filter(resident_account::Column::ResidentId.is_in(residents))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.user_id)
        .collect())
}

/// `ids` sorted, once each, enabled accounts only.
pub async fn enabled_only(conn: &impl ConnectionTrait, mut ids: Vec<i64>) -> AppResult<Vec<i64>> {
    ids.sort();
    ids.dedup();
    let enabled: HashSet<i64> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .filter(user::Column::Disabled.eq(false))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    ids.retain(|id| enabled.contains(id));
    Ok(ids)
}
