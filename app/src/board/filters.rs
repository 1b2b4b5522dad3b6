//! The board's filters: what the user chose (saved as the `board.filters` setting), and the
//! bar to choose it (grid, category, assignee, source, swimlanes, text, overdue).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::board::Board;
use shared::cases::{Assignee, CaseMeta, Source};
use shared::places::PlaceRefWithPath;
use shared::supervision::Mark;

use crate::api::{self, ApiError, ApiResult};
use crate::cases::category_name;
use crate::i18n::{Key, use_i18n};

/// How the board is split into rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lanes {
    #[default]
    None,
    Grid,
    Assignee,
    Category,
}

impl Lanes {
    pub const ALL: [Lanes; 4] = [Lanes::None, Lanes::Grid, Lanes::Assignee, Lanes::Category];
    pub fn as_str(self) -> &'static str {
        match self {
            Lanes::None => "none",
            Lanes::Grid => "grid",
            Lanes::Assignee => "assignee",
            Lanes::Category => "category",
        }
    }
    pub fn key(self) -> Key {
        match self {
            Lanes::None => Key::LanesNone,
            Lanes::Grid => Key::LanesGrid,
            Lanes::Assignee => Key::LanesAssignee,
            Lanes::Category => Key::LanesCategory,
        }
    }
}

/// The user's filters (saved as the `board.filters` setting).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub grid_id: Option<i64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub overdue: bool,
    /// 黄牌 or 红牌 only.
    #[serde(default)]
    pub mark: Option<Mark>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub lanes: Lanes,
}

impl Filters {
    /// The board's query string.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(g) = self.grid_id {
            parts.push(format!("grid_id={g}"));
        }
        if let Some(c) = self.category_id {
            parts.push(format!("category_id={c}"));
        }
        if let Some(a) = self.assignee_id {
            parts.push(format!("assignee_id={a}"));
        }
        if let Some(s) = self.source {
            parts.push(format!("source={}", s.as_str()));
        }
        if self.overdue {
            parts.push("overdue=true".into());
        }
        if let Some(m) = self.mark {
            parts.push(format!("mark={}", m.as_str()));
        }
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", api::encode(self.q.trim())));
        }
        parts.join("&")
    }

    pub fn is_filtered(&self) -> bool {
        Filters {
            lanes: Lanes::None,
            ..self.clone()
        } != Filters::default()
    }
}

/// The filter bar. Assignees offered: those on the board, everyone who may take cases, and
/// the one chosen.
#[component]
pub fn FilterBar(
    filters: RwSignal<Filters>,
    filters_open: RwSignal<bool>,
    board: RwSignal<Option<Result<Board, ApiError>>>,
    meta: LocalResource<ApiResult<CaseMeta>>,
    grids: LocalResource<ApiResult<Vec<PlaceRefWithPath>>>,
    people: LocalResource<ApiResult<Vec<Assignee>>>,
    set_filters: Callback<Filters>,
) -> impl IntoView {
    let i18n = use_i18n();
    let assignee_options = move || {
        let mut v: Vec<(i64, String)> = board
            .with(|b| {
                b.as_ref().and_then(|b| b.as_ref().ok()).map(|b| {
                    b.columns
                        .iter()
                        .flat_map(|c| c.cards.iter())
                        .filter_map(|c| Some((c.case.assignee_id?, c.assignee_name.clone()?)))
                        .collect()
                })
            })
            .unwrap_or_default();
        // Everyone who may take cases (the server says who), not only those on the board now.
        if let Some(Ok(list)) = people.get() {
            for a in list {
                if !v.iter().any(|(id, _)| *id == a.id) {
                    v.push((a.id, a.display_name));
                }
            }
        }
        if let Some(a) = filters.with(|f| f.assignee_id) {
            if !v.iter().any(|(id, _)| *id == a) {
                v.push((a, format!("#{a}")));
            }
        }
        v.sort();
        v.dedup();
        v
    };
    let q_text = RwSignal::new(String::new());
    Effect::new(move |_| q_text.set(filters.with(|f| f.q.clone())));
    view! {
        <button type="button" class="button button-secondary board-filters-toggle" data-testid="filters-toggle"
            aria-controls="board-filters" aria-expanded=move || filters_open.get().to_string()
            on:click=move |_| filters_open.update(|o| *o = !*o)>
            {move || i18n.t(Key::FiltersToggle)}
            {move || filters.with(Filters::is_filtered).then(|| " •")}
        </button>
        <form class="board-filters" id="board-filters" class:is-open=move || filters_open.get() data-testid="board-filters" on:submit=move |ev| {
            ev.prevent_default();
            let mut f = filters.get_untracked();
            f.q = q_text.get_untracked();
            set_filters.run(f);
        }>
            <div class="field">
                <label for="f-grid">{move || i18n.t(Key::FilterGrid)}</label>
                <select id="f-grid" data-testid="filter-grid" on:change=move |ev| { let mut f = filters.get_untracked(); f.grid_id = event_target_value(&ev).parse().ok(); set_filters.run(f); }>
                    <option value="">{move || i18n.t(Key::All)}</option>
                    {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g: PlaceRefWithPath| {
                        let id = g.place.id;
                        view! { <option value=id.to_string() selected=move || filters.with(|f| f.grid_id == Some(id)) data-user-text>{g.place.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-category">{move || i18n.t(Key::Category)}</label>
                <select id="f-category" data-testid="filter-category" on:change=move |ev| { let mut f = filters.get_untracked(); f.category_id = event_target_value(&ev).parse().ok(); set_filters.run(f); }>
                    <option value="">{move || i18n.t(Key::All)}</option>
                    {move || meta.get().and_then(Result::ok).map(|m| {
                        let lang = i18n.get();
                        m.categories.iter().filter(|g| g.parent_id.is_none()).map(|g| {
                            let items: Vec<_> = m.categories.iter().filter(|c| c.parent_id == Some(g.id)).cloned().collect();
                            view! {
                                <optgroup label=category_name(g, lang)>
                                    {items.into_iter().map(|c| { let id = c.id; view! {
                                        <option value=id.to_string() selected=move || filters.with(|f| f.category_id == Some(id))>{category_name(&c, lang)}</option>
                                    } }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()
                    })}
                </select>
            </div>
            <div class="field">
                <label for="f-assignee">{move || i18n.t(Key::Assignee)}</label>
                <select id="f-assignee" data-testid="filter-assignee" on:change=move |ev| { let mut f = filters.get_untracked(); f.assignee_id = event_target_value(&ev).parse().ok(); set_filters.run(f); }>
                    <option value="">{move || i18n.t(Key::All)}</option>
                    {move || assignee_options().into_iter().map(|(id, n)| view! {
                        <option value=id.to_string() selected=move || filters.with(|f| f.assignee_id == Some(id))>{n}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-source">{move || i18n.t(Key::CaseSource)}</label>
                <select id="f-source" data-testid="filter-source" on:change=move |ev| { let mut f = filters.get_untracked(); f.source = Source::parse(&event_target_value(&ev)); set_filters.run(f); }>
                    <option value="">{move || i18n.t(Key::All)}</option>
                    {Source::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || filters.with(|f| f.source == Some(s))>{move || i18n.text(s.text())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-mark">{move || i18n.t(Key::FilterMark)}</label>
                <select id="f-mark" data-testid="filter-mark" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let mut f = filters.get_untracked();
                    f.mark = Mark::ALL.into_iter().find(|m| m.as_str() == v);
                    set_filters.run(f);
                }>
                    <option value="" selected=move || filters.with(|f| f.mark.is_none())>{move || i18n.t(Key::MarkAny)}</option>
                    {Mark::ALL.into_iter().map(|m| view! {
                        <option value=m.as_str() selected=move || filters.with(|f| f.mark == Some(m))>{move || i18n.text(m.text())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-lanes">{move || i18n.t(Key::Swimlanes)}</label>
                <select id="f-lanes" data-testid="filter-lanes" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let mut f = filters.get_untracked();
                    f.lanes = Lanes::ALL.into_iter().find(|l| l.as_str() == v).unwrap_or_default();
                    set_filters.run(f);
                }>
                    {Lanes::ALL.into_iter().map(|l| view! {
                        <option value=l.as_str() selected=move || filters.with(|f| f.lanes == l)>{move || i18n.t(l.key())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field field-search">
                <label for="f-q">{move || i18n.t(Key::FilterText)}</label>
                <div class="search-row">
                    <input id="f-q" type="search" data-testid="filter-q" autocomplete="off" bind:value=q_text/>
                    <button type="submit" class="button button-secondary">{move || i18n.t(Key::SearchButton)}</button>
                </div>
            </div>
            <label class="choice">
                <input type="checkbox" data-testid="filter-overdue" prop:checked=move || filters.with(|f| f.overdue)
                    on:change=move |ev| { let mut f = filters.get_untracked(); f.overdue = event_target_checked(&ev); set_filters.run(f); }/>
                {move || i18n.t(Key::OnlyOverdue)}
            </label>
            {move || filters.with(Filters::is_filtered).then(|| view! {
                <button type="button" class="button button-quiet" data-testid="filter-clear"
                    on:click=move |_| { let lanes = filters.with_untracked(|f| f.lanes); set_filters.run(Filters { lanes, ..Filters::default() }); }>
                    {i18n.t(Key::ClearFilters)}
                </button>
            })}
        </form>
    }
}
