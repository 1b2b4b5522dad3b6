//! The board page's state and its moves. The cards as loaded, the card picked up with the
//! keyboard, the move waiting for its input, what was said; and the one way a card moves
//! (`attempt`: rank, move, or ask for input), where the keyboard, the pointer and the dialog
//! all end, plus undo and the live feed that keeps the cards current.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::accounts::Principal;
use shared::board::{Board, Card, LiveChange};
use shared::cases::{
    Action, CaseRelation, CaseView, MoveCase, MoveRefusal, Needs, Reorder, Stage, action_between,
    check_move,
};
use shared::error::ErrorCode;

use super::filters::Filters;
use crate::api::{self, ApiError};
use crate::drag::focus_card;
use crate::i18n::{Key, Said};
use crate::live::LiveEvents;

/// A card being moved with the keyboard: where it is now (column, position).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pick {
    pub id: i64,
    pub col: usize,
    pub idx: usize,
}

/// A move waiting for the input it needs.
#[derive(Clone, Debug)]
pub struct Pending {
    pub card: Card,
    pub action: Action,
    pub after_id: Option<i64>,
    pub before_id: Option<i64>,
}

/// What the board says in words on the page (the live region says it too).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub error: bool,
    pub said: Said,
}

/// The columns as shown: the board, and each column's cards with a keyboard-picked card at
/// its new place.
pub type Shown = Option<(Board, Vec<Vec<Card>>)>;

fn column_index(stage: Stage) -> Option<usize> {
    Stage::BOARD.iter().position(|s| *s == stage)
}

/// The actor's relation to a card, as far as the board knows it (the server knows the rest).
fn relation(p: &Principal, card: &Card) -> CaseRelation {
    CaseRelation {
        is_assignee: card.case.assignee_id == Some(p.user_id),
        in_own_grid: card.case.grid_id.is_some_and(|g| p.grid_ids.contains(&g)),
        ..CaseRelation::default()
    }
}

/// Everything the parts of the board page share. `Copy`: signals and stored values only.
#[derive(Clone, Copy)]
pub struct BoardState {
    me: StoredValue<Principal>,
    pub filters: RwSignal<Filters>,
    pub board: RwSignal<Option<Result<Board, ApiError>>>,
    pub picked: RwSignal<Option<Pick>>,
    pub pending: RwSignal<Option<Pending>>,
    pub message: RwSignal<Option<Message>>,
    /// What was said last, kept as a key and values: both follow a switch of language.
    pub live_text: RwSignal<Option<Said>>,
    pub shown: Memo<Shown>,
    /// My last move (case, version after it), for Ctrl+Z.
    last_move: RwSignal<Option<(i64, i64)>>,
    /// Counts loads, so that an answer to an older load is dropped.
    generation: StoredValue<u64>,
}

impl BoardState {
    pub fn new(principal: Principal) -> Self {
        let board = RwSignal::new(None::<Result<Board, ApiError>>);
        let picked = RwSignal::new(None::<Pick>);
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
        BoardState {
            me: StoredValue::new(principal),
            filters: RwSignal::new(Filters::default()),
            board,
            picked,
            pending: RwSignal::new(None),
            message: RwSignal::new(None),
            live_text: RwSignal::new(None),
            shown,
            last_move: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Say something to screen readers only.
    pub fn say(self, said: Said) {
        self.live_text.set(Some(said));
    }

    /// Say something on the page (and to screen readers).
    pub fn tell(self, error: bool, said: Said) {
        self.live_text.set(Some(said.clone()));
        self.message.set(Some(Message { error, said }));
    }

    /// The board as loaded, if it loaded (read without tracking).
    pub fn with_loaded<R>(self, f: impl FnOnce(&Board) -> R) -> Option<R> {
        self.board
            .with_untracked(|b| b.as_ref().and_then(|b| b.as_ref().ok()).map(f))
    }

    /// Load (or reload) the board under the current filters; stale answers are dropped.
    pub fn reload(self) {
        let q = self.filters.with_untracked(Filters::query);
        let gen_now = self.generation.with_value(|g| g + 1);
        self.generation.set_value(gen_now);
        spawn_local(async move {
            let r = api::board(&q).await;
            // Only the latest load is shown, and only while the page is there (the user may
            // have left for a card's page before the answer came).
            if self.generation.try_get_value() == Some(gen_now) {
                // Re-rendering replaces the cards: keep the keyboard focus on the same card.
                let focused = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.get_attribute("data-card-id"))
                    .and_then(|s| s.parse::<i64>().ok());
                // …and each row of columns where it was scrolled to (a phone shows one column
                // at a time; a live update must not jump back to the first).
                let scrolled = row_scroll();
                self.board.set(Some(r));
                restore_row_scroll(scrolled);
                if let Some(id) = focused {
                    focus_card(id);
                }
            }
        });
    }

    /// Where a card is on the board as loaded (column, position), and the card.
    pub fn origin(self, id: i64) -> Option<(usize, usize, Card)> {
        self.with_loaded(|b| {
            b.columns.iter().find_map(|c| {
                let i = c.cards.iter().position(|x| x.case.id == id)?;
                Some((column_index(c.stage)?, i, c.cards[i].clone()))
            })
        })
        .flatten()
    }

    /// The ids of a column's cards as loaded, in order, without `without`.
    pub fn column_ids(self, col: usize, without: i64) -> Vec<i64> {
        self.with_loaded(|b| {
            b.columns
                .iter()
                .find(|c| c.stage == Stage::BOARD[col])
                .map(|c| {
                    c.cards
                        .iter()
                        .map(|x| x.case.id)
                        .filter(|x| *x != without)
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
    }

    /// How many cards a column shows, not counting `without`.
    pub fn count_in(self, col: usize, without: i64) -> usize {
        self.shown.with_untracked(|s| {
            s.as_ref()
                .map(|(_, cols)| cols[col].iter().filter(|c| c.case.id != without).count())
                .unwrap_or(0)
        })
    }

    /// A refused move: say why, and show the board as it is now.
    pub fn refused(self, e: ApiError, id: i64) {
        if e.is(ErrorCode::VersionConflict) {
            // Someone else moved it first.
            let title = e
                .current::<CaseView>()
                .map(|c| c.summary.title)
                .unwrap_or_default();
            self.tell(true, Said::new(Key::MoveConflict).data("title", title));
        } else if matches!(e, ApiError::Network) {
            // Board moves are not kept for later: say so, plainly. Nothing changed, and a
            // reload without signal would only put an error where the board is.
            self.tell(true, Said::new(Key::MoveOffline));
            focus_card(id);
            return;
        } else {
            self.tell(true, Said::new(Key::MoveRefused).error("reason", &e));
        }
        self.reload();
        focus_card(id);
    }

    /// A move went through: say so, remember it for undo, and show the board as it is now.
    pub fn moved(self, card_id: i64, v: CaseView) {
        self.last_move.set(Some((card_id, v.summary.version)));
        self.tell(
            false,
            Said::new(Key::MovedTo)
                .data("title", v.summary.title.clone())
                .text("stage", v.summary.stage.text()),
        );
        self.reload();
        focus_card(card_id);
    }

    /// Try to put `card` into column `to` between `after_id` and `before_id`.
    pub fn attempt(self, card: Card, to: Stage, after_id: Option<i64>, before_id: Option<i64>) {
        let from = card.case.stage;
        let id = card.case.id;
        let version = card.case.version;
        if from == to {
            let order = Reorder {
                version,
                after_id,
                before_id,
            };
            spawn_local(async move {
                match api::rank_case(id, &order).await {
                    Ok(_) => {
                        self.tell(
                            false,
                            Said::new(Key::Reordered).data("title", card.case.title.clone()),
                        );
                        self.reload();
                        focus_card(id);
                    }
                    Err(e) => self.refused(e, id),
                }
            });
            return;
        }
        let Some(action) = action_between(from, to) else {
            self.tell(
                true,
                Said::new(Key::NoSuchMove)
                    .text("from", from.text())
                    .text("to", to.text()),
            );
            focus_card(id);
            return;
        };
        let who = self.me.get_value();
        // The server's word on this card first (`legal_actions`), the shared table as a backstop.
        let refusal = check_move(from, action, &who, relation(&who, &card))
            .err()
            .or_else(|| (!card.legal_actions.contains(&action)).then_some(MoveRefusal::NotYours));
        if let Some(refusal) = refusal {
            let key = match refusal {
                MoveRefusal::NotFromThisStage => Key::NoSuchMove,
                MoveRefusal::NotYours => Key::NotYourMove,
            };
            self.tell(
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
            self.say(Said::new(Key::MoveNeedsInput).text("action", action.text()));
            self.pending.set(Some(Pending {
                card,
                action,
                after_id,
                before_id,
            }));
            return;
        }
        let m = MoveCase {
            after_id,
            before_id,
            ..MoveCase::new(action, version)
        };
        spawn_local(async move {
            match api::move_case(id, &m).await {
                Ok(v) => self.moved(id, v),
                Err(e) => self.refused(e, id),
            }
        });
    }

    /// Ctrl+Z: undo my last move.
    pub fn undo(self) {
        let Some((id, version)) = self.last_move.get_untracked() else {
            self.tell(false, Said::new(Key::NothingToUndo));
            return;
        };
        spawn_local(async move {
            match api::undo_case(id, version).await {
                Ok(v) => {
                    self.last_move.set(None);
                    self.tell(
                        false,
                        Said::new(Key::UndoneTo)
                            .data("title", v.summary.title.clone())
                            .text("stage", v.summary.stage.text()),
                    );
                    self.reload();
                    focus_card(id);
                }
                Err(e) => {
                    self.tell(true, Said::new(Key::ServerSays).error("reason", &e));
                    self.reload();
                }
            }
        });
    }

    /// Listen to the live stream from `cursor`. A change to a card we show at an older
    /// version (or to one we do not show) reloads the board; `resync` does too.
    pub fn follow_live(self, cursor: i64) -> Option<LiveEvents> {
        let on_case = move |change: LiveChange| {
            let known = self
                .with_loaded(|b| {
                    b.columns
                        .iter()
                        .flat_map(|c| c.cards.iter())
                        .find(|c| c.case.id == change.case_id)
                        .map(|c| (c.case.version, c.case.stage, c.rank.clone()))
                })
                .flatten();
            let fresh = matches!(&known, Some((v, s, r)) if *v >= change.version && *s == change.stage && *r == change.rank);
            // A board filtered to one grid skips other grids' cases it does not show.
            let elsewhere = known.is_none()
                && self
                    .filters
                    .with_untracked(|f| f.grid_id.is_some_and(|g| change.grid_id != Some(g)));
            if !fresh && !elsewhere {
                self.reload();
            }
        };
        LiveEvents::open(
            &format!("/api/v1/live?since={cursor}"),
            "case",
            on_case,
            move || self.reload(),
        )
    }
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
