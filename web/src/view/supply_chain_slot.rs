//! The first-load module's place for an image's supply chain: the module with every page reads the SBOMs
//! and provenance and renders them in it (`hand_over::show_supply_chain`), while this page stays. A hook of
//! the inspect page rather than a component of its own: the first load pays for every component.

use strata_image::reference::Reference;
use yew::prelude::*;

use crate::inspect_state::InspectState;

/// The place, once the root verified and the image has attestations or SBOMs; the section is asked for
/// whenever what it should read changes.
#[hook]
pub fn use_supply_chain_slot(reference: Option<&Reference>, state: &InspectState) -> Html {
    let slot = use_node_ref();
    let failure = use_state(|| None::<String>);
    let wanted = reference
        .zip(state.supply_chain_sources())
        .map(|(reference, sources)| {
            (
                reference.registry().to_owned(),
                reference.repository().to_owned(),
                state.chosen_platform.clone(),
                sources,
            )
        });
    {
        let (slot, failure) = (slot.clone(), failure.clone());
        use_effect_with(wanted.clone(), move |wanted| {
            let (Some((registry, repository, platform, sources)), Some(element)) =
                (wanted.clone(), slot.cast::<web_sys::Element>())
            else {
                return;
            };
            yew::platform::spawn_local(async move {
                let shown = crate::hand_over::show_supply_chain(
                    element,
                    [
                        Some(registry),
                        Some(repository),
                        Some(sources.root),
                        platform,
                        sources.cosign_attestation,
                        sources.cosign_sbom,
                        Some(sources.referred.join(" ")),
                    ],
                )
                .await;
                failure.set(shown.err());
            });
        });
    }
    if wanted.is_none() {
        return Html::default();
    }
    html! {
        <>
            <div class="supply-chain-slot" ref={slot}></div>
            if let Some(message) = &*failure {
                <p class="error" role="alert">{"Strata could not load the code that reads SBOMs and provenance: "}{message.clone()}</p>
            }
        </>
    }
}
