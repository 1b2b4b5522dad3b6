//! Special-group tags are sensitive personal information: each tag keeps the purpose of the
//! processing stated when it was set (PIPL Art. 28), with who set it and when. Tags set
//! before this migration (seed data, imports) have none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResidentGroups {
    Table,
    Purpose,
    PurposeNote,
    SetBy,
    SetByName,
    SetAt,
}

fn columns() -> Vec<ColumnDef> {
    vec![
        string_len_null(ResidentGroups::Purpose, 32),
        string_len_null(ResidentGroups::PurposeNote, 200),
        big_integer_null(ResidentGroups::SetBy),
        string_len_null(ResidentGroups::SetByName, 64),
        timestamp_with_time_zone_null(ResidentGroups::SetAt),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for mut c in columns() {
            m.alter_table(
                Table::alter()
                    .table(ResidentGroups::Table)
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [
            ResidentGroups::Purpose,
            ResidentGroups::PurposeNote,
            ResidentGroups::SetBy,
            ResidentGroups::SetByName,
            ResidentGroups::SetAt,
        ] {
            m.alter_table(
                Table::alter()
                    .table(ResidentGroups::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
