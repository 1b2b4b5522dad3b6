//! The secretary's mailbox (书记信箱) and meal delivery (幸福餐桌): enrolments, menus, orders.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Residents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailboxLetters {
    Table,
    Id,
    WriterId,
    WriterName,
    Subject,
    Body,
    Private,
    Status,
    Answer,
    AnsweredBy,
    AnsweredAt,
    CaseId,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MealEnrolments {
    Table,
    Id,
    ResidentId,
    GridId,
    Mode,
    DelivererUserId,
    Notes,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MealMenus {
    Table,
    Day,
    Dishes,
}

#[derive(DeriveIden)]
enum MealOrders {
    Table,
    Id,
    Day,
    EnrolmentId,
    ResidentId,
    GridId,
    Mode,
    DelivererUserId,
    Status,
    DeliveredAt,
    DeliveredBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MailboxLetters as L;
        m.create_table(
            Table::create()
                .table(L::Table)
                .col(pk_auto(L::Id).big_integer())
                .col(big_integer_null(L::WriterId))
                .col(string_len(L::WriterName, 64))
                .col(string_len(L::Subject, 400))
                .col(text(L::Body))
                .col(boolean(L::Private).default(false))
                .col(string_len(L::Status, 24))
                .col(text_null(L::Answer))
                .col(string_len_null(L::AnsweredBy, 64))
                .col(timestamp_with_time_zone_null(L::AnsweredAt))
                .col(big_integer_null(L::CaseId))
                .col(big_integer(L::Version).default(1))
                .col(timestamp_with_time_zone(L::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mailbox_letters_writer")
                .table(L::Table)
                .col(L::WriterId)
                .to_owned(),
        )
        .await?;

        use MealEnrolments as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(pk_auto(E::Id).big_integer())
                .col(big_integer(E::ResidentId))
                .col(big_integer(E::GridId))
                .col(string_len(E::Mode, 16))
                .col(big_integer_null(E::DelivererUserId))
                .col(text(E::Notes))
                .col(boolean(E::Active).default(true))
                .col(timestamp_with_time_zone(E::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_meal_enrolments_resident")
                        .from(E::Table, E::ResidentId)
                        .to(Residents::Table, Residents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_meal_enrolments_resident")
                .table(E::Table)
                .col(E::ResidentId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MealMenus::Table)
                .col(date(MealMenus::Day).primary_key())
                .col(text(MealMenus::Dishes))
                .to_owned(),
        )
        .await?;

        use MealOrders as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(pk_auto(O::Id).big_integer())
                .col(date(O::Day))
                .col(big_integer(O::EnrolmentId))
                .col(big_integer(O::ResidentId))
                .col(big_integer(O::GridId))
                .col(string_len(O::Mode, 16))
                .col(big_integer_null(O::DelivererUserId))
                .col(string_len(O::Status, 16))
                .col(timestamp_with_time_zone_null(O::DeliveredAt))
                .col(string_len_null(O::DeliveredBy, 64))
                .col(timestamp_with_time_zone(O::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_meal_orders_enrolment")
                        .from(O::Table, O::EnrolmentId)
                        .to(E::Table, E::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One meal per enrolled resident per day.
        m.create_index(
            Index::create()
                .name("uq_meal_orders_day_enrolment")
                .table(O::Table)
                .col(O::Day)
                .col(O::EnrolmentId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MealOrders::Table.into_iden(),
            MealMenus::Table.into_iden(),
            MealEnrolments::Table.into_iden(),
            MailboxLetters::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
