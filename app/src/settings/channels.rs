//! The board's work-in-progress limits per column, and the API keys of Open311 clients
//! (issued here and shown once; revoked here).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::board::{Board, WipLimit};
use shared::cases::Stage;
use shared::error::{FieldError, FieldErrorCode};
use shared::open311::{ApiKeyView, NewApiKey};
use shared::validate::Name;

use super::focus_id;
use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, When, local_error,
};

// ---------------------------------------------------------------- WIP limits

/// An optional limit from its input: empty is no limit.
fn parse_optional(s: &str) -> Result<Option<u32>, FieldErrorCode> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u32>()
        .map(Some)
        .map_err(|_| FieldErrorCode::InvalidFormat)
}

/// The limits from the form's rows; errors under the API's names (`{row}/soft`, `{row}/hard`).
fn read_limits(rows: &[(Stage, String, String)]) -> Result<Vec<WipLimit>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (i, (stage, soft, hard)) in rows.iter().enumerate() {
        let soft =
            parse_optional(soft).map_err(|c| errs.push(local_error(&format!("{i}/soft"), c)));
        let hard =
            parse_optional(hard).map_err(|c| errs.push(local_error(&format!("{i}/hard"), c)));
        if let (Ok(soft), Ok(hard)) = (soft, hard) {
            let l = WipLimit {
                stage: *stage,
                soft,
                hard,
            };
            match l.validate() {
                Ok(()) => out.push(l),
                Err(c) => errs.push(local_error(&format!("{i}/hard"), c)),
            }
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

#[component]
pub fn WipSection() -> impl IntoView {
    let board = LocalResource::new(|| api::board(""));
    // Outside the form: it survives the form's rebuild with the saved limits.
    let notice = RwSignal::new(None::<String>);
    view! {
        <Notice message=notice/>
        {move || match board.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| board.refetch())/> }.into_any(),
            Some(Ok(b)) => view! { <WipForm board=b notice reload=Callback::new(move |_| board.refetch())/> }.into_any(),
        }}
    }
}

struct WipRow {
    stage: Stage,
    total: u64,
    soft: RwSignal<String>,
    hard: RwSignal<String>,
}

#[component]
fn WipForm(board: Board, notice: RwSignal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rows: Vec<WipRow> = Stage::BOARD
        .into_iter()
        .map(|stage| {
            let col = board.columns.iter().find(|c| c.stage == stage);
            let text = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
            WipRow {
                stage,
                total: col.map(|c| c.total).unwrap_or(0),
                soft: RwSignal::new(text(col.and_then(|c| c.soft_limit))),
                hard: RwSignal::new(text(col.and_then(|c| c.hard_limit))),
            }
        })
        .collect();
    let values = StoredValue::new(
        rows.iter()
            .map(|r| (r.stage, r.soft, r.hard))
            .collect::<Vec<_>>(),
    );
    let save = Submit::new(move |limits: Vec<WipLimit>| async move {
        api::set_wip_limits(&limits).await?;
        notice.set(Some(i18n.t(Key::WipSaved).to_string()));
        reload.run(());
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let rows: Vec<(Stage, String, String)> = values.with_value(|v| {
            v.iter()
                .map(|(s, soft, hard)| (*s, soft.get_untracked(), hard.get_untracked()))
                .collect()
        });
        match read_limits(&rows) {
            Ok(limits) => save.dispatch(limits),
            Err(errs) => save.refuse(errs),
        }
    };

    let fields = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let slug = crate::cases::stage_slug(r.stage);
            let soft_id = format!("wip-soft-{slug}");
            let hard_id = format!("wip-hard-{slug}");
            let soft_field = format!("{i}/soft");
            let hard_field = format!("{i}/hard");
            let err_id = format!("wip-error-{slug}");
            let soft_err_id = format!("wip-soft-error-{slug}");
            let flag = |f: String| Signal::derive(move || field_errors.with(|e| e.iter().any(|x| x.field == f)));
            let soft_invalid = flag(soft_field.clone());
            let hard_invalid = flag(hard_field.clone());
            let (e1, e2) = (err_id.clone(), soft_err_id.clone());
            let stage = r.stage;
            let total = r.total;
            view! {
                <fieldset class="card wip-row" data-testid="wip-row" data-stage=slug>
                    <legend class="wip-stage">{move || i18n.text(stage.text())}</legend>
                    <p class="muted wip-count">{move || i18n.fmt(Key::CasesInColumn, &[("n", &total.to_string())])}</p>
                    <div class="wip-inputs">
                        <div class="field" class:field-invalid=soft_invalid>
                            <label for=soft_id.clone()>{move || i18n.t(Key::WipSoft)}</label>
                            <input id=soft_id type="number" min="1" inputmode="numeric" data-testid="wip-soft"
                                aria-invalid=move || soft_invalid.get().to_string()
                                aria-describedby=move || soft_invalid.get().then(|| e2.clone())
                                bind:value=r.soft/>
                            <FieldErrorList errors=field_errors field=soft_field id=soft_err_id/>
                        </div>
                        <div class="field" class:field-invalid=hard_invalid>
                            <label for=hard_id.clone()>{move || i18n.t(Key::WipHard)}</label>
                            <input id=hard_id type="number" min="1" inputmode="numeric" data-testid="wip-hard"
                                aria-invalid=move || hard_invalid.get().to_string()
                                aria-describedby=move || hard_invalid.get().then(|| e1.clone())
                                bind:value=r.hard/>
                            <FieldErrorList errors=field_errors field=hard_field id=err_id/>
                        </div>
                    </div>
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <form on:submit=submit novalidate data-testid="wip-form">
            <FormError error fields=field_errors/>
            <p class="hint">{move || i18n.t(Key::WipHint)}</p>
            <div class="wip-grid">{fields}</div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="wip-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::SaveLimits) }}
                </button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- Open311 keys

#[component]
pub fn Open311Section() -> impl IntoView {
    let i18n = use_i18n();
    let keys = LocalResource::new(api::open311_keys);
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let fresh = RwSignal::new(None::<ApiKeyView>);
    let confirming = RwSignal::new(None::<i64>);

    let revoke = Submit::reporting_to(error, RwSignal::new(Vec::new()), move |k: ApiKeyView| {
        notice.set(None);
        async move {
            api::revoke_open311_key(k.id).await?;
            confirming.set(None);
            notice.set(Some(i18n.fmt(Key::ApiKeyRevoked, &[("name", &k.name)])));
            keys.refetch();
            Ok(())
        }
    });

    view! {
        <IssueKeyForm on_issued=Callback::new(move |k: ApiKeyView| {
            notice.set(None);
            fresh.set(Some(k));
            keys.refetch();
            focus_id("new-key-value");
        })/>
        {move || fresh.get().map(|k| {
            // Shown in a textarea so the whole key is visible on a phone; focus selects it.
            let key = k.key.clone().unwrap_or_default();
            view! {
                <div class="alert alert-success new-key" role="status" data-testid="new-key">
                    <p><strong>{move || i18n.fmt(Key::ApiKeyIssued, &[("name", &k.name)])}</strong></p>
                    <p>{move || i18n.t(Key::ApiKeyShownOnce)}</p>
                    <label for="new-key-value">{move || i18n.t(Key::ApiKeyField)}</label>
                    <textarea id="new-key-value" class="mono" rows="2" readonly spellcheck="false" data-testid="new-key-value"
                        prop:value=key
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(area) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                                area.select();
                            }
                        }></textarea>
                    <div class="actions">
                        <button type="button" class="button button-secondary" data-testid="new-key-done" on:click=move |_| fresh.set(None)>
                            {move || i18n.t(Key::ApiKeySavedDone)}
                        </button>
                    </div>
                </div>
            }
        })}
        <Notice message=notice/>
        <FormError error testid="settings-error"/>
        <h3>{move || i18n.t(Key::IssuedKeys)}</h3>
        {move || match keys.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| keys.refetch())/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoKeys)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="cards setting-list" data-testid="key-list">
                    {list.into_iter().rev().map(|k| {
                        let id = k.id;
                        let disabled = k.disabled;
                        let stored = StoredValue::new(k.clone());
                        let name = k.name.clone();
                        let n2 = name.clone();
                        view! {
                            <li class="card" class:is-retired=disabled data-testid="key-row" data-name=name.clone()>
                                <div class="setting-row">
                                    <div class="setting-main">
                                        <h4 class="category-name" data-user-text>{name.clone()}</h4>
                                        <p class="muted">{move || i18n.t(Key::IssuedAt)}": "<When at=k.created_at/></p>
                                        <p class="badges">
                                            <span class=if disabled { "badge badge-warn" } else { "badge" } data-testid="key-state">
                                                {move || i18n.t(if disabled { Key::ApiKeyRevokedBadge } else { Key::ApiKeyActiveBadge })}
                                            </span>
                                        </p>
                                    </div>
                                    {(!disabled).then(|| view! {
                                        <div class="setting-actions">
                                            {move || if confirming.get() == Some(id) {
                                                let n3 = n2.clone();
                                                view! {
                                                    <p class="confirm-question" role="alert">{move || i18n.fmt(Key::RevokeQuestion, &[("name", &n3)])}</p>
                                                    <button type="button" class="button button-danger" data-testid="confirm-revoke"
                                                        on:click=move |_| revoke.dispatch(stored.get_value())>
                                                        {move || i18n.t(Key::ConfirmRevoke)}
                                                    </button>
                                                    <button type="button" class="button button-secondary" data-testid="cancel-revoke"
                                                        on:click=move |_| { confirming.set(None); focus_id(format!("revoke-key-{id}")); }>
                                                        {move || i18n.t(Key::Cancel)}
                                                    </button>
                                                }.into_any()
                                            } else {
                                                let n3 = n2.clone();
                                                view! {
                                                    <button type="button" class="button button-danger-quiet" data-testid="revoke-key" id=format!("revoke-key-{id}")
                                                        aria-label=move || format!("{} · {}", i18n.t(Key::Revoke), n3)
                                                        on:click=move |_| { notice.set(None); confirming.set(Some(id)); focus_id("confirm-revoke"); }>
                                                        {move || i18n.t(Key::Revoke)}
                                                    </button>
                                                }.into_any()
                                            }}
                                        </div>
                                    })}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn IssueKeyForm(on_issued: Callback<ApiKeyView>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let issue = Submit::new(move |input: NewApiKey| async move {
        let k = api::issue_open311_key(&input).await?;
        name.set(String::new());
        on_issued.run(k);
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (issue.error, issue.errors, issue.pending());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match Name::parse(&name.get_untracked()) {
            Ok(_) => issue.dispatch(NewApiKey {
                name: name.get_untracked().trim().to_string(),
            }),
            Err(c) => issue.refuse(vec![local_error("name", c)]),
        }
    };
    view! {
        <form class="card form" on:submit=submit novalidate data-testid="issue-key-form" aria-labelledby="issue-key-title">
            <h3 id="issue-key-title">{move || i18n.t(Key::IssueApiKeyAction)}</h3>
            <FormError error fields=field_errors/>
            <TextField id="issue-key-name" label=Key::ApiKeyClientName value=name errors=field_errors field="name"
                required=true hint=Key::ApiKeyClientNameHint testid="issue-key-name"/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="issue-key-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::IssueApiKeyAction) }}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_row_by_row_with_the_shared_rule() {
        let rows = vec![
            (Stage::Reported, String::new(), String::new()),
            (Stage::Registered, "5".into(), "8".into()),
            (Stage::Dispatched, "9".into(), "3".into()),
            (Stage::InProgress, "x".into(), "0".into()),
        ];
        let errs = read_limits(&rows).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["2/hard", "3/soft"]);
        let ok = read_limits(&rows[..2]).unwrap();
        assert_eq!(
            ok[0],
            WipLimit {
                stage: Stage::Reported,
                soft: None,
                hard: None
            }
        );
        assert_eq!(
            ok[1],
            WipLimit {
                stage: Stage::Registered,
                soft: Some(5),
                hard: Some(8)
            }
        );
    }
}
