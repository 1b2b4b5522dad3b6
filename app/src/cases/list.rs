//! "我的上报 / My reports": the cases the user filed, newest first, with where each stands.

use leptos::prelude::*;

use super::{StageBadge, category_label};
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, When};

const PAGE: u64 = 50;

#[component]
pub fn MyReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::MyReportsTitle), i18n.get()));
    let offset = RwSignal::new(0u64);
    let meta = LocalResource::new(api::case_meta);
    let list = LocalResource::new(move || {
        let o = offset.get();
        async move { api::my_cases(o, PAGE).await }
    });
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::MyReportsTitle)}</h1>
            <a class="button button-primary" href="/report" data-testid="new-report">{move || i18n.t(Key::ReportTitle)}</a>
        </div>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
            Some(Ok(page)) if page.items.is_empty() => view! {
                <p class="empty" data-testid="my-reports-empty">{i18n.t(Key::NoReports)}</p>
            }.into_any(),
            Some(Ok(page)) => {
                let total = page.total;
                let from = page.offset + 1;
                let to = page.offset + page.items.len() as u64;
                view! {
                    <ul class="cards case-cards" data-testid="my-reports">
                        {page.items.into_iter().map(|c| {
                            let cat = category_label(meta.get().and_then(Result::ok).as_ref(), c.category_id, i18n.get());
                            view! {
                                <li>
                                    <a class="card case-card" href=format!("/cases/{}", c.id) data-testid="my-report" data-title=c.title.clone()>
                                        <span class="case-card-head">
                                            <span class="case-card-title" data-user-text>{c.title.clone()}</span>
                                            <StageBadge stage=c.stage/>
                                        </span>
                                        <span class="case-card-meta">
                                            <span class="mono">{c.number.clone()}</span>
                                            <span>{cat}</span>
                                            <When at=c.created_at/>
                                            {c.overdue.then(|| view! { <span class="badge badge-danger">{i18n.t(Key::Overdue)}</span> })}
                                        </span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(total > PAGE).then(|| view! {
                        <nav class="pager" aria-label=i18n.t(Key::MyReportsTitle)>
                            <button type="button" class="button button-quiet" disabled=from <= 1
                                on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>{i18n.t(Key::Previous)}</button>
                            <span class="pager-status">{i18n.fmt(Key::PageOf, &[("from", &from.to_string()), ("to", &to.to_string()), ("total", &total.to_string())])}</span>
                            <button type="button" class="button button-quiet" disabled=to >= total
                                on:click=move |_| offset.update(|o| *o += PAGE)>{i18n.t(Key::Next)}</button>
                        </nav>
                    })}
                }.into_any()
            }
        }}
    }
}
