//! Deliberation days (议事日) and focused sessions: the list with the form to schedule one,
//! and one meeting — the review of the previous meeting's decisions first, then the agenda
//! with minutes per item, and the attendance list.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::accounts::Principal;
use shared::council::{
    Answer, Attendance, Attendee, AttendeeKind, BallotKind, BallotState, BallotView, CastVote,
    Choice, CreateMeeting, MeetingKind, MeetingView, Minutes,
};
use shared::error::FieldError;

use super::{CouncilTabs, ItemStageBadge, TierBadge, manages};
use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::cases::StageBadge;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{Day, ErrorBox, FieldErrorList, FormError, Loading, Notice, When, use_id_param};
use shared::calendar::parse_local_input;

const KINDS: [MeetingKind; 2] = [MeetingKind::Regular, MeetingKind::Focused];

#[component]
pub fn MeetingsPage() -> impl IntoView {
    let session = use_session();
    move || {
        session
            .principal()
            .map(|p| view! { <Meetings principal=p/> })
    }
}

#[component]
fn Meetings(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CouncilMeetingsTitle), i18n.get()));
    let list = LocalResource::new(|| api::council_meetings(false));
    let scheduling = RwSignal::new(false);
    let may_schedule = super::manages_any(&principal);
    view! {
        <div class="council-page">
            <header class="page-head">
                <h1>{move || i18n.t(Key::CouncilMeetingsTitle)}</h1>
                <p class="lead">{move || i18n.t(Key::CouncilMeetingsIntro)}</p>
            </header>
            <CouncilTabs current="/council/meetings"/>
            {may_schedule.then(|| view! {
                <button type="button" class="button button-primary" data-testid="meeting-new"
                    aria-expanded=move || scheduling.get().to_string()
                    on:click=move |_| scheduling.update(|s| *s = !*s)>{move || i18n.t(Key::CouncilScheduleMeeting)}</button>
                <Show when=move || scheduling.get()>
                    <MeetingForm principal=principal.clone() on_cancel=Callback::new(move |_| scheduling.set(false))/>
                </Show>
            })}
            {move || match list.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Some(Ok(ms)) if ms.is_empty() => view! { <p class="empty" data-testid="no-meetings">{i18n.t(Key::CouncilNoMeetings)}</p> }.into_any(),
                Some(Ok(ms)) => view! {
                    <ul class="cards meeting-cards" data-testid="meetings">
                        {ms.into_iter().map(|m| view! {
                            <li>
                                <a class="card meeting-card" href=format!("/council/meetings/{}", m.id) data-testid="meeting-card" data-title=m.title.clone()>
                                    <span class="meeting-card-title" data-user-text>{m.title.clone()}</span>
                                    <span class="meeting-card-when"><When at=m.starts_at/>" · "<span data-user-text>{m.venue.clone()}</span></span>
                                    <span class="meeting-card-meta muted">
                                        {move || i18n.text(m.kind.text())}" · "<span data-user-text>{m.scope_name.clone()}</span>" · "
                                        {move || i18n.fmt(Key::CouncilAgendaCount, &[("n", &m.agenda_count.to_string())])}
                                    </span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn MeetingForm(principal: Principal, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let grids = LocalResource::new(api::grids);
    let office = principal.is_office();
    let first_grid = principal.grid_ids.first().copied();
    // The community above the first grid, for community-wide deliberation days (the office).
    let community = LocalResource::new(move || async move {
        let g = match first_grid {
            Some(g) => Some(g),
            None => api::grids()
                .await
                .ok()
                .and_then(|l| l.first().map(|g| g.place.id)),
        };
        match g {
            Some(g) => api::place(g).await.ok().and_then(|p| {
                p.path
                    .into_iter()
                    .find(|r| r.kind == shared::places::PlaceKind::Community)
            }),
            None => None,
        }
    });
    let scope = RwSignal::new(first_grid);
    let kind = RwSignal::new(MeetingKind::Regular);
    let title = RwSignal::new(String::new());
    let venue = RwSignal::new(i18n.t(Key::CouncilDefaultVenue).to_string());
    let starts = RwSignal::new(String::new());
    let send = Submit::new(move |input: CreateMeeting| {
        let navigate = navigate.clone();
        async move {
            let m = api::schedule_meeting(&input).await?;
            navigate(
                &format!("/council/meetings/{}?scheduled=1", m.summary.id),
                Default::default(),
            );
            Ok(())
        }
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    super::clear_on_change(scope, errors, &["scope_place_id"]);
    super::clear_on_change(title, errors, &["title"]);
    super::clear_on_change(venue, errors, &["venue"]);
    super::clear_on_change(starts, errors, &["starts_at"]);
    let p = principal.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut local = Vec::new();
        let mut need = |f: &str| {
            local.push(FieldError {
                field: f.into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            })
        };
        let sc = scope.get_untracked();
        if sc.is_none() {
            need("scope_place_id");
        }
        let at = parse_local_input(&starts.get_untracked());
        if at.is_none() {
            need("starts_at");
        }
        let input = CreateMeeting {
            scope_place_id: sc.unwrap_or(0),
            kind: kind.get_untracked(),
            title: title.get_untracked(),
            venue: venue.get_untracked(),
            starts_at: at.unwrap_or(crate::clock::now()),
        };
        if let Err(e) = input.validate() {
            for (field, code) in e.0 {
                local.push(FieldError {
                    field,
                    code,
                    message: String::new(),
                });
            }
        }
        if !local.is_empty() {
            errors.set(local);
            crate::ui::focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    view! {
        <form class="card form meeting-form" on:submit=submit novalidate data-testid="meeting-form">
            <h2>{move || i18n.t(Key::CouncilScheduleMeeting)}</h2>
            <FormError error fields=errors testid="meeting-form-error"/>
            <div class="field">
                <label for="meeting-scope">{move || i18n.t(Key::CouncilScope)}</label>
                <select id="meeting-scope" data-testid="meeting-scope" aria-invalid=invalid("scope_place_id")
                    on:change=move |ev| scope.set(event_target_value(&ev).parse().ok())>
                    <option value="">{move || i18n.t(Key::ChooseOne)}</option>
                    {move || office.then(|| community.get().flatten().map(|c| {
                        let id = c.id;
                        view! { <option value=id.to_string() selected=move || scope.get() == Some(id) data-user-text>{i18n.fmt(Key::CouncilWholeCommunity, &[("name", &c.name)])}</option> }
                    }))}
                    {move || {
                        let p = p.clone();
                        grids.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .filter(|g| manages(&p, Some(g.place.id)))
                            .map(|g| {
                                let id = g.place.id;
                                view! { <option value=id.to_string() selected=move || scope.get() == Some(id)>{g.location.clone()}</option> }
                            }).collect_view()
                    }}
                </select>
                <FieldErrorList errors field="scope_place_id" id="meeting-scope-error".to_string()/>
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::CouncilMeetingKind)}</legend>
                <div class="choices">
                    {KINDS.into_iter().map(|k| view! {
                        <label class="choice">
                            <input type="radio" name="meeting-kind" data-testid=format!("meeting-kind-{}", k.as_str())
                                prop:checked=move || kind.get() == k on:change=move |_| kind.set(k)/>
                            {move || i18n.text(k.text())}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for="meeting-title">{move || i18n.t(Key::CouncilMeetingTitle)}</label>
                <input id="meeting-title" type="text" maxlength="100" data-testid="meeting-title" aria-invalid=invalid("title") bind:value=title/>
                <FieldErrorList errors field="title" id="meeting-title-error".to_string()/>
            </div>
            <div class="form-grid">
                <div class="field">
                    <label for="meeting-venue">{move || i18n.t(Key::CouncilVenue)}</label>
                    <input id="meeting-venue" type="text" maxlength="100" data-testid="meeting-venue" aria-invalid=invalid("venue") bind:value=venue/>
                    <FieldErrorList errors field="venue" id="meeting-venue-error".to_string()/>
                </div>
                <div class="field">
                    <label for="meeting-starts">{move || i18n.t(Key::CouncilStartsAt)}</label>
                    <input id="meeting-starts" type="datetime-local" data-testid="meeting-starts" aria-invalid=invalid("starts_at") bind:value=starts/>
                    <FieldErrorList errors field="starts_at" id="meeting-starts-error".to_string()/>
                </div>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="meeting-submit" disabled=move || busy.get()>{move || i18n.t(Key::CouncilScheduleMeeting)}</button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let id = use_id_param();
    let id = Memo::new(move |_| id.get().unwrap_or(0));
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if query.read().get("scheduled").is_some() {
            notice.set(Some(i18n.t(Key::CouncilMeetingScheduled).to_string()));
        }
    });
    view! {
        <p class="back"><a href="/council/meetings">{move || format!("‹ {}", i18n.t(Key::CouncilMeetingsTitle))}</a></p>
        <Notice message=notice/>
        // Another meeting is another page: loading afresh.
        {move || {
            let id = id.get();
            view! { <MeetingLoader id notice/> }
        }}
    }
}

#[component]
fn MeetingLoader(id: i64, notice: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let meeting = LocalResource::new(move || api::council_meeting(id));
    Effect::new(move |_| {
        let t = meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.as_ref().ok())
                .map(|m| m.summary.title.clone())
        });
        set_title(
            &t.unwrap_or_else(|| i18n.t(Key::CouncilMeetingsTitle).to_string()),
            i18n.get(),
        );
    });
    let load = Callback::new(move |_: ()| meeting.refetch());
    // A change's answer is the meeting as it is now: shown without reading it again.
    let set = Callback::new(move |m: MeetingView| meeting.set(Some(Ok(m))));
    view! {
        {move || match meeting.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=load/> }.into_any(),
            Some(Ok(m)) => view! { <MeetingDetail meeting=m set reload=load notice/> }.into_any(),
        }}
    }
}

#[component]
fn MeetingDetail(
    meeting: MeetingView,
    set: Callback<MeetingView>,
    reload: Callback<()>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = meeting.summary.clone();
    let mid = s.id;
    let version = s.version;
    let may_manage = meeting.may_manage;
    let error = RwSignal::new(None::<ApiError>);
    let failed = Callback::new(move |e: ApiError| {
        if e.status() == Some(409) {
            notice.set(Some(i18n.t(Key::CouncilChangedReloaded).to_string()));
            reload.run(());
        } else {
            error.set(Some(e));
        }
    });
    let saved = Callback::new(move |m: MeetingView| {
        error.set(None);
        notice.set(Some(i18n.t(Key::Saved).to_string()));
        set.run(m);
    });
    let review = meeting.review.clone();
    let agenda = meeting.agenda.clone();
    let attendees = meeting.attendees.clone();
    let hands_attendees = meeting.attendees.clone();
    view! {
        <article class="meeting" data-testid="meeting-detail">
            <header class="page-head">
                <h1 data-testid="meeting-title-text" data-user-text>{s.title.clone()}</h1>
                <p class="lead"><When at=s.starts_at/>" · "<span data-user-text>{s.venue.clone()}</span></p>
                <div class="badges"><span class="badge">{move || i18n.text(s.kind.text())}</span><span class="badge" data-user-text>{s.scope_name.clone()}</span></div>
            </header>
            <FormError error testid="meeting-error"/>
            <section class="card review" aria-labelledby="review-title" data-testid="meeting-review">
                <h2 id="review-title">{move || i18n.t(Key::CouncilReview)}</h2>
                {if meeting.previous_meeting_id.is_none() || review.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Key::CouncilReviewEmpty)}</p> }.into_any()
                } else {
                    let prev = meeting.previous_meeting_id.unwrap_or(0);
                    view! {
                        <p><a href=format!("/council/meetings/{prev}")>{move || i18n.t(Key::CouncilPreviousMeeting)}</a></p>
                        <ul class="review-list">
                            {review.into_iter().map(|r| view! {
                                <li class="review-entry" class:is-overdue=r.overdue data-testid="review-entry">
                                    <a href=format!("/council/items/{}", r.item_id) class="review-title" data-user-text>{r.title.clone()}</a>
                                    <p class="review-meta">
                                        <ItemStageBadge stage=r.stage/>
                                        {r.decision.case_stage.map(|st| view! { <StageBadge stage=st/> })}
                                        {r.overdue.then(|| view! { <span class="badge badge-danger">{move || i18n.t(Key::Overdue)}</span> })}
                                    </p>
                                    <p class="muted">{let d = r.decision.clone(); move || d.party_name(i18n.get()).to_string()}" · "{move || i18n.t(Key::Deadline)}" "<Day day=r.decision.deadline/></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="agenda-title" data-testid="meeting-agenda">
                <h2 id="agenda-title">{move || i18n.t(Key::CouncilAgenda)}</h2>
                {if agenda.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Key::CouncilAgendaEmpty)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="agenda-list">
                            {agenda.into_iter().map(|a| {
                                let item_id = a.item.id;
                                let text = RwSignal::new(a.minutes.clone().unwrap_or_default());
                                let send = Submit::new(move |input: Minutes| async move {
                                    match api::set_minutes(mid, item_id, &input).await {
                                        Ok(m) => saved.run(m),
                                        Err(e) => failed.run(e),
                                    }
                                    Ok(())
                                });
                                let save = move |ev: SubmitEvent| {
                                    ev.prevent_default();
                                    let input = Minutes { text: text.get_untracked(), version };
                                    if let Err(e) = input.validate() {
                                        error.set(Some(ApiError::Problem(Box::new({
                                            let mut p = shared::error::Problem::new(shared::error::ErrorCode::ValidationFailed, i18n.lang.get_untracked());
                                            p.errors = e.0.into_iter().map(|(field, code)| FieldError { field, code, message: String::new() }).collect();
                                            p
                                        }))));
                                        return;
                                    }
                                    send.dispatch(input);
                                };
                                view! {
                                    <li class="agenda-entry" data-testid="agenda-entry">
                                        <p class="agenda-head">
                                            <a href=format!("/council/items/{item_id}") data-testid="agenda-item" data-user-text>{a.item.title.clone()}</a>
                                            " "<ItemStageBadge stage=a.item.stage/>" "<TierBadge tier=a.item.tier/>
                                        </p>
                                        {(may_manage && a.item.ballot_state == Some(BallotState::Open)).then(|| view! {
                                            <ShowOfHands item_id attendees=hands_attendees.clone()/>
                                        })}
                                        {if may_manage {
                                            view! {
                                                <form class="minutes-form" on:submit=save>
                                                    <div class="field">
                                                        <label for=format!("minutes-{item_id}")>{move || i18n.t(Key::CouncilMinutes)}</label>
                                                        <textarea id=format!("minutes-{item_id}") rows="3" data-testid="minutes-input" bind:value=text></textarea>
                                                    </div>
                                                    <button type="submit" class="button button-secondary" data-testid="minutes-save">{move || i18n.t(Key::Save)}</button>
                                                </form>
                                            }.into_any()
                                        } else {
                                            a.minutes.clone().map(|m| view! {
                                                <div class="minutes"><p class="muted">{move || i18n.t(Key::CouncilMinutes)}</p><p class="timeline-note" data-testid="minutes-text">{m}</p></div>
                                            }).into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <AttendanceEditor meeting_id=mid version attendees may_manage saved failed/>
        </article>
    }
}

#[component]
fn AttendanceEditor(
    meeting_id: i64,
    version: i64,
    attendees: Vec<Attendee>,
    may_manage: bool,
    saved: Callback<MeetingView>,
    failed: Callback<ApiError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(attendees.clone());
    let kind = RwSignal::new(AttendeeKind::Resident);
    let name = RwSignal::new(String::new());
    let dirty = RwSignal::new(false);
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() {
            return;
        }
        rows.update(|r| {
            r.push(Attendee {
                kind: kind.get_untracked(),
                name: n,
                resident_id: None,
            })
        });
        name.set(String::new());
        dirty.set(true);
    };
    let send = Submit::new(move |input: Attendance| async move {
        match api::set_attendance(meeting_id, &input).await {
            Ok(m) => {
                dirty.set(false);
                saved.run(m);
            }
            Err(e) => failed.run(e),
        }
        Ok(())
    });
    let save = move |_| {
        send.dispatch(Attendance {
            attendees: rows.get_untracked(),
            version,
        })
    };
    view! {
        <section class="card" aria-labelledby="attendance-title" data-testid="attendance">
            <h2 id="attendance-title">{move || i18n.t(Key::CouncilAttendance)}</h2>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    view! { <p class="muted">{i18n.t(Key::CouncilNoAttendees)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="attendee-list">
                            {list.into_iter().enumerate().map(|(i, a)| view! {
                                <li class="attendee" data-testid="attendee">
                                    <span class="badge">{i18n.text(a.kind.text())}</span>" "<span data-user-text>{a.name.clone()}</span>
                                    {may_manage.then(|| view! {
                                        <button type="button" class="button button-quiet" aria-label=i18n.fmt(Key::CouncilRemoveAttendee, &[("name", &a.name)])
                                            on:click=move |_| { rows.update(|r| { if i < r.len() { r.remove(i); } }); dirty.set(true); }>{i18n.t(Key::RemoveLeader)}</button>
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {may_manage.then(|| view! {
                <form class="attendee-form" on:submit=add data-testid="attendee-form">
                    <div class="form-grid">
                        <div class="field">
                            <label for="attendee-kind">{move || i18n.t(Key::CouncilAttendeeKind)}</label>
                            <select id="attendee-kind" data-testid="attendee-kind" on:change=move |ev| {
                                if let Some(k) = AttendeeKind::parse(&event_target_value(&ev)) { kind.set(k); }
                            }>
                                {AttendeeKind::ALL.into_iter().map(|k| view! {
                                    <option value=k.as_str() selected=move || kind.get() == k>{move || i18n.text(k.text())}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="attendee-name">{move || i18n.t(Key::LeaderName)}</label>
                            <input id="attendee-name" type="text" maxlength="64" data-testid="attendee-name" bind:value=name/>
                        </div>
                    </div>
                    <div class="actions">
                        <button type="submit" class="button button-secondary" data-testid="attendee-add">{move || i18n.t(Key::CouncilAddAttendee)}</button>
                        <button type="button" class="button button-primary" data-testid="attendance-save" disabled=move || !dirty.get() on:click=save>{move || i18n.t(Key::CouncilSaveAttendance)}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// Recording a show of hands at the meeting: for each open decision ballot of an agenda item,
/// the registered residents present, each with agree / disagree / abstain buttons. A recorded
/// vote moves the focus to the next person, so the whole room can be taken from the keyboard.
/// The server refuses (409) to record over a resident's own vote; the results shown are the
/// ballot's as the server returns them (hidden until close when the ballot says so).
#[component]
fn ShowOfHands(item_id: i64, attendees: Vec<Attendee>) -> impl IntoView {
    let item = LocalResource::new(move || api::council_item(item_id));
    let people: Vec<(i64, String)> = attendees
        .into_iter()
        .filter_map(|a| a.resident_id.map(|r| (r, a.name)))
        .collect();
    move || {
        let people = people.clone();
        item.get().and_then(Result::ok).map(|v| {
            let ballots: Vec<BallotView> = v
                .ballots
                .into_iter()
                .filter(|b| b.state == BallotState::Open && b.kind == BallotKind::Decision)
                .collect();
            (v.may_manage && !ballots.is_empty()).then(|| {
                ballots
                    .into_iter()
                    .map(|b| view! { <HandsBallot ballot=b people=people.clone()/> })
                    .collect_view()
            })
        })
    }
}

#[component]
fn HandsBallot(ballot: BallotView, people: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let bid = ballot.id;
    let current = RwSignal::new(ballot.clone());
    // What was recorded here per resident (or refused as their own vote).
    let recorded = RwSignal::new(std::collections::HashMap::<i64, Result<Choice, ()>>::new());
    let said = RwSignal::new(String::new());
    let n = people.len();
    let focus_row = move |row: usize| {
        if let Some(el) = leptos::prelude::document()
            .query_selector(&format!(
                "[data-hands-ballot='{bid}'] [data-hands-row='{row}'] button"
            ))
            .ok()
            .flatten()
        {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    // One vote at a time; the row being recorded says so (aria-busy).
    let send = Submit::new(
        move |(row, resident_id, name, choice): (usize, i64, String, Choice)| async move {
            let input = CastVote {
                answer: Answer::Decision { choice },
                resident_id: Some(resident_id),
            };
            let lang = i18n.lang.get_untracked();
            match api::cast_vote(bid, &input).await {
                Ok(b) => {
                    current.set(b);
                    recorded.update(|m| {
                        m.insert(resident_id, Ok(choice));
                    });
                    said.set(i18n.fmt(
                        Key::CouncilHandsRecorded,
                        &[("name", &name), ("choice", choice.text().get(lang))],
                    ));
                    if row + 1 < n {
                        focus_row(row + 1);
                    }
                }
                Err(e) if e.status() == Some(409) => {
                    recorded.update(|m| {
                        m.insert(resident_id, Err(()));
                    });
                    said.set(i18n.fmt(Key::CouncilHandsOwnVote, &[("name", &name)]));
                    if row + 1 < n {
                        focus_row(row + 1);
                    }
                }
                Err(e) => return Err(e),
            }
            Ok(())
        },
    );
    let error = send.error;
    let sending = send.input();
    let busy = move || sending.with(|s| s.as_ref().map(|(_, resident_id, ..)| *resident_id));
    let record = move |row: usize, resident_id: i64, name: String, choice: Choice| {
        send.dispatch((row, resident_id, name, choice));
    };
    view! {
        <section class="hands" aria-label=move || i18n.t(Key::CouncilShowOfHands) data-testid="show-of-hands" data-hands-ballot=bid>
            <h3>{move || i18n.t(Key::CouncilShowOfHands)}": "{ballot.question.clone()}</h3>
            <p class="hint">{move || i18n.t(Key::CouncilShowOfHandsIntro)}</p>
            <FormError error testid="hands-error"/>
            {if people.is_empty() {
                view! { <p class="muted" data-testid="hands-nobody">{move || i18n.t(Key::CouncilNoResidentAttendees)}</p> }.into_any()
            } else {
                view! {
                    <ul class="hands-list">
                        {people.into_iter().enumerate().map(|(row, (rid, name))| {
                            let label_name = name.clone();
                            view! {
                                <li class="hands-row" data-testid="hands-row" data-hands-row=row data-name=name.clone()>
                                    <span class="hands-name" data-user-text>{name.clone()}</span>
                                    <span class="hands-choices" role="group" aria-label=label_name>
                                        {Choice::ALL.into_iter().map(|c| {
                                            let name = name.clone();
                                            let aria_name = name.clone();
                                            view! {
                                                <button type="button" class="button hands-choice" data-testid=format!("hands-{}", c.as_str())
                                                    class:button-primary=move || recorded.with(|m| m.get(&rid) == Some(&Ok(c)))
                                                    class:button-secondary=move || recorded.with(|m| m.get(&rid) != Some(&Ok(c)))
                                                    aria-pressed=move || recorded.with(|m| m.get(&rid) == Some(&Ok(c))).to_string()
                                                    aria-label=move || i18n.fmt(Key::CouncilHandsRecordFor, &[("name", &aria_name), ("choice", c.text().get(i18n.get()))])
                                                    aria-busy=move || (busy() == Some(rid)).to_string()
                                                    on:click=move |_| record(row, rid, name.clone(), c)>
                                                    {move || i18n.text(c.text())}
                                                </button>
                                            }
                                        }).collect_view()}
                                    </span>
                                    {move || recorded.with(|m| m.get(&rid) == Some(&Err(()))).then(|| view! {
                                        <span class="muted" data-testid="hands-own-vote">{move || i18n.t(Key::CouncilHandsSelfVoted)}</span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="hands-results" data-testid="hands-results">
                <h4>{move || i18n.t(Key::CouncilHandsResults)}</h4>
                {move || match current.get().counts {
                    Some(c) => view! {
                        <p>
                            {Choice::ALL.into_iter().map(|ch| {
                                let n = match ch { Choice::Agree => c.agree, Choice::Disagree => c.disagree, Choice::Abstain => c.abstain };
                                view! { <span class="hands-count" data-testid=format!("hands-count-{}", ch.as_str())>{move || i18n.text(ch.text())}" "{n}</span>" " }
                            }).collect_view()}
                        </p>
                    }.into_any(),
                    None => view! { <p class="muted">{move || i18n.t(Key::CouncilHandsHidden)}</p> }.into_any(),
                }}
            </div>
            <p class="visually-hidden" aria-live="polite" data-testid="hands-said">{move || said.get()}</p>
        </section>
    }
}
