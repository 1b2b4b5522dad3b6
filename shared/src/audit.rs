//! The audit trail: who read or changed what, and when. Reads of sensitive data are
//! recorded here as well as every change.
//!
//! Each action is an [`AuditAction`] with its words in both languages; a detail is structured
//! ([`AuditDetail`], or the stated purpose of `resident.reveal` / `resident.groups`,
//! [`crate::places::PurposeDetail`]) and put into words in the reader's language, never
//! stored as an English sentence.

use crate::accounts::Role;
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    /// The account's username at the time.
    pub actor_name: Option<String>,
    /// The person's name as the account shows it now (王干事), when the account still exists.
    #[serde(default)]
    pub actor_display_name: Option<String>,
    /// What happened, e.g. `resident.reveal`, `user.update`, `auth.login_failed`.
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// The resident whose data the entry is about (their record read or changed, their
    /// contact details in a mediation file, their account link), if any.
    #[serde(default)]
    pub resident_id: Option<i64>,
    /// Their name now, for the list.
    #[serde(default)]
    pub resident_name: Option<String>,
    /// JSON: an [`AuditDetail`] or a [`crate::places::PurposeDetail`]; older entries may hold
    /// plain words.
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

macro_rules! audit_actions {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal, $read:literal;)*) => {
        /// Everything the server writes to the audit log.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum AuditAction {
            $(#[serde(rename = $code)] $variant,)*
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The stored name, e.g. `care.meals.read`.
            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $code,)* }
            }

            pub fn text(self) -> Text {
                match self { $(AuditAction::$variant => Text::new($zh, $en),)* }
            }

            /// A read of personal data (one record or a list), not a change.
            pub fn is_read(self) -> bool {
                match self { $(AuditAction::$variant => $read,)* }
            }
        }
    };
}

audit_actions! {
    Login = "auth.login", "登录", "Signed in", false;
    LoginFailed = "auth.login_failed", "登录失败", "Failed sign-in", false;
    Logout = "auth.logout", "退出登录", "Signed out", false;
    UserCreate = "user.create", "创建用户", "Created a user", false;
    UserUpdate = "user.update", "修改用户", "Changed a user", false;
    UserResetPassword = "user.reset_password", "重置密码", "Reset a password", false;
    PlaceCreate = "place.create", "新增地点", "Created a place", false;
    PlaceUpdate = "place.update", "修改地点", "Changed a place", false;
    PlaceDelete = "place.delete", "删除地点", "Deleted a place", false;
    PlaceGeometryUndo = "place.geometry_undo", "撤销边界修改", "Undid an outline change", false;
    PlaceSplit = "place.split", "拆分微网格", "Split a micro-grid", false;
    PlaceMerge = "place.merge", "合并微网格", "Merged micro-grids", false;
    PlacesExport = "places.export", "导出网格数据", "Exported the hierarchy", false;
    PlacesImport = "places.import", "导入网格数据", "Imported the hierarchy", false;
    ResidentCreate = "resident.create", "登记居民", "Registered a resident", false;
    ResidentUpdate = "resident.update", "修改居民信息", "Changed a resident", false;
    ResidentDelete = "resident.delete", "删除居民", "Removed a resident", false;
    ResidentReveal = "resident.reveal", "查看完整信息", "Read a full record", true;
    ResidentGroups = "resident.groups", "修改重点人群标记", "Changed special-group tags", false;
    ResidentDuplicateIdNumber = "resident.duplicate_id_number", "身份证号重复提示", "Duplicate ID number answered", false;
    ResidentAccountLink = "resident.account_link", "核实居民账号", "Verified a resident's account", false;
    ResidentsExport = "residents.export", "导出居民数据", "Exported residents", true;
    ResidentsImport = "residents.import", "导入居民数据", "Imported residents", false;
    CareDueRead = "care.due.read", "查看待走访名单", "Read the due-visits list", true;
    CareErrandsRead = "care.errands.read", "查看代办事项", "Read errands", true;
    CareMealsRead = "care.meals.read", "查看幸福餐桌名单", "Read meal lists", true;
    CareRecordRead = "care.record.read", "查看关爱档案", "Read a care record", true;
    CarePairingCreate = "care.pairing.create", "新建结对帮扶", "Paired a helper", false;
    CarePairingRisk = "care.pairing.risk", "调整风险等级", "Changed a risk level", false;
    CarePairingEnd = "care.pairing.end", "结束结对帮扶", "Ended a pairing", false;
    CareVisitCreate = "care.visit.create", "记录走访", "Recorded a visit", false;
    CareTimebankRead = "care.timebank.read", "查看志愿时长积分", "Read volunteer hours and points", true;
    CareTimebankCredit = "care.timebank.credit", "记录志愿服务时长", "Credited volunteer hours", false;
    CareTimebankRedeem = "care.timebank.redeem", "兑换积分", "Redeemed points", false;
    MailboxPrivateRead = "mailbox.private.read", "查看书记信箱私信", "Read private letters", true;
    CouncilVoteRecord = "council.vote.record", "代为登记表决", "Recorded a resident's vote", false;
    CouncilVoteWithdraw = "council.vote.withdraw", "撤回投票", "Withdrew a vote", false;
    CouncilSupportWithdraw = "council.support.withdraw", "撤回附议", "Withdrew a support", false;
    CaseWithdraw = "case.withdraw", "撤回报事", "Withdrew a report", false;
    ProxyAct = "proxy.act", "代办", "Acted on a resident's behalf", false;
    MediationCreate = "mediation.create", "调解立卷", "Opened a mediation file", false;
    MediationMediators = "mediation.mediators", "指派调解员", "Assigned mediators", false;
    MediationNotesRead = "mediation.notes.read", "查看调解笔录", "Read mediation notes", true;
    MediationPartyReveal = "mediation.party.reveal", "查看当事人联系方式", "Read a party's contact details", true;
    MediationPhotoRead = "mediation.photo.read", "查看调解照片原图", "Opened a mediation photo", true;
    MediationSessionWrite = "mediation.session.write", "记录调解经过", "Recorded a session", false;
    MediationAgreementPdf = "mediation.agreement.pdf", "下载调解协议书", "Downloaded an agreement", true;
    MediationSessionPrint = "mediation.session.print", "打印调解笔录", "Printed a session record", true;
    Open311KeyCreate = "open311.key_create", "签发 Open311 密钥", "Issued an Open311 key", false;
    Open311KeyRevoke = "open311.key_revoke", "吊销 Open311 密钥", "Revoked an Open311 key", false;
    PatrolStart = "patrol.start", "开始巡查", "Started a patrol", false;
    PatrolEnd = "patrol.end", "结束巡查", "Ended a patrol", false;
    StatsReportXlsx = "stats.report.xlsx", "下载月度工作报告", "Downloaded a monthly report", true;
    StatsExport = "stats.export", "导出统计明细", "Exported records", true;
    DirectiveIssue = "directive.issue", "下达督办", "Issued a directive", false;
    DirectiveStep = "directive.step", "办理督办", "Took a step on a directive", false;
    CaseRequestCreate = "case_request.create", "提出审批申请", "Asked for an approval", false;
    CaseRequestDecide = "case_request.decide", "审批申请", "Decided a request", false;
    CaseRequestsExport = "case_requests.export", "导出审批台账", "Exported the approvals ledger", true;
}

impl AuditAction {
    pub fn parse(code: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == code)
    }
}

/// Human words for an action code; unknown codes (written by a newer version) have none.
pub fn action_text(action: &str) -> Option<Text> {
    AuditAction::parse(action).map(AuditAction::text)
}

/// Words for the kinds of record an entry names ("居民 #12").
pub fn entity_text(entity: &str) -> Option<Text> {
    Some(match entity {
        "resident" => Text::new("居民", "Resident"),
        "user" => Text::new("用户", "User"),
        "place" => Text::new("地点", "Place"),
        "street" => Text::new("街道", "Street"),
        "community" => Text::new("社区", "Community"),
        "grid" => Text::new("网格", "Grid"),
        "micro_grid" => Text::new("微网格", "Micro-grid"),
        "building" => Text::new("楼栋", "Building"),
        "household" => Text::new("住户", "Household"),
        "api_key" => Text::new("Open311 密钥", "Open311 key"),
        "patrol" => Text::new("巡查", "Patrol"),
        "pairing" => Text::new("结对帮扶", "Pairing"),
        "volunteer" => Text::new("志愿者", "Volunteer"),
        "volunteer_activity" => Text::new("志愿活动", "Volunteer activity"),
        "ballot" => Text::new("表决", "Ballot"),
        "case" => Text::new("事件", "Case"),
        "council_item" => Text::new("议题", "Agenda item"),
        "letter" => Text::new("书记信箱来信", "Letter"),
        "errand" => Text::new("代办服务", "Errand"),
        "mediation_file" => Text::new("调解卷宗", "Mediation file"),
        "mediation_party" => Text::new("调解当事人", "Mediation party"),
        "mediation_photo" => Text::new("调解照片", "Mediation photo"),
        "mediation_session" => Text::new("调解笔录", "Mediation session"),
        "directive" => Text::new("督办", "Directive"),
        "case_request" => Text::new("审批申请", "Request"),
        _ => return None,
    })
}

/// What a list read or a bulk action counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Places,
    Residents,
    Errands,
    Letters,
    MealEnrolments,
    MealOrders,
    Volunteers,
    Points,
    Cases,
    CaseRequests,
    Visits,
    MediationFiles,
    CouncilItems,
    AssessmentRows,
}

impl Counted {
    fn text(self) -> Text {
        match self {
            Counted::Places => Text::new("{n} 个地点", "{n} places"),
            Counted::Residents => Text::new("{n} 位居民", "{n} residents"),
            Counted::Errands => Text::new("{n} 件代办事项", "{n} errands"),
            Counted::Letters => Text::new("{n} 封私信", "{n} private letters"),
            Counted::MealEnrolments => Text::new("{n} 位配餐对象", "{n} meal enrolments"),
            Counted::MealOrders => Text::new("{n} 份订餐", "{n} meal orders"),
            Counted::Volunteers => Text::new("{n} 位志愿者", "{n} volunteers"),
            Counted::Points => Text::new("{n} 积分", "{n} points"),
            Counted::Cases => Text::new("{n} 件事件", "{n} cases"),
            Counted::CaseRequests => Text::new("{n} 条审批记录", "{n} requests"),
            Counted::Visits => Text::new("{n} 次走访", "{n} visits"),
            Counted::MediationFiles => Text::new("{n} 件调解案卷", "{n} mediation files"),
            Counted::CouncilItems => Text::new("{n} 项议事事项", "{n} council items"),
            Counted::AssessmentRows => Text::new("{n} 行考核得分", "{n} assessment scores"),
        }
    }
}

/// The detail of an audit entry, stored as JSON and put into words for the reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditDetail {
    /// How many records a list read or a bulk action touched.
    Count { n: u64, of: Counted },
    /// A name the entry refers to: a place's code, a key's name.
    Name { name: String },
    /// A failed sign-in: the username tried, when it belongs to an account.
    SignInAs { username: Option<String> },
    /// An account's roles and grids as set.
    Account {
        roles: Vec<Role>,
        grids: Vec<i64>,
        disabled: bool,
    },
    /// An account verified as a resident (or the link removed).
    ResidentLink { resident_id: Option<i64> },
    /// A vote recorded on a resident's behalf.
    VoteFor { resident_id: i64 },
    /// An act on a resident's behalf (代办) and how they confirmed it.
    Proxy {
        act: crate::proxy::ProxyKind,
        confirmation: crate::proxy::ConfirmMethod,
    },
    /// A mediation file's mediators, chosen by the parties or assigned by the committee.
    Mediators {
        names: Vec<String>,
        chosen_by_parties: bool,
    },
}

impl AuditDetail {
    pub fn count(n: impl TryInto<u64>, of: Counted) -> AuditDetail {
        AuditDetail::Count {
            n: n.try_into().unwrap_or(u64::MAX),
            of,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data")
    }

    pub fn parse(detail: &str) -> Option<AuditDetail> {
        serde_json::from_str(detail).ok()
    }

    /// The detail in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        let t = |zh: &'static str, en: &'static str| Text::new(zh, en).get(lang);
        match self {
            AuditDetail::Count { n, of } => of.text().get(lang).replace("{n}", &n.to_string()),
            AuditDetail::Name { name } => name.clone(),
            AuditDetail::SignInAs { username: Some(u) } => {
                t("用户名：{u}", "Username: {u}").replace("{u}", u)
            }
            AuditDetail::SignInAs { username: None } => {
                t("不存在的用户名", "An unknown username").to_string()
            }
            AuditDetail::Account {
                roles,
                grids,
                disabled,
            } => {
                let sep = t("、", ", ");
                let roles = roles
                    .iter()
                    .map(|r| r.text().get(lang))
                    .collect::<Vec<_>>()
                    .join(sep);
                let mut out = t("角色：{r}", "Roles: {r}").replace("{r}", &roles);
                if !grids.is_empty() {
                    let ids = grids
                        .iter()
                        .map(|g| format!("#{g}"))
                        .collect::<Vec<_>>()
                        .join(sep);
                    out.push_str(&t("；网格：{g}", "; grids: {g}").replace("{g}", &ids));
                }
                if *disabled {
                    out.push_str(t("；已停用", "; disabled"));
                }
                out
            }
            AuditDetail::ResidentLink {
                resident_id: Some(r),
            } => t("居民 #{r}", "Resident #{r}").replace("{r}", &r.to_string()),
            AuditDetail::ResidentLink { resident_id: None } => {
                t("取消核实", "Verification removed").to_string()
            }
            AuditDetail::Proxy { act, confirmation } => t("{what}（{how}）", "{what} ({how})")
                .replace("{what}", act.text().get(lang))
                .replace("{how}", confirmation.text().get(lang)),
            AuditDetail::VoteFor { resident_id } => {
                t("为居民 #{r} 登记", "For resident #{r}").replace("{r}", &resident_id.to_string())
            }
            AuditDetail::Mediators {
                names,
                chosen_by_parties,
            } => {
                let how = if *chosen_by_parties {
                    t("当事人选定", "chosen by the parties")
                } else {
                    t("调委会指派", "assigned by the committee")
                };
                format!("{}（{how}）", names.join(t("、", ", ")))
            }
        }
    }
}

/// The filters of the audit log (`GET /audit`), all optional and combined with "and".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Who did it (an account id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    /// One action, e.g. `resident.reveal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Only reads of personal data (every action with [`AuditAction::is_read`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads_only: Option<bool>,
    /// The kind of record, e.g. `resident`, `mediation_file` (with or without `entity_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// Everything about one resident's data, whatever record it went through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<i64>,
    /// First day, `YYYY-MM-DD`, Beijing time, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, Beijing time, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// A checked [`AuditQuery`]: the days as instants (from the start of the first day to the
/// start of the day after the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub actions: Option<Vec<&'static str>>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

impl AuditQuery {
    pub fn validate(&self) -> Result<AuditFilter, crate::error::FieldErrors> {
        use crate::error::{FieldErrorCode, FieldErrors};
        let mut errs = FieldErrors::new();
        let day = |field: &'static str, v: &Option<String>, errs: &mut FieldErrors| {
            let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            match time::Date::parse(
                v,
                &time::macros::format_description!("[year]-[month]-[day]"),
            ) {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.add(field, FieldErrorCode::InvalidFormat);
                    None
                }
            }
        };
        let from = day("from", &self.from, &mut errs);
        let to = day("to", &self.to, &mut errs);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errs.add("to", FieldErrorCode::OutOfRange);
        }
        let mut actions = match self
            .action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None => None,
            Some(a) => match AuditAction::parse(a) {
                Some(a) => Some(vec![a]),
                None => {
                    errs.add("action", FieldErrorCode::UnknownReference);
                    None
                }
            },
        };
        if self.reads_only == Some(true) {
            let reads: Vec<AuditAction> = AuditAction::ALL
                .iter()
                .copied()
                .filter(|a| a.is_read())
                .collect();
            actions = Some(match actions {
                Some(one) => one.into_iter().filter(|a| a.is_read()).collect(),
                None => reads,
            });
        }
        let entity = self
            .entity
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        if entity.as_deref().is_some_and(|e| entity_text(e).is_none()) {
            errs.add("entity", FieldErrorCode::UnknownReference);
        }
        if self.entity_id.is_some() && entity.is_none() {
            errs.add("entity", FieldErrorCode::Required);
        }
        errs.into_result()?;
        let start = |d: time::Date| d.midnight().assume_offset(crate::calendar::SHANGHAI);
        Ok(AuditFilter {
            actor_id: self.actor_id,
            actions: actions.map(|a| a.into_iter().map(AuditAction::as_str).collect()),
            entity,
            entity_id: self.entity_id,
            resident_id: self.resident_id,
            from: from.map(start),
            until: to.and_then(|d| d.next_day()).map(start),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions_have_words_in_both_languages() {
        let t = super::action_text("resident.reveal").unwrap();
        assert_eq!((t.zh, t.en), ("查看完整信息", "Read a full record"));
        assert!(super::action_text("something.else").is_none());
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::Value::String(a.as_str().into())
            );
            assert!(!a.text().zh.is_empty() && !a.text().en.is_empty());
        }
    }

    #[test]
    fn details_read_in_the_readers_language() {
        let d = AuditDetail::count(0, Counted::MealOrders);
        assert_eq!(d.describe(Lang::ZhCn), "0 份订餐");
        assert_eq!(d.describe(Lang::En), "0 meal orders");
        assert_eq!(AuditDetail::parse(&d.to_json()), Some(d));
        assert_eq!(AuditDetail::parse("0 orders"), None);
    }

    #[test]
    fn the_query_is_checked_and_days_are_beijing_days() {
        let q = AuditQuery {
            from: Some("2026-12-01".into()),
            to: Some("2026-12-31".into()),
            reads_only: Some(true),
            ..Default::default()
        };
        let f = q.validate().unwrap();
        assert_eq!(
            f.from.unwrap().to_string(),
            "2026-12-01 0:00:00.0 +08:00:00"
        );
        assert_eq!(
            f.until.unwrap().to_string(),
            "2027-01-01 0:00:00.0 +08:00:00"
        );
        assert!(f.actions.unwrap().contains(&"resident.reveal"));
        let bad = AuditQuery {
            from: Some("2026-12-31".into()),
            to: Some("2026-12-01".into()),
            action: Some("nothing.such".into()),
            ..Default::default()
        };
        let errs = bad.validate().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(fields, ["to", "action"]);
    }
}
