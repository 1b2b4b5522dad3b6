//! `make bench`: a district of 200,000 residents (the design's benchmark data set) is generated
//! into a fresh SQLite database — and into PostgreSQL when LINJU_BENCH_POSTGRES_URL names a
//! server — and the hierarchy API is timed over real HTTP. Prints figures; asserts nothing.

mod support;

use reqwest::StatusCode;
use server::config::Config;
use std::time::{Duration, Instant};

const RUNS: usize = 60;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn time_get(http: &reqwest::Client, base: &str, cookie: &str, path: &str) -> String {
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let res = http
            .get(format!("{base}{path}"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.bytes().await.unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    format!(
        "p50 {:7.2} ms  p95 {:7.2} ms  max {:7.2} ms",
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        percentile(&samples, 1.0)
    )
}

async fn run(label: &str, url: &str, residents: usize) {
    println!("\n== {label}");
    let mut config = Config::for_database(url);
    config.db_max_connections = 8;
    let state = server::prepare(config).await.expect("prepare");
    let t = Instant::now();
    let counts = server::demo::generate(
        &state.db,
        &server::demo::Plan::district(residents, 7),
        false,
    )
    .await
    .expect("generate");
    println!(
        "generated {} places, {} residents in {:.1} s",
        counts.places,
        counts.residents,
        t.elapsed().as_secs_f64()
    );

    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use server::places::store::place;
    let first = |kind: &'static str| {
        let conn = state.db.conn.clone();
        async move {
            place::Entity::find()
                .filter(place::Column::Kind.eq(kind))
                .order_by_asc(place::Column::Id)
                .one(&conn)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (community, grid, building) = (
        first("community").await,
        first("grid").await,
        first("building").await,
    );
    let hash = server::accounts::password::hash("bench-password".into()).await;
    let txn = state.db.begin_write().await.unwrap();
    use shared::accounts::Role;
    server::accounts::service::insert_user(
        &*txn,
        "bench-admin",
        "Bench",
        hash.clone(),
        &[Role::Admin],
        &[],
    )
    .await
    .unwrap();
    server::accounts::service::insert_user(
        &*txn,
        "bench-gw",
        "Bench",
        hash,
        &[Role::GridWorker],
        &[grid.id],
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(state.clone());
    tokio::spawn(async move { server::serve(app, listener).await.unwrap() });
    let http = reqwest::Client::new();
    let admin = support::login(&http, &base, "bench-admin", "bench-password").await;
    let gw = support::login(&http, &base, "bench-gw", "bench-password").await;

    let cases: Vec<(&str, &str, String)> = vec![
        (
            "community's grids (admin)",
            &admin,
            format!("/api/v1/places/{}/children", community.id),
        ),
        (
            "building's households (admin)",
            &admin,
            format!("/api/v1/places/{}/children", building.id),
        ),
        (
            "place with path (admin)",
            &admin,
            format!("/api/v1/places/{}", building.id),
        ),
        (
            "residents page 1 of district (admin)",
            &admin,
            "/api/v1/residents?limit=50".into(),
        ),
        (
            "residents by name, district (admin)",
            &admin,
            "/api/v1/residents?q=%E7%8E%8B%E4%BC%9F".into(),
        ),
        (
            "residents of one grid (grid worker)",
            &gw,
            "/api/v1/residents?limit=50".into(),
        ),
        (
            "search '王伟' (admin)",
            &admin,
            "/api/v1/search?q=%E7%8E%8B%E4%BC%9F".into(),
        ),
        (
            "search '王伟' (grid worker)",
            &gw,
            "/api/v1/search?q=%E7%8E%8B%E4%BC%9F".into(),
        ),
    ];
    for (name, cookie, path) in cases {
        println!("{name:<40} {}", time_get(&http, &base, cookie, &path).await);
    }
}

#[tokio::main]
async fn main() {
    let residents: usize = std::env::var("LINJU_BENCH_RESIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    println!(
        "Linju hierarchy benchmark: {residents} residents, {RUNS} sequential requests per line, one client"
    );
    let dir = std::env::temp_dir().join(format!("linju-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    run(
        "SQLite",
        &format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
        residents,
    )
    .await;
    std::fs::remove_dir_all(&dir).ok();
    if let Ok(admin_url) = std::env::var("LINJU_BENCH_POSTGRES_URL") {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
        let name = format!("linju_bench_{}", std::process::id());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (prefix, _) = admin_url.rsplit_once('/').unwrap();
        run("PostgreSQL", &format!("{prefix}/{name}"), residents).await;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
}
