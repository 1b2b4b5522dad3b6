//! 统计分析: the dashboard. The period and the area are chosen at the top; the headline
//! figures compare with the period before and the same period last year (in words, not by
//! colour alone), each with its formula (`shared::stats`) on hover, tap and focus; a trend and
//! a breakdown are drawn as SVG, each with a data table beside it; a bar of the breakdown
//! opens the list of exactly the cases it counts (`/stats/cases`).

mod charts;
mod drill;
mod report;

pub use drill::{CaseCards, CasePager, StatsCasesPage};
pub use report::StatsReportPage;

use leptos::prelude::*;
use shared::accounts::{Permission, Reach};
use shared::calendar::format_day;
use shared::i18n::Lang;
use shared::places::PlaceKind;
use shared::stats::{
    Breakdown, BreakdownBy, CategoryTimes, Dashboard, ExportFormat, ExportKind, FigureGroup,
    FigureId, FigureValue, Interval, PeriodKind, Trend, Unit, VisitTally,
};

use crate::accounts::{RequirePermission, use_session};
use crate::api;
use crate::i18n::{I18n, Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// What the page counts: the period and the area, as the API's query string.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub kind: Option<PeriodKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place_id: Option<i64>,
    /// The grid of a chosen micro-grid: only for the page's own address, so a link back
    /// restores both pickers (the API does not need it).
    pub grid: Option<i64>,
}

impl Selection {
    /// The choices as the page's address holds them (`/stats?…`), read back on arrival.
    pub fn from_query(m: &leptos_router::params::ParamsMap) -> Selection {
        Selection {
            kind: m.get("period").and_then(|k| PeriodKind::parse(&k)),
            from: m.get("from").filter(|s| !s.is_empty()),
            to: m.get("to").filter(|s| !s.is_empty()),
            place_id: m.get("place_id").and_then(|v| v.parse().ok()),
            grid: m.get("grid").and_then(|v| v.parse().ok()),
        }
    }

    /// The page's address query: the API's plus the grid of a micro-grid.
    pub fn page_query(&self) -> String {
        match self.grid {
            Some(g) => format!("{}&grid={g}", self.query()),
            None => self.query(),
        }
    }

    /// The API's query string.
    pub fn query(&self) -> String {
        let mut parts = vec![format!(
            "period={}",
            self.kind.unwrap_or(PeriodKind::Month).as_str()
        )];
        if let Some(f) = &self.from {
            parts.push(format!("from={}", api::encode(f)));
        }
        if let Some(t) = &self.to {
            parts.push(format!("to={}", api::encode(t)));
        }
        if let Some(p) = self.place_id {
            parts.push(format!("place_id={p}"));
        }
        parts.join("&")
    }
}

#[component]
pub fn StatsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewStatistics>
            <StatsDashboard/>
        </RequirePermission>
    }
}

/// A figure's value as people read it: "12 件", "75.0%", "3.5 小时", "—".
pub fn format_value(unit: Unit, v: Option<f64>, lang: Lang) -> String {
    let Some(v) = v else {
        return "—".into();
    };
    match unit {
        Unit::Ratio => format!("{:.1}%", v * 100.0),
        Unit::Hours => format!("{v:.1} {}", unit.text().get(lang)),
        _ => match lang {
            Lang::ZhCn => format!("{} {}", v.round() as i64, unit.text().get(lang)),
            Lang::En => format!("{}", v.round() as i64),
        },
    }
}

/// The change against an earlier value, in words with an arrow: "↑ 多 2", "↓ 低 5.0 个百分点".
fn compare(i18n: I18n, unit: Unit, now: Option<f64>, then: Option<f64>) -> (String, &'static str) {
    let (Some(now), Some(then)) = (now, then) else {
        return (i18n.t(Key::StatsNoCompare).into(), "same");
    };
    let (delta, shown, up, down) = match unit {
        Unit::Ratio => {
            let d = (now - then) * 100.0;
            (
                d,
                format!("{:.1}", d.abs()),
                Key::StatsUpRate,
                Key::StatsDownRate,
            )
        }
        Unit::Hours => {
            let d = now - then;
            (
                d,
                format!("{:.1}", d.abs()),
                Key::StatsUpHours,
                Key::StatsDownHours,
            )
        }
        _ => {
            let d = (now - then).round();
            (
                d,
                format!("{}", d.abs() as i64),
                Key::StatsUp,
                Key::StatsDown,
            )
        }
    };
    if shown.trim_start_matches(['0', '.']).is_empty() {
        (i18n.t(Key::StatsSame).into(), "same")
    } else if delta > 0.0 {
        (i18n.fmt(up, &[("d", &shown)]), "up")
    } else {
        (i18n.fmt(down, &[("d", &shown)]), "down")
    }
}

#[component]
fn StatsDashboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| set_title(i18n.t(Key::StatsTitle), i18n.get()));
    let own_grids_only = session
        .principal()
        .is_some_and(|p| p.reach(Permission::ViewStatistics) == Reach::OwnGrids);
    let my_grids: Vec<i64> = session.principal().map(|p| p.grid_ids).unwrap_or_default();

    // The choices as made, and as applied (the figures follow the applied ones); both start
    // from the page's address, which every change rewrites, so a link back restores them.
    let start = leptos_router::hooks::use_query_map().with_untracked(Selection::from_query);
    let kind = RwSignal::new(start.kind.unwrap_or(PeriodKind::Month));
    let from = RwSignal::new(start.from.clone().unwrap_or_default());
    let to = RwSignal::new(start.to.clone().unwrap_or_default());
    let (start_grid, start_micro) = match start.grid {
        Some(g) => (Some(g), start.place_id),
        None => (start.place_id, None),
    };
    let grid = RwSignal::new(start_grid);
    let micro = RwSignal::new(start_micro);
    let applied = RwSignal::new(start);
    // Stored, so the handlers that apply a choice stay `Copy`.
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    let apply = move || {
        let k = kind.get_untracked();
        let custom = k == PeriodKind::Custom;
        let m = micro.get_untracked();
        let sel = Selection {
            kind: Some(k),
            from: custom
                .then(|| from.get_untracked())
                .filter(|s| !s.is_empty()),
            to: custom.then(|| to.get_untracked()).filter(|s| !s.is_empty()),
            place_id: m.or(grid.get_untracked()),
            grid: m.and(grid.get_untracked()),
        };
        navigate.with_value(|go| {
            go(
                &format!("/stats?{}", sel.page_query()),
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            )
        });
        applied.set(sel);
    };
    let trend_figure = RwSignal::new(FigureId::CasesReported);
    let interval = RwSignal::new(None::<Interval>);
    let by = RwSignal::new(BreakdownBy::Category);

    let grids = LocalResource::new(move || {
        let mine = my_grids.clone();
        async move {
            api::grids().await.map(|gs| {
                gs.into_iter()
                    .filter(|g| !own_grids_only || mine.contains(&g.place.id))
                    .collect::<Vec<_>>()
            })
        }
    });
    let micros = LocalResource::new(move || {
        let g = grid.get();
        async move {
            match g {
                Some(g) => api::children(g).await.map(|cs| {
                    cs.into_iter()
                        .filter(|c| c.kind == PlaceKind::MicroGrid)
                        .collect::<Vec<_>>()
                }),
                None => Ok(Vec::new()),
            }
        }
    });
    let dashboard = LocalResource::new(move || {
        let q = applied.get().query();
        async move { api::get::<Dashboard>(&format!("/stats?{q}")).await }
    });
    let trend = LocalResource::new(move || {
        let mut q = applied.get().query();
        q.push_str(&format!("&figure={}", trend_figure.get().as_str()));
        if let Some(i) = interval.get() {
            q.push_str(&format!("&interval={}", interval_name(i)));
        }
        async move { api::get::<Trend>(&format!("/stats/trend?{q}")).await }
    });
    let breakdown = LocalResource::new(move || {
        let q = format!("{}&by={}", applied.get().query(), by_name(by.get()));
        async move { api::get::<Breakdown>(&format!("/stats/breakdown?{q}")).await }
    });

    let period_choice = move || {
        PeriodKind::ALL.into_iter().map(|k| {
            view! {
                <option value=k.as_str() selected=move || kind.get() == k>{move || i18n.text(k.text())}</option>
            }
        }).collect_view()
    };

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::StatsTitle)}</h1>
        </div>
        <p class="hint">{move || i18n.t(Key::StatsIntro)}</p>
        <form class="stats-controls" data-testid="stats-controls" aria-label=move || i18n.t(Key::StatsChoose)
            on:submit=move |ev| { ev.prevent_default(); apply(); }>
            <div class="field">
                <label for="stats-period">{move || i18n.t(Key::StatsPeriod)}</label>
                <select id="stats-period" data-testid="stats-period" on:change=move |ev| {
                    if let Some(k) = PeriodKind::parse(&event_target_value(&ev)) {
                        kind.set(k);
                        if k != PeriodKind::Custom { apply(); }
                    }
                }>{period_choice}</select>
            </div>
            <Show when=move || kind.get() == PeriodKind::Custom>
                <div class="field">
                    <label for="stats-from">{move || i18n.t(Key::StatsFrom)}</label>
                    <input id="stats-from" type="date" data-testid="stats-from" prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="stats-to">{move || i18n.t(Key::StatsTo)}</label>
                    <input id="stats-to" type="date" data-testid="stats-to" prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <div class="field field-button">
                    <button type="submit" class="button button-primary" data-testid="stats-apply">{move || i18n.t(Key::StatsApply)}</button>
                </div>
            </Show>
            <div class="field">
                <label for="stats-grid">{move || i18n.t(Key::StatsScope)}</label>
                <select id="stats-grid" data-testid="stats-grid" on:change=move |ev| {
                    grid.set(event_target_value(&ev).parse().ok());
                    micro.set(None);
                    apply();
                }>
                    <option value="" selected=move || grid.get().is_none()>{move || i18n.t(if own_grids_only { Key::StatsMyGrids } else { Key::StatsWholeCommunity })}</option>
                    {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                        let id = g.place.id;
                        view! { <option value=id.to_string() selected=move || grid.get() == Some(id) data-user-text>{g.place.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Show when=move || grid.get().is_some()>
                <div class="field">
                    <label for="stats-micro">{move || i18n.t(Key::StatsMicroGrid)}</label>
                    <select id="stats-micro" data-testid="stats-micro" on:change=move |ev| {
                        micro.set(event_target_value(&ev).parse().ok());
                        apply();
                    }>
                        <option value="" selected=move || micro.get().is_none()>{move || i18n.t(Key::StatsAnyMicroGrid)}</option>
                        {move || micros.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| {
                            let id = m.id;
                            view! { <option value=id.to_string() selected=move || micro.get() == Some(id) data-user-text>{m.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </Show>
        </form>

        <section class="stats-section" aria-labelledby="stats-headline">
            <h2 id="stats-headline">{move || i18n.t(Key::StatsHeadline)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match dashboard.await {
                        Ok(d) => view! { <Headline dashboard=d selection=applied.get_untracked()/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| dashboard.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>

        <section class="stats-section" aria-labelledby="stats-trend">
            <h2 id="stats-trend">{move || i18n.t(Key::StatsTrend)}</h2>
            <div class="stats-controls">
                <div class="field">
                    <label for="stats-trend-figure">{move || i18n.t(Key::StatsFigure)}</label>
                    <select id="stats-trend-figure" data-testid="stats-trend-figure" on:change=move |ev| {
                        if let Some(f) = FigureId::parse(&event_target_value(&ev)) { trend_figure.set(f); }
                    }>
                        {FigureId::ALL.into_iter().filter(|f| f.has_trend()).map(|f| view! {
                            <option value=f.as_str() selected=move || trend_figure.get() == f>{move || i18n.text(f.definition().name)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="stats-interval">{move || i18n.t(Key::StatsInterval)}</label>
                    <select id="stats-interval" data-testid="stats-interval" on:change=move |ev| {
                        interval.set(Interval::ALL.into_iter().find(|i| interval_name(*i) == event_target_value(&ev)));
                    }>
                        <option value="" selected=move || interval.get().is_none()>{move || i18n.t(Key::StatsAutoInterval)}</option>
                        {Interval::ALL.into_iter().map(|i| view! {
                            <option value=interval_name(i) selected=move || interval.get() == Some(i)>{move || i18n.text(i.text())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match trend.await {
                        Ok(t) => view! { <charts::TrendChart trend=t/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| trend.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>

        <section class="stats-section" aria-labelledby="stats-breakdown">
            <h2 id="stats-breakdown">{move || i18n.t(Key::StatsBreakdown)}</h2>
            <div class="stats-controls">
                <div class="field">
                    <label for="stats-by">{move || i18n.t(Key::StatsBreakdownBy)}</label>
                    <select id="stats-by" data-testid="stats-by" on:change=move |ev| {
                        if let Some(b) = BreakdownBy::ALL.into_iter().find(|b| by_name(*b) == event_target_value(&ev)) { by.set(b); }
                    }>
                        {BreakdownBy::ALL.into_iter().map(|b| view! {
                            <option value=by_name(b) selected=move || by.get() == b>{move || i18n.text(b.text())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match breakdown.await {
                        Ok(b) => view! { <charts::BreakdownChart breakdown=b selection=applied.get_untracked()/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| breakdown.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

pub fn interval_name(i: Interval) -> &'static str {
    match i {
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
    }
}

pub fn by_name(b: BreakdownBy) -> &'static str {
    match b {
        BreakdownBy::Category => "category",
        BreakdownBy::Grid => "grid",
        BreakdownBy::Source => "source",
        BreakdownBy::ResponsibleParty => "responsible_party",
        BreakdownBy::GridWorker => "grid_worker",
    }
}

/// Links that download the records of `kind` a query selects, as CSV and as XLSX (plain
/// links: the browser streams the file to disk and shows its progress).
#[component]
pub fn ExportLinks(
    query: String,
    #[prop(into, default = Signal::stored(ExportKind::Cases))] kind: Signal<ExportKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = StoredValue::new(query);
    let href = move |f: ExportFormat| {
        format!(
            "/api/v1/stats/export?kind={}&format={}&{}",
            kind.get().as_str(),
            f.as_str(),
            query.get_value()
        )
    };
    view! {
        <a class="button button-secondary" href=move || href(ExportFormat::Csv) download="" data-testid="export-csv">{move || i18n.t(Key::StatsExportCsv)}</a>
        <a class="button button-secondary" href=move || href(ExportFormat::Xlsx) download="" data-testid="export-xlsx">{move || i18n.t(Key::StatsExportXlsx)}</a>
    }
}

/// The choice of what to export (cases, visits, errands, meals, mediation files, council
/// items) and its two links; the hint says which of the period's records the file holds.
#[component]
fn ExportChoice(query: String) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(ExportKind::Cases);
    view! {
        <div class="field export-choice">
            <label for="stats-export-kind">{move || i18n.t(Key::StatsExportWhat)}</label>
            <select id="stats-export-kind" data-testid="stats-export-kind" aria-describedby="stats-export-hint"
                on:change=move |ev| if let Some(k) = ExportKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                {ExportKind::ALL.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=move || kind.get() == k>{move || i18n.text(k.text())}</option>
                }).collect_view()}
            </select>
            <span id="stats-export-hint" class="hint">{move || i18n.text(kind.get().selects())}</span>
        </div>
        <ExportLinks query kind/>
    }
}

#[component]
fn Headline(dashboard: Dashboard, selection: Selection) -> impl IntoView {
    let i18n = use_i18n();
    let p = dashboard.period;
    // The report of the month the period starts in, for the same area.
    let report = {
        let mut q = format!("month={}", shared::stats::month_name(&p));
        if let Some(id) = dashboard.scope.place_id {
            q.push_str(&format!("&place_id={id}"));
        }
        format!("/stats/report?{q}")
    };
    let period_text = move || {
        i18n.fmt(
            Key::StatsShowing,
            &[("from", &format_day(p.from)), ("to", &format_day(p.to))],
        )
    };
    let scope_name = dashboard.scope.name.clone();
    let by_category = dashboard.by_category.clone();
    let figures = dashboard.figures;
    let visits_by_group = dashboard.visits_by_group;
    let directives = dashboard.directives;
    view! {
        <p class="stats-period" data-testid="stats-showing">
            <span>{period_text}</span>
            {scope_name.map(|n| view! { " · " <span data-user-text>{n}</span> })}
        </p>
        <div class="stats-actions">
            <a class="button button-primary" href=report data-testid="stats-report-link">{move || i18n.t(Key::StatsMonthlyReport)}</a>
            <a class="button button-secondary" href="/stats/assessment" data-testid="stats-assessment-link">{move || i18n.t(Key::AssessmentLink)}</a>
        </div>
        <div class="stats-actions stats-export" data-testid="stats-export">
            <ExportChoice query=selection.query()/>
        </div>
        <div data-testid="stats-tiles">
        {FigureGroup::ALL.into_iter().map(|g| {
            let tiles: Vec<FigureValue> = figures.iter().filter(|f| f.id.group() == g).cloned().collect();
            view! {
                <h3 class="stats-group-title">{move || i18n.text(g.text())}</h3>
                <ul class="stats-tiles" data-testid=format!("stats-tiles-{}", g.as_str())>
                    {tiles.into_iter().map(|f| view! { <Tile figure=f/> }).collect_view()}
                </ul>
            }
        }).collect_view()}
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
            <table class="report-table stats-table" data-testid="stats-visits-by-group">
                <caption>{move || i18n.t(Key::StatsVisitsByGroup)}</caption>
                <thead><tr>
                    <th scope="col">{move || i18n.t(Key::StatsSpecialGroup)}</th>
                    <th scope="col" class="num">{move || i18n.text(FigureId::VisitsDue.definition().name)}</th>
                    <th scope="col" class="num">{move || i18n.text(FigureId::VisitsOnSchedule.definition().name)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsOnScheduleRate)}</th>
                </tr></thead>
                <tbody>
                    {visits_by_group.is_empty().then(|| view! {
                        <tr><td colspan="4" class="muted">{move || i18n.t(Key::StatsNoVisitsDue)}</td></tr>
                    })}
                    {visits_by_group.into_iter().map(|g| {
                        let rate = VisitTally { due: g.due, on_schedule: g.on_schedule }.rate();
                        view! {
                            <tr>
                                <th scope="row">{move || match g.group {
                                    Some(group) => i18n.text(group.text()),
                                    None => i18n.t(Key::StatsNoGroup),
                                }}</th>
                                <td class="num">{g.due}</td>
                                <td class="num">{g.on_schedule}</td>
                                <td class="num">{move || format_value(Unit::Ratio, rate, i18n.get())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
            <table class="report-table stats-table" data-testid="stats-directives">
                <caption>{move || i18n.t(Key::StatsDirectives)}
                    <span class="muted stats-formula">" "{move || i18n.text(shared::stats::DIRECTIVE_FIGURES_TEXT)}</span></caption>
                <thead><tr>
                    <th scope="col">{move || i18n.t(Key::StatsGrid)}</th>
                    <th scope="col">{move || i18n.t(Key::StatsMonth)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsDirectivesIssued)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsDirectivesAcknowledged)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsDirectivesOverdue)}</th>
                </tr></thead>
                <tbody>
                    {directives.is_empty().then(|| view! {
                        <tr><td colspan="5" class="muted">{move || i18n.t(Key::DirectivesNone)}</td></tr>
                    })}
                    {directives.into_iter().map(|d| view! {
                        <tr data-testid="stats-directive-row">
                            <th scope="row" data-user-text>{d.grid_name}</th>
                            <td>{d.month}</td>
                            <td class="num">{d.issued}</td>
                            <td class="num">{d.acknowledged_in_time}</td>
                            <td class="num">{d.overdue}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
            <table class="report-table stats-table" data-testid="stats-by-category">
                <caption>{move || i18n.t(Key::StatsByCategory)}</caption>
                {close_times_rows(by_category)}
            </table>
        </div>
    }
}

/// One headline figure: its value, the comparisons in words, and its formula behind ⓘ.
#[component]
fn Tile(figure: FigureValue) -> impl IntoView {
    let i18n = use_i18n();
    let def = figure.id.definition();
    let open = RwSignal::new(false);
    let slug = figure.id.as_str();
    let formula_id = format!("formula-{slug}");
    let value = move || format_value(def.unit, figure.value, i18n.get());
    let vs_previous = move || compare(i18n, def.unit, figure.value, figure.previous);
    let vs_last_year = move || compare(i18n, def.unit, figure.value, figure.last_year);
    view! {
        <li class="stats-tile" class:formula-open=move || open.get() data-testid=format!("tile-{slug}")>
            <div class="stats-tile-head">
                <h3 class="stats-tile-name">{move || i18n.text(def.name)}</h3>
                <button type="button" class="formula-button" data-testid=format!("formula-button-{slug}")
                    aria-expanded=move || open.get().to_string() aria-controls=formula_id.clone() aria-describedby=formula_id.clone()
                    aria-label=move || i18n.fmt(Key::StatsFormulaOf, &[("name", i18n.text(def.name))])
                    on:click=move |_| open.update(|o| *o = !*o)>"ⓘ"</button>
            </div>
            <p class="stats-value" data-testid="stats-value">
                <span aria-hidden=move || figure.value.is_none().then_some("true")>{value}</span>
                {figure.value.is_none().then(|| view! { <span class="visually-hidden">{move || i18n.t(Key::StatsNoValue)}</span> })}
            </p>
            <p class="stats-compare">
                <span class="muted">{move || i18n.t(Key::StatsVsPrevious)}" "</span>
                <span class=move || format!("delta delta-{}", vs_previous().1) data-testid="vs-previous">{move || vs_previous().0}</span>
            </p>
            <p class="stats-compare">
                <span class="muted">{move || i18n.t(Key::StatsVsLastYear)}" "</span>
                <span class=move || format!("delta delta-{}", vs_last_year().1) data-testid="vs-last-year">{move || vs_last_year().0}</span>
            </p>
            <p class="stats-formula" role="tooltip" id=formula_id data-testid=format!("formula-{slug}")>
                <strong>{move || i18n.t(Key::StatsFormula)}</strong>" "{move || i18n.text(def.formula)}
            </p>
        </li>
    }
}

/// The head and rows of the table of times to close by category: on the dashboard and in the
/// monthly report.
pub(super) fn close_times_rows(by_category: Vec<CategoryTimes>) -> impl IntoView {
    let i18n = use_i18n();
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.1}")).unwrap_or_else(|| "—".into());
    view! {
        <thead><tr>
            <th scope="col">{move || i18n.t(Key::StatsCategory)}</th>
            <th scope="col" class="num">{move || i18n.t(Key::StatsClosedCount)}</th>
            <th scope="col" class="num">{move || i18n.t(Key::StatsAvgHours)}</th>
            <th scope="col" class="num">{move || i18n.t(Key::StatsP90Hours)}</th>
        </tr></thead>
        <tbody>
            {by_category.is_empty().then(|| view! {
                <tr><td colspan="4" class="muted">{move || i18n.t(Key::StatsNoClosed)}</td></tr>
            })}
            {by_category.into_iter().map(|c| view! {
                <tr>
                    <th scope="row" data-user-text>{c.name.clone()}</th>
                    <td class="num">{c.closed}</td>
                    <td class="num">{hours(c.avg_hours)}</td>
                    <td class="num">{hours(c.p90_hours)}</td>
                </tr>
            }).collect_view()}
        </tbody>
    }
}
