//! People's mediation (人民调解): a neighbour's request to a followed-up agreement, with joint
//! and back-to-back sessions whose confidentiality the server enforces.

pub mod live;
pub mod pdf;
pub mod photos;
pub mod print;
pub mod routes;
pub mod service;
pub mod store;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    routes::router().merge(photos::router())
}
