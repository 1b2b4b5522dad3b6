//! Council vote benchmark (issue 5): 1,000 verified residents vote on one ballot at once over
//! HTTP while 200 of them fire a second, different vote at the same moment. Prints votes per
//! second and the latency of a vote (p50 / p99 / max), then checks that the closed ballot
//! counts exactly one vote per person. SQLite always; PostgreSQL too when
//! LINJU_BENCH_POSTGRES_URL names a server.

mod support;

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use server::accounts::store::{resident_account, session, user, user_role};
use server::config::Config;
use server::council::store::vote;
use server::places::store::{place, resident};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const VOTERS: usize = 1000;
const DOUBLE: usize = 200;
/// Requests in flight at once (each its own client connection).
const IN_FLIGHT: usize = 200;

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let res = http
        .post(format!("{base}{path}"))
        .header("cookie", cookie)
        .header("origin", base)
        .header("x-requested-with", "bench")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// `VOTERS` verified resident accounts of one grid with sessions, made directly in the
/// database (a thousand password logins would only time argon2). Returns their cookies.
async fn make_voters(state: &server::AppState, grid: i64) -> Vec<String> {
    let conn = &state.db.conn;
    let households: Vec<i64> = place::Entity::find()
        .filter(place::Column::GridId.eq(grid))
        .filter(place::Column::Kind.eq("household"))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let now = OffsetDateTime::now_utc();
    let txn = state.db.begin_write().await.unwrap();
    let mut out = Vec::with_capacity(VOTERS);
    for i in 0..VOTERS {
        let r = resident::ActiveModel {
            household_id: Set(households[i % households.len()]),
            grid_id: Set(grid),
            name: Set(format!("投票人{i}")),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await
        .unwrap();
        let u = user::ActiveModel {
            username: Set(format!("bench-voter-{i}")),
            display_name: Set(format!("投票人{i}")),
            password_hash: Set("!".into()),
            disabled: Set(false),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await
        .unwrap();
        user_role::ActiveModel {
            user_id: Set(u.id),
            role: Set("resident".into()),
        }
        .insert(&*txn)
        .await
        .unwrap();
        resident_account::ActiveModel {
            user_id: Set(u.id),
            resident_id: Set(r.id),
            verified_by: Set(None),
            verified_at: Set(now),
        }
        .insert(&*txn)
        .await
        .unwrap();
        let token = format!("bench-voter-token-{i:08}");
        session::ActiveModel {
            id_hash: Set(server::accounts::service::hash_token(&token)),
            user_id: Set(u.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + time::Duration::hours(2)),
            ip: Set(None),
            user_agent: Set(None),
        }
        .insert(&*txn)
        .await
        .unwrap();
        out.push(format!("linju_session={token}"));
    }
    txn.commit().await.unwrap();
    out
}

async fn run(label: &str, url: String) {
    let url = url.as_str();
    println!("\n== {label}");
    let mut config = Config::for_database(url);
    config.demo = true;
    config.db_max_connections = 16;
    let state = server::prepare(config).await.expect("prepare");
    let grid = place::Entity::find()
        .filter(place::Column::Code.eq("XF-C01-G4"))
        .one(&state.db.conn)
        .await
        .unwrap()
        .expect("the demo's fourth grid");
    let t = Instant::now();
    let cookies = make_voters(&state, grid.id).await;
    println!(
        "{VOTERS} verified residents made in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(state.clone());
    tokio::spawn(async move { server::serve(app, listener).await.unwrap() });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()
        .unwrap();
    let staff = support::login(&http, &base, "staff", "linju-demo").await;

    for anonymous in [false, true] {
        let (status, item) = post(
            &http,
            &base,
            &staff,
            "/api/v1/council/items",
            serde_json::json!({"title": "第四网格增设快递柜", "description": "基准测试议题", "scope_place_id": grid.id}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let id = item["summary"]["id"].as_i64().unwrap();
        let now = OffsetDateTime::now_utc();
        let (status, b) = post(
            &http,
            &base,
            &staff,
            &format!("/api/v1/council/items/{id}/ballots"),
            serde_json::json!({"question": "是否同意？", "kind": {"type": "decision"},
                "rules": {"quorum": {"type": "none"}, "pass": "majority_of_cast", "per_household": false,
                          "hidden_until_close": false, "anonymous": anonymous},
                "opens_at": rfc(now - time::Duration::minutes(1)), "closes_at": rfc(now + time::Duration::days(2))}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        let bid = b["id"].as_i64().unwrap();

        // Voter i agrees when i is even; the first 200 also fire a second, different vote.
        let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let mut tasks = tokio::task::JoinSet::new();
        let statements_before = server::db::statements_run();
        let started = Instant::now();
        for (i, cookie) in cookies.iter().enumerate() {
            let tries = if i < DOUBLE { 2 } else { 1 };
            for t in 0..tries {
                let (http, base, cookie, limit) =
                    (http.clone(), base.clone(), cookie.clone(), limit.clone());
                let choice = if (i + t) % 2 == 0 {
                    "agree"
                } else {
                    "disagree"
                };
                tasks.spawn(async move {
                    let _slot = limit.acquire_owned().await.unwrap();
                    let t0 = Instant::now();
                    let (status, _) = post(
                        &http,
                        &base,
                        &cookie,
                        &format!("/api/v1/council/ballots/{bid}/votes"),
                        serde_json::json!({"answer": {"type": "decision", "choice": choice}}),
                    )
                    .await;
                    (status, t0.elapsed().as_secs_f64() * 1000.0)
                });
            }
        }
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        let mut lat = Vec::with_capacity(VOTERS + DOUBLE);
        while let Some(r) = tasks.join_next().await {
            let (status, ms) = r.unwrap();
            *statuses.entry(status.as_u16()).or_insert(0) += 1;
            lat.push(ms);
        }
        let elapsed = started.elapsed().as_secs_f64();
        let statements = server::db::statements_run() - statements_before;
        lat.sort_by(f64::total_cmp);
        let requests = VOTERS + DOUBLE;
        println!(
            "{} ballot: {requests} vote requests ({VOTERS} voters + {DOUBLE} double votes, {IN_FLIGHT} in flight) in {elapsed:.2} s = {:.0} votes/s",
            if anonymous { "anonymous" } else { "open" },
            requests as f64 / elapsed
        );
        println!(
            "  latency p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms; statuses {statuses:?}; {:.1} statements per request (session, vote, the voter's view)",
            support::pct(&lat, 0.5),
            support::pct(&lat, 0.99),
            lat[lat.len() - 1],
            statements as f64 / requests as f64
        );

        // The counts are exact: one counted vote per person, no duplicate rows, no 500s.
        assert!(
            !statuses.keys().any(|s| *s >= 500),
            "server errors: {statuses:?}"
        );
        if anonymous {
            assert_eq!(statuses.get(&200), Some(&VOTERS), "{statuses:?}");
            assert_eq!(statuses.get(&409), Some(&DOUBLE), "{statuses:?}");
        } else {
            assert_eq!(statuses.get(&200), Some(&requests), "{statuses:?}");
        }
        let (status, b) = post(
            &http,
            &base,
            &staff,
            &format!("/api/v1/council/ballots/{bid}/close"),
            serde_json::Value::Null,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let counts = &b["counts"];
        let (agree, disagree) = (
            counts["agree"].as_u64().unwrap(),
            counts["disagree"].as_u64().unwrap(),
        );
        assert_eq!(b["outcome"]["turnout"], VOTERS as u64, "{b}");
        assert_eq!(agree + disagree, VOTERS as u64, "{counts}");
        let rows = vote::Entity::find()
            .filter(vote::Column::BallotId.eq(bid))
            .count(&state.db.conn)
            .await
            .unwrap();
        assert_eq!(rows, VOTERS as u64, "no duplicate vote rows");
        println!(
            "  closed: turnout {VOTERS}, agree {agree} + disagree {disagree} = {VOTERS}, {rows} vote rows — exact"
        );
    }
    state.db.conn.clone().close().await.ok();
}

#[tokio::main]
async fn main() {
    println!(
        "Linju council benchmark: {VOTERS} residents vote at once over HTTP, {DOUBLE} of them twice"
    );
    support::on_each_engine("council", run).await;
    println!(
        "goal (issue 20): >= 1,000 votes/s with 200 in flight, p99 <= 500 ms, on both engines; before: 347 / 534 votes/s on SQLite and 108 / 225 on PostgreSQL (open / anonymous, 2026-11-29, load 8.5)"
    );
}
