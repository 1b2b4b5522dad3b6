//! Hardening: the bad-input table (every probe gets its 4xx problem and nothing is stored),
//! hidden reporters leave no trace, decompression bombs, "at most N" limits under
//! concurrency, per-user settings, the cache policy and CSV formula guards.

use crate::both;
use crate::common::{Api, TestApp, category};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = &app.state.db.conn;
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The tables a probe might write to.
const TABLES: [&str; 10] = [
    "cases",
    "case_events",
    "case_photos",
    "council_items",
    "council_comments",
    "mediation_files",
    "mediation_records",
    "residents",
    "user_settings",
    "login_throttle",
];

async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push((t, count(app, t).await));
    }
    out
}

/// A case reported by the demo resident.
async fn a_case(app: &TestApp, resident: &Api, hidden: bool) -> Value {
    let building = app.place_id("XF-C01-B0001").await;
    let cat = category(resident, "C-PUB-01").await;
    let (status, c) = resident
        .post(
            "/api/v1/cases",
            json!({"title": "井盖缺失", "description": "小区北门\n井盖不见了", "category_id": cat, "urgency": "urgent",
                   "source": "resident_report", "place_id": building, "reporter_hidden": hidden}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

fn raw(
    api: &Api,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    api.request(method, path)
        .header("content-type", content_type)
        .body(body)
}

/// POST `body` as JSON over a plain connection, writing it while reading the answer, and
/// return the answer's status, content type and body. A server that refuses a body from its
/// declared length answers and closes while the client is still writing: the write then
/// fails (ignored here), the answer is still read — as a browser does.
async fn post_reading_early_answer(api: &Api, path: &str, body: Vec<u8>) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = api.base.trim_start_matches("http://").to_string();
    let conn = tokio::net::TcpStream::connect(&host).await.unwrap();
    let (mut reader, mut writer) = conn.into_split();
    let cookie = api
        .token
        .as_ref()
        .map(|t| format!("Cookie: linju_session={t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nX-Requested-With: linju-test\r\n{cookie}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        api.base,
        body.len()
    );
    let sending = tokio::spawn(async move {
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(&body).await;
        writer
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        reader.read_to_end(&mut answer),
    )
    .await;
    drop(sending.await);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

/// Send and check: the status, `application/problem+json`, the code and (when given) the
/// field the problem names.
async fn expect_problem(
    what: &str,
    req: reqwest::RequestBuilder,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) {
    let res = req.send().await.unwrap();
    let got = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    assert_eq!(ct, "application/problem+json", "{what}");
    assert_eq!(body["code"], code, "{what}: {body}");
    if let Some(f) = field {
        assert_eq!(body["errors"][0]["field"], f, "{what}: {body}");
        assert_eq!(body["errors"][0]["code"], "invalid_text", "{what}: {body}");
    }
}

/// The bad-input table. Each probe answers its 4xx problem document, never a 500, and
/// nothing of it is stored — on SQLite as on PostgreSQL.
async fn bad_input_is_refused_and_nothing_is_stored(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let (status, key) = admin
        .post("/api/v1/open311/keys", json!({"name": "测试客户端"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let api_key = key["key"].as_str().unwrap().to_string();
    let c = a_case(app, &resident, false).await;
    let moves = format!("/api/v1/cases/{}/moves", c["id"]);
    let building = app.place_id("XF-C01-B0001").await;
    let grid = app.place_id("XF-C01-G1").await;
    let cat = category(&resident, "C-PUB-01").await;
    let before = counts(app).await;
    let case_body = |title: &str, description: &str| {
        json!({"title": title, "description": description, "category_id": cat, "urgency": "normal",
               "source": "resident_report", "place_id": building})
    };

    // A sign-in with a control character names no account: an ordinary 401.
    let (status, body) = app.anonymous().login("adm\u{0}in", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "invalid_credentials");
    let (status, body) = app.anonymous().login("admin", "linju-demo\u{0}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Control characters in JSON text, named by field; line breaks only in multi-line fields.
    let text_probes: Vec<(&str, &Api, &str, Value, &str)> = vec![
        (
            "NUL in a title",
            &resident,
            "/api/v1/cases",
            case_body("nul\u{0}title", ""),
            "title",
        ),
        (
            "NUL in a description",
            &resident,
            "/api/v1/cases",
            case_body("标题", "a\u{0}b"),
            "description",
        ),
        (
            "escape in a description",
            &resident,
            "/api/v1/cases",
            case_body("标题", "a\u{1b}[31m"),
            "description",
        ),
        (
            "DEL in a title",
            &resident,
            "/api/v1/cases",
            case_body("a\u{7f}b", ""),
            "title",
        ),
        (
            "C1 control in a title",
            &resident,
            "/api/v1/cases",
            case_body("a\u{85}b", ""),
            "title",
        ),
        (
            "a line break in a one-line title",
            &resident,
            "/api/v1/cases",
            case_body("two\nlines", ""),
            "title",
        ),
        (
            "a tab in a one-line title",
            &resident,
            "/api/v1/cases",
            case_body("tab\there", ""),
            "title",
        ),
        (
            "NUL in a move note",
            &staff,
            &moves,
            json!({"action": "register", "version": c["version"], "note": "ok\u{0}"}),
            "note",
        ),
        (
            "NUL in a council item",
            &resident,
            "/api/v1/council/items",
            json!({"title": "充电桩\u{0}", "description": "", "scope_place_id": grid}),
            "title",
        ),
        (
            "NUL in an object key",
            &resident,
            "/api/v1/cases",
            json!({"title": "x", "category_id": cat, "urgency": "normal", "source": "resident_report",
                   "place_id": building, "extra\u{0}": 1}),
            "",
        ),
        (
            "NUL in a nested array",
            &resident,
            "/api/v1/cases",
            json!({"title": "x", "category_id": cat, "urgency": "normal", "source": "resident_report",
                   "place_id": building, "tags": [{"label": "ok"}, {"label": "a\u{0}"}]}),
            "tags/1/label",
        ),
    ];
    for (what, api, path, body, field) in text_probes {
        expect_problem(
            what,
            api.request(Method::POST, path).json(&body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_text",
            Some(field),
        )
        .await;
    }

    // Query strings: control characters are refused by parameter, bytes that are not UTF-8
    // are a malformed request.
    for path in [
        "/api/v1/residents?q=a%00b",
        "/api/v1/cases?q=a%00b",
        "/api/v1/search?q=a%00b",
        "/api/v1/board?q=a%00b",
        "/api/v1/residents?q=a%0Ab",
    ] {
        expect_problem(
            path,
            staff.request(Method::GET, path),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_text",
            Some("q"),
        )
        .await;
    }
    for path in ["/api/v1/residents?q=%FF%FE", "/api/v1/cases?q=%C3%28"] {
        expect_problem(
            path,
            staff.request(Method::GET, path),
            StatusCode::BAD_REQUEST,
            "malformed_request",
            None,
        )
        .await;
    }

    // Bodies: not UTF-8, too large, too deep, numbers out of range, wrong content types.
    let mut not_utf8 = br#"{"title":""#.to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe]);
    not_utf8.extend_from_slice(
        br#"","category_id":1,"urgency":"normal","source":"resident_report","place_id":1}"#,
    );
    let huge = format!(
        r#"{{"title":"{}","category_id":{cat},"urgency":"normal","source":"resident_report","place_id":{building}}}"#,
        "长".repeat(10 * 1024 * 1024 / 3)
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body_probes: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        ("a body that is not UTF-8", "application/json", not_utf8, StatusCode::BAD_REQUEST, "malformed_request"),
        ("nesting 100 000 deep", "application/json", deep.into_bytes(), StatusCode::BAD_REQUEST, "malformed_request"),
        (
            "a number beyond i64",
            "application/json",
            format!(r#"{{"title":"x","category_id":99999999999999999999999,"urgency":"normal","source":"resident_report","place_id":{building}}}"#).into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "a number beyond f64",
            "application/json",
            format!(r#"{{"title":"x","category_id":{cat},"urgency":"normal","source":"resident_report","place_id":{building},"lon":1e999}}"#).into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        (
            "a fraction for an id",
            "application/json",
            format!(r#"{{"title":"x","category_id":1.5,"urgency":"normal","source":"resident_report","place_id":{building}}}"#).into_bytes(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        ("XML", "application/xml", b"<case/>".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("a form", "application/x-www-form-urlencoded", b"title=x".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("plain text", "text/plain", b"{}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    ];
    // A 10 MB body: the answer may come while the client is still sending, and the server
    // closes the connection after it. A client that must finish writing first can meet a
    // broken pipe instead of the answer (it did, under load), so this probe reads the answer
    // while it writes.
    let (status, content_type, body) =
        post_reading_early_answer(&resident, "/api/v1/cases", huge.into_bytes()).await;
    assert_eq!(status, 413, "a 10 MB body: {body}");
    assert_eq!(content_type, "application/problem+json", "a 10 MB body");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["code"],
        "payload_too_large",
        "{body}"
    );
    for (what, ct, body, status, code) in body_probes {
        expect_problem(
            what,
            raw(&resident, Method::POST, "/api/v1/cases", ct, body),
            status,
            code,
            None,
        )
        .await;
    }
    // Negative and absurd numbers are refused by the rules, not by the database.
    for (what, body) in [
        (
            "a negative place",
            json!({"title": "x", "category_id": cat, "urgency": "normal", "source": "resident_report", "place_id": -1}),
        ),
        (
            "a negative category",
            json!({"title": "x", "category_id": -5, "urgency": "normal", "source": "resident_report", "place_id": building}),
        ),
        (
            "a longitude off the globe",
            json!({"title": "x", "category_id": cat, "urgency": "normal", "source": "resident_report", "place_id": building, "lon": 1e308, "lat": -1e308}),
        ),
    ] {
        let (status, body) = resident.post("/api/v1/cases", body).await;
        assert!(status.is_client_error(), "{what}: {status} {body}");
        assert!(
            body["code"].is_string(),
            "{what}: a problem document: {body}"
        );
    }

    // Path traversal in every route that names a file: nothing outside is ever served.
    for path in [
        "/api/v1/photos/..%2F..%2FCargo.toml",
        "/api/v1/photos/..%2F..%2FCargo.toml/thumb",
        "/api/v1/council/photos/..%2Fx",
        "/api/v1/mediation/photos/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/mediation/photos/-1/thumb",
        "/api/v1/settings/..%2F..%2Fboard.filters",
    ] {
        let (status, body) = staff.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["code"], "not_found", "{path}");
    }
    for path in [
        "/open311/v2/..%2F..%2FCargo.toml",
        "/open311/v2/services/..%2F..%2Fetc%2Fpasswd",
        "/open311/v2/requests/..%2F..%2FCargo.toml",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2E%2E%2Fserver%2FCargo.toml",
    ] {
        let res = staff.request(Method::GET, path).send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(
            !text.contains("[package]") && !text.contains("root:"),
            "{path}: {text}"
        );
    }

    // Open311: the same rule in GeoReport's own error format.
    for form in [
        format!("api_key={api_key}&service_code=C-PUB-01&lat=36.04&long=103.78&description=a%00b"),
        format!("api_key={api_key}&service_code=C-PUB-01&lat=36.04&long=103.78&description=a%FFb"),
        format!(
            "api_key={api_key}&service_code=C-PUB-01&lat=36.04&long=103.78&description=ok&first_name=a%0Ab"
        ),
    ] {
        let res = reqwest::Client::new()
            .post(format!("{}/open311/v2/requests.json", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{form}");
    }

    // CSV imports: a cell with a control character rejects its row.
    let res = admin
        .request(Method::POST, "/api/v1/residents/import")
        .header("content-type", "text/csv")
        .body("household_code,name,id_number,phone,special_groups\nXF-C01-B0003-201,张\u{0}三,,,\n")
        .send()
        .await
        .unwrap();
    let status = res.status();
    let report: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["committed"], false, "{report}");
    assert!(report.to_string().contains("invalid_text"), "{report}");

    assert_eq!(counts(app).await, before, "nothing was stored");
}
both!(bad_input_is_refused_and_nothing_is_stored);

/// Path parameters keep the same text rule as bodies and query strings, on every route: a
/// control character in an id, a settings key or an Open311 file name is 422 `invalid_text`
/// naming the parameter (it used to be a 404, or reached the handler), bytes that are not
/// UTF-8 are 400, and nothing is stored.
async fn path_parameters_keep_the_text_rule(app: &TestApp) {
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let before = counts(app).await;
    let probes: Vec<(&str, reqwest::RequestBuilder, &str)> = vec![
        (
            "NUL for a case id",
            staff.request(Method::GET, "/api/v1/cases/%00"),
            "id",
        ),
        (
            "a line break in a place id",
            staff.request(Method::GET, "/api/v1/places/a%0Ab"),
            "id",
        ),
        (
            "NUL in a photo id",
            staff.request(Method::GET, "/api/v1/council/photos/1%00/thumb"),
            "id",
        ),
        (
            "DEL in a resident id",
            staff.request(Method::DELETE, "/api/v1/residents/1%7F?version=1"),
            "id",
        ),
        (
            "the second of two parameters",
            admin
                .request(Method::PUT, "/api/v1/council/meetings/1/minutes/%1B")
                .json(&json!({"text": "x"})),
            "item_id",
        ),
        (
            "a tab in a settings key",
            staff.request(Method::GET, "/api/v1/settings/board%09filters"),
            "key",
        ),
        (
            "NUL in a saved settings key",
            staff
                .request(Method::PUT, "/api/v1/settings/board.filters%00")
                .json(&json!({"q": "x"})),
            "key",
        ),
        (
            "NUL in an Open311 request",
            app.anonymous()
                .request(Method::GET, "/open311/v2/requests/1%00.json"),
            "file",
        ),
        (
            "an escape in an Open311 service",
            app.anonymous()
                .request(Method::GET, "/open311/v2/services/C-PUB-01%1B.json"),
            "file",
        ),
    ];
    for (what, req, field) in probes {
        expect_problem(
            what,
            req,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_text",
            Some(field),
        )
        .await;
    }
    for path in ["/api/v1/cases/%FF", "/api/v1/settings/%C3%28"] {
        expect_problem(
            path,
            staff.request(Method::GET, path),
            StatusCode::BAD_REQUEST,
            "malformed_request",
            None,
        )
        .await;
    }
    assert_eq!(counts(app).await, before, "nothing was stored");
    // Clean parameters still reach their handlers.
    let (status, body) = staff.get("/api/v1/settings/board.filters").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
both!(path_parameters_keep_the_text_rule);

/// A description may hold line breaks and tabs: multi-line text is multi-line.
async fn multi_line_fields_keep_their_lines(app: &TestApp) {
    let resident = app.login("resident").await;
    let c = a_case(app, &resident, false).await;
    let (_, view) = resident.get(&format!("/api/v1/cases/{}", c["id"])).await;
    assert_eq!(view["description"], "小区北门\n井盖不见了");
}
both!(multi_line_fields_keep_their_lines);

/// A record is sent as a JSON object: serde alone would also read it from an array of its
/// fields (`[]` marked every notification read — found by schemathesis). Lists stay lists.
async fn records_are_objects_not_arrays(app: &TestApp) {
    let resident = app.login("resident").await;
    let c = a_case(app, &resident, false).await;
    let staff = app.login("staff").await;
    let (status, _) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", c["id"]),
            json!({"action": "register", "version": c["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, unread) = resident.get("/api/v1/notifications?unread=true").await;
    assert_eq!(unread.as_array().unwrap().len(), 1, "{unread}");

    let (status, body) = resident.post("/api/v1/notifications/read", json!([])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "malformed_request");
    let (_, unread) = resident.get("/api/v1/notifications?unread=true").await;
    assert_eq!(
        unread.as_array().unwrap().len(),
        1,
        "nothing was marked read: {unread}"
    );
    let (status, body) = resident
        .post("/api/v1/notifications/read", json!({"ids": []}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // A body that is a list is still read as one.
    let admin = app.login("admin").await;
    let (status, body) = admin
        .put(
            "/api/v1/board/limits",
            json!([{"stage": "registered", "soft": 3, "hard": 5}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
both!(records_are_objects_not_arrays);

/// A resident who hides their name is named nowhere a grid worker looks: not on the case,
/// not in its history (the report, their photo), not on the board.
async fn a_hidden_reporter_leaves_no_trace(app: &TestApp) {
    let resident = app.login("resident").await;
    let gw = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let (_, me) = resident.get("/api/v1/auth/me").await;
    let name = me["display_name"].as_str().unwrap().to_string();
    // Reported at a point inside the demo building (the mean of its outline's corners), so
    // the case has a pin on the map.
    let building = app.place_id("XF-C01-B0001").await;
    let (_, place) = staff.get(&format!("/api/v1/places/{building}")).await;
    let ring = place["geometry"]["coordinates"][0]
        .as_array()
        .unwrap()
        .clone();
    let corners = &ring[..ring.len() - 1];
    let mean = |i: usize| {
        corners.iter().map(|p| p[i].as_f64().unwrap()).sum::<f64>() / corners.len() as f64
    };
    let (lon, lat) = (mean(0), mean(1));
    let cat = category(&resident, "C-PUB-01").await;
    let (status, c) = resident
        .post(
            "/api/v1/cases",
            json!({"title": "井盖缺失", "description": "小区北门\n井盖不见了", "category_id": cat, "urgency": "urgent",
                   "source": "resident_report", "place_id": building, "lon": lon, "lat": lat,
                   "reporter_hidden": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let res = raw(
        &resident,
        Method::POST,
        &format!("/api/v1/cases/{}/photos?kind=report", c["id"]),
        "image/png",
        crate::cases::png(40, 30),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let path = format!("/api/v1/cases/{}", c["id"]);

    let (status, seen) = gw.get(&path).await;
    assert_eq!(status, StatusCode::OK, "the grid's worker sees the case");
    assert_eq!(seen["reporter_name"], Value::Null);
    assert!(seen["history"].as_array().unwrap().len() >= 2, "{seen}");
    assert!(
        !seen.to_string().contains(&name),
        "the grid worker sees no trace of {name}: {seen}"
    );
    // The map's pin for the case (a box around where it was placed) and the public Open311
    // feed carry the case but not its reporter.
    let bbox = format!(
        "{},{},{},{}",
        lon - 0.01,
        lat - 0.01,
        lon + 0.01,
        lat + 0.01
    );
    let (status, pins) = gw
        .get(&format!("/api/v1/map/features?bbox={bbox}&layers=cases"))
        .await;
    assert_eq!(status, StatusCode::OK, "{pins}");
    assert!(
        pins.to_string().contains(c["number"].as_str().unwrap()),
        "the pin is on the map: {pins}"
    );
    let open311 = app
        .anonymous()
        .request(Method::GET, "/open311/v2/requests.json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(open311.contains("井盖缺失"), "{open311}");
    for other in [
        gw.get(&format!("/api/v1/cases/{}/photos", c["id"])).await.1,
        gw.get("/api/v1/board").await.1,
        gw.get("/api/v1/cases").await.1,
        pins,
        Value::String(open311),
    ] {
        assert!(!other.to_string().contains(&name), "{other}");
    }

    // The office and the reporter still see who reported.
    let (_, office) = staff.get(&path).await;
    assert_eq!(office["reporter_name"], name.as_str());
    assert_eq!(office["history"][0]["actor_name"], name.as_str());
    let (_, own) = resident.get(&path).await;
    assert_eq!(own["history"][0]["actor_name"], name.as_str());
}
both!(a_hidden_reporter_leaves_no_trace);

/// A PNG that is small on the wire and huge once decoded: 9000 × 9000 grey pixels (81 MP,
/// beyond the 50 MP budget, within the old 12 000 px a side), all zero.
fn png_bomb() -> Vec<u8> {
    use std::io::Write;
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        const SIDE: u32 = 9000;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let row = vec![0u8; SIDE as usize + 1];
        for _ in 0..SIDE {
            z.write_all(&row).unwrap();
        }
        let idat = z.finish().unwrap();
        let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        };
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&SIDE.to_be_bytes());
        ihdr.extend_from_slice(&SIDE.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &idat);
        chunk(&mut out, b"IEND", &[]);
        out
    })
    .clone()
}

/// A site-check record on a new mediation file, as the demo mediator.
async fn a_record(app: &TestApp) -> (Api, i64) {
    let staff = app.login("staff").await;
    let mediator_id = app.user_id("mediator").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (status, f) = staff
        .post(
            "/api/v1/mediation/files",
            json!({"title": "空调外机滴水纠纷", "description": "外机滴水。",
                "dispute_type": "neighbour", "origin": "application", "place_id": building,
                "parties": [
                    {"side": "applicant", "name": "王阿姨", "phone": "13812345678"},
                    {"side": "respondent", "name": "李先生", "phone": "13987654321"}],
                "mediator_ids": [mediator_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    let id = f["summary"]["id"].as_i64().unwrap();
    let mediator = app.login("mediator").await;
    let (status, f) = mediator
        .post(
            &format!("/api/v1/mediation/files/{id}/records"),
            json!({"kind": "site_check", "text": "外机位于院子正上方。"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    (mediator, f["records"][0]["id"].as_i64().unwrap())
}

/// The three kinds of photo upload: (who may upload, the upload path, the table).
async fn upload_targets(app: &TestApp) -> Vec<(Api, String, &'static str, usize)> {
    let resident = app.login("resident").await;
    let c = a_case(app, &resident, false).await;
    let grid = app.place_id("XF-C01-G1").await;
    let (status, item) = resident
        .post(
            "/api/v1/council/items",
            json!({"title": "楼道灯坏了", "description": "", "scope_place_id": grid}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let (mediator, record) = a_record(app).await;
    vec![
        (
            resident.clone(),
            format!("/api/v1/cases/{}/photos?kind=report", c["id"]),
            "case_photos",
            12,
        ),
        (
            resident,
            format!("/api/v1/council/items/{}/photos", item["summary"]["id"]),
            "council_item_photos",
            6,
        ),
        (
            mediator,
            format!("/api/v1/mediation/records/{record}/photos"),
            "mediation_record_photos",
            6,
        ),
    ]
}

/// A decompression bomb is refused from its header, for all three kinds of photo.
async fn decompression_bombs_are_refused_before_decoding(app: &TestApp) {
    let bomb = png_bomb();
    assert!(bomb.len() < 200_000, "{} bytes on the wire", bomb.len());
    for (api, path, table, _) in upload_targets(app).await {
        let before = count(app, table).await;
        let started = std::time::Instant::now();
        let res = raw(&api, Method::POST, &path, "image/png", bomb.clone())
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["errors"][0]["field"], "photo", "{body}");
        assert_eq!(body["errors"][0]["code"], "out_of_range", "{body}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "refused without decoding: {:?}",
            started.elapsed()
        );
        assert_eq!(count(app, table).await, before, "{table}");
    }
}
both!(decompression_bombs_are_refused_before_decoding);

/// Twenty uploads at once to one case, item or record: exactly the limit is stored.
async fn photo_limits_hold_under_concurrency(app: &TestApp) {
    let photo = crate::cases::png(16, 12);
    for (api, path, table, limit) in upload_targets(app).await {
        let before = count(app, table).await;
        let uploads =
            (0..20).map(|_| raw(&api, Method::POST, &path, "image/png", photo.clone()).send());
        let statuses: Vec<StatusCode> = futures::future::join_all(uploads)
            .await
            .into_iter()
            .map(|r| r.unwrap().status())
            .collect();
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(created, limit, "{path}: {statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::UNPROCESSABLE_ENTITY),
            "{statuses:?}"
        );
        assert_eq!(count(app, table).await - before, limit as i64, "{table}");
    }
}
both!(photo_limits_hold_under_concurrency);

/// The files in the upload directory, temporary ones included.
fn upload_files(app: &TestApp) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(&app.state.config.upload_dir)
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The files the rows of a photo table name.
async fn named_files(app: &TestApp, table: &str) -> std::collections::BTreeSet<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let conn = &app.state.db.conn;
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT file_name, thumb_name FROM {table}"),
        ))
        .await
        .unwrap();
    rows.iter()
        .flat_map(|r| {
            [
                r.try_get::<String>("", "file_name").unwrap(),
                r.try_get::<String>("", "thumb_name").unwrap(),
            ]
        })
        .collect()
}

/// A photo refused after it was processed — twenty different photos at once, each read and
/// re-encoded, most then refused by the limit counted inside the write — leaves no file: the
/// upload directory holds exactly the files the stored rows name, for all three kinds. One
/// of the refused photos has the content of a stored one: its file stays, the row names it.
async fn refused_photos_leave_no_files(app: &TestApp) {
    let mut named = std::collections::BTreeSet::new();
    for (api, path, table, limit) in upload_targets(app).await {
        let shared = crate::cases::png(15, 11);
        let (status, body) = api
            .send(raw(&api, Method::POST, &path, "image/png", shared.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
        let before = upload_files(app);
        let photos = (0..20).map(|i| {
            if i == 0 {
                shared.clone()
            } else {
                crate::cases::png(16 + i, 12)
            }
        });
        let uploads = photos.map(|photo| raw(&api, Method::POST, &path, "image/png", photo).send());
        let statuses: Vec<StatusCode> = futures::future::join_all(uploads)
            .await
            .into_iter()
            .map(|r| r.unwrap().status())
            .collect();
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(created, limit - 1, "{path}: {statuses:?}");
        named.extend(named_files(app, table).await);
        let files = upload_files(app);
        assert_eq!(
            files,
            named,
            "{path}: the upload directory holds the stored photos' files and nothing else (before: {} files)",
            before.len()
        );
    }
}
both!(refused_photos_leave_no_files);

/// A column's hard work-in-progress limit holds when many cards are moved into it at once.
async fn wip_limits_hold_under_concurrency(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let mut cases = Vec::new();
    for _ in 0..8 {
        cases.push(a_case(app, &resident, false).await);
    }
    let registered = |app: &TestApp| {
        let conn = app.state.db.conn.clone();
        async move {
            use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
            use server::cases::store::case;
            case::Entity::find()
                .filter(case::Column::Stage.eq("registered"))
                .count(&conn)
                .await
                .unwrap()
        }
    };
    let hard = registered(app).await + 3;
    let (status, body) = admin
        .put(
            "/api/v1/board/limits",
            json!([{"stage": "registered", "soft": null, "hard": hard}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paths: Vec<String> = cases
        .iter()
        .map(|c| format!("/api/v1/cases/{}/moves", c["id"]))
        .collect();
    let moves = cases
        .iter()
        .zip(&paths)
        .map(|(c, path)| staff.post(path, json!({"action": "register", "version": c["version"]})));
    let statuses: Vec<StatusCode> = futures::future::join_all(moves)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        registered(app).await,
        hard,
        "the column holds exactly its limit"
    );
}
both!(wip_limits_hold_under_concurrency);

/// Only the settings the app has; each at most 8 kB.
async fn settings_are_known_keys_of_bounded_size(app: &TestApp) {
    let resident = app.login("resident").await;
    let before = count(app, "user_settings").await;
    for i in 0..5 {
        let (status, body) = resident
            .put(&format!("/api/v1/settings/junk.{i:04}"), json!({"x": "y"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (status, _) = resident
        .put(
            "/api/v1/settings/board.filters",
            json!({"q": "x".repeat(9 * 1024)}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(count(app, "user_settings").await, before);
    let (status, _) = resident
        .put("/api/v1/settings/board.filters", json!({"overdue": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(app, "user_settings").await, before + 1);
}
both!(settings_are_known_keys_of_bounded_size);

/// Every API answer says `no-store`; Open311's public lists may be cached a minute.
async fn personal_data_is_never_cached(app: &TestApp) {
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let c = a_case(app, &resident, false).await;
    let res = raw(
        &resident,
        Method::POST,
        &format!("/api/v1/cases/{}/photos?kind=report", c["id"]),
        "image/png",
        crate::cases::png(40, 30),
    )
    .send()
    .await
    .unwrap();
    let photo: Value = res.json().await.unwrap();
    let resident_id = app.resident_id("张秀兰").await;
    for path in [
        "/api/v1/auth/me".to_string(),
        "/api/v1/residents".to_string(),
        format!("/api/v1/residents/{resident_id}"),
        format!("/api/v1/care/residents/{resident_id}"),
        format!("/api/v1/cases/{}", c["id"]),
        photo["url"].as_str().unwrap().to_string(),
        photo["thumb_url"].as_str().unwrap().to_string(),
        "/api/v1/board".to_string(),
        "/api/v1/no-such-thing".to_string(),
    ] {
        let res = staff.request(Method::GET, &path).send().await.unwrap();
        assert_eq!(
            res.headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}: {}",
            res.status()
        );
    }
    let res = app
        .anonymous()
        .request(Method::GET, "/open311/v2/services.json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=60");
}
both!(personal_data_is_never_cached);

/// A proxy's `X-Forwarded-Proto` counts only when the proxy is trusted: HSTS and the
/// cookie's `Secure` together, or neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_proto_counts_only_from_a_trusted_proxy() {
    for trusted in [false, true] {
        let app = TestApp::sqlite_configured(true, |c| c.trust_proxy = trusted).await;
        // What the browser says behind the TLS proxy: the page's origin is https.
        let host = app.base.trim_start_matches("http://");
        let origin = if trusted {
            format!("https://{host}")
        } else {
            app.base.clone()
        };
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", app.base))
            .header("x-requested-with", "t")
            .header("origin", origin)
            .header("x-forwarded-proto", "https")
            .json(&json!({"username": "staff", "password": crate::common::PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let hsts = res.headers().contains_key("strict-transport-security");
        let secure = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure");
        assert_eq!(
            (hsts, secure),
            (trusted, trusted),
            "trusted proxy: {trusted}"
        );
        app.cleanup().await;
    }
}

/// Exports guard every cell a spreadsheet could run as a formula, the full-width and
/// separated forms too, and an import reads them back as they were.
async fn csv_exports_guard_formulas(app: &TestApp) {
    let admin = app.login("admin").await;
    let household = app.place_id("XF-C01-B0003-201").await;
    let names = ["＝HYPERLINK(1)", "＋1", "－1", "＠SUM(1)", ";=1+1", "=1+1"];
    for name in names {
        let (status, body) = admin
            .post(
                "/api/v1/residents",
                json!({"household_id": household, "name": name}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    }
    let res = admin
        .request(Method::GET, "/api/v1/residents/export")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    for name in names {
        let guarded = format!("'{name}");
        assert!(
            csv.lines().any(|l| l
                .split(',')
                .nth(1)
                .is_some_and(|cell| cell.trim_matches('"') == guarded)),
            "{name} is exported as {guarded}:\n{csv}"
        );
    }
}
both!(csv_exports_guard_formulas);

/// A version from outside is compared with the stored one, never added to: the largest number
/// a client can send is a stale version (409), not an overflow that drops the connection (the
/// fuzzer found `{"version": 9223372036854775807}` closing it on the assessment rules).
async fn the_largest_version_is_only_stale(app: &TestApp) {
    let admin = app.login("admin").await;
    for path in [
        "/api/v1/assessment/rules",
        "/api/v1/care/intervals",
        "/api/v1/care/timebank",
        "/api/v1/council/settings",
    ] {
        let (status, mut current) = admin.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {current}");
        current["version"] = json!(i64::MAX);
        let (status, body) = admin.put(path, current).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        let (_, after) = admin.get(path).await;
        assert_ne!(after["version"], json!(i64::MAX), "{path}");
    }
}
both!(the_largest_version_is_only_stale);
