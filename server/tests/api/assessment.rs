//! Assessment (考核): a month of a grid worker's reports, verifications and patrols, the
//! residents' reports in their grid and a party's cases, made through the API and moved into
//! March 2025; the scores follow the record and the rules, a recomputation gives the same
//! answer, each reader sees what is theirs, and the rules change only against their version.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use crate::stats::{building_in, file, insert, mv, set_time};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use server::cases::store::{case, event};
use server::map::patrols::patrol;
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

fn id(c: &Value) -> i64 {
    c["id"].as_i64().unwrap()
}

/// When one kind of step happened in a case's history.
async fn set_step_time(app: &TestApp, case_id: i64, action: &str, at: OffsetDateTime) {
    event::Entity::update_many()
        .col_expr(event::Column::At, Expr::value(at.to_offset(UtcOffset::UTC)))
        .filter(event::Column::CaseId.eq(case_id))
        .filter(event::Column::Action.eq(action))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
}

async fn in_march(app: &TestApp, c: &Value) {
    set_time(
        app,
        id(c),
        case::Column::CreatedAt,
        datetime!(2025-03-02 10:00 +8),
    )
    .await;
}

fn row(a: &Value, key: i64) -> &Value {
    a["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key_id"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {a}"))
}

fn value<'a>(r: &'a Value, indicator: &str) -> &'a Value {
    r["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no {indicator} in {r}"))
}

async fn get(api: &Api, path: &str) -> Value {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn scores_follow_the_record_and_the_rules(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let admin = app.login("admin").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let home = building_in(app, grid1).await;
    let elsewhere = building_in(app, grid2).await;
    let rubbish = category(&resident, "E-ENV-01").await;
    let property = party(&staff, "PROPERTY").await;
    let gw_id = app.user_id("gridworker").await;

    // The grid worker's own reports: two registered, one refused → 2 of 3 valid.
    let mut mine = Vec::new();
    for title in ["井盖缺失", "电线私拉", "重复上报"] {
        let (status, c) = gw
            .post(
                "/api/v1/cases",
                json!({"title": title, "category_id": rubbish, "urgency": "normal",
                       "source": "patrol", "place_id": home.id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        in_march(app, &c).await;
        mine.push(c);
    }
    mv(&staff, &mine[0], json!({"action": "register"})).await;
    mv(&staff, &mine[1], json!({"action": "register"})).await;
    mv(
        &staff,
        &mine[2],
        json!({"action": "refuse", "refusal_reason": "duplicate", "note": "与前一件相同"}),
    )
    .await;

    // Residents' reports in the grid: registered ones are missed by the patrols (the two the
    // grid worker verifies below too); a refused one and one in another grid are not.
    let missed = file(&resident, home.id, "楼道灯坏", rubbish).await;
    in_march(app, &missed).await;
    mv(&staff, &missed, json!({"action": "register"})).await;
    let refused = file(&resident, home.id, "不是问题", rubbish).await;
    in_march(app, &refused).await;
    mv(
        &staff,
        &refused,
        json!({"action": "refuse", "refusal_reason": "duplicate", "note": "重复"}),
    )
    .await;
    let other_grid = file(&resident, elsewhere.id, "别处的事", rubbish).await;
    in_march(app, &other_grid).await;
    mv(&staff, &other_grid, json!({"action": "register"})).await;

    // Two cases the office handled and the grid worker verified: one within 8 working hours
    // of the feedback (Monday 10:00 → 16:00), one not (Friday 16:00 → Tuesday 10:00).
    let mut verified = Vec::new();
    for title in ["垃圾满溢", "路灯不亮"] {
        let c = file(&resident, home.id, title, rubbish).await;
        in_march(app, &c).await;
        let mut c = mv(&staff, &c, json!({"action": "register"})).await;
        c = mv(
            &staff,
            &c,
            json!({"action": "dispatch", "responsible_party_id": property}),
        )
        .await;
        c = mv(&staff, &c, json!({"action": "start"})).await;
        c = mv(&staff, &c, json!({"action": "feedback", "note": "已处理"})).await;
        c = mv(&gw, &c, json!({"action": "verify_pass"})).await;
        verified.push(c);
    }
    let (v1, v2) = (id(&verified[0]), id(&verified[1]));
    set_step_time(app, v1, "feedback", datetime!(2025-03-03 10:00 +8)).await;
    set_step_time(app, v1, "verify_pass", datetime!(2025-03-03 16:00 +8)).await;
    set_step_time(app, v2, "feedback", datetime!(2025-03-07 16:00 +8)).await;
    set_step_time(app, v2, "verify_pass", datetime!(2025-03-11 10:00 +8)).await;
    // The first closed by its deadline, the second due and open: half closed, for the party.
    let closed = mv(&staff, &verified[0], json!({"action": "close"})).await;
    set_time(
        app,
        v1,
        case::Column::DeadlineAt,
        datetime!(2025-03-10 17:00 +8),
    )
    .await;
    set_time(
        app,
        v1,
        case::Column::ClosedAt,
        datetime!(2025-03-04 10:00 +8),
    )
    .await;
    set_step_time(app, v1, "close", datetime!(2025-03-04 10:00 +8)).await;
    set_time(
        app,
        v2,
        case::Column::DeadlineAt,
        datetime!(2025-03-20 17:00 +8),
    )
    .await;
    assert_eq!(closed["stage"], "closed");

    // Patrols on two days of March (twice on the first) and one in April.
    for at in [
        datetime!(2025-03-03 09:00 +8),
        datetime!(2025-03-03 15:00 +8),
        datetime!(2025-03-04 09:00 +8),
        datetime!(2025-04-01 09:00 +8),
    ] {
        insert(
            app,
            patrol::ActiveModel {
                user_id: Set(gw_id),
                worker_name: Set("gridworker".into()),
                grid_id: Set(grid1),
                started_at: Set(at.to_offset(UtcOffset::UTC)),
                ended_at: Set(Some(
                    (at + time::Duration::hours(1)).to_offset(UtcOffset::UTC),
                )),
                version: Set(1),
                ..Default::default()
            },
        )
        .await;
    }

    let workers = get(
        &staff,
        "/api/v1/assessment?subject=grid_worker&month=2025-03",
    )
    .await;
    let me = row(&workers, gw_id);
    let expect = [
        ("reports_filed", json!(3), json!(null), json!(3.0)),
        ("valid_report_rate", json!(2), json!(3), json!(2.0 / 3.0)),
        ("on_time_verification", json!(1), json!(2), json!(0.5)),
        ("missed_reports", json!(3), json!(null), json!(3.0)),
        ("patrol_days", json!(2), json!(null), json!(2.0)),
    ];
    for (indicator, n, d, v) in expect {
        let got = value(me, indicator);
        assert_eq!(
            (&got["numerator"], &got["denominator"], &got["value"]),
            (&n, &d, &v),
            "{indicator}: {got}"
        );
    }
    // The score by the default rules: reports 3 of 20 (weight 15), valid 2/3 between 50 % and
    // 90 % (20), verification at the 50 % floor (20), 3 missed between 5 and 0 (15), 2 of 20
    // patrol days (15); visits only if some fell due.
    let visits = value(me, "visits_on_schedule");
    let (mut earned, mut weight) = (
        0.15 * 15.0 + (2.0 / 3.0 - 0.5) / 0.4 * 20.0 + 0.0 + 0.4 * 15.0 + 0.1 * 15.0,
        85.0,
    );
    if let Some(e) = visits["earned"].as_f64() {
        earned += e * 15.0;
        weight += 15.0;
    }
    let expected = (earned * 1000.0 / weight).round() / 10.0;
    assert_eq!(me["score"].as_f64(), Some(expected), "{me}");
    assert!(me["rank"].as_u64().is_some());

    // The party: one of two due cases closed, on time; both verified, none failed.
    let parties = get(&staff, "/api/v1/assessment?subject=party&month=2025-03").await;
    let p = row(&parties, property);
    for (indicator, n, d) in [
        ("closure_rate", 1, 2),
        ("on_time_rate", 1, 2),
        ("rework_rate", 0, 2),
    ] {
        assert_eq!(
            (
                value(p, indicator)["numerator"].as_u64(),
                value(p, indicator)["denominator"].as_u64()
            ),
            (Some(n), Some(d)),
            "{indicator}: {p}"
        );
    }
    assert_eq!(value(p, "satisfaction")["value"], Value::Null);
    // Closure and on-time at their floors earn nothing; no rework earns its 20 of 75.
    assert_eq!(p["score"].as_f64(), Some(26.7), "{p}");

    // The cases behind each count: exactly those counted.
    let behind = |subject: &str, key: i64, indicator: &str| {
        format!(
            "/api/v1/assessment/cases?subject={subject}&key={key}&indicator={indicator}&month=2025-03"
        )
    };
    let ids = |page: &Value| -> Vec<i64> {
        let mut v: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    let mine_ids: Vec<i64> = mine.iter().map(id).collect();
    for (indicator, expected) in [
        ("reports_filed", sorted(mine_ids.clone())),
        ("valid_report_rate", sorted(mine_ids.clone())),
        ("on_time_verification", sorted(vec![v1, v2])),
        ("missed_reports", sorted(vec![id(&missed), v1, v2])),
    ] {
        let page = get(&staff, &behind("grid_worker", gw_id, indicator)).await;
        assert_eq!(ids(&page), expected, "{indicator}");
        assert_eq!(page["total"], expected.len(), "{indicator}");
    }
    let page = get(&staff, &behind("party", property, "closure_rate")).await;
    assert_eq!(ids(&page), sorted(vec![v1, v2]));
    let page = get(&gw, &behind("grid_worker", gw_id, "reports_filed")).await;
    assert_eq!(page["total"], 3, "a grid worker reads their own");
    let (status, body) = staff
        .get(&behind("grid_worker", gw_id, "patrol_days"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "indicator");
    let (status, _) = staff.get(&behind("party", property, "reports_filed")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a party's indicator"
    );
    let other = app.login("resident").await;
    let (status, _) = other
        .get(&behind("grid_worker", gw_id, "reports_filed"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let staff_id = app.user_id("staff").await;
    let (status, _) = gw
        .get(&behind("grid_worker", staff_id, "reports_filed"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "another's cases are not a grid worker's to read"
    );
    let (status, _) = gw.get(&behind("party", property, "closure_rate")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The same month asked again: the same answer.
    let again = get(
        &staff,
        "/api/v1/assessment?subject=grid_worker&month=2025-03",
    )
    .await;
    assert_eq!(again, workers);

    // A grid worker sees their own row and their grids', no party's.
    let own = get(&gw, "/api/v1/assessment?subject=grid_worker&month=2025-03").await;
    assert_eq!(own["rows"].as_array().unwrap().len(), 1);
    assert_eq!(own["rows"][0], *me);
    let grids = get(&gw, "/api/v1/assessment?subject=grid&month=2025-03").await;
    let keys: Vec<i64> = grids["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key_id"].as_i64().unwrap())
        .collect();
    assert_eq!(keys, vec![grid1]);
    let (status, _) = gw
        .get("/api/v1/assessment?subject=party&month=2025-03")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = staff
        .get("/api/v1/assessment?subject=grid_worker&month=2025-3")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "month");

    // The admin lowers the patrol target to 2 days: the score follows; the set's version moves.
    let rules = get(&admin, "/api/v1/assessment/rules").await;
    let mut changed = rules.clone();
    for r in changed["rules"].as_array_mut().unwrap() {
        if r["subject"] == "grid_worker" && r["indicator"] == "patrol_days" {
            r["target"] = json!(2.0);
        }
    }
    let (status, saved) = admin.put("/api/v1/assessment/rules", changed.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], rules["version"].as_i64().unwrap() + 1);
    let after = get(
        &staff,
        "/api/v1/assessment?subject=grid_worker&month=2025-03",
    )
    .await;
    let me_after = row(&after, gw_id);
    assert_eq!(value(me_after, "patrol_days")["earned"], json!(1.0));
    let expected = ((earned + 0.9 * 15.0) * 1000.0 / weight).round() / 10.0;
    assert_eq!(me_after["score"].as_f64(), Some(expected), "{me_after}");
    assert_eq!(after["rules"], saved);

    // A second save against the old version: 409 with the rules in force, nothing changed.
    let (status, body) = admin.put("/api/v1/assessment/rules", changed).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"], saved);
    // A bad rule: the field named, nothing stored.
    let mut bad = saved.clone();
    bad["rules"][1]["target"] = json!(1.5);
    let (status, body) = admin.put("/api/v1/assessment/rules", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "rules[1].target");
    assert_eq!(get(&admin, "/api/v1/assessment/rules").await, saved);
    // Not for staff to change.
    let (status, _) = staff.put("/api/v1/assessment/rules", saved).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both!(scores_follow_the_record_and_the_rules);
