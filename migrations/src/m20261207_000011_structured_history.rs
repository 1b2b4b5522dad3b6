//! History entries of mediation files and council items keep their facts as fields, not as
//! Chinese sentences: a `detail` column (JSON) holds which party consented or refused, the
//! record's kind, the session's mode, the new time limit, the item's tier, whether a ballot
//! passed; `note` keeps only what someone typed. The app words the facts in the reader's
//! language. Rows written before are turned into the new shape here, once, so that every
//! reader has one shape to read (a reader of both would have to keep the old sentences'
//! grammar forever). A note that does not have the old shape is left as it is: it was typed.
//!
//! The sentences below are the ones the server used to write, frozen here: this migration
//! must not change when the app's wording does.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use serde_json::{Map, Value, json};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediationEvents {
    Table,
    Id,
    Action,
    Note,
    Detail,
}

#[derive(DeriveIden)]
enum MediationFiles {
    Table,
    Id,
    Stage,
    OutcomeNote,
}

#[derive(DeriveIden)]
enum CouncilEvents {
    Table,
    Id,
    Action,
    ActorId,
    ActorName,
    Note,
    Detail,
}

const RISK: &str = "有激化风险：请及时通报公安机关（人民调解法第二十五条）";
const OTHER_ROUTES: &str = "；已告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利";
const RECORD_KINDS: [(&str, &str); 5] = [
    ("现场核实", "site_check"),
    ("回访", "follow_up"),
    ("通报公安机关", "police_notice"),
    ("邀请参与调解", "invitation"),
    ("备注", "note"),
];
const SESSION_MODES: [(&str, &str); 2] = [("面对面调解", "joint"), ("背靠背调解", "back_to_back")];
const TIERS: [(&str, &str); 4] = [
    ("小事", "small"),
    ("大事", "big"),
    ("要事", "important"),
    ("难事", "hard"),
];

fn names(list: &str) -> Value {
    Value::Array(
        list.split('、')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| Value::String(n.to_string()))
            .collect(),
    )
}

fn lookup(table: &[(&str, &'static str)], text: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(zh, _)| *zh == text)
        .map(|(_, code)| *code)
}

/// A mediation history entry's old note → (the note that stays, the detail), or `None` when
/// the note is not one the server wrote (it is then left alone).
pub(crate) fn mediation_entry(action: &str, note: &str) -> Option<(Option<String>, Value)> {
    let mut d = Map::new();
    let mut kept = None;
    match action {
        "intake" if note == RISK => {
            d.insert("risk".into(), json!(true));
        }
        "consent" => {
            d.insert("parties".into(), names(note.strip_suffix(" 同意调解")?));
        }
        "refused" => {
            let (name, reason) = note.split_once(" 不同意调解：")?;
            d.insert("parties".into(), names(name));
            kept = Some(reason.to_string());
        }
        "notice" => {
            let name = note
                .strip_prefix("已告知")?
                .strip_suffix("调解的权利和义务")?;
            d.insert("parties".into(), names(name));
        }
        "notice_missing" => {
            let list = note
                .strip_prefix("调解时尚未告知")?
                .strip_suffix("调解的权利和义务")?;
            d.insert("parties".into(), names(list));
        }
        "mediators" => {
            let (list, chosen) = if let Some(l) = note.strip_suffix("（当事人选定）") {
                (l, true)
            } else {
                (note.strip_suffix("（调委会指派）")?, false)
            };
            d.insert("mediators".into(), names(list));
            d.insert("chosen_by_parties".into(), json!(chosen));
        }
        "record" | "record_photo" => {
            d.insert("record_kind".into(), json!(lookup(&RECORD_KINDS, note)?));
        }
        "session" => {
            d.insert("session_mode".into(), json!(lookup(&SESSION_MODES, note)?));
        }
        "confirmed" => {
            let (name, method) = note.strip_suffix('）')?.rsplit_once('（')?;
            if !["signature", "thumbprint", "oral"].contains(&method) {
                return None;
            }
            d.insert("parties".into(), names(name));
            d.insert("confirm_method".into(), json!(method));
        }
        "extend" => {
            let date = note
                .strip_prefix("经各方当事人同意，调解期限延长至 ")?
                .trim();
            d.insert("deadline".into(), json!(date));
        }
        // The other routes are now said by the entry's kind; the mediator's note stays.
        "fail" => kept = Some(note.strip_suffix(OTHER_ROUTES)?.to_string()),
        _ => return None,
    }
    Some((kept.filter(|k| !k.trim().is_empty()), Value::Object(d)))
}

/// A file's old outcome note → the reason or note as typed.
pub(crate) fn outcome(stage: &str, note: &str) -> Option<String> {
    match stage {
        "not_accepted" => note.split_once(" 不同意调解：").map(|(_, r)| r.to_string()),
        "failed" => note.strip_suffix(OTHER_ROUTES).map(str::to_string),
        _ => None,
    }
}

/// A council history entry's old note → (the note that stays, the detail).
pub(crate) fn council_entry(action: &str, note: &str) -> Option<(Option<String>, Value)> {
    match action {
        "accept" => {
            let (tier, kept) = match note.split_once('：') {
                Some((t, n)) => (t, Some(n.to_string())),
                None => (note, None),
            };
            Some((kept, json!({ "tier": lookup(&TIERS, tier)? })))
        }
        "ballot_closed" => {
            let (word, count) = note.split_once('：')?;
            let passed = match word {
                "通过" => true,
                "未通过" => false,
                _ => return None,
            };
            Some((Some(count.to_string()), json!({ "passed": passed })))
        }
        _ => None,
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(MediationEvents::Table)
                .add_column(text_null(MediationEvents::Detail))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CouncilEvents::Table)
                .add_column(text_null(CouncilEvents::Detail))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();

        let rows = db
            .query_all(
                Query::select()
                    .columns([
                        MediationEvents::Id,
                        MediationEvents::Action,
                        MediationEvents::Note,
                    ])
                    .from(MediationEvents::Table)
                    .and_where(Expr::col(MediationEvents::Note).is_not_null()),
            )
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let action: String = row.try_get("", "action")?;
            let note: String = row.try_get("", "note")?;
            let Some((kept, detail)) = mediation_entry(&action, &note) else {
                continue;
            };
            db.execute(
                Query::update()
                    .table(MediationEvents::Table)
                    .value(MediationEvents::Note, kept)
                    .value(MediationEvents::Detail, detail.to_string())
                    .and_where(Expr::col(MediationEvents::Id).eq(id)),
            )
            .await?;
        }

        let rows = db
            .query_all(
                Query::select()
                    .columns([
                        MediationFiles::Id,
                        MediationFiles::Stage,
                        MediationFiles::OutcomeNote,
                    ])
                    .from(MediationFiles::Table)
                    .and_where(Expr::col(MediationFiles::OutcomeNote).is_not_null()),
            )
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let stage: String = row.try_get("", "stage")?;
            let note: String = row.try_get("", "outcome_note")?;
            let Some(kept) = outcome(&stage, &note) else {
                continue;
            };
            db.execute(
                Query::update()
                    .table(MediationFiles::Table)
                    .value(MediationFiles::OutcomeNote, kept)
                    .and_where(Expr::col(MediationFiles::Id).eq(id)),
            )
            .await?;
        }

        let rows = db
            .query_all(
                Query::select()
                    .columns([
                        CouncilEvents::Id,
                        CouncilEvents::Action,
                        CouncilEvents::Note,
                    ])
                    .from(CouncilEvents::Table)
                    .and_where(Expr::col(CouncilEvents::Note).is_not_null()),
            )
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let action: String = row.try_get("", "action")?;
            let note: String = row.try_get("", "note")?;
            let Some((kept, detail)) = council_entry(&action, &note) else {
                continue;
            };
            db.execute(
                Query::update()
                    .table(CouncilEvents::Table)
                    .value(CouncilEvents::Note, kept)
                    .value(CouncilEvents::Detail, detail.to_string())
                    .and_where(Expr::col(CouncilEvents::Id).eq(id)),
            )
            .await?;
        }
        // Entries without an actor were signed "系统": the system is now an empty name, which
        // the app words in the reader's language.
        db.execute(
            Query::update()
                .table(CouncilEvents::Table)
                .value(CouncilEvents::ActorName, "")
                .and_where(Expr::col(CouncilEvents::ActorId).is_null())
                .and_where(Expr::col(CouncilEvents::ActorName).eq("系统")),
        )
        .await?;
        Ok(())
    }

    /// The structured facts are dropped; the notes are not written back into sentences.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(MediationEvents::Table)
                .drop_column(MediationEvents::Detail)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CouncilEvents::Table)
                .drop_column(CouncilEvents::Detail)
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_mediation_notes_become_facts_and_typed_words() {
        assert_eq!(
            mediation_entry("consent", "刘建华 同意调解"),
            Some((None, json!({ "parties": ["刘建华"] })))
        );
        assert_eq!(
            mediation_entry("refused", "孙国强 不同意调解：不想和他谈：就这样"),
            Some((
                Some("不想和他谈：就这样".into()),
                json!({ "parties": ["孙国强"] })
            ))
        );
        assert_eq!(
            mediation_entry("record", "现场核实"),
            Some((None, json!({ "record_kind": "site_check" })))
        );
        assert_eq!(
            mediation_entry(
                "notice_missing",
                "调解时尚未告知刘建华、孙国强调解的权利和义务"
            ),
            Some((None, json!({ "parties": ["刘建华", "孙国强"] })))
        );
        assert_eq!(
            mediation_entry("mediators", "陈调解员（调委会指派）"),
            Some((
                None,
                json!({ "mediators": ["陈调解员"], "chosen_by_parties": false })
            ))
        );
        assert_eq!(
            mediation_entry("confirmed", "刘建华（thumbprint）"),
            Some((
                None,
                json!({ "parties": ["刘建华"], "confirm_method": "thumbprint" })
            ))
        );
        assert_eq!(
            mediation_entry("extend", "经各方当事人同意，调解期限延长至 2026-12-31"),
            Some((None, json!({ "deadline": "2026-12-31" })))
        );
        assert_eq!(
            mediation_entry("fail", &format!("双方分歧太大{OTHER_ROUTES}")),
            Some((Some("双方分歧太大".into()), json!({})))
        );
        // Typed words are not touched.
        assert_eq!(mediation_entry("resume", "再谈一次"), None);
        assert_eq!(mediation_entry("record", "自己写的"), None);
    }

    #[test]
    fn old_council_notes_become_facts() {
        assert_eq!(
            council_entry("accept", "大事：下次议事日讨论"),
            Some((Some("下次议事日讨论".into()), json!({ "tier": "big" })))
        );
        assert_eq!(
            council_entry("accept", "小事"),
            Some((None, json!({ "tier": "small" })))
        );
        assert_eq!(
            council_entry("ballot_closed", "未通过：3 / 10"),
            Some((Some("3 / 10".into()), json!({ "passed": false })))
        );
        assert_eq!(council_entry("ballot_closed", "3 / 10"), None);
        assert_eq!(
            outcome("failed", &format!("谈不拢{OTHER_ROUTES}")),
            Some("谈不拢".into())
        );
        assert_eq!(
            outcome("not_accepted", "孙国强 不同意调解：不愿意"),
            Some("不愿意".into())
        );
    }
}
