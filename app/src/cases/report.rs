//! "上报问题 / Report a problem": one phone-first form for every role. The category is picked
//! group → item, the place by search or by grid, the location optionally from the phone; open
//! cases of the same kind nearby are offered before a new one is filed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::accounts::Principal;
use shared::cases::{CreateCase, DuplicateCandidate, DuplicateQuery, Source, Urgency};
use shared::error::{FieldError, FieldErrorCode};
use shared::places::PlaceRefWithPath;

use super::{StageBadge, category_label, category_name};
use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use crate::offline::outbox::{self, Item, Sent};
use crate::offline::page::KeptNotice;
use crate::submit::Submit;
use crate::ui::{FieldErrorList, FormError, focus_first_invalid, local_error};

#[component]
pub fn ReportPage() -> impl IntoView {
    let session = use_session();
    move || {
        session
            .principal()
            .map(|p| view! { <ReportForm principal=p/> })
    }
}

#[component]
fn ReportForm(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    Effect::new(move |_| set_title(i18n.t(Key::ReportTitle), i18n.get()));
    let meta = LocalResource::new(api::case_meta);

    let sources: Vec<Source> = Source::ALL
        .into_iter()
        .filter(|s| s.may_file(&principal))
        .collect();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let group = RwSignal::new(None::<i64>);
    let category = RwSignal::new(None::<i64>);
    let urgency = RwSignal::new(Urgency::Normal);
    let source = RwSignal::new(sources.first().copied().unwrap_or(Source::ResidentReport));
    let place = RwSignal::new(None::<PlaceRefWithPath>);
    let point = RwSignal::new(None::<(f64, f64)>);
    let locate_error = RwSignal::new(None::<String>);
    let locating = RwSignal::new(false);
    let locate_failed = RwSignal::new(false);
    let hidden = RwSignal::new(false);
    let duplicates = RwSignal::new(None::<Vec<DuplicateCandidate>>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let error = RwSignal::new(None::<ApiError>);
    let photos = RwSignal::new_local(Vec::<super::photos::Picked>::new());
    let uploading = RwSignal::new(false);
    // Kept in the outbox (no signal): said until the next send.
    let kept = RwSignal::new(false);

    // A field the user changes loses its old error mark.
    let clear = move |fields: &'static [&'static str]| {
        errors.update(|e| e.retain(|x| !fields.contains(&x.field.as_str())))
    };
    Effect::new(move |_| {
        title.track();
        clear(&["title"]);
    });
    Effect::new(move |_| {
        group.track();
        category.track();
        clear(&["category_group", "category_id"]);
    });
    Effect::new(move |_| {
        place.track();
        clear(&["place_id"]);
    });

    // A different category or place makes the duplicate check stale.
    Effect::new(move |_| {
        category.track();
        place.track();
        point.track();
        duplicates.set(None);
    });

    // A point, from the map (`?lon=…&lat=…`) or the phone's location, fills in the place it
    // lies in as the server finds it: the building whose footprint holds it, else the
    // micro-grid or grid. A point outside every grid says so and leaves the choice to the
    // user (the search and grid list stay right above).
    let located = place_at(point);
    Effect::new(move |_| match located.get().flatten() {
        Some(Ok(p)) => place.set(Some(p)),
        Some(Err(e))
            if e.field_errors()
                .iter()
                .any(|f| f.code == FieldErrorCode::OutsideGrids) =>
        {
            locate_error.set(Some(i18n.t(Key::LocationOutsideGrids).to_string()))
        }
        Some(Err(e)) => locate_error.set(Some(e.reason(crate::api::language()))),
        None => {}
    });
    let place_from_point = move |lon: f64, lat: f64| {
        point.set(Some((lon, lat)));
        locate_error.set(None);
    };
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let from_map = query
        .get("lon")
        .and_then(|v| v.parse::<f64>().ok())
        .zip(query.get("lat").and_then(|v| v.parse::<f64>().ok()));
    if let Some((lon, lat)) = from_map {
        place_from_point(lon, lat);
    }

    let use_location = move |_| {
        locating.set(true);
        locate_failed.set(false);
        current_position(
            move |lon, lat| {
                locating.set(false);
                place_from_point(lon, lat);
            },
            move || {
                locating.set(false);
                locate_failed.set(true);
            },
        );
    };

    // Sending: the duplicate offer first (once), then the report through the outbox, then its
    // photos, then the case's page.
    let send = Submit::reporting_to(
        error,
        errors,
        move |(input, checked): (CreateCase, bool)| {
            let navigate = navigate.clone();
            let (category_id, place_id) = (input.category_id, input.place_id);
            async move {
                // First time: offer open cases of the same kind here before filing another.
                if !checked {
                    let q = DuplicateQuery {
                        category_id,
                        place_id: Some(place_id),
                        lon: point.get_untracked().map(|p| p.0),
                        lat: point.get_untracked().map(|p| p.1),
                    };
                    match api::duplicates(&q).await {
                        Ok(list) if !list.is_empty() => {
                            duplicates.set(Some(list));
                            request_animation_frame(|| focus_by_id("duplicates-title"));
                            return Ok(());
                        }
                        _ => duplicates.set(Some(Vec::new())),
                    }
                }
                // Through the outbox: without signal the report (and its photos) is kept on the
                // phone and sent when the connection returns.
                let picked = photos.get_untracked();
                let item = Item::report(&input, picked.len() as u32);
                let files = picked.iter().map(|p| p.file.clone()).collect();
                match outbox::send::<shared::cases::CaseView>(item, files).await {
                    Ok(Sent::Kept) => {
                        super::photos::release(&picked);
                        photos.set(Vec::new());
                        title.set(String::new());
                        description.set(String::new());
                        kept.set(true);
                    }
                    Ok(Sent::Now(view)) => {
                        let id = view.summary.id;
                        // The photos go up right after the case exists; then the user lands on it.
                        let picked = photos.get_untracked();
                        let mut failed = false;
                        if !picked.is_empty() {
                            uploading.set(true);
                            failed = super::photos::upload_all(
                                id,
                                shared::cases::PhotoKind::Report,
                                picked.clone(),
                            )
                            .await
                            .is_err();
                            super::photos::release(&picked);
                            uploading.set(false);
                        }
                        let extra = if failed { "&photo_failed=1" } else { "" };
                        navigate(&format!("/cases/{id}?filed=1{extra}"), Default::default());
                    }
                    Err(e) => return Err(e),
                }
                Ok(())
            }
        },
    )
    .focusing_invalid();
    let busy = send.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        kept.set(false);
        let mut local = Vec::new();
        if title.get_untracked().trim().is_empty() {
            local.push(local_error("title", FieldErrorCode::Required));
        }
        if category.get_untracked().is_none() {
            local.push(local_error(
                if group.get_untracked().is_none() {
                    "category_group"
                } else {
                    "category_id"
                },
                FieldErrorCode::Required,
            ));
        }
        if place.with_untracked(Option::is_none) {
            local.push(local_error("place_id", FieldErrorCode::Required));
        }
        errors.set(local);
        if !errors.with_untracked(Vec::is_empty) {
            focus_first_invalid();
            return;
        }
        let (Some(category_id), Some(place_id)) = (
            category.get_untracked(),
            place.with_untracked(|p| p.as_ref().map(|p| p.place.id)),
        ) else {
            return;
        };
        let input = CreateCase {
            title: title.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            category_id,
            urgency: urgency.get_untracked(),
            source: source.get_untracked(),
            place_id,
            lon: point.get_untracked().map(|p| p.0),
            lat: point.get_untracked().map(|p| p.1),
            reporter_hidden: hidden.get_untracked(),
        };
        send.dispatch((input, duplicates.with_untracked(Option::is_some)));
    };

    let groups = move || {
        meta.get()
            .and_then(Result::ok)
            .map(|m| {
                m.categories
                    .iter()
                    .filter(|c| c.parent_id.is_none())
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let items = move || {
        let g = group.get();
        meta.get()
            .and_then(Result::ok)
            .map(|m| {
                m.categories
                    .iter()
                    .filter(|c| c.parent_id.is_some() && c.parent_id == g)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    let many_sources = sources.len() > 1;

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::ReportTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::ReportIntro)}</p>
        </div>
        <form class="card form report-form" on:submit=submit novalidate data-testid="report-form">
            <FormError error fields=errors/>
            <KeptNotice kept/>
            <div class="field" class:field-invalid=invalid("title")>
                <label for="case-title">{move || i18n.t(Key::CaseTitleLabel)}</label>
                <p class="hint" id="case-title-hint">{move || i18n.t(Key::CaseTitleHint)}</p>
                <input id="case-title" type="text" maxlength="100" autocomplete="off" data-testid="case-title"
                    aria-describedby="case-title-hint" aria-invalid=move || invalid("title")().to_string() bind:value=title/>
                <FieldErrorList errors field="title" id="case-title-error".to_string()/>
            </div>
            <div class="form-grid">
                <div class="field" class:field-invalid=invalid("category_group")>
                    <label for="case-group">{move || i18n.t(Key::CategoryGroup)}</label>
                    <select id="case-group" data-testid="case-group" aria-invalid=move || invalid("category_group")().to_string()
                        on:change=move |ev| {
                            group.set(event_target_value(&ev).parse().ok());
                            category.set(None);
                        }>
                        <option value="" selected=move || group.get().is_none()>{move || i18n.t(Key::ChooseOne)}</option>
                        {move || groups().into_iter().map(|g| {
                            let id = g.id;
                            view! { <option value=id.to_string() selected=move || group.get() == Some(id)>{category_name(&g, i18n.get())}</option> }
                        }).collect_view()}
                    </select>
                    <FieldErrorList errors field="category_group" id="case-group-error".to_string()/>
                </div>
                <div class="field" class:field-invalid=invalid("category_id")>
                    <label for="case-category">{move || i18n.t(Key::CategoryItem)}</label>
                    <select id="case-category" data-testid="case-category" disabled=move || group.get().is_none()
                        aria-invalid=move || invalid("category_id")().to_string()
                        on:change=move |ev| category.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || category.get().is_none()>{move || i18n.t(Key::ChooseOne)}</option>
                        {move || items().into_iter().map(|c| {
                            let id = c.id;
                            view! { <option value=id.to_string() selected=move || category.get() == Some(id)>{category_name(&c, i18n.get())}</option> }
                        }).collect_view()}
                    </select>
                    <FieldErrorList errors field="category_id" id="case-category-error".to_string()/>
                </div>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Urgency)}</legend>
                <div class="choices choices-row">
                    {Urgency::ALL.into_iter().map(|u| view! {
                        <label class="choice">
                            <input type="radio" name="urgency" value=u.as_str() data-testid=format!("urgency-{}", u.as_str())
                                prop:checked=move || urgency.get() == u on:change=move |_| urgency.set(u)/>
                            {move || i18n.text(u.text())}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            {many_sources.then(|| view! {
                <div class="field">
                    <label for="case-source">{move || i18n.t(Key::CaseSource)}</label>
                    <select id="case-source" data-testid="case-source"
                        on:change=move |ev| if let Some(s) = Source::parse(&event_target_value(&ev)) { source.set(s) }>
                        {sources.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=move || source.get() == s>{move || i18n.text(s.text())}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <fieldset class="field where" class:field-invalid=invalid("place_id")>
                <legend>{move || i18n.t(Key::Where)}</legend>
                <PlacePicker place errors/>
                <div class="locate">
                    <button type="button" class="button button-quiet" data-testid="use-location" on:click=use_location disabled=move || locating.get()>
                        {move || if locating.get() { i18n.t(Key::Locating) } else { i18n.t(Key::UseMyLocation) }}
                    </button>
                    {move || point.get().map(|(lon, lat)| view! {
                        <span class="muted" data-testid="location-set">{i18n.fmt(Key::LocationSet, &[("lon", &format!("{lon:.5}")), ("lat", &format!("{lat:.5}"))])}</span>
                        " "
                        <button type="button" class="button button-quiet" on:click=move |_| { point.set(None); locate_error.set(None); }>{i18n.t(Key::ClearLocation)}</button>
                    })}
                    {move || locate_failed.get().then(|| view! { <p class="hint" role="status">{i18n.t(Key::LocationFailed)}</p> })}
                    {move || locate_error.get().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="locate-error">{m}</p> })}
                </div>
            </fieldset>
            <div class="field">
                <label for="case-description">{move || i18n.t(Key::CaseDescription)}
                    <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></label>
                <textarea id="case-description" rows="4" maxlength="4000" data-testid="case-description" bind:value=description></textarea>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::Photos)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></legend>
                <super::photos::PhotoPicker picked=photos multiple=true id="report-photo-input"/>
            </fieldset>
            <label class="choice">
                <input type="checkbox" data-testid="case-hidden" bind:checked=hidden/>
                {move || i18n.t(Key::HideMyName)}
            </label>
            <p class="hint">{move || i18n.t(Key::HideMyNameHint)}</p>
            {move || duplicates.get().filter(|d| !d.is_empty()).map(|list| {
                // The question these were found by: "this is my problem too" names it again
                // (the server offers that only for a case the same question finds).
                let q = category.get_untracked().map(|category_id| DuplicateQuery {
                    category_id,
                    place_id: place.with_untracked(|p| p.as_ref().map(|p| p.place.id)),
                    lon: point.get_untracked().map(|p| p.0),
                    lat: point.get_untracked().map(|p| p.1),
                });
                view! {
                    <section class="alert alert-info duplicates" data-testid="duplicates" aria-labelledby="duplicates-title">
                        <h2 id="duplicates-title" tabindex="-1">{move || i18n.t(Key::PossibleDuplicates)}</h2>
                        <p>{move || i18n.t(Key::PossibleDuplicatesIntro)}</p>
                        <ul class="duplicate-list">
                            {list.into_iter().map(|c| view! {
                                <DuplicateOffer candidate=c query=q.clone() meta=meta/>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
            <div class="actions">
                <button type="submit" class="button button-primary button-block" data-testid="report-submit" disabled=move || busy.get()>
                    {move || if uploading.get() { i18n.t(Key::Uploading) }
                        else if busy.get() { i18n.t(Key::Sending) }
                        else if duplicates.with(|d| d.as_ref().is_some_and(|d| !d.is_empty())) { i18n.t(Key::ReportAnyway) }
                        else { i18n.t(Key::ReportSubmit) }}
                </button>
            </div>
            {move || category.get().map(|id| view! {
                <p class="hint">{category_label(meta.get().and_then(Result::ok).as_ref(), id, i18n.get())}</p>
            })}
        </form>
    }
}

/// The place a point lies in, as the server finds it (the building whose footprint holds it,
/// else the micro-grid or grid), read again whenever the point changes, so a later point wins
/// over a slow answer. `None` while there is no point.
pub(crate) fn place_at(
    point: RwSignal<Option<(f64, f64)>>,
) -> LocalResource<Option<api::ApiResult<PlaceRefWithPath>>> {
    LocalResource::new(move || {
        let at = point.get();
        async move {
            match at {
                Some((lon, lat)) => Some(api::locate(lon, lat).await.map(|l| l.finest())),
                None => None,
            }
        }
    })
}

/// The phone's position, asked once: `on_ok(lon, lat)`, or `on_fail()` when there is none (no
/// permission, no fix within 15 s, no geolocation at all).
pub(crate) fn current_position(
    on_ok: impl FnOnce(f64, f64) + 'static,
    on_fail: impl FnOnce() + 'static,
) {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let fail: Rc<Cell<Option<Box<dyn FnOnce()>>>> = Rc::new(Cell::new(Some(Box::new(on_fail))));
    let fail_now = move || {
        if let Some(f) = fail.take() {
            f();
        }
    };
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        fail_now();
        return;
    };
    let ok = Closure::once_into_js(move |pos: web_sys::Position| {
        let c = pos.coords();
        on_ok(c.longitude(), c.latitude());
    });
    let on_error = {
        let fail_now = fail_now.clone();
        Closure::once_into_js(move |_e: wasm_bindgen::JsValue| fail_now())
    };
    let opts = web_sys::PositionOptions::new();
    opts.set_timeout(15_000);
    if geo
        .get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(on_error.unchecked_ref()),
            &opts,
        )
        .is_err()
    {
        fail_now();
    }
}

/// Choose a place: search by name, code or address, or pick a grid. The choice lands in
/// `place`; errors of the API's `place_id` field show below.
#[component]
pub fn PlacePicker(
    place: RwSignal<Option<PlaceRefWithPath>>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let grids = LocalResource::new(api::grids);
    let place_q = RwSignal::new(String::new());
    // What was last searched for (none: no list shown); the answer follows it, the latest
    // search winning over a slow one.
    let searched = RwSignal::new(None::<String>);
    let place_results = LocalResource::new(move || {
        let q = searched.get();
        async move {
            match q {
                Some(q) => Some(api::search(&q).await.map(|r| r.places)),
                None => None,
            }
        }
    });
    let search_place = move || {
        let q = place_q.get_untracked().trim().to_string();
        if !q.is_empty() {
            searched.set(Some(q));
        }
    };
    view! {
        <p class="place-chosen" data-testid="place-chosen" aria-live="polite">
            {move || match place.get() {
                Some(p) => view! { <span>{i18n.t(Key::ChosenPlace)}": "<strong data-user-text>{p.place.name.clone()}</strong>" "<span class="muted">{p.location.clone()}</span></span> }.into_any(),
                None => view! { <span class="muted">{i18n.t(Key::NoPlaceChosen)}</span> }.into_any(),
            }}
        </p>
        <label for="place-q">{move || i18n.t(Key::FindPlace)}</label>
        <div class="search-row">
            <input id="place-q" type="search" autocomplete="off" enterkeyhint="search" data-testid="place-q"
                bind:value=place_q
                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); search_place(); }/>
            <button type="button" class="button button-secondary" data-testid="place-search" on:click=move |_| search_place()>
                {move || i18n.t(Key::SearchButton)}
            </button>
        </div>
        {move || place_results.get().flatten().map(|r| match r {
            Err(e) => view! { <p class="field-error">{e.message(i18n.get())}</p> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoPlaceFound)}</p> }.into_any(),
            Ok(list) => view! {
                <ul class="choice-list" data-testid="place-results">
                    {list.into_iter().take(8).map(|p| {
                        let chosen = p.clone();
                        let id = p.place.id;
                        view! {
                            <li>
                                <button type="button" class="button button-quiet choice-button" data-testid="place-result"
                                    aria-pressed=move || place.with(|c| c.as_ref().map(|c| c.place.id) == Some(id)).to_string()
                                    on:click=move |_| { place.set(Some(chosen.clone())); searched.set(None); }>
                                    <strong data-user-text>{p.place.name.clone()}</strong>
                                    <span class="muted">{p.location.clone()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        })}
        <label for="place-grid">{move || i18n.t(Key::OrChooseGrid)}</label>
        <select id="place-grid" data-testid="place-grid" on:change=move |ev| {
            let id: Option<i64> = event_target_value(&ev).parse().ok();
            let found = grids.get().and_then(Result::ok).and_then(|g| g.into_iter().find(|g| Some(g.place.id) == id));
            if found.is_some() { place.set(found); }
        }>
            <option value="">{move || i18n.t(Key::ChooseOne)}</option>
            {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                let id = g.place.id;
                view! { <option value=id.to_string() selected=move || place.with(|p| p.as_ref().map(|p| p.place.id) == Some(id)) data-user-text>{g.place.name.clone()}</option> }
            }).collect_view()}
        </select>
        <FieldErrorList errors field="place_id" id="place-error".to_string()/>
    }
}

pub(crate) fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// One open case offered before filing a report: what, how far it has got and how near, and
/// "this is my problem too" (我也遇到了) instead of a second report. Nothing about who
/// reported it: the server sends none.
#[component]
pub(crate) fn DuplicateOffer(
    candidate: DuplicateCandidate,
    query: Option<DuplicateQuery>,
    meta: LocalResource<Result<shared::cases::CaseMeta, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = RwSignal::new(candidate);
    let id = c.with_untracked(|c| c.id);
    let error = RwSignal::new(None::<ApiError>);
    let also = crate::submit::Submit::reporting_to(
        error,
        RwSignal::new(Vec::new()),
        move |q: DuplicateQuery| async move {
            c.set(api::also_report(id, &q).await?);
            Ok(())
        },
    );
    let busy = also.pending();
    let where_ = move || {
        c.with(|c| match (c.same_place, c.distance_m) {
            // Within a phone's location error: the same spot.
            (_, Some(m)) if m < 10 => i18n.t(Key::DuplicateHere).to_string(),
            (_, Some(m)) => i18n.fmt(Key::DuplicateDistance, &[("n", &m.to_string())]),
            (true, None) => i18n.t(Key::DuplicateSamePlace).to_string(),
            (false, None) => String::new(),
        })
    };
    let category = move || {
        let id = c.with(|c| c.category_id);
        meta.with(|m| {
            m.as_ref()
                .and_then(|m| m.as_ref().ok())
                .and_then(|m| m.categories.iter().find(|x| x.id == id))
                .map(|x| super::category_name(x, i18n.get()))
        })
        .unwrap_or_default()
    };
    view! {
        <li class="duplicate" data-testid="duplicate" data-case-id=id>
            <p class="duplicate-what">
                <span class="mono">{c.with_untracked(|c| c.number.clone())}</span>" "
                <strong data-user-text>{c.with_untracked(|c| c.title.clone())}</strong>" "
                <StageBadge stage=c.with_untracked(|c| c.stage)/>
            </p>
            <p class="muted duplicate-facts">
                {category}
                {move || { let w = where_(); (!w.is_empty()).then(|| format!(" · {w}")) }}
                // Others than the asker: once they said so themselves, they are not "more".
                {move || {
                    let n = c.with(|c| c.also_reported - u32::from(c.also_reported_by_me));
                    (n > 0).then(|| format!(" · {}", i18n.fmt(Key::DuplicateAlsoCount, &[("n", &n.to_string())])))
                }}
            </p>
            <FormError error testid="also-report-error"/>
            <div class="actions">
                {move || if c.with(|c| c.also_reported_by_me) {
                    view! { <p class="duplicate-done" role="status" data-testid="also-reported">{i18n.t(Key::AlsoMineDone)}</p> }.into_any()
                } else {
                    let q = query.clone();
                    view! {
                        <button type="button" class="button button-primary" data-testid="also-report"
                            disabled={ let none = q.is_none(); move || busy.get() || none }
                            on:click={ let q = q.clone(); move |_| if let Some(q) = q.clone() { also.dispatch(q) } }>
                            {i18n.t(Key::AlsoMine)}
                        </button>
                    }.into_any()
                }}
                {c.with_untracked(|c| c.may_open).then(|| view! {
                    <a class="button button-secondary" href=format!("/cases/{id}") data-testid="duplicate-open">{move || i18n.t(Key::DuplicateOpen)}</a>
                })}
            </div>
        </li>
    }
}
