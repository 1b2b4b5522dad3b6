//! The status board: a column per stage (`Stage::BOARD`), cards in order, the header
//! figures, filters saved per user, swimlanes, WIP limits, and moving cards with the mouse
//! or the keyboard. A drop between columns is the lifecycle's `action_between(from, to)` and
//! is offered only when `check_move` allows it for this user; the server decides in the end.
//! Other people's changes arrive over the live stream (SSE) without a reload.
//!
//! The page's parts share one `state::BoardState`; `keys` and `pointer` turn key presses and
//! pointer drags into its moves, `columns` draws the cards, `figures` and `filters` the head.

mod columns;
mod figures;
mod filters;
mod keys;
mod pointer;
mod state;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::accounts::Principal;
use shared::cases::CaseView;
use shared::error::ErrorCode;

use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::cases::MoveDialog;
use crate::drag::focus_card;
use crate::i18n::{Key, Said, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};
use columns::{Columns, Names};
use figures::Figures;
use filters::{FilterBar, Filters};
use state::BoardState;

const SETTINGS_KEY: &str = shared::board::BOARD_FILTERS_SETTING;

/// Whether the user works the status board (the shared permission table's `WorkCases`).
pub fn may_use_board(p: &Principal) -> bool {
    p.may(shared::accounts::Permission::WorkCases)
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
    let state = BoardState::new(principal);
    crate::directives::provide_open_directives();
    let BoardState {
        filters,
        board,
        picked,
        pending,
        message,
        live_text,
        ..
    } = state;
    let names = Names {
        meta: LocalResource::new(api::case_meta),
        grids: LocalResource::new(api::grids),
    };
    let people = LocalResource::new(|| api::assignees(None));
    let filters_open = RwSignal::new(false);
    let settings_loaded = RwSignal::new(false);
    let live_started = StoredValue::new(false);
    // The live stream belongs to the page, not to the effect that opens it.
    let live = crate::live::page_stream();
    let touch_screen = crate::drag::touch_screen();

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
            state.reload();
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
        live.set_value(state.follow_live(cursor));
    });

    // Ctrl+Z: undo my last move.
    let undo_keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && !ev.shift_key() && ev.key().eq_ignore_ascii_case("z")
        {
            let in_field = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if !in_field && pending.with_untracked(Option::is_none) {
                ev.prevent_default();
                state.undo();
            }
        }
    });
    on_cleanup(move || undo_keys.remove());

    // While a card is picked up, every key belongs to it, wherever the focus is.
    let pick_keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if let Some(p) = picked.get_untracked()
            && pending.with_untracked(Option::is_none)
        {
            state.on_card_key(ev, p.id);
        }
    });
    on_cleanup(move || pick_keys.remove());

    let drag = state.card_drag();

    let parties = move || {
        names
            .meta
            .get()
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
                    on_done=Callback::new(move |v: CaseView| { pending.set(None); state.moved(id, v); })
                    on_cancel=Callback::new(move |_| {
                        pending.set(None);
                        state.tell(false, Said::new(Key::MoveCancelled));
                        focus_card(id);
                    })
                    on_error=Callback::new(move |e: ApiError| {
                        if e.is(ErrorCode::VersionConflict) || matches!(e, ApiError::Network) {
                            pending.set(None);
                            state.refused(e, id);
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
            <FilterBar filters filters_open board meta=names.meta grids=names.grids people set_filters/>
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
                Some(Some(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| state.reload())/> }.into_any(),
                Some(None) => view! { <Columns state names drag/> }.into_any(),
            }}
            {dialog}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::figures::fmt_rate;
    use super::filters::Lanes;
    use super::pointer::neighbours;
    use super::*;
    use shared::cases::Source;
    use shared::cases::{Action, Needs, Stage, action_between};

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
