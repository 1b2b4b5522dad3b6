//! The status board: a column per stage (`Stage::BOARD`), cards in order, the header
//! figures, filters saved per user, swimlanes, WIP limits, and moving cards with the mouse
//! or the keyboard. A drop between columns is the lifecycle's `action_between(from, to)` and
//! is offered only when `check_move` allows it for this user; the server decides in the end.
//! Other people's changes arrive over the live stream (SSE) without a reload.

mod figures;
mod filters;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::accounts::Principal;
use shared::board::{Board, Card, LiveChange};
use shared::cases::{
    Action, CaseMeta, CaseRelation, CaseView, MoveCase, MoveRefusal, Needs, Reorder, Stage,
    action_between, check_move,
};
use shared::error::ErrorCode;
use shared::i18n::Lang;

use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::cases::{
    MoveDialog, category_label, category_name, deadline_text, fmt_span, stage_slug,
};
use crate::clock::now;
use crate::drag::{CardKey, card_below, clear_drop_marks, focus_card, open_card};
use crate::i18n::{Key, Said, set_title, use_i18n};
use crate::live::LiveEvents;
use crate::ui::{ErrorBox, Loading};
use figures::Figures;
use filters::{FilterBar, Filters, Lanes};

const SETTINGS_KEY: &str = shared::board::BOARD_FILTERS_SETTING;

/// A rate as a whole percentage, "—" when there is nothing to divide by.
pub fn fmt_rate(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_finite() => format!("{}%", (r * 100.0).round() as i64),
        _ => "—".into(),
    }
}

/// Where a dropped card lands: after which card and before which, in a column's order
/// (`ids`, without the moving card). `before`: the card it was dropped on; none: at the end
/// of the cell, i.e. after `cell_last` (or the column's last card).
pub fn neighbours(
    ids: &[i64],
    before: Option<i64>,
    cell_last: Option<i64>,
) -> (Option<i64>, Option<i64>) {
    match before {
        Some(b) => {
            let pos = ids.iter().position(|x| *x == b);
            (pos.and_then(|p| p.checked_sub(1)).map(|p| ids[p]), Some(b))
        }
        None => {
            let after = cell_last.or(ids.last().copied());
            let next = after
                .and_then(|a| ids.iter().position(|x| *x == a))
                .and_then(|p| ids.get(p + 1).copied());
            (after, next)
        }
    }
}

/// Whether the user works the status board (the shared permission table's `WorkCases`).
pub fn may_use_board(p: &Principal) -> bool {
    p.may(shared::accounts::Permission::WorkCases)
}

/// The actor's relation to a card, as far as the board knows it (the server knows the rest).
fn relation(p: &Principal, card: &Card) -> CaseRelation {
    CaseRelation {
        is_assignee: card.case.assignee_id == Some(p.user_id),
        in_own_grid: card.case.grid_id.is_some_and(|g| p.grid_ids.contains(&g)),
        ..CaseRelation::default()
    }
}

/// A card being moved with the keyboard: where it is now (column, position).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pick {
    id: i64,
    col: usize,
    idx: usize,
}

/// A move waiting for the input it needs.
#[derive(Clone, Debug)]
struct Pending {
    card: Card,
    action: Action,
    after_id: Option<i64>,
    before_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
struct Message {
    error: bool,
    said: Said,
}

fn column_index(stage: Stage) -> Option<usize> {
    Stage::BOARD.iter().position(|s| *s == stage)
}

/// How far each row of columns on the page is scrolled sideways.
fn row_scroll() -> Vec<i32> {
    let mut out = Vec::new();
    if let Some(list) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all(".board-page .board-columns").ok())
    {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                out.push(el.scroll_left());
            }
        }
    }
    out
}

/// Scroll the rows of columns back to `row_scroll`'s answer once the page has re-rendered.
fn restore_row_scroll(scrolled: Vec<i32>) {
    if scrolled.iter().all(|x| *x == 0) {
        return;
    }
    request_animation_frame(move || {
        if let Some(list) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all(".board-page .board-columns").ok())
        {
            for (i, x) in scrolled.into_iter().enumerate() {
                if let Some(el) = list
                    .item(i as u32)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                {
                    el.set_scroll_left(x);
                }
            }
        }
    });
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| set_title(i18n.t(Key::BoardTitle), i18n.get()));
    move || {
        session.principal().map(|p| {
            if may_use_board(&p) {
                view! { <BoardView principal=p/> }.into_any()
            } else {
                view! { <div class="alert alert-info" role="status" data-testid="forbidden"><p>{move || i18n.t(Key::NoPermission)}</p></div> }.into_any()
            }
        })
    }
}

#[component]
fn BoardView(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    let me = StoredValue::new(principal.clone());
    let meta = LocalResource::new(api::case_meta);
    let grids = LocalResource::new(api::grids);
    let people = LocalResource::new(|| api::assignees(None));
    let filters = RwSignal::new(Filters::default());
    let filters_open = RwSignal::new(false);
    let settings_loaded = RwSignal::new(false);
    let board = RwSignal::new(None::<Result<Board, ApiError>>);
    let picked = RwSignal::new(None::<Pick>);
    let pending = RwSignal::new(None::<Pending>);
    let message = RwSignal::new(None::<Message>);
    // What was said last, kept as a key and values: both follow a switch of language.
    let live_text = RwSignal::new(None::<Said>);
    let last_move = RwSignal::new(None::<(i64, i64)>);
    let generation = StoredValue::new(0u64);
    let live_started = StoredValue::new(false);
    // The live stream belongs to the page, not to the effect that opens it.
    let live = crate::live::page_stream();
    let touch_screen = crate::drag::touch_screen();

    let say = move |said: Said| live_text.set(Some(said));
    let tell = move |error: bool, said: Said| {
        live_text.set(Some(said.clone()));
        message.set(Some(Message { error, said }));
    };

    // Load (or reload) the board under the current filters; stale answers are dropped.
    let reload = move || {
        let q = filters.with_untracked(Filters::query);
        let gen_now = generation.with_value(|g| g + 1);
        generation.set_value(gen_now);
        spawn_local(async move {
            let r = api::board(&q).await;
            if generation.get_value() == gen_now {
                // Re-rendering replaces the cards: keep the keyboard focus on the same card.
                let focused = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.get_attribute("data-card-id"))
                    .and_then(|s| s.parse::<i64>().ok());
                // …and each row of columns where it was scrolled to (a phone shows one column
                // at a time; a live update must not jump back to the first).
                let scrolled = row_scroll();
                board.set(Some(r));
                restore_row_scroll(scrolled);
                if let Some(id) = focused {
                    focus_card(id);
                }
            }
        });
    };

    // Saved filters first, then the board; a link naming a grid (from the map) narrows to it.
    let linked_grid: Option<i64> = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("grid_id")
        .and_then(|g| g.parse().ok());
    spawn_local(async move {
        if let Ok(Some(f)) = api::setting::<Filters>(SETTINGS_KEY).await {
            filters.set(f);
        }
        if let Some(g) = linked_grid {
            filters.update(|f| f.grid_id = Some(g));
        }
        settings_loaded.set(true);
    });
    Effect::new(move |_| {
        if settings_loaded.get() {
            filters.with(|_| ());
            reload();
        }
    });
    // Every change of the filters is saved for next time.
    let set_filters = Callback::new(move |f: Filters| {
        filters.set(f.clone());
        spawn_local(async move {
            let _ = api::save_setting(SETTINGS_KEY, &f).await;
        });
    });

    // Live: other people's moves appear without a reload.
    Effect::new(move |_| {
        let Some(Ok(cursor)) = board.with(|b| {
            b.as_ref()
                .map(|b| b.as_ref().map(|b| b.cursor).map_err(|_| ()))
        }) else {
            return;
        };
        if live_started.get_value() {
            return;
        }
        live_started.set_value(true);
        live.set_value(start_live(cursor, board, filters, reload));
    });

    // Ctrl+Z: undo my last move.
    let undo = move || {
        let Some((id, version)) = last_move.get_untracked() else {
            tell(false, Said::new(Key::NothingToUndo));
            return;
        };
        spawn_local(async move {
            match api::undo_case(id, version).await {
                Ok(v) => {
                    last_move.set(None);
                    tell(
                        false,
                        Said::new(Key::UndoneTo)
                            .data("title", v.summary.title.clone())
                            .text("stage", v.summary.stage.text()),
                    );
                    reload();
                    focus_card(id);
                }
                Err(e) => {
                    tell(true, Said::new(Key::ServerSays).error("reason", &e));
                    reload();
                }
            }
        });
    };
    let key_handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && !ev.shift_key() && ev.key().eq_ignore_ascii_case("z")
        {
            let in_field = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if !in_field && pending.with_untracked(Option::is_none) {
                ev.prevent_default();
                undo();
            }
        }
    });
    on_cleanup(move || key_handle.remove());

    let handle_error = move |e: ApiError, id: i64| {
        if e.is(ErrorCode::VersionConflict) {
            // Someone else moved it first: show the board as it is now.
            let title = e
                .current::<CaseView>()
                .map(|c| c.summary.title)
                .unwrap_or_default();
            tell(true, Said::new(Key::MoveConflict).data("title", title));
        } else {
            tell(true, Said::new(Key::MoveRefused).error("reason", &e));
        }
        reload();
        focus_card(id);
    };

    let moved = move |card_id: i64, v: CaseView| {
        last_move.set(Some((card_id, v.summary.version)));
        tell(
            false,
            Said::new(Key::MovedTo)
                .data("title", v.summary.title.clone())
                .text("stage", v.summary.stage.text()),
        );
        reload();
        focus_card(card_id);
    };

    // Try to put `card` into column `to` between `after_id` and `before_id`.
    let attempt = move |card: Card, to: Stage, after_id: Option<i64>, before_id: Option<i64>| {
        let from = card.case.stage;
        let id = card.case.id;
        let version = card.case.version;
        if from == to {
            spawn_local(async move {
                match api::rank_case(
                    id,
                    &Reorder {
                        version,
                        after_id,
                        before_id,
                    },
                )
                .await
                {
                    Ok(_) => {
                        tell(
                            false,
                            Said::new(Key::Reordered).data("title", card.case.title.clone()),
                        );
                        reload();
                        focus_card(id);
                    }
                    Err(e) => handle_error(e, id),
                }
            });
            return;
        }
        let Some(action) = action_between(from, to) else {
            tell(
                true,
                Said::new(Key::NoSuchMove)
                    .text("from", from.text())
                    .text("to", to.text()),
            );
            focus_card(id);
            return;
        };
        let who = me.get_value();
        // The server's word on this card first (`legal_actions`), the shared table as a backstop.
        let refused = check_move(from, action, &who, relation(&who, &card))
            .err()
            .or_else(|| (!card.legal_actions.contains(&action)).then_some(MoveRefusal::NotYours));
        if let Some(refusal) = refused {
            let key = match refusal {
                MoveRefusal::NotFromThisStage => Key::NoSuchMove,
                MoveRefusal::NotYours => Key::NotYourMove,
            };
            tell(
                true,
                Said::new(key)
                    .text("from", from.text())
                    .text("to", to.text())
                    .text("action", action.text()),
            );
            focus_card(id);
            return;
        }
        if action.needs() != Needs::Nothing {
            say(Said::new(Key::MoveNeedsInput).text("action", action.text()));
            pending.set(Some(Pending {
                card,
                action,
                after_id,
                before_id,
            }));
            return;
        }
        spawn_local(async move {
            let m = MoveCase {
                after_id,
                before_id,
                ..MoveCase::new(action, version)
            };
            match api::move_case(id, &m).await {
                Ok(v) => moved(id, v),
                Err(e) => handle_error(e, id),
            }
        });
    };

    // The columns as shown: the board, with a keyboard-picked card at its new place.
    let shown = Memo::new(move |_| {
        let b = board.with(|b| b.as_ref().and_then(|b| b.as_ref().ok()).cloned())?;
        let mut cols: Vec<Vec<Card>> = Stage::BOARD
            .iter()
            .map(|s| {
                b.columns
                    .iter()
                    .find(|c| c.stage == *s)
                    .map(|c| c.cards.clone())
                    .unwrap_or_default()
            })
            .collect();
        if let Some(p) = picked.get() {
            let mut card = None;
            for col in cols.iter_mut() {
                if let Some(i) = col.iter().position(|c| c.case.id == p.id) {
                    card = Some(col.remove(i));
                }
            }
            if let Some(card) = card {
                let col = &mut cols[p.col.min(Stage::BOARD.len() - 1)];
                col.insert(p.idx.min(col.len()), card);
            }
        }
        Some((b, cols))
    });
    // Where a card is on the board as loaded (column, position).
    let origin = move |id: i64| -> Option<(usize, usize, Card)> {
        board.with_untracked(|b| {
            let b = b.as_ref()?.as_ref().ok()?;
            for c in &b.columns {
                if let Some(i) = c.cards.iter().position(|x| x.case.id == id) {
                    return Some((column_index(c.stage)?, i, c.cards[i].clone()));
                }
            }
            None
        })
    };
    let count_in = move |col: usize, without: i64| -> usize {
        shown.with_untracked(|s| {
            s.as_ref()
                .map(|(_, cols)| cols[col].iter().filter(|c| c.case.id != without).count())
                .unwrap_or(0)
        })
    };
    let announce_position = move |p: Pick| {
        let n = count_in(p.col, p.id) + 1;
        say(Said::new(Key::KeyboardAt)
            .text("stage", Stage::BOARD[p.col].text())
            .data("pos", (p.idx + 1).to_string())
            .data("n", n.to_string()));
    };

    let on_card_key = move |ev: web_sys::KeyboardEvent, id: i64| {
        let current = picked.get_untracked().filter(|p| p.id == id);
        let Some(key) = CardKey::of(&ev.key(), current.is_some()) else {
            return;
        };
        match (key, current) {
            (CardKey::Lift, _) => {
                ev.prevent_default();
                // From here on the page-wide listener has the keys (the pick re-renders the
                // board, and keys must not get lost while focus is being restored).
                ev.stop_propagation();
                let Some((col, idx, card)) = origin(id) else {
                    return;
                };
                let p = Pick { id, col, idx };
                picked.set(Some(p));
                message.set(None);
                say(Said::new(Key::PickedUp)
                    .data("title", card.case.title.clone())
                    .text("stage", Stage::BOARD[col].text())
                    .data("pos", (idx + 1).to_string())
                    .data("n", count_in(col, -1).to_string()));
                focus_card(id);
            }
            (CardKey::Drop, Some(p)) => {
                ev.prevent_default();
                picked.set(None);
                let Some((ocol, oidx, card)) = origin(id) else {
                    return;
                };
                if ocol == p.col && oidx == p.idx {
                    say(Said::new(Key::DroppedUnchanged).data("title", card.case.title.clone()));
                    focus_card(id);
                    return;
                }
                // Neighbours in the target column as it was shown at the drop.
                let ids: Vec<i64> = board.with_untracked(|b| {
                    b.as_ref()
                        .and_then(|b| b.as_ref().ok())
                        .and_then(|b| b.columns.iter().find(|c| c.stage == Stage::BOARD[p.col]))
                        .map(|c| {
                            c.cards
                                .iter()
                                .map(|x| x.case.id)
                                .filter(|x| *x != id)
                                .collect()
                        })
                        .unwrap_or_default()
                });
                let idx = p.idx.min(ids.len());
                let after = idx.checked_sub(1).map(|i| ids[i]);
                let before = ids.get(idx).copied();
                attempt(card, Stage::BOARD[p.col], after, before);
            }
            (CardKey::Cancel, Some(_)) => {
                ev.prevent_default();
                picked.set(None);
                say(Said::new(Key::MoveCancelled));
                focus_card(id);
            }
            (CardKey::Left | CardKey::Right, Some(mut p)) => {
                ev.prevent_default();
                p.col = key.column(p.col, Stage::BOARD.len());
                p.idx = p.idx.min(count_in(p.col, id));
                picked.set(Some(p));
                announce_position(p);
                focus_card(id);
            }
            (CardKey::Up | CardKey::Down, Some(mut p)) => {
                ev.prevent_default();
                p.idx = if key == CardKey::Up {
                    p.idx.saturating_sub(1)
                } else {
                    (p.idx + 1).min(count_in(p.col, id))
                };
                picked.set(Some(p));
                announce_position(p);
                focus_card(id);
            }
            (CardKey::Open, _) => {
                ev.prevent_default();
                open_card(id);
            }
            _ => {}
        }
    };

    // While a card is picked up, every key belongs to it, wherever the focus is.
    let pick_keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if let Some(p) = picked.get_untracked() {
            if pending.with_untracked(Option::is_none) {
                on_card_key(ev, p.id);
            }
        }
    });
    on_cleanup(move || pick_keys.remove());

    // ---- pointer: mouse, pen and touch (crate::drag) ----
    let clear_marks = clear_drop_marks;
    let drop_at = move |list: web_sys::Element, col: usize, y: f64, id: i64| {
        let before = card_below(&list, y, Some(id))
            .and_then(|e| e.get_attribute("data-card-id"))
            .and_then(|s| s.parse().ok());
        let cell_last: Option<i64> = list
            .query_selector_all("[data-card-id]")
            .ok()
            .and_then(|n| {
                let mut last = None;
                for i in 0..n.length() {
                    let v: Option<i64> = n
                        .item(i)
                        .and_then(|x| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(x).ok())
                        .and_then(|e| e.get_attribute("data-card-id"))
                        .and_then(|s| s.parse().ok());
                    if v.is_some() && v != Some(id) {
                        last = v;
                    }
                }
                last
            });
        let Some((ocol, _, card)) = origin(id) else {
            return;
        };
        let ids: Vec<i64> = board.with_untracked(|b| {
            b.as_ref()
                .and_then(|b| b.as_ref().ok())
                .and_then(|b| b.columns.iter().find(|c| c.stage == Stage::BOARD[col]))
                .map(|c| {
                    c.cards
                        .iter()
                        .map(|x| x.case.id)
                        .filter(|x| *x != id)
                        .collect()
                })
                .unwrap_or_default()
        });
        let (after, before) = neighbours(&ids, before, cell_last);
        if ocol == col {
            // Same place as before: nothing to do.
            let old: Vec<i64> = board.with_untracked(|b| {
                b.as_ref()
                    .and_then(|b| b.as_ref().ok())
                    .map(|b| b.columns[ocol].cards.iter().map(|x| x.case.id).collect())
                    .unwrap_or_default()
            });
            let pos = old.iter().position(|x| *x == id);
            let prev = pos.and_then(|p| p.checked_sub(1)).map(|p| old[p]);
            if prev == after {
                return;
            }
        }
        attempt(card, Stage::BOARD[col], after, before);
    };

    // The column list under a point, and its index.
    let list_at = |x: f64, y: f64| -> Option<(web_sys::Element, usize)> {
        let list = crate::drag::element_at(x, y, "[data-testid=column-cards]")?;
        let slug = list.get_attribute("data-stage")?;
        let col = Stage::BOARD.iter().position(|s| stage_slug(*s) == slug)?;
        Some((list, col))
    };
    let drag = crate::drag::CardDrag::new(crate::drag::DragHandlers {
        lifted: Box::new(move |id, by_touch| {
            picked.set(None);
            message.set(None);
            if by_touch {
                let title = board.with_untracked(|b| {
                    b.as_ref().and_then(|b| b.as_ref().ok()).and_then(|b| {
                        b.columns
                            .iter()
                            .flat_map(|c| c.cards.iter())
                            .find(|c| c.case.id == id)
                            .map(|c| c.case.title.clone())
                    })
                });
                say(Said::new(Key::TouchLifted).data("title", title.unwrap_or_default()));
            }
        }),
        over: Box::new(move |x, y, id| {
            clear_marks();
            if let Some((list, _)) = list_at(x, y) {
                let _ = list.class_list().add_1("drop-into");
                if let Some(el) = card_below(&list, y, Some(id)) {
                    let _ = el.class_list().add_1("drop-before");
                }
            }
        }),
        dropped: Box::new(move |id, x, y| {
            clear_marks();
            match list_at(x, y) {
                Some((list, col)) => drop_at(list, col, y, id),
                None => say(Said::new(Key::MoveCancelled)),
            }
        }),
        cancelled: Box::new(move |id| {
            clear_marks();
            say(Said::new(Key::MoveCancelled));
            focus_card(id);
        }),
    });

    // ---- the parts of the page ----
    let grid_name = move |id: Option<i64>| -> String {
        match id {
            None => i18n.t(Key::NoGrid).to_string(),
            Some(id) => grids
                .get()
                .and_then(Result::ok)
                .and_then(|g| g.into_iter().find(|g| g.place.id == id))
                .map(|g| g.place.name)
                .unwrap_or_else(|| format!("#{id}")),
        }
    };
    let item_name = move |meta: Option<&CaseMeta>, id: i64, lang: Lang| -> String {
        meta.and_then(|m| m.categories.iter().find(|c| c.id == id))
            .map(|c| category_name(c, lang))
            .unwrap_or_default()
    };

    let card_view = move |card: Card, col: usize| {
        let id = card.case.id;
        let c = card.case.clone();
        let t = now();
        let is_picked = move || picked.with(|p| p.is_some_and(|p| p.id == id));
        let category = item_name(
            meta.get().and_then(Result::ok).as_ref(),
            c.category_id,
            i18n.get(),
        );
        let grid = grid_name(c.grid_id);
        let age = fmt_span((t - c.stage_entered_at).whole_seconds(), i18n.get());
        let deadline = c
            .deadline_at
            .filter(|_| c.stage.clock_runs())
            .map(|d| deadline_text(d, t, i18n.get()));
        let assignee = card.assignee_name.clone();
        let title = c.title.clone();
        view! {
            <li class="board-card-slot">
                <article class=format!("board-card urgency-{}", c.urgency.as_str()) class:is-overdue=c.overdue class:is-picked=is_picked
                    tabindex="0" data-testid="board-card" data-card-id=id data-number=c.number.clone()
                    data-title=title.clone() data-stage=stage_slug(Stage::BOARD[col])
                    aria-roledescription=move || i18n.t(Key::DraggableCard)
                    aria-describedby="board-help"
                    aria-label=move || format!("{} {}", c.number, title)
                    on:keydown=move |ev| if picked.with_untracked(Option::is_none) { on_card_key(ev, id) }
                    on:pointerdown=move |ev| if picked.with_untracked(Option::is_none) { drag.down(&ev, id) }
                    on:dragstart=|ev| ev.prevent_default()
                    on:contextmenu=move |ev| if drag.pressing() { ev.prevent_default() }>
                    <p class="board-card-top">
                        <span class="mono board-card-number">{card.case.number.clone()}</span>
                        {card.case.overdue.then(|| view! { <span class="badge badge-danger" data-testid="card-overdue">{i18n.t(Key::Overdue)}</span> })}
                    </p>
                    {card.photo_id.map(|p| view! {
                        <img class="board-card-photo" src=format!("/api/v1/photos/{p}/thumb") loading="lazy" width="56" height="56"
                            draggable="false" data-testid="card-photo" alt=move || i18n.t(Key::CardPhotoAlt)/>
                    })}
                    <a class="board-card-title" href=format!("/cases/{id}") tabindex="-1" draggable="false" data-user-text>{card.case.title.clone()}</a>
                    <p class="board-card-meta">
                        <span>{category}</span>
                        <span data-user-text>{grid}</span>
                        <span data-testid="card-assignee" data-user-text>{assignee.unwrap_or_else(|| i18n.t(Key::NoAssignee).to_string())}</span>
                    </p>
                    <p class="board-card-times">
                        <span title=i18n.t(Key::AgeInColumn)>{i18n.fmt(Key::InColumnFor, &[("t", &age)])}</span>
                        {deadline.map(|d| view! { <span class="board-card-deadline" class:is-late=card.case.overdue>{d}</span> })}
                    </p>
                </article>
            </li>
        }
    };

    let lane_of = move |lanes: Lanes, card: &Card| -> (String, String) {
        let lang = i18n.get();
        match lanes {
            Lanes::None => (String::new(), String::new()),
            Lanes::Grid => (
                format!("g{}", card.case.grid_id.unwrap_or(0)),
                grid_name(card.case.grid_id),
            ),
            Lanes::Assignee => (
                format!("a{}", card.case.assignee_id.unwrap_or(0)),
                card.assignee_name
                    .clone()
                    .unwrap_or_else(|| i18n.t(Key::NoAssignee).to_string()),
            ),
            Lanes::Category => (
                format!("c{}", card.case.category_id),
                category_label(
                    meta.get().and_then(Result::ok).as_ref(),
                    card.case.category_id,
                    lang,
                ),
            ),
        }
    };

    let columns_row = move |b: &Board,
                            cols: &[Vec<Card>],
                            lane: Option<&str>,
                            lanes: Lanes,
                            labelled: bool| {
        Stage::BOARD
            .iter()
            .enumerate()
            .map(|(ci, stage)| {
                let stage = *stage;
                let column = b.columns.iter().find(|c| c.stage == stage).cloned();
                let total = column.as_ref().map(|c| c.total).unwrap_or(0);
                let soft = column.as_ref().and_then(|c| c.soft_limit);
                let hard = column.as_ref().and_then(|c| c.hard_limit);
                let over_soft = soft.is_some_and(|s| total > s as u64);
                let full = hard.is_some_and(|h| total >= h as u64);
                let cards: Vec<Card> = cols[ci].iter().filter(|c| lane.is_none_or(|l| lane_of(lanes, c).0 == l)).cloned().collect();
                let head_id = format!("col-{}-{}", stage_slug(stage), lane.unwrap_or("all"));
                let head_ref = head_id.clone();
                view! {
                    <section class="board-column" class:wip-soft=over_soft class:wip-full=full class:is-empty=total == 0
                        data-testid="column" data-stage=stage_slug(stage) aria-labelledby=head_ref>
                        <header class="board-column-head">
                            <h2 id=head_id class:visually-hidden=!labelled>{i18n.text(stage.text())}</h2>
                            {labelled.then(|| view! {
                                <span class="board-column-count" data-testid="column-count">{total}</span>
                            })}
                            {(labelled && (soft.is_some() || hard.is_some())).then(|| view! {
                                <span class="board-column-limits" data-testid="column-limits">
                                    {soft.map(|s| i18n.fmt(Key::SoftLimit, &[("n", &s.to_string())]))}
                                    {(soft.is_some() && hard.is_some()).then_some(" · ")}
                                    {hard.map(|h| i18n.fmt(Key::HardLimit, &[("n", &h.to_string())]))}
                                </span>
                            })}
                            {(labelled && over_soft).then(|| view! { <p class="wip-warning" role="note">{i18n.t(if full { Key::WipFull } else { Key::WipOver })}</p> })}
                        </header>
                        <ol class="board-cards" data-testid="column-cards" data-stage=stage_slug(stage)>
                            {cards.into_iter().map(|c| card_view(c, ci)).collect_view()}
                        </ol>
                        {(labelled && total as usize > cols[ci].len()).then(|| view! {
                            <p class="hint">{i18n.fmt(Key::MoreCards, &[("n", &(total as usize - cols[ci].len()).to_string())])}</p>
                        })}
                    </section>
                }
            })
            .collect_view()
    };

    let board_body = move || {
        let Some((b, cols)) = shown.get() else {
            return ().into_any();
        };
        let lanes = filters.with(|f| f.lanes);
        if lanes == Lanes::None {
            return view! { <div class="board-columns" data-testid="board-columns">{columns_row(&b, &cols, None, lanes, true)}</div> }.into_any();
        }
        let mut keys: Vec<(String, String)> =
            cols.iter().flatten().map(|c| lane_of(lanes, c)).collect();
        keys.sort_by(|a, b| a.1.cmp(&b.1));
        keys.dedup();
        view! {
            <div class="board-columns board-head-row" aria-hidden="true">
                {Stage::BOARD.iter().map(|s| {
                    let total = b.columns.iter().find(|c| c.stage == *s).map(|c| c.total).unwrap_or(0);
                    view! { <div class="board-column board-column-label" class:is-empty=total == 0><span>{i18n.text(s.text())}</span>" "<span class="board-column-count">{total}</span></div> }
                }).collect_view()}
            </div>
            {if keys.is_empty() { Some(view! { <p class="empty">{i18n.t(Key::BoardEmpty)}</p> }) } else { None }}
            {keys.into_iter().map(|(k, name)| view! {
                <section class="lane" data-testid="lane" aria-label=name.clone()>
                    <h2 class="lane-title" data-user-text>{name.clone()}</h2>
                    <div class="board-columns">{columns_row(&b, &cols, Some(&k), lanes, false)}</div>
                </section>
            }).collect_view()}
        }
        .into_any()
    };

    let parties = move || {
        meta.get()
            .and_then(Result::ok)
            .map(|m| m.parties)
            .unwrap_or_default()
    };
    let dialog = move || {
        pending.get().map(|p| {
            let id = p.card.case.id;
            view! {
                <MoveDialog case_id=id version=p.card.case.version action=p.action modal=true
                    subject=(p.card.case.number.clone(), p.card.case.title.clone())
                    parties=parties() grid_id=p.card.case.grid_id after_id=p.after_id before_id=p.before_id
                    on_done=Callback::new(move |v: CaseView| { pending.set(None); moved(id, v); })
                    on_cancel=Callback::new(move |_| {
                        pending.set(None);
                        tell(false, Said::new(Key::MoveCancelled));
                        focus_card(id);
                    })
                    on_error=Callback::new(move |e: ApiError| {
                        if e.is(ErrorCode::VersionConflict) {
                            pending.set(None);
                            handle_error(e, id);
                        }
                    })/>
            }
        })
    };

    view! {
        <div class="board-page" data-testid="board-page">
            <div class="page-head board-head">
                <h1>{move || i18n.t(Key::BoardTitle)}</h1>
                <Figures board/>
            </div>
            <FilterBar filters filters_open board meta grids people set_filters/>
            <p class="hint" id="board-help" data-testid="board-help">{move || i18n.t(if touch_screen { Key::BoardHelpTouch } else { Key::BoardHelp })}</p>
            <div class="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="board-live">{move || live_text.with(|s| s.as_ref().map(|s| i18n.said(s)))}</div>
            {move || message.get().map(|m| view! {
                <div class="alert board-message" class:alert-error=m.error class:alert-success=!m.error role="status" data-testid="board-message">
                    <p>{move || i18n.said(&m.said)}</p>
                    <button type="button" class="button button-quiet" on:click=move |_| message.set(None)>{i18n.t(Key::Dismiss)}</button>
                </div>
            })}
            {move || match board.with(|b| b.as_ref().map(|b| b.as_ref().err().cloned())) {
                None => view! { <Loading/> }.into_any(),
                Some(Some(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| reload())/> }.into_any(),
                Some(None) => board_body().into_any(),
            }}
            {dialog}
        </div>
    }
}

/// Listen to the live stream from `cursor`. A change to a card we show at an older version
/// (or to one we do not show) reloads the board; `resync` does too.
fn start_live(
    cursor: i64,
    board: RwSignal<Option<Result<Board, ApiError>>>,
    filters: RwSignal<Filters>,
    reload: impl Fn() + Copy + 'static,
) -> Option<LiveEvents> {
    let on_case = move |change: LiveChange| {
        let known = board.with_untracked(|b| {
            b.as_ref().and_then(|b| b.as_ref().ok()).and_then(|b| {
                b.columns
                    .iter()
                    .flat_map(|c| c.cards.iter())
                    .find(|c| c.case.id == change.case_id)
                    .map(|c| (c.case.version, c.case.stage, c.rank.clone()))
            })
        });
        let fresh = matches!(&known, Some((v, s, r)) if *v >= change.version && *s == change.stage && *r == change.rank);
        // A board filtered to one grid skips other grids' cases it does not show.
        let elsewhere = known.is_none()
            && filters.with_untracked(|f| f.grid_id.is_some_and(|g| change.grid_id != Some(g)));
        if !fresh && !elsewhere {
            reload();
        }
    };
    LiveEvents::open(
        &format!("/api/v1/live?since={cursor}"),
        "case",
        on_case,
        reload,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::cases::Source;

    #[test]
    fn filters_make_a_query_and_survive_json() {
        let f = Filters {
            grid_id: Some(3),
            source: Some(Source::Patrol),
            overdue: true,
            q: " 井盖 ".into(),
            ..Filters::default()
        };
        assert_eq!(
            f.query(),
            "grid_id=3&source=patrol&overdue=true&q=%E4%BA%95%E7%9B%96"
        );
        assert_eq!(Filters::default().query(), "");
        let back: Filters = serde_json::from_value(serde_json::to_value(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        let partial: Filters = serde_json::from_str(r#"{"lanes":"grid"}"#).unwrap();
        assert_eq!(partial.lanes, Lanes::Grid);
        assert!(!partial.is_filtered());
    }

    #[test]
    fn rates_are_whole_percentages() {
        assert_eq!(fmt_rate(Some(0.755)), "76%");
        assert_eq!(fmt_rate(Some(0.0)), "0%");
        assert_eq!(fmt_rate(None), "—");
    }

    #[test]
    fn drops_land_between_neighbours() {
        let ids = [1, 2, 3];
        assert_eq!(neighbours(&ids, Some(2), None), (Some(1), Some(2)));
        assert_eq!(neighbours(&ids, Some(1), None), (None, Some(1)));
        assert_eq!(neighbours(&ids, None, None), (Some(3), None));
        assert_eq!(neighbours(&ids, None, Some(1)), (Some(1), Some(2)));
        assert_eq!(neighbours(&[], None, None), (None, None));
    }

    #[test]
    fn board_drops_follow_the_shared_rules() {
        // The board asks the shared table; an illegal drop has no action.
        assert_eq!(action_between(Stage::Reported, Stage::Closed), None);
        assert_eq!(
            action_between(Stage::Reported, Stage::Registered),
            Some(Action::Register)
        );
        assert_eq!(Action::Dispatch.needs(), Needs::Assignment);
    }
}
