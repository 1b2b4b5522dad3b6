//! Supervision (督办与预警, issue 19): time acting on the record. The scheduler keeps timed
//! jobs in the database, planned from each case (its deadline, the category's warning and
//! escalation ladder, the office calendar) and run on the services' clock by whichever server
//! process claims them first; a job's effects (in-app notifications, the case's 黄牌/红牌
//! mark) commit with its completion, so a crash neither loses nor repeats them. The rules are
//! `shared::supervision`.

pub mod channels;
pub mod marks;
pub mod notify;
pub mod people;
pub mod reminders;
pub mod routes;
pub mod rules;
pub mod scheduler;
pub mod store;

pub use routes::router;
