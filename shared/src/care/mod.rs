//! Care for special groups: one-to-one help (一对一帮扶), visits by risk level (入户走访 /
//! 敲门问需), errands run for residents (代理代办), the secretary's mailbox, meal delivery and
//! the volunteers' time bank. Special-group data is sensitive: who may read it is decided here,
//! and every full read is audit-logged by the server.

mod help;
mod mailbox;
mod meals;
mod time_bank;

pub use help::*;
pub use mailbox::*;
pub use meals::*;
pub use time_bank::*;
