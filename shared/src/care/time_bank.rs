//! Volunteers and the time bank (时间银行): services done, points earned and redeemed.

use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Points earned for a service of `minutes` at `points_per_hour` (whole points, rounded down).
pub fn points_for(minutes: u32, points_per_hour: u32) -> u64 {
    u64::from(minutes) * u64::from(points_per_hour) / 60
}

/// A redemption must be covered by the balance.
pub fn may_redeem(balance: i64, points: i64) -> bool {
    points > 0 && balance >= points
}

/// Who may redeem a volunteer's points: the office for others; the volunteer their own points
/// when the time bank's rules let volunteers redeem themselves — also an office member who
/// volunteers (nobody pays out to themselves by their office).
pub fn may_redeem_for(office: bool, own: bool, rules: &TimeBankRules) -> bool {
    if own { rules.volunteers_redeem } else { office }
}

/// Who reads a volunteer's hours, points and ledger: the office and the volunteer.
pub fn may_read_volunteer(office: bool, own: bool) -> bool {
    office || own
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub members: Vec<VolunteerSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberInput {
    pub name: String,
    /// The volunteer's own account, so they can see their hours and points.
    #[serde(default)]
    pub user_id: Option<i64>,
    /// The account by username, as the office knows it (instead of the id).
    #[serde(default)]
    pub username: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerSummary {
    pub id: i64,
    pub team_id: i64,
    pub name: String,
    pub has_account: bool,
    /// Hours and points: only for the office and the volunteer themself (left out, not 0,
    /// for everyone else).
    pub minutes_total: Option<u64>,
    pub points_balance: Option<i64>,
    /// This is the asking user's own volunteer record.
    #[serde(default)]
    pub mine: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participation {
    pub volunteer_id: i64,
    pub minutes: u32,
}

/// A service activity of a team and who served how long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    pub team_id: i64,
    pub title: String,
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    pub participants: Vec<Participation>,
}

impl ActivityInput {
    /// `today` bounds the day: service is recorded after it happened, within a year.
    pub fn validate(&self, today: Date) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.day > today || self.day < today - time::Duration::days(366) {
            errs.add("day", FieldErrorCode::OutOfRange);
        }
        let title = self.title.trim();
        match title.chars().count() {
            0 => errs.add("title", FieldErrorCode::Required),
            n if n > 100 => errs.add("title", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.participants.is_empty() || self.participants.len() > 500 {
            errs.add("participants", FieldErrorCode::OutOfRange);
        }
        for (i, p) in self.participants.iter().enumerate() {
            if !(1..=24 * 60).contains(&p.minutes) {
                errs.add(
                    format!("participants[{i}].minutes"),
                    FieldErrorCode::OutOfRange,
                );
            }
        }
        let mut ids: Vec<i64> = self.participants.iter().map(|p| p.volunteer_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.participants.len() {
            errs.add("participants", FieldErrorCode::Duplicate);
        }
        errs.into_result()?;
        Ok(title.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redemption {
    pub points: i64,
    /// What the points were exchanged for.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Earned (positive) or redeemed (negative).
    pub points: i64,
    pub minutes: u32,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerView {
    pub summary: VolunteerSummary,
    pub ledger: Vec<LedgerEntry>,
}

/// The time bank's rule: points per hour of service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeBankRules {
    pub points_per_hour: u32,
    /// Volunteers may redeem their own points (otherwise the office records redemptions).
    #[serde(default)]
    pub volunteers_redeem: bool,
    pub version: i64,
}

#[cfg(test)]
mod time_bank_tests {
    use super::*;
    use crate::care::*;

    #[test]
    fn points_accrue_per_hour_and_redemptions_need_cover() {
        assert_eq!(points_for(120, 10), 20);
        assert_eq!(points_for(45, 10), 7, "rounded down");
        assert!(may_redeem(20, 15));
        assert!(!may_redeem(5, 10));
        assert!(!may_redeem(5, 0));
        let mut rules = TimeBankRules {
            points_per_hour: 10,
            volunteers_redeem: false,
            version: 1,
        };
        assert!(may_redeem_for(true, false, &rules), "the office");
        assert!(
            !may_redeem_for(false, true, &rules),
            "not unless the rules allow"
        );
        assert!(
            !may_redeem_for(true, true, &rules),
            "nor an office member paying out their own points"
        );
        rules.volunteers_redeem = true;
        assert!(may_redeem_for(false, true, &rules), "one's own");
        assert!(!may_redeem_for(false, false, &rules), "never another's");
        assert!(may_read_volunteer(false, true) && !may_read_volunteer(false, false));
    }

    #[test]
    fn pairings_end_with_a_reason_and_a_day() {
        use time::macros::date;
        let today = date!(2026 - 11 - 29);
        let start = date!(2026 - 10 - 01);
        let upd = |active: bool, reason: Option<&str>, on: Option<Date>| PairingUpdate {
            active,
            risk: RiskLevel::Key,
            version: 1,
            end_reason: reason.map(str::to_string),
            ended_on: on,
        };
        assert_eq!(upd(true, None, None).validate(true, start, today), Ok(None));
        let field = |r: Result<Option<String>, FieldErrors>| r.unwrap_err().0[0].0.clone();
        assert_eq!(
            field(upd(false, None, Some(today)).validate(true, start, today)),
            "end_reason"
        );
        assert_eq!(
            field(upd(false, Some("  "), Some(today)).validate(true, start, today)),
            "end_reason"
        );
        assert_eq!(
            field(upd(false, Some("搬走了"), None).validate(true, start, today)),
            "ended_on"
        );
        assert_eq!(
            field(
                upd(false, Some("搬走了"), Some(date!(2026 - 12 - 01)))
                    .validate(true, start, today)
            ),
            "ended_on",
            "not in the future"
        );
        assert_eq!(
            field(
                upd(false, Some("搬走了"), Some(date!(2026 - 09 - 30)))
                    .validate(true, start, today)
            ),
            "ended_on",
            "not before it began"
        );
        assert_eq!(
            upd(false, Some(" 搬去女儿家 "), Some(today)).validate(true, start, today),
            Ok(Some("搬去女儿家".into()))
        );
        // Planned for next week and called off today: ended today, not before.
        let planned = date!(2026 - 12 - 06);
        assert_eq!(
            upd(false, Some("老人住院"), Some(today)).validate(true, planned, today),
            Ok(Some("老人住院".into()))
        );
        assert_eq!(
            field(
                upd(false, Some("老人住院"), Some(date!(2026 - 11 - 28)))
                    .validate(true, planned, today)
            ),
            "ended_on"
        );
        assert_eq!(
            field(upd(false, Some("老人住院"), Some(planned)).validate(true, planned, today)),
            "ended_on",
            "not on the planned start, which is still ahead"
        );
        assert_eq!(
            field(upd(true, None, None).validate(false, start, today)),
            "active",
            "ended stays ended"
        );
        assert_eq!(
            field(upd(true, Some("x"), None).validate(true, start, today)),
            "end_reason"
        );
    }

    #[test]
    fn far_dates_are_refused() {
        use time::macros::date;
        let today = date!(2026 - 11 - 29);
        assert!(day_in_window(today, today, 0, 0));
        assert!(day_in_window(
            date!(2026 - 12 - 13),
            today,
            1,
            ORDER_AHEAD_DAYS
        ));
        assert!(!day_in_window(
            date!(2026 - 12 - 14),
            today,
            1,
            ORDER_AHEAD_DAYS
        ));
        assert!(!day_in_window(
            date!(2099 - 01 - 01),
            today,
            1,
            MENU_AHEAD_DAYS
        ));
        assert!(!day_in_window(
            date!(2025 - 11 - 27),
            today,
            MEAL_PAST_DAYS,
            0
        ));
    }

    #[test]
    fn activities_are_checked() {
        let a = ActivityInput {
            team_id: 1,
            title: "重阳节包饺子".into(),
            day: time::macros::date!(2026 - 10 - 29),
            participants: vec![
                Participation {
                    volunteer_id: 1,
                    minutes: 120,
                },
                Participation {
                    volunteer_id: 1,
                    minutes: 60,
                },
            ],
        };
        assert_eq!(
            a.validate(time::macros::date!(2026 - 11 - 29))
                .unwrap_err()
                .0[0]
                .0,
            "participants"
        );
    }
}
