//! The supply-chain section inside a page the first-load module renders: that module keeps an element
//! for it and asks this one (`show_supply_chain`, through `www/boot.js`) to read the image's root again
//! by its digest, find the platform's attestations and render them there, without taking the page over.

use std::cell::RefCell;

use strata_image::digest::Digest;
use strata_image::manifest::{self, Document};
use strata_image::verification::Verification;
use wasm_bindgen::prelude::wasm_bindgen;
use yew::AppHandle;
use yew::prelude::*;

use crate::inspect_state::platform_attestations;
use crate::registry_api::Repository;
use crate::view::supply_chain_view::{SupplyChainProps, SupplyChainSection};

thread_local! {
    /// The section shown, removed when another takes its place or the app takes the page over.
    static SHOWN: RefCell<Option<AppHandle<SupplyChainOfRoot>>> = const { RefCell::new(None) };
}

/// Shows, in `element`, the supply chain of the platform `platform` picks (the page's default when
/// `None`) of the image whose root document is `root` in `registry`/`repository`.
#[wasm_bindgen]
pub fn show_supply_chain(
    element: web_sys::Element,
    registry: String,
    repository: String,
    root: String,
    platform: Option<String>,
) {
    remove();
    let props = RootProps {
        repository: Repository {
            registry,
            repository,
        },
        root,
        platform,
    };
    let shown = yew::Renderer::<SupplyChainOfRoot>::with_root_and_props(element, props).render();
    SHOWN.with(|slot| *slot.borrow_mut() = Some(shown));
}

/// Removes the section shown, if any.
pub fn remove() {
    if let Some(shown) = SHOWN.with(|slot| slot.borrow_mut().take()) {
        shown.destroy();
    }
}

#[derive(Properties, PartialEq)]
struct RootProps {
    repository: Repository,
    root: String,
    platform: Option<String>,
}

/// The root read again (from the browser's cache, hashed again), then the section for its platform.
#[component]
fn SupplyChainOfRoot(props: &RootProps) -> Html {
    let found = use_state(|| None::<Result<Option<SupplyChainProps>, String>>);
    {
        let found = found.clone();
        let repository = props.repository.clone();
        use_effect_with(
            (props.root.clone(), props.platform.clone()),
            move |(root, platform)| {
                let (root, platform) = (root.clone(), platform.clone());
                yew::platform::spawn_local(async move {
                    found.set(Some(
                        section_of(&repository, &root, platform.as_deref()).await,
                    ));
                });
            },
        );
    }
    match &*found {
        None => Html::default(),
        Some(Ok(None)) => Html::default(),
        Some(Ok(Some(section))) => html! { <SupplyChainSection ..section.clone() /> },
        Some(Err(message)) => html! {
            <p class="error" role="alert">{"The image's attestations could not be read: "}{message.clone()}</p>
        },
    }
}

async fn section_of(
    repository: &Repository,
    root: &str,
    platform: Option<&str>,
) -> Result<Option<SupplyChainProps>, String> {
    let digest = Digest::parse(root).map_err(|error| error.to_string())?;
    let fetched = repository
        .manifest(root)
        .await
        .map_err(|error| error.message)?;
    if !matches!(
        fetched.checked_against(&digest, None),
        Verification::Verified { .. }
    ) {
        return Err(format!("the image's index no longer hashes to {root}"));
    }
    let read = manifest::read_document(&fetched.bytes, fetched.content_type.as_deref())
        .map_err(|error| error.to_string())?;
    let Document::Index(index) = &read.document else {
        return Ok(None);
    };
    Ok(
        platform_attestations(index, platform).map(|(subject, platform, attestations)| {
            SupplyChainProps {
                repository: repository.clone(),
                subject,
                platform,
                attestations,
            }
        }),
    )
}
