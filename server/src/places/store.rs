//! Storage of the places area: the hierarchy, its leaders, residents and their
//! special-group tags.

pub mod place {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "places")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub parent_id: Option<i64>,
        pub code: String,
        pub name: String,
        pub address: Option<String>,
        pub geometry: Option<String>,
        pub min_lon: Option<f64>,
        pub min_lat: Option<f64>,
        pub max_lon: Option<f64>,
        pub max_lat: Option<f64>,
        pub grid_id: Option<i64>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod place_leader {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "place_leaders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub place_id: i64,
        pub position: i32,
        pub title: String,
        pub name: String,
        pub user_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod resident {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "residents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub household_id: i64,
        pub grid_id: i64,
        pub name: String,
        pub id_number: Option<String>,
        pub phone: Option<String>,
        pub birth_year: Option<i32>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod resident_group {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "resident_groups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub resident_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub group_name: String,
        /// `shared::places::GroupPurpose` stated when the tag was set; none for seed and import.
        pub purpose: Option<String>,
        pub purpose_note: Option<String>,
        pub set_by: Option<i64>,
        pub set_by_name: Option<String>,
        pub set_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Earlier outlines of a place, newest last; undo restores the newest.
pub mod geometry_version {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "place_geometry_versions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub place_id: i64,
        pub place_version: i64,
        pub geometry: Option<String>,
        pub changed_by: Option<i64>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
