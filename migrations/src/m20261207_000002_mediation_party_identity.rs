//! A people's mediation agreement (人民调解协议书) names each party by identity number and
//! address: the parties of a mediation file keep both (the number is sensitive: shown masked,
//! printed in full only on the agreement).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediationParties {
    Table,
    IdNumber,
    Address,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for mut c in [
            string_len_null(MediationParties::IdNumber, 32),
            string_len_null(MediationParties::Address, 200),
        ] {
            m.alter_table(
                Table::alter()
                    .table(MediationParties::Table)
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [MediationParties::IdNumber, MediationParties::Address] {
            m.alter_table(
                Table::alter()
                    .table(MediationParties::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
