//! Board benchmark (issue 3): 10,000 open cases; the board API's response time, and how long
//! a move takes to reach another client's live stream while 50 clients move cards at once.
//! SQLite always; PostgreSQL too when LINJU_BENCH_POSTGRES_URL names a server. Prints
//! figures, asserts nothing.

mod support;

use futures::StreamExt;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use server::cases::store::case;
use server::config::Config;
use shared::cases::Stage;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CASES: usize = 10_000;
const MOVERS: usize = 50;
const MOVES_EACH: usize = 10;

async fn run(label: &str, url: String) {
    let url = url.as_str();
    println!("\n== {label}");
    let mut config = Config::for_database(url);
    config.demo = true;
    config.db_max_connections = 16;
    let state = server::prepare(config).await.expect("prepare");
    // 10,000 open cases spread over the open columns of the board.
    let grid = server::places::store::place::Entity::find()
        .filter(server::places::store::place::Column::Kind.eq("grid"))
        .one(&state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let cat: i64 = server::cases::store::category::Entity::find()
        .filter(server::cases::store::category::Column::ParentId.is_not_null())
        .one(&state.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let stages = [
        Stage::Reported,
        Stage::Registered,
        Stage::Dispatched,
        Stage::InProgress,
        Stage::Handled,
        Stage::Verified,
    ];
    let now = time::OffsetDateTime::now_utc();
    let txn = state.db.begin_write().await.unwrap();
    let mut batch = Vec::new();
    for i in 0..CASES {
        batch.push(case::ActiveModel {
            number: Set(format!("B-{i:06}")),
            title: Set(format!("bench case {i}")),
            description: Set(String::new()),
            category_id: Set(cat),
            urgency: Set("normal".into()),
            source: Set("hotline".into()),
            stage: Set(server::cases::service::name_of(stages[i % stages.len()])),
            grid_id: Set(Some(grid.id)),
            place_id: Set(Some(grid.id)),
            lon: Set(None),
            lat: Set(None),
            reporter_id: Set(None),
            reporter_name: Set(None),
            reporter_hidden: Set(false),
            responsible_party_id: Set(None),
            assignee_id: Set(None),
            feedback_by: Set(None),
            deadline_at: Set(Some(now + time::Duration::hours((i % 72) as i64 - 24))),
            postpone_until: Set(None),
            stage_entered_at: Set(now),
            registered_at: Set(Some(now)),
            closed_at: Set(None),
            rework_count: Set(0),
            rating_score: Set(None),
            rating_note: Set(None),
            board_rank: Set(format!("{:020}i", i)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        if batch.len() == 500 {
            case::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&*txn)
                .await
                .unwrap();
        }
    }
    txn.commit().await.unwrap();
    let ids: Vec<(i64, i64)> = case::Entity::find()
        .all(&state.db.conn)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.id, c.version))
        .collect();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(state.clone());
    tokio::spawn(async move { server::serve(app, listener).await.unwrap() });
    // A second server on the same database, with buses of its own (as a second process
    // behind a proxy has): the watching client is served by it, the movers by the first.
    let mut other_config = Config::for_database(url);
    other_config.db_max_connections = 16;
    let other = server::prepare(other_config).await.expect("prepare");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_base = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(other);
    tokio::spawn(async move { server::serve(app, listener).await.unwrap() });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let staff = support::login(&http, &base, "staff", "linju-demo").await;

    let mut board_ms = Vec::new();
    let mut bytes = 0;
    let statements_before = server::db::statements_run();
    for _ in 0..40 {
        let t = Instant::now();
        let res = http
            .get(format!("{base}/api/v1/board"))
            .header("cookie", &staff)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        bytes = res.bytes().await.unwrap().len();
        board_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let statements = (server::db::statements_run() - statements_before) as f64 / 40.0;
    board_ms.sort_by(f64::total_cmp);
    println!(
        "board of {CASES} open cases ({} KB, 200 cards per column): p50 {:.1} ms  p95 {:.1} ms  \
         {statements:.0} queries per request (goal p50 <= 50 ms; before issue 20: p50 76 ms, 32 queries on demo data)",
        bytes / 1024,
        support::pct(&board_ms, 0.5),
        support::pct(&board_ms, 0.95)
    );

    // One watcher; 50 movers reorder cards (always a legal move) as fast as they can.
    let sent: Arc<Mutex<HashMap<(i64, i64), Instant>>> = Arc::new(Mutex::new(HashMap::new()));
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::new(Mutex::new(Vec::new()));
    let watch = http
        .get(format!("{other_base}/api/v1/live"))
        .header("cookie", &staff)
        .send()
        .await
        .unwrap();
    let (sent_w, lat_w) = (sent.clone(), latencies.clone());
    let total = MOVERS * MOVES_EACH;
    let watcher = tokio::spawn(async move {
        let mut body = watch.bytes_stream();
        let mut buf = String::new();
        let mut seen = 0;
        while seen < total {
            let Ok(Some(Ok(chunk))) =
                tokio::time::timeout(Duration::from_secs(30), body.next()).await
            else {
                break;
            };
            let arrived = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    let v: serde_json::Value = serde_json::from_str(data).unwrap();
                    let key = (
                        v["case_id"].as_i64().unwrap(),
                        v["version"].as_i64().unwrap(),
                    );
                    if let Some(t0) = sent_w.lock().unwrap().remove(&key) {
                        lat_w
                            .lock()
                            .unwrap()
                            .push((arrived - t0).as_secs_f64() * 1000.0);
                        seen += 1;
                    }
                }
            }
        }
    });
    let mut movers = Vec::new();
    let started = Instant::now();
    for m in 0..MOVERS {
        let (http, base, staff, sent) = (http.clone(), base.clone(), staff.clone(), sent.clone());
        let mine: Vec<(i64, i64)> = ids
            .iter()
            .skip(m)
            .step_by(MOVERS)
            .take(MOVES_EACH)
            .copied()
            .collect();
        movers.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for (id, version) in mine {
                sent.lock()
                    .unwrap()
                    .insert((id, version + 1), Instant::now());
                let res = http
                    .post(format!("{base}/api/v1/cases/{id}/rank"))
                    .header("cookie", &staff)
                    .header("origin", &base)
                    .header("x-requested-with", "bench")
                    .json(&serde_json::json!({"version": version}))
                    .send()
                    .await
                    .unwrap();
                if res.status() != StatusCode::OK {
                    conflicts += 1;
                }
            }
            conflicts
        }));
    }
    let mut failed = 0;
    for m in movers {
        failed += m.await.unwrap();
    }
    let elapsed = started.elapsed();
    let _ = tokio::time::timeout(Duration::from_secs(10), watcher).await;
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(f64::total_cmp);
    println!(
        "{} moves by {MOVERS} concurrent clients in {:.2} s ({:.0} moves/s), {failed} refused",
        MOVERS * MOVES_EACH,
        elapsed.as_secs_f64(),
        (MOVERS * MOVES_EACH) as f64 / elapsed.as_secs_f64()
    );
    if lat.is_empty() {
        println!("move on server A → client of server B: no changes received");
    } else {
        println!(
            "move on server A → client of server B ({} received): p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms \
             (goal p99 <= 100 ms; before issue 20, same server: SQLite p99 130 ms, PostgreSQL 422 ms)",
            lat.len(),
            support::pct(&lat, 0.5),
            support::pct(&lat, 0.99),
            lat[lat.len() - 1]
        );
    }
}

#[tokio::main]
async fn main() {
    support::print_load_average();
    println!(
        "Linju board benchmark: {CASES} open cases, {MOVERS} concurrent movers × {MOVES_EACH} moves on one server, one client watching through another server on the same database"
    );
    support::on_each_engine("board", run).await;
}
