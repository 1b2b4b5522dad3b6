//! Moving a card with the keyboard: Space or Enter lifts it, the arrows carry it between
//! columns and along one, Space or Enter puts it down there (a move, as a drop would be),
//! Escape puts it back. Every step is said in the live region.

use leptos::prelude::*;
use shared::cases::Stage;

use super::state::{BoardState, Pick};
use crate::drag::{CardKey, focus_card, open_card};
use crate::i18n::{Key, Said};

impl BoardState {
    fn announce_position(self, p: Pick) {
        let n = self.count_in(p.col, p.id) + 1;
        self.say(
            Said::new(Key::KeyboardAt)
                .text("stage", Stage::BOARD[p.col].text())
                .data("pos", (p.idx + 1).to_string())
                .data("n", n.to_string()),
        );
    }

    /// A key pressed on card `id` (or anywhere, while it is picked up).
    pub fn on_card_key(self, ev: web_sys::KeyboardEvent, id: i64) {
        let current = self.picked.get_untracked().filter(|p| p.id == id);
        let Some(key) = CardKey::of(&ev.key(), current.is_some()) else {
            return;
        };
        match (key, current) {
            (CardKey::Lift, _) => {
                ev.prevent_default();
                // From here on the page-wide listener has the keys (the pick re-renders the
                // board, and keys must not get lost while focus is being restored).
                ev.stop_propagation();
                let Some((col, idx, card)) = self.origin(id) else {
                    return;
                };
                self.picked.set(Some(Pick { id, col, idx }));
                self.message.set(None);
                self.say(
                    Said::new(Key::PickedUp)
                        .data("title", card.case.title.clone())
                        .text("stage", Stage::BOARD[col].text())
                        .data("pos", (idx + 1).to_string())
                        .data("n", self.count_in(col, -1).to_string()),
                );
                focus_card(id);
            }
            (CardKey::Drop, Some(p)) => {
                ev.prevent_default();
                self.picked.set(None);
                let Some((ocol, oidx, card)) = self.origin(id) else {
                    return;
                };
                if ocol == p.col && oidx == p.idx {
                    self.say(Said::new(Key::DroppedUnchanged).data("title", card.case.title));
                    focus_card(id);
                    return;
                }
                // Neighbours in the target column as it was shown at the drop.
                let ids = self.column_ids(p.col, id);
                let idx = p.idx.min(ids.len());
                let after = idx.checked_sub(1).map(|i| ids[i]);
                let before = ids.get(idx).copied();
                self.attempt(card, Stage::BOARD[p.col], after, before);
            }
            (CardKey::Cancel, Some(_)) => {
                ev.prevent_default();
                self.picked.set(None);
                self.say(Said::new(Key::MoveCancelled));
                focus_card(id);
            }
            (CardKey::Left | CardKey::Right, Some(mut p)) => {
                ev.prevent_default();
                p.col = key.column(p.col, Stage::BOARD.len());
                p.idx = p.idx.min(self.count_in(p.col, id));
                self.picked.set(Some(p));
                self.announce_position(p);
                focus_card(id);
            }
            (CardKey::Up | CardKey::Down, Some(mut p)) => {
                ev.prevent_default();
                p.idx = if key == CardKey::Up {
                    p.idx.saturating_sub(1)
                } else {
                    (p.idx + 1).min(self.count_in(p.col, id))
                };
                self.picked.set(Some(p));
                self.announce_position(p);
                focus_card(id);
            }
            (CardKey::Open, _) => {
                ev.prevent_default();
                open_card(id);
            }
            _ => {}
        }
    }
}
