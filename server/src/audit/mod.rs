//! The audit log: every change and every read of sensitive data, with who, when and from
//! where. Records are written in the same transaction as the change they describe.

use crate::AppState;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::RequestCtx;
use axum::Json;
use axum::extract::{Query, State};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;
use shared::accounts::{Permission, Principal};
use shared::audit::AuditEntry;
use shared::error::Problem;
use shared::{Page, clamp_paging};
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
    pub action: &'a str,
    pub entity: Option<&'a str>,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
}

impl<'a> Record<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: i64) -> Self {
        Record {
            action,
            entity: Some(entity),
            entity_id: Some(entity_id),
            detail: None,
        }
    }
    /// An action on no single record (an export, an import).
    pub fn global(action: &'a str, detail: impl Into<String>) -> Self {
        Record {
            action,
            entity: None,
            entity_id: None,
            detail: Some(detail.into()),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
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
        action: Set(rec.action.to_string()),
        entity: Set(rec.entity.map(str::to_string)),
        entity_id: Set(rec.entity_id),
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(Paging),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(p): Query<Paging>,
) -> AppResult<Json<Page<AuditEntry>>> {
    crate::accounts::require(&me, Permission::ViewAudit)?;
    let (offset, limit) = clamp_paging(p.offset, p.limit);
    let total = entry::Entity::find().count(&state.db.conn).await?;
    let rows = entry::Entity::find()
        .order_by_desc(entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(&state.db.conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
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
