//! The base image: areas, buildings and outlines drawn once with one transform into an image a
//! margin larger than the view, moved and stretched while the view pans and zooms.

use super::*;

/// The land outside every shape.
pub(super) const BACKGROUND: &str = "#eef0e8";

/// A canvas of our own, not in the page, of `width` × `height` pixels.
pub(super) fn offscreen_canvas(
    width: u32,
    height: u32,
) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, ctx))
}

/// How far the base image reaches past each side of the view, as a share of the view's size.
pub(super) const BASE_MARGIN: f64 = 0.25;

/// The base drawn into an image of its own, for one view, pixel ratio and content version.
pub(super) struct BaseImage {
    pub(super) canvas: HtmlCanvasElement,
    pub(super) ctx: CanvasRenderingContext2d,
    /// The view it was drawn for (the screen's view widened by the margin).
    pub(super) view: View,
    pub(super) dpr: f64,
    pub(super) version: u64,
    /// The screen's size (CSS pixels) at the time.
    pub(super) for_size: (f64, f64),
}

impl BaseImage {
    pub(super) fn new() -> Option<BaseImage> {
        let (canvas, ctx) = offscreen_canvas(0, 0)?;
        Some(BaseImage {
            canvas,
            ctx,
            view: View {
                cx: 0.0,
                cy: 0.0,
                scale: 1.0,
                width: 0.0,
                height: 0.0,
            },
            dpr: 0.0,
            version: u64::MAX,
            for_size: (0.0, 0.0),
        })
    }

    /// Paint the recorded drawing into pixels now (copying one pixel makes the canvas do it),
    /// so the cost falls here and not in the frame that first shows it.
    pub(super) fn paint_through(&self) {
        thread_local! {
            static SCRATCH: Option<CanvasRenderingContext2d> =
                offscreen_canvas(1, 1).map(|(_, ctx)| ctx);
        }
        SCRATCH.with(|ctx| {
            if let Some(ctx) = ctx {
                let _ = ctx
                    .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                        &self.canvas,
                        0.0,
                        0.0,
                        1.0,
                        1.0,
                        0.0,
                        0.0,
                        1.0,
                        1.0,
                    );
            }
        });
    }

    /// Where to draw the image for the view `v` — left, top, stretch and whether it covers
    /// the whole view — when it is of the current content and still good enough: panning
    /// needs the whole view covered; a zoom under way may stretch it up to four times either
    /// way and leave the edges bare for the moment, as it is drawn sharp once the zoom rests.
    pub(super) fn placement(
        &self,
        v: &View,
        dpr: f64,
        version: u64,
    ) -> Option<(f64, f64, f64, bool)> {
        if self.version != version || self.dpr != dpr || self.for_size != (v.width, v.height) {
            return None;
        }
        let k = v.scale / self.view.scale;
        let zooming = (k - 1.0).abs() > 1e-9;
        if !(0.25..=4.0).contains(&k) {
            return None;
        }
        let ox = v.width / 2.0 - k * self.view.width / 2.0 + (self.view.cx - v.cx) * v.scale;
        let oy = v.height / 2.0 - k * self.view.height / 2.0 - (self.view.cy - v.cy) * v.scale;
        let covers = ox <= 0.5
            && oy <= 0.5
            && ox + self.view.width * k >= v.width - 0.5
            && oy + self.view.height * k >= v.height - 0.5;
        (covers || zooming).then_some((ox, oy, k, covers))
    }
}

impl Engine {
    /// Draw the base — background, tiles, grid fills, buildings, outlines and the
    /// selection — for `self.view` onto `self.ctx` (the base image's, see `render_base`).
    pub(super) fn draw_base(&mut self) {
        let ctx = &self.ctx;
        let v = self.view;
        let dpr = self.dpr;
        let s = v.scale;
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.set_fill_style_str(BACKGROUND);
        ctx.fill_rect(0.0, 0.0, v.width, v.height);
        if self.layers.tiles && self.tile_layer.is_some() {
            self.draw_tiles();
        }
        let ctx = &self.ctx;
        // Paths are in local metres: one transform maps them to the screen.
        let tx = v.width / 2.0 + (self.origin.0 - v.cx) * s;
        let ty = v.height / 2.0 - (self.origin.1 - v.cy) * s;
        let _ = ctx.set_transform(s * dpr, 0.0, 0.0, s * dpr, tx * dpr, ty * dpr);
        ctx.set_line_join("round");

        if self.layers.grids {
            let max = self
                .figures
                .values()
                .map(|f| self.figure(f))
                .max()
                .unwrap_or(0);
            for (i, g) in self.grids.values().enumerate() {
                let Some(p) = &g.path else { continue };
                if !self.visible(g.bounds) {
                    continue;
                }
                let fill = match self.choropleth {
                    Choropleth::Off => GRID_FILLS[i % GRID_FILLS.len()].to_string(),
                    _ => match self.figures.get(&g.id) {
                        Some(f) => ramp(self.figure(f), max),
                        None => "rgba(200,200,200,0.35)".to_string(),
                    },
                };
                ctx.set_fill_style_str(&fill);
                ctx.fill_with_path_2d(p);
            }
        }
        if self.layers.buildings && s > 0.05 {
            ctx.set_fill_style_str("#c9c2b3");
            ctx.set_stroke_style_str("#8a8173");
            ctx.set_line_width(1.0 / s);
            for b in self
                .building_batches
                .iter()
                .filter(|b| self.visible(b.bounds))
            {
                ctx.fill_with_path_2d(&b.path);
                if s > 1.0 {
                    ctx.stroke_with_path(&b.path);
                }
            }
        }
        if self.layers.micro_grids && s > 0.08 {
            ctx.set_stroke_style_str("#3f7f6f");
            ctx.set_line_width(1.25 / s);
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&(6.0 / s).into(), &(4.0 / s).into()));
            for m in self.micro_grids.values() {
                if let Some(p) = &m.path {
                    if self.visible(m.bounds) {
                        ctx.stroke_with_path(p);
                    }
                }
            }
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
        if self.layers.grids {
            ctx.set_stroke_style_str("#0f5d4e");
            ctx.set_line_width(2.5 / s);
            for g in self.grids.values() {
                if let Some(p) = &g.path {
                    if self.visible(g.bounds) {
                        ctx.stroke_with_path(p);
                    }
                }
            }
        }
        // The selection and refused places on top.
        for (id, colour, width) in self
            .selected
            .iter()
            .map(|id| (*id, "#0b57d0", 4.0))
            .chain(self.trouble.iter().map(|id| (*id, OVERDUE, 4.0)))
        {
            let shape = self.grids.get(&id).or_else(|| self.micro_grids.get(&id));
            if let Some(p) = shape.and_then(|s| s.path.as_ref()) {
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(width / s);
                ctx.stroke_with_path(p);
            } else if let Some(b) = self.buildings.get(&id) {
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(width / s);
                ctx.stroke_rect(
                    b.bounds.0,
                    b.bounds.1,
                    b.bounds.2 - b.bounds.0,
                    b.bounds.3 - b.bounds.1,
                );
            }
        }
    }

    /// Draw the base anew for the view and a margin around it, into `base` (or a new image),
    /// and paint it through at once (a canvas is painted when first copied from).
    pub(super) fn render_into(&mut self, base: Option<BaseImage>) -> Option<BaseImage> {
        let v = self.view;
        let bv = View {
            width: (v.width * (1.0 + 2.0 * BASE_MARGIN)).round(),
            height: (v.height * (1.0 + 2.0 * BASE_MARGIN)).round(),
            ..v
        };
        let base = base.or_else(BaseImage::new)?;
        let (w, h) = (
            (bv.width * self.dpr).round() as u32,
            (bv.height * self.dpr).round() as u32,
        );
        if base.canvas.width() != w || base.canvas.height() != h {
            base.canvas.set_width(w);
            base.canvas.set_height(h);
        }
        let started = now_ms();
        let screen_ctx = std::mem::replace(&mut self.ctx, base.ctx.clone());
        let screen_view = std::mem::replace(&mut self.view, bv);
        self.draw_base();
        self.ctx = screen_ctx;
        self.view = screen_view;
        base.paint_through();
        record_base(now_ms() - started);
        Some(BaseImage {
            view: bv,
            dpr: self.dpr,
            version: self.content_version,
            for_size: (v.width, v.height),
            ..base
        })
    }

    /// The base for the view now, drawn in this frame (something drawn changed).
    pub(super) fn render_base(&mut self) {
        let old = self.base.take();
        self.base = self.render_into(old);
    }

    /// The base for the view now, drawn in a task of its own between frames while the old
    /// one is still shown: frames keep only moving an image.
    pub(super) fn prepare_base_soon(&mut self) {
        if self.preparing {
            return;
        }
        self.preparing = true;
        leptos::prelude::set_timeout(
            || {
                with(|e| {
                    e.preparing = false;
                    let still_good = e
                        .base
                        .as_ref()
                        .is_some_and(|b| b.version == e.content_version);
                    if still_good {
                        // A fresh image: the one on screen stays whole until the swap.
                        if let Some(fresh) = e.render_into(None) {
                            e.base = Some(fresh);
                            e.moved();
                        }
                    }
                });
            },
            std::time::Duration::from_millis(0),
        );
    }

    /// After a zoom comes to rest, draw the base sharp at the new scale.
    pub(super) fn sharpen_soon(&mut self) {
        self.zoom_generation += 1;
        let mine = self.zoom_generation;
        leptos::prelude::set_timeout(
            move || {
                with(|e| {
                    if e.zoom_generation == mine {
                        e.prepare_base_soon();
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
    }
}
