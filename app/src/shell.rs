//! The frame around every page: skip link, brand, navigation by role (collapsing to a menu
//! on phones), the language switch and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;
use shared::accounts::Permission;

use crate::accounts::{Auth, use_session};
use crate::api;
use crate::cases::Bell;
use crate::elder::{ElderSwitch, ReadAloudBar, ReadAloudSwitch, stop_reading};
use crate::i18n::{Key, set_title, use_i18n};

/// A section of the app: a link in the navigation and, with a title and a hint, a tile on
/// the home page. Who sees it is decided here once, for both.
#[derive(Clone, Copy)]
pub struct NavItem {
    pub href: &'static str,
    key: Key,
    pub testid: &'static str,
    /// The home page's tile: a plain title and what the section is for.
    pub tile: Option<(Key, Key)>,
    needs: Option<Permission>,
    /// Only for those who work the board (office and grid workers).
    board: bool,
}

const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        tile: None,
        key: Key::NavHome,
        testid: "nav-home",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/board",
        tile: Some((Key::TileBoard, Key::TileBoardHint)),
        key: Key::NavBoard,
        testid: "nav-board",
        needs: None,
        board: true,
    },
    NavItem {
        href: "/map",
        tile: Some((Key::TileMap, Key::TileMapHint)),
        key: Key::NavMap,
        testid: "nav-map",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/report",
        tile: Some((Key::TileReport, Key::TileReportHint)),
        key: Key::NavReport,
        testid: "nav-report",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/cases",
        tile: Some((Key::TileMyReports, Key::TileMyReportsHint)),
        key: Key::NavMyReports,
        testid: "nav-my-reports",
        needs: None,
        board: false,
    },
    // Every signed-in role: the server lists only the files the user may see (a resident's
    // own, a mediator's, the office's and the grid's).
    NavItem {
        href: "/mediation",
        tile: Some((Key::TileMediation, Key::TileMediationHint)),
        key: Key::NavMediation,
        testid: "nav-mediation",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/council",
        tile: Some((Key::TileCouncil, Key::TileCouncilHint)),
        key: Key::NavCouncil,
        testid: "nav-council",
        needs: None,
        board: false,
    },
    // Care pages show each user what the server returns for them (their grids' residents,
    // those they help, their deliveries), with a friendly empty state otherwise.
    NavItem {
        href: "/care",
        tile: Some((Key::TileCare, Key::TileCareHint)),
        key: Key::NavCare,
        testid: "nav-care",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/mailbox",
        tile: Some((Key::TileMailbox, Key::TileMailboxHint)),
        key: Key::NavMailbox,
        testid: "nav-mailbox",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/places",
        tile: Some((Key::QuickPlaces, Key::QuickPlacesHintPublic)),
        key: Key::NavPlaces,
        testid: "nav-places",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/people",
        tile: Some((Key::NavPeople, Key::PeopleTileHint)),
        key: Key::NavPeople,
        testid: "nav-people",
        needs: Some(Permission::ViewPeople),
        board: false,
    },
    // 代办: acting for a resident in their presence (the office, and grid workers).
    NavItem {
        href: "/proxy",
        tile: Some((Key::ProxyTitle, Key::ProxyTileHint)),
        key: Key::ProxyTitle,
        testid: "nav-proxy",
        needs: Some(Permission::ActForResidents),
        board: false,
    },
    NavItem {
        href: "/search",
        tile: Some((Key::QuickSearch, Key::QuickSearchHintPublic)),
        key: Key::NavSearch,
        testid: "nav-search",
        needs: None,
        board: false,
    },
    NavItem {
        href: "/directives",
        tile: None,
        key: Key::NavDirectives,
        testid: "nav-directives",
        needs: Some(Permission::FollowDirectives),
        board: false,
    },
    NavItem {
        href: "/approvals",
        tile: None,
        key: Key::NavLedger,
        testid: "nav-ledger",
        needs: Some(Permission::DecideCaseRequests),
        board: false,
    },
    NavItem {
        href: "/stats",
        tile: Some((Key::TileStats, Key::TileStatsHint)),
        key: Key::NavStats,
        testid: "nav-stats",
        needs: Some(Permission::ViewStatistics),
        board: false,
    },
    NavItem {
        href: "/admin/users",
        tile: Some((Key::QuickUsers, Key::QuickUsersHint)),
        key: Key::NavUsers,
        testid: "nav-users",
        needs: Some(Permission::ManageUsers),
        board: false,
    },
    NavItem {
        href: "/admin/audit",
        tile: Some((Key::QuickAudit, Key::QuickAuditHint)),
        key: Key::NavAudit,
        testid: "nav-audit",
        needs: Some(Permission::ViewAudit),
        board: false,
    },
    NavItem {
        href: "/admin/data",
        tile: Some((Key::QuickData, Key::QuickDataHint)),
        key: Key::NavData,
        testid: "nav-data",
        needs: Some(Permission::BulkData),
        board: false,
    },
    NavItem {
        href: "/admin/settings",
        tile: Some((Key::TileSettings, Key::TileSettingsHint)),
        key: Key::NavSettings,
        testid: "nav-settings",
        needs: Some(Permission::ManageSettings),
        board: false,
    },
];

/// The sections the signed-in user may use, in navigation order.
pub fn sections(session: &crate::accounts::Session) -> impl Iterator<Item = &'static NavItem> {
    let may_use_board = session
        .principal()
        .is_some_and(|p| crate::board::may_use_board(&p));
    NAV.iter()
        .filter(move |item| item.needs.is_none_or(|p| session.may(p)))
        .filter(move |item| !item.board || may_use_board)
}

/// The administration's sections (accounts, audit log, data, settings) share one entry of the
/// navigation, a menu: with every other section beside them they would not fit one line. Where
/// there is such a menu, 督办, the approvals ledger and 代办 join it for the same reason; a grid
/// worker, with no administration, keeps 督办 and 代办 in the bar.
fn in_admin_group(item: &NavItem, beside_administration: bool) -> bool {
    item.href.starts_with("/admin/")
        || (beside_administration && matches!(item.href, "/approvals" | "/directives" | "/proxy"))
}

/// Is `path` the page of this nav item or below it?
fn is_current(href: &str, path: &str) -> bool {
    if href == "/" {
        path == "/"
    } else {
        path == href
            || path.starts_with(&format!("{href}/"))
            || (href == "/places" && path.starts_with("/residents/"))
    }
}

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let menu_open = RwSignal::new(false);
    let admin_open = RwSignal::new(false);
    let signed_in = Memo::new(move |_| session.auth.with(|a| matches!(a, Auth::SignedIn(_))));

    // On every page change: close the phone menu and move focus to the new page's content,
    // so keyboard and screen-reader users start at the top of what they asked for.
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        menu_open.set(false);
        admin_open.set(false);
        stop_reading();
        if previous.is_some_and(|p| p != path) {
            request_animation_frame(focus_main);
        }
        path
    });
    // Tell the API which language to answer in.
    Effect::new(move |_| api::set_language(i18n.get()));

    let unsent = crate::offline::outbox::use_outbox().unsent();
    let logout = move |_| {
        // Signing out deletes the outbox: say so first when something in it is not sent.
        let n = unsent.get_untracked();
        if n > 0 {
            let question = i18n.fmt(Key::OutboxSignOutWarning, &[("n", &n.to_string())]);
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false);
            if !sure {
                return;
            }
        }
        spawn_local(async move {
            let _ = api::logout().await;
            crate::offline::forget_everything().await;
            session.auth.set(Auth::SignedOut);
        });
    };

    let link = move |item: &'static NavItem, path: &str| {
        let current = is_current(item.href, path);
        view! {
            <li>
                <a href=item.href data-testid=item.testid class="nav-link"
                    aria-current=current.then_some("page")>
                    {move || i18n.t(item.key)}
                </a>
            </li>
        }
    };
    let nav_links = move || {
        let path = location.pathname.get();
        let all: Vec<&'static NavItem> = sections(&session).collect();
        let administers = all.iter().any(|item| item.href.starts_with("/admin/"));
        let (admin, main): (Vec<&'static NavItem>, Vec<&'static NavItem>) = all
            .into_iter()
            .partition(|item| in_admin_group(item, administers));
        let here = admin.iter().any(|item| is_current(item.href, &path));
        let group = (!admin.is_empty()).then(|| {
            let links = admin.iter().map(|item| link(item, &path)).collect_view();
            view! {
                <li class="nav-group" data-testid="nav-group"
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" && admin_open.get_untracked() {
                            admin_open.set(false);
                            focus_by_id("nav-group-toggle");
                        }
                    }
                    on:focusout=move |ev: web_sys::FocusEvent| {
                        // The focus left the menu (Tab past its last link): it closes.
                        use wasm_bindgen::JsCast;
                        let inside = ev
                            .related_target()
                            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                            .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                            .is_some_and(|(to, group)| group.contains(Some(&to)));
                        if !inside {
                            admin_open.set(false);
                        }
                    }>
                    <button type="button" id="nav-group-toggle" class="nav-link nav-group-toggle" data-testid="nav-more"
                        class:is-current=here aria-expanded=move || admin_open.get().to_string() aria-controls="nav-group-list"
                        on:click=move |_| admin_open.update(|o| *o = !*o)>
                        {move || i18n.t(Key::NavAdmin)}<span class="nav-group-caret" aria-hidden="true"></span>
                    </button>
                    <ul id="nav-group-list" class="nav-group-list" class:is-open=move || admin_open.get()>{links}</ul>
                </li>
            }
        });
        view! {
            {main.into_iter().map(|item| link(item, &path)).collect_view()}
            {group}
        }
    };

    let user_line = move || {
        session.principal().map(|p| {
            let roles = p.roles.clone();
            view! {
                <p class="user-line">
                    <span class="visually-hidden">{move || i18n.t(Key::SignedInAs)}": "</span>
                    <span class="user-name" data-testid="user-name" data-user-text>{p.display_name.clone()}</span>
                    <span class="user-roles">
                        {move || roles.iter().map(|r| i18n.text(r.text())).collect::<Vec<_>>().join("、")}
                    </span>
                </p>
            }
        })
    };

    let lang_button = move || {
        view! {
            <button type="button" class="button button-quiet lang-switch" data-testid="lang-switch"
                lang=move || if i18n.get() == shared::i18n::Lang::ZhCn { "en" } else { "zh-CN" }
                title=move || i18n.t(Key::SwitchLanguageLabel)
                on:click=move |_| i18n.toggle()>
                // The other language's name in that language: not a word to translate.
                <span translate="no">{move || i18n.t(Key::SwitchLanguage)}</span>
            </button>
        }
    };

    view! {
        <a class="skip-link" href="#main">{move || i18n.t(Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="header-bar">
                <a href="/" class="brand" data-testid="brand">
                    <span class="brand-mark" aria-hidden="true" translate="no">"邻"</span>
                    <span class="brand-text">
                        <span class="brand-name">{move || i18n.t(Key::AppName)}</span>
                        <span class="brand-tagline">{move || i18n.t(Key::AppTagline)}</span>
                    </span>
                </a>
                <Show
                    when=move || signed_in.get()
                    fallback=move || view! { <div class="header-tools"><ElderSwitch/>{lang_button()}</div> }
                >
                    <Bell/>
                    <button type="button" class="button button-quiet menu-toggle" data-testid="menu-toggle"
                        aria-expanded=move || menu_open.get().to_string() aria-controls="site-menu"
                        on:click=move |_| menu_open.update(|o| *o = !*o)>
                        <span class="menu-icon" aria-hidden="true"></span>
                        {move || i18n.t(Key::Menu)}
                    </button>
                </Show>
            </div>
            <Show when=move || signed_in.get()>
                <div id="site-menu" class="site-menu" class:is-open=move || menu_open.get()>
                    <nav aria-label=move || i18n.t(Key::MainNav) data-testid="nav">
                        <ul class="nav-list">{nav_links}</ul>
                    </nav>
                    <div class="account">
                        {user_line}
                        <ElderSwitch/>
                        <ReadAloudSwitch/>
                        {lang_button()}
                        <button type="button" class="button button-quiet" data-testid="logout" on:click=logout>
                            {move || i18n.t(Key::Logout)}
                        </button>
                    </div>
                </div>
            </Show>
        </header>
        <crate::offline::ConnectionStatus/>
        <ReadAloudBar/>
        <main id="main" class="site-main" tabindex="-1">
            {children()}
        </main>
    }
}

fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

fn focus_main() {
    use wasm_bindgen::JsCast;
    if let Some(main) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::NotFoundTitle), i18n.get()));
    view! {
        <section class="card not-found" data-testid="not-found">
            <h1>{move || i18n.t(Key::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Key::NotFoundBody)}</p>
            <p><a class="button button-primary" href="/">{move || i18n.t(Key::BackHome)}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn nav_marks_the_section_of_the_page() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/places"));
        assert!(is_current("/places", "/places/12"));
        assert!(is_current("/places", "/residents/4"));
        assert!(!is_current("/places", "/placesx"));
        assert!(is_current("/admin/users", "/admin/users/3"));
    }
}
