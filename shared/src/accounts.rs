//! Users, roles and what each role may do. The permission table below is the single source
//! of truth: the server checks every request against it, the browser hides what it forbids.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民
    Resident,
    /// 网格员 — scoped to their grids.
    GridWorker,
    /// 调解员
    Mediator,
    /// 社区工作人员
    Staff,
    /// 书记 / 管理员
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Resident,
        Role::GridWorker,
        Role::Mediator,
        Role::Staff,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::GridWorker => "grid_worker",
            Role::Mediator => "mediator",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            Role::Resident => Text::new("居民", "Resident"),
            Role::GridWorker => Text::new("网格员", "Grid worker"),
            Role::Mediator => Text::new("调解员", "Mediator"),
            Role::Staff => Text::new("社区工作人员", "Community staff"),
            Role::Admin => Text::new("书记/管理员", "Secretary / admin"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

/// Everything a request may ask to do. Each API operation names exactly one (the OpenAPI
/// document's `x-permission`), and the authorization matrix test holds every operation's
/// answers to each role against [`reach`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Answer without signing in: health checks, signing in, the API's description, Open311.
    Public,
    /// One's own account: who one is, signing out, one's notifications and settings.
    OwnAccount,
    /// Reference data everyone works with: categories, time limits, the calendar, the council's
    /// and care's settings, menus.
    ViewReference,
    /// Change the settings: categories, parties, time limits, the calendar, WIP limits, the
    /// council's and care's settings, the time bank, Open311 keys.
    ManageSettings,
    /// See the hierarchy down to buildings: names, codes, shapes, leaders; the map.
    ViewPlaces,
    /// Create, change and delete streets, communities, grids, micro-grids, buildings.
    EditPlaces,
    /// See households and residents (masked).
    ViewPeople,
    /// Register and change households and residents.
    EditPeople,
    /// Read full ID numbers, phones and special-group tags — always audit-logged.
    RevealSensitive,
    /// Import and export the hierarchy and residents in bulk.
    BulkData,
    /// Create users, set roles and scopes, reset passwords, disable accounts.
    ManageUsers,
    /// Find the people one may give work to (the person picker).
    NamePeople,
    /// Read the audit log.
    ViewAudit,
    /// Report a problem, add photos to it, rate how it was handled.
    ReportCases,
    /// Read cases: the office all, grid workers their grids', everyone their own reports.
    ViewCases,
    /// Move a case a stage on (the moves a user may make are `shared::cases::legal_actions`).
    MoveCases,
    /// Work the status board: the board, its live feed, ranking, undo, assignees.
    WorkCases,
    /// Walk and record patrols.
    Patrol,
    /// Read the council: items, comments, meetings, ballots, accountability.
    ViewCouncil,
    /// Raise an item, comment, add photos (where one lives or works).
    Deliberate,
    /// Support an item, vote on a ballot (or record a show of hands).
    Vote,
    /// Run deliberation: accept and decide items, ballots, meetings, minutes, hide comments.
    RunCouncil,
    /// Open a dispute file (a resident for themselves).
    OpenMediation,
    /// Read dispute files: the office, their mediators, their parties, the grid's worker.
    ViewMediation,
    /// Mediate: sessions, records, the agreement, time limits, the parties' consent.
    Mediate,
    /// Care for special groups: pairings, visits, errands, meals — for those one looks after.
    CareWork,
    /// Run care: volunteer teams and their hours, menus.
    ManageCare,
    /// One's volunteer record, hours and points; the teams.
    Volunteer,
    /// Write to the secretary (书记信箱) and read one's letters.
    WriteLetters,
    /// Answer letters to the secretary.
    AnswerLetters,
    /// Read the statistics dashboard: the office the whole community, grid workers their grids.
    ViewStatistics,
    /// Issue a 督办 (directive) on a case: the office.
    IssueDirectives,
    /// Read and answer the 督办 addressed to oneself (the office reads them all).
    FollowDirectives,
    /// Decide requests to send back, void, extend or postpone a case, and read and export
    /// their ledger: the office.
    DecideCaseRequests,
    /// Act on a resident's behalf, in their presence (代办): report, support, vote, write to
    /// the secretary, ask for an errand — the office anywhere, grid workers in their grids.
    ActForResidents,
}

impl Permission {
    pub const ALL: [Permission; 35] = [
        Permission::Public,
        Permission::OwnAccount,
        Permission::ViewReference,
        Permission::ManageSettings,
        Permission::ViewPlaces,
        Permission::EditPlaces,
        Permission::ViewPeople,
        Permission::EditPeople,
        Permission::RevealSensitive,
        Permission::BulkData,
        Permission::ManageUsers,
        Permission::NamePeople,
        Permission::ViewAudit,
        Permission::ReportCases,
        Permission::ViewCases,
        Permission::MoveCases,
        Permission::WorkCases,
        Permission::Patrol,
        Permission::ViewCouncil,
        Permission::Deliberate,
        Permission::Vote,
        Permission::RunCouncil,
        Permission::OpenMediation,
        Permission::ViewMediation,
        Permission::Mediate,
        Permission::CareWork,
        Permission::ManageCare,
        Permission::Volunteer,
        Permission::WriteLetters,
        Permission::AnswerLetters,
        Permission::ViewStatistics,
        Permission::IssueDirectives,
        Permission::FollowDirectives,
        Permission::DecideCaseRequests,
        Permission::ActForResidents,
    ];

    /// The name in the OpenAPI document's `x-permission`.
    pub fn as_str(self) -> &'static str {
        use Permission::*;
        match self {
            Public => "public",
            OwnAccount => "own_account",
            ViewReference => "view_reference",
            ManageSettings => "manage_settings",
            ViewPlaces => "view_places",
            EditPlaces => "edit_places",
            ViewPeople => "view_people",
            EditPeople => "edit_people",
            RevealSensitive => "reveal_sensitive",
            BulkData => "bulk_data",
            ManageUsers => "manage_users",
            NamePeople => "name_people",
            ViewAudit => "view_audit",
            ReportCases => "report_cases",
            ViewCases => "view_cases",
            MoveCases => "move_cases",
            WorkCases => "work_cases",
            Patrol => "patrol",
            ViewCouncil => "view_council",
            Deliberate => "deliberate",
            Vote => "vote",
            RunCouncil => "run_council",
            OpenMediation => "open_mediation",
            ViewMediation => "view_mediation",
            Mediate => "mediate",
            CareWork => "care_work",
            ManageCare => "manage_care",
            Volunteer => "volunteer",
            WriteLetters => "write_letters",
            AnswerLetters => "answer_letters",
            ViewStatistics => "view_statistics",
            IssueDirectives => "issue_directives",
            FollowDirectives => "follow_directives",
            DecideCaseRequests => "decide_case_requests",
            ActForResidents => "act_for_residents",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// How far one role reaches for one permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    Nothing,
    /// Only records of their own: what they reported, raised, applied for, look after, or
    /// are a party to; which ones, the area's rule says.
    OwnRecords,
    /// Only records in the grids the user is assigned to (and their own records).
    OwnGrids,
    /// The whole community.
    Everything,
}

/// The permission table: every role × every permission. Residents and mediators reach people
/// through their own records, not through the registry of residents.
pub fn reach(role: Role, permission: Permission) -> Reach {
    use Permission::*;
    use Reach::*;
    match (role, permission) {
        // Everyone signed in.
        (_, Public | OwnAccount | ViewReference | ViewPlaces | ReportCases | ViewCouncil) => {
            Everything
        }
        (_, WriteLetters) => Everything,
        // The secretary and the admin alone.
        (Role::Admin, _) => Everything,
        (_, ManageSettings | EditPlaces | ManageUsers | ViewAudit | BulkData) => Nothing,
        // The office.
        (Role::Staff, _) => Everything,
        (_, ManageCare | AnswerLetters | IssueDirectives | DecideCaseRequests) => Nothing,
        // Grid workers in their grids.
        (Role::GridWorker, ViewPeople | EditPeople | RevealSensitive | NamePeople) => OwnGrids,
        (Role::GridWorker, ViewCases | MoveCases | WorkCases | Patrol) => OwnGrids,
        (Role::GridWorker, Deliberate | Vote | RunCouncil) => OwnGrids,
        (Role::GridWorker, OpenMediation | ViewMediation) => OwnGrids,
        (Role::GridWorker, CareWork | Volunteer) => OwnGrids,
        (Role::GridWorker, ViewStatistics | ActForResidents) => OwnGrids,
        (Role::GridWorker, Mediate) => Nothing,
        // A 督办 addressed to them (grid workers may be addressed for cases of their grids).
        (Role::GridWorker, FollowDirectives) => OwnRecords,
        // Mediators: the files they mediate; as people, their own records.
        (Role::Mediator, OpenMediation) => Everything,
        (Role::Mediator, ViewMediation | Mediate) => OwnRecords,
        (Role::Mediator, ViewCases | MoveCases | CareWork | Volunteer | NamePeople) => OwnRecords,
        // A 督办 on an agreement term of a file they mediate, addressed to them.
        (Role::Mediator, FollowDirectives) => OwnRecords,
        (Role::Mediator, _) => Nothing,
        // Residents: their own reports, items, votes, files, the people they look after.
        (Role::Resident, ViewCases | MoveCases | Deliberate | Vote) => OwnRecords,
        (Role::Resident, OpenMediation | ViewMediation | CareWork | Volunteer | NamePeople) => {
            OwnRecords
        }
        (Role::Resident, _) => Nothing,
    }
}

/// The signed-in user as the rules see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Grids this user works in (grid workers, building leaders).
    pub grid_ids: Vec<i64>,
}

/// Who is signed in on this browser, if anyone: the answer to `GET /auth/session`. Being
/// signed out is a state, not an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionState {
    /// The signed-in user; `null` when nobody is (no session, or it ended).
    pub principal: Option<Principal>,
}

/// Which records a query may return for a user and a permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    None,
    Grids(Vec<i64>),
    All,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The community office: staff and admins (the secretary), who act on every record.
    pub fn is_office(&self) -> bool {
        self.has_role(Role::Staff) || self.has_role(Role::Admin)
    }

    pub fn reach(&self, permission: Permission) -> Reach {
        self.roles
            .iter()
            .map(|r| reach(*r, permission))
            .max()
            .unwrap_or(Reach::Nothing)
    }

    /// May this user use an operation of this permission at all? (Which records, the
    /// area decides with [`Principal::scope`] and its own rule for records of their own.)
    pub fn may(&self, permission: Permission) -> bool {
        match self.reach(permission) {
            Reach::Nothing => false,
            Reach::OwnRecords => true,
            Reach::OwnGrids => !self.grid_ids.is_empty(),
            Reach::Everything => true,
        }
    }

    /// The grids whose records this permission reaches; records of one's own are found by
    /// the area, not by grid.
    pub fn scope(&self, permission: Permission) -> Scope {
        match self.reach(permission) {
            Reach::Nothing | Reach::OwnRecords => Scope::None,
            Reach::OwnGrids if self.grid_ids.is_empty() => Scope::None,
            Reach::OwnGrids => Scope::Grids(self.grid_ids.clone()),
            Reach::Everything => Scope::All,
        }
    }

    /// May this user act on a record that lies in `grid_id` (None: above grid level)?
    pub fn may_in_grid(&self, permission: Permission, grid_id: Option<i64>) -> bool {
        match self.scope(permission) {
            Scope::None => false,
            Scope::All => true,
            Scope::Grids(ids) => grid_id.is_some_and(|g| ids.contains(&g)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A user as the admin screens show it. Never carries the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub grid_ids: Vec<i64>,
    pub disabled: bool,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The work phone residents may call (a grid worker's, on 找网格员).
    #[serde(default)]
    pub work_phone: Option<String>,
    /// Where the account's photo is served ([`user_photo_url`]); none when no photo is set.
    #[serde(default)]
    pub photo_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub grid_ids: Vec<i64>,
}

/// Changes to a user; `version` is the version the editor saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    pub display_name: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub grid_ids: Vec<i64>,
    pub disabled: bool,
    /// The work phone residents may call ([`parse_work_phone`]); absent or blank: none.
    #[serde(default)]
    pub work_phone: Option<String>,
    pub version: i64,
}

/// A work phone as stored: blank is none; else a mainland mobile or a landline with its area
/// code (`validate::Phone`), kept without spaces so a `tel:` link dials it as it is.
pub fn parse_work_phone(s: Option<&str>) -> Result<Option<String>, crate::error::FieldErrorCode> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Ok(Some(crate::validate::Phone::parse(s)?.as_str().to_string())),
    }
}

/// Where an account's photo is served; the version makes a replaced photo a new address.
pub fn user_photo_url(user_id: i64, version: i64) -> String {
    format!("/api/v1/users/{user_id}/photo?v={version}")
}

/// Which version of a user a photo change is made against (`PUT`/`DELETE /users/{id}/photo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserVersion {
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPassword {
    pub password: String,
    pub version: i64,
}

/// Validated form of a role list: at least one role, no repeats, sorted.
pub fn parse_roles(roles: &[Role]) -> Result<Vec<Role>, crate::error::FieldErrorCode> {
    let mut out = roles.to_vec();
    out.sort();
    out.dedup();
    if out.is_empty() {
        Err(crate::error::FieldErrorCode::Required)
    } else {
        Ok(out)
    }
}

/// Someone work can be given to — a meal's deliverer, a pairing's helper, a volunteer — as
/// the person picker lists them: an enabled account with its roles and the grids it works in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub grids: Vec<crate::places::PlaceRef>,
}

/// At most this many people answer one search of the person picker.
pub const PEOPLE_LIMIT: usize = 50;

/// Whose accounts `who` may list in the person picker: those who give people work (who may
/// register and care for residents, `EditPeople`) — the office everyone, a grid worker the
/// accounts working in their own grids (and themselves); others nobody.
pub fn people_scope(who: &Principal) -> Scope {
    who.scope(Permission::EditPeople)
}

/// Is this account (with these grids) in the person picker of someone with `scope`?
pub fn person_in_scope(scope: &Scope, who: &Principal, user_id: i64, grid_ids: &[i64]) -> bool {
    match scope {
        Scope::None => false,
        Scope::All => true,
        Scope::Grids(own) => user_id == who.user_id || grid_ids.iter().any(|g| own.contains(g)),
    }
}

/// Work one user gives another by naming them — the people a person picker chooses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// Takes a dispatched case (处置人): the office, or a grid worker of the case's grid.
    CaseAssignee,
    /// Brings a resident their meals (送餐员).
    MealDeliverer,
    /// Looks after a resident in a care pairing (结对帮扶人): volunteers, neighbours, workers.
    PairingHelper,
    /// Mediates a dispute (调解员, 人民调解法 Art. 19).
    Mediator,
    /// Serves in a volunteer team (志愿者) with their own account, to see their hours and points.
    Volunteer,
}

impl Work {
    pub const ALL: [Work; 5] = [
        Work::CaseAssignee,
        Work::MealDeliverer,
        Work::PairingHelper,
        Work::Mediator,
        Work::Volunteer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Work::CaseAssignee => "case_assignee",
            Work::MealDeliverer => "meal_deliverer",
            Work::PairingHelper => "pairing_helper",
            Work::Mediator => "mediator",
            Work::Volunteer => "volunteer",
        }
    }

    /// Whose accounts `who` may name for this work. Mediators serve the whole community and
    /// their names are not confidential: whoever may open a dispute file may name them. Other
    /// work is given by those who care for residents ([`people_scope`]).
    pub fn scope(self, who: &Principal) -> Scope {
        match self {
            Work::Mediator => Scope::All,
            Work::CaseAssignee | Work::MealDeliverer | Work::PairingHelper | Work::Volunteer => {
                people_scope(who)
            }
        }
    }

    /// May an account with these roles, working in these grids, do this work on a record in
    /// `record_grid`? Care is done by residents who volunteer, grid workers and the office, not
    /// by a mediator's account; cases by the office anywhere and grid workers in their grids
    /// (a case above grid level only by the office).
    pub fn fits(self, roles: &[Role], grid_ids: &[i64], record_grid: Option<i64>) -> bool {
        let has = |r: Role| roles.contains(&r);
        match self {
            Work::CaseAssignee => {
                has(Role::Staff)
                    || has(Role::Admin)
                    || (has(Role::GridWorker) && record_grid.is_some_and(|g| grid_ids.contains(&g)))
            }
            Work::MealDeliverer | Work::PairingHelper => {
                has(Role::Resident) || has(Role::GridWorker) || has(Role::Staff) || has(Role::Admin)
            }
            Work::Mediator => has(Role::Mediator),
            // Anyone may volunteer, mediators and the office included.
            Work::Volunteer => !roles.is_empty(),
        }
    }
}

/// May `who` name this account (its id, roles and grids) for `work` on a record in
/// `record_grid`? The one rule behind the person picker's list and the server's check of
/// every write that names a person: outside the caller's reach is `out_of_scope`, an account
/// that may not do the work (role, or a grid worker of another grid) `not_eligible`.
pub fn may_name_for(
    work: Work,
    who: &Principal,
    user_id: i64,
    roles: &[Role],
    grid_ids: &[i64],
    record_grid: Option<i64>,
) -> Result<(), crate::error::FieldErrorCode> {
    if !person_in_scope(&work.scope(who), who, user_id, grid_ids) {
        return Err(crate::error::FieldErrorCode::OutOfScope);
    }
    if !work.fits(roles, grid_ids, record_grid) {
        return Err(crate::error::FieldErrorCode::NotEligible);
    }
    Ok(())
}

/// From this age (by the record's birth year) a resident is offered elder mode (长辈版) once, on
/// signing in: the age the issue and the MIIT 适老化 guidelines' target group set.
pub const ELDER_OFFER_AGE: i32 = 65;

/// Is a resident born in `birth_year` of elder age on `today` (the Beijing date)? Only the year
/// is on record, so the age is the difference of years: born 1956, 65 from 1 January 2021.
pub fn is_elder(birth_year: Option<i32>, today: time::Date) -> bool {
    birth_year.is_some_and(|y| today.year() - y >= ELDER_OFFER_AGE)
}

/// Does the app offer elder mode to this account now? Once, to a resident account verified as a
/// registered resident of elder age who has neither answered the offer nor already chosen it.
pub fn elder_mode_offered(
    roles: &[Role],
    birth_year: Option<i32>,
    today: time::Date,
    preferences: &Preferences,
    offer_answered: bool,
) -> bool {
    roles.contains(&Role::Resident)
        && is_elder(birth_year, today)
        && !offer_answered
        && !preferences.elder_mode
}

/// How the app shows itself to one account, kept with the account (the device keeps its own
/// copy, so it applies before signing in). `version` 0: never saved, the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    /// 长辈版: large text, large targets, one column, the simple home.
    pub elder_mode: bool,
    /// The read-aloud (语音朗读) button on resident pages.
    pub read_aloud: bool,
    /// Email and SMS besides the app (supervision's channels).
    #[serde(default)]
    pub channels: crate::supervision::ChannelPreferences,
    pub version: i64,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            elder_mode: false,
            read_aloud: true,
            channels: crate::supervision::ChannelPreferences::default(),
            version: 0,
        }
    }
}

/// The answer to `GET /me/preferences`: the preferences and whether to offer elder mode now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreferencesView {
    #[serde(flatten)]
    pub preferences: Preferences,
    /// Ask this user once whether they want elder mode ([`elder_mode_offered`]).
    pub offer_elder_mode: bool,
}

/// Save one's preferences; `version` is the version read (0 when never saved).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePreferences {
    pub elder_mode: bool,
    pub read_aloud: bool,
    /// The elder-mode offer was answered (yes or no): it is not made again.
    #[serde(default)]
    pub offer_answered: bool,
    /// Email and SMS; absent: kept as saved.
    #[serde(default)]
    pub channels: Option<crate::supervision::ChannelPreferences>,
    pub version: i64,
}

/// What the resident's simple home needs about where they live: the place a report is filed
/// at (the building of their household, the finest place they may name) and whom to call.
/// Empty for an account not verified as a registered resident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentHome {
    pub place: Option<crate::places::PlaceRefWithPath>,
    /// The grid workers of their grid (找网格员).
    pub grid_workers: Vec<GridWorkerContact>,
}

/// A resident's grid worker as 找网格员 shows them: whom to call about what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridWorkerContact {
    pub display_name: String,
    /// The work phone the grid publishes (网格员公示牌), for a `tel:` link; none when not given.
    pub work_phone: Option<String>,
    pub grid: crate::places::PlaceRef,
    /// Their photo's address ([`user_photo_url`]); none: the card shows their initials.
    #[serde(default)]
    pub photo_url: Option<String>,
}

/// What a grid worker's card shows without a photo: the first character of the name (a
/// Chinese name's surname, 王 of 王芳), or the first letters of two words of a Latin name.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let latin = words
        .first()
        .and_then(|w| w.chars().next())
        .is_some_and(|c| c.is_ascii_alphabetic());
    if latin {
        words
            .iter()
            .take(2)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    } else {
        name.trim()
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default()
    }
}

/// The signed-in resident's own care records, as 我的事 says them in plain words: the meals
/// brought (送餐) and the visits made (走访), newest first. Never what the visitor noted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCare {
    pub meals: Vec<MyMeal>,
    pub visits: Vec<MyVisit>,
}

/// One day's meal of the resident's: 今天的午餐已送到.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyMeal {
    #[serde(with = "crate::calendar::ymd")]
    pub day: time::Date,
    pub mode: crate::care::MealMode,
    pub status: crate::care::MealStatus,
}

/// One visit to the resident: 3月5日 网格员王芳来看望过您.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyVisit {
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    pub visitor_name: String,
    /// The visitor is a grid worker (said as 网格员王芳).
    pub by_grid_worker: bool,
    pub method: crate::care::VisitMethod,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn work_phones_are_checked_and_kept_without_spaces() {
        assert_eq!(parse_work_phone(None), Ok(None));
        assert_eq!(parse_work_phone(Some("  ")), Ok(None));
        assert_eq!(
            parse_work_phone(Some("138 0000 9901")),
            Ok(Some("13800009901".into()))
        );
        assert_eq!(
            parse_work_phone(Some("0931-1234567")),
            Ok(Some("0931-1234567".into()))
        );
        assert_eq!(
            parse_work_phone(Some("12345")),
            Err(crate::error::FieldErrorCode::InvalidFormat)
        );
    }

    #[test]
    fn initials_are_the_surname_or_two_letters() {
        assert_eq!(initials("王芳"), "王");
        assert_eq!(initials(" 赵网格员"), "赵");
        assert_eq!(initials("Wang Fang"), "WF");
        assert_eq!(initials("li"), "L");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn every_role_sees_the_hierarchy() {
        for role in Role::ALL {
            assert!(user(&[role], &[]).may(Permission::ViewPlaces), "{role:?}");
        }
    }

    #[test]
    fn the_person_picker_lists_whom_the_caller_gives_work() {
        let office = user(&[Role::Staff], &[]);
        assert!(person_in_scope(&people_scope(&office), &office, 9, &[]));
        let gw = user(&[Role::GridWorker], &[3]);
        let scope = people_scope(&gw);
        assert!(
            person_in_scope(&scope, &gw, 9, &[3, 5]),
            "a colleague of the grid"
        );
        assert!(
            !person_in_scope(&scope, &gw, 9, &[5]),
            "another grid's worker"
        );
        assert!(
            !person_in_scope(&scope, &gw, 9, &[]),
            "an account of no grid"
        );
        assert!(person_in_scope(&scope, &gw, gw.user_id, &[3]), "themselves");
        for role in [Role::Resident, Role::Mediator] {
            let who = user(&[role], &[3]);
            assert_eq!(people_scope(&who), Scope::None, "{role:?}");
        }
    }

    #[test]
    fn work_goes_to_those_who_may_do_it_within_reach() {
        use crate::error::FieldErrorCode::{NotEligible, OutOfScope};
        let office = user(&[Role::Staff], &[]);
        let gw = user(&[Role::GridWorker], &[3]);
        // A case goes to the office anywhere, to a grid worker only in their grid.
        assert_eq!(
            may_name_for(Work::CaseAssignee, &office, 9, &[Role::Staff], &[], Some(5)),
            Ok(())
        );
        assert_eq!(
            may_name_for(
                Work::CaseAssignee,
                &office,
                9,
                &[Role::GridWorker],
                &[3],
                Some(3)
            ),
            Ok(())
        );
        assert_eq!(
            may_name_for(
                Work::CaseAssignee,
                &office,
                9,
                &[Role::GridWorker],
                &[3],
                Some(5)
            ),
            Err(NotEligible)
        );
        assert_eq!(
            may_name_for(
                Work::CaseAssignee,
                &office,
                9,
                &[Role::Resident],
                &[],
                Some(3)
            ),
            Err(NotEligible)
        );
        assert_eq!(
            may_name_for(
                Work::CaseAssignee,
                &office,
                9,
                &[Role::GridWorker],
                &[3],
                None
            ),
            Err(NotEligible),
            "a case of no grid is the office's"
        );
        // Care: a volunteer's resident account, not a mediator's; a grid worker names only
        // the accounts of their grids.
        assert_eq!(
            may_name_for(
                Work::MealDeliverer,
                &office,
                9,
                &[Role::Resident],
                &[],
                None
            ),
            Ok(())
        );
        assert_eq!(
            may_name_for(
                Work::PairingHelper,
                &office,
                9,
                &[Role::Mediator],
                &[],
                None
            ),
            Err(NotEligible)
        );
        assert_eq!(
            may_name_for(Work::PairingHelper, &gw, 9, &[Role::GridWorker], &[5], None),
            Err(OutOfScope)
        );
        assert_eq!(
            may_name_for(Work::PairingHelper, &gw, 9, &[Role::Resident], &[3], None),
            Ok(())
        );
        // Mediators: any mediator, named by anyone who may open a file (a resident too).
        let resident = user(&[Role::Resident], &[]);
        assert_eq!(
            may_name_for(Work::Mediator, &resident, 9, &[Role::Mediator], &[], None),
            Ok(())
        );
        assert_eq!(
            may_name_for(Work::Mediator, &office, 9, &[Role::Staff], &[], None),
            Err(NotEligible)
        );
        assert_eq!(
            may_name_for(
                Work::MealDeliverer,
                &resident,
                9,
                &[Role::Resident],
                &[],
                None
            ),
            Err(OutOfScope)
        );
    }

    #[test]
    fn grid_workers_reach_only_their_grids() {
        let gw = user(&[Role::GridWorker], &[3, 4]);
        assert_eq!(gw.scope(Permission::ViewPeople), Scope::Grids(vec![3, 4]));
        assert!(gw.may_in_grid(Permission::RevealSensitive, Some(3)));
        assert!(!gw.may_in_grid(Permission::RevealSensitive, Some(5)));
        assert!(!gw.may_in_grid(Permission::ViewPeople, None));
        assert!(!gw.may(Permission::EditPlaces));
        let unassigned = user(&[Role::GridWorker], &[]);
        assert_eq!(unassigned.scope(Permission::ViewPeople), Scope::None);
    }

    #[test]
    fn residents_and_mediators_do_not_browse_people() {
        for role in [Role::Resident, Role::Mediator] {
            let u = user(&[role], &[1]);
            for p in [
                Permission::ViewPeople,
                Permission::RevealSensitive,
                Permission::EditPlaces,
                Permission::ManageUsers,
            ] {
                assert!(!u.may(p), "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn roles_combine_to_the_widest_reach() {
        let u = user(&[Role::Resident, Role::Staff], &[]);
        assert_eq!(u.scope(Permission::ViewPeople), Scope::All);
        assert!(!u.may(Permission::ManageUsers));
        assert!(user(&[Role::Admin], &[]).may(Permission::ManageUsers));
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(
            parse_roles(&[Role::Staff, Role::Admin, Role::Staff]).unwrap(),
            vec![Role::Staff, Role::Admin]
        );
        assert!(parse_roles(&[]).is_err());
    }

    #[test]
    fn elder_mode_is_offered_once_to_residents_of_65_or_more() {
        use time::macros::date;
        let today = date!(2026 - 12 - 07);
        let fresh = Preferences::default();
        let resident = [Role::Resident];
        assert!(
            elder_mode_offered(&resident, Some(1961), today, &fresh, false),
            "65 this year"
        );
        assert!(
            elder_mode_offered(&resident, Some(1956), today, &fresh, false),
            "张秀兰, 70"
        );
        assert!(
            !elder_mode_offered(&resident, Some(1962), today, &fresh, false),
            "64"
        );
        assert!(
            !elder_mode_offered(&resident, None, today, &fresh, false),
            "no birth year"
        );
        assert!(
            !elder_mode_offered(&resident, Some(1956), today, &fresh, true),
            "answered"
        );
        let chosen = Preferences {
            elder_mode: true,
            ..fresh.clone()
        };
        assert!(
            !elder_mode_offered(&resident, Some(1956), today, &chosen, false),
            "already on"
        );
        assert!(
            !elder_mode_offered(&[Role::Staff], Some(1956), today, &fresh, false),
            "staff"
        );
        // The year turns on the Beijing date: 1961's residents turn 65 on 1 January 2026.
        assert!(!is_elder(Some(1961), date!(2025 - 12 - 31)));
        assert!(is_elder(Some(1961), date!(2026 - 01 - 01)));
    }
}
