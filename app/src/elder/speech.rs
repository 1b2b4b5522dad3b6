//! Read aloud (语音朗读): the page's main content spoken through the browser's own speech
//! synthesis, in the language the app is showing (Mandarin by default). Nothing leaves the
//! device. Forms are read with the page (their labels are in it), and their errors are spoken
//! when they appear (`announce`).

use leptos::prelude::*;
use shared::accounts::Role;
use shared::i18n::Lang;
use wasm_bindgen::JsCast;

use super::use_elder;
use crate::accounts::use_session;
use crate::i18n::{Key, use_i18n};

fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window().and_then(|w| w.speech_synthesis().ok())
}

fn voice_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en-US",
    }
}

/// Speak `text` line by line (one utterance per line: short utterances keep their pauses, and
/// some engines stop a long one halfway). `on_end` runs when the last line was spoken.
fn speak(text: &str, lang: Lang, on_end: impl FnOnce() + 'static) -> bool {
    let Some(synth) = synthesis() else {
        return false;
    };
    synth.cancel();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let count = lines.len();
    let mut on_end = Some(on_end);
    for (i, line) in lines.into_iter().enumerate() {
        let Ok(u) = web_sys::SpeechSynthesisUtterance::new_with_text(line) else {
            continue;
        };
        u.set_lang(voice_lang(lang));
        // A little slower than the engine's default: easier to follow.
        u.set_rate(0.9);
        if i + 1 == count
            && let Some(done) = on_end.take()
        {
            let done = wasm_bindgen::closure::Closure::once_into_js(done);
            u.set_onend(Some(done.unchecked_ref()));
        }
        synth.speak(&u);
    }
    true
}

/// Stop whatever is being read (leaving a page, switching read aloud off).
pub fn stop_reading() {
    if let Some(synth) = synthesis() {
        synth.cancel();
    }
}

/// Say a message now (a form's error), for those who use read aloud in elder mode.
pub fn announce(text: &str) {
    let Some(elder) = super::current() else {
        return;
    };
    if elder.on.get_untracked() && elder.read_aloud.get_untracked() {
        speak(text, crate::api::language(), || ());
    }
}

/// The read-aloud button above every page of a resident (and of anyone in elder mode), while
/// the read-aloud switch is on and the browser can speak.
#[component]
pub fn ReadAloudBar() -> impl IntoView {
    let elder = use_elder();
    let session = use_session();
    let i18n = use_i18n();
    let reading = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        elder.read_aloud.get()
            && synthesis().is_some()
            && session
                .principal()
                .is_some_and(|p| p.has_role(Role::Resident) || elder.on.get())
    });
    let toggle = move |_| {
        if reading.get_untracked() {
            stop_reading();
            reading.set(false);
            return;
        }
        // The page as it is shown (`innerText` follows the layout: hidden parts are left out,
        // blocks become lines), the bar itself not included: it sits outside `<main>`.
        let text = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            .map(|main| main.inner_text())
            .unwrap_or_default();
        let started = speak(&text, i18n.lang.get_untracked(), move || {
            let _ = reading.try_set(false);
        });
        reading.set(started);
    };
    move || {
        shown.get().then(|| {
            view! {
                <div class="read-aloud-bar">
                    <button type="button" class="button button-secondary read-aloud" data-testid="read-aloud"
                        aria-pressed=move || reading.get().to_string() on:click=toggle>
                        {move || i18n.t(if reading.get() { Key::ReadAloudStop } else { Key::ReadAloud })}
                    </button>
                </div>
            }
        })
    }
}
