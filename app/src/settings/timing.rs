//! Time: the SLA table (a limit per second-level category and urgency, in working hours or
//! working days) and the office calendar's exceptions (public holidays, 调休 working days).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::calendar::{Limit, MAX_WORKING_DAYS, MAX_WORKING_HOURS};
use shared::cases::{CalendarDay, CaseMeta, Category, DayKind, SlaRule, Urgency};
use shared::error::FieldErrorCode;
use shared::i18n::Lang;

use super::{focus_id, name_in, one_row};
use crate::api;
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, local_error};

// ---------------------------------------------------------------- SLA

/// "3 个工作日" / "3 working days".
fn limit_text(limit: Limit, lang: Lang) -> String {
    let (n, key) = match limit {
        Limit::WorkingHours(1) => (1, Key::OneWorkingHour),
        Limit::WorkingDays(1) => (1, Key::OneWorkingDay),
        Limit::WorkingHours(h) => (h, Key::NWorkingHours),
        Limit::WorkingDays(d) => (d, Key::NWorkingDays),
    };
    crate::i18n::fill(key.text().get(lang), &[("n", &n.to_string())])
}

/// A limit from the editor's inputs, checked by the shared rule.
fn parse_limit(amount: &str, unit: &str) -> Result<Limit, FieldErrorCode> {
    let amount = amount.trim();
    if amount.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    let n: u32 = amount.parse().map_err(|_| FieldErrorCode::InvalidFormat)?;
    let limit = if unit == "working_hours" {
        Limit::WorkingHours(n)
    } else {
        Limit::WorkingDays(n)
    };
    if limit.is_valid() {
        Ok(limit)
    } else {
        Err(FieldErrorCode::OutOfRange)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Cell {
    category_id: i64,
    urgency: Urgency,
}

impl Cell {
    /// The id of the cell's button, where focus returns when its editor closes.
    fn button_id(self) -> String {
        format!("sla-edit-{}-{}", self.category_id, self.urgency.as_str())
    }
}

#[component]
pub fn SlaSection() -> impl IntoView {
    let i18n = use_i18n();
    let meta = LocalResource::new(api::case_meta_all);
    let rules = LocalResource::new(api::sla_rules);
    let editing = RwSignal::new(None::<Cell>);
    let notice = RwSignal::new(None::<String>);

    view! {
        <Notice message=notice/>
        {move || match (meta.get(), rules.get()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorBox error=e retry=Callback::new(move |_| meta.refetch())/> }.into_any(),
            (_, Some(Err(e))) => view! { <ErrorBox error=e retry=Callback::new(move |_| rules.refetch())/> }.into_any(),
            (Some(Ok(m)), Some(Ok(r))) => view! { <SlaTable meta=m rules=r editing notice saved=Callback::new(move |()| rules.refetch())/> }.into_any(),
        }}
        <p class="hint">{move || i18n.t(Key::SlaNoRuleHint)}</p>
    }
}

#[component]
fn SlaTable(
    meta: CaseMeta,
    rules: Vec<SlaRule>,
    editing: RwSignal<Option<Cell>>,
    notice: RwSignal<Option<String>>,
    saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rules = StoredValue::new(rules);
    let groups: Vec<Category> = meta
        .categories
        .iter()
        .filter(|c| c.parent_id.is_none() && c.active)
        .cloned()
        .collect();
    let body = groups
        .into_iter()
        .map(|g| {
            let items: Vec<Category> = meta
                .categories
                .iter()
                .filter(|c| c.parent_id == Some(g.id) && c.active)
                .cloned()
                .collect();
            let group_name = {
                let g = g.clone();
                move || name_in(i18n.get(), &g.name_zh, &g.name_en)
            };
            view! {
                <tbody>
                    <tr class="sla-group"><th colspan="4" scope="rowgroup">{group_name}</th></tr>
                    {items.into_iter().map(|c| {
                        let cid = c.id;
                        let cname = StoredValue::new((c.name_zh.clone(), c.name_en.clone()));
                        let name = move || cname.with_value(|(zh, en)| name_in(i18n.get(), zh, en));
                        view! {
                            <tr data-testid="sla-row" data-code=c.code.clone()>
                                <th scope="row" class="sla-category">{name}<span class="muted mono sla-code">{c.code.clone()}</span></th>
                                {Urgency::ALL.into_iter().map(|u| {
                                    let cell = Cell { category_id: cid, urgency: u };
                                    let current = rules.with_value(|r| r.iter().find(|x| x.category_id == cid && x.urgency == u).map(|x| x.limit));
                                    // What the button shows, also first in its name (WCAG 2.5.3).
                                    let shown = move || current.map(|l| limit_text(l, i18n.get())).unwrap_or_else(|| i18n.t(Key::NoLimit).to_string());
                                    view! {
                                        <td data-label=move || i18n.text(u.text()) data-testid="sla-cell" data-urgency=u.as_str()>
                                            {move || if editing.get() == Some(cell) {
                                                view! { <SlaEditor cell current name=Signal::derive(name) editing notice saved/> }.into_any()
                                            } else {
                                                view! {
                                                    <button type="button" class="button button-quiet sla-value" data-testid="sla-edit" id=cell.button_id()
                                                        aria-label=move || i18n.fmt(Key::EditSlaFor, &[("limit", &shown()), ("category", &name()), ("urgency", i18n.text(u.text()))])
                                                        on:click=move |_| { notice.set(None); editing.set(Some(cell)); focus_id("sla-amount"); }>
                                                        {shown}
                                                    </button>
                                                }.into_any()
                                            }}
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="sla-table" data-testid="sla-table">
                <caption class="visually-hidden">{move || i18n.t(Key::SettingsSla)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Key::Category)}</th>
                        {Urgency::ALL.into_iter().map(|u| view! { <th scope="col">{move || i18n.text(u.text())}</th> }).collect_view()}
                    </tr>
                </thead>
                {body}
            </table>
        </div>
    }
}

#[component]
fn SlaEditor(
    cell: Cell,
    current: Option<Limit>,
    name: Signal<String>,
    editing: RwSignal<Option<Cell>>,
    notice: RwSignal<Option<String>>,
    saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (amount0, unit0) = match current {
        Some(Limit::WorkingHours(h)) => (h.to_string(), "working_hours"),
        Some(Limit::WorkingDays(d)) => (d.to_string(), "working_days"),
        None => (String::new(), "working_days"),
    };
    let amount = RwSignal::new(amount0);
    let unit = RwSignal::new(unit0.to_string());
    let save = Submit::new(move |rule: SlaRule| async move {
        let limit = rule.limit;
        api::set_sla_rules(&[rule]).await.map_err(one_row)?;
        notice.set(Some(i18n.fmt(
            Key::SlaSaved,
            &[
                ("category", &name.get_untracked()),
                ("urgency", i18n.text(cell.urgency.text())),
                ("limit", &limit_text(limit, i18n.lang.get_untracked())),
            ],
        )));
        editing.set(None);
        focus_id(cell.button_id());
        saved.run(());
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match parse_limit(&amount.get_untracked(), &unit.get_untracked()) {
            Ok(limit) => save.dispatch(SlaRule {
                category_id: cell.category_id,
                urgency: cell.urgency,
                limit,
            }),
            Err(c) => save.refuse(vec![local_error("limit", c)]),
        }
    };
    let max = move || {
        if unit.get() == "working_hours" {
            MAX_WORKING_HOURS
        } else {
            MAX_WORKING_DAYS
        }
    };
    let invalid = move || field_errors.with(|e| e.iter().any(|x| x.field == "limit"));
    let close = move || {
        editing.set(None);
        focus_id(cell.button_id());
    };
    view! {
        <form class="sla-editor" on:submit=submit novalidate data-testid="sla-editor"
            aria-label=move || i18n.fmt(Key::EditSlaFor, &[("category", &name.get()), ("urgency", i18n.text(cell.urgency.text()))])
            on:keydown=move |ev| if ev.key() == "Escape" { close() }>
            <FormError error/>
            <div class="sla-inputs">
                <div class="field">
                    <label for="sla-amount">{move || i18n.t(Key::LimitAmount)}</label>
                    <input id="sla-amount" type="number" inputmode="numeric" min="1" max=move || max().to_string()
                        data-testid="sla-amount" required
                        aria-invalid=move || invalid().to_string()
                        aria-describedby=move || invalid().then_some("sla-amount-error")
                        bind:value=amount/>
                </div>
                <div class="field">
                    <label for="sla-unit">{move || i18n.t(Key::LimitUnit)}</label>
                    <select id="sla-unit" data-testid="sla-unit" on:change=move |ev| unit.set(event_target_value(&ev))>
                        <option value="working_days" selected=move || unit.get() == "working_days">{move || i18n.t(Key::WorkingDays)}</option>
                        <option value="working_hours" selected=move || unit.get() == "working_hours">{move || i18n.t(Key::WorkingHours)}</option>
                    </select>
                </div>
            </div>
            <FieldErrorList errors=field_errors field="limit" id="sla-amount-error".to_string()/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="sla-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-secondary" data-testid="sla-cancel" on:click=move |_| close()>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- calendar

fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn parse_day(s: &str) -> Result<time::Date, FieldErrorCode> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| FieldErrorCode::InvalidFormat)
}

fn weekday_key(d: time::Date) -> Key {
    use time::Weekday::*;
    match d.weekday() {
        Monday => Key::Monday,
        Tuesday => Key::Tuesday,
        Wednesday => Key::Wednesday,
        Thursday => Key::Thursday,
        Friday => Key::Friday,
        Saturday => Key::Saturday,
        Sunday => Key::Sunday,
    }
}

#[component]
pub fn CalendarSection() -> impl IntoView {
    let i18n = use_i18n();
    let notice = RwSignal::new(None::<String>);
    let remove = Submit::new(move |d: CalendarDay| async move {
        api::clear_calendar_day(&ymd(d.day)).await?;
        notice.set(Some(i18n.fmt(Key::DayCleared, &[("day", &ymd(d.day))])));
        Ok(())
    });
    let error = remove.error;
    let removed = remove.version();
    let days = LocalResource::new(move || {
        removed.track();
        api::calendar_days()
    });

    view! {
        <AddDayForm on_saved=Callback::new(move |day: String| {
            notice.set(Some(i18n.fmt(Key::DaySaved, &[("day", &day)])));
            days.refetch();
        })/>
        <Notice message=notice/>
        <FormError error testid="settings-error"/>
        <h3>{move || i18n.t(Key::CalendarDays)}</h3>
        {move || match days.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| days.refetch())/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoCalendarDays)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="cards setting-list" data-testid="calendar-list">
                    {list.into_iter().map(|d| {
                        let day = ymd(d.day);
                        let holiday = d.kind == DayKind::Holiday;
                        let wd = weekday_key(d.day);
                        let name = d.name.clone();
                        let label_day = day.clone();
                        let d2 = d.clone();
                        view! {
                            <li class="card" data-testid="calendar-day" data-day=day.clone()>
                                <div class="setting-row">
                                    <div class="setting-main">
                                        <h4 class="category-name"><time datetime=day.clone()>{day.clone()}</time>" "<span class="muted">{move || i18n.t(wd)}</span></h4>
                                        <p class="badges">
                                            <span class=if holiday { "badge badge-warn" } else { "badge" }>
                                                {move || i18n.t(if holiday { Key::DayHoliday } else { Key::DayWorkday })}
                                            </span>
                                            {name.map(|n| view! { <span class="day-name">{n}</span> })}
                                        </p>
                                    </div>
                                    <div class="setting-actions">
                                        <button type="button" class="button button-danger-quiet" data-testid="clear-day"
                                            aria-label=move || format!("{} · {}", i18n.t(Key::ClearDay), label_day)
                                            on:click=move |_| { notice.set(None); remove.dispatch(d2.clone()) }>
                                            {move || i18n.t(Key::ClearDay)}
                                        </button>
                                    </div>
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
fn AddDayForm(on_saved: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let day = RwSignal::new(String::new());
    let kind = RwSignal::new(DayKind::Holiday);
    let name = RwSignal::new(String::new());
    let save = Submit::new(move |input: CalendarDay| async move {
        api::set_calendar_days(std::slice::from_ref(&input))
            .await
            .map_err(one_row)?;
        day.set(String::new());
        name.set(String::new());
        on_saved.run(ymd(input.day));
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let date = match parse_day(&day.get_untracked()) {
            Ok(d) => d,
            Err(c) => return save.refuse(vec![local_error("day", c)]),
        };
        if let Err(c) = shared::validate::optional_text(Some(&name.get_untracked()), 64) {
            return save.refuse(vec![local_error("name", c)]);
        }
        let n = name.get_untracked().trim().to_string();
        save.dispatch(CalendarDay {
            day: date,
            kind: kind.get_untracked(),
            name: (!n.is_empty()).then_some(n),
        });
    };
    let day_invalid = move || field_errors.with(|e| e.iter().any(|x| x.field == "day"));
    view! {
        <form class="card form" on:submit=submit novalidate data-testid="add-day-form" aria-labelledby="add-day-title">
            <h3 id="add-day-title">{move || i18n.t(Key::AddDay)}</h3>
            <FormError error fields=field_errors/>
            <div class="form-grid">
                <div class="field" class:field-invalid=day_invalid>
                    <label for="calendar-day">{move || i18n.t(Key::Date)}</label>
                    <input id="calendar-day" type="date" data-testid="calendar-day-input" required
                        aria-invalid=move || day_invalid().to_string()
                        aria-describedby=move || day_invalid().then_some("calendar-day-error")
                        bind:value=day/>
                    <FieldErrorList errors=field_errors field="day" id="calendar-day-error".to_string()/>
                </div>
                <div class="field">
                    <label for="calendar-kind">{move || i18n.t(Key::DayKindLabel)}</label>
                    <select id="calendar-kind" data-testid="calendar-kind"
                        on:change=move |ev| kind.set(if event_target_value(&ev) == "workday" { DayKind::Workday } else { DayKind::Holiday })>
                        <option value="holiday" selected=move || kind.get() == DayKind::Holiday>{move || i18n.t(Key::DayHoliday)}</option>
                        <option value="workday" selected=move || kind.get() == DayKind::Workday>{move || i18n.t(Key::DayWorkday)}</option>
                    </select>
                </div>
            </div>
            <TextField id="calendar-name" label=Key::DayName value=name errors=field_errors field="name"
                hint=Key::DayNameHint testid="calendar-name"/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="add-day-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::AddDay) }}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_and_checked_by_the_shared_rule() {
        assert_eq!(parse_limit("3", "working_days"), Ok(Limit::WorkingDays(3)));
        assert_eq!(
            parse_limit(" 4 ", "working_hours"),
            Ok(Limit::WorkingHours(4))
        );
        assert_eq!(
            parse_limit("", "working_days"),
            Err(FieldErrorCode::Required)
        );
        assert_eq!(
            parse_limit("x", "working_days"),
            Err(FieldErrorCode::InvalidFormat)
        );
        assert_eq!(
            parse_limit("0", "working_days"),
            Err(FieldErrorCode::OutOfRange)
        );
        assert_eq!(
            parse_limit(&(MAX_WORKING_DAYS + 1).to_string(), "working_days"),
            Err(FieldErrorCode::OutOfRange)
        );
        assert_eq!(limit_text(Limit::WorkingDays(3), Lang::ZhCn), "3 个工作日");
        assert_eq!(
            limit_text(Limit::WorkingHours(1), Lang::En),
            "1 working hour"
        );
    }

    #[test]
    fn days_travel_as_iso_dates() {
        let d = parse_day("2026-10-01").unwrap();
        assert_eq!(ymd(d), "2026-10-01");
        assert_eq!(weekday_key(d), Key::Thursday);
        assert_eq!(parse_day(""), Err(FieldErrorCode::Required));
        assert_eq!(parse_day("2026-13-01"), Err(FieldErrorCode::InvalidFormat));
    }
}
