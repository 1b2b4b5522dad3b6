//! The audit trail: who read or changed what, and when. Reads of sensitive data are
//! recorded here as well as every change.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// What happened, e.g. `resident.reveal`, `user.update`, `auth.login_failed`.
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// Human words for the audit actions the server writes. Unknown actions show as they are.
pub fn action_text(action: &str) -> Option<crate::i18n::Text> {
    use crate::i18n::Text;
    Some(match action {
        "auth.login" => Text::new("登录", "Signed in"),
        "auth.login_failed" => Text::new("登录失败", "Failed sign-in"),
        "auth.logout" => Text::new("退出登录", "Signed out"),
        "user.create" => Text::new("创建用户", "Created a user"),
        "user.update" => Text::new("修改用户", "Changed a user"),
        "user.reset_password" => Text::new("重置密码", "Reset a password"),
        "place.create" => Text::new("新增地点", "Created a place"),
        "place.update" => Text::new("修改地点", "Changed a place"),
        "place.delete" => Text::new("删除地点", "Deleted a place"),
        "places.export" => Text::new("导出网格数据", "Exported the hierarchy"),
        "places.import" => Text::new("导入网格数据", "Imported the hierarchy"),
        "resident.create" => Text::new("登记居民", "Registered a resident"),
        "resident.update" => Text::new("修改居民信息", "Changed a resident"),
        "resident.delete" => Text::new("删除居民", "Removed a resident"),
        "resident.reveal" => Text::new("查看完整信息", "Read a full record"),
        "resident.groups" => Text::new("修改重点人群标记", "Changed special-group tags"),
        "resident.duplicate_id_number" => {
            Text::new("身份证号重复提示", "Duplicate ID number answered")
        }
        "residents.export" => Text::new("导出居民数据", "Exported residents"),
        "residents.import" => Text::new("导入居民数据", "Imported residents"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_actions_have_words_in_both_languages() {
        let t = super::action_text("resident.reveal").unwrap();
        assert_eq!((t.zh, t.en), ("查看完整信息", "Read a full record"));
        assert!(super::action_text("something.else").is_none());
    }
}
