//! The admin's user screens: the list, creating a user with roles and grids, and editing
//! one (roles, grids, disabled, password) with version checks.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::accounts::{
    CreateUser, Permission, ResetPassword, Role, UpdateUser, UserView, parse_roles,
    parse_work_phone,
};
use shared::error::{ErrorCode, FieldError};
use shared::places::PlaceRefWithPath;
use shared::validate::{Name, NewPassword, Username};

use super::RequirePermission;
use super::RolePicker;
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{
    ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, focus_first_invalid,
    local_error,
};
use shared::calendar::format_moment;

type Grids = Vec<PlaceRefWithPath>;

/// Grid names by id, for showing a user's scope: "幸福社区 · 第一网格" (the street is implied).
fn grid_names(grids: &Grids) -> HashMap<i64, String> {
    grids
        .iter()
        .map(|g| (g.place.id, short_location(g)))
        .collect()
}

/// A grid's community and name, "幸福社区 · 第一网格", from its full location.
fn short_location(g: &PlaceRefWithPath) -> String {
    let parts: Vec<&str> = g
        .location
        .split(" / ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [.., community, _grid] => format!("{community} · {}", g.place.name),
        _ => g.place.name.clone(),
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageUsers>
            <UsersList/>
        </RequirePermission>
    }
}

#[component]
fn UsersList() -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(api::users);
    let grids = LocalResource::new(api::grids);
    let creating = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| set_title(i18n.t(Key::UsersTitle), i18n.get()));

    let on_created = Callback::new(move |user: UserView| {
        creating.set(false);
        notice.set(Some(
            i18n.fmt(Key::UserCreated, &[("name", &user.display_name)]),
        ));
        users.refetch();
    });

    view! {
        <div class="page-head">
            <h1>{move || i18n.t(Key::UsersTitle)}</h1>
            <button type="button" class="button button-primary" data-testid="new-user-button"
                aria-expanded=move || creating.get().to_string() aria-controls="new-user-panel"
                on:click=move |_| { notice.set(None); creating.update(|c| *c = !*c); }>
                {move || i18n.t(Key::NewUser)}
            </button>
        </div>
        <Notice message=notice/>
        <div id="new-user-panel">
            {move || creating.get().then(|| view! {
                <NewUserForm grids on_created on_cancel=Callback::new(move |_| creating.set(false))/>
            })}
        </div>
        {move || match (users.get(), grids.get()) {
            (None, _) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorBox error=e retry=Callback::new(move |_| users.refetch())/> }.into_any(),
            (Some(Ok(list)), g) => {
                let names = g.and_then(|r| r.ok()).map(|g| grid_names(&g)).unwrap_or_default();
                if list.is_empty() {
                    return view! { <p class="empty">{move || i18n.t(Key::NoUsers)}</p> }.into_any();
                }
                view! {
                    <ul class="cards user-list" data-testid="users-list">
                        {list.into_iter().map(|u| user_card(u, &names)).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

fn user_card(u: UserView, names: &HashMap<i64, String>) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let roles = u.roles.clone();
    let grids: Vec<String> = u
        .grid_ids
        .iter()
        .map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}")))
        .collect();
    let disabled = u.disabled;
    let href = format!("/admin/users/{}", u.id);
    view! {
        <li class="card user-card" class:is-disabled=disabled data-testid="user-row" data-username=u.username.clone()>
            <div class="card-main">
                <h2 class="card-title">
                    <a href=href data-testid="user-link" data-user-text>{u.display_name.clone()}</a>
                </h2>
                <p class="muted mono" data-user-text>{u.username.clone()}</p>
                <p class="badges">
                    {roles.into_iter().map(|r| view! { <span class="badge">{move || i18n.text(r.text())}</span> }).collect_view()}
                    {disabled.then(|| view! { <span class="badge badge-warn">{move || i18n.t(Key::Disabled)}</span> })}
                </p>
                {(!grids.is_empty()).then(|| view! {
                    <p class="muted"><span>{move || i18n.t(Key::Grids)}</span>": "<span data-user-text>{grids.join("、")}</span></p>
                })}
            </div>
        </li>
    }
}

/// Checkboxes for the grids a user works in.
#[component]
fn GridPicker(
    id: &'static str,
    selected: RwSignal<Vec<i64>>,
    grids: LocalResource<Result<Grids, ApiError>>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field choice-group" data-testid=format!("{id}-grids")>
            <legend>{move || i18n.t(Key::Grids)}</legend>
            <p class="hint">{move || i18n.t(Key::GridsHint)}</p>
            {move || match grids.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| grids.refetch())/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoGridsAvailable)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="choices">
                        {list.into_iter().map(|g| {
                            let gid = g.place.id;
                            let label = short_location(&g);
                            let location = g.location.clone();
                            let name = g.place.name.clone();
                            let input_id = format!("{id}-grid-{gid}");
                    let for_id = input_id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="checkbox" id=input_id data-testid="grid-choice" data-name=name
                                        prop:checked=move || selected.with(|s| s.contains(&gid))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| { s.retain(|x| *x != gid); if on { s.push(gid); s.sort(); } });
                                        }/>
                                    <span title=location data-user-text>{label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }.into_any(),
            }}
            <FieldErrorList errors field="grid_ids" id=format!("{id}-grids-error")/>
        </fieldset>
    }
}

#[component]
fn NewUserForm(
    grids: LocalResource<Result<Grids, ApiError>>,
    on_created: Callback<UserView>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let grid_ids = RwSignal::new(Vec::<i64>::new());
    let create = Submit::new(move |input: CreateUser| async move {
        on_created.run(api::create_user(&input).await?);
        Ok(())
    })
    .focusing_invalid();
    let (field_errors, error, busy) = (create.errors, create.error, create.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut errs = Vec::new();
        if let Err(c) = Username::parse(&username.get_untracked()) {
            errs.push(local_error("username", c));
        }
        if let Err(c) = Name::parse(&display_name.get_untracked()) {
            errs.push(local_error("display_name", c));
        }
        if let Err(c) = NewPassword::parse(&password.get_untracked()) {
            errs.push(local_error("password", c));
        }
        if let Err(c) = parse_roles(&roles.get_untracked()) {
            errs.push(local_error("roles", c));
        }
        field_errors.set(errs.clone());
        error.set(None);
        if !errs.is_empty() {
            focus_first_invalid();
            return;
        }
        let input = CreateUser {
            username: username.get_untracked().trim().to_lowercase(),
            display_name: display_name.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            roles: roles.get_untracked(),
            grid_ids: grid_ids.get_untracked(),
        };
        create.dispatch(input);
    };

    view! {
        <form class="card form" on:submit=submit novalidate data-testid="new-user-form" aria-labelledby="new-user-title">
            <h2 id="new-user-title">{move || i18n.t(Key::NewUser)}</h2>
            <FormError error fields=field_errors/>
            <div class="form-grid">
                <TextField id="new-user-username" label=Key::Username value=username errors=field_errors field="username"
                    required=true autocomplete="off" testid="new-user-username"/>
                <TextField id="new-user-display-name" label=Key::DisplayName value=display_name errors=field_errors
                    field="display_name" required=true testid="new-user-display-name"/>
                <TextField id="new-user-password" label=Key::Password value=password errors=field_errors field="password"
                    kind="password" autocomplete="new-password" required=true hint=Key::PasswordHint testid="new-user-password"/>
            </div>
            <RolePicker id="new-user" roles errors=field_errors/>
            <GridPicker id="new-user" selected=grid_ids grids errors=field_errors/>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="new-user-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::CreateUser) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn UserEditPage() -> impl IntoView {
    let id = crate::ui::use_id_param();
    view! {
        <RequirePermission permission=Permission::ManageUsers>
            {move || match id.get() {
                Some(id) => view! { <UserEdit id/> }.into_any(),
                None => view! { <crate::shell::NotFound/> }.into_any(),
            }}
        </RequirePermission>
    }
}

#[component]
fn UserEdit(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let user = LocalResource::new(move || api::user(id));
    let grids = LocalResource::new(api::grids);
    view! {
        <p class="back"><a href="/admin/users">{move || format!("← {}", i18n.t(Key::BackToUsers))}</a></p>
        {move || match user.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| user.refetch())/> }.into_any(),
            Some(Ok(u)) => view! { <UserEditor user=u grids/> }.into_any(),
        }}
    }
}

#[component]
fn UserEditor(user: UserView, grids: LocalResource<Result<Grids, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id;
    let current = RwSignal::new(user.clone());
    let display_name = RwSignal::new(user.display_name.clone());
    let roles = RwSignal::new(user.roles.clone());
    let grid_ids = RwSignal::new(user.grid_ids.clone());
    let disabled = RwSignal::new(user.disabled);
    let work_phone = RwSignal::new(user.work_phone.clone().unwrap_or_default());
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        set_title(
            &format!(
                "{} · {}",
                i18n.t(Key::EditUser),
                current.with(|u| u.display_name.clone())
            ),
            i18n.get(),
        )
    });

    let load = move |u: UserView| {
        display_name.set(u.display_name.clone());
        roles.set(u.roles.clone());
        grid_ids.set(u.grid_ids.clone());
        disabled.set(u.disabled);
        work_phone.set(u.work_phone.clone().unwrap_or_default());
        current.set(u);
    };
    // Saved: the user as saved. Someone else's change: the user as it is now, said so.
    let save = Submit::new(move |input: UpdateUser| async move {
        match api::update_user(id, &input).await {
            Ok(u) => {
                load(u);
                notice.set(Some(i18n.t(Key::Saved).to_string()));
            }
            Err(e) if e.is(ErrorCode::VersionConflict) => {
                if let Some(now) = e.current::<UserView>() {
                    load(now);
                } else if let Ok(now) = api::user(id).await {
                    load(now);
                }
                notice.set(Some(i18n.t(Key::VersionConflictReloaded).to_string()));
            }
            Err(e) => return Err(e),
        }
        Ok(())
    })
    .focusing_invalid();
    let (field_errors, error, busy) = (save.errors, save.error, save.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut errs = Vec::new();
        if let Err(c) = Name::parse(&display_name.get_untracked()) {
            errs.push(local_error("display_name", c));
        }
        if let Err(c) = parse_roles(&roles.get_untracked()) {
            errs.push(local_error("roles", c));
        }
        if let Err(c) = parse_work_phone(Some(&work_phone.get_untracked())) {
            errs.push(local_error("work_phone", c));
        }
        field_errors.set(errs.clone());
        error.set(None);
        notice.set(None);
        if !errs.is_empty() {
            focus_first_invalid();
            return;
        }
        let input = UpdateUser {
            display_name: display_name.get_untracked().trim().to_string(),
            roles: roles.get_untracked(),
            grid_ids: grid_ids.get_untracked(),
            disabled: disabled.get_untracked(),
            work_phone: Some(work_phone.get_untracked()),
            version: current.with_untracked(|u| u.version),
        };
        save.dispatch(input);
    };

    view! {
        <div class="page-head">
            <h1 data-testid="user-edit-title" data-user-text>{move || current.with(|u| u.display_name.clone())}</h1>
            <p class="muted mono">{move || current.with(|u| u.username.clone())}</p>
            <p class="muted">{move || format!("{}: {}", i18n.t(Key::CreatedAt), current.with(|u| format_moment(u.created_at)))}</p>
        </div>
        <Notice message=notice/>
        <form class="card form" on:submit=submit novalidate data-testid="user-edit-form" aria-labelledby="edit-user-title">
            <h2 id="edit-user-title">{move || i18n.t(Key::EditUser)}</h2>
            <FormError error fields=field_errors/>
            <TextField id="edit-user-display-name" label=Key::DisplayName value=display_name errors=field_errors
                field="display_name" required=true/>
            <RolePicker id="edit-user" roles errors=field_errors/>
            <GridPicker id="edit-user" selected=grid_ids grids errors=field_errors/>
            <TextField id="edit-user-work-phone" label=Key::WorkPhone value=work_phone errors=field_errors
                field="work_phone" kind="tel" autocomplete="off" inputmode="tel" hint=Key::WorkPhoneHint testid="edit-user-work-phone"/>
            <div class="field">
                <label class="choice" for="edit-user-disabled">
                    <input type="checkbox" id="edit-user-disabled" data-testid="edit-user-disabled" bind:checked=disabled/>
                    <span>{move || i18n.t(Key::AccountDisabled)}</span>
                </label>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="user-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
            </div>
        </form>
        <UserPhoto id current/>
        <PasswordReset id current/>
    }
}

/// The account's photo (the face on 找网格员): upload or remove, each at the version shown;
/// the type and size are checked before sending (`cases::photos::check_photo`, the shared
/// limits) and again by the server.
#[component]
fn UserPhoto(id: i64, current: RwSignal<UserView>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<Key>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // A new photo (`Some`) or none, at the version shown; either answers with the user as
    // saved, and a stale version reads the user again.
    let change = Submit::reporting_to(
        error,
        RwSignal::new(Vec::new()),
        move |photo: Option<send_wrapper::SendWrapper<web_sys::File>>| async move {
            let version = current.with_untracked(|u| u.version);
            let (answer, done) = match photo {
                Some(file) => (
                    api::set_user_photo(id, version, file.take()).await,
                    Key::UserPhotoSaved,
                ),
                None => (
                    api::remove_user_photo(id, version).await,
                    Key::UserPhotoRemoved,
                ),
            };
            match answer {
                Ok(u) => {
                    current.set(u);
                    notice.set(Some(i18n.t(done).to_string()));
                    Ok(())
                }
                Err(e) => {
                    if e.is(ErrorCode::VersionConflict)
                        && let Ok(u) = api::user(id).await
                    {
                        current.set(u);
                    }
                    Err(e)
                }
            }
        },
    );
    let busy = change.pending();
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        error.set(None);
        notice.set(None);
        if let Err(k) = crate::cases::photos::check_photo(&file.type_(), file.size()) {
            refused.set(Some(k));
            return;
        }
        refused.set(None);
        change.dispatch(Some(send_wrapper::SendWrapper::new(file)));
    };
    let remove = move |_| {
        error.set(None);
        notice.set(None);
        change.dispatch(None);
    };
    view! {
        <section class="card form" data-testid="user-photo" aria-labelledby="user-photo-title">
            <h2 id="user-photo-title">{move || i18n.t(Key::UserPhoto)}</h2>
            <p class="hint">{move || i18n.t(Key::UserPhotoHint)}</p>
            <Notice message=notice/>
            <FormError error/>
            <div class="elder-worker-head">
                {move || current.with(|u| view! {
                    <crate::elder::WorkerFace name=u.display_name.clone() photo_url=u.photo_url.clone()/>
                })}
                {move || current.with(|u| u.photo_url.is_none()).then(|| view! {
                    <p class="muted">{move || i18n.t(Key::UserPhotoNone)}</p>
                })}
            </div>
            {move || refused.get().map(|k| view! { <p class="field-error" role="alert" data-testid="user-photo-refused">{move || i18n.t(k)}</p> })}
            <input type="file" accept="image/jpeg,image/png,image/webp" hidden node_ref=input_ref
                data-testid="user-photo-input" on:change=on_change/>
            <div class="actions">
                <button type="button" class="button button-secondary" data-testid="user-photo-upload" disabled=move || busy.get()
                    on:click=move |_| if let Some(i) = input_ref.get() { i.click() }>
                    {move || i18n.t(Key::UserPhotoUpload)}
                </button>
                {move || current.with(|u| u.photo_url.is_some()).then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="user-photo-remove" disabled=move || busy.get()
                        on:click=remove>
                        {move || i18n.t(Key::UserPhotoRemove)}
                    </button>
                })}
            </div>
        </section>
    }
}

#[component]
fn PasswordReset(id: i64, current: RwSignal<UserView>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let reset = Submit::new(move |input: ResetPassword| async move {
        let answer = api::reset_password(id, &input).await;
        // The reset may have bumped the user's version; a stale one is read again too.
        if answer.is_ok()
            || answer
                .as_ref()
                .is_err_and(|e| e.is(ErrorCode::VersionConflict))
        {
            if let Ok(u) = api::user(id).await {
                current.set(u);
            }
        }
        answer?;
        password.set(String::new());
        notice.set(Some(i18n.t(Key::PasswordReset).to_string()));
        Ok(())
    })
    .focusing_invalid();
    let (field_errors, error, busy) = (reset.errors, reset.error, reset.pending());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        notice.set(None);
        if let Err(c) = NewPassword::parse(&password.get_untracked()) {
            field_errors.set(vec![local_error("password", c)]);
            return;
        }
        field_errors.set(Vec::new());
        let input = ResetPassword {
            password: password.get_untracked(),
            version: current.with_untracked(|u| u.version),
        };
        reset.dispatch(input);
    };

    view! {
        <form class="card form" on:submit=submit novalidate data-testid="password-form" aria-labelledby="reset-title">
            <h2 id="reset-title">{move || i18n.t(Key::ResetPassword)}</h2>
            <Notice message=notice/>
            <FormError error fields=field_errors/>
            <TextField id="reset-password" label=Key::NewPassword value=password errors=field_errors field="password"
                kind="password" autocomplete="new-password" required=true hint=Key::PasswordHint/>
            <div class="actions">
                <button type="submit" class="button button-secondary" data-testid="password-submit" disabled=move || busy.get()>
                    {move || i18n.t(Key::ResetPassword)}
                </button>
            </div>
        </form>
    }
}
