//! Storage of the mediation area.

entity!(file, "mediation_files", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub number: String,
    pub title: String,
    pub description: String,
    pub dispute_type: String,
    pub origin: String,
    pub source_case_id: Option<i64>,
    pub place_id: i64,
    pub grid_id: Option<i64>,
    pub stage: String,
    pub risk: bool,
    pub chosen_by_parties: bool,
    pub deadline: Option<TimeDate>,
    pub accepted_at: Option<TimeDateTimeWithTimeZone>,
    pub agreement_facts: Option<String>,
    pub agreement_oral: bool,
    pub agreement_effective_at: Option<TimeDateTimeWithTimeZone>,
    pub outcome_note: Option<String>,
    pub created_by: Option<i64>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
});

entity!(party, "mediation_parties", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    pub position: i32,
    pub side: String,
    pub name: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub address: Option<String>,
    pub representative: Option<String>,
    pub user_id: Option<i64>,
    pub consent: Option<bool>,
    pub consent_note: Option<String>,
    pub consent_at: Option<TimeDateTimeWithTimeZone>,
    pub notified_at: Option<TimeDateTimeWithTimeZone>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
});

entity!(mediator, "mediation_mediators", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
});

entity!(record, "mediation_records", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    pub kind: String,
    pub text: String,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub at: TimeDateTimeWithTimeZone,
});

entity!(session, "mediation_sessions", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    pub mode: String,
    pub party_id: Option<i64>,
    pub held_at: TimeDateTimeWithTimeZone,
    pub venue: String,
    pub strategy_note: String,
    pub mediator_id: Option<i64>,
    pub mediator_name: String,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(entry, "mediation_entries", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub file_id: i64,
    pub party_id: i64,
    pub statement: String,
    pub position: String,
    pub interests: String,
    pub proposal: String,
    pub shareable: bool,
});

entity!(term, "mediation_terms", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    pub position: i32,
    pub text: String,
    pub due: TimeDate,
    pub performed_at: Option<TimeDateTimeWithTimeZone>,
    pub proof: Option<String>,
});

entity!(event, "mediation_events", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub from_stage: Option<String>,
    pub to_stage: Option<String>,
    pub note: Option<String>,
    /// `shared::mediation::FileEventDetail` as JSON.
    pub detail: Option<String>,
});

entity!(photo, "mediation_record_photos", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub record_id: i64,
    pub file_id: i64,
    pub file_name: String,
    pub thumb_name: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});
