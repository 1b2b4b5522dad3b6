//! Notifications about answered letters to the secretary's mailbox, next to those about
//! cases: a notification is about a case or about a letter (`case_id` becomes optional,
//! `letter_id` is new). PostgreSQL alters the table in place; SQLite cannot drop a NOT NULL,
//! so there the table is rebuilt with its rows.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    CaseId,
    LetterId,
    Action,
    Stage,
    ActorName,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum NotificationsNext {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailboxLetters {
    Table,
    Id,
}

const COLUMNS: &str = "id, user_id, case_id, action, stage, actor_name, created_at, read_at";

/// SQLite: the notifications table made again, with letters (case optional) or without
/// (case required, as before), keeping its rows and index.
async fn rebuild(m: &SchemaManager<'_>, with_letters: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table
        .table(NotificationsNext::Table)
        .col(pk_auto(Notifications::Id).big_integer())
        .col(big_integer(Notifications::UserId));
    if with_letters {
        table
            .col(big_integer_null(Notifications::CaseId))
            .col(big_integer_null(Notifications::LetterId));
    } else {
        table.col(big_integer(Notifications::CaseId));
    }
    table
        .col(string_len(Notifications::Action, 32))
        .col(string_len_null(Notifications::Stage, 24))
        .col(string_len_null(Notifications::ActorName, 64))
        .col(timestamp_with_time_zone(Notifications::CreatedAt))
        .col(timestamp_with_time_zone_null(Notifications::ReadAt))
        .foreign_key(
            ForeignKey::create()
                .name("fk_notifications_user")
                .from(NotificationsNext::Table, Notifications::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_notifications_case")
                .from(NotificationsNext::Table, Notifications::CaseId)
                .to(Cases::Table, Cases::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    if with_letters {
        table.foreign_key(
            ForeignKey::create()
                .name("fk_notifications_letter")
                .from(NotificationsNext::Table, Notifications::LetterId)
                .to(MailboxLetters::Table, MailboxLetters::Id)
                .on_delete(ForeignKeyAction::Cascade),
        );
    }
    // One batch on one connection: the pool's other connections must not see (or act on)
    // the table half rebuilt.
    let create = m.get_database_backend().build(&table.to_owned()).sql;
    m.get_connection()
        .execute_unprepared(&format!(
            "{create};
            INSERT INTO notifications_next ({COLUMNS}) SELECT {COLUMNS} FROM notifications;
            DROP TABLE notifications;
            ALTER TABLE notifications_next RENAME TO notifications;
            CREATE INDEX ix_notifications_user ON notifications (user_id, id);"
        ))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE notifications ALTER COLUMN case_id DROP NOT NULL")
                .await?;
            m.alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(big_integer_null(Notifications::LetterId))
                    .add_foreign_key(
                        TableForeignKey::new()
                            .name("fk_notifications_letter")
                            .from_tbl(Notifications::Table)
                            .from_col(Notifications::LetterId)
                            .to_tbl(MailboxLetters::Table)
                            .to_col(MailboxLetters::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        } else {
            rebuild(m, true).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Letter notifications have no case: they go, and the column with them.
        let db = m.get_connection();
        db.execute_unprepared("DELETE FROM notifications WHERE case_id IS NULL")
            .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .drop_foreign_key(Alias::new("fk_notifications_letter"))
                    .drop_column(Notifications::LetterId)
                    .to_owned(),
            )
            .await?;
            db.execute_unprepared("ALTER TABLE notifications ALTER COLUMN case_id SET NOT NULL")
                .await?;
        } else {
            rebuild(m, false).await?;
        }
        Ok(())
    }
}
