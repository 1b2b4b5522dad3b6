//! Notifications about cases the user reported and answers to the user's letters to the
//! secretary: the bell with the unread count in the header
//! and the list page.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api;
use crate::i18n::{Key, set_title, use_i18n};
use crate::ui::{ErrorBox, Loading, When};
use shared::cases::NotificationAbout;

/// The bell: a link to the notifications with the number of unread ones (refreshed on every
/// page change and every half minute).
#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let tick = RwSignal::new(0u32);
    let handle =
        set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let unread = LocalResource::new(move || {
        location.pathname.track();
        tick.track();
        async move { api::notifications(true).await.map(|v| v.len()).unwrap_or(0) }
    });
    let count = move || unread.get().unwrap_or(0);
    view! {
        // Named by its own words (WCAG 2.5.3: the visible label is in the name), the count
        // read out as "3 unread" rather than the bare digit shown.
        <a href="/notifications" class="button button-quiet bell" data-testid="bell">
            <svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/>
                <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>
            </svg>
            <span class="bell-text">{move || i18n.t(Key::Notifications)}</span>
            {move || (count() > 0).then(|| view! {
                <span class="bell-count" data-testid="bell-count" aria-hidden="true">{count()}</span>
                <span class="visually-hidden">{i18n.fmt(Key::NotificationsUnread, &[("n", &count().to_string())])}</span>
            })}
        </a>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::Notifications), i18n.get()));
    // Marking read: all from the button (the list is read again after), or the one opened (as
    // the page is left for it; a failure only leaves it unread).
    let mark_read = Action::new_unsync(|ids: &Vec<i64>| {
        let ids = ids.clone();
        async move {
            let _ = api::mark_read(ids).await;
        }
    });
    let list = LocalResource::new(move || {
        mark_read.version().track();
        api::notifications(false)
    });
    let mark_all = move |_| {
        mark_read.dispatch(Vec::new());
    };
    view! {
        <div class="page-head section-head">
            <h1>{move || i18n.t(Key::Notifications)}</h1>
            <button type="button" class="button button-quiet" data-testid="mark-all-read" on:click=mark_all>{move || i18n.t(Key::MarkAllRead)}</button>
        </div>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| list.refetch())/> }.into_any(),
            Some(Ok(items)) if items.is_empty() => view! { <p class="empty" data-testid="no-notifications">{i18n.t(Key::NoNotifications)}</p> }.into_any(),
            Some(Ok(items)) => view! {
                <ul class="notification-list" data-testid="notifications">
                    {items.into_iter().map(|n| {
                        let id = n.id;
                        let (href, title, number) = match &n.about {
                            NotificationAbout::Case { case_id, case_number, case_title } =>
                                (format!("/cases/{case_id}"), case_title.clone(), Some(case_number.clone())),
                            NotificationAbout::Letter { letter_id, letter_subject } =>
                                (format!("/mailbox#letter-{letter_id}"), letter_subject.clone(), None),
                            NotificationAbout::Directive { case_id, case_number, case_title, .. } =>
                                (format!("/cases/{case_id}"), case_title.clone(), Some(case_number.clone())),
                            NotificationAbout::Reminder { reminder } =>
                                (reminder.href(), i18n.t(Key::Reminder).to_string(), reminder.number.clone()),
                        };
                        let reminder = match &n.about {
                            NotificationAbout::Reminder { reminder } => Some(reminder.clone()),
                            _ => None,
                        };
                        let directive = match &n.about {
                            NotificationAbout::Directive { step, .. } => Some(*step),
                            _ => None,
                        };
                        let action = n.action;
                        let alert = n.alert;
                        let alert_number = number.clone().unwrap_or_default();
                        let to = n.stage;
                        let who = n.actor_name.clone();
                        view! {
                            <li>
                                <a class="card notification" class:is-unread=!n.read href=href data-testid="notification"
                                    on:click=move |_| { mark_read.dispatch(vec![id]); }>
                                    <span class="notification-head">
                                        {(!n.read).then(|| view! { <span class="badge badge-warn">{move || i18n.t(Key::Unread)}</span> })}
                                        <strong data-user-text>{title}</strong>
                                        {number.map(|n| view! { <span class="mono muted">{n}</span> })}
                                    </span>
                                    <span class="notification-body">
                                        <span data-testid="notification-what">{move || match (directive, action) {
                                            _ if reminder.is_some() => reminder.as_ref().map(|r| r.sentence(i18n.get())).unwrap_or_default().into_any(),
                                            _ if alert.is_some() => alert.map(|a| a.sentence(&alert_number, i18n.get())).unwrap_or_default().into_any(),
                                            (Some(step), _) => crate::ui::sentence_naming(
                                                shared::directives::notice(step, who.as_deref().unwrap_or_default(), i18n.get()), who.as_deref()),
                                            (None, Some(action)) => crate::ui::sentence_naming(shared::cases::CaseEventKind::from(action)
                                                .describe(who.as_deref(), Some(action.from()), to, i18n.get()), who.as_deref()),
                                            (None, None) => crate::ui::sentence_naming(i18n.fmt(Key::NotificationLetterAnswered, &[("name", who.as_deref().unwrap_or_default())]), who.as_deref()),
                                        }}</span>
                                        <span class="muted">" · "<When at=n.created_at/></span>
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
