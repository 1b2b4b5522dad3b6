//! Care, continued: a pairing ends with a reason and a day; the time bank's rule whether
//! volunteers redeem their own points; and at most one active meal enrolment per resident,
//! guaranteed by the database (a partial unique index, on SQLite and PostgreSQL alike).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CarePairings {
    Table,
    EndedOn,
    EndReason,
}

#[derive(DeriveIden)]
enum TimeBankRules {
    Table,
    VolunteersRedeem,
}

/// The index's name is what the server recognises when an insert breaks it.
pub const ONE_ACTIVE_MEAL_ENROLMENT: &str = "uq_meal_enrolments_one_active";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(CarePairings::Table)
                .add_column(date_null(CarePairings::EndedOn))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CarePairings::Table)
                .add_column(string_len_null(CarePairings::EndReason, 2000))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(TimeBankRules::Table)
                .add_column(boolean(TimeBankRules::VolunteersRedeem).default(false))
                .to_owned(),
        )
        .await?;
        // The check-then-insert before this index could race: keep the newest active
        // enrolment of a resident enrolled twice, so the index can be made (and the server
        // starts) on a database that has such a pair.
        m.get_connection()
            .execute_unprepared(
                "UPDATE meal_enrolments SET active = false WHERE active AND id NOT IN \
                 (SELECT MAX(id) FROM meal_enrolments WHERE active GROUP BY resident_id)",
            )
            .await?;
        // `WHERE active` is the same partial-index syntax on both engines.
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX {ONE_ACTIVE_MEAL_ENROLMENT} \
                 ON meal_enrolments (resident_id) WHERE active"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(&format!("DROP INDEX {ONE_ACTIVE_MEAL_ENROLMENT}"))
            .await?;
        m.alter_table(
            Table::alter()
                .table(TimeBankRules::Table)
                .drop_column(TimeBankRules::VolunteersRedeem)
                .to_owned(),
        )
        .await?;
        for c in [CarePairings::EndReason, CarePairings::EndedOn] {
            m.alter_table(
                Table::alter()
                    .table(CarePairings::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
