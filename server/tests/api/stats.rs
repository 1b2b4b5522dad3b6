//! Statistics: the dashboard's case figures counted from cases made through the API, each
//! period on Beijing days (a case just before and just after midnight at a period's edge),
//! the grid worker's scope, trends and breakdowns.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use server::cases::store::{case, event};
use server::places::store::place;
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

async fn mv(api: &Api, case: &Value, body: Value) -> Value {
    let mut body = body;
    body["version"] = case["version"].clone();
    let (status, next) = api
        .post(&format!("/api/v1/cases/{}/moves", case["id"]), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    next
}

async fn file(api: &Api, place_id: i64, title: &str, cat: i64) -> Value {
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
async fn building_in(app: &TestApp, grid_id: i64) -> place::Model {
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
async fn set_time(app: &TestApp, id: i64, column: case::Column, at: OffsetDateTime) {
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
