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
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("PORT", "0")
        .env("DATABASE_URL", format!("sqlite://{}/linju.db?mode=rwc", dir.display()))
        .env("LINJU_DEMO", "1")
        .env("LINJU_SITE_DIR", "/nonexistent")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        printed.push(line.clone());
        if let Some(url) = line.strip_prefix("Linju is listening on http://") {
            break url.to_string();
        }
    };
    assert!(printed.iter().any(|l| l.contains("gridworker")), "demo accounts are listed: {printed:?}");

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
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "still serving the request in flight");

    conn.write_all(body[10..].as_bytes()).unwrap();
    let mut response = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"username\":\"admin\""));

    let status = wait(&mut child, Duration::from_secs(20));
    assert_eq!(status.and_then(|s| s.code()), Some(0), "clean exit after the last request");
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
