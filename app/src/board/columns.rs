//! The board's body: a column per stage with its count and WIP limits, optionally split into
//! swimlanes (by grid, assignee or category), and the cards in them.

use leptos::prelude::*;
use shared::board::{Board, Card};
use shared::cases::{CaseMeta, Stage};
use shared::places::PlaceRefWithPath;

use super::filters::Lanes;
use super::state::BoardState;
use crate::api::ApiResult;
use crate::cases::{category_label, category_name, deadline_text, fmt_span, stage_slug};
use crate::clock::now;
use crate::drag::CardDrag;
use crate::i18n::{I18n, Key, use_i18n};

/// What the cards show by name rather than number: categories and grids.
#[derive(Clone, Copy)]
pub struct Names {
    pub meta: LocalResource<ApiResult<CaseMeta>>,
    pub grids: LocalResource<ApiResult<Vec<PlaceRefWithPath>>>,
}

impl Names {
    fn grid(self, id: Option<i64>, i18n: I18n) -> String {
        match id {
            None => i18n.t(Key::NoGrid).to_string(),
            Some(id) => self
                .grids
                .get()
                .and_then(Result::ok)
                .and_then(|g| g.into_iter().find(|g| g.place.id == id))
                .map(|g| g.place.name)
                .unwrap_or_else(|| format!("#{id}")),
        }
    }

    fn category(self, id: i64, i18n: I18n) -> String {
        self.meta
            .get()
            .and_then(Result::ok)
            .and_then(|m| m.categories.into_iter().find(|c| c.id == id))
            .map(|c| category_name(&c, i18n.get()))
            .unwrap_or_default()
    }

    /// The swimlane a card belongs to: its key and its title.
    fn lane(self, lanes: Lanes, card: &Card, i18n: I18n) -> (String, String) {
        match lanes {
            Lanes::None => (String::new(), String::new()),
            Lanes::Grid => (
                format!("g{}", card.case.grid_id.unwrap_or(0)),
                self.grid(card.case.grid_id, i18n),
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
                    self.meta.get().and_then(Result::ok).as_ref(),
                    card.case.category_id,
                    i18n.get(),
                ),
            ),
        }
    }
}

/// The columns (and lanes) of the loaded board.
#[component]
pub fn Columns(state: BoardState, names: Names, drag: CardDrag) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let Some((b, cols)) = state.shown.get() else {
            return ().into_any();
        };
        let lanes = state.filters.with(|f| f.lanes);
        let row = |lane: Option<&str>, labelled: bool| {
            column_row(state, names, drag, &b, &cols, lane, lanes, labelled)
        };
        if lanes == Lanes::None {
            return view! { <div class="board-columns" data-testid="board-columns">{row(None, true)}</div> }
                .into_any();
        }
        let mut keys: Vec<(String, String)> = cols
            .iter()
            .flatten()
            .map(|c| names.lane(lanes, c, i18n))
            .collect();
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
                    <div class="board-columns">{row(Some(&k), false)}</div>
                </section>
            }).collect_view()}
        }
        .into_any()
    }
}

/// One row of columns: the whole board, or one swimlane (`lane`) of it. The head of each
/// column is written out only where `labelled` (the lanes share one head row).
#[allow(clippy::too_many_arguments)]
fn column_row(
    state: BoardState,
    names: Names,
    drag: CardDrag,
    b: &Board,
    cols: &[Vec<Card>],
    lane: Option<&str>,
    lanes: Lanes,
    labelled: bool,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
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
            let cards: Vec<Card> = cols[ci]
                .iter()
                .filter(|c| lane.is_none_or(|l| names.lane(lanes, c, i18n).0 == l))
                .cloned()
                .collect();
            let head_id = format!("col-{}-{}", stage_slug(stage), lane.unwrap_or("all"));
            let head_ref = head_id.clone();
            let more = total as usize - cols[ci].len().min(total as usize);
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
                        {cards.into_iter().map(|c| board_card(c, ci, state, names, drag)).collect_view()}
                    </ol>
                    {(labelled && more > 0).then(|| view! {
                        <p class="hint">{i18n.fmt(Key::MoreCards, &[("n", &more.to_string())])}</p>
                    })}
                </section>
            }
        })
        .collect_view()
}

/// One card: number, photo, title, category, grid, assignee, time in the column, deadline.
/// It is moved by pointer (`drag`) or keyboard (`BoardState::on_card_key`) and opened by a
/// click on its title. A plain function, not a component: the names and the language it reads
/// are tracked by the board's body, which draws the cards again when they change.
fn board_card(
    card: Card,
    col: usize,
    state: BoardState,
    names: Names,
    drag: CardDrag,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let picked = state.picked;
    let id = card.case.id;
    let c = card.case.clone();
    let t = now();
    let is_picked = move || picked.with(|p| p.is_some_and(|p| p.id == id));
    let category = names.category(c.category_id, i18n);
    let grid = names.grid(c.grid_id, i18n);
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
                on:keydown=move |ev| if picked.with_untracked(Option::is_none) { state.on_card_key(ev, id) }
                on:pointerdown=move |ev| if picked.with_untracked(Option::is_none) { drag.down(&ev, id) }
                on:dragstart=|ev| ev.prevent_default()
                on:contextmenu=move |ev| if drag.pressing() { ev.prevent_default() }>
                <p class="board-card-top">
                    <span class="mono board-card-number">{card.case.number.clone()}</span>
                    {card.case.overdue.then(|| view! { <span class="badge badge-danger" data-testid="card-overdue">{i18n.t(Key::Overdue)}</span> })}
                    <crate::directives::DirectiveBadge case_id=id/>
                    {card.case.mark.map(crate::supervision::mark_badge)}
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
}
