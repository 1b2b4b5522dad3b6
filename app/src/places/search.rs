//! Finding a place or a resident by name or address. Residents appear only within the
//! user's scope (the server decides); everyone may find places.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::accounts::Permission;

use super::residents::ResidentCard;
use crate::accounts::use_session;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// The search form; submitting goes to `/search?q=…` so results can be bookmarked and shared.
#[component]
pub fn SearchBox(#[prop(optional, into)] initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let q = RwSignal::new(initial);
    let people = move || session.may(Permission::ViewPeople);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = q.get_untracked().trim().to_string();
        if !text.is_empty() {
            navigate(
                &format!("/search?q={}", api::encode(&text)),
                Default::default(),
            );
        }
    };
    view! {
        <form class="search-box" role="search" on:submit=submit data-testid="search-form">
            <label for="search-q">{move || if people() { i18n.t(Key::SearchLabel) } else { i18n.t(Key::SearchLabelPublic) }}</label>
            <div class="search-row">
                <input id="search-q" type="search" name="q" autocomplete="off" enterkeyhint="search"
                    data-testid="search-input" bind:value=q/>
                <button type="submit" class="button button-primary" data-testid="search-submit">
                    {move || i18n.t(Key::SearchButton)}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default().trim().to_string());
    Effect::new(move |_| set_title(i18n.t(Key::SearchTitle), i18n.get()));
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::SearchTitle)}</h1>
        </div>
        // Re-created per query so the box shows what was searched.
        {move || {
            let initial = q.get();
            view! { <SearchBox initial/> }
        }}
        {move || {
            let text = q.get();
            if text.is_empty() {
                view! { <p class="hint">{move || i18n.t(Key::SearchHint)}</p> }.into_any()
            } else {
                view! { <SearchResultsView q=text/> }.into_any()
            }
        }}
    }
}

#[component]
fn SearchResultsView(q: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = q.clone();
    let results = LocalResource::new(move || {
        let q = query.clone();
        async move { api::search(&q).await }
    });
    view! {
        <div aria-live="polite" data-testid="search-results">
            {move || match results.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| results.refetch())/> }.into_any(),
                Some(Ok(r)) if r.places.is_empty() && r.residents.is_empty() => {
                    let q = q.clone();
                    view! {
                        <p class="empty" data-testid="search-no-results">{move || i18n.fmt(Key::SearchNothing, &[("q", &q)])}</p>
                    }.into_any()
                }
                Some(Ok(r)) => view! {
                    {(!r.residents.is_empty()).then(|| view! {
                        <section aria-labelledby="found-residents">
                            <h2 id="found-residents">{move || i18n.t(Key::SearchResidents)}</h2>
                            <ul class="cards resident-cards" data-testid="search-residents">
                                {r.residents.into_iter().map(|res| view! { <li><ResidentCard resident=res show_address=true/></li> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!r.places.is_empty()).then(|| view! {
                        <section aria-labelledby="found-places">
                            <h2 id="found-places">{move || i18n.t(Key::SearchPlaces)}</h2>
                            <ul class="cards place-cards" data-testid="search-places">
                                {r.places.into_iter().map(|p| {
                                    let kind = p.place.kind;
                                    view! {
                                        <li>
                                            <a class="card place-card" href=format!("/places/{}", p.place.id) data-testid="search-place" data-name=p.place.name.clone()>
                                                <span class="place-card-name">{p.place.name.clone()}
                                                    " "<span class="badge">{move || i18n.text(kind.text())}</span></span>
                                                <span class="place-card-address">{p.location.clone()}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                }.into_any(),
            }}
            {move || session.may(Permission::ViewPeople).then(|| view! {
                <p class="hint">{move || i18n.t(Key::SearchScopeNote)}</p>
            })}
        </div>
    }
}
