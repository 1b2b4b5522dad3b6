//! Photos of cases: what the reporter saw and what the handler did.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CasePhotos {
    Table,
    Id,
    CaseId,
    Kind,
    FileName,
    ThumbName,
    Width,
    Height,
    Bytes,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CasePhotos::Table)
                .col(pk_auto(CasePhotos::Id).big_integer())
                .col(big_integer(CasePhotos::CaseId))
                .col(string_len(CasePhotos::Kind, 16))
                .col(string_len(CasePhotos::FileName, 80))
                .col(string_len(CasePhotos::ThumbName, 80))
                .col(integer(CasePhotos::Width))
                .col(integer(CasePhotos::Height))
                .col(big_integer(CasePhotos::Bytes))
                .col(big_integer_null(CasePhotos::UploadedBy))
                .col(timestamp_with_time_zone(CasePhotos::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_photos_case")
                        .from(CasePhotos::Table, CasePhotos::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_photos_case")
                .table(CasePhotos::Table)
                .col(CasePhotos::CaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CasePhotos::Table).to_owned())
            .await
    }
}
