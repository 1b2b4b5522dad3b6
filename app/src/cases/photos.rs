//! Photos: picking them on a phone (checked here against the shared limits before anything is
//! sent), previews, uploading, and a case's gallery with a full-size view.

use leptos::prelude::*;
use std::future::Future;

use shared::cases::{PHOTO_MAX_BYTES, PHOTO_TYPES, PHOTOS_PER_CASE, Photo, PhotoKind};

use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;

/// A chosen file and its preview (an object URL).
#[derive(Clone)]
pub struct Picked {
    pub file: web_sys::File,
    pub preview: String,
}

/// Why a file cannot be sent, per the shared limits.
pub fn check_photo(content_type: &str, size: f64) -> Result<(), Key> {
    if !PHOTO_TYPES.contains(&content_type) {
        return Err(Key::PhotoWrongType);
    }
    if size > PHOTO_MAX_BYTES as f64 {
        return Err(Key::PhotoTooLarge);
    }
    Ok(())
}

/// Release previews that are no longer shown.
pub fn release(picked: &[Picked]) {
    for p in picked {
        let _ = web_sys::Url::revoke_object_url(&p.preview);
    }
}

/// Chosen photos go up as soon as they are chosen: `upload` sends the list, then its previews
/// are released. One send at a time; what is chosen while one runs goes with the next choice.
pub fn upload_when_picked<F, Fu>(
    picked: RwSignal<Vec<Picked>, LocalStorage>,
    upload: F,
) -> Submit<()>
where
    F: Fn(Vec<Picked>) -> Fu + 'static,
    Fu: Future<Output = api::ApiResult<()>> + 'static,
{
    let send = Submit::new(move |()| {
        let list = picked.get_untracked();
        picked.set(Vec::new());
        let sent = upload(list.clone());
        async move {
            let answer = sent.await;
            release(&list);
            answer
        }
    });
    Effect::new(move |_| {
        if picked.with(|l| !l.is_empty()) {
            send.dispatch(());
        }
    });
    send
}

/// Upload the chosen files one after another; how many failed.
pub async fn upload_all(
    case_id: i64,
    kind: PhotoKind,
    picked: Vec<Picked>,
) -> Result<(), ApiError> {
    let mut last = Ok(());
    for p in picked {
        if let Err(e) = api::upload_photo(case_id, kind, p.file.clone()).await {
            last = Err(e);
        }
    }
    last
}

/// "添加照片": a file input that takes several photos (or the camera) and shows previews.
#[component]
pub fn PhotoPicker(
    picked: RwSignal<Vec<Picked>, LocalStorage>,
    #[prop(optional)] multiple: bool,
    #[prop(into)] id: String,
    /// At most this many (default: a case's limit).
    #[prop(optional)]
    max: Option<u64>,
    /// Go straight to a camera on phones (`capture`, e.g. "environment": the back camera).
    #[prop(optional)]
    capture: Option<&'static str>,
    /// Why more than `max` are refused (default: a case's limit).
    #[prop(optional)]
    too_many: Option<Key>,
    /// The button's text (default: add photo(s)).
    #[prop(optional)]
    label: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let max = max.unwrap_or(PHOTOS_PER_CASE);
    let refusals = RwSignal::new(Vec::<(String, Key)>::new());
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let mut refused = Vec::new();
        let mut added = Vec::new();
        for i in 0..list.length() {
            let Some(f) = list.get(i) else { continue };
            match check_photo(&f.type_(), f.size()) {
                Err(k) => refused.push((f.name(), k)),
                Ok(()) => {
                    let preview = web_sys::Url::create_object_url_with_blob(&f).unwrap_or_default();
                    added.push(Picked { file: f, preview });
                }
            }
        }
        picked.update(|p| {
            if !multiple {
                release(p);
                p.clear();
            }
            for a in added {
                if (p.len() as u64) < max {
                    p.push(a);
                } else {
                    refused.push((a.file.name(), too_many.unwrap_or(Key::PhotoTooMany)));
                    let _ = web_sys::Url::revoke_object_url(&a.preview);
                }
            }
        });
        refusals.set(refused);
        input.set_value("");
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    view! {
        <div class="photo-picker" data-testid="photo-picker">
            <button type="button" class="button button-secondary photo-add" data-testid="photo-add"
                on:click=move |_| if let Some(i) = input_ref.get() { i.click() }>
                {move || i18n.t(label.unwrap_or(if multiple { Key::AddPhotos } else { Key::AddPhoto }))}
            </button>
            <input id=id type="file" accept="image/*" capture=capture hidden node_ref=input_ref data-testid="photo-input"
                multiple=multiple on:change=on_change/>
            <p class="hint">{move || i18n.fmt(Key::PhotoLimits, &[("mb", &(PHOTO_MAX_BYTES / 1024 / 1024).to_string())])}</p>
            <ul class="photo-refusals" aria-live="polite">
                {move || refusals.get().into_iter().map(|(name, k)| view! {
                    <li class="field-error" data-testid="photo-refused">{name}": "{move || i18n.t(k)}</li>
                }).collect_view()}
            </ul>
            <ul class="photo-previews" data-testid="photo-previews">
                {move || picked.get().into_iter().enumerate().map(|(i, p)| view! {
                    <li class="photo-thumb">
                        <img src=p.preview.clone() alt=move || i18n.fmt(Key::PhotoN, &[("n", &(i + 1).to_string())]) data-testid="photo-preview"/>
                        <button type="button" class="button button-quiet photo-remove" data-testid="photo-remove"
                            aria-label=move || i18n.fmt(Key::RemovePhotoN, &[("n", &(i + 1).to_string())])
                            on:click=move |_| picked.update(|v| if i < v.len() { let r = v.remove(i); release(&[r]); })>
                            "×"
                        </button>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// A case's photos as thumbnails; a tap opens the full-size image. Report photos can be added
/// while the case is open.
#[component]
pub fn Gallery(case_id: i64, may_add: bool) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<(Key, usize, Photo)>);
    let picked = RwSignal::new_local(Vec::<Picked>::new());
    let upload = upload_when_picked(picked, move |list| {
        upload_all(case_id, PhotoKind::Report, list)
    });
    let (error, busy) = (upload.error, upload.pending());
    // Read again after each upload, whether or not every photo went up.
    let photos = LocalResource::new(move || {
        upload.version().track();
        api::photos(case_id)
    });
    view! {
        <section class="card" aria-labelledby="photos-title" data-testid="case-photos">
            <h2 id="photos-title">{move || i18n.t(Key::Photos)}</h2>
            {move || match photos.get() {
                None => view! { <p class="muted">{i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{e.message(i18n.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted" data-testid="no-photos">{i18n.t(Key::NoPhotos)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="gallery" data-testid="gallery">
                        {list.into_iter().enumerate().map(|(i, p)| {
                            let shown = p.clone();
                            let kind = if p.kind == PhotoKind::Feedback { Key::FeedbackPhoto } else { Key::ReportPhoto };
                            view! {
                                <li>
                                    <a href=p.url.clone() class="gallery-item" data-testid="gallery-photo" data-kind=if p.kind == PhotoKind::Feedback { "feedback" } else { "report" }
                                        on:click=move |ev| { ev.prevent_default(); open.set(Some((kind, i, shown.clone()))); }>
                                        <img src=p.thumb_url.clone() loading="lazy" width="120" height="120"
                                            alt=move || format!("{} {}", i18n.t(kind), i + 1)/>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="photo-upload-error">{e.message(i18n.get())}</p> })}
            {may_add.then(|| view! {
                {move || busy.get().then(|| view! { <p class="muted" aria-live="polite">{i18n.t(Key::Uploading)}</p> })}
                <PhotoPicker picked multiple=true id="gallery-photo-input"/>
            })}
            {move || open.get().map(|(kind, i, p)| view! {
                <crate::ui::Dialog labelledby="photo-viewer-title" class="photo-viewer" testid="photo-viewer" on_close=Callback::new(move |_| open.set(None))>
                    <h2 id="photo-viewer-title">{move || format!("{} {}", i18n.t(kind), i + 1)}</h2>
                    <img src=p.url.clone() alt=move || format!("{} {}", i18n.t(kind), i + 1) data-testid="photo-full" on:click=move |_| open.set(None)/>
                    <button type="button" class="button button-secondary" data-testid="photo-close" autofocus
                        on:click=move |_| open.set(None)>{move || i18n.t(Key::Close)}</button>
                </crate::ui::Dialog>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_checked_against_the_shared_limits() {
        assert_eq!(check_photo("image/png", 1000.0), Ok(()));
        assert_eq!(check_photo("image/gif", 1000.0), Err(Key::PhotoWrongType));
        assert_eq!(
            check_photo("image/jpeg", (PHOTO_MAX_BYTES + 1) as f64),
            Err(Key::PhotoTooLarge)
        );
    }
}
