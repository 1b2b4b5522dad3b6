//! Open311 GeoReport v2: public service discovery and request status, and request
//! submission by API key, so standard Open311 clients (hotline integrations, city apps)
//! work unchanged. Our second-level categories are the services; open stages are `open`,
//! closed and refused ones `closed`.
//!
//! These routes live outside `/api/`: they authenticate by API key, not by the session
//! cookie, so the cookie's CSRF rules do not apply, and `POST` takes form fields as the
//! specification says.

pub mod format;
pub mod keys;

use crate::cases::service::{self as cases, name_of, stage_of};
use crate::cases::store::{case, category, party};
use crate::places::service as places;
use crate::places::store::place;
use crate::state::AppState;
use axum::Router;
use axum::extract::rejection::RawFormRejection;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use format::{Format, error, list, object, split};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use shared::accounts::Principal;
use shared::cases::{CreateCase, Source, Stage, Urgency};
use std::collections::HashMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

async fn services(state: &AppState, f: Format) -> Response {
    let Ok(all) = category::Entity::find()
        .filter(category::Column::Active.eq(true))
        .filter(category::Column::Public.eq(true))
        // Ids follow the tree: groups in order, each followed by its items.
        .order_by_asc(category::Column::Id)
        .all(&state.db.conn)
        .await
    else {
        return error(
            f,
            StatusCode::INTERNAL_SERVER_ERROR,
            "service list unavailable",
        );
    };
    let groups: HashMap<i64, String> = all
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| (c.id, c.name_zh.clone()))
        .collect();
    let items = all
        .iter()
        .filter(|c| c.parent_id.is_some())
        .map(|c| {
            json!({
                "service_code": c.code,
                "service_name": c.name_zh,
                "description": c.name_en,
                "metadata": false,
                "type": "realtime",
                "keywords": c.class,
                "group": c.parent_id.and_then(|p| groups.get(&p)).cloned().unwrap_or_default(),
            })
        })
        .collect();
    list(f, "services", "service", items, StatusCode::OK)
}

/// A case as a GeoReport service request. Only what is fit for the public: no reporter, no
/// description beyond the title.
fn request_doc(
    c: &case::Model,
    codes: &HashMap<i64, String>,
    names: &HashMap<i64, String>,
    parties: &HashMap<i64, String>,
    addresses: &HashMap<i64, String>,
) -> Value {
    let stage = stage_of(c);
    json!({
        "service_request_id": c.id.to_string(),
        "status": if stage.is_open() { "open" } else { "closed" },
        "status_notes": format!("{} / {}", stage.label(shared::i18n::Lang::ZhCn), stage.label(shared::i18n::Lang::En)),
        "service_name": names.get(&c.category_id).cloned().unwrap_or_default(),
        "service_code": codes.get(&c.category_id).cloned().unwrap_or_default(),
        "description": c.title,
        "agency_responsible": c.responsible_party_id.and_then(|p| parties.get(&p)).cloned(),
        "service_notice": c.number,
        "requested_datetime": rfc3339(c.created_at),
        "updated_datetime": rfc3339(c.updated_at),
        "expected_datetime": c.deadline_at.map(rfc3339),
        "address": c.place_id.and_then(|p| addresses.get(&p)).cloned(),
        "address_id": c.place_id.map(|p| p.to_string()),
        "zipcode": Value::Null,
        "lat": c.lat,
        "long": c.lon,
        "media_url": Value::Null,
    })
}

async fn requests_doc(
    state: &AppState,
    rows: Vec<case::Model>,
) -> Result<Vec<Value>, sea_orm::DbErr> {
    let conn = &state.db.conn;
    let cats = category::Entity::find().all(conn).await?;
    let codes: HashMap<i64, String> = cats.iter().map(|c| (c.id, c.code.clone())).collect();
    let names: HashMap<i64, String> = cats.iter().map(|c| (c.id, c.name_zh.clone())).collect();
    let parties: HashMap<i64, String> = party::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name_zh))
        .collect();
    let place_ids: Vec<i64> = rows.iter().filter_map(|c| c.place_id).collect();
    let addresses: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Id.is_in(place_ids))
        .all(conn)
        .await?
        .into_iter()
        // A household's address is people's data; the public sees its building's name only.
        .map(|p| {
            (
                p.id,
                if p.kind == "household" {
                    String::new()
                } else {
                    p.address.clone().unwrap_or(p.name)
                },
            )
        })
        .collect();
    Ok(rows
        .iter()
        .map(|c| request_doc(c, &codes, &names, &parties, &addresses))
        .collect())
}

/// GeoReport v2: `services.json|xml` (the service list) or `requests.json|xml` (service
/// requests; filters `service_request_id`, `service_code`, `start_date`, `end_date`, `status`).
#[utoipa::path(get, path = "/open311/v2/{file}", extensions(("x-permission" = json!("public"))), tag = "open311", params(("file" = String, Path, description = "services.json, services.xml, requests.json or requests.xml")),
    responses((status = 200, description = "JSON array or XML document as GeoReport v2 specifies",
                content((Vec<Object> = "application/json"), (String = "text/xml"))),
              (status = 400, description = "A filter that does not parse", content((Vec<Open311Error> = "application/json"), (String = "text/xml"))),
              (status = 404, description = "Neither services nor requests, or not .json or .xml", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
async fn get_list(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((stem, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "unknown format");
    };
    match stem {
        "services" => services(&state, f).await,
        "requests" => {
            let mut cond =
                Condition::all().add(case::Column::CategoryId.in_subquery(public_categories()));
            if let Some(ids) = q.get("service_request_id") {
                let ids: Vec<i64> = ids
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect();
                cond = cond.add(case::Column::Id.is_in(ids));
            }
            if let Some(code) = q.get("service_code") {
                let Ok(Some(cat)) = category::Entity::find()
                    .filter(category::Column::Code.eq(code.as_str()))
                    .one(&state.db.conn)
                    .await
                else {
                    return list(f, "service_requests", "request", Vec::new(), StatusCode::OK);
                };
                cond = cond.add(case::Column::CategoryId.eq(cat.id));
            }
            let date = |k: &str| q.get(k).map(|v| OffsetDateTime::parse(v, &Rfc3339));
            let start = match date("start_date") {
                Some(Ok(t)) => Some(t),
                Some(Err(_)) => {
                    return error(
                        f,
                        StatusCode::BAD_REQUEST,
                        "start_date must be a w3 (RFC 3339) date-time",
                    );
                }
                None => None,
            };
            let end = match date("end_date") {
                Some(Ok(t)) => Some(t),
                Some(Err(_)) => {
                    return error(
                        f,
                        StatusCode::BAD_REQUEST,
                        "end_date must be a w3 (RFC 3339) date-time",
                    );
                }
                None => None,
            };
            // As the specification advises: the last 90 days unless dates are given.
            let start = start.or_else(|| {
                end.is_none()
                    .then(|| OffsetDateTime::now_utc() - time::Duration::days(90))
            });
            if let Some(t) = start {
                cond = cond.add(case::Column::CreatedAt.gte(t));
            }
            if let Some(t) = end {
                cond = cond.add(case::Column::CreatedAt.lte(t));
            }
            if let Some(status) = q.get("status") {
                let want: Vec<&str> = status.split(',').map(str::trim).collect();
                let stages: Vec<String> = Stage::ALL
                    .into_iter()
                    .filter(|s| want.contains(&if s.is_open() { "open" } else { "closed" }))
                    .map(name_of)
                    .collect();
                cond = cond.add(case::Column::Stage.is_in(stages));
            }
            match case::Entity::find()
                .filter(cond)
                .order_by_desc(case::Column::Id)
                .limit(1000)
                .all(&state.db.conn)
                .await
            {
                Ok(rows) => match requests_doc(&state, rows).await {
                    Ok(items) => list(f, "service_requests", "request", items, StatusCode::OK),
                    Err(_) => error(f, StatusCode::INTERNAL_SERVER_ERROR, "requests unavailable"),
                },
                Err(_) => error(f, StatusCode::INTERNAL_SERVER_ERROR, "requests unavailable"),
            }
        }
        _ => error(f, StatusCode::NOT_FOUND, "no such resource"),
    }
}

/// Only public categories' cases are visible through Open311: errands and neighbour matters
/// are about people.
fn public_categories() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(category::Column::Id)
        .from(category::Entity)
        .and_where(category::Column::Public.eq(true))
        .to_owned()
}

/// GeoReport v2 service definition: `services/{service_code}.json|xml`.
#[utoipa::path(get, path = "/open311/v2/services/{file}", extensions(("x-permission" = json!("public"))), tag = "open311", params(("file" = String, Path, description = "`{service_code}.json` or `.xml`")),
    responses((status = 200, description = "service_definition", content((Object = "application/json"), (String = "text/xml"))),
              (status = 404, description = "No such public service", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
async fn get_service(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "unknown format");
    };
    match category::Entity::find()
        .filter(category::Column::Code.eq(code))
        .one(&state.db.conn)
        .await
    {
        Ok(Some(c)) if c.parent_id.is_some() && c.public => object(
            f,
            "service_definition",
            json!({"service_code": c.code, "attributes": []}),
        ),
        _ => error(f, StatusCode::NOT_FOUND, "no such service_code"),
    }
}

/// GeoReport v2 one service request: `requests/{id}.json|xml`.
#[utoipa::path(get, path = "/open311/v2/requests/{file}", extensions(("x-permission" = json!("public"))), tag = "open311", params(("file" = String, Path, description = "`{service_request_id}.json` or `.xml`")),
    responses((status = 200, description = "service_requests with one request", content((Vec<Object> = "application/json"), (String = "text/xml"))),
              (status = 404, description = "No such public request", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
async fn get_request(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((id, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "unknown format");
    };
    let Ok(id) = id.parse::<i64>() else {
        return error(f, StatusCode::NOT_FOUND, "no such service_request_id");
    };
    let found = case::Entity::find_by_id(id)
        .filter(case::Column::CategoryId.in_subquery(public_categories()))
        .one(&state.db.conn)
        .await;
    match found {
        Ok(Some(c)) => match requests_doc(&state, vec![c]).await {
            Ok(items) => list(f, "service_requests", "request", items, StatusCode::OK),
            Err(_) => error(f, StatusCode::INTERNAL_SERVER_ERROR, "request unavailable"),
        },
        _ => error(f, StatusCode::NOT_FOUND, "no such service_request_id"),
    }
}

/// Form fields as the specification sends them (`application/x-www-form-urlencoded`);
/// `attribute[x]` keys are kept but not used yet (our services define no attributes).
fn form_fields(raw: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// GeoReport v2 create a service request: `POST requests.json|xml`, form-encoded fields
/// `api_key`, `service_code`, `lat`+`long` or `address_string`, `description`, contact fields.
#[utoipa::path(post, path = "/open311/v2/{file}", extensions(("x-permission" = json!("public"))), tag = "open311", params(("file" = String, Path, description = "requests.json or requests.xml")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 201, description = "[{service_request_id, service_notice, account_id}]", content((Vec<Object> = "application/json"), (String = "text/xml"))),
              (status = 400, description = "A field missing or not valid", content((Vec<Open311Error> = "application/json"), (String = "text/xml"))),
              (status = 403, description = "Missing or invalid api_key", content((Vec<Open311Error> = "application/json"), (String = "text/xml"))),
              (status = 404, description = "Not requests.json or requests.xml", content((Vec<Open311Error> = "application/json"), (String = "text/xml"))),
              (status = 415, description = "Not form-encoded", content((Vec<Open311Error> = "application/json"), (String = "text/xml")))))]
async fn post_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    form: Result<RawForm, RawFormRejection>,
) -> Response {
    let Some(("requests", f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "no such resource");
    };
    // The specification's error document, not the framework's plain text.
    let Ok(RawForm(raw)) = form else {
        return error(
            f,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the fields form-encoded (application/x-www-form-urlencoded)",
        );
    };
    // The API's text rule, answered in GeoReport's own error format.
    match std::str::from_utf8(&raw).map(|t| crate::http::check_urlencoded_text(t, true)) {
        Ok(Ok(())) => {}
        Ok(Err(crate::error::AppError::InvalidText(field))) => {
            return error(
                f,
                StatusCode::BAD_REQUEST,
                &format!("{field}: control characters are not allowed"),
            );
        }
        _ => return error(f, StatusCode::BAD_REQUEST, "the form is not valid UTF-8"),
    }
    let p = form_fields(&raw);
    let Some(key) = p.get("api_key").filter(|k| !k.is_empty()) else {
        return error(f, StatusCode::FORBIDDEN, "api_key is required");
    };
    let client = match keys::check(&state, key).await {
        Ok(Some(name)) => name,
        Ok(None) => return error(f, StatusCode::FORBIDDEN, "invalid api_key"),
        Err(_) => return error(f, StatusCode::INTERNAL_SERVER_ERROR, "try again later"),
    };
    let Some(code) = p.get("service_code").filter(|c| !c.is_empty()) else {
        return error(f, StatusCode::BAD_REQUEST, "service_code is required");
    };
    let Ok(Some(cat)) = category::Entity::find()
        .filter(category::Column::Code.eq(code.as_str()))
        .one(&state.db.conn)
        .await
    else {
        return error(f, StatusCode::BAD_REQUEST, "unknown service_code");
    };
    if cat.parent_id.is_none() || !cat.active || !cat.public {
        return error(f, StatusCode::BAD_REQUEST, "unknown service_code");
    }
    let num = |k: &str| p.get(k).and_then(|v| v.trim().parse::<f64>().ok());
    let point = num("lat").zip(num("long")).map(|(lat, lon)| (lon, lat));
    // Where: the point's micro-grid or grid, or a place named by its address.
    let place = match (
        point,
        p.get("address_string").filter(|a| !a.trim().is_empty()),
    ) {
        (Some((lon, lat)), _) => places::locate(&state.db.conn, lon, lat)
            .await
            .ok()
            .flatten(),
        (None, Some(addr)) => place::Entity::find()
            .filter(place::Column::Kind.ne("household"))
            .filter(
                Condition::any()
                    .add(place::Column::Address.eq(addr.trim()))
                    .add(place::Column::Name.eq(addr.trim())),
            )
            .one(&state.db.conn)
            .await
            .ok()
            .flatten(),
        (None, None) => {
            return error(
                f,
                StatusCode::BAD_REQUEST,
                "lat and long, or address_string, are required",
            );
        }
    };
    let Some(place) = place else {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "the location is outside every grid of this community",
        );
    };
    let description = p
        .get("description")
        .map(|d| d.trim().to_string())
        .unwrap_or_default();
    let title: String = if description.is_empty() {
        cat.name_zh.clone()
    } else {
        description.chars().take(60).collect()
    };
    let who = [p.get("first_name"), p.get("last_name")]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Open311 clients act without an account; the history names the client and the person.
    let actor = Principal {
        user_id: 0,
        username: "open311".into(),
        display_name: if who.is_empty() {
            format!("Open311 · {client}")
        } else {
            format!("{who}（Open311 · {client}）")
                .chars()
                .take(64)
                .collect()
        },
        roles: Vec::new(),
        grid_ids: Vec::new(),
    };
    let req = CreateCase {
        title: title.clone(),
        description: description.chars().take(4000).collect(),
        category_id: cat.id,
        urgency: Urgency::Normal,
        source: Source::Open311,
        place_id: place.id,
        lon: point.map(|p| p.0),
        lat: point.map(|p| p.1),
        reporter_hidden: true,
    };
    let result = async {
        let (title, description) =
            shared::cases::validate_case(&req).map_err(crate::error::AppError::from)?;
        let txn = state.db.begin_write().await?;
        let filed = cases::file_in(&*txn, &actor, &req, title, description, &place, None).await?;
        txn.commit().await?;
        state.live.publish(crate::cases::live::Change::of(
            filed.event_id,
            "created",
            &filed.case,
        ));
        Ok::<_, crate::error::AppError>(filed.case)
    }
    .await;
    match result {
        Ok(c) => list(
            f,
            "service_requests",
            "request",
            vec![
                json!({"service_request_id": c.id.to_string(), "service_notice": format!("已受理，编号 {} / Received as {}", c.number, c.number), "account_id": Value::Null}),
            ],
            StatusCode::CREATED,
        ),
        Err(crate::error::AppError::Validation(_)) => error(
            f,
            StatusCode::BAD_REQUEST,
            "description or location is not valid",
        ),
        Err(e) => {
            tracing::error!(error = %e, "open311 request failed");
            error(f, StatusCode::INTERNAL_SERVER_ERROR, "try again later")
        }
    }
}

/// GeoReport v2's error document, `[{"code": 404, "description": "…"}]` (in XML
/// `<errors><error><code>…`); written by `format::error`, described here.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Open311Error {
    /// The HTTP status again.
    code: u16,
    description: String,
}

/// The Open311 operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(get_list, get_service, get_request, post_request))]
pub struct Open311Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(get_list).post(post_request))
        .route("/open311/v2/services/{file}", get(get_service))
        .route("/open311/v2/requests/{file}", get(get_request))
}
