//! The audit log for administrators: who read or changed what, newest first, page by page.

use leptos::prelude::*;
use shared::accounts::Permission;
use shared::audit::AuditEntry;

use crate::accounts::RequirePermission;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, fmt_time};

const PAGE: u64 = 50;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewAudit>
            <AuditLog/>
        </RequirePermission>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let offset = RwSignal::new(0u64);
    let page = LocalResource::new(move || {
        let offset = offset.get();
        async move { api::audit(offset, PAGE).await }
    });
    Effect::new(move |_| set_title(i18n.t(Key::AuditTitle), i18n.get()));

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::AuditTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::AuditIntro)}</p>
        </div>
        {move || match page.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| page.refetch())/> }.into_any(),
            Some(Ok(p)) if p.items.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoAudit)}</p> }.into_any(),
            Some(Ok(p)) => {
                let from = p.offset + 1;
                let to = p.offset + p.items.len() as u64;
                let total = p.total;
                let has_prev = p.offset > 0;
                let has_next = to < total;
                view! {
                    <ol class="audit-list" data-testid="audit-list">
                        {p.items.into_iter().map(entry).collect_view()}
                    </ol>
                    <nav class="pager" aria-label=move || i18n.t(Key::AuditTitle)>
                        <button type="button" class="button button-secondary" disabled=!has_prev
                            on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>
                            {move || i18n.t(Key::Previous)}
                        </button>
                        <span class="pager-status">
                            {move || i18n.fmt(Key::PageOf, &[("from", &from.to_string()), ("to", &to.to_string()), ("total", &total.to_string())])}
                        </span>
                        <button type="button" class="button button-secondary" disabled=!has_next
                            on:click=move |_| offset.update(|o| *o += PAGE)>
                            {move || i18n.t(Key::Next)}
                        </button>
                    </nav>
                }.into_any()
            }
        }}
    }
}

fn entry(e: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let who = e.actor_name.clone();
    // "居民 #12" / "resident #12": the record's kind in the reader's language.
    let entity_key = match e.entity.as_deref() {
        Some("resident") => Some(Key::EntityResident),
        Some("user") => Some(Key::EntityUser),
        Some("place") => Some(Key::EntityPlace),
        _ => None,
    };
    let target = e.entity.clone().map(|kind| {
        let id = e.entity_id;
        move || {
            let kind = entity_key
                .map(|k| i18n.t(k).to_string())
                .unwrap_or_else(|| kind.clone());
            match id {
                Some(id) => format!("{kind} #{id}"),
                None => kind,
            }
        }
    });
    // Records that still have a page link to it (a deleted one answers "not found").
    let link = match (e.entity.as_deref(), e.entity_id) {
        (Some("resident"), Some(id)) => Some(format!("/residents/{id}")),
        (Some("place"), Some(id)) => Some(format!("/places/{id}")),
        (Some("user"), Some(id)) => Some(format!("/admin/users/{id}")),
        _ => None,
    };
    // Reads of full records, one at a time or in bulk, stand out.
    let sensitive = e.action.ends_with(".reveal") || e.action == "residents.export";
    let action = e.action.clone();
    let words = shared::audit::action_text(&e.action);
    // Reads and tag changes of sensitive data say why (their detail is the stated purpose).
    let purpose = shared::places::PurposeDetail::of_entry(&e.action, e.detail.as_deref());
    let detail = if purpose.is_some() {
        None
    } else {
        e.detail.clone()
    };
    view! {
        <li class="card audit-entry" class:is-sensitive=sensitive data-testid="audit-entry">
            <p class="audit-head">
                <time class="mono">{fmt_time(e.at)}</time>
                {match words {
                    Some(t) => view! {
                        <span class="badge" data-testid="audit-action" data-action=action.clone() title=action.clone()>
                            {move || i18n.text(t)}
                        </span>
                    }.into_any(),
                    None => view! { <span class="badge mono" data-testid="audit-action" data-action=action.clone()>{action.clone()}</span> }.into_any(),
                }}
            </p>
            <dl class="audit-facts">
                <div>
                    <dt>{move || i18n.t(Key::Who)}</dt>
                    <dd>{move || who.clone().unwrap_or_else(|| i18n.t(Key::System).to_string())}</dd>
                </div>
                {target.map(|t| view! {
                    <div><dt>{move || i18n.t(Key::Target)}</dt><dd class="mono">
                        {match link {
                            Some(href) => view! { <a href=href>{t}</a> }.into_any(),
                            None => t.into_any(),
                        }}
                    </dd></div>
                })}
                {purpose.map(|p| {
                    let tags = |list: &[shared::places::SpecialGroup]| {
                        let list = list.to_vec();
                        move || list.iter().map(|g| i18n.text(g.text())).collect::<Vec<_>>().join("、")
                    };
                    let added = (!p.added.is_empty()).then(|| tags(&p.added));
                    let removed = (!p.removed.is_empty()).then(|| tags(&p.removed));
                    let action = e.action.clone();
                    view! {
                        <div class="audit-purpose"><dt>{move || i18n.t(Key::AuditPurpose)}</dt>
                            <dd data-testid="audit-purpose">{move || p.describe(&action, i18n.get())}</dd></div>
                        {added.map(|t| view! { <div><dt>{move || i18n.t(Key::AuditGroupsAdded)}</dt><dd>{t}</dd></div> })}
                        {removed.map(|t| view! { <div><dt>{move || i18n.t(Key::AuditGroupsRemoved)}</dt><dd>{t}</dd></div> })}
                    }
                })}
                {detail.map(|d| view! { <div><dt>{move || i18n.t(Key::Detail)}</dt><dd>{d}</dd></div> })}
                {e.ip.clone().map(|ip| view! { <div><dt>{move || i18n.t(Key::Ip)}</dt><dd class="mono">{ip}</dd></div> })}
            </dl>
        </li>
    }
}
