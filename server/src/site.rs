//! Serves the built browser app. At start the files of the site directory are read once,
//! named by content hash (so they can be cached for a year), and compressed on first use.
//! `index.html` is never cached, so a new release is picked up on the next visit.
//!
//! The installable app (issue 18): the web app manifest at `/manifest.webmanifest` (its icons
//! hashed like every asset) and the service worker at `/sw.js`, made from the build's `sw.js`
//! with this build's version and list of files filled in. Both are `no-cache`: the browser
//! asks every time, so a new build is a new worker (which the app offers as an update).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::OnceCell;

struct Asset {
    content_type: &'static str,
    raw: Arc<Vec<u8>>,
    gzip: OnceCell<Arc<Vec<u8>>>,
    brotli: OnceCell<Arc<Vec<u8>>>,
}

impl Asset {
    fn new(content_type: &'static str, raw: Vec<u8>) -> Self {
        Asset {
            content_type,
            raw: Arc::new(raw),
            gzip: OnceCell::new(),
            brotli: OnceCell::new(),
        }
    }
}

pub struct Site {
    index: Asset,
    assets: HashMap<String, Asset>,
    /// The app's icon, also at `/favicon.ico` for browsers and tools that ask there.
    favicon: Option<Asset>,
    /// `/manifest.webmanifest`, when the build has one.
    manifest: Option<Asset>,
    /// `/sw.js`, when the build has one.
    service_worker: Option<Asset>,
    pub built: bool,
}

/// The PNG icons of the manifest (`make app` copies them from `app/icons/` to `icons/`).
const ICONS: [&str; 3] = ["icon-192.png", "icon-512.png", "maskable-512.png"];

const SVG: &str = "image/svg+xml";

fn short_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..6])
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>邻聚 Linju</title>\
<p>前端尚未构建，请运行 <code>make run</code>。 The app is not built yet: run <code>make run</code>.</p></html>";

impl Site {
    /// Read the site directory written by `make app`: index.html (template), app.js,
    /// app_bg.wasm, app.css and favicon.svg (optional). A missing directory serves a page that says so; the API works.
    pub fn load(dir: &Path) -> Site {
        match Self::try_load(dir) {
            Ok(site) => site,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "browser app not found; serving a placeholder page");
                Site {
                    index: Asset::new("text/html; charset=utf-8", NOT_BUILT.as_bytes().to_vec()),
                    assets: HashMap::new(),
                    favicon: None,
                    manifest: None,
                    service_worker: None,
                    built: false,
                }
            }
        }
    }

    fn try_load(dir: &Path) -> std::io::Result<Site> {
        let template = std::fs::read_to_string(dir.join("index.html"))?;
        let mut assets = HashMap::new();
        let mut add =
            |stem: &str, ext: &str, content_type: &'static str, bytes: Vec<u8>| -> String {
                let name = format!("{stem}.{}.{ext}", short_hash(&bytes));
                assets.insert(name.clone(), Asset::new(content_type, bytes));
                format!("/assets/{name}")
            };
        let js = add(
            "app",
            "js",
            "text/javascript; charset=utf-8",
            std::fs::read(dir.join("app.js"))?,
        );
        let wasm = add(
            "app_bg",
            "wasm",
            "application/wasm",
            std::fs::read(dir.join("app_bg.wasm"))?,
        );
        let css = add(
            "app",
            "css",
            "text/css; charset=utf-8",
            std::fs::read(dir.join("app.css"))?,
        );
        let boot = format!("import init from \"{js}\";\ninit({{ module_or_path: \"{wasm}\" }});\n");
        let boot = add(
            "boot",
            "js",
            "text/javascript; charset=utf-8",
            boot.into_bytes(),
        );
        let icon = std::fs::read(dir.join("favicon.svg")).ok();
        let icon_url = match &icon {
            Some(bytes) => add("favicon", "svg", SVG, bytes.clone()),
            None => "/favicon.ico".to_string(),
        };
        let mut names = vec![
            ("{{favicon.svg}}".to_string(), icon_url),
            ("{{app.css}}".to_string(), css),
            ("{{boot.js}}".to_string(), boot),
            ("{{app.wasm}}".to_string(), wasm),
        ];
        for name in ICONS {
            if let Ok(bytes) = std::fs::read(dir.join("icons").join(name)) {
                let stem = name.trim_end_matches(".png");
                names.push((
                    format!("{{{{{name}}}}}"),
                    add(stem, "png", "image/png", bytes),
                ));
            }
        }
        let fill = |text: String| {
            names.iter().fold(text, |text, (placeholder, url)| {
                text.replace(placeholder, url)
            })
        };
        let html = fill(template);
        let manifest = std::fs::read_to_string(dir.join("manifest.webmanifest"))
            .ok()
            .map(fill);
        // The worker keeps the page, the manifest and every hashed file; its version changes
        // with any of them (the page names the hashed files).
        let service_worker = std::fs::read_to_string(dir.join("sw.js")).ok().map(|sw| {
            let mut files = vec!["/".to_string()];
            if manifest.is_some() {
                files.push("/manifest.webmanifest".to_string());
            }
            let mut hashed: Vec<String> = assets.keys().map(|n| format!("/assets/{n}")).collect();
            hashed.sort();
            files.extend(hashed);
            let version =
                short_hash(format!("{html}{}", manifest.as_deref().unwrap_or_default()).as_bytes());
            sw.replace("{{version}}", &version).replace(
                "{{precache}}",
                &serde_json::to_string(&files).unwrap_or_default(),
            )
        });
        Ok(Site {
            index: Asset::new("text/html; charset=utf-8", html.into_bytes()),
            assets,
            favicon: icon.map(|bytes| Asset::new(SVG, bytes)),
            manifest: manifest
                .map(|m| Asset::new("application/manifest+json; charset=utf-8", m.into_bytes())),
            service_worker: service_worker
                .map(|sw| Asset::new("text/javascript; charset=utf-8", sw.into_bytes())),
            built: true,
        })
    }

    /// `/manifest.webmanifest`: asked for on every visit, so a new build's icons are seen.
    pub async fn manifest(&self, headers: &HeaderMap) -> Response {
        match &self.manifest {
            Some(a) => respond(a, headers, "no-cache").await,
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    /// `/sw.js`: never cached, so the browser finds a new build; its scope is the whole app.
    pub async fn service_worker(&self, headers: &HeaderMap) -> Response {
        match &self.service_worker {
            Some(a) => {
                let mut res = respond(a, headers, "no-cache").await;
                res.headers_mut()
                    .insert("service-worker-allowed", HeaderValue::from_static("/"));
                res
            }
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    pub async fn index(&self, headers: &HeaderMap) -> Response {
        respond(&self.index, headers, "no-cache").await
    }

    /// `/favicon.ico`: the app's icon (an SVG, which browsers take by its type).
    pub async fn favicon(&self, headers: &HeaderMap) -> Response {
        match &self.favicon {
            Some(a) => respond(a, headers, "public, max-age=86400").await,
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }

    pub async fn asset(&self, name: &str, headers: &HeaderMap) -> Response {
        match self.assets.get(name) {
            Some(a) => respond(a, headers, "public, max-age=31536000, immutable").await,
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|e| e.split(';').next().map(str::trim) == Some(encoding))
        })
}

async fn compress(raw: Arc<Vec<u8>>, brotli: bool) -> Arc<Vec<u8>> {
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::with_capacity(raw.len() / 3);
        if brotli {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 9,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut raw.as_slice(), &mut out, &params)
                .expect("in-memory brotli");
        } else {
            let mut enc = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
            enc.write_all(&raw).expect("in-memory gzip");
            enc.finish().expect("in-memory gzip");
        }
        Arc::new(out)
    })
    .await
    .expect("compression task")
}

async fn respond(a: &Asset, headers: &HeaderMap, cache: &'static str) -> Response {
    let (body, encoding) = if accepts(headers, "br") {
        (
            a.brotli
                .get_or_init(|| compress(a.raw.clone(), true))
                .await
                .clone(),
            Some("br"),
        )
    } else if accepts(headers, "gzip") {
        (
            a.gzip
                .get_or_init(|| compress(a.raw.clone(), false))
                .await
                .clone(),
            Some("gzip"),
        )
    } else {
        (a.raw.clone(), None)
    };
    let mut res = Response::new(Body::from(body.as_ref().clone()));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn site_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("linju-site-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<link href=\"{{app.css}}\"><script type=\"module\" src=\"{{boot.js}}\"></script>",
        )
        .unwrap();
        std::fs::write(
            dir.join("app.js"),
            "export default function init() {}".repeat(50),
        )
        .unwrap();
        std::fs::write(dir.join("app_bg.wasm"), b"\0asm fake module").unwrap();
        std::fs::write(dir.join("app.css"), "body { font-size: 18px; }".repeat(50)).unwrap();
        dir
    }

    #[tokio::test]
    async fn the_icon_is_linked_hashed_and_answers_at_favicon_ico() {
        let dir = std::env::temp_dir().join(format!("linju-icon-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in [
            ("index.html", "<link rel=\"icon\" href=\"{{favicon.svg}}\">"),
            ("app.js", "export default function init() {}"),
            ("app_bg.wasm", "\0asm"),
            ("app.css", "body {}"),
            ("favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let site = Site::load(&dir);
        let html = to_bytes(site.index(&HeaderMap::new()).await.into_body(), usize::MAX)
            .await
            .unwrap();
        let html = String::from_utf8_lossy(&html).to_string();
        let icon = html
            .split('"')
            .find(|s| s.starts_with("/assets/favicon.") && s.ends_with(".svg"))
            .unwrap_or_else(|| panic!("hashed icon linked: {html}"));
        let res = site
            .asset(icon.trim_start_matches("/assets/"), &HeaderMap::new())
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/svg+xml");
        let res = site.favicon(&HeaderMap::new()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/svg+xml");
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert!(body.starts_with(b"<svg"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn assets_are_hashed_cached_for_a_year_and_compressed() {
        let dir = site_dir();
        let site = Site::load(&dir);
        assert!(site.built);
        let mut h = HeaderMap::new();
        let index = site.index(&h).await;
        assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
        let html = String::from_utf8(
            to_bytes(index.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap();
        let css = html
            .split('"')
            .find(|s| s.starts_with("/assets/app.") && s.ends_with(".css"))
            .expect("hashed stylesheet");
        let boot = html
            .split('"')
            .find(|s| s.starts_with("/assets/boot."))
            .expect("hashed boot script");
        assert!(!html.contains("{{"), "placeholders are filled: {html}");

        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        let res = site.asset(css.trim_start_matches("/assets/"), &h).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        let compressed = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut compressed.as_ref(), &mut plain).unwrap();
        assert_eq!(plain, std::fs::read(dir.join("app.css")).unwrap());

        let gz =
            HeaderMap::from_iter([(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"))]);
        assert_eq!(
            site.asset(css.trim_start_matches("/assets/"), &gz)
                .await
                .headers()[header::CONTENT_ENCODING],
            "gzip"
        );
        let boot_js = to_bytes(
            site.asset(boot.trim_start_matches("/assets/"), &HeaderMap::new())
                .await
                .into_body(),
            usize::MAX,
        )
        .await
        .unwrap();
        let boot_js = String::from_utf8(boot_js.to_vec()).unwrap();
        assert!(
            boot_js.contains("/assets/app_bg.") && boot_js.contains(".wasm"),
            "{boot_js}"
        );
        assert_eq!(
            site.asset("app.0000.css", &h).await.status(),
            StatusCode::NOT_FOUND
        );

        // A new build gets new names: old pages never load new code under an old name.
        std::fs::write(dir.join("app.css"), "body { font-size: 20px; }").unwrap();
        let html2 = String::from_utf8(
            to_bytes(
                Site::load(&dir).index(&HeaderMap::new()).await.into_body(),
                usize::MAX,
            )
            .await
            .unwrap()
            .to_vec(),
        )
        .unwrap();
        assert!(!html2.contains(css));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn the_manifest_and_the_service_worker_name_this_build() {
        let dir = std::env::temp_dir().join(format!("linju-sw-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("icons")).unwrap();
        for (name, text) in [
            (
                "index.html",
                "<link rel=\"manifest\" href=\"/manifest.webmanifest\"><script src=\"{{boot.js}}\"></script>",
            ),
            ("app.js", "export default function init() {}"),
            ("app_bg.wasm", "\0asm"),
            ("app.css", "body {}"),
            (
                "manifest.webmanifest",
                "{\"icons\": [{\"src\": \"{{icon-192.png}}\"}]}",
            ),
            (
                "sw.js",
                "const VERSION = '{{version}}'; const PRECACHE = {{precache}};",
            ),
            ("icons/icon-192.png", "\u{89}PNG fake"),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let body = |res: Response| async move {
            String::from_utf8(
                to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap()
                    .to_vec(),
            )
            .unwrap()
        };
        let site = Site::load(&dir);
        let res = site.manifest(&HeaderMap::new()).await;
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/manifest+json")
        );
        let manifest: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let icon = manifest["icons"][0]["src"].as_str().unwrap().to_string();
        assert!(
            icon.starts_with("/assets/icon-192.") && icon.ends_with(".png"),
            "{icon}"
        );
        assert_eq!(
            site.asset(icon.trim_start_matches("/assets/"), &HeaderMap::new())
                .await
                .headers()[header::CONTENT_TYPE],
            "image/png"
        );

        let res = site.service_worker(&HeaderMap::new()).await;
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(res.headers()["service-worker-allowed"], "/");
        let sw = body(res).await;
        assert!(!sw.contains("{{"), "{sw}");
        let precache: Vec<String> = serde_json::from_str(
            sw.split("PRECACHE = ")
                .nth(1)
                .unwrap()
                .trim_end_matches(';'),
        )
        .unwrap();
        assert_eq!(precache[..2], ["/", "/manifest.webmanifest"]);
        assert!(precache.contains(&icon), "{precache:?}");
        assert!(
            precache.iter().any(|f| f.starts_with("/assets/app_bg.")),
            "{precache:?}"
        );

        // Another build, another worker: the browser sees a new version.
        std::fs::write(dir.join("app.css"), "body { color: red }").unwrap();
        let sw2 = body(Site::load(&dir).service_worker(&HeaderMap::new()).await).await;
        assert_ne!(sw, sw2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn a_missing_build_serves_a_page_that_says_so() {
        let site = Site::load(std::path::Path::new("/nonexistent-linju-site"));
        assert!(!site.built);
        let body = to_bytes(site.index(&HeaderMap::new()).await.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&body).contains("make run"));
    }
}
