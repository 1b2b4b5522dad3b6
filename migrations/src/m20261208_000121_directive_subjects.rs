//! A 督办 is on a subject — a case, a decided council item (its 落实) or a mediation
//! agreement's term (its 履行) — named by kind and id (`shared::directives::DirectiveSubject`).
//! `case_id` stays, filled for case subjects only (the case's deletion still takes its
//! directives with it); it becomes nullable. PostgreSQL alters the column; SQLite cannot, so
//! the table is rebuilt in one batch on one connection with foreign keys off (dropping the old
//! table must not cascade to `directive_events`), as SQLite's documentation prescribes.

use crate::foreign_keys::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Directives {
    Table,
    SubjectKind,
    SubjectId,
}

#[derive(DeriveIden)]
enum DirectivesNew {
    Table,
    Id,
    CaseId,
    SubjectKind,
    SubjectId,
    Instruction,
    DeadlineAt,
    AddresseeId,
    AddresseeName,
    IssuerId,
    IssuerName,
    State,
    ReportedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

const COLUMNS: &str = "id, case_id, instruction, deadline_at, addressee_id, addressee_name, \
    issuer_id, issuer_name, state, reported_at, created_at, updated_at, version";

const INDEXES: &str = "CREATE INDEX ix_directives_case ON directives (case_id);
    CREATE INDEX ix_directives_addressee ON directives (addressee_id);
    CREATE INDEX ix_directives_deadline ON directives (deadline_at);";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Sqlite {
            let create = m
                .get_database_backend()
                .build(
                    &Table::create()
                        .table(DirectivesNew::Table)
                        .col(pk_auto(DirectivesNew::Id).big_integer())
                        .col(big_integer_null(DirectivesNew::CaseId))
                        .col(string_len(DirectivesNew::SubjectKind, 16))
                        .col(big_integer(DirectivesNew::SubjectId))
                        .col(text(DirectivesNew::Instruction))
                        .col(timestamp_with_time_zone(DirectivesNew::DeadlineAt))
                        .col(big_integer(DirectivesNew::AddresseeId))
                        .col(string(DirectivesNew::AddresseeName))
                        .col(big_integer(DirectivesNew::IssuerId))
                        .col(string(DirectivesNew::IssuerName))
                        .col(string_len(DirectivesNew::State, 16))
                        .col(timestamp_with_time_zone_null(DirectivesNew::ReportedAt))
                        .col(timestamp_with_time_zone(DirectivesNew::CreatedAt))
                        .col(timestamp_with_time_zone(DirectivesNew::UpdatedAt))
                        .col(big_integer(DirectivesNew::Version))
                        .foreign_key(&mut fk(
                            "fk_directives_case",
                            (DirectivesNew::Table, DirectivesNew::CaseId),
                            (Cases::Table, Cases::Id),
                            true,
                        ))
                        .foreign_key(&mut fk(
                            "fk_directives_addressee",
                            (DirectivesNew::Table, DirectivesNew::AddresseeId),
                            (Users::Table, Users::Id),
                            false,
                        ))
                        .foreign_key(&mut fk(
                            "fk_directives_issuer",
                            (DirectivesNew::Table, DirectivesNew::IssuerId),
                            (Users::Table, Users::Id),
                            false,
                        ))
                        .to_owned(),
                )
                .sql;
            m.get_connection()
                .execute_unprepared(&format!(
                    "PRAGMA foreign_keys = OFF;
                    BEGIN IMMEDIATE;
                    {create};
                    INSERT INTO directives_new ({COLUMNS}, subject_kind, subject_id)
                        SELECT {COLUMNS}, 'case', case_id FROM directives;
                    DROP TABLE directives;
                    ALTER TABLE directives_new RENAME TO directives;
                    {INDEXES}
                    CREATE INDEX ix_directives_subject ON directives (subject_kind, subject_id);
                    COMMIT;
                    PRAGMA foreign_keys = ON;"
                ))
                .await?;
            return Ok(());
        }
        m.alter_table(
            Table::alter()
                .table(Directives::Table)
                .add_column(string_len(Directives::SubjectKind, 16).default("case"))
                .add_column(big_integer_null(Directives::SubjectId))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE directives SET subject_id = case_id;
                ALTER TABLE directives ALTER COLUMN subject_id SET NOT NULL;
                ALTER TABLE directives ALTER COLUMN subject_kind DROP DEFAULT;
                ALTER TABLE directives ALTER COLUMN case_id DROP NOT NULL;
                CREATE INDEX ix_directives_subject ON directives (subject_kind, subject_id);",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Directives on other subjects than cases have no way back.
        m.get_connection()
            .execute_unprepared("DELETE FROM directives WHERE case_id IS NULL")
            .await?;
        if m.get_database_backend() == DbBackend::Sqlite {
            m.get_connection()
                .execute_unprepared(
                    "DROP INDEX ix_directives_subject;
                    ALTER TABLE directives DROP COLUMN subject_kind;
                    ALTER TABLE directives DROP COLUMN subject_id;",
                )
                .await?;
            // case_id stays nullable on SQLite; every row has one.
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "DROP INDEX ix_directives_subject;
                ALTER TABLE directives DROP COLUMN subject_kind;
                ALTER TABLE directives DROP COLUMN subject_id;
                ALTER TABLE directives ALTER COLUMN case_id SET NOT NULL;",
            )
            .await?;
        Ok(())
    }
}
