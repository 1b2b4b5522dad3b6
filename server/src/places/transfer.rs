//! Bulk transfer: the hierarchy with its geometry as GeoJSON, residents as CSV (and in from
//! Excel). Imports check
//! every row and write nothing unless all rows are acceptable (one transaction), and answer
//! with a report of the rejected rows.

use super::residents;
use super::roster::Roster;
use super::service::{self as places, kind_of};
use super::store::{place, place_leader, resident, resident_group};
use crate::accounts::require;
use crate::audit::{self, Record};
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use shared::accounts::{Permission, Principal};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::i18n::Lang;
use shared::places::{
    Change, ImportReport, Leader, PlaceKind, RejectedRow, ResidentInput, RosterColumn,
    SpecialGroup, ValidPlace, validate_place, validate_resident,
};
use shared::validate::{check_text, spreadsheet_safe, spreadsheet_unguard};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// Every place as a GeoJSON feature, parents before children.
pub async fn export_places(state: &AppState, me: &Principal, ctx: &RequestCtx) -> AppResult<Value> {
    require(me, Permission::BulkData)?;
    let conn = &state.db.conn;
    let rows = place::Entity::find()
        .order_by_asc(place::Column::Id)
        .all(conn)
        .await?;
    let codes: HashMap<i64, String> = rows.iter().map(|p| (p.id, p.code.clone())).collect();
    let mut leaders: HashMap<i64, Vec<Value>> = HashMap::new();
    for l in place_leader::Entity::find()
        .order_by_asc(place_leader::Column::Position)
        .all(conn)
        .await?
    {
        leaders
            .entry(l.place_id)
            .or_default()
            .push(json!({"title": l.title, "name": l.name}));
    }
    let mut sorted = rows;
    sorted.sort_by_key(|p| (kind_of(p), p.id));
    let features: Vec<Value> = sorted
        .iter()
        .map(|p| {
            json!({
                "type": "Feature",
                "geometry": p.geometry.as_deref().and_then(|g| serde_json::from_str::<Value>(g).ok()),
                "properties": {
                    "kind": p.kind,
                    "code": p.code,
                    "name": p.name,
                    "parent_code": p.parent_id.and_then(|id| codes.get(&id)),
                    "address": p.address,
                    "leaders": leaders.remove(&p.id).unwrap_or_default(),
                }
            })
        })
        .collect();
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record::global(
            shared::audit::AuditAction::PlacesExport,
            shared::audit::AuditDetail::count(features.len(), shared::audit::Counted::Places),
        ),
    )
    .await?;
    Ok(json!({"type": "FeatureCollection", "features": features}))
}

struct PlaceRow {
    row: usize,
    kind: PlaceKind,
    parent_code: Option<String>,
    valid: ValidPlace,
}

fn reject(rejected: &mut Vec<RejectedRow>, row: usize, errs: FieldErrors, lang: Lang) {
    rejected.push(RejectedRow {
        row: row as u64,
        errors: errs.to_field_errors(lang),
    });
}

fn one(field: &str, code: FieldErrorCode) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add(field, code);
    e
}

/// Import a FeatureCollection of places. A feature whose kind and code exist already updates
/// that place (name, address, geometry, leaders); a new code creates it under `parent_code`,
/// which must exist or come earlier in the file.
pub async fn import_places(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    doc: Value,
    dry_run: bool,
) -> AppResult<ImportReport> {
    require(me, Permission::BulkData)?;
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .filter(|_| doc.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        .ok_or_else(|| AppError::field("features", FieldErrorCode::InvalidFormat))?;
    // A real import holds the writer for its whole check-and-write; a dry run takes it only
    // for the shape checks below, whose writes it rolls back.
    let txn = if dry_run {
        None
    } else {
        Some(state.db.begin_write().await?)
    };
    let existing = match &txn {
        Some(t) => place::Entity::find().all(&**t).await?,
        None => place::Entity::find().all(&state.db.conn).await?,
    };
    let code_of: HashMap<i64, String> = existing.iter().map(|p| (p.id, p.code.clone())).collect();
    let mut known: HashMap<(PlaceKind, String), place::Model> = existing
        .into_iter()
        .map(|p| ((kind_of(&p), p.code.clone()), p))
        .collect();
    let mut in_file: HashSet<(PlaceKind, String)> = HashSet::new();
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let row = i + 1;
        let props = f.get("properties").cloned().unwrap_or(Value::Null);
        let text = |k: &str| props.get(k).and_then(Value::as_str).map(str::to_string);
        let Some(kind) = text("kind").and_then(|k| PlaceKind::parse(&k)) else {
            reject(
                &mut rejected,
                row,
                one("kind", FieldErrorCode::InvalidFormat),
                ctx.lang,
            );
            continue;
        };
        let parent_code = text("parent_code").map(|c| c.trim().to_ascii_uppercase());
        let parent_kind = kind.parent();
        let parent_ok = match (&parent_code, parent_kind) {
            (None, None) => true,
            (Some(c), Some(pk)) => {
                known.contains_key(&(pk, c.clone())) || in_file.contains(&(pk, c.clone()))
            }
            _ => false,
        };
        let leaders: Vec<Leader> = match props.get("leaders") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => match serde_json::from_value(v.clone()) {
                Ok(l) => l,
                Err(_) => {
                    reject(
                        &mut rejected,
                        row,
                        one("leaders", FieldErrorCode::InvalidFormat),
                        ctx.lang,
                    );
                    continue;
                }
            },
        };
        let geometry = f.get("geometry").filter(|g| !g.is_null());
        let mut result = validate_place(
            kind,
            if parent_ok { parent_kind } else { None },
            text("code").as_deref().unwrap_or(""),
            text("name").as_deref().unwrap_or(""),
            text("address").as_deref(),
            geometry,
            &leaders,
        );
        if let (Err(errs), false, Some(_)) = (&mut result, parent_ok, parent_kind) {
            // Say which reference is unknown rather than "required".
            errs.0.retain(|(f, _)| f != "parent_id");
            errs.add("parent_code", FieldErrorCode::UnknownReference);
        }
        match result {
            Ok(valid) => {
                let key = (kind, valid.code.as_str().to_string());
                if !in_file.insert(key.clone()) {
                    reject(
                        &mut rejected,
                        row,
                        one("code", FieldErrorCode::Duplicate),
                        ctx.lang,
                    );
                    continue;
                }
                if let Some(current) = known.get(&key) {
                    // Updates may not move a place to another parent.
                    let current_parent =
                        current.parent_id.and_then(|pid| code_of.get(&pid).cloned());
                    if current_parent != parent_code {
                        reject(
                            &mut rejected,
                            row,
                            one("parent_code", FieldErrorCode::NotAllowed),
                            ctx.lang,
                        );
                        continue;
                    }
                }
                rows.push(PlaceRow {
                    row,
                    kind,
                    parent_code,
                    valid,
                });
            }
            Err(errs) => reject(&mut rejected, row, errs, ctx.lang),
        }
    }
    let accepted = rows.len() as u64;
    if !rejected.is_empty() {
        return Ok(ImportReport {
            accepted,
            rejected,
            committed: false,
        });
    }
    // Shapes are checked against each other and the database as the map editor's are
    // (siblings do not overlap, children lie inside): by writing the rows in a transaction,
    // checking each, and keeping the writes only when every row passed and this is no dry run.
    let txn = match txn {
        Some(t) => t,
        None => state.db.begin_write().await?,
    };
    let now = OffsetDateTime::now_utc();
    let mut accepted = accepted;
    for r in rows {
        let id;
        let key = (r.kind, r.valid.code.as_str().to_string());
        if let Some(current) = known.get(&key).cloned() {
            let (geometry, [min_lon, min_lat, max_lon, max_lat]) =
                places::geometry_columns(&r.valid);
            let res = place::Entity::update_many()
                .col_expr(place::Column::Name, Expr::value(r.valid.name.as_str()))
                .col_expr(place::Column::Address, Expr::value(r.valid.address.clone()))
                .col_expr(place::Column::Geometry, Expr::value(geometry))
                .col_expr(place::Column::MinLon, Expr::value(min_lon))
                .col_expr(place::Column::MinLat, Expr::value(min_lat))
                .col_expr(place::Column::MaxLon, Expr::value(max_lon))
                .col_expr(place::Column::MaxLat, Expr::value(max_lat))
                .col_expr(place::Column::Version, Expr::value(current.version + 1))
                .col_expr(place::Column::UpdatedAt, Expr::value(now))
                .filter(place::Column::Id.eq(current.id))
                .filter(place::Column::Version.eq(current.version))
                .exec(&*txn)
                .await?;
            if res.rows_affected != 1 {
                // Edited by someone else during the import: nothing of the import is kept.
                return Err(AppError::Code(shared::error::ErrorCode::VersionConflict));
            }
            places::replace_leaders(&*txn, current.id, &r.valid.leaders).await?;
            id = current.id;
        } else {
            let parent = match (&r.parent_code, r.kind.parent()) {
                (Some(c), Some(pk)) => known.get(&(pk, c.clone())).cloned(),
                _ => None,
            };
            let m = places::insert(&*txn, r.kind, parent.as_ref(), &r.valid).await?;
            id = m.id;
            known.insert(key, m);
        }
        let parent = match (&r.parent_code, r.kind.parent()) {
            (Some(c), Some(pk)) => known.get(&(pk, c.clone())).cloned(),
            _ => None,
        };
        match places::check_topology(&*txn, r.kind, parent.as_ref(), Some(id), &r.valid).await {
            Ok(()) => {}
            Err(AppError::Validation(errs)) => {
                accepted -= 1;
                reject(&mut rejected, r.row, errs, ctx.lang);
            }
            Err(e) => return Err(e),
        }
    }
    if dry_run || !rejected.is_empty() {
        // Dropping the transaction rolls every write back.
        drop(txn);
        return Ok(ImportReport {
            accepted,
            rejected,
            committed: false,
        });
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::global(
            shared::audit::AuditAction::PlacesImport,
            shared::audit::AuditDetail::count(accepted, shared::audit::Counted::Places),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(ImportReport {
        accepted,
        rejected,
        committed: true,
    })
}

/// Residents as CSV with full identity numbers and phones: an audited bulk read.
pub async fn export_residents(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
) -> AppResult<String> {
    require(me, Permission::BulkData)?;
    let conn = &state.db.conn;
    let households: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Kind.eq(PlaceKind::Household.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    for g in resident_group::Entity::find().all(conn).await? {
        groups.entry(g.resident_id).or_default().push(g.group_name);
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(RosterColumn::ALL.map(RosterColumn::key))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let rows = resident::Entity::find()
        .order_by_asc(resident::Column::Id)
        .all(conn)
        .await?;
    for r in &rows {
        let mut g = groups.remove(&r.id).unwrap_or_default();
        g.sort();
        let cells = [
            households
                .get(&r.household_id)
                .map(String::as_str)
                .unwrap_or(""),
            r.name.as_str(),
            r.id_number.as_deref().unwrap_or(""),
            r.phone.as_deref().unwrap_or(""),
            g.join(";").as_str(),
        ]
        .map(spreadsheet_safe);
        out.write_record(&cells)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let mut bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // A byte-order mark makes Excel on Chinese Windows read the file as UTF-8.
    bytes.splice(0..0, "\u{feff}".bytes());
    audit::record_now(
        state,
        Some(me),
        ctx,
        Record::global(
            shared::audit::AuditAction::ResidentsExport,
            shared::audit::AuditDetail::count(rows.len(), shared::audit::Counted::Residents),
        ),
    )
    .await?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}

/// Import residents from a roster (a CSV file with the export's columns or an Excel
/// workbook, `super::roster`; special groups by code or Chinese word). New residents only; all
/// rows are checked before any is written.
pub async fn import_residents(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    roster: Roster,
    dry_run: bool,
) -> AppResult<ImportReport> {
    require(me, Permission::BulkData)?;
    let c_household = roster.position(RosterColumn::HouseholdCode);
    let c_name = roster.position(RosterColumn::Name);
    let c_id = roster.position(RosterColumn::IdNumber);
    let c_phone = roster.position(RosterColumn::Phone);
    let c_groups = roster.position(RosterColumn::SpecialGroups);
    let txn = if dry_run {
        None
    } else {
        Some(state.db.begin_write().await?)
    };
    let households_query =
        place::Entity::find().filter(place::Column::Kind.eq(PlaceKind::Household.as_str()));
    let households: HashMap<String, place::Model> = match &txn {
        Some(t) => households_query.all(&**t).await?,
        None => households_query.all(&state.db.conn).await?,
    }
    .into_iter()
    .map(|p| (p.code.clone(), p))
    .collect();
    let taken_query = resident::Entity::find().filter(resident::Column::IdNumber.is_not_null());
    let taken: HashSet<String> = match &txn {
        Some(t) => taken_query.all(&**t).await?,
        None => taken_query.all(&state.db.conn).await?,
    }
    .into_iter()
    .filter_map(|r| r.id_number)
    .collect();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for (row, record) in &roster.rows {
        let row = *row as usize;
        let Some(record) = record else {
            reject(
                &mut rejected,
                row,
                one("row", FieldErrorCode::InvalidFormat),
                ctx.lang,
            );
            continue;
        };
        // Undo the export's spreadsheet guard ('=…) so a round trip keeps names as they were.
        let get = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(|cell| spreadsheet_unguard(cell.trim()).to_string())
                .filter(|s| !s.is_empty())
        };
        let mut errs = FieldErrors::new();
        // The text rule, as for every other text the API reads; a cell is named by the
        // roster column its heading names, else by the heading itself.
        for (i, cell) in record.iter().enumerate() {
            if check_text(cell, false).is_err() {
                let name = match roster.columns.get(i).copied().flatten() {
                    Some(c) => c.key(),
                    None => roster.headings.get(i).map_or("row", String::as_str),
                };
                errs.add(name, FieldErrorCode::InvalidText);
            }
        }
        let household = get(c_household)
            .map(|c| c.to_ascii_uppercase())
            .and_then(|c| households.get(&c).cloned());
        if household.is_none() {
            errs.add("household_code", FieldErrorCode::UnknownReference);
        }
        let groups = match SpecialGroup::from_cell(&get(c_groups).unwrap_or_default()) {
            Ok(groups) => groups,
            Err(_) => {
                errs.add("special_groups", FieldErrorCode::NotAllowed);
                Vec::new()
            }
        };
        let name = get(c_name);
        let input = ResidentInput {
            household_id: household.as_ref().map(|h| h.id).unwrap_or(0),
            name: name.unwrap_or_default(),
            id_number: get(c_id),
            phone: get(c_phone),
            special_groups: Some(groups),
            groups_purpose: None,
            groups_purpose_note: None,
            version: None,
        };
        let valid = match validate_resident(&input) {
            Ok(v) => Some(v),
            Err(e) => {
                errs.0.extend(e.0);
                None
            }
        };
        if let Some(Change::Set(n)) = valid.as_ref().map(|v| &v.id_number) {
            if taken.contains(n.as_str()) || !seen.insert(n.as_str().to_string()) {
                errs.add("id_number", FieldErrorCode::Duplicate);
            }
        }
        match (errs.is_empty(), household, valid) {
            (true, Some(h), Some(v)) => rows.push((h, v)),
            _ => reject(&mut rejected, row, errs, ctx.lang),
        }
    }
    let accepted = rows.len() as u64;
    let Some(txn) = txn.filter(|_| rejected.is_empty()) else {
        return Ok(ImportReport {
            accepted,
            rejected,
            committed: false,
        });
    };
    for (h, v) in &rows {
        residents::insert(&*txn, h, v).await?;
    }
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::global(
            shared::audit::AuditAction::ResidentsImport,
            shared::audit::AuditDetail::count(accepted, shared::audit::Counted::Residents),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(ImportReport {
        accepted,
        rejected,
        committed: true,
    })
}
