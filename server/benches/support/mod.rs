//! What every benchmark program needs: percentiles, signing in, the machine's load, and
//! running once on SQLite and once on PostgreSQL (when LINJU_BENCH_POSTGRES_URL names one).

#![allow(dead_code)] // each benchmark uses its own part

use reqwest::StatusCode;
use std::future::Future;

/// The `p` quantile (0…1) of sorted figures, nearest rank.
pub fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Sign in over HTTP; the session cookie (`name=value`).
pub async fn login(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let res = http
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-requested-with", "bench")
        .header("origin", base)
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Figures from a busy machine are not comparable: say how busy it was.
pub fn print_load_average() {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average at start: {}", load.join(" "));
    }
}

/// Run the benchmark on a fresh SQLite file, then on a fresh PostgreSQL database when
/// LINJU_BENCH_POSTGRES_URL is set; `run` gets the engine's label and the database URL.
pub async fn on_each_engine<F, Fut>(tag: &str, run: F)
where
    F: Fn(&'static str, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = std::env::temp_dir().join(format!("linju-{tag}-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    run(
        "SQLite",
        format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
    )
    .await;
    std::fs::remove_dir_all(&dir).ok();
    if let Ok(admin_url) = std::env::var("LINJU_BENCH_POSTGRES_URL") {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
        let name = format!("linju_{tag}_bench_{}", std::process::id());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (prefix, _) = admin_url.rsplit_once('/').unwrap();
        run("PostgreSQL", format!("{prefix}/{name}")).await;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    }
}
