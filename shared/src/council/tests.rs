//! The rules of deliberation, tested on hand-made items and ballots.

use super::*;
use crate::accounts::{Principal, Role};
use crate::error::{FieldErrorCode, FieldErrors};
use time::macros::{date, datetime};

fn person(roles: &[Role], grids: &[i64]) -> Principal {
    Principal {
        user_id: 1,
        username: "u".into(),
        display_name: "U".into(),
        roles: roles.to_vec(),
        grid_ids: grids.to_vec(),
    }
}

#[test]
fn items_are_raised_by_who_manages_or_lives_there() {
    let own = ItemRelation { in_own_grid: true };
    let other = ItemRelation { in_own_grid: false };
    assert!(
        may_raise(&person(&[Role::Staff], &[]), other, false),
        "the office anywhere"
    );
    assert!(may_raise(&person(&[Role::GridWorker], &[1]), own, false));
    assert!(
        !may_raise(&person(&[Role::GridWorker], &[1]), other, false),
        "another grid"
    );
    assert!(
        may_raise(&person(&[Role::Resident], &[]), other, true),
        "where they live"
    );
    assert!(
        !may_raise(&person(&[Role::Resident], &[]), other, false),
        "elsewhere, or unverified"
    );
    assert!(
        !may_raise(&person(&[Role::Mediator], &[]), other, true),
        "a mediator's account"
    );
}

#[test]
fn a_hide_reason_is_required_and_bounded() {
    let hide = |r: &str| HideComment { reason: r.into() }.validate();
    assert_eq!(hide("  广告 ").unwrap(), "广告");
    assert!(hide("   ").is_err());
    assert!(hide(&"长".repeat(HideComment::REASON_MAX)).is_ok());
    assert!(hide(&"长".repeat(HideComment::REASON_MAX + 1)).is_err());
}

fn facts(stage: ItemStage, tier: Option<Tier>) -> ItemFacts {
    ItemFacts {
        stage,
        tier,
        ballot_open: false,
        last_ballot_passed: None,
        case_closed: None,
    }
}

const OWN: ItemRelation = ItemRelation { in_own_grid: true };
const OTHER: ItemRelation = ItemRelation { in_own_grid: false };

#[test]
fn tiers_route_to_their_meetings() {
    assert_eq!(Tier::Small.route(), Route::LeaderDecides);
    assert_eq!(Tier::Big.meeting_kind(), Some(MeetingKind::Regular));
    assert_eq!(Tier::Important.meeting_kind(), Some(MeetingKind::Focused));
    assert_eq!(Tier::Hard.route(), Route::Recurring);
    assert!(meeting_fits(Some(Tier::Big), MeetingKind::Regular));
    assert!(!meeting_fits(Some(Tier::Big), MeetingKind::Focused));
    assert!(!meeting_fits(Some(Tier::Important), MeetingKind::Regular));
    assert!(meeting_fits(Some(Tier::Hard), MeetingKind::Focused));
    for t in Tier::ALL {
        assert_eq!(Tier::parse(t.as_str()), Some(t));
    }
}

#[test]
fn only_small_matters_are_decided_without_a_meeting() {
    let leader = person(&[Role::GridWorker], &[3]);
    let small = facts(ItemStage::Gathering, Some(Tier::Small));
    assert_eq!(
        check_item_move(small, ItemAction::Decide, &leader, OWN),
        Ok(ItemStage::Decided)
    );
    let big = facts(ItemStage::Gathering, Some(Tier::Big));
    assert_eq!(
        check_item_move(big, ItemAction::Decide, &leader, OWN),
        Err(ItemRefusal::NeedsMeeting)
    );
    let at_meeting = facts(ItemStage::Deliberating, Some(Tier::Big));
    assert!(check_item_move(at_meeting, ItemAction::Decide, &leader, OWN).is_ok());
}

#[test]
fn who_may_move_items() {
    let f = facts(ItemStage::Proposed, None);
    let staff = person(&[Role::Staff], &[]);
    let leader = person(&[Role::GridWorker], &[3]);
    let resident = person(&[Role::Resident], &[]);
    let mediator = person(&[Role::Mediator], &[]);
    assert!(check_item_move(f, ItemAction::Accept, &staff, OTHER).is_ok());
    assert!(check_item_move(f, ItemAction::Accept, &leader, OWN).is_ok());
    assert_eq!(
        check_item_move(f, ItemAction::Accept, &leader, OTHER),
        Err(ItemRefusal::NotYours)
    );
    for who in [&resident, &mediator] {
        assert!(legal_item_actions(f, who, OWN).is_empty());
    }
}

#[test]
fn every_stage_offers_exactly_its_moves_to_the_office() {
    let staff = person(&[Role::Staff], &[]);
    for stage in ItemStage::ALL {
        let f = facts(stage, Some(Tier::Big));
        let legal = legal_item_actions(f, &staff, OTHER);
        for a in ItemAction::ALL {
            let expected = a.from().contains(&stage)
                && !(a == ItemAction::Decide && stage == ItemStage::Gathering);
            assert_eq!(legal.contains(&a), expected, "{stage:?} {a:?}");
        }
    }
    assert!(legal_item_actions(facts(ItemStage::Done, None), &staff, OTHER).is_empty());
    assert!(legal_item_actions(facts(ItemStage::NotAdopted, None), &staff, OTHER).is_empty());
}

#[test]
fn ballots_gate_decisions() {
    let staff = person(&[Role::Staff], &[]);
    let mut f = facts(ItemStage::Deliberating, Some(Tier::Big));
    f.ballot_open = true;
    assert_eq!(
        check_item_move(f, ItemAction::Decide, &staff, OTHER),
        Err(ItemRefusal::BallotOpen)
    );
    assert_eq!(
        check_item_move(f, ItemAction::Carry, &staff, OTHER),
        Err(ItemRefusal::BallotOpen)
    );
    f.ballot_open = false;
    f.last_ballot_passed = Some(false);
    assert_eq!(
        check_item_move(f, ItemAction::Decide, &staff, OTHER),
        Err(ItemRefusal::BallotFailed)
    );
    assert!(check_item_move(f, ItemAction::Carry, &staff, OTHER).is_ok());
    assert!(check_item_move(f, ItemAction::Reject, &staff, OTHER).is_ok());
    f.last_ballot_passed = Some(true);
    assert!(check_item_move(f, ItemAction::Decide, &staff, OTHER).is_ok());
}

#[test]
fn completion_waits_for_the_case() {
    let staff = person(&[Role::Staff], &[]);
    let mut f = facts(ItemStage::CarryingOut, Some(Tier::Big));
    f.case_closed = Some(false);
    assert_eq!(
        check_item_move(f, ItemAction::Complete, &staff, OTHER),
        Err(ItemRefusal::CaseOpen)
    );
    f.case_closed = Some(true);
    assert!(check_item_move(f, ItemAction::Complete, &staff, OTHER).is_ok());
}

#[test]
fn support_threshold() {
    assert!(!support_reached(9, 10));
    assert!(support_reached(10, 10));
    assert!(!support_reached(100, 0));
}

#[test]
fn moves_carry_what_they_need() {
    let today = date!(2026 - 11 - 29);
    let m = |action| MoveItem {
        action,
        version: 1,
        tier: None,
        meeting_id: None,
        note: Some("  ".into()),
        decision: None,
    };
    let field = |r: Result<Option<String>, FieldErrors>| r.unwrap_err().0[0].0.clone();
    assert_eq!(field(m(ItemAction::Accept).validate(today)), "tier");
    assert_eq!(field(m(ItemAction::Schedule).validate(today)), "meeting_id");
    assert_eq!(field(m(ItemAction::Reject).validate(today)), "note");
    assert_eq!(field(m(ItemAction::Decide).validate(today)), "decision");
    let mut d = m(ItemAction::Decide);
    d.decision = Some(Decision {
        text: "物业两周内修好路灯".into(),
        responsible_party_id: 1,
        category_id: 1,
        deadline: date!(2026 - 11 - 28),
    });
    assert_eq!(field(d.validate(today)), "decision.deadline");
    d.decision.as_mut().unwrap().deadline = today;
    assert_eq!(d.validate(today), Ok(None));
}

fn decision_counts(agree: u64, disagree: u64, abstain: u64) -> Counts {
    Counts {
        agree,
        disagree,
        abstain,
        options: vec![],
    }
}

#[test]
fn a_ballot_without_quorum_says_nothing_about_one() {
    let k = BallotKind::Decision;
    let none = BallotRules {
        quorum: Quorum::None,
        ..BallotRules::default()
    };
    let o = tally(&k, &none, 100, 1, &decision_counts(1, 0, 0));
    assert_eq!(Quorum::None.verdict(&o), None);
    let half = BallotRules::default();
    let o = tally(&k, &half, 100, 1, &decision_counts(1, 0, 0));
    assert_eq!(half.quorum.verdict(&o), Some(false));
    let o = tally(&k, &half, 100, 51, &decision_counts(51, 0, 0));
    assert_eq!(half.quorum.verdict(&o), Some(true));
}

#[test]
fn quorum_more_than_half() {
    let rules = BallotRules::default();
    let k = BallotKind::Decision;
    // 100 households in scope: 50 is not more than half.
    let o = tally(&k, &rules, 100, 50, &decision_counts(50, 0, 0));
    assert!(!o.quorum_met);
    assert_eq!(o.passed, Some(false));
    let o = tally(&k, &rules, 100, 51, &decision_counts(30, 21, 0));
    assert!(o.quorum_met);
    assert_eq!(o.passed, Some(true));
    let rules = BallotRules {
        quorum: Quorum::AtLeastPercent { percent: 30 },
        ..rules
    };
    assert!(tally(&k, &rules, 100, 30, &decision_counts(30, 0, 0)).quorum_met);
    assert!(!tally(&k, &rules, 100, 29, &decision_counts(29, 0, 0)).quorum_met);
    let none = BallotRules {
        quorum: Quorum::None,
        ..rules
    };
    assert!(!tally(&k, &none, 100, 0, &Counts::default()).quorum_met);
}

#[test]
fn pass_rules() {
    let k = BallotKind::Decision;
    let cast = BallotRules {
        quorum: Quorum::None,
        ..BallotRules::default()
    };
    // Abstentions count as votes cast: 5 agree of 10 cast is not a majority.
    assert_eq!(
        tally(&k, &cast, 20, 10, &decision_counts(5, 2, 3)).passed,
        Some(false)
    );
    assert_eq!(
        tally(&k, &cast, 20, 10, &decision_counts(6, 1, 3)).passed,
        Some(true)
    );
    let eligible = BallotRules {
        pass: PassRule::MajorityOfEligible,
        ..cast
    };
    assert_eq!(
        tally(&k, &eligible, 20, 10, &decision_counts(10, 0, 0)).passed,
        Some(false)
    );
    assert_eq!(
        tally(&k, &eligible, 20, 11, &decision_counts(11, 0, 0)).passed,
        Some(true)
    );
    let two_thirds = BallotRules {
        pass: PassRule::TwoThirdsOfCast,
        ..cast
    };
    assert_eq!(
        tally(&k, &two_thirds, 9, 9, &decision_counts(6, 3, 0)).passed,
        Some(true)
    );
    assert_eq!(
        tally(&k, &two_thirds, 9, 9, &decision_counts(5, 4, 0)).passed,
        Some(false)
    );
}

#[test]
fn polls_lead_with_ties() {
    let k = BallotKind::Poll {
        options: vec!["周六".into(), "周日".into(), "周三晚".into()],
        max_choices: 2,
    };
    let rules = BallotRules {
        quorum: Quorum::None,
        ..BallotRules::default()
    };
    let mut c = Counts::empty(&k);
    for key in ["o0", "o2", "o2", "o0", "o1", "x9", "o7"] {
        c.add(key, 1);
    }
    let o = tally(&k, &rules, 10, 3, &c);
    assert_eq!(o.leading, vec![0, 2]);
    assert_eq!(o.passed, None);
}

#[test]
fn answers_match_their_ballot() {
    let poll = BallotKind::Poll {
        options: vec!["a".into(), "b".into(), "c".into()],
        max_choices: 2,
    };
    let picks = Answer::Poll {
        options: vec![2, 0, 2],
    };
    assert_eq!(
        picks.check(&poll),
        Ok(Answer::Poll {
            options: vec![0, 2]
        })
    );
    assert_eq!(
        Answer::Poll {
            options: vec![0, 1, 2]
        }
        .check(&poll),
        Err(FieldErrorCode::OutOfRange)
    );
    assert_eq!(
        Answer::Poll { options: vec![3] }.check(&poll),
        Err(FieldErrorCode::OutOfRange)
    );
    assert_eq!(
        Answer::Decision {
            choice: Choice::Agree
        }
        .check(&poll),
        Err(FieldErrorCode::InvalidFormat)
    );
    let a = Answer::Poll {
        options: vec![0, 2],
    };
    assert_eq!(Answer::decode(&a.encode(), &poll), Some(a));
    let d = Answer::Decision {
        choice: Choice::Abstain,
    };
    assert_eq!(Answer::decode(&d.encode(), &BallotKind::Decision), Some(d));
}

#[test]
fn votes_change_until_close_except_anonymous() {
    let open = BallotState::Open;
    let rules = BallotRules::default();
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Own, None),
        Ok(())
    );
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Own, Some(own(7))),
        Ok(())
    );
    assert_eq!(
        check_vote(
            BallotState::Closed,
            &rules,
            true,
            7,
            VoteWay::Own,
            Some(own(7))
        ),
        Err(VoteRefusal::NotOpen)
    );
    assert_eq!(
        check_vote(BallotState::NotYetOpen, &rules, true, 7, VoteWay::Own, None),
        Err(VoteRefusal::NotOpen)
    );
    assert_eq!(
        check_vote(open, &rules, false, 7, VoteWay::Own, None),
        Err(VoteRefusal::NotEligible)
    );
    let anon = BallotRules {
        anonymous: true,
        ..rules
    };
    assert_eq!(check_vote(open, &anon, true, 7, VoteWay::Own, None), Ok(()));
    assert_eq!(
        check_vote(open, &anon, true, 7, VoteWay::Own, Some(own(7))),
        Err(VoteRefusal::AlreadyVoted)
    );
    let household = BallotRules {
        per_household: true,
        ..rules
    };
    assert_eq!(voter_key(&household, 7, 40), "h:40");
    assert_eq!(voter_key(&rules, 7, 40), "r:7");
    // Another member of the household already voted.
    assert_eq!(
        check_vote(open, &household, true, 8, VoteWay::Own, Some(own(7))),
        Err(VoteRefusal::AlreadyVoted)
    );
}

fn own(resident_id: i64) -> PreviousVote {
    PreviousVote {
        resident_id,
        way: VoteWay::Own,
    }
}

#[test]
fn a_proxy_vote_and_an_own_vote_never_both_count() {
    let rules = BallotRules::default();
    let open = BallotState::Open;
    let proxy = PreviousVote {
        resident_id: 7,
        way: VoteWay::Proxy,
    };
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Proxy, None),
        Ok(())
    );
    // Her own vote after one cast for her, and one cast for her after her own.
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Own, Some(proxy)),
        Err(VoteRefusal::CastByOther)
    );
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Proxy, Some(own(7))),
        Err(VoteRefusal::CastByOther)
    );
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::Proxy, Some(proxy)),
        Err(VoteRefusal::CastByOther)
    );
    // The office does not record a show of hands over her own vote.
    assert_eq!(
        check_vote(open, &rules, true, 7, VoteWay::ShowOfHands, Some(own(7))),
        Err(VoteRefusal::AlreadyVoted)
    );
    let no_proxy = BallotRules {
        proxy_allowed: false,
        ..rules
    };
    assert_eq!(
        check_vote(open, &no_proxy, true, 7, VoteWay::Proxy, None),
        Err(VoteRefusal::ProxyNotAllowed)
    );
    assert_eq!(
        check_vote(open, &no_proxy, true, 7, VoteWay::Own, None),
        Ok(())
    );
}

#[test]
fn ballots_opened_before_the_proxy_rule_take_the_councils_default() {
    let old: BallotRules = serde_json::from_str(
        r#"{"quorum": {"type": "none"}, "pass": "majority_of_cast", "per_household": false, "hidden_until_close": false, "anonymous": false}"#,
    )
    .unwrap();
    assert_eq!(old.proxy_allowed, proxy_votes_by_default());
    assert!(BallotRules::default().proxy_allowed);
}

#[test]
fn own_votes_and_supports_are_withdrawn_within_the_window_only() {
    let rules = BallotRules::default();
    let at = datetime!(2026-12-07 08:00 UTC);
    let closes = datetime!(2026-12-07 08:05 UTC);
    let open = BallotState::Open;
    assert_eq!(
        vote_withdraw_until(&rules, open, VoteWay::Own, at, closes, at),
        Some(closes)
    );
    assert_eq!(
        vote_withdraw_until(
            &rules,
            BallotState::Closed,
            VoteWay::Own,
            at,
            closes,
            closes
        ),
        None
    );
    let later = datetime!(2026-12-08 08:00 UTC);
    assert_eq!(
        vote_withdraw_until(
            &rules,
            open,
            VoteWay::Own,
            at,
            later,
            at + time::Duration::minutes(9)
        ),
        Some(at + crate::undo::UNDO_WINDOW)
    );
    assert_eq!(
        vote_withdraw_until(
            &rules,
            open,
            VoteWay::Own,
            at,
            later,
            at + crate::undo::UNDO_WINDOW
        ),
        None
    );
    assert_eq!(
        vote_withdraw_until(&rules, open, VoteWay::Proxy, at, later, at),
        None
    );
    let anon = BallotRules {
        anonymous: true,
        ..rules
    };
    assert_eq!(
        vote_withdraw_until(&anon, open, VoteWay::Own, at, later, at),
        None
    );
    assert_eq!(
        support_withdraw_until(ItemStage::Gathering, true, at, at),
        Some(at + crate::undo::UNDO_WINDOW)
    );
    assert_eq!(
        support_withdraw_until(ItemStage::Scheduled, true, at, at),
        None
    );
    assert_eq!(
        support_withdraw_until(ItemStage::Gathering, false, at, at),
        None
    );
}

#[test]
fn hidden_results_show_at_close() {
    let hidden = BallotRules {
        hidden_until_close: true,
        ..BallotRules::default()
    };
    let opens = datetime!(2026-12-01 09:00 UTC);
    let closes = datetime!(2026-12-03 18:00 UTC);
    let during = ballot_state(datetime!(2026-12-02 12:00 UTC), opens, closes, false);
    assert_eq!(during, BallotState::Open);
    assert!(!results_visible(&hidden, during));
    assert!(results_visible(&BallotRules::default(), during));
    let anonymous = BallotRules {
        anonymous: true,
        ..BallotRules::default()
    };
    assert!(
        !results_visible(&anonymous, during),
        "secret ballots hide live counts"
    );
    let after = ballot_state(closes, opens, closes, false);
    assert_eq!(after, BallotState::Closed);
    assert!(results_visible(&hidden, after));
    let early = ballot_state(datetime!(2026-12-02 12:00 UTC), opens, closes, true);
    assert_eq!(early, BallotState::Closed);
    assert_eq!(
        ballot_state(datetime!(2026-11-30 12:00 UTC), opens, closes, false),
        BallotState::NotYetOpen
    );
}

#[test]
fn ballot_definitions_are_checked() {
    let opens = datetime!(2026-12-01 09:00 UTC);
    let good = CreateBallot {
        question: " 是否同意在3号楼下加装充电桩？ ".into(),
        kind: BallotKind::Decision,
        rules: BallotRules::default(),
        opens_at: opens,
        closes_at: opens + time::Duration::days(3),
    };
    assert_eq!(good.validate().unwrap(), "是否同意在3号楼下加装充电桩？");
    let backwards = CreateBallot {
        closes_at: opens,
        ..good.clone()
    };
    assert!(backwards.validate().is_err());
    let poll = CreateBallot {
        kind: BallotKind::Poll {
            options: vec!["周六".into(), "周六 ".into()],
            max_choices: 1,
        },
        ..good.clone()
    };
    assert_eq!(poll.validate().unwrap_err().0[0].0, "options");
    let poll_rule = CreateBallot {
        kind: BallotKind::Poll {
            options: vec!["周六".into(), "周日".into()],
            max_choices: 1,
        },
        rules: BallotRules {
            pass: PassRule::TwoThirdsOfCast,
            ..BallotRules::default()
        },
        ..good
    };
    assert_eq!(poll_rule.validate().unwrap_err().0[0].0, "rules.pass");
}

#[test]
fn overdue_decisions() {
    let deadline = date!(2026 - 12 - 10);
    assert!(!decision_overdue(ItemStage::Decided, deadline, deadline));
    assert!(decision_overdue(
        ItemStage::CarryingOut,
        deadline,
        date!(2026 - 12 - 11)
    ));
    assert!(!decision_overdue(
        ItemStage::Done,
        deadline,
        date!(2026 - 12 - 11)
    ));
}

#[test]
fn who_adds_photos() {
    let resident = person(&[Role::Resident], &[]);
    let staff = person(&[Role::Staff], &[]);
    let gw = person(&[Role::GridWorker], &[7]);
    // The raiser (user 1) while proposing and gathering, not after.
    assert!(may_add_photo(
        &resident,
        Some(1),
        ItemStage::Proposed,
        OTHER
    ));
    assert!(may_add_photo(
        &resident,
        Some(1),
        ItemStage::Gathering,
        OTHER
    ));
    assert!(!may_add_photo(
        &resident,
        Some(1),
        ItemStage::Scheduled,
        OTHER
    ));
    assert!(!may_add_photo(
        &resident,
        Some(2),
        ItemStage::Proposed,
        OTHER
    ));
    // Those who manage it until it is done or not adopted.
    let staff_other = Principal {
        user_id: 9,
        ..staff
    };
    assert!(may_add_photo(
        &staff_other,
        Some(1),
        ItemStage::Decided,
        OTHER
    ));
    assert!(!may_add_photo(
        &staff_other,
        Some(1),
        ItemStage::Done,
        OTHER
    ));
    let gw_other = Principal { user_id: 9, ..gw };
    assert!(may_add_photo(&gw_other, Some(1), ItemStage::Scheduled, OWN));
    assert!(!may_add_photo(
        &gw_other,
        Some(1),
        ItemStage::Scheduled,
        OTHER
    ));
}
