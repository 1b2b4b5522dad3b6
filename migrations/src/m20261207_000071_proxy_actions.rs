//! Undo and 代办 (issue 17): what a grid worker or the office did on a resident's behalf
//! (`proxy_actions`: who acted, for whom, the resident's confirmation, what was done, and when
//! the resident saw the notice), the proxy behind a vote or a support, and supports given for
//! a resident who has no account (the table's key was the account; now a row of its own, with
//! one support per resident and per account kept by unique indexes).

use crate::foreign_keys::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProxyActions {
    Table,
    Id,
    Kind,
    ActorId,
    ActorName,
    ResidentId,
    ResidentName,
    Confirmation,
    Entity,
    EntityId,
    Summary,
    CreatedAt,
    SeenAt,
}

#[derive(DeriveIden)]
enum CouncilVotes {
    Table,
    ProxyActionId,
}

#[derive(DeriveIden)]
enum CouncilSupportsNew {
    Table,
    Id,
    ItemId,
    UserId,
    ResidentId,
    ProxyActionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilSupportsOld {
    Table,
}

#[derive(DeriveIden)]
enum CouncilItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProxyActions::Table)
                .col(pk_auto(ProxyActions::Id).big_integer())
                .col(string_len(ProxyActions::Kind, 16))
                .col(big_integer_null(ProxyActions::ActorId))
                .col(string_len(ProxyActions::ActorName, 64))
                .col(big_integer(ProxyActions::ResidentId))
                .col(string_len(ProxyActions::ResidentName, 64))
                .col(string_len(ProxyActions::Confirmation, 16))
                .col(string_len(ProxyActions::Entity, 16))
                .col(big_integer(ProxyActions::EntityId))
                .col(text(ProxyActions::Summary))
                .col(timestamp_with_time_zone(ProxyActions::CreatedAt))
                .col(timestamp_with_time_zone_null(ProxyActions::SeenAt))
                .foreign_key(&mut fk(
                    "fk_proxy_actions_resident",
                    (ProxyActions::Table, ProxyActions::ResidentId),
                    (Residents::Table, Residents::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_proxy_actions_resident")
                .table(ProxyActions::Table)
                .col(ProxyActions::ResidentId)
                .col(ProxyActions::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CouncilVotes::Table)
                .add_column(big_integer_null(CouncilVotes::ProxyActionId))
                .to_owned(),
        )
        .await?;

        // Supports get a key of their own: a support given for a resident without an account
        // has no account to be keyed by. One batch on one connection: the pool's other
        // connections must not see (or act on) the table half rebuilt.
        let create = m
            .get_database_backend()
            .build(
                &Table::create()
                    .table(CouncilSupportsNew::Table)
                    .col(pk_auto(CouncilSupportsNew::Id).big_integer())
                    .col(big_integer(CouncilSupportsNew::ItemId))
                    .col(big_integer_null(CouncilSupportsNew::UserId))
                    .col(big_integer_null(CouncilSupportsNew::ResidentId))
                    .col(big_integer_null(CouncilSupportsNew::ProxyActionId))
                    .col(timestamp_with_time_zone(CouncilSupportsNew::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_council_supports2_item",
                        (CouncilSupportsNew::Table, CouncilSupportsNew::ItemId),
                        (CouncilItems::Table, CouncilItems::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_council_supports2_user",
                        (CouncilSupportsNew::Table, CouncilSupportsNew::UserId),
                        (Users::Table, Users::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .sql;
        m.get_connection()
            .execute_unprepared(&format!(
                "{create};
                INSERT INTO council_supports_new (item_id, user_id, resident_id, created_at)
                    SELECT item_id, user_id, resident_id, created_at FROM council_supports ORDER BY created_at;
                DROP TABLE council_supports;
                ALTER TABLE council_supports_new RENAME TO council_supports;
                CREATE UNIQUE INDEX ux_council_supports_by_resident ON council_supports (item_id, resident_id);
                CREATE UNIQUE INDEX ux_council_supports_by_user ON council_supports (item_id, user_id);"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Supports keyed by account again: those given on a resident's behalf have no account
        // and do not survive the way back. One batch on one connection, as on the way up.
        let create = m
            .get_database_backend()
            .build(
                &Table::create()
                    .table(CouncilSupportsOld::Table)
                    .col(big_integer(CouncilSupportsNew::ItemId))
                    .col(big_integer(CouncilSupportsNew::UserId))
                    .col(big_integer_null(CouncilSupportsNew::ResidentId))
                    .col(timestamp_with_time_zone(CouncilSupportsNew::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(CouncilSupportsNew::ItemId)
                            .col(CouncilSupportsNew::UserId),
                    )
                    .foreign_key(&mut fk(
                        "fk_council_supports_item",
                        (CouncilSupportsOld::Table, CouncilSupportsNew::ItemId),
                        (CouncilItems::Table, CouncilItems::Id),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_council_supports_user",
                        (CouncilSupportsOld::Table, CouncilSupportsNew::UserId),
                        (Users::Table, Users::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .sql;
        m.get_connection()
            .execute_unprepared(&format!(
                "{create};
                INSERT INTO council_supports_old (item_id, user_id, resident_id, created_at)
                    SELECT item_id, user_id, resident_id, created_at FROM council_supports WHERE user_id IS NOT NULL;
                DROP TABLE council_supports;
                ALTER TABLE council_supports_old RENAME TO council_supports;
                CREATE UNIQUE INDEX ux_council_supports_resident ON council_supports (item_id, resident_id);"
            ))
            .await?;
        m.alter_table(
            Table::alter()
                .table(CouncilVotes::Table)
                .drop_column(CouncilVotes::ProxyActionId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(ProxyActions::Table).to_owned())
            .await
    }
}
