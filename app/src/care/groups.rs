//! 重点人群 (special groups) per micro-grid, as counts only: never names. For those who may read
//! special-group tags there (the office everywhere, grid workers in their grids); the server
//! decides which grids a user sees.

use leptos::prelude::*;

use super::CareTabs;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CareGroupsTitle), i18n.get()));
    let session = crate::accounts::use_session();
    let forbidden = move || {
        view! {
            <p class="empty card" data-testid="groups-forbidden">{move || i18n.t(Key::CareGroupsForbidden)}</p>
        }
    };
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::CareGroupsTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::CareGroupsIntro)}</p>
        </div>
        <CareTabs/>
        // Those who may not read special-group tags are told so without asking the server.
        {move || if session.may(shared::accounts::Permission::RevealSensitive) {
            view! { <GroupCounts/> }.into_any()
        } else {
            forbidden().into_any()
        }}
    }
}

/// The counts per micro-grid of the grids the server lets this user see.
#[component]
fn GroupCounts() -> impl IntoView {
    let i18n = use_i18n();
    let counts = LocalResource::new(api::group_counts);
    view! {
        {move || match counts.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) if e.status() == Some(403) => view! {
                <p class="empty card" data-testid="groups-forbidden">{move || i18n.t(Key::CareGroupsForbidden)}</p>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| counts.refetch())/> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! {
                <p class="empty card" data-testid="groups-empty">{i18n.t(Key::CareGroupsEmpty)}</p>
            }.into_any(),
            Some(Ok(rows)) => view! {
                <ul class="cards group-cards" data-testid="group-counts">
                    {rows.into_iter().map(|place| {
                        let title = place.title();
                        let people = place.people;
                        view! {
                            <li class="card group-card" data-testid="group-place" data-name=title.clone()>
                                <h2 class="group-place"><span data-user-text>{title.clone()}</span>" "
                                    <span class="muted" data-testid="group-people">{move || i18n.fmt(Key::CareGroupsTotal, &[("n", &people.to_string())])}</span></h2>
                                <dl class="group-counts">
                                    {place.groups.into_iter().map(|g| view! {
                                        <div class="group-count" data-group=g.group.as_str()>
                                            <dt>{move || i18n.text(g.group.text())}</dt>
                                            <dd data-testid="group-count">{g.count}</dd>
                                        </div>
                                    }).collect_view()}
                                </dl>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
