//! Counting the records for the dashboard. Every number is a SQL aggregate over the cases and
//! their history (`COUNT` with `GROUP BY`, the same on SQLite and PostgreSQL); only the
//! times to close are read as rows (two timestamps a closed case) because a percentile is not
//! an aggregate both engines have. The arithmetic from counts to figures is `shared::stats`.

use crate::accounts::store::user;
use crate::care::store::{errand, order, pairing, visit};
use crate::cases::service::name_of;
use crate::cases::store::{case, category, event, party};
use crate::council::store::{event as cevent, item as citem};
use crate::error::{AppError, AppResult};
use crate::mediation::store::{event as mevent, file as mfile, party as mparty};
use crate::places::service as places;
use crate::places::store::{place, resident, resident_group};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use shared::accounts::{Permission, Principal, Scope};
use shared::board::Counts as BoardCounts;
use shared::calendar;
use shared::care::{ErrandStatus, MealStatus, RiskLevel};
use shared::cases::{Source, Stage};
use shared::council::ItemStage;
use shared::error::{ErrorCode, FieldErrorCode};
use shared::mediation::MediationStage;
use shared::places::PlaceKind;
use shared::places::SpecialGroup;
use shared::stats::{
    Breakdown, BreakdownBy, BreakdownRow, CaseCounts, CategoryTimes, Counts, Dashboard, FigureId,
    FigureValue, GroupVisits, Interval, MAX_TREND_POINTS, Period, RESIDENT_SOURCES, SATISFIED_FROM,
    StatsScope, Trend, TrendPoint, VisitTally, WorkCounts, mean, p90, visits_owed,
};
use std::collections::{BTreeSet, HashMap};
use time::{OffsetDateTime, UtcOffset};

/// The records a request counts: what the reader may see of statistics, narrowed to the
/// place asked for.
pub struct Selection {
    pub cases: Condition,
    pub scope: StatsScope,
    /// A grid worker's grids; none: every grid.
    reach: Option<Vec<i64>>,
    /// The community, grid or micro-grid asked for.
    place: Option<(PlaceKind, i64)>,
}

/// Where a record of some area lies, besides its grid: at a place (a case, a dispute file, a
/// council item) or with a resident (visits, errands, meals).
#[derive(Clone, Copy)]
pub enum At<C> {
    Place(C),
    Resident(C),
}

impl Selection {
    /// Every record of some grids, whoever asks (the assessment scores each grid and each
    /// grid worker's grids by the dashboard's own counting; it checks who may read first).
    pub fn of_grids(ids: Vec<i64>) -> Selection {
        let mut sel = Selection {
            cases: Condition::all(),
            scope: StatsScope {
                place_id: None,
                name: None,
                kind: None,
            },
            reach: Some(ids),
            place: None,
        };
        sel.cases = sel.counted_cases();
        sel
    }

    /// The cases any figure counts: those of the selection's records, less the reports their
    /// reporters withdrew (撤回), which happened to nobody.
    fn counted_cases(&self) -> Condition {
        self.records(case::Column::GridId, At::Place(case::Column::PlaceId))
            .add(case::Column::Stage.ne(name_of(Stage::Withdrawn)))
    }

    /// The records of any area in the selection, found by their grid column and their place
    /// or resident column: the one rule for every figure, so a grid worker's figures of care,
    /// mediation and council stop at their grids as the case figures do.
    pub fn records<C: ColumnTrait>(&self, grid: C, at: At<C>) -> Condition {
        let mut c = Condition::all();
        if let Some(ids) = &self.reach {
            c = c.add(grid.is_in(ids.clone()));
        }
        match (self.place, at) {
            (None, _) => c,
            (Some((PlaceKind::Community, id)), At::Place(place)) => c.add(
                Condition::any()
                    .add(grid.in_subquery(grids_of(id)))
                    .add(place.eq(id)),
            ),
            (Some((PlaceKind::Community, id)), At::Resident(_)) => {
                c.add(grid.in_subquery(grids_of(id)))
            }
            (Some((PlaceKind::MicroGrid, id)), At::Place(place)) => {
                c.add(place.in_subquery(within_micro_grid(id)))
            }
            (Some((PlaceKind::MicroGrid, id)), At::Resident(resident)) => {
                c.add(resident.in_subquery(residents_of_micro_grid(id)))
            }
            (Some((_, id)), _) => c.add(grid.eq(id)),
        }
    }
}

/// The grids of a community (ids).
fn grids_of(community: i64) -> SelectStatement {
    Query::select()
        .column(place::Column::Id)
        .from(place::Entity)
        .and_where(place::Column::ParentId.eq(community))
        .and_where(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .to_owned()
}

/// The residents (ids) living in a micro-grid's households.
fn residents_of_micro_grid(id: i64) -> SelectStatement {
    Query::select()
        .column(resident::Column::Id)
        .from(resident::Entity)
        .and_where(resident::Column::HouseholdId.in_subquery(within_micro_grid(id)))
        .to_owned()
}

fn forbidden() -> AppError {
    AppError::Code(ErrorCode::Forbidden)
}

/// Places (ids) at or below a micro-grid: itself, its buildings and their households.
fn within_micro_grid(id: i64) -> SelectStatement {
    let buildings = Query::select()
        .column(place::Column::Id)
        .from(place::Entity)
        .and_where(place::Column::ParentId.eq(id))
        .to_owned();
    Query::select()
        .column(place::Column::Id)
        .from(place::Entity)
        .cond_where(
            Condition::any()
                .add(place::Column::Id.eq(id))
                .add(place::Column::ParentId.eq(id))
                .add(place::Column::ParentId.in_subquery(buildings)),
        )
        .to_owned()
}

/// The cases of `place_id` (a community, grid or micro-grid; none: all the reader reaches).
/// Outside a grid worker's grids the answer is 403: the place exists for them (they see the
/// map), its figures are not theirs.
pub async fn select(
    conn: &impl ConnectionTrait,
    me: &Principal,
    place_id: Option<i64>,
) -> AppResult<Selection> {
    crate::accounts::require(me, Permission::ViewStatistics)?;
    let reach = match me.scope(Permission::ViewStatistics) {
        Scope::All => None,
        Scope::Grids(ids) => Some(ids),
        Scope::None => return Err(forbidden()),
    };
    let (place, scope) = match place_id {
        None => (
            None,
            StatsScope {
                place_id: None,
                name: None,
                kind: None,
            },
        ),
        Some(id) => {
            let found = places::find(conn, id).await?;
            let kind = places::kind_of(&found);
            if !matches!(
                kind,
                PlaceKind::Community | PlaceKind::Grid | PlaceKind::MicroGrid
            ) {
                return Err(AppError::field("place_id", FieldErrorCode::NotAllowed));
            }
            if let Some(ids) = &reach
                && !found.grid_id.is_some_and(|g| ids.contains(&g))
            {
                return Err(forbidden());
            }
            (
                Some((kind, id)),
                StatsScope {
                    place_id: Some(id),
                    name: Some(found.name),
                    kind: Some(kind),
                },
            )
        }
    };
    let mut sel = Selection {
        cases: Condition::all(),
        scope,
        reach,
        place,
    };
    sel.cases = sel.counted_cases();
    Ok(sel)
}

pub(crate) fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
}

/// `column` lies in the period (half-open, Beijing days).
pub(crate) fn during<C: ColumnTrait>(column: C, p: &Period) -> Condition {
    Condition::all()
        .add(column.gte(utc(p.start())))
        .add(column.lt(utc(p.end())))
}

pub(super) fn running_stages() -> Vec<String> {
    Stage::ALL
        .into_iter()
        .filter(|s| s.clock_runs())
        .map(name_of)
        .collect()
}

pub(crate) async fn count(conn: &impl ConnectionTrait, c: Condition) -> AppResult<u64> {
    Ok(case::Entity::find().filter(c).count(conn).await?)
}

/// Cases in the selection with an event of `actions` in the period, counted once each.
fn with_event_during(actions: &[&str], p: &Period) -> SelectStatement {
    Query::select()
        .column(event::Column::CaseId)
        .from(event::Entity)
        .and_where(event::Column::Action.is_in(actions.iter().copied()))
        .and_where(event::Column::At.gte(utc(p.start())))
        .and_where(event::Column::At.lt(utc(p.end())))
        .to_owned()
}

/// Closed cases of the period: category, reported at, closed at.
async fn closings(
    conn: &impl ConnectionTrait,
    s: &Condition,
    p: &Period,
) -> AppResult<Vec<(i64, OffsetDateTime, Option<OffsetDateTime>)>> {
    Ok(case::Entity::find()
        .select_only()
        .column(case::Column::CategoryId)
        .column(case::Column::CreatedAt)
        .column(case::Column::ClosedAt)
        .filter(s.clone())
        .filter(case::Column::Stage.eq(name_of(Stage::Closed)))
        .filter(during(case::Column::ClosedAt, p))
        .into_tuple()
        .all(conn)
        .await?)
}

fn hours(rows: &[(i64, OffsetDateTime, Option<OffsetDateTime>)]) -> Vec<f64> {
    rows.iter()
        .filter_map(|(_, from, to)| to.map(|to| (to - *from).as_seconds_f64() / 3600.0))
        .map(|h| h.max(0.0))
        .collect()
}

/// The cases due in the period, which the closure rates count: the deadline fell in it (and
/// has passed), or the case closed in it; refused cases never.
pub(crate) fn due_in(s: &Condition, p: &Period, now: OffsetDateTime) -> Condition {
    let closed = name_of(Stage::Closed);
    let deadline_passed = if now < p.end() { now } else { p.end() };
    s.clone()
        .add(case::Column::Stage.is_not_in([name_of(Stage::Refused), name_of(Stage::Voided)]))
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(case::Column::DeadlineAt.gte(utc(p.start())))
                        .add(case::Column::DeadlineAt.lte(utc(deadline_passed))),
                )
                .add(
                    Condition::all()
                        .add(case::Column::Stage.eq(closed))
                        .add(during(case::Column::ClosedAt, p)),
                ),
        )
}

/// Of a cohort, the cases closed (and still closed) before the period ended.
fn closed_by_end_of(cohort: &Condition, p: &Period) -> Condition {
    cohort
        .clone()
        .add(case::Column::Stage.eq(name_of(Stage::Closed)))
        .add(case::Column::ClosedAt.lt(utc(p.end())))
}

/// The cases rated in the period (by the time of the rating).
pub(crate) fn rated_in(s: &Condition, p: &Period) -> Condition {
    s.clone()
        .add(case::Column::RatingScore.is_not_null())
        .add(case::Column::Id.in_subquery(with_event_during(&["rating"], p)))
}

/// The cases verified (passed or failed) in the period, each once.
pub(crate) fn verified_in(s: &Condition, p: &Period) -> Condition {
    s.clone()
        .add(case::Column::Id.in_subquery(with_event_during(&["verify_pass", "verify_fail"], p)))
}

/// The counts behind `wanted` figures for one period (only the queries those figures need).
pub async fn case_counts(
    conn: &impl ConnectionTrait,
    s: &Condition,
    p: &Period,
    now: OffsetDateTime,
    wanted: &[FigureId],
) -> AppResult<CaseCounts> {
    let wants = |ids: &[FigureId]| ids.iter().any(|f| wanted.contains(f));
    let mut out = CaseCounts::default();
    let closed = name_of(Stage::Closed);
    if wants(&[FigureId::CasesReported]) {
        out.reported = count(conn, s.clone().add(during(case::Column::CreatedAt, p))).await?;
    }
    if wants(&[FigureId::CasesRegistered]) {
        out.registered = count(conn, s.clone().add(during(case::Column::RegisteredAt, p))).await?;
    }
    if wants(&[FigureId::CasesClosed]) {
        out.closed = count(
            conn,
            s.clone()
                .add(case::Column::Stage.eq(closed.clone()))
                .add(during(case::Column::ClosedAt, p)),
        )
        .await?;
    }
    if wants(&[FigureId::ClosureRate, FigureId::OnTimeRate]) {
        let cohort = due_in(s, p, now);
        let closed_by_end = closed_by_end_of(&cohort, p);
        out.board = BoardCounts {
            due: count(conn, cohort.clone()).await?,
            postponed: count(
                conn,
                cohort.add(case::Column::Stage.eq(name_of(Stage::Postponed))),
            )
            .await?,
            closed: count(conn, closed_by_end.clone()).await?,
            closed_on_time: count(
                conn,
                closed_by_end.add(
                    Expr::col(case::Column::ClosedAt).lte(Expr::col(case::Column::DeadlineAt)),
                ),
            )
            .await?,
            ..out.board
        };
    }
    if wants(&[FigureId::ReworkRate]) {
        let in_scope = Query::select()
            .column(case::Column::Id)
            .from(case::Entity)
            .cond_where(s.clone())
            .to_owned();
        let verifications = |actions: &'static [&'static str]| {
            event::Entity::find()
                .filter(event::Column::Action.is_in(actions.iter().copied()))
                .filter(event::Column::At.gte(utc(p.start())))
                .filter(event::Column::At.lt(utc(p.end())))
                .filter(event::Column::CaseId.in_subquery(in_scope.clone()))
                .count(conn)
        };
        out.board.verifications = verifications(&["verify_pass", "verify_fail"]).await?;
        out.board.verifications_failed = verifications(&["verify_fail"]).await?;
    }
    if wants(&[FigureId::AvgHoursToClose, FigureId::P90HoursToClose]) {
        out.hours_to_close = hours(&closings(conn, s, p).await?);
    }
    if wants(&[FigureId::OverdueNow]) && p.contains(now) {
        out.overdue_now = Some(
            count(
                conn,
                s.clone()
                    .add(case::Column::DeadlineAt.lt(utc(now)))
                    .add(case::Column::Stage.is_in(running_stages())),
            )
            .await?,
        );
    }
    if wants(&[FigureId::Satisfaction]) {
        let rated = rated_in(s, p);
        out.ratings = count(conn, rated.clone()).await?;
        out.satisfied = count(
            conn,
            rated.add(case::Column::RatingScore.gte(i32::from(SATISFIED_FROM))),
        )
        .await?;
    }
    Ok(out)
}

/// Rows of `entity` matching `c`.
async fn count_of<E: EntityTrait>(conn: &impl ConnectionTrait, c: Condition) -> AppResult<u64>
where
    E::Model: Sync,
{
    Ok(E::find().filter(c).count(conn).await?)
}

/// Distinct records (`key`) with an event in the period moving them to `to_stage`.
async fn moved_to<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    key: E::Column,
    at: E::Column,
    to_stage_column: E::Column,
    to_stage: &str,
    records: SelectStatement,
    p: &Period,
) -> AppResult<Vec<(i64, OffsetDateTime)>> {
    Ok(E::find()
        .select_only()
        .column(key)
        .column(at)
        .filter(to_stage_column.eq(to_stage))
        .filter(during(at, p))
        .filter(key.in_subquery(records))
        .into_tuple()
        .all(conn)
        .await?)
}

fn ids_of<E: EntityTrait + 'static>(id: E::Column, c: Condition) -> SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .cond_where(c)
        .to_owned()
}

/// The visits due and on schedule in the period: in total (each pairing once) and per
/// special group (`shared::stats::visits_owed` over each pairing's visits).
pub async fn visit_schedule(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    p: &Period,
    today: time::Date,
) -> AppResult<(VisitTally, Vec<GroupVisits>)> {
    let intervals = crate::care::service::intervals(conn).await?;
    let in_care = sel
        .records(
            pairing::Column::GridId,
            At::Resident(pairing::Column::ResidentId),
        )
        .add(pairing::Column::StartsOn.lte(p.to))
        .add(
            Condition::any()
                .add(pairing::Column::EndedOn.gte(p.from))
                .add(
                    Condition::all()
                        .add(pairing::Column::EndedOn.is_null())
                        .add(pairing::Column::Active.eq(true)),
                ),
        );
    let pairings = pairing::Entity::find()
        .filter(in_care.clone())
        .all(conn)
        .await?;
    let residents = Query::select()
        .column(pairing::Column::ResidentId)
        .from(pairing::Entity)
        .cond_where(in_care)
        .to_owned();
    let mut visited: HashMap<i64, Vec<time::Date>> = HashMap::new();
    let rows: Vec<(i64, OffsetDateTime)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::ResidentId)
        .column(visit::Column::VisitedAt)
        .filter(visit::Column::ResidentId.in_subquery(residents.clone()))
        .filter(visit::Column::VisitedAt.lt(utc(p.end())))
        .into_tuple()
        .all(conn)
        .await?;
    for (r, at) in rows {
        visited.entry(r).or_default().push(calendar::day_at(at));
    }
    let mut groups: HashMap<i64, Vec<SpecialGroup>> = HashMap::new();
    let tags: Vec<(i64, String)> = resident_group::Entity::find()
        .select_only()
        .column(resident_group::Column::ResidentId)
        .column(resident_group::Column::GroupName)
        .filter(resident_group::Column::ResidentId.in_subquery(residents))
        .into_tuple()
        .all(conn)
        .await?;
    for (r, g) in tags {
        if let Some(g) = SpecialGroup::parse(&g) {
            groups.entry(r).or_default().push(g);
        }
    }
    let mut total = VisitTally::default();
    let mut per_group: HashMap<Option<SpecialGroup>, VisitTally> = HashMap::new();
    for pr in pairings {
        let risk = RiskLevel::parse(&pr.risk).unwrap_or(RiskLevel::Normal);
        let t = visits_owed(
            pr.starts_on,
            pr.ended_on,
            intervals.days(risk),
            visited.get(&pr.resident_id).map_or(&[][..], Vec::as_slice),
            p,
            today,
        );
        total.add(t);
        match groups.get(&pr.resident_id) {
            Some(gs) if !gs.is_empty() => {
                for g in gs {
                    per_group.entry(Some(*g)).or_default().add(t);
                }
            }
            _ => per_group.entry(None).or_default().add(t),
        }
    }
    let order = SpecialGroup::ALL.into_iter().map(Some).chain([None]);
    let by_group = order
        .filter_map(|g| {
            let t = per_group.get(&g)?;
            (t.due > 0).then_some(GroupVisits {
                group: g,
                due: t.due,
                on_schedule: t.on_schedule,
            })
        })
        .collect();
    Ok((total, by_group))
}

/// The counts behind the `wanted` work figures (care, mediation, council, residents served)
/// for one period: only the queries those figures need.
pub async fn work_counts(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    p: &Period,
    today: time::Date,
    wanted: &[FigureId],
) -> AppResult<WorkCounts> {
    use FigureId as F;
    let wants = |ids: &[FigureId]| ids.iter().any(|f| wanted.contains(f));
    let served = wants(&[F::ResidentsServed]);
    let mut out = WorkCounts::default();
    if wants(&[F::VisitsDue, F::VisitsOnSchedule]) {
        out.visits = visit_schedule(conn, sel, p, today).await?.0;
    }
    if served {
        out.visits_made = count_of::<visit::Entity>(
            conn,
            sel.records(
                visit::Column::GridId,
                At::Resident(visit::Column::ResidentId),
            )
            .add(during(visit::Column::VisitedAt, p)),
        )
        .await?;
        out.resident_cases_closed = count(
            conn,
            sel.cases
                .clone()
                .add(case::Column::Stage.eq(name_of(Stage::Closed)))
                .add(case::Column::Source.is_in(RESIDENT_SOURCES.map(Source::as_str)))
                .add(during(case::Column::ClosedAt, p)),
        )
        .await?;
    }
    if served || wants(&[F::ErrandsDone]) {
        out.errands_done = count_of::<errand::Entity>(
            conn,
            sel.records(
                errand::Column::GridId,
                At::Resident(errand::Column::ResidentId),
            )
            .add(errand::Column::Status.is_in([
                ErrandStatus::Done.as_str(),
                ErrandStatus::Confirmed.as_str(),
            ]))
            .add(during(errand::Column::UpdatedAt, p)),
        )
        .await?;
    }
    if served || wants(&[F::MealsServed]) {
        out.meals_served = count_of::<order::Entity>(
            conn,
            sel.records(
                order::Column::GridId,
                At::Resident(order::Column::ResidentId),
            )
            .add(order::Column::Status.eq(MealStatus::Delivered.as_str()))
            .add(during(order::Column::DeliveredAt, p)),
        )
        .await?;
    }
    let files = sel.records(mfile::Column::GridId, At::Place(mfile::Column::PlaceId));
    let accepted = files.clone().add(during(mfile::Column::AcceptedAt, p));
    if wants(&[F::MediationAccepted]) {
        out.mediation_accepted = count_of::<mfile::Entity>(conn, accepted.clone()).await?;
    }
    if served {
        out.mediation_parties = count_of::<mparty::Entity>(
            conn,
            Condition::all().add(
                mparty::Column::FileId
                    .in_subquery(ids_of::<mfile::Entity>(mfile::Column::Id, accepted)),
            ),
        )
        .await?;
    }
    if wants(&[F::MediationAgreed, F::MediationSuccessRate]) {
        out.mediation_agreed = count_of::<mfile::Entity>(
            conn,
            files
                .clone()
                .add(during(mfile::Column::AgreementEffectiveAt, p)),
        )
        .await?;
    }
    let file_moves = |stage: MediationStage| {
        moved_to::<mevent::Entity>(
            conn,
            mevent::Column::FileId,
            mevent::Column::At,
            mevent::Column::ToStage,
            stage.as_str(),
            ids_of::<mfile::Entity>(mfile::Column::Id, files.clone()),
            p,
        )
    };
    let distinct = |rows: Vec<(i64, OffsetDateTime)>| {
        rows.into_iter().map(|r| r.0).collect::<BTreeSet<_>>().len() as u64
    };
    if wants(&[F::MediationSuccessRate]) {
        out.mediation_failed = distinct(file_moves(MediationStage::Failed).await?);
    }
    if wants(&[F::MediationPerformed]) {
        out.mediation_performed = distinct(file_moves(MediationStage::Closed).await?);
    }
    let items = sel.records(
        citem::Column::GridId,
        At::Place(citem::Column::ScopePlaceId),
    );
    if wants(&[F::CouncilRaised]) {
        out.council_raised =
            count_of::<citem::Entity>(conn, items.clone().add(during(citem::Column::CreatedAt, p)))
                .await?;
    }
    if wants(&[F::CouncilDecided]) {
        out.council_decided =
            count_of::<citem::Entity>(conn, items.clone().add(during(citem::Column::DecidedAt, p)))
                .await?;
    }
    if wants(&[F::CouncilDoneOnTime]) {
        let done = moved_to::<cevent::Entity>(
            conn,
            cevent::Column::ItemId,
            cevent::Column::At,
            cevent::Column::ToStage,
            ItemStage::Done.as_str(),
            ids_of::<citem::Entity>(citem::Column::Id, items),
            p,
        )
        .await?;
        let deadlines: HashMap<i64, Option<time::Date>> = citem::Entity::find()
            .select_only()
            .column(citem::Column::Id)
            .column(citem::Column::DecisionDeadline)
            .filter(citem::Column::Id.is_in(done.iter().map(|d| d.0).collect::<BTreeSet<_>>()))
            .into_tuple::<(i64, Option<time::Date>)>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        // Done once, on time: the first time the item was done in the period.
        let mut first_done: HashMap<i64, OffsetDateTime> = HashMap::new();
        for (id, at) in done {
            let e = first_done.entry(id).or_insert(at);
            *e = std::cmp::Ord::min(*e, at);
        }
        out.council_done_on_time = first_done
            .into_iter()
            .filter(|(id, at)| {
                deadlines
                    .get(id)
                    .copied()
                    .flatten()
                    .is_some_and(|d| calendar::day_at(*at) <= d)
            })
            .count() as u64;
    }
    Ok(out)
}

/// Every count the `wanted` figures need for one period.
pub async fn counts(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    p: &Period,
    now: OffsetDateTime,
    wanted: &[FigureId],
) -> AppResult<Counts> {
    Ok(Counts {
        cases: case_counts(conn, &sel.cases, p, now, wanted).await?,
        work: work_counts(conn, sel, p, calendar::day_at(now), wanted).await?,
    })
}

pub async fn dashboard(
    conn: &impl ConnectionTrait,
    sel: Selection,
    period: Period,
) -> AppResult<Dashboard> {
    let now = OffsetDateTime::now_utc();
    let previous = period.previous();
    let last_year = period.same_period_last_year();
    let wanted = FigureId::ALL;
    // The period's visits are walked once, for the tiles and the table per group alike.
    let (visits, visits_by_group) =
        visit_schedule(conn, &sel, &period, calendar::day_at(now)).await?;
    let but_visits: Vec<FigureId> = wanted
        .into_iter()
        .filter(|f| !matches!(f, FigureId::VisitsDue | FigureId::VisitsOnSchedule))
        .collect();
    let mut this = counts(conn, &sel, &period, now, &but_visits).await?;
    this.work.visits = visits;
    let before = counts(conn, &sel, &previous, now, &wanted).await?;
    let year_ago = counts(conn, &sel, &last_year, now, &wanted).await?;
    let figures = wanted
        .iter()
        .map(|id| FigureValue {
            id: *id,
            value: this.figure(*id),
            previous: before.figure(*id),
            last_year: year_ago.figure(*id),
        })
        .collect();

    let rows = closings(conn, &sel.cases, &period).await?;
    let mut per_category: HashMap<i64, Vec<f64>> = HashMap::new();
    for (cat, from, to) in &rows {
        per_category
            .entry(*cat)
            .or_default()
            .extend(hours(&[(*cat, *from, *to)]));
    }
    let names = category_names(conn, per_category.keys().copied().collect()).await?;
    let mut by_category: Vec<CategoryTimes> = per_category
        .into_iter()
        .map(|(id, h)| CategoryTimes {
            category_id: id,
            name: names.get(&id).map(|n| n.0.clone()).unwrap_or_default(),
            closed: h.len() as u64,
            avg_hours: mean(&h),
            p90_hours: p90(&h),
        })
        .collect();
    by_category.sort_by(|a, b| b.closed.cmp(&a.closed).then(a.name.cmp(&b.name)));
    let directives = directive_figures(conn, &sel, &period, now).await?;
    Ok(Dashboard {
        period,
        previous,
        last_year,
        scope: sel.scope,
        figures,
        by_category,
        visits_by_group,
        directives,
    })
}

/// The grids a selection counts (none: every grid). 督办 are counted by their subject's grid:
/// a micro-grid's figures are its grid's.
async fn selected_grids(
    conn: &impl ConnectionTrait,
    sel: &Selection,
) -> AppResult<Option<Vec<i64>>> {
    let asked = match sel.place {
        None => None,
        Some((PlaceKind::Community, id)) => Some(
            place::Entity::find()
                .select_only()
                .column(place::Column::Id)
                .filter(place::Column::Id.in_subquery(grids_of(id)))
                .into_tuple::<i64>()
                .all(conn)
                .await?,
        ),
        Some((_, id)) => Some(places::find(conn, id).await?.grid_id.into_iter().collect()),
    };
    Ok(match (asked, &sel.reach) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(r)) => Some(r.clone()),
        (Some(a), Some(r)) => Some(a.into_iter().filter(|g| r.contains(g)).collect()),
    })
}

/// 督办 issued in the period, by grid and month (`shared::stats::directive_figures`).
pub async fn directive_figures(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    p: &Period,
    now: OffsetDateTime,
) -> AppResult<Vec<shared::stats::DirectiveFigures>> {
    let mut records =
        crate::directives::service::stats_records(conn, utc(p.start()), utc(p.end())).await?;
    if let Some(grids) = selected_grids(conn, sel).await? {
        records.retain(|r| r.grid_id.is_some_and(|g| grids.contains(&g)));
    }
    let ids: Vec<i64> = records.iter().filter_map(|r| r.grid_id).collect();
    let names: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(shared::stats::directive_figures(&records, &names, now))
}

/// The interval a trend uses when none is asked for: days for up to a month, weeks for up to
/// a quarter, months beyond.
pub fn default_interval(p: &Period) -> Interval {
    match p.days() {
        ..=31 => Interval::Day,
        32..=92 => Interval::Week,
        _ => Interval::Month,
    }
}

pub async fn trend(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    period: Period,
    figure: FigureId,
    interval: Interval,
) -> AppResult<Trend> {
    if !figure.has_trend() {
        return Err(AppError::field("figure", FieldErrorCode::NotAllowed));
    }
    let buckets = period.buckets(interval);
    if buckets.len() > MAX_TREND_POINTS {
        return Err(AppError::field("interval", FieldErrorCode::OutOfRange));
    }
    let now = OffsetDateTime::now_utc();
    let mut points = Vec::with_capacity(buckets.len());
    for b in buckets {
        let c = counts(conn, sel, &b, now, &[figure]).await?;
        points.push(TrendPoint {
            period: b,
            value: c.figure(figure),
        });
    }
    Ok(Trend {
        figure,
        interval,
        period,
        points,
    })
}

async fn category_names(
    conn: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> AppResult<HashMap<i64, (String, String)>> {
    Ok(category::Entity::find()
        .filter(category::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name_zh, c.name_en)))
        .collect())
}

/// Counts of the selection grouped by an id column.
async fn grouped(
    conn: &impl ConnectionTrait,
    key: case::Column,
    c: Condition,
) -> AppResult<HashMap<Option<i64>, u64>> {
    let rows: Vec<(Option<i64>, i64)> = case::Entity::find()
        .select_only()
        .column(key)
        .column_as(case::Column::Id.count(), "n")
        .filter(c)
        .group_by(key)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
        .collect())
}

async fn grouped_by_source(
    conn: &impl ConnectionTrait,
    c: Condition,
) -> AppResult<HashMap<Option<String>, u64>> {
    let rows: Vec<(String, i64)> = case::Entity::find()
        .select_only()
        .column(case::Column::Source)
        .column_as(case::Column::Id.count(), "n")
        .filter(c)
        .group_by(case::Column::Source)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(k, n)| (Some(k), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Cases reported in the period, grouped; each group with how many of them are closed and
/// how many overdue now.
pub async fn breakdown(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    period: Period,
    by: BreakdownBy,
) -> AppResult<Breakdown> {
    let now = OffsetDateTime::now_utc();
    let reported = sel
        .cases
        .clone()
        .add(during(case::Column::CreatedAt, &period));
    let closed = reported
        .clone()
        .add(case::Column::Stage.eq(name_of(Stage::Closed)));
    let overdue = reported
        .clone()
        .add(case::Column::DeadlineAt.lt(utc(now)))
        .add(case::Column::Stage.is_in(running_stages()));
    let mut rows: Vec<BreakdownRow> = if by == BreakdownBy::Source {
        let all = grouped_by_source(conn, reported).await?;
        let closed = grouped_by_source(conn, closed).await?;
        let overdue = grouped_by_source(conn, overdue).await?;
        all.into_iter()
            .map(|(k, n)| BreakdownRow {
                key_id: None,
                source: k.as_deref().and_then(Source::parse),
                name: String::new(),
                name_en: String::new(),
                reported: n,
                closed: closed.get(&k).copied().unwrap_or(0),
                overdue: overdue.get(&k).copied().unwrap_or(0),
            })
            .collect()
    } else {
        let key = match by {
            BreakdownBy::Category => case::Column::CategoryId,
            BreakdownBy::Grid => case::Column::GridId,
            BreakdownBy::ResponsibleParty => case::Column::ResponsiblePartyId,
            BreakdownBy::GridWorker | BreakdownBy::Source => case::Column::AssigneeId,
        };
        let all = grouped(conn, key, reported).await?;
        let closed = grouped(conn, key, closed).await?;
        let overdue = grouped(conn, key, overdue).await?;
        let ids: Vec<i64> = all.keys().flatten().copied().collect();
        let names = names_of(conn, by, ids).await?;
        all.into_iter()
            .map(|(k, n)| {
                let (name, name_en) = k.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
                BreakdownRow {
                    key_id: k,
                    source: None,
                    name,
                    name_en,
                    reported: n,
                    closed: closed.get(&k).copied().unwrap_or(0),
                    overdue: overdue.get(&k).copied().unwrap_or(0),
                }
            })
            .collect()
    };
    rows.sort_by(|a, b| {
        b.reported
            .cmp(&a.reported)
            .then(a.key_id.cmp(&b.key_id))
            .then(
                a.source
                    .map(Source::as_str)
                    .cmp(&b.source.map(Source::as_str)),
            )
    });
    Ok(Breakdown { by, period, rows })
}

async fn names_of(
    conn: &impl ConnectionTrait,
    by: BreakdownBy,
    ids: Vec<i64>,
) -> AppResult<HashMap<i64, (String, String)>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(match by {
        BreakdownBy::Category => category_names(conn, ids).await?,
        BreakdownBy::Grid => place::Entity::find()
            .filter(place::Column::Id.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, (p.name.clone(), p.name)))
            .collect(),
        BreakdownBy::ResponsibleParty => party::Entity::find()
            .filter(party::Column::Id.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, (p.name_zh, p.name_en)))
            .collect(),
        BreakdownBy::GridWorker => user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|u| (u.id, (u.display_name.clone(), u.display_name)))
            .collect(),
        BreakdownBy::Source => HashMap::new(),
    })
}

/// The cases one group of a breakdown counts as its `reported` (reported in the period, in
/// that group); with no `by`, every case reported in the period. The drill-down list and the
/// export both select through here.
pub fn drill_condition(
    sel: &Selection,
    period: &Period,
    by: Option<BreakdownBy>,
    key: Option<&str>,
) -> AppResult<Condition> {
    let key = key.map(str::trim).filter(|k| !k.is_empty() && *k != "none");
    let reported = sel
        .cases
        .clone()
        .add(during(case::Column::CreatedAt, period));
    let Some(by) = by else {
        return Ok(reported);
    };
    let group = if by == BreakdownBy::Source {
        match key {
            Some(k) => {
                let s = Source::parse(k)
                    .ok_or_else(|| AppError::field("key", FieldErrorCode::InvalidFormat))?;
                case::Column::Source.eq(s.as_str())
            }
            None => return Err(AppError::field("key", FieldErrorCode::Required)),
        }
    } else {
        let column = match by {
            BreakdownBy::Category => case::Column::CategoryId,
            BreakdownBy::Grid => case::Column::GridId,
            BreakdownBy::ResponsibleParty => case::Column::ResponsiblePartyId,
            BreakdownBy::GridWorker | BreakdownBy::Source => case::Column::AssigneeId,
        };
        match key {
            Some(k) => column.eq(k
                .parse::<i64>()
                .map_err(|_| AppError::field("key", FieldErrorCode::InvalidFormat))?),
            None => column.is_null(),
        }
    };
    Ok(reported.add(group))
}

/// The cases behind one group of a breakdown — exactly those counted as its `reported` —
/// newest first, a page at a time: where a bar of the chart leads.
pub async fn drill(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    period: Period,
    by: BreakdownBy,
    key: Option<&str>,
    offset: Option<u64>,
    limit: Option<u64>,
) -> AppResult<shared::Page<shared::cases::CaseSummary>> {
    let c = drill_condition(sel, &period, Some(by), key)?;
    page_of_cases(conn, c, offset, limit).await
}

/// The cases matching `c`, newest first, a page at a time: a figure's cases as a list.
pub(crate) async fn page_of_cases(
    conn: &impl ConnectionTrait,
    c: Condition,
    offset: Option<u64>,
    limit: Option<u64>,
) -> AppResult<shared::Page<shared::cases::CaseSummary>> {
    use sea_orm::QueryOrder;
    let (offset, limit) = shared::clamp_paging(offset, limit);
    let total = count(conn, c.clone()).await?;
    let now = crate::clock::now();
    let items = case::Entity::find()
        .filter(c)
        .order_by_desc(case::Column::CreatedAt)
        .order_by_desc(case::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?
        .iter()
        .map(|m| crate::cases::service::summary(m, now))
        .collect();
    Ok(shared::Page {
        items,
        total,
        offset,
        limit,
    })
}
