//! Touch dragging of board cards, shared by the boards of every area (the status board, the
//! mediation board): a long press lifts the card (`is-lifted`), moving the finger drags it,
//! lifting the finger drops it. Moving before the press completes is a scroll, not a drag;
//! while a card is lifted the page does not scroll under the finger. What a drop means is the
//! board's business: it marks drop targets on `over` and makes the move on the drop.

use leptos::prelude::*;

/// How long a press lifts a card, in milliseconds.
const LONG_PRESS_MS: i32 = 450;
/// How far (CSS px) a finger may wander before the press counts as a scroll.
const SLOP: f64 = 10.0;

#[derive(Clone, Copy)]
struct Press {
    id: i64,
    x: f64,
    y: f64,
    active: bool,
    timer: i32,
}

/// A finger on a card, for one board. `Copy`, so event handlers can hold it.
#[derive(Clone, Copy)]
pub struct TouchDrag {
    press: StoredValue<Option<Press>>,
}

fn card_element(id: i64) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("[data-card-id='{id}']"))
        .ok()
        .flatten()
}

impl TouchDrag {
    /// Set up for the current component; the page-wide scroll guard goes with it.
    pub fn new() -> TouchDrag {
        let press = StoredValue::new(None::<Press>);
        use wasm_bindgen::JsCast;
        let stop = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |ev: web_sys::Event| {
                if press
                    .try_with_value(|p| p.as_ref().is_some_and(|p| p.active))
                    .unwrap_or(false)
                {
                    ev.prevent_default();
                }
            },
        );
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_passive(false);
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
                "touchmove",
                stop.as_ref().unchecked_ref(),
                &opts,
            );
        }
        let held = StoredValue::new_local(Some(stop));
        on_cleanup(move || {
            if let Some(Some(stop)) = held.try_update_value(Option::take)
                && let Some(w) = web_sys::window()
            {
                let _ = w.remove_event_listener_with_callback(
                    "touchmove",
                    stop.as_ref().unchecked_ref(),
                );
            }
        });
        TouchDrag { press }
    }

    /// A finger is on a card (or a finger is not, and this is a mouse: nothing happens).
    /// `lifted` runs when the long press completes.
    pub fn down(self, ev: &web_sys::PointerEvent, id: i64, lifted: impl FnOnce(i64) + 'static) {
        if ev.pointer_type() != "touch" {
            return;
        }
        let press = self.press;
        let lift = wasm_bindgen::closure::Closure::once_into_js(move || {
            let still = press.with_value(|p| p.as_ref().is_some_and(|p| p.id == id && !p.active));
            if !still {
                return;
            }
            press.update_value(|p| {
                if let Some(p) = p {
                    p.active = true
                }
            });
            if let Some(el) = card_element(id) {
                let _ = el.class_list().add_1("is-lifted");
            }
            lifted(id);
        });
        let timer = web_sys::window()
            .and_then(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    wasm_bindgen::JsCast::unchecked_ref(&lift),
                    LONG_PRESS_MS,
                )
                .ok()
            })
            .unwrap_or(0);
        press.set_value(Some(Press {
            id,
            x: ev.client_x() as f64,
            y: ev.client_y() as f64,
            active: false,
            timer,
        }));
    }

    /// Forget the press (and put a lifted card down where it was).
    pub fn end(self) {
        if let Some(p) = self.press.get_value() {
            if let Some(w) = web_sys::window() {
                w.clear_timeout_with_handle(p.timer);
            }
            if p.active
                && let Some(el) = card_element(p.id)
            {
                let _ = el.class_list().remove_1("is-lifted");
            }
        }
        self.press.set_value(None);
    }

    /// The finger moved: before the lift, a scroll (the press ends); after it, `over(x, y,
    /// card id)` marks where the card would land.
    pub fn moved(self, ev: &web_sys::PointerEvent, over: impl FnOnce(f64, f64, i64)) {
        let Some(p) = self.press.get_value() else {
            return;
        };
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        if !p.active {
            if (x - p.x).abs() > SLOP || (y - p.y).abs() > SLOP {
                self.end();
            }
            return;
        }
        ev.prevent_default();
        over(x, y, p.id);
    }

    /// The finger lifted: the card and the point it was dropped at, if a card was lifted.
    pub fn up(self, ev: &web_sys::PointerEvent) -> Option<(i64, f64, f64)> {
        let p = self.press.get_value()?;
        self.end();
        if !p.active {
            return None;
        }
        ev.prevent_default();
        Some((p.id, ev.client_x() as f64, ev.client_y() as f64))
    }

    /// A finger is on a card (lifted or not): the long-press menu is not wanted.
    pub fn pressing(self) -> bool {
        self.press.with_value(Option::is_some)
    }
}

/// The element of a given kind under a point, e.g. the column list a finger is over.
pub fn element_at(x: f64, y: f64, selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .element_from_point(x as f32, y as f32)?
        .closest(selector)
        .ok()?
}
