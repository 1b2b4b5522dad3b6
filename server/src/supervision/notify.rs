//! The one place notifications are made. Every kind — a step of one's report, a letter's
//! answer, a warning or an escalation, a 督办's step, a reminder — is written here, in the caller's transaction, so
//! whatever goes out besides the app (email, SMS) is planned with it and only if it commits.

use crate::cases::store::notification;
use crate::error::AppResult;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use shared::supervision::reminders::Reminder;

/// A notification to write.
#[derive(Clone, Debug, Default)]
pub struct NewNotification {
    pub user_id: i64,
    /// The case it is about.
    pub case_id: Option<i64>,
    /// The letter whose answer it announces.
    pub letter_id: Option<i64>,
    /// The 督办 it is about (then `action` is its step, or `issue`).
    pub directive_id: Option<i64>,
    /// The reminder it announces (then `action` is the reminder kind's).
    pub reminder: Option<Reminder>,
    /// A case action, `letter_answered`, a `shared::supervision::Alert`, a directive step or a
    /// reminder kind's action.
    pub action: String,
    pub stage: Option<String>,
    pub actor_name: Option<String>,
}

/// Write `n` for its user in `conn`'s transaction, with the email and SMS the user wants of
/// it (`channels::plan`; links in them start with `public_url`); its id.
pub async fn notify(
    conn: &impl ConnectionTrait,
    public_url: &str,
    n: NewNotification,
) -> AppResult<i64> {
    let row = notification::ActiveModel {
        user_id: Set(n.user_id),
        case_id: Set(n.case_id),
        letter_id: Set(n.letter_id),
        directive_id: Set(n.directive_id),
        reminder: Set(n
            .reminder
            .as_ref()
            .and_then(|r| serde_json::to_string(r).ok())),
        action: Set(n.action.clone()),
        stage: Set(n.stage.clone()),
        actor_name: Set(n.actor_name.clone()),
        created_at: Set(crate::clock::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    super::channels::plan(conn, public_url, row.id, &n).await?;
    Ok(row.id)
}
