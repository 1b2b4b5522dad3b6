//! Ballots: who may vote, how votes are cast, and how a ballot is counted (quorum, majority).

use super::stages::*;
use crate::accounts::Principal;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Agree,
    Disagree,
    Abstain,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Agree, Choice::Disagree, Choice::Abstain];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Agree => "agree",
            Choice::Disagree => "disagree",
            Choice::Abstain => "abstain",
        }
    }

    pub fn text(self) -> Text {
        match self {
            Choice::Agree => Text::new("同意", "Agree"),
            Choice::Disagree => Text::new("不同意", "Disagree"),
            Choice::Abstain => Text::new("弃权", "Abstain"),
        }
    }
}

/// A decision ballot (agree / disagree / abstain) or a multiple-choice poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BallotKind {
    Decision,
    Poll {
        options: Vec<String>,
        /// How many options one voter may pick.
        max_choices: u16,
    },
}

/// How many must take part for the result to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Quorum {
    None,
    /// More than half of those in scope (as the residents' committee law asks of a
    /// residents' meeting).
    MoreThanHalf,
    /// At least this percentage of those in scope.
    AtLeastPercent {
        percent: u8,
    },
}

/// What it takes for a decision to pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PassRule {
    /// More agree than half of the votes cast (abstentions are votes cast).
    MajorityOfCast,
    /// More agree than half of those in scope.
    MajorityOfEligible,
    /// At least two thirds of the votes cast agree.
    TwoThirdsOfCast,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotRules {
    pub quorum: Quorum,
    pub pass: PassRule,
    /// One vote per household instead of one per resident.
    pub per_household: bool,
    /// Nobody sees the counts until the ballot closes.
    pub hidden_until_close: bool,
    /// Who voted is recorded, what they chose is not; an anonymous vote is final once cast.
    pub anonymous: bool,
    /// A grid worker or the office may cast a resident's vote on their behalf, in their
    /// presence (代办). Ballots opened before this rule existed take the council's default.
    #[serde(default = "proxy_votes_by_default")]
    pub proxy_allowed: bool,
}

/// The council's default: those without a phone are still heard, so a ballot takes votes
/// cast on a resident's behalf unless its rules say otherwise.
pub fn proxy_votes_by_default() -> bool {
    true
}

impl Default for BallotRules {
    fn default() -> Self {
        BallotRules {
            quorum: Quorum::MoreThanHalf,
            pass: PassRule::MajorityOfCast,
            per_household: false,
            hidden_until_close: false,
            anonymous: false,
            proxy_allowed: proxy_votes_by_default(),
        }
    }
}

/// Open a ballot on an item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBallot {
    pub question: String,
    pub kind: BallotKind,
    #[serde(default)]
    pub rules: BallotRules,
    #[serde(with = "time::serde::rfc3339")]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub closes_at: OffsetDateTime,
}

pub const MAX_POLL_OPTIONS: usize = 20;

impl CreateBallot {
    /// The question, trimmed, when everything is in order.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let question = self.question.trim();
        match question.chars().count() {
            0 => errs.add("question", FieldErrorCode::Required),
            n if n > 200 => errs.add("question", FieldErrorCode::TooLong),
            _ => {}
        }
        if let BallotKind::Poll {
            options,
            max_choices,
        } = &self.kind
        {
            if options.len() < 2 || options.len() > MAX_POLL_OPTIONS {
                errs.add("options", FieldErrorCode::OutOfRange);
            } else if options
                .iter()
                .any(|o| o.trim().is_empty() || o.chars().count() > 100)
            {
                errs.add("options", FieldErrorCode::InvalidFormat);
            } else {
                let mut seen: Vec<&str> = options.iter().map(|o| o.trim()).collect();
                seen.sort_unstable();
                seen.dedup();
                if seen.len() != options.len() {
                    errs.add("options", FieldErrorCode::Duplicate);
                }
            }
            if *max_choices == 0 || usize::from(*max_choices) > options.len() {
                errs.add("max_choices", FieldErrorCode::OutOfRange);
            }
        }
        if let Quorum::AtLeastPercent { percent } = self.rules.quorum
            && !(1..=100).contains(&percent)
        {
            errs.add("rules.quorum", FieldErrorCode::OutOfRange);
        }
        if matches!(self.kind, BallotKind::Poll { .. })
            && self.rules.pass != PassRule::MajorityOfCast
        {
            // A poll has a leading option, not a pass or fail.
            errs.add("rules.pass", FieldErrorCode::NotAllowed);
        }
        if self.closes_at <= self.opens_at {
            errs.add("closes_at", FieldErrorCode::OutOfRange);
        }
        if self.closes_at - self.opens_at > time::Duration::days(90) {
            errs.add("closes_at", FieldErrorCode::OutOfRange);
        }
        errs.into_result()?;
        Ok(question.to_string())
    }
}

/// One voter's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    Decision {
        choice: Choice,
    },
    /// Indexes into the poll's options.
    Poll {
        options: Vec<u16>,
    },
}

impl Answer {
    /// Is this a valid answer to a ballot of `kind`? Poll picks come back sorted and distinct.
    pub fn check(&self, kind: &BallotKind) -> Result<Answer, FieldErrorCode> {
        match (self, kind) {
            (Answer::Decision { choice }, BallotKind::Decision) => {
                Ok(Answer::Decision { choice: *choice })
            }
            (
                Answer::Poll { options: picks },
                BallotKind::Poll {
                    options,
                    max_choices,
                },
            ) => {
                let mut picks = picks.clone();
                picks.sort_unstable();
                picks.dedup();
                if picks.is_empty()
                    || picks.len() > usize::from(*max_choices)
                    || picks.iter().any(|p| usize::from(*p) >= options.len())
                {
                    Err(FieldErrorCode::OutOfRange)
                } else {
                    Ok(Answer::Poll { options: picks })
                }
            }
            _ => Err(FieldErrorCode::InvalidFormat),
        }
    }

    /// The counter keys this answer adds one to: `agree`, `disagree`, `abstain`, or `o3`.
    pub fn keys(&self) -> Vec<String> {
        match self {
            Answer::Decision { choice } => vec![choice.as_str().to_string()],
            Answer::Poll { options } => options.iter().map(|o| format!("o{o}")).collect(),
        }
    }

    /// Storage form: the keys joined by commas.
    pub fn encode(&self) -> String {
        self.keys().join(",")
    }

    pub fn decode(s: &str, kind: &BallotKind) -> Option<Answer> {
        match kind {
            BallotKind::Decision => Choice::ALL
                .into_iter()
                .find(|c| c.as_str() == s)
                .map(|choice| Answer::Decision { choice }),
            BallotKind::Poll { .. } => s
                .split(',')
                .map(|k| k.strip_prefix('o')?.parse::<u16>().ok())
                .collect::<Option<Vec<u16>>>()
                .map(|options| Answer::Poll { options }),
        }
    }
}

/// Where a ballot stands in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BallotState {
    NotYetOpen,
    Open,
    /// Past its closing time or closed early; the result is final once frozen.
    Closed,
}

pub fn ballot_state(
    now: OffsetDateTime,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    frozen: bool,
) -> BallotState {
    if frozen || now >= closes_at {
        BallotState::Closed
    } else if now < opens_at {
        BallotState::NotYetOpen
    } else {
        BallotState::Open
    }
}

/// Are the counts shown now?
/// Are the counts shown now? Anonymous ballots always hide them until close: live counts
/// would tell who chose what (watch the counter move as a known voter votes).
pub fn results_visible(rules: &BallotRules, state: BallotState) -> bool {
    state == BallotState::Closed || !(rules.hidden_until_close || rules.anonymous)
}

/// Votes per answer key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub agree: u64,
    pub disagree: u64,
    pub abstain: u64,
    /// Per poll option, in the options' order.
    pub options: Vec<u64>,
}

impl Counts {
    pub fn empty(kind: &BallotKind) -> Counts {
        Counts {
            options: match kind {
                BallotKind::Decision => Vec::new(),
                BallotKind::Poll { options, .. } => vec![0; options.len()],
            },
            ..Counts::default()
        }
    }

    /// Add `n` to the counter a key names; unknown keys are ignored.
    pub fn add(&mut self, key: &str, n: u64) {
        match key {
            "agree" => self.agree += n,
            "disagree" => self.disagree += n,
            "abstain" => self.abstain += n,
            _ => {
                if let Some(i) = key.strip_prefix('o').and_then(|i| i.parse::<usize>().ok())
                    && let Some(c) = self.options.get_mut(i)
                {
                    *c += n;
                }
            }
        }
    }
}

/// A ballot's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// Voters (residents or households) who took part.
    pub turnout: u64,
    /// Voters (residents or households) in scope.
    pub eligible: u64,
    pub quorum_met: bool,
    /// Decision ballots: passed or not (false when the quorum is not met).
    pub passed: Option<bool>,
    /// Polls: the options with the most votes (several on a tie; none without quorum).
    pub leading: Vec<u16>,
}

impl Quorum {
    /// What a result may say about the quorum: whether it was met, or nothing at all when the
    /// ballot has none (then "quorum met" would claim a rule nobody set).
    pub fn verdict(self, outcome: &Outcome) -> Option<bool> {
        match self {
            Quorum::None => None,
            Quorum::MoreThanHalf | Quorum::AtLeastPercent { .. } => Some(outcome.quorum_met),
        }
    }
}

/// Count a ballot. `turnout` is how many voters took part (a poll voter may pick several).
pub fn tally(
    kind: &BallotKind,
    rules: &BallotRules,
    eligible: u64,
    turnout: u64,
    counts: &Counts,
) -> Outcome {
    let quorum_met = match rules.quorum {
        Quorum::None => turnout > 0,
        Quorum::MoreThanHalf => turnout * 2 > eligible,
        Quorum::AtLeastPercent { percent } => turnout * 100 >= eligible * u64::from(percent),
    };
    match kind {
        BallotKind::Decision => {
            let cast = counts.agree + counts.disagree + counts.abstain;
            let rule = match rules.pass {
                PassRule::MajorityOfCast => counts.agree * 2 > cast,
                PassRule::MajorityOfEligible => counts.agree * 2 > eligible,
                PassRule::TwoThirdsOfCast => cast > 0 && counts.agree * 3 >= cast * 2,
            };
            Outcome {
                turnout,
                eligible,
                quorum_met,
                passed: Some(quorum_met && rule),
                leading: Vec::new(),
            }
        }
        BallotKind::Poll { .. } => {
            let top = counts.options.iter().copied().max().unwrap_or(0);
            let leading = if quorum_met && top > 0 {
                (0..counts.options.len())
                    .filter(|i| counts.options[*i] == top)
                    .map(|i| i as u16)
                    .collect()
            } else {
                Vec::new()
            };
            Outcome {
                turnout,
                eligible,
                quorum_met,
                passed: None,
                leading,
            }
        }
    }
}

/// Who a vote is counted for: a resident, or their household when one vote per household.
pub fn voter_key(rules: &BallotRules, resident_id: i64, household_id: i64) -> String {
    if rules.per_household {
        format!("h:{household_id}")
    } else {
        format!("r:{resident_id}")
    }
}

/// Why a vote is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    NotOpen,
    /// The voter is not a verified resident in the item's scope.
    NotEligible,
    /// An anonymous vote was already cast, or another member of the household voted.
    AlreadyVoted,
    /// A vote was already cast for this voter by someone else (on their behalf, or their own
    /// before someone tried to vote for them): one person one vote, never two.
    CastByOther,
    /// This ballot's rules take no votes cast on a resident's behalf.
    ProxyNotAllowed,
}

/// How a vote comes to be cast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteWay {
    /// The resident votes themselves, on their own account.
    Own,
    /// The office records a show of hands at the meeting.
    ShowOfHands,
    /// A grid worker or the office votes on the resident's behalf, in their presence (代办).
    Proxy,
}

/// The vote already counted for the same voter key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreviousVote {
    pub resident_id: i64,
    pub way: VoteWay,
}

/// May this vote be cast or changed? `previous` is the vote already counted for the same
/// voter key, if any. A vote cast on a resident's behalf and one of their own never both
/// count: whichever comes second is refused, and neither replaces the other.
pub fn check_vote(
    state: BallotState,
    rules: &BallotRules,
    eligible: bool,
    resident_id: i64,
    way: VoteWay,
    previous: Option<PreviousVote>,
) -> Result<(), VoteRefusal> {
    if state != BallotState::Open {
        return Err(VoteRefusal::NotOpen);
    }
    if way == VoteWay::Proxy && !rules.proxy_allowed {
        return Err(VoteRefusal::ProxyNotAllowed);
    }
    if !eligible {
        return Err(VoteRefusal::NotEligible);
    }
    match previous {
        None => Ok(()),
        Some(_) if rules.anonymous => Err(VoteRefusal::AlreadyVoted),
        Some(p) if p.resident_id != resident_id => Err(VoteRefusal::AlreadyVoted),
        Some(p) if p.way == VoteWay::Proxy || way == VoteWay::Proxy => {
            Err(VoteRefusal::CastByOther)
        }
        // The resident's own vote is theirs: the office does not record over it.
        Some(p) if p.way == VoteWay::Own && way == VoteWay::ShowOfHands => {
            Err(VoteRefusal::AlreadyVoted)
        }
        Some(_) => Ok(()),
    }
}

/// Until when a resident may take back their own vote (撤回): within the undo window of
/// casting it and before the ballot closes. Anonymous votes are final once cast (the counters
/// cannot tell which one to take off), and a vote cast on their behalf is taken back only
/// with whoever cast it.
pub fn vote_withdraw_until(
    rules: &BallotRules,
    state: BallotState,
    way: VoteWay,
    cast_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    if rules.anonymous || state != BallotState::Open || way != VoteWay::Own {
        return None;
    }
    crate::undo::undo_until(cast_at, now, Some(closes_at))
}

/// Cast or change a vote. Staff recording a show of hands name the resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastVote {
    pub answer: Answer,
    /// Staff recording the vote of an attendee at a meeting; absent when residents vote
    /// for themselves.
    #[serde(default)]
    pub resident_id: Option<i64>,
}

/// May `who` record votes for others (by show of hands at a meeting)?
pub fn may_record_votes(who: &Principal, rel: ItemRelation) -> bool {
    may_manage(who, rel)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotView {
    pub id: i64,
    pub item_id: i64,
    pub question: String,
    pub kind: BallotKind,
    pub rules: BallotRules,
    #[serde(with = "time::serde::rfc3339")]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub closes_at: OffsetDateTime,
    pub state: BallotState,
    /// The result is frozen (closed by staff or at the first look after its closing time).
    pub frozen: bool,
    /// Counts, when visible.
    pub counts: Option<Counts>,
    pub outcome: Option<Outcome>,
    /// The asking user's own vote (never for anonymous ballots: only that they voted).
    pub my_answer: Option<Answer>,
    pub i_voted: bool,
    /// The asking user may vote (a verified resident in scope, ballot open).
    pub may_vote: bool,
    /// The asking user's vote was cast on their behalf (代办): it counts, and they may not
    /// cast another.
    #[serde(default)]
    pub voted_by_proxy: bool,
    /// The asking user may take back their vote until then (`vote_withdraw_until`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub withdraw_until: Option<OffsetDateTime>,
    pub version: i64,
}
