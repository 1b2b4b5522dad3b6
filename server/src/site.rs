//! Serves the built browser app. At start the files of the site directory are read once,
//! named by content hash (so they can be cached for a year), and compressed on first use.
//! `index.html` is never cached, so a new release is picked up on the next visit.

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
    pub built: bool,
}

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
        let html = template
            .replace("{{favicon.svg}}", &icon_url)
            .replace("{{app.css}}", &css)
            .replace("{{boot.js}}", &boot)
            .replace("{{app.wasm}}", &wasm);
        Ok(Site {
            index: Asset::new("text/html; charset=utf-8", html.into_bytes()),
            assets,
            favicon: icon.map(|bytes| Asset::new(SVG, bytes)),
            built: true,
        })
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
    async fn a_missing_build_serves_a_page_that_says_so() {
        let site = Site::load(std::path::Path::new("/nonexistent-linju-site"));
        assert!(!site.built);
        let body = to_bytes(site.index(&HeaderMap::new()).await.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&body).contains("make run"));
    }
}
