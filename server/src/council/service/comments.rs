//! Comments on an item, and hiding one with a reason.

use super::records::{find_item, relation};
use super::voters::may_raise;
use crate::council::store::comment;
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::accounts::Principal;
use shared::council::*;
use shared::error::ErrorCode;

pub async fn comments(
    conn: &impl ConnectionTrait,
    me: &Principal,
    item_id: i64,
) -> AppResult<Vec<CommentView>> {
    let m = find_item(conn, item_id).await?;
    let office = may_manage(me, relation(me, m.grid_id));
    Ok(comment::Entity::find()
        .filter(comment::Column::ItemId.eq(item_id))
        .order_by_asc(comment::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            author_name: c.author_name,
            body: if c.hidden && !office {
                String::new()
            } else {
                c.body
            },
            hidden: c.hidden,
            hidden_reason: c.hidden_reason,
            created_at: c.created_at,
        })
        .collect())
}

pub async fn add_comment(
    state: &AppState,
    me: &Principal,
    item_id: i64,
    req: NewComment,
) -> AppResult<CommentView> {
    let body = req.validate()?;
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, item_id).await?;
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&*txn)
        .await?;
    if !may_raise(&*txn, me, &scope).await? {
        return Err(AppError::Code(ErrorCode::NotEligible));
    }
    let c = comment::ActiveModel {
        item_id: Set(item_id),
        author_id: Set(Some(me.user_id)),
        author_name: Set(me.display_name.clone()),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(CommentView {
        id: c.id,
        author_name: c.author_name,
        body: c.body,
        hidden: false,
        hidden_reason: None,
        created_at: c.created_at,
    })
}

pub async fn hide_comment(
    state: &AppState,
    me: &Principal,
    comment_id: i64,
    req: HideComment,
) -> AppResult<CommentView> {
    let reason = req.validate()?;
    let txn = state.db.begin_write().await?;
    let c = comment::Entity::find_by_id(comment_id)
        .one_or_404(&*txn)
        .await?;
    let m = find_item(&*txn, c.item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let mut a: comment::ActiveModel = c.into();
    a.hidden = Set(true);
    a.hidden_reason = Set(Some(reason));
    a.hidden_by = Set(Some(me.user_id));
    let c = a.update(&*txn).await?;
    txn.commit().await?;
    Ok(CommentView {
        id: c.id,
        author_name: c.author_name,
        body: c.body,
        hidden: true,
        hidden_reason: c.hidden_reason,
        created_at: c.created_at,
    })
}
