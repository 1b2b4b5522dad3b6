//! Storage of the accounts area: sea-orm entities for users, their roles and grid scopes,
//! sessions, login throttling, and the link of a resident's account to the register.

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub disabled: bool,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        /// The work phone residents may call (a grid worker's, on 找网格员).
        pub work_phone: Option<String>,
        pub updated_at: TimeDateTimeWithTimeZone,
        /// The account's photo and its thumbnail in the upload directory (找网格员).
        pub photo_file: Option<String>,
        pub photo_thumb: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_grid {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_grids")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub grid_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub user_id: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_seen_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_throttle {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_throttle")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub failures: i32,
        pub window_started_at: TimeDateTimeWithTimeZone,
        pub blocked_until: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

// A user account verified as a registered resident (who may then support and vote).
entity!(resident_account, "resident_accounts", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub resident_id: i64,
    pub verified_by: Option<i64>,
    pub verified_at: TimeDateTimeWithTimeZone,
});

// One account's display preferences (elder mode, read aloud) and the elder-mode offer's answer.
entity!(user_preference, "user_preferences", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub elder_mode: bool,
    pub read_aloud: bool,
    pub elder_offer_answered: bool,
    pub version: i64,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Supervision's channels (`shared::supervision::ChannelPreferences`).
    pub notify_email: Option<String>,
    pub notify_phone: Option<String>,
    pub email_on: bool,
    pub sms_on: bool,
    pub digest_on: bool,
    /// In the unsubscribe link of every email and SMS; made with the first one sent.
    pub unsubscribe_token: Option<String>,
});
