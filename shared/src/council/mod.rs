//! Grid deliberation (网格议事): agenda items (议题), their tiers and routes, support, ballots
//! and tallies, deliberation days (议事日).
//!
//! 小事及时议、大事定期议、要事重点议、难事反复议: small matters are decided by the grid leader
//! within a few days, big ones at the next regular deliberation day, important ones in a focused
//! session with the parties concerned, hard ones are carried from meeting to meeting with every
//! round's record kept. This module is the one place that says which move an item may make,
//! who may make it, who may vote, and how a ballot is counted.

mod ballots;
mod days;
mod items;
mod live;
mod photos;
mod routes;
mod stages;
mod support;
#[cfg(test)]
mod tests;
mod voters;

pub use ballots::*;
pub use days::*;
pub use items::*;
pub use live::*;
pub use photos::*;
pub use routes::*;
pub use stages::*;
pub use support::*;
pub use voters::*;
