//! Open311 GeoReport v2 as a standard client uses it: form posts with an API key, JSON and XML.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn open311_clients_list_services_file_requests_and_follow_them(app: &TestApp) {
    let http = reqwest::Client::new();
    let base = &app.base;
    let services: Value = http
        .get(format!("{base}/open311/v2/services.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E-ENV-01"));
    assert!(
        !codes.contains(&"S-ERR-01"),
        "errands are about people and stay internal"
    );
    let e = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "E-ENV-01")
        .unwrap();
    assert_eq!(
        (
            e["service_name"].clone(),
            e["metadata"].clone(),
            e["type"].clone()
        ),
        (json!("暴露垃圾"), json!(false), json!("realtime"))
    );
    let xml = http
        .get(format!("{base}/open311/v2/services.xml"))
        .send()
        .await
        .unwrap();
    assert!(
        xml.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    let xml = xml.text().await.unwrap();
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<services><service>")
            && xml.contains("<service_code>E-ENV-01</service_code>"),
        "{xml}"
    );

    // Writing needs a key; no cookie, Origin or X-Requested-With is involved.
    let form = |key: &str, lat: &str, long: &str| {
        vec![
            ("api_key", key.to_string()),
            ("service_code", "E-ENV-01".to_string()),
            ("lat", lat.to_string()),
            ("long", long.to_string()),
            ("description", "路口垃圾桶满溢".to_string()),
            ("first_name", "张".to_string()),
        ]
    };
    let res = http
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form("wrong", "36.0605", "103.8305"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err[0]["code"], 403);
    let res = http
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form("linju-demo-open311", "36.14", "103.98"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "outside every grid");

    let res = http
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form("linju-demo-open311", "36.0605", "103.8305"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The office finds it in the right grid, from Open311.
    let staff = app.login("staff").await;
    let (_, c) = staff.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(c["source"], "open311");
    assert_eq!(c["grid_id"], app.place_id("XF-C01-G1").await);
    assert_eq!(
        c["place_id"],
        app.place_id("XF-C01-G1-M1").await,
        "the micro-grid that contains the point"
    );
    assert_eq!(
        c["history"][0]["actor_name"],
        "张（Open311 · 演示 Open311 客户端）"
    );

    let doc: Value = http
        .get(format!("{base}/open311/v2/requests/{id}.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (doc[0]["status"].clone(), doc[0]["service_code"].clone()),
        (json!("open"), json!("E-ENV-01"))
    );
    assert_eq!(doc[0]["description"], "路口垃圾桶满溢");
    assert!(
        doc[0].get("first_name").is_none(),
        "no reporter details in public documents"
    );
    let (_, refused) = staff
        .post(
            &format!("/api/v1/cases/{id}/moves"),
            json!({"action": "refuse", "version": c["version"], "refusal_reason": "duplicate"}),
        )
        .await;
    assert_eq!(refused["stage"], "refused");
    let doc: Value = http
        .get(format!("{base}/open311/v2/requests/{id}.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc[0]["status"], "closed");
    let closed: Value = http
        .get(format!("{base}/open311/v2/requests.json?status=closed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(closed.as_array().unwrap().len(), 1);
    let open: Value = http
        .get(format!("{base}/open311/v2/requests.json?status=open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open, json!([]));
    let xml = http
        .get(format!("{base}/open311/v2/requests/{id}.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.contains("<service_requests><request>") && xml.contains("<status>closed</status>"),
        "{xml}"
    );
    assert_eq!(
        http.get(format!("{base}/open311/v2/requests/999999.json"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Admins issue keys; the key is shown once and works.
    let admin = app.login("admin").await;
    let (status, key) = admin
        .post("/api/v1/open311/keys", json!({"name": "12345 热线平台"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let k = key["key"].as_str().unwrap();
    let res = http
        .post(format!("{base}/open311/v2/requests.xml"))
        .form(&form(k, "36.0635", "103.8335"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.text().await.unwrap().contains("<service_request_id>"));
    let (_, keys) = admin.get("/api/v1/open311/keys").await;
    assert!(
        keys.as_array()
            .unwrap()
            .iter()
            .all(|k| k.get("key").is_none())
    );
}
both!(open311_clients_list_services_file_requests_and_follow_them);

async fn admins_revoke_keys_and_revoked_keys_file_nothing(app: &TestApp) {
    let http = reqwest::Client::new();
    let base = &app.base;
    let post = |key: String| {
        http.post(format!("{base}/open311/v2/requests.json"))
            .form(&[
                ("api_key", key),
                ("service_code", "E-ENV-01".to_string()),
                ("lat", "36.0605".to_string()),
                ("long", "103.8305".to_string()),
                ("description", "路口垃圾桶满溢".to_string()),
            ])
            .send()
    };
    let admin = app.login("admin").await;
    let (status, issued) = admin
        .post("/api/v1/open311/keys", json!({"name": "物业报修平台"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let id = issued["id"].as_i64().unwrap();
    let key = issued["key"].as_str().unwrap().to_string();
    assert_eq!(
        post(key.clone()).await.unwrap().status(),
        StatusCode::CREATED
    );

    // Only admins revoke.
    let staff = app.login("staff").await;
    let (status, _) = staff.delete(&format!("/api/v1/open311/keys/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        post(key.clone()).await.unwrap().status(),
        StatusCode::CREATED
    );

    let (status, body) = admin.delete(&format!("/api/v1/open311/keys/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        post(key.clone()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let (_, keys) = admin.get("/api/v1/open311/keys").await;
    let listed = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert_eq!(listed["disabled"], json!(true));
    assert_eq!(listed["name"], json!("物业报修平台"));
    // Other keys keep working.
    assert_eq!(
        post("linju-demo-open311".into()).await.unwrap().status(),
        StatusCode::CREATED
    );

    // Revoking again changes nothing and is not logged twice; unknown keys are 404.
    let (status, _) = admin.delete(&format!("/api/v1/open311/keys/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let logged = app.audit("open311.key_revoke").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].entity_id, Some(id));
    // Details are structured (`shared::audit::AuditDetail`), worded by the page that shows them.
    let detail: serde_json::Value =
        serde_json::from_str(logged[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail, json!({"kind": "name", "name": "物业报修平台"}));
    let (status, body) = admin.delete("/api/v1/open311/keys/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}
both!(admins_revoke_keys_and_revoked_keys_file_nothing);

/// A post that is not form-encoded gets the specification's error document, in the asked
/// format, as every other Open311 refusal does (it was the framework's plain text).
async fn open311_posts_that_are_not_forms_get_the_error_document(app: &TestApp) {
    let http = reqwest::Client::new();
    let base = &app.base;
    let res = http
        .post(format!("{base}/open311/v2/requests.json"))
        .header("content-type", "application/json")
        .body(r#"{"api_key": "linju-demo-open311"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let err: Value = res.json().await.unwrap();
    assert_eq!(err[0]["code"], 415, "{err}");

    let res = http
        .post(format!("{base}/open311/v2/requests.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("<errors><error><code>415</code>")
    );
}
both!(open311_posts_that_are_not_forms_get_the_error_document);
