//! Statistics: the dashboard's case figures counted from cases made through the API, each
//! period on Beijing days (a case just before and just after midnight at a period's edge),
//! the grid worker's scope, trends and breakdowns.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use server::cases::store::{case, event};
use server::places::store::place;
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

pub(crate) async fn mv(api: &Api, case: &Value, body: Value) -> Value {
    let mut body = body;
    body["version"] = case["version"].clone();
    let (status, next) = api
        .post(&format!("/api/v1/cases/{}/moves", case["id"]), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    next
}

pub(crate) async fn file(api: &Api, place_id: i64, title: &str, cat: i64) -> Value {
    let (status, c) = api
        .post(
            "/api/v1/cases",
            json!({"title": title, "category_id": cat, "urgency": "normal",
                                      "source": "resident_report", "place_id": place_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

/// A building of a grid, found in the seed data.
pub(crate) async fn building_in(app: &TestApp, grid_id: i64) -> place::Model {
    place::Entity::find()
        .filter(place::Column::Kind.eq("building"))
        .filter(place::Column::GridId.eq(grid_id))
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap()
}

/// Moves a case's moments (and all its history) to given times: the figures are about
/// periods in the past, which the API cannot write. Stored in UTC, as the server stores them.
pub(crate) async fn set_time(app: &TestApp, id: i64, column: case::Column, at: OffsetDateTime) {
    case::Entity::update_many()
        .col_expr(column, Expr::value(at.to_offset(UtcOffset::UTC)))
        .filter(case::Column::Id.eq(id))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
}

async fn set_history_time(app: &TestApp, id: i64, at: OffsetDateTime) {
    event::Entity::update_many()
        .col_expr(event::Column::At, Expr::value(at.to_offset(UtcOffset::UTC)))
        .filter(event::Column::CaseId.eq(id))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
}

fn figure<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no figure {id} in {d}"))
}

fn value(d: &Value, id: &str) -> Value {
    figure(d, id)["value"].clone()
}

async fn case_figures_follow_the_records_and_beijing_days(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let home = building_in(app, grid1).await;
    let micro1 = home.parent_id.unwrap();
    let elsewhere = building_in(app, grid2).await;
    let rubbish = category(&resident, "E-ENV-01").await;
    let property = party(&staff, "PROPERTY").await;
    let gw_id = app.user_id("gridworker").await;

    // A: the whole way, with a failed verification (rework), closed late, rated 5.
    let a = file(&resident, home.id, "楼道堆物", rubbish).await;
    let mut c = mv(&staff, &a, json!({"action": "register"})).await;
    c = mv(
        &staff,
        &c,
        json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw_id}),
    )
    .await;
    c = mv(&gw, &c, json!({"action": "start"})).await;
    c = mv(&gw, &c, json!({"action": "feedback", "note": "已清理"})).await;
    c = mv(
        &staff,
        &c,
        json!({"action": "verify_fail", "note": "未清理干净"}),
    )
    .await;
    c = mv(&gw, &c, json!({"action": "feedback", "note": "已全部清理"})).await;
    c = mv(&staff, &c, json!({"action": "verify_pass"})).await;
    c = mv(&staff, &c, json!({"action": "close"})).await;
    let (status, rated) = resident
        .post(
            &format!("/api/v1/cases/{}/rating", c["id"]),
            json!({"score": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    let a_id = a["id"].as_i64().unwrap();
    // Reported 00:30 on 1 July 2025 (Beijing), due 3 July, closed a second before midnight
    // at the end of July: late, and still July.
    set_time(
        app,
        a_id,
        case::Column::CreatedAt,
        datetime!(2025-07-01 00:30 +8),
    )
    .await;
    set_time(
        app,
        a_id,
        case::Column::RegisteredAt,
        datetime!(2025-07-01 09:00 +8),
    )
    .await;
    set_time(
        app,
        a_id,
        case::Column::DeadlineAt,
        datetime!(2025-07-03 17:00 +8),
    )
    .await;
    set_time(
        app,
        a_id,
        case::Column::ClosedAt,
        datetime!(2025-07-31 23:59:59 +8),
    )
    .await;
    set_history_time(app, a_id, datetime!(2025-07-10 10:00 +8)).await;

    // B: in the second grid, reported a second before July began (Beijing): June.
    let b = file(&resident, elsewhere.id, "路灯不亮", rubbish).await;
    let b_id = b["id"].as_i64().unwrap();
    set_time(
        app,
        b_id,
        case::Column::CreatedAt,
        datetime!(2025-06-30 23:59:59 +8),
    )
    .await;
    set_history_time(app, b_id, datetime!(2025-06-30 23:59:59 +8)).await;

    // C: reported at midnight starting August, registered, its deadline passed, still open.
    let cc = file(&resident, home.id, "井盖松动", rubbish).await;
    mv(&staff, &cc, json!({"action": "register"})).await;
    let c_id = cc["id"].as_i64().unwrap();
    set_time(
        app,
        c_id,
        case::Column::CreatedAt,
        datetime!(2025-08-01 00:00 +8),
    )
    .await;
    set_time(
        app,
        c_id,
        case::Column::RegisteredAt,
        datetime!(2025-08-01 08:00 +8),
    )
    .await;
    set_time(
        app,
        c_id,
        case::Column::DeadlineAt,
        datetime!(2025-08-05 17:00 +8),
    )
    .await;
    set_history_time(app, c_id, datetime!(2025-08-01 08:00 +8)).await;

    let (status, july) = staff
        .get("/api/v1/stats?period=month&from=2025-07-15")
        .await;
    assert_eq!(status, StatusCode::OK, "{july}");
    assert_eq!(
        july["period"],
        json!({"kind": "month", "from": "2025-07-01", "to": "2025-07-31"})
    );
    assert_eq!(july["previous"]["from"], "2025-06-01");
    assert_eq!(july["last_year"]["from"], "2024-07-01");
    assert_eq!(value(&july, "cases_reported"), json!(1.0));
    assert_eq!(value(&july, "cases_registered"), json!(1.0));
    assert_eq!(value(&july, "cases_closed"), json!(1.0));
    assert_eq!(value(&july, "closure_rate"), json!(1.0));
    assert_eq!(
        value(&july, "on_time_rate"),
        json!(0.0),
        "closed after the deadline"
    );
    assert_eq!(
        value(&july, "rework_rate"),
        json!(0.5),
        "one of two verifications failed"
    );
    assert_eq!(value(&july, "satisfaction"), json!(1.0));
    let hours = (datetime!(2025-07-31 23:59:59 +8) - datetime!(2025-07-01 00:30 +8))
        .as_seconds_f64()
        / 3600.0;
    let avg = value(&july, "avg_hours_to_close").as_f64().unwrap();
    assert!((avg - hours).abs() < 1e-6, "{avg} vs {hours}");
    assert_eq!(
        value(&july, "overdue_now"),
        Value::Null,
        "a past month has no 'now'"
    );
    // The month before: B alone, reported a second before midnight; nothing due.
    assert_eq!(figure(&july, "cases_reported")["previous"], json!(1.0));
    assert_eq!(figure(&july, "closure_rate")["previous"], Value::Null);
    assert_eq!(figure(&july, "cases_reported")["last_year"], json!(0.0));
    assert_eq!(july["by_category"][0]["closed"], 1);

    // August: C, reported at midnight; due and not closed.
    let (_, august) = staff
        .get("/api/v1/stats?period=month&from=2025-08-01")
        .await;
    assert_eq!(value(&august, "cases_reported"), json!(1.0));
    assert_eq!(value(&august, "cases_closed"), json!(0.0));
    assert_eq!(value(&august, "closure_rate"), json!(0.0));
    assert_eq!(
        value(&august, "satisfaction"),
        Value::Null,
        "no ratings: no value"
    );

    // A second later A would have closed in August.
    set_time(
        app,
        a_id,
        case::Column::ClosedAt,
        datetime!(2025-08-01 00:00 +8),
    )
    .await;
    let (_, july) = staff
        .get("/api/v1/stats?period=month&from=2025-07-01")
        .await;
    let (_, august) = staff
        .get("/api/v1/stats?period=month&from=2025-08-31")
        .await;
    assert_eq!(value(&july, "cases_closed"), json!(0.0));
    assert_eq!(value(&august, "cases_closed"), json!(1.0));
    assert_eq!(
        value(&july, "closure_rate"),
        json!(0.0),
        "due in July, not closed by the month's end"
    );

    // This month: C is overdue now.
    let (_, now) = staff.get("/api/v1/stats").await;
    assert_eq!(value(&now, "overdue_now"), json!(1.0));

    // A custom span and a quarter's trend by month.
    let (_, span) = staff
        .get("/api/v1/stats?period=custom&from=2025-06-30&to=2025-08-01")
        .await;
    assert_eq!(value(&span, "cases_reported"), json!(3.0));
    let (status, trend) = staff
        .get("/api/v1/stats/trend?period=quarter&from=2025-07-01&figure=cases_reported&interval=month")
        .await;
    assert_eq!(status, StatusCode::OK, "{trend}");
    let points: Vec<(String, Value)> = trend["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"]["from"].as_str().unwrap().to_string(),
                p["value"].clone(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [
            ("2025-07-01".to_string(), json!(1.0)),
            ("2025-08-01".to_string(), json!(1.0)),
            ("2025-09-01".to_string(), json!(0.0)),
        ]
    );

    // Breakdowns of the summer: by grid and by source.
    let (_, by_grid) = staff
        .get("/api/v1/stats/breakdown?period=custom&from=2025-06-01&to=2025-08-31&by=grid")
        .await;
    let rows: Vec<(Value, Value, Value)> = by_grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key_id"].clone(),
                r["reported"].clone(),
                r["closed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (json!(grid1), json!(2), json!(1)),
            (json!(grid2), json!(1), json!(0))
        ]
    );
    assert_eq!(by_grid["rows"][0]["name"], "第一网格");
    assert_eq!(by_grid["rows"][0]["overdue"], 1, "C is overdue now");
    let (_, by_source) = staff
        .get("/api/v1/stats/breakdown?period=custom&from=2025-06-01&to=2025-08-31&by=source")
        .await;
    assert_eq!(by_source["rows"][0]["source"], "resident_report");
    assert_eq!(by_source["rows"][0]["reported"], 3);
    let (_, by_worker) = staff
        .get("/api/v1/stats/breakdown?period=custom&from=2025-06-01&to=2025-08-31&by=grid_worker")
        .await;
    let worker = by_worker["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key_id"] == gw_id)
        .unwrap();
    assert_eq!(
        (worker["name"].clone(), worker["reported"].clone()),
        (json!("赵网格员"), json!(1))
    );

    // A bar leads to exactly the cases it counts.
    let (status, drilled) = staff
        .get(&format!(
            "/api/v1/stats/cases?period=custom&from=2025-06-01&to=2025-08-31&by=grid&key={grid1}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{drilled}");
    let titles: Vec<&str> = drilled["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["井盖松动", "楼道堆物"], "newest first");
    assert_eq!(drilled["total"], 2);
    let (_, june) = staff
        .get("/api/v1/stats/cases?period=month&from=2025-06-10&by=source&key=resident_report")
        .await;
    assert_eq!(june["items"][0]["title"], "路灯不亮");
    assert_eq!(june["total"], 1);
    assert_eq!(
        gw.get(&format!(
            "/api/v1/stats/cases?by=grid&key={grid2}&place_id={grid2}"
        ))
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (_, gw_drill) = gw
        .get(&format!(
            "/api/v1/stats/cases?period=custom&from=2025-06-01&to=2025-08-31&by=grid&key={grid2}"
        ))
        .await;
    assert_eq!(
        gw_drill["total"], 0,
        "another grid's cases stay out of a grid worker's list"
    );

    // Scopes: a grid, a micro-grid, the grid worker's own grids and no further.
    let (_, g2) = staff
        .get(&format!(
            "/api/v1/stats?period=month&from=2025-06-01&place_id={grid2}"
        ))
        .await;
    assert_eq!(g2["scope"]["name"], "第二网格");
    assert_eq!(value(&g2, "cases_reported"), json!(1.0));
    let (_, m1) = staff
        .get(&format!(
            "/api/v1/stats?period=quarter&from=2025-07-01&place_id={micro1}"
        ))
        .await;
    assert_eq!(m1["scope"]["kind"], "micro_grid");
    assert_eq!(value(&m1, "cases_reported"), json!(2.0));
    let (status, mine) = gw
        .get("/api/v1/stats?period=custom&from=2025-06-01&to=2025-08-31")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        value(&mine, "cases_reported"),
        json!(2.0),
        "B is in another grid"
    );
    assert_eq!(
        gw.get(&format!("/api/v1/stats?place_id={grid2}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        gw.get(&format!("/api/v1/stats/breakdown?by=grid&place_id={grid2}"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (_, gw_grids) = gw
        .get("/api/v1/stats/breakdown?period=custom&from=2025-06-01&to=2025-08-31&by=grid")
        .await;
    assert_eq!(gw_grids["rows"].as_array().unwrap().len(), 1, "{gw_grids}");
    assert_eq!(resident.get("/api/v1/stats").await.0, StatusCode::FORBIDDEN);

    // Bad input is a clear 422 naming the field.
    for (url, field) in [
        (
            "/api/v1/stats?period=custom&from=2025-08-01&to=2025-07-01",
            "to",
        ),
        ("/api/v1/stats?period=custom&to=2025-07-01", "from"),
        ("/api/v1/stats?from=2025-02-30", "from"),
        ("/api/v1/stats/trend?figure=overdue_now", "figure"),
        (
            "/api/v1/stats/trend?figure=cases_reported&period=custom&from=2023-01-01&to=2025-12-31&interval=day",
            "interval",
        ),
    ] {
        let (status, err) = staff.get(url).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {err}");
        assert_eq!(err["errors"][0]["field"], field, "{url}");
    }
    let (status, err) = staff
        .get(&format!("/api/v1/stats?place_id={}", home.id))
        .await;
    assert_eq!(
        (status, err["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("place_id")),
        "a building is not a scope"
    );
}
both!(case_figures_follow_the_records_and_beijing_days);

// ---------------------------------------------------------------------------------------
// Care, mediation, council and the residents served

/// Stores a row as the areas' services would have left it at a moment in the past (the API
/// cannot write history): the figures' queries read these tables.
pub(crate) async fn insert<A>(app: &TestApp, row: A) -> <A::Entity as sea_orm::EntityTrait>::Model
where
    A: sea_orm::ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    row.insert(&app.state.db.conn).await.unwrap()
}

fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
}

/// A resident of a grid (id, grid) and the building of their household.
async fn resident_in(app: &TestApp, grid_id: i64) -> ((i64, i64), place::Model) {
    use sea_orm::QueryOrder;
    use server::places::store::resident;
    let r = resident::Entity::find()
        .filter(resident::Column::GridId.eq(grid_id))
        .order_by_asc(resident::Column::Id)
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let household = place::Entity::find_by_id(r.household_id)
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let building = place::Entity::find_by_id(household.parent_id.unwrap())
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(building.kind, "building");
    ((r.id, r.grid_id), building)
}

async fn tag(app: &TestApp, resident_id: i64, groups: &[&str]) {
    use sea_orm::Set;
    use server::places::store::resident_group;
    resident_group::Entity::delete_many()
        .filter(resident_group::Column::ResidentId.eq(resident_id))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
    for g in groups {
        resident_group::ActiveModel {
            resident_id: Set(resident_id),
            group_name: Set(g.to_string()),
            purpose: Set(None),
            purpose_note: Set(None),
            set_by: Set(None),
            set_by_name: Set(None),
            set_at: Set(None),
        }
        .insert(&app.state.db.conn)
        .await
        .unwrap();
    }
}

async fn pairing(app: &TestApp, resident: (i64, i64), risk: &str, starts_on: time::Date) {
    use sea_orm::Set;
    use server::care::store::pairing;
    insert(
        app,
        pairing::ActiveModel {
            resident_id: Set(resident.0),
            grid_id: Set(resident.1),
            helper_user_id: Set(None),
            helper_name: Set("王大姐".into()),
            helper_kind: Set("volunteer".into()),
            risk: Set(risk.into()),
            purpose: Set(String::new()),
            contact_schedule: Set(String::new()),
            starts_on: Set(starts_on),
            active: Set(true),
            version: Set(1),
            created_at: Set(utc(starts_on.midnight().assume_utc())),
            ended_on: Set(None),
            end_reason: Set(None),
            ..Default::default()
        },
    )
    .await;
}

async fn visit(app: &TestApp, resident: (i64, i64), at: OffsetDateTime) {
    use sea_orm::Set;
    use server::care::store::visit;
    insert(
        app,
        visit::ActiveModel {
            resident_id: Set(resident.0),
            grid_id: Set(resident.1),
            visitor_id: Set(None),
            visitor_name: Set("王大姐".into()),
            method: Set("in_person".into()),
            visited_at: Set(utc(at)),
            needs: Set(String::new()),
            observations: Set(String::new()),
            errand_id: Set(None),
            case_id: Set(None),
            created_at: Set(utc(at)),
            ..Default::default()
        },
    )
    .await;
}

async fn errand(app: &TestApp, resident: (i64, i64), status: &str, at: OffsetDateTime) {
    use sea_orm::Set;
    use server::care::store::errand;
    insert(
        app,
        errand::ActiveModel {
            resident_id: Set(resident.0),
            grid_id: Set(resident.1),
            kind: Set("medicine".into()),
            description: Set("代购降压药".into()),
            status: Set(status.into()),
            requested_by: Set(None),
            helper_id: Set(None),
            helper_name: Set(None),
            amount_fen: Set(None),
            receipt: Set(None),
            confirmed_by: Set(None),
            confirmed_by_name: Set(None),
            visit_id: Set(None),
            version: Set(1),
            created_at: Set(utc(at)),
            updated_at: Set(utc(at)),
            ..Default::default()
        },
    )
    .await;
}

async fn meals(
    app: &TestApp,
    resident: (i64, i64),
    orders: &[(time::Date, &str, Option<OffsetDateTime>)],
) {
    use sea_orm::Set;
    use server::care::store::{enrolment, menu, order};
    let e = insert(
        app,
        enrolment::ActiveModel {
            resident_id: Set(resident.0),
            grid_id: Set(resident.1),
            mode: Set("delivery".into()),
            deliverer_user_id: Set(None),
            notes: Set(String::new()),
            active: Set(true),
            created_at: Set(utc(datetime!(2025-01-01 09:00 +8))),
            ..Default::default()
        },
    )
    .await
    .id;
    for (day, status, delivered) in orders {
        menu::ActiveModel {
            day: Set(*day),
            dishes: Set("米饭、青菜、豆腐".into()),
        }
        .insert(&app.state.db.conn)
        .await
        .unwrap();
        insert(
            app,
            order::ActiveModel {
                day: Set(*day),
                enrolment_id: Set(e),
                resident_id: Set(resident.0),
                grid_id: Set(resident.1),
                mode: Set("delivery".into()),
                deliverer_user_id: Set(None),
                status: Set(status.to_string()),
                delivered_at: Set(delivered.map(utc)),
                delivered_by: Set(delivered.map(|_| "王大姐".to_string())),
                created_at: Set(utc(day.midnight().assume_utc())),
                ..Default::default()
            },
        )
        .await;
    }
}

struct Dispute {
    number: &'static str,
    place_id: i64,
    grid_id: i64,
    accepted: OffsetDateTime,
    parties: usize,
    agreed: Option<OffsetDateTime>,
    /// The history's stage changes: (to stage, when).
    moves: &'static [(&'static str, OffsetDateTime)],
}

async fn dispute(app: &TestApp, d: Dispute) {
    use sea_orm::Set;
    use server::mediation::store::{event, file, party};
    let id = insert(
        app,
        file::ActiveModel {
            number: Set(d.number.into()),
            title: Set("楼上漏水".into()),
            description: Set("楼上漏水到楼下".into()),
            dispute_type: Set("water_leak".into()),
            origin: Set("application".into()),
            source_case_id: Set(None),
            place_id: Set(d.place_id),
            grid_id: Set(Some(d.grid_id)),
            stage: Set(d.moves.last().map_or("accepted", |m| m.0).into()),
            risk: Set(false),
            chosen_by_parties: Set(false),
            deadline: Set(None),
            accepted_at: Set(Some(utc(d.accepted))),
            agreement_facts: Set(None),
            agreement_oral: Set(false),
            agreement_effective_at: Set(d.agreed.map(utc)),
            outcome_note: Set(None),
            created_by: Set(None),
            version: Set(1),
            created_at: Set(utc(d.accepted)),
            updated_at: Set(utc(d.accepted)),
            ..Default::default()
        },
    )
    .await
    .id;
    for i in 0..d.parties {
        insert(
            app,
            party::ActiveModel {
                file_id: Set(id),
                position: Set(i as i32),
                side: Set(if i == 0 { "applicant" } else { "respondent" }.into()),
                name: Set(format!("当事人{i}")),
                phone: Set(None),
                id_number: Set(None),
                address: Set(None),
                representative: Set(None),
                user_id: Set(None),
                consent: Set(Some(true)),
                consent_note: Set(None),
                consent_at: Set(None),
                notified_at: Set(None),
                confirmed_by: Set(None),
                confirmed_at: Set(None),
                ..Default::default()
            },
        )
        .await;
    }
    for (to, at) in d.moves {
        insert(
            app,
            event::ActiveModel {
                file_id: Set(id),
                at: Set(utc(*at)),
                actor_id: Set(None),
                actor_name: Set("调解员".into()),
                action: Set("move".into()),
                from_stage: Set(None),
                to_stage: Set(Some(to.to_string())),
                note: Set(None),
                detail: Set(None),
                ..Default::default()
            },
        )
        .await;
    }
}

struct Item {
    scope_place_id: i64,
    grid_id: Option<i64>,
    raised: OffsetDateTime,
    decided: Option<(OffsetDateTime, time::Date)>,
    done: Option<OffsetDateTime>,
}

async fn council_item(app: &TestApp, it: Item) {
    use sea_orm::Set;
    use server::council::store::{event, item};
    let stage = match (it.decided, it.done) {
        (_, Some(_)) => "done",
        (Some(_), None) => "decided",
        _ => "proposed",
    };
    let id = insert(
        app,
        item::ActiveModel {
            scope_place_id: Set(it.scope_place_id),
            grid_id: Set(it.grid_id),
            title: Set("加装电梯".into()),
            description: Set("三号楼加装电梯".into()),
            category_id: Set(None),
            lon: Set(None),
            lat: Set(None),
            tier: Set(None),
            stage: Set(stage.into()),
            support_count: Set(0),
            raised_by: Set(None),
            raised_by_name: Set("居民".into()),
            meeting_id: Set(None),
            due: Set(None),
            decision_text: Set(it.decided.map(|_| "物业负责".to_string())),
            party_id: Set(None),
            decision_category_id: Set(None),
            decision_deadline: Set(it.decided.map(|d| d.1)),
            decided_at: Set(it.decided.map(|d| utc(d.0))),
            case_id: Set(None),
            reason: Set(None),
            version: Set(1),
            created_at: Set(utc(it.raised)),
            updated_at: Set(utc(it.raised)),
            ..Default::default()
        },
    )
    .await
    .id;
    if let Some(done) = it.done {
        insert(
            app,
            event::ActiveModel {
                item_id: Set(id),
                at: Set(utc(done)),
                actor_id: Set(None),
                actor_name: Set("书记".into()),
                action: Set("complete".into()),
                from_stage: Set(Some("carrying_out".into())),
                to_stage: Set(Some("done".into())),
                note: Set(None),
                meeting_id: Set(None),
                detail: Set(None),
                ..Default::default()
            },
        )
        .await;
    }
}

async fn work_figures_follow_the_records_of_each_area(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let community = app.place_id("XF-C01").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let (r1, home) = resident_in(app, grid1).await;
    let micro1 = home.parent_id.unwrap();
    let (r2, elsewhere) = resident_in(app, grid2).await;
    assert_eq!((r1.1, r2.1), (grid1, grid2));
    tag(app, r1.0, &["living_alone", "elderly"]).await;
    tag(app, r2.0, &[]).await;
    server::care::store::settings::Entity::update_many()
        .col_expr(
            server::care::store::settings::Column::HighDays,
            Expr::value(7),
        )
        .col_expr(
            server::care::store::settings::Column::KeyDays,
            Expr::value(30),
        )
        .exec(&app.state.db.conn)
        .await
        .unwrap();

    // Care. r1 (grid 1, weekly) from 22 February: visited 1, 7 and 14 March, then not until
    // a minute before April (Beijing) — due 1, 8 (met the 7th), 14, 21, 28 March: 3 of 5.
    pairing(app, r1, "high", time::macros::date!(2025 - 02 - 22)).await;
    for at in [
        datetime!(2025-03-01 10:00 +8),
        datetime!(2025-03-07 10:00 +8),
        datetime!(2025-03-14 10:00 +8),
        datetime!(2025-03-31 23:59 +8),
        // 00:30 on 1 April in Beijing: April's.
        datetime!(2025-03-31 16:30 UTC),
    ] {
        visit(app, r1, at).await;
    }
    // r2 (grid 2, monthly) from 10 February: due 12 March, never visited.
    pairing(app, r2, "key", time::macros::date!(2025 - 02 - 10)).await;
    errand(app, r1, "confirmed", datetime!(2025-03-10 12:00 +8)).await;
    errand(app, r1, "done", datetime!(2025-02-28 23:00 +8)).await;
    errand(app, r2, "cancelled", datetime!(2025-03-05 12:00 +8)).await;
    errand(app, r2, "done", datetime!(2025-03-20 12:00 +8)).await;
    meals(
        app,
        r1,
        &[
            (
                time::macros::date!(2025 - 03 - 02),
                "delivered",
                Some(datetime!(2025-03-02 11:30 +8)),
            ),
            (
                time::macros::date!(2025 - 03 - 03),
                "delivered",
                Some(datetime!(2025-03-03 11:30 +8)),
            ),
            (time::macros::date!(2025 - 03 - 04), "cancelled", None),
            (time::macros::date!(2025 - 03 - 05), "ordered", None),
        ],
    )
    .await;

    // Mediation: in grid 1 accepted and agreed in March, performed and closed; in grid 2
    // accepted in February and failed in March; in grid 1 again, accepted in April.
    dispute(
        app,
        Dispute {
            number: "T-2025-001",
            place_id: home.id,
            grid_id: grid1,
            accepted: datetime!(2025-03-05 10:00 +8),
            parties: 2,
            agreed: Some(datetime!(2025-03-20 10:00 +8)),
            moves: &[
                ("accepted", datetime!(2025-03-05 10:00 +8)),
                ("performance", datetime!(2025-03-20 10:00 +8)),
                ("closed", datetime!(2025-03-28 10:00 +8)),
            ],
        },
    )
    .await;
    dispute(
        app,
        Dispute {
            number: "T-2025-002",
            place_id: elsewhere.id,
            grid_id: grid2,
            accepted: datetime!(2025-02-20 10:00 +8),
            parties: 3,
            agreed: None,
            moves: &[("failed", datetime!(2025-03-15 10:00 +8))],
        },
    )
    .await;
    dispute(
        app,
        Dispute {
            number: "T-2025-003",
            place_id: home.id,
            grid_id: grid1,
            accepted: datetime!(2025-04-01 00:00 +8),
            parties: 2,
            agreed: None,
            moves: &[],
        },
    )
    .await;

    // Council: grid 1's item done on its deadline day; grid 2's a day late; a community-wide
    // item raised and not yet decided.
    council_item(
        app,
        Item {
            scope_place_id: grid1,
            grid_id: Some(grid1),
            raised: datetime!(2025-03-02 10:00 +8),
            decided: Some((
                datetime!(2025-03-05 19:00 +8),
                time::macros::date!(2025 - 03 - 20),
            )),
            done: Some(datetime!(2025-03-20 23:00 +8)),
        },
    )
    .await;
    council_item(
        app,
        Item {
            scope_place_id: grid2,
            grid_id: Some(grid2),
            raised: datetime!(2025-02-15 10:00 +8),
            decided: Some((
                datetime!(2025-03-01 19:00 +8),
                time::macros::date!(2025 - 03 - 10),
            )),
            done: Some(datetime!(2025-03-11 09:00 +8)),
        },
    )
    .await;
    council_item(
        app,
        Item {
            scope_place_id: community,
            grid_id: None,
            raised: datetime!(2025-03-10 10:00 +8),
            decided: None,
            done: None,
        },
    )
    .await;

    // Cases: a resident's report closed in March counts among the residents served; a
    // patrol's does not.
    let rubbish = category(&resident, "E-ENV-01").await;
    for (title, source) in [("楼道灯坏", "resident_report"), ("路面破损", "patrol")] {
        let c = file(&resident, home.id, title, rubbish).await;
        let id = c["id"].as_i64().unwrap();
        let mut m: case::ActiveModel = case::Entity::find_by_id(id)
            .one(&app.state.db.conn)
            .await
            .unwrap()
            .unwrap()
            .into();
        m.stage = sea_orm::Set("closed".into());
        m.source = sea_orm::Set(source.into());
        m.created_at = sea_orm::Set(utc(datetime!(2025-03-10 10:00 +8)));
        m.closed_at = sea_orm::Set(Some(utc(datetime!(2025-03-15 10:00 +8))));
        m.update(&app.state.db.conn).await.unwrap();
    }

    let march = "period=month&from=2025-03-01";
    let (status, all) = staff.get(&format!("/api/v1/stats?{march}")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let expect = |d: &Value, pairs: &[(&str, Value)]| {
        for (id, v) in pairs {
            assert_eq!(&value(d, id), v, "{id} in {}", d["scope"]);
        }
    };
    expect(
        &all,
        &[
            ("visits_due", json!(6.0)),
            ("visits_on_schedule", json!(3.0)),
            ("errands_done", json!(2.0)),
            ("meals_served", json!(2.0)),
            ("mediation_accepted", json!(1.0)),
            ("mediation_agreed", json!(1.0)),
            ("mediation_success_rate", json!(0.5)),
            ("mediation_performed", json!(1.0)),
            ("council_raised", json!(2.0)),
            ("council_decided", json!(2.0)),
            ("council_done_on_time", json!(1.0)),
            // 1 case + 4 visits + 2 errands + 2 meals + 2 parties.
            ("residents_served", json!(11.0)),
        ],
    );
    assert_eq!(
        all["visits_by_group"],
        json!([
            {"group": "living_alone", "due": 5, "on_schedule": 3},
            {"group": "elderly", "due": 5, "on_schedule": 3},
            {"group": null, "due": 1, "on_schedule": 0},
        ])
    );
    // February: the errand done before midnight, the failed file's acceptance and parties.
    assert_eq!(figure(&all, "errands_done")["previous"], json!(1.0));
    assert_eq!(figure(&all, "mediation_accepted")["previous"], json!(1.0));
    assert_eq!(
        figure(&all, "mediation_success_rate")["previous"],
        Value::Null
    );
    assert_eq!(
        figure(&all, "residents_served")["previous"],
        json!(4.0),
        "1 errand + 3 parties"
    );

    // The grid worker: grid 1 only.
    let (_, mine) = gw.get(&format!("/api/v1/stats?{march}")).await;
    expect(
        &mine,
        &[
            ("visits_due", json!(5.0)),
            ("visits_on_schedule", json!(3.0)),
            ("errands_done", json!(1.0)),
            ("meals_served", json!(2.0)),
            ("mediation_accepted", json!(1.0)),
            ("mediation_success_rate", json!(1.0)),
            ("council_raised", json!(1.0)),
            ("council_decided", json!(1.0)),
            ("council_done_on_time", json!(1.0)),
            ("residents_served", json!(10.0)),
        ],
    );
    assert_eq!(
        mine["visits_by_group"].as_array().unwrap().len(),
        2,
        "r2's visits are not theirs: {}",
        mine["visits_by_group"]
    );
    // Grid 2, the community (the community-wide item counts there), the micro-grid.
    let (_, g2) = staff
        .get(&format!("/api/v1/stats?{march}&place_id={grid2}"))
        .await;
    expect(
        &g2,
        &[
            ("visits_due", json!(1.0)),
            ("errands_done", json!(1.0)),
            ("meals_served", json!(0.0)),
            ("mediation_success_rate", json!(0.0)),
            ("council_raised", json!(0.0)),
            ("council_decided", json!(1.0)),
            ("council_done_on_time", json!(0.0)),
            ("residents_served", json!(1.0)),
        ],
    );
    let (_, c) = staff
        .get(&format!("/api/v1/stats?{march}&place_id={community}"))
        .await;
    expect(
        &c,
        &[("council_raised", json!(2.0)), ("visits_due", json!(6.0))],
    );
    let (_, m) = staff
        .get(&format!("/api/v1/stats?{march}&place_id={micro1}"))
        .await;
    expect(
        &m,
        &[
            ("visits_due", json!(5.0)),
            ("meals_served", json!(2.0)),
            ("mediation_accepted", json!(1.0)),
            ("residents_served", json!(10.0)),
        ],
    );
    // April has the minute-past-midnight visit and the file accepted at midnight.
    let (_, april) = staff
        .get("/api/v1/stats?period=month&from=2025-04-01")
        .await;
    expect(&april, &[("mediation_accepted", json!(1.0))]);

    // A work figure's trend adds up to its month.
    let (status, trend) = staff
        .get(&format!(
            "/api/v1/stats/trend?{march}&figure=meals_served&interval=week"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{trend}");
    let sum: f64 = trend["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .sum();
    assert_eq!(sum, 2.0);
    let (_, served) = staff
        .get(&format!(
            "/api/v1/stats/trend?{march}&figure=residents_served&interval=month"
        ))
        .await;
    assert_eq!(served["points"][0]["value"], json!(11.0));

    monthly_report_matches_the_dashboard(app, &staff, &gw, grid1, grid2).await;
}
both!(work_figures_follow_the_records_of_each_area);

/// The figures in a workbook's sheet, by the name in its second column: (this month, the
/// month before, the same month last year), blank cells as none.
fn sheet_figures(
    bytes: &[u8],
) -> (
    Vec<String>,
    std::collections::HashMap<String, [Option<f64>; 3]>,
    calamine::Range<calamine::Data>,
) {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .expect("an XLSX workbook");
    let names = wb.sheet_names();
    let figures = wb.worksheet_range("主要指标").unwrap();
    let weeks = wb.worksheet_range("每周趋势").unwrap();
    let mut out = std::collections::HashMap::new();
    let rows: Vec<&[Data]> = figures.rows().collect();
    assert!(
        matches!(&rows[0][0], Data::String(t) if t.contains("月度工作报告")),
        "a title row: {:?}",
        rows[0]
    );
    assert_eq!(rows[2][1], Data::String("指标".into()), "the header row");
    let num = |d: &Data| match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::Empty => None,
        other => panic!("not a number: {other:?}"),
    };
    for r in &rows[3..] {
        let Data::String(name) = &r[1] else {
            panic!("{r:?}")
        };
        out.insert(name.clone(), [num(&r[2]), num(&r[3]), num(&r[4])]);
    }
    (names, out, weeks)
}

async fn monthly_report_matches_the_dashboard(
    app: &TestApp,
    staff: &crate::common::Api,
    gw: &crate::common::Api,
    grid1: i64,
    grid2: i64,
) {
    let (status, report) = staff.get("/api/v1/stats/report?month=2025-03").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (_, dashboard) = staff
        .get("/api/v1/stats?period=month&from=2025-03-01")
        .await;
    assert_eq!(report["month"], "2025-03");
    assert_eq!(report["dashboard"]["figures"], dashboard["figures"]);
    assert_eq!(
        report["dashboard"]["visits_by_group"],
        dashboard["visits_by_group"]
    );
    // Council: both decisions of March, grid 2's done late; disputes by type.
    assert_eq!(report["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(report["decisions"][0]["stage"], "done");
    assert_eq!(report["decisions"][0]["overdue"], false);
    assert_eq!(
        report["mediation"],
        json!([{"dispute_type": "water_leak", "accepted": 1, "agreed": 1, "failed": 1, "performed": 1}])
    );
    let weeks = report["weeks"].as_array().unwrap();
    assert_eq!(weeks.first().unwrap()["period"]["from"], "2025-03-01");
    assert_eq!(weeks.last().unwrap()["period"]["to"], "2025-03-31");
    let reported: u64 = weeks.iter().map(|w| w["reported"].as_u64().unwrap()).sum();
    assert_eq!(json!(reported as f64), value(&dashboard, "cases_reported"));

    // The workbook: the same figures, read back.
    let res = staff
        .request(
            reqwest::Method::GET,
            "/api/v1/stats/report.xlsx?month=2025-03",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("report-2025-03.xlsx")
    );
    let bytes = res.bytes().await.unwrap();
    let (sheets, figures, weeks_sheet) = sheet_figures(&bytes);
    assert_eq!(
        sheets,
        [
            "主要指标",
            "每周趋势",
            "按网格",
            "按类别",
            "办结时长",
            "特殊群体走访",
            "调解情况",
            "议事决定",
            "重点事件"
        ]
    );
    for f in dashboard["figures"].as_array().unwrap() {
        let id = shared::stats::FigureId::parse(f["id"].as_str().unwrap()).unwrap();
        let name = id.definition().name.zh;
        let got = figures
            .get(name)
            .unwrap_or_else(|| panic!("{name} not in the workbook"));
        for (i, key) in ["value", "previous", "last_year"].into_iter().enumerate() {
            match (got[i], f[key].as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{name} {key}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{name} {key}"),
            }
        }
    }
    assert_eq!(figures["调解成功率"][0], Some(0.5));
    assert_eq!(figures["服务群众人次"][0], Some(11.0));
    // Days are dates, not text: the first week starts on 1 March 2025.
    match &weeks_sheet.rows().nth(3).unwrap()[0] {
        calamine::Data::DateTime(d) => {
            assert!(d.is_datetime());
            // Excel's serial day of 2025-03-01.
            assert_eq!(d.as_f64(), 45717.0);
        }
        other => panic!("a date cell, not {other:?}"),
    }
    let audited = app.audit("stats.report.xlsx").await;
    assert_eq!(audited.len(), 1, "the download is audited");

    // The grid worker's report is of their grids; another grid's is refused.
    let (_, theirs) = gw.get("/api/v1/stats/report?month=2025-03").await;
    assert_eq!(value(&theirs["dashboard"], "visits_due"), json!(5.0));
    assert_eq!(theirs["decisions"].as_array().unwrap().len(), 1);
    let (status, _) = gw
        .get(&format!(
            "/api/v1/stats/report?month=2025-03&place_id={grid2}"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = gw
        .get(&format!(
            "/api/v1/stats/report.xlsx?month=2025-03&place_id={grid2}"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = gw
        .get(&format!(
            "/api/v1/stats/report?month=2025-03&place_id={grid1}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = staff.get("/api/v1/stats/report?month=2025-3").await;
    assert_eq!(
        (status, err["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("month"))
    );
}

/// The CSV's rows (after the byte-order mark and the header), each as its cells.
pub(crate) fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

pub(crate) async fn download(
    api: &crate::common::Api,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = api
        .request(reqwest::Method::GET, path)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

async fn exports_list_what_the_page_lists(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let home = building_in(app, grid1).await;
    let elsewhere = building_in(app, grid2).await;
    let rubbish = category(&resident, "E-ENV-01").await;
    // A title a spreadsheet would run as a formula, in grid 1; a plain one in grid 2.
    let evil = file(
        &resident,
        home.id,
        "=HYPERLINK(\"http://x\",\"点我\")",
        rubbish,
    )
    .await;
    let plain = file(&resident, elsewhere.id, "路灯不亮", rubbish).await;
    for (c, at) in [
        (&evil, datetime!(2025-05-10 09:00 +8)),
        (&plain, datetime!(2025-05-11 09:00 +8)),
    ] {
        set_time(app, c["id"].as_i64().unwrap(), case::Column::CreatedAt, at).await;
    }
    // Many more in grid 1, all at the same moment: more than two batches, told apart by id.
    let template = case::Entity::find_by_id(evil["id"].as_i64().unwrap())
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let many = 2 * server::stats::export::BATCH as usize + 7;
    let rows: Vec<case::ActiveModel> = (0..many)
        .map(|i| {
            let mut m: case::ActiveModel = template.clone().into();
            m.id = sea_orm::NotSet;
            m.number = sea_orm::Set(format!("EXP-{i:05}"));
            m.title = sea_orm::Set(format!("批量事件{i}"));
            m.created_at = sea_orm::Set(utc(datetime!(2025-05-20 09:00 +8)));
            m
        })
        .collect();
    for chunk in rows.chunks(200) {
        case::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db.conn)
            .await
            .unwrap();
    }

    let may = "period=month&from=2025-05-01";
    let (status, headers, bytes) = download(
        &staff,
        &format!("/api/v1/stats/export?kind=cases&format=csv&{may}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("cases-2025-05-01-2025-05-31.csv")
    );
    let (header, rows) = csv_rows(&bytes);
    assert_eq!(header[..3], ["编号", "标题", "类别"]);
    assert_eq!(rows.len(), many + 2, "every case of May, across batches");
    let numbers: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(numbers.len(), rows.len(), "no row twice, none skipped");
    // Newest first: the batch of 20 May, then 11 May, then 10 May.
    assert_eq!(rows.last().unwrap()[0], evil["number"].as_str().unwrap());
    assert_eq!(
        rows.last().unwrap()[1],
        "'=HYPERLINK(\"http://x\",\"点我\")",
        "a formula stays text"
    );
    assert_eq!(rows.last().unwrap()[7], "2025-05-10 09:00", "Beijing time");
    let audited = app.audit("stats.export").await;
    assert_eq!(audited.len(), 1);
    assert!(
        audited[0]
            .detail
            .as_deref()
            .unwrap()
            .contains(&format!("\"n\":{}", many + 2)),
        "{:?}",
        audited[0].detail
    );

    // Compressed as a browser asks for it: the same rows, to the end (the stream is polled
    // once more after its end by the compression layer).
    let res = staff
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/stats/export?kind=cases&format=csv&{may}"),
        )
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let zipped = res.bytes().await.expect("the whole body");
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&zipped[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(csv_rows(&unzipped).1.len(), many + 2);

    // The page's group: grid 2's cases alone, as `/stats/cases` lists them.
    let (_, _, bytes) = download(
        &staff,
        &format!("/api/v1/stats/export?kind=cases&format=csv&{may}&by=grid&key={grid2}"),
    )
    .await;
    let (_, g2) = csv_rows(&bytes);
    let (_, drilled) = staff
        .get(&format!("/api/v1/stats/cases?{may}&by=grid&key={grid2}"))
        .await;
    assert_eq!(g2.len() as u64, drilled["total"].as_u64().unwrap());
    assert_eq!(g2[0][1], "路灯不亮");

    // The grid worker's export stops at their grid.
    let (status, _, bytes) = download(
        &gw,
        &format!("/api/v1/stats/export?kind=cases&format=csv&{may}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, theirs) = csv_rows(&bytes);
    assert_eq!(theirs.len(), many + 1);
    assert!(theirs.iter().all(|r| r[1] != "路灯不亮"));
    let (status, _, _) = download(
        &gw,
        &format!("/api/v1/stats/export?kind=cases&format=xlsx&{may}&place_id={grid2}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // XLSX: the same rows, times as dates, the formula as text.
    let (status, headers, bytes) = download(
        &staff,
        &format!("/api/v1/stats/export?kind=cases&format=xlsx&{may}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("事件").unwrap();
    let all: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(all.len(), many + 3, "a header and every row");
    assert_eq!(all[0][0], Data::String("编号".into()));
    let last = all.last().unwrap();
    assert_eq!(
        last[1],
        Data::String("=HYPERLINK(\"http://x\",\"点我\")".into()),
        "a string cell, never a formula"
    );
    assert!(
        matches!(&last[7], Data::DateTime(d) if d.is_datetime()),
        "{:?}",
        last[7]
    );
    assert_eq!(
        app.audit("stats.export").await.len(),
        5,
        "every download is audited"
    );

    let (status, err) = staff
        .get("/api/v1/stats/export?kind=cases&format=pdf")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
}
both!(exports_list_what_the_page_lists);
