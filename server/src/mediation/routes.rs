//! HTTP routes of the mediation area. Every response that can carry session content is built
//! by `service::view`, which applies the confidentiality rules of `shared::mediation`.

use super::{pdf, print, service};
use crate::accounts::CurrentUser;
use crate::error::{AppResult, Or404};
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, Sse};
use futures::Stream;
use serde::Deserialize;
use shared::error::Problem;
use shared::mediation::{
    AgreementInput, BoardColumn, Confirm, Consent, CreateFile, Extension, FileSummary, FileView,
    LiveFileChange, MediationStage, Mediators, MoveFile, NewRecord, NewSession, PartyContact,
    Performed,
};
use std::convert::Infallible;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    pub stage: Option<MediationStage>,
}

/// Mediation files the user may see (office: all; grid workers: their grids'; mediators:
/// theirs; residents: those they are a party to).
#[utoipa::path(get, path = "/mediation/files", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(FileQuery),
    responses((status = 200, body = Vec<FileSummary>), (status = 401, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<FileQuery>,
) -> AppResult<Json<Vec<FileSummary>>> {
    Ok(Json(
        service::list_files(&state.db.conn, &me, q.stage).await?,
    ))
}

/// Open a file: a party's application (residents apply for themselves) or the committee's
/// initiative or a referral from the status board.
#[utoipa::path(post, path = "/mediation/files", extensions(("x-permission" = json!("open_mediation"))), tag = "mediation", request_body = CreateFile,
    responses((status = 201, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreateFile>,
) -> AppResult<(StatusCode, Json<FileView>)> {
    Ok((
        StatusCode::CREATED,
        published(&state, service::create_file(&state, &me, &ctx, req).await?).await,
    ))
}

/// The mediation board: open files by stage (intake → accepted → in session → agreement →
/// performance → closed).
#[utoipa::path(get, path = "/mediation/board", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation",
    responses((status = 200, body = Vec<BoardColumn>), (status = 401, body = Problem)))]
async fn board(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<BoardColumn>>> {
    Ok(Json(service::board(&state.db.conn, &me).await?))
}

/// Users with the mediator role, for choosing a file's mediators (Art. 19).
#[utoipa::path(get, path = "/mediation/mediators", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation",
    responses((status = 200, body = Vec<shared::cases::Assignee>), (status = 401, body = Problem)))]
async fn mediators(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<Vec<shared::cases::Assignee>>> {
    Ok(Json(service::mediators(&state.db.conn).await?))
}

/// One file as the reader may see it. A mediator's read of session notes is audit-logged.
#[utoipa::path(get, path = "/mediation/files/{id}", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<FileView>> {
    Ok(Json(service::get_file(&state, &me, &ctx, id).await?))
}

/// Move a file along its stages. Stale version → 409; not possible now → 422 `illegal_move`.
#[utoipa::path(post, path = "/mediation/files/{id}/moves", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = MoveFile,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn make_move(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MoveFile>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::move_file(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Assign the file's mediators (the office).
#[utoipa::path(put, path = "/mediation/files/{id}/mediators", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = Mediators,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_mediators(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Mediators>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::set_mediators(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Record a party's consent to mediate; a refusal ends the file as not accepted.
#[utoipa::path(put, path = "/mediation/parties/{id}/consent", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = Consent,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn consent(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Consent>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::set_consent(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Record that a party was told of their rights and duties.
#[utoipa::path(post, path = "/mediation/parties/{id}/notice", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn notice(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<FileView>> {
    Ok(published(&state, service::notify_party(&state, &me, &ctx, id).await?).await)
}

/// A party's full phone number (mediators and the office; audit-logged).
#[utoipa::path(get, path = "/mediation/parties/{id}/contact", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, body = PartyContact), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn contact(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PartyContact>> {
    Ok(Json(service::reveal_contact(&state, &me, &ctx, id).await?))
}

/// A party confirms the agreement (recorded by the mediator).
#[utoipa::path(post, path = "/mediation/parties/{id}/confirm", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = Confirm,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn confirm(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Confirm>,
) -> AppResult<Json<FileView>> {
    Ok(published(&state, service::confirm(&state, &me, &ctx, id, req).await?).await)
}

/// Add a record: site check, follow-up visit, police notice, invited participant, note.
#[utoipa::path(post, path = "/mediation/files/{id}/records", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = NewRecord,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_record(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewRecord>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::add_record(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Record a joint or back-to-back session (the file's mediators).
#[utoipa::path(post, path = "/mediation/files/{id}/sessions", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = NewSession,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_session(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewSession>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::add_session(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Draft or redraft the agreement (the file's mediators; versioned).
#[utoipa::path(put, path = "/mediation/files/{id}/agreement", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = AgreementInput,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_agreement(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AgreementInput>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::set_agreement(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Extend the time limit with every party's consent.
#[utoipa::path(post, path = "/mediation/files/{id}/extension", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = Extension,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn extend(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Extension>,
) -> AppResult<Json<FileView>> {
    Ok(published(&state, service::extend(&state, &me, &ctx, id, req).await?).await)
}

/// A term of the agreement was performed.
#[utoipa::path(post, path = "/mediation/terms/{id}/performed", extensions(("x-permission" = json!("mediate"))), tag = "mediation", params(("id" = i64, Path)), request_body = Performed,
    responses((status = 200, body = FileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn performed(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Performed>,
) -> AppResult<Json<FileView>> {
    Ok(published(
        &state,
        service::perform_term(&state, &me, &ctx, id, req).await?,
    )
    .await)
}

/// Hand a written file back, after telling the live boards (the commit is done).
async fn published(state: &AppState, v: FileView) -> Json<FileView> {
    state.mediation_live.kick();
    Json(v)
}

fn html(body: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // The document's own styles, nothing else: no scripts, no requests.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
            ),
        ],
        body,
    )
}

/// The agreement (调解协议书) as a printable page (print or save as PDF from the browser).
#[utoipa::path(get, path = "/mediation/files/{id}/agreement.html", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, description = "Printable agreement", content_type = "text/html"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn agreement_html(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<impl IntoResponse> {
    let v = service::get_file(&state, &me, &ctx, id).await?;
    let doc = service::agreement_document(&state.db.conn, id).await?;
    print::agreement(&v, &doc).map(html).or_404()
}

/// The whole case file (卷宗) in order, as this reader may see it, printable.
#[utoipa::path(get, path = "/mediation/files/{id}/dossier.html", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, description = "Printable case file", content_type = "text/html"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn dossier_html(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<impl IntoResponse> {
    let v = service::get_file(&state, &me, &ctx, id).await?;
    Ok(html(print::dossier(&v)))
}

/// The agreement (调解协议书) as a PDF, made on the server: the same content and the same
/// readers as the printable page (set in the standard font STSong-Light, not embedded).
#[utoipa::path(get, path = "/mediation/files/{id}/agreement.pdf", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, description = "The agreement as PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn agreement_pdf(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<impl IntoResponse> {
    let v = service::get_file(&state, &me, &ctx, id).await?;
    let doc = service::agreement_document(&state.db.conn, id).await?;
    let pdf = pdf::agreement(&v, &doc)?.or_404()?;
    service::audit_print(
        &state,
        &me,
        &ctx,
        &v,
        shared::audit::AuditAction::MediationAgreementPdf,
        "mediation_file",
        id,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"mediation-agreement-{id}.pdf\""),
            ),
        ],
        pdf,
    ))
}

/// One session's record (调解笔录), printable for the signatures of those present: as the
/// reader may see the session (a party their own words and what was shared; the office that
/// it took place). A mediator's read of the notes is audit-logged.
#[utoipa::path(get, path = "/mediation/sessions/{id}/record.html", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, description = "Printable session record", content_type = "text/html"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn session_record_html(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<impl IntoResponse> {
    let file_id = service::file_of_session(&state.db.conn, id).await?;
    let v = service::get_file(&state, &me, &ctx, file_id).await?;
    let page = print::session_record(&v, id).or_404()?;
    service::audit_print(
        &state,
        &me,
        &ctx,
        &v,
        shared::audit::AuditAction::MediationSessionPrint,
        "mediation_session",
        id,
    )
    .await?;
    Ok(html(page))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Resume after this change; `Last-Event-ID` does the same.
    pub since: Option<i64>,
}

/// Changes to the mediation files the user may see, as server-sent events (`event: file`,
/// JSON `LiveFileChange`: id, version, stage — no content). Given `since` or
/// `Last-Event-ID`, missed changes come first; `event: resync` asks the board to reload.
/// Each connection ends after a few minutes and the browser reconnects (see `live_stream`).
#[utoipa::path(get, path = "/mediation/live", extensions(("x-permission" = json!("view_mediation"))), tag = "mediation", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of LiveFileChange", content_type = "text/event-stream", body = LiveFileChange),
              (status = 401, body = Problem)))]
async fn live_stream(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    Ok(state
        .mediation_live
        .stream(&state, me, &headers, q.since)
        .await?)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(board))
        .routes(routes!(mediators))
        .routes(routes!(get))
        .routes(routes!(make_move))
        .routes(routes!(set_mediators))
        .routes(routes!(consent))
        .routes(routes!(notice))
        .routes(routes!(contact))
        .routes(routes!(confirm))
        .routes(routes!(add_record))
        .routes(routes!(add_session))
        .routes(routes!(set_agreement))
        .routes(routes!(extend))
        .routes(routes!(performed))
        .routes(routes!(agreement_html))
        .routes(routes!(dossier_html))
        .routes(routes!(agreement_pdf))
        .routes(routes!(session_record_html))
        .routes(routes!(live_stream))
}
