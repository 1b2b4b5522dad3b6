//! 督办 (directives): the list page (the office all, filtered by state and overdue; everyone
//! else what is addressed to them), the directives on a subject — a case, a decided council
//! item, a mediation agreement's terms — with the issue form, and the small 督办 badge of a
//! board card. Each directive offers exactly the server's `legal_steps`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::accounts::{Permission, Person, Work};
use shared::directives::{
    DirectiveState, DirectiveStep, DirectiveSubject, DirectiveView, IssueDirective, TakeStep,
    may_issue,
};
use shared::error::{ErrorCode, FieldError};

use crate::accounts::{PersonPicker, RequirePermission, use_session};
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, When};

fn step_slug(s: DirectiveStep) -> &'static str {
    s.as_str()
}

/// The list page `/directives`.
#[component]
pub fn DirectivesPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::DirectivesTitle), i18n.get()));
    view! {
        <RequirePermission permission=Permission::FollowDirectives>
            <DirectivesList/>
        </RequirePermission>
    }
}

#[component]
fn DirectivesList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let office = session.principal().is_some_and(|p| may_issue(&p));
    let mine = RwSignal::new(!office);
    let overdue = RwSignal::new(false);
    let state = RwSignal::new(None::<DirectiveState>);
    let notice = RwSignal::new(None::<String>);
    let list = LocalResource::new(move || {
        let mut q = vec!["limit=200".to_string()];
        if mine.get() {
            q.push("mine=true".into());
        }
        if overdue.get() {
            q.push("overdue=true".into());
        }
        if let Some(s) = state.get() {
            q.push(format!("state={}", s.as_str()));
        }
        async move { api::directives(&q.join("&")).await }
    });
    view! {
        <div class="page-head section-head">
            <h1>{move || i18n.t(Key::DirectivesTitle)}</h1>
            {session.may(Permission::DecideCaseRequests).then(|| view! {
                <a class="button button-quiet" href="/approvals" data-testid="to-ledger">{move || i18n.t(Key::NavLedger)}</a>
            })}
        </div>
        <Notice message=notice/>
        <div class="filters" role="group" aria-label=move || i18n.t(Key::DirectivesTitle)>
            {office.then(|| view! {
                <label class="choice"><input type="checkbox" data-testid="directives-mine" prop:checked=move || mine.get()
                    on:change=move |ev| mine.set(event_target_checked(&ev))/>{move || i18n.t(Key::DirectivesMine)}</label>
            })}
            <label class="choice"><input type="checkbox" data-testid="directives-overdue" prop:checked=move || overdue.get()
                on:change=move |ev| overdue.set(event_target_checked(&ev))/>{move || i18n.t(Key::DirectivesOverdueOnly)}</label>
            <label class="field-inline">{move || i18n.t(Key::DirectiveStateFilter)}" "
                <select data-testid="directives-state" on:change=move |ev| state.set(DirectiveState::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t(Key::DirectivesAll)}</option>
                    {DirectiveState::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || i18n.text(s.text())}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <Transition fallback=|| view! { <Loading/> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <p class="empty" data-testid="no-directives">{move || i18n.t(Key::DirectivesNone)}</p> }.into_any(),
                Ok(page) => view! {
                    <ul class="directive-list" data-testid="directives">
                        {page.items.into_iter().map(|d| view! {
                            <li><DirectiveCard directive=d show_case=true notice on_change=Callback::new(move |_| list.refetch())/></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Transition>
    }
}

/// One directive: what, by when, for whom, its state and the steps the reader may take.
#[component]
fn DirectiveCard(
    directive: DirectiveView,
    show_case: bool,
    notice: RwSignal<Option<String>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = RwSignal::new(directive);
    let open = RwSignal::new(None::<DirectiveStep>);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    let send = move |step: DirectiveStep| {
        if busy.get_untracked() {
            return;
        }
        let n = note.get_untracked().trim().to_string();
        let (id, version) = d.with_untracked(|d| (d.id, d.version));
        let input = TakeStep {
            step,
            version,
            note: (!n.is_empty()).then_some(n),
        };
        if let Err(errs) = input.validate() {
            errors.set(
                errs.0
                    .into_iter()
                    .map(|(field, code)| FieldError {
                        field,
                        code,
                        message: String::new(),
                    })
                    .collect(),
            );
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::directive_step(id, &input).await {
                Ok(v) => {
                    open.set(None);
                    note.set(String::new());
                    errors.set(Vec::new());
                    error.set(None);
                    notice.set(Some(i18n.fmt(
                        Key::DirectiveStepDone,
                        &[("step", step.text().get(i18n.lang.get_untracked()))],
                    )));
                    d.set(v);
                    on_change.run(());
                }
                Err(e) if e.is(ErrorCode::VersionConflict) => {
                    if let Some(current) = e.current::<DirectiveView>() {
                        d.set(current);
                    }
                    open.set(None);
                    notice.set(Some(i18n.t(Key::DirectiveChanged).to_string()));
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let click = move |step: DirectiveStep| {
        if step.needs_note() {
            open.set(Some(step));
        } else {
            send(step);
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(step) = open.get_untracked() {
            send(step);
        }
    };
    move || {
        let v = d.get();
        let state = v.state;
        view! {
            <article class="card directive" class:is-overdue=v.overdue data-testid="directive" data-state=state.as_str() data-id=v.id>
                <p class="directive-head">
                    <span class="badge badge-directive">{move || i18n.t(Key::DirectiveBadge)}</span>
                    <span class="badge" data-testid="directive-state">{move || i18n.text(state.text())}</span>
                    {v.overdue.then(|| view! { <span class="badge badge-danger" data-testid="directive-overdue">{move || i18n.t(Key::Overdue)}</span> })}
                    {show_case.then(|| view! {
                        <a class="case-link" href=v.subject_href.clone() data-testid="directive-subject">
                            {(!matches!(v.subject, DirectiveSubject::Case { .. })).then(|| {
                                let kind = v.subject.text();
                                view! { <span class="muted">{move || i18n.text(kind)}" "</span> }
                            })}
                            <span class="mono">{v.subject_number.clone()}</span>" "<span data-user-text>{v.subject_title.clone()}</span></a>
                    })}
                </p>
                <p class="directive-instruction" data-testid="directive-instruction" data-user-text>{v.instruction.clone()}</p>
                <dl class="facts facts-compact">
                    <div><dt>{move || i18n.t(Key::DirectiveDeadline)}</dt><dd><When at=v.deadline_at/></dd></div>
                    <div><dt>{move || i18n.t(Key::DirectiveAddressee)}</dt><dd data-user-text>{v.addressee_name.clone()}</dd></div>
                    <div><dt>{move || i18n.t(Key::DirectiveFrom)}</dt><dd data-user-text>{v.issuer_name.clone()}</dd></div>
                </dl>
                {(!v.legal_steps.is_empty()).then(|| view! {
                    <div class="actions">
                        {v.legal_steps.iter().map(|s| {
                            let s = *s;
                            view! {
                                <button type="button" class=if s.needs_note() { "button button-secondary" } else { "button button-primary" }
                                    data-testid=format!("directive-{}", step_slug(s))
                                    aria-expanded=move || s.needs_note().then(|| (open.get() == Some(s)).to_string())
                                    disabled=move || busy.get()
                                    on:click=move |_| click(s)>{move || i18n.text(s.text())}</button>
                            }
                        }).collect_view()}
                    </div>
                })}
                {move || open.get().map(|s| view! {
                    <form class="stack" data-testid="directive-step-form" on:submit=submit>
                        <div class="field">
                            <label for=format!("directive-note-{}", v.id)>{move || i18n.t(Key::DirectiveNote)}</label>
                            <textarea id=format!("directive-note-{}", v.id) data-testid="directive-note" rows="2" bind:value=note></textarea>
                            <FieldErrorList errors field="note" id=format!("directive-note-error-{}", v.id)/>
                        </div>
                        <button type="submit" class="button button-primary" data-testid="directive-step-submit" disabled=move || busy.get()>
                            {move || i18n.text(s.text())}</button>
                    </form>
                })}
                <FormError error testid="directive-error"/>
            </article>
        }
    }
}

/// The directives on one case, and for the office the form to issue one.
#[component]
pub fn CaseDirectives(case_id: i64, grid_id: Option<i64>, open_case: bool) -> impl IntoView {
    view! {
        <SubjectDirectives query=format!("case_id={case_id}") title=Key::DirectivesOnCase
            subjects=if open_case { vec![(DirectiveSubject::Case { id: case_id }, String::new())] } else { Vec::new() }
            grid_id work=Work::CaseAssignee/>
    }
}

/// The directives on a decided council item (its 落实), and the form to issue one while there
/// is something to carry out.
#[component]
pub fn CouncilItemDirectives(item_id: i64, grid_id: Option<i64>, decided: bool) -> impl IntoView {
    view! {
        <SubjectDirectives query=format!("council_item_id={item_id}") title=Key::DirectivesOnDecision
            subjects=if decided { vec![(DirectiveSubject::CouncilItem { id: item_id }, String::new())] } else { Vec::new() }
            grid_id work=Work::CaseAssignee/>
    }
}

/// The directives on a mediation agreement's terms (their 履行), and the form to issue one on
/// a term not yet performed (`open_terms`: id and text), addressed to a mediator.
#[component]
pub fn AgreementDirectives(
    file_id: i64,
    grid_id: Option<i64>,
    open_terms: Vec<(i64, String)>,
) -> impl IntoView {
    let subjects = open_terms
        .into_iter()
        .map(|(id, text)| (DirectiveSubject::AgreementTerm { id }, text))
        .collect();
    view! {
        <SubjectDirectives query=format!("mediation_file_id={file_id}") title=Key::DirectivesOnTerms
            subjects grid_id work=Work::Mediator/>
    }
}

/// The directives a query finds, and for the office the form to issue one on one of
/// `subjects` (none: nothing left to carry out, no form). Several subjects (the terms of an
/// agreement) are chosen between by their label.
#[component]
fn SubjectDirectives(
    query: String,
    title: Key,
    subjects: Vec<(DirectiveSubject, String)>,
    grid_id: Option<i64>,
    work: Work,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_follow = session.may(Permission::FollowDirectives);
    let office = session.principal().is_some_and(|p| may_issue(&p));
    let notice = RwSignal::new(None::<String>);
    let list = LocalResource::new(move || {
        let query = query.clone();
        async move {
            if may_follow {
                api::directives(&query).await.map(|p| p.items)
            } else {
                Ok(Vec::new())
            }
        }
    });
    let show_form = RwSignal::new(false);
    let may_issue_here = office && !subjects.is_empty();
    move || {
        let subjects = subjects.clone();
        (may_follow).then(|| view! {
            <section class="card" aria-labelledby="case-directives-title" data-testid="case-directives">
                <div class="section-head">
                    <h2 id="case-directives-title">{move || i18n.t(title)}</h2>
                    {may_issue_here.then(|| view! {
                        <button type="button" class="button button-secondary" data-testid="directive-new"
                            aria-expanded=move || show_form.get().to_string()
                            on:click=move |_| show_form.update(|v| *v = !*v)>{move || i18n.t(Key::DirectiveIssueTitle)}</button>
                    })}
                </div>
                <Notice message=notice/>
                {move || show_form.get().then(|| view! {
                    <IssueForm subjects=subjects.clone() grid_id work on_done=Callback::new(move |_| {
                        show_form.set(false);
                        notice.set(Some(i18n.t(Key::DirectiveIssued).to_string()));
                        list.refetch();
                    })/>
                })}
                <Transition fallback=|| view! { <Loading/> }>
                    {move || list.get().map(|r| match r {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted" data-testid="no-directives">{move || i18n.t(Key::DirectivesNone)}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="directive-list">
                                {items.into_iter().map(|d| view! {
                                    <li><DirectiveCard directive=d show_case=false notice on_change=Callback::new(|_| {})/></li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    })}
                </Transition>
            </section>
        })
    }
}

#[component]
fn IssueForm(
    subjects: Vec<(DirectiveSubject, String)>,
    grid_id: Option<i64>,
    work: Work,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choose = subjects.len() > 1;
    let subject = RwSignal::new(subjects[0].0);
    let instruction = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let addressee = RwSignal::new(None::<Person>);
    let error = RwSignal::new(None::<ApiError>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    let invalid =
        move |f: &'static str| move || errors.with(|e| e.iter().any(|x| x.field == f)).to_string();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut local = Vec::new();
        let deadline = crate::cases::parse_day(&day.get_untracked());
        if deadline.is_none() {
            local.push(FieldError {
                field: "deadline_at".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            });
        }
        let Some(who) = addressee.get_untracked() else {
            local.push(FieldError {
                field: "addressee_id".into(),
                code: shared::error::FieldErrorCode::Required,
                message: String::new(),
            });
            errors.set(local);
            crate::ui::focus_first_invalid();
            return;
        };
        let Some(deadline_at) = deadline else {
            errors.set(local);
            crate::ui::focus_first_invalid();
            return;
        };
        let input = IssueDirective {
            instruction: instruction.get_untracked(),
            deadline_at,
            addressee_id: who.user_id,
        };
        if let Err(errs) = input.validate(crate::clock::now()) {
            errors.set(
                errs.0
                    .into_iter()
                    .map(|(field, code)| FieldError {
                        field,
                        code,
                        message: String::new(),
                    })
                    .collect(),
            );
            crate::ui::focus_first_invalid();
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            match api::issue_directive(subject.get_untracked(), &input).await {
                Ok(_) => on_done.run(()),
                Err(e) => {
                    errors.set(e.field_errors());
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="stack" data-testid="directive-form" on:submit=submit novalidate>
            {choose.then(|| view! {
                <div class="field">
                    <label for="directive-subject">{move || i18n.t(Key::DirectiveTerm)}</label>
                    <select id="directive-subject" data-testid="directive-subject-choice"
                        on:change=move |ev| {
                            let id = event_target_value(&ev).parse().unwrap_or_default();
                            subject.set(DirectiveSubject::AgreementTerm { id });
                        }>
                        {subjects.iter().map(|(s, label)| view! {
                            <option value=s.id().to_string() data-user-text>{label.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field" class:field-invalid=move || invalid("instruction")() == "true">
                <label for="directive-instruction">{move || i18n.t(Key::DirectiveInstruction)}</label>
                <textarea id="directive-instruction" data-testid="directive-instruction-input" rows="3" maxlength="500"
                    aria-invalid=invalid("instruction") bind:value=instruction></textarea>
                <FieldErrorList errors field="instruction" id="directive-instruction-error".to_string()/>
            </div>
            <div class="field" class:field-invalid=move || invalid("deadline_at")() == "true">
                <label for="directive-deadline">{move || i18n.t(Key::DirectiveDeadline)}</label>
                <input id="directive-deadline" type="date" data-testid="directive-deadline" aria-invalid=invalid("deadline_at") bind:value=day/>
                <FieldErrorList errors field="deadline_at" id="directive-deadline-error".to_string()/>
            </div>
            <PersonPicker id="directive-addressee" testid="directive-addressee" label=Key::DirectiveAddressee chosen=addressee errors
                field="addressee_id" work=work work_grid=grid_id browse=true required=true/>
            <FormError error testid="directive-form-error"/>
            <button type="submit" class="button button-primary" data-testid="directive-submit" disabled=move || busy.get()>{move || i18n.t(Key::DirectiveIssue)}</button>
        </form>
    }
}

/// The cases with an open directive, for the board's badges (read once with the board).
#[derive(Clone, Copy)]
struct OpenDirectives(LocalResource<Vec<i64>>);

/// Read the cases with open directives for the badges below (the board calls this).
pub fn provide_open_directives() {
    let session = use_session();
    let may = session.may(Permission::FollowDirectives);
    provide_context(OpenDirectives(LocalResource::new(move || async move {
        if may {
            api::directive_open_cases().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    })));
}

/// The small 督办 mark of a board card whose case has an open directive.
#[component]
pub fn DirectiveBadge(case_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_context::<OpenDirectives>();
    move || {
        let has = open
            .and_then(|o| o.0.get())
            .is_some_and(|ids| ids.contains(&case_id));
        has.then(|| view! {
            <span class="badge badge-directive" data-testid="card-directive">{move || i18n.t(Key::DirectiveBadge)}</span>
        })
    }
}
