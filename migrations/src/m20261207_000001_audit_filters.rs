//! The audit log answers "who read 张秀兰's record this month": each entry names the resident
//! whose data it is about (`resident_id`, whichever record it went through), and the filters
//! of the audit page (person, action, resident, record, days) each have an index that also
//! serves the newest-first order (by id). Details written before as English words ("0 orders")
//! become the structured details the page puts into the reader's language.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    Entity,
    EntityId,
    ResidentId,
    Detail,
}

const INDEXES: [&str; 3] = [
    "idx_audit_log_resident",
    "idx_audit_log_actor",
    "idx_audit_log_action",
];

/// Old words → the kind counted, per action.
const COUNTED: [(&str, &str, &str); 12] = [
    ("places.export", "places", "places"),
    ("places.import", "places", "places"),
    ("residents.export", "residents", "residents"),
    ("residents.import", "residents", "residents"),
    ("care.errands.read", "errands", "errands"),
    ("mailbox.private.read", "letters", "letters"),
    ("care.meals.read", "enrolments", "meal_enrolments"),
    ("care.meals.read", "orders", "meal_orders"),
    ("care.timebank.read", "volunteers", "volunteers"),
    ("care.timebank.credit", "volunteers", "volunteers"),
    ("care.timebank.redeem", "points", "points"),
    ("care.due.read", "residents", "residents"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .add_column(big_integer_null(AuditLog::ResidentId))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        // Entries about a resident's own record are about that resident.
        db.execute(
            Query::update()
                .table(AuditLog::Table)
                .value(AuditLog::ResidentId, Expr::col(AuditLog::EntityId))
                .and_where(Expr::col(AuditLog::Entity).eq("resident")),
        )
        .await?;
        let index = |name: &str, col: AuditLog| {
            Index::create()
                .name(name)
                .table(AuditLog::Table)
                .col(col)
                .col(AuditLog::Id)
                .to_owned()
        };
        m.create_index(index(INDEXES[0], AuditLog::ResidentId))
            .await?;
        m.create_index(index(INDEXES[1], AuditLog::ActorId)).await?;
        m.create_index(index(INDEXES[2], AuditLog::Action)).await?;

        // "12 orders" → {"kind":"count","n":12,"of":"meal_orders"}.
        for (action, word, of) in COUNTED {
            let rows = db
                .query_all(
                    Query::select()
                        .columns([AuditLog::Id, AuditLog::Detail])
                        .from(AuditLog::Table)
                        .and_where(Expr::col(AuditLog::Action).eq(action))
                        .and_where(Expr::col(AuditLog::Detail).like(format!("% {word}"))),
                )
                .await?;
            for row in rows {
                let id: i64 = row.try_get("", "id")?;
                let detail: String = row.try_get("", "detail")?;
                let Some(n) = detail
                    .strip_suffix(&format!(" {word}"))
                    .and_then(|n| n.trim().parse::<u64>().ok())
                else {
                    continue;
                };
                let json = format!(r#"{{"kind":"count","n":{n},"of":"{of}"}}"#);
                db.execute(
                    Query::update()
                        .table(AuditLog::Table)
                        .value(AuditLog::Detail, json)
                        .and_where(Expr::col(AuditLog::Id).eq(id)),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in INDEXES {
            m.drop_index(Index::drop().name(name).table(AuditLog::Table).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .drop_column(AuditLog::ResidentId)
                .to_owned(),
        )
        .await
    }
}
