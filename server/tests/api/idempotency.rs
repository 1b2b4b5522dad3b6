//! `Idempotency-Key` on writes (issue 18): a repeat gets the first answer and writes nothing;
//! the same key with another body is refused; concurrent duplicates write once; keys are per
//! user (per API key for Open311).

use crate::both;
use crate::common::{Api, TestApp, category};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::cases::store::case;

/// Send `body` to `path` with an `Idempotency-Key`: status, body, and whether it was a replay.
async fn send_keyed(
    api: &Api,
    method: Method,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value, bool) {
    let res = api
        .request(method, path)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        replayed,
    )
}

async fn cases_titled(app: &TestApp, title: &str) -> u64 {
    case::Entity::find()
        .filter(case::Column::Title.eq(title))
        .count(&app.state.db.conn)
        .await
        .unwrap()
}

async fn hotline_case(app: &TestApp, api: &Api, title: &str) -> Value {
    json!({"title": title, "category_id": category(api, "E-ENV-01").await, "urgency": "normal",
           "source": "hotline", "place_id": app.place_id("XF-C01-B0001").await})
}

async fn a_repeated_key_gets_the_first_answer_and_writes_once(app: &TestApp) {
    let staff = app.login("staff").await;
    let report = hotline_case(app, &staff, "幂等：井盖缺失").await;
    let key = "7f1c2d9e-3b4a-4c5d-8e6f-0a1b2c3d4e5f";

    let (status, first, replayed) =
        send_keyed(&staff, Method::POST, "/api/v1/cases", key, &report).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let (status, again, replayed) =
        send_keyed(&staff, Method::POST, "/api/v1/cases", key, &report).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the first answer again: {again}"
    );
    assert!(replayed, "said to be a replay");
    assert_eq!(again, first, "the same body");
    assert_eq!(cases_titled(app, "幂等：井盖缺失").await, 1, "written once");

    // The same key with another body is a mistake of the client's: refused, nothing written.
    let mut other = report.clone();
    other["title"] = json!("幂等：另一件事");
    let (status, problem, _) = send_keyed(&staff, Method::POST, "/api/v1/cases", key, &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "idempotency_key_reused");
    assert!(
        problem["messages"]["zh-CN"]
            .as_str()
            .unwrap()
            .contains("幂等键")
    );
    assert!(
        problem["messages"]["en"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    assert_eq!(cases_titled(app, "幂等：另一件事").await, 0);
    // … and with another path.
    let (status, problem, _) = send_keyed(
        &staff,
        Method::POST,
        &format!("/api/v1/cases/{}/moves", first["id"]),
        key,
        &json!({"action": "register", "version": first["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "idempotency_key_reused");

    // Keys are per user: another user's same key is another submission.
    let gw = app.login("gridworker").await;
    let mut theirs = report.clone();
    theirs["source"] = json!("patrol");
    let (status, their_case, replayed) =
        send_keyed(&gw, Method::POST, "/api/v1/cases", key, &theirs).await;
    assert_eq!(status, StatusCode::CREATED, "{their_case}");
    assert!(!replayed);
    assert_ne!(their_case["id"], first["id"]);
    assert_eq!(cases_titled(app, "幂等：井盖缺失").await, 2);

    // A refusal keeps nothing: the corrected submission may use the same key.
    let mut bad = report.clone();
    bad["title"] = json!("");
    let key2 = "retry-after-refusal-1";
    let (status, _, _) = send_keyed(&staff, Method::POST, "/api/v1/cases", key2, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fixed = report.clone();
    fixed["title"] = json!("幂等：改正后");
    let (status, body, _) = send_keyed(&staff, Method::POST, "/api/v1/cases", key2, &fixed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A move, repeated (its answer lost, say): one move, the first answer, no version conflict.
    let path = format!("/api/v1/cases/{}/moves", first["id"]);
    let register = json!({"action": "register", "version": first["version"]});
    let (status, moved, _) = send_keyed(&staff, Method::POST, &path, "move-1", &register).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (status, again, replayed) =
        send_keyed(&staff, Method::POST, &path, "move-1", &register).await;
    assert_eq!((status, replayed), (StatusCode::OK, true), "{again}");
    assert_eq!(again, moved);
    let (_, now) = staff.get(&format!("/api/v1/cases/{}", first["id"])).await;
    assert_eq!(now["version"], moved["version"], "moved once");
    // Without a key the same move is what it always was: a stale version.
    let (status, _) = staff.post(&path, register).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Keys are 1–200 visible ASCII characters.
    let (status, problem, _) =
        send_keyed(&staff, Method::POST, "/api/v1/cases", "has space", &report).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["code"], "malformed_request");
}
both!(a_repeated_key_gets_the_first_answer_and_writes_once);

async fn concurrent_duplicates_write_once(app: &TestApp) {
    let staff = app.login("staff").await;
    let report = hotline_case(app, &staff, "幂等：同时重发").await;
    let mut sends = Vec::new();
    for _ in 0..6 {
        let (api, report) = (
            Api {
                base: staff.base.clone(),
                http: reqwest::Client::new(),
                token: staff.token.clone(),
                lang: None,
            },
            report.clone(),
        );
        sends.push(tokio::spawn(async move {
            send_keyed(&api, Method::POST, "/api/v1/cases", "same-time-1", &report).await
        }));
    }
    let mut ids = Vec::new();
    for s in sends {
        let (status, body, _) = s.await.unwrap();
        match status {
            StatusCode::CREATED => ids.push(body["id"].clone()),
            StatusCode::CONFLICT => assert_eq!(body["code"], "idempotency_in_progress"),
            other => panic!("{other}: {body}"),
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]), "one record: {ids:?}");
    assert_eq!(cases_titled(app, "幂等：同时重发").await, 1);
}
both!(concurrent_duplicates_write_once);

async fn open311_keys_are_per_api_key(app: &TestApp) {
    let admin = app.login("admin").await;
    let (status, issued) = admin
        .post("/api/v1/open311/keys", json!({"name": "12345 热线平台"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let api_key = issued["key"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let form = |title: &str| {
        vec![
            ("api_key", api_key.clone()),
            ("service_code", "E-ENV-01".to_string()),
            ("lat", "36.0605".to_string()),
            ("long", "103.8305".to_string()),
            ("description", title.to_string()),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| {
        http.post(format!("{}/open311/v2/requests.json", app.base))
            .header("idempotency-key", "hotline-4711")
            .form(&form)
            .send()
    };
    let first = send(form("热线重发：路灯不亮")).await.unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    let first = first.text().await.unwrap();
    let again = send(form("热线重发：路灯不亮")).await.unwrap();
    assert!(again.headers().contains_key("idempotent-replayed"));
    assert_eq!(again.text().await.unwrap(), first);
    let other = send(form("热线重发：另一件")).await.unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let filed: Vec<Value> = serde_json::from_str(&first).unwrap();
    assert_eq!(filed.len(), 1, "{first}");
}
both!(open311_keys_are_per_api_key);

/// Keys past their keeping time are removed by housekeeping; newer ones stay.
async fn old_keys_are_pruned(app: &TestApp) {
    use sea_orm::Set;
    use server::idempotency::key_row;
    let staff = app.login("staff").await;
    let report = hotline_case(app, &staff, "幂等：保留期").await;
    let (status, _, _) = send_keyed(&staff, Method::POST, "/api/v1/cases", "kept-1", &report).await;
    assert_eq!(status, StatusCode::CREATED);
    let row = key_row::Entity::find()
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let old = key_row::ActiveModel {
        owner: Set(row.owner.clone()),
        key: Set("old-1".into()),
        fingerprint: Set(row.fingerprint.clone()),
        process: Set(row.process.clone()),
        claimed_at: Set(row.claimed_at - time::Duration::hours(49)),
        status: Set(row.status),
        headers: Set(row.headers.clone()),
        body: Set(row.body.clone()),
    };
    key_row::Entity::insert(old)
        .exec_without_returning(&app.state.db.conn)
        .await
        .unwrap();
    assert_eq!(server::idempotency::prune(&app.state).await.unwrap(), 1);
    let left: Vec<String> = key_row::Entity::find()
        .all(&app.state.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(left, vec!["kept-1".to_string()]);
}
both!(old_keys_are_pruned);
