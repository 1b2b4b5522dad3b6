//! The stored assessment rules (those changed from the defaults) and their set's version.

entity!(rule_set, "assessment_rule_set", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub version: i64,
    pub updated_at: Option<TimeDateTimeWithTimeZone>,
});

entity!(rule, "assessment_rules", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: String,
    pub weight: i32,
    pub target: f64,
    pub floor: f64,
});
