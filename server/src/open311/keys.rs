//! API keys for Open311 clients: issued by admins, shown once, stored as a hash.

use crate::accounts::{CurrentUser, require};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use shared::accounts::Permission;
use shared::error::Problem;
pub use shared::open311::{ApiKeyView, NewApiKey};
use shared::validate::Name;
use utoipa_axum::{router::OpenApiRouter, routes};

pub mod api_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_keys")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub key_hash: String,
        pub created_by: Option<i64>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub disabled: bool,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The demo's Open311 key (demo mode only).
pub const DEMO_KEY: &str = "linju-demo-open311";

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The client name behind a key, when the key is valid.
pub async fn check(state: &AppState, key: &str) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash(key)))
        .filter(api_key::Column::Disabled.eq(false))
        .one(&state.db.conn)
        .await?
        .map(|k| k.name))
}

/// Store a key (for seeding and for the admin endpoint).
pub async fn insert(
    conn: &impl ConnectionTrait,
    name: &str,
    key: &str,
    created_by: Option<i64>,
) -> AppResult<api_key::Model> {
    Ok(api_key::ActiveModel {
        name: Set(name.to_string()),
        key_hash: Set(hash(key)),
        created_by: Set(created_by),
        created_at: Set(time::OffsetDateTime::now_utc()),
        disabled: Set(false),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Issue an Open311 API key (admin). The key is shown in this answer only.
#[utoipa::path(post, path = "/open311/keys", extensions(("x-permission" = json!("manage_settings"))), tag = "open311", request_body = NewApiKey,
    responses((status = 201, body = ApiKeyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<NewApiKey>,
) -> AppResult<(StatusCode, Json<ApiKeyView>)> {
    require(&me, Permission::ManageSettings)?;
    let name = Name::parse(&req.name).map_err(|c| AppError::field("name", c))?;
    let key = {
        use rand::RngCore;
        let mut b = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut b);
        format!("l311_{}", hex::encode(b))
    };
    let txn = state.db.begin_write().await?;
    let k = insert(&*txn, name.as_str(), &key, Some(me.user_id)).await?;
    audit::record(
        &*txn,
        Some(&me),
        &ctx,
        Record::new(
            shared::audit::AuditAction::Open311KeyCreate,
            "api_key",
            k.id,
        )
        .about(shared::audit::AuditDetail::Name {
            name: name.as_str().to_string(),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyView {
            id: k.id,
            name: k.name,
            disabled: false,
            created_at: k.created_at,
            key: Some(key),
        }),
    ))
}

/// The issued keys (admin), without the keys themselves.
#[utoipa::path(get, path = "/open311/keys", extensions(("x-permission" = json!("manage_settings"))), tag = "open311",
    responses((status = 200, body = Vec<ApiKeyView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<ApiKeyView>>> {
    require(&me, Permission::ManageSettings)?;
    let rows = api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(&state.db.conn)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|k| ApiKeyView {
                id: k.id,
                name: k.name,
                disabled: k.disabled,
                created_at: k.created_at,
                key: None,
            })
            .collect(),
    ))
}

/// Revoke a key (admin): it stops filing requests at once; requests it filed stay. Revoking
/// a revoked key changes nothing.
#[utoipa::path(delete, path = "/open311/keys/{id}", extensions(("x-permission" = json!("manage_settings"))), tag = "open311", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    require(&me, Permission::ManageSettings)?;
    let txn = state.db.begin_write().await?;
    let k = api_key::Entity::find_by_id(id).one_or_404(&*txn).await?;
    if !k.disabled {
        let name = k.name.clone();
        let mut am: api_key::ActiveModel = k.into();
        am.disabled = Set(true);
        am.update(&*txn).await?;
        audit::record(
            &*txn,
            Some(&me),
            &ctx,
            Record::new(shared::audit::AuditAction::Open311KeyRevoke, "api_key", id)
                .about(shared::audit::AuditDetail::Name { name: name.clone() }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}
