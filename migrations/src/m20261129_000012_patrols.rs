//! Patrols (巡查): a grid worker walks a grid with a phone; the patrol records who, where and
//! when, and its track is the points the phone sent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Patrols {
    Table,
    Id,
    UserId,
    WorkerName,
    GridId,
    StartedAt,
    EndedAt,
    Version,
}

#[derive(DeriveIden)]
enum PatrolPoints {
    Table,
    Id,
    PatrolId,
    Lon,
    Lat,
    At,
}

#[derive(DeriveIden)]
enum Places {
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
                .table(Patrols::Table)
                .col(pk_auto(Patrols::Id).big_integer())
                .col(big_integer(Patrols::UserId))
                .col(string_len(Patrols::WorkerName, 64))
                .col(big_integer(Patrols::GridId))
                .col(timestamp_with_time_zone(Patrols::StartedAt))
                .col(timestamp_with_time_zone_null(Patrols::EndedAt))
                .col(big_integer(Patrols::Version).default(1))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_patrols_user")
                        .from(Patrols::Table, Patrols::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_patrols_grid")
                        .from(Patrols::Table, Patrols::GridId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_patrols_started")
                .table(Patrols::Table)
                .col(Patrols::StartedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_patrols_grid_started")
                .table(Patrols::Table)
                .col(Patrols::GridId)
                .col(Patrols::StartedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PatrolPoints::Table)
                .col(pk_auto(PatrolPoints::Id).big_integer())
                .col(big_integer(PatrolPoints::PatrolId))
                .col(double(PatrolPoints::Lon))
                .col(double(PatrolPoints::Lat))
                .col(timestamp_with_time_zone(PatrolPoints::At))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_patrol_points_patrol")
                        .from(PatrolPoints::Table, PatrolPoints::PatrolId)
                        .to(Patrols::Table, Patrols::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_patrol_points_patrol")
                .table(PatrolPoints::Table)
                .col(PatrolPoints::PatrolId)
                .col(PatrolPoints::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PatrolPoints::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Patrols::Table).to_owned())
            .await
    }
}
