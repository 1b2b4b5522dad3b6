//! Cross-cutting HTTP concerns: request context, problem rendering, CSRF defence and
//! security headers.

use crate::error::{AppError, ProblemSpec};
use crate::state::AppState;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::error::ErrorCode;
use shared::i18n::Lang;
use shared::validate::{check_text, is_multi_line_field};
use std::net::SocketAddr;

pub const REQUEST_ID: &str = "x-request-id";

/// Who is asking and from where, for audit records and language choice.
#[derive(Clone, Debug)]
pub struct RequestCtx {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub lang: Lang,
    pub user_agent: Option<String>,
    pub secure: bool,
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl FromRequestParts<AppState> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        // The proxy appends the address it saw; everything left of it was written by the
        // client and may be forged. So: the rightmost entry, and only if it is an address.
        let forwarded = || {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|s| s.trim().parse::<std::net::IpAddr>().ok())
                .map(|ip| ip.to_string())
        };
        let ip = if state.config.trust_proxy {
            forwarded().or(peer)
        } else {
            peer
        };
        Ok(RequestCtx {
            request_id: request_id_of(&parts.headers),
            ip,
            lang: lang_of(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(256).collect()),
            secure: is_secure(&parts.headers, state.config.trust_proxy),
        })
    }
}

fn is_secure(headers: &HeaderMap, trust_proxy: bool) -> bool {
    trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https")
}

/// Keep a caller's `X-Request-Id` only when it is a plain token of at most 64 characters;
/// otherwise drop it so a fresh one is made. It is logged and stored with audit records.
pub async fn sanitize_request_id(mut req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !ok {
        req.headers_mut().remove(REQUEST_ID);
    }
    next.run(req).await
}

/// Renders every error under `/api` as a problem document in the request's language,
/// including the framework's own (unknown route, wrong method).
pub async fn render_problems(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let request_id = request_id_of(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    // A stored answer given again (`idempotency`) is already a rendered document.
    if res.headers().contains_key(crate::idempotency::REPLAYED) {
        return res;
    }
    if let Some(spec) = res.extensions().get::<ProblemSpec>().cloned() {
        let mut out = spec.into_response_with(lang, request_id);
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                out.headers_mut().insert(k.clone(), v.clone());
            }
        }
        return out;
    }
    let status = res.status();
    if is_api && (status.is_client_error() || status.is_server_error()) {
        let code = match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ErrorCode::NotFound,
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorCode::LoginThrottled,
            s if s.is_client_error() => ErrorCode::MalformedRequest,
            _ => ErrorCode::Internal,
        };
        let mut out = ProblemSpec::of(code).into_response_with(lang, request_id);
        // Keep the framework's status (405 stays 405) while speaking problem+json.
        *out.status_mut() = status;
        if let Some(allow) = res.headers().get(header::ALLOW) {
            out.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return out;
    }
    res
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// CSRF defence for the API. Any request a browser marks as cross-site is refused; a
/// state-changing request must also
/// 1. carry `X-Requested-With` (a custom header forces a CORS preflight cross-site),
/// 2. come from our own origin: `Origin` equal to this server's, or `Sec-Fetch-Site: same-origin`,
/// 3. not use a content type an HTML form can send.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Browsers say where a request comes from. The API answers no other site, not even for
    // reads: some reads (a full record, an export) are audited actions in the user's name.
    let fetch_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if req.uri().path().starts_with("/api/")
        && matches!(fetch_site, Some("cross-site" | "same-site"))
    {
        tracing::warn!(path = %req.uri().path(), "cross-site API request refused");
        return AppError::Code(ErrorCode::CsrfRejected).into_response();
    }
    if is_unsafe(req.method()) && req.uri().path().starts_with("/api/") {
        let h = req.headers();
        if h.get("x-requested-with").is_none() || !same_origin(h, &state) {
            tracing::warn!(path = %req.uri().path(), origin = ?h.get(header::ORIGIN), "cross-site request refused");
            return AppError::Code(ErrorCode::CsrfRejected).into_response();
        }
        let ct = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.starts_with("application/x-www-form-urlencoded")
            || ct.starts_with("multipart/form-data")
            || ct.starts_with("text/plain")
        {
            return AppError::Code(ErrorCode::UnsupportedMediaType).into_response();
        }
    }
    next.run(req).await
}

fn same_origin(h: &HeaderMap, state: &AppState) -> bool {
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin = origin.trim_end_matches('/');
        // With the public origins configured, only they count: a forged Host header (DNS
        // rebinding) cannot make another origin look like ours.
        if !state.config.public_origins.is_empty() {
            return state.config.public_origins.iter().any(|o| o == origin);
        }
        let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let scheme = if is_secure(h, state.config.trust_proxy) {
            "https"
        } else {
            "http"
        };
        let forwarded_host = state
            .config
            .trust_proxy
            .then(|| h.get("x-forwarded-host").and_then(|v| v.to_str().ok()))
            .flatten();
        return origin == format!("{scheme}://{}", forwarded_host.unwrap_or(host));
    }
    h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin")
}

/// Headers every response gets: no sniffing, no framing, a strict content security policy
/// (the app is one wasm module and one stylesheet from our own origin), and the cache policy.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // A proxy's word counts only when the proxy is trusted: anyone can send the header.
    let https = is_secure(req.headers(), state.config.trust_proxy);
    let policy = cache_policy(req.method(), req.uri().path());
    let mut res = next.run(req).await;
    let ok = res.status().is_success();
    let h = res.headers_mut();
    if https {
        // Behind a TLS proxy: browsers should never come back over plain http.
        h.insert(
            "strict-transport-security",
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    match policy {
        CachePolicy::NoStore => {
            let already = h
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("no-store"));
            if !already {
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
        }
        CachePolicy::PublicBriefly if !h.contains_key(header::CACHE_CONTROL) => {
            let value = if ok { "public, max-age=60" } else { "no-store" };
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        }
        CachePolicy::PublicBriefly | CachePolicy::Handler => {}
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    // A handler may set a narrower policy of its own (the printable documents do).
    if !h.contains_key("content-security-policy") {
        h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(self), camera=(self), microphone=()"),
    );
    res
}

/// Who may keep a copy of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CachePolicy {
    /// Every API answer: personal data, answers for one signed-in user, audited reads, and
    /// errors. Nothing is kept by the browser, a shared office computer or a proxy.
    NoStore,
    /// Open311's public reads (the service list, public requests) may be cached for a minute.
    PublicBriefly,
    /// The app and its assets: the site module decides (immutable hashed assets, `no-cache` page).
    Handler,
}

fn cache_policy(method: &Method, path: &str) -> CachePolicy {
    if path.starts_with("/api/") || path == "/api" {
        CachePolicy::NoStore
    } else if path.starts_with("/open311/") {
        if *method == Method::GET {
            CachePolicy::PublicBriefly
        } else {
            CachePolicy::NoStore
        }
    } else {
        CachePolicy::Handler
    }
}

/// A JSON request body whose rejections are problem documents like every other error.
/// Every JSON body the API reads comes through here, so the text rule
/// (`shared::validate::check_text`) is applied here, once, to every string and object key in
/// it, before any handler sees the value: no text field of any request can carry NUL or other
/// control characters into the database, on either engine.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        check_json_text(&value, "", false)?;
        if !value.is_object() && reads_an_object::<T>() {
            // serde would read a record from an array of its fields in order (`[]` for a
            // record whose fields all have defaults): no client sends that and the OpenAPI
            // document does not describe it, so a record is an object or nothing.
            return Err(AppError::Code(ErrorCode::MalformedRequest));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            tracing::debug!(error = %e, "JSON body of the wrong shape");
            AppError::Code(ErrorCode::MalformedRequest)
        })
    }
}

/// Whether `T` is read from a JSON object (a struct or a map), found by letting it ask a probe
/// for what it wants: every other answer (a list, a scalar, an untagged enum) is "no".
fn reads_an_object<T: serde::de::DeserializeOwned>() -> bool {
    use serde::de::{Deserializer, Visitor};
    use std::cell::Cell;

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Probe<'a>(&'a Cell<bool>);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.set(true);
            Err(Stop)
        }
        fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            self.0.set(true);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier ignored_any
        }
    }
    let object = Cell::new(false);
    let _ = T::deserialize(Probe(&object));
    object.get()
}

/// Walk a JSON value and refuse the first text that breaks the text rule, naming it by its
/// path (`rows/3/note`). A string may hold line breaks when the object key nearest to it
/// names a multi-line field.
fn check_json_text(
    value: &serde_json::Value,
    path: &str,
    multi_line: bool,
) -> Result<(), AppError> {
    use serde_json::Value;
    let refuse = |field: &str| AppError::InvalidText(field.trim_start_matches('/').to_string());
    match value {
        Value::String(s) => check_text(s, multi_line).map_err(|_| refuse(path)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_json_text(v, &format!("{path}/{i}"), multi_line)),
        Value::Object(fields) => fields.iter().try_for_each(|(k, v)| {
            check_text(k, false).map_err(|_| refuse(path))?;
            check_json_text(v, &format!("{path}/{k}"), is_multi_line_field(k))
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

/// The text rule for query strings, on every route (API, Open311, the app): each parameter
/// name and value, percent-decoded, must be UTF-8 (else 400) and one line of text without
/// control characters (else 422 `invalid_text` naming the parameter). Handlers then read
/// their `Query` knowing it is clean.
pub async fn query_text_guard(req: Request, next: Next) -> Response {
    if let Some(query) = req.uri().query()
        && let Err(e) = check_urlencoded_text(query, false)
    {
        return e.into_response();
    }
    next.run(req).await
}

/// The text rule for path parameters, on every route: each parameter the matched route
/// names (an id, a settings key, an Open311 file name), percent-decoded, must be UTF-8 (else
/// 400 `malformed_request`) and one line of text without control characters (else 422
/// `invalid_text` naming the parameter). It runs after routing, so it knows the parameters'
/// names; a path no route matches has none and falls through to the fallback's 404. Handlers
/// and `ApiPath` then read parameters knowing they are clean.
pub async fn path_text_guard(
    params: Result<RawPathParams, RawPathParamsRejection>,
    req: Request,
    next: Next,
) -> Response {
    match params {
        Ok(params) => {
            if let Some((name, _)) = params
                .iter()
                .find(|(_, value)| check_text(value, false).is_err())
            {
                return AppError::InvalidText(name.to_string()).into_response();
            }
        }
        Err(RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
            return AppError::Code(ErrorCode::MalformedRequest).into_response();
        }
        // No route matched (the fallback): no parameters to read.
        Err(_) => {}
    }
    next.run(req).await
}

/// The text rule over `application/x-www-form-urlencoded` text (a query string, a form body).
/// `multi_line_fields`: whether fields named multi-line may hold line breaks (a form's
/// description may; a query parameter never).
pub fn check_urlencoded_text(query: &str, multi_line_fields: bool) -> Result<(), AppError> {
    let decode = |part: &str| -> Result<String, AppError> {
        let plus_as_space = part.replace('+', " ");
        percent_encoding::percent_decode_str(&plus_as_space)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| AppError::Code(ErrorCode::MalformedRequest))
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name)?;
        let value = decode(value)?;
        if check_text(&name, false).is_err() {
            return Err(AppError::InvalidText("query".into()));
        }
        let multi_line = multi_line_fields && is_multi_line_field(&name);
        check_text(&value, multi_line).map_err(|_| AppError::InvalidText(name.clone()))?;
    }
    Ok(())
}

/// A path parameter; one that does not parse (`/residents/abc`) names nothing: 404.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);
