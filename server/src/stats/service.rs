//! Counting the records for the dashboard. Every number is a SQL aggregate over the cases and
//! their history (`COUNT` with `GROUP BY`, the same on SQLite and PostgreSQL); only the
//! times to close are read as rows (two timestamps a closed case) because a percentile is not
//! an aggregate both engines have. The arithmetic from counts to figures is `shared::stats`.

use crate::accounts::store::user;
use crate::cases::service::name_of;
use crate::cases::store::{case, category, event, party};
use crate::error::{AppError, AppResult};
use crate::places::service as places;
use crate::places::store::place;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use shared::accounts::{Permission, Principal, Scope};
use shared::board::Counts as BoardCounts;
use shared::cases::{Source, Stage};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::places::PlaceKind;
use shared::stats::{
    Breakdown, BreakdownBy, BreakdownRow, CaseCounts, CategoryTimes, Dashboard, FigureId,
    FigureValue, Interval, MAX_TREND_POINTS, Period, SATISFIED_FROM, StatsScope, Trend, TrendPoint,
    mean, p90,
};
use std::collections::{BTreeSet, HashMap};
use time::{OffsetDateTime, UtcOffset};

/// The cases a request counts: what the reader may see of statistics, narrowed to the place
/// asked for.
pub struct Selection {
    pub cases: Condition,
    pub scope: StatsScope,
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
    let reach = me.scope(Permission::ViewStatistics);
    let base = match &reach {
        Scope::All => Condition::all(),
        Scope::Grids(ids) => Condition::all().add(case::Column::GridId.is_in(ids.clone())),
        Scope::None => return Err(forbidden()),
    };
    let Some(id) = place_id else {
        return Ok(Selection {
            cases: base,
            scope: StatsScope {
                place_id: None,
                name: None,
                kind: None,
            },
        });
    };
    let found = places::find(conn, id).await?;
    let kind = places::kind_of(&found);
    let narrowed = match kind {
        PlaceKind::Community => {
            let grids = Query::select()
                .column(place::Column::Id)
                .from(place::Entity)
                .and_where(place::Column::ParentId.eq(id))
                .and_where(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
                .to_owned();
            Condition::any()
                .add(case::Column::GridId.in_subquery(grids))
                .add(case::Column::PlaceId.eq(id))
        }
        PlaceKind::Grid => Condition::all().add(case::Column::GridId.eq(id)),
        PlaceKind::MicroGrid => {
            Condition::all().add(case::Column::PlaceId.in_subquery(within_micro_grid(id)))
        }
        _ => return Err(AppError::field("place_id", FieldErrorCode::NotAllowed)),
    };
    if let Scope::Grids(ids) = &reach
        && !found.grid_id.is_some_and(|g| ids.contains(&g))
    {
        return Err(forbidden());
    }
    Ok(Selection {
        cases: base.add(narrowed),
        scope: StatsScope {
            place_id: Some(id),
            name: Some(found.name),
            kind: Some(kind),
        },
    })
}

fn utc(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
}

/// `column` lies in the period (half-open, Beijing days).
fn during(column: case::Column, p: &Period) -> Condition {
    Condition::all()
        .add(column.gte(utc(p.start())))
        .add(column.lt(utc(p.end())))
}

fn running_stages() -> Vec<String> {
    Stage::ALL
        .into_iter()
        .filter(|s| s.clock_runs())
        .map(name_of)
        .collect()
}

async fn count(conn: &impl ConnectionTrait, c: Condition) -> AppResult<u64> {
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
        // Due in the period: the deadline fell in it (and has passed), or it closed in it.
        let deadline_passed = if now < p.end() { now } else { p.end() };
        let cohort = s
            .clone()
            .add(case::Column::Stage.ne(name_of(Stage::Refused)))
            .add(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(case::Column::DeadlineAt.gte(utc(p.start())))
                            .add(case::Column::DeadlineAt.lte(utc(deadline_passed))),
                    )
                    .add(
                        Condition::all()
                            .add(case::Column::Stage.eq(closed.clone()))
                            .add(during(case::Column::ClosedAt, p)),
                    ),
            );
        let closed_by_end = cohort
            .clone()
            .add(case::Column::Stage.eq(closed.clone()))
            .add(case::Column::ClosedAt.lt(utc(p.end())));
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
        let rated = s
            .clone()
            .add(case::Column::RatingScore.is_not_null())
            .add(case::Column::Id.in_subquery(with_event_during(&["rating"], p)));
        out.ratings = count(conn, rated.clone()).await?;
        out.satisfied = count(
            conn,
            rated.add(case::Column::RatingScore.gte(i32::from(SATISFIED_FROM))),
        )
        .await?;
    }
    Ok(out)
}

pub async fn dashboard(
    conn: &impl ConnectionTrait,
    sel: Selection,
    period: Period,
) -> AppResult<Dashboard> {
    let now = OffsetDateTime::now_utc();
    let previous = period.previous();
    let last_year = period.same_period_last_year();
    let wanted = FigureId::CASES;
    let this = case_counts(conn, &sel.cases, &period, now, &wanted).await?;
    let before = case_counts(conn, &sel.cases, &previous, now, &wanted).await?;
    let year_ago = case_counts(conn, &sel.cases, &last_year, now, &wanted).await?;
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
    Ok(Dashboard {
        period,
        previous,
        last_year,
        scope: sel.scope,
        figures,
        by_category,
    })
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
    if !FigureId::CASES.contains(&figure) || !figure.has_trend() {
        return Err(AppError::field("figure", FieldErrorCode::NotAllowed));
    }
    let buckets = period.buckets(interval);
    if buckets.len() > MAX_TREND_POINTS {
        return Err(AppError::field("interval", FieldErrorCode::OutOfRange));
    }
    let now = OffsetDateTime::now_utc();
    let mut points = Vec::with_capacity(buckets.len());
    for b in buckets {
        let counts = case_counts(conn, &sel.cases, &b, now, &[figure]).await?;
        points.push(TrendPoint {
            period: b,
            value: counts.figure(figure),
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
    use sea_orm::QueryOrder;
    let key = key.map(str::trim).filter(|k| !k.is_empty() && *k != "none");
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
    let c = sel
        .cases
        .clone()
        .add(during(case::Column::CreatedAt, &period))
        .add(group);
    let (offset, limit) = shared::clamp_paging(offset, limit);
    let total = count(conn, c.clone()).await?;
    let now = OffsetDateTime::now_utc();
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
