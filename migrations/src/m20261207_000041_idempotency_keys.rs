//! Idempotency keys (issue 18): a write sent with an `Idempotency-Key` claims its key in the
//! write's own transaction; the answer is stored beside it once made, so a repeated request
//! (an outbox retry after a lost answer) gets the first answer and writes nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    /// `user:<id>` or `open311:<hash of the API key>`: keys are per caller.
    Owner,
    Key,
    /// SHA-256 of method, path, query, content type and body.
    Fingerprint,
    /// The server process that claimed the key (to tell a request in flight from one whose
    /// process died between commit and answer).
    Process,
    ClaimedAt,
    /// The stored answer: absent until the request has been answered.
    Status,
    Headers,
    Body,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::Owner, 80))
                .col(string_len(IdempotencyKeys::Key, 200))
                .col(string_len(IdempotencyKeys::Fingerprint, 64))
                .col(string_len(IdempotencyKeys::Process, 40))
                .col(timestamp_with_time_zone(IdempotencyKeys::ClaimedAt))
                .col(integer_null(IdempotencyKeys::Status))
                .col(text_null(IdempotencyKeys::Headers))
                .col(blob_null(IdempotencyKeys::Body))
                .primary_key(
                    Index::create()
                        .col(IdempotencyKeys::Owner)
                        .col(IdempotencyKeys::Key),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_idempotency_keys_claimed_at")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::ClaimedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await
    }
}
