//! Accounts, sessions, login throttling, the place hierarchy, residents and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    PasswordHash,
    Disabled,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    UserId,
    Role,
}

#[derive(DeriveIden)]
enum UserGrids {
    Table,
    UserId,
    GridId,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    /// SHA-256 of the cookie token: a stolen database does not yield live sessions.
    IdHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    BlockedUntil,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
    Kind,
    ParentId,
    Code,
    Name,
    Address,
    Geometry,
    MinLon,
    MinLat,
    MaxLon,
    MaxLat,
    /// The grid this place lies in (itself for a grid); lets scope checks be one column.
    GridId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlaceLeaders {
    Table,
    Id,
    PlaceId,
    Position,
    Title,
    Name,
    UserId,
}

#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
    HouseholdId,
    GridId,
    Name,
    IdNumber,
    Phone,
    BirthYear,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ResidentGroups {
    Table,
    ResidentId,
    GroupName,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Action,
    Entity,
    EntityId,
    Detail,
    RequestId,
    Ip,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_auto(Users::Id).big_integer())
                .col(string_len_uniq(Users::Username, 32))
                .col(string_len(Users::DisplayName, 64))
                .col(string(Users::PasswordHash))
                .col(boolean(Users::Disabled).default(false))
                .col(big_integer(Users::Version).default(1))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserRoles::Table)
                .col(big_integer(UserRoles::UserId))
                .col(string_len(UserRoles::Role, 32))
                .primary_key(Index::create().col(UserRoles::UserId).col(UserRoles::Role))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_roles_user")
                        .from(UserRoles::Table, UserRoles::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Places::Table)
                .col(pk_auto(Places::Id).big_integer())
                .col(string_len(Places::Kind, 16))
                .col(big_integer_null(Places::ParentId))
                .col(string_len(Places::Code, 32))
                .col(string_len(Places::Name, 64))
                .col(string_len_null(Places::Address, 200))
                .col(text_null(Places::Geometry))
                .col(double_null(Places::MinLon))
                .col(double_null(Places::MinLat))
                .col(double_null(Places::MaxLon))
                .col(double_null(Places::MaxLat))
                .col(big_integer_null(Places::GridId))
                .col(big_integer(Places::Version).default(1))
                .col(timestamp_with_time_zone(Places::CreatedAt))
                .col(timestamp_with_time_zone(Places::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_places_parent")
                        .from(Places::Table, Places::ParentId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_places_kind_code")
                .table(Places::Table)
                .col(Places::Kind)
                .col(Places::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_places_parent")
                .table(Places::Table)
                .col(Places::ParentId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_places_grid")
                .table(Places::Table)
                .col(Places::GridId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_places_bbox")
                .table(Places::Table)
                .col(Places::MinLon)
                .col(Places::MinLat)
                .col(Places::MaxLon)
                .col(Places::MaxLat)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_places_name")
                .table(Places::Table)
                .col(Places::Name)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserGrids::Table)
                .col(big_integer(UserGrids::UserId))
                .col(big_integer(UserGrids::GridId))
                .primary_key(
                    Index::create()
                        .col(UserGrids::UserId)
                        .col(UserGrids::GridId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_grids_user")
                        .from(UserGrids::Table, UserGrids::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_grids_grid")
                        .from(UserGrids::Table, UserGrids::GridId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::IdHash, 64).primary_key())
                .col(big_integer(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 256))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 128).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStartedAt))
                .col(timestamp_with_time_zone_null(LoginThrottle::BlockedUntil))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlaceLeaders::Table)
                .col(pk_auto(PlaceLeaders::Id).big_integer())
                .col(big_integer(PlaceLeaders::PlaceId))
                .col(integer(PlaceLeaders::Position))
                .col(string_len(PlaceLeaders::Title, 32))
                .col(string_len(PlaceLeaders::Name, 64))
                .col(big_integer_null(PlaceLeaders::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_place_leaders_place")
                        .from(PlaceLeaders::Table, PlaceLeaders::PlaceId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_place_leaders_user")
                        .from(PlaceLeaders::Table, PlaceLeaders::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_place_leaders_place")
                .table(PlaceLeaders::Table)
                .col(PlaceLeaders::PlaceId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Residents::Table)
                .col(pk_auto(Residents::Id).big_integer())
                .col(big_integer(Residents::HouseholdId))
                .col(big_integer(Residents::GridId))
                .col(string_len(Residents::Name, 64))
                .col(string_len_null(Residents::IdNumber, 18))
                .col(string_len_null(Residents::Phone, 16))
                .col(integer_null(Residents::BirthYear))
                .col(big_integer(Residents::Version).default(1))
                .col(timestamp_with_time_zone(Residents::CreatedAt))
                .col(timestamp_with_time_zone(Residents::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_residents_household")
                        .from(Residents::Table, Residents::HouseholdId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_residents_grid")
                        .from(Residents::Table, Residents::GridId)
                        .to(Places::Table, Places::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_residents_id_number")
                .table(Residents::Table)
                .col(Residents::IdNumber)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_residents_household")
                .table(Residents::Table)
                .col(Residents::HouseholdId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_residents_grid_name")
                .table(Residents::Table)
                .col(Residents::GridId)
                .col(Residents::Name)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_residents_name")
                .table(Residents::Table)
                .col(Residents::Name)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ResidentGroups::Table)
                .col(big_integer(ResidentGroups::ResidentId))
                .col(string_len(ResidentGroups::GroupName, 32))
                .primary_key(
                    Index::create()
                        .col(ResidentGroups::ResidentId)
                        .col(ResidentGroups::GroupName),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_resident_groups_resident")
                        .from(ResidentGroups::Table, ResidentGroups::ResidentId)
                        .to(Residents::Table, Residents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(pk_auto(AuditLog::Id).big_integer())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorId))
                .col(string_len_null(AuditLog::ActorName, 64))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len_null(AuditLog::Entity, 32))
                .col(big_integer_null(AuditLog::EntityId))
                .col(text_null(AuditLog::Detail))
                .col(string_len_null(AuditLog::RequestId, 64))
                .col(string_len_null(AuditLog::Ip, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_at")
                .table(AuditLog::Table)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_entity")
                .table(AuditLog::Table)
                .col(AuditLog::Entity)
                .col(AuditLog::EntityId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            ResidentGroups::Table.into_iden(),
            Residents::Table.into_iden(),
            PlaceLeaders::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            Sessions::Table.into_iden(),
            UserGrids::Table.into_iden(),
            Places::Table.into_iden(),
            UserRoles::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
