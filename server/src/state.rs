//! What every handler gets: the database, the configuration, the built app and the live
//! boards' buses. Areas import it from here; `lib.rs` only wires the routers.

use crate::config::Config;
use crate::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub site: Arc<crate::site::Site>,
    /// Committed changes, for live boards.
    pub live: Arc<crate::cases::live::Live>,
    /// Committed changes of mediation files, for the mediation board.
    pub mediation_live: Arc<crate::mediation::live::Live>,
    /// Committed changes to council agenda items, for the live council board.
    pub council_live: Arc<crate::council::live::CouncilLive>,
    /// Set when the server stops: long-lived streams end so shutdown can finish.
    pub shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}
