//! The real binary: configuration from the environment, the startup line, and graceful
//! shutdown on SIGTERM that lets a request in flight finish.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    let dir = std::env::temp_dir().join(format!("linju-proc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut child, addr, printed) =
        start_printing(&format!("sqlite://{}/linju.db?mode=rwc", dir.display()));
    assert!(
        printed.iter().any(|l| l.contains("gridworker")),
        "demo accounts are listed: {printed:?}"
    );

    // Send the headers, asking to be told when the handler reads the body (100 Continue):
    // then the request is surely in flight. Send half of the body, then ask the server to stop.
    let body = r#"{"username":"admin","password":"linju-demo"}"#;
    let mut conn = TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nX-Requested-With: t\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len(),
    )
    .unwrap();
    conn.flush().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        conn.read_exact(&mut byte).unwrap();
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&interim)
    );
    conn.write_all(&body.as_bytes()[..10]).unwrap();
    conn.flush().unwrap();
    signal(&child, "-TERM");
    std::thread::sleep(Duration::from_millis(300));
    let exited = child.try_wait().unwrap();
    assert!(
        exited.is_none(),
        "still serving the request in flight (exited: {exited:?})"
    );

    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"username\":\"admin\""));

    let status = wait(&mut child, Duration::from_secs(20));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "clean exit after the last request"
    );
    assert!(TcpStream::connect(&addr).is_err(), "no longer listening");
    std::fs::remove_dir_all(&dir).ok();
}

/// Send a signal (`-TERM`, `-KILL`) to a server process.
fn signal(child: &std::process::Child, sig: &str) {
    assert!(
        Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap()
            .success(),
        "kill {sig}"
    );
}

/// Ask a server to stop (SIGTERM) and wait for it: its exit code, if it stopped in time.
fn stop(child: &mut std::process::Child) -> Option<i32> {
    signal(child, "-TERM");
    wait(child, Duration::from_secs(20)).and_then(|s| s.code())
}

fn wait(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    None
}

/// Start the binary on a database; returns the child and its address.
fn start(db_url: &str) -> (std::process::Child, String) {
    let (child, addr, _) = start_printing(db_url);
    (child, addr)
}

/// Start the binary in demo mode; returns the child, its address and what it printed first.
fn start_printing(db_url: &str) -> (std::process::Child, String, Vec<String>) {
    start_with(db_url, &[])
}

/// Start the binary in demo mode with more environment.
fn start_with(db_url: &str, env: &[(&str, &str)]) -> (std::process::Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("PORT", "0")
        .env("DATABASE_URL", db_url)
        .env("LINJU_DEMO", "1")
        .env("LINJU_SITE_DIR", "/nonexistent")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(addr) = line.strip_prefix("Linju is listening on http://") {
            return (child, addr.to_string(), printed);
        }
        printed.push(line);
    }
    child.kill().ok();
    child.wait().ok();
    panic!("server did not start: {printed:?}");
}

/// Two server processes on one database: a session made on one works on the other, and a
/// change made through one reaches a live board connected to the other. On PostgreSQL the
/// processes read their history only once an hour here, so the change can only arrive by
/// the notification the writing process sends (LISTEN/NOTIFY).
async fn two_processes_share_sessions_and_live_changes(url: &str) {
    use futures::StreamExt;
    let env = [("LINJU_LIVE_CHECK_SECONDS", "3600")];
    let (mut a, addr_a, _) = start_with(url, &env);
    let (mut b, addr_b, _) = start_with(url, &env);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr_a, "staff").await;
    // The session lives in the database: process B knows it.
    let me = http
        .get(format!("http://{addr_b}/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    let stream = http
        .get(format!("http://{addr_a}/api/v1/live"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // Answered: process A subscribed this stream before it answered, so the change below
    // reaches it (no waiting on the clock for the stream to connect).
    let mut body = stream.bytes_stream();

    let where_ = case_category_and_place(&http, &addr_b, &cookie).await;
    let created: serde_json::Value =
        file_case(&http, &addr_b, &cookie, &where_, "12345 热线：路灯不亮")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let started = std::time::Instant::now();
    let mut text = String::new();
    while !text.contains("event: case") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("a change within 5 s")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        text.contains(&format!("\"case_id\":{}", created["id"])),
        "{text}"
    );
    eprintln!(
        "change through B reached a board on A after {:?}",
        started.elapsed()
    );
    for c in [&a, &b] {
        signal(c, "-TERM");
    }
    // Open live streams must not hold up shutdown.
    for c in [&mut a, &mut b] {
        assert_eq!(
            wait(c, Duration::from_secs(20)).and_then(|s| s.code()),
            Some(0)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_sessions_and_live_changes_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("linju-two-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    two_processes_share_sessions_and_live_changes(&format!(
        "sqlite://{}/linju.db?mode=rwc",
        dir.display()
    ))
    .await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_sessions_and_live_changes_on_postgres() {
    let (url, drop) = postgres_database("two").await;
    two_processes_share_sessions_and_live_changes(&url).await;
    drop.await;
}

/// A fresh PostgreSQL database for one test: its URL, and the future that drops it.
async fn postgres_database(tag: &str) -> (String, impl std::future::Future<Output = ()>) {
    use sea_orm::ConnectionTrait;
    let admin_url = std::env::var("LINJU_TEST_POSTGRES_URL").expect(
        "LINJU_TEST_POSTGRES_URL is not set, e.g. postgres://linju:linju@127.0.0.1:5432/postgres",
    );
    let name = format!("linju_{tag}_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{prefix}/{name}");
    let drop = async move {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .ok();
    };
    (url, drop)
}

/// `kill -9` while a writer makes acknowledged writes: after a restart on the same database,
/// every write the server answered 201 to is there.
async fn acknowledged_writes_survive_kill_9(db_url: &str) {
    use std::sync::{Arc, Mutex};
    let (mut child, addr) = start(db_url);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr, "staff").await;
    let where_ = case_category_and_place(&http, &addr, &cookie).await;

    // Four writers, each filing cases one after another until the server is gone.
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, addr, cookie, acked, where_) = (
            http.clone(),
            addr.clone(),
            cookie.clone(),
            acknowledged.clone(),
            where_.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let title = format!("热线 {w}-{i}：路灯不亮");
                let res = file_case(&http, &addr, &cookie, &where_, &title).await;
                let Ok(res) = res else { break };
                if res.status() != 201 {
                    break;
                }
                let Ok(body) = res.json::<serde_json::Value>().await else {
                    break;
                };
                acked
                    .lock()
                    .unwrap()
                    .push((body["id"].as_i64().unwrap(), title));
            }
        }));
    }
    // Let writes land, then kill without warning while they are still coming.
    let started = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < 40 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    signal(&child, "-KILL");
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() >= 40, "{} writes acknowledged", acked.len());

    let (mut child, addr) = start(db_url);
    let cookie = sign_in(&http, &addr, "staff").await;
    for (id, title) in &acked {
        let res = http
            .get(format!("http://{addr}/api/v1/cases/{id}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "acknowledged case {id} is there");
        let c: serde_json::Value = res.json().await.unwrap();
        assert_eq!(c["title"], title.as_str());
    }
    eprintln!("{} acknowledged writes survived kill -9", acked.len());
    stop(&mut child);
}

/// `kill -9` between the commit of a write sent with an `Idempotency-Key` and its answer: the
/// client never heard back and sends the same request again after the restart. The case is
/// filed once; the repeat is told the submission took effect (409 `idempotency_answer_lost`).
/// The test-only hook `LINJU_TEST_HOLD_ANSWER_AFTER_COMMIT_FOR_KEY` holds that one answer after
/// its commit, so the kill lands exactly in the window.
async fn a_write_repeated_after_kill_9_between_commit_and_answer_is_done_once(db_url: &str) {
    let key = "crash-between-commit-and-answer";
    let title = "断电重发：地下车库井盖缺失";
    let (child, addr, _) = start_with(
        db_url,
        &[("LINJU_TEST_HOLD_ANSWER_AFTER_COMMIT_FOR_KEY", key)],
    );
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr, "staff").await;
    let where_ = case_category_and_place(&http, &addr, &cookie).await;
    let first = {
        let (http, addr, cookie, where_) =
            (http.clone(), addr.clone(), cookie.clone(), where_.clone());
        tokio::spawn(
            async move { file_case_keyed(&http, &addr, &cookie, &where_, title, key).await },
        )
    };
    // Committed: the case is listed while its answer is held.
    let filed = |addr: String, cookie: String| {
        let http = http.clone();
        async move {
            let page: serde_json::Value = http
                .get(format!("http://{addr}/api/v1/cases?q={title}"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["title"] == title)
                .count()
        }
    };
    let started = std::time::Instant::now();
    while filed(addr.clone(), cookie.clone()).await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the write commits"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!first.is_finished(), "its answer is held");
    signal(&child, "-KILL");
    let mut child = child;
    child.wait().unwrap();
    assert!(
        first.await.unwrap().is_err(),
        "the first request never got its answer"
    );

    let (mut child, addr) = start(db_url);
    let started = std::time::Instant::now();
    let problem = loop {
        let res = file_case_keyed(&http, &addr, &cookie, &where_, title, key)
            .await
            .unwrap();
        let status = res.status();
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(status, 409, "{problem}");
        // Just after the restart the claim may still look like a request in flight elsewhere.
        if problem["code"] != "idempotency_in_progress" {
            break problem;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{problem}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(problem["code"], "idempotency_answer_lost", "{problem}");
    assert!(
        problem["messages"]["zh-CN"]
            .as_str()
            .unwrap()
            .contains("不会重复")
    );
    assert_eq!(filed(addr.clone(), cookie.clone()).await, 1, "filed once");
    stop(&mut child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_repeated_after_kill_9_between_commit_and_answer_is_done_once_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("linju-idem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    a_write_repeated_after_kill_9_between_commit_and_answer_is_done_once(&format!(
        "sqlite://{}/linju.db?mode=rwc",
        dir.display()
    ))
    .await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_repeated_after_kill_9_between_commit_and_answer_is_done_once_on_postgres() {
    let (url, drop) = postgres_database("idem").await;
    a_write_repeated_after_kill_9_between_commit_and_answer_is_done_once(&url).await;
    drop.await;
}

/// A case category (a leaf) and a grid's place, for filing cases.
#[derive(Clone)]
struct CaseWhere {
    category_id: serde_json::Value,
    place_id: serde_json::Value,
}

async fn case_category_and_place(http: &reqwest::Client, addr: &str, cookie: &str) -> CaseWhere {
    let get = |path: &str| {
        let req = http
            .get(format!("http://{addr}/api/v1/{path}"))
            .header("cookie", cookie);
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let meta = get("cases/meta").await;
    let grids = get("grids").await;
    CaseWhere {
        category_id: meta["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| !c["parent_id"].is_null())
            .unwrap()["id"]
            .clone(),
        place_id: grids[0]["place"]["id"].clone(),
    }
}

/// File a hotline case as the signed-in office worker.
async fn file_case(
    http: &reqwest::Client,
    addr: &str,
    cookie: &str,
    where_: &CaseWhere,
    title: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("http://{addr}/api/v1/cases"))
        .header("cookie", cookie)
        .header("origin", format!("http://{addr}"))
        .header("x-requested-with", "t")
        .json(
            &serde_json::json!({"title": title, "category_id": where_.category_id,
            "urgency": "normal", "source": "hotline", "place_id": where_.place_id}),
        )
        .send()
        .await
}

/// File a hotline case with an `Idempotency-Key`.
async fn file_case_keyed(
    http: &reqwest::Client,
    addr: &str,
    cookie: &str,
    where_: &CaseWhere,
    title: &str,
    key: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("http://{addr}/api/v1/cases"))
        .header("cookie", cookie)
        .header("origin", format!("http://{addr}"))
        .header("x-requested-with", "t")
        .header("idempotency-key", key)
        .json(
            &serde_json::json!({"title": title, "category_id": where_.category_id,
            "urgency": "normal", "source": "hotline", "place_id": where_.place_id}),
        )
        .send()
        .await
}

async fn sign_in(http: &reqwest::Client, addr: &str, username: &str) -> String {
    let res = http
        .post(format!("http://{addr}/api/v1/auth/login"))
        .header("origin", format!("http://{addr}"))
        .header("x-requested-with", "t")
        .json(&serde_json::json!({"username": username, "password": "linju-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("linju-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    acknowledged_writes_survive_kill_9(&format!("sqlite://{}/linju.db?mode=rwc", dir.display()))
        .await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    let (url, drop) = postgres_database("kill").await;
    acknowledged_writes_survive_kill_9(&url).await;
    drop.await;
}

/// What a database holds, for comparing a restored copy with its origin: every table's row
/// count, and the cases and their history row by row.
#[derive(Debug, PartialEq)]
struct Fingerprint {
    tables: Vec<(String, i64)>,
    cases: Vec<String>,
    history: Vec<String>,
}

async fn fingerprint(db_url: &str) -> Fingerprint {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let conn = sea_orm::Database::connect(db_url).await.unwrap();
    let backend = conn.get_database_backend();
    let strings = |sql: &str| {
        let stmt = Statement::from_string(backend, sql.to_string());
        let conn = &conn;
        async move {
            conn.query_all_raw(stmt)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect::<Vec<String>>()
        }
    };
    let names = strings(match backend {
        DbBackend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    })
    .await;
    let mut tables = Vec::new();
    for name in names {
        let n: i64 = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM \"{name}\""),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        tables.push((name, n));
    }
    let cases = strings(
        "SELECT CAST(id AS TEXT) || '|' || number || '|' || title || '|' || stage || '|' || CAST(version AS TEXT) \
         FROM cases ORDER BY id",
    )
    .await;
    let history = strings(
        "SELECT CAST(id AS TEXT) || '|' || CAST(case_id AS TEXT) || '|' || action || '|' || COALESCE(to_stage, '') \
         FROM case_events ORDER BY id",
    )
    .await;
    conn.close().await.ok();
    Fingerprint {
        tables,
        cases,
        history,
    }
}

/// `server backup` / `server restore` with the environment's database.
fn backup_tool(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("LINJU_SITE_DIR", "/nonexistent")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// A backup taken while writers write is a consistent database holding every write
/// acknowledged before it began; restored elsewhere, it serves. A backup taken once the writes
/// have stopped restores to the same rows in every table as the live database.
async fn a_backup_under_writes_restores(
    db_url: &str,
    restored: [&str; 2],
    files: &std::path::Path,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let (mut child, addr) = start(db_url);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr, "staff").await;
    let where_ = case_category_and_place(&http, &addr, &cookie).await;
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let writing = Arc::new(AtomicBool::new(true));
    let mut writers = Vec::new();
    for w in 0..3 {
        let (http, addr, cookie, acked, where_, writing) = (
            http.clone(),
            addr.clone(),
            cookie.clone(),
            acknowledged.clone(),
            where_.clone(),
            writing.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while writing.load(Ordering::Relaxed) {
                let title = format!("备份中 {w}-{i}：井盖松动");
                i += 1;
                let res = file_case(&http, &addr, &cookie, &where_, &title)
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                let body: serde_json::Value = res.json().await.unwrap();
                acked
                    .lock()
                    .unwrap()
                    .push((body["id"].as_i64().unwrap(), title));
            }
        }));
    }
    let wait_for = |n: usize| {
        let acked = acknowledged.clone();
        async move {
            let started = std::time::Instant::now();
            while acked.lock().unwrap().len() < n && started.elapsed() < Duration::from_secs(60) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    wait_for(20).await;
    let before = acknowledged.lock().unwrap().clone();
    let first = files.join("under-writes.backup");
    let out = {
        let (url, to) = (db_url.to_string(), first.display().to_string());
        tokio::task::spawn_blocking(move || backup_tool(&url, &["backup", "--to", &to]))
            .await
            .unwrap()
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for(before.len() + 10).await;
    writing.store(false, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let after = acknowledged.lock().unwrap().len();
    assert!(after > before.len(), "writes went on during the backup");

    // The copy taken under writes: in place elsewhere, it has every write acknowledged
    // before the backup began, each case with its history, and a server runs on it.
    let out = backup_tool(
        restored[0],
        &["restore", "--from", &first.display().to_string()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = fingerprint(restored[0]).await;
    for (id, title) in &before {
        assert!(
            copy.cases
                .iter()
                .any(|c| c.starts_with(&format!("{id}|")) && c.contains(title.as_str())),
            "case {id} ({title}) acknowledged before the backup is in it"
        );
    }
    for c in &copy.cases {
        let id = c.split('|').next().unwrap();
        assert!(
            copy.history.iter().any(|e| e.split('|').nth(1) == Some(id)),
            "case {id} has its history in the copy"
        );
    }
    let (mut on_copy, copy_addr) = start(restored[0]);
    let copy_cookie = sign_in(&http, &copy_addr, "staff").await;
    let (id, title) = before.last().unwrap();
    let res = http
        .get(format!("http://{copy_addr}/api/v1/cases/{id}"))
        .header("cookie", &copy_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["title"],
        title.as_str()
    );
    stop(&mut on_copy);

    // Once the writes have stopped, a backup restores to exactly the live database.
    let second = files.join("quiet.backup");
    let out = backup_tool(db_url, &["backup", "--to", &second.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = backup_tool(db_url, &["backup", "--to", &second.display().to_string()]);
    assert!(!out.status.success(), "a backup never overwrites a file");
    let out = backup_tool(
        restored[1],
        &["restore", "--from", &second.display().to_string()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live = fingerprint(db_url).await;
    let quiet = fingerprint(restored[1]).await;
    assert_eq!(live.cases.len(), quiet.cases.len());
    assert_eq!(
        live, quiet,
        "the restored copy holds the same rows as the live database"
    );
    eprintln!(
        "backup under writes held {} of {} acknowledged cases; the quiet backup {} tables, {} cases, {} history entries",
        before.len(),
        after,
        quiet.tables.len(),
        quiet.cases.len(),
        quiet.history.len()
    );
    stop(&mut child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_writes_restores_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("linju-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = |name: &str| format!("sqlite://{}/{name}.db?mode=rwc", dir.display());
    a_backup_under_writes_restores(&url("live"), [&url("copy"), &url("quiet")], &dir).await;
    // Restoring over an existing database needs --replace; a file that is not a backup is
    // refused and leaves the target as it was.
    let out = backup_tool(
        &url("quiet"),
        &[
            "restore",
            "--from",
            &dir.join("quiet.backup").display().to_string(),
        ],
    );
    assert!(!out.status.success());
    std::fs::write(dir.join("junk.backup"), b"not a database").unwrap();
    let out = backup_tool(
        &url("quiet"),
        &[
            "restore",
            "--from",
            &dir.join("junk.backup").display().to_string(),
            "--replace",
        ],
    );
    assert!(!out.status.success());
    assert!(
        fingerprint(&url("quiet")).await.cases.len() > 20,
        "the target is untouched"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_writes_restores_on_postgres() {
    let (live, drop_live) = postgres_database("backup_live").await;
    let (copy, drop_copy) = postgres_database("backup_copy").await;
    let (quiet, drop_quiet) = postgres_database("backup_quiet").await;
    let dir = std::env::temp_dir().join(format!("linju-pg-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    a_backup_under_writes_restores(&live, [&copy, &quiet], &dir).await;
    std::fs::remove_dir_all(&dir).ok();
    drop_live.await;
    drop_copy.await;
    drop_quiet.await;
}

/// Two server processes on one PostgreSQL database run the supervision scheduler side by side
/// (a pass each second, 100 days ahead of the wall clock so every warning and step of the
/// ladder is due): each job is run by one of them, and each notification is written once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_send_each_reminder_once_on_postgres() {
    let (url, drop) = postgres_database("supervision").await;
    let env = [
        ("LINJU_SUPERVISION_EVERY_SECONDS", "1"),
        ("LINJU_SUPERVISION_AHEAD_HOURS", "2400"),
    ];
    let (mut a, addr_a, _) = start_with(&url, &env);
    let (mut b, addr_b, _) = start_with(&url, &env);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr_a, "staff").await;
    const CASES: usize = 12;
    file_and_register_rubbish_cases(&http, &addr_a, &addr_b, &cookie, CASES).await;
    // A warning and four steps per case.
    let expected = (CASES * 5) as i64;
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let count = |sql: &'static str| scalar(&db, sql);
    let started = std::time::Instant::now();
    while count("SELECT COUNT(*) FROM supervision_jobs WHERE done_at IS NOT NULL").await < expected
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "jobs not done within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // One more pass each: nothing is run again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        count("SELECT COUNT(*) FROM supervision_jobs").await,
        expected
    );
    assert_eq!(
        count("SELECT COALESCE(MAX(attempts), 0)::bigint FROM supervision_jobs").await,
        1,
        "no job was claimed twice"
    );
    let repeated = count(
        "SELECT COUNT(*) FROM (SELECT user_id, case_id, action FROM notifications \
         WHERE action LIKE 'alert_%' GROUP BY user_id, case_id, action HAVING COUNT(*) > 1) t",
    )
    .await;
    assert_eq!(repeated, 0, "a reminder went out twice");
    let sent = count("SELECT COUNT(*) FROM notifications WHERE action LIKE 'alert_%'").await;
    assert!(
        sent >= CASES as i64 * 2,
        "warnings and steps reached people: {sent}"
    );
    let processes = count(
        "SELECT COUNT(DISTINCT split_part(claimed_by, '-', 1))::bigint FROM supervision_jobs",
    )
    .await;
    eprintln!(
        "{expected} jobs done by {processes} process(es) in {:?}, {sent} notifications",
        started.elapsed()
    );
    for c in [&a, &b] {
        signal(c, "-TERM");
    }
    for c in [&mut a, &mut b] {
        assert_eq!(
            wait(c, Duration::from_secs(20)).and_then(|s| s.code()),
            Some(0)
        );
    }
    db.close().await.ok();
    drop.await;
}

/// File `n` rubbish reports in the first grid on process `a` and register each on process
/// `b` (a registered case has a deadline: a warning and four escalation steps to plan).
async fn file_and_register_rubbish_cases(
    http: &reqwest::Client,
    addr_a: &str,
    addr_b: &str,
    cookie: &str,
    n: usize,
) {
    let meta: serde_json::Value = http
        .get(format!("http://{addr_a}/api/v1/cases/meta"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rubbish = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E-ENV-01")
        .unwrap()["id"]
        .clone();
    let grids: serde_json::Value = http
        .get(format!("http://{addr_a}/api/v1/grids"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let where_ = CaseWhere {
        category_id: rubbish,
        place_id: grids[0]["place"]["id"].clone(),
    };
    for i in 0..n {
        let c: serde_json::Value =
            file_case(http, addr_a, cookie, &where_, &format!("井盖缺失 {i}"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        let res = http
            .post(format!("http://{addr_b}/api/v1/cases/{}/moves", c["id"]))
            .header("cookie", cookie)
            .header("origin", format!("http://{addr_b}"))
            .header("x-requested-with", "t")
            .json(&serde_json::json!({"action": "register", "version": c["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
}

/// The one number a query answers.
async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[path = "api/receivers.rs"]
#[allow(dead_code)]
mod receivers;

/// Switch a user's text messages on (a work phone; not a resident, so no quiet hours).
async fn sms_on(http: &reqwest::Client, addr: &str, cookie: &str, phone: &str) {
    let p: serde_json::Value = http
        .get(format!("http://{addr}/api/v1/me/preferences"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = http
        .put(format!("http://{addr}/api/v1/me/preferences"))
        .header("cookie", cookie)
        .header("origin", format!("http://{addr}"))
        .header("x-requested-with", "t")
        .json(
            &serde_json::json!({"elder_mode": p["elder_mode"], "read_aloud": p["read_aloud"],
            "version": p["version"], "channels": {"phone": phone, "sms_on": true}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

/// `kill -9` in the middle of a pass: two processes on PostgreSQL send text messages through a
/// slow gateway (it keeps each request, then answers 300 ms later); once the first have
/// arrived, the process holding the most unfinished claims is killed with SIGKILL. The
/// survivor takes its claims over once their lease (3 s here) lapses, and the gateway gets
/// every message — by its `Idempotency-Key` exactly once; the one send that was in flight
/// when the process died (received, not yet recorded) may arrive a second time with the same
/// key, and no other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduler_killed_mid_pass_is_taken_over_and_each_message_arrives_once_on_postgres() {
    use std::collections::{HashMap, HashSet};
    let (url, drop) = postgres_database("takeover").await;
    let gateway =
        receivers::SmsGatewayReceiver::start_answering_after(Duration::from_millis(300)).await;
    let env = [
        ("LINJU_SUPERVISION_EVERY_SECONDS", "1"),
        ("LINJU_SUPERVISION_AHEAD_HOURS", "2400"),
        ("LINJU_SUPERVISION_LEASE_SECONDS", "3"),
        ("LINJU_SMS_URL", gateway.url.as_str()),
    ];
    let (a, addr_a, _) = start_with(&url, &env);
    let (b, addr_b, _) = start_with(&url, &env);
    let mut processes = vec![a, b];
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr_a, "staff").await;
    for (i, user) in ["admin", "staff", "gridworker"].into_iter().enumerate() {
        let c = sign_in(&http, &addr_b, user).await;
        sms_on(&http, &addr_b, &c, &format!("1380000990{}", i + 5)).await;
    }
    const CASES: usize = 12;
    file_and_register_rubbish_cases(&http, &addr_a, &addr_b, &cookie, CASES).await;

    let db = sea_orm::Database::connect(&url).await.unwrap();
    let started = std::time::Instant::now();
    while gateway.received().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no text within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Mid-pass: kill the process that holds the most claims not yet done.
    let victim = loop {
        let holder = scalar(
            &db,
            "SELECT COALESCE((SELECT split_part(claimed_by, '-', 1)::bigint FROM supervision_jobs \
             WHERE done_at IS NULL AND claimed_by IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC \
             LIMIT 1), 0)",
        )
        .await;
        if let Some(i) = processes.iter().position(|p| i64::from(p.id()) == holder) {
            break i;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no claim held within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut killed = processes.remove(victim);
    let killed_pid = i64::from(killed.id());
    signal(&killed, "-KILL");
    killed.wait().unwrap();
    let abandoned = scalar(
        &db,
        &format!(
            "SELECT COUNT(*) FROM supervision_jobs WHERE done_at IS NULL \
             AND split_part(claimed_by, '-', 1) = '{killed_pid}'"
        ),
    )
    .await;
    assert!(abandoned > 0, "the process died holding claims");

    // The survivor finishes: every alert run, every text sent and recorded.
    let expected_alerts = (CASES * 5) as i64;
    loop {
        let alerts_done = scalar(
            &db,
            "SELECT COUNT(*) FROM supervision_jobs WHERE kind = 'case_alert' AND done_at IS NOT NULL",
        )
        .await;
        let pending = scalar(
            &db,
            "SELECT COUNT(*) FROM supervision_jobs WHERE done_at IS NULL",
        )
        .await;
        if alerts_done == expected_alerts && pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "not finished within 120 s: {alerts_done} alerts done, {pending} jobs pending"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let jobs = scalar(
        &db,
        "SELECT COUNT(*) FROM supervision_jobs WHERE kind = 'sms'",
    )
    .await;
    let sent = scalar(
        &db,
        "SELECT COUNT(*) FROM supervision_jobs WHERE kind = 'sms' AND outcome = 'sent'",
    )
    .await;
    assert_eq!(sent, jobs, "every text recorded as sent");
    let taken_over = scalar(
        &db,
        &format!(
            "SELECT COUNT(*) FROM supervision_jobs WHERE attempts > 1 \
             AND split_part(claimed_by, '-', 1) <> '{killed_pid}'"
        ),
    )
    .await;
    assert!(
        taken_over >= abandoned,
        "the survivor ran the abandoned jobs: {taken_over} of {abandoned}"
    );
    let received = gateway.received();
    let mut by_key: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    for m in &received {
        let key = m
            .idempotency_key
            .clone()
            .expect("every text carries its key");
        by_key.entry(key).or_default().push(m.body.clone());
    }
    let wanted: HashSet<String> = {
        use sea_orm::{ConnectionTrait, Statement};
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM supervision_jobs WHERE kind = 'sms'",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| format!("linju-job-{}", r.try_get_by_index::<i64>(0).unwrap()))
        .collect()
    };
    let keys: HashSet<String> = by_key.keys().cloned().collect();
    assert_eq!(keys, wanted, "each text job arrived, by its key");
    let repeated: Vec<_> = by_key.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(
        repeated.len() <= 1 && repeated.iter().all(|(_, v)| v.len() == 2 && v[0] == v[1]),
        "only the send in flight at the kill may arrive twice, the same: {repeated:?}"
    );
    let repeated_alerts = scalar(
        &db,
        "SELECT COUNT(*) FROM (SELECT user_id, case_id, action FROM notifications \
         WHERE action LIKE 'alert_%' GROUP BY user_id, case_id, action HAVING COUNT(*) > 1) t",
    )
    .await;
    assert_eq!(repeated_alerts, 0, "an in-app alert went out twice");
    eprintln!(
        "{jobs} texts, {} requests received ({} repeated by key), {abandoned} claims abandoned by \
         the killed process and taken over, finished in {:?}",
        received.len(),
        repeated.len(),
        started.elapsed()
    );
    let mut survivor = processes.remove(0);
    assert_eq!(stop(&mut survivor), Some(0));
    db.close().await.ok();
    drop.await;
}
