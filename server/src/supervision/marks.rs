//! The 黄牌/红牌 marks cases have earned, for the board, lists and the case page.

use super::store::plan;
use crate::error::AppResult;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use shared::cases::CaseSummary;
use shared::supervision::{CaseMark, EscalationLevel, Mark};
use std::collections::HashMap;

/// Give each summary its mark: overdue (already known) or escalated is 红牌, warned 黄牌.
pub async fn apply<'a>(
    conn: &impl ConnectionTrait,
    summaries: impl IntoIterator<Item = &'a mut CaseSummary>,
) -> AppResult<()> {
    let mut summaries: Vec<&mut CaseSummary> = summaries.into_iter().collect();
    let ids: Vec<i64> = summaries.iter().map(|s| s.id).collect();
    let plans: HashMap<i64, plan::Model> = plan::Entity::find()
        .filter(plan::Column::CaseId.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.case_id, p))
        .collect();
    for s in summaries.iter_mut() {
        let p = plans.get(&s.id);
        s.mark = CaseMark::of(
            s.overdue,
            p.is_some_and(|p| p.warned),
            p.and_then(|p| p.escalated_to.as_deref().and_then(EscalationLevel::parse)),
        );
    }
    Ok(())
}

fn cases_where(cond: Condition) -> SelectStatement {
    Query::select()
        .column(plan::Column::CaseId)
        .from(plan::Entity)
        .cond_where(cond)
        .to_owned()
}

/// The condition on cases for a mark filter, given the condition that a case is overdue:
/// 红牌 is overdue or escalated; 黄牌 warned and neither.
pub fn condition(
    mark: Mark,
    id: crate::cases::store::case::Column,
    overdue: Condition,
) -> Condition {
    let escalated = id.in_subquery(cases_where(
        Condition::all().add(plan::Column::EscalatedTo.is_not_null()),
    ));
    match mark {
        Mark::Red => Condition::any().add(overdue).add(escalated),
        Mark::Yellow => Condition::all()
            .add(
                id.in_subquery(cases_where(
                    Condition::all()
                        .add(plan::Column::Warned.eq(true))
                        .add(plan::Column::EscalatedTo.is_null()),
                )),
            )
            .add(overdue.not()),
    }
}
