//! 长辈版 (elder mode, issue 17): large text, large targets and one column for anyone who
//! switches it on (a class on the root element; the styles are in `style/main.css` under
//! `.elder`), the simple resident home with its four tiles, and read aloud (语音朗读).
//!
//! The choice is remembered on the device (so it applies on the sign-in page, before anyone
//! is known) and with the account (so it follows the resident to another phone). Signing in,
//! the account's saved choice wins; an account that never saved one takes the device's.

mod home;
mod report;
mod speech;
mod vote;

pub use home::{ElderHome, ElderMinePage, WorkerFace};
pub use report::ElderReportPage;
pub use speech::{ReadAloudBar, announce, stop_reading};
pub use vote::ElderVotePage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::accounts::{Preferences, PreferencesView, Principal, Role, UpdatePreferences};

use crate::accounts::{Session, use_session};
use crate::api;
use crate::i18n::{Key, storage, use_i18n};

const ELDER_KEY: &str = "linju.elder";
const READ_ALOUD_KEY: &str = "linju.read_aloud";
/// The class on `<html>` that the elder styles hang on.
const ROOT_CLASS: &str = "elder";

/// The elder-mode context. `Copy`, like the other contexts.
#[derive(Clone, Copy)]
pub struct Elder {
    /// Elder mode is on.
    pub on: RwSignal<bool>,
    /// The read-aloud button is offered.
    pub read_aloud: RwSignal<bool>,
    /// Ask this user once whether they want elder mode (the server's rule).
    pub offer: RwSignal<bool>,
    /// The account's saved version (0: never saved).
    version: RwSignal<i64>,
    /// Saving the choice with the account (`Elder::save`).
    saving: Action<UpdatePreferences, ()>,
    session: Session,
}

impl Elder {
    /// Create the context from the device's choice, apply it at once, and follow the account
    /// once someone signs in.
    pub fn provide(session: Session) -> Elder {
        let defaults = Preferences::default();
        let version = RwSignal::new(0);
        let offer = RwSignal::new(false);
        // A save from another device in between is a 409: this tap is the newer choice, so it
        // is made again over that version.
        let saving = Action::new_unsync(move |wanted: &UpdatePreferences| {
            let mut wanted = wanted.clone();
            async move {
                for _ in 0..2 {
                    match api::save_preferences(&wanted).await {
                        Ok(view) => {
                            version.set(view.preferences.version);
                            offer.set(view.offer_elder_mode);
                            return;
                        }
                        Err(e) => match e.current::<PreferencesView>() {
                            Some(current) => wanted.version = current.preferences.version,
                            // Kept on the device; the next change tries the account again.
                            None => return,
                        },
                    }
                }
            }
        });
        let elder = Elder {
            on: RwSignal::new(stored(ELDER_KEY).unwrap_or(defaults.elder_mode)),
            read_aloud: RwSignal::new(stored(READ_ALOUD_KEY).unwrap_or(defaults.read_aloud)),
            offer,
            version,
            saving,
            session,
        };
        provide_context(elder);
        CURRENT.set(Some(elder));
        set_root_class(elder.on.get_untracked());
        Effect::new(move |_| set_root_class(elder.on.get()));
        Effect::new(move |_| {
            remember(ELDER_KEY, elder.on.get());
            remember(READ_ALOUD_KEY, elder.read_aloud.get());
        });
        let user = Memo::new(move |_| session.principal().map(|p| p.user_id));
        // The account's saved choice, read again whenever another user signs in; it names
        // whose it is, so the previous user's is never applied to the next.
        let saved = LocalResource::new(move || {
            let who = user.get();
            async move {
                match who {
                    Some(who) => api::preferences().await.ok().map(|view| (who, view)),
                    None => None,
                }
            }
        });
        Effect::new(move |_| {
            let Some(who) = user.get() else {
                elder.offer.set(false);
                elder.version.set(0);
                return;
            };
            let Some(Some((whose, view))) = saved.get() else {
                return;
            };
            if whose != who {
                return;
            }
            if view.preferences.version == 0 {
                // Never saved with the account: what this device chose becomes the
                // account's, when it differs from the defaults.
                if elder.wanted(false).elder_mode != Preferences::default().elder_mode
                    || elder.wanted(false).read_aloud != Preferences::default().read_aloud
                {
                    elder.save(false);
                    return;
                }
            } else {
                elder.on.set(view.preferences.elder_mode);
                elder.read_aloud.set(view.preferences.read_aloud);
            }
            elder.version.set(view.preferences.version);
            elder.offer.set(view.offer_elder_mode);
        });
        elder
    }

    /// Switch elder mode on or off, here and with the account.
    pub fn set(self, on: bool) {
        self.on.set(on);
        self.save(false);
    }

    pub fn set_read_aloud(self, on: bool) {
        if !on {
            stop_reading();
        }
        self.read_aloud.set(on);
        self.save(false);
    }

    /// The answer to the one-time offer: it is not made again, whichever it was.
    pub fn answer_offer(self, yes: bool) {
        self.offer.set(false);
        self.on.set(yes);
        self.save(true);
    }

    fn wanted(self, offer_answered: bool) -> UpdatePreferences {
        UpdatePreferences {
            elder_mode: self.on.get_untracked(),
            read_aloud: self.read_aloud.get_untracked(),
            offer_answered,
            // Elder mode's switch leaves the email and SMS choices as saved.
            channels: None,
            version: self.version.get_untracked(),
        }
    }

    /// Save the current choice with the account (the device keeps it in any case).
    fn save(self, offer_answered: bool) {
        if self.session.principal().is_none() {
            return;
        }
        self.saving.dispatch(self.wanted(offer_answered));
    }
}

thread_local! {
    /// The context, for what speaks from an event handler (no reactive owner to ask there).
    static CURRENT: std::cell::Cell<Option<Elder>> = const { std::cell::Cell::new(None) };
}

/// The elder-mode context, wherever the caller runs.
pub(crate) fn current() -> Option<Elder> {
    CURRENT.get()
}

pub fn use_elder() -> Elder {
    expect_context::<Elder>()
}

fn stored(key: &str) -> Option<bool> {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .map(|v| v == "1")
}

fn remember(key: &str, on: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, if on { "1" } else { "0" });
    }
}

fn set_root_class(on: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.class_list().toggle_with_force(ROOT_CLASS, on);
    }
}

/// A labelled on/off switch (a toggle button): its state is said by `aria-pressed` and shown
/// by a tick in a box, not by colour alone.
#[component]
fn Toggle(
    on: Signal<bool>,
    label: Key,
    testid: &'static str,
    on_toggle: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="button button-quiet switch" data-testid=testid
            aria-pressed=move || on.get().to_string()
            on:click=move |_| on_toggle.run(!on.get_untracked())>
            <span class="switch-box" aria-hidden="true"></span>
            <span>{move || i18n.t(label)}</span>
        </button>
    }
}

/// The elder-mode switch of the header and the sign-in page.
#[component]
pub fn ElderSwitch(#[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    let elder = use_elder();
    view! {
        <Toggle on=elder.on.into() label=Key::ElderMode testid=testid.unwrap_or("elder-switch")
            on_toggle=Callback::new(move |on| elder.set(on))/>
    }
}

/// The switch that offers or hides the read-aloud button.
#[component]
pub fn ReadAloudSwitch() -> impl IntoView {
    let elder = use_elder();
    view! {
        <Toggle on=elder.read_aloud.into() label=Key::ReadAloudSwitch testid="read-aloud-switch"
            on_toggle=Callback::new(move |on| elder.set_read_aloud(on))/>
    }
}

/// The one-time question to a resident of 65 or more: elder mode, yes or no.
#[component]
pub fn ElderOffer() -> impl IntoView {
    let elder = use_elder();
    let i18n = use_i18n();
    move || {
        elder.offer.get().then(|| {
            view! {
                <section class="card elder-offer" data-testid="elder-offer" aria-labelledby="elder-offer-title">
                    <h2 id="elder-offer-title">{move || i18n.t(Key::ElderOfferTitle)}</h2>
                    <p>{move || i18n.t(Key::ElderOfferBody)}</p>
                    <div class="actions">
                        <button type="button" class="button button-primary" data-testid="elder-offer-yes"
                            on:click=move |_| elder.answer_offer(true)>{move || i18n.t(Key::ElderOfferYes)}</button>
                        <button type="button" class="button button-secondary" data-testid="elder-offer-no"
                            on:click=move |_| elder.answer_offer(false)>{move || i18n.t(Key::ElderOfferNo)}</button>
                    </div>
                </section>
            }
        })
    }
}

/// Does this user get the simple pages? A resident in elder mode.
pub fn simple_for(elder: Elder, principal: &Principal) -> bool {
    elder.on.get() && principal.has_role(Role::Resident)
}

/// The simple form of a page for a resident in elder mode, else the full page; `?full` asks
/// for the full page in elder mode too (the simple pages link to it).
#[component]
pub fn SimpleForElders(#[prop(into)] simple: ViewFn, #[prop(into)] full: ViewFn) -> impl IntoView {
    let elder = use_elder();
    let session = use_session();
    let query = use_query_map();
    let is_simple = Memo::new(move |_| {
        query.read().get("full").is_none()
            && session.principal().is_some_and(|p| simple_for(elder, &p))
    });
    move || {
        if is_simple.get() {
            simple.run()
        } else {
            full.run()
        }
    }
}
