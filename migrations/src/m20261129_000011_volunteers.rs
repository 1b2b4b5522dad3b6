//! Volunteer teams, members, service activities and the time bank's ledger.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VolunteerTeams {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Volunteers {
    Table,
    Id,
    TeamId,
    UserId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VolunteerActivities {
    Table,
    Id,
    TeamId,
    Title,
    Day,
    CreatedBy,
    CreatedAt,
}

/// Earnings (with minutes) and redemptions; balances are sums of this ledger.
#[derive(DeriveIden)]
enum TimeBankLedger {
    Table,
    Id,
    VolunteerId,
    ActivityId,
    At,
    Minutes,
    Points,
    Reason,
    RecordedBy,
}

#[derive(DeriveIden)]
enum TimeBankRules {
    Table,
    Id,
    PointsPerHour,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VolunteerTeams::Table)
                .col(pk_auto(VolunteerTeams::Id).big_integer())
                .col(string_len_uniq(VolunteerTeams::Name, 100))
                .col(text(VolunteerTeams::Description))
                .col(timestamp_with_time_zone(VolunteerTeams::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Volunteers::Table)
                .col(pk_auto(Volunteers::Id).big_integer())
                .col(big_integer(Volunteers::TeamId))
                .col(big_integer_null(Volunteers::UserId))
                .col(string_len(Volunteers::Name, 64))
                .col(timestamp_with_time_zone(Volunteers::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_volunteers_team")
                        .from(Volunteers::Table, Volunteers::TeamId)
                        .to(VolunteerTeams::Table, VolunteerTeams::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_volunteers_user")
                .table(Volunteers::Table)
                .col(Volunteers::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VolunteerActivities::Table)
                .col(pk_auto(VolunteerActivities::Id).big_integer())
                .col(big_integer(VolunteerActivities::TeamId))
                .col(string_len(VolunteerActivities::Title, 400))
                .col(date(VolunteerActivities::Day))
                .col(big_integer_null(VolunteerActivities::CreatedBy))
                .col(timestamp_with_time_zone(VolunteerActivities::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_volunteer_activities_team")
                        .from(VolunteerActivities::Table, VolunteerActivities::TeamId)
                        .to(VolunteerTeams::Table, VolunteerTeams::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TimeBankLedger::Table)
                .col(pk_auto(TimeBankLedger::Id).big_integer())
                .col(big_integer(TimeBankLedger::VolunteerId))
                .col(big_integer_null(TimeBankLedger::ActivityId))
                .col(timestamp_with_time_zone(TimeBankLedger::At))
                .col(integer(TimeBankLedger::Minutes).default(0))
                .col(big_integer(TimeBankLedger::Points))
                .col(string_len(TimeBankLedger::Reason, 400))
                .col(big_integer_null(TimeBankLedger::RecordedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_time_bank_ledger_volunteer")
                        .from(TimeBankLedger::Table, TimeBankLedger::VolunteerId)
                        .to(Volunteers::Table, Volunteers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_time_bank_ledger_volunteer")
                .table(TimeBankLedger::Table)
                .col(TimeBankLedger::VolunteerId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TimeBankRules::Table)
                .col(big_integer(TimeBankRules::Id).primary_key())
                .col(integer(TimeBankRules::PointsPerHour))
                .col(big_integer(TimeBankRules::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(TimeBankRules::Table)
                .columns([
                    TimeBankRules::Id,
                    TimeBankRules::PointsPerHour,
                    TimeBankRules::Version,
                ])
                .values_panic([1.into(), 10.into(), 1.into()])
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            TimeBankRules::Table.into_iden(),
            TimeBankLedger::Table.into_iden(),
            VolunteerActivities::Table.into_iden(),
            Volunteers::Table.into_iden(),
            VolunteerTeams::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
