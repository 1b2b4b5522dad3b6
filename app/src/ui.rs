//! Small building blocks every area uses: loading and error states, labelled fields with
//! their errors, and formatting. They keep pages consistent and accessible by default.

use leptos::prelude::*;
use leptos_router::params::Params;
use shared::calendar::{format_day, format_moment};
use shared::error::FieldError;
use time::OffsetDateTime;

use crate::api::ApiError;
use crate::i18n::{Key, use_i18n};

/// The address of a page about one record: `…/:id`.
#[derive(Params, Clone, PartialEq)]
struct IdParams {
    id: Option<i64>,
}

/// The record id in the page's address (`…/:id`), when it is a number.
pub fn use_id_param() -> Memo<Option<i64>> {
    let params = leptos_router::hooks::use_params::<IdParams>();
    Memo::new(move |_| params.read().as_ref().ok().and_then(|p| p.id))
}

/// A visible "loading" line (never a blank screen).
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="loading" role="status" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || i18n.t(Key::Loading)}</span>
        </div>
    }
}

/// A failed call, in the user's language, with a way to try again when trying again may help
/// (`ApiError::is_transient`: not for a 404 or a 403).
#[component]
pub fn ErrorBox(
    error: ApiError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let transient = error.is_transient();
    let message = move || error.message(i18n.get());
    view! {
        <div class="alert alert-error" role="alert" data-testid="error-banner">
            <p>{message}</p>
            {retry.filter(|_| transient).map(|retry| view! {
                <button type="button" class="button button-secondary" on:click=move |_| retry.run(())>
                    {move || i18n.t(Key::Retry)}
                </button>
            })}
        </div>
    }
}

/// A form-level error slot: empty until something fails, then announced (aria-live). With
/// `fields`, problems found before sending are summarised here too.
#[component]
pub fn FormError(
    error: RwSignal<Option<ApiError>>,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] fields: Option<RwSignal<Vec<FieldError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let testid = if testid.is_empty() {
        "form-error"
    } else {
        testid
    };
    let local =
        move || error.with(Option::is_none) && fields.is_some_and(|f| f.with(|f| !f.is_empty()));
    // Read aloud in elder mode says what went wrong as it appears.
    Effect::new(move |_| {
        if let Some(e) = error.get() {
            crate::elder::announce(&e.message(i18n.lang.get_untracked()));
        } else if local() {
            crate::elder::announce(Key::FixFields.text().get(i18n.lang.get_untracked()));
        }
    });
    view! {
        <div class="form-error-slot" aria-live="assertive" aria-atomic="true">
            {move || local().then(|| view! {
                <div class="alert alert-error" role="alert" data-testid="form-fix-fields"><p>{i18n.t(Key::FixFields)}</p></div>
            })}
            {move || error.get().map(|e| {
                let msg = e.message(i18n.get());
                let extra = if e.field_errors().is_empty() { None } else { Some(i18n.t(Key::FixFields)) };
                let wait = e.retry_after().map(|n| i18n.fmt(Key::RetryAfter, &[("n", &n.to_string())]));
                view! {
                    <div class="alert alert-error" role="alert" data-testid=testid>
                        <p>{msg}</p>
                        {extra.map(|x| view! { <p>{x}</p> })}
                        {wait.map(|x| view! { <p>{x}</p> })}
                    </div>
                }
            })}
        </div>
    }
}

/// A calm confirmation after a change, announced politely.
#[component]
pub fn Notice(message: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <div class="notice-slot" aria-live="polite" aria-atomic="true">
            {move || message.get().map(|m| view! {
                <div class="alert alert-success" role="status" data-testid="notice"><p>{m}</p></div>
            })}
        </div>
    }
}

/// [`Notice`] for a message kept as a [`crate::i18n::Said`]: worded in the language of the
/// moment, so it follows a switch made after it was said.
#[component]
pub fn SaidNotice(message: RwSignal<Option<crate::i18n::Said>>) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <div class="notice-slot" aria-live="polite" aria-atomic="true">
            {move || message.get().map(|m| view! {
                <div class="alert alert-success" role="status" data-testid="notice"><p>{move || i18n.said(&m)}</p></div>
            })}
        </div>
    }
}

/// Move focus to the first field marked invalid, once the page has shown the marks.
pub fn focus_first_invalid() {
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector("main [aria-invalid='true']")
                    .ok()
                    .flatten()
            })
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// A field error found before sending (same shape as the server's, no message of its own).
pub fn local_error(field: &str, code: shared::error::FieldErrorCode) -> FieldError {
    FieldError {
        field: field.to_string(),
        code,
        message: String::new(),
    }
}

/// Field errors of one field (server-side names such as `name` or `leaders/0/name`).
pub fn errors_for(errors: &[FieldError], field: &str) -> Vec<FieldError> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .cloned()
        .collect()
}

/// A labelled text input with its hint and its errors, wired for screen readers.
#[component]
pub fn TextField(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    /// The field's name in the API's error list.
    field: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] inputmode: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let has_error = move || errors.with(|e| e.iter().any(|x| x.field == field));
    let described = {
        let hint_id = hint_id.clone();
        let err_id = err_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if has_error() {
                ids.push(err_id.clone());
            }
            if ids.is_empty() {
                None
            } else {
                Some(ids.join(" "))
            }
        }
    };
    let testid = if testid.is_empty() { id } else { testid };
    view! {
        <div class="field" class:field-invalid=has_error>
            <label for=id>
                {move || i18n.t(label)}
                {(!required).then(|| view! { <span class="optional">{move || format!(" ({})", i18n.t(Key::Optional))}</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(h)}</p> })}
            <input
                id=id
                name=field
                type=kind
                autocomplete=autocomplete
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                required=required
                aria-invalid=move || if has_error() { "true" } else { "false" }
                aria-describedby=described
                data-testid=testid
                bind:value=value
            />
            <FieldErrorList errors field id=err_id />
        </div>
    }
}

/// The messages of one field's errors, in the current language. `field` may be built at run
/// time for rows of a list (`3/hard`).
#[component]
pub fn FieldErrorList(
    errors: RwSignal<Vec<FieldError>>,
    #[prop(into)] field: String,
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            let mine = errors.with(|e| errors_for(e, &field));
            (!mine.is_empty()).then(|| {
                let text = mine.iter().map(|e| e.code.message(i18n.get())).collect::<Vec<_>>().join(" ");
                view! { <p class="field-error" id=id.clone() data-testid=format!("error-{field}")>{text}</p> }
            })
        }}
    }
}

/// What can take the keyboard focus inside a dialog, in document order.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type='hidden']), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Every modal dialog of the app: the browser's own `<dialog>` opened with `showModal()`, so
/// the page behind is inert and the dialog sits above everything. It is named by a heading
/// inside it (`labelledby`, which should say what the dialog acts on), takes the focus when it
/// opens (the field or button marked `autofocus`, else the first one), keeps Tab and
/// Shift+Tab inside (the browser alone would let them wander to its own toolbar), closes on
/// Escape or a click on the backdrop through `on_close` (the owner removes it), and gives the
/// focus back to what had it before, unless the owner has already put it somewhere better.
#[component]
pub fn Dialog(
    /// The id of the heading inside that names the dialog and the record it acts on.
    labelledby: &'static str,
    #[prop(optional)] describedby: Option<&'static str>,
    on_close: Callback<()>,
    /// A question that must be answered before going on (deleting, exporting personal data).
    #[prop(optional)]
    alert: bool,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] testid: &'static str,
    children: Children,
) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let node = NodeRef::<leptos::html::Dialog>::new();
    // What had the focus when the dialog was asked for: it gets it back on close.
    let opener = send_wrapper::SendWrapper::new(
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    Effect::new(move |_| {
        if let Some(dialog) = node.get() {
            if !dialog.open() {
                // Opening a modal dialog also moves the focus into it (to `autofocus` first).
                let _ = dialog.show_modal();
            }
        }
    });
    on_cleanup(move || {
        let opener = opener.take();
        request_animation_frame(move || {
            let lost = document()
                .active_element()
                .is_none_or(|a| !a.is_connected() || a.tag_name() == "BODY");
            if let Some(opener) = opener.filter(|o| lost && o.is_connected()) {
                let _ = opener.focus();
            }
        });
    });
    let keydown = move |ev: web_sys::KeyboardEvent| {
        let Some(dialog) = node.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Escape" => {
                // Ours, not the page's (a board would also cancel a picked-up card).
                ev.prevent_default();
                ev.stop_propagation();
                on_close.run(());
            }
            "Tab" => {
                let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
                    return;
                };
                let items: Vec<web_sys::HtmlElement> = (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                    .filter(|e| e.get_client_rects().length() > 0)
                    .collect();
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    ev.prevent_default();
                    return;
                };
                let active = document().active_element();
                let at = |e: &web_sys::HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
                };
                let inside = active
                    .as_ref()
                    .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
                if ev.shift_key() && (at(first) || !inside) {
                    ev.prevent_default();
                    let _ = last.focus();
                } else if !ev.shift_key() && (at(last) || !inside) {
                    ev.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    };
    view! {
        <dialog node_ref=node class=format!("dialog {class}") role=alert.then_some("alertdialog")
            aria-labelledby=labelledby aria-describedby=describedby
            data-testid=(!testid.is_empty()).then_some(testid)
            on:keydown=keydown
            // The browser's own close request (a phone's back gesture): the owner decides.
            on:cancel=move |ev: web_sys::Event| { ev.prevent_default(); on_close.run(()); }
            // A click on the dialog element itself is a click on its backdrop.
            on:click=move |ev| if ev.target() == ev.current_target() { on_close.run(()); }>
            <div class="dialog-body">{children()}</div>
        </dialog>
    }
}

/// "Delete “name”? This cannot be undone." — the one question asked before anything is deleted,
/// starting on the safe answer, with the server's refusal shown in place.
#[component]
pub fn ConfirmDelete(
    /// What is deleted, as its owner calls it (user data: a place's or a person's name).
    name: String,
    error: RwSignal<Option<ApiError>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Dialog labelledby="confirm-delete-text" alert=true testid="confirm-delete" on_close=on_cancel>
            <div class="card confirm">
                <h2 id="confirm-delete-text" class="confirm-question">
                    {move || i18n.fmt_with_data(Key::DeleteQuestion, &[("name", &name)])}
                </h2>
                <FormError error/>
                <div class="actions">
                    <button type="button" class="button button-danger" data-testid="confirm-delete-button"
                        on:click=move |_| on_confirm.run(())>
                        {move || i18n.t(Key::ConfirmDelete)}
                    </button>
                    // A destructive question starts on the safe answer.
                    <button type="button" class="button button-secondary" autofocus on:click=move |_| on_cancel.run(())>
                        {move || i18n.t(Key::Cancel)}
                    </button>
                </div>
            </div>
        </Dialog>
    }
}

/// A moment on the page: `<time datetime="…">2026-11-29 14:05</time>` in Beijing time. A
/// date and time read as one, so it never breaks across lines ("2026-12-" / "07").
#[component]
pub fn When(at: OffsetDateTime) -> impl IntoView {
    let machine = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let text = format_moment(at);
    // The day and the time of day each stay whole; a narrow column may put them on two lines.
    let (day, clock) = text
        .split_once(' ')
        .map(|(d, c)| (d.to_string(), c.to_string()))
        .unwrap_or((text, String::new()));
    view! { <time datetime=machine><span class="nowrap">{day}</span>" "<span class="nowrap">{clock}</span></time> }
}

/// A day on the page: `<time datetime="2026-12-07">2026-12-07</time>`, never broken across
/// lines.
#[component]
pub fn Day(day: time::Date) -> impl IntoView {
    let machine = format_day(day);
    let text = machine.clone();
    view! { <time datetime=machine class="nowrap">{text}</time> }
}

/// Lower-case a label for use inside an English sentence; Chinese is unchanged.
pub fn in_sentence(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_beijing() {
        let t = OffsetDateTime::from_unix_timestamp(0).unwrap();
        assert_eq!(format_moment(t), "1970-01-01 08:00");
    }
}

/// A sentence in the UI language that names a person ("刘先生 reported the case"): the name is
/// user data (marked `data-user-text`, not translated), the rest is ours.
pub fn sentence_naming(sentence: String, name: Option<&str>) -> AnyView {
    match name
        .filter(|n| !n.is_empty())
        .and_then(|n| sentence.split_once(n).map(|(a, b)| (a, n, b)))
    {
        Some((before, name, after)) => {
            let (before, name, after) = (before.to_string(), name.to_string(), after.to_string());
            view! { {before}<span data-user-text>{name}</span>{after} }.into_any()
        }
        None => sentence.into_any(),
    }
}
