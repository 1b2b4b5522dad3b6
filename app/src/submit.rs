//! Sending a form, or one button's change, to the server: one small layer over Leptos's
//! [`Action`]. It gives every form the same three things: whether it is sending now (to disable
//! its button and say "sending…"), the last refusal with the fields the server marked (for
//! `ui::FormError` and `ui::FieldErrorList`), and a version that counts finished sends (for
//! resources that must be read again afterwards).
//!
//! The futures of `api` are not `Send` (the browser's fetch), so the action is
//! `Action::new_unsync`: inputs and answers are plain data, the future stays on this thread.

use std::future::Future;

use leptos::prelude::*;
use shared::error::FieldError;

use crate::api::{ApiError, ApiResult};

/// One form's sending. `send` does the whole step (the call, then whatever success means for
/// this form: show the answer, close the form, go to the new page); a refusal it returns with
/// `?` lands in [`Submit::error`] and [`Submit::errors`].
pub struct Submit<I: 'static, T: 'static = ()> {
    action: Action<I, ApiResult<T>>,
    pending: Memo<bool>,
    /// The last refusal, in full (for the form's `FormError`).
    pub error: RwSignal<Option<ApiError>>,
    /// The fields marked invalid: by the server's last refusal, or by the form itself before
    /// sending (`ui::local_error`).
    pub errors: RwSignal<Vec<FieldError>>,
    /// Move the focus to the first invalid field after a refusal.
    focus_invalid: StoredValue<bool>,
}

impl<I, T> Clone for Submit<I, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, T> Copy for Submit<I, T> {}

impl<I, T> Submit<I, T>
where
    I: Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    pub fn new<F, Fu>(send: F) -> Self
    where
        F: Fn(I) -> Fu + 'static,
        Fu: Future<Output = ApiResult<T>> + 'static,
    {
        Self::reporting_to(RwSignal::new(None), RwSignal::new(Vec::new()), send)
    }

    /// As [`Submit::new`], for one of several sends that report to the same slots (a list's
    /// form and the changes made on its entries share one error line).
    pub fn reporting_to<F, Fu>(
        error: RwSignal<Option<ApiError>>,
        errors: RwSignal<Vec<FieldError>>,
        send: F,
    ) -> Self
    where
        F: Fn(I) -> Fu + 'static,
        Fu: Future<Output = ApiResult<T>> + 'static,
    {
        let focus_invalid = StoredValue::new(false);
        let action = Action::new_unsync(move |input: &I| {
            let sent = send(input.clone());
            async move {
                let answer = sent.await;
                if let Err(e) = &answer {
                    // The form may be gone by now (the user left while it was sending): then
                    // these signals are disposed and setting them does nothing.
                    errors.set(e.field_errors());
                    error.set(Some(e.clone()));
                    if focus_invalid.try_get_value() == Some(true) {
                        crate::ui::focus_first_invalid();
                    }
                }
                answer
            }
        });
        Submit {
            action,
            pending: action.pending(),
            error,
            errors,
            focus_invalid,
        }
    }

    /// After a refusal, put the focus on the first field marked invalid.
    pub fn focusing_invalid(self) -> Self {
        self.focus_invalid.set_value(true);
        self
    }

    /// Send, unless this form is still sending (a second tap must not send twice). The last
    /// refusal and its field marks are cleared first.
    pub fn dispatch(&self, input: I) {
        if self.pending.get_untracked() {
            return;
        }
        self.error.set(None);
        self.errors.set(Vec::new());
        self.action.dispatch(input);
    }

    /// Refuse before sending: the form's own check (the shared rule) found these fields
    /// invalid. They are marked as a server refusal would mark them, and the focus moves to the
    /// first.
    pub fn refuse(&self, errors: Vec<FieldError>) {
        self.error.set(None);
        self.errors.set(errors);
        crate::ui::focus_first_invalid();
    }

    /// Whether a send is under way.
    pub fn pending(&self) -> Memo<bool> {
        self.pending
    }

    /// How many sends have finished (successfully or not): read it in a resource's fetcher
    /// to read the resource again after each.
    pub fn version(&self) -> RwSignal<usize> {
        self.action.version()
    }

    /// What is being sent now, if anything (e.g. to mark the one row whose change is under way).
    pub fn input(&self) -> MappedSignal<Option<I>> {
        self.action.input()
    }
}
