//! Care: 张阿姨 lives alone with a chronic illness and is paired with a "幸福大姐" volunteer; a
//! grid worker's visit finds she is running out of medicine, which becomes an errand the
//! volunteer runs and the grid worker confirms. Sensitive records stay with those who care.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap()
}

async fn volunteer(app: &TestApp) -> (i64, Api) {
    let admin = app.login("admin").await;
    let (status, u) = admin
        .post(
            "/api/v1/users",
            json!({"username": "xingfu", "display_name": "陈阿姨", "password": "linju-demo", "roles": ["resident"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    (u["id"].as_i64().unwrap(), app.login("xingfu").await)
}

async fn ok(r: (StatusCode, Value), expect: StatusCode) -> Value {
    assert_eq!(r.0, expect, "{}", r.1);
    r.1
}

async fn a_visit_need_becomes_an_errand_the_helper_runs(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let (vid, vol) = volunteer(app).await;
    let zhang = app.resident_id("张秀兰").await;

    // Paired a month ago, high risk: a weekly visit is overdue.
    let starts = (OffsetDateTime::now_utc() - time::Duration::days(30)).date();
    let p = ok(
        staff
            .post(
                "/api/v1/care/pairings",
                json!({"resident_id": zhang, "helper_user_id": vid, "helper_name": "陈阿姨", "helper_kind": "volunteer",
                    "risk": "high", "purpose": "代购药品，每周探望", "contact_schedule": "每周二上午", "starts_on": starts.to_string()}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(p["overdue"], true);
    let (_, due) = vol.get("/api/v1/care/due?mine=true").await;
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due[0]["resident_name"], "张秀兰");
    assert_eq!(due[0]["overdue"], true);
    assert!(!app.audit("care.due.read").await.is_empty());

    // The grid worker visits; the need becomes an errand in the same step.
    let v = ok(
        gw.post(
            "/api/v1/care/visits",
            json!({"resident_id": zhang, "method": "in_person", "visited_at": now(),
                "needs": "降压药快吃完了", "observations": "精神不错，家中整洁",
                "follow_up": {"type": "errand", "kind": "medicine"}}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let errand_id = v["errand_id"].as_i64().expect("an errand was made");
    let (_, due) = vol.get("/api/v1/care/due?mine=true").await;
    assert_eq!(due[0]["overdue"], false, "visited today");

    // The volunteer sees it, takes it, completes it with the receipt.
    let (_, list) = vol.get("/api/v1/care/errands").await;
    let e = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == errand_id)
        .expect("the helper sees the errand of the resident she helps")
        .clone();
    assert_eq!(e["status"], "requested");
    assert_eq!(
        e["steps"],
        json!(["accept", "cancel"]),
        "what she may do now"
    );
    let mv = |api: &Api, body: Value| {
        let api = api.clone();
        async move {
            api.post(&format!("/api/v1/care/errands/{errand_id}/moves"), body)
                .await
        }
    };
    let e = ok(
        mv(&vol, json!({"step": "accept", "version": e["version"]})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e["helper_name"], "陈阿姨");
    let e = ok(
        mv(&vol, json!({"step": "complete", "version": e["version"], "amount_fen": 4650, "receipt": "社区医院 硝苯地平缓释片 两盒"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e["status"], "done");
    assert_eq!(e["steps"], json!([]), "she cannot confirm her own errand");
    let (_, gw_list) = gw.get("/api/v1/care/errands").await;
    let seen = gw_list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == errand_id)
        .unwrap();
    assert_eq!(
        seen["steps"],
        json!(["confirm"]),
        "the grid worker confirms"
    );
    let (status, _) = mv(&vol, json!({"step": "confirm", "version": e["version"]})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not confirmed by the one who ran it"
    );
    let (status, _) = mv(&gw, json!({"step": "confirm", "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version");
    let e = ok(
        mv(&gw, json!({"step": "confirm", "version": e["version"]})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e["status"], "confirmed");
    assert_eq!(e["confirmed_by_name"], "赵网格员");

    // Her record shows the visit and the errand; reading it is audited.
    let rec = ok(
        gw.get(&format!("/api/v1/care/residents/{zhang}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rec["visits"][0]["needs"], "降压药快吃完了");
    assert_eq!(rec["errands"][0]["status"], "confirmed");
    assert_eq!(rec["errands"][0]["amount_fen"], 4650);
    assert_eq!(rec["errands"][0]["steps"], json!([]));
    assert!(!app.audit("care.record.read").await.is_empty());

    // A need that is a repair becomes a case at her household.
    let (_, meta) = gw.get("/api/v1/cases/meta").await;
    let category = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let v = ok(
        gw.post(
            "/api/v1/care/visits",
            json!({"resident_id": zhang, "method": "in_person", "visited_at": now(),
                "needs": "卫生间扶手松动", "follow_up": {"type": "case", "category_id": category}}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let case_id = v["case_id"].as_i64().unwrap();
    let (_, c) = gw.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(c["source"], "visit");
    // The needs as the worker wrote them; where they came from is a fact beside them.
    assert_eq!(c["description"], "卫生间扶手松动");
    assert_eq!(c["origin"], json!({"kind": "visit", "visit_id": v["id"]}));
    assert_eq!(c["place_id"], app.place_id("XF-C01-B0001-101").await);
}
both!(a_visit_need_becomes_an_errand_the_helper_runs);

/// A second errand of the same kind while the first is still open is most likely the same
/// need: refused with `already_open` (and the visit with it: nothing half-written) unless the
/// writer confirms it is another matter; another kind, or after the first is done, is fine.
async fn an_open_errand_of_the_same_kind_is_not_made_twice_unconfirmed(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let zhang = app.resident_id("张秀兰").await;
    let visit = |kind: &str, confirm: bool| {
        json!({"resident_id": zhang, "method": "phone", "visited_at": now(),
            "needs": "降压药快吃完了", "follow_up": {"type": "errand", "kind": kind, "confirm_duplicate": confirm}})
    };
    ok(
        gw.post("/api/v1/care/visits", visit("medicine", false))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let (status, refused) = gw
        .post("/api/v1/care/visits", visit("medicine", false))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "follow_up/kind");
    assert_eq!(refused["errors"][0]["code"], "already_open");
    let (_, record) = gw.get(&format!("/api/v1/care/residents/{zhang}")).await;
    assert_eq!(
        record["visits"].as_array().unwrap().len(),
        1,
        "the refused visit is not kept"
    );
    assert_eq!(record["errands"].as_array().unwrap().len(), 1);
    // Another kind, or the same kind confirmed as another matter, is made.
    ok(
        gw.post("/api/v1/care/visits", visit("shopping", false))
            .await,
        StatusCode::CREATED,
    )
    .await;
    ok(
        gw.post("/api/v1/care/visits", visit("medicine", true))
            .await,
        StatusCode::CREATED,
    )
    .await;
    // The errand endpoint follows the same rule, on its `kind` field.
    let (status, refused) = gw
        .post(
            "/api/v1/care/errands",
            json!({"resident_id": zhang, "kind": "shopping", "description": "买菜"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "kind");
    assert_eq!(refused["errors"][0]["code"], "already_open");
}
both!(an_open_errand_of_the_same_kind_is_not_made_twice_unconfirmed);

/// Those who do not care for a resident see nothing of their care; counts carry no names.
async fn care_records_stay_with_those_who_care(app: &TestApp) {
    let staff = app.login("staff").await;
    let zhang = app.resident_id("张秀兰").await;
    let (_, vol) = volunteer(app).await;
    ok(
        staff
            .post(
                "/api/v1/care/visits",
                json!({"resident_id": zhang, "method": "phone", "visited_at": now(), "needs": "", "observations": "电话问候"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    let gw2 = app.login("gw2").await;
    for (who, api) in [
        ("other grid's worker", gw2.clone()),
        ("a volunteer not paired with her", vol.clone()),
        ("the mediator", app.login("mediator").await),
        ("another resident", app.login("resident").await),
    ] {
        let (status, body) = api.get(&format!("/api/v1/care/residents/{zhang}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {body}");
        let (_, errands) = api.get("/api/v1/care/errands").await;
        assert!(
            !errands.to_string().contains("张秀兰"),
            "{who} sees no errand of hers"
        );
        let (_, due) = api.get("/api/v1/care/due").await;
        assert!(!due.to_string().contains("张秀兰"), "{who}: due list");
        // Nor her full record, whatever purpose they state — and a missing purpose tells
        // them nothing more than a refusal.
        let reveal = format!("/api/v1/residents/{zhang}/reveal");
        let refused = if who == "other grid's worker" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        for body in [json!({"purpose": "care_recipient"}), json!({})] {
            let (status, body) = api.post(&reveal, body).await;
            assert_eq!(status, refused, "{who}: {body}");
        }
    }
    assert!(
        app.audit("resident.reveal").await.is_empty(),
        "no full record was read"
    );
    // Counts per micro-grid for the grid's worker; another grid's worker may not ask.
    let gw = app.login("gridworker").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let (status, counts) = gw
        .get(&format!("/api/v1/care/groups?grid_id={grid1}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let alone: u64 = counts
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|place| place["groups"].as_array().unwrap())
        .filter(|c| c["group"] == "living_alone")
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert!(alone >= 2, "张秀兰 and 瞿桂英 live alone: {counts}");
    assert!(
        !counts.to_string().contains("张秀兰"),
        "counts, never names"
    );
    let (status, _) = gw2
        .get(&format!("/api/v1/care/groups?grid_id={grid1}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A verified resident asks for an errand for himself, not for someone else.
    let resident = app.login("resident").await;
    let me = app.resident_id("刘建华").await;
    ok(
        resident
            .post(
                "/api/v1/care/errands",
                json!({"resident_id": me, "kind": "bills", "description": "帮忙交水电费"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let (status, _) = resident
        .post(
            "/api/v1/care/errands",
            json!({"resident_id": zhang, "kind": "bills", "description": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, mine) = resident.get("/api/v1/care/errands").await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
}
both!(care_records_stay_with_those_who_care);

/// The secretary's mailbox: a private letter reaches the secretary alone; an answer turns the
/// letter into a case, and the writer sees the answer and the case.
async fn letters_to_the_secretary(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let secretary = app.login("admin").await;
    let private = ok(
        resident
            .post("/api/v1/care/mailbox", json!({"subject": "楼上漏水多次反映未解决", "body": "3栋201漏水到我家，物业一直推脱。", "private": true}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = private["id"].as_i64().unwrap();
    let public = ok(
        resident
            .post("/api/v1/care/mailbox", json!({"subject": "建议增设休息座椅", "body": "小区广场没有座椅，老人走累了没处歇。", "private": false}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let (_, seen) = staff.get("/api/v1/care/mailbox").await;
    assert!(
        !seen.to_string().contains("楼上漏水"),
        "staff do not read private letters"
    );
    assert!(seen.to_string().contains("休息座椅"));
    let (status, _) = staff
        .post(
            &format!("/api/v1/care/mailbox/{id}/answer"),
            json!({"text": "x", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, meta) = secretary.get("/api/v1/cases/meta").await;
    let category = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let answered = ok(
        secretary
            .post(
                &format!("/api/v1/care/mailbox/{id}/answer"),
                json!({"text": "已转网格员上门核实，并督促物业三日内维修。", "version": 1, "case_category_id": category}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answered["status"], "turned_into_case");
    let case_id = answered["case_id"].as_i64().unwrap();
    let (_, c) = secretary.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(c["source"], "mailbox");
    // A private letter's words stay with the secretary: the case carries the answer only,
    // and says (as a fact the app words) that it came from a private letter.
    assert_eq!(
        c["description"],
        "已转网格员上门核实，并督促物业三日内维修。"
    );
    assert_eq!(
        c["origin"],
        json!({"kind": "letter", "letter_id": id, "private": true})
    );
    // The writer sees the answer and the case's stage.
    let (_, mine) = resident.get("/api/v1/care/mailbox").await;
    let letter = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap();
    assert_eq!(
        letter["answer"],
        "已转网格员上门核实，并督促物业三日内维修。"
    );
    assert_eq!(letter["case_stage"], "reported");
    // Answered public letters are public, without the writer's name.
    ok(
        staff
            .post(
                &format!("/api/v1/care/mailbox/{}/answer", public["id"]),
                json!({"text": "已列入明年改造计划。", "version": 1}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let (_, others) = app
        .login("gridworker")
        .await
        .get("/api/v1/care/mailbox")
        .await;
    let shown = others.as_array().unwrap();
    assert_eq!(shown.len(), 1, "{others}");
    assert!(shown[0]["writer_name"].is_null());
}
both!(letters_to_the_secretary);

/// A letter is for the secretary alone unless the writer opens it to the office; the
/// secretary's answer reaches the writer as a notification (the bell), and only the writer.
async fn letters_are_private_by_default_and_answers_notify(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let secretary = app.login("admin").await;
    let letter = ok(
        resident
            .post("/api/v1/care/mailbox", json!({"subject": "想反映家里的困难", "body": "老伴住院，家里开销大，想问问有没有补助。"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(letter["private"], true, "{letter}");
    let id = letter["id"].as_i64().unwrap();
    let (_, seen) = staff.get("/api/v1/care/mailbox").await;
    assert!(!seen.to_string().contains("家里的困难"), "{seen}");
    let (_, before) = resident.get("/api/v1/notifications?unread=true").await;
    assert_eq!(before, json!([]));
    ok(
        secretary
            .post(
                &format!("/api/v1/care/mailbox/{id}/answer"),
                json!({"text": "已请民政专干联系您，申请临时救助。", "version": 1}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let (_, notes) = resident.get("/api/v1/notifications?unread=true").await;
    let notes = notes.as_array().unwrap().clone();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["about"], "letter");
    assert_eq!(notes[0]["letter_id"], id);
    assert_eq!(notes[0]["letter_subject"], "想反映家里的困难");
    assert!(
        notes[0]["action"].is_null(),
        "a letter answer is no case move"
    );
    assert!(notes[0]["letter_id"].is_i64());
    assert_eq!(notes[0]["actor_name"], "李书记");
    // Nobody else hears of it.
    for other in [&staff, &secretary] {
        let (_, theirs) = other.get("/api/v1/notifications").await;
        assert!(!theirs.to_string().contains("想反映家里的困难"), "{theirs}");
    }
    let (status, _) = resident
        .post(
            "/api/v1/notifications/read",
            json!({"ids": [notes[0]["id"]]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = resident.get("/api/v1/notifications?unread=true").await;
    assert_eq!(after, json!([]));
}
both!(letters_are_private_by_default_and_answers_notify);

/// Cases filed from letters before the origin was a fact had it as a Chinese prefix in the
/// description; after the migration they read as new ones: the words people wrote, and the
/// origin beside them.
async fn old_letter_cases_get_their_origin(app: &TestApp) {
    let resident = app.login("resident").await;
    let secretary = app.login("admin").await;
    let (_, meta) = secretary.get("/api/v1/cases/meta").await;
    let category = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let mut cases = Vec::new();
    for private in [true, false] {
        let letter = ok(
            resident
                .post("/api/v1/care/mailbox", json!({"subject": "路灯不亮", "body": "小区东门路灯坏了一周。", "private": private}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        let answered = ok(
            secretary
                .post(
                    &format!("/api/v1/care/mailbox/{}/answer", letter["id"]),
                    json!({"text": "已转物业维修。", "version": 1, "case_category_id": category}),
                )
                .await,
            StatusCode::OK,
        )
        .await;
        cases.push((
            letter["id"].as_i64().unwrap(),
            private,
            answered["case_id"].as_i64().unwrap(),
        ));
    }
    let (private_case, public_case) = (cases[0].2, cases[1].2);
    app.remigrate_from(
        "m20261207_000012_case_origin",
        &[
            format!("UPDATE cases SET description = '书记信箱来信（私信，原文仅书记可见）。处理意见：' || description WHERE id = {private_case}"),
            format!("UPDATE cases SET description = '书记信箱来信：' || description WHERE id = {public_case}"),
        ],
    )
    .await;
    for (letter_id, private, case_id) in cases {
        let (_, c) = secretary.get(&format!("/api/v1/cases/{case_id}")).await;
        assert_eq!(
            c["description"],
            if private {
                "已转物业维修。"
            } else {
                "小区东门路灯坏了一周。"
            },
            "{c}"
        );
        assert_eq!(
            c["origin"],
            json!({"kind": "letter", "letter_id": letter_id, "private": private})
        );
    }
}
both!(old_letter_cases_get_their_origin);

/// 幸福餐桌: an eligible resident is enrolled for delivery; the day's order is on the
/// deliverer's route, delivered and counted for the day and the month.
async fn meals_are_delivered_and_counted(app: &TestApp) {
    let staff = app.login("staff").await;
    let (_, vol) = volunteer(app).await;
    let qu = app.resident_id("瞿桂英").await; // 80+, living alone
    // The office names the deliverer by the account's username.
    let (status, p) = staff
        .post(
            "/api/v1/care/meals/enrolments",
            json!({"resident_id": qu, "mode": "delivery", "deliverer_username": "nobody"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "deliverer_username");
    let e = ok(
        staff
            .post(
                "/api/v1/care/meals/enrolments",
                json!({"resident_id": qu, "mode": "delivery", "deliverer_username": "xingfu", "notes": "少盐，软食"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(e["deliverer_name"], "陈阿姨");
    let (status, _) = staff
        .post(
            "/api/v1/care/meals/enrolments",
            json!({"resident_id": qu, "mode": "eat_in"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "enrolled once");
    let ineligible = app.resident_id("刘建华").await;
    let (status, p) = staff
        .post(
            "/api/v1/care/meals/enrolments",
            json!({"resident_id": ineligible, "mode": "eat_in"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["code"], "not_allowed");

    // Tomorrow in Beijing: orders and menus are refused far from today.
    let day_date = (OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8))
        + time::Duration::days(1))
    .date();
    let day = day_date.to_string();
    let day = day.as_str();
    let month = &day[..7];
    ok(
        staff
            .put(
                "/api/v1/care/meals/menus",
                json!({"day": day, "dishes": "清蒸鲈鱼、番茄炒蛋、米饭"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let (_, menus) = vol
        .get(&format!("/api/v1/care/meals/menus?from={day}&to={day}"))
        .await;
    assert_eq!(menus[0]["dishes"], "清蒸鲈鱼、番茄炒蛋、米饭");
    // Placing twice makes one order.
    ok(
        staff
            .post("/api/v1/care/meals/orders", json!({"day": day}))
            .await,
        StatusCode::OK,
    )
    .await;
    let orders = ok(
        staff
            .post("/api/v1/care/meals/orders", json!({"day": day}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
    let (_, route) = vol
        .get(&format!("/api/v1/care/meals/orders?day={day}&mine=true"))
        .await;
    assert_eq!(route[0]["resident_name"], "瞿桂英");
    assert_eq!(route[0]["mode"], "delivery");
    let order_id = route[0]["id"].as_i64().unwrap();
    let o = ok(
        vol.post(
            &format!("/api/v1/care/meals/orders/{order_id}/delivered"),
            json!(null),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(o["status"], "delivered");
    assert_eq!(o["delivered_by"], "陈阿姨");
    let (status, _) = vol
        .post(
            &format!("/api/v1/care/meals/orders/{order_id}/delivered"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "delivered once");
    let counts = ok(
        staff
            .get(&format!("/api/v1/care/meals/counts?month={month}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(counts["month_ordered"], 1);
    assert_eq!(counts["month_delivered"], 1);
    assert_eq!(counts["days"][0]["home_delivery"], 1);
    // Residents do not see the service's lists.
    let (status, _) = app
        .login("resident")
        .await
        .get("/api/v1/care/meals/enrolments")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both!(meals_are_delivered_and_counted);

/// Volunteers earn time-bank points per hour of service and redeem them, never beyond their
/// balance; each sees their own ledger.
async fn volunteers_earn_and_redeem_time_bank_points(app: &TestApp) {
    let staff = app.login("staff").await;
    let (vid, vol) = volunteer(app).await;
    let team = ok(
        staff
            .post(
                "/api/v1/care/teams",
                json!({"name": "幸福大姐服务队", "description": "助老、送餐、陪诊"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let team_id = team["id"].as_i64().unwrap();
    let chen = ok(
        staff
            .post(
                &format!("/api/v1/care/teams/{team_id}/members"),
                json!({"name": "陈阿姨", "user_id": vid}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let wang = ok(
        staff
            .post(
                &format!("/api/v1/care/teams/{team_id}/members"),
                json!({"name": "王大姐"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    // 10 points an hour by default; only the office credits points.
    let last_week = (OffsetDateTime::now_utc() - time::Duration::days(7))
        .date()
        .to_string();
    let (status, _) = app
        .login("gridworker")
        .await
        .post(
            "/api/v1/care/activities",
            json!({"team_id": team_id, "title": "x", "day": last_week,
                "participants": [{"volunteer_id": chen, "minutes": 60}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let served = ok(
        staff
            .post(
                "/api/v1/care/activities",
                json!({"team_id": team_id, "title": "重阳节为独居老人包饺子", "day": last_week,
                    "participants": [{"volunteer_id": chen, "minutes": 150}, {"volunteer_id": wang, "minutes": 45}]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let balance = |id: i64| {
        served
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap()["points_balance"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(balance(chen), 25);
    assert_eq!(balance(wang), 7);
    let v = ok(
        staff
            .post(
                &format!("/api/v1/care/volunteers/{chen}/redeem"),
                json!({"points": 20, "reason": "兑换米面油"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["summary"]["points_balance"], 5);
    assert_eq!(v["summary"]["minutes_total"], 150);
    let (status, _) = staff
        .post(
            &format!("/api/v1/care/volunteers/{chen}/redeem"),
            json!({"points": 6, "reason": "兑换"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "beyond the balance"
    );
    // The volunteer reads her own ledger, not someone else's.
    let mine = ok(
        vol.get(&format!("/api/v1/care/volunteers/{chen}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["ledger"].as_array().unwrap().len(), 2);
    assert_eq!(mine["ledger"][0]["points"], -20);
    let (status, _) = vol.get(&format!("/api/v1/care/volunteers/{wang}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The rate is configurable.
    let admin = app.login("admin").await;
    let (_, r) = admin.get("/api/v1/care/timebank").await;
    ok(
        admin
            .put(
                "/api/v1/care/timebank",
                json!({"points_per_hour": 20, "version": r["version"]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let served = ok(
        staff
            .post(
                "/api/v1/care/activities",
                json!({"team_id": team_id, "title": "陪诊", "day": last_week,
                    "participants": [{"volunteer_id": wang, "minutes": 60}]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(served[0]["points_balance"], 27);
}
both!(volunteers_earn_and_redeem_time_bank_points);

fn beijing_today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date()
}

// ---------------------------------------------------------------------------------------------
// A pairing's risk level changes (the next due date follows) and it ends with reason and day.

async fn pairings_change_risk_and_end(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let zhang = app.resident_id("张秀兰").await;
    let today = beijing_today();
    let starts = today - time::Duration::days(20);
    // Far-future starts are refused.
    let (status, body) = staff
        .post(
            "/api/v1/care/pairings",
            json!({"resident_id": zhang, "helper_name": "陈阿姨", "helper_kind": "volunteer",
                "risk": "key", "purpose": "每月探望", "starts_on": "2099-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "starts_on");
    let p = ok(
        staff
            .post(
                "/api/v1/care/pairings",
                json!({"resident_id": zhang, "helper_name": "陈阿姨", "helper_kind": "volunteer",
                    "risk": "key", "purpose": "每月探望", "starts_on": starts.to_string()}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(
        p["next_due"],
        (starts + time::Duration::days(30)).to_string()
    );
    assert_eq!(p["overdue"], false);
    // High risk: weekly, so the next visit was due two weeks ago.
    let high = ok(
        gw.put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": true, "risk": "high", "version": p["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        high["next_due"],
        (starts + time::Duration::days(7)).to_string()
    );
    assert_eq!(high["overdue"], true);
    assert!(!app.audit("care.pairing.risk").await.is_empty());
    // A write on the version read before is stale: 409 with the current pairing.
    let (status, body) = staff
        .put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": false, "risk": "key", "version": p["version"],
                "end_reason": "搬走了", "ended_on": today.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["risk"], "high");
    // Ending needs a reason and a day, not in the future.
    let (status, body) = staff
        .put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": false, "risk": "high", "version": high["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["end_reason", "ended_on"]);
    let (status, _) = staff
        .put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": false, "risk": "high", "version": high["version"],
                "end_reason": "搬去女儿家", "ended_on": (today + time::Duration::days(3)).to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A grid worker of another grid does not see it at all.
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    ok(
        admin
            .post(
                "/api/v1/users",
                json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [grid2]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let gw2 = app.login("gw2").await;
    let (status, _) = gw2
        .put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": false, "risk": "high", "version": high["version"],
                "end_reason": "x", "ended_on": today.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor can they learn from the answer which usernames exist: a resident out of their
    // grids is refused the same whether the named helper's account exists or not.
    for helper in ["xingfu", "no-such-user"] {
        let (status, body) = gw2
            .post(
                "/api/v1/care/pairings",
                json!({"resident_id": zhang, "helper_name": "陈阿姨", "helper_kind": "volunteer",
                    "helper_username": helper, "risk": "key", "purpose": "每月探望",
                    "starts_on": starts.to_string()}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            body["errors"][0]["field"], "resident_id",
            "{helper}: {body}"
        );
    }
    let ended = ok(
        staff
            .put(
                &format!("/api/v1/care/pairings/{id}"),
                json!({"active": false, "risk": "high", "version": high["version"],
                    "end_reason": " 搬去女儿家 ", "ended_on": today.to_string()}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ended["active"], false);
    assert_eq!(ended["end_reason"], "搬去女儿家");
    assert_eq!(ended["ended_on"], today.to_string());
    assert_eq!(ended["overdue"], false);
    assert!(!app.audit("care.pairing.end").await.is_empty());
    // Ended stays ended; the due list no longer has her.
    let (status, body) = staff
        .put(
            &format!("/api/v1/care/pairings/{id}"),
            json!({"active": true, "risk": "high", "version": ended["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, due) = staff.get("/api/v1/care/due").await;
    assert!(
        due.as_array().unwrap().iter().all(|d| d["id"] != id),
        "{due}"
    );
    let rec = ok(
        staff.get(&format!("/api/v1/care/residents/{zhang}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rec["pairings"][0]["end_reason"], "搬去女儿家");
}
both!(pairings_change_risk_and_end);

// ---------------------------------------------------------------------------------------------
// The time bank: hours and points stay with the volunteer and the office, the office's reading
// is audited, and volunteers redeem themselves only when the rules say so.

async fn time_bank_is_private_audited_and_self_redeemed_by_the_rules(app: &TestApp) {
    let staff = app.login("staff").await;
    let (_, vol) = volunteer(app).await;
    let team = ok(
        staff
            .post("/api/v1/care/teams", json!({"name": "幸福大姐服务队"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let team_id = team["id"].as_i64().unwrap();
    // The office names the member's account by its username.
    let (status, body) = staff
        .post(
            &format!("/api/v1/care/teams/{team_id}/members"),
            json!({"name": "陈阿姨", "username": "nobody"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "username");
    let chen = ok(
        staff
            .post(
                &format!("/api/v1/care/teams/{team_id}/members"),
                json!({"name": "陈阿姨", "username": "xingfu"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(chen["has_account"], true);
    let chen = chen["id"].as_i64().unwrap();
    let wang = ok(
        staff
            .post(
                &format!("/api/v1/care/teams/{team_id}/members"),
                json!({"name": "王大姐"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let today = beijing_today().to_string();
    ok(
        staff
            .post(
                "/api/v1/care/activities",
                json!({"team_id": team_id, "title": "陪独居老人看病", "day": today,
                    "participants": [{"volunteer_id": chen, "minutes": 120}, {"volunteer_id": wang, "minutes": 180}]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(!app.audit("care.timebank.credit").await.is_empty());
    // Far-future service days are refused.
    let (status, _) = staff
        .post(
            "/api/v1/care/activities",
            json!({"team_id": team_id, "title": "x", "day": "2099-01-01",
                "participants": [{"volunteer_id": chen, "minutes": 60}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The volunteer sees her own line, and only hers.
    let mine = ok(
        vol.get("/api/v1/care/volunteers/mine").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["summary"]["id"], chen);
    assert_eq!(mine[0]["summary"]["mine"], true);
    assert_eq!(mine[0]["summary"]["minutes_total"], 120);
    assert_eq!(mine[0]["summary"]["points_balance"], 20);
    let teams = ok(vol.get("/api/v1/care/teams").await, StatusCode::OK).await;
    let members = teams[0]["members"].as_array().unwrap();
    let w = members.iter().find(|m| m["id"] == wang).unwrap();
    assert!(w["minutes_total"].is_null(), "others' hours left out");
    assert!(w["points_balance"].is_null(), "others' points left out");
    assert_eq!(w["mine"], false);
    let before = app.audit("care.timebank.read").await.len();
    assert_eq!(
        before, 0,
        "a volunteer's own reading is not someone else's data"
    );
    let (status, _) = vol.get(&format!("/api/v1/care/volunteers/{wang}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = vol
        .post(
            &format!("/api/v1/care/volunteers/{wang}/redeem"),
            json!({"points": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another's points: not even there"
    );
    // Her own: only when the rules allow it.
    let (status, _) = vol
        .post(
            &format!("/api/v1/care/volunteers/{chen}/redeem"),
            json!({"points": 5, "reason": "兑换理发服务"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let (_, r) = admin.get("/api/v1/care/timebank").await;
    assert_eq!(r["volunteers_redeem"], false);
    let r2 = ok(
        admin
            .put(
                "/api/v1/care/timebank",
                json!({"points_per_hour": 10, "volunteers_redeem": true, "version": r["version"]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r2["volunteers_redeem"], true);
    let (status, _) = admin
        .put(
            "/api/v1/care/timebank",
            json!({"points_per_hour": 12, "volunteers_redeem": false, "version": r["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "stale rules");
    let (status, _) = vol
        .post(
            &format!("/api/v1/care/volunteers/{chen}/redeem"),
            json!({"points": 21, "reason": "兑换理发服务"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "beyond the balance"
    );
    let v = ok(
        vol.post(
            &format!("/api/v1/care/volunteers/{chen}/redeem"),
            json!({"points": 5, "reason": "兑换理发服务"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["summary"]["points_balance"], 15);
    assert_eq!(v["ledger"][0]["points"], -5);
    assert!(!app.audit("care.timebank.redeem").await.is_empty());

    // The office's reading of everyone's hours and of someone's ledger is audited.
    let teams = ok(staff.get("/api/v1/care/teams").await, StatusCode::OK).await;
    let w = teams[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == wang)
        .unwrap()
        .clone();
    assert_eq!(w["points_balance"], 30);
    assert_eq!(app.audit("care.timebank.read").await.len(), 1);
    ok(
        staff.get(&format!("/api/v1/care/volunteers/{wang}")).await,
        StatusCode::OK,
    )
    .await;
    let reads = app.audit("care.timebank.read").await;
    assert_eq!(reads.len(), 2);
    assert!(reads.iter().any(|a| a.entity_id == Some(wang)));

    // A resident who is no volunteer and a grid worker see names only, and no ledger.
    for who in ["resident", "gridworker"] {
        let u = app.login(who).await;
        let mine = ok(u.get("/api/v1/care/volunteers/mine").await, StatusCode::OK).await;
        assert_eq!(mine, json!([]), "{who}");
        let teams = ok(u.get("/api/v1/care/teams").await, StatusCode::OK).await;
        for m in teams[0]["members"].as_array().unwrap() {
            assert!(m["points_balance"].is_null(), "{who}");
            assert!(m["minutes_total"].is_null(), "{who}");
        }
        let (status, _) = u.get(&format!("/api/v1/care/volunteers/{chen}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
}
both!(time_bank_is_private_audited_and_self_redeemed_by_the_rules);

// ---------------------------------------------------------------------------------------------
// One active meal enrolment per resident, even when two enrolments race; far dates refused.

async fn one_active_meal_enrolment_even_when_racing(app: &TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    use server::care::store::enrolment;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let qu = app.resident_id("瞿桂英").await;
    // Eight requests at once from two people: exactly one enrolment.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let api = if i % 2 == 0 {
            staff.clone()
        } else {
            gw.clone()
        };
        tasks.push(tokio::spawn(async move {
            api.post(
                "/api/v1/care/meals/enrolments",
                json!({"resident_id": qu, "mode": "eat_in"}),
            )
            .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(body["errors"][0]["field"], "resident_id", "{body}");
                assert_eq!(body["errors"][0]["code"], "duplicate", "{body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    // The database itself refuses a second active enrolment (what a race past the check meets).
    let grid = app.place_id("XF-C01-G1").await;
    let second = enrolment::ActiveModel {
        resident_id: Set(qu),
        grid_id: Set(grid),
        mode: Set("eat_in".into()),
        deliverer_user_id: Set(None),
        notes: Set(String::new()),
        active: Set(true),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await;
    assert!(
        matches!(
            second.as_ref().map_err(sea_orm::DbErr::sql_err),
            Err(Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
        ),
        "{second:?}"
    );
    // An inactive (ended) enrolment is no obstacle.
    enrolment::ActiveModel {
        resident_id: Set(qu),
        grid_id: Set(grid),
        mode: Set("eat_in".into()),
        deliverer_user_id: Set(None),
        notes: Set(String::new()),
        active: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap();

    // Far dates: no menus for 2099, no orders a year back, no counts for 2199.
    let (status, _) = staff
        .put(
            "/api/v1/care/meals/menus",
            json!({"day": "2099-01-01", "dishes": "米饭"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let last_year = (beijing_today() - time::Duration::days(400)).to_string();
    let (status, _) = staff
        .post("/api/v1/care/meals/orders", json!({"day": last_year}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = staff.get("/api/v1/care/meals/orders?day=2099-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = staff
        .get("/api/v1/care/meals/menus?from=2099-01-01&to=2099-01-02")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = staff.get("/api/v1/care/meals/counts?month=2199-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
both!(one_active_meal_enrolment_even_when_racing);

// ---------------------------------------------------------------------------------------------
// Special groups per micro-grid: counts for the office and the grid's worker, nothing for others.

async fn group_counts_per_micro_grid_for_permitted_roles(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let all = ok(staff.get("/api/v1/care/groups").await, StatusCode::OK).await;
    let mine = ok(gw.get("/api/v1/care/groups").await, StatusCode::OK).await;
    assert!(!mine.as_array().unwrap().is_empty());
    assert!(all.as_array().unwrap().len() >= mine.as_array().unwrap().len());
    for row in mine.as_array().unwrap() {
        assert!(row.get("resident_name").is_none() && row["people"].as_u64().unwrap() > 0);
    }
    // Each card names its grid as well as its micro-grid: every grid has a "1微网格".
    let titles: Vec<(String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["grid_name"].as_str().unwrap().to_string(),
                p["place_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        titles.len(),
        "grid and micro-grid tell the cards apart: {titles:?}"
    );
    assert!(titles.iter().any(|(g, _)| g == "第一网格"), "{titles:?}");
    assert!(titles.iter().all(|(g, m)| !g.is_empty() && !m.is_empty()));

    // People, not tags: 张秀兰 lives alone; tagged disabled as well she is still one person.
    let grid1 = app.place_id("XF-C01-G1").await;
    let place_of_zhang = |counts: &Value| -> (u64, u64) {
        let id = counts
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["people"].as_u64().unwrap() > 0
                    && p["grid_id"] == grid1
                    && p["place_name"] == "1微网格"
            })
            .unwrap_or_else(|| panic!("第一网格 · 1微网格 in {counts}"));
        let tags: u64 = id["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .sum();
        (id["people"].as_u64().unwrap(), tags)
    };
    let (people_before, tags_before) = place_of_zhang(&mine);
    let zhang = app.resident_id("张秀兰").await;
    let (_, r) = staff
        .post(
            &format!("/api/v1/residents/{zhang}/reveal"),
            json!({"purpose": "visit"}),
        )
        .await;
    let mut groups: Vec<Value> = r["special_groups"].as_array().cloned().unwrap_or_default();
    assert!(groups.contains(&json!("living_alone")), "{r}");
    if !groups.contains(&json!("disabled")) {
        groups.push(json!("disabled"));
    }
    let (_, current) = staff.get(&format!("/api/v1/residents/{zhang}")).await;
    let body = json!({
        "household_id": current["household_id"], "name": current["name"], "version": current["version"],
        "special_groups": groups, "groups_purpose": "visits",
    });
    let (status, changed) = staff.put(&format!("/api/v1/residents/{zhang}"), body).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let after = ok(gw.get("/api/v1/care/groups").await, StatusCode::OK).await;
    let (people_after, tags_after) = place_of_zhang(&after);
    assert_eq!(tags_after, tags_before + 1, "one more tag");
    assert_eq!(people_after, people_before, "the same people: {after}");
    let grid2 = app.place_id("XF-C01-G2").await;
    let (status, _) = gw
        .get(&format!("/api/v1/care/groups?grid_id={grid2}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another grid");
    for who in ["resident", "mediator"] {
        let (status, _) = app.login(who).await.get("/api/v1/care/groups").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}
both!(group_counts_per_micro_grid_for_permitted_roles);
