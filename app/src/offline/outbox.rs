//! The outbox (待发送): field writes made without signal — a case report with its photos and
//! location, a care visit, an errand step, a meal delivery, a patrol (its start, its track in
//! batches, its end), a grid worker's move of a case from the case page (handled with its
//! photo, the site check 核查 passed or failed) — kept in IndexedDB with the
//! idempotency key they were made with, and sent when the connection returns (the `online`
//! event, the app's start, Background Sync's message from the service worker), one after
//! another in the order they were made, with backoff after a failure.
//!
//! Exactly once: an item keeps its key from its first try to its last, and the server answers a
//! repeated key with the first answer, so an answer lost on the way back costs nothing.
//! Never a silent loss or overwrite: a refusal stays in the outbox with the server's reason (retry
//! or discard), and a step on a record someone changed meanwhile (409 with the record as it is
//! now) is shown with that state and waits for the user: apply it again to the current version,
//! or drop it. Later items of the same record wait behind a refused one, and a new write of a
//! record with items still waiting joins the queue rather than overtaking it.
//!
//! A patrol begun without signal has no number on the server yet: its later items name it by
//! the key of its start (`depends_on`) and a placeholder in their path, filled in when the
//! start is sent (in the items kept, before the start counts as sent, so a closed page loses
//! nothing). All of a user's patrol items are one record: one patrol at a time, in order.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::error::ErrorCode;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::store;
use crate::api::{self, ApiError, ApiResult};

/// What an item does (for its label, and how its answer is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Report,
    Visit,
    ErrandStep,
    MealDelivered,
    PatrolStart,
    PatrolPoints,
    PatrolEnd,
    /// A move of a case (its photos, if any, go up before the move).
    CaseMove(shared::cases::Action),
}

/// The record all of a user's patrol items belong to: they go in the order they were made.
const PATROL_RECORD: &str = "patrol";
/// Where a patrol's number goes in the path of an item made before the server knew it.
const PATROL_PLACEHOLDER: &str = "{patrol}";

/// Where an item stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    Waiting,
    Sending,
    /// Done; `href` is what it made or changed.
    Sent {
        href: Option<String>,
    },
    /// The server said no; its reason, in the language of that moment.
    Refused {
        reason: String,
    },
    /// Someone changed the record first: the server's reason and the record as it is now.
    Conflict {
        reason: String,
        current: serde_json::Value,
    },
}

impl State {
    pub fn slug(&self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Sending => "sending",
            State::Sent { .. } => "sent",
            State::Refused { .. } => "refused",
            State::Conflict { .. } => "conflict",
        }
    }
}

/// One write waiting to be sent (its photos are kept beside it, see `store`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The item's number in IndexedDB: the order items were made in.
    #[serde(skip)]
    pub id: u32,
    /// The user who made it: only they send it.
    pub owner: i64,
    /// The `Idempotency-Key` of every try.
    pub key: String,
    pub kind: Kind,
    /// What the user typed or chose that tells this item apart (a title, a name).
    pub label: String,
    /// Items of the same record are sent in order, a later one never before an earlier.
    pub record: String,
    pub path: String,
    /// The JSON body, or none for a bodiless POST.
    pub body: Option<String>,
    /// Photos kept with the item (a report's), uploaded after the case exists.
    pub photos: u32,
    /// Where what it changes is seen (known before sending for all but a new case).
    pub href: Option<String>,
    /// The key of the item that creates the record this one changes (a patrol started
    /// without signal), while the record's number is not known: `{patrol}` in `path`.
    #[serde(default)]
    pub depends_on: Option<String>,
    /// Track points carried (a patrol's batch), for the outbox page.
    #[serde(default)]
    pub points: u32,
    /// Still being gathered (a patrol's batch, kept point by point so a closed page loses
    /// none): not sent, and nothing of its record after it, until it is closed.
    #[serde(default)]
    pub open: bool,
    pub state: State,
    pub attempts: u32,
    /// Not before this time (ms since the epoch): the backoff.
    pub next_try: f64,
}

impl Item {
    fn new(kind: Kind, label: String, record: String, path: String, body: Option<String>) -> Item {
        Item {
            id: 0,
            owner: super::remembered().map_or(0, |p| p.user_id),
            key: super::new_key(),
            kind,
            label,
            record,
            path,
            body,
            photos: 0,
            href: None,
            depends_on: None,
            points: 0,
            open: false,
            state: State::Waiting,
            attempts: 0,
            next_try: 0.0,
        }
    }

    pub fn report(input: &shared::cases::CreateCase, photos: u32) -> Item {
        let mut item = Item::new(
            Kind::Report,
            input.title.clone(),
            String::new(),
            "/cases".into(),
            serde_json::to_string(input).ok(),
        );
        // A new case is a record of its own.
        item.record = format!("new-case:{}", item.key);
        item.photos = photos;
        item
    }

    pub fn visit(input: &shared::care::VisitInput, name: &str) -> Item {
        let mut item = Item::new(
            Kind::Visit,
            name.to_string(),
            format!("resident:{}", input.resident_id),
            "/care/visits".into(),
            serde_json::to_string(input).ok(),
        );
        item.href = Some(format!("/care/residents/{}", input.resident_id));
        item
    }

    pub fn errand_step(id: i64, step: &shared::care::ErrandMove, label: String) -> Item {
        Item::new(
            Kind::ErrandStep,
            label,
            format!("errand:{id}"),
            format!("/care/errands/{id}/moves"),
            serde_json::to_string(step).ok(),
        )
    }

    pub fn meal_delivered(order_id: i64, label: String) -> Item {
        Item::new(
            Kind::MealDelivered,
            label,
            format!("meal-order:{order_id}"),
            format!("/care/meals/orders/{order_id}/delivered"),
            None,
        )
    }

    /// The start of a patrol of the grid named `grid`.
    pub fn patrol_start(input: &shared::map::StartPatrol, grid: &str) -> Item {
        let mut item = Item::new(
            Kind::PatrolStart,
            grid.to_string(),
            PATROL_RECORD.into(),
            "/map/patrols".into(),
            serde_json::to_string(input).ok(),
        );
        item.href = Some("/map".into());
        item
    }

    /// A batch of points of the patrol `patrol`.
    pub fn patrol_points(patrol: &PatrolRef, input: &shared::map::AddTrackPoints) -> Item {
        let mut item = patrol.item(Kind::PatrolPoints, "points", serde_json::to_string(input));
        item.points = input.points.len() as u32;
        item
    }

    /// The end of the patrol `patrol`.
    pub fn patrol_end(patrol: &PatrolRef, input: &shared::map::EndPatrol) -> Item {
        patrol.item(Kind::PatrolEnd, "end", serde_json::to_string(input))
    }

    /// A move of case `case_id` (`label`: its number and title), with its photos if any.
    pub fn case_move(case_id: i64, input: &shared::cases::MoveCase, label: String) -> Item {
        let mut item = Item::new(
            Kind::CaseMove(input.action),
            label,
            format!("case:{case_id}"),
            format!("/cases/{case_id}/moves"),
            serde_json::to_string(input).ok(),
        );
        item.href = Some(format!("/cases/{case_id}"));
        item
    }

    pub fn unsent(&self) -> bool {
        !matches!(self.state, State::Sent { .. })
    }
}

/// A patrol as its later items name it: by its number once the server gave one, else by the
/// key of its start still waiting in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub enum PatrolRef {
    Known { id: i64, grid: String },
    Kept { start_key: String, grid: String },
}

impl PatrolRef {
    fn item(&self, kind: Kind, step: &str, body: serde_json::Result<String>) -> Item {
        let (id, grid, depends_on) = match self {
            PatrolRef::Known { id, grid } => (id.to_string(), grid, None),
            PatrolRef::Kept { start_key, grid } => (
                PATROL_PLACEHOLDER.to_string(),
                grid,
                Some(start_key.clone()),
            ),
        };
        let mut item = Item::new(
            kind,
            grid.clone(),
            PATROL_RECORD.into(),
            format!("/map/patrols/{id}/{step}"),
            body.ok(),
        );
        item.depends_on = depends_on;
        item.href = Some("/map".into());
        item
    }

    /// The patrol's number, if the server gave one (also while this page ran: its start was
    /// sent from the outbox).
    pub fn id(&self) -> Option<i64> {
        match self {
            PatrolRef::Known { id, .. } => Some(*id),
            PatrolRef::Kept { start_key, .. } => created(start_key),
        }
    }
}

/// The number the server gave the record made by the item with this key (sent in this
/// page's life).
pub fn created(key: &str) -> Option<i64> {
    CREATED.with(|c| c.borrow().iter().find(|(k, _)| k == key).map(|(_, id)| *id))
}

/// Fill in the patrol's number in an item made before the server knew it; false while it
/// is still unknown.
fn resolve(item: &mut Item) -> bool {
    let Some(start) = item.depends_on.clone() else {
        return true;
    };
    let Some(id) = created(&start) else {
        return false;
    };
    item.path = item.path.replace(PATROL_PLACEHOLDER, &id.to_string());
    item.depends_on = None;
    true
}

/// The outbox as the page shows it.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub items: RwSignal<Vec<Item>>,
}

impl Outbox {
    /// How many items are not sent yet (with a patrol's batch still being gathered).
    pub fn unsent(&self) -> Memo<usize> {
        let items = self.items;
        Memo::new(move |_| items.with(|i| i.iter().filter(|i| i.unsent()).count()))
    }

    /// How many items wait to be sent (a batch still being gathered does not wait yet).
    pub fn waiting(&self) -> Memo<usize> {
        let items = self.items;
        Memo::new(move |_| items.with(|i| i.iter().filter(|i| i.unsent() && !i.open).count()))
    }
}

thread_local! {
    static ITEMS: Cell<Option<RwSignal<Vec<Item>>>> = const { Cell::new(None) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    /// A reason to look again came while draining.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static TIMER: RefCell<Option<leptos::prelude::TimeoutHandle>> = const { RefCell::new(None) };
    /// Records made from the outbox in this page's life: (key of the item, number).
    static CREATED: RefCell<Vec<(String, i64)>> = const { RefCell::new(Vec::new()) };
}

/// The outbox for the app's life: read it, and send what waits (the app's start).
pub(super) fn provide() -> Outbox {
    let outbox = Outbox {
        items: RwSignal::new(Vec::new()),
    };
    ITEMS.set(Some(outbox.items));
    provide_context(outbox);
    listen_to_worker();
    spawn_local(async {
        // A send cut off by a closed page: it waits again.
        for mut item in read().await {
            if item.state == State::Sending {
                item.state = State::Waiting;
                save(&item, false).await;
            }
        }
        drain(true).await;
    });
    outbox
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

async fn read() -> Vec<Item> {
    store::items()
        .await
        .into_iter()
        .filter_map(|(id, json)| {
            let mut item: Item = serde_json::from_str(&json).ok()?;
            item.id = id;
            Some(item)
        })
        .collect()
}

/// Sign-out deleted the outbox: the page shows it empty.
pub(super) fn forget() {
    if let Some(signal) = ITEMS.get() {
        signal.try_set(Vec::new());
    }
}

/// Read the outbox again into the page's signal.
pub async fn refresh() {
    let items = read().await;
    if let Some(signal) = ITEMS.get() {
        signal.try_set(items);
    }
}

async fn save(item: &Item, drop_photos: bool) {
    if let Ok(json) = serde_json::to_string(item) {
        store::update_item(item.id, &json, drop_photos).await;
    }
}

/// What a form's send came to: answered now, or kept in the outbox.
pub enum Sent<T> {
    Now(T),
    Kept,
}

/// Send a field write now if there is a connection; kept in the outbox if there is none (or
/// it broke), or if items of the same record wait there. Photos are kept with the item; sent
/// now, a case move's go up first here (with the keys the outbox would use, so a connection
/// lost half way uploads none twice), a report's are uploaded by its form.
pub async fn send<T: DeserializeOwned>(
    mut item: Item,
    photos: Vec<web_sys::File>,
) -> ApiResult<Sent<T>> {
    // In order: behind what of the same record still waits, never before it.
    let queued = !resolve(&mut item) || waits_behind(&item).await;
    if super::browser_online() && !queued {
        match send_now(&item, &photos).await {
            Ok(answer) => {
                return serde_json::from_value(answer)
                    .map(Sent::Now)
                    .map_err(|_| ApiError::BadResponse);
            }
            Err(e) if keep_after(&e) => {}
            Err(e) => return Err(e),
        }
    }
    keep(item, photos).await?;
    Ok(Sent::Kept)
}

async fn send_now(item: &Item, photos: &[web_sys::File]) -> ApiResult<serde_json::Value> {
    if let Kind::CaseMove(_) = item.kind {
        let case = item.record.trim_start_matches("case:");
        for (n, photo) in photos.iter().enumerate() {
            api::upload_kept(
                &format!("/cases/{case}/photos?kind=feedback"),
                photo.clone().into(),
                &photo_key(item, n),
            )
            .await?;
        }
    }
    api::send_kept(&item.path, item.body.clone(), &item.key).await
}

/// Whether items of the same record (this user's) are in the outbox unsent.
pub async fn waits_behind(item: &Item) -> bool {
    read()
        .await
        .iter()
        .any(|i| i.unsent() && i.owner == item.owner && i.record == item.record)
}

/// The unsent items of this user's patrols, in order (for a patrol to go on after a reload).
pub async fn unsent_patrol_items() -> Vec<Item> {
    let me = super::remembered().map(|p| p.user_id);
    read()
        .await
        .into_iter()
        .filter(|i| i.unsent() && Some(i.owner) == me && i.record == PATROL_RECORD)
        .collect()
}

/// Keep a patrol's batch: a new one (`id` none) or the one being gathered, with all its
/// points so far. `open`: more points may come; closed, it goes (now, if there is signal).
/// Its number in the outbox comes back.
pub async fn keep_batch(
    id: Option<u32>,
    patrol: &PatrolRef,
    points: Vec<shared::map::TrackPoint>,
    open: bool,
) -> Option<u32> {
    let mut item = Item::patrol_points(patrol, &shared::map::AddTrackPoints { points });
    item.open = open;
    // Its patrol's start was sent meanwhile: kept with the number, not the placeholder.
    resolve(&mut item);
    let id = match id {
        Some(id) => {
            item.id = id;
            save(&item, false).await;
            Some(id)
        }
        None => {
            let json = serde_json::to_string(&item).ok()?;
            store::add_item(&json, &js_sys::Array::new()).await
        }
    };
    refresh().await;
    if !open {
        ask_for_background_sync();
        ask_to_persist();
        spawn_local(drain(true));
    }
    id
}

/// Close the batches left open by a page that ended while gathering them: they may go.
pub async fn close_open_batches() {
    for mut item in unsent_patrol_items().await {
        if item.open {
            item.open = false;
            save(&item, false).await;
        }
    }
    refresh().await;
}

/// Failures after which a write waits in the outbox: no answer came, or the server could
/// not take it now.
fn keep_after(e: &ApiError) -> bool {
    matches!(e, ApiError::Network | ApiError::BadResponse)
        || matches!(e.status(), Some(502..=504))
        || e.is(ErrorCode::IdempotencyInProgress)
}

async fn keep(mut item: Item, photos: Vec<web_sys::File>) -> ApiResult<()> {
    item.photos = photos.len() as u32;
    let json = serde_json::to_string(&item).map_err(|_| ApiError::BadResponse)?;
    let blobs = js_sys::Array::new();
    for photo in photos {
        blobs.push(&photo);
    }
    store::add_item(&json, &blobs)
        .await
        .ok_or(ApiError::Network)?;
    refresh().await;
    ask_for_background_sync();
    ask_to_persist();
    // Kept while the browser says it is online (the connection broke, or the answer was
    // lost): try again after the first backoff, whether or not Background Sync is there.
    if super::browser_online() {
        schedule(backoff(1));
    }
    Ok(())
}

/// Ask the browser not to evict this site's storage under pressure (the outbox holds work not
/// yet sent). Chromium answers without asking the user; a refusal changes nothing here.
fn ask_to_persist() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(storage) = js_sys::Reflect::get(&window.navigator(), &"storage".into()) else {
        return;
    };
    let Ok(persist) = js_sys::Reflect::get(&storage, &"persist".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    if let Ok(promise) = persist.call0(&storage) {
        spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
        });
    }
}

/// Send what waits, in order, one at a time. `now`: ignore the backoff (the connection just
/// came back, or the user asked).
pub async fn drain(now: bool) {
    // Signed out: the outbox is gone with the user (and opening it would make it again).
    if super::remembered().is_none() {
        return;
    }
    if DRAINING.replace(true) {
        AGAIN.set(true);
        return;
    }
    loop {
        AGAIN.set(false);
        drain_once(now).await;
        if !AGAIN.get() {
            break;
        }
    }
    DRAINING.set(false);
    refresh().await;
}

/// Send what waits now and return when the sending (also one already under way) is done.
pub async fn drain_all() {
    drain(true).await;
    while DRAINING.get() {
        super::pause(50).await;
    }
}

async fn drain_once(now: bool) {
    let me = super::remembered().map(|p| p.user_id);
    let mut held: Vec<String> = Vec::new();
    let mut soonest: Option<f64> = None;
    for mut item in read().await {
        if !item.unsent() || Some(item.owner) != me || held.contains(&item.record) {
            continue;
        }
        if !matches!(item.state, State::Waiting) || item.open {
            held.push(item.record.clone());
            continue;
        }
        if !super::browser_online() {
            return;
        }
        // A patrol's step before its start was sent: it waits (its start is ahead of it).
        if !resolve(&mut item) {
            held.push(item.record.clone());
            continue;
        }
        let clock = js_sys::Date::now();
        if !now && item.next_try > clock {
            soonest = Some(soonest.map_or(item.next_try, |s: f64| s.min(item.next_try)));
            held.push(item.record.clone());
            continue;
        }
        item.state = State::Sending;
        save(&item, false).await;
        refresh().await;
        let answer = deliver(&item).await;
        let lang = api::language();
        let mut drop_photos = false;
        match answer {
            Ok((href, made)) => {
                if let Some(id) = made {
                    // What waits on this record learns its number before this counts as sent.
                    CREATED.with(|c| c.borrow_mut().push((item.key.clone(), id)));
                    fill_in_followers(&item.key).await;
                }
                item.state = State::Sent { href };
                drop_photos = true;
                // A patrol's steps have nothing to look at once sent: the track is on the map.
                if matches!(
                    item.kind,
                    Kind::PatrolStart | Kind::PatrolPoints | Kind::PatrolEnd
                ) {
                    store::remove_item(item.id).await;
                    continue;
                }
            }
            // The first try took effect and its answer is gone: done, not done again.
            Err(e) if e.is(ErrorCode::IdempotencyAnswerLost) => {
                item.state = State::Sent {
                    href: item.href.clone(),
                };
                drop_photos = true;
            }
            Err(e) if keep_after(&e) || e.is(ErrorCode::Unauthenticated) || e.is_transient() => {
                item.attempts += 1;
                item.next_try = clock + backoff(item.attempts);
                item.state = State::Waiting;
                soonest = Some(soonest.map_or(item.next_try, |s: f64| s.min(item.next_try)));
                held.push(item.record.clone());
                save(&item, false).await;
                // No connection or no session: nothing else will go either.
                if matches!(e, ApiError::Network) || e.is(ErrorCode::Unauthenticated) {
                    break;
                }
                continue;
            }
            Err(e) => {
                let reason = e.reason(lang);
                item.state = match e.current::<serde_json::Value>() {
                    Some(current) if e.status() == Some(409) => State::Conflict { reason, current },
                    _ => State::Refused { reason },
                };
                held.push(item.record.clone());
            }
        }
        save(&item, drop_photos).await;
    }
    if let Some(at) = soonest {
        schedule(at - js_sys::Date::now());
    }
}

/// 2 s, 4 s, 8 s … at most 5 minutes.
fn backoff(attempts: u32) -> f64 {
    (2000.0 * 2f64.powi(attempts.min(20) as i32 - 1)).min(300_000.0)
}

fn schedule(after_ms: f64) {
    let handle = set_timeout_with_handle(
        || spawn_local(drain(false)),
        std::time::Duration::from_millis(after_ms.max(0.0) as u64),
    );
    if let Ok(handle) = handle
        && let Some(old) = TIMER.with(|t| t.borrow_mut().replace(handle))
    {
        old.clear();
    }
}

/// Write the number of the record the item with key `start` made into the items kept that
/// waited for it.
async fn fill_in_followers(start: &str) {
    for mut item in read().await {
        if item.depends_on.as_deref() == Some(start) && resolve(&mut item) {
            save(&item, false).await;
        }
    }
}

/// A photo's own idempotency key, made from its item's.
fn photo_key(item: &Item, n: usize) -> String {
    format!("{}-photo-{n}", item.key)
}

/// One try of one item: the write, then a new case's photos (each with a key of its own made
/// from the item's, so a retry uploads none twice); a case move's photos go first. Where the
/// result is seen comes back, and the number of a record the item made (a patrol).
async fn deliver(item: &Item) -> ApiResult<(Option<String>, Option<i64>)> {
    if let Kind::CaseMove(_) = item.kind
        && item.photos > 0
    {
        let case = item.record.trim_start_matches("case:");
        for (n, photo) in store::photos(item.id).await.into_iter().enumerate() {
            api::upload_kept(
                &format!("/cases/{case}/photos?kind=feedback"),
                photo,
                &photo_key(item, n),
            )
            .await?;
        }
    }
    let answer = api::send_kept(&item.path, item.body.clone(), &item.key).await?;
    if item.kind == Kind::PatrolStart {
        let id = serde_json::from_value::<shared::map::Patrol>(answer)
            .map_err(|_| ApiError::BadResponse)?
            .id;
        return Ok((item.href.clone(), Some(id)));
    }
    if item.kind != Kind::Report {
        return Ok((item.href.clone(), None));
    }
    let case_id = serde_json::from_value::<shared::cases::CaseView>(answer)
        .map_err(|_| ApiError::BadResponse)?
        .summary
        .id;
    for (n, photo) in store::photos(item.id).await.into_iter().enumerate() {
        api::upload_kept(
            &format!("/cases/{case_id}/photos?kind=report"),
            photo,
            &photo_key(item, n),
        )
        .await?;
    }
    Ok((Some(format!("/cases/{case_id}")), None))
}

/// Send a refused item again as it is (with its key), now.
pub fn retry(mut item: Item) {
    spawn_local(async move {
        item.state = State::Waiting;
        item.attempts = 0;
        item.next_try = 0.0;
        save(&item, false).await;
        drain(true).await;
    });
}

/// A conflicting step, applied again to the record as it is now: the same step with the
/// current version, as a new submission (a new key: the old one belongs to the refused body).
pub fn reapply(mut item: Item) {
    let State::Conflict { current, .. } = &item.state else {
        return;
    };
    // Every versioned record the outbox moves (an errand, a case: `CaseView` flattens its
    // summary) answers with its version at the top.
    let version = current["version"].as_i64();
    let (Some(version), Some(body)) = (version, item.body.as_deref()) else {
        return;
    };
    let Ok(mut body) = serde_json::from_str::<serde_json::Value>(body) else {
        return;
    };
    body["version"] = version.into();
    item.body = Some(body.to_string());
    item.key = super::new_key();
    // A case move's photos went up before the move was refused: they are on the case now, and
    // a new key would upload them a second time.
    let photos_sent = matches!(item.kind, Kind::CaseMove(_)) && item.photos > 0;
    if photos_sent {
        item.photos = 0;
    }
    spawn_local(async move {
        item.state = State::Waiting;
        item.attempts = 0;
        item.next_try = 0.0;
        save(&item, photos_sent).await;
        drain(true).await;
    });
}

/// Remove an item (discarded by the user, or sent and cleared away).
pub fn discard(item: Item) {
    spawn_local(async move {
        store::remove_item(item.id).await;
        refresh().await;
        // What waited behind it may go now.
        drain(true).await;
    });
}

/// Clear the sent items from the list.
pub fn clear_sent(items: Vec<Item>) {
    spawn_local(async move {
        for item in items.iter().filter(|i| !i.unsent()) {
            store::remove_item(item.id).await;
        }
        refresh().await;
    });
}

/// Ask the browser to wake the service worker when the connection returns (Background Sync,
/// where the browser has it); the worker tells the page, which sends.
fn ask_for_background_sync() {
    spawn_local(async {
        let Some(window) = web_sys::window() else {
            return;
        };
        let navigator = window.navigator();
        if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let Ok(ready) = navigator.service_worker().ready() else {
            return;
        };
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let Ok(sync) = js_sys::Reflect::get(&registration, &"sync".into()) else {
            return;
        };
        let Ok(register) = js_sys::Reflect::get(&sync, &"register".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        else {
            return;
        };
        if let Ok(promise) = register.call1(&sync, &"linju-outbox".into()) {
            let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
        }
    });
}

/// The service worker's "outbox-sync" message (its `sync` event): send.
fn listen_to_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
            if ev.data().as_string().as_deref() == Some("outbox-sync") {
                spawn_local(drain(true));
            }
        });
    let _ = navigator
        .service_worker()
        .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
}
