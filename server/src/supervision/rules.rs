//! The warning and escalation rules, saved as a whole with one version.

use super::store::rule;
use crate::cases::store::category;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use shared::supervision::{SupervisionRule, SupervisionRules, validate_rules};

pub async fn load(conn: &impl ConnectionTrait) -> AppResult<SupervisionRules> {
    let rows = rule::Entity::find()
        .order_by_asc(rule::Column::Id)
        .all(conn)
        .await?;
    let version = rows.iter().map(|r| r.version).max().unwrap_or(0);
    let mut rules: Vec<SupervisionRule> = rows
        .into_iter()
        .map(|r| SupervisionRule {
            category_id: r.category_id,
            warn_percent_left: u8::try_from(r.warn_percent_left).unwrap_or(0),
            // Written by `save` only; a row that does not read has no ladder rather than
            // stopping every case's supervision.
            steps: serde_json::from_str(&r.steps).unwrap_or_default(),
        })
        .collect();
    if !rules.iter().any(|r| r.category_id.is_none()) {
        rules.insert(0, SupervisionRule::default_rule());
    }
    Ok(SupervisionRules { rules, version })
}

/// Replace all rules (admin) if `given.version` is the saved one; a stale save is a 409
/// with the saved rules. Open cases are planned again on the next pass.
pub async fn save(state: &AppState, given: &SupervisionRules) -> AppResult<SupervisionRules> {
    let txn = state.db.begin_write().await?;
    let current = load(&*txn).await?;
    if current.version != given.version {
        return Err(AppError::conflict(&current));
    }
    let leaves: std::collections::HashSet<i64> = category::Entity::find()
        .all(&*txn)
        .await?
        .into_iter()
        .filter(|c| c.parent_id.is_some())
        .map(|c| c.id)
        .collect();
    validate_rules(&given.rules, |id| leaves.contains(&id))?;
    rule::Entity::delete_many().exec(&*txn).await?;
    let version = current.version + 1;
    for r in &given.rules {
        rule::ActiveModel {
            category_id: Set(r.category_id),
            warn_percent_left: Set(i32::from(r.warn_percent_left)),
            steps: Set(serde_json::to_string(&r.steps).unwrap_or_else(|_| "[]".into())),
            version: Set(version),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let out = load(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}
