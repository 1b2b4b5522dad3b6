//! 幸福餐桌 (meal service): a deliverer's route for today with a big "已送达" per stop, today's
//! menu, and for those who run the service (the office, grid workers) the enrolments with the
//! enrol form, placing today's orders, the day's orders and the month's counts per day.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::Work;
use shared::care::{
    EnrolInput, EnrolmentView, MEAL_ELIGIBLE, MealMode, MealStatus, MenuInput, OrderInput,
    OrderView,
};
use shared::error::FieldErrorCode;
use shared::places::ResidentView;

use super::{CareTabs, clear_on_change};
use crate::accounts::{PersonPicker, use_session};
use crate::api;
use crate::clock::today;
use crate::i18n::{Key, set_title, use_i18n};
use crate::offline::outbox::{self, Item, Sent};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField};
use shared::calendar::format_moment;

#[component]
pub fn MealsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::MealsTitle), i18n.get()));
    let day = today().to_string();
    let menu = {
        let day = day.clone();
        LocalResource::new(move || {
            let day = day.clone();
            async move { api::meal_menus(&day, &day).await }
        })
    };
    // Only those who run the service (who may see special-group records: the server's rule in
    // `care::meals`) list the enrolments; for others the section is absent and nothing is asked.
    let runs_service = use_session().may(shared::accounts::Permission::RevealSensitive);
    let enrolments = LocalResource::new(move || async move {
        if runs_service {
            api::meal_enrolments().await.map(Some)
        } else {
            Ok(None)
        }
    });
    // Held here: the service section is drawn again when the enrolments are read again, and a
    // confirmation must outlive that.
    let notice = RwSignal::new(None::<String>);
    // Marking a stop delivered is one action of the page: the route, the day's orders and the
    // month's counts are each read again when it has gone through (its version).
    let kept = RwSignal::new(Vec::<i64>::new());
    let delivering = Deliveries {
        // Through the outbox: without signal the delivery is kept and sent later.
        send: Submit::new(move |(id, name): (i64, String)| async move {
            if let Sent::Kept =
                outbox::send::<OrderView>(Item::meal_delivered(id, name), Vec::new()).await?
            {
                kept.update(|k| k.push(id));
            }
            Ok(())
        }),
        stop: RwSignal::new(None),
        kept,
    };
    let delivered = delivering.send.version();
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::MealsTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::MealsIntro)}</p>
        </div>
        <CareTabs/>
        <section class="card menu-today" aria-labelledby="menu-title" data-testid="menu-today">
            <h2 id="menu-title">{move || i18n.fmt(Key::MealsMenuOf, &[("day", &today().to_string())])}</h2>
            {move || match menu.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(m)) => match m.into_iter().next() {
                    Some(m) => view! { <p class="menu-dishes" data-testid="menu-dishes" data-user-text>{m.dishes}</p> }.into_any(),
                    None => view! { <p class="muted" data-testid="menu-none">{i18n.t(Key::MealsNoMenu)}</p> }.into_any(),
                },
            }}
        </section>
        <MealRoute day=day.clone() delivering/>
        {move || match enrolments.get() {
            Some(Ok(None)) => ().into_any(),
            Some(Ok(Some(list))) => view! {
                <MealService day=day.clone() enrolments=list menu notice delivered menu_reload=Callback::new(move |_| menu.refetch())
                    reload=Callback::new(move |_| enrolments.refetch())/>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| enrolments.refetch())/> }.into_any(),
            None => ().into_any(),
        }}
    }
}

/// Marking a stop delivered: one action for the page, and the stop it was last tried for.
#[derive(Clone, Copy)]
struct Deliveries {
    send: Submit<(i64, String)>,
    stop: RwSignal<Option<i64>>,
    /// Stops whose delivery waits in the outbox.
    kept: RwSignal<Vec<i64>>,
}

/// My deliveries today, in walking order, each with a big "已送达".
#[component]
fn MealRoute(day: String, delivering: Deliveries) -> impl IntoView {
    let i18n = use_i18n();
    let delivered = delivering.send.version();
    let route = LocalResource::new(move || {
        delivered.track();
        let day = day.clone();
        async move { api::meal_orders(&day, true).await }
    });
    view! {
        <section aria-labelledby="route-title" data-testid="meal-route">
            <h2 id="route-title">{move || i18n.t(Key::MealsRoute)}</h2>
            {move || match route.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| route.refetch())/> }.into_any(),
                Some(Ok(stops)) if stops.is_empty() => view! {
                    <p class="empty card" data-testid="route-empty">{i18n.t(Key::MealsRouteEmpty)}</p>
                }.into_any(),
                Some(Ok(stops)) => view! {
                    <ol class="route-stops">
                        {stops.into_iter().enumerate().map(|(n, o)| view! { <RouteStop n=n + 1 order=o delivering/> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RouteStop(n: usize, order: OrderView, delivering: Deliveries) -> impl IntoView {
    let i18n = use_i18n();
    let o = RwSignal::new(order);
    let id = o.with_untracked(|o| o.id);
    let busy = delivering.send.pending();
    let deliver = move |_| {
        delivering.stop.set(Some(id));
        delivering
            .send
            .dispatch((id, o.with_untracked(|o| o.resident_name.clone())));
    };
    view! {
        <li class="card route-stop" data-testid="route-stop" data-name=move || o.with(|o| o.resident_name.clone())
            data-status=move || o.with(|o| o.status.as_str())>
            <div class="route-stop-head">
                <span class="route-n" aria-hidden="true">{n}</span>
                <div>
                    <h3 class="route-name">{move || o.with(|o| o.resident_name.clone())}</h3>
                    <p class="route-address">{move || o.with(|o| o.address.clone())}</p>
                    <p class="muted">{move || i18n.text(o.with(|o| o.mode).text())}</p>
                </div>
            </div>
            // The page's one action: this stop shows its refusal when the last try was its own.
            <Show when=move || delivering.stop.get() == Some(id)>
                <FormError error=delivering.send.error testid="deliver-error"/>
            </Show>
            {move || match o.with(|o| o.status) {
                MealStatus::Ordered if delivering.kept.with(|k| k.contains(&id)) => view! {
                    <p class="route-done" role="status" data-testid="route-kept">
                        <span class="badge">{i18n.t(Key::OutboxWaiting)}</span>" "{i18n.t(Key::OutboxKept)}
                    </p>
                }.into_any(),
                MealStatus::Ordered => view! {
                    <button type="button" class="button button-primary button-block button-big" data-testid="deliver"
                        disabled=move || busy.get() on:click=deliver>
                        {move || i18n.t(Key::MealsDeliver)}
                    </button>
                }.into_any(),
                status => view! {
                    <p class="route-done" role="status" data-testid="route-status">
                        <span class="badge badge-ok">{i18n.text(status.text())}</span>
                        {o.with(|o| o.delivered_at).map(|t| format!(" {}", format_moment(t)))}
                    </p>
                }.into_any(),
            }}
        </li>
    }
}

#[component]
fn MealService(
    day: String,
    enrolments: Vec<EnrolmentView>,
    menu: LocalResource<api::ApiResult<Vec<shared::care::MenuView>>>,
    notice: RwSignal<Option<String>>,
    /// Deliveries marked on this page so far (the route's action version).
    delivered: RwSignal<usize>,
    menu_reload: Callback<()>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let office = move || session.principal().is_some_and(|p| p.is_office());
    let orders = {
        let day = day.clone();
        LocalResource::new(move || {
            delivered.track();
            let day = day.clone();
            async move { api::meal_orders(&day, false).await }
        })
    };
    let enrolling = RwSignal::new(false);
    let placing_orders = Submit::new(move |day: time::Date| async move {
        let list = api::place_meal_orders(&OrderInput {
            day,
            enrolment_ids: Vec::new(),
        })
        .await?;
        notice.set(Some(
            i18n.fmt(Key::MealsOrdersPlaced, &[("n", &list.len().to_string())]),
        ));
        orders.refetch();
        Ok(())
    });
    let (place_error, placing) = (placing_orders.error, placing_orders.pending());
    // Placing orders changes the month's counts: they are read again after each.
    let counted = placing_orders.version();
    let place = {
        let day = day.clone();
        move |_| {
            if let Ok(d) = time::Date::parse(
                &day,
                time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                placing_orders.dispatch(d);
            }
        }
    };
    let month = day.get(..7).unwrap_or_default().to_string();

    view! {
        <section class="meal-service" aria-labelledby="service-title" data-testid="meal-service">
            <h2 id="service-title">{move || i18n.t(Key::MealsService)}</h2>
            <Notice message=notice/>
            <Show when=office>
                <MenuEditor day=day.clone() menu on_saved=menu_reload/>
            </Show>

            <div class="section-head">
                <h3 id="orders-today-title">{move || i18n.t(Key::MealsOrdersToday)}</h3>
                <button type="button" class="button button-primary" data-testid="place-orders"
                    disabled=move || placing.get() on:click=place>
                    {move || i18n.t(Key::MealsPlaceOrders)}
                </button>
            </div>
            <FormError error=place_error testid="place-error"/>
            {move || match orders.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{i18n.t(Key::MealsNoOrders)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    // A narrow screen scrolls the table in its box: a region the keyboard reaches.
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="orders-today-title">
                        <table class="report-table meal-table" data-testid="day-orders">
                            <thead><tr>
                                <th scope="col">{i18n.t(Key::MealsResident)}</th>
                                <th scope="col">{i18n.t(Key::Address)}</th>
                                <th scope="col">{i18n.t(Key::MealsMode)}</th>
                                <th scope="col">{i18n.t(Key::MealsDeliverer)}</th>
                                <th scope="col">{i18n.t(Key::MealsStatus)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|o| view! {
                                    <tr data-testid="day-order" data-name=o.resident_name.clone()>
                                        <td data-user-text>{o.resident_name.clone()}</td>
                                        <td data-user-text>{o.address.clone()}</td>
                                        <td>{i18n.text(o.mode.text())}</td>
                                        <td data-user-text>{o.deliverer_name.clone().unwrap_or_default()}</td>
                                        <td data-testid="day-order-status">{i18n.text(o.status.text())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}

            <div class="section-head">
                <h3>{move || i18n.t(Key::MealsEnrolments)}</h3>
                <button type="button" class="button button-secondary" data-testid="enrol-open"
                    aria-expanded=move || enrolling.get().to_string()
                    on:click=move |_| { notice.set(None); enrolling.update(|e| *e = !*e); }>
                    {move || i18n.t(Key::MealsEnrol)}
                </button>
            </div>
            {move || enrolling.get().then(|| view! {
                <EnrolForm on_saved=Callback::new(move |e: EnrolmentView| {
                    enrolling.set(false);
                    notice.set(Some(i18n.fmt(Key::MealsEnrolled, &[("name", &e.resident_name)])));
                    reload.run(());
                }) on_cancel=Callback::new(move |_| enrolling.set(false))/>
            })}
            {if enrolments.is_empty() {
                view! { <p class="empty" data-testid="enrolments-empty">{move || i18n.t(Key::MealsNoEnrolments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards enrolment-cards" data-testid="enrolments">
                        {enrolments.into_iter().map(|e| {
                            let mode = e.mode;
                            view! {
                                <li class="card enrolment" data-testid="enrolment" data-name=e.resident_name.clone()>
                                    <h4 class="enrolment-name" data-user-text>{e.resident_name.clone()}</h4>
                                    <p class="badges"><span class="badge">{move || i18n.text(mode.text())}</span></p>
                                    {e.deliverer_name.clone().map(|d| view! { <p>{move || i18n.t(Key::MealsDeliverer)}": "<span data-user-text>{d.clone()}</span></p> })}
                                    {(!e.notes.is_empty()).then(|| view! { <p class="muted" data-user-text>{e.notes.clone()}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <MonthCounts month counted delivered/>
        </section>
    }
}

#[component]
fn MenuEditor(
    day: String,
    menu: LocalResource<api::ApiResult<Vec<shared::care::MenuView>>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let dishes = RwSignal::new(String::new());
    // Start from the day's menu when there is one.
    Effect::new(move |_| {
        if let Some(Ok(m)) = menu.get()
            && let Some(m) = m.into_iter().next()
            && dishes.get_untracked().is_empty()
        {
            dishes.set(m.dishes);
        }
    });
    let saved = RwSignal::new(None::<String>);
    let save = Submit::new(move |input: MenuInput| async move {
        api::set_meal_menu(&input).await?;
        saved.set(Some(i18n.t(Key::Saved).to_string()));
        on_saved.run(());
        Ok(())
    });
    let (error, errors) = (save.error, save.errors);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(d) = time::Date::parse(
            &day,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) else {
            return;
        };
        saved.set(None);
        save.dispatch(MenuInput {
            day: d,
            dishes: dishes.get_untracked().trim().to_string(),
        });
    };
    view! {
        <form class="card form menu-form" on:submit=submit novalidate data-testid="menu-form">
            <FormError error/>
            <Notice message=saved/>
            <div class="field">
                <label for="menu-dishes">{move || i18n.t(Key::MealsSetMenu)}</label>
                <textarea id="menu-dishes" rows="2" maxlength="1000" data-testid="menu-dishes-input" bind:value=dishes></textarea>
                <FieldErrorList errors field="dishes" id="menu-dishes-error".to_string()/>
            </div>
            <div class="actions">
                <button type="submit" class="button button-secondary" data-testid="menu-save">{move || i18n.t(Key::Save)}</button>
            </div>
        </form>
    }
}

#[component]
fn EnrolForm(on_saved: Callback<EnrolmentView>, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ResidentView>>);
    let chosen = RwSignal::new(None::<ResidentView>);
    let mode = RwSignal::new(MealMode::Delivery);
    let deliverer = RwSignal::new(None::<shared::accounts::Person>);
    let notes = RwSignal::new(String::new());
    let enrol = Submit::new(move |input: EnrolInput| async move {
        on_saved.run(api::enrol_meals(&input).await?);
        Ok(())
    });
    let (error, errors, saving) = (enrol.error, enrol.errors, enrol.pending());
    // Looking a resident up: a refusal shows on the form's error line.
    let search = Submit::reporting_to(error, errors, move |text: String| async move {
        found.set(Some(api::search(&text).await?.residents));
        Ok(())
    });
    clear_on_change(notes, errors, "notes");
    let eligible = move || {
        MEAL_ELIGIBLE
            .iter()
            .map(|g| i18n.text(g.text()))
            .collect::<Vec<_>>()
            .join("、")
    };
    let find = move |_| {
        let text = q.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        search.dispatch(text);
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(r) = chosen.get_untracked() else {
            errors.set(vec![crate::ui::local_error(
                "resident_id",
                FieldErrorCode::Required,
            )]);
            return;
        };
        let input = EnrolInput {
            resident_id: r.id,
            mode: mode.get_untracked(),
            deliverer_user_id: deliverer.with_untracked(|d| d.as_ref().map(|d| d.user_id)),
            deliverer_username: None,
            notes: notes.get_untracked().trim().to_string(),
        };
        enrol.dispatch(input);
    };
    // The server's refusal of a resident, said plainly.
    let resident_refusal = move || {
        errors.with(|e| {
            e.iter()
                .find(|x| x.field == "resident_id")
                .map(|x| match x.code {
                    FieldErrorCode::NotAllowed => {
                        i18n.fmt(Key::MealsNotEligible, &[("groups", &eligible())])
                    }
                    FieldErrorCode::Duplicate => i18n.t(Key::MealsAlreadyEnrolled).to_string(),
                    code => code.message(i18n.get()).to_string(),
                })
        })
    };
    view! {
        <form class="card form enrol-form" on:submit=submit novalidate data-testid="enrol-form">
            <h4>{move || i18n.t(Key::MealsEnrol)}</h4>
            <FormError error testid="enrol-error"/>
            <div class="field" class:field-invalid=move || resident_refusal().is_some()>
                <label for="enrol-q">{move || i18n.t(Key::MealsFindResident)}</label>
                <p class="hint">{move || i18n.fmt(Key::MealsEligibleHint, &[("groups", &eligible())])}</p>
                <div class="search-row">
                    <input id="enrol-q" type="search" autocomplete="off" data-testid="enrol-q" bind:value=q
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); find(()); }/>
                    <button type="button" class="button button-secondary" data-testid="enrol-find" on:click=move |_| find(())>
                        {move || i18n.t(Key::NavSearch)}
                    </button>
                </div>
                {move || chosen.get().map(|r| view! {
                    <p class="place-chosen" data-testid="enrol-chosen">{i18n.t(Key::MealsChosen)}": "<strong data-user-text>{r.name.clone()}</strong>" "<span class="muted" data-user-text>{r.address.clone()}</span></p>
                })}
                {move || found.get().map(|list| if list.is_empty() {
                    view! { <p class="muted">{i18n.t(Key::MealsNoneFound)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="choice-list">
                            {list.into_iter().map(|r| {
                                let pick = r.clone();
                                view! {
                                    <li><button type="button" class="button button-quiet choice-button" data-testid="enrol-pick"
                                        on:click=move |_| { chosen.set(Some(pick.clone())); found.set(None); errors.set(Vec::new()); }>
                                        <strong data-user-text>{r.name.clone()}</strong>" "<span class="muted" data-user-text>{r.address.clone()}</span>
                                    </button></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
                {move || resident_refusal().map(|t| view! { <p class="field-error" data-testid="error-resident_id">{t}</p> })}
            </div>
            <fieldset class="field">
                <legend>{move || i18n.t(Key::MealsMode)}</legend>
                <div class="toggles toggles-2" role="group">
                    {[MealMode::Delivery, MealMode::EatIn].into_iter().map(|m| view! {
                        <button type="button" class="toggle" data-testid=format!("mode-{}", m.as_str())
                            aria-pressed=move || (mode.get() == m).to_string() on:click=move |_| mode.set(m)>
                            {move || i18n.text(m.text())}
                        </button>
                    }).collect_view()}
                </div>
            </fieldset>
            <Show when=move || mode.get() == MealMode::Delivery>
                <PersonPicker id="enrol-deliverer" testid="enrol-deliverer" label=Key::MealsDelivererAccount chosen=deliverer errors field="deliverer_user_id"
                    work=Work::MealDeliverer
                    hint=Key::MealDelivererHint required=true/>
            </Show>
            <TextField id="enrol-notes" label=Key::MealsNotes value=notes errors field="notes"/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="enrol-submit" disabled=move || saving.get()>
                    {move || i18n.t(Key::MealsEnrol)}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>{move || i18n.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

#[component]
fn MonthCounts(
    month: String,
    counted: RwSignal<usize>,
    delivered: RwSignal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = month.clone();
    let counts = LocalResource::new(move || {
        counted.track();
        delivered.track();
        let m = month.clone();
        async move { api::meal_counts(&m).await }
    });
    view! {
        <section class="meal-counts" aria-labelledby="counts-title" data-testid="meal-counts">
            <h3 id="counts-title">{move || i18n.fmt(Key::MealsCountsOf, &[("month", &label)])}</h3>
            {move || match counts.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
                Some(Ok(c)) => view! {
                    <p class="figures-line" data-testid="month-totals">
                        {i18n.fmt(Key::MealsMonthTotals, &[("ordered", &c.month_ordered.to_string()), ("delivered", &c.month_delivered.to_string())])}
                    </p>
                    {(!c.days.is_empty()).then(|| view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="counts-title">
                            <table class="report-table meal-table" data-testid="day-counts">
                                <thead><tr>
                                    <th scope="col">{i18n.t(Key::MealsDay)}</th>
                                    <th scope="col">{i18n.t(Key::MealsOrdered)}</th>
                                    <th scope="col">{i18n.t(Key::MealsDelivered)}</th>
                                    <th scope="col">{i18n.text(MealMode::EatIn.text())}</th>
                                    <th scope="col">{i18n.text(MealMode::Delivery.text())}</th>
                                </tr></thead>
                                <tbody>
                                    {c.days.into_iter().map(|d| view! {
                                        <tr data-testid="day-count" data-day=d.day.to_string()>
                                            <td>{d.day.to_string()}</td>
                                            <td>{d.ordered}</td>
                                            <td data-testid="day-delivered">{d.delivered}</td>
                                            <td>{d.eat_in}</td>
                                            <td>{d.home_delivery}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })}
                }.into_any(),
            }}
        </section>
    }
}
