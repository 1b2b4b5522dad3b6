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
        .post(
            "/api/v1/cases",
            json!({"title": "楼道堆物", "category_id": rubbish, "urgency": "normal",
                                       "source": "resident_report", "place_id": building}),
        )
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
    assert_eq!(
        step2(EscalationLevel::GridLeader),
        step(EscalationLevel::GridLeader)
    );
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
    let planned = plan(
        &rule,
        &WorkCalendar::default(),
        registered,
        ts(&c["deadline_at"]),
    );
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

// ---------------------------------------------------------------- channels (email and SMS)

use crate::receivers::{SmsGatewayReceiver, SmtpReceiver};

/// Make a move as `username` through the service, with the clock at `t`.
async fn move_at(app: &TestApp, username: &str, id: i64, body: Value, t: OffsetDateTime) -> Value {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let conn = &app.state.db.conn;
    let u = server::accounts::store::user::Entity::find()
        .filter(server::accounts::store::user::Column::Username.eq(username))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let me = server::accounts::service::load_principal(conn, &u)
        .await
        .unwrap();
    let ctx = server::http::RequestCtx {
        request_id: None,
        ip: None,
        lang: shared::i18n::Lang::ZhCn,
        user_agent: None,
        secure: false,
    };
    let current = server::cases::service::get(&app.state, &me, id)
        .await
        .unwrap();
    let mut body = body;
    body["version"] = json!(current.summary.version);
    let m = serde_json::from_value(body).unwrap();
    let out = server::clock::at(
        t,
        server::cases::service::make_move(&app.state, &me, &ctx, id, m),
    )
    .await
    .unwrap();
    serde_json::to_value(out).unwrap()
}

async fn set_channels(api: &Api, channels: Value) -> (StatusCode, Value) {
    let (_, p) = api.get("/api/v1/me/preferences").await;
    api.put(
        "/api/v1/me/preferences",
        json!({"elder_mode": p["elder_mode"], "read_aloud": p["read_aloud"], "version": p["version"], "channels": channels}),
    )
    .await
}

/// 21:30 Beijing, two days from now (a moment in quiet hours, after anything the test made).
fn an_evening() -> OffsetDateTime {
    let day = OffsetDateTime::now_utc()
        .to_offset(shared::calendar::SHANGHAI)
        .date()
        .next_day()
        .unwrap()
        .next_day()
        .unwrap();
    time::PrimitiveDateTime::new(day, time::macros::time!(21:30))
        .assume_offset(shared::calendar::SHANGHAI)
        .to_offset(time::UtcOffset::UTC)
}

async fn email_and_sms_go_out_once_by_preference_with_quiet_hours_and_unsubscribe(
    app: &TestApp,
    smtp: &SmtpReceiver,
    sms: &SmsGatewayReceiver,
) {
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    // Preferences: off by default; a channel switched on needs its address.
    let (_, p) = gw.get("/api/v1/me/preferences").await;
    assert_eq!(p["channels"]["email_on"], false);
    let (status, err) = set_channels(&gw, json!({"email_on": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["errors"][0]["field"], "channels/email");
    let (status, p) = set_channels(
        &gw,
        json!({"email": "zhao@example.org", "phone": "13800001111", "email_on": true, "sms_on": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["channels"]["email"], "zhao@example.org");
    let (status, _) = set_channels(
        &resident,
        json!({"email": "liu@example.org", "phone": "13800002222", "email_on": true, "sms_on": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = set_channels(
        &staff,
        json!({"email": "wang@example.org", "email_on": true, "digest_on": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The resident's report is registered at 21:30: the email goes at once, the text waits
    // for 08:00 (quiet hours for residents).
    let building = app.place_id("XF-C01-B0001").await;
    let rubbish = category(&resident, "E-ENV-01").await;
    let (_, c) = resident
        .post(
            "/api/v1/cases",
            json!({"title": "刘先生家门口垃圾", "category_id": rubbish, "urgency": "normal",
                                       "source": "resident_report", "place_id": building}),
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let number = c["number"].as_str().unwrap().to_string();
    let evening = an_evening();
    let c = move_at(app, "staff", id, json!({"action": "register"}), evening).await;
    pass_at(app, evening).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.to, ["<liu@example.org>"]);
    let text = mail.text();
    assert!(text.contains(&number) && text.contains("立案"), "{text}");
    assert!(
        !text.contains("刘先生") && !text.contains("垃圾"),
        "no names or words of the report: {text}"
    );
    let message_id = mail.header("Message-ID").unwrap();
    assert!(message_id.starts_with("<linju-job-"), "{message_id}");
    assert!(text.contains("/api/v1/unsubscribe/"), "{text}");
    assert!(sms.received().is_empty(), "no text at 21:30");
    pass_at(app, evening + Duration::hours(2)).await;
    assert!(sms.received().is_empty(), "nor at 23:30");
    let morning = shared::supervision::next_morning(evening);
    assert_eq!(pass_at(app, morning - Duration::minutes(1)).await.ran, 0);
    pass_at(app, morning).await;
    let texts = sms.received();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0].body["phone"], "13800002222");
    assert!(texts[0].body["text"].as_str().unwrap().contains(&number));
    assert_eq!(texts[0].authorization.as_deref(), Some("Bearer test-key"));
    assert_eq!(
        texts[0].idempotency_key.as_deref(),
        texts[0].body["id"].as_str(),
        "the gateway can drop a repeat by the job's id"
    );

    // Dispatched to the grid worker; the warning (urgent) reaches them at once by both.
    let registered = ts(&c["stage_entered_at"]);
    let deadline = ts(&c["deadline_at"]);
    let gw_id = app.user_id("gridworker").await;
    let property = party(&staff, "PROPERTY").await;
    move_at(
        app,
        "staff",
        id,
        json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw_id}),
        morning + Duration::minutes(5),
    )
    .await;
    let planned = plan(
        &SupervisionRule::default_rule(),
        &WorkCalendar::default(),
        registered,
        deadline,
    );
    let before = (smtp.mails().len(), sms.received().len());
    pass_at(app, planned[0].due_at).await;
    let mails = smtp.mails();
    let to_gw: Vec<_> = mails
        .iter()
        .filter(|m| m.to == ["<zhao@example.org>"])
        .collect();
    assert_eq!(to_gw.len(), 1, "{mails:?}");
    assert!(to_gw[0].text().contains("黄牌"), "{}", to_gw[0].text());
    let texts = sms.received();
    assert!(
        texts.iter().any(|t| t.body["phone"] == "13800001111"
            && t.body["text"].as_str().unwrap().contains("黄牌"))
    );
    assert!(mails.len() > before.0 && texts.len() > before.1);

    // Unsubscribe by the email's link: no more email to the grid worker, SMS still.
    let text = to_gw[0].text();
    let link = text
        .split_whitespace()
        .find_map(|w| {
            w.split("退订：")
                .last()
                .filter(|l| l.contains("/api/v1/unsubscribe/"))
        })
        .unwrap()
        .to_string();
    let path = &link[link.find("/api/v1/unsubscribe/").unwrap()..];
    let page = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("已退订"));
    let (_, p) = gw.get("/api/v1/me/preferences").await;
    assert_eq!(p["channels"]["email_on"], false);
    assert_eq!(p["channels"]["sms_on"], true);
    let before = (smtp.mails().len(), sms.received().len());
    pass_at(app, deadline).await;
    assert_eq!(smtp.mails().len(), before.0, "unsubscribed from email");
    assert_eq!(sms.received().len(), before.1 + 1, "the escalation by SMS");
    assert_eq!(
        reqwest::get(format!("{}/api/v1/unsubscribe/nonsense", app.base))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // The office's daily digest: a staff member's own report registered in the evening is in
    // one email at 08:00, not an email of its own.
    let (_, own) = staff
        .post(
            "/api/v1/cases",
            json!({"title": "路灯不亮", "category_id": rubbish, "urgency": "normal",
                                       "source": "patrol", "place_id": building}),
        )
        .await;
    let own_id = own["id"].as_i64().unwrap();
    let later = evening + Duration::days(3);
    move_at(app, "admin", own_id, json!({"action": "register"}), later).await;
    let before = smtp.mails().len();
    pass_at(app, later).await;
    assert_eq!(smtp.mails().len(), before, "no single email for the office");
    let digest_at = shared::supervision::next_morning(later);
    pass_at(app, digest_at).await;
    let mails = smtp.mails();
    let digests: Vec<_> = mails
        .iter()
        .filter(|m| m.to == ["<wang@example.org>"])
        .collect();
    assert_eq!(digests.len(), 1, "{mails:?}");
    assert!(digests[0].text().contains(own["number"].as_str().unwrap()));
    // Nothing is sent twice.
    let all = (smtp.mails().len(), sms.received().len());
    assert_eq!(pass_at(app, digest_at).await.ran, 0);
    assert_eq!((smtp.mails().len(), sms.received().len()), all);
}

/// An app that sends email to `smtp` and SMS to `sms`.
async fn app_with_receivers(
    postgres: bool,
    smtp: &SmtpReceiver,
    sms: &SmsGatewayReceiver,
) -> TestApp {
    let tweak = |c: &mut server::config::Config| {
        c.smtp = Some(server::config::Smtp {
            url: format!("smtp://{}", smtp.addr),
            from: "邻聚 <noreply@linju.invalid>".into(),
        });
        c.sms = Some(server::config::SmsGateway {
            url: sms.url.clone(),
            template: server::config::DEFAULT_SMS_TEMPLATE.into(),
            auth: Some("Bearer test-key".into()),
            content_type: "application/json".into(),
        });
    };
    if postgres {
        TestApp::postgres_configured(true, tweak).await
    } else {
        TestApp::sqlite_configured(true, tweak).await
    }
}

async fn with_receivers(postgres: bool) {
    let smtp = SmtpReceiver::start().await;
    let sms = SmsGatewayReceiver::start().await;
    let app = app_with_receivers(postgres, &smtp, &sms).await;
    email_and_sms_go_out_once_by_preference_with_quiet_hours_and_unsubscribe(&app, &smtp, &sms)
        .await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_on_sqlite() {
    with_receivers(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_on_postgres() {
    with_receivers(true).await;
}

// ---------------------------------------------------------------- reminders across areas

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use shared::supervision::reminders::{self as rem, ReminderKind, ReminderSettings};

/// The reminders `api`'s user has received: (kind, open_id, at), oldest first.
async fn reminders(api: &Api) -> Vec<(ReminderKind, Option<i64>, Value)> {
    let (status, list) = api.get("/api/v1/notifications").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut out: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["about"] == "reminder")
        .map(|n| {
            let r = &n["reminder"];
            (
                serde_json::from_value(r["kind"].clone()).unwrap(),
                r["open_id"].as_i64(),
                r.clone(),
            )
        })
        .collect();
    out.reverse();
    out
}

async fn count_of(api: &Api, kind: ReminderKind, open_id: i64) -> usize {
    reminders(api)
        .await
        .iter()
        .filter(|(k, id, _)| *k == kind && *id == Some(open_id))
        .count()
}

fn beijing_today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(shared::calendar::SHANGHAI)
        .date()
}

/// A new resident of grid 1 (no visits, nobody's account).
async fn new_resident(app: &TestApp, name: &str) -> server::places::store::resident::Model {
    use server::places::store::resident;
    let conn = &app.state.db.conn;
    let liu = resident::Entity::find_by_id(app.resident_id("刘建华").await)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let now = OffsetDateTime::now_utc();
    resident::ActiveModel {
        household_id: Set(liu.household_id),
        grid_id: Set(liu.grid_id),
        name: Set(name.into()),
        birth_year: Set(Some(1940)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap()
}

async fn new_pairing(
    app: &TestApp,
    r: &server::places::store::resident::Model,
    helper: Option<i64>,
    starts_on: time::Date,
) -> server::care::store::pairing::Model {
    server::care::store::pairing::ActiveModel {
        resident_id: Set(r.id),
        grid_id: Set(r.grid_id),
        helper_user_id: Set(helper),
        helper_name: Set("王干事".into()),
        helper_kind: Set("volunteer".into()),
        risk: Set("high".into()),
        purpose: Set("探访".into()),
        contact_schedule: Set("每周".into()),
        starts_on: Set(starts_on),
        active: Set(true),
        version: Set(1),
        created_at: Set(OffsetDateTime::now_utc()),
        ended_on: Set(None),
        end_reason: Set(None),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap()
}

async fn care_reminders_reach_the_helper_and_the_grid_worker_once(app: &TestApp) {
    let conn = &app.state.db.conn;
    let gw = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let resident = app.login("resident").await;
    let staff_id = app.user_id("staff").await;
    let iv = server::care::service::intervals(conn).await.unwrap();
    let days = i64::from(iv.days(shared::care::RiskLevel::High));
    // Two high-risk residents due in three days: one with 王干事 as helper (visited on the
    // day), one with no helper (not visited).
    let due = beijing_today() + Duration::days(3);
    let visited = new_resident(app, "走访甲").await;
    let missed = new_resident(app, "走访乙").await;
    new_pairing(app, &visited, Some(staff_id), due - Duration::days(days)).await;
    new_pairing(app, &missed, None, due - Duration::days(days)).await;
    assert_eq!(
        shared::care::next_visit_due(None, due - Duration::days(days), days as u32),
        due
    );

    // The evening before: nothing yet.
    let due_at = rem::visit_due_at(due);
    pass_at(app, due_at - Duration::minutes(1)).await;
    assert_eq!(count_of(&gw, ReminderKind::VisitDue, visited.id).await, 0);
    // The morning it is due: to the helper and the grid worker, once; to nobody else.
    pass_at(app, due_at).await;
    pass_at(app, due_at + Duration::minutes(1)).await;
    assert_eq!(count_of(&gw, ReminderKind::VisitDue, visited.id).await, 1);
    assert_eq!(
        count_of(&staff, ReminderKind::VisitDue, visited.id).await,
        1
    );
    assert_eq!(count_of(&gw, ReminderKind::VisitDue, missed.id).await, 1);
    assert_eq!(
        count_of(&staff, ReminderKind::VisitDue, missed.id).await,
        0,
        "not their pairing"
    );
    for other in [&admin, &resident] {
        assert!(
            reminders(other)
                .await
                .iter()
                .all(|(_, id, _)| *id != Some(visited.id) && *id != Some(missed.id))
        );
    }
    let (_, _, r) = &reminders(&gw).await[0];
    let text = serde_json::to_string(r).unwrap();
    assert!(!text.contains("走访甲"), "no resident's name: {text}");

    // The first is visited that day: its overdue reminder is dropped and its next visit is
    // planned from the new record; the second is overdue on the next working day.
    server::care::store::visit::ActiveModel {
        resident_id: Set(visited.id),
        grid_id: Set(visited.grid_id),
        visitor_id: Set(Some(staff_id)),
        visitor_name: Set("王干事".into()),
        method: Set("home".into()),
        visited_at: Set(due_at + Duration::hours(2)),
        needs: Set(String::new()),
        observations: Set(String::new()),
        errand_id: Set(None),
        case_id: Set(None),
        created_at: Set(due_at + Duration::hours(2)),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let overdue_at = rem::visit_overdue_at(&WorkCalendar::default(), due);
    for t in [overdue_at, overdue_at + Duration::days(2)] {
        pass_at(app, t).await;
    }
    assert_eq!(
        count_of(&gw, ReminderKind::VisitOverdue, visited.id).await,
        0
    );
    assert_eq!(
        count_of(&staff, ReminderKind::VisitOverdue, visited.id).await,
        0
    );
    assert_eq!(
        count_of(&gw, ReminderKind::VisitOverdue, missed.id).await,
        1
    );
    let next_due = due + Duration::days(days);
    pass_at(app, rem::visit_due_at(next_due)).await;
    assert_eq!(
        count_of(&staff, ReminderKind::VisitDue, visited.id).await,
        2,
        "the next visit"
    );

    // Meals: one ordered for a day and not delivered by 12:30, to the deliverer and the grid
    // worker; one delivered in time is no reminder.
    let day = due + Duration::days(1);
    let enrol = server::care::store::enrolment::ActiveModel {
        resident_id: Set(missed.id),
        grid_id: Set(missed.grid_id),
        mode: Set("delivery".into()),
        deliverer_user_id: Set(Some(staff_id)),
        notes: Set(String::new()),
        active: Set(true),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    for (d, status) in [(day, "ordered"), (day + Duration::days(1), "delivered")] {
        server::care::store::order::ActiveModel {
            day: Set(d),
            enrolment_id: Set(enrol.id),
            resident_id: Set(missed.id),
            grid_id: Set(missed.grid_id),
            mode: Set("delivery".into()),
            deliverer_user_id: Set(Some(staff_id)),
            status: Set(status.into()),
            delivered_at: Set(None),
            delivered_by: Set(None),
            created_at: Set(OffsetDateTime::now_utc()),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
    }
    let s = ReminderSettings::default();
    let meals = |api: &Api| {
        let api = api.clone();
        async move {
            reminders(&api)
                .await
                .into_iter()
                .filter(|(k, _, _)| *k == ReminderKind::MealNotDelivered)
                .collect::<Vec<_>>()
        }
    };
    let before = meals(&gw).await.len();
    pass_at(app, rem::meal_check_at(&s, day) - Duration::minutes(1)).await;
    assert_eq!(meals(&gw).await.len(), before);
    pass_at(app, rem::meal_check_at(&s, day)).await;
    pass_at(app, rem::meal_check_at(&s, day + Duration::days(1))).await;
    let got = meals(&staff).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2["count"], 1);
    assert_eq!(meals(&gw).await.len(), before + 1);
}
both!(care_reminders_reach_the_helper_and_the_grid_worker_once);

async fn new_file(
    app: &TestApp,
    stage: &str,
    deadline: Option<time::Date>,
) -> server::mediation::store::file::Model {
    let now = OffsetDateTime::now_utc();
    let n = server::mediation::store::file::Entity::find()
        .all(&app.state.db.conn)
        .await
        .unwrap()
        .len();
    let f = server::mediation::store::file::ActiveModel {
        number: Set(format!("TJ-T{n:04}")),
        title: Set("邻里噪音".into()),
        description: Set(String::new()),
        dispute_type: Set("neighbour".into()),
        origin: Set("application".into()),
        source_case_id: Set(None),
        place_id: Set(app.place_id("XF-C01-G1").await),
        grid_id: Set(Some(app.place_id("XF-C01-G1").await)),
        stage: Set(stage.into()),
        risk: Set(false),
        chosen_by_parties: Set(false),
        deadline: Set(deadline),
        accepted_at: Set(Some(now)),
        agreement_facts: Set(None),
        agreement_oral: Set(false),
        agreement_effective_at: Set(None),
        outcome_note: Set(None),
        created_by: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap();
    server::mediation::store::mediator::ActiveModel {
        file_id: Set(f.id),
        user_id: Set(app.user_id("mediator").await),
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap();
    f
}

async fn mediation_and_case_reminders_follow_the_record(app: &TestApp) {
    let conn = &app.state.db.conn;
    let mediator = app.login("mediator").await;
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let s = ReminderSettings::default();
    // A file's time limit: three days before, to its mediator. Extended before then: the
    // reminder moves with it.
    let deadline = beijing_today() + Duration::days(10);
    let f = new_file(app, "in_session", Some(deadline)).await;
    pass_at(app, OffsetDateTime::now_utc()).await;
    let mut m: server::mediation::store::file::ActiveModel = f.clone().into();
    let later = deadline + Duration::days(5);
    m.deadline = Set(Some(later));
    m.update(conn).await.unwrap();
    pass_at(app, rem::mediation_limit_at(&s, deadline)).await;
    assert_eq!(
        count_of(&mediator, ReminderKind::MediationLimit, f.id).await,
        0,
        "re-planned"
    );
    pass_at(app, rem::mediation_limit_at(&s, later)).await;
    pass_at(app, rem::mediation_limit_at(&s, later) + Duration::hours(1)).await;
    assert_eq!(
        count_of(&mediator, ReminderKind::MediationLimit, f.id).await,
        1
    );
    assert_eq!(count_of(&gw, ReminderKind::MediationLimit, f.id).await, 0);
    let got = reminders(&mediator).await;
    let r = &got
        .iter()
        .find(|(k, _, _)| *k == ReminderKind::MediationLimit)
        .unwrap()
        .2;
    assert_eq!(r["number"], f.number.as_str());

    // An agreement in performance: its term due, then (performed) the follow-up visit; the
    // judicial-confirmation window before it closes, to the mediator and the party with an
    // account.
    let effective = OffsetDateTime::now_utc();
    let g = new_file(app, "performance", None).await;
    let mut m: server::mediation::store::file::ActiveModel = g.clone().into();
    m.agreement_effective_at = Set(Some(effective));
    m.update(conn).await.unwrap();
    server::mediation::store::party::ActiveModel {
        file_id: Set(g.id),
        position: Set(0),
        side: Set("applicant".into()),
        name: Set("刘建华".into()),
        user_id: Set(Some(app.user_id("resident").await)),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let term_due = beijing_today() + Duration::days(4);
    let t = server::mediation::store::term::ActiveModel {
        file_id: Set(g.id),
        position: Set(0),
        text: Set("移走空调外机".into()),
        due: Set(term_due),
        performed_at: Set(None),
        proof: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    pass_at(app, rem::term_reminder_at(&s, term_due)).await;
    pass_at(
        app,
        rem::term_reminder_at(&s, term_due) + Duration::minutes(5),
    )
    .await;
    assert_eq!(count_of(&mediator, ReminderKind::TermDue, g.id).await, 1);
    let performed = rem::term_reminder_at(&s, term_due) + Duration::hours(3);
    let mut tm: server::mediation::store::term::ActiveModel = t.into();
    tm.performed_at = Set(Some(performed));
    tm.update(conn).await.unwrap();
    let follow = rem::follow_up_due(&s, shared::calendar::day_at(performed));
    pass_at(app, rem::at_local(follow, rem::MORNING)).await;
    assert_eq!(
        count_of(&mediator, ReminderKind::FollowUpDue, g.id).await,
        1
    );
    let window = rem::confirmation_reminder_at(&s, effective);
    pass_at(app, window - Duration::minutes(1)).await;
    assert_eq!(
        count_of(&mediator, ReminderKind::ConfirmationWindow, g.id).await,
        0
    );
    pass_at(app, window).await;
    pass_at(app, window + Duration::minutes(1)).await;
    assert_eq!(
        count_of(&mediator, ReminderKind::ConfirmationWindow, g.id).await,
        1
    );
    assert_eq!(
        count_of(&resident, ReminderKind::ConfirmationWindow, g.id).await,
        1
    );
    assert_eq!(
        count_of(&gw, ReminderKind::ConfirmationWindow, g.id).await,
        0
    );
    let got = reminders(&resident).await;
    let r = &got
        .iter()
        .find(|(k, _, _)| *k == ReminderKind::ConfirmationWindow)
        .unwrap()
        .2;
    let closes = rem::confirmation_closes(effective);
    assert_eq!(shared::calendar::day_at(ts(&r["at"])), closes);

    // A case reopened: to the office (staff and admin), not the grid worker.
    let (c, _) = dispatched_case(app).await;
    let id = c["id"].as_i64().unwrap();
    let now = OffsetDateTime::now_utc();
    server::cases::store::event::ActiveModel {
        case_id: Set(id),
        at: Set(now),
        actor_id: Set(None),
        actor_name: Set(Some("刘先生".into())),
        action: Set("reopen".into()),
        from_stage: Set(Some("closed".into())),
        to_stage: Set(Some("registered".into())),
        note: Set(None),
        detail: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    pass_at(app, now + Duration::minutes(1)).await;
    pass_at(app, now + Duration::minutes(2)).await;
    for u in ["staff", "admin"] {
        let api = app.login(u).await;
        assert_eq!(
            count_of(&api, ReminderKind::CaseReopened, id).await,
            1,
            "{u}"
        );
    }
    assert_eq!(count_of(&gw, ReminderKind::CaseReopened, id).await, 0);
}
both!(mediation_and_case_reminders_follow_the_record);

async fn council_reminders_wait_out_quiet_hours_and_directives_reach_email(
    app: &TestApp,
    smtp: &SmtpReceiver,
    sms: &SmsGatewayReceiver,
) {
    let conn = &app.state.db.conn;
    let resident = app.login("resident").await;
    let elder = app.login("zhangxiulan").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let (status, _) = set_channels(
        &resident,
        json!({"email": "liu@example.org", "phone": "13800002222", "email_on": true, "sms_on": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = set_channels(
        &gw,
        json!({"email": "zhao@example.org", "email_on": true, "digest_on": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let grid = app.place_id("XF-C01-G1").await;
    let now = OffsetDateTime::now_utc();
    let it = server::council::store::item::ActiveModel {
        scope_place_id: Set(grid),
        grid_id: Set(Some(grid)),
        title: Set("加装电梯".into()),
        description: Set(String::new()),
        stage: Set("deliberating".into()),
        support_count: Set(0),
        raised_by: Set(None),
        raised_by_name: Set("王干事".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    // The ballot closes at 22:30 Beijing: the reminder comes at 22:30 the evening before, in
    // the residents' quiet hours.
    let closes = an_evening() + Duration::days(1) + Duration::hours(1);
    let rules = shared::council::BallotRules {
        quorum: shared::council::Quorum::None,
        pass: shared::council::PassRule::MajorityOfCast,
        per_household: false,
        hidden_until_close: false,
        anonymous: false,
        proxy_allowed: true,
    };
    let b = server::council::store::ballot::ActiveModel {
        item_id: Set(it.id),
        question: Set("是否同意加装电梯".into()),
        kind: Set(serde_json::to_string(&shared::council::BallotKind::Decision).unwrap()),
        rules: Set(serde_json::to_string(&rules).unwrap()),
        opens_at: Set(now),
        closes_at: Set(closes),
        frozen: Set(false),
        created_by: Set(Some(app.user_id("staff").await)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    // 张秀兰 has voted already; 刘建华 (the `resident` account) has not.
    let zhang =
        server::places::store::resident::Entity::find_by_id(app.resident_id("张秀兰").await)
            .one(conn)
            .await
            .unwrap()
            .unwrap();
    server::council::store::vote::ActiveModel {
        ballot_id: Set(b.id),
        voter_key: Set(shared::council::voter_key(
            &rules,
            zhang.id,
            zhang.household_id,
        )),
        resident_id: Set(zhang.id),
        household_id: Set(Some(zhang.household_id)),
        user_id: Set(Some(app.user_id("zhangxiulan").await)),
        recorded_by: Set(None),
        answer: Set(Some("agree".into())),
        updated_at: Set(now),
        proxy_action_id: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let s = ReminderSettings::default();
    let at = rem::ballot_reminder_at(&s, closes);
    assert!(shared::supervision::in_quiet_hours(at));
    let texts_before = sms.received().len();
    pass_at(app, at - Duration::minutes(1)).await;
    assert_eq!(
        count_of(&resident, ReminderKind::BallotNotVoted, it.id).await,
        0
    );
    pass_at(app, at).await;
    pass_at(app, at + Duration::minutes(1)).await;
    assert_eq!(
        count_of(&resident, ReminderKind::BallotNotVoted, it.id).await,
        1
    );
    assert_eq!(
        count_of(&elder, ReminderKind::BallotNotVoted, it.id).await,
        0,
        "she voted"
    );
    assert_eq!(
        count_of(&staff, ReminderKind::BallotClosing, it.id).await,
        1,
        "who opened it"
    );
    assert_eq!(
        count_of(&staff, ReminderKind::BallotNotVoted, it.id).await,
        0
    );
    assert_eq!(count_of(&gw, ReminderKind::BallotClosing, it.id).await, 0);
    // The email goes at once; the text waits for 08:00, still before the ballot closes.
    let mails = smtp.mails();
    let to_liu: Vec<_> = mails
        .iter()
        .filter(|m| m.to == ["<liu@example.org>"])
        .collect();
    assert_eq!(to_liu.len(), 1, "{mails:?}");
    assert!(
        to_liu[0].text().contains("加装电梯"),
        "{}",
        to_liu[0].text()
    );
    assert_eq!(sms.received().len(), texts_before, "quiet hours");
    let morning = shared::supervision::next_morning(at);
    assert!(morning < closes);
    pass_at(app, morning - Duration::minutes(1)).await;
    assert_eq!(sms.received().len(), texts_before);
    pass_at(app, morning).await;
    let texts = sms.received();
    assert_eq!(texts.len(), texts_before + 1, "{texts:?}");
    let last = texts.last().unwrap();
    assert_eq!(last.body["phone"], "13800002222");
    assert!(last.body["text"].as_str().unwrap().contains("您还没有投票"));
    pass_at(app, morning + Duration::minutes(1)).await;
    assert_eq!(sms.received().len(), texts_before + 1, "once");

    // A meeting: its agenda to the attendees with an account, a day before.
    let starts = closes + Duration::days(2);
    let m = server::council::store::meeting::ActiveModel {
        scope_place_id: Set(grid),
        grid_id: Set(Some(grid)),
        kind: Set("deliberation".into()),
        title: Set("第一网格议事会".into()),
        venue: Set("社区活动室".into()),
        starts_at: Set(starts),
        created_by: Set(Some(app.user_id("staff").await)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    server::council::store::agenda::ActiveModel {
        meeting_id: Set(m.id),
        item_id: Set(it.id),
        position: Set(0),
        minutes: Set(None),
    }
    .insert(conn)
    .await
    .unwrap();
    server::council::store::attendee::ActiveModel {
        meeting_id: Set(m.id),
        position: Set(0),
        kind: Set("resident".into()),
        name: Set("刘建华".into()),
        resident_id: Set(Some(app.resident_id("刘建华").await)),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    pass_at(app, rem::meeting_reminder_at(&s, starts)).await;
    assert_eq!(
        count_of(&resident, ReminderKind::MeetingSoon, m.id).await,
        1
    );
    assert_eq!(
        count_of(&elder, ReminderKind::MeetingSoon, m.id).await,
        0,
        "not an attendee"
    );
    let got = reminders(&resident).await;
    let r = &got
        .iter()
        .find(|(k, _, _)| *k == ReminderKind::MeetingSoon)
        .unwrap()
        .2;
    assert_eq!(r["agenda"], json!(["加装电梯"]));

    // A 督办 goes out through the one writer: the grid worker's email, at once (not in the
    // digest).
    let (c, _) = dispatched_case(app).await;
    let number = c["number"].as_str().unwrap().to_string();
    let before = smtp.mails().len();
    let (status, d) = staff
        .post(
            &format!("/api/v1/cases/{}/directives", c["id"]),
            json!({"instruction": "三日内清理完毕", "deadline_at": (OffsetDateTime::now_utc() + Duration::days(3)).format(&time::format_description::well_known::Rfc3339).unwrap(),
                   "addressee_id": app.user_id("gridworker").await}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    pass_at(app, OffsetDateTime::now_utc()).await;
    let mails = smtp.mails();
    let to_zhao: Vec<_> = mails[before..]
        .iter()
        .filter(|m| m.to == ["<zhao@example.org>"])
        .collect();
    assert_eq!(to_zhao.len(), 1, "{mails:?}");
    let text = to_zhao[0].text();
    assert!(text.contains("督办") && text.contains(&number), "{text}");
    assert!(
        !text.contains("三日内清理"),
        "the instruction stays in the app: {text}"
    );
    // And the notification is still the 督办 one in the app.
    let (_, list) = gw.get("/api/v1/notifications").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|n| n["about"] == "directive" && n["directive_id"] == d["id"])
    );
}

async fn council_and_directives_with_receivers(postgres: bool) {
    let smtp = SmtpReceiver::start().await;
    let sms = SmsGatewayReceiver::start().await;
    let app = app_with_receivers(postgres, &smtp, &sms).await;
    council_reminders_wait_out_quiet_hours_and_directives_reach_email(&app, &smtp, &sms).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_reminders_and_directive_mail_on_sqlite() {
    council_and_directives_with_receivers(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_reminders_and_directive_mail_on_postgres() {
    council_and_directives_with_receivers(true).await;
}
