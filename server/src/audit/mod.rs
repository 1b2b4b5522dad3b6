//! The audit log: every change and every read of sensitive data, with who, when and from
//! where. Records are written in the same transaction as the change they describe.

use crate::AppState;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::RequestCtx;
use axum::Json;
use axum::extract::{Query, State};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::accounts::{Permission, Principal};
use shared::audit::{AuditAction, AuditDetail, AuditEntry, AuditQuery};
use shared::error::Problem;
use shared::{Page, clamp_paging};
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor_id: Option<i64>,
        pub actor_name: Option<String>,
        pub action: String,
        pub entity: Option<String>,
        pub entity_id: Option<i64>,
        pub resident_id: Option<i64>,
        pub detail: Option<String>,
        pub request_id: Option<String>,
        pub ip: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One audit record to write.
pub struct Record<'a> {
    pub action: AuditAction,
    pub entity: Option<&'a str>,
    pub entity_id: Option<i64>,
    /// The resident whose data this is about, so that "who read 张秀兰's record" finds it
    /// whichever record it went through.
    pub resident_id: Option<i64>,
    pub detail: Option<String>,
}

impl<'a> Record<'a> {
    /// An action on one record; a resident's own record is about that resident.
    pub fn new(action: AuditAction, entity: &'a str, entity_id: i64) -> Self {
        Record {
            action,
            entity: Some(entity),
            entity_id: Some(entity_id),
            resident_id: (entity == "resident").then_some(entity_id),
            detail: None,
        }
    }
    /// An action on no single record (an export, an import, a list read).
    pub fn global(action: AuditAction, detail: AuditDetail) -> Self {
        Record {
            action,
            entity: None,
            entity_id: None,
            resident_id: None,
            detail: Some(detail.to_json()),
        }
    }

    /// A detail already in its stored form (the JSON of a `PurposeDetail`).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn about(mut self, detail: AuditDetail) -> Self {
        self.detail = Some(detail.to_json());
        self
    }

    /// The resident whose data the record holds (a mediation party who is a resident).
    pub fn resident(mut self, resident_id: Option<i64>) -> Self {
        if resident_id.is_some() {
            self.resident_id = resident_id;
        }
        self
    }
}

pub async fn record(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    ctx: &RequestCtx,
    rec: Record<'_>,
) -> AppResult<()> {
    entry::ActiveModel {
        at: Set(time::OffsetDateTime::now_utc()),
        actor_id: Set(actor.map(|a| a.user_id)),
        actor_name: Set(actor.map(|a| a.username.clone())),
        action: Set(rec.action.as_str().to_string()),
        entity: Set(rec.entity.map(str::to_string)),
        entity_id: Set(rec.entity_id),
        resident_id: Set(rec.resident_id),
        detail: Set(rec.detail),
        request_id: Set(ctx.request_id.clone()),
        ip: Set(ctx.ip.clone()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Record an audited read in a transaction of its own (reads change nothing else).
pub async fn record_now(
    state: &AppState,
    actor: Option<&Principal>,
    ctx: &RequestCtx,
    rec: Record<'_>,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    record(&*txn, actor, ctx, rec).await?;
    txn.commit().await?;
    Ok(())
}

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
