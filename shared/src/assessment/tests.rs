use super::*;
use crate::error::FieldErrorCode;

fn rule(indicator: Indicator, weight: u32, target: f64, floor: f64) -> Rule {
    Rule {
        subject: Subject::GridWorker,
        indicator,
        weight,
        target,
        floor,
    }
}

#[test]
fn an_indicator_earns_its_weight_at_the_target_and_nothing_at_the_floor() {
    let more = rule(Indicator::ReportsFiled, 10, 20.0, 0.0);
    assert_eq!(more.earned(0.0), 0.0);
    assert_eq!(more.earned(10.0), 0.5);
    assert_eq!(more.earned(20.0), 1.0);
    assert_eq!(more.earned(35.0), 1.0, "past the target earns no more");
    // Less is better: the floor lies above the target.
    let fewer = rule(Indicator::MissedReports, 10, 0.0, 5.0);
    assert_eq!(fewer.earned(0.0), 1.0);
    assert_eq!(fewer.earned(1.0), 0.8);
    assert_eq!(fewer.earned(5.0), 0.0);
    assert_eq!(fewer.earned(9.0), 0.0);
}

#[test]
fn a_score_counts_only_indicators_with_a_value() {
    let rules = Rules::defaults(1);
    let mut values = vec![
        Value::count(Indicator::ReportsFiled, 10),       // 15 × 0.5
        Value::ratio(Indicator::ValidReportRate, 9, 10), // 20 × 1
        Value::ratio(Indicator::OnTimeVerification, 0, 0), // nothing to verify: left out
        Value::count(Indicator::MissedReports, 0),       // 15 × 1
        Value::ratio(Indicator::VisitsOnSchedule, 0, 0), // left out
        Value::count(Indicator::PatrolDays, 0),          // 15 × 0
    ];
    let s = score(&rules, Subject::GridWorker, &mut values).unwrap();
    // (7.5 + 20 + 15 + 0) / (15 + 20 + 15 + 15) = 42.5 / 65
    assert_eq!(s, 65.4);
    assert_eq!(values[0].earned, Some(0.5));
    assert_eq!(values[2].earned, None);
    assert_eq!(values[5].earned, Some(0.0));
}

#[test]
fn no_score_without_any_weighted_value() {
    let rules = Rules::defaults(1);
    let mut values = vec![Value::ratio(Indicator::ClosureRate, 0, 0)];
    assert_eq!(score(&rules, Subject::Party, &mut values), None);
    // A weight of 0 shows the value but does not score it.
    let mut zero = Rules::defaults(1);
    for r in zero.rules.iter_mut() {
        r.weight = 0;
    }
    let mut values = vec![Value::ratio(Indicator::ClosureRate, 1, 1)];
    assert_eq!(score(&zero, Subject::Party, &mut values), None);
    assert_eq!(values[0].earned, Some(1.0));
}

#[test]
fn a_rate_per_1000_has_no_value_without_residents() {
    let v = Value::per_1000(Indicator::ResidentsServedPer1000, 30, 600);
    assert_eq!(v.value, Some(50.0));
    assert_eq!(v.denominator, Some(600));
    assert_eq!(
        Value::per_1000(Indicator::ResidentsServedPer1000, 3, 0).value,
        None
    );
}

#[test]
fn equal_scores_share_a_rank_and_the_next_rank_is_skipped() {
    assert_eq!(
        ranks(&[Some(80.0), Some(90.0), None, Some(80.0), Some(70.0)]),
        vec![Some(2), Some(1), None, Some(2), Some(4)]
    );
    let rows = ranked(vec![
        Row {
            key_id: 1,
            name: "乙".into(),
            score: None,
            rank: None,
            values: vec![],
        },
        Row {
            key_id: 2,
            name: "甲".into(),
            score: Some(50.0),
            rank: None,
            values: vec![],
        },
    ]);
    assert_eq!(rows[0].key_id, 2);
    assert_eq!(rows[0].rank, Some(1));
    assert_eq!(rows[1].rank, None);
}

#[test]
fn rules_are_checked_field_by_field() {
    let mut rules = Rules::defaults(1);
    assert_eq!(rules.check(), Ok(()));
    rules.rules[1].target = 1.5; // a ratio above 100 %
    assert_eq!(
        rules.check(),
        Err(("rules[1].target".into(), FieldErrorCode::OutOfRange))
    );
    let mut rules = Rules::defaults(1);
    rules.rules[0].floor = rules.rules[0].target;
    assert_eq!(
        rules.check(),
        Err(("rules[0].floor".into(), FieldErrorCode::NotAllowed))
    );
    let mut rules = Rules::defaults(1);
    rules.rules[2].weight = 101;
    assert_eq!(
        rules.check(),
        Err(("rules[2].weight".into(), FieldErrorCode::OutOfRange))
    );
    let mut rules = Rules::defaults(1);
    rules.rules[0].target = f64::NAN;
    assert!(rules.check().is_err());
    let mut rules = Rules::defaults(1);
    let dup = rules.rules[0];
    rules.rules.push(dup);
    assert_eq!(
        rules.check().map_err(|e| e.1),
        Err(FieldErrorCode::Duplicate)
    );
    // An indicator a subject is not measured by.
    let mut rules = Rules::defaults(1);
    rules.rules[0].indicator = Indicator::ResidentsServedPer1000;
    assert_eq!(
        rules.check(),
        Err(("rules[0].indicator".into(), FieldErrorCode::NotAllowed))
    );
    // Every subject needs some weight.
    let mut rules = Rules::defaults(1);
    for r in rules
        .rules
        .iter_mut()
        .filter(|r| r.subject == Subject::Party)
    {
        r.weight = 0;
    }
    assert_eq!(
        rules.check(),
        Err(("rules".into(), FieldErrorCode::Required))
    );
}

#[test]
fn stored_rules_lie_over_the_defaults() {
    let mut changed = Indicator::PatrolDays.default_rule(Subject::GridWorker);
    changed.target = 10.0;
    let r = Rules::with(4, [changed]);
    assert_eq!(r.version, 4);
    assert_eq!(r.rules.len(), Rules::defaults(0).rules.len());
    assert_eq!(
        r.of(Subject::GridWorker)
            .find(|x| x.indicator == Indicator::PatrolDays)
            .unwrap()
            .target,
        10.0
    );
    // The defaults are valid and weigh 100 per subject.
    let d = Rules::defaults(0);
    assert_eq!(d.check(), Ok(()));
    for s in Subject::ALL {
        assert_eq!(d.of(s).map(|r| r.weight).sum::<u32>(), 100, "{s:?}");
    }
}

#[test]
fn names_round_trip() {
    for s in Subject::ALL {
        assert_eq!(Subject::parse(s.as_str()), Some(s));
    }
    for i in Indicator::ALL {
        assert_eq!(Indicator::parse(i.as_str()), Some(i));
    }
}

#[test]
fn the_case_indicators_agree_with_the_dashboard() {
    use crate::stats::{CaseCounts, FigureId};
    let cases = CaseCounts {
        board: crate::board::Counts {
            due: 10,
            postponed: 2,
            closed: 6,
            closed_on_time: 4,
            verifications: 5,
            verifications_failed: 1,
            ..Default::default()
        },
        ratings: 4,
        satisfied: 3,
        ..Default::default()
    };
    let c = SubjectCounts {
        cases: cases.clone(),
        ..Default::default()
    };
    for (i, f) in [
        (Indicator::ClosureRate, FigureId::ClosureRate),
        (Indicator::OnTimeRate, FigureId::OnTimeRate),
        (Indicator::ReworkRate, FigureId::ReworkRate),
        (Indicator::Satisfaction, FigureId::Satisfaction),
    ] {
        assert_eq!(c.value(i).value, cases.figure(f), "{i:?}");
    }
    assert_eq!(c.value(Indicator::ClosureRate).denominator, Some(8));
    let row = c.row(&Rules::defaults(1), Subject::Party, 7, "城管".into());
    assert_eq!(row.values.len(), Subject::Party.indicators().len());
    // on time 0.5 (w30: 0), closure 0.75 (w25: 0.4286), rework 0.2 (w20: 0.4),
    // satisfaction 0.75 (w25: 0.5) → (0 + 10.714 + 8 + 12.5) / 100
    assert_eq!(row.score, Some(31.2));
}
