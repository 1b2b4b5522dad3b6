//! Reminders across areas, planned by the scheduler from the record. Each pass computes the
//! reminders the records call for now (`wanted`: a pairing's next visit, the day's undelivered
//! meals, an open ballot's closing, a meeting's start, a mediation file's time limit, terms,
//! follow-up and judicial-confirmation window, a case reopened or rated unsatisfied), each
//! with a key naming the record and its moment. Pending jobs no longer wanted go (a visit
//! made, a ballot closed, a term performed, a date changed: its new moment has a new key);
//! wanted ones not yet planned are added. A job runs once (its key is unique and stays done)
//! and, when it runs, checks the record again and finds its recipients then. The moments and
//! texts are `shared::supervision::reminders`.

use super::notify::{NewNotification, notify};
use super::people;
use super::store::job;
use crate::care::store::{order, pairing, visit};
use crate::cases::store::{case, event as case_event};
use crate::council::store::{agenda, attendee, ballot, item, meeting, vote};
use crate::error::AppResult;
use crate::mediation::store::{file, mediator, party, record, term};
use crate::places::store::{place, resident};
use crate::state::AppState;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use shared::calendar::{SHANGHAI, WorkCalendar, day_at};
use shared::care::{RiskLevel, next_visit_due};
use shared::mediation::{MediationStage, RecordKind};
use shared::supervision::reminders::*;
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime, Time};

pub const KIND_REMINDER: &str = "reminder";

/// A reminder job's payload: which reminder, about which record, at which of its moments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub kind: ReminderKind,
    /// The pairing, the grid (meals), the ballot, the meeting, the file, the term, the case
    /// event.
    pub id: i64,
    /// The moment the record says (the due day, the closing or starting time).
    #[serde(with = "time::serde::rfc3339")]
    pub about: OffsetDateTime,
    #[serde(skip)]
    pub due_at: Option<OffsetDateTime>,
}

impl Planned {
    fn new(kind: ReminderKind, id: i64, about: OffsetDateTime, due_at: OffsetDateTime) -> Self {
        Planned {
            kind,
            id,
            about,
            due_at: Some(due_at),
        }
    }

    /// Unique per reminder and moment: a changed date or lead is another job.
    fn key(&self) -> String {
        format!(
            "reminder:{}:{}:{}:{}",
            self.kind.as_str(),
            self.id,
            self.about.unix_timestamp(),
            self.due_at.map_or(0, OffsetDateTime::unix_timestamp)
        )
    }
}

fn midnight(day: Date) -> OffsetDateTime {
    at_local(day, Time::MIDNIGHT)
}

/// Bring the pending reminder jobs in line with the records; how many were added or dropped.
pub async fn sync(state: &AppState, now: OffsetDateTime) -> AppResult<usize> {
    let conn = &state.db.conn;
    let cal = crate::cases::service::calendar(conn).await?;
    let settings = super::rules::reminder_settings(conn).await?;
    let wanted: Vec<Planned> = wanted(conn, &settings, &cal, now)
        .await?
        .into_iter()
        .filter(|p| p.due_at.is_some_and(|d| still_timely(d, now)))
        .collect();
    let known: Vec<(String, bool)> = job::Entity::find()
        .select_only()
        .column(job::Column::JobKey)
        .column(job::Column::DoneAt)
        .filter(job::Column::Kind.eq(KIND_REMINDER))
        .filter(job::Column::DueAt.gte(now - STALE_AFTER - time::Duration::days(1)))
        .into_tuple::<(String, Option<OffsetDateTime>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(k, done)| (k, done.is_some()))
        .collect();
    let known_keys: HashSet<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
    let wanted_keys: HashSet<String> = wanted.iter().map(Planned::key).collect();
    let stale: Vec<String> = known
        .iter()
        .filter(|(k, done)| !done && !wanted_keys.contains(k))
        .map(|(k, _)| k.clone())
        .collect();
    let fresh: Vec<job::ActiveModel> = wanted
        .iter()
        .filter(|p| !known_keys.contains(p.key().as_str()))
        .map(|p| job::ActiveModel {
            job_key: Set(p.key()),
            kind: Set(KIND_REMINDER.into()),
            case_id: Set(None),
            user_id: Set(None),
            payload: Set(serde_json::to_string(p).ok()),
            due_at: Set(p.due_at.unwrap_or(now).to_offset(time::UtcOffset::UTC)),
            claimed_until: Set(None),
            claimed_by: Set(None),
            done_at: Set(None),
            outcome: Set(None),
            attempts: Set(0),
            ..Default::default()
        })
        .collect();
    let changed = stale.len() + fresh.len();
    if changed == 0 {
        return Ok(0);
    }
    let txn = state.db.begin_write().await?;
    for part in stale.chunks(200) {
        job::Entity::delete_many()
            .filter(job::Column::JobKey.is_in(part.to_vec()))
            .filter(job::Column::DoneAt.is_null())
            .exec(&*txn)
            .await?;
    }
    for part in fresh.chunks(100) {
        job::Entity::insert_many(part.to_vec())
            .on_conflict(
                OnConflict::column(job::Column::JobKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&*txn)
            .await?;
    }
    txn.commit().await?;
    Ok(changed)
}

/// Every reminder the records call for at `now`.
async fn wanted(
    conn: &impl ConnectionTrait,
    s: &ReminderSettings,
    cal: &WorkCalendar,
    now: OffsetDateTime,
) -> AppResult<Vec<Planned>> {
    let mut out = Vec::new();
    let today = day_at(now);

    // Care: each active pairing's next visit.
    let pairings = pairing::Entity::find()
        .filter(pairing::Column::Active.eq(true))
        .all(conn)
        .await?;
    if !pairings.is_empty() {
        let iv = crate::care::service::intervals(conn).await?;
        let last = last_visits(conn, pairings.iter().map(|p| p.resident_id).collect()).await?;
        for p in &pairings {
            let risk = RiskLevel::parse(&p.risk).unwrap_or(RiskLevel::Normal);
            let due = next_visit_due(
                last.get(&p.resident_id).copied(),
                p.starts_on,
                iv.days(risk),
            );
            out.push(Planned::new(
                ReminderKind::VisitDue,
                p.id,
                midnight(due),
                visit_due_at(due),
            ));
            out.push(Planned::new(
                ReminderKind::VisitOverdue,
                p.id,
                midnight(due),
                visit_overdue_at(cal, due),
            ));
        }
    }

    // Care: meals ordered for yesterday, today or tomorrow and not delivered, per grid.
    let meal_days: HashSet<(i64, Date)> = order::Entity::find()
        .select_only()
        .column(order::Column::GridId)
        .column(order::Column::Day)
        .filter(order::Column::Status.eq("ordered"))
        .filter(order::Column::Day.gte(today.previous_day().unwrap_or(today)))
        .filter(order::Column::Day.lte(today.next_day().unwrap_or(today)))
        .into_tuple::<(i64, Date)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    for (grid, day) in meal_days {
        out.push(Planned::new(
            ReminderKind::MealNotDelivered,
            grid,
            midnight(day),
            meal_check_at(s, day),
        ));
    }

    // Council: open ballots closing, meetings coming up.
    for b in ballot::Entity::find()
        .filter(ballot::Column::Frozen.eq(false))
        .filter(ballot::Column::ClosesAt.gt(now))
        .all(conn)
        .await?
    {
        let at = ballot_reminder_at(s, b.closes_at);
        if at >= b.opens_at && at < b.closes_at {
            out.push(Planned::new(
                ReminderKind::BallotClosing,
                b.id,
                b.closes_at,
                at,
            ));
            out.push(Planned::new(
                ReminderKind::BallotNotVoted,
                b.id,
                b.closes_at,
                at,
            ));
        }
    }
    for m in meeting::Entity::find()
        .filter(meeting::Column::StartsAt.gt(now))
        .all(conn)
        .await?
    {
        let at = meeting_reminder_at(s, m.starts_at);
        if at < m.starts_at {
            out.push(Planned::new(
                ReminderKind::MeetingSoon,
                m.id,
                m.starts_at,
                at,
            ));
        }
    }

    // Mediation: time limits while mediating; terms, follow-up and the confirmation window
    // once agreed.
    let files = file::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(file::Column::Stage.is_in(open_mediation_stages()))
                .add(
                    file::Column::AgreementEffectiveAt
                        .gt(now - time::Duration::days(CONFIRMATION_WINDOW_DAYS + 1)),
                ),
        )
        .all(conn)
        .await?;
    let agreed: Vec<i64> = files
        .iter()
        .filter(|f| {
            matches!(
                MediationStage::parse(&f.stage),
                Some(MediationStage::Agreement | MediationStage::Performance)
            )
        })
        .map(|f| f.id)
        .collect();
    let terms = term::Entity::find()
        .filter(term::Column::FileId.is_in(agreed.clone()))
        .all(conn)
        .await?;
    let followed: HashSet<i64> = record::Entity::find()
        .select_only()
        .column(record::Column::FileId)
        .filter(record::Column::FileId.is_in(agreed))
        .filter(record::Column::Kind.eq(RecordKind::FollowUp.as_str()))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    for t in terms.iter().filter(|t| t.performed_at.is_none()) {
        out.push(Planned::new(
            ReminderKind::TermDue,
            t.id,
            midnight(t.due),
            term_reminder_at(s, t.due),
        ));
    }
    for f in &files {
        let stage = MediationStage::parse(&f.stage);
        if let (Some(MediationStage::Accepted | MediationStage::InSession), Some(deadline)) =
            (stage, f.deadline)
        {
            out.push(Planned::new(
                ReminderKind::MediationLimit,
                f.id,
                midnight(deadline),
                mediation_limit_at(s, deadline),
            ));
        }
        if stage == Some(MediationStage::Performance) && !followed.contains(&f.id) {
            let own: Vec<&term::Model> = terms.iter().filter(|t| t.file_id == f.id).collect();
            let last = own
                .iter()
                .map(|t| t.performed_at)
                .collect::<Option<Vec<_>>>();
            if let Some(last) = last.and_then(|v| v.into_iter().max()) {
                let due = follow_up_due(s, day_at(last));
                out.push(Planned::new(
                    ReminderKind::FollowUpDue,
                    f.id,
                    midnight(due),
                    at_local(due, MORNING),
                ));
            }
        }
        if let Some(eff) = f.agreement_effective_at
            && confirmation_closes(eff) >= today
        {
            out.push(Planned::new(
                ReminderKind::ConfirmationWindow,
                f.id,
                eff,
                confirmation_reminder_at(s, eff),
            ));
        }
    }

    // Cases reopened or rated unsatisfied lately: to the office.
    for e in case_event::Entity::find()
        .filter(case_event::Column::Action.is_in(["reopen", "rating"]))
        .filter(case_event::Column::At.gte(now - STALE_AFTER))
        .all(conn)
        .await?
    {
        let kind = if e.action == "reopen" {
            ReminderKind::CaseReopened
        } else {
            ReminderKind::CaseUnsatisfied
        };
        out.push(Planned::new(kind, e.id, e.at, e.at));
    }
    Ok(out)
}

fn open_mediation_stages() -> Vec<&'static str> {
    MediationStage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(MediationStage::as_str)
        .collect()
}

/// The day of each resident's last visit (Beijing).
async fn last_visits(
    conn: &impl ConnectionTrait,
    residents: Vec<i64>,
) -> AppResult<HashMap<i64, Date>> {
    let mut out = HashMap::new();
    for part in residents.chunks(500) {
        let rows: Vec<(i64, OffsetDateTime)> = visit::Entity::find()
            .select_only()
            .column(visit::Column::ResidentId)
            .column_as(visit::Column::VisitedAt.max(), "last")
            .filter(visit::Column::ResidentId.is_in(part.to_vec()))
            .group_by(visit::Column::ResidentId)
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(
            rows.into_iter()
                .map(|(r, t)| (r, t.to_offset(SHANGHAI).date())),
        );
    }
    Ok(out)
}

/// Run a reminder job in its transaction: check the record still calls for it, find its
/// people, notify each. The outcome and how many were notified.
pub async fn run(
    conn: &impl ConnectionTrait,
    public_url: &str,
    j: &job::Model,
    now: OffsetDateTime,
) -> AppResult<(String, usize)> {
    let Some(p) = j
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Planned>(p).ok())
    else {
        return Ok(("skipped: unreadable".into(), 0));
    };
    let s = super::rules::reminder_settings(conn).await?;
    let Some((reminder, people)) = reach(conn, &s, &p, now).await? else {
        return Ok(("skipped: no longer due".into(), 0));
    };
    let people = people::enabled_only(conn, people).await?;
    for &user_id in &people {
        notify(
            conn,
            public_url,
            NewNotification {
                user_id,
                action: p.kind.action(),
                reminder: Some(reminder.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok((format!("sent: {} notified", people.len()), people.len()))
}

/// The reminder and whom it reaches, if the record still calls for it.
async fn reach(
    conn: &impl ConnectionTrait,
    s: &ReminderSettings,
    p: &Planned,
    now: OffsetDateTime,
) -> AppResult<Option<(Reminder, Vec<i64>)>> {
    let mut r = Reminder::new(p.kind);
    r.at = Some(p.about);
    let people = match p.kind {
        ReminderKind::VisitDue | ReminderKind::VisitOverdue => {
            let Some(pr) = pairing::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            let iv = crate::care::service::intervals(conn).await?;
            let last = last_visits(conn, vec![pr.resident_id]).await?;
            let risk = RiskLevel::parse(&pr.risk).unwrap_or(RiskLevel::Normal);
            let due = next_visit_due(
                last.get(&pr.resident_id).copied(),
                pr.starts_on,
                iv.days(risk),
            );
            if !pr.active || midnight(due) != p.about {
                return Ok(None);
            }
            r.open_id = Some(pr.resident_id);
            let mut people = people::grid_workers(conn, Some(pr.grid_id)).await?;
            people.extend(pr.helper_user_id);
            people
        }
        ReminderKind::MealNotDelivered => {
            let day = day_at(p.about);
            let waiting = order::Entity::find()
                .filter(order::Column::GridId.eq(p.id))
                .filter(order::Column::Day.eq(day))
                .filter(order::Column::Status.eq("ordered"))
                .all(conn)
                .await?;
            if waiting.is_empty() {
                return Ok(None);
            }
            r.count = Some(waiting.len() as u32);
            r.at = Some(meal_check_at(s, day));
            let mut people = people::grid_workers(conn, Some(p.id)).await?;
            people.extend(waiting.iter().filter_map(|o| o.deliverer_user_id));
            people
        }
        ReminderKind::BallotClosing | ReminderKind::BallotNotVoted => {
            let Some(b) = ballot::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            if b.frozen || b.closes_at <= now || b.closes_at != p.about {
                return Ok(None);
            }
            let Some(it) = item::Entity::find_by_id(b.item_id).one(conn).await? else {
                return Ok(None);
            };
            r.open_id = Some(it.id);
            r.title = Some(it.title.clone());
            if p.kind == ReminderKind::BallotClosing {
                b.created_by.into_iter().collect()
            } else {
                not_voted(conn, &b, &it).await?
            }
        }
        ReminderKind::MeetingSoon => {
            let Some(m) = meeting::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            if m.starts_at != p.about || m.starts_at <= now {
                return Ok(None);
            }
            r.open_id = Some(m.id);
            r.title = Some(m.title.clone());
            let items: Vec<i64> = agenda::Entity::find()
                .filter(agenda::Column::MeetingId.eq(m.id))
                .order_by_asc(agenda::Column::Position)
                .all(conn)
                .await?
                .into_iter()
                .map(|a| a.item_id)
                .collect();
            let titles: HashMap<i64, String> = item::Entity::find()
                .filter(item::Column::Id.is_in(items.clone()))
                .all(conn)
                .await?
                .into_iter()
                .map(|i| (i.id, i.title))
                .collect();
            r.agenda = items
                .iter()
                .filter_map(|i| titles.get(i).cloned())
                .collect();
            let residents: Vec<i64> = attendee::Entity::find()
                .filter(attendee::Column::MeetingId.eq(m.id))
                .all(conn)
                .await?
                .into_iter()
                .filter_map(|a| a.resident_id)
                .collect();
            people::accounts_of_residents(conn, residents).await?
        }
        ReminderKind::MediationLimit
        | ReminderKind::FollowUpDue
        | ReminderKind::ConfirmationWindow => {
            let Some(f) = file::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            let stage = MediationStage::parse(&f.stage);
            let still = match p.kind {
                ReminderKind::MediationLimit => {
                    matches!(
                        stage,
                        Some(MediationStage::Accepted | MediationStage::InSession)
                    ) && f.deadline.map(midnight) == Some(p.about)
                }
                ReminderKind::FollowUpDue => {
                    stage == Some(MediationStage::Performance)
                        && record::Entity::find()
                            .filter(record::Column::FileId.eq(f.id))
                            .filter(record::Column::Kind.eq(RecordKind::FollowUp.as_str()))
                            .one(conn)
                            .await?
                            .is_none()
                }
                _ => f.agreement_effective_at == Some(p.about),
            };
            if !still {
                return Ok(None);
            }
            r.open_id = Some(f.id);
            r.number = Some(f.number.clone());
            if p.kind == ReminderKind::ConfirmationWindow {
                r.at = Some(midnight(confirmation_closes(p.about)));
            }
            let mut people = mediators_of(conn, &f).await?;
            if p.kind == ReminderKind::ConfirmationWindow {
                // The parties apply for confirmation themselves: those with an account hear
                // of it too (they see their own file).
                people.extend(
                    party::Entity::find()
                        .filter(party::Column::FileId.eq(f.id))
                        .all(conn)
                        .await?
                        .into_iter()
                        .filter_map(|p| p.user_id),
                );
            }
            people
        }
        ReminderKind::TermDue => {
            let Some(t) = term::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            let Some(f) = file::Entity::find_by_id(t.file_id).one(conn).await? else {
                return Ok(None);
            };
            let open = matches!(
                MediationStage::parse(&f.stage),
                Some(MediationStage::Agreement | MediationStage::Performance)
            );
            if t.performed_at.is_some() || !open || midnight(t.due) != p.about {
                return Ok(None);
            }
            r.open_id = Some(f.id);
            r.number = Some(f.number.clone());
            r.count = Some(u32::try_from(t.position).unwrap_or(0) + 1);
            mediators_of(conn, &f).await?
        }
        ReminderKind::CaseReopened | ReminderKind::CaseUnsatisfied => {
            let Some(e) = case_event::Entity::find_by_id(p.id).one(conn).await? else {
                return Ok(None);
            };
            let Some(c) = case::Entity::find_by_id(e.case_id).one(conn).await? else {
                return Ok(None);
            };
            if p.kind == ReminderKind::CaseUnsatisfied
                && c.rating_score
                    .is_none_or(|score| score >= i32::from(shared::stats::SATISFIED_FROM))
            {
                return Ok(None);
            }
            r.open_id = Some(c.id);
            r.number = Some(c.number.clone());
            r.at = None;
            people::office(conn).await?
        }
    };
    Ok(Some((r, people)))
}

/// A file's mediators, or the office when none is named yet.
async fn mediators_of(conn: &impl ConnectionTrait, f: &file::Model) -> AppResult<Vec<i64>> {
    let named: Vec<i64> = mediator::Entity::find()
        .filter(mediator::Column::FileId.eq(f.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    if named.is_empty() {
        people::office(conn).await
    } else {
        Ok(named)
    }
}

/// The accounts of eligible residents of the ballot's scope who have not voted (per
/// household, when the household has).
async fn not_voted(
    conn: &impl ConnectionTrait,
    b: &ballot::Model,
    it: &item::Model,
) -> AppResult<Vec<i64>> {
    use crate::accounts::store::resident_account;
    let Ok(rules) = serde_json::from_str::<shared::council::BallotRules>(&b.rules) else {
        return Ok(Vec::new());
    };
    let Some(scope) = place::Entity::find_by_id(it.scope_place_id)
        .one(conn)
        .await?
    else {
        return Ok(Vec::new());
    };
    let voted: HashSet<String> = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| v.voter_key)
        .collect();
    let mut out = Vec::new();
    for link in resident_account::Entity::find().all(conn).await? {
        let Some(res) = resident::Entity::find_by_id(link.resident_id)
            .one(conn)
            .await?
        else {
            continue;
        };
        if !crate::council::service::lives_in(conn, &res, &scope).await? {
            continue;
        }
        if !voted.contains(&shared::council::voter_key(
            &rules,
            res.id,
            res.household_id,
        )) {
            out.push(link.user_id);
        }
    }
    Ok(out)
}
