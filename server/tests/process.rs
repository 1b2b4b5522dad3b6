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

    // Send the headers and half of the body, then ask the server to stop.
    let body = r#"{"username":"admin","password":"linju-demo"}"#;
    let mut conn = TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nX-Requested-With: t\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still serving the request in flight"
    );

    conn.write_all(body[10..].as_bytes()).unwrap();
    let mut response = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
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
    panic!("server did not start: {printed:?}");
}

/// Two server processes on one database: a session made on one works on the other, and a
/// change made through one reaches a live board connected to the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_sessions_and_live_changes() {
    use futures::StreamExt;
    let dir = std::env::temp_dir().join(format!("linju-two-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/linju.db?mode=rwc", dir.display());
    let (mut a, addr_a) = start(&url);
    let (mut b, addr_b) = start(&url);
    let http = reqwest::Client::new();
    let res = http
        .post(format!("http://{addr_a}/api/v1/auth/login"))
        .header("origin", format!("http://{addr_a}"))
        .header("x-requested-with", "t")
        .json(&serde_json::json!({"username": "staff", "password": "linju-demo"}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
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
    let mut body = stream.bytes_stream();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let meta: serde_json::Value = http
        .get(format!("http://{addr_b}/api/v1/cases/meta"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cat = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let grids: serde_json::Value = http
        .get(format!("http://{addr_b}/api/v1/grids"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created: serde_json::Value = http
        .post(format!("http://{addr_b}/api/v1/cases"))
        .header("cookie", &cookie)
        .header("origin", format!("http://{addr_b}"))
        .header("x-requested-with", "t")
        .json(&serde_json::json!({"title": "12345 热线：路灯不亮", "category_id": cat, "urgency": "normal", "source": "hotline", "place_id": grids[0]["place"]["id"]}))
        .send()
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
    for c in [&mut a, &mut b] {
        Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .unwrap();
    }
    // Open live streams must not hold up shutdown.
    for c in [&mut a, &mut b] {
        assert_eq!(
            wait(c, Duration::from_secs(20)).and_then(|s| s.code()),
            Some(0)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `kill -9` while a writer makes acknowledged writes: after a restart on the same database,
/// every write the server answered 201 to is there.
async fn acknowledged_writes_survive_kill_9(db_url: &str) {
    use std::sync::{Arc, Mutex};
    let (mut child, addr) = start(db_url);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &addr, "staff").await;
    let meta: serde_json::Value = http
        .get(format!("http://{addr}/api/v1/cases/meta"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cat = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let grids: serde_json::Value = http
        .get(format!("http://{addr}/api/v1/grids"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let place = grids[0]["place"]["id"].clone();

    // Four writers, each filing cases one after another until the server is gone.
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, addr, cookie, acked) = (
            http.clone(),
            addr.clone(),
            cookie.clone(),
            acknowledged.clone(),
        );
        let (cat, place) = (cat.clone(), place.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let title = format!("热线 {w}-{i}：路灯不亮");
                let res = http
                    .post(format!("http://{addr}/api/v1/cases"))
                    .header("cookie", &cookie)
                    .header("origin", format!("http://{addr}"))
                    .header("x-requested-with", "t")
                    .json(
                        &serde_json::json!({"title": title, "category_id": cat, "urgency": "normal",
                        "source": "hotline", "place_id": place}),
                    )
                    .send()
                    .await;
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
    assert!(
        Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
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
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    wait(&mut child, Duration::from_secs(20));
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
    use sea_orm::ConnectionTrait;
    let admin_url = std::env::var("LINJU_TEST_POSTGRES_URL").expect(
        "LINJU_TEST_POSTGRES_URL is not set, e.g. postgres://linju:linju@127.0.0.1:5432/postgres",
    );
    let name = format!("linju_kill_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    acknowledged_writes_survive_kill_9(&format!("{prefix}/{name}")).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
}
