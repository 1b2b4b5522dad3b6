//! Places: the grid hierarchy from street to household, and the residents registry.

pub mod residents;
pub mod roster;
pub mod routes;
pub mod service;
pub mod store;
pub mod transfer;

pub use routes::router;
