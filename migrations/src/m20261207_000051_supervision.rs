//! Supervision (issue 19): the warning and escalation rules per category, each case's plan
//! (the deadline and rules its jobs were computed from, and the mark it has earned), the
//! scheduler's jobs (claimed by one process at a time, done exactly once), and the channels a
//! user wants notifications on besides the app (email, SMS) with an unsubscribe token.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionRules {
    Table,
    Id,
    /// None: the default for every category without a rule of its own.
    CategoryId,
    WarnPercentLeft,
    /// JSON: `[{"level": "assignee", "delay_hours": 0}, …]`.
    Steps,
    /// The rules' version (the same on every row: they are saved as a whole).
    Version,
}

#[derive(DeriveIden)]
enum SupervisionPlans {
    Table,
    CaseId,
    /// The deadline the jobs were planned for; none when the case's clock is not running.
    DeadlineAt,
    /// A fingerprint of the rules' version and the office calendar the jobs were planned on:
    /// either changing plans the open cases again.
    Basis,
    /// The warning for this deadline went out.
    Warned,
    /// The highest escalation level reached for this deadline.
    EscalatedTo,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SupervisionJobs {
    Table,
    Id,
    /// Unique per thing to do (`case:12:<deadline>:supervision_warning`): planning twice, in
    /// two processes or after a restart, makes one job.
    JobKey,
    /// `case_alert`, `email`, `sms`, `digest`.
    Kind,
    CaseId,
    UserId,
    /// The alert (for `case_alert`) or what to send (JSON, for deliveries).
    Payload,
    DueAt,
    /// A process holds the job until then; after that another may take it over.
    ClaimedUntil,
    ClaimedBy,
    DoneAt,
    /// `sent`, `skipped: …`, `failed: …`.
    Outcome,
    Attempts,
}

#[derive(DeriveIden)]
enum UserPreferences {
    Table,
    NotifyEmail,
    NotifyPhone,
    EmailOn,
    SmsOn,
    DigestOn,
    UnsubscribeToken,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SupervisionRules::Table)
                .col(big_pk_auto(SupervisionRules::Id))
                .col(big_integer_null(SupervisionRules::CategoryId))
                .col(integer(SupervisionRules::WarnPercentLeft))
                .col(text(SupervisionRules::Steps))
                .col(big_integer(SupervisionRules::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_supervision_rules_category")
                .table(SupervisionRules::Table)
                .col(SupervisionRules::CategoryId)
                .unique()
                .to_owned(),
        )
        .await?;
        let default_rule = Query::insert()
            .into_table(SupervisionRules::Table)
            .columns([
                SupervisionRules::WarnPercentLeft,
                SupervisionRules::Steps,
                SupervisionRules::Version,
            ])
            .values_panic([
                25.into(),
                r#"[{"level":"assignee","delay_hours":0},{"level":"grid_leader","delay_hours":4},{"level":"secretary","delay_hours":8},{"level":"street","delay_hours":16}]"#.into(),
                1.into(),
            ])
            .to_owned();
        m.exec_stmt(default_rule).await?;
        m.create_table(
            Table::create()
                .table(SupervisionPlans::Table)
                .col(big_integer(SupervisionPlans::CaseId).primary_key())
                .col(timestamp_with_time_zone_null(SupervisionPlans::DeadlineAt))
                .col(big_integer(SupervisionPlans::Basis))
                .col(boolean(SupervisionPlans::Warned).default(false))
                .col(string_len_null(SupervisionPlans::EscalatedTo, 24))
                .col(timestamp_with_time_zone(SupervisionPlans::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_supervision_plans_case")
                        .from(SupervisionPlans::Table, SupervisionPlans::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SupervisionJobs::Table)
                .col(big_pk_auto(SupervisionJobs::Id))
                .col(string_len(SupervisionJobs::JobKey, 160).unique_key())
                .col(string_len(SupervisionJobs::Kind, 24))
                .col(big_integer_null(SupervisionJobs::CaseId))
                .col(big_integer_null(SupervisionJobs::UserId))
                .col(text_null(SupervisionJobs::Payload))
                .col(timestamp_with_time_zone(SupervisionJobs::DueAt))
                .col(timestamp_with_time_zone_null(SupervisionJobs::ClaimedUntil))
                .col(string_len_null(SupervisionJobs::ClaimedBy, 40))
                .col(timestamp_with_time_zone_null(SupervisionJobs::DoneAt))
                .col(string_len_null(SupervisionJobs::Outcome, 200))
                .col(integer(SupervisionJobs::Attempts).default(0))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_supervision_jobs_case")
                        .from(SupervisionJobs::Table, SupervisionJobs::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The pass looks for jobs not done whose time has come.
        m.create_index(
            Index::create()
                .name("ix_supervision_jobs_due")
                .table(SupervisionJobs::Table)
                .col(SupervisionJobs::DoneAt)
                .col(SupervisionJobs::DueAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_supervision_jobs_case")
                .table(SupervisionJobs::Table)
                .col(SupervisionJobs::CaseId)
                .to_owned(),
        )
        .await?;
        for col in [
            ColumnDef::new(UserPreferences::NotifyEmail)
                .string_len(254)
                .null()
                .to_owned(),
            ColumnDef::new(UserPreferences::NotifyPhone)
                .string_len(20)
                .null()
                .to_owned(),
            ColumnDef::new(UserPreferences::EmailOn)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(UserPreferences::SmsOn)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(UserPreferences::DigestOn)
                .boolean()
                .not_null()
                .default(true)
                .to_owned(),
            ColumnDef::new(UserPreferences::UnsubscribeToken)
                .string_len(64)
                .null()
                .to_owned(),
        ] {
            // One column per statement: SQLite adds one at a time.
            m.alter_table(
                Table::alter()
                    .table(UserPreferences::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            UserPreferences::NotifyEmail,
            UserPreferences::NotifyPhone,
            UserPreferences::EmailOn,
            UserPreferences::SmsOn,
            UserPreferences::DigestOn,
            UserPreferences::UnsubscribeToken,
        ] {
            m.alter_table(
                Table::alter()
                    .table(UserPreferences::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(SupervisionJobs::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(SupervisionPlans::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(SupervisionRules::Table).to_owned())
            .await
    }
}
