//! Grid deliberation (网格议事): residents raise, support and vote on agenda items; deliberation
//! days decide them, and decisions become cases that the next meeting reviews.

pub mod routes;
pub mod service;
pub mod store;

pub use routes::router;
