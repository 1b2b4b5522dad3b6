//! HTTP routes of supervision: the warning and escalation rules (settings).

use super::rules;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use shared::error::Problem;
use shared::supervision::SupervisionRules;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The warning share and escalation ladder per category (the default first).
#[utoipa::path(get, path = "/supervision/rules", extensions(("x-permission" = json!("view_reference"))), tag = "supervision",
    responses((status = 200, body = SupervisionRules), (status = 401, body = Problem)))]
async fn get_rules(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<SupervisionRules>> {
    Ok(Json(rules::load(&state.db.conn).await?))
}

/// Replace the rules (admin). A stale `version` is a 409 with the saved rules; open cases
/// are planned again on the scheduler's next pass.
#[utoipa::path(put, path = "/supervision/rules", extensions(("x-permission" = json!("manage_settings"))), tag = "supervision", request_body = SupervisionRules,
    responses((status = 200, body = SupervisionRules), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_rules(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(given): ApiJson<SupervisionRules>,
) -> AppResult<Json<SupervisionRules>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(rules::save(&state, &given).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeQuery {
    /// `email` (the default) or `sms`.
    pub channel: Option<String>,
}

/// The unsubscribe link of an email (退订): the channel is switched off for the token's user,
/// without signing in. A small page says so.
#[utoipa::path(get, path = "/unsubscribe/{token}", extensions(("x-permission" = json!("public"))), tag = "supervision",
    params(("token" = String, Path), UnsubscribeQuery),
    responses((status = 200, description = "The channel is off", content_type = "text/html"), (status = 404, body = Problem)))]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    Query(q): Query<UnsubscribeQuery>,
) -> AppResult<axum::response::Response> {
    let channel = if q.channel.as_deref() == Some("sms") {
        "sms"
    } else {
        "email"
    };
    if !super::channels::unsubscribe(&state, &token, channel).await? {
        return Err(crate::error::AppError::Code(
            shared::error::ErrorCode::NotFound,
        ));
    }
    let what = if channel == "sms" { "短信" } else { "邮件" };
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>已退订 · 邻聚</title><body style=\"font: 18px/1.6 sans-serif; margin: 2rem\"><h1>已退订</h1>\
         <p>您将不再收到邻聚的{what}提醒。应用内的消息不受影响；可在“我的设置”中重新开启。</p></body></html>"
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(unsubscribe))
}
