//! User administration: create, roles and scopes, versions, password reset.

use crate::both;
use crate::common::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn admin_creates_a_scoped_grid_worker_who_sees_only_that_grid(app: &TestApp) {
    let admin = app.login("admin").await;
    let grid3 = app.place_id("XF-C01-G3").await;
    let (status, user) = admin
        .post(
            "/api/v1/users",
            json!({"username": "Wang.Wu", "display_name": " 王五 ", "password": "a-long-password", "roles": ["grid_worker", "resident"], "grid_ids": [grid3]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["username"], "wang.wu");
    assert_eq!(user["display_name"], "王五");
    assert_eq!(user["roles"], json!(["resident", "grid_worker"]));
    assert_eq!(user["grid_ids"], json!([grid3]));
    assert!(user.get("password_hash").is_none());

    let mut api = app.anonymous();
    assert_eq!(
        api.login("wang.wu", "a-long-password").await.0,
        StatusCode::OK
    );
    let (_, page) = api.get("/api/v1/residents?limit=200").await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|r| r["grid_id"] == grid3),
        "only residents of grid 3"
    );
    assert!(items.iter().any(|r| r["name"] == "孙玉珍"));

    // The five demo accounts, 张秀兰's own (the demo's elder) and the new one.
    let (_, all) = admin.get("/api/v1/users").await;
    assert_eq!(all.as_array().unwrap().len(), 7);
}
both!(admin_creates_a_scoped_grid_worker_who_sees_only_that_grid);

async fn invalid_users_are_refused_field_by_field(app: &TestApp) {
    let mut admin = app.login("admin").await;
    admin.lang = Some("en");
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"username": "staff", "display_name": "", "password": "short", "roles": [], "grid_ids": [999999]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation_failed");
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    for expected in [
        ("display_name", "required"),
        ("password", "too_short"),
        ("roles", "required"),
        ("grid_ids", "unknown_reference"),
        ("username", "duplicate"),
    ] {
        assert!(
            fields.contains(&expected),
            "{expected:?} missing in {fields:?}"
        );
    }
    assert_eq!(
        body["messages"]["en"],
        "Some fields are not valid; please correct them."
    );
    assert!(body["messages"]["zh-CN"].as_str().unwrap().contains("有误"));
}
both!(invalid_users_are_refused_field_by_field);

async fn stale_user_edits_get_409_with_the_current_record(app: &TestApp) {
    let admin = app.login("admin").await;
    let id = app.user_id("mediator").await;
    let (_, user) = admin.get(&format!("/api/v1/users/{id}")).await;
    let edit = |name: &str| json!({"display_name": name, "roles": ["mediator"], "grid_ids": [], "disabled": false, "version": user["version"]});
    let (status, first) = admin
        .put(&format!("/api/v1/users/{id}"), edit("陈老师"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["version"], user["version"].as_i64().unwrap() + 1);
    let (status, conflict) = admin
        .put(&format!("/api/v1/users/{id}"), edit("陈调解"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["code"], "version_conflict");
    assert_eq!(
        conflict["current"]["display_name"], "陈老师",
        "the first edit is kept, not overwritten"
    );
}
both!(stale_user_edits_get_409_with_the_current_record);

async fn admins_cannot_lock_themselves_out(app: &TestApp) {
    let admin = app.login("admin").await;
    let id = app.user_id("admin").await;
    let (_, me) = admin.get(&format!("/api/v1/users/{id}")).await;
    let (status, body) = admin
        .put(&format!("/api/v1/users/{id}"), json!({"display_name": "李书记", "roles": ["staff"], "grid_ids": [], "disabled": true, "version": me["version"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(admin.get("/api/v1/users").await.0, StatusCode::OK);
}
both!(admins_cannot_lock_themselves_out);

async fn password_reset_ends_sessions_and_sets_the_new_password(app: &TestApp) {
    let admin = app.login("admin").await;
    let resident = app.login("resident").await;
    let id = app.user_id("resident").await;
    let (_, user) = admin.get(&format!("/api/v1/users/{id}")).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "new-password-1", "version": user["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        resident.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.anonymous().login("resident", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.anonymous().login("resident", "new-password-1").await.0,
        StatusCode::OK
    );
    assert_eq!(app.audit("user.reset_password").await.len(), 1);
}
both!(password_reset_ends_sessions_and_sets_the_new_password);

/// The person picker's list: people by name with roles and grids, for those who give people
/// work; a grid worker sees the accounts of their own grids only; disabled accounts never.
async fn the_person_picker_lists_whom_the_caller_may_give_work(app: &TestApp) {
    let admin = app.login("admin").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    for (username, name, grid) in [("gw1b", "赵二网格员", grid1), ("gw2", "赵三网格员", grid2)]
    {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                json!({"username": username, "display_name": name, "password": PASSWORD, "roles": ["grid_worker"], "grid_ids": [grid]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, gone) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gone", "display_name": "赵离职", "password": PASSWORD, "roles": ["grid_worker"], "grid_ids": [grid1]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{gone}");
    let (status, _) = admin
        .put(
            &format!("/api/v1/users/{}", gone["id"]),
            json!({"display_name": "赵离职", "roles": ["grid_worker"], "grid_ids": [grid1], "disabled": true, "version": gone["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Names, sorted here: the database's collation orders Chinese names its own way.
    let names = |v: &serde_json::Value| -> Vec<String> {
        let mut n: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["display_name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    // The office finds everyone by part of the name, with role and grid, never the disabled.
    let staff = app.login("staff").await;
    let (status, found) = staff.get("/api/v1/people?q=%E8%B5%B5").await; // 赵
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(names(&found), ["赵三网格员", "赵二网格员", "赵网格员"]);
    let zhao = found
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["username"] == "gridworker")
        .unwrap();
    assert_eq!(zhao["roles"], json!(["grid_worker"]));
    assert_eq!(zhao["grids"][0]["name"], "第一网格");
    let (_, by_grid) = staff.get(&format!("/api/v1/people?grid_id={grid2}")).await;
    assert_eq!(names(&by_grid), ["赵三网格员"]);
    let (_, by_role) = staff.get("/api/v1/people?role=mediator").await;
    assert_eq!(names(&by_role), ["陈调解员"]);
    let (_, by_username) = staff.get("/api/v1/people?q=gridwork").await;
    assert_eq!(names(&by_username), ["赵网格员"]);

    // The grid worker: their own grid's accounts, not another grid's, not the office's.
    let gw = app.login("gridworker").await;
    let (status, theirs) = gw.get("/api/v1/people").await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(names(&theirs), ["赵二网格员", "赵网格员"]);

    for who in ["resident", "mediator"] {
        let (status, _) = app.login(who).await.get("/api/v1/people").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let long = "赵".repeat(65);
    let (status, refused) = staff
        .get(&format!(
            "/api/v1/people?q={}",
            long.replace('赵', "%E8%B5%B5")
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["field"], "q");
}
both!(the_person_picker_lists_whom_the_caller_may_give_work);
