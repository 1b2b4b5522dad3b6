//! The browser's IndexedDB database of this app: the outbox (writes waiting to be sent, photos
//! kept as Blobs) and the read copies field work needs offline. Through `rexie` (a maintained
//! futures wrapper that keeps values as JS values, so a photo stays a Blob and is never
//! copied into wasm memory). Every operation opens the database and closes it again: sign-out
//! deletes the whole database, which an open connection would hold up.

use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;

const DATABASE: &str = "linju";
const OUTBOX: &str = "outbox";
const COPIES: &str = "copies";

async fn open() -> Result<Rexie, rexie::Error> {
    Rexie::builder(DATABASE)
        .version(1)
        .add_object_store(ObjectStore::new(OUTBOX).key_path("id").auto_increment(true))
        .add_object_store(ObjectStore::new(COPIES).key_path("name"))
        .build()
        .await
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(object: &JsValue, name: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &name.into(), value);
}

/// One store's operation in its own transaction; the database is closed afterwards.
async fn with_store<T>(
    store: &str,
    mode: TransactionMode,
    op: impl AsyncFnOnce(&rexie::Store) -> Result<T, rexie::Error>,
) -> Result<T, rexie::Error> {
    let db = open().await?;
    let result = async {
        let tx = db.transaction(&[store], mode)?;
        let value = op(&tx.store(store)?).await?;
        tx.done().await?;
        Ok(value)
    }
    .await;
    db.close();
    result
}

/// Keep a new outbox item (its description as JSON, and its photos); its number comes back.
/// Numbers grow, so they give the order items were made in.
pub async fn add_item(meta: &str, photos: &js_sys::Array) -> Option<u32> {
    let object = js_sys::Object::new();
    set(&object, "meta", &meta.into());
    set(&object, "photos", photos);
    with_store(OUTBOX, TransactionMode::ReadWrite, async |s| {
        s.add(&object, None).await
    })
    .await
    .ok()
    .and_then(|k| k.as_f64())
    .map(|k| k as u32)
}

/// Every outbox item's number and description, in the order they were made.
pub async fn items() -> Vec<(u32, String)> {
    let all = with_store(OUTBOX, TransactionMode::ReadOnly, async |s| {
        s.get_all(None, None).await
    })
    .await
    .unwrap_or_default();
    all.iter()
        .filter_map(|o| {
            Some((
                field(o, "id").as_f64()? as u32,
                field(o, "meta").as_string()?,
            ))
        })
        .collect()
}

/// The photos of one item.
pub async fn photos(id: u32) -> Vec<web_sys::Blob> {
    use wasm_bindgen::JsCast;
    let object = with_store(OUTBOX, TransactionMode::ReadOnly, async |s| {
        s.get(id.into()).await
    })
    .await
    .ok()
    .flatten();
    object
        .map(|o| js_sys::Array::from(&field(&o, "photos")))
        .map(|a| a.iter().filter_map(|b| b.dyn_into().ok()).collect())
        .unwrap_or_default()
}

/// Change an item's description (its state), keeping its photos unless `drop_photos` (sent:
/// they are on the server now).
pub async fn update_item(id: u32, meta: &str, drop_photos: bool) -> bool {
    with_store(OUTBOX, TransactionMode::ReadWrite, async |s| {
        let Some(object) = s.get(id.into()).await? else {
            return Ok(false);
        };
        set(&object, "meta", &meta.into());
        if drop_photos {
            set(&object, "photos", &js_sys::Array::new());
        }
        s.put(&object, None).await?;
        Ok(true)
    })
    .await
    .unwrap_or(false)
}

pub async fn remove_item(id: u32) {
    let _ = with_store(OUTBOX, TransactionMode::ReadWrite, async |s| {
        s.delete(id.into()).await
    })
    .await;
}

/// Keep a read copy (JSON) under `name`.
pub async fn keep_copy(name: &str, json: &str) {
    let object = js_sys::Object::new();
    set(&object, "name", &name.into());
    set(&object, "json", &json.into());
    let _ = with_store(COPIES, TransactionMode::ReadWrite, async |s| {
        s.put(&object, None).await
    })
    .await;
}

/// The read copy kept under `name`, if any.
pub async fn copy(name: &str) -> Option<String> {
    with_store(COPIES, TransactionMode::ReadOnly, async |s| {
        s.get(name.into()).await
    })
    .await
    .ok()
    .flatten()
    .and_then(|o| field(&o, "json").as_string())
}

/// Sign-out: the whole database goes (outbox and copies).
pub async fn delete_everything() {
    let _ = Rexie::delete(DATABASE).await;
}
