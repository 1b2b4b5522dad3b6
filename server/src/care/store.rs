//! Storage of the care area.

entity!(settings, "care_settings", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub high_days: i32,
    pub key_days: i32,
    pub normal_days: i32,
    pub version: i64,
});

entity!(pairing, "care_pairings", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub grid_id: i64,
    pub helper_user_id: Option<i64>,
    pub helper_name: String,
    pub helper_kind: String,
    pub risk: String,
    pub purpose: String,
    pub contact_schedule: String,
    pub starts_on: TimeDate,
    pub active: bool,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub ended_on: Option<TimeDate>,
    pub end_reason: Option<String>,
});

entity!(visit, "care_visits", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub grid_id: i64,
    pub visitor_id: Option<i64>,
    pub visitor_name: String,
    pub method: String,
    pub visited_at: TimeDateTimeWithTimeZone,
    pub needs: String,
    pub observations: String,
    pub errand_id: Option<i64>,
    pub case_id: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(errand, "care_errands", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub grid_id: i64,
    pub kind: String,
    pub description: String,
    pub status: String,
    pub requested_by: Option<i64>,
    pub helper_id: Option<i64>,
    pub helper_name: Option<String>,
    pub amount_fen: Option<i64>,
    pub receipt: Option<String>,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_name: Option<String>,
    pub visit_id: Option<i64>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
});

entity!(letter, "mailbox_letters", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub writer_id: Option<i64>,
    pub writer_name: String,
    pub subject: String,
    pub body: String,
    pub private: bool,
    pub status: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<TimeDateTimeWithTimeZone>,
    pub case_id: Option<i64>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(enrolment, "meal_enrolments", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub resident_id: i64,
    pub grid_id: i64,
    pub mode: String,
    pub deliverer_user_id: Option<i64>,
    pub notes: String,
    pub active: bool,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(menu, "meal_menus", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: TimeDate,
    pub dishes: String,
});

entity!(order, "meal_orders", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: TimeDate,
    pub enrolment_id: i64,
    pub resident_id: i64,
    pub grid_id: i64,
    pub mode: String,
    pub deliverer_user_id: Option<i64>,
    pub status: String,
    pub delivered_at: Option<TimeDateTimeWithTimeZone>,
    pub delivered_by: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(team, "volunteer_teams", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(volunteer, "volunteers", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(activity, "volunteer_activities", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub title: String,
    pub day: TimeDate,
    pub created_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(ledger, "time_bank_ledger", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub volunteer_id: i64,
    pub activity_id: Option<i64>,
    pub at: TimeDateTimeWithTimeZone,
    pub minutes: i32,
    pub points: i64,
    pub reason: String,
    pub recorded_by: Option<i64>,
});

entity!(time_bank_rules, "time_bank_rules", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub points_per_hour: i32,
    pub version: i64,
    pub volunteers_redeem: bool,
});
