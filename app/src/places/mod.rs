//! Places: browsing the hierarchy (street → community → grid → micro-grid → building →
//! household → resident), searching it, looking after residents, and — for administrators —
//! changing the hierarchy itself.

mod browse;
mod edit;
mod residents;
mod search;

pub use browse::{PlacePage, PlacesRootPage};
pub use residents::ResidentPage;
pub use search::{SearchBox, SearchPage};

use shared::places::{PlaceKind, PlaceView};

/// The grid a place lies in (None above grid level), as the permission rules want it.
pub fn grid_of(place: &PlaceView) -> Option<i64> {
    if place.kind == PlaceKind::Grid {
        return Some(place.id);
    }
    place.path.iter().find(|r| r.kind == PlaceKind::Grid).map(|r| r.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::places::PlaceRef;

    fn place(kind: PlaceKind, id: i64, path: Vec<PlaceRef>) -> PlaceView {
        PlaceView {
            id,
            kind,
            parent_id: path.last().map(|p| p.id),
            code: "X".into(),
            name: "x".into(),
            address: None,
            geometry: None,
            leaders: vec![],
            child_count: 0,
            path,
            version: 1,
        }
    }

    fn r(id: i64, kind: PlaceKind) -> PlaceRef {
        PlaceRef { id, kind, code: "X".into(), name: "x".into() }
    }

    #[test]
    fn grid_is_found_on_the_path_or_is_the_place() {
        assert_eq!(
            grid_of(&place(PlaceKind::Grid, 3, vec![r(1, PlaceKind::Street), r(2, PlaceKind::Community)])),
            Some(3)
        );
        let path = vec![
            r(1, PlaceKind::Street),
            r(2, PlaceKind::Community),
            r(3, PlaceKind::Grid),
            r(4, PlaceKind::MicroGrid),
        ];
        assert_eq!(grid_of(&place(PlaceKind::Building, 5, path)), Some(3));
        assert_eq!(grid_of(&place(PlaceKind::Community, 2, vec![r(1, PlaceKind::Street)])), None);
    }
}
