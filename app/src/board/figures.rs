//! The board's header figures: open, overdue, closure, on time, rework.

use leptos::prelude::*;
use shared::board::Board;

use crate::api::ApiError;
use crate::i18n::{Key, use_i18n};

#[component]
pub fn Figures(board: RwSignal<Option<Result<Board, ApiError>>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        board.with(|b| b.as_ref().and_then(|b| b.as_ref().ok()).map(|b| b.figures)).map(|f| {
            let item = |key: Key, value: String, testid: &'static str, warn: bool| view! {
                <div class="figure" class:is-warn=warn>
                    <dt>{i18n.t(key)}</dt>
                    <dd data-testid=testid>{value}</dd>
                </div>
            };
            view! {
                <dl class="figures" data-testid="figures">
                    {item(Key::FigureOpen, f.open.to_string(), "figure-open", false)}
                    {item(Key::FigureOverdue, f.overdue.to_string(), "figure-overdue", f.overdue > 0)}
                    {item(Key::FigureClosure, fmt_rate(f.closure_rate), "figure-closure", false)}
                    {item(Key::FigureOnTime, fmt_rate(f.on_time_rate), "figure-on-time", false)}
                    {item(Key::FigureRework, fmt_rate(f.rework_rate), "figure-rework", false)}
                </dl>
            }
        })
    }
}

/// A rate as a whole percentage, "—" when there is nothing to divide by.
pub fn fmt_rate(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_finite() => format!("{}%", (r * 100.0).round() as i64),
        _ => "—".into(),
    }
}
