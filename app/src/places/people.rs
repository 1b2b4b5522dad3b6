//! "网格居民 / People of my grids": the residents a grid worker (or the office) looks after,
//! as one list — search by name, narrow to a grid and micro-grid, page through — instead of
//! walking building → flat → person. Masked fields only, as everywhere; the server answers
//! only the caller's grids (`GET /residents`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::Permission;
use shared::places::PlaceKind;

use super::residents::ResidentCard;
use crate::accounts::use_session;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// Residents per page: a phone screen or two.
const PAGE: u64 = 20;

#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| set_title(i18n.t(Key::PeopleTitle), i18n.get()));
    let may_view = move || session.may(Permission::ViewPeople);
    // The grids this user may see people in (a grid worker: their own).
    let grids = LocalResource::new(api::grids);
    let my_grids = move || {
        grids
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|g| session.may_in_grid(Permission::ViewPeople, Some(g.place.id)))
            .collect::<Vec<_>>()
    };
    let grid = RwSignal::new(None::<i64>);
    let micro = RwSignal::new(None::<i64>);
    let typed = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let offset = RwSignal::new(0u64);
    let micro_grids = LocalResource::new(move || {
        let g = grid.get();
        async move {
            match g {
                Some(g) => api::children(g)
                    .await
                    .map(|c| {
                        c.into_iter()
                            .filter(|p| p.kind == PlaceKind::MicroGrid)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let page = LocalResource::new(move || {
        let (q, place, offset) = (q.get(), micro.get().or(grid.get()), offset.get());
        async move { api::residents(&q, place, offset, PAGE).await }
    });
    let search = move |ev: SubmitEvent| {
        ev.prevent_default();
        q.set(typed.get_untracked());
        offset.set(0);
    };
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::PeopleTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::PeopleIntro)}</p>
        </div>
        {move || if !may_view() {
            view! { <p class="alert alert-info" data-testid="people-hidden">{i18n.t(Key::PeopleHidden)}</p> }.into_any()
        } else {
            view! {
                <form class="card form people-filters" role="search" on:submit=search data-testid="people-filters">
                    <div class="form-grid">
                        <div class="field">
                            <label for="people-grid">{move || i18n.t(Key::PersonGrid)}</label>
                            <select id="people-grid" data-testid="people-grid" on:change=move |ev| {
                                grid.set(event_target_value(&ev).parse().ok());
                                micro.set(None);
                                offset.set(0);
                            }>
                                <option value="">{move || i18n.t(Key::PeopleAllMyGrids)}</option>
                                {move || my_grids().into_iter().map(|g| {
                                    let id = g.place.id;
                                    view! { <option value=id.to_string() selected=move || grid.get() == Some(id)>{g.place.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="people-micro">{move || i18n.t(Key::PeopleMicroGrid)}</label>
                            <select id="people-micro" data-testid="people-micro" disabled=move || grid.get().is_none()
                                on:change=move |ev| { micro.set(event_target_value(&ev).parse().ok()); offset.set(0); }>
                                <option value="">{move || i18n.t(Key::PeopleWholeGrid)}</option>
                                {move || micro_grids.get().unwrap_or_default().into_iter().map(|m| {
                                    let id = m.id;
                                    view! { <option value=id.to_string() selected=move || micro.get() == Some(id)>{m.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <label for="people-q">{move || i18n.t(Key::PeopleSearch)}</label>
                    <div class="search-row">
                        <input id="people-q" type="search" autocomplete="off" enterkeyhint="search" data-testid="people-q" bind:value=typed/>
                        <button type="submit" class="button button-secondary" data-testid="people-search">{move || i18n.t(Key::SearchButton)}</button>
                    </div>
                </form>
                {move || match page.get() {
                    None => view! { <Loading/> }.into_any(),
                    Some(Err(e)) if e.status() == Some(403) => view! {
                        <p class="alert alert-info" data-testid="people-hidden">{i18n.t(Key::PeopleHidden)}</p>
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| page.refetch())/> }.into_any(),
                    Some(Ok(p)) if p.items.is_empty() => view! {
                        <p class="empty" data-testid="people-none">{i18n.t(Key::PeopleNone)}</p>
                    }.into_any(),
                    Some(Ok(p)) => {
                        let (from, to, total) = (p.offset + 1, p.offset + p.items.len() as u64, p.total);
                        let has_more = to < total;
                        let has_less = p.offset > 0;
                        view! {
                            <p class="muted" role="status" data-testid="people-count">
                                {i18n.fmt(Key::PeopleShown, &[("from", &from.to_string()), ("to", &to.to_string()), ("total", &total.to_string())])}
                            </p>
                            <ul class="cards resident-cards" data-testid="people-list">
                                {p.items.into_iter().map(|r| {
                                    let in_care = r.in_care;
                                    view! {
                                        <li>
                                            <ResidentCard resident=r show_address=true/>
                                            {in_care.then(|| view! { <span class="badge" data-testid="people-in-care">{i18n.t(Key::CareOpenRecord)}</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <nav class="pager" aria-label=i18n.t(Key::PeoplePages)>
                                <button type="button" class="button button-secondary" data-testid="people-prev" disabled=!has_less
                                    on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>{i18n.t(Key::PagePrevious)}</button>
                                <button type="button" class="button button-secondary" data-testid="people-next" disabled=!has_more
                                    on:click=move |_| offset.update(|o| *o += PAGE)>{i18n.t(Key::PageNext)}</button>
                            </nav>
                        }.into_any()
                    }
                }}
            }.into_any()
        }}
    }
}
