//! Case rules and transactions: filing a report, the lifecycle moves with their effects
//! (deadlines from the SLA table and the working calendar, rework, postponement), the
//! append-only history, and who may see which case.

use super::store::{calendar_day, case, category, event, notification, party, sla_rule, wip_limit};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::service::{self as places};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::accounts::{Principal, Role};
use shared::calendar::{Limit, WorkCalendar};
use shared::cases::{
    Action, CaseEvent, CaseEventKind, CaseMeta, CaseOrigin, CaseRelation, CaseSummary, CaseView,
    Category, CreateCase, MoveCase, MoveRefusal, Notification, NotificationAbout, Rating,
    ResponsibleParty, Source, Stage, Urgency, check_move, legal_actions, validate_case,
    validate_move,
};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::{Page, clamp_paging};
use time::OffsetDateTime;

/// A closed case may be reopened by its reporter for this long.
const REOPEN_WINDOW: time::Duration = time::Duration::days(15);

pub fn name_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn parse<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

/// Cases a user may see: the office all; grid workers their grids' and those assigned to
/// them; everyone their own reports.
pub fn visible(me: &Principal) -> Condition {
    if me.is_office() {
        return Condition::all();
    }
    let mut c = Condition::any()
        .add(case::Column::ReporterId.eq(me.user_id))
        .add(case::Column::AssigneeId.eq(me.user_id));
    if me.has_role(Role::GridWorker) && !me.grid_ids.is_empty() {
        c = c.add(case::Column::GridId.is_in(me.grid_ids.clone()));
    }
    c
}

fn may_see(me: &Principal, c: &case::Model) -> bool {
    may_see_parts(me, c.grid_id, c.reporter_id, c.assignee_id)
}

/// The visibility rule on the fields it needs (also used for live changes).
pub fn may_see_parts(
    me: &Principal,
    grid_id: Option<i64>,
    reporter_id: Option<i64>,
    assignee_id: Option<i64>,
) -> bool {
    me.is_office()
        || reporter_id == Some(me.user_id)
        || assignee_id == Some(me.user_id)
        || (me.has_role(Role::GridWorker) && grid_id.is_some_and(|g| me.grid_ids.contains(&g)))
}

pub fn relation(me: &Principal, c: &case::Model, now: OffsetDateTime) -> CaseRelation {
    CaseRelation {
        is_reporter: c.reporter_id == Some(me.user_id),
        is_assignee: c.assignee_id == Some(me.user_id),
        gave_feedback: c.feedback_by == Some(me.user_id),
        in_own_grid: c.grid_id.is_some_and(|g| me.grid_ids.contains(&g)),
        within_reopen_window: c.closed_at.is_some_and(|t| t + REOPEN_WINDOW > now),
    }
}

pub fn stage_of(c: &case::Model) -> Stage {
    parse(&c.stage).unwrap_or(Stage::Reported)
}

pub fn summary(c: &case::Model, now: OffsetDateTime) -> CaseSummary {
    let stage = stage_of(c);
    CaseSummary {
        id: c.id,
        number: c.number.clone(),
        title: c.title.clone(),
        stage,
        category_id: c.category_id,
        urgency: Urgency::parse(&c.urgency).unwrap_or(Urgency::Normal),
        source: Source::parse(&c.source).unwrap_or(Source::ResidentReport),
        grid_id: c.grid_id,
        place_id: c.place_id,
        assignee_id: c.assignee_id,
        responsible_party_id: c.responsible_party_id,
        deadline_at: c.deadline_at,
        overdue: stage.clock_runs() && c.deadline_at.is_some_and(|d| d < now),
        rework_count: c.rework_count,
        stage_entered_at: c.stage_entered_at,
        created_at: c.created_at,
        version: c.version,
    }
}

fn category_view(c: category::Model) -> Category {
    Category {
        id: c.id,
        parent_id: c.parent_id,
        code: c.code,
        name_zh: c.name_zh,
        name_en: c.name_en,
        class: c.class,
        active: c.active,
        public: c.public,
    }
}

fn party_view(p: party::Model) -> ResponsibleParty {
    ResponsibleParty {
        id: p.id,
        code: p.code,
        name_zh: p.name_zh,
        name_en: p.name_en,
        active: p.active,
    }
}

/// Categories and parties; inactive ones too when `all` (for the admin screens).
pub async fn meta(conn: &impl ConnectionTrait, all: bool) -> AppResult<CaseMeta> {
    let mut cq = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id);
    let mut pq = party::Entity::find().order_by_asc(party::Column::Id);
    if !all {
        cq = cq.filter(category::Column::Active.eq(true));
        pq = pq.filter(party::Column::Active.eq(true));
    }
    Ok(CaseMeta {
        categories: cq.all(conn).await?.into_iter().map(category_view).collect(),
        parties: pq.all(conn).await?.into_iter().map(party_view).collect(),
    })
}

fn check_names(
    code: &str,
    zh: &str,
    en: &str,
    errs: &mut shared::error::FieldErrors,
) -> Option<(String, String, String)> {
    let code = errs.check("code", shared::validate::Code::parse(code));
    let zh = errs.check("name_zh", shared::validate::Name::parse(zh));
    let en = errs.check("name_en", shared::validate::Name::parse(en));
    Some((code?.into_string(), zh?.into_string(), en?.into_string()))
}

/// Create (`id` None) or change a category (admin). Items hang under a group; groups have no
/// parent; code and parent are fixed once created (cases and SLA rules refer to them).
pub async fn save_category(
    state: &AppState,
    id: Option<i64>,
    input: shared::cases::CategoryInput,
) -> AppResult<Category> {
    let mut errs = shared::error::FieldErrors::new();
    let names = check_names(&input.code, &input.name_zh, &input.name_en, &mut errs);
    let class = input.class.clone().unwrap_or_default();
    let txn = state.db.begin_write().await?;
    let parent = match input.parent_id {
        Some(p) => match category::Entity::find_by_id(p).one(&*txn).await? {
            Some(c) if c.parent_id.is_none() => Some(c),
            _ => {
                errs.add("parent_id", FieldErrorCode::InvalidParent);
                None
            }
        },
        None => None,
    };
    let class = parent.as_ref().map(|p| p.class.clone()).unwrap_or(class);
    if !matches!(class.as_str(), "component" | "event" | "service") {
        errs.add("class", FieldErrorCode::NotAllowed);
    }
    errs.into_result()?;
    let (code, zh, en) = names.expect("checked");
    let saved = match id {
        None => {
            if category::Entity::find()
                .filter(category::Column::Code.eq(code.as_str()))
                .one(&*txn)
                .await?
                .is_some()
            {
                return Err(AppError::field("code", FieldErrorCode::Duplicate));
            }
            category::ActiveModel {
                parent_id: Set(input.parent_id),
                code: Set(code),
                class: Set(class),
                name_zh: Set(zh),
                name_en: Set(en),
                position: Set(1000),
                active: Set(input.active),
                public: Set(input.public),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
        Some(id) => {
            let current = category::Entity::find_by_id(id).one_or_404(&*txn).await?;
            if current.code != code || current.parent_id != input.parent_id {
                return Err(AppError::field("code", FieldErrorCode::NotAllowed));
            }
            let mut am: category::ActiveModel = current.into();
            am.name_zh = Set(zh);
            am.name_en = Set(en);
            am.active = Set(input.active);
            am.public = Set(input.public);
            am.update(&*txn).await?
        }
    };
    txn.commit().await?;
    Ok(category_view(saved))
}

/// Create (`id` None) or change a responsible party (admin); the code is fixed once created.
pub async fn save_party(
    state: &AppState,
    id: Option<i64>,
    input: shared::cases::PartyInput,
) -> AppResult<ResponsibleParty> {
    let mut errs = shared::error::FieldErrors::new();
    let names = check_names(&input.code, &input.name_zh, &input.name_en, &mut errs);
    errs.into_result()?;
    let (code, zh, en) = names.expect("checked");
    let txn = state.db.begin_write().await?;
    let saved = match id {
        None => {
            if party::Entity::find()
                .filter(party::Column::Code.eq(code.as_str()))
                .one(&*txn)
                .await?
                .is_some()
            {
                return Err(AppError::field("code", FieldErrorCode::Duplicate));
            }
            party::ActiveModel {
                code: Set(code),
                name_zh: Set(zh),
                name_en: Set(en),
                active: Set(input.active),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
        Some(id) => {
            let current = party::Entity::find_by_id(id).one_or_404(&*txn).await?;
            if current.code != code {
                return Err(AppError::field("code", FieldErrorCode::NotAllowed));
            }
            let mut am: party::ActiveModel = current.into();
            am.name_zh = Set(zh);
            am.name_en = Set(en);
            am.active = Set(input.active);
            am.update(&*txn).await?
        }
    };
    txn.commit().await?;
    Ok(party_view(saved))
}

/// The office calendar: weekdays 9:00–17:00 plus the configured holidays and 调休 days.
pub async fn calendar(conn: &impl ConnectionTrait) -> AppResult<WorkCalendar> {
    let mut cal = WorkCalendar::default();
    for d in calendar_day::Entity::find().all(conn).await? {
        if d.kind == "workday" {
            cal.adjusted_workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok(cal)
}

async fn limit_for(
    conn: &impl ConnectionTrait,
    category_id: i64,
    urgency: &str,
) -> AppResult<Option<Limit>> {
    let rule = sla_rule::Entity::find()
        .filter(sla_rule::Column::CategoryId.eq(category_id))
        .filter(sla_rule::Column::Urgency.eq(urgency))
        .one(conn)
        .await?;
    Ok(rule.and_then(|r| {
        let amount = u32::try_from(r.amount).ok()?;
        let limit = match r.unit.as_str() {
            "working_hours" => Limit::WorkingHours(amount),
            "working_days" => Limit::WorkingDays(amount),
            _ => return None,
        };
        limit.is_valid().then_some(limit)
    }))
}

/// A sortable key that puts a case last in its column. Moves write only the moved case.
pub fn rank_last(now: OffsetDateTime) -> String {
    // Never ends in the zero digit, so keys between two of these always exist.
    format!("{:020}i", now.unix_timestamp_nanos() / 1000)
}

/// The timeline; `public_only` hides the office's working notes (for reporters);
/// `hidden_actor`, a reporter the viewer may not know, is named on none of the entries.
async fn history(
    conn: &impl ConnectionTrait,
    case_id: i64,
    public_only: bool,
    hidden_actor: Option<i64>,
) -> AppResult<Vec<CaseEvent>> {
    Ok(event::Entity::find()
        .filter(event::Column::CaseId.eq(case_id))
        // Reordering on the board is not part of the case's story.
        .filter(event::Column::Action.ne("reorder"))
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        // Every stored kind is one of `CaseEventKind`; an unknown one (written by a newer
        // version) is left out rather than shown as a code.
        .filter_map(|e| {
            let kind = CaseEventKind::parse(&e.action)?;
            Some(CaseEvent {
                at: e.at,
                actor_name: e
                    .actor_name
                    .filter(|_| hidden_actor.is_none() || e.actor_id != hidden_actor),
                from_stage: e.from_stage.as_deref().and_then(parse),
                to_stage: e.to_stage.as_deref().and_then(parse),
                note: e.note.filter(|_| !public_only || kind.note_is_public()),
                action: kind,
            })
        })
        .collect())
}

/// A case as `me` sees it; open cases within `duplicate_radius_m` (the server's setting) are
/// offered to the office as possible duplicates.
async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    c: case::Model,
    duplicate_radius_m: f64,
) -> AppResult<CaseView> {
    let now = OffsetDateTime::now_utc();
    let rel = relation(me, &c, now);
    // The reporter's name is the office's and the reporter's to see when they asked to hide it.
    let hide_reporter =
        !shared::cases::may_see_reporter(c.reporter_hidden, me.is_office(), rel.is_reporter);
    let reporter_name = c.reporter_name.clone().filter(|_| !hide_reporter);
    let hidden_actor = if hide_reporter { c.reporter_id } else { None };
    let possible_duplicates = if me.is_office() && stage_of(&c).is_open() {
        duplicates(
            conn,
            me,
            duplicate_radius_m,
            c.category_id,
            c.place_id,
            c.lon.zip(c.lat),
            Some(c.id),
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(CaseView {
        summary: summary(&c, now),
        legal_actions: legal_actions(stage_of(&c), me, rel),
        history: history(
            conn,
            c.id,
            !(me.is_office() || rel.in_own_grid || rel.is_assignee),
            hidden_actor,
        )
        .await?,
        rating: c.rating_score.map(|s| Rating {
            score: s.clamp(1, 5) as u8,
            note: c.rating_note.clone(),
        }),
        may_rate: rel.is_reporter && stage_of(&c) == Stage::Closed,
        possible_duplicates,
        description: c.description,
        origin: c
            .origin
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok()),
        reporter_name,
        lon: c.lon,
        lat: c.lat,
    })
}

/// Open cases the user may see, of the same category, at the same place or within
/// `radius_m` of the point (`LINJU_DUPLICATE_RADIUS_M`).
pub async fn duplicates(
    conn: &impl ConnectionTrait,
    me: &Principal,
    radius_m: f64,
    category_id: i64,
    place_id: Option<i64>,
    point: Option<(f64, f64)>,
    except: Option<i64>,
) -> AppResult<Vec<CaseSummary>> {
    let open: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(name_of)
        .collect();
    let mut near = Condition::any();
    if let Some(p) = place_id {
        near = near.add(case::Column::PlaceId.eq(p));
    }
    if let Some((lon, lat)) = point {
        let b = shared::geo::bbox_around(lon, lat, radius_m);
        near = near.add(
            Condition::all()
                .add(case::Column::Lon.between(b.min_lon, b.max_lon))
                .add(case::Column::Lat.between(b.min_lat, b.max_lat)),
        );
    }
    if place_id.is_none() && point.is_none() {
        return Ok(Vec::new());
    }
    let mut q = case::Entity::find()
        .filter(visible(me))
        .filter(case::Column::CategoryId.eq(category_id))
        .filter(case::Column::Stage.is_in(open))
        .filter(near);
    if let Some(id) = except {
        q = q.filter(case::Column::Id.ne(id));
    }
    let now = OffsetDateTime::now_utc();
    Ok(q.order_by_desc(case::Column::Id)
        .limit(20)
        .all(conn)
        .await?
        .into_iter()
        // The box is a prefilter; the circle decides (same-place matches always count).
        .filter(|c| {
            c.place_id.is_some() && c.place_id == place_id
                || match (point, c.lon.zip(c.lat)) {
                    (Some((lon, lat)), Some((clon, clat))) => {
                        shared::geo::distance_m(lon, lat, clon, clat) <= radius_m
                    }
                    _ => false,
                }
        })
        .take(10)
        .map(|c| summary(&c, now))
        .collect())
}

/// The reporter's satisfaction rating of a closed case (回访); may be given again to change it.
pub async fn rate(state: &AppState, me: &Principal, id: i64, r: Rating) -> AppResult<CaseView> {
    r.validate()?;
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    if c.reporter_id != Some(me.user_id) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if stage_of(&c) != Stage::Closed {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let note = shared::validate::optional_text(r.note.as_deref(), 500)
        .ok()
        .flatten();
    case::Entity::update_many()
        .col_expr(case::Column::RatingScore, Expr::value(i32::from(r.score)))
        .col_expr(case::Column::RatingNote, Expr::value(note.clone()))
        .col_expr(
            case::Column::Version,
            Expr::col(case::Column::Version).add(1),
        )
        .filter(case::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    let text = format!("{}/5 {}", r.score, note.unwrap_or_default())
        .trim()
        .to_string();
    append(
        &*txn,
        id,
        me,
        CaseEventKind::Rating,
        Some(Stage::Closed),
        Some(Stage::Closed),
        Some(text),
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c, state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn notifications(
    conn: &impl ConnectionTrait,
    me: &Principal,
    unread_only: bool,
) -> AppResult<Vec<Notification>> {
    use crate::care::store::letter;
    let mut q = notification::Entity::find().filter(notification::Column::UserId.eq(me.user_id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let rows = q
        .order_by_desc(notification::Column::Id)
        .limit(100)
        .all(conn)
        .await?;
    let case_ids: Vec<i64> = rows.iter().filter_map(|n| n.case_id).collect();
    let cases: std::collections::HashMap<i64, case::Model> = case::Entity::find()
        .filter(case::Column::Id.is_in(case_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let letter_ids: Vec<i64> = rows.iter().filter_map(|n| n.letter_id).collect();
    let letters: std::collections::HashMap<i64, letter::Model> = letter::Entity::find()
        .filter(letter::Column::Id.is_in(letter_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|n| {
            let about = match (n.case_id, n.letter_id) {
                (Some(id), _) => {
                    let c = cases.get(&id)?;
                    NotificationAbout::Case {
                        case_id: c.id,
                        case_number: c.number.clone(),
                        case_title: c.title.clone(),
                    }
                }
                (None, Some(id)) => NotificationAbout::Letter {
                    letter_id: id,
                    letter_subject: letters.get(&id)?.subject.clone(),
                },
                (None, None) => return None,
            };
            Some(Notification {
                id: n.id,
                action: match about {
                    NotificationAbout::Case { .. } => Some(parse(&n.action)?),
                    NotificationAbout::Letter { .. } => None,
                },
                about,
                stage: n.stage.as_deref().and_then(parse),
                actor_name: n.actor_name,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
        })
        .collect())
}

pub async fn mark_read(state: &AppState, me: &Principal, ids: &[i64]) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let mut q = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            Expr::value(Some(OffsetDateTime::now_utc())),
        )
        .filter(notification::Column::UserId.eq(me.user_id))
        .filter(notification::Column::ReadAt.is_null());
    if !ids.is_empty() {
        q = q.filter(notification::Column::Id.is_in(ids.to_vec()));
    }
    q.exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// A case the user may see, or 404 (outside their view a case does not exist for them).
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<case::Model> {
    match case::Entity::find_by_id(id).one(conn).await? {
        Some(c) if may_see(me, &c) => Ok(c),
        _ => Err(AppError::Code(ErrorCode::NotFound)),
    }
}

pub async fn get(state: &AppState, me: &Principal, id: i64) -> AppResult<CaseView> {
    let c = find_visible(&state.db.conn, me, id).await?;
    view(&state.db.conn, me, c, state.config.duplicate_radius_m).await
}

#[derive(Debug, Default)]
pub struct Filter {
    pub stage: Option<Stage>,
    pub grid_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub mine: bool,
    pub overdue: bool,
    pub q: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

pub async fn list(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: Filter,
) -> AppResult<Page<CaseSummary>> {
    let now = OffsetDateTime::now_utc();
    let mut cond = Condition::all().add(visible(me));
    if let Some(s) = f.stage {
        cond = cond.add(case::Column::Stage.eq(name_of(s)));
    }
    if let Some(g) = f.grid_id {
        cond = cond.add(case::Column::GridId.eq(g));
    }
    if let Some(a) = f.assignee_id {
        cond = cond.add(case::Column::AssigneeId.eq(a));
    }
    if f.mine {
        cond = cond.add(case::Column::ReporterId.eq(me.user_id));
    }
    if f.overdue {
        let running: Vec<String> = Stage::ALL
            .into_iter()
            .filter(|s| s.clock_runs())
            .map(name_of)
            .collect();
        cond = cond
            .add(case::Column::DeadlineAt.lt(now))
            .add(case::Column::Stage.is_in(running));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 64 {
            return Err(AppError::field("q", FieldErrorCode::TooLong));
        }
        use sea_orm::sea_query::{ExprTrait, LikeExpr};
        let like = LikeExpr::new(places::like_pattern(q)).escape('\\');
        cond = cond.add(
            Condition::any()
                .add(Expr::col((case::Entity, case::Column::Title)).like(like.clone()))
                .add(Expr::col((case::Entity, case::Column::Number)).like(like)),
        );
    }
    let (offset, limit) = clamp_paging(f.offset, f.limit);
    let total = case::Entity::find()
        .filter(cond.clone())
        .count(conn)
        .await?;
    let rows = case::Entity::find()
        .filter(cond)
        .order_by_desc(case::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(Page {
        items: rows.iter().map(|c| summary(c, now)).collect(),
        total,
        offset,
        limit,
    })
}

/// Append to a case's history; returns the entry's id (the live stream's cursor).
pub async fn append(
    conn: &impl ConnectionTrait,
    case_id: i64,
    me: &Principal,
    kind: CaseEventKind,
    from: Option<Stage>,
    to: Option<Stage>,
    note: Option<String>,
    detail: Option<String>,
) -> AppResult<i64> {
    let e = event::ActiveModel {
        case_id: Set(case_id),
        at: Set(OffsetDateTime::now_utc()),
        // Machine clients (Open311) act under user id 0: no account, but a name.
        actor_id: Set((me.user_id != 0).then_some(me.user_id)),
        actor_name: Set(Some(me.display_name.clone())),
        action: Set(kind.as_str().to_string()),
        from_stage: Set(from.map(name_of)),
        to_stage: Set(to.map(name_of)),
        note: Set(note),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(e.id)
}

pub async fn create(
    state: &AppState,
    me: &Principal,
    _ctx: &RequestCtx,
    req: CreateCase,
) -> AppResult<CaseView> {
    let (title, description) = validate_case(&req)?;
    if !req.source.may_file(me) {
        return Err(AppError::field("source", FieldErrorCode::NotAllowed));
    }
    let txn = state.db.begin_write().await?;
    // The place must be one the reporter may see (a household only within people scope).
    let place = match places::find(&*txn, req.place_id).await {
        Ok(p) if places::check_visible(me, &p).is_ok() => p,
        _ => {
            return Err(AppError::field(
                "place_id",
                FieldErrorCode::UnknownReference,
            ));
        }
    };
    let c = file_in(&*txn, me, &req, title, description, &place, None).await?;
    let out = view(&*txn, me, c.case.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state.live.publish(crate::cases::live::Change::of(
        c.event_id, "created", &c.case,
    ));
    Ok(out)
}

/// A filed case and the history entry that records it.
pub struct Filed {
    pub case: case::Model,
    pub event_id: i64,
}

impl std::ops::Deref for Filed {
    type Target = case::Model;
    fn deref(&self) -> &case::Model {
        &self.case
    }
}

impl Clone for Filed {
    fn clone(&self) -> Self {
        Filed {
            case: self.case.clone(),
            event_id: self.event_id,
        }
    }
}

/// Write a new case at a checked place, inside the caller's transaction (also used by Open311).
pub async fn file_in(
    txn: &impl ConnectionTrait,
    me: &Principal,
    req: &CreateCase,
    title: String,
    description: String,
    place: &crate::places::store::place::Model,
    origin: Option<&CaseOrigin>,
) -> AppResult<Filed> {
    let cat = category::Entity::find_by_id(req.category_id)
        .one(txn)
        .await?;
    if !cat.is_some_and(|c| c.active && c.parent_id.is_some()) {
        return Err(AppError::field(
            "category_id",
            FieldErrorCode::UnknownReference,
        ));
    }
    let now = OffsetDateTime::now_utc();
    let c = case::ActiveModel {
        // Unique until the id is known (the column holds 24 characters).
        number: Set(format!(
            "tmp-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        )),
        title: Set(title),
        description: Set(description),
        category_id: Set(req.category_id),
        urgency: Set(req.urgency.as_str().to_string()),
        source: Set(req.source.as_str().to_string()),
        stage: Set(name_of(Stage::Reported)),
        grid_id: Set(place.grid_id),
        place_id: Set(Some(place.id)),
        lon: Set(req.lon),
        lat: Set(req.lat),
        reporter_id: Set((me.user_id != 0).then_some(me.user_id)),
        reporter_name: Set(Some(me.display_name.clone())),
        reporter_hidden: Set(req.reporter_hidden),
        origin: Set(origin.map(|o| serde_json::to_string(o).expect("an origin is plain data"))),
        stage_entered_at: Set(now),
        board_rank: Set(rank_last(now)),
        rework_count: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Case numbers read like the office's register: year and a running number.
    let number = format!(
        "{}-{:06}",
        now.to_offset(shared::calendar::SHANGHAI).year(),
        c.id
    );
    case::Entity::update_many()
        .col_expr(case::Column::Number, Expr::value(number))
        .filter(case::Column::Id.eq(c.id))
        .exec(txn)
        .await?;
    let event_id = append(
        txn,
        c.id,
        me,
        CaseEventKind::Created,
        None,
        Some(Stage::Reported),
        None,
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(c.id).one_or_404(txn).await?;
    Ok(Filed { case: c, event_id })
}

/// The hard work-in-progress limit of a column refuses one card more. The limit's row stays
/// locked until the move commits, so moves into the column at once are counted one by one.
async fn check_wip(txn: &crate::db::WriteTxn, stage: Stage) -> AppResult<()> {
    let Some(hard) = txn
        .lock::<wip_limit::Entity>(name_of(stage))
        .await?
        .and_then(|l| l.hard)
    else {
        return Ok(());
    };
    let n = case::Entity::find()
        .filter(case::Column::Stage.eq(name_of(stage)))
        .count(&**txn)
        .await?;
    if n >= Ord::max(hard, 0) as u64 {
        Err(AppError::Code(ErrorCode::WipLimitReached))
    } else {
        Ok(())
    }
}

/// The fields a move changes, kept with the move so that it can be undone.
#[derive(serde::Serialize, serde::Deserialize)]
struct Snapshot {
    stage: String,
    stage_entered_at: OffsetDateTime,
    board_rank: String,
    deadline_at: Option<OffsetDateTime>,
    registered_at: Option<OffsetDateTime>,
    closed_at: Option<OffsetDateTime>,
    responsible_party_id: Option<i64>,
    assignee_id: Option<i64>,
    feedback_by: Option<i64>,
    postpone_until: Option<OffsetDateTime>,
    rework_count: i32,
}

impl Snapshot {
    fn of(c: &case::Model) -> Snapshot {
        Snapshot {
            stage: c.stage.clone(),
            stage_entered_at: c.stage_entered_at,
            board_rank: c.board_rank.clone(),
            deadline_at: c.deadline_at,
            registered_at: c.registered_at,
            closed_at: c.closed_at,
            responsible_party_id: c.responsible_party_id,
            assignee_id: c.assignee_id,
            feedback_by: c.feedback_by,
            postpone_until: c.postpone_until,
            rework_count: c.rework_count,
        }
    }
}

/// How long after a move its maker may take it back.
const UNDO_WINDOW: time::Duration = time::Duration::minutes(10);

/// Undo one's own last move (Ctrl+Z on the board): only while nothing else happened to the
/// case since, within the undo window; the case returns to exactly where it was.
pub async fn undo(state: &AppState, me: &Principal, id: i64, version: i64) -> AppResult<CaseView> {
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    if c.version != version {
        return Err(AppError::conflict(
            &view(&*txn, me, c, state.config.duplicate_radius_m).await?,
        ));
    }
    let last = event::Entity::find()
        .filter(event::Column::CaseId.eq(id))
        .order_by_desc(event::Column::Id)
        .one(&*txn)
        .await?;
    let now = OffsetDateTime::now_utc();
    let snapshot = last
        .filter(|e| {
            e.actor_id == Some(me.user_id)
                && e.at + UNDO_WINDOW > now
                && parse::<Action>(&e.action).is_some()
        })
        .and_then(|e| e.detail)
        .and_then(|d| serde_json::from_str::<Snapshot>(&d).ok())
        .ok_or(AppError::Code(ErrorCode::CannotUndo))?;
    let back: Stage = parse(&snapshot.stage).unwrap_or(Stage::Reported);
    let res = case::Entity::update_many()
        .col_expr(case::Column::Stage, Expr::value(snapshot.stage.clone()))
        .col_expr(
            case::Column::StageEnteredAt,
            Expr::value(snapshot.stage_entered_at),
        )
        .col_expr(
            case::Column::BoardRank,
            Expr::value(snapshot.board_rank.clone()),
        )
        .col_expr(case::Column::DeadlineAt, Expr::value(snapshot.deadline_at))
        .col_expr(
            case::Column::RegisteredAt,
            Expr::value(snapshot.registered_at),
        )
        .col_expr(case::Column::ClosedAt, Expr::value(snapshot.closed_at))
        .col_expr(
            case::Column::ResponsiblePartyId,
            Expr::value(snapshot.responsible_party_id),
        )
        .col_expr(case::Column::AssigneeId, Expr::value(snapshot.assignee_id))
        .col_expr(case::Column::FeedbackBy, Expr::value(snapshot.feedback_by))
        .col_expr(
            case::Column::PostponeUntil,
            Expr::value(snapshot.postpone_until),
        )
        .col_expr(
            case::Column::ReworkCount,
            Expr::value(snapshot.rework_count),
        )
        .col_expr(case::Column::Version, Expr::value(version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Code(ErrorCode::CannotUndo));
    }
    let event_id = append(
        &*txn,
        id,
        me,
        CaseEventKind::Undo,
        Some(stage_of(&c)),
        Some(back),
        None,
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state
        .live
        .publish(crate::cases::live::Change::of(event_id, "undo", &c));
    Ok(out)
}

/// The key that puts a card after `after_id` and before `before_id` in `stage`'s column
/// (neighbours from another column are ignored); last in the column without neighbours.
pub async fn placed_rank(
    conn: &impl ConnectionTrait,
    stage: Stage,
    after_id: Option<i64>,
    before_id: Option<i64>,
    now: OffsetDateTime,
) -> AppResult<String> {
    let rank_of = |id: Option<i64>| async move {
        match id {
            Some(id) => Ok::<_, AppError>(
                case::Entity::find_by_id(id)
                    .one(conn)
                    .await?
                    .filter(|c| c.stage == name_of(stage))
                    .map(|c| c.board_rank),
            ),
            None => Ok(None),
        }
    };
    let (lo, hi) = (rank_of(after_id).await?, rank_of(before_id).await?);
    Ok(match (lo, hi) {
        (None, None) => rank_last(now),
        (lo, hi) if lo.is_some() && hi.is_some() && lo >= hi => rank_last(now),
        (lo, hi) => shared::board::rank_between(lo.as_deref(), hi.as_deref()),
    })
}

/// Make one lifecycle move. The shared table decides whether it exists and who may make it;
/// this applies its effects and appends it to the history, all in one transaction.
pub async fn make_move(
    state: &AppState,
    me: &Principal,
    _ctx: &RequestCtx,
    id: i64,
    m: MoveCase,
) -> AppResult<CaseView> {
    validate_move(&m)?;
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    let now = OffsetDateTime::now_utc();
    if c.version != m.version {
        return Err(AppError::conflict(
            &view(&*txn, me, c, state.config.duplicate_radius_m).await?,
        ));
    }
    let from = stage_of(&c);
    let to = match check_move(from, m.action, me, relation(me, &c, now)) {
        Ok(to) => to,
        Err(MoveRefusal::NotFromThisStage) => return Err(AppError::Code(ErrorCode::IllegalMove)),
        Err(MoveRefusal::NotYours) => return Err(AppError::Code(ErrorCode::Forbidden)),
    };
    check_wip(&txn, to).await?;
    let note = shared::validate::optional_text(m.note.as_deref(), 1000)
        .ok()
        .flatten();
    let rank = placed_rank(&*txn, to, m.after_id, m.before_id, now).await?;
    let mut q = case::Entity::update_many()
        .col_expr(case::Column::Stage, Expr::value(name_of(to)))
        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
        .col_expr(case::Column::BoardRank, Expr::value(rank))
        .col_expr(case::Column::Version, Expr::value(c.version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now));
    let mut detail = None;
    match m.action {
        Action::Register | Action::Reopen => {
            // The clock starts at registration (again, for a reopened case).
            let cal = calendar(&*txn).await?;
            let deadline = limit_for(&*txn, c.category_id, &c.urgency)
                .await?
                .map(|l| cal.deadline(now, l));
            q = q
                .col_expr(case::Column::RegisteredAt, Expr::value(now))
                .col_expr(case::Column::DeadlineAt, Expr::value(deadline))
                .col_expr(
                    case::Column::ClosedAt,
                    Expr::value(Option::<OffsetDateTime>::None),
                );
        }
        Action::Refuse => {
            detail = m.refusal_reason.map(name_of);
            q = q.col_expr(case::Column::ClosedAt, Expr::value(Some(now)));
        }
        Action::Dispatch => {
            let party_id = m.responsible_party_id.expect("validated");
            if party::Entity::find_by_id(party_id)
                .one(&*txn)
                .await?
                .is_none_or(|p| !p.active)
            {
                return Err(AppError::field(
                    "responsible_party_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
            if let Some(a) = m.assignee_id {
                crate::accounts::service::check_named_person(
                    &*txn,
                    me,
                    shared::accounts::Work::CaseAssignee,
                    a,
                    c.grid_id,
                    "assignee_id",
                )
                .await?;
            }
            q = q
                .col_expr(case::Column::ResponsiblePartyId, Expr::value(party_id))
                .col_expr(case::Column::AssigneeId, Expr::value(m.assignee_id));
        }
        Action::RequestPostpone => {
            let until = m.postpone_until.expect("validated");
            if until <= now {
                return Err(AppError::field(
                    "postpone_until",
                    FieldErrorCode::OutOfRange,
                ));
            }
            q = q.col_expr(case::Column::PostponeUntil, Expr::value(Some(until)));
        }
        Action::ApprovePostpone => {
            q = q.col_expr(case::Column::DeadlineAt, Expr::value(c.postpone_until));
        }
        Action::RejectPostpone => {
            q = q.col_expr(
                case::Column::PostponeUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            );
        }
        Action::Feedback => {
            q = q.col_expr(case::Column::FeedbackBy, Expr::value(Some(me.user_id)));
        }
        Action::VerifyFail => {
            q = q.col_expr(case::Column::ReworkCount, Expr::value(c.rework_count + 1));
        }
        Action::Close => {
            q = q.col_expr(case::Column::ClosedAt, Expr::value(Some(now)));
        }
        Action::Start | Action::Resume | Action::VerifyPass => {}
    }
    let res = q
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(m.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        let current = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
        return Err(AppError::conflict(
            &view(&*txn, me, current, state.config.duplicate_radius_m).await?,
        ));
    }
    let note = match detail {
        Some(reason) => Some(
            note.map(|n| format!("[{reason}] {n}"))
                .unwrap_or(format!("[{reason}]")),
        ),
        None => note,
    };
    let snapshot = serde_json::to_string(&Snapshot::of(&c)).ok();
    let event_id = append(
        &*txn,
        id,
        me,
        CaseEventKind::from(m.action),
        Some(from),
        Some(to),
        note,
        snapshot,
    )
    .await?;
    // The reporter hears of every step of their report (not of their own moves).
    if let Some(reporter) = c.reporter_id.filter(|r| *r != me.user_id) {
        notification::ActiveModel {
            user_id: Set(reporter),
            case_id: Set(Some(id)),
            letter_id: Set(None),
            action: Set(name_of(m.action)),
            stage: Set(Some(name_of(to))),
            actor_name: Set(Some(me.display_name.clone())),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state.live.publish(crate::cases::live::Change::of(
        event_id,
        &name_of(m.action),
        &c,
    ));
    Ok(out)
}

/// The SLA table.
pub async fn sla_rules(conn: &impl ConnectionTrait) -> AppResult<Vec<shared::cases::SlaRule>> {
    Ok(sla_rule::Entity::find()
        .order_by_asc(sla_rule::Column::CategoryId)
        .order_by_asc(sla_rule::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| {
            let amount = u32::try_from(r.amount).ok()?;
            let limit = match r.unit.as_str() {
                "working_hours" => Limit::WorkingHours(amount),
                "working_days" => Limit::WorkingDays(amount),
                _ => return None,
            };
            Some(shared::cases::SlaRule {
                category_id: r.category_id,
                urgency: Urgency::parse(&r.urgency)?,
                limit,
            })
        })
        .collect())
}

/// Set time limits (admin): each given rule replaces the one for its category and urgency.
pub async fn set_sla_rules(
    state: &AppState,
    rules: &[shared::cases::SlaRule],
) -> AppResult<Vec<shared::cases::SlaRule>> {
    let mut errs = shared::error::FieldErrors::new();
    let txn = state.db.begin_write().await?;
    for (i, r) in rules.iter().enumerate() {
        if !r.limit.is_valid() {
            errs.add(format!("{i}/limit"), FieldErrorCode::OutOfRange);
        }
        let leaf = category::Entity::find_by_id(r.category_id)
            .one(&*txn)
            .await?
            .is_some_and(|c| c.parent_id.is_some());
        if !leaf {
            errs.add(format!("{i}/category_id"), FieldErrorCode::UnknownReference);
        }
    }
    errs.into_result()?;
    for r in rules {
        let (unit, amount) = match r.limit {
            Limit::WorkingHours(h) => ("working_hours", h),
            Limit::WorkingDays(d) => ("working_days", d),
        };
        sla_rule::Entity::delete_many()
            .filter(sla_rule::Column::CategoryId.eq(r.category_id))
            .filter(sla_rule::Column::Urgency.eq(r.urgency.as_str()))
            .exec(&*txn)
            .await?;
        sla_rule::ActiveModel {
            category_id: Set(r.category_id),
            urgency: Set(r.urgency.as_str().to_string()),
            unit: Set(unit.to_string()),
            amount: Set(amount as i32),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let out = sla_rules(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn calendar_days(
    conn: &impl ConnectionTrait,
) -> AppResult<Vec<shared::cases::CalendarDay>> {
    Ok(calendar_day::Entity::find()
        .order_by_asc(calendar_day::Column::Day)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| shared::cases::CalendarDay {
            day: d.day,
            kind: if d.kind == "workday" {
                shared::cases::DayKind::Workday
            } else {
                shared::cases::DayKind::Holiday
            },
            name: d.name,
        })
        .collect())
}

/// Mark days as holidays or adjusted working days (admin); `None` kind removes nothing —
/// to restore a normal day, use `clear_calendar_day`.
pub async fn set_calendar_days(
    state: &AppState,
    days: &[shared::cases::CalendarDay],
) -> AppResult<Vec<shared::cases::CalendarDay>> {
    let mut errs = shared::error::FieldErrors::new();
    for (i, d) in days.iter().enumerate() {
        if shared::validate::optional_text(d.name.as_deref(), 64).is_err() {
            errs.add(format!("{i}/name"), FieldErrorCode::TooLong);
        }
    }
    errs.into_result()?;
    let txn = state.db.begin_write().await?;
    for d in days {
        calendar_day::Entity::delete_by_id(d.day)
            .exec(&*txn)
            .await?;
        calendar_day::ActiveModel {
            day: Set(d.day),
            kind: Set(match d.kind {
                shared::cases::DayKind::Holiday => "holiday".into(),
                shared::cases::DayKind::Workday => "workday".into(),
            }),
            name: Set(shared::validate::optional_text(d.name.as_deref(), 64)
                .ok()
                .flatten()),
        }
        .insert(&*txn)
        .await?;
    }
    let out = calendar_days(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn clear_calendar_day(state: &AppState, day: time::Date) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    calendar_day::Entity::delete_by_id(day).exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// People a case can be assigned to: enabled grid workers (of the grid, when given) and staff.
pub async fn assignees(
    conn: &impl ConnectionTrait,
    me: &Principal,
    grid_id: Option<i64>,
) -> AppResult<Vec<shared::cases::Assignee>> {
    use crate::accounts::store::{user, user_grid, user_role};
    if !(me.is_office() || me.has_role(Role::GridWorker)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let roles = user_role::Entity::find()
        .filter(user_role::Column::Role.is_in([Role::GridWorker.as_str(), Role::Staff.as_str()]))
        .all(conn)
        .await?;
    let ids: Vec<i64> = roles.iter().map(|r| r.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .filter(user::Column::Disabled.eq(false))
        .order_by_asc(user::Column::DisplayName)
        .all(conn)
        .await?;
    let grids = user_grid::Entity::find()
        .filter(user_grid::Column::UserId.is_in(ids))
        .all(conn)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let mut r: Vec<Role> = roles
                .iter()
                .filter(|x| x.user_id == u.id)
                .filter_map(|x| Role::parse(&x.role))
                .collect();
            r.sort();
            let g: Vec<i64> = grids
                .iter()
                .filter(|x| x.user_id == u.id)
                .map(|x| x.grid_id)
                .collect();
            shared::cases::Assignee {
                id: u.id,
                display_name: u.display_name,
                roles: r,
                grid_ids: g,
            }
        })
        // Staff go anywhere; grid workers only to their grids.
        .filter(|a| {
            grid_id.is_none()
                || a.roles.contains(&Role::Staff)
                || grid_id.is_some_and(|g| a.grid_ids.contains(&g))
        })
        .collect())
}
