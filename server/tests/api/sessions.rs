//! Sessions: login rotates the id, logout and disabling end sessions, CSRF and throttling.

use crate::both;
use crate::common::{Api, PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn login_sets_a_hardened_cookie_and_me_answers(app: &TestApp) {
    let anon = app.anonymous();
    let res = anon
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"username": "Admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "usernames are case-insensitive"
    );
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("linju_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http without a trusted proxy is not marked Secure"
    );

    let (status, body) = anon.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");

    let admin = app.login("admin").await;
    let (status, me) = admin.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "admin");
    assert_eq!(me["roles"], json!(["admin"]));
}
both!(login_sets_a_hardened_cookie_and_me_answers);

async fn login_rotates_the_session_id(app: &TestApp) {
    let mut api = app.anonymous();
    api.login("staff", PASSWORD).await;
    let first = api.token.clone().unwrap();
    api.login("staff", PASSWORD).await;
    let second = api.token.clone().unwrap();
    assert_ne!(first, second, "every login issues a new session id");
    let old = Api {
        token: Some(first),
        ..api.clone()
    };
    assert_eq!(
        old.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the session presented at login is ended"
    );
    assert_eq!(api.get("/api/v1/auth/me").await.0, StatusCode::OK);
}
both!(login_rotates_the_session_id);

async fn logout_ends_the_session_on_the_server(app: &TestApp) {
    let api = app.login("staff").await;
    let copy = api.clone();
    let res = api
        .request(Method::POST, "/api/v1/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // A copy of the cookie kept elsewhere is worthless now.
    assert_eq!(
        copy.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}
both!(logout_ends_the_session_on_the_server);

async fn disabling_a_user_ends_their_sessions_at_once(app: &TestApp) {
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    assert_eq!(staff.get("/api/v1/residents").await.0, StatusCode::OK);
    let id = app.user_id("staff").await;
    let (_, user) = admin.get(&format!("/api/v1/users/{id}")).await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/users/{id}"),
            json!({"display_name": user["display_name"], "roles": user["roles"], "grid_ids": [], "disabled": true, "version": user["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        staff.get("/api/v1/residents").await.0,
        StatusCode::UNAUTHORIZED
    );
    let mut again = app.anonymous();
    let (status, body) = again.login("staff", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
    assert_eq!(body["code"], "invalid_credentials");
}
both!(disabling_a_user_ends_their_sessions_at_once);

async fn cross_site_and_form_requests_are_refused(app: &TestApp) {
    let staff = app.login("staff").await;
    let household = app.place_id("XF-C01-B0001-101").await;
    let body = json!({"household_id": household, "name": "新住户"});
    let url = format!("{}/api/v1/residents", app.base);
    let cookie = format!("linju_session={}", staff.token.clone().unwrap());
    let http = reqwest::Client::new();

    // No X-Requested-With: the kind of request a cross-site form could make.
    let res = http
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", &app.base)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["code"],
        "csrf_rejected"
    );

    // Another origin.
    let res = http
        .post(&url)
        .header("cookie", &cookie)
        .header("x-requested-with", "x")
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // No Origin but the browser says same-origin: accepted.
    let res = http
        .post(&url)
        .header("cookie", &cookie)
        .header("x-requested-with", "x")
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // Cross-site even for login (login CSRF).
    let res = http
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-requested-with", "x")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"username": "staff", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A form content type is refused even from our origin.
    let res = staff
        .request(Method::POST, "/api/v1/residents")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Nothing was written by the refused requests: exactly one new resident.
    let (_, page) = staff.get("/api/v1/residents?q=新住户").await;
    assert_eq!(page["total"], 1);
}
both!(cross_site_and_form_requests_are_refused);

async fn repeated_failures_throttle_the_account_without_telling_who_exists(app: &TestApp) {
    let mut api = app.anonymous();
    api.lang = Some("en");
    for i in 0..5 {
        let (status, body) = api.login("gridworker", "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert_eq!(body["detail"], "Wrong username or password.");
    }
    let (status, body) = api.login("gridworker", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits out the lock"
    );
    assert_eq!(body["code"], "login_throttled");
    let retry = body["retry_after"].as_u64().unwrap();
    assert!((1..=30).contains(&retry), "retry_after {retry}");
    assert_eq!(
        body["detail"],
        format!("Too many sign-in attempts; try again in {retry} s.")
    );
    // Other accounts are not locked by it.
    assert_eq!(
        app.anonymous().login("staff", PASSWORD).await.0,
        StatusCode::OK
    );

    // An unknown user gets the same answer as a wrong password, and is throttled the same way.
    let (status, unknown) = api.login("nobody-here", "whatever-pass").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown["code"], "invalid_credentials");
    assert_eq!(app.audit("auth.login_failed").await.len(), 6);
}
both!(repeated_failures_throttle_the_account_without_telling_who_exists);

/// Move a session's clock: `column` set `secs` into the past (negative: future).
async fn age_sessions(app: &TestApp, column: &str, secs: i64) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{EntityTrait, Iterable};
    use server::accounts::store::session;
    let col = session::Column::iter()
        .find(|c| format!("{c:?}").to_lowercase() == column.replace('_', ""))
        .unwrap();
    session::Entity::update_many()
        .col_expr(
            col,
            Expr::value(time::OffsetDateTime::now_utc() - time::Duration::seconds(secs)),
        )
        .exec(&app.state.db.conn)
        .await
        .unwrap();
}

async fn idle_and_absolute_timeouts_end_sessions(app: &TestApp) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use server::accounts::store::session;
    let staff = app.login("staff").await;
    // Used within the idle limit (2 h by default): alive, and the use is recorded.
    age_sessions(app, "last_seen_at", 3600).await;
    assert_eq!(staff.get("/api/v1/auth/me").await.0, StatusCode::OK);
    assert_eq!(
        staff.get("/api/v1/auth/me").await.0,
        StatusCode::OK,
        "the first use refreshed last_seen_at"
    );
    // Idle past the limit: gone, and removed from the database.
    age_sessions(app, "last_seen_at", 3 * 3600).await;
    assert_eq!(
        staff.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        session::Entity::find()
            .count(&app.state.db.conn)
            .await
            .unwrap(),
        0
    );

    // Past the absolute limit even though just used.
    let staff = app.login("staff").await;
    age_sessions(app, "expires_at", 1).await;
    assert_eq!(
        staff.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}
both!(idle_and_absolute_timeouts_end_sessions);

async fn guesses_sent_in_parallel_are_throttled_like_guesses_in_a_row(app: &TestApp) {
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let mut api = app.anonymous();
        tasks.push(tokio::spawn(async move {
            api.login("mediator", "a-wrong-guess").await.0
        }));
    }
    let mut wrong = 0;
    let mut throttled = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        (wrong, throttled),
        (5, 35),
        "only the five free attempts reach the password check"
    );
}
both!(guesses_sent_in_parallel_are_throttled_like_guesses_in_a_row);

async fn housekeeping_removes_only_dead_sessions(app: &TestApp) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use server::accounts::store::session;
    let alive = app.login("staff").await;
    let _dead = app.login("admin").await;
    // Age the admin's session past the absolute limit only.
    {
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, QueryFilter};
        let admin_id = app.user_id("admin").await;
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                Expr::value(time::OffsetDateTime::now_utc() - time::Duration::minutes(1)),
            )
            .filter(session::Column::UserId.eq(admin_id))
            .exec(&app.state.db.conn)
            .await
            .unwrap();
    }
    assert_eq!(
        server::accounts::service::purge_expired(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        session::Entity::find()
            .count(&app.state.db.conn)
            .await
            .unwrap(),
        1
    );
    assert_eq!(alive.get("/api/v1/auth/me").await.0, StatusCode::OK);
}
both!(housekeeping_removes_only_dead_sessions);

#[tokio::test]
async fn configured_public_origins_are_the_only_ones_accepted() {
    // Behind a TLS proxy, as public origins are: HSTS comes from a trusted proxy's word only.
    let app = TestApp::sqlite_configured(true, |c| {
        c.public_origins = vec!["https://linju.example.org".into()];
        c.trust_proxy = true;
    })
    .await;
    // The Host-derived origin no longer counts (a rebinding attacker controls Host).
    let mut api = app.anonymous();
    assert_eq!(api.login("staff", PASSWORD).await.0, StatusCode::FORBIDDEN);
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-requested-with", "x")
        .header("origin", "https://linju.example.org")
        .json(&json!({"username": "staff", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = api
        .request(Method::GET, "/healthz")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    app.cleanup().await;
}

async fn the_session_answers_signed_out_as_a_state_not_an_error(app: &TestApp) {
    // Nobody signed in: 200 with no user, never cached.
    let anon = app.anonymous();
    let res = anon
        .request(Method::GET, "/api/v1/auth/session")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, json!({"principal": null}));

    // A session that has ended reads the same.
    let api = app.login("staff").await;
    let copy = api.clone();
    let (status, body) = api.get("/api/v1/auth/session").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["principal"]["username"], "staff");
    api.request(Method::POST, "/api/v1/auth/logout")
        .send()
        .await
        .unwrap();
    let (status, body) = copy.get("/api/v1/auth/session").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"principal": null}));
}
both!(the_session_answers_signed_out_as_a_state_not_an_error);
