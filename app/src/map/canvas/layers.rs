//! The layers drawn over the base: raster tiles, labels, pins (stamped from prepared images),
//! care counts, patrol tracks, heat and the scale bar, and the colours they use.

use super::*;

/// How a pin looks: one prepared image each (see `Engine::sprite`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum PinLook {
    /// The red ring under an overdue case.
    Halo {
        big: bool,
    },
    Case {
        colour: &'static str,
        big: bool,
    },
    Hazard {
        overdue: bool,
        big: bool,
    },
}

impl PinLook {
    pub(super) fn radius(big: bool) -> f64 {
        if big { 7.0 } else { 5.0 }
    }

    pub(super) fn triangle(big: bool) -> f64 {
        if big { 11.0 } else { 8.0 }
    }

    /// Half the image's side in CSS pixels: the shape, its outline and a pixel to spare.
    pub(super) fn half(self) -> f64 {
        match self {
            PinLook::Halo { big } => Self::radius(big) + 5.0,
            PinLook::Case { big, .. } => Self::radius(big) + 2.0,
            PinLook::Hazard { big, .. } => Self::triangle(big) + 7.0,
        }
    }

    /// Draw the look centred at (x, y).
    pub(super) fn paint(self, ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
        use std::f64::consts::TAU;
        match self {
            PinLook::Halo { big } => {
                ctx.begin_path();
                let _ = ctx.arc(x, y, Self::radius(big) + 4.0, 0.0, TAU);
                ctx.set_fill_style_str(OVERDUE);
                ctx.fill();
            }
            PinLook::Case { colour, big } => {
                ctx.begin_path();
                let _ = ctx.arc(x, y, Self::radius(big), 0.0, TAU);
                ctx.set_fill_style_str(colour);
                ctx.fill();
                ctx.set_stroke_style_str("#ffffff");
                ctx.set_line_width(1.5);
                ctx.stroke();
            }
            PinLook::Hazard { overdue, big } => {
                let h = Self::triangle(big);
                ctx.begin_path();
                ctx.move_to(x, y - h);
                ctx.line_to(x + h, y + h * 0.8);
                ctx.line_to(x - h, y + h * 0.8);
                ctx.close_path();
                ctx.set_fill_style_str(HAZARD);
                ctx.fill();
                ctx.set_stroke_style_str("#1b1f1d");
                ctx.set_line_width(1.5);
                ctx.stroke();
                ctx.set_fill_style_str("#1b1f1d");
                ctx.set_font("800 11px system-ui,sans-serif");
                ctx.set_text_align("center");
                ctx.set_text_baseline("middle");
                let _ = ctx.fill_text("!", x, y + h * 0.2);
                if overdue {
                    ctx.begin_path();
                    let _ = ctx.arc(x, y, h + 5.0, 0.0, TAU);
                    ctx.set_stroke_style_str(OVERDUE);
                    ctx.set_line_width(2.5);
                    ctx.stroke();
                }
            }
        }
    }
}

/// Stage colours of pins (and the legend).
pub fn stage_colour(stage: Stage) -> &'static str {
    match stage {
        Stage::Reported => "#1d4ed8",
        Stage::Registered | Stage::Dispatched => "#6d28d9",
        Stage::InProgress | Stage::PostponeRequested => "#b45309",
        Stage::Postponed => "#6b7280",
        Stage::Handled | Stage::Verified => "#0f766e",
        Stage::Closed | Stage::Refused | Stage::Voided | Stage::Withdrawn => "#4b5563",
    }
}

pub const OVERDUE: &str = "#b42318";
/// Hazard signs, special-group and visit badges, patrol tracks (and the legend).
pub const HAZARD: &str = "#f5b301";
pub const SPECIAL: &str = "#7c3aed";
pub const VISITS: &str = "#0f766e";
pub const TRACK: &str = "#c2410c";
pub(super) const GRID_FILLS: [&str; 6] = [
    "rgba(15,93,78,0.10)",
    "rgba(29,78,216,0.09)",
    "rgba(180,83,9,0.10)",
    "rgba(109,40,217,0.08)",
    "rgba(15,118,110,0.12)",
    "rgba(75,85,99,0.08)",
];

/// The choropleth's colour of `value` out of `max` (light yellow → deep red).
pub fn ramp(value: u64, max: u64) -> String {
    let t = if max == 0 {
        0.0
    } else {
        value as f64 / max as f64
    };
    let (r, g, b) = if value == 0 {
        (236.0, 240.0, 231.0)
    } else {
        (254.0 - 74.0 * t, 224.0 - 189.0 * t, 139.0 - 115.0 * t)
    };
    format!("rgba({r:.0},{g:.0},{b:.0},0.72)")
}

impl Engine {
    /// The raster base layer: Web-Mercator tiles of the zoom nearest the view's scale. GCJ-02
    /// tiles are drawn shifted by the GCJ-02 offset at the view's centre (it changes by
    /// centimetres across a community), so our WGS-84 shapes line up on them.
    pub(super) fn draw_tiles(&mut self) {
        use std::f64::consts::PI;
        const R: f64 = 6_378_137.0;
        let Some(layer) = self.tile_layer.clone() else {
            return;
        };
        let v = self.view;
        let z = (v.scale * 2.0 * PI * R / 256.0)
            .log2()
            .round()
            .clamp(0.0, 19.0) as u32;
        let n = 2f64.powi(z as i32);
        let size = 2.0 * PI * R / n;
        let (dx, dy) = match layer.crs {
            shared::map::TileCrs::Wgs84 => (0.0, 0.0),
            shared::map::TileCrs::Gcj02 => {
                let (lon, lat) = shared::map::unmercator(v.cx, v.cy);
                let (glon, glat) = shared::geo::wgs84_to_gcj02(lon, lat);
                let (gx, gy) = mercator(glon, glat);
                (gx - v.cx, gy - v.cy)
            }
        };
        let (left, right) = (
            v.cx - v.width / 2.0 / v.scale + dx,
            v.cx + v.width / 2.0 / v.scale + dx,
        );
        let (top, bottom) = (
            v.cy + v.height / 2.0 / v.scale + dy,
            v.cy - v.height / 2.0 / v.scale + dy,
        );
        let col = |x: f64| ((x + PI * R) / size).floor().clamp(0.0, n - 1.0) as u32;
        let row = |y: f64| ((PI * R - y) / size).floor().clamp(0.0, n - 1.0) as u32;
        let (x0, x1, y0, y1) = (col(left), col(right), row(top), row(bottom));
        if (x1 - x0 + 1) * (y1 - y0 + 1) > 100 {
            return;
        }
        if self.tile_loaded.is_none() {
            self.tile_loaded = Some(wasm_bindgen::closure::Closure::new(|| {
                with(|e| {
                    e.dirty = true;
                    e.invalidate();
                });
            }));
        }
        for ty in y0..=y1 {
            for tx in x0..=x1 {
                let url = layer.tile_url(z, tx, ty);
                let img = match self.tile_images.get(&url) {
                    Some(i) => i.clone(),
                    None => {
                        let Ok(i) = web_sys::HtmlImageElement::new() else {
                            continue;
                        };
                        if let Some(cb) = &self.tile_loaded {
                            i.set_onload(Some(cb.as_ref().unchecked_ref()));
                        }
                        i.set_src(&url);
                        self.tile_images.insert(url, i.clone());
                        i
                    }
                };
                if !img.complete() || img.natural_width() == 0 {
                    continue;
                }
                let (mx, my) = (
                    tx as f64 * size - PI * R - dx,
                    PI * R - ty as f64 * size - dy,
                );
                let (sx, sy) = v.to_screen_m(mx, my);
                let px = size * v.scale;
                let _ = self.ctx.draw_image_with_html_image_element_and_dw_and_dh(
                    &img,
                    sx,
                    sy,
                    px + 0.5,
                    px + 0.5,
                );
            }
        }
        if self.tile_images.len() > 400 {
            self.tile_images.clear();
        }
    }

    pub(super) fn figure(&self, f: &GridFigures) -> u64 {
        match self.choropleth {
            Choropleth::Overdue => f.overdue,
            _ => f.open,
        }
    }

    pub(super) fn draw_labels(&self) {
        let ctx = &self.ctx;
        let s = self.view.scale;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_line_width(3.5);
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        let label = |text: &str, x: f64, y: f64, font: &str, colour: &str| {
            ctx.set_font(font);
            let _ = ctx.stroke_text(text, x, y);
            ctx.set_fill_style_str(colour);
            let _ = ctx.fill_text(text, x, y);
        };
        let font = "'Noto Sans CJK SC','PingFang SC',system-ui,sans-serif";
        // Buildings: only when a building is wide enough on screen to carry its name.
        if self.layers.buildings {
            let mut n = 0;
            for b in self.buildings.values() {
                let w = (b.bounds.2 - b.bounds.0) * s;
                if w < 34.0 || !self.visible(b.bounds) {
                    continue;
                }
                let (cx, cy) = b.centre();
                let (x, y) = self.screen(cx, cy);
                label(&b.name, x, y, &format!("600 12px {font}"), "#3d372d");
                n += 1;
                if n > 400 {
                    break;
                }
            }
        }
        if self.layers.micro_grids {
            for m in self.micro_grids.values() {
                let h = (m.bounds.3 - m.bounds.1) * s;
                let w = (m.bounds.2 - m.bounds.0) * s;
                if h < 60.0 || w < 60.0 || !self.visible(m.bounds) {
                    continue;
                }
                let (x, y) = self.screen(m.bounds.0, m.bounds.3);
                ctx.set_text_align("left");
                label(
                    &m.name,
                    x + 8.0,
                    y - 12.0,
                    &format!("600 13px {font}"),
                    "#2d5f53",
                );
                ctx.set_text_align("center");
            }
        }
        if self.layers.grids {
            for g in self.grids.values() {
                let w = (g.bounds.2 - g.bounds.0) * s;
                if w < 40.0 || !self.visible(g.bounds) {
                    continue;
                }
                // Near the top of the grid, clear of the micro-grids' names at their feet.
                let (cx, _) = g.centre();
                let (x, top) = self.screen(cx, g.bounds.1);
                let (_, bottom) = self.screen(cx, g.bounds.3);
                let y = (top.max(0.0) + 22.0).min((top + bottom) / 2.0);
                let size = if w > 120.0 { 18 } else { 14 };
                label(&g.name, x, y, &format!("700 {size}px {font}"), "#0a4338");
                if self.choropleth != Choropleth::Off {
                    if let Some(f) = self.figures.get(&g.id) {
                        label(
                            &self.figure(f).to_string(),
                            x,
                            y + size as f64 + 6.0,
                            &format!("700 16px {font}"),
                            "#7a1610",
                        );
                    }
                }
            }
        }
    }

    pub(super) fn draw_pins(&self) {
        // Thousands of antialiased circles cost a software-drawn canvas most of a frame; the
        // same pin stamped from a small prepared image costs a copy. One image per look.
        let mut halos = Vec::new();
        let mut cases: Vec<(f64, f64, &'static str)> = Vec::new();
        let mut hazards = Vec::new();
        for p in self.pins.values() {
            let (x, y) = self.screen(p.x, p.y);
            if x < -20.0 || y < -20.0 || x > self.view.width + 20.0 || y > self.view.height + 20.0 {
                continue;
            }
            if p.hazard {
                if self.layers.hazards {
                    hazards.push((x, y, p.overdue));
                }
                continue;
            }
            if !self.layers.cases {
                continue;
            }
            if p.overdue {
                halos.push((x, y));
            }
            cases.push((x, y, stage_colour(p.stage)));
        }
        // Stages in a fixed order, so which colour lies on top does not flicker.
        cases.sort_by_key(|c| c.2);
        let big = self.view.scale > 0.5;
        let stamp = |look: PinLook, x: f64, y: f64| {
            if let Some((img, half)) = self.sprite(look) {
                let _ = self.ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    &img,
                    x - half,
                    y - half,
                    half * 2.0,
                    half * 2.0,
                );
            }
        };
        for (x, y) in halos {
            stamp(PinLook::Halo { big }, x, y);
        }
        for (x, y, colour) in cases {
            stamp(PinLook::Case { colour, big }, x, y);
        }
        // Hazards: warning triangles (overdue ones ringed in red).
        for (x, y, overdue) in hazards {
            stamp(PinLook::Hazard { overdue, big }, x, y);
        }
    }

    /// The prepared image of a pin's look (made on first use, at the screen's pixel ratio)
    /// and half its size in CSS pixels.
    pub(super) fn sprite(&self, look: PinLook) -> Option<(HtmlCanvasElement, f64)> {
        if let Some(hit) = self
            .sprites
            .borrow()
            .get(&look)
            .filter(|(_, _, dpr)| *dpr == self.dpr)
        {
            return Some((hit.0.clone(), hit.1));
        }
        let half = look.half();
        let px = (half * 2.0 * self.dpr).ceil() as u32;
        let (canvas, ctx) = offscreen_canvas(px, px)?;
        let _ = ctx.scale(self.dpr, self.dpr);
        look.paint(&ctx, half, half);
        self.sprites
            .borrow_mut()
            .insert(look, (canvas.clone(), half, self.dpr));
        Some((canvas, half))
    }

    /// Is this pin's layer (hazards or cases) shown?
    pub(super) fn pin_visible(&self, p: &Pin) -> bool {
        if p.hazard {
            self.layers.hazards
        } else {
            self.layers.cases
        }
    }

    /// The care layers: a badge with a count at each micro-grid (special-group households
    /// on the left, visits this month on the right). Counts only, never names.
    pub(super) fn draw_care(&self) {
        let Some(care) = &self.care else { return };
        let ctx = &self.ctx;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_font("700 12px system-ui,sans-serif");
        let layers = [
            (
                self.layers.special,
                &care.special_households,
                SPECIAL,
                -22.0,
                "♥",
            ),
            (self.layers.visits, &care.visits, VISITS, 22.0, "✓"),
        ];
        for (on, list, colour, dx, icon) in layers {
            if !on {
                continue;
            }
            for c in list {
                let Some(shape) = self
                    .micro_grids
                    .get(&c.place_id)
                    .or_else(|| self.grids.get(&c.place_id))
                else {
                    continue;
                };
                let (lx, ly) = shape.centre();
                let (x, y) = self.screen(lx, ly);
                let (x, y) = (x + dx, y + 18.0);
                if x < -30.0
                    || y < -30.0
                    || x > self.view.width + 30.0
                    || y > self.view.height + 30.0
                {
                    continue;
                }
                let text = format!("{icon} {}", c.count);
                let w = 16.0 + 7.5 * text.chars().count() as f64;
                ctx.begin_path();
                let _ = ctx.round_rect_with_f64(x - w / 2.0, y - 12.0, w, 24.0, 12.0);
                ctx.set_fill_style_str(colour);
                ctx.fill();
                ctx.set_stroke_style_str("#ffffff");
                ctx.set_line_width(2.0);
                ctx.stroke();
                ctx.set_fill_style_str("#ffffff");
                let _ = ctx.fill_text(&text, x, y + 0.5);
            }
        }
    }

    /// Patrol tracks as lines, a dot where each began (a ring at the end of one under way).
    pub(super) fn draw_tracks(&self) {
        let ctx = &self.ctx;
        ctx.set_line_join("round");
        ctx.set_line_cap("round");
        for t in &self.tracks {
            if t.points.is_empty() {
                continue;
            }
            let pts: Vec<(f64, f64)> = t.points.iter().map(|&(x, y)| self.screen(x, y)).collect();
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            ctx.set_line_width(7.0);
            ctx.stroke();
            ctx.set_stroke_style_str(TRACK);
            ctx.set_line_width(4.0);
            ctx.stroke();
            let (x, y) = pts[0];
            ctx.begin_path();
            let _ = ctx.arc(x, y, 6.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(TRACK);
            ctx.fill();
            // Who walked it, by the start.
            ctx.set_font("600 12px system-ui,sans-serif");
            ctx.set_text_align("left");
            ctx.set_text_baseline("middle");
            ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            ctx.set_line_width(3.0);
            let _ = ctx.stroke_text(&t.worker, x + 9.0, y - 10.0);
            let _ = ctx.fill_text(&t.worker, x + 9.0, y - 10.0);
            if t.live {
                let (x, y) = pts[pts.len() - 1];
                ctx.begin_path();
                let _ = ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU);
                ctx.set_stroke_style_str(TRACK);
                ctx.set_line_width(3.0);
                ctx.stroke();
            }
        }
        ctx.set_line_cap("butt");
    }

    pub fn track_of(&self, p: &shared::map::Patrol, live: bool) -> Track {
        Track {
            id: p.id,
            worker: p.worker_name.clone(),
            points: p.points.iter().map(|t| self.local(t.lon, t.lat)).collect(),
            live,
        }
    }

    /// Show these patrols' tracks (replacing those shown); `live` is one under way.
    pub fn set_tracks(&mut self, patrols: &[shared::map::Patrol], live: Option<i64>) {
        self.tracks = patrols
            .iter()
            .map(|p| self.track_of(p, live == Some(p.id)))
            .collect();
        self.tracks_changed();
    }

    /// Redraw the tracks; the benchmark and tests read the number of points drawn.
    pub fn tracks_changed(&mut self) {
        let pts: usize = self.tracks.iter().map(|t| t.points.len()).sum();
        if let Some(obj) = record_object() {
            let _ = js_sys::Reflect::set(&obj, &"trackPoints".into(), &(pts as f64).into());
        }
        self.invalidate();
    }

    pub(super) fn draw_heat(&self) {
        let Some(h) = &self.heat else { return };
        if h.max == 0 {
            return;
        }
        let ctx = &self.ctx;
        for c in &h.cells {
            let (x0, y0) = self
                .view
                .to_screen(c.lon - h.cell_lon / 2.0, c.lat + h.cell_lat / 2.0);
            let (x1, y1) = self
                .view
                .to_screen(c.lon + h.cell_lon / 2.0, c.lat - h.cell_lat / 2.0);
            let t = c.count as f64 / h.max as f64;
            let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let radius = (x1 - x0).abs().max((y1 - y0).abs()) * 1.1;
            if let Ok(g) = ctx.create_radial_gradient(cx, cy, 0.0, cx, cy, radius) {
                let _ = g.add_color_stop(0.0, &format!("rgba(220,38,38,{:.2})", 0.25 + 0.6 * t));
                let _ = g.add_color_stop(1.0, "rgba(220,38,38,0)");
                ctx.set_fill_style_canvas_gradient(&g);
                ctx.fill_rect(cx - radius, cy - radius, radius * 2.0, radius * 2.0);
            }
        }
    }

    pub(super) fn draw_scale_bar(&self) {
        let ctx = &self.ctx;
        let (m, px) = scale_bar(self.view.metres_per_pixel(), 120.0);
        let (x, y) = (14.0, self.view.height - 16.0);
        ctx.set_fill_style_str("rgba(255,255,255,0.85)");
        ctx.fill_rect(x - 6.0, y - 24.0, px + 12.0, 32.0);
        ctx.set_stroke_style_str("#1b1f1d");
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(x, y - 6.0);
        ctx.line_to(x, y);
        ctx.line_to(x + px, y);
        ctx.line_to(x + px, y - 6.0);
        ctx.stroke();
        ctx.set_fill_style_str("#1b1f1d");
        ctx.set_font("600 12px system-ui,sans-serif");
        ctx.set_text_align("left");
        ctx.set_text_baseline("alphabetic");
        let text = if m >= 1000.0 {
            format!("{} km", m / 1000.0)
        } else {
            format!("{m} m")
        };
        let _ = ctx.fill_text(&text, x + 2.0, y - 9.0);
    }
}
