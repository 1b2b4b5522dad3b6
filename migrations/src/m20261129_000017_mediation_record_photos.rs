//! Mediation: photos of a file's records (site checks, follow-up visits), stored like case
//! and council photos.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediationRecordPhotos {
    Table,
    Id,
    RecordId,
    FileId,
    FileName,
    ThumbName,
    Width,
    Height,
    Bytes,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MediationRecords {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MediationFiles {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MediationRecordPhotos::Table)
                .col(pk_auto(MediationRecordPhotos::Id).big_integer())
                .col(big_integer(MediationRecordPhotos::RecordId))
                .col(big_integer(MediationRecordPhotos::FileId))
                .col(string_len(MediationRecordPhotos::FileName, 80))
                .col(string_len(MediationRecordPhotos::ThumbName, 80))
                .col(integer(MediationRecordPhotos::Width))
                .col(integer(MediationRecordPhotos::Height))
                .col(big_integer(MediationRecordPhotos::Bytes))
                .col(big_integer_null(MediationRecordPhotos::UploadedBy))
                .col(timestamp_with_time_zone(MediationRecordPhotos::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mediation_record_photos_record")
                        .from(
                            MediationRecordPhotos::Table,
                            MediationRecordPhotos::RecordId,
                        )
                        .to(MediationRecords::Table, MediationRecords::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mediation_record_photos_file")
                        .from(MediationRecordPhotos::Table, MediationRecordPhotos::FileId)
                        .to(MediationFiles::Table, MediationFiles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mediation_record_photos_record")
                .table(MediationRecordPhotos::Table)
                .col(MediationRecordPhotos::RecordId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mediation_record_photos_file")
                .table(MediationRecordPhotos::Table)
                .col(MediationRecordPhotos::FileId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MediationRecordPhotos::Table).to_owned())
            .await
    }
}
