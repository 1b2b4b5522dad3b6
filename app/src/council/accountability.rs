//! "议事公开 / Accountability": every decided item, who is responsible, by when, and how far
//! its case has come — in large type for residents of every age.

use leptos::prelude::*;

use super::{CouncilTabs, ItemStageBadge};
use crate::api;
use crate::cases::StageBadge;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{Day, ErrorBox, Loading, When};

const PAGE: u64 = 50;

#[component]
pub fn AccountabilityPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CouncilAccountabilityTitle), i18n.get()));
    let offset = RwSignal::new(0u64);
    let list = LocalResource::new(move || {
        let o = offset.get();
        async move { api::accountability(o, PAGE).await }
    });
    view! {
        <div class="council-page accountability">
            <header class="page-head">
                <h1>{move || i18n.t(Key::CouncilAccountabilityTitle)}</h1>
                <p class="lead">{move || i18n.t(Key::CouncilAccountabilityIntro)}</p>
            </header>
            <CouncilTabs current="/council/accountability"/>
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <p class="empty" data-testid="accountability-empty">{i18n.t(Key::CouncilAccountabilityEmpty)}</p>
                }.into_any(),
                Some(Ok(page)) => {
                    let total = page.total;
                    let from = page.offset + 1;
                    let to = page.offset + page.items.len() as u64;
                    view! {
                        <ul class="accountability-list" data-testid="accountability">
                            {page.items.into_iter().map(|e| {
                                let d = e.decision.clone();
                                view! {
                                    <li class="card accountability-entry" class:is-overdue=e.overdue data-testid="accountability-entry" data-title=e.title.clone()>
                                        <h2 class="accountability-title"><a href=format!("/council/items/{}", e.item_id) data-user-text>{e.title.clone()}</a></h2>
                                        <p class="badges">
                                            <ItemStageBadge stage=e.stage/>
                                            {e.overdue.then(|| view! { <span class="badge badge-danger" data-testid="accountability-overdue">{i18n.t(Key::Overdue)}</span> })}
                                        </p>
                                        <p class="decision-text" data-user-text>{d.text.clone()}</p>
                                        <dl class="facts">
                                            <div><dt>{i18n.t(Key::ResponsibleParty)}</dt><dd data-testid="accountability-party">{let d = d.clone(); move || d.party_name(i18n.get()).to_string()}</dd></div>
                                            <div><dt>{i18n.t(Key::Deadline)}</dt><dd data-testid="accountability-deadline" class:is-late=e.overdue><Day day=d.deadline/></dd></div>
                                            <div><dt>{i18n.t(Key::CouncilProgress)}</dt><dd data-testid="accountability-progress">
                                                {match (d.case_id, d.case_stage) {
                                                    (Some(cid), Some(st)) => view! { <a href=format!("/cases/{cid}")><StageBadge stage=st/></a> }.into_any(),
                                                    _ => view! { <span>{i18n.t(Key::NotRecorded)}</span> }.into_any(),
                                                }}
                                            </dd></div>
                                            <div><dt>{i18n.t(Key::CouncilScope)}</dt><dd data-user-text>{e.scope_name.clone()}</dd></div>
                                            <div><dt>{i18n.t(Key::CouncilDecidedAt)}</dt><dd><When at=e.decided_at/></dd></div>
                                        </dl>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(total > PAGE).then(|| view! {
                            <nav class="pager" aria-label=i18n.t(Key::CouncilAccountabilityTitle)>
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
        </div>
    }
}
