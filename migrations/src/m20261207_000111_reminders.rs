//! Reminders across areas (issue 19): a notification may carry a reminder (what it is about,
//! as `shared::supervision::reminders::Reminder` JSON), and the office's reminder settings
//! (lead times, the meal time) are kept in one row saved with the supervision rules.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    /// JSON: the reminder the notification announces; none for every other kind.
    Reminder,
}

#[derive(DeriveIden)]
enum SupervisionSettings {
    Table,
    Id,
    /// JSON: `shared::supervision::reminders::ReminderSettings`.
    Reminders,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(text_null(Notifications::Reminder))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SupervisionSettings::Table)
                .col(big_integer(SupervisionSettings::Id).primary_key())
                .col(text(SupervisionSettings::Reminders))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SupervisionSettings::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::Reminder)
                .to_owned(),
        )
        .await
    }
}
