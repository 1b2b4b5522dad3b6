//! Elder mode (长辈版, issue 17): one's preferences kept with the account, the one-time offer to
//! residents of 65 or more, and a resident's home: the building to report at and the grid
//! workers to call (找网格员).

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// The channels (supervision's email and SMS) of an account that never chose any.
fn no_channels() -> serde_json::Value {
    json!({"email": null, "phone": null, "email_on": false, "sms_on": false, "digest_on": true})
}

async fn preferences_are_kept_per_account_and_the_offer_is_made_once(app: &TestApp) {
    // 张秀兰, born 1956, verified as her register record: offered elder mode.
    let zhang = app.login("zhangxiulan").await;
    let (status, first) = zhang.get("/api/v1/me/preferences").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        first,
        json!({"elder_mode": false, "read_aloud": true, "version": 0, "offer_elder_mode": true, "channels": no_channels()})
    );

    // She says yes: elder mode is on and the offer is not made again.
    let (status, saved) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": true, "read_aloud": true, "offer_answered": true, "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved,
        json!({"elder_mode": true, "read_aloud": true, "version": 1, "offer_elder_mode": false, "channels": no_channels()})
    );
    // Another device signing in as her reads the same.
    let (_, again) = app
        .login("zhangxiulan")
        .await
        .get("/api/v1/me/preferences")
        .await;
    assert_eq!(again, saved);

    // A save from a device that read version 0 is refused with what is saved now.
    let (status, stale) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": false, "read_aloud": false, "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["code"], "version_conflict");
    assert_eq!(stale["current"]["elder_mode"], true);
    assert_eq!(stale["current"]["version"], 1);

    // Turning elder mode off later does not bring the offer back.
    let (status, off) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": false, "read_aloud": false, "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{off}");
    assert_eq!(
        off,
        json!({"elder_mode": false, "read_aloud": false, "version": 2, "offer_elder_mode": false, "channels": no_channels()})
    );

    // 刘先生 (born 1972) is not offered; nor is staff, who is no registered resident; and her
    // choices are not theirs.
    for who in ["resident", "staff", "gridworker"] {
        let (status, p) = app.login(who).await.get("/api/v1/me/preferences").await;
        assert_eq!(status, StatusCode::OK, "{who}: {p}");
        assert_eq!(
            p,
            json!({"elder_mode": false, "read_aloud": true, "version": 0, "offer_elder_mode": false, "channels": no_channels()}),
            "{who}"
        );
    }

    // Not an answer: a body without a version (unreadable, like any body missing a field), or
    // nobody signed in.
    let (status, bad) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": true, "read_aloud": true}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    assert_eq!(bad["code"], "malformed_request");
    let (status, _) = app.anonymous().get("/api/v1/me/preferences").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
both!(preferences_are_kept_per_account_and_the_offer_is_made_once);

async fn an_elder_who_declines_is_not_asked_again(app: &TestApp) {
    let zhang = app.login("zhangxiulan").await;
    let (status, no) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": false, "read_aloud": true, "offer_answered": true, "version": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{no}");
    assert_eq!(no["offer_elder_mode"], false);
    assert_eq!(no["elder_mode"], false);
    // Saving something else without `offer_answered` keeps the answer.
    let (_, later) = zhang
        .put(
            "/api/v1/me/preferences",
            json!({"elder_mode": false, "read_aloud": false, "version": 1}),
        )
        .await;
    assert_eq!(later["offer_elder_mode"], false, "{later}");
}
both!(an_elder_who_declines_is_not_asked_again);

async fn a_resident_finds_their_building_and_grid_worker(app: &TestApp) {
    let grid1 = app.place_id("XF-C01-G1").await;
    for who in ["zhangxiulan", "resident"] {
        let (status, home) = app.login(who).await.get("/api/v1/me/home").await;
        assert_eq!(status, StatusCode::OK, "{who}: {home}");
        let workers = &home["grid_workers"];
        assert_eq!(
            workers,
            &json!([{"display_name": "赵网格员", "work_phone": "13800009901",
                "grid": {"id": grid1, "kind": "grid", "code": "XF-C01-G1", "name": workers[0]["grid"]["name"]}}]),
            "{who}"
        );
        // The place a report is filed at: the building of their household, in their grid.
        assert_eq!(home["place"]["place"]["kind"], "building", "{who}: {home}");
        let building = home["place"]["place"]["id"].as_i64().unwrap();
        let (status, b) = app
            .login(who)
            .await
            .get(&format!("/api/v1/places/{building}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["grid_id"], grid1);
        assert!(
            home["place"]["location"]
                .as_str()
                .unwrap()
                .contains("幸福社区"),
            "{home}"
        );
    }
    // A disabled grid worker is nobody's contact any more.
    let admin = app.login("admin").await;
    let gw = app.user_id("gridworker").await;
    let (_, user) = admin.get(&format!("/api/v1/users/{gw}")).await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/users/{gw}"),
            json!({"display_name": user["display_name"], "roles": user["roles"], "grid_ids": user["grid_ids"],
                "disabled": true, "version": user["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, home) = app.login("zhangxiulan").await.get("/api/v1/me/home").await;
    assert_eq!(home["grid_workers"], json!([]));
    // An account that is no registered resident has no home on record.
    let (status, none) = app.login("staff").await.get("/api/v1/me/home").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!({"place": null, "grid_workers": []}));
}
both!(a_resident_finds_their_building_and_grid_worker);
