//! Meal delivery (幸福餐桌): who may enrol, menus, daily orders and deliveries.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Special groups whose members may enrol in the meal service.
pub const MEAL_ELIGIBLE: [crate::places::SpecialGroup; 5] = [
    crate::places::SpecialGroup::LostOnlyChild,
    crate::places::SpecialGroup::Disabled,
    crate::places::SpecialGroup::EmptyNest,
    crate::places::SpecialGroup::Elderly,
    crate::places::SpecialGroup::LivingAlone,
];

pub fn meal_eligible(groups: &[crate::places::SpecialGroup]) -> bool {
    groups.iter().any(|g| MEAL_ELIGIBLE.contains(g))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MealMode {
    /// 堂食
    EatIn,
    /// 送餐上门
    Delivery,
}

impl MealMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MealMode::EatIn => "eat_in",
            MealMode::Delivery => "delivery",
        }
    }

    pub fn parse(s: &str) -> Option<MealMode> {
        [MealMode::EatIn, MealMode::Delivery]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            MealMode::EatIn => Text::new("堂食", "Eat in"),
            MealMode::Delivery => Text::new("送餐上门", "Home delivery"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolInput {
    pub resident_id: i64,
    pub mode: MealMode,
    /// The helper who delivers (for home delivery).
    #[serde(default)]
    pub deliverer_user_id: Option<i64>,
    /// The deliverer's account by username (instead of the id).
    #[serde(default)]
    pub deliverer_username: Option<String>,
    /// Diet notes: low salt, soft food …
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentView {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub grid_id: i64,
    pub mode: MealMode,
    pub deliverer_user_id: Option<i64>,
    pub deliverer_name: Option<String>,
    pub notes: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuInput {
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    /// 今日菜单
    pub dishes: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuView {
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    pub dishes: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MealStatus {
    Ordered,
    /// Delivered to the door, or served at the table.
    Delivered,
    Cancelled,
}

impl MealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MealStatus::Ordered => "ordered",
            MealStatus::Delivered => "delivered",
            MealStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MealStatus> {
        [
            MealStatus::Ordered,
            MealStatus::Delivered,
            MealStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            MealStatus::Ordered => Text::new("待送达", "Ordered"),
            MealStatus::Delivered => Text::new("已送达", "Delivered"),
            MealStatus::Cancelled => Text::new("已取消", "Cancelled"),
        }
    }
}

/// Place the day's orders for enrolled residents (all active enrolments when empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderInput {
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    #[serde(default)]
    pub enrolment_ids: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: i64,
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    pub resident_id: i64,
    pub resident_name: String,
    /// Where to bring it: building and household, for the delivery route.
    pub address: String,
    pub mode: MealMode,
    pub deliverer_name: Option<String>,
    pub status: MealStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    pub delivered_by: Option<String>,
}

/// Meals per day of a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MealDayCount {
    #[serde(with = "crate::calendar::ymd")]
    pub day: Date,
    pub ordered: u64,
    pub delivered: u64,
    pub eat_in: u64,
    pub home_delivery: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MealCounts {
    pub days: Vec<MealDayCount>,
    pub month_ordered: u64,
    pub month_delivered: u64,
}

#[cfg(test)]
mod mailbox_and_meal_tests {
    use super::*;
    use crate::accounts::Principal;
    use crate::accounts::Role;
    use crate::care::{LetterStatus, may_answer_letter, may_read_letter};
    use crate::places::SpecialGroup;

    fn who(roles: &[Role]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: vec![],
        }
    }

    #[test]
    fn private_letters_reach_only_the_secretary() {
        let staff = who(&[Role::Staff]);
        let secretary = who(&[Role::Admin]);
        let neighbour = who(&[Role::Resident]);
        let open = LetterStatus::Open;
        let answered = LetterStatus::Answered;
        assert!(may_read_letter(&secretary, false, true, open));
        assert!(!may_read_letter(&staff, false, true, answered));
        assert!(may_read_letter(&staff, false, false, open));
        assert!(!may_read_letter(&neighbour, false, false, open));
        assert!(
            may_read_letter(&neighbour, false, false, answered),
            "public answer"
        );
        assert!(!may_read_letter(&neighbour, false, true, answered));
        assert!(may_read_letter(&neighbour, true, true, open), "the writer");
        assert!(!may_answer_letter(&staff, true));
        assert!(may_answer_letter(&staff, false));
        assert!(may_answer_letter(&secretary, true));
    }

    #[test]
    fn meal_eligibility() {
        assert!(meal_eligible(&[SpecialGroup::LostOnlyChild]));
        assert!(meal_eligible(&[
            SpecialGroup::LowIncome,
            SpecialGroup::Elderly
        ]));
        assert!(!meal_eligible(&[SpecialGroup::LowIncome]));
        assert!(!meal_eligible(&[]));
    }
}
