//! The error vocabulary of the API: stable machine codes with a human message in each
//! language. Responses are RFC 9457 `application/problem+json` documents built from these.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

/// A stable machine code for every error the API can answer with. Clients switch on this,
/// never on the message text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    MalformedRequest,
    Unauthenticated,
    InvalidCredentials,
    LoginThrottled,
    Forbidden,
    CsrfRejected,
    UnsupportedMediaType,
    NotFound,
    VersionConflict,
    AlreadyExists,
    InUse,
    IllegalMove,
    WipLimitReached,
    CannotUndo,
    NotEligible,
    BallotClosed,
    AlreadyVoted,
    /// A vote was already cast for this resident by someone else — on their behalf (代办), or
    /// their own before someone tried to vote for them: one person one vote.
    VoteCastByOther,
    /// The ballot's rules take no votes cast on a resident's behalf.
    ProxyNotAllowed,
    /// A report, support or vote that can no longer be taken back (撤回): the time passed, or
    /// someone acted on it.
    CannotWithdraw,
    PayloadTooLarge,
    PdfUnsupportedText,
    /// Text with control characters (NUL, escape …), or line breaks in a one-line field.
    InvalidText,
    /// A mediation step that needs every party told of their rights and duties first.
    RightsNotNotified,
    /// An `Idempotency-Key` sent again with another request (another body, path or method).
    IdempotencyKeyReused,
    /// The same `Idempotency-Key` is being answered right now (a duplicate sent meanwhile).
    IdempotencyInProgress,
    /// The request of this `Idempotency-Key` took effect, but the server stopped before its
    /// answer was kept: it is not done twice, and the first answer cannot be given again.
    IdempotencyAnswerLost,
    Internal,
    Unavailable,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            ValidationFailed => 422,
            MalformedRequest => 400,
            Unauthenticated | InvalidCredentials => 401,
            LoginThrottled => 429,
            Forbidden | CsrfRejected => 403,
            UnsupportedMediaType => 415,
            NotFound => 404,
            VersionConflict | AlreadyExists | InUse => 409,
            IllegalMove => 422,
            WipLimitReached | CannotUndo => 409,
            NotEligible => 403,
            BallotClosed | AlreadyVoted | VoteCastByOther => 409,
            ProxyNotAllowed => 422,
            CannotWithdraw => 409,
            PayloadTooLarge => 413,
            InvalidText => 422,
            PdfUnsupportedText | RightsNotNotified => 422,
            IdempotencyKeyReused => 422,
            IdempotencyInProgress | IdempotencyAnswerLost => 409,
            Internal => 500,
            Unavailable => 503,
        }
    }

    /// Whether trying the same request again later may succeed (the server was busy or
    /// broken, or asked to wait). Everything else answers the same every time, so the app
    /// offers 重试 only for these.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::Internal
                | ErrorCode::Unavailable
                | ErrorCode::LoginThrottled
                | ErrorCode::IdempotencyInProgress
        )
    }

    pub fn text(self) -> Text {
        use ErrorCode::*;
        match self {
            ValidationFailed => Text::new(
                "提交的内容有误，请按提示修改。",
                "Some fields are not valid; please correct them.",
            ),
            MalformedRequest => Text::new("请求格式不正确。", "The request could not be read."),
            Unauthenticated => Text::new("请先登录。", "Please sign in first."),
            InvalidCredentials => Text::new("用户名或密码不正确。", "Wrong username or password."),
            LoginThrottled => Text::new(
                "登录尝试过多，请稍后再试。",
                "Too many sign-in attempts; please try again later.",
            ),
            Forbidden => Text::new("您没有权限执行此操作。", "You are not allowed to do this."),
            CsrfRejected => Text::new(
                "请求来源未通过安全校验。",
                "The request was refused because it did not come from this site.",
            ),
            UnsupportedMediaType => Text::new(
                "不支持的内容类型，请以 JSON 提交。",
                "Unsupported content type; send JSON.",
            ),
            NotFound => Text::new("找不到该记录。", "Not found."),
            VersionConflict => Text::new(
                "该记录已被他人修改，请刷新后重试。",
                "Someone else changed this record; reload and try again.",
            ),
            AlreadyExists => Text::new(
                "已存在相同的记录。",
                "A record with the same key already exists.",
            ),
            InUse => Text::new(
                "该记录仍被其他数据引用，不能删除。",
                "This record is still in use and cannot be deleted.",
            ),
            IllegalMove => Text::new(
                "当前环节不能这样流转。",
                "That move is not possible from the current stage.",
            ),
            WipLimitReached => Text::new(
                "该列已达到在办上限，请先处理其中的事件。",
                "This column is at its work-in-progress limit; finish some cases first.",
            ),
            CannotUndo => Text::new(
                "无法撤销：这一步之后事件已有变化，或已超过撤销时限。",
                "Cannot undo: the case changed since, or the time to undo has passed.",
            ),
            NotEligible => Text::new(
                "只有本议题范围内经核实的居民才能参与。请联系网格员核实身份。",
                "Only verified residents within this item's area can take part; ask your grid worker to verify you.",
            ),
            BallotClosed => Text::new(
                "表决不在进行中（尚未开始或已截止）。",
                "The ballot is not open (not yet started, or closed).",
            ),
            AlreadyVoted => Text::new(
                "已经投过票：无记名投票投出后不能更改，按户表决时每户一票。",
                "A vote was already cast: anonymous votes are final, and per-household ballots take one vote per household.",
            ),
            VoteCastByOther => Text::new(
                "这一票已经投过了：网格员代办投的票和本人投的票只算一次。",
                "This vote was already cast: a vote cast on a resident's behalf and their own count only once.",
            ),
            ProxyNotAllowed => Text::new(
                "按议事规则，这次表决不接受代办投票。",
                "Under the council's rules, this ballot takes no votes cast on a resident's behalf.",
            ),
            CannotWithdraw => Text::new(
                "无法撤回：已超过 10 分钟，或已有人处理。",
                "Cannot withdraw: more than 10 minutes have passed, or someone has acted on it.",
            ),
            PayloadTooLarge => Text::new("提交的内容过大。", "The request is too large."),
            PdfUnsupportedText => Text::new(
                "协议中有 PDF 标准字体无法显示的字（如生僻字），请使用网页打印版。",
                "The agreement has characters the PDF's standard font cannot show (such as rare characters); use the printable page instead.",
            ),
            InvalidText => Text::new(
                "内容中有不可见的控制字符，请删除后重试。",
                "The text contains invisible control characters; remove them and try again.",
            ),
            RightsNotNotified => Text::new(
                "还有当事人未被告知调解的权利和义务。请先告知各方（人民调解法第二十三、二十四条），再制作调解协议。",
                "A party has not yet been told of their rights and duties in mediation. Tell every party first (People's Mediation Law, Art. 23–24), then draft the agreement.",
            ),
            IdempotencyKeyReused => Text::new(
                "这个幂等键（Idempotency-Key）已用于另一份内容不同的提交，请为新的提交换一个键。",
                "This Idempotency-Key was already used for a different request; use a new key for a new submission.",
            ),
            IdempotencyInProgress => Text::new(
                "同一份提交正在处理中，请稍后再试。",
                "The same submission is being processed right now; try again shortly.",
            ),
            IdempotencyAnswerLost => Text::new(
                "这份提交已经生效，不会重复办理；服务器在答复前中断，请刷新查看结果。",
                "This submission already took effect and will not be done twice; the server stopped before answering, so reload to see the result.",
            ),
            Internal => Text::new(
                "服务器内部错误，请稍后再试。",
                "Something went wrong on our side; please try again.",
            ),
            Unavailable => Text::new(
                "服务暂时不可用。",
                "The service is temporarily unavailable.",
            ),
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

/// Why one field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidFormat,
    InvalidChecksum,
    OutOfRange,
    Duplicate,
    UnknownReference,
    InvalidParent,
    InvalidGeometry,
    SelfIntersecting,
    Overlaps,
    OutsideParent,
    NotAllowed,
    /// A point on the map that lies in no grid.
    OutsideGrids,
    /// Undo asked where there is no earlier version.
    NothingToUndo,
    /// Control characters, or a line break in a one-line field (`validate::check_text`).
    InvalidText,
    /// The same thing is already open (an errand of this kind for this resident): sent again
    /// only with the writer's confirmation that it is another matter.
    AlreadyOpen,
    /// The person named is outside those the writer may give work to (`accounts::may_name_for`).
    OutOfScope,
    /// The person named may not do this work: their role, or a grid worker of another grid.
    NotEligible,
}

impl FieldErrorCode {
    pub fn text(self) -> Text {
        use FieldErrorCode::*;
        match self {
            Required => Text::new("此项必填。", "This field is required."),
            TooShort => Text::new("内容太短。", "Too short."),
            TooLong => Text::new("内容太长。", "Too long."),
            InvalidFormat => Text::new("格式不正确。", "Invalid format."),
            InvalidChecksum => Text::new(
                "校验位不正确，请核对号码。",
                "The check digit is wrong; please check the number.",
            ),
            OutOfRange => Text::new("超出允许范围。", "Out of the allowed range."),
            Duplicate => Text::new("已被使用。", "Already in use."),
            UnknownReference => Text::new(
                "引用的记录不存在。",
                "Refers to a record that does not exist.",
            ),
            InvalidParent => Text::new("上级类型不正确。", "The parent is of the wrong level."),
            InvalidGeometry => Text::new("地理图形无效。", "The geometry is not valid."),
            SelfIntersecting => Text::new(
                "边界自相交，请检查顶点顺序。",
                "The boundary crosses itself; check the order of the corners.",
            ),
            Overlaps => Text::new("与相邻区域重叠。", "Overlaps a neighbouring area."),
            OutsideParent => Text::new(
                "超出了上级区域的范围。",
                "Reaches outside the area it belongs to.",
            ),
            NotAllowed => Text::new("不允许的取值。", "This value is not allowed."),
            OutsideGrids => Text::new(
                "这个位置不在本社区的任何网格内，请在网格范围内选点。",
                "This point lies outside every grid; please pick a point inside a grid.",
            ),
            NothingToUndo => Text::new(
                "没有可以撤销的更改。",
                "There is no earlier version to go back to.",
            ),
            InvalidText => Text::new(
                "含有不可见的控制字符或不允许的换行。",
                "Contains invisible control characters or a line break where none is allowed.",
            ),
            AlreadyOpen => Text::new(
                "已有一件同类事项还没办完；如果确实是另一件事，请确认后再提交。",
                "The same kind of request is still open; if this really is another matter, confirm it and send again.",
            ),
            OutOfScope => Text::new(
                "此人不在您可以安排工作的人员范围内。",
                "This person is not among those you may give work to.",
            ),
            NotEligible => Text::new(
                "此人不能承担这项工作（角色或所在网格不符）。",
                "This person cannot take on this work (their role or grid does not fit).",
            ),
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

/// One refused field. `field` is a JSON-pointer-like path (`name`, `roles`, `rows/3/phone`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    pub message: String,
}

/// Collects field errors while validating a whole request, so a user sees every problem at
/// once rather than one per submit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, FieldErrorCode)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Just one field's error.
    pub fn one(field: impl Into<String>, code: FieldErrorCode) -> Self {
        let mut errs = Self::new();
        errs.add(field, code);
        errs
    }

    pub fn add(&mut self, field: impl Into<String>, code: FieldErrorCode) {
        self.0.push((field.into(), code));
    }

    /// Record the error of a parse, keeping the value when it succeeded.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldErrorCode>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn to_field_errors(&self, lang: Lang) -> Vec<FieldError> {
        self.0
            .iter()
            .map(|(field, code)| FieldError {
                field: field.clone(),
                code: *code,
                message: code.message(lang).to_string(),
            })
            .collect()
    }
}

/// Both languages' messages, so a client can show either without another round trip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Messages {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

/// An RFC 9457 problem document with Linju's extensions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `urn:linju:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short English summary of the problem type.
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    /// The human message in the language the request asked for.
    pub detail: String,
    pub messages: Messages,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For throttling: seconds until another attempt may succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// For version conflicts: the record as it is now, so the client can merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub current: Option<serde_json::Value>,
}

impl Problem {
    pub fn new(code: ErrorCode, lang: Lang) -> Self {
        let text = code.text();
        Problem {
            kind: format!("urn:linju:problem:{}", code_name(code)),
            title: text.en.to_string(),
            status: code.status(),
            code,
            detail: text.get(lang).to_string(),
            messages: Messages {
                zh_cn: text.zh.to_string(),
                en: text.en.to_string(),
            },
            errors: Vec::new(),
            request_id: None,
            retry_after: None,
            current: None,
        }
    }
}

impl Problem {
    /// Throttling answers say how long to wait, in both languages.
    pub fn with_retry_after(mut self, seconds: u64, lang: Lang) -> Self {
        self.retry_after = Some(seconds);
        if self.code == ErrorCode::LoginThrottled {
            self.messages.zh_cn = format!("登录尝试过多，请 {seconds} 秒后再试。");
            self.messages.en = format!("Too many sign-in attempts; try again in {seconds} s.");
            self.detail = match lang {
                Lang::ZhCn => self.messages.zh_cn.clone(),
                Lang::En => self.messages.en.clone(),
            };
        }
        self
    }
}

/// The snake_case name of a code, as it appears in JSON.
pub fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_carries_both_languages_and_a_stable_type() {
        let p = Problem::new(ErrorCode::VersionConflict, Lang::En);
        assert_eq!(p.status, 409);
        assert_eq!(p.kind, "urn:linju:problem:version_conflict");
        assert_eq!(p.detail, p.messages.en);
        assert!(p.messages.zh_cn.contains("修改"));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["code"], "version_conflict");
        assert!(
            json.get("errors").is_none(),
            "empty field errors are omitted"
        );
    }

    #[test]
    fn throttling_says_how_long_to_wait() {
        let p = Problem::new(ErrorCode::LoginThrottled, Lang::En).with_retry_after(42, Lang::En);
        assert_eq!(p.detail, "Too many sign-in attempts; try again in 42 s.");
        assert_eq!(p.messages.zh_cn, "登录尝试过多，请 42 秒后再试。");
        assert_eq!(p.retry_after, Some(42));
    }

    #[test]
    fn field_errors_collect_everything() {
        let mut errs = FieldErrors::new();
        assert_eq!(errs.check("a", Ok::<_, FieldErrorCode>(1)), Some(1));
        assert_eq!(errs.check::<i32>("b", Err(FieldErrorCode::Required)), None);
        errs.add("c", FieldErrorCode::TooLong);
        let out = errs.to_field_errors(Lang::ZhCn);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].field, "b");
        assert_eq!(out[0].message, "此项必填。");
    }

    #[test]
    fn only_passing_troubles_are_worth_a_retry() {
        assert!(ErrorCode::Unavailable.is_transient());
        assert!(ErrorCode::Internal.is_transient());
        assert!(!ErrorCode::NotFound.is_transient());
        assert!(!ErrorCode::Forbidden.is_transient());
        assert!(!ErrorCode::ValidationFailed.is_transient());
        // A duplicate sent while the first is answered may get the first answer later; a key
        // reused or an answer lost never changes.
        assert!(ErrorCode::IdempotencyInProgress.is_transient());
        assert!(!ErrorCode::IdempotencyKeyReused.is_transient());
        assert!(!ErrorCode::IdempotencyAnswerLost.is_transient());
        assert_eq!(ErrorCode::IdempotencyKeyReused.status(), 422);
        assert_eq!(ErrorCode::IdempotencyAnswerLost.status(), 409);
    }
}
