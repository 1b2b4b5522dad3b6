//! "网格议事 / Council": the agenda board. Items stand in their stage (proposed → gathering
//! support → scheduled → in deliberation → decided → being carried out → done / not adopted);
//! on a phone the stages stack as sections. A grid filter, and the form to raise an item for
//! those who may.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::accounts::{Principal, Role};
use shared::council::{CouncilLiveChange, CreateItem, ItemStage, ItemSummary, VoterStatus};
use shared::error::FieldError;
use shared::places::PlaceRefWithPath;

use super::{CouncilTabs, ItemCard, stage_slug};
use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use crate::live::LiveEvents;
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, focus_first_invalid};

#[component]
pub fn CouncilPage() -> impl IntoView {
    let session = use_session();
    move || {
        session
            .principal()
            .map(|p| view! { <CouncilBoard principal=p/> })
    }
}

#[component]
fn CouncilBoard(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CouncilTitle), i18n.get()));
    let grid = RwSignal::new(None::<i64>);
    let grids = LocalResource::new(api::grids);
    let voter = LocalResource::new(api::voter_status);
    // The board of the chosen grid; choosing another reads it again (the latest choice wins).
    let items = LocalResource::new(move || {
        let query = items_query(grid.get());
        async move { api::council_items(&query).await.map(|p| p.items) }
    });
    // Other people's changes come over the live stream: the changed card is read again.
    let live_text = RwSignal::new(String::new());
    crate::live::page_stream().set_value(start_live(items, grid, live_text, i18n));
    let raising = RwSignal::new(false);
    let p = principal.clone();

    view! {
        <div class="council-page">
            <header class="page-head">
                <h1>{move || i18n.t(Key::CouncilTitle)}</h1>
                <p class="lead">{move || i18n.t(Key::CouncilMotto)}</p>
            </header>
            <CouncilTabs current="/council"/>
            {move || {
                let p = p.clone();
                voter.get().map(|v| {
                    let v = v.ok();
                    view! { <RaiseArea principal=p voter=v raising/> }
                })
            }}
            <div class="council-filters">
                <div class="field">
                    <label for="council-grid">{move || i18n.t(Key::FilterGrid)}</label>
                    <select id="council-grid" data-testid="council-grid-filter"
                        on:change=move |ev| grid.set(event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t(Key::All)}</option>
                        {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                            let id = g.place.id;
                            view! { <option value=id.to_string() selected=move || grid.get() == Some(id) data-user-text>{g.place.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="council-live">{move || live_text.get()}</div>
            {move || match items.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| items.refetch())/> }.into_any(),
                Some(Ok(all)) => {
                    view! {
                        <div class="council-board" data-testid="council-board">
                            {ItemStage::ALL.into_iter().map(|stage| {
                                let mine: Vec<_> = all.iter().filter(|i| i.stage == stage).cloned().collect();
                                let n = mine.len();
                                let head_id = format!("stage-{}", stage_slug(stage));
                                let labelled = head_id.clone();
                                view! {
                                    <section class="council-stage" class:is-empty=n == 0 aria-labelledby=labelled
                                        data-testid="council-stage" data-stage=stage_slug(stage)>
                                        <h2 id=head_id class="council-stage-head">
                                            <span>{move || i18n.text(stage.text())}</span>
                                            <span class="council-stage-count">{n}</span>
                                        </h2>
                                        {if n == 0 {
                                            view! { <p class="muted council-stage-empty">{move || i18n.t(Key::CouncilStageEmpty)}</p> }.into_any()
                                        } else {
                                            view! { <ul class="council-cards">{mine.into_iter().map(|i| view! { <ItemCard item=i/> }).collect_view()}</ul> }.into_any()
                                        }}
                                    </section>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Listen to `/api/v1/council/live`. A change to a card shown at an older version or with
/// another support count, or to an item not shown, reads that item again and puts its card
/// where it now belongs; `resync` reads the whole board again.
fn start_live(
    items: LocalResource<Result<Vec<ItemSummary>, ApiError>>,
    grid: RwSignal<Option<i64>>,
    live_text: RwSignal<String>,
    i18n: crate::i18n::I18n,
) -> Option<LiveEvents> {
    let on_item = move |change: CouncilLiveChange| {
        let fresh = items.with_untracked(|l| {
            l.as_ref().and_then(|l| l.as_ref().ok()).is_some_and(|l| {
                l.iter().any(|i| {
                    i.id == change.item_id
                        && i.version >= change.version
                        && i.stage == change.stage
                        && i.support_count == change.support_count
                })
            })
        });
        if fresh {
            return;
        }
        // A message of the live stream, not a user's action: nothing waits on this reading
        // (no pending state to show), and it may outlive the board, hence `try_` below.
        spawn_local(async move {
            let Ok(v) = api::council_item(change.item_id).await else {
                return;
            };
            let s = v.summary;
            // The answer may come after the user has left the board (raising an item goes
            // straight to the item's page): then there is nothing to update.
            let Some(grid) = grid.try_get_untracked() else {
                return;
            };
            let shown = grid.is_none_or(|g| s.grid_id == Some(g));
            let title = s.title.clone();
            items.update(|l| {
                let Some(Ok(l)) = l else { return };
                let at = l.iter().position(|i| i.id == s.id);
                match (at, shown) {
                    (Some(at), true) => {
                        if l[at].version <= s.version {
                            l[at] = s;
                        }
                    }
                    (Some(at), false) => {
                        l.remove(at);
                    }
                    (None, true) => l.insert(0, s),
                    (None, false) => {}
                }
            });
            if shown {
                live_text.set(i18n.fmt(Key::CouncilLiveUpdated, &[("title", &title)]));
            }
        });
    };
    let on_resync = move || {
        let g = grid.get_untracked();
        // The live stream (re)opened, not a user's action: read the board again in the
        // background and keep what is shown if that fails.
        spawn_local(async move {
            // A failed resync keeps the board as it was (the next change tries again).
            if let Ok(p) = api::council_items(&items_query(g)).await {
                items.set(Some(Ok(p.items)));
            }
        });
    };
    LiveEvents::open("/api/v1/council/live", "item", on_item, on_resync)
}

/// The board's query: one grid, or all the user may see.
fn items_query(grid: Option<i64>) -> String {
    match grid {
        Some(g) => format!("grid_id={g}&limit=200"),
        None => "limit=200".to_string(),
    }
}

/// May this user raise an item for a place of grid `grid` (None: the whole community), where
/// a verified resident `lives_here`? The shared rule the server enforces.
fn raises_for(principal: &Principal, grid: Option<i64>, lives_here: bool) -> bool {
    shared::council::may_raise(
        principal,
        shared::council::ItemRelation {
            in_own_grid: grid.is_some_and(|g| principal.grid_ids.contains(&g)),
        },
        lives_here,
    )
}

/// The grids an item may be raised for by this user, with the default first.
fn scopes(
    principal: &Principal,
    voter: Option<&VoterStatus>,
    grids: &[PlaceRefWithPath],
) -> (Vec<(i64, String)>, Option<i64>) {
    let home = voter.filter(|v| v.verified).and_then(|v| v.grid_id);
    let own: Vec<i64> = grids
        .iter()
        .map(|g| g.place.id)
        .filter(|g| raises_for(principal, Some(*g), home == Some(*g)))
        .collect();
    let default = voter
        .and_then(|v| v.grid_id)
        .filter(|g| own.contains(g))
        .or_else(|| {
            principal
                .grid_ids
                .first()
                .copied()
                .filter(|g| own.contains(g))
        })
        .or_else(|| own.first().copied());
    let list = grids
        .iter()
        .filter(|g| own.contains(&g.place.id))
        .map(|g| (g.place.id, g.location.clone()))
        .collect();
    (list, default)
}

/// The micro-grids of grid `grid` (its children of that kind) an item may be raised for by
/// this user: every one for those who manage the grid, else the resident's own micro-grid.
fn micro_grids_for(
    principal: &Principal,
    voter: Option<&VoterStatus>,
    grid: i64,
    children: Vec<shared::places::PlaceSummary>,
) -> Vec<(i64, String)> {
    let home = voter.filter(|v| v.verified).and_then(|v| v.micro_grid_id);
    children
        .into_iter()
        .filter(|c| c.kind == shared::places::PlaceKind::MicroGrid)
        .filter(|c| raises_for(principal, Some(grid), home == Some(c.id)))
        .map(|c| (c.id, c.name))
        .collect()
}

/// The "raise an item" button and form for those who may, or the note for residents who are
/// not verified yet.
#[component]
fn RaiseArea(
    principal: Principal,
    voter: Option<VoterStatus>,
    raising: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let verified = voter.as_ref().is_some_and(|v| v.verified);
    let may_raise = principal
        .grid_ids
        .iter()
        .any(|g| raises_for(&principal, Some(*g), false))
        || raises_for(&principal, None, verified);
    if !may_raise {
        return principal
            .has_role(Role::Resident)
            .then(|| {
                view! {
                    <div class="alert alert-info" role="status" data-testid="council-not-verified">
                        <p>{move || i18n.t(Key::CouncilNotVerified)}</p>
                    </div>
                }
            })
            .into_any();
    }
    view! {
        <div class="council-raise">
            <button type="button" class="button button-primary" data-testid="council-raise-toggle"
                aria-expanded=move || raising.get().to_string() aria-controls="raise-form"
                on:click=move |_| raising.update(|r| *r = !*r)>
                {move || i18n.t(Key::CouncilRaise)}
            </button>
            <Show when=move || raising.get()>
                <RaiseForm principal=principal.clone() voter=voter.clone() raising/>
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn RaiseForm(
    principal: Principal,
    voter: Option<VoterStatus>,
    raising: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let grids = LocalResource::new(api::grids);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let scope = RwSignal::new(None::<i64>);
    // Optionally one micro-grid of the chosen grid.
    let micro = RwSignal::new(None::<i64>);
    let photos = RwSignal::new_local(Vec::<crate::cases::photos::Picked>::new());
    // Raising: the item, then its photos; then the user lands on the new item.
    let raise = Submit::new(move |input: CreateItem| {
        let navigate = navigate.clone();
        async move {
            let v = api::raise_item(&input).await?;
            // (The form may be gone by now: cancelled while sending.)
            let picked = photos.try_get_untracked().unwrap_or_default();
            let mut failed = false;
            if !picked.is_empty() {
                failed = super::photos::upload_all(v.summary.id, picked.clone())
                    .await
                    .is_err();
                crate::cases::photos::release(&picked);
                photos.set(Vec::new());
            }
            raising.set(false);
            let extra = if failed { "&photo_failed=1" } else { "" };
            navigate(
                &format!("/council/items/{}?raised=1{extra}", v.summary.id),
                Default::default(),
            );
            Ok(())
        }
    });
    let (error, errors, sending) = (raise.error, raise.errors, raise.pending());
    super::clear_on_change(title, errors, &["title"]);
    super::clear_on_change(description, errors, &["description"]);
    super::clear_on_change(scope, errors, &["scope_place_id"]);

    // The choices, and the community of the default grid (for community-wide items).
    let options = Memo::new({
        let principal = principal.clone();
        let voter = voter.clone();
        move |_| {
            let list = grids.get().and_then(Result::ok).unwrap_or_default();
            scopes(&principal, voter.as_ref(), &list)
        }
    });
    let community = LocalResource::new(move || {
        let g = options.get().1;
        async move {
            match g {
                Some(g) => api::place(g).await.ok().and_then(|p| {
                    p.path
                        .into_iter()
                        .find(|r| r.kind == shared::places::PlaceKind::Community)
                }),
                None => None,
            }
        }
    });
    Effect::new(move |_| {
        if scope.get_untracked().is_none()
            && let Some(d) = options.get().1
        {
            scope.set(Some(d));
        }
    });
    // The micro-grids of the chosen grid this user may raise for: all of them for those who
    // manage the grid, the resident's own one otherwise.
    let micro_options = LocalResource::new({
        let principal = principal.clone();
        let voter = voter.clone();
        move || {
            let chosen = scope.get();
            let is_grid =
                chosen.is_some_and(|g| options.with(|o| o.0.iter().any(|(id, _)| *id == g)));
            let principal = principal.clone();
            let voter = voter.clone();
            async move {
                let Some(g) = chosen.filter(|_| is_grid) else {
                    return Vec::new();
                };
                let list = api::children(g).await.unwrap_or_default();
                micro_grids_for(&principal, voter.as_ref(), g, list)
            }
        }
    });
    Effect::new(move |_| {
        scope.track();
        micro.set(None);
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let Some(scope_place_id) = micro.get_untracked().or(scope.get_untracked()) else {
            errors.set(vec![FieldError {
                field: "scope_place_id".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            }]);
            focus_first_invalid();
            return;
        };
        let input = CreateItem {
            title: title.get_untracked(),
            description: description.get_untracked(),
            scope_place_id,
            category_id: None,
            lon: None,
            lat: None,
        };
        if let Err(errs) = input.validate() {
            errors.set(
                errs.0
                    .into_iter()
                    .map(|(field, code)| FieldError {
                        field,
                        code,
                        message: String::new(),
                    })
                    .collect(),
            );
            focus_first_invalid();
            return;
        }
        raise.dispatch(input);
    };
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    // The whole community: the office, and residents verified as living in it.
    let show_community = raises_for(&principal, None, voter.as_ref().is_some_and(|v| v.verified));

    view! {
        <form id="raise-form" class="card form raise-form" on:submit=submit novalidate data-testid="raise-form">
            <h2>{move || i18n.t(Key::CouncilRaiseTitle)}</h2>
            <p class="hint">{move || i18n.t(Key::CouncilRaiseIntro)}</p>
            <FormError error fields=errors testid="raise-error"/>
            <div class="field">
                <label for="raise-title">{move || i18n.t(Key::CouncilItemTitle)}</label>
                <p class="hint" id="raise-title-hint">{move || i18n.t(Key::CouncilItemTitleHint)}</p>
                <input id="raise-title" type="text" maxlength="100" data-testid="raise-title" aria-describedby="raise-title-hint"
                    aria-invalid=invalid("title") bind:value=title/>
                <FieldErrorList errors field="title" id="raise-title-error".to_string()/>
            </div>
            <div class="field">
                <label for="raise-description">{move || i18n.t(Key::CouncilItemDescription)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                <textarea id="raise-description" rows="4" maxlength="4000" data-testid="raise-description" aria-invalid=invalid("description") bind:value=description></textarea>
                <FieldErrorList errors field="description" id="raise-description-error".to_string()/>
            </div>
            <div class="field">
                <label for="raise-scope">{move || i18n.t(Key::CouncilScope)}</label>
                <select id="raise-scope" data-testid="raise-scope" aria-invalid=invalid("scope_place_id")
                    on:change=move |ev| scope.set(event_target_value(&ev).parse().ok())>
                    {move || options.get().0.into_iter().map(|(id, label)| view! {
                        <option value=id.to_string() selected=move || scope.get() == Some(id)>{label}</option>
                    }).collect_view()}
                    {move || show_community.then(|| community.get().flatten().map(|c| {
                        let id = c.id;
                        view! { <option value=id.to_string() selected=move || scope.get() == Some(id) data-user-text>{i18n.fmt(Key::CouncilWholeCommunity, &[("name", &c.name)])}</option> }
                    }))}
                </select>
                <FieldErrorList errors field="scope_place_id" id="raise-scope-error".to_string()/>
            </div>
            {move || {
                let list = micro_options.get().unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <div class="field">
                        <label for="raise-micro">{move || i18n.t(Key::CouncilMicroGrid)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <p class="hint" id="raise-micro-hint">{move || i18n.t(Key::CouncilMicroGridHint)}</p>
                        <select id="raise-micro" data-testid="raise-micro" aria-describedby="raise-micro-hint"
                            on:change=move |ev| micro.set(event_target_value(&ev).parse().ok())>
                            <option value="" selected=move || micro.get().is_none()>{move || i18n.t(Key::CouncilWholeGrid)}</option>
                            {list.into_iter().map(|(id, name)| view! {
                                <option value=id.to_string() selected=move || micro.get() == Some(id) data-user-text>{name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })
            }}
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Photos)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></legend>
                <crate::cases::photos::PhotoPicker picked=photos multiple=true id="raise-photo-input" max=shared::council::PHOTOS_PER_ITEM/>
            </fieldset>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="raise-submit" disabled=move || sending.get()>
                    {move || if sending.get() { i18n.t(Key::Sending) } else { i18n.t(Key::CouncilRaiseSubmit) }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| raising.set(false)>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::places::{PlaceKind, PlaceRef};

    fn grid(id: i64) -> PlaceRefWithPath {
        PlaceRefWithPath {
            place: PlaceRef {
                id,
                kind: PlaceKind::Grid,
                code: format!("G{id}"),
                name: format!("网格{id}"),
            },
            location: format!("幸福社区 / 网格{id}"),
        }
    }

    fn person(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn micro_grids_are_offered_where_the_user_may() {
        use shared::places::PlaceSummary;
        let child = |id: i64, kind: PlaceKind| PlaceSummary {
            id,
            kind,
            code: format!("M{id}"),
            name: format!("微网格{id}"),
            address: None,
            child_count: 0,
            resident_count: None,
        };
        let children = vec![
            child(31, PlaceKind::MicroGrid),
            child(32, PlaceKind::MicroGrid),
            child(40, PlaceKind::Building),
        ];
        let ids = |v: Vec<(i64, String)>| v.into_iter().map(|x| x.0).collect::<Vec<_>>();
        let staff = person(&[Role::Staff], &[]);
        assert_eq!(
            ids(micro_grids_for(&staff, None, 3, children.clone())),
            [31, 32]
        );
        let leader = person(&[Role::GridWorker], &[3]);
        assert_eq!(
            ids(micro_grids_for(&leader, None, 3, children.clone())),
            [31, 32]
        );
        let other_leader = person(&[Role::GridWorker], &[4]);
        assert!(micro_grids_for(&other_leader, None, 3, children.clone()).is_empty());
        let v = VoterStatus {
            verified: true,
            grid_id: Some(3),
            household_id: Some(9),
            micro_grid_id: Some(32),
        };
        let resident = person(&[Role::Resident], &[]);
        assert_eq!(ids(micro_grids_for(&resident, Some(&v), 3, children)), [32]);
    }

    #[test]
    fn items_are_raised_where_the_user_may() {
        let all = [grid(1), grid(2), grid(3)];
        let staff = scopes(&person(&[Role::Staff], &[]), None, &all);
        assert_eq!(staff.0.len(), 3);
        assert_eq!(staff.1, Some(1));
        let leader = scopes(&person(&[Role::GridWorker], &[2]), None, &all);
        assert_eq!(leader.0.iter().map(|g| g.0).collect::<Vec<_>>(), [2]);
        let verified = VoterStatus {
            verified: true,
            grid_id: Some(3),
            household_id: Some(9),
            micro_grid_id: Some(31),
        };
        let resident = scopes(&person(&[Role::Resident], &[]), Some(&verified), &all);
        assert_eq!(resident.0.iter().map(|g| g.0).collect::<Vec<_>>(), [3]);
        assert_eq!(resident.1, Some(3), "their own grid by default");
        let unverified = VoterStatus {
            verified: false,
            ..verified
        };
        assert!(
            scopes(&person(&[Role::Resident], &[]), Some(&unverified), &all)
                .0
                .is_empty()
        );
    }
}
