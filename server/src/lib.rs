//! Linju's server: the JSON API under `/api/v1`, the OpenAPI document, health checks and the
//! built browser app. Each area (accounts, places, audit …) owns its routes, services and
//! storage; this file wires them together.

/// A sea-orm entity in one statement: `entity!(name, "table", { fields })`, for areas whose
/// tables need no relations declared.
macro_rules! entity {
    ($module:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model { $($body)* }
            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}
            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

pub mod accounts;
pub mod assessment;
pub mod audit;
pub mod backup;
pub mod board;
pub mod care;
pub mod cases;
pub mod clock;
pub mod config;
pub mod council;
pub mod db;
pub mod demo;
pub mod demo_history;
pub mod demo_stories;
pub mod directives;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod live_stream;
pub mod map;
pub mod mediation;
pub mod open311;
pub mod openapi;
pub mod places;
pub mod proxy;
pub mod site;
pub mod state;
pub mod stats;
pub mod supervision;

pub use state::AppState;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use config::Config;
use db::Db;
use error::{AppError, ProblemSpec};
use shared::error::ErrorCode;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", extensions(("x-permission" = json!("public"))), tag = "operations", responses((status = 200, description = "Process is up", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", extensions(("x-permission" = json!("public"))), tag = "operations",
    responses((status = 200, description = "Database reachable", body = String), (status = 503, body = shared::error::Problem)))]
async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    match state.db.ping().await {
        Ok(()) => Ok("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            Err(AppError::Code(ErrorCode::Unavailable))
        }
    }
}

fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest(
            "/api/v1",
            accounts::router()
                .merge(places::router())
                .merge(cases::router())
                .merge(cases::photos::router())
                .merge(board::router())
                .merge(council::router())
                .merge(mediation::router())
                .merge(care::router())
                .merge(map::router())
                .merge(open311::keys::router())
                .merge(audit::router())
                .merge(stats::router())
                .merge(assessment::router())
                .merge(directives::router())
                .merge(supervision::router())
                .merge(proxy::router()),
        )
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .split_for_parts();
    // Open311 routes are plain axum routes (outside /api, by API key); documented here.
    doc.merge(open311::Open311Doc::openapi());
    utoipa::Modify::modify(&openapi::Finish, &mut doc);
    (router, doc)
}

/// The OpenAPI document as served, for tools and tests.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

async fn favicon(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.site.favicon(&headers).await
}

async fn manifest(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.site.manifest(&headers).await
}

async fn service_worker(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.site.service_worker(&headers).await
}

async fn asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    state.site.asset(&name, &headers).await
}

/// Deep links (`/places/12`) get the app; unknown API paths get a problem document.
async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") || path == "/api" {
        return ProblemSpec::of(ErrorCode::NotFound)
            .into_response_with(shared::i18n::Lang::ZhCn, None);
    }
    // HEAD is GET without the body (hyper leaves the body out).
    let method = req.method();
    if path.starts_with("/assets/")
        || (method != axum::http::Method::GET && method != axum::http::Method::HEAD)
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    state.site.index(req.headers()).await
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_default());
    let request_id = axum::http::HeaderName::from_static(http::REQUEST_ID);
    api.route(
        "/api/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], doc.as_ref().clone()) }
        }),
    )
    .merge(open311::router())
    .route("/assets/{name}", get(asset))
    .route("/favicon.ico", get(favicon))
    .route("/manifest.webmanifest", get(manifest))
    .route("/sw.js", get(service_worker))
    .fallback(fallback)
    // Inside the CSRF guard: a refused request claims no key.
    .layer(middleware::from_fn_with_state(state.clone(), idempotency::layer))
    .layer(middleware::from_fn_with_state(state.clone(), http::csrf_guard))
    .layer(
        ServiceBuilder::new()
            // Answers (a map view's features run to megabytes of JSON) travel compressed to
            // phones, at a quality cheap enough for answers made per request; outermost, so
            // nothing rewrites a body after it. Live streams (text/event-stream), images and
            // the already compressed assets are left alone.
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
            .layer(middleware::from_fn(http::sanitize_request_id))
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req.headers().get(http::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
            }))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::from_fn_with_state(state.clone(), http::security_headers))
            .layer(middleware::from_fn(http::render_problems))
            .layer(middleware::from_fn(http::query_text_guard))
            .layer(middleware::from_fn(http::path_text_guard)),
    )
    .with_state(state)
}

/// Connect, migrate, seed the demo if asked, and build the state.
pub async fn prepare(config: Config) -> Result<AppState, String> {
    let db = Db::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| format!("database: {e}"))?;
    db.migrate().await.map_err(|e| format!("migrations: {e}"))?;
    let seeded = config.demo
        && demo::seed_if_empty(&db, &config.demo_password)
            .await
            .map_err(|e| format!("demo data: {e}"))?;
    tokio::task::spawn_blocking(accounts::password::warm_up)
        .await
        .map_err(|e| format!("warm-up: {e}"))?;
    let site = site::Site::load(&config.site_dir);
    let state = AppState {
        db,
        config: Arc::new(config),
        site: Arc::new(site),
        live: Arc::new(cases::live::Live::default()),
        mediation_live: Arc::new(mediation::live::Live::default()),
        council_live: Arc::new(council::live::CouncilLive::default()),
        shutdown: Arc::new(tokio::sync::watch::channel(false).0),
    };
    live_stream::across_processes(&state);
    if seeded && state.config.demo_history_months > 0 {
        let plan = demo_history::HistoryPlan {
            months: state.config.demo_history_months,
            seed: demo::Plan::demo().seed,
            until: clock::now(),
        };
        match demo_history::fill(&state, &plan).await {
            Ok(c) => tracing::info!(
                months = plan.months,
                cases = c.cases,
                moves = c.moves,
                ratings = c.ratings,
                visits = c.visits,
                errands = c.errands,
                meals = c.meals,
                mediation_files = c.mediation_files,
                council_items = c.council_items,
                seconds = c.elapsed.as_secs_f64(),
                "demo history played"
            ),
            Err(e) => tracing::error!(error = %e, "demo history stopped"),
        }
    }
    // A story the API refuses is a bug to see in the log, not a reason to refuse to serve.
    if seeded
        && state.config.demo_stories
        && let Err(e) = demo_stories::tell(&state, router(state.clone())).await
    {
        tracing::error!(error = %e, "demo stories stopped");
    }
    Ok(state)
}

/// Housekeeping while serving: expired sessions, old throttle rows and idempotency keys past
/// their keeping time are removed every ten minutes (any process may do it; the deletes are
/// idempotent).
pub fn start_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match accounts::service::purge_expired(&state).await {
                Ok(n) if n > 0 => {
                    tracing::info!(removed = n, "expired sessions and throttle rows removed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
            match idempotency::prune(&state).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old idempotency keys removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "removing old idempotency keys failed"),
            }
        }
    });
}

/// Serve until SIGTERM or Ctrl-C; in-flight requests are allowed to finish.
pub async fn serve(app: Router, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal(None))
    .await
}

/// Like `serve`, and ends the state's live streams when the signal comes.
pub async fn serve_state(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let stop = state.shutdown.clone();
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal(Some(stop)))
    .await
}

async fn shutdown_signal(stop: Option<Arc<tokio::sync::watch::Sender<bool>>>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
    if let Some(stop) = stop {
        let _ = stop.send(true);
    }
}

/// How long graceful shutdown may take before the process exits anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
