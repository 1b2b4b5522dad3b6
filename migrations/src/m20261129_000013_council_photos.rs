//! Council: photos of agenda items (stored like case photos), an index for the live board's
//! poll of the history, and support counted once per verified resident — an account re-linked to a resident who already supported an item does
//! not support it twice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CouncilItemPhotos {
    Table,
    Id,
    ItemId,
    FileName,
    ThumbName,
    Width,
    Height,
    Bytes,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CouncilEvents {
    Table,
    At,
}

#[derive(DeriveIden)]
enum CouncilSupports {
    Table,
    ItemId,
    ResidentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CouncilItemPhotos::Table)
                .col(pk_auto(CouncilItemPhotos::Id).big_integer())
                .col(big_integer(CouncilItemPhotos::ItemId))
                .col(string_len(CouncilItemPhotos::FileName, 80))
                .col(string_len(CouncilItemPhotos::ThumbName, 80))
                .col(integer(CouncilItemPhotos::Width))
                .col(integer(CouncilItemPhotos::Height))
                .col(big_integer(CouncilItemPhotos::Bytes))
                .col(big_integer_null(CouncilItemPhotos::UploadedBy))
                .col(timestamp_with_time_zone(CouncilItemPhotos::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_council_item_photos_item")
                        .from(CouncilItemPhotos::Table, CouncilItemPhotos::ItemId)
                        .to(CouncilItems::Table, CouncilItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_item_photos_item")
                .table(CouncilItemPhotos::Table)
                .col(CouncilItemPhotos::ItemId)
                .to_owned(),
        )
        .await?;

        // The live council board polls the history for what is new.
        m.create_index(
            Index::create()
                .name("ix_council_events_at")
                .table(CouncilEvents::Table)
                .col(CouncilEvents::At)
                .to_owned(),
        )
        .await?;

        // Support by resident: the resident each supporting account was verified as.
        m.alter_table(
            Table::alter()
                .table(CouncilSupports::Table)
                .add_column(big_integer_null(CouncilSupports::ResidentId))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE council_supports SET resident_id = \
             (SELECT ra.resident_id FROM resident_accounts ra WHERE ra.user_id = council_supports.user_id)",
        )
        .await?;
        // Should a resident have supported twice through two accounts, keep the first.
        db.execute_unprepared(
            "DELETE FROM council_supports WHERE resident_id IS NOT NULL AND EXISTS \
             (SELECT 1 FROM council_supports s2 WHERE s2.item_id = council_supports.item_id \
              AND s2.resident_id = council_supports.resident_id AND (s2.created_at < council_supports.created_at \
              OR (s2.created_at = council_supports.created_at AND s2.user_id < council_supports.user_id)))",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE council_items SET support_count = \
             (SELECT COUNT(*) FROM council_supports s WHERE s.item_id = council_items.id)",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_council_supports_resident")
                .table(CouncilSupports::Table)
                .col(CouncilSupports::ItemId)
                .col(CouncilSupports::ResidentId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_council_events_at")
                .table(CouncilEvents::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ux_council_supports_resident")
                .table(CouncilSupports::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CouncilSupports::Table)
                .drop_column(CouncilSupports::ResidentId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(CouncilItemPhotos::Table).to_owned())
            .await
    }
}
