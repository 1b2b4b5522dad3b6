//! Grid deliberation: items, supports, comments, ballots and votes, meetings. The rules come
//! from `shared::council`; this module applies them inside transactions.

mod accountability;
mod agenda;
mod ballots;
mod comments;
mod items;
mod meetings;
mod records;
mod settings;
mod support;
mod views;
mod voters;

pub use accountability::*;
pub use ballots::*;
pub use comments::*;
pub use items::*;
pub use meetings::*;
pub(crate) use records::*;
pub use settings::*;
pub use support::*;
pub use views::*;
pub use voters::*;
