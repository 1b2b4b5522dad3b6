//! Storage of the directives area.

entity!(directive, "directives", {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Filled for a directive on a case.
    pub case_id: Option<i64>,
    /// `shared::directives::DirectiveSubject`: its kind and id.
    pub subject_kind: String,
    pub subject_id: i64,
    pub instruction: String,
    pub deadline_at: TimeDateTimeWithTimeZone,
    pub addressee_id: i64,
    pub addressee_name: String,
    pub issuer_id: i64,
    pub issuer_name: String,
    /// `shared::directives::DirectiveState`.
    pub state: String,
    /// When it was (last) reported done.
    pub reported_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i64,
});

entity!(event, "directive_events", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub directive_id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// `shared::directives::DirectiveStep`; none for the issue itself.
    pub step: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
});
