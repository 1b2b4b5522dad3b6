//! `Idempotency-Key` (issue 18): a write sent again — an outbox retrying after a lost answer, a
//! second tap — is done once, and the repeat gets the first answer.
//!
//! How it works, per request to a POST, PUT or PATCH under `/api/` or `/open311/` that carries
//! the header:
//! 1. [`layer`] names the caller (`user:<id>` by session; `open311:<hash>` by API key) and
//!    fingerprints the request (method, path and query, content type, body).
//! 2. A key already answered gets its stored answer again (status, body, `Location`, with
//!    `Idempotent-Replayed: true`), or 422 `idempotency_key_reused` when the fingerprint differs.
//! 3. Otherwise the handler runs with the key in a task-local. The first write transaction the
//!    handler opens (`Db::begin_write`) inserts the key's row *inside that transaction*
//!    ([`claim`]): the write and the claim commit together or not at all. A duplicate running
//!    at the same moment in another process meets the primary key and is answered from the row
//!    (or 409 `idempotency_in_progress` while it has no answer yet); in this process duplicates
//!    queue on a per-key lock and then take the stored answer.
//! 4. Once the handler has answered, the answer is stored beside the key.
//!
//! A crash (`kill -9`) between the commit and step 4 leaves a claimed key with no answer. A
//! retry then writes nothing and gets 409 `idempotency_answer_lost`: the submission took effect,
//! its answer is gone, reload to see it. (A handler's answer is made after its commit, so it
//! cannot be stored in the same transaction without holding every handler's commit back.)
//!
//! Requests without the header, reads, DELETE, signing in and out and anonymous calls pass
//! untouched (a key there is ignored). Keys are
//! kept for [`KEEP`] and then removed by housekeeping.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set, SqlErr, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use shared::error::ErrorCode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

entity!(key_row, "idempotency_keys", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub fingerprint: String,
    pub process: String,
    pub claimed_at: TimeDateTimeWithTimeZone,
    pub status: Option<i32>,
    pub headers: Option<String>,
    pub body: Option<Vec<u8>>,
});

/// The request header, as RFC draft `draft-ietf-httpapi-idempotency-key-header` names it.
pub const HEADER: &str = "idempotency-key";
/// Set on an answer given again from the store.
pub const REPLAYED: &str = "idempotent-replayed";
/// The longest key taken: a UUID is 36; room for a client's own prefix.
pub const MAX_KEY_LEN: usize = 200;
/// How long a key and its answer are kept (the issue asks for at least 24 hours).
pub const KEEP: Duration = Duration::from_secs(48 * 3600);
/// The largest body fingerprinted: the largest any route takes (a places import).
const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The largest answer stored; a larger one is answered but cannot be replayed.
const ANSWER_LIMIT: usize = 4 * 1024 * 1024;
/// A claim without an answer made by another process is taken for a request in flight this
/// long; older, its process died between commit and answer. (Storing the answer follows the
/// commit within milliseconds.)
const IN_FLIGHT_AT_MOST: time::Duration = time::Duration::seconds(10);
/// How long a duplicate waits in this process for the first request to be answered.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(30);
/// The answer headers kept for a replay.
const KEPT_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::CONTENT_DISPOSITION,
    header::ETAG,
];

/// This server process, in its claims.
static PROCESS: LazyLock<String> = LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string());

/// Test-only fault hook for the crash test (`server/tests/process.rs`): with this variable set
/// to a key, a request of that key stops after its commit and never answers, so the test can
/// `kill -9` the process exactly between commit and answer.
const HOLD_AFTER_COMMIT_ENV: &str = "LINJU_TEST_HOLD_ANSWER_AFTER_COMMIT_FOR_KEY";
static HOLD_AFTER_COMMIT: LazyLock<Option<String>> =
    LazyLock::new(|| std::env::var(HOLD_AFTER_COMMIT_ENV).ok());

tokio::task_local! {
    static CLAIM: Arc<Claim>;
}

/// The key of the request being handled, for `Db::begin_write` to claim.
pub struct Claim {
    owner: String,
    key: String,
    fingerprint: String,
    state: Mutex<ClaimState>,
    /// Another request (another process) claimed the key first.
    lost_race: AtomicBool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClaimState {
    /// No open transaction holds the claim.
    Open,
    /// A transaction inserted the claim and has not ended.
    Held,
    /// The claim was committed with its write.
    Taken,
}

/// The claim held by one write transaction: committed with it ([`Hold::taken`]), or given up
/// when the transaction is dropped, so a later transaction of the request claims again.
pub struct Hold(Arc<Claim>);

impl Hold {
    pub fn taken(&self) {
        *self.0.state.lock().unwrap_or_else(|e| e.into_inner()) = ClaimState::Taken;
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == ClaimState::Held {
            *state = ClaimState::Open;
        }
    }
}

/// Claim the request's key inside a write transaction that is starting (`Db::begin_write`).
/// Nothing to do outside a request with a key, or when the key is already claimed.
pub async fn claim(txn: &DatabaseTransaction) -> AppResult<Option<Hold>> {
    let Ok(claim) = CLAIM.try_with(Arc::clone) else {
        return Ok(None);
    };
    {
        let mut state = claim.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state != ClaimState::Open {
            return Ok(None);
        }
        *state = ClaimState::Held;
    }
    let hold = Hold(claim.clone());
    let row = key_row::ActiveModel {
        owner: Set(claim.owner.clone()),
        key: Set(claim.key.clone()),
        fingerprint: Set(claim.fingerprint.clone()),
        process: Set(PROCESS.clone()),
        claimed_at: Set(crate::clock::now()),
        status: Set(None),
        headers: Set(None),
        body: Set(None),
    };
    match key_row::Entity::insert(row)
        .exec_without_returning(txn)
        .await
    {
        Ok(_) => Ok(Some(hold)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            claim.lost_race.store(true, Ordering::SeqCst);
            Err(AppError::Code(ErrorCode::IdempotencyInProgress))
        }
        Err(e) => Err(e.into()),
    }
}

fn taken(claim: &Claim) -> bool {
    *claim.state.lock().unwrap_or_else(|e| e.into_inner()) == ClaimState::Taken
}

/// A key is 1 to 200 visible ASCII characters (a UUID, typically).
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Whether a request may carry a key: the writes that create or move (POST, PUT, PATCH) under
/// `/api/` and Open311. Signing in and out are left out: their answers set cookies, which are
/// not kept for a replay, and doing them twice does no harm.
pub fn takes_key(method: &Method, path: &str) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
        && (path.starts_with("/api/") || path.starts_with("/open311/"))
        && !path.starts_with("/api/v1/auth/")
}

/// The middleware (see the module's description).
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let applies = takes_key(req.method(), path);
    let Some(value) = req.headers().get(HEADER).filter(|_| applies) else {
        return next.run(req).await;
    };
    let Some(key) = value
        .to_str()
        .ok()
        .filter(|k| valid_key(k))
        .map(str::to_string)
    else {
        return AppError::Code(ErrorCode::MalformedRequest).into_response();
    };
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return AppError::Code(ErrorCode::PayloadTooLarge).into_response();
    };
    let owner = match owner_of(&state, &mut parts, &bytes).await {
        Ok(Some(owner)) => owner,
        // Anonymous: the handler refuses or needs no key (signing in).
        Ok(None) => {
            return next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
        }
        Err(e) => return e.into_response(),
    };
    let fingerprint = fingerprint(&parts, &bytes);

    // Duplicates in this process wait here for the first to be answered.
    let lock = in_flight_lock(&owner, &key);
    let Ok(turn) = tokio::time::timeout(WAIT_FOR_FIRST, lock.clone().lock_owned()).await else {
        forget_lock(&owner, &key, lock);
        return AppError::Code(ErrorCode::IdempotencyInProgress).into_response();
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let claim = Arc::new(Claim {
        owner,
        key,
        fingerprint,
        state: Mutex::new(ClaimState::Open),
        lost_race: AtomicBool::new(false),
    });
    let answer = answer_once(&state, claim.clone(), request, next).await;
    drop(turn);
    forget_lock(&claim.owner, &claim.key, lock);
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// The stored answer of the claim's key, or the handler's (stored when it wrote).
async fn answer_once(
    state: &AppState,
    claim: Arc<Claim>,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    let (owner, key) = (claim.owner.as_str(), claim.key.as_str());
    if let Some(row) = find(state, owner, key).await? {
        return Ok(answer_from(row, &claim.fingerprint));
    }
    let res = CLAIM.scope(claim.clone(), next.run(request)).await;
    if claim.lost_race.load(Ordering::SeqCst) {
        // Another process claimed the key between our look and our write.
        return match find(state, owner, key).await? {
            Some(row) => Ok(answer_from(row, &claim.fingerprint)),
            None => Err(AppError::Code(ErrorCode::IdempotencyInProgress)),
        };
    }
    if !taken(&claim) {
        // Nothing was written (a refusal, or a request that only reads): nothing to keep,
        // and the same key may be sent again.
        return Ok(res);
    }
    if HOLD_AFTER_COMMIT.as_deref() == Some(key) {
        tracing::warn!(key = %key, "{HOLD_AFTER_COMMIT_ENV}: holding this answer forever");
        std::future::pending::<()>().await;
    }
    store(state, owner, key, res).await
}

/// Who the key belongs to: the signed-in user (the principal is kept for the handler), or
/// the Open311 client by its API key. `None` for anonymous requests.
async fn owner_of(
    state: &AppState,
    parts: &mut axum::http::request::Parts,
    body: &[u8],
) -> AppResult<Option<String>> {
    if parts.uri.path().starts_with("/open311/") {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        return Ok(fields
            .into_iter()
            .find(|(k, v)| k == "api_key" && !v.is_empty())
            .map(|(_, v)| format!("open311:{}", hex::encode(&Sha256::digest(v)[..16]))));
    }
    let Some(token) = crate::accounts::session_token(parts) else {
        return Ok(None);
    };
    let Some(principal) = crate::accounts::service::authenticate(state, &token).await? else {
        return Ok(None);
    };
    let owner = format!("user:{}", principal.user_id);
    parts.extensions.insert(principal);
    Ok(Some(owner))
}

fn fingerprint(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update(b"\n");
    h.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(""));
    h.update(b"\n");
    h.update(
        parts
            .headers
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes)
            .unwrap_or_default(),
    );
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

type Locks = Mutex<HashMap<(String, String), Arc<tokio::sync::Mutex<()>>>>;
static IN_FLIGHT: LazyLock<Locks> = LazyLock::new(Locks::default);

fn in_flight_lock(owner: &str, key: &str) -> Arc<tokio::sync::Mutex<()>> {
    IN_FLIGHT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((owner.to_string(), key.to_string()))
        .or_default()
        .clone()
}

/// Drop a key's lock from the table once no request holds or waits for it.
fn forget_lock(owner: &str, key: &str, lock: Arc<tokio::sync::Mutex<()>>) {
    let mut locks = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    drop(lock);
    let id = (owner.to_string(), key.to_string());
    if locks.get(&id).is_some_and(|l| Arc::strong_count(l) == 1) {
        locks.remove(&id);
    }
}

async fn find(state: &AppState, owner: &str, key: &str) -> AppResult<Option<key_row::Model>> {
    Ok(
        key_row::Entity::find_by_id((owner.to_string(), key.to_string()))
            .one(&state.db.conn)
            .await?,
    )
}

/// What a request whose key is already claimed gets.
fn answer_from(row: key_row::Model, fingerprint: &str) -> Response {
    if row.fingerprint != fingerprint {
        return AppError::Code(ErrorCode::IdempotencyKeyReused).into_response();
    }
    let Some(status) = row.status else {
        // Claimed with no answer. In this process a request in flight holds the key's lock,
        // so this one died; another process's may still be answering.
        let age = crate::clock::now() - row.claimed_at;
        let in_flight = row.process != *PROCESS && age < IN_FLIGHT_AT_MOST;
        return AppError::Code(if in_flight {
            ErrorCode::IdempotencyInProgress
        } else {
            ErrorCode::IdempotencyAnswerLost
        })
        .into_response();
    };
    let (Some(body), Ok(status)) = (row.body, StatusCode::from_u16(status as u16)) else {
        return AppError::Code(ErrorCode::IdempotencyAnswerLost).into_response();
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let headers: Vec<(String, String)> = row
        .headers
        .and_then(|h| serde_json::from_str(&h).ok())
        .unwrap_or_default();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            res.headers_mut().insert(name, value);
        }
    }
    res.headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

/// Keep the answer beside its key and give it to the caller.
async fn store(state: &AppState, owner: &str, key: &str, res: Response) -> AppResult<Response> {
    let (parts, body) = res.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::Internal(format!("reading an answer to keep: {e}")))?;
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(name)?.to_str().ok()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    let kept = (bytes.len() <= ANSWER_LIMIT).then(|| bytes.to_vec());
    if kept.is_none() {
        tracing::warn!(key = %key, bytes = bytes.len(), "answer too large to keep for a replay");
    }
    if let Err(e) = keep_answer(state, owner, key, parts.status, &headers, kept).await {
        // The write is done: the caller still gets its answer; a retry will get
        // `idempotency_answer_lost` rather than a second write.
        tracing::error!(error = %e, key = %key, "could not keep the answer of an idempotent request");
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

async fn keep_answer(
    state: &AppState,
    owner: &str,
    key: &str,
    status: StatusCode,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    key_row::Entity::update_many()
        .col_expr(
            key_row::Column::Status,
            Expr::value(i32::from(status.as_u16())),
        )
        .col_expr(
            key_row::Column::Headers,
            Expr::value(serde_json::to_string(headers).unwrap_or_default()),
        )
        .col_expr(key_row::Column::Body, Expr::value(body))
        .filter(key_row::Column::Owner.eq(owner))
        .filter(key_row::Column::Key.eq(key))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Remove keys older than [`KEEP`] (housekeeping).
pub async fn prune(state: &AppState) -> AppResult<u64> {
    let keep = time::Duration::try_from(KEEP).unwrap_or(time::Duration::hours(48));
    let txn = state.db.begin_write().await?;
    let removed = key_row::Entity::delete_many()
        .filter(key_row::Column::ClaimedAt.lt(crate::clock::now() - keep))
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(super::valid_key("8d3c7a1e-0b6f-4c1e-9a51-2f1d3f0c9b77"));
        assert!(!super::valid_key(""));
        assert!(!super::valid_key("with space"));
        assert!(!super::valid_key("键"));
        assert!(!super::valid_key(&"k".repeat(201)));
    }
}
