//! 考核: the month's scores and ranks of grid workers, responsible parties and grids, each row
//! opening onto the values, counts and rules behind its score; the admins' rules below. The
//! scores are the server's (`/assessment`), made by `shared::assessment`.

mod cases;
mod rules;

pub use cases::AssessmentCasesPage;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::accounts::{Permission, Scope};
use shared::assessment::{Assessment, Measure, Row, Rule, Subject, Value};
use shared::i18n::Lang;
use shared::stats::{ExportFormat, Period, PeriodKind, month_name, parse_month};

use crate::accounts::{RequirePermission, use_session};
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::AssessmentTitle), i18n.get()));
    view! {
        <RequirePermission permission=Permission::ViewStatistics>
            <Scores/>
        </RequirePermission>
    }
}

/// An indicator's value as read: a percentage, a number, or "—" when there was nothing to
/// measure.
pub(crate) fn format_measure(measure: Measure, v: Option<f64>) -> String {
    match (measure, v) {
        (_, None) => "—".into(),
        (Measure::Ratio, Some(v)) => format!("{:.1}%", v * 100.0),
        (Measure::Count, Some(v)) => format!("{}", v.round() as i64),
        (Measure::Per1000, Some(v)) => format!("{v:.1}"),
    }
}

/// The counts a value is made of: "2 / 3", "3", "30 / 600 人".
fn format_counts(v: &Value, lang: Lang) -> String {
    match (v.indicator.measure(), v.denominator) {
        (Measure::Per1000, Some(d)) => match lang {
            Lang::ZhCn => format!("{} 人次 / {d} 人", v.numerator),
            Lang::En => format!("{} served / {d} residents", v.numerator),
        },
        (_, Some(d)) => format!("{} / {d}", v.numerator),
        (_, None) => v.numerator.to_string(),
    }
}

fn query_of(subject: Subject, month: &str) -> String {
    format!("subject={}&month={}", subject.as_str(), api::encode(month))
}

/// The ranking shown, as a file (the rows the page shows, audited).
fn export_href(subject: Subject, month: &str, format: ExportFormat) -> String {
    format!(
        "/api/v1/assessment/export?{}&format={}",
        query_of(subject, month),
        format.as_str()
    )
}

#[component]
fn Scores() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Parties are the office's to compare; a grid worker's view stops at their own row and grids.
    let whole_community = move || {
        session
            .principal()
            .is_some_and(|p| p.scope(Permission::ViewStatistics) == Scope::All)
    };
    let (start_subject, start_month) = use_query_map().with_untracked(|m| {
        (
            m.get("subject")
                .and_then(|s| Subject::parse(&s))
                .unwrap_or(Subject::GridWorker),
            m.get("month")
                .filter(|s| parse_month(s).is_some())
                .unwrap_or_else(|| {
                    month_name(&Period::containing(
                        PeriodKind::Month,
                        crate::clock::today(),
                    ))
                }),
        )
    });
    let subject = RwSignal::new(start_subject);
    let month = RwSignal::new(start_month);
    let navigate = StoredValue::new(use_navigate());
    let remember = move || {
        let q = query_of(subject.get_untracked(), &month.get_untracked());
        navigate.with_value(|go| {
            go(
                &format!("/stats/assessment?{q}"),
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            )
        });
    };
    // Saving the rules re-reads the scores: they are made by the rules.
    let saved = RwSignal::new(0usize);
    let scores = LocalResource::new(move || {
        let q = query_of(subject.get(), &month.get());
        saved.track();
        async move { api::get::<Assessment>(&format!("/assessment?{q}")).await }
    });
    let subjects = move || {
        Subject::ALL
            .into_iter()
            .filter(|s| *s != Subject::Party || whole_community())
            .collect::<Vec<_>>()
    };
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::AssessmentTitle)}</h1>
            <a class="button button-secondary" href="/stats" data-testid="assessment-back">{move || i18n.t(Key::StatsBack)}</a>
        </div>
        <p class="hint">{move || i18n.t(Key::AssessmentHow)}</p>
        <form class="stats-controls" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="assessment-subject">{move || i18n.t(Key::AssessmentSubject)}</label>
                <select id="assessment-subject" data-testid="assessment-subject" on:change=move |ev| {
                    if let Some(s) = Subject::parse(&event_target_value(&ev)) {
                        subject.set(s);
                        remember();
                    }
                }>
                    {move || subjects().into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || subject.get() == s>{move || i18n.text(s.text())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="assessment-month">{move || i18n.t(Key::StatsReportMonth)}</label>
                <input id="assessment-month" type="month" data-testid="assessment-month" prop:value=move || month.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if parse_month(&v).is_some() {
                            month.set(v);
                            remember();
                        }
                    }/>
            </div>
        </form>
        <div class="stats-actions" data-testid="assessment-export">
            <a class="button button-secondary" download="" data-testid="assessment-export-csv"
                href=move || export_href(subject.get(), &month.get(), ExportFormat::Csv)>{move || i18n.t(Key::StatsExportCsv)}</a>
            <a class="button button-secondary" download="" data-testid="assessment-export-xlsx"
                href=move || export_href(subject.get(), &month.get(), ExportFormat::Xlsx)>{move || i18n.t(Key::StatsExportXlsx)}</a>
        </div>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match scores.await {
                    Ok(a) => view! { <ScoreTable assessment=a/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| scores.refetch())/> }.into_any(),
                }
            })}
        </Transition>
        {move || session.may(Permission::ManageSettings).then(|| view! { <rules::RulesSection saved/> })}
    }
}

#[component]
fn ScoreTable(assessment: Assessment) -> impl IntoView {
    let i18n = use_i18n();
    let subject = assessment.subject;
    let indicators = subject.indicators();
    let rules: Vec<Rule> = assessment.rules.of(subject).copied().collect();
    if assessment.rows.is_empty() {
        return view! { <p class="empty" data-testid="assessment-empty">{move || i18n.t(Key::AssessmentNoRows)}</p> }
            .into_any();
    }
    let scroll = move || i18n.t(Key::StatsTableScroll);
    let selected = RwSignal::new(None::<i64>);
    let all = StoredValue::new(assessment.rows.clone());
    let chosen = move || {
        let key = selected.get()?;
        all.with_value(|rows| rows.iter().find(|r| r.key_id == key).cloned())
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=scroll>
        <table class="stats-table assessment-table" data-testid="assessment-table">
            <caption class="visually-hidden">{move || i18n.text(subject.text())}</caption>
            <thead><tr>
                <th scope="col" class="num">{move || i18n.t(Key::AssessmentRank)}</th>
                <th scope="col">{move || i18n.t(Key::AssessmentName)}</th>
                <th scope="col" class="num">{move || i18n.t(Key::AssessmentScore)}</th>
                {indicators.iter().map(|ind| {
                    let (name, formula) = ind.text();
                    view! {
                        <th scope="col" class="num">
                            <abbr title=move || i18n.text(formula)>{move || i18n.text(name)}</abbr>
                        </th>
                    }
                }).collect_view()}
            </tr></thead>
            <tbody>
                {assessment.rows.into_iter().map(|r| view! { <ScoreRow row=r selected/> }).collect_view()}
            </tbody>
        </table>
        </div>
        {move || chosen().map(|r| view! { <Breakdown row=r rules=rules.clone() subject period=assessment.period/> })}
    }
    .into_any()
}

/// One subject: rank, name, score and values; the name opens the breakdown below the table.
#[component]
fn ScoreRow(row: Row, selected: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let key = row.key_id;
    let open = move || selected.get() == Some(key);
    let rank = row
        .rank
        .map(|r| r.to_string())
        .unwrap_or_else(|| "—".into());
    let score = row.score;
    view! {
        <tr data-testid="assessment-row" data-key=key.to_string() class:selected=open>
            <td class="num" data-testid="assessment-rank">{rank}</td>
            <th scope="row">
                <button type="button" class="assessment-open" aria-expanded=move || open().to_string()
                    aria-controls="assessment-breakdown" data-testid="assessment-open"
                    on:click=move |_| {
                        let next = if open() { None } else { Some(key) };
                        selected.set(next);
                        if next.is_some() {
                            // Keyboard and screen-reader users land on what they opened.
                            request_animation_frame(|| {
                                if let Some(h) = document().get_element_by_id("assessment-breakdown-title") {
                                    use wasm_bindgen::JsCast;
                                    if let Ok(h) = h.dyn_into::<web_sys::HtmlElement>() {
                                        let _ = h.focus();
                                    }
                                }
                            });
                        }
                    }>
                    <span data-user-text>{row.name}</span>
                </button>
            </th>
            <td class="num" data-testid="assessment-score">
                {move || score.map(|s| format!("{s:.1}")).unwrap_or_else(|| i18n.t(Key::AssessmentNoScore).to_string())}
            </td>
            {row.values.into_iter().map(|v| view! {
                <td class="num" data-testid=format!("assessment-value-{}", v.indicator.as_str())>
                    {format_measure(v.indicator.measure(), v.value)}
                </td>
            }).collect_view()}
        </tr>
    }
}

/// What one subject's score is made of: per indicator its formula, the counts, the value, the
/// rule and the points earned.
#[component]
fn Breakdown(row: Row, rules: Vec<Rule>, subject: Subject, period: Period) -> impl IntoView {
    let i18n = use_i18n();
    let name = row.name.clone();
    let name_for_link = row.name.clone();
    let key = row.key_id;
    let score = row.score;
    let rank = row.rank;
    let heading = move || {
        let score = score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| i18n.t(Key::AssessmentNoScore).to_string());
        let rank = rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
        i18n.fmt(
            Key::AssessmentBreakdownOf,
            &[("score", &score), ("rank", &rank)],
        )
    };
    view! {
        <section id="assessment-breakdown" class="card assessment-breakdown" aria-labelledby="assessment-breakdown-title"
            data-testid="assessment-detail">
            <h2 id="assessment-breakdown-title" tabindex="-1"><span data-user-text>{name}</span>" · "{heading}</h2>
            <ul class="breakdown-list">
                {row.values.into_iter().map(|v| {
                    let rule = rules.iter().find(|r| r.indicator == v.indicator).copied();
                    let (name, formula) = v.indicator.text();
                    let m = v.indicator.measure();
                    let earned = match (v.earned, rule) {
                        (Some(e), Some(r)) => format!("{:.1} / {}", e * f64::from(r.weight), r.weight),
                        _ => "—".into(),
                    };
                    let figure = move |label: Key, value: String, testid: &'static str| view! {
                        <div><dt>{move || i18n.t(label)}</dt><dd data-testid=testid>{value}</dd></div>
                    };
                    view! {
                        <li class="breakdown-item" data-testid=format!("assessment-detail-{}", v.indicator.as_str())>
                            <h3>{move || i18n.text(name)}</h3>
                            <p class="muted formula">{move || i18n.text(formula)}</p>
                            <dl class="breakdown-figures">
                                <div><dt>{move || i18n.t(Key::AssessmentCounts)}</dt><dd>{move || format_counts(&v, i18n.get())}</dd></div>
                                {figure(Key::AssessmentValue, format_measure(m, v.value), "assessment-value")}
                                {rule.map(|r| view! {
                                    {figure(Key::AssessmentTarget, format_measure(m, Some(r.target)), "assessment-target")}
                                    {figure(Key::AssessmentFloor, format_measure(m, Some(r.floor)), "assessment-floor")}
                                })}
                                {figure(Key::AssessmentEarned, earned, "assessment-earned")}
                            </dl>
                            {v.indicator.counts_cases().then(|| {
                                let href = format!(
                                    "/stats/assessment/cases?subject={}&key={key}&indicator={}&month={}&name={}",
                                    subject.as_str(), v.indicator.as_str(), api::encode(&month_name(&period)), api::encode(&name_for_link),
                                );
                                let n = v.denominator.unwrap_or(v.numerator);
                                view! {
                                    <a href=href class="button button-secondary breakdown-cases" data-testid="assessment-cases-link">
                                        {move || i18n.fmt(Key::AssessmentSeeCases, &[("n", &n.to_string())])}
                                    </a>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
