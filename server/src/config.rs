//! Configuration from the environment, read once at start.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub database_url: String,
    /// Connections per process; PostgreSQL deployments size this against max_connections.
    pub db_max_connections: u32,
    pub site_dir: PathBuf,
    /// Seed the demo community and accounts into an empty database.
    pub demo: bool,
    /// With a freshly seeded demo, also tell the demo stories (cases, an agenda item, a
    /// dispute, cared-for residents) through the API: `make run` shows the app at work.
    pub demo_stories: bool,
    /// With a freshly seeded demo, first play this many months of history (cases, visits,
    /// errands, meals) through the services; 0 (the default, and the tests') plays none.
    pub demo_history_months: u32,
    pub demo_password: String,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
    /// Extra origins accepted for state-changing requests (e.g. the public https URL).
    pub public_origins: Vec<String>,
    /// Open cases of the same category this near a new report are offered as duplicates.
    pub duplicate_radius_m: f64,
    /// Where photos are stored (a directory shared by all server processes).
    pub upload_dir: PathBuf,
    /// On PostgreSQL, other processes' changes arrive as notifications; the live boards still
    /// read their history this often, in case one was missed (`LINJU_LIVE_CHECK_SECONDS`).
    pub live_check_every: Duration,
    /// An optional raster base layer for the map (off by default).
    pub map_tiles: Option<shared::map::TileLayer>,
    /// How often the supervision scheduler runs a pass (`LINJU_SUPERVISION_EVERY_SECONDS`,
    /// default 30; 0 turns the loop off — the tests' setting, they run passes themselves).
    pub supervision_every: Option<Duration>,
    /// Run the scheduler's passes this far ahead of the wall clock
    /// (`LINJU_SUPERVISION_AHEAD_HOURS`, default 0): for demos and browser tests that must
    /// see a warning or an escalation without waiting days.
    pub supervision_ahead: time::Duration,
    /// How long a scheduler claim holds (`LINJU_SUPERVISION_LEASE_SECONDS`, default 300):
    /// a job claimed by a process that died is taken over by another once it lapses.
    pub supervision_lease: time::Duration,
    /// Email (off unless `LINJU_SMTP_URL` is set).
    pub smtp: Option<Smtp>,
    /// Text messages through an HTTP gateway (off unless `LINJU_SMS_URL` is set).
    pub sms: Option<SmsGateway>,
    /// The address users reach the app at, for links in emails and texts (`LINJU_PUBLIC_URL`;
    /// default: the first of `LINJU_PUBLIC_ORIGINS`, else `http://HOST:PORT`).
    pub public_url: String,
}

/// `LINJU_SMTP_URL` as lettre reads it (`smtp://user:pass@host:587?tls=required`,
/// `smtps://…`, `smtp://127.0.0.1:2525` for a relay without TLS) and `LINJU_SMTP_FROM`.
#[derive(Clone, Debug)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

/// `LINJU_SMS_URL` (POSTed to), `LINJU_SMS_TEMPLATE` (the body; `{phone}`, `{text}` and `{id}`
/// are replaced, JSON-escaped), `LINJU_SMS_AUTH` (the `Authorization` header's value) and
/// `LINJU_SMS_CONTENT_TYPE` (default `application/json`).
#[derive(Clone, Debug)]
pub struct SmsGateway {
    pub url: String,
    pub template: String,
    pub auth: Option<String>,
    pub content_type: String,
}

pub const DEFAULT_SMS_TEMPLATE: &str = r#"{"phone":"{phone}","text":"{text}","id":"{id}"}"#;

fn channels() -> (Option<Smtp>, Option<SmsGateway>) {
    let smtp = env("LINJU_SMTP_URL").map(|url| Smtp {
        url,
        from: env("LINJU_SMTP_FROM").unwrap_or_else(|| "邻聚 <noreply@linju.invalid>".into()),
    });
    let sms = env("LINJU_SMS_URL").map(|url| SmsGateway {
        url,
        template: env("LINJU_SMS_TEMPLATE").unwrap_or_else(|| DEFAULT_SMS_TEMPLATE.into()),
        auth: env("LINJU_SMS_AUTH"),
        content_type: env("LINJU_SMS_CONTENT_TYPE").unwrap_or_else(|| "application/json".into()),
    });
    (smtp, sms)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match env(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name} has an invalid value: {v}")),
    }
}

fn env_flag(name: &str, default: bool) -> bool {
    match env(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("1" | "true" | "yes" | "on") => true,
        Some("0" | "false" | "no" | "off") => false,
        _ => default,
    }
}

/// `LINJU_MAP_TILES_URL` (a `{z}/{x}/{y}` template), `LINJU_MAP_TILES_CRS` (`wgs84`, the
/// default, or `gcj02`) and `LINJU_MAP_TILES_ATTRIBUTION`.
fn map_tiles() -> Result<Option<shared::map::TileLayer>, String> {
    use shared::map::{TileCrs, TileLayer};
    let Some(url) = env("LINJU_MAP_TILES_URL") else {
        return Ok(None);
    };
    if !TileLayer::check_url(&url) {
        return Err(format!(
            "LINJU_MAP_TILES_URL needs {{z}}, {{x}} and {{y}} and an http(s) or /path address: {url}"
        ));
    }
    let crs = match env("LINJU_MAP_TILES_CRS") {
        None => TileCrs::Wgs84,
        Some(c) => TileCrs::parse(&c)
            .ok_or_else(|| format!("LINJU_MAP_TILES_CRS must be wgs84 or gcj02: {c}"))?,
    };
    Ok(Some(TileLayer {
        url,
        crs,
        attribution: env("LINJU_MAP_TILES_ATTRIBUTION").unwrap_or_default(),
    }))
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let (smtp, sms) = channels();
        let host: IpAddr = env_parse("HOST", IpAddr::from([127, 0, 0, 1]))?;
        let port: u16 = env_parse("PORT", 8080)?;
        let public_url = env("LINJU_PUBLIC_URL")
            .or_else(|| {
                env("LINJU_PUBLIC_ORIGINS")
                    .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
            })
            .unwrap_or_else(|| format!("http://{host}:{port}"))
            .trim_end_matches('/')
            .to_string();
        Ok(Config {
            smtp,
            sms,
            public_url,
            host: env_parse("HOST", IpAddr::from([127, 0, 0, 1]))?,
            port: env_parse("PORT", 8080)?,
            database_url: env("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/linju.db?mode=rwc".to_string()),
            db_max_connections: env_parse("LINJU_DB_MAX_CONNECTIONS", 10)?,
            site_dir: env("LINJU_SITE_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target/site")),
            demo: env_flag("LINJU_DEMO", false),
            demo_stories: env_flag("LINJU_DEMO_STORIES", false),
            demo_history_months: env_parse("LINJU_DEMO_HISTORY_MONTHS", 0)?,
            demo_password: env("LINJU_DEMO_PASSWORD").unwrap_or_else(|| "linju-demo".to_string()),
            session_idle: Duration::from_secs(
                60 * env_parse::<u64>("LINJU_SESSION_IDLE_MINUTES", 120)?,
            ),
            session_absolute: Duration::from_secs(
                3600 * env_parse::<u64>("LINJU_SESSION_ABSOLUTE_HOURS", 12)?,
            ),
            trust_proxy: env_flag("LINJU_TRUST_PROXY", false),
            public_origins: env("LINJU_PUBLIC_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().trim_end_matches('/').to_string())
                        .collect()
                })
                .unwrap_or_default(),
            duplicate_radius_m: env_parse("LINJU_DUPLICATE_RADIUS_M", 50.0)?,
            upload_dir: env("LINJU_UPLOAD_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data/uploads")),
            live_check_every: Duration::from_secs(env_parse("LINJU_LIVE_CHECK_SECONDS", 3)?),
            map_tiles: map_tiles()?,
            supervision_every: match env_parse::<u64>("LINJU_SUPERVISION_EVERY_SECONDS", 30)? {
                0 => None,
                s => Some(Duration::from_secs(s)),
            },
            supervision_ahead: time::Duration::hours(env_parse::<i64>(
                "LINJU_SUPERVISION_AHEAD_HOURS",
                0,
            )?),
            supervision_lease: match env_parse::<i64>("LINJU_SUPERVISION_LEASE_SECONDS", 300)? {
                s if s > 0 => time::Duration::seconds(s),
                _ => return Err("LINJU_SUPERVISION_LEASE_SECONDS must be positive".into()),
            },
        })
    }

    /// A configuration for tests and tools: given database, no demo data.
    pub fn for_database(database_url: &str) -> Config {
        Config {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            database_url: database_url.to_string(),
            db_max_connections: 10,
            site_dir: PathBuf::from("target/site"),
            demo: false,
            demo_stories: false,
            demo_history_months: 0,
            demo_password: "linju-demo".to_string(),
            session_idle: Duration::from_secs(7200),
            session_absolute: Duration::from_secs(12 * 3600),
            trust_proxy: false,
            public_origins: Vec::new(),
            duplicate_radius_m: 50.0,
            upload_dir: std::env::temp_dir().join(format!("linju-uploads-{}", std::process::id())),
            live_check_every: Duration::from_secs(3),
            map_tiles: None,
            supervision_every: None,
            supervision_ahead: time::Duration::ZERO,
            supervision_lease: crate::supervision::scheduler::LEASE,
            smtp: None,
            sms: None,
            public_url: "http://127.0.0.1".into(),
        }
    }
}
