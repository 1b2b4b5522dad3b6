//! The dashboard's charts, drawn as SVG that scales to its box, each with the same numbers
//! in a real table beside it (screen readers and printing read the table; the chart is
//! `aria-hidden` apart from its bars that lead somewhere).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::calendar::format_day;
use shared::i18n::Lang;
use shared::stats::{Breakdown, BreakdownRow, Interval, Period, Trend};

use super::{Selection, by_name, format_value};
use crate::i18n::{Key, use_i18n};

// About the width the chart is shown at (a phone's, or the chart column on a desktop), so
// its 12-unit labels are read at about 12 px.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 16.0;

/// A step's label on the axis: "12-07" for days and weeks, "2026-12" for months.
fn step_label(p: &Period, interval: Interval) -> String {
    let d = format_day(p.from);
    match interval {
        Interval::Month => d[..7].to_string(),
        _ => d[5..].to_string(),
    }
}

/// A round top for the value axis: 1, 2, 5 × a power of ten.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * p)
}

#[component]
pub fn TrendChart(trend: Trend) -> impl IntoView {
    let i18n = use_i18n();
    let def = trend.figure.definition();
    let interval = trend.interval;
    let n = trend.points.len().max(1) as f64;
    let max = nice_max(
        trend
            .points
            .iter()
            .filter_map(|p| p.value)
            .fold(0.0, f64::max),
    );
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / n;
    // Label every k-th step so labels never overlap (about 6 at most).
    let every = trend.points.len().div_ceil(6).max(1);
    let lang = i18n.lang.get_untracked();
    let bars = trend
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let v = p.value.unwrap_or(0.0);
            let h = (v / max) * plot_h;
            let x = LEFT + i as f64 * slot + slot * 0.15;
            let label = (i % every == 0).then(|| step_label(&p.period, interval));
            view! {
                <rect class="bar" x=format!("{x:.1}") y=format!("{:.1}", TOP + plot_h - h)
                    width=format!("{:.1}", slot * 0.7) height=format!("{h:.1}")/>
                {label.map(|l| view! {
                    <text class="axis-label" x=format!("{:.1}", (x + slot * 0.35).clamp(LEFT + 14.0, WIDTH - 18.0)) y=format!("{:.1}", HEIGHT - 8.0) text-anchor="middle">{l}</text>
                })}
            }
        })
        .collect_view();
    let max_label = format_value(def.unit, Some(max), lang);
    let rows = trend.points.clone();
    let caption = move || i18n.fmt(Key::StatsTrendOf, &[("name", i18n.text(def.name))]);
    view! {
        <div class="chart-with-table">
            <figure class="chart" data-testid="trend-chart">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="xMidYMid meet" aria-hidden="true" focusable="false">
                    <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=HEIGHT - BOTTOM/>
                    <line class="axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH - 8.0 y2=HEIGHT - BOTTOM/>
                    <text class="axis-label" x=LEFT - 4.0 y=TOP + 4.0 text-anchor="end">{max_label}</text>
                    <text class="axis-label" x=LEFT - 4.0 y=HEIGHT - BOTTOM text-anchor="end">"0"</text>
                    {bars}
                </svg>
                <figcaption>{caption}</figcaption>
            </figure>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
                <table class="report-table stats-table" data-testid="trend-table">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsDate)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsValue)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|p| {
                            let when = if p.period.from == p.period.to {
                                format_day(p.period.from)
                            } else {
                                format!("{} – {}", format_day(p.period.from), format_day(p.period.to))
                            };
                            view! {
                                <tr>
                                    <th scope="row">{when}</th>
                                    <td class="num">{move || format_value(def.unit, p.value, i18n.get())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// A row's name in the reader's language ("未指定" for the group without one).
fn row_name(r: &BreakdownRow, lang: Lang) -> String {
    if let Some(s) = r.source {
        return s.text().get(lang).to_string();
    }
    let n = match lang {
        Lang::ZhCn => &r.name,
        Lang::En => &r.name_en,
    };
    if n.is_empty() {
        Key::StatsNone.text().get(lang).to_string()
    } else {
        n.clone()
    }
}

/// A name cut to fit the chart's label column (the table and the bar's label have it whole).
fn short(name: &str) -> String {
    const MAX: usize = 7;
    if name.chars().count() > MAX {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>())
    } else {
        name.to_string()
    }
}

/// Where a row's bar leads: the list of exactly the cases it counts.
fn drill_href(
    sel: &Selection,
    by: shared::stats::BreakdownBy,
    r: &BreakdownRow,
    name: &str,
) -> String {
    let key = match (r.source, r.key_id) {
        (Some(s), _) => s.as_str().to_string(),
        (None, Some(id)) => id.to_string(),
        (None, None) => "none".into(),
    };
    format!(
        "/stats/cases?{}&by={}&key={key}&group={}",
        sel.page_query(),
        by_name(by),
        crate::api::encode(name)
    )
}

#[component]
pub fn BreakdownChart(breakdown: Breakdown, selection: Selection) -> impl IntoView {
    let i18n = use_i18n();
    if breakdown.rows.is_empty() {
        return view! { <p class="empty" data-testid="breakdown-empty">{move || i18n.t(Key::StatsNoCases)}</p> }
            .into_any();
    }
    let navigate = use_navigate();
    let lang = i18n.lang.get_untracked();
    let by = breakdown.by;
    let row_h = 28.0;
    let label_w = 110.0;
    let height = row_h * breakdown.rows.len() as f64 + 8.0;
    let max = nice_max(
        breakdown
            .rows
            .iter()
            .map(|r| r.reported as f64)
            .fold(0.0, f64::max),
    );
    let plot_w = WIDTH - label_w - 36.0;
    let bars = breakdown
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 4.0 + i as f64 * row_h;
            let name = row_name(r, lang);
            let w = (r.reported as f64 / max * plot_w).max(2.0);
            let href = drill_href(&selection, by, r, &name);
            let reported = r.reported.to_string();
            let row = r.clone();
            let row_aria = r.clone();
            let aria = move || i18n.fmt(Key::StatsBarOpens, &[("name", &row_name(&row_aria, i18n.get())), ("n", &reported)]);
            let go = {
                let navigate = navigate.clone();
                let href = href.clone();
                move || navigate(&href, Default::default())
            };
            let go_key = go.clone();
            view! {
                // Named by its <title> (the whole name and what a press does): the bar shows a
                // shortened name, and an aria-label would not contain it (WCAG 2.5.3).
                <g class="bar-row" role="link" tabindex="0" data-testid="breakdown-bar" data-href=href
                    on:click=move |_| go()
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); go_key() }>
                    <title>{aria}</title>
                    <text class="bar-label" x=label_w - 6.0 y=y + row_h * 0.62 text-anchor="end">{move || short(&row_name(&row, i18n.get()))}</text>
                    <rect class="bar" x=label_w y=y + 4.0 width=format!("{w:.1}") height=row_h - 8.0/>
                    <text class="bar-value" x=label_w + w + 4.0 y=y + row_h * 0.62>{r.reported}</text>
                </g>
            }
        })
        .collect_view();
    let caption = move || i18n.fmt(Key::StatsBreakdownCaption, &[("by", i18n.text(by.text()))]);
    let rows = breakdown.rows.clone();
    view! {
        <div class="chart-with-table">
            <figure class="chart" data-testid="breakdown-chart">
                <svg viewBox=format!("0 0 {WIDTH} {height}") preserveAspectRatio="xMidYMid meet">
                    {bars}
                </svg>
                <figcaption>{caption}</figcaption>
            </figure>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Key::StatsTableScroll)>
                <table class="report-table stats-table" data-testid="breakdown-table">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Key::StatsGroup)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsReported)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsClosed)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::StatsOverdue)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let href = drill_href(&selection, by, &r, &row_name(&r, lang));
                            let r2 = r.clone();
                            view! {
                                <tr>
                                    <th scope="row"><a href=href data-user-text>{move || row_name(&r2, i18n.get())}</a></th>
                                    <td class="num">{r.reported}</td>
                                    <td class="num">{r.closed}</td>
                                    <td class="num">{r.overdue}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
