//! Admin settings: the case categories (GB/T 30428 部件/事件 and services) and responsible
//! parties, the SLA table, the office calendar, the warning and escalation ladder
//! (`crate::supervision`), the board's WIP limits and Open311 API keys.
//! Every change goes to the server, which validates it; these screens check what `shared`
//! can check before sending and show the server's field errors next to the inputs.

mod catalog;
mod channels;
mod timing;

use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;
use shared::accounts::Permission;
use shared::error::FieldError;
use shared::i18n::Lang;

use crate::accounts::RequirePermission;
use crate::api::ApiError;
use crate::i18n::{Key, set_title, use_i18n};

/// Who may open the settings (the server asks the same permission of every settings call,
/// and the navigation offers the page by it).
const PERMISSION: Permission = Permission::ManageSettings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Categories,
    Parties,
    Sla,
    Calendar,
    Supervision,
    Board,
    Open311,
}

impl Section {
    const ALL: [Section; 7] = [
        Section::Categories,
        Section::Parties,
        Section::Sla,
        Section::Calendar,
        Section::Supervision,
        Section::Board,
        Section::Open311,
    ];

    fn slug(self) -> &'static str {
        match self {
            Section::Categories => "categories",
            Section::Parties => "parties",
            Section::Sla => "sla",
            Section::Calendar => "calendar",
            Section::Supervision => "supervision",
            Section::Board => "board",
            Section::Open311 => "open311",
        }
    }

    fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.slug() == s)
    }

    fn title(self) -> Key {
        match self {
            Section::Categories => Key::SettingsCategories,
            Section::Parties => Key::SettingsParties,
            Section::Sla => Key::SettingsSla,
            Section::Calendar => Key::SettingsCalendar,
            Section::Supervision => Key::SettingsSupervision,
            Section::Board => Key::SettingsBoard,
            Section::Open311 => Key::SettingsOpen311,
        }
    }

    fn intro(self) -> Key {
        match self {
            Section::Categories => Key::SettingsCategoriesIntro,
            Section::Parties => Key::SettingsPartiesIntro,
            Section::Sla => Key::SettingsSlaIntro,
            Section::Calendar => Key::SettingsCalendarIntro,
            Section::Supervision => Key::SettingsSupervisionIntro,
            Section::Board => Key::SettingsBoardIntro,
            Section::Open311 => Key::SettingsOpen311Intro,
        }
    }

    fn href(self) -> String {
        format!("/admin/settings/{}", self.slug())
    }
}

/// The settings page's address: `/admin/settings/{section}`.
#[derive(Params, Clone, PartialEq)]
struct SectionParams {
    section: Option<String>,
}

/// `/admin/settings` and `/admin/settings/{section}`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params::<SectionParams>();
    let section =
        Memo::new(
            move |_| match params.read().as_ref().ok().and_then(|p| p.section.clone()) {
                None => Some(Section::Categories),
                Some(s) => Section::parse(&s),
            },
        );
    view! {
        <RequirePermission permission=PERMISSION>
            {move || match section.get() {
                Some(s) => view! { <Settings section=s/> }.into_any(),
                None => view! { <crate::shell::NotFound/> }.into_any(),
            }}
        </RequirePermission>
    }
}

#[component]
fn Settings(section: Section) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        set_title(
            &format!(
                "{} · {}",
                i18n.t(section.title()),
                i18n.t(Key::SettingsTitle)
            ),
            i18n.get(),
        )
    });
    let tabs = Section::ALL
        .into_iter()
        .map(|s| {
            let current = s == section;
            view! {
                <li>
                    <a href=s.href() class="settings-tab" data-testid=format!("settings-tab-{}", s.slug())
                        aria-current=current.then_some("page")>
                        {move || i18n.t(s.title())}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::SettingsTitle)}</h1>
        </div>
        <nav class="settings-nav" aria-label=move || i18n.t(Key::SettingsSections)>
            <ul>{tabs}</ul>
        </nav>
        <section class="settings" aria-labelledby="settings-section-title" data-testid=format!("settings-{}", section.slug())>
            <h2 id="settings-section-title">{move || i18n.t(section.title())}</h2>
            <p class="lead">{move || i18n.t(section.intro())}</p>
            {match section {
                Section::Categories => view! { <catalog::CategoriesSection/> }.into_any(),
                Section::Parties => view! { <catalog::PartiesSection/> }.into_any(),
                Section::Sla => view! { <timing::SlaSection/> }.into_any(),
                Section::Calendar => view! { <timing::CalendarSection/> }.into_any(),
                Section::Supervision => view! { <crate::supervision::LadderSection/> }.into_any(),
                Section::Board => view! { <channels::WipSection/> }.into_any(),
                Section::Open311 => view! { <channels::Open311Section/> }.into_any(),
            }}
        </section>
    }
}

/// A bilingual name in the current language.
fn name_in(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::ZhCn => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A refusal of a one-row list call, its field marks named as the single form's fields.
fn one_row(e: ApiError) -> ApiError {
    match e {
        ApiError::Problem(mut p) => {
            p.errors = single_row(std::mem::take(&mut p.errors));
            ApiError::Problem(p)
        }
        other => other,
    }
}

/// Errors of a one-row list call (`0/limit`) as errors of the single form (`limit`).
fn single_row(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if let Some((_, rest)) = e
                .field
                .split_once('/')
                .filter(|(i, _)| i.parse::<usize>().is_ok())
            {
                e.field = rest.to_string();
            }
            e
        })
        .collect()
}

/// Move focus to an element by id once it is on the page: an opened editor's first input, or
/// back to the button that opened an editor just closed.
fn focus_id(id: impl Into<String>) {
    let id: String = id.into();
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::error::FieldErrorCode;

    #[test]
    fn sections_round_trip_through_their_slugs() {
        for s in Section::ALL {
            assert_eq!(Section::parse(s.slug()), Some(s));
            assert!(s.href().starts_with("/admin/settings/"));
        }
        assert_eq!(Section::parse("nope"), None);
    }

    #[test]
    fn one_row_errors_lose_their_index() {
        let e = |f: &str| FieldError {
            field: f.into(),
            code: FieldErrorCode::OutOfRange,
            message: String::new(),
        };
        let out = single_row(vec![e("0/limit"), e("name"), e("a/b")]);
        let fields: Vec<_> = out.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "name", "a/b"]);
    }
}
