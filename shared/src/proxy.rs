//! 代办: a grid worker or the office acts on a resident's behalf, in their presence — files a
//! report, supports an agenda item, casts a vote, writes to the secretary, asks for an
//! errand. Each act is recorded with who acted, for whom, and how the resident confirmed it
//! (signed, pressed a thumbprint, or said so: the kinds mediation records), and the resident
//! is told the next time they sign in.

use crate::accounts::{Permission, Principal};
use crate::care::{ErrandKind, LetterInput};
use crate::cases::CreateCase;
use crate::council::Answer;
use crate::i18n::{Lang, Text};
pub use crate::mediation::ConfirmMethod;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What was done on the resident's behalf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProxyKind {
    Report,
    Support,
    Vote,
    Letter,
    Errand,
}

impl ProxyKind {
    pub const ALL: [ProxyKind; 5] = [
        ProxyKind::Report,
        ProxyKind::Support,
        ProxyKind::Vote,
        ProxyKind::Letter,
        ProxyKind::Errand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyKind::Report => "report",
            ProxyKind::Support => "support",
            ProxyKind::Vote => "vote",
            ProxyKind::Letter => "letter",
            ProxyKind::Errand => "errand",
        }
    }

    pub fn parse(s: &str) -> Option<ProxyKind> {
        ProxyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The act as a verb phrase: 代您「提交了报事」.
    pub fn text(self) -> Text {
        match self {
            ProxyKind::Report => Text::new("报事", "Report a problem"),
            ProxyKind::Support => Text::new("附议", "Support an item"),
            ProxyKind::Vote => Text::new("投票", "Vote"),
            ProxyKind::Letter => Text::new("给书记写信", "Write to the secretary"),
            ProxyKind::Errand => Text::new("申请代办服务", "Ask for an errand"),
        }
    }

    fn done(self) -> Text {
        match self {
            ProxyKind::Report => Text::new("提交了报事", "filed a report"),
            ProxyKind::Support => Text::new("附议了议题", "supported the item"),
            ProxyKind::Vote => Text::new("投了票", "cast your vote"),
            ProxyKind::Letter => Text::new("给书记写了信", "wrote to the secretary"),
            ProxyKind::Errand => Text::new("申请了代办服务", "asked for an errand"),
        }
    }
}

/// What to do for the resident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyAct {
    Report {
        case: CreateCase,
    },
    Support {
        item_id: i64,
    },
    Vote {
        ballot_id: i64,
        answer: Answer,
    },
    Letter {
        letter: LetterInput,
    },
    Errand {
        errand_kind: ErrandKind,
        description: String,
        /// As in `ErrandInput`: the resident has an open errand of this kind and this is
        /// another matter.
        #[serde(default)]
        confirm_duplicate: bool,
    },
}

impl ProxyAct {
    pub fn kind(&self) -> ProxyKind {
        match self {
            ProxyAct::Report { .. } => ProxyKind::Report,
            ProxyAct::Support { .. } => ProxyKind::Support,
            ProxyAct::Vote { .. } => ProxyKind::Vote,
            ProxyAct::Letter { .. } => ProxyKind::Letter,
            ProxyAct::Errand { .. } => ProxyKind::Errand,
        }
    }
}

/// `POST /proxy/actions`: act for a resident, who is present and confirms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActFor {
    pub resident_id: i64,
    /// How the resident confirmed, there and then.
    pub confirmation: ConfirmMethod,
    pub act: ProxyAct,
}

/// May `who` act on behalf of a resident who lives in `resident_grid`? The office anywhere,
/// a grid worker in their grids; never a resident for another.
pub fn may_act_for(who: &Principal, resident_grid: i64) -> bool {
    who.may_in_grid(Permission::ActForResidents, Some(resident_grid))
}

/// One act done on a resident's behalf.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProxyActionView {
    pub id: i64,
    pub kind: ProxyKind,
    /// Who acted (网格员的名字).
    pub actor_name: String,
    pub resident_id: i64,
    pub resident_name: String,
    pub confirmation: ConfirmMethod,
    /// The record made: `case`, `council_item`, `ballot`, `letter`, `errand`, and its id.
    pub entity: String,
    pub entity_id: i64,
    /// What was done, in the resident's words: a report's title, a vote's choice, an item.
    pub summary: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The resident has seen the notice.
    pub seen: bool,
}

impl ProxyActionView {
    /// The notice the resident reads when they next sign in: "赵网格员 于 2026-12-07 09:30
    /// 代您投了票（按手印确认）：同意".
    pub fn notice(&self, lang: Lang) -> String {
        let template = Text::new(
            "{who} 于 {at} 代您{what}（{how}）：{summary}",
            "{who} {what} for you on {at} ({how}): {summary}",
        );
        template
            .get(lang)
            .replace("{who}", &self.actor_name)
            .replace("{at}", &crate::calendar::format_moment(self.at))
            .replace("{what}", self.kind.done().get(lang))
            .replace("{how}", self.confirmation.text().get(lang))
            .replace("{summary}", &self.summary)
    }
}

/// `POST /me/proxy-notices/seen`: the notices the resident has read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticesSeen {
    pub ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;
    use time::macros::datetime;

    fn who(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "赵网格员".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn the_office_anywhere_grid_workers_in_their_grids_residents_never() {
        assert!(may_act_for(&who(&[Role::Staff], &[]), 3));
        assert!(may_act_for(&who(&[Role::Admin], &[]), 3));
        assert!(may_act_for(&who(&[Role::GridWorker], &[3]), 3));
        assert!(!may_act_for(&who(&[Role::GridWorker], &[4]), 3));
        assert!(!may_act_for(&who(&[Role::Resident], &[]), 3));
        assert!(!may_act_for(&who(&[Role::Mediator], &[]), 3));
    }

    #[test]
    fn the_notice_names_who_when_how_and_what() {
        let v = ProxyActionView {
            id: 1,
            kind: ProxyKind::Vote,
            actor_name: "赵网格员".into(),
            resident_id: 9,
            resident_name: "瞿桂英".into(),
            confirmation: ConfirmMethod::Thumbprint,
            entity: "ballot".into(),
            entity_id: 4,
            summary: "同意".into(),
            at: datetime!(2026-12-07 01:30 UTC),
            seen: false,
        };
        assert_eq!(
            v.notice(Lang::ZhCn),
            "赵网格员 于 2026-12-07 09:30 代您投了票（按手印）：同意"
        );
        assert!(
            v.notice(Lang::En)
                .starts_with("赵网格员 cast your vote for you")
        );
    }
}
