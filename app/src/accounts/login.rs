//! The sign-in page. After signing in the user lands where they were going.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::error::{FieldError, FieldErrorCode};

use super::{Auth, use_session};
use crate::api;
use crate::elder::ElderSwitch;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{FormError, TextField};

/// Only same-site paths are followed after sign-in (no `//evil.example`).
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/login") =>
        {
            n
        }
        _ => "/".to_string(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.read().get("next")));

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Signed in: the session says so (and the page goes on). Refused: the password is typed
    // again, with the focus on it.
    let sign_in = Submit::new(move |(u, p): (String, String)| async move {
        let answer = api::login(&u, &p).await;
        password.set(String::new());
        match answer {
            Ok(principal) => session.auth.set(Auth::SignedIn(principal)),
            Err(e) => {
                focus("login-password");
                return Err(e);
            }
        }
        Ok(())
    });
    let (field_errors, error, busy) = (sign_in.errors, sign_in.error, sign_in.pending());

    Effect::new(move |_| set_title(i18n.t(Key::LoginTitle), i18n.get()));

    // Already signed in (or just signed in): go on.
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            if matches!(session.auth.get(), Auth::SignedIn(_)) {
                navigate(
                    &next.get_untracked(),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        });
    }

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let u = username.get_untracked().trim().to_string();
        let p = password.get_untracked();
        let mut missing = Vec::new();
        for (field, value) in [("username", &u), ("password", &p)] {
            if value.is_empty() {
                missing.push(FieldError {
                    field: field.into(),
                    code: FieldErrorCode::Required,
                    message: String::new(),
                });
            }
        }
        field_errors.set(missing.clone());
        error.set(None);
        if !missing.is_empty() {
            focus(&format!("login-{}", missing[0].field));
            return;
        }
        sign_in.dispatch((u, p));
    };

    view! {
        <section class="login" aria-labelledby="login-title">
            <div class="card login-card">
                <h1 id="login-title">{move || i18n.t(Key::LoginTitle)}</h1>
                <p class="lead">{move || i18n.t(Key::LoginIntro)}</p>
                <form on:submit=submit novalidate data-testid="login-form">
                    <FormError error testid="login-error"/>
                    <TextField id="login-username" label=Key::Username value=username errors=field_errors
                        field="username" autocomplete="username" required=true testid="login-username"/>
                    <TextField id="login-password" label=Key::Password value=password errors=field_errors
                        field="password" kind="password" autocomplete="current-password" required=true testid="login-password"/>
                    <button type="submit" class="button button-primary button-block" data-testid="login-submit"
                        disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                        {move || if busy.get() { i18n.t(Key::LoggingIn) } else { i18n.t(Key::LoginButton) }}
                    </button>
                </form>
                <p class="hint login-help">{move || i18n.t(Key::LoginHelp)}</p>
                <div class="login-elder">
                    <ElderSwitch testid="login-elder-switch"/>
                    <p class="hint">{move || i18n.t(Key::ElderModeHint)}</p>
                </div>
            </div>
        </section>
    }
}

pub(crate) fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/places/3".into())), "/places/3");
        assert_eq!(safe_next(Some("//evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/login?next=/".into())), "/");
        assert_eq!(safe_next(None), "/");
    }
}
