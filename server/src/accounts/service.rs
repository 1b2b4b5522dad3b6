//! Accounts rules and transactions: login with throttling, sessions, user administration.

use super::password;
use super::store::{login_throttle, session, user, user_grid, user_role};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use shared::accounts::{
    CreateUser, LoginRequest, PEOPLE_LIMIT, Person, Principal, ResetPassword, Role, Scope,
    UpdateUser, UserView, Work, may_name_for, parse_roles, parse_work_phone, people_scope,
    person_in_scope,
};
use shared::error::{ErrorCode, FieldErrorCode, FieldErrors};
use shared::places::PlaceKind;
use shared::validate::{Name, NewPassword, Username};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// Failures counted within this window.
const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// An account is locked for a growing time after this many failures in the window.
const ACCOUNT_FREE_FAILURES: i32 = 5;
const ACCOUNT_MAX_LOCK: Duration = Duration::minutes(15);
/// One address may fail this often in the window before it is blocked (password spraying).
/// Generous, because a whole office may sit behind one address.
const IP_FREE_FAILURES: i32 = 100;
const IP_LOCK: Duration = Duration::minutes(5);
/// `last_seen_at` is refreshed at most this often, so reads do not all become writes.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub async fn load_principal(conn: &impl ConnectionTrait, u: &user::Model) -> AppResult<Principal> {
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(u.id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect::<Vec<_>>();
    let grid_ids = user_grid::Entity::find()
        .filter(user_grid::Column::UserId.eq(u.id))
        .order_by_asc(user_grid::Column::GridId)
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.grid_id)
        .collect();
    let mut roles = roles;
    roles.sort();
    Ok(Principal {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        roles,
        grid_ids,
    })
}

fn throttle_keys(username: &str, ip: Option<&str>) -> Vec<String> {
    // Bounded: the key column holds 128 characters and usernames are at most 32.
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    let mut keys = vec![format!("user:{name}")];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    keys
}

fn seconds_until(t: OffsetDateTime) -> u64 {
    let s = (t - now()).as_seconds_f64().ceil();
    if s < 1.0 { 1 } else { s as u64 }
}

pub struct LoginOutcome {
    pub principal: Principal,
    pub token: String,
}

/// How long a key is locked once its free attempts are used: 30 s, doubling with each
/// further attempt, at most 15 minutes for an account and 5 minutes for an address.
fn lock_for(key: &str, attempts: i32) -> Option<Duration> {
    let (free, max) = if key.starts_with("user:") {
        (ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_LOCK)
    } else {
        (IP_FREE_FAILURES, IP_LOCK)
    };
    (attempts >= free)
        .then(|| (Duration::seconds(30) * 2i32.pow((attempts - free).clamp(0, 10) as u32)).min(max))
}

/// Reserve one attempt for each key before the password is checked, atomically, so that
/// guesses sent in parallel are counted like guesses sent one by one. The attempt that
/// uses the last free one already sets the lock: parallel attempts behind it are refused.
async fn reserve_attempt(state: &AppState, keys: &[String]) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let t = now();
    for key in keys {
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            key: Set(key.clone()),
            failures: Set(0),
            window_started_at: Set(t),
            blocked_until: Set(None),
        })
        .on_conflict(
            OnConflict::column(login_throttle::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&*txn)
        .await?;
    }
    // On PostgreSQL the rows are locked until commit; SQLite's writer is already exclusive.
    let rows = login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.is_in(keys.to_vec()))
        .lock_exclusive()
        .all(&*txn)
        .await?;
    if let Some(until) = rows
        .iter()
        .filter_map(|r| r.blocked_until)
        .filter(|b| *b > t)
        .max()
    {
        return Err(AppError::Throttled {
            retry_after: seconds_until(until),
        });
    }
    for r in rows {
        let (attempts, window) = if r.window_started_at + THROTTLE_WINDOW > t {
            (r.failures + 1, r.window_started_at)
        } else {
            (1, t)
        };
        login_throttle::Entity::update_many()
            .col_expr(login_throttle::Column::Failures, Expr::value(attempts))
            .col_expr(login_throttle::Column::WindowStartedAt, Expr::value(window))
            .col_expr(
                login_throttle::Column::BlockedUntil,
                Expr::value(lock_for(&r.key, attempts).map(|d| t + d)),
            )
            .filter(login_throttle::Column::Key.eq(r.key.clone()))
            .exec(&*txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn login(
    state: &AppState,
    ctx: &RequestCtx,
    req: LoginRequest,
    old_token: Option<String>,
) -> AppResult<LoginOutcome> {
    let keys = throttle_keys(&req.username, ctx.ip.as_deref());
    reserve_attempt(state, &keys).await?;

    let username = Username::parse(&req.username).ok();
    let found = match &username {
        Some(u) => {
            user::Entity::find()
                .filter(user::Column::Username.eq(u.as_str()))
                .one(&state.db.conn)
                .await?
        }
        None => None,
    };
    let ok = password::verify(
        req.password,
        found.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let txn = state.db.begin_write().await?;
    let known_name = found.as_ref().map(|u| u.username.clone());
    match found.filter(|u| ok && !u.disabled) {
        Some(u) => {
            // Success clears the account's count and gives the address its attempt back.
            login_throttle::Entity::delete_many()
                .filter(login_throttle::Column::Key.eq(keys[0].clone()))
                .exec(&*txn)
                .await?;
            if let Some(ip_key) = keys.get(1) {
                login_throttle::Entity::update_many()
                    .col_expr(
                        login_throttle::Column::Failures,
                        Expr::col(login_throttle::Column::Failures).sub(1),
                    )
                    .filter(login_throttle::Column::Key.eq(ip_key.clone()))
                    .filter(login_throttle::Column::Failures.gt(0))
                    .exec(&*txn)
                    .await?;
            }
            // A fresh id at every login: a session id planted before login is worthless.
            if let Some(old) = old_token {
                session::Entity::delete_by_id(hash_token(&old))
                    .exec(&*txn)
                    .await?;
            }
            let token = new_token();
            let t = now();
            session::ActiveModel {
                id_hash: Set(hash_token(&token)),
                user_id: Set(u.id),
                created_at: Set(t),
                last_seen_at: Set(t),
                expires_at: Set(t + Duration::try_from(state.config.session_absolute)
                    .unwrap_or(Duration::hours(12))),
                ip: Set(ctx.ip.clone()),
                user_agent: Set(ctx.user_agent.clone()),
            }
            .insert(&*txn)
            .await?;
            let principal = load_principal(&*txn, &u).await?;
            audit::record(
                &*txn,
                Some(&principal),
                ctx,
                Record::new(shared::audit::AuditAction::Login, "user", u.id),
            )
            .await?;
            txn.commit().await?;
            Ok(LoginOutcome { principal, token })
        }
        None => {
            // Name the account only when it exists: a password typed into the name field
            // must not end up in the log.
            let detail = shared::audit::AuditDetail::SignInAs {
                username: known_name,
            }
            .to_json();
            audit::record(
                &*txn,
                None,
                ctx,
                Record {
                    action: shared::audit::AuditAction::LoginFailed,
                    entity: None,
                    entity_id: None,
                    resident_id: None,
                    detail: Some(detail),
                },
            )
            .await?;
            txn.commit().await?;
            Err(AppError::Code(ErrorCode::InvalidCredentials))
        }
    }
}

/// The user behind a session token, when the session is alive. Expired sessions are removed.
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<Option<Principal>> {
    let id_hash = hash_token(token);
    let Some(s) = session::Entity::find_by_id(id_hash.clone())
        .one(&state.db.conn)
        .await?
    else {
        return Ok(None);
    };
    let t = now();
    let idle = Duration::try_from(state.config.session_idle).unwrap_or(Duration::hours(2));
    let user = user::Entity::find_by_id(s.user_id)
        .one(&state.db.conn)
        .await?;
    let alive = s.expires_at > t && s.last_seen_at + idle > t;
    let user = match user {
        Some(u) if alive && !u.disabled => u,
        _ => {
            let txn = state.db.begin_write().await?;
            session::Entity::delete_by_id(id_hash).exec(&*txn).await?;
            txn.commit().await?;
            return Ok(None);
        }
    };
    if s.last_seen_at + TOUCH_EVERY < t {
        let txn = state.db.begin_write().await?;
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(t))
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
    }
    Ok(Some(load_principal(&state.db.conn, &user).await?))
}

pub async fn logout(
    state: &AppState,
    ctx: &RequestCtx,
    token: &str,
    me: Option<&Principal>,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    session::Entity::delete_by_id(hash_token(token))
        .exec(&*txn)
        .await?;
    if let Some(me) = me {
        audit::record(
            &*txn,
            Some(me),
            ctx,
            Record::new(shared::audit::AuditAction::Logout, "user", me.user_id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn roles_and_grids(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<(HashMap<i64, Vec<Role>>, HashMap<i64, Vec<i64>>)> {
    let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
    for r in user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids.to_vec()))
        .all(conn)
        .await?
    {
        if let Some(role) = Role::parse(&r.role) {
            roles.entry(r.user_id).or_default().push(role);
        }
    }
    roles.values_mut().for_each(|v| v.sort());
    let mut grids: HashMap<i64, Vec<i64>> = HashMap::new();
    for g in user_grid::Entity::find()
        .filter(user_grid::Column::UserId.is_in(ids.to_vec()))
        .order_by_asc(user_grid::Column::GridId)
        .all(conn)
        .await?
    {
        grids.entry(g.user_id).or_default().push(g.grid_id);
    }
    Ok((roles, grids))
}

fn view(u: user::Model, roles: Vec<Role>, grid_ids: Vec<i64>) -> UserView {
    UserView {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        roles,
        grid_ids,
        disabled: u.disabled,
        version: u.version,
        created_at: u.created_at,
        work_phone: u.work_phone,
        photo_url: u
            .photo_file
            .is_some()
            .then(|| shared::accounts::user_photo_url(u.id, u.version)),
    }
}

pub async fn list_users(conn: &impl ConnectionTrait) -> AppResult<Vec<UserView>> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(conn)
        .await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let (mut roles, mut grids) = roles_and_grids(conn, &ids).await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let (r, g) = (
                roles.remove(&u.id).unwrap_or_default(),
                grids.remove(&u.id).unwrap_or_default(),
            );
            view(u, r, g)
        })
        .collect())
}

pub async fn get_user(conn: &impl ConnectionTrait, id: i64) -> AppResult<UserView> {
    let u = user::Entity::find_by_id(id).one_or_404(conn).await?;
    let (mut roles, mut grids) = roles_and_grids(conn, &[id]).await?;
    Ok(view(
        u,
        roles.remove(&id).unwrap_or_default(),
        grids.remove(&id).unwrap_or_default(),
    ))
}

async fn has_enabled_admin(conn: &impl ConnectionTrait) -> AppResult<bool> {
    let admins: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::Admin.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(admins))
        .filter(user::Column::Disabled.eq(false))
        .one(conn)
        .await?
        .is_some())
}

/// Every named grid must exist and be a grid.
async fn check_grids(
    conn: &impl ConnectionTrait,
    grid_ids: &[i64],
    errs: &mut FieldErrors,
) -> AppResult<Vec<i64>> {
    let mut ids = grid_ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = place::Entity::find()
        .filter(place::Column::Id.is_in(ids.clone()))
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .all(conn)
        .await?;
    if found.len() != ids.len() {
        errs.add("grid_ids", FieldErrorCode::UnknownReference);
    }
    Ok(ids)
}

async fn write_roles_and_grids(
    conn: &impl ConnectionTrait,
    user_id: i64,
    roles: &[Role],
    grid_ids: &[i64],
) -> AppResult<()> {
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    user_grid::Entity::delete_many()
        .filter(user_grid::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    for r in roles {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(r.as_str().to_string()),
        }
        .insert(conn)
        .await?;
    }
    for g in grid_ids {
        user_grid::ActiveModel {
            user_id: Set(user_id),
            grid_id: Set(*g),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Insert a user without permission checks: for seeding and tools. The caller validated.
pub async fn insert_user(
    conn: &impl ConnectionTrait,
    username: &str,
    display_name: &str,
    password_hash: String,
    roles: &[Role],
    grid_ids: &[i64],
) -> AppResult<i64> {
    let t = now();
    let u = user::ActiveModel {
        username: Set(username.to_string()),
        display_name: Set(display_name.to_string()),
        password_hash: Set(password_hash),
        disabled: Set(false),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    write_roles_and_grids(conn, u.id, roles, grid_ids).await?;
    Ok(u.id)
}

pub async fn create_user(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    req: CreateUser,
) -> AppResult<UserView> {
    let mut errs = FieldErrors::new();
    let username = errs.check("username", Username::parse(&req.username));
    let display = errs.check("display_name", Name::parse(&req.display_name));
    let password = errs.check("password", NewPassword::parse(&req.password));
    let roles = errs.check("roles", parse_roles(&req.roles));
    let hash = match &password {
        Some(p) => Some(password::hash(p.expose().to_string()).await),
        None => None,
    };
    let txn = state.db.begin_write().await?;
    let grid_ids = check_grids(&*txn, &req.grid_ids, &mut errs).await?;
    if let Some(u) = &username {
        if user::Entity::find()
            .filter(user::Column::Username.eq(u.as_str()))
            .one(&*txn)
            .await?
            .is_some()
        {
            errs.add("username", FieldErrorCode::Duplicate);
        }
    }
    errs.into_result()?;
    let (username, display, roles, hash) = (
        username.expect("checked"),
        display.expect("checked"),
        roles.expect("checked"),
        hash.expect("checked"),
    );
    let id = insert_user(
        &*txn,
        username.as_str(),
        display.as_str(),
        hash,
        &roles,
        &grid_ids,
    )
    .await?;
    let detail = shared::audit::AuditDetail::Account {
        roles: roles.clone(),
        grids: grid_ids.clone(),
        disabled: false,
    };
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::UserCreate, "user", id).about(detail),
    )
    .await?;
    let out = get_user(&*txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn update_user(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: UpdateUser,
) -> AppResult<UserView> {
    let mut errs = FieldErrors::new();
    let display = errs.check("display_name", Name::parse(&req.display_name));
    let roles = errs.check("roles", parse_roles(&req.roles));
    let work_phone = errs.check("work_phone", parse_work_phone(req.work_phone.as_deref()));
    // Nobody can lock themselves out: an admin keeps their own admin role and account.
    if id == me.user_id {
        if req.disabled {
            errs.add("disabled", FieldErrorCode::NotAllowed);
        }
        if roles.as_ref().is_some_and(|r| !r.contains(&Role::Admin)) && me.has_role(Role::Admin) {
            errs.add("roles", FieldErrorCode::NotAllowed);
        }
    }
    let txn = state.db.begin_write().await?;
    let current = get_user(&*txn, id).await?;
    let grid_ids = check_grids(&*txn, &req.grid_ids, &mut errs).await?;
    errs.into_result()?;
    if current.version != req.version {
        return Err(AppError::conflict(&current));
    }
    let res = user::Entity::update_many()
        .col_expr(
            user::Column::DisplayName,
            Expr::value(display.expect("checked").into_string()),
        )
        .col_expr(user::Column::Disabled, Expr::value(req.disabled))
        .col_expr(
            user::Column::WorkPhone,
            Expr::value(work_phone.expect("checked")),
        )
        .col_expr(
            user::Column::Version,
            crate::db::next_version(user::Column::Version),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now()))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&get_user(&*txn, id).await?));
    }
    let roles = roles.expect("checked");
    write_roles_and_grids(&*txn, id, &roles, &grid_ids).await?;
    if !has_enabled_admin(&*txn).await? {
        // Two admins demoting each other at once must not leave the community without one.
        return Err(AppError::field("roles", FieldErrorCode::NotAllowed));
    }
    if req.disabled {
        // Disabling ends every session at once, not at their next expiry.
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&*txn)
            .await?;
    }
    let detail = shared::audit::AuditDetail::Account {
        roles: roles.clone(),
        grids: grid_ids.clone(),
        disabled: req.disabled,
    };
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::UserUpdate, "user", id).about(detail),
    )
    .await?;
    let out = get_user(&*txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Set (`Some`) or remove (`None`) a user's photo at the version the editor saw; a stale
/// version is a 409 with the current user. The stored files of a new photo are published
/// after the commit; old files stay (another row may name the same content).
pub async fn set_photo(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    version: i64,
    photo: Option<crate::cases::photos::Stored>,
) -> AppResult<UserView> {
    let txn = state.db.begin_write().await?;
    let current = get_user(&*txn, id).await?;
    if current.version != version {
        return Err(AppError::conflict(&current));
    }
    let names = photo
        .as_ref()
        .map(|p| (p.file_name.clone(), p.thumb_name.clone()));
    let res = user::Entity::update_many()
        .col_expr(
            user::Column::PhotoFile,
            Expr::value(names.as_ref().map(|n| n.0.clone())),
        )
        .col_expr(
            user::Column::PhotoThumb,
            Expr::value(names.as_ref().map(|n| n.1.clone())),
        )
        .col_expr(
            user::Column::Version,
            crate::db::next_version(user::Column::Version),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now()))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&get_user(&*txn, id).await?));
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::UserUpdate, "user", id),
    )
    .await?;
    let out = get_user(&*txn, id).await?;
    txn.commit().await?;
    if let Some(p) = photo {
        p.publish().await?;
    }
    Ok(out)
}

/// The file a user's photo is served from — its thumbnail (at most 320 px: a face on a card)
/// — or 404 when none is set.
pub async fn photo_file(conn: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    let u = user::Entity::find_by_id(id).one_or_404(conn).await?;
    u.photo_thumb.ok_or(AppError::Code(ErrorCode::NotFound))
}

pub async fn reset_password(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: ResetPassword,
) -> AppResult<()> {
    let password = NewPassword::parse(&req.password).map_err(|c| AppError::field("password", c))?;
    let hash = password::hash(password.expose().to_string()).await;
    let txn = state.db.begin_write().await?;
    get_user(&*txn, id).await?;
    let res = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(
            user::Column::Version,
            crate::db::next_version(user::Column::Version),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now()))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&get_user(&*txn, id).await?));
    }
    // A reset password means the old one may be known: end every session of that user.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&*txn)
        .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::UserResetPassword, "user", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Remove sessions past their limits and throttle rows whose window and lock are over.
pub async fn purge_expired(state: &AppState) -> AppResult<u64> {
    let t = now();
    let idle = Duration::try_from(state.config.session_idle).unwrap_or(Duration::hours(2));
    let txn = state.db.begin_write().await?;
    let sessions = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lt(t))
                .add(session::Column::LastSeenAt.lt(t - idle)),
        )
        .exec(&*txn)
        .await?
        .rows_affected;
    let throttles = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(t - THROTTLE_WINDOW))
        .filter(
            sea_orm::Condition::any()
                .add(login_throttle::Column::BlockedUntil.is_null())
                .add(login_throttle::Column::BlockedUntil.lt(t)),
        )
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(sessions + throttles)
}

/// Refuse a write that names account `user_id` for `work` (on a record in `record_grid`)
/// unless it is an enabled account `me` may name for it (`shared::accounts::may_name_for`):
/// a 422 on `field` — `unknown_reference`, `out_of_scope` or `not_eligible`.
pub async fn check_named_person(
    conn: &impl ConnectionTrait,
    me: &Principal,
    work: Work,
    user_id: i64,
    record_grid: Option<i64>,
    field: &str,
) -> AppResult<()> {
    if user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .is_none_or(|u| u.disabled)
    {
        return Err(AppError::field(field, FieldErrorCode::UnknownReference));
    }
    let (roles, grids) = roles_and_grids(conn, &[user_id]).await?;
    let roles = roles.get(&user_id).map(Vec::as_slice).unwrap_or_default();
    let grids = grids.get(&user_id).map(Vec::as_slice).unwrap_or_default();
    may_name_for(work, me, user_id, roles, grids, record_grid)
        .map_err(|code| AppError::field(field, code))
}

/// The people `me` may give work to (`shared::accounts::people_scope`), enabled accounts whose
/// name or username contains `q`, of a role and working in a grid when asked; for a kind of
/// work, only those `may_name_for` accepts for it (on a record in `work_grid`); by name, at
/// most [`PEOPLE_LIMIT`].
pub async fn people(
    conn: &impl ConnectionTrait,
    me: &Principal,
    q: Option<&str>,
    grid_id: Option<i64>,
    role: Option<Role>,
    work: Option<(Work, Option<i64>)>,
) -> AppResult<Vec<Person>> {
    let scope = match work {
        Some((w, _)) => w.scope(me),
        None => people_scope(me),
    };
    if scope == Scope::None {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let mut query = user::Entity::find().filter(user::Column::Disabled.eq(false));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 64 {
            return Err(AppError::field("q", FieldErrorCode::TooLong));
        }
        use sea_orm::sea_query::LikeExpr;
        let like = crate::places::service::like_pattern(q);
        query = query.filter(
            sea_orm::Condition::any()
                .add(Expr::col(user::Column::DisplayName).like(LikeExpr::new(&like).escape('\\')))
                .add(Expr::col(user::Column::Username).like(LikeExpr::new(&like).escape('\\'))),
        );
    }
    let users = query
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let (mut roles, mut grids) = roles_and_grids(conn, &ids).await?;
    let chosen: Vec<(user::Model, Vec<Role>, Vec<i64>)> = users
        .into_iter()
        .map(|u| {
            let r = roles.remove(&u.id).unwrap_or_default();
            let g = grids.remove(&u.id).unwrap_or_default();
            (u, r, g)
        })
        .filter(|(u, r, g)| {
            person_in_scope(&scope, me, u.id, g)
                && work.is_none_or(|(w, at)| may_name_for(w, me, u.id, r, g, at).is_ok())
                && role.is_none_or(|role| r.contains(&role))
                && grid_id.is_none_or(|grid| g.contains(&grid))
        })
        .take(PEOPLE_LIMIT)
        .collect();
    let grid_ids: Vec<i64> = chosen.iter().flat_map(|(_, _, g)| g.clone()).collect();
    let names: HashMap<i64, place::Model> = place::Entity::find()
        .filter(place::Column::Id.is_in(grid_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(chosen
        .into_iter()
        .map(|(u, roles, g)| Person {
            user_id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles,
            grids: g
                .iter()
                .filter_map(|id| names.get(id))
                .map(crate::places::service::to_ref)
                .collect(),
        })
        .collect())
}
