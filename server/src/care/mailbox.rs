//! The secretary's mailbox (书记信箱): residents write; the secretary answers or turns a letter
//! into a case; the writer sees the answer and the case's progress.

use super::store::letter;
use crate::cases::store::case;
use crate::db::OneOr404;
use crate::error::{AppError, AppResult, Or404};
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::accounts::{Principal, Role};
use shared::care::*;
use shared::cases::{CreateCase, Source, Urgency};
use shared::error::{ErrorCode, FieldErrorCode};

async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    l: letter::Model,
) -> AppResult<LetterView> {
    let status = LetterStatus::parse(&l.status).unwrap_or(LetterStatus::Open);
    let mine = l.writer_id == Some(me.user_id);
    let office = me.is_office();
    let c = match l.case_id {
        Some(id) => case::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(LetterView {
        id: l.id,
        subject: l.subject,
        body: l.body,
        private: l.private,
        writer_name: (mine || office).then_some(l.writer_name),
        status,
        answer: l.answer,
        answered_by: l.answered_by,
        answered_at: l.answered_at,
        case_id: l.case_id,
        case_number: c.as_ref().map(|c| c.number.clone()),
        case_stage: c.as_ref().map(crate::cases::service::stage_of),
        mine,
        may_answer: status == LetterStatus::Open && may_answer_letter(me, l.private),
        created_at: l.created_at,
        version: l.version,
    })
}

pub async fn write(state: &AppState, me: &Principal, req: LetterInput) -> AppResult<LetterView> {
    let txn = state.db.begin_write().await?;
    let l = write_in(&*txn, Some(me.user_id), me.display_name.clone(), &req).await?;
    let out = view(&*txn, me, l).await?;
    txn.commit().await?;
    Ok(out)
}

/// Write a letter inside the caller's transaction, as `writer_name` (and their account, if
/// they have one: a letter written on a resident's behalf is theirs to read).
pub(crate) async fn write_in(
    conn: &impl ConnectionTrait,
    writer_id: Option<i64>,
    writer_name: String,
    req: &LetterInput,
) -> AppResult<letter::Model> {
    let (subject, body) = req.validate()?;
    Ok(letter::ActiveModel {
        writer_id: Set(writer_id),
        writer_name: Set(writer_name),
        subject: Set(subject),
        body: Set(body),
        private: Set(req.private),
        status: Set(LetterStatus::Open.as_str().into()),
        version: Set(1),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// The letters `me` may read (`shared::care::may_read_letter`), newest first.
pub async fn list(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<LetterView>> {
    let mut cond = Condition::any().add(letter::Column::WriterId.eq(me.user_id));
    if me.has_role(Role::Admin) {
        cond = cond.add(letter::Column::Id.is_not_null());
    } else if me.has_role(Role::Staff) {
        cond = cond.add(letter::Column::Private.eq(false));
    } else {
        cond = cond.add(
            Condition::all()
                .add(letter::Column::Private.eq(false))
                .add(letter::Column::Status.ne(LetterStatus::Open.as_str())),
        );
    }
    let rows = letter::Entity::find()
        .filter(cond)
        .order_by_desc(letter::Column::Id)
        .limit(200)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for l in rows {
        out.push(view(conn, me, l).await?);
    }
    Ok(out)
}

/// Answer a letter; with a category, also file it as a case (at the writer's household when
/// they are a verified resident, otherwise at the community).
pub async fn answer(
    state: &AppState,
    me: &Principal,
    id: i64,
    req: LetterAnswer,
) -> AppResult<LetterView> {
    let text = req.text.trim().to_string();
    match text.chars().count() {
        0 => return Err(AppError::field("text", FieldErrorCode::Required)),
        n if n > 4000 => return Err(AppError::field("text", FieldErrorCode::TooLong)),
        _ => {}
    }
    let txn = state.db.begin_write().await?;
    let l = letter::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let status = LetterStatus::parse(&l.status).unwrap_or(LetterStatus::Open);
    if !may_read_letter(me, l.writer_id == Some(me.user_id), l.private, status) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    if !may_answer_letter(me, l.private) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if l.version != req.version {
        return Err(AppError::conflict(&view(&*txn, me, l).await?));
    }
    if status != LetterStatus::Open {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let mut case_id = None;
    if let Some(category_id) = req.case_category_id {
        // A private letter stays private on the board: the case carries the secretary's own
        // words and the community as its place, not the letter or the writer's home.
        let writer_home = match l.writer_id {
            Some(w) if !l.private => crate::accounts::residents::resident_of(&*txn, w)
                .await?
                .map(|r| r.household_id),
            _ => None,
        };
        let place = match writer_home {
            Some(h) => place::Entity::find_by_id(h).one(&*txn).await?,
            None => {
                place::Entity::find()
                    .filter(place::Column::Kind.eq("community"))
                    .order_by_asc(place::Column::Id)
                    .one(&*txn)
                    .await?
            }
        }
        .or_404()?;
        let title: String = l.subject.chars().take(100).collect();
        let c = CreateCase {
            title: title.clone(),
            // A private letter's words stay with the secretary: the case carries the answer.
            description: if l.private {
                text.clone()
            } else {
                l.body.clone()
            },
            category_id,
            urgency: Urgency::Normal,
            source: Source::Mailbox,
            place_id: place.id,
            lon: None,
            lat: None,
            // A private letter's writer stays private on the board.
            reporter_hidden: l.private,
        };
        let filed = crate::cases::service::file_in(
            &*txn,
            me,
            &c,
            title,
            c.description.chars().take(4000).collect(),
            &place,
            Some(&shared::cases::CaseOrigin::Letter {
                letter_id: l.id,
                private: l.private,
            }),
        )
        .await
        .map_err(|e| match e {
            AppError::Validation(_) => {
                AppError::field("case_category_id", FieldErrorCode::UnknownReference)
            }
            e => e,
        })?;
        case_id = Some(filed.case.id);
    }
    let next = if case_id.is_some() {
        LetterStatus::TurnedIntoCase
    } else {
        LetterStatus::Answered
    };
    let res = letter::Entity::update_many()
        .col_expr(letter::Column::Status, Expr::value(next.as_str()))
        .col_expr(letter::Column::Answer, Expr::value(text.clone()))
        .col_expr(
            letter::Column::AnsweredBy,
            Expr::value(me.display_name.clone()),
        )
        .col_expr(letter::Column::AnsweredAt, Expr::value(crate::clock::now()))
        .col_expr(letter::Column::CaseId, Expr::value(case_id))
        .col_expr(letter::Column::Version, Expr::value(l.version + 1))
        .filter(letter::Column::Id.eq(id))
        .filter(letter::Column::Version.eq(l.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        // Answered by someone else meanwhile (PostgreSQL runs writers side by side).
        return Err(AppError::Code(ErrorCode::VersionConflict));
    }
    // The writer hears of the answer in the app (the bell), in the same transaction.
    if let Some(writer) = l.writer_id.filter(|w| *w != me.user_id) {
        crate::supervision::notify::notify(
            &*txn,
            &state.config.public_url,
            crate::supervision::notify::NewNotification {
                user_id: writer,
                case_id: None,
                letter_id: Some(id),
                action: shared::cases::LETTER_ANSWERED.into(),
                stage: None,
                actor_name: Some(me.display_name.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    let l = letter::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, l).await?;
    txn.commit().await?;
    Ok(out)
}
