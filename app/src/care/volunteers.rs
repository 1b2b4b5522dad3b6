//! 志愿服务与时间银行 (volunteers and the time bank): a volunteer's own hours, points and ledger
//! (and redeeming them when the rules allow); the teams and their members; for the office,
//! founding teams, adding members, crediting a service activity's hours, reading a member's
//! ledger and recording a redemption; for admins, the time bank's rules. Others' hours and
//! points are never sent by the server to those who may not see them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::{Permission, Work};
use shared::care::{
    ActivityInput, MemberInput, Participation, Redemption, TeamInput, TeamView, TimeBankRules,
    VolunteerSummary, VolunteerView, may_redeem_for,
};
use shared::error::FieldErrorCode;

use super::{CareTabs, clear_on_change, local_errors};
use crate::accounts::{PersonPicker, use_session};
use crate::api;
use crate::clock::today;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, When, focus_first_invalid,
    local_error,
};

/// Minutes as hours for people: `150` → `2.5`.
pub fn fmt_hours(minutes: u64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Hours typed by a person (`2`, `2.5`, `1.25`) as whole minutes; None when it is no duration.
pub fn parse_hours(s: &str) -> Option<u32> {
    let h: f64 = s.trim().parse().ok()?;
    if !h.is_finite() || h <= 0.0 || h > 24.0 {
        return None;
    }
    Some((h * 60.0).round() as u32)
}

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| set_title(i18n.t(Key::VolTitle), i18n.get()));
    let office = move || session.principal().is_some_and(|p| p.is_office());
    let admin = move || session.may(Permission::ManageSettings);
    let teams = LocalResource::new(api::volunteer_teams);
    let mine = LocalResource::new(api::my_volunteering);
    let rules = LocalResource::new(api::time_bank_rules);
    let notice = RwSignal::new(None::<String>);
    let reload = Callback::new(move |_| {
        teams.refetch();
        mine.refetch();
    });
    let rules_now = move || rules.get().and_then(Result::ok);
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::VolTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::VolIntro)}</p>
        </div>
        <CareTabs/>
        <Notice message=notice/>
        {move || match mine.get() {
            Some(Ok(list)) if !list.is_empty() => {
                let r = rules_now();
                view! {
                    <section aria-labelledby="vol-mine-title" data-testid="vol-mine">
                        <h2 id="vol-mine-title">{move || i18n.t(Key::VolMine)}</h2>
                        {list.into_iter().map(|v| {
                            let may = r.as_ref().is_some_and(|r| may_redeem_for(false, true, r));
                            view! { <LedgerCard view=v may_redeem=may notice reload/> }
                        }).collect_view()}
                        {r.as_ref().is_some_and(|r| !r.volunteers_redeem).then(|| view! {
                            <p class="muted" data-testid="vol-redeem-office">{move || i18n.t(Key::VolRedeemByOffice)}</p>
                        })}
                    </section>
                }.into_any()
            }
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| mine.refetch())/> }.into_any(),
            _ => ().into_any(),
        }}
        {move || rules_now().map(|r| view! {
            <p class="muted vol-rate" data-testid="vol-rate">
                {i18n.fmt(Key::VolRate, &[("n", &r.points_per_hour.to_string())])}
            </p>
        })}
        <section aria-labelledby="vol-teams-title" data-testid="vol-teams">
            <h2 id="vol-teams-title">{move || i18n.t(Key::VolTeams)}</h2>
            {move || match teams.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| teams.refetch())/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty card" data-testid="vol-no-teams">{i18n.t(Key::VolNoTeams)}</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="cards team-cards">
                        {list.into_iter().map(|t| view! { <li><TeamCard team=t office=office() notice reload/></li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <Show when=office>
            <ActivityForm teams notice reload/>
            <TeamForm notice reload/>
        </Show>
        <Show when=admin>
            {move || rules_now().map(|r| view! { <RulesForm rules=r notice reload=Callback::new(move |_| rules.refetch())/> })}
        </Show>
    }
}

/// Hours, points and the ledger of one volunteer, with the redemption form when allowed.
#[component]
fn LedgerCard(
    view: VolunteerView,
    may_redeem: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let v = RwSignal::new(view);
    let redeeming = RwSignal::new(false);
    view! {
        <article class="card ledger-card" data-testid="ledger-card" data-name=move || v.with(|v| v.summary.name.clone())>
            <h3>{move || v.with(|v| v.summary.name.clone())}</h3>
            <div class="vol-figures">
                <p class="vol-figure"><span class="vol-figure-n" data-testid="vol-hours">{move || v.with(|v| fmt_hours(v.summary.minutes_total.unwrap_or(0)))}</span>
                    <span class="vol-figure-label">{move || i18n.t(Key::VolHours)}</span></p>
                <p class="vol-figure"><span class="vol-figure-n" data-testid="vol-points">{move || v.with(|v| v.summary.points_balance.unwrap_or(0))}</span>
                    <span class="vol-figure-label">{move || i18n.t(Key::VolPoints)}</span></p>
            </div>
            {may_redeem.then(|| view! {
                <button type="button" class="button button-secondary button-block" data-testid="vol-redeem-open"
                    aria-expanded=move || redeeming.get().to_string()
                    on:click=move |_| redeeming.update(|r| *r = !*r)>
                    {move || i18n.t(Key::VolRedeem)}
                </button>
                {move || redeeming.get().then(|| view! {
                    <RedeemForm id=v.with_untracked(|v| v.summary.id) balance=v.with(|v| v.summary.points_balance.unwrap_or(0))
                        on_done=Callback::new(move |next: VolunteerView| {
                            notice.set(Some(i18n.fmt(Key::VolRedeemed, &[("n", &next.summary.points_balance.unwrap_or(0).to_string())])));
                            v.set(next);
                            redeeming.set(false);
                            reload.run(());
                        })/>
                })}
            })}
            <h4>{move || i18n.t(Key::VolLedger)}</h4>
            {move || v.with(|v| if v.ledger.is_empty() {
                view! { <p class="empty">{i18n.t(Key::VolLedgerEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="ledger" data-testid="vol-ledger">
                        {v.ledger.iter().map(|l| {
                            let earned = l.points >= 0;
                            view! {
                                <li class="ledger-entry" class:ledger-spent=!earned data-testid="ledger-entry">
                                    <span class="ledger-points">{if earned { format!("+{}", l.points) } else { l.points.to_string() }}</span>
                                    <span class="ledger-reason">{l.reason.clone()}
                                        {(l.minutes > 0).then(|| format!(" · {} {}", fmt_hours(u64::from(l.minutes)), i18n.t(Key::VolHoursShort)))}</span>
                                    <span class="muted ledger-at"><When at=l.at/></span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            })}
        </article>
    }
}

#[component]
fn RedeemForm(id: i64, balance: i64, on_done: Callback<VolunteerView>) -> impl IntoView {
    let i18n = use_i18n();
    let points = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let send = Submit::new(move |input: Redemption| async move {
        on_done.run(api::redeem_points(id, &input).await?);
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    clear_on_change(points, errors, "points");
    clear_on_change(reason, errors, "reason");
    let points_id = format!("redeem-points-{id}");
    let reason_id = format!("redeem-reason-{id}");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let n: Option<i64> = points.get_untracked().trim().parse().ok();
        let mut errs = Vec::new();
        match n {
            Some(n) if shared::care::may_redeem(balance, n) => {}
            _ => errs.push(local_error("points", FieldErrorCode::OutOfRange)),
        }
        if reason.get_untracked().trim().is_empty() {
            errs.push(local_error("reason", FieldErrorCode::Required));
        }
        if !errs.is_empty() {
            errors.set(errs);
            focus_first_invalid();
            return;
        }
        send.dispatch(Redemption {
            points: n.unwrap_or(0),
            reason: reason.get_untracked().trim().to_string(),
        });
    };
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    view! {
        <form class="form redeem-form" on:submit=submit novalidate data-testid="redeem-form">
            <FormError error fields=errors/>
            <p class="hint">{move || i18n.fmt(Key::VolRedeemHint, &[("n", &balance.to_string())])}</p>
            <div class="field" class:field-invalid=invalid("points")>
                <label for=points_id.clone()>{move || i18n.t(Key::VolRedeemPoints)}</label>
                <input id=points_id.clone() type="number" inputmode="numeric" min="1" max=balance.to_string()
                    data-testid="redeem-points" bind:value=points aria-invalid=move || invalid("points")().to_string()/>
                <FieldErrorList errors field="points" id=format!("{points_id}-error")/>
            </div>
            <div class="field" class:field-invalid=invalid("reason")>
                <label for=reason_id.clone()>{move || i18n.t(Key::VolRedeemReason)}</label>
                <input id=reason_id.clone() type="text" maxlength="200" data-testid="redeem-reason" bind:value=reason
                    aria-invalid=move || invalid("reason")().to_string()/>
                <FieldErrorList errors field="reason" id=format!("{reason_id}-error")/>
            </div>
            <button type="submit" class="button button-primary button-block button-big" data-testid="redeem-submit"
                disabled=move || saving.get()>
                {move || if saving.get() { i18n.t(Key::Saving) } else { i18n.t(Key::VolRedeemSubmit) }}
            </button>
        </form>
    }
}

#[component]
fn TeamCard(
    team: TeamView,
    office: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let adding = RwSignal::new(false);
    let team_id = team.id;
    let members = team.members.clone();
    view! {
        <article class="card team-card" data-testid="team-card" data-name=team.name.clone()>
            <h3 data-user-text>{team.name.clone()}</h3>
            {(!team.description.is_empty()).then(|| view! { <p class="muted" data-user-text>{team.description.clone()}</p> })}
            {if members.is_empty() {
                view! { <p class="empty">{move || i18n.t(Key::VolNoMembers)}</p> }.into_any()
            } else {
                view! {
                    <ul class="member-list">
                        {members.into_iter().map(|m| view! { <MemberRow member=m office notice reload/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {office.then(|| view! {
                <button type="button" class="button button-quiet" data-testid="member-add-open"
                    aria-expanded=move || adding.get().to_string() on:click=move |_| adding.update(|a| *a = !*a)>
                    {move || i18n.t(Key::VolAddMember)}
                </button>
                {move || adding.get().then(|| view! {
                    <MemberForm team_id on_saved=Callback::new(move |m: VolunteerSummary| {
                        adding.set(false);
                        notice.set(Some(i18n.fmt(Key::VolMemberAdded, &[("name", &m.name)])));
                        reload.run(());
                    })/>
                })}
            })}
        </article>
    }
}

/// A member: everyone sees the name; hours and points come only for the office and oneself.
#[component]
fn MemberRow(
    member: VolunteerSummary,
    office: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let m = member;
    let figures = m.minutes_total.zip(m.points_balance);
    let shown = (office || m.mine) && figures.is_some();
    let open = RwSignal::new(false);
    let id = m.id;
    let toggle = move |_| open.update(|o| *o = !*o);
    view! {
        <li class="member-row" data-testid="member" data-name=m.name.clone()>
            <div class="member-line">
                <span class="member-name" data-user-text>{m.name.clone()}</span>
                {shown.then(|| view! {
                    <span class="member-figures" data-testid="member-figures">
                        {move || i18n.fmt(Key::VolMemberFigures, &[("h", &fmt_hours(figures.map_or(0, |f| f.0))), ("p", &figures.map_or(0, |f| f.1).to_string())])}
                    </span>
                })}
                {office.then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="member-open"
                        aria-expanded=move || open.get().to_string() on:click=toggle>
                        {move || i18n.t(Key::VolLedger)}
                    </button>
                })}
            </div>
            // Each opening reads the ledger afresh.
            {move || open.get().then(|| view! { <MemberLedger id office notice reload/> })}
        </li>
    }
}

#[component]
fn MemberLedger(
    id: i64,
    office: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let detail = LocalResource::new(move || api::volunteer(id));
    move || match detail.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
        Some(Ok(v)) => view! { <LedgerCard view=v may_redeem=office notice reload/> }.into_any(),
    }
}

#[component]
fn MemberForm(team_id: i64, on_saved: Callback<VolunteerSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let account = RwSignal::new(None::<shared::accounts::Person>);
    let send = Submit::new(move |input: MemberInput| async move {
        on_saved.run(api::add_team_member(team_id, &input).await?);
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    // Choosing the volunteer's account names them, unless a name is typed already.
    Effect::new(move |_| {
        if let Some(p) = account.get()
            && name.get_untracked().trim().is_empty()
        {
            name.set(p.display_name);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if name.get_untracked().trim().is_empty() {
            errors.set(vec![local_error("name", FieldErrorCode::Required)]);
            focus_first_invalid();
            return;
        }
        let input = MemberInput {
            name: name.get_untracked().trim().to_string(),
            user_id: account.with_untracked(|a| a.as_ref().map(|a| a.user_id)),
            username: None,
        };
        send.dispatch(input);
    };
    view! {
        <form class="form member-form" on:submit=submit novalidate data-testid="member-form">
            <FormError error fields=errors/>
            <PersonPicker id=format!("member-{team_id}-account") testid="member-account" label=Key::VolMemberAccount chosen=account errors field="user_id"
                hint=Key::VolMemberAccountHint work=Work::Volunteer/>
            <TextField id="member-name" label=Key::VolMemberName value=name errors field="name" required=true testid="member-name"/>
            <button type="submit" class="button button-primary" data-testid="member-submit" disabled=move || saving.get()>
                {move || i18n.t(Key::Save)}
            </button>
        </form>
    }
}

/// Credit a service activity: the team, what was done, the day, and each member's hours.
#[component]
fn ActivityForm(
    teams: LocalResource<crate::api::ApiResult<Vec<TeamView>>>,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let team = RwSignal::new(None::<i64>);
    let title = RwSignal::new(String::new());
    let day = RwSignal::new(today().to_string());
    // Hours typed per member of the chosen team, by volunteer id.
    let hours = RwSignal::new(Vec::<(i64, String)>::new());
    let send = Submit::new(move |input: ActivityInput| async move {
        let served = api::record_activity(&input).await?;
        notice.set(Some(
            i18n.fmt(Key::VolCredited, &[("n", &served.len().to_string())]),
        ));
        title.set(String::new());
        hours.update(|h| h.iter_mut().for_each(|x| x.1.clear()));
        reload.run(());
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let list = move || teams.get().and_then(Result::ok).unwrap_or_default();
    let members = move || {
        let t = team.get();
        list()
            .into_iter()
            .find(|x| Some(x.id) == t)
            .map(|x| x.members)
            .unwrap_or_default()
    };
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(team_id) = team.get_untracked() else {
            errors.set(vec![local_error("team_id", FieldErrorCode::Required)]);
            focus_first_invalid();
            return;
        };
        let Ok(d) = time::Date::parse(
            day.get_untracked().trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        ) else {
            errors.set(vec![local_error("day", FieldErrorCode::InvalidFormat)]);
            focus_first_invalid();
            return;
        };
        let mut errs = Vec::new();
        let mut participants = Vec::new();
        for (i, (vid, h)) in hours.get_untracked().into_iter().enumerate() {
            if h.trim().is_empty() {
                continue;
            }
            match parse_hours(&h) {
                Some(minutes) => participants.push(Participation {
                    volunteer_id: vid,
                    minutes,
                }),
                None => errs.push(local_error(
                    &format!("hours-{i}"),
                    FieldErrorCode::OutOfRange,
                )),
            }
        }
        let input = ActivityInput {
            team_id,
            title: title.get_untracked(),
            day: d,
            participants,
        };
        if let Err(e) = input.validate(today()) {
            errs.extend(local_errors(e));
        }
        if !errs.is_empty() {
            errors.set(errs);
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };
    view! {
        <form class="card form activity-form" on:submit=submit novalidate data-testid="activity-form">
            <h2>{move || i18n.t(Key::VolCredit)}</h2>
            <p class="hint">{move || i18n.t(Key::VolCreditHint)}</p>
            <FormError error fields=errors/>
            <div class="field" class:field-invalid=invalid("team_id")>
                <label for="activity-team">{move || i18n.t(Key::VolTeam)}</label>
                <select id="activity-team" data-testid="activity-team" aria-invalid=move || invalid("team_id")().to_string()
                    on:change=move |ev| {
                        let t = event_target_value(&ev).parse().ok();
                        team.set(t);
                        let ms = list().into_iter().find(|x| Some(x.id) == t).map(|x| x.members).unwrap_or_default();
                        hours.set(ms.into_iter().map(|m| (m.id, String::new())).collect());
                    }>
                    <option value="" selected=move || team.get().is_none()>{move || i18n.t(Key::ChooseOne)}</option>
                    {move || list().into_iter().map(|t| {
                        let tid = t.id;
                        view! { <option value=tid.to_string() selected=move || team.get() == Some(tid) data-user-text>{t.name}</option> }
                    }).collect_view()}
                </select>
                <FieldErrorList errors field="team_id" id="activity-team-error".to_string()/>
            </div>
            <TextField id="activity-title" label=Key::VolActivityTitle value=title errors field="title" required=true testid="activity-title"/>
            <div class="field" class:field-invalid=invalid("day")>
                <label for="activity-day">{move || i18n.t(Key::VolActivityDay)}</label>
                <input id="activity-day" type="date" data-testid="activity-day" bind:value=day max=today().to_string()
                    aria-invalid=move || invalid("day")().to_string()/>
                <FieldErrorList errors field="day" id="activity-day-error".to_string()/>
            </div>
            <fieldset class="field" class:field-invalid=invalid("participants")>
                <legend>{move || i18n.t(Key::VolActivityHours)}</legend>
                <FieldErrorList errors field="participants" id="activity-participants-error".to_string()/>
                {move || {
                    let ms = members();
                    if ms.is_empty() {
                        return view! { <p class="muted">{i18n.t(Key::VolPickTeam)}</p> }.into_any();
                    }
                    ms.into_iter().enumerate().map(|(i, m)| {
                        let input_id = format!("activity-hours-{}", m.id);
                        let vid = m.id;
                        let field = format!("hours-{i}");
                        let f2 = field.clone();
                        let bad = Signal::derive(move || errors.with(|e| e.iter().any(|x| x.field == f2)));
                        view! {
                            <div class="hours-row" class:field-invalid=bad>
                                <label for=input_id.clone() data-user-text>{m.name.clone()}</label>
                                <input id=input_id type="number" inputmode="decimal" min="0" max="24" step="0.5"
                                    data-testid="activity-hours" data-name=m.name.clone()
                                    aria-invalid=move || bad.get().to_string()
                                    prop:value=move || hours.with(|h| h.iter().find(|x| x.0 == vid).map(|x| x.1.clone()).unwrap_or_default())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        hours.update(|h| if let Some(x) = h.iter_mut().find(|x| x.0 == vid) { x.1 = v; });
                                    }/>
                                <span class="muted">{i18n.t(Key::VolHoursShort)}</span>
                                <FieldErrorList errors field=field.clone() id=format!("{field}-error")/>
                            </div>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            <button type="submit" class="button button-primary button-block button-big" data-testid="activity-submit"
                disabled=move || saving.get()>
                {move || if saving.get() { i18n.t(Key::Saving) } else { i18n.t(Key::VolCreditSubmit) }}
            </button>
        </form>
    }
}

#[component]
fn TeamForm(notice: RwSignal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let send = Submit::new(move |input: TeamInput| async move {
        let t = api::create_team(&input).await?;
        notice.set(Some(i18n.fmt(Key::VolTeamCreated, &[("name", &t.name)])));
        name.set(String::new());
        description.set(String::new());
        reload.run(());
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if name.get_untracked().trim().is_empty() {
            errors.set(vec![local_error("name", FieldErrorCode::Required)]);
            focus_first_invalid();
            return;
        }
        let input = TeamInput {
            name: name.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
        };
        send.dispatch(input);
    };
    view! {
        <form class="card form team-form" on:submit=submit novalidate data-testid="team-form">
            <h2>{move || i18n.t(Key::VolNewTeam)}</h2>
            <FormError error fields=errors/>
            <TextField id="team-name" label=Key::VolTeamName value=name errors field="name" required=true testid="team-name"/>
            <TextField id="team-description" label=Key::VolTeamDescription value=description errors field="description"/>
            <button type="submit" class="button button-primary" data-testid="team-submit" disabled=move || saving.get()>
                {move || i18n.t(Key::Save)}
            </button>
        </form>
    }
}

/// The time bank's rules (admins): points per hour, and whether volunteers redeem themselves.
#[component]
fn RulesForm(
    rules: TimeBankRules,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rate = RwSignal::new(rules.points_per_hour.to_string());
    let self_redeem = RwSignal::new(rules.volunteers_redeem);
    let send = Submit::new(move |input: TimeBankRules| async move {
        api::set_time_bank_rules(&input).await?;
        notice.set(Some(i18n.t(Key::VolRulesSaved).to_string()));
        reload.run(());
        Ok(())
    });
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let version = rules.version;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(n) = rate
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
        else {
            errors.set(vec![local_error(
                "points_per_hour",
                FieldErrorCode::OutOfRange,
            )]);
            focus_first_invalid();
            return;
        };
        let input = TimeBankRules {
            points_per_hour: n,
            volunteers_redeem: self_redeem.get_untracked(),
            version,
        };
        send.dispatch(input);
    };
    view! {
        <form class="card form rules-form" on:submit=submit novalidate data-testid="rules-form">
            <h2>{move || i18n.t(Key::VolRules)}</h2>
            <FormError error fields=errors/>
            <TextField id="rules-rate" label=Key::VolRulesRate value=rate errors field="points_per_hour" kind="number"
                inputmode="numeric" testid="rules-rate"/>
            <label class="choice">
                <input type="checkbox" data-testid="rules-self-redeem" prop:checked=move || self_redeem.get()
                    on:change=move |ev| self_redeem.set(event_target_checked(&ev))/>
                {move || i18n.t(Key::VolRulesSelfRedeem)}
            </label>
            <button type="submit" class="button button-primary" data-testid="rules-submit" disabled=move || saving.get()>
                {move || i18n.t(Key::Save)}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_both_ways() {
        assert_eq!(fmt_hours(150), "2.5");
        assert_eq!(fmt_hours(120), "2");
        assert_eq!(fmt_hours(45), "0.8");
        assert_eq!(parse_hours("2.5"), Some(150));
        assert_eq!(parse_hours(" 1 "), Some(60));
        assert_eq!(parse_hours("0"), None);
        assert_eq!(parse_hours("25"), None);
        assert_eq!(parse_hours("abc"), None);
    }
}
