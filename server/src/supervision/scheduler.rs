//! The scheduler. A pass (`run_due`) first brings every open case's jobs in line with the
//! record (a new or changed deadline, a stopped clock, changed rules: its pending jobs are
//! planned again), then claims the jobs whose time has come and runs each in a transaction of
//! its own that also marks it done.
//!
//! Exactly once across processes: a job is claimed by `UPDATE … WHERE claimed_until < now
//! RETURNING id` (one process wins each row; PostgreSQL re-checks the condition on a row
//! another transaction just claimed), and its effects commit together with `done_at` set
//! under the claim. A process killed mid-job commits nothing; its claim lapses after
//! its lease ([`LEASE`] unless configured) and another process runs the job from the start.

use super::notify::{NewNotification, notify};
use super::store::{job, plan};
use crate::cases::service::{calendar, name_of, parse};
use crate::cases::store::case;
use crate::error::AppResult;
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::accounts::Role;
use shared::cases::Stage;
use shared::places::LeaderTitle;
use shared::supervision::{Alert, EscalationLevel, plan as plan_case, rule_for};
use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};

/// How long a claim holds by default (`Config::supervision_lease`): far longer than a job
/// takes, short enough that a crashed process's jobs are soon taken over.
pub const LEASE: Duration = Duration::minutes(5);
/// Jobs claimed at once by one process.
const CLAIM_BATCH: u64 = 50;
/// Cases planned again in one transaction.
const PLAN_BATCH: usize = 200;

pub const KIND_CASE_ALERT: &str = "case_alert";

/// What a pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Open cases looked at.
    pub cases: usize,
    /// Cases whose jobs were planned again.
    pub planned: usize,
    /// Jobs run (done in this pass).
    pub ran: usize,
    /// Notifications written by them.
    pub notified: usize,
    /// Reminder jobs planned or dropped (`reminders::sync`).
    pub reminders_planned: usize,
}

fn job_key(case_id: i64, deadline: OffsetDateTime, alert: Alert) -> String {
    format!(
        "case:{case_id}:{}:{}",
        deadline.unix_timestamp(),
        alert.as_str()
    )
}

fn same_moment(a: Option<OffsetDateTime>, b: Option<OffsetDateTime>) -> bool {
    a.map(OffsetDateTime::unix_timestamp) == b.map(OffsetDateTime::unix_timestamp)
}

/// A token naming this pass's claims.
fn claim_token() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
        .chars()
        .take(40)
        .collect()
}

/// Claims expire on the pass's clock (the moment it runs at, which tests and demos set) plus
/// the real time the pass has taken so far: a long pass does not hand out claims that have
/// already lapsed for the other processes.
struct Lease {
    at: OffsetDateTime,
    started: std::time::Instant,
    length: Duration,
}

impl Lease {
    fn new(at: OffsetDateTime, length: Duration) -> Lease {
        Lease {
            at,
            started: std::time::Instant::now(),
            length,
        }
    }

    /// When a claim made or renewed now lapses.
    fn until(&self) -> OffsetDateTime {
        self.at + Duration::try_from(self.started.elapsed()).unwrap_or(Duration::ZERO) + self.length
    }
}

/// One pass at the clock's time: plan, then run what is due. Tests call it inside
/// `clock::at` to step through days; the server's loop calls it every few seconds.
pub async fn run_due(state: &AppState) -> AppResult<PassReport> {
    let now = crate::clock::now();
    let mut report = sync_plans(state, now).await?;
    report.reminders_planned = super::reminders::sync(state, now).await?;
    let token = claim_token();
    let lease = Lease::new(now, state.config.supervision_lease);
    loop {
        let ids = claim(&state.db.conn, now, lease.until(), &token).await?;
        if ids.is_empty() {
            break;
        }
        for id in ids {
            if let Some(n) = run_one(state, id, &token, now, &lease).await? {
                report.ran += 1;
                report.notified += n;
            }
        }
    }
    Ok(report)
}

/// The background loop: a pass every `every`, until the server stops. `ahead` runs the
/// passes that far ahead of the wall clock (demos and browser tests; zero otherwise).
pub fn start(state: AppState, every: std::time::Duration, ahead: Duration) {
    tokio::spawn(async move {
        let mut stop = state.shutdown.subscribe();
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => break,
            }
            let at = OffsetDateTime::now_utc() + ahead;
            match crate::clock::at(at, run_due(&state)).await {
                Ok(r) if r.ran > 0 || r.planned > 0 || r.reminders_planned > 0 => tracing::info!(
                    planned = r.planned,
                    reminders = r.reminders_planned,
                    ran = r.ran,
                    notified = r.notified,
                    "supervision pass"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "supervision pass failed"),
            }
        }
    });
}

/// A fingerprint of what a plan was computed on besides the case: the rules' version and the
/// office calendar (a holiday announced later delays the steps that fall on it). FNV-1a,
/// the same in every process.
pub fn basis(rules_version: i64, cal: &shared::calendar::WorkCalendar) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: i64| {
        for b in v.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(rules_version);
    for d in &cal.holidays {
        eat(i64::from(d.to_julian_day()));
    }
    eat(-1);
    for d in &cal.adjusted_workdays {
        eat(i64::from(d.to_julian_day()));
    }
    // Stored in a signed column.
    h as i64
}

type OpenCase = (
    i64,
    String,
    i64,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

/// Bring the jobs of every open case (and of cases closed since the last pass) in line with
/// the record.
async fn sync_plans(state: &AppState, now: OffsetDateTime) -> AppResult<PassReport> {
    let conn = &state.db.conn;
    let rules = super::rules::load(conn).await?;
    let open: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(name_of)
        .collect();
    let cal = calendar(conn).await?;
    let basis = basis(rules.version, &cal);
    let cases: Vec<OpenCase> = case::Entity::find()
        .select_only()
        .columns([
            case::Column::Id,
            case::Column::Stage,
            case::Column::CategoryId,
            case::Column::RegisteredAt,
            case::Column::DeadlineAt,
        ])
        .filter(case::Column::Stage.is_in(open))
        .into_tuple()
        .all(conn)
        .await?;
    let plans: HashMap<i64, plan::Model> = plan::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.case_id, p))
        .collect();
    // What each case's plan should be: the deadline while its clock runs, else none.
    let mut todo: Vec<(i64, i64, Option<OffsetDateTime>, Option<OffsetDateTime>)> = Vec::new();
    let mut seen = HashSet::with_capacity(cases.len());
    for (id, stage, category_id, registered_at, deadline_at) in &cases {
        seen.insert(*id);
        let runs = parse::<Stage>(stage).is_some_and(Stage::clock_runs);
        let want = deadline_at.filter(|_| runs);
        let fresh = plans.get(id).is_some_and(|p| {
            same_moment(p.deadline_at, want) && (want.is_none() || p.basis == basis)
        });
        if !fresh && (want.is_some() || plans.contains_key(id)) {
            todo.push((*id, *category_id, *registered_at, want));
        }
    }
    // Closed since: their pending jobs go, their mark with them.
    for p in plans.values() {
        if !seen.contains(&p.case_id)
            && (p.deadline_at.is_some() || p.warned || p.escalated_to.is_some())
        {
            todo.push((p.case_id, 0, None, None));
        }
    }
    let report = PassReport {
        cases: cases.len(),
        planned: todo.len(),
        ..Default::default()
    };
    if todo.is_empty() {
        return Ok(report);
    }
    for chunk in todo.chunks(PLAN_BATCH) {
        let txn = state.db.begin_write().await?;
        let ids: Vec<i64> = chunk.iter().map(|t| t.0).collect();
        job::Entity::delete_many()
            .filter(job::Column::CaseId.is_in(ids))
            .filter(job::Column::Kind.eq(KIND_CASE_ALERT))
            .filter(job::Column::DoneAt.is_null())
            .exec(&*txn)
            .await?;
        let mut jobs = Vec::new();
        let mut plan_rows = Vec::new();
        for (id, category_id, registered_at, want) in chunk {
            let old = plans.get(id);
            // A new deadline starts with a clean card; the same one keeps what it earned.
            let keep = old.filter(|p| same_moment(p.deadline_at, *want));
            if let (Some(deadline), Some(rule)) = (want, rule_for(&rules.rules, *category_id)) {
                let start = registered_at.unwrap_or(*deadline);
                for step in plan_case(rule, &cal, start, *deadline) {
                    jobs.push(job::ActiveModel {
                        job_key: Set(job_key(*id, *deadline, step.alert)),
                        kind: Set(KIND_CASE_ALERT.into()),
                        case_id: Set(Some(*id)),
                        user_id: Set(None),
                        payload: Set(Some(step.alert.as_str())),
                        due_at: Set(step.due_at.to_offset(time::UtcOffset::UTC)),
                        claimed_until: Set(None),
                        claimed_by: Set(None),
                        done_at: Set(None),
                        outcome: Set(None),
                        attempts: Set(0),
                        ..Default::default()
                    });
                }
            }
            plan_rows.push(plan::ActiveModel {
                case_id: Set(*id),
                deadline_at: Set(want.map(|d| d.to_offset(time::UtcOffset::UTC))),
                basis: Set(basis),
                warned: Set(keep.is_some_and(|p| p.warned)),
                escalated_to: Set(keep.and_then(|p| p.escalated_to.clone())),
                updated_at: Set(now),
            });
        }
        for part in jobs.chunks(100) {
            job::Entity::insert_many(part.to_vec())
                .on_conflict(
                    OnConflict::column(job::Column::JobKey)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&*txn)
                .await?;
        }
        plan::Entity::insert_many(plan_rows)
            .on_conflict(
                OnConflict::column(plan::Column::CaseId)
                    .update_columns([
                        plan::Column::DeadlineAt,
                        plan::Column::Basis,
                        plan::Column::Warned,
                        plan::Column::EscalatedTo,
                        plan::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&*txn)
            .await?;
        txn.commit().await?;
    }
    Ok(report)
}

/// Claim up to a batch of due jobs for `token`; their ids.
async fn claim(
    conn: &impl ConnectionTrait,
    now: OffsetDateTime,
    until: OffsetDateTime,
    token: &str,
) -> AppResult<Vec<i64>> {
    let free = Condition::all()
        .add(job::Column::DoneAt.is_null())
        .add(job::Column::DueAt.lte(now))
        .add(
            Condition::any()
                .add(job::Column::ClaimedUntil.is_null())
                .add(job::Column::ClaimedUntil.lt(now)),
        );
    let due = Query::select()
        .column(job::Column::Id)
        .from(job::Entity)
        .cond_where(free.clone())
        .order_by(job::Column::DueAt, sea_orm::Order::Asc)
        .limit(CLAIM_BATCH)
        .to_owned();
    let claimed = job::Entity::update_many()
        .col_expr(job::Column::ClaimedUntil, Expr::value(Some(until)))
        .col_expr(job::Column::ClaimedBy, Expr::value(Some(token.to_string())))
        .col_expr(
            job::Column::Attempts,
            Expr::col(job::Column::Attempts).add(1),
        )
        .filter(job::Column::Id.in_subquery(due))
        .filter(free)
        .exec_with_returning(conn)
        .await?;
    let mut ids: Vec<(OffsetDateTime, i64)> =
        claimed.into_iter().map(|j| (j.due_at, j.id)).collect();
    ids.sort();
    Ok(ids.into_iter().map(|(_, id)| id).collect())
}

/// Run one claimed job; the number of notifications it wrote, or none when it was no longer
/// ours (taken over, or planned away meanwhile).
async fn run_one(
    state: &AppState,
    id: i64,
    token: &str,
    now: OffsetDateTime,
    lease: &Lease,
) -> AppResult<Option<usize>> {
    if let Some(j) = job::Entity::find_by_id(id).one(&state.db.conn).await?
        && super::channels::is_delivery(&j.kind)
    {
        return deliver_one(state, j, token, now, lease).await;
    }
    let txn = state.db.begin_write().await?;
    let Some(j) = job::Entity::find_by_id(id).one(&*txn).await? else {
        return Ok(None);
    };
    if j.done_at.is_some() || j.claimed_by.as_deref() != Some(token) {
        return Ok(None);
    }
    let (outcome, notified) = match j.kind.as_str() {
        KIND_CASE_ALERT => case_alert(&*txn, &state.config.public_url, &j).await?,
        super::reminders::KIND_REMINDER => {
            super::reminders::run(&*txn, &state.config.public_url, &j, now).await?
        }
        other => (format!("skipped: unknown kind {other}"), 0),
    };
    let done = job::Entity::update_many()
        .col_expr(job::Column::DoneAt, Expr::value(Some(now)))
        .col_expr(
            job::Column::Outcome,
            Expr::value(Some(outcome.chars().take(200).collect::<String>())),
        )
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::ClaimedBy.eq(token))
        .filter(job::Column::DoneAt.is_null())
        .exec(&*txn)
        .await?;
    if done.rows_affected != 1 {
        // Dropped: the transaction rolls back with everything the job wrote.
        return Ok(None);
    }
    txn.commit().await?;
    Ok(Some(notified))
}

/// Send an email or SMS job outside any transaction (a slow gateway holds no writer), then
/// record it done under the claim. A failed send stays claimed until the lease lapses and is
/// tried again, at most `MAX_ATTEMPTS` times.
///
/// The claim is renewed just before the send (and the send made only if it is still ours): a
/// job late in a long pass's batch may have lapsed and been taken by another process, and
/// only a single send slower than the whole lease could then go out twice.
async fn deliver_one(
    state: &AppState,
    j: job::Model,
    token: &str,
    now: OffsetDateTime,
    lease: &Lease,
) -> AppResult<Option<usize>> {
    if j.done_at.is_some() || j.claimed_by.as_deref() != Some(token) {
        return Ok(None);
    }
    let renewed = job::Entity::update_many()
        .col_expr(job::Column::ClaimedUntil, Expr::value(Some(lease.until())))
        .filter(job::Column::Id.eq(j.id))
        .filter(job::Column::ClaimedBy.eq(token))
        .filter(job::Column::DoneAt.is_null())
        .exec(&state.db.conn)
        .await?;
    if renewed.rows_affected != 1 {
        return Ok(None);
    }
    let outcome = match super::channels::deliver(state, &j).await {
        Ok(outcome) => outcome,
        Err(e) if j.attempts >= super::channels::MAX_ATTEMPTS => format!("failed: {e}"),
        Err(e) => {
            tracing::warn!(job = j.id, error = %e, "delivery failed; tried again later");
            return Ok(None);
        }
    };
    let outcome: String = outcome.chars().take(200).collect();
    let txn = state.db.begin_write().await?;
    let done = job::Entity::update_many()
        .col_expr(job::Column::DoneAt, Expr::value(Some(now)))
        .col_expr(job::Column::Outcome, Expr::value(Some(outcome)))
        .filter(job::Column::Id.eq(j.id))
        .filter(job::Column::ClaimedBy.eq(token))
        .filter(job::Column::DoneAt.is_null())
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok((done.rows_affected == 1).then_some(0))
}

/// A warning or an escalation step of a case, if the case still stands where it was planned.
async fn case_alert(
    conn: &impl ConnectionTrait,
    public_url: &str,
    j: &job::Model,
) -> AppResult<(String, usize)> {
    let Some(alert) = j.payload.as_deref().and_then(Alert::parse) else {
        return Ok(("skipped: unreadable".into(), 0));
    };
    let Some(c) = (match j.case_id {
        Some(id) => case::Entity::find_by_id(id).one(conn).await?,
        None => None,
    }) else {
        return Ok(("skipped: no case".into(), 0));
    };
    let stage = parse::<Stage>(&c.stage).unwrap_or(Stage::Reported);
    let current = c
        .deadline_at
        .filter(|_| stage.clock_runs())
        .map(|d| job_key(c.id, d, alert));
    if current.as_deref() != Some(j.job_key.as_str()) {
        return Ok(("skipped: the case moved on".into(), 0));
    }
    let level = match alert {
        Alert::Warning => EscalationLevel::Assignee,
        Alert::Escalated { level } => level,
    };
    let people = recipients(conn, &c, level).await?;
    for &user_id in &people {
        notify(
            conn,
            public_url,
            NewNotification {
                user_id,
                case_id: Some(c.id),
                action: alert.as_str(),
                stage: Some(c.stage.clone()),
                actor_name: None,
                ..Default::default()
            },
        )
        .await?;
    }
    let mut update = plan::Entity::update_many().filter(plan::Column::CaseId.eq(c.id));
    update = match alert {
        Alert::Warning => update.col_expr(plan::Column::Warned, Expr::value(true)),
        Alert::Escalated { level } => update.col_expr(
            plan::Column::EscalatedTo,
            Expr::value(Some(level.as_str().to_string())),
        ),
    };
    update.exec(conn).await?;
    Ok((format!("sent: {} notified", people.len()), people.len()))
}

/// Who a step of the ladder reaches for case `c`: enabled accounts only.
async fn recipients(
    conn: &impl ConnectionTrait,
    c: &case::Model,
    level: EscalationLevel,
) -> AppResult<Vec<i64>> {
    use crate::places::store::{place, place_leader};
    let grid = c.grid_id;
    let parent_of = |id: Option<i64>| async move {
        Ok::<_, sea_orm::DbErr>(match id {
            Some(id) => place::Entity::find_by_id(id)
                .one(conn)
                .await?
                .and_then(|p| p.parent_id),
            None => None,
        })
    };
    let leaders = |place_id: Option<i64>, titles: Vec<String>| async move {
        let Some(place_id) = place_id else {
            return Ok::<_, sea_orm::DbErr>(Vec::new());
        };
        let mut q = place_leader::Entity::find()
            .filter(place_leader::Column::PlaceId.eq(place_id))
            .filter(place_leader::Column::UserId.is_not_null());
        if !titles.is_empty() {
            q = q.filter(place_leader::Column::Title.is_in(titles));
        }
        Ok(q.order_by_asc(place_leader::Column::Position)
            .all(conn)
            .await?
            .into_iter()
            .filter_map(|l| l.user_id)
            .collect())
    };
    let ids: Vec<i64> = match level {
        EscalationLevel::Assignee => match c.assignee_id {
            Some(a) => vec![a],
            // Nobody assigned yet: the grid's workers.
            None => super::people::grid_workers(conn, grid).await?,
        },
        EscalationLevel::GridLeader => {
            leaders(grid, vec![name_of(LeaderTitle::GridLeader)]).await?
        }
        EscalationLevel::Secretary => {
            let community = parent_of(grid).await?;
            let named = leaders(community, vec![name_of(LeaderTitle::PartySecretary)]).await?;
            if named.is_empty() {
                // No secretary with an account: the community's admins (书记/管理员).
                super::people::having_role(conn, &[Role::Admin]).await?
            } else {
                named
            }
        }
        EscalationLevel::Street => {
            let community = parent_of(grid).await?;
            leaders(parent_of(community).await?, Vec::new()).await?
        }
    };
    super::people::enabled_only(conn, ids).await
}
