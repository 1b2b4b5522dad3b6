//! The cases behind a bar of the dashboard: exactly those the breakdown row counts (reported
//! in the period, in that group), newest first, each leading to its case page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::Page;
use shared::accounts::Permission;
use shared::calendar::{format_day, parse_day};
use shared::cases::CaseSummary;
use shared::stats::{Period, PeriodKind};

use crate::accounts::RequirePermission;
use crate::api;
use crate::cases::{StageBadge, category_label};
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, When};

const PAGE: u64 = 50;

#[component]
pub fn StatsCasesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewStatistics>
            <CasesBehind/>
        </RequirePermission>
    }
}

/// The dashboard's own query for one group, passed through as it came (the server decides
/// what it means): for the list and for its export alike.
fn drill_query(m: &leptos_router::params::ParamsMap) -> String {
    ["period", "from", "to", "place_id", "by", "key"]
        .into_iter()
        .filter_map(|k| m.get(k).map(|v| format!("{k}={}", api::encode(&v))))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn CasesBehind() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::StatsCasesTitle), i18n.get()));
    let query = use_query_map();
    let offset = RwSignal::new(0u64);
    let meta = LocalResource::new(api::case_meta);
    let list = LocalResource::new(move || {
        let q = query.with(drill_query);
        let o = offset.get();
        let asked = query.with(|m| m.get("by").is_some());
        async move {
            if !asked {
                return Ok(Page {
                    items: Vec::new(),
                    total: 0,
                    offset: 0,
                    limit: PAGE,
                });
            }
            api::get::<Page<CaseSummary>>(&format!("/stats/cases?{q}&offset={o}&limit={PAGE}"))
                .await
        }
    });
    let group = move || query.with(|m| m.get("group")).unwrap_or_default();
    // Back to the dashboard as it was: the same period and area.
    let back =
        move || query.with(|m| format!("/stats?{}", super::Selection::from_query(m).page_query()));
    // The period's days, by the same rule the server applies to the same query.
    let period = move || {
        query.with(|m| {
            let day = |k: &str| m.get(k).and_then(|v| parse_day(&v));
            Period::resolve(
                m.get("period").and_then(|k| PeriodKind::parse(&k)),
                day("from"),
                day("to"),
                crate::clock::today(),
            )
            .ok()
        })
    };
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::StatsCasesTitle)}</h1>
            <a class="button button-secondary" href=back data-testid="stats-back">{move || i18n.t(Key::StatsBack)}</a>
        </div>
        <Show when=move || query.with(|m| m.get("by").is_some())
            fallback=move || view! { <p class="empty" data-testid="stats-cases-none">{move || i18n.t(Key::StatsPickABar)}</p> }>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                    Ok(page) => {
                        let total = page.total;
                        let heading = move || {
                            let (from, to) = period().map(|p: Period| (format_day(p.from), format_day(p.to))).unwrap_or_default();
                            i18n.fmt(Key::StatsCasesOf, &[("group", &group()), ("from", &from), ("to", &to), ("n", &total.to_string())])
                        };
                        let shown = page.items.len() as u64;
                        let export_query = query.with_untracked(drill_query);
                        view! {
                            <p data-testid="stats-cases-heading">{heading}</p>
                            <div class="stats-actions"><super::ExportLinks query=export_query/></div>
                            <CaseCards items=page.items meta/>
                            <CasePager page_offset=page.offset shown=shown total offset step=PAGE/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        </Show>
    }
}

/// Cases behind a figure, each leading to its case page: the stage, number, category and when
/// it was reported.
#[component]
pub fn CaseCards(
    items: Vec<CaseSummary>,
    meta: LocalResource<api::ApiResult<shared::cases::CaseMeta>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="cards case-cards" data-testid="stats-cases">
            {items.into_iter().map(|c| {
                let cat = move || category_label(meta.get().and_then(Result::ok).as_ref(), c.category_id, i18n.get());
                view! {
                    <li class="card case-card" data-testid="stats-case">
                        <a href=format!("/cases/{}", c.id) class="case-title" data-user-text>{c.title.clone()}</a>
                        <p class="muted"><StageBadge stage=c.stage/>" "{c.number.clone()}" · "{cat}" · "<When at=c.created_at/></p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Back and forth through a list of cases a page at a time: `offset` is the list's, `step` its
/// page size.
#[component]
pub fn CasePager(
    page_offset: u64,
    shown: u64,
    total: u64,
    offset: RwSignal<u64>,
    step: u64,
) -> impl IntoView {
    let i18n = use_i18n();
    let more = page_offset + shown < total;
    let less = page_offset > 0;
    view! {
        <div class="pager">
            <Show when=move || less>
                <button type="button" class="button button-secondary" on:click=move |_| offset.update(|o| *o = o.saturating_sub(step))>{move || i18n.t(Key::Previous)}</button>
            </Show>
            <Show when=move || more>
                <button type="button" class="button button-secondary" on:click=move |_| offset.update(|o| *o += step)>{move || i18n.t(Key::Next)}</button>
            </Show>
        </div>
    }
}
