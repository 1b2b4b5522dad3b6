//! The mediation board's live poller reads the last seconds of the history by time: give it
//! an index, as the case history has (`ix_case_events_at`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediationEvents {
    Table,
    At,
}

const INDEX: &str = "ix_mediation_events_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(MediationEvents::Table)
                .col(MediationEvents::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(INDEX)
                .table(MediationEvents::Table)
                .to_owned(),
        )
        .await
    }
}
