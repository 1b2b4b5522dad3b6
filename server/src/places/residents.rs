//! The residents registry. Identity numbers, phones and special-group tags are sensitive:
//! lists carry them masked (tags not at all); the full record is a separate, audited read.

use super::service::{self as places, kind_of, like_pattern};
use super::store::{place, resident, resident_group};
use crate::accounts::{require, require_in_grid};
use crate::audit::{self, Record};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::accounts::{Permission, Principal, Scope};
use shared::error::{ErrorCode, FieldErrorCode};
use shared::places::{
    Change, GroupPurpose, GroupsChange, PlaceKind, PlaceRefWithPath, Purpose, PurposeDetail,
    PurposeKind, ResidentInput, ResidentSensitive, ResidentView, RevealRequest, SearchResults,
    SpecialGroup, SpecialGroupRecord, ValidResident, validate_resident, validate_reveal,
};
use shared::validate::IdCardNumber;
use shared::validate::{mask_id_number, mask_phone};
use shared::{Page, clamp_paging};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Restrict a resident query to what the user may see; `None` when they may see nobody.
fn scope_condition(me: &Principal, permission: Permission) -> Option<Condition> {
    match me.scope(permission) {
        Scope::None => None,
        Scope::All => Some(Condition::all()),
        Scope::Grids(ids) => Some(Condition::all().add(resident::Column::GridId.is_in(ids))),
    }
}

fn place_ids_with_parent_in(
    parent: sea_orm::sea_query::SelectStatement,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(place::Column::Id)
        .from(place::Entity)
        .and_where(place::Column::ParentId.in_subquery(parent))
        .to_owned()
}

fn children_of(id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(place::Column::Id)
        .from(place::Entity)
        .and_where(place::Column::ParentId.eq(id))
        .to_owned()
}

/// Residents living anywhere under a place.
fn under_place(p: &place::Model) -> Condition {
    let c = Condition::all();
    match kind_of(p) {
        PlaceKind::Household => c.add(resident::Column::HouseholdId.eq(p.id)),
        PlaceKind::Building => c.add(resident::Column::HouseholdId.in_subquery(children_of(p.id))),
        PlaceKind::MicroGrid => c.add(
            resident::Column::HouseholdId.in_subquery(place_ids_with_parent_in(children_of(p.id))),
        ),
        PlaceKind::Grid => c.add(resident::Column::GridId.eq(p.id)),
        PlaceKind::Community => c.add(resident::Column::GridId.in_subquery(children_of(p.id))),
        PlaceKind::Street => {
            c.add(resident::Column::GridId.in_subquery(place_ids_with_parent_in(children_of(p.id))))
        }
    }
}

fn name_like(q: &str) -> Condition {
    Condition::all().add(
        Expr::col((resident::Entity, resident::Column::Name))
            .like(LikeExpr::new(like_pattern(q)).escape('\\')),
    )
}

/// Build the list views, with each household's address, in a few batched queries.
pub async fn views(
    conn: &impl ConnectionTrait,
    rows: Vec<resident::Model>,
) -> AppResult<Vec<ResidentView>> {
    let household_ids: Vec<i64> = rows.iter().map(|r| r.household_id).collect();
    let households: HashMap<i64, place::Model> = place::Entity::find()
        .filter(place::Column::Id.is_in(household_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut upper_ids: Vec<i64> = households.values().filter_map(|h| h.parent_id).collect();
    upper_ids.extend(rows.iter().map(|r| r.grid_id));
    let upper: HashMap<i64, place::Model> = place::Entity::find()
        .filter(place::Column::Id.is_in(upper_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let in_care = in_care(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let household = households.get(&r.household_id);
            let building = household
                .and_then(|h| h.parent_id)
                .and_then(|b| upper.get(&b));
            let grid = upper.get(&r.grid_id);
            let address = [
                grid.map(|g| g.name.as_str()),
                building.map(|b| b.name.as_str()),
                household.map(|h| h.name.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
            ResidentView {
                id: r.id,
                household_id: r.household_id,
                grid_id: r.grid_id,
                name: r.name,
                id_number_masked: r.id_number.as_deref().map(mask_id_number),
                phone_masked: r.phone.as_deref().map(mask_phone),
                address,
                version: r.version,
                updated_at: r.updated_at,
                in_care: in_care.contains(&r.id),
            }
        })
        .collect())
}

/// Which of these residents have a care record: a pairing, a visit, an errand or a meal
/// enrolment (so their page can lead to it).
async fn in_care(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<std::collections::HashSet<i64>> {
    use crate::care::store::{enrolment, errand, pairing, visit};
    let mut found = std::collections::HashSet::new();
    if ids.is_empty() {
        return Ok(found);
    }
    found.extend(
        pairing::Entity::find()
            .select_only()
            .column(pairing::Column::ResidentId)
            .filter(pairing::Column::ResidentId.is_in(ids.to_vec()))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    found.extend(
        visit::Entity::find()
            .select_only()
            .column(visit::Column::ResidentId)
            .filter(visit::Column::ResidentId.is_in(ids.to_vec()))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    found.extend(
        errand::Entity::find()
            .select_only()
            .column(errand::Column::ResidentId)
            .filter(errand::Column::ResidentId.is_in(ids.to_vec()))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    found.extend(
        enrolment::Entity::find()
            .select_only()
            .column(enrolment::Column::ResidentId)
            .filter(enrolment::Column::ResidentId.is_in(ids.to_vec()))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    Ok(found)
}

pub async fn list(
    conn: &impl ConnectionTrait,
    me: &Principal,
    q: Option<&str>,
    place_id: Option<i64>,
    offset: Option<u64>,
    limit: Option<u64>,
) -> AppResult<Page<ResidentView>> {
    require(me, Permission::ViewPeople)?;
    let mut cond =
        scope_condition(me, Permission::ViewPeople).ok_or(AppError::Code(ErrorCode::Forbidden))?;
    if let Some(id) = place_id {
        let p = places::find(conn, id).await?;
        places::check_visible(me, &p)?;
        cond = cond.add(under_place(&p));
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 64 {
            return Err(AppError::field("q", FieldErrorCode::TooLong));
        }
        cond = cond.add(name_like(q));
    }
    let (offset, limit) = clamp_paging(offset, limit);
    let total = resident::Entity::find()
        .filter(cond.clone())
        .count(conn)
        .await?;
    let rows = resident::Entity::find()
        .filter(cond)
        .order_by_asc(resident::Column::Name)
        .order_by_asc(resident::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(Page {
        items: views(conn, rows).await?,
        total,
        offset,
        limit,
    })
}

/// A resident the user may see, or 404 — outside their scope a resident does not exist.
async fn find_visible(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
    permission: Permission,
) -> AppResult<resident::Model> {
    require(me, permission)?;
    let r = resident::Entity::find_by_id(id).one_or_404(conn).await?;
    if !me.may_in_grid(permission, Some(r.grid_id)) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    Ok(r)
}

pub async fn get(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppResult<ResidentView> {
    let r = find_visible(conn, me, id, Permission::ViewPeople).await?;
    Ok(views(conn, vec![r]).await?.remove(0))
}

/// A resident's tags with the purpose each was set for, in the order of `SpecialGroup`.
async fn group_records_of(
    conn: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Vec<SpecialGroupRecord>> {
    let mut records: Vec<SpecialGroupRecord> = resident_group::Entity::find()
        .filter(resident_group::Column::ResidentId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(SpecialGroupRecord {
                group: SpecialGroup::parse(&g.group_name)?,
                purpose: g.purpose.as_deref().and_then(GroupPurpose::parse),
                purpose_note: g.purpose_note,
                set_by_name: g.set_by_name,
                set_at: g.set_at,
            })
        })
        .collect();
    records.sort_by_key(|r| r.group);
    Ok(records)
}

async fn groups_of(conn: &impl ConnectionTrait, id: i64) -> AppResult<Vec<SpecialGroup>> {
    Ok(group_records_of(conn, id)
        .await?
        .into_iter()
        .map(|r| r.group)
        .collect())
}

/// The full record, opened for a stated purpose (`RevealRequest`). Always written to the
/// audit log, with who, when, from where and why; without a purpose nothing is read.
pub async fn reveal(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: &RevealRequest,
) -> AppResult<ResidentSensitive> {
    let r = find_visible(&state.db.conn, me, id, Permission::RevealSensitive).await?;
    let purpose = validate_reveal(req)?;
    let group_records = group_records_of(&state.db.conn, id).await?;
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::ResidentReveal, "resident", id)
            .detail(PurposeDetail::reveal(&purpose).to_json()),
    )
    .await?;
    Ok(ResidentSensitive {
        id,
        birth_year: r.birth_year.and_then(|y| u16::try_from(y).ok()),
        id_number: r.id_number,
        phone: r.phone,
        special_groups: group_records.iter().map(|g| g.group).collect(),
        group_records,
    })
}

/// Who set tags, for the rows they add; none for imports and seeding.
struct SetBy<'a> {
    me: &'a Principal,
    purpose: &'a Purpose<GroupPurpose>,
    at: OffsetDateTime,
}

/// Apply a change to the tags: removed ones go, added ones are stored with the purpose
/// stated, who stated it and when; tags that stay keep the purpose they were set for.
async fn write_groups(
    conn: &impl ConnectionTrait,
    id: i64,
    added: &[SpecialGroup],
    removed: &[SpecialGroup],
    by: Option<SetBy<'_>>,
) -> AppResult<()> {
    if !removed.is_empty() {
        resident_group::Entity::delete_many()
            .filter(resident_group::Column::ResidentId.eq(id))
            .filter(
                resident_group::Column::GroupName
                    .is_in(removed.iter().map(|g| g.as_str().to_string())),
            )
            .exec(conn)
            .await?;
    }
    for g in added {
        resident_group::ActiveModel {
            resident_id: Set(id),
            group_name: Set(g.as_str().to_string()),
            purpose: Set(by.as_ref().map(|b| b.purpose.kind.as_str().to_string())),
            purpose_note: Set(by.as_ref().and_then(|b| b.purpose.note.clone())),
            set_by: Set(by.as_ref().map(|b| b.me.user_id)),
            set_by_name: Set(by.as_ref().map(|b| b.me.display_name.clone())),
            set_at: Set(by.as_ref().map(|b| b.at)),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Record a change of tags: the rows, and an audit entry naming the purpose.
async fn change_groups(
    conn: &impl ConnectionTrait,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    change: &GroupsChange,
) -> AppResult<()> {
    let by = SetBy {
        me,
        purpose: &change.purpose,
        at: OffsetDateTime::now_utc(),
    };
    write_groups(conn, id, &change.added, &change.removed, Some(by)).await?;
    audit::record(
        conn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::ResidentGroups, "resident", id)
            .detail(PurposeDetail::groups(change).to_json()),
    )
    .await
}

/// The household a resident is registered in, checked to be a household in the user's scope.
async fn household_for(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<place::Model> {
    let h = place::Entity::find_by_id(id).one(conn).await?;
    match h {
        Some(h)
            if kind_of(&h) == PlaceKind::Household
                && me.may_in_grid(Permission::ViewPeople, h.grid_id) =>
        {
            require_in_grid(me, Permission::EditPeople, h.grid_id)?;
            Ok(h)
        }
        _ => Err(AppError::field(
            "household_id",
            FieldErrorCode::UnknownReference,
        )),
    }
}

async fn id_number_taken(
    conn: &impl ConnectionTrait,
    id_number: Option<&str>,
    except: Option<i64>,
) -> AppResult<bool> {
    let Some(n) = id_number else { return Ok(false) };
    let mut q = resident::Entity::find().filter(resident::Column::IdNumber.eq(n));
    if let Some(id) = except {
        q = q.filter(resident::Column::Id.ne(id));
    }
    Ok(q.one(conn).await?.is_some())
}

/// A duplicate identity number tells the caller that this person is registered somewhere,
/// perhaps outside their grids. The answer is needed to avoid double registration; every
/// such answer is audited so that probing for people shows up.
async fn refuse_duplicate(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    txn: crate::db::WriteTxn,
) -> AppError {
    drop(txn);
    match audit::record_now(
        state,
        Some(me),
        ctx,
        Record {
            action: shared::audit::AuditAction::ResidentDuplicateIdNumber,
            entity: None,
            entity_id: None,
            resident_id: None,
            detail: None,
        },
    )
    .await
    {
        Ok(()) => AppError::field("id_number", FieldErrorCode::Duplicate),
        Err(e) => e,
    }
}

/// The stored text after applying a change to an optional field.
fn merged<T: AsRef<str>>(change: &Change<T>, current: Option<String>) -> Option<String> {
    match change {
        Change::Keep => current,
        Change::Clear => None,
        Change::Set(v) => Some(v.as_ref().to_string()),
    }
}

/// The current record of a resident inside a transaction, for a 409 answer — or 404 when it
/// has meanwhile left the caller's scope or been removed.
async fn current_for_conflict(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppError {
    let now = match resident::Entity::find_by_id(id).one(conn).await {
        Ok(Some(r)) if me.may_in_grid(Permission::ViewPeople, Some(r.grid_id)) => r,
        Ok(_) => return AppError::Code(ErrorCode::NotFound),
        Err(e) => return e.into(),
    };
    match views(conn, vec![now]).await {
        Ok(mut v) => AppError::conflict(&v.remove(0)),
        Err(e) => e,
    }
}

/// Insert a checked resident without permission checks (import; the tags carry no purpose,
/// see `create` for the API's registration).
pub async fn insert(
    conn: &impl ConnectionTrait,
    household: &place::Model,
    v: &ValidResident,
) -> AppResult<resident::Model> {
    let r = insert_row(conn, household, v).await?;
    let groups = v.special_groups.as_deref().unwrap_or_default();
    write_groups(conn, r.id, groups, &[], None).await?;
    Ok(r)
}

async fn insert_row(
    conn: &impl ConnectionTrait,
    household: &place::Model,
    v: &ValidResident,
) -> AppResult<resident::Model> {
    let t = OffsetDateTime::now_utc();
    let id_number = v.id_number.clone().apply(None);
    let r = resident::ActiveModel {
        household_id: Set(household.id),
        grid_id: Set(household.grid_id.ok_or_else(|| {
            AppError::Internal(format!("household {} has no grid", household.id))
        })?),
        name: Set(v.name.as_str().to_string()),
        id_number: Set(id_number.as_ref().map(|n| n.as_str().to_string())),
        phone: Set(v.phone.clone().apply(None).map(|p| p.as_str().to_string())),
        birth_year: Set(id_number.as_ref().map(|n| i32::from(n.birth_year()))),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(r)
}

pub async fn create(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    input: ResidentInput,
) -> AppResult<ResidentView> {
    require(me, Permission::EditPeople)?;
    let txn = state.db.begin_write().await?;
    let household = household_for(&*txn, me, input.household_id).await?;
    let v = validate_resident(&input)?;
    let groups = v.groups_change(&[])?;
    if id_number_taken(&*txn, merged(&v.id_number, None).as_deref(), None).await? {
        return Err(refuse_duplicate(state, me, ctx, txn).await);
    }
    let r = insert_row(&*txn, &household, &v).await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::ResidentCreate, "resident", r.id),
    )
    .await?;
    if let Some(change) = &groups {
        change_groups(&*txn, me, ctx, r.id, change).await?;
    }
    let out = views(&*txn, vec![r]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

pub async fn update(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    input: ResidentInput,
) -> AppResult<ResidentView> {
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", FieldErrorCode::Required))?;
    let txn = state.db.begin_write().await?;
    let current = find_visible(&*txn, me, id, Permission::EditPeople).await?;
    let household = household_for(&*txn, me, input.household_id).await?;
    let v = validate_resident(&input)?;
    if current.version != version {
        return Err(current_for_conflict(&*txn, me, id).await);
    }
    let groups = v.groups_change(&groups_of(&*txn, id).await?)?;
    let id_number = merged(&v.id_number, current.id_number.clone());
    let phone = merged(&v.phone, current.phone.clone());
    if id_number_taken(&*txn, id_number.as_deref(), Some(id)).await? {
        return Err(refuse_duplicate(state, me, ctx, txn).await);
    }
    let birth_year = id_number
        .as_deref()
        .and_then(|n| IdCardNumber::parse(n).ok())
        .map(|n| i32::from(n.birth_year()));
    let res = resident::Entity::update_many()
        .col_expr(resident::Column::HouseholdId, Expr::value(household.id))
        .col_expr(resident::Column::GridId, Expr::value(household.grid_id))
        .col_expr(resident::Column::Name, Expr::value(v.name.as_str()))
        .col_expr(resident::Column::IdNumber, Expr::value(id_number))
        .col_expr(resident::Column::Phone, Expr::value(phone))
        .col_expr(resident::Column::BirthYear, Expr::value(birth_year))
        .col_expr(
            resident::Column::Version,
            crate::db::next_version(resident::Column::Version),
        )
        .col_expr(
            resident::Column::UpdatedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(resident::Column::Id.eq(id))
        .filter(resident::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(current_for_conflict(&*txn, me, id).await);
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::ResidentUpdate, "resident", id),
    )
    .await?;
    if let Some(change) = &groups {
        change_groups(&*txn, me, ctx, id, change).await?;
    }
    let r = resident::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = views(&*txn, vec![r]).await?.remove(0);
    txn.commit().await?;
    Ok(out)
}

pub async fn delete(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    version: i64,
) -> AppResult<()> {
    let txn = state.db.begin_write().await?;
    let current = find_visible(&*txn, me, id, Permission::EditPeople).await?;
    if current.version != version {
        return Err(current_for_conflict(&*txn, me, id).await);
    }
    let res = resident::Entity::delete_many()
        .filter(resident::Column::Id.eq(id))
        .filter(resident::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(current_for_conflict(&*txn, me, id).await);
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(shared::audit::AuditAction::ResidentDelete, "resident", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Search places by name, address or code, and residents by name within the user's scope.
pub async fn search(
    conn: &impl ConnectionTrait,
    me: &Principal,
    q: &str,
) -> AppResult<SearchResults> {
    let q = q.trim();
    if q.is_empty() {
        return Err(AppError::field("q", FieldErrorCode::Required));
    }
    if q.chars().count() > 64 {
        return Err(AppError::field("q", FieldErrorCode::TooLong));
    }
    let like = LikeExpr::new(like_pattern(q)).escape('\\');
    let text = Condition::any()
        .add(Expr::col((place::Entity, place::Column::Name)).like(like.clone()))
        .add(Expr::col((place::Entity, place::Column::Address)).like(like))
        .add(place::Column::Code.eq(q.to_ascii_uppercase()));
    // Households only where the user may see people.
    let households_visible = match me.scope(Permission::ViewPeople) {
        Scope::All => Condition::all(),
        Scope::Grids(ids) => Condition::any()
            .add(place::Column::Kind.ne(PlaceKind::Household.as_str()))
            .add(place::Column::GridId.is_in(ids)),
        Scope::None => Condition::all().add(place::Column::Kind.ne(PlaceKind::Household.as_str())),
    };
    let rows = place::Entity::find()
        .filter(text)
        .filter(households_visible)
        .order_by_asc(place::Column::Kind)
        .order_by_asc(place::Column::Code)
        .limit(20)
        .all(conn)
        .await?;
    let mut found = Vec::with_capacity(rows.len());
    for p in rows {
        let path = places::path_of(conn, &p).await?;
        let location = path
            .iter()
            .map(|r| r.name.as_str())
            .chain([p.name.as_str()])
            .collect::<Vec<_>>()
            .join(" / ");
        found.push(PlaceRefWithPath {
            place: places::to_ref(&p),
            location,
        });
    }
    let residents = match scope_condition(me, Permission::ViewPeople) {
        None => Vec::new(),
        Some(cond) => {
            let rows = resident::Entity::find()
                .filter(cond.add(name_like(q)))
                .order_by_asc(resident::Column::Name)
                .limit(20)
                .all(conn)
                .await?;
            views(conn, rows).await?
        }
    };
    Ok(SearchResults {
        places: found,
        residents,
    })
}

/// Residents of one household (for the browsing page).
pub async fn of_household(
    conn: &impl ConnectionTrait,
    me: &Principal,
    household_id: i64,
) -> AppResult<Vec<ResidentView>> {
    let h = places::find(conn, household_id).await?;
    places::check_visible(me, &h)?;
    if kind_of(&h) != PlaceKind::Household {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let rows = resident::Entity::find()
        .filter(resident::Column::HouseholdId.eq(household_id))
        .order_by_asc(resident::Column::Id)
        .all(conn)
        .await?;
    views(conn, rows).await
}
