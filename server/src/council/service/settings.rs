//! The council's settings: the support threshold and the small-matter deadline.

use crate::council::store::settings;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::council::*;

pub async fn settings(conn: &impl ConnectionTrait) -> AppResult<CouncilSettings> {
    let s = settings::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal("council settings row missing".into()))?;
    Ok(CouncilSettings {
        support_threshold: s.support_threshold.max(0) as u32,
        small_matter_days: s.small_matter_days.max(0) as u32,
        version: s.version,
    })
}

pub async fn update_settings(state: &AppState, new: CouncilSettings) -> AppResult<CouncilSettings> {
    new.validate()?;
    let txn = state.db.begin_write().await?;
    let res = settings::Entity::update_many()
        .col_expr(
            settings::Column::SupportThreshold,
            Expr::value(new.support_threshold as i32),
        )
        .col_expr(
            settings::Column::SmallMatterDays,
            Expr::value(new.small_matter_days as i32),
        )
        .col_expr(
            settings::Column::Version,
            crate::db::next_version(settings::Column::Version),
        )
        .filter(settings::Column::Id.eq(1))
        .filter(settings::Column::Version.eq(new.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&settings(&*txn).await?));
    }
    let out = settings(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}
