//! A user account verified as a registered resident: the link the office (or the resident's
//! grid worker) sets, and the lookup care, council and mediation use to know who a resident
//! user is in the register.

use super::store::{resident_account, user, user_role};
use crate::db::{OnUnique, OneOr404, WriteTxn};
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::store::resident;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::accounts::{Permission, Principal, Role};
use shared::error::{ErrorCode, FieldErrorCode};
use time::OffsetDateTime;

/// The id of the registered resident a user account is verified as.
pub async fn resident_id_of(conn: &impl ConnectionTrait, user_id: i64) -> AppResult<Option<i64>> {
    Ok(resident_account::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .map(|link| link.resident_id))
}

/// The registered resident a user account is verified as.
pub async fn resident_of(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> AppResult<Option<resident::Model>> {
    let Some(resident_id) = resident_id_of(conn, user_id).await? else {
        return Ok(None);
    };
    Ok(resident::Entity::find_by_id(resident_id).one(conn).await?)
}

/// Verify a resident's user account as a registered resident, or remove the link
/// (`resident_id: None`), inside the caller's transaction; audited.
pub async fn link(
    txn: &WriteTxn,
    me: &Principal,
    ctx: &RequestCtx,
    user_id: i64,
    resident_id: Option<i64>,
) -> AppResult<()> {
    // Nobody verifies themselves: a grid worker could otherwise become any resident of their
    // grid in turn and vote as each.
    if user_id == me.user_id {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    user::Entity::find_by_id(user_id).one_or_404(&**txn).await?;
    let is_resident_account = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::Role.eq(Role::Resident.as_str()))
        .one(&**txn)
        .await?
        .is_some();
    if resident_id.is_some() && !is_resident_account {
        return Err(AppError::field("user_id", FieldErrorCode::NotAllowed));
    }
    // Whoever removes or sets a link must reach the resident involved.
    if let Some(old) = resident_of(&**txn, user_id).await? {
        super::require_in_grid(me, Permission::EditPeople, Some(old.grid_id))?;
    }
    resident_account::Entity::delete_many()
        .filter(resident_account::Column::UserId.eq(user_id))
        .exec(&**txn)
        .await?;
    if let Some(rid) = resident_id {
        let r = resident::Entity::find_by_id(rid).one(&**txn).await?;
        let Some(r) = r.filter(|r| me.may_in_grid(Permission::EditPeople, Some(r.grid_id))) else {
            return Err(AppError::field(
                "resident_id",
                FieldErrorCode::UnknownReference,
            ));
        };
        resident_account::ActiveModel {
            user_id: Set(user_id),
            resident_id: Set(r.id),
            verified_by: Set(Some(me.user_id)),
            verified_at: Set(OffsetDateTime::now_utc()),
        }
        .insert(&**txn)
        .await
        .on_unique(AppError::field("resident_id", FieldErrorCode::Duplicate))?;
    }
    crate::audit::record(
        &**txn,
        Some(me),
        ctx,
        crate::audit::Record {
            action: shared::audit::AuditAction::ResidentAccountLink,
            entity: Some("user"),
            entity_id: Some(user_id),
            resident_id,
            detail: Some(shared::audit::AuditDetail::ResidentLink { resident_id }.to_json()),
        },
    )
    .await
}
