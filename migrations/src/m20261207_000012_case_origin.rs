//! A case filed by another area (a letter to the secretary, a home visit, a council decision)
//! records that as a fact, `origin` (JSON: `{"kind":"letter","letter_id":3,"private":false}`,
//! `{"kind":"visit","visit_id":5}`, `{"kind":"council","item_id":7}`), worded by the reader's
//! app; the description keeps only what people wrote. The server used to write the origin as a
//! Chinese prefix into the description ("书记信箱来信：…") and the council decision's
//! registration note ("网格议事决定（议题 #7）"). Rows written before are turned into the new
//! shape here, once. The prefixes below are the ones the server wrote, frozen here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use serde_json::json;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Description,
    Origin,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    CaseId,
    Action,
    Note,
}

#[derive(DeriveIden)]
enum MailboxLetters {
    Table,
    Id,
    Private,
    CaseId,
}

#[derive(DeriveIden)]
enum CareVisits {
    Table,
    Id,
    CaseId,
}

#[derive(DeriveIden)]
enum CouncilItems {
    Table,
    Id,
    CaseId,
}

const PRIVATE_LETTER: &str = "书记信箱来信（私信，原文仅书记可见）。处理意见：";
const LETTER: &str = "书记信箱来信：";
const VISIT: &str = "入户走访发现：";
const COUNCIL: &str = "网格议事决定：";

/// The description without the prefix the server wrote for this origin; unchanged when it does
/// not start with it (then it was typed or edited).
fn strip<'a>(description: &'a str, prefix: &str) -> &'a str {
    description.strip_prefix(prefix).unwrap_or(description)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(text_null(Cases::Origin))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();

        // (case id, origin, the prefix its description was given)
        let mut found: Vec<(i64, serde_json::Value, &str)> = Vec::new();
        for row in db
            .query_all(
                Query::select()
                    .columns([
                        MailboxLetters::Id,
                        MailboxLetters::Private,
                        MailboxLetters::CaseId,
                    ])
                    .from(MailboxLetters::Table)
                    .and_where(Expr::col(MailboxLetters::CaseId).is_not_null()),
            )
            .await?
        {
            let id: i64 = row.try_get("", "id")?;
            let private: bool = row.try_get("", "private")?;
            let case_id: i64 = row.try_get("", "case_id")?;
            let prefix = if private { PRIVATE_LETTER } else { LETTER };
            found.push((
                case_id,
                json!({"kind": "letter", "letter_id": id, "private": private}),
                prefix,
            ));
        }
        for row in db
            .query_all(
                Query::select()
                    .columns([CareVisits::Id, CareVisits::CaseId])
                    .from(CareVisits::Table)
                    .and_where(Expr::col(CareVisits::CaseId).is_not_null()),
            )
            .await?
        {
            let id: i64 = row.try_get("", "id")?;
            let case_id: i64 = row.try_get("", "case_id")?;
            found.push((case_id, json!({"kind": "visit", "visit_id": id}), VISIT));
        }
        for row in db
            .query_all(
                Query::select()
                    .columns([CouncilItems::Id, CouncilItems::CaseId])
                    .from(CouncilItems::Table)
                    .and_where(Expr::col(CouncilItems::CaseId).is_not_null()),
            )
            .await?
        {
            let id: i64 = row.try_get("", "id")?;
            let case_id: i64 = row.try_get("", "case_id")?;
            found.push((case_id, json!({"kind": "council", "item_id": id}), COUNCIL));
            db.execute(
                Query::update()
                    .table(CaseEvents::Table)
                    .value(CaseEvents::Note, Option::<String>::None)
                    .and_where(Expr::col(CaseEvents::CaseId).eq(case_id))
                    .and_where(Expr::col(CaseEvents::Action).eq("register"))
                    .and_where(
                        Expr::col(CaseEvents::Note).eq(format!("网格议事决定（议题 #{id}）")),
                    ),
            )
            .await?;
        }

        for (case_id, origin, prefix) in found {
            let Some(row) = db
                .query_one(
                    Query::select()
                        .column(Cases::Description)
                        .from(Cases::Table)
                        .and_where(Expr::col(Cases::Id).eq(case_id)),
                )
                .await?
            else {
                continue;
            };
            let description: String = row.try_get("", "description")?;
            db.execute(
                Query::update()
                    .table(Cases::Table)
                    .value(Cases::Origin, origin.to_string())
                    .value(Cases::Description, strip(&description, prefix).to_string())
                    .and_where(Expr::col(Cases::Id).eq(case_id)),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::Origin)
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_own_prefix_is_taken_off() {
        assert_eq!(strip("书记信箱来信：楼道灯坏了", LETTER), "楼道灯坏了");
        assert_eq!(strip("入户走访发现：需要助浴", VISIT), "需要助浴");
        assert_eq!(
            strip("网格议事决定：修路灯\n\n楼道暗", COUNCIL),
            "修路灯\n\n楼道暗"
        );
        assert_eq!(
            strip(
                "书记信箱来信（私信，原文仅书记可见）。处理意见：已转物业",
                PRIVATE_LETTER
            ),
            "已转物业"
        );
        // Edited by someone since: left as it is.
        assert_eq!(strip("楼道灯坏了", LETTER), "楼道灯坏了");
    }
}
