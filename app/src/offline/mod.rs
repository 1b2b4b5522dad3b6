//! Field work without signal (issue 18), the app's side so far: the service worker that keeps
//! the app shell (registered here; `app/sw.js`), whether the browser is online, the signed-in
//! user remembered so the app opens offline, the "新版本可用，点击更新" prompt, idempotency keys
//! for writes, and forgetting all of it at sign-out. The outbox of writes made without signal
//! is `outbox` (its page `page`), the read copies for field work `copies`, both kept in
//! IndexedDB by `store`.

pub mod copies;
pub mod outbox;
pub mod page;
mod store;

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::accounts::Principal;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::{Key, use_i18n};

/// The signed-in user, kept for starting offline: name, roles and grids only (no personal
/// data of anyone else, nothing sensitive).
const PRINCIPAL_KEY: &str = "linju.principal";

/// What the shell shows about the connection and the app's version.
#[derive(Clone, Copy)]
pub struct Offline {
    /// The browser says it has a connection (`navigator.onLine` and its events).
    pub online: RwSignal<bool>,
    /// A new version of the app is installed and waits for the user's word.
    pub update_ready: RwSignal<bool>,
}

thread_local! {
    static REGISTRATION: RefCell<Option<web_sys::ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// The user asked for the new version: reload when it takes over (and only then).
    static UPDATING: Cell<bool> = const { Cell::new(false) };
}

impl Offline {
    pub fn provide() -> Offline {
        let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
        let offline = Offline {
            online: RwSignal::new(online),
            update_ready: RwSignal::new(false),
        };
        provide_context(offline);
        let online = offline.online;
        // Listeners for the app's whole life: their handles are not needed to remove them.
        let _ = window_event_listener(leptos::ev::online, move |_| {
            online.set(true);
            // Back in signal: what waits in the outbox goes now.
            spawn_local(outbox::drain(true));
            // Back in signal (or back in the app): a good moment to look for a new version.
            check_for_update();
        });
        let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        let _ = window_event_listener(leptos::ev::focus, move |_| check_for_update());
        register(offline.update_ready);
        outbox::provide();
        offline
    }
}

pub fn use_offline() -> Offline {
    expect_context::<Offline>()
}

/// Register `/sw.js` and watch for a new version waiting behind the one in charge.
fn register(update_ready: RwSignal<bool>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Only secure origins (https, localhost) have service workers.
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let container = navigator.service_worker();
    let on_takeover = Closure::<dyn FnMut()>::new(move || {
        if UPDATING.get() {
            reload();
        }
    });
    let _ = container
        .add_event_listener_with_callback("controllerchange", on_takeover.as_ref().unchecked_ref());
    on_takeover.forget();
    let registering = container.register("/sw.js");
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(registering).await else {
            return;
        };
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        // A first install has no worker in charge yet: nothing to update from.
        let has_controller = || {
            web_sys::window()
                .and_then(|w| w.navigator().service_worker().controller())
                .is_some()
        };
        if registration.waiting().is_some() && has_controller() {
            update_ready.set(true);
        }
        let watched = registration.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(worker) = watched.installing() else {
                return;
            };
            let installing = worker.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if installing.state() == web_sys::ServiceWorkerState::Installed && has_controller()
                {
                    update_ready.set(true);
                }
            });
            let _ = worker
                .add_event_listener_with_callback("statechange", on_state.as_ref().unchecked_ref());
            on_state.forget();
        });
        let _ = registration
            .add_event_listener_with_callback("updatefound", on_found.as_ref().unchecked_ref());
        on_found.forget();
        REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    });
}

/// Ask the server whether there is a new version (the browser compares `/sw.js`).
fn check_for_update() {
    let Some(Ok(checking)) = REGISTRATION.with(|r| r.borrow().as_ref().map(|r| r.update())) else {
        return;
    };
    // Offline the check fails; that is no news.
    spawn_local(async move {
        let _ = JsFuture::from(checking).await;
    });
}

/// Let the waiting version take over; the page reloads when it has.
fn apply_update() {
    UPDATING.set(true);
    match REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting())) {
        Some(waiting) => {
            let _ = waiting.post_message(&"skip-waiting".into());
        }
        None => reload(),
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Keep the signed-in user for starting without a connection.
pub fn remember(principal: &Principal) {
    if let (Some(storage), Ok(json)) = (crate::i18n::storage(), serde_json::to_string(principal)) {
        let _ = storage.set_item(PRINCIPAL_KEY, &json);
    }
}

/// The user last signed in on this browser, for an offline start.
pub fn remembered() -> Option<Principal> {
    let json = crate::i18n::storage()?.get_item(PRINCIPAL_KEY).ok()??;
    serde_json::from_str(&json).ok()
}

/// Forget the remembered user (signed out, or the session ended).
pub fn forget_user() {
    if let Some(storage) = crate::i18n::storage() {
        let _ = storage.remove_item(PRINCIPAL_KEY);
    }
}

/// Whether the browser says it has a connection.
pub fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Sign-out: forget the remembered user, delete the outbox and the read copies (IndexedDB) and
/// empty every cache this app keeps.
pub async fn forget_everything() {
    forget_user();
    store::delete_everything().await;
    outbox::forget();
    let Some(Ok(caches)) = web_sys::window().map(|w| w.caches()) else {
        return;
    };
    let Ok(names) = JsFuture::from(caches.keys()).await else {
        return;
    };
    for name in js_sys::Array::from(&names).iter() {
        if let Some(name) = name.as_string() {
            let _ = JsFuture::from(caches.delete(&name)).await;
        }
    }
}

/// Wait `ms` milliseconds.
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A new idempotency key (a random UUID) for one submission.
pub fn new_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            format!(
                "{:x}{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e15) as u64
            )
        })
}

/// The line under the header: offline, and a new version to take. Shown only when there is
/// something to say.
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let i18n = use_i18n();
    let offline = use_offline();
    let unsent = outbox::use_outbox().waiting();
    view! {
        <Show when=move || { unsent.get() > 0 }>
            <p class="connection-banner is-outbox" role="status">
                <a href="/outbox" data-testid="outbox-link">
                    {move || i18n.fmt(Key::OutboxCount, &[("n", &unsent.get().to_string())])}
                </a>
            </p>
        </Show>
        <Show when=move || !offline.online.get()>
            <p class="connection-banner is-offline" role="status" data-testid="offline-banner">
                <strong>{move || i18n.t(Key::OfflineTitle)}</strong>" "
                {move || i18n.t(Key::OfflineBody)}
            </p>
        </Show>
        <Show when=move || offline.update_ready.get()>
            <p class="connection-banner is-update" role="status">
                <button type="button" class="button button-primary" data-testid="update-app"
                    on:click=move |_| apply_update()>
                    {move || i18n.t(Key::UpdateReady)}
                </button>
            </p>
        </Show>
    }
}
