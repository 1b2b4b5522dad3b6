//! 重点人群 (special groups) per micro-grid, as counts only: never names. For those who may read
//! special-group tags there (the office everywhere, grid workers in their grids); the server
//! decides which grids a user sees.

use leptos::prelude::*;
use shared::care::GroupCount;
use shared::places::SpecialGroup;

use super::CareTabs;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// Counts grouped by place, in the server's order (place, then group).
fn by_place(rows: Vec<GroupCount>) -> Vec<(i64, String, Vec<(SpecialGroup, u64)>)> {
    let mut out: Vec<(i64, String, Vec<(SpecialGroup, u64)>)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last.0 == r.place_id => last.2.push((r.group, r.count)),
            _ => out.push((r.place_id, r.place_name, vec![(r.group, r.count)])),
        }
    }
    out
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CareGroupsTitle), i18n.get()));
    let counts = LocalResource::new(api::group_counts);
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::CareGroupsTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::CareGroupsIntro)}</p>
        </div>
        <CareTabs/>
        {move || match counts.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) if e.status() == Some(403) => view! {
                <p class="empty card" data-testid="groups-forbidden">{i18n.t(Key::CareGroupsForbidden)}</p>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| counts.refetch())/> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! {
                <p class="empty card" data-testid="groups-empty">{i18n.t(Key::CareGroupsEmpty)}</p>
            }.into_any(),
            Some(Ok(rows)) => view! {
                <ul class="cards group-cards" data-testid="group-counts">
                    {by_place(rows).into_iter().map(|(_, name, groups)| {
                        let total: u64 = groups.iter().map(|g| g.1).sum();
                        view! {
                            <li class="card group-card" data-testid="group-place" data-name=name.clone()>
                                <h2 class="group-place">{name.clone()}" "
                                    <span class="muted">{i18n.fmt(Key::CareGroupsTotal, &[("n", &total.to_string())])}</span></h2>
                                <dl class="group-counts">
                                    {groups.into_iter().map(|(g, n)| view! {
                                        <div class="group-count" data-group=g.as_str()>
                                            <dt>{i18n.text(g.text())}</dt>
                                            <dd data-testid="group-count">{n}</dd>
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
