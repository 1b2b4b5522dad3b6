//! The map's vocabulary: layers, bounding boxes from query strings, and what a point lies in.

use crate::places::PlaceRef;
use serde::{Deserialize, Serialize};

/// Layers the map can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Communities,
    Grids,
    MicroGrids,
    Buildings,
    /// Open cases with a location (pins), visible to the asking user.
    Cases,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::Communities,
        Layer::Grids,
        Layer::MicroGrids,
        Layer::Buildings,
        Layer::Cases,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Communities => "communities",
            Layer::Grids => "grids",
            Layer::MicroGrids => "micro_grids",
            Layer::Buildings => "buildings",
            Layer::Cases => "cases",
        }
    }

    /// `grids,cases` → layers; unknown names are an error, empty means none.
    pub fn parse_list(s: &str) -> Result<Vec<Layer>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                Layer::ALL
                    .into_iter()
                    .find(|l| l.as_str() == p)
                    .ok_or_else(|| p.to_string())
            })
            .collect()
    }
}

/// `minLon,minLat,maxLon,maxLat` as a box; refused when not four finite numbers in order.
pub fn parse_bbox(s: &str) -> Option<crate::geo::BBox> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
        return None;
    };
    let ok = [min_lon, min_lat, max_lon, max_lat]
        .iter()
        .all(|x| x.is_finite())
        && min_lon <= max_lon
        && min_lat <= max_lat
        && (-180.0..=180.0).contains(&min_lon)
        && (-180.0..=180.0).contains(&max_lon)
        && (-90.0..=90.0).contains(&min_lat)
        && (-90.0..=90.0).contains(&max_lat);
    ok.then_some(crate::geo::BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    })
}

/// Where a point lies: the grid and micro-grid whose shapes contain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    pub grid: PlaceRef,
    pub micro_grid: Option<PlaceRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_boxes_parse_strictly() {
        assert_eq!(
            Layer::parse_list("grids, cases"),
            Ok(vec![Layer::Grids, Layer::Cases])
        );
        assert_eq!(Layer::parse_list(""), Ok(vec![]));
        assert_eq!(Layer::parse_list("grids,roads"), Err("roads".to_string()));
        assert!(parse_bbox("121.44,31.21,121.47,31.24").is_some());
        assert!(
            parse_bbox("121.47,31.21,121.44,31.24").is_none(),
            "min after max"
        );
        assert!(parse_bbox("121.44,31.21,121.47").is_none());
        assert!(parse_bbox("121.44,31.21,NaN,31.24").is_none());
        assert!(parse_bbox("0,0,200,1").is_none());
    }
}
