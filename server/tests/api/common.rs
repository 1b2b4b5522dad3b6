//! Test harness: every test gets its own server on a random port and its own fresh database,
//! SQLite (a new file) or PostgreSQL (a new database on the server named by
//! LINJU_TEST_POSTGRES_URL). The demo data set is seeded so tests speak about real places.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use server::config::Config;
use std::sync::atomic::{AtomicU64, Ordering};

pub const PASSWORD: &str = "linju-demo";

pub struct TestApp {
    pub base: String,
    pub state: server::AppState,
    pg_cleanup: Option<(String, String)>,
    _dir: Option<TempDir>,
    _uploads: TempDir,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        uuid::Uuid::new_v4().simple()
    )
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(true).await
    }

    /// A migrated SQLite database without the demo data.
    pub async fn sqlite_empty() -> TestApp {
        Self::sqlite_with(false).await
    }

    pub async fn postgres() -> TestApp {
        Self::postgres_with(true).await
    }

    pub async fn postgres_empty() -> TestApp {
        Self::postgres_with(false).await
    }

    async fn sqlite_with(demo: bool) -> TestApp {
        Self::sqlite_configured(demo, |_| {}).await
    }

    /// A demo SQLite app with a configuration change.
    pub async fn sqlite_configured(demo: bool, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = std::env::temp_dir().join(format!("linju-test-{}", unique_name()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/linju.db?mode=rwc", dir.display());
        Self::start_configured(&url, None, Some(TempDir(dir)), demo, tweak).await
    }

    async fn postgres_with(demo: bool) -> TestApp {
        Self::postgres_configured(demo, |_| {}).await
    }

    /// A PostgreSQL app (a new database) with a configuration change.
    pub async fn postgres_configured(demo: bool, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let admin_url = std::env::var("LINJU_TEST_POSTGRES_URL").expect(
            "LINJU_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (make test starts one), e.g. \
             postgres://linju:linju@127.0.0.1:5432/postgres",
        );
        let name = format!("linju_test_{}", unique_name());
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let (prefix, _) = admin_url
            .rsplit_once('/')
            .expect("database URL ends with /dbname");
        let url = format!("{prefix}/{name}");
        Self::start_configured(&url, Some((admin_url, name)), None, demo, tweak).await
    }

    async fn start_configured(
        url: &str,
        pg_cleanup: Option<(String, String)>,
        dir: Option<TempDir>,
        demo: bool,
        tweak: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::for_database(url);
        config.demo = demo;
        config.db_max_connections = 5;
        config.site_dir = std::path::PathBuf::from("/nonexistent-site");
        // Uploads of its own: a test can count the files its requests leave.
        let uploads =
            TempDir(std::env::temp_dir().join(format!("linju-uploads-{}", unique_name())));
        config.upload_dir = uploads.0.clone();
        tweak(&mut config);
        let state = server::prepare(config).await.expect("server prepares");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = server::router(state.clone());
        tokio::spawn(async move { server::serve(app, listener).await.unwrap() });
        TestApp {
            base: format!("http://{addr}"),
            state,
            pg_cleanup,
            _dir: dir,
            _uploads: uploads,
        }
    }

    pub fn anonymous(&self) -> Api {
        Api::new(&self.base)
    }

    pub async fn login(&self, username: &str) -> Api {
        let mut api = self.anonymous();
        let (status, body) = api.login(username, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        api
    }

    /// Drop the PostgreSQL database (SQLite files go with the temp dir).
    pub async fn cleanup(self) {
        let TestApp {
            state, pg_cleanup, ..
        } = self;
        state.db.conn.close().await.ok();
        if let Some((admin_url, name)) = pg_cleanup
            && let Ok(admin) = sea_orm::Database::connect(&admin_url).await
        {
            use sea_orm::ConnectionTrait;
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await.ok();
        }
    }

    /// The id of a place by its code.
    pub async fn place_id(&self, code: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::places::store::place;
        place::Entity::find()
            .filter(place::Column::Code.eq(code))
            .one(&self.state.db.conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no place {code}"))
            .id
    }

    /// The id of a resident by name.
    pub async fn resident_id(&self, name: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::places::store::resident;
        resident::Entity::find()
            .filter(resident::Column::Name.eq(name))
            .one(&self.state.db.conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no resident {name}"))
            .id
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::accounts::store::user;
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.state.db.conn)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Audit records with an action, newest first.
    pub async fn audit(&self, action: &str) -> Vec<server::audit::entry::Model> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        use server::audit::entry;
        entry::Entity::find()
            .filter(entry::Column::Action.eq(action))
            .order_by_desc(entry::Column::Id)
            .all(&self.state.db.conn)
            .await
            .unwrap()
    }

    /// Take the schema back to before the migration `name`, let `old` write rows as the code
    /// of that time did (raw SQL), and migrate up again: what a deployment with old rows goes
    /// through.
    pub async fn remigrate_from(&self, name: &str, old: &[String]) {
        use migrations::{Migrator, MigratorTrait};
        use sea_orm::ConnectionTrait;
        let all = Migrator::migrations();
        let at = all
            .iter()
            .position(|m| m.name() == name)
            .unwrap_or_else(|| panic!("no migration {name}"));
        let conn = &self.state.db.conn;
        Migrator::down(conn, Some((all.len() - at) as u32))
            .await
            .unwrap();
        for sql in old {
            conn.execute_unprepared(sql).await.unwrap();
        }
        Migrator::up(conn, None).await.unwrap();
    }
}

/// A browser-like API client: same-origin headers, the session cookie kept by hand so
/// tests can replay old cookies.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
    pub lang: Option<&'static str>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
            http: reqwest::Client::new(),
            token: None,
            lang: None,
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-requested-with", "linju-test")
            .header("origin", &self.base);
        if let Some(t) = &self.token {
            r = r.header("cookie", format!("linju_session={t}"));
        }
        if let Some(l) = self.lang {
            r = r.header("accept-language", l);
        }
        r
    }

    /// Open the live stream at `path` (resuming after `last_id` when given). When this returns,
    /// the server has answered, and it subscribes a stream to its changes before it answers: a
    /// change committed from now on reaches this stream. (No sleeping for a connection.)
    pub async fn open_live(&self, path: &str, last_id: Option<i64>) -> LiveStream {
        let mut req = self.request(Method::GET, path);
        if let Some(id) = last_id {
            req = req.header("last-event-id", id.to_string());
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        LiveStream {
            body: Box::pin(res.bytes_stream()),
            buf: String::new(),
        }
    }

    /// Read server-sent events named `event` from the live stream at `path` (resuming after
    /// `last_id` when given) until `want` of them came or `limit` passed.
    pub async fn live_events(
        &self,
        path: &str,
        event: &str,
        last_id: Option<i64>,
        want: usize,
        limit: std::time::Duration,
    ) -> Vec<Value> {
        self.open_live(path, last_id)
            .await
            .events(event, want, limit)
            .await
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = r.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::PUT, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// Log in; on success remember the new session token from Set-Cookie.
    pub async fn login(&mut self, username: &str, password: &str) -> (StatusCode, Value) {
        let res = self
            .request(Method::POST, "/api/v1/auth/login")
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        if let Some(cookie) = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
        {
            let token = cookie
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, v)| v.to_string());
            self.token = token.filter(|t| !t.is_empty());
        }
        let body = res.json().await.unwrap_or(Value::Null);
        (status, body)
    }
}

/// An open live stream (`Api::open_live`).
pub struct LiveStream {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>,
    buf: String,
}

impl LiveStream {
    /// The data of the events named `event`, until `want` of them came or `limit` passed.
    pub async fn events(
        mut self,
        event: &str,
        want: usize,
        limit: std::time::Duration,
    ) -> Vec<Value> {
        use futures::StreamExt;
        let marker = format!("event: {event}");
        let mut events = Vec::new();
        let deadline = tokio::time::Instant::now() + limit;
        while events.len() < want {
            let chunk = match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(Some(Ok(c))) => c,
                _ => break,
            };
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if block.lines().any(|l| l == marker) {
                    let data = block
                        .lines()
                        .find_map(|l| l.strip_prefix("data: "))
                        .unwrap();
                    events.push(serde_json::from_str(data).unwrap());
                }
            }
        }
        events
    }
}

/// The id of a case category by its code (`C-PUB-01`), as the cases' meta lists it.
pub async fn category(api: &Api, code: &str) -> i64 {
    let (_, meta) = api.get("/api/v1/cases/meta").await;
    meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no category {code}"))["id"]
        .as_i64()
        .unwrap()
}

/// The id of a responsible party by its code (`PROPERTY`), as the cases' meta lists it.
pub async fn party(api: &Api, code: &str) -> i64 {
    let (_, meta) = api.get("/api/v1/cases/meta").await;
    meta["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no party {code}"))["id"]
        .as_i64()
        .unwrap()
}

/// Run a test body against SQLite and PostgreSQL: `both!(name)` makes `name::sqlite` and
/// `name::postgres` from `async fn name(app: &TestApp)`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::common::TestApp::sqlite().await;
                super::$name(&app).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::common::TestApp::postgres().await;
                super::$name(&app).await;
                app.cleanup().await;
            }
        }
    };
}
