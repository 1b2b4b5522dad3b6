//! People's mediation: files, parties (contacts are sensitive), mediators, records (site checks,
//! follow-ups, police notices, invitations), sessions with per-party entries (confidential),
//! agreement terms, and the file's history.

use crate::foreign_keys::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MediationFiles {
    Table,
    Id,
    Number,
    Title,
    Description,
    DisputeType,
    Origin,
    SourceCaseId,
    PlaceId,
    GridId,
    Stage,
    Risk,
    ChosenByParties,
    Deadline,
    AcceptedAt,
    AgreementFacts,
    AgreementOral,
    AgreementEffectiveAt,
    OutcomeNote,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MediationParties {
    Table,
    Id,
    FileId,
    Position,
    Side,
    Name,
    Phone,
    Representative,
    UserId,
    Consent,
    ConsentNote,
    ConsentAt,
    NotifiedAt,
    ConfirmedBy,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum MediationMediators {
    Table,
    FileId,
    UserId,
}

#[derive(DeriveIden)]
enum MediationRecords {
    Table,
    Id,
    FileId,
    Kind,
    Text,
    AuthorId,
    AuthorName,
    At,
}

#[derive(DeriveIden)]
enum MediationSessions {
    Table,
    Id,
    FileId,
    Mode,
    PartyId,
    HeldAt,
    Venue,
    StrategyNote,
    MediatorId,
    MediatorName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MediationEntries {
    Table,
    Id,
    SessionId,
    FileId,
    PartyId,
    Statement,
    Position,
    Interests,
    Proposal,
    Shareable,
}

#[derive(DeriveIden)]
enum MediationTerms {
    Table,
    Id,
    FileId,
    Position,
    Text,
    Due,
    PerformedAt,
    Proof,
}

#[derive(DeriveIden)]
enum MediationEvents {
    Table,
    Id,
    FileId,
    At,
    ActorId,
    ActorName,
    Action,
    FromStage,
    ToStage,
    Note,
}

fn by_file(name: &str, table: impl IntoIden, col: impl IntoIden) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MediationFiles as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(pk_auto(F::Id).big_integer())
                .col(string_len_uniq(F::Number, 24))
                .col(string_len(F::Title, 400))
                .col(text(F::Description))
                .col(string_len(F::DisputeType, 16))
                .col(string_len(F::Origin, 16))
                .col(big_integer_null(F::SourceCaseId))
                .col(big_integer(F::PlaceId))
                .col(big_integer_null(F::GridId))
                .col(string_len(F::Stage, 16))
                .col(boolean(F::Risk).default(false))
                .col(boolean(F::ChosenByParties).default(false))
                .col(date_null(F::Deadline))
                .col(timestamp_with_time_zone_null(F::AcceptedAt))
                .col(text_null(F::AgreementFacts))
                .col(boolean(F::AgreementOral).default(false))
                .col(timestamp_with_time_zone_null(F::AgreementEffectiveAt))
                .col(text_null(F::OutcomeNote))
                .col(big_integer_null(F::CreatedBy))
                .col(big_integer(F::Version).default(1))
                .col(timestamp_with_time_zone(F::CreatedAt))
                .col(timestamp_with_time_zone(F::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_mediation_files_place",
                    (F::Table, F::PlaceId),
                    (Places::Table, Places::Id),
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_files_stage", F::Table, F::Stage))
            .await?;
        m.create_index(by_file("ix_mediation_files_grid", F::Table, F::GridId))
            .await?;

        use MediationParties as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(pk_auto(P::Id).big_integer())
                .col(big_integer(P::FileId))
                .col(integer(P::Position))
                .col(string_len(P::Side, 16))
                .col(string_len(P::Name, 64))
                .col(string_len_null(P::Phone, 32))
                .col(string_len_null(P::Representative, 64))
                .col(big_integer_null(P::UserId))
                .col(boolean_null(P::Consent))
                .col(text_null(P::ConsentNote))
                .col(timestamp_with_time_zone_null(P::ConsentAt))
                .col(timestamp_with_time_zone_null(P::NotifiedAt))
                .col(string_len_null(P::ConfirmedBy, 16))
                .col(timestamp_with_time_zone_null(P::ConfirmedAt))
                .foreign_key(&mut fk(
                    "fk_mediation_parties_file",
                    (P::Table, P::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_mediation_parties_user",
                    (P::Table, P::UserId),
                    (Users::Table, Users::Id),
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_parties_file", P::Table, P::FileId))
            .await?;
        m.create_index(by_file("ix_mediation_parties_user", P::Table, P::UserId))
            .await?;

        use MediationMediators as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(big_integer(M::FileId))
                .col(big_integer(M::UserId))
                .primary_key(Index::create().col(M::FileId).col(M::UserId))
                .foreign_key(&mut fk(
                    "fk_mediation_mediators_file",
                    (M::Table, M::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_mediation_mediators_user",
                    (M::Table, M::UserId),
                    (Users::Table, Users::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_mediators_user", M::Table, M::UserId))
            .await?;

        use MediationRecords as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(pk_auto(R::Id).big_integer())
                .col(big_integer(R::FileId))
                .col(string_len(R::Kind, 16))
                .col(text(R::Text))
                .col(big_integer_null(R::AuthorId))
                .col(string_len(R::AuthorName, 64))
                .col(timestamp_with_time_zone(R::At))
                .foreign_key(&mut fk(
                    "fk_mediation_records_file",
                    (R::Table, R::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_records_file", R::Table, R::FileId))
            .await?;

        use MediationSessions as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(pk_auto(S::Id).big_integer())
                .col(big_integer(S::FileId))
                .col(string_len(S::Mode, 16))
                .col(big_integer_null(S::PartyId))
                .col(timestamp_with_time_zone(S::HeldAt))
                .col(string_len(S::Venue, 400))
                .col(text(S::StrategyNote))
                .col(big_integer_null(S::MediatorId))
                .col(string_len(S::MediatorName, 64))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_mediation_sessions_file",
                    (S::Table, S::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_sessions_file", S::Table, S::FileId))
            .await?;

        use MediationEntries as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(pk_auto(E::Id).big_integer())
                .col(big_integer(E::SessionId))
                .col(big_integer(E::FileId))
                .col(big_integer(E::PartyId))
                .col(text(E::Statement))
                .col(text(E::Position))
                .col(text(E::Interests))
                .col(text(E::Proposal))
                .col(boolean(E::Shareable).default(false))
                .foreign_key(&mut fk(
                    "fk_mediation_entries_session",
                    (E::Table, E::SessionId),
                    (S::Table, S::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_mediation_entries_party",
                    (E::Table, E::PartyId),
                    (P::Table, P::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_entries_file", E::Table, E::FileId))
            .await?;

        use MediationTerms as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(pk_auto(T::Id).big_integer())
                .col(big_integer(T::FileId))
                .col(integer(T::Position))
                .col(text(T::Text))
                .col(date(T::Due))
                .col(timestamp_with_time_zone_null(T::PerformedAt))
                .col(text_null(T::Proof))
                .foreign_key(&mut fk(
                    "fk_mediation_terms_file",
                    (T::Table, T::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_terms_file", T::Table, T::FileId))
            .await?;

        use MediationEvents as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(pk_auto(V::Id).big_integer())
                .col(big_integer(V::FileId))
                .col(timestamp_with_time_zone(V::At))
                .col(big_integer_null(V::ActorId))
                .col(string_len(V::ActorName, 64))
                .col(string_len(V::Action, 32))
                .col(string_len_null(V::FromStage, 16))
                .col(string_len_null(V::ToStage, 16))
                .col(text_null(V::Note))
                .foreign_key(&mut fk(
                    "fk_mediation_events_file",
                    (V::Table, V::FileId),
                    (F::Table, F::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(by_file("ix_mediation_events_file", V::Table, V::FileId))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MediationEvents::Table.into_iden(),
            MediationTerms::Table.into_iden(),
            MediationEntries::Table.into_iden(),
            MediationSessions::Table.into_iden(),
            MediationRecords::Table.into_iden(),
            MediationMediators::Table.into_iden(),
            MediationParties::Table.into_iden(),
            MediationFiles::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
