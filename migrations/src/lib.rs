//! Schema migrations, run by the server on start. SQLite and PostgreSQL both.

pub use sea_orm_migration::prelude::*;

mod foreign_keys;
mod m20261129_000001_foundation;
mod m20261129_000002_session_expiry_index;
mod m20261129_000003_cases;
mod m20261129_000004_api_keys;
mod m20261129_000005_case_photos;
mod m20261129_000006_place_geometry_versions;
mod m20261129_000007_council;
mod m20261129_000008_mediation;
mod m20261129_000009_care;
mod m20261129_000010_mailbox_meals;
mod m20261129_000011_volunteers;
mod m20261129_000012_patrols;
mod m20261129_000013_council_photos;
mod m20261129_000015_care_more;
mod m20261129_000016_mediation_events_at;
mod m20261129_000017_mediation_record_photos;
mod m20261129_000018_sensitive_purpose;
mod m20261207_000001_audit_filters;
mod m20261207_000002_mediation_party_identity;
mod m20261207_000003_letter_notifications;
mod m20261207_000011_structured_history;
mod m20261207_000012_case_origin;
mod m20261207_000021_case_also_reports;
mod m20261207_000031_elder_mode;
mod m20261207_000041_idempotency_keys;
mod m20261207_000051_supervision;
mod m20261207_000061_directives_approvals;
mod m20261207_000071_proxy_actions;
mod m20261207_000081_assessment;
mod m20261207_000091_worker_photo;
mod m20261207_000111_reminders;
mod m20261208_000121_directive_subjects;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_foundation::Migration),
            Box::new(m20261129_000002_session_expiry_index::Migration),
            Box::new(m20261129_000003_cases::Migration),
            Box::new(m20261129_000004_api_keys::Migration),
            Box::new(m20261129_000005_case_photos::Migration),
            Box::new(m20261129_000006_place_geometry_versions::Migration),
            Box::new(m20261129_000007_council::Migration),
            Box::new(m20261129_000008_mediation::Migration),
            Box::new(m20261129_000009_care::Migration),
            Box::new(m20261129_000010_mailbox_meals::Migration),
            Box::new(m20261129_000011_volunteers::Migration),
            Box::new(m20261129_000012_patrols::Migration),
            Box::new(m20261129_000013_council_photos::Migration),
            Box::new(m20261129_000015_care_more::Migration),
            Box::new(m20261129_000016_mediation_events_at::Migration),
            Box::new(m20261129_000017_mediation_record_photos::Migration),
            Box::new(m20261129_000018_sensitive_purpose::Migration),
            Box::new(m20261207_000001_audit_filters::Migration),
            Box::new(m20261207_000002_mediation_party_identity::Migration),
            Box::new(m20261207_000003_letter_notifications::Migration),
            Box::new(m20261207_000011_structured_history::Migration),
            Box::new(m20261207_000012_case_origin::Migration),
            Box::new(m20261207_000021_case_also_reports::Migration),
            Box::new(m20261207_000031_elder_mode::Migration),
            Box::new(m20261207_000041_idempotency_keys::Migration),
            Box::new(m20261207_000051_supervision::Migration),
            Box::new(m20261207_000061_directives_approvals::Migration),
            Box::new(m20261207_000071_proxy_actions::Migration),
            Box::new(m20261207_000081_assessment::Migration),
            Box::new(m20261207_000091_worker_photo::Migration),
            Box::new(m20261207_000111_reminders::Migration),
            Box::new(m20261208_000121_directive_subjects::Migration),
        ]
    }
}
