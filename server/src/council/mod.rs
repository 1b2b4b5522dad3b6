//! Grid deliberation (网格议事): residents raise, support and vote on agenda items; deliberation
//! days decide them, and decisions become cases that the next meeting reviews.

pub mod live;
pub mod photos;
pub mod routes;
pub mod service;
pub mod store;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    routes::router().merge(photos::router())
}
