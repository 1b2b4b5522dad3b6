//! The one typed client of Linju's HTTP API. Every call is same-origin, sends the session
//! cookie and the `X-Requested-With: linju` header the server's CSRF defence asks for, and
//! turns any refusal into an [`ApiError`] carrying the server's problem document.

use std::cell::RefCell;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Page;
use shared::accounts::{
    CreateUser, LoginRequest, PreferencesView, Principal, ResetPassword, ResidentHome,
    UpdatePreferences, UpdateUser, UserView,
};
use shared::audit::AuditEntry;
use shared::board::WipLimit;
use shared::board::{Board, Card, Undo};
use shared::care::{
    CareRecord, EnrolInput, EnrolmentView, ErrandView, LetterAnswer, LetterInput, LetterView,
    MealCounts, MenuInput, MenuView, OrderInput, OrderView, PairingInput, PairingView,
};
use shared::cases::{
    Assignee, CalendarDay, CaseMeta, CaseSummary, CaseView, Category, CategoryInput, CreateCase,
    DuplicateCandidate, DuplicateQuery, MarkRead, MoveCase, Notification, PartyInput, Photo,
    PhotoKind, Rating, Reorder, ResponsibleParty, SlaRule,
};
use shared::council::{
    AccountabilityEntry, Attendance, BallotView, CastVote, CommentView, CreateBallot, CreateItem,
    CreateMeeting, HideComment, ItemSummary, ItemView, MeetingSummary, MeetingView, Minutes,
    MoveItem, NewComment, VoterStatus,
};
use shared::error::{ErrorCode, FieldError, Problem};
use shared::i18n::Lang;
use shared::mediation::{
    AgreementInput, BoardColumn, Confirm, Consent, CreateFile, Extension, FileView, Mediators,
    MoveFile, NewRecord, NewSession, PartyContact, Performed,
};
use shared::open311::{ApiKeyView, NewApiKey};
use shared::places::{
    CreatePlace, ImportReport, PlaceRefWithPath, PlaceSummary, PlaceView, ResidentInput,
    ResidentSensitive, ResidentView, RevealRequest, SearchResults, UpdatePlace,
};

use crate::i18n::Key;
use crate::offline::copies::kept;

const BASE: &str = "/api/v1";

/// Why a call failed: the server said no (with a problem document), or we never got a
/// readable answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    Problem(Box<Problem>),
    Network,
    BadResponse,
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem(p) => Some(p.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(p) => Some(p.status),
            _ => None,
        }
    }

    pub fn is(&self, code: ErrorCode) -> bool {
        self.code() == Some(code)
    }

    /// Whether the same call may succeed if tried again: a lost connection, an unreadable
    /// answer (a proxy's error page), or a server that was busy or failed. A 404 or a 403
    /// answers the same every time.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Problem(p) => p.code.is_transient(),
            ApiError::Network | ApiError::BadResponse => true,
        }
    }

    /// The message in the user's current language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ApiError::Problem(p) => match lang {
                Lang::ZhCn if !p.messages.zh_cn.is_empty() => p.messages.zh_cn.clone(),
                Lang::En if !p.messages.en.is_empty() => p.messages.en.clone(),
                _ => p.code.message(lang).to_string(),
            },
            ApiError::Network => Key::NetworkError.text().get(lang).to_string(),
            ApiError::BadResponse => Key::UnexpectedResponse.text().get(lang).to_string(),
        }
    }

    /// The most specific reason: the first field's message when the server named one
    /// (e.g. "this point lies outside every grid"), else the problem's message.
    pub fn reason(&self, lang: Lang) -> String {
        match self
            .field_errors()
            .into_iter()
            .find(|f| !f.message.is_empty())
        {
            Some(f) => f.message,
            None => self.message(lang),
        }
    }

    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Problem(p) => p.errors.clone(),
            _ => Vec::new(),
        }
    }

    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Problem(p) => p.retry_after,
            _ => None,
        }
    }

    /// For version conflicts: the record as the server has it now.
    pub fn current<T: DeserializeOwned>(&self) -> Option<T> {
        match self {
            ApiError::Problem(p) => p
                .current
                .clone()
                .and_then(|v| serde_json::from_value(v).ok()),
            _ => None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
    static LANG: RefCell<Lang> = const { RefCell::new(Lang::ZhCn) };
}

/// What to do when any call finds the session gone (the shell sends the user to sign in).
pub fn on_unauthenticated(f: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|cell| *cell.borrow_mut() = Some(Box::new(f)));
}

/// The language the server should answer in (`Accept-Language`).
pub fn set_language(lang: Lang) {
    LANG.with(|l| *l.borrow_mut() = lang);
}

/// The language the server is asked to answer in (the user's current one).
pub fn language() -> Lang {
    LANG.with(|l| *l.borrow())
}

fn prepare(builder: RequestBuilder) -> RequestBuilder {
    let lang = LANG.with(|l| *l.borrow());
    builder
        .header("X-Requested-With", "linju")
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
        .credentials(web_sys::RequestCredentials::Include)
}

async fn finish<T: DeserializeOwned>(
    path: &str,
    response: Result<Response, gloo_net::Error>,
) -> ApiResult<T> {
    let response = response.map_err(|_| ApiError::Network)?;
    let status = response.status();
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        let text = if body.trim().is_empty() {
            "null"
        } else {
            body.as_str()
        };
        return serde_json::from_str(text).map_err(|_| ApiError::BadResponse);
    }
    let problem = serde_json::from_str::<Problem>(&body).unwrap_or_else(|_| synthesize(status));
    if status == 401 && !path.starts_with("/auth/") {
        ON_UNAUTHENTICATED.with(|cell| {
            if let Some(f) = cell.borrow().as_ref() {
                f()
            }
        });
    }
    Err(ApiError::Problem(Box::new(problem)))
}

/// A problem document for answers that did not carry one (a proxy's 502, say).
fn synthesize(status: u16) -> Problem {
    let code = match status {
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::VersionConflict,
        413 => ErrorCode::PayloadTooLarge,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::LoginThrottled,
        502..=504 => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    };
    let mut p = Problem::new(code, LANG.with(|l| *l.borrow()));
    p.status = status;
    p
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    finish(path, prepare(Request::get(&url(path))).send().await).await
}

/// One logical submission of a write and its `Idempotency-Key` (the server does a keyed write
/// once and answers a repeat with the first answer). The key is made for the submission's
/// content and kept while no definitive answer came: sent again unchanged after a lost
/// connection or a passing failure (a retry), it carries the same key, so a write whose
/// answer was lost is not done twice; once answered, the same content again is a new
/// submission with a new key. (The outbox will keep its items' keys itself.)
struct Submission {
    content: u64,
    key: String,
}

thread_local! {
    /// Keys of submissions still waiting for a definitive answer, by their content.
    static UNANSWERED: RefCell<std::collections::HashMap<u64, String>> = RefCell::default();
}

impl Submission {
    fn of(method: &str, path: &str, body: &str) -> Submission {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (method, path, body).hash(&mut h);
        let content = h.finish();
        let key = UNANSWERED.with(|u| {
            u.borrow_mut()
                .entry(content)
                .or_insert_with(crate::offline::new_key)
                .clone()
        });
        Submission { content, key }
    }

    fn keyed(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.header("Idempotency-Key", &self.key)
    }

    /// The submission is over unless its answer was lost or may change on a retry.
    fn settle<T>(self, answer: ApiResult<T>) -> ApiResult<T> {
        if !matches!(&answer, Err(e) if e.is_transient()) {
            UNANSWERED.with(|u| u.borrow_mut().remove(&self.content));
        }
        answer
    }
}

/// Send a write (`POST`, `PUT`) of `body` with its idempotency key.
async fn write<T: DeserializeOwned>(
    method: &str,
    path: &str,
    content_type: &str,
    body: String,
) -> ApiResult<T> {
    let submission = Submission::of(method, path, &body);
    let builder = match method {
        "PUT" => Request::put(&url(path)),
        _ => Request::post(&url(path)),
    };
    let req = submission
        .keyed(prepare(builder))
        .header("Content-Type", content_type)
        .body(body)
        .map_err(|_| ApiError::BadResponse)?;
    submission.settle(finish(path, req.send().await).await)
}

fn to_json<B: Serialize>(body: &B) -> ApiResult<String> {
    serde_json::to_string(body).map_err(|_| ApiError::BadResponse)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    write("POST", path, "application/json", to_json(body)?).await
}

pub async fn post_empty<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let submission = Submission::of("POST", path, "");
    let req = submission.keyed(prepare(Request::post(&url(path))));
    submission.settle(finish(path, req.send().await).await)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    write("PUT", path, "application/json", to_json(body)?).await
}

/// Upload a chosen file as the body of a `POST` (photos), keyed like every write: the file is
/// told apart by its name, size, type and modification time.
async fn upload<T: DeserializeOwned>(path: &str, file: web_sys::File) -> ApiResult<T> {
    send_file("POST", path, file).await
}

/// A chosen file as the body of `method` (`POST` adds a photo, `PUT` replaces one).
async fn send_file<T: DeserializeOwned>(
    method: &str,
    path: &str,
    file: web_sys::File,
) -> ApiResult<T> {
    let content_type = file.type_();
    let which = format!(
        "{}\n{}\n{content_type}\n{}",
        file.name(),
        file.size(),
        file.last_modified()
    );
    let submission = Submission::of(method, path, &which);
    let request = if method == "PUT" {
        Request::put(&url(path))
    } else {
        Request::post(&url(path))
    };
    let req = submission
        .keyed(prepare(request))
        .header("Content-Type", &content_type)
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(|_| ApiError::BadResponse)?;
    submission.settle(finish(path, req.send().await).await)
}

/// A `POST` the outbox keeps (`crate::offline::outbox`), sent with the key it was kept with: the
/// outbox, not [`Submission`], owns that key from the first try to the last. The answer as JSON.
pub async fn send_kept(
    path: &str,
    body: Option<String>,
    key: &str,
) -> ApiResult<serde_json::Value> {
    let builder = prepare(Request::post(&url(path))).header("Idempotency-Key", key);
    let sent = match body {
        Some(body) => {
            let req = builder
                .header("Content-Type", "application/json")
                .body(body)
                .map_err(|_| ApiError::BadResponse)?;
            req.send().await
        }
        None => builder.send().await,
    };
    finish(path, sent).await
}

/// A photo the outbox kept (a Blob), uploaded with its own key.
pub async fn upload_kept(path: &str, photo: web_sys::Blob, key: &str) -> ApiResult<Photo> {
    let content_type = photo.type_();
    let req = prepare(Request::post(&url(path)))
        .header("Idempotency-Key", key)
        .header("Content-Type", &content_type)
        .body(wasm_bindgen::JsValue::from(photo))
        .map_err(|_| ApiError::BadResponse)?;
    finish(path, req.send().await).await
}

pub async fn delete(path: &str) -> ApiResult<()> {
    finish(path, prepare(Request::delete(&url(path))).send().await).await
}

pub async fn delete_json<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    finish(path, prepare(Request::delete(&url(path))).send().await).await
}

/// Percent-encode a query value (UTF-8), so Chinese names travel intact.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ---- accounts ----

pub async fn login(username: &str, password: &str) -> ApiResult<Principal> {
    post(
        "/auth/login",
        &LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
        },
    )
    .await
}

pub async fn logout() -> ApiResult<()> {
    post_empty("/auth/logout").await
}

/// Who is signed in, if anyone (signed out is an answer, not an error).
pub async fn session() -> ApiResult<Option<Principal>> {
    get::<shared::accounts::SessionState>("/auth/session")
        .await
        .map(|s| s.principal)
}

/// The signed-in user's display preferences and whether to offer elder mode now.
pub async fn preferences() -> ApiResult<PreferencesView> {
    get("/me/preferences").await
}

pub async fn save_preferences(input: &UpdatePreferences) -> ApiResult<PreferencesView> {
    put("/me/preferences", input).await
}

/// Where the signed-in resident lives (the building a report is filed at) and their grid workers.
pub async fn my_home() -> ApiResult<ResidentHome> {
    get("/me/home").await
}

/// The signed-in resident's own meals and visits (我的事).
pub async fn my_care() -> ApiResult<shared::accounts::MyCare> {
    get("/me/care").await
}

/// Set a user's photo at the version the editor saw.
pub async fn set_user_photo(id: i64, version: i64, file: web_sys::File) -> ApiResult<UserView> {
    send_file("PUT", &format!("/users/{id}/photo?version={version}"), file).await
}

pub async fn remove_user_photo(id: i64, version: i64) -> ApiResult<UserView> {
    delete_json(&format!("/users/{id}/photo?version={version}")).await
}

pub async fn users() -> ApiResult<Vec<UserView>> {
    get("/users").await
}

/// The person picker's list: people the user may give work to, by part of the name, in a
/// grid, with a role.
pub async fn people(
    q: &str,
    grid_id: Option<i64>,
    work: Option<(shared::accounts::Work, Option<i64>)>,
) -> ApiResult<Vec<shared::accounts::Person>> {
    let mut path = format!("/people?q={}", encode(q.trim()));
    if let Some(g) = grid_id {
        path.push_str(&format!("&grid_id={g}"));
    }
    if let Some((w, at)) = work {
        path.push_str(&format!("&work={}", w.as_str()));
        if let Some(g) = at {
            path.push_str(&format!("&work_grid_id={g}"));
        }
    }
    get(&path).await
}

pub async fn user(id: i64) -> ApiResult<UserView> {
    get(&format!("/users/{id}")).await
}

pub async fn create_user(input: &CreateUser) -> ApiResult<UserView> {
    post("/users", input).await
}

pub async fn update_user(id: i64, input: &UpdateUser) -> ApiResult<UserView> {
    put(&format!("/users/{id}"), input).await
}

pub async fn reset_password(id: i64, input: &ResetPassword) -> ApiResult<()> {
    post(&format!("/users/{id}/password"), input).await
}

// ---- places ----

pub async fn roots() -> ApiResult<Vec<PlaceSummary>> {
    get("/places").await
}

pub async fn place(id: i64) -> ApiResult<PlaceView> {
    get(&format!("/places/{id}")).await
}

pub async fn children(id: i64) -> ApiResult<Vec<PlaceSummary>> {
    get(&format!("/places/{id}/children")).await
}

pub async fn create_place(input: &CreatePlace) -> ApiResult<PlaceView> {
    post("/places", input).await
}

pub async fn update_place(id: i64, input: &UpdatePlace) -> ApiResult<PlaceView> {
    put(&format!("/places/{id}"), input).await
}

pub async fn delete_place(id: i64, version: i64) -> ApiResult<()> {
    delete(&format!("/places/{id}?version={version}")).await
}

pub async fn household_residents(id: i64) -> ApiResult<Vec<ResidentView>> {
    get(&format!("/places/{id}/residents")).await
}

/// Residents in the user's scope, by part of the name, under a place, one page at a time.
pub async fn residents(
    q: &str,
    place_id: Option<i64>,
    offset: u64,
    limit: u64,
) -> ApiResult<shared::Page<ResidentView>> {
    let mut path = format!("/residents?offset={offset}&limit={limit}");
    if !q.trim().is_empty() {
        path.push_str(&format!("&q={}", encode(q.trim())));
    }
    if let Some(p) = place_id {
        path.push_str(&format!("&place_id={p}"));
    }
    get(&path).await
}

pub async fn search(q: &str) -> ApiResult<SearchResults> {
    get(&format!("/search?q={}", encode(q))).await
}

/// Every grid with where it lies ("幸福街道 / 幸福社区 / 第一网格"), for grid pickers.
pub async fn grids() -> ApiResult<Vec<PlaceRefWithPath>> {
    kept("grids", get("/grids")).await
}

// ---- residents ----

pub async fn resident(id: i64) -> ApiResult<ResidentView> {
    get(&format!("/residents/{id}")).await
}

/// Open the full record for a stated purpose (an audited read).
pub async fn reveal_resident(id: i64, purpose: &RevealRequest) -> ApiResult<ResidentSensitive> {
    post(&format!("/residents/{id}/reveal"), purpose).await
}

pub async fn create_resident(input: &ResidentInput) -> ApiResult<ResidentView> {
    post("/residents", input).await
}

pub async fn update_resident(id: i64, input: &ResidentInput) -> ApiResult<ResidentView> {
    put(&format!("/residents/{id}"), input).await
}

pub async fn delete_resident(id: i64, version: i64) -> ApiResult<()> {
    delete(&format!("/residents/{id}?version={version}")).await
}

// ---- bulk data (admin) ----

/// A file the server sends as a download: its bytes, type and suggested name.
pub struct Download {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub filename: String,
}

/// Fetch a download (same-origin, with the CSRF header); failures are problems as usual.
pub async fn download(path: &str, fallback_name: &str) -> ApiResult<Download> {
    let response = prepare(Request::get(&url(path)))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    let status = response.status();
    if !(200..300).contains(&status) {
        return finish::<()>(path, Ok(response))
            .await
            .and(Err(ApiError::BadResponse));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".into());
    let filename = response
        .headers()
        .get("content-disposition")
        .and_then(|d| filename_of(&d))
        .unwrap_or_else(|| fallback_name.to_string());
    let bytes = response.binary().await.map_err(|_| ApiError::Network)?;
    Ok(Download {
        bytes,
        content_type,
        filename,
    })
}

/// The `filename="…"` of a Content-Disposition header.
fn filename_of(disposition: &str) -> Option<String> {
    let rest = disposition
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("filename="))?;
    let name = rest.trim_matches('"').trim();
    (!name.is_empty() && !name.contains(['/', '\\'])).then(|| name.to_string())
}

pub async fn export_places() -> ApiResult<Download> {
    download("/places/export", "linju-places.geojson").await
}

pub async fn export_residents() -> ApiResult<Download> {
    download("/residents/export", "linju-residents.csv").await
}

async fn post_text(path: &str, content_type: &str, body: String) -> ApiResult<ImportReport> {
    write("POST", path, content_type, body).await
}

/// Check (`dry_run`) or import a GeoJSON FeatureCollection of places, sent as the file has it.
pub async fn import_places(geojson: String, dry_run: bool) -> ApiResult<ImportReport> {
    post_text(
        &format!("/places/import?dry_run={dry_run}"),
        "application/json",
        geojson,
    )
    .await
}

/// Check (`dry_run`) or import residents from CSV text.
pub async fn import_residents(csv: String, dry_run: bool) -> ApiResult<ImportReport> {
    post_text(
        &format!("/residents/import?dry_run={dry_run}"),
        "text/csv; charset=utf-8",
        csv,
    )
    .await
}

/// Check (`dry_run`) or import residents from an Excel workbook (.xlsx), sent as the file has
/// it (the server reads the sheet).
pub async fn import_residents_workbook(xlsx: Vec<u8>, dry_run: bool) -> ApiResult<ImportReport> {
    use std::hash::{Hash, Hasher};
    let path = format!("/residents/import?dry_run={dry_run}");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    xlsx.hash(&mut h);
    let submission = Submission::of("POST", &path, &format!("xlsx {:x}", h.finish()));
    let body = js_sys::Uint8Array::from(xlsx.as_slice());
    let req = submission
        .keyed(prepare(Request::post(&url(&path))))
        .header("Content-Type", shared::places::XLSX_MEDIA_TYPE)
        .body(wasm_bindgen::JsValue::from(body))
        .map_err(|_| ApiError::BadResponse)?;
    submission.settle(finish(&path, req.send().await).await)
}

// ---- audit ----

pub async fn audit(q: &shared::audit::AuditQuery) -> ApiResult<Page<AuditEntry>> {
    let mut params: Vec<String> = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            params.push(format!("{k}={}", encode(&v)));
        }
    };
    add("actor_id", q.actor_id.map(|v| v.to_string()));
    add("action", q.action.clone());
    add("reads_only", q.reads_only.map(|v| v.to_string()));
    add("entity", q.entity.clone());
    add("entity_id", q.entity_id.map(|v| v.to_string()));
    add("resident_id", q.resident_id.map(|v| v.to_string()));
    add("from", q.from.clone());
    add("to", q.to.clone());
    add("offset", q.offset.map(|v| v.to_string()));
    add("limit", q.limit.map(|v| v.to_string()));
    get(&format!("/audit?{}", params.join("&"))).await
}

// ---- cases ----

pub async fn case_meta() -> ApiResult<CaseMeta> {
    kept("case_meta", get("/cases/meta")).await
}

/// Cases the user reported ("我的上报"), newest first.
pub async fn my_cases(offset: u64, limit: u64) -> ApiResult<Page<CaseSummary>> {
    let path = format!("/cases?mine=true&offset={offset}&limit={limit}");
    let read = get(&path);
    if offset == 0 {
        kept("my_cases", read).await
    } else {
        read.await
    }
}

pub async fn create_case(input: &CreateCase) -> ApiResult<CaseView> {
    post("/cases", input).await
}

/// Open cases of the same category at this place or near this point.
pub async fn duplicates(q: &DuplicateQuery) -> ApiResult<Vec<DuplicateCandidate>> {
    let mut path = format!("/cases/duplicates?category_id={}", q.category_id);
    if let Some(p) = q.place_id {
        path.push_str(&format!("&place_id={p}"));
    }
    if let Some((lon, lat)) = q.lon.zip(q.lat) {
        path.push_str(&format!("&lon={lon}&lat={lat}"));
    }
    get(&path).await
}

/// "This is my problem too" (我也遇到了) for a case `q` offered.
pub async fn also_report(id: i64, q: &DuplicateQuery) -> ApiResult<DuplicateCandidate> {
    post(&format!("/cases/{id}/also-reported"), q).await
}

/// One case; the copy kept of it answers when the network is gone (`offline::copies`).
pub async fn case(id: i64) -> ApiResult<CaseView> {
    kept(&format!("case_{id}"), get(&format!("/cases/{id}"))).await
}

pub async fn move_case(id: i64, input: &MoveCase) -> ApiResult<CaseView> {
    post(&format!("/cases/{id}/moves"), input).await
}

/// Ask for an approval (回退/作废/延期/缓办) on a case.
pub async fn request_on_case(
    id: i64,
    input: &shared::cases::NewCaseRequest,
) -> ApiResult<CaseView> {
    post(&format!("/cases/{id}/requests"), input).await
}

/// Approve or reject a waiting request (the office).
pub async fn decide_case_request(
    id: i64,
    input: &shared::cases::DecideCaseRequest,
) -> ApiResult<shared::cases::CaseRequest> {
    post(&format!("/case-requests/{id}/decision"), input).await
}

/// The approvals ledger; `query` is the filters' query string (without `?`).
pub async fn case_requests(query: &str) -> ApiResult<Page<shared::cases::CaseRequest>> {
    get(&format!("/case-requests?{query}")).await
}

/// 督办: the list (`query` without `?`), one, issuing and taking a step.
pub async fn directives(query: &str) -> ApiResult<Page<shared::directives::DirectiveView>> {
    get(&format!("/directives?{query}")).await
}

pub async fn directive_open_cases() -> ApiResult<Vec<i64>> {
    get("/directives/open-cases").await
}

/// Issue a directive: a case's at the case, any other subject's at `/directives`.
pub async fn issue_directive(
    subject: shared::directives::DirectiveSubject,
    input: &shared::directives::IssueDirective,
) -> ApiResult<shared::directives::DirectiveView> {
    use shared::directives::{DirectiveSubject, IssueDirectiveOn};
    match subject {
        DirectiveSubject::Case { id } => post(&format!("/cases/{id}/directives"), input).await,
        _ => {
            let on = IssueDirectiveOn {
                subject,
                directive: input.clone(),
            };
            post("/directives", &on).await
        }
    }
}

pub async fn directive_step(
    id: i64,
    input: &shared::directives::TakeStep,
) -> ApiResult<shared::directives::DirectiveView> {
    post(&format!("/directives/{id}/steps"), input).await
}

pub async fn rank_case(id: i64, input: &Reorder) -> ApiResult<Card> {
    post(&format!("/cases/{id}/rank"), input).await
}

/// Take back one's own last move; `version` is the case's version right after it.
pub async fn undo_case(id: i64, version: i64) -> ApiResult<CaseView> {
    post(&format!("/cases/{id}/undo"), &Undo { version }).await
}

/// Withdraw one's report (撤回, within the undo window, before anyone acted on it).
pub async fn withdraw_case(id: i64, version: i64) -> ApiResult<CaseView> {
    post(
        &format!("/cases/{id}/withdraw"),
        &shared::cases::Withdraw { version },
    )
    .await
}

pub async fn rate_case(id: i64, input: &Rating) -> ApiResult<CaseView> {
    post(&format!("/cases/{id}/rating"), input).await
}

/// Upload one photo (the file itself as the body) to a case.
pub async fn upload_photo(case_id: i64, kind: PhotoKind, file: web_sys::File) -> ApiResult<Photo> {
    let kind = match kind {
        PhotoKind::Report => "report",
        PhotoKind::Feedback => "feedback",
    };
    let path = format!("/cases/{case_id}/photos?kind={kind}");
    upload(&path, file).await
}

pub async fn photos(case_id: i64) -> ApiResult<Vec<Photo>> {
    get(&format!("/cases/{case_id}/photos")).await
}

/// The people a case may be assigned to (office and grid workers), optionally for one grid.
pub async fn assignees(grid_id: Option<i64>) -> ApiResult<Vec<Assignee>> {
    get(&match grid_id {
        Some(g) => format!("/assignees?grid_id={g}"),
        None => "/assignees".to_string(),
    })
    .await
}

pub async fn notifications(unread: bool) -> ApiResult<Vec<Notification>> {
    get(if unread {
        "/notifications?unread=true"
    } else {
        "/notifications"
    })
    .await
}

/// Mark these notifications read (all of them when `ids` is empty).
pub async fn mark_read(ids: Vec<i64>) -> ApiResult<()> {
    post("/notifications/read", &MarkRead { ids }).await
}

// ---- map ----

/// The grid and micro-grid a point lies in; outside every grid is a field error on `lon`.
pub async fn locate(lon: f64, lat: f64) -> ApiResult<shared::map::Location> {
    get(&format!("/map/locate?lon={lon}&lat={lat}")).await
}

// ---- board ----

/// The board under a filter (`query` is the encoded query string, possibly empty).
pub async fn board(query: &str) -> ApiResult<Board> {
    get(&if query.is_empty() {
        "/board".to_string()
    } else {
        format!("/board?{query}")
    })
    .await
}

/// One of the user's saved settings (None when never saved or unreadable).
pub async fn setting<T: DeserializeOwned>(key: &str) -> ApiResult<Option<T>> {
    let value: serde_json::Value = get(&format!("/settings/{key}")).await?;
    Ok(serde_json::from_value(value).ok())
}

pub async fn save_setting<T: Serialize>(key: &str, value: &T) -> ApiResult<serde_json::Value> {
    put(&format!("/settings/{key}"), value).await
}

// ---- settings (admin) ----

/// Categories and parties including retired ones (admins).
pub async fn case_meta_all() -> ApiResult<CaseMeta> {
    get("/cases/meta?all=true").await
}

pub async fn create_category(input: &CategoryInput) -> ApiResult<Category> {
    post("/cases/categories", input).await
}

pub async fn update_category(id: i64, input: &CategoryInput) -> ApiResult<Category> {
    put(&format!("/cases/categories/{id}"), input).await
}

pub async fn create_party(input: &PartyInput) -> ApiResult<ResponsibleParty> {
    post("/cases/parties", input).await
}

pub async fn update_party(id: i64, input: &PartyInput) -> ApiResult<ResponsibleParty> {
    put(&format!("/cases/parties/{id}"), input).await
}

pub async fn sla_rules() -> ApiResult<Vec<SlaRule>> {
    get("/cases/sla").await
}

/// Replace the rules named (each by category and urgency); the whole table comes back.
pub async fn set_sla_rules(rules: &[SlaRule]) -> ApiResult<Vec<SlaRule>> {
    put("/cases/sla", &rules).await
}

pub async fn calendar_days() -> ApiResult<Vec<CalendarDay>> {
    get("/calendar").await
}

pub async fn set_calendar_days(days: &[CalendarDay]) -> ApiResult<Vec<CalendarDay>> {
    put("/calendar", &days).await
}

/// Make a day (`YYYY-MM-DD`) an ordinary day again.
pub async fn clear_calendar_day(day: &str) -> ApiResult<()> {
    delete(&format!("/calendar/{day}")).await
}

/// Set the work-in-progress limits of the columns named; all limits come back.
pub async fn set_wip_limits(limits: &[WipLimit]) -> ApiResult<Vec<WipLimit>> {
    put("/board/limits", &limits).await
}

pub async fn open311_keys() -> ApiResult<Vec<ApiKeyView>> {
    get("/open311/keys").await
}

/// Issue a key: the answer carries the key itself, this once.
pub async fn issue_open311_key(input: &NewApiKey) -> ApiResult<ApiKeyView> {
    post("/open311/keys", input).await
}

pub async fn revoke_open311_key(id: i64) -> ApiResult<()> {
    delete(&format!("/open311/keys/{id}")).await
}

// ---- council ----

/// Agenda items (`query` is the encoded query string, possibly empty).
pub async fn council_items(query: &str) -> ApiResult<Page<ItemSummary>> {
    get(&if query.is_empty() {
        "/council/items".to_string()
    } else {
        format!("/council/items?{query}")
    })
    .await
}

pub async fn council_item(id: i64) -> ApiResult<ItemView> {
    get(&format!("/council/items/{id}")).await
}

pub async fn raise_item(input: &CreateItem) -> ApiResult<ItemView> {
    post("/council/items", input).await
}

/// Upload one photo (the file itself as the body) to an agenda item.
pub async fn council_upload_photo(
    item_id: i64,
    file: web_sys::File,
) -> ApiResult<shared::council::ItemPhoto> {
    let path = format!("/council/items/{item_id}/photos");
    upload(&path, file).await
}

pub async fn move_item(id: i64, input: &MoveItem) -> ApiResult<ItemView> {
    post(&format!("/council/items/{id}/moves"), input).await
}

/// Support an item (`on`) or withdraw one's support.
pub async fn support_item(id: i64, on: bool) -> ApiResult<ItemView> {
    let path = format!("/council/items/{id}/support");
    if on {
        put(&path, &()).await
    } else {
        delete_json(&path).await
    }
}

pub async fn item_comments(id: i64) -> ApiResult<Vec<CommentView>> {
    get(&format!("/council/items/{id}/comments")).await
}

pub async fn add_item_comment(id: i64, input: &NewComment) -> ApiResult<CommentView> {
    post(&format!("/council/items/{id}/comments"), input).await
}

pub async fn hide_item_comment(id: i64, input: &HideComment) -> ApiResult<CommentView> {
    post(&format!("/council/comments/{id}/hide"), input).await
}

pub async fn open_ballot(item_id: i64, input: &CreateBallot) -> ApiResult<BallotView> {
    post(&format!("/council/items/{item_id}/ballots"), input).await
}

pub async fn cast_vote(ballot_id: i64, input: &CastVote) -> ApiResult<BallotView> {
    post(&format!("/council/ballots/{ballot_id}/votes"), input).await
}

/// Take back one's own vote (撤回, within the undo window).
pub async fn withdraw_vote(ballot_id: i64) -> ApiResult<BallotView> {
    delete_json(&format!("/council/ballots/{ballot_id}/votes")).await
}

pub async fn close_ballot(ballot_id: i64) -> ApiResult<BallotView> {
    post_empty(&format!("/council/ballots/{ballot_id}/close")).await
}

/// Meetings: all (newest first) or only those to come (soonest first).
pub async fn council_meetings(upcoming: bool) -> ApiResult<Vec<MeetingSummary>> {
    get(if upcoming {
        "/council/meetings?upcoming=true"
    } else {
        "/council/meetings"
    })
    .await
}

pub async fn council_meeting(id: i64) -> ApiResult<MeetingView> {
    get(&format!("/council/meetings/{id}")).await
}

pub async fn schedule_meeting(input: &CreateMeeting) -> ApiResult<MeetingView> {
    post("/council/meetings", input).await
}

pub async fn set_attendance(id: i64, input: &Attendance) -> ApiResult<MeetingView> {
    put(&format!("/council/meetings/{id}/attendance"), input).await
}

pub async fn set_minutes(id: i64, item_id: i64, input: &Minutes) -> ApiResult<MeetingView> {
    put(&format!("/council/meetings/{id}/minutes/{item_id}"), input).await
}

pub async fn accountability(offset: u64, limit: u64) -> ApiResult<Page<AccountabilityEntry>> {
    get(&format!(
        "/council/accountability?offset={offset}&limit={limit}"
    ))
    .await
}

/// Is the signed-in user a verified resident (who may support and vote)?
pub async fn voter_status() -> ApiResult<VoterStatus> {
    get("/council/me").await
}

// ---- mediation ----

pub async fn mediation_board() -> ApiResult<Vec<BoardColumn>> {
    get("/mediation/board").await
}

pub async fn create_file(input: &CreateFile) -> ApiResult<FileView> {
    post("/mediation/files", input).await
}

pub async fn mediation_file(id: i64) -> ApiResult<FileView> {
    get(&format!("/mediation/files/{id}")).await
}

pub async fn move_file(id: i64, input: &MoveFile) -> ApiResult<FileView> {
    post(&format!("/mediation/files/{id}/moves"), input).await
}

pub async fn set_consent(party_id: i64, input: &Consent) -> ApiResult<FileView> {
    put(&format!("/mediation/parties/{party_id}/consent"), input).await
}

pub async fn notify_party(party_id: i64) -> ApiResult<FileView> {
    post_empty(&format!("/mediation/parties/{party_id}/notice")).await
}

/// A party's full phone number (audit-logged).
pub async fn party_contact(party_id: i64) -> ApiResult<PartyContact> {
    get(&format!("/mediation/parties/{party_id}/contact")).await
}

pub async fn confirm_agreement(party_id: i64, input: &Confirm) -> ApiResult<FileView> {
    post(&format!("/mediation/parties/{party_id}/confirm"), input).await
}

pub async fn add_record(id: i64, input: &NewRecord) -> ApiResult<FileView> {
    post(&format!("/mediation/files/{id}/records"), input).await
}

pub async fn add_session(id: i64, input: &NewSession) -> ApiResult<FileView> {
    post(&format!("/mediation/files/{id}/sessions"), input).await
}

pub async fn set_agreement(id: i64, input: &AgreementInput) -> ApiResult<FileView> {
    put(&format!("/mediation/files/{id}/agreement"), input).await
}

pub async fn extend_file(id: i64, input: &Extension) -> ApiResult<FileView> {
    post(&format!("/mediation/files/{id}/extension"), input).await
}

pub async fn term_performed(term_id: i64, input: &Performed) -> ApiResult<FileView> {
    post(&format!("/mediation/terms/{term_id}/performed"), input).await
}

/// The printable pages (opened by the browser itself, with the session cookie).
pub fn agreement_html(id: i64) -> String {
    url(&format!("/mediation/files/{id}/agreement.html"))
}

pub fn dossier_html(id: i64) -> String {
    url(&format!("/mediation/files/{id}/dossier.html"))
}

/// The agreement as a PDF made on the server.
pub fn agreement_pdf(id: i64) -> String {
    url(&format!("/mediation/files/{id}/agreement.pdf"))
}

/// One session's record (调解笔录), printable for signature.
pub fn session_record_html(session_id: i64) -> String {
    url(&format!("/mediation/sessions/{session_id}/record.html"))
}

/// Reassign the file's mediators (the office; Art. 19).
pub async fn set_file_mediators(id: i64, input: &Mediators) -> ApiResult<FileView> {
    put(&format!("/mediation/files/{id}/mediators"), input).await
}

/// Upload one photo (the file itself as the body) to a site check or follow-up visit.
pub async fn upload_record_photo(
    record_id: i64,
    file: web_sys::File,
) -> ApiResult<shared::mediation::RecordPhoto> {
    let path = format!("/mediation/records/{record_id}/photos");
    upload(&path, file).await
}

/// The mediation board's live stream (server-sent events).
pub fn mediation_live_url(since: Option<i64>) -> String {
    match since {
        Some(s) => url(&format!("/mediation/live?since={s}")),
        None => url("/mediation/live"),
    }
}

// ---- care ----

/// Due visits, overdue first; `mine`: only the residents I am the helper of.
pub async fn due_visits(mine: bool) -> ApiResult<Vec<PairingView>> {
    let read = get(if mine {
        "/care/due?mine=true"
    } else {
        "/care/due"
    });
    kept(
        if mine {
            "due_visits_mine"
        } else {
            "due_visits"
        },
        read,
    )
    .await
}

pub async fn care_record(resident_id: i64) -> ApiResult<CareRecord> {
    get(&format!("/care/residents/{resident_id}")).await
}

pub async fn create_pairing(input: &PairingInput) -> ApiResult<PairingView> {
    post("/care/pairings", input).await
}

pub async fn errands() -> ApiResult<Vec<ErrandView>> {
    get("/care/errands").await
}

pub async fn letters() -> ApiResult<Vec<LetterView>> {
    get("/care/mailbox").await
}

pub async fn write_letter(input: &LetterInput) -> ApiResult<LetterView> {
    post("/care/mailbox", input).await
}

pub async fn answer_letter(id: i64, input: &LetterAnswer) -> ApiResult<LetterView> {
    post(&format!("/care/mailbox/{id}/answer"), input).await
}

pub async fn meal_enrolments() -> ApiResult<Vec<EnrolmentView>> {
    get("/care/meals/enrolments").await
}

pub async fn enrol_meals(input: &EnrolInput) -> ApiResult<EnrolmentView> {
    post("/care/meals/enrolments", input).await
}

/// Menus from `from` to `to` (`YYYY-MM-DD`).
pub async fn meal_menus(from: &str, to: &str) -> ApiResult<Vec<MenuView>> {
    get(&format!("/care/meals/menus?from={from}&to={to}")).await
}

pub async fn set_meal_menu(input: &MenuInput) -> ApiResult<MenuView> {
    put("/care/meals/menus", input).await
}

/// The orders of a day (`YYYY-MM-DD`); `mine`: my delivery route.
pub async fn meal_orders(day: &str, mine: bool) -> ApiResult<Vec<OrderView>> {
    get(&format!("/care/meals/orders?day={day}&mine={mine}")).await
}

pub async fn place_meal_orders(input: &OrderInput) -> ApiResult<Vec<OrderView>> {
    post("/care/meals/orders", input).await
}

/// Meals per day of a month (`YYYY-MM`).
pub async fn meal_counts(month: &str) -> ApiResult<MealCounts> {
    get(&format!("/care/meals/counts?month={month}")).await
}

/// End a pairing or change its risk level (versioned).
pub async fn update_pairing(
    id: i64,
    input: &shared::care::PairingUpdate,
) -> ApiResult<PairingView> {
    put(&format!("/care/pairings/{id}"), input).await
}

/// Special-group residents per micro-grid (counts only).
pub async fn group_counts() -> ApiResult<Vec<shared::care::GroupPlace>> {
    get("/care/groups").await
}

pub async fn volunteer_teams() -> ApiResult<Vec<shared::care::TeamView>> {
    get("/care/teams").await
}

pub async fn create_team(input: &shared::care::TeamInput) -> ApiResult<shared::care::TeamView> {
    post("/care/teams", input).await
}

pub async fn add_team_member(
    team_id: i64,
    input: &shared::care::MemberInput,
) -> ApiResult<shared::care::VolunteerSummary> {
    post(&format!("/care/teams/{team_id}/members"), input).await
}

pub async fn record_activity(
    input: &shared::care::ActivityInput,
) -> ApiResult<Vec<shared::care::VolunteerSummary>> {
    post("/care/activities", input).await
}

pub async fn volunteer(id: i64) -> ApiResult<shared::care::VolunteerView> {
    get(&format!("/care/volunteers/{id}")).await
}

pub async fn my_volunteering() -> ApiResult<Vec<shared::care::VolunteerView>> {
    get("/care/volunteers/mine").await
}

pub async fn redeem_points(
    id: i64,
    input: &shared::care::Redemption,
) -> ApiResult<shared::care::VolunteerView> {
    post(&format!("/care/volunteers/{id}/redeem"), input).await
}

pub async fn time_bank_rules() -> ApiResult<shared::care::TimeBankRules> {
    get("/care/timebank").await
}

pub async fn set_time_bank_rules(
    input: &shared::care::TimeBankRules,
) -> ApiResult<shared::care::TimeBankRules> {
    put("/care/timebank", input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(encode("a-b_c.d~"), "a-b_c.d~");
        assert_eq!(encode("张 3"), "%E5%BC%A0%203");
        assert_eq!(encode("a&b=c"), "a%26b%3Dc");
    }

    #[test]
    fn download_names_come_from_the_disposition_header() {
        assert_eq!(
            filename_of("attachment; filename=\"linju-residents.csv\"").as_deref(),
            Some("linju-residents.csv")
        );
        assert_eq!(filename_of("attachment"), None);
        assert_eq!(filename_of("attachment; filename=\"../x\""), None);
    }
}

// ---- 代办 (acting on a resident's behalf) ----

pub async fn act_for(input: &shared::proxy::ActFor) -> ApiResult<shared::proxy::ProxyActionView> {
    post("/proxy/actions", input).await
}

pub async fn proxy_actions_for(resident_id: i64) -> ApiResult<Vec<shared::proxy::ProxyActionView>> {
    get(&format!("/proxy/residents/{resident_id}/actions")).await
}

/// What was done on the signed-in resident's behalf and not read yet.
pub async fn proxy_notices() -> ApiResult<Vec<shared::proxy::ProxyActionView>> {
    get("/me/proxy-notices").await
}

pub async fn proxy_notices_seen(ids: Vec<i64>) -> ApiResult<()> {
    post(
        "/me/proxy-notices/seen",
        &shared::proxy::NoticesSeen { ids },
    )
    .await
}
