//! Storage of the council area.

entity!(settings, "council_settings", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub support_threshold: i32,
    pub small_matter_days: i32,
    pub version: i64,
});

entity!(item, "council_items", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope_place_id: i64,
    pub grid_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub tier: Option<String>,
    pub stage: String,
    pub support_count: i64,
    pub raised_by: Option<i64>,
    pub raised_by_name: String,
    pub meeting_id: Option<i64>,
    pub due: Option<TimeDate>,
    pub decision_text: Option<String>,
    pub party_id: Option<i64>,
    pub decision_category_id: Option<i64>,
    pub decision_deadline: Option<TimeDate>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub case_id: Option<i64>,
    pub reason: Option<String>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
});

entity!(support, "council_supports", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    /// The account that gave it; none when given on a resident's behalf (代办).
    pub user_id: Option<i64>,
    /// The resident the account was verified as: one support per resident and item.
    pub resident_id: Option<i64>,
    /// The act on the resident's behalf that gave it (`proxy_actions`).
    pub proxy_action_id: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(photo, "council_item_photos", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub file_name: String,
    pub thumb_name: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(comment, "council_comments", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub hidden_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(event, "council_events", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub from_stage: Option<String>,
    pub to_stage: Option<String>,
    pub note: Option<String>,
    pub meeting_id: Option<i64>,
    /// `shared::council::ItemEventDetail` as JSON.
    pub detail: Option<String>,
});

entity!(ballot, "council_ballots", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub question: String,
    /// `shared::council::BallotKind` as JSON.
    pub kind: String,
    /// `shared::council::BallotRules` as JSON.
    pub rules: String,
    pub opens_at: TimeDateTimeWithTimeZone,
    pub closes_at: TimeDateTimeWithTimeZone,
    pub frozen: bool,
    pub eligible: Option<i64>,
    pub turnout: Option<i64>,
    /// Frozen `shared::council::Counts` as JSON.
    pub counts: Option<String>,
    pub created_by: Option<i64>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(vote, "council_votes", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ballot_id: i64,
    pub voter_key: String,
    pub resident_id: i64,
    pub household_id: Option<i64>,
    pub user_id: Option<i64>,
    pub recorded_by: Option<i64>,
    /// None on anonymous ballots.
    pub answer: Option<String>,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The act on the resident's behalf that cast it (`proxy_actions`).
    pub proxy_action_id: Option<i64>,
});

entity!(tally, "council_tallies", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ballot_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub count: i64,
});

entity!(meeting, "council_meetings", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope_place_id: i64,
    pub grid_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub venue: String,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub created_by: Option<i64>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
});

entity!(agenda, "council_agenda", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: i64,
    pub position: i32,
    pub minutes: Option<String>,
});

entity!(attendee, "council_attendees", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub position: i32,
    pub kind: String,
    pub name: String,
    pub resident_id: Option<i64>,
});
