//! Grid deliberation (网格议事): verified resident accounts, agenda items with their history,
//! supports, comments, ballots and votes, deliberation days with agenda, minutes and attendance.

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
enum Residents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
}

/// A user account verified as one registered resident: who may support and vote.
#[derive(DeriveIden)]
enum ResidentAccounts {
    Table,
    UserId,
    ResidentId,
    VerifiedBy,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum CouncilSettings {
    Table,
    Id,
    SupportThreshold,
    SmallMatterDays,
    Version,
}

#[derive(DeriveIden)]
enum CouncilItems {
    Table,
    Id,
    ScopePlaceId,
    GridId,
    Title,
    Description,
    CategoryId,
    Lon,
    Lat,
    Tier,
    Stage,
    SupportCount,
    RaisedBy,
    RaisedByName,
    MeetingId,
    Due,
    DecisionText,
    PartyId,
    DecisionCategoryId,
    DecisionDeadline,
    DecidedAt,
    CaseId,
    Reason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CouncilSupports {
    Table,
    ItemId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilComments {
    Table,
    Id,
    ItemId,
    AuthorId,
    AuthorName,
    Body,
    Hidden,
    HiddenReason,
    HiddenBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilEvents {
    Table,
    Id,
    ItemId,
    At,
    ActorId,
    ActorName,
    Action,
    FromStage,
    ToStage,
    Note,
    MeetingId,
}

#[derive(DeriveIden)]
enum CouncilBallots {
    Table,
    Id,
    ItemId,
    Question,
    Kind,
    Rules,
    OpensAt,
    ClosesAt,
    Frozen,
    Eligible,
    Turnout,
    Counts,
    CreatedBy,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilVotes {
    Table,
    Id,
    BallotId,
    VoterKey,
    ResidentId,
    HouseholdId,
    UserId,
    RecordedBy,
    Answer,
    UpdatedAt,
}

/// Counters per answer key. Anonymous ballots are counted only here, so no row ties a
/// voter to a choice.
#[derive(DeriveIden)]
enum CouncilTallies {
    Table,
    BallotId,
    Key,
    Count,
}

#[derive(DeriveIden)]
enum CouncilMeetings {
    Table,
    Id,
    ScopePlaceId,
    GridId,
    Kind,
    Title,
    Venue,
    StartsAt,
    CreatedBy,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CouncilAgenda {
    Table,
    MeetingId,
    ItemId,
    Position,
    Minutes,
}

#[derive(DeriveIden)]
enum CouncilAttendees {
    Table,
    Id,
    MeetingId,
    Position,
    Kind,
    Name,
    ResidentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ResidentAccounts::Table)
                .col(big_integer(ResidentAccounts::UserId).primary_key())
                .col(big_integer_uniq(ResidentAccounts::ResidentId))
                .col(big_integer_null(ResidentAccounts::VerifiedBy))
                .col(timestamp_with_time_zone(ResidentAccounts::VerifiedAt))
                .foreign_key(&mut fk(
                    "fk_resident_accounts_user",
                    (ResidentAccounts::Table, ResidentAccounts::UserId),
                    (Users::Table, Users::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_resident_accounts_resident",
                    (ResidentAccounts::Table, ResidentAccounts::ResidentId),
                    (Residents::Table, Residents::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilSettings::Table)
                .col(big_integer(CouncilSettings::Id).primary_key())
                .col(integer(CouncilSettings::SupportThreshold))
                .col(integer(CouncilSettings::SmallMatterDays))
                .col(big_integer(CouncilSettings::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(CouncilSettings::Table)
                .columns([
                    CouncilSettings::Id,
                    CouncilSettings::SupportThreshold,
                    CouncilSettings::SmallMatterDays,
                    CouncilSettings::Version,
                ])
                .values_panic([1.into(), 10.into(), 7.into(), 1.into()])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilMeetings::Table)
                .col(pk_auto(CouncilMeetings::Id).big_integer())
                .col(big_integer(CouncilMeetings::ScopePlaceId))
                .col(big_integer_null(CouncilMeetings::GridId))
                .col(string_len(CouncilMeetings::Kind, 16))
                .col(string_len(CouncilMeetings::Title, 200))
                .col(string_len(CouncilMeetings::Venue, 200))
                .col(timestamp_with_time_zone(CouncilMeetings::StartsAt))
                .col(big_integer_null(CouncilMeetings::CreatedBy))
                .col(big_integer(CouncilMeetings::Version).default(1))
                .col(timestamp_with_time_zone(CouncilMeetings::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_council_meetings_scope",
                    (CouncilMeetings::Table, CouncilMeetings::ScopePlaceId),
                    (Places::Table, Places::Id),
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_meetings_scope_time")
                .table(CouncilMeetings::Table)
                .col(CouncilMeetings::ScopePlaceId)
                .col(CouncilMeetings::StartsAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilItems::Table)
                .col(pk_auto(CouncilItems::Id).big_integer())
                .col(big_integer(CouncilItems::ScopePlaceId))
                .col(big_integer_null(CouncilItems::GridId))
                .col(string_len(CouncilItems::Title, 400))
                .col(text(CouncilItems::Description))
                .col(big_integer_null(CouncilItems::CategoryId))
                .col(double_null(CouncilItems::Lon))
                .col(double_null(CouncilItems::Lat))
                .col(string_len_null(CouncilItems::Tier, 16))
                .col(string_len(CouncilItems::Stage, 16))
                .col(big_integer(CouncilItems::SupportCount).default(0))
                .col(big_integer_null(CouncilItems::RaisedBy))
                .col(string_len(CouncilItems::RaisedByName, 64))
                .col(big_integer_null(CouncilItems::MeetingId))
                .col(date_null(CouncilItems::Due))
                .col(text_null(CouncilItems::DecisionText))
                .col(big_integer_null(CouncilItems::PartyId))
                .col(big_integer_null(CouncilItems::DecisionCategoryId))
                .col(date_null(CouncilItems::DecisionDeadline))
                .col(timestamp_with_time_zone_null(CouncilItems::DecidedAt))
                .col(big_integer_null(CouncilItems::CaseId))
                .col(text_null(CouncilItems::Reason))
                .col(big_integer(CouncilItems::Version).default(1))
                .col(timestamp_with_time_zone(CouncilItems::CreatedAt))
                .col(timestamp_with_time_zone(CouncilItems::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_council_items_scope",
                    (CouncilItems::Table, CouncilItems::ScopePlaceId),
                    (Places::Table, Places::Id),
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_council_items_meeting",
                    (CouncilItems::Table, CouncilItems::MeetingId),
                    (CouncilMeetings::Table, CouncilMeetings::Id),
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_items_stage")
                .table(CouncilItems::Table)
                .col(CouncilItems::Stage)
                .col(CouncilItems::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_items_scope")
                .table(CouncilItems::Table)
                .col(CouncilItems::ScopePlaceId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_items_case")
                .table(CouncilItems::Table)
                .col(CouncilItems::CaseId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilSupports::Table)
                .col(big_integer(CouncilSupports::ItemId))
                .col(big_integer(CouncilSupports::UserId))
                .col(timestamp_with_time_zone(CouncilSupports::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CouncilSupports::ItemId)
                        .col(CouncilSupports::UserId),
                )
                .foreign_key(&mut fk(
                    "fk_council_supports_item",
                    (CouncilSupports::Table, CouncilSupports::ItemId),
                    (CouncilItems::Table, CouncilItems::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_council_supports_user",
                    (CouncilSupports::Table, CouncilSupports::UserId),
                    (Users::Table, Users::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilComments::Table)
                .col(pk_auto(CouncilComments::Id).big_integer())
                .col(big_integer(CouncilComments::ItemId))
                .col(big_integer_null(CouncilComments::AuthorId))
                .col(string_len(CouncilComments::AuthorName, 64))
                .col(text(CouncilComments::Body))
                .col(boolean(CouncilComments::Hidden).default(false))
                .col(text_null(CouncilComments::HiddenReason))
                .col(big_integer_null(CouncilComments::HiddenBy))
                .col(timestamp_with_time_zone(CouncilComments::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_council_comments_item",
                    (CouncilComments::Table, CouncilComments::ItemId),
                    (CouncilItems::Table, CouncilItems::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_comments_item")
                .table(CouncilComments::Table)
                .col(CouncilComments::ItemId)
                .col(CouncilComments::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilEvents::Table)
                .col(pk_auto(CouncilEvents::Id).big_integer())
                .col(big_integer(CouncilEvents::ItemId))
                .col(timestamp_with_time_zone(CouncilEvents::At))
                .col(big_integer_null(CouncilEvents::ActorId))
                .col(string_len(CouncilEvents::ActorName, 64))
                .col(string_len(CouncilEvents::Action, 32))
                .col(string_len_null(CouncilEvents::FromStage, 16))
                .col(string_len_null(CouncilEvents::ToStage, 16))
                .col(text_null(CouncilEvents::Note))
                .col(big_integer_null(CouncilEvents::MeetingId))
                .foreign_key(&mut fk(
                    "fk_council_events_item",
                    (CouncilEvents::Table, CouncilEvents::ItemId),
                    (CouncilItems::Table, CouncilItems::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_events_item")
                .table(CouncilEvents::Table)
                .col(CouncilEvents::ItemId)
                .col(CouncilEvents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilBallots::Table)
                .col(pk_auto(CouncilBallots::Id).big_integer())
                .col(big_integer(CouncilBallots::ItemId))
                .col(string_len(CouncilBallots::Question, 800))
                .col(text(CouncilBallots::Kind))
                .col(text(CouncilBallots::Rules))
                .col(timestamp_with_time_zone(CouncilBallots::OpensAt))
                .col(timestamp_with_time_zone(CouncilBallots::ClosesAt))
                .col(boolean(CouncilBallots::Frozen).default(false))
                .col(big_integer_null(CouncilBallots::Eligible))
                .col(big_integer_null(CouncilBallots::Turnout))
                .col(text_null(CouncilBallots::Counts))
                .col(big_integer_null(CouncilBallots::CreatedBy))
                .col(big_integer(CouncilBallots::Version).default(1))
                .col(timestamp_with_time_zone(CouncilBallots::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_council_ballots_item",
                    (CouncilBallots::Table, CouncilBallots::ItemId),
                    (CouncilItems::Table, CouncilItems::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_ballots_item")
                .table(CouncilBallots::Table)
                .col(CouncilBallots::ItemId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilVotes::Table)
                .col(pk_auto(CouncilVotes::Id).big_integer())
                .col(big_integer(CouncilVotes::BallotId))
                .col(string_len(CouncilVotes::VoterKey, 32))
                .col(big_integer(CouncilVotes::ResidentId))
                .col(big_integer_null(CouncilVotes::HouseholdId))
                .col(big_integer_null(CouncilVotes::UserId))
                .col(big_integer_null(CouncilVotes::RecordedBy))
                .col(string_len_null(CouncilVotes::Answer, 200))
                .col(timestamp_with_time_zone(CouncilVotes::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_council_votes_ballot",
                    (CouncilVotes::Table, CouncilVotes::BallotId),
                    (CouncilBallots::Table, CouncilBallots::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        // One person (or household) one vote, whatever the concurrency.
        m.create_index(
            Index::create()
                .name("uq_council_votes_voter")
                .table(CouncilVotes::Table)
                .col(CouncilVotes::BallotId)
                .col(CouncilVotes::VoterKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilTallies::Table)
                .col(big_integer(CouncilTallies::BallotId))
                .col(string_len(CouncilTallies::Key, 16))
                .col(big_integer(CouncilTallies::Count).default(0))
                .primary_key(
                    Index::create()
                        .col(CouncilTallies::BallotId)
                        .col(CouncilTallies::Key),
                )
                .foreign_key(&mut fk(
                    "fk_council_tallies_ballot",
                    (CouncilTallies::Table, CouncilTallies::BallotId),
                    (CouncilBallots::Table, CouncilBallots::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilAgenda::Table)
                .col(big_integer(CouncilAgenda::MeetingId))
                .col(big_integer(CouncilAgenda::ItemId))
                .col(integer(CouncilAgenda::Position))
                .col(text_null(CouncilAgenda::Minutes))
                .primary_key(
                    Index::create()
                        .col(CouncilAgenda::MeetingId)
                        .col(CouncilAgenda::ItemId),
                )
                .foreign_key(&mut fk(
                    "fk_council_agenda_meeting",
                    (CouncilAgenda::Table, CouncilAgenda::MeetingId),
                    (CouncilMeetings::Table, CouncilMeetings::Id),
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_council_agenda_item",
                    (CouncilAgenda::Table, CouncilAgenda::ItemId),
                    (CouncilItems::Table, CouncilItems::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_agenda_item")
                .table(CouncilAgenda::Table)
                .col(CouncilAgenda::ItemId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilAttendees::Table)
                .col(pk_auto(CouncilAttendees::Id).big_integer())
                .col(big_integer(CouncilAttendees::MeetingId))
                .col(integer(CouncilAttendees::Position))
                .col(string_len(CouncilAttendees::Kind, 24))
                .col(string_len(CouncilAttendees::Name, 64))
                .col(big_integer_null(CouncilAttendees::ResidentId))
                .foreign_key(&mut fk(
                    "fk_council_attendees_meeting",
                    (CouncilAttendees::Table, CouncilAttendees::MeetingId),
                    (CouncilMeetings::Table, CouncilMeetings::Id),
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_council_attendees_meeting")
                .table(CouncilAttendees::Table)
                .col(CouncilAttendees::MeetingId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CouncilAttendees::Table.into_iden(),
            CouncilAgenda::Table.into_iden(),
            CouncilTallies::Table.into_iden(),
            CouncilVotes::Table.into_iden(),
            CouncilBallots::Table.into_iden(),
            CouncilEvents::Table.into_iden(),
            CouncilComments::Table.into_iden(),
            CouncilSupports::Table.into_iden(),
            CouncilItems::Table.into_iden(),
            CouncilMeetings::Table.into_iden(),
            CouncilSettings::Table.into_iden(),
            ResidentAccounts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
