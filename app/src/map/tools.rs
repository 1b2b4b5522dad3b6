//! The map's tools beside the canvas: which layers are drawn (with the heat window and the
//! patrol day they need), starting a patrol, colouring grids by their cases, and the legend.

use leptos::prelude::*;
use shared::cases::Stage;

use super::canvas::{self, Choropleth, Layers};
use super::{MapCtx, day_string, patrol};
use crate::i18n::{Key, use_i18n};

#[component]
pub fn MapTools(
    ctx: MapCtx,
    tiles: RwSignal<Option<shared::map::TileLayer>>,
    /// The user may patrol some grid (the patrol control is offered).
    may_patrol_any: bool,
    patrol_grids: RwSignal<Vec<(i64, String)>>,
    /// Office staff or grid workers: colouring by cases is offered.
    office_or_grid: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |f: fn(&mut Layers) -> &mut bool| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            ctx.layers.update(|l| *f(l) = on);
        }
    };
    let layer_box = move |id: &'static str,
                          key: Key,
                          get: fn(&Layers) -> bool,
                          f: fn(&mut Layers) -> &mut bool| {
        view! {
            <label class="choice map-layer">
                <input type="checkbox" data-testid=format!("layer-{id}") prop:checked=move || get(&ctx.layers.get()) on:change=toggle(f)/>
                {move || i18n.t(key)}
            </label>
        }
    };

    view! {
        <aside class="map-tools card" aria-labelledby="map-layers-title">
            <fieldset class="field map-layers" data-testid="map-layers">
                <legend id="map-layers-title">{move || i18n.t(Key::MapLayers)}</legend>
                {layer_box("grids", Key::MapLayerGrids, |l| l.grids, |l| &mut l.grids)}
                {layer_box("micro_grids", Key::MapLayerMicroGrids, |l| l.micro_grids, |l| &mut l.micro_grids)}
                {layer_box("buildings", Key::MapLayerBuildings, |l| l.buildings, |l| &mut l.buildings)}
                {layer_box("labels", Key::MapLayerLabels, |l| l.labels, |l| &mut l.labels)}
                {layer_box("cases", Key::MapLayerCases, |l| l.cases, |l| &mut l.cases)}
                {layer_box("hazards", Key::MapLayerHazards, |l| l.hazards, |l| &mut l.hazards)}
                {ctx.sees_care.then(|| view! {
                    {layer_box("special", Key::MapLayerSpecial, |l| l.special, |l| &mut l.special)}
                    {layer_box("visits", Key::MapLayerVisits, |l| l.visits, |l| &mut l.visits)}
                })}
                {ctx.sees_patrols.then(|| layer_box("patrols", Key::MapLayerPatrols, |l| l.patrols, |l| &mut l.patrols))}
                {layer_box("heat", Key::MapLayerHeat, |l| l.heat, |l| &mut l.heat)}
                {move || tiles.get().is_some().then(|| layer_box("tiles", Key::MapLayerTiles, |l| l.tiles, |l| &mut l.tiles))}
            </fieldset>
            {move || tiles.get().filter(|t| !t.attribution.is_empty()).map(|t| view! {
                <p class="hint map-attribution">{t.attribution}</p>
            })}
            <Show when=move || ctx.layers.get().heat>
                <div class="field">
                    <label for="map-heat-days">{move || i18n.t(Key::MapHeatWindow)}</label>
                    <select id="map-heat-days" data-testid="map-heat-days"
                        on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { ctx.heat_days.set(d) }>
                        {[7i64, 30, 90, 365].into_iter().map(|d| view! {
                            <option value=d.to_string() selected=move || ctx.heat_days.get() == d>
                                {move || i18n.fmt(Key::MapLastDays, &[("n", &d.to_string())])}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=move || ctx.layers.get().patrols>
                <div class="field">
                    <label for="map-patrol-day">{move || i18n.t(Key::MapPatrolDay)}</label>
                    <input id="map-patrol-day" type="date" data-testid="map-patrol-day"
                        prop:value=move || { let d = ctx.patrol_day.get(); if d.is_empty() { day_string(0) } else { d } }
                        on:change=move |ev| ctx.patrol_day.set(event_target_value(&ev))/>
                    <p class="hint" data-testid="map-patrol-count">
                        {move || i18n.fmt(Key::MapPatrolCount, &[("n", &ctx.patrol_count.get().to_string())])}
                    </p>
                </div>
            </Show>
            {move || (may_patrol_any && !patrol_grids.get().is_empty()).then(|| view! {
                <patrol::PatrolControl grids=patrol_grids.get_untracked()/>
            })}
            {office_or_grid.then(|| view! {
                <fieldset class="field">
                    <legend>{move || i18n.t(Key::MapColourBy)}</legend>
                    <div class="choices">
                        {[(Choropleth::Off, Key::MapColourNone, "off"), (Choropleth::Open, Key::MapColourOpen, "open"),
                          (Choropleth::Overdue, Key::MapColourOverdue, "overdue")].into_iter().map(|(c, key, id)| view! {
                            <label class="choice">
                                <input type="radio" name="map-colour" data-testid=format!("colour-{id}")
                                    prop:checked=move || ctx.choropleth.get() == c on:change=move |_| ctx.choropleth.set(c)/>
                                {move || i18n.t(key)}
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
            })}
            <Legend/>
        </aside>
    }
}

#[component]
fn Legend() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    let stages = [
        Stage::Reported,
        Stage::Registered,
        Stage::InProgress,
        Stage::Postponed,
        Stage::Handled,
    ];
    view! {
        <section class="map-legend" data-testid="map-legend" aria-labelledby="map-legend-title">
            <h2 id="map-legend-title">{move || i18n.t(Key::MapLegend)}</h2>
            <ul>
                <li><span class="swatch swatch-grid" aria-hidden="true"></span>{move || i18n.t(Key::MapLayerGrids)}</li>
                <li><span class="swatch swatch-micro" aria-hidden="true"></span>{move || i18n.t(Key::MapLayerMicroGrids)}</li>
                <li><span class="swatch swatch-building" aria-hidden="true"></span>{move || i18n.t(Key::MapLayerBuildings)}</li>
                {stages.into_iter().map(|s| view! {
                    <li><span class="swatch swatch-pin" aria-hidden="true" style:background-color=canvas::stage_colour(s)></span>
                        {move || i18n.text(s.text())}</li>
                }).collect_view()}
                <li><span class="swatch swatch-pin swatch-overdue" aria-hidden="true"></span>{move || i18n.t(Key::MapOverdue)}</li>
                {move || ctx.layers.get().hazards.then(|| view! {
                    <li data-testid="legend-hazards"><span class="swatch swatch-hazard" aria-hidden="true" style:background-color=canvas::HAZARD></span>{i18n.t(Key::MapLayerHazards)}</li>
                })}
                {move || ctx.layers.get().special.then(|| view! {
                    <li data-testid="legend-special"><span class="swatch swatch-badge" aria-hidden="true" style:background-color=canvas::SPECIAL>"♥"</span>{i18n.t(Key::MapLegendSpecial)}</li>
                })}
                {move || ctx.layers.get().visits.then(|| view! {
                    <li data-testid="legend-visits"><span class="swatch swatch-badge" aria-hidden="true" style:background-color=canvas::VISITS>"✓"</span>{i18n.t(Key::MapLegendVisits)}</li>
                })}
                {move || ctx.layers.get().patrols.then(|| view! {
                    <li data-testid="legend-patrols"><span class="swatch swatch-track" aria-hidden="true" style:background-color=canvas::TRACK></span>{i18n.t(Key::MapLayerPatrols)}</li>
                })}
                {move || (ctx.choropleth.get() != Choropleth::Off).then(|| view! {
                    <li class="legend-ramp"><span class="ramp" aria-hidden="true"></span>{i18n.t(Key::MapRampHint)}</li>
                })}
                {move || ctx.layers.get().heat.then(|| view! {
                    <li><span class="swatch swatch-heat" aria-hidden="true"></span>{i18n.t(Key::MapHeatHint)}</li>
                })}
            </ul>
        </section>
    }
}
