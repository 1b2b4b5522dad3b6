//! Assessment (考核): monthly scores and ranks of grid workers, responsible parties and grids,
//! counted from the record by the dashboard's own counting, and the rules the admins set.
//! What each indicator means and how a score is made is `shared::assessment`.

pub mod routes;
pub mod service;
pub mod store;

pub use routes::router;
