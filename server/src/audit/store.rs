//! Storage of the audit log.

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor_id: Option<i64>,
        pub actor_name: Option<String>,
        pub action: String,
        pub entity: Option<String>,
        pub entity_id: Option<i64>,
        pub resident_id: Option<i64>,
        pub detail: Option<String>,
        pub request_id: Option<String>,
        pub ip: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
