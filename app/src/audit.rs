//! The audit log for administrators: who read or changed what, newest first, page by page,
//! filtered on the server by person, action, resident, record and days — so the secretary can
//! answer "who read 张秀兰's record this month".

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::Permission;
use shared::audit::{AuditAction, AuditDetail, AuditEntry, AuditQuery};

use crate::accounts::RequirePermission;
use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, When};

const PAGE: u64 = 50;

/// The kinds of record one may filter by (the rest are reached through their resident).
const RECORD_KINDS: [&str; 8] = [
    "resident",
    "user",
    "mediation_file",
    "mediation_party",
    "pairing",
    "volunteer",
    "patrol",
    "api_key",
];

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewAudit>
            <AuditLog/>
        </RequirePermission>
    }
}

fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[component]
fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    // The filters as typed, and as applied (the list follows the applied ones).
    let actor = RwSignal::new(None::<i64>);
    let action = RwSignal::new(String::new());
    let reads_only = RwSignal::new(false);
    let resident = RwSignal::new(None::<(i64, String)>);
    let resident_q = RwSignal::new(String::new());
    // The residents a search for the filter found.
    let find = Action::new_unsync(|q: &String| {
        let q = q.trim().to_string();
        async move { api::search(&q).await.map(|r| r.residents) }
    });
    let resident_hits = find.value();
    let entity = RwSignal::new(String::new());
    let entity_id = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let applied = RwSignal::new(AuditQuery::default());
    let offset = RwSignal::new(0u64);

    let people = LocalResource::new(api::users);
    let page = LocalResource::new(move || {
        let mut q = applied.get();
        q.offset = Some(offset.get());
        q.limit = Some(PAGE);
        async move { api::audit(&q).await }
    });
    Effect::new(move |_| set_title(i18n.t(Key::AuditTitle), i18n.get()));

    let apply = move || {
        let q = AuditQuery {
            actor_id: actor.get_untracked(),
            action: Some(action.get_untracked()).filter(|a| !a.is_empty()),
            reads_only: reads_only.get_untracked().then_some(true),
            entity: Some(entity.get_untracked()).filter(|e| !e.is_empty()),
            entity_id: entity_id.get_untracked().trim().parse().ok(),
            resident_id: resident.get_untracked().map(|r| r.0),
            from: Some(from.get_untracked()).filter(|d| !d.is_empty()),
            to: Some(to.get_untracked()).filter(|d| !d.is_empty()),
            offset: None,
            limit: None,
        };
        offset.set(0);
        applied.set(q);
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        apply();
    };
    let this_month = move |_| {
        let today = crate::clock::today();
        let first = today.replace_day(1).unwrap_or(today);
        from.set(ymd(first));
        to.set(ymd(today));
        apply();
    };
    let reset = move |_| {
        actor.set(None);
        action.set(String::new());
        reads_only.set(false);
        resident.set(None);
        resident_q.set(String::new());
        resident_hits.set(None);
        entity.set(String::new());
        entity_id.set(String::new());
        from.set(String::new());
        to.set(String::new());
        apply();
    };
    let find_resident = move || {
        let q = resident_q.get_untracked();
        if !q.trim().is_empty() {
            find.dispatch(q);
        }
    };

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::AuditTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::AuditIntro)}</p>
        </div>
        <form class="card audit-filters" data-testid="audit-filters" on:submit=on_submit
            aria-label=move || i18n.t(Key::AuditFilters)>
            <div class="field">
                <label for="audit-actor">{move || i18n.t(Key::Who)}</label>
                <select id="audit-actor" data-testid="audit-actor"
                    on:change=move |ev| actor.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || actor.get().is_none()>{move || i18n.t(Key::AuditAnyone)}</option>
                    {move || people.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|u| {
                        let id = u.id;
                        view! { <option value=id.to_string() selected=move || actor.get() == Some(id)>{format!("{}（{}）", u.display_name, u.username)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">{move || i18n.t(Key::AuditActionLabel)}</label>
                <select id="audit-action" data-testid="audit-action-filter"
                    on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="" selected=move || action.with(String::is_empty)>{move || i18n.t(Key::AuditAnyAction)}</option>
                    {AuditAction::ALL.iter().map(|a| {
                        let a = *a;
                        view! { <option value=a.as_str() selected=move || action.with(|x| x == a.as_str())>{move || i18n.text(a.text())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <label class="choice audit-reads-only">
                <input type="checkbox" data-testid="audit-reads-only" prop:checked=move || reads_only.get()
                    on:change=move |ev| reads_only.set(event_target_checked(&ev))/>
                <span>{move || i18n.t(Key::AuditReadsOnly)}</span>
            </label>
            <div class="field audit-resident">
                <label for="audit-resident-q">{move || i18n.t(Key::AuditResident)}</label>
                {move || match resident.get() {
                    Some((_, name)) => view! {
                        <p class="audit-chosen">
                            <span data-testid="audit-resident-chosen">{name}</span>" "
                            <button type="button" class="button button-quiet" data-testid="audit-resident-clear"
                                on:click=move |_| { resident.set(None); resident_hits.set(None); }>
                                {move || i18n.t(Key::AuditResidentClear)}
                            </button>
                        </p>
                    }.into_any(),
                    None => view! {
                        <div class="audit-resident-search">
                            <input id="audit-resident-q" type="search" data-testid="audit-resident-q"
                                placeholder=move || i18n.t(Key::AuditResidentSearch)
                                bind:value=resident_q
                                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); find_resident(); }/>
                            <button type="button" class="button button-secondary" data-testid="audit-resident-find"
                                on:click=move |_| find_resident()>{move || i18n.t(Key::AuditResidentFind)}</button>
                        </div>
                        {move || resident_hits.get().map(|hits| match hits {
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                            Ok(hits) if hits.is_empty() => view! { <p class="muted" data-testid="audit-resident-none">{move || i18n.t(Key::AuditResidentNone)}</p> }.into_any(),
                            Ok(hits) => {
                            view! {
                                <ul class="audit-resident-hits">
                                    {hits.into_iter().map(|r| {
                                        let (id, name) = (r.id, r.name.clone());
                                        view! { <li><button type="button" class="button button-quiet" data-testid="audit-resident-hit"
                                            on:click=move |_| { resident.set(Some((id, name.clone()))); resident_hits.set(None); }>
                                            {r.name.clone()}" · "<span class="muted">{r.address.clone()}</span>
                                        </button></li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                            }
                        })}
                    }.into_any(),
                }}
            </div>
            <div class="field">
                <label for="audit-entity">{move || i18n.t(Key::AuditRecordKind)}</label>
                <select id="audit-entity" data-testid="audit-entity"
                    on:change=move |ev| entity.set(event_target_value(&ev))>
                    <option value="" selected=move || entity.with(String::is_empty)>{move || i18n.t(Key::AuditAnyRecord)}</option>
                    {RECORD_KINDS.into_iter().filter_map(|k| shared::audit::entity_text(k).map(|t| (k, t))).map(|(k, t)| view! {
                        <option value=k selected=move || entity.with(|e| e == k)>{move || i18n.text(t)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-entity-id">{move || i18n.t(Key::AuditRecordId)}</label>
                <input id="audit-entity-id" type="text" inputmode="numeric" data-testid="audit-entity-id" bind:value=entity_id/>
            </div>
            <div class="field">
                <label for="audit-from">{move || i18n.t(Key::AuditFrom)}</label>
                <input id="audit-from" type="date" data-testid="audit-from" bind:value=from/>
            </div>
            <div class="field">
                <label for="audit-to">{move || i18n.t(Key::AuditTo)}</label>
                <input id="audit-to" type="date" data-testid="audit-to" bind:value=to/>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="audit-apply">{move || i18n.t(Key::AuditApply)}</button>
                <button type="button" class="button button-secondary" data-testid="audit-this-month" on:click=this_month>{move || i18n.t(Key::AuditThisMonth)}</button>
                <button type="button" class="button button-quiet" data-testid="audit-reset" on:click=reset>{move || i18n.t(Key::AuditReset)}</button>
            </div>
        </form>
        {move || match page.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| page.refetch())/> }.into_any(),
            Some(Ok(p)) if p.items.is_empty() => view! { <p class="empty" data-testid="audit-empty">{move || i18n.t(Key::NoAudit)}</p> }.into_any(),
            Some(Ok(p)) => {
                let from = p.offset + 1;
                let to = p.offset + p.items.len() as u64;
                let total = p.total;
                let has_prev = p.offset > 0;
                let has_next = to < total;
                view! {
                    <p class="muted" data-testid="audit-total">{move || i18n.fmt(Key::AuditTotal, &[("n", &total.to_string())])}</p>
                    <ol class="audit-list" data-testid="audit-list">
                        {p.items.into_iter().map(entry).collect_view()}
                    </ol>
                    <nav class="pager" aria-label=move || i18n.t(Key::AuditTitle)>
                        <button type="button" class="button button-secondary" disabled=!has_prev data-testid="audit-prev"
                            on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>
                            {move || i18n.t(Key::Previous)}
                        </button>
                        <span class="pager-status">
                            {move || i18n.fmt(Key::PageOf, &[("from", &from.to_string()), ("to", &to.to_string()), ("total", &total.to_string())])}
                        </span>
                        <button type="button" class="button button-secondary" disabled=!has_next data-testid="audit-next"
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
    let who = e.actor_display_name.clone().or(e.actor_name.clone());
    // "居民 #12" / "Resident #12": the record's kind in the reader's language.
    let kind_text = e.entity.as_deref().and_then(shared::audit::entity_text);
    let target = e.entity.clone().map(|kind| {
        let id = e.entity_id;
        move || {
            let kind = kind_text
                .map(|t| i18n.text(t).to_string())
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
        (
            Some(
                "place" | "street" | "community" | "grid" | "micro_grid" | "building" | "household",
            ),
            Some(id),
        ) => Some(format!("/places/{id}")),
        (Some("user"), Some(id)) => Some(format!("/admin/users/{id}")),
        (Some("mediation_file"), Some(id)) => Some(format!("/mediation/{id}")),
        _ => None,
    };
    let about = e.resident_id.map(|id| {
        (
            format!("/residents/{id}"),
            e.resident_name.clone().unwrap_or_else(|| format!("#{id}")),
        )
    });
    let known = AuditAction::parse(&e.action);
    // Reads of personal data, one record or a list, stand out.
    let sensitive = known.is_some_and(AuditAction::is_read);
    let action = e.action.clone();
    // Reads and tag changes of sensitive data say why (their detail is the stated purpose).
    let purpose = shared::places::PurposeDetail::of_entry(&e.action, e.detail.as_deref());
    let detail = if purpose.is_some() {
        None
    } else {
        e.detail.clone().filter(|d| !d.is_empty()).map(|d| {
            let structured = AuditDetail::parse(&d);
            move || match &structured {
                Some(s) => s.describe(i18n.get()),
                // Older entries kept their detail as words.
                None => d.clone(),
            }
        })
    };
    view! {
        <li class="card audit-entry" class:is-sensitive=sensitive data-testid="audit-entry" data-action=action.clone()>
            <p class="audit-head">
                <span class="mono"><When at=e.at/></span>
                {match known {
                    Some(a) => view! {
                        <span class="badge" data-testid="audit-action" data-action=action.clone() title=action.clone()>
                            {move || i18n.text(a.text())}
                        </span>
                    }.into_any(),
                    None => view! { <span class="badge mono" data-testid="audit-action" data-action=action.clone()>{action.clone()}</span> }.into_any(),
                }}
            </p>
            <dl class="audit-facts">
                <div>
                    <dt>{move || i18n.t(Key::Who)}</dt>
                    <dd data-testid="audit-who" data-user-text>{move || who.clone().unwrap_or_else(|| i18n.t(Key::System).to_string())}</dd>
                </div>
                {about.map(|(href, name)| view! {
                    <div><dt>{move || i18n.t(Key::AuditAbout)}</dt>
                        <dd><a href=href data-testid="audit-about" data-user-text>{name}</a></dd></div>
                })}
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
                {detail.map(|d| view! { <div><dt>{move || i18n.t(Key::Detail)}</dt><dd data-testid="audit-detail">{d}</dd></div> })}
                {e.ip.clone().map(|ip| view! { <div><dt>{move || i18n.t(Key::Ip)}</dt><dd class="mono">{ip}</dd></div> })}
            </dl>
        </li>
    }
}
