//! The audit log: every change and every read of sensitive data, with who, when and from
//! where. Records are written in the same transaction as the change they describe
//! (`recorder`, which every area calls); the office reads them through `routes`.

mod recorder;
pub mod routes;
pub mod store;

pub use recorder::{Record, record, record_now};
pub use routes::router;
pub use store::entry;
