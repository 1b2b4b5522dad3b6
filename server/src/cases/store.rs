//! Storage of the cases area.

pub mod category {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_categories")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub parent_id: Option<i64>,
        pub code: String,
        pub class: String,
        pub name_zh: String,
        pub name_en: String,
        pub position: i32,
        pub active: bool,
        pub public: bool,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod party {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "responsible_parties")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name_zh: String,
        pub name_en: String,
        pub active: bool,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sla_rule {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sla_rules")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub category_id: i64,
        pub urgency: String,
        pub unit: String,
        pub amount: i32,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod calendar_day {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_days")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        /// `holiday` or `workday` (an adjusted working day, 调休).
        pub kind: String,
        pub name: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod case {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub title: String,
        pub description: String,
        pub category_id: i64,
        pub urgency: String,
        pub source: String,
        pub stage: String,
        pub grid_id: Option<i64>,
        pub place_id: Option<i64>,
        pub lon: Option<f64>,
        pub lat: Option<f64>,
        pub reporter_id: Option<i64>,
        pub reporter_name: Option<String>,
        pub reporter_hidden: bool,
        pub responsible_party_id: Option<i64>,
        pub assignee_id: Option<i64>,
        pub feedback_by: Option<i64>,
        pub deadline_at: Option<TimeDateTimeWithTimeZone>,
        pub postpone_until: Option<TimeDateTimeWithTimeZone>,
        pub stage_entered_at: TimeDateTimeWithTimeZone,
        pub registered_at: Option<TimeDateTimeWithTimeZone>,
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub rework_count: i32,
        pub rating_score: Option<i32>,
        pub rating_note: Option<String>,
        /// `shared::cases::CaseOrigin` as JSON, for cases another area filed.
        pub origin: Option<String>,
        pub board_rank: String,
        /// The kind of the request (`shared::cases::RequestKind`) waiting on the case, if any.
        pub pending_request: Option<String>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor_id: Option<i64>,
        pub actor_name: Option<String>,
        pub action: String,
        pub from_stage: Option<String>,
        pub to_stage: Option<String>,
        pub note: Option<String>,
        pub detail: Option<String>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod notification {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        /// The case it is about; none for an answered letter.
        pub case_id: Option<i64>,
        /// The secretary's-mailbox letter whose answer it announces.
        pub letter_id: Option<i64>,
        /// The 督办 it is about (then `action` is its step, or `issue`).
        pub directive_id: Option<i64>,
        pub action: String,
        /// The reminder it announces (`shared::supervision::reminders::Reminder` as JSON).
        pub reminder: Option<String>,
        pub stage: Option<String>,
        pub actor_name: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub read_at: Option<TimeDateTimeWithTimeZone>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// "This is my problem too" (我也遇到了): one row per case and account.
pub mod also_report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_also_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub case_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub created_at: TimeDateTimeWithTimeZone,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// The approvals ledger (审批台账): requests to send back, void, extend or postpone a case.
pub mod request {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "case_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub kind: String,
        pub state: String,
        pub reason: String,
        pub from_stage: String,
        pub old_deadline: Option<TimeDateTimeWithTimeZone>,
        pub new_deadline: Option<TimeDateTimeWithTimeZone>,
        pub requested_by: Option<i64>,
        pub requested_by_name: String,
        pub requested_at: TimeDateTimeWithTimeZone,
        pub decided_by: Option<i64>,
        pub decided_by_name: Option<String>,
        pub decided_at: Option<TimeDateTimeWithTimeZone>,
        pub decision_note: Option<String>,
        pub version: i64,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wip_limit {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "wip_limits")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub stage: String,
        pub soft: Option<i32>,
        pub hard: Option<i32>,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_setting {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
