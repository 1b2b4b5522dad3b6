//! Browsing the hierarchy one level at a time, with breadcrumbs back up.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::accounts::Permission;
use shared::places::{PlaceKind, PlaceSummary, PlaceView};

use super::edit::PlaceForm;
use super::residents::HouseholdResidents;
use super::search::SearchBox;
use crate::accounts::use_session;
use crate::api;
use crate::i18n::{Key, kind_plural, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, Loading, Notice, in_sentence};

#[component]
pub fn PlacesRootPage() -> impl IntoView {
    let i18n = use_i18n();
    let roots = LocalResource::new(api::roots);
    Effect::new(move |_| set_title(i18n.t(Key::PlacesTitle), i18n.get()));
    view! {
        <div class="page-head">
            <h1 data-testid="place-title">{move || i18n.t(Key::PlacesTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::PlacesIntro)}</p>
        </div>
        <SearchBox/>
        {move || match roots.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| roots.refetch())/> }.into_any(),
            Some(Ok(list)) => view! {
                <section aria-labelledby="children-title">
                    <h2 id="children-title">{move || i18n.text(kind_plural(PlaceKind::Street))}</h2>
                    <ChildCards list kind=PlaceKind::Street/>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
pub fn PlacePage() -> impl IntoView {
    let id = crate::ui::use_id_param();
    move || match id.get() {
        Some(id) => view! { <PlaceDetail id/> }.into_any(),
        None => view! { <crate::shell::NotFound/> }.into_any(),
    }
}

#[component]
fn PlaceDetail(id: i64) -> impl IntoView {
    let place = LocalResource::new(move || api::place(id));
    // Lives above the body, so "saved" survives the reload that follows a save.
    let notice = RwSignal::new(None::<String>);
    move || match place.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! { <crate::shell::NotFound/> }.into_any(),
        Some(Err(e)) => {
            view! { <ErrorBox error=e retry=Callback::new(move |_| place.refetch())/> }.into_any()
        }
        Some(Ok(p)) => {
            view! { <PlaceBody place=p notice reload=Callback::new(move |_| place.refetch())/> }
                .into_any()
        }
    }
}

#[component]
fn Breadcrumbs(place: PlaceView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="breadcrumbs" aria-label=move || i18n.t(Key::Breadcrumbs) data-testid="breadcrumbs">
            <ol>
                <li><a href="/places">{move || i18n.t(Key::AllPlaces)}</a></li>
                {place.path.iter().map(|r| view! {
                    <li><a href=format!("/places/{}", r.id) data-user-text>{r.name.clone()}</a></li>
                }).collect_view()}
                <li><span aria-current="page" data-user-text>{place.name.clone()}</span></li>
            </ol>
        </nav>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Edit,
    Delete,
    AddChild,
}

#[component]
fn PlaceBody(
    place: PlaceView,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let grid = place.grid_id;
    let kind = place.kind;
    let child_kind = kind.child();
    let panel = RwSignal::new(Panel::None);
    let children_version = RwSignal::new(0u32);

    {
        let name = place.name.clone();
        Effect::new(move |_| set_title(&name, i18n.get()));
    }

    let may_edit = move || session.may(Permission::EditPlaces);
    let may_add_child = move || match child_kind {
        None => false,
        Some(PlaceKind::Household) => {
            session.may(Permission::EditPlaces) || session.may_in_grid(Permission::EditPeople, grid)
        }
        Some(_) => session.may(Permission::EditPlaces),
    };
    // A building's children are households: people's data, shown only within the user's reach.
    let people_visible = move || {
        child_kind != Some(PlaceKind::Household)
            || session.may_in_grid(Permission::ViewPeople, grid)
    };

    let kind_label = move || i18n.text(kind.text());
    let kind_in_sentence = move || in_sentence(i18n.text(kind.text()));

    let delete = {
        let parent = place.parent_id;
        let version = place.version;
        let id = place.id;
        let navigate = navigate.clone();
        Submit::new(move |()| {
            let navigate = navigate.clone();
            async move {
                api::delete_place(id, version).await?;
                let to = parent
                    .map(|p| format!("/places/{p}"))
                    .unwrap_or_else(|| "/places".into());
                navigate(
                    &to,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
                Ok(())
            }
        })
    };

    let leaders = place.leaders.clone();
    let edit_place = place.clone();
    let title_name = place.name.clone();
    let delete_name = place.name.clone();

    view! {
        <Breadcrumbs place=place.clone()/>
        <div class="page-head place-head">
            <p class="kind-label"><span class="badge">{kind_label}</span>
                <span class="muted mono" data-testid="place-code">{place.code.clone()}</span></p>
            <h1 data-testid="place-title" data-user-text>{title_name}</h1>
            {place.address.clone().map(|a| view! { <p class="muted" data-testid="place-address" data-user-text>{a}</p> })}
        </div>
        <Notice message=notice/>

        {(!matches!(kind, PlaceKind::Street | PlaceKind::Household) || !leaders.is_empty()).then(|| view! {
            <section class="card leaders" aria-labelledby="leaders-title">
                <h2 id="leaders-title">{move || i18n.t(Key::Leaders)}</h2>
                {if leaders.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Key::NoLeaders)}</p> }.into_any()
                } else {
                    view! {
                        <dl class="leader-list" data-testid="leaders">
                            {leaders.iter().map(|l| {
                                let title = l.title;
                                view! { <div><dt>{move || i18n.text(title.text())}</dt><dd data-user-text>{l.name.clone()}</dd></div> }
                            }).collect_view()}
                        </dl>
                    }.into_any()
                }}
            </section>
        })}

        <Show when=move || may_edit() || may_add_child()>
            <div class="toolbar" role="group">
                <Show when=may_add_child>
                    <button type="button" class="button button-primary" data-testid="add-child"
                        aria-expanded=move || (panel.get() == Panel::AddChild).to_string()
                        on:click=move |_| { notice.set(None); panel.update(|p| *p = if *p == Panel::AddChild { Panel::None } else { Panel::AddChild }); }>
                        {move || child_kind.map(|c| i18n.fmt(Key::AddChild, &[("kind", &in_sentence(i18n.text(c.text())))])).unwrap_or_default()}
                    </button>
                </Show>
                <Show when=may_edit>
                    <button type="button" class="button button-secondary" data-testid="edit-place"
                        aria-expanded=move || (panel.get() == Panel::Edit).to_string()
                        on:click=move |_| { notice.set(None); panel.update(|p| *p = if *p == Panel::Edit { Panel::None } else { Panel::Edit }); }>
                        {move || i18n.fmt(Key::EditPlace, &[("kind", &kind_in_sentence())])}
                    </button>
                    <button type="button" class="button button-danger-quiet" data-testid="delete-place"
                        aria-expanded=move || (panel.get() == Panel::Delete).to_string()
                        on:click=move |_| { notice.set(None); panel.set(Panel::Delete); }>
                        {move || i18n.t(Key::Delete)}
                    </button>
                </Show>
            </div>
        </Show>

        {
            let edit_place = edit_place.clone();
            let delete_name = delete_name.clone();
            move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Edit => view! {
                <PlaceForm
                    kind
                    parent_id=None
                    existing=Some(edit_place.clone())
                    on_saved=Callback::new(move |_p: PlaceView| { panel.set(Panel::None); notice.set(Some(i18n.t(Key::Saved).to_string())); reload.run(()); })
                    on_cancel=Callback::new(move |_| panel.set(Panel::None))
                />
            }.into_any(),
            Panel::AddChild => match child_kind {
                Some(ck) => view! {
                    <PlaceForm
                        kind=ck
                        parent_id=Some(edit_place.id)
                        existing=None
                        on_saved=Callback::new(move |p: PlaceView| {
                            panel.set(Panel::None);
                            notice.set(Some(i18n.fmt(Key::PlaceCreated, &[("name", &p.name)])));
                            children_version.update(|v| *v += 1);
                        })
                        on_cancel=Callback::new(move |_| panel.set(Panel::None))
                    />
                }.into_any(),
                None => ().into_any(),
            },
            Panel::Delete => {
                let name = delete_name.clone();
                view! {
                    <crate::ui::ConfirmDelete name error=delete.error
                        on_confirm=Callback::new(move |_| delete.dispatch(()))
                        on_cancel=Callback::new(move |_| panel.set(Panel::None))/>
                }.into_any()
            }
        }}

        {match kind {
            PlaceKind::Household => view! { <HouseholdResidents household_id=place.id grid/> }.into_any(),
            _ => view! {
                {move || {
                    if people_visible() {
                        children_version.track();
                        view! { <Children parent=place.id kind=child_kind.unwrap_or(PlaceKind::Household) version=children_version/> }.into_any()
                    } else {
                        view! {
                            <section aria-labelledby="children-title">
                                <h2 id="children-title">{move || i18n.text(kind_plural(PlaceKind::Household))}</h2>
                                <p class="alert alert-info" data-testid="people-hidden">{move || i18n.t(Key::PeopleHidden)}</p>
                            </section>
                        }.into_any()
                    }
                }}
            }.into_any(),
        }}
    }
}

#[component]
fn Children(parent: i64, kind: PlaceKind, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || {
        version.track();
        api::children(parent)
    });
    view! {
        <section aria-labelledby="children-title">
            <h2 id="children-title">{move || i18n.fmt(Key::ChildrenOf, &[("kind", i18n.text(kind_plural(kind)))])}</h2>
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) if e.status() == Some(403) => view! {
                    <p class="alert alert-info" data-testid="people-hidden">{move || i18n.t(Key::PeopleHidden)}</p>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Some(Ok(items)) => view! { <ChildCards list=items kind/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ChildCards(list: Vec<PlaceSummary>, kind: PlaceKind) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! {
            <p class="empty" data-testid="no-children">
                {move || i18n.fmt(Key::NoChildren, &[("kind", &in_sentence(i18n.text(kind_plural(kind))))])}
            </p>
        }
        .into_any();
    }
    view! {
        <ul class=format!("cards place-cards kind-{}", kind.as_str()) data-testid="child-list">
            {list.into_iter().map(|c| {
                let grandchild = c.kind.child();
                let count = c.child_count;
                let residents = c.resident_count;
                view! {
                    <li>
                        <a class="card place-card" href=format!("/places/{}", c.id) data-testid="child-item" data-name=c.name.clone()>
                            <span class="place-card-name" data-user-text>{c.name.clone()}</span>
                            // A household's address only repeats its building's; its name says it all.
                            {c.address.clone().filter(|_| c.kind != PlaceKind::Household).map(|a| view! { <span class="place-card-address" data-user-text>{a}</span> })}
                            <span class="place-card-meta">
                                {grandchild.filter(|_| count > 0).map(|g| view! {
                                    <span>{move || i18n.fmt(Key::ChildCount, &[("n", &count.to_string()), ("kind", &in_sentence(i18n.text(kind_plural(g))))])}</span>
                                })}
                                {residents.map(|n| view! {
                                    <span>{move || i18n.fmt(Key::ResidentCount, &[("n", &n.to_string())])}</span>
                                })}
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
