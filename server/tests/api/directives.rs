//! 督办 (directives) and the approvals ledger of case requests (回退/作废/延期/缓办).

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, format_description::well_known::Rfc3339};

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

fn ts(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().unwrap(), &Rfc3339).unwrap()
}

/// A resident's report in the first grid, registered by the office (and dispatched to the
/// grid worker and started, when `started`).
async fn open_case(app: &TestApp, title: &str, started: bool) -> Value {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0001").await;
    let rubbish = category(&resident, "E-ENV-01").await;
    let (status, c) = resident
        .post(
            "/api/v1/cases",
            json!({"title": title, "category_id": rubbish, "urgency": "normal",
                   "source": "resident_report", "place_id": building}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let c = mv(&staff, &c, json!({"action": "register"})).await;
    if !started {
        return c;
    }
    let property = party(&staff, "PROPERTY").await;
    let gw_id = app.user_id("gridworker").await;
    let c = mv(
        &staff,
        &c,
        json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": gw_id}),
    )
    .await;
    mv(
        &app.login("gridworker").await,
        &c,
        json!({"action": "start"}),
    )
    .await
}

async fn mv(api: &Api, case: &Value, body: Value) -> Value {
    let mut body = body;
    body["version"] = case["version"].clone();
    let (status, c) = api
        .post(&format!("/api/v1/cases/{}/moves", case["id"]), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

async fn a_directive_goes_from_the_secretary_to_the_grid_worker_and_back(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let mediator = app.login("mediator").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let (status, _) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo",
                   "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let gw2 = app.login("gw2").await;
    let gw_id = app.user_id("gridworker").await;
    let c = open_case(app, "井盖缺失", false).await;
    let case_id = c["id"].as_i64().unwrap();
    let deadline = OffsetDateTime::now_utc() + Duration::days(2);
    let body = json!({"instruction": "两日内补装井盖并反馈", "deadline_at": rfc(deadline), "addressee_id": gw_id});
    let path = format!("/api/v1/cases/{case_id}/directives");

    // Only the office issues; the addressee must be able to work on the case.
    assert_eq!(gw.post(&path, body.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        resident.post(&path, body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let gw2_id = app.user_id("gw2").await;
    let (status, err) = admin
        .post(
            &path,
            json!({"instruction": "x", "deadline_at": rfc(deadline), "addressee_id": gw2_id}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["errors"][0]["field"], "addressee_id", "{err}");
    assert_eq!(err["errors"][0]["code"], "not_eligible", "{err}");
    let (status, err) = admin
        .post(&path, json!({"instruction": " ", "deadline_at": rfc(OffsetDateTime::now_utc() - Duration::hours(1)), "addressee_id": gw_id}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (status, d) = admin.post(&path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["state"], "issued");
    assert_eq!(d["addressee_name"], "赵网格员");
    assert_eq!(d["legal_steps"], json!(["withdraw"]));
    let id = d["id"].as_i64().unwrap();

    // The addressee hears of it and sees it as theirs.
    let (_, notes) = gw.get("/api/v1/notifications?unread=true").await;
    let note = notes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["about"] == "directive")
        .unwrap_or_else(|| panic!("a directive notification: {notes}"));
    assert_eq!(note["directive_id"], id);
    assert_eq!(note["case_id"], case_id);
    assert_eq!(note["step"], Value::Null, "issued");
    let (status, mine) = gw.get("/api/v1/directives?mine=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["total"], 1);
    assert_eq!(
        mine["items"][0]["legal_steps"],
        json!(["acknowledge", "report"])
    );
    assert_eq!(
        gw.get("/api/v1/directives/open-cases").await.1,
        json!([case_id])
    );
    assert_eq!(gw2.get("/api/v1/directives").await.1["total"], 0);
    assert_eq!(
        gw2.get(&format!("/api/v1/directives/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        resident.get("/api/v1/directives").await.0,
        StatusCode::FORBIDDEN
    );
    // A mediator follows the 督办 addressed to them (on agreement terms), not this one.
    assert_eq!(
        mediator.get(&format!("/api/v1/directives/{id}")).await.0,
        StatusCode::NOT_FOUND
    );

    // Others may not answer for the addressee; a stale version is a 409 with the current one.
    let step = format!("/api/v1/directives/{id}/steps");
    assert_eq!(
        staff
            .post(&step, json!({"step": "acknowledge", "version": 1}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        gw2.post(&step, json!({"step": "acknowledge", "version": 1}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, d) = gw
        .post(&step, json!({"step": "acknowledge", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["state"], "acknowledged");
    let (status, err) = gw
        .post(
            &step,
            json!({"step": "report", "version": 1, "note": "已补装"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["current"]["state"], "acknowledged", "{err}");
    let (status, err) = gw
        .post(&step, json!({"step": "report", "version": 2}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a report says what was done: {err}"
    );
    let (status, d) = gw
        .post(
            &step,
            json!({"step": "report", "version": 2, "note": "已补装"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["state"], "reported");
    assert_eq!(
        d["legal_steps"],
        json!([]),
        "nobody accepts their own report"
    );
    let (status, _) = gw
        .post(&step, json!({"step": "accept", "version": 3}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, admin_notes) = admin.get("/api/v1/notifications?unread=true").await;
    assert!(
        admin_notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["directive_id"] == id && n["step"] == "report"),
        "the issuer hears of the report: {admin_notes}"
    );

    // Sent back, done again, accepted.
    let (status, err) = admin
        .post(&step, json!({"step": "send_back", "version": 3}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sending back says why: {err}"
    );
    let (_, d) = admin
        .post(
            &step,
            json!({"step": "send_back", "version": 3, "note": "照片不清楚"}),
        )
        .await;
    assert_eq!(d["state"], "acknowledged");
    let (_, d) = gw
        .post(
            &step,
            json!({"step": "report", "version": 4, "note": "已补拍照片"}),
        )
        .await;
    assert_eq!(d["state"], "reported");
    let (status, d) = staff
        .post(&step, json!({"step": "accept", "version": 5}))
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["state"], "accepted");
    assert_eq!(d["overdue"], false);
    let (status, err) = admin
        .post(
            &step,
            json!({"step": "withdraw", "version": 6, "note": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["code"], "illegal_move");
    let (_, d) = gw.get(&format!("/api/v1/directives/{id}")).await;
    let steps: Vec<&Value> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["step"])
        .collect();
    assert_eq!(
        steps,
        vec![
            &Value::Null,
            &json!("acknowledge"),
            &json!("report"),
            &json!("send_back"),
            &json!("report"),
            &json!("accept")
        ]
    );
    assert_eq!(d["history"][3]["note"], "照片不清楚");
    assert_eq!(app.audit("directive.issue").await.len(), 1);
    assert_eq!(app.audit("directive.step").await.len(), 5);
    assert_eq!(gw.get("/api/v1/directives/open-cases").await.1, json!([]));

    // Overdue: an open directive past its deadline, filtered and marked.
    let (_, d2) = admin.post(&path, body.clone()).await;
    let d2_id = d2["id"].as_i64().unwrap();
    server::directives::store::directive::Entity::update_many()
        .col_expr(
            server::directives::store::directive::Column::DeadlineAt,
            Expr::value(OffsetDateTime::now_utc() - Duration::hours(1)),
        )
        .filter(server::directives::store::directive::Column::Id.eq(d2_id))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
    let (_, overdue) = admin.get("/api/v1/directives?overdue=true").await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["id"], d2_id);
    assert_eq!(overdue["items"][0]["overdue"], true);
    let (_, accepted) = admin.get("/api/v1/directives?state=accepted").await;
    assert_eq!(accepted["total"], 1);
    let (_, on_case) = admin
        .get(&format!("/api/v1/directives?case_id={case_id}"))
        .await;
    assert_eq!(on_case["total"], 2);
}
both!(a_directive_goes_from_the_secretary_to_the_grid_worker_and_back);

async fn request(api: &Api, case: &Value, body: Value) -> (StatusCode, Value) {
    let mut body = body;
    body["version"] = case["version"].clone();
    api.post(&format!("/api/v1/cases/{}/requests", case["id"]), body)
        .await
}

async fn decide(api: &Api, req: &Value, approve: bool, note: Option<&str>) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/case-requests/{}/decision", req["id"]),
        json!({"approve": approve, "note": note, "version": req["version"]}),
    )
    .await
}

async fn each_request_is_approved_or_rejected_and_kept_in_the_ledger(app: &TestApp) {
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let gw = app.login("gridworker").await;
    let resident = app.login("resident").await;

    // 延期: asked by the grid worker, one at a time, rejected with a note, then approved.
    let c = open_case(app, "路灯不亮", true).await;
    assert_eq!(c["legal_requests"], json!(["send_back", "void", "extend"]));
    let old_deadline = ts(&c["deadline_at"]);
    let later = old_deadline + Duration::days(5);
    let (status, err) = request(&gw, &c, json!({"kind": "extend", "reason": "等配件"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the new deadline is required: {err}"
    );
    let (status, err) = request(
        &resident,
        &c,
        json!({"kind": "extend", "reason": "x", "new_deadline": rfc(later)}),
    )
    .await;
    assert!(
        matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{status} {err}"
    );
    let (status, err) = request(
        &gw,
        &json!({"id": c["id"], "version": 1}),
        json!({"kind": "extend", "reason": "等配件", "new_deadline": rfc(later)}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let (status, c) = request(
        &gw,
        &c,
        json!({"kind": "extend", "reason": "等配件", "new_deadline": rfc(later)}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let pending = c["pending_request"].clone();
    assert_eq!(pending["kind"], "extend");
    assert_eq!(pending["state"], "pending");
    assert_eq!(pending["requested_by_name"], "赵网格员");
    assert_eq!(c["legal_requests"], json!([]), "one request at a time");
    assert!(
        !c["legal_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("request_postpone"))
    );
    let (status, _) = request(&gw, &c, json!({"kind": "void", "reason": "重复"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        decide(&gw, &pending, true, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, err) = decide(&staff, &pending, false, None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection says why: {err}"
    );
    let (status, err) = decide(
        &staff,
        &json!({"id": pending["id"], "version": 7}),
        true,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["current"]["state"], "pending");
    let (status, rejected) = decide(&admin, &pending, false, Some("期限内可完成")).await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["decided_by_name"], "李书记");
    assert_eq!(rejected["decision_note"], "期限内可完成");
    assert_eq!(
        decide(&admin, &rejected, true, None).await.1["code"],
        "illegal_move"
    );
    let (_, c) = gw.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(ts(&c["deadline_at"]), old_deadline, "unchanged");
    assert_eq!(c["pending_request"], Value::Null);
    let (_, c) = request(
        &gw,
        &c,
        json!({"kind": "extend", "reason": "配件未到", "new_deadline": rfc(later)}),
    )
    .await;
    let (status, approved) = decide(&admin, &c["pending_request"], true, Some("同意")).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let (_, c) = gw.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(ts(&c["deadline_at"]), later);
    assert_eq!(c["stage"], "in_progress");
    let history: Vec<&Value> = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert!(
        history.ends_with(&[
            &json!("request_extend"),
            &json!("reject_request"),
            &json!("request_extend"),
            &json!("extend")
        ]),
        "{history:?}"
    );

    // 回退: back to registration, without party or assignee.
    let (_, c) = request(
        &gw,
        &c,
        json!({"kind": "send_back", "reason": "不属于物业职责"}),
    )
    .await;
    let (_, _) = decide(&staff, &c["pending_request"], true, None).await;
    let (_, c) = staff.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(c["stage"], "registered");
    assert_eq!(c["assignee_id"], Value::Null);
    assert_eq!(c["responsible_party_id"], Value::Null);
    assert!(
        c["legal_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("dispatch"))
    );

    // 作废: off the books; a rejected one leaves the case as it was.
    let (_, c) = request(&staff, &c, json!({"kind": "void", "reason": "重复录入"})).await;
    let (status, err) = request(&staff, &c, json!({"kind": "void", "reason": "again"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (_, _) = decide(&admin, &c["pending_request"], true, Some("确认重复")).await;
    let (_, c) = staff.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(c["stage"], "voided");
    assert_eq!(c["legal_actions"], json!([]));
    assert_eq!(c["legal_requests"], json!([]));

    // 缓办 through the requests API and through the lifecycle's moves: both in the ledger.
    let p = open_case(app, "树枝挡路", true).await;
    let until = OffsetDateTime::now_utc() + Duration::days(20);
    let (status, p) = request(
        &gw,
        &p,
        json!({"kind": "postpone", "reason": "等园林审批", "new_deadline": rfc(until)}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["stage"], "postpone_requested");
    assert_eq!(p["pending_request"]["kind"], "postpone");
    let (status, d) = decide(&staff, &p["pending_request"], true, None).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    let (_, p) = staff.get(&format!("/api/v1/cases/{}", p["id"])).await;
    assert_eq!(p["stage"], "postponed");
    assert_eq!(
        ts(&p["deadline_at"]).unix_timestamp(),
        until.unix_timestamp()
    );
    let q = open_case(app, "噪音扰民", true).await;
    let q = mv(
        &gw,
        &q,
        json!({"action": "request_postpone", "note": "当事人外出", "postpone_until": rfc(until)}),
    )
    .await;
    assert_eq!(q["pending_request"]["kind"], "postpone");
    let _ = mv(
        &staff,
        &q,
        json!({"action": "reject_postpone", "note": "可先电话沟通"}),
    )
    .await;

    // The ledger: every request and decision, filtered; the office's alone.
    assert_eq!(
        gw.get("/api/v1/case-requests").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, all) = admin.get("/api/v1/case-requests").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 6, "{all}");
    let kinds: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "postpone",
            "postpone",
            "void",
            "send_back",
            "extend",
            "extend"
        ]
    );
    let (_, rejected) = admin.get("/api/v1/case-requests?state=rejected").await;
    assert_eq!(rejected["total"], 2);
    let notes: Vec<&str> = rejected["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["decision_note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, vec!["可先电话沟通", "期限内可完成"]);
    let (_, extends) = admin
        .get("/api/v1/case-requests?kind=extend&state=approved")
        .await;
    assert_eq!(extends["total"], 1);
    assert_eq!(extends["items"][0]["decided_by_name"], "李书记");
    assert_eq!(ts(&extends["items"][0]["new_deadline"]), later);
    let today = shared::calendar::format_day(shared::calendar::today());
    let (_, by_day) = admin
        .get(&format!("/api/v1/case-requests?from={today}&to={today}"))
        .await;
    assert_eq!(by_day["total"], 6);
    let (status, _) = admin.get("/api/v1/case-requests?from=2026-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Exported as CSV and XLSX, the same rows, audited.
    let (status, headers, bytes) = crate::stats::download(
        &admin,
        "/api/v1/case-requests/export?format=csv&state=rejected",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let (header, rows) = crate::stats::csv_rows(&bytes);
    assert_eq!(header[2], "申请类型");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "缓办");
    assert_eq!(rows[0][3], "已驳回");
    assert_eq!(rows[0][4], "当事人外出");
    assert_eq!(rows[1][12], "期限内可完成");
    let (status, headers, bytes) =
        crate::stats::download(&staff, "/api/v1/case-requests/export?format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("case-requests.xlsx")
    );
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("审批台账").unwrap();
    let all_rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(all_rows.len(), 7, "a header and six requests");
    assert_eq!(all_rows[0][0], Data::String("事件编号".into()));
    assert_eq!(all_rows[6][2], Data::String("延期".into()));
    assert_eq!(
        crate::stats::download(&gw, "/api/v1/case-requests/export?format=csv")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit("case_requests.export").await.len(), 2);
    assert_eq!(
        app.audit("case_request.create").await.len(),
        5,
        "the moves' postponement is the case's own history"
    );
    assert_eq!(app.audit("case_request.decide").await.len(), 5);
}
both!(each_request_is_approved_or_rejected_and_kept_in_the_ledger);

// ------------------------------------------- 督办 on council decisions and agreement terms

/// A small matter raised by the resident in the first grid and accepted by its grid worker;
/// decided too when `decide`.
async fn council_item(app: &TestApp, title: &str, decide: bool) -> Value {
    let leader = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let scope = app.place_id("XF-C01-G1").await;
    let (status, item) = resident
        .post(
            "/api/v1/council/items",
            json!({"title": title, "description": "楼道灯坏了，晚上看不见台阶。", "scope_place_id": scope}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let act = |item: Value, body: Value| {
        let leader = &leader;
        async move {
            let id = item["summary"]["id"].as_i64().unwrap();
            let mut body = body;
            body["version"] = item["summary"]["version"].clone();
            let (status, v) = leader
                .post(&format!("/api/v1/council/items/{id}/moves"), body)
                .await;
            assert_eq!(status, StatusCode::OK, "{v}");
            v
        }
    };
    let item = act(item, json!({"action": "accept", "tier": "small"})).await;
    if !decide {
        return item;
    }
    let (_, meta) = leader.get("/api/v1/cases/meta").await;
    let party = meta["parties"][0]["id"].as_i64().unwrap();
    let category = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let deadline = (OffsetDateTime::now_utc().date() + Duration::days(3)).to_string();
    act(
        item,
        json!({"action": "decide", "decision": {"text": "物业三天内更换灯泡", "responsible_party_id": party,
               "category_id": category, "deadline": deadline}}),
    )
    .await
}

async fn directives_on_council_decisions_and_agreement_terms(app: &TestApp) {
    let admin = app.login("admin").await;
    let gw = app.login("gridworker").await;
    let mediator = app.login("mediator").await;
    let gw_id = app.user_id("gridworker").await;
    let mediator_id = app.user_id("mediator").await;
    let deadline = rfc(OffsetDateTime::now_utc() + Duration::days(2));
    let on = |kind: &str, id: i64, addressee: i64| {
        json!({"subject": {"kind": kind, "id": id}, "instruction": "三日内落实并反馈",
               "deadline_at": deadline, "addressee_id": addressee})
    };

    // A council item: only once decided (its 落实), to someone who may carry it out.
    let undecided = council_item(app, "楼道灯坏了", false).await;
    let undecided_id = undecided["summary"]["id"].as_i64().unwrap();
    let (status, p) = admin
        .post(
            "/api/v1/directives",
            on("council_item", undecided_id, gw_id),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "illegal_move");
    let item = council_item(app, "楼道灯又坏了", true).await;
    assert_eq!(item["summary"]["stage"], "decided");
    let item_id = item["summary"]["id"].as_i64().unwrap();
    let (status, p) = admin
        .post("/api/v1/directives", on("council_item", 999_999, gw_id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    assert_eq!(
        gw.post("/api/v1/directives", on("council_item", item_id, gw_id))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "a grid worker does not issue"
    );
    let (status, p) = admin
        .post(
            "/api/v1/directives",
            on("council_item", item_id, mediator_id),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "addressee_id", "{p}");
    let (status, d) = admin
        .post("/api/v1/directives", on("council_item", item_id, gw_id))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["subject"], json!({"kind": "council_item", "id": item_id}));
    assert_eq!(d["case_id"], Value::Null);
    assert_eq!(d["subject_title"], "楼道灯又坏了");
    assert_eq!(d["subject_href"], format!("/council/items/{item_id}"));
    // The addressee finds it in the same 督办 list and acknowledges it.
    let (_, mine) = gw.get("/api/v1/directives?mine=true").await;
    assert_eq!(mine["total"], 1, "{mine}");
    assert_eq!(
        mine["items"][0]["legal_steps"],
        json!(["acknowledge", "report"])
    );
    let (_, on_item) = admin
        .get(&format!("/api/v1/directives?council_item_id={item_id}"))
        .await;
    assert_eq!(on_item["total"], 1);
    let (status, acked) = gw
        .post(
            &format!("/api/v1/directives/{}/steps", d["id"]),
            json!({"step": "acknowledge", "version": d["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{acked}");
    assert_eq!(acked["state"], "acknowledged");
    assert_eq!(
        gw.get("/api/v1/directives/open-cases").await.1,
        json!([]),
        "not a case: no board badge"
    );

    // An agreement term (its 履行): the file's mediator may be addressed; those who may not
    // see the file, or the 督办 on it, do not.
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (status, f) = staff
        .post(
            "/api/v1/mediation/files",
            json!({"title": "空调外机滴水纠纷", "description": "外机滴水。", "dispute_type": "neighbour",
                "origin": "application", "place_id": building,
                "parties": [{"side": "applicant", "name": "王阿姨"}, {"side": "respondent", "name": "李先生"}],
                "mediator_ids": [mediator_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    let file_id = f["summary"]["id"].as_i64().unwrap();
    // The agreement's way there (sessions, notices, signatures) is the mediation tests'
    // business: the term is written straight into the file.
    use sea_orm::ActiveModelTrait;
    let term = server::mediation::store::term::ActiveModel {
        file_id: sea_orm::Set(file_id),
        position: sea_orm::Set(1),
        text: sea_orm::Set("李先生将空调外机移至北墙".into()),
        due: sea_orm::Set(OffsetDateTime::now_utc().date() + Duration::days(5)),
        performed_at: sea_orm::Set(None),
        proof: sea_orm::Set(None),
        ..Default::default()
    }
    .insert(&app.state.db.conn)
    .await
    .unwrap();
    let (status, _) = admin
        .post(
            "/api/v1/directives",
            on("agreement_term", 999_999, mediator_id),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, d) = admin
        .post(
            "/api/v1/directives",
            on("agreement_term", term.id, mediator_id),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["subject_number"], f["summary"]["number"]);
    assert_eq!(d["subject_href"], format!("/mediation/{file_id}"));
    let (_, mine) = mediator.get("/api/v1/directives?mine=true").await;
    assert_eq!(mine["total"], 1, "{mine}");
    assert_eq!(
        mine["items"][0]["subject_title"],
        "李先生将空调外机移至北墙"
    );
    let (_, on_file) = staff
        .get(&format!("/api/v1/directives?mediation_file_id={file_id}"))
        .await;
    assert_eq!(on_file["total"], 1);
    assert_eq!(
        gw.get(&format!("/api/v1/directives/{}", d["id"])).await.0,
        StatusCode::NOT_FOUND,
        "not theirs"
    );
    // A performed term has nothing left to carry out.
    server::mediation::store::term::Entity::update_many()
        .col_expr(
            server::mediation::store::term::Column::PerformedAt,
            Expr::value(Some(OffsetDateTime::now_utc())),
        )
        .filter(server::mediation::store::term::Column::Id.eq(term.id))
        .exec(&app.state.db.conn)
        .await
        .unwrap();
    let (status, p) = admin
        .post(
            "/api/v1/directives",
            on("agreement_term", term.id, mediator_id),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "illegal_move");
}
both!(directives_on_council_decisions_and_agreement_terms);

/// The dashboard's 督办 figure equals what the records say: issued, acknowledged by the
/// deadline, overdue (past the deadline without a report by then), by grid and month.
async fn the_directive_figure_equals_the_records(app: &TestApp) {
    use server::directives::store::{directive, event};
    let admin = app.login("admin").await;
    let gw = app.login("gridworker").await;
    let gw_id = app.user_id("gridworker").await;
    let deadline = rfc(OffsetDateTime::now_utc() + Duration::days(2));
    let body = json!({"instruction": "按期办结", "deadline_at": deadline, "addressee_id": gw_id});
    let mut ids = Vec::new();
    for title in ["统计一", "统计二", "统计三"] {
        let c = open_case(app, title, false).await;
        let (status, d) = admin
            .post(
                &format!("/api/v1/cases/{}/directives", c["id"]),
                body.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        ids.push(d);
    }
    let item = council_item(app, "统计议事", true).await;
    let (status, d) = admin
        .post(
            "/api/v1/directives",
            json!({"subject": {"kind": "council_item", "id": item["summary"]["id"]},
                   "instruction": "落实", "deadline_at": deadline, "addressee_id": gw_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    ids.push(d);
    // Acknowledged in time: the first two. Overdue: the third, its deadline moved into the
    // past (as if issued days ago).
    for d in &ids[..2] {
        let (status, v) = gw
            .post(
                &format!("/api/v1/directives/{}/steps", d["id"]),
                json!({"step": "acknowledge", "version": d["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    directive::Entity::update_many()
        .col_expr(
            directive::Column::DeadlineAt,
            Expr::value(OffsetDateTime::now_utc() - Duration::hours(1)),
        )
        .filter(directive::Column::Id.eq(ids[2]["id"].as_i64().unwrap()))
        .exec(&app.state.db.conn)
        .await
        .unwrap();

    // What the records say, counted here without the shared function.
    let conn = &app.state.db.conn;
    let now = OffsetDateTime::now_utc();
    let rows = directive::Entity::find().all(conn).await.unwrap();
    let events = event::Entity::find().all(conn).await.unwrap();
    let mut expected: std::collections::BTreeMap<(i64, String), (u64, u64, u64)> =
        Default::default();
    for d in &rows {
        let grid = match d.subject_kind.as_str() {
            "case" => {
                server::cases::store::case::Entity::find_by_id(d.subject_id)
                    .one(conn)
                    .await
                    .unwrap()
                    .unwrap()
                    .grid_id
            }
            _ => {
                server::council::store::item::Entity::find_by_id(d.subject_id)
                    .one(conn)
                    .await
                    .unwrap()
                    .unwrap()
                    .grid_id
            }
        }
        .unwrap();
        let day = d.created_at.to_offset(shared::calendar::SHANGHAI).date();
        let month = format!("{:04}-{:02}", day.year(), day.month() as u8);
        let acked = events.iter().any(|e| {
            e.directive_id == d.id
                && matches!(e.step.as_deref(), Some("acknowledge" | "report"))
                && e.at <= d.deadline_at
        });
        let late = now > d.deadline_at && d.reported_at.is_none_or(|r| r > d.deadline_at);
        let row = expected.entry((grid, month)).or_default();
        row.0 += 1;
        row.1 += u64::from(acked);
        row.2 += u64::from(late);
    }
    assert_eq!(
        expected
            .values()
            .map(|v| (v.0, v.1, v.2))
            .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2)),
        (4, 2, 1),
        "the fixture: four issued, two acknowledged in time, one overdue"
    );
    let (status, dash) = admin.get("/api/v1/stats").await;
    assert_eq!(status, StatusCode::OK, "{dash}");
    let got: std::collections::BTreeMap<(i64, String), (u64, u64, u64)> = dash["directives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["grid_id"].as_i64().unwrap(),
                    f["month"].as_str().unwrap().to_string(),
                ),
                (
                    f["issued"].as_u64().unwrap(),
                    f["acknowledged_in_time"].as_u64().unwrap(),
                    f["overdue"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, expected, "{}", dash["directives"]);
    assert!(
        dash["directives"][0]["grid_name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{}",
        dash["directives"]
    );
}
both!(the_directive_figure_equals_the_records);
