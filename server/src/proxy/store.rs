//! Storage of 代办: the acts done on residents' behalf.

entity!(action, "proxy_actions", {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `shared::proxy::ProxyKind`.
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub resident_id: i64,
    pub resident_name: String,
    /// `shared::proxy::ConfirmMethod`.
    pub confirmation: String,
    /// The record made: `case`, `council_item`, `ballot`, `letter`, `errand`.
    pub entity: String,
    pub entity_id: i64,
    pub summary: String,
    pub created_at: TimeDateTimeWithTimeZone,
    /// When the resident read the notice.
    pub seen_at: Option<TimeDateTimeWithTimeZone>,
});
