//! Places: browsing the hierarchy (street → community → grid → micro-grid → building →
//! household → resident), searching it, looking after residents, and — for administrators —
//! changing the hierarchy itself.

mod browse;
mod edit;
mod people;
mod residents;
mod search;
mod transfer;

pub use browse::{PlacePage, PlacesRootPage};
pub use people::PeoplePage;
pub use residents::ResidentPage;
pub use search::{SearchBox, SearchPage};
pub use transfer::DataPage;
