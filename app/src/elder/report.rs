//! 我要报事 in elder mode: tap the problem, add a sentence or a photo if you like, send. The
//! place is the building of one's household (the server's `/me/home`), or where the phone is
//! when asked; the category comes with the problem (`shared::cases::QUICK_PROBLEMS`). From the
//! home page: three taps. When an open case of the same problem is there already, "我也遇到了"
//! is offered right under the problem instead of a second case (three taps too).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::cases::{CreateCase, DuplicateQuery, QUICK_PROBLEMS, Source, Urgency};
use shared::error::FieldErrorCode;

use crate::api;
use crate::cases::DuplicateOffer;
use crate::cases::photos::{PhotoPicker, Picked, release, upload_all};
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FormError, Loading, local_error};

#[component]
pub fn ElderReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    Effect::new(move |_| set_title(i18n.t(Key::ElderTileReport), i18n.get()));
    let meta = LocalResource::new(api::case_meta);
    let home = LocalResource::new(api::my_home);
    let problem = RwSignal::new(None::<usize>);
    let sentence = RwSignal::new(String::new());
    let photos = RwSignal::new_local(Vec::<Picked>::new());
    // The phone's location, when asked for, and the place it lies in.
    let point = RwSignal::new(None::<(f64, f64)>);
    let place_here = crate::cases::place_at(point);
    let located = Signal::derive(move || match (point.get(), place_here.get().flatten()) {
        (Some(at), Some(Ok(p))) => Some((at, p)),
        _ => None,
    });
    // Waiting for the phone's position, then for the place it lies in.
    let asking = RwSignal::new(false);
    let locating = move || asking.get() || place_here.get().is_none();
    let locate_failed = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(place_here.get().flatten(), Some(Err(_))) {
            locate_failed.set(true);
        }
    });
    let locate = move |_| {
        asking.set(true);
        locate_failed.set(false);
        crate::cases::current_position(
            move |lon, lat| {
                asking.set(false);
                point.set(Some((lon, lat)));
            },
            move || {
                asking.set(false);
                locate_failed.set(true);
            },
        );
    };
    // Where the report is filed: the phone's location when given, else the home.
    let place = move || {
        located
            .with(|l| l.as_ref().map(|(_, p)| p.clone()))
            .or_else(|| home.get().and_then(Result::ok).and_then(|h| h.place))
    };

    let send = Submit::new(move |input: CreateCase| {
        let navigate = navigate.clone();
        async move {
            let case = api::create_case(&input).await?;
            let id = case.summary.id;
            let picked = photos.get_untracked();
            let failed = !picked.is_empty()
                && upload_all(id, shared::cases::PhotoKind::Report, picked.clone())
                    .await
                    .is_err();
            release(&picked);
            let extra = if failed { "&photo_failed=1" } else { "" };
            navigate(&format!("/cases/{id}?filed=1{extra}"), Default::default());
            Ok(())
        }
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    Effect::new(move |_| {
        problem.track();
        errors.update(|e| e.retain(|x| x.field != "problem"));
    });

    // The problems whose category the office's catalog still has, with that category.
    let offered = move || {
        meta.get()
            .and_then(Result::ok)
            .map(|m| {
                QUICK_PROBLEMS
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.category(&m.categories).map(|c| (i, c)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };

    // Open cases of the chosen problem where it would be filed: offered as "我也遇到了"
    // (this is my problem too) before a second case is filed — the same question the full
    // form asks (`GET /cases/duplicates`), asked as soon as the problem is tapped.
    let duplicate_query = move || {
        let i = problem.get()?;
        let (_, category_id) = offered().into_iter().find(|(j, _)| *j == i)?;
        let place_id = place()?.place.id;
        let point = located.with(|l| l.as_ref().map(|(p, _)| *p));
        Some(DuplicateQuery {
            category_id,
            place_id: Some(place_id),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
        })
    };
    let duplicates = LocalResource::new(move || {
        let q = duplicate_query();
        async move {
            match q {
                Some(q) => api::duplicates(&q).await.map(|list| (Some(q), list)),
                None => Ok((None, Vec::new())),
            }
        }
    });
    let has_duplicates = move || {
        duplicates
            .get()
            .and_then(Result::ok)
            .is_some_and(|(_, list)| !list.is_empty())
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let place = untrack(place);
        let chosen = problem
            .get_untracked()
            .and_then(|i| untrack(offered).into_iter().find(|(j, _)| *j == i));
        let Some((i, category_id)) = chosen else {
            errors.set(vec![local_error("problem", FieldErrorCode::Required)]);
            super::announce(
                Key::ElderChooseProblem
                    .text()
                    .get(i18n.lang.get_untracked()),
            );
            crate::cases::focus_by_id("elder-problem-first");
            return;
        };
        let Some(place) = place else {
            super::announce(Key::ElderNoHome.text().get(i18n.lang.get_untracked()));
            crate::cases::focus_by_id("elder-locate");
            return;
        };
        send.dispatch(CreateCase {
            title: i18n.text(QUICK_PROBLEMS[i].text).to_string(),
            description: sentence.get_untracked().trim().to_string(),
            category_id,
            urgency: Urgency::Normal,
            source: Source::ResidentReport,
            place_id: place.place.id,
            lon: located.with_untracked(|l| l.as_ref().map(|((lon, _), _)| *lon)),
            lat: located.with_untracked(|l| l.as_ref().map(|((_, lat), _)| *lat)),
            reporter_hidden: false,
        });
    };

    let place_line = move || match place() {
        Some(p) => {
            let key = if located.with(Option::is_some) {
                Key::ElderPlaceHere
            } else {
                Key::ElderPlaceHome
            };
            i18n.fmt(
                key,
                &[("place", &format!("{} / {}", p.location, p.place.name))],
            )
        }
        None => i18n.t(Key::ElderNoHome).to_string(),
    };
    let form = move || {
        view! {
            <form class="card form elder-report" on:submit=submit novalidate data-testid="elder-report-form">
                <FormError error/>
                <fieldset class="field" aria-describedby="elder-problem-error">
                    <legend>{move || i18n.t(Key::ElderWhatProblem)}</legend>
                    <div class="elder-choices">
                        {move || offered().into_iter().enumerate().map(|(n, (i, _))| {
                            let p = QUICK_PROBLEMS[i];
                            view! {
                                <button type="button" class="button button-secondary elder-choice"
                                    id=(n == 0).then_some("elder-problem-first")
                                    data-testid=format!("elder-problem-{}", p.name)
                                    aria-pressed=move || (problem.get() == Some(i)).to_string()
                                    on:click=move |_| problem.set(Some(i))>
                                    <span class="switch-box" aria-hidden="true"></span>
                                    <span>{move || i18n.text(p.text)}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    <div id="elder-problem-error" aria-live="assertive">
                        {move || errors.with(|e| e.iter().any(|x| x.field == "problem")).then(|| view! {
                            <p class="alert alert-error" role="alert" data-testid="elder-problem-missing">{move || i18n.t(Key::ElderChooseProblem)}</p>
                        })}
                    </div>
                </fieldset>
                {move || duplicates.get().and_then(Result::ok).filter(|(_, list)| !list.is_empty()).map(|(q, list)| view! {
                    <section class="alert alert-info duplicates elder-duplicates" data-testid="duplicates" aria-labelledby="elder-duplicates-title">
                        <h2 id="elder-duplicates-title">{move || i18n.t(Key::PossibleDuplicates)}</h2>
                        <p>{move || i18n.t(Key::ElderAlsoMineIntro)}</p>
                        <ul class="duplicate-list">
                            {list.into_iter().map(|c| view! {
                                <DuplicateOffer candidate=c query=q.clone() meta/>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <div class="field">
                    <label for="elder-sentence">{move || i18n.t(Key::ElderSentence)}</label>
                    <textarea id="elder-sentence" rows="2" maxlength="4000" data-testid="elder-sentence" bind:value=sentence></textarea>
                </div>
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::Photos)}<span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span></legend>
                    <PhotoPicker picked=photos multiple=true id="elder-photo-input"/>
                </fieldset>
                <div class="elder-place">
                    <p data-testid="elder-place"><strong>{move || i18n.t(Key::ElderPlace)}</strong>" "{place_line}</p>
                    <button type="button" id="elder-locate" class="button button-secondary button-block" data-testid="elder-locate"
                        disabled=locating on:click=locate>
                        {move || i18n.t(if locating() { Key::Locating } else { Key::UseMyLocation })}
                    </button>
                    {move || locate_failed.get().then(|| view! { <p class="alert alert-info" role="status">{i18n.t(Key::LocationFailed)}</p> })}
                </div>
                <button type="submit" class="button button-primary button-block" data-testid="elder-send" disabled=move || busy.get()>
                    {move || i18n.t(if busy.get() { Key::Sending } else if has_duplicates() { Key::ElderReportAnyway } else { Key::ElderSend })}
                </button>
            </form>
            <p><a href="/report?full=1" data-testid="elder-full-report">{move || i18n.t(Key::ElderFullReport)}</a></p>
        }
    };

    view! {
        <div class="page-head"><h1>{move || i18n.t(Key::ElderTileReport)}</h1></div>
        <Transition fallback=|| view! { <Loading/> }>
            {move || home.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| home.refetch())/> }.into_any(),
                Ok(_) => form().into_any(),
            })}
        </Transition>
    }
}
