//! Storage of supervision: the rules, each case's plan and the scheduler's jobs.

entity!(rule, "supervision_rules", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub category_id: Option<i64>,
    pub warn_percent_left: i32,
    /// `Vec<shared::supervision::EscalationStep>` as JSON.
    pub steps: String,
    pub version: i64,
});

entity!(plan, "supervision_plans", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i64,
    pub deadline_at: Option<TimeDateTimeWithTimeZone>,
    /// The rules' version and the calendar planned on (`scheduler::basis`).
    pub basis: i64,
    pub warned: bool,
    pub escalated_to: Option<String>,
    pub updated_at: TimeDateTimeWithTimeZone,
});

entity!(job, "supervision_jobs", {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub job_key: String,
    pub kind: String,
    pub case_id: Option<i64>,
    pub user_id: Option<i64>,
    pub payload: Option<String>,
    pub due_at: TimeDateTimeWithTimeZone,
    pub claimed_until: Option<TimeDateTimeWithTimeZone>,
    pub claimed_by: Option<String>,
    pub done_at: Option<TimeDateTimeWithTimeZone>,
    pub outcome: Option<String>,
    pub attempts: i32,
});

entity!(settings, "supervision_settings", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// `shared::supervision::reminders::ReminderSettings` as JSON.
    pub reminders: String,
});
