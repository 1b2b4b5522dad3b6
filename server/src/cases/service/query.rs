//! Reading cases: who sees what, summaries and full views, lists, duplicates, assignees.

use crate::cases::store::{also_report, case, event};
use crate::error::{AppError, AppResult};
use crate::places::service::{self as places};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::accounts::{Principal, Role};
use shared::cases::{
    CaseEvent, CaseEventKind, CaseOrigin, CaseRelation, CaseSummary, CaseView, DuplicateCandidate,
    DuplicateQuery, Rating, Source, Stage, Urgency, legal_actions,
};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::places::PlaceKind;
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
        request_pending: c.pending_request.is_some(),
    }
}

pub fn stage_of(c: &case::Model) -> Stage {
    parse(&c.stage).unwrap_or(Stage::Reported)
}

pub fn summary(c: &case::Model, now: OffsetDateTime) -> CaseSummary {
    let stage = stage_of(c);
    let overdue = stage.clock_runs() && c.deadline_at.is_some_and(|d| d < now);
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
        overdue,
        // Overdue alone already is 红牌; warnings and escalations are added by
        // `supervision::marks::apply` where the board and the case page read them.
        mark: shared::supervision::CaseMark::of(overdue, false, None),
        rework_count: c.rework_count,
        stage_entered_at: c.stage_entered_at,
        created_at: c.created_at,
        version: c.version,
    }
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
pub(super) async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    c: case::Model,
    duplicate_radius_m: f64,
) -> AppResult<CaseView> {
    let now = crate::clock::now();
    let rel = relation(me, &c, now);
    // The reporter's name is the office's and the reporter's to see when they asked to hide it.
    let hide_reporter =
        !shared::cases::may_see_reporter(c.reporter_hidden, me.is_office(), rel.is_reporter);
    let reporter_name = c.reporter_name.clone().filter(|_| !hide_reporter);
    let hidden_actor = if hide_reporter { c.reporter_id } else { None };
    let possible_duplicates = if me.is_office() && stage_of(&c).is_open() {
        duplicates_of(conn, duplicate_radius_m, &c).await?
    } else {
        Vec::new()
    };
    // The office weighs a problem by how many have it.
    let also_reported = if me.is_office() {
        also_reported(conn, c.id).await?
    } else {
        0
    };
    let place_path = match c.place_id {
        Some(id) => {
            let m = places::find(conn, id).await?;
            let mut path = places::path_of(conn, &m).await?;
            path.push(places::to_ref(&m));
            path.retain(|p| {
                !matches!(p.kind, PlaceKind::Street | PlaceKind::Community)
                    && !(hide_reporter && p.kind == PlaceKind::Household)
            });
            path
        }
        None => Vec::new(),
    };
    let works_on_it = me.is_office() || rel.in_own_grid || rel.is_assignee;
    let pending_request = if works_on_it && c.pending_request.is_some() {
        super::requests::pending_of(conn, &c).await?
    } else {
        None
    };
    let mut out = CaseView {
        legal_requests: shared::cases::legal_requests(stage_of(&c), me, rel),
        pending_request,
        summary: summary(&c, now),
        place_path,
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
        also_reported,
        withdraw_until: super::lifecycle::withdraw_until_for(conn, me, &c, now).await?,
        description: c.description,
        origin: c
            .origin
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok()),
        reporter_name,
        lon: c.lon,
        lat: c.lat,
    };
    crate::supervision::marks::apply(conn, [&mut out.summary]).await?;
    Ok(out)
}

/// Open cases of `category_id` at `place_id` or within `radius_m` of `point`
/// (`LINJU_DUPLICATE_RADIUS_M`), nearest first, with their distance from the point. Whoever
/// asks: the callers decide what of them each reader is shown.
async fn nearby_open(
    conn: &impl ConnectionTrait,
    radius_m: f64,
    category_id: i64,
    place_id: Option<i64>,
    point: Option<(f64, f64)>,
    except: Option<i64>,
) -> AppResult<Vec<(case::Model, Option<f64>)>> {
    if place_id.is_none() && point.is_none() {
        return Ok(Vec::new());
    }
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
    let mut q = case::Entity::find()
        .filter(case::Column::CategoryId.eq(category_id))
        .filter(case::Column::Stage.is_in(open))
        .filter(near);
    if let Some(id) = except {
        q = q.filter(case::Column::Id.ne(id));
    }
    let mut found: Vec<(case::Model, Option<f64>)> = q
        .order_by_desc(case::Column::Id)
        .limit(50)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|c| {
            let distance = point
                .zip(c.lon.zip(c.lat))
                .map(|((lon, lat), (clon, clat))| shared::geo::distance_m(lon, lat, clon, clat));
            // The box is a prefilter; the circle decides (same-place matches always count).
            let same_place = c.place_id.is_some() && c.place_id == place_id;
            (same_place || distance.is_some_and(|d| d <= radius_m)).then_some((c, distance))
        })
        .collect();
    found.sort_by(|a, b| {
        a.1.unwrap_or(f64::MAX)
            .total_cmp(&b.1.unwrap_or(f64::MAX))
            .then(b.0.id.cmp(&a.0.id))
    });
    found.truncate(10);
    Ok(found)
}

/// For the office's view of a case: the other open cases of the same category nearby.
async fn duplicates_of(
    conn: &impl ConnectionTrait,
    radius_m: f64,
    c: &case::Model,
) -> AppResult<Vec<CaseSummary>> {
    let now = crate::clock::now();
    Ok(nearby_open(
        conn,
        radius_m,
        c.category_id,
        c.place_id,
        c.lon.zip(c.lat),
        Some(c.id),
    )
    .await?
    .into_iter()
    .map(|(c, _)| summary(&c, now))
    .collect())
}

/// Open cases of the same problem where a new report is about to be filed, offered to anyone
/// about to report it (a resident too, whose own reports are all they may open) in the public
/// shape [`DuplicateCandidate`]: what and how far, never who, their words or photos. Cases
/// another area made out of a person's record (a letter, a home visit) are offered only to
/// those who may open them.
pub async fn duplicate_candidates(
    conn: &impl ConnectionTrait,
    me: &Principal,
    radius_m: f64,
    q: &DuplicateQuery,
) -> AppResult<Vec<DuplicateCandidate>> {
    let found = nearby_open(
        conn,
        radius_m,
        q.category_id,
        q.place_id,
        q.lon.zip(q.lat),
        None,
    )
    .await?;
    let ids: Vec<i64> = found.iter().map(|(c, _)| c.id).collect();
    let also = also_report::Entity::find()
        .filter(also_report::Column::CaseId.is_in(ids))
        .all(conn)
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|(c, distance)| {
            let may_open = may_see(me, &c);
            let origin: Option<CaseOrigin> = c
                .origin
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok());
            if !may_open && origin.is_some_and(|o| !o.offered_to_anyone()) {
                return None;
            }
            let mine = also.iter().filter(|a| a.case_id == c.id);
            Some(DuplicateCandidate {
                id: c.id,
                number: c.number.clone(),
                title: c.title.clone(),
                category_id: c.category_id,
                stage: stage_of(&c),
                distance_m: distance.map(|d| d.round() as u32),
                same_place: c.place_id.is_some() && c.place_id == q.place_id,
                also_reported: mine.clone().count() as u32,
                also_reported_by_me: mine.clone().any(|a| a.user_id == me.user_id),
                may_open,
            })
        })
        .collect())
}

/// How many said "this is my problem too" about a case.
async fn also_reported(conn: &impl ConnectionTrait, case_id: i64) -> AppResult<u32> {
    Ok(also_report::Entity::find()
        .filter(also_report::Column::CaseId.eq(case_id))
        .count(conn)
        .await? as u32)
}

/// "This is my problem too" (我也遇到了) instead of a second report: counted once per account
/// (a second tap, or two at once, changes nothing). Only for a case this very query offers the
/// caller (an open case of that category at that place or nearby): not a way to reach any
/// case by its number. Answers the case as offered now.
pub async fn also_report_case(
    state: &AppState,
    me: &Principal,
    id: i64,
    q: &DuplicateQuery,
) -> AppResult<DuplicateCandidate> {
    let radius = state.config.duplicate_radius_m;
    let offered = duplicate_candidates(&state.db.conn, me, radius, q).await?;
    if !offered.iter().any(|c| c.id == id) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let txn = state.db.begin_write().await?;
    also_report::Entity::insert(also_report::ActiveModel {
        case_id: Set(id),
        user_id: Set(me.user_id),
        created_at: Set(crate::clock::now()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            also_report::Column::CaseId,
            also_report::Column::UserId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
    txn.commit().await?;
    duplicate_candidates(&state.db.conn, me, radius, q)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::Code(ErrorCode::NotFound))
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
    let now = crate::clock::now();
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
