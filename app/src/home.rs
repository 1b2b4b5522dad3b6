//! The home page: a greeting, the user's roles and grids, and the few things they came for.

use leptos::prelude::*;
use shared::accounts::{Permission, Principal, Role};

use crate::accounts::use_session;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::places::SearchBox;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    move || session.principal().map(|p| view! { <Home principal=p/> })
}

#[component]
fn Home(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = principal.display_name.clone();
    Effect::new(move |_| set_title(i18n.t(Key::NavHome), i18n.get()));
    let people = principal.may(Permission::ViewPeople);
    let roles = principal.roles.clone();
    let grid_ids = principal.grid_ids.clone();
    let is_grid_worker = principal.has_role(Role::GridWorker);

    let grid_names = LocalResource::new(move || {
        let ids = grid_ids.clone();
        async move {
            let mut names = Vec::new();
            for id in ids {
                if let Ok(p) = api::place(id).await {
                    names.push((p.id, p.name));
                }
            }
            names
        }
    });

    let card = move |href: &'static str, title: Key, hint: Key, testid: &'static str| {
        view! {
            <li>
                <a class="card link-card" href=href data-testid=testid>
                    <span class="link-card-title">{move || i18n.t(title)}</span>
                    <span class="link-card-hint">{move || i18n.t(hint)}</span>
                </a>
            </li>
        }
    };

    view! {
        <section class="welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title" data-testid="home-welcome">{move || i18n.fmt(Key::Welcome, &[("name", &name)])}</h1>
            <dl class="facts">
                <div>
                    <dt>{move || i18n.t(Key::YourRoles)}</dt>
                    <dd data-testid="home-roles">
                        {move || roles.iter().map(|r| i18n.text(r.text())).collect::<Vec<_>>().join("、")}
                    </dd>
                </div>
                {is_grid_worker.then(|| view! {
                    <div>
                        <dt>{move || i18n.t(Key::YourGrids)}</dt>
                        <dd data-testid="home-grids">
                            {move || match grid_names.get() {
                                None => i18n.t(Key::Loading).to_string(),
                                Some(list) if list.is_empty() => i18n.t(Key::NoGridsAssigned).to_string(),
                                Some(list) => list.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join("、"),
                            }}
                        </dd>
                    </div>
                })}
            </dl>
        </section>
        <SearchBox/>
        <section aria-labelledby="quick-title">
            <h2 id="quick-title">{move || i18n.t(Key::QuickLinks)}</h2>
            <ul class="link-cards">
                {card("/places", Key::QuickPlaces, if people { Key::QuickPlacesHint } else { Key::QuickPlacesHintPublic }, "quick-places")}
                {card("/search", Key::QuickSearch, if people { Key::QuickSearchHint } else { Key::QuickSearchHintPublic }, "quick-search")}
                {move || session.may(Permission::ManageUsers).then(|| card("/admin/users", Key::QuickUsers, Key::QuickUsersHint, "quick-users"))}
                {move || session.may(Permission::ViewAudit).then(|| card("/admin/audit", Key::QuickAudit, Key::QuickAuditHint, "quick-audit"))}
                {move || session.may(Permission::BulkData).then(|| card("/admin/data", Key::QuickData, Key::QuickDataHint, "quick-data"))}
            </ul>
        </section>
    }
}
