//! "代理代办 / Errands": what the user may see (their own, those they run, their grids'), each
//! with exactly the steps the server says they may take now (`ErrandView::steps`, computed by
//! `shared::care::errand_steps`). The server stays the judge; its refusals are shown as sent.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::care::{ErrandMove, ErrandStatus, ErrandStep, ErrandView};

use super::{CareTabs, fmt_yuan, parse_yuan};
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::offline::outbox::{self, Item, Sent};
use crate::offline::page::KeptNotice;
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, local_error};
use shared::calendar::format_moment;

#[component]
pub fn ErrandsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::CareErrandsTitle), i18n.get()));
    let list = LocalResource::new(api::errands);
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::CareErrandsTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::CareErrandsIntro)}</p>
        </div>
        <CareTabs/>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! {
                <p class="empty card" data-testid="errands-empty">{i18n.t(Key::CareErrandsEmpty)}</p>
            }.into_any(),
            Some(Ok(items)) => view! {
                <ul class="cards errand-cards" data-testid="errand-list">
                    {items.into_iter().map(|e| view! { <li><ErrandCard errand=e show_resident=true/></li> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

fn status_slug(s: ErrandStatus) -> &'static str {
    s.as_str()
}

/// One errand with the steps its reader may take; it updates itself from the server's answer.
#[component]
pub fn ErrandCard(
    errand: ErrandView,
    #[prop(optional)] show_resident: bool,
    /// Told after each step the server accepted.
    #[prop(optional)]
    on_changed: Option<Callback<ErrandView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let e = RwSignal::new(errand);
    let completing = RwSignal::new(false);
    let cancelling = RwSignal::new(false);
    let amount = RwSignal::new(String::new());
    let receipt = RwSignal::new(String::new());
    let id = e.with_untracked(|e| e.id);
    // The step was kept in the outbox (no signal).
    let kept = RwSignal::new(false);

    let step = Submit::new(move |mv: ErrandMove| async move {
        let label =
            e.with_untracked(|e| format!("{} · {}", i18n.text(mv.step.text()), e.resident_name));
        match outbox::send::<ErrandView>(Item::errand_step(id, &mv, label), Vec::new()).await {
            Ok(Sent::Kept) => {
                completing.set(false);
                cancelling.set(false);
                kept.set(true);
                Ok(())
            }
            Ok(Sent::Now(next)) => {
                completing.set(false);
                cancelling.set(false);
                e.set(next.clone());
                if let Some(cb) = on_changed {
                    cb.run(next);
                }
                Ok(())
            }
            Err(err) => {
                // A stale card: show the errand as it is now, with the server's reason.
                if let Some(current) = err.current::<ErrandView>() {
                    e.set(current);
                }
                Err(err)
            }
        }
    });
    let (error, errors, busy) = (step.error, step.errors, step.pending());
    let send = move |mv: ErrandMove| step.dispatch(mv);
    let simple = move |step: ErrandStep| {
        send(ErrandMove {
            step,
            version: e.with_untracked(|e| e.version),
            amount_fen: None,
            receipt: None,
            note: None,
        })
    };
    let complete = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = amount.get_untracked();
        let amount_fen = if typed.trim().is_empty() {
            None
        } else {
            match parse_yuan(&typed) {
                Some(f) => Some(f),
                None => {
                    errors.set(vec![local_error(
                        "amount_fen",
                        shared::error::FieldErrorCode::InvalidFormat,
                    )]);
                    return;
                }
            }
        };
        let r = receipt.get_untracked().trim().to_string();
        send(ErrandMove {
            step: ErrandStep::Complete,
            version: e.with_untracked(|e| e.version),
            amount_fen,
            receipt: (!r.is_empty()).then_some(r),
            note: None,
        });
    };
    let amount_id = format!("errand-{id}-amount");
    let receipt_id = format!("errand-{id}-receipt");
    let invalid_amount = move || errors.with(|x| x.iter().any(|f| f.field == "amount_fen"));

    view! {
        <article class="card errand-card" id=format!("errand-{id}") data-testid="errand"
            data-status=move || status_slug(e.with(|e| e.status))
            data-resident=move || e.with(|e| e.resident_name.clone())>
            <div class="errand-head">
                <h3 class="errand-title">
                    {move || i18n.text(e.with(|e| e.kind).text())}
                    {show_resident.then(|| view! { <span class="errand-for">" · "<span data-user-text>{move || e.with(|e| e.resident_name.clone())}</span></span> })}
                </h3>
                <span class=move || format!("badge errand-status status-{}", status_slug(e.with(|e| e.status))) data-testid="errand-status">
                    {move || i18n.text(e.with(|e| e.status).text())}
                </span>
            </div>
            <p class="errand-description" data-user-text>{move || e.with(|e| e.description.clone())}</p>
            <dl class="facts errand-facts">
                {move || e.with(|e| e.helper_name.clone()).map(|h| view! {
                    <div><dt>{i18n.t(Key::ErrandHelper)}</dt><dd data-testid="errand-helper">{h}</dd></div>
                })}
                {move || e.with(|e| e.amount_fen).map(|a| view! {
                    <div><dt>{i18n.t(Key::ErrandAmount)}</dt><dd data-testid="errand-amount">{fmt_yuan(a)}</dd></div>
                })}
                {move || e.with(|e| e.receipt.clone()).map(|r| view! {
                    <div><dt>{i18n.t(Key::ErrandReceipt)}</dt><dd data-testid="errand-receipt">{r}</dd></div>
                })}
                {move || e.with(|e| e.confirmed_by_name.clone()).map(|c| view! {
                    <div><dt>{i18n.t(Key::ErrandConfirmedBy)}</dt><dd data-testid="errand-confirmed-by">{c}</dd></div>
                })}
                <div><dt>{move || i18n.t(Key::ErrandUpdated)}</dt><dd>{move || format_moment(e.with(|e| e.updated_at))}</dd></div>
            </dl>
            <FormError error testid="errand-error"/>
            <KeptNotice kept/>
            // Done, and this reader may not confirm it (whoever ran it may not: `errand_step`):
            // say who does, rather than leave a card with nothing to do.
            {move || e.with(|e| e.status == ErrandStatus::Done && !e.steps.contains(&ErrandStep::Confirm)).then(|| view! {
                <p class="hint errand-awaits" data-testid="errand-awaits">{i18n.t(Key::ErrandAwaitsConfirmation)}</p>
            })}
            // A step kept in the outbox: no further step on this card until it is sent.
            {move || (!completing.get() && !cancelling.get() && !kept.get()).then(|| {
                let steps = e.with(|e| e.steps.clone());
                (!steps.is_empty()).then(|| view! {
                    <div class="errand-steps">
                        {steps.into_iter().map(|s| {
                            let class = match s {
                                ErrandStep::Cancel => "button button-danger-quiet",
                                ErrandStep::Accept | ErrandStep::Confirm => "button button-primary",
                                ErrandStep::Complete => "button button-primary",
                            };
                            view! {
                                <button type="button" class=class data-testid=format!("errand-{}", s.as_str())
                                    disabled=move || busy.get()
                                    on:click=move |_| match s {
                                        ErrandStep::Complete => completing.set(true),
                                        ErrandStep::Cancel => cancelling.set(true),
                                        _ => simple(s),
                                    }>
                                    {move || i18n.text(s.text())}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                })
            })}
            {move || cancelling.get().then(|| view! {
                <div class="errand-confirm" role="group">
                    <p>{i18n.t(Key::ErrandCancelQuestion)}</p>
                    <div class="errand-steps">
                        <button type="button" class="button button-danger" data-testid="errand-cancel-yes" disabled=move || busy.get()
                            on:click=move |_| simple(ErrandStep::Cancel)>{i18n.t(Key::ErrandCancelYes)}</button>
                        <button type="button" class="button button-quiet" on:click=move |_| cancelling.set(false)>{i18n.t(Key::Cancel)}</button>
                    </div>
                </div>
            })}
            {move || completing.get().then(|| view! {
                <form class="errand-complete" on:submit=complete novalidate data-testid="errand-complete-form">
                    <div class="field" class:field-invalid=invalid_amount>
                        <label for=amount_id.clone()>{i18n.t(Key::ErrandAmountYuan)}
                            <span class="optional">{format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <input id=amount_id.clone() type="text" inputmode="decimal" autocomplete="off" data-testid="errand-amount-input"
                            aria-invalid=move || invalid_amount().to_string() bind:value=amount/>
                        <FieldErrorList errors field="amount_fen" id=format!("{amount_id}-error")/>
                    </div>
                    <div class="field">
                        <label for=receipt_id.clone()>{i18n.t(Key::ErrandReceipt)}
                            <span class="optional">{format!(" ({})", i18n.t(Key::Optional))}</span></label>
                        <p class="hint">{i18n.t(Key::ErrandReceiptHint)}</p>
                        <input id=receipt_id.clone() type="text" maxlength="500" autocomplete="off" data-testid="errand-receipt-input" bind:value=receipt/>
                        <FieldErrorList errors field="receipt" id=format!("{receipt_id}-error")/>
                    </div>
                    <div class="errand-steps">
                        <button type="submit" class="button button-primary" data-testid="errand-complete-submit" disabled=move || busy.get()>
                            {i18n.text(ErrandStep::Complete.text())}
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| completing.set(false)>{i18n.t(Key::Cancel)}</button>
                    </div>
                </form>
            })}
        </article>
    }
}
