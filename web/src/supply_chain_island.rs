//! The supply-chain section inside a page the first-load module renders: that module keeps an element
//! for it and asks this one (`show_supply_chain`, through `www/boot.js`) to read the image's root again
//! by its digest, find the shown platform's attestations and render them there with cosign's, without
//! taking the page over.

use std::cell::RefCell;

use strata_image::digest::Digest;
use strata_image::manifest::Document;
use wasm_bindgen::prelude::wasm_bindgen;
use yew::AppHandle;
use yew::prelude::*;

use crate::inspect_state::{SupplyChainSources, platform_attestations};
use crate::registry_api::Repository;
use crate::view::supply_chain_view::{SupplyChainProps, SupplyChainSection};

thread_local! {
    /// The section shown, removed when another takes its place or the app takes the page over.
    static SHOWN: RefCell<Option<Shown>> = const { RefCell::new(None) };
}

/// A section shown: the element it is in, and its app.
type Shown = (web_sys::Element, AppHandle<SupplyChainOfRoot>);

/// Shows, in `element`, the supply chain of the image whose root document is `root` in
/// `registry`/`repository`: the attestations of the platform `platform` picks (the page's default when
/// `None`), cosign's `.att` and `.sbom` manifests by the digests the tree verified them as, and the OCI
/// 1.1 referrers of the manifests `referred` names (digests separated by spaces).
#[wasm_bindgen]
// Called from JavaScript (`www/load-all-pages.js`) with the slot's values one by one, as plain strings.
#[allow(clippy::too_many_arguments)]
pub fn show_supply_chain(
    element: web_sys::Element,
    registry: String,
    repository: String,
    root: String,
    platform: Option<String>,
    cosign_attestation: Option<String>,
    cosign_sbom: Option<String>,
    referred: Option<String>,
) {
    let props = RootProps {
        repository: Repository {
            registry,
            repository,
        },
        root,
        platform,
        cosign_attestation,
        cosign_sbom,
        referred: referred
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    };
    // A section already shown takes the new sources: destroying it and mounting another in its place
    // could leave both, when the first had not rendered yet.
    let shown = match SHOWN.with(|slot| slot.borrow_mut().take()) {
        Some((host, mut app)) if host == element => {
            app.update(props);
            (host, app)
        }
        earlier => {
            remove_shown(earlier);
            let app =
                yew::Renderer::<SupplyChainOfRoot>::with_root_and_props(element.clone(), props)
                    .render();
            (element, app)
        }
    };
    SHOWN.with(|slot| *slot.borrow_mut() = Some(shown));
}

/// Removes the section shown, if any.
pub fn remove() {
    remove_shown(SHOWN.with(|slot| slot.borrow_mut().take()));
}

fn remove_shown(shown: Option<Shown>) {
    if let Some((_, app)) = shown {
        app.destroy();
    }
}

#[derive(Properties, PartialEq, Clone)]
struct RootProps {
    repository: Repository,
    root: String,
    platform: Option<String>,
    cosign_attestation: Option<String>,
    cosign_sbom: Option<String>,
    referred: Vec<String>,
}

/// The root read again (from the browser's cache, hashed again), then the section for its platform.
#[component]
fn SupplyChainOfRoot(props: &RootProps) -> Html {
    let found = use_state(|| None::<Result<SupplyChainProps, String>>);
    let latest = use_mut_ref(|| None::<RootProps>);
    {
        let found = found.clone();
        use_effect_with(props.clone(), move |props| {
            let props = props.clone();
            *latest.borrow_mut() = Some(props.clone());
            yew::platform::spawn_local(async move {
                let section = section_of(&props).await;
                // An earlier read that ends after a later one must not replace what it shows.
                if latest.borrow().as_ref() == Some(&props) {
                    found.set(Some(section));
                }
            });
        });
    }
    match &*found {
        None => Html::default(),
        Some(Ok(section)) => html! { <SupplyChainSection ..section.clone() /> },
        Some(Err(message)) => html! {
            <p class="error" role="alert">{"The image's attestations could not be read: "}{message.clone()}</p>
        },
    }
}

async fn section_of(props: &RootProps) -> Result<SupplyChainProps, String> {
    let repository = &props.repository;
    let digest = Digest::parse(&props.root).map_err(|error| error.to_string())?;
    let read = repository.manifest_by_digest(&digest, None).await?;
    let attested = match &read.document {
        Document::Index(index) => platform_attestations(index, props.platform.as_deref()),
        _ => None,
    };
    Ok(SupplyChainProps {
        repository: repository.clone(),
        sources: SupplyChainSources {
            root: props.root.clone(),
            attested,
            cosign_attestation: props.cosign_attestation.clone(),
            cosign_sbom: props.cosign_sbom.clone(),
            referred: props.referred.clone(),
        },
    })
}
