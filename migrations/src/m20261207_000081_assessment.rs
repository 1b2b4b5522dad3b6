//! Assessment (考核, issue 16): the weights, targets and floors the admins set per subject and
//! indicator (rules not stored take the defaults in `shared::assessment`), and one row holding
//! the version every change of the set is made against.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AssessmentRuleSet {
    Table,
    Id,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AssessmentRules {
    Table,
    Subject,
    Indicator,
    Weight,
    Target,
    Floor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AssessmentRuleSet::Table)
                .col(big_integer(AssessmentRuleSet::Id).primary_key())
                .col(big_integer(AssessmentRuleSet::Version))
                .col(timestamp_with_time_zone_null(AssessmentRuleSet::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AssessmentRuleSet::Table)
                .columns([AssessmentRuleSet::Id, AssessmentRuleSet::Version])
                .values_panic([1.into(), 1.into()])
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssessmentRules::Table)
                .col(string_len(AssessmentRules::Subject, 32))
                .col(string_len(AssessmentRules::Indicator, 64))
                .col(integer(AssessmentRules::Weight))
                .col(double(AssessmentRules::Target))
                .col(double(AssessmentRules::Floor))
                .primary_key(
                    Index::create()
                        .col(AssessmentRules::Subject)
                        .col(AssessmentRules::Indicator),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AssessmentRules::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AssessmentRuleSet::Table).to_owned())
            .await
    }
}
