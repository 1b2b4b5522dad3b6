//! Mediation files: intake, consent, sessions, agreement, performance. Who reads what comes
//! from `shared::mediation::access` and `may_read_entry`; this module applies them to every
//! response that can carry session content.

use super::store::{entry, event, file, mediator, party, photo, record, session, term};
use crate::accounts::store::{user, user_role};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult, Or404};
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::accounts::{Principal, Role};
use shared::calendar::SHANGHAI;
use shared::error::{ErrorCode, FieldErrorCode, FieldErrors};
use shared::mediation::*;
use std::collections::HashMap;
use time::OffsetDateTime;

pub fn stage_of(f: &file::Model) -> MediationStage {
    MediationStage::parse(&f.stage).unwrap_or(MediationStage::Intake)
}

async fn relation(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: &file::Model,
) -> AppResult<FileRelation> {
    let is_mediator = mediator::Entity::find_by_id((f.id, me.user_id))
        .one(conn)
        .await?
        .is_some();
    let is_party = party::Entity::find()
        .filter(party::Column::FileId.eq(f.id))
        .filter(party::Column::UserId.eq(me.user_id))
        .count(conn)
        .await?
        > 0;
    Ok(FileRelation {
        mediator: is_mediator,
        party: is_party,
        in_own_grid: f.grid_id.is_some_and(|g| me.grid_ids.contains(&g)),
    })
}

/// The file and how much of it `me` may see; files one may not see do not exist (404).
pub(crate) async fn find_accessible(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<(file::Model, FileRelation, Access)> {
    let f = file::Entity::find_by_id(id).one_or_404(conn).await?;
    let rel = relation(conn, me, &f).await?;
    match access(me, rel) {
        Access::None => Err(AppError::Code(ErrorCode::NotFound)),
        a => Ok((f, rel, a)),
    }
}

/// Like `find_accessible`, for writes that only those who run the file make.
async fn find_runnable(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<(file::Model, FileRelation, Access)> {
    let (f, rel, a) = find_accessible(conn, me, id).await?;
    if !may_run(me, rel) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    Ok((f, rel, a))
}

pub(super) async fn append(
    conn: &impl ConnectionTrait,
    file_id: i64,
    me: &Principal,
    action: MediationEvent,
    from: Option<MediationStage>,
    to: Option<MediationStage>,
    detail: FileEventDetail,
    note: Option<String>,
) -> AppResult<()> {
    event::ActiveModel {
        file_id: Set(file_id),
        at: Set(crate::clock::now()),
        actor_id: Set(Some(me.user_id)),
        actor_name: Set(me.display_name.clone()),
        action: Set(action.as_str().to_string()),
        from_stage: Set(from.map(|s| s.as_str().to_string())),
        to_stage: Set(to.map(|s| s.as_str().to_string())),
        note: Set(note),
        detail: Set((!detail.is_empty())
            .then(|| serde_json::to_string(&detail).expect("plain data serializes"))),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Bump the file's version if the client saw the current one; otherwise 409 with the file.
pub(super) async fn bump(
    conn: &impl ConnectionTrait,
    me: &Principal,
    ctx: &RequestCtx,
    f: &file::Model,
    version: i64,
) -> AppResult<()> {
    let res = file::Entity::update_many()
        .col_expr(file::Column::Version, Expr::value(f.version + 1))
        .col_expr(file::Column::UpdatedAt, Expr::value(crate::clock::now()))
        .filter(file::Column::Id.eq(f.id))
        .filter(file::Column::Version.eq(version))
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        let current = file::Entity::find_by_id(f.id).one_or_404(conn).await?;
        let rel = relation(conn, me, &current).await?;
        // The conflict body is rolled back with the transaction, and so would be any audit
        // record: it carries no session notes (the client reloads the file to see them).
        let a = access(me, rel).min(Access::Office);
        let _ = ctx;
        return Err(AppError::conflict(&view(conn, me, current, rel, a).await?));
    }
    Ok(())
}

/// Set a new stage (the version was checked by the caller's `bump`).
async fn set_stage(conn: &impl ConnectionTrait, id: i64, to: MediationStage) -> AppResult<()> {
    file::Entity::update_many()
        .col_expr(file::Column::Stage, Expr::value(to.as_str()))
        .filter(file::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Intake

/// The mediators named in `field` (`mediator_ids`, `user_ids`): no one twice, each an enabled
/// account that may mediate (`shared::accounts::may_name_for`, `Work::Mediator`).
async fn check_mediators(
    conn: &impl ConnectionTrait,
    me: &Principal,
    ids: &[i64],
    field: &str,
) -> AppResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if ids[..i].contains(id) {
            return Err(AppError::field(&at, FieldErrorCode::Duplicate));
        }
        crate::accounts::service::check_named_person(
            conn,
            me,
            shared::accounts::Work::Mediator,
            *id,
            None,
            &at,
        )
        .await?;
    }
    Ok(())
}

pub async fn create_file(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    mut req: CreateFile,
) -> AppResult<FileView> {
    req.validate()?;
    let office = me.is_office();
    if !req.origin.may_choose(me) {
        return Err(AppError::field("origin", FieldErrorCode::NotAllowed));
    }
    let resident_only = shared::mediation::applies_for_self_only(me);
    if resident_only {
        // A resident applies for themselves: they are the applicant.
        for p in req.parties.iter_mut() {
            p.user_id = None;
            p.username = None;
        }
        if let Some(a) = req.parties.iter_mut().find(|p| p.side == Side::Applicant) {
            a.user_id = Some(me.user_id);
        }
    }
    let txn = state.db.begin_write().await?;
    let place = match crate::places::service::find(&*txn, req.place_id).await {
        Ok(p) if resident_only || crate::places::service::check_visible(me, &p).is_ok() => p,
        _ => {
            return Err(AppError::field(
                "place_id",
                FieldErrorCode::UnknownReference,
            ));
        }
    };
    if me.has_role(Role::GridWorker)
        && !office
        && !me.has_role(Role::Mediator)
        && !place.grid_id.is_some_and(|g| me.grid_ids.contains(&g))
    {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    // A resident applies where they live: a verified resident, within their own grid.
    if resident_only {
        let home = crate::accounts::residents::resident_of(&*txn, me.user_id).await?;
        if !home.is_some_and(|r| place.grid_id == Some(r.grid_id)) {
            return Err(AppError::field("place_id", FieldErrorCode::NotAllowed));
        }
    }
    check_mediators(&*txn, me, &req.mediator_ids, "mediator_ids").await?;
    // A mediator who registers a dispute mediates it (with whomever they named): otherwise
    // the file they just wrote would be out of their sight.
    if me.has_role(Role::Mediator) && !office && !req.mediator_ids.contains(&me.user_id) {
        req.mediator_ids.push(me.user_id);
    }
    // A party's account named by its username (what a resident tells the office).
    for (i, p) in req.parties.iter_mut().enumerate() {
        let Some(name) = p
            .username
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        if p.user_id.is_some() {
            continue;
        }
        match user::Entity::find()
            .filter(user::Column::Username.eq(name))
            .filter(user::Column::Disabled.eq(false))
            .one(&*txn)
            .await?
        {
            Some(u) => p.user_id = Some(u.id),
            None => {
                return Err(AppError::field(
                    &format!("parties[{i}].username"),
                    FieldErrorCode::UnknownReference,
                ));
            }
        }
    }
    for (i, p) in req.parties.iter().enumerate() {
        if let Some(u) = p.user_id
            && user::Entity::find_by_id(u).one(&*txn).await?.is_none()
        {
            return Err(AppError::field(
                &format!("parties[{i}].user_id"),
                FieldErrorCode::UnknownReference,
            ));
        }
    }
    if let Some(c) = req.source_case_id {
        crate::cases::service::find_visible(&*txn, me, c)
            .await
            .map_err(|_| AppError::field("source_case_id", FieldErrorCode::UnknownReference))?;
    }
    let now = crate::clock::now();
    let f = file::ActiveModel {
        number: Set(format!(
            "tmp-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        )),
        title: Set(req.title.trim().to_string()),
        description: Set(req.description.trim().to_string()),
        dispute_type: Set(req.dispute_type.as_str().into()),
        origin: Set(req.origin.as_str().into()),
        source_case_id: Set(req.source_case_id),
        place_id: Set(place.id),
        grid_id: Set(place.grid_id),
        stage: Set(MediationStage::Intake.as_str().into()),
        risk: Set(req.risk),
        chosen_by_parties: Set(req.chosen_by_parties),
        agreement_oral: Set(false),
        created_by: Set(Some(me.user_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    // Numbered like the committee's register: 调 year and a running number.
    let number = format!("调{}-{:05}", now.to_offset(SHANGHAI).year(), f.id);
    file::Entity::update_many()
        .col_expr(file::Column::Number, Expr::value(number))
        .filter(file::Column::Id.eq(f.id))
        .exec(&*txn)
        .await?;
    for (i, p) in req.parties.iter().enumerate() {
        party::ActiveModel {
            file_id: Set(f.id),
            position: Set(i as i32),
            side: Set(p.side.as_str().into()),
            name: Set(p.name.trim().to_string()),
            // Stored as parsed (spaces and dashes gone), as checked above.
            phone: Set(p
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    shared::validate::Phone::parse(s)
                        .map(|ph| ph.as_str().to_string())
                        .unwrap_or_else(|_| s.to_string())
                })),
            id_number: Set(p
                .id_number
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .and_then(|n| parse_party_id_number(n).ok())),
            address: Set(p
                .address
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)),
            representative: Set(p
                .representative
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)),
            user_id: Set(p.user_id),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    for m in &req.mediator_ids {
        mediator::Entity::insert(mediator::ActiveModel {
            file_id: Set(f.id),
            user_id: Set(*m),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                mediator::Column::FileId,
                mediator::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&*txn)
        .await?;
    }
    append(
        &*txn,
        f.id,
        me,
        MediationEvent::Intake,
        None,
        Some(MediationStage::Intake),
        FileEventDetail {
            risk: req.risk,
            ..Default::default()
        },
        None,
    )
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::MediationCreate,
            "mediation_file",
            f.id,
        ),
    )
    .await?;
    let (f, rel, a) = find_accessible(&*txn, me, f.id).await?;
    let out = view(&*txn, me, f, rel, a).await?;
    txn.commit().await?;
    Ok(out)
}

/// May a reader with this access learn of a history entry? A party learns of sessions from
/// the sessions they may see, not from the history (which would tell them of the other
/// side's back-to-back talks), nor of the office's records (site checks, police notices).
/// The file page and the live board both ask this.
pub fn shown_in_history(a: Access, action: &str) -> bool {
    a != Access::Party
        || !matches!(
            MediationEvent::parse(action),
            Some(MediationEvent::Session | MediationEvent::Record | MediationEvent::RecordPhoto)
        )
}

/// The history entry of a photo added to a record (added by the photos module).
pub const PHOTO_ACTION: MediationEvent = MediationEvent::RecordPhoto;

/// A printed or downloaded copy of dispute content leaves the system: record who took it,
/// unless a party took their own file's copy.
pub async fn audit_print(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    v: &FileView,
    action: shared::audit::AuditAction,
    entity: &str,
    id: i64,
) -> AppResult<()> {
    if v.access == Access::Party {
        return Ok(());
    }
    audit::record(
        &state.db.conn,
        Some(me),
        ctx,
        Record::new(action, entity, id),
    )
    .await
}

/// Assign the file's mediators (the office; Art. 19).
pub async fn set_mediators(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: Mediators,
) -> AppResult<FileView> {
    let txn = state.db.begin_write().await?;
    let (f, rel, _) = find_accessible(&*txn, me, id).await?;
    if !may_assign_mediators(me, rel) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if req.user_ids.is_empty() {
        return Err(AppError::field("user_ids", FieldErrorCode::Required));
    }
    check_mediators(&*txn, me, &req.user_ids, "user_ids").await?;
    bump(&*txn, me, ctx, &f, req.version).await?;
    mediator::Entity::delete_many()
        .filter(mediator::Column::FileId.eq(id))
        .exec(&*txn)
        .await?;
    for u in &req.user_ids {
        mediator::ActiveModel {
            file_id: Set(id),
            user_id: Set(*u),
        }
        .insert(&*txn)
        .await?;
    }
    file::Entity::update_many()
        .col_expr(
            file::Column::ChosenByParties,
            Expr::value(req.chosen_by_parties),
        )
        .filter(file::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    let names = mediator_names(&*txn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    append(
        &*txn,
        id,
        me,
        MediationEvent::Mediators,
        None,
        None,
        FileEventDetail {
            mediators: names.clone(),
            chosen_by_parties: Some(req.chosen_by_parties),
            ..Default::default()
        },
        None,
    )
    .await?;
    let rec = Record::new(
        shared::audit::AuditAction::MediationMediators,
        "mediation_file",
        id,
    )
    .about(shared::audit::AuditDetail::Mediators {
        names,
        chosen_by_parties: req.chosen_by_parties,
    });
    audit::record(&*txn, Some(me), ctx, rec).await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// The file after a write, for the writer. A mediator's copy carries the confidential notes,
/// so it is logged like any read of them.
async fn reread(
    conn: &impl ConnectionTrait,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
) -> AppResult<FileView> {
    let (f, rel, a) = find_accessible(conn, me, id).await?;
    let v = view(conn, me, f, rel, a).await?;
    audit_notes_read(conn, me, ctx, &v).await?;
    Ok(v)
}

/// Log a read of session notes when the view carries any.
async fn audit_notes_read(
    conn: &impl ConnectionTrait,
    me: &Principal,
    ctx: &RequestCtx,
    v: &FileView,
) -> AppResult<()> {
    let confidential = v.sessions.iter().any(|s| {
        !s.entries.is_empty() || s.strategy_note.as_deref().is_some_and(|n| !n.is_empty())
    });
    if v.access == Access::Mediator && confidential {
        audit::record(
            conn,
            Some(me),
            ctx,
            Record::new(
                shared::audit::AuditAction::MediationNotesRead,
                "mediation_file",
                v.summary.id,
            ),
        )
        .await?;
    }
    Ok(())
}

async fn find_party(conn: &impl ConnectionTrait, id: i64) -> AppResult<party::Model> {
    party::Entity::find_by_id(id).one_or_404(conn).await
}

/// Record a party's consent. A refusal ends the file as not accepted, with the reason (Art. 17).
pub async fn set_consent(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    party_id: i64,
    req: Consent,
) -> AppResult<FileView> {
    let note = req.note.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if !req.agreed && note.is_none() {
        return Err(AppError::field("note", FieldErrorCode::Required));
    }
    let txn = state.db.begin_write().await?;
    let p = find_party(&*txn, party_id).await?;
    let (f, _, _) = find_runnable(&*txn, me, p.file_id).await?;
    if !Change::Consent.allowed_in(stage_of(&f)) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let now = crate::clock::now();
    let name = p.name.clone();
    let mut a: party::ActiveModel = p.into();
    a.consent = Set(Some(req.agreed));
    a.consent_note = Set(note.map(str::to_string));
    a.consent_at = Set(Some(now));
    a.update(&*txn).await?;
    // Which party and whether they agreed are facts (worded by the reader's app); the reason
    // for refusing is the party's own words.
    let detail = FileEventDetail {
        parties: vec![name],
        ..Default::default()
    };
    if req.agreed {
        append(
            &*txn,
            f.id,
            me,
            MediationEvent::Consent,
            None,
            None,
            detail,
            None,
        )
        .await?;
    } else {
        let reason = note.unwrap_or_default().to_string();
        set_stage(&*txn, f.id, MediationStage::NotAccepted).await?;
        file::Entity::update_many()
            .col_expr(file::Column::OutcomeNote, Expr::value(reason.clone()))
            .filter(file::Column::Id.eq(f.id))
            .exec(&*txn)
            .await?;
        append(
            &*txn,
            f.id,
            me,
            MediationEvent::Refused,
            Some(MediationStage::Intake),
            Some(MediationStage::NotAccepted),
            detail,
            Some(reason),
        )
        .await?;
    }
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, f.id).await?;
    txn.commit().await?;
    Ok(out)
}

/// The notice of the parties' rights and duties was given (Art. 23–24).
pub async fn notify_party(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    party_id: i64,
) -> AppResult<FileView> {
    let txn = state.db.begin_write().await?;
    let p = find_party(&*txn, party_id).await?;
    let (f, _, _) = find_runnable(&*txn, me, p.file_id).await?;
    let name = p.name.clone();
    let mut a: party::ActiveModel = p.into();
    a.notified_at = Set(Some(crate::clock::now()));
    a.update(&*txn).await?;
    append(
        &*txn,
        f.id,
        me,
        MediationEvent::Notice,
        None,
        None,
        FileEventDetail {
            parties: vec![name],
            ..Default::default()
        },
        None,
    )
    .await?;
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, f.id).await?;
    txn.commit().await?;
    Ok(out)
}

/// A party's full phone number: mediators and the office only, audit-logged.
pub async fn reveal_contact(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    party_id: i64,
) -> AppResult<PartyContact> {
    let p = find_party(&state.db.conn, party_id).await?;
    let (_, _, a) = find_accessible(&state.db.conn, me, p.file_id).await?;
    if a < Access::Office {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::MediationPartyReveal,
            "mediation_party",
            p.id,
        ),
    )
    .await?;
    Ok(PartyContact {
        party_id: p.id,
        phone: p.phone,
        id_number: p.id_number,
    })
}

// ---------------------------------------------------------------------------------------------
// Moves

pub async fn facts(conn: &impl ConnectionTrait, f: &file::Model) -> AppResult<FileFacts> {
    let parties = party::Entity::find()
        .filter(party::Column::FileId.eq(f.id))
        .all(conn)
        .await?;
    let terms = term::Entity::find()
        .filter(term::Column::FileId.eq(f.id))
        .all(conn)
        .await?;
    let follow_ups = record::Entity::find()
        .filter(record::Column::FileId.eq(f.id))
        .filter(record::Column::Kind.eq(RecordKind::FollowUp.as_str()))
        .count(conn)
        .await?;
    Ok(FileFacts {
        parties: parties.len(),
        consented: parties.iter().filter(|p| p.consent == Some(true)).count(),
        confirmed: parties.iter().filter(|p| p.confirmed_at.is_some()).count(),
        has_agreement: f.agreement_facts.is_some() && !terms.is_empty(),
        oral: f.agreement_oral,
        terms: terms.len(),
        terms_performed: terms.iter().filter(|t| t.performed_at.is_some()).count(),
        follow_ups: follow_ups as usize,
    })
}

pub async fn move_file(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: MoveFile,
) -> AppResult<FileView> {
    let note = req.note.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if req.action.needs_note() && note.is_none() {
        return Err(AppError::field("note", FieldErrorCode::Required));
    }
    let txn = state.db.begin_write().await?;
    let (f, rel, _) = find_runnable(&*txn, me, id).await?;
    if f.version != req.version {
        bump(&*txn, me, ctx, &f, req.version).await?;
    }
    let from = stage_of(&f);
    let to = match check_mediation_move(from, req.action, facts(&*txn, &f).await?, me, rel) {
        Ok(to) => to,
        Err(MediationRefusal::NotYours) => return Err(AppError::Code(ErrorCode::Forbidden)),
        Err(r) => return Err(AppError::Refused(ErrorCode::IllegalMove, r.text())),
    };
    bump(&*txn, me, ctx, &f, req.version).await?;
    set_stage(&*txn, id, to).await?;
    let now = crate::clock::now();
    let note = note.map(str::to_string);
    match req.action {
        MediationAction::Accept => {
            file::Entity::update_many()
                .col_expr(file::Column::AcceptedAt, Expr::value(now))
                .col_expr(
                    file::Column::Deadline,
                    Expr::value(default_deadline(crate::clock::today())),
                )
                .filter(file::Column::Id.eq(id))
                .exec(&*txn)
                .await?;
        }
        MediationAction::Perform => {
            file::Entity::update_many()
                .col_expr(file::Column::AgreementEffectiveAt, Expr::value(now))
                .filter(file::Column::Id.eq(id))
                .exec(&*txn)
                .await?;
        }
        MediationAction::Fail => {
            // The parties are told of the other routes (Art. 26): the history's `fail` entry
            // says so (`shared::mediation::OTHER_ROUTES_TOLD`); the outcome is the note.
            file::Entity::update_many()
                .col_expr(file::Column::OutcomeNote, Expr::value(note.clone()))
                .filter(file::Column::Id.eq(id))
                .exec(&*txn)
                .await?;
        }
        MediationAction::Resume => {
            // An agreement that was not confirmed is redrafted: signatures start over.
            party::Entity::update_many()
                .col_expr(
                    party::Column::ConfirmedAt,
                    Expr::value(Option::<OffsetDateTime>::None),
                )
                .col_expr(
                    party::Column::ConfirmedBy,
                    Expr::value(Option::<String>::None),
                )
                .filter(party::Column::FileId.eq(id))
                .exec(&*txn)
                .await?;
        }
        MediationAction::Begin | MediationAction::Agree | MediationAction::Close => {}
    }
    append(
        &*txn,
        id,
        me,
        MediationEvent::from(req.action),
        Some(from),
        Some(to),
        FileEventDetail::default(),
        note,
    )
    .await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Extend the time limit: every party must consent.
pub async fn extend(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: Extension,
) -> AppResult<FileView> {
    let txn = state.db.begin_write().await?;
    let (f, _, _) = find_runnable(&*txn, me, id).await?;
    if !Change::Extension.allowed_in(stage_of(&f)) || f.deadline.is_none() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let party_ids: Vec<i64> = party::Entity::find()
        .filter(party::Column::FileId.eq(id))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut errs = FieldErrors::new();
    if !extension_allowed(&party_ids, &req.consenting_party_ids) {
        errs.add("consenting_party_ids", FieldErrorCode::Required);
    }
    if f.deadline.is_some_and(|d| req.deadline <= d) {
        errs.add("deadline", FieldErrorCode::OutOfRange);
    }
    errs.into_result()?;
    bump(&*txn, me, ctx, &f, req.version).await?;
    file::Entity::update_many()
        .col_expr(file::Column::Deadline, Expr::value(req.deadline))
        .filter(file::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    append(
        &*txn,
        id,
        me,
        MediationEvent::Extend,
        None,
        None,
        FileEventDetail {
            deadline: Some(req.deadline),
            ..Default::default()
        },
        None,
    )
    .await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Records, sessions, agreement

pub async fn add_record(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: NewRecord,
) -> AppResult<FileView> {
    let text = req.validate()?;
    let txn = state.db.begin_write().await?;
    let (f, _, _) = find_runnable(&*txn, me, id).await?;
    let stage = stage_of(&f);
    if !Change::Record(req.kind).allowed_in(stage) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    record::ActiveModel {
        file_id: Set(id),
        kind: Set(req.kind.as_str().into()),
        text: Set(text),
        author_id: Set(Some(me.user_id)),
        author_name: Set(me.display_name.clone()),
        at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    // In the history (without the text) so every write moves the live boards' cursor.
    append(
        &*txn,
        id,
        me,
        MediationEvent::Record,
        None,
        None,
        FileEventDetail {
            record_kind: Some(req.kind),
            ..Default::default()
        },
        None,
    )
    .await?;
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Record a session (the file's mediators only). The first one starts the sessions stage.
pub async fn add_session(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: NewSession,
) -> AppResult<FileView> {
    let txn = state.db.begin_write().await?;
    let (f, _, a) = find_accessible(&*txn, me, id).await?;
    if a != Access::Mediator {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let all_parties = party::Entity::find()
        .filter(party::Column::FileId.eq(id))
        .order_by_asc(party::Column::Position)
        .all(&*txn)
        .await?;
    let parties: Vec<i64> = all_parties.iter().map(|p| p.id).collect();
    req.validate(&parties)?;
    // Art. 23–24: held before a party was told of their rights, the session is still
    // recorded (it took place), and the history says so (`shared::mediation::untold`).
    let present = present_at(req.mode, req.party_id, &parties);
    let untold_names: Vec<String> = all_parties
        .iter()
        .filter(|p| present.contains(&p.id) && p.notified_at.is_none())
        .map(|p| p.name.clone())
        .collect();
    let stage = stage_of(&f);
    if !Change::Session.allowed_in(stage) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let now = crate::clock::now();
    let s = session::ActiveModel {
        file_id: Set(id),
        mode: Set(req.mode.as_str().into()),
        party_id: Set(req.party_id),
        held_at: Set(req.held_at),
        venue: Set(req.venue.trim().to_string()),
        strategy_note: Set(req.strategy_note.trim().to_string()),
        mediator_id: Set(Some(me.user_id)),
        mediator_name: Set(me.display_name.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for e in &req.entries {
        entry::ActiveModel {
            session_id: Set(s.id),
            file_id: Set(id),
            party_id: Set(e.party_id),
            statement: Set(e.statement.trim().to_string()),
            position: Set(e.position.trim().to_string()),
            interests: Set(e.interests.trim().to_string()),
            proposal: Set(e.proposal.trim().to_string()),
            shareable: Set(e.shared_in(req.mode)),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    if stage == MediationStage::Accepted {
        set_stage(&*txn, id, MediationStage::InSession).await?;
    }
    // The history says that a session took place and in which mode, never what was said.
    append(
        &*txn,
        id,
        me,
        MediationEvent::Session,
        (stage == MediationStage::Accepted).then_some(stage),
        (stage == MediationStage::Accepted).then_some(MediationStage::InSession),
        FileEventDetail {
            session_mode: Some(req.mode),
            ..Default::default()
        },
        None,
    )
    .await?;
    if !untold_names.is_empty() {
        append(
            &*txn,
            id,
            me,
            MediationEvent::NoticeMissing,
            None,
            None,
            FileEventDetail {
                parties: untold_names,
                ..Default::default()
            },
            None,
        )
        .await?;
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(
            shared::audit::AuditAction::MediationSessionWrite,
            "mediation_file",
            id,
        ),
    )
    .await?;
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Draft (or redraft) the agreement: facts and terms. Signatures start over.
pub async fn set_agreement(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: AgreementInput,
) -> AppResult<FileView> {
    req.validate()?;
    let txn = state.db.begin_write().await?;
    let (f, _, a) = find_accessible(&*txn, me, id).await?;
    if a != Access::Mediator {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if !Change::Agreement.allowed_in(stage_of(&f)) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    // Art. 23–24: no agreement before every party knows their rights (they may refuse it).
    let untold = party::Entity::find()
        .filter(party::Column::FileId.eq(id))
        .filter(party::Column::NotifiedAt.is_null())
        .count(&*txn)
        .await?;
    if untold > 0 {
        return Err(AppError::Code(ErrorCode::RightsNotNotified));
    }
    bump(&*txn, me, ctx, &f, req.version).await?;
    file::Entity::update_many()
        .col_expr(file::Column::AgreementFacts, Expr::value(req.facts.trim()))
        .col_expr(file::Column::AgreementOral, Expr::value(req.oral))
        .filter(file::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    term::Entity::delete_many()
        .filter(term::Column::FileId.eq(id))
        .exec(&*txn)
        .await?;
    for (i, t) in req.terms.iter().enumerate() {
        term::ActiveModel {
            file_id: Set(id),
            position: Set(i as i32),
            text: Set(t.text.trim().to_string()),
            due: Set(t.due),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    party::Entity::update_many()
        .col_expr(
            party::Column::ConfirmedAt,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(
            party::Column::ConfirmedBy,
            Expr::value(Option::<String>::None),
        )
        .filter(party::Column::FileId.eq(id))
        .exec(&*txn)
        .await?;
    append(
        &*txn,
        id,
        me,
        MediationEvent::AgreementDrafted,
        None,
        None,
        FileEventDetail::default(),
        None,
    )
    .await?;
    let out = reread(&*txn, me, ctx, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// A party confirms the agreement (signature or thumbprint recorded by the mediator).
pub async fn confirm(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    party_id: i64,
    req: Confirm,
) -> AppResult<FileView> {
    let txn = state.db.begin_write().await?;
    let p = find_party(&*txn, party_id).await?;
    let (f, _, a) = find_accessible(&*txn, me, p.file_id).await?;
    if a != Access::Mediator {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if !Change::Confirm.allowed_in(stage_of(&f)) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let name = p.name.clone();
    let mut pa: party::ActiveModel = p.into();
    pa.confirmed_by = Set(Some(req.method.as_str().into()));
    pa.confirmed_at = Set(Some(crate::clock::now()));
    pa.update(&*txn).await?;
    append(
        &*txn,
        f.id,
        me,
        MediationEvent::Confirmed,
        None,
        None,
        FileEventDetail {
            parties: vec![name],
            confirm_method: Some(req.method),
            ..Default::default()
        },
        None,
    )
    .await?;
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, f.id).await?;
    txn.commit().await?;
    Ok(out)
}

/// A term was performed, with what shows it.
pub async fn perform_term(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    term_id: i64,
    req: Performed,
) -> AppResult<FileView> {
    let proof = req.validate()?;
    let txn = state.db.begin_write().await?;
    let t = term::Entity::find_by_id(term_id).one_or_404(&*txn).await?;
    let (f, _, _) = find_runnable(&*txn, me, t.file_id).await?;
    if !Change::Performed.allowed_in(stage_of(&f)) {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let mut ta: term::ActiveModel = t.into();
    ta.performed_at = Set(Some(crate::clock::now()));
    ta.proof = Set(Some(proof.clone()));
    ta.update(&*txn).await?;
    append(
        &*txn,
        f.id,
        me,
        MediationEvent::Performed,
        None,
        None,
        FileEventDetail::default(),
        Some(proof),
    )
    .await?;
    bump(&*txn, me, ctx, &f, f.version).await?;
    let out = reread(&*txn, me, ctx, f.id).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Reading

async fn mediator_names(
    conn: &impl ConnectionTrait,
    file_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows = mediator::Entity::find()
        .filter(mediator::Column::FileId.is_in(file_ids.to_vec()))
        .all(conn)
        .await?;
    let users: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|r| r.user_id).collect::<Vec<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.file_id)
            .or_default()
            .push(users.get(&r.user_id).cloned().unwrap_or_default());
    }
    Ok(out)
}

fn summary(f: &file::Model, mediators: Vec<String>) -> FileSummary {
    let stage = stage_of(f);
    FileSummary {
        id: f.id,
        number: f.number.clone(),
        title: f.title.clone(),
        dispute_type: DisputeType::parse(&f.dispute_type).unwrap_or(DisputeType::Other),
        stage,
        grid_id: f.grid_id,
        risk: f.risk,
        deadline: f.deadline,
        overdue: deadline_overdue(stage, f.deadline, crate::clock::today()),
        mediator_names: mediators,
        version: f.version,
        updated_at: f.updated_at,
    }
}

/// Files the user may see: the office all, grid workers their grids', mediators theirs,
/// residents those they are a party to.
pub async fn list_files(
    conn: &impl ConnectionTrait,
    me: &Principal,
    stage: Option<MediationStage>,
) -> AppResult<Vec<FileSummary>> {
    let mut q = file::Entity::find();
    if let Some(s) = stage {
        q = q.filter(file::Column::Stage.eq(s.as_str()));
    }
    if !(me.is_office()) {
        let mine: Vec<i64> = mediator::Entity::find()
            .filter(mediator::Column::UserId.eq(me.user_id))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.file_id)
            .chain(
                party::Entity::find()
                    .filter(party::Column::UserId.eq(me.user_id))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|p| p.file_id),
            )
            .collect();
        let mut cond = sea_orm::Condition::any().add(file::Column::Id.is_in(mine));
        if me.has_role(Role::GridWorker) && !me.grid_ids.is_empty() {
            cond = cond.add(file::Column::GridId.is_in(me.grid_ids.clone()));
        }
        q = q.filter(cond);
    }
    let files = q.order_by_desc(file::Column::UpdatedAt).all(conn).await?;
    let ids: Vec<i64> = files.iter().map(|f| f.id).collect();
    let mut names = mediator_names(conn, &ids).await?;
    Ok(files
        .iter()
        .map(|f| summary(f, names.remove(&f.id).unwrap_or_default()))
        .collect())
}

/// What the agreement document states beyond the reader's view: each party's identity
/// number and address in full, and the committee that mediated — the people's mediation
/// committee of the community the dispute is in (人民调解委员会, Art. 7–8).
pub async fn agreement_document(
    conn: &impl ConnectionTrait,
    file_id: i64,
) -> AppResult<AgreementDocument> {
    let f = file::Entity::find_by_id(file_id).one_or_404(conn).await?;
    let place = crate::places::service::find(conn, f.place_id).await?;
    let mut chain = crate::places::service::path_of(conn, &place).await?;
    chain.push(crate::places::service::to_ref(&place));
    let community = chain
        .iter()
        .rev()
        .find(|p| p.kind == shared::places::PlaceKind::Community)
        .or(chain.last())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let parties = party::Entity::find()
        .filter(party::Column::FileId.eq(file_id))
        .order_by_asc(party::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| AgreementParty {
            party_id: p.id,
            id_number: p.id_number,
            address: p.address,
        })
        .collect();
    Ok(AgreementDocument {
        committee: format!("{community}人民调解委员会"),
        parties,
    })
}

/// The file as this reader may see it. Session content goes only to the file's mediators in
/// full; a party gets their own words and what the other side allowed to be shared; the
/// office gets that sessions took place.
pub async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: file::Model,
    rel: FileRelation,
    a: Access,
) -> AppResult<FileView> {
    let parties = party::Entity::find()
        .filter(party::Column::FileId.eq(f.id))
        .order_by_asc(party::Column::Position)
        .all(conn)
        .await?;
    let reader_party = parties
        .iter()
        .find(|p| p.user_id == Some(me.user_id))
        .map(|p| p.id);
    let names: HashMap<i64, String> = parties.iter().map(|p| (p.id, p.name.clone())).collect();
    let party_views = parties
        .iter()
        .map(|p| PartyView {
            id: p.id,
            side: Side::parse(&p.side).unwrap_or(Side::Other),
            name: p.name.clone(),
            phone: p.phone.as_deref().map(shared::validate::mask_phone),
            // Masked, and like the address only for the office and the mediators: a party
            // reads the other side's on the agreement they both sign.
            id_number: p
                .id_number
                .as_deref()
                .filter(|_| a >= Access::Office)
                .map(shared::validate::mask_id_number),
            address: p.address.clone().filter(|_| a >= Access::Office),
            representative: p.representative.clone(),
            has_account: p.user_id.is_some(),
            consent: p.consent,
            consent_note: p.consent_note.clone(),
            consent_at: p.consent_at,
            notified_at: p.notified_at,
            confirmed_by: p.confirmed_by.as_deref().and_then(ConfirmMethod::parse),
            confirmed_at: p.confirmed_at,
        })
        .collect();
    let stage = stage_of(&f);
    let records = if may_see_records(a) {
        let mut photos = photos_of_file(conn, f.id).await?;
        record::Entity::find()
            .filter(record::Column::FileId.eq(f.id))
            .order_by_asc(record::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|r| {
                let kind = RecordKind::parse(&r.kind).unwrap_or(RecordKind::Note);
                RecordView {
                    id: r.id,
                    kind,
                    photos: photos.remove(&r.id).unwrap_or_default(),
                    may_add_photo: may_add_record_photo(me, rel, stage, kind),
                    text: r.text,
                    author_name: r.author_name,
                    at: r.at,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let entries = entry::Entity::find()
        .filter(entry::Column::FileId.eq(f.id))
        .order_by_asc(entry::Column::Id)
        .all(conn)
        .await?;
    let mut sessions = Vec::new();
    for s in session::Entity::find()
        .filter(session::Column::FileId.eq(f.id))
        .order_by_asc(session::Column::HeldAt)
        .order_by_asc(session::Column::Id)
        .all(conn)
        .await?
    {
        let mode = SessionMode::parse(&s.mode).unwrap_or(SessionMode::Joint);
        // A party does not learn of the other side's back-to-back sessions beyond what was
        // shared with them.
        let mine: Vec<&entry::Model> = entries.iter().filter(|e| e.session_id == s.id).collect();
        let visible: Vec<EntryView> = mine
            .iter()
            .filter(|e| may_read_entry(a, reader_party, e.party_id, e.shareable))
            .map(|e| EntryView {
                party_id: e.party_id,
                party_name: names.get(&e.party_id).cloned().unwrap_or_default(),
                statement: e.statement.clone(),
                position: e.position.clone(),
                interests: e.interests.clone(),
                proposal: e.proposal.clone(),
                shareable: e.shareable,
            })
            .collect();
        if a == Access::Party
            && mode == SessionMode::BackToBack
            && s.party_id != reader_party
            && visible.is_empty()
        {
            continue;
        }
        sessions.push(SessionView {
            id: s.id,
            mode,
            party_id: s.party_id,
            held_at: s.held_at,
            venue: s.venue,
            mediator_name: s.mediator_name,
            strategy_note: (a == Access::Mediator).then_some(s.strategy_note),
            withheld: (mine.len() - visible.len()) as u32,
            entries: visible,
        });
    }
    let terms = term::Entity::find()
        .filter(term::Column::FileId.eq(f.id))
        .order_by_asc(term::Column::Position)
        .all(conn)
        .await?;
    let today = crate::clock::today();
    let agreement = f.agreement_facts.clone().map(|facts| AgreementView {
        facts,
        oral: f.agreement_oral,
        terms: terms
            .into_iter()
            .map(|t| TermView {
                id: t.id,
                overdue: t.performed_at.is_none() && today > t.due,
                text: t.text,
                due: t.due,
                performed_at: t.performed_at,
                proof: t.proof,
            })
            .collect(),
        effective_at: f.agreement_effective_at,
        judicial_confirmation_until: f
            .agreement_effective_at
            .map(|e| judicial_confirmation_until(e.to_offset(SHANGHAI).date())),
    });
    let history = event::Entity::find()
        .filter(event::Column::FileId.eq(f.id))
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        // A party learns of sessions from the sessions they may see, not from the history
        // (which would tell them of the other side's back-to-back talks), and not the office's
        // risk assessment of the dispute; nor of the office's records (site checks, police
        // notices), which they do not see either.
        .filter(|e| shown_in_history(a, &e.action))
        // An entry of a kind this version does not know is left out rather than shown as a code.
        .filter_map(|e| {
            let action = MediationEvent::parse(&e.action)?;
            Some(FileEvent {
                at: e.at,
                actor_name: e.actor_name,
                note: if a == Access::Party && action == MediationEvent::Intake {
                    None
                } else {
                    e.note
                },
                action,
                detail: e
                    .detail
                    .as_deref()
                    .and_then(|d| serde_json::from_str(d).ok())
                    .unwrap_or_default(),
                from_stage: e.from_stage.as_deref().and_then(MediationStage::parse),
                to_stage: e.to_stage.as_deref().and_then(MediationStage::parse),
            })
        })
        .collect();
    let legal_actions = legal_mediation_actions(stage_of(&f), facts(conn, &f).await?, me, rel);
    let mediators = mediator_names(conn, &[f.id])
        .await?
        .remove(&f.id)
        .unwrap_or_default();
    let mediator_ids = mediator::Entity::find()
        .filter(mediator::Column::FileId.eq(f.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(FileView {
        summary: summary(&f, mediators),
        access: a,
        description: f.description,
        origin: Origin::parse(&f.origin).unwrap_or(Origin::Application),
        source_case_id: f.source_case_id,
        place_id: f.place_id,
        chosen_by_parties: f.chosen_by_parties,
        mediator_ids,
        parties: party_views,
        records,
        sessions,
        agreement,
        outcome_note: f.outcome_note,
        history,
        legal_actions,
    })
}

/// The file a session belongs to (404 when there is no such session).
pub async fn file_of_session(conn: &impl ConnectionTrait, session_id: i64) -> AppResult<i64> {
    session::Entity::find_by_id(session_id)
        .one(conn)
        .await?
        .map(|s| s.file_id)
        .or_404()
}

/// Read a file. A mediator's read of confidential notes is audit-logged.
pub async fn get_file(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
) -> AppResult<FileView> {
    let (f, rel, a) = find_accessible(&state.db.conn, me, id).await?;
    let out = view(&state.db.conn, me, f, rel, a).await?;
    if a == Access::Mediator && out.sessions.iter().any(|s| !s.entries.is_empty()) {
        audit::record_now(
            state,
            Some(me),
            ctx,
            Record::new(
                shared::audit::AuditAction::MediationNotesRead,
                "mediation_file",
                id,
            ),
        )
        .await?;
    }
    Ok(out)
}

/// The people who may mediate (users with the mediator role), for choosing a file's
/// mediators (Art. 19). Their names are not confidential; every signed-in user may ask.
pub async fn mediators(conn: &impl ConnectionTrait) -> AppResult<Vec<shared::cases::Assignee>> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::Mediator.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Disabled.eq(false))
        .order_by_asc(user::Column::DisplayName)
        .all(conn)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| shared::cases::Assignee {
            id: u.id,
            display_name: u.display_name,
            roles: vec![Role::Mediator],
            grid_ids: Vec::new(),
        })
        .collect())
}

/// The mediation board: open files by stage.
pub async fn board(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<BoardColumn>> {
    let files = list_files(conn, me, None).await?;
    Ok(MediationStage::BOARD
        .into_iter()
        .map(|stage| BoardColumn {
            stage,
            cards: files.iter().filter(|f| f.stage == stage).cloned().collect(),
        })
        .collect())
}

pub(super) fn photo_view(p: &photo::Model) -> RecordPhoto {
    RecordPhoto {
        id: p.id,
        record_id: p.record_id,
        width: p.width.max(0) as u32,
        height: p.height.max(0) as u32,
        url: format!("/api/v1/mediation/photos/{}", p.id),
        thumb_url: format!("/api/v1/mediation/photos/{}/thumb", p.id),
        created_at: p.created_at,
    }
}

/// The photos of a file's records, by record, oldest first (for the file view).
pub(super) async fn photos_of_file(
    conn: &impl ConnectionTrait,
    file_id: i64,
) -> AppResult<HashMap<i64, Vec<RecordPhoto>>> {
    let mut out: HashMap<i64, Vec<RecordPhoto>> = HashMap::new();
    for p in photo::Entity::find()
        .filter(photo::Column::FileId.eq(file_id))
        .order_by_asc(photo::Column::Id)
        .all(conn)
        .await?
    {
        out.entry(p.record_id).or_default().push(photo_view(&p));
    }
    Ok(out)
}
