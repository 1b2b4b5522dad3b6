//! Photos of a file's records: what the mediator saw at the site check (现场核实) and at the
//! follow-up visit (回访). Uploads go through the case photos' machinery (type by content,
//! size, dimensions, re-encoding that drops EXIF, thumbnails, the shared upload directory).
//! A photo belongs to its record: added by whoever may add that record now, seen by whoever
//! sees the file's records (`shared::mediation::may_see_records`), checked on every request
//! by the photo's record — never by its file name. Opening a photo full size is a copy of
//! dispute evidence leaving the system and is audit-logged, like a printed file.

use super::service::{self, stage_of};
use super::store::{file, photo, record};
use crate::accounts::CurrentUser;
use crate::audit::{self, Record};
use crate::cases::photos::{declared_type, send_file, store};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::{ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::accounts::Principal;
use shared::cases::PHOTO_MAX_BYTES;
use shared::error::{ErrorCode, FieldErrorCode, Problem};
use shared::i18n::Text;
use shared::mediation::{
    Access, FileRelation, PHOTOS_PER_RECORD, RecordKind, RecordPhoto, may_add_record_photo,
    may_see_records,
};
use utoipa_axum::{router::OpenApiRouter, routes};

fn kind_of(r: &record::Model) -> RecordKind {
    RecordKind::parse(&r.kind).unwrap_or(RecordKind::Note)
}

/// The record, its file, and the reader's relation to it — if the reader sees the file's
/// records. A record one may not see does not exist (404), as its file does not for those
/// who may not see that.
async fn find_record_seen(
    conn: &impl ConnectionTrait,
    me: &Principal,
    record_id: i64,
) -> AppResult<(record::Model, file::Model, FileRelation, Access)> {
    let r = record::Entity::find_by_id(record_id)
        .one_or_404(conn)
        .await?;
    let (f, rel, a) = service::find_accessible(conn, me, r.file_id).await?;
    if !may_see_records(a) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    Ok((r, f, rel, a))
}

async fn count(conn: &impl ConnectionTrait, record_id: i64) -> AppResult<u64> {
    Ok(photo::Entity::find()
        .filter(photo::Column::RecordId.eq(record_id))
        .count(conn)
        .await?)
}

/// May `me` add a photo to this record now? 403 for those who see the record but do not
/// make records; 422 `illegal_move` when this kind takes no photos or not in this stage.
fn check_may_add(
    me: &Principal,
    r: &record::Model,
    f: &file::Model,
    rel: FileRelation,
) -> AppResult<()> {
    let kind = kind_of(r);
    if may_add_record_photo(me, rel, stage_of(f), kind) {
        return Ok(());
    }
    if !shared::mediation::may_run(me, rel) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    Err(AppError::Refused(
        ErrorCode::IllegalMove,
        if kind.takes_photos() {
            Text::new(
                "调解案件当前环节不能再为这条记录添加照片。",
                "Photos cannot be added to this record at the file's current stage.",
            )
        } else {
            Text::new(
                "只有现场核实和回访记录可以附照片。",
                "Only site checks and follow-up visits take photos.",
            )
        },
    ))
}

/// Add a photo to a site check or follow-up visit: the body is the image itself
/// (`image/jpeg`, `image/png` or `image/webp`, at most 12 MB; at most 6 per record). Whoever
/// may add that record now: the file's mediators and the office. A seventh photo is refused
/// (422, field `photos`, `out_of_range`).
#[utoipa::path(post, path = "/mediation/records/{id}/photos", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = RecordPhoto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<(StatusCode, Json<RecordPhoto>)> {
    let (r, f, rel, _) = find_record_seen(&state.db.conn, &me, id).await?;
    check_may_add(&me, &r, &f, rel)?;
    let declared = declared_type(&headers)?;
    if count(&state.db.conn, id).await? >= PHOTOS_PER_RECORD {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let stored = store(&state, body, declared).await?;
    let txn = state.db.begin_write().await?;
    // Checked again inside the write: the file may have moved on meanwhile, and two uploads
    // at once do not pass the limit together (the record is locked until the commit).
    txn.lock::<record::Entity>(id).await?;
    let (r, f, rel, _) = find_record_seen(&*txn, &me, id).await?;
    check_may_add(&me, &r, &f, rel)?;
    if count(&*txn, id).await? >= PHOTOS_PER_RECORD {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let p = photo::ActiveModel {
        record_id: Set(r.id),
        file_id: Set(f.id),
        file_name: Set(stored.file_name.clone()),
        thumb_name: Set(stored.thumb_name.clone()),
        width: Set(stored.width as i32),
        height: Set(stored.height as i32),
        bytes: Set(stored.bytes),
        uploaded_by: Set(Some(me.user_id)),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    // In the history (which record kind, no content) so the live boards and open pages see
    // the file change; parties learn of it no more than of the record itself.
    service::append(
        &*txn,
        f.id,
        &me,
        service::PHOTO_ACTION,
        None,
        None,
        shared::mediation::FileEventDetail {
            record_kind: Some(kind_of(&r)),
            ..Default::default()
        },
        None,
    )
    .await?;
    service::bump(&*txn, &me, &ctx, &f, f.version).await?;
    txn.commit().await?;
    stored.publish().await?;
    state.mediation_live.kick();
    Ok((StatusCode::CREATED, Json(service::photo_view(&p))))
}

/// The photos of a record, for whoever sees the file's records (its mediators, the office,
/// the grid's workers); anyone else gets 404.
#[utoipa::path(get, path = "/mediation/records/{id}/photos", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", operation_id = "list_record_photos", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordPhoto>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<RecordPhoto>>> {
    find_record_seen(&state.db.conn, &me, id).await?;
    Ok(Json(
        photo::Entity::find()
            .filter(photo::Column::RecordId.eq(id))
            .order_by_asc(photo::Column::Id)
            .all(&state.db.conn)
            .await?
            .iter()
            .map(service::photo_view)
            .collect(),
    ))
}

async fn serve(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    thumb: bool,
) -> AppResult<Response> {
    let p = photo::Entity::find_by_id(id)
        .one_or_404(&state.db.conn)
        .await?;
    // By the photo's record, on every request: whoever no longer sees it gets nothing.
    find_record_seen(&state.db.conn, me, p.record_id).await?;
    if !thumb {
        audit::record_now(
            state,
            Some(me),
            ctx,
            Record::new(
                shared::audit::AuditAction::MediationPhotoRead,
                "mediation_photo",
                p.id,
            ),
        )
        .await?;
    }
    let mut res = send_file(state, if thumb { &p.thumb_name } else { &p.file_name }).await?;
    // Not kept by the browser: on a shared office computer the next user must ask again.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// A record's photo (JPEG), for whoever sees the record; audit-logged.
#[utoipa::path(get, path = "/mediation/photos/{id}", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn full(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, &me, &ctx, id, false).await
}

/// A record photo's thumbnail (JPEG, at most 320 px), for whoever sees the record (shown
/// with it on the file page, like its text).
#[utoipa::path(get, path = "/mediation/photos/{id}/thumb", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn thumb(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, &me, &ctx, id, true).await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload, list))
        .layer(DefaultBodyLimit::max(PHOTO_MAX_BYTES))
        .routes(routes!(full))
        .routes(routes!(thumb))
}
