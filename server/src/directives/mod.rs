//! 督办 (directives): the office tells someone to get a case done by a day, and follows it to
//! acceptance. The lifecycle and who may take each step are `shared::directives`.

pub mod routes;
pub mod service;
pub mod store;

pub use routes::router;
