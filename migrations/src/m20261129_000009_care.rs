//! Care for special groups: visit intervals by risk level, one-to-one pairings, visits, errands.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CareSettings {
    Table,
    Id,
    HighDays,
    KeyDays,
    NormalDays,
    Version,
}

#[derive(DeriveIden)]
enum CarePairings {
    Table,
    Id,
    ResidentId,
    GridId,
    HelperUserId,
    HelperName,
    HelperKind,
    Risk,
    Purpose,
    ContactSchedule,
    StartsOn,
    Active,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CareVisits {
    Table,
    Id,
    ResidentId,
    GridId,
    VisitorId,
    VisitorName,
    Method,
    VisitedAt,
    Needs,
    Observations,
    ErrandId,
    CaseId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CareErrands {
    Table,
    Id,
    ResidentId,
    GridId,
    Kind,
    Description,
    Status,
    RequestedBy,
    HelperId,
    HelperName,
    AmountFen,
    Receipt,
    ConfirmedBy,
    ConfirmedByName,
    VisitId,
    Version,
    CreatedAt,
    UpdatedAt,
}

fn to_resident(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Residents::Table, Residents::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CareSettings::Table)
                .col(big_integer(CareSettings::Id).primary_key())
                .col(integer(CareSettings::HighDays))
                .col(integer(CareSettings::KeyDays))
                .col(integer(CareSettings::NormalDays))
                .col(big_integer(CareSettings::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(CareSettings::Table)
                .columns([
                    CareSettings::Id,
                    CareSettings::HighDays,
                    CareSettings::KeyDays,
                    CareSettings::NormalDays,
                    CareSettings::Version,
                ])
                .values_panic([1.into(), 7.into(), 30.into(), 90.into(), 1.into()])
                .to_owned(),
        )
        .await?;

        use CarePairings as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(pk_auto(P::Id).big_integer())
                .col(big_integer(P::ResidentId))
                .col(big_integer(P::GridId))
                .col(big_integer_null(P::HelperUserId))
                .col(string_len(P::HelperName, 64))
                .col(string_len(P::HelperKind, 24))
                .col(string_len(P::Risk, 16))
                .col(text(P::Purpose))
                .col(string_len(P::ContactSchedule, 400))
                .col(date(P::StartsOn))
                .col(boolean(P::Active).default(true))
                .col(big_integer(P::Version).default(1))
                .col(timestamp_with_time_zone(P::CreatedAt))
                .foreign_key(&mut to_resident(
                    "fk_care_pairings_resident",
                    (P::Table, P::ResidentId),
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_care_pairings_resident", P::ResidentId),
            ("ix_care_pairings_grid", P::GridId),
            ("ix_care_pairings_helper", P::HelperUserId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(P::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        use CareVisits as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(pk_auto(V::Id).big_integer())
                .col(big_integer(V::ResidentId))
                .col(big_integer(V::GridId))
                .col(big_integer_null(V::VisitorId))
                .col(string_len(V::VisitorName, 64))
                .col(string_len(V::Method, 16))
                .col(timestamp_with_time_zone(V::VisitedAt))
                .col(text(V::Needs))
                .col(text(V::Observations))
                .col(big_integer_null(V::ErrandId))
                .col(big_integer_null(V::CaseId))
                .col(timestamp_with_time_zone(V::CreatedAt))
                .foreign_key(&mut to_resident(
                    "fk_care_visits_resident",
                    (V::Table, V::ResidentId),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_care_visits_resident_time")
                .table(V::Table)
                .col(V::ResidentId)
                .col(V::VisitedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_care_visits_grid_time")
                .table(V::Table)
                .col(V::GridId)
                .col(V::VisitedAt)
                .to_owned(),
        )
        .await?;

        use CareErrands as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(pk_auto(E::Id).big_integer())
                .col(big_integer(E::ResidentId))
                .col(big_integer(E::GridId))
                .col(string_len(E::Kind, 32))
                .col(text(E::Description))
                .col(string_len(E::Status, 16))
                .col(big_integer_null(E::RequestedBy))
                .col(big_integer_null(E::HelperId))
                .col(string_len_null(E::HelperName, 64))
                .col(big_integer_null(E::AmountFen))
                .col(text_null(E::Receipt))
                .col(big_integer_null(E::ConfirmedBy))
                .col(string_len_null(E::ConfirmedByName, 64))
                .col(big_integer_null(E::VisitId))
                .col(big_integer(E::Version).default(1))
                .col(timestamp_with_time_zone(E::CreatedAt))
                .col(timestamp_with_time_zone(E::UpdatedAt))
                .foreign_key(&mut to_resident(
                    "fk_care_errands_resident",
                    (E::Table, E::ResidentId),
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_care_errands_resident", E::ResidentId),
            ("ix_care_errands_grid", E::GridId),
            ("ix_care_errands_helper", E::HelperId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(E::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CareErrands::Table.into_iden(),
            CareVisits::Table.into_iden(),
            CarePairings::Table.into_iden(),
            CareSettings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
