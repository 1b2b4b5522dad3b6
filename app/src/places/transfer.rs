//! Bulk data for administrators: download the hierarchy (GeoJSON) and the residents (CSV, after
//! an explicit warning: it holds full ID numbers and phones), and import either from a file —
//! always checked first (a dry run that writes nothing), written only when every row passes.

use leptos::prelude::*;
use shared::accounts::Permission;
use shared::error::FieldError;
use shared::places::{ImportReport, RosterColumn, SpecialGroup};
use wasm_bindgen::JsCast;

use crate::accounts::RequirePermission;
use crate::api::{self, ApiError, Download};
use crate::i18n::{I18n, Key, set_title, use_i18n};
use crate::ui::ErrorBox;

/// Bulk imports may be this large (the server's limit).
const MAX_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// Problems listed in the report table; the rest are counted.
const MAX_LISTED: usize = 200;

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::BulkData>
            <DataTransfer/>
        </RequirePermission>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Places,
    Residents,
}

impl Kind {
    fn id(self) -> &'static str {
        match self {
            Kind::Places => "places",
            Kind::Residents => "residents",
        }
    }
}

#[component]
fn DataTransfer() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::DataTitle), i18n.get()));
    view! {
        <div class="page-head">
            <h1 data-testid="data-title">{move || i18n.t(Key::DataTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::DataIntro)}</p>
        </div>
        <div class="transfer-sections">
            <section class="card transfer" aria-labelledby="data-places-title" data-testid="data-places">
                <h2 id="data-places-title">{move || i18n.t(Key::DataPlacesTitle)}</h2>
                <p class="muted">{move || i18n.t(Key::DataPlacesIntro)}</p>
                <ExportPlaces/>
                <ImportPanel kind=Kind::Places/>
            </section>
            <section class="card transfer" aria-labelledby="data-residents-title" data-testid="data-residents">
                <h2 id="data-residents-title">{move || i18n.t(Key::DataResidentsTitle)}</h2>
                <p class="muted">{move || i18n.t(Key::DataResidentsIntro)}</p>
                <ExportResidents/>
                <ImportPanel kind=Kind::Residents/>
            </section>
        </div>
    }
}

/// A download: the file fetched and handed to the browser; its name, or why not. Its pending
/// state says "downloading"; its value (none before the first) says how the last one went.
type Fetch = Action<(), Result<String, ApiError>>;

fn download(kind: Kind) -> Fetch {
    Action::new_unsync(move |_: &()| async move {
        let d = match kind {
            Kind::Places => api::export_places().await,
            Kind::Residents => api::export_residents().await,
        }?;
        if save_file(&d) {
            Ok(d.filename)
        } else {
            Err(ApiError::BadResponse)
        }
    })
}

/// The status line under a download button.
#[component]
fn FetchStatus(fetch: Fetch, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let busy = fetch.pending();
    view! {
        <div class="notice-slot" aria-live="polite" aria-atomic="true">
            {move || match fetch.value().get() {
                _ if busy.get() => view! { <p class="hint" role="status">{move || i18n.t(Key::Downloading)}</p> }.into_any(),
                None => ().into_any(),
                Some(Ok(file)) => view! {
                    <div class="alert alert-success" role="status" data-testid=testid>
                        <p>{move || i18n.fmt(Key::Downloaded, &[("file", &file)])}</p>
                    </div>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn ExportPlaces() -> impl IntoView {
    let i18n = use_i18n();
    let fetch = download(Kind::Places);
    view! {
        <div class="transfer-export">
            <button type="button" class="button button-secondary" data-testid="export-places"
                disabled=move || fetch.pending().get()
                on:click=move |_| { fetch.dispatch(()); }>
                {move || i18n.t(Key::DownloadPlaces)}
            </button>
            <FetchStatus fetch testid="export-places-done"/>
        </div>
    }
}

#[component]
fn ExportResidents() -> impl IntoView {
    let i18n = use_i18n();
    let fetch = download(Kind::Residents);
    let confirming = RwSignal::new(false);
    let download = move |_| {
        confirming.set(false);
        fetch.dispatch(());
        focus_by_id("export-residents");
    };
    view! {
        <div class="transfer-export">
            <button type="button" id="export-residents" class="button button-secondary" data-testid="export-residents"
                aria-expanded=move || confirming.get().to_string() aria-controls="export-residents-warning"
                disabled=move || fetch.pending().get()
                on:click=move |_| {
                    fetch.value().set(None);
                    confirming.update(|c| *c = !*c);
                }>
                {move || i18n.t(Key::DownloadResidents)}
            </button>
            <div id="export-residents-warning">
                {move || confirming.get().then(|| view! {
                    <crate::ui::Dialog labelledby="export-warning-title" describedby="export-warning-text" alert=true
                        testid="export-warning" on_close=Callback::new(move |_| confirming.set(false))>
                        <div class="card confirm export-warning">
                            <h2 id="export-warning-title">{move || i18n.t(Key::ExportWarningTitle)}</h2>
                            <p id="export-warning-text">{move || i18n.t(Key::ExportWarning)}</p>
                            <div class="actions">
                                <button type="button" id="export-residents-confirm" class="button button-primary" autofocus
                                    data-testid="export-residents-confirm" on:click=download>
                                    {move || i18n.t(Key::ExportConfirm)}
                                </button>
                                <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>
                                    {move || i18n.t(Key::Cancel)}
                                </button>
                            </div>
                        </div>
                    </crate::ui::Dialog>
                })}
            </div>
            <FetchStatus fetch testid="export-residents-done"/>
        </div>
    }
}

/// Hand the bytes to the browser as a download: a Blob URL on a temporary `<a download>`.
fn save_file(d: &Download) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(d.bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&d.content_type);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(href) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        let _ = web_sys::Url::revoke_object_url(&href);
        return false;
    };
    a.set_href(&href);
    a.set_download(&d.filename);
    a.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    // Give the browser time to start reading the Blob before letting it go.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(60),
    );
    true
}

/// Send an import file: a dry run (`check`) or the import itself.
/// A chosen file as read in the browser: text (GeoJSON, CSV) or an Excel workbook's bytes,
/// which the server reads.
#[derive(Clone)]
enum Content {
    Text(String),
    Workbook(Vec<u8>),
}

async fn import(kind: Kind, content: Content, check: bool) -> api::ApiResult<ImportReport> {
    match (kind, content) {
        (Kind::Places, Content::Text(text)) => api::import_places(text, check).await,
        (Kind::Residents, Content::Text(text)) => api::import_residents(text, check).await,
        (_, Content::Workbook(xlsx)) => api::import_residents_workbook(xlsx, check).await,
    }
}

/// Whether a chosen file is an Excel workbook (by its type, or by its name when the browser
/// gives no type).
fn is_workbook(file: &web_sys::File) -> bool {
    file.type_() == shared::places::XLSX_MEDIA_TYPE || file.name().to_lowercase().ends_with(".xlsx")
}

fn focus_by_id(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Where an import stands.
#[derive(Clone, PartialEq)]
enum Stage {
    Idle,
    Reading,
    Checking,
    /// A problem with the file itself, found before asking the server.
    FileProblem(Key),
    Checked(ImportReport),
    Importing(ImportReport),
    Done(ImportReport),
    Failed(ApiError),
}

#[component]
fn ImportPanel(kind: Kind) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Idle);
    let file_name = RwSignal::new(None::<String>);
    let content = StoredValue::new(None::<Content>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // The import found problems the check had not: the data changed in between.
    let stale = RwSignal::new(false);
    let input_id = format!("import-{}-file", kind.id());
    let hint_id = format!("import-{}-hint", kind.id());

    // Checking (a dry run on the server) and importing: each sets where the import stands.
    let checking = Action::new_unsync(move |chosen: &Content| {
        let chosen = chosen.clone();
        async move {
            stage.set(match import(kind, chosen, true).await {
                Ok(report) => Stage::Checked(report),
                Err(e) => Stage::Failed(e),
            });
        }
    });
    let check = move || {
        let Some(chosen) = content.get_value() else {
            return;
        };
        stale.set(false);
        stage.set(Stage::Checking);
        checking.dispatch(chosen);
    };
    // Reading the chosen file in the browser, then checking it.
    let reading = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            if kind == Kind::Residents && is_workbook(&file) {
                let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                    .await
                    .map(|b| js_sys::Uint8Array::new(&b).to_vec());
                match bytes {
                    Ok(b) if b.is_empty() => stage.set(Stage::FileProblem(Key::ImportEmpty)),
                    Ok(b) => {
                        content.set_value(Some(Content::Workbook(b)));
                        check();
                    }
                    Err(_) => stage.set(Stage::FileProblem(Key::FileUnreadable)),
                }
                return;
            }
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                stage.set(Stage::FileProblem(Key::FileUnreadable));
                return;
            };
            if let Some(problem) = file_problem(kind, &text) {
                stage.set(Stage::FileProblem(problem));
                return;
            }
            content.set_value(Some(Content::Text(text)));
            check();
        }
    });
    let importing = Action::new_unsync(move |chosen: &Content| {
        let chosen = chosen.clone();
        async move {
            match import(kind, chosen, false).await {
                Ok(report) if report.committed => {
                    // Done: the same file should not be imported twice by accident.
                    content.set_value(None);
                    file_name.set(None);
                    if let Some(input) = input_ref.get_untracked() {
                        input.set_value("");
                    }
                    stage.set(Stage::Done(report));
                }
                // Someone changed the data between the check and the import: show what is wrong now.
                Ok(report) => {
                    stale.set(true);
                    stage.set(Stage::Checked(report));
                }
                Err(e) => stage.set(Stage::Failed(e)),
            }
        }
    });

    let on_change = move |_| {
        let Some(file) = input_ref
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            file_name.set(None);
            content.set_value(None);
            stage.set(Stage::Idle);
            return;
        };
        file_name.set(Some(file.name()));
        content.set_value(None);
        if file.size() > MAX_BYTES {
            stage.set(Stage::FileProblem(Key::FileTooLarge));
            return;
        }
        stage.set(Stage::Reading);
        reading.dispatch_local(file);
    };

    let import_now = move |_| {
        let (Some(chosen), Stage::Checked(report)) = (content.get_value(), stage.get_untracked())
        else {
            return;
        };
        stage.set(Stage::Importing(report));
        importing.dispatch(chosen);
    };

    let (choose, hint) = match kind {
        Kind::Places => (Key::ChooseGeoJson, Key::ImportPlacesHint),
        Kind::Residents => (Key::ChooseCsv, Key::ImportResidentsHint),
    };
    let accept = match kind {
        Kind::Places => ".geojson,.json,application/geo+json,application/json",
        Kind::Residents => {
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,.csv,text/csv"
        }
    };
    let workbook = move || matches!(content.get_value(), Some(Content::Workbook(_)));
    let busy = move || {
        matches!(
            stage.get(),
            Stage::Reading | Stage::Checking | Stage::Importing(_)
        )
    };

    view! {
        <div class="transfer-import" data-testid=format!("import-{}", kind.id())>
            <h3>{move || i18n.t(Key::ImportTitle)}</h3>
            <p class="hint" id=hint_id.clone()>{move || i18n.t(hint)}</p>
            {(kind == Kind::Residents).then(|| view! {
                <p class="columns"><span class="muted">{move || i18n.t(Key::ImportColumns)}</span>
                    <code class="mono">{RosterColumn::ALL.map(RosterColumn::key).join(",")}</code></p>
                <p class="columns"><span class="muted">{move || i18n.t(Key::ImportColumnsChinese)}</span>
                    <span data-testid="import-chinese-headings" lang="zh-CN" translate="no">{RosterColumn::ALL.map(|c| c.chinese_names()[0]).join("、")}</span></p>
                {group_codes()}
            })}
            // The browser's own file button speaks the browser's language; this one speaks ours.
            <div class="file-picker">
                <input type="file" id=input_id.clone() accept=accept node_ref=input_ref class="file-input"
                    aria-describedby=hint_id data-testid=format!("import-{}-file", kind.id())
                    disabled=busy on:change=on_change/>
                <label for=input_id class="button button-secondary file-button" class:is-disabled=busy>
                    {move || i18n.t(choose)}
                </label>
                <span class="file-name" data-testid=format!("import-{}-file-name", kind.id())>
                    {move || file_name.get().unwrap_or_else(|| i18n.t(Key::NoFileChosen).to_string())}
                </span>
            </div>
            <div class="import-result" aria-live="polite" aria-atomic="false" aria-busy=move || busy().to_string()>
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Reading | Stage::Checking => view! {
                        <div class="loading" role="status"><span class="spinner" aria-hidden="true"></span>
                            <span>{move || i18n.t(Key::Checking)}</span></div>
                    }.into_any(),
                    Stage::FileProblem(key) => view! {
                        <div class="alert alert-error" role="alert" data-testid="import-file-problem"><p>{move || i18n.t(key)}</p></div>
                    }.into_any(),
                    Stage::Failed(e) => view! { <RequestProblem kind error=e retry=Callback::new(move |_| check())/> }.into_any(),
                    Stage::Checked(report) => view! {
                        {stale.get_untracked().then(|| view! {
                            <div class="alert alert-error" role="alert"><p>{move || i18n.t(Key::ImportNotCommitted)}</p></div>
                        })}
                        <Report kind report=report.clone() file=file_name.get_untracked().unwrap_or_default() workbook=workbook()/>
                        {(report.rejected.is_empty() && report.accepted > 0).then(|| {
                            let n = report.accepted.to_string();
                            view! {
                                <div class="actions">
                                    <button type="button" class="button button-primary" data-testid=format!("import-{}-commit", kind.id())
                                        on:click=import_now>
                                        {move || i18n.fmt(Key::ImportNow, &[("n", &n)])}
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=move |_| check()>
                                        {move || i18n.t(Key::CheckAgain)}
                                    </button>
                                </div>
                            }
                        })}
                    }.into_any(),
                    Stage::Importing(report) => view! {
                        <Report kind report file=file_name.get_untracked().unwrap_or_default() workbook=workbook()/>
                        <div class="loading" role="status"><span class="spinner" aria-hidden="true"></span>
                            <span>{move || i18n.t(Key::Importing)}</span></div>
                    }.into_any(),
                    Stage::Done(report) => {
                        let n = report.accepted.to_string();
                        view! {
                            <div class="alert alert-success" role="status" data-testid=format!("import-{}-done", kind.id())>
                                <p>{move || i18n.fmt(Key::ImportDone, &[("n", &n)])}</p>
                            </div>
                        }.into_any()
                    }
                }}
            </div>
        </div>
    }
}

/// The special-group codes a CSV may use, with their names.
fn group_codes() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="group-codes">
            <summary>{move || i18n.t(Key::ImportGroupCodes)}</summary>
            <dl class="code-list">
                {SpecialGroup::ALL.into_iter().map(|g| view! {
                    <div><dt class="mono">{g.as_str()}</dt><dd>{move || i18n.text(g.text())}</dd></div>
                }).collect_view()}
            </dl>
        </details>
    }
}

/// What is wrong with a file before the server need see it.
fn file_problem(kind: Kind, text: &str) -> Option<Key> {
    if text.trim().is_empty() {
        return Some(Key::ImportEmpty);
    }
    match kind {
        // Excel's plain "CSV" in a Chinese Windows is GBK: decoded as UTF-8 it is full of U+FFFD.
        Kind::Residents if text.contains('\u{FFFD}') => Some(Key::FileNotUtf8),
        Kind::Places if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() => {
            Some(Key::FileNotJson)
        }
        _ => None,
    }
}

/// The outcome of a check: how many rows pass, and every problem by row and field.
#[component]
fn Report(kind: Kind, report: ImportReport, file: String, workbook: bool) -> impl IntoView {
    let i18n = use_i18n();
    let accepted = report.accepted.to_string();
    let rejected_rows = report.rejected.len();
    let rejected = rejected_rows.to_string();
    let problems: Vec<(u64, FieldError)> = report
        .rejected
        .iter()
        .flat_map(|r| r.errors.iter().map(move |e| (r.row, e.clone())))
        .collect();
    let total = problems.len();
    let more = total.saturating_sub(MAX_LISTED).to_string();
    let listed: Vec<(u64, FieldError)> = problems.into_iter().take(MAX_LISTED).collect();
    let nothing = report.accepted == 0 && rejected_rows == 0;
    let table_title = format!("import-{}-rejected-title", kind.id());
    view! {
        <div class="import-report" data-testid=format!("import-{}-report", kind.id())>
            <h4>{move || i18n.fmt(Key::CheckResult, &[("file", &file)])}</h4>
            {if nothing {
                view! { <p class="alert alert-info" data-testid="import-empty">{move || i18n.t(Key::ImportEmpty)}</p> }.into_any()
            } else {
                let accepted = accepted.clone();
                let rejected = rejected.clone();
                view! {
                    <p class="import-counts">
                        <span class="badge badge-ok" data-testid="import-accepted">{move || i18n.fmt(Key::RowsAccepted, &[("n", &accepted)])}</span>
                        {(rejected_rows > 0).then(|| view! {
                            <span class="badge badge-warn" data-testid="import-rejected-count">{move || i18n.fmt(Key::RowsRejected, &[("n", &rejected)])}</span>
                        })}
                    </p>
                }.into_any()
            }}
            {if rejected_rows == 0 {
                let n = report.accepted.to_string();
                (!nothing).then(|| view! { <p data-testid="import-ready">{move || i18n.fmt(Key::ReadyToImport, &[("n", &n)])}</p> }).into_any()
            } else {
                view! {
                    <div class="alert alert-error" role="alert" data-testid="import-nothing-written">
                        <p>{move || i18n.t(Key::NothingWritten)}</p>
                    </div>
                    <h5 id=table_title.clone()>{move || i18n.t(Key::RejectedRows)}</h5>
                    <p class="hint">{move || i18n.t(match (kind, workbook) {
                        (_, true) => Key::RowNumberWorkbook,
                        (Kind::Residents, false) => Key::RowNumberCsv,
                        (Kind::Places, false) => Key::RowNumberGeoJson,
                    })}</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-labelledby=table_title.clone()>
                        <table class="report-table" data-testid="import-rejected" aria-labelledby=table_title.clone()>
                            <thead><tr>
                                <th scope="col">{move || i18n.t(Key::ColRow)}</th>
                                <th scope="col">{move || i18n.t(Key::ColField)}</th>
                                <th scope="col">{move || i18n.t(Key::ColProblem)}</th>
                            </tr></thead>
                            <tbody>
                                {listed.into_iter().map(|(row, e)| {
                                    let field = e.field.clone();
                                    let field_attr = e.field.clone();
                                    let code = e.code;
                                    view! {
                                        <tr data-testid="import-rejected-row" data-row=row.to_string() data-field=field_attr>
                                            <td class="num">{row}</td>
                                            <td>{move || field_label(i18n, kind, &field)}</td>
                                            <td>{move || code.message(i18n.get())}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(total > MAX_LISTED).then(|| view! { <p class="hint">{move || i18n.fmt(Key::MoreProblems, &[("n", &more)])}</p> })}
                }.into_any()
            }}
        </div>
    }
}

/// A column or property of an import file, in the reader's language (unknown ones as they are).
fn field_label(i18n: I18n, kind: Kind, field: &str) -> String {
    let head = field.split('/').next().unwrap_or(field);
    let key = match head {
        "household_code" => Some(Key::FieldHouseholdCode),
        "name" if kind == Kind::Residents => Some(Key::DisplayName),
        "name" => Some(Key::Name),
        "id_number" => Some(Key::IdNumber),
        "phone" => Some(Key::Phone),
        "special_groups" => Some(Key::SpecialGroups),
        "kind" => Some(Key::FieldKind),
        "code" => Some(Key::Code),
        "parent_code" | "parent_id" => Some(Key::FieldParentCode),
        "address" => Some(Key::Address),
        "geometry" => Some(Key::FieldGeometry),
        "leaders" => Some(Key::Leaders),
        "row" => Some(Key::FieldRow),
        "header" => Some(Key::FieldHeader),
        "features" => Some(Key::FieldFeatures),
        _ => None,
    };
    match key {
        // "leaders/1/name": the leader's number is worth keeping.
        Some(Key::Leaders) if field != head => {
            let rest = field.split('/').skip(1).collect::<Vec<_>>();
            let n = rest
                .first()
                .and_then(|i| i.parse::<usize>().ok())
                .map(|i| i + 1);
            let sub = match rest.get(1).copied() {
                Some("name") => i18n.t(Key::LeaderName),
                Some("title") => i18n.t(Key::LeaderTitle),
                _ => "",
            };
            match n {
                Some(n) => format!("{} {n} · {sub}", i18n.t(Key::Leaders))
                    .trim_end_matches(" · ")
                    .to_string(),
                None => i18n.t(Key::Leaders).to_string(),
            }
        }
        Some(k) => i18n.t(k).to_string(),
        None => field.to_string(),
    }
}

/// A refused request (not a row): the message, and any named parts of the file at fault.
#[component]
fn RequestProblem(kind: Kind, error: ApiError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let fields = error.field_errors();
    let network = error.status().is_none();
    view! {
        <div class="alert alert-error" role="alert" data-testid="import-error">
            <p>{let e = error.clone(); move || e.message(i18n.get())}</p>
            {(!fields.is_empty()).then(|| view! {
                <ul>
                    {fields.into_iter().map(|f| {
                        let field = f.field.clone();
                        view! { <li>{move || {
                            let sep = if i18n.get() == shared::i18n::Lang::ZhCn { "：" } else { ": " };
                            format!("{}{sep}{}", field_label(i18n, kind, &field), f.code.message(i18n.get()))
                        }}</li> }
                    }).collect_view()}
                </ul>
            })}
            {network.then(|| view! {
                <button type="button" class="button button-secondary" on:click=move |_| retry.run(())>
                    {move || i18n.t(Key::Retry)}
                </button>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_checked_for_encoding_and_json() {
        assert_eq!(
            file_problem(Kind::Residents, "  \n"),
            Some(Key::ImportEmpty)
        );
        assert_eq!(
            file_problem(Kind::Residents, "household_code,name\nH1,\u{FFFD}\u{FFFD}"),
            Some(Key::FileNotUtf8)
        );
        assert_eq!(
            file_problem(Kind::Residents, "household_code,name\nH1,张三"),
            None
        );
        assert_eq!(
            file_problem(Kind::Places, "{\"type\":"),
            Some(Key::FileNotJson)
        );
        assert_eq!(
            file_problem(
                Kind::Places,
                "{\"type\":\"FeatureCollection\",\"features\":[]}"
            ),
            None
        );
    }
}
