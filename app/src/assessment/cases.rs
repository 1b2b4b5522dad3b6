//! The cases behind one value of the assessment ("which cases"): exactly those the server
//! counted it from, newest first, each leading to its case page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::Page;
use shared::accounts::Permission;
use shared::assessment::{Indicator, Subject};
use shared::cases::CaseSummary;

use crate::accounts::RequirePermission;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::stats::{CaseCards, CasePager};
use crate::ui::{ErrorBox, Loading};

const PAGE: u64 = 50;

#[component]
pub fn AssessmentCasesPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::AssessmentCasesTitle), i18n.get()));
    view! {
        <RequirePermission permission=Permission::ViewStatistics>
            <CasesBehind/>
        </RequirePermission>
    }
}

#[component]
fn CasesBehind() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Reached from a count of the assessment's breakdown; without one there is nothing to ask.
    let complete = move || {
        query.with(|m| {
            ["subject", "key", "indicator"]
                .iter()
                .all(|k| m.get(k).is_some())
        })
    };
    let asked = move || {
        query.with(|m| {
            ["subject", "key", "indicator", "month"]
                .into_iter()
                .filter_map(|k| m.get(k).map(|v| format!("{k}={}", api::encode(&v))))
                .collect::<Vec<_>>()
                .join("&")
        })
    };
    let offset = RwSignal::new(0u64);
    let meta = LocalResource::new(api::case_meta);
    let list = LocalResource::new(move || {
        let q = asked();
        let o = offset.get();
        let complete = complete();
        async move {
            if !complete {
                return Ok(Page {
                    items: Vec::new(),
                    total: 0,
                    offset: 0,
                    limit: PAGE,
                });
            }
            api::get::<Page<CaseSummary>>(&format!("/assessment/cases?{q}&offset={o}&limit={PAGE}"))
                .await
        }
    });
    let back = move || {
        query.with(|m| {
            let subject = m
                .get("subject")
                .and_then(|s| Subject::parse(&s))
                .unwrap_or(Subject::GridWorker);
            let month = m.get("month").unwrap_or_default();
            format!(
                "/stats/assessment?subject={}&month={}",
                subject.as_str(),
                api::encode(&month)
            )
        })
    };
    let what = move || {
        query.with(|m| {
            let name = m.get("name").unwrap_or_default();
            let indicator = m
                .get("indicator")
                .and_then(|s| Indicator::parse(&s))
                .map(|i| i18n.text(i.text().0).to_string())
                .unwrap_or_default();
            (name, indicator, m.get("month").unwrap_or_default())
        })
    };
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::AssessmentCasesTitle)}</h1>
            <a class="button button-secondary" href=back data-testid="assessment-cases-back">{move || i18n.t(Key::AssessmentBack)}</a>
        </div>
        <Show when=complete
            fallback=move || view! { <p class="empty" data-testid="assessment-cases-none">{move || i18n.t(Key::AssessmentPickACount)}</p> }>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                    Ok(page) => {
                        let total = page.total;
                        // The name is a person's or a place's as recorded: marked as such.
                        let name = move || what().0;
                        let heading = move || {
                            let (_, indicator, month) = what();
                            i18n.fmt(Key::AssessmentCasesOf, &[("indicator", &indicator), ("month", &month), ("n", &total.to_string())])
                        };
                        let shown = page.items.len() as u64;
                        view! {
                            <p data-testid="assessment-cases-heading"><span data-user-text>{name}</span>" · "{heading}</p>
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
