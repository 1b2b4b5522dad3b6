//! A live board in the browser: one EventSource on a board's stream (`/api/v1/live`,
//! `/api/v1/mediation/live`, `/api/v1/council/live`), its changes decoded, `resync` handled,
//! and the stream closed with the page that opened it. The browser reconnects by itself and
//! resumes with `Last-Event-ID`.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// An open stream and its listeners (they must live as long as the stream).
pub struct LiveEvents {
    source: web_sys::EventSource,
    listeners: Vec<Listener>,
}

impl LiveEvents {
    /// Open `url`; each `event` is decoded as `C` and handed to `on_change` (events that do not
    /// decode are ignored); `resync` — the board fell too far behind — calls `on_resync`.
    pub fn open<C: DeserializeOwned + 'static>(
        url: &str,
        event: &str,
        on_change: impl Fn(C) + 'static,
        on_resync: impl Fn() + 'static,
    ) -> Option<LiveEvents> {
        let source = web_sys::EventSource::new(url).ok()?;
        let mut live = LiveEvents {
            source,
            listeners: Vec::new(),
        };
        live.listen(event, move |ev| {
            let change = ev
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .and_then(|text| serde_json::from_str::<C>(&text).ok());
            if let Some(change) = change {
                on_change(change);
            }
        });
        live.listen("resync", move |_| on_resync());
        Some(live)
    }

    /// Also call `f` every time the stream opens or reopens (for a board that read itself
    /// without a cursor to resume from).
    pub fn on_open(mut self, f: impl Fn() + 'static) -> LiveEvents {
        self.listen("open", move |_| f());
        self
    }

    fn listen(&mut self, event: &str, f: impl Fn(&web_sys::Event) + 'static) {
        let listener = Listener::new(move |ev: web_sys::Event| f(&ev));
        let _ = self
            .source
            .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        self.listeners.push(listener);
    }
}

/// A place for the page's stream: it belongs to the page (not to the effect that opens it)
/// and is closed when the page goes.
pub fn page_stream() -> StoredValue<Option<LiveEvents>, LocalStorage> {
    let live = StoredValue::new_local(None::<LiveEvents>);
    on_cleanup(move || {
        live.update_value(|l| {
            if let Some(l) = l.take() {
                l.source.close();
            }
        })
    });
    live
}
