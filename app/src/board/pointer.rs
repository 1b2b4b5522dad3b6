//! Moving a card with a mouse, pen or finger (`crate::drag` follows the pointer): where a
//! card lands when it is let go, and what the board marks and says on the way.

use leptos::prelude::*;
use shared::cases::Stage;

use super::state::BoardState;
use crate::cases::stage_slug;
use crate::drag::{CardDrag, DragHandlers, card_below, clear_drop_marks, element_at, focus_card};
use crate::i18n::{Key, Said};

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

/// The column list under a point, and its index.
fn list_at(x: f64, y: f64) -> Option<(web_sys::Element, usize)> {
    let list = element_at(x, y, "[data-testid=column-cards]")?;
    let slug = list.get_attribute("data-stage")?;
    let col = Stage::BOARD.iter().position(|s| stage_slug(*s) == slug)?;
    Some((list, col))
}

/// The last card in a cell (a column in one swimlane) other than `id`: a drop below it lands
/// after it, not at the end of the whole column.
fn last_in_cell(list: &web_sys::Element, id: i64) -> Option<i64> {
    let nodes = list.query_selector_all("[data-card-id]").ok()?;
    (0..nodes.length())
        .filter_map(|i| {
            nodes
                .item(i)
                .and_then(|x| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(x).ok())
                .and_then(|e| e.get_attribute("data-card-id"))
                .and_then(|s| s.parse::<i64>().ok())
        })
        .filter(|v| *v != id)
        .last()
}

impl BoardState {
    /// Card `id` let go over column `col`'s `list` at height `y`.
    fn drop_at(self, list: web_sys::Element, col: usize, y: f64, id: i64) {
        let before = card_below(&list, y, Some(id))
            .and_then(|e| e.get_attribute("data-card-id"))
            .and_then(|s| s.parse().ok());
        let Some((ocol, _, card)) = self.origin(id) else {
            return;
        };
        let ids = self.column_ids(col, id);
        let (after, before) = neighbours(&ids, before, last_in_cell(&list, id));
        if ocol == col {
            // Same place as before: nothing to do.
            let old = self.column_ids(ocol, i64::MIN);
            let pos = old.iter().position(|x| *x == id);
            let prev = pos.and_then(|p| p.checked_sub(1)).map(|p| old[p]);
            if prev == after {
                return;
            }
        }
        self.attempt(card, Stage::BOARD[col], after, before);
    }

    /// The pointer drag of this board's cards.
    pub fn card_drag(self) -> CardDrag {
        CardDrag::new(DragHandlers {
            lifted: Box::new(move |id, by_touch| {
                self.picked.set(None);
                self.message.set(None);
                if by_touch {
                    let title = self
                        .with_loaded(|b| {
                            b.columns
                                .iter()
                                .flat_map(|c| c.cards.iter())
                                .find(|c| c.case.id == id)
                                .map(|c| c.case.title.clone())
                        })
                        .flatten();
                    self.say(Said::new(Key::TouchLifted).data("title", title.unwrap_or_default()));
                }
            }),
            over: Box::new(move |x, y, id| {
                clear_drop_marks();
                if let Some((list, _)) = list_at(x, y) {
                    let _ = list.class_list().add_1("drop-into");
                    if let Some(el) = card_below(&list, y, Some(id)) {
                        let _ = el.class_list().add_1("drop-before");
                    }
                }
            }),
            dropped: Box::new(move |id, x, y| {
                clear_drop_marks();
                match list_at(x, y) {
                    Some((list, col)) => self.drop_at(list, col, y, id),
                    None => self.say(Said::new(Key::MoveCancelled)),
                }
            }),
            cancelled: Box::new(move |id| {
                clear_drop_marks();
                self.say(Said::new(Key::MoveCancelled));
                focus_card(id);
            }),
        })
    }
}
