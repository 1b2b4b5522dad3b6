//! The home page: a greeting, the user's roles and grids, and the few things they came for;
//! in elder mode, a resident's simple home (`crate::elder`).

use leptos::prelude::*;
use shared::accounts::{Permission, Principal, Role};

use crate::shell::sections;

use crate::accounts::use_session;
use crate::api;
use crate::elder::{ElderHome, ElderOffer, simple_for, use_elder};
use crate::i18n::{Key, set_title, use_i18n};
use crate::places::SearchBox;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let elder = use_elder();
    // A resident in elder mode gets the simple home of four tiles.
    move || {
        session.principal().map(|p| {
            if simple_for(elder, &p) {
                view! { <ElderHome principal=p/> }.into_any()
            } else {
                view! { <Home principal=p/> }.into_any()
            }
        })
    }
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
    // What a grid worker did on a resident's behalf is told to them here (代办).
    let resident = principal.has_role(Role::Resident);

    // Without signal, the names kept from the last visit (`offline::copies`).
    let grid_names = LocalResource::new(move || {
        let ids = grid_ids.clone();
        crate::offline::copies::kept("home_grids", async move {
            let mut names = Vec::new();
            for id in ids {
                match api::place(id).await {
                    Ok(p) => names.push((p.id, p.name)),
                    Err(api::ApiError::Network) => return Err(api::ApiError::Network),
                    Err(_) => {}
                }
            }
            Ok(names)
        })
    });

    // Every section the user may use, as a large tile with what it is for: residents find
    // reporting, voting and the mailbox; office staff their boards; admins the settings.
    let tiles = move || {
        sections(&session)
            .filter_map(|item| item.tile.map(|t| (item, t)))
            .map(|(item, (title, hint))| {
                let hint = match item.href {
                    "/places" if people => Key::QuickPlacesHint,
                    "/search" if people => Key::QuickSearchHint,
                    _ => hint,
                };
                let testid = item.testid.replacen("nav-", "quick-", 1);
                view! {
                    <li>
                        <a class="card link-card" href=item.href data-testid=testid>
                            <span class="link-card-title">{move || i18n.t(title)}</span>
                            <span class="link-card-hint">{move || i18n.t(hint)}</span>
                        </a>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <ElderOffer/>
        {resident.then(|| view! { <crate::proxy::ProxyNotices/> })}
        <section class="welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title" data-testid="home-welcome">{move || i18n.fmt_with_data(Key::Welcome, &[("name", &name)])}</h1>
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
                                Some(Err(_)) => i18n.t(Key::OfflineNoCopy).to_string(),
                                Some(Ok(list)) if list.is_empty() => i18n.t(Key::NoGridsAssigned).to_string(),
                                Some(Ok(list)) => list.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join("、"),
                            }}
                        </dd>
                    </div>
                })}
            </dl>
        </section>
        <SearchBox/>
        <section aria-labelledby="quick-title">
            <h2 id="quick-title">{move || i18n.t(Key::QuickLinks)}</h2>
            <ul class="link-cards">{tiles}
            </ul>
        </section>
    }
}
