//! The authorization matrix: every operation of the OpenAPI document × every role (and a grid
//! worker of another grid, and nobody signed in) → the status that role must get. An
//! operation missing from the table fails the test, so new endpoints cannot skip this.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::accounts::{Permission, Principal, Reach};
use std::collections::BTreeSet;

/// Columns of the table, in this order.
const WHO: [&str; 7] = [
    "admin",
    "staff",
    "mediator",
    "gridworker",
    "resident",
    "gw_other",
    "anonymous",
];

struct Case {
    method: Method,
    /// The OpenAPI path template this case exercises.
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 7],
}

fn case(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 7],
) -> Case {
    Case {
        method,
        template,
        path,
        body,
        expect,
    }
}

async fn every_operation_answers_each_role_as_the_permission_table_says(app: &TestApp) {
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let micro1 = app.place_id("XF-C01-G1-M1").await;
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let building = app.place_id("XF-C01-B0001").await;
    let resident_user = app.login("resident").await;
    let (_, meta) = resident_user.get("/api/v1/cases/meta").await;
    let leaf = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let (status, filed) = resident_user
        .post("/api/v1/cases", json!({"title": "井盖缺失", "category_id": leaf, "urgency": "normal", "source": "resident_report", "place_id": building}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let case_id = filed["id"].as_i64().unwrap();
    let photo = resident_user
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{case_id}/photos?kind=report"),
        )
        .header("content-type", "image/png")
        .body(crate::cases::png(40, 30))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::CREATED);
    let photo_id = photo.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let household = app.place_id("XF-C01-B0001-101").await;
    let r1 = app.resident_id("张秀兰").await;
    let qu = app.resident_id("瞿桂英").await;
    let user = app.user_id("resident").await;

    // A council item in the first grid, gathering support, with a comment and two ballots.
    let grid1 = app.place_id("XF-C01-G1").await;
    let staff = app.login("staff").await;
    let (status, item) = resident_user
        .post(
            "/api/v1/council/items",
            json!({"title": "楼下加装充电桩", "scope_place_id": grid1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let item_id = item["summary"]["id"].as_i64().unwrap();
    let (status, item) = staff
        .post(
            &format!("/api/v1/council/items/{item_id}/moves"),
            json!({"action": "accept", "tier": "big", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let (_, comment) = resident_user
        .post(
            &format!("/api/v1/council/items/{item_id}/comments"),
            json!({"body": "支持"}),
        )
        .await;
    let comment_id = comment["id"].as_i64().unwrap();
    let council_photo = resident_user
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/council/items/{item_id}/photos"),
        )
        .header("content-type", "image/png")
        .body(crate::cases::png(40, 30))
        .send()
        .await
        .unwrap();
    assert_eq!(council_photo.status(), StatusCode::CREATED);
    let council_photo_id = council_photo.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let ballot_body = json!({"question": "是否同意加装？", "kind": {"type": "decision"},
        "opens_at": rfc(now - time::Duration::minutes(1)), "closes_at": rfc(now + time::Duration::days(1))});
    let mut ballots = Vec::new();
    for _ in 0..2 {
        let (status, b) = staff
            .post(
                &format!("/api/v1/council/items/{item_id}/ballots"),
                ballot_body.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        ballots.push(b["id"].as_i64().unwrap());
    }
    let meeting_body = json!({"scope_place_id": grid1, "kind": "regular", "title": "十二月议事日",
        "venue": "网格议事角", "starts_at": rfc(now + time::Duration::days(7))});
    let (_, meeting) = staff
        .post("/api/v1/council/meetings", meeting_body.clone())
        .await;
    let meeting_id = meeting["summary"]["id"].as_i64().unwrap();
    let mediator_user = app.user_id("mediator").await;
    let (status, newcomer) = admin
        .post(
            "/api/v1/users",
            json!({"username": "newcomer", "display_name": "新住户", "password": "linju-demo", "roles": ["resident"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{newcomer}");
    let newcomer = newcomer["id"].as_i64().unwrap();
    // A mediation file in the first grid: the demo resident is the applicant, the demo
    // mediator runs it.
    let file_body = json!({"title": "空调外机滴水纠纷", "dispute_type": "neighbour", "origin": "application",
        "place_id": building, "mediator_ids": [mediator_user],
        "parties": [{"side": "applicant", "name": "刘先生", "user_id": user},
                    {"side": "respondent", "name": "邻居"}]});
    let (status, file) = staff
        .post("/api/v1/mediation/files", file_body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let file_id = file["summary"]["id"].as_i64().unwrap();
    let party_id = file["parties"][0]["id"].as_i64().unwrap();
    // A site check on it, with a photo.
    let (status, with_record) = staff
        .post(
            &format!("/api/v1/mediation/files/{file_id}/records"),
            json!({"kind": "site_check", "text": "外机位于院子正上方"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{with_record}");
    let record_id = with_record["records"][0]["id"].as_i64().unwrap();
    let record_photo = staff
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/mediation/records/{record_id}/photos"),
        )
        .header("content-type", "image/png")
        .body(crate::cases::png(40, 30))
        .send()
        .await
        .unwrap();
    assert_eq!(record_photo.status(), StatusCode::CREATED);
    let record_photo_id = record_photo.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    // 张秀兰 (first grid) paired with a helper, with an errand.
    let pairing_body = json!({"resident_id": r1, "helper_name": "幸福大姐 陈阿姨", "helper_kind": "volunteer",
        "risk": "high", "purpose": "代购药品、每周探望", "starts_on": "2026-11-01"});
    let (status, pairing) = staff
        .post("/api/v1/care/pairings", pairing_body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{pairing}");
    let pairing_id = pairing["id"].as_i64().unwrap();
    let errand_body = json!({"resident_id": r1, "kind": "medicine", "description": "代购降压药"});
    let (status, errand) = staff
        .post("/api/v1/care/errands", errand_body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{errand}");
    let errand_id = errand["id"].as_i64().unwrap();
    let visit_body = json!({"resident_id": r1, "method": "phone", "visited_at": rfc(now)});
    let (status, letter) = resident_user
        .post(
            "/api/v1/care/mailbox",
            json!({"subject": "漏水", "body": "楼上漏水", "private": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{letter}");
    let letter_id = letter["id"].as_i64().unwrap();
    let (status, team) = staff
        .post("/api/v1/care/teams", json!({"name": "幸福大姐服务队"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let team_id = team["id"].as_i64().unwrap();
    let (status, member) = staff
        .post(
            &format!("/api/v1/care/teams/{team_id}/members"),
            json!({"name": "王大姐"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    let volunteer_id = member["id"].as_i64().unwrap();

    // A patrol of the first grid by its grid worker, under way.
    let (status, patrol) = app
        .login("gridworker")
        .await
        .post("/api/v1/map/patrols", json!({"grid_id": grid1}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{patrol}");
    let patrol_id = patrol["id"].as_i64().unwrap();

    let mut clients: Vec<Api> = Vec::new();
    for who in WHO {
        clients.push(match who {
            "anonymous" => app.anonymous(),
            "gw_other" => app.login("gw2").await,
            name => app.login(name).await,
        });
    }

    let place_body = json!({"code": "XF-C01-B0001", "name": "1栋", "version": 0});
    let resident_body = json!({"household_id": household, "name": "张秀兰", "version": 0});
    use Method as M;
    let cases = vec![
        case(M::GET, "/healthz", "/healthz".into(), None, [200; 7]),
        case(M::GET, "/readyz", "/readyz".into(), None, [200; 7]),
        case(
            M::GET,
            "/api/openapi.json",
            "/api/openapi.json".into(),
            None,
            [200; 7],
        ),
        case(
            M::GET,
            "/api/v1/auth/me",
            "/api/v1/auth/me".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/me/preferences",
            "/api/v1/me/preferences".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/me/preferences",
            "/api/v1/me/preferences".into(),
            Some(json!({"elder_mode": false, "read_aloud": true, "version": 999})),
            [409, 409, 409, 409, 409, 409, 401],
        ),
        case(
            M::GET,
            "/api/v1/me/care",
            "/api/v1/me/care".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/me/home",
            "/api/v1/me/home".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/auth/session",
            "/api/v1/auth/session".into(),
            None,
            [200; 7],
        ),
        case(
            M::POST,
            "/api/v1/auth/login",
            "/api/v1/auth/login".into(),
            Some(json!({"username": "no-such-user", "password": "not-the-password"})),
            [401; 7],
        ),
        case(
            M::GET,
            "/api/v1/users",
            "/api/v1/users".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        // The person picker: those who give people work (EditPeople).
        case(
            M::GET,
            "/api/v1/people",
            "/api/v1/people?q=%E8%B5%B5".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/users",
            "/api/v1/users".into(),
            Some(json!({"username": "", "display_name": "", "password": "", "roles": []})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{user}"),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{user}"),
            Some(
                json!({"display_name": "刘先生", "roles": ["resident"], "grid_ids": [], "disabled": false, "version": 0}),
            ),
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/users/{id}/photo",
            format!("/api/v1/users/{user}/photo?version=999"),
            None,
            [415, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/users/{id}/photo",
            format!("/api/v1/users/{user}/photo?version=999"),
            None,
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/users/{id}/photo",
            format!("/api/v1/users/{user}/photo"),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/users/{id}/password",
            format!("/api/v1/users/{user}/password"),
            Some(json!({"password": "short", "version": 1})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/places",
            "/api/v1/places".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/grids",
            "/api/v1/grids".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/places",
            "/api/v1/places".into(),
            Some(json!({"kind": "street", "parent_id": null, "code": "", "name": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/places/{id}",
            format!("/api/v1/places/{building}"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // A household is people's data: hidden from other grids, refused to roles without people access.
        case(
            M::GET,
            "/api/v1/places/{id}",
            format!("/api/v1/places/{household}"),
            None,
            [200, 200, 403, 200, 403, 404, 401],
        ),
        case(
            M::PUT,
            "/api/v1/places/{id}",
            format!("/api/v1/places/{building}"),
            Some(place_body),
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/places/{id}",
            format!("/api/v1/places/{building}?version=0"),
            None,
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/places/{id}/children",
            format!("/api/v1/places/{building}/children"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/places/{id}/residents",
            format!("/api/v1/places/{household}/residents"),
            None,
            [200, 200, 403, 200, 403, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/search",
            "/api/v1/search?q=%E5%BC%A0".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/residents",
            "/api/v1/residents".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/residents",
            "/api/v1/residents".into(),
            Some(json!({"household_id": household, "name": ""})),
            [422, 422, 403, 422, 403, 422, 401],
        ),
        case(
            M::GET,
            "/api/v1/residents/{id}",
            format!("/api/v1/residents/{r1}"),
            None,
            [200, 200, 403, 200, 403, 404, 401],
        ),
        case(
            M::PUT,
            "/api/v1/residents/{id}",
            format!("/api/v1/residents/{r1}"),
            Some(resident_body),
            [409, 409, 403, 409, 403, 404, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/residents/{id}",
            format!("/api/v1/residents/{r1}?version=0"),
            None,
            [409, 409, 403, 409, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/residents/{id}/reveal",
            format!("/api/v1/residents/{r1}/reveal"),
            Some(json!({"purpose": "visit"})),
            [200, 200, 403, 200, 403, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/places/export",
            "/api/v1/places/export".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/places/import",
            "/api/v1/places/import?dry_run=true".into(),
            Some(json!({"type": "FeatureCollection", "features": []})),
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/residents/export",
            "/api/v1/residents/export".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        // Sent as CSV below.
        case(
            M::POST,
            "/api/v1/residents/import",
            "/api/v1/residents/import?dry_run=true".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/cases/meta",
            "/api/v1/cases/meta".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/cases",
            "/api/v1/cases".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases",
            "/api/v1/cases".into(),
            Some(
                json!({"title": "", "category_id": 0, "urgency": "normal", "source": "resident_report", "place_id": building}),
            ),
            [422, 422, 422, 422, 422, 422, 401],
        ),
        // Seen by the office, the grid's worker and the reporter; no one else learns it exists.
        case(
            M::GET,
            "/api/v1/cases/{id}",
            format!("/api/v1/cases/{case_id}"),
            None,
            [200, 200, 404, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/{id}/moves",
            format!("/api/v1/cases/{case_id}/moves"),
            Some(json!({"action": "register", "version": 999})),
            [409, 409, 404, 409, 409, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/cases/duplicates",
            format!("/api/v1/cases/duplicates?category_id={leaf}&place_id={building}"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // "This is my problem too": anyone who may report, for a case the question offers.
        case(
            M::POST,
            "/api/v1/cases/{id}/also-reported",
            format!("/api/v1/cases/{case_id}/also-reported"),
            Some(json!({"category_id": leaf, "place_id": building})),
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // Only the reporter rates, and only a closed case.
        case(
            M::POST,
            "/api/v1/cases/{id}/rating",
            format!("/api/v1/cases/{case_id}/rating"),
            Some(json!({"score": 5})),
            [403, 403, 404, 403, 422, 404, 401],
        ),
        // Only the reporter withdraws (a stale version is a conflict).
        case(
            M::POST,
            "/api/v1/cases/{id}/withdraw",
            format!("/api/v1/cases/{case_id}/withdraw"),
            Some(json!({"version": 999})),
            [403, 403, 404, 403, 409, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/notifications",
            "/api/v1/notifications".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/notifications/read",
            "/api/v1/notifications/read".into(),
            Some(json!({"ids": []})),
            [204, 204, 204, 204, 204, 204, 401],
        ),
        case(
            M::GET,
            "/api/v1/board",
            "/api/v1/board".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        // Statistics: the office everywhere, a grid worker in their own grids only.
        case(
            M::GET,
            "/api/v1/stats",
            format!("/api/v1/stats?place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/trend",
            "/api/v1/stats/trend?figure=cases_reported&period=week".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/breakdown",
            format!("/api/v1/stats/breakdown?by=category&place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/cases",
            format!("/api/v1/stats/cases?by=grid&key={grid1}&place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/report",
            format!("/api/v1/stats/report?month=2025-03&place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/export",
            format!("/api/v1/stats/export?kind=cases&format=csv&place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        // 督办: the office issues; the addressee (a grid worker for their grid's cases and
        // council items, a mediator for the terms of their files) answers.
        case(
            M::POST,
            "/api/v1/directives",
            "/api/v1/directives".into(),
            Some(
                json!({"subject": {"kind": "council_item", "id": 999999}, "instruction": "x", "deadline_at": "2020-01-01T00:00:00Z", "addressee_id": 1}),
            ),
            [422, 422, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/{id}/directives",
            format!("/api/v1/cases/{case_id}/directives"),
            Some(
                json!({"instruction": "x", "deadline_at": "2020-01-01T00:00:00Z", "addressee_id": 1}),
            ),
            [422, 422, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/directives",
            "/api/v1/directives".into(),
            None,
            [200, 200, 200, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/directives/open-cases",
            "/api/v1/directives/open-cases".into(),
            None,
            [200, 200, 200, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/directives/{id}",
            "/api/v1/directives/999999".into(),
            None,
            [404, 404, 404, 404, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/directives/{id}/steps",
            "/api/v1/directives/999999/steps".into(),
            Some(json!({"step": "acknowledge", "version": 1})),
            [404, 404, 404, 404, 403, 404, 401],
        ),
        // Requests for approval (回退/作废/延期/缓办): asked like a move, decided by the office.
        case(
            M::POST,
            "/api/v1/cases/{id}/requests",
            format!("/api/v1/cases/{case_id}/requests"),
            Some(
                json!({"kind": "extend", "reason": "x", "new_deadline": "2030-01-01T00:00:00Z", "version": 999}),
            ),
            [409, 409, 404, 409, 409, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/case-requests/{id}/decision",
            "/api/v1/case-requests/999999/decision".into(),
            Some(json!({"approve": true, "version": 1})),
            [404, 404, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/case-requests",
            "/api/v1/case-requests".into(),
            None,
            [200, 200, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/case-requests/export",
            "/api/v1/case-requests/export?format=csv".into(),
            None,
            [200, 200, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/stats/report.xlsx",
            format!("/api/v1/stats/report.xlsx?month=2025-03&place_id={grid1}"),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        // Assessment: the office every row, a grid worker their own (and their grids');
        // the rules are the admins' to change.
        case(
            M::GET,
            "/api/v1/assessment",
            "/api/v1/assessment?subject=grid_worker&month=2025-03".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/assessment/cases",
            format!(
                "/api/v1/assessment/cases?subject=grid&key={grid1}&indicator=closure_rate&month=2025-03"
            ),
            None,
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/assessment/export",
            "/api/v1/assessment/export?subject=grid_worker&month=2025-03&format=csv".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/assessment/rules",
            "/api/v1/assessment/rules".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/assessment/rules",
            "/api/v1/assessment/rules".into(),
            Some(json!({"version": 1, "rules": []})),
            [200, 403, 403, 403, 403, 403, 401],
        ),
        // Sent as an (empty) PNG below: those who may see the case get 422, the rest 404.
        case(
            M::POST,
            "/api/v1/cases/{id}/photos",
            format!("/api/v1/cases/{case_id}/photos?kind=report"),
            None,
            [422, 422, 404, 422, 422, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/cases/{id}/photos",
            format!("/api/v1/cases/{case_id}/photos"),
            None,
            [200, 200, 404, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/photos/{id}",
            format!("/api/v1/photos/{photo_id}"),
            None,
            [200, 200, 404, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/photos/{id}/thumb",
            format!("/api/v1/photos/{photo_id}/thumb"),
            None,
            [200, 200, 404, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/map/features",
            "/api/v1/map/features?bbox=103.82,36.05,103.85,36.08&layers=grids,cases".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/map/locate",
            "/api/v1/map/locate?lon=103.8305&lat=36.0605".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/places/{id}/geometry/undo",
            format!("/api/v1/places/{grid1}/geometry/undo"),
            Some(json!({"version": 0})),
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/map/places/{id}/split",
            format!("/api/v1/map/places/{micro1}/split"),
            Some(json!({"version": 0, "line": [[0.0, 0.0], [0.0, 0.0]], "code": "", "name": ""})),
            [409, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/map/places/{id}/merge",
            format!("/api/v1/map/places/{micro1}/merge"),
            Some(json!({"version": 0, "other_id": micro1, "other_version": 0})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/map/config",
            "/api/v1/map/config".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // Everyone sees a grid's panel; the figures inside it are filtered (tests in map.rs).
        case(
            M::GET,
            "/api/v1/map/grids/{id}/summary",
            format!("/api/v1/map/grids/{grid1}/summary"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/map/figures",
            "/api/v1/map/figures?bbox=103.82,36.05,103.85,36.08".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/map/heat",
            "/api/v1/map/heat?bbox=103.82,36.05,103.85,36.08&from=2026-01-01&to=2026-12-31".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // Care layers: counts for those who may see special groups (the office, grid workers).
        case(
            M::GET,
            "/api/v1/map/care",
            "/api/v1/map/care?bbox=103.82,36.05,103.85,36.08".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        // Patrols: the office and grid workers read; grid workers start them in their grids
        // (the office anywhere); only the walker adds points and ends.
        case(
            M::GET,
            "/api/v1/map/patrols",
            "/api/v1/map/patrols".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/map/patrols",
            "/api/v1/map/patrols".into(),
            Some(json!({"grid_id": grid1})),
            [201, 201, 403, 201, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/map/patrols/{id}/points",
            format!("/api/v1/map/patrols/{patrol_id}/points"),
            Some(json!({"points": [{"lon": 103.8305, "lat": 36.0605, "at": rfc(now)}]})),
            [403, 403, 404, 200, 404, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/map/patrols/{id}/end",
            format!("/api/v1/map/patrols/{patrol_id}/end"),
            Some(json!({"version": 1})),
            [403, 403, 404, 200, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/assignees",
            "/api/v1/assignees".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/categories",
            "/api/v1/cases/categories".into(),
            Some(json!({"code": "", "name_zh": "", "name_en": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/cases/categories/{id}",
            "/api/v1/cases/categories/1".into(),
            Some(json!({"code": "", "name_zh": "", "name_en": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/parties",
            "/api/v1/cases/parties".into(),
            Some(json!({"code": "", "name_zh": "", "name_en": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/cases/parties/{id}",
            "/api/v1/cases/parties/1".into(),
            Some(json!({"code": "", "name_zh": "", "name_en": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/cases/sla",
            "/api/v1/cases/sla".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/cases/sla",
            "/api/v1/cases/sla".into(),
            Some(json!([])),
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/supervision/rules",
            "/api/v1/supervision/rules".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // An unsubscribe link works without signing in; an unknown token is a 404 for everyone.
        case(
            M::GET,
            "/api/v1/unsubscribe/{token}",
            "/api/v1/unsubscribe/no-such-token?channel=email".into(),
            None,
            [404; 7],
        ),
        case(
            M::PUT,
            "/api/v1/supervision/rules",
            "/api/v1/supervision/rules".into(),
            Some(json!({"rules": [], "version": 1})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/calendar",
            "/api/v1/calendar".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/calendar",
            "/api/v1/calendar".into(),
            Some(json!([])),
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/calendar/{day}",
            "/api/v1/calendar/2026-10-01".into(),
            None,
            [204, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/board/limits",
            "/api/v1/board/limits".into(),
            Some(json!([])),
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/{id}/undo",
            format!("/api/v1/cases/{case_id}/undo"),
            Some(json!({"version": 999})),
            [409, 409, 404, 409, 409, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/settings/{key}",
            "/api/v1/settings/board.filters".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/settings/{key}",
            "/api/v1/settings/board.filters".into(),
            Some(json!({"grid_id": 1})),
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/cases/{id}/rank",
            format!("/api/v1/cases/{case_id}/rank"),
            Some(json!({"version": 999})),
            [409, 409, 404, 409, 403, 404, 401],
        ),
        // A stream: only the status is read.
        case(
            M::GET,
            "/api/v1/live",
            "/api/v1/live".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/open311/keys",
            "/api/v1/open311/keys".into(),
            Some(json!({"name": ""})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/open311/keys",
            "/api/v1/open311/keys".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/open311/keys/{id}",
            "/api/v1/open311/keys/999999".into(),
            None,
            [404, 403, 403, 403, 403, 403, 401],
        ),
        // Open311 is public for reading and by API key for writing, whoever is signed in.
        case(
            M::GET,
            "/open311/v2/{file}",
            "/open311/v2/services.json".into(),
            None,
            [200; 7],
        ),
        case(
            M::POST,
            "/open311/v2/{file}",
            "/open311/v2/requests.json".into(),
            None,
            [403; 7],
        ),
        case(
            M::GET,
            "/open311/v2/services/{file}",
            "/open311/v2/services/E-ENV-01.json".into(),
            None,
            [200; 7],
        ),
        case(
            M::GET,
            "/open311/v2/requests/{file}",
            format!("/open311/v2/requests/{case_id}.json"),
            None,
            [200; 7],
        ),
        case(
            M::GET,
            "/api/v1/audit",
            "/api/v1/audit".into(),
            None,
            [200, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/items",
            "/api/v1/council/items".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/items",
            "/api/v1/council/items".into(),
            Some(json!({"title": "小区东门路灯不亮", "scope_place_id": grid1})),
            [201, 201, 403, 201, 201, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/items/{id}",
            format!("/api/v1/council/items/{item_id}"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // Sent as an (empty) PNG below: the raiser and those who manage the item get 422.
        case(
            M::POST,
            "/api/v1/council/items/{id}/photos",
            format!("/api/v1/council/items/{item_id}/photos"),
            None,
            [422, 422, 403, 422, 422, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/photos/{id}",
            format!("/api/v1/council/photos/{council_photo_id}"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/photos/{id}/thumb",
            format!("/api/v1/council/photos/{council_photo_id}/thumb"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // A stream: only the status is read.
        case(
            M::GET,
            "/api/v1/council/live",
            "/api/v1/council/live".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/items/{id}/moves",
            format!("/api/v1/council/items/{item_id}/moves"),
            Some(json!({"action": "reject", "note": "x", "version": 999})),
            [409, 409, 403, 409, 403, 403, 401],
        ),
        // Only verified residents in the item's scope support and vote.
        case(
            M::PUT,
            "/api/v1/council/items/{id}/support",
            format!("/api/v1/council/items/{item_id}/support"),
            None,
            [403, 403, 403, 403, 200, 403, 401],
        ),
        case(
            M::DELETE,
            "/api/v1/council/items/{id}/support",
            format!("/api/v1/council/items/{item_id}/support"),
            None,
            [403, 403, 403, 403, 200, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/items/{id}/comments",
            format!("/api/v1/council/items/{item_id}/comments"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/items/{id}/comments",
            format!("/api/v1/council/items/{item_id}/comments"),
            Some(json!({"body": "同意"})),
            [201, 201, 403, 201, 201, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/comments/{id}/hide",
            format!("/api/v1/council/comments/{comment_id}/hide"),
            Some(json!({"reason": "与议题无关"})),
            [200, 200, 403, 200, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/items/{id}/ballots",
            format!("/api/v1/council/items/{item_id}/ballots"),
            Some(ballot_body.clone()),
            [201, 201, 403, 201, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/ballots/{id}/votes",
            format!("/api/v1/council/ballots/{}/votes", ballots[0]),
            Some(json!({"answer": {"type": "decision", "choice": "agree"}})),
            [403, 403, 403, 403, 200, 403, 401],
        ),
        // Only the voter takes back their vote (within the undo window).
        case(
            M::DELETE,
            "/api/v1/council/ballots/{id}/votes",
            format!("/api/v1/council/ballots/{}/votes", ballots[0]),
            None,
            [403, 403, 403, 403, 200, 403, 401],
        ),
        // 代办: the office and the grid's worker act for a resident; nobody else (a grid
        // worker of another grid is not told she exists). The item does not exist.
        case(
            M::POST,
            "/api/v1/proxy/actions",
            "/api/v1/proxy/actions".into(),
            Some(
                json!({"resident_id": qu, "confirmation": "thumbprint", "act": {"kind": "support", "item_id": 999_999}}),
            ),
            [404, 404, 403, 404, 403, 422, 401],
        ),
        case(
            M::GET,
            "/api/v1/proxy/residents/{id}/actions",
            format!("/api/v1/proxy/residents/{qu}/actions"),
            None,
            [200, 200, 403, 200, 403, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/me/proxy-notices",
            "/api/v1/me/proxy-notices".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/me/proxy-notices/seen",
            "/api/v1/me/proxy-notices/seen".into(),
            Some(json!({"ids": []})),
            [204, 204, 204, 204, 204, 204, 401],
        ),
        // The first close freezes the ballot; closing it again is a conflict.
        case(
            M::POST,
            "/api/v1/council/ballots/{id}/close",
            format!("/api/v1/council/ballots/{}/close", ballots[1]),
            None,
            [200, 409, 403, 409, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/meetings",
            "/api/v1/council/meetings".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/council/meetings",
            "/api/v1/council/meetings".into(),
            Some(meeting_body.clone()),
            [201, 201, 403, 201, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/meetings/{id}",
            format!("/api/v1/council/meetings/{meeting_id}"),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/council/meetings/{id}/attendance",
            format!("/api/v1/council/meetings/{meeting_id}/attendance"),
            Some(json!({"attendees": [], "version": 999})),
            [409, 409, 403, 409, 403, 403, 401],
        ),
        case(
            M::PUT,
            "/api/v1/council/meetings/{id}/minutes/{item_id}",
            format!("/api/v1/council/meetings/{meeting_id}/minutes/{item_id}"),
            Some(json!({"text": "议定：征求全楼意见", "version": 999})),
            [404, 404, 403, 404, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/accountability",
            "/api/v1/council/accountability".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/settings",
            "/api/v1/council/settings".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/council/settings",
            "/api/v1/council/settings".into(),
            Some(json!({"support_threshold": 0, "small_matter_days": 7, "version": 1})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/council/me",
            "/api/v1/council/me".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/files",
            "/api/v1/mediation/files".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/files",
            "/api/v1/mediation/files".into(),
            Some(file_body.clone()),
            [201, 201, 201, 201, 201, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/board",
            "/api/v1/mediation/board".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/mediators",
            "/api/v1/mediation/mediators".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // A file is visible to the office, its grid's worker, its mediators and its parties.
        case(
            M::GET,
            "/api/v1/mediation/files/{id}",
            format!("/api/v1/mediation/files/{file_id}"),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/files/{id}/dossier.html",
            format!("/api/v1/mediation/files/{file_id}/dossier.html"),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/files/{id}/agreement.html",
            format!("/api/v1/mediation/files/{file_id}/agreement.html"),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/files/{id}/agreement.pdf",
            format!("/api/v1/mediation/files/{file_id}/agreement.pdf"),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/sessions/{id}/record.html",
            "/api/v1/mediation/sessions/999999/record.html".into(),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        // Everyone signed in may listen; each hears only the files they may see.
        case(
            M::GET,
            "/api/v1/mediation/live",
            "/api/v1/mediation/live".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/files/{id}/moves",
            format!("/api/v1/mediation/files/{file_id}/moves"),
            Some(json!({"action": "fail", "note": "x", "version": 999})),
            [409, 409, 409, 403, 403, 404, 401],
        ),
        case(
            M::PUT,
            "/api/v1/mediation/files/{id}/mediators",
            format!("/api/v1/mediation/files/{file_id}/mediators"),
            Some(json!({"user_ids": [mediator_user], "version": 999})),
            [409, 409, 403, 403, 403, 404, 401],
        ),
        case(
            M::PUT,
            "/api/v1/mediation/parties/{id}/consent",
            format!("/api/v1/mediation/parties/{party_id}/consent"),
            Some(json!({"agreed": true})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/parties/{id}/notice",
            format!("/api/v1/mediation/parties/{party_id}/notice"),
            None,
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/parties/{id}/contact",
            format!("/api/v1/mediation/parties/{party_id}/contact"),
            None,
            [200, 200, 200, 200, 403, 404, 401],
        ),
        // Only the file's mediators record sessions, agreements and confirmations.
        case(
            M::POST,
            "/api/v1/mediation/parties/{id}/confirm",
            format!("/api/v1/mediation/parties/{party_id}/confirm"),
            Some(json!({"method": "signature"})),
            [403, 403, 422, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/files/{id}/sessions",
            format!("/api/v1/mediation/files/{file_id}/sessions"),
            Some(json!({"mode": "joint", "held_at": "2026-11-20T02:00:00Z", "venue": "调解室"})),
            [403, 403, 422, 403, 403, 404, 401],
        ),
        case(
            M::PUT,
            "/api/v1/mediation/files/{id}/agreement",
            format!("/api/v1/mediation/files/{file_id}/agreement"),
            Some(
                json!({"facts": "x", "terms": [{"text": "y", "due": "2026-12-31"}], "version": 999}),
            ),
            [403, 403, 422, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/files/{id}/records",
            format!("/api/v1/mediation/files/{file_id}/records"),
            Some(json!({"kind": "note", "text": "电话联系双方"})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        // Record photos go with their record: added by those who make records (sent as an
        // empty PNG below: 422), seen by those who see records — the grid's worker too, a
        // party (the resident here) not.
        case(
            M::POST,
            "/api/v1/mediation/records/{id}/photos",
            format!("/api/v1/mediation/records/{record_id}/photos"),
            None,
            [422, 422, 422, 403, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/records/{id}/photos",
            format!("/api/v1/mediation/records/{record_id}/photos"),
            None,
            [200, 200, 200, 200, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/photos/{id}",
            format!("/api/v1/mediation/photos/{record_photo_id}"),
            None,
            [200, 200, 200, 200, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/mediation/photos/{id}/thumb",
            format!("/api/v1/mediation/photos/{record_photo_id}/thumb"),
            None,
            [200, 200, 200, 200, 404, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/files/{id}/extension",
            format!("/api/v1/mediation/files/{file_id}/extension"),
            Some(json!({"deadline": "2027-01-31", "consenting_party_ids": [], "version": 999})),
            [422, 422, 422, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            "/api/v1/mediation/terms/{id}/performed",
            "/api/v1/mediation/terms/999999/performed".into(),
            Some(json!({"proof": "已移机"})),
            [404, 404, 404, 404, 404, 404, 401],
        ),
        // Care records of special-group residents: staff, and grid workers of their grid.
        case(
            M::POST,
            "/api/v1/care/pairings",
            "/api/v1/care/pairings".into(),
            Some(pairing_body.clone()),
            [201, 201, 422, 201, 422, 422, 401],
        ),
        case(
            M::PUT,
            "/api/v1/care/pairings/{id}",
            format!("/api/v1/care/pairings/{pairing_id}"),
            Some(json!({"active": true, "risk": "high", "version": 999})),
            [409, 409, 404, 409, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/due",
            "/api/v1/care/due".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/visits",
            "/api/v1/care/visits".into(),
            Some(visit_body.clone()),
            [201, 201, 404, 201, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/residents/{id}",
            format!("/api/v1/care/residents/{r1}"),
            None,
            [200, 200, 404, 200, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/errands",
            "/api/v1/care/errands".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/errands",
            "/api/v1/care/errands".into(),
            // The same need again, said to be another matter (else `already_open` for all).
            Some(
                json!({"resident_id": r1, "kind": "medicine", "description": "代购降压药", "confirm_duplicate": true}),
            ),
            [201, 201, 422, 201, 422, 422, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/errands/{id}/moves",
            format!("/api/v1/care/errands/{errand_id}/moves"),
            Some(json!({"step": "accept", "version": 999})),
            [409, 409, 404, 409, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/groups",
            "/api/v1/care/groups".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/intervals",
            "/api/v1/care/intervals".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/care/intervals",
            "/api/v1/care/intervals".into(),
            Some(json!({"high_days": 0, "key_days": 30, "normal_days": 90, "version": 1})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/mailbox",
            "/api/v1/care/mailbox".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/mailbox",
            "/api/v1/care/mailbox".into(),
            Some(json!({"subject": "建议", "body": "增设座椅", "private": true})),
            [201, 201, 201, 201, 201, 201, 401],
        ),
        // A private letter of the resident: only the secretary (admin) answers it.
        case(
            M::POST,
            "/api/v1/care/mailbox/{id}/answer",
            format!("/api/v1/care/mailbox/{letter_id}/answer"),
            Some(json!({"text": "已收到", "version": 999})),
            [409, 404, 404, 404, 403, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/meals/enrolments",
            "/api/v1/care/meals/enrolments".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/meals/enrolments",
            "/api/v1/care/meals/enrolments".into(),
            Some(json!({"resident_id": r1, "mode": "eat_in"})),
            [201, 422, 422, 422, 422, 422, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/meals/menus",
            format!("/api/v1/care/meals/menus?from={0}&to={0}", now.date()),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/care/meals/menus",
            "/api/v1/care/meals/menus".into(),
            Some(json!({"day": now.date().to_string(), "dishes": "米饭"})),
            [200, 200, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/meals/orders",
            format!("/api/v1/care/meals/orders?day={}", now.date()),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/meals/orders",
            "/api/v1/care/meals/orders".into(),
            Some(json!({"day": now.date().to_string()})),
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/meals/orders/{id}/delivered",
            "/api/v1/care/meals/orders/999999/delivered".into(),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/meals/counts",
            format!(
                "/api/v1/care/meals/counts?month={}",
                &now.date().to_string()[..7]
            ),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/teams",
            "/api/v1/care/teams".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/teams",
            "/api/v1/care/teams".into(),
            Some(json!({"name": "助老服务队"})),
            [201, 422, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/teams/{id}/members",
            format!("/api/v1/care/teams/{team_id}/members"),
            Some(json!({"name": "李大姐"})),
            [201, 201, 403, 403, 403, 403, 401],
        ),
        case(
            M::POST,
            "/api/v1/care/activities",
            "/api/v1/care/activities".into(),
            Some(
                json!({"team_id": team_id, "title": "重阳节包饺子", "day": now.date().to_string(),
                "participants": [{"volunteer_id": volunteer_id, "minutes": 60}]}),
            ),
            [200, 200, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/volunteers/mine",
            "/api/v1/care/volunteers/mine".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/volunteers/{id}",
            format!("/api/v1/care/volunteers/{volunteer_id}"),
            None,
            [200, 200, 404, 404, 404, 404, 401],
        ),
        // Someone else's points: not even there for those who may not read them.
        case(
            M::POST,
            "/api/v1/care/volunteers/{id}/redeem",
            format!("/api/v1/care/volunteers/{volunteer_id}/redeem"),
            Some(json!({"points": 100000, "reason": "兑换米面油"})),
            [422, 422, 404, 404, 404, 404, 401],
        ),
        case(
            M::GET,
            "/api/v1/care/timebank",
            "/api/v1/care/timebank".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            "/api/v1/care/timebank",
            "/api/v1/care/timebank".into(),
            Some(json!({"points_per_hour": 0, "version": 1})),
            [422, 403, 403, 403, 403, 403, 401],
        ),
        // Verifying a resident account as a resident of the first grid: the office, or its grid
        // worker. After the care rows: it makes the newcomer 瞿桂英's own account.
        case(
            M::PUT,
            "/api/v1/users/{id}/resident",
            format!("/api/v1/users/{newcomer}/resident"),
            // 瞿桂英 of the first grid: 张秀兰 has her own account (the demo's elder).
            Some(json!({"resident_id": qu})),
            [200, 200, 403, 200, 403, 403, 401],
        ),
        // Last: it ends the sessions used above.
        case(
            M::POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            None,
            [204; 7],
        ),
    ];

    // Every operation of the document has a row, and every row names a documented operation.
    let (_, doc) = app.anonymous().get("/api/openapi.json").await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let tested: BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| (c.method.to_string(), c.template.to_string()))
        .collect();
    assert_eq!(
        documented, tested,
        "the matrix must cover exactly the documented operations"
    );

    // Every operation names one permission of the shared table (`x-permission`), and what
    // each role gets agrees with `shared::accounts::reach`: nobody signed in is refused unless
    // the operation is public; a role the table gives nothing of that permission is refused
    // (403, or 404 where a record's existence is not told).
    // Who each column is, as the server sees them (nobody, for the anonymous column).
    let mut principals: Vec<Option<Principal>> = Vec::new();
    for client in &clients {
        let (_, me) = client.get("/api/v1/auth/me").await;
        principals.push(serde_json::from_value(me).ok());
    }
    let mut failures = Vec::new();
    for c in &cases {
        let op = &doc["paths"][c.template][c.method.as_str().to_lowercase()];
        let Some(permission) = op["x-permission"].as_str().and_then(Permission::parse) else {
            failures.push(format!(
                "{} {}: names no permission of the shared table ({})",
                c.method, c.template, op["x-permission"]
            ));
            continue;
        };
        for (i, who) in WHO.iter().enumerate() {
            let expect = c.expect[i];
            let reach = principals[i]
                .as_ref()
                .map_or(Reach::Nothing, |p| p.reach(permission));
            let refused = if *who == "anonymous" {
                permission != Permission::Public && expect != 401
            } else {
                reach == Reach::Nothing
                    && permission != Permission::Public
                    && ![403, 404].contains(&expect)
            };
            if refused {
                failures.push(format!(
                    "{} {} as {who}: {} gives {reach:?}, yet the row expects {expect}",
                    c.method,
                    c.template,
                    permission.as_str()
                ));
            }
        }
    }
    for c in &cases {
        for (i, who) in WHO.iter().enumerate() {
            let mut req = clients[i].request(c.method.clone(), &c.path);
            if let Some(b) = &c.body {
                let mut b = b.clone();
                if c.template == "/api/v1/auth/login" {
                    // One unknown name per column, so the per-account lock does not kick in.
                    b["username"] = json!(format!("nobody-{who}"));
                }
                req = req.json(&b);
            }
            if c.template == "/open311/v2/{file}" && c.method == M::POST {
                req = req
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("service_code=E-ENV-01");
            }
            if (c.template == "/api/v1/cases/{id}/photos"
                || c.template == "/api/v1/council/items/{id}/photos"
                || c.template == "/api/v1/mediation/records/{id}/photos")
                && c.method == M::POST
            {
                req = req
                    .header("content-type", "image/png")
                    .body(Vec::<u8>::new());
            }
            if c.template == "/api/v1/residents/import" {
                req = req
                    .header("content-type", "text/csv")
                    .body("household_code,name\n");
            }
            let (status, body) = if c.template.ends_with("/live") {
                (req.send().await.unwrap().status(), serde_json::Value::Null)
            } else {
                clients[i].send(req).await
            };
            if status.as_u16() != c.expect[i] {
                failures.push(format!(
                    "{} {} as {who}: expected {}, got {} {body}",
                    c.method, c.path, c.expect[i], status
                ));
            }
            // Whatever the answer, the document names it (schemathesis checks the same).
            let documented =
                &doc["paths"][c.template][c.method.as_str().to_lowercase()]["responses"];
            if documented.get(status.as_str()).is_none() {
                failures.push(format!(
                    "{} {} as {who}: {} is not among the documented answers",
                    c.method, c.template, status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
}
both!(every_operation_answers_each_role_as_the_permission_table_says);
