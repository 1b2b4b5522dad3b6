//! 督办 (directives) with their history, and the approvals ledger of case requests
//! (回退/作废/延期/缓办) — issue 19. A case remembers the kind of the request waiting on it
//! (`cases.pending_request`), so the lifecycle's rules can see it without a query; a
//! notification may be about a directive.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// At most one request waits on a case at a time.
pub const ONE_PENDING_REQUEST: &str = "uq_case_requests_one_pending";

#[derive(DeriveIden)]
enum Directives {
    Table,
    Id,
    CaseId,
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
enum DirectiveEvents {
    Table,
    Id,
    DirectiveId,
    At,
    ActorId,
    ActorName,
    Step,
    ToState,
    Note,
}

#[derive(DeriveIden)]
enum CaseRequests {
    Table,
    Id,
    CaseId,
    Kind,
    State,
    Reason,
    FromStage,
    OldDeadline,
    NewDeadline,
    RequestedBy,
    RequestedByName,
    RequestedAt,
    DecidedBy,
    DecidedByName,
    DecidedAt,
    DecisionNote,
    Version,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    PendingRequest,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    DirectiveId,
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
                .table(Directives::Table)
                .col(pk_auto(Directives::Id).big_integer())
                .col(big_integer(Directives::CaseId))
                .col(text(Directives::Instruction))
                .col(timestamp_with_time_zone(Directives::DeadlineAt))
                .col(big_integer(Directives::AddresseeId))
                .col(string(Directives::AddresseeName))
                .col(big_integer(Directives::IssuerId))
                .col(string(Directives::IssuerName))
                .col(string_len(Directives::State, 16))
                .col(timestamp_with_time_zone_null(Directives::ReportedAt))
                .col(timestamp_with_time_zone(Directives::CreatedAt))
                .col(timestamp_with_time_zone(Directives::UpdatedAt))
                .col(big_integer(Directives::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_directives_case")
                        .from(Directives::Table, Directives::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_directives_addressee")
                        .from(Directives::Table, Directives::AddresseeId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_directives_issuer")
                        .from(Directives::Table, Directives::IssuerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_directives_case", Directives::CaseId),
            ("ix_directives_addressee", Directives::AddresseeId),
            ("ix_directives_deadline", Directives::DeadlineAt),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Directives::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(DirectiveEvents::Table)
                .col(pk_auto(DirectiveEvents::Id).big_integer())
                .col(big_integer(DirectiveEvents::DirectiveId))
                .col(timestamp_with_time_zone(DirectiveEvents::At))
                .col(big_integer_null(DirectiveEvents::ActorId))
                .col(string(DirectiveEvents::ActorName))
                .col(string_len_null(DirectiveEvents::Step, 16))
                .col(string_len(DirectiveEvents::ToState, 16))
                .col(text_null(DirectiveEvents::Note))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_directive_events_directive")
                        .from(DirectiveEvents::Table, DirectiveEvents::DirectiveId)
                        .to(Directives::Table, Directives::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_directive_events_directive")
                .table(DirectiveEvents::Table)
                .col(DirectiveEvents::DirectiveId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseRequests::Table)
                .col(pk_auto(CaseRequests::Id).big_integer())
                .col(big_integer(CaseRequests::CaseId))
                .col(string_len(CaseRequests::Kind, 16))
                .col(string_len(CaseRequests::State, 16))
                .col(text(CaseRequests::Reason))
                .col(string_len(CaseRequests::FromStage, 24))
                .col(timestamp_with_time_zone_null(CaseRequests::OldDeadline))
                .col(timestamp_with_time_zone_null(CaseRequests::NewDeadline))
                .col(big_integer_null(CaseRequests::RequestedBy))
                .col(string(CaseRequests::RequestedByName))
                .col(timestamp_with_time_zone(CaseRequests::RequestedAt))
                .col(big_integer_null(CaseRequests::DecidedBy))
                .col(string_null(CaseRequests::DecidedByName))
                .col(timestamp_with_time_zone_null(CaseRequests::DecidedAt))
                .col(text_null(CaseRequests::DecisionNote))
                .col(big_integer(CaseRequests::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_requests_case")
                        .from(CaseRequests::Table, CaseRequests::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_case_requests_case", CaseRequests::CaseId),
            ("ix_case_requests_requested_at", CaseRequests::RequestedAt),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CaseRequests::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX {ONE_PENDING_REQUEST} \
                 ON case_requests (case_id) WHERE state = 'pending'"
            ))
            .await?;
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(string_len_null(Cases::PendingRequest, 16))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(big_integer_null(Notifications::DirectiveId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::DirectiveId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::PendingRequest)
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(&format!("DROP INDEX {ONE_PENDING_REQUEST}"))
            .await?;
        for t in [
            CaseRequests::Table.into_iden(),
            DirectiveEvents::Table.into_iden(),
            Directives::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
