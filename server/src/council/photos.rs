//! Photos of agenda items. Uploads go through the case photos' machinery (type by content,
//! size, dimensions, re-encoding that drops EXIF, thumbnails, the shared upload directory);
//! they are served to whoever may see the item.

use super::service;
use super::store::{item, photo};
use crate::accounts::CurrentUser;
use crate::cases::photos::{declared_type, send_file, store};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::ApiPath;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::accounts::Principal;
use shared::cases::PHOTO_MAX_BYTES;
use shared::council::{ItemPhoto, ItemStage, PHOTOS_PER_ITEM, may_add_photo};
use shared::error::{ErrorCode, FieldErrorCode, Problem};
use utoipa_axum::{router::OpenApiRouter, routes};

fn view(p: &photo::Model) -> ItemPhoto {
    ItemPhoto {
        id: p.id,
        item_id: p.item_id,
        width: p.width.max(0) as u32,
        height: p.height.max(0) as u32,
        url: format!("/api/v1/council/photos/{}", p.id),
        thumb_url: format!("/api/v1/council/photos/{}/thumb", p.id),
        created_at: p.created_at,
    }
}

/// The photos of an item, oldest first.
pub async fn of_item(conn: &impl ConnectionTrait, item_id: i64) -> AppResult<Vec<ItemPhoto>> {
    Ok(photo::Entity::find()
        .filter(photo::Column::ItemId.eq(item_id))
        .order_by_asc(photo::Column::Id)
        .all(conn)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// May `me` add a photo to this item now?
pub fn may_add(me: &Principal, m: &item::Model) -> bool {
    let stage = ItemStage::parse(&m.stage).unwrap_or(ItemStage::Proposed);
    may_add_photo(me, m.raised_by, stage, service::relation(me, m.grid_id))
}

/// Add a photo to an agenda item: the body is the image itself (`image/jpeg`, `image/png` or
/// `image/webp`, at most 12 MB; at most 6 per item). The one who raised the item while it is
/// proposed or gathering support; the office and the grid leader until it is done.
#[utoipa::path(post, path = "/council/items/{id}/photos", extensions(("x-permission" = json!("deliberate"))), tag = "council", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = ItemPhoto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<(StatusCode, Json<ItemPhoto>)> {
    let m = service::find_item(&state.db.conn, id).await?;
    if !may_add(&me, &m) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let declared = declared_type(&headers)?;
    if photo::Entity::find()
        .filter(photo::Column::ItemId.eq(id))
        .count(&state.db.conn)
        .await?
        >= PHOTOS_PER_ITEM
    {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let stored = store(&state, body, declared).await?;
    let txn = state.db.begin_write().await?;
    // Counted again inside the write with the item locked: uploads at once do not pass the
    // limit together.
    txn.lock::<item::Entity>(id).await?;
    if photo::Entity::find()
        .filter(photo::Column::ItemId.eq(id))
        .count(&*txn)
        .await?
        >= PHOTOS_PER_ITEM
    {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let p = photo::ActiveModel {
        item_id: Set(id),
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
    txn.commit().await?;
    stored.publish().await?;
    Ok((StatusCode::CREATED, Json(view(&p))))
}

async fn serve(state: &AppState, id: i64, thumb: bool) -> AppResult<Response> {
    let p = photo::Entity::find_by_id(id)
        .one_or_404(&state.db.conn)
        .await?;
    // Agenda items are public deliberation: whoever is signed in sees the item, and so its
    // photos. The item must still exist.
    service::find_item(&state.db.conn, p.item_id).await?;
    send_file(state, if thumb { &p.thumb_name } else { &p.file_name }).await
}

/// A photo of an agenda item (JPEG), for whoever may see the item.
#[utoipa::path(get, path = "/council/photos/{id}", extensions(("x-permission" = json!("view_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn full(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, id, false).await
}

/// A photo's thumbnail (JPEG, at most 320 px).
#[utoipa::path(get, path = "/council/photos/{id}/thumb", extensions(("x-permission" = json!("view_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn thumb(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, id, true).await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(PHOTO_MAX_BYTES))
        .routes(routes!(full))
        .routes(routes!(thumb))
}
