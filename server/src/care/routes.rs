//! HTTP routes of the care area. Care records of special-group residents are sensitive: the
//! service lets only their carers read them and audit-logs every full read.

use super::{mailbox, meals, service, volunteers};
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::care::{
    ActivityInput, MemberInput, Redemption, TeamInput, TeamView, TimeBankRules, VolunteerSummary,
    VolunteerView,
};
use shared::care::{
    CareRecord, ErrandInput, ErrandMove, ErrandStatus, ErrandView, GroupPlace, PairingInput,
    PairingUpdate, PairingView, VisitInput, VisitIntervals, VisitView,
};
use shared::care::{
    EnrolInput, EnrolmentView, LetterAnswer, LetterInput, LetterView, MealCounts, MenuInput,
    MenuView, OrderInput, OrderView,
};
use shared::error::Problem;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Pair a special-group resident with a helper (staff; grid workers in their grids).
#[utoipa::path(post, path = "/care/pairings", extensions(("x-permission" = json!("care_work"))), tag = "care", request_body = PairingInput,
    responses((status = 201, body = PairingView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_pairing(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<PairingInput>,
) -> AppResult<(StatusCode, Json<PairingView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_pairing(&state, &me, &ctx, req).await?),
    ))
}

/// End a pairing (reason and day) or change its risk level, which moves the next due date
/// (versioned: 409 with the current pairing when stale; an ended pairing stays ended).
#[utoipa::path(put, path = "/care/pairings/{id}", extensions(("x-permission" = json!("care_work"))), tag = "care", params(("id" = i64, Path)), request_body = PairingUpdate,
    responses((status = 200, body = PairingView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_pairing(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PairingUpdate>,
) -> AppResult<Json<PairingView>> {
    Ok(Json(
        service::update_pairing(&state, &me, &ctx, id, req).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Only the residents I am the helper of.
    #[serde(default)]
    pub mine: bool,
}

/// Due visits: overdue first, then soonest due (audit-logged).
#[utoipa::path(get, path = "/care/due", extensions(("x-permission" = json!("care_work"))), tag = "care", params(DueQuery),
    responses((status = 200, body = Vec<PairingView>), (status = 401, body = Problem)))]
async fn due(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<DueQuery>,
) -> AppResult<Json<Vec<PairingView>>> {
    Ok(Json(service::due_visits(&state, &me, &ctx, q.mine).await?))
}

/// Record a visit; a need found becomes an errand or a case in the same step.
#[utoipa::path(post, path = "/care/visits", extensions(("x-permission" = json!("care_work"))), tag = "care", request_body = VisitInput,
    responses((status = 201, body = VisitView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn record_visit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<VisitInput>,
) -> AppResult<(StatusCode, Json<VisitView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::record_visit(&state, &me, &ctx, req).await?),
    ))
}

/// A resident's care record: pairings, visits, errands (carers only; audit-logged).
#[utoipa::path(get, path = "/care/residents/{id}", extensions(("x-permission" = json!("care_work"))), tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = CareRecord), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn care_record(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CareRecord>> {
    Ok(Json(service::care_record(&state, &me, &ctx, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErrandQuery {
    pub status: Option<ErrandStatus>,
}

/// Errands I may see: my own, those I run, and my grids'.
#[utoipa::path(get, path = "/care/errands", extensions(("x-permission" = json!("care_work"))), tag = "care", params(ErrandQuery),
    responses((status = 200, body = Vec<ErrandView>), (status = 401, body = Problem)))]
async fn list_errands(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ErrandQuery>,
) -> AppResult<Json<Vec<ErrandView>>> {
    let out = service::list_errands(&state.db.conn, &me, q.status).await?;
    // Sensitive lists (health needs, special-group membership, home addresses): logged.
    crate::audit::record_now(
        &state,
        Some(&me),
        &ctx,
        crate::audit::Record::global(
            shared::audit::AuditAction::CareErrandsRead,
            shared::audit::AuditDetail::count(out.len(), shared::audit::Counted::Errands),
        ),
    )
    .await?;
    Ok(Json(out))
}

/// Ask for an errand (residents for themselves, carers for those they care for).
#[utoipa::path(post, path = "/care/errands", extensions(("x-permission" = json!("care_work"))), tag = "care", request_body = ErrandInput,
    responses((status = 201, body = ErrandView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn request_errand(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<ErrandInput>,
) -> AppResult<(StatusCode, Json<ErrandView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::request_errand(&state, &me, req).await?),
    ))
}

/// Take, complete (receipt, amount), confirm or cancel an errand (versioned).
#[utoipa::path(post, path = "/care/errands/{id}/moves", extensions(("x-permission" = json!("care_work"))), tag = "care", params(("id" = i64, Path)), request_body = ErrandMove,
    responses((status = 200, body = ErrandView), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn move_errand(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ErrandMove>,
) -> AppResult<Json<ErrandView>> {
    Ok(Json(service::move_errand(&state, &me, id, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    pub grid_id: Option<i64>,
}

/// Special-group residents per micro-grid: counts, never names.
#[utoipa::path(get, path = "/care/groups", extensions(("x-permission" = json!("view_people"))), tag = "care", params(GroupQuery),
    responses((status = 200, body = Vec<GroupPlace>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn groups(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<GroupQuery>,
) -> AppResult<Json<Vec<GroupPlace>>> {
    Ok(Json(
        service::group_counts(&state.db.conn, &me, q.grid_id).await?,
    ))
}

/// Visit intervals per risk level.
#[utoipa::path(get, path = "/care/intervals", extensions(("x-permission" = json!("view_reference"))), tag = "care",
    responses((status = 200, body = VisitIntervals), (status = 401, body = Problem)))]
async fn get_intervals(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<VisitIntervals>> {
    Ok(Json(service::intervals(&state.db.conn).await?))
}

/// Change the visit intervals (admins; versioned).
#[utoipa::path(put, path = "/care/intervals", extensions(("x-permission" = json!("manage_settings"))), tag = "care", request_body = VisitIntervals,
    responses((status = 200, body = VisitIntervals), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_intervals(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<VisitIntervals>,
) -> AppResult<Json<VisitIntervals>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::set_intervals(&state, req).await?))
}

/// Letters to the secretary that I may read: my own; the secretary all; the office those not
/// private; everyone the answered letters that are not private.
#[utoipa::path(get, path = "/care/mailbox", extensions(("x-permission" = json!("write_letters"))), tag = "care",
    responses((status = 200, body = Vec<LetterView>), (status = 401, body = Problem)))]
async fn letters(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<LetterView>>> {
    let out = mailbox::list(&state.db.conn, &me).await?;
    // Others' private letters (the secretary's reading) are logged.
    let private = out.iter().filter(|l| l.private && !l.mine).count();
    if private > 0 {
        crate::audit::record_now(
            &state,
            Some(&me),
            &ctx,
            crate::audit::Record::global(
                shared::audit::AuditAction::MailboxPrivateRead,
                shared::audit::AuditDetail::count(private, shared::audit::Counted::Letters),
            ),
        )
        .await?;
    }
    Ok(Json(out))
}

/// Write to the secretary (书记信箱); a private letter is read by the secretary alone.
#[utoipa::path(post, path = "/care/mailbox", extensions(("x-permission" = json!("write_letters"))), tag = "care", request_body = LetterInput,
    responses((status = 201, body = LetterView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn write_letter(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<LetterInput>,
) -> AppResult<(StatusCode, Json<LetterView>)> {
    Ok((
        StatusCode::CREATED,
        Json(mailbox::write(&state, &me, req).await?),
    ))
}

/// Answer a letter, optionally turning it into a case on the status board.
#[utoipa::path(post, path = "/care/mailbox/{id}/answer", extensions(("x-permission" = json!("answer_letters"))), tag = "care", params(("id" = i64, Path)), request_body = LetterAnswer,
    responses((status = 200, body = LetterView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn answer_letter(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LetterAnswer>,
) -> AppResult<Json<LetterView>> {
    Ok(Json(mailbox::answer(&state, &me, id, req).await?))
}

/// Residents enrolled in the meal service (those who run it: office, grid workers).
#[utoipa::path(get, path = "/care/meals/enrolments", extensions(("x-permission" = json!("care_work"))), tag = "care",
    responses((status = 200, body = Vec<EnrolmentView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn enrolments(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<EnrolmentView>>> {
    let out = meals::enrolments(&state.db.conn, &me).await?;
    // Sensitive lists (health needs, special-group membership, home addresses): logged.
    crate::audit::record_now(
        &state,
        Some(&me),
        &ctx,
        crate::audit::Record::global(
            shared::audit::AuditAction::CareMealsRead,
            shared::audit::AuditDetail::count(out.len(), shared::audit::Counted::MealEnrolments),
        ),
    )
    .await?;
    Ok(Json(out))
}

/// Enrol an eligible resident (失独, 残疾, 空巢, 高龄, 独居) for eating in or home delivery.
#[utoipa::path(post, path = "/care/meals/enrolments", extensions(("x-permission" = json!("care_work"))), tag = "care", request_body = EnrolInput,
    responses((status = 201, body = EnrolmentView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn enrol(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<EnrolInput>,
) -> AppResult<(StatusCode, Json<EnrolmentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(meals::enrol(&state, &me, req).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MenuQuery {
    /// YYYY-MM-DD
    pub from: String,
    /// YYYY-MM-DD
    pub to: String,
}

fn parse_day(s: &str, field: &str) -> Result<time::Date, crate::error::AppError> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).map_err(|_| {
        crate::error::AppError::field(field, shared::error::FieldErrorCode::InvalidFormat)
    })
}

/// Menus of a period.
#[utoipa::path(get, path = "/care/meals/menus", extensions(("x-permission" = json!("view_reference"))), tag = "care", params(MenuQuery),
    responses((status = 200, body = Vec<MenuView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_menus(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    Query(q): Query<MenuQuery>,
) -> AppResult<Json<Vec<MenuView>>> {
    let (from, to) = (parse_day(&q.from, "from")?, parse_day(&q.to, "to")?);
    Ok(Json(meals::menus(&state.db.conn, from, to).await?))
}

/// Set a day's menu (the office).
#[utoipa::path(put, path = "/care/meals/menus", extensions(("x-permission" = json!("manage_care"))), tag = "care", request_body = MenuInput,
    responses((status = 200, body = MenuView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_menu(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<MenuInput>,
) -> AppResult<Json<MenuView>> {
    Ok(Json(meals::set_menu(&state, &me, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// YYYY-MM-DD
    pub day: String,
    /// Only my deliveries: my route.
    #[serde(default)]
    pub mine: bool,
}

/// The orders of a day; with `mine`, my delivery route in walking order.
#[utoipa::path(get, path = "/care/meals/orders", extensions(("x-permission" = json!("care_work"))), tag = "care", params(OrderQuery),
    responses((status = 200, body = Vec<OrderView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_orders(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<OrderQuery>,
) -> AppResult<Json<Vec<OrderView>>> {
    let day = parse_day(&q.day, "day")?;
    let out = meals::orders_of_day(&state.db.conn, &me, day, q.mine).await?;
    // Sensitive lists (health needs, special-group membership, home addresses): logged.
    crate::audit::record_now(
        &state,
        Some(&me),
        &ctx,
        crate::audit::Record::global(
            shared::audit::AuditAction::CareMealsRead,
            shared::audit::AuditDetail::count(out.len(), shared::audit::Counted::MealOrders),
        ),
    )
    .await?;
    Ok(Json(out))
}

/// Place the day's orders for the enrolled residents (idempotent per day).
#[utoipa::path(post, path = "/care/meals/orders", extensions(("x-permission" = json!("care_work"))), tag = "care", request_body = OrderInput,
    responses((status = 200, body = Vec<OrderView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn place_orders(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<OrderInput>,
) -> AppResult<Json<Vec<OrderView>>> {
    Ok(Json(meals::place_orders(&state, &me, req).await?))
}

/// Confirm a meal delivered.
#[utoipa::path(post, path = "/care/meals/orders/{id}/delivered", extensions(("x-permission" = json!("care_work"))), tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = OrderView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn delivered(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrderView>> {
    Ok(Json(meals::deliver(&state, &me, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountQuery {
    /// YYYY-MM
    pub month: String,
}

/// Meals per day of a month, and the month's totals.
#[utoipa::path(get, path = "/care/meals/counts", extensions(("x-permission" = json!("care_work"))), tag = "care", params(CountQuery),
    responses((status = 200, body = MealCounts), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn meal_counts(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<CountQuery>,
) -> AppResult<Json<MealCounts>> {
    Ok(Json(meals::counts(&state.db.conn, &me, &q.month).await?))
}

/// Volunteer teams and their members; hours and points for the office and one's own line.
#[utoipa::path(get, path = "/care/teams", extensions(("x-permission" = json!("volunteer"))), tag = "care",
    responses((status = 200, body = Vec<TeamView>), (status = 401, body = Problem)))]
async fn teams(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<TeamView>>> {
    Ok(Json(volunteers::teams(&state, &me, &ctx).await?))
}

/// Found a volunteer team (the office).
#[utoipa::path(post, path = "/care/teams", extensions(("x-permission" = json!("manage_care"))), tag = "care", request_body = TeamInput,
    responses((status = 201, body = TeamView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_team(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<TeamInput>,
) -> AppResult<(StatusCode, Json<TeamView>)> {
    Ok((
        StatusCode::CREATED,
        Json(volunteers::create_team(&state, &me, req).await?),
    ))
}

/// Add a member to a team (the office).
#[utoipa::path(post, path = "/care/teams/{id}/members", extensions(("x-permission" = json!("manage_care"))), tag = "care", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 201, body = VolunteerSummary), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MemberInput>,
) -> AppResult<(StatusCode, Json<VolunteerSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(volunteers::add_member(&state, &me, id, req).await?),
    ))
}

/// Record a service activity; participants earn time-bank points for their minutes.
#[utoipa::path(post, path = "/care/activities", extensions(("x-permission" = json!("manage_care"))), tag = "care", request_body = ActivityInput,
    responses((status = 200, body = Vec<VolunteerSummary>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn record_activity(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<ActivityInput>,
) -> AppResult<Json<Vec<VolunteerSummary>>> {
    Ok(Json(
        volunteers::record_activity(&state, &me, &ctx, req).await?,
    ))
}

/// A volunteer's hours, balance and ledger (the volunteer themself and the office).
#[utoipa::path(get, path = "/care/volunteers/{id}", extensions(("x-permission" = json!("volunteer"))), tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = VolunteerView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_volunteer(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<VolunteerView>> {
    let out = volunteers::volunteer(&state.db.conn, &me, id).await?;
    // The office reading someone else's hours, points and redemptions: logged.
    if !out.summary.mine {
        crate::audit::record_now(
            &state,
            Some(&me),
            &ctx,
            crate::audit::Record::new(
                shared::audit::AuditAction::CareTimebankRead,
                "volunteer",
                id,
            ),
        )
        .await?;
    }
    Ok(Json(out))
}

/// My own volunteer records (one per team), with hours, points and ledger.
#[utoipa::path(get, path = "/care/volunteers/mine", extensions(("x-permission" = json!("volunteer"))), tag = "care",
    responses((status = 200, body = Vec<VolunteerView>), (status = 401, body = Problem)))]
async fn my_volunteering(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<VolunteerView>>> {
    Ok(Json(volunteers::mine(&state.db.conn, &me).await?))
}

/// Redeem time-bank points: the office, or the volunteer themself when the rules allow it;
/// never beyond the balance.
#[utoipa::path(post, path = "/care/volunteers/{id}/redeem", extensions(("x-permission" = json!("volunteer"))), tag = "care", params(("id" = i64, Path)), request_body = Redemption,
    responses((status = 200, body = VolunteerView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn redeem(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Redemption>,
) -> AppResult<Json<VolunteerView>> {
    Ok(Json(volunteers::redeem(&state, &me, &ctx, id, req).await?))
}

/// The time bank's rule (points per hour of service).
#[utoipa::path(get, path = "/care/timebank", extensions(("x-permission" = json!("view_reference"))), tag = "care",
    responses((status = 200, body = TimeBankRules), (status = 401, body = Problem)))]
async fn get_timebank(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<TimeBankRules>> {
    Ok(Json(volunteers::rules(&state.db.conn).await?))
}

/// Change the time bank's rule (admins; versioned).
#[utoipa::path(put, path = "/care/timebank", extensions(("x-permission" = json!("manage_settings"))), tag = "care", request_body = TimeBankRules,
    responses((status = 200, body = TimeBankRules), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_timebank(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<TimeBankRules>,
) -> AppResult<Json<TimeBankRules>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(volunteers::set_rules(&state, req).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(teams, create_team))
        .routes(routes!(add_member))
        .routes(routes!(record_activity))
        .routes(routes!(my_volunteering))
        .routes(routes!(get_volunteer))
        .routes(routes!(redeem))
        .routes(routes!(get_timebank, put_timebank))
        .routes(routes!(letters, write_letter))
        .routes(routes!(answer_letter))
        .routes(routes!(enrolments, enrol))
        .routes(routes!(list_menus, set_menu))
        .routes(routes!(list_orders, place_orders))
        .routes(routes!(delivered))
        .routes(routes!(meal_counts))
        .routes(routes!(create_pairing))
        .routes(routes!(update_pairing))
        .routes(routes!(due))
        .routes(routes!(record_visit))
        .routes(routes!(care_record))
        .routes(routes!(list_errands, request_errand))
        .routes(routes!(move_errand))
        .routes(routes!(groups))
        .routes(routes!(get_intervals, put_intervals))
}
