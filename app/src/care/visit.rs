//! "记录走访 / Record a visit", phone-first: how (上门/电话/视频 as big toggles), what the
//! resident needs, what the visitor saw, and what the need becomes — nothing, an errand or a
//! case — in the same step. The answer links to the errand or case it made.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::care::{ErrandKind, ErrandView, FollowUp, VisitInput, VisitMethod, VisitView};

use super::{CategoryPicker, clear_on_change, local_errors};
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::offline::outbox::{self, Item, Sent};
use crate::offline::page::KeptNotice;
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, focus_first_invalid, use_id_param};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    Nothing,
    Errand,
    Case,
}

#[component]
pub fn VisitPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <VisitLoader id/> }.into_any(),
        None => view! { <crate::shell::NotFound/> }.into_any(),
    }
}

#[component]
fn VisitLoader(id: i64) -> impl IntoView {
    // The record says who the resident is, and whether this user cares for them at all.
    let record = LocalResource::new(move || api::care_record(id));
    move || match record.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) if e.status() == Some(404) => view! { <crate::shell::NotFound/> }.into_any(),
        Some(Err(e)) => {
            view! { <ErrorBox error=e retry=Callback::new(move |_| record.refetch())/> }.into_any()
        }
        Some(Ok(r)) => {
            // Errands still to be run, so a second one for the same need is not made unawares.
            let open_errands: Vec<ErrandView> = r
                .errands
                .into_iter()
                .filter(|e| e.status.is_open())
                .collect();
            view! { <VisitForm resident_id=r.resident_id name=r.resident_name open_errands/> }
                .into_any()
        }
    }
}

#[component]
fn VisitForm(resident_id: i64, name: String, open_errands: Vec<ErrandView>) -> impl IntoView {
    let i18n = use_i18n();
    {
        let name = name.clone();
        Effect::new(move |_| set_title(&i18n.fmt(Key::VisitTitle, &[("name", &name)]), i18n.get()));
    }
    let method = RwSignal::new(VisitMethod::InPerson);
    let needs = RwSignal::new(String::new());
    let observations = RwSignal::new(String::new());
    let then = RwSignal::new(Then::Nothing);
    let kind = RwSignal::new(ErrandKind::Medicine);
    let category = RwSignal::new(None::<i64>);
    // "This is another matter": asked only while an errand of the chosen kind is open.
    let confirm_duplicate = RwSignal::new(false);
    let open_errands = StoredValue::new(open_errands);
    let open_of_kind = move || {
        let k = kind.get();
        open_errands.with_value(|list| list.iter().find(|e| e.kind == k).cloned())
    };
    Effect::new(move |_| {
        kind.track();
        confirm_duplicate.set(false);
    });
    let done = RwSignal::new(None::<VisitView>);
    // Kept in the outbox (no signal): the form says so and starts empty again.
    let kept = RwSignal::new(false);
    let who = StoredValue::new(name.clone());
    let send = Submit::new(move |input: VisitInput| async move {
        let item = Item::visit(&input, &who.get_value());
        match outbox::send::<VisitView>(item, Vec::new()).await? {
            Sent::Now(visit) => done.set(Some(visit)),
            Sent::Kept => {
                needs.set(String::new());
                observations.set(String::new());
                kept.set(true);
            }
        }
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, saving) = (send.error, send.errors, send.pending());
    let meta = LocalResource::new(api::case_meta);
    let invalid = move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f));
    clear_on_change(needs, errors, "needs");
    clear_on_change(observations, errors, "observations");

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        error.set(None);
        kept.set(false);
        let follow_up = match then.get_untracked() {
            Then::Nothing => FollowUp::None,
            Then::Errand => FollowUp::Errand {
                kind: kind.get_untracked(),
                confirm_duplicate: confirm_duplicate.get_untracked(),
            },
            Then::Case => match category.get_untracked() {
                Some(category_id) => FollowUp::Case { category_id },
                None => {
                    errors.set(vec![crate::ui::local_error(
                        "follow_up/category_id",
                        shared::error::FieldErrorCode::Required,
                    )]);
                    focus_first_invalid();
                    return;
                }
            },
        };
        let now = crate::clock::now();
        let input = VisitInput {
            resident_id,
            method: method.get_untracked(),
            visited_at: now,
            needs: needs.get_untracked().trim().to_string(),
            observations: observations.get_untracked().trim().to_string(),
            follow_up,
        };
        if let Err(errs) = input.validate(now) {
            errors.set(local_errors(errs));
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };

    let record_href = format!("/care/residents/{resident_id}");
    let name2 = name.clone();
    view! {
        <p class="back"><a href=record_href.clone()>{move || format!("‹ {}", i18n.t(Key::CareOpenRecord))}</a></p>
        <div class="page-head">
            <h1>{move || i18n.fmt_with_data(Key::VisitTitle, &[("name", &name2)])}</h1>
        </div>
        {move || match done.get() {
            Some(v) => view! { <VisitDone visit=v record_href=record_href.clone()/> }.into_any(),
            None => view! {
                <form class="card form visit-form" on:submit=submit novalidate data-testid="visit-form">
                    <FormError error fields=errors/>
                    <KeptNotice kept/>
                    <fieldset class="field">
                        <legend>{move || i18n.t(Key::VisitMethod)}</legend>
                        <div class="toggles toggles-3" role="group">
                            {VisitMethod::ALL.into_iter().map(|m| view! {
                                <button type="button" class="toggle" data-testid=format!("method-{}", m.as_str())
                                    aria-pressed=move || (method.get() == m).to_string()
                                    on:click=move |_| method.set(m)>
                                    {move || i18n.text(m.text())}
                                </button>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <div class="field" class:field-invalid=invalid("needs")>
                        <label for="visit-needs">{move || i18n.t(Key::VisitNeeds)}</label>
                        <p class="hint" id="visit-needs-hint">{move || i18n.t(Key::VisitNeedsHint)}</p>
                        <textarea id="visit-needs" rows="3" maxlength="1000" data-testid="visit-needs"
                            aria-describedby="visit-needs-hint" aria-invalid=move || invalid("needs")().to_string()
                            bind:value=needs></textarea>
                        <FieldErrorList errors field="needs" id="visit-needs-error".to_string()/>
                    </div>
                    <div class="field" class:field-invalid=invalid("observations")>
                        <label for="visit-observations">
                            {move || i18n.t(Key::VisitObservations)}
                            <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span>
                        </label>
                        <textarea id="visit-observations" rows="3" maxlength="2000" data-testid="visit-observations"
                            aria-invalid=move || invalid("observations")().to_string()
                            bind:value=observations></textarea>
                        <FieldErrorList errors field="observations" id="visit-observations-error".to_string()/>
                    </div>
                    <fieldset class="field">
                        <legend>{move || i18n.t(Key::VisitThen)}</legend>
                        <div class="toggles toggles-3" role="group">
                            {[(Then::Nothing, Key::VisitThenNothing, "then-nothing"), (Then::Errand, Key::VisitThenErrand, "then-errand"), (Then::Case, Key::VisitThenCase, "then-case")]
                                .into_iter().map(|(t, key, testid)| view! {
                                    <button type="button" class="toggle" data-testid=testid
                                        aria-pressed=move || (then.get() == t).to_string()
                                        on:click=move |_| then.set(t)>
                                        {move || i18n.t(key)}
                                    </button>
                                }).collect_view()}
                        </div>
                    </fieldset>
                    {move || match then.get() {
                        Then::Nothing => ().into_any(),
                        Then::Errand => view! {
                            <fieldset class="field">
                                <legend>{move || i18n.t(Key::ErrandKindLabel)}</legend>
                                <div class="toggles toggles-2" role="group">
                                    {ErrandKind::ALL.into_iter().map(|k| view! {
                                        <button type="button" class="toggle" data-testid=format!("errand-kind-{}", k.as_str())
                                            aria-pressed=move || (kind.get() == k).to_string()
                                            on:click=move |_| kind.set(k)>
                                            {move || i18n.text(k.text())}
                                        </button>
                                    }).collect_view()}
                                </div>
                            </fieldset>
                            {move || open_of_kind().map(|e| {
                                let status = e.status;
                                view! {
                                    <div class="alert alert-info field" class:field-invalid=invalid("follow_up/kind")
                                        role="status" data-testid="open-errand-warning">
                                        <p>{i18n.fmt(Key::VisitOpenErrand, &[("name", &e.resident_name), ("kind", i18n.text(e.kind.text())), ("status", i18n.text(status.text()))])}</p>
                                        <p><a href=format!("/care/errands#errand-{}", e.id) data-testid="open-errand-link">
                                            {i18n.fmt(Key::VisitOpenErrandLink, &[("n", &e.id.to_string())])}
                                        </a></p>
                                        <label class="choice">
                                            <input type="checkbox" data-testid="confirm-duplicate"
                                                prop:checked=move || confirm_duplicate.get()
                                                on:change=move |ev| {
                                                    confirm_duplicate.set(event_target_checked(&ev));
                                                    errors.update(|x| x.retain(|f| f.field != "follow_up/kind"));
                                                }/>
                                            {i18n.t(Key::VisitOpenErrandConfirm)}
                                        </label>
                                        <FieldErrorList errors field="follow_up/kind" id="visit-kind-error".to_string()/>
                                    </div>
                                }
                            })}
                        }.into_any(),
                        Then::Case => view! {
                            <CategoryPicker id="visit-case" meta category errors field="follow_up/category_id"/>
                        }.into_any(),
                    }}
                    <div class="actions">
                        <button type="submit" class="button button-primary button-block" data-testid="visit-submit" disabled=move || saving.get()>
                            {move || if saving.get() { i18n.t(Key::Saving) } else { i18n.t(Key::VisitSubmit) }}
                        </button>
                    </div>
                </form>
            }.into_any(),
        }}
    }
}

#[component]
fn VisitDone(visit: VisitView, record_href: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card visit-done" role="status" data-testid="visit-done">
            <h2>{move || i18n.t(Key::VisitSaved)}</h2>
            {visit.errand_id.map(|id| view! {
                <p><a class="button button-secondary button-block" href=format!("/care/errands#errand-{id}") data-testid="visit-errand-link">
                    {move || i18n.fmt(Key::VisitErrandMade, &[("n", &id.to_string())])}
                </a></p>
            })}
            {visit.case_id.map(|id| view! {
                <p><a class="button button-secondary button-block" href=format!("/cases/{id}") data-testid="visit-case-link">
                    {move || i18n.fmt(Key::VisitCaseMade, &[("n", &id.to_string())])}
                </a></p>
            })}
            <div class="actions">
                <a class="button button-primary" href=record_href data-testid="visit-to-record">{move || i18n.t(Key::CareOpenRecord)}</a>
                <a class="button button-quiet" href="/care">{move || i18n.t(Key::CareBackToDue)}</a>
            </div>
        </section>
    }
}
