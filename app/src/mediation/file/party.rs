//! One party of a file: who they are, their contact (revealed on request, audited), consent or
//! refusal with its note, the notice given, and the agreement's confirmation.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::error::FieldError;
use shared::mediation::{Access, Change, Confirm, ConfirmMethod, Consent, PartyView};

use super::FileCtx;
use crate::api::{self, ApiError};
use crate::i18n::{Key, Said, use_i18n};
use crate::submit::Submit;
use crate::ui::{FieldErrorList, FormError, When};
use shared::calendar::format_moment;

#[component]
pub(super) fn PartyCard(p: PartyView, file: FileCtx) -> impl IntoView {
    let i18n = use_i18n();
    let FileCtx {
        access,
        stage,
        runs,
        is_mediator,
        page,
    } = file;
    let saved = move || Said::new(Key::Saved);
    let pid = p.id;
    let revealed = RwSignal::new(None::<String>);
    let reveal_error = RwSignal::new(None::<ApiError>);
    let refusing = RwSignal::new(false);
    let refuse_note = RwSignal::new(String::new());
    let consent_error = RwSignal::new(None::<ApiError>);
    let consent_errors = RwSignal::new(Vec::<FieldError>::new());
    // Revealing the contact is an audited read: once per tap, the refusal shown on its own line.
    let reveal_contact = Submit::reporting_to(
        reveal_error,
        RwSignal::new(Vec::new()),
        move |()| async move {
            let c = api::party_contact(pid).await?;
            revealed.set(Some(c.phone.unwrap_or_default()));
            Ok(())
        },
    );
    let reveal = move |_| reveal_contact.dispatch(());
    let consent = page.change(
        consent_error,
        Some(consent_errors),
        saved,
        move |c: Consent| async move { api::set_consent(pid, &c).await },
    );
    let agree = move |_| {
        consent.dispatch(Consent {
            agreed: true,
            note: None,
        })
    };
    let refuse = move |ev: SubmitEvent| {
        ev.prevent_default();
        let note = refuse_note.get_untracked().trim().to_string();
        consent.dispatch(Consent {
            agreed: false,
            note: Some(note),
        })
    };
    let notify = page.change(consent_error, None, saved, move |()| async move {
        api::notify_party(pid).await
    });
    let give_notice = move |_| notify.dispatch(());
    let confirmation = page.change(
        consent_error,
        None,
        saved,
        move |method: ConfirmMethod| async move {
            api::confirm_agreement(pid, &Confirm { method }).await
        },
    );
    let confirm = move |method: ConfirmMethod| confirmation.dispatch(method);
    let consent_text = match (p.consent, p.consent_note.clone()) {
        (Some(true), _) => view! { <span class="badge badge-ok">{move || i18n.t(Key::MedConsentYes)}</span> }.into_any(),
        (Some(false), note) => view! { <span class="badge badge-danger">{move || i18n.fmt(Key::MedConsentNo, &[("note", note.as_deref().unwrap_or(""))])}</span> }.into_any(),
        (None, _) => view! { <span class="muted">{move || i18n.t(Key::MedConsentPending)}</span> }.into_any(),
    };
    let may_consent = runs && p.consent.is_none() && Change::Consent.allowed_in(stage);
    let may_notify = runs && p.notified_at.is_none() && stage.is_open();
    let may_confirm = is_mediator && p.confirmed_by.is_none() && Change::Confirm.allowed_in(stage);
    let masked = p.phone.clone();
    let id_masked = p.id_number.clone();
    let address = p.address.clone();
    view! {
        <li class="med-party" data-testid="med-party" data-party-id=pid data-side=p.side.as_str()>
            <p class="med-party-head">
                <span class="badge">{move || i18n.text(p.side.text())}</span>
                " "<strong data-testid="med-party-name-text" data-user-text>{p.name.clone()}</strong>
                {p.representative.clone().map(|r| view! { <span class="muted">" · "{move || i18n.t(Key::MedRepresentative)}{move || i18n.t(Key::MedColon)}{r.clone()}</span> })}
                {p.has_account.then(|| view! { <span class="muted">" · "{move || i18n.t(Key::MedHasAccount)}</span> })}
            </p>
            <dl class="facts med-party-facts">
                {masked.map(|m| view! {
                    <div><dt>{move || i18n.t(Key::MedPartyPhone)}</dt>
                        <dd>
                            <span class="mono" data-testid="med-party-phone-text">{move || revealed.get().unwrap_or_else(|| m.clone())}</span>
                            {(access >= Access::Office).then(|| view! {
                                {move || revealed.with(Option::is_none).then(|| view! {
                                    " "<button type="button" class="button button-quiet" data-testid="med-reveal" title=i18n.t(Key::RevealNote) on:click=reveal>{i18n.t(Key::MedReveal)}</button>
                                })}
                            })}
                            {move || reveal_error.get().map(|e| view! { <span class="field-error">{e.message(i18n.get())}</span> })}
                        </dd></div>
                })}
                {id_masked.map(|n| view! {
                    <div><dt>{move || i18n.t(Key::MedPartyIdNumber)}</dt><dd class="mono" data-testid="med-party-id-number-text">{n}</dd></div>
                })}
                {address.map(|a| view! {
                    <div><dt>{move || i18n.t(Key::MedPartyAddress)}</dt><dd data-testid="med-party-address-text">{a}</dd></div>
                })}
                <div><dt>{move || i18n.t(Key::MedConsent)}</dt><dd data-testid="med-consent">{consent_text}
                    {p.consent_at.map(|t| view! { <span class="muted">" "<When at=t/></span> })}</dd></div>
                <div><dt>{move || i18n.t(Key::MedNotice)}</dt><dd data-testid="med-notice">
                    {match p.notified_at {
                        Some(t) => view! { <span>{move || i18n.fmt(Key::MedNoticeGiven, &[("time", &format_moment(t))])}</span> }.into_any(),
                        None => view! { <span class="muted">{move || i18n.t(Key::MedNoticeNotYet)}</span> }.into_any(),
                    }}</dd></div>
                {p.confirmed_by.map(|m| view! {
                    <div><dt>{move || i18n.t(Key::MedConfirmation)}</dt><dd data-testid="med-confirmed">
                        {move || i18n.text(m.text())}{p.confirmed_at.map(|t| format!(" {}", format_moment(t)))}</dd></div>
                })}
            </dl>
            <FormError error=consent_error fields=consent_errors testid="med-party-error"/>
            {(may_consent || may_notify || may_confirm).then(|| view! {
                <div class="actions">
                    {may_consent.then(|| view! {
                        <button type="button" class="button button-primary" data-testid="med-consent-agree" on:click=agree>{move || i18n.t(Key::MedAgree)}</button>
                        <button type="button" class="button button-secondary" data-testid="med-consent-refuse"
                            aria-expanded=move || refusing.get().to_string() on:click=move |_| refusing.update(|r| *r = !*r)>{move || i18n.t(Key::MedRefuse)}</button>
                    })}
                    {may_notify.then(|| view! {
                        <button type="button" class="button button-secondary" data-testid="med-give-notice" on:click=give_notice>{move || i18n.t(Key::MedGiveNotice)}</button>
                    })}
                    {may_confirm.then(|| view! {
                        {[ConfirmMethod::Signature, ConfirmMethod::Thumbprint].into_iter().map(|m| view! {
                            <button type="button" class="button button-primary" data-testid=format!("med-confirm-{}", m.as_str())
                                on:click=move |_| confirm(m)>
                                {move || i18n.fmt(Key::MedConfirmBy, &[("method", i18n.text(m.text()))])}
                            </button>
                        }).collect_view()}
                    })}
                </div>
            })}
            {move || refusing.get().then(|| view! {
                <form class="med-inline-form" data-testid="med-refuse-form" on:submit=refuse>
                    <p class="hint">{i18n.t(Key::MedRefuseWarn)}</p>
                    <div class="field">
                        <label for=format!("med-refuse-{pid}")>{i18n.t(Key::MedRefuseReason)}</label>
                        <textarea id=format!("med-refuse-{pid}") rows="3" maxlength="1000" data-testid="med-refuse-note" bind:value=refuse_note></textarea>
                        <FieldErrorList errors=consent_errors field="note" id=format!("med-refuse-{pid}-error")/>
                    </div>
                    <div class="actions"><button type="submit" class="button button-primary" data-testid="med-refuse-submit">{i18n.t(Key::MedRefuse)}</button></div>
                </form>
            })}
        </li>
    }
}
