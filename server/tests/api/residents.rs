//! Residents: masking, audited reveal, scope, validation, concurrency.

use crate::both;
use crate::common::Api;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Open a full record for a home visit (the purpose every reveal must state).
async fn reveal(api: &Api, id: i64) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/residents/{id}/reveal"),
        json!({"purpose": "visit"}),
    )
    .await
}

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

    let (status, full) = reveal(&gw, id).await;
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
    assert_eq!(reveal(&gw, other).await.0, StatusCode::NOT_FOUND);
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

    // Tagging someone is processing sensitive data: the purpose comes with it.
    let new = json!({"household_id": household, "name": "吴奶奶", "id_number": "11010519491231002x", "phone": "021-62345678", "special_groups": ["elderly"]});
    let (status, body) = staff.post("/api/v1/residents", new.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["errors"][0]["field"], "groups_purpose");
    assert_eq!(body["errors"][0]["code"], "required");
    assert_eq!(body["errors"][0]["message"], "此项必填。");
    let mut new = new;
    new["groups_purpose"] = json!("visits");
    let (status, created) = staff.post("/api/v1/residents", new).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(
        created.get("birth_year").is_none(),
        "with the masked number it would narrow the number down"
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(reveal(&staff, id).await.1["birth_year"], 1949);

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
    let (_, full) = reveal(&staff, id).await;
    assert_eq!(full["id_number"], "11010519491231002X");
    assert_eq!(full["phone"], "021-62345678");
    assert_eq!(full["special_groups"], json!(["elderly"]));
    assert_eq!(full["group_records"][0]["purpose"], "visits");
    // Empty values clear (removing a tag states its purpose too).
    let clear = json!({"household_id": household, "name": "吴桂芳", "phone": "", "special_groups": [], "version": 2, "groups_purpose": "other", "groups_purpose_note": "已迁出本市，不再帮扶"});
    assert_eq!(
        staff.put(&format!("/api/v1/residents/{id}"), clear).await.0,
        StatusCode::OK
    );
    let (_, full) = reveal(&staff, id).await;
    assert_eq!(
        (full["phone"].clone(), full["special_groups"].clone()),
        (json!(null), json!([]))
    );
    let changes = app.audit("resident.groups").await;
    assert_eq!(
        changes.len(),
        2,
        "the tag set at registration and its removal"
    );
    assert_eq!(
        serde_json::from_str::<Value>(changes[0].detail.as_deref().unwrap()).unwrap(),
        json!({"purpose": "other", "note": "已迁出本市，不再帮扶", "removed": ["elderly"]})
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

/// Special-group data under PIPL: every read states why, every tag keeps why it was set.
async fn sensitive_reads_and_tag_changes_state_their_purpose(app: &TestApp) {
    let mut gw = app.login("gridworker").await;
    gw.lang = Some("zh-CN");
    let id = app.resident_id("张秀兰").await;
    let path = format!("/api/v1/residents/{id}/reveal");

    // No purpose, or "other" without words, or words too long: 422, nothing read or logged.
    for (body, field, code) in [
        (json!({}), "purpose", "required"),
        (json!({"note": "看一下"}), "purpose", "required"),
        (json!({"purpose": "other", "note": " "}), "note", "required"),
        (
            json!({"purpose": "visit", "note": "查".repeat(101)}),
            "note",
            "too_long",
        ),
    ] {
        let (status, problem) = gw.post(&path, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code);
        assert!(problem.get("id_number").is_none());
    }
    let (status, problem) = gw.post(&path, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["message"], "此项必填。");
    let mut gw_en = gw.clone();
    gw_en.lang = Some("en");
    let (_, problem) = gw_en.post(&path, json!({})).await;
    assert_eq!(problem["errors"][0]["message"], "This field is required.");
    let (status, _) = gw.post(&path, json!({"purpose": "curiosity"})).await;
    assert!(
        status.is_client_error(),
        "not a purpose on the list: {status}"
    );
    // The old unaudited-purpose read is gone.
    let (status, _) = gw.get(&format!("/api/v1/residents/{id}/sensitive")).await;
    assert!(
        matches!(
            status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ),
        "{status}"
    );
    assert!(app.audit("resident.reveal").await.is_empty());

    // With a purpose: the record, and the audit entry says why.
    let (status, full) = gw
        .post(
            &path,
            json!({"purpose": "other", "note": "核对低保申请材料"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{full}");
    assert_eq!(
        full["special_groups"],
        json!(["living_alone", "chronic_illness"])
    );
    // Seeded tags predate purposes: shown as such, never invented.
    assert_eq!(full["group_records"][0]["group"], "living_alone");
    assert_eq!(full["group_records"][0]["purpose"], Value::Null);
    let log = app.audit("resident.reveal").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].entity_id, Some(id));
    assert_eq!(
        serde_json::from_str::<Value>(log[0].detail.as_deref().unwrap()).unwrap(),
        json!({"purpose": "other", "note": "核对低保申请材料"})
    );
    // The audit log as the secretary reads it carries the purpose.
    let admin = app.login("admin").await;
    let (_, page) = admin.get("/api/v1/audit?limit=5").await;
    let entry = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "resident.reveal")
        .unwrap();
    assert_eq!(entry["actor_name"], "gridworker");
    assert!(
        entry["detail"]
            .as_str()
            .unwrap()
            .contains("核对低保申请材料")
    );

    // Changing tags without a purpose: 422, nothing changed.
    let (_, view) = gw.get(&format!("/api/v1/residents/{id}")).await;
    let version = view["version"].as_i64().unwrap();
    let change = json!({"household_id": view["household_id"], "name": "张秀兰", "version": version,
        "special_groups": ["living_alone", "chronic_illness", "low_income"]});
    let (status, problem) = gw
        .put(&format!("/api/v1/residents/{id}"), change.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "groups_purpose");
    assert!(app.audit("resident.groups").await.is_empty());
    // The same tags again need no purpose (nothing changes).
    let mut same = change.clone();
    same["special_groups"] = json!(["chronic_illness", "living_alone"]);
    let (status, body) = gw.put(&format!("/api/v1/residents/{id}"), same).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let version = body["version"].as_i64().unwrap();
    assert!(app.audit("resident.groups").await.is_empty());

    // With the purpose: stored with the new tag, by whom and when; old tags keep theirs.
    let mut with = change;
    with["version"] = json!(version);
    with["groups_purpose"] = json!("meals");
    let (status, body) = gw.put(&format!("/api/v1/residents/{id}"), with).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, full) = reveal(&gw, id).await;
    let records = full["group_records"].as_array().unwrap();
    assert_eq!(records.len(), 3, "{full}");
    let low = records.iter().find(|r| r["group"] == "low_income").unwrap();
    assert_eq!(low["purpose"], "meals");
    assert_eq!(low["set_by_name"], "赵网格员");
    assert!(low["set_at"].is_string());
    let alone = records
        .iter()
        .find(|r| r["group"] == "living_alone")
        .unwrap();
    assert_eq!(alone["purpose"], Value::Null);
    let changes = app.audit("resident.groups").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].actor_name.as_deref(), Some("gridworker"));
    assert_eq!(
        serde_json::from_str::<Value>(changes[0].detail.as_deref().unwrap()).unwrap(),
        json!({"purpose": "meals", "added": ["low_income"]})
    );
    assert_eq!(
        serde_json::from_str::<Value>(
            app.audit("resident.reveal").await[0]
                .detail
                .as_deref()
                .unwrap()
        )
        .unwrap(),
        json!({"purpose": "visit"})
    );
}
both!(sensitive_reads_and_tag_changes_state_their_purpose);
