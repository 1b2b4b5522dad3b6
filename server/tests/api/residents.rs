//! Residents: masking, audited reveal, scope, validation, concurrency.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn lists_mask_and_reveal_is_audited(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let id = app.resident_id("张秀兰").await;
    let (status, r) = gw.get(&format!("/api/v1/residents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let masked = r["id_number_masked"].as_str().unwrap();
    assert!(masked.contains("*****") && masked.len() == 18, "{masked}");
    assert!(r["phone_masked"].as_str().unwrap().contains("****"));
    assert!(
        r.get("id_number").is_none() && r.get("special_groups").is_none(),
        "lists never carry the full record"
    );
    assert_eq!(app.audit("resident.reveal").await.len(), 0);

    let (status, full) = gw.get(&format!("/api/v1/residents/{id}/sensitive")).await;
    assert_eq!(status, StatusCode::OK);
    let number = full["id_number"].as_str().unwrap();
    assert_eq!(number.len(), 18);
    assert_eq!(&number[..3], &masked[..3]);
    assert_eq!(&number[14..], &masked[14..]);
    assert_eq!(
        full["special_groups"],
        json!(["living_alone", "chronic_illness"])
    );
    let log = app.audit("resident.reveal").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor_name.as_deref(), Some("gridworker"));
    assert_eq!(log[0].entity_id, Some(id));
    assert!(log[0].request_id.is_some() && log[0].ip.is_some());

    // Another grid's resident: not found for this grid worker, and nothing is logged as read.
    let other = app.resident_id("钱卫国").await;
    assert_eq!(
        gw.get(&format!("/api/v1/residents/{other}/sensitive"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit("resident.reveal").await.len(), 1);
}
both!(lists_mask_and_reveal_is_audited);

async fn residents_are_validated_and_versioned(app: &TestApp) {
    let mut staff = app.login("staff").await;
    staff.lang = Some("zh-CN");
    let household = app.place_id("XF-C01-B0003-201").await;
    let (status, body) = staff
        .post("/api/v1/residents", json!({"household_id": household, "name": "吴奶奶", "id_number": "110105194912310021", "phone": "123"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "id_number");
    assert_eq!(body["errors"][0]["code"], "invalid_checksum");
    assert_eq!(body["errors"][0]["message"], "校验位不正确，请核对号码。");
    assert_eq!(body["errors"][1]["field"], "phone");

    let (status, created) = staff
        .post(
            "/api/v1/residents",
            json!({"household_id": household, "name": "吴奶奶", "id_number": "11010519491231002x", "phone": "021-62345678", "special_groups": ["elderly"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(
        created.get("birth_year").is_none(),
        "with the masked number it would narrow the number down"
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        staff
            .get(&format!("/api/v1/residents/{id}/sensitive"))
            .await
            .1["birth_year"],
        1949
    );

    let (status, dup) = staff
        .post(
            "/api/v1/residents",
            json!({"household_id": household, "name": "冒名", "id_number": "11010519491231002X"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup["errors"][0]["code"], "duplicate");
    assert_eq!(
        app.audit("resident.duplicate_id_number").await.len(),
        1,
        "every duplicate answer is audited"
    );

    // A name correction without the sensitive fields keeps them (no audited read needed).
    let edit = |name: &str, version: i64| json!({"household_id": household, "name": name, "version": version});
    assert_eq!(
        staff
            .put(&format!("/api/v1/residents/{id}"), edit("吴桂芳", 1))
            .await
            .0,
        StatusCode::OK
    );
    let (status, stale) = staff
        .put(&format!("/api/v1/residents/{id}"), edit("吴奶奶", 1))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["name"], "吴桂芳");
    let (_, full) = staff
        .get(&format!("/api/v1/residents/{id}/sensitive"))
        .await;
    assert_eq!(full["id_number"], "11010519491231002X");
    assert_eq!(full["phone"], "021-62345678");
    assert_eq!(full["special_groups"], json!(["elderly"]));
    // Empty values clear.
    let clear = json!({"household_id": household, "name": "吴桂芳", "phone": "", "special_groups": [], "version": 2});
    assert_eq!(
        staff.put(&format!("/api/v1/residents/{id}"), clear).await.0,
        StatusCode::OK
    );
    let (_, full) = staff
        .get(&format!("/api/v1/residents/{id}/sensitive"))
        .await;
    assert_eq!(
        (full["phone"].clone(), full["special_groups"].clone()),
        (json!(null), json!([]))
    );
    assert_eq!(full["id_number"], "11010519491231002X");
    assert_eq!(
        staff
            .delete(&format!("/api/v1/residents/{id}?version=2"))
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        staff
            .delete(&format!("/api/v1/residents/{id}?version=3"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
}
both!(residents_are_validated_and_versioned);

async fn grid_workers_cannot_register_people_in_other_grids(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let other_household = app.place_id("XF-C01-B0009-102").await;
    let (status, body) = gw
        .post(
            "/api/v1/residents",
            json!({"household_id": other_household, "name": "某人"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"][0]["code"], "unknown_reference",
        "the other grid's household does not exist for them"
    );
    let own = app.place_id("XF-C01-B0001-102").await;
    assert_eq!(
        gw.post(
            "/api/v1/residents",
            json!({"household_id": own, "name": "某人"})
        )
        .await
        .0,
        StatusCode::CREATED
    );
}
both!(grid_workers_cannot_register_people_in_other_grids);

async fn concurrent_writes_all_succeed(app: &TestApp) {
    // Twenty clients register residents at once: on SQLite the writer queue must keep every
    // read-then-write transaction from failing with "database is locked".
    let staff = app.login("staff").await;
    let household = app.place_id("XF-C01-B0004-301").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let api = staff.clone();
        tasks.push(tokio::spawn(async move {
            api.post(
                "/api/v1/residents",
                json!({"household_id": household, "name": format!("并发{i:02}")}),
            )
            .await
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, page) = staff
        .get("/api/v1/residents?q=%E5%B9%B6%E5%8F%91&limit=100")
        .await;
    assert_eq!(page["total"], 20);
}
both!(concurrent_writes_all_succeed);

async fn residents_filter_by_place_at_every_level(app: &TestApp) {
    let staff = app.login("staff").await;
    let mut previous = u64::MAX;
    for code in [
        "XF",
        "XF-C01",
        "XF-C01-G1",
        "XF-C01-G1-M1",
        "XF-C01-B0001",
        "XF-C01-B0001-101",
    ] {
        let id = app.place_id(code).await;
        let (status, page) = staff
            .get(&format!("/api/v1/residents?place_id={id}&limit=1"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let total = page["total"].as_u64().unwrap();
        assert!(
            total <= previous && total > 0,
            "{code}: {total} after {previous}"
        );
        previous = total;
    }
    assert_eq!(previous, 1, "one resident in the first household");
}
both!(residents_filter_by_place_at_every_level);
