//! Cases: every problem raised, from report to verified closure (GB/T 30428 lifecycle).

pub mod live;
pub mod photos;
pub mod routes;
pub mod service;
pub mod store;

pub use routes::router;
