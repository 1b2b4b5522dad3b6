//! One error type for every handler. It becomes an `application/problem+json` response;
//! the body is written by `http::render_problems`, which knows the request's language and id.
//! Internal errors are logged (inside the request's span, so with its id) and never leaked.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};
use shared::error::{ErrorCode, FieldErrorCode, FieldErrors, Problem};
use shared::i18n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0:?}")]
    Code(ErrorCode),
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    #[error("throttled for {retry_after}s")]
    Throttled { retry_after: u64 },
    #[error("version conflict")]
    Conflict { current: serde_json::Value },
    /// A refusal that says why in the user's words (e.g. which consent is missing).
    #[error("{0:?}: {1:?}")]
    Refused(ErrorCode, shared::i18n::Text),
    /// Text that breaks the text rule (`shared::validate::check_text`), in the named field.
    #[error("invalid text in {0}")]
    InvalidText(String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// A row, record or document that may not be there: absent answers 404.
pub trait Or404<T> {
    fn or_404(self) -> AppResult<T>;
}

impl<T> Or404<T> for Option<T> {
    fn or_404(self) -> AppResult<T> {
        self.ok_or(AppError::Code(ErrorCode::NotFound))
    }
}

impl AppError {
    pub fn field(field: &str, code: FieldErrorCode) -> AppError {
        let mut e = FieldErrors::new();
        e.add(field, code);
        AppError::Validation(e)
    }

    pub fn conflict<T: serde::Serialize>(current: &T) -> AppError {
        AppError::Conflict {
            current: serde_json::to_value(current).unwrap_or_default(),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => {
                AppError::Code(ErrorCode::UnsupportedMediaType)
            }
            JsonRejection::BytesRejection(_) => AppError::Code(ErrorCode::PayloadTooLarge),
            other => {
                tracing::debug!(error = %other.body_text(), "unreadable JSON body");
                AppError::Code(ErrorCode::MalformedRequest)
            }
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::Code(ErrorCode::NotFound)
    }
}

impl From<QueryRejection> for AppError {
    fn from(_: QueryRejection) -> Self {
        AppError::Code(ErrorCode::MalformedRequest)
    }
}

/// What the problem renderer needs; carried as a response extension.
#[derive(Clone, Debug)]
pub struct ProblemSpec {
    pub code: ErrorCode,
    pub errors: FieldErrors,
    pub retry_after: Option<u64>,
    pub current: Option<serde_json::Value>,
    /// Says more than the code's own message.
    pub message: Option<shared::i18n::Text>,
}

impl ProblemSpec {
    pub fn of(code: ErrorCode) -> Self {
        ProblemSpec {
            code,
            errors: FieldErrors::new(),
            retry_after: None,
            current: None,
            message: None,
        }
    }

    pub fn render(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let mut p = Problem::new(self.code, lang);
        p.errors = self.errors.to_field_errors(lang);
        if let Some(s) = self.retry_after {
            p = p.with_retry_after(s, lang);
        }
        p.current = self.current.clone();
        if let Some(t) = self.message {
            p.detail = t.get(lang).to_string();
            p.messages.zh_cn = t.zh.to_string();
            p.messages.en = t.en.to_string();
        }
        p.request_id = request_id;
        p
    }

    pub fn into_response_with(self, lang: Lang, request_id: Option<String>) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.render(lang, request_id)).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res.extensions_mut().insert(self);
        res
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let spec = match self {
            AppError::Code(code) => ProblemSpec::of(code),
            AppError::Validation(errors) => ProblemSpec {
                errors,
                ..ProblemSpec::of(ErrorCode::ValidationFailed)
            },
            AppError::Throttled { retry_after } => ProblemSpec {
                retry_after: Some(retry_after),
                ..ProblemSpec::of(ErrorCode::LoginThrottled)
            },
            AppError::Conflict { current } => ProblemSpec {
                current: Some(current),
                ..ProblemSpec::of(ErrorCode::VersionConflict)
            },
            AppError::InvalidText(field) => {
                let mut errors = FieldErrors::new();
                errors.add(field, FieldErrorCode::InvalidText);
                ProblemSpec {
                    errors,
                    ..ProblemSpec::of(ErrorCode::InvalidText)
                }
            }
            AppError::Refused(code, text) => ProblemSpec {
                message: Some(text),
                ..ProblemSpec::of(code)
            },
            AppError::Db(err) => match err.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => {
                    ProblemSpec::of(ErrorCode::AlreadyExists)
                }
                Some(SqlErr::ForeignKeyConstraintViolation(_)) => ProblemSpec::of(ErrorCode::InUse),
                _ => {
                    tracing::error!(error = %err, "database error");
                    ProblemSpec::of(ErrorCode::Internal)
                }
            },
            AppError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                ProblemSpec::of(ErrorCode::Internal)
            }
        };
        // Rendered in Chinese here; the problem middleware re-renders it in the request's
        // language with the request id.
        spec.into_response_with(Lang::ZhCn, None)
    }
}
