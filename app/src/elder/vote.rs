//! 议事投票 in elder mode: on one page, the open ballots one may vote in (the council's own
//! ballot card, vote buttons included) and the items gathering support one may support. From
//! the home page a vote is two taps (three when an anonymous vote asks to confirm).

use leptos::prelude::*;
use shared::council::{BallotState, BallotView, ItemStage, ItemView};

use crate::api::{self, ApiError, ApiResult};
use crate::council::BallotCard;
use crate::i18n::{Key, set_title, use_i18n};
use crate::submit::Submit;
use crate::ui::{ErrorBox, FormError, Loading, Notice};

/// Is there anything in this item for the asking user to do (or that they just did)?
fn concerns_me(item: &ItemView) -> bool {
    let ballot = item
        .ballots
        .iter()
        .any(|b| b.state == BallotState::Open && (b.may_vote || b.i_voted));
    let support =
        item.summary.stage == ItemStage::Gathering && (item.may_support || item.summary.supported);
    ballot || support
}

/// The items with an open ballot or gathering support, in full, that concern the user.
async fn my_items() -> ApiResult<Vec<ItemView>> {
    let page = api::council_items("limit=50").await?;
    let mut out = Vec::new();
    for s in page
        .items
        .into_iter()
        .filter(|s| s.ballot_state == Some(BallotState::Open) || s.stage == ItemStage::Gathering)
    {
        let item = api::council_item(s.id).await?;
        if concerns_me(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

#[component]
pub fn ElderVotePage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t(Key::ElderTileVote), i18n.get()));
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let support = Submit::reporting_to(
        error,
        RwSignal::new(Vec::new()),
        move |(id, on): (i64, bool)| async move {
            api::support_item(id, on).await?;
            if !on {
                notice.set(Some(i18n.t(Key::UndoSupportWithdrawn).to_string()));
            }
            Ok(())
        },
    );
    let items = LocalResource::new(move || {
        support.version().track();
        my_items()
    });
    let reload = Callback::new(move |_| items.refetch());
    let failed = Callback::new(move |e: ApiError| error.set(Some(e)));
    let busy = support.pending();

    let item_view = move |item: ItemView| {
        let id = item.summary.id;
        let supported = item.summary.supported;
        let withdraw_until = item.summary.support_withdraw_until;
        let gathering =
            item.summary.stage == ItemStage::Gathering && (item.may_support || supported);
        let ballots: Vec<BallotView> = item
            .ballots
            .iter()
            .filter(|b| b.state == BallotState::Open)
            .cloned()
            .collect();
        let (count, threshold) = (item.summary.support_count, item.summary.support_threshold);
        view! {
            <section class="card elder-item" data-testid="elder-item" aria-labelledby=format!("elder-item-{id}")>
                <h2 id=format!("elder-item-{id}") data-user-text>{item.summary.title.clone()}</h2>
                {(!item.description.is_empty()).then(|| view! { <p data-user-text>{item.description.clone()}</p> })}
                {gathering.then(|| view! {
                    <p>{move || i18n.fmt(Key::ElderSupportCount, &[("n", &count.to_string()), ("of", &threshold.to_string())])}</p>
                    <button type="button" class="button button-primary button-block switch" data-testid="elder-support"
                        aria-pressed=supported.to_string() disabled=move || busy.get() || supported
                        on:click=move |_| support.dispatch((id, true))>
                        <span class="switch-box" aria-hidden="true"></span>
                        <span>{move || i18n.t(if supported { Key::ElderSupported } else { Key::ElderSupport })}</span>
                    </button>
                    // Taken back only within the undo window (撤回), with the minutes left.
                    {withdraw_until.map(|until| view! {
                        <crate::undo::UndoButton until label=Key::UndoWithdrawSupport testid="elder-support-withdraw"
                            busy on_undo=Callback::new(move |_| support.dispatch((id, false)))/>
                    })}
                })}
                {(!ballots.is_empty()).then(|| view! {
                    <ul class="ballots">
                        {ballots.into_iter().map(|b| view! {
                            <BallotCard ballot=b may_manage=false on_change=Callback::new(move |_| items.refetch())
                                reload notice on_error=failed/>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        }
    };

    view! {
        <div class="page-head"><h1>{move || i18n.t(Key::ElderTileVote)}</h1></div>
        <Notice message=notice/>
        <FormError error testid="elder-vote-error"/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || items.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error retry=Callback::new(move |_| items.refetch())/> }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <p class="card" data-testid="elder-no-votes">{move || i18n.t(Key::ElderNoVotes)}</p>
                }.into_any(),
                Ok(list) => list.into_iter().map(item_view).collect_view().into_any(),
            })}
        </Transition>
        <p><a href="/council?full=1" data-testid="elder-full-council">{move || i18n.t(Key::ElderFullCouncil)}</a></p>
    }
}
