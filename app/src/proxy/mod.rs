//! 代办 (acting on a resident's behalf, in their presence): the grid worker's or the office's
//! page — find the resident, say how they confirmed, then vote, support, report, write to the
//! secretary or ask for an errand for them — and the notice the resident reads when they
//! next sign in. The rules (who may, which ballots take proxy votes, one person one vote) are
//! `shared::proxy` and `shared::council`; the server enforces them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::care::{ErrandKind, LetterInput};
use shared::cases::{CreateCase, Source, Urgency};
use shared::council::{Answer, BallotState, Choice, ItemStage, ItemView};
use shared::places::ResidentView;
use shared::proxy::{ActFor, ConfirmMethod, ProxyAct, ProxyActionView, ProxyKind};

use crate::api::{self, ApiResult};
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, When};

const CONFIRMATIONS: [ConfirmMethod; 3] = [
    ConfirmMethod::Thumbprint,
    ConfirmMethod::Signature,
    ConfirmMethod::Oral,
];

/// Open items of the resident's community with a ballot open or gathering support.
async fn open_items() -> ApiResult<Vec<ItemView>> {
    let page = api::council_items("limit=50").await?;
    let mut out = Vec::new();
    for s in page
        .items
        .into_iter()
        .filter(|s| s.ballot_state == Some(BallotState::Open) || s.stage == ItemStage::Gathering)
    {
        out.push(api::council_item(s.id).await?);
    }
    Ok(out)
}

#[component]
pub fn ProxyPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::ProxyTitle), i18n.get()));
    let typed = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<ResidentView>);
    // The name last asked for; the registry's answer is read again when it changes.
    let asked = RwSignal::new(None::<String>);
    let found = LocalResource::new(move || {
        let q = asked.get();
        async move {
            match q {
                Some(q) => Some(api::residents(&q, None, 0, 10).await.map(|p| p.items)),
                None => None,
            }
        }
    });
    let find = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked();
        // The same name again reads the registry again (someone may have been added).
        if asked.get_untracked().as_ref() == Some(&q) {
            found.refetch();
        } else {
            asked.set(Some(q));
        }
    };
    view! {
        <div class="page-head"><h1>{move || i18n.t(Key::ProxyTitle)}</h1></div>
        <p class="muted">{move || i18n.t(Key::ProxyIntro)}</p>
        <Show when=move || chosen.with(Option::is_none) fallback=move || view! {
            {move || chosen.get().map(|r| view! {
                <ProxyFor resident=r on_other=Callback::new(move |_| chosen.set(None))/>
            })}
        }>
            <form class="card form" on:submit=find data-testid="proxy-find">
                <label class="field">
                    <span>{move || i18n.t(Key::ProxyFindResident)}</span>
                    <input type="search" data-testid="proxy-q" prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="button button-primary" data-testid="proxy-find-submit">{move || i18n.t(Key::ProxyFind)}</button>
            </form>
            <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move { found.await.map(|r| match r {
                Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| found.refetch())/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="card" data-testid="proxy-none">{move || i18n.t(Key::ProxyNoResident)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="plain-list">
                        {list.into_iter().map(|r| {
                            let pick = r.clone();
                            view! {
                                <li><button type="button" class="button button-secondary button-block" data-testid="proxy-resident"
                                    on:click=move |_| chosen.set(Some(pick.clone()))>
                                    <span data-user-text>{r.name.clone()}</span>" · "<span class="muted" data-user-text>{r.address.clone()}</span>
                                </button></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }) })}
            </Transition>
        </Show>
    }
}

/// Everything one may do for the chosen resident.
#[component]
fn ProxyFor(resident: ResidentView, on_other: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rid = resident.id;
    let name = resident.name.clone();
    let kind = RwSignal::new(ProxyKind::Vote);
    let confirmation = RwSignal::new(None::<ConfirmMethod>);
    let notice = RwSignal::new(None::<String>);
    let send = Submit::new(move |act: ProxyAct| async move {
        let confirmation = confirmation.get_untracked().unwrap_or(ConfirmMethod::Oral);
        api::act_for(&ActFor {
            resident_id: rid,
            confirmation,
            act,
        })
        .await
    });
    let (error, errors, busy) = (send.error, send.errors, send.pending());
    let history = LocalResource::new(move || {
        send.version().track();
        api::proxy_actions_for(rid)
    });
    let items = LocalResource::new(move || {
        send.version().track();
        open_items()
    });
    let done_name = name.clone();
    Effect::new(move |_| {
        if send.version().get() > 0 && error.with(Option::is_none) {
            let lang = i18n.get();
            let what = history
                .get_untracked()
                .and_then(Result::ok)
                .and_then(|h| h.first().map(|a| a.kind))
                .unwrap_or(kind.get_untracked());
            notice.set(Some(i18n.fmt(
                Key::ProxyDone,
                &[("name", &done_name), ("what", what.text().get(lang))],
            )));
        }
    });
    let ready = move || confirmation.with(Option::is_some) && !busy.get();
    let act = move |a: ProxyAct| {
        notice.set(None);
        send.dispatch(a);
    };
    let vote_name = name.clone();
    let support_name = name.clone();

    view! {
        <section class="card" data-testid="proxy-for">
            <h2>{let n = name.clone(); move || i18n.fmt(Key::ProxyFor, &[("name", &n)])}</h2>
            <p class="muted" data-user-text>{resident.address.clone()}</p>
            <button type="button" class="button button-quiet" data-testid="proxy-other" on:click=move |_| on_other.run(())>{move || i18n.t(Key::ProxyOtherResident)}</button>
        </section>
        <Notice message=notice/>
        <FormError error testid="proxy-error" fields=errors/>
        <div class="card"><fieldset class="field">
            <legend>{move || i18n.t(Key::ProxyConfirmation)}</legend>
            <div class="choices choices-stacked">
                {CONFIRMATIONS.into_iter().map(|m| view! {
                    <label class="choice">
                        <input type="radio" name="proxy-confirmation" data-testid=format!("proxy-confirm-{}", m.as_str())
                            prop:checked=move || confirmation.get() == Some(m)
                            on:change=move |_| confirmation.set(Some(m))/>
                        {move || i18n.text(m.text())}
                    </label>
                }).collect_view()}
            </div>
        </fieldset></div>
        <div class="card"><fieldset class="field">
            <legend>{move || i18n.t(Key::ProxyWhat)}</legend>
            <div class="choices">
                {ProxyKind::ALL.into_iter().map(|k| view! {
                    <label class="choice">
                        <input type="radio" name="proxy-kind" data-testid=format!("proxy-kind-{}", k.as_str())
                            prop:checked=move || kind.get() == k on:change=move |_| kind.set(k)/>
                        {move || i18n.text(k.text())}
                    </label>
                }).collect_view()}
            </div>
        </fieldset></div>
        {move || match kind.get() {
            ProxyKind::Vote | ProxyKind::Support => {
                let voting = kind.get() == ProxyKind::Vote;
                let (vote_name, support_name) = (vote_name.clone(), support_name.clone());
                view! {
                    <Transition fallback=|| view! { <Loading/> }>
                        {move || items.get().map(|r| match r {
                            Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| items.refetch())/> }.into_any(),
                            Ok(list) => {
                                let rows: Vec<_> = list.into_iter().filter(|i| if voting {
                                    i.ballots.iter().any(|b| b.state == BallotState::Open)
                                } else {
                                    i.summary.stage == ItemStage::Gathering
                                }).collect();
                                if rows.is_empty() {
                                    return view! { <p class="card" data-testid="proxy-nothing">{move || i18n.t(Key::ProxyNothingOpen)}</p> }.into_any();
                                }
                                let (vote_name, support_name) = (vote_name.clone(), support_name.clone());
                                rows.into_iter().map(|item| {
                                    let item_id = item.summary.id;
                                    let (vote_name, support_name) = (vote_name.clone(), support_name.clone());
                                    view! {
                                        <section class="card" data-testid="proxy-item">
                                            <h3 data-user-text>{item.summary.title.clone()}</h3>
                                            {if voting {
                                                item.ballots.into_iter().filter(|b| b.state == BallotState::Open).map(|b| {
                                                    let bid = b.id;
                                                    let allowed = b.rules.proxy_allowed;
                                                    let n = vote_name.clone();
                                                    view! {
                                                        <div class="ballot" data-testid="proxy-ballot">
                                                            <p data-user-text>{b.question.clone()}</p>
                                                            {if allowed {
                                                                view! {
                                                                    <div class="vote-buttons" role="group" aria-label=move || i18n.fmt(Key::ProxyVoteFor, &[("name", &n)])>
                                                                        {Choice::ALL.into_iter().map(|c| view! {
                                                                            <button type="button" class=format!("button vote-button vote-{}", c.as_str())
                                                                                data-testid=format!("proxy-vote-{}", c.as_str()) disabled=move || !ready()
                                                                                on:click=move |_| act(ProxyAct::Vote { ballot_id: bid, answer: Answer::Decision { choice: c } })>
                                                                                {move || i18n.text(c.text())}
                                                                            </button>
                                                                        }).collect_view()}
                                                                    </div>
                                                                }.into_any()
                                                            } else {
                                                                view! { <p class="muted" data-testid="proxy-not-allowed">{move || i18n.t(Key::ProxyNotAllowed)}</p> }.into_any()
                                                            }}
                                                        </div>
                                                    }
                                                }).collect_view().into_any()
                                            } else {
                                                let n = support_name.clone();
                                                view! {
                                                    <button type="button" class="button button-primary" data-testid="proxy-support"
                                                        disabled=move || !ready()
                                                        on:click=move |_| act(ProxyAct::Support { item_id })>
                                                        {move || i18n.fmt(Key::ProxySupportFor, &[("name", &n)])}
                                                    </button>
                                                }.into_any()
                                            }}
                                        </section>
                                    }
                                }).collect_view().into_any()
                            }
                        })}
                    </Transition>
                }.into_any()
            }
            ProxyKind::Report => view! { <ReportForm household=resident.household_id ready send=act errors/> }.into_any(),
            ProxyKind::Letter => view! { <LetterForm ready send=act errors/> }.into_any(),
            ProxyKind::Errand => view! { <ErrandForm ready send=act errors/> }.into_any(),
        }}
        <section class="card" aria-labelledby="proxy-history-title">
            <h2 id="proxy-history-title">{move || i18n.t(Key::ProxyHistory)}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || history.get().map(|r| match r {
                    Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| history.refetch())/> }.into_any(),
                    Ok(list) => view! {
                        <ul class="plain-list" data-testid="proxy-history">
                            {list.into_iter().map(|a| view! { <ActLine act=a/> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ActLine(act: ProxyActionView) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, how) = (act.kind, act.confirmation);
    view! {
        <li data-testid="proxy-act">
            <When at=act.at/>" · "{move || i18n.text(kind.text())}" · "<span data-user-text>{act.summary.clone()}</span>
            " · "{move || i18n.text(how.text())}" · "<span data-user-text>{act.actor_name.clone()}</span>
        </li>
    }
}

#[component]
fn ReportForm(
    household: i64,
    #[prop(into)] ready: Signal<bool>,
    send: impl Fn(ProxyAct) + Copy + 'static,
    errors: RwSignal<Vec<shared::error::FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let meta = LocalResource::new(api::case_meta);
    let category = RwSignal::new(None::<i64>);
    let title = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send(ProxyAct::Report {
            case: CreateCase {
                title: title.get_untracked(),
                description: String::new(),
                category_id: category.get_untracked().unwrap_or(0),
                urgency: Urgency::Normal,
                source: Source::ResidentReport,
                place_id: household,
                lon: None,
                lat: None,
                reporter_hidden: false,
            },
        });
    };
    view! {
        <form class="card form" on:submit=submit data-testid="proxy-report">
            <label class="field">
                <span>{move || i18n.t(Key::ProxyReportCategory)}</span>
                <select data-testid="proxy-report-category" on:change=move |ev| category.set(event_target_value(&ev).parse().ok())>
                    <option value="">"—"</option>
                    {move || meta.get().and_then(Result::ok).map(|m| {
                        let lang = i18n.get();
                        m.categories.iter().filter(|c| c.active && c.parent_id.is_some()).map(|c| {
                            let label = crate::cases::category_label(Some(&m), c.id, lang);
                            view! { <option value=c.id.to_string()>{label}</option> }
                        }).collect_view()
                    })}
                </select>
            </label>
            <FieldErrorList errors field="act.case.category_id" id="proxy-report-category-error".to_string()/>
            <label class="field">
                <span>{move || i18n.t(Key::ProxyReportTitle)}</span>
                <input data-testid="proxy-report-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <FieldErrorList errors field="title" id="proxy-report-title-error".to_string()/>
            <button type="submit" class="button button-primary" data-testid="proxy-submit" disabled=move || !ready.get()>{move || i18n.t(Key::ProxySubmit)}</button>
        </form>
    }
}

#[component]
fn LetterForm(
    #[prop(into)] ready: Signal<bool>,
    send: impl Fn(ProxyAct) + Copy + 'static,
    errors: RwSignal<Vec<shared::error::FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send(ProxyAct::Letter {
            letter: LetterInput {
                subject: subject.get_untracked(),
                body: body.get_untracked(),
                private: true,
            },
        });
    };
    view! {
        <form class="card form" on:submit=submit data-testid="proxy-letter">
            <label class="field">
                <span>{move || i18n.t(Key::ProxySubject)}</span>
                <input data-testid="proxy-letter-subject" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))/>
            </label>
            <FieldErrorList errors field="subject" id="proxy-letter-subject-error".to_string()/>
            <label class="field">
                <span>{move || i18n.t(Key::ProxyBody)}</span>
                <textarea data-testid="proxy-letter-body" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </label>
            <FieldErrorList errors field="body" id="proxy-letter-body-error".to_string()/>
            <button type="submit" class="button button-primary" data-testid="proxy-submit" disabled=move || !ready.get()>{move || i18n.t(Key::ProxySubmit)}</button>
        </form>
    }
}

#[component]
fn ErrandForm(
    #[prop(into)] ready: Signal<bool>,
    send: impl Fn(ProxyAct) + Copy + 'static,
    errors: RwSignal<Vec<shared::error::FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errand_kind = RwSignal::new(ErrandKind::Medicine);
    let description = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send(ProxyAct::Errand {
            errand_kind: errand_kind.get_untracked(),
            description: description.get_untracked(),
            confirm_duplicate: false,
        });
    };
    view! {
        <form class="card form" on:submit=submit data-testid="proxy-errand">
            <label class="field">
                <span>{move || i18n.t(Key::ProxyErrandKind)}</span>
                <select data-testid="proxy-errand-kind" on:change=move |ev| {
                    if let Some(k) = ErrandKind::parse(&event_target_value(&ev)) { errand_kind.set(k) }
                }>
                    {ErrandKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || errand_kind.get() == k>{move || i18n.text(k.text())}</option>
                    }).collect_view()}
                </select>
            </label>
            <FieldErrorList errors field="act.errand_kind" id="proxy-errand-kind-error".to_string()/>
            <label class="field">
                <span>{move || i18n.t(Key::ProxyDescription)}</span>
                <input data-testid="proxy-errand-description" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/>
            </label>
            <FieldErrorList errors field="description" id="proxy-errand-description-error".to_string()/>
            <button type="submit" class="button button-primary" data-testid="proxy-submit" disabled=move || !ready.get()>{move || i18n.t(Key::ProxySubmit)}</button>
        </form>
    }
}

/// What others did on the signed-in resident's behalf and they have not read yet: shown on
/// their home page until they say they have read it.
#[component]
pub fn ProxyNotices() -> impl IntoView {
    let i18n = use_i18n();
    let notices = LocalResource::new(api::proxy_notices);
    let seen = Submit::new(move |ids: Vec<i64>| async move {
        api::proxy_notices_seen(ids).await?;
        notices.refetch();
        Ok(())
    });
    view! {
        {move || notices.get().and_then(Result::ok).filter(|n| !n.is_empty()).map(|list| {
            let ids: Vec<i64> = list.iter().map(|n| n.id).collect();
            view! {
                <section class="card alert alert-info proxy-notices" data-testid="proxy-notices" aria-labelledby="proxy-notices-title">
                    <h2 id="proxy-notices-title">{move || i18n.t(Key::ProxyNoticesTitle)}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|n| view! {
                            <li data-testid="proxy-notice">{move || n.notice(i18n.get())}</li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="button button-primary" data-testid="proxy-notices-seen"
                        on:click=move |_| seen.dispatch(ids.clone())>{move || i18n.t(Key::ProxyNoticesSeen)}</button>
                </section>
            }
        })}
    }
}
