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
            &json!([{"display_name": "赵网格员", "work_phone": "13800009901", "photo_url": null,
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

/// Today in Beijing, as the meal service counts days.
fn beijing_today() -> String {
    (time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)))
        .date()
        .to_string()
}

async fn ok(r: (StatusCode, serde_json::Value), expect: StatusCode) -> serde_json::Value {
    assert_eq!(r.0, expect, "{}", r.1);
    r.1
}

/// 我的事: a resident hears of their own meals and visits in plain words — who came, how, when;
/// never what the visitor noted, and never another resident's.
async fn a_resident_sees_their_own_meals_and_visits_only(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let zhang = app.resident_id("张秀兰").await;
    let qu = app.resident_id("瞿桂英").await;
    let today = beijing_today();
    // 张秀兰 eats at the canteen today; 瞿桂英 (no account of hers here) has hers brought.
    for (resident, mode) in [(zhang, "eat_in"), (qu, "eat_in")] {
        ok(
            staff
                .post(
                    "/api/v1/care/meals/enrolments",
                    json!({"resident_id": resident, "mode": mode}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let orders = ok(
        staff
            .post("/api/v1/care/meals/orders", json!({"day": today}))
            .await,
        StatusCode::OK,
    )
    .await;
    let zhang_order = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["resident_id"] == zhang)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    ok(
        staff
            .post(
                &format!("/api/v1/care/meals/orders/{zhang_order}/delivered"),
                json!(null),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    // The grid worker calls on both; what they noted is for the carers.
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for (resident, method) in [(zhang, "in_person"), (qu, "phone")] {
        ok(
            gw.post(
                "/api/v1/care/visits",
                json!({"resident_id": resident, "method": method, "visited_at": at,
                    "needs": "降压药快吃完了", "observations": "精神不错"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }

    let her = app.login("zhangxiulan").await;
    let r = her
        .request(reqwest::Method::GET, "/api/v1/me/care")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let mine: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        mine["meals"],
        json!([{"day": today, "mode": "eat_in", "status": "delivered"}])
    );
    let visits = mine["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 1, "{mine}");
    assert_eq!(visits[0]["visitor_name"], "赵网格员");
    assert_eq!(visits[0]["by_grid_worker"], true);
    assert_eq!(visits[0]["method"], "in_person");
    assert!(!mine.to_string().contains("降压药"), "{mine}");
    assert!(!mine.to_string().contains("精神不错"), "{mine}");

    // Another resident of the same grid hears nothing of hers (nor of 瞿桂英's).
    let (status, other) = app.login("resident").await.get("/api/v1/me/care").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(other, json!({"meals": [], "visits": []}));
    // An account that is no registered resident has no care record of its own.
    let (_, none) = staff.get("/api/v1/me/care").await;
    assert_eq!(none, json!({"meals": [], "visits": []}));
}
both!(a_resident_sees_their_own_meals_and_visits_only);

/// The office sets a grid worker's work phone and photo (versioned, checked, audited); a
/// resident's 找网格员 shows them. Nobody else may change them.
async fn the_office_sets_a_grid_workers_phone_and_photo(app: &TestApp) {
    let admin = app.login("admin").await;
    let gw_api = app.login("gridworker").await;
    let gw = app.user_id("gridworker").await;
    let (_, user) = admin.get(&format!("/api/v1/users/{gw}")).await;
    assert_eq!(user["work_phone"], "13800009901");
    assert_eq!(user["photo_url"], serde_json::Value::Null);
    let edit = |phone: &str, version: &serde_json::Value| {
        json!({"display_name": user["display_name"], "roles": user["roles"], "grid_ids": user["grid_ids"],
            "disabled": false, "work_phone": phone, "version": version})
    };
    let path = format!("/api/v1/users/{gw}");

    // The phone is checked in shared: not a phone number is refused by field.
    let (status, bad) = admin.put(&path, edit("12345", &user["version"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["errors"][0]["field"], "work_phone");
    assert_eq!(bad["errors"][0]["code"], "invalid_format");
    // A grid worker cannot change it, theirs or anyone's.
    let (status, _) = gw_api
        .put(&path, edit("13912345678", &user["version"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The office changes it; spaces go, the version moves, the change is audited.
    let audited = app.audit("user.update").await.len();
    let saved = ok(
        admin
            .put(&path, edit("139 1234 5678", &user["version"]))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["work_phone"], "13912345678");
    assert_eq!(saved["version"], user["version"].as_i64().unwrap() + 1);
    assert_eq!(app.audit("user.update").await.len(), audited + 1);
    // An editor who read the old version is refused with the current record.
    let (status, stale) = admin
        .put(&path, edit("13700000000", &user["version"]))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["current"]["work_phone"], "13912345678");

    // The photo: an image body at the version read.
    let upload = |api: &crate::common::Api, version: i64| {
        api.request(
            reqwest::Method::PUT,
            &format!("/api/v1/users/{gw}/photo?version={version}"),
        )
        .header("content-type", "image/png")
        .body(crate::cases::png(40, 30))
    };
    let v = saved["version"].as_i64().unwrap();
    let (status, _) = gw_api.send(upload(&gw_api, v)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a grid worker sets no photo");
    let (status, stale) = admin.send(upload(&admin, v - 1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    let (status, not_image) = admin
        .send(
            admin
                .request(
                    reqwest::Method::PUT,
                    &format!("/api/v1/users/{gw}/photo?version={v}"),
                )
                .header("content-type", "text/plain")
                .body("hello"),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{not_image}");
    let (status, with_photo) = admin.send(upload(&admin, v)).await;
    assert_eq!(status, StatusCode::OK, "{with_photo}");
    assert_eq!(with_photo["version"], v + 1);
    let url = with_photo["photo_url"].as_str().unwrap().to_string();
    assert_eq!(app.audit("user.update").await.len(), audited + 2);

    // 找网格员: the resident's home names the photo, and she may see it.
    let her = app.login("zhangxiulan").await;
    let (_, home) = her.get("/api/v1/me/home").await;
    assert_eq!(home["grid_workers"][0]["photo_url"], url);
    assert_eq!(home["grid_workers"][0]["work_phone"], "13912345678");
    let r = her
        .request(reqwest::Method::GET, &url)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["cache-control"], "no-store");

    // Removed: the card shows initials again, and the address answers 404.
    let (status, without) = admin
        .delete(&format!("/api/v1/users/{gw}/photo?version={}", v + 1))
        .await;
    assert_eq!(status, StatusCode::OK, "{without}");
    assert_eq!(without["photo_url"], serde_json::Value::Null);
    let (_, home) = her.get("/api/v1/me/home").await;
    assert_eq!(
        home["grid_workers"][0]["photo_url"],
        serde_json::Value::Null
    );
    let (status, _) = her.get(&format!("/api/v1/users/{gw}/photo")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both!(the_office_sets_a_grid_workers_phone_and_photo);
