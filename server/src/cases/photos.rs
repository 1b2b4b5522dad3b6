//! Case photos. Uploads are checked (type by content, size, dimensions), re-encoded — which
//! also drops EXIF data such as the GPS position of a resident's phone — and stored with a
//! thumbnail in the upload directory. They are served only to those who may see the case.

use super::service::{self as cases, stage_of};
use crate::accounts::CurrentUser;
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::ApiPath;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared::accounts::Principal;
use shared::cases::{Action, PHOTO_MAX_BYTES, PHOTO_TYPES, PHOTOS_PER_CASE, Photo, PhotoKind};
use shared::error::{ErrorCode, FieldErrorCode, Problem};
use utoipa_axum::{router::OpenApiRouter, routes};

pub mod photo {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub kind: String,
        pub file_name: String,
        pub thumb_name: String,
        pub width: i32,
        pub height: i32,
        pub bytes: i64,
        pub uploaded_by: Option<i64>,
        pub created_at: TimeDateTimeWithTimeZone,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

const MAX_SIDE: u32 = 2048;
const THUMB_SIDE: u32 = 320;
/// Larger images are refused before decoding (a small file can declare a huge canvas).
const MAX_PIXELS_SIDE: u32 = 12_000;
/// The pixel budget: what a 48-megapixel phone camera makes at full size (8000 × 6000),
/// and no more. A 400 kB PNG can declare 12 000 × 12 000 pixels, 430 MB once decoded; the
/// declared size is read from the header and refused before anything is decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// What one decode may allocate (a 50-megapixel RGB image is 150 MB).
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Decodes at a time, whatever the number of uploads: each may take `MAX_DECODE_ALLOC`.
const CONCURRENT_DECODES: usize = 2;
static DECODES: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(CONCURRENT_DECODES));

/// Decode, check and re-encode an upload: (photo, thumbnail, width, height) as JPEG.
pub fn process(
    bytes: &[u8],
    declared: &str,
) -> Result<(Vec<u8>, Vec<u8>, u32, u32), FieldErrorCode> {
    use image::{ImageFormat, ImageReader, Limits};
    let format = image::guess_format(bytes).map_err(|_| FieldErrorCode::InvalidFormat)?;
    let expected = match declared {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        "image/webp" => ImageFormat::WebP,
        _ => return Err(FieldErrorCode::NotAllowed),
    };
    if format != expected {
        return Err(FieldErrorCode::InvalidFormat);
    }
    // The header's word first: a canvas beyond the budget is refused before decoding.
    let (width, height) = ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| FieldErrorCode::InvalidFormat)?;
    if width > MAX_PIXELS_SIDE
        || height > MAX_PIXELS_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(FieldErrorCode::OutOfRange);
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| FieldErrorCode::InvalidFormat)?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let thumb = img.thumbnail(THUMB_SIDE, THUMB_SIDE);
    let encode = |i: &image::DynamicImage, quality: u8| -> Result<Vec<u8>, FieldErrorCode> {
        let mut out = Vec::new();
        let rgb = i.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&rgb)
            .map_err(|_| FieldErrorCode::InvalidFormat)?;
        Ok(out)
    };
    Ok((
        encode(&img, 85)?,
        encode(&thumb, 75)?,
        img.width(),
        img.height(),
    ))
}

fn kind_name(k: PhotoKind) -> &'static str {
    match k {
        PhotoKind::Report => "report",
        PhotoKind::Feedback => "feedback",
    }
}

fn view(p: &photo::Model) -> Photo {
    Photo {
        id: p.id,
        case_id: p.case_id,
        kind: if p.kind == "feedback" {
            PhotoKind::Feedback
        } else {
            PhotoKind::Report
        },
        width: p.width.max(0) as u32,
        height: p.height.max(0) as u32,
        url: format!("/api/v1/photos/{}", p.id),
        thumb_url: format!("/api/v1/photos/{}/thumb", p.id),
        created_at: p.created_at,
    }
}

/// The first photo of each case, for board cards.
pub async fn first_photos(
    conn: &impl ConnectionTrait,
    case_ids: Vec<i64>,
) -> AppResult<std::collections::HashMap<i64, i64>> {
    let mut out = std::collections::HashMap::new();
    for p in photo::Entity::find()
        .filter(photo::Column::CaseId.is_in(case_ids))
        .order_by_asc(photo::Column::Id)
        .all(conn)
        .await?
    {
        out.entry(p.case_id).or_insert(p.id);
    }
    Ok(out)
}

/// The declared type of an upload (`Content-Type`), if it is one photos may have; else 415.
pub fn declared_type(headers: &HeaderMap) -> AppResult<String> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !PHOTO_TYPES.contains(&declared.as_str()) {
        return Err(AppError::Code(ErrorCode::UnsupportedMediaType));
    }
    Ok(declared)
}

/// A checked, re-encoded photo and its thumbnail, written to the upload directory under
/// temporary names. They take their content-addressed names only in `publish`, once the row
/// that names them has committed; a `Stored` dropped unpublished (the upload was refused by a
/// later check, its transaction failed) takes its temporary files with it. So a refused upload
/// leaves nothing on disk, and never touches a file of the same content another row names.
pub struct Stored {
    pub file_name: String,
    pub thumb_name: String,
    pub width: u32,
    pub height: u32,
    pub bytes: i64,
    /// The temporary files and the names they are to take.
    pending: Vec<(tempfile::NamedTempFile, std::path::PathBuf)>,
}

impl Stored {
    /// Give the files their names, after the row naming them committed. A file of the same
    /// content already there (another row's) is replaced by identical bytes, atomically.
    pub async fn publish(self) -> AppResult<()> {
        tokio::task::spawn_blocking(move || {
            self.pending
                .into_iter()
                .try_for_each(|(file, name)| file.persist(&name).map(drop))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| {
            tracing::error!(error = %e, "a committed photo's file could not take its name");
            AppError::Internal(format!("cannot store photo: {e}"))
        })
    }
}

/// Check, re-encode and write an upload (`process`) for a row still to be written; 422 when
/// it is not a usable image. Used for case, council item and mediation record photos alike;
/// the caller `publish`es it after its transaction commits.
pub async fn store(state: &AppState, body: Bytes, declared: String) -> AppResult<Stored> {
    // Uploads beyond `CONCURRENT_DECODES` wait their turn rather than decode side by side.
    let permit = DECODES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (full, thumb, width, height) =
        tokio::task::spawn_blocking(move || process(&body, &declared))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|code| AppError::field("photo", code))?;
    drop(permit);
    let name = hex::encode(&Sha256::digest(&full)[..16]);
    let (file_name, thumb_name) = (format!("{name}.jpg"), format!("{name}-t.jpg"));
    let dir = state.config.upload_dir.clone();
    let size = full.len() as i64;
    let (f, t) = (file_name.clone(), thumb_name.clone());
    let pending = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
        std::fs::create_dir_all(&dir)?;
        // In the upload directory itself, so that taking the name is a rename on one disk.
        let write = |bytes: &[u8], name: &str| -> std::io::Result<_> {
            let mut file = tempfile::Builder::new()
                .prefix(".upload-")
                .suffix(".part")
                .tempfile_in(&dir)?;
            std::io::Write::write_all(&mut file, bytes)?;
            file.as_file().sync_all()?;
            Ok((file, dir.join(name)))
        };
        Ok(vec![write(&full, &f)?, write(&thumb, &t)?])
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("cannot store photo: {e}")))?;
    Ok(Stored {
        file_name,
        thumb_name,
        width,
        height,
        bytes: size,
        pending,
    })
}

/// A stored photo file as a JPEG response.
pub async fn send_file(state: &AppState, file: &str) -> AppResult<Response> {
    let path = state.config.upload_dir.join(file);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(format!("photo {file} missing: {e}")))?;
    // Like every API answer, not kept (`http::security_headers`): photos show people and homes.
    Ok(([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    pub kind: PhotoKind,
}

/// Add a photo to an open case: the body is the image itself (`image/jpeg`, `image/png` or
/// `image/webp`, at most 12 MB). Report photos by anyone who may see the case; result photos
/// by those who may report it handled.
#[utoipa::path(post, path = "/cases/{id}/photos", extensions(("x-permission" = json!("report_cases"))), tag = "cases", params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = Photo), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn upload(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Photo>)> {
    let c = cases::find_visible(&state.db.conn, &me, id).await?;
    let stage = stage_of(&c);
    if !stage.is_open() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    // Result photos follow the Feedback move's own rule.
    if q.kind == PhotoKind::Feedback
        && !Action::Feedback.allowed_for(&me, cases::relation(&me, &c, crate::clock::now()))
    {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let declared = declared_type(&headers)?;
    if photo::Entity::find()
        .filter(photo::Column::CaseId.eq(id))
        .count(&state.db.conn)
        .await?
        >= PHOTOS_PER_CASE
    {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let stored = store(&state, body, declared).await?;
    let txn = state.db.begin_write().await?;
    // Counted again with the case locked: parallel uploads do not pass the limit together.
    txn.lock::<super::store::case::Entity>(id).await?;
    if photo::Entity::find()
        .filter(photo::Column::CaseId.eq(id))
        .count(&*txn)
        .await?
        >= PHOTOS_PER_CASE
    {
        return Err(AppError::field("photos", FieldErrorCode::OutOfRange));
    }
    let p = photo::ActiveModel {
        case_id: Set(id),
        kind: Set(kind_name(q.kind).to_string()),
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
    cases::append(
        &*txn,
        id,
        &me,
        shared::cases::CaseEventKind::Photo,
        Some(stage),
        Some(stage),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    stored.publish().await?;
    Ok((StatusCode::CREATED, Json(view(&p))))
}

/// The photos of a case.
#[utoipa::path(get, path = "/cases/{id}/photos", extensions(("x-permission" = json!("view_cases"))), tag = "cases", operation_id = "list_photos", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Photo>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<Photo>>> {
    cases::find_visible(&state.db.conn, &me, id).await?;
    let rows = photo::Entity::find()
        .filter(photo::Column::CaseId.eq(id))
        .order_by_asc(photo::Column::Id)
        .all(&state.db.conn)
        .await?;
    Ok(Json(rows.iter().map(view).collect()))
}

async fn serve(state: &AppState, me: &Principal, id: i64, thumb: bool) -> AppResult<Response> {
    let p = photo::Entity::find_by_id(id)
        .one_or_404(&state.db.conn)
        .await?;
    cases::find_visible(&state.db.conn, me, p.case_id).await?;
    send_file(state, if thumb { &p.thumb_name } else { &p.file_name }).await
}

/// A photo (JPEG), for those who may see its case.
#[utoipa::path(get, path = "/photos/{id}", extensions(("x-permission" = json!("view_cases"))), tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn full(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, &me, id, false).await
}

/// A photo's thumbnail (JPEG, at most 320 px).
#[utoipa::path(get, path = "/photos/{id}/thumb", extensions(("x-permission" = json!("view_cases"))), tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn thumb(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    serve(&state, &me, id, true).await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload, list))
        .layer(DefaultBodyLimit::max(PHOTO_MAX_BYTES))
        .routes(routes!(full))
        .routes(routes!(thumb))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn uploads_are_checked_resized_and_thumbnailed() {
        let (full, thumb, w, h) = process(&png(3000, 1500), "image/png").unwrap();
        assert_eq!((w, h), (2048, 1024));
        assert_eq!(
            image::guess_format(&full).unwrap(),
            image::ImageFormat::Jpeg
        );
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
        assert_eq!(
            process(&png(10, 10), "image/jpeg"),
            Err(FieldErrorCode::InvalidFormat),
            "content must match the declared type"
        );
        assert_eq!(
            process(b"GIF89a....", "image/gif"),
            Err(FieldErrorCode::NotAllowed)
        );
        assert_eq!(
            process(b"not an image at all", "image/png"),
            Err(FieldErrorCode::InvalidFormat)
        );
    }
}
