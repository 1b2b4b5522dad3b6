//! People's mediation (人民调解): the mediation board, opening a file, and one case file (卷宗)
//! with its parties, records, sessions, agreement and history. What a reader sees, and which
//! moves they may make, is exactly what the server's `FileView` says (`access`,
//! `legal_actions`); the rules themselves live in `shared::mediation`.

mod board;
mod file;
mod open;
mod photos;

pub use board::MediationBoardPage;
pub use file::MediationFilePage;

use leptos::prelude::*;
use shared::mediation::MediationStage;

use crate::i18n::use_i18n;

/// A mediation stage as a small coloured label.
#[component]
pub fn MediationStageBadge(stage: MediationStage) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge stage-badge med-stage-{}", stage.as_str());
    view! { <span class=class data-testid="med-stage" data-stage=stage.as_str()>{move || i18n.text(stage.text())}</span> }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_history_entry_has_a_label() {
        for e in shared::mediation::MediationEvent::ALL {
            let t = e.text();
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{e:?}");
            assert_eq!(
                shared::mediation::MediationEvent::parse(e.as_str()),
                Some(e)
            );
        }
    }
}
