//! "This is my problem too" (我也遇到了): someone about to report a problem that is already
//! open near them says so instead of filing a second case. One row per case and account (the
//! primary key makes a second tap, or two at once, count once); the office sees the count.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseAlsoReports {
    Table,
    CaseId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseAlsoReports::Table)
                .col(big_integer(CaseAlsoReports::CaseId))
                .col(big_integer(CaseAlsoReports::UserId))
                .col(timestamp_with_time_zone(CaseAlsoReports::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CaseAlsoReports::CaseId)
                        .col(CaseAlsoReports::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_also_reports_case")
                        .from(CaseAlsoReports::Table, CaseAlsoReports::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_also_reports_user")
                        .from(CaseAlsoReports::Table, CaseAlsoReports::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseAlsoReports::Table).to_owned())
            .await
    }
}
