//! Care: pairings, due visits, visits that turn needs into errands or cases in one step, and
//! errands confirmed by someone other than the helper. Reads of care records are audited.

use super::store::{errand, pairing, settings, visit};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult, Or404};
use crate::http::RequestCtx;
use crate::places::store::{place, resident, resident_group};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::accounts::{Permission, Principal, Scope};
use shared::calendar::SHANGHAI;
use shared::care::*;
use shared::cases::{CreateCase, Source, Urgency};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::places::SpecialGroup;
use std::collections::HashMap;
use time::OffsetDateTime;

pub async fn intervals(conn: &impl ConnectionTrait) -> AppResult<VisitIntervals> {
    let s = settings::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal("care settings row missing".into()))?;
    Ok(VisitIntervals {
        high_days: s.high_days.max(1) as u32,
        key_days: s.key_days.max(1) as u32,
        normal_days: s.normal_days.max(1) as u32,
        version: s.version,
    })
}

pub async fn set_intervals(state: &AppState, new: VisitIntervals) -> AppResult<VisitIntervals> {
    new.validate()?;
    let txn = state.db.begin_write().await?;
    let res = settings::Entity::update_many()
        .col_expr(
            settings::Column::HighDays,
            Expr::value(new.high_days as i32),
        )
        .col_expr(settings::Column::KeyDays, Expr::value(new.key_days as i32))
        .col_expr(
            settings::Column::NormalDays,
            Expr::value(new.normal_days as i32),
        )
        .col_expr(
            settings::Column::Version,
            crate::db::next_version(settings::Column::Version),
        )
        .filter(settings::Column::Id.eq(1))
        .filter(settings::Column::Version.eq(new.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&intervals(&*txn).await?));
    }
    let out = intervals(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

/// Is `me` the active helper of this resident?
async fn is_helper(
    conn: &impl ConnectionTrait,
    me: &Principal,
    resident_id: i64,
) -> AppResult<bool> {
    Ok(pairing::Entity::find()
        .filter(pairing::Column::ResidentId.eq(resident_id))
        .filter(pairing::Column::HelperUserId.eq(me.user_id))
        .filter(pairing::Column::Active.eq(true))
        .one(conn)
        .await?
        .is_some())
}

/// The resident, if `me` may care for them; others get 404 (the record does not exist for them).
async fn resident_in_care(
    conn: &impl ConnectionTrait,
    me: &Principal,
    resident_id: i64,
) -> AppResult<resident::Model> {
    let r = resident::Entity::find_by_id(resident_id)
        .one_or_404(conn)
        .await?;
    if may_care_for(me, r.grid_id, is_helper(conn, me, r.id).await?) {
        Ok(r)
    } else {
        Err(AppError::Code(ErrorCode::NotFound))
    }
}

// ---------------------------------------------------------------------------------------------
// Pairings and due visits

async fn pairing_views(
    conn: &impl ConnectionTrait,
    rows: Vec<pairing::Model>,
) -> AppResult<Vec<PairingView>> {
    let iv = intervals(conn).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.resident_id).collect();
    let names: HashMap<i64, String> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let last: HashMap<i64, OffsetDateTime> = visit::Entity::find()
        .select_only()
        .column(visit::Column::ResidentId)
        .column_as(visit::Column::VisitedAt.max(), "last")
        .filter(visit::Column::ResidentId.is_in(ids))
        .group_by(visit::Column::ResidentId)
        .into_tuple::<(i64, OffsetDateTime)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let today = crate::clock::today();
    let mut out: Vec<PairingView> = rows
        .into_iter()
        .map(|p| {
            let risk = RiskLevel::parse(&p.risk).unwrap_or(RiskLevel::Normal);
            let last_visit = last
                .get(&p.resident_id)
                .map(|t| t.to_offset(SHANGHAI).date());
            let next_due = next_visit_due(last_visit, p.starts_on, iv.days(risk));
            PairingView {
                id: p.id,
                resident_id: p.resident_id,
                resident_name: names.get(&p.resident_id).cloned().unwrap_or_default(),
                grid_id: p.grid_id,
                helper_user_id: p.helper_user_id,
                helper_name: p.helper_name,
                helper_kind: HelperKind::parse(&p.helper_kind).unwrap_or(HelperKind::Volunteer),
                risk,
                purpose: p.purpose,
                contact_schedule: p.contact_schedule,
                starts_on: p.starts_on,
                active: p.active,
                last_visit,
                next_due,
                overdue: p.active && visit_overdue(next_due, today),
                version: p.version,
                ended_on: p.ended_on,
                end_reason: p.end_reason,
            }
        })
        .collect();
    out.sort_by_key(|p| (!p.active, p.next_due, p.id));
    Ok(out)
}

/// An enabled account named by its username (blank: none); unknown names are a field error.
pub(super) async fn account_by_username(
    conn: &impl ConnectionTrait,
    username: Option<&str>,
    field: &str,
) -> AppResult<Option<i64>> {
    let Some(name) = username.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    crate::accounts::store::user::Entity::find()
        .filter(crate::accounts::store::user::Column::Username.eq(name))
        .one(conn)
        .await?
        .filter(|u| !u.disabled)
        .map(|u| Some(u.id))
        .ok_or_else(|| AppError::field(field, FieldErrorCode::UnknownReference))
}

pub async fn create_pairing(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    mut req: PairingInput,
) -> AppResult<PairingView> {
    req.validate(crate::clock::today())?;
    let txn = state.db.begin_write().await?;
    let r = resident::Entity::find_by_id(req.resident_id)
        .one(&*txn)
        .await?;
    let Some(r) = r.filter(|r| me.may_in_grid(Permission::EditPeople, Some(r.grid_id))) else {
        return Err(AppError::field(
            "resident_id",
            FieldErrorCode::UnknownReference,
        ));
    };
    // Accounts are looked up only for a resident the caller may pair: nobody else learns
    // from the answer which usernames exist.
    if let Some(id) =
        account_by_username(&*txn, req.helper_username.as_deref(), "helper_username").await?
    {
        req.helper_user_id = Some(id);
    }
    if let Some(u) = req.helper_user_id {
        crate::accounts::service::check_named_person(
            &*txn,
            me,
            shared::accounts::Work::PairingHelper,
            u,
            Some(r.grid_id),
            "helper_user_id",
        )
        .await?;
    }
    let p = pairing::ActiveModel {
        resident_id: Set(r.id),
        grid_id: Set(r.grid_id),
        helper_user_id: Set(req.helper_user_id),
        helper_name: Set(req.helper_name.trim().to_string()),
        helper_kind: Set(req.helper_kind.as_str().into()),
        risk: Set(req.risk.as_str().into()),
        purpose: Set(req.purpose.trim().to_string()),
        contact_schedule: Set(req.contact_schedule.trim().to_string()),
        starts_on: Set(req.starts_on),
        active: Set(true),
        version: Set(1),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::CarePairingCreate,
            "resident",
            r.id,
        ),
    )
    .await?;
    let out = pairing_views(&*txn, vec![p]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

/// End a pairing (with the reason and the day) or change its risk level, versioned: a stale
/// version is a 409 with the current pairing; an ended pairing stays ended.
pub async fn update_pairing(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: PairingUpdate,
) -> AppResult<PairingView> {
    let txn = state.db.begin_write().await?;
    let p = pairing::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .filter(|p| me.may_in_grid(Permission::EditPeople, Some(p.grid_id)))
        .or_404()?;
    if p.version != req.version {
        return Err(AppError::conflict(
            &pairing_views(&*txn, vec![p]).await?.remove(0),
        ));
    }
    let reason = req.validate(p.active, p.starts_on, crate::clock::today())?;
    let res = pairing::Entity::update_many()
        .col_expr(pairing::Column::Active, Expr::value(req.active))
        .col_expr(pairing::Column::Risk, Expr::value(req.risk.as_str()))
        .col_expr(pairing::Column::EndedOn, Expr::value(req.ended_on))
        .col_expr(pairing::Column::EndReason, Expr::value(reason))
        .col_expr(pairing::Column::Version, Expr::value(p.version + 1))
        .filter(pairing::Column::Id.eq(id))
        .filter(pairing::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            &pairing_views(&*txn, vec![p]).await?.remove(0),
        ));
    }
    let action = if req.active {
        shared::audit::AuditAction::CarePairingRisk
    } else {
        shared::audit::AuditAction::CarePairingEnd
    };
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(action, "resident", p.resident_id),
    )
    .await?;
    let p = pairing::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = pairing_views(&*txn, vec![p]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

/// The due-visits list: the pairings `me` helps in, and for staff and grid workers every
/// pairing of the grids they may see, soonest due first (overdue on top). Audited.
pub async fn due_visits(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    mine_only: bool,
) -> AppResult<Vec<PairingView>> {
    let mut cond = sea_orm::Condition::any().add(pairing::Column::HelperUserId.eq(me.user_id));
    if !mine_only {
        match me.scope(Permission::RevealSensitive) {
            Scope::All => cond = cond.add(pairing::Column::Id.is_not_null()),
            Scope::Grids(g) => cond = cond.add(pairing::Column::GridId.is_in(g)),
            Scope::None => {}
        }
    }
    let rows = pairing::Entity::find()
        .filter(cond)
        .filter(pairing::Column::Active.eq(true))
        .all(&state.db.conn)
        .await?;
    // The most urgent first, and no more than a list's worth.
    let mut out = pairing_views(&state.db.conn, rows).await?;
    out.truncate(LIST_LIMIT as usize);
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record {
            action: shared::audit::AuditAction::CareDueRead,
            entity: Some("pairing"),
            entity_id: None,
            resident_id: None,
            detail: Some(
                shared::audit::AuditDetail::count(out.len(), shared::audit::Counted::Residents)
                    .to_json(),
            ),
        },
    )
    .await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Visits

fn visit_view(v: visit::Model, resident_name: String) -> VisitView {
    VisitView {
        id: v.id,
        resident_id: v.resident_id,
        resident_name,
        visitor_name: v.visitor_name,
        method: VisitMethod::parse(&v.method).unwrap_or(VisitMethod::InPerson),
        visited_at: v.visited_at,
        needs: v.needs,
        observations: v.observations,
        errand_id: v.errand_id,
        case_id: v.case_id,
    }
}

/// Record a visit; a need found turns into an errand or a case in the same transaction.
pub async fn record_visit(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: VisitInput,
) -> AppResult<VisitView> {
    let now = crate::clock::now();
    req.validate(now)?;
    let txn = state.db.begin_write().await?;
    let r = resident_in_care(&*txn, me, req.resident_id).await?;
    let v = visit::ActiveModel {
        resident_id: Set(r.id),
        grid_id: Set(r.grid_id),
        visitor_id: Set(Some(me.user_id)),
        visitor_name: Set(me.display_name.clone()),
        method: Set(req.method.as_str().into()),
        visited_at: Set(req.visited_at),
        needs: Set(req.needs.trim().to_string()),
        observations: Set(req.observations.trim().to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let (mut errand_id, mut case_id) = (None, None);
    match req.follow_up {
        FollowUp::None => {}
        FollowUp::Errand {
            kind,
            confirm_duplicate,
        } => {
            refuse_open_errand(&*txn, r.id, kind, confirm_duplicate, "follow_up/kind").await?;
            let e = insert_errand(
                &*txn,
                me,
                &r,
                kind,
                req.needs.trim().to_string(),
                Some(v.id),
            )
            .await?;
            errand_id = Some(e.id);
        }
        FollowUp::Case { category_id } => {
            let household = place::Entity::find_by_id(r.household_id)
                .one_or_404(&*txn)
                .await?;
            // Helpers without a field role file it as a resident's report would be.
            let source = if Source::Visit.may_file(me) {
                Source::Visit
            } else {
                Source::ResidentReport
            };
            let title: String = req.needs.trim().chars().take(100).collect();
            let c = CreateCase {
                title: title.clone(),
                description: req.needs.trim().to_string(),
                category_id,
                urgency: Urgency::Normal,
                source,
                place_id: household.id,
                lon: None,
                lat: None,
                reporter_hidden: false,
            };
            let filed = crate::cases::service::file_in(
                &*txn,
                me,
                &c,
                title,
                c.description.clone(),
                &household,
                Some(&shared::cases::CaseOrigin::Visit { visit_id: v.id }),
            )
            .await
            .map_err(|e| match e {
                AppError::Validation(_) => {
                    AppError::field("follow_up.category_id", FieldErrorCode::UnknownReference)
                }
                e => e,
            })?;
            case_id = Some(filed.case.id);
        }
    }
    if errand_id.is_some() || case_id.is_some() {
        visit::Entity::update_many()
            .col_expr(visit::Column::ErrandId, Expr::value(errand_id))
            .col_expr(visit::Column::CaseId, Expr::value(case_id))
            .filter(visit::Column::Id.eq(v.id))
            .exec(&*txn)
            .await?;
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::CareVisitCreate,
            "resident",
            r.id,
        ),
    )
    .await?;
    let v = visit::Entity::find_by_id(v.id).one_or_404(&*txn).await?;
    txn.commit().await?;
    Ok(visit_view(v, r.name))
}

/// A resident's care record: pairings, visits and errands. Audited.
pub async fn care_record(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    resident_id: i64,
) -> AppResult<CareRecord> {
    let conn = &state.db.conn;
    let r = resident_in_care(conn, me, resident_id).await?;
    let pairings = pairing_views(
        conn,
        pairing::Entity::find()
            .filter(pairing::Column::ResidentId.eq(r.id))
            .all(conn)
            .await?,
    )
    .await?;
    let visits = visit::Entity::find()
        .filter(visit::Column::ResidentId.eq(r.id))
        .order_by_desc(visit::Column::VisitedAt)
        .limit(200)
        .all(conn)
        .await?
        .into_iter()
        .map(|v| visit_view(v, r.name.clone()))
        .collect();
    // Whoever reads the record cares for the resident.
    let is_resident = is_the_resident(conn, me, r.id).await?;
    let errands = errand::Entity::find()
        .filter(errand::Column::ResidentId.eq(r.id))
        .order_by_desc(errand::Column::Id)
        .limit(200)
        .all(conn)
        .await?
        .into_iter()
        .map(|e| {
            let rel = relation(&e, me, is_resident, true);
            errand_view(e, r.name.clone(), rel)
        })
        .collect();
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::CareRecordRead, "resident", r.id),
    )
    .await?;
    Ok(CareRecord {
        resident_id: r.id,
        resident_name: r.name,
        grid_id: r.grid_id,
        pairings,
        visits,
        errands,
    })
}

// ---------------------------------------------------------------------------------------------
// Errands

/// The asker's relation to an errand: the resident, its helper, a carer of the resident.
fn relation(e: &errand::Model, me: &Principal, is_resident: bool, carer: bool) -> ErrandRelation {
    ErrandRelation {
        is_resident,
        is_helper: e.helper_id == Some(me.user_id),
        carer,
    }
}

/// The errand as `rel` sees it: with the steps they may take now.
fn errand_view(e: errand::Model, resident_name: String, rel: ErrandRelation) -> ErrandView {
    let status = ErrandStatus::parse(&e.status).unwrap_or(ErrandStatus::Requested);
    ErrandView {
        steps: errand_steps(status, rel),
        id: e.id,
        resident_id: e.resident_id,
        resident_name,
        grid_id: e.grid_id,
        kind: ErrandKind::parse(&e.kind).unwrap_or(ErrandKind::Other),
        description: e.description,
        status,
        helper_name: e.helper_name,
        amount_fen: e.amount_fen,
        receipt: e.receipt,
        confirmed_by_name: e.confirmed_by_name,
        visit_id: e.visit_id,
        created_at: e.created_at,
        updated_at: e.updated_at,
        version: e.version,
    }
}

/// An errand of a kind the resident already has open is most likely the same need asked
/// twice: refused (`already_open` on `field`) unless the writer confirms it is another.
async fn refuse_open_errand(
    conn: &impl ConnectionTrait,
    resident_id: i64,
    kind: ErrandKind,
    confirmed: bool,
    field: &str,
) -> AppResult<()> {
    if confirmed {
        return Ok(());
    }
    let open: Vec<&str> = ErrandStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(ErrandStatus::as_str)
        .collect();
    let existing = errand::Entity::find()
        .filter(errand::Column::ResidentId.eq(resident_id))
        .filter(errand::Column::Kind.eq(kind.as_str()))
        .filter(errand::Column::Status.is_in(open))
        .one(conn)
        .await?;
    match existing {
        Some(_) => Err(AppError::field(field, FieldErrorCode::AlreadyOpen)),
        None => Ok(()),
    }
}

async fn insert_errand(
    conn: &impl ConnectionTrait,
    me: &Principal,
    r: &resident::Model,
    kind: ErrandKind,
    description: String,
    visit_id: Option<i64>,
) -> AppResult<errand::Model> {
    let now = crate::clock::now();
    Ok(errand::ActiveModel {
        resident_id: Set(r.id),
        grid_id: Set(r.grid_id),
        kind: Set(kind.as_str().into()),
        description: Set(description),
        status: Set(ErrandStatus::Requested.as_str().into()),
        requested_by: Set(Some(me.user_id)),
        visit_id: Set(visit_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Is `me` the resident an errand is for (their own verified account)?
async fn is_the_resident(
    conn: &impl ConnectionTrait,
    me: &Principal,
    resident_id: i64,
) -> AppResult<bool> {
    Ok(crate::accounts::residents::resident_of(conn, me.user_id)
        .await?
        .is_some_and(|r| r.id == resident_id))
}

/// Ask for an errand for a resident inside the caller's transaction (who may, the caller
/// has checked): refused as `already_open` on `field` like any other request.
pub(crate) async fn request_errand_in(
    conn: &impl ConnectionTrait,
    me: &Principal,
    r: &resident::Model,
    req: &ErrandInput,
    field: &str,
) -> AppResult<errand::Model> {
    let description = req.validate()?;
    refuse_open_errand(conn, r.id, req.kind, req.confirm_duplicate, field).await?;
    insert_errand(conn, me, r, req.kind, description, None).await
}

/// Ask for an errand: residents for themselves, carers for those they care for.
pub async fn request_errand(
    state: &AppState,
    me: &Principal,
    req: ErrandInput,
) -> AppResult<ErrandView> {
    let description = req.validate()?;
    let txn = state.db.begin_write().await?;
    let r = if is_the_resident(&*txn, me, req.resident_id).await? {
        resident::Entity::find_by_id(req.resident_id)
            .one_or_404(&*txn)
            .await?
    } else {
        resident_in_care(&*txn, me, req.resident_id)
            .await
            .map_err(|_| AppError::field("resident_id", FieldErrorCode::UnknownReference))?
    };
    refuse_open_errand(&*txn, r.id, req.kind, req.confirm_duplicate, "kind").await?;
    let e = insert_errand(&*txn, me, &r, req.kind, description, None).await?;
    let is_resident = is_the_resident(&*txn, me, r.id).await?;
    let carer = may_care_for(me, r.grid_id, is_helper(&*txn, me, r.id).await?);
    let rel = relation(&e, me, is_resident, carer);
    txn.commit().await?;
    Ok(errand_view(e, r.name, rel))
}

/// Errands `me` may see: their own (as the resident), those they run, and for staff and grid
/// workers those of their grids.
pub async fn list_errands(
    conn: &impl ConnectionTrait,
    me: &Principal,
    status: Option<ErrandStatus>,
) -> AppResult<Vec<ErrandView>> {
    let mut cond = sea_orm::Condition::any().add(errand::Column::HelperId.eq(me.user_id));
    let myself = crate::accounts::residents::resident_of(conn, me.user_id)
        .await?
        .map(|r| r.id);
    if let Some(r) = myself {
        cond = cond.add(errand::Column::ResidentId.eq(r));
    }
    let helped: Vec<i64> = pairing::Entity::find()
        .filter(pairing::Column::HelperUserId.eq(me.user_id))
        .filter(pairing::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.resident_id)
        .collect();
    if !helped.is_empty() {
        cond = cond.add(errand::Column::ResidentId.is_in(helped.clone()));
    }
    match me.scope(Permission::RevealSensitive) {
        Scope::All => cond = cond.add(errand::Column::Id.is_not_null()),
        Scope::Grids(g) => cond = cond.add(errand::Column::GridId.is_in(g)),
        Scope::None => {}
    }
    let mut q = errand::Entity::find().filter(cond);
    if let Some(s) = status {
        q = q.filter(errand::Column::Status.eq(s.as_str()));
    }
    let rows = q
        .order_by_desc(errand::Column::Id)
        .limit(LIST_LIMIT)
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = resident::Entity::find()
        .filter(resident::Column::Id.is_in(rows.iter().map(|e| e.resident_id).collect::<Vec<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| {
            let n = names.get(&e.resident_id).cloned().unwrap_or_default();
            let carer = may_care_for(me, e.grid_id, helped.contains(&e.resident_id));
            let rel = relation(&e, me, myself == Some(e.resident_id), carer);
            errand_view(e, n, rel)
        })
        .collect())
}

pub async fn move_errand(
    state: &AppState,
    me: &Principal,
    id: i64,
    req: ErrandMove,
) -> AppResult<ErrandView> {
    req.validate()?;
    let txn = state.db.begin_write().await?;
    let e = errand::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let is_resident = is_the_resident(&*txn, me, e.resident_id).await?;
    let carer = may_care_for(me, e.grid_id, is_helper(&*txn, me, e.resident_id).await?);
    let rel = relation(&e, me, is_resident, carer);
    if !(rel.is_resident || rel.is_helper || rel.carer) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    if e.version != req.version {
        let name = resident_name(&*txn, e.resident_id).await?;
        return Err(AppError::conflict(&errand_view(e, name, rel)));
    }
    let status = ErrandStatus::parse(&e.status).unwrap_or(ErrandStatus::Requested);
    let next =
        errand_step(status, req.step, rel).map_err(|_| AppError::Code(ErrorCode::IllegalMove))?;
    let now = crate::clock::now();
    let mut q = errand::Entity::update_many()
        .col_expr(errand::Column::Status, Expr::value(next.as_str()))
        .col_expr(errand::Column::Version, Expr::value(e.version + 1))
        .col_expr(errand::Column::UpdatedAt, Expr::value(now));
    match req.step {
        ErrandStep::Accept => {
            q = q
                .col_expr(errand::Column::HelperId, Expr::value(me.user_id))
                .col_expr(
                    errand::Column::HelperName,
                    Expr::value(me.display_name.clone()),
                );
        }
        ErrandStep::Complete => {
            q = q
                .col_expr(errand::Column::AmountFen, Expr::value(req.amount_fen))
                .col_expr(
                    errand::Column::Receipt,
                    Expr::value(req.receipt.as_deref().map(str::trim).map(str::to_string)),
                );
        }
        ErrandStep::Confirm => {
            q = q
                .col_expr(errand::Column::ConfirmedBy, Expr::value(me.user_id))
                .col_expr(
                    errand::Column::ConfirmedByName,
                    Expr::value(me.display_name.clone()),
                );
        }
        ErrandStep::Cancel => {}
    }
    let res = q
        .filter(errand::Column::Id.eq(id))
        .filter(errand::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Code(ErrorCode::VersionConflict));
    }
    let e = errand::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let name = resident_name(&*txn, e.resident_id).await?;
    txn.commit().await?;
    let rel = relation(&e, me, is_resident, carer);
    Ok(errand_view(e, name, rel))
}

async fn resident_name(conn: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    Ok(resident::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|r| r.name)
        .unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// Counts

/// Special-group residents per micro-grid of a grid (or of every grid the user may see):
/// counts only. Residents directly in a grid without a micro-grid count under the grid.
pub async fn group_counts(
    conn: &impl ConnectionTrait,
    me: &Principal,
    grid_id: Option<i64>,
) -> AppResult<Vec<GroupPlace>> {
    let grids: Vec<i64> = match (me.scope(Permission::RevealSensitive), grid_id) {
        (Scope::None, _) => return Err(AppError::Code(ErrorCode::Forbidden)),
        (Scope::All, Some(g)) => vec![g],
        (Scope::Grids(mine), Some(g)) if mine.contains(&g) => vec![g],
        (Scope::Grids(_), Some(_)) => return Err(AppError::Code(ErrorCode::Forbidden)),
        (Scope::Grids(mine), None) => mine,
        (Scope::All, None) => place::Entity::find()
            .filter(place::Column::Kind.eq("grid"))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect(),
    };
    // household → building → micro-grid: resolve the micro-grid of each household once.
    let places = place::Entity::find()
        .filter(place::Column::GridId.is_in(grids.clone()))
        .all(conn)
        .await?;
    let by_id: HashMap<i64, &place::Model> = places.iter().map(|p| (p.id, p)).collect();
    let micro_of = |household: i64| -> Option<i64> {
        let mut next = Some(household);
        while let Some(id) = next {
            let p = by_id.get(&id)?;
            if p.kind == "micro_grid" || p.kind == "grid" {
                return Some(p.id);
            }
            next = p.parent_id;
        }
        None
    };
    let household_of: HashMap<i64, i64> = resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .column(resident::Column::HouseholdId)
        .filter(resident::Column::GridId.is_in(grids.clone()))
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let tagged: Vec<(i64, String)> = resident_group::Entity::find()
        .select_only()
        .column(resident_group::Column::ResidentId)
        .column(resident_group::Column::GroupName)
        .filter(
            resident_group::Column::ResidentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(resident::Column::Id)
                    .from(resident::Entity)
                    .and_where(resident::Column::GridId.is_in(grids))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(conn)
        .await?;
    // Per micro-grid: the distinct people (a resident with two tags is one person) and the
    // people per group.
    let mut people: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
    let mut counts: HashMap<(i64, SpecialGroup), u64> = HashMap::new();
    for (resident, group) in tagged {
        let Some(group) = SpecialGroup::parse(&group) else {
            continue;
        };
        let Some(m) = household_of.get(&resident).and_then(|h| micro_of(*h)) else {
            continue;
        };
        people.entry(m).or_default().insert(resident);
        *counts.entry((m, group)).or_default() += 1;
    }
    let name_of = |id: i64| by_id.get(&id).map(|p| p.name.clone()).unwrap_or_default();
    let mut out: Vec<GroupPlace> = people
        .into_iter()
        .map(|(place_id, who)| {
            let grid_id = by_id
                .get(&place_id)
                .and_then(|p| {
                    if p.kind == "grid" {
                        Some(p.id)
                    } else {
                        p.grid_id
                    }
                })
                .unwrap_or(place_id);
            GroupPlace {
                place_id,
                place_name: name_of(place_id),
                grid_id,
                grid_name: name_of(grid_id),
                people: who.len() as u64,
                groups: SpecialGroup::ALL
                    .into_iter()
                    .filter_map(|group| {
                        let count = *counts.get(&(place_id, group))?;
                        Some(GroupCount { group, count })
                    })
                    .collect(),
            }
        })
        .collect();
    // In the register's order (codes: XF-C01-G1, XF-C01-G1-M1, …), not by name.
    let code_of = |id: i64| by_id.get(&id).map(|p| p.code.clone()).unwrap_or_default();
    out.sort_by_cached_key(|g| (code_of(g.grid_id), code_of(g.place_id)));
    Ok(out)
}
