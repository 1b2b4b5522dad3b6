//! HTTP behaviour shared by every area: problem documents, headers, the SPA fallback.

use crate::both;
use crate::common::TestApp;
use reqwest::{Method, StatusCode};

async fn errors_are_problem_documents_in_the_asked_language(app: &TestApp) {
    let staff = app.login("staff").await;
    let res = staff
        .request(Method::GET, "/api/v1/no-such-thing")
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["detail"], "Not found.");
    assert_eq!(body["request_id"], id.as_str());

    let res = staff
        .request(Method::PATCH, "/api/v1/places")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    let res = staff
        .request(Method::POST, "/api/v1/residents")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "malformed_request");
    assert_eq!(
        body["detail"], "请求格式不正确。",
        "Chinese when no language is asked for"
    );

    let (status, body) = staff.get("/api/v1/residents/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}
both!(errors_are_problem_documents_in_the_asked_language);

async fn deep_links_get_the_app_and_every_response_is_hardened(app: &TestApp) {
    let res = reqwest::get(format!("{}/places/12", app.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.text().await.unwrap().contains("邻聚"));
    assert_eq!(
        reqwest::get(format!("{}/assets/app.nothing.js", app.base))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
both!(deep_links_get_the_app_and_every_response_is_hardened);

async fn health_and_openapi(app: &TestApp) {
    let anon = app.anonymous();
    assert_eq!(
        anon.get("/healthz").await,
        (StatusCode::OK, serde_json::Value::String("ok".into()))
    );
    assert_eq!(anon.get("/readyz").await.0, StatusCode::OK);
    let (status, doc) = anon.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for schema in [
        "Problem",
        "Principal",
        "PlaceView",
        "ResidentView",
        "ResidentSensitive",
        "UserView",
        "CreatePlace",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "schema {schema} is documented"
        );
    }
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["responses"].get("429").is_some());
}
both!(health_and_openapi);

async fn cross_site_reads_and_forged_request_ids_are_refused(app: &TestApp) {
    let staff = app.login("staff").await;
    let id = app.resident_id("张秀兰").await;
    let reveal = format!("/api/v1/residents/{id}/reveal");
    let purpose = serde_json::json!({"purpose": "visit"});
    // A request from another site (a form posted there carries the Lax cookie on top-level
    // navigations); the API refuses it.
    let res = staff
        .request(Method::POST, &reveal)
        .json(&purpose)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.audit("resident.reveal").await.is_empty(),
        "no audited read happened"
    );
    let res = staff
        .request(Method::POST, &reveal)
        .json(&purpose)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // An over-long or odd request id is replaced, never stored.
    let long = "x".repeat(300);
    let res = staff
        .request(Method::POST, &reveal)
        .json(&purpose)
        .header("x-request-id", &long)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let echoed = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(echoed, long);
    assert_eq!(
        app.audit("resident.reveal").await[0].request_id.as_deref(),
        Some(echoed.as_str())
    );
    let res = staff
        .request(Method::GET, "/healthz")
        .header("x-request-id", "ticket-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-request-id"],
        "ticket-42",
        "a plain caller id is kept for tracing"
    );
}
both!(cross_site_reads_and_forged_request_ids_are_refused);

async fn answers_travel_compressed_when_the_client_accepts_it(app: &TestApp) {
    use std::io::Read;
    let staff = app.login("staff").await;
    let gunzip = |bytes: &[u8]| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .expect("a gzip body");
        serde_json::from_str::<serde_json::Value>(&text).expect("JSON inside")
    };
    let plain: serde_json::Value = staff
        .request(Method::GET, "/api/v1/places")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let res = staff
        .request(Method::GET, "/api/v1/places")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(gunzip(&res.bytes().await.unwrap()), plain);

    // A problem document is compressed after it is written in the asked language.
    let res = staff
        .request(Method::GET, "/api/v1/no-such-thing")
        .header("accept-encoding", "gzip")
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let body = gunzip(&res.bytes().await.unwrap());
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["detail"], "Not found.");

    // A live stream is never held back in a compressor's buffer.
    let res = staff
        .request(Method::GET, "/api/v1/live")
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("content-encoding").is_none());
}
both!(answers_travel_compressed_when_the_client_accepts_it);

async fn head_answers_like_get_and_the_icon_is_not_the_page(app: &TestApp) {
    let anon = app.anonymous();
    for path in ["/", "/places/12"] {
        let get = anon.request(Method::GET, path).send().await.unwrap();
        let head = anon.request(Method::HEAD, path).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::OK, "GET {path}");
        assert_eq!(
            head.status(),
            get.status(),
            "HEAD {path} answers as GET does"
        );
        assert_eq!(
            head.headers()["content-type"],
            get.headers()["content-type"],
            "HEAD {path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD has no body");
    }
    // Without a built app there is no icon; it is never the page in its place.
    let icon = anon
        .request(Method::GET, "/favicon.ico")
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::NOT_FOUND);
    let icon = anon
        .request(Method::HEAD, "/favicon.ico")
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::NOT_FOUND);
}
both!(head_answers_like_get_and_the_icon_is_not_the_page);
