//! The warning and escalation rules, saved as a whole with one version.

use super::store::{rule, settings};
use crate::cases::store::category;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use shared::supervision::reminders::ReminderSettings;
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
    Ok(SupervisionRules {
        rules,
        reminders: reminder_settings(conn).await?,
        version,
    })
}

/// The reminder settings (the defaults until the office saves its own).
pub async fn reminder_settings(conn: &impl ConnectionTrait) -> AppResult<ReminderSettings> {
    Ok(settings::Entity::find_by_id(1)
        .one(conn)
        .await?
        // Written by `save` only, validated; a row that does not read falls back to the
        // defaults rather than stopping every reminder.
        .and_then(|s| serde_json::from_str(&s.reminders).ok())
        .unwrap_or_default())
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
    let mut errs = match validate_rules(&given.rules, |id| leaves.contains(&id)) {
        Ok(()) => shared::error::FieldErrors::new(),
        Err(e) => e,
    };
    if let Err(e) = given.reminders.validate() {
        errs.0.extend(e.0);
    }
    errs.into_result()?;
    settings::Entity::insert(settings::ActiveModel {
        id: Set(1),
        reminders: Set(serde_json::to_string(&given.reminders).unwrap_or_default()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Id)
            .update_column(settings::Column::Reminders)
            .to_owned(),
    )
    .exec_without_returning(&*txn)
    .await?;
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
