//! The start page: what Strata is, and the demo images that work with no network.

use serde::Deserialize;
use strata_image::reference::Reference;
use strata_image::registry_host;
use yew::prelude::*;

use crate::route::{compare_href, inspect_href};

/// The demo index whose two platforms share a layer.
const SHARED_LAYERS: &str = "demo.invalid/strata/shared-layers:1.0";

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct DemoImage {
    reference: String,
    description: String,
    /// A link pinned with a tag and a digest: when it was pinned (RFC 3339).
    #[serde(default)]
    pinned: Option<String>,
    /// For an image cosign signed: the demo's public key, as `?key=` carries it.
    #[serde(default)]
    key: Option<String>,
}

impl DemoImage {
    /// Opens the image; a pinned link says when it was pinned, as Strata's pinned links do.
    fn href(&self) -> String {
        let href = inspect_href(&self.reference, None);
        match &self.pinned {
            // A colon needs no escaping in a query; the time stays readable.
            Some(pinned) => format!(
                "{href}?pinned={}",
                String::from(js_sys::encode_uri_component(pinned)).replace("%3A", ":")
            ),
            None => href,
        }
    }
}

/// The landing page.
#[component]
pub fn Landing() -> Html {
    let demos = use_state(|| None::<Result<Vec<DemoImage>, String>>);
    {
        let demos = demos.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let result = match gloo_net::http::Request::get("/demo.json").send().await {
                    Ok(response) => response
                        .json::<Vec<DemoImage>>()
                        .await
                        .map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                };
                demos.set(Some(result));
            });
        });
    }
    let lessons = match &*demos {
        Some(Ok(images)) => lessons(images),
        _ => lessons(&[]),
    };
    let demo_list = match &*demos {
        None => html! { <p class="muted">{"Loading the demo images…"}</p> },
        Some(Err(error)) => html! {
            <p class="error" role="alert">{format!("The demo images could not be listed: {error}")}</p>
        },
        Some(Ok(images)) => html! {
            <ul class="demos">
                { for images.iter().map(|image| html! {
                    <li>
                        <a class="demo-link" href={image.href()}>{&image.reference}</a>
                        <span class="muted">{format!(" — {}", image.description)}</span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="landing">
            <h1>{"Look inside container images"}</h1>
            <p>
                {"Type an image reference above, as you would give it to "}<code>{"docker pull"}</code>
                {". Strata fetches the index, every platform's manifest and config through its proxy, and \
                  hashes every byte in your browser: a green "}<span class="badge verified">{"verified"}</span>
                {" means the bytes match the digest they were asked for, checked here, not by a server."}
            </p>
            <p class="open-local-entry">
                <a href="/open" id="open-local-link">{"Open an image archive from your disk"}</a>
                {": a docker save tarball or an OCI layout, read in this tab and never uploaded."}
            </p>
            {lessons}
            <h2>{"Demo images"}</h2>
            <p class="muted">{"Built into the proxy: they work with no network at all."}</p>
            {demo_list}
        </section>
    }
}

/// Where a teacher starts: the tour, the concepts, and comparisons of the demo lessons.
fn lessons(images: &[DemoImage]) -> Html {
    let moved = images
        .iter()
        .find(|image| image.pinned.is_some())
        .and_then(|image| {
            let pinned = Reference::parse(&image.reference).ok()?;
            let tagged = format!("{}:{}", pinned.name(), pinned.tag()?);
            Some(compare_href(&image.reference, None, &tagged, None))
        });
    let shared = images
        .iter()
        .any(|image| image.reference == SHARED_LAYERS)
        .then(|| {
            compare_href(
                SHARED_LAYERS,
                Some("linux/amd64"),
                SHARED_LAYERS,
                Some("linux/arm64/v8"),
            )
        });
    // The demo has one cosign key; its signed image's entry gives it.
    let signed = format!(
        "{}/{}",
        registry_host::DEMO_REGISTRY,
        registry_host::DEMO_SIGNED
    );
    let key = images
        .iter()
        .find(|image| image.reference == signed)
        .and_then(|image| image.key.clone());
    let with_key = |image: &str| {
        let key = key.as_ref()?;
        let reference = format!("{}/{image}", registry_host::DEMO_REGISTRY);
        Some(format!(
            "{}?{}={key}",
            inspect_href(&reference, None),
            crate::signature_check::KEY_PARAM
        ))
    };
    let (checked, copied) = (
        with_key(registry_host::DEMO_SIGNED),
        with_key(registry_host::DEMO_COPIED_SIGNATURE),
    );
    html! {
        <>
            <h2>{"Learn"}</h2>
            <ul class="lessons">
                <li><a href="/tour">{"The guided tour"}</a>{": what happens, request by request, when you run docker pull."}</li>
                <li><a href="/concepts">{"Concepts"}</a>{": images and containers, tags and digests, platforms, attestations, layers."}</li>
                if let Some(href) = shared {
                    <li><a class="lesson-compare" {href}>{"Two platforms side by side"}</a>{": the layer they share and the ones they don't."}</li>
                }
                if let Some(href) = moved {
                    <li><a class="lesson-compare" {href}>{"A tag that moved"}</a>{": the build a pinned link names, next to the one the tag names now."}</li>
                }
                if let Some(href) = checked {
                    <li><a class="lesson-signature" {href}>{"A signed image, checked with its key"}</a>{": cosign's signature verified in your browser, with the demo's public key in the link."}</li>
                }
                if let Some(href) = copied {
                    <li><a class="lesson-signature" {href}>{"A signature made for another image"}</a>{": valid, by the same key, and still not this image's."}</li>
                }
            </ul>
        </>
    }
}
