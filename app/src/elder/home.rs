//! The simple resident home of elder mode — four large tiles, 找网格员 (whom to call) among
//! them — and 我的事 (one's affairs in plain words).

use leptos::prelude::*;
use shared::accounts::{MyMeal, MyVisit, Principal};
use shared::calendar::{day_at, format_day};
use shared::care::{MealMode, MealStatus, VisitMethod};

use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// A tile that opens the simple form of a page: where, title, what it is for, test id.
type Tile = (&'static str, Key, Key, &'static str);

const REPORT: Tile = (
    "/report",
    Key::ElderTileReport,
    Key::ElderTileReportHint,
    "elder-tile-report",
);
const VOTE: Tile = (
    "/council",
    Key::ElderTileVote,
    Key::ElderTileVoteHint,
    "elder-tile-vote",
);
const MINE: Tile = (
    "/cases",
    Key::ElderTileMine,
    Key::ElderTileMineHint,
    "elder-tile-mine",
);

/// The simple home: 我要报事, 议事投票, 找网格员 (right on the home page: whom to call is
/// no further than one tap), 我的事.
#[component]
pub fn ElderHome(principal: Principal) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::NavHome), i18n.get()));
    let name = principal.display_name.clone();
    let tile = move |(href, title, hint, testid): Tile| {
        view! {
            <li>
                <a class="elder-tile" href=href data-testid=testid>
                    <span class="elder-tile-title">{move || i18n.t(title)}</span>
                    <span class="elder-tile-hint">{move || i18n.t(hint)}</span>
                </a>
            </li>
        }
    };
    view! {
        <section class="elder-home" aria-labelledby="welcome-title">
            <h1 id="welcome-title" data-testid="home-welcome">{move || i18n.fmt_with_data(Key::Welcome, &[("name", &name)])}</h1>
            <crate::proxy::ProxyNotices/>
            <ul class="elder-tiles">
                {tile(REPORT)}
                {tile(VOTE)}
                <li><ContactTile/></li>
                {tile(MINE)}
            </ul>
        </section>
    }
}

/// A mobile number grouped as people read it out: 138 0000 9901. Other numbers (a landline
/// with its area code) stay as written.
fn spoken_phone(phone: &str) -> String {
    let mobile =
        phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit());
    if !mobile {
        return phone.to_string();
    }
    format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..])
}

/// 找网格员: the grid workers of one's grid with a tap-to-call link, and the mailbox.
#[component]
fn ContactTile() -> impl IntoView {
    let i18n = use_i18n();
    let home = LocalResource::new(api::my_home);
    view! {
        <section class="elder-tile elder-contact" data-testid="elder-tile-contact" aria-labelledby="elder-contact-title">
            <h2 id="elder-contact-title" class="elder-tile-title">{move || i18n.t(Key::ElderTileContact)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || home.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| home.refetch())/> }.into_any(),
                    Ok(h) if h.grid_workers.is_empty() => view! {
                        <p data-testid="elder-no-grid-worker">{move || i18n.t(Key::ElderNoGridWorker)}</p>
                    }.into_any(),
                    Ok(h) => h.grid_workers.into_iter().map(|w| view! {
                        <div class="elder-grid-worker" data-testid="elder-grid-worker">
                            <div class="elder-worker-head">
                                <WorkerFace name=w.display_name.clone() photo_url=w.photo_url.clone()/>
                                <p class="elder-contact-name">{move || i18n.t(Key::ElderGridWorker)}
                                    <strong data-user-text>{w.display_name.clone()}</strong>
                                    " · "<span data-user-text>{w.grid.name.clone()}</span></p>
                            </div>
                            {match w.work_phone.clone() {
                                Some(phone) => {
                                    let said = spoken_phone(&phone);
                                    view! {
                                        <a class="button button-secondary button-block elder-call" data-testid="elder-call"
                                            href=format!("tel:{phone}")>
                                            {move || i18n.fmt(Key::ElderCall, &[("phone", &said)])}
                                        </a>
                                    }.into_any()
                                }
                                None => view! { <p>{move || i18n.t(Key::ElderNoPhone)}</p> }.into_any(),
                            }}
                        </div>
                    }).collect_view().into_any(),
                })}
            </Transition>
            <a class="button button-secondary button-block" href="/mailbox" data-testid="elder-mailbox">{move || i18n.t(Key::ElderWriteSecretary)}</a>
        </section>
    }
}

/// A grid worker's face: their photo when the office set one, else the first character of
/// their name in a circle (`shared::accounts::initials`). The name is said next to it, so the
/// initials are decoration to a screen reader.
#[component]
pub fn WorkerFace(name: String, photo_url: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    match photo_url {
        Some(url) => view! {
            <img class="worker-face" src=url data-testid="worker-photo"
                alt=move || i18n.fmt(Key::ElderGridWorkerPhoto, &[("name", &name)])/>
        }
        .into_any(),
        None => view! {
            <span class="worker-face worker-initials" aria-hidden="true" data-testid="worker-initials" data-user-text>
                {shared::accounts::initials(&name)}
            </span>
        }
        .into_any(),
    }
}

/// A day as said aloud: 3月5日, or 5 Mar.
fn spoken_day(day: time::Date, lang: shared::i18n::Lang) -> String {
    match lang {
        shared::i18n::Lang::ZhCn => format!("{}月{}日", u8::from(day.month()), day.day()),
        shared::i18n::Lang::En => format!("{} {}", day.day(), &day.month().to_string()[..3]),
    }
}

/// 我的事: one's reports, errands and letters, each a plain sentence of how it stands.
#[component]
pub fn ElderMinePage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::ElderTileMine), i18n.get()));
    let reports = LocalResource::new(|| api::my_cases(0, 20));
    let errands = LocalResource::new(api::errands);
    let letters = LocalResource::new(api::letters);
    let care = LocalResource::new(api::my_care);
    let nothing = move || view! { <p class="muted">{move || i18n.t(Key::ElderNothingYet)}</p> };
    view! {
        <div class="page-head"><h1>{move || i18n.t(Key::ElderTileMine)}</h1></div>
        <section class="card" aria-labelledby="mine-reports" data-testid="elder-mine-reports">
            <h2 id="mine-reports">{move || i18n.t(Key::ElderMyReports)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || reports.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => nothing().into_any(),
                    Ok(page) => view! {
                        <ul class="elder-list">
                            {page.items.into_iter().map(|c| {
                                let day = format_day(day_at(c.created_at));
                                let stage = c.stage;
                                view! {
                                    <li>
                                        <a href=format!("/cases/{}", c.id)><strong data-user-text>{c.title}</strong></a>
                                        <br/>
                                        {move || i18n.fmt(Key::ElderReportedOn, &[("day", &day), ("stage", i18n.text(stage.text()))])}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <p><a href="/cases?full=1" data-testid="elder-full-reports">{move || i18n.t(Key::ElderFullReports)}</a></p>
        <section class="card" aria-labelledby="mine-errands" data-testid="elder-mine-errands">
            <h2 id="mine-errands">{move || i18n.t(Key::ElderMyErrands)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || errands.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(list) if list.is_empty() => nothing().into_any(),
                    Ok(list) => view! {
                        <ul class="elder-list">
                            {list.into_iter().map(|e| {
                                let (kind, status) = (e.kind, e.status);
                                let description = (!e.description.is_empty()).then_some(e.description);
                                view! {
                                    <li>
                                        {move || i18n.fmt(Key::ElderErrandLine, &[("what", i18n.text(kind.text())), ("status", i18n.text(status.text()))])}
                                        {description.map(|d| view! { <br/><span data-user-text>{d}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="mine-care" data-testid="elder-mine-care">
            <h2 id="mine-care">{move || i18n.t(Key::ElderMyCare)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || care.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(c) if c.meals.is_empty() && c.visits.is_empty() => nothing().into_any(),
                    Ok(c) => view! {
                        <ul class="elder-list">
                            {c.meals.into_iter().map(|m| view! {
                                <li data-testid="elder-meal">{move || meal_line(i18n, &m)}</li>
                            }).collect_view()}
                            {c.visits.into_iter().map(|v| view! {
                                <li data-testid="elder-visit">{move || visit_line(i18n, &v)}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="mine-letters" data-testid="elder-mine-letters">
            <h2 id="mine-letters">{move || i18n.t(Key::ElderMyLetters)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || letters.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(list) => {
                        let mine: Vec<_> = list.into_iter().filter(|l| l.mine).collect();
                        if mine.is_empty() {
                            return nothing().into_any();
                        }
                        view! {
                            <ul class="elder-list">
                                {mine.into_iter().map(|l| {
                                    let day = format_day(day_at(l.created_at));
                                    let status = l.status;
                                    view! {
                                        <li>
                                            <strong data-user-text>{l.subject}</strong><br/>
                                            {move || i18n.fmt(Key::ElderLetterLine, &[("day", &day), ("status", i18n.text(status.text()))])}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// 今天的午餐已送到: which day, and how the meal stands for the way it comes.
fn meal_line(i18n: crate::i18n::I18n, m: &MyMeal) -> String {
    let how = i18n.t(match (m.status, m.mode) {
        (MealStatus::Ordered, MealMode::Delivery) => Key::ElderMealComing,
        (MealStatus::Ordered, MealMode::EatIn) => Key::ElderMealBooked,
        (MealStatus::Delivered, MealMode::Delivery) => Key::ElderMealDelivered,
        (MealStatus::Delivered, MealMode::EatIn) => Key::ElderMealServed,
        (MealStatus::Cancelled, _) => Key::ElderMealCancelled,
    });
    if m.day == crate::clock::today() {
        i18n.fmt(Key::ElderMealToday, &[("how", how)])
    } else {
        let day = spoken_day(m.day, i18n.get());
        i18n.fmt(Key::ElderMealOn, &[("day", &day), ("how", how)])
    }
}

/// 3月5日 网格员王芳来看望过您: when, who (a grid worker said as such) and how.
fn visit_line(i18n: crate::i18n::I18n, v: &MyVisit) -> AnyView {
    let day = spoken_day(day_at(v.visited_at), i18n.get());
    let who = if v.by_grid_worker {
        i18n.fmt(Key::ElderVisitorGridWorker, &[("name", &v.visitor_name)])
    } else {
        v.visitor_name.clone()
    };
    let key = match v.method {
        VisitMethod::InPerson => Key::ElderVisitInPerson,
        VisitMethod::Phone => Key::ElderVisitPhone,
        VisitMethod::Video => Key::ElderVisitVideo,
    };
    i18n.fmt_with_data(key, &[("day", &day), ("who", &who)])
}

#[cfg(test)]
mod tests {
    use super::spoken_phone;

    #[test]
    fn phones_are_grouped_as_read_out() {
        assert_eq!(spoken_phone("13800009901"), "138 0000 9901");
        assert_eq!(spoken_phone("0931-1234567"), "0931-1234567");
    }
}
