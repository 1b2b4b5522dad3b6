//! The assessment rules (admins): each indicator's weight, target and floor per subject, saved
//! as one set against its version. Shares are entered as percentages; the form checks the set
//! with the shared rule before sending and the server checks it again.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::assessment::{Measure, Rule, Rules, Subject};
use shared::error::{ErrorCode, FieldError, FieldErrorCode};

use super::format_measure;
use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FieldErrorList, FormError, Loading, Notice, local_error};

/// Shown and typed as percentages for shares, as they are for the others.
fn shown(measure: Measure, v: f64) -> String {
    match measure {
        Measure::Ratio => format!("{}", (v * 1000.0).round() / 10.0),
        _ => format!("{v}"),
    }
}

fn typed(measure: Measure, s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
    Some(match measure {
        Measure::Ratio => v / 100.0,
        _ => v,
    })
}

#[component]
pub fn RulesSection(saved: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let rules = LocalResource::new(|| api::get::<Rules>("/assessment/rules"));
    let notice = RwSignal::new(None::<String>);
    view! {
        <details class="card assessment-rules" data-testid="assessment-rules">
            <summary data-testid="assessment-rules-open"><h2>{move || i18n.t(Key::AssessmentRules)}</h2></summary>
            <p class="hint">{move || i18n.t(Key::AssessmentRulesHint)}</p>
            <Notice message=notice/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match rules.await {
                        Ok(r) => view! {
                            <RulesForm rules=r notice saved reload=Callback::new(move |_| rules.refetch())/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e retry=Callback::new(move |_| rules.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </details>
    }
}

/// One rule's inputs, as typed.
#[derive(Clone, Copy)]
struct Typed {
    rule: Rule,
    weight: RwSignal<String>,
    target: RwSignal<String>,
    floor: RwSignal<String>,
}

impl Typed {
    /// The rule as typed, or the fields (`rules[i].…`) that do not read as numbers.
    fn read(&self, i: usize) -> Result<Rule, Vec<FieldError>> {
        let m = self.rule.indicator.measure();
        let mut errors = Vec::new();
        let mut field = |name: &str| {
            errors.push(local_error(
                &format!("rules[{i}].{name}"),
                FieldErrorCode::InvalidFormat,
            ))
        };
        let weight = self.weight.get_untracked().trim().parse::<u32>().ok();
        let target = typed(m, &self.target.get_untracked());
        let floor = typed(m, &self.floor.get_untracked());
        if weight.is_none() {
            field("weight");
        }
        if target.is_none() {
            field("target");
        }
        if floor.is_none() {
            field("floor");
        }
        match (weight, target, floor) {
            (Some(weight), Some(target), Some(floor)) => Ok(Rule {
                weight,
                target,
                floor,
                ..self.rule
            }),
            _ => Err(errors),
        }
    }
}

#[component]
fn RulesForm(
    rules: Rules,
    notice: RwSignal<Option<String>>,
    saved: RwSignal<usize>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let version = rules.version;
    let typed_rules: Vec<Typed> = rules
        .rules
        .iter()
        .map(|r| {
            let m = r.indicator.measure();
            Typed {
                rule: *r,
                weight: RwSignal::new(r.weight.to_string()),
                target: RwSignal::new(shown(m, r.target)),
                floor: RwSignal::new(shown(m, r.floor)),
            }
        })
        .collect();
    let all = StoredValue::new(typed_rules.clone());
    let save = Submit::new(move |next: Rules| async move {
        match api::put::<_, Rules>("/assessment/rules", &next).await {
            Ok(_) => {
                notice.set(Some(i18n.t(Key::AssessmentRulesSaved).to_string()));
                saved.update(|n| *n += 1);
                reload.run(());
                Ok(())
            }
            Err(e) => {
                // Someone saved meanwhile: show their rules (the error says why).
                if matches!(&e, ApiError::Problem(p) if p.code == ErrorCode::VersionConflict) {
                    reload.run(());
                }
                Err(e)
            }
        }
    })
    .focusing_invalid();
    let (error, field_errors, busy) = (save.error, save.errors, save.pending());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let read: Vec<Result<Rule, Vec<FieldError>>> =
            all.with_value(|rows| rows.iter().enumerate().map(|(i, t)| t.read(i)).collect());
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        for r in read {
            match r {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return save.refuse(errors);
        }
        let next = Rules { version, rules };
        match next.check() {
            Ok(()) => save.dispatch(next),
            Err((field, code)) => save.refuse(vec![local_error(&field, code)]),
        }
    };
    let groups = Subject::ALL
        .into_iter()
        .map(|subject| {
            let rows = typed_rules
                .iter()
                .enumerate()
                .filter(|(_, t)| t.rule.subject == subject)
                .map(|(i, t)| view! { <RuleInputs index=i typed=*t errors=field_errors/> })
                .collect_view();
            view! {
                <fieldset class="rule-group" data-testid=format!("rules-{}", subject.as_str())>
                    <legend>{move || i18n.text(subject.text())}</legend>
                    {rows}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <form on:submit=submit novalidate data-testid="rules-form">
            <FormError error fields=field_errors/>
            <FieldErrorList errors=field_errors field="rules" id="rules-error".to_string()/>
            {groups}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="rules-save" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t(Key::Saving) } else { i18n.t(Key::AssessmentRulesSave) }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn RuleInputs(index: usize, typed: Typed, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    let rule = typed.rule;
    let (name, formula) = rule.indicator.text();
    let m = rule.indicator.measure();
    let base = format!("rule-{}-{}", rule.subject.as_str(), rule.indicator.as_str());
    let input = move |part: &'static str, label: Key, value: RwSignal<String>| {
        let field = format!("rules[{index}].{part}");
        let id = format!("{base}-{part}");
        let err_id = format!("{id}-error");
        let f = field.clone();
        let invalid = Signal::derive(move || errors.with(|e| e.iter().any(|x| x.field == f)));
        let described = err_id.clone();
        let unit = (m == Measure::Ratio && part != "weight").then_some("%");
        view! {
            <div class="field" class:field-invalid=invalid>
                <label for=id.clone()>{move || i18n.t(label)}{unit.map(|u| format!(" ({u})"))}</label>
                <input id=id type="text" inputmode="decimal" data-testid=format!("{base}-{part}")
                    aria-invalid=move || invalid.get().to_string()
                    aria-describedby=move || invalid.get().then(|| described.clone())
                    bind:value=value/>
                <FieldErrorList errors field id=err_id/>
            </div>
        }
    };
    let hint = move || {
        i18n.fmt(
            Key::AssessmentRuleNow,
            &[
                ("target", &format_measure(m, Some(rule.target))),
                ("floor", &format_measure(m, Some(rule.floor))),
            ],
        )
    };
    view! {
        <div class="rule-row" data-testid="rule-row">
            <div class="rule-name">
                <strong>{move || i18n.text(name)}</strong>
                <p class="muted formula" title=move || i18n.text(formula)>{hint}</p>
            </div>
            {input("weight", Key::AssessmentWeight, typed.weight)}
            {input("target", Key::AssessmentTarget, typed.target)}
            {input("floor", Key::AssessmentFloor, typed.floor)}
        </div>
    }
}
