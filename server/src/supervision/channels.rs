//! Email and SMS besides the in-app notification. `plan` runs inside the transaction that
//! writes the notification (`notify::notify`) and adds a job per channel the user switched
//! on; the scheduler sends it. Email goes at once for warnings, escalations and residents, and
//! in a daily digest (08:00 Beijing) for the office; SMS to residents waits out the quiet
//! hours (21:00–08:00) unless urgent. Both are off unless the server is configured for them.
//!
//! A send is claimed, made, then recorded done; were the process killed between the send and
//! the record, the job is sent again after its claim lapses with the same identity — the
//! email's `Message-ID`, the gateway's `Idempotency-Key` and `{id}` — so the receiving side
//! can drop the repeat.

use super::notify::NewNotification;
use super::store::job;
use crate::accounts::store::{user_preference, user_role};
use crate::cases::service::parse;
use crate::cases::store::{case, notification};
use crate::config::{SmsGateway, Smtp};
use crate::error::AppResult;
use crate::state::AppState;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use shared::accounts::Role;
use shared::supervision::reminders::Reminder;
use shared::supervision::{Alert, after_quiet_hours, next_morning, short_message};
use time::Duration;

pub const KIND_EMAIL: &str = "email";
pub const KIND_SMS: &str = "sms";
pub const KIND_DIGEST: &str = "digest";

/// What a delivery job sends (its payload).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outgoing {
    pub to: String,
    /// The message; empty for a digest (it is gathered when sent).
    #[serde(default)]
    pub text: String,
    pub unsubscribe: String,
}

/// Plan the email and SMS for notification `id`, in the transaction that wrote it.
pub async fn plan(
    conn: &impl ConnectionTrait,
    public_url: &str,
    id: i64,
    n: &NewNotification,
) -> AppResult<()> {
    let Some(p) = user_preference::Entity::find_by_id(n.user_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let email = p.notify_email.clone().filter(|_| p.email_on);
    let phone = p.notify_phone.clone().filter(|_| p.sms_on);
    if email.is_none() && phone.is_none() {
        return Ok(());
    }
    let roles: Vec<String> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(n.user_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect();
    // A resident and nothing else: quiet hours, no digest.
    let resident = roles.iter().all(|r| r == Role::Resident.as_str());
    let urgent = Alert::parse(&n.action).is_some();
    // Reminders and 督办 are about a day or an instruction: they go when made, not in
    // tomorrow's digest (an SMS to a resident still waits out the quiet hours).
    let immediate = urgent || n.reminder.is_some() || n.directive_id.is_some();
    let token = match p.unsubscribe_token.clone() {
        Some(t) => t,
        None => {
            let t = uuid::Uuid::new_v4().simple().to_string();
            user_preference::Entity::update_many()
                .col_expr(
                    user_preference::Column::UnsubscribeToken,
                    Expr::value(Some(t.clone())),
                )
                .filter(user_preference::Column::UserId.eq(n.user_id))
                .exec(conn)
                .await?;
            t
        }
    };
    let number = match n.case_id {
        Some(c) => case::Entity::find_by_id(c)
            .one(conn)
            .await?
            .map(|c| c.number),
        None => None,
    };
    let text = text_of(
        &n.action,
        n.reminder.as_ref(),
        n.directive_id.is_some(),
        n.actor_name.as_deref(),
        number.as_deref(),
        n.stage.as_deref(),
    );
    let now = crate::clock::now();
    let unsubscribe =
        |channel: &str| format!("{public_url}/api/v1/unsubscribe/{token}?channel={channel}");
    let mut jobs = Vec::new();
    if let Some(to) = email {
        if immediate || resident || !p.digest_on {
            jobs.push((
                format!("email:{id}"),
                KIND_EMAIL,
                now,
                Outgoing {
                    to,
                    text: text.clone(),
                    unsubscribe: unsubscribe("email"),
                },
            ));
        } else {
            let at = next_morning(now);
            jobs.push((
                format!("digest:{}:{}", n.user_id, at.unix_timestamp()),
                KIND_DIGEST,
                at,
                Outgoing {
                    to,
                    text: String::new(),
                    unsubscribe: unsubscribe("email"),
                },
            ));
        }
    }
    if let Some(to) = phone {
        let at = if resident && !urgent {
            after_quiet_hours(now)
        } else {
            now
        };
        jobs.push((
            format!("sms:{id}"),
            KIND_SMS,
            at,
            Outgoing {
                to,
                text,
                unsubscribe: unsubscribe("sms"),
            },
        ));
    }
    for (key, kind, due, out) in jobs {
        job::Entity::insert(job::ActiveModel {
            job_key: Set(key),
            kind: Set(kind.into()),
            case_id: Set(n.case_id),
            user_id: Set(Some(n.user_id)),
            payload: Set(serde_json::to_string(&out).ok()),
            due_at: Set(due.to_offset(time::UtcOffset::UTC)),
            claimed_until: Set(None),
            claimed_by: Set(None),
            done_at: Set(None),
            outcome: Set(None),
            attempts: Set(0),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(job::Column::JobKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Send a delivery job: `Ok(outcome)` when it is done with (sent, or nothing to send), `Err`
/// when it should be tried again.
pub async fn deliver(state: &AppState, j: &job::Model) -> Result<String, String> {
    let out: Outgoing = j
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or("unreadable payload")?;
    let identity = format!("linju-job-{}", j.id);
    match j.kind.as_str() {
        KIND_EMAIL => match &state.config.smtp {
            None => Ok("skipped: email is not configured".into()),
            Some(smtp) => send_email(
                smtp,
                &identity,
                &out.to,
                &subject(&out.text),
                &out.text,
                &out.unsubscribe,
            )
            .await
            .map(|()| "sent".into()),
        },
        KIND_SMS => match &state.config.sms {
            None => Ok("skipped: SMS is not configured".into()),
            Some(gw) => send_sms(gw, &identity, &out.to, &out.text)
                .await
                .map(|()| "sent".into()),
        },
        KIND_DIGEST => {
            let Some(smtp) = &state.config.smtp else {
                return Ok("skipped: email is not configured".into());
            };
            let lines = digest_lines(&state.db.conn, j)
                .await
                .map_err(|e| e.to_string())?;
            if lines.is_empty() {
                return Ok("skipped: nothing new".into());
            }
            let body = lines.join("\n");
            let subject = format!("【邻聚】每日提醒：{} 条新消息", lines.len());
            send_email(smtp, &identity, &out.to, &subject, &body, &out.unsubscribe)
                .await
                .map(|()| format!("sent: {} lines", lines.len()))
        }
        other => Ok(format!("skipped: unknown kind {other}")),
    }
}

/// The subject of a single message: its first sentence.
fn subject(text: &str) -> String {
    text.split('。')
        .next()
        .unwrap_or(text)
        .chars()
        .take(60)
        .collect()
}

/// The user's notifications of the day before the digest's moment, as short messages.
async fn digest_lines(conn: &impl ConnectionTrait, j: &job::Model) -> AppResult<Vec<String>> {
    let Some(user_id) = j.user_id else {
        return Ok(Vec::new());
    };
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::CreatedAt.gt(j.due_at - Duration::days(1)))
        .filter(notification::Column::CreatedAt.lte(j.due_at))
        .order_by_asc(notification::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().filter_map(|n| n.case_id).collect();
    let numbers: std::collections::HashMap<i64, String> = case::Entity::find()
        .filter(case::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.number))
        .collect();
    Ok(rows
        .iter()
        .map(|n| {
            let reminder: Option<Reminder> = n
                .reminder
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok());
            text_of(
                &n.action,
                reminder.as_ref(),
                n.directive_id.is_some(),
                n.actor_name.as_deref(),
                n.case_id.and_then(|c| numbers.get(&c)).map(String::as_str),
                n.stage.as_deref(),
            )
        })
        .collect())
}

/// The short text of a notification: a reminder's, a directive's, or a case's or letter's.
fn text_of(
    action: &str,
    reminder: Option<&Reminder>,
    directive: bool,
    actor_name: Option<&str>,
    case_number: Option<&str>,
    stage: Option<&str>,
) -> String {
    if let Some(r) = reminder {
        return r.short_message();
    }
    if directive {
        return shared::directives::short_message(
            shared::directives::DirectiveStep::parse(action),
            actor_name.unwrap_or_default(),
            case_number.unwrap_or_default(),
        );
    }
    short_message(action, case_number, stage.and_then(parse))
}

async fn send_email(
    smtp: &Smtp,
    identity: &str,
    to: &str,
    subject: &str,
    text: &str,
    unsubscribe: &str,
) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let body = format!("{text}\n\n不想再收到这类邮件？退订：{unsubscribe}\n");
    let message = Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("from: {e}"))?)
        .to(to.parse().map_err(|e| format!("to: {e}"))?)
        .subject(subject)
        // The job's identity: a repeat after a crash is the same message.
        .message_id(Some(format!("<{identity}@linju>")))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| format!("smtp url: {e}"))?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("smtp: {e}"))
}

/// A value for the gateway's template: JSON-escaped, without the quotes (the template has them).
fn escaped(v: &str) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    s[1..s.len().saturating_sub(1)].to_string()
}

async fn send_sms(gw: &SmsGateway, identity: &str, phone: &str, text: &str) -> Result<(), String> {
    let body = gw
        .template
        .replace("{phone}", &escaped(phone))
        .replace("{text}", &escaped(text))
        .replace("{id}", &escaped(identity));
    let mut req = reqwest::Client::new()
        .post(&gw.url)
        .timeout(std::time::Duration::from_secs(20))
        .header("content-type", &gw.content_type)
        .header("idempotency-key", identity)
        .body(body);
    if let Some(auth) = &gw.auth {
        req = req.header("authorization", auth);
    }
    let res = req.send().await.map_err(|e| format!("sms gateway: {e}"))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("sms gateway answered {}", res.status()))
    }
}

/// The unsubscribe link: switch the channel off for the token's user. True when a user had it.
pub async fn unsubscribe(state: &AppState, token: &str, channel: &str) -> AppResult<bool> {
    let column = match channel {
        "sms" => user_preference::Column::SmsOn,
        _ => user_preference::Column::EmailOn,
    };
    let txn = state.db.begin_write().await?;
    let done = user_preference::Entity::update_many()
        .col_expr(column, Expr::value(false))
        .col_expr(
            user_preference::Column::Version,
            Expr::col(user_preference::Column::Version).add(1),
        )
        .filter(user_preference::Column::UnsubscribeToken.eq(token))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(done.rows_affected > 0)
}

/// When a failed send is tried again: the claim's lease, and after this many tries it stops.
pub const MAX_ATTEMPTS: i32 = 5;

pub fn is_delivery(kind: &str) -> bool {
    matches!(kind, KIND_EMAIL | KIND_SMS | KIND_DIGEST)
}
