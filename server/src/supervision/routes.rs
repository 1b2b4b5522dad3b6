//! HTTP routes of supervision: the warning and escalation rules (settings).

use super::rules;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_rules, put_rules))
}
