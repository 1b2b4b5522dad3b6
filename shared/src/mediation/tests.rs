//! The rules of mediation, tested on hand-made files.

#[cfg(test)]
mod tests {
    use crate::accounts::{Principal, Role};

    use crate::mediation::*;
    use time::OffsetDateTime;
    use time::macros::date;

    #[test]
    fn words_said_face_to_face_are_shared_by_default_and_back_to_back_are_not() {
        assert!(SessionMode::Joint.shared_by_default());
        assert!(!SessionMode::BackToBack.shared_by_default());
    }

    fn who(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 9,
            username: "x".into(),
            display_name: "X".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn residents_apply_for_themselves_only() {
        let resident = who(&[Role::Resident], &[]);
        assert!(Origin::Application.may_choose(&resident));
        assert!(!Origin::Initiative.may_choose(&resident));
        assert!(!Origin::Referral.may_choose(&resident));
        for office in [
            who(&[Role::Staff], &[]),
            who(&[Role::Mediator], &[]),
            who(&[Role::GridWorker, Role::Resident], &[1]),
        ] {
            assert!(!applies_for_self_only(&office));
            assert!(Origin::ALL.iter().all(|o| o.may_choose(&office)));
        }
    }

    #[test]
    fn a_term_is_performed_with_proof() {
        let done = |p: &str| Performed { proof: p.into() }.validate();
        assert_eq!(done(" 已付清 ").unwrap(), "已付清");
        assert!(done("").is_err());
        assert!(done(&"证".repeat(Performed::PROOF_MAX + 1)).is_err());
    }

    const ON_CASE: FileRelation = FileRelation {
        mediator: true,
        party: false,
        in_own_grid: false,
    };
    const PARTY: FileRelation = FileRelation {
        mediator: false,
        party: true,
        in_own_grid: false,
    };
    const NONE: FileRelation = FileRelation {
        mediator: false,
        party: false,
        in_own_grid: false,
    };

    #[test]
    fn access_by_role_and_relation() {
        let mediator = who(&[Role::Mediator], &[]);
        assert_eq!(access(&mediator, ON_CASE), Access::Mediator);
        assert_eq!(access(&mediator, NONE), Access::None, "another mediator");
        let resident = who(&[Role::Resident], &[]);
        assert_eq!(access(&resident, PARTY), Access::Party);
        assert_eq!(access(&resident, NONE), Access::None);
        assert_eq!(access(&who(&[Role::Staff], &[]), NONE), Access::Office);
        assert_eq!(access(&who(&[Role::Admin], &[]), NONE), Access::Office);
        let gw = who(&[Role::GridWorker], &[1]);
        assert_eq!(
            access(
                &gw,
                FileRelation {
                    in_own_grid: true,
                    ..NONE
                }
            ),
            Access::Office
        );
        assert_eq!(access(&gw, NONE), Access::None);
        // Staff in a dispute of their own are a party there, and do not run the file.
        let staff = who(&[Role::Staff], &[]);
        assert_eq!(access(&staff, PARTY), Access::Party);
        assert!(!may_run(&staff, PARTY));
        assert!(may_run(&staff, NONE));
    }

    #[test]
    fn the_office_assigns_mediators_but_not_in_its_own_dispute() {
        let staff = who(&[Role::Staff], &[]);
        assert!(may_assign_mediators(&staff, NONE));
        assert!(
            !may_assign_mediators(&staff, PARTY),
            "a party does not pick for the committee"
        );
        assert!(!may_assign_mediators(&who(&[Role::Mediator], &[]), ON_CASE));
        assert!(!may_assign_mediators(&who(&[Role::GridWorker], &[1]), NONE));
    }

    #[test]
    fn entries_by_reader() {
        // Applicant (party 1) and respondent (party 2); a back-to-back note of the applicant.
        assert!(may_read_entry(Access::Mediator, None, 1, false));
        assert!(
            may_read_entry(Access::Party, Some(1), 1, false),
            "own words"
        );
        assert!(
            !may_read_entry(Access::Party, Some(2), 1, false),
            "the other side's"
        );
        assert!(
            may_read_entry(Access::Party, Some(2), 1, true),
            "shared by permission"
        );
        assert!(
            !may_read_entry(Access::Office, None, 1, true),
            "staff see only that it took place"
        );
    }

    #[test]
    fn acceptance_needs_every_consent() {
        let m = who(&[Role::Mediator], &[]);
        let mut f = FileFacts {
            parties: 2,
            consented: 1,
            ..FileFacts::default()
        };
        assert_eq!(
            check_mediation_move(
                MediationStage::Intake,
                MediationAction::Accept,
                f,
                &m,
                ON_CASE
            ),
            Err(MediationRefusal::ConsentMissing)
        );
        f.consented = 2;
        assert_eq!(
            check_mediation_move(
                MediationStage::Intake,
                MediationAction::Accept,
                f,
                &m,
                ON_CASE
            ),
            Ok(MediationStage::Accepted)
        );
        assert_eq!(
            check_mediation_move(MediationStage::Intake, MediationAction::Accept, f, &m, NONE),
            Err(MediationRefusal::NotYours)
        );
        let resident = who(&[Role::Resident], &[]);
        assert!(legal_mediation_actions(MediationStage::Intake, f, &resident, PARTY).is_empty());
    }

    #[test]
    fn agreement_confirmation_and_performance() {
        let staff = who(&[Role::Staff], &[]);
        let mut f = FileFacts {
            parties: 2,
            consented: 2,
            ..FileFacts::default()
        };
        let stage = MediationStage::InSession;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Agree, f, &staff, NONE),
            Err(MediationRefusal::NoAgreement)
        );
        f.has_agreement = true;
        f.terms = 1;
        assert!(check_mediation_move(stage, MediationAction::Agree, f, &staff, NONE).is_ok());
        let stage = MediationStage::Agreement;
        f.confirmed = 1;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Perform, f, &staff, NONE),
            Err(MediationRefusal::NotConfirmed)
        );
        f.oral = true;
        assert!(check_mediation_move(stage, MediationAction::Perform, f, &staff, NONE).is_ok());
        let stage = MediationStage::Performance;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Close, f, &staff, NONE),
            Err(MediationRefusal::NotPerformed)
        );
        f.terms_performed = 1;
        f.follow_ups = 1;
        assert!(check_mediation_move(stage, MediationAction::Close, f, &staff, NONE).is_ok());
        for s in [
            MediationStage::Closed,
            MediationStage::NotAccepted,
            MediationStage::Failed,
        ] {
            assert!(legal_mediation_actions(s, f, &staff, NONE).is_empty());
        }
    }

    #[test]
    fn changes_by_stage() {
        use MediationStage::*;
        assert!(Change::Consent.allowed_in(Intake));
        assert!(!Change::Consent.allowed_in(Accepted));
        assert!(Change::Session.allowed_in(Accepted) && !Change::Session.allowed_in(Agreement));
        assert!(Change::Record(RecordKind::FollowUp).allowed_in(Closed));
        assert!(!Change::Record(RecordKind::FollowUp).allowed_in(InSession));
        assert!(Change::Record(RecordKind::SiteCheck).allowed_in(Intake));
        assert!(!Change::Extension.allowed_in(Failed));
    }

    #[test]
    fn photos_on_site_checks_and_follow_ups_by_those_who_run_the_file() {
        use MediationStage::*;
        let m = who(&[Role::Mediator], &[]);
        let staff = who(&[Role::Staff], &[]);
        let gw = who(&[Role::GridWorker], &[1]);
        let resident = who(&[Role::Resident], &[]);
        let own_grid = FileRelation {
            in_own_grid: true,
            ..NONE
        };
        assert!(may_add_record_photo(
            &m,
            ON_CASE,
            Intake,
            RecordKind::SiteCheck
        ));
        assert!(may_add_record_photo(
            &staff,
            NONE,
            InSession,
            RecordKind::SiteCheck
        ));
        assert!(
            !may_add_record_photo(&m, NONE, Intake, RecordKind::SiteCheck),
            "another mediator"
        );
        assert!(
            !may_add_record_photo(&gw, own_grid, Intake, RecordKind::SiteCheck),
            "the grid's worker sees records but does not make them"
        );
        assert!(!may_add_record_photo(
            &resident,
            PARTY,
            Intake,
            RecordKind::SiteCheck
        ));
        assert!(
            !may_add_record_photo(&staff, PARTY, Intake, RecordKind::SiteCheck),
            "staff in a dispute of their own"
        );
        assert!(!may_add_record_photo(
            &m,
            ON_CASE,
            Closed,
            RecordKind::SiteCheck
        ));
        assert!(may_add_record_photo(
            &m,
            ON_CASE,
            Closed,
            RecordKind::FollowUp
        ));
        assert!(!may_add_record_photo(
            &m,
            ON_CASE,
            InSession,
            RecordKind::FollowUp
        ));
        for k in [
            RecordKind::PoliceNotice,
            RecordKind::Invitation,
            RecordKind::Note,
        ] {
            assert!(!may_add_record_photo(&m, ON_CASE, InSession, k), "{k:?}");
        }
        // Seen with the records: never by a party, nor by anyone who does not see the file.
        assert!(may_see_records(Access::Mediator) && may_see_records(Access::Office));
        assert!(!may_see_records(Access::Party) && !may_see_records(Access::None));
        assert_eq!(access(&gw, own_grid), Access::Office);
    }

    #[test]
    fn board_drops_are_moves() {
        use MediationStage::*;
        assert_eq!(
            MediationAction::between(Intake, Accepted),
            Some(MediationAction::Accept)
        );
        assert_eq!(
            MediationAction::between(Agreement, InSession),
            Some(MediationAction::Resume)
        );
        assert_eq!(MediationAction::between(Intake, Closed), None);
        assert_eq!(MediationAction::between(InSession, InSession), None);
    }

    #[test]
    fn extension_needs_every_party() {
        assert!(extension_allowed(&[1, 2], &[2, 1]));
        assert!(!extension_allowed(&[1, 2], &[1]));
        assert!(!extension_allowed(&[], &[]));
    }

    #[test]
    fn time_limits() {
        assert_eq!(
            default_deadline(date!(2026 - 11 - 29)),
            date!(2026 - 12 - 29)
        );
        assert_eq!(
            default_deadline(date!(2026 - 12 - 15)),
            date!(2027 - 01 - 15)
        );
        assert_eq!(
            default_deadline(date!(2027 - 01 - 31)),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            judicial_confirmation_until(date!(2026 - 12 - 10)),
            date!(2027 - 01 - 09)
        );
        assert!(deadline_overdue(
            MediationStage::InSession,
            Some(date!(2026 - 12 - 01)),
            date!(2026 - 12 - 02)
        ));
        assert!(!deadline_overdue(
            MediationStage::Closed,
            Some(date!(2026 - 12 - 01)),
            date!(2026 - 12 - 02)
        ));
    }

    #[test]
    fn back_to_back_sessions_hear_one_party() {
        let s = NewSession {
            mode: SessionMode::BackToBack,
            party_id: Some(1),
            held_at: OffsetDateTime::UNIX_EPOCH,
            venue: "调解室".into(),
            strategy_note: "双方情绪激动，改为背靠背".into(),
            entries: vec![EntryInput {
                party_id: 2,
                statement: "x".into(),
                position: String::new(),
                interests: String::new(),
                proposal: String::new(),
                shareable: Some(false),
            }],
        };
        assert_eq!(
            s.validate(&[1, 2]).unwrap_err().0[0].0,
            "entries[0].party_id"
        );
        let joint = NewSession {
            mode: SessionMode::Joint,
            party_id: None,
            ..s.clone()
        };
        assert!(joint.validate(&[1, 2]).is_ok());
        let no_party = NewSession {
            party_id: None,
            ..s
        };
        assert_eq!(no_party.validate(&[1, 2]).unwrap_err().0[0].0, "party_id");
    }
}

#[cfg(test)]
mod event_detail_tests {

    use crate::i18n::Lang;
    use crate::mediation::*;

    fn party(name: &str) -> FileEventDetail {
        FileEventDetail {
            parties: vec![name.into()],
            ..Default::default()
        }
    }

    #[test]
    fn history_facts_read_in_each_language() {
        let d = party("刘建华");
        assert_eq!(
            MediationEvent::Consent.describe(&d, Lang::ZhCn).as_deref(),
            Some("刘建华 同意调解")
        );
        assert_eq!(
            MediationEvent::Consent.describe(&d, Lang::En).as_deref(),
            Some("刘建华 agreed to mediation")
        );
        assert_eq!(
            MediationEvent::Refused.describe(&d, Lang::En).as_deref(),
            Some("刘建华 refused mediation")
        );
        let site = FileEventDetail {
            record_kind: Some(RecordKind::SiteCheck),
            ..Default::default()
        };
        assert_eq!(
            MediationEvent::Record
                .describe(&site, Lang::ZhCn)
                .as_deref(),
            Some("现场核实")
        );
        assert_eq!(
            MediationEvent::Record.describe(&site, Lang::En).as_deref(),
            Some("Site check")
        );
        let two = FileEventDetail {
            parties: vec!["刘建华".into(), "孙国强".into()],
            ..Default::default()
        };
        assert_eq!(two.names(Lang::En).as_deref(), Some("刘建华, 孙国强"));
        assert_eq!(
            MediationEvent::NoticeMissing
                .describe(&two, Lang::ZhCn)
                .as_deref(),
            Some("调解时尚未告知刘建华、孙国强调解的权利和义务")
        );
        // Nothing to say beyond the label: no sentence.
        assert_eq!(
            MediationEvent::Consent.describe(&FileEventDetail::default(), Lang::En),
            None
        );
        assert_eq!(
            MediationEvent::AgreementDrafted.describe(&d, Lang::En),
            None
        );
    }

    #[test]
    fn every_language_has_its_own_words() {
        // The English of every fact is free of Han characters (names aside).
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let d = FileEventDetail {
            parties: vec!["P".into()],
            mediators: vec!["M".into()],
            chosen_by_parties: Some(true),
            record_kind: Some(RecordKind::PoliceNotice),
            session_mode: Some(SessionMode::BackToBack),
            confirm_method: Some(ConfirmMethod::Thumbprint),
            deadline: Some(time::macros::date!(2026 - 12 - 31)),
            risk: true,
        };
        for e in MediationEvent::ALL {
            if let Some(s) = e.describe(&d, Lang::En) {
                assert!(!han(&s), "{e:?}: {s}");
            }
            if let Some(s) = e.describe(&d, Lang::ZhCn) {
                assert!(han(&s), "{e:?}: {s}");
            }
        }
    }

    #[test]
    fn the_stored_shape_round_trips_and_omits_what_is_unset() {
        let d = party("王阿姨");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"parties":["王阿姨"]}"#);
        assert_eq!(serde_json::from_str::<FileEventDetail>(&json).unwrap(), d);
        assert_eq!(
            serde_json::from_str::<FileEventDetail>("{}").unwrap(),
            FileEventDetail::default()
        );
    }
}
