//! Acting for a resident: the act, its record and its audit entry in one transaction; the
//! notices the resident reads.

use super::store::action;
use crate::accounts::store::resident_account;
use crate::council::service::{
    Supporter, Voter, cast_in, check_supporter, find_item, give_support,
};
use crate::council::store::ballot;
use crate::db::{OneOr404, WriteTxn};
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::store::resident;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::accounts::{Permission, Principal};
use shared::audit::{AuditAction, AuditDetail};
use shared::care::ErrandInput;
use shared::cases::validate_case;
use shared::error::{ErrorCode, FieldErrorCode};
use shared::proxy::*;

fn view(a: action::Model) -> ProxyActionView {
    ProxyActionView {
        id: a.id,
        kind: ProxyKind::parse(&a.kind).unwrap_or(ProxyKind::Report),
        actor_name: a.actor_name,
        resident_id: a.resident_id,
        resident_name: a.resident_name,
        confirmation: ConfirmMethod::parse(&a.confirmation).unwrap_or(ConfirmMethod::Oral),
        entity: a.entity,
        entity_id: a.entity_id,
        summary: a.summary,
        at: a.created_at,
        seen: a.seen_at.is_some(),
    }
}

/// The resident's own account, if they have one (the first verified as them): what is done on
/// their behalf is theirs to read.
async fn account_of(conn: &impl ConnectionTrait, resident_id: i64) -> AppResult<Option<i64>> {
    Ok(resident_account::Entity::find()
        .filter(resident_account::Column::ResidentId.eq(resident_id))
        .order_by_asc(resident_account::Column::UserId)
        .one(conn)
        .await?
        .map(|l| l.user_id))
}

/// Record the act (its record already made, or about to be: `entity_id` is known).
async fn record(
    txn: &WriteTxn,
    me: &Principal,
    r: &resident::Model,
    req: &ActFor,
    entity: &str,
    entity_id: i64,
    summary: String,
) -> AppResult<action::Model> {
    Ok(action::ActiveModel {
        kind: Set(req.act.kind().as_str().to_string()),
        actor_id: Set(Some(me.user_id)),
        actor_name: Set(me.display_name.clone()),
        resident_id: Set(r.id),
        resident_name: Set(r.name.clone()),
        confirmation: Set(req.confirmation.as_str().to_string()),
        entity: Set(entity.to_string()),
        entity_id: Set(entity_id),
        summary: Set(summary),
        created_at: Set(crate::clock::now()),
        seen_at: Set(None),
        ..Default::default()
    }
    .insert(&**txn)
    .await?)
}

/// Act on a resident's behalf. Who may: `shared::proxy::may_act_for` (a resident never for
/// another; a grid worker only for the residents of their grids — others are not told the
/// resident exists).
pub async fn act_for(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: ActFor,
) -> AppResult<ProxyActionView> {
    crate::accounts::require(me, Permission::ActForResidents)?;
    let txn = state.db.begin_write().await?;
    let r = resident::Entity::find_by_id(req.resident_id)
        .one(&*txn)
        .await?
        .filter(|r| may_act_for(me, r.grid_id))
        .ok_or_else(|| AppError::field("resident_id", FieldErrorCode::UnknownReference))?;
    let mut published_case = None;
    let done = match &req.act {
        ProxyAct::Report { case } => {
            // The resident's own report, whoever types it in.
            let case = &shared::cases::CreateCase {
                source: shared::cases::Source::ResidentReport,
                ..case.clone()
            };
            let (title, description) = validate_case(case)?;
            let place = match crate::places::service::find(&*txn, case.place_id).await {
                Ok(p) if crate::places::service::check_visible(me, &p).is_ok() => p,
                _ => {
                    return Err(AppError::field(
                        "act.case.place_id",
                        FieldErrorCode::UnknownReference,
                    ));
                }
            };
            let filed = crate::cases::service::file_in(
                &*txn,
                me,
                case,
                title.clone(),
                description,
                &place,
                None,
            )
            .await?;
            // The report is the resident's: they follow it as their own (the history says
            // who filed it).
            let c = crate::cases::store::case::Entity::update_many()
                .col_expr(
                    crate::cases::store::case::Column::ReporterId,
                    Expr::value(account_of(&*txn, r.id).await?),
                )
                .col_expr(
                    crate::cases::store::case::Column::ReporterName,
                    Expr::value(r.name.clone()),
                )
                .filter(crate::cases::store::case::Column::Id.eq(filed.id))
                .exec(&*txn)
                .await;
            c?;
            published_case = Some(filed.clone());
            record(&txn, me, &r, &req, "case", filed.id, title).await?
        }
        ProxyAct::Support { item_id } => {
            let m = find_item(&*txn, *item_id).await?;
            check_supporter(&txn, &m, &r).await?;
            let a = record(&txn, me, &r, &req, "council_item", m.id, m.title.clone()).await?;
            let new = give_support(
                &txn,
                me,
                &m,
                Supporter {
                    resident_id: r.id,
                    user_id: None,
                    proxy_action_id: Some(a.id),
                },
            )
            .await?;
            if !new {
                return Err(AppError::Code(ErrorCode::AlreadyExists));
            }
            a
        }
        ProxyAct::Vote { ballot_id, answer } => {
            let b = ballot::Entity::find_by_id(*ballot_id)
                .one_or_404(&*txn)
                .await?;
            let a = record(&txn, me, &r, &req, "ballot", b.id, b.question.clone()).await?;
            cast_in(
                &txn,
                me,
                ctx,
                b.id,
                answer,
                Voter::Proxy {
                    resident_id: r.id,
                    action_id: a.id,
                },
            )
            .await?;
            a
        }
        ProxyAct::Letter { letter } => {
            let l = crate::care::mailbox::write_in(
                &*txn,
                account_of(&*txn, r.id).await?,
                r.name.clone(),
                letter,
            )
            .await?;
            record(&txn, me, &r, &req, "letter", l.id, l.subject.clone()).await?
        }
        ProxyAct::Errand {
            errand_kind,
            description,
            confirm_duplicate,
        } => {
            let input = ErrandInput {
                resident_id: r.id,
                kind: *errand_kind,
                description: description.clone(),
                confirm_duplicate: *confirm_duplicate,
            };
            let e =
                crate::care::service::request_errand_in(&*txn, me, &r, &input, "act.errand_kind")
                    .await?;
            record(&txn, me, &r, &req, "errand", e.id, e.description.clone()).await?
        }
    };
    crate::audit::record(
        &*txn,
        Some(me),
        ctx,
        crate::audit::Record {
            action: AuditAction::ProxyAct,
            entity: Some(done.entity.as_str()),
            entity_id: Some(done.entity_id),
            resident_id: Some(r.id),
            detail: Some(
                AuditDetail::Proxy {
                    act: req.act.kind(),
                    confirmation: req.confirmation,
                }
                .to_json(),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    match &req.act {
        ProxyAct::Support { .. } | ProxyAct::Vote { .. } => state.council_live.kick(),
        _ => {}
    }
    if let Some(f) = published_case {
        let c = crate::cases::store::case::Entity::find_by_id(f.id)
            .one_or_404(&state.db.conn)
            .await?;
        state
            .live
            .publish(crate::cases::live::Change::of(f.event_id, "created", &c));
    }
    Ok(view(done))
}

/// What was done on the signed-in resident's behalf and not yet read, oldest first.
pub async fn notices(
    conn: &impl ConnectionTrait,
    me: &Principal,
) -> AppResult<Vec<ProxyActionView>> {
    let Some(rid) = crate::accounts::residents::resident_id_of(conn, me.user_id).await? else {
        return Ok(Vec::new());
    };
    Ok(action::Entity::find()
        .filter(action::Column::ResidentId.eq(rid))
        .filter(action::Column::SeenAt.is_null())
        .order_by_asc(action::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// The resident has read these notices (others' ids are ignored).
pub async fn mark_seen(state: &AppState, me: &Principal, ids: &[i64]) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let Some(rid) = crate::accounts::residents::resident_id_of(&*txn, me.user_id).await? else {
        return Ok(());
    };
    action::Entity::update_many()
        .col_expr(action::Column::SeenAt, Expr::value(crate::clock::now()))
        .filter(action::Column::ResidentId.eq(rid))
        .filter(action::Column::Id.is_in(ids.iter().copied()))
        .filter(action::Column::SeenAt.is_null())
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What was done on a resident's behalf, newest first: for those who may act for them.
pub async fn for_resident(
    conn: &impl ConnectionTrait,
    me: &Principal,
    resident_id: i64,
) -> AppResult<Vec<ProxyActionView>> {
    crate::accounts::require(me, Permission::ActForResidents)?;
    resident::Entity::find_by_id(resident_id)
        .one(conn)
        .await?
        .filter(|r| may_act_for(me, r.grid_id))
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(action::Entity::find()
        .filter(action::Column::ResidentId.eq(resident_id))
        .order_by_desc(action::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
