//! Editing an area: the polygon being edited, a new area being sketched, and finding the vertex
//! or edge under the pointer.

use super::*;

/// A polygon being edited: its outer ring in longitude/latitude (closing point left off).
#[derive(Clone, Debug, PartialEq)]
pub struct Editing {
    pub place_id: i64,
    pub ring: Vec<(f64, f64)>,
    pub dragging: Option<usize>,
    pub selected: Option<usize>,
    /// Drawing a cutting line: the points clicked so far (longitude/latitude).
    pub cut: Option<Vec<(f64, f64)>>,
}

pub(super) fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    (a.0 + t * dx - p.0).hypot(a.1 + t * dy - p.1)
}

impl Engine {
    pub(super) fn draw_sketch(&self, corners: &[(f64, f64)]) {
        let ctx = &self.ctx;
        let pts: Vec<(f64, f64)> = corners
            .iter()
            .map(|&(lon, lat)| self.view.to_screen(lon, lat))
            .collect();
        if pts.len() >= 2 {
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            if pts.len() >= 3 {
                ctx.close_path();
                ctx.set_fill_style_str("rgba(11,87,208,0.12)");
                ctx.fill();
            }
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
        for &(x, y) in &pts {
            ctx.begin_path();
            let _ = ctx.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str("#ffffff");
            ctx.fill();
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
    }

    pub(super) fn draw_editing(&self, e: &Editing) {
        let ctx = &self.ctx;
        ctx.begin_path();
        for (i, &(lon, lat)) in e.ring.iter().enumerate() {
            let (x, y) = self.view.to_screen(lon, lat);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.close_path();
        ctx.set_fill_style_str("rgba(11,87,208,0.12)");
        ctx.fill();
        ctx.set_stroke_style_str("#0b57d0");
        ctx.set_line_width(3.0);
        ctx.stroke();
        if let Some(cut) = &e.cut {
            let pts: Vec<(f64, f64)> = cut
                .iter()
                .map(|&(lon, lat)| self.view.to_screen(lon, lat))
                .collect();
            ctx.set_stroke_style_str(OVERDUE);
            ctx.set_line_width(3.0);
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&8.0.into(), &6.0.into()));
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            for &(x, y) in &pts {
                ctx.begin_path();
                let _ = ctx.arc(x, y, 6.0, 0.0, std::f64::consts::TAU);
                ctx.set_fill_style_str(OVERDUE);
                ctx.fill();
            }
        }
        for (i, &(lon, lat)) in e.ring.iter().enumerate() {
            let (x, y) = self.view.to_screen(lon, lat);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(if e.selected == Some(i) {
                "#0b57d0"
            } else {
                "#ffffff"
            });
            ctx.fill();
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
    }

    // ---- editing ----

    /// The vertex of the edited ring under a screen point.
    pub fn vertex_at(&self, px: f64, py: f64) -> Option<usize> {
        let e = self.editing.as_ref()?;
        e.ring
            .iter()
            .enumerate()
            .map(|(i, &(lon, lat))| {
                let (x, y) = self.view.to_screen(lon, lat);
                (i, (x - px).hypot(y - py))
            })
            .filter(|(_, d)| *d <= 18.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The edge of the edited ring nearest a screen point (within 14 px): its first vertex.
    pub fn edge_at(&self, px: f64, py: f64) -> Option<usize> {
        let e = self.editing.as_ref()?;
        let n = e.ring.len();
        (0..n)
            .map(|i| {
                let a = self.view.to_screen(e.ring[i].0, e.ring[i].1);
                let b = self
                    .view
                    .to_screen(e.ring[(i + 1) % n].0, e.ring[(i + 1) % n].1);
                (i, segment_distance(a, b, (px, py)))
            })
            .filter(|(_, d)| *d <= 14.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}
