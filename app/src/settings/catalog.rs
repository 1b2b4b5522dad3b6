//! The category tree (groups of 部件, 事件 and services, each with its items) and the
//! responsible parties: add, rename, retire and restore, and publish items to Open311.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::cases::{CaseMeta, Category, CategoryInput, PartyInput, ResponsibleParty};
use shared::error::FieldError;
use shared::validate::{Code, Name};

use super::{focus_id, name_in};
use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, TextField, local_error};

type Meta = LocalResource<Result<CaseMeta, ApiError>>;
/// The names a rename form sends: Chinese, English.
type Names = (String, String);
/// A change of one flag of a category (retire, restore, publish, withdraw), saved at once, with
/// the notice to show when it is saved.
type Toggle = Submit<(i64, CategoryInput, Key)>;

/// The three classes of the first level.
const CLASSES: [(&str, Key); 3] = [
    ("component", Key::ClassComponent),
    ("event", Key::ClassEvent),
    ("service", Key::ClassService),
];

fn class_key(class: &str) -> Option<Key> {
    CLASSES.iter().find(|(c, _)| *c == class).map(|(_, k)| *k)
}

/// Check code and names as the server will; errors under the API's field names.
fn check_names(code: Option<&str>, zh: &str, en: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(code) = code
        && let Err(c) = Code::parse(code)
    {
        errs.push(local_error("code", c));
    }
    if let Err(c) = Name::parse(zh) {
        errs.push(local_error("name_zh", c));
    }
    if let Err(c) = Name::parse(en) {
        errs.push(local_error("name_en", c));
    }
    errs
}

fn category_input(c: &Category) -> CategoryInput {
    CategoryInput {
        parent_id: c.parent_id,
        code: c.code.clone(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        class: Some(c.class.clone()),
        active: c.active,
        public: c.public,
    }
}

// ---------------------------------------------------------------- categories

#[component]
pub fn CategoriesSection() -> impl IntoView {
    let i18n = use_i18n();
    let meta: Meta = LocalResource::new(api::case_meta_all);
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let adding = RwSignal::new(false);
    let editing = RwSignal::new(None::<i64>);

    let toggle: Toggle = Submit::reporting_to(
        error,
        RwSignal::new(Vec::new()),
        move |(id, input, done): (i64, CategoryInput, Key)| {
            notice.set(None);
            async move {
                let saved = api::update_category(id, &input).await?;
                let name = name_in(i18n.lang.get_untracked(), &saved.name_zh, &saved.name_en);
                notice.set(Some(i18n.fmt(done, &[("name", &name)])));
                meta.refetch();
                Ok(())
            }
        },
    );
    let on_saved = Callback::new(move |(c, done): (Category, Key)| {
        adding.set(false);
        editing.set(None);
        error.set(None);
        let name = name_in(i18n.lang.get_untracked(), &c.name_zh, &c.name_en);
        notice.set(Some(i18n.fmt(done, &[("name", &name)])));
        meta.refetch();
    });

    view! {
        <div class="actions">
            <button type="button" class="button button-primary" data-testid="new-category-button"
                aria-expanded=move || adding.get().to_string() aria-controls="new-category-panel"
                on:click=move |_| { notice.set(None); editing.set(None); adding.update(|a| *a = !*a); }>
                {move || i18n.t(Key::NewCategory)}
            </button>
        </div>
        <Notice message=notice/>
        <FormError error testid="settings-error"/>
        <div id="new-category-panel">
            {move || adding.get().then(|| view! {
                <NewCategoryForm meta on_saved on_cancel=Callback::new(move |_| adding.set(false))/>
            })}
        </div>
        {move || match meta.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| meta.refetch())/> }.into_any(),
            Some(Ok(m)) => {
                let groups: Vec<Category> = m.categories.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                if groups.is_empty() {
                    return view! { <p class="empty">{move || i18n.t(Key::NoCategories)}</p> }.into_any();
                }
                view! {
                    <ul class="category-tree" data-testid="category-tree">
                        {groups.into_iter().map(|g| {
                            let items: Vec<Category> = m.categories.iter().filter(|c| c.parent_id == Some(g.id)).cloned().collect();
                            view! { <CategoryGroup group=g items editing toggle on_saved/> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

#[component]
fn CategoryGroup(
    group: Category,
    items: Vec<Category>,
    editing: RwSignal<Option<i64>>,
    toggle: Toggle,
    on_saved: Callback<(Category, Key)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("category-group-{}", group.id);
    let labelled = heading_id.clone();
    let code = group.code.clone();
    view! {
        <li class="card category-group" class:is-retired=!group.active data-testid="category-group" data-code=code
            aria-labelledby=labelled>
            <CategoryRow category=group.clone() heading=Some(heading_id) editing toggle on_saved/>
            {if items.is_empty() {
                view! { <p class="empty">{move || i18n.t(Key::NoItemsInGroup)}</p> }.into_any()
            } else {
                view! {
                    <ul class="category-items">
                        {items.into_iter().map(|c| {
                            let active = c.active;
                            let code = c.code.clone();
                            view! {
                                <li class="category-item" class:is-retired=!active data-testid="category-row" data-code=code>
                                    <CategoryRow category=c heading=None editing toggle on_saved/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </li>
    }
}

/// One category: names, code, state, and the actions on it (or its rename form).
#[component]
fn CategoryRow(
    category: Category,
    /// Groups carry a heading with this id; items are list entries.
    heading: Option<String>,
    editing: RwSignal<Option<i64>>,
    toggle: Toggle,
    on_saved: Callback<(Category, Key)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = category;
    let id = c.id;
    let is_item = c.parent_id.is_some();
    let stored = StoredValue::new(c.clone());
    let name = {
        let c = c.clone();
        move || name_in(i18n.get(), &c.name_zh, &c.name_en)
    };
    let other_name = {
        let c = c.clone();
        move || name_in(i18n.get(), &c.name_en, &c.name_zh)
    };
    let rename = Submit::new(move |(zh, en): Names| {
        let mut input = category_input(&stored.get_value());
        input.name_zh = zh;
        input.name_en = en;
        async move {
            let saved = api::update_category(id, &input).await?;
            on_saved.run((saved, Key::CategorySaved));
            Ok(())
        }
    })
    .focusing_invalid();
    let title = match heading {
        Some(hid) => view! { <h3 class="category-name" id=hid>{name.clone()}</h3> }.into_any(),
        None => view! { <p class="category-name">{name.clone()}</p> }.into_any(),
    };
    let retire = move |_| {
        let c = stored.get_value();
        let mut input = category_input(&c);
        input.active = !c.active;
        let done = if c.active {
            Key::CategoryRetired
        } else {
            Key::CategoryRestored
        };
        toggle.dispatch((c.id, input, done));
    };
    let publish = move |_| {
        let c = stored.get_value();
        let mut input = category_input(&c);
        input.public = !c.public;
        let done = if c.public {
            Key::CategoryWithdrawn
        } else {
            Key::CategoryPublished
        };
        toggle.dispatch((c.id, input, done));
    };
    let active = c.active;
    let public = c.public;
    let name_for_label = name.clone();
    let aria = move |k: Key| format!("{} · {}", i18n.t(k), name_for_label());
    let aria2 = aria.clone();
    let aria3 = aria.clone();

    view! {
        <div class="setting-row">
            <div class="setting-main">
                {title}
                <p class="muted"><span lang=move || if i18n.get() == shared::i18n::Lang::ZhCn { "en" } else { "zh-CN" } data-user-text>{other_name}</span>
                    " · "<span class="mono nowrap">{c.code.clone()}</span></p>
                <p class="badges">
                    {(!is_item).then(|| class_key(&c.class)).flatten().map(|k| view! { <span class="badge badge-muted" data-testid="badge-class">{move || i18n.t(k)}</span> })}
                    {(!active).then(|| view! { <span class="badge badge-warn" data-testid="badge-retired">{move || i18n.t(Key::Retired)}</span> })}
                    {(is_item && public).then(|| view! { <span class="badge" data-testid="badge-public">{move || i18n.t(Key::PublicBadge)}</span> })}
                    {(is_item && !public).then(|| view! { <span class="badge badge-muted" data-testid="badge-internal">{move || i18n.t(Key::InternalBadge)}</span> })}
                </p>
            </div>
            <div class="setting-actions">
                <button type="button" class="button button-quiet" data-testid="rename-category" id=format!("rename-category-{id}")
                    aria-label=move || aria(Key::Rename)
                    aria-expanded=move || (editing.get() == Some(id)).to_string()
                    on:click=move |_| {
                        editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) });
                        focus_id("rename-category-zh");
                    }>
                    {move || i18n.t(Key::Rename)}
                </button>
                {is_item.then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="publish-category"
                        aria-label=move || aria2(if public { Key::Withdraw } else { Key::Publish })
                        on:click=publish>
                        {move || i18n.t(if public { Key::Withdraw } else { Key::Publish })}
                    </button>
                })}
                <button type="button" class=if active { "button button-danger-quiet" } else { "button button-secondary" }
                    data-testid="retire-category" aria-label=move || aria3(if active { Key::Retire } else { Key::Restore })
                    on:click=retire>
                    {move || i18n.t(if active { Key::Retire } else { Key::Restore })}
                </button>
            </div>
        </div>
        {move || (editing.get() == Some(id)).then(|| view! {
            <RenameForm
                prefix="rename-category"
                zh=stored.get_value().name_zh
                en=stored.get_value().name_en
                on_cancel=Callback::new(move |_| { editing.set(None); focus_id(format!("rename-category-{id}")); })
                save=rename
            />
        })}
    }
}

/// Rename: both names, checked as the server checks them.
#[component]
fn RenameForm(
    prefix: &'static str,
    zh: String,
    en: String,
    on_cancel: Callback<()>,
    /// Sends the names (its owner knows to what).
    save: Submit<Names>,
) -> impl IntoView {
    let i18n = use_i18n();
    let zh = RwSignal::new(zh);
    let en = RwSignal::new(en);
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let (zh_id, en_id) = match prefix {
        "rename-category" => ("rename-category-zh", "rename-category-en"),
        _ => ("rename-party-zh", "rename-party-en"),
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let errs = check_names(None, &zh.get_untracked(), &en.get_untracked());
        if !errs.is_empty() {
            return save.refuse(errs);
        }
        save.dispatch((
            zh.get_untracked().trim().to_string(),
            en.get_untracked().trim().to_string(),
        ));
    };
    view! {
        <form class="inline-form" on:submit=submit novalidate data-testid=format!("{prefix}-form")
            on:keydown=move |ev| if ev.key() == "Escape" { on_cancel.run(()) }>
            <FormError error fields=field_errors/>
            <div class="form-grid">
                <TextField id=zh_id label=Key::NameZh value=zh errors=field_errors field="name_zh" required=true/>
                <TextField id=en_id label=Key::NameEn value=en errors=field_errors field="name_en" required=true/>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid=format!("{prefix}-save") disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

#[component]
fn NewCategoryForm(
    meta: Meta,
    on_saved: Callback<(Category, Key)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    // "" = a new group of the first level; otherwise the id of the group.
    let parent = RwSignal::new(String::new());
    let class = RwSignal::new("event".to_string());
    let code = RwSignal::new(String::new());
    let zh = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let save = Submit::new(move |input: CategoryInput| async move {
        let c = api::create_category(&input).await?;
        on_saved.run((c, Key::CategoryAdded));
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let groups = move || {
        meta.get()
            .and_then(Result::ok)
            .map(|m| {
                m.categories
                    .into_iter()
                    .filter(|c| c.parent_id.is_none() && c.active)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let parent_id = move || parent.get().parse::<i64>().ok();
    focus_id("new-category-parent");

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let errs = check_names(
            Some(&code.get_untracked()),
            &zh.get_untracked(),
            &en.get_untracked(),
        );
        if !errs.is_empty() {
            return save.refuse(errs);
        }
        let parent_id = parent.get_untracked().parse::<i64>().ok();
        let input = CategoryInput {
            parent_id,
            code: code.get_untracked().trim().to_string(),
            name_zh: zh.get_untracked().trim().to_string(),
            name_en: en.get_untracked().trim().to_string(),
            class: parent_id.is_none().then(|| class.get_untracked()),
            active: true,
            public: parent_id.is_some() && public.get_untracked(),
        };
        save.dispatch(input);
    };

    view! {
        <form class="card form" on:submit=submit novalidate data-testid="new-category-form" aria-labelledby="new-category-title">
            <h3 id="new-category-title">{move || i18n.t(Key::NewCategory)}</h3>
            <FormError error fields=field_errors/>
            <div class="field">
                <label for="new-category-parent">{move || i18n.t(Key::CategoryParent)}</label>
                <select id="new-category-parent" data-testid="new-category-parent"
                    aria-invalid=move || field_errors.with(|e| e.iter().any(|x| x.field == "parent_id")).to_string()
                    on:change=move |ev| parent.set(event_target_value(&ev))>
                    <option value="" selected=move || parent.get().is_empty()>{move || i18n.t(Key::NewGroupOption)}</option>
                    {move || groups().into_iter().map(|g| {
                        let value = g.id.to_string();
                        let v2 = value.clone();
                        let label = name_in(i18n.get(), &g.name_zh, &g.name_en);
                        view! { <option value=value selected=move || parent.get() == v2>{label}</option> }
                    }).collect_view()}
                </select>
                <FieldErrorList errors=field_errors field="parent_id" id="new-category-parent-error".to_string()/>
            </div>
            {move || parent_id().is_none().then(|| view! {
                <fieldset class="field choice-group">
                    <legend>{move || i18n.t(Key::CategoryClass)}</legend>
                    <div class="choices">
                        {CLASSES.into_iter().map(|(value, key)| {
                            let input_id = format!("new-category-class-{value}");
                            let for_id = input_id.clone();
                            view! {
                                <label class="choice" for=for_id>
                                    <input type="radio" name="new-category-class" id=input_id value=value
                                        prop:checked=move || class.get() == value
                                        on:change=move |_| class.set(value.to_string())/>
                                    <span>{move || i18n.t(key)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <FieldErrorList errors=field_errors field="class" id="new-category-class-error".to_string()/>
                </fieldset>
            })}
            <div class="form-grid">
                <TextField id="new-category-code" label=Key::CategoryCode value=code errors=field_errors field="code"
                    required=true hint=Key::CategoryCodeHint/>
                <div></div>
                <TextField id="new-category-zh" label=Key::NameZh value=zh errors=field_errors field="name_zh" required=true/>
                <TextField id="new-category-en" label=Key::NameEn value=en errors=field_errors field="name_en" required=true/>
            </div>
            {move || parent_id().is_some().then(|| view! {
                <div class="field">
                    <label class="choice" for="new-category-public">
                        <input type="checkbox" id="new-category-public" data-testid="new-category-public" bind:checked=public/>
                        <span>{move || i18n.t(Key::PublishToOpen311)}</span>
                    </label>
                </div>
            })}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="new-category-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::AddCategory) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- parties

fn party_input(p: &ResponsibleParty) -> PartyInput {
    PartyInput {
        code: p.code.clone(),
        name_zh: p.name_zh.clone(),
        name_en: p.name_en.clone(),
        active: p.active,
    }
}

#[component]
pub fn PartiesSection() -> impl IntoView {
    let i18n = use_i18n();
    let meta: Meta = LocalResource::new(api::case_meta_all);
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let adding = RwSignal::new(false);
    let editing = RwSignal::new(None::<i64>);
    let done = Callback::new(move |(p, key): (ResponsibleParty, Key)| {
        adding.set(false);
        editing.set(None);
        error.set(None);
        let name = name_in(i18n.lang.get_untracked(), &p.name_zh, &p.name_en);
        notice.set(Some(i18n.fmt(key, &[("name", &name)])));
        meta.refetch();
    });
    let retire = Submit::reporting_to(
        error,
        RwSignal::new(Vec::new()),
        move |p: ResponsibleParty| {
            notice.set(None);
            let mut input = party_input(&p);
            input.active = !p.active;
            let key = if p.active {
                Key::PartyRetired
            } else {
                Key::PartyRestored
            };
            async move {
                let saved = api::update_party(p.id, &input).await?;
                done.run((saved, key));
                Ok(())
            }
        },
    );

    view! {
        <div class="actions">
            <button type="button" class="button button-primary" data-testid="new-party-button"
                aria-expanded=move || adding.get().to_string() aria-controls="new-party-panel"
                on:click=move |_| { notice.set(None); editing.set(None); adding.update(|a| *a = !*a); }>
                {move || i18n.t(Key::NewParty)}
            </button>
        </div>
        <Notice message=notice/>
        <FormError error testid="settings-error"/>
        <div id="new-party-panel">
            {move || adding.get().then(|| view! {
                <NewPartyForm on_saved=done on_cancel=Callback::new(move |_| adding.set(false))/>
            })}
        </div>
        {move || match meta.get() {
            None => view! { <Loading/> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e retry=Callback::new(move |_| meta.refetch())/> }.into_any(),
            Some(Ok(m)) if m.parties.is_empty() => view! { <p class="empty">{move || i18n.t(Key::NoParties)}</p> }.into_any(),
            Some(Ok(m)) => view! {
                <ul class="cards setting-list" data-testid="party-list">
                    {m.parties.into_iter().map(|p| view! { <PartyRow party=p editing retire done/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn PartyRow(
    party: ResponsibleParty,
    editing: RwSignal<Option<i64>>,
    retire: Submit<ResponsibleParty>,
    done: Callback<(ResponsibleParty, Key)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = party.id;
    let active = party.active;
    let stored = StoredValue::new(party.clone());
    let rename = Submit::new(move |(zh, en): Names| {
        let mut input = party_input(&stored.get_value());
        input.name_zh = zh;
        input.name_en = en;
        async move {
            let saved = api::update_party(id, &input).await?;
            done.run((saved, Key::PartySaved));
            Ok(())
        }
    })
    .focusing_invalid();
    let name = move || stored.with_value(|p| name_in(i18n.get(), &p.name_zh, &p.name_en));
    let other = move || stored.with_value(|p| name_in(i18n.get(), &p.name_en, &p.name_zh));
    view! {
        <li class="card" class:is-retired=!active data-testid="party-row" data-code=party.code.clone()>
            <div class="setting-row">
                <div class="setting-main">
                    <h3 class="category-name">{name}</h3>
                    <p class="muted"><span lang=move || if i18n.get() == shared::i18n::Lang::ZhCn { "en" } else { "zh-CN" } data-user-text>{other}</span>" · "<span class="mono nowrap">{party.code.clone()}</span></p>
                    {(!active).then(|| view! { <p class="badges"><span class="badge badge-warn" data-testid="badge-retired">{move || i18n.t(Key::Retired)}</span></p> })}
                </div>
                <div class="setting-actions">
                    <button type="button" class="button button-quiet" data-testid="rename-party" id=format!("rename-party-{id}")
                        aria-label=move || format!("{} · {}", i18n.t(Key::Rename), name())
                        aria-expanded=move || (editing.get() == Some(id)).to_string()
                        on:click=move |_| {
                            editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) });
                            focus_id("rename-party-zh");
                        }>
                        {move || i18n.t(Key::Rename)}
                    </button>
                    <button type="button" class=if active { "button button-danger-quiet" } else { "button button-secondary" }
                        data-testid="retire-party"
                        aria-label=move || format!("{} · {}", i18n.t(if active { Key::Retire } else { Key::Restore }), name())
                        on:click=move |_| retire.dispatch(stored.get_value())>
                        {move || i18n.t(if active { Key::Retire } else { Key::Restore })}
                    </button>
                </div>
            </div>
            {move || (editing.get() == Some(id)).then(|| view! {
                <RenameForm
                    prefix="rename-party"
                    zh=stored.get_value().name_zh
                    en=stored.get_value().name_en
                    on_cancel=Callback::new(move |_| { editing.set(None); focus_id(format!("rename-party-{id}")); })
                    save=rename
                />
            })}
        </li>
    }
}

#[component]
fn NewPartyForm(
    on_saved: Callback<(ResponsibleParty, Key)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let zh = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let save = Submit::new(move |input: PartyInput| async move {
        let p = api::create_party(&input).await?;
        on_saved.run((p, Key::PartyAdded));
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    focus_id("new-party-code");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let errs = check_names(
            Some(&code.get_untracked()),
            &zh.get_untracked(),
            &en.get_untracked(),
        );
        if !errs.is_empty() {
            return save.refuse(errs);
        }
        let input = PartyInput {
            code: code.get_untracked().trim().to_string(),
            name_zh: zh.get_untracked().trim().to_string(),
            name_en: en.get_untracked().trim().to_string(),
            active: true,
        };
        save.dispatch(input);
    };
    view! {
        <form class="card form" on:submit=submit novalidate data-testid="new-party-form" aria-labelledby="new-party-title">
            <h3 id="new-party-title">{move || i18n.t(Key::NewParty)}</h3>
            <FormError error fields=field_errors/>
            <TextField id="new-party-code" label=Key::CategoryCode value=code errors=field_errors field="code"
                required=true hint=Key::CategoryCodeHint/>
            <div class="form-grid">
                <TextField id="new-party-zh" label=Key::NameZh value=zh errors=field_errors field="name_zh" required=true/>
                <TextField id="new-party-en" label=Key::NameEn value=en errors=field_errors field="name_en" required=true/>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="new-party-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::AddParty) }}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {move || i18n.t(Key::Cancel)}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::error::FieldErrorCode;

    #[test]
    fn names_are_checked_with_the_shared_rules() {
        assert!(check_names(Some("E-ENV-09"), "占道经营", "Street vending").is_empty());
        let errs = check_names(Some(""), "", "x");
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name_zh"]);
        assert!(check_names(None, "a", "b").is_empty());
        assert_eq!(errs[0].code, FieldErrorCode::Required);
    }
}
