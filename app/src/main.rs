//! Linju in the browser: mounts the app, sets up language and session, and maps routes to
//! the pages of each area.

mod accounts;
mod api;
mod assessment;
mod audit;
mod board;
mod care;
mod cases;
mod clock;
mod council;
mod directives;
mod drag;
mod elder;
mod home;
mod i18n;
mod live;
mod map;
mod mediation;
mod offline;
mod places;
mod proxy;
mod settings;
mod shell;
mod stats;
mod submit;
mod supervision;
mod ui;
mod undo;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use accounts::{LoginPage, RequireAuth, Session, UserEditPage, UsersPage};
use i18n::I18n;
use shell::{NotFound, Shell};

fn main() {
    console_error_panic_hook::set_once();
    // The page shows a loading line until the app is ready; the app takes over from here.
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        el.remove();
    }
    leptos::mount::mount_to_body(App);
}

/// Wrap a page so only signed-in users see it.
macro_rules! protected {
    ($page:ident) => {
        || view! { <RequireAuth><$page/></RequireAuth> }
    };
}

/// A signed-in page that a resident in elder mode gets in its simple form (`?full` opens the
/// full one): 我要报事, 议事投票 and 我的事 of the elder home.
macro_rules! simple_for_elders {
    ($simple:ident, $full:ident) => {
        || {
            view! {
                <RequireAuth>
                    <SimpleForElders simple=|| view! { <$simple/> } full=|| view! { <$full/> }/>
                </RequireAuth>
            }
        }
    };
}

#[component]
fn App() -> impl IntoView {
    I18n::provide();
    offline::Offline::provide();
    let session = Session::provide();
    elder::Elder::provide(session);
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/") view=protected!(HomePage)/>
                    <Route path=path!("/places") view=protected!(PlacesRootPage)/>
                    <Route path=path!("/places/:id") view=protected!(PlacePage)/>
                    <Route path=path!("/residents/:id") view=protected!(ResidentPage)/>
                    <Route path=path!("/people") view=protected!(PeoplePage)/>
                    <Route path=path!("/proxy") view=protected!(ProxyPage)/>
                    <Route path=path!("/search") view=protected!(SearchPage)/>
                    <Route path=path!("/outbox") view=protected!(OutboxPage)/>
                    <Route path=path!("/report") view=simple_for_elders!(ElderReportPage, ReportPage)/>
                    <Route path=path!("/cases") view=simple_for_elders!(ElderMinePage, MyReportsPage)/>
                    <Route path=path!("/approvals") view=protected!(LedgerPage)/>
                    <Route path=path!("/cases/:id") view=protected!(CasePage)/>
                    <Route path=path!("/directives") view=protected!(DirectivesPage)/>
                    <Route path=path!("/notifications") view=protected!(NotificationsPage)/>
                    <Route path=path!("/board") view=protected!(BoardPage)/>
                    <Route path=path!("/council") view=simple_for_elders!(ElderVotePage, CouncilPage)/>
                    <Route path=path!("/council/items/:id") view=protected!(ItemPage)/>
                    <Route path=path!("/council/meetings") view=protected!(MeetingsPage)/>
                    <Route path=path!("/council/meetings/:id") view=protected!(MeetingPage)/>
                    <Route path=path!("/council/accountability") view=protected!(AccountabilityPage)/>
                    <Route path=path!("/map") view=protected!(MapPage)/>
                    <Route path=path!("/mediation") view=protected!(MediationBoardPage)/>
                    <Route path=path!("/mediation/:id") view=protected!(MediationFilePage)/>
                    <Route path=path!("/care") view=protected!(CarePage)/>
                    <Route path=path!("/care/errands") view=protected!(ErrandsPage)/>
                    <Route path=path!("/care/meals") view=protected!(MealsPage)/>
                    <Route path=path!("/care/volunteers") view=protected!(VolunteersPage)/>
                    <Route path=path!("/care/groups") view=protected!(GroupsPage)/>
                    <Route path=path!("/care/residents/:id") view=protected!(CareRecordPage)/>
                    <Route path=path!("/care/residents/:id/visit") view=protected!(VisitPage)/>
                    <Route path=path!("/mailbox") view=protected!(MailboxPage)/>
                    <Route path=path!("/stats") view=protected!(StatsPage)/>
                    <Route path=path!("/stats/cases") view=protected!(StatsCasesPage)/>
                    <Route path=path!("/stats/report") view=protected!(StatsReportPage)/>
                    <Route path=path!("/stats/assessment") view=protected!(AssessmentPage)/>
                    <Route path=path!("/stats/assessment/cases") view=protected!(AssessmentCasesPage)/>
                    <Route path=path!("/admin/users") view=protected!(UsersPage)/>
                    <Route path=path!("/admin/users/:id") view=protected!(UserEditPage)/>
                    <Route path=path!("/admin/audit") view=protected!(AuditPage)/>
                    <Route path=path!("/admin/data") view=protected!(DataPage)/>
                    <Route path=path!("/admin/settings") view=protected!(SettingsPage)/>
                    <Route path=path!("/admin/settings/:section") view=protected!(SettingsPage)/>
                </Routes>
            </Shell>
        </Router>
    }
}

use assessment::{AssessmentCasesPage, AssessmentPage};
use audit::AuditPage;
use board::BoardPage;
use care::{
    CarePage, CareRecordPage, ErrandsPage, GroupsPage, MailboxPage, MealsPage, VisitPage,
    VolunteersPage,
};
use cases::{CasePage, LedgerPage, MyReportsPage, NotificationsPage, ReportPage};
use council::{AccountabilityPage, CouncilPage, ItemPage, MeetingPage, MeetingsPage};
use directives::DirectivesPage;
use elder::{ElderMinePage, ElderReportPage, ElderVotePage, SimpleForElders};
use home::HomePage;
use map::MapPage;
use mediation::{MediationBoardPage, MediationFilePage};
use offline::page::OutboxPage;
use places::{DataPage, PeoplePage, PlacePage, PlacesRootPage, ResidentPage, SearchPage};
use proxy::ProxyPage;
use settings::SettingsPage;
use stats::{StatsCasesPage, StatsPage, StatsReportPage};
