//! Grid deliberation: items, supports, comments, ballots and votes, meetings. The rules come
//! from `shared::council`; this module applies them inside transactions.

mod accountability;
mod ballots;
mod comments;
mod items;
mod meetings;
mod settings;
mod support;
mod voters;

pub use accountability::*;
pub use ballots::*;
pub use comments::*;
pub use items::*;
pub use meetings::*;
pub use settings::*;
pub use support::*;
pub use voters::*;
