//! The status board: cases in columns by stage, ordered by rank, with header figures and a
//! live stream of changes.

pub mod routes;
pub mod service;

pub use routes::router;
