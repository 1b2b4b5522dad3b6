//! 月度工作报告: the month's work as a printable page — the headline figures against the month
//! before and the same month last year, cases by week, grid and category, the visits per
//! special group, the disputes, the council's decisions and the notable cases — with the same
//! report as an XLSX workbook to download. Everything comes from `/stats/report`, so the page,
//! the workbook and the dashboard show the same numbers.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::Permission;
use shared::calendar::format_day;
use shared::stats::{
    BreakdownRow, FigureGroup, MonthlyReport, Unit, VisitTally, month_name, parse_month,
};

use super::{close_times_rows, format_value};
use crate::accounts::RequirePermission;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, When};

#[component]
pub fn StatsReportPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewStatistics>
            <Report/>
        </RequirePermission>
    }
}

/// The report's query: the month and the area (the dashboard's `place_id`).
fn query_of(month: &str, place_id: Option<i64>) -> String {
    let mut q = format!("month={}", api::encode(month));
    if let Some(p) = place_id {
        q.push_str(&format!("&place_id={p}"));
    }
    q
}

#[component]
fn Report() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::StatsReportTitle), i18n.get()));
    let start = use_query_map().with_untracked(|m| {
        (
            m.get("month")
                .filter(|s| parse_month(s).is_some())
                .unwrap_or_else(|| {
                    month_name(&shared::stats::Period::containing(
                        shared::stats::PeriodKind::Month,
                        crate::clock::today(),
                    ))
                }),
            m.get("place_id").and_then(|v| v.parse::<i64>().ok()),
        )
    });
    let month = RwSignal::new(start.0);
    let place_id = start.1;
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    let report = LocalResource::new(move || {
        let q = query_of(&month.get(), place_id);
        async move { api::get::<MonthlyReport>(&format!("/stats/report?{q}")).await }
    });
    let xlsx = move || {
        format!(
            "/api/v1/stats/report.xlsx?{}",
            query_of(&month.get(), place_id)
        )
    };
    let back = move || {
        let mut q = format!("period=month&from={}-01", month.get());
        if let Some(p) = place_id {
            q.push_str(&format!("&place_id={p}"));
        }
        format!("/stats?{q}")
    };
    view! {
        <div class="page-head report-actions">
            <h1>{move || i18n.t(Key::StatsReportTitle)}</h1>
            <a class="button button-secondary" href=back data-testid="report-back">{move || i18n.t(Key::StatsBack)}</a>
        </div>
        <form class="stats-controls report-actions" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="report-month">{move || i18n.t(Key::StatsReportMonth)}</label>
                <input id="report-month" type="month" data-testid="report-month" prop:value=move || month.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if parse_month(&v).is_some() {
                            month.set(v.clone());
                            let q = query_of(&v, place_id);
                            navigate.with_value(|go| go(&format!("/stats/report?{q}"), leptos_router::NavigateOptions {
                                replace: true, scroll: false, ..Default::default()
                            }));
                        }
                    }/>
            </div>
            <div class="field field-button">
                <button type="button" class="button button-primary" data-testid="report-print"
                    on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>
                    {move || i18n.t(Key::StatsPrint)}
                </button>
            </div>
            <div class="field field-button">
                // A plain link: the browser streams the file to disk and shows its progress.
                <a class="button button-secondary" href=xlsx download="" data-testid="report-xlsx">{move || i18n.t(Key::StatsDownloadXlsx)}</a>
            </div>
        </form>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <ReportBody report=r/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| report.refetch())/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A count or "—".
fn count(n: u64) -> String {
    n.to_string()
}

#[component]
fn ReportBody(report: MonthlyReport) -> impl IntoView {
    let i18n = use_i18n();
    let d = report.dashboard;
    let scope = d.scope.name.clone();
    let p = d.period;
    let heading = move || {
        i18n.fmt(
            Key::StatsReportOf,
            &[
                ("month", &report.month),
                ("from", &format_day(p.from)),
                ("to", &format_day(p.to)),
            ],
        )
    };
    let figures = d.figures;
    let weeks = report.weeks;
    let by_grid = report.by_grid;
    let by_category = report.by_category;
    let times = d.by_category;
    let visits = d.visits_by_group;
    let mediation = report.mediation;
    let decisions = report.decisions;
    let notable = report.notable_cases;
    let scroll = move || i18n.t(Key::StatsTableScroll);
    view! {
        <article class="monthly-report" data-testid="monthly-report">
            <h2 class="report-heading" data-testid="report-heading">
                {heading}
                {scope.map(|n| view! { " · " <span data-user-text>{n}</span> })}
            </h2>

            <section class="report-section" aria-labelledby="report-figures">
                <h3 id="report-figures">{move || i18n.t(Key::StatsHeadline)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-figures">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsFigure)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsThisMonth)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsPreviousMonth)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsSameMonthLastYear)}</th>
                    </tr></thead>
                    {FigureGroup::ALL.into_iter().map(|g| {
                        let rows: Vec<_> = figures.iter().filter(|f| f.id.group() == g).cloned().collect();
                        view! {
                            <tbody>
                                <tr class="report-group"><th scope="colgroup" colspan="4">{move || i18n.text(g.text())}</th></tr>
                                {rows.into_iter().map(|f| {
                                    let def = f.id.definition();
                                    view! {
                                        <tr data-testid=format!("report-figure-{}", f.id.as_str())>
                                            <th scope="row">{move || i18n.text(def.name)}</th>
                                            <td class="num" data-testid="report-value">{move || format_value(def.unit, f.value, i18n.get())}</td>
                                            <td class="num">{move || format_value(def.unit, f.previous, i18n.get())}</td>
                                            <td class="num">{move || format_value(def.unit, f.last_year, i18n.get())}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        }
                    }).collect_view()}
                </table>
                </div>
            </section>

            <section class="report-section" aria-labelledby="report-weeks">
                <h3 id="report-weeks">{move || i18n.t(Key::StatsReportWeeks)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-weeks">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsDate)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsReported)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsClosed)}</th>
                    </tr></thead>
                    <tbody>
                        {weeks.into_iter().map(|w| view! {
                            <tr>
                                <th scope="row"><span class="nowrap">{format_day(w.period.from)}</span>" – "<span class="nowrap">{format_day(w.period.to)}</span></th>
                                <td class="num">{count(w.reported)}</td>
                                <td class="num">{count(w.closed)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>

            <div class="report-pair">
                <CaseTable title=Key::StatsByGridTitle rows=by_grid testid="report-by-grid"/>
                <CaseTable title=Key::StatsByCategoryTitle rows=by_category testid="report-by-category"/>
            </div>

            <section class="report-section" aria-labelledby="report-times">
                <h3 id="report-times">{move || i18n.t(Key::StatsByCategory)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table">
                    {close_times_rows(times)}
                </table>
                </div>
            </section>

            <section class="report-section" aria-labelledby="report-visits">
                <h3 id="report-visits">{move || i18n.t(Key::StatsVisitsByGroup)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-visits">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsSpecialGroup)}</th>
                        <th scope="col" class="num">{move || i18n.text(shared::stats::FigureId::VisitsDue.definition().name)}</th>
                        <th scope="col" class="num">{move || i18n.text(shared::stats::FigureId::VisitsOnSchedule.definition().name)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsOnScheduleRate)}</th>
                    </tr></thead>
                    <tbody>
                        {visits.is_empty().then(|| view! { <tr><td colspan="4" class="muted">{move || i18n.t(Key::StatsNoVisitsDue)}</td></tr> })}
                        {visits.into_iter().map(|g| {
                            let rate = VisitTally { due: g.due, on_schedule: g.on_schedule }.rate();
                            view! {
                                <tr>
                                    <th scope="row">{move || match g.group { Some(x) => i18n.text(x.text()), None => i18n.t(Key::StatsNoGroup) }}</th>
                                    <td class="num">{g.due}</td>
                                    <td class="num">{g.on_schedule}</td>
                                    <td class="num">{move || format_value(Unit::Ratio, rate, i18n.get())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>

            <section class="report-section" aria-labelledby="report-mediation">
                <h3 id="report-mediation">{move || i18n.t(Key::StatsReportMediation)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-mediation">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsDisputeType)}</th>
                        <th scope="col" class="num">{move || i18n.text(shared::stats::FigureId::MediationAccepted.definition().name)}</th>
                        <th scope="col" class="num">{move || i18n.text(shared::stats::FigureId::MediationAgreed.definition().name)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsMediationFailed)}</th>
                        <th scope="col" class="num">{move || i18n.text(shared::stats::FigureId::MediationPerformed.definition().name)}</th>
                    </tr></thead>
                    <tbody>
                        {mediation.is_empty().then(|| view! { <tr><td colspan="5" class="muted">{move || i18n.t(Key::StatsNoDisputes)}</td></tr> })}
                        {mediation.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{move || i18n.text(m.dispute_type.text())}</th>
                                <td class="num">{m.accepted}</td>
                                <td class="num">{m.agreed}</td>
                                <td class="num">{m.failed}</td>
                                <td class="num">{m.performed}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>

            <section class="report-section" aria-labelledby="report-decisions">
                <h3 id="report-decisions">{move || i18n.t(Key::StatsReportDecisions)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-decisions">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsItem)}</th>
                        <th scope="col">{move || i18n.t(Key::StatsDecidedAt)}</th>
                        <th scope="col">{move || i18n.t(Key::StatsDeadline)}</th>
                        <th scope="col">{move || i18n.t(Key::StatsState)}</th>
                    </tr></thead>
                    <tbody>
                        {decisions.is_empty().then(|| view! { <tr><td colspan="4" class="muted">{move || i18n.t(Key::StatsNoDecisions)}</td></tr> })}
                        {decisions.into_iter().map(|x| view! {
                            <tr>
                                <th scope="row"><a href=format!("/council/items/{}", x.item_id) data-user-text>{x.title.clone()}</a></th>
                                <td><When at=x.decided_at/></td>
                                <td class="nowrap">{x.deadline.map(format_day).unwrap_or_else(|| "—".into())}</td>
                                <td>{move || i18n.text(x.stage.text())}{x.overdue.then(|| view! { " · " <strong class="delta-down">{move || i18n.t(Key::StatsOverdue)}</strong> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>

            <section class="report-section" aria-labelledby="report-notable">
                <h3 id="report-notable">{move || i18n.t(Key::StatsReportNotable)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
                <table class="report-table stats-table" data-testid="report-notable">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsCaseNumber)}</th>
                        <th scope="col">{move || i18n.t(Key::StatsCaseTitle)}</th>
                        <th scope="col">{move || i18n.t(Key::StatsDeadline)}</th>
                    </tr></thead>
                    <tbody>
                        {notable.is_empty().then(|| view! { <tr><td colspan="3" class="muted">{move || i18n.t(Key::StatsNoNotable)}</td></tr> })}
                        {notable.into_iter().map(|c| view! {
                            <tr>
                                <td class="nowrap">{c.number.clone()}</td>
                                <th scope="row"><a href=format!("/cases/{}", c.id) data-user-text>{c.title.clone()}</a></th>
                                <td>{c.deadline_at.map(|t| view! { <When at=t/> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        </article>
    }
}

/// Cases reported in the month by grid or by category.
#[component]
fn CaseTable(title: Key, rows: Vec<BreakdownRow>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="report-section">
            <h3>{move || i18n.t(title)}</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
            <table class="report-table stats-table" data-testid=testid>
                <thead><tr>
                    <th scope="col">{move || i18n.t(Key::StatsGroup)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsReported)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsClosed)}</th>
                    <th scope="col" class="num">{move || i18n.t(Key::StatsOverdue)}</th>
                </tr></thead>
                <tbody>
                    {rows.is_empty().then(|| view! { <tr><td colspan="4" class="muted">{move || i18n.t(Key::StatsNoCases)}</td></tr> })}
                    {rows.into_iter().map(|r| {
                        let (zh, en) = (r.name.clone(), r.name_en.clone());
                        view! {
                            <tr>
                                <th scope="row" data-user-text>{move || {
                                    let n = if i18n.get() == shared::i18n::Lang::En { en.clone() } else { zh.clone() };
                                    if n.is_empty() { i18n.t(Key::StatsNone).to_string() } else { n }
                                }}</th>
                                <td class="num">{r.reported}</td>
                                <td class="num">{r.closed}</td>
                                <td class="num">{r.overdue}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}
