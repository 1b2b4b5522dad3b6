//! People's mediation (人民调解), after the PRC People's Mediation Law: intake by a party's
//! application or on the committee's initiative, each party's consent (Art. 17), mediators
//! (Art. 19) and invited participants (Art. 20), site checks, joint (面对面) and back-to-back
//! (背靠背) sessions, the agreement (调解协议书, Art. 28–29) and its performance, failure with the
//! other routes named (Art. 26), judicial confirmation within 30 days (Art. 33).
//!
//! This module says which move a file may make, who may make it, and — the heart of it — who
//! may read which part of a session record.

mod events;
mod records;
mod sessions;
mod stages;
#[cfg(test)]
mod tests;
mod views;

pub use events::*;
pub use records::*;
pub use sessions::*;
pub use stages::*;
pub use views::*;
