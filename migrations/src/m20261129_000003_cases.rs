//! Cases: the configurable category tree, responsible parties, the SLA table, the working
//! calendar, cases and their append-only history. Default categories and time limits follow
//! GB/T 30428 (部件 / 事件) and CJ/T 315 time-limit tables; admins can change them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseCategories {
    Table,
    Id,
    ParentId,
    Code,
    Class,
    NameZh,
    NameEn,
    Position,
    Active,
    /// Shown through Open311 and other public channels. Errands and neighbour matters are
    /// about people and stay internal.
    Public,
}

#[derive(DeriveIden)]
enum ResponsibleParties {
    Table,
    Id,
    Code,
    NameZh,
    NameEn,
    Active,
}

#[derive(DeriveIden)]
enum SlaRules {
    Table,
    Id,
    CategoryId,
    Urgency,
    Unit,
    Amount,
}

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Day,
    Kind,
    Name,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    Title,
    Description,
    CategoryId,
    Urgency,
    Source,
    Stage,
    GridId,
    PlaceId,
    Lon,
    Lat,
    ReporterId,
    ReporterName,
    ReporterHidden,
    ResponsiblePartyId,
    AssigneeId,
    FeedbackBy,
    DeadlineAt,
    PostponeUntil,
    StageEnteredAt,
    RegisteredAt,
    ClosedAt,
    ReworkCount,
    RatingScore,
    RatingNote,
    BoardRank,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    At,
    ActorId,
    ActorName,
    Action,
    FromStage,
    ToStage,
    Note,
    Detail,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    CaseId,
    Action,
    Stage,
    ActorName,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum WipLimits {
    Table,
    Stage,
    Soft,
    Hard,
}

#[derive(DeriveIden)]
enum UserSettings {
    Table,
    UserId,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Places {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

/// (top code, class, 中文, English, [(leaf code, 中文, English, normal limit)]).
type Leaf = (
    &'static str,
    &'static str,
    &'static str,
    (&'static str, i32),
);
const TREE: &[(&str, &str, &str, &str, &[Leaf])] = &[
    (
        "C-PUB",
        "component",
        "公用设施",
        "Public facilities",
        &[
            (
                "C-PUB-01",
                "井盖破损或缺失",
                "Damaged or missing manhole cover",
                ("working_hours", 4),
            ),
            (
                "C-PUB-02",
                "路灯故障",
                "Street light out",
                ("working_days", 2),
            ),
            (
                "C-PUB-03",
                "消防设施损坏",
                "Damaged fire equipment",
                ("working_days", 1),
            ),
        ],
    ),
    (
        "C-ROAD",
        "component",
        "道路交通",
        "Roads and traffic",
        &[
            (
                "C-ROAD-01",
                "道路破损",
                "Damaged road or alley",
                ("working_days", 3),
            ),
            (
                "C-ROAD-02",
                "停车设施损坏",
                "Damaged parking facilities",
                ("working_days", 5),
            ),
        ],
    ),
    (
        "E-ENV",
        "event",
        "市容环境",
        "Street environment",
        &[
            (
                "E-ENV-01",
                "暴露垃圾",
                "Exposed rubbish",
                ("working_hours", 4),
            ),
            (
                "E-ENV-02",
                "道路积水",
                "Standing water",
                ("working_hours", 8),
            ),
        ],
    ),
    (
        "E-SAF",
        "event",
        "安全隐患",
        "Safety hazards",
        &[
            (
                "E-SAF-01",
                "飞线充电",
                "E-bikes charged on dangling cables",
                ("working_hours", 8),
            ),
            (
                "E-SAF-02",
                "无防护设施（井口、坑洞）",
                "Unguarded well or pit",
                ("working_hours", 4),
            ),
            (
                "E-SAF-03",
                "消防通道堵塞",
                "Blocked fire lane",
                ("working_hours", 8),
            ),
        ],
    ),
    (
        "E-NEI",
        "event",
        "邻里事务",
        "Neighbourhood matters",
        &[
            (
                "E-NEI-01",
                "噪音扰民",
                "Noise nuisance",
                ("working_days", 3),
            ),
            ("E-NEI-02", "漏水渗水", "Water leak", ("working_days", 3)),
        ],
    ),
    (
        "S-ERR",
        "service",
        "代理代办",
        "Errands",
        &[
            ("S-ERR-01", "代购药品", "Buy medicine", ("working_days", 1)),
            ("S-ERR-02", "代缴费用", "Pay bills", ("working_days", 3)),
        ],
    ),
    (
        "S-REP",
        "service",
        "维修服务",
        "Repairs",
        &[(
            "S-REP-01",
            "水电维修",
            "Plumbing and electrical repair",
            ("working_days", 2),
        )],
    ),
];

const PARTIES: &[(&str, &str, &str)] = &[
    ("COMMUNITY", "社区居委会", "Residents' committee"),
    ("PROPERTY", "物业公司", "Property management company"),
    ("HEATING", "供暖公司", "Heating company"),
    (
        "STREET-URBAN",
        "街道城管科",
        "Street office, urban management",
    ),
    ("POLICE", "社区民警", "Community police"),
];

/// Urgent cases get half the normal limit (at least 1), critical ones 2 working hours.
fn limits(unit: &'static str, amount: i32) -> [(&'static str, &'static str, i32); 3] {
    [
        ("normal", unit, amount),
        ("urgent", unit, Ord::max(amount / 2, 1)),
        ("critical", "working_hours", 2),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseCategories::Table)
                .col(pk_auto(CaseCategories::Id).big_integer())
                .col(big_integer_null(CaseCategories::ParentId))
                .col(string_len_uniq(CaseCategories::Code, 32))
                .col(string_len(CaseCategories::Class, 16))
                .col(string_len(CaseCategories::NameZh, 64))
                .col(string_len(CaseCategories::NameEn, 64))
                .col(integer(CaseCategories::Position).default(0))
                .col(boolean(CaseCategories::Active).default(true))
                .col(boolean(CaseCategories::Public).default(true))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_categories_parent")
                        .from(CaseCategories::Table, CaseCategories::ParentId)
                        .to(CaseCategories::Table, CaseCategories::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResponsibleParties::Table)
                .col(pk_auto(ResponsibleParties::Id).big_integer())
                .col(string_len_uniq(ResponsibleParties::Code, 32))
                .col(string_len(ResponsibleParties::NameZh, 64))
                .col(string_len(ResponsibleParties::NameEn, 64))
                .col(boolean(ResponsibleParties::Active).default(true))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SlaRules::Table)
                .col(pk_auto(SlaRules::Id).big_integer())
                .col(big_integer(SlaRules::CategoryId))
                .col(string_len(SlaRules::Urgency, 16))
                .col(string_len(SlaRules::Unit, 16))
                .col(integer(SlaRules::Amount))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sla_rules_category")
                        .from(SlaRules::Table, SlaRules::CategoryId)
                        .to(CaseCategories::Table, CaseCategories::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_sla_rules")
                .table(SlaRules::Table)
                .col(SlaRules::CategoryId)
                .col(SlaRules::Urgency)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarDays::Table)
                .col(date(CalendarDays::Day).primary_key())
                .col(string_len(CalendarDays::Kind, 16))
                .col(string_len_null(CalendarDays::Name, 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Cases::Table)
                .col(pk_auto(Cases::Id).big_integer())
                .col(string_len_uniq(Cases::Number, 24))
                .col(string_len(Cases::Title, 100))
                .col(text(Cases::Description))
                .col(big_integer(Cases::CategoryId))
                .col(string_len(Cases::Urgency, 16))
                .col(string_len(Cases::Source, 24))
                .col(string_len(Cases::Stage, 24))
                .col(big_integer_null(Cases::GridId))
                .col(big_integer_null(Cases::PlaceId))
                .col(double_null(Cases::Lon))
                .col(double_null(Cases::Lat))
                .col(big_integer_null(Cases::ReporterId))
                .col(string_len_null(Cases::ReporterName, 64))
                .col(boolean(Cases::ReporterHidden).default(false))
                .col(big_integer_null(Cases::ResponsiblePartyId))
                .col(big_integer_null(Cases::AssigneeId))
                .col(big_integer_null(Cases::FeedbackBy))
                .col(timestamp_with_time_zone_null(Cases::DeadlineAt))
                .col(timestamp_with_time_zone_null(Cases::PostponeUntil))
                .col(timestamp_with_time_zone(Cases::StageEnteredAt))
                .col(timestamp_with_time_zone_null(Cases::RegisteredAt))
                .col(timestamp_with_time_zone_null(Cases::ClosedAt))
                .col(integer(Cases::ReworkCount).default(0))
                .col(integer_null(Cases::RatingScore))
                .col(text_null(Cases::RatingNote))
                .col(string_len(Cases::BoardRank, 64))
                .col(big_integer(Cases::Version).default(1))
                .col(timestamp_with_time_zone(Cases::CreatedAt))
                .col(timestamp_with_time_zone(Cases::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_category")
                        .from(Cases::Table, Cases::CategoryId)
                        .to(CaseCategories::Table, CaseCategories::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_grid")
                        .from(Cases::Table, Cases::GridId)
                        .to(Places::Table, Places::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_place")
                        .from(Cases::Table, Cases::PlaceId)
                        .to(Places::Table, Places::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_reporter")
                        .from(Cases::Table, Cases::ReporterId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_assignee")
                        .from(Cases::Table, Cases::AssigneeId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cases_party")
                        .from(Cases::Table, Cases::ResponsiblePartyId)
                        .to(ResponsibleParties::Table, ResponsibleParties::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_cases_stage_rank", vec![Cases::Stage, Cases::BoardRank]),
            ("ix_cases_grid", vec![Cases::GridId]),
            ("ix_cases_assignee", vec![Cases::AssigneeId]),
            ("ix_cases_reporter", vec![Cases::ReporterId]),
            ("ix_cases_deadline", vec![Cases::DeadlineAt]),
        ] {
            let mut idx = Index::create().name(name).table(Cases::Table).to_owned();
            for c in col {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }
        m.create_table(
            Table::create()
                .table(CaseEvents::Table)
                .col(pk_auto(CaseEvents::Id).big_integer())
                .col(big_integer(CaseEvents::CaseId))
                .col(timestamp_with_time_zone(CaseEvents::At))
                .col(big_integer_null(CaseEvents::ActorId))
                .col(string_len_null(CaseEvents::ActorName, 64))
                .col(string_len(CaseEvents::Action, 32))
                .col(string_len_null(CaseEvents::FromStage, 24))
                .col(string_len_null(CaseEvents::ToStage, 24))
                .col(text_null(CaseEvents::Note))
                .col(text_null(CaseEvents::Detail))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_events_case")
                        .from(CaseEvents::Table, CaseEvents::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_events_case")
                .table(CaseEvents::Table)
                .col(CaseEvents::CaseId)
                .col(CaseEvents::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_auto(Notifications::Id).big_integer())
                .col(big_integer(Notifications::UserId))
                .col(big_integer(Notifications::CaseId))
                .col(string_len(Notifications::Action, 32))
                .col(string_len_null(Notifications::Stage, 24))
                .col(string_len_null(Notifications::ActorName, 64))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_user")
                        .from(Notifications::Table, Notifications::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_case")
                        .from(Notifications::Table, Notifications::CaseId)
                        .to(Cases::Table, Cases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_user")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WipLimits::Table)
                .col(string_len(WipLimits::Stage, 24).primary_key())
                .col(integer_null(WipLimits::Soft))
                .col(integer_null(WipLimits::Hard))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(UserSettings::Table)
                .col(big_integer(UserSettings::UserId))
                .col(string_len(UserSettings::Key, 64))
                .col(text(UserSettings::Value))
                .col(timestamp_with_time_zone(UserSettings::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(UserSettings::UserId)
                        .col(UserSettings::Key),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_settings_user")
                        .from(UserSettings::Table, UserSettings::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cases_location")
                .table(Cases::Table)
                .col(Cases::Lon)
                .col(Cases::Lat)
                .to_owned(),
        )
        .await?;
        // The live stream looks at the last seconds of changes.
        m.create_index(
            Index::create()
                .name("ix_case_events_at")
                .table(CaseEvents::Table)
                .col(CaseEvents::At)
                .to_owned(),
        )
        .await?;

        // Default reference data.
        let db = m.get_connection();
        let backend = m.get_database_backend();
        for (pi, (code, zh, en)) in PARTIES.iter().enumerate() {
            let q = Query::insert()
                .into_table(ResponsibleParties::Table)
                .columns([
                    ResponsibleParties::Id,
                    ResponsibleParties::Code,
                    ResponsibleParties::NameZh,
                    ResponsibleParties::NameEn,
                ])
                .values_panic([
                    (pi as i64 + 1).into(),
                    (*code).into(),
                    (*zh).into(),
                    (*en).into(),
                ])
                .to_owned();
            db.execute(&q).await?;
        }
        let mut next_id = 0i64;
        for (ti, (code, class, zh, en, leaves)) in TREE.iter().enumerate() {
            next_id += 1;
            let top = next_id;
            let public = !(code.starts_with("S-") || code.starts_with("E-NEI"));
            let q = Query::insert()
                .into_table(CaseCategories::Table)
                .columns([
                    CaseCategories::Id,
                    CaseCategories::Code,
                    CaseCategories::Class,
                    CaseCategories::NameZh,
                    CaseCategories::NameEn,
                    CaseCategories::Position,
                    CaseCategories::Public,
                ])
                .values_panic([
                    top.into(),
                    (*code).into(),
                    (*class).into(),
                    (*zh).into(),
                    (*en).into(),
                    (ti as i32).into(),
                    public.into(),
                ])
                .to_owned();
            db.execute(&q).await?;
            for (li, (lcode, lzh, len, (unit, amount))) in leaves.iter().enumerate() {
                next_id += 1;
                let q = Query::insert()
                    .into_table(CaseCategories::Table)
                    .columns([
                        CaseCategories::Id,
                        CaseCategories::ParentId,
                        CaseCategories::Code,
                        CaseCategories::Class,
                        CaseCategories::NameZh,
                        CaseCategories::NameEn,
                        CaseCategories::Position,
                        CaseCategories::Public,
                    ])
                    .values_panic([
                        next_id.into(),
                        top.into(),
                        (*lcode).into(),
                        (*class).into(),
                        (*lzh).into(),
                        (*len).into(),
                        (li as i32).into(),
                        public.into(),
                    ])
                    .to_owned();
                db.execute(&q).await?;
                for (urgency, unit, amount) in limits(unit, *amount) {
                    let q = Query::insert()
                        .into_table(SlaRules::Table)
                        .columns([
                            SlaRules::CategoryId,
                            SlaRules::Urgency,
                            SlaRules::Unit,
                            SlaRules::Amount,
                        ])
                        .values_panic([next_id.into(), urgency.into(), unit.into(), amount.into()])
                        .to_owned();
                    db.execute(&q).await?;
                }
            }
        }
        if backend == sea_orm::DatabaseBackend::Postgres {
            for table in ["case_categories", "responsible_parties"] {
                db.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            UserSettings::Table.into_iden(),
            WipLimits::Table.into_iden(),
            Notifications::Table.into_iden(),
            CaseEvents::Table.into_iden(),
            Cases::Table.into_iden(),
            CalendarDays::Table.into_iden(),
            SlaRules::Table.into_iden(),
            ResponsibleParties::Table.into_iden(),
            CaseCategories::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
