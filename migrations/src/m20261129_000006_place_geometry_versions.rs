//! Earlier outlines of grids and micro-grids: each saved change of a place's geometry keeps
//! the one it replaced, so an edit on the map can be undone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlaceGeometryVersions {
    Table,
    Id,
    PlaceId,
    /// The place's version while it had this geometry.
    PlaceVersion,
    Geometry,
    ChangedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlaceGeometryVersions::Table)
                .col(pk_auto(PlaceGeometryVersions::Id).big_integer())
                .col(big_integer(PlaceGeometryVersions::PlaceId))
                .col(big_integer(PlaceGeometryVersions::PlaceVersion))
                .col(text_null(PlaceGeometryVersions::Geometry))
                .col(big_integer_null(PlaceGeometryVersions::ChangedBy))
                .col(timestamp_with_time_zone(PlaceGeometryVersions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_place_geometry_versions_place")
                        .from(PlaceGeometryVersions::Table, PlaceGeometryVersions::PlaceId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_place_geometry_versions_place")
                .table(PlaceGeometryVersions::Table)
                .col(PlaceGeometryVersions::PlaceId)
                .col(PlaceGeometryVersions::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlaceGeometryVersions::Table).to_owned())
            .await
    }
}
