//! The mediation board: a column per stage (`MediationStage::BOARD`). Dropping a card on
//! another column asks for the move between the two stages (`MediationAction::between`);
//! the server decides whether it may happen now and says why not. Mouse (press and drag),
//! touch (a long press lifts the card; both `crate::drag`) and keyboard (Space to lift, ← → to
//! choose the column, Space to drop, Escape to cancel). Other people's changes arrive over the
//! live stream (`/api/v1/mediation/live`: file id, version and stage) and the board follows
//! without a page reload.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::error::ErrorCode;
use shared::mediation::{
    BoardColumn, FileSummary, LiveFileChange, MediationAction, MediationStage, MoveFile,
};

use super::open::OpenFileForm;
use crate::api::{self, ApiError};
use crate::drag::{CardKey, clear_drop_marks, focus_card, open_card};
use crate::i18n::{Key, Said, set_title, use_i18n};
use crate::live::LiveEvents;
use crate::ui::{ErrorBox, Loading};
use shared::calendar::format_day;

/// A card lifted with the keyboard, and the column it would land in.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pick {
    id: i64,
    col: usize,
}

#[derive(Clone, Debug, PartialEq)]
struct Message {
    error: bool,
    said: Said,
}

fn column_of(stage: MediationStage) -> Option<usize> {
    MediationStage::BOARD.iter().position(|s| *s == stage)
}

#[component]
pub fn MediationBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::MedBoardTitle), i18n.get()));
    let board = LocalResource::new(api::mediation_board);
    let picked = RwSignal::new(None::<Pick>);
    let message = RwSignal::new(None::<Message>);
    // Kept as keys and values: what was said follows a switch of language.
    let live_text = RwSignal::new(None::<Said>);
    // A move that needs a reason first (back to sessions).
    let pending = RwSignal::new(None::<(FileSummary, MediationAction)>);
    let pending_note = RwSignal::new(String::new());
    let form_open = RwSignal::new(false);
    let touch_screen = crate::drag::touch_screen();

    let say = move |said: Said| live_text.set(Some(said));
    let tell = move |error: bool, said: Said| {
        live_text.set(Some(said.clone()));
        message.set(Some(Message { error, said }));
    };
    let reload = move || board.refetch();

    // Live: other people's changes. The stream opens (and, after a break, reopens) with a
    // fresh read of the board, so nothing between the read and the stream is missed.
    let live = crate::live::page_stream();
    live.set_value(start_live(board, reload, move |title, stage| {
        say(Said::new(Key::MedLiveUpdated)
            .data("title", title)
            .text("stage", stage.text()))
    }));

    let find = move |id: i64| -> Option<FileSummary> {
        board.with_untracked(|b| {
            b.as_ref()?
                .as_ref()
                .ok()?
                .iter()
                .flat_map(|c| c.cards.iter())
                .find(|c| c.id == id)
                .cloned()
        })
    };

    // A move sent: its answer is said (a stale version by name), the board read again and the
    // card focused where it now stands.
    let send_move = Action::new_unsync(move |(title, id, m): &(String, i64, MoveFile)| {
        let (title, id, m) = (title.clone(), *id, m.clone());
        async move {
            match api::move_file(id, &m).await {
                Ok(v) => tell(
                    false,
                    Said::new(Key::MedMovedTo)
                        .data("title", v.summary.title)
                        .text("stage", v.summary.stage.text()),
                ),
                Err(e) if e.is(ErrorCode::VersionConflict) => {
                    tell(true, Said::new(Key::MedMoveConflict).data("title", title))
                }
                Err(e) => tell(true, Said::new(Key::MedMoveRefused).error("reason", &e)),
            }
            reload();
            focus_card(id);
        }
    });

    // Put `card` into the column of `to`: the move between the two stages, if there is one.
    let attempt = move |card: FileSummary, to: MediationStage, note: Option<String>| {
        let id = card.id;
        if card.stage == to {
            say(Said::new(Key::MedDroppedUnchanged).data("title", card.title.clone()));
            focus_card(id);
            return;
        }
        let Some(action) = MediationAction::between(card.stage, to) else {
            tell(
                true,
                Said::new(Key::MedNoSuchMove)
                    .text("from", card.stage.text())
                    .text("to", to.text()),
            );
            focus_card(id);
            return;
        };
        if action.needs_note() && note.is_none() {
            pending_note.set(String::new());
            pending.set(Some((card, action)));
            return;
        }
        send_move.dispatch((
            card.title.clone(),
            id,
            MoveFile {
                action,
                version: card.version,
                note,
            },
        ));
    };

    // ---- keyboard ----
    let on_card_key = move |ev: web_sys::KeyboardEvent, id: i64| {
        if picked.get_untracked().is_some() {
            return;
        }
        match CardKey::of(&ev.key(), false) {
            Some(CardKey::Lift) => {
                ev.prevent_default();
                ev.stop_propagation();
                let Some(card) = find(id) else { return };
                let Some(col) = column_of(card.stage) else {
                    return;
                };
                picked.set(Some(Pick { id, col }));
                message.set(None);
                say(Said::new(Key::MedPickedUp)
                    .data("title", card.title.clone())
                    .text("stage", card.stage.text()));
                focus_card(id);
            }
            Some(CardKey::Open) => {
                ev.prevent_default();
                open_card(id);
            }
            _ => {}
        }
    };
    // While a card is lifted, the keys belong to it wherever the focus is.
    let pick_keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(mut p) = picked.get_untracked() else {
            return;
        };
        if pending.with_untracked(Option::is_some) {
            return;
        }
        match CardKey::of(&ev.key(), true) {
            Some(key @ (CardKey::Left | CardKey::Right)) => {
                ev.prevent_default();
                p.col = key.column(p.col, MediationStage::BOARD.len());
                picked.set(Some(p));
                say(Said::new(Key::MedKeyboardAt)
                    .text("stage", MediationStage::BOARD[p.col].text()));
                focus_card(p.id);
            }
            Some(CardKey::Drop) => {
                ev.prevent_default();
                picked.set(None);
                if let Some(card) = find(p.id) {
                    attempt(card, MediationStage::BOARD[p.col], None);
                }
            }
            Some(CardKey::Cancel) => {
                ev.prevent_default();
                picked.set(None);
                say(Said::new(Key::MoveCancelled));
                focus_card(p.id);
            }
            _ => {}
        }
    });
    on_cleanup(move || pick_keys.remove());

    // ---- pointer: mouse, pen and touch (crate::drag) ----
    let list_at = |x: f64, y: f64| -> Option<(web_sys::Element, usize)> {
        let list = crate::drag::element_at(x, y, "[data-testid=med-column-cards]")?;
        let slug = list.get_attribute("data-stage")?;
        let col = MediationStage::BOARD
            .iter()
            .position(|s| s.as_str() == slug)?;
        Some((list, col))
    };
    let drag = crate::drag::CardDrag::new(crate::drag::DragHandlers {
        lifted: Box::new(move |id, by_touch| {
            picked.set(None);
            message.set(None);
            if by_touch {
                let title = find(id).map(|c| c.title).unwrap_or_default();
                say(Said::new(Key::TouchLifted).data("title", title));
            }
        }),
        over: Box::new(move |x, y, _| {
            clear_drop_marks();
            if let Some((list, _)) = list_at(x, y) {
                let _ = list.class_list().add_1("drop-into");
            }
        }),
        dropped: Box::new(move |id, x, y| {
            clear_drop_marks();
            match (list_at(x, y), find(id)) {
                (Some((_, col)), Some(card)) => attempt(card, MediationStage::BOARD[col], None),
                _ => say(Said::new(Key::MoveCancelled)),
            }
        }),
        cancelled: Box::new(move |id| {
            clear_drop_marks();
            say(Said::new(Key::MoveCancelled));
            focus_card(id);
        }),
    });

    // The columns as shown: a keyboard-lifted card appears in the column it would land in.
    let shown = Memo::new(move |_| {
        let cols = board.with(|b| b.as_ref().and_then(|b| b.as_ref().ok()).cloned())?;
        let mut out: Vec<Vec<FileSummary>> = MediationStage::BOARD
            .iter()
            .map(|s| {
                cols.iter()
                    .find(|c| c.stage == *s)
                    .map(|c| c.cards.clone())
                    .unwrap_or_default()
            })
            .collect();
        if let Some(p) = picked.get() {
            let mut card = None;
            for col in out.iter_mut() {
                if let Some(i) = col.iter().position(|c| c.id == p.id) {
                    card = Some(col.remove(i));
                }
            }
            if let Some(card) = card {
                out[p.col].push(card);
            }
        }
        Some(out)
    });

    let card_view = move |c: FileSummary, col: usize| {
        let id = c.id;
        let is_picked = move || picked.with(|p| p.is_some_and(|p| p.id == id));
        let mediators = if c.mediator_names.is_empty() {
            i18n.t(Key::MedNoMediator).to_string()
        } else {
            c.mediator_names.join("、")
        };
        let label = format!("{} {}", c.number, c.title);
        view! {
            <li class="board-card-slot">
                <article class="board-card med-card" class:is-overdue=c.overdue class:is-risk=c.risk class:is-picked=is_picked
                    tabindex="0" data-testid="med-card" data-card-id=id data-title=c.title.clone()
                    data-stage=MediationStage::BOARD[col].as_str()
                    aria-roledescription=move || i18n.t(Key::MedDraggable)
                    aria-describedby="med-board-help" aria-label=label
                    on:keydown=move |ev| if picked.with_untracked(Option::is_none) { on_card_key(ev, id) }
                    on:pointerdown=move |ev| if picked.with_untracked(Option::is_none) { drag.down(&ev, id) }
                    on:dragstart=|ev| ev.prevent_default()
                    on:contextmenu=move |ev| if drag.pressing() { ev.prevent_default() }>
                    <p class="board-card-top">
                        <span class="mono board-card-number" data-user-text>{c.number.clone()}</span>
                        {c.risk.then(|| view! { <span class="badge badge-danger" data-testid="med-card-risk">{i18n.t(Key::MedRisk)}</span> })}
                        {c.overdue.then(|| view! { <span class="badge badge-danger" data-testid="med-card-overdue">{i18n.t(Key::Overdue)}</span> })}
                    </p>
                    <a class="board-card-title" href=format!("/mediation/{id}") tabindex="-1" draggable="false" data-user-text>{c.title.clone()}</a>
                    <p class="board-card-meta">
                        <span>{i18n.text(c.dispute_type.text())}</span>
                        <span data-testid="med-card-mediators" data-user-text>{mediators}</span>
                    </p>
                    {c.deadline.map(|d| view! {
                        <p class="board-card-times">
                            <span class="board-card-deadline" class:is-late=c.overdue data-testid="med-card-deadline">
                                {i18n.fmt(Key::MedDeadlineOn, &[("date", &format_day(d))])}
                            </span>
                        </p>
                    })}
                </article>
            </li>
        }
    };

    let columns = move || {
        let Some(cols) = shown.get() else {
            return ().into_any();
        };
        let target = picked.get().map(|p| p.col);
        view! {
            <div class="board-columns med-columns" data-testid="med-columns">
                {MediationStage::BOARD.iter().enumerate().map(|(ci, stage)| {
                    let stage = *stage;
                    let cards = cols[ci].clone();
                    let head = format!("med-col-{}", stage.as_str());
                    let head_ref = head.clone();
                    let count = cards.len();
                    view! {
                        <section class="board-column" class:is-target={target == Some(ci)} data-testid="med-column" data-stage=stage.as_str() aria-labelledby=head_ref>
                            <header class="board-column-head">
                                <h2 id=head>{i18n.text(stage.text())}</h2>
                                <span class="board-column-count" data-testid="med-column-count">{count}</span>
                            </header>
                            <ol class="board-cards" data-testid="med-column-cards" data-stage=stage.as_str()>
                                {cards.into_iter().map(|c| card_view(c, ci)).collect_view()}
                            </ol>
                            {(count == 0).then(|| view! { <p class="hint med-column-empty">{i18n.t(Key::MedBoardEmpty)}</p> })}
                        </section>
                    }
                }).collect_view()}
            </div>
        }
        .into_any()
    };

    // The reason a move needs (back to sessions), asked for in a small dialog.
    let note_dialog = move || {
        pending.get().map(|(card, action)| {
            let id = card.id;
            let (number, title) = (card.number.clone(), card.title.clone());
            let submit = move |ev: SubmitEvent| {
                ev.prevent_default();
                let note = pending_note.get_untracked().trim().to_string();
                if note.is_empty() {
                    return;
                }
                pending.set(None);
                attempt(card.clone(), action.to(), Some(note));
            };
            let cancel = move || {
                pending.set(None);
                say(Said::new(Key::MoveCancelled));
                focus_card(id);
            };
            view! {
                <crate::ui::Dialog labelledby="med-move-title" on_close=Callback::new(move |_| cancel())>
                    <div class="card move-dialog" data-testid="med-move-dialog">
                        <h2 id="med-move-title">
                            {i18n.text(action.text())}
                            <span class="dialog-subject" data-testid="med-move-subject">{number}" "<span data-user-text>{title}</span></span>
                        </h2>
                        <form on:submit=submit>
                            <div class="field">
                                <label for="med-move-note">{i18n.t(Key::MedMoveNote)}</label>
                                <textarea id="med-move-note" rows="3" required maxlength="1000" data-testid="med-move-note" bind:value=pending_note></textarea>
                            </div>
                            <div class="actions">
                                <button type="submit" class="button button-primary" data-testid="med-move-submit">{i18n.text(action.text())}</button>
                                <button type="button" class="button button-quiet" on:click=move |_| cancel()>{i18n.t(Key::Cancel)}</button>
                            </div>
                        </form>
                    </div>
                </crate::ui::Dialog>
            }
        })
    };

    view! {
        <div class="board-page med-board-page" data-testid="med-board-page">
            <div class="page-head board-head">
                <h1>{move || i18n.t(Key::MedBoardTitle)}</h1>
                <button type="button" class="button button-primary" data-testid="med-open-toggle"
                    aria-expanded=move || form_open.get().to_string() aria-controls="med-open-form"
                    on:click=move |_| form_open.update(|o| *o = !*o)>
                    {move || i18n.t(Key::MedOpenFile)}
                </button>
            </div>
            {move || form_open.get().then(|| view! {
                <OpenFileForm on_cancel=Callback::new(move |_| form_open.set(false))/>
            })}
            <p class="hint" id="med-board-help" data-testid="med-board-help">{move || i18n.t(if touch_screen { Key::MedBoardHelpTouch } else { Key::MedBoardHelp })}</p>
            <div class="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="med-board-live">{move || live_text.with(|s| s.as_ref().map(|s| i18n.said(s)))}</div>
            {move || message.get().map(|m| view! {
                <div class="alert board-message" class:alert-error=m.error class:alert-success=!m.error role="status" data-testid="med-board-message">
                    <p>{move || i18n.said(&m.said)}</p>
                    <button type="button" class="button button-quiet" on:click=move |_| message.set(None)>{i18n.t(Key::Dismiss)}</button>
                </div>
            })}
            {move || match board.with(|b| b.as_ref().map(|b| b.as_ref().err().cloned())) {
                None => view! { <Loading/> }.into_any(),
                Some(Some(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| reload())/> }.into_any(),
                Some(None) => columns().into_any(),
            }}
            {note_dialog}
        </div>
    }
}

/// Listen to the mediation board's live stream. A change to a file the board shows at an
/// older version or another stage, or to a file it does not show, reads the board again;
/// `resync` (the stream fell behind) and every (re)opening of the stream do too.
fn start_live(
    board: LocalResource<Result<Vec<BoardColumn>, ApiError>>,
    reload: impl Fn() + Copy + 'static,
    moved: impl Fn(String, MediationStage) + Copy + 'static,
) -> Option<LiveEvents> {
    let on_file = move |change: LiveFileChange| {
        let known = board.with_untracked(|b| {
            b.as_ref()?
                .as_ref()
                .ok()?
                .iter()
                .flat_map(|c| c.cards.iter())
                .find(|c| c.id == change.file_id)
                .map(|c| (c.version, c.stage, c.title.clone()))
        });
        match known {
            Some((v, stage, _)) if v >= change.version && stage == change.stage => {}
            Some((_, stage, title)) => {
                if stage != change.stage {
                    moved(title, change.stage);
                }
                reload();
            }
            None => reload(),
        }
    };
    LiveEvents::open(&api::mediation_live_url(None), "file", on_file, reload)
        .map(|live| live.on_open(reload))
}
