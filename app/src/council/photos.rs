//! Photos of an agenda item: thumbnails with a full-size view, and — for the raiser while the
//! item is young and for those who manage it (`ItemView::may_add_photo`, decided by
//! `shared::council::may_add_photo`) — the phone camera / file picker of the case photos.

use leptos::prelude::*;
use shared::council::{ItemPhoto, PHOTOS_PER_ITEM};

use crate::api::{self, ApiError};
use crate::cases::photos::{PhotoPicker, Picked, upload_when_picked};
use crate::i18n::{Key, use_i18n};

/// Upload chosen photos one after another; the last error, if any.
pub async fn upload_all(item_id: i64, picked: Vec<Picked>) -> Result<(), ApiError> {
    let mut last = Ok(());
    for p in picked {
        if let Err(e) = api::council_upload_photo(item_id, p.file.clone()).await {
            last = Err(e);
        }
    }
    last
}

/// The item's photos; chosen photos go up at once and the item is read again.
#[component]
pub fn ItemPhotos(
    item_id: i64,
    photos: Vec<ItemPhoto>,
    may_add: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<(usize, ItemPhoto)>);
    let picked = RwSignal::new_local(Vec::<Picked>::new());
    let room = PHOTOS_PER_ITEM.saturating_sub(photos.len() as u64);
    // The item is read again after each upload, whether or not every photo went up.
    let upload = upload_when_picked(picked, move |list| async move {
        let answer = upload_all(item_id, list).await;
        reload.run(());
        answer
    });
    let (error, busy) = (upload.error, upload.pending());
    if photos.is_empty() && !may_add {
        return ().into_any();
    }
    view! {
        <section class="card" aria-labelledby="item-photos-title" data-testid="item-photos">
            <h2 id="item-photos-title">{move || i18n.t(Key::Photos)}</h2>
            {if photos.is_empty() {
                view! { <p class="muted" data-testid="item-no-photos">{move || i18n.t(Key::CouncilNoPhotos)}</p> }.into_any()
            } else {
                view! {
                    <ul class="gallery" data-testid="item-gallery">
                        {photos.into_iter().enumerate().map(|(i, p)| {
                            let shown = p.clone();
                            view! {
                                <li>
                                    <a href=p.url.clone() class="gallery-item" data-testid="item-photo"
                                        on:click=move |ev| { ev.prevent_default(); open.set(Some((i, shown.clone()))); }>
                                        <img src=p.thumb_url.clone() loading="lazy" width="120" height="120"
                                            alt=move || i18n.fmt(Key::PhotoN, &[("n", &(i + 1).to_string())])/>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="item-photo-error">{e.message(i18n.get())}</p> })}
            {(may_add && room > 0).then(|| view! {
                {move || busy.get().then(|| view! { <p class="muted" aria-live="polite">{i18n.t(Key::Uploading)}</p> })}
                <PhotoPicker picked multiple=true id="item-photo-input" max=room/>
            })}
            {move || open.get().map(|(i, p)| view! {
                <crate::ui::Dialog labelledby="photo-viewer-title" class="photo-viewer" testid="photo-viewer" on_close=Callback::new(move |_| open.set(None))>
                    <h2 id="photo-viewer-title">{move || i18n.fmt(Key::PhotoN, &[("n", &(i + 1).to_string())])}</h2>
                    <img src=p.url.clone() alt=move || i18n.fmt(Key::PhotoN, &[("n", &(i + 1).to_string())]) data-testid="photo-full" on:click=move |_| open.set(None)/>
                    <button type="button" class="button button-secondary" data-testid="photo-close" autofocus
                        on:click=move |_| open.set(None)>{move || i18n.t(Key::Close)}</button>
                </crate::ui::Dialog>
            })}
        </section>
    }
    .into_any()
}
