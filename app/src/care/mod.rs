//! Care for special groups (关爱): due visits by risk level, the phone-first visit form whose
//! need becomes an errand or a case, each resident's care record, errands with the steps the
//! server allows the user, 幸福餐桌 meal delivery, and the secretary's mailbox (书记信箱).
//! Who may see whom, and which step is allowed, is decided in `shared::care` and by the
//! server; these pages show what the server returns and keep nothing in local storage.

mod due;
mod errands;
mod groups;
mod mailbox;
mod meals;
mod record;
mod visit;
mod volunteers;

pub use due::CarePage;
pub use errands::ErrandsPage;
pub use groups::GroupsPage;
pub use mailbox::MailboxPage;
pub use meals::MealsPage;
pub use record::CareRecordPage;
pub use visit::VisitPage;
pub use volunteers::VolunteersPage;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::care::RiskLevel;

use crate::i18n::{Key, use_i18n};

/// Fen as yuan: `4650` → `¥46.50`.
pub fn fmt_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

/// Yuan typed by a person (`46.5`, `46.50`, `46`, `￥46`) as fen; None when it is no amount.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches(['¥', '￥']).trim();
    if s.is_empty() {
        return None;
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 9
    {
        return None;
    }
    let yuan: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(yuan * 100 + fen)
}

pub fn risk_slug(risk: RiskLevel) -> &'static str {
    risk.as_str()
}

#[component]
pub fn RiskBadge(risk: RiskLevel) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge risk-badge risk-{}", risk_slug(risk)) data-testid="risk">
            {move || i18n.text(risk.text())}
        </span>
    }
}

/// The care area's own tabs: due visits, errands, meals, volunteers, and the special-group
/// counts for those who may read special-group tags.
#[component]
pub fn CareTabs() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let session = crate::accounts::use_session();
    let mut tabs = vec![
        ("/care", Key::CareDueTitle, "care-tab-due"),
        ("/care/errands", Key::CareErrandsTitle, "care-tab-errands"),
        ("/care/meals", Key::MealsTitle, "care-tab-meals"),
        ("/care/volunteers", Key::VolTab, "care-tab-volunteers"),
    ];
    if session.may(shared::accounts::Permission::RevealSensitive) {
        tabs.push(("/care/groups", Key::CareGroupsTab, "care-tab-groups"));
    }
    view! {
        <nav class="care-tabs" aria-label=move || i18n.t(Key::NavCare)>
            <ul>
                {tabs.into_iter().map(|(href, key, testid)| view! {
                    <li>
                        <a href=href class="care-tab" data-testid=testid
                            aria-current=move || (location.pathname.get() == href).then_some("page")>
                            {move || i18n.t(key)}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// A second-level case category chosen in two steps (group, then item), from the case meta.
#[component]
pub fn CategoryPicker(
    /// Prefix of the two selects' ids.
    id: &'static str,
    meta: LocalResource<crate::api::ApiResult<shared::cases::CaseMeta>>,
    category: RwSignal<Option<i64>>,
    errors: RwSignal<Vec<shared::error::FieldError>>,
    /// The API's name of the field (`category_id`, `case_category_id`).
    field: &'static str,
) -> impl IntoView {
    use crate::cases::category_name;
    use crate::ui::FieldErrorList;
    let i18n = use_i18n();
    let group = RwSignal::new(None::<i64>);
    let of = move |parent: Option<i64>| {
        meta.get()
            .and_then(Result::ok)
            .map(|m| {
                m.categories
                    .into_iter()
                    .filter(|c| c.parent_id == parent)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let group_id = format!("{id}-group");
    let item_id = format!("{id}-item");
    let invalid = move || errors.with(|e| e.iter().any(|x| x.field == field));
    view! {
        <div class="form-grid">
            <div class="field">
                <label for=group_id.clone()>{move || i18n.t(Key::CategoryGroup)}</label>
                <select id=group_id data-testid=format!("{id}-group")
                    on:change=move |ev| { group.set(event_target_value(&ev).parse().ok()); category.set(None); }>
                    <option value="" selected=move || group.get().is_none()>{move || i18n.t(Key::ChooseOne)}</option>
                    {move || of(None).into_iter().map(|g| {
                        let gid = g.id;
                        view! { <option value=gid.to_string() selected=move || group.get() == Some(gid)>{category_name(&g, i18n.get())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field" class:field-invalid=invalid>
                <label for=item_id.clone()>{move || i18n.t(Key::CategoryItem)}</label>
                <select id=item_id.clone() data-testid=format!("{id}-item") disabled=move || group.get().is_none()
                    aria-invalid=move || invalid().to_string()
                    on:change=move |ev| category.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || category.get().is_none()>{move || i18n.t(Key::ChooseOne)}</option>
                    {move || { let g = group.get(); g.map(|g| of(Some(g))).unwrap_or_default() }.into_iter().map(|c| {
                        let cid = c.id;
                        view! { <option value=cid.to_string() selected=move || category.get() == Some(cid)>{category_name(&c, i18n.get())}</option> }
                    }).collect_view()}
                </select>
                <FieldErrorList errors field id=format!("{item_id}-error")/>
            </div>
        </div>
    }
}

/// A field drops its error marks as soon as the user changes it.
pub fn clear_on_change(
    value: RwSignal<String>,
    errors: RwSignal<Vec<shared::error::FieldError>>,
    field: &'static str,
) {
    Effect::new(move |first: Option<()>| {
        value.track();
        if first.is_some() {
            errors.update(|e| e.retain(|x| x.field != field));
        }
    });
}

/// Field errors of a shared validation, in the shape the server sends.
pub fn local_errors(errs: shared::error::FieldErrors) -> Vec<shared::error::FieldError> {
    errs.0
        .into_iter()
        .map(|(f, c)| crate::ui::local_error(&f, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_and_fen() {
        assert_eq!(parse_yuan("46.5"), Some(4650));
        assert_eq!(parse_yuan("46.50"), Some(4650));
        assert_eq!(parse_yuan(" ￥12 "), Some(1200));
        assert_eq!(parse_yuan("0.05"), Some(5));
        assert_eq!(parse_yuan(".5"), Some(50));
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("."), None);
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(fmt_yuan(4650), "¥46.50");
        assert_eq!(fmt_yuan(5), "¥0.05");
    }
}
