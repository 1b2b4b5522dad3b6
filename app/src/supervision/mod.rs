//! Supervision (督办与预警) in the app: the 黄牌/红牌 mark a case carries (on board cards and
//! the case page, a word and not a colour alone), and the settings section where admins edit
//! the warning share and the escalation ladder per category. The rules are
//! `shared::supervision`; the server checks every save again.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::cases::CaseMeta;
use shared::supervision::{
    CaseMark, EscalationLevel, EscalationStep, MAX_DELAY_HOURS, MAX_WARN_PERCENT, Mark,
    SupervisionRule, SupervisionRules,
};

use crate::api::{self, ApiResult};
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FormError, Loading, Notice};

pub async fn rules() -> ApiResult<SupervisionRules> {
    api::get("/supervision/rules").await
}

pub async fn save_rules(rules: &SupervisionRules) -> ApiResult<SupervisionRules> {
    api::put("/supervision/rules", rules).await
}

/// "黄牌" / "红牌 · 已升级至网格长": the mark as a badge with its word.
pub fn mark_badge(mark: CaseMark) -> impl IntoView {
    let i18n = use_i18n();
    let class = match mark.mark {
        Mark::Yellow => "badge badge-mark mark-yellow",
        Mark::Red => "badge badge-mark mark-red",
    };
    view! {
        <span class=class data-testid="case-mark" data-mark=mark.mark.as_str()>
            <span class="mark-card" aria-hidden="true"></span>
            {move || mark.label(i18n.get())}
        </span>
    }
}

/// One rule being edited: inputs as typed.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    category_id: Option<i64>,
    warn: String,
    /// Per level of the ladder, in order: the delay in working hours, empty to skip it.
    delays: [String; 4],
}

impl Draft {
    fn of(r: &SupervisionRule) -> Draft {
        let delay = |level: EscalationLevel| {
            r.steps
                .iter()
                .find(|s| s.level == level)
                .map(|s| s.delay_hours.to_string())
                .unwrap_or_default()
        };
        Draft {
            category_id: r.category_id,
            warn: r.warn_percent_left.to_string(),
            delays: EscalationLevel::ALL.map(delay),
        }
    }

    /// The rule, or the first input that does not read as a number in range.
    fn rule(&self, i: usize) -> Result<SupervisionRule, String> {
        let warn: u8 = self
            .warn
            .trim()
            .parse()
            .ok()
            .filter(|w| *w <= MAX_WARN_PERCENT)
            .ok_or_else(|| format!("rules/{i}/warn_percent_left"))?;
        let mut steps = Vec::new();
        for (j, level) in EscalationLevel::ALL.into_iter().enumerate() {
            let d = self.delays[j].trim();
            if d.is_empty() {
                continue;
            }
            let delay_hours: u32 = d
                .parse()
                .ok()
                .filter(|h| *h <= MAX_DELAY_HOURS)
                .ok_or_else(|| format!("rules/{i}/steps/{}/delay_hours", steps.len()))?;
            steps.push(EscalationStep { level, delay_hours });
        }
        Ok(SupervisionRule {
            category_id: self.category_id,
            warn_percent_left: warn,
            steps,
        })
    }
}

/// The settings section: a row per rule (the default first), a row added per category that
/// needs its own.
#[component]
pub fn LadderSection() -> impl IntoView {
    let meta = LocalResource::new(api::case_meta_all);
    let saved = LocalResource::new(rules);
    view! {
        {move || match (meta.get(), saved.get()) {
            (None, _) | (_, None) => view! { <Loading/> }.into_any(),
            (Some(Err(e)), _) => view! { <ErrorBox error=e retry=Callback::new(move |_| meta.refetch())/> }.into_any(),
            (_, Some(Err(e))) => view! { <ErrorBox error=e retry=Callback::new(move |_| saved.refetch())/> }.into_any(),
            (Some(Ok(m)), Some(Ok(r))) => view! { <LadderForm meta=m rules=r/> }.into_any(),
        }}
    }
}

#[component]
fn LadderForm(meta: CaseMeta, rules: SupervisionRules) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(rules.version);
    let reminders = RwSignal::new(rules.reminders.clone());
    let drafts = RwSignal::new(rules.rules.iter().map(Draft::of).collect::<Vec<_>>());
    let notice = RwSignal::new(None::<String>);
    let leaves: Vec<(i64, String, String)> = meta
        .categories
        .iter()
        .filter(|c| c.parent_id.is_some() && c.active)
        .map(|c| (c.id, c.name_zh.clone(), c.name_en.clone()))
        .collect();
    let leaves = StoredValue::new(leaves);
    let category_name = move |id: i64| {
        leaves.with_value(|l| {
            l.iter()
                .find(|c| c.0 == id)
                .map(|c| match i18n.get() {
                    shared::i18n::Lang::ZhCn => c.1.clone(),
                    shared::i18n::Lang::En => c.2.clone(),
                })
                .unwrap_or_default()
        })
    };
    let save = Submit::new(move |body: SupervisionRules| async move {
        let out = save_rules(&body).await?;
        version.set(out.version);
        reminders.set(out.reminders);
        drafts.set(out.rules.iter().map(Draft::of).collect());
        notice.set(Some(i18n.t(Key::LadderSaved).to_string()));
        Ok(())
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let invalid = move |field: String| field_errors.with(|e| e.iter().any(|x| x.field == field));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let rows = drafts.get_untracked();
        let mut out = Vec::new();
        for (i, d) in rows.iter().enumerate() {
            match d.rule(i) {
                Ok(r) => out.push(r),
                Err(field) => {
                    return save.refuse(vec![crate::ui::local_error(
                        &field,
                        shared::error::FieldErrorCode::OutOfRange,
                    )]);
                }
            }
        }
        save.dispatch(SupervisionRules {
            rules: out,
            reminders: reminders.get_untracked(),
            version: version.get_untracked(),
        });
    };
    let unused = move || {
        let taken: Vec<Option<i64>> = drafts.with(|d| d.iter().map(|r| r.category_id).collect());
        leaves.with_value(|l| {
            l.iter()
                .filter(|c| !taken.contains(&Some(c.0)))
                .map(|c| c.0)
                .collect::<Vec<_>>()
        })
    };
    let adding = RwSignal::new(String::new());
    let add = move |_| {
        let Ok(id) = adding.get_untracked().parse::<i64>() else {
            return;
        };
        drafts.update(|d| {
            let base = d.first().cloned();
            d.push(Draft {
                category_id: Some(id),
                ..base.unwrap_or_else(|| Draft::of(&SupervisionRule::default_rule()))
            })
        });
        adding.set(String::new());
    };
    let rows = move || {
        drafts
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                let who = match d.category_id {
                    None => i18n.t(Key::LadderDefault).to_string(),
                    Some(id) => category_name(id),
                };
                let warn_field = format!("rules/{i}/warn_percent_left");
                let warn_bad = {
                    let f = warn_field.clone();
                    move || invalid(f.clone())
                };
                view! {
                    <tr data-testid="ladder-row" data-category=d.category_id.map(|c| c.to_string()).unwrap_or_default()>
                        <th scope="row">{who.clone()}</th>
                        <td data-label=move || i18n.t(Key::LadderWarn)>
                            <input type="number" inputmode="numeric" min="0" max=MAX_WARN_PERCENT.to_string()
                                class="ladder-input" data-testid="ladder-warn" data-field=warn_field
                                aria-label=move || format!("{} · {}", who, i18n.t(Key::LadderWarn))
                                aria-invalid=move || warn_bad().to_string()
                                prop:value=d.warn.clone()
                                on:input=move |ev| { let v = event_target_value(&ev); drafts.update(|r| r[i].warn = v); }/>
                            <span class="muted">" %"</span>
                        </td>
                        {EscalationLevel::ALL.into_iter().enumerate().map(|(j, level)| {
                            let value = d.delays[j].clone();
                            view! {
                                <td data-label=move || i18n.text(level.text())>
                                    <input type="number" inputmode="numeric" min="0" max=MAX_DELAY_HOURS.to_string()
                                        class="ladder-input" data-testid=format!("ladder-{}", level.as_str())
                                        aria-label=move || format!("{} · {}", i18n.text(level.text()), i18n.t(Key::LadderDelay))
                                        prop:value=value
                                        on:input=move |ev| { let v = event_target_value(&ev); drafts.update(|r| r[i].delays[j] = v); }/>
                                </td>
                            }
                        }).collect_view()}
                        <td>
                            {d.category_id.is_some().then(|| view! {
                                <button type="button" class="button button-quiet" data-testid="ladder-remove"
                                    on:click=move |_| drafts.update(|r| { r.remove(i); })>
                                    {move || i18n.t(Key::LadderRemove)}
                                </button>
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Notice message=notice/>
        <form class="ladder" on:submit=submit novalidate data-testid="ladder-form">
            <FormError error fields=field_errors/>
            <div class="table-scroll">
                <table class="ladder-table">
                    <caption class="hint">{move || i18n.t(Key::LadderHint)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Key::Category)}</th>
                            <th scope="col">{move || i18n.t(Key::LadderWarn)}</th>
                            {EscalationLevel::ALL.into_iter().map(|l| view! {
                                <th scope="col">{move || i18n.text(l.text())}<br/><span class="muted">{move || i18n.t(Key::LadderDelay)}</span></th>
                            }).collect_view()}
                            <th scope="col"><span class="visually-hidden">{move || i18n.t(Key::LadderRemove)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="ladder-add">
                <label for="ladder-add-category">{move || i18n.t(Key::LadderAddCategory)}</label>
                <select id="ladder-add-category" data-testid="ladder-add-category"
                    on:change=move |ev| adding.set(event_target_value(&ev))>
                    <option value="" selected=move || adding.with(String::is_empty)>"—"</option>
                    {move || unused().into_iter().map(|id| view! {
                        <option value=id.to_string()>{category_name(id)}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="button button-secondary" data-testid="ladder-add" on:click=add
                    disabled=move || adding.with(String::is_empty)>
                    {move || i18n.t(Key::LadderAdd)}
                </button>
            </div>
            <div class="field">
                <label for="meal-cutoff">{move || i18n.t(Key::MealCutoff)}</label>
                <input id="meal-cutoff" type="time" data-testid="meal-cutoff" data-field="reminders/meal_cutoff"
                    aria-invalid=move || invalid("reminders/meal_cutoff".into()).to_string()
                    aria-describedby="meal-cutoff-hint"
                    prop:value=move || reminders.with(|r| r.meal_cutoff.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); reminders.update(|r| r.meal_cutoff = v); }/>
                <p class="hint" id="meal-cutoff-hint">{move || i18n.t(Key::MealCutoffHint)}</p>
            </div>
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="ladder-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::Save) }}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_reads_back_as_its_rule() {
        let r = SupervisionRule::default_rule();
        assert_eq!(Draft::of(&r).rule(0), Ok(r));
        let mut d = Draft::of(&SupervisionRule::default_rule());
        d.delays[1] = String::new();
        let r = d.rule(0).unwrap();
        assert_eq!(r.steps.len(), 3, "an empty delay skips the level");
        d.warn = "95".into();
        assert_eq!(d.rule(2), Err("rules/2/warn_percent_left".to_string()));
        d.warn = "10".into();
        d.delays[3] = "x".into();
        assert_eq!(d.rule(0), Err("rules/0/steps/2/delay_hours".to_string()));
    }
}
