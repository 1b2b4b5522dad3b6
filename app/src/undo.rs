//! The undo button (撤回) of a report, a support or a vote: shown while the server's rule
//! (`shared::undo`, the window each view's `withdraw_until` carries) still allows it, with the
//! minutes left, and gone once the time is up — the server refuses after that anyway.

use leptos::prelude::*;
use std::time::Duration;
use time::OffsetDateTime;

use crate::i18n::{Key, use_i18n};

#[component]
pub fn UndoButton(
    /// Until when it may be taken back (the view's `withdraw_until`).
    until: OffsetDateTime,
    /// The label, with `{n}` for the minutes left.
    label: Key,
    testid: &'static str,
    #[prop(into)] busy: Signal<bool>,
    on_undo: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(crate::clock::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(crate::clock::now()), Duration::from_secs(5))
    {
        on_cleanup(move || handle.clear());
    }
    let left = move || shared::undo::minutes_left(until, now.get());
    view! {
        <Show when=move || now.get() < until>
            <button type="button" class="button button-quiet button-block undo" data-testid=testid
                disabled=move || busy.get() on:click=move |_| on_undo.run(())>
                {move || i18n.fmt(label, &[("n", &left().to_string())])}
            </button>
        </Show>
    }
}
