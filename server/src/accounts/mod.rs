//! Accounts: users, roles, grid scopes, password login, server-side sessions.

pub mod password;
pub mod preferences;
pub mod residents;
pub mod routes;
pub mod service;
pub mod store;

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use shared::accounts::{Permission, Principal};
use shared::error::ErrorCode;

pub use routes::router;

pub const SESSION_COOKIE: &str = "linju_session";

/// The signed-in user of a request. Extracting it answers 401 for anonymous requests.
pub struct CurrentUser(pub Principal);

/// The raw session token of a request, if it carries one.
pub fn session_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(CurrentUser(p.clone()));
        }
        let token = session_token(parts).ok_or(AppError::Code(ErrorCode::Unauthenticated))?;
        let principal = service::authenticate(state, &token)
            .await?
            .ok_or(AppError::Code(ErrorCode::Unauthenticated))?;
        parts.extensions.insert(principal.clone());
        Ok(CurrentUser(principal))
    }
}

/// Refuse with 403 unless the user holds the permission somewhere.
pub fn require(me: &Principal, permission: Permission) -> Result<(), AppError> {
    if me.may(permission) {
        Ok(())
    } else {
        Err(AppError::Code(ErrorCode::Forbidden))
    }
}

/// Refuse with 403 unless the user holds the permission for a record in `grid_id`.
pub fn require_in_grid(
    me: &Principal,
    permission: Permission,
    grid_id: Option<i64>,
) -> Result<(), AppError> {
    if me.may_in_grid(permission, grid_id) {
        Ok(())
    } else {
        Err(AppError::Code(ErrorCode::Forbidden))
    }
}
