//! Care for special groups: one-to-one helpers, visits by risk level, errands.

pub mod mailbox;
pub mod meals;
pub mod routes;
pub mod service;
pub mod store;
pub mod volunteers;

pub use routes::router;
