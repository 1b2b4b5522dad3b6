//! Every write that names a person — a case's assignee, a meal's deliverer, a pairing's
//! helper, a dispute file's mediators, a volunteer's account — names someone the writer may give that work to
//! (`shared::accounts::may_name_for`), and the person picker offers exactly those people.

use crate::both;
use crate::common::{Api, TestApp, category, party};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn create_user(admin: &Api, body: Value) -> i64 {
    let (status, u) = admin.post("/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    u["id"].as_i64().unwrap()
}

/// One write that names a person: `refuses` sends a body and expects the 422 problem document
/// naming `field` with `code`, its message in the asked language (Chinese, then English).
struct Write<'a> {
    api: &'a Api,
    method: Method,
    path: String,
}

impl<'a> Write<'a> {
    fn post(api: &'a Api, path: &str) -> Self {
        Write {
            api,
            method: Method::POST,
            path: path.to_string(),
        }
    }

    fn put(api: &'a Api, path: &str) -> Self {
        Write {
            api,
            method: Method::PUT,
            path: path.to_string(),
        }
    }

    async fn refuses(&self, body: Value, field: &str, code: &str) {
        for (lang, expect_han) in [("zh-CN", true), ("en", false)] {
            let res = self
                .api
                .request(self.method.clone(), &self.path)
                .header("accept-language", lang)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{} {body}",
                self.path
            );
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            let p: Value = res.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{p}");
            assert_eq!(p["errors"][0]["code"], code, "{p}");
            let message = p["errors"][0]["message"].as_str().unwrap();
            let han = message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert_eq!(han, expect_han, "{lang}: {message}");
        }
    }
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|p| p["display_name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

/// The people the tests name: another grid's worker, a volunteer's account (no grid), a
/// disabled mediator, and the demo accounts.
struct Named {
    staff: Api,
    gw: Api,
    building: i64,
    other_gw: i64,
    volunteer: i64,
    gone: i64,
    mediator: i64,
    resident: i64,
    gw_id: i64,
    staff_id: i64,
}

async fn named(app: &TestApp) -> Named {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let building = app.place_id("XF-C01-B0001").await; // in the first grid
    let other_gw = create_user(
        &admin,
        json!({"username": "gw2", "display_name": "钱网格员", "password": "linju-demo",
            "roles": ["grid_worker"], "grid_ids": [grid2]}),
    )
    .await;
    let volunteer = create_user(
        &admin,
        json!({"username": "xingfu", "display_name": "陈阿姨", "password": "linju-demo", "roles": ["resident"]}),
    )
    .await;
    let gone = create_user(
        &admin,
        json!({"username": "gone", "display_name": "周调解员", "password": "linju-demo", "roles": ["mediator"]}),
    )
    .await;
    let (_, g) = admin.get(&format!("/api/v1/users/{gone}")).await;
    let (status, _) = admin
        .put(
            &format!("/api/v1/users/{gone}"),
            json!({"display_name": "周调解员", "roles": ["mediator"], "grid_ids": [], "disabled": true, "version": g["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mediator = app.user_id("mediator").await;
    let resident = app.user_id("resident").await;
    let gw_id = app.user_id("gridworker").await;
    let staff_id = app.user_id("staff").await;

    Named {
        staff,
        gw,
        building,
        other_gw,
        volunteer,
        gone,
        mediator,
        resident,
        gw_id,
        staff_id,
    }
}

async fn a_case_is_dispatched_only_to_whom_may_take_it(app: &TestApp) {
    let Named {
        staff,
        building,
        other_gw,
        resident,
        gw_id,
        ..
    } = named(app).await;
    // A case in the first grid, registered: dispatched to a grid worker of another grid, to a
    // resident, to nobody that exists — each refused on `assignee_id`.
    let (rubbish, property) = (
        category(&staff, "E-ENV-01").await,
        party(&staff, "PROPERTY").await,
    );
    let (status, c) = staff
        .post(
            "/api/v1/cases",
            json!({"title": "楼道堆物", "description": "堵住了消防通道", "category_id": rubbish, "urgency": "normal",
                "source": "patrol", "place_id": building}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let moves = format!("/api/v1/cases/{}/moves", c["id"]);
    let (status, c) = staff
        .post(
            &moves,
            json!({"action": "register", "version": c["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let dispatch = |who: i64| json!({"action": "dispatch", "responsible_party_id": property, "assignee_id": who, "version": c["version"]});
    let dispatching = Write::post(&staff, &moves);
    dispatching
        .refuses(dispatch(other_gw), "assignee_id", "not_eligible")
        .await;
    dispatching
        .refuses(dispatch(resident), "assignee_id", "not_eligible")
        .await;
    dispatching
        .refuses(dispatch(999_999), "assignee_id", "unknown_reference")
        .await;
    // The picker for this case offers the office and the grid's worker, not the other grid's.
    let (status, offered) = staff
        .get(&format!(
            "/api/v1/people?work=case_assignee&work_grid_id={}",
            c["grid_id"]
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    let offered = names(&offered);
    assert!(offered.contains(&"赵网格员".to_string()), "{offered:?}");
    assert!(offered.contains(&"王干事".to_string()), "{offered:?}");
    assert!(!offered.contains(&"钱网格员".to_string()), "{offered:?}");
    assert!(!offered.contains(&"刘先生".to_string()), "{offered:?}");
    let (status, c2) = staff.post(&moves, dispatch(gw_id)).await;
    assert_eq!(status, StatusCode::OK, "{c2}");
    assert_eq!(c2["assignee_id"], gw_id);
}
both!(a_case_is_dispatched_only_to_whom_may_take_it);

async fn meals_are_delivered_only_by_whom_the_writer_may_name(app: &TestApp) {
    let Named {
        staff,
        gw,
        volunteer,
        gone,
        mediator,
        ..
    } = named(app).await;
    // A meal's deliverer: not a mediator's account; a grid worker names no one outside their
    // grids (the volunteer's account works in none).
    let qu = app.resident_id("瞿桂英").await;
    let enrol = |who: i64| json!({"resident_id": qu, "mode": "delivery", "deliverer_user_id": who});
    Write::post(&staff, "/api/v1/care/meals/enrolments")
        .refuses(enrol(mediator), "deliverer_user_id", "not_eligible")
        .await;
    Write::post(&gw, "/api/v1/care/meals/enrolments")
        .refuses(enrol(volunteer), "deliverer_user_id", "out_of_scope")
        .await;
    Write::post(&staff, "/api/v1/care/meals/enrolments")
        .refuses(enrol(gone), "deliverer_user_id", "unknown_reference")
        .await;
    let (_, offered) = gw.get("/api/v1/people?work=meal_deliverer").await;
    assert!(
        !names(&offered).contains(&"陈阿姨".to_string()),
        "{offered}"
    );
    let (_, offered) = staff
        .get("/api/v1/people?work=meal_deliverer&q=%E9%99%88")
        .await; // 陈
    assert_eq!(names(&offered), ["陈阿姨"], "not 陈调解员");
}
both!(meals_are_delivered_only_by_whom_the_writer_may_name);

async fn pairings_name_only_helpers_the_writer_may_name(app: &TestApp) {
    let Named {
        staff,
        gw,
        other_gw,
        volunteer,
        mediator,
        ..
    } = named(app).await;
    // A pairing's helper: the same rule.
    let zhang = app.resident_id("张秀兰").await;
    let pair = |who: i64| {
        json!({"resident_id": zhang, "helper_user_id": who, "helper_name": "帮扶人", "helper_kind": "volunteer",
            "risk": "key", "purpose": "每月探望", "starts_on": "2026-01-01"})
    };
    Write::post(&staff, "/api/v1/care/pairings")
        .refuses(pair(mediator), "helper_user_id", "not_eligible")
        .await;
    Write::post(&gw, "/api/v1/care/pairings")
        .refuses(pair(other_gw), "helper_user_id", "out_of_scope")
        .await;
    let (status, p) = staff.post("/api/v1/care/pairings", pair(volunteer)).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
}
both!(pairings_name_only_helpers_the_writer_may_name);

async fn files_name_only_accounts_that_may_mediate(app: &TestApp) {
    let Named {
        staff,
        building,
        gone,
        mediator,
        gw_id,
        staff_id,
        ..
    } = named(app).await;
    // A file's mediators: accounts that may mediate, enabled; on opening and on reassigning.
    let file = |ids: Vec<i64>| {
        json!({"title": "空调外机滴水纠纷", "dispute_type": "neighbour", "origin": "application",
            "place_id": building, "mediator_ids": ids,
            "parties": [{"side": "applicant", "name": "刘先生"}, {"side": "respondent", "name": "邻居"}]})
    };
    let opening = Write::post(&staff, "/api/v1/mediation/files");
    opening
        .refuses(
            file(vec![mediator, staff_id]),
            "mediator_ids[1]",
            "not_eligible",
        )
        .await;
    opening
        .refuses(file(vec![gone]), "mediator_ids[0]", "unknown_reference")
        .await;
    let (status, f) = staff
        .post("/api/v1/mediation/files", file(vec![mediator]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    let reassign = format!("/api/v1/mediation/files/{}/mediators", f["summary"]["id"]);
    let version = f["summary"]["version"].clone();
    let reassigning = Write::put(&staff, &reassign);
    reassigning
        .refuses(
            json!({"user_ids": [gw_id], "version": version}),
            "user_ids[0]",
            "not_eligible",
        )
        .await;
    reassigning
        .refuses(
            json!({"user_ids": [gone], "version": version}),
            "user_ids[0]",
            "unknown_reference",
        )
        .await;
    // Anyone who may open a file finds the mediators in the picker (a resident too).
    let (status, offered) = app
        .login("resident")
        .await
        .get("/api/v1/people?work=mediator")
        .await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    assert_eq!(names(&offered), ["陈调解员"]);
}
both!(files_name_only_accounts_that_may_mediate);

async fn volunteers_are_accounts_the_office_may_name(app: &TestApp) {
    let Named {
        staff,
        volunteer,
        gone,
        ..
    } = named(app).await;
    // A volunteer's own account (to see their hours and points): an enabled account, by the
    // same rule as every other write that names a person.
    let (status, team) = staff
        .post(
            "/api/v1/care/teams",
            json!({"name": "幸福大姐", "description": "助老送餐"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let members = format!("/api/v1/care/teams/{}/members", team["id"]);
    let add = |who: i64| json!({"name": "陈阿姨", "user_id": who});
    let at = Write::post(&staff, &members);
    at.refuses(add(gone), "user_id", "unknown_reference").await;
    at.refuses(add(999_999), "user_id", "unknown_reference")
        .await;
    let (status, m) = staff.post(&members, add(volunteer)).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["has_account"], true);
    let (status, offered) = staff.get("/api/v1/people?work=volunteer").await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    let offered = names(&offered);
    assert!(offered.contains(&"陈阿姨".to_string()), "{offered:?}");
    assert!(
        !offered.contains(&"周调解员".to_string()),
        "a disabled account: {offered:?}"
    );
}
both!(volunteers_are_accounts_the_office_may_name);
