//! Lists the OCI 1.1 referrers of the image's root and of the platform the page shows, once the tree is
//! in: whether SBOMs, statements or Sigstore bundles are attached to them is known only by asking.

use std::collections::HashSet;

use strata_image::artifact::{self, CosignSuffix};
use strata_image::digest::Digest;
use strata_image::reference::Reference;
use yew::prelude::*;

use crate::inspect_state::{Action, InspectState, NodeKey, NodeState};
use crate::local_archive;
use crate::registry_api::Repository;

/// Asks for each manifest's referrers once, after the tree's own documents (its cosign probes, which
/// start only then, have answered), and records them in the state.
#[hook]
pub fn use_referrer_probe(reference: Option<&Reference>, state: &UseReducerHandle<InspectState>) {
    let asked = use_mut_ref(HashSet::<String>::new);
    let repository = reference
        .filter(|reference| !local_archive::is_local(reference.registry()))
        .map(Repository::of);
    let wanted: Vec<String> = match (&repository, tree_in(state)) {
        (Some(_), Some(root)) => [
            Some(root.to_string()),
            state.shown_platform().map(|(digest, _)| digest),
        ]
        .into_iter()
        .flatten()
        .filter(|digest| !state.referrers.contains_key(digest))
        .collect(),
        _ => Vec::new(),
    };
    let dispatcher = state.dispatcher();
    use_effect_with(wanted, move |wanted| {
        let Some(repository) = repository else {
            return;
        };
        for digest in wanted {
            if !asked.borrow_mut().insert(digest.clone()) {
                continue;
            }
            let (repository, dispatcher, digest) =
                (repository.clone(), dispatcher.clone(), digest.clone());
            yew::platform::spawn_local(async move {
                let listed = match Digest::parse(&digest) {
                    Ok(parsed) => repository
                        .referrers(&parsed)
                        .await
                        .map_err(|error| error.message),
                    Err(error) => Err(error.to_string()),
                };
                dispatcher.dispatch(Action::Referrers(digest, listed));
            });
        }
    });
}

/// The root's digest, once it verified and its `.sig` probe answered.
fn tree_in(state: &InspectState) -> Option<Digest> {
    let root = state.root_digest()?;
    let probe = state.node(&NodeKey::CosignTag(artifact::cosign_tag_for(
        &root,
        CosignSuffix::Signature,
    )));
    matches!(probe, Some(state) if *state != NodeState::Pending).then_some(root)
}
