//! The case catalog: categories and responsible parties, as the office configures them.

use crate::cases::store::{category, party};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::cases::{CaseMeta, Category, ResponsibleParty};
use shared::error::FieldErrorCode;

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
