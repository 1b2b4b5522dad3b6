//! Statistics (统计分析): the dashboard's figures counted from the records, for the office
//! over the community and for grid workers over their grids. What each figure means is
//! `shared::stats`.

pub mod export;
pub mod records;
pub mod report;
pub mod routes;
pub mod service;
pub mod sheet;

pub use routes::router;
