//! 代办: acting on a resident's behalf, in their presence (see `shared::proxy`). Each act goes
//! through the area that owns it (cases, council, care) in one transaction with its record
//! here and its audit entry; the resident reads the notice when they next sign in.

pub mod routes;
pub mod service;
pub mod store;

pub use routes::router;
