//! "待走访 / Due visits": one big card per pairing, overdue first (the server's order), with a
//! red mark when overdue and a one-tap "记录走访".

use leptos::prelude::*;
use shared::care::PairingView;

use super::{CareTabs, RiskBadge};
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

#[component]
pub fn CarePage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CareDueTitle), i18n.get()));
    let mine = RwSignal::new(false);
    let list = LocalResource::new(move || {
        let m = mine.get();
        async move { api::due_visits(m).await }
    });
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::CareDueTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::CareDueIntro)}</p>
        </div>
        <CareTabs/>
        <div class="care-filter">
            <label class="choice">
                <input type="checkbox" data-testid="due-mine" prop:checked=move || mine.get()
                    on:change=move |ev| mine.set(event_target_checked(&ev))/>
                {move || i18n.t(Key::CareDueMine)}
            </label>
        </div>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! {
                <p class="empty card" data-testid="due-empty">{i18n.t(Key::CareDueEmpty)}</p>
            }.into_any(),
            Some(Ok(items)) => {
                let overdue = items.iter().filter(|p| p.overdue).count();
                view! {
                    <p class="due-summary" data-testid="due-summary">
                        {i18n.fmt(Key::CareDueCount, &[("n", &items.len().to_string()), ("late", &overdue.to_string())])}
                    </p>
                    <ul class="cards due-cards" data-testid="due-list">
                        {items.into_iter().map(|p| view! { <li><DueCard pairing=p/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

#[component]
fn DueCard(pairing: PairingView) -> impl IntoView {
    let i18n = use_i18n();
    let p = pairing;
    let record = format!("/care/residents/{}", p.resident_id);
    let visit = format!("/care/residents/{}/visit", p.resident_id);
    let kind = p.helper_kind;
    let last = p.last_visit.map(|d| d.to_string());
    let due = p.next_due.to_string();
    let title_id = format!("due-{}", p.id);
    let labelled_by = title_id.clone();
    view! {
        <article class="card due-card" class:due-overdue=p.overdue data-testid="due-card"
            data-name=p.resident_name.clone() aria-labelledby=labelled_by>
            <div class="due-head">
                <h2 class="due-name" id=title_id>
                    <a href=record.clone() data-testid="due-open" data-user-text>{p.resident_name.clone()}</a>
                </h2>
                {p.overdue.then(|| view! {
                    <span class="badge badge-danger overdue-mark" data-testid="overdue">{move || i18n.t(Key::CareOverdue)}</span>
                })}
            </div>
            <p class="badges"><RiskBadge risk=p.risk/></p>
            <dl class="facts due-facts">
                <div>
                    <dt>{move || i18n.t(Key::CareHelper)}</dt>
                    <dd><span data-user-text>{p.helper_name.clone()}</span><span class="muted">{move || i18n.fmt(Key::CareHelperKindAside, &[("kind", i18n.text(kind.text()))])}</span></dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::CareLastVisit)}</dt>
                    <dd data-testid="last-visit">{move || last.clone().unwrap_or_else(|| i18n.t(Key::CareNeverVisited).to_string())}</dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::CareNextDue)}</dt>
                    <dd class:due-late=p.overdue data-testid="next-due">{due}</dd>
                </div>
            </dl>
            <div class="due-actions">
                <a class="button button-primary" href=visit data-testid="record-visit">{move || i18n.t(Key::CareRecordVisit)}</a>
                <a class="button button-secondary" href=record>{move || i18n.t(Key::CareOpenRecord)}</a>
            </div>
        </article>
    }
}
