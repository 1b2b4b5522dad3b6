//! Case rules and transactions: filing a report, the lifecycle moves with their effects
//! (deadlines from the SLA table and the working calendar, rework, postponement), the
//! append-only history, and who may see which case.

mod catalog;
mod lifecycle;
mod notifications;
mod query;
mod requests;
mod timing;

pub use catalog::*;
pub use lifecycle::*;
pub use notifications::*;
pub use query::*;
pub use requests::*;
pub use timing::*;
