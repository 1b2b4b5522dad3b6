//! Supervision: warnings and the escalation ladder, run by the scheduler on a stepped clock.
//! The case is filed and moved over HTTP at the wall clock's time; every moment the test
//! steps to is computed from the record (its deadline), never from the wall clock.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::supervision::scheduler::{PassReport, run_due};
use shared::calendar::WorkCalendar;
use shared::supervision::{Alert, EscalationLevel, SupervisionRule, plan};
use time::{Duration, OffsetDateTime};

async fn mv(api: &Api, case: &Value, body: Value) -> (StatusCode, Value) {
    let mut body = body;
    body["version"] = case["version"].clone();
    api.post(&format!("/api/v1/cases/{}/moves", case["id"]), body)
        .await
}

fn ts(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

/// One scheduler pass with the clock at `t`.
async fn pass_at(app: &TestApp, t: OffsetDateTime) -> PassReport {
    server::clock::at(t, run_due(&app.state)).await.unwrap()
}

/// The supervision alerts `api`'s user has received about case `id`.
async fn alerts(api: &Api, id: i64) -> Vec<Alert> {
    let (status, list) = api.get("/api/v1/notifications").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut out: Vec<Alert> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["case_id"] == id && !n["alert"].is_null())
        .map(|n| serde_json::from_value(n["alert"].clone()).unwrap())
        .collect();
    out.reverse();
    out
}

/// The mark of case `id` on the board (with an optional `mark` filter); none when the case is
/// not on the filtered board.
async fn board_mark(api: &Api, id: i64, filter: &str) -> Option<Value> {
    let (status, board) = api.get(&format!("/api/v1/board{filter}")).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["cards"].as_array().unwrap().iter())
        .find(|c| c["id"] == id)
        .map(|c| c["mark"].clone())
}

/// Make `username` the grid leader of grid `grid_code`, with their account.
async fn make_grid_leader(app: &TestApp, grid_code: &str, username: &str) {
    use sea_orm::{ActiveModelTrait, Set};
    server::places::store::place_leader::ActiveModel {
        place_id: Set(app.place_id(grid_code).await),
        position: Set(9),
        title: Set("grid_leader".into()),
        name: Set("网格长".into()),
        user_id: Set(Some(app.user_id(username).await)),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap();
}

/// A rubbish report in grid 1, registered by staff and dispatched to the grid's worker.
async fn dispatched_case(app: &TestApp) -> (Value, OffsetDateTime) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0001").await;
    let rubbish = category(&resident, "E-ENV-01").await;
    let (status, c) = resident
        .post("/api/v1/cases", json!({"title": "楼道堆物", "category_id": rubbish, "urgency": "normal",
                                       "source": "resident_report", "place_id": building}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let (status, c) = mv(&staff, &c, json!({"action": "register"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let registered = ts(&c["stage_entered_at"]);
    let gw = app.user_id("gridworker").await;
    let property = party(&staff, "PROPERTY").await;
    let (status, c) = mv(
        &staff,
        &c,
        json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    (c, registered)
}

async fn warning_then_each_step_of_the_ladder_once_and_a_holiday_delays_a_step(app: &TestApp) {
    make_grid_leader(app, "XF-C01-G1", "staff").await;
    let gw = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let (c, registered) = dispatched_case(app).await;
    let id = c["id"].as_i64().unwrap();
    let deadline = ts(&c["deadline_at"]);
    let planned = plan(
        &SupervisionRule::default_rule(),
        &WorkCalendar::default(),
        registered,
        deadline,
    );
    let at = |alert: Alert| planned.iter().find(|p| p.alert == alert).unwrap().due_at;
    let warn_at = at(Alert::Warning);
    assert!(registered < warn_at && warn_at < deadline);

    // A minute before the warning: nothing.
    let r = pass_at(app, warn_at - Duration::minutes(1)).await;
    assert_eq!(r.ran, 0, "{r:?}");
    assert!(alerts(&gw, id).await.is_empty());
    assert_eq!(board_mark(&staff, id, "").await, Some(Value::Null));

    // The warning: to the assignee, once; the card carries 黄牌.
    let r = pass_at(app, warn_at).await;
    assert_eq!((r.ran, r.notified), (1, 1), "{r:?}");
    assert_eq!(pass_at(app, warn_at).await.ran, 0, "run once");
    assert_eq!(alerts(&gw, id).await, [Alert::Warning]);
    let mark = board_mark(&staff, id, "").await.unwrap();
    assert_eq!(mark, json!({"mark": "yellow", "escalated_to": null}));
    assert!(board_mark(&staff, id, "?mark=yellow").await.is_some());
    assert!(board_mark(&staff, id, "?mark=red").await.is_none());
    let (_, view) = gw.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(view["mark"]["mark"], "yellow", "the case page shows it too");

    // The deadline: the assignee's step; 红牌 from here on.
    let step = |level| at(Alert::Escalated { level });
    let r = pass_at(app, step(EscalationLevel::Assignee)).await;
    assert_eq!((r.ran, r.notified), (1, 1), "{r:?}");
    assert_eq!(
        alerts(&gw, id).await,
        [
            Alert::Warning,
            Alert::Escalated {
                level: EscalationLevel::Assignee
            }
        ]
    );
    assert_eq!(
        board_mark(&staff, id, "?mark=red").await.unwrap(),
        json!({"mark": "red", "escalated_to": "assignee"})
    );
    assert!(board_mark(&staff, id, "?mark=yellow").await.is_none());

    // The day of the secretary's step becomes a holiday: that step waits for the next
    // working day; the grid leader's (earlier) does not move.
    let secretary_day = step(EscalationLevel::Secretary)
        .to_offset(shared::calendar::SHANGHAI)
        .date();
    let (status, _) = admin
        .put(
            "/api/v1/calendar",
            json!([{"day": secretary_day.to_string(), "kind": "holiday", "name": "测试假日"}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut cal = WorkCalendar::default();
    cal.holidays.insert(secretary_day);
    let replanned = plan(&SupervisionRule::default_rule(), &cal, registered, deadline);
    let step2 = |level| {
        replanned
            .iter()
            .find(|p| p.alert == Alert::Escalated { level })
            .unwrap()
            .due_at
    };
    assert_eq!(step2(EscalationLevel::GridLeader), step(EscalationLevel::GridLeader));
    assert!(step2(EscalationLevel::Secretary) > step(EscalationLevel::Secretary));

    let r = pass_at(app, step(EscalationLevel::GridLeader)).await;
    assert_eq!((r.ran, r.notified), (1, 1), "{r:?}");
    assert_eq!(
        alerts(&staff, id).await,
        [Alert::Escalated {
            level: EscalationLevel::GridLeader
        }],
        "the grid leader (王干事 here) hears of it"
    );
    // At the secretary's old moment: nothing (the holiday).
    assert_eq!(pass_at(app, step(EscalationLevel::Secretary)).await.ran, 0);
    assert!(alerts(&admin, id).await.is_empty());
    let r = pass_at(app, step2(EscalationLevel::Secretary)).await;
    assert_eq!(r.ran, 1, "{r:?}");
    assert_eq!(
        alerts(&admin, id).await,
        [Alert::Escalated {
            level: EscalationLevel::Secretary
        }],
        "no party secretary with an account: the admins"
    );
    // The street: nobody there has an account; the step is still taken and marked.
    let r = pass_at(app, step2(EscalationLevel::Street)).await;
    assert_eq!((r.ran, r.notified), (1, 0), "{r:?}");
    assert_eq!(
        board_mark(&staff, id, "").await.unwrap(),
        json!({"mark": "red", "escalated_to": "street"})
    );
    // Long after: nothing more, nothing twice.
    assert_eq!(
        pass_at(app, step2(EscalationLevel::Street) + Duration::days(30))
            .await
            .ran,
        0
    );
    assert_eq!(alerts(&gw, id).await.len(), 2);
    assert_eq!(alerts(&staff, id).await.len(), 1);
    assert_eq!(alerts(&admin, id).await.len(), 1);

    // Closing ends supervision: no mark in the closed column.
    let (_, c) = gw.get(&format!("/api/v1/cases/{id}")).await;
    let (_, c) = mv(&gw, &c, json!({"action": "start"})).await;
    let (_, c) = mv(&gw, &c, json!({"action": "feedback", "note": "已清理"})).await;
    let (status, c) = mv(&staff, &c, json!({"action": "verify_pass"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let (status, c) = mv(&staff, &c, json!({"action": "close"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    pass_at(app, step2(EscalationLevel::Street) + Duration::days(31)).await;
    assert_eq!(board_mark(&staff, id, "").await, Some(Value::Null));
}
both!(warning_then_each_step_of_the_ladder_once_and_a_holiday_delays_a_step);

async fn a_changed_deadline_plans_again(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let (c, registered) = dispatched_case(app).await;
    let id = c["id"].as_i64().unwrap();
    let deadline = ts(&c["deadline_at"]);
    let rule = SupervisionRule::default_rule();
    let first = plan(&rule, &WorkCalendar::default(), registered, deadline);
    pass_at(app, first[0].due_at).await;
    assert_eq!(alerts(&gw, id).await, [Alert::Warning]);

    // Postponed with a new deadline a month on (the clock stops), then resumed.
    let (_, c) = mv(&gw, &c, json!({"action": "start"})).await;
    let until = OffsetDateTime::now_utc() + Duration::days(30);
    let until_text = until
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (status, c) = mv(
        &gw,
        &c,
        json!({"action": "request_postpone", "postpone_until": until_text, "note": "等配件"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let (status, c) = mv(&staff, &c, json!({"action": "approve_postpone"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["stage"], "postponed");
    // While the clock stands, the old deadline's steps do not come and the card is clean.
    let r = pass_at(app, deadline + Duration::days(3)).await;
    assert_eq!(r.ran, 0, "{r:?}");
    assert_eq!(board_mark(&staff, id, "").await, Some(Value::Null));
    let (status, c) = mv(&gw, &c, json!({"action": "resume"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let new_deadline = ts(&c["deadline_at"]);
    assert!(new_deadline > deadline);
    // Planned again from the new deadline: a fresh card, a new warning when its time comes.
    let again = plan(&rule, &WorkCalendar::default(), registered, new_deadline);
    let r = pass_at(app, again[0].due_at - Duration::minutes(1)).await;
    assert_eq!(r.ran, 0, "{r:?}");
    assert_eq!(board_mark(&staff, id, "").await, Some(Value::Null));
    assert_eq!(pass_at(app, again[0].due_at).await.ran, 1);
    assert_eq!(alerts(&gw, id).await, [Alert::Warning, Alert::Warning]);
}
both!(a_changed_deadline_plans_again);

async fn admins_edit_the_ladder(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let (status, rules) = staff.get("/api/v1/supervision/rules").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rules["rules"][0]["warn_percent_left"], 25);
    assert_eq!(rules["rules"][0]["steps"].as_array().unwrap().len(), 4);
    let rubbish = category(&admin, "E-ENV-01").await;
    let mut body = rules.clone();
    body["rules"]
        .as_array_mut()
        .unwrap()
        .push(json!({"category_id": rubbish, "warn_percent_left": 50,
                     "steps": [{"level": "assignee", "delay_hours": 0}, {"level": "secretary", "delay_hours": 2}]}));
    assert_eq!(
        staff.put("/api/v1/supervision/rules", body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let mut bad = body.clone();
    bad["rules"][1]["steps"] =
        json!([{"level": "secretary", "delay_hours": 0}, {"level": "assignee", "delay_hours": 2}]);
    let (status, err) = admin.put("/api/v1/supervision/rules", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["errors"][0]["field"], "rules/1/steps/1/level");
    let (status, saved) = admin.put("/api/v1/supervision/rules", body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], rules["version"].as_i64().unwrap() + 1);
    // A stale save: 409 with what is saved.
    let (status, current) = admin.put("/api/v1/supervision/rules", body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(current["current"]["rules"][1]["warn_percent_left"], 50);

    // The category's own rule plans its cases: warning at half the time, the secretary two
    // working hours after the deadline.
    let (c, registered) = dispatched_case(app).await;
    let id = c["id"].as_i64().unwrap();
    let rule: SupervisionRule = serde_json::from_value(saved["rules"][1].clone()).unwrap();
    let planned = plan(&rule, &WorkCalendar::default(), registered, ts(&c["deadline_at"]));
    assert_eq!(planned.len(), 3);
    for p in &planned {
        assert_eq!(pass_at(app, p.due_at).await.ran, 1);
    }
    assert_eq!(
        alerts(&admin, id).await,
        [Alert::Escalated {
            level: EscalationLevel::Secretary
        }]
    );
}
both!(admins_edit_the_ladder);
