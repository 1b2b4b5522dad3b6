//! Reading the audit log: the office's filtered, paged list.

use super::store::entry;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::accounts::Permission;
use shared::audit::{AuditEntry, AuditQuery};
use shared::error::Problem;
use shared::{Page, clamp_paging};
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The audit log, newest first, filtered on the server (each filter has its index):
/// who, what, which record or which resident's data, which days.
#[utoipa::path(get, path = "/audit", extensions(("x-permission" = json!("view_audit"))), tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<Page<AuditEntry>>> {
    crate::accounts::require(&me, Permission::ViewAudit)?;
    let f = q.validate()?;
    let (offset, limit) = clamp_paging(q.offset, q.limit);
    let mut cond = Condition::all();
    if let Some(a) = f.actor_id {
        cond = cond.add(entry::Column::ActorId.eq(a));
    }
    if let Some(actions) = f.actions {
        cond = cond.add(entry::Column::Action.is_in(actions));
    }
    if let Some(e) = f.entity {
        cond = cond.add(entry::Column::Entity.eq(e));
    }
    if let Some(id) = f.entity_id {
        cond = cond.add(entry::Column::EntityId.eq(id));
    }
    if let Some(r) = f.resident_id {
        cond = cond.add(entry::Column::ResidentId.eq(r));
    }
    if let Some(from) = f.from {
        cond = cond.add(entry::Column::At.gte(from));
    }
    if let Some(until) = f.until {
        cond = cond.add(entry::Column::At.lt(until));
    }
    let conn = &state.db.conn;
    let total = entry::Entity::find()
        .filter(cond.clone())
        .count(conn)
        .await?;
    let rows = entry::Entity::find()
        .filter(cond)
        .order_by_desc(entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    // Names as people know them now: the account's display name, the resident's name.
    let actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    let people: HashMap<i64, String> = crate::accounts::store::user::Entity::find()
        .filter(crate::accounts::store::user::Column::Id.is_in(actor_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let resident_ids: Vec<i64> = rows.iter().filter_map(|r| r.resident_id).collect();
    let residents: HashMap<i64, String> = crate::places::store::resident::Entity::find()
        .filter(crate::places::store::resident::Column::Id.is_in(resident_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_display_name: r.actor_id.and_then(|a| people.get(&a).cloned()),
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            resident_id: r.resident_id,
            resident_name: r.resident_id.and_then(|id| residents.get(&id).cloned()),
            detail: r.detail,
            request_id: r.request_id,
            ip: r.ip,
        })
        .collect();
    Ok(Json(Page {
        items,
        total,
        offset,
        limit,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}
