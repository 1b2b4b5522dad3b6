//! Dragging board cards with a pointer, shared by the boards of every area (the status board,
//! the mediation board). Pointer events only, no HTML5 drag and drop: a native drag makes
//! Chromium cancel the pointer (`pointercancel`), and a native drag cannot show the card under
//! a finger or scroll the board.
//!
//! - Mouse (or pen): pressing a card and moving it a few pixels lifts it.
//! - Touch: a long press lifts it; moving the finger sooner is a scroll, and the press ends.
//!
//! A lifted card is drawn as a copy that follows the pointer (`.drag-ghost`, the card itself
//! stays in place, faded: `.is-drag-source`); near an edge of the board (or of the window) the
//! board scrolls; Escape puts it back. What a drop means is the board's business: it marks
//! drop targets on `over`, and makes the move on `dropped`.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// How long a press lifts a card under a finger, in milliseconds.
const LONG_PRESS_MS: i32 = 450;
/// How far (CSS px) a finger may wander before the press counts as a scroll.
const TOUCH_SLOP: f64 = 10.0;
/// How far (CSS px) a mouse moves with the button down before the card is lifted (less is a
/// click).
const MOUSE_SLOP: f64 = 5.0;
/// The band (CSS px) along an edge where a lifted card scrolls the board.
const EDGE: f64 = 56.0;
/// The fastest scroll, CSS px per frame, with the pointer at the very edge.
const MAX_STEP: f64 = 18.0;

/// What a board does while one of its cards is dragged. Points are client coordinates.
pub struct DragHandlers {
    /// The card `id` was lifted; `touch`: by a finger.
    pub lifted: Box<dyn Fn(i64, bool)>,
    /// The lifted card is over `(x, y)` (after a move, or after the board scrolled under it).
    pub over: Box<dyn Fn(f64, f64, i64)>,
    /// The card was let go at `(x, y)`.
    pub dropped: Box<dyn Fn(i64, f64, f64)>,
    /// The drag was called off (Escape, or the browser cancelled the pointer).
    pub cancelled: Box<dyn Fn(i64)>,
}

/// One press on a card, from pointer down to up.
struct Press {
    pointer_id: i32,
    card: i64,
    touch: bool,
    start: (f64, f64),
    at: (f64, f64),
    lifted: bool,
    timer: Option<i32>,
    ghost: Option<web_sys::HtmlElement>,
    /// The scrolling row of columns the card belongs to.
    scroller: Option<web_sys::Element>,
    frame: Option<i32>,
}

type Listener<E> = Closure<dyn FnMut(E)>;

/// The page-wide listeners of one press (they follow the pointer wherever it goes, even when
/// the board re-renders the card under it).
struct Listeners {
    moved: Listener<web_sys::PointerEvent>,
    up: Listener<web_sys::PointerEvent>,
    cancel: Listener<web_sys::PointerEvent>,
    key: Listener<web_sys::KeyboardEvent>,
}

struct Inner {
    handlers: Rc<DragHandlers>,
    press: Option<Press>,
    listeners: Option<Listeners>,
    /// While a finger holds a lifted card the page must not scroll under it.
    touch_guard: Option<Listener<web_sys::Event>>,
    /// Swallows the click that ends a drag (it would open the card).
    click_guard: Option<Listener<web_sys::MouseEvent>>,
    /// Repeats the edge scroll every frame.
    tick: Option<Closure<dyn FnMut()>>,
}

type Shared = Rc<RefCell<Inner>>;

/// The drag of one board's cards. `Copy`, so event handlers can hold it.
#[derive(Clone, Copy)]
pub struct CardDrag {
    inner: StoredValue<Shared, LocalStorage>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn card_element(id: i64) -> Option<web_sys::Element> {
    window()?
        .document()?
        .query_selector(&format!("[data-card-id='{id}']:not(.drag-ghost)"))
        .ok()
        .flatten()
}

fn root_class(add: bool) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let list = root.class_list();
        let _ = if add {
            list.add_1("is-dragging-card")
        } else {
            list.remove_1("is-dragging-card")
        };
    }
}

/// How far to scroll this frame with the pointer at `pos` in a band `[low, high]`: negative
/// near `low`, positive near `high`, faster the closer to the edge.
fn edge_step(pos: f64, low: f64, high: f64) -> f64 {
    let band = EDGE.min((high - low) / 3.0).max(1.0);
    if pos < low + band {
        -MAX_STEP * ((low + band - pos) / band).min(1.0)
    } else if pos > high - band {
        MAX_STEP * ((pos - (high - band)) / band).min(1.0)
    } else {
        0.0
    }
}

impl CardDrag {
    /// Set up for the current component; everything it adds to the page goes with it.
    pub fn new(handlers: DragHandlers) -> CardDrag {
        let inner: Shared = Rc::new(RefCell::new(Inner {
            handlers: Rc::new(handlers),
            press: None,
            listeners: None,
            touch_guard: None,
            click_guard: None,
            tick: None,
        }));
        // The page does not scroll under a lifted card (the board scrolls itself near the
        // edges instead). Non-passive, so it may cancel the scroll.
        let guard = {
            let weak = Rc::downgrade(&inner);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let lifted = weak.upgrade().is_some_and(|i| {
                    i.try_borrow()
                        .is_ok_and(|i| i.press.as_ref().is_some_and(|p| p.lifted))
                });
                if lifted {
                    ev.prevent_default();
                }
            })
        };
        if let Some(w) = window() {
            let opts = web_sys::AddEventListenerOptions::new();
            opts.set_passive(false);
            let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
                "touchmove",
                guard.as_ref().unchecked_ref(),
                &opts,
            );
        }
        inner.borrow_mut().touch_guard = Some(guard);
        let drag = CardDrag {
            inner: StoredValue::new_local(inner),
        };
        on_cleanup(move || {
            if let Some(inner) = drag.inner.try_get_value() {
                finish(&inner);
                let guard = inner.borrow_mut().touch_guard.take();
                if let (Some(w), Some(g)) = (window(), guard) {
                    let _ = w.remove_event_listener_with_callback(
                        "touchmove",
                        g.as_ref().unchecked_ref(),
                    );
                }
            }
        });
        drag
    }

    /// A pointer went down on card `id`.
    pub fn down(self, ev: &web_sys::PointerEvent, id: i64) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        if inner.borrow().press.is_some() || !ev.is_primary() {
            return;
        }
        let touch = ev.pointer_type() == "touch";
        if !touch && ev.button() != 0 {
            return;
        }
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        let timer = touch.then(|| {
            let weak = Rc::downgrade(&inner);
            let when_held = Closure::once_into_js(move || {
                if let Some(inner) = weak.upgrade() {
                    let due = inner
                        .borrow()
                        .press
                        .as_ref()
                        .is_some_and(|p| p.card == id && !p.lifted);
                    if due {
                        lift(&inner);
                    }
                }
            });
            window()
                .and_then(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        when_held.unchecked_ref(),
                        LONG_PRESS_MS,
                    )
                    .ok()
                })
                .unwrap_or(0)
        });
        inner.borrow_mut().press = Some(Press {
            pointer_id: ev.pointer_id(),
            card: id,
            touch,
            start: (x, y),
            at: (x, y),
            lifted: false,
            timer,
            ghost: None,
            scroller: None,
            frame: None,
        });
        listen(&inner);
    }

    /// A finger is on a card (lifted or not): the long-press menu is not wanted.
    pub fn pressing(self) -> bool {
        self.inner
            .try_with_value(|i| i.borrow().press.as_ref().is_some_and(|p| p.touch))
            .unwrap_or(false)
    }
}

/// The board's handlers, held apart from the state so they may call back into it.
fn handlers(inner: &Shared) -> Rc<DragHandlers> {
    inner.borrow().handlers.clone()
}

/// Follow the pointer page-wide until it is let go.
fn listen(inner: &Shared) {
    let Some(w) = window() else {
        return;
    };
    let pointer = |f: fn(&Shared, web_sys::PointerEvent)| {
        let weak = Rc::downgrade(inner);
        Closure::<dyn FnMut(web_sys::PointerEvent)>::new(move |ev: web_sys::PointerEvent| {
            if let Some(inner) = weak.upgrade() {
                let ours = inner
                    .borrow()
                    .press
                    .as_ref()
                    .is_some_and(|p| p.pointer_id == ev.pointer_id());
                if ours {
                    f(&inner, ev);
                }
            }
        })
    };
    let moved = pointer(on_move);
    let up = pointer(on_up);
    let cancelled = pointer(|inner, _| cancel(inner));
    let key = {
        let weak = Rc::downgrade(inner);
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            if ev.key() != "Escape" {
                return;
            }
            if let Some(inner) = weak.upgrade() {
                let lifted = inner.borrow().press.as_ref().is_some_and(|p| p.lifted);
                if lifted {
                    ev.prevent_default();
                    ev.stop_propagation();
                }
                cancel(&inner);
            }
        })
    };
    let _ = w.add_event_listener_with_callback("pointermove", moved.as_ref().unchecked_ref());
    let _ = w.add_event_listener_with_callback("pointerup", up.as_ref().unchecked_ref());
    let _ = w.add_event_listener_with_callback("pointercancel", cancelled.as_ref().unchecked_ref());
    let _ =
        w.add_event_listener_with_callback_and_bool("keydown", key.as_ref().unchecked_ref(), true);
    inner.borrow_mut().listeners = Some(Listeners {
        moved,
        up,
        cancel: cancelled,
        key,
    });
}

fn on_move(inner: &Shared, ev: web_sys::PointerEvent) {
    let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
    let (lifted, touch, start) = {
        let mut i = inner.borrow_mut();
        let Some(p) = i.press.as_mut() else {
            return;
        };
        p.at = (x, y);
        (p.lifted, p.touch, p.start)
    };
    if !lifted {
        let far = |slop: f64| (x - start.0).abs() > slop || (y - start.1).abs() > slop;
        if touch {
            // Moving before the long press completes: a scroll.
            if far(TOUCH_SLOP) {
                finish(inner);
            }
        } else if far(MOUSE_SLOP) {
            ev.prevent_default();
            lift(inner);
        }
        return;
    }
    ev.prevent_default();
    follow(inner);
}

fn on_up(inner: &Shared, ev: web_sys::PointerEvent) {
    let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
    let dropped = {
        let i = inner.borrow();
        i.press.as_ref().filter(|p| p.lifted).map(|p| p.card)
    };
    finish(inner);
    if let Some(id) = dropped {
        ev.prevent_default();
        swallow_next_click(inner);
        (handlers(inner).dropped)(id, x, y);
    }
}

fn cancel(inner: &Shared) {
    let lifted = inner
        .borrow()
        .press
        .as_ref()
        .filter(|p| p.lifted)
        .map(|p| p.card);
    finish(inner);
    if let Some(id) = lifted {
        (handlers(inner).cancelled)(id);
    }
}

/// Lift the pressed card: a copy follows the pointer, the card itself fades in place.
fn lift(inner: &Shared) {
    let (id, touch) = {
        let mut i = inner.borrow_mut();
        let Some(p) = i.press.as_mut() else {
            return;
        };
        p.lifted = true;
        p.timer = None;
        let source = card_element(p.card);
        if let Some(el) = &source {
            let r = el.get_bounding_client_rect();
            if let Some(copy) = el
                .clone_node_with_deep(true)
                .ok()
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = copy.class_list().add_2("drag-ghost", "is-lifted");
                let _ = copy.remove_attribute("data-testid");
                let _ = copy.remove_attribute("tabindex");
                let _ = copy.remove_attribute("id");
                let _ = copy.set_attribute("aria-hidden", "true");
                let style = copy.style();
                let _ = style.set_property("width", &format!("{}px", r.width()));
                let _ = style.set_property("left", &format!("{}px", r.left()));
                let _ = style.set_property("top", &format!("{}px", r.top()));
                if let Some(body) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
                    let _ = body.append_child(&copy);
                }
                p.ghost = Some(copy);
            }
            let _ = el.class_list().add_1("is-drag-source");
            p.scroller = el.closest(".board-columns").ok().flatten();
        }
        (p.card, p.touch)
    };
    root_class(true);
    // A press that started selecting text does not leave a selection behind.
    if let Some(sel) = window().and_then(|w| w.get_selection().ok().flatten()) {
        let _ = sel.remove_all_ranges();
    }
    (handlers(inner).lifted)(id, touch);
    follow(inner);
}

/// Put the copy under the pointer, mark the target, and scroll near the edges.
fn follow(inner: &Shared) {
    let (id, at, scrolling) = {
        let i = inner.borrow();
        let Some(p) = i.press.as_ref() else {
            return;
        };
        if let Some(g) = &p.ghost {
            let _ = g.style().set_property(
                "transform",
                &format!(
                    "translate({}px, {}px)",
                    p.at.0 - p.start.0,
                    p.at.1 - p.start.1
                ),
            );
        }
        (p.card, p.at, p.frame.is_some())
    };
    (handlers(inner).over)(at.0, at.1, id);
    if !scrolling && scroll_step(inner) != (0.0, 0.0) {
        schedule(inner);
    }
}

/// How far the board (x) and the window (y) should scroll this frame.
fn scroll_step(inner: &Shared) -> (f64, f64) {
    let i = inner.borrow();
    let Some(p) = i.press.as_ref().filter(|p| p.lifted) else {
        return (0.0, 0.0);
    };
    let Some(w) = window() else {
        return (0.0, 0.0);
    };
    let vw = w.inner_width().ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let vh = w
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let dx = p
        .scroller
        .as_ref()
        .filter(|s| s.scroll_width() > s.client_width())
        .map(|s| {
            let r = s.get_bounding_client_rect();
            let step = edge_step(p.at.0, r.left().max(0.0), r.right().min(vw));
            let max = (s.scroll_width() - s.client_width()) as f64;
            let left = s.scroll_left() as f64;
            if (step < 0.0 && left <= 0.0) || (step > 0.0 && left >= max - 1.0) {
                0.0
            } else {
                step
            }
        })
        .unwrap_or(0.0);
    let dy = {
        let step = edge_step(p.at.1, 0.0, vh);
        let top = w.scroll_y().unwrap_or(0.0);
        let max = w
            .document()
            .and_then(|d| d.document_element())
            .map(|e| (e.scroll_height() as f64 - vh).max(0.0))
            .unwrap_or(0.0);
        if (step < 0.0 && top <= 0.0) || (step > 0.0 && top >= max - 1.0) {
            0.0
        } else {
            step
        }
    };
    (dx, dy)
}

/// Scroll one step next frame, and again while the pointer stays near an edge.
fn schedule(inner: &Shared) {
    let weak = Rc::downgrade(inner);
    if inner.borrow().tick.is_none() {
        let tick = Closure::<dyn FnMut()>::new(move || {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if let Some(p) = inner.borrow_mut().press.as_mut() {
                p.frame = None;
            }
            let (dx, dy) = scroll_step(&inner);
            if (dx, dy) == (0.0, 0.0) {
                return;
            }
            if dx != 0.0
                && let Some(s) = inner
                    .borrow()
                    .press
                    .as_ref()
                    .and_then(|p| p.scroller.clone())
            {
                s.set_scroll_left(s.scroll_left() + dx.round() as i32);
            }
            if dy != 0.0
                && let Some(w) = window()
            {
                w.scroll_by_with_x_and_y(0.0, dy.round());
            }
            // The board moved under the pointer: the target may have changed.
            let (id, at) = match inner.borrow().press.as_ref() {
                Some(p) => (p.card, p.at),
                None => return,
            };
            (handlers(&inner).over)(at.0, at.1, id);
            schedule(&inner);
        });
        inner.borrow_mut().tick = Some(tick);
    }
    let frame = {
        let i = inner.borrow();
        let Some(tick) = i.tick.as_ref() else {
            return;
        };
        window().and_then(|w| {
            w.request_animation_frame(tick.as_ref().unchecked_ref())
                .ok()
        })
    };
    if let Some(p) = inner.borrow_mut().press.as_mut() {
        p.frame = frame;
    }
}

/// The click that ends a drag is not a click on the card (it would open it).
fn swallow_next_click(inner: &Shared) {
    let Some(w) = window() else {
        return;
    };
    let guard = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        ev.prevent_default();
        ev.stop_propagation();
    });
    let _ =
        w.add_event_listener_with_callback_and_bool("click", guard.as_ref().unchecked_ref(), true);
    if let Some(old) = inner.borrow_mut().click_guard.replace(guard) {
        let _ = w.remove_event_listener_with_callback_and_bool(
            "click",
            old.as_ref().unchecked_ref(),
            true,
        );
    }
    // The click, if any, comes with the pointer-up; anything later is a new click.
    let weak = Rc::downgrade(inner);
    let done = Closure::once_into_js(move || {
        if let (Some(inner), Some(w)) = (weak.upgrade(), window())
            && let Some(g) = inner.borrow_mut().click_guard.take()
        {
            let _ = w.remove_event_listener_with_callback_and_bool(
                "click",
                g.as_ref().unchecked_ref(),
                true,
            );
        }
    });
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(done.unchecked_ref(), 0);
}

/// Forget the press: timers, listeners, the copy, the marks on the page.
fn finish(inner: &Shared) {
    let (press, listeners) = {
        let mut i = inner.borrow_mut();
        (i.press.take(), i.listeners.take())
    };
    let w = window();
    if let Some(p) = press {
        if let Some(w) = &w {
            if let Some(t) = p.timer {
                w.clear_timeout_with_handle(t);
            }
            if let Some(f) = p.frame {
                let _ = w.cancel_animation_frame(f);
            }
        }
        if let Some(g) = p.ghost {
            g.remove();
        }
        if p.lifted {
            if let Some(el) = card_element(p.card) {
                let _ = el.class_list().remove_1("is-drag-source");
            }
            root_class(false);
        }
    }
    if let (Some(w), Some(l)) = (w, listeners) {
        let _ =
            w.remove_event_listener_with_callback("pointermove", l.moved.as_ref().unchecked_ref());
        let _ = w.remove_event_listener_with_callback("pointerup", l.up.as_ref().unchecked_ref());
        let _ = w.remove_event_listener_with_callback(
            "pointercancel",
            l.cancel.as_ref().unchecked_ref(),
        );
        let _ = w.remove_event_listener_with_callback_and_bool(
            "keydown",
            l.key.as_ref().unchecked_ref(),
            true,
        );
    }
}

/// Whether the main pointer is a finger (a phone or tablet): boards then explain the long
/// press instead of the mouse and the keys.
pub fn touch_screen() -> bool {
    window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The element of a given kind under a point, e.g. the column list a pointer is over.
pub fn element_at(x: f64, y: f64, selector: &str) -> Option<web_sys::Element> {
    window()?
        .document()?
        .element_from_point(x as f32, y as f32)?
        .closest(selector)
        .ok()?
}

// ---- the keyboard: the same keys on every board ----

/// What a key does to a board's card. The same keys on every board: Space lifts a card,
/// ← → choose its column, ↑ ↓ its place in the column (on boards that keep an order), Space or
/// Enter put it down, Escape puts it back; Enter on a card at rest opens it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardKey {
    Lift,
    Open,
    Drop,
    Cancel,
    Left,
    Right,
    Up,
    Down,
}

impl CardKey {
    /// What `key` (`KeyboardEvent.key`) means for a card that is lifted, or at rest.
    pub fn of(key: &str, lifted: bool) -> Option<CardKey> {
        match (key, lifted) {
            (" " | "Spacebar", false) => Some(CardKey::Lift),
            ("Enter", false) => Some(CardKey::Open),
            (" " | "Spacebar" | "Enter", true) => Some(CardKey::Drop),
            ("Escape", true) => Some(CardKey::Cancel),
            ("ArrowLeft", true) => Some(CardKey::Left),
            ("ArrowRight", true) => Some(CardKey::Right),
            ("ArrowUp", true) => Some(CardKey::Up),
            ("ArrowDown", true) => Some(CardKey::Down),
            _ => None,
        }
    }

    /// The column a lifted card goes to on ← or →, staying on a board of `columns` columns.
    pub fn column(self, col: usize, columns: usize) -> usize {
        match self {
            CardKey::Left => col.saturating_sub(1),
            CardKey::Right => (col + 1).min(columns.saturating_sub(1)),
            _ => col,
        }
    }
}

/// Open a card as a click on its own link would, so the router handles it.
pub fn open_card(id: i64) {
    if let Some(a) = window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("[data-card-id='{id}'] a"))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        a.click();
    }
}

/// Move the keyboard focus to the card `[data-card-id=id]` once the page has re-rendered.
pub fn focus_card(id: i64) {
    request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(&format!("[data-card-id='{id}']"))
                    .ok()
                    .flatten()
            })
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Remove the drop marks (`drop-before`, `drop-into`) a drag left on the page.
pub fn clear_drop_marks() {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(list) = doc.query_selector_all(".drop-before, .drop-into") {
            for i in 0..list.length() {
                if let Some(el) = list
                    .item(i)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                {
                    let _ = el.class_list().remove_2("drop-before", "drop-into");
                }
            }
        }
    }
}

/// The card under the pointer in a list (the first `[data-card-id]` whose middle is below
/// `y`), skipping the card being moved.
pub fn card_below(list: &web_sys::Element, y: f64, skip: Option<i64>) -> Option<web_sys::Element> {
    let nodes = list.query_selector_all("[data-card-id]").ok()?;
    for i in 0..nodes.length() {
        let el: web_sys::Element = wasm_bindgen::JsCast::dyn_into(nodes.item(i)?).ok()?;
        let id: Option<i64> = el
            .get_attribute("data-card-id")
            .and_then(|s| s.parse().ok());
        if id == skip {
            continue;
        }
        let r = el.get_bounding_client_rect();
        if y < r.top() + r.height() / 2.0 {
            return Some(el);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_scrolls_only_near_its_edges_and_faster_closer_in() {
        assert_eq!(edge_step(500.0, 0.0, 1000.0), 0.0);
        assert!(edge_step(10.0, 0.0, 1000.0) < 0.0);
        assert!(edge_step(990.0, 0.0, 1000.0) > 0.0);
        assert!(edge_step(1.0, 0.0, 1000.0) < edge_step(40.0, 0.0, 1000.0));
        assert_eq!(edge_step(-50.0, 0.0, 1000.0), -MAX_STEP);
        assert_eq!(edge_step(2000.0, 0.0, 1000.0), MAX_STEP);
    }

    #[test]
    fn the_keys_of_a_card_depend_on_whether_it_is_lifted() {
        assert_eq!(CardKey::of(" ", false), Some(CardKey::Lift));
        assert_eq!(CardKey::of("Enter", false), Some(CardKey::Open));
        assert_eq!(CardKey::of(" ", true), Some(CardKey::Drop));
        assert_eq!(CardKey::of("Enter", true), Some(CardKey::Drop));
        assert_eq!(CardKey::of("Escape", true), Some(CardKey::Cancel));
        assert_eq!(CardKey::of("Escape", false), None);
        assert_eq!(CardKey::of("ArrowLeft", false), None);
        assert_eq!(CardKey::of("ArrowDown", true), Some(CardKey::Down));
        assert_eq!(CardKey::Left.column(0, 5), 0);
        assert_eq!(CardKey::Right.column(4, 5), 4);
        assert_eq!(CardKey::Right.column(1, 5), 2);
    }
}
