//! The map's side panel (a bottom sheet on phones): the grid clicked with its leaders and
//! figures, links to its board and people, drill-down grid → micro-grid → building →
//! households, a case pin's summary, and "report here".

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::cases::Stage;
use shared::map::GridSummary;
use shared::places::{PlaceKind, PlaceSummary};

use super::MapCtx;
use crate::api::{self, ApiError};
use crate::cases::StageBadge;
use crate::i18n::{Key, use_i18n};

#[derive(Clone, Debug, PartialEq)]
pub struct PinInfo {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub stage: Stage,
    pub overdue: bool,
}

/// What the panel shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    Grid { id: i64, point: Option<(f64, f64)> },
    Pin(PinInfo),
    Outside { lon: f64, lat: f64 },
}

/// Start a report at a point (checks the point with the server first). A `Copy` handle.
#[derive(Clone, Copy)]
pub struct ReportAt(pub StoredValue<Rc<dyn Fn(f64, f64)>, LocalStorage>);

impl ReportAt {
    pub fn call(self, lon: f64, lat: f64) {
        let f = self.0.get_value();
        f(lon, lat);
    }
}

/// One step of the drill-down below the grid.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    id: i64,
    kind: PlaceKind,
    name: String,
}

#[component]
pub fn Panel(office_or_grid: bool, is_admin: bool) -> impl IntoView {
    let _ = office_or_grid;
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    let report_at = expect_context::<ReportAt>();
    let summary = RwSignal::new(None::<Result<GridSummary, ApiError>>);
    let steps = RwSignal::new(Vec::<Step>::new());
    let children = RwSignal::new(None::<Result<Vec<PlaceSummary>, ApiError>>);

    // A new grid: its figures, and the drill-down starts over.
    Effect::new(move |prev: Option<Option<i64>>| {
        let grid = ctx.selection.with(|s| match s {
            Some(Selection::Grid { id, .. }) => Some(*id),
            _ => None,
        });
        if grid.is_some() && prev.flatten() != grid {
            summary.set(None);
            steps.set(Vec::new());
            children.set(None);
            if let Some(id) = grid {
                spawn_local(async move {
                    summary.set(Some(api::get(&format!("/map/grids/{id}/summary")).await));
                });
            }
        }
        grid.or(prev.flatten())
    });

    let drill = move |step: Step| {
        steps.update(|s| {
            // Going to a sibling replaces the deeper steps.
            let depth = match step.kind {
                PlaceKind::MicroGrid => 0,
                PlaceKind::Building => 1,
                _ => 2,
            };
            s.truncate(depth);
            s.push(step.clone());
        });
        children.set(None);
        let id = step.id;
        canvas_select(id);
        if step.kind != PlaceKind::Household {
            spawn_local(async move {
                children.set(Some(api::children(id).await));
            });
        }
    };

    let close = move |_| {
        ctx.selection.set(None);
        ctx.status.set(None);
    };

    let grid_view = move |s: GridSummary| {
        let id = s.grid.id;
        let path = s
            .path
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join(" / ");
        let leaders = s.leaders.clone();
        let micro = s.micro_grids.clone();
        let point = ctx.selection.with_untracked(|sel| match sel {
            Some(Selection::Grid { point, .. }) => *point,
            _ => None,
        });
        let report = report_at;
        view! {
            <h2 id="map-panel-title" data-testid="panel-title" data-user-text>{s.grid.name.clone()}</h2>
            <p class="muted">{path}</p>
            <dl class="map-facts" data-testid="panel-facts">
                {(!leaders.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Key::MapLeaders)}</dt>
                    <dd data-testid="panel-leaders">{leaders.iter().map(|l| format!("{} {}", i18n.text(l.title.text()), l.name)).collect::<Vec<_>>().join("、")}</dd>
                })}
                <dt>{move || i18n.t(Key::MapBuildings)}</dt>
                <dd>{s.buildings}</dd>
                {s.cases.map(|c| view! {
                    <dt>{move || i18n.t(Key::MapOpenCases)}</dt>
                    <dd data-testid="panel-open">{c.open}</dd>
                    <dt>{move || i18n.t(Key::MapOverdueCases)}</dt>
                    <dd data-testid="panel-overdue" class:overdue={c.overdue > 0}>{c.overdue}</dd>
                })}
                {s.special_group_households.map(|n| view! {
                    <dt>{move || i18n.t(Key::MapSpecialHouseholds)}</dt>
                    <dd data-testid="panel-special">{n}</dd>
                })}
                {s.visits_this_month.map(|n| view! {
                    <dt>{move || i18n.t(Key::MapVisitsThisMonth)}</dt>
                    <dd data-testid="panel-visits">{n}</dd>
                })}
            </dl>
            <div class="map-links">
                {s.cases.is_some().then(|| view! {
                    <a class="button button-secondary" data-testid="panel-board" href=format!("/board?grid_id={id}")>{move || i18n.t(Key::MapGridBoard)}</a>
                })}
                <a class="button button-secondary" data-testid="panel-people" href=format!("/places/{id}")>{move || i18n.t(Key::MapGridPeople)}</a>
                <a class="button button-secondary" data-testid="panel-council" href="/council">{move || i18n.t(Key::MapGridCouncil)}</a>
                {point.map(|(lon, lat)| view! {
                    <button type="button" class="button button-primary" data-testid="panel-report"
                        on:click=move |_| report.call(lon, lat)>{move || i18n.t(Key::MapReportHere)}</button>
                })}
                {is_admin.then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="panel-edit"
                        on:click=move |_| super::edit::start(ctx, id)>{move || i18n.t(Key::MapEditOutline)}</button>
                })}
                {is_admin.then(|| {
                    let name = s.grid.name.clone();
                    view! {
                        <button type="button" class="button button-quiet" data-testid="panel-draw"
                            on:click=move |_| super::edit::start_drawing(ctx, PlaceKind::MicroGrid, id, name.clone())>{move || i18n.t(Key::MapDrawNew)}</button>
                    }
                })}
            </div>
            <nav class="map-drill" aria-label=move || i18n.t(Key::MapDrillDown)>
                <h3>{move || i18n.t(Key::MapMicroGrids)}</h3>
                <ul class="drill-list" data-testid="drill-micro">
                    {micro.into_iter().map(|m| {
                        let step = Step { id: m.id, kind: PlaceKind::MicroGrid, name: m.name.clone() };
                        let mid = m.id;
                        view! {
                            <li><button type="button" class="button button-quiet drill-button" data-testid="drill-item"
                                aria-pressed=move || steps.with(|s| s.iter().any(|x| x.id == mid)).to_string()
                                on:click=move |_| drill(step.clone())>{m.name.clone()}</button></li>
                        }
                    }).collect_view()}
                </ul>
                {move || {
                    let s = steps.get();
                    let last = s.last().cloned();
                    last.map(|last| view! {
                        <p class="drill-path" data-testid="drill-path">
                            {s.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(" › ")}
                        </p>
                        <a class="drill-open" href=format!("/places/{}", last.id)>{i18n.t(Key::MapOpenPlace)}</a>
                        {(is_admin && last.kind == PlaceKind::MicroGrid).then(|| view! {
                            <button type="button" class="button button-quiet" data-testid="drill-edit"
                                on:click=move |_| super::edit::start(ctx, last.id)>{i18n.t(Key::MapEditMicroGrid)}</button>
                        })}
                    })
                }}
                {move || children.get().map(|r| match r {
                    Err(e) => view! { <p class="field-error">{e.message(i18n.get())}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{i18n.t(Key::MapNothingBelow)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="drill-list" data-testid="drill-children">
                            {list.into_iter().map(|c| {
                                let step = Step { id: c.id, kind: c.kind, name: c.name.clone() };
                                let households = c.kind == PlaceKind::Household;
                                let href = format!("/places/{}", c.id);
                                view! {
                                    <li>{if households {
                                        view! { <a class="button button-quiet drill-button" data-testid="drill-item" href=href data-user-text>{c.name.clone()}</a> }.into_any()
                                    } else {
                                        view! { <button type="button" class="button button-quiet drill-button" data-testid="drill-item"
                                            on:click=move |_| drill(step.clone())>{c.name.clone()}</button> }.into_any()
                                    }}</li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </nav>
        }
    };

    let report_outside = report_at;
    let body = move || {
        match ctx.selection.get() {
        None => None,
        Some(Selection::Grid { .. }) => Some(
            match summary.get() {
                None => view! { <p>{i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{e.message(i18n.get())}</p> }.into_any(),
                Some(Ok(s)) => grid_view(s).into_any(),
            },
        ),
        Some(Selection::Pin(p)) => Some(
            view! {
                <h2 id="map-panel-title" data-testid="panel-title" data-user-text>{p.title.clone()}</h2>
                <p><span class="mono">{p.number.clone()}</span>" "<StageBadge stage=p.stage/>
                    {p.overdue.then(|| view! { " "<span class="badge badge-danger">{i18n.t(Key::MapOverdue)}</span> })}</p>
                <p><a class="button button-primary" data-testid="panel-case" href=format!("/cases/{}", p.id)>{i18n.t(Key::MapOpenCase)}</a></p>
            }
            .into_any(),
        ),
        Some(Selection::Outside { lon, lat }) => {
            let report = report_outside;
            // Inside the community but in no grid: room for a new grid (admins).
            let community = is_admin
                .then(|| super::canvas::with(|e| e.community_at(lon, lat)).flatten())
                .flatten();
            Some(
                view! {
                    <h2 id="map-panel-title" data-testid="panel-title">{i18n.t(Key::MapNoGridHere)}</h2>
                    <p class="muted">{format!("{lon:.5}, {lat:.5}")}</p>
                    {move || ctx.status.get().map(|m| view! { <p class="alert alert-error" data-testid="panel-error" role="alert">{m}</p> })}
                    <button type="button" class="button button-secondary" data-testid="panel-report"
                        on:click=move |_| report.call(lon, lat)>{i18n.t(Key::MapReportHere)}</button>
                    {community.map(|(id, name)| view! {
                        <button type="button" class="button button-quiet" data-testid="panel-draw-grid"
                            on:click=move |_| super::edit::start_drawing(ctx, PlaceKind::Grid, id, name.clone())>
                            {move || i18n.t(Key::MapDrawNewGrid)}</button>
                    })}
                }
                .into_any(),
            )
        }
    }
    };

    view! {
        <Show when=move || ctx.selection.with(Option::is_some)>
            <aside class="map-panel card" data-testid="map-panel" aria-labelledby="map-panel-title">
                <button type="button" class="button button-quiet map-panel-close" data-testid="panel-close"
                    aria-label=move || i18n.t(Key::MapClosePanel) on:click=close>"×"</button>
                {body}
            </aside>
        </Show>
        <super::edit::EditBar/>
        <super::edit::DrawBar/>
    }
}

fn canvas_select(id: i64) {
    super::canvas::with(|e| {
        e.selected = Some(id);
        e.invalidate();
    });
}
