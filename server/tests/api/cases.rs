//! Cases: filing, the whole lifecycle with its roles, deadlines, rework, history, versions.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn mv(api: &Api, case: &Value, body: Value) -> (StatusCode, Value) {
    let mut body = body;
    body["version"] = case["version"].clone();
    api.post(&format!("/api/v1/cases/{}/moves", case["id"]), body)
        .await
}

fn ts(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        v.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

async fn a_report_goes_from_resident_to_verified_closure(app: &TestApp) {
    let resident = app.login("resident").await;
    let gw = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let mediator = app.login("mediator").await;
    let building = app.place_id("XF-C01-B0001").await;
    let rubbish = category(&resident, "E-ENV-01").await;

    let (status, c) = resident
        .post(
            "/api/v1/cases",
            json!({"title": "楼下垃圾堆放", "description": "3天没人清理", "category_id": rubbish, "urgency": "normal",
                   "source": "resident_report", "place_id": building, "reporter_hidden": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["stage"], "reported");
    assert!(
        c["number"]
            .as_str()
            .unwrap()
            .ends_with(&format!("-{:06}", c["id"].as_i64().unwrap()))
    );
    assert_eq!(c["grid_id"], app.place_id("XF-C01-G1").await);
    assert_eq!(
        c["legal_actions"],
        json!([]),
        "a resident has nothing to do on a new report"
    );
    assert_eq!(c["reporter_name"], "刘先生", "reporters see their own name");

    // Who sees it: the grid's worker and the office, not the mediator.
    let (_, gw_view) = gw.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(
        gw_view["reporter_name"],
        Value::Null,
        "the reporter asked to stay anonymous"
    );
    assert_eq!(
        mediator.get(&format!("/api/v1/cases/{}", c["id"])).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(mediator.get("/api/v1/cases").await.1["total"], 0);

    // Registration is the office's; the deadline comes from the SLA table (4 working hours).
    assert_eq!(
        mv(&gw, &c, json!({"action": "register"})).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, c) = mv(&staff, &c, json!({"action": "register"})).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let expected = shared::calendar::WorkCalendar::default().deadline(
        ts(&c["stage_entered_at"]),
        shared::calendar::Limit::WorkingHours(4),
    );
    assert_eq!(ts(&c["deadline_at"]), expected);

    let (status, err) = mv(&staff, &c, json!({"action": "dispatch"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["errors"][0]["field"], "responsible_party_id");
    let gw_id = app.user_id("gridworker").await;
    let property = party(&staff, "PROPERTY").await;
    let (_, c) = mv(
        &staff,
        &c,
        json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw_id}),
    )
    .await;
    assert_eq!(
        (c["stage"].clone(), c["assignee_id"].clone()),
        (json!("dispatched"), json!(gw_id))
    );

    let (_, c) = mv(&gw, &c, json!({"action": "start"})).await;
    assert_eq!(c["legal_actions"], json!(["request_postpone", "feedback"]));
    let (_, c) = mv(
        &gw,
        &c,
        json!({"action": "feedback", "note": "已联系物业清运"}),
    )
    .await;
    assert_eq!(c["stage"], "handled");
    assert_eq!(
        mv(&gw, &c, json!({"action": "verify_pass"})).await.0,
        StatusCode::FORBIDDEN,
        "no verifying one's own work"
    );

    // Failed verification: back to work, counted as rework.
    let (_, c) = mv(
        &staff,
        &c,
        json!({"action": "verify_fail", "note": "仍有垃圾"}),
    )
    .await;
    assert_eq!(
        (c["stage"].clone(), c["rework_count"].clone()),
        (json!("in_progress"), json!(1))
    );
    let (_, c) = mv(&gw, &c, json!({"action": "feedback", "note": "已全部清理"})).await;
    let (_, c) = mv(&staff, &c, json!({"action": "verify_pass"})).await;
    let (status, closed) = mv(&staff, &c, json!({"action": "close"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["stage"], "closed");
    assert!(!closed["overdue"].as_bool().unwrap());

    // A stale version is refused with the current case; an impossible move says so.
    let (status, stale) = mv(&staff, &c, json!({"action": "close"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["stage"], "closed");
    let (status, illegal) = mv(&staff, &closed, json!({"action": "close"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(illegal["code"], "illegal_move");

    // The reporter may reopen within the window.
    let (_, mine) = resident.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(mine["legal_actions"], json!(["reopen"]));
    assert_eq!(mine["may_rate"], true);
    assert_eq!(
        staff.get(&format!("/api/v1/cases/{}", c["id"])).await.1["may_rate"],
        false
    );
    let (status, reopened) = mv(
        &resident,
        &mine,
        json!({"action": "reopen", "note": "又堆起来了"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    assert_eq!(reopened["stage"], "registered");

    let actions: Vec<&str> = reopened["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "register",
            "dispatch",
            "start",
            "feedback",
            "verify_fail",
            "feedback",
            "verify_pass",
            "close",
            "reopen"
        ]
    );
    assert_eq!(reopened["history"][5]["actor_name"], "王干事");
    assert_eq!(
        reopened["history"][5]["note"],
        Value::Null,
        "the office's working note is not for the reporter"
    );
    assert_eq!(
        reopened["history"][4]["note"], "已联系物业清运",
        "what was done is"
    );
    let (_, staff_view) = staff.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(staff_view["history"][5]["note"], "仍有垃圾");
    let (_, mine) = resident.get("/api/v1/cases?mine=true").await;
    assert_eq!(mine["total"], 1);
}
both!(a_report_goes_from_resident_to_verified_closure);

async fn filing_checks_source_category_and_place(app: &TestApp) {
    let resident = app.login("resident").await;
    let building = app.place_id("XF-C01-B0001").await;
    let household = app.place_id("XF-C01-B0001-101").await;
    let leaf = category(&resident, "E-SAF-01").await;
    let top = category(&resident, "E-SAF").await;
    let report = |category_id: i64, source: &str, place_id: i64| json!({"title": "飞线充电", "category_id": category_id, "urgency": "urgent", "source": source, "place_id": place_id});
    let (status, e) = resident
        .post("/api/v1/cases", report(leaf, "patrol", building))
        .await;
    assert_eq!(
        (status, e["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("source"))
    );
    let (_, e) = resident
        .post("/api/v1/cases", report(top, "resident_report", building))
        .await;
    assert_eq!(
        e["errors"][0]["field"], "category_id",
        "cases take a second-level category"
    );
    let (_, e) = resident
        .post("/api/v1/cases", report(leaf, "resident_report", household))
        .await;
    assert_eq!(
        e["errors"][0]["field"], "place_id",
        "a household is not the resident's to see"
    );
    let (status, _) = resident
        .post("/api/v1/cases", report(leaf, "resident_report", building))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let gw = app.login("gridworker").await;
    assert_eq!(
        gw.post("/api/v1/cases", report(leaf, "patrol", household))
            .await
            .0,
        StatusCode::CREATED
    );
    let (_, overdue) = gw.get("/api/v1/cases?overdue=true").await;
    assert_eq!(
        overdue["total"], 0,
        "unregistered reports have no deadline yet"
    );
    let (_, found) = gw.get("/api/v1/cases?q=%E9%A3%9E%E7%BA%BF").await;
    assert_eq!(found["total"], 2);
}
both!(filing_checks_source_category_and_place);

/// The case says where it is, from the grid down; a hidden reporter's home is not told to
/// those who may not know the reporter (their household would name them).
async fn a_case_says_where_it_is_but_not_a_hidden_reporters_home(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let household = app.place_id("XF-C01-B0001-101").await;
    let (status, c) = staff
        .post(
            "/api/v1/cases",
            json!({"title": "楼上漏水", "category_id": category(&staff, "E-ENV-01").await, "urgency": "normal",
                   "source": "hotline", "place_id": household, "reporter_hidden": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let names = |v: &Value| -> Vec<String> {
        v["place_path"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, office) = staff.get(&format!("/api/v1/cases/{}", c["id"])).await;
    let office = names(&office);
    assert_eq!(
        office.first().map(String::as_str),
        Some("第一网格"),
        "{office:?}"
    );
    assert_eq!(
        office.last().map(String::as_str),
        Some("101室"),
        "{office:?}"
    );
    let (_, worker) = gw.get(&format!("/api/v1/cases/{}", c["id"])).await;
    let mut expected = office.clone();
    expected.pop();
    assert_eq!(names(&worker), expected, "the building, not the flat");
}
both!(a_case_says_where_it_is_but_not_a_hidden_reporters_home);

async fn duplicates_ratings_and_notifications(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0003").await;
    let hazard = category(&resident, "E-SAF-02").await;
    let report = |title: &str, lon: f64| {
        json!({"title": title, "category_id": hazard, "urgency": "urgent", "source": "resident_report", "place_id": building,
               "lon": lon, "lat": 36.0612})
    };
    let (_, first) = resident
        .post("/api/v1/cases", report("车库井口没有护栏", 103.8312))
        .await;
    // Before filing again, the reporter is offered their open report at the same place.
    let (_, offered) = resident
        .get(&format!(
            "/api/v1/cases/duplicates?category_id={hazard}&place_id={building}"
        ))
        .await;
    assert_eq!(offered[0]["id"], first["id"]);
    let (_, second) = resident
        .post("/api/v1/cases", report("井口危险", 103.8313))
        .await;
    let (_, seen_by_office) = staff.get(&format!("/api/v1/cases/{}", second["id"])).await;
    assert_eq!(
        seen_by_office["possible_duplicates"][0]["id"], first["id"],
        "about 10 m apart, same category"
    );
    assert_eq!(
        resident
            .get(&format!("/api/v1/cases/{}", second["id"]))
            .await
            .1["possible_duplicates"],
        json!([])
    );
    // Far away is not a duplicate.
    let gw = app.login("gridworker").await;
    let (_, far) = gw
        .get(&format!(
            "/api/v1/cases/duplicates?category_id={hazard}&lon=103.84&lat=36.07"
        ))
        .await;
    assert_eq!(far, json!([]));

    // The office refuses the second as a duplicate; the reporter is told.
    let (status, refused) = mv(
        &staff,
        &seen_by_office,
        json!({"action": "refuse", "refusal_reason": "duplicate", "note": "与前一件相同"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refused}");
    assert_eq!(refused["stage"], "refused");
    let (_, notes) = resident.get("/api/v1/notifications?unread=true").await;
    assert_eq!(notes[0]["action"], "refuse");
    assert_eq!(notes[0]["actor_name"], "王干事");
    assert_eq!(notes[0]["case_id"], second["id"]);
    assert_eq!(
        resident
            .post("/api/v1/notifications/read", json!({"ids": []}))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        resident.get("/api/v1/notifications?unread=true").await.1,
        json!([])
    );

    // Rating: only the reporter, only once closed.
    let (status, _) = resident
        .post(
            &format!("/api/v1/cases/{}/rating", first["id"]),
            json!({"score": 5}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not closed yet");
    let mut c = first.clone();
    let gw_id = app.user_id("gridworker").await;
    let property = party(&staff, "PROPERTY").await;
    for (who, body) in [
        (&staff, json!({"action": "register"})),
        (
            &staff,
            json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw_id}),
        ),
        (&gw, json!({"action": "start"})),
        (&gw, json!({"action": "feedback", "note": "已加装护栏"})),
        (&staff, json!({"action": "verify_pass"})),
        (&staff, json!({"action": "close"})),
    ] {
        let (status, next) = mv(who, &c, body).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        c = next;
    }
    assert_eq!(
        staff
            .post(
                &format!("/api/v1/cases/{}/rating", c["id"]),
                json!({"score": 5})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        resident
            .post(
                &format!("/api/v1/cases/{}/rating", c["id"]),
                json!({"score": 9})
            )
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, rated) = resident
        .post(
            &format!("/api/v1/cases/{}/rating", c["id"]),
            json!({"score": 5, "note": "很及时"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rated["rating"], json!({"score": 5, "note": "很及时"}));
    let (_, all) = resident.get("/api/v1/notifications").await;
    assert_eq!(
        all.as_array().unwrap().len(),
        7,
        "refusal plus six steps of the first report"
    );
}
both!(duplicates_ratings_and_notifications);

/// A resident about to report a hazard the grid worker has already reported is offered that
/// open case, in the public shape only (what, how far it has got, how near: nobody's name, words,
/// photos or point), and may say "this is my problem too" once instead of filing a second case;
/// the office sees how many did. Cases made out of a person's record (a home visit) are not
/// offered to those who may not open them.
async fn anyone_reporting_is_offered_open_cases_nearby_without_personal_data(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0003").await;
    let hazard = category(&gw, "E-SAF-02").await;
    let (status, first) = gw
        .post(
            "/api/v1/cases",
            json!({"title": "车库井口没有盖板", "description": "B2层东侧，夜里很暗，张大爷差点掉下去。",
                   "category_id": hazard, "urgency": "urgent", "source": "patrol", "place_id": building,
                   "lon": 121.4512, "lat": 31.2212, "reporter_hidden": false}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let query =
        json!({"category_id": hazard, "place_id": building, "lon": 121.4513, "lat": 31.2212});
    let (status, offered) = resident
        .get(&format!(
            "/api/v1/cases/duplicates?category_id={hazard}&place_id={building}&lon=121.4513&lat=31.2212"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    let offer = offered
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == first["id"])
        .unwrap_or_else(|| {
            panic!("the grid worker's open case is offered to the resident: {offered}")
        })
        .clone();
    let mut keys: Vec<&str> = offer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "also_reported",
            "also_reported_by_me",
            "category_id",
            "distance_m",
            "id",
            "may_open",
            "number",
            "same_place",
            "stage",
            "title"
        ],
        "the public shape, nothing more: {offer}"
    );
    assert_eq!(offer["number"], first["number"]);
    assert_eq!(offer["title"], "车库井口没有盖板");
    assert_eq!(offer["stage"], "reported");
    assert_eq!(offer["same_place"], true);
    assert_eq!(offer["distance_m"], 10, "about 10 m from the new point");
    assert_eq!(
        offer["may_open"], false,
        "a resident may not open the grid worker's case"
    );
    let text = offer.to_string();
    assert!(
        !text.contains("赵网格员") && !text.contains("张大爷"),
        "{text}"
    );
    // Its page stays closed to him.
    assert_eq!(
        resident
            .get(&format!("/api/v1/cases/{}", first["id"]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // "This is my problem too", twice (a double tap): counted once.
    for _ in 0..2 {
        let (status, also) = resident
            .post(
                &format!("/api/v1/cases/{}/also-reported", first["id"]),
                query.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{also}");
        assert_eq!(also["also_reported"], 1);
        assert_eq!(also["also_reported_by_me"], true);
    }
    let (_, seen_by_office) = staff.get(&format!("/api/v1/cases/{}", first["id"])).await;
    assert_eq!(seen_by_office["also_reported"], 1);
    // Only for a case the same question offers: not a way to reach any case by its number.
    let far = json!({"category_id": hazard, "lon": 121.46, "lat": 31.23});
    assert_eq!(
        resident
            .post(&format!("/api/v1/cases/{}/also-reported", first["id"]), far)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // A need found on a home visit, made a case at her flat: not offered to the resident.
    let zhang = app.resident_id("张秀兰").await;
    let repair = category(&gw, "E-ENV-01").await;
    let (status, visit) = gw
        .post(
            "/api/v1/care/visits",
            json!({"resident_id": zhang, "method": "in_person",
                   "visited_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap(),
                   "needs": "卫生间扶手松动", "follow_up": {"type": "case", "category_id": repair}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{visit}");
    let case_id = visit["case_id"].clone();
    let (_, visit_case) = staff.get(&format!("/api/v1/cases/{case_id}")).await;
    let flat = visit_case["place_id"].clone();
    let (_, to_resident) = resident
        .get(&format!(
            "/api/v1/cases/duplicates?category_id={repair}&place_id={flat}"
        ))
        .await;
    assert!(
        to_resident
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != case_id),
        "{to_resident}"
    );
    let (_, to_worker) = gw
        .get(&format!(
            "/api/v1/cases/duplicates?category_id={repair}&place_id={flat}"
        ))
        .await;
    assert!(
        to_worker
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case_id && c["may_open"] == true),
        "her grid worker may open it: {to_worker}"
    );
}
both!(anyone_reporting_is_offered_open_cases_nearby_without_personal_data);

/// The duplicate radius is each server's own setting (`LINJU_DUPLICATE_RADIUS_M`): two servers
/// in one process, one with a 20 m and one with a 500 m radius, answer the same question
/// differently for a report about 95 m away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_server_offers_duplicates_within_its_own_radius() {
    let mut found = Vec::new();
    for radius in [20.0, 500.0] {
        let app = TestApp::sqlite_configured(true, |c| c.duplicate_radius_m = radius).await;
        let resident = app.login("resident").await;
        let building = app.place_id("XF-C01-B0003").await;
        let hazard = category(&resident, "E-SAF-02").await;
        let (status, filed) = resident
            .post(
                "/api/v1/cases",
                json!({"title": "车库井口没有护栏", "category_id": hazard, "urgency": "urgent",
                       "source": "resident_report", "place_id": building, "lon": 103.8312, "lat": 36.0612}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let (_, near) = resident
            .get(&format!(
                "/api/v1/cases/duplicates?category_id={hazard}&lon=103.8322&lat=36.0612"
            ))
            .await;
        found.push(near.as_array().unwrap().len());
        app.cleanup().await;
    }
    assert_eq!(found, vec![0, 1], "20 m: none; 500 m: the report 95 m away");
}

async fn admins_configure_time_limits_and_the_calendar(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let rubbish = category(&admin, "E-ENV-01").await;
    let (_, rules) = admin.get("/api/v1/cases/sla").await;
    let rule = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category_id"] == rubbish && r["urgency"] == "normal")
        .unwrap();
    assert_eq!(
        rule["limit"],
        json!({"unit": "working_hours", "amount": 4}),
        "CJ/T 315: exposed rubbish, 4 working hours"
    );

    let two_days = json!([{"category_id": rubbish, "urgency": "normal", "limit": {"unit": "working_days", "amount": 2}}]);
    assert_eq!(
        staff.put("/api/v1/cases/sla", two_days.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = admin.put("/api/v1/cases/sla", two_days).await;
    assert_eq!(status, StatusCode::OK);
    let bad = json!([{"category_id": rubbish, "urgency": "normal", "limit": {"unit": "working_days", "amount": 0}}]);
    assert_eq!(
        admin.put("/api/v1/cases/sla", bad).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Tomorrow and the day after are holidays: registration today ends two working days later.
    let today = time::OffsetDateTime::now_utc()
        .to_offset(shared::calendar::SHANGHAI)
        .date();
    let d1 = today.next_day().unwrap();
    let d2 = d1.next_day().unwrap();
    let holidays = json!([{"day": d1.to_string(), "kind": "holiday", "name": "测试假日"}, {"day": d2.to_string(), "kind": "holiday"}]);
    let (status, days) = admin.put("/api/v1/calendar", holidays).await;
    assert_eq!(status, StatusCode::OK, "{days}");
    assert_eq!(days[0]["day"], d1.to_string());

    let resident = app.login("resident").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (_, c) = resident
        .post("/api/v1/cases", json!({"title": "垃圾", "category_id": rubbish, "urgency": "normal", "source": "resident_report", "place_id": building}))
        .await;
    let (_, c) = mv(&staff, &c, json!({"action": "register"})).await;
    let mut cal = shared::calendar::WorkCalendar::default();
    cal.holidays.insert(d1);
    cal.holidays.insert(d2);
    let expected = cal.deadline(
        ts(&c["stage_entered_at"]),
        shared::calendar::Limit::WorkingDays(2),
    );
    assert_eq!(ts(&c["deadline_at"]), expected);
    assert!(
        ts(&c["deadline_at"])
            .to_offset(shared::calendar::SHANGHAI)
            .date()
            > d2,
        "the holidays were skipped"
    );

    assert_eq!(
        admin.delete(&format!("/api/v1/calendar/{d1}")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .get("/api/v1/calendar")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
both!(admins_configure_time_limits_and_the_calendar);

/// A small PNG made here, for upload tests.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn photos_are_checked_and_shown_only_to_those_who_see_the_case(app: &TestApp) {
    let resident = app.login("resident").await;
    let mediator = app.login("mediator").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0001").await;
    let cat = category(&resident, "C-PUB-01").await;
    let (_, c) = resident
        .post("/api/v1/cases", json!({"title": "井盖缺失", "category_id": cat, "urgency": "urgent", "source": "resident_report", "place_id": building}))
        .await;
    let upload = |api: &Api, ct: &str, body: Vec<u8>, kind: &str| {
        api.request(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{}/photos?kind={kind}", c["id"]),
        )
        .header("content-type", ct.to_string())
        .body(body)
    };
    let res = upload(&resident, "image/png", png(1200, 900), "report")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let photo: Value = res.json().await.unwrap();
    assert_eq!(
        (photo["width"].clone(), photo["height"].clone()),
        (json!(1200), json!(900))
    );
    assert_eq!(
        upload(&resident, "image/gif", png(10, 10), "report")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let fake = upload(
        &resident,
        "image/png",
        b"definitely not a png".to_vec(),
        "report",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(fake.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        upload(&resident, "image/png", png(10, 10), "feedback")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN,
        "residents do not report work done"
    );
    let big = upload(
        &resident,
        "image/png",
        vec![0u8; 13 * 1024 * 1024],
        "report",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let thumb = staff
        .request(reqwest::Method::GET, photo["thumb_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let t = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240));
    assert_eq!(
        mediator.get(photo["url"].as_str().unwrap()).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, board) = staff.get("/api/v1/board").await;
    let card = &board["columns"][0]["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == c["id"])
        .unwrap()
        .clone();
    assert_eq!(card["photo_id"], photo["id"], "the card shows the photo");
    let (_, list) = resident
        .get(&format!("/api/v1/cases/{}/photos", c["id"]))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}
both!(photos_are_checked_and_shown_only_to_those_who_see_the_case);

async fn admins_configure_categories_and_parties(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let (status, group) = admin
        .post(
            "/api/v1/cases/categories",
            json!({"code": "e-pet", "name_zh": "宠物管理", "name_en": "Pets", "class": "event"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let (status, item) = admin
        .post("/api/v1/cases/categories", json!({"parent_id": group["id"], "code": "E-PET-01", "name_zh": "犬只扰民", "name_en": "Barking dogs"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(item["class"], "event", "items take their group's class");
    let (status, dup) = admin
        .post(
            "/api/v1/cases/categories",
            json!({"code": "E-PET-01", "name_zh": "x", "name_en": "x", "class": "event"}),
        )
        .await;
    assert_eq!(
        (status, dup["errors"][0]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("duplicate"))
    );
    assert_eq!(
        staff
            .post(
                "/api/v1/cases/categories",
                json!({"code": "X", "name_zh": "x", "name_en": "x", "class": "event"})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Its time limit, then a report in it gets the deadline.
    let rule = json!([{"category_id": item["id"], "urgency": "normal", "limit": {"unit": "working_days", "amount": 3}}]);
    assert_eq!(admin.put("/api/v1/cases/sla", rule).await.0, StatusCode::OK);
    let (_, meta) = staff.get("/api/v1/cases/meta").await;
    assert!(
        meta["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "E-PET-01")
    );

    // Retired, it disappears from the forms but stays for admins and old cases.
    let (status, retired) = admin
        .put(&format!("/api/v1/cases/categories/{}", item["id"]), json!({"parent_id": group["id"], "code": "E-PET-01", "name_zh": "犬只扰民", "name_en": "Barking dogs", "active": false}))
        .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    let (_, meta) = staff.get("/api/v1/cases/meta").await;
    assert!(
        !meta["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "E-PET-01")
    );
    let (_, all) = admin.get("/api/v1/cases/meta?all=true").await;
    assert!(
        all["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "E-PET-01" && c["active"] == false)
    );
    let (status, _) = admin
        .put(
            &format!("/api/v1/cases/categories/{}", item["id"]),
            json!({"parent_id": group["id"], "code": "E-PET-02", "name_zh": "x", "name_en": "x"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "codes are fixed once created"
    );

    let (status, p) = admin
        .post(
            "/api/v1/cases/parties",
            json!({"code": "water", "name_zh": "自来水公司", "name_en": "Water company"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(p["code"], "WATER");
    let (_, meta) = staff.get("/api/v1/cases/meta").await;
    assert!(
        meta["parties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name_zh"] == "自来水公司")
    );
}
both!(admins_configure_categories_and_parties);
