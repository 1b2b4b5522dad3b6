//! 书记信箱 (the secretary's mailbox): anyone writes to the community party secretary, privately
//! if they wish; they see their letters with the answer and, when a letter became a case, the
//! case's stage. The secretary (and, for letters that are not private, the office) answers,
//! optionally turning the letter into a case. Answered public letters are shown without names.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::care::{LetterAnswer, LetterInput, LetterStatus, LetterView};

use super::{CategoryPicker, clear_on_change, local_errors};
use crate::api;
use crate::cases::StageBadge;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, When, focus_first_invalid,
};
use shared::calendar::format_moment;

#[component]
pub fn MailboxPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::MailboxTitle), i18n.get()));
    let letters = LocalResource::new(api::letters);
    let notice = RwSignal::new(None::<String>);
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::MailboxTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::MailboxIntro)}</p>
        </div>
        <Notice message=notice/>
        <WriteLetter on_sent=Callback::new(move |_| {
            notice.set(Some(i18n.t(Key::MailboxSent).to_string()));
            letters.refetch();
        })/>
        {move || match letters.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| letters.refetch())/> }.into_any(),
            Some(Ok(all)) => {
                let (mine, others): (Vec<LetterView>, Vec<LetterView>) = all.into_iter().partition(|l| l.mine);
                let (to_answer, public): (Vec<LetterView>, Vec<LetterView>) =
                    others.into_iter().partition(|l| l.may_answer && l.status == LetterStatus::Open);
                let reload = Callback::new(move |_| letters.refetch());
                view! {
                    {(!to_answer.is_empty()).then(|| view! {
                        <section aria-labelledby="to-answer-title" data-testid="letters-to-answer">
                            <h2 id="to-answer-title">{i18n.t(Key::MailboxToAnswer)}</h2>
                            <ul class="letter-list">
                                {to_answer.into_iter().map(|l| view! { <li><LetterCard letter=l reload/></li> }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <section aria-labelledby="mine-title" data-testid="my-letters">
                        <h2 id="mine-title">{i18n.t(Key::MailboxMine)}</h2>
                        {if mine.is_empty() {
                            view! { <p class="empty">{i18n.t(Key::MailboxNoneMine)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="letter-list">
                                    {mine.into_iter().map(|l| view! { <li><LetterCard letter=l reload/></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="public-title" data-testid="public-letters">
                        <h2 id="public-title">{i18n.t(Key::MailboxPublic)}</h2>
                        {if public.is_empty() {
                            view! { <p class="empty">{i18n.t(Key::MailboxNonePublic)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="letter-list">
                                    {public.into_iter().map(|l| view! { <li><LetterCard letter=l reload/></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any()
            }
        }}
    }
}

#[component]
fn WriteLetter(on_sent: Callback<LetterView>) -> impl IntoView {
    let i18n = use_i18n();
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    // Private unless the writer opens it to the office: the page promises the secretary's own answer.
    let private = RwSignal::new(true);
    let send = Submit::new(move |input: LetterInput| async move {
        let letter = api::write_letter(&input).await?;
        subject.set(String::new());
        body.set(String::new());
        private.set(true);
        on_sent.run(letter);
        Ok(())
    })
    .focusing_invalid();
    let (error, errors, sending) = (send.error, send.errors, send.pending());
    let invalid_body = move || errors.with(|e| e.iter().any(|x| x.field == "body"));
    clear_on_change(subject, errors, "subject");
    clear_on_change(body, errors, "body");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let input = LetterInput {
            subject: subject.get_untracked(),
            body: body.get_untracked(),
            private: private.get_untracked(),
        };
        if let Err(errs) = input.validate() {
            errors.set(local_errors(errs));
            focus_first_invalid();
            return;
        }
        send.dispatch(input);
    };
    view! {
        <form class="card form letter-form" on:submit=submit novalidate data-testid="letter-form">
            <h2>{move || i18n.t(Key::MailboxWrite)}</h2>
            <FormError error fields=errors/>
            <TextField id="letter-subject" label=Key::MailboxSubject value=subject errors field="subject" required=true/>
            <div class="field" class:field-invalid=invalid_body>
                <label for="letter-body">{move || i18n.t(Key::MailboxBody)}</label>
                <textarea id="letter-body" rows="5" maxlength="4000" data-testid="letter-body"
                    aria-invalid=move || invalid_body().to_string() bind:value=body></textarea>
                <FieldErrorList errors field="body" id="letter-body-error".to_string()/>
            </div>
            <div class="field">
                <label class="choice">
                    <input type="checkbox" data-testid="letter-private" aria-describedby="letter-private-hint"
                        prop:checked=move || private.get() on:change=move |ev| private.set(event_target_checked(&ev))/>
                    {move || i18n.t(Key::MailboxPrivate)}
                </label>
                <p class="hint" id="letter-private-hint">{move || i18n.t(Key::MailboxPrivateHint)}</p>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="letter-submit" disabled=move || sending.get()>
                    {move || i18n.t(Key::MailboxSend)}
                </button>
            </div>
        </form>
    }
}

#[component]
fn LetterCard(letter: LetterView, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let l = letter;
    let status = l.status;
    let answering = l.may_answer && l.status == LetterStatus::Open;
    view! {
        <article class="card letter" id=format!("letter-{}", l.id) data-testid="letter" data-subject=l.subject.clone()>
            <div class="errand-head">
                <h3 class="letter-subject" data-user-text>{l.subject.clone()}</h3>
                <span class="badge" data-testid="letter-status">{move || i18n.text(status.text())}</span>
            </div>
            <p class="letter-meta muted">
                <When at=l.created_at/>
                {l.writer_name.clone().map(|w| view! { " · "<span data-user-text>{w}</span> })}
                {l.private.then(|| view! { " · "<span class="badge badge-warn" data-testid="letter-private-mark">{move || i18n.t(Key::MailboxPrivateMark)}</span> })}
            </p>
            <p class="letter-body" data-user-text>{l.body.clone()}</p>
            {l.answer.clone().map(|a| view! {
                <div class="letter-answer" data-testid="letter-answer">
                    <p class="muted">{move || i18n.t(Key::MailboxAnswer)}
                        {l.answered_by.clone().map(|b| format!(" · {b}"))}
                        {l.answered_at.map(|t| format!(" · {}", format_moment(t)))}</p>
                    <p>{a}</p>
                </div>
            })}
            {l.case_id.map(|id| {
                let number = l.case_number.clone().unwrap_or_else(|| format!("#{id}"));
                view! {
                    <p class="letter-case" data-testid="letter-case">
                        {move || i18n.t(Key::MailboxCase)}": "
                        <a href=format!("/cases/{id}")>{number}</a>" "
                        {l.case_stage.map(|s| view! { <StageBadge stage=s/> })}
                    </p>
                }
            })}
            {answering.then(|| view! { <AnswerForm id=l.id version=l.version reload/> })}
        </article>
    }
}

#[component]
fn AnswerForm(id: i64, version: i64, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let to_case = RwSignal::new(false);
    let category = RwSignal::new(None::<i64>);
    let send = Submit::new(move |input: LetterAnswer| async move {
        api::answer_letter(id, &input).await?;
        reload.run(());
        Ok(())
    });
    let (error, errors, sending) = (send.error, send.errors, send.pending());
    let meta = LocalResource::new(api::case_meta);
    let text_id = format!("answer-{id}");
    let invalid = move || errors.with(|e| e.iter().any(|x| x.field == "text"));
    clear_on_change(text, errors, "text");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let t = text.get_untracked().trim().to_string();
        let mut local = Vec::new();
        if t.is_empty() {
            local.push(crate::ui::local_error(
                "text",
                shared::error::FieldErrorCode::Required,
            ));
        }
        let case_category_id = if to_case.get_untracked() {
            match category.get_untracked() {
                Some(c) => Some(c),
                None => {
                    local.push(crate::ui::local_error(
                        "case_category_id",
                        shared::error::FieldErrorCode::Required,
                    ));
                    None
                }
            }
        } else {
            None
        };
        if !local.is_empty() {
            errors.set(local);
            focus_first_invalid();
            return;
        }
        send.dispatch(LetterAnswer {
            text: t,
            version,
            case_category_id,
        });
    };
    view! {
        <form class="answer-form" on:submit=submit novalidate data-testid="answer-form">
            <FormError error fields=errors/>
            <div class="field" class:field-invalid=invalid>
                <label for=text_id.clone()>{move || i18n.t(Key::MailboxAnswerLabel)}</label>
                <textarea id=text_id.clone() rows="3" maxlength="4000" data-testid="answer-text"
                    aria-invalid=move || invalid().to_string() bind:value=text></textarea>
                <FieldErrorList errors field="text" id=format!("{text_id}-error")/>
            </div>
            <div class="field">
                <label class="choice">
                    <input type="checkbox" data-testid="answer-to-case" prop:checked=move || to_case.get()
                        on:change=move |ev| to_case.set(event_target_checked(&ev))/>
                    {move || i18n.t(Key::MailboxToCase)}
                </label>
            </div>
            <Show when=move || to_case.get()>
                <CategoryPicker id="answer-case" meta category errors field="case_category_id"/>
            </Show>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="answer-submit" disabled=move || sending.get()>
                    {move || i18n.t(Key::MailboxReply)}
                </button>
            </div>
        </form>
    }
}
