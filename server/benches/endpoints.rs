//! Read endpoints side by side (issue 20): every GET operation of the OpenAPI document that
//! needs no path parameter, and the detail pages of the demo's first records, each asked
//! sequentially at one connection as the office (staff) on the demo data. Prints per endpoint
//! the median and p95 time, the statements one request sends to the database, and the cost
//! relative to `GET /api/v1/cases` (goal: every read within 3×). SQLite always; PostgreSQL
//! too when LINJU_BENCH_POSTGRES_URL names a server. Prints figures, asserts nothing.

mod support;

use reqwest::StatusCode;
use server::config::Config;
use std::time::Instant;

/// Requests per endpoint (after one unmeasured request that warms caches).
const ROUNDS: usize = 60;

/// The baseline every read is compared with.
const BASELINE: &str = "/api/v1/cases";

/// Detail reads worth timing that take an id: (path with `{id}`, the list that names one).
const DETAILS: &[(&str, &str)] = &[
    ("/api/v1/cases/{id}", "/api/v1/cases"),
    ("/api/v1/places/{id}", "/api/v1/places"),
    ("/api/v1/council/items/{id}", "/api/v1/council/items"),
    ("/api/v1/mediation/files/{id}", "/api/v1/mediation/files"),
];

/// GETs left out: streams that never end, files, and reads that write an audit entry per
/// call by design (timed elsewhere).
fn skipped(path: &str) -> bool {
    path.ends_with("/live")
        || path.contains("/open311/")
        || path.ends_with(".csv")
        || path.contains("/export")
        || path.contains("openapi")
}

struct Timing {
    path: String,
    status: StatusCode,
    p50: f64,
    p95: f64,
    statements: f64,
    kb: usize,
}

async fn time(http: &reqwest::Client, base: &str, cookie: &str, path: &str) -> Timing {
    let get = || {
        http.get(format!("{base}{path}"))
            .header("cookie", cookie)
            .send()
    };
    let warm = get().await.unwrap();
    let status = warm.status();
    let kb = warm.bytes().await.unwrap().len() / 1024;
    let before = server::db::statements_run();
    let mut ms = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let res = get().await.unwrap();
        res.bytes().await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let statements = (server::db::statements_run() - before) as f64 / ROUNDS as f64;
    ms.sort_by(f64::total_cmp);
    Timing {
        path: path.to_string(),
        status,
        p50: support::pct(&ms, 0.5),
        p95: support::pct(&ms, 0.95),
        statements,
        kb,
    }
}

/// The first record's id in a list answer (a JSON array, or an object with `items`).
fn first_id(list: &serde_json::Value) -> Option<i64> {
    let items = list.as_array().or_else(|| list["items"].as_array())?;
    let first = items.first()?;
    first["id"]
        .as_i64()
        .or_else(|| first["summary"]["id"].as_i64())
}

async fn run(label: &str, url: String) {
    let url = url.as_str();
    println!("\n== {label}");
    let mut config = Config::for_database(url);
    config.demo = true;
    // The demo's stories file cases, council items and mediation files: records to read.
    config.demo_stories = true;
    let state = server::prepare(config).await.expect("prepare");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        server::serve(server::router(state), listener)
            .await
            .unwrap()
    });
    let http = reqwest::Client::new();
    let staff = support::login(&http, &base, "staff", "linju-demo").await;
    let doc: serde_json::Value = http
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut paths: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| item.get("get").is_some() && !path.contains('{'))
        .map(|(path, _)| path.clone())
        .filter(|p| !skipped(p))
        .collect();
    for (detail, list) in DETAILS {
        let answer: serde_json::Value = http
            .get(format!("{base}{list}"))
            .header("cookie", &staff)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or_default();
        match first_id(&answer) {
            Some(id) => paths.push(detail.replace("{id}", &id.to_string())),
            None => println!("(no record in {list} to time {detail})"),
        }
    }
    let baseline = time(&http, &base, &staff, BASELINE).await;
    let mut rows = Vec::new();
    for p in &paths {
        rows.push(time(&http, &base, &staff, p).await);
    }
    rows.sort_by(|a, b| b.p50.total_cmp(&a.p50));
    println!(
        "{:<52} {:>6} {:>9} {:>9} {:>8} {:>7} {:>7}",
        "GET (as staff, one connection)", "status", "p50 ms", "p95 ms", "queries", "KB", "× cases"
    );
    let mut over = 0;
    for t in &rows {
        let ratio = t.p50 / baseline.p50;
        if ratio > 3.0 {
            over += 1;
        }
        println!(
            "{:<52} {:>6} {:>9.2} {:>9.2} {:>8.1} {:>7} {:>6.1}{}",
            t.path,
            t.status.as_u16(),
            t.p50,
            t.p95,
            t.statements,
            t.kb,
            ratio,
            if ratio > 3.0 { " !" } else { "" }
        );
    }
    println!(
        "{} reads timed; baseline {BASELINE}: p50 {:.2} ms, {:.1} queries; {over} over 3× the baseline (goal: none)",
        rows.len(),
        baseline.p50,
        baseline.statements
    );
}

#[tokio::main]
async fn main() {
    support::print_load_average();
    println!("Linju read endpoints: {ROUNDS} sequential requests each, demo data, as staff");
    support::on_each_engine("endpoints", run).await;
}
