//! Counting each subject's month and scoring it. The case figures of parties and grids and the
//! visits are the dashboard's own queries (`stats::service`) over the subject's cases; only
//! what the dashboard has no figure for (a grid worker's reports, verifications, patrols) is
//! counted here.

use super::store::{rule, rule_set};
use crate::accounts::require;
use crate::accounts::store::{user, user_grid, user_role};
use crate::cases::service::{calendar as work_calendar, name_of};
use crate::cases::store::{case, event, party};
use crate::error::{AppError, AppResult};
use crate::map::patrols::patrol;
use crate::places::store::{place, resident};
use crate::state::AppState;
use crate::stats::service::{
    Selection, case_counts, count, due_in, during, page_of_cases, rated_in, verified_in,
    visit_schedule, work_counts,
};
use crate::stats::sheet::{Cell, Column, Kind};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use shared::Page;
use shared::accounts::{Permission, Principal, Role, Scope};
use shared::assessment::{
    Assessment, Indicator, Measure, Rule, Rules, Subject, SubjectCounts, VERIFY_WITHIN, ranked,
};
use shared::calendar;
use shared::cases::CaseSummary;
use shared::cases::{CaseEventKind, Stage};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::i18n::Lang;
use shared::places::PlaceKind;
use shared::stats::{FigureId, Period, RESIDENT_SOURCES};
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

/// The one row holding the rules' version.
const RULE_SET: i64 = 1;

/// The rules in force: the stored ones over the defaults.
pub async fn rules(conn: &impl ConnectionTrait) -> AppResult<Rules> {
    let version = rule_set::Entity::find_by_id(RULE_SET)
        .one(conn)
        .await?
        .map_or(1, |s| s.version);
    let stored = rule::Entity::find().all(conn).await?;
    Ok(Rules::with(
        version,
        stored.into_iter().filter_map(|r| {
            Some(Rule {
                subject: Subject::parse(&r.subject)?,
                indicator: Indicator::parse(&r.indicator)?,
                weight: u32::try_from(r.weight).ok()?,
                target: r.target,
                floor: r.floor,
            })
        }),
    ))
}

/// Replace the rules (admins), against the version they were read at.
pub async fn save_rules(state: &AppState, me: &Principal, req: Rules) -> AppResult<Rules> {
    require(me, Permission::ManageSettings)?;
    req.check()
        .map_err(|(field, code)| AppError::field(&field, code))?;
    let txn = state.db.begin_write().await?;
    let moved = rule_set::Entity::update_many()
        .col_expr(
            rule_set::Column::Version,
            crate::db::next_version(rule_set::Column::Version),
        )
        .col_expr(
            rule_set::Column::UpdatedAt,
            Expr::value(crate::clock::now()),
        )
        .filter(rule_set::Column::Id.eq(RULE_SET))
        .filter(rule_set::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict(&rules(&*txn).await?));
    }
    rule::Entity::delete_many().exec(&*txn).await?;
    let next = Rules::with(req.version + 1, req.rules);
    rule::Entity::insert_many(next.rules.iter().map(|r| rule::ActiveModel {
        subject: Set(r.subject.as_str().to_string()),
        indicator: Set(r.indicator.as_str().to_string()),
        weight: Set(r.weight as i32),
        target: Set(r.target),
        floor: Set(r.floor),
    }))
    .exec(&*txn)
    .await?;
    let saved = rules(&*txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The month's scores of one kind of subject. The office sees every row; a grid worker sees
/// their own row among the grid workers (with the rank they hold among all) and their grids'
/// rows, and no party's.
pub async fn assessment(
    conn: &impl ConnectionTrait,
    me: &Principal,
    subject: Subject,
    period: Period,
) -> AppResult<Assessment> {
    require(me, Permission::ViewStatistics)?;
    let forbidden = || AppError::Code(ErrorCode::Forbidden);
    let reach = match me.scope(Permission::ViewStatistics) {
        Scope::All => None,
        Scope::Grids(ids) => Some(ids),
        Scope::None => return Err(forbidden()),
    };
    if subject == Subject::Party && reach.is_some() {
        return Err(forbidden());
    }
    let rules = rules(conn).await?;
    let now = crate::clock::now();
    let counted = match subject {
        Subject::GridWorker => grid_workers(conn, &period, now).await?,
        Subject::Party => parties(conn, &period, now).await?,
        Subject::Grid => grids(conn, &period, now).await?,
    };
    let rows = counted
        .into_iter()
        .map(|(id, name, counts)| counts.row(&rules, subject, id, name))
        .collect();
    let mut rows = ranked(rows);
    if let Some(grids) = reach {
        rows.retain(|r| match subject {
            Subject::GridWorker => r.key_id == me.user_id,
            Subject::Grid => grids.contains(&r.key_id),
            Subject::Party => false,
        });
    }
    Ok(Assessment {
        subject,
        period,
        rules,
        rows,
    })
}

type Counted = Vec<(i64, String, SubjectCounts)>;

/// Every enabled grid worker's month.
async fn grid_workers(
    conn: &impl ConnectionTrait,
    p: &Period,
    now: OffsetDateTime,
) -> AppResult<Counted> {
    let workers = user::Entity::find()
        .filter(user::Column::Disabled.eq(false))
        .filter(
            user::Column::Id.in_subquery(
                Query::select()
                    .column(user_role::Column::UserId)
                    .from(user_role::Entity)
                    .and_where(user_role::Column::Role.eq(Role::GridWorker.as_str()))
                    .to_owned(),
            ),
        )
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?;
    let mut grids: HashMap<i64, Vec<i64>> = HashMap::new();
    for g in user_grid::Entity::find().all(conn).await? {
        grids.entry(g.user_id).or_default().push(g.grid_id);
    }
    let work_days = work_calendar(conn).await?;
    let today = calendar::day_at(now);
    let mut out = Vec::new();
    for w in workers {
        let my_grids = grids.remove(&w.id).unwrap_or_default();
        let cases = WorkerCases::of(w.id, &my_grids, p);
        let (verifications, verified_on_time) = verifications(conn, w.id, p, &work_days).await?;
        let patrol_days: BTreeSet<time::Date> = patrol::Entity::find()
            .filter(patrol::Column::UserId.eq(w.id))
            .filter(during(patrol::Column::StartedAt, p))
            .all(conn)
            .await?
            .into_iter()
            .map(|t| calendar::day_at(t.started_at))
            .collect();
        let visits = visit_schedule(conn, &Selection::of_grids(my_grids), p, today)
            .await?
            .0;
        out.push((
            w.id,
            w.display_name,
            SubjectCounts {
                reports_filed: count(conn, cases.reports).await?,
                reports_decided: count(conn, cases.decided).await?,
                reports_registered: count(conn, cases.registered).await?,
                verifications,
                verified_on_time,
                missed_reports: count(conn, cases.missed).await?,
                visits,
                patrol_days: patrol_days.len() as u64,
                ..Default::default()
            },
        ));
    }
    Ok(out)
}

/// The cases a grid worker's month is counted from.
struct WorkerCases {
    /// Their reports of the month.
    reports: Condition,
    /// Of them, decided (registered or refused), and registered.
    decided: Condition,
    registered: Condition,
    /// Cases they verified in the month.
    verified: Condition,
    /// Residents' registered reports of the month in their grids.
    missed: Condition,
}

impl WorkerCases {
    fn of(worker: i64, grids: &[i64], p: &Period) -> WorkerCases {
        let reports = Condition::all()
            .add(case::Column::ReporterId.eq(worker))
            .add(during(case::Column::CreatedAt, p));
        let resident_sources: Vec<String> = RESIDENT_SOURCES.into_iter().map(name_of).collect();
        WorkerCases {
            registered: reports
                .clone()
                .add(case::Column::RegisteredAt.is_not_null()),
            decided: reports.clone().add(
                Condition::any()
                    .add(case::Column::RegisteredAt.is_not_null())
                    .add(case::Column::Stage.eq(name_of(Stage::Refused))),
            ),
            reports,
            verified: Condition::all().add(
                case::Column::Id.in_subquery(
                    Query::select()
                        .column(event::Column::CaseId)
                        .from(event::Entity)
                        .and_where(event::Column::ActorId.eq(worker))
                        .and_where(event::Column::Action.is_in(VERIFICATIONS))
                        .cond_where(during(event::Column::At, p))
                        .to_owned(),
                ),
            ),
            missed: Condition::all()
                .add(case::Column::GridId.is_in(grids.to_vec()))
                .add(case::Column::Source.is_in(resident_sources))
                .add(case::Column::RegisteredAt.is_not_null())
                .add(during(case::Column::CreatedAt, p)),
        }
    }
}

const VERIFICATIONS: [&str; 2] = ["verify_pass", "verify_fail"];

/// The cases behind one indicator of one subject's month: exactly those its counts are made
/// of (for a ratio, what it is counted out of). None for an indicator not counted from cases.
async fn cases_behind(
    conn: &impl ConnectionTrait,
    subject: Subject,
    key: i64,
    indicator: Indicator,
    p: &Period,
    now: OffsetDateTime,
) -> AppResult<Option<Condition>> {
    use Indicator::*;
    if subject == Subject::GridWorker {
        let grids: Vec<i64> = user_grid::Entity::find()
            .filter(user_grid::Column::UserId.eq(key))
            .all(conn)
            .await?
            .into_iter()
            .map(|g| g.grid_id)
            .collect();
        let cases = WorkerCases::of(key, &grids, p);
        return Ok(match indicator {
            ReportsFiled => Some(cases.reports),
            ValidReportRate => Some(cases.decided),
            OnTimeVerification => Some(cases.verified),
            MissedReports => Some(cases.missed),
            _ => None,
        });
    }
    let theirs = match subject {
        Subject::Party => Condition::all().add(case::Column::ResponsiblePartyId.eq(key)),
        _ => Selection::of_grids(vec![key]).cases,
    };
    Ok(match indicator {
        ClosureRate | OnTimeRate => Some(due_in(&theirs, p, now)),
        ReworkRate => Some(verified_in(&theirs, p)),
        Satisfaction => Some(rated_in(&theirs, p)),
        _ => None,
    })
}

/// The cases behind one value of the month's assessment, newest first, a page at a time;
/// read by whoever may read the row.
#[allow(clippy::too_many_arguments)]
pub async fn cases(
    conn: &impl ConnectionTrait,
    me: &Principal,
    subject: Subject,
    key: i64,
    indicator: Indicator,
    period: Period,
    offset: Option<u64>,
    limit: Option<u64>,
) -> AppResult<Page<CaseSummary>> {
    require(me, Permission::ViewStatistics)?;
    let forbidden = || AppError::Code(ErrorCode::Forbidden);
    match (me.scope(Permission::ViewStatistics), subject) {
        (Scope::All, _) => {}
        (Scope::Grids(_), Subject::GridWorker) if key == me.user_id => {}
        (Scope::Grids(ids), Subject::Grid) if ids.contains(&key) => {}
        _ => return Err(forbidden()),
    }
    if !subject.indicators().contains(&indicator) {
        return Err(AppError::field("indicator", FieldErrorCode::NotAllowed));
    }
    let now = crate::clock::now();
    let Some(c) = cases_behind(conn, subject, key, indicator, &period, now).await? else {
        return Err(AppError::field("indicator", FieldErrorCode::NotAllowed));
    };
    page_of_cases(conn, c, offset, limit).await
}

/// A grid worker's verifications in the period, and how many of them came within
/// [`VERIFY_WITHIN`] of the feedback they verified.
async fn verifications(
    conn: &impl ConnectionTrait,
    worker: i64,
    p: &Period,
    work_days: &calendar::WorkCalendar,
) -> AppResult<(u64, u64)> {
    let verified = event::Entity::find()
        .filter(event::Column::ActorId.eq(worker))
        .filter(event::Column::Action.is_in(VERIFICATIONS))
        .filter(during(event::Column::At, p))
        .all(conn)
        .await?;
    let feedback = event::Entity::find()
        .filter(event::Column::CaseId.is_in(verified.iter().map(|v| v.case_id)))
        .filter(event::Column::Action.eq(CaseEventKind::Feedback.as_str()))
        .all(conn)
        .await?;
    let on_time = verified
        .iter()
        .filter(|v| {
            // The feedback verified: the case's latest before the verification.
            feedback
                .iter()
                .filter(|f| f.case_id == v.case_id && f.at <= v.at)
                .map(|f| f.at)
                .max()
                .is_some_and(|fed_back| v.at <= work_days.deadline(fed_back, VERIFY_WITHIN))
        })
        .count();
    Ok((verified.len() as u64, on_time as u64))
}

const CASE_FIGURES: [FigureId; 4] = [
    FigureId::ClosureRate,
    FigureId::OnTimeRate,
    FigureId::ReworkRate,
    FigureId::Satisfaction,
];

/// Every active responsible party's month, over the cases dispatched to it.
async fn parties(
    conn: &impl ConnectionTrait,
    p: &Period,
    now: OffsetDateTime,
) -> AppResult<Counted> {
    let mut out = Vec::new();
    for party in party::Entity::find()
        .filter(party::Column::Active.eq(true))
        .order_by_asc(party::Column::Id)
        .all(conn)
        .await?
    {
        let theirs = Condition::all().add(case::Column::ResponsiblePartyId.eq(party.id));
        let cases = case_counts(conn, &theirs, p, now, &CASE_FIGURES).await?;
        out.push((
            party.id,
            party.name_zh,
            SubjectCounts {
                cases,
                ..Default::default()
            },
        ));
    }
    Ok(out)
}

/// Every grid's month, counted exactly as the dashboard counts one grid.
async fn grids(conn: &impl ConnectionTrait, p: &Period, now: OffsetDateTime) -> AppResult<Counted> {
    let today = calendar::day_at(now);
    let mut out = Vec::new();
    for grid in place::Entity::find()
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .order_by_asc(place::Column::Id)
        .all(conn)
        .await?
    {
        let sel = Selection::of_grids(vec![grid.id]);
        let cases = case_counts(conn, &sel.cases, p, now, &CASE_FIGURES).await?;
        let work = work_counts(
            conn,
            &sel,
            p,
            today,
            &[
                FigureId::VisitsDue,
                FigureId::VisitsOnSchedule,
                FigureId::ResidentsServed,
            ],
        )
        .await?;
        let residents = resident::Entity::find()
            .filter(resident::Column::GridId.eq(grid.id))
            .count(conn)
            .await?;
        out.push((
            grid.id,
            grid.name,
            SubjectCounts {
                cases,
                visits: work.visits,
                served: work.residents_served(),
                residents,
                ..Default::default()
            },
        ));
    }
    Ok(out)
}

/// The ranking as a sheet: rank, name and score, then each indicator's value (a rate as a
/// percentage), as the page's table shows them.
pub fn table(a: &Assessment) -> (Vec<Column>, Vec<Vec<Cell>>) {
    let indicators = a.subject.indicators();
    let mut columns = vec![
        Column::new("排名", Kind::Count, 6.0),
        Column::new(a.subject.text().get(Lang::ZhCn), Kind::Text, 16.0),
        Column::new("得分", Kind::Decimal, 8.0),
    ];
    for i in indicators {
        let kind = match i.measure() {
            Measure::Ratio => Kind::Ratio,
            Measure::Count => Kind::Count,
            Measure::Per1000 => Kind::Decimal,
        };
        columns.push(Column::new(i.text().0.get(Lang::ZhCn), kind, 12.0));
    }
    let rows = a
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Cell> = vec![
                r.rank.map_or(Cell::Empty, |n| u64::from(n).into()),
                r.name.clone().into(),
                r.score.map_or(Cell::Empty, Cell::Decimal),
            ];
            cells.extend(indicators.iter().map(|i| {
                r.values
                    .iter()
                    .find(|v| v.indicator == *i)
                    .and_then(|v| v.value)
                    .into()
            }));
            cells
        })
        .collect();
    (columns, rows)
}
