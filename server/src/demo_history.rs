//! Months of plausible history for the demo community, so that figures over time (the
//! dashboard, the assessment, the monthly report) have something to show on first start.
//!
//! Every record is made by the same service functions the API calls, as the demo users
//! (and three more grid workers, one for each other grid) would have made them, with the
//! clock set to the historic moment of each step (`crate::clock::at`). So every rule holds:
//! the case lifecycle's table and who may make each move, deadlines from the SLA table and
//! the work calendar, the care and meal windows, the audit entries.
//!
//! Deterministic: the plan is drawn from the seed, the steps run in the order of their times
//! (ties by the order they were planned), so the same seed and the same end time give the same
//! database contents. Steps that would fall after the end time are not played: cases reported
//! in the last days are still open (a few of them overdue), as on any real board.

use crate::accounts::service as accounts;
use crate::accounts::store::user;
use crate::cases::store::{case, category, party};
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::map::patrols;
use crate::places::store::{place, resident, resident_group};
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::accounts::{Principal, Role};
use shared::care::{
    EnrolInput, ErrandKind, ErrandMove, ErrandStep, FollowUp, HelperKind, MealMode, MenuInput,
    OrderInput, PairingInput, RiskLevel, VisitInput, VisitMethod,
};
use shared::cases::{Action, CreateCase, MoveCase, Rating, RefusalReason, Source, Urgency};
use shared::map::{AddTrackPoints, EndPatrol, StartPatrol, TrackPoint};
use shared::places::PlaceKind;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use time::{Duration, OffsetDateTime, Time, Weekday};

/// What to generate: `months` back from `until`, drawn from `seed`.
#[derive(Clone, Debug)]
pub struct HistoryPlan {
    pub months: u32,
    pub seed: u64,
    pub until: OffsetDateTime,
}

/// What was generated, and how long it took.
#[derive(Debug, Default)]
pub struct HistoryCounts {
    pub cases: u64,
    pub moves: u64,
    pub ratings: u64,
    pub visits: u64,
    pub errands: u64,
    pub meals: u64,
    pub patrols: u64,
    pub mediation_files: u64,
    pub council_items: u64,
    pub elapsed: std::time::Duration,
}

/// The grid workers of the other grids (the demo's own `gridworker` has the first).
const MORE_GRID_WORKERS: [(&str, &str); 3] = [
    ("gridworker2", "马网格员"),
    ("gridworker3", "杨网格员"),
    ("gridworker4", "何网格员"),
];

/// SplitMix64, as the place generator uses: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// A duration between `lo` and `hi` minutes.
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + self.below((hi - lo).max(1) as u64) as i64)
    }
}

/// Working time in Beijing: a moment outside 08:00–19:00 moves to the next morning.
fn working(t: OffsetDateTime, rng: &mut Rng) -> OffsetDateTime {
    let local = t.to_offset(shared::calendar::SHANGHAI);
    let hour = local.hour();
    if (8..19).contains(&hour) {
        return t;
    }
    let day = if hour >= 19 {
        local.date() + Duration::days(1)
    } else {
        local.date()
    };
    day.with_time(Time::from_hms(8, 0, 0).expect("a time"))
        .assume_offset(shared::calendar::SHANGHAI)
        + rng.minutes(10, 150)
}

/// The case categories people report here, with how often (out of the sum) and what they say.
const CASE_KINDS: [(&str, u64, &[&str]); 15] = [
    (
        "C-PUB-01",
        4,
        &["井盖松动，车压过去哐哐响", "人行道井盖破了一角"],
    ),
    (
        "C-PUB-02",
        9,
        &["路灯不亮了，晚上黑乎乎的", "楼前路灯一闪一闪"],
    ),
    ("C-PUB-03", 4, &["楼道灭火器过期了", "消防栓箱门坏了关不上"]),
    ("C-ROAD-01", 7, &["巷子路面坑洼积水", "人行道地砖松动翘起"]),
    ("C-ROAD-02", 4, &["停车场挡车器坏了", "非机动车棚顶棚破损"]),
    ("E-ENV-01", 14, &["垃圾桶满了没人清", "楼后堆着装修垃圾"]),
    ("E-ENV-02", 5, &["雨后路口积水过不去", "小区门口积水很深"]),
    (
        "E-SAF-01",
        8,
        &["有人从窗口拉线给电动车充电", "楼道里停电动车充电"],
    ),
    ("E-SAF-02", 3, &["施工坑洞没有围挡", "窨井口没有盖板"]),
    (
        "E-SAF-03",
        7,
        &["消防通道被车堵住了", "楼道堆满杂物堵了通道"],
    ),
    ("E-NEI-01", 10, &["楼上夜里装修噪音大", "广场舞音响太吵"]),
    ("E-NEI-02", 8, &["楼上漏水渗到我家", "楼顶防水坏了屋里渗水"]),
    (
        "S-ERR-01",
        3,
        &["行动不便，想请人代购药品", "帮老人去医院代开药"],
    ),
    (
        "S-ERR-02",
        3,
        &["帮老人代缴水电燃气费", "不会用手机缴费，请帮忙"],
    ),
    (
        "S-REP-01",
        11,
        &["水龙头坏了一直滴水", "家里跳闸了找不到原因"],
    ),
];

/// The party a category's cases are dispatched to.
fn party_for(code: &str) -> &'static str {
    match &code[..code.rfind('-').unwrap_or(code.len())] {
        "C-ROAD" | "E-ENV" => "STREET-URBAN",
        "C-PUB" | "S-REP" => "PROPERTY",
        "E-SAF" if code == "E-SAF-01" => "POLICE",
        "E-SAF" => "PROPERTY",
        _ => "COMMUNITY",
    }
}

/// Cases reported in a month: more in summer (rain, noise, windows open), fewer at the
/// Spring Festival.
fn cases_in_month(month: time::Month, rng: &mut Rng) -> u64 {
    use time::Month::*;
    let base = match month {
        June | July | August => 52,
        May | September => 46,
        January | February => 30,
        _ => 40,
    };
    base - 4 + rng.below(9)
}

/// The people who act in the history.
struct Cast {
    staff: Principal,
    mediator: Principal,
    admin: Principal,
    resident: Principal,
    /// Each grid's worker, by grid id.
    grid_workers: HashMap<i64, Principal>,
}

/// One grid and what people report about: its buildings with a point inside each.
struct GridPlaces {
    id: i64,
    buildings: Vec<(i64, String, f64, f64)>,
}

/// A case on its way through the lifecycle.
struct CaseRun {
    rng: Rng,
    grid: usize,
    id: Option<i64>,
    code: &'static str,
    reporter: Reporter,
    /// Planned: finished late (after the deadline), and fails verification first.
    late: bool,
    rework: bool,
    postpone: bool,
    refuse: bool,
    reworked: bool,
    /// When the case is planned to close (set at registration).
    target: Option<OffsetDateTime>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reporter {
    GridWorker,
    Resident,
    Hotline,
}

/// A care pairing's visits: the helper (a grid worker) and how often.
struct CareRun {
    rng: Rng,
    resident_id: i64,
    grid: i64,
    interval_days: i64,
    errand: Option<i64>,
}

/// A grid worker's patrols: most working mornings, a walk past some buildings of their grid.
struct PatrolRun {
    rng: Rng,
    grid: usize,
    /// The patrol under way, with its version.
    walking: Option<(i64, i64)>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    Case(usize),
    Visit(usize),
    Errand(usize),
    MealDay,
    Patrol(usize),
    Mediation(usize),
    Council(usize),
}

/// The steps to play, earliest first (ties in the order they were planned).
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Reverse<(OffsetDateTime, u64, Task)>>,
    seq: u64,
}

impl Queue {
    fn push(&mut self, at: OffsetDateTime, task: Task) {
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, task)));
    }
}

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: None,
        ip: None,
        lang: Default::default(),
        user_agent: Some("linju-demo-history".into()),
        secure: false,
    }
}

/// A failed step names what it was: the history is a program, a refusal a bug in it.
fn step<T>(what: &str, r: AppResult<T>) -> AppResult<T> {
    r.map_err(|e| AppError::Internal(format!("demo history, {what}: {e}")))
}

async fn principal(conn: &impl sea_orm::ConnectionTrait, username: &str) -> AppResult<Principal> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("no demo account {username}")))?;
    accounts::load_principal(conn, &u).await
}

/// Play `plan.months` of history into a freshly seeded demo (before the stories are told).
pub async fn fill(state: &AppState, plan: &HistoryPlan) -> AppResult<HistoryCounts> {
    let started = std::time::Instant::now();
    let conn = &state.db.conn;
    let from = plan.until - Duration::days(i64::from(plan.months) * 365 / 12);
    let grids = place::Entity::find()
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .order_by_asc(place::Column::Id)
        .all(conn)
        .await?;
    let mut places = Vec::new();
    for g in &grids {
        let buildings = place::Entity::find()
            .filter(place::Column::Kind.eq(PlaceKind::Building.as_str()))
            .filter(place::Column::GridId.eq(g.id))
            .order_by_asc(place::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|b| {
                let lon = (b.min_lon.unwrap_or_default() + b.max_lon.unwrap_or_default()) / 2.0;
                let lat = (b.min_lat.unwrap_or_default() + b.max_lat.unwrap_or_default()) / 2.0;
                (b.id, b.name, lon, lat)
            })
            .collect();
        places.push(GridPlaces {
            id: g.id,
            buildings,
        });
    }
    if places.is_empty() || places.iter().any(|g| g.buildings.is_empty()) {
        return Err(AppError::Internal("the demo has no buildings".into()));
    }
    // One grid worker for every grid: the demo's own has the first.
    let admin_hash = user::Entity::find()
        .filter(user::Column::Username.eq("admin"))
        .one(conn)
        .await?
        .map(|u| u.password_hash)
        .ok_or_else(|| AppError::Internal("no demo admin".into()))?;
    let mut cast = Cast {
        staff: principal(conn, "staff").await?,
        mediator: principal(conn, "mediator").await?,
        admin: principal(conn, "admin").await?,
        resident: principal(conn, "resident").await?,
        grid_workers: HashMap::new(),
    };
    let first = principal(conn, "gridworker").await?;
    cast.grid_workers.insert(places[0].id, first);
    {
        let txn = state.db.begin_write().await?;
        for (g, (username, name)) in places.iter().skip(1).zip(MORE_GRID_WORKERS) {
            clock::at(
                from - Duration::days(1),
                accounts::insert_user(
                    &*txn,
                    username,
                    name,
                    admin_hash.clone(),
                    &[Role::GridWorker],
                    &[g.id],
                ),
            )
            .await?;
        }
        txn.commit().await?;
    }
    for (g, (username, _)) in places.iter().skip(1).zip(MORE_GRID_WORKERS) {
        cast.grid_workers
            .insert(g.id, principal(conn, username).await?);
    }
    let categories: HashMap<String, i64> = category::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let parties: HashMap<String, i64> = party::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();

    let mut rng = Rng(plan.seed ^ 0x4849_5354);
    let mut queue = Queue::default();
    let mut counts = HistoryCounts::default();

    // Cases: each month's reports at random moments of the month.
    let mut cases = Vec::new();
    let weights: u64 = CASE_KINDS.iter().map(|k| k.1).sum();
    let mut month_start = from;
    while month_start < plan.until {
        let month_end = (month_start + Duration::days(30)).min(plan.until);
        let local = month_start.to_offset(shared::calendar::SHANGHAI);
        // A last, shorter stretch gets its share of a month's reports.
        let days = (month_end - month_start).whole_days();
        let n = cases_in_month(local.month(), &mut rng) * days as u64 / 30;
        let span = (month_end - month_start).whole_minutes().max(1) as u64;
        for _ in 0..n {
            let mut r = Rng(rng.next());
            let at = month_start + Duration::minutes(r.below(span) as i64);
            let at = working(at, &mut r);
            if at >= plan.until {
                continue;
            }
            let mut pick = r.below(weights);
            let kind = CASE_KINDS
                .iter()
                .find(|k| {
                    if pick < k.1 {
                        true
                    } else {
                        pick -= k.1;
                        false
                    }
                })
                .unwrap_or(&CASE_KINDS[0]);
            let reporter = match r.below(100) {
                0..60 => Reporter::GridWorker,
                60..82 => Reporter::Resident,
                _ => Reporter::Hotline,
            };
            let grid = r.below(places.len() as u64) as usize;
            let run = CaseRun {
                late: r.chance(12),
                rework: r.chance(9),
                postpone: r.chance(5),
                refuse: r.chance(6),
                reworked: false,
                target: None,
                grid,
                id: None,
                code: kind.0,
                reporter,
                rng: r,
            };
            queue.push(at, Task::Case(cases.len()));
            cases.push(run);
        }
        month_start = month_end;
    }

    // Care: three residents of special groups in each grid paired with the grid's worker on
    // the first day (not the stories' own people, who are paired today).
    let intervals = crate::care::service::intervals(conn).await?;
    let mut cares = Vec::new();
    for g in &places {
        let tagged: Vec<i64> = resident_group::Entity::find()
            .filter(
                resident_group::Column::ResidentId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(resident::Column::Id)
                        .from(resident::Entity)
                        .and_where(resident::Column::GridId.eq(g.id))
                        .and_where(resident::Column::Name.is_not_in(crate::demo::DEMO_PEOPLE))
                        .to_owned(),
                ),
            )
            .order_by_asc(resident_group::Column::ResidentId)
            .all(conn)
            .await?
            .into_iter()
            .map(|t| t.resident_id)
            .fold(Vec::new(), |mut v, id| {
                if v.last() != Some(&id) {
                    v.push(id);
                }
                v
            });
        for (k, resident_id) in tagged.into_iter().take(3).enumerate() {
            let risk = [RiskLevel::High, RiskLevel::Key, RiskLevel::Key][k];
            let gw = &cast.grid_workers[&g.id];
            let start = working(from + Duration::hours(2 + k as i64), &mut rng);
            clock::at(start, async {
                step(
                    "a care pairing",
                    crate::care::service::create_pairing(
                        state,
                        &cast.staff,
                        &ctx(),
                        PairingInput {
                            resident_id,
                            helper_user_id: Some(gw.user_id),
                            helper_username: None,
                            helper_name: gw.display_name.clone(),
                            helper_kind: HelperKind::GridWorker,
                            risk,
                            purpose: "网格员结对帮扶：定期上门走访，了解需求，代办跑腿。".into(),
                            contact_schedule: match risk {
                                RiskLevel::High => "每周上门一次".into(),
                                _ => "每月上门一次".into(),
                            },
                            starts_on: clock::today(),
                        },
                    )
                    .await,
                )
            })
            .await?;
            let mut r = Rng(rng.next());
            let first_visit = working(start + r.minutes(60 * 24, 60 * 24 * 5), &mut r);
            queue.push(first_visit, Task::Visit(cares.len()));
            cares.push(CareRun {
                rng: r,
                resident_id,
                grid: g.id,
                interval_days: i64::from(intervals.days(risk)),
                errand: None,
            });
        }
    }

    // Meals: the first eligible resident of each grid eats at the 幸福餐桌 or has lunch
    // brought by the grid worker, every weekday.
    let mut meal_people = Vec::new();
    for (k, c) in cares.iter().enumerate().filter(|(k, _)| k % 3 == 1) {
        let mode = if k % 2 == 0 {
            MealMode::EatIn
        } else {
            MealMode::Delivery
        };
        meal_people.push((c.resident_id, c.grid, mode));
    }
    for (resident_id, grid, mode) in meal_people {
        let deliverer = (mode == MealMode::Delivery).then(|| cast.grid_workers[&grid].user_id);
        clock::at(from + Duration::hours(6), async {
            step(
                "a meal enrolment",
                crate::care::meals::enrol(
                    state,
                    &cast.staff,
                    EnrolInput {
                        resident_id,
                        mode,
                        deliverer_user_id: deliverer,
                        deliverer_username: None,
                        notes: "少油少盐".into(),
                    },
                )
                .await,
            )
        })
        .await?;
    }
    let first_day = shared::calendar::day_at(from) + Duration::days(1);
    queue.push(
        first_day
            .with_time(Time::from_hms(8, 0, 0).expect("a time"))
            .assume_offset(shared::calendar::SHANGHAI),
        Task::MealDay,
    );

    // Patrols: each grid's worker walks it on most working mornings.
    let mut patrols: Vec<PatrolRun> = (0..places.len())
        .map(|grid| PatrolRun {
            // A stream of its own: the patrols leave the other plans' draws as they were.
            rng: Rng(plan.seed ^ 0x5041_5452_4f4c ^ ((grid as u64) << 40)),
            grid,
            walking: None,
        })
        .collect();
    for (i, run) in patrols.iter_mut().enumerate() {
        let at = first_day
            .with_time(Time::from_hms(9, 0, 0).expect("a time"))
            .assume_offset(shared::calendar::SHANGHAI)
            + run.rng.minutes(0, 60);
        queue.push(at, Task::Patrol(i));
    }

    // Mediation: a few neighbour disputes a month, between residents of one grid; most end
    // in an agreement that is performed, some fail, a few are refused by a party.
    let mut files = Vec::new();
    let mut day = from + Duration::days(3);
    while day < plan.until {
        let mut r = Rng(rng.next());
        let at = working(day + r.minutes(0, 24 * 60), &mut r);
        let grid = &places[r.below(places.len() as u64) as usize];
        let people: Vec<(i64, String)> = resident::Entity::find()
            .filter(resident::Column::GridId.eq(grid.id))
            .filter(resident::Column::Name.is_not_in(crate::demo::DEMO_PEOPLE))
            .order_by_asc(resident::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let a = r.pick(&people).clone();
        let b = people
            .iter()
            .find(|p| p.1 != a.1 && p.0 > a.0 + 5)
            .unwrap_or(&people[0])
            .clone();
        let outcome = match r.below(100) {
            0..72 => FileOutcome::Performed,
            72..90 => FileOutcome::Failed,
            _ => FileOutcome::NotAccepted,
        };
        queue.push(at, Task::Mediation(files.len()));
        files.push(FileRun {
            rng: r,
            id: None,
            place: grid.buildings[0].0,
            parties: (a.1, b.1),
            outcome,
            step: 0,
            view: None,
        });
        day += Duration::days(6) + Duration::hours(rng.below(96) as i64);
    }

    // The council: two or three matters a month raised in the grids; small ones decided by
    // the grid leader at once, big ones on a deliberation day; a few not adopted. Each
    // decision becomes a case, and the item is done when its case is closed.
    let mut items = Vec::new();
    let mut day = from + Duration::days(5);
    while day < plan.until {
        let mut r = Rng(rng.next());
        let at = working(day + r.minutes(0, 24 * 60), &mut r);
        let grid = places[r.below(places.len() as u64) as usize].id;
        let (title, description, code) = *r.pick(&COUNCIL_MATTERS);
        let tier = match r.below(100) {
            0..45 => Some(shared::council::Tier::Small),
            45..90 => Some(shared::council::Tier::Big),
            _ => None,
        };
        queue.push(at, Task::Council(items.len()));
        items.push(ItemRun {
            rng: r,
            id: None,
            grid: Some(grid),
            title,
            description,
            code,
            tier,
            view: None,
        });
        day += Duration::days(10) + Duration::hours(rng.below(120) as i64);
    }

    // Play every step in the order of its time.
    while let Some(Reverse((at, _, task))) = queue.heap.pop() {
        if at >= plan.until {
            break;
        }
        let next: Next = match task {
            Task::Case(i) => {
                case_step(
                    i,
                    state,
                    &cast,
                    &places,
                    &categories,
                    &parties,
                    &mut cases[i],
                    at,
                    &mut counts,
                )
                .await?
            }
            Task::Visit(i) => visit_step(i, state, &cast, &mut cares[i], at, &mut counts).await?,
            Task::Errand(i) => errand_step(i, state, &cast, &mut cares[i], at).await?,
            Task::MealDay => meal_day(state, &cast, at, &mut counts).await?,
            Task::Patrol(i) => {
                let run = &mut patrols[i];
                patrol_step(i, state, &cast, &places, run, at, plan.until, &mut counts).await?
            }
            Task::Council(i) => {
                if items[i].id.is_none() {
                    counts.council_items += 1;
                }
                let (next, decided_case) =
                    council_step(i, state, &cast, &parties, &categories, &mut items[i], at).await?;
                // The decision's case is carried out like any other, from its registration.
                if let Some(case_id) = decided_case {
                    let grid = places
                        .iter()
                        .position(|g| Some(g.id) == items[i].grid)
                        .unwrap_or(0);
                    let code = items[i].code;
                    let mut r = Rng(rng.next());
                    let wait = r.minutes(60, 24 * 60);
                    queue.push(working(at + wait, &mut r), Task::Case(cases.len()));
                    cases.push(CaseRun {
                        rng: r,
                        grid,
                        id: Some(case_id),
                        code,
                        reporter: Reporter::Hotline,
                        late: false,
                        rework: false,
                        postpone: false,
                        refuse: false,
                        reworked: false,
                        target: None,
                    });
                }
                next
            }
            Task::Mediation(i) => {
                if files[i].id.is_none() {
                    counts.mediation_files += 1;
                }
                mediation_step(i, state, &cast, &mut files[i], at).await?
            }
        };
        for (t, follow) in next {
            queue.push(t, follow);
        }
    }
    // By now everyone has read what happened more than two days ago.
    let seen = plan.until - Duration::days(2);
    let mut people: Vec<&Principal> = vec![&cast.staff, &cast.admin, &cast.resident];
    people.extend(cast.grid_workers.values());
    people.sort_by_key(|p| p.user_id);
    for who in people {
        use crate::cases::store::notification;
        let ids: Vec<i64> = notification::Entity::find()
            .filter(notification::Column::UserId.eq(who.user_id))
            .filter(notification::Column::ReadAt.is_null())
            .filter(notification::Column::CreatedAt.lt(seen))
            .all(conn)
            .await?
            .into_iter()
            .map(|n| n.id)
            .collect();
        if !ids.is_empty() {
            let read = clock::at(seen, crate::cases::service::mark_read(state, who, &ids)).await;
            step("reading notifications", read)?;
        }
    }
    counts.elapsed = started.elapsed();
    Ok(counts)
}

/// The steps that follow one step, each at its time.
type Next = Vec<(OffsetDateTime, Task)>;

/// One step of a case: file it, or make the next move of its lifecycle.
#[allow(clippy::too_many_arguments)]
async fn case_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    places: &[GridPlaces],
    categories: &HashMap<String, i64>,
    parties: &HashMap<String, i64>,
    run: &mut CaseRun,
    at: OffsetDateTime,
    counts: &mut HistoryCounts,
) -> AppResult<Next> {
    let grid = &places[run.grid];
    let worker = &cast.grid_workers[&grid.id];
    let Some(id) = run.id else {
        let (building, name, lon, lat) = run.rng.pick(&grid.buildings).clone();
        let kind = CASE_KINDS.iter().find(|k| k.0 == run.code).expect("a kind");
        let title = format!("{}{}", name, run.rng.pick(kind.2));
        let (me, source) = match run.reporter {
            Reporter::GridWorker => (worker, Source::Patrol),
            Reporter::Resident => (&cast.resident, Source::ResidentReport),
            Reporter::Hotline => (&cast.staff, Source::Hotline),
        };
        let req = CreateCase {
            description: format!("{title}。请尽快处理。"),
            title,
            category_id: categories[run.code],
            urgency: if run.code.starts_with("E-SAF") {
                Urgency::Urgent
            } else {
                Urgency::Normal
            },
            source,
            place_id: building,
            lon: Some(lon),
            lat: Some(lat),
            reporter_hidden: false,
        };
        let filed = clock::at(at, crate::cases::service::create(state, me, &ctx(), req)).await;
        run.id = Some(step("filing a case", filed)?.summary.id);
        counts.cases += 1;
        let next = working(at + run.rng.minutes(20, 6 * 60), &mut run.rng);
        return Ok(vec![(next, Task::Case(index))]);
    };
    let c = case::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::Internal("a history case vanished".into()))?;
    let stage = shared::cases::Stage::ALL
        .into_iter()
        .find(|s| crate::cases::service::name_of(*s) == c.stage)
        .ok_or_else(|| AppError::Internal(format!("unknown stage {}", c.stage)))?;
    use shared::cases::Stage;
    let m = |action| MoveCase::new(action, c.version);
    let (who, mv): (&Principal, MoveCase) = match stage {
        Stage::Reported if run.refuse => {
            let mut mv = m(Action::Refuse);
            mv.refusal_reason = Some(*run.rng.pick(&[
                RefusalReason::Duplicate,
                RefusalReason::NotOurResponsibility,
                RefusalReason::InsufficientInformation,
            ]));
            mv.note = Some("经核实不予立案，已电话告知反映人。".into());
            (&cast.staff, mv)
        }
        Stage::Reported => (&cast.staff, m(Action::Register)),
        Stage::Registered => {
            let mut mv = m(Action::Dispatch);
            mv.responsible_party_id = parties.get(party_for(run.code)).copied();
            mv.note = Some("请按时限处置，网格员跟进核查。".into());
            (&cast.staff, mv)
        }
        Stage::Dispatched => (&cast.staff, m(Action::Start)),
        Stage::InProgress if run.postpone && c.postpone_until.is_none() => {
            let mut mv = m(Action::RequestPostpone);
            mv.note = Some("需等配件到货，申请缓办。".into());
            mv.postpone_until = Some(c.deadline_at.unwrap_or(at).max(at) + Duration::days(7));
            (&cast.staff, mv)
        }
        Stage::PostponeRequested => (&cast.admin, m(Action::ApprovePostpone)),
        Stage::Postponed => (&cast.staff, m(Action::Resume)),
        Stage::InProgress => {
            let mut mv = m(Action::Feedback);
            mv.note = Some(if run.reworked {
                "已按核查意见返工处理。".into()
            } else {
                "已处置完毕，现场已恢复。".into()
            });
            (&cast.staff, mv)
        }
        Stage::Handled if run.rework && !run.reworked => {
            run.reworked = true;
            let mut mv = m(Action::VerifyFail);
            mv.note = Some("现场核查：问题仍未解决，退回返工。".into());
            (worker, mv)
        }
        Stage::Handled => (worker, m(Action::VerifyPass)),
        Stage::Verified => (&cast.staff, m(Action::Close)),
        Stage::Closed => {
            // The reporter's 回访: residents rate most of their reports.
            if run.reporter == Reporter::Resident && c.rating_score.is_none() && run.rng.chance(80)
            {
                let score = match run.rng.below(100) {
                    _ if run.late || run.reworked => 2 + run.rng.below(3) as u8,
                    0..62 => 5,
                    62..88 => 4,
                    _ => 3,
                };
                // He reads what happened to his reports when he opens the app to rate one.
                let read = clock::at(
                    at,
                    crate::cases::service::mark_read(state, &cast.resident, &[]),
                )
                .await;
                step("reading notifications", read)?;
                let rated = clock::at(
                    at,
                    crate::cases::service::rate(
                        state,
                        &cast.resident,
                        id,
                        Rating {
                            score,
                            note: (score >= 4).then(|| "处理及时，谢谢社区！".into()),
                        },
                    ),
                )
                .await;
                step("rating a case", rated)?;
                counts.ratings += 1;
            }
            return Ok(vec![]);
        }
        Stage::Refused | Stage::Voided | Stage::Withdrawn => return Ok(vec![]),
    };
    let action = mv.action;
    let moved = clock::at(
        at,
        crate::cases::service::make_move(state, who, &ctx(), id, mv),
    )
    .await;
    let view = step(&format!("moving case {id} by {action:?}"), moved)?;
    counts.moves += 1;
    let r = &mut run.rng;
    // At registration (and when a postponement moves the deadline, or a failed verification
    // sends the work back) the case gets a planned closing time: within its deadline for most,
    // after it for the late ones; the steps between take their shares of the time left.
    let deadline = view.summary.deadline_at.unwrap_or(at + Duration::days(2));
    let plan_close = |late: bool, r: &mut Rng| {
        let left = (deadline - at).max(Duration::minutes(30));
        if late {
            deadline + r.minutes(2 * 60, 4 * 24 * 60)
        } else {
            at + left * (0.35 + r.below(55) as f64 / 100.0)
        }
    };
    match action {
        Action::Register => run.target = Some(plan_close(run.late, r)),
        Action::ApprovePostpone => run.target = Some(plan_close(false, r)),
        Action::VerifyFail => {
            run.target = Some(
                run.target
                    .unwrap_or(at)
                    .max(at + r.minutes(24 * 60, 3 * 24 * 60)),
            )
        }
        _ => {}
    }
    let target = run.target.unwrap_or(at + Duration::days(1));
    let share = |part: f64| ((target - at) * part).max(Duration::minutes(5));
    let wait = match action {
        Action::Register => share(0.10),
        Action::Dispatch => share(0.12),
        Action::Start if run.postpone => share(0.2),
        Action::Start | Action::Resume | Action::VerifyFail => share(0.55),
        Action::RequestPostpone => r.minutes(60, 4 * 60),
        Action::ApprovePostpone => share(0.1),
        Action::Feedback => share(0.5),
        Action::VerifyPass => share(1.0),
        // The reporter's 回访 a day or three after closing.
        Action::Close => Duration::days(1) + r.minutes(0, 48 * 60),
        Action::Refuse | Action::RejectPostpone | Action::Reopen => return Ok(vec![]),
    };
    // People work by day; a step that would then miss the plan is done in the evening.
    let next = at + wait;
    let by_day = working(next, r);
    let next = if by_day <= target || action == Action::Close {
        by_day
    } else {
        next
    };
    Ok(vec![(next, Task::Case(index))])
}

/// A visit to a paired resident; now and then it finds a need that becomes an errand.
async fn visit_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    run: &mut CareRun,
    at: OffsetDateTime,
    counts: &mut HistoryCounts,
) -> AppResult<Next> {
    let worker = &cast.grid_workers[&run.grid];
    let r = &mut run.rng;
    let need = run.errand.is_none() && r.chance(22);
    let kind = *r.pick(&[
        ErrandKind::Medicine,
        ErrandKind::Medicine,
        ErrandKind::Bills,
        ErrandKind::Shopping,
        ErrandKind::HospitalRegistration,
    ]);
    let method = match r.below(100) {
        0..72 => VisitMethod::InPerson,
        72..96 => VisitMethod::Phone,
        _ => VisitMethod::Video,
    };
    let needs = match kind {
        _ if !need => String::new(),
        ErrandKind::Medicine => "常用药快吃完了，想请人代开。".into(),
        ErrandKind::Bills => "水电费要交了，不会用手机缴。".into(),
        ErrandKind::Shopping => "腿脚不便，想请人代买米面油。".into(),
        _ => "下周复查，想请人帮忙挂号。".into(),
    };
    let observations = r
        .pick(&[
            "精神不错，屋里整洁。",
            "血压稍高，提醒按时吃药。",
            "家里暖气正常，饮食正常。",
            "子女上周来过，情绪很好。",
        ])
        .to_string();
    let visited_at = at - r.minutes(20, 90);
    let recorded = clock::at(
        at,
        crate::care::service::record_visit(
            state,
            worker,
            &ctx(),
            VisitInput {
                resident_id: run.resident_id,
                method,
                visited_at,
                needs,
                observations,
                follow_up: if need {
                    FollowUp::Errand {
                        kind,
                        confirm_duplicate: false,
                    }
                } else {
                    FollowUp::None
                },
            },
        ),
    )
    .await;
    let v = step("recording a visit", recorded)?;
    counts.visits += 1;
    if let Some(e) = v.errand_id {
        run.errand = Some(e);
        counts.errands += 1;
    }
    // Most visits come on schedule; some a few days late.
    let days = run.interval_days;
    let gap = if r.chance(85) {
        Duration::hours(days * 24 * (60 + r.below(40) as i64) / 100)
    } else {
        Duration::hours(days * 24 * (105 + r.below(50) as i64) / 100)
    };
    let next = working(at + gap.max(Duration::days(1)), r);
    let mut next_steps = vec![(next, Task::Visit(index))];
    if need && run.errand.is_some() {
        // The errand runs beside the visits, step by step.
        next_steps.push((working(at + r.minutes(60, 10 * 60), r), Task::Errand(index)));
    }
    Ok(next_steps)
}

/// The errand a visit found: taken, done and confirmed.
async fn errand_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    run: &mut CareRun,
    at: OffsetDateTime,
) -> AppResult<Next> {
    let Some(id) = run.errand else {
        return Ok(vec![]);
    };
    let worker = &cast.grid_workers[&run.grid];
    let e = crate::care::store::errand::Entity::find_by_id(id)
        .one(&state.db.conn)
        .await?
        .ok_or_else(|| AppError::Internal("a history errand vanished".into()))?;
    let status = shared::care::ErrandStatus::parse(&e.status)
        .ok_or_else(|| AppError::Internal(format!("unknown errand status {}", e.status)))?;
    use shared::care::ErrandStatus as S;
    let (who, step_kind) = match status {
        S::Requested => (worker, ErrandStep::Accept),
        S::Accepted => (worker, ErrandStep::Complete),
        S::Done => (&cast.staff, ErrandStep::Confirm),
        _ => {
            run.errand = None;
            return Ok(vec![]);
        }
    };
    let r = &mut run.rng;
    let amount = (step_kind == ErrandStep::Complete).then(|| 1000 + r.below(20_000) as i64);
    let moved = clock::at(
        at,
        crate::care::service::move_errand(
            state,
            who,
            id,
            ErrandMove {
                step: step_kind,
                version: e.version,
                amount_fen: amount,
                receipt: amount.map(|_| "小票已拍照交给家属".into()),
                note: None,
            },
        ),
    )
    .await;
    step("moving an errand", moved)?;
    if step_kind == ErrandStep::Confirm {
        run.errand = None;
        return Ok(vec![]);
    }
    Ok(vec![(
        working(at + r.minutes(3 * 60, 30 * 60), r),
        Task::Errand(index),
    )])
}

/// A weekday of the 幸福餐桌: the menu, the day's orders, lunches served and brought.
async fn meal_day(
    state: &AppState,
    cast: &Cast,
    at: OffsetDateTime,
    counts: &mut HistoryCounts,
) -> AppResult<Next> {
    let day = shared::calendar::day_at(at);
    let tomorrow = (day + Duration::days(1))
        .with_time(Time::from_hms(8, 0, 0).expect("a time"))
        .assume_offset(shared::calendar::SHANGHAI);
    if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return Ok(vec![(tomorrow, Task::MealDay)]);
    }
    const MENUS: [&str; 5] = [
        "红烧豆腐、清炒菜心、米饭、紫菜蛋花汤",
        "土豆烧牛肉、醋溜白菜、米饭、冬瓜汤",
        "牛肉面、凉拌黄瓜、酸奶",
        "西红柿炒鸡蛋、酿皮、馒头、小米粥",
        "清蒸鱼、炒青菜、米饭、排骨汤",
    ];
    let menu = MENUS[day.weekday().number_days_from_monday() as usize % MENUS.len()];
    let orders = clock::at(at, async {
        step(
            "a menu",
            crate::care::meals::set_menu(
                state,
                &cast.staff,
                MenuInput {
                    day,
                    dishes: menu.into(),
                },
            )
            .await,
        )?;
        step(
            "the day's orders",
            crate::care::meals::place_orders(
                state,
                &cast.staff,
                OrderInput {
                    day,
                    enrolment_ids: vec![],
                },
            )
            .await,
        )
    })
    .await?;
    let noon = at + Duration::hours(3) + Duration::minutes(40);
    for (k, o) in orders.iter().enumerate() {
        let by = cast
            .grid_workers
            .values()
            .find(|g| o.deliverer_name.as_deref() == Some(g.display_name.as_str()))
            .unwrap_or(&cast.staff);
        let served = clock::at(
            noon + Duration::minutes(7 * k as i64),
            crate::care::meals::deliver(state, by, o.id),
        )
        .await;
        step("a meal served", served)?;
        counts.meals += 1;
    }
    Ok(vec![(tomorrow, Task::MealDay)])
}

/// How a dispute ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileOutcome {
    /// Agreement reached, confirmed, performed and followed up: closed.
    Performed,
    /// Sessions held, no agreement: ended as failed.
    Failed,
    /// The respondent does not consent: not accepted.
    NotAccepted,
}

/// A mediation file on its way: `step` counts the steps done.
struct FileRun {
    rng: Rng,
    id: Option<i64>,
    place: i64,
    parties: (String, String),
    outcome: FileOutcome,
    step: u32,
    view: Option<shared::mediation::FileView>,
}

const DISPUTES: [(shared::mediation::DisputeType, &str, &str); 4] = [
    (
        shared::mediation::DisputeType::WaterLeak,
        "楼上卫生间漏水，楼下天花板发霉",
        "楼下住户反映楼上卫生间防水层老化，天花板长期渗水发霉，双方对维修费用分担有争议。",
    ),
    (
        shared::mediation::DisputeType::Noise,
        "夜间噪音影响休息",
        "申请人反映邻居家夜间十一点后仍有较大响动，多次沟通未果。",
    ),
    (
        shared::mediation::DisputeType::Neighbour,
        "楼道堆放杂物引发争执",
        "双方因楼道公共空间堆放杂物发生口角，影响通行和消防安全。",
    ),
    (
        shared::mediation::DisputeType::Property,
        "车位占用纠纷",
        "申请人的固定车位常被对方车辆占用，双方协商不成。",
    ),
];

/// One step of a mediation file, made by the mediator (the office files it).
/// A patrol's start (with the walk's points) or its end an hour or two later; after the end,
/// the next working morning's start (one in five mornings is spent on other work).
async fn patrol_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    places: &[GridPlaces],
    run: &mut PatrolRun,
    at: OffsetDateTime,
    until: OffsetDateTime,
    counts: &mut HistoryCounts,
) -> AppResult<Next> {
    let grid = &places[run.grid];
    let worker = &cast.grid_workers[&grid.id];
    if let Some((id, version)) = run.walking.take() {
        step(
            "end a patrol",
            clock::at(
                at,
                patrols::end(state, worker, &ctx(), id, EndPatrol { version }),
            )
            .await,
        )?;
        let mut day = shared::calendar::day_at(at) + Duration::days(1);
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) || run.rng.chance(20) {
            day += Duration::days(1);
        }
        let next = day
            .with_time(Time::from_hms(9, 0, 0).expect("a time"))
            .assume_offset(shared::calendar::SHANGHAI)
            + run.rng.minutes(0, 60);
        return Ok(vec![(next, Task::Patrol(index))]);
    }
    let stops = 3 + run.rng.below(4) as i64;
    let ends = at + Duration::minutes(stops * 15 + 5);
    if ends >= until {
        // The history ends while this walk would be under way: the worker starts it for real.
        return Ok(Vec::new());
    }
    let walk = step(
        "start a patrol",
        clock::at(
            at,
            patrols::start(
                state,
                worker,
                &ctx(),
                StartPatrol {
                    grid_id: grid.id,
                    started_at: None,
                },
            ),
        )
        .await,
    )?;
    counts.patrols += 1;
    let points: Vec<TrackPoint> = (0..stops)
        .map(|k| {
            let (_, _, lon, lat) = *run.rng.pick(&grid.buildings);
            TrackPoint {
                lon,
                lat,
                at: at + Duration::minutes(k * 15),
            }
        })
        .collect();
    let walked = clock::at(
        ends,
        patrols::add_points(state, worker, walk.id, AddTrackPoints { points }),
    )
    .await;
    let walked = step("walk a patrol", walked)?;
    run.walking = Some((walked.id, walked.version));
    Ok(vec![(ends, Task::Patrol(index))])
}

async fn mediation_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    run: &mut FileRun,
    at: OffsetDateTime,
) -> AppResult<Next> {
    use crate::mediation::service as mediation;
    use shared::mediation::{
        AgreementInput, Confirm, ConfirmMethod, Consent, CreateFile, MediationAction, MoveFile,
        NewRecord, NewSession, Origin, PartyInput, Performed, RecordKind, SessionMode, Side,
        TermInput,
    };
    let me = &cast.mediator;
    let Some(id) = run.id else {
        let (kind, title, description) = *run.rng.pick(&DISPUTES);
        let party = |side, name: &str, n: u64| PartyInput {
            side,
            name: name.to_string(),
            phone: Some(format!("1380000{:04}", n % 10_000)),
            representative: None,
            user_id: None,
            username: None,
            id_number: None,
            address: None,
        };
        let n = run.rng.below(10_000);
        let req = CreateFile {
            title: title.into(),
            description: description.into(),
            dispute_type: kind,
            origin: Origin::Application,
            source_case_id: None,
            place_id: run.place,
            parties: vec![
                party(Side::Applicant, &run.parties.0, n),
                party(Side::Respondent, &run.parties.1, n + 1),
            ],
            mediator_ids: vec![me.user_id],
            chosen_by_parties: false,
            risk: false,
        };
        let f = clock::at(at, mediation::create_file(state, &cast.staff, &ctx(), req)).await;
        let f = step("filing a dispute", f)?;
        run.id = Some(f.summary.id);
        run.view = Some(f);
        return Ok(vec![(
            working(at + run.rng.minutes(60, 48 * 60), &mut run.rng),
            Task::Mediation(index),
        )]);
    };
    // The file as its last step left it (reading it again would be an audited read).
    let f = run
        .view
        .take()
        .ok_or_else(|| AppError::Internal("a dispute without its view".into()))?;
    let version = f.summary.version;
    let mv = |action, note: Option<&str>| MoveFile {
        action,
        version,
        note: note.map(str::to_string),
    };
    let r = &mut run.rng;
    let k = run.step;
    run.step += 1;
    let done = clock::at(at, async {
        match (k, run.outcome) {
            (0, _) => {
                mediation::set_consent(
                    state,
                    me,
                    &ctx(),
                    f.parties[0].id,
                    Consent {
                        agreed: true,
                        note: None,
                    },
                )
                .await
            }
            (1, FileOutcome::NotAccepted) => {
                mediation::set_consent(
                    state,
                    me,
                    &ctx(),
                    f.parties[1].id,
                    Consent {
                        agreed: false,
                        note: Some("被申请人认为不存在问题，不同意调解。".into()),
                    },
                )
                .await
            }
            (1, _) => {
                mediation::set_consent(
                    state,
                    me,
                    &ctx(),
                    f.parties[1].id,
                    Consent {
                        agreed: true,
                        note: None,
                    },
                )
                .await
            }
            (2, _) => {
                mediation::move_file(state, me, &ctx(), id, mv(MediationAction::Accept, None)).await
            }
            (3, _) => {
                // Each party is told their rights and duties at the first session (Art. 23).
                for p in &f.parties {
                    mediation::notify_party(state, me, &ctx(), p.id).await?;
                }
                mediation::add_session(
                    state,
                    me,
                    &ctx(),
                    id,
                    NewSession {
                        mode: SessionMode::Joint,
                        party_id: None,
                        held_at: at - Duration::hours(1),
                        venue: "社区人民调解室".into(),
                        strategy_note: String::new(),
                        entries: vec![],
                    },
                )
                .await
            }
            (4, FileOutcome::Failed) => {
                mediation::move_file(
                    state,
                    me,
                    &ctx(),
                    id,
                    mv(
                        MediationAction::Fail,
                        Some(
                            "双方分歧较大，经两次调解未能达成协议，已告知可申请仲裁或向法院起诉。",
                        ),
                    ),
                )
                .await
            }
            (4, _) => {
                let due = clock::today() + Duration::days(7 + r.below(14) as i64);
                mediation::set_agreement(
                    state,
                    me,
                    &ctx(),
                    id,
                    AgreementInput {
                        facts: "经现场核实和面对面调解，双方认可事实，同意以下安排。".into(),
                        terms: vec![TermInput {
                            text: "责任方负责维修并承担费用，完工后由对方验收。".into(),
                            due,
                        }],
                        oral: false,
                        version,
                    },
                )
                .await
            }
            (5, _) => {
                mediation::move_file(state, me, &ctx(), id, mv(MediationAction::Agree, None)).await
            }
            (6 | 7, _) => {
                mediation::confirm(
                    state,
                    me,
                    &ctx(),
                    f.parties[(k - 6) as usize].id,
                    Confirm {
                        method: ConfirmMethod::Signature,
                    },
                )
                .await
            }
            (8, _) => {
                mediation::move_file(state, me, &ctx(), id, mv(MediationAction::Perform, None))
                    .await
            }
            (9, _) => {
                let term = f
                    .agreement
                    .as_ref()
                    .and_then(|a| a.terms.first())
                    .map(|t| t.id)
                    .ok_or_else(|| AppError::Internal("an agreement without terms".into()))?;
                mediation::perform_term(
                    state,
                    me,
                    &ctx(),
                    term,
                    Performed {
                        proof: "现场查看已维修完毕，双方签字确认。".into(),
                    },
                )
                .await
            }
            (10, _) => {
                mediation::add_record(
                    state,
                    me,
                    &ctx(),
                    id,
                    NewRecord {
                        kind: RecordKind::FollowUp,
                        text: "回访：双方关系缓和，协议已履行完毕。".into(),
                        parties_consented: false,
                    },
                )
                .await
            }
            _ => {
                mediation::move_file(state, me, &ctx(), id, mv(MediationAction::Close, None)).await
            }
        }
    })
    .await;
    let f = step(&format!("dispute {id}, step {k}"), done)?;
    if !f.summary.stage.is_open() {
        return Ok(vec![]);
    }
    run.view = Some(f);
    let wait = match k {
        0 => r.minutes(30, 4 * 60),
        1 => r.minutes(60, 24 * 60),
        2 => r.minutes(24 * 60, 5 * 24 * 60),
        3 => r.minutes(2 * 24 * 60, 8 * 24 * 60),
        4..=7 => r.minutes(10, 60),
        8 => r.minutes(5 * 24 * 60, 18 * 24 * 60),
        9 => r.minutes(3 * 24 * 60, 10 * 24 * 60),
        _ => r.minutes(60, 24 * 60),
    };
    Ok(vec![(working(at + wait, r), Task::Mediation(index))])
}

/// A matter for the council: what residents raise, and the case category that carries out
/// a decision on it.
const COUNCIL_MATTERS: [(&str, &str, &str); 8] = [
    (
        "小区东门加装无障碍坡道",
        "东门只有台阶，轮椅和婴儿车进出不便，建议加装坡道。",
        "C-ROAD-01",
    ),
    (
        "楼道声控灯更换为感应灯",
        "老式声控灯经常不亮，老人上下楼不安全。",
        "C-PUB-02",
    ),
    (
        "非机动车棚加装集中充电桩",
        "减少飞线充电，消除火灾隐患。",
        "E-SAF-01",
    ),
    (
        "调整垃圾分类投放点位置",
        "投放点离住户窗户太近，夏天气味大，建议挪到路口。",
        "E-ENV-01",
    ),
    (
        "约定广场舞时间和音量",
        "晚上音响太吵，影响老人孩子休息，大家商量个时间。",
        "E-NEI-01",
    ),
    (
        "楼顶防水维修费用分摊",
        "顶楼住户漏水，维修费用如何在本单元分摊。",
        "E-NEI-02",
    ),
    (
        "小区停车位重新划线",
        "车位线模糊，乱停车堵住消防通道。",
        "C-ROAD-02",
    ),
    (
        "消防通道加装警示标识",
        "消防通道常被占用，建议加装标识并定期巡查。",
        "E-SAF-03",
    ),
];

/// A council item on its way.
struct ItemRun {
    rng: Rng,
    id: Option<i64>,
    grid: Option<i64>,
    title: &'static str,
    description: &'static str,
    code: &'static str,
    /// None: not adopted.
    tier: Option<shared::council::Tier>,
    view: Option<shared::council::ItemView>,
}

/// One step of a council item; also returns the case a decision filed.
#[allow(clippy::too_many_arguments)]
async fn council_step(
    index: usize,
    state: &AppState,
    cast: &Cast,
    parties: &HashMap<String, i64>,
    categories: &HashMap<String, i64>,
    run: &mut ItemRun,
    at: OffsetDateTime,
) -> AppResult<(Next, Option<i64>)> {
    use crate::council::service as council;
    use shared::council::{
        CreateItem, CreateMeeting, Decision, ItemAction, ItemStage, MeetingKind, MoveItem, Tier,
    };
    let me = &cast.staff;
    let again = |t: OffsetDateTime| vec![(t, Task::Council(index))];
    let Some(id) = run.id else {
        let req = CreateItem {
            title: run.title.into(),
            description: run.description.into(),
            scope_place_id: run.grid.unwrap_or_default(),
            category_id: categories.get(run.code).copied(),
            lon: None,
            lat: None,
        };
        let item = step(
            "raising a council item",
            clock::at(at, council::create_item(state, me, req)).await,
        )?;
        run.id = Some(item.summary.id);
        run.view = Some(item);
        let next = working(at + run.rng.minutes(2 * 60, 3 * 24 * 60), &mut run.rng);
        return Ok((again(next), None));
    };
    let item = run
        .view
        .take()
        .ok_or_else(|| AppError::Internal("a council item without its view".into()))?;
    let version = item.summary.version;
    let mv = |action| MoveItem {
        action,
        version,
        tier: None,
        meeting_id: None,
        note: None,
        decision: None,
    };
    let r = &mut run.rng;
    let decision = |r: &mut Rng| Decision {
        text: format!("同意{}，由责任单位限期落实，网格员跟进。", run.title),
        responsible_party_id: parties
            .get(party_for(run.code))
            .copied()
            .unwrap_or_default(),
        category_id: categories[run.code],
        deadline: shared::calendar::day_at(at) + Duration::days(10 + r.below(20) as i64),
    };
    let (req, wait) = match (item.summary.stage, run.tier) {
        (ItemStage::Proposed, None) => (
            MoveItem {
                note: Some("经初步审议，该事项不属于社区议事范围，已向提出人说明。".into()),
                ..mv(ItemAction::Reject)
            },
            None,
        ),
        (ItemStage::Proposed, Some(tier)) => (
            MoveItem {
                tier: Some(tier),
                ..mv(ItemAction::Accept)
            },
            Some(r.minutes(60, 4 * 24 * 60)),
        ),
        (ItemStage::Gathering, Some(Tier::Small)) => (
            MoveItem {
                decision: Some(decision(r)),
                ..mv(ItemAction::Decide)
            },
            Some(r.minutes(24 * 60, 3 * 24 * 60)),
        ),
        (ItemStage::Gathering, _) => {
            // The next deliberation day: a Saturday evening at the grid's 议事角.
            let local = at.to_offset(shared::calendar::SHANGHAI);
            let days = (5 - local.weekday().number_days_from_monday() as i64).rem_euclid(7);
            let starts = (local.date() + Duration::days(days.max(1)))
                .with_time(Time::from_hms(19, 0, 0).expect("a time"))
                .assume_offset(shared::calendar::SHANGHAI);
            let meeting = step(
                "a deliberation day",
                clock::at(
                    at,
                    council::create_meeting(
                        state,
                        me,
                        CreateMeeting {
                            scope_place_id: run.grid.unwrap_or_default(),
                            kind: MeetingKind::Regular,
                            title: "网格议事日".into(),
                            venue: "网格议事角".into(),
                            starts_at: starts,
                        },
                    ),
                )
                .await,
            )?;
            (
                MoveItem {
                    meeting_id: Some(meeting.summary.id),
                    ..mv(ItemAction::Schedule)
                },
                Some(starts - at + r.minutes(5, 30)),
            )
        }
        (ItemStage::Scheduled, _) => (mv(ItemAction::Open), Some(r.minutes(30, 80))),
        (ItemStage::Deliberating, _) => (
            MoveItem {
                decision: Some(decision(r)),
                ..mv(ItemAction::Decide)
            },
            Some(r.minutes(24 * 60, 3 * 24 * 60)),
        ),
        (ItemStage::Decided, _) => (mv(ItemAction::Start), Some(r.minutes(24 * 60, 3 * 24 * 60))),
        (ItemStage::CarryingOut, _) => {
            // Done when the case that carries out the decision is closed; look again later.
            let closed = match item.summary.case_id {
                Some(c) => case::Entity::find_by_id(c)
                    .one(&state.db.conn)
                    .await?
                    .is_some_and(|c| c.stage == "closed"),
                None => true,
            };
            if !closed {
                run.view = Some(item);
                return Ok((again(working(at + Duration::days(2), r)), None));
            }
            (mv(ItemAction::Complete), None)
        }
        _ => return Ok((vec![], None)),
    };
    let action = req.action;
    let moved = clock::at(at, council::move_item(state, me, id, req)).await;
    let item = step(&format!("council item {id}, {action:?}"), moved)?;
    let decided = (action == ItemAction::Decide)
        .then_some(item.summary.case_id)
        .flatten();
    run.view = Some(item);
    let next = match wait {
        Some(w) if action == ItemAction::Schedule => again(at + w),
        Some(w) => again(working(at + w, r)),
        None => vec![],
    };
    Ok((next, decided))
}
