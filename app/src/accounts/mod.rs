//! Accounts: who is signed in (the session context), the sign-in page, the guards that
//! keep signed-out users and forbidden pages away, and the admin's user screens.

mod login;
mod picker;
mod users;

pub use login::LoginPage;
pub use picker::{PeoplePicker, PersonPicker};
pub use users::{UserEditPage, UsersPage};

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use shared::accounts::{Permission, Principal, Role};

use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};
use crate::ui::{ErrorBox, Loading};

/// Where the session stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// Asking the server who we are.
    Checking,
    /// Signed out on purpose: go to the sign-in page and no further.
    SignedOut,
    /// No session (first visit, or it expired): sign in, then come back here.
    NeedsLogin,
    SignedIn(Principal),
    /// The server could not be asked.
    Failed(ApiError),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub auth: RwSignal<Auth>,
    /// Asking the server for the current session (`Session::check`).
    asking: Action<(), ()>,
}

impl Session {
    pub fn provide() -> Session {
        let auth = RwSignal::new(Auth::Checking);
        let asking = Action::new_unsync(move |_: &()| async move {
            let next = match api::session().await {
                Ok(Some(p)) => Auth::SignedIn(p),
                Ok(None) => Auth::NeedsLogin,
                // No connection (the app started offline from the service worker): the user
                // who signed in last on this browser still is, as far as we know.
                Err(ApiError::Network) => match crate::offline::remembered() {
                    Some(p) => Auth::SignedIn(p),
                    None => Auth::Failed(ApiError::Network),
                },
                Err(e) => Auth::Failed(e),
            };
            auth.set(next);
        });
        let session = Session { auth, asking };
        provide_context(session);
        api::on_unauthenticated(move || {
            if matches!(session.auth.get_untracked(), Auth::SignedIn(_)) {
                session.auth.set(Auth::NeedsLogin);
            }
        });
        // The signed-in user is kept for starting offline, and forgotten with the session.
        Effect::new(move |_| match session.auth.get() {
            Auth::SignedIn(p) => crate::offline::remember(&p),
            Auth::NeedsLogin | Auth::SignedOut => crate::offline::forget_user(),
            Auth::Checking | Auth::Failed(_) => {}
        });
        session.check();
        session
    }

    /// Ask the server for the current session.
    pub fn check(self) {
        self.auth.set(Auth::Checking);
        self.asking.dispatch(());
    }

    /// The signed-in user (tracked).
    pub fn principal(self) -> Option<Principal> {
        self.auth.with(|a| match a {
            Auth::SignedIn(p) => Some(p.clone()),
            _ => None,
        })
    }

    pub fn may(self, permission: Permission) -> bool {
        self.auth
            .with(|a| matches!(a, Auth::SignedIn(p) if p.may(permission)))
    }

    pub fn may_in_grid(self, permission: Permission, grid: Option<i64>) -> bool {
        self.auth
            .with(|a| matches!(a, Auth::SignedIn(p) if p.may_in_grid(permission, grid)))
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    Wait,
    Redirect,
    Open,
    Failed,
}

/// Shows its children only to a signed-in user; everyone else goes to the sign-in page and,
/// when their session merely lapsed, comes back here afterwards.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    let gate = Memo::new(move |_| {
        session.auth.with(|a| match a {
            Auth::Checking => Gate::Wait,
            Auth::SignedOut | Auth::NeedsLogin => Gate::Redirect,
            Auth::SignedIn(_) => Gate::Open,
            Auth::Failed(_) => Gate::Failed,
        })
    });
    Effect::new(move |_| {
        let target = match session.auth.get() {
            Auth::SignedOut => "/login".to_string(),
            Auth::NeedsLogin => {
                let search = location.search.get_untracked();
                let search = search.trim_start_matches('?');
                let path = location.pathname.get_untracked();
                let here = if search.is_empty() {
                    path
                } else {
                    format!("{path}?{search}")
                };
                if here == "/" || here.is_empty() {
                    "/login".to_string()
                } else {
                    format!("/login?next={}", api::encode(&here))
                }
            }
            _ => return,
        };
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    move || match gate.get() {
        Gate::Wait | Gate::Redirect => view! { <Loading/> }.into_any(),
        Gate::Open => children().into_any(),
        Gate::Failed => {
            let error = match session.auth.get_untracked() {
                Auth::Failed(e) => e,
                _ => ApiError::Network,
            };
            view! { <ErrorBox error retry=Callback::new(move |_| session.check())/> }.into_any()
        }
    }
}

/// Shows its children only to users holding a permission; others get a calm refusal.
#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let allowed = Memo::new(move |_| session.may(permission));
    move || {
        if allowed.get() {
            children().into_any()
        } else {
            view! {
                <div class="alert alert-info" role="alert" data-testid="no-permission">
                    <p>{move || i18n.t(Key::NoPermission)}</p>
                    <p><a href="/">{move || i18n.t(Key::BackHome)}</a></p>
                </div>
            }
            .into_any()
        }
    }
}

/// A set of checkboxes for roles.
#[component]
pub fn RolePicker(
    id: &'static str,
    roles: RwSignal<Vec<Role>>,
    errors: RwSignal<Vec<shared::error::FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field choice-group" data-testid=format!("{id}-roles")>
            <legend>{move || i18n.t(Key::Roles)}</legend>
            <div class="choices">
                {Role::ALL.into_iter().rev().map(|role| {
                    let input_id = format!("{id}-role-{}", role.as_str());
                    let for_id = input_id.clone();
                    view! {
                        <label class="choice" for=for_id>
                            <input
                                type="checkbox"
                                id=input_id
                                value=role.as_str()
                                data-testid=format!("{id}-role-{}", role.as_str())
                                prop:checked=move || roles.with(|r| r.contains(&role))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    roles.update(|r| {
                                        r.retain(|x| *x != role);
                                        if on { r.push(role); r.sort(); }
                                    });
                                }
                            />
                            <span>{move || i18n.text(role.text())}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
            <crate::ui::FieldErrorList errors field="roles" id=format!("{id}-roles-error")/>
        </fieldset>
    }
}
