//! Elder mode (长辈版, issue 17): each account's display preferences (elder mode, read aloud),
//! whether the one-time elder-mode offer was answered, and the work phone a grid worker's
//! contact card (找网格员) links to with `tel:`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserPreferences {
    Table,
    UserId,
    ElderMode,
    ReadAloud,
    ElderOfferAnswered,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    WorkPhone,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UserPreferences::Table)
                .col(big_integer(UserPreferences::UserId).primary_key())
                .col(boolean(UserPreferences::ElderMode).default(false))
                .col(boolean(UserPreferences::ReadAloud).default(true))
                .col(boolean(UserPreferences::ElderOfferAnswered).default(false))
                .col(big_integer(UserPreferences::Version))
                .col(timestamp_with_time_zone(UserPreferences::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_preferences_user")
                        .from(UserPreferences::Table, UserPreferences::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(string_null(Users::WorkPhone))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::WorkPhone)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(UserPreferences::Table).to_owned())
            .await
    }
}
