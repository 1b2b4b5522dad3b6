//! Notifications: what happened to a user's cases since they last looked.

use super::query::parse;
use crate::cases::store::{case, notification};
use crate::error::AppResult;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::accounts::Principal;
use shared::cases::{Notification, NotificationAbout};

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
            let reminder = n
                .reminder
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok());
            let about = match (n.case_id, n.letter_id) {
                _ if reminder.is_some() => NotificationAbout::Reminder {
                    reminder: reminder?,
                },
                (Some(id), _) if n.directive_id.is_some() => {
                    let c = cases.get(&id)?;
                    NotificationAbout::Directive {
                        directive_id: n.directive_id?,
                        case_id: c.id,
                        case_number: c.number.clone(),
                        case_title: c.title.clone(),
                        step: shared::directives::DirectiveStep::parse(&n.action),
                    }
                }
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
            let alert = shared::supervision::Alert::parse(&n.action);
            Some(Notification {
                id: n.id,
                action: match about {
                    NotificationAbout::Case { .. } if alert.is_none() => Some(parse(&n.action)?),
                    _ => None,
                },
                alert,
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
            Expr::value(Some(crate::clock::now())),
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
