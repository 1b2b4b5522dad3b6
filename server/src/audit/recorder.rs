//! Writing the audit log: what every area calls, in the same transaction as the change it
//! records (or in one of its own for a read).

use super::store::entry;
use crate::error::AppResult;
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use shared::accounts::Principal;
use shared::audit::{AuditAction, AuditDetail};

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
        at: Set(crate::clock::now()),
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
