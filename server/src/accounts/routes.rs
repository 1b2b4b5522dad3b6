//! HTTP routes of the accounts area: extract, authorise, call the service, answer.

use super::{CurrentUser, SESSION_COOKIE, preferences, require, service, session_token};
use crate::error::{AppError, AppResult};
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use shared::accounts::{
    CreateUser, LoginRequest, MyCare, Permission, Person, PreferencesView, Principal,
    ResetPassword, ResidentHome, Role, SessionState, UpdatePreferences, UpdateUser, UserVersion,
    UserView, Work,
};
use shared::error::{ErrorCode, Problem};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The session token the request carries, if any (no validation).
pub struct SessionToken(pub Option<String>);

impl FromRequestParts<AppState> for SessionToken {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        Ok(SessionToken(session_token(parts)))
    }
}

fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .expect("cookie is ASCII")
}

/// Sign in with username and password. Sets the HttpOnly session cookie.
#[utoipa::path(post, path = "/auth/login", extensions(("x-permission" = json!("public"))), tag = "accounts", request_body = LoginRequest,
    responses((status = 200, description = "Signed in; session cookie set", body = Principal),
              (status = 401, description = "Wrong username or password", body = Problem),
              (status = 403, description = "Cross-site request", body = Problem),
              (status = 422, body = Problem),
              (status = 429, description = "Too many attempts; see retry_after", body = Problem)))]
async fn login(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionToken(old): SessionToken,
    body: Result<ApiJson<LoginRequest>, AppError>,
) -> AppResult<Response> {
    // A name or password with control characters names no account: an ordinary failed
    // sign-in, not a form error that would tell a prober how names are checked.
    let req = match body {
        Ok(ApiJson(req)) => req,
        Err(AppError::InvalidText(_)) => return Err(AppError::Code(ErrorCode::InvalidCredentials)),
        Err(e) => return Err(e),
    };
    let outcome = service::login(&state, &ctx, req, old).await?;
    let mut res = Json(outcome.principal).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(
            &outcome.token,
            state.config.session_absolute.as_secs(),
            ctx.secure,
        ),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Sign out: the session ends on the server and the cookie is cleared.
#[utoipa::path(post, path = "/auth/logout", extensions(("x-permission" = json!("public"))), tag = "accounts",
    responses((status = 204, description = "Signed out"), (status = 403, body = Problem)))]
async fn logout(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionToken(token): SessionToken,
) -> AppResult<Response> {
    if let Some(token) = token {
        let me = service::authenticate(&state, &token).await?;
        service::logout(&state, &ctx, &token, me.as_ref()).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, ctx.secure));
    Ok(res)
}

/// The signed-in user with roles and grid scopes.
#[utoipa::path(get, path = "/auth/me", extensions(("x-permission" = json!("own_account"))), tag = "accounts",
    responses((status = 200, body = Principal), (status = 401, body = Problem)))]
async fn me(CurrentUser(me): CurrentUser) -> Json<Principal> {
    Json(me)
}

/// Who is signed in on this browser: the user, or `principal: null` when nobody is. The app
/// asks this on every load, so a signed-out visitor is not an error (`/auth/me` answers 401).
#[utoipa::path(get, path = "/auth/session", extensions(("x-permission" = json!("public"))), tag = "accounts",
    responses((status = 200, description = "The signed-in user, or `principal: null` when signed out", body = SessionState)))]
async fn session(
    State(state): State<AppState>,
    SessionToken(token): SessionToken,
) -> AppResult<Response> {
    let principal = match token {
        Some(token) => service::authenticate(&state, &token).await?,
        None => None,
    };
    let mut res = Json(SessionState { principal }).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// All user accounts (admin).
#[utoipa::path(get, path = "/users", extensions(("x-permission" = json!("manage_users"))), tag = "accounts",
    responses((status = 200, body = Vec<UserView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_users(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<UserView>>> {
    require(&me, Permission::ManageUsers)?;
    Ok(Json(service::list_users(&state.db.conn).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Part of the name or username.
    pub q: Option<String>,
    /// Only people working in this grid.
    pub grid_id: Option<i64>,
    /// Only people with this role.
    pub role: Option<Role>,
    /// Only people the caller may name for this work (the server accepts no one else).
    #[param(inline)]
    pub work: Option<Work>,
    /// With `work`: the grid of the record the work is for (a case's grid), where a grid
    /// worker must work to take it.
    pub work_grid_id: Option<i64>,
}

/// The person picker: the people the caller may give work to (a meal's deliverer, a
/// pairing's helper, a volunteer's account) — the office everyone, a grid worker those of
/// their grids; by name, at most 50, with roles and grids.
#[utoipa::path(get, path = "/people", extensions(("x-permission" = json!("name_people"))), tag = "accounts", params(PeopleQuery),
    responses((status = 200, body = Vec<Person>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn people(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    axum::extract::Query(q): axum::extract::Query<PeopleQuery>,
) -> AppResult<Json<Vec<Person>>> {
    Ok(Json(
        service::people(
            &state.db.conn,
            &me,
            q.q.as_deref(),
            q.grid_id,
            q.role,
            q.work.map(|w| (w, q.work_grid_id)),
        )
        .await?,
    ))
}

/// Create a user account with roles and grid scopes (admin).
#[utoipa::path(post, path = "/users", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", request_body = CreateUser,
    responses((status = 201, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreateUser>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    require(&me, Permission::ManageUsers)?;
    Ok((
        StatusCode::CREATED,
        Json(service::create_user(&state, &me, &ctx, req).await?),
    ))
}

/// One user account (admin).
#[utoipa::path(get, path = "/users/{id}", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_user(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<UserView>> {
    require(&me, Permission::ManageUsers)?;
    Ok(Json(service::get_user(&state.db.conn, id).await?))
}

/// Change a user's name, roles, grid scopes or disabled flag (admin). Disabling ends their sessions.
#[utoipa::path(put, path = "/users/{id}", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", params(("id" = i64, Path)), request_body = UpdateUser,
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, description = "Stale version; `current` holds the record", body = Problem),
              (status = 422, body = Problem)))]
async fn update_user(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateUser>,
) -> AppResult<Json<UserView>> {
    require(&me, Permission::ManageUsers)?;
    Ok(Json(
        service::update_user(&state, &me, &ctx, id, req).await?,
    ))
}

/// Set a new password for a user (admin). Ends that user's sessions.
#[utoipa::path(post, path = "/users/{id}/password", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", params(("id" = i64, Path)), request_body = ResetPassword,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResetPassword>,
) -> AppResult<StatusCode> {
    require(&me, Permission::ManageUsers)?;
    service::reset_password(&state, &me, &ctx, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user's display preferences (elder mode, read aloud) and whether to offer elder
/// mode now: once, to a resident whose register record makes them 65 or older this year.
#[utoipa::path(get, path = "/me/preferences", extensions(("x-permission" = json!("own_account"))), tag = "accounts",
    responses((status = 200, body = PreferencesView), (status = 401, body = Problem)))]
async fn get_preferences(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<PreferencesView>> {
    Ok(Json(preferences::get(&state, &me).await?))
}

/// Save the signed-in user's display preferences; `offer_answered` ends the elder-mode offer.
#[utoipa::path(put, path = "/me/preferences", extensions(("x-permission" = json!("own_account"))), tag = "accounts", request_body = UpdatePreferences,
    responses((status = 200, body = PreferencesView), (status = 401, body = Problem),
              (status = 409, description = "Stale version; `current` holds the saved preferences", body = Problem)))]
async fn put_preferences(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<UpdatePreferences>,
) -> AppResult<Json<PreferencesView>> {
    Ok(Json(preferences::update(&state, &me, req).await?))
}

/// Where the signed-in resident lives and whom to call (找网格员): the building of their
/// household (the place a report is filed at) and their grid's workers with work phones.
/// Empty for an account not verified as a registered resident.
#[utoipa::path(get, path = "/me/home", extensions(("x-permission" = json!("own_account"))), tag = "accounts",
    responses((status = 200, body = ResidentHome), (status = 401, body = Problem)))]
async fn my_home(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<ResidentHome>> {
    Ok(Json(preferences::home(&state, &me).await?))
}

/// Set a user's photo (admin): the body is the image itself (`image/jpeg`, `image/png` or
/// `image/webp`, at most 12 MB: `shared::cases::PHOTO_TYPES`, `PHOTO_MAX_BYTES`), checked and
/// re-encoded without EXIF like case photos. Changes the user's version; audited.
#[utoipa::path(put, path = "/users/{id}/photo", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", params(("id" = i64, Path), UserVersion),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, description = "Stale version; `current` holds the record", body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn put_photo(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<UserVersion>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<UserView>> {
    require(&me, Permission::ManageUsers)?;
    let declared = crate::cases::photos::declared_type(&headers)?;
    let stored = crate::cases::photos::store(&state, body, declared).await?;
    Ok(Json(
        service::set_photo(&state, &me, &ctx, id, q.version, Some(stored)).await?,
    ))
}

/// Remove a user's photo (admin); their card shows their initials again. Audited.
#[utoipa::path(delete, path = "/users/{id}/photo", extensions(("x-permission" = json!("manage_users"))), tag = "accounts", params(("id" = i64, Path), UserVersion),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, description = "Stale version; `current` holds the record", body = Problem)))]
async fn remove_photo(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<UserVersion>,
) -> AppResult<Json<UserView>> {
    require(&me, Permission::ManageUsers)?;
    Ok(Json(
        service::set_photo(&state, &me, &ctx, id, q.version, None).await?,
    ))
}

/// A user's photo (JPEG, at most 320 px), for anyone signed in: the face on a grid worker's
/// card (找网格员), as on the grid's public board. `v` only tells one photo from the next.
#[utoipa::path(get, path = "/users/{id}/photo", extensions(("x-permission" = json!("own_account"))), tag = "accounts",
    params(("id" = i64, Path), ("v" = Option<i64>, Query, description = "The user's version when the address was given; ignored")),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn user_photo(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    let file = service::photo_file(&state.db.conn, id).await?;
    crate::cases::photos::send_file(&state, &file).await
}

/// The signed-in resident's own meals (送餐) and visits (走访), for 我的事: only the care
/// records of the register record their account is verified as. Empty for anyone else.
#[utoipa::path(get, path = "/me/care", extensions(("x-permission" = json!("own_account"))), tag = "accounts",
    responses((status = 200, body = MyCare), (status = 401, body = Problem)))]
async fn my_care(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<MyCare>> {
    Ok(Json(preferences::care(&state, &me).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(put_photo, remove_photo, user_photo))
        .layer(DefaultBodyLimit::max(shared::cases::PHOTO_MAX_BYTES))
        .routes(routes!(my_care))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(session))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
        .routes(routes!(people))
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(my_home))
}
