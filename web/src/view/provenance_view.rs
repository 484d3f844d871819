//! How an image was built, as its SLSA provenance says: the builder (`data-provenance-builder`), the
//! source repository and commit (`data-provenance-source="<repository>@<commit>"`), the build type,
//! arguments and platform, the inputs (an image input linked to its page by digest) and the Dockerfile
//! when BuildKit recorded it.

use strata_supply_chain::provenance::{Provenance, SlsaVersion};
use yew::prelude::*;

use super::format::{visible, visible_lines};
use crate::route::inspect_href;

/// A provenance's facts.
pub fn provenance_facts(provenance: &Provenance) -> Html {
    let version = match provenance.version {
        SlsaVersion::V02 => "SLSA provenance v0.2",
        SlsaVersion::V1 => "SLSA provenance v1",
    };
    let builder = provenance.builder_id.clone().unwrap_or_default();
    let source = provenance.source.as_ref().map(|source| source.pinned());
    let not_stated = |why: &str| html! { <span class="muted">{why.to_owned()}</span> };
    html! {
        <div class="provenance" data-provenance-builder={builder.clone()}
            data-provenance-source={source.clone().unwrap_or_default()}>
            <table class="facts">
                <tr><th>{"Predicate"}</th><td>{version}</td></tr>
                <tr><th>{"Builder"}</th><td class="provenance-builder">
                    if builder.is_empty() { {not_stated("not stated (BuildKit leaves it empty)")} }
                    else { <code>{visible(&builder)}</code> }
                </td></tr>
                <tr><th>{"Source"}</th><td class="provenance-source">
                    if let Some(source) = &source { <code>{visible(source)}</code> }
                    else { {not_stated("not stated")} }
                </td></tr>
                <tr><th>{"Build type"}</th><td>
                    if let Some(build_type) = &provenance.build_type { <code>{visible(build_type)}</code> }
                    else { {not_stated("not stated")} }
                </td></tr>
                if let Some(platform) = &provenance.platform {
                    <tr><th>{"Built for"}</th><td><code>{visible(platform)}</code></td></tr>
                }
                if !provenance.arguments.is_empty() {
                    <tr><th>{"Arguments"}</th><td>
                        <ul class="build-arguments">
                            { for provenance.arguments.iter().map(|(name, value)| html! {
                                <li><code>{visible(&format!("{name}={value}"))}</code></li>
                            }) }
                        </ul>
                    </td></tr>
                }
                <tr><th>{"Inputs"}</th><td>
                    if provenance.materials.is_empty() { {not_stated("none listed")} }
                    else {
                        <ul class="materials">{ for provenance.materials.iter().map(material) }</ul>
                    }
                </td></tr>
            </table>
            if let Some(dockerfile) = &provenance.dockerfile {
                <details class="dockerfile">
                    <summary>{"Dockerfile, as the builder recorded it"}</summary>
                    <pre>{visible_lines(dockerfile)}</pre>
                </details>
            }
        </div>
    }
}

fn material(material: &strata_supply_chain::provenance::Material) -> Html {
    let digest = material.digest.clone().unwrap_or_default();
    let uri = html! { <code>{visible(&material.uri)}</code> };
    let linked = match material.image_reference() {
        Some(reference) => html! {
            <a class="material-image" href={inspect_href(&reference, None)} title={format!("Inspect {reference}")}>{uri}</a>
        },
        None => uri,
    };
    html! {
        <li data-material-digest={digest.clone()}>
            {linked}
            if !digest.is_empty() { {" "}<code class="digest muted">{visible(&digest)}</code> }
        </li>
    }
}
