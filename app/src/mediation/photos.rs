//! Photos under a site check (现场核实) or follow-up visit (回访) on the file page: thumbnails
//! that open full size, and — when the server says the reader may add one now
//! (`RecordView::may_add_photo`, decided by `shared::mediation::may_add_record_photo`) — the
//! phone's camera or file picker of the case photos. Photos go up one after another with
//! the count shown; a refusal is shown under the record in the reader's language.

use leptos::prelude::*;
use shared::error::FieldErrorCode;
use shared::mediation::{PHOTOS_PER_RECORD, RecordKind, RecordPhoto};

use crate::api::{self, ApiError};
use crate::cases::photos::{PhotoPicker, Picked, upload_when_picked};
use crate::i18n::{Key, Said, use_i18n};
use crate::ui::Dialog;

/// Why an upload failed, in words: a full record says so; otherwise the server's reason.
fn refusal(e: &ApiError, lang: shared::i18n::Lang) -> String {
    let full = e
        .field_errors()
        .iter()
        .any(|f| f.field == "photos" && f.code == FieldErrorCode::OutOfRange);
    if full {
        Key::MedPhotosFull.text().get(lang).to_string()
    } else {
        e.reason(lang)
    }
}

#[component]
pub fn RecordPhotos(
    record_id: i64,
    kind: RecordKind,
    photos: Vec<RecordPhoto>,
    may_add: bool,
    /// The last refused upload, by record: kept by the page, so it survives the file being
    /// read again.
    failed: RwSignal<Option<(i64, ApiError)>>,
    notice: RwSignal<Option<Said>>,
    /// Told when uploads start and end (the page's own changes are not someone else's).
    writing: RwSignal<u32>,
    /// Read the file again (after uploads).
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<(usize, RecordPhoto)>);
    // The viewer (ui::Dialog) takes the focus and gives it back to the thumbnail it came from.
    let close = move || open.set(None);
    let picked = RwSignal::new_local(Vec::<Picked>::new());
    let progress = RwSignal::new(None::<(usize, usize)>);
    let room = PHOTOS_PER_RECORD.saturating_sub(photos.len() as u64);
    // The page may be drawn anew while photos go up (another record arrives): what this one
    // shows is then gone, hence `try_` for its own signals.
    upload_when_picked(picked, move |list| async move {
        failed.set(None);
        let total = list.len();
        writing.update(|n| *n += 1);
        let mut added = 0;
        let mut last_error = None;
        for (i, p) in list.iter().enumerate() {
            progress.try_set(Some((i + 1, total)));
            match api::upload_record_photo(record_id, p.file.clone()).await {
                Ok(_) => added += 1,
                Err(e) => last_error = Some(e),
            }
        }
        progress.try_set(None);
        if let Some(e) = last_error {
            failed.set(Some((record_id, e)));
        } else if added > 0 {
            notice.set(Some(Said::new(Key::MedPhotoAdded)));
        }
        if added > 0 {
            reload.run(());
        }
        let _ = writing.try_update(|n| *n = n.saturating_sub(1));
        Ok(())
    });
    if photos.is_empty() && !may_add {
        return ().into_any();
    }
    let label = move || i18n.fmt(Key::MedRecordPhotos, &[("kind", i18n.text(kind.text()))]);
    view! {
        <div class="med-record-photos" data-testid="med-record-photos">
            {(!photos.is_empty()).then(|| view! {
                <ul class="gallery med-gallery" data-testid="med-record-gallery" aria-label=label>
                    {photos.into_iter().enumerate().map(|(i, p)| {
                        let shown = p.clone();
                        view! {
                            <li>
                                <a href=p.url.clone() class="gallery-item" data-testid="med-record-photo"
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        open.set(Some((i, shown.clone())));
                                    }>
                                    <img src=p.thumb_url.clone() loading="lazy" width="120" height="120"
                                        alt=move || i18n.fmt(Key::MedRecordPhotoN, &[("kind", i18n.text(kind.text())), ("n", &(i + 1).to_string())])/>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {move || failed.with(|f| f.as_ref().filter(|(r, _)| *r == record_id).map(|(_, e)| e.clone())).map(|e| view! {
                <p class="field-error" role="alert" data-testid="med-record-photo-error">
                    {move || i18n.fmt(Key::MedPhotoFailed, &[("reason", &refusal(&e, i18n.get()))])}
                </p>
            })}
            {move || progress.get().map(|(n, total)| view! {
                <p class="muted" role="status" aria-live="polite" data-testid="med-record-photo-progress">
                    {i18n.fmt(Key::MedPhotoUploading, &[("n", &n.to_string()), ("total", &total.to_string())])}
                </p>
            })}
            {(may_add && room > 0).then(|| view! {
                <PhotoPicker picked multiple=true id=format!("med-record-{record_id}-photo-input") max=room
                    capture="environment" too_many=Key::MedPhotosFull label=Key::MedTakePhoto/>
            })}
            {move || open.get().map(|(i, p)| view! {
                <Dialog labelledby="photo-viewer-title" class="photo-viewer" testid="photo-viewer" on_close=Callback::new(move |_| close())>
                    <h2 id="photo-viewer-title">{move || i18n.fmt(Key::MedRecordPhotoN, &[("kind", i18n.text(kind.text())), ("n", &(i + 1).to_string())])}</h2>
                    <img src=p.url.clone() alt=label data-testid="photo-full" on:click=move |_| close()/>
                    <button type="button" class="button button-secondary" data-testid="photo-close"
                        on:click=move |_| close()>{move || i18n.t(Key::Close)}</button>
                </Dialog>
            })}
        </div>
    }
    .into_any()
}
